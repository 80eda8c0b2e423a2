// An evidence pack as one self-contained HTML5 document for a compliance officer to read and print
// to PDF: no script, no external asset (inline CSS, inline SVG charts), A4 print styles. Pure: the
// same data gives the same bytes. Every string from the data is escaped: titles, details, owners
// and justifications are user-supplied text.
import type { EvidenceData, EvidenceEvent, Finding, FindingStatus, ProductEvidence, Readiness, Severity } from '../core/evidence.js';
import { FRAMEWORK_NAMES, FRAMEWORKS, PACK_EVIDENCE, SEVERITIES, controlOutcomes, isUnresolved, type ControlOutcome } from './oscal.js';

const STATUS_ORDER: FindingStatus[] = ['open', 'acknowledged', 'accepted_risk', 'resolved'];
const STATUS_LABEL: Record<FindingStatus, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  accepted_risk: 'Accepted risk',
  resolved: 'Resolved',
};
const SEVERITY_COLOUR: Record<Severity, string> = { critical: '#8e0000', high: '#c62828', medium: '#b26a00', low: '#1b5e87' };

/** The report's sections, in order: id, heading, and whether it starts a new printed page. */
export const REPORT_SECTIONS = [
  ['summary', 'Executive summary', true],
  ['blocking', 'Blocking findings', true],
  ['deadlines', 'Deadlines', false],
  ['controls', 'Control results', true],
  ['findings', 'Findings', true],
  ['inventory', 'Inventory', true],
  ['identities', 'Identities', false],
  ['authorisations', 'Authorisations', true],
  ['approvals', 'Approvals and exceptions', false],
  ['policy', 'Policy', false],
  ['verify', 'How to verify this pack', true],
] as const;

/** The sections a product pack (CRA) adds before the others: id, heading, new printed page. */
export const PRODUCT_REPORT_SECTIONS = [
  ['product', 'Product', true],
  ['signers', 'Who could sign and publish', false],
  ['product-grants', 'Grants, exceptions and revocations', true],
  ['article-14', 'Article 14 timeline', true],
] as const;

