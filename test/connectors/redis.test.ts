// The Redis connector against the real local server (no auth, default user): an ACL user of its
// own, a connection as it, then disable/enable. MANDATE_TEST_REDIS overrides the URL.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import { PermanentConnectorError, type ConnectorAction, type ConnectorRequest } from '../../src/delivery/connectors/connector.js';
import { redisConnector } from '../../src/delivery/connectors/redis.js';

const REDIS_URL = process.env.MANDATE_TEST_REDIS ?? 'redis://127.0.0.1:6379';
const user = `mandate-conn-${randomBytes(4).toString('hex')}`;
const password = randomBytes(12).toString('hex');

function request(action: ConnectorAction, target = user): ConnectorRequest {
  return { deliveryId: randomUUID(), action, target, identityId: 'svc-test', reason: 'test', decidedAt: new Date().toISOString() };
}

function client(as?: { username: string; password: string }) {
  const c = createClient({ url: REDIS_URL, RESP: 2, ...as, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  c.on('error', () => undefined);
  return c;
}

async function admin<T>(fn: (c: ReturnType<typeof client>) => Promise<T>): Promise<T> {
  const c = client();
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

describe('redis connector', () => {
  const connector = redisConnector({ url: REDIS_URL });

  before(() => admin((c) => c.sendCommand(['ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '+@all'])));
  after(() =>
    admin(async (c) => {
      await c.sendCommand(['ACL', 'DELUSER', user]);
    }),
  );

  test('disable kills the open connection and AUTH fails; enable lets it back in', async () => {
    const session = client({ username: user, password });
    await session.connect();
    assert.equal(await session.ping(), 'PONG');
    // With reconnectStrategy false, a killed connection shows as 'error' ("Socket closed unexpectedly").
    const closed = new Promise<Error>((resolve) => session.on('error', resolve));

    const off = await connector.apply(request('disable'));
    assert.match(off.detail, new RegExp(`^user ${user} off, 1 connection killed; `));
    assert.match((await closed).message, /closed/i);
    assert.equal(session.isOpen, false);

    await assert.rejects(
      admin((c) => c.sendCommand(['AUTH', user, password])),
      /WRONGPASS|disabled/,
    );
    const again = await connector.apply(request('disable'));
    assert.match(again.detail, /off, 0 connections killed/);

    const on = await connector.apply(request('enable'));
    assert.match(on.detail, new RegExp(`^user ${user} on; `));
    const back = client({ username: user, password });
    await back.connect();
    try {
      assert.equal(await back.ping(), 'PONG');
    } finally {
      await back.close();
    }
    // The password was never part of what the connector reports.
    assert.ok(!off.detail.includes(password) && !on.detail.includes(password));
  });

  test('an unknown user, an invalid name or the connector itself is a permanent error', async () => {
    await assert.rejects(connector.apply(request('disable', `${user}-missing`)), PermanentConnectorError);
    await assert.rejects(connector.apply(request('enable', `${user}-missing`)), PermanentConnectorError);
    await assert.rejects(connector.apply(request('disable', 'has space')), PermanentConnectorError);
    await assert.rejects(connector.apply(request('notify')), /cannot notify/);
    await assert.rejects(connector.apply(request('disable', 'default')), /own Redis user/);
    // The unknown user was not created.
    assert.equal(await admin((c) => c.sendCommand(['ACL', 'GETUSER', `${user}-missing`])), null);
  });

  test('an unreachable server is a retryable error', async () => {
    const down = redisConnector({ url: 'redis://:secret-pw@127.0.0.1:1', connectTimeoutMs: 500 });
    await assert.rejects(down.apply(request('disable')), (err: Error) => {
      assert.ok(!(err instanceof PermanentConnectorError));
      assert.ok(!err.message.includes('secret-pw'));
      return true;
    });
  });
});
