// npm run bench:ledger — the ledger's figures (docs/benchmarks.md):
//   1. sustained durable append (events/s) on SQLite and PostgreSQL, group-committed in batches;
//   2. inclusion proof latency at 10 million leaves (SQLite);
//   3. offline verification of an exported 1,000,000-event log;
//   4. a time-travel query over 1,000,000 events.
// Anchors from the issue: Trillian's sequencer ~10k leaves/s, Tessera on POSIX ~2.9k writes/s,
// one fsync per SQLite row ~4.7k rows/s. BENCH_SCALE=0.1 runs everything at a tenth for a quick look;
// --small (or BENCH_SCALE=small) at a hundredth, for CI. Every run checks its answers: the events
// each store holds after the appends, every inclusion proof against the root, the export verified
// offline with the right count, and the time-travel answer against the churn the bench wrote.
import { mkdtempSync, rmSync, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { appendEvents, type NewEvent } from '../src/ledger/log.js';
import { ledgerService } from '../src/ledger/service.js';
import { verifyLedgerFile } from '../src/ledger/verify.js';
import { whoCould } from '../src/ledger/asof.js';
import { defaultRules } from '../src/state/lifecycle-rules.js';
import type { Database } from '../src/store/db.js';
import { openDatabase } from '../src/store/open.js';
import { migrate } from '../src/store/migrations.js';
import { leafHash, frontier, newSubtrees, verifyInclusion, type Hash } from '../src/ledger/merkle.js';
import { treeSize } from '../src/ledger/tree.js';
import { insertMany } from '../src/store/db.js';
import { check, openBenchStore, runBench, SMALL } from './harness.js';

const SCALE = SMALL ? 0.01 : Number(process.env.BENCH_SCALE ?? 1);
if (!(SCALE > 0)) throw new Error(`BENCH_SCALE must be a positive number or "small", not ${process.env.BENCH_SCALE}`);
/** BENCH_PARTS=append,proof,log runs only some parts (all by default). */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'append,proof,log').split(','));
const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-ledger-'));
const at = '2026-11-22T10:00:00.000Z';
const rows: { what: string; store: string; figure: string; target: string; pass: boolean | null }[] = [];
const fmt = (n: number) => Math.round(n).toLocaleString('en');

function event(i: number): NewEvent {
  return {
    actor: 'user:bench',
    action: 'identity.updated',
    subject: { type: 'identity', id: `nhi-${i % 100_000}` },
    before: { status: 'active' },
    after: { status: i % 2 ? 'suspended' : 'active' },
    reason: `bench change ${i}`,
  };
}

async function appendThroughput(db: Database, store: string, total: number, batch: number, target: number) {
  const before = await treeSize(db);
  const start = performance.now();
  for (let i = 0; i < total; i += batch) {
    const n = Math.min(batch, total - i);
    await db.transaction((tx) =>
      appendEvents(
        tx,
        at,
        Array.from({ length: n }, (_, j) => event(i + j)),
      ),
    );
  }
  const rate = total / ((performance.now() - start) / 1000);
  const after = await treeSize(db);
  check(after - before === total, `${store}: ${after - before} events in the ledger after appending ${total}`);
  rows.push({
    what: `durable append, ${fmt(total)} events in transactions of ${batch}`,
    store,
    figure: `${fmt(rate)} events/s`,
    target: `≥ ${fmt(target)}/s`,
    pass: rate >= target,
  });
}

/** A tree of `n` synthetic leaves written straight to the tables (the proof path only reads them). */
async function syntheticTree(db: Database, n: number): Promise<void> {
  const chunk = 50_000;
  for (let from = 0; from < n; from += chunk) {
    const count = Math.min(chunk, n - from);
    const leaves: Hash[] = Array.from({ length: count }, (_, i) => leafHash(`leaf ${from + i}`));
    await db.transaction(async (tx) => {
      await insertMany(
        tx,
        'events',
        ['seq', 'at', 'actor', 'action', 'subject_type', 'subject_id', 'leaf_hash'],
        leaves.map((h, i) => [from + i + 1, at, 'bench', 'x', 'bench', 'x', h.toString('hex')]),
      );
      const known = new Map<string, Hash>();
      for (const f of frontier(from)) {
        const [r] =
          f.level === 0
            ? await tx.all<{ h: string }>('SELECT leaf_hash AS h FROM events WHERE seq = ?', [f.index + 1])
            : await tx.all<{ h: string }>('SELECT hash AS h FROM ledger_nodes WHERE level = ? AND idx = ?', [f.level, f.index]);
        known.set(`${f.level}:${f.index}`, Buffer.from(r!.h, 'hex'));
      }
      const made = newSubtrees({ get: (l, i) => known.get(`${l}:${i}`)! }, from, leaves);
      await insertMany(
        tx,
        'ledger_nodes',
        ['level', 'idx', 'hash'],
        made.map((m) => [m.level, m.index, m.hash.toString('hex')]),
      );
    });
  }
}