/** The HTML report of one evidence pack. */
export function renderReport(data: EvidenceData): string {
  const title = data.product
    ? `Evidence pack: product ${data.product.name || data.product.id} (${data.product.id})`
    : `Evidence pack: ${data.entity.name || data.entity.id} (${data.jurisdiction})`;
  const outcomes = controlOutcomes(data);
  const appendix = appendixOf();
  const long = appendix.table;
  // First, so that their long tables come first in the appendix, as the sections do in the body.
  const productPart = data.product ? productSections(data.product, data, long) : {};
  const sections: Record<(typeof REPORT_SECTIONS)[number][0], string> = {
    summary: summary(data, outcomes),
    blocking: blocking(data, long),
    deadlines: deadlines(data),
    controls: controls(data, outcomes, long),
    findings: findingsTable(data, long),
    inventory: inventory(data),
    identities: identities(data, long),
    authorisations: authorisations(data, long),
    approvals: approvals(data, long),
    policy: policy(data),
    verify: verify(data),
  };
  const order: readonly (readonly [string, string, boolean])[] = data.product
    ? [...PRODUCT_REPORT_SECTIONS, ...REPORT_SECTIONS]
    : REPORT_SECTIONS;
  const all: Record<string, string> = { ...sections, ...productPart };
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="Mandate">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    header(data, title),
    nav(appendix.entries.length > 0, order),
    ...order.map(
      ([id, heading, page]) => `<section id="${id}"${page ? ' class="major"' : ''}>\n<h2>${heading}</h2>\n${all[id]}\n</section>`,
    ),
    appendix.render(),
    `<footer><p class="muted">Rendered by Mandate from the evidence pack of ${esc(data.entity.name || data.entity.id)} generated at ` +
      `${time(data.generated_at)}` +
      '. The signed ledger in the pack is the authoritative record; this report is a reading of it.</p></footer>',
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---- sections -----------------------------------------------------------------------------------

function header(data: EvidenceData, title: string): string {
  return `<header id="title">
<p class="kicker">Non-human identity compliance evidence</p>
<h1>${esc(title)}</h1>
<dl class="facts">
<dt>Entity</dt><dd>${esc(data.entity.name)} <span class="muted">(${esc(data.entity.id)})</span></dd>
<dt>LEI</dt><dd class="mono">${text(data.entity.lei)}</dd>
${
  data.product
    ? `<dt>Product</dt><dd>${esc(data.product.name)} <span class="mono muted">(${esc(data.product.id)})</span>, ` +
      `${text(data.product.category)}, ${text(data.product.status)}</dd>\n<dt>Made available in</dt><dd>${text(data.jurisdiction)}</dd>`
    : `<dt>Member state</dt><dd>${text(data.jurisdiction)} <span class="muted">(home member state ${text(data.entity.home)})</span></dd>`
}
<dt>As of</dt><dd>${time(data.as_of)}</dd>
<dt>Generated at</dt><dd>${time(data.generated_at)}</dd>
<dt>Ledger checkpoint</dt><dd>${text(data.ledger.origin)}, size ${num(data.ledger.size)},
root <span class="mono">${text(data.ledger.root)}</span></dd>
<dt>Control catalogue</dt><dd>version ${text(data.catalogue.version)}</dd>
<dt>Policy</dt><dd>version ${num(data.policies.version)}</dd>
</dl>
</header>`;
}

function nav(withAppendix: boolean, order: readonly (readonly [string, string, boolean])[] = REPORT_SECTIONS): string {
  return (
    '<nav aria-label="Contents"><h2 class="toc">Contents</h2><ol>' +
    `${order.map(([id, heading]) => `<li><a href="#${id}">${heading}</a></li>`).join('')}` +
    `${withAppendix ? `<li><a href="#${APPENDIX_ID}">${APPENDIX_HEADING}</a></li>` : ''}` +
    '</ol></nav>'
  );
}

// ---- long tables --------------------------------------------------------------------------------

/** A table longer than this is summarised where it stands, and given whole in the appendix. */
export const LONG_TABLE_ROWS = 50;
/** How many of a long table's rows the body shows. */
export const SUMMARY_ROWS = 15;
export const APPENDIX_ID = 'appendix';
const APPENDIX_HEADING = 'Appendix: full lists';

interface LongTable {
  /** The anchor of the full list in the appendix (`appendix-…`). */
  id: string;
  /** What the list is, for its heading in the appendix and the pointer to it. */
  title: string;
  /** The section (or heading) the summary stands in, for the way back. */
  back: string;
  head: string[];
  rows: Cell[][];
  cls?: string;
  /** Counts that summarise the whole list (e.g. by status), HTML. */
  counts?: string;
}

/**
 * Long tables: up to LONG_TABLE_ROWS rows a table stands whole where it is; a longer one is
 * summarised there (its size, its counts and its first SUMMARY_ROWS rows) and given whole in the
 * appendix at the end, each list with its own anchor, so the body reads in a few pages.
 */
function appendixOf() {
  const entries: LongTable[] = [];
  return {
    entries,
    table(t: LongTable): string {
      if (t.rows.length <= LONG_TABLE_ROWS) return table(t.head, t.rows, t.cls);
      entries.push(t);
      const n = entries.length;
      return [
        `<p class="summary-note" data-summary-of="${esc(t.id)}">${num(t.rows.length)} rows${t.counts ? ` (${t.counts})` : ''}: ` +
          `the first ${num(SUMMARY_ROWS)} are below; the full list is <a href="#${esc(t.id)}">appendix A.${n}, ${esc(t.title)}</a>.</p>`,
        table(t.head, t.rows.slice(0, SUMMARY_ROWS), t.cls),
        `<p class="muted">… and ${num(t.rows.length - SUMMARY_ROWS)} more rows in <a href="#${esc(t.id)}">appendix A.${n}</a>.</p>`,
      ].join('\n');
    },
    render(): string {
      if (!entries.length) return '';
      return [
        `<section id="${APPENDIX_ID}" class="major">`,
        `<h2>${APPENDIX_HEADING}</h2>`,
        `<p>The lists longer than ${num(LONG_TABLE_ROWS)} rows, whole; the body shows their first rows.</p>`,
        '<ol class="appendix-toc">',
        ...entries.map((t, i) => `<li><a href="#${esc(t.id)}">A.${i + 1} ${esc(t.title)}</a></li>`),
        '</ol>',
        ...entries.map(
          (t, i) =>
            `<h3 id="${esc(t.id)}">A.${i + 1} ${esc(t.title)} <span class="muted">(${num(t.rows.length)} rows)</span></h3>\n` +
            `${table(t.head, t.rows, t.cls)}\n<p class="back"><a href="#${esc(t.back)}">Back to ${esc(t.title)}</a></p>`,
        ),
        '</section>',
      ].join('\n');
    },
  };
}
type Long = (t: LongTable) => string;

function summary(data: EvidenceData, outcomes: ControlOutcome[]): string {
  const unresolved = data.findings.filter(isUnresolved);
  const blockingIds = new Set(data.readiness.flatMap((r) => r.blocking.map((b) => b.id)));
  const scores = data.readiness.map((r) => clamp(r.score));
  const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
  const satisfied = outcomes.filter((o) => o.satisfied).length;
  const kpi = (value: string, label: string, cls = '') => `<div class="kpi${cls ? ` ${cls}` : ''}"><b>${value}</b>${label}</div>`;
  const bySeverity = SEVERITIES.map((s) => ({
    severity: s,
    open: unresolved.filter((f) => f.severity === s && f.status !== 'accepted_risk').length,
    accepted: unresolved.filter((f) => f.severity === s && f.status === 'accepted_risk').length,
  }));
  return [
    '<div class="kpis">',
    kpi(mean === null ? '—' : num(Math.round(mean * 10) / 10), 'mean readiness (of 100)', mean !== null && mean < 50 ? 'bad' : ''),
    kpi(num(data.readiness.length), 'services in scope'),
    kpi(num(data.inventory.total), 'identities'),
    kpi(num(unresolved.length), 'unresolved findings'),
    kpi(num(blockingIds.size), 'blocking findings', blockingIds.size ? 'bad' : 'ok'),
    kpi(`${num(satisfied)} / ${num(outcomes.length)}`, 'controls satisfied'),
    '</div>',
    `<figure>${readinessChart(data.readiness)}<figcaption>Readiness per service, 0–100 (100: no open finding in the service's scope). ` +
      'Green from 80, amber from 50, red below.</figcaption></figure>',
    `<figure>${severityChart(bySeverity)}<figcaption>Unresolved findings by severity: open or acknowledged (solid) and accepted as ` +
      'risk under an exception (hatched).</figcaption></figure>',
    `<figure>${trendChart(data.trend)}<figcaption>Readiness over time for ${esc(data.entity.name || data.entity.id)} in ` +
      `${esc(data.jurisdiction)}` +
      ': the mean score of its services.</figcaption></figure>',
    data.readiness.length
      ? table(
          ['Service', 'Authorisation', 'Score', 'Identities', 'Open findings', 'Blocking'],
          data.readiness.map((r) => [
            `${text(r.service)} <span class="muted">(${text(r.jurisdiction)})</span>`,
            r.authorisation
              ? `${text(r.authorisation.status)} <span class="muted">${text(r.authorisation.basis)}, ${text(r.authorisation.reference)}` +
                '</span>'
              : '<span class="bad">none on record</span>',
            { html: num(clamp(r.score)), cls: 'num' },
            { html: num(r.identities), cls: 'num' },
            { html: num(r.open_findings), cls: 'num' },
            { html: num(r.blocking.length), cls: 'num' },
          ]),
        )
      : '<p class="muted">No service of this entity is in scope in this member state.</p>',
  ].join('\n');
}

function blocking(data: EvidenceData, long: Long): string {
  const byId = new Map(data.findings.map((f) => [f.id, f]));
  const asOf = Date.parse(data.as_of);
  const rows = data.readiness.flatMap((r) => r.blocking.map((b) => ({ r, b, f: byId.get(b.id) })));
  const owners = new Map<string, number>();
  for (const r of data.readiness) for (const o of r.owners_to_chase) owners.set(o.owner, (owners.get(o.owner) ?? 0) + o.findings);
  return [
    '<p>Critical and high findings block readiness until they are resolved or their risk is formally accepted.</p>',
    rows.length
      ? long({
          id: 'appendix-blocking',
          title: 'Blocking findings',
          back: 'blocking',
          head: ['Service', 'Severity', 'Finding', 'Owner', 'Due'],
          counts: SEVERITIES.map((s) => `${num(rows.filter(({ b }) => b.severity === s).length)} ${s}`).join(', '),
          rows: rows.map(({ r, b, f }) => {
            const due = f ? Date.parse(f.due_at) : NaN;
            const overdue = Number.isFinite(due) && Number.isFinite(asOf) && due < asOf;
            return [
              text(r.service),
              severity(b.severity),
              `${text(b.title)}<br><span class="mono muted">${text(b.id)}</span>`,
              b.owner ? text(b.owner) : '<span class="bad">no owner</span>',
              f ? `${date(f.due_at)}${overdue ? ' <span class="badge bad">overdue</span>' : ''}` : '<span class="muted">—</span>',
            ];
          }),
        })
      : '<p class="ok">No blocking finding.</p>',
    '<h3>Owners to chase</h3>',
    owners.size
      ? table(
          ['Owner', 'Findings'],
          [...owners].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).map(([o, n]) => [text(o), { html: num(n), cls: 'num' }]),
        )
      : '<p class="muted">Nobody to chase.</p>',
  ].join('\n');
}

function deadlines(data: EvidenceData): string {
  const rows = data.readiness
    .flatMap((r) => r.deadlines.map((d) => ({ r, d })))
    .sort((a, b) => a.d.days_left - b.d.days_left || cmp(a.d.at, b.d.at));
  if (!rows.length) return '<p class="muted">No deadline falls in this pack.</p>';
  return table(
    ['Service', 'What', 'When', 'Days left'],
    rows.map(({ r, d }) => [
      text(r.service),
      text(d.what),
      time(d.at),
      {
        html:
          d.days_left < 0
            ? `<span class="bad">overdue by ${num(-d.days_left)}</span>`
            : d.days_left <= 7
              ? `<span class="warn">${num(d.days_left)}</span>`
              : num(d.days_left),
        cls: 'num',
      },
    ]),
  );
}

