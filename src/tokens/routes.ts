// The token service over HTTP: the OAuth endpoints (token, introspection, revocation) speak
// form-encoded requests as their RFCs say (JSON is accepted too), and the management endpoints
// for trusted issuers and identity credentials speak JSON like the rest of the API.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MandateError } from '../core/errors.js';
import { Id } from '../core/model.js';
import { actorOf, Problem } from '../http/common.js';
import { CredentialRegistration, TokenRequest, TrustedIssuer, type TokenRequest as TokenRequestT } from './model.js';
import type { TokenService } from './service.js';

const TokenParam = Type.Object({ token: Type.String({ minLength: 1, maxLength: 16_384 }), token_type_hint: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });
const IdParam = Type.Object({ id: Id });
const CredOut = Type.Object({
  id: Type.String(), identity: Type.String(), type: Type.String(), issuer: Type.Optional(Type.String()), subject: Type.Optional(Type.String()),
  jwk: Type.Optional(Type.Object({}, { additionalProperties: true })), created_at: Type.String(), revoked_at: Type.Union([Type.String(), Type.Null()]),
  secret: Type.Optional(Type.String({ description: 'the static secret, in this answer only' })),
});

export async function registerTokenRoutes(parent: FastifyInstance, tokens: TokenService): Promise<void> {
  await parent.register(async (app) => {
    // RFC 6749 §3.2: form-encoded, and no parameter may appear twice.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
      const params = new URLSearchParams(body as string);
      const out: Record<string, string> = {};
      for (const [k, v] of params) {
        if (k in out) return done(new MandateError('INVALID_REQUEST', `parameter ${k} appears more than once`, { field: k }), undefined);
        out[k] = v;
      }
      done(null, out);
    });

    app.post('/v1/token', {
      config: { permission: 'public' },
      schema: {
        tags: ['tokens'],
        summary: 'Exchange a workload proof for a short-lived Mandate access token (RFC 8693 token exchange, RFC 7523 JWT bearer, legacy client_credentials)',
        body: TokenRequest,
        response: { 200: Type.Object({ access_token: Type.String(), issued_token_type: Type.String(), token_type: Type.String(), expires_in: Type.Integer(), scope: Type.String() }), '4xx': Problem },
      },
      // Token requests are evidence: a malformed one is refused with invalid_request.
      attachValidation: true,
    }, async (req, reply) => {
      if (req.validationError) {
        const detail = req.validationError.message;
        throw new MandateError('INVALID_REQUEST', `token request is not valid: ${detail}`, { field: (req.validationError as { validation?: { instancePath?: string; params?: { additionalProperty?: string } }[] }).validation?.[0]?.params?.additionalProperty ?? 'body' });
      }
      const body = req.body as TokenRequestT;
      // RFC 6749 §2.3.1: a client secret may come as HTTP Basic instead of in the form.
      const basic = /^Basic ([A-Za-z0-9+/=]{1,1000})$/.exec(req.headers.authorization ?? '');
      if (basic) {
        const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
        if (id && secret) Object.assign(body, { client_id: decodeURIComponent(id), client_secret: decodeURIComponent(secret) });
      }
      const res = await tokens.exchange(body);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(res);
    });

    app.post('/v1/introspect', {
      config: { permission: 'tokens:introspect' },
      schema: { tags: ['tokens'], summary: 'RFC 7662 token introspection', body: TokenParam, response: { 200: Type.Object({ active: Type.Boolean() }, { additionalProperties: true }), '4xx': Problem } },
    }, async (req, reply) => reply.header('cache-control', 'no-store').send(await tokens.introspect((req.body as { token: string }).token)));

    app.post('/v1/revoke', {
      config: { permission: 'public' },
      schema: { tags: ['tokens'], summary: 'RFC 7009 token revocation: whoever holds a token may revoke it; always answers 200', body: TokenParam, response: { 200: Type.Object({}), '4xx': Problem } },
    }, async (req) => {
      await tokens.revoke((req.body as { token: string }).token);
      return {};
    });
  });

  parent.post('/v1/issuers', {
    config: { permission: 'issuers:write' },
    schema: { tags: ['tokens'], summary: 'Trust an OIDC issuer’s workload tokens (Kubernetes, CI, cloud workload identity)', body: TrustedIssuer, response: { 201: TrustedIssuer, '4xx': Problem } },
  }, async (req, reply) => reply.code(201).send(await tokens.addIssuer(actorOf(req), req.body as TrustedIssuer)));

  parent.get('/v1/issuers', {
    config: { permission: 'inventory:read' },
    schema: { tags: ['tokens'], summary: 'Trusted OIDC issuers', response: { 200: Type.Object({ items: Type.Array(TrustedIssuer) }), '4xx': Problem } },
  }, async () => ({ items: await tokens.listIssuers() }));

  parent.delete('/v1/issuers/:id', {
    config: { permission: 'issuers:write' },
    schema: { tags: ['tokens'], summary: 'Stop trusting an issuer; its workload bindings are revoked with their tokens', params: IdParam, response: { 204: Type.Null(), '4xx': Problem } },
  }, async (req, reply) => {
    await tokens.removeIssuer(actorOf(req), (req.params as { id: string }).id);
    return reply.code(204).send();
  });

  parent.post('/v1/identities/:id/credentials', {
    config: { permission: 'credentials:write' },
    schema: { tags: ['tokens'], summary: 'Register how an identity proves itself: an OIDC workload subject, a public key, or (legacy only) a static secret answered once', params: IdParam, body: CredentialRegistration, response: { 201: CredOut, '4xx': Problem } },
  }, async (req, reply) => reply.code(201).header('cache-control', 'no-store').send(await tokens.addCredential(actorOf(req), (req.params as { id: string }).id, req.body as never)));

  parent.get('/v1/identities/:id/credentials', {
    config: { permission: 'inventory:read' },
    schema: { tags: ['tokens'], summary: 'An identity’s credentials (never a secret)', params: IdParam, response: { 200: Type.Object({ items: Type.Array(CredOut) }), '4xx': Problem } },
  }, async (req) => ({ items: await tokens.listCredentials((req.params as { id: string }).id) }));

  parent.post('/v1/identities/:id/credentials/:credential/revoke', {
    config: { permission: 'credentials:write' },
    schema: { tags: ['tokens'], summary: 'Revoke a credential and every token it produced', params: Type.Object({ id: Id, credential: Id }), response: { 200: CredOut, '4xx': Problem } },
  }, async (req) => {
    const { id, credential } = req.params as { id: string; credential: string };
    return tokens.revokeCredential(actorOf(req), id, credential);
  });

  parent.post('/v1/identities/:id/revoke-tokens', {
    config: { permission: 'credentials:write' },
    schema: {
      tags: ['tokens'], summary: 'Revoke every token an identity holds (its token generation moves on)', params: IdParam,
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ identity: Type.String(), generation: Type.Integer() }), '4xx': Problem },
    },
  }, async (req) => tokens.revokeIdentity(actorOf(req), (req.params as { id: string }).id, (req.body as { reason: string }).reason));
}
