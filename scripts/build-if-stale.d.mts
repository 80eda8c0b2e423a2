// Types of scripts/build-if-stale.mjs (plain JavaScript: npm start runs it before anything is compiled).

export const STAMP: string;

export interface Step {
  name: string;
  /** Every file under these folders (relative to the root) is an input. */
  dirs: string[];
  /** And these files (a missing one counts, as missing). */
  files: string[];
  /** Steps built first; their stamps' keys are inputs of this one. */
  after: string[];
  /** Where it writes, and keeps its stamp. */
  outDir: string;
  /** How it builds: part of its key, so a new recipe rebuilds. */
  recipe: string;
  /**
   * Builds it; `full`: its incremental state cannot be trusted. May answer `{ graph }`, further input
   * files it read (the console's module graph); anything else is ignored.
   */
  build(ctx: { root: string; full: boolean; log: (message: string) => void }): Promise<unknown>;
}

export interface Stamp {
  format: number;
  recipe: string;
  key: string;
  deps: Record<string, string>;
  inputs: Record<string, string>;
  graph?: string[];
  outputs: string[];
}

export function defaultSteps(): Step[];

export function staleness(
  root: string,
  step: Step,
  keys: Record<string, string>,
): { stale: false; key: string } | { stale: true; why: string; full: boolean };

export function buildIfStale(opts?: {
  root?: string;
  steps?: Step[];
  force?: boolean;
  check?: boolean;
  log?: (message: string) => void;
}): Promise<{ built: string[]; skipped: string[]; stale: string[] }>;