function controls(data: EvidenceData, outcomes: ControlOutcome[], long: Long): string {
  const parts: string[] = [
    `<p>${num(outcomes.filter((o) => o.satisfied).length)} of ${num(outcomes.length)} controls satisfied (catalogue ` +
      `${text(data.catalogue.version)}` +
      '). A control is satisfied when no check mapped to it failed and no unresolved finding names it; a risk accepted under an ' +
      'exception leaves it not satisfied.</p>',
  ];
  for (const fw of FRAMEWORKS) {
    const mine = outcomes.filter((o) => o.framework === fw);
    if (!mine.length) continue;
    parts.push(`<h3>${esc(FRAMEWORK_NAMES[fw].long)}</h3>`);
    parts.push(
      table(
        ['Ref', 'Control', 'Checks', 'Result', 'Unresolved findings'],
        mine.map((o) => [
          `<span class="nowrap">${text(o.ref)}</span>`,
          `${text(o.title)}<br><span class="mono muted">${text(o.id)}</span>`,
          o.checks.length
            ? o.checks
                .map((c) => `${text(c.title)} <span class="muted">(${num(c.failed)} of ${num(c.evaluated)} failed)</span>`)
                .join('<br>')
            : '<span class="muted">no check</span>',
          o.satisfied ? '<span class="badge ok">Satisfied</span>' : '<span class="badge bad">Not satisfied</span>',
          o.findings.length
            ? o.findings.map((f) => `<span class="mono">${text(f.id)}</span>`).join('<br>')
            : '<span class="muted">—</span>',
        ]),
      ),
    );
  }
  parts.push('<h3>Checks run</h3>');
  parts.push(
    data.checks.length
      ? long({
          id: 'appendix-checks',
          title: 'Checks run',
          back: 'controls',
          head: ['Check', 'Severity', 'Evaluated', 'Failed', 'Controls'],
          counts: `${num(data.checks.filter((c) => c.failed > 0).length)} with failures`,
          rows: data.checks.map((c) => [
            `${text(c.title)}<br><span class="mono muted">${text(c.check)}</span>` +
              `${c.description ? `<br><span class="muted">${text(c.description)}</span>` : ''}`,
            severity(c.severity),
            { html: num(c.evaluated), cls: 'num' },
            { html: c.failed > 0 ? `<span class="bad">${num(c.failed)}</span>` : num(c.failed), cls: 'num' },
            c.controls.map((id) => `<span class="mono">${text(id)}</span>`).join('<br>'),
          ]),
        })
      : '<p class="muted">No check ran for this pack.</p>',
  );
  return parts.join('\n');
}

function findingsTable(data: EvidenceData, long: Long): string {
  if (!data.findings.length) return '<p class="ok">No finding.</p>';
  const rank = (f: Finding) => [STATUS_ORDER.indexOf(f.status), SEVERITIES.indexOf(f.severity)] as const;
  const sorted = [...data.findings].sort(
    (a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1] || cmp(a.due_at, b.due_at) || cmp(a.id, b.id),
  );
  const counts = STATUS_ORDER.map(
    (s) => `${num(data.findings.filter((f) => f.status === s).length)} ${STATUS_LABEL[s].toLowerCase()}`,
  ).join(', ');
  return [
    `<p>${num(data.findings.length)} findings: ${counts}.</p>`,
    long({
      id: 'appendix-findings',
      title: 'Findings',
      back: 'findings',
      head: ['Severity', 'Status', 'Finding', 'Owner', 'Controls', 'Seen', 'Due', 'Resolution and evidence'],
      counts: SEVERITIES.map((s) => `${num(data.findings.filter((f) => f.severity === s).length)} ${s}`).join(', '),
      cls: 'compact',
      rows: sorted.map((f) => [
        severity(f.severity),
        `<span class="status-${f.status === 'resolved' ? 'done' : 'live'}">${esc(STATUS_LABEL[f.status] ?? f.status)}</span>`,
        `<strong>${text(f.title)}</strong><br>${text(f.detail)}<br><span class="muted">${text(f.subject.type)}</span> <span ` +
          `class="mono">${text(f.subject.id)}</span><br><span class="mono muted">${text(f.id)}</span>`,
        f.owner ? text(f.owner) : '<span class="bad">no owner</span>',
        f.controls.map((id) => `<span class="mono">${text(id)}</span>`).join('<br>'),
        `${date(f.first_seen)} – ${date(f.last_seen)}`,
        date(f.due_at),
        [
          f.status === 'resolved'
            ? `resolved ${f.resolved_at ? date(f.resolved_at) : ''}`
            : f.exception
              ? `exception <span class="mono">${text(f.exception)}</span>`
              : '',
          f.evidence.length ? `ledger events <span class="mono">${f.evidence.map(num).join(', ')}</span>` : '',
        ]
          .filter(Boolean)
          .join('<br>') || '<span class="muted">—</span>',
      ]),
    }),
  ].join('\n');
}

function inventory(data: EvidenceData): string {
  const breakdown = (caption: string, counts: Record<string, number>) => {
    const rows = Object.entries(counts).sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
    return `<div>${table(
      [caption, 'Identities'],
      rows.map(([k, n]) => [text(k), { html: num(n), cls: 'num' }]),
      '',
      caption,
    )}</div>`;
  };
  const ids = data.inventory.identities;
  return [
    `<p>${num(data.inventory.total)} identities in scope: ${num(ids.filter((i) => i.capability === 'execute').length)} can execute, ` +
      `${num(ids.filter((i) => i.break_glass).length)}` +
      ` break-glass, ${num(ids.filter((i) => i.vendor !== null).length)} held by vendors, ${num(ids.filter((i) => !i.owner).length)}` +
      ' without owner.</p>',
    '<div class="grid3">',
    breakdown('Kind', data.inventory.by_kind),
    breakdown('Capability', data.inventory.by_capability),
    breakdown('Credential', data.inventory.by_credential),
    '</div>',
  ].join('\n');
}

function identities(data: EvidenceData, long: Long): string {
  const ids = [...data.inventory.identities].sort((a, b) => cmp(a.id, b.id));
  if (!ids.length) return '<p class="muted">No identity in this pack.</p>';
  const statuses = new Map<string, number>();
  for (const i of ids) statuses.set(i.status, (statuses.get(i.status) ?? 0) + 1);
  return long({
    id: 'appendix-identities',
    title: 'Identities',
    back: 'identities',
    head: ['Identity', 'Kind', 'Function', 'Capability', 'Credential', 'Owner', 'Status', 'Vendor, break-glass', 'Scopes'],
    counts: [...statuses]
      .sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
      .map(([st, n]) => `${num(n)} ${esc(st)}`)
      .join(', '),
    cls: 'compact',
    rows: ids.map((i) => [
      `<span class="mono">${text(i.id)}</span>`,
      text(i.kind),
      text(i.function),
      text(i.capability),
      text(i.credential),
      i.owner ? text(i.owner) : '<span class="bad">none</span>',
      text(i.status),
      [i.vendor ? `vendor ${text(i.vendor)}` : '', i.break_glass ? '<strong>break-glass</strong>' : ''].filter(Boolean).join('<br>') ||
        '<span class="muted">—</span>',
      i.scopes.map(text).join('<br>'),
    ]),
  });
}

