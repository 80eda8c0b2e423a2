// The SIEM stream: the ledger, as it is written, to each configured sink (syslog, OTLP), at least
// once. Each sink has a cursor in the store (siem_cursors: the last seq it acknowledged), advanced
// only after the sink acknowledged a batch, so a restart resumes where the last acknowledged batch
// ended: nothing is skipped, and what is sent twice is at most the batch in flight at a stop or a
// crash. The sinks run apart: one receiver down holds back only its own stream.
import { eventsAfter, type StoredEvent } from '../ledger/log.js';
import type { Database, Sql } from '../store/db.js';
import { SinkError, type SiemSink } from './sink.js';

export interface SiemLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What the streamer reports to metrics (src/http/metrics.ts siemMetrics). */
export interface SiemMetricsSink {
  sent(sink: string, events: number): void;
  failed(sink: string, kind: 'transient' | 'refused' | 'store'): void;
}

export interface SiemStreamerOptions {
  db: Database;
  sinks: readonly SiemSink[];
  log: SiemLog;
  clock?: () => Date;
  metrics?: SiemMetricsSink;
  /** Events a batch holds at most (default 500). */
  batchSize?: number;
  /** How often the ledger is read for other servers' writes when no commit here woke the stream (default 1 s). */
  pollMs?: number;
  /** Backoff after a failure: from minMs doubling to maxMs; a refusal (4xx) waits slowMs (defaults 500 ms, 30 s, 60 s). */
  backoff?: { minMs?: number; maxMs?: number; slowMs?: number };
}

export interface SiemStreamer {
  start(): Promise<void>;
  /**
   * Stops: the batches in flight get `graceMs` (default 2 s) to be acknowledged, then are cut off
   * (their cursors stay where they were: sent again after the restart). Closes the sinks.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
  /** Resolves once every sink has acknowledged the ledger as far as it was at the call; rejects after timeoutMs. */
  drain(timeoutMs?: number): Promise<void>;
  /** Each sink's cursor, as this process last knew it. */
  cursors(): Record<string, number>;
}

/** The cursor of a sink: the last seq it acknowledged (0: none yet; a new sink streams the whole ledger). */
export async function readCursor(db: Sql, sink: string, at: string): Promise<number> {
  await db.run('INSERT INTO siem_cursors (sink, seq, updated_at) VALUES (?, 0, ?) ON CONFLICT (sink) DO NOTHING', [sink, at]);
  const [row] = await db.all<{ seq: number | string }>('SELECT seq FROM siem_cursors WHERE sink = ?', [sink]);
  return Number(row?.seq ?? 0);
}

/** Moves a cursor forward, never back (a second streamer, before leader election, could be behind). */
export async function advanceCursor(db: Sql, sink: string, seq: number, at: string): Promise<void> {
  await db.run('UPDATE siem_cursors SET seq = ?, updated_at = ? WHERE sink = ? AND seq < ?', [seq, at, sink, seq]);
}

