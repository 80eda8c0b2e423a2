// The console's pages fit the screen they are on, in Debian's Chromium driven by playwright-core,
// against a real `mandate serve --demo` process: at 1024 px and on a 390 px phone no page is wider
// than the window (a wide table scrolls in its own box), the inventory's filters and table stay in
// view, the menu folds behind a button on the phone; findings come in groups counted by the server
// and page within a group; control ids and ids are never broken a character at a time; axe-core
// finds nothing at either width; and opening a page never runs the checks.
// Photographs: test-results/screenshots (MANDATE_SCREENSHOTS=docs/screenshots refreshes the README's).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page, Request } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../support/cli.js';
import { personToken, providerForServer } from '../support/oidc-provider.js';
import { testStores } from '../support/stores.js';
import { launchBrowser } from './browser.js';
import { consoleSession } from './session.js';

const PEOPLE = [
  ['carla', 'compliance_officer'],
  ['vera', 'viewer'],
] as const;
const ADMIN = 'mdt_console_layout_bootstrap_token_0123456789ab';
const SHOTS = process.env.MANDATE_SCREENSHOTS ?? 'test-results/screenshots';
// The photographs the README shows go to SHOTS; the rest (every page at each width) to test-results.
const README_SHOTS = new Set(['findings-1024', 'phone-overview']);
const ALL_SHOTS = 'test-results/screenshots';
const WIDTHS = [
  { name: '1024', width: 1024, height: 768 },
  { name: 'phone', width: 390, height: 844 },
] as const;

interface Group {
  key: string | null;
  count: number;
}

/**
 * What does not fit: the page wider than the window, or an element of the content past the window's
 * right edge that no scroll box of its own holds. (Text, so the browser runs it as written.)
 */
const OVERFLOW = `(() => {
  const out = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth) out.push('the page is ' + root.scrollWidth + ' px wide in ' + root.clientWidth);
  const width = document.documentElement.clientWidth;
  function scrolls(el) {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX;
      if (o === 'auto' || o === 'scroll') return e;
    }
    return null;
  }
  for (const el of document.querySelectorAll('main table, main input, main select, main button, main h1, main h2, main p')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    const box = scrolls(el);
    const right = box ? box.getBoundingClientRect().right : r.right;
    if (right > width + 0.5) {
      const name = el.getAttribute('aria-label') || (el.textContent || '').slice(0, 30);
      out.push(el.tagName.toLowerCase() + ' "' + name + '" ends at ' + Math.round(right) + ' px' + (box ? ' (its scroll box)' : ''));
    }
  }
  return out;
})()`;

// The layout does not depend on the store: checked on the embedded one.
const store = testStores().find((s) => s.name === 'sqlite')!;

