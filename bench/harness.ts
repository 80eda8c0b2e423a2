// What every bench shares: the --small switch (CI runs each bench at a small scale, so none can
// rot), check() for the answers a bench verifies, nearest-rank percentiles, PostgreSQL databases
// of the bench's own, child processes of the bench's own file, and peak-memory sampling.
import type { Role } from '../src/core/roles.js';
import { openDatabase } from '../src/store/open.js';
import { usersService } from '../src/users/service.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { Database } from '../src/store/db.js';

const MB = 1024 * 1024;
const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * `--small` (or BENCH_SCALE=small): the same code paths at a scale that runs in seconds, every
 * answer still checked; timing targets are reported, never enforced, at that scale.
 */
export const SMALL = process.argv.includes('--small') || process.env.BENCH_SCALE === 'small';

/** A bench's own answer was wrong (a count, a decision, something that should have happened). */
export class CheckFailed extends Error {
  override name = 'CheckFailed';
}

/** Throws when `cond` is false: finally blocks (servers, databases) still run, and runBench exits 1. */
export function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new CheckFailed(what);
}

/**
 * Runs a bench's entry point. A failed check or any error prints one clear message and exits 1
 * (exit, not exitCode: a server connection left open must not keep a failed CI run waiting); a
 * number returned is the exit code.
 */
export function runBench(name: string, main: () => Promise<number | undefined> | Promise<void>): void {
  main().then(
    (code) => {
      if (typeof code === 'number' && code !== 0) process.exitCode = code;
    },
    (err: unknown) => {
      const text =
        err instanceof CheckFailed ? `check failed: ${err.message}` : err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stderr.write(`[${name}] ${text}\n`);
      process.exit(1);
    },
  );
}

// ---- statistics ---------------------------------------------------------------------------------

/** Nearest-rank quantile of an ascending-sorted array (q in [0, 1]); NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(xs: readonly number[]): number {
  return quantile(Float64Array.from(xs).sort(), 0.5);
}

// ---- PostgreSQL ---------------------------------------------------------------------------------

export const PG_ADMIN = process.env.MANDATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function withPgAdmin<T>(fn: (c: pg.Client) => Promise<T>, adminUrl = PG_ADMIN): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** Drops it (WITH FORCE: a server still connected does not keep it); once only, and never throws, so it belongs in finally blocks. */
  drop(): Promise<void>;
}

