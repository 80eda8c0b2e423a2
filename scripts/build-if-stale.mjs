#!/usr/bin/env node
// Builds what `npm start` runs, and only what is stale: the SDK (packages/sdk/dist), the server
// (dist/, compiled against the SDK's declarations) and the console (console/dist). Each output
// folder holds a stamp (.build-stamp.json) of what it was built from: the SHA-256 of every input
// file (sources, tsconfigs, package.json and package-lock.json, the Vite config), the stamps of
// the steps it depends on, and the files it wrote. A step is built again when an input's content
// differs, an input was added or removed, a step it depends on was built from other inputs, or
// an output it wrote is missing; a second `npm start` with nothing changed runs no compiler.
//
// Why by hand rather than only the tools' own modes: `tsc --build` would skip an up-to-date server
// too, but it costs a TypeScript start (about a second, three on a loaded machine, out of a
// five-second budget) to find nothing to do, it does not see the SDK's declarations change unless
// the SDK becomes a composite project reference, and Vite has no incremental build at all. So the
// stamp decides whether a step runs; when one runs, tsc does use its own incremental mode
// (--incremental, its .tsbuildinfo in the output folder), so a change to one file recompiles in
// seconds, not the full minute; Vite rebuilds the console whole (a few seconds). The console's
// inputs are the files Vite's module graph read (console/src and what it imports from src/),
// recorded at each build, so an edit to src/ledger/leaf.ts rebuilds the console and one to an
// unrelated server file does not.
//
//   node scripts/build-if-stale.mjs          build the stale steps (npm start's prestart)
//   node scripts/build-if-stale.mjs --force  build every step from scratch (npm run build)
//   node scripts/build-if-stale.mjs --check  build nothing; exit 1 when a step is stale, saying why
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const STAMP = '.build-stamp.json';
const TSBUILDINFO = '.tsbuildinfo';
const FORMAT = 1;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * A step: `dirs` (every file under them) and `files` are its inputs (a missing file counts, as
 * missing), `after` the steps it needs built first (their stamps are inputs too), `outDir` where it
 * writes and keeps its stamp, `recipe` how it builds (part of its key: a new recipe rebuilds), and
 * `build({ root, full })` builds it, answering the further input files it found (the console's
 * module graph), if any. `full`: no incremental state may be trusted.
 *
 * @typedef {{ name: string, dirs: string[], files: string[], after: string[], outDir: string, recipe: string,
 *   build: (ctx: { root: string, full: boolean, log: (m: string) => void }) => Promise<{ graph?: string[] } | void> }} Step
 */

/** The build of `npm start`: the SDK, then the server against it; the console beside them. */
export function defaultSteps() {
  const tsc =
    (config, outDir) =>
    async ({ root, full }) => {
      const info = join(root, outDir, TSBUILDINFO);
      // tsc --incremental re-emits only what changed: after a deleted output it must start afresh.
      if (full) rmSync(info, { force: true });
      const bin = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      await exec(process.execPath, [bin, '-p', config, '--incremental', '--tsBuildInfoFile', info], root);
    };
  const shared = ['tsconfig.json', 'package.json', 'package-lock.json'];
  return [
    {
      name: 'sdk',
      dirs: ['packages/sdk/src'],
      files: ['packages/sdk/tsconfig.build.json', 'packages/sdk/package.json', ...shared],
      after: [],
      outDir: 'packages/sdk/dist',
      recipe: 'tsc -p packages/sdk/tsconfig.build.json --incremental',
      build: tsc('packages/sdk/tsconfig.build.json', 'packages/sdk/dist'),
    },
    {
      name: 'server',
      dirs: ['src'],
      // The CLI's client takes its types from the OpenAPI document's declarations.
      files: ['tsconfig.build.json', 'openapi/client.d.ts', 'openapi/mandate.d.ts', ...shared],
      after: ['sdk'],
      outDir: 'dist',
      recipe: 'tsc -p tsconfig.build.json --incremental',
      build: tsc('tsconfig.build.json', 'dist'),
    },
    {
      name: 'console',
      dirs: ['console/src'],
      files: ['console/index.html', 'console/vite.config.ts', 'console/tsconfig.json', ...shared],
      after: [],
      outDir: 'console/dist',
      recipe: 'vite build --config console/vite.config.ts',
      build: viteBuild,
    },
  ];
}

