// Issue 22 item 1 in Chromium: the identity page shows each identity's lawful power per scope and
// action with the rule that decided; a narrowed identity looks narrowed (badge, sentence, every
// lost action marked with what decided it, exactly as the API says); it fits 1024 px and a phone,
// and axe-core finds nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import type { PowerView } from '../../src/core/power-view.js';
import { startServerProcess, type ServerProcess } from '../support/cli.js';
import { personToken, providerForServer } from '../support/oidc-provider.js';
import { testStores } from '../support/stores.js';
import { launchBrowser } from './browser.js';
import { consoleSession } from './session.js';

const ADMIN = 'mdt_console_power_bootstrap_token_0123456789abcdef';
const SHOTS = process.env.MANDATE_SCREENSHOTS ?? 'test-results/screenshots';

for (const store of testStores()) {
  describe(`identity power view in Chromium (${store.name})`, () => {
    let server: ServerProcess;
    let provider: Awaited<ReturnType<typeof providerForServer>> | undefined;
    let browser: Browser;
    let closeBrowser: () => Promise<void>;
    const { tokens, contexts, errors, api, signIn, shot } = consoleSession({
      url: () => server.url,
      browser: () => browser,
      tokens: { admin: ADMIN },
      shots: store.name === 'sqlite' ? SHOTS : null,
      sso: true,
    });
    /** A demo identity the lifecycle narrowed, found through the API (the demo has a winding-down scope). */
    let narrowed: PowerView;

    before(async () => {
      const db = await store.open();
      await db.close();
      provider = await providerForServer([['vera', 'viewer']]);
      server = await startServerProcess(['--db', store.url(), '--demo', '--port', String(provider.port)], {
        MANDATE_BOOTSTRAP_TOKEN: ADMIN,
        ...provider.env,
      });
      tokens.vera = (await personToken(server.url, { login: 'vera' })).token;
      ({ browser, close: closeBrowser } = await launchBrowser());
      const { items } = await api<{ items: { id: string; status: string; capability: string }[] }>(
        'vera',
        'GET',
        '/v1/identities?status=active&capability=execute&limit=200',
      );
      for (const i of items) {
        const p = await api<PowerView>('vera', 'GET', `/v1/identities/${i.id}/power`);
        if (p.outcome === 'narrow') {
          narrowed = p;
          break;
        }
      }
      assert.ok(narrowed, 'the demo firm holds a narrowed identity');
    });
    after(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await closeBrowser?.();
      await server?.stop();
      await provider?.close();
      await store.cleanup();
      assert.deepEqual(errors, [], 'no page raised an uncaught error');
    });

    const open = async (page: Page, id: string) => {
      await page.goto(`${server.url}/console/identities/${id}`);
      await page.getByRole('table', { name: 'Lawful power' }).waitFor();
    };

    test('a narrowed identity looks narrowed: badge, sentence, and every lost action with the rule that decided', async () => {
      const vera = await signIn('vera');
      await open(vera, narrowed.identity);
      await vera.getByRole('heading', { level: 1 }).getByText('narrowed').waitFor();
      assert.match(await vera.getByTestId('power-sentence').innerText(), /^Narrowed: \d+ of \d+ scope actions are no longer lawful/);
      const table = vera.getByRole('table', { name: 'Lawful power' });
      assert.equal(await table.locator('tbody tr').count(), narrowed.scopes.length, 'one row per scope');
      assert.equal(await table.getByText('not lawful', { exact: true }).count(), narrowed.summary.unlawful);
      assert.ok(narrowed.summary.unlawful > 0);
      // Each scope's row says what the API says: its lawful actions in one cell, each lost action in
      // the other with the rule or table cell that decided and why; scopes that lost power come first.
      for (const s of narrowed.scopes) {
        const row = table.locator(`tbody tr[data-scope="${s.key}"]`);
        const [lawfulCell, lostCell] = [row.locator('td').nth(0), row.locator('td').nth(1)];
        const [lawfulText, lostText] = [await lawfulCell.innerText(), await lostCell.innerText()];
        for (const a of s.actions) {
          if (a.lawful) assert.ok(lawfulText.includes(a.action) && !lostText.includes(` ${a.action} `), `${s.key} ${a.action}`);
          else assert.ok(lostText.includes(a.action) && lostText.includes(a.by) && lostText.includes(a.because), `${s.key}: ${lostText}`);
        }
      }
      const firstScope = await table.locator('tbody tr').first().getAttribute('data-scope');
      assert.ok(
        narrowed.scopes.find((s) => s.key === firstScope)!.actions.some((a) => !a.lawful),
        'a scope with lost power first',
      );
      await vera.evaluate("document.getElementById('h-power').scrollIntoView()");
      await shot(vera, 'identity-power');
    });

    test('an identity with full power says so, and shows no narrowed badge', async () => {
      const vera = await signIn('vera');
      await open(vera, 'svc-grafana-readonly');
      const p = await api<PowerView>('vera', 'GET', '/v1/identities/svc-grafana-readonly/power');
      assert.equal(p.outcome, 'keep');
      assert.match(await vera.getByTestId('power-sentence').innerText(), /^Full power: every entitled action is lawful/);
      assert.equal(await vera.getByRole('heading', { level: 1 }).getByText('narrowed').count(), 0);
    });

    test('the power view fits 1024 px and a phone, and axe-core finds nothing', async () => {
      const vera = await signIn('vera');
      const problems: string[] = [];
      for (const [width, height] of [
        [1024, 768],
        [390, 844],
      ] as const) {
        await vera.setViewportSize({ width, height });
        await open(vera, narrowed.identity);
        // The page never scrolls sideways; a wide table scrolls inside its own box.
        const overflow = Number(await vera.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth'));
        assert.ok(overflow <= 0, `${width}px: the page scrolls sideways by ${overflow}px`);
        const result = await new AxeBuilder({ page: vera })
          .include('#h-power')
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
          .analyze();
        const section = await new AxeBuilder({ page: vera }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        for (const v of [...result.violations, ...section.violations]) problems.push(`${width}px: ${v.id} ${v.help}`);
        if (width === 390) {
          await vera.evaluate("document.getElementById('h-power').scrollIntoView()");
          await shot(vera, 'identity-power-phone');
        }
      }
      assert.deepEqual(problems, []);
    });
  });
}
