// Prometheus metrics, one registry per server so several servers in one process (tests) stay apart.
//
// Two kinds. Counters of what happened are fed by the committed signal (`countCommitted`): every
// decision, token and discovery run is a ledger event, so counting committed events counts what
// the evidence holds, with no second bookkeeping in the services. Gauges of the present state
// (outbox lag, ledger size, checkpoint age, open findings, enforcement followers) are read when
// Prometheus scrapes, from the store and the hub. Names pass `promtool check metrics`.
import client from 'prom-client';
import type { CommittedEvent, Sql } from '../store/db.js';

/** Grant types a token request may name; anything else is counted as `other` (labels stay bounded). */
const GRANTS = new Set([
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'client_credentials',
]);
/** How a workload proved itself when it got a token (src/tokens/proofs.ts). */
const AUTHS = new Set(['oidc', 'jwt_bearer', 'static_secret', 'private_key_jwt', 'client_secret']);
const bounded = (v: unknown, allowed: Set<string>) => (typeof v === 'string' && allowed.has(v) ? v : 'other');

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'mandate_' });
  // prom-client names three gauges `…_total`, which Prometheus reserves for counters. Their
  // per-type twins (`mandate_nodejs_active_handles{type}` …) stay: sum() over type gives the same.
  for (const n of ['active_handles', 'active_requests', 'active_resources']) registry.removeSingleMetric(`mandate_nodejs_${n}_total`);

  const requests = new client.Counter({
    name: 'mandate_http_requests_total',
    help: 'HTTP requests answered, by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'mandate_http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  return { registry, requests, duration };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** What the scrape-time gauges read: the store, and the enforcement hub's position and followers. */
export interface DomainMetricSources {
  db: Sql;
  clock: () => Date;
  hub: { readonly position: number; readonly subscriberCount: number };
  /** Connector deliveries by status (the outbox deliverer's counts). */
  outbox: { counts(): Promise<Record<string, number>> };
  /** Whether this server runs the leader-only jobs, and at which fencing epoch (server/leader.ts). */
  leadership?: { readonly isLeader: boolean; readonly epoch: number | null };
}

/**
 * The domain metrics. Answers `countCommitted`, to subscribe to the committed signal (server/container.ts).
 * Counting starts with the process, as Prometheus counters do; the ledger keeps the totals.
 */
export function domainMetrics(registry: client.Registry, sources: DomainMetricSources) {
  const registers = [registry];
  const decisions = new client.Counter({
    name: 'mandate_decisions_total',
    help: 'Decisions recorded by the decision point, by outcome',
    labelNames: ['outcome'] as const,
    registers,
  });
  const issued = new client.Counter({
    name: 'mandate_tokens_issued_total',
    help: 'Workload tokens issued, by how the workload proved itself',
    labelNames: ['auth'] as const,
    registers,
  });
  const refused = new client.Counter({
    name: 'mandate_tokens_refused_total',
    help: 'Token requests refused, by grant type',
    labelNames: ['grant_type'] as const,
    registers,
  });
  const events = new client.Counter({
    name: 'mandate_ledger_events_appended_total',
    help: 'Ledger events committed, by the first part of their action',
    labelNames: ['kind'] as const,
    registers,
  });
  const runs = new client.Counter({
    name: 'mandate_discovery_runs_total',
    help: 'Discovery runs, by status',
    labelNames: ['status'] as const,
    registers,
  });
  const verified = new client.Counter({
    name: 'mandate_connector_verifications_total',
    help: 'Connector deliveries read back from the system by discovery, by verdict',
    labelNames: ['verdict'] as const,
    registers,
  });
  const delivered = new client.Counter({
    name: 'mandate_connector_deliveries_total',
    help: 'Connector deliveries finished, by outcome',
    labelNames: ['outcome'] as const,
    registers,
  });
  const cascades = new client.Histogram({
    name: 'mandate_cascade_duration_seconds',
    help: 'Applied transitions: from the cascade start to its commit',
    registers,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  });
  const kinds = new Set<string>();

  const { db, clock, hub, outbox, leadership } = sources;
  new client.Gauge({
    name: 'mandate_leader',
    help: 'Whether this server is the leader that runs the background jobs (1) or not (0)',
    registers,
    collect() {
      this.set(leadership?.isLeader === false ? 0 : 1);
    },
  });
  new client.Gauge({
    name: 'mandate_leader_epoch',
    help: 'The fencing epoch this server leads at; 0 when it is not the leader',
    registers,
    collect() {
      this.set(leadership?.isLeader === false ? 0 : (leadership?.epoch ?? 1));
    },
  });
  new client.Gauge({
    name: 'mandate_outbox_deliveries',
    help: 'Connector deliveries by status; failed ones are open problems that need a person',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const counts = await outbox.counts();
      for (const status of ['pending', 'in_flight', 'delivered', 'failed', 'manual', 'held', 'dropped'])
        this.set({ status }, counts[status] ?? 0);
    },
  });
  const one = async <T>(sql: string, params: (string | number)[] = []): Promise<T | undefined> => (await db.all<T>(sql, params))[0];
  new client.Gauge({
    name: 'mandate_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest connector delivery not yet done (0 when none waits)',
    registers,
    async collect() {
      const r = await one<{ at: string | null }>("SELECT MIN(created_at) AS at FROM outbox WHERE status IN ('pending', 'in_flight')");
      this.set(r?.at ? Math.max(0, (clock().getTime() - Date.parse(r.at)) / 1000) : 0);
    },
  });
  new client.Gauge({
    name: 'mandate_ledger_events',
    help: 'Events in the ledger (its tree size)',
    registers,
    async collect() {
      this.set(Number((await one<{ n: number | null }>('SELECT MAX(seq) AS n FROM events'))?.n ?? 0));
    },
  });
  new client.Gauge({
    name: 'mandate_ledger_checkpoint_age_seconds',
    help: 'Age of the newest signed checkpoint (-1 when none is signed yet)',
    registers,
    async collect() {
      const r = await one<{ at: string | null }>('SELECT MAX(created_at) AS at FROM ledger_checkpoints');
      this.set(r?.at ? Math.max(0, (clock().getTime() - Date.parse(r.at)) / 1000) : -1);
    },
  });
  new client.Gauge({
    name: 'mandate_ledger_unpublished_events',
    help: 'Events not yet pushed to enforcement points (ledger head minus the hub position)',
    registers,
    async collect() {
      const head = Number((await one<{ n: number | null }>('SELECT MAX(seq) AS n FROM events'))?.n ?? 0);
      this.set(Math.max(0, head - hub.position));
    },
  });
  new client.Gauge({
    name: 'mandate_enforcement_subscribers',
    help: 'Followers of the enforcement stream on this server (its own decision point included)',
    registers,
    collect() {
      this.set(hub.subscriberCount);
    },
  });
  new client.Gauge({
    name: 'mandate_findings_open',
    help: 'Open findings, by severity',
    labelNames: ['severity'] as const,
    registers,
    async collect() {
      this.reset();
      for (const s of ['critical', 'high', 'medium', 'low']) this.set({ severity: s }, 0);
      for (const r of await db.all<{ severity: string; n: number }>(
        "SELECT severity, COUNT(*) AS n FROM compliance_findings WHERE status = 'open' GROUP BY severity",
      ))
        this.set({ severity: r.severity }, Number(r.n));
    },
  });

  return {
    /** Counts what a committed transaction appended. */
    countCommitted(committed: readonly CommittedEvent[]): void {
      for (const e of committed) {
        const after = (e.after ?? {}) as Record<string, unknown>;
        const kind = e.action.split('.')[0]!;
        // Actions are the product's own names, a bounded set; the cap guards against a bug making them unbounded.
        if (kinds.has(kind) || kinds.size < 200) {
          kinds.add(kind);
          events.inc({ kind });
        }
        switch (e.action) {
          case 'decision.recorded':
            decisions.inc({ outcome: after.decision === 'allow' ? 'allow' : 'deny' });
            break;
          case 'token.issued':
            issued.inc({ auth: bounded(after.auth, AUTHS) });
            break;
          // An unauthenticated caller's refusals come as one event per source and window, with a count.
          case 'token.refused':
            if (typeof after.count === 'number')
              for (const [g, n] of Object.entries((after.grant_types ?? {}) as Record<string, number>))
                refused.inc({ grant_type: bounded(g, GRANTS) }, n);
            else refused.inc({ grant_type: bounded(after.grant_type, GRANTS) });
            break;
          case 'discovery.run':
            runs.inc({ status: after.status === 'succeeded' ? 'succeeded' : 'failed' });
            break;
          case 'connector.verified':
            verified.inc({ verdict: bounded(after.verdict, new Set(['effective', 'not_effective', 'unverified'])) });
            break;
          case 'connector.delivered':
            delivered.inc({ outcome: 'delivered' });
            break;
          case 'connector.failed':
            delivered.inc({ outcome: 'failed' });
            break;
          case 'connector.manual_task_opened':
            delivered.inc({ outcome: 'manual' });
            break;
        }
      }
    },
    /** A cascade's duration, observed by the regulatory service. */
    observeCascade(seconds: number): void {
      cascades.observe(seconds);
    },
  };
}
export type DomainMetrics = ReturnType<typeof domainMetrics>;

/**
 * The SIEM stream's metrics (src/siem/): how many events each sink is behind the ledger, read from
 * the store when scraped (so every server shows it, whichever one streams), and what it sent and
 * failed in this process.
 */
export function siemMetrics(registry: client.Registry, sources: { db: Sql; sinks: readonly string[] }) {
  const registers = [registry];
  const { db, sinks } = sources;
  new client.Gauge({
    name: 'mandate_siem_lag_events',
    help: 'Ledger events a SIEM sink has not acknowledged yet (ledger head minus its cursor)',
    labelNames: ['sink'] as const,
    registers,
    async collect() {
      const [head] = await db.all<{ n: number | null }>('SELECT MAX(seq) AS n FROM events');
      const rows = await db.all<{ sink: string; seq: number }>('SELECT sink, seq FROM siem_cursors');
      const at = new Map(rows.map((r) => [r.sink, Number(r.seq)]));
      for (const sink of sinks) this.set({ sink }, Math.max(0, Number(head?.n ?? 0) - (at.get(sink) ?? 0)));
    },
  });
  const sent = new client.Counter({
    name: 'mandate_siem_events_sent_total',
    help: 'Ledger events a SIEM sink acknowledged',
    labelNames: ['sink'] as const,
    registers,
  });
  const failed = new client.Counter({
    name: 'mandate_siem_failures_total',
    help: 'Batches a SIEM sink did not acknowledge, by kind: transient (unreachable, 429, 5xx), refused (4xx), store',
    labelNames: ['sink', 'kind'] as const,
    registers,
  });
  const rejected = new client.Counter({
    name: 'mandate_siem_rejected_records_total',
    help: 'Records an OTLP receiver accepted the request of but rejected (partial success): not sent again',
    labelNames: ['sink'] as const,
    registers,
  });
  for (const sink of sinks) {
    sent.inc({ sink }, 0);
    for (const kind of ['transient', 'refused', 'store']) failed.inc({ sink, kind }, 0);
  }
  return {
    sent: (sink: string, n: number) => sent.inc({ sink }, n),
    failed: (sink: string, kind: 'transient' | 'refused' | 'store') => failed.inc({ sink, kind }),
    rejected: (sink: string, n: number) => rejected.inc({ sink }, n),
  };
}

/**
 * Serves the registry on an address of its own (MANDATE_METRICS_LISTEN), without authentication:
 * for a scraper on a management network, so /metrics on the API's address can stay behind a token.
 * Answers GET /metrics only. Hand-written on node:http: one route needs no framework.
 */
export async function serveMetrics(
  registry: client.Registry,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType, 'x-content-type-options': 'nosniff' }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as { address: string; port: number };
  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
