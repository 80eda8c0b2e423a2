// Single sign-on in the console, in Chromium against a `mandate serve --demo` process signing people
// in at a real OpenID provider (the `oidc-provider` package): a refused sign-in comes back to the
// console with its reason; an approval by a password-only sign-in is refused and the console takes
// the person through the step-up (the provider again, with the one-time code) back to the same page,
// where the approval then passes; sign-out ends the session at the server and at the provider.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../support/cli.js';
import { personToken, providerForServer } from '../support/oidc-provider.js';
import { testStores } from '../support/stores.js';
import { launchBrowser } from './browser.js';
import { consoleSession, providerSignIn } from './session.js';

const PEOPLE = [
  ['carla', 'compliance_officer'],
  ['anton', 'approver'],
] as const;
const ADMIN = 'mdt_console_signin_bootstrap_token_0123456789abcdef';

for (const store of testStores()) {
  describe(`console sign-in through the identity provider (${store.name})`, () => {
    let server: ServerProcess;
    let provider: Awaited<ReturnType<typeof providerForServer>> | undefined;
    let browser: Browser;
    let closeBrowser: () => Promise<void>;
    const session = consoleSession({
      url: () => server.url,
      browser: () => browser,
      tokens: { admin: ADMIN },
      shots: null,
      sso: true,
    });
    const { tokens, errors, api, signIn } = session;

    before(async () => {
      const db = await store.open();
      await db.close();
      provider = await providerForServer(PEOPLE);
      server = await startServerProcess(['--db', store.url(), '--demo', '--port', String(provider.port)], {
        MANDATE_BOOTSTRAP_TOKEN: ADMIN,
        ...provider.env,
      });
      tokens.carla = (await personToken(server.url, { login: 'carla' })).token;
      ({ browser, close: closeBrowser } = await launchBrowser());
    });
    after(async () => {
      await session.closeAll();
      await closeBrowser?.();
      await server?.stop();
      await provider?.close();
      await store.cleanup();
      assert.deepEqual(errors, [], 'no page raised an uncaught error or sent a read the API refused');
    });

    test('a sign-in the person cancels at the provider comes back to the sign-in page with its reason, and no session', async () => {
      const context = await browser.newContext();
      session.contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${server.url}/console/`);
      await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
      await page.getByLabel('Person').waitFor();
      await page.getByRole('button', { name: 'Cancel' }).click();
      const alert = page.getByRole('alert');
      await alert.filter({ hasText: 'Sign-in refused' }).waitFor();
      assert.match((await alert.textContent()) ?? '', /SIGNIN_FAILED/);
      await page.getByRole('link', { name: 'Sign in with your identity provider' }).waitFor();
      const status = await page.evaluate(async () => (await fetch('/v1/session', { credentials: 'same-origin' })).status);
      assert.equal(status, 401);
    });

    test('an approval by a password-only sign-in is refused; the console takes the person through step-up and back', async () => {
      const reason = `step-up in the console (${store.name})`;
      const proposed = await api<{ id: string }>('carla', 'POST', '/v1/authorisations/auth-de-custody-fr/transitions', {
        to: 'suspended',
        reason,
        reference: 'AMF 2026/12',
      });
      const approvals = await api<{ items: { id: string; subject: { id: string } }[] }>('carla', 'GET', '/v1/approvals?limit=200');
      const approvalId = approvals.items.find((a) => a.subject.id === proposed.id)?.id;
      assert.ok(approvalId, `an approval for ${proposed.id}`);

      const anton = await signIn('anton', { mfa: false });
      await anton.getByTestId('signin-facts').filter({ hasText: 'without recent MFA' }).waitFor();
      await anton.getByRole('link', { name: 'Approvals' }).click();
      const request = anton.getByTestId(`approval-${approvalId}`);
      await request.getByRole('button', { name: 'Approve' }).click();
      const refusal = request.getByRole('alert');
      await refusal.filter({ hasText: 'STEP_UP_REQUIRED' }).waitFor();
      assert.match((await refusal.textContent()) ?? '', /MFA/);
      // Still signed in: a step-up is no sign-out.
      await anton.getByTestId('who').filter({ hasText: 'anton' }).waitFor();
      assert.equal((await api<{ status: string }>('carla', 'GET', `/v1/transitions/${proposed.id}`)).status, 'pending');

      await request.getByRole('link', { name: 'Sign in again with MFA' }).click();
      // The provider asks again, for the same person (filled in), with the one-time code.
      await anton.getByText('Mandate asks you to sign in again').waitFor();
      assert.equal(await anton.getByLabel('Person').inputValue(), 'anton');
      await providerSignIn(anton, 'anton', true);
      await anton.waitForURL(/\/console\/approvals/);
      await anton.getByTestId('signin-facts').filter({ hasText: 'MFA sign-in' }).waitFor();
      await anton.getByTestId(`approval-${approvalId}`).getByRole('button', { name: 'Approve' }).click();
      await anton.getByTestId(`approval-${approvalId}`).waitFor({ state: 'detached' });
      const after = await api<{ status: string }>('carla', 'GET', `/v1/transitions/${proposed.id}`);
      assert.notEqual(after.status, 'pending', JSON.stringify(after));
      // The vote is the person's, with how they signed in.
      const events = await api<{ items: { action: string; after?: { authn?: { amr?: string[] } } }[] }>(
        'carla',
        'GET',
        `/v1/events?subject_id=${approvalId}&action=approval.vote_approved&limit=50`,
      );
      const vote = events.items.find((e) => e.action === 'approval.vote_approved');
      assert.deepEqual(vote?.after?.authn?.amr, ['pwd', 'otp']);
    });

    test('sign-out ends the session at the server and at the provider', async () => {
      const carla = await signIn('carla');
      const cookie = (await carla.context().cookies(server.url)).find((c) => c.name === 'mandate_session');
      assert.ok(cookie, 'the session is an httpOnly cookie');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      assert.equal(await carla.evaluate("document.cookie.includes('mandate_session')"), false, 'the page cannot read it');
      await carla.getByRole('button', { name: 'Sign out' }).click();
      // The provider asks to confirm its own sign-out (RP-initiated logout), then sends the browser back.
      await carla.getByRole('button', { name: 'Yes, sign me out' }).click();
      await carla.waitForURL(/\/console\/?$/);
      await carla.getByRole('link', { name: 'Sign in with your identity provider' }).waitFor();
      const res = await fetch(`${server.url}/v1/session`, { headers: { cookie: `mandate_session=${cookie.value}` } });
      assert.equal(res.status, 401, 'the old cookie no longer works anywhere');
    });
  });
}
