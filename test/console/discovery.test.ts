// Discovery in the console, in Debian's Chromium against a real `mandate serve` on each store: a
// small firm whose Kubernetes identities are declared, two export sources (the Kubernetes and AWS
// IAM fixtures of test/discovery, no outside server needed) and one whose export is not there. An
// operator runs them from the Discovery page; the accounts are listed drift first; one is dismissed
// and one adopted (held for approval); a viewer gets no buttons; an identity's page shows the
// accounts it was matched to, with their live privileges.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Locator, Page } from 'playwright-core';
import type {
  DiscoveredAccount,
  DiscoveryRun,
  DiscoverySource,
  ObservedAccount as ConsoleObservedAccount,
} from '../../console/src/lib/types.js';
import type { ObservedAccount } from '../../src/core/discovery.js';
import type { AccountView, RunView, SourceView } from '../../src/discovery/service.js';
import { startServerProcess, type ServerProcess } from '../support/cli.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';
import { launchBrowser } from './browser.js';
import { personToken, providerForServer } from '../support/oidc-provider.js';
import { consoleSession } from './session.js';

// The console's copies of the API's shapes (console/src/lib/types.ts) stay in step with the server:
// what it sends fits them, and they name no field it does not send. `npm run typecheck` fails otherwise.
type Fits<Server, Console> = Server extends Console ? (Exclude<keyof Console, keyof Server> extends never ? true : false) : false;
const PEOPLE = [
  ['olga', 'operator'],
  ['vera', 'viewer'],
] as const;
const IN_STEP: [
  Fits<AccountView, DiscoveredAccount>,
  Fits<SourceView, DiscoverySource>,
  Fits<RunView, DiscoveryRun>,
  Fits<ObservedAccount, ConsoleObservedAccount>,
] = [true, true, true, true];

const ADMIN = 'mdt_console_discovery_bootstrap_token_0123456789';
const FIXTURES = fileURLToPath(new URL('../discovery/fixtures/', import.meta.url));
const k8s = (id: string, target: string, over: Parameters<typeof identity>[1] = {}) =>
  identity(id, {
    revocation: { connector: 'kubernetes', target: `system:serviceaccount:${target}` },
    credential: { type: 'short_lived', created: '2025-03-01T00:00:00Z' },
    ...over,
  });
// Declared short-lived, it holds a static token: drift. Reporting matches as declared. Ghost is nowhere.
const IDENTITIES = [
  k8s('svc-k8s-settlement', 'payments:settlement', { function: 'settlement' }),
  k8s('svc-k8s-reporting', 'payments:reporting', { function: 'reporting', capability: 'observe' }),
  k8s('svc-k8s-ghost', 'payments:ghost', { function: 'reporting', capability: 'observe' }),
];
const SOURCES = [
  { id: 'k8s-prod', kind: 'kubernetes', environment: 'production', options: { file: join(FIXTURES, 'kubernetes.json') } },
  {
    id: 'aws-prod',
    kind: 'aws_iam',
    environment: 'production',
    options: {
      authorization_details: join(FIXTURES, 'aws-authorization-details.json'),
      credential_report: join(FIXTURES, 'aws-credential-report.csv'),
    },
  },
  { id: 'k8s-lost', kind: 'kubernetes', environment: 'staging', options: { file: join(FIXTURES, 'no-such-export.json') } },
];
const STATE_ORDER = ['drift', 'unmanaged', 'missing', 'matched'];
const SHOTS = process.env.MANDATE_SCREENSHOTS ?? 'test-results/screenshots';

