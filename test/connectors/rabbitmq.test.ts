// The RabbitMQ connector against the real local broker through rabbitmqctl (the management plugin
// is not enabled here, so the configured management URL does not answer and the connector falls
// back), and its management-API transport against a small fake of that API. rabbitmqctl takes
// about a second a call, so the real test makes few. MANDATE_TEST_AMQP overrides the broker host.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { PermanentConnectorError, type ConnectorAction, type ConnectorRequest } from '../../src/delivery/connectors/connector.js';
import { rabbitmqConnector } from '../../src/delivery/connectors/rabbitmq.js';

const run = promisify(execFile);
const CTL = process.env.MANDATE_TEST_RABBITMQCTL ?? 'rabbitmqctl';
const AMQP_HOST = process.env.MANDATE_TEST_AMQP ?? '127.0.0.1';
const user = `mandate-conn-${randomBytes(4).toString('hex')}`;
const password = randomBytes(12).toString('hex');
const granted = { configure: '^mandate-.*', write: '.*', read: '.*' };

function request(action: ConnectorAction, target = user): ConnectorRequest {
  return {
    deliveryId: randomUUID(),
    action,
    target,
    identityId: 'svc-test',
    reason: 'licence suspended',
    decidedAt: new Date().toISOString(),
  };
}

async function ctl(...args: string[]): Promise<string> {
  return (await run(CTL, ['-q', ...args])).stdout;
}

function connect() {
  return amqp.connect({ protocol: 'amqp', hostname: AMQP_HOST, port: 5672, username: user, password, vhost: '/', heartbeat: 0 });
}

describe('rabbitmq connector (rabbitmqctl, real broker)', () => {
  const connector = rabbitmqConnector({
    managementUrl: 'http://127.0.0.1:1', // does not answer: falls back to rabbitmqctl
    rabbitmqctl: CTL,
    permissions: { [user]: granted },
  });

  before(async () => {
    await ctl('add_user', '--', user, password);
    await ctl('set_permissions', '-p', '/', '--', user, granted.configure, granted.write, granted.read);
  });
  after(async () => {
    await ctl('delete_user', '--', user).catch(() => undefined);
  });

  test('disable closes the connection and refuses the vhost; enable restores the configured permissions', async () => {
    const conn = await connect();
    conn.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => conn.once('close', () => resolve()));
    await (await conn.createChannel()).checkQueue('amq.rabbitmq.reply-to').catch(() => undefined);

    const off = await connector.apply(request('disable'));
    assert.equal(
      off.detail,
      `user ${user} permissions cleared on 1 vhost, 1 connection closed (via rabbitmqctl); was ` +
        JSON.stringify([{ vhost: '/', ...granted }]),
    );
    await closed;
    // The password still authenticates, but connection.open to the vhost is refused (amqplib drops
    // the server's reason text: ConnectionClose in place of OpenOk means the vhost check failed).
    await assert.rejects(connect(), /Expected ConnectionOpenOk; got <ConnectionClose/);

    // Idempotent: nothing left to clear or close (and rabbitmqctl lists no permissions).
    const again = await connector.apply(request('disable'));
    assert.match(again.detail, /cleared on 0 vhosts, 0 connections closed .*; was \[\]$/);

    const on = await connector.apply(request('enable'));
    assert.equal(on.detail, `user ${user} permissions on vhost / set to ${JSON.stringify(['^mandate-.*', '.*', '.*'])} (via rabbitmqctl)`);
    const back = await connect();
    await back.close();
    assert.deepEqual(JSON.parse(await ctl('list_user_permissions', '--formatter', 'json', '--', user)), [{ vhost: '/', ...granted }]);
  });

  test('an unknown user or an unsafe name is a permanent error', async () => {
    await assert.rejects(connector.apply(request('disable', `${user}-missing`)), PermanentConnectorError);
    for (const bad of ['-n', '--help', '', 'a\nb']) {
      await assert.rejects(connector.apply(request('disable', bad)), PermanentConnectorError);
    }
    await assert.rejects(connector.apply(request('notify')), /cannot notify/);
    assert.throws(() => rabbitmqConnector({ vhost: '-p' }), PermanentConnectorError);
    await assert.rejects(rabbitmqConnector({ rabbitmqctl: '/nonexistent/rabbitmqctl' }).apply(request('disable')), PermanentConnectorError);
  });
});

