// The findings register and what is read from it: findings by status, severity, check, owner or
// subject; acknowledging one; remediation lag; readiness per (entity, member state, service) now or
// as of a past run, and its trend; the runs themselves. The check runner (runner.ts) writes it.
import { MandateError } from '../core/errors.js';
import type { CheckResult, Finding, FindingStatus, Readiness, Severity } from '../core/evidence.js';
import { scopeKey } from '../core/lifecycle.js';
import { parseTimestamp } from '../core/time.js';
import { appendEvents } from '../ledger/log.js';
import { getAllRecords } from '../state/records.js';
import type { Database } from '../store/db.js';
import type { RunSummary } from './runner.js';

export interface FindingRow {
  id: string;
  check_id: string;
  severity: string;
  status: string;
  subject_type: string;
  subject_id: string;
  doc: string;
  first_seen: string;
  last_seen: string;
  due_at: string;
  resolved_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  exception_id: string | null;
  occurrences: number;
}
export interface FindingDoc {
  title: string;
  detail: string;
  owner: string | null;
  controls: string[];
  scopes: string[];
  note?: string;
}

export function toFinding(r: FindingRow): Finding & { acknowledged_by: string | null; occurrences: number } {
  const d = JSON.parse(r.doc) as FindingDoc;
  return {
    id: r.id,
    check: r.check_id,
    severity: r.severity as Severity,
    status: r.status as FindingStatus,
    subject: { type: r.subject_type, id: r.subject_id },
    title: d.title,
    detail: d.detail,
    owner: d.owner,
    controls: d.controls,
    scopes: d.scopes,
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    due_at: r.due_at,
    resolved_at: r.resolved_at,
    exception: r.exception_id,
    evidence: [],
    acknowledged_by: r.acknowledged_by,
    occurrences: Number(r.occurrences),
  };
}

/** Items grouped by the scopes they name, once; items that name no scope (the ledger's findings, say) bear on every scope. */
export function groupByScope<T>(
  items: readonly T[],
  scopesOf: (item: T) => readonly string[],
): { byScope: Map<string, T[]>; everywhere: T[] } {
  const byScope = new Map<string, T[]>();
  const everywhere: T[] = [];
  for (const item of items) {
    const scopes = scopesOf(item);
    if (scopes.length === 0) everywhere.push(item);
    for (const k of new Set(scopes)) (byScope.get(k) ?? byScope.set(k, []).get(k)!).push(item);
  }
  return { byScope, everywhere };
}

export const DAY = 86_400_000;
/** MiCA Art. 143: the latest end of the transitional period for firms operating under national law. */
const TRANSITIONAL_END = '2026-07-01T00:00:00.000Z';

/** Severities, most severe first: the order findings are listed in. */
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'] as const satisfies readonly Severity[];
/** A finding's place in that order, in SQL (0 is critical). */
const RANK = "(CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END)";

/** Where the last finding of a page stood in the list's order (the next page starts after it). */
export interface FindingPosition {
  rank: number;
  first_seen: string;
  id: string;
}
export function positionOf(f: { severity: string; first_seen: string; id: string }): FindingPosition {
  const rank = (SEVERITY_ORDER as readonly string[]).indexOf(f.severity);
  return { rank: rank < 0 ? 3 : rank, first_seen: f.first_seen, id: f.id };
}

export interface FindingFilter {
  /** default: open and acknowledged */
  status?: string[];
  severity?: string;
  check?: string;
  owner?: string;
  /** only findings nobody owns */
  unowned?: boolean;
  subject?: string;
  /** one of the finding's scopes (entity/service/member state) is of this entity… */
  entity?: string;
  /** …and this member state (the same scope when both are given) */
  jurisdiction?: string;
}
export const FINDING_GROUPS = ['check', 'severity', 'owner'] as const;
export type FindingGroupBy = (typeof FINDING_GROUPS)[number];
export interface FindingGroup {
  /** the check id, severity or owner; null: findings nobody owns */
  key: string | null;
  count: number;
  by_severity: Record<Severity, number>;
}

/** The owner the finding's document names, in SQL. */
function ownerSql(db: Database): string {
  return db.dialect === 'postgres' ? "((doc::json)->>'owner')" : "json_extract(doc, '$.owner')";
}

