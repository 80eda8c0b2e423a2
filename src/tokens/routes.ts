// The token service over HTTP: the OAuth endpoints (token, introspection, revocation, RFC 8414
// metadata) speak form-encoded requests and RFC 6749 §5.2 error JSON as their RFCs say (JSON
// bodies are accepted too), and the management endpoints for trusted issuers and identity
// credentials speak JSON and problem details like the rest of the API.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MandateError } from '../core/errors.js';
import { actorOf, OAuthError } from '../http/common.js';
import { ProblemResponse, sendOAuthError, toMandateError } from '../http/problem.js';
import { Items, type Names } from '../http/responses.js';
import type { TokenResponse } from './issuance.js';
import {
  ASYMMETRIC_ALGS,
  CredentialRegistration,
  GRANT,
  TOKEN_TYPE,
  TokenRequest,
  TrustedIssuer,
  type RegisteredCredential,
} from './model.js';
import {
  CredentialParams,
  CredOut,
  IdParam,
  Introspection,
  Metadata,
  RevokeTokensBody,
  TokenAnswer,
  TokenGeneration,
  TokenParam,
} from './schemas.js';
import type { ClientCredentials, TokenService } from './service.js';

const IN_STEP: [
  Names<Static<typeof TokenAnswer>, TokenResponse>,
  Names<Static<typeof CredOut>, RegisteredCredential & { secret?: string }>,
] = [true, true];
void IN_STEP;

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;

/**
 * RFC 6749 §2.3.1: `Basic base64(urlencode(id) ":" urlencode(secret))`; anything else under Basic is a client
 * that failed to authenticate.
 */
function basicCredentials(header: string | undefined): { client_id: string; client_secret: string } | undefined {
  if (header === undefined || !/^basic(\s|$)/i.test(header)) return undefined;
  const refuse = () =>
    new MandateError('INVALID_CLIENT', 'the Basic credentials are malformed: base64 of urlencoded client_id ":" urlencoded client_secret', {
      field: 'Authorization',
    });
  const m = /^basic +([A-Za-z0-9+/]{1,1400}={0,2}) *$/i.exec(header);
  if (!m) throw refuse();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(m[1]!, 'base64'));
  } catch {
    throw refuse();
  }
  const colon = text.indexOf(':');
  if (colon <= 0) throw refuse();
  // Form-urlencoding: '+' is a space; a bad escape or invalid UTF-8 throws URIError.
  const decode = (v: string) => decodeURIComponent(v.replaceAll('+', ' '));
  try {
    return { client_id: decode(text.slice(0, colon)), client_secret: decode(text.slice(colon + 1)) };
  } catch {
    throw refuse();
  }
}

/** The client credentials of an OAuth request: Basic or the form, never both (RFC 6749 §2.3). */
function clientCredentials(req: FastifyRequest, raw: unknown): { creds: ClientCredentials; basic: boolean } {
  // Read before the body is validated (introspection authenticates first), so only strings count.
  const body: ClientCredentials = {};
  for (const k of ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'] as const) {
    const v = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[k] : undefined;
    if (v !== undefined && typeof v !== 'string') throw new MandateError('INVALID_REQUEST', `${k} must be a string`, { field: k });
    if (v !== undefined) body[k] = v;
  }
  const basic = basicCredentials(req.headers.authorization);
  if (!basic) return { creds: body, basic: false };
  if (body.client_secret !== undefined || body.client_assertion !== undefined)
    throw new MandateError('INVALID_REQUEST', 'use one client authentication method: HTTP Basic or credentials in the form, not both', {
      field: 'Authorization',
    });
  if (body.client_id !== undefined && body.client_id !== basic.client_id)
    throw new MandateError('INVALID_REQUEST', 'client_id in the form is not the one in HTTP Basic', { field: 'client_id' });
  return { creds: { ...body, ...basic }, basic: true };
}

/** RFC 6749 §3.2: parameters the endpoint does not know are ignored, so they are dropped before validation. */
function dropUnknown(names: ReadonlySet<string>) {
  return async (req: FastifyRequest) => {
    const body = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
    for (const k of Object.keys(body)) if (!names.has(k)) delete (body as Record<string, unknown>)[k];
  };
}