describe('the console fits 1024 px and a phone, in Chromium', () => {
  let server: ServerProcess;
  let provider: Awaited<ReturnType<typeof providerForServer>> | undefined;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const { tokens, errors, api, signIn, closeAll } = consoleSession({
    url: () => server.url,
    browser: () => browser,
    tokens: { admin: ADMIN },
    shots: null,
    sso: true,
  });
  const shot = async (page: Page, name: string) => {
    await page.evaluate('document.fonts.ready');
    await page.screenshot({ path: join(README_SHOTS.has(name) ? SHOTS : ALL_SHOTS, `${name}.png`) });
  };
  // One sign-in each, kept across the tests (each test sets the window's size it needs).
  let carla: Page;
  let vera: Page;
  /** Loading messages ("Loading findings…") gone. */
  const settled = (page: Page) =>
    page
      .getByRole('status')
      .filter({ hasText: /…$/ })
      .first()
      .waitFor({ state: 'detached', timeout: 20_000 })
      .catch(() => undefined);
  // Each main page, and what shows it has loaded.
  const PAGES: [string, string, (p: Page) => Promise<unknown>][] = [
    ['overview', '/', (p) => p.getByRole('table', { name: /Readiness by entity/ }).waitFor()],
    ['inventory', '/inventory', (p) => p.getByRole('table', { name: 'Identities' }).waitFor()],
    ['discovery', '/discovery', (p) => p.getByRole('heading', { name: 'Discovery', level: 1 }).waitFor()],
    ['authorisations', '/authorisations', (p) => p.getByRole('table', { name: 'Authorisations' }).waitFor()],
    [
      'authorisation',
      '/authorisations/auth-de-custody-fr',
      async (p) => {
        await p.getByRole('button', { name: 'Preview impact' }).click();
        await p.getByTestId('impact-graph').waitFor();
      },
    ],
    ['approvals', '/approvals', (p) => p.getByRole('heading', { name: 'Recent requests' }).waitFor()],
    ['findings', '/findings', (p) => p.getByTestId('finding-group').first().waitFor()],
    ['ledger', '/ledger', (p) => p.getByRole('table', { name: 'Events' }).waitFor()],
    ['evidence', '/evidence', (p) => p.getByRole('table', { name: 'Packs exported' }).waitFor()],
  ];

  before(async () => {
    for (const dir of [SHOTS, ALL_SHOTS]) mkdirSync(dir, { recursive: true });
    const db = await store.open();
    await db.close();
    provider = await providerForServer(PEOPLE);
    server = await startServerProcess(['--db', store.url(), '--demo', '--port', String(provider.port)], {
      MANDATE_BOOTSTRAP_TOKEN: ADMIN,
      ...provider.env,
    });
    for (const [user] of PEOPLE) tokens[user] = (await personToken(server.url, { login: user })).token;
    ({ browser, close: closeBrowser } = await launchBrowser());
    carla = await signIn('carla');
    vera = await signIn('vera');
    // The demo's checks run in the background a few seconds after the start: wait for the first run.
    for (let i = 0; i < 120; i++) {
      if ((await api<{ items: unknown[] }>('admin', 'GET', '/v1/checks/runs?limit=1')).items.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  after(async () => {
    await closeAll();
    await closeBrowser?.();
    await server?.stop();
    await provider?.close();
    await store.cleanup();
    assert.deepEqual(errors, [], 'no page raised an uncaught error or sent a read the API refused');
  });

  /**
   * What does not fit: the page wider than the window, or an element of the content past the
   * window's right edge that no scroll box of its own holds.
   */
  const overflow = (page: Page) => page.evaluate<string[]>(OVERFLOW);

  test('every page fits 1024 px and a 390 px phone: nothing runs off the edge, wide tables scroll in their own box', async () => {
    const problems: string[] = [];
    for (const w of WIDTHS) {
      await carla.setViewportSize({ width: w.width, height: w.height });
      for (const [name, path, ready] of PAGES) {
        await carla.goto(`${server.url}/console${path}`);
        await ready(carla);
        await settled(carla);
        for (const p of await overflow(carla)) problems.push(`${w.name} ${path}: ${p}`);
        await shot(carla, `${w.name}-${name}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test("the inventory's filters and table stay within the window at 1024 px; its table scrolls in its own box", async () => {
    await carla.setViewportSize({ width: 1024, height: 768 });
    await carla.goto(`${server.url}/console/inventory`);
    const table = carla.getByRole('table', { name: 'Identities' });
    await table.waitFor();
    const filters = carla.getByRole('region', { name: 'Filters' });
    for (const control of await filters.locator('input, select, button').all()) {
      const box = (await control.boundingBox())!;
      assert.ok(
        box.x >= 0 && box.x + box.width <= 1024,
        `${await control.evaluate((e) => e.outerHTML.slice(0, 80))} at ${JSON.stringify(box)}`,
      );
    }
    const scroller = await table.evaluate((t) => {
      const box = t.parentElement!;
      const r = box.getBoundingClientRect();
      return {
        overflow: box.ownerDocument.defaultView!.getComputedStyle(box).overflowX,
        right: r.right,
        table: t.getBoundingClientRect().width,
      };
    });
    assert.equal(scroller.overflow, 'auto');
    assert.ok(scroller.right <= 1024, JSON.stringify(scroller));
    // An identity's id and owner stay on one line (cut with an ellipsis, whole in the title).
    for (const cell of await table.locator('tbody tr td .ident').all()) {
      const lines = await cell.evaluate((e) => e.getClientRects().length);
      assert.equal(lines, 1);
      assert.equal(await cell.getAttribute('title'), await cell.textContent());
    }
    await shot(carla, 'inventory-1024');
  });

  test('on a phone the menu folds behind a button and opens and closes', async () => {
    await carla.setViewportSize({ width: 390, height: 844 });
    await carla.goto(`${server.url}/console/findings`);
    await carla.getByTestId('finding-group').first().waitFor();
    const menu = carla.getByRole('button', { name: 'Menu' });
    const inventory = carla.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    assert.equal(await inventory.isVisible(), false, 'the menu is folded');
    // The page's heading is on the first screen (the menu does not push it down).
    const heading = (await carla.getByRole('heading', { name: 'Findings and readiness', level: 1 }).boundingBox())!;
    assert.ok(heading.y < 200, JSON.stringify(heading));
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await inventory.waitFor();
    await shot(carla, 'phone-menu');
    await inventory.click();
    await carla.getByRole('heading', { name: 'Inventory', level: 1 }).waitFor();
    assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'choosing a page folds the menu');
    assert.equal(await inventory.isVisible(), false);
    // On a wide screen there is no menu button: the menu is always there.
    await carla.setViewportSize({ width: 1024, height: 768 });
    assert.equal(await menu.isVisible(), false);
    assert.equal(await inventory.isVisible(), true);
  });

  test('the readiness grid shows each score with the colour of its band, and a legend of the bands', async () => {
    await carla.setViewportSize({ width: 1024, height: 768 });
    await carla.goto(`${server.url}/console/`);
    const grid = carla.getByRole('table', { name: /Readiness by entity/ });
    await grid.waitFor();
    const readiness = await api<{ items: { entity: string; jurisdiction: string; score: number }[] }>(
      'carla',
      'GET',
      '/v1/readiness?brief=true',
    );
    const mean = new Map<string, number[]>();
    for (const r of readiness.items)
      mean.set(`${r.entity} in ${r.jurisdiction}`, [...(mean.get(`${r.entity} in ${r.jurisdiction}`) ?? []), r.score]);
    const bandOf = (n: number) => (n >= 100 ? 4 : n >= 95 ? 3 : n >= 80 ? 2 : n >= 50 ? 1 : 0);
    const cells = await grid
      .locator('tbody td a')
      .evaluateAll((as) => as.map((a) => ({ text: a.textContent ?? '', cls: a.className, title: a.getAttribute('title') ?? '' })));
    assert.equal(cells.length, mean.size);
    for (const c of cells) {
      const scores = mean.get(c.title.split(':')[0]!)!;
      assert.ok(scores, c.title);
      const shown = Math.round(scores.reduce((a, b) => a + b, 0) / scores.length);
      assert.equal(c.text, String(shown), c.title);
      assert.equal(c.cls, `band-${bandOf(shown)}`, c.title);
    }
    // Five bands, each its own colour, named in the legend.
    const legend = carla.getByRole('list', { name: 'Readiness scale' }).getByRole('listitem');
    assert.deepEqual(await legend.allInnerTexts(), ['below 50', '50–79', '80–94', '95–99', '100 ready']);
    const colours = await legend.evaluateAll((lis) => lis.map((li) => li.ownerDocument.defaultView!.getComputedStyle(li).backgroundColor));
    assert.equal(new Set(colours).size, 5, colours.join(' '));
    await shot(carla, '1024-overview');
  });

  test('findings come in groups counted by the server, open to a page at a time, and page forward and back', async () => {
    await carla.setViewportSize({ width: 1024, height: 768 });
    await carla.goto(`${server.url}/console/findings`);
    const groups = carla.getByTestId('finding-group');
    await groups.first().waitFor();
    const byCheck = await api<{ total: number; items: Group[] }>('carla', 'GET', '/v1/findings/groups?by=check');
    await carla
      .getByTestId('findings-total')
      .filter({ hasText: `${byCheck.total.toLocaleString('en-US')} findings in ${byCheck.items.length} groups` })
      .waitFor();
    assert.equal(await groups.count(), byCheck.items.length);
    // The page is short: groups, not every finding.
    assert.ok(
      (await carla.evaluate<number>('document.scrollingElement.scrollHeight')) < 6000,
      'the findings page is not thousands of pixels tall',
    );
    // The first group is open; a group of more than one page (25) pages forward and back.
    const big = byCheck.items.find((g) => g.count > 25);
    assert.ok(big, `a check with more than a page of findings: ${JSON.stringify(byCheck.items)}`);
    const head = groups.filter({ hasText: big.key! });
    if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
    assert.equal(await head.getAttribute('aria-expanded'), 'true');
    const body = carla.locator(`#${(await head.getAttribute('aria-controls'))!}`);
    const table = body.getByRole('table');
    await table.waitFor();
    const ids = (t: typeof table) => t.locator('tbody tr td:nth-child(2) a, tbody tr td:nth-child(2) > div:first-child').allInnerTexts();
    const want = await api<{ items: { title: string }[]; next_cursor: string }>(
      'carla',
      'GET',
      `/v1/findings?check=${encodeURIComponent(big.key!)}&limit=25`,
    );
    await body
      .getByTestId('group-range')
      .filter({ hasText: `1–25 of ${big.count}` })
      .waitFor();
    assert.equal(await table.locator('tbody tr').count(), 25);
    assert.deepEqual([...new Set(await ids(table))], [...new Set(want.items.map((f) => f.title))]);
    await body.getByRole('button', { name: 'Next' }).click();
    await body.getByText('page 2').waitFor();
    const second = await api<{ items: { title: string }[] }>(
      'carla',
      'GET',
      `/v1/findings?check=${encodeURIComponent(big.key!)}&limit=25&cursor=${encodeURIComponent(want.next_cursor)}`,
    );
    await body
      .getByTestId('group-range')
      .filter({ hasText: `26–${25 + second.items.length} of ${big.count}` })
      .waitFor();
    assert.deepEqual([...new Set(await ids(table))], [...new Set(second.items.map((f) => f.title))]);
    // Control ids stay whole: one line each, never broken at a hyphen or a character at a time.
    const controls = table.locator('ul.controls abbr');
    assert.ok((await controls.count()) > 0);
    for (const lines of await controls.evaluateAll((els) => els.map((e) => e.getClientRects().length))) assert.equal(lines, 1);
    await carla.evaluate("document.querySelector('section[aria-label=Filters]').scrollIntoView()");
    await shot(carla, 'findings-1024');
    await body.getByRole('button', { name: 'Previous' }).click();
    await body
      .getByTestId('group-range')
      .filter({ hasText: `1–25 of ${big.count}` })
      .waitFor();
    // Closing a group hides its findings.
    await head.click();
    assert.equal(await head.getAttribute('aria-expanded'), 'false');
    assert.equal(await body.count(), 0);

    // Grouped by severity or owner: the server's groups, with their counts.
    for (const by of ['severity', 'owner'] as const) {
      await carla.getByLabel('Group by').selectOption(by);
      const want = await api<{ total: number; items: Group[] }>('carla', 'GET', `/v1/findings/groups?by=${by}`);
      await carla
        .getByTestId('findings-total')
        .filter({ hasText: `in ${want.items.length} group` })
        .waitFor();
      const heads = await groups.allInnerTexts();
      assert.equal(heads.length, want.items.length);
      want.items.forEach((g, i) => {
        assert.ok(heads[i]!.includes(g.key ?? 'nobody'), `${heads[i]} is ${g.key}`);
        assert.match(heads[i]!, new RegExp(`\\b${g.count.toLocaleString('en-US')}\\b`));
      });
      assert.match(carla.url(), new RegExp(`by=${by}`), 'the grouping lives in the URL');
    }
    // Filters narrow the groups on the server too.
    await carla.getByLabel(/^Severity/).selectOption('high');
    const high = await api<{ total: number }>('carla', 'GET', '/v1/findings/groups?by=owner&severity=high');
    await carla
      .getByTestId('findings-total')
      .filter({ hasText: `${high.total.toLocaleString('en-US')} findings` })
      .waitFor();
  });

  test('a phone shows a group of findings that fits the width', async () => {
    await carla.setViewportSize({ width: 390, height: 844 });
    await carla.goto(`${server.url}/console/findings?by=severity`);
    await carla.getByTestId('finding-group').first().waitFor();
    await carla.getByRole('table', { name: /^Findings: / }).waitFor();
    await settled(carla);
    assert.deepEqual(await overflow(carla), []);
    await carla.getByRole('table', { name: /^Findings: / }).scrollIntoViewIfNeeded();
    await shot(carla, 'phone-findings');
  });

  test('opening a page never runs the checks or sends anything but reads', async () => {
    const sent: string[] = [];
    const listen = (r: Request) => {
      if (r.method() !== 'GET' && new URL(r.url()).pathname.startsWith('/v1/')) sent.push(`${r.method()} ${new URL(r.url()).pathname}`);
    };
    carla.on('request', listen);
    for (const [, path, ready] of PAGES) {
      await carla.goto(`${server.url}/console${path}`);
      // The authorisation's impact preview is a button's act, but a read (GET …/impact).
      await ready(carla);
      await settled(carla);
    }
    assert.deepEqual(sent, []);
    // The checks run when asked, by the button on the findings page.
    const runs = (await api<{ items: { id: string }[] }>('carla', 'GET', '/v1/checks/runs?limit=500')).items.length;
    await carla.goto(`${server.url}/console/findings`);
    await carla.getByRole('button', { name: 'Run the checks now' }).click();
    await carla.getByText(/^Checks ran: \d+ opened, \d+ resolved$/).waitFor();
    assert.deepEqual(sent, ['POST /v1/checks/run']);
    assert.ok((await api<{ items: unknown[] }>('carla', 'GET', '/v1/checks/runs?limit=500')).items.length > runs);
    carla.off('request', listen);
    // A viewer has no such button.
    await vera.goto(`${server.url}/console/findings`);
    await vera.getByTestId('finding-group').first().waitFor();
    assert.equal(await vera.getByRole('button', { name: 'Run the checks now' }).count(), 0);
  });

  test("every page passes axe-core's WCAG 2 A and AA rules in light at 1024 px and dark on a phone", async () => {
    const problems: string[] = [];
    // Light at 1024 px, dark on the phone (console.test.ts checks both themes at 1440 px).
    for (const [theme, w] of [
      ['light', WIDTHS[0]],
      ['dark', WIDTHS[1]],
    ] as const) {
      await carla.evaluate(`localStorage.setItem('mandate.theme', '${theme}')`);
      await carla.setViewportSize({ width: w.width, height: w.height });
      for (const [, path, ready] of PAGES) {
        await carla.goto(`${server.url}/console${path}`);
        await ready(carla);
        await settled(carla);
        const result = await new AxeBuilder({ page: carla }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        for (const v of result.violations)
          problems.push(
            `${theme} ${w.name} ${path}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(' | ')}`,
          );
      }
      if (theme === 'dark') {
        await carla.goto(`${server.url}/console/`);
        await PAGES[0]![2](carla);
        await settled(carla);
        await shot(carla, 'phone-overview-dark');
      }
    }
    assert.deepEqual(problems, []);
  });
});
