// Crash safety of the cascade: the server process is killed with SIGKILL at random points while a
// 20,000-identity withdrawal is being approved and applied, then started again on the same store.
// Whatever the kill point (before the approval commits, between approval and cascade, during the
// connector deliveries after commit), the store must end exactly where the lifecycle rules say:
// every identity's status and identity_power row as the engine decides, one event per change and
// never two, one transition.applied, one outbox row per suspended identity.
//
// Design: ONE seeded store per store kind (a SQLite file, a PostgreSQL template database) holding
// the firm, the users with their tokens, and a proposed (not yet approved) withdrawal of
// ent-de/custody/FR. Each iteration copies it (file copy, or CREATE DATABASE … TEMPLATE), starts
// `mandate serve` on the copy, sends the approval over HTTP without waiting, SIGKILLs the process
// after a random delay in [0, the cascade's duration], starts it again (start-up runs applyDue and
// drains the outbox), re-sends the approval if the kill came before it committed (what the
// approver would do), waits until the transition is applied and checks the store, including that
// the event log is still a ledger whose checkpoints (signed at every server start, the killed ones'
// too) verify against it. The expected state is computed from the seeded identities with the pure
// engine (planCascade); a first, never-killed reference run must match it too, and times the
// cascade.
//
// Delays are stratified over the window (iteration i draws from the i-th slice) so the kill points
// cover it evenly, and iteration 0 kills at once. CRASH_SEED fixes the draw; CRASH_ITERATIONS_SQLITE
// and CRASH_ITERATIONS_PG change the counts (defaults below); CRASH_STORES=sqlite runs one store.
//
// Budget: the file must stay well inside the CI suite's time. Each iteration costs two server
// start-ups through tsx (2–4 s each), the part of the cascade before the kill, the whole cascade
// again in the restarted server (SQLite ~3–4 s, PostgreSQL ~4–5 s for 20,000 identities, with
// the ledger), its outbox drain at start-up, and the check (~1 s; ~3 s with the offline ledger
// verification). The next iteration's first server boots while the current one restarts. SQLite
// runs the full 20 iterations (~4.5 min measured on the shared 2-core machine under a load average
// of ~5); PostgreSQL runs 5, not 20, because 20 would take the file far past ~6 minutes there. The
// kill points (stratified over the window) and the invariants are the same on both.
//
// Linux only: the server's pid is found in /proc (startServerProcess does not expose its child).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { authorityLookup, planCascade, type IdentityChange } from '../../src/core/cascade.js';
import { scopeKey, type ScopeAuthority } from '../../src/core/lifecycle.js';
import type { Manifest } from '../../src/core/manifest.js';
import type { Authorisation, Identity, IdentityInput } from '../../src/core/model.js';
import { ActionVocabulary, type ActionDefinition } from '../../src/core/vocabulary.js';
import { ledgerService } from '../../src/ledger/service.js';
import { verifyLedgerFile } from '../../src/ledger/verify.js';
import { defaultRules } from '../../src/state/lifecycle-rules.js';
import type { Database } from '../../src/store/db.js';
import { openDatabase } from '../../src/store/open.js';
import { migrate } from '../../src/store/migrations.js';
import { startServerProcess, type ServerProcess } from '../support/cli.js';
import { identity, LEI_DE, LEI_IE } from '../support/fixtures.js';
import { PG_ADMIN_URL } from '../support/stores.js';
import { mulberry32 as prng } from '../../src/demo/prng.js';

