// The evidence pack's HTML report reads on a screen as well as on paper: table headers never break
// inside a word (a wide table scrolls in its own box on a screen), the readiness trend's time axis
// never repeats a label (several points on one day), long tables are summarised in the body with
// the whole list in an appendix reached by anchors, and an emergency nobody approved never reads
// "approved". The layout is checked in Chromium at a desktop and a narrow width, and in print.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { EvidenceData } from '../../src/core/evidence.js';
import { APPENDIX_ID, LONG_TABLE_ROWS, renderReport, SUMMARY_ROWS, trendTicks } from '../../src/evidence/report.js';
import { launchBrowser } from '../console/browser.js';
import { evidenceFixture } from '../support/evidence-fixture.js';

const SHOTS = process.env.MANDATE_SCREENSHOTS ?? 'test-results/screenshots';

/** The fixture with long lists: `n` identities and `n` findings, and a trend with three points on its last day. */
function longPack(n: number): EvidenceData {
  const d = evidenceFixture();
  const [identity] = d.inventory.identities;
  const [finding] = d.findings;
  for (let i = 0; i < n; i++) {
    const id = `svc-batch-settlement-reconciler-${String(i).padStart(4, '0')}`;
    d.inventory.identities.push({ ...identity!, id, status: i % 7 === 0 ? 'suspended' : 'active' });
    d.findings.push({ ...finding!, id: `long-lived-secret:${id}`, subject: { type: 'identity', id }, title: `Secret of ${id} is old` });
  }
  d.inventory.total = d.inventory.identities.length;
  d.trend.push({ at: '2026-11-22T06:00:00Z', score: 74 }, { at: '2026-11-22T10:00:00Z', score: 75 });
  return d;
}

const section = (html: string, id: string) => {
  const at = html.indexOf(`<section id="${id}"`);
  return html.slice(at, html.indexOf('</section>', at));
};
const trendLabels = (html: string) => {
  const svg = html.slice(html.indexOf('id="chart-trend"'), html.indexOf('</svg>', html.indexOf('id="chart-trend"')));
  return [...svg.matchAll(/<text [^>]*class="axis tick">([^<]*)<\/text>/g)].map((m) => m[1]!);
};

