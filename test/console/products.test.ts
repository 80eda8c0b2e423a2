// Issue 20 item 1 in Chromium: the console's products (Cyber Resilience Act). The products page
// lists each product with its category, status, support period end, conformity assessment and
// declaration of conformity references, member states and the number of identities acting for it,
// exactly as the API answers; a product's page shows its record and its identities, previews a
// recall's impact (nothing written), proposes it, and an approver carries it out from the
// approvals inbox: the product is recalled and its identities change as the preview said. A viewer
// sees no button it cannot use; the pages fit 1024 px and a phone and pass axe-core.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../support/cli.js';
import { personToken, providerForServer } from '../support/oidc-provider.js';
import { categoryLabel } from '../../console/src/lib/products.js';
import { testStores } from '../support/stores.js';
import { launchBrowser } from './browser.js';
import { consoleSession } from './session.js';

const PEOPLE = [
  ['carla', 'compliance_officer'],
  ['anton', 'approver'],
  ['alma', 'approver'],
  ['vera', 'viewer'],
] as const;
const ADMIN = 'mdt_console_products_bootstrap_token_0123456789abcdef';
const SHOTS = process.env.MANDATE_SCREENSHOTS ?? 'test-results/screenshots';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const approvalRule = (id: string, kind: string, approvals = 1) => ({
  id,
  kind,
  description: `${kind}: ${approvals} approver(s).`,
  approvals,
  roles: ['approver', 'admin'],
  expires_after_seconds: 86_400,
});
// A change of a product's conformity status takes one approver besides its proposer (four eyes).
const RULES = [
  approvalRule('transition', 'transition'),
  approvalRule('policy-change', 'policy_change'),
  approvalRule('lifecycle-rules-change', 'lifecycle_rules_change'),
  approvalRule('access', 'access'),
  approvalRule('exception', 'exception'),
  approvalRule('break-glass', 'break_glass'),
  approvalRule('identity-change', 'identity_change'),
];

interface ProductRow {
  id: string;
  name: string;
  manufacturer: string;
  category: string;
  status: string;
  support_period_end?: string;
  conformity_assessment?: { procedure: string; reference: string; notified_body?: string };
  declaration_of_conformity?: string;
  member_states: string[];
}
interface Impact {
  counts: { suspend: number; narrow: number; restore: number; unchanged: number };
  suspended: { identity: string }[];
}

// The product the test creates when the demo firm has none on the market with identities (H4's demo
// product line may not be there yet): a hardware wallet's firmware and its release-signing key.
const OWN_PRODUCT = 'prod-console-wallet-fw';