const ITERATIONS = {
  sqlite: Number(process.env.CRASH_ITERATIONS_SQLITE ?? 20),
  postgres: Number(process.env.CRASH_ITERATIONS_PG ?? 5),
};
const SEED = Number(process.env.CRASH_SEED ?? randomBytes(4).readUInt32BE());
const AUTH = 'auth-de-custody-fr';
const FR = { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' } as const;
const DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' } as const;
const EXEC_DE = { entity: 'ent-de', service: 'execution', jurisdiction: 'DE' } as const;
// The ledger's key-encryption key, the same for every server start (and never a file in the repo).
const KEK = Buffer.alloc(32, 7);
const LEDGER = { kek: KEK, origin: 'mandate.local/ledger' };
const TOKENS = {
  admin: `admin-${'a'.repeat(40)}`,
  carla: `carla-${'c'.repeat(40)}`,
  anton: `anton-${'b'.repeat(40)}`,
};
// A quick scheduler: recovery does not wait a second per tick, and a tick is likely to land while
// an approval's cascade runs (two appliers of one transition must not both apply it).
const SERVER_ENV = {
  MANDATE_BOOTSTRAP_TOKEN: TOKENS.admin,
  MANDATE_KEK: KEK.toString('base64'),
  MANDATE_LEDGER_ORIGIN: LEDGER.origin,
  MANDATE_CHECKPOINT_DIR: '',
  MANDATE_SCHEDULER_INTERVAL_MS: '200',
  MANDATE_LOG_LEVEL: 'error',
  // No real connectors or CAEP receivers from the environment: revocations here are manual tasks.
  MANDATE_CAEP_RECEIVERS: '',
  MANDATE_CONNECTOR_POSTGRES_URL: '',
  MANDATE_CONNECTOR_REDIS_URL: '',
  MANDATE_CONNECTOR_RABBITMQ_MANAGEMENT_URL: '',
  MANDATE_CONNECTOR_RABBITMQ_CTL: '',
  MANDATE_CONNECTOR_WEBHOOK_URL: '',
  MANDATE_CONNECTOR_WEBHOOK_SECRET: '',
  MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_FILE: '',
};

/**
 * 20,000 identities acting in ent-de/custody/FR and 500 outside it. Under the default rules a
 * withdrawal suspends the first two groups (nothing execute is left), narrows the custody and
 * multi-scope ones (and records the power of the already-suspended ones, which stay suspended),
 * and leaves observe identities as they are.
 */
function crashFirm(): Manifest {
  const groups: [number, (id: string) => Partial<IdentityInput>][] = [
    [120, () => ({ function: 'trading', scopes: [FR] })], // suspended
    [80, (id) => ({ vendor: 'vendor-kyc', scopes: [FR], revocation: { connector: 'manual', target: `vendor_${id}` } })], // suspended
    // stays suspended, not claimed by the lifecycle; its power is recorded (narrowed)
    [100, () => ({ function: 'trading', scopes: [FR], status: 'suspended' })],
    [300, () => ({ function: 'reporting', capability: 'observe', scopes: [FR] })], // observe: never cut
    [12_400, () => ({ scopes: [FR] })], // custody: keeps the return path, loses initiate_transfer
    [4_000, () => ({ function: 'trading', scopes: [FR, EXEC_DE] })], // trading elsewhere still
    [3_000, () => ({ scopes: [DE, FR] })], // custody elsewhere still
    [500, () => ({ scopes: [DE] })], // outside the scope: untouched
  ];
  const identities: IdentityInput[] = [];
  for (const [count, make] of groups) {
    for (let i = 0; i < count; i++) {
      const id = `nhi-${String(identities.length + 1).padStart(5, '0')}`;
      identities.push(identity(id, { revocation: { connector: 'manual', target: `role_${id.replace('-', '_')}` }, ...make(id) }));
    }
  }
  return {
    version: 1,
    entities: [
      { id: 'ent-de', name: 'Example Custody GmbH', lei: LEI_DE, home: 'DE' },
      { id: 'ent-ie', name: 'Example Markets Ltd', lei: LEI_IE, home: 'IE' },
    ],
    people: [{ id: 'alice@firm.example', name: 'Alice Example', status: 'active' }],
    vendors: [{ id: 'vendor-kyc', name: 'KYC Vendor' }],
    authorisations: [
      {
        id: 'auth-de-custody-de',
        entity: 'ent-de',
        service: 'custody',
        jurisdiction: 'DE',
        status: 'authorised',
        basis: 'home',
        reference: 'BaFin 2025/1',
      },
      {
        id: AUTH,
        entity: 'ent-de',
        service: 'custody',
        jurisdiction: 'FR',
        status: 'authorised',
        basis: 'passport',
        reference: 'BaFin 2025/1-FR',
      },
      {
        id: 'auth-de-execution-de',
        entity: 'ent-de',
        service: 'execution',
        jurisdiction: 'DE',
        status: 'authorised',
        basis: 'home',
        reference: 'BaFin 2025/2',
      },
    ],
    identities,
  };
}

interface Expected {
  transition: string;
  identities: Map<string, Identity>;
  changes: Map<string, IdentityChange>;
  counts: Record<string, number>;
}

/** What the engine demands, from the seeded identities: the pure planner, no service code. */
async function expectedOf(db: Database, transition: string): Promise<Expected> {
  const identities = new Map(
    (await db.all<{ id: string; doc: string }>('SELECT id, doc FROM identities')).map((r) => [r.id, JSON.parse(r.doc) as Identity]),
  );
  const authorisations = (await db.all<{ doc: string }>('SELECT doc FROM authorisations')).map((r) => JSON.parse(r.doc) as Authorisation);
  const moved = authorisations.find((a) => a.id === AUTH)!;
  const overrides = new Map<string, ScopeAuthority>([[scopeKey(moved), { id: moved.id, status: 'withdrawn' }]]);
  const inScope = [...identities.values()].filter((i) => i.scopes.some((s) => scopeKey(s) === scopeKey(FR)));
  const plan = planCascade({
    identities: inScope,
    prior: new Map(),
    after: authorityLookup(authorisations, overrides),
    movedScopes: new Set(overrides.keys()),
    rules: defaultRules(),
    vocabulary: new ActionVocabulary(await db.all<ActionDefinition>('SELECT id, class, description FROM actions')),
  });
  return { transition, identities, changes: new Map(plan.changes.map((c) => [c.identity, c])), counts: { ...plan.counts } };
}

const EFFECT_EVENT: Record<string, string> = { suspend: 'identity.suspended', narrow: 'identity.narrowed', restore: 'identity.restored' };

/**
 * Checks the whole store against the expectation; answers a short summary for the log. With
 * `ledger`, also exports the log and verifies it offline (~2 s for 40,000 events, so not on every
 * iteration; the dense sequence check runs on all).
 */
async function verify(db: Database, x: Expected, label: string, ledger = true): Promise<string> {
  const t = x.transition;
  const [tr] = await db.all<{ status: string; result: string }>('SELECT status, result FROM transitions WHERE id = ?', [t]);
  assert.equal(tr?.status, 'applied', `${label}: transition status`);
  assert.deepEqual((JSON.parse(tr!.result) as { counts: unknown }).counts, x.counts, `${label}: transition result counts`);

  // Identity status (column and document), and each status change bumped the version exactly once.
  const rows = await db.all<{ id: string; status: string; doc: string; version: number }>(
    'SELECT id, status, doc, version FROM identities',
  );
  assert.equal(rows.length, x.identities.size, `${label}: identity count`);
  for (const r of rows) {
    const seeded = x.identities.get(r.id)!;
    const c = x.changes.get(r.id);
    const want = c ? c.statusAfter : seeded.status;
    assert.equal(r.status, want, `${label}: ${r.id} status`);
    assert.equal((JSON.parse(r.doc) as Identity).status, want, `${label}: ${r.id} status in its document`);
    assert.equal(Number(r.version), want === seeded.status ? 1 : 2, `${label}: ${r.id} version (a status change applied once)`);
  }

  // identity_power: a row for each identity the cascade changed, as the engine decided.
  const power = await db.all<{
    identity_id: string;
    outcome: string;
    lawful: string;
    suspended_by_lifecycle: number;
    transition_id: string;
  }>('SELECT * FROM identity_power');
  const changed = [...x.changes.values()].filter((c) => c.effect !== 'unchanged');
  assert.equal(power.length, changed.length, `${label}: identity_power rows`);
  for (const p of power) {
    const c = x.changes.get(p.identity_id);
    assert.ok(c && c.effect !== 'unchanged' && c.power, `${label}: unexpected identity_power row for ${p.identity_id}`);
    assert.equal(p.outcome, c.power.outcome, `${label}: ${p.identity_id} outcome`);
    assert.equal(Number(p.suspended_by_lifecycle) === 1, c.power.suspendedByLifecycle, `${label}: ${p.identity_id} suspended_by_lifecycle`);
    assert.equal(p.transition_id, t, `${label}: ${p.identity_id} transition`);
    assert.deepEqual(JSON.parse(p.lawful), c.lawful, `${label}: ${p.identity_id} lawful power`);
  }

  // Events: one per identity change, none twice, and the transition's own events once.
  const identityEvents = await db.all<{ subject_id: string; action: string; n: number }>(
    "SELECT subject_id, action, COUNT(*) AS n FROM events WHERE action IN ('identity.suspended', 'identity.narrowed', " +
      "'identity.restored') GROUP BY subject_id, action",
  );
  const want = new Map(changed.map((c) => [`${c.identity} ${EFFECT_EVENT[c.effect]}`, 1]));
  const got = new Map(identityEvents.map((e) => [`${e.subject_id} ${e.action}`, Number(e.n)]));
  const wrong = [...new Set([...want.keys(), ...got.keys()])].filter((k) => want.get(k) !== got.get(k));
  assert.deepEqual(
    wrong.slice(0, 5).map((k) => `${k}: ${got.get(k) ?? 0}, expected ${want.get(k) ?? 0}`),
    [],
    `${label}: ${wrong.length} identities with wrong events`,
  );
  for (const [action, subject] of [
    ['transition.approved', t],
    ['transition.applied', t],
    ['authorisation.status_changed', AUTH],
  ] as const) {
    const [row] = await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE action = ? AND subject_id = ?', [action, subject]);
    assert.equal(Number(row!.n), 1, `${label}: ${action} events`);
  }
  // Nothing in the whole log is recorded twice for one subject (connector evidence included).
  const dup = await db.all<{ subject_id: string; action: string; n: number }>(
    'SELECT subject_id, action, COUNT(*) AS n FROM events GROUP BY subject_type, subject_id, action HAVING COUNT(*) > 1 ORDER BY ' +
      'subject_id LIMIT 5',
  );
  assert.deepEqual(
    dup.map((d) => `${d.subject_id} ${d.action} ×${d.n}`),
    [],
    `${label}: duplicate events`,
  );

  // Outbox: exactly one disable per identity the cascade suspended.
  const outbox = await db.all<{ identity_id: string; action: string; channel: string; transition_id: string | null }>(
    'SELECT identity_id, action, channel, transition_id FROM outbox ORDER BY identity_id',
  );
  const suspended = changed
    .filter((c) => c.effect === 'suspend')
    .map((c) => c.identity)
    .sort();
  assert.deepEqual(
    outbox.map((o) => o.identity_id),
    suspended,
    `${label}: one outbox row per suspended identity`,
  );
  assert.ok(
    outbox.every((o) => o.action === 'disable' && o.channel === 'manual' && o.transition_id === t),
    `${label}: outbox rows`,
  );

  // The log stays a ledger: sequence numbers dense from 1, and the export verifies offline against
  // every checkpoint signed so far, including the ones the killed servers signed at their start.
  const [seqs] = await db.all<{ n: number; lo: number; hi: number }>('SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM events');
  assert.deepEqual([Number(seqs!.lo), Number(seqs!.hi)], [1, Number(seqs!.n)], `${label}: event sequence numbers have gaps`);
  if (ledger) {
    const service = ledgerService({ db, clock: () => new Date(), ...LEDGER });
    const lines: string[] = [];
    await service.export((l) => void lines.push(l));
    const file = join(tmpdir(), `mandate-crash-ledger-${process.pid}.jsonl`);
    try {
      writeFileSync(file, `${lines.join('\n')}\n`);
      const report = await verifyLedgerFile(file, { key: (await service.logKey()).verifierKey });
      assert.ok(report.ok, `${label}: ledger: ${JSON.stringify(report.problems.slice(0, 3))}`);
    } finally {
      rmSync(file, { force: true });
    }
  }

  const [auth] = await db.all<{ status: string; version: number }>('SELECT status, version FROM authorisations WHERE id = ?', [AUTH]);
  assert.deepEqual([auth?.status, Number(auth?.version)], ['withdrawn', 2], `${label}: authorisation`);
  const [{ n: delivered } = { n: 0 }] = await db.all<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE status <> 'pending'");
  return (
    `${x.counts.suspend} suspended, ${x.counts.narrow} narrowed, ${outbox.length} outbox rows (${Number(delivered)} taken by the ` +
    `deliverer), ${Number(seqs!.n)} events${ledger ? ', ledger verified offline' : ''}`
  );
}

// ---------------------------------------------------------------------------------------------
// Server processes
// ---------------------------------------------------------------------------------------------

/** Server pids this file started and has not seen exit: killed in after() whatever happens. */
const live = new Set<number>();

/** The pid of our child `mandate serve` on this store (its URL is on the command line). */
function serverPid(dbUrl: string): number {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(dbUrl)) return Number(d);
    } catch {
      // exited while we looked
    }
  }
  throw new Error(`no server process of ours on ${dbUrl}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function killHard(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  // Node reaps its own children; the pid disappears once the exit is collected.
  for (let i = 0; alive(pid) && i < 500; i++) await sleep(10);
  assert.ok(!alive(pid), `server ${pid} did not die`);
  live.delete(pid);
}

interface Running {
  server: ServerProcess;
  pid: number;
  startMs: number;
}

async function start(dbUrl: string): Promise<Running> {
  const t0 = performance.now();
  const server = await startServerProcess(['--db', dbUrl], SERVER_ENV);
  const pid = serverPid(dbUrl);
  live.add(pid);
  return { server, pid, startMs: performance.now() - t0 };
}

async function stop(r: Running): Promise<void> {
  await r.server.stop();
  live.delete(r.pid);
}

async function api(base: string, token: string, method: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(method === 'POST' ? { body: '{}' } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Sends the approval and answers when its answer (or the connection's end) comes back, without throwing. */
function approve(base: string, transition: string): Promise<{ status?: number; body?: any; error?: string; ms: number }> {
  const t0 = performance.now();
  return api(base, TOKENS.anton, 'POST', `/v1/transitions/${transition}/approve`).then(
    (r) => ({ ...r, ms: performance.now() - t0 }),
    (err: unknown) => ({ error: err instanceof Error ? err.message : String(err), ms: performance.now() - t0 }),
  );
}

/** Waits until the transition is applied; re-sends the approval when the crash came before it committed. */
async function settle(base: string, transition: string): Promise<'pending' | 'approved' | 'applied'> {
  const first = await api(base, TOKENS.admin, 'GET', `/v1/transitions/${transition}`);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const seen = first.body.status as 'pending' | 'approved' | 'applied';
  if (seen === 'pending') {
    const again = await approve(base, transition);
    assert.equal(again.status, 200, JSON.stringify(again));
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = await api(base, TOKENS.admin, 'GET', `/v1/transitions/${transition}`);
    if (r.body.status === 'applied') return seen;
    assert.ok(Date.now() < deadline, `transition still ${r.body.status} two minutes after the restart`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// Stores
// ---------------------------------------------------------------------------------------------

interface CrashStore {
  name: 'sqlite' | 'postgres';
  /** Seeds the one store the iterations copy; answers its URL. */
  seed(): Promise<string>;
  /** A fresh copy of the seeded store. */
  copy(n: string): Promise<string>;
  drop(url: string): Promise<void>;
  cleanup(): Promise<void>;
}

function sqliteCrashStore(): CrashStore {
  let dir = '';
  let seedPath = '';
  return {
    name: 'sqlite',
    async seed() {
      dir = mkdtempSync(join(tmpdir(), 'mandate-crash-'));
      seedPath = join(dir, 'seed.db');
      return `sqlite:${seedPath}`;
    },
    async copy(n) {
      const path = join(dir, `${n}.db`);
      copyFileSync(seedPath, path);
      if (existsSync(`${seedPath}-wal`)) copyFileSync(`${seedPath}-wal`, `${path}-wal`);
      return `sqlite:${path}`;
    },
    async drop(url) {
      const path = url.slice('sqlite:'.length);
      for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    },
    async cleanup() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresCrashStore(): CrashStore {
  const prefix = `mandate_crash_${process.pid}_${randomBytes(3).toString('hex')}`;
  const created = new Set<string>();
  const urlOf = (name: string) => {
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  return {
    name: 'postgres',
    async seed() {
      await admin(`CREATE DATABASE ${prefix}_seed`);
      created.add(`${prefix}_seed`);
      return urlOf(`${prefix}_seed`);
    },
    async copy(n) {
      const name = `${prefix}_${n}`;
      // FILE_COPY (PostgreSQL 15+): a plain copy of the template's files, far quicker than
      // WAL-logging every block; older servers only know that way anyway.
      await admin(`CREATE DATABASE ${name} TEMPLATE ${prefix}_seed STRATEGY FILE_COPY`).catch(async (err: { code?: string }) => {
        if (err.code !== '42601' && err.code !== '42704') throw err;
        await admin(`CREATE DATABASE ${name} TEMPLATE ${prefix}_seed`);
      });
      created.add(name);
      return urlOf(name);
    },
    async drop(url) {
      const name = new URL(url).pathname.slice(1);
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      created.delete(name);
    },
    async cleanup() {
      for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      created.clear();
    },
  };
}

/** The firm, the users with fixed tokens and a pending withdrawal; answers the transition id. */
async function seedStore(url: string): Promise<string> {
  const db = await openDatabase(url);
  try {
    await migrate(db);
    const app = await buildApp({ db, logger: false, ledger: LEDGER });
    try {
      await app.services.users.bootstrap(TOKENS.admin);
      await app.services.users.createUser('test', { id: 'carla', name: 'Carla Compliance', roles: ['compliance_officer'] });
      await app.services.users.createUser('test', { id: 'anton', name: 'Anton Approver', roles: ['approver'] });
      await app.services.users.createToken('test', 'carla', {}, TOKENS.carla);
      await app.services.users.createToken('test', 'anton', {}, TOKENS.anton);
      const manifest = crashFirm();
      const text = JSON.stringify(manifest);
      await app.services.importer.importManifest('user:test', manifest, { dryRun: false, digestOf: text });
      const t = await app.services.regulatory.propose({ user: 'carla', canApprove: false }, AUTH, {
        to: 'withdrawn',
        reason: 'Art. 64 withdrawal',
        reference: 'AMF W-2026-9',
      });
      assert.equal(t.status, 'pending');
      if (db.dialect === 'sqlite') await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      return t.id;
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
  }
}

async function withDb<T>(url: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(url);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

const log = (s: string) => process.stderr.write(`[crash] ${s}\n`);

const only = process.env.CRASH_STORES?.split(',');
for (const store of [sqliteCrashStore(), postgresCrashStore()].filter((s) => !only || only.includes(s.name))) {
  describe(`cascade crash safety on ${store.name}`, { skip: process.platform !== 'linux' && 'finds server pids in /proc' }, () => {
    let transition = '';
    let expected: Expected;
    let cascadeMs = 0;

    before(async () => {
      const t0 = performance.now();
      const url = await store.seed();
      transition = await seedStore(url);
      expected = await withDb(url, (db) => expectedOf(db, transition));
      log(
        `${store.name}: seeded ${expected.identities.size} identities, transition ${transition} pending, in ` +
          `${Math.round(performance.now() - t0)} ms; expected ${JSON.stringify(expected.counts)}; CRASH_SEED=${SEED}`,
      );
      assert.ok(expected.counts.suspend! >= 200 && expected.counts.narrow! >= 19_000, JSON.stringify(expected.counts));
    });

    after(async () => {
      // No orphan servers, whatever failed.
      for (const pid of [...live]) await killHard(pid).catch(() => undefined);
      await store.cleanup();
    });

    test('a run that is never killed ends in the state the rules demand (and times the cascade)', { timeout: 180_000 }, async () => {
      const url = await store.copy('reference');
      const r = await start(url);
      try {
        const res = await approve(r.server.url, transition);
        assert.equal(res.status, 200, JSON.stringify(res));
        assert.equal(res.body.status, 'applied');
        cascadeMs = res.ms;
      } finally {
        await stop(r);
      }
      const summary = await withDb(url, (db) => verify(db, expected, 'reference'));
      log(`${store.name}: reference run: start-up ${Math.round(r.startMs)} ms, approve → applied ${Math.round(cascadeMs)} ms; ${summary}`);
      await store.drop(url);
    });

    test(`SIGKILL at random points, ${ITERATIONS[store.name]} times: every identity as the rules demand, every event once`, {
      // Generous: beside another test file on two cores a restart can take 20–40 s.
      timeout: 1_200_000,
    }, async () => {
      assert.ok(cascadeMs > 0, 'the reference run measured the cascade');
      const rnd = prng(SEED ^ (store.name === 'sqlite' ? 0 : 0x5bd1e995));
      const n = ITERATIONS[store.name];
      const window = cascadeMs;
      const seen: Record<string, number> = {};
      const t0 = performance.now();
      // The next iteration's store is copied and its first server booted while this iteration's
      // restart runs (start-up through tsx is the slowest part); its approval and kill wait until
      // this iteration is checked, so nothing else runs while the kill window is open.
      const prepare = async (i: number) => {
        const url = await store.copy(`it${i}`);
        return { url, first: await start(url) };
      };
      let next: Promise<{ url: string; first: Running }> | undefined = prepare(0);
      try {
        for (let i = 0; i < n; i++) {
          const ti = performance.now();
          const { url, first } = await next!;
          // Stratified: iteration i kills somewhere in the i-th slice of the window; the first at once.
          const delay = i === 0 ? 0 : ((i + rnd()) / n) * window;
          const answer = approve(first.server.url, transition);
          await sleep(delay);
          const killedAt = Date.now();
          await killHard(first.pid);
          const before = await answer;
          const restarting = start(url);
          next = i + 1 < n ? prepare(i + 1) : undefined;
          // Awaited in the next turn; a failure here must not surface as an unhandled rejection first.
          next?.catch(() => undefined);
          const second = await restarting;
          let stage: string;
          try {
            const status = await settle(second.server.url, transition);
            const t = (await api(second.server.url, TOKENS.admin, 'GET', `/v1/transitions/${transition}`)).body;
            // Where the kill fell: before the approval committed; between approval and cascade (the
            // restart applied it); or after the cascade committed (deliveries or the answer cut short).
            stage = status === 'pending' ? 'before approval' : Date.parse(t.applied_at) > killedAt ? 'during cascade' : 'after cascade';
          } finally {
            await stop(second);
          }
          // An approval the client saw acknowledged was never lost or redone.
          if (before.status !== undefined) {
            assert.equal(before.status, 200, JSON.stringify(before));
            assert.equal(stage, 'after cascade', 'an acknowledged cascade was applied by the server that acknowledged it');
          }
          seen[stage] = (seen[stage] ?? 0) + 1;
          const tv = performance.now();
          // The full ledger verification on every fourth iteration (spread over the window) and the last.
          const summary = await withDb(url, (db) =>
            verify(db, expected, `iteration ${i} (kill after ${Math.round(delay)} ms, ${stage})`, i % 4 === 1 || i === n - 1),
          );
          const verifyMs = performance.now() - tv;
          await store.drop(url);
          log(
            `${store.name}: #${i} kill after ${Math.round(delay)} ms (${stage}; client saw ${before.status ?? before.error}); restart ` +
              `${Math.round(second.startMs)} ms; checked in ${Math.round(verifyMs)} ms: ${summary}; iteration ` +
              `${Math.round(performance.now() - ti)} ms`,
          );
        }
      } finally {
        // After a failure, the next iteration's server may still be booting: wait for it and kill it.
        const pending = await next?.catch(() => undefined);
        if (pending) await killHard(pending.first.pid);
      }
      log(
        `${store.name}: ${n} kills in ${Math.round((performance.now() - t0) / 1000)} s over [0, ${Math.round(window)} ms]: ` +
          `${JSON.stringify(seen)}`,
      );
    });
  });
}
