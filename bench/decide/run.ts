// Decision benchmark: several policy engines side by side on the same 100,000 requests
// (scenario.ts), each decision checked against expected(). `npm run bench:decide`.
//
// Options: --engines id,id (default: every engine with byDefault !== false), --all (every engine),
// --requests N (default 100000), --identities N (default 10000), --baseline id[:mode] (the
// ratio column; default the first row), --timeout-s S (per engine, default 400),
// --out FILE (default bench/decide/last-run.json), --list (print the engines and exit), --small
// (1,000 requests over 100 identities, budgets of a fraction of a second, a 60 s timeout per
// engine, written to bench/out/decide-small.json: for CI; every decision still checked).
//
// A run fails (exit 1) when an engine fails, crashes or times out, or any decision differs from
// the reference: expected(), or for modes that decide for Mandate tokens expectedToken (the
// token's facts win over the context; see scenario.ts).
//
// The parent builds the scenario, then runs each engine in a child process of its own (this file
// again, with --child): the child rebuilds the scenario, checks its fingerprint, starts the
// engine, measures every mode (measure.ts) and writes its result file; its progress goes to a
// file written synchronously, so an engine that kills its process (cedar-wasm 4.13 on Node 20
// can die of a V8 fatal error) is reported as "crashed after N calls" and the run goes on. The
// parent prints a Markdown table and writes the JSON summary.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ALLOW, DENY, ERROR, NOT_RUN, type Started, type StartContext } from './engine.js';
import { machine as benchMachine, SMALL } from '../harness.js';
import { BUDGETS, measureMode, type ModeResult } from './measure.js';
import { enginesIn, loadEngines, type RegisteredEngine } from './registry.js';
import { DEFAULT_IDENTITIES, DEFAULT_REQUESTS, buildScenario, type Scenario } from './scenario.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
// A small run writes beside the other scratch figures, not over the committed full-scale ones.
const DEFAULT_OUT = SMALL ? join(HERE, '..', 'out', 'decide-small.json') : join(HERE, 'last-run.json');
const EXAMPLES = 3;

