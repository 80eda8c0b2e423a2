// The RabbitMQ discovery source: against the real local broker through rabbitmqctl (users and a
// vhost of its own, a live AMQP connection, deleted after; about a second per rabbitmqctl call), and
// through the management API against a small fake of it (the plugin is not enabled here).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { openSource, readSource } from '../../src/discovery/registry.js';
import { ctlJson } from '../../src/discovery/rabbitmq.js';

const run = promisify(execFile);
const CTL = process.env.MANDATE_TEST_RABBITMQCTL ?? 'rabbitmqctl';
const AMQP_HOST = process.env.MANDATE_TEST_AMQP ?? '127.0.0.1';
const tag = randomBytes(4).toString('hex');
const vhost = `mandate-disc-${tag}`;
const u = (n: string) => `mandate-disc-${tag}-${n}`;
const users = { pub: u('pub'), sub: u('sub'), cleared: u('cleared') };
const password = randomBytes(12).toString('hex');
const ctx = { baseDir: process.cwd(), now: () => new Date() };
const ctl = async (...args: string[]) => (await run(CTL, ['-q', ...args])).stdout;

test('rabbitmqctl output: an Erlang report printed before the JSON is skipped', () => {
  const report =
    '=ERROR REPORT==== 6-Dec-2026::23:27:28.712632 ===\nfile:path_eval(["/var/lib/rabbitmq","/tmp/x/erlang"],".erlang"): permission ' +
    'denied\n\n';
  assert.deepEqual(JSON.parse(ctlJson(`${report}[\n{"user":"guest","tags":["administrator"]}\n]\n`)), [
    { user: 'guest', tags: ['administrator'] },
  ]);
  assert.equal(ctlJson('  [\n]\n'), '[\n]');
  assert.equal(ctlJson(''), '');
});

describe('rabbitmq discovery source (rabbitmqctl, real broker)', () => {
  let conn: Awaited<ReturnType<typeof amqp.connect>> | undefined;
  before(async () => {
    await ctl('add_vhost', vhost);
    for (const name of Object.values(users)) await ctl('add_user', '--', name, password);
    await ctl('set_permissions', '-p', vhost, '--', users.pub, '', '^orders$', '');
    await ctl('set_permissions', '-p', vhost, '--', users.sub, '^$', '^$', '.*');
    await ctl('set_user_tags', users.sub, 'monitoring');
    conn = await amqp.connect(
      { protocol: 'amqp', hostname: AMQP_HOST, port: 5672, username: users.sub, password, vhost, heartbeat: 0 },
      { clientProperties: { connection_name: 'rabbitmqadmin' } },
    );
    conn.on('error', () => undefined);
  });
  after(async () => {
    await conn?.close().catch(() => undefined);
    for (const name of Object.values(users)) await ctl('delete_user', '--', name).catch(() => undefined);
    await ctl('delete_vhost', vhost).catch(() => undefined);
  });

  test('reads users, tags, permissions per vhost and connections (falling back from a silent management URL)', async () => {
    const source = await openSource(
      {
        id: 'rabbit-test',
        kind: 'rabbitmq',
        options: { management_url: 'http://127.0.0.1:1', username: 'guest', password: 'guest', rabbitmqctl: CTL },
      },
      ctx,
    );
    const read = await readSource(source);
    assert.equal(read.complete, true, read.error);
    const got = new Map(read.accounts.filter((a) => a.name.startsWith(`mandate-disc-${tag}-`)).map((a) => [a.name, a]));
    assert.equal(got.size, 3);
    const pub = got.get(users.pub)!;
    assert.equal(pub.privilege, 'execute');
    assert.equal(pub.can_login, true);
    assert.equal(pub.grants[0]!.grant, `vhost ${vhost}: configure "" write "^orders$" read ""`);
    assert.equal(pub.credentials[0]!.label, 'presence unknown (rabbitmqctl)');
    const sub = got.get(users.sub)!;
    assert.equal(sub.privilege, 'observe');
    assert.equal(sub.attributes?.tags, 'monitoring');
    assert.equal(sub.sessions.length, 1);
    assert.match(sub.sessions[0]!.application!, /^rabbitmqadmin \(amqplib\)$/);
    assert.equal(sub.sessions[0]!.client_address, '127.0.0.1');
    assert.equal(sub.sessions[0]!.interactive, true);
    const cleared = got.get(users.cleared)!;
    assert.equal(cleared.privilege, 'none');
    assert.equal(cleared.can_login, false, "no permission anywhere: the connector's disable is effective");
  });
});

describe('rabbitmq discovery source (management API, fake server)', () => {
  const hash = 'c2VjcmV0LWhhc2gtdGhhdC1tdXN0LW5vdC1sZWFr';
  let status = 200;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Basic ${Buffer.from('mon:Api-Secret-Pw').toString('base64')}` || status !== 200) {
      res.writeHead(status === 200 ? 401 : status).end('{"error":"not_authorised"}');
      return;
    }
    const body: Record<string, unknown> = {
      '/api/overview': {},
      '/api/users': [
        { name: 'svc-a', password_hash: hash, hashing_algorithm: 'rabbit_password_hashing_sha256', tags: ['administrator'] },
        { name: 'svc-b', password_hash: '', tags: '' },
      ],
      '/api/permissions': [
        { user: 'svc-a', vhost: '/', configure: '.*', write: '.*', read: '.*' },
        { user: 'svc-b', vhost: '/', configure: '', write: '', read: '.*' },
      ],
      '/api/connections': [
        {
          user: 'svc-a',
          peer_host: '10.0.0.5',
          connected_at: 1_790_000_000_000,
          client_properties: { product: 'RabbitMQ', connection_name: 'settlement-worker' },
        },
      ],
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body[req.url!] ?? {}));
  });
  let base = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('uses the API when it answers; keeps whether a hash is set, never the hash', async () => {
    status = 200;
    const read = await readSource(
      await openSource(
        {
          id: 'rabbit-api',
          kind: 'rabbitmq',
          options: { management_url: base, username: 'mon', password: 'Api-Secret-Pw', rabbitmqctl: false },
        },
        ctx,
      ),
    );
    assert.equal(read.complete, true, read.error);
    assert.doesNotMatch(JSON.stringify(read.accounts), new RegExp(hash));
    const [a, b] = read.accounts;
    assert.equal(a!.privilege, 'execute');
    assert.deepEqual(a!.credentials, [{ type: 'password', count: 1, lifetime: 'static' }]);
    assert.equal(a!.sessions[0]!.started, new Date(1_790_000_000_000).toISOString());
    assert.equal(a!.sessions[0]!.interactive, false);
    assert.equal(b!.privilege, 'observe');
    assert.equal(b!.can_login, false, 'no password hash: no password login');
  });

  test('a refusal is reported, without the API password', async () => {
    const read = await readSource(
      await openSource(
        {
          id: 'rabbit-api',
          kind: 'rabbitmq',
          options: { management_url: base, username: 'mon', password: 'Wrong-Api-Pw', rabbitmqctl: false },
        },
        ctx,
      ),
    );
    assert.equal(read.complete, false);
    assert.match(read.error!, /HTTP 401/);
    assert.doesNotMatch(read.error!, /Wrong-Api-Pw/);
  });
});