function authorisations(data: EvidenceData, long: Long): string {
  if (!data.authorisations.length) return '<p class="muted">No authorisation on record for this entity in this member state.</p>';
  return [
    table(
      ['Authorisation', 'Service', 'Status', 'Basis', 'Reference'],
      data.authorisations.map((a) => [
        `<span class="mono">${text(a.id)}</span>`,
        text(a.service),
        text(a.status),
        text(a.basis),
        text(a.reference),
      ]),
    ),
    ...data.authorisations.map(
      (a, k) =>
        `<h3 id="history-${k + 1}">History of <span class="mono">${text(a.id)}</span></h3>\n${
          a.history.length
            ? long({
                id: `appendix-history-${k + 1}`,
                title: `History of ${a.id}`,
                back: `history-${k + 1}`,
                head: ['Ledger seq', 'At', 'Actor', 'Action', 'Reason'],
                cls: 'compact',
                rows: [...a.history]
                  .sort((x, y) => x.seq - y.seq)
                  .map((e) => [
                    { html: num(e.seq), cls: 'num' },
                    time(e.at),
                    text(e.actor),
                    `<span class="mono">${text(e.action)}</span>`,
                    e.reason ? text(e.reason) : '<span class="muted">—</span>',
                  ]),
              })
            : '<p class="muted">No recorded change.</p>'
        }`,
    ),
  ].join('\n');
}

/**
 * A request's status as it should read: one decided on an emergency path was approved by nobody,
 * so it reads "emergency, review pending" or "emergency, review done" (by whom), never "approved".
 */
export function approvalStatusText(a: EvidenceData['approvals'][number]): string {
  const e = a.emergency;
  if (!e) return a.status;
  return e.review === 'done' ? `emergency, review done by ${e.reviewed_by}` : 'emergency, review pending';
}

function approvals(data: EvidenceData, long: Long): string {
  const statuses = new Map<string, number>();
  for (const a of data.approvals) {
    const label = a.emergency ? 'emergency' : a.status;
    statuses.set(label, (statuses.get(label) ?? 0) + 1);
  }
  const emergencies = data.approvals.filter((a) => a.emergency);
  return [
    '<h3 id="approvals-list">Approvals</h3>',
    emergencies.length
      ? `<p>${num(emergencies.length)} of these were taken on an emergency path, approved by nobody: ` +
        `${num(emergencies.filter((a) => a.emergency?.review === 'pending').length)} still owe their post-incident review.</p>`
      : '',
    data.approvals.length
      ? long({
          id: 'appendix-approvals',
          title: 'Approvals',
          back: 'approvals-list',
          head: ['Approval', 'Kind', 'Status', 'Requester', 'Approvers', 'Decided', 'Summary'],
          counts: [...statuses]
            .sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
            .map(([st, n]) => `${num(n)} ${esc(st)}`)
            .join(', '),
          cls: 'compact',
          rows: data.approvals.map((a) => [
            `<span class="mono">${text(a.id)}</span>`,
            text(a.kind),
            a.emergency
              ? `<strong class="${a.emergency.review === 'done' ? 'warn' : 'bad'}">${esc(approvalStatusText(a))}</strong>` +
                `${a.emergency.review === 'done' ? `<br><span class="muted">reviewed ${time(a.emergency.reviewed_at)}</span>` : ''}`
              : text(a.status),
            text(a.requester),
            a.approvers.length
              ? a.approvers.map(text).join('<br>')
              : a.emergency
                ? '<span class="bad">nobody (emergency path)</span>'
                : '<span class="muted">—</span>',
            a.decided_at ? time(a.decided_at) : '<span class="muted">pending</span>',
            text(a.summary),
          ]),
        })
      : '<p class="muted">No approval in this pack.</p>',
    '<h3 id="exceptions-list">Exceptions</h3>',
    data.exceptions.length
      ? long({
          id: 'appendix-exceptions',
          title: 'Exceptions',
          back: 'exceptions-list',
          head: ['Exception', 'Identity', 'Control', 'Status', 'Expires', 'Justification'],
          cls: 'compact',
          rows: data.exceptions.map((e) => [
            `<span class="mono">${text(e.id)}</span>`,
            `<span class="mono">${text(e.identity)}</span>`,
            `<span class="mono">${text(e.control)}</span>`,
            text(e.status),
            date(e.expires_at),
            text(e.justification),
          ]),
        })
      : '<p class="muted">No exception in this pack.</p>',
  ].join('\n');
}

// ---- product packs (CRA) ------------------------------------------------------------------------

const CATEGORY_LABEL: Record<string, string> = {
  default: 'default category',
  important_class_i: 'important product, class I (Annex III)',
  important_class_ii: 'important product, class II (Annex III)',
  critical: 'critical product (Annex IV)',
};
const SIGN_OR_PUBLISH = new Set(['sign_release', 'publish_release', 'publish_security_update']);

function events(list: readonly EvidenceEvent[]): Cell[][] {
  return list.map((e) => [
    { html: num(e.seq), cls: 'num' },
    time(e.at),
    text(e.actor),
    `<span class="mono">${text(e.action)}</span>` +
      `${e.subject.type === 'identity' ? ` <span class="mono muted">${text(e.subject.id)}</span>` : ''}`,
    e.reason ? text(e.reason) : '<span class="muted">—</span>',
  ]);
}
const actionList = (xs: readonly string[], cls = '') =>
  xs.length ? xs.map((a) => `<span class="mono${cls ? ` ${cls}` : ''}">${text(a)}</span>`).join(', ') : '<span class="muted">—</span>';

