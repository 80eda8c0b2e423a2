// The HTTP app: the Fastify server, its edge (body parsing, validation, authentication, rate
// limits, problem+json, security headers, metrics) and every capability's routes over the
// container's services. Nothing here builds a service or starts a timer.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { registerApprovalRoutes } from '../approvals/routes.js';
import { registerEventRoutes } from '../audit/event-routes.js';
import { registerLedgerRoutes } from '../audit/ledger-routes.js';
import { registerComplianceRoutes } from '../compliance/routes.js';
import { registerConsoleRoutes } from '../console/routes.js';
import { craService } from '../cra/service.js';
import { registerCraRoutes } from '../cra/routes.js';
import { MandateError } from '../core/errors.js';
import { rolesAllow } from '../core/roles.js';
import { createAjv } from '../core/schema.js';
import { registerDecisionRoutes } from '../decisions/routes.js';
import { registerOutboxRoutes } from '../delivery/outbox-routes.js';
import { registerDiscoveryRoutes } from '../discovery/routes.js';
import { registerEnforcementRoutes } from '../enforcement/routes.js';
import { registerEvidenceRoutes } from '../evidence/routes.js';
import { registerGrantRoutes } from '../grants/routes.js';
import '../http/common.js';
import { registerCompression } from '../http/compression.js';
import { parseJsonBody } from '../http/json-body.js';
import { methodsFor } from '../http/methods.js';
import { sendProblem, toMandateError } from '../http/problem.js';
import {
  DEFAULT_RATE_LIMITS,
  leasedCounter,
  leaseSize,
  memoryCounter,
  redisCounter,
  registerRateLimits,
  sqlCounter,
  type RateLimits,
} from '../http/rate-limit.js';
import { registerImportRoutes } from '../importer/routes.js';
import { registerKeyRoutes } from '../keys/routes.js';
import { registerInventoryRoutes } from '../inventory/routes.js';
import { registerPolicyRoutes } from '../policy/routes.js';
import { registerRegulatoryRoutes } from '../regulatory/routes.js';
import { registerReviewRoutes } from '../reviews/routes.js';
import { registerSsfRoutes } from '../ssf/routes.js';
import { registerTokenRoutes } from '../tokens/routes.js';
import { registerSigninRoutes, sessionAuthenticator } from '../signin/routes.js';
import { registerApiClientRoutes } from '../users/api-client-routes.js';
import { registerUserRoutes } from '../users/routes.js';
import { readLease } from '../store/leadership.js';
import { MIGRATIONS } from '../store/migrations.js';
import type { Container } from './container.js';
import { HSTS } from './tls.js';

export interface HttpOptions {
  /** pino options (the level, and where it is written: default stdout), or false for silence (tests). */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
  version?: string;
  /** More public keys to publish beside the token and SET signing keys (/.well-known/jwks.json). */
  jwks?: () => { keys: object[] };
  /** Where the built web console is (default console/dist of this package). */
  consoleDir?: string;
  /** The server's public URL: sign-in cookies are Secure unless it is http on loopback (default the token issuer). */
  publicUrl?: string;
  /**
   * Rate limits (default DEFAULT_RATE_LIMITS), false for none. Counts live in PostgreSQL on
   * PostgreSQL, in memory on SQLite, in Redis when redisUrl is given (src/http/rate-limit.ts).
   */
  rateLimits?: (Partial<RateLimits> & { redisUrl?: string }) | false;
  /**
   * Serve HTTPS with these options (src/server/tls.ts): every answer carries HSTS. With a client CA
   * (`ca`), the enforcement routes need a client certificate chained to it.
   */
  https?: HttpsServerOptions;
  /**
   * Load balancers (addresses or CIDRs) whose X-Forwarded-For names the caller: without them, every
   * request behind a load balancer comes from its address, and one per-address rate limit counts all.
   */
  trustProxy?: string[];
}

export interface RouteEntry {
  method: string;
  url: string;
  permission: string | undefined;
}

