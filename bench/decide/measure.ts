// How a mode is measured, in the engine's child process.
//
// In-process (sync and async), in this order:
//   1. warm-up: from request 0, until all are done or WARMUP_MS has passed (JIT, caches);
//   2. decision + latency pass over every request, each call timed with process.hrtime.bigint():
//      the decisions checked against expected(), and p50/p99;
//   3. throughput: PASSES tight loops (no per-call timing), median reported. Each pass covers all
//      requests, or for a slow engine the first K, K = PASS_BUDGET_MS / mean latency, so the
//      run stays within minutes; the table says so when K < all.
// The decisions come first so that an engine that crashes later still leaves them.
//
// HTTP: a warm-up of HTTP_WARMUP decisions, then one run over every request (http-load.ts);
// a sequential run (concurrency 1) stops after HTTP_SEQUENTIAL_MS and covers the requests it
// reached — its point is latency, and the concurrent run of the same engine covers them all.
import { ALLOW, DENY, ERROR, NOT_RUN, type AsyncMode, type HttpMode, type Mode, type SyncMode } from './engine.js';
import { httpLoad } from './http-load.js';
import { median, quantile, SMALL } from '../harness.js';

/** The budgets, exported so the report states the ones in force; --small (parent and child alike) shrinks them to seconds in all. */
export const BUDGETS = SMALL
  ? ({ WARMUP_MS: 200, PASS_BUDGET_MS: 300, PASSES: 1, HTTP_WARMUP: 200, HTTP_SEQUENTIAL_MS: 1_500 } as const)
  : ({ WARMUP_MS: 2_000, PASS_BUDGET_MS: 4_000, PASSES: 3, HTTP_WARMUP: 2_000, HTTP_SEQUENTIAL_MS: 20_000 } as const);
const { WARMUP_MS, PASS_BUDGET_MS, PASSES, HTTP_WARMUP, HTTP_SEQUENTIAL_MS } = BUDGETS;
/** Progress marks: every 1,000 calls where calls are timed one by one, every 5,000 in tight loops. */
const PROGRESS_EVERY = 1_000;
const PROGRESS_EVERY_LOOP = 5_000;

export interface ModeResult {
  mode: string;
  /** 'decisions': checkpoint after the decision pass (throughput not measured yet). */
  phase: 'decisions' | 'complete';
  kind: Mode['kind'];
  concurrency?: number;
  batch?: number;
  /** Decisions per second (median of the throughput passes in-process; the one run over HTTP). */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Decisions per throughput pass (== requests unless the engine is slow), and each pass's rate. */
  throughputPass?: { size: number; perSecond: number[]; unstablePasses?: number };
  warmup: { calls: number; ms: number };
  errors: number;
  firstError?: string;
  /** Requests this mode decided: 0..covered-1 (all, except a time-capped sequential HTTP run). */
  covered: number;
  /** Per request: 0 deny, 1 allow, 2 error, 3 not run. Base64 in the result file. */
  decisions: Uint8Array;
}

/** Phase name and calls done in it; written synchronously so it survives a crash. */
export type Progress = (phase: string, done: number) => void;

/** Receives the decisions as soon as they are known, so the parent has them if the engine dies later. */
export type Checkpoint = (partial: ModeResult) => void;

export async function measureMode(mode: Mode, count: number, progress: Progress, checkpoint: Checkpoint = () => {}): Promise<ModeResult> {
  if (mode.kind === 'http') return measureHttp(mode, count, progress);
  return mode.kind === 'sync' ? measureSync(mode, count, progress, checkpoint) : measureAsync(mode, count, progress, checkpoint);
}

const nowNs = () => process.hrtime.bigint();
const msSince = (t0: bigint) => Number(nowNs() - t0) / 1e6;

function measureSync(mode: SyncMode, count: number, progress: Progress, checkpoint: Checkpoint): ModeResult {
  const decide = mode.decide;
  // 1. Warm-up, in chunks so the clock is read rarely.
  let warm = 0;
  const tw = nowNs();
  while (warm < count && msSince(tw) < WARMUP_MS) {
    const end = Math.min(count, warm + 1000);
    for (; warm < end; warm++) {
      try {
        decide(warm);
      } catch {
        /* counted in the decision pass */
      }
    }
    progress('warmup', warm);
  }
  const warmMs = msSince(tw);

  // 2. Decisions and per-call latency.
  const out = new Uint8Array(count).fill(NOT_RUN);
  const lat = new Float64Array(count);
  let errors = 0;
  let firstError: string | undefined;
  for (let i = 0; i < count; i++) {
    const t0 = nowNs();
    try {
      out[i] = decide(i) ? ALLOW : DENY;
    } catch (err) {
      out[i] = ERROR;
      errors++;
      firstError ??= err instanceof Error ? err.message : String(err);
    }
    lat[i] = Number(nowNs() - t0);
    if ((i + 1) % PROGRESS_EVERY === 0) progress('decisions', i + 1);
  }
  const meanNs = lat.reduce((s, x) => s + x, 0) / count;
  lat.sort();
  const latency = { p50Ms: quantile(lat, 0.5) / 1e6, p99Ms: quantile(lat, 0.99) / 1e6 };
  const warmup = { calls: warm, ms: warmMs };
  const failures = { errors, ...(firstError ? { firstError } : {}) };
  checkpoint({
    mode: mode.mode,
    phase: 'decisions',
    kind: mode.kind,
    perSecond: Number.NaN,
    ...latency,
    warmup,
    ...failures,
    covered: count,
    decisions: out,
  });

  // 3. Throughput passes: a tight loop over the first `size` requests.
  const size = Math.min(count, Math.max(1000, Math.floor((PASS_BUDGET_MS * 1e6) / meanNs)));
  const rates: number[] = [];
  // The allow count keeps the loop's results live and shows an engine that answers differently
  // from one pass to the next.
  let expectedAllows = 0;
  for (let i = 0; i < size; i++) if (out[i] === ALLOW) expectedAllows++;
  let unstable = 0;
  for (let p = 0; p < PASSES; p++) {
    let allows = 0;
    const t0 = nowNs();
    for (let start = 0; start < size; start += PROGRESS_EVERY_LOOP) {
      const end = Math.min(size, start + PROGRESS_EVERY_LOOP);
      for (let i = start; i < end; i++) {
        try {
          if (decide(i)) allows++;
        } catch {
          /* counted in the decision pass */
        }
      }
      progress(`throughput ${p + 1}`, end);
    }
    const ms = msSince(t0);
    rates.push(size / (ms / 1000));
    if (allows !== expectedAllows) unstable++;
  }
  return {
    mode: mode.mode,
    phase: 'complete',
    kind: 'sync',
    perSecond: median(rates),
    ...latency,
    throughputPass: { size, perSecond: rates, ...(unstable ? { unstablePasses: unstable } : {}) },
    warmup,
    ...failures,
    covered: count,
    decisions: out,
  };
}

