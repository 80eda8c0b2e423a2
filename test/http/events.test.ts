// The event log as the console reads it, on both stores: oldest or newest first, by subject type
// alone, by action, by subject; every walk of the pages equals the same filter over the whole log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

interface Ev {
  seq: number;
  action: string;
  subject: { type: string; id: string };
}

for (const store of testStores()) {
  describe(`events on ${store.name}`, () => {
    let t: TestApp;
    let log: Ev[] = [];
    const walk = async (qs: string): Promise<number[]> => {
      const out: number[] = [];
      let cursor: string | null = null;
      do {
        const res: any = await t.call('GET', `/v1/events?${qs}${cursor ? `&cursor=${cursor}` : ''}`, t.admin);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        out.push(...res.body.items.map((e: Ev) => e.seq));
        cursor = res.body.next_cursor;
      } while (cursor);
      return out;
    };
    before(async () => {
      t = await testApp(await store.open());
      await t.call('POST', '/v1/import', t.admin, JSON.stringify(smallManifest()), { 'content-type': 'application/json' });
      for (let n = 0; n < 6; n++) assert.equal((await t.write('POST', '/v1/identities', identity(`ev-${n}`))).status, 201);
      for (const id of ['ev-1', 'ev-3', 'svc-a'])
        await t.call('POST', `/v1/identities/${id}/status`, t.admin, { status: 'suspended', reason: 'test' });
      await t.call('POST', '/v1/users', t.admin, { id: 'dora', name: 'Dora', roles: ['viewer'] });
      // Suspensions queue connector deliveries, whose outcomes are events too: let them land first.
      await t.app.services.outbox.drain();
      log = (await t.call('GET', '/v1/events?limit=500', t.admin)).body.items;
      assert.ok(log.length > 20);
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test('newest first: the pages walk the log backwards, each event once', async () => {
      const all = log.map((e) => e.seq);
      assert.deepEqual(await walk('limit=3'), all);
      assert.deepEqual(await walk('order=desc&limit=3'), [...all].reverse());
      const first: any = await t.call('GET', '/v1/events?order=desc&limit=1', t.admin);
      assert.equal(first.body.items[0].seq, Math.max(...all));
    });

    test('any combination of subject type, subject id and action, either way, equals that filter over the log', async () => {
      const types = [...new Set(log.map((e) => e.subject.type))];
      const actions = [...new Set(log.map((e) => e.action))];
      const ids = [...new Set(log.map((e) => e.subject.id))];
      await fc.assert(
        fc.asyncProperty(
          fc.option(fc.constantFrom(...types, 'nothing'), { nil: undefined }),
          fc.option(fc.constantFrom(...ids), { nil: undefined, freq: 3 }),
          fc.option(fc.constantFrom(...actions, 'no.such'), { nil: undefined }),
          fc.constantFrom(undefined, 'asc', 'desc'),
          fc.integer({ min: 1, max: 12 }),
          async (type, id, action, order, limit) => {
            const want = log
              .filter(
                (e) =>
                  (type === undefined || e.subject.type === type) &&
                  (id === undefined || e.subject.id === id) &&
                  (action === undefined || e.action === action),
              )
              .map((e) => e.seq);
            if (order === 'desc') want.reverse();
            const p = new URLSearchParams({ limit: String(limit) });
            if (type !== undefined) p.set('subject_type', type);
            if (id !== undefined) p.set('subject_id', id);
            if (action !== undefined) p.set('action', action);
            if (order !== undefined) p.set('order', order);
            assert.deepEqual(await walk(p.toString()), want, p.toString());
          },
        ),
        { numRuns: 80, seed: 7 },
      );
    });

    test('one event by seq: each event of the log as listed; a missing or bad seq is a problem', async () => {
      for (const e of log) assert.deepEqual((await t.call('GET', `/v1/events/${e.seq}`, t.admin)).body, e);
      const missing = await t.call('GET', `/v1/events/${Math.max(...log.map((e) => e.seq)) + 1}`, t.admin);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.code, 'NOT_FOUND');
      for (const bad of ['0', '-1', 'x', '1.5']) {
        const res = await t.call('GET', `/v1/events/${bad}`, t.admin);
        assert.equal(res.status, 400, bad);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      }
    });

    test('a cursor from one direction is refused in the other; bad values are 400 problems', async () => {
      const asc: any = await t.call('GET', '/v1/events?limit=2', t.admin);
      const desc: any = await t.call('GET', '/v1/events?limit=2&order=desc', t.admin);
      const cases: [string, string, string][] = [
        [`order=desc&cursor=${asc.body.next_cursor}`, 'INVALID_CURSOR', 'query:cursor'],
        [`cursor=${desc.body.next_cursor}`, 'INVALID_CURSOR', 'query:cursor'],
        [`order=asc&cursor=${desc.body.next_cursor}`, 'INVALID_CURSOR', 'query:cursor'],
        ['order=newest', 'INVALID_QUERY', 'querystring:order'],
        [`action=${'a'.repeat(81)}`, 'INVALID_QUERY', 'querystring:action'],
        ['action=', 'INVALID_QUERY', 'querystring:action'],
      ];
      for (const [qs, code, field] of cases) {
        const res = await t.call('GET', `/v1/events?${qs}`, t.admin);
        assert.equal(res.status, 400, qs);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        assert.equal(res.body.code, code, qs);
        assert.equal(res.body.field, field, qs);
      }
      // order=asc is the default order: its cursors and the default's are the same.
      assert.equal((await t.call('GET', `/v1/events?order=asc&limit=2&cursor=${asc.body.next_cursor}`, t.admin)).status, 200);
    });
  });
}
