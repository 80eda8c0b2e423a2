// `mandate discovery` against a real server process and the real local PostgreSQL, on both stores:
// add a source (its password never printed, nor in the server's log), list, run, accounts, dismiss,
// adopt; bad input and a failed read exit non-zero with the server's message.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { identity, smallManifest } from '../support/fixtures.js';
import { runCli, startServerProcess, type ServerProcess } from '../support/cli.js';
import { PG_ADMIN_URL, testStores } from '../support/stores.js';

const TOKEN = 'mdt_test_bootstrap_token_0123456789abcdef';
const tag = randomBytes(4).toString('hex');
const r = (n: string) => `mandate_dcli_${tag}_${n}`;
const roles = { scanner: r('scanner'), app: r('app'), stray: r('stray'), human: r('human') };
const password = `Pw${randomBytes(12).toString('hex')}`;
const tmp = mkdtempSync(join(tmpdir(), 'mandate-dcli-'));
const q = pg.escapeIdentifier;

async function admin(sqls: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    for (const s of sqls) await c.query(s);
  } finally {
    await c.end();
  }
}

function scannerUrl(): string {
  const u = new URL(PG_ADMIN_URL);
  u.username = roles.scanner;
  u.password = password;
  return u.toString();
}

before(() =>
  admin([
    `CREATE ROLE ${q(roles.scanner)} LOGIN SUPERUSER PASSWORD ${pg.escapeLiteral(password)}`,
    ...[roles.app, roles.stray, roles.human].map((n) => `CREATE ROLE ${q(n)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`),
  ]),
);
after(() => admin(Object.values(roles).map((n) => `DROP ROLE IF EXISTS ${q(n)}`)));

for (const store of testStores()) {
  describe(`mandate discovery (${store.name})`, () => {
    let server: ServerProcess;
    let env: Record<string, string>;
    const cli = (...args: string[]) => runCli(args, env);

    before(async () => {
      const db = await store.open();
      await db.close();
      server = await startServerProcess(['--db', store.url()], { MANDATE_BOOTSTRAP_TOKEN: TOKEN });
      env = { MANDATE_URL: server.url, MANDATE_TOKEN: TOKEN };
      const file = join(tmp, `manifest-${store.name}.json`);
      writeFileSync(
        file,
        JSON.stringify(
          smallManifest([
            identity('svc-app', {
              capability: 'observe',
              function: 'reporting',
              revocation: { connector: 'postgres', target: roles.app },
              credential: { type: 'static_secret', created: new Date().toISOString() },
            }),
          ]),
        ),
      );
      const imported = await cli('import', file);
      assert.equal(imported.code, 0, imported.stderr);
    });
    after(async () => {
      await server?.stop();
      await store.cleanup();
    });

    test('add, list, run, accounts, dismiss, adopt', async () => {
      const bad = await cli('discovery', 'sources', 'add', 'x', '--kind', 'oracle');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /VALIDATION_FAILED/);
      assert.match(bad.stderr, /oracle/);
      const badUrl = await cli('discovery', 'sources', 'add', 'x', '--kind', 'postgres', '--option', 'url=nonsense');
      assert.equal(badUrl.code, 1);
      assert.match(badUrl.stderr, /options\.url/);

      const added = await cli(
        'discovery',
        'sources',
        'add',
        'pg',
        '--kind',
        'postgres',
        '--option',
        `url=${scannerUrl()}`,
        '--environment',
        'production',
      );
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, /added source pg \(postgres, covers postgres\)/);
      const list = await cli('discovery', 'sources', 'list');
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^ID\s+KIND/);
      assert.match(list.stdout, /:\*\*\*@/);

      const run = await cli('discovery', 'run', 'pg');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /: succeeded \(observed \d+, matched 1, drift 0, unmanaged \d+, missing 0\)/);

      const unmanaged = await cli('discovery', 'accounts', '--source', 'pg', '--state', 'unmanaged', '--json');
      assert.equal(unmanaged.code, 0, unmanaged.stderr);
      const keys = JSON.parse(unmanaged.stdout).map((a: { key: string }) => a.key);
      assert.ok(keys.includes(`pg|${roles.stray}`) && keys.includes(`pg|${roles.human}`));
      const matched = await cli('discovery', 'accounts', '--state', 'matched');
      assert.match(matched.stdout, new RegExp(`pg\\|${roles.app}\\s+matched`));

      const dismissed = await cli('discovery', 'dismiss', `pg|${roles.human}`, '--reason', 'personal_account', '--note', 'a person');
      assert.equal(dismissed.code, 0, dismissed.stderr);
      assert.match(dismissed.stdout, /dismissed \(personal_account\)/);
      const badReason = await cli('discovery', 'dismiss', `pg|${roles.stray}`, '--reason', 'bored');
      assert.equal(badReason.code, 1);
      assert.match(badReason.stderr, /VALIDATION_FAILED/);

      const adopted = await cli(
        'discovery',
        'adopt',
        `pg|${roles.stray}`,
        '--owner',
        'alice@firm.example',
        '--purpose',
        'Nightly report',
        '--function',
        'reporting',
        '--id',
        'svc-stray',
        '--scopes',
        'ent-de/custody/DE',
      );
      assert.equal(adopted.code, 0, adopted.stderr);
      assert.match(adopted.stdout, /identity svc-stray (waits for approval: change \S+, approval \S+|created)/);

      const down = await cli(
        'discovery',
        'sources',
        'add',
        'pg-down',
        '--kind',
        'postgres',
        '--option',
        `url=postgres://nobody:${password}@127.0.0.1:1/db`,
      );
      assert.equal(down.code, 0, down.stderr);
      const failed = await cli('discovery', 'run', 'pg-down');
      assert.equal(failed.code, 1);
      assert.match(failed.stdout, /: failed/);

      for (const out of [added, list, run, unmanaged, matched, dismissed, adopted, down, failed])
        assert.ok(!`${out.stdout}${out.stderr}`.includes(password), 'the CLI printed the password');
      assert.ok(!server.output().includes(password), 'the server log holds the password');
    });
  });
}