function filterSql(db: Database, q: FindingFilter): { where: string[]; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const statuses = q.status ?? ['open', 'acknowledged'];
  where.push(`status IN (${statuses.map(() => '?').join(',')})`);
  params.push(...statuses);
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  equal('severity', q.severity);
  equal('check_id', q.check);
  equal('subject_id', q.subject);
  equal(ownerSql(db), q.owner);
  if (q.unowned) where.push(`${ownerSql(db)} IS NULL`);
  if (q.entity !== undefined || q.jurisdiction !== undefined) {
    // A scope is "entity/service/member state": compared by its ends, not with LIKE (ids may hold _ or %).
    const pg = db.dialect === 'postgres';
    const scope = pg ? 's.v' : 's.value';
    const conditions: string[] = [];
    if (q.entity !== undefined) {
      conditions.push(`substr(${scope}, 1, ?) = ?`);
      params.push(q.entity.length + 1, `${q.entity}/`);
    }
    if (q.jurisdiction !== undefined) {
      conditions.push(pg ? `right(${scope}, ?) = ?` : `substr(${scope}, -?) = ?`);
      params.push(q.jurisdiction.length + 1, `/${q.jurisdiction}`);
    }
    const scopes = pg ? "json_array_elements_text((doc::json)->'scopes') AS s(v)" : "json_each(doc, '$.scopes') AS s";
    where.push(`EXISTS (SELECT 1 FROM ${scopes} WHERE ${conditions.join(' AND ')})`);
  }
  return { where, params };
}

export interface FindingsDeps {
  db: Database;
  clock: () => Date;
}

