// What a decision engine provides to the benchmark. An engine is one file in bench/decide/engines/
// whose default export is an Engine (or an array of them); run.ts finds it there, runs it in a
// child process of its own (so a crash, a leak or a GC pause of one engine touches no other) and
// checks every decision it makes against expected().
//
// start() does everything that is not timed: load policies, start servers, and prebuild each
// request in the engine's native shape (objects, JSON bodies), so the timings cover the engine
// call — or, over HTTP, the round trip — and not the benchmark's own conversions.
import type { Scenario } from './scenario.js';

/** What every mode says of itself. */
interface ModeBase {
  mode: string;
  /**
   * 'token': the mode decides for verified Mandate tokens, whose facts win over the context, so
   * its decisions are checked against scenario.expectedToken (the token form) instead of expected.
   */
  expects?: 'token';
}

/** A synchronous in-process decision: request index → allow? */
export interface SyncMode extends ModeBase {
  kind: 'sync';
  decide(i: number): boolean;
}

/** An asynchronous in-process decision (an SDK whose decide returns a promise); awaited one at a time. */
export interface AsyncMode extends ModeBase {
  kind: 'async';
  decide(i: number): Promise<boolean>;
}

/**
 * Decisions over HTTP, measured by http-load.ts with the same client for every engine. One HTTP
 * request carries `batch` decisions (default 1): requests first..first+n-1.
 */
export interface HttpMode extends ModeBase {
  kind: 'http';
  url: string;
  concurrency: number;
  batch?: number;
  headers?: Record<string, string>;
  /** The body for requests first..first+n-1 (n = batch, less at the end). Built before timing. */
  body(first: number, n: number): string | Buffer;
  /** Reads the response body; writes 1 (allow) or 0 (deny) to out[first..first+n-1]. */
  decisions(responseBody: string, first: number, n: number, out: Uint8Array): void;
}

export type Mode = SyncMode | AsyncMode | HttpMode;

export interface Started {
  /** The ways of asking this engine, each measured and checked separately (a row of the table each). */
  modes: Mode[];
  /** Versions and settings worth printing under the table. */
  notes?: string[];
  /** Releases what start() took (processes, temp dirs). Called once, also on SIGINT/SIGTERM. */
  stop(): Promise<void> | void;
}

export interface Engine {
  /** Unique, short; used by --engines and in last-run.json. */
  id: string;
  /** For the table, e.g. "cedar-wasm 4.13". */
  name: string;
  /** Table order, lowest first (Mandate's own engines: 0–9; peers 10+; floors 90+). */
  order: number;
  /** false: run only when named with --engines (or with --all). */
  byDefault?: boolean;
  /** A floor answers a constant without deciding: measured, but its decisions are not checked. */
  floor?: boolean;
  start(scenario: Scenario, ctx: StartContext): Promise<Started>;
}

export interface StartContext {
  /** A private temp dir for this engine, removed after stop(). */
  tmpDir: string;
  log(message: string): void;
  /** Registers a synchronous last-resort cleanup, run on process exit (e.g. kill a server started by start()). */
  onExit(fn: () => void): void;
}

/** Decision codes in the per-request result arrays. */
export const DENY = 0;
export const ALLOW = 1;
export const ERROR = 2;
export const NOT_RUN = 3;
