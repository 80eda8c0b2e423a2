// npm run bench:start — time to listening of `npm start` (docs/benchmarks.md, "Start — second
// `npm start`"; target: a second start ≤ 5 s). On a temp copy of the work tree (its tracked and
// untracked files, node_modules linked), so the repository's own build outputs and data are
// untouched:
//   1. cold: `npm start` with no build output and a fresh data folder (the full build, then the
//      first start: migrations, the demo firm, the first admin);
//   2. second: `npm start` again, BENCH_RUNS times (default 5): nothing to build, the store warm;
//   3. after an edit: one comment appended to src/cli/main.ts, then `npm start` (the server
//      recompiled incrementally, the SDK and the console not);
//   4. the server alone: `node bin/mandate.js serve --demo` on a fresh data folder, and warm.
// Time to listening: from the spawn to the "listening on" line. Each start is checked: the
// start-up message lists the connectors, the first start prints the admin token and the later
// ones do not, and the build step says what it built (nothing for a second start).
//
//   npm run bench:start [-- --small]   (--small: one run of each, no edit; still a full first
//   build, a minute on two cores, so CI does not run it; BENCH_RUNS; BENCH_OUT)
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, machine, median, runBench, SMALL } from './harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? (SMALL ? 1 : 5));
const OUT = process.env.BENCH_OUT ?? join(ROOT, 'bench', 'out', SMALL ? 'start-small.json' : 'start.json');
const TARGET_MS = 5_000;
const log = (m: string) => process.stderr.write(`[bench:start] ${m}\n`);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** A copy of the work tree's files (git's tracked and untracked, not ignored), with node_modules linked (@mandate/sdk to the copy's). */
function copyTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-start-'));
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  check(listed.status === 0, `git ls-files: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(ROOT, file), join(dir, file));
    } catch {
      // listed by git, deleted in the work tree
    }
  }
  mkdirSync(join(dir, 'node_modules', '@mandate'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== '@mandate') symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  symlinkSync('../../packages/sdk', join(dir, 'node_modules', '@mandate', 'sdk'));
  symlinkSync(join(ROOT, 'packages', 'sdk', 'node_modules'), join(dir, 'packages', 'sdk', 'node_modules'));
  return dir;
}

interface Start {
  ms: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd` in `cwd` until its stdout says where it listens; answers the time, then stops it (its process group). */
function timeToListening(cwd: string, cmd: string, args: string[]): Promise<Start> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, MANDATE_DEMO_OIDC_PORT: '0', npm_config_loglevel: 'warn' };
    for (const k of Object.keys(env)) if (k.startsWith('MANDATE_') && k !== 'MANDATE_DEMO_OIDC_PORT') delete env[k];
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let ms: number | undefined;
    const timer = setTimeout(() => stop(new Error(`no "listening on" within 10 minutes:\n${stdout}\n${stderr}`)), 600_000);
    const stop = (err?: Error) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      child.once('close', () => (err ? reject(err) : resolve({ ms: ms!, stdout, stderr })));
    };
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (ms === undefined && /listening on http/.test(stdout)) {
        ms = performance.now() - t0;
        // The rest of the message is written with the same call; a moment for the pipe.
        setTimeout(() => stop(), 300);
      }
    });
    child.once('exit', (code) => {
      if (ms === undefined) {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before listening:\n${stdout}\n${stderr}`));
      }
    });
  });
}

const npmStart = (dir: string) => timeToListening(dir, 'npm', ['start', '--', '--port', '0']);
const serveDemo = (dir: string) => timeToListening(dir, process.execPath, ['bin/mandate.js', 'serve', '--demo', '--port', '0']);
const TOKEN = /^ {2}mdt_[A-Za-z0-9_-]{43}$/m;

function checkStart(s: Start, what: string, first: boolean, built: string | null): void {
  check(/^Connectors: .*manual/m.test(s.stdout), `${what}: the start-up message lists the connectors`);
  check(/^Discovery sources: /m.test(s.stdout), `${what}: the start-up message lists the discovery sources`);
  check(TOKEN.test(s.stdout) === first, `${what}: the admin token is printed on the first start only`);
  if (built === null) return;
  if (built === '') check(/\[build\] up to date/.test(s.stderr), `${what}: nothing was built:\n${s.stderr}`);
  else check(new RegExp(`\\[build\\] built ${built};`).test(s.stderr), `${what}: built ${built} only:\n${s.stderr}`);
}

runBench('bench:start', async () => {
  const dir = copyTree();
  const rows: { what: string; ms: number[] }[] = [];
  const checks: number[] = [];
  const load = [loadavg()];
  try {
    log(`work tree copied to ${dir}`);
    const cold = await npmStart(dir);
    checkStart(cold, 'cold npm start', true, null);
    check(/sdk: built in/.test(cold.stderr) && /server: built in/.test(cold.stderr), 'the cold start built the SDK and the server');
    rows.push({ what: 'first `npm start` (clean build, fresh data)', ms: [cold.ms] });
    log(`cold: ${(cold.ms / 1000).toFixed(1)} s`);
    const second: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = await npmStart(dir);
      checkStart(s, 'second npm start', false, '');
      second.push(s.ms);
      const checked = /checked in ([\d.]+) s/.exec(s.stderr);
      if (checked) checks.push(Number(checked[1]) * 1000);
    }
    rows.push({ what: 'second `npm start` (nothing to build)', ms: second });
    log(`second: ${second.map((x) => (x / 1000).toFixed(2)).join(', ')} s`);
    if (!SMALL) {
      appendFileSync(join(dir, 'src', 'cli', 'main.ts'), '\n// bench:start edit\n');
      const edited = await npmStart(dir);
      checkStart(edited, 'npm start after an edit', false, 'server');
      rows.push({ what: '`npm start` after editing src/cli/main.ts (server recompiled)', ms: [edited.ms] });
      log(`after an edit: ${(edited.ms / 1000).toFixed(1)} s`);
    }
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    const fresh = await serveDemo(dir);
    checkStart(fresh, 'serve --demo on a fresh data folder', true, null);
    rows.push({ what: '`node bin/mandate.js serve --demo`, fresh data folder', ms: [fresh.ms] });
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = await serveDemo(dir);
      checkStart(s, 'serve --demo, warm', false, null);
      warm.push(s.ms);
    }
    rows.push({ what: '`node bin/mandate.js serve --demo`, warm', ms: warm });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  load.push(loadavg());
  const secondMs = median(rows[1]!.ms);
  const lines = [
    '| start | time to listening (median; max) | target |',
    '| --- | --- | --- |',
    ...rows.map((r) => {
      const target = r.what.startsWith('second') ? ` ≤ 5 s: ${secondMs <= TARGET_MS ? 'met' : 'MISSED'}` : '';
      const max = r.ms.length > 1 ? `; ${(Math.max(...r.ms) / 1000).toFixed(2)} s` : '';
      return `| ${r.what} | ${(median(r.ms) / 1000).toFixed(2)} s${max} (${r.ms.length} run${r.ms.length > 1 ? 's' : ''}) |${target} |`;
    }),
  ];
  lines.push(
    '',
    `The stale check of a second start: ${checks.map((c) => `${Math.round(c)} ms`).join(', ')}. Load average ${load.join(' → ')}.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(
    OUT,
    `${JSON.stringify({ machine: machine(), small: SMALL, targetMs: TARGET_MS, rows, checkMs: checks, load }, null, 1)}\n`,
  );
});