/** The sections of a product pack: the product, who could sign and publish, grants and revocations, the Article 14 timeline. */
function productSections(p: ProductEvidence, data: EvidenceData, long: Long): Record<string, string> {
  const ca = p.conformity_assessment;
  const dd = (label: string, value: string | null) => `<dt>${label}</dt><dd>${value ?? '<span class="muted">none recorded</span>'}</dd>`;
  const product = [
    '<dl class="facts">',
    dd('Product', `${esc(p.name)} <span class="mono muted">(${esc(p.id)})</span>`),
    dd('Manufacturer', `${esc(data.entity.name)} <span class="mono muted">(${esc(p.manufacturer)})</span>`),
    dd('Category', esc(CATEGORY_LABEL[p.category] ?? p.category)),
    dd('Conformity and market status', text(p.status)),
    dd('Versions', p.versions.length ? p.versions.map((v) => `<span class="mono">${text(v)}</span>`).join(', ') : null),
    dd('Release channels', p.channels.map((c) => `<span class="mono">${text(c)}</span>`).join(', ')),
    dd('Made available in', p.member_states.length ? p.member_states.map(text).join(', ') : null),
    dd('Placed on the market', p.placed_on_market ? time(p.placed_on_market) : null),
    dd('Support period ends (Art. 13(8))', p.support_period_end ? date(p.support_period_end) : null),
    dd(
      'Conformity assessment (Art. 32)',
      ca ? `${text(ca.procedure)}, ${text(ca.reference)}${ca.notified_body ? `, notified body ${text(ca.notified_body)}` : ''}` : null,
    ),
    dd('EU declaration of conformity (Art. 28)', p.declaration_of_conformity ? text(p.declaration_of_conformity) : null),
    dd('Product lifecycle rules in force', `${text(p.rules.id)} <span class="muted">(version ${num(p.rules.version)})</span>`),
    '</dl>',
    '<h3 id="product-history">Recorded changes</h3>',
    p.history.length
      ? long({
          id: 'appendix-product-history',
          title: `History of ${p.id}`,
          back: 'product-history',
          head: ['Ledger seq', 'At', 'Actor', 'Action', 'Reason'],
          cls: 'compact',
          rows: events(p.history),
        })
      : '<p class="muted">No recorded change.</p>',
  ].join('\n');

  const holders = (action: string) => [...new Set(p.power.filter((r) => r.lawful.includes(action)).map((r) => r.identity))];
  const withApproval = (action: string) => [...new Set(p.power.filter((r) => r.approval.includes(action)).map((r) => r.identity))];
  const who = (ids: string[]) =>
    ids.length ? ids.map((i) => `<span class="mono">${text(i)}</span>`).join(', ') : '<span class="muted">nobody</span>';
  const signers = [
    `<p>${num(new Set(p.power.map((r) => r.identity)).size)} identities act for this product. Their product actions as of ` +
      `${time(data.as_of)}, under the product lifecycle rules ${text(p.rules.id)}: lawful alone, lawful only with a second ` +
      "person's approval (a just-in-time grant), or denied.</p>",
    '<dl class="facts">',
    `<dt>Could sign releases alone</dt><dd>${who(holders('sign_release'))}</dd>`,
    `<dt>Could sign with a second approval</dt><dd>${who(withApproval('sign_release'))}</dd>`,
    `<dt>Could publish releases</dt><dd>${who(holders('publish_release'))}</dd>`,
    `<dt>Could publish security updates</dt><dd>${who(holders('publish_security_update'))}</dd>`,
    '</dl>',
    p.power.length
      ? long({
          id: 'appendix-signers',
          title: 'Product power per identity',
          back: 'signers',
          head: ['Identity', 'Scope', 'Lawful', 'With a second approval', 'Denied'],
          cls: 'compact',
          rows: p.power.map((r) => [
            `<span class="mono">${text(r.identity)}</span>`,
            `<span class="mono">${text(r.scope)}</span>`,
            r.lawful.some((a) => SIGN_OR_PUBLISH.has(a)) ? `<strong>${actionList(r.lawful)}</strong>` : actionList(r.lawful),
            actionList(r.approval),
            actionList(r.denied, 'muted'),
          ]),
        })
      : '<p class="muted">No identity acts for this product.</p>',
  ].join('\n');

  const productExceptions = data.exceptions;
  const grants = [
    '<h3 id="product-grants-list">Grants</h3>',
    p.grants.length
      ? long({
          id: 'appendix-product-grants',
          title: 'Grants in the product’s scopes',
          back: 'product-grants-list',
          head: ['Grant', 'Kind', 'Identity', 'Actions', 'Scope', 'From', 'Until', 'Status'],
          cls: 'compact',
          rows: p.grants.map((g) => [
            `<span class="mono">${text(g.id)}</span>`,
            text(g.kind),
            `<span class="mono">${text(g.identity)}</span>`,
            actionList(g.actions),
            `<span class="mono">${text(g.scope)}</span>`,
            time(g.starts_at),
            time(g.ended_at ?? g.expires_at),
            g.ended_at ? `ended${g.end_reason ? ` (${text(g.end_reason)})` : ''}` : text(g.status),
          ]),
        })
      : '<p class="muted">No grant in the product’s scopes.</p>',
    '<h3 id="product-exceptions">Exceptions and compensating controls</h3>',
    productExceptions.length
      ? table(
          ['Exception', 'Identity', 'Control', 'Scope', 'Compensating controls', 'Status', 'Expires'],
          productExceptions.map((e) => [
            `<span class="mono">${text(e.id)}</span>`,
            `<span class="mono">${text(e.identity)}</span>`,
            `<span class="mono">${text(e.control)}</span>`,
            e.scope ? `<span class="mono">${text(e.scope)}</span>` : '<span class="muted">—</span>',
            e.compensating_controls?.length ? e.compensating_controls.map(text).join('<br>') : '<span class="bad">none</span>',
            text(e.status),
            date(e.expires_at),
          ]),
          'compact',
        )
      : '<p class="muted">No exception for these identities or this product.</p>',
    '<h3 id="product-revocations">Revocations</h3>',
    p.revocations.length
      ? long({
          id: 'appendix-product-revocations',
          title: 'Revocations',
          back: 'product-revocations',
          head: ['Ledger seq', 'At', 'Actor', 'Action', 'Reason'],
          cls: 'compact',
          rows: events(p.revocations),
        })
      : '<p class="muted">No identity acting for this product was suspended, revoked or narrowed.</p>',
    p.switch_offs.length
      ? table(
          ['Switch-off', 'Identity', 'Asked', 'Done', 'Status'],
          p.switch_offs.map((o) => [
            `<span class="mono">${text(o.id)}</span>`,
            `<span class="mono">${text(o.identity)}</span>`,
            time(o.requested_at),
            o.done_at ? time(o.done_at) : '<span class="warn">not yet</span>',
            text(o.status),
          ]),
          'compact',
        )
      : '',
  ].join('\n');

  const article14 = [
    '<p>Actively exploited vulnerabilities (Art. 14(1)–(2)) and severe incidents (Art. 14(3)–(4)) of this product: an early warning ' +
      'within 24 hours of awareness, a notification within 72 hours, and a final report 14 days after a corrective or mitigating ' +
      'measure is available (vulnerabilities) or one month after the notification (incidents). Art. 14 applies from 11 September 2026.</p>',
    ...(p.reports.length
      ? p.reports.map((r, k) =>
          [
            `<h3 id="report-${k + 1}">${text(r.kind)} <span class="mono">${text(r.id)}</span>${r.title ? `: ${text(r.title)}` : ''}</h3>`,
            '<dl class="facts">',
            `<dt>Aware at</dt><dd>${time(r.aware_at)}</dd><dt>Owner</dt><dd>${text(r.owner)}</dd><dt>Status</dt><dd>${text(r.status)}</dd>`,
            '</dl>',
            r.deadlines.length
              ? table(
                  ['Deadline', 'Article', 'Due', 'Submitted', 'State'],
                  r.deadlines.map((d) => [
                    text(d.milestone),
                    text(d.article),
                    d.due_at ? time(d.due_at) : '<span class="muted">not yet known</span>',
                    d.submitted_at ? time(d.submitted_at) : '<span class="muted">—</span>',
                    d.state === 'missed' ? '<span class="bad">missed</span>' : text(d.state),
                  ]),
                  'compact',
                )
              : '',
            r.milestones.length
              ? table(
                  ['Milestone', 'At', 'Reference', 'Recorded by'],
                  r.milestones.map((m) => [text(m.milestone), time(m.at), text(m.reference), text(m.by)]),
                  'compact',
                )
              : '<p class="muted">No milestone recorded.</p>',
            r.history.length ? table(['Ledger seq', 'At', 'Actor', 'Action', 'Reason'], events(r.history), 'compact') : '',
          ].join('\n'),
        )
      : ['<p class="ok">No actively exploited vulnerability or severe incident of this product was recorded by this time.</p>']),
  ].join('\n');
  return { product, signers, 'product-grants': grants, 'article-14': article14 };
}