export function siemStreamer(opts: SiemStreamerOptions): SiemStreamer {
  const { db, sinks, log, metrics } = opts;
  const clock = opts.clock ?? (() => new Date());
  const batchSize = opts.batchSize ?? 500;
  const pollMs = opts.pollMs ?? 1000;
  const minMs = opts.backoff?.minMs ?? 500;
  const maxMs = opts.backoff?.maxMs ?? 30_000;
  const slowMs = opts.backoff?.slowMs ?? 60_000;

  let running = false;
  let unsubscribe: (() => void) | undefined;
  const cursor = new Map<string, number>();
  /** Sleepers woken by a commit (idle loops) or only by stop (backoffs). */
  const idle = new Set<() => void>();
  const backoffs = new Set<() => void>();
  /** drain() callers, told whenever a cursor moves. */
  const moved = new Set<() => void>();
  let loops: Promise<void>[] = [];
  let abort = new AbortController();

  const sleep = (ms: number, wakers: Set<() => void>) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(t);
        wakers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      wakers.add(wake);
    });
  const wakeAll = (wakers: Set<() => void>) => {
    for (const w of [...wakers]) w();
  };

  async function run(sink: SiemSink): Promise<void> {
    let failures = 0;
    const pause = async (err: unknown, kind: 'transient' | 'refused' | 'store') => {
      failures++;
      metrics?.failed(sink.name, kind);
      const e = err as SinkError;
      const wait =
        kind === 'refused' ? slowMs : (e instanceof SinkError && e.afterMs) || Math.min(maxMs, minMs * 2 ** Math.min(failures - 1, 16));
      // Jitter, so servers retrying the same receiver do not march in step.
      const ms = Math.round(wait * (0.8 + Math.random() * 0.4));
      const message = err instanceof Error ? err.message : String(err);
      const fields = { sink: sink.name, target: sink.target, failures, retry_ms: ms, cursor: cursor.get(sink.name) };
      if (kind === 'refused') log.error({ ...fields, error: message }, 'SIEM sink refused a batch; it is kept and tried again');
      else if (failures === 1 || failures % 10 === 0) log.warn({ ...fields, error: message }, 'SIEM sink not reachable; retrying');
      await sleep(ms, backoffs);
    };
    while (running && !cursor.has(sink.name)) {
      try {
        cursor.set(sink.name, await readCursor(db, sink.name, clock().toISOString()));
      } catch (err) {
        await pause(err, 'store');
      }
    }
    while (running) {
      const from = cursor.get(sink.name)!;
      let batch: StoredEvent[];
      try {
        batch = await eventsAfter(db, from, batchSize);
      } catch (err) {
        await pause(err, 'store');
        continue;
      }
      if (batch.length === 0) {
        await sleep(pollMs, idle);
        continue;
      }
      try {
        await sink.send(batch, abort.signal);
      } catch (err) {
        if (!running) break;
        await pause(err, err instanceof SinkError && err.retry === 'slow' ? 'refused' : 'transient');
        continue;
      }
      const last = batch.at(-1)!.seq;
      try {
        await advanceCursor(db, sink.name, last, clock().toISOString());
      } catch (err) {
        // Delivered but not recorded: sent again (at least once), never skipped.
        await pause(err, 'store');
        continue;
      }
      if (failures > 0) log.info({ sink: sink.name, target: sink.target, cursor: last }, 'SIEM sink delivering again');
      failures = 0;
      cursor.set(sink.name, last);
      metrics?.sent(sink.name, batch.length);
      wakeAll(moved);
    }
  }

  return {
    async start() {
      if (running) return;
      running = true;
      abort = new AbortController();
      // Read from the store again: another server may have streamed meanwhile (leadership moves).
      cursor.clear();
      // A commit here wakes the idle sinks at once; the poll finds other servers' writes.
      unsubscribe = db.onCommit(({ events }) => {
        if (events.length) wakeAll(idle);
      });
      loops = sinks.map((s) => run(s).catch((err) => log.error({ err, sink: s.name }, 'SIEM stream stopped on an error')));
      log.info({ sinks: sinks.map((s) => ({ name: s.name, target: s.target })) }, 'SIEM stream started');
    },
    async stop({ graceMs = 2000 } = {}) {
      if (!running) return;
      running = false;
      unsubscribe?.();
      wakeAll(idle);
      wakeAll(backoffs);
      const all = Promise.all(loops);
      let t: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise<void>((resolve) => (t = setTimeout(resolve, graceMs)))]);
      clearTimeout(t);
      abort.abort();
      await all;
      await Promise.all(sinks.map((s) => s.close().catch(() => undefined)));
      wakeAll(moved);
    },
    async drain(timeoutMs = 60_000) {
      const [row] = await db.all<{ n: number | string | null }>('SELECT MAX(seq) AS n FROM events');
      const head = Number(row?.n ?? 0);
      const deadline = Date.now() + timeoutMs;
      const behind = () => sinks.filter((s) => (cursor.get(s.name) ?? 0) < head);
      while (behind().length) {
        if (!running) throw new Error('the SIEM stream is stopped');
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(
            `the SIEM stream did not reach seq ${head} in ${timeoutMs} ms: ${behind()
              .map((s) => `${s.name} at ${cursor.get(s.name) ?? 0}`)
              .join(', ')}`,
          );
        await sleep(Math.min(left, 250), moved);
      }
    },
    cursors: () => Object.fromEntries(cursor),
  };
}