async function main() {
  // 1. Append throughput.
  if (PARTS.has('append')) {
    const sqliteAppend = await openDatabase(`sqlite:${join(dir, 'append.db')}`);
    await migrate(sqliteAppend);
    await appendThroughput(sqliteAppend, 'sqlite', Math.round(300_000 * SCALE), 5_000, 100_000);
    await appendThroughput(sqliteAppend, 'sqlite', Math.round(20_000 * SCALE), 1, 0);
    rows[rows.length - 1]!.pass = null;
    rows[rows.length - 1]!.target = 'one event per transaction: the fsync-per-write anchor';
    await sqliteAppend.close();
    const p = await openBenchStore('postgres', 'ledger');
    try {
      await appendThroughput(p.db, 'postgres', Math.round(200_000 * SCALE), 5_000, 20_000);
    } finally {
      await p.cleanup();
    }
  }

  // 2. Inclusion proofs at 10 million leaves.
  if (PARTS.has('proof')) {
    const big = await openDatabase(`sqlite:${join(dir, 'big.db')}`);
    await migrate(big);
    const n = Math.round(10_000_000 * SCALE);
    const t0 = performance.now();
    await syntheticTree(big, n);
    const built = performance.now() - t0;
    const ledger = ledgerService({ db: big, clock: () => new Date(at), kek: randomBytes(32), origin: 'bench/ledger' });
    const times: number[] = [];
    const proofs: Awaited<ReturnType<typeof ledger.inclusion>>[] = [];
    for (let i = 0; i < 2_000; i++) {
      const seq = 1 + Math.floor((i * 7919 * 104729) % n);
      const s = performance.now();
      proofs.push(await ledger.inclusion(seq, n));
      times.push(performance.now() - s);
    }
    // Untimed: every proof is one, for the leaf the bench wrote at that position.
    const hex = (h: string) => Buffer.from(h, 'hex');
    for (const p of proofs) {
      check(p.leaf_hash === leafHash(`leaf ${p.seq - 1}`).toString('hex'), `inclusion proof of event ${p.seq} names another leaf`);
      check(
        verifyInclusion(hex(p.leaf_hash), p.leaf_index, p.tree_size, p.proof.map(hex), hex(p.root)),
        `inclusion proof of event ${p.seq} does not verify against the root`,
      );
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length / 2)]!;
    const p99 = times[Math.floor(times.length * 0.99)]!;
    rows.push({
      what: `inclusion proof at ${fmt(n)} leaves (tree built in ${(built / 1000).toFixed(0)} s)`,
      store: 'sqlite',
      figure: `p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`,
      target: '≤ 1 ms',
      pass: p99 <= 1,
    });
    await big.close();
  }

  // 3 and 4. A realistic 1,000,000-event log: export, verify offline, time travel.
  if (PARTS.has('log')) {
    const real = await openDatabase(`sqlite:${join(dir, 'real.db')}`);
    await migrate(real);
    const m = Math.round(1_000_000 * SCALE);
    const identities = 100_000 * Math.min(1, SCALE);
    // Identities created first (full records), then status churn, the way a busy firm's log looks.
    for (let i = 0; i < identities; i += 5_000) {
      await real.transaction((tx) =>
        appendEvents(
          tx,
          at,
          Array.from({ length: Math.min(5_000, identities - i) }, (_, j) => ({
            actor: 'user:bench',
            action: 'identity.created',
            subject: { type: 'identity', id: `nhi-${i + j}` },
            after: {
              id: `nhi-${i + j}`,
              kind: 'workload',
              function: 'custody',
              capability: 'execute',
              owner: 'o@x.example',
              purpose: 'bench',
              scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: (i + j) % 2 ? 'FR' : 'DE' }],
              actions: ['read', 'initiate_transfer', 'withdraw_to_client'],
              environment: 'production',
              credential: { type: 'short_lived', created: '2026-01-01' },
              revocation: { connector: 'manual', target: 't' },
              status: 'active',
              break_glass: false,
              labels: {},
            },
          })),
        ),
      );
    }
    await real.transaction((tx) =>
      appendEvents(tx, at, [
        {
          actor: 'user:bench',
          action: 'authorisation.created',
          subject: { type: 'authorisation', id: 'auth-fr' },
          after: {
            id: 'auth-fr',
            entity: 'ent-de',
            service: 'custody',
            jurisdiction: 'FR',
            status: 'authorised',
            basis: 'passport',
            reference: 'x',
          },
        },
        {
          actor: 'user:bench',
          action: 'authorisation.created',
          subject: { type: 'authorisation', id: 'auth-de' },
          after: {
            id: 'auth-de',
            entity: 'ent-de',
            service: 'custody',
            jurisdiction: 'DE',
            status: 'authorised',
            basis: 'home',
            reference: 'x',
          },
        },
      ]),
    );
    // Each identity's last status, as the churn leaves it: what time travel must answer.
    const finalStatus = new Map<number, string>();
    for (let k = identities; k < m; k++) finalStatus.set(k % identities, k % 3 ? 'active' : 'suspended');
    for (let i = identities; i < m; i += 5_000) {
      await real.transaction((tx) =>
        appendEvents(
          tx,
          '2026-11-22T11:00:00.000Z',
          Array.from({ length: Math.min(5_000, m - i) }, (_, j) => ({
            actor: 'user:bench',
            action: 'identity.status_changed',
            subject: { type: 'identity', id: `nhi-${(i + j) % identities}` },
            before: { status: 'active' },
            after: { status: (i + j) % 3 ? 'active' : 'suspended' },
            reason: 'churn',
          })),
        ),
      );
    }
    const realLedger = ledgerService({ db: real, clock: () => new Date(at), kek: randomBytes(32), origin: 'bench/ledger' });
    const file = join(dir, 'export.jsonl');
    const out = createWriteStream(file);
    const e0 = performance.now();
    await realLedger.export(async (line) => {
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    });
    out.end();
    await once(out, 'finish');
    const exportMs = performance.now() - e0;
    const v0 = performance.now();
    const report = await verifyLedgerFile(file, { key: (await realLedger.logKey()).verifierKey });
    const verifyMs = performance.now() - v0;
    rows.push({
      what: `export of ${fmt(report.events)} events (${(statSync(file).size / 1e6).toFixed(0)} MB)`,
      store: 'sqlite',
      figure: `${(exportMs / 1000).toFixed(2)} s`,
      target: '—',
      pass: null,
    });
    rows.push({
      what: `offline verification of ${fmt(report.events)} events (${report.ok ? 'ok' : 'FAILED'})`,
      store: 'file',
      figure: `${(verifyMs / 1000).toFixed(2)} s`,
      target: '≤ 5 s',
      pass: report.ok && verifyMs <= 5000,
    });
    const q0 = performance.now();
    const answer = await whoCould(real, realLedger, defaultRules(), {
      at: '2026-11-22T12:00:00Z',
      action: 'initiate_transfer',
      entity: 'ent-de',
      jurisdiction: 'FR',
      maxProofs: 1000,
    });
    const asofMs = performance.now() - q0;
    // Active at the end and acting in FR (odd numbers): those may initiate transfers there.
    let canTransfer = 0;
    for (let i = 0; i < identities; i++) if (i % 2 && (finalStatus.get(i) ?? 'active') === 'active') canTransfer++;
    check(report.ok, `the exported ledger does not verify offline: ${JSON.stringify(report).slice(0, 300)}`);
    // The bench wrote m + 2; the ledger adds its own (the signing key's record) on the way.
    const held = await treeSize(real);
    check(
      report.events === held && held >= m + 2,
      `the export verified ${report.events} events; the ledger holds ${held}, the bench wrote ${m + 2}`,
    );
    check(answer.identities.length === canTransfer, `time travel answered ${answer.identities.length} identities, expected ${canTransfer}`);
    check(
      answer.evidence.proofs.length === Math.min(1000, answer.evidence.cited_events),
      `time travel gave ${answer.evidence.proofs.length} proofs for ${answer.evidence.cited_events} cited events`,
    );
    rows.push({
      what:
        `time travel over ${fmt(m)} events (${fmt(answer.identities.length)} identities answer, ${answer.evidence.proofs.length} ` +
        'proofs)',
      store: 'sqlite',
      figure: `${(asofMs / 1000).toFixed(2)} s`,
      target: '≤ 2 s',
      pass: asofMs <= 2000,
    });
    await real.close();
  }

  console.log(
    `\nbench:ledger — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, scale ${SCALE}` +
      `${SMALL ? ' (--small: answers checked, targets only reported)' : ''}\n`,
  );
  console.log('| measurement | store | figure | target | |\n| --- | --- | --- | --- | --- |');
  for (const r of rows)
    console.log(`| ${r.what} | ${r.store} | ${r.figure} | ${r.target} | ${r.pass === null ? '' : r.pass ? 'pass' : 'MISS'} |`);
}

runBench('bench:ledger', () => main().finally(() => rmSync(dir, { recursive: true, force: true })));
