// An evidence pack as an OSCAL assessment-results document (NIST OSCAL 1.1.3, JSON): one result
// whose observations are the automated checks and the unresolved findings, and whose findings say,
// per control, whether it is satisfied. Pure and deterministic: the same data gives the same
// document byte for byte (UUIDs are derived from SHA-256, never drawn at random). The schema is
// vendored at schemas/oscal/; test/core/oscal.test.ts validates against it.
import { createHash } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import type { CheckResult, Control, EvidenceData, Finding, Severity } from '../core/evidence.js';

export const OSCAL_VERSION = '1.1.3';
/** The namespace of Mandate's own OSCAL properties. */
export const MANDATE_NS = 'https://mandate.dev/ns/oscal';

/**
 * Where the pack's evidence files are, relative to the OSCAL document (`oscal/assessment-results.json`
 * in the pack; the layout is src/evidence/pack.ts's). `data` takes a JSON pointer fragment.
 */
export const PACK_EVIDENCE = {
  ledger: '../ledger/events.jsonl',
  checkpoint: '../ledger/checkpoint.txt',
  proofs: '../ledger/proofs.json',
  data: '../data/evidence.json',
  report: '../report.html',
} as const;

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export type FrameworkId = Control['framework'] | 'other';
export const FRAMEWORKS: readonly FrameworkId[] = ['owasp-nhi-2025', 'nist-csf-2.0', 'mica', 'dora', 'cra', 'other'];
export const FRAMEWORK_NAMES: Record<FrameworkId, { short: string; long: string }> = {
  'owasp-nhi-2025': { short: 'OWASP NHI Top 10', long: 'OWASP Non-Human Identities Top 10 (2025)' },
  'nist-csf-2.0': { short: 'NIST CSF 2.0', long: 'NIST Cybersecurity Framework 2.0' },
  mica: { short: 'MiCA', long: 'MiCA (Regulation (EU) 2023/1114)' },
  dora: { short: 'DORA', long: 'DORA (Regulation (EU) 2022/2554) and RTS (EU) 2024/1774' },
  cra: { short: 'CRA', long: 'Cyber Resilience Act (Regulation (EU) 2024/2847)' },
  other: { short: 'Other', long: 'Controls outside the catalogue' },
};
const SCHEME_FRAMEWORK: Record<string, Control['framework']> = {
  'owasp-nhi': 'owasp-nhi-2025',
  'nist-csf': 'nist-csf-2.0',
  mica: 'mica',
  dora: 'dora',
  cra: 'cra',
};

/** Findings that still bear on a control: everything but the resolved ones. */
export function isUnresolved(f: Finding): boolean {
  return f.status !== 'resolved';
}

/** How one control fared in the pack's check run. The OSCAL document and the report both use this. */
export interface ControlOutcome {
  /** Mandate's control id (`owasp-nhi:NHI7`). */
  id: string;
  /** The catalogue entry, when the pack's catalogue has it. */
  control: Control | undefined;
  framework: FrameworkId;
  ref: string;
  title: string;
  checks: CheckResult[];
  /** Unresolved findings (open, acknowledged, accepted_risk) that name the control. */
  findings: Finding[];
  evaluated: number;
  failed: number;
  /** No mapped check failed and no unresolved finding names the control (accepted risk is not satisfaction). */
  satisfied: boolean;
}

/**
 * One outcome per control named by a check or a finding, in framework order, then catalogue
 * order, then id.
 */
export function controlOutcomes(data: EvidenceData): ControlOutcome[] {
  const catalogue = new Map<string, { control: Control; index: number }>();
  data.catalogue.controls.forEach((control, index) => {
    if (!catalogue.has(control.id)) catalogue.set(control.id, { control, index });
  });
  const ids = new Set<string>();
  for (const c of data.checks) for (const id of c.controls) ids.add(id);
  for (const f of data.findings) for (const id of f.controls) ids.add(id);
  const out: (ControlOutcome & { index: number })[] = [];
  for (const id of ids) {
    const entry = catalogue.get(id);
    const checks = data.checks.filter((c) => c.controls.includes(id));
    const findings = data.findings.filter((f) => isUnresolved(f) && f.controls.includes(id));
    const evaluated = checks.reduce((n, c) => n + count(c.evaluated), 0);
    const failed = checks.reduce((n, c) => n + count(c.failed), 0);
    const scheme = id.includes(':') ? id.slice(0, id.indexOf(':')) : '';
    out.push({
      id,
      control: entry?.control,
      framework: entry?.control.framework ?? SCHEME_FRAMEWORK[scheme] ?? 'other',
      ref: entry?.control.ref ?? (scheme ? id.slice(scheme.length + 1) : id),
      title: entry?.control.title ?? id,
      checks,
      findings,
      evaluated,
      failed,
      satisfied: failed === 0 && findings.length === 0,
      index: entry?.index ?? Number.MAX_SAFE_INTEGER,
    });
  }
  out.sort((a, b) => FRAMEWORKS.indexOf(a.framework) - FRAMEWORKS.indexOf(b.framework) || a.index - b.index || cmp(a.id, b.id));
  return out.map(({ index: _index, ...o }) => o);
}

