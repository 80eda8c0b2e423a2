// The tables of access review campaigns and their items, read: a campaign with its counts, one
// pass over the items for several campaigns' counts, the approvals that still give an identity
// something (for the items' flags), and a page of the identities a filter puts in scope.
import { randomBytes } from 'node:crypto';
import type { Identity } from '../core/model.js';
import {
  REVIEW_FLAGS,
  type ApprovalFact,
  type CampaignFilter,
  type CampaignStatus,
  type ReviewDecision,
  type ReviewFlag,
} from '../core/reviews.js';
import type { Role } from '../core/roles.js';
import { parseTimestamp } from '../core/time.js';
import { placeholders, type Param, type Sql } from '../store/db.js';

/** What a campaign keeps in its doc: how it was asked for, and its place in a recurring series. */
export interface CampaignDoc {
  name: string;
  filter: CampaignFilter;
  recurrence_days: number | null;
  previous: string | null;
  next: string | null;
}

export interface CampaignRow {
  id: string;
  doc: string;
  status: CampaignStatus;
  created_by: string;
  created_at: string;
  due_at: string;
  closed_at: string | null;
}
export interface ItemRow {
  campaign_id: string;
  identity_id: string;
  reviewer: string | null;
  flags: string;
  decision: ReviewDecision | null;
  decided_by: string | null;
  decided_at: string | null;
  notes: string | null;
}

export interface CampaignCounts {
  total: number;
  decided: number;
  undecided: number;
  by_decision: Record<ReviewDecision, number>;
  flagged: number;
  by_flag: Record<ReviewFlag, number>;
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  filter: CampaignFilter;
  recurrence_days: number | null;
  previous: string | null;
  next: string | null;
  created_by: string;
  created_at: string;
  due_at: string;
  closed_at: string | null;
  /** Past its due date with items undecided. */
  overdue: boolean;
  counts: CampaignCounts;
}

export interface ReviewItem {
  campaign_id: string;
  identity_id: string;
  reviewer: string | null;
  flags: ReviewFlag[];
  decision: ReviewDecision | null;
  decided_by: string | null;
  decided_at: string | null;
  notes: string | null;
  overdue: boolean;
  /** The identity as it is now (null if it no longer exists). */
  identity: { kind: string; function: string; capability: string; status: string; owner: string | null } | null;
}

export interface Caller {
  user: string;
  roles: readonly Role[];
}

export interface ItemQuery {
  /** Only items this person reviews. */
  reviewer?: string;
  /** With `reviewer`: also the items nobody owns (for a holder of reviews:manage). */
  unowned?: boolean;
  undecided?: boolean;
  limit: number;
  /** The identity id after which the page starts. */
  after?: string;
}

export const PAGE = 2000;
export const newCampaignId = (): string => `rc_${randomBytes(8).toString('hex')}`;
const forUpdate = (sql: Sql): string => (sql.dialect === 'postgres' ? ' FOR UPDATE' : '');
/** Counts per campaign, for several campaigns in one pass over their items. */
export async function countsOfMany(sql: Sql, campaignIds: readonly string[]): Promise<Map<string, CampaignCounts>> {
  const out = new Map<string, CampaignCounts>();
  if (campaignIds.length === 0) return out;
  // Flags are a JSON array of fixed words; a LIKE per flag counts them in the same single pass.
  const perFlag = REVIEW_FLAGS.map((_, i) => `SUM(CASE WHEN flags LIKE ? THEN 1 ELSE 0 END) AS f${i}`).join(', ');
  const rows = await sql.all<Record<string, unknown>>(
    `SELECT campaign_id, COUNT(*) AS total, SUM(CASE WHEN decision IS NOT NULL THEN 1 ELSE 0 END) AS decided,
       SUM(CASE WHEN decision = 'keep' THEN 1 ELSE 0 END) AS keep, SUM(CASE WHEN decision = 'narrow' THEN 1 ELSE 0 END) AS narrow,
       SUM(CASE WHEN decision = 'revoke' THEN 1 ELSE 0 END) AS revoke, SUM(CASE WHEN flags <> '[]' THEN 1 ELSE 0 END) AS flagged, ${perFlag}
     FROM review_items WHERE campaign_id IN (${placeholders(campaignIds.length)}) GROUP BY campaign_id`,
    [...REVIEW_FLAGS.map((f) => `%"${f}"%`), ...campaignIds],
  );
  const byId = new Map(rows.map((r) => [r.campaign_id as string, r]));
  for (const id of campaignIds) {
    const row = byId.get(id) ?? {};
    const n = (k: string) => Number(row[k] ?? 0);
    out.set(id, {
      total: n('total'),
      decided: n('decided'),
      undecided: n('total') - n('decided'),
      by_decision: { keep: n('keep'), narrow: n('narrow'), revoke: n('revoke') },
      flagged: n('flagged'),
      by_flag: Object.fromEntries(REVIEW_FLAGS.map((f, i) => [f, n(`f${i}`)])) as Record<ReviewFlag, number>,
    });
  }
  return out;
}

