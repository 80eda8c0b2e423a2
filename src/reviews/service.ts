// Access review campaigns. A campaign puts every identity in its scope before the identity's owner
// (or, when the owner has gone, before the review managers), who keeps, narrows or revokes it.
// Narrowing and revoking go through the inventory, so tokens, connector effects and events happen
// exactly as for any other change; the decision itself is recorded once that change committed.
import { randomBytes } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import type { Identity, Person } from '../core/model.js';
import {
  decisionRefusal, flagsFor, isOverdue, narrowIdentity, nextDueAt, NewCampaign, REVIEW_FLAGS, reviewerFor,
  type ApprovalFact, type CampaignFilter, type CampaignStatus, type ReviewDecision, type ReviewDecisionInput, type ReviewFlag,
} from '../core/reviews.js';
import type { Role } from '../core/roles.js';
import { ajvIssues, compileBody } from '../core/schema.js';
import { parseTimestamp } from '../core/time.js';
import { appendEvents } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import { getAllRecords } from '../state/records.js';
import type { InventoryService } from '../inventory/service.js';
import { insertMany, placeholders, type Database, type Param, type Sql } from '../store/db.js';

/** What a campaign keeps in its doc: how it was asked for, and its place in a recurring series. */
interface CampaignDoc {
  name: string;
  filter: CampaignFilter;
  recurrence_days: number | null;
  previous: string | null;
  next: string | null;
}

interface CampaignRow { id: string; doc: string; status: CampaignStatus; created_by: string; created_at: string; due_at: string; closed_at: string | null }
interface ItemRow {
  campaign_id: string; identity_id: string; reviewer: string | null; flags: string; decision: ReviewDecision | null;
  decided_by: string | null; decided_at: string | null; notes: string | null;
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

const PAGE = 2000;
const newCampaignId = (): string => `rc_${randomBytes(8).toString('hex')}`;
const forUpdate = (sql: Sql): string => (sql.dialect === 'postgres' ? ' FOR UPDATE' : '');

/** Counts per campaign, for several campaigns in one pass over their items. */
async function countsOfMany(sql: Sql, campaignIds: readonly string[]): Promise<Map<string, CampaignCounts>> {
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
      total: n('total'), decided: n('decided'), undecided: n('total') - n('decided'),
      by_decision: { keep: n('keep'), narrow: n('narrow'), revoke: n('revoke') },
      flagged: n('flagged'),
      by_flag: Object.fromEntries(REVIEW_FLAGS.map((f, i) => [f, n(`f${i}`)])) as Record<ReviewFlag, number>,
    });
  }
  return out;
}

const countsOf = async (sql: Sql, campaignId: string): Promise<CampaignCounts> => (await countsOfMany(sql, [campaignId])).get(campaignId)!;

function toCampaign(r: CampaignRow, counts: CampaignCounts, now: Date): Campaign {
  const doc = JSON.parse(r.doc) as CampaignDoc;
  return {
    id: r.id, name: doc.name, status: r.status, filter: doc.filter, recurrence_days: doc.recurrence_days, previous: doc.previous, next: doc.next,
    created_by: r.created_by, created_at: r.created_at, due_at: r.due_at, closed_at: r.closed_at,
    overdue: counts.undecided > 0 && parseTimestamp(r.due_at) < now.getTime(), counts,
  };
}

async function loadCampaign(sql: Sql, id: string, lock = false): Promise<CampaignRow | undefined> {
  const [row] = await sql.all<CampaignRow>(`SELECT * FROM review_campaigns WHERE id = ?${lock ? forUpdate(sql) : ''}`, [id]);
  return row;
}

