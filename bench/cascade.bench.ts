// Cascade benchmark: a 100,000-identity firm of which exactly 20,000 act in one authorisation
// (ent-de / custody / FR passport). Measures, on SQLite and PostgreSQL, in-process through buildApp
// and its services (no HTTP):
//
//   a) the impact preview of withdrawing that authorisation (median of 3);
//   b) from approval to all 20,000 identity states changed and recorded: decide(approve), which
//      commits the approval and then applies the cascade in one transaction;
//   c) connector delivery throughput: outbox.drain() over every queued row, with a no-op connector
//      and with one that awaits setTimeout(1) (a network round trip);
//   d) the reversal: the authorisation back to authorised, approved;
//   e) the product case (CRA, issue 20): a product on the market with 5,000 of the firm's
//      identities in its scopes (release pipelines, update distribution, device management,
//      product security; some by channel, some with MiCA scopes too) is recalled: the preview
//      (service and GET /v1/products/{id}/impact, p50/p99 of several runs) and the apply from
//      approval to committed (decide), every identity's effect checked against its group.
//
// `npm run bench:cascade`. Options: --identities N (default 100000; 20,000 of them act in the
// scope, or a fifth when N is smaller; 5,000 act for the product, or 3 in 10 when N is smaller),
// --only sqlite|postgres, --pg-url URL (admin database), --cpu-prof (write a V8 CPU profile of
// each child to bench/out/prof/), --small (1,000 identities, 200 in the scope, 300 for the
// product, for CI: every count still verified, the targets only reported). Any count that
// differs from the generator's expectation fails the run.
//
// As in bench/import.bench.ts, the parent generates the manifest (seeded) and runs each store in
// its own child process (this file again, with --store) so their memory does not mix; it prints a
// Markdown table and writes bench/out/cascade.json. PostgreSQL runs on a fresh database
// mandate_bench_<random>, dropped at the end even on failure.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Connector, ConnectorRequest } from '../src/delivery/connectors/connector.js';
import { withLeiCheckDigits } from '../src/core/lei.js';
import type { IdentityFunction, MemberState, MicaService } from '../src/core/vocabulary.js';
import { mulberry32 as prng } from '../src/demo/prng.js';
import {
  check,
  createPgDatabase,
  LatencyProbe,
  median,
  quantile,
  PG_ADMIN,
  machine as benchMachine,
  readChildResult,
  runChild,
  SMALL,
  writeChildResult,
  type BenchDatabase,
} from './harness.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = join(HERE, 'out');
const SEED = 0x63617363; // "casc"
const MB = 1024 * 1024;
const IMPACT_RUNS = 3;
/** Runs of the product preview (service and HTTP each): p50 and p99 of these. */
const PRODUCT_IMPACT_RUNS = 20;

type StoreName = 'sqlite' | 'postgres';

const TARGETS = {
  impactMs: 500,
  cascadeMs: { sqlite: 1_000, postgres: 2_000 } as Record<StoreName, number>,
  /** p99 of /healthz and of an observe decision while the cascade runs (issue 19). */
  duringP99Ms: 50,
  /** Issue 20: a product with 5,000 identities in its scopes; the targets are for SQLite. */
  productImpactMs: 200,
  productApplyMs: 500,
};

/** The context an enforcement point sends with a decision (the facts the policies read). */
const PROBE_CONTEXT = { attested: true, device_posture: 'compliant', session_purpose: 'ops', environment: 'production' };

/** The authorisation the benchmark withdraws and restores. */
const SCOPE = { entity: 'ent-de', service: 'custody' as MicaService, jurisdiction: 'FR' as MemberState };
const AUTH_ID = 'auth-ent-de-custody-fr';
/** Revocation connector names the firm uses; the benchmark maps each to its test connector. */
const CONNECTORS = ['postgres', 'redis', 'rabbitmq', 'webhook'] as const;
/** The product the benchmark recalls (CRA): on the market, three release channels. */
const PRODUCT = {
  id: 'prod-bench-wallet',
  name: 'Example wallet app',
  manufacturer: 'ent-de',
  versions: ['3.1.0', '3.2.0'],
  channels: ['stable', 'beta', 'lts'],
  category: 'default',
  status: 'on_market',
  placed_on_market: '2025-06-01',
  support_period_end: '2030-06-01',
  conformity_assessment: { procedure: 'internal_control', reference: 'IC-WALLET-2025-01' },
  declaration_of_conformity: 'DoC-WALLET-2025-01',
  member_states: ['DE', 'FR', 'NL'],
} as const;

// ---------------------------------------------------------------------------------------------
// Firm generation
// ---------------------------------------------------------------------------------------------

const pad = (n: number, width: number) => String(n).padStart(width, '0');

interface Scope {
  entity: string;
  service: MicaService;
  jurisdiction: MemberState;
}

/** What the generator built into the in-scope population, and what the engine should do to it. */
interface FirmInfo {
  identities: number;
  inScope: number;
  scopes: number;
  authorisations: number;
  bytes: number;
  sha256: string;
  /** In-scope identities by group, with the effect the default rules give a withdrawal. */
  groups: { name: string; count: number; expect: 'suspend' | 'narrow' | 'unchanged' }[];
  expected: { suspend: number; narrow: number; unchanged: number; outbox: number; suspendedBefore: number };
  /** The product case: identities with product scopes by group (ids kept to check each one's effect). */
  product: {
    id: string;
    identities: number;
    groups: { name: string; count: number; expect: 'suspend' | 'narrow' | 'unchanged'; ids: string[] }[];
    expected: { suspend: number; narrow: number; unchanged: number; outbox: number };
  };
}

