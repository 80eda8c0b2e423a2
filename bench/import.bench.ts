// Import and list benchmark: a 100,000-identity firm manifest imported into SQLite and PostgreSQL,
// then first-page list latency over it. `npm run bench:import`.
//
// The parent generates the manifest (seeded, so every run imports the same bytes), then runs each
// store in its own child process (this file again, with `--store`), so one store's peak RSS does
// not pollute the other's. The children write their figures to a JSON file; the parent prints the
// combined Markdown table and writes bench/out/import.json.
//
// Options: --identities N (default 100000), --only sqlite|postgres, --pg-url URL (admin database),
// --small (2,000 identities and fewer list runs, for CI: every count checked, targets only reported).
// Every run checks its answers: what each import created, left unchanged or would change, and the
// rows each list returns against the manifest; a wrong one fails the run.
//
// Peak RSS is sampled every 10 ms by a worker thread: better-sqlite3 is synchronous, so a timer on
// the main thread would not fire while an import runs, and would miss exactly the peak it is after.
// RSS is per process, so the worker sees the main thread's memory (plus its own few MB).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { withLeiCheckDigits } from '../src/core/lei.js';
import {
  CAPABILITIES,
  CREDENTIAL_TYPES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  type IdentityFunction,
  type MemberState,
  type MicaService,
} from '../src/core/vocabulary.js';
import type { ImportResult } from '../src/importer/service.js';
import type { ListFilter } from '../src/state/records.js';
import { mulberry32 as prng } from '../src/demo/prng.js';
import { freePort, startProcess, waitForHttp } from './decide/servers.js';
import {
  check,
  createPgDatabase,
  gc,
  PG_ADMIN,
  quantile,
  RssSampler,
  machine as benchMachine,
  readChildResult,
  runChild,
  SMALL,
  writeChildResult,
  type BenchDatabase,
} from './harness.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = join(HERE, 'out');
const SEED = 0x6d616e64; // "mand"
const LIST_LIMIT = 51;
// The child gets --small from the parent, so SMALL holds on both sides.
const LIST_WARMUP = SMALL ? 2 : 5;
const LIST_RUNS = SMALL ? 10 : 50;
const MB = 1024 * 1024;

type StoreName = 'sqlite' | 'postgres';

const TARGETS = {
  importMs: { sqlite: 5_000, postgres: 15_000 } as Record<StoreName, number>,
  peakRssMb: 500,
  listMs: 20,
};

// ---------------------------------------------------------------------------------------------
// Manifest generation
// ---------------------------------------------------------------------------------------------

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const identityId = (n: number) => `nhi-${pad(n, 6)}`;
const personId = (n: number) => `person${pad(n, 3)}@bench.example`;

interface ManifestInfo {
  identities: number;
  entities: number;
  people: number;
  vendors: number;
  authorisations: number;
  scopes: number;
  bytes: number;
  sha256: string;
  /** Values the list filters use, chosen so that each matches what its name says. */
  probes: { owner: string; fewStatus: string; fewStatusRows: number; middleId: string };
}