/** The Fastify server with its parsers and validators, before any route: its logger is the container's. */
export function createHttpServer(opts: HttpOptions): FastifyInstance {
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: typeof opts.logger === 'object' ? opts.logger.level : 'info',
            ...(typeof opts.logger === 'object' && opts.logger.stream ? { stream: opts.logger.stream } : {}),
            // Bearer tokens never reach the log.
            redact: ['req.headers.authorization', 'req.headers.cookie'],
          },
    bodyLimit: 1024 * 1024,
    // Longer than every id and key the schemas allow (ids ≤ 128, discovered-account keys ≤ 700), so
    // the schema, not the router's default of 100, decides what is valid.
    routerOptions: { maxParamLength: 1024 },
    // The router's own refusals (a bad percent-encoding, a parameter past the limit) are problems too.
    frameworkErrors: (err, req, reply) => {
      const why =
        err.code === 'FST_ERR_BAD_URL'
          ? 'the path is not valid percent-encoding'
          : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? 'a path parameter is longer than 1024 characters'
            : err.message;
      void sendProblem(reply, req, new MandateError('VALIDATION_FAILED', why, { field: 'path' }));
    },
    // HTTPS when configured (the type of the server is the same to every route).
    ...(opts.https ? { https: opts.https } : {}),
    ...(opts.trustProxy?.length ? { trustProxy: opts.trustProxy } : {}),
  } as FastifyServerOptions) as unknown as FastifyInstance;
  // Under TLS, every answer (errors and the enforcement stream included) tells browsers to keep to
  // HTTPS; set on the raw response first, before authentication may refuse. Never over plain HTTP.
  if (opts.https) app.addHook('onRequest', async (_req, reply) => void reply.raw.setHeader('strict-transport-security', HSTS));
  // JSON bodies strictly: UTF-8, no duplicate or prototype keys (src/http/json-body.ts).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // Bodies are JSON (the import route adds YAML in its own scope); no plain-text bodies.
  app.removeContentTypeParser('text/plain');
  // Bodies are validated strictly (no coercion, unknown fields are errors); query strings and
  // path parameters arrive as text and may be coerced to the declared types.
  const bodyAjv = createAjv({ coerceTypes: false });
  const textAjv = createAjv({ coerceTypes: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));
  return app;
}