export function generateFirm(identityCount: number): { text: string; info: FirmInfo } {
  const rnd = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const inScope = identityCount >= 100_000 ? 20_000 : Math.floor(identityCount / 5);

  const entityDefs: { id: string; name: string; home: MemberState; hosts: MemberState[] }[] = [
    { id: 'ent-de', name: 'Example Custody GmbH', home: 'DE', hosts: ['FR', 'IT', 'ES', 'NL', 'AT'] },
    { id: 'ent-ie', name: 'Example Markets Ltd', home: 'IE', hosts: ['FR', 'DE', 'IT', 'PL'] },
  ];
  const services: MicaService[] = ['custody', 'execution', 'transfer', 'exchange_crypto', 'trading_platform'];
  const entities = entityDefs.map((e, n) => ({
    id: e.id,
    name: e.name,
    lei: withLeiCheckDigits(`CASCLEI${n + 1}`.padEnd(18, '0')),
    home: e.home,
  }));
  const authorisations: Record<string, unknown>[] = [];
  const otherScopes: Scope[] = [];
  for (const e of entityDefs) {
    for (const service of services) {
      for (const jurisdiction of [e.home, ...e.hosts]) {
        const basis = jurisdiction === e.home ? 'home' : 'passport';
        authorisations.push({
          id: `auth-${e.id}-${service.replaceAll('_', '-')}-${jurisdiction.toLowerCase()}`,
          entity: e.id,
          service,
          jurisdiction,
          status: 'authorised',
          basis,
          reference: `${basis === 'home' ? 'HOME' : 'PASSPORT'}/${e.home}/${authorisations.length + 1}`,
          effective_from: '2025-01-01',
        });
        const s = { entity: e.id, service, jurisdiction };
        if (!(s.entity === SCOPE.entity && s.service === SCOPE.service && s.jurisdiction === SCOPE.jurisdiction)) otherScopes.push(s);
      }
    }
  }
  if (!authorisations.some((a) => a.id === AUTH_ID)) throw new Error(`generator lost ${AUTH_ID}`);
  const custodyOther = otherScopes.filter((s) => s.service === 'custody' || s.service === 'transfer');

  const people = Array.from({ length: 100 }, (_, i) => ({
    id: `person${pad(i + 1, 3)}@bench.example`,
    name: `Bench Person ${i + 1}`,
    status: 'active',
  }));
  const vendors = Array.from({ length: 10 }, (_, i) => ({ id: `vendor-${pad(i + 1, 2)}`, name: `Vendor ${i + 1} Ltd` }));

  // The in-scope population, in shares of `inScope` (the rest of the 20,000 goes to the largest
  // group). Expected effects under policies/lifecycle/mica-default.yaml for a withdrawal.
  const share = (f: number) => Math.round(inScope * f);
  const groups: {
    name: string;
    count: number;
    expect: 'suspend' | 'narrow' | 'unchanged';
    make: () => Partial<Record<string, unknown>>;
  }[] = [
    // Only this scope, new business only: nothing execute is left.
    { name: 'trading, this scope only', count: share(0.075), expect: 'suspend', make: () => ({ function: 'trading', scopes: [SCOPE] }) },
    // Vendor custody in this scope only: the return path is the firm's own job once withdrawn.
    {
      name: 'vendor custody, this scope only',
      count: share(0.075),
      expect: 'suspend',
      make: () => ({ function: 'custody', vendor: pick(vendors).id, scopes: [SCOPE] }),
    },
    // Suspended for another reason before: stays suspended, no connector call, not claimed by the lifecycle.
    // Suspended by hand: it stays suspended, and the power it loses is recorded (narrowed on the record).
    {
      name: 'trading, already suspended',
      count: share(0.02),
      expect: 'narrow',
      make: () => ({ function: 'trading', scopes: [SCOPE], status: 'suspended' }),
    },
    {
      name: 'observe (reporting)',
      count: share(0.03),
      expect: 'unchanged',
      make: () => ({ function: 'reporting', capability: 'observe', scopes: [SCOPE] }),
    },
    // read + reconcile: both stay lawful through a withdrawal.
    {
      name: 'reconciliation, this scope only',
      count: share(0.01),
      expect: 'unchanged',
      make: () => ({ function: 'reconciliation', scopes: [SCOPE] }),
    },
    // Firm's own custody: keeps the return path, loses initiate_transfer.
    { name: 'custody, this scope only', count: share(0.25), expect: 'narrow', make: () => ({ function: 'custody', scopes: [SCOPE] }) },
    {
      name: 'customer support, this scope only',
      count: share(0.09),
      expect: 'narrow',
      make: () => ({ function: 'customer_support', scopes: [SCOPE] }),
    },
    {
      name: 'trading, several scopes',
      count: share(0.15),
      expect: 'narrow',
      make: () => ({ function: 'trading', scopes: [SCOPE, ...distinct(otherScopes, 1 + Math.floor(rnd() * 2))] }),
    },
    {
      name: 'custody, several scopes',
      count: 0,
      expect: 'narrow',
      make: () => ({
        function: pick(['custody', 'settlement'] as const),
        scopes: [SCOPE, ...distinct(custodyOther, 1 + Math.floor(rnd() * 2))],
      }),
    },
  ];
  function distinct(from: readonly Scope[], n: number): Scope[] {
    const out: Scope[] = [];
    while (out.length < n) {
      const s = pick(from);
      if (!out.includes(s)) out.push(s);
    }
    return out;
  }
  groups[groups.length - 1]!.count = inScope - groups.reduce((n, g) => n + g.count, 0);

  // The product case (CRA): identities acting for PRODUCT, taken from the out-of-scope population
  // (their MiCA scopes, when they have some, are never the withdrawn one). Expected effects of a
  // recall (on_market → recalled) under policies/lifecycle/cra-default.yaml: publish_release (new
  // business) is lost; build, signing, security updates, advisories and remote management (the
  // return path) stay; observe is never cut; a vendor's identity keeps no return path (Art. 13(21)).
  const productCount = identityCount >= 100_000 ? 5_000 : Math.min(5_000, Math.floor(identityCount * 0.3));
  const pshare = (f: number) => Math.round(productCount * f);
  const whole = { product: PRODUCT.id };
  const channel = () => ({ product: PRODUCT.id, channel: pick(PRODUCT.channels) });
  const productGroups: {
    name: string;
    count: number;
    expect: 'suspend' | 'narrow' | 'unchanged';
    make: () => Partial<Record<string, unknown>>;
  }[] = [
    {
      name: 'release pipelines, whole product',
      count: pshare(0.25),
      expect: 'narrow',
      make: () => ({ kind: 'pipeline', function: 'release_engineering', scopes: [whole] }),
    },
    {
      name: 'release pipelines, one channel',
      count: pshare(0.1),
      expect: 'narrow',
      make: () => ({ kind: 'pipeline', function: 'release_engineering', scopes: [channel()] }),
    },
    {
      name: 'release engineering, product and MiCA scopes',
      count: pshare(0.1),
      expect: 'narrow',
      make: () => ({ function: 'release_engineering', scopes: [whole, ...distinct(otherScopes, 1 + Math.floor(rnd() * 2))] }),
    },
    {
      name: 'vendor release pipelines',
      count: pshare(0.04),
      expect: 'suspend',
      make: () => ({ kind: 'pipeline', function: 'release_engineering', vendor: pick(vendors).id, scopes: [whole] }),
    },
    // Suspended by hand before: stays suspended, the power it loses recorded (as for MiCA).
    {
      name: 'release pipelines, already suspended',
      count: pshare(0.01),
      expect: 'narrow',
      make: () => ({ kind: 'pipeline', function: 'release_engineering', scopes: [whole], status: 'suspended' }),
    },
    {
      name: 'update distribution, one channel',
      count: pshare(0.15),
      expect: 'narrow',
      make: () => ({ kind: 'workload', function: 'update_distribution', scopes: [channel()] }),
    },
    {
      name: 'update distribution, product and MiCA scopes',
      count: pshare(0.05),
      expect: 'narrow',
      make: () => ({ kind: 'workload', function: 'update_distribution', scopes: [whole, ...distinct(otherScopes, 1)] }),
    },
    {
      name: 'device management, whole product',
      count: pshare(0.15),
      expect: 'unchanged',
      make: () => ({ function: 'device_management', scopes: [whole] }),
    },
    {
      name: 'device management, one channel',
      count: pshare(0.05),
      expect: 'unchanged',
      make: () => ({ function: 'device_management', scopes: [channel()] }),
    },
    {
      name: 'product security, observe',
      count: pshare(0.05),
      expect: 'unchanged',
      make: () => ({ function: 'product_security', capability: 'observe', scopes: [whole] }),
    },
    {
      name: 'product security, advisories',
      count: 0,
      expect: 'unchanged',
      make: () => ({ function: 'product_security', scopes: [rnd() < 0.5 ? whole : channel()] }),
    },
  ];
  productGroups[productGroups.length - 1]!.count = productCount - productGroups.reduce((k, g) => k + g.count, 0);
  const productIds: string[][] = productGroups.map(() => []);

  const identities: Record<string, unknown>[] = [];
  let n = 0;
  let scopeCount = 0;
  const base = (id: string): Record<string, unknown> => ({
    id,
    kind: pick(['service_account', 'api_key', 'workload', 'signing_key', 'pipeline'] as const),
    capability: 'execute',
    owner: pick(people).id,
    environment: rnd() < 0.7 ? 'production' : 'staging',
    credential: { type: pick(['short_lived', 'static_secret', 'certificate', 'key_pair'] as const), created: '2025-03-01' },
    revocation: { connector: pick(CONNECTORS), target: `role_${id.replaceAll('-', '_')}` },
  });
  // Interleave the groups with the out-of-scope identities so ids do not cluster by group.
  const plan: (number | null)[] = [];
  groups.forEach((g, gi) => {
    for (let i = 0; i < g.count; i++) plan.push(gi);
  });
  // Product groups are numbered after the MiCA groups.
  productGroups.forEach((g, gi) => {
    for (let i = 0; i < g.count; i++) plan.push(groups.length + gi);
  });
  for (let i = inScope + productCount; i < identityCount; i++) plan.push(null);
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  for (const gi of plan) {
    const id = `nhi-${pad(++n, 6)}`;
    let identity: Record<string, unknown>;
    if (gi === null) {
      const fn: IdentityFunction = pick([
        'custody',
        'trading',
        'settlement',
        'reconciliation',
        'customer_support',
        'reporting',
        'infrastructure',
      ] as const);
      identity = {
        ...base(id),
        function: fn,
        capability: rnd() < 0.3 ? 'observe' : 'execute',
        scopes: distinct(otherScopes, 1 + Math.floor(rnd() * 3)),
      };
      if (rnd() < 0.2) identity.vendor = pick(vendors).id;
      if (rnd() < 0.02) identity.status = 'suspended';
    } else if (gi >= groups.length) {
      identity = { ...base(id), ...productGroups[gi - groups.length]!.make() };
      productIds[gi - groups.length]!.push(id);
    } else {
      identity = { ...base(id), ...groups[gi]!.make() };
    }
    identity.purpose = `${String(identity.function)} identity #${n}`;
    scopeCount += (identity.scopes as Scope[]).length;
    identities.push(identity);
  }

  const manifest = { version: 1, entities, people, vendors, authorisations, products: [PRODUCT], identities };
  const text = JSON.stringify(manifest);
  const count = (e: string) => groups.filter((g) => g.expect === e).reduce((k, g) => k + g.count, 0);
  const pcount = (e: string) => productGroups.filter((g) => g.expect === e).reduce((k, g) => k + g.count, 0);
  return {
    text,
    info: {
      identities: identities.length,
      inScope,
      scopes: scopeCount,
      authorisations: authorisations.length,
      bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
      groups: groups.map(({ name, count: c, expect }) => ({ name, count: c, expect })),
      expected: {
        suspend: count('suspend'),
        narrow: count('narrow'),
        unchanged: count('unchanged'),
        // Every newly suspended identity has a revocation connector: one disable each.
        outbox: count('suspend'),
        suspendedBefore: identities.filter((i) => i.status === 'suspended').length,
      },
      product: {
        id: PRODUCT.id,
        identities: productCount,
        groups: productGroups.map(({ name, count: c, expect }, gi) => ({ name, count: c, expect, ids: productIds[gi]! })),
        expected: {
          suspend: pcount('suspend'),
          narrow: pcount('narrow'),
          unchanged: pcount('unchanged'),
          // Every newly suspended identity has a revocation connector: one disable each.
          outbox: pcount('suspend'),
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Child: one store
// ---------------------------------------------------------------------------------------------

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Verification {
  /** What the store holds, counted after the step. */
  identityPowerRows: number;
  suspendedIdentities: number;
  events: Record<string, number>;
  outboxRows: number;
  /** Each expectation that did not hold; empty when all did. */
  problems: string[];
}

interface DrainResult {
  connector: string;
  deliveries: number;
  ms: number;
  perSecond: number;
}

interface StoreResult {
  store: StoreName;
  description: string;
  importMs?: number;
  impact?: { runsMs: number[]; medianMs: number; counts: Record<string, number>; identities: number };
  cascade?: {
    ms: number;
    approveToAppliedMs: number;
    result: unknown;
    verification: Verification;
    /** Latency of the probe's requests while the cascade ran (ms). */
    during: Record<string, { n: number; p50: number; p99: number; max: number }>;
  };
  drain?: DrainResult[];
  reversal?: { ms: number; counts: Record<string, number>; verification: Verification; enableDrain?: DrainResult };
  product?: ProductResult;
  processMaxRssMb?: number;
  error?: string;
}

/** e) The product case: a recall of PRODUCT, previewed and applied. */
interface ProductResult {
  /** The preview through the service (productImpact) and over HTTP (GET /v1/products/{id}/impact). */
  preview: { service: Percentiles; http: Percentiles; counts: Record<string, number>; serviceCpuMs: Percentiles };
  apply?: {
    ms: number;
    /** CPU time of the process (user + system) during decide: less sensitive to a shared machine's load than wall time. */
    cpuMs: number;
    approveToAppliedMs: number;
    counts: Record<string, number>;
    identityPowerRows: number;
    suspendedIdentities: number;
    events: Record<string, number>;
    outboxRows: number;
  };
  /** Load averages (1, 5, 15 min) when the case started (the machine may be shared). */
  loadAvg: number[];
  /** Each expectation that did not hold; empty when all did. */
  problems: string[];
}

interface Percentiles {
  runs: number;
  p50: number;
  p99: number;
  max: number;
}

function percentiles(xs: readonly number[]): Percentiles {
  const sorted = Float64Array.from(xs).sort();
  return { runs: xs.length, p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)), max: round(sorted.at(-1)!) };
}

/** A connector whose calls wait for a gate: the cascade's own background delivery must not run before the timed drain. */
function benchConnectors() {
  let open!: () => void;
  let gate = new Promise<void>((r) => (open = r));
  let mode: 'noop' | 'sleep1' = 'noop';
  let calls = 0;
  const connector = (name: string): Connector => ({
    name,
    async apply(r: ConnectorRequest) {
      await gate;
      calls++;
      if (mode === 'sleep1') await new Promise((res) => setTimeout(res, 1));
      return { detail: `${r.action} ${r.target} (bench ${mode})` };
    },
  });
  const byName = new Map(CONNECTORS.map((n) => [n as string, connector(n)]));
  return {
    lookup: { get: (name: string) => byName.get(name) },
    open: (m: 'noop' | 'sleep1') => {
      mode = m;
      open();
    },
    close: () => {
      gate = new Promise<void>((r) => (open = r));
    },
    calls: () => calls,
  };
}

async function runStore(opts: { store: StoreName; url: string; manifestPath: string; info: FirmInfo }): Promise<StoreResult> {
  const { openDatabase } = await import('../src/store/open.js');
  const { migrate } = await import('../src/store/migrations.js');
  const { buildApp } = await import('../src/app.js');

  const db = await openDatabase(opts.url);
  const result: StoreResult = { store: opts.store, description: db.description };
  const connectors = benchConnectors();
  const { expected } = opts.info;
  try {
    await migrate(db);
    const app = await buildApp({ db, logger: false, connectors: connectors.lookup });
    const svc = app.services;
    try {
      await svc.users.createUser('bench', { id: 'carla', name: 'Carla Compliance', roles: ['compliance_officer'] });
      await svc.users.createUser('bench', { id: 'anton', name: 'Anton Approver', roles: ['approver'] });
      const carla = { user: 'carla', canApprove: false };
      const anton = { user: 'anton', canApprove: true };

      const text = readFileSync(opts.manifestPath, 'utf8');
      let t0 = performance.now();
      const imported = await svc.importer.importManifest('user:bench', JSON.parse(text), { dryRun: false, digestOf: text });
      result.importMs = round(performance.now() - t0);
      log(`${opts.store}: imported (${JSON.stringify(imported.counts)}) in ${result.importMs} ms (not timed against a target)`);
      // A withdrawal comes long after the inventory was loaded: by then autovacuum has analysed the
      // tables. Without statistics the planner guesses; the cascade is measured in the steady state.
      if (opts.store === 'postgres') await db.run('ANALYZE');

      const count = async (sql: string, params: (string | number)[] = []) => Number((await db.all<{ n: number }>(sql, params))[0]?.n ?? 0);
      const verify = async (
        transitionId: string,
        want: { power: number; suspended: number; events: Record<string, number>; outbox: number },
      ): Promise<Verification> => {
        const rows = await db.all<{ action: string; n: number }>(
          "SELECT action, COUNT(*) AS n FROM events WHERE reason LIKE ? AND action IN ('identity.suspended', 'identity.narrowed', " +
            "'identity.restored', 'authorisation.status_changed', 'transition.applied') GROUP BY action",
          [`transition ${transitionId}:%`],
        );
        const events = Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
        const v: Verification = {
          identityPowerRows: await count('SELECT COUNT(*) AS n FROM identity_power'),
          suspendedIdentities: await count("SELECT COUNT(*) AS n FROM identities WHERE status = 'suspended'"),
          events,
          outboxRows: await count('SELECT COUNT(*) AS n FROM outbox WHERE transition_id = ?', [transitionId]),
          problems: [],
        };
        const duplicates = await count(
          'SELECT COUNT(*) AS n FROM (SELECT subject_id, action FROM events WHERE reason LIKE ? GROUP BY subject_id, action HAVING ' +
            'COUNT(*) > 1) d',
          [`transition ${transitionId}:%`],
        );
        if (v.identityPowerRows !== want.power) v.problems.push(`identity_power rows ${v.identityPowerRows}, expected ${want.power}`);
        if (v.suspendedIdentities !== want.suspended)
          v.problems.push(`suspended identities ${v.suspendedIdentities}, expected ${want.suspended}`);
        for (const [action, n] of Object.entries(want.events))
          if ((events[action] ?? 0) !== n) v.problems.push(`${action} events ${events[action] ?? 0}, expected ${n}`);
        if (v.outboxRows !== want.outbox) v.problems.push(`outbox rows ${v.outboxRows}, expected ${want.outbox}`);
        if (duplicates) v.problems.push(`${duplicates} (subject, action) pairs recorded more than once`);
        return v;
      };

      // a) impact preview
      const runsMs: number[] = [];
      let impact: Awaited<ReturnType<typeof svc.regulatory.impact>> | undefined;
      for (let i = 0; i < IMPACT_RUNS; i++) {
        t0 = performance.now();
        impact = await svc.regulatory.impact(AUTH_ID, 'withdrawn');
        runsMs.push(round(performance.now() - t0));
      }
      result.impact = { runsMs, medianMs: median(runsMs), counts: { ...impact!.plan.counts }, identities: impact!.plan.changes.length };
      log(`${opts.store}: impact runs ${runsMs.join(', ')} ms; counts ${JSON.stringify(impact!.plan.counts)}`);
      // The preview must name what the cascade then does.
      const ic = impact!.plan.counts;
      if (ic.suspend !== expected.suspend || ic.narrow !== expected.narrow || ic.unchanged !== expected.unchanged || ic.restore !== 0)
        throw new Error(
          `impact preview counts ${JSON.stringify(ic)}, expected ${expected.suspend} suspend, ${expected.narrow} narrow, ` +
            `${expected.unchanged} unchanged`,
        );
      impact = undefined;

      // b) approval to every identity changed and recorded
      const proposal = await svc.regulatory.propose(carla, AUTH_ID, {
        to: 'withdrawn',
        reason: 'Art. 64 withdrawal of the French passport',
        reference: 'AMF W-2026-1',
      });
      // While it runs, a probe in a thread of its own asks the server for /healthz and for an
      // observe decision (one that writes nothing, so it need not wait for the cascade's commit):
      // nothing may wait behind the cascade (issue 19: p99 ≤ 50 ms).
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      await svc.users.createUser('bench', { id: 'enf', name: 'Enforcement point', roles: ['enforcer'] });
      const enforcerToken = (await svc.users.createToken('bench', 'enf', { label: 'bench' })).token;
      const [someone] = await db.all<{ identity_id: string }>(
        'SELECT identity_id FROM identity_scopes WHERE entity = ? AND service = ? AND jurisdiction = ? ORDER BY identity_id LIMIT 1',
        [SCOPE.entity, SCOPE.service, SCOPE.jurisdiction],
      );
      const decision = {
        name: 'observe decision',
        url: `${url}/v1/decisions`,
        method: 'POST' as const,
        headers: { authorization: `Bearer ${enforcerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ principal: { identity: someone!.identity_id }, action: 'read', resource: SCOPE, context: PROBE_CONTEXT }),
      };
      const warm = await fetch(decision.url, decision);
      const warmAnswer = (await warm.json()) as { recorded?: boolean; decision?: string };
      check(
        warm.ok && warmAnswer.recorded === false,
        `the probe's decision is an unrecorded observe decision: ${JSON.stringify(warmAnswer)}`,
      );
      const probe = new LatencyProbe([{ name: 'healthz', url: `${url}/healthz` }, decision]);
      await new Promise((res) => setTimeout(res, 200));
      t0 = performance.now();
      const applied = await svc.regulatory.decide(anton, proposal.id, 'approve', 'checked against the decision letter');
      const cascadeMs = round(performance.now() - t0);
      await new Promise((res) => setTimeout(res, 50));
      const probed = await probe.stop();
      check(probed.failures.length === 0, `the probe's requests failed: ${probed.failures.slice(0, 3).join('; ')}`);
      const during = Object.fromEntries(
        Object.entries(probed.ms).map(([name, xs]) => {
          const sorted = [...xs].sort((a, b) => a - b);
          return [
            name,
            { n: xs.length, p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)), max: round(sorted.at(-1)!) },
          ];
        }),
      );
      log(`${opts.store}: while the cascade ran ${JSON.stringify(during)}`);
      if (applied.status !== 'applied') throw new Error(`transition ${proposal.id} is ${applied.status} after approval`);
      const approveToAppliedMs = round(Date.parse(applied.applied_at!) - Date.parse(applied.decided_at!));
      const v1 = await verify(proposal.id, {
        power: expected.suspend + expected.narrow,
        suspended: expected.suspendedBefore + expected.suspend,
        events: {
          'identity.suspended': expected.suspend,
          'identity.narrowed': expected.narrow,
          'identity.restored': 0,
          'authorisation.status_changed': 1,
          'transition.applied': 1,
        },
        outbox: expected.outbox,
      });
      result.cascade = { ms: cascadeMs, approveToAppliedMs, result: applied.result, verification: v1, during };
      log(`${opts.store}: cascade ${cascadeMs} ms; ${JSON.stringify(v1)}`);

      // c) connector delivery throughput. decide() already started a background drain (after
      // commit); its connector calls wait at the gate, so the timed drain covers every delivery.
      const drainTimed = async (mode: 'noop' | 'sleep1'): Promise<DrainResult> => {
        const before = connectors.calls();
        t0 = performance.now();
        connectors.open(mode);
        await svc.outbox.drain();
        const ms = performance.now() - t0;
        const deliveries = connectors.calls() - before;
        const r = {
          connector: mode === 'noop' ? 'no-op' : 'await setTimeout(1)',
          deliveries,
          ms: round(ms),
          perSecond: round(deliveries / (ms / 1000), 0),
        };
        log(`${opts.store}: drain ${r.connector}: ${deliveries} deliveries in ${r.ms} ms (${r.perSecond}/s)`);
        return r;
      };
      result.drain = [await drainTimed('noop')];
      const delivered = await count("SELECT COUNT(*) AS n FROM outbox WHERE status = 'delivered'");
      if (delivered !== expected.outbox)
        v1.problems.push(`after the drain ${delivered} outbox rows delivered, expected ${expected.outbox}`);
      // The same rows again, as if freshly queued, through the slower connector.
      connectors.close();
      await db.run(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, delivered_at = NULL, detail = NULL WHERE " +
          'transition_id = ?',
        [new Date().toISOString(), proposal.id],
      );
      result.drain.push(await drainTimed('sleep1'));
      for (const d of result.drain)
        if (d.deliveries !== expected.outbox)
          v1.problems.push(`drain (${d.connector}): ${d.deliveries} deliveries, expected ${expected.outbox}`);

      // d) reversal: restores exactly what the cascade took.
      const back = await svc.regulatory.propose(carla, AUTH_ID, {
        to: 'authorised',
        reason: 'withdrawal overturned on appeal',
        reference: 'CE 2026/77',
      });
      connectors.close();
      t0 = performance.now();
      const restored = await svc.regulatory.decide(anton, back.id, 'approve', undefined);
      const reversalMs = round(performance.now() - t0);
      if (restored.status !== 'applied') throw new Error(`reversal ${back.id} is ${restored.status} after approval`);
      const counts = (restored.result as { counts: Record<string, number> }).counts;
      const v2 = await verify(back.id, {
        power: 0,
        suspended: expected.suspendedBefore,
        events: {
          'identity.suspended': 0,
          'identity.narrowed': 0,
          'identity.restored': expected.suspend + expected.narrow,
          'authorisation.status_changed': 1,
          'transition.applied': 1,
        },
        outbox: expected.outbox,
      });
      log(`${opts.store}: reversal ${reversalMs} ms; ${JSON.stringify(v2)}`);
      result.reversal = { ms: reversalMs, counts, verification: v2, enableDrain: await drainTimed('noop') };
      // Every identity the cascade switched off is switched on again through its connector.
      if (result.reversal.enableDrain!.deliveries !== expected.outbox)
        v2.problems.push(`${result.reversal.enableDrain!.deliveries} enables delivered, expected ${expected.outbox}`);

      // e) the product case (CRA): recall PRODUCT, preview and apply.
      result.product = await productCase({ svc, db, url, carla, anton, connectors, info: opts.info, store: opts.store });
      result.processMaxRssMb = round((process.resourceUsage().maxRSS * 1024) / MB);
    } finally {
      connectors.open('noop');
      await app.close();
    }
  } catch (err) {
    log(`${opts.store}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    await db.close();
  }
  return result;
}

type App = Awaited<ReturnType<typeof import('../src/app.js').buildApp>>;

/**
 * e) A recall of PRODUCT (on_market → recalled) with its identities among the firm's: the preview
 * timed through the service and over HTTP, then the apply from approval to committed (decide). Each
 * identity's effect, in the preview and in the ledger, is checked against the group the generator
 * put it in; so are the stored power, the suspensions, the outbox and the product's status.
 */
async function productCase(ctx: {
  svc: App['services'];
  db: import('../src/store/db.js').Database;
  url: string;
  carla: { user: string; canApprove: boolean };
  anton: { user: string; canApprove: boolean };
  connectors: ReturnType<typeof benchConnectors>;
  info: FirmInfo;
  store: StoreName;
}): Promise<ProductResult> {
  const { svc, db, url, info } = ctx;
  const { product } = info;
  const problems: string[] = [];
  const groupOf = new Map<string, (typeof product.groups)[number]>();
  for (const g of product.groups) for (const id of g.ids) groupOf.set(id, g);
  const count = async (sql: string, params: (string | number)[] = []) => Number((await db.all<{ n: number }>(sql, params))[0]?.n ?? 0);
  const token = (await svc.users.createToken('bench', 'carla', { label: 'bench product' })).token;
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as Record<string, unknown>;
    check(res.ok, `GET ${path}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    return body;
  };
  const statusOf = async () => (await get(`/v1/products/${product.id}`)).status;
  const want = { suspend: product.expected.suspend, narrow: product.expected.narrow, restore: 0, unchanged: product.expected.unchanged };
  const sameCounts = (c: Record<string, number>) => Object.entries(want).every(([k, n]) => (c[k] ?? 0) === n);
  const suspendedBefore = await count("SELECT COUNT(*) AS n FROM identities WHERE status = 'suspended'");
  const powerBefore = await count('SELECT COUNT(*) AS n FROM identity_power');
  const loadAvgAtStart = loadavg().map((x) => round(x, 2));

  // The preview, through the service and over HTTP: the service's plan names every identity.
  const serviceMs: number[] = [];
  const serviceCpuMs: number[] = [];
  const httpMs: number[] = [];
  const cpuSince = (c: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(c);
    return (d.user + d.system) / 1000;
  };
  let plan: Awaited<ReturnType<typeof svc.regulatory.productImpact>>['plan'] | undefined;
  let httpCounts: Record<string, number> = {};
  for (let i = 0; i < PRODUCT_IMPACT_RUNS; i++) {
    let t0 = performance.now();
    const c0 = process.cpuUsage();
    plan = (await svc.regulatory.productImpact(product.id, 'recalled')).plan;
    serviceMs.push(performance.now() - t0);
    serviceCpuMs.push(cpuSince(c0));
    t0 = performance.now();
    const body = await get(`/v1/products/${product.id}/impact?to=recalled`);
    httpMs.push(performance.now() - t0);
    httpCounts = body.counts as Record<string, number>;
  }
  const preview = {
    service: percentiles(serviceMs),
    http: percentiles(httpMs),
    counts: { ...plan!.counts },
    serviceCpuMs: percentiles(serviceCpuMs),
  };
  log(`${ctx.store}: product preview service ${JSON.stringify(preview.service)}, http ${JSON.stringify(preview.http)}`);
  if (!sameCounts(plan!.counts)) problems.push(`preview counts ${JSON.stringify(plan!.counts)}, expected ${JSON.stringify(want)}`);
  if (!sameCounts(httpCounts)) problems.push(`GET impact counts ${JSON.stringify(httpCounts)}, expected ${JSON.stringify(want)}`);
  // Each identity's effect is its group's; a narrowed one loses publish_release only.
  const seen = new Set<string>();
  for (const c of plan!.changes) {
    const g = groupOf.get(c.identity);
    if (!g) {
      problems.push(`preview names ${c.identity}, which acts for no product`);
      continue;
    }
    seen.add(c.identity);
    if (c.effect !== g.expect) problems.push(`preview: ${c.identity} (${g.name}) ${c.effect}, expected ${g.expect}`);
    if (c.effect === 'narrow' && !c.removed.every((r) => r.action === 'publish_release'))
      problems.push(`preview: ${c.identity} (${g.name}) loses ${JSON.stringify(c.removed)}, expected publish_release only`);
  }
  if (seen.size !== product.identities) problems.push(`preview names ${seen.size} of the product's ${product.identities} identities`);
  check((await statusOf()) === 'on_market', 'the preview changed the product');
  plan = undefined;

  // The apply: approval to every identity changed and recorded, one transaction (decide).
  const proposal = await svc.regulatory.proposeProduct(ctx.carla, product.id, {
    to: 'recalled',
    reason: 'release 3.2.0 lets a malicious dApp bypass transaction confirmation',
    reference: 'CA-BENCH-2026-1',
  });
  ctx.connectors.close(); // the cascade's background delivery waits: the timed step is the transaction
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const applied = await svc.regulatory.decide(ctx.anton, proposal.id, 'approve', 'agreed with the market surveillance authority');
  const ms = round(performance.now() - t0);
  const cpuMs = round(cpuSince(c0));
  if (applied.status !== 'applied') throw new Error(`product transition ${proposal.id} is ${applied.status} after approval`);
  const counts = (applied.result as { counts: Record<string, number> }).counts;
  if (!sameCounts(counts)) problems.push(`applied counts ${JSON.stringify(counts)}, expected ${JSON.stringify(want)}`);
  const status = await statusOf();
  if (status !== 'recalled') problems.push(`the product is ${String(status)} after the recall`);

  const why = `transition ${proposal.id}:%`;
  const rows = await db.all<{ action: string; subject_id: string }>(
    "SELECT action, subject_id FROM events WHERE reason LIKE ? AND action IN ('identity.suspended', 'identity.narrowed', " +
      "'identity.restored', 'product.status_changed', 'authorisation.status_changed', 'transition.applied')",
    [why],
  );
  const events: Record<string, number> = {};
  const effectOf = new Map<string, string>();
  for (const r of rows) {
    events[r.action] = (events[r.action] ?? 0) + 1;
    if (!r.action.startsWith('identity.')) continue;
    if (effectOf.has(r.subject_id)) problems.push(`${r.subject_id}: more than one identity event`);
    effectOf.set(r.subject_id, r.action === 'identity.suspended' ? 'suspend' : r.action === 'identity.narrowed' ? 'narrow' : 'restore');
  }
  for (const [action, n] of Object.entries({
    'identity.suspended': product.expected.suspend,
    'identity.narrowed': product.expected.narrow,
    'identity.restored': 0,
    'product.status_changed': 1,
    'authorisation.status_changed': 0,
    'transition.applied': 1,
  }))
    if ((events[action] ?? 0) !== n) problems.push(`${action} events ${events[action] ?? 0}, expected ${n}`);
  for (const [id, g] of groupOf) {
    const effect = effectOf.get(id) ?? 'unchanged';
    if (effect !== g.expect) problems.push(`ledger: ${id} (${g.name}) ${effect}, expected ${g.expect}`);
  }
  for (const id of effectOf.keys()) if (!groupOf.has(id)) problems.push(`ledger: ${id} changed, but it acts for no product`);
  // The stored power: no product identity keeps publish_release; a release pipeline keeps its security updates.
  const power = await db.all<{ identity_id: string; outcome: string; lawful: string }>(
    'SELECT identity_id, outcome, lawful FROM identity_power WHERE transition_id = ?',
    [proposal.id],
  );
  for (const p of power) {
    const g = groupOf.get(p.identity_id);
    if (!g) problems.push(`identity_power: ${p.identity_id} recorded, but it acts for no product`);
    else if (p.outcome !== g.expect) problems.push(`identity_power: ${p.identity_id} (${g.name}) ${p.outcome}, expected ${g.expect}`);
    if (p.lawful.includes('publish_release')) problems.push(`identity_power: ${p.identity_id} keeps publish_release`);
    if (g?.expect === 'narrow' && g.name.startsWith('release') && !p.lawful.includes('publish_security_update'))
      problems.push(`identity_power: ${p.identity_id} (${g.name}) lost publish_security_update`);
  }
  const apply = {
    ms,
    cpuMs,
    approveToAppliedMs: round(Date.parse(applied.applied_at!) - Date.parse(applied.decided_at!)),
    counts,
    identityPowerRows: await count('SELECT COUNT(*) AS n FROM identity_power'),
    suspendedIdentities: await count("SELECT COUNT(*) AS n FROM identities WHERE status = 'suspended'"),
    events,
    outboxRows: await count('SELECT COUNT(*) AS n FROM outbox WHERE transition_id = ?', [proposal.id]),
  };
  const powerRows = product.expected.suspend + product.expected.narrow;
  if (power.length !== powerRows) problems.push(`identity_power rows of the recall ${power.length}, expected ${powerRows}`);
  if (apply.identityPowerRows !== powerBefore + powerRows)
    problems.push(`identity_power rows ${apply.identityPowerRows}, expected ${powerBefore + powerRows}`);
  if (apply.suspendedIdentities !== suspendedBefore + product.expected.suspend)
    problems.push(`suspended identities ${apply.suspendedIdentities}, expected ${suspendedBefore + product.expected.suspend}`);
  if (apply.outboxRows !== product.expected.outbox) problems.push(`outbox rows ${apply.outboxRows}, expected ${product.expected.outbox}`);
  log(`${ctx.store}: product recall ${ms} ms; ${JSON.stringify(apply)}; problems ${problems.length}`);
  return { preview, apply, loadAvg: loadAvgAtStart, problems };
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Parent: orchestration, databases, report
// ---------------------------------------------------------------------------------------------

async function runStoreInChild(
  store: StoreName,
  url: string,
  work: string,
  manifestPath: string,
  infoPath: string,
  cpuProf: boolean,
): Promise<StoreResult> {
  const out = join(work, `${store}.result.json`);
  const code = await runChild(
    fileURLToPath(import.meta.url),
    ['--store', store, '--url', url, '--manifest', manifestPath, '--info', infoPath, '--out', out],
    cpuProf ? ['--cpu-prof', '--cpu-prof-dir', join(OUT_DIR, 'prof')] : [],
  );
  return readChildResult<StoreResult>(out, code, { store, description: store });
}

const verdict = (ok: boolean) => (ok ? 'pass' : '**FAIL**');
const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

function markdown(results: StoreResult[], info: FirmInfo, machine: Record<string, unknown>): string {
  const lines: string[] = [];
  lines.push(
    `Firm: ${info.identities.toLocaleString('en')} identities (${info.scopes.toLocaleString('en')} scopes), ${info.authorisations} ` +
      `authorisations; ${info.inScope.toLocaleString('en')} act in ${SCOPE.entity}/${SCOPE.service}/${SCOPE.jurisdiction} (` +
      `${AUTH_ID}, a passport): expected ${info.expected.suspend.toLocaleString('en')} suspended, ` +
      `${info.expected.narrow.toLocaleString('en')} narrowed, ${info.expected.unchanged.toLocaleString('en')} unchanged`,
  );
  if (SMALL)
    lines.push('Small run (--small), for CI: every count verified; the targets are for 100,000 identities and only reported here.');
  lines.push(
    `Machine: node ${String(machine.node)}, ${String(machine.cpus)} × ${String(machine.cpuModel)}, ${String(machine.totalMemGb)} GB ` +
      `RAM, ${String(machine.platform)}`,
  );
  lines.push('');
  lines.push('| Store | Measure | Value | Target | Result |');
  lines.push('|---|---|---:|---:|---|');
  for (const r of results) {
    const s = r.store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    if (r.error) lines.push(`| ${s} | error | ${r.error.replaceAll('|', '\\|').replaceAll('\n', ' ')} | | **FAIL** |`);
    if (r.impact) {
      lines.push(
        `| ${s} | a) impact preview, withdrawn (median of ${r.impact.runsMs.length}: ` +
          `${r.impact.runsMs.map((x) => Math.round(x)).join(' / ')} ms) | ${seconds(r.impact.medianMs)} | ≤ ${TARGETS.impactMs} ms ` +
          `| ${verdict(r.impact.medianMs <= TARGETS.impactMs)} |`,
      );
    }
    if (r.cascade) {
      const v = r.cascade.verification;
      const target = TARGETS.cascadeMs[r.store];
      lines.push(
        `| ${s} | b) approve → ${info.inScope.toLocaleString('en')} identities changed and recorded (decide) | ${seconds(r.cascade.ms)}` +
          ` | ≤ ${seconds(target)} | ${verdict(r.cascade.ms <= target)} |`,
      );
      lines.push(
        `| ${s} | b) verified: identity_power rows / suspended identities / suspended + narrowed events / outbox rows | ` +
          `${v.identityPowerRows} / ${v.suspendedIdentities} / ${v.events['identity.suspended'] ?? 0} + ` +
          `${v.events['identity.narrowed'] ?? 0} / ${v.outboxRows} | ${info.expected.suspend + info.expected.narrow} / ` +
          `${info.expected.suspendedBefore + info.expected.suspend} / ${info.expected.suspend} + ${info.expected.narrow} / ` +
          `${info.expected.outbox} | ${v.problems.length ? `**FAIL**: ${v.problems.join('; ')}` : 'pass'} |`,
      );
      for (const [name, d] of Object.entries(r.cascade.during))
        lines.push(
          `| ${s} | b) while it ran: ${name}, ${d.n} requests one at a time (p50 / p99 / max) | ${d.p50} / ${d.p99} / ${d.max} ms | ` +
            `p99 ≤ ${TARGETS.duringP99Ms} ms | ${verdict(d.p99 <= TARGETS.duringP99Ms)} |`,
        );
    }
    for (const d of r.drain ?? []) {
      lines.push(
        `| ${s} | c) outbox drain, ${d.connector} connector (${d.deliveries} deliveries) | ${seconds(d.ms)}, ` +
          `${d.perSecond.toLocaleString('en')}/s | — | info |`,
      );
    }
    if (r.reversal) {
      const v = r.reversal.verification;
      const target = TARGETS.cascadeMs[r.store];
      lines.push(
        `| ${s} | d) reversal → authorised, approve → restored (decide) | ${seconds(r.reversal.ms)} | ≤ ${seconds(target)} (as b) | ` +
          `${verdict(r.reversal.ms <= target)} |`,
      );
      lines.push(
        `| ${s} | d) verified: identity_power rows / suspended identities / restored events | ${v.identityPowerRows} / ` +
          `${v.suspendedIdentities} / ${v.events['identity.restored'] ?? 0} | 0 / ${info.expected.suspendedBefore} / ` +
          `${info.expected.suspend + info.expected.narrow} | ${v.problems.length ? `**FAIL**: ${v.problems.join('; ')}` : 'pass'} |`,
      );
      if (r.reversal.enableDrain)
        lines.push(
          `| ${s} | d) outbox drain of the enables, no-op connector (${r.reversal.enableDrain.deliveries}) | ` +
            `${seconds(r.reversal.enableDrain.ms)}, ${r.reversal.enableDrain.perSecond.toLocaleString('en')}/s | — | info |`,
        );
    }
    if (r.product) {
      const p = r.product;
      const e = info.product.expected;
      // The issue's targets are for SQLite; PostgreSQL's figures are reported.
      const judge = (ok: boolean) => (r.store === 'sqlite' ? verdict(ok) : 'info');
      const pc = (x: Percentiles) => `${x.p50} / ${x.p99} / ${x.max} ms`;
      lines.push(
        `| ${s} | e) product preview, recalled, productImpact (p50 / p99 / max of ${p.preview.service.runs}) | ` +
          `${pc(p.preview.service)} (CPU p50 ${p.preview.serviceCpuMs.p50} ms) | ≤ ${TARGETS.productImpactMs} ms | ` +
          `${judge(p.preview.service.p50 <= TARGETS.productImpactMs)} |`,
      );
      lines.push(
        `| ${s} | e) product preview, GET /v1/products/{id}/impact over HTTP (p50 / p99 / max of ${p.preview.http.runs}) | ` +
          `${pc(p.preview.http)} | ≤ ${TARGETS.productImpactMs} ms | ${judge(p.preview.http.p50 <= TARGETS.productImpactMs)} |`,
      );
      if (p.apply)
        lines.push(
          `| ${s} | e) approve → recall of ${info.product.identities.toLocaleString('en')} product identities applied (decide) | ` +
            `${seconds(p.apply.ms)} (CPU ${seconds(p.apply.cpuMs)}) | ≤ ${TARGETS.productApplyMs} ms | ` +
            `${judge(p.apply.ms <= TARGETS.productApplyMs)} |`,
        );
      const a = p.apply;
      const more = p.problems.length > 5 ? ` (+${p.problems.length - 5})` : '';
      lines.push(
        `| ${s} | e) verified: preview counts suspend / narrow / unchanged; applied events suspended + narrowed; outbox rows | ` +
          `${p.preview.counts.suspend ?? 0} / ${p.preview.counts.narrow ?? 0} / ${p.preview.counts.unchanged ?? 0}; ` +
          `${a?.events['identity.suspended'] ?? 0} + ${a?.events['identity.narrowed'] ?? 0}; ${a?.outboxRows ?? 0} | ` +
          `${e.suspend} / ${e.narrow} / ${e.unchanged}; ${e.suspend} + ${e.narrow}; ${e.outbox} | ` +
          `${p.problems.length ? `**FAIL**: ${p.problems.slice(0, 5).join('; ')}${more}` : 'pass'} |`,
      );
    }
  }
  lines.push('');
  lines.push(`In-scope population: ${info.groups.map((g) => `${g.name} ${g.count} (${g.expect})`).join('; ')}.`);
  lines.push(
    `Product case (e): ${info.product.id} (on the market → recalled), ${info.product.identities.toLocaleString('en')} identities in its ` +
      `scopes: ${info.product.groups.map((g) => `${g.name} ${g.count} (${g.expect})`).join('; ')}. Load average when it ran: ` +
      `${results.map((r) => `${r.store} ${r.product?.loadAvg.join(' / ') ?? '—'}`).join(', ')} (1 / 5 / 15 min).`,
  );
  lines.push(
    'Times are wall time in the benchmark process through app.services (no HTTP). b) and d) time decide(), which commits the approval ' +
      'and then runs the cascade transaction (impact, identity status, identity_power, events, outbox); SQLite runs with ' +
      'synchronous = FULL. PostgreSQL is measured after ANALYZE (the steady state of an inventory loaded earlier).',
  );
  return lines.join('\n');
}

async function parent(opts: { identities: number; only?: StoreName; pgUrl: string; cpuProf: boolean }): Promise<number> {
  const machine = benchMachine();
  const work = mkdtempSync(join(tmpdir(), 'mandate-cascade-bench-'));
  const results: StoreResult[] = [];
  let pgDatabase: BenchDatabase | undefined;
  const dropPg = async () => pgDatabase?.drop();
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: cleaning up`);
    void dropPg().finally(() => {
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const t0 = performance.now();
    const { text, info } = generateFirm(opts.identities);
    const manifestPath = join(work, 'manifest.json');
    const infoPath = join(work, 'info.json');
    writeFileSync(manifestPath, text);
    writeFileSync(infoPath, JSON.stringify(info));
    log(
      `firm: ${info.identities} identities, ${info.inScope} in scope, ${round(info.bytes / MB)} MB, generated in ` +
        `${round(performance.now() - t0)} ms (sha256 ${info.sha256.slice(0, 12)})`,
    );
    if (opts.cpuProf) mkdirSync(join(OUT_DIR, 'prof'), { recursive: true });

    if (opts.only !== 'postgres')
      results.push(
        await runStoreInChild('sqlite', `sqlite:${join(work, 'sqlite', 'bench.db')}`, work, manifestPath, infoPath, opts.cpuProf),
      );
    if (opts.only !== 'sqlite') {
      try {
        pgDatabase = await createPgDatabase('cascade', opts.pgUrl);
        log(`postgres: created database ${pgDatabase.name}`);
        results.push(await runStoreInChild('postgres', pgDatabase.url, work, manifestPath, infoPath, opts.cpuProf));
      } catch (err) {
        results.push({ store: 'postgres', description: 'postgres', error: err instanceof Error ? err.message : String(err) });
      } finally {
        await dropPg();
      }
    }

    // The product groups' ids are for the children's checks, not the report.
    const firm = { ...info, product: { ...info.product, groups: info.product.groups.map(({ ids: _, ...g }) => g) } };
    const report = { generated_at: new Date().toISOString(), machine, firm, targets: TARGETS, results };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'cascade.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${markdown(results, info, machine)}\n`);
    log(`wrote ${join(OUT_DIR, 'cascade.json')}${opts.cpuProf ? ` and CPU profiles in ${join(OUT_DIR, 'prof')}` : ''}`);
    const failed = results.some(
      (r) =>
        r.error ||
        r.cascade?.verification.problems.length ||
        r.reversal?.verification.problems.length ||
        !r.product ||
        r.product.problems.length,
    );
    return failed ? 1 : 0;
  } finally {
    await dropPg();
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      store: { type: 'string' },
      url: { type: 'string' },
      manifest: { type: 'string' },
      info: { type: 'string' },
      out: { type: 'string' },
      identities: { type: 'string' },
      only: { type: 'string' },
      'pg-url': { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      small: { type: 'boolean' },
    },
    strict: true,
  });

  if (values.store) {
    const store = values.store as StoreName;
    const { out, url, manifest } = values;
    if (!out || !url || !manifest || !values.info) throw new Error('child needs --url, --manifest, --info and --out');
    const info = JSON.parse(readFileSync(values.info, 'utf8')) as FirmInfo;
    await writeChildResult<StoreResult>(out, { store, description: store }, () => runStore({ store, url, manifestPath: manifest, info }));
  } else {
    const only = values.only as StoreName | undefined;
    if (only !== undefined && only !== 'sqlite' && only !== 'postgres') throw new Error('--only must be sqlite or postgres');
    const identities = values.identities ? Number(values.identities) : SMALL ? 1_000 : 100_000;
    if (!Number.isInteger(identities) || identities < 100) throw new Error('--identities must be an integer ≥ 100');
    process.exitCode = await parent({
      identities,
      ...(only ? { only } : {}),
      pgUrl: values['pg-url'] ?? PG_ADMIN,
      cpuProf: values['cpu-prof'] === true,
    });
  }
}

// Run only when executed, so the generator can be imported (e.g. by a profiling script).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
