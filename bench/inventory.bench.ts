// bench:inventory — the console's identity queries at 100,000 identities, through the HTTP API
// (app.inject: routing, authentication, validation, the store and serialisation; no socket).
// Target: every query p95 ≤ 100 ms.
//
// Per store (a temp SQLite file, or a fresh PostgreSQL database dropped after): the synthetic firm
// of bench:evidence (bench/evidence/firm.ts: 3 entities, 200 people, 20 vendors, N identities with
// 1–3 scopes each) imported through the importer, then 300 status changes (so updated_at and
// statuses vary), then each query BENCH_WARMUP times untimed and BENCH_RUNS times timed; on
// PostgreSQL once after ANALYZE and again after VACUUM.
//
//   npm run bench:inventory
//   BENCH_STORE=sqlite|postgres|both (default both)   BENCH_IDENTITIES=100000   BENCH_RUNS=50   BENCH_WARMUP=5
//   MANDATE_TEST_PG=postgres://… (the admin database PostgreSQL stores are created from)
//   npm run bench:inventory -- --small   (CI: 3,000 identities, 1 warm-up and 5 timed runs a query,
//   written to bench/out/inventory-small.json; the answers checked, the target only reported)
//
// Every run checks the answers: a full first page where there are rows to fill it, the one
// identity a rare term matches, a total that counts every identity.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { check, openBenchStore, quantile, runBench, SMALL } from './harness.js';
import { generateFirm, identityId } from './evidence/firm.js';

const env = process.env;
const STORES = env.BENCH_STORE === 'sqlite' ? ['sqlite'] : env.BENCH_STORE === 'postgres' ? ['postgres'] : ['sqlite', 'postgres'];
// Small: enough identities for the 50 pages the deep-page queries walk.
const IDENTITIES = Number(env.BENCH_IDENTITIES ?? (SMALL ? 3_000 : 100_000));
const RUNS = Number(env.BENCH_RUNS ?? (SMALL ? 5 : 50));
const WARMUP = Number(env.BENCH_WARMUP ?? (SMALL ? 1 : 5));
const TARGET_P95_MS = 100;
const OUT = fileURLToPath(new URL(SMALL ? './out/inventory-small.json' : './out/inventory.json', import.meta.url));

const log = (m: string) => process.stderr.write(`[bench:inventory] ${m}\n`);
const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1);

interface Case {
  name: string;
  url: string;
}
interface Figure {
  name: string;
  url: string;
  /** Rows on the page; -1 for an answer that is not a list. */
  rows: number;
  total?: number;
  p50: number;
  p95: number;
  max: number;
}
interface Pass {
  label: string;
  figures: Figure[];
}
interface StoreRun {
  store: string;
  seedMs: number;
  passes: Pass[];
}

