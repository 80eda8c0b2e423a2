// The web console end to end, in Debian's Chromium driven by playwright-core, against a real
// `mandate serve --demo` process: sign in, role-aware screens, filter the inventory, preview a
// withdrawal's impact and carry it out with two approvers, watch the identities change, verify an
// event's inclusion proof in the browser, export an evidence pack. Each page is photographed
// (test-results/screenshots; MANDATE_SCREENSHOTS=docs/screenshots refreshes the README's).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { verifyPack } from '../../src/evidence/verify.js';
import { verifierKey } from '../../src/ledger/checkpoint.js';
import { startServerProcess, type ServerProcess } from '../support/cli.js';
import { testStores } from '../support/stores.js';
import { launchBrowser } from './browser.js';
import { personToken, providerForServer } from '../support/oidc-provider.js';
import { consoleSession } from './session.js';

const PEOPLE = [
  ['carla', 'compliance_officer'],
  ['anton', 'approver'],
  ['alma', 'approver'],
  ['vera', 'viewer'],
] as const;
const ADMIN = 'mdt_console_e2e_bootstrap_token_0123456789abcdef';
const SHOTS = process.env.MANDATE_SCREENSHOTS ?? 'test-results/screenshots';
// Withdrawing a custody licence takes two approvers here (the firm's own rules file).
const RULES = [
  {
    id: 'transition-client-assets',
    kind: 'transition',
    when: { services: ['custody', 'transfer'] },
    description: 'Licence changes where client assets are held: two approvers.',
    approvals: 2,
    roles: ['approver', 'admin'],
    expires_after_seconds: 86_400,
  },
  {
    id: 'transition',
    kind: 'transition',
    description: 'Other licence changes: one approver.',
    approvals: 1,
    roles: ['approver', 'admin'],
    expires_after_seconds: 86_400,
  },
  {
    id: 'policy-change',
    kind: 'policy_change',
    description: 'Policies.',
    approvals: 1,
    roles: ['approver', 'admin'],
    expires_after_seconds: 86_400,
  },
  {
    id: 'lifecycle-rules-change',
    kind: 'lifecycle_rules_change',
    description: 'Rules.',
    approvals: 1,
    roles: ['approver', 'admin'],
    expires_after_seconds: 86_400,
  },
  { id: 'access', kind: 'access', description: 'Access.', approvals: 1, roles: ['approver', 'admin'], expires_after_seconds: 86_400 },
  {
    id: 'exception',
    kind: 'exception',
    description: 'Exceptions.',
    approvals: 1,
    roles: ['approver', 'admin'],
    expires_after_seconds: 86_400,
  },
  {
    id: 'break-glass',
    kind: 'break_glass',
    description: 'Break-glass.',
    approvals: 1,
    roles: ['approver', 'admin'],
    expires_after_seconds: 3_600,
  },
  {
    id: 'identity-change',
    kind: 'identity_change',
    description: 'A change that adds power.',
    approvals: 1,
    roles: ['approver', 'admin'],
    expires_after_seconds: 3_600,
  },
];

