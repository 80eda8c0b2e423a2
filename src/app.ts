// The one place that wires every capability into the HTTP server. Each capability folder exports
// its service (logic) and its routes; this file only connects them.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAccessRoutes } from './users/routes.js';
import { accessService } from './users/service.js';
import { MandateError } from './core/errors.js';
import { rolesAllow } from './core/roles.js';
import { createAjv } from './core/schema.js';
import { registerEventRoutes } from './audit/event-routes.js';
import './http/common.js';
import { createMetrics, domainMetrics } from './http/metrics.js';
import { parseJsonBody } from './http/json-body.js';
import { methodsFor } from './http/methods.js';
import { DEFAULT_RATE_LIMITS, memoryCounter, redisCounter, registerRateLimits, sqlCounter, type RateLimits } from './http/rate-limit.js';
import type { Registry } from 'prom-client';
import { sendProblem, toMandateError } from './http/problem.js';
import { registerImportRoutes } from './importer/routes.js';
import { importService } from './importer/service.js';
import { registerInventoryRoutes } from './inventory/routes.js';
import { inventoryService } from './inventory/service.js';
import type { Connector } from './delivery/connectors/connector.js';
import { outboxDeliverer } from './delivery/deliverer.js';
import { registerOutboxRoutes } from './delivery/outbox-routes.js';
import { registerRegulatoryRoutes } from './regulatory/routes.js';
import { lifecycleRulesStore } from './state/lifecycle-rules.js';
import { isEvidenceOnly } from './ledger/log.js';
import { identityChangeGate } from './inventory/identity-changes.js';
import { regulatoryService } from './regulatory/service.js';
import type { Database } from './store/db.js';
import client from 'prom-client';
import { randomBytes } from 'node:crypto';
import { ledgerService, type LedgerService } from './ledger/service.js';
import { registerLedgerRoutes } from './audit/ledger-routes.js';
import { EnforcementState } from '@mandate/sdk/state';
import { cedarEvaluator } from '@mandate/sdk/cedar-evaluator';
import { groupCommitter } from './ledger/group.js';
import { enforcementHub, type EnforcementHub } from './enforcement/hub.js';
import { registerEnforcementRoutes } from './enforcement/routes.js';
import { decisionService } from './decisions/service.js';
import { registerDecisionRoutes } from './decisions/routes.js';
import { policyStore } from './policy/store.js';
import { registerPolicyRoutes } from './policy/routes.js';
import { signingKeys, type SigningKeys } from './tokens/keys.js';
import { DEFAULT_TTLS, type TokenTtls } from './tokens/model.js';
import { tokenService } from './tokens/service.js';
import { outboundGuard } from './http/outbound.js';
import { registerTokenRoutes } from './tokens/routes.js';
import { approvalEngine } from './state/approvals.js';
import { changeRequests } from './approvals/changes.js';
import { registerApprovalRoutes } from './approvals/routes.js';
import { DEFAULT_APPROVAL_RULES, type ApprovalRule } from './core/approvals.js';
import { grantsService } from './grants/service.js';
import { registerGrantRoutes } from './grants/routes.js';
import { complianceService } from './compliance/service.js';
import { leakService } from './compliance/leaks.js';
import { registerComplianceRoutes } from './compliance/routes.js';
import { evidencePacks } from './evidence/pack.js';
import { registerEvidenceRoutes } from './evidence/routes.js';
import { reviewService } from './reviews/service.js';
import { registerReviewRoutes } from './reviews/routes.js';
import { registerConsoleRoutes } from './console/routes.js';
import { deliveryVerifier, type DeliveryVerifier } from './discovery/verify.js';
import { discoveryService } from './discovery/service.js';
import { registerDiscoveryRoutes } from './discovery/routes.js';


