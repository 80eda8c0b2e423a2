// The facts the control checks read (core/checks.ts), gathered in one pass: inventory, lawful
// power as the decision point computes it, decision usage since the last run, approvals,
// exceptions, break-glass, revocations, leaked secrets, the ledger, and the findings other
// capabilities contribute (lapsed access reviews, discovery), handed in as functions.
import type { CheckFacts, CheckSettings } from '../core/checks.js';
import { authorityLookup } from '../core/cascade.js';
import type { SuggestedFinding } from '../core/discovery.js';
import { decidePower, scopeKey } from '../core/lifecycle.js';
import type { Identity } from '../core/model.js';
import { ActionVocabulary } from '../core/vocabulary.js';
import { currentRules } from '../state/lifecycle-rules.js';
import { getAllRecords, getCustomActions } from '../state/records.js';
import type { Finding as LapsedReview } from '../reviews/service.js';
import type { Sql } from '../store/db.js';
import { DAY } from './findings.js';
import { gatherProductFacts } from './product-facts.js';
import { gatherCraReportFacts } from './cra-facts.js';

/** The parts of a logged decision (decision.recorded, or one of decisions.recorded/reported) the usage facts read. */
interface LoggedDecision {
  action: string;
  decision: string;
  /** Reported decisions carry when the enforcement point decided (epoch milliseconds). */
  at?: unknown;
  principal?: { type: string; id: string };
  context?: { environment?: unknown };
}
type DecisionEventDoc = LoggedDecision & { decisions?: LoggedDecision[] };

/** What a run learnt of decision usage, written in the run's transaction. */
export interface UsageUpdate {
  rows: string[][];
  cursor: number;
}

/** Access reviews that lapsed unanswered, as findings: the reviews capability knows (wired in src/server/container.ts). */
export type ReviewFindings = (sql: Sql, now: Date) => Promise<LapsedReview[]>;
/** The findings stored discovery results suggest: the discovery capability knows (wired in src/server/container.ts). */
export type DiscoveryFindings = (sql: Sql) => Promise<SuggestedFinding[]>;

/** Findings other capabilities contribute to a run. */
export interface ExtraFindings {
  reviews: ReviewFindings;
  discovery?: DiscoveryFindings | undefined;
}