test('table headers never break inside a word: no break-all or anywhere on a header', () => {
  const html = renderReport(evidenceFixture());
  const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
  assert.doesNotMatch(css, /break-all/);
  // Every rule that reaches a header cell leaves words whole.
  for (const [, selector, body] of css.matchAll(/([^{}]+)\{([^{}]*)\}/g))
    if (/(^|[\s,])(th|thead th|\*)\b/.test(selector!.trim()))
      assert.doesNotMatch(body!, /overflow-wrap:\s*anywhere|word-break:\s*break-(all|word)|hyphens:\s*auto/, selector!.trim());
  assert.match(css, /thead th \{[^}]*overflow-wrap: normal; word-break: normal;/);
  assert.match(css, /\.table-scroll \{ overflow-x: auto;/);
  assert.equal([...html.matchAll(/<div class="table-scroll"><table/g)].length, [...html.matchAll(/<table[ >]/g)].length);
});

test('the trend axis: one label per distinct date, and no date twice when several points fall on one day', () => {
  const d = evidenceFixture();
  d.trend.push({ at: '2026-11-22T06:00:00Z', score: 74 }, { at: '2026-11-22T10:00:00Z', score: 75 });
  const labels = trendLabels(renderReport(d));
  assert.equal(new Set(labels).size, labels.length, `repeated: ${labels.join(' | ')}`);
  assert.equal(labels.filter((l) => l.startsWith('2026-11-22')).length, 1, labels.join(' | '));
  assert.ok(labels.includes('2026-10-18'), 'the first date is labelled');
  assert.ok(labels.length >= 3, `one tick per distinct date where room allows: ${labels.join(' | ')}`);
  for (const l of labels) assert.match(l, /^\d{4}-\d{2}-\d{2}$/);

  // Every point on one day: the ticks tell the times apart, the date said once.
  d.trend = ['08:00', '12:00', '16:00', '20:00'].map((t, i) => ({ at: `2026-11-22T${t}:00Z`, score: 60 + i }));
  const oneDay = trendLabels(renderReport(d));
  assert.deepEqual(oneDay, ['2026-11-22 08:00 UTC', '12:00 UTC', '16:00 UTC', '20:00 UTC']);

  // Many days close together: labels are thinned so none overlaps, the first and the last kept.
  const many = Array.from({ length: 60 }, (_, i) => ({ at: new Date(Date.UTC(2026, 9, 1 + i)).toISOString(), x: 40 + i * 9.8 }));
  const ticks = trendTicks(many);
  assert.equal(ticks[0]!.label, '2026-10-01');
  assert.equal(ticks.at(-1)!.label, '2026-11-29');
  assert.ok(ticks.length >= 4 && ticks.length < 12, `${ticks.length} ticks`);
  for (let i = 1; i < ticks.length; i++)
    assert.ok(ticks[i]!.x - ticks[i - 1]!.x >= 60, `${ticks[i - 1]!.label} and ${ticks[i]!.label} overlap`);
});

test('a long table is summarised in the body (counts and the first rows) and given whole in an appendix with anchors', () => {
  const n = LONG_TABLE_ROWS + 40;
  const d = longPack(n);
  const html = renderReport(d);
  const identities = section(html, 'identities');
  const rows = (s: string) => [...s.matchAll(/<tr><td>/g)].length;
  assert.equal(rows(identities), SUMMARY_ROWS, 'the body shows the first rows only');
  const total = d.inventory.identities.length;
  const suspended = d.inventory.identities.filter((i) => i.status === 'suspended').length;
  assert.match(identities, new RegExp(`${total} rows \\([^)]*\\b${suspended} suspended\\b[^)]*\\): the first ${SUMMARY_ROWS} are below`));
  assert.match(identities, /<a href="#appendix-identities">appendix A\.\d, Identities<\/a>/);
  assert.match(section(html, 'findings'), /<a href="#appendix-findings">/);

  const appendix = section(html, APPENDIX_ID);
  assert.ok(html.indexOf(`<section id="${APPENDIX_ID}"`) > html.indexOf('<section id="verify"'), 'the appendix comes last');
  assert.match(html, new RegExp(`<nav[\\s\\S]*<a href="#${APPENDIX_ID}">Appendix: full lists</a>[\\s\\S]*</nav>`));
  for (const id of ['appendix-findings', 'appendix-identities']) {
    assert.match(appendix, new RegExp(`<h3 id="${id}">`), id);
    assert.match(appendix, new RegExp(`<li><a href="#${id}">`), `${id} in the appendix' contents`);
  }
  const whole = appendix.slice(appendix.indexOf('<h3 id="appendix-identities">'));
  assert.equal(rows(whole.slice(0, whole.indexOf('</table>'))), total, 'every identity in the appendix');
  for (const i of d.inventory.identities) assert.ok(whole.includes(i.id), i.id);
  assert.match(whole, /<a href="#identities">Back to Identities<\/a>/);
  // Every in-page link lands on an element of the document.
  for (const [, target] of html.matchAll(/href="#([^"]+)"/g)) assert.ok(html.includes(`id="${target}"`), `#${target} has no target`);

  // Short tables stand whole, and there is no appendix.
  const short = renderReport(evidenceFixture());
  assert.ok(!short.includes(`id="${APPENDIX_ID}"`));
  assert.ok(!short.includes('href="#appendix-'));
  assert.equal(rows(section(short, 'identities')), evidenceFixture().inventory.identities.length);
});

test('an emergency nobody approved reads "emergency, review pending" or "review done", never "approved"', () => {
  const d = evidenceFixture();
  d.approvals.push(
    {
      id: 'apr-0101',
      kind: 'break_glass',
      status: 'approved',
      requester: 'user:olga',
      approvers: [],
      decided_at: '2026-11-20T03:00:00Z',
      summary: 'user:olga asks to unseal break-glass identity bg-custody',
      emergency: { review: 'pending' },
    },
    {
      id: 'apr-0102',
      kind: 'transition',
      status: 'approved',
      requester: 'user:olga',
      approvers: [],
      decided_at: '2026-11-21T03:00:00Z',
      summary: 'emergency suspension',
      emergency: { review: 'done', reviewed_by: 'user:carla', reviewed_at: '2026-11-21T09:00:00Z' },
    },
  );
  const approvals = section(renderReport(d), 'approvals');
  const row = (id: string) => approvals.slice(approvals.indexOf(id), approvals.indexOf('</tr>', approvals.indexOf(id)));
  assert.match(row('apr-0101'), /emergency, review pending/);
  assert.match(row('apr-0101'), /nobody \(emergency path\)/);
  assert.match(row('apr-0102'), /emergency, review done by user:carla/);
  for (const id of ['apr-0101', 'apr-0102']) assert.doesNotMatch(row(id), /<td>approved<\/td>/, id);
  assert.match(row('apr-0042'), /<td>approved<\/td>/, 'a request approved by votes still reads approved');
  assert.match(approvals, /2 of these were taken on an emergency path, approved by nobody: 1 still owe/);
});

describe('the report in Chromium, on a screen and on paper', () => {
  let browser: Browser;
  let close: () => Promise<void>;
  const html = renderReport(longPack(LONG_TABLE_ROWS + 10));
  before(async () => {
    ({ browser, close } = await launchBrowser());
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => close?.());

  /** Header words split over two lines, as "Identi|ties": none is expected. (Run in the page.) */
  const BROKEN_HEADERS = `(() => {
    const broken = [];
    for (const th of document.querySelectorAll('thead th')) {
      const node = th.firstChild;
      if (!node || node.nodeType !== Node.TEXT_NODE) continue;
      const text = node.textContent || '';
      for (const m of text.matchAll(/[^\\s-]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(text + ' (' + m[0] + ')');
      }
    }
    return broken;
  })()`;
  const brokenHeaders = (page: Page) => page.evaluate<string[]>(BROKEN_HEADERS);
  const overflowing = (page: Page) =>
    page.evaluate<{ page: number; boxes: { scroll: number; client: number; overflowX: string }[] }>(`({
      page: document.documentElement.scrollWidth - window.innerWidth,
      boxes: [...document.querySelectorAll('.table-scroll')].map((d) => ({
        scroll: d.scrollWidth, client: d.clientWidth, overflowX: getComputedStyle(d).overflowX,
      })),
    })`);

  for (const width of [1280, 800, 390]) {
    test(`at ${width} px: headers whole, wide tables scroll in their box, the page does not run off the edge`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.setContent(html);
      assert.deepEqual(await brokenHeaders(page), []);
      const o = await overflowing(page);
      assert.ok(o.page <= 0, `the page is ${o.page} px wider than the window`);
      for (const b of o.boxes) assert.equal(b.overflowX, 'auto');
      if (width === 390)
        assert.ok(
          o.boxes.some((b) => b.scroll > b.client),
          'some table is wider than a phone, and scrolls',
        );
      await page.screenshot({ path: join(SHOTS, `report-${width}.png`), fullPage: false });
      await page.locator('#chart-trend').screenshot({ path: join(SHOTS, `report-trend-${width}.png`) });
      await page.locator('#identities').screenshot({ path: join(SHOTS, `report-identities-${width}.png`) });
      await page.close();
    });
  }

  test('in print: headers whole, nothing clipped, and it prints to PDF', async () => {
    const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
    await page.setContent(html);
    await page.emulateMedia({ media: 'print' });
    assert.deepEqual(await brokenHeaders(page), []);
    const o = await overflowing(page);
    assert.deepEqual(
      o.boxes.filter((b) => b.scroll > b.client + 1),
      [],
      'no table is wider than the page',
    );
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    assert.ok(pdf.subarray(0, 5).toString() === '%PDF-' && pdf.length > 10_000);
    await page.screenshot({ path: join(SHOTS, 'report-print.png'), fullPage: false });
    await page.close();
  });
});
