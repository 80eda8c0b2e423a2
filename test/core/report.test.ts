// The HTML report of an evidence pack: self-contained, every section there, user text escaped,
// charts accessible, printable on A4.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { EvidenceData } from '../../src/core/evidence.js';
import { escapeHtml, REPORT_SECTIONS, renderReport } from '../../src/evidence/report.js';
import { emptyEvidence, evidenceArb, evidenceFixture } from '../support/evidence-fixture.js';

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'area', 'base', 'col', 'embed', 'source', 'track', 'wbr']);

/** Every element that opens closes, in order (void elements and `/>` aside). Style content is skipped. */
function assertBalanced(html: string): void {
  const body = html.replace(/<style>[\s\S]*?<\/style>/g, '<style></style>');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*?(\/?)>/g)) {
    const [, close, raw, self] = m;
    const name = raw!.toLowerCase();
    if (close) assert.equal(stack.pop(), name, `</${name}> at ${m.index} closes something else`);
    else if (!VOID.has(name) && !self) stack.push(name);
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  // no stray angle bracket in text: every '<' starts a tag, a comment or the doctype
  assert.doesNotMatch(body.replace(/<(\/?[a-zA-Z][^<>]*|!DOCTYPE html)>/g, ''), /[<>]/);
}

function assertSelfContained(html: string): void {
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<(link|img|iframe|object|embed)\b/i);
  const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
  for (const [tag] of html.matchAll(/<[a-zA-Z][^<>]*>/g)) {
    assert.doesNotMatch(tag, /\s(src|on[a-z]+)\s*=/i, `active attribute in ${tag}`);
    assert.doesNotMatch(tag, /url\((?!#)/i, `external url() in ${tag}`);
    for (const [, href] of tag.matchAll(/\shref="([^"]*)"/g)) assert.match(href!, /^#/, `external link ${href}`);
  }
  assert.doesNotMatch(css, /url\(|@import/i, 'no external asset in the CSS');
}

const count = (s: string, re: RegExp) => [...s.matchAll(re)].length;

test('the report is one HTML5 document, balanced, self-contained', () => {
  const html = renderReport(evidenceFixture());
  assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
  assert.match(html, /<meta charset="utf-8">/);
  for (const tag of ['html', 'head', 'body', 'main']) {
    assert.equal(count(html, new RegExp(`<${tag}[ >]`, 'g')), 1, `<${tag}>`);
    assert.equal(count(html, new RegExp(`</${tag}>`, 'g')), 1, `</${tag}>`);
  }
  assertBalanced(html);
  assertSelfContained(html);
  assert.equal(renderReport(evidenceFixture()), html, 'deterministic');
});

test('every section is there, in order, with its heading', () => {
  const html = renderReport(evidenceFixture());
  let at = html.indexOf('<header id="title">');
  assert.ok(at > 0);
  for (const [id, heading] of REPORT_SECTIONS) {
    const i = html.indexOf(`<section id="${id}"`);
    assert.ok(i > at, `section ${id} missing or out of order`);
    assert.ok(html.indexOf(`<h2>${heading}</h2>`, i) > i);
    at = i;
  }
});

test('the title block: entity, LEI, member state, as-of, generated-at, ledger checkpoint', () => {
  const d = evidenceFixture();
  const html = renderReport(d);
  const header = html.slice(html.indexOf('<header'), html.indexOf('</header>'));
  for (const s of [d.entity.name, d.entity.lei, 'FR', '2026-11-22 10:00 UTC', '2026-11-22 10:15 UTC', 'size 1042', d.ledger.root])
    assert.ok(header.includes(s), s);
});

test('user text is escaped everywhere: titles, details, owners, names', () => {
  const d = evidenceFixture();
  d.findings[0]!.title = '<script>alert("pwned")</script>';
  d.findings[0]!.detail = `Tom & Jerry's "detail" <b>bold</b>`;
  d.findings[0]!.owner = '"><img src=x onerror=alert(1)>';
  d.readiness[1]!.blocking[0]!.title = '<script>alert("pwned")</script>';
  d.entity.name = 'Evil <Corp> & "Sons"';
  d.readiness[0]!.service = "custody' onmouseover='x";
  d.inventory.identities[0]!.id = '</td></tr></tbody></table><script>x</script>';
  d.trend[0]!.at = '<svg onload=alert(1)>';
  const html = renderReport(d);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img/i);
  assert.doesNotMatch(html, /<b>bold/);
  assert.ok(html.includes('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;'));
  assert.ok(html.includes('Tom &amp; Jerry&#39;s &quot;detail&quot; &lt;b&gt;bold&lt;/b&gt;'));
  assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes('<title>Evidence pack: Evil &lt;Corp&gt; &amp; &quot;Sons&quot; (FR)</title>'));
  assert.ok(html.includes('custody&#39; onmouseover=&#39;x'));
  assertBalanced(html);
  assertSelfContained(html);
  assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
});

test('the executive summary has three accessible SVG charts', () => {
  const html = renderReport(evidenceFixture());
  const summary = html.slice(html.indexOf('<section id="summary"'), html.indexOf('<section id="blocking"'));
  for (const id of ['chart-readiness', 'chart-severity', 'chart-trend']) {
    const svg = new RegExp(
      `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${id}" role="img" aria-labelledby="${id}-title ${id}` +
        `-desc"[^>]*><title id="${id}-title">[^<]+</title><desc id="${id}-desc">[^<]+</desc>`,
    );
    assert.match(summary, svg, id);
  }
  const readiness = summary.slice(
    summary.indexOf('id="chart-readiness"'),
    summary.indexOf('</svg>', summary.indexOf('id="chart-readiness"')),
  );
  assert.equal(count(readiness, /<rect /g), 2, 'one bar per service');
  assert.match(readiness, /custody \(FR\): 62 of 100; exchange_crypto \(FR\): 85 of 100/);
  const severity = summary.slice(summary.indexOf('id="chart-severity"'));
  assert.match(
    severity,
    new RegExp(
      /critical: 1 open or acknowledged, 0 accepted as risk; high: 2 open or acknowledged, 1 accepted as risk; /.source +
        /medium: 1 open or acknowledged, 0 accepted as risk; low: 0 open/.source,
    ),
  );
  const trend = summary.slice(summary.indexOf('id="chart-trend"'));
  assert.match(trend, /<polyline points="[^"]+"/);
  assert.equal(count(trend.slice(0, trend.indexOf('</svg>')), /<circle /g), 6);
});

test('blocking findings with owners and due dates; deadlines with days left', () => {
  const html = renderReport(evidenceFixture());
  const blocking = html.slice(html.indexOf('<section id="blocking"'), html.indexOf('<section id="deadlines"'));
  assert.equal(count(blocking.slice(0, blocking.indexOf('Owners to chase')), /<tr><td>/g), 3);
  assert.match(
    blocking,
    new RegExp(
      /svc-otc-desk can execute exchange_crypto[\s\S]*?camille\.martin@exemple\.fr<\/td>/.source +
        /<td><time datetime="2026-11-25T08:00:00\.000Z">2026-11-25<\/time>/.source,
    ),
  );
  assert.match(blocking, /2026-11-15<\/time> <span class="badge bad">overdue<\/span>/);
  const deadlines = html.slice(html.indexOf('<section id="deadlines"'), html.indexOf('<section id="controls"'));
  assert.match(deadlines, /overdue by 7/);
  assert.ok(
    deadlines.indexOf('overdue by 7') < deadlines.indexOf('>3<') && deadlines.indexOf('>3<') < deadlines.indexOf('>39<'),
    'soonest first',
  );
});

test('control results are grouped by framework, with their outcome', () => {
  const html = renderReport(evidenceFixture());
  const controls = html.slice(html.indexOf('<section id="controls"'), html.indexOf('<section id="findings"'));
  const order = [
    'OWASP Non-Human Identities Top 10 (2025)',
    'NIST Cybersecurity Framework 2.0',
    'MiCA (Regulation (EU) 2023/1114)',
    'DORA (Regulation (EU) 2022/2554) and RTS (EU) 2024/1774',
    'Cyber Resilience Act (Regulation (EU) 2024/2847)',
  ];
  const at = order.map((h) => controls.indexOf(`<h3>${h}</h3>`));
  assert.ok(
    at.every((i, k) => i > 0 && (k === 0 || i > at[k - 1]!)),
    'framework headings in order',
  );
  assert.match(controls, /Withdrawal readiness[\s\S]*?<span class="badge ok">Satisfied<\/span>/);
  assert.match(controls, /Long-Lived Secrets[\s\S]*?<span class="badge bad">Not satisfied<\/span>/);
  assert.match(controls, /2 of 7 controls satisfied/);
});

test('findings, inventory, identities, authorisations, approvals, exceptions, policy, verification', () => {
  const d = evidenceFixture();
  const html = renderReport(d);
  const section = (id: string) =>
    html.slice(html.indexOf(`<section id="${id}"`), html.indexOf('</section>', html.indexOf(`<section id="${id}"`)));
  for (const f of d.findings) assert.ok(section('findings').includes(f.id), f.id);
  assert.match(section('findings'), /6 findings: 3 open, 1 acknowledged, 1 accepted risk, 1 resolved/);
  for (const k of ['service_account', 'execute', 'static_secret']) assert.ok(section('inventory').includes(`<td>${k}</td>`), k);
  for (const i of d.inventory.identities) assert.ok(section('identities').includes(i.id), i.id);
  assert.match(section('authorisations'), /AMF restricted OTC execution pending a remediation plan/);
  assert.match(section('approvals'), /apr-0042[\s\S]*exc-chainalysis-rotation/);
  assert.match(section('policy'), /sha256:4f1c2a9e/);
  assert.ok(section('verify').includes('mandate ledger verify &lt;pack&gt;.tar.gz --key &lt;verifier key&gt;'));
  assert.ok(section('verify').includes(escapeHtml(d.ledger.checkpoint)));
});

test('print styles: A4, page breaks before major sections, repeated table headers, exact colours', () => {
  const html = renderReport(evidenceFixture());
  const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
  assert.match(css, /@page \{ size: A4;/);
  assert.match(css, /@media print \{[\s\S]*section\.major \{ break-before: page;/);
  assert.match(css, /thead \{ display: table-header-group; \}/);
  assert.match(css, /print-color-adjust: exact/);
  assert.ok(count(html, /<section id="[a-z]+" class="major">/g) >= 6);
  assert.equal(count(html, /<thead>/g), count(html, /<table[ >]/g), 'every table has a header row');
});

test('an empty pack renders, with every section and the charts', () => {
  const html = renderReport(emptyEvidence());
  assertBalanced(html);
  assertSelfContained(html);
  for (const [id] of REPORT_SECTIONS) assert.ok(html.includes(`<section id="${id}"`), id);
  assert.equal(count(html, /<svg /g), 3);
  assert.match(html, /No readiness history in this pack/);
});

test('property: any well-typed pack renders to a balanced, self-contained document', () => {
  fc.assert(
    fc.property(evidenceArb, (d: EvidenceData) => {
      const html = renderReport(d);
      assertBalanced(html);
      assertSelfContained(html);
    }),
    { numRuns: 150 },
  );
});
