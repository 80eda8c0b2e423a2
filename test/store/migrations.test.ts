// One migration per file: the files under src/store/migrations/ are numbered by their versions,
// 1..N without a gap or a repeat, all of them run, and a fresh store records exactly the versions
// and names that every existing database already holds in schema_migrations (a renamed or
// renumbered migration would run again, or never, on those databases).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { migrate, MIGRATIONS, type Migration } from '../../src/store/migrations.js';
import { testStores } from '../support/stores.js';

const DIR = new URL('../../src/store/migrations/', import.meta.url);
const FILE = /^(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*\.ts$/;

/** What schema_migrations holds on every database migrated so far. Released names never change. */
const RECORDED = [
  [1, 'inventory, events, access'],
  [2, 'authorisation transitions, lifecycle rules, identity power, outbox'],
  [3, 'ledger: leaf hashes, subtree nodes, checkpoints, log keys'],
  [4, 'token service, workload credentials, revocation, Cedar policies'],
  [5, 'approvals, just-in-time grants, exceptions, break-glass activations, access reviews'],
  [6, 'control checks, findings with a lifecycle, readiness history, leaked secrets'],
  [7, 'decision usage kept incrementally; an index for state-at-a-time reads'],
  [8, 'identity lists: sorts, search, counts; events by type and action'],
  [9, 'discovery sources, runs and accounts'],
  [10, 'discovered accounts by identity; deliveries verified by discovery'],
] as const;

test(
  'each migration is a file NNNN-short-name.ts whose number is its ' + 'version, 1..N without gaps or repeats, all listed in order',
  async () => {
    const names = readdirSync(DIR)
      .filter((f) => f.endsWith('.ts'))
      .sort();
    assert.deepEqual(
      names.filter((f) => !FILE.test(f)),
      ['index.ts', 'migration.ts'],
      'only migrations, the list and the type live here',
    );
    const files = names.filter((f) => FILE.test(f));
    const loaded: Migration[] = [];
    for (const f of files) {
      const { migration } = (await import(new URL(f, DIR).href)) as { migration: Migration };
      assert.equal(migration.version, Number(FILE.exec(f)![1]), `${f} holds version ${migration.version}`);
      loaded.push(migration);
    }
    assert.deepEqual(
      loaded.map((m) => m.version),
      files.map((_, i) => i + 1),
    );
    assert.deepEqual(
      MIGRATIONS.map((m) => m.version),
      loaded.map((m) => m.version),
      'index.ts lists every file, in order',
    );
    for (const [i, m] of MIGRATIONS.entries()) assert.equal(m, loaded[i], `index.ts lists the migration of ${files[i]}`);
  },
);

test('released migrations keep their versions and names', () => {
  assert.deepEqual(
    MIGRATIONS.slice(0, RECORDED.length).map((m) => [m.version, m.name]),
    RECORDED,
  );
});

for (const store of testStores()) {
  describe(`migrations: ${store.name}`, () => {
    after(() => store.cleanup());

    test('a fresh store records the same versions and names as every existing one, and migrates once', async () => {
      const db = await store.open();
      const rows = await db.all<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r) => [Number(r.version), r.name]),
        MIGRATIONS.map((m) => [m.version, m.name]),
      );
      assert.deepEqual(
        rows.slice(0, RECORDED.length).map((r) => [Number(r.version), r.name]),
        RECORDED,
      );
      assert.deepEqual(await migrate(db), []);
    });
  });
}
