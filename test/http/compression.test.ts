// Response compression: reads of 1 KB or more travel as Brotli or gzip when the client accepts one
// and decode to the same answer; writes are never compressed (a secret made for the caller beside
// input it chose: BREACH); small answers and clients that accept neither get plain bytes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

const [store] = testStores().filter((s) => s.name === 'sqlite');

describe('response compression', () => {
  let t: TestApp;
  const get = (url: string, encoding?: string) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${t.admin}`, ...(encoding ? { 'accept-encoding': encoding } : {}) },
    });

  before(async () => {
    t = await testApp(await store!.open());
    const ids = Array.from({ length: 40 }, (_, i) => identity(`svc-${String(i).padStart(2, '0')}`));
    assert.equal((await t.call('POST', '/v1/import', t.admin, smallManifest(ids))).status, 200);
  });
  after(async () => {
    await t.app.close();
    await store!.cleanup();
  });

  test('a large read is compressed as the client asks and decodes to the plain answer', async () => {
    const plain = await get('/v1/identities?limit=40');
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.rawPayload.length > 4096, `${plain.rawPayload.length} bytes`);
    const want = plain.json();
    for (const [accept, encoding, decode] of [
      ['gzip', 'gzip', gunzipSync],
      ['br', 'br', brotliDecompressSync],
      ['gzip, deflate, br', 'br', brotliDecompressSync],
    ] as const) {
      const r = await get('/v1/identities?limit=40', accept);
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-encoding'], encoding, accept);
      assert.match(String(r.headers.vary), /accept-encoding/i);
      assert.ok(r.rawPayload.length < plain.rawPayload.length / 3, `${accept}: ${r.rawPayload.length} of ${plain.rawPayload.length}`);
      assert.deepEqual(JSON.parse(decode(r.rawPayload).toString('utf8')), want);
    }
    // Problems are reads' answers too, and small: plain.
    const missing = await get('/v1/identities/nobody', 'gzip');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers['content-encoding'], undefined);
    assert.equal(missing.json().code, 'NOT_FOUND');
    // A client that accepts neither gets plain bytes.
    assert.equal((await get('/v1/identities?limit=40', 'identity')).headers['content-encoding'], undefined);
  });

  test('a write is never compressed, whatever the client accepts', async () => {
    const enforcer = await t.tokenFor(['enforcer']);
    const items = Array.from({ length: 40 }, (_, i) => ({
      principal: { identity: `svc-${String(i).padStart(2, '0')}` },
      action: 'read',
      resource: { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
      context: { environment: 'production', session_purpose: 'compression test', attested: true, device_posture: 'compliant' },
    }));
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/decisions/batch',
      headers: { authorization: `Bearer ${enforcer}`, 'accept-encoding': 'gzip, br' },
      payload: { items },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.ok(r.rawPayload.length > 1024, `${r.rawPayload.length} bytes: above the threshold, still plain`);
    assert.equal(r.json().items.length, 40);
  });
});
