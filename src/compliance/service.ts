// Continuous control checks: gathers the facts (inventory, lawful power as the decision point
// computes it, decisions, approvals, exceptions, break-glass, revocations, leaked secrets, the
// ledger), runs the pure checks of core/checks.ts, and keeps findings with a lifecycle: a finding
// is the same one from run to run (its id is check and subject), re-running changes nothing that
// did not change, a cause that went away resolves its finding and one that came back reopens it.
// Each run records readiness per (entity, member state, service), so a trend, or the state on a
// deadline day, can be shown.
import { createHash, randomBytes } from 'node:crypto';
import { CHECKS, DEFAULT_CHECK_SETTINGS, readinessScore, REMEDIATION_DAYS, worse, type CheckFacts, type CheckSettings, type Failure } from '../core/checks.js';
import { MandateError } from '../core/errors.js';
import type { CheckResult, Finding, FindingStatus, Readiness, Severity } from '../core/evidence.js';
import { authorityLookup } from '../core/cascade.js';
import { decidePower, scopeKey } from '../core/lifecycle.js';
import type { SuggestedFinding } from '../core/discovery.js';
import type { Identity } from '../core/model.js';
import { parseTimestamp } from '../core/time.js';
import { ActionVocabulary } from '../core/vocabulary.js';
import { appendEvents } from '../ledger/log.js';
import { getAllRecords, getCustomActions } from '../state/records.js';
import { currentRules } from '../state/lifecycle-rules.js';
import type { Finding as LapsedReview } from '../reviews/service.js';
import { insertMany, type Database, type Sql } from '../store/db.js';

interface FindingRow {
  id: string; check_id: string; severity: string; status: string; subject_type: string; subject_id: string; doc: string; first_seen: string; last_seen: string;
  due_at: string; resolved_at: string | null; acknowledged_by: string | null; acknowledged_at: string | null; exception_id: string | null; occurrences: number;
}
interface FindingDoc { title: string; detail: string; owner: string | null; controls: string[]; scopes: string[]; note?: string }

export function toFinding(r: FindingRow): Finding & { acknowledged_by: string | null; occurrences: number } {
  const d = JSON.parse(r.doc) as FindingDoc;
  return {
    id: r.id, check: r.check_id, severity: r.severity as Severity, status: r.status as FindingStatus, subject: { type: r.subject_type, id: r.subject_id },
    title: d.title, detail: d.detail, owner: d.owner, controls: d.controls, scopes: d.scopes, first_seen: r.first_seen, last_seen: r.last_seen, due_at: r.due_at,
    resolved_at: r.resolved_at, exception: r.exception_id, evidence: [], acknowledged_by: r.acknowledged_by, occurrences: Number(r.occurrences),
  };
}

/** Items grouped by the scopes they name, once; items that name no scope (the ledger's findings, say) bear on every scope. */
function groupByScope<T>(items: readonly T[], scopesOf: (item: T) => readonly string[]): { byScope: Map<string, T[]>; everywhere: T[] } {
  const byScope = new Map<string, T[]>();
  const everywhere: T[] = [];
  for (const item of items) {
    const scopes = scopesOf(item);
    if (scopes.length === 0) everywhere.push(item);
    for (const k of new Set(scopes)) (byScope.get(k) ?? byScope.set(k, []).get(k)!).push(item);
  }
  return { byScope, everywhere };
}

const DAY = 86_400_000;
const OPEN: readonly string[] = ['open', 'acknowledged', 'accepted_risk'];
/** MiCA Art. 143: the latest end of the transitional period for firms operating under national law. */
const TRANSITIONAL_END = '2026-07-01T00:00:00.000Z';

export interface RunSummary {
  id: string;
  at: string;
  trigger: string;
  checks: CheckResult[];
  counts: { open: number; opened: number; resolved: number; reopened: number; accepted_risk: number };
  duration_ms: number;
}

/** Collects the facts the checks read. Decisions older than the unused window are not read. */
/** What a run learnt of decision usage, written in the run's transaction. */
interface UsageUpdate { rows: string[][]; cursor: number }

