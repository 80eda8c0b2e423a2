// The container: builds every service once, hands each the narrowed dependencies it names, and
// subscribes the followers of the committed signal. Nothing here speaks HTTP or starts a timer
// (those are server/http.ts and server/jobs.ts).
import { randomBytes } from 'node:crypto';
import { EnforcementState } from '@mandate/sdk/state';
import { cedarEvaluator } from '@mandate/sdk/cedar-evaluator';
import type { FastifyBaseLogger } from 'fastify';
import { changeRequestService } from '../approvals/changes.js';
import { complianceService } from '../compliance/service.js';
import { leakService } from '../compliance/leaks.js';
import { DEFAULT_APPROVAL_RULES, type ApprovalRule } from '../core/approvals.js';
import { decisionService } from '../decisions/service.js';
import type { Connector } from '../delivery/connectors/connector.js';
import { outboxDeliverer } from '../delivery/deliverer.js';
import { ssfConnector } from '../delivery/ssf.js';
import { discoveryService } from '../discovery/service.js';
import { deliveryVerifier } from '../discovery/verify.js';
import { enforcementHub } from '../enforcement/hub.js';
import { evidencePackService } from '../evidence/pack.js';
import { grantsService } from '../grants/service.js';
import { createMetrics, domainMetrics, type Metrics } from '../http/metrics.js';
import { outboundGuard } from '../http/outbound.js';
import { importService } from '../importer/service.js';
import { identityChangeGate } from '../inventory/identity-changes.js';
import { inventoryService } from '../inventory/service.js';
import { groupCommitter } from '../ledger/group.js';
import { isEvidenceOnly } from '../ledger/log.js';
import { ledgerService } from '../ledger/service.js';
import { policyService } from '../policy/store.js';
import { regulatoryService } from '../regulatory/service.js';
import { reviewService } from '../reviews/service.js';
import { approvalEngine } from '../state/approvals.js';
import { lifecycleRulesStore } from '../state/lifecycle-rules.js';
import type { Database } from '../store/db.js';
import { signingKeys } from '../tokens/keys.js';
import { DEFAULT_TTLS, type TokenTtls } from '../tokens/model.js';
import { tokenService } from '../tokens/service.js';
import { signinFromConfig, type SigninConfig } from '../signin/service.js';
import { apiClientService } from '../users/api-clients.js';
import { usersService, type TokenPolicy } from '../users/service.js';
import { ssfService } from '../ssf/service.js';
import type { KeyStore } from '../keys/signer.js';
import { rotateLogKey } from '../keys/rotation.js';
import { soleLeader, type Leadership } from './leader.js';

export interface ContainerOptions {
  db: Database;
  clock?: () => Date;
  /** Revocation connectors by name (postgres, redis, rabbitmq, webhook, caep, …). */
  connectors?: { get(name: string): Connector | undefined };
  /** CAEP push endpoints told of every change to an identity's power. */
  caepReceivers?: readonly string[];
  /** Webhook URLs told of new approval requests, decisions and expiries (through the `notify` connector). */
  notificationReceivers?: readonly string[];
  /** The ledger's key-encryption key, checkpoint origin and checkpoint export directory. */
  ledger?: { kek: Buffer; origin: string; exportDir?: string };
  /** The token service: Mandate's issuer URL, token lifetimes, key rotation. */
  tokens?: { issuer?: string; ttls?: TokenTtls; rotateAfterMs?: number };
  /** Where the enforcement hub also publishes deltas (NATS), besides the SSE stream. */
  publishDelta?: (subject: 'delta' | 'heartbeat', data: unknown) => void;
  /** The approval rules (default DEFAULT_APPROVAL_RULES; a firm's own from MANDATE_APPROVAL_RULES_FILE). */
  approvalRules?: readonly ApprovalRule[];
  /** The outbound guard's allow-list for what the app itself fetches (issuers' JWKS): MANDATE_OUTBOUND_ALLOW. */
  outbound?: { allow?: readonly string[] };
  /**
   * Single sign-on with the firm's OpenID provider (src/signin/; config signinConfigOf), and the
   * server's public URL its callback is under. Without it people cannot sign in (API tokens only).
   */
  signin?: { config: SigninConfig; publicUrl: string; fetch?: typeof fetch };
  /** People's own API tokens (MANDATE_API_TOKEN_MAX_DAYS, …) and the first-start admin token's life (MANDATE_BOOTSTRAP_TTL_HOURS). */
  users?: { tokenPolicy?: TokenPolicy; bootstrapTtlHours?: number };
  /** Where the token, SET and ledger keys live (src/keys/): default sealed under the KEK; an HSM with MANDATE_KEY_STORE=pkcs11. */
  keyStore?: KeyStore;
  /** Who runs the leader-only jobs among servers on one PostgreSQL (server/leader.ts); default: this server alone. */
  leadership?: Leadership;
  /** The enforcement hub's safety poll (MANDATE_CHANGES_POLL_MS; default 250 ms). */
  changesPollMs?: number;
}

