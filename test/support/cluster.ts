// A high-availability cluster of real parts for the HA tests and bench:ha: a fresh PostgreSQL
// database, N `mandate serve` processes on it (one key-encryption key, one ledger origin, each its
// own port and MANDATE_SERVER_ID), and Debian's haproxy in front (round robin, health-checked on
// /readyz every 250 ms, sessions of a server marked down cut, requests that never reached a server
// retried on another). kill(i, signal) and restart(i) make failures; leader() asks each server's
// /readyz; close() removes what the cluster created and nothing else: its processes (by pid), its
// folder (haproxy.cfg, the stats socket) and its database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open.js';

const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const HAPROXY = process.env.MANDATE_TEST_HAPROXY ?? '/usr/sbin/haproxy';
const PG_ADMIN_URL = process.env.MANDATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** No connector, receiver or profile of the developer's own environment reaches a cluster's servers. */
const CLEAN_ENV = Object.fromEntries(
  ['POSTGRES_URL', 'REDIS_URL', 'RABBITMQ_MANAGEMENT_URL', 'RABBITMQ_CTL', 'WEBHOOK_URL', 'WEBHOOK_SECRET', 'WEBHOOK_ED25519_KEY_FILE'].map(
    (k) => [`MANDATE_CONNECTOR_${k}`, ''],
  ),
);

export interface ClusterOptions {
  /** How many servers (default 3). */
  replicas?: number;
  /** Extra environment for every server (a connector's URL, a scheduler interval). */
  env?: Record<string, string>;
  /** Fills the migrated, empty database before any server starts (a firm, people, their tokens). */
  seed?: (ctx: { dbUrl: string; kek: Buffer; adminToken: string }) => Promise<void>;
  /** A name for the database and the log lines (default ha). */
  name?: string;
  /** Passed to every `mandate serve` (e.g. --demo). */
  args?: string[];
}

/** What a server's /readyz says (H6's interface: leader and epoch when leadership is on). */
export interface Readiness {
  status: number;
  body: { status?: string; store?: string; server?: string; leader?: boolean; epoch?: number; migrations?: string } & Record<
    string,
    unknown
  >;
}

export interface Replica {
  index: number;
  /** Its MANDATE_SERVER_ID. */
  id: string;
  port: number;
  /** http://127.0.0.1:port, directly (not through haproxy). */
  url: string;
  /** The running process's pid; undefined once it exited. */
  pid: number | undefined;
  /** Stopped with SIGSTOP and not continued. */
  paused: boolean;
  /** How each start of it ended without a kill of the cluster's (a crash): exit code or signal. */
  crashes: string[];
  /** Everything it wrote to stdout and stderr, over all its starts. */
  output(): string;
}