/** A version-5-style (name-based) RFC 4122 UUID from the SHA-256 of a seed: deterministic, and of the form the OSCAL schema admits. */
export function oscalUuid(seed: string): string {
  const b = createHash('sha256').update(`mandate/oscal\n${seed}`, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A string as an OSCAL token (an XML NCName): characters outside letters, digits, `.`, `-`, `_` become `_`; it starts with a letter or `_`.
 */
export function oscalToken(s: string): string {
  let out = '';
  for (const ch of s) out += /^[\p{L}\p{N}._-]$/u.test(ch) ? ch : '_';
  return /^[\p{L}_]/u.test(out) ? out : `_${out}`;
}

/**
 * A string as an OSCAL StringDatatype: white space runs collapsed to one space, none at either end, no lone surrogate. Empty when nothing
 * is left.
 */
export function oscalString(s: string | null | undefined): string {
  return wellFormed(s ?? '')
    .replace(/\s+/gu, ' ')
    .trim();
}

// ---- the document -------------------------------------------------------------------------------

type Json = string | number | boolean | null | Json[] | { [k: string]: Json | undefined };
type Obj = { [k: string]: Json | undefined };
interface Prop {
  name: string;
  ns: string;
  value: string;
  class?: string;
}

/** The assessment-results document of one evidence pack. */
export function assessmentResults(data: EvidenceData): object {
  const generatedAt = timestamp(data.generated_at);
  if (generatedAt === null)
    throw new MandateError('INVALID_RECORD', `generated_at is not a date-time with a time zone: ${JSON.stringify(data.generated_at)}`, {
      field: '/generated_at',
    });
  const asOf = timestamp(data.as_of);
  const start = asOf ?? generatedAt;
  const end = asOf !== null && Date.parse(generatedAt) >= Date.parse(asOf) ? generatedAt : undefined;

  const entityName = oscalString(data.entity.name) || oscalString(data.entity.id) || 'Unnamed entity';
  const jurisdiction = oscalString(data.jurisdiction) || 'unknown member state';
  const docSeed = [
    'assessment-results',
    data.entity.id,
    data.jurisdiction,
    data.as_of,
    data.generated_at,
    String(data.ledger.size),
    data.ledger.root,
    // A product pack (CRA) is another document than its manufacturer's pack.
    ...(data.product ? ['product', data.product.id] : []),
  ].join('\u0000');
  const ids = new UuidMint(docSeed);
  const product = data.product;
  const productName = product ? oscalString(product.name) || oscalString(product.id) || 'Unnamed product' : '';

  const partyUuid = oscalUuid(`party\u0000${data.entity.id}`);
  const toolUuid = oscalUuid('component\u0000mandate');
  const platformUuid = oscalUuid('assessment-platform\u0000mandate');
  const origins: Json = [{ actors: [{ type: 'assessment-platform', 'actor-uuid': platformUuid }] }];

  const checkIndex = new Map(data.checks.map((c, i) => [c, i]));
  const findingIndex = new Map(data.findings.map((f, i) => [f, i]));
  const checks = [...data.checks].sort((a, b) => cmp(a.check, b.check));
  const findings = [...data.findings].sort((a, b) => cmp(a.id, b.id));
  const unresolved = findings.filter(isUnresolved);
  const outcomes = controlOutcomes(data);

  // Subjects: identities are inventory items (defined below); anything else is a back-matter resource.
  const inventoryIds = new Set(data.inventory.identities.map((i) => i.id));
  const subjectRefs = new Map<string, Obj>();
  const resources: Obj[] = [];
  const strayIdentities = new Set<string>();
  const subjectRef = (s: { type: string; id: string }): Obj => {
    const key = `${s.type}\u0000${s.id}`;
    const known = subjectRefs.get(key);
    if (known) return known;
    let ref: Obj;
    if (s.type === 'identity') {
      if (!inventoryIds.has(s.id)) strayIdentities.add(s.id);
      ref = { 'subject-uuid': identityUuid(data.entity.id, s.id), type: 'inventory-item', title: `Identity ${visible(s.id)}` };
    } else {
      const uuid = oscalUuid(`resource\u0000${data.entity.id}\u0000${key}`);
      resources.push(
        obj({
          uuid,
          title: `${visible(s.type)} ${visible(s.id)}`,
          description: `The ${visible(s.type)} a Mandate finding names as its subject.`,
          props: props(prop('subject-type', s.type), prop('subject-id', s.id)),
        }),
      );
      ref = { 'subject-uuid': uuid, type: 'resource', title: `${visible(s.type)} ${visible(s.id)}` };
    }
    subjectRefs.set(key, ref);
    return ref;
  };

  // One observation per check, then one per unresolved finding.
  const checkObservations = new Map<string, string[]>();
  const observations: Obj[] = [];
  for (const c of checks) {
    const uuid = ids.mint(`observation\u0000check\u0000${c.check}`);
    checkObservations.set(c.check, [...(checkObservations.get(c.check) ?? []), uuid]);
    const mine = unresolved.filter((f) => f.check === c.check);
    const subjects = unique(mine.map((f) => subjectRef(f.subject)));
    observations.push(
      obj({
        uuid,
        title: nonBlank(c.title) ?? `Check ${visible(c.check)}`,
        description: nonBlank(c.description) ?? `Automated check ${visible(c.check)}.`,
        props: props(
          prop('check-id', c.check),
          prop('severity', c.severity),
          prop('evaluated', String(count(c.evaluated))),
          prop('failed', String(count(c.failed))),
          ...[...new Set(c.controls)].sort(cmp).map((id) => prop('control-id', id)),
        ),
        methods: ['TEST'],
        types: ['control-objective'],
        origins,
        subjects: subjects.length ? subjects : undefined,
        'relevant-evidence': [
          {
            href: `${PACK_EVIDENCE.data}#/checks/${checkIndex.get(c)}`,
            description:
              `The result of check ${visible(c.check)} in this pack's run: ${count(c.failed)} of ${count(c.evaluated)} ` +
              'subjects failed.',
          },
          ...mine.map((f) => ({
            href: `${PACK_EVIDENCE.data}#/findings/${findingIndex.get(f)}`,
            description: `Finding ${visible(f.id)} (${f.status}), which this check raised.`,
          })),
        ],
        collected: generatedAt,
      }),
    );
  }
  const findingObservations = new Map<string, string>();
  for (const f of unresolved) {
    const uuid = ids.mint(`observation\u0000finding\u0000${f.id}`);
    if (!findingObservations.has(f.id)) findingObservations.set(f.id, uuid);
    const seqs = [...new Set(f.evidence.filter((n) => Number.isSafeInteger(n)))].sort((a, b) => a - b);
    observations.push(
      obj({
        uuid,
        title: nonBlank(f.title) ?? `Finding ${visible(f.id)}`,
        description: nonBlank(f.detail) ?? nonBlank(f.title) ?? `Finding ${visible(f.id)}.`,
        props: props(
          prop('finding-id', f.id),
          prop('check-id', f.check),
          prop('severity', f.severity),
          prop('finding-status', f.status),
          prop('owner', f.owner),
          prop('first-seen', f.first_seen),
          prop('last-seen', f.last_seen),
          prop('due-at', f.due_at),
          prop('exception', f.exception),
          ...[...new Set(f.controls)].sort(cmp).map((id) => prop('control-id', id)),
          ...[...new Set(f.scopes)].sort(cmp).map((s) => prop('scope', s)),
        ),
        methods: ['TEST'],
        types: ['finding'],
        origins,
        subjects: [subjectRef(f.subject)],
        'relevant-evidence': [
          ...(seqs.length
            ? [
                {
                  href: PACK_EVIDENCE.ledger,
                  props: props(...seqs.map((n) => prop('ledger-seq', String(n)))),
                  description:
                    `The ledger events this finding rests on, by sequence number: ${seqs.join(', ')}; each has an inclusion ` +
                    "proof in the pack's signed checkpoint.",
                },
              ]
            : []),
          {
            href: `${PACK_EVIDENCE.data}#/findings/${findingIndex.get(f)}`,
            description: `Finding ${visible(f.id)} as recorded in this pack.`,
          },
        ],
        collected: generatedAt,
      }),
    );
  }

  // One OSCAL finding per control, with its outcome.
  const targets = controlTargets(outcomes.map((o) => o.id));
  const oscalFindings: Obj[] = outcomes.map((o) => {
    const related = unique([
      ...o.checks.flatMap((c) => checkObservations.get(c.check) ?? []),
      ...o.findings.map((f) => findingObservations.get(f.id)).filter((u): u is string => u !== undefined),
    ]);
    const bySeverity = [...o.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || cmp(a.id, b.id));
    const statuses = (s: Finding['status']) => o.findings.filter((f) => f.status === s).length;
    const name = FRAMEWORK_NAMES[o.framework].short;
    const description = o.satisfied
      ? `Satisfied: ${o.checks.length} check(s) mapped to ${visible(o.ref)} evaluated ${o.evaluated} subject(s) and none failed; no ` +
        'unresolved finding names it.'
      : `Not satisfied: ${o.failed} of ${o.evaluated} subject evaluation(s) failed the ${o.checks.length} check(s) mapped to ` +
        `${visible(o.ref)}; unresolved findings: ${statuses('open')} open, ${statuses('acknowledged')} acknowledged, ` +
        `${statuses('accepted_risk')} accepted as risk.`;
    const exceptions = [
      ...new Set(o.findings.map((f) => f.exception).filter((e): e is string => e !== null && oscalString(e) !== '')),
    ].sort(cmp);
    return obj({
      uuid: ids.mint(`finding\u0000${o.id}`),
      title: `${name} ${visible(o.ref)}: ${visible(o.title)}`,
      description,
      props: props(
        prop('control-id', o.id),
        prop('framework', o.framework),
        bySeverity[0] ? prop('highest-severity', bySeverity[0].severity) : undefined,
        ...bySeverity.map((f) => prop('finding-id', f.id, f.severity)),
      ),
      origins,
      target: obj({
        type: 'objective-id',
        'target-id': targets.get(o.id)!,
        title: `${name} ${visible(o.ref)}`,
        status: obj({ state: o.satisfied ? 'satisfied' : 'not-satisfied', reason: o.satisfied ? 'pass' : 'fail' }),
      }),
      'related-observations': related.length ? related.map((u) => ({ 'observation-uuid': u })) : undefined,
      remarks: exceptions.length
        ? `Risk accepted under exception(s) ${exceptions.map(visible).join(', ')}; the control stays not satisfied while they last.`
        : undefined,
    });
  });

  const inventoryItems: Obj[] = [
    ...[...data.inventory.identities]
      .sort((a, b) => cmp(a.id, b.id))
      .map((i) =>
        obj({
          uuid: identityUuid(data.entity.id, i.id),
          description: `${visible(i.kind)} ${visible(i.id)}: ${visible(i.function)} (${visible(i.capability)}), ${visible(i.status)}.`,
          props: props(
            prop('identity-id', i.id),
            prop('kind', i.kind),
            prop('function', i.function),
            prop('capability', i.capability),
            prop('credential', i.credential),
            prop('status', i.status),
            prop('owner', i.owner),
            prop('vendor', i.vendor),
            prop('break-glass', i.break_glass ? 'true' : 'false'),
            ...[...new Set(i.scopes)].sort(cmp).map((s) => prop('scope', s)),
          ),
        }),
      ),
    ...[...strayIdentities].sort(cmp).map((id) =>
      obj({
        uuid: identityUuid(data.entity.id, id),
        description: `Identity ${visible(id)}, named by a finding but not in this pack's inventory.`,
        props: props(prop('identity-id', id)),
      }),
    ),
  ];
  // uniqueness of inventory item uuids (an identity listed twice in the inventory)
  const seenItems = new Set<string>();
  const items = inventoryItems.filter((i) => {
    const u = i.uuid as string;
    if (seenItems.has(u)) return false;
    seenItems.add(u);
    return true;
  });

  const unresolvedCount = unresolved.length;
  const controlIds = outcomes.map((o) => ({ 'control-id': targets.get(o.id)! }));
  const result = obj({
    uuid: ids.mint('result'),
    title: product
      ? `Mandate control checks: product ${productName} of ${entityName} (made available in ${jurisdiction})`
      : `Mandate control checks: ${entityName} (${jurisdiction})`,
    description:
      `Automated checks of the non-human identities of ${entityName}` +
      `${oscalString(data.entity.lei) ? ` (LEI ${oscalString(data.entity.lei)})` : ''} for ${jurisdiction}, as of ${start}: ` +
      `${checks.length} check(s) over ${outcomes.length} control(s), ${outcomes.filter((o) => !o.satisfied).length} not satisfied; ` +
      `${unresolvedCount} unresolved finding(s).`,
    start,
    end,
    props: props(
      prop('entity-id', data.entity.id),
      prop('lei', data.entity.lei),
      prop('jurisdiction', data.jurisdiction),
      prop('product-id', product?.id),
      prop('product-category', product?.category),
      prop('product-status', product?.status),
      prop('product-rules', product ? `${product.rules.id} (version ${product.rules.version})` : undefined),
      prop('catalogue-version', data.catalogue.version),
      ...[...data.readiness]
        .sort((a, b) => cmp(a.service, b.service) || cmp(a.jurisdiction, b.jurisdiction))
        .map((r) => prop('readiness-score', String(r.score), r.service)),
    ),
    'local-definitions': obj({
      'inventory-items': items.length ? items : undefined,
      'assessment-assets': {
        components: [
          {
            uuid: toolUuid,
            type: 'software',
            title: 'Mandate',
            description:
              'Mandate, the control plane for non-human identities: its automated control checks produced the observations of this result.',
            status: { state: 'operational' },
          },
        ],
        'assessment-platforms': [
          { uuid: platformUuid, title: 'Mandate control checks', 'uses-components': [{ 'component-uuid': toolUuid }] },
        ],
      },
    }),
    'reviewed-controls': {
      'control-selections': [
        controlIds.length ? { 'include-controls': controlIds } : { description: 'No check in this pack maps to a control.' },
      ],
    },
    observations: observations.length ? observations : undefined,
    findings: oscalFindings.length ? oscalFindings : undefined,
  });

  const ledgerUuid = oscalUuid(`resource\u0000ledger\u0000${docSeed}`);
  const document = obj({
    uuid: oscalUuid(docSeed),
    metadata: obj({
      title: product
        ? `Mandate evidence pack: product ${productName} of ${entityName} as of ${start}`
        : `Mandate evidence pack: ${entityName} (${jurisdiction}) as of ${start}`,
      'last-modified': generatedAt,
      version: `${start} (ledger size ${count(data.ledger.size)})`,
      'oscal-version': OSCAL_VERSION,
      props: props(
        prop('catalogue-version', data.catalogue.version),
        prop('policy-version', String(data.policies.version)),
        prop('policy-digest', data.policies.digest),
        prop('ledger-origin', data.ledger.origin),
        prop('ledger-size', String(count(data.ledger.size))),
        prop('ledger-root', data.ledger.root),
        prop('ledger-events-cited', String(count(data.ledger.cited))),
      ),
      roles: [{ id: 'prepared-for', title: 'Prepared For' }],
      parties: [
        obj({
          uuid: partyUuid,
          type: 'organization',
          name: entityName,
          props: props(prop('entity-id', data.entity.id), prop('lei', data.entity.lei), prop('home-member-state', data.entity.home)),
        }),
      ],
      'responsible-parties': [{ 'role-id': 'prepared-for', 'party-uuids': [partyUuid] }],
    }),
    'import-ap': {
      href: product
        ? `mandate://assessment-plan/product/${uriSegment(product.id)}`
        : `mandate://assessment-plan/${uriSegment(data.entity.id)}/${uriSegment(data.jurisdiction)}`,
      remarks:
        'Mandate keeps no OSCAL assessment plan: this reference names the standing plan (the control catalogue and its checks) for ' +
        'this entity and member state.',
    },
    results: [result],
    'back-matter': {
      resources: [
        obj({
          uuid: ledgerUuid,
          title: 'Ledger events',
          description:
            `The pack's ledger events (origin ${oscalString(data.ledger.origin) || 'unknown'}, size ` +
            `${count(data.ledger.size)}), with the signed checkpoint and each event's inclusion proof in it; verifiable offline ` +
            'with mandate ledger verify.',
          props: props(prop('ledger-root', data.ledger.root)),
          rlinks: [
            { href: PACK_EVIDENCE.ledger, 'media-type': 'application/jsonl' },
            { href: PACK_EVIDENCE.checkpoint, 'media-type': 'text/plain' },
            { href: PACK_EVIDENCE.proofs, 'media-type': 'application/json' },
          ],
        }),
        ...resources.sort((a, b) => cmp(a.uuid as string, b.uuid as string)),
      ],
    },
  });
  return { 'assessment-results': document };
}

// ---- helpers ------------------------------------------------------------------------------------

/** Mints unique UUIDs within one document: a repeated seed gets a counter. */
class UuidMint {
  private readonly used = new Map<string, number>();
  constructor(private readonly base: string) {}
  mint(seed: string): string {
    const n = this.used.get(seed) ?? 0;
    this.used.set(seed, n + 1);
    return oscalUuid(`${this.base}\u0000${seed}${n ? `\u0000${n}` : ''}`);
  }
}

function identityUuid(entity: string, id: string): string {
  return oscalUuid(`inventory-item\u0000${entity}\u0000identity\u0000${id}`);
}

/** Control ids as target/control tokens; ids that sanitise alike get a hash suffix so they stay distinct. */
function controlTargets(ids: string[]): Map<string, string> {
  const tokens = new Map(ids.map((id) => [id, oscalToken(id)]));
  const counts = new Map<string, number>();
  for (const t of tokens.values()) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [id, t] of tokens) {
    if (counts.get(t)! > 1) tokens.set(id, `${t}-${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 8)}`);
  }
  return tokens;
}

// The dateTime-with-timezone pattern of NIST's OSCAL schema, verbatim so that it can be compared with the schema.
const DATE_TIME =
  /^(((2000|2400|2800|(19|2[0-9](0[48]|[2468][048]|[13579][26])))-02-29)|(((19|2[0-9])[0-9]{2})-02-(0[1-9]|1[0-9]|2[0-8]))|(((19|2[0-9])[0-9]{2})-(0[13578]|10|12)-(0[1-9]|[12][0-9]|3[01]))|(((19|2[0-9])[0-9]{2})-(0[469]|11)-(0[1-9]|[12][0-9]|30)))T(2[0-3]|[01][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|(-((0[0-9]|1[0-2]):00|0[39]:30)|\+((0[0-9]|1[0-4]):00|(0[34569]|10):30|(0[58]|12):45)))$/; // lines: long

/** The timestamp as OSCAL accepts it: kept as written when it already conforms, else normalised to UTC; null when it is no date-time. */
function timestamp(s: string): string | null {
  if (DATE_TIME.test(s) && Number.isFinite(Date.parse(s))) return s;
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) return null;
  const iso = new Date(ms).toISOString();
  return DATE_TIME.test(iso) ? iso : null;
}

function prop(name: string, value: string | null | undefined, cls?: string): Prop | undefined {
  const v = oscalString(value);
  if (!v) return undefined;
  return cls === undefined ? { name, ns: MANDATE_NS, value: v } : { name, ns: MANDATE_NS, value: v, class: oscalToken(cls) };
}

function props(...list: (Prop | undefined)[]): Json[] | undefined {
  const out = list.filter((p): p is Prop => p !== undefined).map((p) => ({ ...p }) as Obj);
  return out.length ? out : undefined;
}

/** The object without its undefined members (keys keep their order). */
function obj(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function nonBlank(s: string | null | undefined): string | undefined {
  return s !== null && s !== undefined && s.trim() !== '' ? wellFormed(s) : undefined;
}

/** A string for running text: collapsed white space, or a visible placeholder when nothing is left. */
function visible(s: string): string {
  return oscalString(s) || '(blank)';
}

function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function uriSegment(s: string): string {
  return encodeURIComponent(wellFormed(s)) || '_';
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function count(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0;
}

/** Code-unit order: the same everywhere, unlike localeCompare. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