function policy(data: EvidenceData): string {
  return [
    '<dl class="facts">',
    `<dt>Policy version</dt><dd>${num(data.policies.version)}</dd>`,
    `<dt>Digest</dt><dd class="mono">${data.policies.digest ? text(data.policies.digest) : '<span class="muted">—</span>'}</dd>`,
    `<dt>Control catalogue</dt><dd>version ${text(data.catalogue.version)}, ${num(data.catalogue.controls.length)} controls mapped</dd>`,
    '</dl>',
    data.policies.ids.length
      ? `<h3>Policies in force</h3><ul class="cols">${data.policies.ids.map((id) => `<li class="mono">${text(id)}</li>`).join('')}</ul>`
      : '<p class="muted">No policy in force.</p>',
  ].join('\n');
}

function verify(data: EvidenceData): string {
  const inPack = (path: string) => `<span class="mono">${esc(path.replace(/^\.\.\//, ''))}</span>`;
  return [
    '<p>Everything in this pack rests on Mandate’s ledger: an append-only Merkle tree of every change (RFC 9162) whose checkpoints are ' +
      'signed with Ed25519. The pack is signed too. Anyone can check it offline, without Mandate’s server or database:</p>',
    '<ol>',
    '<li>Obtain the ledger’s <strong>verifier key</strong> from a copy you keep independently of Mandate (it is published at <code>GET ' +
      `/v1/ledger/key</code> and by <code>mandate ledger checkpoint</code>). The pack carries the key too (${inPack('ledger/key.txt')}` +
      '), but a key taken from the pack only shows that the pack is consistent with itself.</li>',
    '<li>Run<pre><code>mandate ledger verify &lt;pack&gt;.tar.gz --key &lt;verifier key&gt;</code></pre>It checks the signature of the ' +
      'pack’s manifest and the SHA-256 of every file it lists, the signed checkpoint, each cited ledger event against its leaf ' +
      'hash and its inclusion proof in that checkpoint, and the OSCAL document against NIST’s OSCAL 1.1.3 schema. It reports every ' +
      'problem, not only the first.</li>',
    `<li>Check that the verified checkpoint is the one below: origin <span class="mono">${text(data.ledger.origin)}</span>, size ` +
      `<strong>${num(data.ledger.size)}</strong>, root <span class="mono">${text(data.ledger.root)}</span>. A checkpoint of the ` +
      'same log kept elsewhere must be consistent with it (<code>mandate ledger consistency</code>).</li>',
    `<li>The same results are in machine-readable form in ${inPack(`oscal/assessment-results.json`)} (OSCAL assessment results) and ` +
      `${inPack(PACK_EVIDENCE.data)}` +
      `; the observations cite the ledger events (${inPack(PACK_EVIDENCE.ledger)}) by sequence number.</li>`,
    '</ol>',
    `<p>This pack cites ${num(data.ledger.cited)} ledger event(s).</p>`,
    data.ledger.checkpoint
      ? `<h3>Signed checkpoint</h3><pre class="mono">${text(data.ledger.checkpoint)}</pre>`
      : '<p class="muted">No signed checkpoint in this pack.</p>',
  ].join('\n');
}

// ---- charts (inline SVG) ------------------------------------------------------------------------

function readinessChart(rows: Readiness[]): string {
  const W = 640,
    labelW = 200,
    barMax = 380,
    rowH = 26,
    top = 8,
    axis = 22;
  const n = Math.max(rows.length, 1);
  const H = top + n * rowH + axis;
  const x = (score: number) => labelW + (barMax * clamp(score)) / 100;
  const desc = rows.length
    ? rows.map((r) => `${r.service} (${r.jurisdiction}): ${fmt(clamp(r.score))} of 100`).join('; ')
    : 'No service in scope.';
  const out = [svgOpen('chart-readiness', W, H, 'Readiness score per service', desc)];
  if (!rows.length) out.push(`<text x="${W / 2}" y="${top + rowH / 2 + 4}" text-anchor="middle" class="axis">No service in scope</text>`);
  else {
    for (const t of [0, 25, 50, 75, 100]) {
      out.push(`<line x1="${x(t)}" y1="${top}" x2="${x(t)}" y2="${top + n * rowH}" stroke="#ccc" stroke-width="1"/>`);
      out.push(`<text x="${x(t)}" y="${top + n * rowH + 15}" text-anchor="middle" class="axis">${t}</text>`);
    }
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + 5,
      s = clamp(r.score);
    out.push(
      `<g><title>${esc(`${r.service} (${r.jurisdiction}): ${fmt(s)}`)}</title>` +
        `<text x="${labelW - 8}" y="${y + 12}" text-anchor="end">${esc(truncate(`${r.service} (${r.jurisdiction})`, 30))}</text>` +
        `<rect x="${labelW}" y="${y}" width="${fmt(x(s) - labelW)}" height="16" fill="${scoreColour(s)}" stroke="#333" ` +
        'stroke-width="0.5"/>' +
        `<text x="${fmt(x(s) + 6)}" y="${y + 12}" class="value">${fmt(s)}</text></g>`,
    );
  });
  out.push('</svg>');
  return out.join('');
}