const invalid = (req: FastifyRequest, what: string) => {
  const v = (req.validationError as { validation?: { instancePath?: string; params?: { missingProperty?: string } }[] } | undefined)
    ?.validation?.[0];
  const field = v?.params?.missingProperty ?? (v?.instancePath ? v.instancePath.replace(/^\//, '') : 'body');
  return new MandateError('INVALID_REQUEST', `${what} is not valid: ${req.validationError!.message}`, { field });
};

export async function registerTokenRoutes(fastify: FastifyInstance, tokens: TokenService, issuer: () => string): Promise<void> {
  const parent = fastify.withTypeProvider<TypeBoxTypeProvider>();
  await parent.register(async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    // The OAuth endpoints answer errors as RFC 6749 §5.2 says (JSON with error and
    // error_description), whatever failed: parsing, authentication, validation or the grant.
    app.setErrorHandler((err, req, reply) => {
      const known = toMandateError(err);
      if (known) return sendOAuthError(reply, known);
      req.log.error({ err }, 'unhandled error');
      return sendOAuthError(reply, new MandateError('INTERNAL', `internal error (request ${req.id}); the server log has the detail`));
    });

    // RFC 6749 §3.2: form-encoded, and no parameter may appear twice. A prototype-less object, so
    // a parameter named like an Object member (constructor, toString) is just another name.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
      const params = new URLSearchParams(body as string);
      const out = Object.create(null) as Record<string, string>;
      for (const [k, v] of params) {
        if (Object.hasOwn(out, k))
          return done(
            new MandateError('INVALID_REQUEST', `parameter ${k.slice(0, 100)} appears more than once`, { field: k.slice(0, 100) }),
            undefined,
          );
        out[k] = v;
      }
      done(null, out);
    });

    const oauthErrors = { 400: OAuthError, 401: OAuthError, 403: OAuthError, '4xx': OAuthError, '5xx': OAuthError };
    const form = { consumes: ['application/x-www-form-urlencoded', 'application/json'] };

    app.post(
      '/v1/token',
      {
        config: { permission: 'public' },
        schema: {
          tags: ['tokens'],
          ...form,
          security: [],
          operationId: 'exchangeToken',
          summary:
            'Exchange a workload proof for a short-lived Mandate access token (RFC 8693 token exchange, RFC 7523 JWT bearer, ' +
            'client_credentials with a legacy secret or private_key_jwt)',
          description:
            'Form-encoded (RFC 6749); unknown parameters are ignored. ' +
            'Errors are RFC 6749 §5.2 JSON (`error`, `error_description`), not problem details.',
          body: TokenRequest,
          response: { 200: TokenAnswer, ...oauthErrors },
        },
        preValidation: dropUnknown(new Set(Object.keys(TokenRequest.properties))),
        // Token requests are evidence: a malformed one is refused with invalid_request.
        attachValidation: true,
      },
      async (req, reply) => {
        if (req.validationError) throw invalid(req, 'token request');
        const body = req.body;
        // RFC 6749 §2.3.1: a client secret may come as HTTP Basic instead of in the form.
        const { creds } = clientCredentials(req, body);
        const res = await tokens.exchange({ ...body, ...creds }, req.ip);
        return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(res);
      },
    );

    app.post(
      '/v1/introspect',
      {
        // An API token with tokens:introspect (the enforcer role), or a resource server that
        // authenticates as an OAuth client (an identity), which sees only tokens issued for it.
        config: { permission: 'tokens:introspect', oauthClient: true },
        schema: {
          tags: ['tokens'],
          ...form,
          security: [{ bearer: [] }, { oauthClient: [] }],
          operationId: 'introspectToken',
          summary:
            'RFC 7662 token introspection: an API token with tokens:introspect, or an identity authenticated as an OAuth client ' +
            '(client_secret_basic, client_secret_post, private_key_jwt), which sees only tokens whose aud names it',
          body: TokenParam,
          response: { 200: Introspection, ...oauthErrors },
        },
        preValidation: dropUnknown(new Set(Object.keys(TokenParam.properties))),
        attachValidation: true,
      },
      async (req, reply) => {
        let audience: string | undefined;
        if (!req.principal) {
          // Authenticate before reading the body: an anonymous caller learns nothing from validation.
          const { creds, basic } = clientCredentials(req, req.body);
          const client = await tokens.authenticateClient(creds, 'introspect', basic);
          if (!client)
            throw new MandateError(
              'INVALID_CLIENT',
              'authenticate as an OAuth client (HTTP Basic, client_secret_post or private_key_jwt) ' +
                'or send Authorization: Bearer <API token>',
              { field: 'Authorization' },
            );
          audience = client.identity;
        }
        if (req.validationError) throw invalid(req, 'introspection request');
        const answer = await tokens.introspect(req.body.token, audience);
        // RFC 7662 §2.2: active is always there, a boolean (the service says so; its type is a plain record).
        return reply.header('cache-control', 'no-store').send({ ...answer, active: answer.active === true });
      },
    );

    app.post(
      '/v1/revoke',
      {
        config: { permission: 'public' },
        schema: {
          tags: ['tokens'],
          ...form,
          security: [],
          operationId: 'revokeToken',
          summary:
            'RFC 7009 token revocation: whoever holds a token may revoke it; client credentials, if given, must verify; ' +
            '200 for any token, valid or not',
          body: TokenParam,
          response: { 200: Type.Object({}), ...oauthErrors },
        },
        preValidation: dropUnknown(new Set(Object.keys(TokenParam.properties))),
        attachValidation: true,
      },
      async (req, reply) => {
        // A public client sends only client_id (accepted); a confidential one must authenticate.
        const { creds, basic } = clientCredentials(req, req.body);
        await tokens.authenticateClient(creds, 'revoke', basic);
        if (req.validationError) throw invalid(req, 'revocation request');
        await tokens.revoke(req.body.token);
        return reply.header('cache-control', 'no-store').send({});
      },
    );

    // RFC 8414: what an OAuth client needs to find and use the endpoints above.
    app.get(
      '/.well-known/oauth-authorization-server',
      {
        config: { permission: 'public' },
        schema: {
          tags: ['tokens'],
          operationId: 'getAuthorizationServerMetadata',
          summary: 'RFC 8414 authorization server metadata',
          security: [],
          // In the OAuth scope: a refusal (too many requests) or a fault answers RFC 6749 JSON too.
          response: { 200: Metadata, '4xx': OAuthError, '5xx': OAuthError },
        },
      },
      async (_req, reply) => {
        const iss = issuer();
        const base = iss.replace(/\/$/, '');
        const algs = [...ASYMMETRIC_ALGS];
        return reply.header('cache-control', 'public, max-age=60').send({
          issuer: iss,
          token_endpoint: `${base}/v1/token`,
          jwks_uri: `${base}/.well-known/jwks.json`,
          introspection_endpoint: `${base}/v1/introspect`,
          revocation_endpoint: `${base}/v1/revoke`,
          grant_types_supported: [GRANT.tokenExchange, GRANT.jwtBearer, GRANT.clientCredentials],
          // No authorization endpoint: workloads only; the member is REQUIRED, so it is empty.
          response_types_supported: [],
          // none: the exchange and jwt-bearer grants prove the identity by the grant itself.
          token_endpoint_auth_methods_supported: [...AUTH_METHODS, 'none'],
          token_endpoint_auth_signing_alg_values_supported: algs,
          introspection_endpoint_auth_methods_supported: [...AUTH_METHODS],
          introspection_endpoint_auth_signing_alg_values_supported: algs,
          revocation_endpoint_auth_methods_supported: [...AUTH_METHODS, 'none'],
          revocation_endpoint_auth_signing_alg_values_supported: algs,
          token_exchange_subject_token_types_supported: [TOKEN_TYPE.jwt, TOKEN_TYPE.idToken],
          token_exchange_requested_token_types_supported: [TOKEN_TYPE.accessToken, TOKEN_TYPE.jwt],
        });
      },
    );
  });

  parent.post(
    '/v1/issuers',
    {
      config: { permission: 'issuers:write' },
      schema: {
        tags: ['tokens'],
        operationId: 'addIssuer',
        summary: 'Trust an OIDC issuer’s workload tokens (Kubernetes, CI, cloud workload identity)',
        body: TrustedIssuer,
        response: { 201: TrustedIssuer, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await tokens.addIssuer(actorOf(req), req.body)),
  );

  parent.get(
    '/v1/issuers',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['tokens'],
        operationId: 'listIssuers',
        summary: 'Trusted OIDC issuers',
        response: { 200: Items(TrustedIssuer), '4xx': ProblemResponse },
      },
    },
    async () => ({ items: await tokens.listIssuers() }),
  );

  parent.delete(
    '/v1/issuers/:id',
    {
      config: { permission: 'issuers:write' },
      schema: {
        tags: ['tokens'],
        operationId: 'removeIssuer',
        summary: 'Stop trusting an issuer; its workload bindings are revoked with their tokens',
        params: IdParam,
        response: { 204: Type.Null(), '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      await tokens.removeIssuer(actorOf(req), req.params.id);
      return reply.code(204).send(null); // a 204 carries no body: Fastify writes none
    },
  );

  parent.post(
    '/v1/identities/:id/credentials',
    {
      config: { permission: 'credentials:write' },
      schema: {
        tags: ['tokens'],
        operationId: 'addCredential',
        summary:
          'Register how an identity proves itself: an OIDC workload subject, a public key, ' +
          'or (legacy only) a static secret answered once',
        params: IdParam,
        body: CredentialRegistration,
        response: { 201: CredOut, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const created = await tokens.addCredential(actorOf(req), req.params.id, req.body);
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  parent.get(
    '/v1/identities/:id/credentials',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['tokens'],
        operationId: 'listCredentials',
        summary: 'An identity’s credentials (never a secret)',
        params: IdParam,
        response: { 200: Items(CredOut), '4xx': ProblemResponse },
      },
    },
    async (req) => ({ items: await tokens.listCredentials(req.params.id) }),
  );

  parent.post(
    '/v1/identities/:id/credentials/:credential/revoke',
    {
      config: { permission: 'credentials:write' },
      schema: {
        tags: ['tokens'],
        operationId: 'revokeCredential',
        summary: 'Revoke a credential and every token it produced',
        params: CredentialParams,
        response: { 200: CredOut, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id, credential } = req.params;
      return tokens.revokeCredential(actorOf(req), id, credential);
    },
  );

  parent.post(
    '/v1/identities/:id/revoke-tokens',
    {
      config: { permission: 'credentials:write' },
      schema: {
        tags: ['tokens'],
        operationId: 'revokeIdentityTokens',
        summary: 'Revoke every token an identity holds (its token generation moves on)',
        params: IdParam,
        body: RevokeTokensBody,
        response: { 200: TokenGeneration, '4xx': ProblemResponse },
      },
    },
    async (req) => tokens.revokeIdentity(actorOf(req), req.params.id, req.body.reason),
  );
}
