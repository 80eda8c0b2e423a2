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
// Session checks (issue 18: a signed-in session adds ≤ 0.2 ms to an authenticated request): per
// store, a second app on the same store signs in through the DEMO identity provider (started here,
// loopback), and the same reads (GET /v1/me, a 10-row identities page) are timed side by side, in
// turn, with the person's own API token (Bearer mdt_…), their session as the CLI sends it (Bearer
// mds_…) and as the console does (cookie): p50/p99 each and the session's difference to the token.
// BENCH_SESSION_RUNS (default 3000; --small 200) timed requests a read and credential, after a tenth
// as many untimed. Checked: every answer 200 and the right person; signed out, the session is refused.
//
// Every run checks the answers: a full first page where there are rows to fill it, the one
// identity a rare term matches, a total that counts every identity.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { DEFAULT_OIDC_SCOPES } from '../src/config.js';
import type { Database } from '../src/store/db.js';
import { check, demoSignIn, openBenchStore, quantile, runBench, SMALL } from './harness.js';
import { generateFirm, identityId } from './evidence/firm.js';

const env = process.env;
const STORES = env.BENCH_STORE === 'sqlite' ? ['sqlite'] : env.BENCH_STORE === 'postgres' ? ['postgres'] : ['sqlite', 'postgres'];
// Small: enough identities for the 50 pages the deep-page queries walk.
const IDENTITIES = Number(env.BENCH_IDENTITIES ?? (SMALL ? 3_000 : 100_000));
const RUNS = Number(env.BENCH_RUNS ?? (SMALL ? 5 : 50));
const WARMUP = Number(env.BENCH_WARMUP ?? (SMALL ? 1 : 5));
const TARGET_P95_MS = 100;
const SESSION_RUNS = Number(env.BENCH_SESSION_RUNS ?? (SMALL ? 200 : 3000));
const TARGET_SESSION_MS = 0.2;
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
  sessions: SessionRead[];
}
/** One read timed with each credential: p50/p99 ms, and each session's difference to the API token. */
interface SessionRead {
  read: string;
  figures: { credential: string; p50: number; p99: number; mean: number }[];
  /** Session minus API token, per session credential. */
  added: { credential: string; p50: number; p99: number; mean: number }[];
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
    if (db.dialect === 'sqlite') return { store: store.name, seedMs, passes: [await measure('seeded')], sessions: await sessionChecks(db) };
    // PostgreSQL twice: right after the import (ANALYZE run, as the importer does), and once
    // vacuumed, as autovacuum leaves a table soon after a bulk insert: only then can the planner
    // answer counts from an index alone (the visibility map is set).
    const analysed = await measure('after ANALYZE');
    await db.run('VACUUM ANALYZE');
    return { store: store.name, seedMs, passes: [analysed, await measure('after VACUUM')], sessions: await sessionChecks(db) };
  } finally {
    await app.close();
    await store.cleanup();
  }
}

/**
 * The same reads with an API token and with a signed-in session, side by side (in turn, request by
 * request, so drift hits each alike), on an app with single sign-on against the DEMO provider.
 */
