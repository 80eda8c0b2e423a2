// A misconfigured replica refuses to start, naming what differs: another KEK, another ledger origin,
// a store migrated by a newer Mandate. Changing the origin on purpose is a ledger key rotation the
// verifier follows. Data files are private: 0600 files in a 0700 directory, whatever the umask.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadServerConfig } from '../../src/config.js';
import { appendEvents } from '../../src/ledger/log.js';
import { verifyLedgerFile } from '../../src/ledger/verify.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { startServer } from '../../src/server/start.js';
import { openDatabase } from '../../src/store/open.js';
import { startServerProcess } from '../support/cli.js';
import { testStores } from '../support/stores.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-deployment-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const clock = () => new Date('2026-12-07T09:00:00.000Z');
const NEWEST = Math.max(...MIGRATIONS.map((m) => m.version));

function configFor(db: string, kek: Buffer, origin: string, more: Record<string, string> = {}) {
  return loadServerConfig(
    { db, port: '0' },
    { MANDATE_KEK: kek.toString('base64'), MANDATE_LEDGER_ORIGIN: origin, MANDATE_LOG_LEVEL: 'error', ...more },
  );
}

async function refused(db: string, kek: Buffer, origin: string): Promise<string> {
  let message = '';
  await assert.rejects(startServer(configFor(db, kek, origin), clock), (err: Error & { field?: string }) => {
    message = `${err.field}: ${err.message}`;
    return true;
  });
  return message;
}

for (const store of testStores()) {
  describe(`a misconfigured replica on ${store.name}`, () => {
    after(() => store.cleanup());

    test('another KEK, another ledger origin or a newer migration: the server refuses to start and says which', async () => {
      const db = await store.open();
      await db.close();
      const kek = randomBytes(32);
      const first = await startServer(configFor(store.url(), kek, 'mandate.test/a'), clock);
      await first.app.services.ledger.checkpoint();
      await first.close();
      // The same configuration starts again; what the first start recorded is evidence, once.
      const again = await startServer(configFor(store.url(), kek, 'mandate.test/a'), clock);
      const recorded = await again.db.all<{ after_doc: string }>("SELECT after_doc FROM events WHERE action = 'deployment.recorded'");
      await again.close();
      assert.equal(recorded.length, 1);
      assert.equal(JSON.parse(recorded[0]!.after_doc).ledger_origin, 'mandate.test/a');
      assert.match(JSON.parse(recorded[0]!.after_doc).kek_fingerprint, /^[0-9a-f]{64}$/);
      assert.match(
        await refused(store.url(), randomBytes(32), 'mandate.test/a'),
        /^MANDATE_KEK: refusing to start: the key-encryption key in MANDATE_KEK is not the one this store was set up with/,
      );
      assert.equal(
        await refused(store.url(), kek, 'mandate.test/b'),
        'MANDATE_LEDGER_ORIGIN: refusing to start: MANDATE_LEDGER_ORIGIN is "mandate.test/b" but this store\'s ledger is ' +
          '"mandate.test/a": checkpoints under another origin would not verify against the log\'s history. Set ' +
          'MANDATE_LEDGER_ORIGIN=mandate.test/a, or change the origin on purpose with: mandate keys rotate ledger --origin mandate.test/b',
      );
      // A newer Mandate migrated the store.
      const raw = await openDatabase(store.url());
      await raw.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [NEWEST + 5, 'from the future', 'x']);
      await raw.close();
      assert.equal(
        await refused(store.url(), kek, 'mandate.test/a'),
        `MANDATE_DB: the store was migrated by a newer Mandate (${NEWEST + 5} > ${NEWEST}); upgrade this server`,
      );
      const back = await openDatabase(store.url());
      await back.run('DELETE FROM schema_migrations WHERE version = ?', [NEWEST + 5]);
      await back.close();
    });

    test('a store from before the deployment record: a KEK that does not open its ledger key is refused', async () => {
      const db = await store.open();
      await db.close();
      const kek = randomBytes(32);
      const s = await startServer(configFor(store.url(), kek, 'mandate.test/old'), clock);
      await s.app.services.ledger.checkpoint();
      await s.close();
      const raw = await openDatabase(store.url());
      await raw.run('DELETE FROM deployment');
      await raw.close();
      assert.match(
        await refused(store.url(), randomBytes(32), 'mandate.test/old'),
        /^MANDATE_KEK: refusing to start: the key-encryption key in MANDATE_KEK does not open this store's ledger key/,
      );
      // The origin is then read from the ledger key's name.
      assert.match(await refused(store.url(), kek, 'mandate.test/new'), /this store's ledger is "mandate.test\/old"/);
      await (await startServer(configFor(store.url(), kek, 'mandate.test/old'), clock)).close();
    });

    test('changing the origin on purpose: a ledger key rotation under the new name, followed by the verifier', async () => {
      const db = await store.open();
      await db.close();
      const kek = randomBytes(32);
      let s = await startServer(configFor(store.url(), kek, 'mandate.test/one'), clock);
      const k0 = (await s.app.services.ledger.logKey()).verifierKey;
      await s.app.services.ledger.checkpoint();
      const r = await s.app.services.ledger.rotateKey('user:admin', { name: 'mandate.test/two' });
      assert.match(r.to, /^mandate\.test\/two\+/);
      await s.close();
      assert.match(
        await refused(store.url(), kek, 'mandate.test/one'),
        /^MANDATE_LEDGER_ORIGIN: .*this store's ledger is "mandate.test\/two"/,
      );
      s = await startServer(configFor(store.url(), kek, 'mandate.test/two'), clock);
      try {
        await s.db.transaction((tx) =>
          appendEvents(tx, clock().toISOString(), [{ actor: 'user:test', action: 'test.done', subject: { type: 'test', id: 't' } }]),
        );
        const cp = await s.app.services.ledger.checkpoint();
        assert.match(cp.note, /^mandate\.test\/two\n/);
        const lines: string[] = [];
        await s.app.services.ledger.export((l) => void lines.push(l));
        const file = join(dir, `origin-${store.name}.jsonl`);
        writeFileSync(file, `${lines.join('\n')}\n`);
        const report = await verifyLedgerFile(file, { key: k0 });
        assert.deepEqual(report.problems, []);
        assert.equal(report.origin, 'mandate.test/two');
      } finally {
        await s.close();
      }
    });
  });
}