function severityChart(rows: { severity: Severity; open: number; accepted: number }[]): string {
  const W = 640,
    H = 210,
    left = 40,
    bottom = 30,
    top = 22,
    plotH = H - top - bottom;
  const max = Math.max(1, ...rows.map((r) => r.open + r.accepted));
  const step = niceStep(max);
  const ymax = Math.ceil(max / step) * step;
  const y = (v: number) => top + plotH - (plotH * v) / ymax;
  const slot = (W - left - 10) / rows.length,
    bw = Math.min(70, slot * 0.5);
  const desc = rows.map((r) => `${r.severity}: ${r.open} open or acknowledged, ${r.accepted} accepted as risk`).join('; ');
  const out = [
    svgOpen('chart-severity', W, H, 'Unresolved findings by severity', desc),
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" ' +
      'x2="0" y2="6" stroke="#555" stroke-width="2"/></pattern></defs>',
  ];
  for (let t = 0; t <= ymax; t += step) {
    out.push(
      `<line x1="${left}" y1="${fmt(y(t))}" x2="${W - 10}" y2="${fmt(y(t))}" stroke="#ccc" stroke-width="1"/><text x="${left - 6}" y="` +
        `${fmt(y(t) + 4)}` +
        `" text-anchor="end" class="axis">${t}</text>`,
    );
  }
  rows.forEach((r, i) => {
    const cx = left + slot * i + slot / 2,
      x0 = cx - bw / 2;
    const total = r.open + r.accepted;
    out.push(`<g><title>${esc(`${r.severity}: ${r.open} open or acknowledged, ${r.accepted} accepted as risk`)}</title>`);
    if (r.open)
      out.push(
        `<rect x="${fmt(x0)}" y="${fmt(y(r.open))}" width="${fmt(bw)}" height="${fmt(y(0) - y(r.open))}" fill="` +
          `${SEVERITY_COLOUR[r.severity]}` +
          '" stroke="#333" stroke-width="0.5"/>',
      );
    if (r.accepted)
      out.push(
        `<rect x="${fmt(x0)}" y="${fmt(y(total))}" width="${fmt(bw)}" height="${fmt(y(r.open) - y(total))}" fill="url(#hatch)" ` +
          'stroke="#333" stroke-width="0.5"/>',
      );
    out.push(`<text x="${fmt(cx)}" y="${fmt(y(total) - 4)}" text-anchor="middle" class="value">${total}</text>`);
    out.push(`<text x="${fmt(cx)}" y="${H - 10}" text-anchor="middle">${r.severity}</text></g>`);
  });
  out.push('</svg>');
  return out.join('');
}

function trendChart(trend: EvidenceData['trend']): string {
  const W = 640,
    H = 220,
    left = 40,
    right = 20,
    top = 12,
    bottom = 36;
  const plotW = W - left - right,
    plotH = H - top - bottom;
  const points = trend.map((p, i) => ({ at: p.at, t: Date.parse(p.at), score: clamp(p.score), i }));
  const timed = points.every((p) => Number.isFinite(p.t));
  if (timed) points.sort((a, b) => a.t - b.t || a.i - b.i);
  const t0 = timed && points.length ? points[0]!.t : 0,
    t1 = timed && points.length ? points[points.length - 1]!.t : 0;
  const xOf = (p: (typeof points)[number], k: number) =>
    points.length < 2 ? left + plotW / 2 : left + plotW * (timed && t1 > t0 ? (p.t - t0) / (t1 - t0) : k / (points.length - 1));
  const y = (v: number) => top + plotH - (plotH * v) / 100;
  const desc = points.length ? points.map((p) => `${p.at}: ${fmt(p.score)}`).join('; ') : 'No readiness history in this pack.';
  const out = [svgOpen('chart-trend', W, H, 'Readiness trend', desc)];
  for (const t of [0, 25, 50, 75, 100]) {
    out.push(
      `<line x1="${left}" y1="${fmt(y(t))}" x2="${W - right}" y2="${fmt(y(t))}" stroke="#ccc" stroke-width="1"/><text x="${left - 6}" ` +
        `y="${fmt(y(t) + 4)}" text-anchor="end" class="axis">${t}</text>`,
    );
  }
  if (!points.length) {
    out.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" class="axis">No readiness history in this pack</text>`);
  } else {
    const xy = points.map((p, k) => [xOf(p, k), y(p.score)] as const);
    if (xy.length > 1)
      out.push(`<polyline points="${xy.map(([a, b]) => `${fmt(a)},${fmt(b)}`).join(' ')}" fill="none" stroke="#1b5e87" stroke-width="2"/>`);
    for (const [k, p] of points.entries()) {
      const [cx, cy] = xy[k]!;
      out.push(
        `<circle cx="${fmt(cx)}" cy="${fmt(cy)}" r="3" fill="#1b5e87">` + `<title>${esc(`${p.at}: ${fmt(p.score)}`)}</title></circle>`,
      );
    }
    const last = points[points.length - 1]!;
    const ticks = trendTicks(points.map((p, k) => ({ at: p.at, x: xy[k]![0] })));
    for (const t of ticks)
      out.push(
        `<line x1="${fmt(t.x)}" y1="${top + plotH}" x2="${fmt(t.x)}" y2="${top + plotH + 4}" stroke="#888" stroke-width="1"/>` +
          `<text x="${fmt(t.x)}" y="${H - 12}" text-anchor="${t.anchor}" class="axis tick">${esc(t.label)}</text>`,
      );
    out.push(
      `<text x="${fmt(xy[xy.length - 1]![0])}" y="${fmt(xy[xy.length - 1]![1] - 8)}" text-anchor="end" class="value">${fmt(last.score)}` +
        '</text>',
    );
  }
  out.push('</svg>');
  return out.join('');
}

/**
 * The trend's time axis: one tick per distinct date (at its first point), or, when every point
 * falls on one day, one per distinct time with the date on the first; labels that would overlap
 * are left out (the first and the last stay), so no two ticks ever read the same.
 */
export function trendTicks(points: { at: string; x: number }[]): { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[] {
  if (!points.length) return [];
  const dayOf = (at: string) => dateText(at);
  const days = new Set(points.map((p) => dayOf(p.at)));
  const timeOf = (at: string) => {
    const ms = Date.parse(at);
    return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(11, 16)} UTC` : at;
  };
  const oneDay = days.size === 1 && points.length > 1;
  const keyOf = oneDay ? (p: { at: string }) => timeOf(p.at) : (p: { at: string }) => dayOf(p.at);
  const candidates: { x: number; label: string }[] = [];
  const seen = new Set<string>();
  for (const p of points) {
    const key = keyOf(p);
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push({ x: p.x, label: key });
  }
  if (oneDay) candidates[0]!.label = `${dayOf(points[0]!.at)} ${candidates[0]!.label}`;
  // Thin out, so no two labels overlap: the first (anchored at its start) and the last (at its end)
  // stay; a tick too close to the one kept before it goes.
  // A label's width at the axis' 10 px font, with room around it.
  const width = (l: string) => l.length * 5.8 + 10;
  const extent = (c: { x: number; label: string }, anchor: 'start' | 'middle' | 'end') =>
    anchor === 'start'
      ? [c.x, c.x + width(c.label)]
      : anchor === 'end'
        ? [c.x - width(c.label), c.x]
        : [c.x - width(c.label) / 2, c.x + width(c.label) / 2];
  const fits = (a: { x: number; label: string }, aFirst: boolean, b: { x: number; label: string }, bLast: boolean) =>
    extent(a, aFirst ? 'start' : 'middle')[1]! <= extent(b, bLast ? 'end' : 'middle')[0]!;
  const kept = [candidates[0]!];
  for (const c of candidates.slice(1, -1)) if (fits(kept[kept.length - 1]!, kept.length === 1, c, false)) kept.push(c);
  if (candidates.length > 1) {
    const last = candidates[candidates.length - 1]!;
    while (kept.length > 1 && !fits(kept[kept.length - 1]!, false, last, true)) kept.pop();
    if (fits(kept[kept.length - 1]!, kept.length === 1, last, true)) kept.push(last);
  }
  return kept.map((k, i) => ({
    ...k,
    anchor: kept.length === 1 ? 'middle' : i === 0 ? 'start' : i === kept.length - 1 ? 'end' : 'middle',
  }));
}

function svgOpen(id: string, w: number, h: number, title: string, desc: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${id}" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ` +
    `${w}` +
    ` ${h}" width="${w}" height="${h}">` +
    `<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(desc)}</desc>`
  );
}