export interface AppOptions {
  db: Database;
  clock?: () => Date;
  /** pino options, or false for silence (tests). */
  logger?: boolean | { level: string };
  version?: string;
  /** Revocation connectors by name (postgres, redis, rabbitmq, webhook, caep, …). */
  connectors?: { get(name: string): Connector | undefined };
  /** CAEP push endpoints told of every change to an identity's power. */
  caepReceivers?: readonly string[];
  /** The ledger's key-encryption key, checkpoint origin and checkpoint export directory. */
  ledger?: { kek: Buffer; origin: string; exportDir?: string };
  /** More public keys to publish beside the token-signing keys (/.well-known/jwks.json), e.g. the SET key. */
  jwks?: () => { keys: object[] };
  /** The token service: Mandate's issuer URL, token lifetimes, key rotation. */
  tokens?: { issuer?: string; ttls?: TokenTtls; rotateAfterMs?: number };
  /** Where the enforcement hub also publishes deltas (NATS), besides the SSE stream. */
  publishDelta?: (subject: 'delta' | 'heartbeat', data: unknown) => void;
  /** The approval rules (default DEFAULT_APPROVAL_RULES; a firm's own from MANDATE_APPROVAL_RULES_FILE). */
  approvalRules?: readonly ApprovalRule[];
  /** Webhook URLs told of new approval requests, decisions and expiries (through the `notify` connector). */
  notifyReceivers?: readonly string[];
  /** Run the control checks this many ms after a change (debounced); off when absent (tests run them by hand). */
  checksAfterChangeMs?: number;
  /** Where the built web console is (default console/dist of this package). */
  consoleDir?: string;
  /** The outbound guard's allow-list for what the app itself fetches (issuers' JWKS): MANDATE_OUTBOUND_ALLOW. Connectors take their guard when they are built. */
  outbound?: { allow?: readonly string[] };
  /**
   * Rate limits (default DEFAULT_RATE_LIMITS), false for none. Counts live in PostgreSQL on
   * PostgreSQL, in memory on SQLite, in Redis when redisUrl is given (src/http/rate-limit.ts).
   */
  rateLimits?: (Partial<RateLimits> & { redisUrl?: string }) | false;
}

export interface RouteEntry {
  method: string;
  url: string;
  permission: string | undefined;
}

export type MandateApp = FastifyInstance & {
  /** Sets the issuer URL of Mandate's tokens (when it is known only after listen). */
  setIssuer(url: string): void;
  /** The Prometheus registry (served on /metrics, and on MANDATE_METRICS_LISTEN when set). */
  metricsRegistry: Registry;
  /** Every route with the permission it needs: documentation, and what the role tests walk. */
  routeTable: RouteEntry[];
  services: {
    access: ReturnType<typeof accessService>;
    inventory: ReturnType<typeof inventoryService>;
    importer: ReturnType<typeof importService>;
    rules: ReturnType<typeof lifecycleRulesStore>;
    regulatory: ReturnType<typeof regulatoryService>;
    outbox: ReturnType<typeof outboxDeliverer>;
    ledger: LedgerService;
    keys: SigningKeys;
    tokens: ReturnType<typeof tokenService>;
    policies: ReturnType<typeof policyStore>;
    hub: EnforcementHub;
    decisions: ReturnType<typeof decisionService>;
    approvals: ReturnType<typeof approvalEngine>;
    changes: ReturnType<typeof changeRequests>;
    grants: ReturnType<typeof grantsService>;
    compliance: ReturnType<typeof complianceService>;
    leaks: ReturnType<typeof leakService>;
    reviews: ReturnType<typeof reviewService>;
    discovery: ReturnType<typeof discoveryService>;
    verifier: DeliveryVerifier;
    /** Loads the decision point's state and starts following the ledger (on first need). */
    enforcementReady(): Promise<EnforcementState>;
  };
};

