// What the SIEM tests share: Debian's rsyslogd as the syslog receiver (started in the foreground by
// the test, on a free port, writing what it receives with omfile in RSYSLOG_SyslogProtocol23Format),
// certificates made with openssl for its TLS listener (gtls), ledger writes, and a parser of what
// rsyslog wrote.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendEvents, type NewEvent } from '../../src/ledger/log.js';
import type { Database } from '../../src/store/db.js';

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

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

/** A CA and a server certificate for 127.0.0.1 and localhost, made with openssl in `dir`. */
export function makeCerts(dir: string, name = 'ca'): { ca: string; cert: string; key: string } {
  const p = (f: string) => join(dir, `${name}-${f}`);
  const ossl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ossl('req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', `/CN=mandate test ${name}`);
  ossl('req', '-new', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(p('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  ossl(
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('server.pem'),
    '-days',
    '2',
    '-extfile',
    p('ext.cnf'),
  );
  return { ca: p('ca.pem'), cert: p('server.pem'), key: p('server.key') };
}

export interface Rsyslog {
  port: number;
  /** Where it writes what it received, a line a message. */
  file: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The messages written so far, parsed. */
  received(): Received[];
  /** Waits until at least n messages are written (rsyslog writes a moment after it reads). */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
}

/** rsyslogd -n on a free port of 127.0.0.1 (TLS with the gtls driver when `tls` is given); stop() ends it. */
export async function rsyslog(dir: string, tls?: { ca: string; cert: string; key: string }): Promise<Rsyslog> {
  const port = await freePort();
  const file = join(dir, `received-${port}.log`);
  const cfg = join(dir, `rsyslog-${port}.conf`);
  const pidFile = join(dir, `rsyslog-${port}.pid`);
  const driver = tls
    ? ` DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="${tls.ca}" ` +
      `DefaultNetstreamDriverCertFile="${tls.cert}" DefaultNetstreamDriverKeyFile="${tls.key}"`
    : '';
  writeFileSync(
    cfg,
    [
      // 256k: an event with large before/after documents is longer than rsyslog's default 8k.
      `global(workDirectory="${dir}" maxMessageSize="256k"${driver})`,
      tls ? 'module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")' : 'module(load="imtcp")',
      // One worker: messages are written in the order they arrived.
      'main_queue(queue.workerThreads="1")',
      `ruleset(name="siem") { action(type="omfile" file="${file}" template="RSYSLOG_SyslogProtocol23Format") }`,
      `input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="siem")`,
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let stderr = '';
  const self: Rsyslog = {
    port,
    file,
    async start() {
      stderr = '';
      child = spawn('rsyslogd', ['-n', '-f', cfg, '-i', pidFile], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (d) => {
        stderr += String(d);
      });
      const deadline = Date.now() + 15_000;
      while (!(await listening(port))) {
        if (child.exitCode !== null) throw new Error(`rsyslogd exited ${child.exitCode}: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`rsyslogd did not listen on ${port}: ${stderr}`);
        await sleep(50);
      }
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      await exited;
    },
    received: () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(parseLine) : []),
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = self.received();
        if (got.length >= n) return got;
        if (Date.now() > deadline) throw new Error(`rsyslog wrote ${got.length} messages, expected ${n}`);
        await sleep(50);
      }
    },
  };
  await self.start();
  return self;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A message as rsyslog wrote it in RSYSLOG_SyslogProtocol23Format. */
export interface Received {
  pri: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sdId: string;
  sd: Record<string, string>;
  msg: string;
}

/** Parses `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD-ID k="v" …] MSG`, unescaping PARAM-VALUEs. */
export function parseLine(line: string): Received {
  const head = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) \[([^ \]]+)/.exec(line);
  if (!head) throw new Error(`not an RFC 5424 line: ${line.slice(0, 200)}`);
  let i = head[0].length;
  const sd: Record<string, string> = {};
  while (line[i] === ' ') {
    const name = /^ ([^= \]"]+)="/.exec(line.slice(i));
    if (!name) break;
    i += name[0].length;
    let value = '';
    while (line[i] !== '"') {
      if (i >= line.length) throw new Error(`unterminated PARAM-VALUE: ${line.slice(0, 200)}`);
      if (line[i] === '\\' && ['"', '\\', ']'].includes(line[i + 1]!)) i++;
      value += line[i++];
    }
    i++;
    sd[name[1]!] = value;
  }
  if (line[i] !== ']') throw new Error(`structured data not closed at ${i}: ${line.slice(0, 200)}`);
  const [, pri, timestamp, hostname, appName, procId, msgId, sdId] = head;
  return {
    pri: Number(pri),
    timestamp: timestamp!,
    hostname: hostname!,
    appName: appName!,
    procId: procId!,
    msgId: msgId!,
    sdId: sdId!,
    sd,
    msg: line.slice(i + 2),
  };
}

/**
 * Appends n events as the services do (appendEvents, in transactions of `per`), with text that
 * tests the formats: quotes, backslashes, brackets, non-ASCII, long documents.
 */
export async function appendN(db: Database, n: number, opts: { per?: number; tag?: string } = {}): Promise<void> {
  const per = opts.per ?? 100;
  const [row] = await db.all<{ n: number | string | null }>('SELECT MAX(seq) AS n FROM events');
  const base = Number(row?.n ?? 0);
  for (let done = 0; done < n; done += per) {
    const events: NewEvent[] = [];
    for (let i = done; i < Math.min(n, done + per); i++) {
      const k = base + i + 1;
      events.push({
        actor: k % 3 === 0 ? 'user:olga "ops" [de]' : 'system:scheduler',
        action: ['identity.created', 'identity.updated', 'token.refused', 'transition.applied'][k % 4]!,
        subject: { type: 'identity', id: `id-${opts.tag ?? 't'}-${k}${k % 5 === 0 ? '\\]"é✓' : ''}` },
        after: { n: k, note: k % 7 === 0 ? 'x'.repeat(9000) : `ünïcödé "${k}" \\ ]`, list: [k, null, true] },
        ...(k % 11 === 0 ? { reason: 'line one\nline two' } : {}),
      });
    }
    await db.transaction((tx) => appendEvents(tx, new Date(Date.UTC(2026, 11, 7, 9, 0, 0, done)).toISOString(), events));
  }
}

/** The events rsyslog received, by their seq, in the order written. */
export const seqsOf = (received: readonly Received[]) => received.map((r) => Number(r.sd.seq));

/** What a test streamer logs, kept to check it (and that it never holds a secret). */
export function memoryLog() {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Counts what the streamer reports to metrics. */
export function memoryMetrics() {
  const sent: Record<string, number> = {};
  const failed: Record<string, number> = {};
  return {
    sent,
    failed,
    metrics: {
      sent: (sink: string, n: number) => void (sent[sink] = (sent[sink] ?? 0) + n),
      failed: (sink: string, kind: string) => void (failed[`${sink}:${kind}`] = (failed[`${sink}:${kind}`] ?? 0) + 1),
    },
  };
}

/** 1..n */
export const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/**
 * Puts a sink's cursor at the ledger's head, as a sink that has delivered everything so far: a test
 * on a store other tests already wrote to streams only its own events. Answers the head.
 */
export async function atHead(db: Database, sink: string): Promise<number> {
  const [row] = await db.all<{ n: number | string | null }>('SELECT MAX(seq) AS n FROM events');
  const head = Number(row?.n ?? 0);
  await db.run('DELETE FROM siem_cursors WHERE sink = ?', [sink]);
  await db.run('INSERT INTO siem_cursors (sink, seq, updated_at) VALUES (?, ?, ?)', [sink, head, new Date().toISOString()]);
  return head;
}