export type Container = Awaited<ReturnType<typeof buildContainer>>;
export type Services = Container['services'];

export async function buildContainer(opts: ContainerOptions, log: FastifyBaseLogger) {
  const { db } = opts;
  const clock = opts.clock ?? (() => new Date());
  const caepReceivers = opts.caepReceivers ?? [];
  const notificationReceivers = opts.notificationReceivers ?? [];
  const kek = opts.ledger?.kek ?? randomBytes(32);
  // The issuer URL can be known only once the server listens (port 0): see setIssuer.
  let issuerUrl = opts.tokens?.issuer ?? 'http://mandate.local';
  const issuer = () => issuerUrl;
  const ttls = opts.tokens?.ttls ?? DEFAULT_TTLS;
  const maxTtlMs = Math.max(ttls.default_s, ttls.execute_custody_transfer_s, ttls.legacy_s, ...Object.values(ttls.by_function)) * 1000;

  // Shared state and the ledger.
  const lifecycleRules = lifecycleRulesStore({ db, clock });
  const keyStore = opts.keyStore;
  const keys = signingKeys({
    db,
    kek,
    clock,
    store: keyStore,
    rotateAfterMs: opts.tokens?.rotateAfterMs ?? 24 * 3600_000,
    maxTokenTtlMs: maxTtlMs,
  });
  await keys.reload();
  const evidence = groupCommitter({ db, clock });
  const approvalRules = opts.approvalRules ?? DEFAULT_APPROVAL_RULES;
  const approvals = approvalEngine({ db, clock, approvalRules: () => approvalRules, notificationReceivers });
  // Without a configured KEK (tests), the log key is sealed under a key that lives only in memory.
  const ledger = ledgerService({ db, clock, ...(opts.ledger ?? { kek, origin: 'mandate.local/ledger' }), keyStore, rotateLogKey });
  const metrics: Metrics = createMetrics();
  const outbound = outboundGuard({
    allow: opts.outbound?.allow ?? [],
    log: ({ url, purpose, err }) => log.warn({ err, url, purpose }, 'outbound request failed'),
  });
  // Shared Signals: SETs are signed with keys of their own, persisted and rotated like the token
  // keys (a retired one stays published a week: poll receivers may fetch a SET days later).
  const setKeys = signingKeys({
    db,
    kek,
    clock,
    purpose: 'set',
    store: keyStore,
    rotateAfterMs: opts.tokens?.rotateAfterMs ?? 24 * 3600_000,
    maxTokenTtlMs: 7 * 24 * 3600_000,
  });
  await setKeys.reload();
  const ssf = ssfService({ db, clock, kek, issuer, guard: outbound });
  const ssfDelivery = ssfConnector({ db, kek, issuer, key: () => setKeys.current(), guard: outbound, onQueued: ssf.queued });
  const connectors = { get: (name: string) => (name === 'ssf' ? ssfDelivery : opts.connectors?.get(name)) };
  const leadership = opts.leadership ?? soleLeader();
  const outbox = outboxDeliverer({ db, clock, connectors, leader: leadership });

  // Capabilities.
  const grants = grantsService({ db, clock, approvals, lifecycleRules, notificationReceivers });
  const tokens = tokenService({
    db,
    clock,
    keys,
    lifecycleRules,
    evidence,
    issuer,
    ttls,
    outbound,
    grants: (identity) => grants.active(identity),
  });
  const policies = policyService({ db, clock });
  const changeRequests = changeRequestService({ db, clock, approvals, policies, lifecycleRules, caepReceivers });
  const pollMs = opts.changesPollMs;
  const hub = enforcementHub({ db, clock, policies, lifecycleRules, issuer, ...(pollMs ? { pollMs } : {}) });
  const domain = domainMetrics(metrics.registry, { db, clock, hub, outbox, leadership });
  // Identity writes that add power wait for approval; every identity write recomputes stored power.
  const gate = identityChangeGate({ approvals, lifecycleRules, caepReceivers });
  const inventory = inventoryService({ db, clock, gate, caepReceivers });
  const reviews = reviewService({ db, clock, inventory });
  // Discovery adopts accounts through the inventory's create path; its findings join the checks.
  const discovery = discoveryService({ db, clock, kek, createIdentity: (actor, input) => inventory.create(actor, 'identity', input) });
  const verifier = deliveryVerifier({
    db,
    clock,
    discovery,
    onError: (err) => log.error({ err }, 'verifying connector deliveries failed'),
  });
  const compliance = complianceService({
    db,
    clock,
    extraFindings: { reviews: (sql, now) => reviews.findings(sql, now), discovery: (sql) => discovery.findings(sql) },
  });

  // The server's decision point holds the same state an enforcement point does, fed by its own hub.
  const state = new EnforcementState(cedarEvaluator, () => clock().getTime());
  let loading: Promise<EnforcementState> | undefined;
  const enforcementReady = (): Promise<EnforcementState> =>
    (loading ??= (async () => {
      await hub.start();
      hub.subscribe((d) => {
        if (!state.apply(d))
          void hub
            .snapshot()
            .then((s) => state.load(s))
            .catch((err) => log.error({ err }, 'reloading the decision state failed'));
        opts.publishDelta?.('delta', d);
      });
      state.load(await hub.snapshot());
      return state;
    })().catch((err) => {
      loading = undefined;
      throw err;
    }));

  const users = usersService({
    db,
    clock,
    ...(opts.users?.tokenPolicy ? { tokenPolicy: opts.users.tokenPolicy } : {}),
    ...(opts.users?.bootstrapTtlHours !== undefined ? { bootstrapTtlHours: opts.users.bootstrapTtlHours } : {}),
  });
  // People sign in with the firm's identity provider, when one is configured.
  const signin = opts.signin
    ? await signinFromConfig(opts.signin.config, {
        db,
        clock,
        kek,
        publicUrl: opts.signin.publicUrl,
        ...(opts.signin.fetch ? { fetch: opts.signin.fetch } : {}),
      })
    : undefined;

  const services = {
    users,
    /** Automation's principals: roles that never approve (the approval rules in force say which roles approve). */
    apiClients: apiClientService({ db, clock, users, ruleRoles: () => approvalRules.flatMap((r) => r.roles) }),
    signin,
    inventory,
    importer: importService({ db, clock, gate }),
    lifecycleRules,
    regulatory: regulatoryService({ db, clock, approvals, caepReceivers, observeCascade: domain.observeCascade }),
    outbox,
    ledger,
    keys,
    setKeys,
    tokens,
    policies,
    hub,
    decisions: decisionService({ db, state, tokens, evidence, ...(signin ? { sessions: (which) => signin.sessionFacts(which) } : {}) }),
    /** Loads the decision point's state and starts following the ledger (on first need). */
    enforcementReady,
    approvals,
    changeRequests,
    grants,
    compliance,
    leaks: leakService({ db, clock }),
    reviews,
    discovery,
    verifier,
    evidencePacks: evidencePackService({ db, clock, ledger, compliance }),
    ssf,
  };

  // The committed signal (store/db.ts): whatever commits (a request, the scheduler, a cascade)
  // reaches its followers from here, and nowhere else (the control checks that follow a change
  // are a job: server/jobs.ts).
  // - Enforcement points: a commit that changed state is pushed before the transaction's caller goes
  //   on, so an answer never leaves before its effect is on the stream, and an approved restriction
  //   is out (provisionally) before its cascade starts. Decisions and tokens change nothing they follow.
  // - Outbox deliveries start at once rather than at the deliverer's next tick.
  // - Metrics count what was committed (decisions, tokens, runs, deliveries).
  // - A connector delivery is verified by the discovery sources that read its system (one pass for a burst).
  const unsubscribe = db.onCommit(async ({ actions, events, outbox: queued }) => {
    domain.countCommitted(events);
    if (queued > 0) void outbox.drain().catch((err) => log.error({ err }, 'outbox delivery failed'));
    if (actions.includes('connector.delivered')) verifier.kick();
    if (loading && actions.some(changesState)) {
      await hub.kick().catch((err) => log.error({ err }, 'enforcement catch-up failed'));
      // Let the stream writes leave: Node flushes them on a later tick, and on SQLite a cascade
      // that follows holds the event loop until it commits.
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  // Set at the start of a shutdown: /readyz answers 503 from then on, so a load balancer drains this server.
  let closing = false;
  return {
    db,
    clock,
    issuer,
    leadership,
    /** Where signing keys live, when not sealed (an HSM): keyStore.check() says whether it can sign now. */
    keyStore,
    /** The server is shutting down (or not: /readyz). */
    get closing() {
      return closing;
    },
    beginClose: () => void (closing = true),
    /** Sets the issuer URL of Mandate's tokens (when it is known only after listen). */
    setIssuer: (url: string) => void (issuerUrl = url),
    metrics,
    services,
    async close() {
      closing = true;
      unsubscribe();
      await verifier.stop();
      hub.stop();
      // Unauthenticated token refusals counted in open windows are recorded before the last flush.
      await tokens.flushRefusals();
      await evidence.flush();
    },
  };
}

/** A commit that changed state (not evidence alone, not a connector's report). */
export const changesState = (action: string): boolean => !isEvidenceOnly(action) && !action.startsWith('connector.');
