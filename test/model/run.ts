// Runs random command sequences against a real server on one store, each on a fresh database,
// comparing it with the model after every command. Used by the CI test (a bounded number of
// sequences), the regression tests (fixed sequences and replayed seeds) and the soak.
import fc from 'fast-check';
import { commandArbitraries } from './commands.js';
import { Discrepancy, Real, START } from './harness.js';
import { Model } from './model.js';

export interface RunOptions {
  store: 'sqlite' | 'postgres';
  numRuns: number;
  maxCommands: number;
  seed?: number;
  path?: string;
  /** Discrepancies the server is known to have: the model adapts to them rather than failing. */
  tolerate?: readonly string[];
  findingsEvery?: number;
  /** Stop starting new sequences after this many ms (the soak). */
  deadlineMs?: number;
  /** Start no new sequence once this says so (the soak, interrupted). */
  stop?: () => boolean;
  verbose?: boolean;
  /** Shrink a failure to a smaller sequence (default true; off to explore quickly). */
  shrink?: boolean;
  onSequence?: (info: { commands: number; ms: number; seen: string[] }) => void;
}

export interface RunReport {
  sequences: number;
  commands: number;
  failure?: { seed: number; path?: string; counterexample: string; error: string };
  tolerated: Record<string, number>;
}

/** One sequence: a fresh server and database, the bootstrap, then the commands, then clean-up. */
export async function runSequence(
  store: 'sqlite' | 'postgres',
  cmds: Iterable<fc.AsyncCommand<Model, Real>>,
  tolerate: readonly string[] = [],
  findingsEvery = 1,
): Promise<{ model: Model; real: Real }> {
  const model = new Model(START, new Set(tolerate));
  const real = new Real(store, { findingsEvery });
  try {
    await real.start(model);
    await fc.asyncModelRun(async () => ({ model, real }), cmds);
    return { model, real };
  } finally {
    await real.stop();
  }
}

export async function runModel(opts: RunOptions): Promise<RunReport> {
  const report: RunReport = { sequences: 0, commands: 0, tolerated: {} };
  const t0 = Date.now();
  const property = fc.asyncProperty(fc.commands(commandArbitraries, { maxCommands: opts.maxCommands, size: 'max' }), async (cmds) => {
    if ((opts.deadlineMs !== undefined && Date.now() - t0 > opts.deadlineMs) || opts.stop?.()) return;
    const s0 = Date.now();
    const { model, real } = await runSequence(opts.store, cmds, opts.tolerate ?? [], opts.findingsEvery ?? 1);
    report.sequences++;
    report.commands += real.steps - 1;
    for (const id of model.seen) report.tolerated[id] = (report.tolerated[id] ?? 0) + 1;
    opts.onSequence?.({ commands: real.steps - 1, ms: Date.now() - s0, seen: model.seen });
  });
  const out = await fc.check(property, {
    numRuns: opts.numRuns,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.path ? { path: opts.path } : {}),
    endOnFailure: opts.shrink === false,
    // No sequence starts after the deadline (the property returns at once); the limit stops a
    // sequence still running well after it. 20 s of grace: fast-check counts a run interrupted before
    // any sequence completed as failed, which a busy machine otherwise hits with the first sequence.
    interruptAfterTimeLimit: opts.deadlineMs === undefined ? undefined : opts.deadlineMs + 20_000,
    markInterruptAsFailure: false,
  });
  if (out.failed) {
    const err = out.errorInstance;
    report.failure = {
      seed: out.seed,
      ...(out.counterexamplePath ? { path: out.counterexamplePath } : {}),
      counterexample: out.counterexample ? String(out.counterexample[0]) : '(none)',
      error:
        err instanceof Discrepancy
          ? err.message
          : err instanceof Error
            ? `${err.name}: ${err.message}`
            : out.interrupted
              ? `interrupted after ${out.numRuns} sequences: no sequence completed in the time limit`
              : String(err),
    };
  }
  return report;
}

/** The failure as fast-check prints it, for a test's assertion message. */
export function describeFailure(r: RunReport): string {
  if (!r.failure) return 'no failure';
  return `seed ${r.failure.seed}, path "${r.failure.path ?? ''}"\ncounterexample: ${r.failure.counterexample}\n${r.failure.error}`;
}