/** A new database of this bench's own, mandate_bench_<bench>_<random>, on the admin URL's server. */
export async function createPgDatabase(bench: string, adminUrl = PG_ADMIN): Promise<BenchDatabase> {
  const name = `mandate_bench_${bench}_${randomBytes(4).toString('hex')}`;
  await withPgAdmin((c) => c.query(`CREATE DATABASE ${name}`), adminUrl);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: u.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withPgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`), adminUrl).catch((err: unknown) =>
        process.stderr.write(`[bench] could not drop database ${name}: ${String(err)}\n`),
      );
    },
  };
}

/**
 * A fresh, migrated store of this bench's own: SQLite in a temp folder, or a new PostgreSQL
 * database (createPgDatabase). cleanup() closes it and removes it, and never throws.
 */
export async function openBenchStore(
  store: 'sqlite' | 'postgres',
  bench: string,
): Promise<{ db: Database; url: string; cleanup(): Promise<void> }> {
  const { openDatabase } = await import('../src/store/open.js');
  const { migrate } = await import('../src/store/migrations.js');
  let url: string;
  let remove: () => Promise<void>;
  if (store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `mandate-bench-${bench}-`));
    url = `sqlite:${join(dir, 'bench.db')}`;
    remove = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const created = await createPgDatabase(bench);
    url = created.url;
    remove = created.drop;
  }
  let db: Database | undefined;
  const cleanup = async () => {
    await db?.close().catch(() => undefined);
    await remove();
  };
  try {
    db = await openDatabase(url);
    await migrate(db);
    return { db, url, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

// ---- child processes ----------------------------------------------------------------------------

/**
 * Runs `file` in a child process with this process's loader (tsx) and the given extra Node flags,
 * output inherited; resolves to its exit code. Benches measure a store or a phase in a process of
 * its own, so one's memory does not pollute another's.
 */
export function runChild(file: string, args: string[], nodeFlags: string[] = []): Promise<number> {
  const execArgv = [...process.execArgv];
  if (!execArgv.some((a) => a.includes('tsx'))) execArgv.push('--import', 'tsx');
  for (const f of nodeFlags) if (!execArgv.includes(f)) execArgv.push(f);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, file, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/**
 * The parent's side of a child that writes its result as JSON to `out`: the result, marked with
 * an error when the child exited non-zero; `fallback` with the error when it wrote nothing.
 */
export function readChildResult<T extends { error?: string }>(out: string, code: number, fallback: T): T {
  try {
    const r = JSON.parse(readFileSync(out, 'utf8')) as T;
    if (code !== 0 && !r.error) r.error = `child exited with code ${code}`;
    return r;
  } catch {
    return { ...fallback, error: `child exited with code ${code} and wrote no result` };
  }
}

/**
 * The child's side: runs `fn` and writes its result to `out`, or, when it throws, `fallback` with
 * the error (the stack goes to stderr); exit code 1 for either kind of failure.
 */
export async function writeChildResult<T extends { error?: string }>(out: string, fallback: T, fn: () => Promise<T>): Promise<void> {
  try {
    const r = await fn();
    writeFileSync(out, JSON.stringify(r));
    if (r.error) process.exitCode = 1;
  } catch (err) {
    process.stderr.write(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    writeFileSync(out, JSON.stringify({ ...fallback, error: err instanceof Error ? err.message : String(err) }));
    process.exitCode = 1;
  }
}

/** The machine a run was measured on, for its report. */
export function machine() {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemGb: r1(totalmem() / 1024 ** 3),
    platform: `${platform()} ${release()}`,
  };
}

// ---- memory -------------------------------------------------------------------------------------

/** Two full collections when the process runs with --expose-gc, so a phase starts from a clean heap. */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/**
 * Peak process RSS, sampled every `intervalMs` from a worker thread: better-sqlite3 is
 * synchronous, so a timer on the main thread would not fire while a statement runs and would miss
 * exactly the peak. RSS is per process, so the worker sees the main thread's memory. heapUsed is
 * per isolate: only the main thread can read it, whenever the event loop lets it.
 */
export class RssSampler {
  private readonly shared = new BigInt64Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;
  private heapPeak = 0;
  private readonly heapTimer: NodeJS.Timeout | undefined;

  /** `heap`: also sample heapUsed on the main thread (a timer of its own, off by default: it costs the measured code a little). */
  constructor(intervalMs = 10, opts: { heap?: boolean } = {}) {
    this.worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const max = workerData.max;
       const tick = () => { const rss = BigInt(process.memoryUsage.rss()); if (rss > Atomics.load(max, 0)) Atomics.store(max, 0, rss); };
       tick();
       setInterval(tick, workerData.intervalMs);`,
      { eval: true, workerData: { max: this.shared, intervalMs } },
    );
    this.worker.unref();
    if (opts.heap) {
      this.heapTimer = setInterval(() => (this.heapPeak = Math.max(this.heapPeak, process.memoryUsage().heapUsed)), intervalMs);
      this.heapTimer.unref();
    }
  }

  reset(): void {
    Atomics.store(this.shared, 0, BigInt(process.memoryUsage.rss()));
    if (this.heapTimer) this.heapPeak = process.memoryUsage().heapUsed;
  }

  /**
   * The peaks since reset(), in MB (one decimal; heapMb only with `heap`); a last sample of our own, in case the phase ended between two of
   * the worker's.
   */
  peak(): { rssMb: number; heapMb: number } {
    const now = process.memoryUsage();
    const max = Number(Atomics.load(this.shared, 0));
    return { rssMb: r1(Math.max(now.rss, max) / MB), heapMb: r1(Math.max(this.heapPeak, now.heapUsed) / MB) };
  }

  async stop(): Promise<void> {
    clearInterval(this.heapTimer);
    await this.worker.terminate();
  }
}

/** One request a probe repeats: its name in the results, and what fetch sends. */
export interface ProbeRequest {
  name: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Latency of requests to a server while something runs in it (a cascade, an import): a worker
 * thread, whose event loop is its own, sends each request in turn (one in flight, `gapMs` apart)
 * and times it; a server whose event loop is held answers late, and the probe sees it. Every
 * answer must be 2xx (counted as failures otherwise).
 */
export class LatencyProbe {
  private readonly worker: Worker;
  private readonly done: Promise<{ ms: Record<string, number[]>; failures: string[] }>;

