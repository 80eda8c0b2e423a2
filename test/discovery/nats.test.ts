// The NATS discovery source: a real nats-server started by this test on free ports with a config
// file the test writes (global users, an account's users, an nkey user, an include and a variable),
// a connection named like the NATS CLI, then the source reads the file and the monitoring endpoint.
// The config parser and permission rules are also checked on their own.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import { natsUsers, parseNatsConfig } from '../../src/discovery/nats.js';
import { openSource, readSource } from '../../src/discovery/registry.js';

const NATS_SERVER = process.env.MANDATE_TEST_NATS_SERVER ?? 'nats-server';
const dir = mkdtempSync(join(tmpdir(), 'mandate-disc-nats-'));
const tradePw = randomBytes(10).toString('hex');
const pubPw = randomBytes(10).toString('hex');
const nkey = 'UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4';
const ctx = { baseDir: dir, now: () => new Date(), fingerprintKey: randomBytes(32) };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('nats discovery source (a real nats-server of its own)', () => {
  let server: ChildProcess | undefined;
  let nc: NatsConnection | undefined;
  let port = 0;
  let http = 0;

  before(async () => {
    port = await freePort();
    http = await freePort();
    writeFileSync(
      join(dir, 'accounts.conf'),
      `
accounts {
  TRADING: {
    users = [
      { user: trader, password: "${tradePw}", permissions: { publish: { allow: ["orders.>"] }, subscribe: ["prices.>", "_INBOX.>"] } }
      { nkey: ${nkey} , permissions { publish = "_INBOX.>", subscribe = "prices.>" } }
    ]
  }
}
`,
    );
    writeFileSync(
      join(dir, 'nats.conf'),
      `# written by the discovery test
port: ${port}
host: 127.0.0.1
http_port = ${http}
READ_ONLY = { publish: ["_INBOX.>"], subscribe: [">"] }   // a variable
authorization {
  users = [
    {user: "svc-pub", password: "${pubPw}"}
    {user: svc-audit, password: "$2a$11$7YV0d0pf6pSAqc2pV1mBW.Y7v7wpL2bU8MVoTfGdVuZrVbKkDA6ta", permissions: $READ_ONLY}
  ]
}
include ./accounts.conf
`,
    );
    server = spawn(NATS_SERVER, ['-c', join(dir, 'nats.conf')], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${http}/varz`);
        if (res.ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    nc = await connect({ servers: `127.0.0.1:${port}`, user: 'trader', pass: tradePw, name: 'NATS CLI Version 0.1.4', reconnect: false });
  });
  after(async () => {
    await nc?.close().catch(() => undefined);
    server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  test('reads users from the config file and connections from monitoring; never a password', async () => {
    const source = await openSource(
      { id: 'nats-test', kind: 'nats', options: { config_file: 'nats.conf', monitoring_url: `http://127.0.0.1:${http}` } },
      ctx,
    );
    const read = await readSource(source);
    assert.equal(read.complete, true, read.error);
    const json = JSON.stringify(read.accounts);
    assert.doesNotMatch(json, new RegExp(`${tradePw}|${pubPw}|\\$2a\\$`));
    const got = new Map(read.accounts.map((a) => [a.native_id, a]));
    assert.deepEqual([...got.keys()].sort(), [
      'TRADING/UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4',
      'TRADING/trader',
      'svc-audit',
      'svc-pub',
    ]);
    assert.equal(got.get('svc-pub')!.privilege, 'execute', 'no permissions block: everything');
    assert.match(got.get('svc-pub')!.credentials[0]!.fingerprint!, /^hmac-sha256:[0-9a-f]{32}$/);
    assert.equal(got.get('svc-audit')!.privilege, 'observe');
    assert.equal(got.get('svc-audit')!.credentials[0]!.label, 'bcrypt');
    assert.equal(got.get('svc-audit')!.credentials[0]!.fingerprint, undefined);
    const trader = got.get('TRADING/trader')!;
    assert.equal(trader.privilege, 'execute');
    assert.equal(trader.name, 'trader');
    assert.equal(trader.sessions.length, 1);
    assert.equal(trader.sessions[0]!.interactive, true);
    assert.match(trader.sessions[0]!.client_address!, /^127\.0\.0\.1:\d+$/);
    const nk = got.get(`TRADING/${nkey}`)!;
    assert.equal(nk.privilege, 'observe');
    assert.equal(nk.credentials[0]!.fingerprint, `key-id:${nkey}`);
  });

  test('monitoring alone sees connected users only: never a complete read', async () => {
    const read = await readSource(
      await openSource({ id: 'nats-mon', kind: 'nats', options: { monitoring_url: `http://127.0.0.1:${http}` } }, ctx),
    );
    assert.equal(read.error, undefined);
    assert.equal(read.complete, false);
    assert.deepEqual(
      read.accounts.map((a) => a.native_id),
      ['TRADING/trader'],
    );
  });
});

describe('nats configuration parsing', () => {
  test('separators, comments, nested maps, arrays, variables; a bad file names its line', async () => {
    const conf = await parseNatsConfig(
      `
a = 1; b: "two" c three
authorization: {
  user: solo   # one user
  password: 'x y'
  permissions = { publish = { deny: ">" }, subscribe: { allow: [a, "b.>"] } }
}
`,
      'x.conf',
    );
    assert.equal(conf.a, 1);
    assert.equal(conf.b, 'two');
    assert.equal(conf.c, 'three');
    const [solo] = natsUsers(conf);
    assert.equal(solo!.user, 'solo');
    assert.equal(solo!.credential.label, 'clear text in the configuration');
    assert.equal(solo!.credential.fingerprint, undefined, 'no firm key: no fingerprint');
    assert.deepEqual(
      solo!.grants.map((g) => g.privilege),
      ['observe'],
    );
    await assert.rejects(parseNatsConfig('a {\n b: 1\n', 'bad.conf'), /^Error: bad\.conf:3: expected }/);
    await assert.rejects(parseNatsConfig('a: $NOPE', 'v.conf'), /undefined variable \$NOPE/);
  });
});