/** The console's queries: pages, filters, searches, every sort both ways, counts, the summary. */
async function cases(call: (url: string) => Promise<{ items: { id: string }[]; next_cursor: string | null }>): Promise<Case[]> {
  const deep = async (query: string) => {
    let cursor: string | null = null;
    for (let page = 1; page < 50; page++) cursor = (await call(`/v1/identities?${query}${cursor ? `&cursor=${cursor}` : ''}`)).next_cursor;
    if (!cursor) throw new Error(`fewer than 50 pages: ${query}`);
    return `/v1/identities?${query}&cursor=${cursor}`;
  };
  // A term most identities hold (in the purpose), and one only one identity holds (its id), in
  // upper case: the search is case-insensitive, and a rare term reads every row to fill no page.
  const rare = identityId(Math.ceil(IDENTITIES * 0.54321)).toUpperCase();
  const list: Case[] = [
    { name: 'first page (default: sort id, 50 rows)', url: '/v1/identities' },
    { name: 'page 50 via cursors (sort id)', url: await deep('limit=50') },
    { name: 'page 50 via cursors (sort owner desc)', url: await deep('sort=owner&order=desc&limit=50') },
    { name: 'filter function + capability', url: '/v1/identities?function=custody&capability=execute' },
    { name: 'filter entity scope + status (common)', url: '/v1/identities?entity=ent-fr&status=active' },
    { name: 'filter entity scope + status (rare)', url: '/v1/identities?entity=ent-de&status=revoked' },
    {
      name: 'filter entity scope + status, sort updated_at desc',
      url: '/v1/identities?entity=ent-fr&status=active&sort=updated_at&order=desc',
    },
    { name: 'q common term ("custody")', url: '/v1/identities?q=custody' },
    { name: `q rare term ("${rare}", 1 match)`, url: `/v1/identities?q=${rare}` },
    { name: 'q common term + function filter, sort owner', url: '/v1/identities?q=settlement&function=settlement&sort=owner' },
  ];
  for (const sort of ['id', 'owner', 'status', 'kind', 'function', 'capability', 'environment', 'updated_at'])
    for (const order of ['asc', 'desc']) list.push({ name: `sort ${sort} ${order}`, url: `/v1/identities?sort=${sort}&order=${order}` });
  list.push(
    { name: 'count=true, no filter', url: '/v1/identities?count=true' },
    { name: 'count=true, function + capability', url: '/v1/identities?function=custody&capability=execute&count=true' },
    { name: 'count=true, entity scope + status', url: '/v1/identities?entity=ent-fr&status=active&count=true' },
    { name: 'count=true, entity scope alone', url: '/v1/identities?entity=ent-fr&count=true' },
    { name: 'count=true, q common term', url: '/v1/identities?q=custody&count=true' },
    { name: '/v1/inventory/summary', url: '/v1/inventory/summary' },
  );
  return list;
}

async function runStore(name: 'sqlite' | 'postgres'): Promise<StoreRun> {
  const store = { name, ...(await openBenchStore(name, 'inventory')) };
  const db = store.db;
  const app = await buildApp({ db, logger: false });
  try {
    const token = (await app.services.users.bootstrap(undefined))!;
    const t0 = performance.now();
    const firm = generateFirm(IDENTITIES);
    const text = JSON.stringify(firm.manifest);
    const imported = await app.services.importer.importManifest('user:bench', JSON.parse(text), { dryRun: false, digestOf: text });
    for (let n = 1; n <= 300; n++) {
      const id = identityId(Math.ceil((n * IDENTITIES) / 301));
      const current = await app.services.inventory.get('identity', id);
      if (current?.record.status === 'active')
        await app.services.inventory.changeStatus('user:bench', id, 'suspended', 'bench: a spread of updated_at');
    }
    await app.services.outbox.drain();
    if (db.dialect === 'postgres') await db.run('ANALYZE');
    const seedMs = performance.now() - t0;
    log(`${store.name}: seeded ${JSON.stringify(imported.counts)} + 300 status changes in ${(seedMs / 1000).toFixed(1)} s`);

    const inject = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res;
    };
    const measure = async (label: string): Promise<Pass> => {
      const figures: Figure[] = [];
      for (const c of await cases(async (url) => JSON.parse((await inject(url)).body))) {
        let body: { items?: unknown[]; total?: number } = {};
        for (let i = 0; i < WARMUP; i++) body = JSON.parse((await inject(c.url)).body);
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const s = performance.now();
          await inject(c.url);
          times.push(performance.now() - s);
        }
        times.sort((a, b) => a - b);
        verify(store.name, c, body);
        const f: Figure = {
          name: c.name,
          url: c.url,
          rows: body.items?.length ?? -1,
          p50: quantile(times, 0.5),
          p95: quantile(times, 0.95),
          max: times[times.length - 1]!,
        };
        if (body.total !== undefined) f.total = body.total;
        figures.push(f);
        log(
          `${store.name}, ${label}: ${c.name}: p50 ${ms(f.p50)} / p95 ${ms(f.p95)} / max ${ms(f.max)} ms (${f.rows} rows` +
            `${f.total !== undefined ? `, total ${f.total}` : ''})`,
        );
      }
      return { label, figures };
    };
    if (db.dialect === 'sqlite') return { store: store.name, seedMs, passes: [await measure('seeded')] };
    // PostgreSQL twice: right after the import (ANALYZE run, as the importer does), and once
    // vacuumed, as autovacuum leaves a table soon after a bulk insert: only then can the planner
    // answer counts from an index alone (the visibility map is set).
    const analysed = await measure('after ANALYZE');
    await db.run('VACUUM ANALYZE');
    return { store: store.name, seedMs, passes: [analysed, await measure('after VACUUM')] };
  } finally {
    await app.close();
    await store.cleanup();
  }
}

