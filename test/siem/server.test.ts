// The SIEM stream in a server: configured by MANDATE_SIEM_*, refused at start when misconfigured
// (naming the variable, never echoing a header value), streaming to rsyslog and an OTLP receiver at
// once, with its lag on /metrics, and resuming after a restart without a gap or a repeat.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadServerConfig } from '../../src/config.js';
import { MandateError } from '../../src/core/errors.js';
import { startServer } from '../../src/server/start.js';
import { siemSinksOf } from '../../src/siem/index.js';
import { migrate } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open.js';
import { startServerProcess } from '../support/cli.js';
import { otlpReceiver } from './otlp-receiver.js';
import { appendN, range, type Rsyslog, rsyslog, seqsOf, sleep, tempDir } from './support.js';

const refused = (env: Record<string, string>): MandateError => {
  try {
    siemSinksOf(loadServerConfig({}, env));
  } catch (err) {
    assert.ok(err instanceof MandateError && err.code === 'VALIDATION_FAILED', String(err));
    return err;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
};

test('a bad SIEM setting stops the start, naming its variable', () => {
  const cases: [Record<string, string>, string][] = [
    [{ MANDATE_SIEM_SYSLOG: 'udp://siem:514' }, 'MANDATE_SIEM_SYSLOG'],
    [{ MANDATE_SIEM_SYSLOG: 'tcp://siem' }, 'MANDATE_SIEM_SYSLOG'],
    [{ MANDATE_SIEM_SYSLOG: 'tcp://siem:99999' }, 'MANDATE_SIEM_SYSLOG'],
    [{ MANDATE_SIEM_SYSLOG: 'tcp://siem:514', MANDATE_SIEM_SYSLOG_CA_FILE: '/etc/ssl/ca.pem' }, 'MANDATE_SIEM_SYSLOG_CA_FILE'],
    [{ MANDATE_SIEM_SYSLOG: 'tls://siem:6514', MANDATE_SIEM_SYSLOG_CA_FILE: '/nonexistent/ca.pem' }, 'MANDATE_SIEM_SYSLOG_CA_FILE'],
    [{ MANDATE_SIEM_SYSLOG: 'tcp://siem:514', MANDATE_SIEM_SYSLOG_FACILITY: 'local9' }, 'MANDATE_SIEM_SYSLOG_FACILITY'],
    [{ MANDATE_SIEM_SYSLOG: 'tcp://siem:514', MANDATE_SIEM_SYSLOG_APP_NAME: 'mandate prod' }, 'MANDATE_SIEM_SYSLOG_APP_NAME'],
    [{ MANDATE_SIEM_OTLP_URL: 'collector:4318' }, 'MANDATE_SIEM_OTLP_URL'],
    [{ MANDATE_SIEM_OTLP_URL: 'https://user:pw@collector:4318' }, 'MANDATE_SIEM_OTLP_URL'],
    [{ MANDATE_SIEM_OTLP_HEADERS: 'authorization=Bearer%20x' }, 'MANDATE_SIEM_OTLP_URL'],
    [
      { MANDATE_SIEM_OTLP_URL: 'https://collector:4318', MANDATE_SIEM_OTLP_HEADERS: 'Authorization: Bearer s3cr3t-v4lue' },
      'MANDATE_SIEM_OTLP_HEADERS',
    ],
  ];
  for (const [env, field] of cases) {
    const err = refused(env);
    assert.equal(err.field, field, `${JSON.stringify(env)}: ${err.message}`);
    assert.ok(err.message.includes(field), err.message);
    assert.ok(!err.message.includes('s3cr3t') && !err.message.includes(':pw@'), 'no credential in the message');
  }
  const sinks = siemSinksOf(
    loadServerConfig(
      {},
      {
        MANDATE_SIEM_SYSLOG: 'tls://[::1]:6514',
        MANDATE_SIEM_OTLP_URL: 'https://collector.firm.internal:4318',
        MANDATE_SIEM_OTLP_HEADERS: 'authorization=Bearer%20abc',
      },
    ),
  );
  assert.deepEqual(
    sinks.map((s) => [s.name, s.target]),
    [
      ['syslog', 'tls://[::1]:6514'],
      ['otlp', 'https://collector.firm.internal:4318/v1/logs'],
    ],
  );
});

describe('a server streams its ledger to syslog and OTLP', () => {
  const tmp = tempDir('mandate-siem-server-');
  let receiver: Rsyslog;
  let otlp: Awaited<ReturnType<typeof otlpReceiver>>;
  before(async () => {
    receiver = await rsyslog(tmp.dir);
    otlp = await otlpReceiver();
  });
  after(async () => {
    await receiver?.stop();
    await otlp?.close();
    tmp.remove();
  });

  test('from its first event, with its lag on /metrics; a restart goes on from the cursors, nothing twice', async () => {
    const db = `sqlite:${join(tmp.dir, 'm.db')}`;
    const env = {
      MANDATE_KEK: randomBytes(32).toString('base64'),
      MANDATE_KEK_FILE: join(tmp.dir, 'kek'),
      MANDATE_LOG_LEVEL: 'silent',
      MANDATE_SIEM_SYSLOG: `tcp://127.0.0.1:${receiver.port}`,
      MANDATE_SIEM_SYSLOG_FACILITY: 'local3',
      MANDATE_SIEM_OTLP_URL: otlp.url,
      MANDATE_SIEM_OTLP_HEADERS: 'authorization=Bearer%20server-test',
    };
    const caughtUp = async (server: Awaited<ReturnType<typeof startServer>>) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const head = Number((await server.db.all<{ n: number }>('SELECT MAX(seq) AS n FROM events'))[0]?.n ?? 0);
        const cursors = await server.db.all<{ sink: string; seq: number }>('SELECT sink, seq FROM siem_cursors ORDER BY sink');
        if (cursors.length === 2 && cursors.every((c) => Number(c.seq) === head)) return head;
        if (Date.now() > deadline) throw new Error(`the stream did not catch up with ${head}: ${JSON.stringify(cursors)}`);
        await sleep(50);
      }
    };
    let server = await startServer(loadServerConfig({ db, port: '0' }, env));
    try {
      await appendN(server.db, 150);
      await caughtUp(server);
      const metrics = await server.app.metricsRegistry.metrics();
      assert.match(metrics, /mandate_siem_lag_events\{sink="syslog"\} 0/);
      assert.match(metrics, /mandate_siem_lag_events\{sink="otlp"\} 0/);
      assert.match(metrics, /mandate_siem_events_sent_total\{sink="otlp"\} \d+/);
      // Prometheus' own linter (CI installs it): the SIEM metrics' names, types and help pass.
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
      if (!lint.error || process.env.CI) assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    } finally {
      await server.close();
    }
    server = await startServer(loadServerConfig({ db, port: '0' }, env));
    let head: number;
    try {
      await appendN(server.db, 50);
      head = await caughtUp(server);
    } finally {
      await server.close();
    }
    assert.deepEqual(
      otlp.accepted.flatMap((r) => r.seqs),
      range(1, head),
    );
    assert.ok(otlp.requests.every((r) => r.headers.authorization === 'Bearer server-test'));
    const got = await receiver.waitFor(head);
    assert.deepEqual(seqsOf(got), range(1, head));
    assert.ok(got.every((r) => r.pri >>> 3 === 19 && r.appName === 'mandate'));
  });
});