/** Access reviews that lapsed unanswered, as findings: the reviews capability knows (wired in src/app.ts). */
export type ReviewFindings = (sql: Sql, now: Date) => Promise<LapsedReview[]>;
/** The findings stored discovery results suggest: the discovery capability knows (wired in src/app.ts). */
export type DiscoveryFindings = (sql: Sql) => Promise<SuggestedFinding[]>;

async function gatherFacts(sql: Sql, now: Date, settings: CheckSettings, usageUpdate: UsageUpdate, reviewFindings: ReviewFindings, discoveryFindings?: DiscoveryFindings): Promise<CheckFacts> {
  const identities = (await sql.all<{ doc: string; created_at: string }>('SELECT doc, created_at FROM identities')).map((r) => ({ record: JSON.parse(r.doc) as Identity, created_at: r.created_at }));
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
    "SELECT at, action, subject_type, subject_id, actor, after_doc FROM events WHERE seq > ? AND seq <= ? AND at >= ? AND action IN ('decision.recorded', 'decisions.recorded', 'decisions.reported')",
    [cursor, upto, since],
  );
  for (const e of rows) {
    const after = JSON.parse(e.after_doc) as Record<string, any>;
    if (e.action === 'decision.recorded') {
      if (e.subject_type === 'identity') use(e.subject_id, after.action, e.at, after.context?.environment, e.actor, after.decision === 'allow');
    } else if (e.action === 'decisions.recorded') {
      for (const d of after.decisions ?? []) if (d.principal?.type === 'identity') use(d.principal.id, d.action, e.at, d.context?.environment, e.actor, d.decision === 'allow');
    } else {
      // Reported by an enforcement point: the application is the enforcement point.
      for (const d of after.decisions ?? []) if (d.principal?.type === 'identity') use(d.principal.id, d.action, new Date(Number(d.at) || Date.parse(e.at)).toISOString(), d.context?.environment, e.subject_id, d.decision === 'allow');
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
  for (const r of await sql.all<{ identity_id: string; kind: string; value: string; last_at: string }>('SELECT identity_id, kind, value, last_at FROM decision_usage WHERE last_at >= ?', [since]))
    merge(r.identity_id, r.kind, r.value, r.last_at);
  for (const [k, at] of delta) {
    const [id, kind, value] = k.split('\u0000') as [string, string, string];
    merge(id, kind, value, at);
  }
  usageUpdate.rows = [...delta].map(([k, at]) => [...k.split('\u0000'), at]);
  usageUpdate.cursor = upto;
  const exceptions = (await sql.all<{ id: string; identity_id: string; doc: string; status: string; expires_at: string }>('SELECT id, identity_id, doc, status, expires_at FROM policy_exceptions'))
    .map((r) => ({ id: r.id, identity: r.identity_id, control: (JSON.parse(r.doc) as { control: string }).control, status: r.status, expires_at: r.expires_at }));
  const grants = (await sql.all<{ id: string; kind: string; identity_id: string; expires_at: string; decided_at: string | null }>(
    `SELECT g.id, g.kind, g.identity_id, g.expires_at, a.decided_at FROM grants g
       LEFT JOIN access_requests r ON r.id = g.id LEFT JOIN policy_exceptions x ON x.id = g.id LEFT JOIN break_glass_activations b ON b.id = g.id
       LEFT JOIN approvals a ON a.id = COALESCE(r.approval_id, x.approval_id, b.approval_id)
      WHERE g.status = 'active'`,
  )).map((r) => ({ id: r.id, kind: r.kind, identity: r.identity_id, approved_at: r.decided_at, expires_at: r.expires_at }));
  const activations = (await sql.all<{ id: string; identity_id: string; emergency: number; status: string; review_status: string; starts_at: string | null; ends_at: string | null }>(
    'SELECT id, identity_id, emergency, status, review_status, starts_at, ends_at FROM break_glass_activations',
  )).map((r) => ({ id: r.id, identity: r.identity_id, emergency: Number(r.emergency) === 1, status: r.status, review: r.review_status, starts_at: r.starts_at, ends_at: r.ends_at }));
  const revocations = (await sql.all<{ id: string; identity_id: string; created_at: string; delivered_at: string | null; status: string }>(
    "SELECT id, identity_id, created_at, delivered_at, status FROM outbox WHERE action = 'disable'",
  )).map((r) => ({ id: r.id, identity: r.identity_id, requested_at: r.created_at, done_at: r.delivered_at, status: r.status }));
  const leaks = (await sql.all<{ id: string; identity_id: string | null; doc: string; first_seen: string; resolved_at: string | null }>('SELECT id, identity_id, doc, first_seen, resolved_at FROM leaked_secrets'))
    .map((r) => {
      const d = JSON.parse(r.doc) as { detector: string; where: string };
      return { id: r.id, identity: r.identity_id, detector: d.detector, where: d.where, first_seen: r.first_seen, resolved_at: r.resolved_at };
    });
  const overdueReviews = (await reviewFindings(sql, now)).map((f) => {
    const [, campaign] = f.id.split(':');
    return { campaign: campaign ?? '', identity: f.subject.id, due_at: f.since, reviewer: f.reviewer };
  });
  const discovery = discoveryFindings ? await discoveryFindings(sql) : [];
  const [cp] = await sql.all<{ size: number; created_at: string }>('SELECT size, created_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1');
  return {
    now, identities, people, authorisations: [...authorisations.values()], classOf: (a) => vocabulary.classOf(a), power, usage, seenFrom, exceptions, grants, activations, revocations, leaks, overdueReviews, discovery,
    ledger: { last_checkpoint_at: cp?.created_at ?? null, checkpoint_size: Number(cp?.size ?? 0), size: upto }, settings,
  };
}

export function complianceService(db: Database, clock: () => Date, reviewFindings: ReviewFindings, settings: CheckSettings = DEFAULT_CHECK_SETTINGS, discoveryFindings?: DiscoveryFindings) {
  let running: Promise<RunSummary> | undefined;

  async function runOnce(trigger: string): Promise<RunSummary> {
    const started = Date.now();
    const now = clock();
    const at = now.toISOString();
    const usageUpdate: UsageUpdate = { rows: [], cursor: 0 };
    const facts = await gatherFacts(db, now, settings, usageUpdate, reviewFindings, discoveryFindings);
    const results: CheckResult[] = [];
    const current = new Map<string, { check: (typeof CHECKS)[number]; failure: Failure; severity: Severity }>();
    for (const check of CHECKS) {
      const { evaluated, failures } = check.run(facts);
      results.push({ check: check.id, title: check.title, description: check.description, severity: check.severity, controls: check.controls, evaluated, failed: failures.length });
      for (const failure of failures) current.set(`${check.id}:${failure.subject.id}`, { check, failure, severity: failure.severity ?? check.severity });
    }
    // Exceptions that accept a check's risk, by identity.
    const accepting = new Map<string, { id: string; control: string }[]>();
    for (const e of facts.exceptions) if (e.status === 'active') (accepting.get(e.identity) ?? accepting.set(e.identity, []).get(e.identity)!).push({ id: e.id, control: e.control });
    const id = `run_${randomBytes(8).toString('hex')}`;
    return db.transaction(async (tx) => {
      const existing = new Map((await tx.all<FindingRow>('SELECT * FROM compliance_findings')).map((r) => [r.id, r]));
      const counts = { open: 0, opened: 0, resolved: 0, reopened: 0, accepted_risk: 0 };
      const opened: string[] = [];
      const resolved: string[] = [];
      const accepted = new Set<string>();
      const rows: (string | number | null)[][] = [];
      for (const [fid, { check, failure, severity }] of current) {
        const prior = existing.get(fid);
        const exception = failure.subject.type === 'identity' && check.accepted_by ? (accepting.get(failure.subject.id) ?? []).find((e) => check.accepted_by!.includes(e.control)) : undefined;
        const wasOpen = prior && OPEN.includes(prior.status);
        const firstSeen = wasOpen ? prior.first_seen : (failure.since && failure.since < at ? failure.since : at);
        const status: FindingStatus = exception ? 'accepted_risk' : wasOpen && prior.status === 'acknowledged' ? 'acknowledged' : 'open';
        if (!prior) (counts.opened++, opened.push(fid));
        else if (!wasOpen) (counts.reopened++, opened.push(fid));
        if (status === 'accepted_risk') counts.accepted_risk++;
        else counts.open++;
        const doc: FindingDoc = { title: failure.title, detail: failure.detail, owner: failure.owner, controls: check.controls, scopes: failure.scopes };
        const due = wasOpen ? prior.due_at : new Date(Date.parse(firstSeen) + REMEDIATION_DAYS[severity] * DAY).toISOString();
        const docText = JSON.stringify(doc);
        // Unchanged since the last run: only its last sighting moves (one UPDATE for all, below).
        if (wasOpen && prior.status === status && prior.severity === severity && prior.doc === docText && prior.exception_id === (exception?.id ?? null)) {
          if (status === 'accepted_risk') accepted.add(fid);
          continue;
        }
        if (status === 'accepted_risk') accepted.add(fid);
        rows.push([fid, check.id, severity, status, failure.subject.type, failure.subject.id, docText, firstSeen, at, due, null,
          wasOpen ? prior.acknowledged_by : null, wasOpen ? prior.acknowledged_at : null, exception?.id ?? null, prior ? Number(prior.occurrences) + (wasOpen ? 0 : 1) : 1]);
      }
      for (const [fid, prior] of existing) {
        if (current.has(fid) || !OPEN.includes(prior.status)) continue;
        counts.resolved++;
        resolved.push(fid);
        rows.push([fid, prior.check_id, prior.severity, 'resolved', prior.subject_type, prior.subject_id, prior.doc, prior.first_seen, prior.last_seen, prior.due_at, at,
          prior.acknowledged_by, prior.acknowledged_at, prior.exception_id, Number(prior.occurrences)]);
      }
      await insertMany(tx, 'compliance_findings',
        ['id', 'check_id', 'severity', 'status', 'subject_type', 'subject_id', 'doc', 'first_seen', 'last_seen', 'due_at', 'resolved_at', 'acknowledged_by', 'acknowledged_at', 'exception_id', 'occurrences'],
        rows,
        `ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, status = excluded.status, doc = excluded.doc, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
           due_at = excluded.due_at, resolved_at = excluded.resolved_at, acknowledged_by = excluded.acknowledged_by, acknowledged_at = excluded.acknowledged_at,
           exception_id = excluded.exception_id, occurrences = excluded.occurrences`);
      // Readiness of every authorised scope at this run.
      await tx.run(`UPDATE compliance_findings SET last_seen = ? WHERE last_seen < ? AND status IN ('open', 'acknowledged', 'accepted_risk')`, [at, at]);
      // Decision usage advanced to where this run read the log.
      await insertMany(tx, 'decision_usage', ['identity_id', 'kind', 'value', 'last_at'], usageUpdate.rows,
        'ON CONFLICT (identity_id, kind, value) DO UPDATE SET last_at = CASE WHEN excluded.last_at > decision_usage.last_at THEN excluded.last_at ELSE decision_usage.last_at END');
      await tx.run(`INSERT INTO compliance_cursor (name, seq) VALUES ('decision_usage', ?)
        ON CONFLICT (name) DO UPDATE SET seq = CASE WHEN excluded.seq > compliance_cursor.seq THEN excluded.seq ELSE compliance_cursor.seq END`, [usageUpdate.cursor]);
      const readiness = readinessOf(facts, [...current.entries()].filter(([fid]) => !accepted.has(fid)).map(([, { failure, severity }]) => ({ severity, failure })));
      await insertMany(tx, 'readiness_history', ['run_id', 'at', 'entity', 'jurisdiction', 'service', 'score', 'open_findings', 'blocking'],
        readiness.map((r) => [id, at, r.entity, r.jurisdiction, r.service, r.score, r.open, r.blocking]));
      const summary: RunSummary = { id, at, trigger, checks: results, counts, duration_ms: Date.now() - started };
      await tx.run('INSERT INTO check_runs (id, at, trigger_reason, doc) VALUES (?, ?, ?, ?)', [id, at, trigger, JSON.stringify({ checks: results, counts })]);
      // The run is evidence: what it opened and resolved (ids listed up to 1,000, and a digest of all).
      const digest = (ids: string[]) => `sha256:${createHash('sha256').update(ids.sort().join('\n')).digest('hex')}`;
      await appendEvents(tx, at, [{
        actor: 'mandate:checks', action: 'checks.ran', subject: { type: 'check_run', id },
        after: { trigger, counts, checks: results.map((r) => ({ check: r.check, evaluated: r.evaluated, failed: r.failed })), opened: opened.slice(0, 1000), resolved: resolved.slice(0, 1000), opened_digest: digest(opened), resolved_digest: digest(resolved) },
      }]);
      summary.duration_ms = Date.now() - started;
      return summary;
    });
  }

  function readinessOf(facts: CheckFacts, open: { severity: Severity; failure: Failure }[]) {
    const inScope = new Map<string, number>();
    for (const { record: i } of facts.identities) if (i.status === 'active' || i.status === 'suspended') for (const s of i.scopes) inScope.set(scopeKey(s), (inScope.get(scopeKey(s)) ?? 0) + 1);
    const { byScope, everywhere } = groupByScope(open, (o) => o.failure.scopes);
    return facts.authorisations.map((a) => {
      const key = scopeKey(a);
      const worst = new Map<string, Severity>();
      const wide: Severity[] = [];
      let count = 0;
      let blocking = 0;
      for (const { severity, failure } of [...(byScope.get(key) ?? []), ...everywhere]) {
        count++;
        if (severity === 'critical' || severity === 'high') blocking++;
        if (failure.subject.type === 'identity') worst.set(failure.subject.id, worst.has(failure.subject.id) ? worse(worst.get(failure.subject.id)!, severity) : severity);
        else wide.push(severity);
      }
      return { entity: a.entity, jurisdiction: a.jurisdiction, service: a.service, score: readinessScore(inScope.get(key) ?? 0, [...worst.values()], wide), open: count, blocking };
    });
  }

  return {
    /** Runs every check now (one run at a time; a call during a run waits for it). */
    async run(trigger = 'manual'): Promise<RunSummary> {
      if (running) return running;
      running = runOnce(trigger).finally(() => (running = undefined));
      return running;
    },

    async findings(q: { status?: string[]; severity?: string; check?: string; owner?: string; subject?: string; limit: number }): Promise<ReturnType<typeof toFinding>[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      const statuses = q.status ?? ['open', 'acknowledged'];
      where.push(`status IN (${statuses.map(() => '?').join(',')})`), params.push(...statuses);
      if (q.severity) where.push('severity = ?'), params.push(q.severity);
      if (q.check) where.push('check_id = ?'), params.push(q.check);
      if (q.subject) where.push('subject_id = ?'), params.push(q.subject);
      const rows = await db.all<FindingRow>(`SELECT * FROM compliance_findings WHERE ${where.join(' AND ')} ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, first_seen, id LIMIT ?`, [...params, q.owner ? 100_000 : q.limit]);
      const out = rows.map(toFinding);
      return q.owner ? out.filter((f) => f.owner === q.owner).slice(0, q.limit) : out;
    },

    async finding(id: string) {
      const [row] = await db.all<FindingRow>('SELECT * FROM compliance_findings WHERE id = ?', [id]);
      return row ? toFinding(row) : undefined;
    },

    /** Someone has seen it and owns the fix: it stays a finding until its cause is gone. */
    async acknowledge(user: string, id: string, note: string) {
      const at = clock().toISOString();
      await db.transaction(async (tx) => {
        const [row] = await tx.all<FindingRow>(`SELECT * FROM compliance_findings WHERE id = ?${tx.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, [id]);
        if (!row) throw new MandateError('NOT_FOUND', `no finding ${id}`);
        if (row.status !== 'open') throw new MandateError('ALREADY_DECIDED', `finding ${id} is ${row.status}: only an open finding is acknowledged`);
        const doc = { ...(JSON.parse(row.doc) as FindingDoc), note };
        await tx.run("UPDATE compliance_findings SET status = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, doc = ? WHERE id = ?", [user, at, JSON.stringify(doc), id]);
        await appendEvents(tx, at, [{ actor: `user:${user}`, action: 'finding.acknowledged', subject: { type: 'finding', id }, before: { status: 'open' }, after: { status: 'acknowledged' }, reason: note }]);
      });
      return toFinding((await db.all<FindingRow>('SELECT * FROM compliance_findings WHERE id = ?', [id]))[0]!);
    },

    /** Remediation lag: how long resolved findings stayed open, by severity (ms). */
    async lag(): Promise<Record<string, { resolved: number; p50_hours: number; p90_hours: number; max_hours: number; overdue_open: number }>> {
      const now = clock().toISOString();
      const out: Record<string, { resolved: number; p50_hours: number; p90_hours: number; max_hours: number; overdue_open: number }> = {};
      for (const sev of ['critical', 'high', 'medium', 'low']) {
        const lags = (await db.all<{ first_seen: string; resolved_at: string }>("SELECT first_seen, resolved_at FROM compliance_findings WHERE status = 'resolved' AND severity = ?", [sev]))
          .map((r) => Date.parse(r.resolved_at) - Date.parse(r.first_seen)).sort((a, b) => a - b);
        const [over] = await db.all<{ n: number }>("SELECT COUNT(*) AS n FROM compliance_findings WHERE status IN ('open', 'acknowledged') AND severity = ? AND due_at < ?", [sev, now]);
        const q = (p: number) => (lags.length ? Math.round((lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]! / 3600_000) * 10) / 10 : 0);
        out[sev] = { resolved: lags.length, p50_hours: q(0.5), p90_hours: q(0.9), max_hours: q(1 - 1e-9), overdue_open: Number(over?.n ?? 0) };
      }
      return out;
    },

    /**
     * Readiness per (entity, member state, service): from the newest run, or the newest run at or
     * before `asOf` ("what did readiness look like on the deadline day").
     */
    async readiness(q: { entity?: string; jurisdiction?: string; asOf?: string; brief?: boolean }): Promise<{ run: { id: string; at: string } | null; items: Readiness[] }> {
      const asOf = q.asOf ?? clock().toISOString();
      if (q.asOf !== undefined && !Number.isFinite(parseTimestamp(q.asOf))) throw new MandateError('VALIDATION_FAILED', `as_of is not a time: ${q.asOf}`, { field: 'query:as_of' });
      const [run] = await db.all<{ id: string; at: string }>('SELECT id, at FROM check_runs WHERE at <= ? ORDER BY at DESC, id DESC LIMIT 1', [new Date(parseTimestamp(asOf)).toISOString()]);
      if (!run) return { run: null, items: [] };
      const auths = await getAllRecords(db, 'authorisation');
      if (q.entity && ![...auths.values()].some((a) => a.entity === q.entity)) throw new MandateError('NOT_FOUND', `the firm holds no authorisation for entity ${q.entity}`, { field: 'query:entity' });
      const rows = await db.all<{ entity: string; jurisdiction: string; service: string; score: number; open_findings: number; blocking: number }>(
        `SELECT entity, jurisdiction, service, score, open_findings, blocking FROM readiness_history WHERE run_id = ?${q.entity ? ' AND entity = ?' : ''}${q.jurisdiction ? ' AND jurisdiction = ?' : ''} ORDER BY entity, jurisdiction, service`,
        [run.id, ...(q.entity ? [q.entity] : []), ...(q.jurisdiction ? [q.jurisdiction] : [])],
      );
      const historical = q.asOf !== undefined;
      // Blocking findings and owners are read from the live register (as of now); for a past
      // time the history gives the score and counts only, and a brief answer (the console's
      // overview) leaves them out. Both are indexed by scope once, not searched per scope: at
      // 100,000 identities the per-scope scans took 7 s.
      const live = historical || q.brief ? [] : (await db.all<FindingRow>("SELECT * FROM compliance_findings WHERE status IN ('open', 'acknowledged')")).map(toFinding);
      const { byScope, everywhere } = groupByScope(live, (f) => f.scopes);
      const identityCounts = new Map<string, number>();
      if (!historical) {
        const counted = await db.all<{ entity: string; service: string; jurisdiction: string; n: number }>(
          `SELECT s.entity, s.service, s.jurisdiction, COUNT(DISTINCT s.identity_id) AS n FROM identity_scopes s JOIN identities i ON i.id = s.identity_id
            WHERE i.status IN ('active', 'suspended') GROUP BY s.entity, s.service, s.jurisdiction`,
        );
        for (const c of counted) identityCounts.set(`${c.entity}/${c.service}/${c.jurisdiction}`, Number(c.n));
      }
      const authByScope = new Map([...auths.values()].map((a) => [scopeKey(a), a]));
      const now = clock().getTime();
      const items: Readiness[] = rows.map((r) => {
        const key = `${r.entity}/${r.service}/${r.jurisdiction}`;
        const a = authByScope.get(key);
        const here = [...everywhere, ...(byScope.get(key) ?? [])];
        const owners = new Map<string, number>();
        for (const f of here) if (f.owner) owners.set(f.owner, (owners.get(f.owner) ?? 0) + 1);
        const deadlines: Readiness['deadlines'] = [];
        const add = (what: string, at: string | undefined) => {
          if (!at) return;
          const t = parseTimestamp(at);
          if (Number.isFinite(t)) deadlines.push({ what, at: new Date(t).toISOString(), days_left: Math.ceil((t - now) / DAY) });
        };
        if (a?.effective_from && parseTimestamp(a.effective_from) > now) add(a.basis === 'passport' ? 'passport may start' : 'authorisation takes effect', a.effective_from);
        if (a?.deadline) add(a.status === 'suspended' ? 'suspension ends' : a.status === 'wind_down' ? 'wind-down must complete' : `deadline (${a.status})`, a.deadline);
        if (a?.status === 'applied' && Date.parse(TRANSITIONAL_END) > now) add('MiCA transitional period ends (Art. 143)', TRANSITIONAL_END);
        const blocking = here.filter((f) => f.severity === 'critical' || f.severity === 'high');
        if (blocking.length) add(`first blocking finding due (${blocking.length} blocking)`, blocking.map((f) => f.due_at).sort()[0]);
        return {
          entity: r.entity, jurisdiction: r.jurisdiction, service: r.service,
          authorisation: a ? { id: a.id, status: a.status, basis: a.basis, reference: a.reference } : null,
          score: Number(r.score), identities: identityCounts.get(key) ?? 0,
          open_findings: Number(r.open_findings),
          blocking: blocking.map((f) => ({ id: f.id, severity: f.severity, title: f.title, owner: f.owner })),
          owners_to_chase: [...owners].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([owner, findings]) => ({ owner, findings })),
          deadlines: deadlines.sort((x, y) => x.at.localeCompare(y.at)),
        };
      });
      return { run, items };
    },

    /** Mean readiness of one entity and member state at each run (the trend). */
    async trend(entity: string, jurisdiction: string, limit = 100): Promise<{ at: string; score: number }[]> {
      const rows = await db.all<{ at: string; score: number }>(
        'SELECT at, AVG(score) AS score FROM readiness_history WHERE entity = ? AND jurisdiction = ? GROUP BY run_id, at ORDER BY at DESC LIMIT ?', [entity, jurisdiction, limit],
      );
      return rows.reverse().map((r) => ({ at: r.at, score: Math.round(Number(r.score)) }));
    },

    async runs(limit: number): Promise<RunSummary[]> {
      return (await db.all<{ id: string; at: string; trigger_reason: string; doc: string }>('SELECT * FROM check_runs ORDER BY at DESC, id DESC LIMIT ?', [limit]))
        .map((r) => ({ id: r.id, at: r.at, trigger: r.trigger_reason, ...(JSON.parse(r.doc) as { checks: CheckResult[]; counts: RunSummary['counts'] }), duration_ms: 0 }));
    },
  };
}
export type ComplianceService = ReturnType<typeof complianceService>;