/** `npm run build:console`, through Vite's API so that the module graph it read is known. */
async function viteBuild({ root }) {
  const vite = await import(pathToFileURL(join(root, 'node_modules', 'vite', 'dist', 'node', 'index.js')).href);
  const read = new Set();
  await vite.build({
    configFile: join(root, 'console', 'vite.config.ts'),
    logLevel: 'warn',
    plugins: [
      {
        name: 'mandate-build-inputs',
        buildEnd() {
          for (const id of this.getModuleIds()) read.add(id);
        },
      },
    ],
  });
  const graph = [];
  for (const id of read) {
    const file = id.split('?')[0];
    if (!isAbsolute(file)) continue; // virtual modules
    const rel = relative(root, file);
    // Dependencies are pinned by package-lock.json, an input already.
    if (rel.startsWith('..') || rel.split(sep).includes('node_modules')) continue;
    graph.push(rel.split(sep).join('/'));
  }
  return { graph };
}

function exec(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${args.slice(1).join(' ')} exited with ${code ?? signal}`)),
    );
  });
}

/** Every regular file under `dir` (relative to root, `/`-separated), sorted; none when it does not exist. */
function walk(root, dir, skip = () => false) {
  const out = [];
  const visit = (rel) => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (skip(child)) continue;
      if (e.isDirectory()) visit(child);
      else if (e.isFile()) out.push(child);
    }
  };
  visit(dir);
  return out.sort();
}

function sha256(root, file) {
  try {
    return createHash('sha256')
      .update(readFileSync(join(root, file)))
      .digest('hex');
  } catch {
    return 'missing';
  }
}

/** Hashes of a step's inputs now: its folders, its files, and the module graph its stamp recorded. */
function inputsNow(root, step, graph = []) {
  const files = new Set([...step.dirs.flatMap((d) => walk(root, d)), ...step.files, ...graph]);
  return Object.fromEntries([...files].sort().map((f) => [f, sha256(root, f)]));
}

function keyOf(step, inputs, deps) {
  const h = createHash('sha256').update(`${FORMAT}\n${step.recipe}\n`);
  for (const [name, key] of Object.entries(deps).sort()) h.update(`dep ${name} ${key}\n`);
  for (const [file, hash] of Object.entries(inputs)) h.update(`${file} ${hash}\n`);
  return h.digest('hex');
}

function readStamp(root, step) {
  try {
    const s = JSON.parse(readFileSync(join(root, step.outDir, STAMP), 'utf8'));
    return s && s.format === FORMAT && typeof s.key === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

const plural = (n, what) => `${n} ${what}${n === 1 ? '' : 's'}`;
const some = (files) => files.slice(0, 3).join(', ') + (files.length > 3 ? `, … (${files.length})` : '');

/**
 * Whether a step is stale and why. `keys`: the current keys of the steps it depends on. Answers
 * `{ stale: false, key }` or `{ stale: true, why, full }` (`full`: its incremental state cannot be
 * trusted, e.g. an output was deleted).
 */
export function staleness(root, step, keys) {
  const stamp = readStamp(root, step);
  if (!stamp) return { stale: true, why: 'not built yet', full: true };
  if (stamp.recipe !== step.recipe) return { stale: true, why: 'its build command changed', full: true };
  const gone = (stamp.outputs ?? []).find((f) => !existsSync(join(root, step.outDir, f)));
  if (gone !== undefined) return { stale: true, why: `${step.outDir}/${gone} is missing`, full: true };
  const deps = Object.fromEntries(step.after.map((d) => [d, keys[d]]));
  const rebuilt = step.after.filter((d) => stamp.deps?.[d] !== keys[d]);
  const inputs = inputsNow(root, step, stamp.graph);
  const before = stamp.inputs ?? {};
  const changed = [...new Set([...Object.keys(inputs), ...Object.keys(before)])].filter((f) => inputs[f] !== before[f]).sort();
  const key = keyOf(step, inputs, deps);
  if (key === stamp.key && !changed.length && !rebuilt.length) return { stale: false, key };
  const why = [
    ...(changed.length ? [`${plural(changed.length, 'input')} changed: ${some(changed)}`] : []),
    ...(rebuilt.length ? [`${rebuilt.join(', ')} built from other inputs`] : []),
  ];
  return { stale: true, why: why.join('; ') || 'its stamp does not match', full: false };
}

/**
 * Builds the stale steps (every step with `force`), in dependency order, steps that do not depend
 * on each other at the same time. Answers which were built and which skipped; throws when a build
 * fails (that step's stamp is then left as it was, so the next run tries again).
 */
export async function buildIfStale({ root = ROOT, steps = defaultSteps(), force = false, check = false, log = defaultLog } = {}) {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const keys = {};
  const built = [];
  const skipped = [];
  const stale = [];
  const done = new Map();
  const run = (step) => {
    if (!done.has(step.name)) done.set(step.name, once(step));
    return done.get(step.name);
  };
  const once = async (step) => {
    for (const d of step.after) {
      const dep = byName.get(d);
      if (!dep) throw new Error(`step ${step.name} needs ${d}, which is not a step`);
      await run(dep);
    }
    const state = force ? { stale: true, why: 'a full build was asked for', full: true } : staleness(root, step, keys);
    if (!state.stale) {
      keys[step.name] = state.key;
      skipped.push(step.name);
      return;
    }
    if (check) {
      stale.push(step.name);
      log(`${step.name} (${step.outDir}) is stale: ${state.why}`);
      keys[step.name] = `stale:${step.name}`;
      return;
    }
    log(`${step.name}: ${state.why}; building (${step.recipe})`);
    const t0 = performance.now();
    // The inputs as they were when the build started: a file edited meanwhile is seen as changed next time.
    const previous = readStamp(root, step);
    const snapshot = inputsNow(root, step, previous?.graph);
    rmSync(join(root, step.outDir, STAMP), { force: true });
    const result = (await step.build({ root, full: state.full, log })) ?? {};
    const graph = result.graph ? [...new Set(result.graph)].sort() : undefined;
    const inputs = { ...snapshot };
    for (const f of graph ?? []) if (!(f in inputs)) inputs[f] = sha256(root, f);
    const sorted = Object.fromEntries(Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const deps = Object.fromEntries(step.after.map((d) => [d, keys[d]]));
    const key = keyOf(step, sorted, deps);
    const outputs = walk(root, step.outDir, (f) => f === `${step.outDir}/${STAMP}` || f === `${step.outDir}/${TSBUILDINFO}`).map((f) =>
      f.slice(step.outDir.length + 1),
    );
    const stamp = { format: FORMAT, recipe: step.recipe, key, deps, inputs: sorted, ...(graph ? { graph } : {}), outputs };
    writeFileSync(join(root, step.outDir, STAMP), `${JSON.stringify(stamp, null, 1)}\n`);
    keys[step.name] = key;
    built.push(step.name);
    log(`${step.name}: built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await Promise.all(steps.map(run));
  return { built, skipped, stale };
}

function defaultLog(message) {
  process.stderr.write(`[build] ${message}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const unknown = args.find((a) => !['--force', '--check'].includes(a));
  if (unknown) {
    process.stderr.write(`build-if-stale: unknown option ${unknown} (use --force or --check)\n`);
    process.exit(2);
  }
  const t0 = performance.now();
  buildIfStale({ force: args.includes('--force'), check: args.includes('--check') }).then(
    ({ built, skipped, stale }) => {
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      if (stale.length) process.exit(1);
      if (!built.length) defaultLog(`up to date (${skipped.join(', ')}; checked in ${s} s)`);
      else if (skipped.length) defaultLog(`built ${built.join(', ')}; ${skipped.join(', ')} up to date (${s} s)`);
    },
    (err) => {
      defaultLog(`failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
