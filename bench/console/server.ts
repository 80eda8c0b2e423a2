// Real Mandate servers for bench:console, in this process: startServer() exactly as `mandate serve`
// runs it (store migrated, first admin bootstrapped, the console served under /console/), on a
// temp SQLite file, listening on 127.0.0.1 port 0. The configuration is built from a clean
// environment (nothing of the caller's MANDATE_* leaks in); scheduled control checks are pushed
// out of the way, and the run at start is waited for, so that no check run shares the two cores
// with the browser while it is measured.
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadServerConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { generateFirm, SEED } from '../evidence/firm.js';

/** Fixed, so that a cached seeded store opens with the same sealed ledger key. */
const KEK = Buffer.alloc(32, 0x63).toString('base64');

export interface Me {
  user: string;
  name?: string;
  roles: string[];
  permissions: string[];
}

export interface BenchServer {
  url: string;
  token: string;
  me: Me;
  server: RunningServer;
  close(): Promise<void>;
}

async function start(work: string, file: string, demo: boolean): Promise<RunningServer> {
  const config = loadServerConfig(
    { db: `sqlite:${file}`, host: '127.0.0.1', port: '0', demo },
    {
      MANDATE_KEK: KEK,
      MANDATE_KEK_FILE: join(work, 'mandate.kek'),
      MANDATE_LOG_LEVEL: 'silent',
      MANDATE_CHECKS_INTERVAL_MS: '86400000',
      MANDATE_CHECKPOINT_INTERVAL_MS: '86400000',
    },
  );
  return startServer(config);
}

/** Waits for the control-check run the server starts a second after it listens (or runs one). */
async function settle(server: RunningServer): Promise<void> {
  await sleep(1_500);
  await server.app.services.compliance.run('bench');
}

/**
 * A server on `file` (a store already seeded, or a new one; with `demo`, the demo firm is loaded
 * as `mandate serve --demo` loads it), with a new API token for the bootstrap admin.
 */
export async function benchServer(work: string, file: string, opts: { demo: boolean }): Promise<BenchServer> {
  const server = await start(work, file, opts.demo);
  try {
    await settle(server);
    const { token } = await server.app.services.users.createToken('bench', 'admin', { label: 'bench:console' });
    const res = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET /v1/me answered ${res.status}: ${await res.text()}`);
    const me = (await res.json()) as Me;
    return { url: server.url, token, me, server, close: () => server.close() };
  } catch (err) {
    await server.close().catch(() => undefined);
    throw err;
  }
}

export interface Seeded {
  identities: number;
  ms: number;
  cached: boolean;
}

/**
 * Seeds `file` with the synthetic firm of bench:evidence (bench/evidence/firm.ts: three entities,
 * nine member states, 200 people, N identities), imported through the importer of a started
 * server, then one check run so findings and readiness exist, then the server is closed (the
 * bench measures a server started on the seeded store, as after a restart). With `cache`, a
 * store seeded earlier for the same N is copied instead, and a new one is kept there.
 */
export async function seedInventory(
  work: string,
  file: string,
  identities: number,
  cache: string | undefined,
  log: (m: string) => void,
): Promise<Seeded> {
  const stamp = JSON.stringify({ identities, seed: SEED, generator: 'bench/evidence/firm.ts' });
  if (cache && existsSync(cache) && existsSync(`${cache}.json`) && readFileSync(`${cache}.json`, 'utf8') === stamp) {
    copyFileSync(cache, file);
    log(`seeded store copied from BENCH_SEED_CACHE`);
    return { identities, ms: 0, cached: true };
  }
  const t0 = performance.now();
  const server = await start(work, file, false);
  try {
    const firm = generateFirm(identities);
    const text = JSON.stringify(firm.manifest);
    const imported = await server.app.services.importer.importManifest('user:bench', JSON.parse(text), { dryRun: false, digestOf: text });
    log(`import: ${JSON.stringify(imported.counts)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await settle(server);
  } finally {
    await server.close();
  }
  const ms = performance.now() - t0;
  if (cache) {
    rmSync(`${cache}.json`, { force: true });
    copyFileSync(file, cache);
    writeFileSync(`${cache}.json`, stamp);
  }
  return { identities, ms, cached: false };
}