for (const store of testStores()) {
  describe(`web console in Chromium (${store.name})`, () => {
    let server: ServerProcess;
    let provider: Awaited<ReturnType<typeof providerForServer>> | undefined;
    let browser: Browser;
    let closeBrowser: () => Promise<void>;
    // Photographed once (on the embedded store): the pages look the same on either store.
    const { tokens, contexts, errors, api, signIn, shot } = consoleSession({
      url: () => server.url,
      browser: () => browser,
      tokens: { admin: ADMIN },
      shots: store.name === 'sqlite' ? SHOTS : null,
      context: { acceptDownloads: true },
      sso: true,
    });
    const settled = (page: Page) =>
      page
        .getByRole('status')
        .filter({ hasText: /…$/ })
        .first()
        .waitFor({ state: 'detached', timeout: 20_000 })
        .catch(() => undefined);

    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      const db = await store.open();
      await db.close();
      const dir = mkdtempSync(join(tmpdir(), 'mandate-console-e2e-'));
      writeFileSync(join(dir, 'rules.json'), JSON.stringify(RULES));
      provider = await providerForServer(PEOPLE);
      server = await startServerProcess(['--db', store.url(), '--demo', '--port', String(provider.port)], {
        MANDATE_BOOTSTRAP_TOKEN: ADMIN,
        MANDATE_APPROVAL_RULES_FILE: join(dir, 'rules.json'),
        ...provider.env,
      });
      // People sign in through the test's identity provider and make their own tokens (no one mints one for another).
      for (const [user] of PEOPLE) tokens[user] = (await personToken(server.url, { login: user })).token;
      ({ browser, close: closeBrowser } = await launchBrowser());
    });
    after(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await closeBrowser?.();
      await server?.stop();
      await provider?.close();
      await store.cleanup();
      assert.deepEqual(errors, [], 'no page raised an uncaught error');
    });

    test('sign-in refuses a bad token, keeps a good one out of the page, and shows the overview', async () => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      // Single sign-on first; a person's own API token is the other way in (for reading). Enter submits.
      await page.getByRole('link', { name: 'Sign in with your identity provider' }).waitFor();
      await page.getByLabel('API token').click();
      await page.keyboard.type('mdt_not_a_real_token_000000000000000');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'UNAUTHENTICATED' }).waitFor();
      assert.equal(await page.getByLabel('API token').inputValue(), '', 'the field is cleared after each try');
      await shot(page, 'sign-in');

      const carla = await signIn('carla');
      await carla.getByRole('table', { name: /Readiness by entity/ }).waitFor();
      await carla.getByRole('table', { name: 'Identities by function and capability' }).waitFor();
      await settled(carla);
      assert.ok(!(await carla.content()).includes(tokens.carla!), 'the token is never rendered');
      assert.equal(await carla.getByLabel('API token').count(), 0);
      await shot(carla, 'overview');
      // The navigation works from the keyboard: the skip link first, then the menu.
      await carla.keyboard.press('Tab');
      assert.equal(await carla.evaluate('document.activeElement.textContent'), 'Skip to content');
      await carla.keyboard.press('Tab');
      await carla.keyboard.press('Tab');
      await carla.keyboard.press('Enter');
      await carla.getByRole('heading', { name: 'Inventory', level: 1 }).waitFor();
      await carla.goBack();
      await carla.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
      await shot(carla, 'overview-theme-toggled');
      await carla.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    });

    test('a viewer sees no button it cannot use', async () => {
      const vera = await signIn('vera');
      await vera.goto(`${server.url}/console/authorisations/auth-de-custody-fr`);
      await vera.getByRole('button', { name: 'Preview impact' }).click();
      await vera.getByTestId('impact-counts').waitFor();
      assert.equal(await vera.getByRole('button', { name: 'Propose' }).count(), 0);
      await vera.goto(`${server.url}/console/identities/svc-grafana-readonly`);
      await vera.getByRole('heading', { name: /svc-grafana-readonly/ }).waitFor();
      assert.equal(await vera.getByRole('button', { name: /Suspend|Revoke/ }).count(), 0);
      await vera.goto(`${server.url}/console/evidence`);
      await vera.getByText("Exporting needs the compliance officer's role.").waitFor();
      assert.equal(await vera.getByRole('button', { name: 'Export and download' }).count(), 0);
    });

    test('the inventory filters, searches, sorts and pages on the server', async () => {
      const carla = await signIn('carla');
      await carla.getByRole('link', { name: 'Inventory' }).click();
      const count = carla.getByTestId('inventory-count');
      await count.waitFor();
      const all = await api<{ total: number }>('carla', 'GET', '/v1/identities?count=true&limit=1');
      await assertText(count, `${all.total.toLocaleString('en-US')} identities`);
      await carla.getByLabel('Function').selectOption('custody');
      await carla.getByLabel('Capability').selectOption('execute');
      const custody = await api<{ total: number; items: { id: string }[] }>(
        'carla',
        'GET',
        '/v1/identities?count=true&function=custody&capability=execute&limit=50',
      );
      await assertText(count, `${custody.total} identities`);
      const rows = carla.getByRole('table', { name: 'Identities' }).locator('tbody tr');
      assert.equal(await rows.count(), Math.min(50, custody.total));
      for (const cells of await rows.evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      )) {
        assert.equal(cells[2], 'custody');
        assert.equal(cells[3], 'execute');
      }
      assert.match(carla.url(), /function=custody/, 'filters live in the URL');
      await carla.getByLabel('Search id, owner or purpose').fill('sweeper');
      await carla.getByRole('button', { name: 'Search' }).click();
      const sweepers = await api<{ total: number }>(
        'carla',
        'GET',
        '/v1/identities?count=true&function=custody&capability=execute&q=sweeper&limit=1',
      );
      await assertText(count, `${sweepers.total} identities`);
      assert.ok(sweepers.total > 0 && sweepers.total < custody.total);
      await carla.getByRole('button', { name: 'Clear filters' }).click();
      // From a deeper page, a new sort starts again at its first page (never a cursor of the old sort).
      await carla.getByRole('button', { name: 'Next' }).click();
      await carla.getByText('page 2').waitFor();
      await carla.getByRole('button', { name: /^Owner/ }).click();
      await carla.getByText('page 1').waitFor();
      await carla.getByRole('columnheader', { name: /Owner/ }).and(carla.locator('[aria-sort="ascending"]')).waitFor();
      await carla.getByRole('button', { name: 'Next' }).click();
      await carla.getByText('page 2').waitFor();
      await shot(carla, 'inventory');
    });

    test('a withdrawal is previewed, proposed, approved by two approvers, and the identities change', async () => {
      const carla = await signIn('carla');
      await carla.goto(`${server.url}/console/authorisations/auth-de-custody-fr`);
      await carla.getByLabel('New status').selectOption('withdrawn');
      await carla.getByRole('button', { name: 'Preview impact' }).click();
      const counts = carla.getByTestId('impact-counts');
      await counts.waitFor();
      const impact = await api<{ counts: { suspend: number; narrow: number } }>(
        'carla',
        'GET',
        '/v1/authorisations/auth-de-custody-fr/impact?to=withdrawn',
      );
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the rendered text), not the DOM property
      assert.match(await counts.innerText(), new RegExp(`suspend ${impact.counts.suspend}, narrow ${impact.counts.narrow}`));
      await carla.getByTestId('impact-graph').waitFor();
      assert.equal(
        (await api<{ status: string }>('carla', 'GET', '/v1/authorisations/auth-de-custody-fr')).status,
        'authorised',
        'a preview writes nothing',
      );
      await carla.evaluate("document.getElementById('h-preview').scrollIntoView()");
      await shot(carla, 'impact-preview');
      await carla.getByLabel('Reason').fill('AMF withdrew the custody passport');
      await carla.getByLabel("Supervisor's reference").fill('AMF-2026-117');
      await carla.getByRole('button', { name: 'Propose' }).click();
      await carla.getByText(/Proposed as tr_/).waitFor();
      const proposal = carla.getByRole('table', { name: 'Transitions' }).locator('tbody tr').filter({ hasText: 'AMF-2026-117' });
      await proposal.getByText('0 of 2 approvals').waitFor();
      assert.equal(
        await proposal.getByRole('button', { name: 'Approve' }).count(),
        0,
        'a compliance officer proposes but does not approve',
      );

      const anton = await signIn('anton');
      await anton.getByRole('link', { name: 'Approvals' }).click();
      const request = anton.locator('article').filter({ hasText: 'auth-de-custody-fr' });
      await request.getByText('0 of 2 approvals', { exact: false }).waitFor();
      await shot(anton, 'approvals');
      await request.getByRole('button', { name: 'Approve' }).click();
      await anton.getByText('Nothing waits for your decision.').waitFor();

      const alma = await signIn('alma');
      await alma.goto(`${server.url}/console/authorisations/auth-de-custody-fr`);
      await alma.getByText(/1 of 2 approvals/).waitFor();
      await alma.getByRole('table', { name: 'Transitions' }).getByRole('button', { name: 'Approve' }).click();
      await alma
        .getByRole('heading', { name: /auth-de-custody-fr/ })
        .getByText('withdrawn')
        .waitFor({ timeout: 20_000 });
      await shot(alma, 'authorisation-withdrawn');

      await carla.goto(`${server.url}/console/inventory?entity=ent-de&service=custody&jurisdiction=FR&status=suspended`);
      await assertText(carla.getByTestId('inventory-count'), `${impact.counts.suspend} identities`);
      await carla.getByRole('link', { name: 'svc-custody-sweeper-de-fr' }).click();
      await carla
        .getByRole('heading', { name: /svc-custody-sweeper-de-fr/ })
        .getByText('suspended', { exact: true })
        .waitFor();
      // Suspended by the lifecycle, not by hand: the power view says so beside its status.
      await carla
        .getByRole('heading', { name: /svc-custody-sweeper-de-fr/ })
        .getByText('suspended by the lifecycle')
        .waitFor();
      await carla
        .getByTestId('power-sentence')
        .getByText(/^Suspended by the lifecycle: no lawful execute action remains/)
        .waitFor();
      await carla.getByRole('table', { name: 'History' }).getByText('identity.suspended').first().waitFor();
      await shot(carla, 'identity');
    });

    test("an event's inclusion proof verifies in the browser against the signed checkpoint", async () => {
      const carla = await signIn('carla');
      const events = await api<{ items: { seq: number }[] }>(
        'carla',
        'GET',
        '/v1/events?subject_type=authorisation&subject_id=auth-de-custody-fr&order=desc&limit=1',
      );
      const seq = events.items[0]!.seq;
      await carla.goto(`${server.url}/console/ledger?seq=${seq}`);
      await carla.getByRole('button', { name: 'Verify inclusion in the browser' }).click();
      const result = carla.getByTestId('verification');
      await result.getByText(`Verified: event ${seq} is in the signed log`, { exact: false }).waitFor();
      assert.equal(await result.locator('li.fail').count(), 0);
      await result.getByText('Checked against the key the server sent', { exact: false }).waitFor();
      await carla.getByRole('button', { name: 'Pin this verifier key' }).click();
      await carla.getByRole('button', { name: 'Verify inclusion in the browser' }).click();
      await result.getByText('The verifier key is the one you pinned').waitFor();
      await shot(carla, 'ledger');
      // The ledger key rotated as `mandate keys rotate ledger` does it: the key pinned before still
      // verifies, through the rotation the old key signed, and the page shows the chain of both keys.
      const before = await carla.getByLabel('Pinned verifier key').inputValue();
      const rotated = await api<{ from: string; public_key: string; seq: number }>('admin', 'POST', '/v1/keys/ledger/rotate', {
        reason: 'console test',
      });
      assert.equal(rotated.from, before);
      await carla.getByRole('button', { name: 'Verify inclusion in the browser' }).click();
      const chain = result.getByTestId('key-chain');
      await chain.waitFor();
      await result.getByText(`Verified: event ${seq} is in the signed log`, { exact: false }).waitFor();
      assert.equal(await result.locator('li.fail').count(), 0);
      await result.getByText('Each key rotation is in a checkpoint signed by the key before it').waitFor();
      for (const key of [before, rotated.public_key]) await chain.getByText(key, { exact: true }).waitFor();
      await chain.getByText(`rotated in at event ${rotated.seq}`, { exact: false }).waitFor();
      // A server that forges the handover (the rotation event names a key of its own): not verified, and the page says where.
      const forged = verifierKey(before.split('+')[0]!, generateKeyPairSync('ed25519').publicKey);
      await carla.route('**/v1/ledger/rotations**', async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as { items: { leaf: string }[] };
        for (const r of body.items) r.leaf = r.leaf.replace(rotated.public_key, forged);
        await route.fulfill({ response: res, json: body });
      });
      await carla.getByRole('button', { name: 'Verify inclusion in the browser' }).click();
      await result.getByText('Not verified.').waitFor();
      await chain.getByText(`the key rotation in event ${rotated.seq} does not verify`, { exact: false }).waitFor();
      assert.ok((await result.locator('li.fail').count()) > 0);
      await carla.unroute('**/v1/ledger/rotations**');
      // A key the user pinned from elsewhere that is not the log's: the check fails, and says why.
      await carla.getByLabel('Pinned verifier key').fill('mandate.local/ledger+00000000+AcxKv08eMTLrII86CIqqKj80Hp8P0sjz/X6alwhMkVn8');
      await carla.getByRole('button', { name: 'Save pinned key' }).click();
      await carla.getByRole('button', { name: 'Verify inclusion in the browser' }).click();
      await result.getByText('Not verified.').waitFor();
    });

    test('an evidence pack is exported and downloaded, and verifies offline', async () => {
      const carla = await signIn('carla');
      await carla.getByRole('link', { name: 'Evidence' }).click();
      await carla.getByLabel('Entity and member state').selectOption('ent-de|FR');
      const [download] = await Promise.all([
        carla.waitForEvent('download', { timeout: 60_000 }),
        carla.getByRole('button', { name: 'Export and download' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^mandate-evidence-ent-de-FR-\d{4}-\d{2}-\d{2}\.tar\.gz$/);
      const bytes = readFileSync((await download.path())!);
      const report = await verifyPack(bytes);
      assert.ok(report.ok, report.problems.join('\n'));
      assert.equal(report.entity, 'ent-de');
      await carla.getByRole('table', { name: 'Packs exported' }).getByText('ent-de/FR').waitFor();
      await shot(carla, 'evidence');
    });

    // The pages are the same whichever store serves them: checked once, on the embedded store.
    test("every page passes axe-core's WCAG 2 A and AA rules, in light and dark", {
      skip: store.name !== 'sqlite' && 'the pages do not depend on the store',
    }, async () => {
      const carla = await signIn('carla');
      const pages: [string, () => Promise<unknown>][] = [
        ['/', () => carla.getByRole('table', { name: /Readiness by entity/ }).waitFor()],
        ['/inventory', () => carla.getByTestId('inventory-count').waitFor()],
        ['/identities/svc-grafana-readonly', () => carla.getByRole('table', { name: 'History' }).waitFor()],
        ['/authorisations', () => carla.getByRole('table', { name: 'Authorisations' }).waitFor()],
        [
          '/authorisations/auth-ie-custody-it',
          async () => {
            await carla.getByRole('button', { name: 'Preview impact' }).click();
            await carla.getByTestId('impact-graph').waitFor();
          },
        ],
        ['/approvals', () => carla.getByRole('heading', { name: 'Recent requests' }).waitFor()],
        ['/findings', () => carla.getByRole('table', { name: 'Findings' }).waitFor()],
        ['/ledger', () => carla.getByRole('table', { name: 'Events' }).waitFor()],
        ['/evidence', () => carla.getByRole('table', { name: 'Packs exported' }).waitFor()],
      ];
      const problems: string[] = [];
      for (const theme of ['light', 'dark'] as const) {
        await carla.evaluate(`localStorage.setItem('mandate.theme', '${theme}')`);
        for (const [path, ready] of pages) {
          await carla.goto(`${server.url}/console${path}`);
          await ready();
          await settled(carla);
          const result = await new AxeBuilder({ page: carla }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
          for (const v of result.violations)
            problems.push(
              `${theme} ${path}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(' '))
                .join(' | ')}`,
            );
        }
      }
      assert.deepEqual(problems, []);
    });

    test('findings filter by severity and show their controls', async () => {
      const carla = await signIn('carla');
      // The demo's most severe open findings are high (its critical checks hold at zero).
      await carla.goto(`${server.url}/console/findings?severity=high`);
      const table = carla.getByRole('table', { name: 'Findings' });
      await table.waitFor();
      const severities = await table.locator('tbody tr td:first-child').allInnerTexts();
      assert.ok(severities.length > 0);
      assert.ok(severities.every((s) => s === 'high'));
      await table.locator('abbr').first().waitFor();
      await shot(carla, 'findings');
    });
  });
}

async function assertText(locator: import('playwright-core').Locator, text: string): Promise<void> {
  try {
    await locator.filter({ hasText: text }).waitFor({ timeout: 15_000 });
  } catch {
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the rendered text), not the DOM property
    assert.equal(await locator.innerText(), text);
  }
}