/** The edge and every route, over the container's services. Answers the route table. */
export async function registerHttp(app: FastifyInstance, container: Container, opts: HttpOptions): Promise<RouteEntry[]> {
  const { db, services, metrics, issuer } = container;
  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: r.url, permission: r.config?.permission });
    }
    // A route anyone may call says so in the document (no security requirement); the others inherit
    // the document's bearer requirement, or declare their own (the OAuth client endpoints).
    if (r.config?.permission === 'public' && r.schema && !('security' in r.schema)) r.schema = { ...r.schema, security: [] };
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mandate API',
        version: opts.version ?? '0.1.0',
        description: 'Control plane for non-human identities in regulated firms. Errors are RFC 9457 problem details.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      // Relative: the API is served where this document is (GET /openapi.json at the server's root),
      // whatever the deployment's public URL; a generated client is given its base URL.
      servers: [{ url: '/', description: 'this server' }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              "A person's API token, an API client's token, or a CLI session (mds_…). With single sign-on, the console's " +
              'session cookie (mandate_session, with its X-CSRF-Token on writes) is accepted wherever a bearer is',
          },
          oauthClient: {
            type: 'http',
            scheme: 'basic',
            description:
              'OAuth client authentication of an identity (RFC 6749 §2.3.1); client_secret_post and private_key_jwt go in the form instead',
          },
        },
      },
      security: [{ bearer: [] }],
    },
  });

  // Before any route, as the limiter below: both hook every route registered after them.
  await registerCompression(app);

  // Before any route: the limiter hooks every route registered after it.
  const { redisUrl, ...rateLimits }: RateLimits & { redisUrl?: string } = {
    ...DEFAULT_RATE_LIMITS,
    ...(opts.rateLimits === false ? { anonymous: false, token: false } : opts.rateLimits),
  };
  if (rateLimits.anonymous || rateLimits.token) {
    const limitOf = (key: string) => (key.startsWith('a:') ? rateLimits.anonymous : rateLimits.token) || { max: 1 };
    const shared = redisUrl ? redisCounter(redisUrl) : db.dialect === 'postgres' ? sqlCounter(db, container.clock) : undefined;
    const counter = shared ? leasedCounter(shared, (key) => leaseSize(limitOf(key).max), container.clock) : memoryCounter(container.clock);
    await registerRateLimits(app, rateLimits, counter, (err) =>
      app.log.warn({ err }, 'the rate-limit store failed; the request was not counted'),
    );
  }

  app.setErrorHandler((err, req, reply) => {
    const known = toMandateError(err);
    if (known) return sendProblem(reply, req, known);
    req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, req, new MandateError('INTERNAL', `internal error (request ${req.id}); the server log has the detail`));
  });
  // A path that exists with other methods is 405 with Allow (RFC 9110 §15.5.6), not 404.
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const allowed = methodsFor(routeTable, path);
    if (allowed.length) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        req,
        new MandateError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`, {
          field: 'method',
        }),
      );
    }
    return sendProblem(reply, req, new MandateError('ROUTE_NOT_FOUND', `no endpoint ${req.method} ${path}`));
  });

  // A signed-in person's session (the console's cookie, the CLI's Bearer mds_…) comes first; anything
  // else falls through to workload tokens and API tokens.
  const { signin } = services;
  const sessionOf = signin ? sessionAuthenticator(signin) : undefined;
  /**
   * An act of power by a signed-in person needs a recent MFA sign-in (issue 18 item 3): else 401
   * with the way to step up. With single sign-on configured, an API token (a person's own, the
   * bootstrap admin's) is for reads and automation: it proves no MFA, so it never performs an act
   * of power. An API client is refused further on, by its roles or by the approval engine (which
   * records it).
   */
  const requireStepUp = (req: FastifyRequest, reply: FastifyReply) => {
    if (!signin || req.principal?.kind === 'api_client') return;
    const session = req.principal?.session;
    const checked = session
      ? signin.stepUp(session)
      : ({
          satisfied: false,
          need: 'sign_in',
          reason: 'this needs a person signed in through the identity provider with MFA, not an API token',
        } as const);
    if (checked.satisfied) return;
    const rule = signin.stepUpRule;
    const url = `/v1/signin?${session ? 'step_up=true&' : ''}return_to=${encodeURIComponent(returnPath(req))}`;
    reply.header(
      'www-authenticate',
      `Bearer realm="mandate", error="insufficient_user_authentication", max_age=${Math.round(rule.maxAgeMs / 1000)}` +
        `${rule.acr ? `, acr_values="${rule.acr}"` : ''}, error_description="` +
        `${checked.need === 'recent_sign_in' ? 'recent sign-in required' : 'MFA sign-in required'}"`,
    );
    throw new MandateError('STEP_UP_REQUIRED', `${checked.reason}: sign in again with MFA at ${url}, then retry`, {
      field: 'session',
      stepUp: {
        need: checked.need,
        url,
        max_age_seconds: Math.round(rule.maxAgeMs / 1000),
        ...(rule.acr ? { acr: rule.acr } : {}),
      },
    });
  };

  // Authenticate, then authorise, before anything reads the body: a caller without the role
  // learns nothing from validation errors.
  app.addHook('onRequest', async (req, reply) => {
    const permission = req.routeOptions.config?.permission;
    if (permission === 'public') return;
    if (permission === undefined && !req.url.startsWith('/v1/')) return;
    // An OAuth client (a resource server) authenticates in the route itself, by Basic or in the form.
    if (req.routeOptions.config?.oauthClient && !/^Bearer /i.test(req.headers.authorization ?? '')) return;
    const m = /^Bearer ([\x21-\x7e]{1,16384})$/.exec(req.headers.authorization ?? '');
    // A workload may call the few routes that say so with its Mandate access token (a JWT).
    if (m && req.routeOptions.config?.workload && m[1]!.split('.').length === 3) {
      const checked = await services.tokens.check(m[1]!);
      // A token issued for another audience (a resource server's) is no credential for Mandate's own routes.
      const forUs = 'claims' in checked && [checked.claims.aud].flat().includes(issuer());
      if ('inactive' in checked || !forUs) {
        reply.header('www-authenticate', 'Bearer realm="mandate", error="invalid_token"');
        const why =
          'inactive' in checked
            ? `the workload token is not active: ${checked.inactive}`
            : `the workload token is for ${String(checked.claims.aud)}, not ${issuer()}`;
        throw new MandateError('UNAUTHENTICATED', why, { field: 'Authorization' });
      }
      req.workload = { identity: checked.claims.sub, jti: checked.claims.jti };
      return;
    }
    // A session's cookie without its CSRF token on an unsafe request is refused here (FORBIDDEN).
    const session = sessionOf ? await sessionOf(req) : undefined;
    if (session) {
      req.principal = { user: session.user, roles: session.roles, token: session.token, kind: 'person', session: session.session };
      if (permission && !rolesAllow(session.roles, permission))
        throw new MandateError('FORBIDDEN', `your roles (${session.roles.join(', ')}) do not grant ${permission}`);
      if (req.routeOptions.config?.stepUp === true) requireStepUp(req, reply);
      return;
    }
    const principal = m && m[1]!.length <= 512 ? await services.users.authenticate(m[1]!) : undefined;
    if (!principal) {
      reply.header('www-authenticate', 'Bearer realm="mandate"');
      throw new MandateError('UNAUTHENTICATED', m ? 'token is unknown, expired or revoked' : 'send Authorization: Bearer <token>', {
        field: 'Authorization',
      });
    }
    req.principal = principal;
    if (permission && !rolesAllow(principal.roles, permission))
      throw new MandateError('FORBIDDEN', `your roles (${principal.roles.join(', ')}) do not grant ${permission}`);
    if (req.routeOptions.config?.stepUp === true) requireStepUp(req, reply);
  });

  // The emergency path of a route (a transition applied on the caller's sole approval) is known
  // once the body is read and validated.
  app.addHook('preHandler', async (req, reply) => {
    if (req.routeOptions.config?.stepUp !== 'emergency') return;
    if ((req.body as { emergency?: unknown } | undefined)?.emergency === true) requireStepUp(req, reply);
  });

  // Every answer: never sniffed as another type; API answers (records, tokens, findings) never cached.
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (req.url.startsWith('/v1/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  app.addHook('onClose', () => container.close());

  app.get('/healthz', { config: { permission: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  // Whether a load balancer should send this server requests: not while it shuts down, nor when
  // the store is unreachable or its schema is not the one this code expects (NOT_READY, 503).
  const latestMigration = MIGRATIONS[MIGRATIONS.length - 1]!.version;
  app.get('/readyz', { config: { permission: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const { leadership } = container;
    if (container.closing) return sendProblem(reply, req, new MandateError('NOT_READY', 'this server is shutting down'));
    let version: number;
    let count: number;
    try {
      const [row] = await db.all<{ v: number | null; n: number }>('SELECT MAX(version) AS v, COUNT(*) AS n FROM schema_migrations');
      version = Number(row?.v ?? 0);
      count = Number(row?.n ?? 0);
    } catch (err) {
      req.log.warn({ err }, 'store not reachable');
      return sendProblem(reply, req, new MandateError('NOT_READY', 'the store is not reachable'));
    }
    if (version !== latestMigration || count !== MIGRATIONS.length)
      return sendProblem(
        reply,
        req,
        new MandateError('NOT_READY', `the store's schema is at migration ${version}; this server's code is at ${latestMigration}`),
      );
    // A leader says so only while the lease still holds its epoch (a leader woken from a pause learns here, and steps down).
    const fence = leadership.fence();
    const lease = fence ? await readLease(db, fence.name).catch(() => undefined) : undefined;
    const stale = fence !== undefined && lease !== undefined && lease.epoch !== fence.epoch;
    if (stale) fence.onFenced?.(lease.epoch);
    return {
      status: 'ready',
      store: db.dialect,
      server: leadership.serverId,
      leader: leadership.isLeader && !stale,
      epoch: stale ? null : leadership.epoch,
      migrations: 'current',
    };
  });
  // Metrics tell who calls what and how much is pending: a scraper authenticates (role monitor), or
  // the server serves them on an address of their own (MANDATE_METRICS_LISTEN, server/start.ts).
  app.get('/metrics', { config: { permission: 'metrics:read' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/.well-known/jwks.json', { config: { permission: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('cache-control', 'public, max-age=60')
      .send({ keys: [...services.keys.jwks().keys, ...services.setKeys.jwks().keys, ...(opts.jwks?.().keys ?? [])] }),
  );
  app.get('/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());

  registerInventoryRoutes(app, services.inventory);
  registerEventRoutes(app, db);
  registerUserRoutes(app, services.users);
  registerApiClientRoutes(app, services.apiClients);
  if (signin) registerSigninRoutes(app, signin, { publicUrl: opts.publicUrl ?? issuer() });
  await registerImportRoutes(app, services.importer);
  registerRegulatoryRoutes(app, db, services.regulatory, services.lifecycleRules, services.changeRequests);
  registerCraRoutes(app, craService({ db, clock: container.clock }));
  registerOutboxRoutes(app, services.outbox);
  registerLedgerRoutes(app, db, services.ledger);
  registerKeyRoutes(app, db, services);
  await registerTokenRoutes(app, services.tokens, issuer);
  registerPolicyRoutes(app, services.policies, services.changeRequests);
  registerApprovalRoutes(app, services.approvals, services.changeRequests);
  registerGrantRoutes(app, services.grants);
  registerComplianceRoutes(app, services.compliance, services.leaks);
  registerEvidenceRoutes(app, db, container.clock, services.evidencePacks);
  registerReviewRoutes(app, services.reviews);
  registerDiscoveryRoutes(app, services.discovery);
  registerDecisionRoutes(app, services.decisions, services.enforcementReady);
  registerEnforcementRoutes(app, services.hub, services.enforcementReady, { clientCertificate: Boolean(opts.https?.ca) });
  registerSsfRoutes(app, services.ssf);
  await registerConsoleRoutes(app, { ...(opts.consoleDir ? { root: opts.consoleDir } : {}), sso: Boolean(services.signin) });
  return routeTable;
}

/** Where a browser comes back after a step-up: the page it was on (a same-origin Referer), else the console. */
function returnPath(req: FastifyRequest): string {
  const referer = req.headers.referer;
  if (referer) {
    try {
      const u = new URL(referer);
      if (u.host === req.headers.host && /^\/(?![/\\])/.test(u.pathname)) return `${u.pathname}${u.search}`;
    } catch {
      // not a URL: the console
    }
  }
  return '/console/';
}