export const countsOf = async (sql: Sql, campaignId: string): Promise<CampaignCounts> =>
  (await countsOfMany(sql, [campaignId])).get(campaignId)!;

export function toCampaign(r: CampaignRow, counts: CampaignCounts, now: Date): Campaign {
  const doc = JSON.parse(r.doc) as CampaignDoc;
  return {
    id: r.id,
    name: doc.name,
    status: r.status,
    filter: doc.filter,
    recurrence_days: doc.recurrence_days,
    previous: doc.previous,
    next: doc.next,
    created_by: r.created_by,
    created_at: r.created_at,
    due_at: r.due_at,
    closed_at: r.closed_at,
    overdue: counts.undecided > 0 && parseTimestamp(r.due_at) < now.getTime(),
    counts,
  };
}

export async function loadCampaign(sql: Sql, id: string, lock = false): Promise<CampaignRow | undefined> {
  const [row] = await sql.all<CampaignRow>(`SELECT * FROM review_campaigns WHERE id = ?${lock ? forUpdate(sql) : ''}`, [id]);
  return row;
}

/** Every approval that still gives an identity something, by identity: active grants and exceptions on the register. */
export async function approvalFacts(sql: Sql): Promise<Map<string, ApprovalFact[]>> {
  // A grant shares its id with the request it came from (an access request, an exception, a
  // break-glass activation); the request names its approval.
  const grants = await sql.all<{
    identity_id: string;
    id: string;
    status: string;
    expires_at: string;
    approval_id: string;
    kind: string;
    approval_status: string;
    decided_at: string | null;
  }>(
    `SELECT g.identity_id, g.id, g.status, g.expires_at, a.id AS approval_id, a.kind, a.status AS approval_status, a.decided_at
       FROM grants g
       JOIN (SELECT id, approval_id FROM access_requests UNION ALL SELECT id, approval_id FROM policy_exceptions
             UNION ALL SELECT id, approval_id FROM break_glass_activations) s ON s.id = g.id
       JOIN approvals a ON a.id = s.approval_id
      WHERE g.status = 'active'`,
  );
  // An exception stays on the register after it runs out, until someone closes it.
  const exceptions = await sql.all<{
    identity_id: string;
    id: string;
    status: string;
    expires_at: string;
    approval_id: string;
    kind: string;
    approval_status: string;
    decided_at: string | null;
  }>(
    `SELECT e.identity_id, e.id, e.status, e.expires_at, a.id AS approval_id, a.kind, a.status AS approval_status, a.decided_at
       FROM policy_exceptions e JOIN approvals a ON a.id = e.approval_id
      WHERE e.status IN ('active', 'expired')`,
  );
  const out = new Map<string, ApprovalFact[]>();
  const add = (type: 'grant' | 'exception', rows: typeof grants) => {
    for (const r of rows) {
      const list = out.get(r.identity_id) ?? [];
      list.push({
        approval: { id: r.approval_id, kind: r.kind, status: r.approval_status, decided_at: r.decided_at },
        holds: { type, id: r.id, status: r.status, expires_at: r.expires_at },
      });
      out.set(r.identity_id, list);
    }
  };
  add('grant', grants);
  add('exception', exceptions);
  return out;
}

/** One page of the identities a filter puts in scope: active or suspended (revoked and decommissioned ones have nothing to review). */
export async function identitiesInScope(sql: Sql, filter: CampaignFilter, after: string | undefined, limit: number): Promise<Identity[]> {
  const where = ["r.status IN ('active', 'suspended')"];
  const params: Param[] = [];
  if (filter.owner !== undefined) {
    where.push('r.owner = ?');
    params.push(filter.owner);
  }
  if (filter.function?.length) {
    where.push(`r.function IN (${filter.function.map(() => '?').join(',')})`);
    params.push(...filter.function);
  }
  if (!filter.include_break_glass) where.push('r.break_glass = 0');
  // `r.id || ''`: keeps SQLite from carrying the cursor over to the scope index (see listRecords).
  if (filter.entity !== undefined) {
    where.push("EXISTS (SELECT 1 FROM identity_scopes s WHERE s.identity_id = r.id || '' AND s.entity = ?)");
    params.push(filter.entity);
  }
  if (after !== undefined) {
    where.push('r.id > ?');
    params.push(after);
  }
  const rows = await sql.all<{ doc: string }>(`SELECT r.doc FROM identities r WHERE ${where.join(' AND ')} ORDER BY r.id LIMIT ?`, [
    ...params,
    limit,
  ]);
  return rows.map((r) => JSON.parse(r.doc) as Identity);
}