async function sessionChecks(db: Database): Promise<SessionRead[]> {
  const { DEMO_ROLE_MAP, startDemoProvider } = await import('../src/demo/oidc-provider.js');
  // app.inject: nothing listens there; loopback, so the cookies are not Secure.
  const publicUrl = 'http://127.0.0.1:8080';
  const clientSecret = randomBytes(16).toString('hex');
  const demo = await startDemoProvider({
    clients: [{ client_id: 'mandate-bench', client_secret: clientSecret, redirect_uris: [`${publicUrl}/v1/signin/callback`] }],
  });
  const limits = { idleMinutes: 30, maxHours: 12, stepUp: { maxAgeMinutes: 10 } };
  const config = {
    issuer: demo.issuer,
    clientId: 'mandate-bench',
    clientSecret,
    scope: DEFAULT_OIDC_SCOPES,
    groupsClaim: 'groups',
    ...limits,
  };
  const app = await buildApp({ db, logger: false, publicUrl, signin: { publicUrl, config: { ...config, roleMap: DEMO_ROLE_MAP } } });
  try {
    const session = await demoSignIn((o) => app.inject(o), 'ada');
    const token = (await app.services.users.createToken('bench', 'ada', { label: 'bench: session checks' })).token;
    const credentials: [string, Record<string, string>][] = [
      ['API token (Bearer mdt_…)', { authorization: `Bearer ${token}` }],
      ['session (Bearer mds_…)', { authorization: `Bearer ${session.secret}` }],
      ['session (cookie)', { cookie: `mandate_session=${session.secret}; mandate_csrf=${session.csrf}` }],
    ];
    const get = async (url: string, headers: Record<string, string>) => {
      const res = await app.inject({ method: 'GET', url, headers });
      check(res.statusCode === 200, `${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      return res;
    };
    const out: SessionRead[] = [];
    for (const read of ['/v1/me', '/v1/identities?limit=10']) {
      for (const [, headers] of credentials) {
        const body = JSON.parse((await get(read, headers)).body) as { user?: string; items?: unknown[] };
        check(read !== '/v1/me' || body.user === 'ada', `${read}: answered for ${body.user}, not ada`);
        check(read === '/v1/me' || body.items?.length === 10, `${read}: ${body.items?.length} rows, expected 10`);
      }
      const times = credentials.map(() => [] as number[]);
      for (let i = -Math.ceil(SESSION_RUNS / 10); i < SESSION_RUNS; i++)
        for (const [n, [, headers]] of credentials.entries()) {
          const s = performance.now();
          await get(read, headers);
          if (i >= 0) times[n]!.push(performance.now() - s);
        }
      const figures = credentials.map(([credential], n) => {
        const sorted = times[n]!.sort((a, b) => a - b);
        const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
        return { credential, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), mean };
      });
      const base = figures[0]!;
      const added = figures
        .slice(1)
        .map((f) => ({ credential: f.credential, p50: f.p50 - base.p50, p99: f.p99 - base.p99, mean: f.mean - base.mean }));
      for (const f of figures) log(`session checks: ${read} with ${f.credential}: p50 ${f.p50.toFixed(3)} / p99 ${f.p99.toFixed(3)} ms`);
      out.push({ read, figures, added });
    }
    // The cached check must not outlive the session: signed out, it is refused at once.
    const signout = await app.inject({ method: 'POST', url: '/v1/signout', headers: { authorization: `Bearer ${session.secret}` } });
    check(signout.statusCode === 200, `sign-out: ${signout.statusCode} ${signout.body}`);
    const after = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${session.secret}` } });
    check(after.statusCode === 401, `a signed-out session was answered ${after.statusCode}`);
    return out;
  } finally {
    await app.close();
    await demo.close();
  }
}

function sessionTable(run: StoreRun): string {
  const lines = [
    `${run.store === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, session checks (${SESSION_RUNS} requests each, in turn):`,
    '',
    `| read | credential | p50 ms | p99 ms | added to the API token's p50 / p99 / mean ms | ≤ ${TARGET_SESSION_MS} ms |`,
    '| --- | --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of run.sessions)
    for (const f of r.figures) {
      const a = r.added.find((x) => x.credential === f.credential);
      const added = a ? `${a.p50.toFixed(3)} / ${a.p99.toFixed(3)} / ${a.mean.toFixed(3)}` : '—';
      const verdict = a ? (a.p50 <= TARGET_SESSION_MS ? 'met' : 'MISS') : '';
      lines.push(`| ${r.read} | ${f.credential} | ${f.p50.toFixed(3)} | ${f.p99.toFixed(3)} | ${added} | ${verdict} |`);
    }
  return lines.join('\n');
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
    /** 1-minute load average at the start and the end: other work on the machine shows in the tails. */
    load: { start: Math.round(loadavg()[0]! * 100) / 100, end: 0 },
  };
  log(
    `${IDENTITIES} identities; stores ${STORES.join(', ')}; ${WARMUP} warm-up + ${RUNS} timed runs a query; ${machine.cpus} × ` +
      `${machine.cpuModel}${SMALL ? ' (--small: answers checked, the target only reported)' : ''}`,
  );
  const runs: StoreRun[] = [];
  for (const store of ['sqlite', 'postgres'] as const) if (STORES.includes(store)) runs.push(await runStore(store));
  machine.load.end = Math.round(loadavg()[0]! * 100) / 100;
  log(`1-minute load average: ${machine.load.start} at the start, ${machine.load.end} at the end`);
  mkdirSync(fileURLToPath(new URL('./out/', import.meta.url)), { recursive: true });
  const report = { at: new Date().toISOString(), identities: IDENTITIES, runs: RUNS, warmup: WARMUP, machine, results: runs };
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${runs.map((r) => `${table(r)}\n\n${sessionTable(r)}`).join('\n\n')}\n`);
  const missed = runs.flatMap((r) =>
    r.passes.flatMap((p) => p.figures.filter((f) => f.p95 > TARGET_P95_MS).map((f) => `${r.store} (${p.label}): ${f.name}`)),
  );
  if (missed.length) log(`p95 over ${TARGET_P95_MS} ms: ${missed.join('; ')}`);
  const slow = runs.flatMap((r) =>
    r.sessions.flatMap((s) => s.added.filter((a) => a.p50 > TARGET_SESSION_MS).map((a) => `${r.store}: ${s.read} with ${a.credential}`)),
  );
  if (slow.length) log(`a session adds more than ${TARGET_SESSION_MS} ms (p50): ${slow.join('; ')}`);
}

runBench('bench:inventory', main);