for (const store of testStores()) {
  describe(`discovery in the console, in Chromium (${store.name})`, () => {
    let server: ServerProcess;
    let provider: Awaited<ReturnType<typeof providerForServer>> | undefined;
    let browser: Browser;
    let closeBrowser: () => Promise<void>;
    // Photographed once (on the embedded store), as the console's other browser tests do.
    const session = consoleSession({
      url: () => server.url,
      browser: () => browser,
      tokens: { admin: ADMIN },
      shots: store.name === 'sqlite' ? SHOTS : null,
      sso: true,
    });
    const { tokens, errors, api, shot } = session;
    const account = (key: string) => api<DiscoveredAccount>('admin', 'GET', `/v1/discovery/accounts/${encodeURIComponent(key)}`);
    const signIn = async (who: string, path = '/'): Promise<Page> => {
      const page = await session.signIn(who);
      if (path !== '/') await page.goto(`${server.url}/console${path}`);
      return page;
    };
    /** Native id and state of each row of the accounts table, in order. */
    const rows = (page: Page) =>
      page
        .getByRole('table', { name: 'Accounts' })
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [tr.querySelector('td code')?.textContent ?? '', tr.querySelector('td:nth-child(2) .badge')?.textContent ?? '']),
        );
    const row = (page: Page, native: string): Locator =>
      page
        .getByRole('table', { name: 'Accounts' })
        .locator('tbody tr')
        .filter({ has: page.locator('td:first-child code', { hasText: native }) });

    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      const db = await store.open();
      await db.close();
      provider = await providerForServer(PEOPLE);
      server = await startServerProcess(['--db', store.url(), '--port', String(provider.port)], {
        MANDATE_BOOTSTRAP_TOKEN: ADMIN,
        ...provider.env,
      });
      await api('admin', 'POST', '/v1/import', smallManifest(IDENTITIES));
      // People sign in through the test's identity provider and make their own tokens (no one mints one for another).
      for (const [user] of PEOPLE) tokens[user] = (await personToken(server.url, { login: user })).token;
      for (const s of SOURCES) await api('admin', 'POST', '/v1/discovery/sources', s);
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

    test("the console's discovery types fit what the server sends", () => {
      assert.deepEqual(IN_STEP, [true, true, true, true]);
    });

    test('an operator runs each source from the Discovery page and sees it against the inventory', async () => {
      const olga = await signIn('olga');
      await olga.getByRole('link', { name: 'Discovery' }).click();
      await olga.getByRole('heading', { name: 'Discovery', level: 1 }).waitFor();
      for (const s of SOURCES) await olga.getByTestId(`source-${s.id}`).getByText('never run').waitFor();
      await olga.getByTestId('source-k8s-prod').getByText('on demand').waitFor();
      await olga.getByText('No account matches.').waitFor();

      await olga.getByRole('button', { name: 'Run now: k8s-prod' }).click();
      await olga.getByTestId('source-k8s-prod').getByRole('status').filter({ hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
      for (const state of ['matched', 'drift', 'unmanaged', 'missing'])
        await olga.getByRole('link', { name: `1 ${state} in k8s-prod` }).waitFor();
      await olga.getByRole('button', { name: 'Run now: aws-prod' }).click();
      await olga.getByRole('link', { name: '3 unmanaged in aws-prod' }).waitFor({ timeout: 30_000 });
      await olga.getByRole('link', { name: '0 drift in aws-prod' }).waitFor();

      // An export that is not there: a failed run, its cause shown where the source is.
      await olga.getByRole('button', { name: 'Run now: k8s-lost' }).click();
      const lost = olga.getByTestId('source-k8s-lost');
      await lost.getByRole('status').filter({ hasText: 'failed' }).waitFor({ timeout: 30_000 });
      await lost.locator('.badge', { hasText: 'failed' }).waitFor();
      await lost.getByText('no-such-export.json', { exact: false }).waitFor();
    });

    test('the accounts are listed drift first, then unmanaged, missing and matched, with what was seen of each', async () => {
      const olga = await signIn('olga', '/discovery');
      await olga.getByRole('table', { name: 'Accounts' }).waitFor();
      const expected: string[][] = [];
      for (const state of STATE_ORDER) {
        const page = await api<{ items: DiscoveredAccount[] }>('olga', 'GET', `/v1/discovery/accounts?state=${state}&limit=500`);
        expected.push(...page.items.map((a) => [a.native_id, state]));
      }
      const seen = await rows(olga);
      assert.deepEqual(seen, expected);
      assert.deepEqual(
        seen.map(([, state]) => state),
        ['drift', 'unmanaged', 'unmanaged', 'unmanaged', 'unmanaged', 'missing', 'matched'],
      );
      assert.deepEqual(seen[0], ['payments/settlement', 'drift']);
      assert.ok(seen.some(([native]) => native === 'ci/ci-deployer'));
      await shot(olga, 'discovery', true);

      const drift = row(olga, 'payments/settlement');
      await drift.getByText('static credential too old').waitFor();
      await drift.getByRole('link', { name: 'svc-k8s-settlement' }).waitFor();
      await drift.getByText('token ×1, static, secret settlement-token-x7k2p, created 2025-03-01').waitFor();
      await drift.locator('.badge', { hasText: 'execute' }).waitFor();
      await drift.locator('.badge.sev-high', { hasText: 'high' }).waitFor();
      const deployer = row(olga, 'ci/ci-deployer');
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the rendered text), not the DOM property
      assert.equal(await deployer.locator('td').nth(2).innerText(), 'none', 'no identity declares it');
      await deployer.locator('summary').first().click();
      await deployer.getByText('cluster-admin cluster-wide: * on *', { exact: false }).waitFor();
      await row(olga, 'arn:aws:iam::111122223333:user/auditor-bot')
        .locator('.badge', { hasText: 'interactive' })
        .first()
        .waitFor({ state: 'attached' });

      // One state only, from the filter (kept in the URL).
      await olga.getByRole('region', { name: 'Filters' }).getByLabel('State').selectOption('unmanaged');
      await olga.getByText('unmanaged only').waitFor();
      await waitRows(olga, 4);
      assert.match(olga.url(), /state=unmanaged/);
      assert.deepEqual(
        (await rows(olga)).map(([, state]) => state),
        ['unmanaged', 'unmanaged', 'unmanaged', 'unmanaged'],
      );
      await olga.getByRole('region', { name: 'Filters' }).getByLabel('Source').selectOption('k8s-prod');
      await waitRows(olga, 1);
      assert.deepEqual(await rows(olga), [['ci/ci-deployer', 'unmanaged']]);
    });

    test('dismissing an unmanaged account records the reason and shows it', async () => {
      const olga = await signIn('olga', '/discovery?source=k8s-prod');
      const deployer = row(olga, 'ci/ci-deployer');
      await deployer.getByRole('button', { name: 'Dismiss ci/ci-deployer' }).click();
      const form = deployer.getByRole('form', { name: 'Dismiss ci/ci-deployer' });
      await form.getByLabel('Reason').selectOption('out_of_scope');
      await form.getByLabel('Note (optional)').fill('the platform team owns cluster bootstrap');
      await form.getByRole('button', { name: 'Confirm: Dismiss' }).click();
      await deployer.getByText('Dismissed: out of scope (the platform team owns cluster bootstrap)').waitFor();
      assert.equal(await deployer.getByRole('button', { name: /Dismiss|Adopt/ }).count(), 0);
      const stored = await account('k8s-prod|ci/ci-deployer');
      assert.equal(stored.disposition?.kind, 'dismissed');
      assert.equal(stored.disposition?.reason, 'out_of_scope');
      assert.equal(stored.disposition?.by, 'user:olga');
      // From the server, after a reload too.
      await olga.reload();
      await row(olga, 'ci/ci-deployer').getByText('Dismissed: out of scope', { exact: false }).waitFor();
      // The server refuses a second decision; the form shows its reason.
      await olga.goto(`${server.url}/console/discovery?source=aws-prod`);
      const auditor = row(olga, 'arn:aws:iam::111122223333:user/auditor-bot');
      await auditor.getByRole('button', { name: /^Dismiss/ }).click();
      await api(
        'admin',
        'POST',
        `/v1/discovery/accounts/${encodeURIComponent('aws-prod|arn:aws:iam::111122223333:user/auditor-bot')}/dismiss`,
        { reason: 'personal_account' },
      );
      await auditor.getByLabel('Reason').selectOption('not_an_nhi');
      await auditor.getByRole('button', { name: 'Confirm: Dismiss' }).click();
      await auditor.getByRole('alert').getByText('already dismissed', { exact: false }).waitFor();
    });

    test('adopting an account with power is held for approval, with a way to the approvals', async () => {
      const olga = await signIn('olga', '/discovery?source=aws-prod&state=unmanaged');
      const key = 'aws-prod|arn:aws:iam::111122223333:user/ci-uploader';
      const ci = row(olga, 'arn:aws:iam::111122223333:user/ci-uploader');
      await ci.getByRole('button', { name: /^Adopt/ }).click();
      const form = ci.getByRole('form', { name: /^Adopt/ });
      await form.getByLabel('Identity id (optional)').fill('svc-ci-uploader');
      await form.getByLabel('Owner').fill('alice@firm.example');
      await form.getByLabel('Purpose').fill('Uploads release artefacts from CI');
      await form.getByLabel('Function').selectOption('infrastructure');
      await form.getByLabel(/^Scopes/).fill('ent-de/custody/DE');
      await form.getByRole('button', { name: 'Confirm: Adopt' }).click();
      const notice = ci.getByRole('status').filter({ hasText: 'awaits approval' });
      await notice.waitFor();
      const stored = await account(key);
      assert.equal(stored.disposition?.kind, 'adopted');
      assert.equal(stored.disposition?.identity, 'svc-ci-uploader');
      assert.ok(stored.disposition?.change);
      assert.match(
        // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the rendered text), not the DOM property
        await notice.innerText(),
        new RegExp(`svc-ci-uploader adds power .*change request ${stored.disposition.change} awaits approval`),
      );
      await notice.getByRole('link', { name: 'Approvals' }).click();
      await olga.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
      await olga.getByRole('table', { name: 'Recent requests' }).getByText('svc-ci-uploader', { exact: false }).first().waitFor();
    });

    test('a viewer sees the accounts but no Run now, Adopt or Dismiss', async () => {
      const vera = await signIn('vera', '/discovery');
      await vera.getByRole('table', { name: 'Accounts' }).waitFor();
      await vera.getByRole('table', { name: 'Sources' }).waitFor();
      assert.equal((await rows(vera)).length, 7);
      assert.equal(await vera.getByRole('button', { name: /^Run now|^Adopt|^Dismiss/ }).count(), 0);
    });

    test("an identity's page shows the accounts it was matched to, with their live privileges", async () => {
      const olga = await signIn('olga', '/identities/svc-k8s-settlement');
      const table = olga.getByRole('table', { name: 'Observed accounts' });
      const settlement = table.locator('tbody tr');
      await settlement.first().waitFor();
      assert.equal(await settlement.count(), 1);
      await settlement.getByRole('link', { name: 'k8s-prod' }).waitFor();
      await settlement.getByText('payments/settlement', { exact: true }).waitFor();
      await settlement.locator('.badge', { hasText: 'drift' }).waitFor();
      await settlement.getByText('static credential too old').waitFor();
      await settlement.locator('.badge', { hasText: 'execute' }).waitFor();
      // The native grants as evidence, shown open on the identity's page.
      await settlement
        .getByText('RoleBinding settlement-ledger → Role ledger-writer in payments: create,delete on jobs (batch)', { exact: false })
        .waitFor();
      await olga.evaluate("document.getElementById('h-observed').scrollIntoView()");
      await shot(olga, 'identity-observed-accounts', true);

      await olga.goto(`${server.url}/console/identities/svc-k8s-reporting`);
      const reporting = olga.getByRole('table', { name: 'Observed accounts' }).locator('tbody tr');
      await reporting.locator('.badge', { hasText: 'matched' }).waitFor();
      await reporting.locator('.badge', { hasText: 'observe' }).waitFor();
      await reporting.getByText('payments/reporting', { exact: true }).waitFor();

      await olga.goto(`${server.url}/console/identities/svc-k8s-ghost`);
      const ghost = olga.getByRole('table', { name: 'Observed accounts' }).locator('tbody tr');
      await ghost.locator('.badge', { hasText: 'missing' }).waitFor();
      await ghost.getByText('not found there').waitFor();
    });

    test("the Discovery page and the observed accounts pass axe-core's WCAG 2 A and AA rules", {
      skip: store.name !== 'sqlite' && 'the pages do not depend on the store',
    }, async () => {
      const olga = await signIn('olga');
      const problems: string[] = [];
      for (const theme of ['light', 'dark'] as const) {
        await olga.evaluate(`localStorage.setItem('mandate.theme', '${theme}')`);
        for (const [path, tables] of [
          ['/discovery', ['Sources', 'Accounts']],
          ['/identities/svc-k8s-settlement', ['Observed accounts', 'History']],
        ] as const) {
          await olga.goto(`${server.url}/console${path}`);
          for (const name of tables) await olga.getByRole('table', { name }).waitFor();
          const result = await new AxeBuilder({ page: olga }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
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
  });
}

/** Waits until the accounts table has `n` rows (a filter change refetches; the old rows stay meanwhile). */
async function waitRows(page: Page, n: number): Promise<void> {
  const trs = page.getByRole('table', { name: 'Accounts' }).locator('tbody tr');
  for (const until = Date.now() + 15_000; Date.now() < until; await page.waitForTimeout(100)) if ((await trs.count()) === n) return;
  assert.equal(await trs.count(), n, 'rows in the accounts table');
}
