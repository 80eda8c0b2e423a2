// bench:console — the web console against the issue's budgets:
//   "first load on localhost ≤ 1 s, JS bundle ≤ 400 KB gzipped", and the inventory page "stays
//   fast at 100,000 rows".
//
//   1. Bundle: `npm run build:console`, then every JS and CSS file in console/dist/assets, raw and
//      gzipped (zlib level 9), which of them index.html loads, and all JS gzipped against 400 KB
//      (400,000 bytes).
//   2. A real server in this process (bench/console/server.ts: startServer() as `mandate serve
//      --demo` runs it, temp SQLite file, 127.0.0.1 port 0, a new API token for the bootstrap
//      admin) and Debian's Chromium through playwright-core (test/console/browser.ts).
//   3. First load of /console/, BENCH_RUNS times (default 15) after one discarded run, cold (a new
//      browser context each run: empty HTTP cache) and warm (one context, a new tab each run):
//      signed out, until the "API token" field is shown; signed in (the session put in
//      sessionStorage before the page's scripts run, as the console keeps it), until the overview
//      is fully rendered (readiness table, findings counts, no section still "Loading…"). Wall time
//      is from page.goto() to Playwright seeing it; "in page" is performance.now() at the frame
//      that shows it (from the navigation's start); Navigation Timing gives DOMContentLoaded and
//      the load event, Resource Timing the JS fetched.
//   4. Inventory at scale: a second server on a store seeded with BENCH_IDENTITIES (default
//      100,000) identities of bench:evidence's synthetic firm (bench/evidence/firm.ts) through the
//      importer; then BENCH_INVENTORY_RUNS (default 10) times each, after one discarded run: open
//      /console/inventory until the first page of rows is shown (cold and warm), select a
//      Function, go to the next page, search. For the interactions "in page" runs from the input
//      event (change, click) to the frame showing the new count / rows; "API" is the browser's
//      Resource Timing duration of that GET /v1/identities. Also the overview at that size.
//
//   npm run bench:console
//   BENCH_IDENTITIES=100000  BENCH_RUNS=15  BENCH_INVENTORY_RUNS=10
//   BENCH_SEED_CACHE=/path/seed.db (reuse the seeded store across runs: seeded once, copied per run)
//   BENCH_SKIP_BUILD=1 (measure the build already in console/dist)   BENCH_OUT=bench/out/console.json
//   npm run bench:console -- --small   (CI: 2,000 identities, 1 run a series, the build already in
//   console/dist when there is one; written to bench/out/console-small.json; budgets only reported)
//
// Every run checks what it measured: a bundle with an entry script, every series with all its runs
// timed, and no script error in any page (a page that throws fails the run).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { IDENTITY_FUNCTIONS } from '../src/core/vocabulary.js';
import { launchBrowser } from '../test/console/browser.js';
import { otherLoad } from './console/cpu.js';
import { benchServer, seedInventory, type BenchServer, type Seeded } from './console/server.js';
import {
  inputAndRequest,
  inventoryState,
  navTiming,
  prepareContext,
  resetInput,
  shownAt,
  type NavTiming,
  type Shown,
} from './console/probes.js';
import { check, quantile, runBench, SMALL } from './harness.js';

const env = process.env;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'console', 'dist');
const OUT = env.BENCH_OUT ?? join(ROOT, 'bench', 'out', SMALL ? 'console-small.json' : 'console.json');
const IDENTITIES = Number(env.BENCH_IDENTITIES ?? (SMALL ? 2_000 : 100_000));
const RUNS = Number(env.BENCH_RUNS ?? (SMALL ? 1 : 15));
const INVENTORY_RUNS = Number(env.BENCH_INVENTORY_RUNS ?? (SMALL ? 1 : 10));
// Small: CI has just built the console (npm test); a build of its own would double the run.
const SKIP_BUILD = env.BENCH_SKIP_BUILD === '1' || (SMALL && env.BENCH_SKIP_BUILD !== '0' && existsSync(join(DIST, 'index.html')));
const BUDGET = { jsGzipBytes: 400_000, firstLoadMs: 1_000 };

const log = (m: string) => process.stderr.write(`[bench:console] ${m}\n`);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const kb = (bytes: number) => (bytes < 1000 ? `${Math.round(bytes)} B` : `${(bytes / 1000).toFixed(1)} kB`);
const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : '—');
const stats = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1] ?? Number.NaN };
};

// ---------------------------------------------------------------------------------------------
// 1. The bundle
// ---------------------------------------------------------------------------------------------

interface Asset {
  file: string;
  kind: 'js' | 'css';
  initial: boolean;
  rawBytes: number;
  gzipBytes: number;
}