/** Every approval that still gives an identity something, by identity: active grants and exceptions on the register. */
async function approvalFacts(sql: Sql): Promise<Map<string, ApprovalFact[]>> {
  // A grant shares its id with the request it came from (an access request, an exception, a
  // break-glass activation); the request names its approval.
  const grants = await sql.all<{ identity_id: string; id: string; status: string; expires_at: string; approval_id: string; kind: string; approval_status: string; decided_at: string | null }>(
    `SELECT g.identity_id, g.id, g.status, g.expires_at, a.id AS approval_id, a.kind, a.status AS approval_status, a.decided_at
       FROM grants g
       JOIN (SELECT id, approval_id FROM access_requests UNION ALL SELECT id, approval_id FROM policy_exceptions
             UNION ALL SELECT id, approval_id FROM break_glass_activations) s ON s.id = g.id
       JOIN approvals a ON a.id = s.approval_id
      WHERE g.status = 'active'`,
  );
  // An exception stays on the register after it runs out, until someone closes it.
  const exceptions = await sql.all<{ identity_id: string; id: string; status: string; expires_at: string; approval_id: string; kind: string; approval_status: string; decided_at: string | null }>(
    `SELECT e.identity_id, e.id, e.status, e.expires_at, a.id AS approval_id, a.kind, a.status AS approval_status, a.decided_at
       FROM policy_exceptions e JOIN approvals a ON a.id = e.approval_id
      WHERE e.status IN ('active', 'expired')`,
  );
  const out = new Map<string, ApprovalFact[]>();
  const add = (type: 'grant' | 'exception', rows: typeof grants) => {
    for (const r of rows) {
      const list = out.get(r.identity_id) ?? [];
      list.push({ approval: { id: r.approval_id, kind: r.kind, status: r.approval_status, decided_at: r.decided_at }, holds: { type, id: r.id, status: r.status, expires_at: r.expires_at } });
      out.set(r.identity_id, list);
    }
  };
  add('grant', grants);
  add('exception', exceptions);
  return out;
}

/** One page of the identities a filter puts in scope: active or suspended (revoked and decommissioned ones have nothing to review). */
async function identitiesInScope(sql: Sql, filter: CampaignFilter, after: string | undefined, limit: number): Promise<Identity[]> {
  const where = ["r.status IN ('active', 'suspended')"];
  const params: Param[] = [];
  if (filter.owner !== undefined) where.push('r.owner = ?'), params.push(filter.owner);
  if (filter.function?.length) where.push(`r.function IN (${filter.function.map(() => '?').join(',')})`), params.push(...filter.function);
  if (!filter.include_break_glass) where.push('r.break_glass = 0');
  // `r.id || ''`: keeps SQLite from carrying the cursor over to the scope index (see listRecords).
  if (filter.entity !== undefined) where.push("EXISTS (SELECT 1 FROM identity_scopes s WHERE s.identity_id = r.id || '' AND s.entity = ?)"), params.push(filter.entity);
  if (after !== undefined) where.push('r.id > ?'), params.push(after);
  const rows = await sql.all<{ doc: string }>(`SELECT r.doc FROM identities r WHERE ${where.join(' AND ')} ORDER BY r.id LIMIT ?`, [...params, limit]);
  return rows.map((r) => JSON.parse(r.doc) as Identity);
}

/** Overdue review items as findings: undecided past their due date, not since decided in a later campaign, for identities still in use. */
export async function accessReviewFindings(sql: Sql, now: Date): Promise<Finding[]> {
  // Campaigns are few and items many, with no index by identity alone: walk the lapsed campaigns,
  // latest due first, each by its own key, and learn in one grouped pass which identities a later
  // campaign has answered since.
  const lapsed = await sql.all<CampaignRow>(
    "SELECT * FROM review_campaigns WHERE status IN ('open', 'overdue') AND due_at < ? ORDER BY due_at DESC, id",
    [now.toISOString()],
  );
  if (lapsed.length === 0) return [];
  const earliest = lapsed.reduce((min, c) => (c.created_at < min ? c.created_at : min), lapsed[0]!.created_at);
  const answered = new Map<string, string>();
  for (const r of await sql.all<{ identity_id: string; latest: string }>(
    `SELECT l.identity_id, MAX(lc.created_at) AS latest FROM review_campaigns lc JOIN review_items l ON l.campaign_id = lc.id
      WHERE lc.created_at > ? AND l.decision IS NOT NULL GROUP BY l.identity_id`,
    [earliest],
  )) answered.set(r.identity_id, r.latest);
  const out: Finding[] = [];
  // One finding per identity: the latest review it missed (a recurring series would repeat it).
  const seen = new Set<string>();
  for (const c of lapsed) {
    const name = (JSON.parse(c.doc) as CampaignDoc).name;
    const items = await sql.all<{ identity_id: string; reviewer: string | null }>(
      `SELECT i.identity_id, i.reviewer FROM review_items i JOIN identities d ON d.id = i.identity_id
        WHERE i.campaign_id = ? AND i.decision IS NULL AND d.status IN ('active', 'suspended') ORDER BY i.identity_id`,
      [c.id],
    );
    for (const r of items) {
      if (seen.has(r.identity_id)) continue;
      seen.add(r.identity_id);
      if ((answered.get(r.identity_id) ?? '') > c.created_at) continue;
      out.push({
        id: `access-review-overdue:${c.id}:${r.identity_id}`,
        rule: 'access-review-overdue',
        severity: 'medium',
        subject: { type: 'identity', id: r.identity_id },
        title: `The access review of ${r.identity_id} is overdue`,
        detail: `campaign "${name}" (${c.id}) was due ${c.due_at}; ${r.reviewer ?? 'a review manager (the owner has departed or there is none)'} has not decided to keep, narrow or revoke it`,
        since: c.due_at,
        reviewer: r.reviewer,
      });
    }
  }
  return out.sort((a, b) => (a.subject.id < b.subject.id ? -1 : a.subject.id > b.subject.id ? 1 : 0));
}

