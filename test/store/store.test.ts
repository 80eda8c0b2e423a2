// The shared store suite: the same tests on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { normaliseIdentity } from '../../src/core/rules.js';
import { ActionVocabulary } from '../../src/core/vocabulary.js';
import { appendEvents, eventsAfter, eventsForSubject } from '../../src/ledger/log.js';
import { getRecord, listRecords, updateRecordAtVersion, upsertRecords } from '../../src/state/records.js';
import { migrate, MIGRATIONS } from '../../src/store/migrations.js';
import { identity } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const vocab = new ActionVocabulary();
const at = '2026-11-22T10:00:00.000Z';

for (const store of testStores()) {
  describe(`store: ${store.name}`, () => {
    after(() => store.cleanup());

    test('migrations are versioned and run once', async () => {
      const db = await store.open();
      assert.deepEqual(await migrate(db), []);
      const rows = await db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r) => Number(r.version)),
        MIGRATIONS.map((m) => m.version),
      );
    });

    test('upsert creates at version 1, an update bumps the version and keeps the creation time', async () => {
      const db = await store.open();
      const a = normaliseIdentity(identity('svc-a'), vocab);
      await db.transaction((tx) => upsertRecords(tx, 'identity', [a], at));
      const later = '2026-11-22T11:00:00.000Z';
      await db.transaction((tx) => upsertRecords(tx, 'identity', [{ ...a, purpose: 'changed' }], later));
      const s = await getRecord(db, 'identity', 'svc-a');
      assert.equal(s?.version, 2);
      assert.equal(s?.created_at, at);
      assert.equal(s?.updated_at, later);
      assert.equal(s?.record.purpose, 'changed');
    });

    test('optimistic concurrency: a write at a stale version changes nothing', async () => {
      const db = await store.open();
      const a = normaliseIdentity(identity('svc-a'), vocab);
      await db.transaction((tx) => upsertRecords(tx, 'identity', [a], at));
      assert.equal(await db.transaction((tx) => updateRecordAtVersion(tx, 'identity', { ...a, purpose: 'x' }, 1, at)), true);
      assert.equal(await db.transaction((tx) => updateRecordAtVersion(tx, 'identity', { ...a, purpose: 'y' }, 1, at)), false);
      assert.equal((await getRecord(db, 'identity', 'svc-a'))?.record.purpose, 'x');
    });

    test('a failed transaction leaves neither the change nor its event', async () => {
      const db = await store.open();
      const a = normaliseIdentity(identity('svc-a'), vocab);
      await assert.rejects(
        db.transaction(async (tx) => {
          await upsertRecords(tx, 'identity', [a], at);
          await appendEvents(tx, at, [{ actor: 't', action: 'identity.created', subject: { type: 'identity', id: 'svc-a' }, after: a }]);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await getRecord(db, 'identity', 'svc-a'), undefined);
      assert.deepEqual(await eventsAfter(db, 0, 10), []);
    });

    test('events keep order and their before/after documents', async () => {
      const db = await store.open();
      await db.transaction((tx) =>
        appendEvents(tx, at, [
          { actor: 'a', action: 'x.created', subject: { type: 'x', id: '1' }, after: { n: 1 } },
          { actor: 'a', action: 'x.updated', subject: { type: 'x', id: '1' }, before: { n: 1 }, after: { n: 2 }, reason: 'why' },
          { actor: 'a', action: 'y.created', subject: { type: 'y', id: '1' } },
        ]),
      );
      const all = await eventsAfter(db, 0, 10);
      assert.deepEqual(
        all.map((e) => e.seq),
        [1, 2, 3],
      );
      const xs = await eventsForSubject(db, 'x', '1', 0, 10);
      assert.deepEqual(
        xs.map((e) => [e.action, e.before, e.after, e.reason]),
        [
          ['x.created', null, { n: 1 }, null],
          ['x.updated', { n: 1 }, { n: 2 }, 'why'],
        ],
      );
      assert.equal((await eventsForSubject(db, undefined, '1', 0, 10)).length, 3);
    });

    test('concurrent transactions each commit whole, and events stay in one total order', async () => {
      const db = await store.open();
      await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          db.transaction(async (tx) => {
            const r = normaliseIdentity(identity(`svc-${String(n).padStart(2, '0')}`), vocab);
            await upsertRecords(tx, 'identity', [r], at);
            await appendEvents(tx, at, [{ actor: 't', action: 'identity.created', subject: { type: 'identity', id: r.id } }]);
          }),
        ),
      );
      const events = await eventsAfter(db, 0, 100);
      assert.equal(events.length, 20);
      assert.deepEqual(
        events.map((e) => e.seq),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    test('keyset pages, filters and scope filters; ids sort by code point on both stores', async () => {
      const db = await store.open();
      const ids = ['b-2', 'B-1', 'a_3', 'a-1', 'a.2', 'Z9', 'z-0'];
      const records = ids.map((id, n) =>
        normaliseIdentity(
          identity(id, {
            function: n % 2 ? 'trading' : 'custody',
            scopes: [{ entity: n % 3 ? 'ent-de' : 'ent-ie', service: 'custody', jurisdiction: n % 2 ? 'FR' : 'DE' }],
          }),
          vocab,
        ),
      );
      await db.transaction((tx) => upsertRecords(tx, 'identity', records, at));
      const order = [...ids].sort();
      const pages: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await listRecords(db, 'identity', { columns: {} }, cursor, 3);
        pages.push(...page.map((p) => p.record.id));
        if (page.length < 3) break;
        cursor = page[page.length - 1]!.record.id;
      }
      assert.deepEqual(pages, order);
      const trading = await listRecords(db, 'identity', { columns: { function: 'trading' } }, undefined, 50);
      assert.deepEqual(
        trading.map((r) => r.record.id),
        records
          .filter((r) => r.function === 'trading')
          .map((r) => r.id)
          .sort(),
      );
      const ieFr = await listRecords(db, 'identity', { columns: {}, scope: { entity: 'ent-ie', jurisdiction: 'FR' } }, undefined, 50);
      assert.deepEqual(
        ieFr.map((r) => r.record.id),
        records
          .filter((r) => r.scopes.some((s) => 'entity' in s && s.entity === 'ent-ie' && s.jurisdiction === 'FR'))
          .map((r) => r.id)
          .sort(),
      );
    });

    test('a scope filter lists each identity once, in order, across pages, with column filters', async () => {
      const db = await store.open();
      const many = Array.from({ length: 9 }, (_, n) =>
        normaliseIdentity(
          identity(`m-${n}`, {
            function: n % 3 ? 'custody' : 'trading',
            scopes: (['DE', 'FR', 'IT'] as const).map((j) => ({ entity: 'ent-de', service: 'custody' as const, jurisdiction: j })),
          }),
          vocab,
        ),
      );
      await db.transaction((tx) => upsertRecords(tx, 'identity', many, at));
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await listRecords(db, 'identity', { columns: {}, scope: { entity: 'ent-de' } }, cursor, 2);
        seen.push(...page.map((p) => p.record.id));
        if (page.length < 2) break;
        cursor = page[page.length - 1]!.record.id;
      }
      assert.deepEqual(
        seen,
        many.map((m) => m.id),
      );
      const trading = await listRecords(
        db,
        'identity',
        { columns: { function: 'trading' }, scope: { entity: 'ent-de', jurisdiction: 'IT' } },
        undefined,
        50,
      );
      assert.deepEqual(
        trading.map((t) => t.record.id),
        ['m-0', 'm-3', 'm-6'],
      );
      assert.deepEqual((await listRecords(db, 'identity', { columns: {}, scope: { jurisdiction: 'ES' } }, undefined, 5)).length, 0);
    });

    test('scopes are rewritten with the identity', async () => {
      const db = await store.open();
      const a = normaliseIdentity(identity('svc-a'), vocab);
      await db.transaction((tx) => upsertRecords(tx, 'identity', [a], at));
      await db.transaction((tx) =>
        upsertRecords(tx, 'identity', [{ ...a, scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'FR' }] }], at),
      );
      assert.equal((await listRecords(db, 'identity', { columns: {}, scope: { jurisdiction: 'DE' } }, undefined, 5)).length, 0);
      assert.equal((await listRecords(db, 'identity', { columns: {}, scope: { jurisdiction: 'FR' } }, undefined, 5)).length, 1);
    });
  });
}