/** What index.html itself loads (the entry script, preloaded chunks, stylesheets); the rest are chunks loaded later, if any. */
function entryFiles(): string[] {
  const index = readFileSync(join(DIST, 'index.html'), 'utf8');
  return [...index.matchAll(/(?:src|href)="[^"]*\/assets\/([^"]+)"/g)].map((m) => m[1]!);
}

function bundle(): { buildMs: number | null; assets: Asset[]; jsGzipBytes: number; initialJsGzipBytes: number } {
  let buildMs: number | null = null;
  if (!SKIP_BUILD) {
    const t0 = performance.now();
    const r = spawnSync('npm', ['run', 'build:console'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (r.status !== 0) throw new Error(`npm run build:console exited with ${r.status ?? r.signal}`);
    buildMs = performance.now() - t0;
    log(`build: ${(buildMs / 1000).toFixed(1)} s`);
  }
  const referenced = new Set(entryFiles());
  const assets: Asset[] = readdirSync(join(DIST, 'assets'))
    .filter((f) => /\.(js|css)$/.test(f))
    .sort()
    .map((file) => {
      const raw = readFileSync(join(DIST, 'assets', file));
      return {
        file,
        kind: file.endsWith('.js') ? 'js' : 'css',
        initial: referenced.has(file),
        rawBytes: raw.length,
        gzipBytes: gzipSync(raw, { level: 9 }).length,
      };
    });
  const js = assets.filter((a) => a.kind === 'js');
  return {
    buildMs,
    assets,
    jsGzipBytes: js.reduce((s, a) => s + a.gzipBytes, 0),
    initialJsGzipBytes: js.filter((a) => a.initial).reduce((s, a) => s + a.gzipBytes, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Page loads
// ---------------------------------------------------------------------------------------------

interface Load {
  wallMs: number;
  shownMs: number;
  nav: NavTiming;
}
interface LoadSeries {
  label: string;
  cache: 'cold' | 'warm';
  runs: Load[];
}

type Session = { token: string; me: unknown } | undefined;

/** One load of `path` in a new tab of `context`, until the page shows `shown`. */
async function loadOnce(context: BrowserContext, server: BenchServer, path: string, shown: Shown): Promise<Load> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    const t0 = performance.now();
    await page.goto(`${server.url}${path}`, { waitUntil: 'commit' });
    const shownMs = await shownAt(page, shown).catch(async (err: unknown) => {
      // Say what the page showed instead.
      const text = await page
        .locator('body')
        // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the rendered text), not the DOM property
        .innerText({ timeout: 1_000 })
        .catch(() => '(unreadable)');
      throw new Error(
        `${path} never showed ${shown}: ${String(err)}\npage errors: ${errors.join(' | ') || 'none'}\npage text: ${text.slice(0, 2_000)}`,
      );
    });
    const wallMs = performance.now() - t0;
    const nav = await navTiming(page);
    if (errors.length) nav.alerts.push(...errors.map((e) => `page error: ${e}`));
    return { wallMs, shownMs, nav };
  } finally {
    await page.close();
  }
}

async function loads(
  browser: Browser,
  server: BenchServer,
  o: { label: string; path: string; shown: Shown; session: Session; cache: 'cold' | 'warm'; runs: number },
): Promise<LoadSeries> {
  const runs: Load[] = [];
  const fresh = async () => {
    const c = await browser.newContext();
    await prepareContext(c, o.session);
    return c;
  };
  let shared = o.cache === 'warm' ? await fresh() : undefined;
  try {
    // One discarded run: for warm, it is the one that fills the cache.
    for (let i = 0; i <= o.runs; i++) {
      const context = shared ?? (await fresh());
      try {
        const load = await loadOnce(context, server, o.path, o.shown);
        if (i > 0) runs.push(load);
      } finally {
        if (!shared) await context.close();
      }
    }
  } finally {
    await shared?.close();
    shared = undefined;
  }
  const alerts = new Set(runs.flatMap((r) => r.nav.alerts));
  if (alerts.size) log(`${o.label} (${o.cache}): the page showed ${[...alerts].join(' | ')}`);
  const thrown = [...alerts].filter((a) => a.startsWith('page error:'));
  check(thrown.length === 0, `${o.label} (${o.cache}): ${thrown.join(' | ')}`);
  check(
    runs.length === o.runs && runs.every((r) => Number.isFinite(r.wallMs) && Number.isFinite(r.shownMs)),
    `${o.label} (${o.cache}): ${runs.length} of ${o.runs} loads timed`,
  );
  const s = stats(runs.map((r) => r.wallMs));
  log(`${o.label} (${o.cache}): p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, max ${ms(s.max)}`);
  return { label: o.label, cache: o.cache, runs };
}

// ---------------------------------------------------------------------------------------------
// 4. Inventory interactions
// ---------------------------------------------------------------------------------------------

interface Step {
  wallMs: number;
  inPageMs: number;
  apiMs: number;
}
interface StepSeries {
  label: string;
  runs: Step[];
}

/** Times `act` (one user input, after `prepare`) on an inventory page until the table shows its answer. */
async function step(page: Page, act: () => Promise<void>, prepare?: () => Promise<void>): Promise<Step> {
  await prepare?.();
  const before = await inventoryState(page);
  await resetInput(page);
  const t0 = performance.now();
  await act();
  const at = await shownAt(page, 'changed', before);
  const wallMs = performance.now() - t0;
  const { input, requestMs } = await inputAndRequest(page, '/v1/identities');
  return { wallMs, inPageMs: input === null ? Number.NaN : at - input, apiMs: requestMs ?? Number.NaN };
}

async function interactions(browser: Browser, server: BenchServer, runs: number): Promise<StepSeries[]> {
  const context = await browser.newContext();
  await prepareContext(context, { token: server.token, me: server.me });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const open = async () => {
    await page.goto(`${server.url}/console/inventory`, { waitUntil: 'commit' });
    await shownAt(page, 'inventory');
  };
  const series = async (label: string, act: (i: number) => Promise<void>, prepare?: (i: number) => Promise<void>): Promise<StepSeries> => {
    await open();
    const out: Step[] = [];
    for (let i = 0; i <= runs; i++) {
      const s = await step(page, () => act(i), prepare && (() => prepare(i)));
      if (i > 0) out.push(s);
    }
    const w = stats(out.map((r) => r.wallMs));
    log(`inventory ${label}: p50 ${ms(w.p50)}, p95 ${ms(w.p95)}`);
    return { label, runs: out };
  };
  // Terms that each match at any size the bench is run at, and differ from the one before.
  const TERMS = [
    'custody',
    'person017@',
    'nhi-0004',
    'trading identity',
    'ent-ie',
    '#99',
    'reconciliation',
    'person150@',
    'nhi-00012',
    'reporting identity',
    'settlement',
    'ent-de',
  ];
  try {
    const out = [
      // Each on a freshly opened page: the console caches what it fetched, and a value selected
      // before would be answered from that cache.
      await series(
        'filter: Function = …',
        (i) =>
          page
            .locator('label')
            .filter({ hasText: /^Function/ })
            .locator('select')
            .selectOption(IDENTITY_FUNCTIONS[i % IDENTITY_FUNCTIONS.length]!)
            .then(() => undefined),
        open,
      ),
      await series('next page', () => page.getByRole('button', { name: 'Next', exact: true }).click()),
      // The term is typed first; the time runs from the click on Search.
      await series(
        'search (id, owner or purpose)',
        () => page.getByRole('button', { name: 'Search', exact: true }).click(),
        (i) => page.getByLabel('Search id, owner or purpose').fill(TERMS[i % TERMS.length]!),
      ),
    ];
    check(errors.length === 0, `inventory: page errors: ${errors.join(' | ')}`);
    for (const s of out)
      check(
        s.runs.length === runs && s.runs.every((r) => Number.isFinite(r.wallMs)),
        `inventory ${s.label}: ${s.runs.length} of ${runs} steps timed`,
      );
    return out;
  } finally {
    await context.close();
  }
}

/**
 * The overview's API requests one at a time, outside the browser (median of 3 after one
 * discarded): the page sends them together, and while one holds the server's event loop the others
 * wait behind it, so their durations in the page do not say which one is slow.
 */
async function alone(server: BenchServer, series: LoadSeries): Promise<{ request: string; ms: number; bytes: number }[]> {
  const requests = [...new Set(series.runs.flatMap((r) => r.nav.requests))].sort();
  const out: { request: string; ms: number; bytes: number }[] = [];
  for (const request of requests) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}${request}`, { headers: { authorization: `Bearer ${server.token}` } });
      bytes = (await res.arrayBuffer()).byteLength;
      if (!res.ok) throw new Error(`GET ${request} answered ${res.status}`);
      if (i > 0) times.push(performance.now() - t0);
    }
    out.push({ request, ms: stats(times).p50, bytes });
  }
  out.sort((a, b) => b.ms - a.ms);
  log(`overview requests alone: ${out.map((r) => `${r.request} ${ms(r.ms)}`).join(', ')}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

/** The share of the CPUs other processes used while a part ran. */
const others = (share: number | null) =>
  share === null ? '' : ` — other processes used ${Math.round(share * 100)}% of the CPUs meanwhile`;

function bundleTable(b: ReturnType<typeof bundle>): string {
  const rows = b.assets.map(
    (a) => `| ${a.file} | ${a.kind.toUpperCase()} | ${a.initial ? 'yes' : 'later'} | ${kb(a.rawBytes)} | ${kb(a.gzipBytes)} |`,
  );
  const verdict = b.jsGzipBytes <= BUDGET.jsGzipBytes ? 'met' : 'MISS';
  return [
    '| asset | kind | loaded by index.html | raw | gzip -9 |',
    '| --- | --- | --- | ---: | ---: |',
    ...rows,
    `| **all JS** | | | ${kb(b.assets.filter((a) => a.kind === 'js').reduce((s, a) => s + a.rawBytes, 0))} | **${kb(b.jsGzipBytes)}** ` +
      `(budget ${kb(BUDGET.jsGzipBytes)}: ${verdict}) |`,
  ].join('\n');
}

function loadTable(series: LoadSeries[]): string {
  const rows = series.map((s) => {
    const w = stats(s.runs.map((r) => r.wallMs));
    const shown = stats(s.runs.map((r) => r.shownMs));
    const dcl = stats(s.runs.map((r) => r.nav.domContentLoadedMs));
    const load = stats(s.runs.map((r) => r.nav.loadEventEndMs));
    const js = stats(s.runs.map((r) => r.nav.jsTransferBytes));
    const largest = s.runs[0]?.nav.largestJs;
    // The API request the page waited longest for (by p50 over the runs).
    const paths = [...new Set(s.runs.flatMap((r) => Object.keys(r.nav.api)))];
    const slowest = paths.map((p) => ({ p, ms: stats(s.runs.map((r) => r.nav.api[p] ?? 0)).p50 })).sort((a, b) => b.ms - a.ms)[0];
    return (
      `| ${s.label} | ${s.cache} | ${s.runs.length} | ${ms(w.p50)} | ${ms(w.p95)} | ${ms(w.max)} | ${ms(shown.p50)} / ` +
      `${ms(shown.p95)} | ${ms(dcl.p50)} | ${ms(load.p50)} | ${kb(js.p50)} | ` +
      `${largest ? `${largest.name.replace(/^.*\//, '')}: ${kb(largest.transferBytes)} (${kb(largest.decodedBytes)} decoded)` : '—'}` +
      ` | ${slowest ? `${slowest.p} ${ms(slowest.ms)}` : '—'} |`
    );
  });
  return [
    '| page, until shown | cache | runs | wall p50 | wall p95 | wall max | in page p50 / p95 | DOMContentLoaded p50 | load event p50 | ' +
      'JS transferred p50 | largest JS transfer | slowest API request p50 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ].join('\n');
}

function aloneTable(rows: { request: string; ms: number; bytes: number }[]): string {
  return [
    '| overview request, alone | p50 of 3 | response |',
    '| --- | ---: | ---: |',
    ...rows.map((r) => `| \`GET ${r.request}\` | ${ms(r.ms)} | ${kb(r.bytes)} |`),
  ].join('\n');
}

function stepTable(series: StepSeries[]): string {
  const rows = series.map((s) => {
    const w = stats(s.runs.map((r) => r.wallMs));
    const p = stats(s.runs.map((r) => r.inPageMs));
    const a = stats(s.runs.map((r) => r.apiMs));
    return `| ${s.label} | ${s.runs.length} | ${ms(w.p50)} | ${ms(w.p95)} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(a.p50)} | ${ms(a.p95)} |`;
  });
  return [
    '| inventory action, until the table shows the answer | runs | wall p50 | wall p95 | in page p50 | in page p95 | API p50 | API p95 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = new Date().toISOString();
  // The commit measured, and whether console/ or src/ held uncommitted edits (they are measured too).
  const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const source = {
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommitted: git('status', '--porcelain', '--', 'console', 'src').split('\n').filter(Boolean).length,
  };
  log(`commit ${source.commit}${source.uncommitted ? ` with ${source.uncommitted} uncommitted files in console/ and src/` : ''}`);
  const load = { start: loadavg(), end: '' };
  log(`load average at start ${load.start}`);
  const b = bundle();
  check(
    b.assets.some((a) => a.kind === 'js' && a.initial) && b.initialJsGzipBytes > 0,
    `console/dist has no entry script that index.html loads: ${JSON.stringify(b.assets.map((a) => a.file))}`,
  );
  // console/dist is the working tree's: note it if someone rebuilds it while the bench runs.
  const entry = entryFiles().join(' ');
  const work = mkdtempSync(join(tmpdir(), 'mandate-bench-console-'));
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let server: BenchServer | undefined;
  try {
    browserHandle = await launchBrowser();
    const { browser } = browserHandle;
    const chromium = browser.version();
    log(`Chromium ${chromium}; ${cpus().length} CPUs`);

    server = await benchServer(work, join(work, 'demo.db'), { demo: true });
    log(`demo server up`);
    const session = { token: server.token, me: server.me };
    const firstLoad = otherLoad();
    const first: LoadSeries[] = [];
    for (const cache of ['cold', 'warm'] as const)
      first.push(
        await loads(browser, server, { label: 'sign-in form', path: '/console/', shown: 'signIn', session: undefined, cache, runs: RUNS }),
      );
    for (const cache of ['cold', 'warm'] as const)
      first.push(
        await loads(browser, server, {
          label: 'overview, signed in (demo firm)',
          path: '/console/',
          shown: 'overview',
          session,
          cache,
          runs: RUNS,
        }),
      );
    const othersFirst = firstLoad.stop();
    await server.close();
    server = undefined;

    const file = join(work, 'inventory.db');
    const seeded: Seeded = await seedInventory(work, file, IDENTITIES, env.BENCH_SEED_CACHE, log);
    server = await benchServer(work, file, { demo: false });
    log(`inventory server up (${IDENTITIES.toLocaleString('en')} identities)`);
    const big = { token: server.token, me: server.me };
    const scaleLoad = otherLoad();
    const n = IDENTITIES.toLocaleString('en');
    const atScale: LoadSeries[] = [];
    for (const cache of ['cold', 'warm'] as const)
      atScale.push(
        await loads(browser, server, {
          label: `inventory first page (${n} identities)`,
          path: '/console/inventory',
          shown: 'inventory',
          session: big,
          cache,
          runs: INVENTORY_RUNS,
        }),
      );
    atScale.push(
      await loads(browser, server, {
        label: `overview, signed in (${n} identities)`,
        path: '/console/',
        shown: 'overview',
        session: big,
        cache: 'warm',
        runs: INVENTORY_RUNS,
      }),
    );
    const steps = await interactions(browser, server, INVENTORY_RUNS);
    const overviewApi = await alone(server, atScale[atScale.length - 1]!);
    const othersScale = scaleLoad.stop();
    await server.close();
    server = undefined;
    load.end = loadavg();
    log(`load average at the end ${load.end}`);

    const entryNow = (() => {
      try {
        return entryFiles().join(' ');
      } catch {
        return '(being rebuilt)';
      }
    })();
    const rebuilt = entryNow !== entry;
    if (rebuilt) log(`console/dist was rebuilt while the bench ran (now ${entryNow}): the pages measured may not be the bundle measured`);

    const md = [
      ...(rebuilt ? ['**console/dist was rebuilt during the run**: the pages measured may not be the bundle above.', ''] : []),
      `### Bundle${b.buildMs !== null ? ` (build ${(b.buildMs / 1000).toFixed(1)} s)` : ''}`,
      '',
      bundleTable(b),
      '',
      `### First load (demo firm)${others(othersFirst)}`,
      '',
      loadTable(first),
      '',
      `### Inventory at ${n} identities (seeding ${seeded.cached ? 'cached' : `${(seeded.ms / 1000).toFixed(0)} s`})${others(othersScale)}`,
      '',
      loadTable(atScale),
      '',
      aloneTable(overviewApi),
      '',
      stepTable(steps),
      '',
    ].join('\n');
    process.stdout.write(`${md}\n`);
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(
      OUT,
      JSON.stringify(
        {
          started,
          source,
          load,
          othersCpuShare: { firstLoad: othersFirst, inventory: othersScale },
          machine: {
            cpus: cpus().length,
            cpu: cpus()[0]?.model,
            memGiB: Math.round(totalmem() / 2 ** 30),
            node: process.version,
            chromium,
          },
          budget: BUDGET,
          bundle: b,
          rebuiltDuringRun: rebuilt,
          first,
          inventory: { identities: IDENTITIES, seeded, loads: atScale, overviewApi, steps },
        },
        null,
        2,
      ),
    );
    log(`figures written to ${OUT}`);
  } finally {
    await server?.close().catch((err: unknown) => log(`closing the server: ${String(err)}`));
    await browserHandle?.close().catch((err: unknown) => log(`closing the browser: ${String(err)}`));
    rmSync(work, { recursive: true, force: true });
  }
}

runBench('bench:console', main);
