// `mandate serve` in a child process: with --demo and no provider configured it starts the DEMO
// OpenID provider on loopback and says so, and people sign in through it; the first-start admin
// token is printed once when generated, and never when supplied in MANDATE_BOOTSTRAP_TOKEN.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { startServerProcess, type ServerProcess } from '../support/cli.js';
import { personToken } from '../support/oidc-provider.js';
import { testStores } from '../support/stores.js';

const PRESET = 'mdt_preset_bootstrap_token_never_printed_0123456789';

describe('mandate serve: the demo provider and the bootstrap token (sqlite)', () => {
  const store = testStores()[0]!;
  const servers: ServerProcess[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
    await store.cleanup();
  });

  test('--demo starts the demo provider; people sign in through it; a supplied bootstrap token is never printed', async () => {
    (await store.open()).close();
    const server = await startServerProcess(['--demo', '--db', store.url()], {
      MANDATE_BOOTSTRAP_TOKEN: PRESET,
      MANDATE_LOG_LEVEL: 'info',
    });
    servers.push(server);
    const ana = await personToken(server.url, { login: 'ana' });
    assert.equal(ana.user, 'ana');
    const me = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${ana.token}` } });
    assert.deepEqual(((await me.json()) as { roles: string[] }).roles, ['approver']);
    const admin = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${PRESET}` } });
    assert.equal(admin.status, 200);
    const out = server.output();
    assert.match(out, /DEMO identity provider \(for trying Mandate only, loopback only\): http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /people: carol \(mandate-compliance\), ana \(mandate-approvers\)/);
    assert.match(out, /password: demo-password; one-time code for MFA \(step-up\): 123456/);
    assert.match(out, new RegExp(`sign in: ${server.url.replace(/[.:/]/g, '\\$&')}/v1/signin`));
    assert.match(out, /created the admin user with the token of MANDATE_BOOTSTRAP_TOKEN \(not shown\)\. It expires at /);
    assert.ok(!out.includes(PRESET), 'the supplied bootstrap token is never printed nor logged');
    assert.ok(!out.includes(ana.token));
  });

  test('a generated bootstrap token is printed once, with when it expires', async () => {
    (await store.open()).close();
    const server = await startServerProcess(['--db', store.url()]);
    servers.push(server);
    const out = server.output();
    const tokens = out.match(/mdt_[A-Za-z0-9_-]{43}/g) ?? [];
    assert.equal(tokens.length, 1, out);
    assert.match(out, /It expires at \d{4}-\d\d-\d\dT/);
    assert.equal((await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${tokens[0]}` } })).status, 200);
  });
});