test('a server killed (SIGKILL) while a batch waits for its answer resumes from the cursor: that batch twice, no gap', async () => {
  const tmp = tempDir('mandate-siem-kill-');
  const db = `sqlite:${join(tmp.dir, 'm.db')}`;
  const seed = await openDatabase(db);
  await migrate(seed);
  await appendN(seed, 2000, { per: 500 });
  await seed.close();
  // The first batch is answered, the second never is: the server is killed while it waits.
  let killed: (() => void) | undefined;
  const otlp = await otlpReceiver((_r, n) => {
    if (n === 2) killed?.();
    return { status: 200, ...(n === 2 ? { delayMs: 60_000 } : {}) };
  });
  const env = { MANDATE_KEK: randomBytes(32).toString('base64'), MANDATE_SIEM_OTLP_URL: otlp.url, MANDATE_LOG_LEVEL: 'warn' };
  try {
    const first = await startServerProcess(['--db', db], env);
    await new Promise<void>((resolve) => {
      killed = () => {
        process.kill(first.pid, 'SIGKILL');
        resolve();
      };
      if (otlp.requests.length >= 2) killed();
    });
    const second = await startServerProcess(['--db', db], env);
    const deadline = Date.now() + 30_000;
    while (Math.max(0, ...otlp.requests.flatMap((r) => r.seqs)) < 2000 && Date.now() < deadline) await sleep(50);
    await second.stop();
    const offered = otlp.requests.flatMap((r) => r.seqs);
    const last = offered.at(-1)!;
    assert.ok(last >= 2000, `the second server streamed on to the head (${last})`);
    assert.deepEqual(offered, [...range(1, 1000), ...range(501, last)], 'batch 501..1000 twice, nothing skipped');
    const after = await openDatabase(db);
    try {
      const [c] = await after.all<{ seq: number }>("SELECT seq FROM siem_cursors WHERE sink = 'otlp'");
      assert.equal(Number(c?.seq), last, 'the cursor is where the last acknowledged batch ended');
    } finally {
      await after.close();
    }
  } finally {
    await otlp.close();
    tmp.remove();
  }
});