const log = (msg: string) => process.stderr.write(`[decide] ${msg}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');

// ---------------------------------------------------------------------------------------------
// Child: one engine
// ---------------------------------------------------------------------------------------------

/** What a child writes to its result file (rewritten after each mode and at the end). */
interface ChildReport {
  engine: string;
  status: 'running' | 'done' | 'failed';
  error?: string;
  notes: string[];
  /** Engine calls made so far (warm-up, decisions, throughput; HTTP: measured requests). */
  calls: number;
  modes: EncodedMode[];
}

type EncodedMode = Omit<ModeResult, 'decisions'> & { decisions: string; expects?: 'token' };

interface ChildOptions {
  engineId: string;
  engineFile: string;
  resultFile: string;
  progressFile: string;
  tmpDir: string;
  requests: number;
  identities: number;
  fingerprint: string;
}

const encode = (r: ModeResult, expects: 'token' | undefined): EncodedMode => ({
  ...r,
  decisions: Buffer.from(r.decisions.buffer, r.decisions.byteOffset, r.decisions.length).toString('base64'),
  ...(expects ? { expects } : {}),
});

async function child(o: ChildOptions): Promise<void> {
  const report: ChildReport = { engine: o.engineId, status: 'running', notes: [], calls: 0, modes: [] };
  const save = () => writeFileSync(o.resultFile, JSON.stringify(report));
  const progressFd = openSync(o.progressFile, 'w');
  const exitHooks: (() => void)[] = [];
  process.on('exit', () => {
    for (const f of exitHooks) {
      try {
        f();
      } catch {
        /* last resort */
      }
    }
  });

  let started: Started | undefined;
  let stopped = false;
  const stop = async () => {
    if (!started || stopped) return;
    stopped = true;
    await started.stop();
  };
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${o.engineId}: ${sig}, stopping`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const scenario = buildScenario({ requests: o.requests, identities: o.identities });
    if (scenario.fingerprint !== o.fingerprint) throw new Error(`scenario fingerprint ${scenario.fingerprint} ≠ parent's ${o.fingerprint}`);
    const engine = (await enginesIn(o.engineFile)).find((e) => e.id === o.engineId);
    if (!engine) throw new Error(`no engine ${o.engineId} in ${o.engineFile}`);
    const ctx: StartContext = { tmpDir: o.tmpDir, log: (m) => log(`${o.engineId}: ${m}`), onExit: (f) => exitHooks.push(f) };
    started = await engine.start(scenario, ctx);
    report.notes = started.notes ?? [];
    save();
    const done: ChildReport['modes'] = [];
    for (const mode of started.modes) {
      // Calls so far = calls before this mode + finished phases of this mode + the current phase.
      let base = report.calls;
      let phase = '';
      let phaseDone = 0;
      const progress = (ph: string, n: number) => {
        if (ph !== phase) {
          base += phaseDone;
          phase = ph;
          phaseDone = 0;
        }
        phaseDone = n;
        writeSync(progressFd, `${JSON.stringify({ mode: mode.mode, phase: ph, done: n, calls: base + n })}\n`);
      };
      log(`${o.engineId}: measuring ${mode.mode}`);
      const r = await measureMode(mode, scenario.requests.length, progress, (partial) => {
        report.modes = [...done, encode(partial, mode.expects)];
        save();
      });
      report.calls = base + phaseDone;
      done.push(encode(r, mode.expects));
      report.modes = [...done];
      save();
      log(`${o.engineId}: ${mode.mode}: ${fmt(r.perSecond)} decisions/s, p50 ${r.p50Ms.toFixed(4)} ms, p99 ${r.p99Ms.toFixed(4)} ms`);
    }
    report.status = 'done';
  } catch (err) {
    report.status = 'failed';
    report.error = err instanceof Error ? err.message : String(err);
    log(`${o.engineId}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  } finally {
    try {
      await stop();
    } catch (err) {
      report.notes.push(`stop failed: ${String(err)}`);
    }
    save();
    closeSync(progressFd);
  }
  // A start() that failed may leave a server it started holding the event loop: the exit hooks kill it.
  if (report.status === 'failed') process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Parent: orchestration, checks, report
// ---------------------------------------------------------------------------------------------

interface Check {
  /** Decisions made that differ from expected(). */
  mismatches: number;
  errors: number;
  notRun: number;
  allows: number;
  examples: { index: number; request: string; expected: string; got: string }[];
}

interface RowResult extends Omit<ModeResult, 'decisions'> {
  expects?: 'token';
  check?: Check;
}

interface EngineRun {
  id: string;
  name: string;
  floor: boolean;
  status: 'ok' | 'failed' | 'crashed' | 'timeout';
  /** For crashed/timeout/failed: what happened, in one line. */
  problem?: string;
  notes: string[];
  calls: number;
  lastProgress?: { mode: string; phase: string; done: number; calls: number };
  modes: RowResult[];
  wallMs: number;
}

/** Checks requests 0..covered-1 (what the mode set out to decide) against expected(), or the token form's. */
function check(decisions: Uint8Array, covered: number, scenario: Scenario, expects?: 'token'): Check {
  const want = expects === 'token' ? scenario.expectedToken : scenario.expected;
  const c: Check = { mismatches: 0, errors: 0, notRun: 0, allows: 0, examples: [] };
  const name = (d: number) => (d === ALLOW ? 'allow' : d === DENY ? 'deny' : d === ERROR ? 'error' : 'not run');
  for (let i = 0; i < covered; i++) {
    const d = decisions[i]!;
    if (d === ALLOW) c.allows++;
    if (d === ERROR) c.errors++;
    else if (d === NOT_RUN) {
      c.notRun++;
      continue;
    } else if (d === want[i]) continue;
    else c.mismatches++;
    if (c.examples.length < EXAMPLES) {
      const p = scenario.requests[i]!.peer;
      c.examples.push({
        index: i,
        request:
          `${p.principal.id} (${p.principal.status}, ${p.principal.capability}, ${p.principal.environment}) ${p.action} [` +
          `${p.actionClass}] on ${p.resource.scope} (${p.resource.state}, lawful=${p.lawful}) ctx ${JSON.stringify(p.context)}`,
        expected: `${name(want[i]!)}${expects === 'token' ? ' (token form)' : ''}`,
        got: name(d),
      });
    }
  }
  return c;
}

/** Set on SIGINT/SIGTERM: no more engines, no report. */
let interrupted = false;
/** The child process currently running, for SIGINT. */
let current: { child: ChildProcess; exited: Promise<void> } | undefined;

/** SIGTERM (the child stops its servers), then SIGKILL to its whole process group after 5 s. */
async function terminate(c: NonNullable<typeof current>): Promise<void> {
  const pid = c.child.pid;
  if (pid === undefined) return;
  try {
    c.child.kill('SIGTERM');
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 5000);
  await c.exited;
  clearTimeout(timer);
}

async function runEngine(reg: RegisteredEngine, scenario: Scenario, work: string, timeoutMs: number): Promise<EngineRun> {
  const { engine } = reg;
  const dir = join(work, engine.id);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const resultFile = join(dir, 'result.json');
  const progressFile = join(dir, 'progress.jsonl');
  const execArgv = [...process.execArgv];
  if (!execArgv.some((a) => a.includes('tsx'))) execArgv.push('--import', 'tsx');
  const args = [
    ...execArgv,
    SELF,
    '--child',
    engine.id,
    '--engine-file',
    reg.file,
    '--result',
    resultFile,
    '--progress',
    progressFile,
    '--tmp',
    tmp,
    '--requests',
    String(scenario.requests.length),
    '--identities',
    String(scenario.world.identities.length),
    '--fingerprint',
    scenario.fingerprint,
    ...(SMALL ? ['--small'] : []),
  ];
  const t0 = performance.now();
  // detached: its own process group, so a last-resort SIGKILL also takes the servers it started.
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'pipe'], detached: true });
  let stderrTail = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-8000);
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  current = { child: proc, exited };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    log(`${engine.id}: no result after ${timeoutMs / 1000} s, stopping it`);
    if (current) void terminate(current);
  }, timeoutMs);
  await exited;
  clearTimeout(timer);
  current = undefined;
  const wallMs = performance.now() - t0;

  const report = existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, 'utf8')) as ChildReport) : undefined;
  const progressLines = existsSync(progressFile) ? readFileSync(progressFile, 'utf8').trim().split('\n').filter(Boolean) : [];
  const lastProgress = progressLines.length
    ? (JSON.parse(progressLines[progressLines.length - 1]!) as EngineRun['lastProgress'])
    : undefined;
  const modes: RowResult[] = (report?.modes ?? []).map((m) => {
    const decisions = new Uint8Array(Buffer.from(m.decisions, 'base64'));
    const { decisions: _omit, ...rest } = m;
    return { ...rest, ...(engine.floor ? {} : { check: check(decisions, m.covered, scenario, m.expects) }) };
  });
  const run: EngineRun = {
    id: engine.id,
    name: engine.name,
    floor: engine.floor === true,
    status: 'ok',
    notes: report?.notes ?? [],
    calls: Math.max(report?.calls ?? 0, lastProgress?.calls ?? 0),
    ...(lastProgress ? { lastProgress } : {}),
    modes,
    wallMs,
  };
  const code = proc.exitCode;
  const signal = proc.signalCode;
  const where = lastProgress ? ` (in ${lastProgress.mode}, ${lastProgress.phase} at ${fmt(lastProgress.done)})` : '';
  if (timedOut) {
    run.status = 'timeout';
    run.problem = `timed out after ≥ ${fmt(run.calls)} calls${where}`;
  } else if (report?.status === 'failed') {
    run.status = 'failed';
    run.problem = `failed: ${report.error ?? 'unknown error'}`;
  } else if (report?.status !== 'done' || code !== 0) {
    run.status = 'crashed';
    // The first line that says what killed it (V8's "Fatal error", a failed check, a Rust panic).
    const fatal =
      stderrTail
        .split('\n')
        .find((l) => /fatal error|check failed|panicked|RuntimeError|segmentation fault|out of memory|unreachable/i.test(l)) ?? '';
    run.problem = `crashed after ≥ ${fmt(run.calls)} calls${where}: ${signal ?? `exit code ${code}`}${
      fatal
        ? ` — ${fatal
            .replace(/^[#\s]+/, '')
            .trim()
            .slice(0, 200)}`
        : ''
    }`;
  }
  if (run.problem && !interrupted) log(`${engine.id}: ${run.problem}`);
  return run;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

interface Row {
  n: number;
  engine: EngineRun;
  result?: RowResult;
}

const latency = (ms: number) =>
  !Number.isFinite(ms) ? '—' : ms < 1 ? `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs` : `${ms.toFixed(2)} ms`;
const ratio = (a: number, b: number) => {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toPrecision(2)}×`;
};
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function mismatchCell(r: Row, total: number): string {
  if (r.engine.floor) return 'not checked (floor)';
  const c = r.result?.check;
  if (!c) return r.engine.problem ? cell(r.engine.problem) : '—';
  const of = r.result!.covered < total ? ` (of ${fmt(r.result!.covered)})` : '';
  if (c.mismatches + c.errors + c.notRun === 0) return `0${of}`;
  let s = fmt(c.mismatches);
  if (c.errors) s += ` + ${fmt(c.errors)} errors`;
  if (c.notRun) s += ` (${fmt(c.notRun)} not run)`;
  return `**${s}**${of}`;
}

const sec = (ms: number) => `${ms / 1000} s`;
const METHOD = [
  `In-process modes: a warm-up (all requests or ${sec(BUDGETS.WARMUP_MS)}), a pass over every request timing each call with ` +
    `process.hrtime.bigint() (the decisions checked and p50/p99), then ${BUDGETS.PASSES} tight-loop passes without per-call ` +
    'timing; decisions/s is their median. Each pass covers every request unless the engine is slow (†: the first K requests, K ≈ ' +
    `${sec(BUDGETS.PASS_BUDGET_MS)} of calls).`,
  'HTTP modes: node:http client with a keep-alive Agent (maxSockets = concurrency), closed loop, one decision per request; ' +
    `${fmt(BUDGETS.HTTP_WARMUP)} requests of warm-up, then one run over every request (sequential: at most ` +
    `${sec(BUDGETS.HTTP_SEQUENTIAL_MS)}); p50/p99 per request, send to last byte. Server and client share this machine.`,
  "Each engine runs in its own child process; inputs are prebuilt in the engine's own shape (objects, JSON bodies) before timing. " +
    "Mismatches: decisions that differ from expected(), the plain-JS reference of Mandate's decision; for a mode that decides for " +
    "Mandate tokens, from expected() over the request's token form (the token's attestation and environment in the context, as the " +
    'decision uses them).',
];

function markdown(rows: Row[], scenario: Scenario, machine: Record<string, unknown>, baseline: Row | undefined): string {
  const st = scenario.stats;
  const pct = (n: number) => `${((100 * n) / st.requests).toFixed(1)}%`;
  const lines: string[] = [];
  const load = (x: unknown) => (typeof x === 'number' ? x.toFixed(2) : '?');
  lines.push(
    `Machine: node ${String(machine.node)}, ${String(machine.cpus)} × ${String(machine.cpuModel)}, ${String(machine.totalMemGb)} GB ` +
      `RAM, ${String(machine.platform)}; load average (1 min) ${load(machine.loadAvg1mStart)} at start, ` +
      `${load(machine.loadAvg1mEnd)} at end`,
  );
  lines.push(
    `Scenario: seed 0x${scenario.seed.toString(16)}, ${fmt(st.identities)} identities, ${st.scopes} scopes (${Object.entries(st.states)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}), ` +
      `${fmt(st.lifecycleSuspended)} of them suspended by the lifecycle on import, ${fmt(st.requests)} requests (fingerprint ` +
      `${scenario.fingerprint}): expected() allows ${fmt(st.allows)} (${pct(st.allows)}), ${fmt(st.tokenAllows)} (` +
      `${pct(st.tokenAllows)}) in the token form; ${fmt(st.executeRequests)} execute actions, ${fmt(st.lawfulExecute)} of them ` +
      'lawful. ' +
      `Denies by first rule: ${Object.entries(st.denies)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')}.`,
  );
  lines.push('');
  const base = baseline ? `vs #${baseline.n}` : 'vs baseline';
  lines.push(`| # | Engine | Mode | Decisions/s | p50 | p99 | ${base} | Mismatches |`);
  lines.push('|---:|---|---|---:|---:|---:|---:|---|');
  const slices = new Set<number>();
  for (const r of rows) {
    const m = r.result;
    if (!m) {
      lines.push(`| ${r.n} | ${cell(r.engine.name)} | — | — | — | — | — | ${mismatchCell(r, st.requests)} |`);
      continue;
    }
    const sliced = m.throughputPass && m.throughputPass.size < st.requests;
    if (sliced) slices.add(m.throughputPass!.size);
    const capped = m.kind === 'http' && m.covered < st.requests;
    const rate = Number.isFinite(m.perSecond) ? `${fmt(m.perSecond)}${sliced ? '†' : capped ? '‡' : ''}` : `— (${r.engine.status})`;
    lines.push(
      `| ${r.n} | ${cell(r.engine.name)} | ${cell(m.mode)} | ${rate} | ${latency(m.p50Ms)} | ${latency(m.p99Ms)} | ` +
        `${baseline?.result ? ratio(m.perSecond, baseline.result.perSecond) : '—'} | ${mismatchCell(r, st.requests)} |`,
    );
  }
  lines.push('');
  if (slices.size)
    lines.push(
      `† throughput over the first ${[...slices].map(fmt).join(' / ')} of the ${fmt(st.requests)} requests (${BUDGETS.PASSES} passes, ` +
        'median); latency and mismatches over all of them.',
    );
  if (rows.some((r) => r.result?.kind === 'http' && r.result.covered < st.requests))
    lines.push(
      `‡ a sequential HTTP run stops after ${sec(BUDGETS.HTTP_SEQUENTIAL_MS)}: figures and mismatches over the requests it reached ` +
        `(the "of" count); the concurrent run covers all ${fmt(st.requests)}.`,
    );
  for (const e of new Set(rows.map((r) => r.engine))) {
    if (e.problem && e.modes.length) lines.push(`${e.name}: ${e.problem}.`);
    if (!e.floor && e.modes.length && !e.modes.some((m) => m.covered === st.requests))
      lines.push(`${e.name}: **no mode decided all ${fmt(st.requests)} requests**.`);
  }
  if (lines[lines.length - 1] !== '') lines.push('');
  for (const m of METHOD) lines.push(`- ${m}`);
  for (const e of new Set(rows.map((r) => r.engine))) for (const n of e.notes) lines.push(`- ${n}`);

  const wrong = rows.filter((r) => r.result?.check?.examples.length);
  if (wrong.length) {
    lines.push('', 'Mismatch examples:');
    for (const r of wrong)
      for (const x of r.result!.check!.examples)
        lines.push(`- #${r.n} ${r.engine.id} / ${r.result!.mode}: request ${x.index}: ${x.request}: expected ${x.expected}, got ${x.got}`);
  }

  // Every row against every other: how many times the row's throughput is the column's.
  const measured = rows.filter((r) => r.result && Number.isFinite(r.result.perSecond));
  if (measured.length > 1) {
    lines.push('', 'Throughput ratios (row ÷ column):', '');
    lines.push(`| | ${measured.map((r) => `#${r.n}`).join(' | ')} |`);
    lines.push(`|---|${measured.map(() => '---:').join('|')}|`);
    for (const a of measured)
      lines.push(
        `| #${a.n} ${cell(a.engine.id)}, ${cell(a.result!.mode)} | ` +
          `${measured.map((b) => (a === b ? '1' : ratio(a.result!.perSecond, b.result!.perSecond))).join(' | ')} |`,
      );
  }
  return lines.join('\n');
}

async function parent(opts: {
  engines?: string[];
  all: boolean;
  requests: number;
  identities: number;
  baseline?: string;
  timeoutMs: number;
  out: string;
}): Promise<number> {
  const machine = {
    ...benchMachine(),
    // Other work on the machine skews every figure; the load average says whether there was any.
    loadAvg1mStart: loadavg()[0]!,
    loadAvg1mEnd: Number.NaN,
  };
  const registered = await loadEngines();
  const known = new Set(registered.map((r) => r.engine.id));
  for (const id of opts.engines ?? []) if (!known.has(id)) throw new Error(`unknown engine ${id}; known: ${[...known].join(', ')}`);
  const selected = registered.filter((r) => (opts.engines ? opts.engines.includes(r.engine.id) : opts.all || r.engine.byDefault !== false));

  const t0 = performance.now();
  const scenario = buildScenario({ requests: opts.requests, identities: opts.identities });
  log(
    `scenario: ${fmt(scenario.stats.requests)} requests over ${fmt(scenario.stats.identities)} identities, ` +
      `${fmt(scenario.stats.allows)} allows, fingerprint ${scenario.fingerprint}, built in ${fmt(performance.now() - t0)} ms`,
  );
  log(`engines: ${selected.map((r) => r.engine.id).join(', ')}`);

  const work = mkdtempSync(join(tmpdir(), 'mandate-decide-bench-'));
  // On a signal: stop the running child (it stops its servers), then leave without a report.
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: stopping`);
    interrupted = true;
    if (current) void terminate(current);
    else {
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    }
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const runs: EngineRun[] = [];
  try {
    for (const reg of selected) {
      if (interrupted) break;
      log(`${reg.engine.id}: starting (${reg.engine.name})`);
      runs.push(await runEngine(reg, scenario, work, opts.timeoutMs));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (interrupted) return 130;

  machine.loadAvg1mEnd = loadavg()[0]!;
  const rows: Row[] = [];
  for (const e of runs) {
    if (e.modes.length === 0) rows.push({ n: rows.length + 1, engine: e });
    for (const m of e.modes) rows.push({ n: rows.length + 1, engine: e, result: m });
  }
  const usable = rows.filter((r) => r.result && Number.isFinite(r.result.perSecond));
  let baseline = usable[0];
  if (opts.baseline) {
    const [id, mode] = opts.baseline.split(':');
    baseline = usable.find((r) => r.engine.id === id && (!mode || r.result!.mode.includes(mode)));
    if (!baseline) log(`baseline ${opts.baseline} not measured; ratios against #${usable[0]?.n ?? '—'}`);
    baseline ??= usable[0];
  }

  const summary = {
    generated_at: new Date().toISOString(),
    machine,
    scenario: { seed: scenario.seed, fingerprint: scenario.fingerprint, ...scenario.stats },
    method: METHOD,
    baseline: baseline ? { row: baseline.n, engine: baseline.engine.id, mode: baseline.result!.mode } : null,
    rows: rows.map((r) => ({
      row: r.n,
      engine: r.engine.id,
      name: r.engine.name,
      status: r.engine.status,
      ...(r.engine.problem ? { problem: r.engine.problem } : {}),
      ...(r.result ? { ...r.result, vsBaseline: baseline?.result ? r.result.perSecond / baseline.result.perSecond : null } : {}),
    })),
    engines: runs.map(({ modes: _modes, ...e }) => e),
  };
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  process.stdout.write(`${markdown(rows, scenario, machine, baseline)}\n`);
  log(`wrote ${opts.out}`);
  const bad =
    runs.some((e) => e.status !== 'ok') ||
    rows.some((r) => r.result?.check && r.result.check.mismatches + r.result.check.errors + r.result.check.notRun > 0);
  return bad ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engines: { type: 'string' },
      all: { type: 'boolean' },
      requests: { type: 'string' },
      identities: { type: 'string' },
      baseline: { type: 'string' },
      'timeout-s': { type: 'string' },
      out: { type: 'string' },
      list: { type: 'boolean' },
      // Child only.
      child: { type: 'string' },
      'engine-file': { type: 'string' },
      result: { type: 'string' },
      progress: { type: 'string' },
      tmp: { type: 'string' },
      fingerprint: { type: 'string' },
      small: { type: 'boolean' },
    },
    strict: true,
  });
  const int = (v: string | undefined, dflt: number, min: number, what: string) => {
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${what} must be an integer ≥ ${min}`);
    return n;
  };
  const requests = int(values.requests, SMALL ? 1_000 : DEFAULT_REQUESTS, 100, 'requests');
  const identities = int(values.identities, SMALL ? 100 : DEFAULT_IDENTITIES, 10, 'identities');

  if (values.child) {
    const { 'engine-file': engineFile, result, progress, tmp, fingerprint } = values;
    if (!engineFile || !result || !progress || !tmp || !fingerprint)
      throw new Error('--child needs --engine-file, --result, --progress, --tmp and --fingerprint');
    await child({
      engineId: values.child,
      engineFile,
      resultFile: result,
      progressFile: progress,
      tmpDir: tmp,
      requests,
      identities,
      fingerprint,
    });
    return;
  }
  if (values.list) {
    for (const { engine, file } of await loadEngines())
      process.stdout.write(`${engine.id}\t${engine.name}${engine.byDefault === false ? ' (not by default)' : ''}\t${file}\n`);
    return;
  }
  process.exitCode = await parent({
    ...(values.engines
      ? {
          engines: values.engines
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    all: values.all === true,
    requests,
    identities,
    ...(values.baseline ? { baseline: values.baseline } : {}),
    timeoutMs: int(values['timeout-s'], SMALL ? 60 : 400, 1, 'timeout-s') * 1000,
    out: resolve(values.out ?? DEFAULT_OUT),
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === SELF) await main();
