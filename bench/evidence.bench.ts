// bench:evidence — the issue's targets for continuous control checks and evidence packs:
//   "Full check run over 100,000 identities and 1,000,000 ledger events ≤ 10 s; an evidence pack
//    for one entity and member state at that size ≤ 15 s and ≤ 800 MB RSS."
//
// Per store, three processes:
//   1. seed (a child): a synthetic firm (bench/evidence/firm.ts: 3 entities, 9 member states, a
//      licence book with applied / suspended / wind-down / restricted / unlicensed scopes, 200
//      people of whom 5 departed, 20 vendors, N identities) imported through the importer, then a
//      timeline from March to November 2026 appended through appendEvents (so the Merkle tree is
//      the real one): token issuance all along, decisions (`decision.recorded`, and
//      `decisions.reported` batches of 50 from local enforcement points) in the last 90 days, and
//      on the way, through the services: re-imports that rotate 5% of credentials (May) and 70% of
//      the long-lived ones (October, a rotation campaign), a withdrawal
//      cascade (ent-de / transfer / AT: suspensions, narrowing, identity_power, outbox), 300
//      suspensions, 40 approved static-secret exceptions, an access review left overdue, 25 leaked
//      secrets, 8 emergency break-glass unseals, checkpoints. The total is BENCH_EVENTS exactly.
//   2. measure (a fresh child, as a server process would be): compliance.run() twice (the first
//      opens every finding, the second must change nothing), then evidencePackService(...).build() for
//      one entity and member state (on SQLite, if it fails as shipped on pack.ts's approvals query,
//      the failure is reported and the pack built again through a shim that splits that query),
//      then verifyPack() on the bytes. Peak RSS is sampled every
//      50 ms by a worker thread (better-sqlite3 blocks the main thread, where a timer would miss
//      the peak); heapUsed every 50 ms on the main thread (when it gets a turn) and after each step.
//   3. the parent: creates the store (a temp SQLite file, or a fresh PostgreSQL database dropped
//      after), runs both, checks the results, prints a table and writes bench/evidence/last-run.json.
//
//   npm run bench:evidence
//   BENCH_STORE=sqlite|postgres|both (default sqlite)   BENCH_IDENTITIES=100000   BENCH_EVENTS=1000000
//   BENCH_DECISION_SHARE=0.4 (share of BENCH_EVENTS that are decision events, all in the last 90 days)
//   BENCH_ENTITY=ent-fr BENCH_JURISDICTION=FR (the pack; the firm's largest entity × member state)
//   BENCH_SEED_CACHE=/path/seed.db (SQLite: reuse a seeded store across runs; seeded once, copied per run)
//   BENCH_KEEP_PACK=/path/pack.tar.gz (keep the built pack)   BENCH_TRACE_SQL=1 (log the costliest statements of each step)
//   BENCH_CPU_PROF=1 (V8 CPU profile of the measure child in bench/evidence/prof/)   BENCH_OUT=bench/evidence/last-run.json
//   npm run bench:evidence -- --small   (CI: 1,000 identities, 10,000 events, both stores, written to
//   bench/out/evidence-small.json; every check below still applies, the targets are only reported)
//
// The measure child checks what it measured (the first check run opens findings, the second changes
// nothing, the critical check holds, the pack verifies and holds what it cites); any problem, or a
// pack that fails as shipped, fails the run.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Connector } from '../src/delivery/connectors/connector.js';
import { mulberry32 } from '../src/demo/prng.js';
import type { NewEvent } from '../src/ledger/log.js';
import type { Database, Param, Sql } from '../src/store/db.js';
import { CONNECTORS, generateFirm, identityId, SEED, WITHDRAWN, type Firm } from './evidence/firm.js';
import { createPgDatabase, gc, machine as benchMachine, RssSampler, runChild, SMALL } from './harness.js';

const env = process.env;
const STORE = env.BENCH_STORE ?? (SMALL ? 'both' : 'sqlite');
const STORES =
  STORE === 'postgres' ? (['postgres'] as const) : STORE === 'both' ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