  constructor(requests: readonly ProbeRequest[], gapMs = 5) {
    this.worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const { performance } = require('node:perf_hooks');
       const ms = Object.fromEntries(workerData.requests.map((r) => [r.name, []]));
       const failures = [];
       let stop = false;
       parentPort.on('message', () => (stop = true));
       (async () => {
         while (!stop) {
           for (const r of workerData.requests) {
             const t0 = performance.now();
             try {
               const res = await fetch(r.url, { method: r.method ?? 'GET', headers: r.headers, body: r.body });
               await res.arrayBuffer();
               if (!res.ok) failures.push(r.name + ' answered ' + res.status);
             } catch (err) {
               failures.push(r.name + ': ' + err.message);
             }
             ms[r.name].push(performance.now() - t0);
           }
           await new Promise((res) => setTimeout(res, workerData.gapMs));
         }
         parentPort.postMessage({ ms, failures });
       })();`,
      { eval: true, workerData: { requests, gapMs } },
    );
    this.done = new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
    });
  }

  /** Stops after the request in flight; answers each request's latencies (ms, in the order sent) and the failures. */
  async stop(): Promise<{ ms: Record<string, number[]>; failures: string[] }> {
    this.worker.postMessage('stop');
    const out = await this.done;
    await this.worker.terminate();
    return out;
  }
}

/**
 * People's API tokens, made in the store by the users service: what a person signed in through the
 * identity provider makes for themselves (POST /v1/users/{own id}/tokens refuses an admin minting
 * one for someone else). Benchmarks measure Mandate, not a sign-in, so they seat their people here.
 */
export async function personTokens(dbUrl: string, people: readonly (readonly [id: string, role: Role])[]): Promise<Record<string, string>> {
  const db = await openDatabase(dbUrl);
  try {
    const users = usersService({ db, clock: () => new Date() });
    const out: Record<string, string> = {};
    for (const [id, role] of people) {
      if (!(await users.getUser(id))) await users.createUser('bench', { id, name: id, roles: [role] });
      out[id] = (await users.createToken('bench', id, { label: 'bench' })).token;
    }
    return out;
  } finally {
    await db.close();
  }
}

// ---- single sign-on -----------------------------------------------------------------------------

type Inject = (o: { method: 'GET'; url: string; headers?: Record<string, string> }) => Promise<{
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
}>;

/** The cookies an answer sets (name → value). */
function setCookies(headers: Record<string, unknown> | Headers): Record<string, string> {
  const lines = headers instanceof Headers ? headers.getSetCookie() : ([headers['set-cookie'] ?? []].flat() as string[]);
  const out: Record<string, string> = {};
  for (const line of lines) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Signs a person in to an app (app.inject) at its DEMO identity provider (src/demo/oidc-provider.ts,
 * reached with fetch), as a browser does: GET /v1/signin, the provider's login form (with the
 * one-time code when `mfa`), the callback. Answers the session's secret and CSRF token (the cookies
 * the console gets; the secret is also what the CLI sends as Bearer). Benches import nothing from
 * test/: this is their own copy of the browser's part.
 */
export async function demoSignIn(inject: Inject, login: string, opts: { mfa?: boolean } = {}): Promise<{ secret: string; csrf: string }> {
  const { DEMO_OTP, DEMO_PASSWORD } = await import('../src/demo/oidc-provider.js');
  const begin = await inject({ method: 'GET', url: '/v1/signin' });
  check(begin.statusCode === 302, `sign-in did not start: ${begin.statusCode} ${begin.body}`);
  const binding = setCookies(begin.headers).mandate_signin;
  let next = String(begin.headers.location);
  const provider = new URL(next).origin;
  const jar = new Map<string, string>();
  let form: URLSearchParams | undefined;
  for (let hops = 0; hops < 20; hops++) {
    const res = await fetch(next, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: form.toString() } : {}),
    });
    for (const [k, v] of Object.entries(setCookies(res.headers))) v ? jar.set(k, v) : jar.delete(k);
    form = undefined;
    const location = res.headers.get('location');
    if (location) {
      const to = new URL(location, next);
      if (to.origin !== provider) {
        const back = await inject({ method: 'GET', url: `${to.pathname}${to.search}`, headers: { cookie: `mandate_signin=${binding}` } });
        check(back.statusCode === 302, `sign-in refused: ${back.statusCode} ${back.body}`);
        const c = setCookies(back.headers);
        check(c.mandate_session?.startsWith('mds_') && c.mandate_csrf, 'the callback set no session cookies');
        return { secret: c.mandate_session!, csrf: c.mandate_csrf! };
      }
      next = to.href;
      continue;
    }
    const action = /<form method="post" action="(\/interaction\/[^"]+\/login)"/.exec(await res.text())?.[1];
    check(res.status === 200 && action, `the provider answered ${res.status} at ${new URL(next).pathname}`);
    next = new URL(action, next).href;
    form = new URLSearchParams({ login, password: DEMO_PASSWORD, otp: opts.mfa ? DEMO_OTP : '' });
  }
  throw new CheckFailed('too many redirects at the provider');
}
