// The PostgreSQL discovery source against the real local server: a database and roles of its own
// (unique names, dropped after): a reader, a writer that gets its power through a group, a role
// switched off (NOLOGIN), a role holding only default privileges, and a psql-named session. Then
// the read is reconciled with identities declaring them. MANDATE_TEST_PG overrides the admin URL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { reconcile, type DiscoveryIdentity, type ObservedAccount } from '../../src/core/discovery.js';
import { openSource, readSource } from '../../src/discovery/registry.js';
import { pgAdmin } from '../support/stores.js';

const ADMIN = process.env.MANDATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const tag = randomBytes(4).toString('hex');
const db = `mandate_disc_${tag}`;
const r = (n: string) => `mandate_disc_${tag}_${n}`;
const roles = { reader: r('reader'), writer: r('writer'), group: r('group'), off: r('off'), future: r('future'), nopw: r('nopw') };
const password = randomBytes(12).toString('hex');
const q = pg.escapeIdentifier;
const dbUrl = () => {
  const u = new URL(ADMIN);
  u.pathname = `/${db}`;
  return u.toString();
};

const admin = <T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => pgAdmin(fn, url);

const ctx = { baseDir: process.cwd(), now: () => new Date() };
const mine = (accounts: ObservedAccount[]) =>
  new Map(accounts.filter((a) => a.native_id.startsWith(`mandate_disc_${tag}_`)).map((a) => [a.native_id, a]));

