// `mandate login --sso` against a real server with the demo provider: the person approves the
// device code at the provider, the CLI stores the session in its profile and every command uses it;
// the secret never appears in the CLI's output; `mandate logout` ends the session at the server.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, startServerProcess, type ServerProcess } from '../support/cli.js';
import { approveDevice } from '../support/oidc-provider.js';
import { testStores } from '../support/stores.js';

describe('mandate login --sso (sqlite)', () => {
  const store = testStores()[0]!;
  let server: ServerProcess;
  const config = mkdtempSync(join(tmpdir(), 'mandate-sso-'));
  const saved = process.env.XDG_CONFIG_HOME;

  before(async () => {
    (await store.open()).close();
    server = await startServerProcess(['--demo', '--db', store.url()]);
    process.env.XDG_CONFIG_HOME = config;
  });
  after(async () => {
    if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = saved;
    await server?.stop();
    await store.cleanup();
  });

  test('ana approves the code at the provider; the profile holds her session; logout ends it', async () => {
    let approving: Promise<void> | undefined;
    const login = await runCli(
      ['login', '--sso', '--url', server.url, '--profile', 'ana'],
      {},
      {
        err: (s) => {
          const m = /Open (\S+) and enter the code (\S+)/.exec(s);
          if (!m || approving) return;
          const page = new URL(m[1]!);
          page.search = '';
          approving = approveDevice(page.toString(), m[2]!, { login: 'ana', otp: true });
        },
      },
    );
    await approving;
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /^Open http:\/\/127\.0\.0\.1:\d+\/device\S* and enter the code \S+$/m);
    assert.match(login.stdout, /^Signed in as ana \(session ends \d{4}-\d\d-\d\dT[^)]+\); stored as profile "ana" in /);

    const file = join(config, 'mandate', 'credentials.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')).profiles.ana as { url: string; token: string; user: string };
    assert.match(stored.token, /^mds_/);
    assert.equal(stored.user, 'ana');
    assert.ok(!login.stdout.includes(stored.token) && !login.stderr.includes(stored.token), 'the session secret is never printed');

    const list = await runCli(['--profile', 'ana', 'approvals', 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(Array.isArray(JSON.parse(list.stdout)));
    assert.ok(!list.stdout.includes(stored.token) && !list.stderr.includes(stored.token));

    const bearer = { authorization: `Bearer ${stored.token}` };
    assert.equal((await fetch(`${server.url}/v1/session`, { headers: bearer })).status, 200);
    const logout = await runCli(['--profile', 'ana', 'logout']);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stdout, /Removed profile "ana" from .* and ended its session at the server/);
    assert.ok(!logout.stdout.includes(stored.token) && !logout.stderr.includes(stored.token));
    assert.equal((await fetch(`${server.url}/v1/session`, { headers: bearer })).status, 401);
    assert.equal((await runCli(['--profile', 'ana', 'approvals', 'list'])).code, 2, 'the profile is gone');
  });

  test('a code nobody approves: the CLI respects slow_down, stops at expiry with a clear message and exit code 1', async () => {
    const polls: number[] = [];
    const fake = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/signin/device')
        return res.end(
          JSON.stringify({
            handle: 'mdd_x',
            user_code: 'ABCD-EFGH',
            verification_uri: 'http://127.0.0.1:1/device',
            expires_in: 3,
            interval: 1,
          }),
        );
      polls.push(Date.now());
      res.end(JSON.stringify({ status: 'slow_down', interval: 1 }));
    });
    await new Promise<void>((done) => fake.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
      const res = await runCli(['login', '--sso', '--url', url, '--profile', 'never']);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /Open http:\/\/127\.0\.0\.1:1\/device and enter the code ABCD-EFGH/);
      assert.match(res.stderr, /the sign-in code expired before it was approved at the provider: run mandate login --sso again/);
      assert.equal(polls.length, 1, 'after slow_down the next poll waits 5 s more, past the expiry');
    } finally {
      fake.close();
    }
  });
});
