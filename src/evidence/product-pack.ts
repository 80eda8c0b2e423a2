// The evidence of one product (CRA; for its technical documentation, Annex VII), as of one time:
// the product as recorded then and its history; who could sign and publish for it (each identity
// with a product scope of it and its product actions under the product rules then in force); the
// grants and exceptions in its scopes and when they expired; revocations and connector switch-offs
// of those identities; the Article 14 timeline of its reports (cra_reports); and the findings,
// approvals and check run as the entity packs have them. pack.ts signs and writes it the same way.
import { productVerdict, type ProductRuleSet } from '@mandate/sdk/decision';
import { CHECKS } from '../core/checks.js';
import { deadlines as craDeadlines, type ClockInput } from '../core/cra-clock.js';
import { MandateError } from '../core/errors.js';
import type { CheckResult, EmergencyReview, EvidenceData, EvidenceEvent, Finding, ProductEvidence } from '../core/evidence.js';
import { ruleSubject, scopeKey } from '../core/lifecycle.js';
import { channelsOf, isProductScope, type Identity, type Product } from '../core/model.js';
import { PRODUCT_ACTIONS, ActionVocabulary } from '../core/vocabulary.js';
import type { ComplianceService } from '../compliance/service.js';
import { stateAt } from '../ledger/asof.js';
import type { LedgerService } from '../ledger/service.js';
import { loadCatalogue } from '../state/catalogue.js';
import { defaultProductRules } from '../state/product-rules.js';
import { getRecord } from '../state/records.js';
import { placeholders, type Database, type Sql } from '../store/db.js';

export interface ProductPackDeps {
  db: Database;
  ledger: Pick<LedgerService, 'checkpoint' | 'logKey'>;
  compliance: Pick<ComplianceService, 'findings'>;
  /** The emergency-path requests among these approvals, with their review as of a time (pack.ts). */
  emergencyReviews: (db: Database, ids: string[], asOf: string) => Promise<Map<string, EmergencyReview>>;
}

const PRODUCT_STATUS_ACTIONS = ['product.created', 'product.updated', 'product.status_changed'];
/** Events that take power away from an identity (or give it back): the revocation trail. */
const REVOCATION_ACTIONS = [
  'identity.status_changed',
  'identity.suspended',
  'identity.narrowed',
  'identity.restored',
  'identity.tokens_revoked',
  'credential.revoked',
];

interface EventRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  reason: string | null;
}
const toEvent = (e: EventRow): EvidenceEvent => ({
  seq: Number(e.seq),
  at: e.at,
  actor: e.actor,
  action: e.action,
  subject: { type: e.subject_type, id: e.subject_id },
  reason: e.reason,
});

/** Events about these subjects of a type, up to seq (optionally of these actions), in order. */
async function eventsAbout(sql: Sql, type: string, ids: readonly string[], maxSeq: number, actions?: readonly string[]) {
  const out: EvidenceEvent[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await sql.all<EventRow>(
      'SELECT seq, at, actor, action, subject_type, subject_id, reason FROM events WHERE subject_type = ? AND seq <= ? ' +
        `AND subject_id IN (${placeholders(chunk.length)})` +
        `${actions ? ` AND action IN (${placeholders(actions.length)})` : ''} ORDER BY seq`,
      [type, maxSeq, ...chunk, ...(actions ?? [])],
    );
    out.push(...rows.map(toEvent));
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** Rows of a table whose column is one of these ids, 500 at a time. */
async function rowsFor<T>(sql: Sql, select: string, column: string, ids: readonly string[], extra: unknown[] = []): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    out.push(...(await sql.all<T>(`${select} AND ${column} IN (${placeholders(chunk.length)})`, [...extra, ...chunk] as never[])));
  }
  return out;
}

/**
 * The product as its last recorded change at or before seq left it (created, updated, or its status
 * changed by a transition: each event carries the whole record; a status-only document changes the
 * status alone), with the events to cite; else, for a pack as of now, the stored record.
 */
