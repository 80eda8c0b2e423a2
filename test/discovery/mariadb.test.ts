// The MariaDB discovery source against the real local server (root over TCP, empty password; or
// MANDATE_TEST_MARIADB_HOST/PORT): accounts of its own at two hosts, a locked one, a role's grants,
// a live session; a wrong password is refused without showing it. Everything is dropped after.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import mariadb, { type Connection } from 'mariadb';
import { reconcile } from '../../src/core/discovery.js';
import { openSource, readSource } from '../../src/discovery/registry.js';

const HOST = process.env.MANDATE_TEST_MARIADB_HOST ?? '127.0.0.1';
const PORT = Number(process.env.MANDATE_TEST_MARIADB_PORT ?? 3306);
const tag = randomBytes(4).toString('hex');
const db = `mandate_disc_${tag}`;
const u = (n: string) => `mdisc_${tag}_${n}`;
const users = { app: u('app'), rw: u('rw'), locked: u('locked') };
const role = u('role');
const password = randomBytes(12).toString('hex');
const ctx = { baseDir: process.cwd(), now: () => new Date() };

async function root<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await mariadb.createConnection({ host: HOST, port: PORT, user: 'root', password: '' });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('mariadb discovery source (real server)', () => {
  let session: Connection | undefined;
  before(async () => {
    await root(async (c) => {
      await c.query(`CREATE DATABASE ${db}`);
      await c.query(`CREATE TABLE ${db}.orders (id INT)`);
      await c.query(`CREATE USER '${users.app}'@'%' IDENTIFIED BY '${password}'`);
      await c.query(`CREATE USER '${users.app}'@'localhost' IDENTIFIED BY '${password}'`);
      await c.query(`CREATE USER '${users.rw}'@'%' IDENTIFIED BY '${password}'`);
      await c.query(`CREATE USER '${users.locked}'@'%' IDENTIFIED BY '${password}' ACCOUNT LOCK`);
      await c.query(`CREATE ROLE ${role}`);
      await c.query(`GRANT SELECT ON ${db}.* TO '${users.app}'@'%'`);
      await c.query(`GRANT INSERT, UPDATE ON ${db}.orders TO ${role}`);
      await c.query(`GRANT ${role} TO '${users.rw}'@'%'`);
      await c.query(`GRANT SELECT ON ${db}.orders TO '${users.rw}'@'%'`);
      await c.query(`GRANT DELETE ON ${db}.* TO '${users.locked}'@'%'`);
    });
    session = await mariadb.createConnection({ host: HOST, port: PORT, user: users.app, password, database: db });
  });
  after(async () => {
    await session?.end().catch(() => undefined);
    await root(async (c) => {
      for (const [n, h] of [
        [users.app, '%'],
        [users.app, 'localhost'],
        [users.rw, '%'],
        [users.locked, '%'],
      ])
        await c.query(`DROP USER IF EXISTS '${n}'@'${h}'`);
      await c.query(`DROP ROLE IF EXISTS ${role}`);
      await c.query(`DROP DATABASE IF EXISTS ${db}`);
    });
  });

  test('reads accounts per host, grants (through roles), lock and sessions; never a hash', async () => {
    const source = await openSource(
      { id: 'maria-test', kind: 'mariadb', environment: 'production', options: { host: HOST, port: PORT, user: 'root', password: '' } },
      ctx,
    );
    const read = await readSource(source);
    assert.equal(read.complete, true, read.error);
    assert.doesNotMatch(JSON.stringify(read.accounts), /\*[0-9A-F]{40}/);
    const got = new Map(read.accounts.filter((a) => a.name.startsWith(`mdisc_${tag}_`)).map((a) => [a.native_id, a]));
    assert.deepEqual([...got.keys()].sort(), [`${users.app}@%`, `${users.app}@localhost`, `${users.locked}@%`, `${users.rw}@%`]);
    assert.equal(
      read.accounts.some((a) => a.name === 'mariadb.sys'),
      false,
      'system accounts are skipped',
    );

    const app = got.get(`${users.app}@%`)!;
    assert.equal(app.privilege, 'observe');
    assert.equal(app.can_login, true);
    assert.equal(app.credentials[0]!.type, 'password');
    assert.equal(app.credentials[0]!.count, 1);
    assert.ok(app.credentials[0]!.last_rotated);
    assert.match(app.grants[0]!.grant, new RegExp(`^SELECT on 1 database \\(${db}\\)`));
    // The session from 127.0.0.1 belongs to app@% (app@localhost does not match an IP client).
    assert.equal(app.sessions.length, 1);
    assert.match(app.sessions[0]!.client_address!, /^127\.0\.0\.1:\d+$/);
    assert.equal(got.get(`${users.app}@localhost`)!.sessions.length, 0);
    assert.equal(got.get(`${users.app}@localhost`)!.privilege, 'none');

    const rw = got.get(`${users.rw}@%`)!;
    assert.equal(rw.privilege, 'execute');
    assert.ok(
      rw.grants.some((g) => g.grant === `INSERT on 1 table (${db}.orders) (via role ${role})`),
      JSON.stringify(rw.grants),
    );
    assert.equal(rw.attributes?.roles, role);

    const locked = got.get(`${users.locked}@%`)!;
    assert.equal(locked.enabled, false);
    assert.equal(locked.can_login, false);

    // Matching: a bare user name covers every host of that user; user@host only that account.
    const base = {
      environment: 'production' as const,
      status: 'active' as const,
      credential: { type: 'static_secret' as const, created: '2026-01-01' },
    };
    const out = reconcile({
      now: new Date(),
      sources: [read],
      observed: read.accounts,
      identities: [
        { id: 'app', capability: 'observe', revocation: { connector: 'mariadb', target: users.app }, ...base },
        { id: 'rw', capability: 'observe', revocation: { connector: 'mariadb', target: `'${users.rw}'@'%'` }, ...base },
        {
          id: 'locked',
          capability: 'execute',
          ...base,
          status: 'revoked',
          revocation: { connector: 'mariadb', target: `${users.locked}@%` },
        },
      ],
    });
    const of = (id: string) => out.results.filter((r) => r.identity === id);
    assert.deepEqual(
      of('app')
        .map((r) => r.account!.native_id)
        .sort(),
      [`${users.app}@%`, `${users.app}@localhost`],
    );
    assert.deepEqual(
      of('rw').map((r) => [r.state, r.drift.map((d) => d.kind)]),
      [['drift', ['over_privileged']]],
    );
    assert.deepEqual(
      of('locked').map((r) => r.state),
      ['matched'],
    );
  });

  test('a wrong password is an incomplete read that does not show the password', async () => {
    const source = await openSource(
      { id: 'maria-bad', kind: 'mariadb', options: { host: HOST, port: PORT, user: users.app, password: 'Wr0ng-Secret-Pw' } },
      ctx,
    );
    const read = await readSource(source);
    assert.equal(read.complete, false);
    assert.match(read.error!, /^source maria-bad: connect failed: .*Access denied/);
    assert.doesNotMatch(read.error!, /Wr0ng-Secret-Pw/);
  });
});
