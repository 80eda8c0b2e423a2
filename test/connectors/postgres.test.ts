// The PostgreSQL connector against the real local server: a role of its own (a name that needs
// quoting), an open session as it, then disable/enable. MANDATE_TEST_PG overrides the admin URL.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { PermanentConnectorError, type ConnectorAction, type ConnectorRequest } from '../../src/delivery/connectors/connector.js';
import { postgresConnector } from '../../src/delivery/connectors/postgres.js';
import { PG_ADMIN_URL, pgAdmin } from '../support/stores.js';

const role = `mandate "conn"-${randomBytes(4).toString('hex')}`;
const password = randomBytes(12).toString('hex');

function request(action: ConnectorAction, target = role): ConnectorRequest {
  return {
    deliveryId: randomUUID(),
    action,
    target,
    identityId: 'svc-test',
    reason: 'test',
    decidedAt: new Date().toISOString(),
  };
}

const admin = pgAdmin;

/** A session as the test role (by user name and password over TCP). */
async function loginAsRole(): Promise<pg.Client> {
  const url = new URL(PG_ADMIN_URL);
  const c = new pg.Client({
    host: url.hostname,
    port: Number(url.port || 5432),
    database: url.pathname.slice(1) || 'postgres',
    user: role,
    password,
  });
  await c.connect();
  return c;
}

describe('postgres connector', () => {
  const connector = postgresConnector({ url: PG_ADMIN_URL });

  before(async () => {
    await admin((c) => c.query(`CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`));
  });

  after(async () => {
    await connector.close?.();
    await admin(async (c) => {
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
      await c.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`);
    });
  });

  test('disable terminates the open session and refuses new logins; enable lets it back in', async () => {
    const session = await loginAsRole();
    // `on`, not `once`: a terminated idle client may emit the server's FATAL and then
    // "Connection terminated unexpectedly"; an unheard second 'error' would crash the test.
    const ended = new Promise<Error>((resolve) => session.on('error', resolve));
    assert.equal((await session.query('SELECT current_user AS u')).rows[0].u, role);

    const off = await connector.apply(request('disable'));
    assert.equal(off.detail, `role ${role} NOLOGIN (was LOGIN), 1 session terminated`);
    const err = await ended;
    assert.match(err.message, /terminat/i);
    await session.end().catch(() => undefined);

    await assert.rejects(loginAsRole(), /not permitted to log in/);

    // Idempotent: a second disable succeeds. (A backend terminated a moment ago can still be
    // listed in pg_stat_activity while it exits, so the count may be 0 or 1.)
    const again = await connector.apply(request('disable'));
    assert.match(again.detail, new RegExp(`^role ${role} NOLOGIN \\(was NOLOGIN\\), [01] sessions? terminated$`));

    const on = await connector.apply(request('enable'));
    assert.equal(on.detail, `role ${role} LOGIN (was NOLOGIN)`);
    const back = await loginAsRole();
    try {
      assert.equal((await back.query('SELECT 1 AS one')).rows[0].one, 1);
    } finally {
      await back.end();
    }
    assert.equal((await connector.apply(request('enable'))).detail, `role ${role} LOGIN (was LOGIN)`);
  });

  test('an unknown role, an invalid name, or the connector itself is a permanent error', async () => {
    await assert.rejects(connector.apply(request('disable', `${role}-missing`)), PermanentConnectorError);
    await assert.rejects(connector.apply(request('disable', '')), PermanentConnectorError);
    await assert.rejects(connector.apply(request('notify')), /cannot notify/);
    await assert.rejects(connector.apply(request('disable', 'x'.repeat(64))), PermanentConnectorError);
    const self = new URL(PG_ADMIN_URL).username || 'postgres';
    await assert.rejects(connector.apply(request('disable', self)), /own role/);
  });
});
