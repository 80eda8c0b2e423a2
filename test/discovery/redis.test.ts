// The Redis discovery source against the real local server: ACL users of its own (a reader limited
// to read commands, a writer with two passwords, a user switched off, a nopass user), a named
// connection as the reader; password hashes never leave the parser. Users are deleted after.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import { parseAclLine } from '../../src/discovery/redis.js';
import { openSource, readSource } from '../../src/discovery/registry.js';

const REDIS_URL = process.env.MANDATE_TEST_REDIS ?? 'redis://127.0.0.1:6379';
const tag = randomBytes(4).toString('hex');
const u = (n: string) => `mandate-disc-${tag}-${n}`;
const users = { reader: u('reader'), writer: u('writer'), off: u('off'), open: u('open') };
const password = randomBytes(12).toString('hex');
const ctx = { baseDir: process.cwd(), now: () => new Date() };

function client(as?: { username: string; password: string }) {
  const c = createClient({ url: REDIS_URL, RESP: 2, ...as, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  c.on('error', () => undefined);
  return c;
}

describe('redis discovery source (real server)', () => {
  let session: ReturnType<typeof client> | undefined;
  before(async () => {
    const c = client();
    await c.connect();
    await c.sendCommand(['ACL', 'SETUSER', users.reader, 'on', `>${password}`, '~app:*', '+@read', '+@connection']);
    await c.sendCommand(['ACL', 'SETUSER', users.writer, 'on', `>${password}`, `>${password}x`, '~*', '&*', '+@all', '-@dangerous']);
    await c.sendCommand(['ACL', 'SETUSER', users.off, 'off', `>${password}`, '~*', '+@all']);
    await c.sendCommand(['ACL', 'SETUSER', users.open, 'on', 'nopass', '~*', '+get', '+set']);
    await c.close();
    session = client({ username: users.reader, password });
    await session.connect();
    await session.sendCommand(['CLIENT', 'SETNAME', 'redis-cli']);
  });
  after(async () => {
    await session?.close().catch(() => undefined);
    const c = client();
    await c.connect();
    await c.sendCommand(['ACL', 'DELUSER', ...Object.values(users)]);
    await c.close();
  });

  test('reads users, password counts (never hashes), normalised commands and connections', async () => {
    const read = await readSource(await openSource({ id: 'redis-test', kind: 'redis', options: { url: REDIS_URL } }, ctx));
    assert.equal(read.complete, true, read.error);
    assert.doesNotMatch(JSON.stringify(read.accounts), /[0-9a-f]{64}/);
    const got = new Map(read.accounts.filter((a) => a.name.startsWith(`mandate-disc-${tag}-`)).map((a) => [a.name, a]));
    assert.equal(got.size, 4);
    const reader = got.get(users.reader)!;
    assert.equal(reader.privilege, 'observe');
    assert.deepEqual(reader.credentials, [{ type: 'password', count: 1, lifetime: 'static' }]);
    assert.match(reader.grants[0]!.grant, /~app:\*/);
    assert.equal(reader.sessions.length, 1);
    assert.equal(reader.sessions[0]!.application, 'redis-cli');
    assert.equal(reader.sessions[0]!.interactive, true);
    const writer = got.get(users.writer)!;
    assert.equal(writer.privilege, 'execute');
    assert.equal(writer.credentials[0]!.count, 2);
    const off = got.get(users.off)!;
    assert.equal(off.enabled, false);
    assert.equal(off.can_login, false);
    const open = got.get(users.open)!;
    assert.equal(open.can_login, true);
    assert.equal(open.credentials[0]!.type, 'none');
    assert.equal(open.privilege, 'execute');
  });

  test('the ACL parser counts hashes, drops them, and reads selectors and read-only keys', () => {
    const h = 'a'.repeat(64);
    const p = parseAclLine(`user svc on #${h} #${'b'.repeat(64)} %R~orders:* resetchannels -@all +@all`)!;
    assert.equal(p.passwords, 2);
    assert.doesNotMatch(p.rules, /aaaa|bbbb/);
    assert.equal(p.privilege, 'execute');
    assert.equal(parseAclLine('user r on nopass %R~* resetchannels -@all +get +set')!.privilege, 'observe');
    assert.equal(parseAclLine('user r on nopass ~* resetchannels -@all +@read (~x +set)')!.privilege, 'execute');
    assert.equal(parseAclLine('user r on nopass ~* resetchannels -@all')!.privilege, 'none');
    assert.equal(parseAclLine('user r on nopass ~* +@all -@write -@admin -@dangerous')!.privilege, 'observe');
  });

  test('an unreachable server is an incomplete read without its password', async () => {
    const read = await readSource(
      await openSource({ id: 'redis-bad', kind: 'redis', options: { url: 'redis://svc:T0p-Secret-Pw@127.0.0.1:1' } }, ctx),
    );
    assert.equal(read.complete, false);
    assert.match(read.error!, /^source redis-bad: connect failed/);
    assert.doesNotMatch(read.error!, /T0p-Secret-Pw/);
  });
});
