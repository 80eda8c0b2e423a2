// The framework's edges answer like the rest of the API (issue 17 items 4 and 8): a method the path
// lacks is 405 with Allow, a bad percent-encoding or an over-long path parameter is a 400 problem,
// every id the schema allows (up to 128 characters) can be read and changed after it is created,
// and a JSON body with a duplicate key or bytes that are not UTF-8 is refused and writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

for (const store of testStores()) {
  describe(`HTTP edges on ${store.name}`, () => {
    let t: TestApp;
    const problem = (
      res: { status: number; body: any; headers: Record<string, unknown> },
      status: number,
      code: string,
      field?: string,
    ) => {
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.body.code, code);
      if (field !== undefined) assert.equal(res.body.field, field);
    };
    const count = async () => Number((await t.db.all<{ n: number }>('SELECT COUNT(*) AS n FROM events'))[0]!.n);

    before(async () => {
      t = await testApp(await store.open());
      assert.equal((await t.call('POST', '/v1/import', t.admin, smallManifest([]))).status, 200);
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test('a method the path does not have is 405 with Allow', async () => {
      const res = await t.call('DELETE', '/v1/identities', t.admin);
      problem(res, 405, 'METHOD_NOT_ALLOWED', 'method');
      assert.equal(res.headers.allow, 'GET, HEAD, POST');
      assert.equal((await t.call('PATCH', '/v1/identities/svc-x', t.admin)).headers.allow, 'GET, HEAD, PUT');
      problem(await t.call('GET', '/v1/no-such-thing', t.admin), 404, 'ROUTE_NOT_FOUND');
      // Nobody learns the routes without a token.
      assert.equal((await t.call('DELETE', '/v1/identities', undefined)).status, 401);
    });

    test('bad percent-encoding and over-long path parameters are problems, not framework JSON', async () => {
      problem(await t.call('GET', '/v1/identities/%E0%A4%A', t.admin), 400, 'VALIDATION_FAILED', 'path');
      problem(await t.call('GET', `/v1/identities/${'a'.repeat(1025)}`, t.admin), 400, 'VALIDATION_FAILED', 'path');
    });

    test('an id of the longest length the schema allows is manageable after creation', async () => {
      const id = `svc-${'x'.repeat(124)}`;
      assert.equal(id.length, 128);
      const created = await t.write('POST', '/v1/identities', identity(id, { capability: 'observe', function: 'reporting' }));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const got = await t.call('GET', `/v1/identities/${id}`, t.admin);
      assert.equal(got.status, 200, JSON.stringify(got.body));
      const events = await t.call('GET', `/v1/events?subject_id=${id}`, t.admin);
      assert.equal(events.status, 200);
      assert.ok(events.body.items.length >= 1);
    });

    test('a duplicate key or bytes that are not UTF-8 refuse the body and write nothing', async () => {
      const before = await count();
      const dup = await t.call(
        'POST',
        '/v1/identities',
        t.admin,
        JSON.stringify(identity('svc-dup', { capability: 'observe', function: 'reporting' })).replace(/}$/, ',"capability":"execute"}'),
        { 'content-type': 'application/json' },
      );
      problem(dup, 400, 'MALFORMED_BODY', '/capability');
      assert.match(dup.body.detail, /"capability" appears twice/);
      const bytes = Buffer.concat([Buffer.from('{"id":"svc-'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/identities',
        payload: bytes,
        headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'application/json' },
      });
      assert.equal(res.statusCode, 400);
      assert.equal(JSON.parse(res.body).code, 'MALFORMED_BODY');
      assert.equal((await t.call('GET', '/v1/identities/svc-dup', t.admin)).status, 404);
      // Only the refusals' own evidence, if any, was written.
      const written = await t.db.all<{ action: string }>('SELECT action FROM events WHERE seq > ?', [before]);
      assert.ok(
        written.every((e) => e.action.endsWith('.refused')),
        JSON.stringify(written),
      );
    });
  });
}
