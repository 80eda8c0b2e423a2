// The SIEM stream to OpenTelemetry logs over OTLP/HTTP JSON, against the test receiver of
// otlp-receiver.ts (no collector is packaged for this machine; see there). Acknowledged means a 2xx
// answer; 429 and 5xx are retried with backoff, another 4xx is a visible error retried slowly, and
// no batch is ever skipped.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { eventsAfter } from '../../src/ledger/log.js';
import { otlpEndpoint, otlpSink, parseOtlpHeaders } from '../../src/siem/otlp.js';
import { siemStreamer, type SiemStreamer } from '../../src/siem/streamer.js';
import type { Database } from '../../src/store/db.js';
import { testStores } from '../support/stores.js';
import { type Answer, otlpReceiver } from './otlp-receiver.js';
import { appendN, atHead, memoryLog, memoryMetrics, range } from './support.js';

const backoff = { minMs: 20, maxMs: 100, slowMs: 150 };
const AUTH = 'Bearer siem-test-credential-0123456789';
const cursorOf = async (db: Database) =>
  Number((await db.all<{ seq: number }>("SELECT seq FROM siem_cursors WHERE sink = 'otlp'"))[0]?.seq ?? 0);

for (const store of testStores()) {
  describe(`SIEM stream to OTLP/HTTP: ${store.name}`, () => {
    const open: { close(): Promise<void> }[] = [];
    const streamers: SiemStreamer[] = [];
    // One store for the suite (a PostgreSQL database is slow to make): each test streams from the head.
    let shared: Database | undefined;
    after(async () => {
      for (const s of streamers) await s.stop({ graceMs: 0 });
      for (const r of open) await r.close();
      await store.cleanup();
    });
    const setup = async (answer?: (req: any, n: number) => Answer, batchSize = 50, maxRequestBytes?: number) => {
      shared ??= await store.open();
      const db = shared;
      const base = await atHead(db, 'otlp');
      const receiver = await otlpReceiver(answer);
      open.push(receiver);
      const log = memoryLog();
      const m = memoryMetrics();
      const make = () => {
        const s = siemStreamer({
          db,
          sinks: [otlpSink({ url: receiver.url, headers: { authorization: AUTH }, ...(maxRequestBytes ? { maxRequestBytes } : {}) })],
          log,
          metrics: m.metrics,
          pollMs: 100,
          backoff,
          batchSize,
        });
        streamers.push(s);
        return s;
      };
      return { db, base, receiver, log, m, make };
    };

    test('every event arrives once, in order, as an OTLP log record with its seq, action, subject and actor', async () => {
      const { db, base, receiver, log, make } = await setup();
      await appendN(db, 180);
      const s = make();
      await s.start();
      await s.drain(30_000);
      await appendN(db, 20);
      await s.drain(30_000);
      await s.stop();
      assert.deepEqual(receiver.problems, []);
      assert.deepEqual(
        receiver.accepted.flatMap((r) => r.seqs),
        range(base + 1, base + 200),
      );
      assert.ok(
        receiver.requests.every((r) => r.headers.authorization === AUTH),
        'the configured header goes with every request',
      );
      const events = await eventsAfter(db, base, 1000);
      const records = receiver.accepted.flatMap((r) => r.body.resourceLogs[0].scopeLogs[0].logRecords);
      assert.deepEqual(receiver.accepted[0]!.body.resourceLogs[0].scopeLogs[0].scope, { name: 'mandate.ledger', version: '1' });
      for (const [i, lr] of records.entries()) {
        const e = events[i]!;
        const attrs = Object.fromEntries(lr.attributes.map((a: any) => [a.key, Object.values(a.value)[0]]));
        assert.deepEqual(attrs, {
          'mandate.seq': String(e.seq),
          'mandate.action': e.action,
          'mandate.subject.type': e.subject.type,
          'mandate.subject.id': e.subject.id,
          'mandate.actor': e.actor,
        });
        assert.equal(lr.timeUnixNano, `${BigInt(Date.parse(e.at)) * 1_000_000n}`);
        assert.equal(lr.severityText, e.action === 'token.refused' ? 'WARN' : 'INFO');
        assert.deepEqual(JSON.parse(lr.body.stringValue), e);
      }
      assert.equal(await cursorOf(db), base + 200);
      assert.ok(!JSON.stringify(log.lines).includes('siem-test-credential'), 'the header is never logged');
    });

    test('a batch too large for one request goes in several, in order', async () => {
      const { db, base, receiver, make } = await setup(undefined, 100, 30_000);
      await appendN(db, 100);
      const s = make();
      await s.start();
      await s.drain(30_000);
      await s.stop();
      assert.ok(receiver.requests.length > 2, `${receiver.requests.length} requests`);
      assert.ok(receiver.requests.every((r) => r.seqs.length === 1 || JSON.stringify(r.body).length <= 30_000));
      assert.deepEqual(
        receiver.accepted.flatMap((r) => r.seqs),
        range(base + 1, base + 100),
      );
    });

    test('429 and 5xx are retried with backoff, another 4xx is an error retried slowly: the same batch, never skipped', async () => {
      const script = [503, 429, 400, 401, 500];
      const { db, base, receiver, log, m, make } = await setup((_r, n) => ({
        status: script[n - 1] ?? 200,
        ...(n === 2 ? { headers: { 'retry-after': '0' } } : {}),
        body: script[n - 1] ? { message: 'not now' } : {},
      }));
      await appendN(db, 120);
      const s = make();
      await s.start();
      await s.drain(30_000);
      await s.stop();
      // The first batch was offered six times, the same events each time, then the rest in order.
      const offered = receiver.requests.map((r) => r.seqs);
      for (let i = 0; i < 6; i++) assert.deepEqual(offered[i], range(base + 1, base + 50), `attempt ${i + 1} offers the first batch again`);
      assert.deepEqual(
        receiver.accepted.flatMap((r) => r.seqs),
        range(base + 1, base + 120),
      );
      assert.equal(m.failed['otlp:transient'], 3);
      assert.equal(m.failed['otlp:refused'], 2);
      const errors = log.lines.filter((l) => l.level === 'error');
      assert.equal(errors.length, 2, 'each refusal is an error in the log');
      assert.match(JSON.stringify(errors[0]), /refused with 400/);
      assert.ok(!JSON.stringify(log.lines).includes('siem-test-credential'), 'the header is never logged');
      assert.equal(await cursorOf(db), base + 120);
    });

    test('a restart resumes after the last acknowledged batch; a batch cut off before its answer is sent again', async () => {
      // The third request is answered only after 5 s: the stream is stopped while it waits, so its batch is unacknowledged.
      let held: (() => void) | undefined;
      const waiting = new Promise<void>((resolve) => (held = resolve));
      const { db, base, receiver, make } = await setup((_r, n) => {
        if (n === 3) held!();
        return { status: 200, delayMs: n === 3 ? 5000 : 0 };
      }, 40);
      await appendN(db, 200);
      const first = make();
      await first.start();
      await waiting;
      await first.stop({ graceMs: 0 });
      const at = await cursorOf(db);
      assert.equal(at, base + 80, 'two batches acknowledged');
      assert.deepEqual(receiver.requests[2]!.seqs, range(at + 1, at + 40), 'the cut-off batch is the one after the cursor');
      const second = make();
      await second.start();
      await second.drain(30_000);
      await second.stop();
      const offered = receiver.requests.flatMap((r) => r.seqs);
      assert.deepEqual(offered, [...range(base + 1, at + 40), ...range(at + 1, base + 200)], 'no gap; only the cut-off batch twice');
      assert.equal(await cursorOf(db), base + 200);
    });

    test('a partial success counts as delivered and is reported; a redirect is not followed', async () => {
      const { db, base, receiver, log } = await setup((_r, n) =>
        n === 1
          ? { status: 307, headers: { location: 'http://127.0.0.1:9/elsewhere' } }
          : { status: 200, body: { partialSuccess: { rejectedLogRecords: '2', errorMessage: 'two too old' } } },
      );
      const rejected: number[] = [];
      await appendN(db, 10);
      const s = siemStreamer({
        db,
        sinks: [otlpSink({ url: receiver.url, onRejected: (n) => rejected.push(n) })],
        log,
        pollMs: 100,
        backoff,
      });
      streamers.push(s);
      await s.start();
      await s.drain(30_000);
      await s.stop();
      assert.match(JSON.stringify(log.lines.filter((l) => l.level === 'error')), /refused with 307/);
      assert.deepEqual(rejected, [2]);
      assert.equal(receiver.requests.length, 2);
      assert.equal(await cursorOf(db), base + 10);
    });
  });
}

test('MANDATE_SIEM_OTLP_HEADERS: name=value pairs, percent-decoded; errors never echo a value', () => {
  assert.deepEqual(parseOtlpHeaders('Authorization=Bearer%20abc,x-scope=t1'), { authorization: 'Bearer abc', 'x-scope': 't1' });
  const bad = parseOtlpHeaders('Authorization: Bearer secret-value');
  assert.ok('error' in bad && !bad.error.includes('secret-value'), JSON.stringify(bad));
  const badValue = parseOtlpHeaders('authorization=%E0%A4%A');
  assert.ok('error' in badValue && !badValue.error.includes('%E0'));
  assert.equal(otlpEndpoint('https://collector:4318'), 'https://collector:4318/v1/logs');
  assert.equal(otlpEndpoint('https://collector:4318/custom/logs'), 'https://collector:4318/custom/logs');
});