export function findingsService({ db, clock }: FindingsDeps) {
  return {
    /**
     * Findings, most severe first (then oldest, then by id), a page at a time: `after` is the last
     * row of the previous page (keyset paging, so a deep page costs what the first does).
     */
    async findings(q: FindingFilter & { limit: number; after?: FindingPosition }): Promise<ReturnType<typeof toFinding>[]> {
      const { where, params } = filterSql(db, q);
      if (q.after) {
        where.push(`(${RANK} > ? OR (${RANK} = ? AND (first_seen > ? OR (first_seen = ? AND id > ?))))`);
        params.push(q.after.rank, q.after.rank, q.after.first_seen, q.after.first_seen, q.after.id);
      }
      const rows = await db.all<FindingRow>(
        `SELECT * FROM compliance_findings WHERE ${where.join(' AND ')} ORDER BY ${RANK}, first_seen, id LIMIT ?`,
        [...params, q.limit],
      );
      return rows.map(toFinding);
    },

    /**
     * How many findings each check, severity or owner has under the same filters as `findings`,
     * with how many of each severity: the groups with the most severe findings first.
     */
    async findingGroups(by: FindingGroupBy, q: FindingFilter): Promise<FindingGroup[]> {
      const { where, params } = filterSql(db, q);
      const key = by === 'check' ? 'check_id' : by === 'severity' ? 'severity' : ownerSql(db);
      const rows = await db.all<{ k: string | null; n: number; worst: number } & Record<Severity, number>>(
        `SELECT ${key} AS k, COUNT(*) AS n, MIN(${RANK}) AS worst, ${SEVERITY_ORDER.map(
          (s) => `SUM(CASE WHEN severity = '${s}' THEN 1 ELSE 0 END) AS ${s}`,
        ).join(', ')} FROM compliance_findings WHERE ${where.join(' AND ')} GROUP BY ${key}`,
        params,
      );
      return rows
        .map((r) => ({
          key: r.k ?? null,
          count: Number(r.n),
          worst: Number(r.worst),
          by_severity: Object.fromEntries(SEVERITY_ORDER.map((s) => [s, Number(r[s] ?? 0)])) as Record<Severity, number>,
        }))
        .sort((a, b) => a.worst - b.worst || b.count - a.count || (a.key ?? '\uffff').localeCompare(b.key ?? '\uffff'))
        .map(({ worst: _, ...g }) => g);
    },

    /** Open findings falling due at or after `from` (default: now), soonest first (then by id): a walk of one index. */
    async findingsDue(from: string | undefined, limit: number): Promise<ReturnType<typeof toFinding>[]> {
      const rows = await db.all<FindingRow>(
        "SELECT * FROM compliance_findings WHERE status = 'open' AND due_at >= ? ORDER BY due_at, id LIMIT ?",
        // Stored times are UTC ('…Z'): a date or another zone is compared as the same instant in UTC.
        [(from ? new Date(from) : clock()).toISOString(), limit],
      );
      return rows.map(toFinding);
    },

    async finding(id: string) {
      const [row] = await db.all<FindingRow>('SELECT * FROM compliance_findings WHERE id = ?', [id]);
      return row ? toFinding(row) : undefined;
    },

    /** Someone has seen it and owns the fix: it stays a finding until its cause is gone. */
    async acknowledge(user: string, id: string, note: string) {
      const at = clock().toISOString();
      await db.transaction(async (tx) => {
        const [row] = await tx.all<FindingRow>(
          `SELECT * FROM compliance_findings WHERE id = ?${tx.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
          [id],
        );
        if (!row) throw new MandateError('NOT_FOUND', `no finding ${id}`);
        if (row.status !== 'open')
          throw new MandateError('ALREADY_DECIDED', `finding ${id} is ${row.status}: only an open finding is acknowledged`);
        const doc = { ...(JSON.parse(row.doc) as FindingDoc), note };
        await tx.run(
          "UPDATE compliance_findings SET status = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, doc = ? WHERE id = ?",
          [user, at, JSON.stringify(doc), id],
        );
        await appendEvents(tx, at, [
          {
            actor: `user:${user}`,
            action: 'finding.acknowledged',
            subject: { type: 'finding', id },
            before: { status: 'open' },
            after: { status: 'acknowledged' },
            reason: note,
          },
        ]);
      });
      return toFinding((await db.all<FindingRow>('SELECT * FROM compliance_findings WHERE id = ?', [id]))[0]!);
    },

    /** Remediation lag: how long resolved findings stayed open, by severity (ms). */
    async lag(): Promise<
      Record<string, { resolved: number; p50_hours: number; p90_hours: number; max_hours: number; overdue_open: number }>
    > {
      const now = clock().toISOString();
      const out: Record<string, { resolved: number; p50_hours: number; p90_hours: number; max_hours: number; overdue_open: number }> = {};
      for (const sev of ['critical', 'high', 'medium', 'low']) {
        const lags = (
          await db.all<{ first_seen: string; resolved_at: string }>(
            "SELECT first_seen, resolved_at FROM compliance_findings WHERE status = 'resolved' AND severity = ?",
            [sev],
          )
        )
          .map((r) => Date.parse(r.resolved_at) - Date.parse(r.first_seen))
          .sort((a, b) => a - b);
        const [over] = await db.all<{ n: number }>(
          "SELECT COUNT(*) AS n FROM compliance_findings WHERE status IN ('open', 'acknowledged') AND severity = ? AND due_at < ?",
          [sev, now],
        );
        const q = (p: number) =>
          lags.length ? Math.round((lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]! / 3600_000) * 10) / 10 : 0;
        out[sev] = {
          resolved: lags.length,
          p50_hours: q(0.5),
          p90_hours: q(0.9),
          max_hours: q(1 - 1e-9),
          overdue_open: Number(over?.n ?? 0),
        };
      }
      return out;
    },

    /**
     * Readiness per (entity, member state, service): from the newest run, or the newest run at or
     * before `asOf` ("what did readiness look like on the deadline day").
     */
    async readiness(q: {
      entity?: string;
      jurisdiction?: string;
      asOf?: string;
      brief?: boolean;
    }): Promise<{ run: { id: string; at: string } | null; items: Readiness[] }> {
      const asOf = q.asOf ?? clock().toISOString();
      if (q.asOf !== undefined && !Number.isFinite(parseTimestamp(q.asOf)))
        throw new MandateError('VALIDATION_FAILED', `as_of is not a time: ${q.asOf}`, { field: 'query:as_of' });
      const [run] = await db.all<{ id: string; at: string }>(
        'SELECT id, at FROM check_runs WHERE at <= ? ORDER BY at DESC, id DESC LIMIT 1',
        [new Date(parseTimestamp(asOf)).toISOString()],
      );
      if (!run) return { run: null, items: [] };
      const auths = await getAllRecords(db, 'authorisation');
      if (q.entity && ![...auths.values()].some((a) => a.entity === q.entity))
        throw new MandateError('NOT_FOUND', `the firm holds no authorisation for entity ${q.entity}`, { field: 'query:entity' });
      const rows = await db.all<{
        entity: string;
        jurisdiction: string;
        service: string;
        score: number;
        open_findings: number;
        blocking: number;
      }>(
        'SELECT entity, jurisdiction, service, score, open_findings, blocking FROM readiness_history WHERE run_id = ?' +
          `${q.entity ? ' AND entity = ?' : ''}${q.jurisdiction ? ' AND jurisdiction = ?' : ''} ORDER BY entity, jurisdiction, ` +
          'service',
        [run.id, ...(q.entity ? [q.entity] : []), ...(q.jurisdiction ? [q.jurisdiction] : [])],
      );
      const historical = q.asOf !== undefined;
      // Blocking findings and owners are read from the live register (as of now); for a past
      // time the history gives the score and counts only, and a brief answer (the console's
      // overview) leaves them out. Both are indexed by scope once, not searched per scope: at
      // 100,000 identities the per-scope scans took 7 s.
      const live =
        historical || q.brief
          ? []
          : (await db.all<FindingRow>("SELECT * FROM compliance_findings WHERE status IN ('open', 'acknowledged')")).map(toFinding);
      const { byScope, everywhere } = groupByScope(live, (f) => f.scopes);
      const identityCounts = new Map<string, number>();
      if (!historical) {
        const counted = await db.all<{ entity: string; service: string; jurisdiction: string; n: number }>(
          `SELECT s.entity, s.service, s.jurisdiction, COUNT(DISTINCT s.identity_id) AS n FROM identity_scopes s JOIN identities i
            ON i.id = s.identity_id
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
        if (a?.effective_from && parseTimestamp(a.effective_from) > now)
          add(a.basis === 'passport' ? 'passport may start' : 'authorisation takes effect', a.effective_from);
        if (a?.deadline)
          add(
            a.status === 'suspended' ? 'suspension ends' : a.status === 'wind_down' ? 'wind-down must complete' : `deadline (${a.status})`,
            a.deadline,
          );
        if (a?.status === 'applied' && Date.parse(TRANSITIONAL_END) > now)
          add('MiCA transitional period ends (Art. 143)', TRANSITIONAL_END);
        const blocking = here.filter((f) => f.severity === 'critical' || f.severity === 'high');
        if (blocking.length) add(`first blocking finding due (${blocking.length} blocking)`, blocking.map((f) => f.due_at).sort()[0]);
        return {
          entity: r.entity,
          jurisdiction: r.jurisdiction,
          service: r.service,
          authorisation: a ? { id: a.id, status: a.status, basis: a.basis, reference: a.reference } : null,
          score: Number(r.score),
          identities: identityCounts.get(key) ?? 0,
          open_findings: Number(r.open_findings),
          blocking: blocking.map((f) => ({ id: f.id, severity: f.severity, title: f.title, owner: f.owner })),
          owners_to_chase: [...owners]
            .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
            .map(([owner, findings]) => ({ owner, findings })),
          deadlines: deadlines.sort((x, y) => x.at.localeCompare(y.at)),
        };
      });
      return { run, items };
    },

    /** Mean readiness of one entity and member state at each run (the trend). */
    async trend(entity: string, jurisdiction: string, limit = 100): Promise<{ at: string; score: number }[]> {
      const rows = await db.all<{ at: string; score: number }>(
        'SELECT at, AVG(score) AS score FROM readiness_history WHERE entity = ? AND jurisdiction = ? GROUP BY run_id, at ORDER BY at ' +
          'DESC LIMIT ?',
        [entity, jurisdiction, limit],
      );
      return rows.reverse().map((r) => ({ at: r.at, score: Math.round(Number(r.score)) }));
    },

    async runs(limit: number): Promise<RunSummary[]> {
      return (
        await db.all<{ id: string; at: string; trigger_reason: string; doc: string }>(
          'SELECT * FROM check_runs ORDER BY at DESC, id DESC LIMIT ?',
          [limit],
        )
      ).map((r) => ({
        id: r.id,
        at: r.at,
        trigger: r.trigger_reason,
        ...(JSON.parse(r.doc) as { checks: CheckResult[]; counts: RunSummary['counts'] }),
        duration_ms: 0,
      }));
    },
  };
}
export type FindingsService = ReturnType<typeof findingsService>;