async function measureAsync(mode: AsyncMode, count: number, progress: Progress, checkpoint: Checkpoint): Promise<ModeResult> {
  const decide = mode.decide;
  let warm = 0;
  const tw = nowNs();
  while (warm < count && msSince(tw) < WARMUP_MS) {
    const end = Math.min(count, warm + 1000);
    for (; warm < end; warm++) {
      try {
        await decide(warm);
      } catch {
        /* counted in the decision pass */
      }
    }
    progress('warmup', warm);
  }
  const warmMs = msSince(tw);

  const out = new Uint8Array(count).fill(NOT_RUN);
  const lat = new Float64Array(count);
  let errors = 0;
  let firstError: string | undefined;
  for (let i = 0; i < count; i++) {
    const t0 = nowNs();
    try {
      out[i] = (await decide(i)) ? ALLOW : DENY;
    } catch (err) {
      out[i] = ERROR;
      errors++;
      firstError ??= err instanceof Error ? err.message : String(err);
    }
    lat[i] = Number(nowNs() - t0);
    if ((i + 1) % PROGRESS_EVERY === 0) progress('decisions', i + 1);
  }
  const meanNs = lat.reduce((s, x) => s + x, 0) / count;
  lat.sort();
  const latency = { p50Ms: quantile(lat, 0.5) / 1e6, p99Ms: quantile(lat, 0.99) / 1e6 };
  const warmup = { calls: warm, ms: warmMs };
  const failures = { errors, ...(firstError ? { firstError } : {}) };
  checkpoint({
    mode: mode.mode,
    phase: 'decisions',
    kind: mode.kind,
    perSecond: Number.NaN,
    ...latency,
    warmup,
    ...failures,
    covered: count,
    decisions: out,
  });

  const size = Math.min(count, Math.max(1000, Math.floor((PASS_BUDGET_MS * 1e6) / meanNs)));
  const rates: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    const t0 = nowNs();
    for (let start = 0; start < size; start += PROGRESS_EVERY_LOOP) {
      const end = Math.min(size, start + PROGRESS_EVERY_LOOP);
      for (let i = start; i < end; i++) {
        try {
          await decide(i);
        } catch {
          /* counted in the decision pass */
        }
      }
      progress(`throughput ${p + 1}`, end);
    }
    rates.push(size / (msSince(t0) / 1000));
  }
  return {
    mode: mode.mode,
    phase: 'complete',
    kind: 'async',
    perSecond: median(rates),
    ...latency,
    throughputPass: { size, perSecond: rates },
    warmup,
    ...failures,
    covered: count,
    decisions: out,
  };
}

async function measureHttp(mode: HttpMode, count: number, progress: Progress): Promise<ModeResult> {
  const warmup = Math.min(count, HTTP_WARMUP);
  const tw = nowNs();
  const r = await httpLoad({
    url: mode.url,
    count,
    concurrency: mode.concurrency,
    body: mode.body,
    decisions: mode.decisions,
    ...(mode.batch ? { batch: mode.batch } : {}),
    ...(mode.headers ? { headers: mode.headers } : {}),
    warmup,
    onProgress: (done) => progress('decisions', done),
    ...(mode.concurrency === 1 ? { maxMs: HTTP_SEQUENTIAL_MS } : {}),
  });
  return {
    mode: mode.mode,
    phase: 'complete',
    kind: 'http',
    concurrency: mode.concurrency,
    batch: mode.batch ?? 1,
    perSecond: r.perSecond,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    // The warm-up time is not separated from body building in httpLoad; reported as a whole.
    warmup: { calls: warmup, ms: msSince(tw) - r.ms },
    errors: r.errors,
    ...(r.firstError ? { firstError: r.firstError } : {}),
    covered: r.covered,
    decisions: r.decisions,
  };
}
