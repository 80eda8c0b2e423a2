// cedar-wasm as a test oracle, isolated in a child process. On Node 20, cedar-wasm can abort the
// whole process with a V8 fatal error ("unreachable code" in the deoptimizer) after thousands of
// calls and a garbage collection (docs/cedar-compiler.md). In the test process that would kill
// the test run, or, worse, end it without the comparisons having been made. So:
//   - cedar-wasm is loaded only in the child (test/support/cedar-oracle-child.mjs), never here;
//   - the child is recycled every `recycleAfter` authorizations, well below where it crashed;
//   - a child that dies (or hangs) while answering a batch is recorded in `crashes`, replaced,
//     and the whole batch is asked again; after `maxAttempts` failed attempts the call rejects,
//     so a broken oracle always fails the test loudly and never answers for a batch it did not
//     fully evaluate.

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./cedar-oracle-child.mjs', import.meta.url));

export type EntityUidJson = { type: string; id: string };

export interface OracleRequest {
  principal: EntityUidJson;
  action: EntityUidJson;
  resource: EntityUidJson;
  context: Record<string, unknown>;
}

export interface OracleBatch {
  /** Policy id → Cedar text or Cedar JSON (EST): passed as `staticPolicies` so the ids match. */
  policies: Record<string, unknown>;
  /** Give cedar-wasm the policies as its own text rendering (policyToText) of the JSON ones. */
  policiesAsText?: boolean;
  /** Cedar's JSON entity format. */
  entities: unknown[];
  requests: OracleRequest[];
  /** Tests of the oracle itself: the child aborts before request `afterRequests` on attempts
   *  1..`attempts`. */
  crashForTest?: { afterRequests: number; attempts: number };
}

export type OracleAnswer =
  | { decision: 'allow' | 'deny'; reasons: string[]; errors: string[]; errorMessages: string[] }
  | { failure: string[] };

export type Conversion = { value: unknown } | { failure: string[] };

export interface OracleCrash {
  kind: string;
  attempt: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of the child's stderr: V8 prints its fatal error there. */
  stderr: string;
}

export interface OracleOptions {
  recycleAfter?: number;
  maxAttempts?: number;
  timeoutMs?: number;
}

class ChildDied extends Error {
  constructor(
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderr: string,
    why: string,
  ) {
    super(why);
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

class OracleChild {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderr = '';
  private dead: ChildDied | undefined;
  readonly ready: Promise<void>;
  authorizations = 0;

  constructor(private readonly process: ChildProcess) {
    // The child never keeps the test process alive by itself (it exits when the parent does);
    // while a call is in flight its timeout timer does.
    process.unref();
    process.channel?.unref();
    process.stderr?.setEncoding('utf8');
    process.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.ready = new Promise((resolve, reject) => {
      process.once('message', () => resolve());
      process.once('exit', (code, signal) => reject(new ChildDied(code, signal, this.stderr, 'the oracle child exited while starting')));
    });
    this.ready.catch(() => {}); // a child closed before its first call must not be an unhandled rejection
    process.on('message', (message: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      if (message.id === undefined) return;
      const waiting = this.pending.get(message.id);
      if (waiting === undefined) return;
      this.pending.delete(message.id);
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new Error(`the cedar-wasm oracle failed: ${message.error}`));
    });
    process.on('exit', (code, signal) => {
      // Give stderr a moment to drain so the V8 message is in the record.
      setTimeout(() => {
        this.dead = new ChildDied(code, signal, this.stderr, `the oracle child died (code ${code}, signal ${signal})`);
        for (const waiting of this.pending.values()) waiting.reject(this.dead);
        this.pending.clear();
      }, 50);
    });
  }

  async call(message: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    // Armed before waiting for the child to start: the timer is what keeps the process alive.
    const timer = setTimeout(() => {
      this.process.kill('SIGKILL'); // the exit handler rejects with ChildDied
    }, timeoutMs);
    try {
      await this.ready;
    } catch (error) {
      clearTimeout(timer);
      throw error;
    }
    if (this.dead !== undefined) {
      clearTimeout(timer);
      throw this.dead;
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send({ id, ...message });
    });
  }

  close(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }
}

export class CedarOracle {
  private child: OracleChild | undefined;
  private readonly recycleAfter: number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  /** Every child death while answering, in order: kept for the tests to report. */
  readonly crashes: OracleCrash[] = [];
  starts = 0;
  authorizations = 0;
  private closed = false;

  constructor(options: OracleOptions = {}) {
    this.recycleAfter = options.recycleAfter ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  private start(): OracleChild {
    this.starts++;
    const child = fork(CHILD, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    return new OracleChild(child);
  }

  private current(): OracleChild {
    if (this.closed) throw new Error('the cedar-wasm oracle is closed');
    if (this.child !== undefined && this.child.authorizations >= this.recycleAfter) {
      this.child.close();
      this.child = undefined;
    }
    return (this.child ??= this.start());
  }

  /** Sends one message; if the child dies meanwhile, records it, starts a new child and sends
   *  the message again, up to maxAttempts. */
  private async ask(kind: string, message: Record<string, unknown>, weight = 0): Promise<unknown> {
    const failures: string[] = [];
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const child = this.current();
      try {
        const result = await child.call({ kind, attempt, ...message }, this.timeoutMs);
        child.authorizations += weight;
        this.authorizations += weight;
        return result;
      } catch (error) {
        if (!(error instanceof ChildDied) || this.closed) throw error;
        this.crashes.push({ kind, attempt, code: error.code, signal: error.signal, stderr: error.stderr });
        failures.push(`attempt ${attempt}: code ${error.code}, signal ${error.signal}\n${error.stderr.trim()}`);
        if (this.child === child) this.child = undefined;
        child.close();
      }
    }
    throw new Error(`the cedar-wasm oracle died on every one of ${this.maxAttempts} attempts at a ${kind} call:\n${failures.join('\n')}`);
  }

  async authorize(batch: OracleBatch): Promise<OracleAnswer[]> {
    const answers = (await this.ask('authorize', { batch }, batch.requests.length)) as OracleAnswer[];
    if (!Array.isArray(answers) || answers.length !== batch.requests.length) {
      throw new Error(
        `the cedar-wasm oracle answered ${Array.isArray(answers) ? answers.length : 'no'} answers for ${batch.requests.length} requests`,
      );
    }
    return answers;
  }

  async policyToJson(texts: string[]): Promise<Conversion[]> {
    return (await this.ask('policyToJson', { items: texts })) as Conversion[];
  }

  async policyToText(policies: unknown[]): Promise<Conversion[]> {
    return (await this.ask('policyToText', { items: policies })) as Conversion[];
  }

  /** A full garbage collection in the current child (the moment cedar-wasm is at risk). */
  async forceGc(): Promise<void> {
    await this.ask('gc', {});
  }

  /** Runs the crash-reproducing workload in the current child; resolves with the child's fate
   *  (it is not retried: the point is to see whether it dies). */
  async stress(calls: number, gcEvery: number): Promise<{ survived: true } | { survived: false; crash: OracleCrash }> {
    const child = this.current();
    try {
      await child.call({ kind: 'stress', calls, gcEvery }, this.timeoutMs);
      return { survived: true };
    } catch (error) {
      if (!(error instanceof ChildDied)) throw error;
      const crash = { kind: 'stress', attempt: 1, code: error.code, signal: error.signal, stderr: error.stderr };
      if (this.child === child) this.child = undefined;
      return { survived: false, crash };
    }
  }

  /** Stops the child; calls still in flight fail instead of starting a new one. */
  close(): void {
    this.closed = true;
    this.child?.close();
    this.child = undefined;
  }
}