describe('refusing to start from the command line', () => {
  test('mandate serve with another KEK exits non-zero with the message', async () => {
    const db = `sqlite:${join(dir, 'cli', 'm.db')}`;
    const kek = randomBytes(32).toString('base64');
    const s = await startServerProcess(['--db', db], { MANDATE_KEK: kek });
    await s.stop();
    await assert.rejects(startServerProcess(['--db', db], { MANDATE_KEK: randomBytes(32).toString('base64') }), (err: Error) => {
      assert.match(err.message, /server exited with [1-9]/);
      assert.match(err.message, /refusing to start: the key-encryption key in MANDATE_KEK is not the one this store was set up with/);
      return true;
    });
  });
});

describe('data files', () => {
  test('the database, its -wal and -shm, the KEK file and exported checkpoints are 0600 in 0700 directories', async () => {
    const saved = process.umask(0o022);
    try {
      const root = join(dir, 'modes');
      const config = loadServerConfig(
        { db: `sqlite:${join(root, 'data', 'mandate.db')}`, port: '0' },
        {
          MANDATE_KEK_FILE: join(root, 'secrets', 'mandate.kek'),
          MANDATE_CHECKPOINT_DIR: join(root, 'checkpoints'),
          MANDATE_LOG_LEVEL: 'error',
        },
      );
      const s = await startServer(config, clock);
      try {
        await s.app.services.ledger.checkpoint();
        const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
        for (const d of ['data', 'secrets', 'checkpoints']) assert.equal(mode(join(root, d)), '700', d);
        for (const f of ['data/mandate.db', 'data/mandate.db-wal', 'data/mandate.db-shm', 'secrets/mandate.kek'])
          assert.equal(mode(join(root, f)), '600', f);
        const cps = readdirSync(join(root, 'checkpoints'));
        assert.ok(cps.length > 0);
        for (const f of cps) assert.equal(mode(join(root, 'checkpoints', f)), '600', f);
      } finally {
        await s.close();
      }
    } finally {
      process.umask(saved);
    }
  });
});