/** The answers the bench can know without a second implementation of the queries. */
function verify(store: string, c: Case, body: { items?: unknown[]; total?: number }): void {
  const where = `${store}: ${c.name} (${c.url})`;
  if (c.name.startsWith('q rare term'))
    check(body.items?.length === 1, `${where}: ${body.items?.length} rows, expected the one identity whose id it is`);
  else if (c.name === 'count=true, no filter') check(body.total === IDENTITIES, `${where}: total ${body.total}, expected ${IDENTITIES}`);
  else if (c.name.startsWith('first page') || c.name.startsWith('sort ') || c.name.startsWith('page 50'))
    check(body.items?.length === 50, `${where}: ${body.items?.length} rows, expected a full page of 50`);
  else if (c.url.startsWith('/v1/identities'))
    check(
      (body.items?.length ?? 0) > 0 && (body.total === undefined || (body.total > 0 && body.total <= IDENTITIES)),
      `${where}: ${body.items?.length} rows (total ${body.total}), expected some of the ${IDENTITIES}`,
    );
}

function table(run: StoreRun): string {
  const many = run.passes.length > 1;
  const lines = [
    `${run.store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (seeding ${(run.seedMs / 1000).toFixed(0)} s):`,
    '',
    `| query | rows (total) | ${run.passes.map((p) => `${many ? `${p.label}: ` : ''}p50 / p95 / max ms`).join(' | ')} | p95 ≤ 100 ms |`,
    `| --- | ---: | ${run.passes.map(() => '---:').join(' | ')} | --- |`,
  ];
  run.passes[0]!.figures.forEach((f, n) => {
    const missed = run.passes.filter((p) => p.figures[n]!.p95 > TARGET_P95_MS).map((p) => p.label);
    const verdict = missed.length === 0 ? 'met' : `MISS${many ? ` (${missed.join(', ')})` : ''}`;
    lines.push(
      `| ${f.name} | ${f.rows < 0 ? '—' : f.rows}${f.total !== undefined ? ` (${f.total.toLocaleString('en')})` : ''} | ${run.passes
        .map((p) => {
          const g = p.figures[n]!;
          return `${ms(g.p50)} / ${ms(g.p95)} / ${ms(g.max)}`;
        })
        .join(' | ')} | ${verdict} |`,
    );
  });
  return lines.join('\n');
}

async function main(): Promise<void> {
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemGb: Math.round(totalmem() / 1024 ** 3),
    platform: `${platform()} ${release()}`,
  };
  log(
    `${IDENTITIES} identities; stores ${STORES.join(', ')}; ${WARMUP} warm-up + ${RUNS} timed runs a query; ${machine.cpus} × ` +
      `${machine.cpuModel}${SMALL ? ' (--small: answers checked, the target only reported)' : ''}`,
  );
  const runs: StoreRun[] = [];
  for (const store of ['sqlite', 'postgres'] as const) if (STORES.includes(store)) runs.push(await runStore(store));
  mkdirSync(fileURLToPath(new URL('./out/', import.meta.url)), { recursive: true });
  const report = { at: new Date().toISOString(), identities: IDENTITIES, runs: RUNS, warmup: WARMUP, machine, results: runs };
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${runs.map(table).join('\n\n')}\n`);
  const missed = runs.flatMap((r) =>
    r.passes.flatMap((p) => p.figures.filter((f) => f.p95 > TARGET_P95_MS).map((f) => `${r.store} (${p.label}): ${f.name}`)),
  );
  if (missed.length) log(`p95 over ${TARGET_P95_MS} ms: ${missed.join('; ')}`);
}

runBench('bench:inventory', main);
