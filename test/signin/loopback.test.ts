// The CLI's loopback sign-in, against a real app and the demo provider with no device grant: `mandate
// login --sso` finds the device grant missing and falls back to listening on 127.0.0.1; the person's
// browser signs in through the server and is sent back to the CLI with a one-time code (never the
// session secret), which the CLI redeems with its verifier. A wrong verifier, a code used twice, an
// expired code and a return target that is not the loopback are refused. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { browse, CookieJar, followSignIn } from '../support/oidc-provider.js';
import { loopbackBrowser, ssoServer, type SsoServer } from '../support/sso-server.js';
import { testStores } from '../support/stores.js';

const S256 = (v: string) => createHash('sha256').update(v).digest('base64url');

for (const store of testStores()) {
  describe(`the CLI's loopback sign-in (${store.name})`, () => {
    let server: SsoServer;
    const clock = { skew: 0 };
    const config = mkdtempSync(join(tmpdir(), 'mandate-loopback-'));
    const saved = process.env.XDG_CONFIG_HOME;

    before(async () => {
      server = await ssoServer(await store.open(), { deviceFlow: false, clock: () => new Date(Date.now() + clock.skew) });
      process.env.XDG_CONFIG_HOME = config;
    });
    after(async () => {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
      await server?.close();
      await store.cleanup();
    });

    /** Begins a loopback sign-in for a CLI that is not listening, signs in, answers the one-time code the browser was sent back with. */
    async function oneTimeCode(verifier: string): Promise<string> {
      const q = new URLSearchParams({
        return_to: 'http://127.0.0.1:9/callback',
        code_challenge: S256(verifier),
        code_challenge_method: 'S256',
      });
      const jar = new CookieJar();
      const begin = await browse(jar, `${server.url}/v1/signin?${q}`);
      assert.equal(begin.status, 302, await begin.text());
      const { callbackUrl } = await followSignIn(begin.headers.get('location')!, { login: 'ben' }, jar);
      const back = await browse(jar, callbackUrl);
      assert.equal(back.status, 302, await back.text());
      const to = new URL(back.headers.get('location')!);
      assert.equal(`${to.origin}${to.pathname}`, 'http://127.0.0.1:9/callback');
      // The browser is given no session: no cookie of it, and no secret in the URL.
      assert.ok(!back.headers.getSetCookie().some((c) => /^mandate_session=[^;]/.test(c)));
      assert.ok(!to.href.includes('mds_'));
      return to.searchParams.get('code')!;
    }
    const redeem = (code: string, code_verifier: string) =>
      fetch(`${server.url}/v1/signin/loopback/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, code_verifier }),
      });

    test('mandate login --sso: no device grant at the provider, so the browser comes back to the CLI on 127.0.0.1', async () => {
      let browsing: Promise<{ loopbackUrl: string; status: number }> | undefined;
      const login = await runCli(
        ['login', '--sso', '--url', server.url, '--profile', 'ana'],
        {},
        {
          err: (s) => {
            const m = /Open (\S+) in a browser/.exec(s);
            if (m && !browsing) browsing = loopbackBrowser(m[1]!, { login: 'ana', otp: true });
          },
        },
      );
      assert.equal(login.code, 0, login.stderr);
      const { loopbackUrl, status } = await browsing!;
      assert.equal(status, 200, 'the CLI answered the browser');
      assert.match(login.stderr, /offers no device code sign-in/);
      assert.match(
        login.stderr,
        /^Open http:\/\/127\.0\.0\.1:\d+\/v1\/signin\?return_to=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fcallback&code_challenge=/m,
      );
      assert.match(loopbackUrl, /^http:\/\/127\.0\.0\.1:\d+\/callback\?code=mdl_[\w-]{43}$/);
      assert.match(login.stdout, /^Signed in as ana \(session ends [^)]+\); stored as profile "ana" in /);

      const stored = JSON.parse(readFileSync(join(config, 'mandate', 'credentials.json'), 'utf8')).profiles.ana as { token: string };
      assert.match(stored.token, /^mds_/);
      assert.ok(!loopbackUrl.includes(stored.token) && !login.stdout.includes(stored.token) && !login.stderr.includes(stored.token));
      const me = await fetch(`${server.url}/v1/session`, { headers: { authorization: `Bearer ${stored.token}` } });
      const session = (await me.json()) as { user: string; session: { client: string; amr: string[] } };
      assert.equal(me.status, 200);
      assert.equal(session.user, 'ana');
      assert.equal(session.session.client, 'cli');
      assert.deepEqual(session.session.amr, ['pwd', 'otp']);
      // The code was used: the browser's URL (history, logs) gets nobody anything.
      const again = await redeem(new URL(loopbackUrl).searchParams.get('code')!, 'x'.repeat(43));
      assert.equal(again.status, 401);

      // --loopback forces it even where a device grant would do; --no-device is the same.
      const help = (await runCli(['login', '--help'])).stdout;
      for (const flag of ['--loopback', '--no-device', '--step-up']) assert.ok(help.includes(flag), flag);
    });

    test('the one-time code: the right verifier once; a wrong verifier, a second use and an expired code are refused', async () => {
      const verifier = randomBytes(32).toString('base64url');
      const code = await oneTimeCode(verifier);
      assert.match(code, /^mdl_[\w-]{43}$/);
      const ok = await redeem(code, verifier);
      const body = (await ok.json()) as { session_token: string; session: { user: string; client: string } };
      assert.equal(ok.status, 200, JSON.stringify(body));
      assert.equal(ok.headers.get('cache-control'), 'no-store');
      assert.match(body.session_token, /^mds_[\w-]{43}$/);
      assert.equal(body.session.user, 'ben');
      assert.equal(body.session.client, 'cli');
      const twice = await redeem(code, verifier);
      assert.equal(twice.status, 401);
      assert.equal(((await twice.json()) as { code: string }).code, 'SIGNIN_FAILED');

      const wrong = await oneTimeCode(verifier);
      const refused = await redeem(wrong, randomBytes(32).toString('base64url'));
      assert.equal(refused.status, 401);
      assert.match(((await refused.json()) as { detail: string }).detail, /verifier does not match/);
      assert.equal((await redeem(wrong, verifier)).status, 401, 'a wrong guess uses the code up');

      const late = await oneTimeCode(verifier);
      clock.skew = 61_000;
      try {
        const expired = await redeem(late, verifier);
        assert.equal(expired.status, 401);
        assert.match(((await expired.json()) as { detail: string }).detail, /expired/);
      } finally {
        clock.skew = 0;
      }
      // Every refusal is evidence.
      const [refusals] = await server.t.db.all<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE action = 'signin.refused'");
      assert.ok(Number(refusals!.n) >= 3);
    });

    test('only the loopback, and only with a code challenge, is a return target outside the server', async () => {
      const challenge = S256(randomBytes(32).toString('base64url'));
      for (const [returnTo, withChallenge] of [
        ['https://evil.example/callback', true],
        ['http://evil.example/callback', true],
        ['http://127.0.0.1.evil.example/callback', true],
        ['http://127.0.0.1:4000/callback', false],
        ['/console', true],
        ['//evil.example/callback', false],
      ] as const) {
        const q = new URLSearchParams({ return_to: returnTo, ...(withChallenge ? { code_challenge: challenge } : {}) });
        const res = await fetch(`${server.url}/v1/signin?${q}`, { redirect: 'manual' });
        assert.equal(res.status, 400, `${returnTo} ${withChallenge}: ${res.status}`);
        assert.equal(((await res.json()) as { code: string }).code, 'INVALID_QUERY');
      }
      // The loopback with a challenge begins; the provider's URL without the browser's binding cookie is refused at the callback.
      // A refusal of a loopback sign-in (this one, the provider's, another person's step-up) is sent to the CLI's listener.
      const q = new URLSearchParams({ return_to: 'http://[::1]:4000/callback', code_challenge: challenge });
      const begin = await fetch(`${server.url}/v1/signin?${q}`, { redirect: 'manual' });
      assert.equal(begin.status, 302);
      const { callbackUrl } = await followSignIn(begin.headers.get('location')!, { login: 'ben' });
      const back = await fetch(callbackUrl, { redirect: 'manual' });
      assert.equal(back.status, 302, 'the refusal goes back to the CLI, which says why');
      const to = new URL(back.headers.get('location')!);
      assert.equal(`${to.origin}${to.pathname}`, 'http://[::1]:4000/callback');
      assert.equal(to.searchParams.get('code'), null);
      assert.equal(to.searchParams.get('error'), 'access_denied');
      assert.match(to.searchParams.get('error_description')!, /another browser/);
    });
  });
}