describe('postgres discovery source (real server)', () => {
  let session: pg.Client | undefined;

  before(async () => {
    await admin(ADMIN, async (c) => {
      await c.query(`CREATE DATABASE ${q(db)}`);
      await c.query(`CREATE ROLE ${q(roles.reader)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
      await c.query(`CREATE ROLE ${q(roles.group)} NOLOGIN`);
      await c.query(
        `CREATE ROLE ${q(roles.writer)} LOGIN PASSWORD ${pg.escapeLiteral(password)} VALID UNTIL '2099-01-01' IN ROLE ${q(roles.group)}`,
      );
      await c.query(`CREATE ROLE ${q(roles.off)} NOLOGIN PASSWORD ${pg.escapeLiteral(password)}`);
      await c.query(`CREATE ROLE ${q(roles.future)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
      await c.query(`CREATE ROLE ${q(roles.nopw)} LOGIN`);
    });
    await admin(dbUrl(), async (c) => {
      await c.query('CREATE SCHEMA app');
      await c.query('CREATE TABLE app.orders (id int)');
      await c.query('CREATE TABLE app.clients (id int)');
      await c.query(`GRANT USAGE ON SCHEMA app TO ${q(roles.reader)}, ${q(roles.writer)}, ${q(roles.off)}`);
      await c.query(`GRANT SELECT ON ALL TABLES IN SCHEMA app TO ${q(roles.reader)}, ${q(roles.writer)}`);
      await c.query(`GRANT INSERT, UPDATE ON app.orders TO ${q(roles.group)}`);
      await c.query(`GRANT DELETE ON app.clients TO ${q(roles.off)}`);
      await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT INSERT ON TABLES TO ${q(roles.future)}`);
    });
    const u = new URL(dbUrl());
    session = new pg.Client({
      host: u.hostname,
      port: Number(u.port || 5432),
      database: db,
      user: roles.reader,
      password,
      application_name: 'psql',
    });
    await session.connect();
  });

  after(async () => {
    await session?.end().catch(() => undefined);
    await admin(ADMIN, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${q(db)} WITH (FORCE)`);
      for (const role of Object.values(roles)) await c.query(`DROP ROLE IF EXISTS ${q(role)}`);
    });
  });

  test('reads roles, password presence (never the hash), grants via groups and defaults, sessions', async () => {
    const source = await openSource({ id: 'pg-test', kind: 'postgres', environment: 'staging', options: { url: dbUrl() } }, ctx);
    assert.deepEqual(source.covers, ['postgres']);
    const read = await readSource(source);
    assert.equal(read.complete, true, read.error);
    assert.doesNotMatch(JSON.stringify(read.accounts), /SCRAM-SHA-256\$|md5[0-9a-f]{32}/);
    const got = mine(read.accounts);
    assert.equal(got.size, 6);

    const reader = got.get(roles.reader)!;
    assert.equal(reader.privilege, 'observe');
    assert.equal(reader.can_login, true);
    assert.equal(reader.environment, 'staging');
    assert.deepEqual(reader.credentials, [{ type: 'password', count: 1, lifetime: 'static', label: 'scram-sha-256' }]);
    assert.ok(
      reader.grants.some((g) => g.grant.startsWith(`SELECT on 2 tables in ${db} (app.clients, app.orders)`)),
      JSON.stringify(reader.grants),
    );
    assert.equal(reader.sessions.length, 1);
    assert.equal(reader.sessions[0]!.application, 'psql');
    assert.equal(reader.sessions[0]!.interactive, true);
    assert.ok(reader.last_used);

    const writer = got.get(roles.writer)!;
    assert.equal(writer.privilege, 'execute');
    assert.ok(
      writer.grants.some((g) => g.privilege === 'execute' && g.grant.includes(`(via ${roles.group})`)),
      JSON.stringify(writer.grants),
    );
    assert.equal(writer.credentials[0]!.expires, '2099-01-01T00:00:00.000Z');
    assert.equal(writer.attributes?.member_of, roles.group);

    assert.equal(got.get(roles.group)!.type, 'group_role');
    assert.equal(got.get(roles.group)!.can_login, false);
    const off = got.get(roles.off)!;
    assert.equal(off.can_login, false);
    assert.equal(off.privilege, 'execute');
    const future = got.get(roles.future)!;
    assert.equal(future.privilege, 'execute');
    assert.ok(
      future.grants.some((g) => /^default INSERT on future tables of postgres in .*\.app$/.test(g.grant)),
      JSON.stringify(future.grants),
    );
    assert.deepEqual(got.get(roles.nopw)!.credentials, [{ type: 'none', count: 0 }]);

    // Reconciled against identities that declare them.
    const base = { environment: 'staging' as const, credential: { type: 'short_lived' as const, created: '2026-01-01' } };
    const identities: DiscoveryIdentity[] = [
      { id: 'svc-reader', capability: 'observe', status: 'active', revocation: { connector: 'postgres', target: roles.reader }, ...base },
      { id: 'svc-writer', capability: 'observe', status: 'active', revocation: { connector: 'postgres', target: roles.writer }, ...base },
      { id: 'svc-off', capability: 'execute', status: 'revoked', revocation: { connector: 'postgres', target: roles.off }, ...base },
      { id: 'svc-gone', capability: 'execute', status: 'active', revocation: { connector: 'postgres', target: r('gone') }, ...base },
    ];
    const out = reconcile({ now: new Date(), identities, sources: [read], observed: read.accounts });
    const by = new Map(out.results.filter((x) => x.identity).map((x) => [x.identity!, x]));
    assert.deepEqual(
      by
        .get('svc-reader')!
        .drift.map((d) => d.kind)
        .sort(),
      ['interactive_use', 'static_credential_too_old'],
    );
    assert.deepEqual(
      by
        .get('svc-writer')!
        .drift.map((d) => d.kind)
        .sort(),
      ['over_privileged', 'static_credential_too_old'],
    );
    assert.equal(by.get('svc-off')!.state, 'matched', 'NOLOGIN is an effective revocation');
    assert.equal(by.get('svc-gone')!.state, 'missing');
    assert.equal(out.results.find((x) => x.account?.native_id === roles.future)!.state, 'unmanaged');
  });

  test('a failed read is incomplete, names the source and never shows the password', async () => {
    const u = new URL(ADMIN);
    u.password = 'Sup3r-Secret-Pw';
    u.pathname = `/${db}_absent`;
    const source = await openSource({ id: 'pg-bad', kind: 'postgres', options: { url: u.toString() } }, ctx);
    const read = await readSource(source);
    assert.equal(read.complete, false);
    assert.match(read.error!, /^source pg-bad: connect failed: /);
    assert.doesNotMatch(read.error!, /Sup3r-Secret-Pw/);
    assert.equal(read.accounts.length, 0);
    // Missing is never computed from it.
    const out = reconcile({
      now: new Date(),
      sources: [read],
      observed: [],
      identities: [
        {
          id: 'x',
          capability: 'observe',
          environment: 'production',
          credential: { type: 'short_lived', created: '2026-01-01' },
          revocation: { connector: 'postgres', target: 'anything' },
        },
      ],
    });
    assert.equal(out.results.length, 0);
    assert.deepEqual(out.summary.unverified, ['x']);
  });
});
