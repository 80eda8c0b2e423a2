// The SIEM stream to a real syslog receiver: Debian's rsyslogd (imtcp, and gtls for TLS), started
// by the test. Every event arrives once, in order, with its seq; a stop mid-stream resumes from the
// cursor without a gap (what is sent twice is only the batch that was not acknowledged); the
// receiver going down and up loses nothing written meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventsAfter } from '../../src/ledger/log.js';
import { SD_ID } from '../../src/siem/rfc5424.js';
import type { SiemSink } from '../../src/siem/sink.js';
import { siemStreamer, type SiemStreamer } from '../../src/siem/streamer.js';
import { syslogSink } from '../../src/siem/syslog.js';
import type { Database } from '../../src/store/db.js';
import { testStores } from '../support/stores.js';
import { appendN, atHead, makeCerts, memoryLog, memoryMetrics, range, rsyslog, type Rsyslog, seqsOf, sleep, tempDir } from './support.js';

const backoff = { minMs: 50, maxMs: 200, slowMs: 200 };
const cursorOf = async (db: Database, sink = 'syslog') =>
  Number((await db.all<{ seq: number }>('SELECT seq FROM siem_cursors WHERE sink = ?', [sink]))[0]?.seq ?? 0);

for (const store of testStores()) {
  describe(`SIEM stream to rsyslog over TCP: ${store.name}`, () => {
    const tmp = tempDir('mandate-siem-');
    let receiver: Rsyslog;
    // One store for the suite (a PostgreSQL database is slow to make): each test streams from the head.
    let db: Database;
    const running: SiemStreamer[] = [];
    const stream = (sink: SiemSink, extra: { batchSize?: number; metrics?: ReturnType<typeof memoryMetrics>['metrics'] } = {}) => {
      const s = siemStreamer({ db, sinks: [sink], log: memoryLog(), pollMs: 100, backoff, batchSize: extra.batchSize ?? 50, ...extra });
      running.push(s);
      return s;
    };
    const tcp = () => syslogSink({ url: `tcp://127.0.0.1:${receiver.port}`, facility: 10, appName: 'mandate', hostname: 'mandate-test' });

    before(async () => {
      receiver = await rsyslog(tmp.dir);
      db = await store.open();
    });
    after(async () => {
      for (const s of running) await s.stop({ graceMs: 0 });
      await receiver?.stop();
      await store.cleanup();
      tmp.remove();
    });

    test('every event arrives once, in order, with its seq, its action as MSGID and the event JSON as MSG', async () => {
      const base = await atHead(db, 'syslog');
      await appendN(db, 230);
      const s = stream(tcp());
      await s.start();
      await s.drain(30_000);
      // Written while streaming: a commit wakes the stream.
      await appendN(db, 70);
      await s.drain(30_000);
      const got = await receiver.waitFor(300);
      const skip = got.length - 300;
      assert.deepEqual(seqsOf(got).slice(skip), range(base + 1, base + 300));
      const events = await eventsAfter(db, base, 1000);
      for (const [i, r] of got.slice(skip).entries()) {
        const e = events[i]!;
        assert.equal(r.sdId, SD_ID);
        assert.equal(r.msgId, e.action);
        assert.equal(r.appName, 'mandate');
        assert.equal(r.hostname, 'mandate-test');
        assert.equal(r.pri, 10 * 8 + (e.action === 'token.refused' ? 4 : 6));
        assert.equal(r.timestamp, e.at);
        assert.deepEqual(r.sd, { seq: String(e.seq), subject_type: e.subject.type, subject_id: e.subject.id, actor: e.actor });
        assert.deepEqual(JSON.parse(r.msg), e, `seq ${e.seq}: the MSG is the event`);
      }
      assert.equal(await cursorOf(db), base + 300);
      await s.stop();
    });

    for (const mode of ['stopped while writing', 'crashed after writing, before the cursor moved'] as const)
      test(`${mode} mid-stream, it resumes from the cursor: no gap, and only the unacknowledged batch twice`, async () => {
        const base = await atHead(db, 'syslog');
        const skip = receiver.received().length;
        await appendN(db, 1000, { per: 250 });
        const real = tcp();
        let batches = 0;
        let first: SiemStreamer;
        let stopped: Promise<void> | undefined;
        // The real sink, stopped while its fourth batch is being written.
        const cut: SiemSink = {
          name: real.name,
          target: real.target,
          async send(events, signal) {
            if (++batches < 4) return real.send(events, signal);
            if (mode === 'stopped while writing') {
              const sending = real.send(events, signal);
              stopped = first.stop({ graceMs: 0 });
              return sending;
            }
            // Written to the receiver, and the process gone before the acknowledgement was recorded.
            await real.send(events, signal);
            stopped = first.stop({ graceMs: 0 });
            throw new Error('crashed');
          },
          close: () => real.close(),
        };
        first = stream(cut, { batchSize: 100 });
        await first.start();
        while (!stopped) await sleep(10);
        await stopped;
        const at = await cursorOf(db);
        if (mode === 'stopped while writing')
          assert.ok(at === base + 300 || at === base + 400, `the cursor is past the acknowledged batches only (${at - base})`);
        else assert.equal(at, base + 300, 'the written batch was not acknowledged');
        const second = stream(tcp(), { batchSize: 100 });
        await second.start();
        await second.drain(30_000);
        await second.stop();
        const head = base + 1000;
        // The second run drained to the head: wait until rsyslog has written that far.
        let seqs: number[] = [];
        for (const deadline = Date.now() + 20_000; seqs.at(-1) !== head && Date.now() < deadline; await sleep(50))
          seqs = seqsOf(receiver.received()).slice(skip);
        // What the receiver got: base+1..k from the first run, then at+1..head from the second, k at most
        // one batch past the cursor.
        const k = base + seqs.length - (head - at);
        assert.ok(k >= at && k <= at + 100, `the first run got past the cursor (${at}) by one batch at most (${k})`);
        assert.deepEqual(seqs, [...range(base + 1, k), ...range(at + 1, head)]);
        if (mode !== 'stopped while writing') assert.equal(k - base, 400, 'the unacknowledged batch arrived twice: 301..400');
        assert.equal(await cursorOf(db), head);
      });

    test('the receiver going down and up: the stream waits, retries, and delivers everything written meanwhile', async () => {
      const base = await atHead(db, 'syslog');
      const skip = receiver.received().length;
      const m = memoryMetrics();
      const s = stream(tcp(), { metrics: m.metrics });
      await appendN(db, 120);
      await s.start();
      await s.drain(30_000);
      await receiver.waitFor(skip + 120);
      await receiver.stop();
      // The receiver's close reaches the stream before the next write (plain TCP syslog cannot save a
      // write racing the close: the kernel takes it, the peer resets; RELP would).
      await sleep(200);
      await appendN(db, 180);
      const deadline = Date.now() + 20_000;
      while (!m.failed['syslog:transient'] && Date.now() < deadline) await sleep(20);
      assert.ok(m.failed['syslog:transient'], 'the failures are counted');
      assert.equal(await cursorOf(db), base + 120, 'nothing acknowledged while the receiver is down');
      await receiver.start();
      await s.drain(30_000);
      await s.stop();
      assert.deepEqual(seqsOf(await receiver.waitFor(skip + 300)).slice(skip), range(base + 1, base + 300));
      assert.equal(m.sent.syslog, 300);
    });
  });
}

