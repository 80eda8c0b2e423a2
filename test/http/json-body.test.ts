// Strict JSON bodies (src/http/json-body.ts): duplicate keys are found with their pointer however
// deep and however escaped, prototype keys are refused, bytes that are not UTF-8 are refused, and
// every JSON document without those parses as JSON.parse would (a property over fast-check's
// JSON values, including keys that need escaping).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { firstBadKey, parseJsonBody } from '../../src/http/json-body.js';

const refused = (body: string | Buffer, field: string, message: RegExp) =>
  assert.throws(
    () => parseJsonBody(Buffer.isBuffer(body) ? body : Buffer.from(body)),
    (e: { code?: string; field?: string; message: string }) => e.code === 'MALFORMED_BODY' && e.field === field && message.test(e.message),
  );

test('a duplicate key is refused with its pointer, at any depth, escaped or not', () => {
  refused('{"capability":"observe","capability":"execute"}', '/capability', /appears twice/);
  refused('{"a":[1,{"b":{"c":1,"\\u0063":2}}]}', '/a/1/b/c', /appears twice/);
  refused('{"x/y":{"k~":1,"k~":2}}', '/x~1y/k~0', /appears twice/);
  // The same key in sibling objects is no duplicate; after a nested object the outer keys still count.
  assert.deepEqual(parseJsonBody(Buffer.from('[{"a":1},{"a":2}]')), [{ a: 1 }, { a: 2 }]);
  refused('{"a":{"z":1},"b":[{"a":1}],"a":3}', '/a', /appears twice/);
  // Commas and braces inside strings are text.
  assert.deepEqual(parseJsonBody(Buffer.from('{"a":"},{\\"a\\":","b":"]"}')), { a: '},{"a":', b: ']' });
});

test('prototype keys, bytes that are not UTF-8, empty and malformed bodies are refused', () => {
  refused('{"__proto__":{"admin":true}}', '/__proto__', /not allowed/);
  refused('{"constructor":{"prototype":{"x":1}}}', '/constructor/prototype', /not allowed/);
  refused(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), '/', /not valid UTF-8/);
  refused('  ', '/', /empty/);
  refused('{"a":', '/', /not valid JSON/);
});

test('property: any JSON document without duplicates parses as JSON.parse does; adding a duplicate is found', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const text = JSON.stringify(v);
      // Prototype keys are refused on purpose (the test above); every other document passes.
      fc.pre(text !== undefined && !text.includes('"__proto__"') && !text.includes('"prototype"'));
      assert.equal(firstBadKey(text), undefined);
      assert.deepEqual(parseJsonBody(Buffer.from(text)), JSON.parse(text));
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(
      fc.dictionary(
        fc.string().filter((k) => k !== '__proto__'),
        fc.jsonValue(),
        { minKeys: 1 },
      ),
      fc.nat(),
      (obj, n) => {
        // A prototype key deeper in a value is refused first (as it should be): not this property's case.
        fc.pre(!/"(__proto__|prototype)"/.test(JSON.stringify(obj)));
        const keys = Object.keys(obj);
        const key = keys[n % keys.length]!;
        const text = `${JSON.stringify(obj).slice(0, -1)},${JSON.stringify(key)}:null}`;
        const bad = firstBadKey(text);
        assert.deepEqual([bad?.why, bad?.key], ['duplicate', key]);
      },
    ),
    { numRuns: 300 },
  );
});