// ---- helpers ------------------------------------------------------------------------------------

type Cell = string | { html: string; cls: string };

/** A table; cells are HTML already escaped by the caller. */
function table(head: string[], rows: Cell[][], cls = '', caption?: string): string {
  const cell = (tag: 'td' | 'th', c: Cell) =>
    typeof c === 'string' ? `<${tag}>${c}</${tag}>` : `<${tag} class="${c.cls}">${c.html}</${tag}>`;
  // On a screen a wide table scrolls sideways in its own box; on paper it takes the page's width.
  return (
    `<div class="table-scroll"><table${cls ? ` class="${cls}"` : ''}>${caption ? `<caption class="sr">${esc(caption)}</caption>` : ''}` +
    `<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => cell('td', c)).join('')}</tr>`).join('\n')}</tbody></table></div>`
  );
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(s: string | number | null | undefined): string {
  return escapeHtml(s === null || s === undefined ? '' : String(s));
}

/** A data string for display: escaped, or a dash when blank. */
function text(s: string | null | undefined): string {
  return s === null || s === undefined || s.trim() === '' ? '<span class="muted">—</span>' : esc(s);
}

function num(n: number): string {
  return Number.isFinite(n) ? fmt(n) : '—';
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function clamp(score: number): number {
  return Number.isFinite(score) ? Math.min(100, Math.max(0, score)) : 0;
}

function scoreColour(s: number): string {
  return s >= 80 ? '#2e7d32' : s >= 50 ? '#b26a00' : '#c62828';
}

function severity(s: Severity): string {
  return `<span class="badge sev-${SEVERITIES.includes(s) ? s : 'low'}">${esc(s)}</span>`;
}

/** A timestamp as `YYYY-MM-DD HH:MM UTC` inside <time>, or the raw text when it does not parse. */
function time(s: string): string {
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) return text(s);
  const iso = new Date(ms).toISOString();
  return `<time datetime="${esc(iso)}">${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC</time>`;
}

function date(s: string): string {
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) return text(s);
  const iso = new Date(ms).toISOString();
  return `<time datetime="${esc(iso)}">${iso.slice(0, 10)}</time>`;
}

function dateText(s: string): string {
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : s;
}

function truncate(s: string, max: number): string {
  const cps = [...s];
  return cps.length > max ? `${cps.slice(0, max - 1).join('')}…` : s;
}

function niceStep(max: number): number {
  for (const s of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]) if (max / s <= 6) return s;
  return 10 ** Math.ceil(Math.log10(max / 6));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Print: A4, each major section on a new page, table headers repeated, no meaning carried by a
// background colour alone (borders and text colour, which print; charts keep exact colours).
const CSS = `
:root { --ink: #1a1a1a; --muted: #5a5a5a; --line: #b8b8b8; --ok: #2e7d32; --warn: #9a5a00; --bad: #c62828; }
* { box-sizing: border-box; }
html { color: var(--ink); background: #fff; }
body { margin: 0; font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px; }
header h1 { font-size: 20pt; margin: 0 0 8pt; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 8.5pt; color: var(--muted); margin: 0 0 2pt; }
h2 { font-size: 14pt; margin: 18pt 0 8pt; padding-bottom: 2pt; border-bottom: 2px solid var(--ink); }
h2.toc { font-size: 11pt; border: 0; margin: 12pt 0 2pt; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; }
nav ol { columns: 2; margin: 0; padding-left: 18pt; }
dl.facts {
  display: grid; grid-template-columns: max-content 1fr; gap: 2pt 12pt; margin: 0;
  border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); padding: 6pt 0;
}
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; margin: 4pt 0 10pt; font-size: 9pt; }
th, td { border: 1px solid var(--line); padding: 3pt 5pt; text-align: left; vertical-align: top; }
/* On a screen a long id wraps where it must but keeps the column wide enough to read (the table scrolls);
   on paper it may break anywhere, so a table never runs off the page. */
td { overflow-wrap: break-word; }
/* A header breaks between words (or after a hyphen), never inside one: the table scrolls instead. */
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; overflow-wrap: normal; word-break: normal; hyphens: manual; }
.table-scroll { overflow-x: auto; margin: 4pt 0 10pt; }
.table-scroll > table { margin: 0; }
.summary-note { margin-bottom: 2pt; }
p.back { font-size: 8.5pt; margin: 0 0 10pt; }
ol.appendix-toc { columns: 2; }
table.compact { font-size: 8pt; }
table.compact th, table.compact td { padding: 1.5pt 3pt; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.nowrap, time { white-space: nowrap; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; overflow-wrap: break-word; }
dd.mono, dd .mono, pre.mono, li.mono { overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.ok { color: var(--ok); }
.warn { color: var(--warn); }
.bad { color: var(--bad); }
.badge {
  display: inline-block; border: 1px solid currentColor; border-radius: 3px; padding: 0 4px;
  font-size: 0.85em; font-weight: 600; white-space: nowrap;
}
.sev-critical { color: #8e0000; border-width: 2px; }
.sev-high { color: var(--bad); }
.sev-medium { color: var(--warn); }
.sev-low { color: #1b5e87; }
.kpis { display: flex; flex-wrap: wrap; gap: 6pt; margin: 6pt 0 10pt; }
.kpi { border: 1px solid var(--line); border-left: 4px solid var(--ink); padding: 4pt 8pt; min-width: 28mm; font-size: 8.5pt; }
.kpi b { display: block; font-size: 16pt; }
.kpi.bad { border-left-color: var(--bad); }
.kpi.ok { border-left-color: var(--ok); }
.grid3 { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 160px), 1fr)); gap: 8pt; }
.grid3 > div { min-width: 0; }
figure { margin: 6pt 0 12pt; }
figcaption { font-size: 8.5pt; color: var(--muted); }
svg.chart { display: block; width: 100%; max-width: 640px; height: auto; border: 1px solid var(--line); }
svg.chart text { font: 11px system-ui, sans-serif; fill: var(--ink); }
svg.chart text.axis { fill: var(--muted); font-size: 10px; }
svg.chart text.value { font-weight: 600; }
pre { border: 1px solid var(--line); padding: 6pt; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 8.5pt; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
ul.cols { columns: 2; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 18pt; border-top: 1px solid var(--line); font-size: 8.5pt; }
@page { size: A4; margin: 15mm 12mm 16mm; }
@media print {
  body { font-size: 9.5pt; }
  main { max-width: none; padding: 0; }
  .table-scroll { overflow: visible; }
  td, td .mono { overflow-wrap: anywhere; }
  section.major { break-before: page; page-break-before: always; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  tr, figure, .kpi, pre { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`;