describe('SIEM stream to rsyslog over TLS (RFC 5425, gtls)', () => {
  const tmp = tempDir('mandate-siem-tls-');
  const stores = testStores().filter((s) => s.name === 'sqlite');
  let receiver: Rsyslog;
  let certs: ReturnType<typeof makeCerts>;
  before(async () => {
    certs = makeCerts(tmp.dir);
    receiver = await rsyslog(tmp.dir, certs);
  });
  after(async () => {
    await receiver?.stop();
    for (const s of stores) await s.cleanup();
    tmp.remove();
  });

  test('every event arrives once, in order, over TLS verified against the CA file', async () => {
    const db = await stores[0]!.open();
    await appendN(db, 150);
    const { readFileSync } = await import('node:fs');
    const sink = syslogSink({
      url: `tls://127.0.0.1:${receiver.port}`,
      ca: readFileSync(certs.ca),
      facility: 16,
      appName: 'mandate',
    });
    const s = siemStreamer({ db, sinks: [sink], log: memoryLog(), pollMs: 100, backoff, batchSize: 40 });
    await s.start();
    await s.drain(30_000);
    await s.stop();
    const got = await receiver.waitFor(150);
    assert.deepEqual(seqsOf(got), range(1, 150));
    assert.ok(got.every((r) => r.pri === 16 * 8 + 4 || r.pri === 16 * 8 + 6));
  });

  test('a receiver whose certificate does not chain to the CA file gets nothing: the stream fails closed and retries', async () => {
    const db = await stores[0]!.open();
    await appendN(db, 20);
    const other = makeCerts(tmp.dir, 'other');
    const { readFileSync } = await import('node:fs');
    const before = receiver.received().length;
    const m = memoryMetrics();
    const log = memoryLog();
    const sink = syslogSink({ url: `tls://127.0.0.1:${receiver.port}`, ca: readFileSync(other.ca), facility: 10, appName: 'mandate' });
    const s = siemStreamer({ db, sinks: [sink], log, metrics: m.metrics, pollMs: 100, backoff });
    await s.start();
    const deadline = Date.now() + 20_000;
    while ((m.failed['syslog:transient'] ?? 0) < 2 && Date.now() < deadline) await sleep(20);
    await s.stop({ graceMs: 0 });
    assert.ok((m.failed['syslog:transient'] ?? 0) >= 2, 'the failures are counted, and retried');
    assert.match(JSON.stringify(log.lines), /certificate/i);
    assert.equal(Number((await db.all<{ seq: number }>('SELECT seq FROM siem_cursors'))[0]?.seq), 0);
    await sleep(200);
    assert.equal(receiver.received().length, before);
  });
});