export function generateManifest(identityCount: number): { text: string; info: ManifestInfo } {
  const rnd = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const day = (from: number, spanDays: number) => new Date(from + Math.floor(rnd() * spanDays) * 86_400_000);
  const isoDate = (d: Date) => d.toISOString().slice(0, 10);

  const entityDefs: { id: string; name: string; home: MemberState; hosts: MemberState[] }[] = [
    { id: 'ent-alpha', name: 'Alpha Digital Assets SAS', home: 'FR', hosts: ['DE', 'IT', 'ES', 'NL'] },
    { id: 'ent-beta', name: 'Beta Krypto Verwahrung GmbH', home: 'DE', hosts: ['FR', 'AT', 'IT', 'PL'] },
  ];
  const services: MicaService[] = ['custody', 'exchange_crypto', 'execution', 'transfer', 'trading_platform'];
  const entities = entityDefs.map((e, n) => ({
    id: e.id,
    name: e.name,
    lei: withLeiCheckDigits(`BENCHLEI${n + 1}`.padEnd(18, '0')),
    home: e.home,
  }));

  const authorisations: Record<string, unknown>[] = [];
  const scopesAvailable: { entity: string; service: MicaService; jurisdiction: MemberState }[] = [];
  for (const e of entityDefs) {
    for (const service of services) {
      for (const jurisdiction of [e.home, ...e.hosts]) {
        const basis = jurisdiction === e.home ? 'home' : 'passport';
        authorisations.push({
          id: `auth-${e.id}-${service.replaceAll('_', '-')}-${jurisdiction.toLowerCase()}`,
          entity: e.id,
          service,
          jurisdiction,
          status: 'authorised',
          basis,
          reference: `${basis === 'home' ? 'HOME' : 'PASSPORT'}/${e.home}/${authorisations.length + 1}`,
          effective_from: '2025-01-01',
        });
        scopesAvailable.push({ entity: e.id, service, jurisdiction });
      }
    }
  }

  const PEOPLE = 200;
  const people = Array.from({ length: PEOPLE }, (_, i) => ({
    id: personId(i + 1),
    name: `Bench Person ${i + 1}`,
    status: i % 40 === 39 ? 'departed' : 'active',
  }));
  const owners = people.filter((p) => p.status === 'active').map((p) => p.id);
  const vendors = Array.from({ length: 20 }, (_, i) => ({ id: `vendor-${pad(i + 1, 2)}`, name: `Vendor ${i + 1} Ltd` }));
  const connectors = ['postgres', 'redis', 'rabbitmq', 'webhook', 'manual'];
  const teams = ['payments', 'custody-ops', 'trading-desk', 'platform', 'risk', 'finance', 'support'];

  const start2023 = Date.UTC(2023, 0, 1);
  let scopeCount = 0;
  let revoked = 0;
  const identities: Record<string, unknown>[] = [];
  for (let n = 1; n <= identityCount; n++) {
    const id = identityId(n);
    const kind = pick(IDENTITY_KINDS);
    const fn: IdentityFunction = pick(IDENTITY_FUNCTIONS);
    const capability = rnd() < 0.3 ? CAPABILITIES[0] : CAPABILITIES[1];
    const nScopes = 1 + Math.floor(rnd() * 3);
    const scopes: (typeof scopesAvailable)[number][] = [];
    while (scopes.length < nScopes) {
      const s = pick(scopesAvailable);
      if (!scopes.includes(s)) scopes.push(s);
    }
    scopeCount += scopes.length;
    const created = day(start2023, 900);
    const credential: Record<string, string> = { type: pick(CREDENTIAL_TYPES), created: isoDate(created) };
    if (rnd() < 0.5) credential.last_rotated = isoDate(day(created.getTime() + 86_400_000, 200));
    if (rnd() < 0.4) credential.expires = isoDate(day(created.getTime() + 86_400_000 * 30, 700));
    const r = rnd();
    const status = r < 0.001 ? 'revoked' : r < 0.02 ? 'suspended' : r < 0.5 ? 'active' : undefined;
    if (status === 'revoked') revoked++;
    const identity: Record<string, unknown> = {
      id,
      kind,
      function: fn,
      capability,
      owner: pick(owners),
      purpose: `${fn.replaceAll('_', ' ')} ${kind.replaceAll('_', ' ')} #${n} for ${scopes[0]?.entity}`,
      scopes,
      environment: rnd() < 0.6 ? ENVIRONMENTS[0] : rnd() < 0.6 ? ENVIRONMENTS[1] : ENVIRONMENTS[2],
      credential,
      revocation: { connector: pick(connectors), target: `role_${id.replaceAll('-', '_')}` },
    };
    if (rnd() < 0.25) identity.vendor = pick(vendors).id;
    if (rnd() < 0.002) identity.break_glass = true;
    if (status) identity.status = status;
    if (rnd() < 0.5) identity.labels = { team: pick(teams), 'cost-centre': `cc-${pad(Math.floor(rnd() * 100), 3)}` };
    if (rnd() < 0.7) identity.last_used = `${isoDate(day(Date.UTC(2025, 6, 1), 180))}T${pad(Math.floor(rnd() * 24), 2)}:00:00Z`;
    identities.push(identity);
  }

  const manifest = { version: 1, entities, people, vendors, authorisations, identities };
  const text = JSON.stringify(manifest);
  return {
    text,
    info: {
      identities: identities.length,
      entities: entities.length,
      people: people.length,
      vendors: vendors.length,
      authorisations: authorisations.length,
      scopes: scopeCount,
      bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
      probes: { owner: personId(7), fewStatus: 'revoked', fewStatusRows: revoked, middleId: identityId(Math.floor(identityCount / 2)) },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers (child side)
// ---------------------------------------------------------------------------------------------

interface PhaseResult {
  ms: number;
  rssBeforeMb: number;
  peakRssMb: number;
  /** V8 heap in use before the phase (after a full GC) and right after it (before any GC). */
  heapBeforeMb: number;
  heapAfterMb: number;
  counts: ImportResult['counts'];
  changesTotal?: number;
}

interface ListResult {
  name: string;
  filter: string;
  rows: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface StoreResult {
  store: StoreName;
  description: string;
  import?: PhaseResult;
  reimport?: PhaseResult;
  dryRun?: PhaseResult;
  /** The kernel's peak RSS of the whole child process (getrusage), a cross-check of the sampler. */
  processMaxRssMb?: number;
  /** First-page latencies right after the import. */
  list: ListResult[];
  /** PostgreSQL: when the identity tables were last analysed, as the first list ran. */
  statsAtList?: { relname: string; last_analyze: string | null; last_autoanalyze: string | null }[];
  /** PostgreSQL: the same lists once ANALYZE has run. */
  listAfterAnalyze?: ListResult[];
  error?: string;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function runStore(opts: {
  store: StoreName;
  url: string;
  manifestPath: string;
  probes: ManifestInfo['probes'];
}): Promise<StoreResult> {
  const { openDatabase } = await import('../src/store/open.js');
  const { migrate } = await import('../src/store/migrations.js');
  const { importService } = await import('../src/importer/service.js');
  const { identityChangeGate } = await import('../src/inventory/identity-changes.js');
  const { approvalEngine } = await import('../src/state/approvals.js');
  const { DEFAULT_APPROVAL_RULES } = await import('../src/core/approvals.js');
  const { lifecycleRulesStore } = await import('../src/state/lifecycle-rules.js');
  const { listRecords } = await import('../src/state/records.js');

  const text = readFileSync(opts.manifestPath, 'utf8');
  const expect = expectations(text);
  const sampler = new RssSampler(10);
  const db = await openDatabase(opts.url);
  const result: StoreResult = { store: opts.store, description: db.description, list: [] };
  try {
    await migrate(db);
    const clock = () => new Date();
    const service = importService({
      db,
      clock,
      gate: identityChangeGate({
        approvals: approvalEngine({ db, clock, approvalRules: () => DEFAULT_APPROVAL_RULES }),
        lifecycleRules: lifecycleRulesStore({ db, clock }),
      }),
    });

    const phase = async (label: string, dryRun: boolean): Promise<PhaseResult> => {
      gc();
      const rssBefore = process.memoryUsage.rss();
      const heapBefore = process.memoryUsage().heapUsed;
      sampler.reset();
      const t0 = performance.now();
      const res = await service.importManifest('user:bench', JSON.parse(text), { dryRun, digestOf: text });
      const ms = performance.now() - t0;
      const peak = sampler.peak().rssMb;
      const heapAfter = process.memoryUsage().heapUsed;
      // Each phase did what it says: all new, all unchanged (the dry run writing nothing either way).
      const want = dryRun || label !== 'import' ? { created: 0, unchanged: expect.records } : { created: expect.records, unchanged: 0 };
      const c = res.counts;
      check(
        c.created === want.created && c.unchanged === want.unchanged && c.updated === 0 && c.rejected === 0 && c.held === 0,
        `${opts.store} ${label}: counts ${JSON.stringify(c)}, expected ${want.created} created and ${want.unchanged} unchanged of ` +
          `${expect.records} records`,
      );
      const out: PhaseResult = {
        ms: round(ms),
        rssBeforeMb: round(rssBefore / MB),
        peakRssMb: peak,
        heapBeforeMb: round(heapBefore / MB),
        heapAfterMb: round(heapAfter / MB),
        counts: res.counts,
        ...(res.changes_total !== undefined ? { changesTotal: res.changes_total } : {}),
      };
      log(
        `${opts.store}: ${label} ${out.ms} ms, RSS ${out.rssBeforeMb} -> peak ${out.peakRssMb} MB, heap ${out.heapBeforeMb} -> ` +
          `${out.heapAfterMb} MB, counts ${JSON.stringify(res.counts)}`,
      );
      return out;
    };

    const { owner, fewStatus, middleId } = opts.probes;
    const cases: { name: string; filter: ListFilter; afterId?: string }[] = [
      { name: 'no filter', filter: { columns: {} } },
      { name: 'function', filter: { columns: { function: 'custody' } } },
      { name: 'owner', filter: { columns: { owner } } },
      { name: 'scope entity', filter: { columns: {}, scope: { entity: 'ent-beta' } } },
      { name: 'scope jurisdiction', filter: { columns: {}, scope: { jurisdiction: 'IT' } } },
      {
        name: 'entity+service+jurisdiction',
        filter: { columns: {}, scope: { entity: 'ent-beta', service: 'custody', jurisdiction: 'AT' } },
      },
      { name: `status (few: ${fewStatus})`, filter: { columns: { status: fewStatus } } },
      { name: 'deep page (no filter)', filter: { columns: {} }, afterId: middleId },
    ];
    const measureLists = async (label: string): Promise<ListResult[]> => {
      const out: ListResult[] = [];
      for (const c of cases) {
        let rows = 0;
        for (let i = 0; i < LIST_WARMUP; i++) rows = (await listRecords(db, 'identity', c.filter, c.afterId, LIST_LIMIT)).length;
        const times: number[] = [];
        for (let i = 0; i < LIST_RUNS; i++) {
          const t0 = performance.now();
          await listRecords(db, 'identity', c.filter, c.afterId, LIST_LIMIT);
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        const filterText = JSON.stringify({ ...c.filter.columns, ...c.filter.scope, ...(c.afterId ? { after: c.afterId } : {}) });
        const want = Math.min(LIST_LIMIT, expect.matching(c.filter, c.afterId));
        check(
          rows === want,
          `${opts.store}: list${label} ${c.name} ${filterText} returned ${rows} rows, expected ${want} (from the manifest)`,
        );
        const r: ListResult = {
          name: c.name,
          filter: filterText,
          rows,
          p50Ms: round(quantile(times, 0.5), 2),
          p99Ms: round(quantile(times, 0.99), 2),
          maxMs: round(times[times.length - 1] ?? NaN, 2),
        };
        out.push(r);
        log(`${opts.store}: list${label} ${c.name} ${filterText}: ${rows} rows, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
      }
      return out;
    };
    /** PostgreSQL: whether the planner has statistics for the identity tables (autovacuum may have analysed them). */
    const pgStats = async () =>
      opts.store === 'postgres'
        ? db.all<{ relname: string; last_analyze: string | null; last_autoanalyze: string | null }>(
            "SELECT relname, last_analyze::text, last_autoanalyze::text FROM pg_stat_user_tables WHERE relname IN ('identities', " +
              "'identity_scopes') ORDER BY relname",
          )
        : undefined;

    result.import = await phase('import', false);
    result.processMaxRssMb = round((process.resourceUsage().maxRSS * 1024) / MB);
    // Lists right after the import: the state a user meets when the import has just finished.
    result.statsAtList = await pgStats();
    result.list = await measureLists('');
    result.reimport = await phase('re-import (unchanged)', false);
    result.dryRun = await phase('dry-run', true);
    if (opts.store === 'postgres') {
      // And once the planner has statistics, as autovacuum would give it within a minute or so.
      await db.run('ANALYZE identities, identity_scopes');
      result.listAfterAnalyze = await measureLists(' (after ANALYZE)');
    }
  } catch (err) {
    // Keep the figures measured so far; the parent reports the error beside them.
    log(`${opts.store}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    await db.close();
    await sampler.stop();
  }
  return result;
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** What the store must answer, worked out from the manifest itself: records in all, and identities a list filter matches. */
function expectations(text: string) {
  type Row = { id: string; status?: string; scopes: Record<string, string>[] } & Record<string, unknown>;
  const m = JSON.parse(text) as Record<'entities' | 'people' | 'vendors' | 'authorisations', unknown[]> & { identities: Row[] };
  const records = m.entities.length + m.people.length + m.vendors.length + m.authorisations.length + m.identities.length;
  const matching = (filter: ListFilter, afterId?: string) =>
    m.identities.filter(
      (i) =>
        (afterId === undefined || i.id > afterId) &&
        Object.entries(filter.columns).every(([k, v]) => (k === 'status' ? (i.status ?? 'active') : i[k]) === v) &&
        (!filter.scope || i.scopes.some((s) => Object.entries(filter.scope!).every(([k, v]) => s[k] === v))),
    ).length;
  return { records, matching };
}

// ---------------------------------------------------------------------------------------------
// The issue's own path: the CLI uploading the manifest to a server over HTTP
// ---------------------------------------------------------------------------------------------

interface CliResult {
  /** From the CLI's spawn to its exit: read the file, upload it, the server's import, the answer. */
  ms: number;
  serverPeakRssMb: number;
  cliPeakRssMb: number;
  counts: Record<string, number>;
  error?: string;
}

// The `mandate` CLI from the sources (the same entry the other benchmarks' servers run).
const CLI_BIN = fileURLToPath(new URL('./revoke/serve.ts', import.meta.url));

/** A live process's peak resident memory (the kernel's VmHWM), in MB; 0 once it has gone. */
function peakRssMb(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/**
 * `mandate import FILE` against `mandate serve` on a fresh SQLite file, both from the sources
 * through tsx as the other benchmarks' servers run. Peak RSS of each process from /proc (VmHWM),
 * polled every 20 ms for the CLI and read once the import is done for the server.
 */
async function runCli(work: string, manifestPath: string, records: number): Promise<CliResult> {
  const port = await freePort();
  const token = `mdt_bench_${randomBytes(16).toString('hex')}`;
  mkdirSync(join(work, 'cli'), { recursive: true });
  const tsx = ['--conditions=mandate-source', '--import', 'tsx', CLI_BIN];
  const server = startProcess(
    process.execPath,
    [...tsx, 'serve', '--db', `sqlite:${join(work, 'cli', 'bench.db')}`, '--port', String(port)],
    {
      MANDATE_BOOTSTRAP_TOKEN: token,
      MANDATE_KEK: randomBytes(32).toString('base64'),
      MANDATE_LOG_LEVEL: 'warn',
    },
  );
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, server, 60_000);
    const t0 = performance.now();
    const cli = spawn(process.execPath, [...tsx, '--json', 'import', manifestPath], {
      env: { ...process.env, MANDATE_URL: `http://127.0.0.1:${port}`, MANDATE_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let cliPeak = 0;
    cli.stdout.on('data', (d: Buffer) => void (out += d.toString('utf8')));
    cli.stderr.on('data', (d: Buffer) => void (err += d.toString('utf8')));
    const poll = setInterval(() => void (cliPeak = Math.max(cliPeak, peakRssMb(cli.pid))), 20);
    const code = await new Promise<number>((resolve) => cli.once('exit', (c) => resolve(c ?? 1)));
    clearInterval(poll);
    const ms = performance.now() - t0;
    check(code === 0, `mandate import exited with ${code}: ${err.slice(-500)}`);
    const counts = (JSON.parse(out) as { counts: Record<string, number> }).counts;
    check(counts.created === records && counts.rejected === 0 && counts.held === 0, `CLI import counts ${JSON.stringify(counts)}`);
    return { ms, serverPeakRssMb: peakRssMb(server.child.pid), cliPeakRssMb: cliPeak, counts };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Parent: orchestration, databases, report
// ---------------------------------------------------------------------------------------------

async function runStoreInChild(
  store: StoreName,
  url: string,
  work: string,
  manifestPath: string,
  info: ManifestInfo,
): Promise<StoreResult> {
  const out = join(work, `${store}.result.json`);
  const probes = join(work, 'probes.json');
  writeFileSync(probes, JSON.stringify(info.probes));
  const code = await runChild(
    fileURLToPath(import.meta.url),
    ['--store', store, '--url', url, '--manifest', manifestPath, '--probes', probes, '--out', out, ...(SMALL ? ['--small'] : [])],
    ['--expose-gc'],
  );
  return readChildResult<StoreResult>(out, code, { store, description: store, list: [] });
}

const verdict = (ok: boolean) => (ok ? 'pass' : '**FAIL**');

function cliMarkdown(c: CliResult, info: ManifestInfo): string {
  if (c.error)
    return `| SQLite | \`mandate import\` over HTTP | error: ${c.error.replaceAll('|', '\\|').replaceAll('\n', ' ')} | | **FAIL** |`;
  const peak = Math.max(c.serverPeakRssMb, c.cliPeakRssMb);
  return [
    '| Store | Measure (the CLI uploading the manifest to `mandate serve`) | Value | Target | Result |',
    '|---|---|---:|---:|---|',
    `| SQLite | \`mandate import\` of ${info.identities.toLocaleString('en')} identities over HTTP: wall time | ` +
      `${(c.ms / 1000).toFixed(2)} s | ≤ ${TARGETS.importMs.sqlite / 1000} s | ${verdict(c.ms <= TARGETS.importMs.sqlite)} |`,
    `| SQLite | peak RSS: server / CLI | ${c.serverPeakRssMb} / ${c.cliPeakRssMb} MB | ≤ ${TARGETS.peakRssMb} MB each | ` +
      `${verdict(peak <= TARGETS.peakRssMb)} |`,
  ].join('\n');
}

function markdown(results: StoreResult[], info: ManifestInfo, machine: Record<string, unknown>): string {
  const lines: string[] = [];
  lines.push(
    `Manifest: ${info.identities.toLocaleString('en')} identities (${info.scopes.toLocaleString('en')} scopes), ${info.entities} ` +
      `entities, ${info.people} people, ${info.vendors} vendors, ${info.authorisations} authorisations; ${round(info.bytes / MB)} ` +
      'MB of JSON',
  );
  if (SMALL) lines.push('Small run (--small), for CI: every count checked; the targets are for 100,000 identities and only reported here.');
  lines.push(
    `Machine: node ${String(machine.node)}, ${String(machine.cpus)} × ${String(machine.cpuModel)}, ${String(machine.totalMemGb)} GB ` +
      `RAM, ${String(machine.platform)}`,
  );
  lines.push('');
  lines.push('| Store | Measure | Value | Target | Result |');
  lines.push('|---|---|---:|---:|---|');
  for (const r of results) {
    const s = r.store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    if (r.error) lines.push(`| ${s} | error | ${r.error.replaceAll('|', '\\|').replaceAll('\n', ' ')} | | **FAIL** |`);
    const phases: [string, PhaseResult | undefined][] = [
      [`import (${info.identities.toLocaleString('en')} new)`, r.import],
      ['re-import (all unchanged)', r.reimport],
      ['dry-run', r.dryRun],
    ];
    for (const [label, p] of phases) {
      if (!p) continue;
      const target = TARGETS.importMs[r.store];
      lines.push(
        `| ${s} | ${label}: wall time (incl. JSON.parse) | ${(p.ms / 1000).toFixed(2)} s | ≤ ${target / 1000} s | ` +
          `${verdict(p.ms <= target)} |`,
      );
      lines.push(
        `| ${s} | ${label}: RSS before → peak | ${p.rssBeforeMb} → ${p.peakRssMb} MB | ≤ ${TARGETS.peakRssMb} MB | ` +
          `${verdict(p.peakRssMb <= TARGETS.peakRssMb)} |`,
      );
    }
    const lists: [string, ListResult[] | undefined][] = [
      [r.store === 'postgres' ? 'list first page, just after import' : 'list first page', r.list],
      ['list first page, after ANALYZE', r.listAfterAnalyze],
    ];
    for (const [label, list] of lists) {
      for (const l of list ?? []) {
        lines.push(
          `| ${s} | ${label}: ${l.name} (${l.rows} rows) | p50 ${l.p50Ms.toFixed(2)} / p99 ${l.p99Ms.toFixed(2)} ms | p99 ≤ ` +
            `${TARGETS.listMs} ms | ${verdict(l.p99Ms <= TARGETS.listMs)} |`,
        );
      }
    }
  }
  lines.push('');
  for (const r of results) {
    if (!r.statsAtList) continue;
    const analysed = r.statsAtList.filter((t) => t.last_analyze ?? t.last_autoanalyze).map((t) => t.relname);
    lines.push(
      'PostgreSQL planner statistics when the first lists ran: ' +
        `${analysed.length ? `present for ${analysed.join(', ')}` : 'none (the tables had not been analysed yet)'}.`,
    );
  }
  lines.push(
    `List figures: ${LIST_RUNS} timed runs after ${LIST_WARMUP} warm-ups of listRecords(…, limit ${LIST_LIMIT}) through the store's ` +
      `own pool; p99 of ${LIST_RUNS} runs (nearest rank) is the slowest run.`,
  );
  lines.push(
    'Targets apply to the import of 100k identities; they are applied to the re-import and the dry-run as well, since those handle the ' +
      'same 100k. Peak RSS is the whole process (it includes the 100k-identity manifest text the process holds before the import, ' +
      'as a server holds the request body).',
  );
  return lines.join('\n');
}

async function parent(opts: { identities: number; only?: StoreName; pgUrl: string }): Promise<number> {
  const machine = benchMachine();
  const work = mkdtempSync(join(tmpdir(), 'mandate-bench-'));
  const results: StoreResult[] = [];
  let pgDatabase: BenchDatabase | undefined;
  const dropPg = async () => pgDatabase?.drop();
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: cleaning up`);
    void dropPg().finally(() => {
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    let t0 = performance.now();
    const { text, info } = generateManifest(opts.identities);
    const manifestPath = join(work, 'manifest.json');
    writeFileSync(manifestPath, text);
    log(
      `manifest: ${info.identities} identities, ${round(info.bytes / MB)} MB, generated in ${round(performance.now() - t0)} ms (sha256 ` +
        `${info.sha256.slice(0, 12)})`,
    );

    let cli: CliResult | undefined;
    if (opts.only !== 'postgres') {
      t0 = performance.now();
      results.push(await runStoreInChild('sqlite', `sqlite:${join(work, 'sqlite', 'bench.db')}`, work, manifestPath, info));
      log(`sqlite child done in ${round((performance.now() - t0) / 1000)} s`);
      try {
        cli = await runCli(work, manifestPath, expectations(text).records);
        log(`CLI over HTTP: ${round(cli.ms)} ms; peak RSS server ${cli.serverPeakRssMb} MB, CLI ${cli.cliPeakRssMb} MB`);
      } catch (err) {
        cli = { ms: 0, serverPeakRssMb: 0, cliPeakRssMb: 0, counts: {}, error: err instanceof Error ? err.message : String(err) };
      }
    }
    if (opts.only !== 'sqlite') {
      try {
        pgDatabase = await createPgDatabase('import', opts.pgUrl);
        log(`postgres: created database ${pgDatabase.name}`);
        t0 = performance.now();
        results.push(await runStoreInChild('postgres', pgDatabase.url, work, manifestPath, info));
        log(`postgres child done in ${round((performance.now() - t0) / 1000)} s`);
      } catch (err) {
        results.push({ store: 'postgres', description: 'postgres', list: [], error: err instanceof Error ? err.message : String(err) });
      } finally {
        await dropPg();
      }
    }

    const report = { generated_at: new Date().toISOString(), machine, manifest: info, targets: TARGETS, results, cli };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'import.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${markdown(results, info, machine)}\n${cli ? `${cliMarkdown(cli, info)}\n` : ''}`);
    log(`wrote ${join(OUT_DIR, 'import.json')}`);
    return results.some((r) => r.error) || cli?.error ? 1 : 0;
  } finally {
    await dropPg();
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      store: { type: 'string' },
      url: { type: 'string' },
      manifest: { type: 'string' },
      probes: { type: 'string' },
      out: { type: 'string' },
      identities: { type: 'string' },
      only: { type: 'string' },
      'pg-url': { type: 'string' },
      small: { type: 'boolean' },
    },
    strict: true,
  });

  if (values.store) {
    const store = values.store as StoreName;
    const { out, url, manifest } = values;
    if (!out || !url || !manifest || !values.probes) throw new Error('child needs --url, --manifest, --probes and --out');
    const probes = JSON.parse(readFileSync(values.probes, 'utf8')) as ManifestInfo['probes'];
    await writeChildResult<StoreResult>(out, { store, description: store, list: [] }, () =>
      runStore({ store, url, manifestPath: manifest, probes }),
    );
  } else {
    const only = values.only as StoreName | undefined;
    if (only !== undefined && only !== 'sqlite' && only !== 'postgres') throw new Error('--only must be sqlite or postgres');
    const identities = values.identities ? Number(values.identities) : SMALL ? 2_000 : 100_000;
    if (!Number.isInteger(identities) || identities < 2) throw new Error('--identities must be an integer ≥ 2');
    process.exitCode = await parent({ identities, ...(only ? { only } : {}), pgUrl: values['pg-url'] ?? PG_ADMIN });
  }
}

// Run only when executed, so the generator can be imported (e.g. by a profiling script).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