/** Collects the facts the checks read. Decisions older than the unused window are not read. */
export async function gatherFacts(
  sql: Sql,
  now: Date,
  settings: CheckSettings,
  usageUpdate: UsageUpdate,
  extra: ExtraFindings,
): Promise<CheckFacts> {
  const identities = (await sql.all<{ doc: string; created_at: string }>('SELECT doc, created_at FROM identities')).map((r) => ({
    record: JSON.parse(r.doc) as Identity,
    created_at: r.created_at,
  }));
  // One after the other: inside a transaction the queries share one connection.
  const people = await getAllRecords(sql, 'person');
  const authorisations = await getAllRecords(sql, 'authorisation');
  const custom = await getCustomActions(sql);
  const rules = await currentRules(sql);
  const vocabulary = new ActionVocabulary(custom);
  // The power the decision point uses, not a stored copy of it: each active identity's lawful
  // actions per scope under the lifecycle rules in force and the authorisations as they stand
  // now. (Inactive identities have none: the decision point refuses them.) One lookup, plain
  // loops: this runs over every identity (100,000 and more).
  const lookup = authorityLookup(authorisations.values());
  const power = new Map<string, Record<string, string[]>>();
  for (const { record: identity } of identities) {
    if (identity.status !== 'active') continue;
    const held: Record<string, string[]> = {};
    for (const s of decidePower(identity, lookup, rules.rules, vocabulary).scopes) {
      let actions: string[] | undefined;
      for (const v of s.verdicts) if (v.lawful) (actions ??= []).push(v.action);
      if (actions) held[scopeKey(s.scope)] = actions;
    }
    power.set(identity.id, held);
  }
  // Usage and where identities act from: kept in decision_usage up to a cursor, so a run reads
  // only the decisions logged since the last one (the window then applies to both).
  const since = new Date(now.getTime() - settings.unused_days * DAY).toISOString();
  const [cursorRow] = await sql.all<{ seq: number }>("SELECT seq FROM compliance_cursor WHERE name = 'decision_usage'");
  const [top] = await sql.all<{ n: number | null }>('SELECT MAX(seq) AS n FROM events');
  const cursor = Number(cursorRow?.seq ?? 0);
  const upto = Number(top?.n ?? 0);
  const delta = new Map<string, string>();
  const note = (id: string, kind: 'action' | 'env' | 'app', value: unknown, at: string) => {
    if (typeof value !== 'string' || !value) return;
    const k = `${id}\u0000${kind}\u0000${value}`;
    if ((delta.get(k) ?? '') < at) delta.set(k, at);
  };
  const use = (id: string, action: string, at: string, env: unknown, app: string | undefined, allowed: boolean) => {
    if (allowed) note(id, 'action', action, at);
    note(id, 'env', env, at);
    note(id, 'app', app, at);
  };
  const rows = await sql.all<{ at: string; action: string; subject_type: string; subject_id: string; actor: string; after_doc: string }>(
    // Decisions older than the window change nothing the checks read: a first run skips them.
    'SELECT at, action, subject_type, subject_id, actor, after_doc FROM events WHERE seq > ? AND seq <= ? AND at >= ? AND action IN ' +
      "('decision.recorded', 'decisions.recorded', 'decisions.reported')",
    [cursor, upto, since],
  );
  for (const e of rows) {
    const after = JSON.parse(e.after_doc) as DecisionEventDoc;
    if (e.action === 'decision.recorded') {
      if (e.subject_type === 'identity')
        use(e.subject_id, after.action, e.at, after.context?.environment, e.actor, after.decision === 'allow');
    } else if (e.action === 'decisions.recorded') {
      for (const d of after.decisions ?? [])
        if (d.principal?.type === 'identity') use(d.principal.id, d.action, e.at, d.context?.environment, e.actor, d.decision === 'allow');
    } else {
      // Reported by an enforcement point: the application is the enforcement point.
      for (const d of after.decisions ?? [])
        if (d.principal?.type === 'identity')
          use(
            d.principal.id,
            d.action,
            new Date(Number(d.at) || Date.parse(e.at)).toISOString(),
            d.context?.environment,
            e.subject_id,
            d.decision === 'allow',
          );
    }
  }
  const usage = new Map<string, Map<string, string>>();
  const seenFrom = new Map<string, { environments: Set<string>; applications: Set<string> }>();
  const merge = (id: string, kind: string, value: string, at: string) => {
    if (at < since) return;
    if (kind === 'action') {
      const u = usage.get(id) ?? usage.set(id, new Map()).get(id)!;
      if ((u.get(value) ?? '') < at) u.set(value, at);
      return;
    }
    const w = seenFrom.get(id) ?? seenFrom.set(id, { environments: new Set(), applications: new Set() }).get(id)!;
    (kind === 'env' ? w.environments : w.applications).add(value);
  };
  for (const r of await sql.all<{ identity_id: string; kind: string; value: string; last_at: string }>(
    'SELECT identity_id, kind, value, last_at FROM decision_usage WHERE last_at >= ?',
    [since],
  ))
    merge(r.identity_id, r.kind, r.value, r.last_at);
  for (const [k, at] of delta) {
    const [id, kind, value] = k.split('\u0000') as [string, string, string];
    merge(id, kind, value, at);
  }
  usageUpdate.rows = [...delta].map(([k, at]) => [...k.split('\u0000'), at]);
  usageUpdate.cursor = upto;
  const exceptions = (
    await sql.all<{ id: string; identity_id: string; doc: string; status: string; expires_at: string }>(
      'SELECT id, identity_id, doc, status, expires_at FROM policy_exceptions',
    )
  ).map((r) => ({
    id: r.id,
    identity: r.identity_id,
    control: (JSON.parse(r.doc) as { control: string }).control,
    status: r.status,
    expires_at: r.expires_at,
  }));
  const grants = (
    await sql.all<{ id: string; kind: string; identity_id: string; expires_at: string; decided_at: string | null }>(
      `SELECT g.id, g.kind, g.identity_id, g.expires_at, a.decided_at FROM grants g
       LEFT JOIN access_requests r ON r.id = g.id LEFT JOIN policy_exceptions x ON x.id = g.id LEFT JOIN break_glass_activations b
         ON b.id = g.id
       LEFT JOIN approvals a ON a.id = COALESCE(r.approval_id, x.approval_id, b.approval_id)
      WHERE g.status = 'active'`,
    )
  ).map((r) => ({ id: r.id, kind: r.kind, identity: r.identity_id, approved_at: r.decided_at, expires_at: r.expires_at }));
  const activations = (
    await sql.all<{
      id: string;
      identity_id: string;
      emergency: number;
      status: string;
      review_status: string;
      starts_at: string | null;
      ends_at: string | null;
    }>('SELECT id, identity_id, emergency, status, review_status, starts_at, ends_at FROM break_glass_activations')
  ).map((r) => ({
    id: r.id,
    identity: r.identity_id,
    emergency: Number(r.emergency) === 1,
    status: r.status,
    review: r.review_status,
    starts_at: r.starts_at,
    ends_at: r.ends_at,
  }));
  const revocations = (
    await sql.all<{ id: string; identity_id: string; created_at: string; delivered_at: string | null; status: string }>(
      "SELECT id, identity_id, created_at, delivered_at, status FROM outbox WHERE action = 'disable'",
    )
  ).map((r) => ({ id: r.id, identity: r.identity_id, requested_at: r.created_at, done_at: r.delivered_at, status: r.status }));
  const leaks = (
    await sql.all<{ id: string; identity_id: string | null; doc: string; first_seen: string; resolved_at: string | null }>(
      'SELECT id, identity_id, doc, first_seen, resolved_at FROM leaked_secrets',
    )
  ).map((r) => {
    const d = JSON.parse(r.doc) as { detector: string; where: string };
    return {
      id: r.id,
      identity: r.identity_id,
      detector: d.detector,
      where: d.where,
      first_seen: r.first_seen,
      resolved_at: r.resolved_at,
    };
  });
  const overdueReviews = (await extra.reviews(sql, now)).map((f) => {
    const [, campaign] = f.id.split(':');
    return { campaign: campaign ?? '', identity: f.subject.id, due_at: f.since, reviewer: f.reviewer };
  });
  const discovery = extra.discovery ? await extra.discovery(sql) : [];
  const products = await gatherProductFacts(sql);
  const craReports = await gatherCraReportFacts(sql);
  const [cp] = await sql.all<{ size: number; created_at: string }>(
    'SELECT size, created_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1',
  );
  return {
    now,
    identities,
    people,
    authorisations: [...authorisations.values()],
    classOf: (a) => vocabulary.classOf(a),
    power,
    usage,
    seenFrom,
    exceptions,
    grants,
    activations,
    revocations,
    leaks,
    overdueReviews,
    discovery,
    ledger: { last_checkpoint_at: cp?.created_at ?? null, checkpoint_size: Number(cp?.size ?? 0), size: upto },
    products,
    craReports,
    settings,
  };
}