const IDENTITIES = Number(env.BENCH_IDENTITIES ?? (SMALL ? 1_000 : 100_000));
const EVENTS = Number(env.BENCH_EVENTS ?? (SMALL ? 10_000 : 1_000_000));
const DECISION_SHARE = Number(env.BENCH_DECISION_SHARE ?? 0.4);
const ENTITY = env.BENCH_ENTITY ?? 'ent-fr';
const JURISDICTION = env.BENCH_JURISDICTION ?? 'FR';
// A small run writes beside the other scratch figures, not over the committed full-scale ones.
const OUT = env.BENCH_OUT ?? fileURLToPath(new URL(SMALL ? './out/evidence-small.json' : './evidence/last-run.json', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;

const TARGETS = { checkRunMs: 10_000, packMs: 15_000, packRssMb: 800 };
/** Fixed, so the seeding and the measuring processes open the same ledger and signing keys. */
const KEK = Buffer.alloc(32, 0x5a);
const ORIGIN = 'bench.evidence/ledger';
const DAY = 86_400_000;
const IMPORT_AT = Date.parse('2026-03-02T09:00:00Z');
/** The measuring process's "now" (its clock runs on from here in real time). */
const NOW = Date.parse('2026-11-22T09:00:00Z');
const SEED_END = Date.parse('2026-11-22T08:30:00Z');
const WINDOW_START = NOW - 89 * DAY;
const BATCH = 5_000;
/** Apps 0..LOCAL_FROM-1 call the central decision point; the rest are SDK enforcement points that report. */
const LOCAL_FROM = 360;
const REPORT_SIZE = 50;

const log = (m: string) => process.stderr.write(`[bench:evidence] ${m}\n`);
const r1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');

// ---------------------------------------------------------------------------------------------
// Memory sampling
// ---------------------------------------------------------------------------------------------

interface Phase {
  ms: number;
  rssBeforeMb: number;
  peakRssMb: number;
  heapBeforeMb: number;
  peakHeapMb: number;
  heapAfterMb: number;
}

async function phase<T>(sampler: RssSampler, label: string, fn: () => Promise<T>): Promise<{ value: T; phase: Phase }> {
  gc();
  const before = process.memoryUsage();
  sampler.reset();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const peak = sampler.peak();
  const p: Phase = {
    ms: r1(ms),
    rssBeforeMb: r1(before.rss / MB),
    peakRssMb: peak.rssMb,
    heapBeforeMb: r1(before.heapUsed / MB),
    peakHeapMb: peak.heapMb,
    heapAfterMb: r1(process.memoryUsage().heapUsed / MB),
  };
  log(
    `${label}: ${(p.ms / 1000).toFixed(2)} s, RSS ${p.rssBeforeMb} -> peak ${p.peakRssMb} MB, heapUsed ${p.heapBeforeMb} -> peak ` +
      `${p.peakHeapMb} MB`,
  );
  return { value, phase: p };
}

// ---------------------------------------------------------------------------------------------
// Seeding (child)
// ---------------------------------------------------------------------------------------------

interface SeedResult {
  firm: {
    identities: number;
    authorisations: number;
    people: number;
    departed: number;
    vendors: number;
    staticSecretExecute: number;
    perEntityState: Record<string, number>;
  };
  events: number;
  byAction: Record<string, number>;
  decisionEventsInWindow: number;
  decisionsInWindow: number;
  steps: Record<string, unknown>;
  ms: { total: number; import: number; bulkAppend: number; bulkEvents: number; services: number };
}

/** Connectors that switch off at once (the cascade's and suspensions' deliveries); `manual` stays a manual task. */
function noopConnectors() {
  const byName = new Map<string, Connector>(
    CONNECTORS.filter((n) => n !== 'manual').map((name) => [
      name,
      { name, apply: async (r) => ({ detail: `${r.action} ${r.target} (bench no-op)` }) },
    ]),
  );
  return { get: (name: string) => byName.get(name) };
}

async function seed(url: string): Promise<SeedResult> {
  const { openDatabase } = await import('../src/store/open.js');
  const { migrate } = await import('../src/store/migrations.js');
  const { buildApp } = await import('../src/app.js');
  const { appendEvents } = await import('../src/ledger/log.js');
  const { treeSize } = await import('../src/ledger/tree.js');

  const t0 = performance.now();
  const db = await openDatabase(url);
  await migrate(db);
  let sim = IMPORT_AT;
  const app = await buildApp({
    db,
    logger: false,
    clock: () => new Date(sim),
    ledger: { kek: KEK, origin: ORIGIN },
    connectors: noopConnectors(),
  });
  const svc = app.services;
  const steps: Record<string, unknown> = {};
  let servicesMs = 0;
  try {
    for (const [id, name, roles] of [
      ['carla', 'Carla Compliance', ['compliance_officer']],
      ['anton', 'Anton Approver', ['approver']],
      ['bert', 'Bert Approver', ['approver']],
      ['olga', 'Olga Operator', ['operator']],
    ] as const)
      await svc.users.createUser('bench', { id, name, roles: [...roles] });

    const firm = generateFirm(IDENTITIES);
    log(
      `firm: ${IDENTITIES} identities, ${firm.authorisations} authorisations, ${firm.people} people (${firm.departed} departed), ` +
        `${firm.vendors} vendors`,
    );
    let text = JSON.stringify(firm.manifest);
    const t = performance.now();
    const imported = await svc.importer.importManifest('user:bench', JSON.parse(text), { dryRun: false, digestOf: text });
    const importMs = performance.now() - t;
    text = '';
    const afterImport = await treeSize(db);
    log(`import: ${JSON.stringify(imported.counts)} in ${(importMs / 1000).toFixed(1)} s; ledger ${afterImport} events`);
    if (db.dialect === 'postgres') await db.run('ANALYZE');

    // The bulk: token issuance over the whole period, decisions in the last 90 days.
    // Room for what the services append on the way (the October rotation alone updates ~42% of identities).
    const reserve = Math.round(0.5 * IDENTITIES) + 2_000;
    const bulk = Math.max(0, EVENTS - afterImport - reserve);
    const decisionEvents = Math.min(bulk, Math.round(EVENTS * DECISION_SHARE));
    const tokenEvents = bulk - decisionEvents;
    type Batch = { at: number; kind: 'token' | 'decision'; size: number };
    const spread = (kind: Batch['kind'], total: number, from: number, to: number): Batch[] => {
      const n = Math.ceil(total / BATCH);
      return Array.from({ length: n }, (_, i) => ({
        at: from + Math.floor(((i + 0.5) / n) * (to - from)),
        kind,
        size: i === n - 1 ? total - BATCH * (n - 1) : BATCH,
      }));
    };
    const batches = [
      ...spread('token', tokenEvents, IMPORT_AT + 3600_000, SEED_END - 60_000),
      ...spread('decision', decisionEvents, WINDOW_START, SEED_END - 60_000),
    ].sort((a, b) => a.at - b.at);
    const gen = bulkGenerator(firm);

    const carla = { user: 'carla', roles: ['compliance_officer'] as const };
    const voters = [
      { user: 'anton', roles: ['approver'] as const },
      { user: 'bert', roles: ['approver'] as const },
    ];
    const timed = async (name: string, fn: () => Promise<unknown>) => {
      const s = performance.now();
      steps[name] = await fn();
      const ms = performance.now() - s;
      servicesMs += ms;
      log(`step ${name} at ${new Date(sim).toISOString()}: ${(ms / 1000).toFixed(1)} s ${JSON.stringify(steps[name])}`);
    };
    const plan: { at: number; name: string; run: () => Promise<unknown> }[] = [
      {
        at: Date.parse('2026-05-04T10:00:00Z'),
        name: 'reimport (5% of credentials rotated)',
        run: async () => {
          const rnd = mulberry32(SEED + 7);
          for (const i of firm.manifest.identities!)
            if (rnd() < 0.05) (i.credential as { last_rotated?: string }).last_rotated = '2026-05-01';
          const s = JSON.stringify(firm.manifest);
          return (await svc.importer.importManifest('user:bench', JSON.parse(s), { dryRun: false, digestOf: s })).counts;
        },
      },
      {
        at: Date.parse('2026-06-15T10:00:00Z'),
        name: `withdrawal cascade (${WITHDRAWN.id})`,
        run: async () => {
          const proposal = await svc.regulatory.propose({ ...carla, canApprove: false }, WITHDRAWN.id, {
            to: 'withdrawn',
            reason: 'Art. 64 withdrawal of the Austrian transfer passport',
            reference: 'FMA W-2026-3',
          });
          const applied = await svc.regulatory.decide(
            { user: 'anton', roles: ['approver'], canApprove: true },
            proposal.id,
            'approve',
            'checked against the decision letter',
          );
          if (applied.status !== 'applied') throw new Error(`transition ${proposal.id} is ${applied.status}`);
          await svc.outbox.drain();
          // Later re-imports carry the licence book as it now stands: an import never changes a licence's status.
          const withdrawn = firm.manifest.authorisations!.find((a) => a.id === WITHDRAWN.id)!;
          withdrawn.status = 'withdrawn';
          return (applied.result as { counts?: unknown }).counts;
        },
      },
      {
        at: Date.parse('2026-07-01T10:00:00Z'),
        name: 'suspensions (300)',
        run: async () => {
          let n = 0;
          for (let i = 0; i < firm.status.length && n < 300; i += 97) {
            if (firm.status[i] !== 'active') continue;
            try {
              await svc.inventory.changeStatus('user:olga', identityId(i + 1), 'suspended', 'no owner confirmation in the Q2 attestation');
              firm.status[i] = 'suspended';
              n++;
            } catch {
              /* already suspended by the cascade */
            }
          }
          await svc.outbox.drain();
          return { suspended: n };
        },
      },
      {
        at: Date.parse('2026-09-01T10:00:00Z'),
        name: 'static-secret exceptions (40, approved)',
        run: async () => {
          let n = 0;
          for (const k of firm.staticSecretExecute) {
            if (n >= 40) break;
            const record = firm.manifest.identities![k - 1]!;
            if (firm.status[k - 1] !== 'active') continue;
            try {
              const ex = await svc.grants.registerException(
                { type: 'user', ...carla, roles: [...carla.roles] },
                {
                  identity: record.id,
                  control: 'static_secret',
                  actions: firm.executeActions[k - 1]!.length ? firm.executeActions[k - 1]! : ['read'],
                  scope: record.scopes[0]!,
                  justification: 'Legacy HSM integration cannot take workload tokens before the 2027 upgrade',
                  compensating_controls: { extra_monitoring: true, manual_approval_per_action: false },
                  expires_at: '2027-02-28T00:00:00Z',
                },
              );
              for (const v of voters) {
                const a = await svc.approvals.vote(
                  { user: v.user, roles: [...v.roles] },
                  ex.approval_id,
                  'approve',
                  'risk accepted until the upgrade',
                );
                if (a.status !== 'pending') break;
              }
              n++;
            } catch (err) {
              log(`exception for ${record.id} refused: ${(err as Error).message}`);
            }
          }
          return { exceptions: n };
        },
      },
      {
        at: Date.parse('2026-10-15T10:00:00Z'),
        name: 'reimport (rotation campaign: 70% of long-lived credentials)',
        run: async () => {
          const rnd = mulberry32(SEED + 9);
          for (const i of firm.manifest.identities!)
            if (i.credential.type !== 'short_lived' && rnd() < 0.7) (i.credential as { last_rotated?: string }).last_rotated = '2026-10-14';
          const s = JSON.stringify(firm.manifest);
          return (await svc.importer.importManifest('user:bench', JSON.parse(s), { dryRun: false, digestOf: s })).counts;
        },
      },
      {
        at: Date.parse('2026-10-01T10:00:00Z'),
        name: 'access review (ent-ie reporting, due 2026-11-01)',
        run: async () => {
          const c = await svc.reviews.open('user:carla', {
            name: 'Q4 2026 access review: ent-ie reporting identities',
            due_at: '2026-11-01T00:00:00Z',
            filter: { entity: 'ent-ie', function: ['reporting'] },
          });
          return { campaign: c.id, items: (c as unknown as { counts?: unknown }).counts };
        },
      },
      {
        at: Date.parse('2026-11-02T10:00:00Z'),
        name: 'review tick (campaign overdue)',
        run: async () => ({ ticked: await svc.reviews.tick() }),
      },
      {
        at: Date.parse('2026-11-10T10:00:00Z'),
        name: 'leaked secrets (25)',
        run: async () => {
          const rnd = mulberry32(SEED + 11);
          let n = 0;
          for (let k = 0; k < firm.status.length && n < 25; k += 3_001) {
            const id = identityId(k + 1);
            const report = JSON.stringify([
              {
                RuleID: 'generic-api-key',
                File: `deploy/${id}.env`,
                StartLine: 3,
                Commit: 'a1b2c3d4e5f6a7b8',
                Secret: `sk_live_${Math.floor(rnd() * 1e15).toString(36)}${k}`,
              },
            ]);
            await svc.leaks.ingest('user:carla', report, id);
            n++;
          }
          return { leaks: n };
        },
      },
      {
        at: Date.parse('2026-11-20T03:00:00Z'),
        name: 'emergency break-glass unseals',
        run: async () => {
          let n = 0;
          for (const k of firm.breakGlass) {
            if (n >= 8) break;
            try {
              await svc.grants.unseal({ type: 'user', user: 'olga', roles: ['operator'] }, identityId(k), {
                reason: 'INC-2026-1120 custody node down',
                emergency: true,
                duration_seconds: 900,
              });
              n++;
            } catch (err) {
              log(`unseal of ${identityId(k)} refused: ${(err as Error).message}`);
            }
          }
          return { unsealed: n };
        },
      },
    ];

    plan.sort((a, b) => a.at - b.at);
    let appended = 0;
    let appendMs = 0;
    const append = async (at: number, events: NewEvent[]) => {
      sim = at;
      const s = performance.now();
      await db.transaction((tx) => appendEvents(tx, new Date(at).toISOString(), events));
      appendMs += performance.now() - s;
      appended += events.length;
    };
    let next = 0;
    let lastLog = performance.now();
    for (const b of batches) {
      while (next < plan.length && plan[next]!.at <= b.at) {
        const step = plan[next++]!;
        sim = step.at;
        await timed(step.name, step.run);
        await svc.ledger.checkpoint();
      }
      await append(b.at, b.kind === 'token' ? gen.tokens(b.at, b.size) : gen.decisions(b.at, b.size));
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`appended ${fmt(appended)} bulk events (${fmt(appended / (appendMs / 1000))}/s), now at ${new Date(b.at).toISOString()}`);
      }
    }
    while (next < plan.length) {
      const step = plan[next++]!;
      sim = step.at;
      await timed(step.name, step.run);
    }
    // Exactly EVENTS: top up with token issuance just before the end.
    for (let have = await treeSize(db); have < EVENTS; have = await treeSize(db))
      await append(SEED_END - 30_000, gen.tokens(SEED_END - 30_000, Math.min(BATCH, EVENTS - have)));
    sim = SEED_END;
    await svc.ledger.checkpoint();
    if (db.dialect === 'postgres') await db.run('ANALYZE');

    const byAction = Object.fromEntries(
      (await db.all<{ action: string; n: number }>('SELECT action, COUNT(*) AS n FROM events GROUP BY action ORDER BY COUNT(*) DESC')).map(
        (r) => [r.action, Number(r.n)],
      ),
    );
    const events = await treeSize(db);
    const result: SeedResult = {
      firm: {
        identities: IDENTITIES,
        authorisations: firm.authorisations,
        people: firm.people,
        departed: firm.departed,
        vendors: firm.vendors,
        staticSecretExecute: firm.staticSecretExecute.length,
        perEntityState: Object.fromEntries([...firm.perEntityState].sort((a, b) => b[1] - a[1])),
      },
      events,
      byAction,
      decisionEventsInWindow: gen.counts.decisionEvents,
      decisionsInWindow: gen.counts.decisions,
      steps,
      ms: {
        total: r1(performance.now() - t0),
        import: r1(importMs),
        bulkAppend: r1(appendMs),
        bulkEvents: appended,
        services: r1(servicesMs),
      },
    };
    log(
      `seeded ${fmt(events)} events in ${(result.ms.total / 1000).toFixed(0)} s (bulk ${fmt(appended)} at ` +
        `${fmt(appended / (appendMs / 1000))}/s)`,
    );
    return result;
  } finally {
    await app.close();
    await db.close();
  }
}

