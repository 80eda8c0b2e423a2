// Step-up from the CLI, end to end against a real app and the demo provider, through the device
// grant and through the loopback redirect (a provider without the device grant): ana, signed in
// without her one-time code, is refused an approval with a clear message (exit 1, no stack) that
// tells her to run `mandate login --sso --step-up`; she does, with the code; the same session
// (same secret, same id) now approves. A step-up as someone else is refused and changes nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { smallManifest } from '../support/fixtures.js';
import { approveDevice, type Person } from '../support/oidc-provider.js';
import { browserSession, loopbackBrowser, ssoServer, type SsoServer } from '../support/sso-server.js';
import { testStores } from '../support/stores.js';

const PROPOSAL = { to: 'withdrawn', reason: 'licence withdrawn', reference: 'BaFin 2026/7' };

for (const mode of ['device', 'loopback'] as const) {
  describe(`mandate login --sso --step-up through the ${mode === 'device' ? 'device grant' : 'loopback redirect'} (sqlite)`, () => {
    const store = testStores()[0]!;
    let server: SsoServer;
    let transition = '';
    const config = mkdtempSync(join(tmpdir(), `mandate-stepup-${mode}-`));
    const saved = process.env.XDG_CONFIG_HOME;

    /** The CLI command, with the person doing in their browser what it asks on stderr. */
    async function withBrowser(args: string[], person: Person) {
      let acting: Promise<unknown> | undefined;
      const res = await runCli(
        args,
        {},
        {
          err: (s) => {
            if (acting) return;
            const device = /Open (\S+) and enter the code (\S+)/.exec(s);
            const loopback = /Open (\S+) in a browser/.exec(s);
            if (device) {
              const page = new URL(device[1]!);
              page.search = '';
              acting = approveDevice(page.toString(), device[2]!, person);
            } else if (loopback) acting = loopbackBrowser(loopback[1]!, person);
          },
        },
      );
      if (acting) await acting.catch((err: Error) => assert.fail(`the browser: ${err.message}\n${res.stderr}`));
      return res;
    }
    const stored = () =>
      (JSON.parse(readFileSync(join(config, 'mandate', 'credentials.json'), 'utf8')).profiles as Record<string, { token: string }>).ana!
        .token;
    const session = async (token: string) =>
      (await (await fetch(`${server.url}/v1/session`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        session: { id: string; amr: string[] };
        step_up: { satisfied: boolean };
      };

    before(async () => {
      server = await ssoServer(await store.open(), { deviceFlow: mode === 'device' });
      process.env.XDG_CONFIG_HOME = config;
      const { t } = server;
      assert.equal((await t.call('POST', '/v1/import', t.admin, smallManifest())).status, 200);
      const carol = await browserSession(server.url, { login: 'carol', otp: true });
      const proposed = await fetch(`${server.url}/v1/authorisations/auth-de-custody-fr/transitions`, {
        method: 'POST',
        headers: carol.headers('POST'),
        body: JSON.stringify(PROPOSAL),
      });
      const body = (await proposed.json()) as { id: string };
      assert.equal(proposed.status, 201, JSON.stringify(body));
      transition = body.id;
    });
    after(async () => {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
      await server?.close();
      await store.cleanup();
    });

    test('approve refused with the way to step up; step-up keeps the session; approve allowed', async () => {
      const loopback = mode === 'loopback' ? ['--loopback'] : [];
      const login = await withBrowser(['login', '--sso', ...loopback, '--url', server.url, '--profile', 'ana'], { login: 'ana' });
      assert.equal(login.code, 0, login.stderr);
      const token = stored();
      const before = await session(token);
      assert.deepEqual(before.session.amr, ['pwd']);
      assert.equal(before.step_up.satisfied, false);

      const refused = await runCli(['--profile', 'ana', 'authorisations', 'approve', transition, '--reason', 'ok']);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /^error STEP_UP_REQUIRED: .*MFA/m);
      assert.match(refused.stderr, /run `mandate login --sso --step-up` \(with the same --profile\), then run this command again/);
      assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack');
      assert.doesNotMatch(refused.stderr, /\/v1\/signin\?step_up/, 'not the browser URL');
      const json = await runCli(['--profile', 'ana', '--json', 'authorisations', 'approve', transition]);
      assert.equal(json.code, 1);
      assert.equal(JSON.parse(json.stderr).error.code, 'STEP_UP_REQUIRED');

      // Someone else at the provider cannot step ana's session up.
      const other = await withBrowser(['login', '--sso', '--step-up', ...loopback, '--profile', 'ana'], { login: 'ben', otp: true });
      assert.equal(other.code, 1, other.stdout);
      assert.match(other.stderr, /not the same person as the session/);
      assert.deepEqual((await session(token)).session.amr, ['pwd']);

      const stepped = await withBrowser(['login', '--sso', '--step-up', ...loopback, '--profile', 'ana'], { login: 'ana', otp: true });
      assert.equal(stepped.code, 0, stepped.stderr);
      assert.match(stepped.stdout, /^Stepped up: ana signed in again with MFA \(pwd, otp\)/);
      assert.equal(stored(), token, 'the profile keeps its session');
      const after = await session(token);
      assert.equal(after.session.id, before.session.id);
      assert.deepEqual(after.session.amr, ['pwd', 'otp']);
      assert.equal(after.step_up.satisfied, true);
      const [open] = await server.t.db.all<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE user_id = 'ana' AND ended_at IS NULL");
      assert.equal(Number(open!.n), 1, 'no second session');

      const approved = await runCli(['--profile', 'ana', 'authorisations', 'approve', transition, '--reason', 'ok']);
      assert.equal(approved.code, 0, approved.stderr);
      assert.match(approved.stdout, new RegExp(`^transition ${transition} is `));
    });
  });
}