async function productAt(sql: Sql, id: string, maxSeq: number, asOfGiven: boolean) {
  const history = await eventsAbout(sql, 'product', [id], maxSeq);
  const docs = new Map<number, Partial<Product>>();
  const relevant = history.filter((e) => PRODUCT_STATUS_ACTIONS.includes(e.action));
  for (let i = 0; i < relevant.length; i += 500) {
    const chunk = relevant.slice(i, i + 500).map((e) => e.seq);
    for (const r of await sql.all<{ seq: number; after_doc: string }>(
      `SELECT seq, after_doc FROM events WHERE seq IN (${placeholders(chunk.length)})`,
      chunk,
    ))
      docs.set(Number(r.seq), JSON.parse(r.after_doc) as Partial<Product>);
  }
  const full = [...relevant].reverse().find((e) => docs.get(e.seq)?.name !== undefined && docs.get(e.seq)?.id === id);
  if (full) {
    const status = [...relevant].reverse().find((e) => docs.get(e.seq)?.status !== undefined);
    const product = docs.get(full.seq) as Product;
    const changed = status && status.seq > full.seq ? docs.get(status.seq)!.status : undefined;
    return {
      product: changed ? { ...product, status: changed } : product,
      history,
      cite: [...new Set([full.seq, status?.seq ?? full.seq])],
    };
  }
  // Recorded without an event (never through the API): today's record, only for a pack as of now.
  const stored = asOfGiven ? undefined : await getRecord(sql, 'product', id);
  return stored ? { product: stored.record, history, cite: [] as number[] } : undefined;
}

/** The product rules in force at seq: the last published version then, else the shipped default. */
async function productRulesAt(
  sql: Sql,
  maxSeq: number,
): Promise<{ rules: ProductRuleSet & { id: string }; version: number; seq: number | null }> {
  const [row] = await sql.all<{ seq: number; subject_id: string; after_doc: string }>(
    "SELECT seq, subject_id, after_doc FROM events WHERE action = 'product_lifecycle_rules.published' AND seq <= ? " +
      'ORDER BY seq DESC LIMIT 1',
    [maxSeq],
  );
  if (!row) return { rules: defaultProductRules(), version: 0, seq: null };
  return {
    rules: JSON.parse(row.after_doc) as ProductRuleSet & { id: string },
    version: Number(row.subject_id) || 0,
    seq: Number(row.seq),
  };
}

interface ReportRow {
  id: string;
  kind: string;
  status: string;
  aware_at: string;
  owner: string;
  doc: string;
  created_at: string;
}

/** A report's milestones as recorded by as-of, whatever shape its doc gives them (a map by milestone, or a list). */
function milestonesOf(doc: Record<string, unknown>, asOf: string): ProductEvidence['reports'][number]['milestones'] {
  const raw = doc.milestones;
  const entries: [string, Record<string, unknown>][] = Array.isArray(raw)
    ? raw.filter((m): m is Record<string, unknown> => !!m && typeof m === 'object').map((m) => [String(m.milestone ?? m.name ?? ''), m])
    : raw && typeof raw === 'object'
      ? Object.entries(raw as Record<string, unknown>).filter(
          (e): e is [string, Record<string, unknown>] => !!e[1] && typeof e[1] === 'object',
        )
      : [];
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return entries
    .map(([milestone, m]) => ({
      milestone,
      at: str(m.at),
      reference: str(m.reference),
      by: str(m.by),
      recorded: str(m.recorded_at) || str(m.at),
    }))
    .filter((m) => m.milestone && m.at && m.recorded <= asOf)
    .map(({ recorded: _r, ...m }) => m)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.milestone < b.milestone ? -1 : 1));
}