/** Token and decision events for the bulk of the ledger, from the firm's own identities and applications. */
function bulkGenerator(firm: Firm) {
  const rnd = mulberry32(SEED + 1);
  const active: number[] = [];
  const central: number[] = [];
  const byLocalApp = new Map<number, number[]>();
  firm.status.forEach((s, i) => {
    if (s !== 'active') return;
    active.push(i);
    const app = firm.app[i]!;
    if (app < 0) return;
    if (app < LOCAL_FROM) central.push(i);
    else (byLocalApp.get(app) ?? byLocalApp.set(app, []).get(app)!).push(i);
  });
  const localApps = [...byLocalApp.keys()];
  let jti = 0;
  const counts = { decisionEvents: 0, decisions: 0 };
  const pickIn = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const actionOf = (i: number) => {
    const ex = firm.executeActions[i]!;
    return ex.length && rnd() < 0.85 ? pickIn(ex) : 'read';
  };
  const envOf = (i: number) => (firm.strayEnv[i] && rnd() < 0.3 ? firm.strayEnv[i]! : firm.env[i]!);
  const appName = (k: number) => (k < LOCAL_FROM ? `user:gateway-${k}` : `ep-${k}`);
  return {
    counts,
    tokens(at: number, n: number): NewEvent[] {
      return Array.from({ length: n }, () => {
        const i = pickIn(active);
        const id = identityId(i + 1);
        if (rnd() < 0.02)
          return {
            actor: `identity:${id}`,
            action: 'token.refused',
            subject: { type: 'identity', id },
            after: { grant_type: 'client_credentials', reason: 'the client assertion has expired' },
          };
        return {
          actor: `identity:${id}`,
          action: 'token.issued',
          subject: { type: 'identity', id },
          after: {
            jti: `t${(jti++).toString(36).padStart(10, '0')}`,
            auth: 'private_key_jwt',
            attested: rnd() < 0.8,
            cap: firm.capability[i],
            legacy: false,
            purpose: 'workload',
            generation: 1,
            expires_at: Math.floor(at / 1000) + 900,
            kid: 'k-2026-1',
            scopes: 1,
          },
        };
      });
    },
    decisions(at: number, n: number): NewEvent[] {
      return Array.from({ length: n }, () => {
        counts.decisionEvents++;
        if (rnd() < 0.02) {
          // An SDK enforcement point's batch of locally taken decisions.
          const app = pickIn(localApps);
          const who = byLocalApp.get(app)!;
          counts.decisions += REPORT_SIZE;
          return {
            actor: `user:enforcer-${app}`,
            action: 'decisions.reported',
            subject: { type: 'enforcement_point', id: appName(app) },
            after: {
              decisions: Array.from({ length: REPORT_SIZE }, () => {
                const i = pickIn(who);
                return {
                  at: at - Math.floor(rnd() * 600_000),
                  principal: { type: 'identity', id: identityId(i + 1) },
                  action: actionOf(i),
                  resource: { type: 'account', id: `acc-${Math.floor(rnd() * 1e6)}` },
                  context: { environment: envOf(i), attested: true },
                  decision: rnd() < 0.97 ? 'allow' : 'deny',
                  policies: ['mandate-default/permit-lawful-power'],
                  reasons: [],
                };
              }),
            },
          };
        }
        const i = pickIn(central);
        counts.decisions++;
        const app = firm.secondApp[i]! >= 0 && rnd() < 0.4 ? firm.secondApp[i]! % LOCAL_FROM : firm.app[i]!;
        const allow = rnd() < 0.97;
        return {
          actor: appName(app),
          action: 'decision.recorded',
          subject: { type: 'identity', id: identityId(i + 1) },
          after: {
            action: actionOf(i),
            resource: { type: 'account', id: `acc-${Math.floor(rnd() * 1e6)}` },
            context: { environment: envOf(i), attested: true },
            decision: allow ? 'allow' : 'deny',
            policies: ['mandate-default/permit-lawful-power'],
            reasons: allow ? [] : ['outside the identity’s lawful power'],
            obligations: [],
          },
        };
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring (child)
// ---------------------------------------------------------------------------------------------

interface MeasureResult {
  description: string;
  events: number;
  identities: number;
  run1: Phase & { counts: Record<string, number>; findingsByCheck: Record<string, number>; evaluated: Record<string, number> };
  run2: Phase & { counts: Record<string, number> };
  findingsStored: Record<string, number>;
  pack: Phase & {
    /** Set when the pack failed as shipped and the figures are from the sub-chunk shim. */
    asShipped?: { error: string; ms: number };
    entity: string;
    jurisdiction: string;
    bytes: number;
    files: { path: string; bytes: number }[];
    cited: number;
    identities: number;
    findings: number;
    authorisations: number;
    approvals: number;
    exceptions: number;
    ledgerSize: number;
  };
  verify: Phase & { ok: boolean; problems: string[]; events: number; files: number; oscal: string };
  processMaxRssMb: number;
  problems: string[];
}

/** A database that times every statement, by statement shape; report() prints the costliest and starts over. */
function sqlTracer(db: Database) {
  const stats = new Map<string, { n: number; ms: number; rows: number }>();
  const shape = (sql: string) =>
    sql
      .replace(/\s+/g, ' ')
      .replace(/\?(, ?\?)+/g, '?…')
      .replace(/( OR authorisations LIKE \?)+/g, ' OR …')
      .slice(0, 170);
  const timed = async <T>(sql: string, run: () => Promise<T>, rows: (r: T) => number): Promise<T> => {
    const t0 = performance.now();
    const r = await run();
    const k = shape(sql);
    const st = stats.get(k) ?? { n: 0, ms: 0, rows: 0 };
    st.n++;
    st.ms += performance.now() - t0;
    st.rows += rows(r);
    stats.set(k, st);
    return r;
  };
  const wrap = (sql: Sql): Sql => ({
    dialect: sql.dialect,
    all: <T>(q: string, p?: readonly Param[]) =>
      timed(
        q,
        () => sql.all<T>(q, p),
        (r) => r.length,
      ),
    run: (q: string, p?: readonly Param[]) =>
      timed(
        q,
        () => sql.run(q, p),
        (n) => n,
      ),
  });
  const top = wrap(db);
  const traced = new Proxy(db, {
    get: (target, prop) =>
      prop === 'all'
        ? top.all
        : prop === 'run'
          ? top.run
          : prop === 'transaction'
            ? <T>(fn: (tx: Sql) => Promise<T>) => target.transaction((tx) => fn(wrap(tx)))
            : (Reflect.get(target, prop) as unknown),
  }) as Database;
  return {
    db: traced,
    report(label: string) {
      const all = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
      const total = all.reduce((t, [, v]) => t + v.ms, 0);
      log(`${label}: SQL ${(total / 1000).toFixed(2)} s in ${all.reduce((t, [, v]) => t + v.n, 0)} statements; costliest:`);
      for (const [k, v] of all.slice(0, 12))
        log(`  ${(v.ms / 1000).toFixed(2).padStart(6)} s ${String(v.n).padStart(5)}× ${String(v.rows).padStart(8)} rows  ${k}`);
      stats.clear();
    },
  };
}

/**
 * The database as evidencePackService sees it, except that pack.ts's approvals query (subjects IN (...)
 * OR subject IN transitions matching any of as many LIKEs) runs in sub-chunks of 200 subjects and
 * the rows are united by approval id: the same rows, inside SQLite's expression depth limit.
 */
function approvalsQueryInSubChunks(db: Database): Database {
  const shape = new RegExp(
    /^SELECT a\.id, a\.kind, a\.status, a\.requester, a\.decided_at, a\.summary, a\.detail FROM approvals a /.source +
      /WHERE a\.created_at <= \? AND \(a\.subject_id IN \(/.source,
  );
  const all = async <T>(sql: string, params: readonly Param[] = []): Promise<T[]> => {
    if (!shape.test(sql)) return db.all<T>(sql, params);
    const n = (params.length - 1) / 2;
    const [asOf, ...rest] = params;
    const chunk = rest.slice(0, n);
    const likes = rest.slice(n);
    const out = new Map<string, T>();
    for (let j = 0; j < n; j += 200) {
      const c = chunk.slice(j, j + 200);
      const rows = await db.all<T & { id: string }>(
        `SELECT a.id, a.kind, a.status, a.requester, a.decided_at, a.summary, a.detail FROM approvals a
           WHERE a.created_at <= ? AND (a.subject_id IN (${c.map(() => '?').join(',')})
           OR a.subject_id IN (SELECT id FROM transitions WHERE ${c.map(() => 'authorisations LIKE ?').join(' OR ')}))`,
        [asOf, ...c, ...likes.slice(j, j + 200)],
      );
      for (const r of rows) out.set(r.id, r);
    }
    return [...out.values()];
  };
  return new Proxy(db, { get: (target, prop) => (prop === 'all' ? all : (Reflect.get(target, prop) as unknown)) }) as Database;
}

async function measure(url: string): Promise<MeasureResult> {
  const { openDatabase } = await import('../src/store/open.js');
  const { buildApp } = await import('../src/app.js');
  const { evidencePackService } = await import('../src/evidence/pack.js');
  const { verifyPack } = await import('../src/evidence/verify.js');
  const { complianceService } = await import('../src/compliance/service.js');
  const { ledgerService } = await import('../src/ledger/service.js');

  const sampler = new RssSampler(50, { heap: true });
  const db = await openDatabase(url);
  const started = Date.now();
  const clock = () => new Date(NOW + (Date.now() - started));
  const app = await buildApp({ db, logger: false, clock, ledger: { kek: KEK, origin: ORIGIN } });
  const problems: string[] = [];
  try {
    const svc = app.services;
    // BENCH_TRACE_SQL=1: the same services over a database that times every statement (diagnosis only).
    const tracer = env.BENCH_TRACE_SQL === '1' ? sqlTracer(db) : undefined;
    const base = tracer?.db ?? db;
    const compliance = tracer
      ? complianceService({ db: base, clock, extraFindings: { reviews: (sql, now) => svc.reviews.findings(sql, now) } })
      : svc.compliance;
    const ledger = tracer ? ledgerService({ db: base, clock, kek: KEK, origin: ORIGIN }) : svc.ledger;
    const packs = evidencePackService({ db: base, clock, ledger, compliance });
    const count = async (sql: string) => Number((await db.all<{ n: number }>(sql))[0]?.n ?? 0);
    const events = await count('SELECT MAX(seq) AS n FROM events');
    const identities = await count('SELECT COUNT(*) AS n FROM identities');

    const first = await phase(sampler, 'compliance.run() #1', () => compliance.run('bench: first run'));
    tracer?.report('compliance.run() #1');
    const s1 = first.value;
    const second = await phase(sampler, 'compliance.run() #2', () => compliance.run('bench: second run'));
    tracer?.report('compliance.run() #2');
    const s2 = second.value;
    const findingsStored = Object.fromEntries(
      (await db.all<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM compliance_findings GROUP BY status')).map((r) => [
        r.status,
        Number(r.n),
      ]),
    );
    if (s1.counts.opened === 0) problems.push('the first run opened no finding');
    if (s2.counts.opened !== 0 || s2.counts.resolved !== 0 || s2.counts.reopened !== 0)
      problems.push(`the second run was not idempotent: ${JSON.stringify(s2.counts)}`);
    if (s2.counts.open !== s1.counts.open) problems.push(`open findings changed between runs: ${s1.counts.open} then ${s2.counts.open}`);
    // The checks read the power the decision point uses: under the shipped rules nobody keeps new
    // business where the firm is not authorised, so the critical check must hold (fire for none).
    const critical = s1.checks.find((c) => c.check === 'active-in-unauthorised-scope');
    if (!critical || critical.failed)
      problems.push(`the critical check (active in an unauthorised scope) ${critical ? `fired for ${critical.failed}` : 'did not run'}`);

    // As shipped first. On SQLite, src/evidence/pack.ts's approvals query (500 subjects a chunk,
    // one `authorisations LIKE ?` each, ORed) exceeds SQLite's expression depth limit (1000) once
    // an entity × member state has ~500 identities; then the bench records that failure and builds
    // the pack again through a shim that runs the same query in sub-chunks of 200 (same rows).
    let asShipped: { error: string; ms: number } | undefined;
    let built: Awaited<ReturnType<typeof phase<Awaited<ReturnType<typeof packs.build>>>>> | undefined;
    const t0 = performance.now();
    try {
      built = await phase(sampler, `packs.build(${ENTITY}, ${JURISDICTION})`, () =>
        packs.build({ entity: ENTITY, jurisdiction: JURISDICTION }),
      );
    } catch (err) {
      const msg = (err as Error).message;
      if (!/Expression tree is too large/.test(msg)) throw err;
      asShipped = { error: msg, ms: r1(performance.now() - t0) };
      log(
        `packs.build as shipped failed after ${(asShipped.ms / 1000).toFixed(2)} s: ${msg}; building again with the approvals query in ` +
          'sub-chunks',
      );
      tracer?.report('packs.build as shipped');
      const shimmed = evidencePackService({ db: approvalsQueryInSubChunks(base), clock, ledger, compliance });
      built = await phase(sampler, `packs.build(${ENTITY}, ${JURISDICTION}) with the sub-chunk shim`, () =>
        shimmed.build({ entity: ENTITY, jurisdiction: JURISDICTION }),
      );
    }
    tracer?.report('packs.build');
    const { bytes, manifest, data } = built.value;
    if (env.BENCH_KEEP_PACK) writeFileSync(env.BENCH_KEEP_PACK, bytes);
    const key = (await svc.ledger.logKey()).verifierKey;
    const verified = await phase(sampler, 'verifyPack', () => verifyPack(bytes, { key }));
    const report = verified.value;
    if (!report.ok) problems.push(`the pack does not verify: ${report.problems.slice(0, 5).join('; ')}`);
    if (report.events !== data.ledger.cited) problems.push(`the pack cites ${data.ledger.cited} events but holds ${report.events}`);
    if (data.inventory.total === 0) problems.push('the pack holds no identity');
    if (data.findings.length === 0) problems.push('the pack holds no finding');

    return {
      description: db.description,
      events,
      identities,
      run1: {
        ...first.phase,
        counts: { ...s1.counts },
        findingsByCheck: Object.fromEntries(s1.checks.map((c) => [c.check, c.failed])),
        evaluated: Object.fromEntries(s1.checks.map((c) => [c.check, c.evaluated])),
      },
      run2: { ...second.phase, counts: { ...s2.counts } },
      findingsStored,
      pack: {
        ...built.phase,
        ...(asShipped ? { asShipped } : {}),
        entity: ENTITY,
        jurisdiction: JURISDICTION,
        bytes: bytes.length,
        files: manifest.files.map((f) => ({ path: f.path, bytes: f.bytes })),
        cited: data.ledger.cited,
        identities: data.inventory.total,
        findings: data.findings.length,
        authorisations: data.authorisations.length,
        approvals: data.approvals.length,
        exceptions: data.exceptions.length,
        ledgerSize: data.ledger.size,
      },
      verify: {
        ...verified.phase,
        ok: report.ok,
        problems: report.problems.slice(0, 20),
        events: report.events,
        files: report.files,
        oscal: report.oscal,
      },
      processMaxRssMb: r1((process.resourceUsage().maxRSS * 1024) / MB),
      problems,
    };
  } finally {
    await app.close();
    await db.close();
    await sampler.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Parent
// ---------------------------------------------------------------------------------------------

function child(role: 'seed' | 'measure', url: string, out: string, cpuProf: boolean): Promise<number> {
  const prof = cpuProf ? ['--cpu-prof', '--cpu-prof-dir', fileURLToPath(new URL('./evidence/prof/', import.meta.url))] : [];
  return runChild(SELF, [`--${role}`, url, out, ...(SMALL ? ['--small'] : [])], ['--expose-gc', ...prof]);
}

interface StoreRun {
  store: 'sqlite' | 'postgres';
  seed?: SeedResult;
  seedCached?: boolean;
  measure?: MeasureResult;
  loadStart: string;
  loadEnd?: string;
  error?: string;
}

async function runStore(store: 'sqlite' | 'postgres', work: string): Promise<StoreRun> {
  const run: StoreRun = { store, loadStart: loadavg() };
  log(`${store}: load average at start ${run.loadStart}`);
  let url: string;
  let dropPg: (() => Promise<void>) | undefined;
  if (store === 'sqlite') {
    const file = join(work, 'evidence.db');
    url = `sqlite:${file}`;
    const cache = env.BENCH_SEED_CACHE;
    if (cache && existsSync(cache) && existsSync(`${cache}.json`)) {
      copyFileSync(cache, file);
      run.seed = JSON.parse(readFileSync(`${cache}.json`, 'utf8')) as SeedResult;
      run.seedCached = true;
      log(`sqlite: seeded store copied from ${cache}`);
    }
  } else {
    const created = await createPgDatabase('evidence');
    url = created.url;
    dropPg = created.drop;
    log(`postgres: database ${created.name}`);
  }
  try {
    if (!run.seed) {
      const out = join(work, `${store}.seed.json`);
      const code = await child('seed', url, out, false);
      if (code !== 0 || !existsSync(out)) throw new Error(`seeding exited with code ${code}`);
      run.seed = JSON.parse(readFileSync(out, 'utf8')) as SeedResult;
      if (run.seed.events !== EVENTS) throw new Error(`seeding left ${run.seed.events} events in the ledger, not ${EVENTS}`);
      if (store === 'sqlite' && env.BENCH_SEED_CACHE) {
        copyFileSync(url.slice('sqlite:'.length), env.BENCH_SEED_CACHE);
        writeFileSync(`${env.BENCH_SEED_CACHE}.json`, JSON.stringify(run.seed));
      }
    }
    const out = join(work, `${store}.measure.json`);
    const code = await child('measure', url, out, env.BENCH_CPU_PROF === '1');
    if (!existsSync(out)) throw new Error(`measuring exited with code ${code}`);
    run.measure = JSON.parse(readFileSync(out, 'utf8')) as MeasureResult;
    if (code !== 0) run.error = `measuring exited with code ${code}`;
  } catch (err) {
    run.error = err instanceof Error ? err.message : String(err);
    log(`${store}: ${run.error}`);
  } finally {
    await dropPg?.();
    run.loadEnd = loadavg();
    log(`${store}: load average at end ${run.loadEnd}`);
  }
  return run;
}

function table(runs: StoreRun[]): string {
  const lines = ['| store | measurement | figure | target | |', '| --- | --- | --- | --- | --- |'];
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISS');
  for (const r of runs) {
    const s = r.store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    if (r.seed)
      lines.push(
        `| ${s} | seeding: ${fmt(r.seed.firm.identities)} identities, ${fmt(r.seed.events)} events (` +
          `${fmt(r.seed.decisionEventsInWindow)} decision events, ${fmt(r.seed.decisionsInWindow)} decisions in 90 days)` +
          `${r.seedCached ? ', cached' : ''} | ${(r.seed.ms.total / 1000).toFixed(0)} s (bulk append ` +
          `${fmt(r.seed.ms.bulkEvents / (r.seed.ms.bulkAppend / 1000))} events/s) | — | |`,
      );
    const m = r.measure;
    if (m) {
      lines.push(
        `| ${s} | compliance.run(), first (opens ${fmt(m.run1.counts.opened ?? 0)} findings) | ${(m.run1.ms / 1000).toFixed(2)} s; RSS ` +
          `${m.run1.rssBeforeMb} → ${m.run1.peakRssMb} MB, heap peak ${m.run1.peakHeapMb} MB | ≤ 10 s | ` +
          `${verdict(m.run1.ms <= TARGETS.checkRunMs)} |`,
      );
      lines.push(
        `| ${s} | compliance.run(), second (idempotent: ${m.run2.counts.opened ?? 0} opened, ${m.run2.counts.resolved ?? 0} resolved) ` +
          `| ${(m.run2.ms / 1000).toFixed(2)} s; RSS peak ${m.run2.peakRssMb} MB | ≤ 10 s | ` +
          `${verdict(m.run2.ms <= TARGETS.checkRunMs)} |`,
      );
      if (m.pack.asShipped)
        lines.push(
          `| ${s} | evidence pack ${m.pack.entity} × ${m.pack.jurisdiction} as shipped | fails after ` +
            `${(m.pack.asShipped.ms / 1000).toFixed(2)} s: ${m.pack.asShipped.error} | ≤ 15 s | MISS |`,
        );
      const shim = m.pack.asShipped ? ', with the approvals query in sub-chunks (bench shim)' : '';
      lines.push(
        `| ${s} | evidence pack ${m.pack.entity} × ${m.pack.jurisdiction}${shim}: wall time | ${(m.pack.ms / 1000).toFixed(2)} s | ≤ ` +
          `15 s | ${verdict(m.pack.ms <= TARGETS.packMs)} |`,
      );
      lines.push(
        `| ${s} | evidence pack: peak RSS (before ${m.pack.rssBeforeMb} MB; heapUsed ${m.pack.heapBeforeMb} → peak ${m.pack.peakHeapMb}` +
          ` MB) | ${m.pack.peakRssMb} MB | ≤ 800 MB | ${verdict(m.pack.peakRssMb <= TARGETS.packRssMb)} |`,
      );
      lines.push(
        `| ${s} | pack contents: ${fmt(m.pack.identities)} identities, ${fmt(m.pack.findings)} findings, ${fmt(m.pack.cited)} cited ` +
          `events with proofs, ${m.pack.files.length + 2} files | ${r1(m.pack.bytes / MB)} MB .tar.gz | — | |`,
      );
      lines.push(
        `| ${s} | verifyPack (${m.verify.ok ? 'ok' : 'FAILED'}, ${fmt(m.verify.events)} events, OSCAL ${m.verify.oscal}) | ` +
          `${(m.verify.ms / 1000).toFixed(2)} s; RSS peak ${m.verify.peakRssMb} MB | — | |`,
      );
      for (const p of m.problems) lines.push(`| ${s} | problem | ${p.replaceAll('|', '\\|')} | | MISS |`);
    }
    if (r.error) lines.push(`| ${s} | error | ${r.error.replaceAll('|', '\\|')} | | MISS |`);
  }
  return lines.join('\n');
}

async function parent(): Promise<number> {
  const machine = benchMachine();
  const work = mkdtempSync(join(tmpdir(), 'mandate-bench-evidence-'));
  const runs: StoreRun[] = [];
  const loadStart = loadavg();
  log(`${IDENTITIES} identities, ${EVENTS} events, stores ${STORES.join(', ')}; load average ${loadStart}`);
  try {
    for (const store of STORES) runs.push(await runStore(store, work));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const report = {
    generated_at: new Date().toISOString(),
    machine,
    load: { start: loadStart, end: loadavg() },
    config: { identities: IDENTITIES, events: EVENTS, decision_share: DECISION_SHARE, entity: ENTITY, jurisdiction: JURISDICTION },
    targets: TARGETS,
    runs,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `\nbench:evidence — node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemGb} GB; load ` +
      `${report.load.start} → ${report.load.end}` +
      `${SMALL ? '; --small: every check applies, the targets (for 100,000 identities) are only reported' : ''}\n\n${table(runs)}\n`,
  );
  log(`wrote ${OUT}`);
  return runs.some((r) => r.error || r.measure?.problems.length || r.measure?.pack.asShipped) ? 1 : 0;
}

const role = process.argv[2];
if (role === '--seed' || role === '--measure') {
  const [url, out] = [process.argv[3]!, process.argv[4]!];
  try {
    const result = role === '--seed' ? await seed(url) : await measure(url);
    writeFileSync(out, JSON.stringify(result));
  } catch (err) {
    log(`${role.slice(2)}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  }
} else {
  process.exitCode = await parent();
}