/** An overdue review item, as the compliance checks read it. */
export interface Finding {
  id: string;
  rule: string;
  severity: 'medium';
  subject: { type: string; id: string };
  title: string;
  detail: string;
  since: string;
  reviewer: string | null;
}

export function reviewService(db: Database, clock: () => Date, inventory: InventoryService) {
  const validateCampaign = compileBody(NewCampaign);

  /**
   * Creates a campaign and its items in the caller's transaction, a page of identities at a
   * time so that 100k identities never sit in memory at once. Answers the number of items.
   */
  async function create(tx: Sql, id: string, actor: string, doc: CampaignDoc, dueAt: string, at: string): Promise<number> {
    const people = await getAllRecords(tx, 'person');
    const facts = await approvalFacts(tx);
    const now = new Date(Date.parse(at));
    await tx.run('INSERT INTO review_campaigns (id, doc, status, created_by, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?)', [id, JSON.stringify(doc), 'open', actor, at, dueAt]);
    let total = 0;
    let flagged = 0;
    let unowned = 0;
    for (let after: string | undefined; ;) {
      const page = await identitiesInScope(tx, doc.filter, after, PAGE);
      if (page.length === 0) break;
      await insertMany(tx, 'review_items', ['campaign_id', 'identity_id', 'reviewer', 'flags'], page.map((identity) => {
        const owner: Person | undefined = identity.owner ? people.get(identity.owner) : undefined;
        const flags = flagsFor(identity, owner, facts.get(identity.id) ?? [], now);
        const reviewer = reviewerFor(identity, owner);
        if (flags.length) flagged++;
        if (reviewer === null) unowned++;
        return [id, identity.id, reviewer, JSON.stringify(flags)];
      }));
      total += page.length;
      after = page[page.length - 1]!.id;
      if (page.length < PAGE) break;
    }
    // One event for the campaign; the items themselves are its evidence, in review_items.
    await appendEvents(tx, at, [{
      actor, action: 'review_campaign.opened', subject: { type: 'review_campaign', id },
      after: { ...doc, due_at: dueAt, items: total, flagged, unowned }, reason: doc.name,
    }]);
    if (total === 0) await close(tx, id, 'closed', actor, at, 'no identity in scope');
    return total;
  }

  async function close(tx: Sql, id: string, status: 'closed' | 'overdue', actor: string, at: string, reason: string): Promise<void> {
    await tx.run("UPDATE review_campaigns SET status = ?, closed_at = ? WHERE id = ? AND status = 'open'", [status, at, id]);
    const counts = await countsOf(tx, id);
    await appendEvents(tx, at, [{ actor, action: 'review_campaign.closed', subject: { type: 'review_campaign', id }, before: { status: 'open' }, after: { status, counts }, reason }]);
  }

  const recorded = refusalRecorder(db, clock);

  async function get(id: string): Promise<Campaign | undefined> {
    const row = await loadCampaign(db, id);
    return row ? toCampaign(row, await countsOf(db, id), clock()) : undefined;
  }

  async function itemsOf(campaign: CampaignRow, where: string[], params: Param[], limit: number): Promise<ReviewItem[]> {
    const rows = await db.all<ItemRow & { kind: string | null; function: string | null; capability: string | null; status: string | null; owner: string | null }>(
      `SELECT i.*, d.kind, d.function, d.capability, d.status, d.owner FROM review_items i LEFT JOIN identities d ON d.id = i.identity_id
        WHERE ${['i.campaign_id = ?', ...where].join(' AND ')} ORDER BY i.identity_id LIMIT ?`,
      [campaign.id, ...params, limit],
    );
    const now = clock();
    return rows.map((r) => ({
      campaign_id: r.campaign_id, identity_id: r.identity_id, reviewer: r.reviewer, flags: JSON.parse(r.flags) as ReviewFlag[],
      decision: r.decision, decided_by: r.decided_by, decided_at: r.decided_at, notes: r.notes, overdue: isOverdue(campaign.due_at, r.decision, now),
      identity: r.kind === null ? null : { kind: r.kind, function: r.function!, capability: r.capability!, status: r.status!, owner: r.owner },
    }));
  }

  return {
    async open(actor: string, input: NewCampaign): Promise<Campaign> {
      if (!validateCampaign(input)) throw new MandateError('VALIDATION_FAILED', 'the campaign is not valid', { issues: ajvIssues(validateCampaign.errors) });
      const now = clock();
      const due = parseTimestamp(input.due_at);
      if (!Number.isFinite(due)) throw new MandateError('VALIDATION_FAILED', `due_at is not a real time: ${input.due_at}`, { field: '/due_at' });
      if (due <= now.getTime()) throw new MandateError('VALIDATION_FAILED', `due_at ${input.due_at} has passed: a campaign is due in the future`, { field: '/due_at' });
      const id = newCampaignId();
      const at = now.toISOString();
      const doc: CampaignDoc = { name: input.name, filter: input.filter ?? {}, recurrence_days: input.recurrence_days ?? null, previous: null, next: null };
      await db.transaction(async (tx) => {
        // Stored in UTC so due dates compare as text on both stores.
        const total = await create(tx, id, actor, doc, new Date(due).toISOString(), at);
        // A filter that matches nothing is a mistake to report, not a campaign to keep.
        if (total === 0) throw new MandateError('VALIDATION_FAILED', 'no active or suspended identity matches the filter', { field: '/filter' });
      });
      return (await get(id))!;
    },

    get,

    /** Campaigns, newest first. */
    async list(q: { status?: CampaignStatus; limit: number }): Promise<Campaign[]> {
      const rows = q.status
        ? await db.all<CampaignRow>('SELECT * FROM review_campaigns WHERE status = ? ORDER BY created_at DESC, id LIMIT ?', [q.status, q.limit])
        : await db.all<CampaignRow>('SELECT * FROM review_campaigns ORDER BY created_at DESC, id LIMIT ?', [q.limit]);
      const counts = await countsOfMany(db, rows.map((r) => r.id));
      const now = clock();
      return rows.map((r) => toCampaign(r, counts.get(r.id)!, now));
    },

    /** One page of a campaign's items in identity order. */
    async items(id: string, q: ItemQuery): Promise<ReviewItem[]> {
      const campaign = await loadCampaign(db, id);
      if (!campaign) throw new MandateError('NOT_FOUND', `no access review campaign with id ${id}`);
      const where: string[] = [];
      const params: Param[] = [];
      if (q.reviewer !== undefined) {
        where.push(q.unowned ? '(i.reviewer = ? OR i.reviewer IS NULL)' : 'i.reviewer = ?');
        params.push(q.reviewer);
      }
      if (q.undecided) where.push('i.decision IS NULL');
      if (q.after !== undefined) where.push('i.identity_id > ?'), params.push(q.after);
      return itemsOf(campaign, where, params, q.limit);
    },

    /**
     * The reviewer's answer for one identity. The change to the identity (if any) commits first,
     * through the inventory; then the decision. After a crash between the two the item is still
     * open and deciding it again is harmless: a revoked identity stays revoked, a narrowing to
     * what the identity already is changes nothing.
     */
    async decide(caller: Caller, campaignId: string, identityId: string, input: ReviewDecisionInput): Promise<ReviewItem> {
      const actor = `user:${caller.user}`;
      return recorded(actor, { type: 'identity', id: identityId }, 'review_item.decide', { campaign: campaignId, ...input }, async () => {
        const campaign = await loadCampaign(db, campaignId);
        if (!campaign) throw new MandateError('NOT_FOUND', `no access review campaign with id ${campaignId}`);
        const [item] = await db.all<ItemRow>('SELECT * FROM review_items WHERE campaign_id = ? AND identity_id = ?', [campaignId, identityId]);
        if (!item) throw new MandateError('NOT_FOUND', `campaign ${campaignId} has no item for identity ${identityId}`);
        const facts = { campaign: campaignId, campaignStatus: campaign.status, identity: identityId, reviewer: item.reviewer, decision: item.decision, decidedBy: item.decided_by };
        const refusal = decisionRefusal(facts, caller);
        if (refusal) throw refusal;
        if (input.decision !== 'narrow' && (input.actions !== undefined || input.scopes !== undefined))
          throw new MandateError('VALIDATION_FAILED', `actions and scopes say what a narrowing keeps; ${input.decision} takes neither`, { field: input.actions !== undefined ? '/actions' : '/scopes' });
        const name = (JSON.parse(campaign.doc) as CampaignDoc).name;
        const why = `access review "${name}" (${campaignId}): ${input.notes}`;
        let change: unknown;
        if (input.decision === 'narrow') {
          const current = await inventory.get('identity', identityId);
          if (!current) throw new MandateError('NOT_FOUND', `no identity with id ${identityId}`);
          const narrowed = narrowIdentity(current.record, input);
          // A narrowing only removes power, so it applies at once; were it ever held, say so.
          const written = await inventory.update(actor, 'identity', identityId, narrowed, current.version);
          if ('held' in written) throw new MandateError('INTERNAL', `narrowing identity ${identityId} was held for approval (${written.held.id}): a narrowing must only remove power`);
          change = { actions: narrowed.actions, scopes: narrowed.scopes };
        } else if (input.decision === 'revoke') {
          await inventory.changeStatus(actor, identityId, 'revoked', why);
          change = { status: 'revoked' };
        }
        const at = clock().toISOString();
        await db.transaction(async (tx) => {
          // The campaign row is the lock: two last decisions at once cannot both miss closing it.
          const locked = (await loadCampaign(tx, campaignId, true))!;
          const [now] = await tx.all<ItemRow>('SELECT * FROM review_items WHERE campaign_id = ? AND identity_id = ?', [campaignId, identityId]);
          const again = decisionRefusal({ ...facts, campaignStatus: locked.status, decision: now!.decision, decidedBy: now!.decided_by }, caller);
          if (again) throw again;
          await tx.run('UPDATE review_items SET decision = ?, decided_by = ?, decided_at = ?, notes = ? WHERE campaign_id = ? AND identity_id = ?', [input.decision, caller.user, at, input.notes, campaignId, identityId]);
          await appendEvents(tx, at, [{
            actor, action: 'review_item.decided', subject: { type: 'identity', id: identityId },
            after: { campaign: campaignId, decision: input.decision, flags: JSON.parse(item.flags) as string[], ...(change ? { change } : {}), overdue: isOverdue(campaign.due_at, null, new Date(Date.parse(at))) },
            reason: input.notes,
          }]);
          const [open] = await tx.all('SELECT 1 AS one FROM review_items WHERE campaign_id = ? AND decision IS NULL LIMIT 1', [campaignId]);
          if (!open) await close(tx, campaignId, 'closed', actor, at, 'every item decided');
        });
        const [decided] = await itemsOf(campaign, ['i.identity_id = ?'], [identityId], 1);
        return decided!;
      });
    },

    /**
     * The scheduler's tick: each recurring campaign whose due date has passed is closed (as
     * overdue if items are still open) and followed by the next one. Answers how many it opened.
     */
    async tick(): Promise<number> {
      const now = clock();
      const at = now.toISOString();
      // Campaigns are few (a handful a quarter); the series heads are picked out of the doc here.
      const due = await db.all<CampaignRow>('SELECT * FROM review_campaigns WHERE due_at <= ? ORDER BY due_at, id', [at]);
      let opened = 0;
      for (const c of due) {
        const doc = JSON.parse(c.doc) as CampaignDoc;
        if (!doc.recurrence_days || doc.next) continue;
        const done = await db.transaction(async (tx) => {
          const row = await loadCampaign(tx, c.id, true);
          const current = row && (JSON.parse(row.doc) as CampaignDoc);
          if (!row || !current || current.next) return false;
          if (row.status === 'open') await close(tx, c.id, 'overdue', 'mandate:scheduler', at, `due ${row.due_at} with items undecided; the next campaign takes over`);
          const id = newCampaignId();
          const nextDoc: CampaignDoc = { ...current, previous: c.id, next: null };
          await tx.run('UPDATE review_campaigns SET doc = ? WHERE id = ?', [JSON.stringify({ ...current, next: id }), c.id]);
          await create(tx, id, 'mandate:scheduler', nextDoc, nextDueAt(row.due_at, current.recurrence_days!, now), at);
          return true;
        });
        if (done) opened++;
      }
      return opened;
    },

    findings: (sql: Sql = db, now: Date = clock()) => accessReviewFindings(sql, now),
  };
}
export type ReviewService = ReturnType<typeof reviewService>;