/** Gathers a product pack's data and the ledger events it cites. Unknown product: NOT_FOUND on /product. */
export async function gatherProduct(
  { db, ledger, compliance, emergencyReviews }: ProductPackDeps,
  req: { product: string; asOf?: string },
  generatedAt: string,
): Promise<{ data: EvidenceData; cited: number[] }> {
  const state = await stateAt(db, req.asOf ?? generatedAt, '/as_of');
  const asOf = req.asOf ? state.at : generatedAt;
  const found = await productAt(db, req.product, state.maxSeq, req.asOf !== undefined);
  if (!found) throw new MandateError('NOT_FOUND', `no product ${req.product}${req.asOf ? ` as of ${asOf}` : ''}`, { field: '/product' });
  const { product } = found;
  const cited = new Set<number>(found.cite);
  for (const e of found.history) cited.add(e.seq);
  // The product's scope keys: product:<id> (every channel) and product:<id>/<channel>.
  const whole = scopeKey({ product: product.id });
  const isMine = (k: string) => k === whole || k.startsWith(`${whole}/`);

  // The identities acting for the product then, and what each could do in each of its scopes.
  const identities = [...state.identities.values()].filter(({ identity: i }) =>
    i.scopes.some((s) => isProductScope(s) && s.product === product.id),
  );
  for (const i of identities) {
    cited.add(i.record_seq);
    cited.add(i.status_seq);
  }
  const rules = await productRulesAt(db, state.maxSeq);
  if (rules.seq) cited.add(rules.seq);
  const vocabulary = new ActionVocabulary(state.actions);
  const [exploitedRow] = await db.all<{ n: number }>(
    "SELECT COUNT(*) AS n FROM cra_reports WHERE product = ? AND kind = 'exploited_vulnerability' AND aware_at <= ? AND created_at <= ? " +
      "AND (status = 'open' OR updated_at > ?)",
    [product.id, asOf, asOf, asOf],
  );
  const entry = {
    id: product.id,
    status: product.status,
    category: product.category,
    exploited: Number(exploitedRow?.n ?? 0) > 0,
    channels: channelsOf(product),
  };
  const power: ProductEvidence['power'] = [];
  for (const { identity: i } of identities) {
    const subject = ruleSubject(i);
    for (const s of i.scopes) {
      if (!isProductScope(s) || s.product !== product.id) continue;
      const row = { identity: i.id, scope: scopeKey(s), lawful: [] as string[], approval: [] as string[], denied: [] as string[] };
      for (const action of i.actions) {
        if (!PRODUCT_ACTIONS.has(action)) continue;
        if (i.status !== 'active') {
          row.denied.push(action);
          continue;
        }
        const v = productVerdict(rules.rules, subject, s, entry, action, vocabulary.classOf(action) ?? 'new_business');
        (v.lawful ? (v.approval ? row.approval : row.lawful) : row.denied).push(action);
      }
      power.push(row);
    }
  }
  power.sort((a, b) => (a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : a.scope < b.scope ? -1 : 1));
  const identityIds = identities.map((i) => i.identity.id).sort();
  const ids = new Set(identityIds);

  // Grants (just-in-time access, exceptions, break-glass) in the product's scopes, as they stood at as-of.
  const grantRows = await rowsFor<{
    id: string;
    kind: string;
    identity_id: string;
    doc: string;
    starts_at: string;
    expires_at: string;
    ended_at: string | null;
    end_reason: string | null;
  }>(
    db,
    'SELECT id, kind, identity_id, doc, starts_at, expires_at, ended_at, end_reason FROM grants WHERE starts_at <= ?',
    'identity_id',
    identityIds,
    [asOf],
  );
  const grants: ProductEvidence['grants'] = grantRows
    .map((g) => ({ g, doc: JSON.parse(g.doc) as { actions?: string[]; scope?: string } }))
    .filter(({ doc }) => typeof doc.scope === 'string' && isMine(doc.scope))
    .map(({ g, doc }) => {
      const ended = g.ended_at && g.ended_at <= asOf ? g.ended_at : null;
      return {
        id: g.id,
        kind: g.kind,
        identity: g.identity_id,
        actions: doc.actions ?? [],
        scope: doc.scope!,
        status: ended ? 'ended' : g.expires_at <= asOf ? 'expired' : 'active',
        starts_at: g.starts_at,
        expires_at: g.expires_at,
        ended_at: ended,
        end_reason: ended ? g.end_reason : null,
      };
    })
    .sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : a.id < b.id ? -1 : 1));
  for (const e of await eventsAbout(
    db,
    'grant',
    grants.map((g) => g.id),
    state.maxSeq,
  ))
    cited.add(e.seq);

  // Revocations: the identities' suspensions, revocations, narrowings, token revocations; and connector switch-offs.
  const revocations = await eventsAbout(db, 'identity', identityIds, state.maxSeq, REVOCATION_ACTIONS);
  for (const e of revocations) cited.add(e.seq);
  const switchOffs = (
    await rowsFor<{ id: string; identity_id: string; created_at: string; delivered_at: string | null; status: string }>(
      db,
      "SELECT id, identity_id, created_at, delivered_at, status FROM outbox WHERE action = 'disable' AND created_at <= ?",
      'identity_id',
      identityIds,
      [asOf],
    )
  )
    .map((r) => ({
      id: r.id,
      identity: r.identity_id,
      requested_at: r.created_at,
      done_at: r.delivered_at && r.delivered_at <= asOf ? r.delivered_at : null,
      status: r.delivered_at && r.delivered_at <= asOf ? r.status : 'pending',
    }))
    .sort((a, b) => (a.requested_at < b.requested_at ? -1 : a.requested_at > b.requested_at ? 1 : a.id < b.id ? -1 : 1));

  // The Article 14 timeline: the product's reports known by as-of, their milestones then and their deadlines.
  const reportRows = await db.all<ReportRow>(
    'SELECT id, kind, status, aware_at, owner, doc, created_at FROM cra_reports WHERE product = ? AND created_at <= ? ' +
      'ORDER BY aware_at, id',
    [product.id, asOf],
  );
  const reports: ProductEvidence['reports'] = [];
  for (const r of reportRows) {
    let doc: Record<string, unknown> = {};
    try {
      doc = JSON.parse(r.doc) as Record<string, unknown>;
    } catch {
      doc = {};
    }
    const milestones = milestonesOf(doc, asOf);
    const closed = doc.closed && typeof doc.closed === 'object' ? (doc.closed as { at?: unknown }).at : undefined;
    const closedAt = typeof closed === 'string' && closed <= asOf ? closed : null;
    let deadlines: ProductEvidence['reports'][number]['deadlines'] = [];
    if (r.kind === 'exploited_vulnerability' || r.kind === 'severe_incident') {
      const input: ClockInput = {
        kind: r.kind,
        aware_at: r.aware_at,
        milestones: Object.fromEntries(milestones.map((m) => [m.milestone, { at: m.at }])),
        closed_at: closedAt,
      };
      deadlines = craDeadlines(input, Date.parse(asOf)).map((d) => ({ ...d }));
    }
    const history = await eventsAbout(db, 'cra_report', [r.id], state.maxSeq);
    for (const e of history) cited.add(e.seq);
    reports.push({
      id: r.id,
      kind: r.kind,
      status: closedAt ? 'closed' : 'open',
      title: typeof doc.title === 'string' ? doc.title : '',
      aware_at: r.aware_at,
      owner: r.owner,
      milestones,
      deadlines,
      history,
    });
  }

  // Exceptions: those of the identities, or naming the product.
  const exceptions: EvidenceData['exceptions'] = (
    await db.all<{ id: string; identity_id: string; doc: string; status: string; expires_at: string }>(
      'SELECT id, identity_id, doc, status, expires_at FROM policy_exceptions WHERE created_at <= ? ORDER BY created_at, id',
      [asOf],
    )
  )
    .map((e) => ({
      e,
      d: JSON.parse(e.doc) as {
        control: string;
        justification: string;
        scope?: Parameters<typeof scopeKey>[0];
        compensating_controls?: { extra_monitoring?: boolean; manual_approval_per_action?: boolean; note?: string };
      },
    }))
    .filter(({ e, d }) => ids.has(e.identity_id) || (d.scope && isProductScope(d.scope) && d.scope.product === product.id))
    .map(({ e, d }) => ({
      id: e.id,
      identity: e.identity_id,
      control: d.control,
      status: e.status,
      expires_at: e.expires_at,
      justification: d.justification,
      ...(d.scope ? { scope: scopeKey(d.scope) } : {}),
      compensating_controls: [
        ...(d.compensating_controls?.extra_monitoring ? ['extra monitoring'] : []),
        ...(d.compensating_controls?.manual_approval_per_action ? ['manual approval per action'] : []),
        ...(d.compensating_controls?.note ? [d.compensating_controls.note] : []),
      ],
    }));

  // Control results: the check run at or before as-of; the findings that bear on the product or its identities.
  const [run] = await db.all<{ id: string; doc: string }>(
    'SELECT id, doc FROM check_runs WHERE at <= ? ORDER BY at DESC, id DESC LIMIT 1',
    [asOf],
  );
  const checks: CheckResult[] = run
    ? (JSON.parse(run.doc) as { checks: CheckResult[] }).checks
    : CHECKS.map((c) => ({
        check: c.id,
        title: c.title,
        description: c.description,
        severity: c.severity,
        controls: c.controls,
        evaluated: 0,
        failed: 0,
      }));
  if (run)
    for (const e of await db.all<{ seq: number }>("SELECT seq FROM events WHERE subject_id = ? AND action = 'checks.ran'", [run.id]))
      cited.add(Number(e.seq));
  const findings: Finding[] = (
    await compliance.findings({ status: ['open', 'acknowledged', 'accepted_risk', 'resolved'], limit: 1_000_000 })
  )
    .filter(
      (f) =>
        f.first_seen <= asOf &&
        (!f.resolved_at || f.resolved_at > asOf) &&
        ((f.subject.type === 'identity' && ids.has(f.subject.id)) || f.scopes.some(isMine) || f.scopes.length === 0),
    )
    .map(({ acknowledged_by: _a, occurrences: _o, ...f }) => {
      const then = f.subject.type === 'identity' ? state.identities.get(f.subject.id) : undefined;
      return {
        ...f,
        status: f.resolved_at && f.resolved_at > asOf ? 'open' : f.status,
        evidence: then ? [...new Set([then.record_seq, then.status_seq])] : [],
      };
    });
  for (const f of findings) for (const seq of f.evidence) cited.add(seq);

  // Approvals about the product, its identities, its transitions, their grants and exceptions, decided by as-of.
  const transitionIds = (await db.all<{ id: string }>('SELECT id FROM transitions WHERE products LIKE ?', [`%"${product.id}"%`])).map(
    (r) => r.id,
  );
  const activationIds = (
    await rowsFor<{ id: string }>(db, 'SELECT id FROM break_glass_activations WHERE 1 = 1', 'identity_id', identityIds)
  ).map((r) => r.id);
  const requestIds = (await rowsFor<{ id: string }>(db, 'SELECT id FROM access_requests WHERE 1 = 1', 'identity_id', identityIds)).map(
    (r) => r.id,
  );
  const about = [
    ...new Set([product.id, ...identityIds, ...transitionIds, ...activationIds, ...requestIds, ...exceptions.map((e) => e.id)]),
  ];
  const approvalRows = await rowsFor<{
    id: string;
    kind: string;
    status: string;
    requester: string;
    decided_at: string | null;
    summary: string;
  }>(db, 'SELECT id, kind, status, requester, decided_at, summary FROM approvals WHERE created_at <= ?', 'subject_id', about, [asOf]);
  const votesOf = new Map<string, string[]>();
  for (const v of await rowsFor<{ approval_id: string; voter: string; at: string }>(
    db,
    "SELECT approval_id, voter, at FROM approval_votes WHERE decision = 'approve' AND at <= ?",
    'approval_id',
    approvalRows.map((r) => r.id),
    [asOf],
  ).then((rows) => rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))))
    (votesOf.get(v.approval_id) ?? votesOf.set(v.approval_id, []).get(v.approval_id)!).push(v.voter);
  const emergencies = await emergencyReviews(
    db,
    approvalRows.filter((r) => r.status === 'approved' && r.decided_at && r.decided_at <= asOf && !votesOf.has(r.id)).map((r) => r.id),
    asOf,
  );
  const approvals: EvidenceData['approvals'] = approvalRows
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.decided_at && r.decided_at > asOf ? 'pending' : r.status,
      requester: r.requester,
      approvers: votesOf.get(r.id) ?? [],
      decided_at: r.decided_at && r.decided_at <= asOf ? r.decided_at : null,
      summary: r.summary,
      ...(emergencies.has(r.id) ? { emergency: emergencies.get(r.id)! } : {}),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));

  const [policy] = await db.all<{ version: number; digest: string; doc: string }>(
    'SELECT version, digest, doc FROM cedar_policies WHERE created_at <= ? ORDER BY version DESC LIMIT 1',
    [asOf],
  );
  const entity = await getRecord(db, 'entity', product.manufacturer);
  const checkpoint = await ledger.checkpoint();
  const key = await ledger.logKey();
  const catalogue = loadCatalogue();
  const count = (k: (i: Identity) => string) => {
    const out: Record<string, number> = {};
    for (const { identity: i } of identities) out[k(i)] = (out[k(i)] ?? 0) + 1;
    return out;
  };
  const data: EvidenceData = {
    generated_at: generatedAt,
    as_of: asOf,
    entity: entity
      ? { id: entity.record.id, name: entity.record.name, lei: entity.record.lei, home: entity.record.home }
      : { id: product.manufacturer, name: product.manufacturer, lei: '', home: '' },
    // A product is made available in member states rather than authorised in one.
    jurisdiction: product.member_states.length ? product.member_states.join(', ') : 'none',
    catalogue: { version: catalogue.version, controls: catalogue.controls.filter((c) => checks.some((r) => r.controls.includes(c.id))) },
    checks,
    findings,
    readiness: [],
    trend: [],
    inventory: {
      total: identities.length,
      by_kind: count((i) => i.kind),
      by_capability: count((i) => i.capability),
      by_credential: count((i) => i.credential.type),
      identities: identities
        .map(({ identity: i }) => ({
          id: i.id,
          kind: i.kind,
          function: i.function,
          capability: i.capability,
          owner: i.owner ?? null,
          status: i.status,
          credential: i.credential.type,
          scopes: i.scopes.filter((s) => isProductScope(s) && s.product === product.id).map(scopeKey),
          vendor: i.vendor ?? null,
          break_glass: Boolean(i.break_glass),
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    },
    authorisations: [],
    approvals,
    exceptions,
    policies: policy
      ? { version: Number(policy.version), digest: policy.digest, ids: (JSON.parse(policy.doc) as { id: string }[]).map((p) => p.id) }
      : { version: 0, digest: '', ids: [] },
    ledger: { origin: key.name, size: checkpoint.size, root: checkpoint.root, checkpoint: checkpoint.note, cited: cited.size },
    product: {
      id: product.id,
      name: product.name,
      manufacturer: product.manufacturer,
      category: product.category,
      status: product.status,
      versions: [...product.versions],
      channels: channelsOf(product),
      member_states: [...product.member_states],
      placed_on_market: product.placed_on_market ?? null,
      support_period_end: product.support_period_end ?? null,
      conformity_assessment: product.conformity_assessment ?? null,
      declaration_of_conformity: product.declaration_of_conformity ?? null,
      history: found.history,
      rules: { version: rules.version, id: rules.rules.id },
      power,
      grants,
      revocations,
      switch_offs: switchOffs,
      reports,
    },
  };
  const inTree = [...cited].filter((s) => s <= checkpoint.size).sort((a, b) => a - b);
  data.ledger.cited = inTree.length;
  return { data, cited: inTree };
}