describe('rabbitmq connector (management API, fake server)', () => {
  // Just the endpoints the connector uses, over an in-memory broker.
  const users = new Map<string, Map<string, { configure: string; write: string; read: string }>>([
    [
      'svc a',
      new Map([
        ['/', { configure: '.*', write: '.*', read: '.*' }],
        ['other', { configure: '', write: 'x', read: 'x' }],
      ]),
    ],
  ]);
  const connections = new Map([['127.0.0.1:5000 -> 127.0.0.1:5672', 'svc a']]);
  const seen: string[] = [];
  let url = '';

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (status: number, json?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(json === undefined ? '' : JSON.stringify(json));
      };
      if (req.headers.authorization !== `Basic ${Buffer.from('admin:s3cret').toString('base64')}`)
        return send(401, { error: 'not_authorised' });
      const parts = (req.url ?? '').split('/').slice(1).map(decodeURIComponent); // api, …
      seen.push(`${req.method} ${parts.slice(1).join('|')}`);
      const [, a, b, c] = parts;
      if (req.method === 'GET' && a === 'overview') return send(200, {});
      if (a === 'users' && b !== undefined) {
        const perms = users.get(b);
        if (!perms) return send(404, { error: 'Object Not Found' });
        if (c === 'permissions')
          return send(
            200,
            [...perms].map(([vhost, p]) => ({ user: b, vhost, ...p })),
          );
        return send(200, { name: b, tags: [] });
      }
      if (a === 'permissions' && b !== undefined && c !== undefined) {
        const perms = users.get(c);
        if (!perms) return send(400, { error: 'bad_request', reason: 'no_such_user' });
        if (req.method === 'DELETE') return perms.delete(b) ? send(204) : send(404);
        if (req.method === 'PUT') {
          perms.set(b, JSON.parse(body));
          return send(201);
        }
      }
      if (a === 'connections' && b === 'username' && c !== undefined) {
        return send(
          200,
          [...connections].filter(([, u]) => u === c).map(([name]) => ({ name, user: c })),
        );
      }
      if (a === 'connections' && req.method === 'DELETE' && b !== undefined) {
        assert.match(String(req.headers['x-reason']), /^Mandate: /);
        return connections.delete(b) ? send(204) : send(404);
      }
      send(404);
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('disable clears every vhost and closes connections; enable grants the default; no rabbitmqctl', async () => {
    const c = rabbitmqConnector({ managementUrl: url, username: 'admin', password: 's3cret', rabbitmqctl: false });
    const off = await c.apply(request('disable', 'svc a'));
    assert.match(off.detail, /^user svc a permissions cleared on 2 vhosts, 1 connection closed \(via management API\)/);
    assert.equal(users.get('svc a')?.size, 0);
    assert.equal(connections.size, 0);
    const on = await c.apply(request('enable', 'svc a'));
    assert.match(on.detail, /set to \[".\*",".\*",".\*"\] \(via management API\)$/);
    assert.deepEqual([...(users.get('svc a')?.keys() ?? [])], ['/']);
    assert.ok(seen.includes('DELETE permissions|other|svc a'));

    await assert.rejects(c.apply(request('disable', 'nobody')), PermanentConnectorError);
    const wrong = rabbitmqConnector({ managementUrl: url, username: 'admin', password: 'wrong', rabbitmqctl: false });
    await assert.rejects(wrong.apply(request('disable', 'svc a')), (err: Error) => {
      assert.ok(err instanceof PermanentConnectorError);
      assert.ok(!err.message.includes('wrong'));
      return true;
    });
    const down = rabbitmqConnector({ managementUrl: 'http://127.0.0.1:1', rabbitmqctl: false });
    await assert.rejects(down.apply(request('disable', 'svc a')), (err: Error) => !(err instanceof PermanentConnectorError));
  });
});