export async function buildApp(opts: AppOptions): Promise<MandateApp> {
  const { db } = opts;
  const clock = opts.clock ?? (() => new Date());
  const app = Fastify({
    logger: opts.logger === false ? false : {
      level: typeof opts.logger === 'object' ? opts.logger.level : 'info',
      // Bearer tokens never reach the log.
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    bodyLimit: 1024 * 1024,
    // Longer than every id and key the schemas allow (ids ≤ 128, discovered-account keys ≤ 700), so
    // the schema, not the router's default of 100, decides what is valid.
    routerOptions: { maxParamLength: 1024 },
    // The router's own refusals (a bad percent-encoding, a parameter past the limit) are problems too.
    frameworkErrors: (err, req, reply) => {
      const why = err.code === 'FST_ERR_BAD_URL' ? 'the path is not valid percent-encoding' : err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is longer than 1024 characters' : err.message;
      void sendProblem(reply, req, new MandateError('VALIDATION_FAILED', why, { field: 'path' }));
    },
  });
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

  const outbox = outboxDeliverer(db, clock, opts.connectors ?? { get: () => undefined });
  const rules = lifecycleRulesStore(db, clock);
  const kek = opts.ledger?.kek ?? randomBytes(32);
  // The issuer URL can be known only once the server listens (port 0): see setIssuer.
  let issuerUrl = opts.tokens?.issuer ?? 'http://mandate.local';
  const issuer = () => issuerUrl;
  const ttls = opts.tokens?.ttls ?? DEFAULT_TTLS;
  const maxTtlMs = Math.max(ttls.default_s, ttls.execute_custody_transfer_s, ttls.legacy_s, ...Object.values(ttls.by_function)) * 1000;
  const keys = signingKeys(db, kek, clock, { rotateAfterMs: opts.tokens?.rotateAfterMs ?? 24 * 3600_000, maxTokenTtlMs: maxTtlMs });
  await keys.reload();
  const evidence = groupCommitter(db, clock);
  const approvalRules = opts.approvalRules ?? DEFAULT_APPROVAL_RULES;
  const notifyReceivers = opts.notifyReceivers ?? [];
  const approvals = approvalEngine(db, clock, () => approvalRules, notifyReceivers);
  const grants = grantsService({ db, clock, approvals, rules, notifyReceivers });
  const outbound = outboundGuard({ allow: opts.outbound?.allow ?? [], log: ({ url, purpose, err }) => app.log.warn({ err, url, purpose }, 'outbound request failed') });
  const tokens = tokenService({ db, clock, keys, rules, evidence, issuer, ttls, outbound, grants: (identity) => grants.active(identity) });
  const policies = policyStore(db, clock);
  const changes = changeRequests(db, clock, approvals, policies, rules, opts.caepReceivers ?? []);
  const hub = enforcementHub(db, policies, rules, issuer, clock);
  const metrics = createMetrics();
  const domain = domainMetrics(metrics.registry, { db, clock, hub });
  // The server's decision point holds the same state an enforcement point does, fed by its own hub.
  const state = new EnforcementState(cedarEvaluator, () => clock().getTime());
  let loading: Promise<EnforcementState> | undefined;
  const enforcementReady = (): Promise<EnforcementState> => (loading ??= (async () => {
    await hub.start();
    hub.subscribe((d) => {
      if (!state.apply(d)) void hub.snapshot().then((s) => state.load(s)).catch((err) => app.log.error({ err }, 'reloading the decision state failed'));
      opts.publishDelta?.('delta', d);
    });
    state.load(await hub.snapshot());
    return state;
  })().catch((err) => {
    loading = undefined;
    throw err;
  }));
  // Identity writes that add power wait for approval; every identity write recomputes stored power.
  const gate = identityChangeGate(approvals, rules, opts.caepReceivers ?? []);
  const inventory = inventoryService(db, clock, gate, { receivers: opts.caepReceivers ?? [] });
  const reviews = reviewService({ db, clock, inventory });
  // Discovery adopts accounts through the inventory's create path; its findings join the checks.
  const discovery = discoveryService(db, clock, kek, (actor, input) => inventory.create(actor, 'identity', input));
  const verifier = deliveryVerifier(db, clock, discovery, { onError: (err) => app.log.error({ err }, 'verifying connector deliveries failed') });
  const services = {
    access: accessService(db, clock),
    inventory,
    importer: importService(db, clock, gate),
    rules,
    regulatory: regulatoryService(db, clock, approvals, opts.caepReceivers ?? [], { observeCascade: domain.observeCascade }),
    outbox,
    // Without a configured KEK (tests), the log key is sealed under a key that lives only in memory.
    ledger: ledgerService(db, clock, opts.ledger ?? { kek, origin: 'mandate.local/ledger' }),
    keys,
    tokens,
    policies,
    hub,
    decisions: decisionService(db, state, tokens, evidence),
    enforcementReady,
    approvals,
    changes,
    grants,
    compliance: complianceService({ db, clock, extraFindings: { reviews: (sql, now) => reviews.findings(sql, now), discovery: (sql) => discovery.findings(sql) } }),
    leaks: leakService(db, clock),
    reviews,
    discovery,
    verifier,
  };
  // The committed signal (store/db.ts): whatever commits (a request, the scheduler, a cascade)
  // reaches its followers from here, and nowhere else.
  // - Enforcement points: a commit that changed state is pushed before the transaction's caller goes
  //   on, so an answer never leaves before its effect is on the stream, and an approved restriction
  //   is out (provisionally) before its cascade starts. Decisions and tokens change nothing they follow.
  // - Outbox deliveries start at once rather than at the deliverer's next tick.
  // - Control checks run again shortly after a change (one run for a burst).
  // - Metrics count what was committed (decisions, tokens, runs, deliveries).
  // - A connector delivery is verified by the discovery sources that read its system (one pass for a burst).
  let checksTimer: NodeJS.Timeout | undefined;
  const changesState = (a: string) => !isEvidenceOnly(a) && !a.startsWith('connector.');
  const checksFollow = (a: string) => changesState(a) && !/^(checks|finding|ledger|evidence|signing_key)\./.test(a);
  const unsubscribe = db.onCommit(async ({ actions, events, outbox: queued }) => {
    domain.countCommitted(events);
    if (queued > 0) void outbox.drain().catch((err) => app.log.error({ err }, 'outbox delivery failed'));
    if (actions.includes('connector.delivered')) verifier.kick();
    if (opts.checksAfterChangeMs !== undefined && actions.some(checksFollow)) {
      clearTimeout(checksTimer);
      checksTimer = setTimeout(() => void services.compliance.run('after a change').catch((err) => app.log.error({ err }, 'control checks failed')), opts.checksAfterChangeMs);
      checksTimer.unref();
    }
    if (loading && actions.some(changesState)) {
      await hub.kick().catch((err) => app.log.error({ err }, 'enforcement catch-up failed'));
      // Let the stream writes leave: Node flushes them on a later tick, and on SQLite a cascade
      // that follows holds the event loop until it commits.
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    clearTimeout(checksTimer);
    await verifier.stop();
  });
  app.addHook('onClose', async () => {
    hub.stop();
    // Unauthenticated token refusals counted in open windows are recorded before the last flush.
    await tokens.flushRefusals();
    await evidence.flush();
  });
  new client.Gauge({
    name: 'mandate_outbox_deliveries',
    help: 'Connector deliveries by status; failed ones are open problems that need a person',
    labelNames: ['status'] as const,
    registers: [metrics.registry],
    async collect() {
      const counts = await outbox.counts();
      for (const status of ['pending', 'in_flight', 'delivered', 'failed', 'manual']) this.set({ status }, counts[status] ?? 0);
    },
  });
  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: r.url, permission: r.config?.permission });
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mandate API',
        version: opts.version ?? '0.1.0',
        description: 'Control plane for non-human identities in regulated firms. Errors are RFC 9457 problem details.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, oauthClient: { type: 'http', scheme: 'basic', description: 'OAuth client authentication of an identity (RFC 6749 §2.3.1); client_secret_post and private_key_jwt go in the form instead' } } },
      security: [{ bearer: [] }],
    },
  });

  // Before any route: the limiter hooks every route registered after it.
  const { redisUrl, ...rateLimits }: RateLimits & { redisUrl?: string } = { ...DEFAULT_RATE_LIMITS, ...(opts.rateLimits === false ? { anonymous: false, token: false } : opts.rateLimits) };
  if (rateLimits.anonymous || rateLimits.token) {
    const counter = redisUrl ? redisCounter(redisUrl) : db.dialect === 'postgres' ? sqlCounter(db, clock) : memoryCounter(clock);
    await registerRateLimits(app, rateLimits, counter, (err) => app.log.warn({ err }, 'the rate-limit store failed; the request was not counted'));
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
      return sendProblem(reply, req, new MandateError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`, { field: 'method' }));
    }
    return sendProblem(reply, req, new MandateError('ROUTE_NOT_FOUND', `no endpoint ${req.method} ${path}`));
  });

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
      const checked = await tokens.check(m[1]!);
      // A token issued for another audience (a resource server's) is no credential for Mandate's own routes.
      const forUs = 'claims' in checked && [checked.claims.aud].flat().includes(issuer());
      if ('inactive' in checked || !forUs) {
        reply.header('www-authenticate', 'Bearer realm="mandate", error="invalid_token"');
        throw new MandateError('UNAUTHENTICATED', 'inactive' in checked ? `the workload token is not active: ${checked.inactive}` : `the workload token is for ${String(checked.claims.aud)}, not ${issuer()}`, { field: 'Authorization' });
      }
      req.workload = { identity: checked.claims.sub, jti: checked.claims.jti };
      return;
    }
    const principal = m && m[1]!.length <= 512 ? await services.access.authenticate(m[1]!) : undefined;
    if (!principal) {
      reply.header('www-authenticate', 'Bearer realm="mandate"');
      throw new MandateError('UNAUTHENTICATED', m ? 'token is unknown, expired or revoked' : 'send Authorization: Bearer <token>', { field: 'Authorization' });
    }
    req.principal = principal;
    if (permission && !rolesAllow(principal.roles, permission))
      throw new MandateError('FORBIDDEN', `your roles (${principal.roles.join(', ')}) do not grant ${permission}`);
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

  app.get('/healthz', { config: { permission: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { permission: 'public' }, schema: { hide: true } }, async (req, reply) => {
    try {
      await db.all('SELECT 1 AS ok');
      return { status: 'ready', store: db.dialect };
    } catch (err) {
      req.log.warn({ err }, 'store not reachable');
      return sendProblem(reply, req, new MandateError('NOT_READY', 'the store is not reachable'));
    }
  });
  // Metrics tell who calls what and how much is pending: a scraper authenticates (role monitor), or
  // the server serves them on an address of their own (MANDATE_METRICS_LISTEN, server/start.ts).
  app.get('/metrics', { config: { permission: 'metrics:read' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/.well-known/jwks.json', { config: { permission: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=60').send({ keys: [...keys.jwks().keys, ...(opts.jwks?.().keys ?? [])] }));
  app.get('/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());

  registerInventoryRoutes(app, services.inventory);
  registerEventRoutes(app, db);
  registerAccessRoutes(app, services.access);
  await registerImportRoutes(app, services.importer);
  registerRegulatoryRoutes(app, db, services.regulatory, services.rules, changes);
  registerOutboxRoutes(app, services.outbox);
  registerLedgerRoutes(app, db, services.ledger);
  await registerTokenRoutes(app, tokens, issuer);
  registerPolicyRoutes(app, policies, changes);
  registerApprovalRoutes(app, approvals, changes);
  registerGrantRoutes(app, grants);
  registerComplianceRoutes(app, services.compliance, services.leaks);
  registerEvidenceRoutes(app, db, clock, evidencePacks(db, clock, services.ledger, services.compliance));
  registerReviewRoutes(app, services.reviews);
  registerDiscoveryRoutes(app, services.discovery);
  registerDecisionRoutes(app, services.decisions, enforcementReady);
  registerEnforcementRoutes(app, hub, enforcementReady);
  await registerConsoleRoutes(app, opts.consoleDir);

  await app.ready();
  return Object.assign(app, { services, routeTable, metricsRegistry: metrics.registry, setIssuer: (url: string) => (issuerUrl = url) }) as unknown as MandateApp;
}
