// The HTTP load generator: the one client every HTTP engine is measured with (Cerbos, the Node
// floor, and Mandate's endpoint), so differences between them are the servers', not the clients'.
// node:http with a keep-alive Agent (maxSockets = concurrency): `concurrency` loops each send one
// request, await the whole response, and take the next index — a closed loop, so throughput is
// what the server sustains at that many requests in flight. Bodies are built before timing.
import http from 'node:http';
import { ERROR, NOT_RUN } from './engine.js';
import { quantile } from '../harness.js';

export interface HttpLoadOptions {
  url: string;
  /** Decisions to make: request indices 0..count-1. */
  count: number;
  concurrency: number;
  /** Decisions per HTTP request (default 1). */
  batch?: number;
  headers?: Record<string, string>;
  body(first: number, n: number): string | Buffer;
  /** Reads a 200 response; writes 1/0 to out[first..first+n-1]. */
  decisions(responseBody: string, first: number, n: number, out: Uint8Array): void;
  /** Decisions sent first, untimed and unrecorded, to warm the connections and the server. */
  warmup?: number;
  /** Called every few thousand decisions with the number done in this run (for crash reports). */
  onProgress?(done: number): void;
  /**
   * Stop taking new requests once the measured run has lasted this long: the run then covers a
   * prefix 0..covered-1 of the requests (indices are taken in order), the rest stay NOT_RUN.
   */
  maxMs?: number;
}

export interface HttpLoadResult {
  decisions: Uint8Array;
  /** Decisions made: all `count`, or fewer when maxMs stopped the run. */
  covered: number;
  /** HTTP requests made in the measured run. */
  requests: number;
  ms: number;
  /** Decisions per second. */
  perSecond: number;
  /** Per HTTP request, send to last byte, ms. */
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
}

export async function httpLoad(opts: HttpLoadOptions): Promise<HttpLoadResult> {
  const batch = Math.max(1, opts.batch ?? 1);
  const url = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency, maxFreeSockets: opts.concurrency });
  const baseHeaders = { 'content-type': 'application/json', ...opts.headers };
  const batches = Math.ceil(opts.count / batch);
  const bodies: Buffer[] = new Array<Buffer>(batches);
  for (let b = 0; b < batches; b++) {
    const first = b * batch;
    const body = opts.body(first, Math.min(batch, opts.count - first));
    bodies[b] = typeof body === 'string' ? Buffer.from(body) : body;
  }

  const post = (body: Buffer): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          hostname: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: 'POST',
          headers: { ...baseHeaders, 'content-length': body.length },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () =>
            res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`)),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  // `limit` batches from index 0; records decisions and latencies only when `record` is set.
  async function run(limit: number, record: { out: Uint8Array; latencyNs: Float64Array } | null, deadline = Number.POSITIVE_INFINITY) {
    let next = 0;
    let done = 0;
    let errors = 0;
    let firstError: string | undefined;
    let reported = 0;
    const loop = async () => {
      for (;;) {
        if (next >= limit || performance.now() > deadline) return;
        const b = next++;
        const first = b * batch;
        const n = Math.min(batch, opts.count - first);
        const t0 = process.hrtime.bigint();
        try {
          const text = await post(bodies[b]!);
          if (record) {
            record.latencyNs[b] = Number(process.hrtime.bigint() - t0);
            opts.decisions(text, first, n, record.out);
          }
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
          if (record) {
            record.latencyNs[b] = Number(process.hrtime.bigint() - t0);
            record.out.fill(ERROR, first, first + n);
          }
        }
        done += n;
        if (record && opts.onProgress && done - reported >= 5000) {
          reported = done;
          opts.onProgress(done);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, limit) }, loop));
    return { errors, firstError, batchesDone: next };
  }

  try {
    const warmBatches = Math.min(batches, Math.ceil((opts.warmup ?? 0) / batch));
    if (warmBatches > 0) await run(warmBatches, null);
    const out = new Uint8Array(opts.count).fill(NOT_RUN);
    const latencyNs = new Float64Array(batches);
    const t0 = process.hrtime.bigint();
    const deadline = opts.maxMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + opts.maxMs;
    const { errors, firstError, batchesDone } = await run(batches, { out, latencyNs }, deadline);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const covered = Math.min(opts.count, batchesDone * batch);
    const measured = latencyNs.subarray(0, batchesDone).sort();
    return {
      decisions: out,
      covered,
      requests: batchesDone,
      ms,
      perSecond: covered / (ms / 1000),
      p50Ms: quantile(measured, 0.5) / 1e6,
      p99Ms: quantile(measured, 0.99) / 1e6,
      errors,
      ...(firstError ? { firstError } : {}),
    };
  } finally {
    agent.destroy();
  }
}
