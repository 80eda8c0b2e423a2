// What each browser test of the console needs against its running server: the API called as a
// user, signed-in pages that collect the bugs a screen can hide, and photographs of pages.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { DEMO_OTP, DEMO_PASSWORD } from '../../src/demo/oidc-provider.js';

export interface ConsoleSession {
  /** API tokens by user id. */
  tokens: Record<string, string>;
  /** Every browser context opened, closed by closeAll. */
  contexts: BrowserContext[];
  /** Uncaught page errors, CSP violations and reads the API refused: none is expected. */
  errors: string[];
  /** Calls the API as a user; anything but 2xx fails the test with the server's answer. */
  api<T>(who: string, method: string, path: string, body?: unknown): Promise<T>;
  /**
   * A signed-in page for one person, in its own browser context (its own cookies and storage): with
   * `sso`, through the identity provider's sign-in form (with the one-time code unless mfa is false),
   * else with their API token.
   */
  signIn(who: string, opts?: { mfa?: boolean }): Promise<Page>;
  /** A photograph of the page, when this run takes them (shots is a folder). */
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  closeAll(): Promise<void>;
}

export function consoleSession(o: {
  url: () => string;
  browser: () => Browser;
  tokens: Record<string, string>;
  shots: string | null;
  context?: BrowserContextOptions;
  /** People sign in at the server's identity provider (the demo provider's form). */
  sso?: boolean;
}): ConsoleSession {
  const s: ConsoleSession = {
    tokens: o.tokens,
    contexts: [],
    errors: [],
    async api<T>(who: string, method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${o.url()}${path}`, {
        method,
        headers: { authorization: `Bearer ${s.tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    },
    async signIn(who, opts = {}) {
      const context = await o.browser().newContext({ viewport: { width: 1440, height: 900 }, ...o.context });
      s.contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (e) => s.errors.push(`${who}: ${e.message}`));
      // The console never breaks its own CSP, and never sends a read the API refuses (a stale
      // cursor, a bad filter): either is a bug even when the screen looks right.
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) s.errors.push(`${who}: ${m.text()}`);
      });
      page.on('response', (r) => {
        if (r.request().method() === 'GET' && r.url().includes('/v1/') && r.status() >= 400)
          s.errors.push(`${who}: GET ${r.url()} answered ${r.status()}`);
      });
      await page.goto(`${o.url()}/console/`);
      if (o.sso) {
        await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
        await providerSignIn(page, who, opts.mfa ?? true);
      } else {
        await page.getByLabel('API token').fill(s.tokens[who]!);
        await page.getByRole('button', { name: 'Sign in' }).click();
      }
      await page.getByTestId('who').filter({ hasText: who }).waitFor();
      return page;
    },
    async shot(page, name, fullPage = false) {
      if (!o.shots) return;
      await page.evaluate('document.fonts.ready');
      await page.screenshot({ path: join(o.shots, `${name}.png`), fullPage });
    },
    async closeAll() {
      for (const c of s.contexts) await c.close().catch(() => undefined);
    },
  };
  return s;
}

/**
 * Fills the demo identity provider's sign-in form (src/demo/oidc-provider.ts) as a person would: their
 * name (unless the provider already filled it in, as on a step-up), the password and, for an MFA
 * sign-in, the one-time code; the browser then goes back to the console.
 */
export async function providerSignIn(page: Page, who: string, mfa: boolean): Promise<void> {
  const person = page.getByLabel('Person');
  await person.waitFor();
  if ((await person.inputValue()) !== who) await person.fill(who);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  if (mfa) await page.getByLabel(/One-time code/).fill(DEMO_OTP);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/console\//);
}
