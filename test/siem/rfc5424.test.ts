// The RFC 5424 formatter against arbitrary events (fast-check): the octet count is exact, every
// header field is printable US-ASCII within its length limit, PARAM-VALUEs escape `"`, `\` and `]`
// (and read back to what was given), and the MSG is the event's JSON in US-ASCII.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { StoredEvent } from '../../src/ledger/log.js';
import { frame, paramValue, parseFacility, SD_ID, severityOf, syslogMessage, wellFormed } from '../../src/siem/rfc5424.js';
import { parseLine } from './support.js';

// Any string, with the characters that matter to the format drawn often.
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: fc.constantFrom('"', '\\', ']', '[', '=', ' ', '\n', '\0', 'é', '✓', '😀', '\ud800', 'a', '-'), maxLength: 40 }),
);
const event: fc.Arbitrary<StoredEvent> = fc.record({
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  at: fc.oneof(
    fc
      .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    text,
  ),
  actor: text,
  action: fc.oneof(text, fc.constantFrom('identity.created', 'token.refused', 'a'.repeat(40))),
  subject: fc.record({ type: text, id: text }),
  before: fc.jsonValue(),
  after: fc.jsonValue(),
  reason: fc.option(text, { nil: null }),
});
const header = fc.record({
  facility: fc.integer({ min: 0, max: 23 }),
  hostname: fc.oneof(text, fc.string({ minLength: 250, maxLength: 300 })),
  appName: text,
  procId: fc.oneof(text, fc.nat().map(String)),
});

const PRINTUSASCII = /^[\x21-\x7e]+$/;

test('a frame is its exact length in octets, a space and an RFC 5424 message whose header fields are printable and bounded', () => {
  fc.assert(
    fc.property(event, header, (e, h) => {
      const framed = frame(syslogMessage(e, h));
      const sp = framed.indexOf(0x20);
      const len = framed.subarray(0, sp).toString('ascii');
      assert.match(len, /^[1-9]\d*$/, 'MSG-LEN is NONZERO-DIGIT *DIGIT');
      assert.equal(Number(len), framed.length - sp - 1, 'the length prefix counts the octets after the space');
      const msg = framed.subarray(sp + 1).toString('utf8');
      const [pri, ts, host, app, proc, msgid] = msg.split(' ');
      assert.match(pri!, /^<\d{1,3}>1$/);
      const prival = Number(/^<(\d+)>/.exec(pri!)![1]);
      assert.equal(prival, h.facility * 8 + severityOf(e.action).syslog);
      assert.ok(prival <= 191);
      for (const [field, max] of [
        [ts, 64],
        [host, 255],
        [app, 48],
        [proc, 128],
        [msgid, 32],
      ] as const) {
        assert.match(field!, PRINTUSASCII, `header field ${JSON.stringify(field)}`);
        assert.ok(field!.length <= max, `header field ${field} at most ${max}`);
      }
      assert.ok(ts === '-' || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(ts!), `TIMESTAMP ${ts}`);
      const parsed = parseLine(msg);
      assert.equal(parsed.sdId, SD_ID);
      assert.deepEqual(parsed.sd, {
        seq: String(e.seq),
        subject_type: wellFormed(e.subject.type),
        subject_id: wellFormed(e.subject.id),
        actor: wellFormed(e.actor),
      });
      assert.match(parsed.msg, /^[\x20-\x7e]*$/, 'MSG is US-ASCII: no BOM needed');
      assert.deepEqual(JSON.parse(parsed.msg), JSON.parse(JSON.stringify(e)), 'MSG is the event JSON');
    }),
    { numRuns: 2000 },
  );
});

test('PARAM-VALUE escapes exactly ", \\ and ] and nothing else', () => {
  fc.assert(
    fc.property(text, (v) => {
      const escaped = paramValue(v);
      // Unescaping a backslash before one of the three gives the value back.
      assert.equal(escaped.replace(/\\(["\\\]])/g, '$1'), wellFormed(v));
      // No bare `"` or `]`, and no bare backslash, is left.
      assert.doesNotMatch(escaped.replace(/\\["\\\]]/g, ''), /["\\\]]/);
    }),
    { numRuns: 2000 },
  );
  assert.equal(paramValue('a"b\\c]d[e'), 'a\\"b\\\\c\\]d[e');
});

test('facilities by name or number', () => {
  assert.equal(parseFacility('authpriv'), 10);
  assert.equal(parseFacility('LOCAL7'), 23);
  assert.equal(parseFacility('13'), 13);
  assert.equal(parseFacility('24'), undefined);
  assert.equal(parseFacility('kernel'), undefined);
});