for (const store of testStores()) {
  describe(`products in the web console in Chromium (${store.name})`, () => {
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
    /** The product the tests recall: on the market, with identities acting for it. */
    let product: ProductRow;
    const identityCount = async (id: string) =>
      (await api<{ total: number }>('carla', 'GET', `/v1/identities?product=${encodeURIComponent(id)}&count=true&limit=1`)).total;

    /** Creates the test's own product and an identity acting for it (held for approval: anton approves). */
    async function createOwnProduct(): Promise<void> {
      const entity = (await api<{ items: { id: string }[] }>('admin', 'GET', '/v1/entities?limit=1')).items[0]!.id;
      const owner = (await api<{ owner?: string }>('admin', 'GET', '/v1/identities/svc-grafana-readonly')).owner;
      await api('admin', 'POST', '/v1/products', {
        id: OWN_PRODUCT,
        name: 'Console test hardware wallet firmware',
        manufacturer: entity,
        versions: ['2.4.0', '2.4.1'],
        channels: ['stable', 'beta'],
        category: 'important_class_ii',
        status: 'on_market',
        placed_on_market: '2026-01-15T00:00:00Z',
        support_period_end: '2031-01-15T00:00:00Z',
        conformity_assessment: { procedure: 'eu_type_examination', reference: 'NB-0123-CRA-2026-17', notified_body: 'TÜV Test 0123' },
        declaration_of_conformity: 'DoC-FW-2026-001',
        member_states: ['DE', 'FR', 'IE'],
      });
      for (const [id, fn, channel] of [
        ['svc-console-fw-signer', 'release_engineering', undefined],
        ['svc-console-fw-updates', 'update_distribution', 'stable'],
      ] as const) {
        const res = await fetch(`${server.url}/v1/identities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            id,
            kind: fn === 'release_engineering' ? 'signing_key' : 'workload',
            function: fn,
            capability: 'execute',
            ...(owner ? { owner } : {}),
            purpose: `console products test: ${fn.replace(/_/g, ' ')}`,
            scopes: [{ product: OWN_PRODUCT, ...(channel ? { channel } : {}) }],
            environment: 'production',
            credential: { type: 'key_pair', created: '2026-06-01T00:00:00Z' },
          }),
        });
        const body = (await res.json()) as { approval?: { id: string } };
        assert.ok(res.status === 201 || res.status === 202, `create ${id}: ${res.status} ${JSON.stringify(body)}`);
        if (res.status === 202) await api('anton', 'POST', `/v1/approvals/${body.approval!.id}/approve`, {});
      }
    }

    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      const db = await store.open();
      await db.close();
      const dir = mkdtempSync(join(tmpdir(), 'mandate-console-products-'));
      writeFileSync(join(dir, 'rules.json'), JSON.stringify(RULES));
      provider = await providerForServer(PEOPLE);
      server = await startServerProcess(['--db', store.url(), '--demo', '--port', String(provider.port)], {
        MANDATE_BOOTSTRAP_TOKEN: ADMIN,
        MANDATE_APPROVAL_RULES_FILE: join(dir, 'rules.json'),
        ...provider.env,
      });
      for (const [user] of PEOPLE) tokens[user] = (await personToken(server.url, { login: user })).token;
      ({ browser, close: closeBrowser } = await launchBrowser());
      const onMarket = async () => {
        for (const p of (await api<{ items: ProductRow[] }>('carla', 'GET', '/v1/products?limit=200')).items)
          if (p.status === 'on_market' && (await identityCount(p.id)) > 0) return p;
        return undefined;
      };
      let found = await onMarket();
      if (!found) {
        await createOwnProduct();
        found = await onMarket();
      }
      assert.ok(found, 'a product on the market with identities acting for it');
      product = found;
    });
    after(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await closeBrowser?.();
      await server?.stop();
      await provider?.close();
      await store.cleanup();
      assert.deepEqual(errors, [], 'no page raised an uncaught error');
    });

    const openProduct = async (page: Page, id = product.id) => {
      await page.goto(`${server.url}/console/products/${encodeURIComponent(id)}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(id) }).waitFor();
    };

    test('the products page lists every product with its CRA facts and identity count, as the API answers', async () => {
      const carla = await signIn('carla');
      await carla.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();
      await carla.getByRole('heading', { name: 'Products', level: 1 }).waitFor();
      assert.equal(
        await carla.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).getAttribute('aria-current'),
        'page',
      );
      const table = carla.getByRole('table', { name: 'Products' });
      await table.waitFor();
      const all = (await api<{ items: ProductRow[] }>('carla', 'GET', '/v1/products?limit=200')).items;
      assert.ok(all.length > 0);
      assert.equal(await table.locator('tbody tr').count(), all.length, 'one row per product');
      for (const p of all) {
        const row = table.getByTestId(`product-${p.id}`);
        const n = await identityCount(p.id);
        await row
          .getByTestId('identity-count')
          .filter({ hasText: new RegExp(`^${n.toLocaleString('en-US')}$`) })
          .waitFor();
        const cells = await row.locator('td').allInnerTexts();
        assert.match(cells[0]!, new RegExp(`^${p.id}\\n${p.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
        assert.equal(cells[1], p.manufacturer);
        assert.equal(cells[2], categoryLabel(p.category));
        assert.equal(cells[3], p.status.replace(/_/g, ' '));
        assert.ok(cells[4]!.startsWith(p.support_period_end ? p.support_period_end.slice(0, 10) : 'not set'), cells[4]);
        assert.ok(cells[5]!.startsWith(p.conformity_assessment?.reference ?? 'none yet'), cells[5]);
        assert.equal(cells[6], p.declaration_of_conformity ?? 'none yet');
        assert.equal(cells[7], p.member_states.length ? p.member_states.join(', ') : 'none');
      }
      // Filters live in the URL and are the server's.
      await carla.getByLabel('Status').selectOption('on_market');
      await carla.waitForURL(/status=on_market/);
      const onMarket = all.filter((p) => p.status === 'on_market').length;
      const rows = carla.getByRole('table', { name: 'Products' }).locator('tbody tr');
      for (let tries = 0; (await rows.count()) !== onMarket && tries < 100; tries++) await carla.waitForTimeout(100);
      assert.equal(await rows.count(), onMarket, 'the filter is applied by the server');
      await shot(carla, 'products');
    });

    test("a viewer sees a product's record, identities and impact, but no button to propose", async () => {
      const vera = await signIn('vera');
      await openProduct(vera);
      await vera.getByRole('table', { name: 'Identities acting for the product' }).waitFor();
      await vera.getByLabel('New status').selectOption('recalled');
      await vera.getByRole('button', { name: 'Preview impact' }).click();
      await vera.getByTestId('impact-counts').waitFor();
      assert.equal(await vera.getByRole('button', { name: 'Propose' }).count(), 0);
    });

    test('a recall is previewed, proposed, approved from the inbox, and the identities change as previewed', async () => {
      const carla = await signIn('carla');
      await openProduct(carla);
      // The record, as the API has it.
      const record = carla.locator('dl.kv');
      await record.getByText(product.manufacturer, { exact: true }).waitFor();
      if (product.declaration_of_conformity) await record.getByText(product.declaration_of_conformity, { exact: true }).waitFor();
      // Its identities: as many as the API counts (the first 200 shown).
      const total = await identityCount(product.id);
      await carla
        .getByTestId('product-identity-count')
        .filter({ hasText: `${total.toLocaleString('en-US')} identit` })
        .waitFor();
      const ids = carla.getByRole('table', { name: 'Identities acting for the product' }).locator('tbody tr');
      assert.equal(await ids.count(), Math.min(200, total));

      await carla.getByLabel('New status').selectOption('recalled');
      await carla.getByRole('button', { name: 'Preview impact' }).click();
      const counts = carla.getByTestId('impact-counts');
      await counts.waitFor();
      const impact = await api<Impact>('carla', 'GET', `/v1/products/${encodeURIComponent(product.id)}/impact?to=recalled`);
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the rendered text), not the DOM property
      const sentence = await counts.innerText();
      assert.match(sentence, new RegExp(`^Moving to recalled would suspend ${impact.counts.suspend}, narrow ${impact.counts.narrow}\\b`));
      assert.match(sentence, /Nothing has been written\.$/);
      await carla.getByTestId('impact-graph').waitFor();
      assert.match((await carla.getByTestId('impact-graph').getAttribute('aria-label'))!, /^Impact: 1 products move;/);
      assert.equal(
        (await api<ProductRow>('carla', 'GET', `/v1/products/${encodeURIComponent(product.id)}`)).status,
        'on_market',
        'a preview writes nothing',
      );
      await carla.evaluate("document.getElementById('h-preview').scrollIntoView()");
      await shot(carla, 'product-impact-preview');

      await carla.getByLabel('Reason').fill('Firmware signing key compromised: recall of the affected versions');
      await carla.getByLabel(/^Reference/).fill('CRA-RECALL-2026-001');
      await carla.getByRole('button', { name: 'Propose' }).click();
      await carla.getByText(/Proposed as tr_/).waitFor();
      const proposal = carla.getByRole('table', { name: 'Transitions' }).locator('tbody tr').filter({ hasText: 'CRA-RECALL-2026-001' });
      await proposal.getByText(/^0 of \d+ approvals/).waitFor();
      assert.equal(
        await proposal.getByRole('button', { name: 'Approve' }).count(),
        0,
        'a compliance officer proposes but does not approve',
      );
      const transitions = await api<{ items: { id: string; reference: string; products?: string[]; authorisations: string[] }[] }>(
        'carla',
        'GET',
        '/v1/transitions?limit=20',
      );
      const proposed = transitions.items.find((t) => t.reference === 'CRA-RECALL-2026-001');
      assert.deepEqual(proposed?.products, [product.id], 'the transition moves the product');

      // The approvers decide from their inbox; the request names the product and links to it.
      for (const who of ['anton', 'alma'] as const) {
        const state = await api<ProductRow>('carla', 'GET', `/v1/products/${encodeURIComponent(product.id)}`);
        if (state.status === 'recalled') break;
        const page = await signIn(who);
        await page.getByRole('link', { name: 'Approvals' }).click();
        const request = page.locator('article').filter({ hasText: product.id });
        await request.getByRole('link', { name: product.id }).waitFor();
        if (who === 'anton') await shot(page, 'product-approvals');
        await request.getByRole('button', { name: 'Approve' }).click();
        await request.waitFor({ state: 'detached' });
      }
      await carla.getByRole('heading', { level: 1 }).getByText('recalled').waitFor({ timeout: 20_000 });
      await proposal.getByText('applied').waitFor();
      // The identities changed as the preview said: each suspended one reads suspended in the table.
      const table = carla.getByRole('table', { name: 'Identities acting for the product' });
      for (const s of impact.suspended.slice(0, 5))
        await table
          .locator('tbody tr')
          .filter({ hasText: s.identity })
          .getByText('suspended', { exact: true })
          .waitFor({ timeout: 15_000 });
      await carla.getByRole('table', { name: 'Product history' }).getByText('product.status_changed').first().waitFor({ timeout: 15_000 });
      await carla.evaluate('window.scrollTo(0, 0)');
      await shot(carla, 'product-recalled');
      // An identity's lawful power names the product behind each of its product scopes, and links to it.
      await table.getByRole('link').first().click();
      await carla.getByRole('table', { name: 'Lawful power' }).getByRole('link', { name: product.id }).first().click();
      await carla.waitForURL(`**/console/products/${encodeURIComponent(product.id)}`);
      await carla.getByRole('table', { name: 'Identities acting for the product' }).waitFor();
      // The overview's recent changes link to the product.
      await carla.getByRole('link', { name: 'Overview' }).click();
      await carla.getByRole('table', { name: 'Recent authorisation changes' }).getByRole('link', { name: product.id }).first().waitFor();
    });

    test('the products pages fit 1024 px and a phone, and axe-core finds nothing in light and dark', {
      skip: store.name !== 'sqlite' && 'the pages do not depend on the store',
    }, async () => {
      const carla = await signIn('carla');
      const problems: string[] = [];
      const pages: [string, () => Promise<unknown>][] = [
        ['/products', () => carla.getByRole('table', { name: 'Products' }).waitFor()],
        [
          `/products/${encodeURIComponent(product.id)}`,
          async () => {
            await carla.getByRole('table', { name: 'Identities acting for the product' }).waitFor();
            await carla.getByRole('button', { name: 'Preview impact' }).click();
            await carla.getByTestId('impact-graph').waitFor();
          },
        ],
      ];
      for (const theme of ['light', 'dark'] as const) {
        await carla.evaluate(`localStorage.setItem('mandate.theme', '${theme}')`);
        for (const [width, height] of [
          [1440, 900],
          [1024, 768],
          [390, 844],
        ] as const) {
          await carla.setViewportSize({ width, height });
          for (const [path, ready] of pages) {
            await carla.goto(`${server.url}/console${path}`);
            await ready();
            await carla
              .getByRole('status')
              .filter({ hasText: /…$/ })
              .first()
              .waitFor({ state: 'detached', timeout: 20_000 })
              .catch(() => undefined);
            const overflow = Number(await carla.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth'));
            if (overflow > 0) problems.push(`${theme} ${width}px ${path}: the page scrolls sideways by ${overflow}px`);
            const result = await new AxeBuilder({ page: carla }).withTags(AXE_TAGS).analyze();
            for (const v of result.violations)
              problems.push(
                `${theme} ${width}px ${path}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
                  .slice(0, 3)
                  .map((n) => n.target.join(' '))
                  .join(' | ')}`,
              );
            if (theme === 'light' && width === 390) await shot(carla, `${path === '/products' ? 'products' : 'product'}-phone`);
          }
        }
      }
      assert.deepEqual(problems, []);
    });
  });
}