export interface Cluster {
  /** haproxy's frontend: http://127.0.0.1:port. */
  url: string;
  dbUrl: string;
  /** The admin token (MANDATE_BOOTSTRAP_TOKEN of every server). */
  adminToken: string;
  /** The key-encryption key all servers share (base64), e.g. to open the ledger in the test. */
  kek: string;
  replicas: Replica[];
  /** Sends a signal to server i (SIGKILL waits until the process is gone). */
  kill(i: number, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT' | 'SIGTERM'): Promise<void>;
  /** Starts server i again on its port (after a kill); waits until it listens. */
  restart(i: number): Promise<void>;
  /** GET /readyz of server i, directly (a paused or dead server: status 0). */
  readyz(i: number, timeoutMs?: number): Promise<Readiness>;
  /** The server whose /readyz says leader: true, with its epoch; undefined when none does (or leadership is off). */
  leader(): Promise<{ index: number; epoch: number | undefined } | undefined>;
  /** Waits until `index` (any when omitted) is the one leader the live servers agree on. */
  waitLeader(opts?: { not?: number; timeoutMs?: number }): Promise<{ index: number; epoch: number | undefined }>;
  /** haproxy's view: each server's status (UP, DOWN, …), from its stats socket. */
  haproxyStatus(): Promise<Record<string, string>>;
  /** Takes server i out of haproxy's rotation (maint: no request goes to it) or puts it back (ready). */
  setHaproxyState(i: number, state: 'maint' | 'ready'): Promise<void>;
  /** Waits until every live server answers /readyz 200 and haproxy routes to each of them. */
  waitAllHealthy(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port nobody listens on now (the server binds it itself; a restart binds it again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** haproxy's configuration for these servers: what docs/operations.md recommends, with test timings. */
export function haproxyConfig(opts: { port: number; socket: string; servers: { id: string; port: number }[] }): string {
  return `global
  maxconn 4096
  stats socket ${opts.socket} mode 600 level admin

defaults
  mode http
  log global
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  # The enforcement stream (Server-Sent Events) stays open for as long as the enforcer runs.
  timeout tunnel 1h
  timeout http-keep-alive 10s
  # A request that never reached a server goes to another (redispatch on every retry).
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout 503

frontend mandate
  bind 127.0.0.1:${opts.port}
  default_backend mandate

backend mandate
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  # A busy server may take a while to answer; a stopped one is down after two checks (fall 2).
  timeout check 2s
  # Only requests that are safe to send twice are retried after they reached a server.
  http-request disable-l7-retry unless METH_GET
  default-server inter 250 fall 2 rise 2 on-marked-down shutdown-sessions
${opts.servers.map((s) => `  server ${s.id} 127.0.0.1:${s.port} check`).join('\n')}
`;
}

interface Proc {
  child: ChildProcess;
  exited: Promise<void>;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const n = opts.replicas ?? 3;
  const name = opts.name ?? 'ha';
  const dir = mkdtempSync(join(tmpdir(), `mandate-${name}-`));
  const dbName = `mandate_test_${name}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const adminToken = `mdt_${name}_admin_${randomBytes(16).toString('hex')}`;
  const kek = randomBytes(32).toString('base64');
  const procs: (Proc | undefined)[] = [];
  const outputs: string[] = [];
  let haproxy: Proc | undefined;
  let haproxyOut = '';
  let dbCreated = false;
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${dbName}`;
  const dbUrl = u.toString();

  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  const replicas: Replica[] = [];
  /** The processes the cluster is killing: their exit is no crash. */
  const killing = new WeakSet<ChildProcess>();
  const socket = join(dir, 'haproxy.sock');

  async function spawnServer(i: number): Promise<void> {
    const r = replicas[i]!;
    const child = spawn(
      process.execPath,
      ['--conditions=mandate-source', '--import', 'tsx', ENTRY, 'serve', '--db', dbUrl, '--port', String(r.port), ...(opts.args ?? [])],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...CLEAN_ENV,
          MANDATE_LOG_LEVEL: 'warn',
          MANDATE_DEMO_OIDC_PORT: '0',
          MANDATE_CAEP_RECEIVERS: '',
          MANDATE_CHECKPOINT_DIR: '',
          MANDATE_KEK: kek,
          MANDATE_BOOTSTRAP_TOKEN: adminToken,
          MANDATE_SERVER_ID: r.id,
          // One issuer for every replica: a token one server issued verifies wherever an enforcer's stream lands.
          MANDATE_PUBLIC_URL: cluster.url,
          ...opts.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        if (!killing.has(child)) {
          r.crashes.push(String(code ?? signal));
          outputs[i] += `\n--- ${r.id} exited by itself (${code ?? signal}) ---\n`;
        }
        resolve();
      }),
    );
    procs[i] = { child, exited };
    r.pid = child.pid;
    r.paused = false;
    void exited.then(() => {
      if (procs[i]?.child === child) r.pid = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${r.id} did not start in 90 s:\n${outputs[i]!.slice(-3000)}`));
      }, 90_000);
      const onData = (d: Buffer) => {
        outputs[i] += d.toString();
        if (/listening on https?:\/\//.test(outputs[i]!)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${r.id} exited (${code ?? signal}) before it listened:\n${outputs[i]!.slice(-3000)}`));
      });
    });
  }

  async function startHaproxy(port: number): Promise<void> {
    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(cfg, haproxyConfig({ port, socket, servers: replicas.map((r) => ({ id: r.id, port: r.port })) }));
    const child = spawn(HAPROXY, ['-f', cfg, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('error', (err) => (haproxyOut += `\n${err.message}`));
    haproxy = { child, exited };
    child.stdout!.on('data', (d: Buffer) => (haproxyOut += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (haproxyOut += d.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`haproxy exited:\n${haproxyOut}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`haproxy does not answer on ${port}:\n${haproxyOut}`);
      await sleep(50);
    }
  }

  async function readyz(i: number, timeoutMs = 1000): Promise<Readiness> {
    try {
      const res = await fetch(`${replicas[i]!.url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Readiness['body']) : {} };
    } catch {
      return { status: 0, body: {} };
    }
  }

  async function leader() {
    const all = await Promise.all(replicas.map((r, i) => (r.pid && !r.paused ? readyz(i) : Promise.resolve(undefined))));
    const leaders = all.flatMap((a, index) => (a?.body.leader === true ? [{ index, epoch: a.body.epoch }] : []));
    // Two servers saying leader at once would be a split brain: the newest epoch is the leader, and the test sees both.
    if (leaders.length > 1) throw new Error(`several servers say they lead: ${JSON.stringify(leaders)}`);
    return leaders[0];
  }

  function statsCommand(cmd: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = connect(socket);
      let out = '';
      s.setTimeout(2000, () => s.destroy(new Error('haproxy stats socket timed out')));
      s.on('data', (d) => (out += d.toString()));
      s.on('end', () => resolve(out));
      s.on('error', reject);
      s.write(`${cmd}\n`);
    });
  }

  async function haproxyStatus(): Promise<Record<string, string>> {
    const csv = await statsCommand('show stat');
    const header = csv.split('\n')[0]!.replace(/^# /, '').split(',');
    const [px, sv, st] = ['pxname', 'svname', 'status'].map((k) => header.indexOf(k));
    const out: Record<string, string> = {};
    for (const line of csv.split('\n').slice(1)) {
      const f = line.split(',');
      if (f[px!] === 'mandate' && f[sv!] !== 'BACKEND' && f[sv!] !== 'FRONTEND' && f[sv!]) out[f[sv!]!] = f[st!]!;
    }
    return out;
  }

  const cluster: Cluster = {
    url: '',
    dbUrl,
    adminToken,
    kek,
    replicas,
    async kill(i, signal) {
      const r = replicas[i]!;
      const p = procs[i];
      if (!p || r.pid === undefined) return;
      if (signal === 'SIGKILL' || signal === 'SIGTERM') killing.add(p.child);
      p.child.kill(signal);
      if (signal === 'SIGSTOP') r.paused = true;
      if (signal === 'SIGCONT') r.paused = false;
      if (signal === 'SIGKILL' || signal === 'SIGTERM') {
        if (r.paused) p.child.kill('SIGCONT');
        await p.exited;
        r.pid = undefined;
        r.paused = false;
      }
    },
    async restart(i) {
      const r = replicas[i]!;
      if (r.pid !== undefined) await cluster.kill(i, 'SIGKILL');
      outputs[i] += `\n--- restart of ${r.id} ---\n`;
      await spawnServer(i);
    },
    readyz,
    leader,
    async waitLeader({ not, timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const l = await leader();
        if (l && l.index !== not) return l;
        if (Date.now() > deadline)
          throw new Error(`no leader${not !== undefined ? ` other than ${replicas[not]!.id}` : ''} in ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    haproxyStatus,
    async setHaproxyState(i, state) {
      const out = await statsCommand(`set server mandate/${replicas[i]!.id} state ${state}`);
      if (out.trim()) throw new Error(`haproxy refused to set ${replicas[i]!.id} ${state}: ${out.trim()}`);
    },
    async waitAllHealthy(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const live = replicas.filter((r) => r.pid !== undefined && !r.paused);
        const ready = await Promise.all(live.map((r) => readyz(r.index)));
        const status = await haproxyStatus().catch(() => ({}) as Record<string, string>);
        if (ready.every((x) => x.status === 200) && live.every((r) => status[r.id] === 'UP')) return;
        if (Date.now() > deadline)
          throw new Error(`not all healthy in ${timeoutMs} ms: readyz ${ready.map((x) => x.status)}, haproxy ${JSON.stringify(status)}`);
        await sleep(50);
      }
    },
    async close() {
      for (const [i, p] of procs.entries()) {
        if (!p || replicas[i]?.pid === undefined) continue;
        if (replicas[i]!.paused) p.child.kill('SIGCONT');
        killing.add(p.child);
        p.child.kill('SIGKILL');
        await p.exited;
      }
      if (haproxy && haproxy.child.exitCode === null && haproxy.child.signalCode === null) {
        haproxy.child.kill('SIGTERM');
        await Promise.race([haproxy.exited, sleep(3000)]);
        if (haproxy.child.pid && alive(haproxy.child.pid)) haproxy.child.kill('SIGKILL');
      }
      if (dbCreated) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await admin(`CREATE DATABASE ${dbName}`);
    dbCreated = true;
    const db = await openDatabase(dbUrl);
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    await opts.seed?.({ dbUrl, kek: Buffer.from(kek, 'base64'), adminToken });
    const lbPort = await freePort();
    cluster.url = `http://127.0.0.1:${lbPort}`;
    for (let i = 0; i < n; i++) {
      const port = await freePort();
      outputs.push('');
      replicas.push({
        index: i,
        id: `${name}-${i}`,
        port,
        url: `http://127.0.0.1:${port}`,
        pid: undefined,
        paused: false,
        crashes: [],
        output: () => outputs[i]!,
      });
    }
    // The first server bootstraps the admin and signs the first checkpoint alone; the others then start together.
    await spawnServer(0);
    await Promise.all(replicas.slice(1).map((r) => spawnServer(r.index)));
    await startHaproxy(lbPort);
    await cluster.waitAllHealthy();
    return cluster;
  } catch (err) {
    await cluster.close();
    throw err;
  }
}

/** Polls `fn` until it answers something other than undefined (every `everyMs`), or throws after `timeoutMs`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A JSON request with a bearer token; the body parsed (or undefined). Never throws on an HTTP status. */
export async function api(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}
