// Access review campaigns. A campaign puts every identity in its scope before the identity's owner
// (or, when the owner has gone, before the review managers), who keeps, narrows or revokes it.
// Narrowing and revoking go through the inventory, so tokens, connector effects and events happen
// exactly as for any other change; the decision itself is recorded once that change committed.
// The campaign tables are read in campaigns.ts; lapsed reviews become findings in findings.ts.
import { MandateError } from '../core/errors.js';
import type { Person } from '../core/model.js';
import {
  decisionRefusal,
  flagsFor,
  isOverdue,
  narrowIdentity,
  nextDueAt,
  NewCampaign,
  reviewerFor,
  type CampaignStatus,
  type ReviewDecisionInput,
  type ReviewFlag,
} from '../core/reviews.js';
import { ajvIssues, compileBody } from '../core/schema.js';
import { parseTimestamp } from '../core/time.js';
import { appendEvents } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import { getAllRecords } from '../state/records.js';
import type { InventoryService } from '../inventory/service.js';
import { insertMany, type Database, type Param, type Sql } from '../store/db.js';
import {
  approvalFacts,
  countsOf,
  countsOfMany,
  identitiesInScope,
  loadCampaign,
  newCampaignId,
  PAGE,
  toCampaign,
  type Campaign,
  type CampaignDoc,
  type CampaignRow,
  type Caller,
  type ItemQuery,
  type ItemRow,
  type ReviewItem,
} from './campaigns.js';
import { accessReviewFindings } from './findings.js';

export type { Campaign, CampaignCounts, Caller, ItemQuery, ReviewItem } from './campaigns.js';
export { accessReviewFindings, type Finding } from './findings.js';

export interface ReviewDeps {
  db: Database;
  clock: () => Date;
  /** Narrowing and revoking go through the inventory, as any other change to an identity. */
  inventory: Pick<InventoryService, 'get' | 'update' | 'changeStatus'>;
}

export function reviewService({ db, clock, inventory }: ReviewDeps) {
  const validateCampaign = compileBody(NewCampaign);

  /**
   * Creates a campaign and its items in the caller's transaction, a page of identities at a
   * time so that 100k identities never sit in memory at once. Answers the number of items.
   */
  async function create(tx: Sql, id: string, actor: string, doc: CampaignDoc, dueAt: string, at: string): Promise<number> {
    const people = await getAllRecords(tx, 'person');
    const facts = await approvalFacts(tx);
    const now = new Date(Date.parse(at));
    await tx.run('INSERT INTO review_campaigns (id, doc, status, created_by, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?)', [
      id,
      JSON.stringify(doc),
      'open',
      actor,
      at,
      dueAt,
    ]);
    let total = 0;
    let flagged = 0;
    let unowned = 0;
    for (let after: string | undefined; ; ) {
      const page = await identitiesInScope(tx, doc.filter, after, PAGE);
      if (page.length === 0) break;
      await insertMany(
        tx,
        'review_items',
        ['campaign_id', 'identity_id', 'reviewer', 'flags'],
        page.map((identity) => {
          const owner: Person | undefined = identity.owner ? people.get(identity.owner) : undefined;
          const flags = flagsFor(identity, owner, facts.get(identity.id) ?? [], now);
          const reviewer = reviewerFor(identity, owner);
          if (flags.length) flagged++;
          if (reviewer === null) unowned++;
          return [id, identity.id, reviewer, JSON.stringify(flags)];
        }),
      );
      total += page.length;
      after = page[page.length - 1]!.id;
      if (page.length < PAGE) break;
    }
    // One event for the campaign; the items themselves are its evidence, in review_items.
    await appendEvents(tx, at, [
      {
        actor,
        action: 'review_campaign.opened',
        subject: { type: 'review_campaign', id },
        after: { ...doc, due_at: dueAt, items: total, flagged, unowned },
        reason: doc.name,
      },
    ]);
    if (total === 0) await close(tx, id, 'closed', actor, at, 'no identity in scope');
    return total;
  }

  async function close(tx: Sql, id: string, status: 'closed' | 'overdue', actor: string, at: string, reason: string): Promise<void> {
    await tx.run("UPDATE review_campaigns SET status = ?, closed_at = ? WHERE id = ? AND status = 'open'", [status, at, id]);
    const counts = await countsOf(tx, id);
    await appendEvents(tx, at, [
      {
        actor,
        action: 'review_campaign.closed',
        subject: { type: 'review_campaign', id },
        before: { status: 'open' },
        after: { status, counts },
        reason,
      },
    ]);
  }

  const recorded = refusalRecorder(db, clock);

  async function get(id: string): Promise<Campaign | undefined> {
    const row = await loadCampaign(db, id);
    return row ? toCampaign(row, await countsOf(db, id), clock()) : undefined;
  }

  async function itemsOf(campaign: CampaignRow, where: string[], params: Param[], limit: number): Promise<ReviewItem[]> {
    const rows = await db.all<
      ItemRow & { kind: string | null; function: string | null; capability: string | null; status: string | null; owner: string | null }
    >(
      `SELECT i.*, d.kind, d.function, d.capability, d.status, d.owner FROM review_items i LEFT JOIN identities d ON d.id = i.identity_id
        WHERE ${['i.campaign_id = ?', ...where].join(' AND ')} ORDER BY i.identity_id LIMIT ?`,
      [campaign.id, ...params, limit],
    );
    const now = clock();
    return rows.map((r) => ({
      campaign_id: r.campaign_id,
      identity_id: r.identity_id,
      reviewer: r.reviewer,
      flags: JSON.parse(r.flags) as ReviewFlag[],
      decision: r.decision,
      decided_by: r.decided_by,
      decided_at: r.decided_at,
      notes: r.notes,
      overdue: isOverdue(campaign.due_at, r.decision, now),
      identity:
        r.kind === null ? null : { kind: r.kind, function: r.function!, capability: r.capability!, status: r.status!, owner: r.owner },
    }));
  }

  return {
    async open(actor: string, input: NewCampaign): Promise<Campaign> {
      if (!validateCampaign(input))
        throw new MandateError('VALIDATION_FAILED', 'the campaign is not valid', { issues: ajvIssues(validateCampaign.errors) });
      const now = clock();
      const due = parseTimestamp(input.due_at);
      if (!Number.isFinite(due))
        throw new MandateError('VALIDATION_FAILED', `due_at is not a real time: ${input.due_at}`, { field: '/due_at' });
      if (due <= now.getTime())
        throw new MandateError('VALIDATION_FAILED', `due_at ${input.due_at} has passed: a campaign is due in the future`, {
          field: '/due_at',
        });
      const id = newCampaignId();
      const at = now.toISOString();
      const doc: CampaignDoc = {
        name: input.name,
        filter: input.filter ?? {},
        recurrence_days: input.recurrence_days ?? null,
        previous: null,
        next: null,
      };
      await db.transaction(async (tx) => {
        // Stored in UTC so due dates compare as text on both stores.
        const total = await create(tx, id, actor, doc, new Date(due).toISOString(), at);
        // A filter that matches nothing is a mistake to report, not a campaign to keep.
        if (total === 0)
          throw new MandateError('VALIDATION_FAILED', 'no active or suspended identity matches the filter', { field: '/filter' });
      });
      return (await get(id))!;
    },

    get,

    /** Campaigns, newest first. */
    async list(q: { status?: CampaignStatus; limit: number }): Promise<Campaign[]> {
      const rows = q.status
        ? await db.all<CampaignRow>('SELECT * FROM review_campaigns WHERE status = ? ORDER BY created_at DESC, id LIMIT ?', [
            q.status,
            q.limit,
          ])
        : await db.all<CampaignRow>('SELECT * FROM review_campaigns ORDER BY created_at DESC, id LIMIT ?', [q.limit]);
      const counts = await countsOfMany(
        db,
        rows.map((r) => r.id),
      );
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
      if (q.after !== undefined) {
        where.push('i.identity_id > ?');
        params.push(q.after);
      }
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
        const [item] = await db.all<ItemRow>('SELECT * FROM review_items WHERE campaign_id = ? AND identity_id = ?', [
          campaignId,
          identityId,
        ]);
        if (!item) throw new MandateError('NOT_FOUND', `campaign ${campaignId} has no item for identity ${identityId}`);
        const facts = {
          campaign: campaignId,
          campaignStatus: campaign.status,
          identity: identityId,
          reviewer: item.reviewer,
          decision: item.decision,
          decidedBy: item.decided_by,
        };
        const refusal = decisionRefusal(facts, caller);
        if (refusal) throw refusal;
        if (input.decision !== 'narrow' && (input.actions !== undefined || input.scopes !== undefined))
          throw new MandateError('VALIDATION_FAILED', `actions and scopes say what a narrowing keeps; ${input.decision} takes neither`, {
            field: input.actions !== undefined ? '/actions' : '/scopes',
          });
        const name = (JSON.parse(campaign.doc) as CampaignDoc).name;
        const why = `access review "${name}" (${campaignId}): ${input.notes}`;
        let change: unknown;
        if (input.decision === 'narrow') {
          const current = await inventory.get('identity', identityId);
          if (!current) throw new MandateError('NOT_FOUND', `no identity with id ${identityId}`);
          const narrowed = narrowIdentity(current.record, input);
          // A narrowing only removes power, so it applies at once; were it ever held, say so.
          const written = await inventory.update(actor, 'identity', identityId, narrowed, current.version);
          if ('held' in written)
            throw new MandateError(
              'INTERNAL',
              `narrowing identity ${identityId} was held for approval (${written.held.id}): a narrowing must only remove power`,
            );
          change = { actions: narrowed.actions, scopes: narrowed.scopes };
        } else if (input.decision === 'revoke') {
          await inventory.changeStatus(actor, identityId, 'revoked', why);
          change = { status: 'revoked' };
        }
        const at = clock().toISOString();
        await db.transaction(async (tx) => {
          // The campaign row is the lock: two last decisions at once cannot both miss closing it.
          const locked = (await loadCampaign(tx, campaignId, true))!;
          const [now] = await tx.all<ItemRow>('SELECT * FROM review_items WHERE campaign_id = ? AND identity_id = ?', [
            campaignId,
            identityId,
          ]);
          const again = decisionRefusal(
            { ...facts, campaignStatus: locked.status, decision: now!.decision, decidedBy: now!.decided_by },
            caller,
          );
          if (again) throw again;
          await tx.run(
            'UPDATE review_items SET decision = ?, decided_by = ?, decided_at = ?, notes = ? WHERE campaign_id = ? AND identity_id = ?',
            [input.decision, caller.user, at, input.notes, campaignId, identityId],
          );
          await appendEvents(tx, at, [
            {
              actor,
              action: 'review_item.decided',
              subject: { type: 'identity', id: identityId },
              after: {
                campaign: campaignId,
                decision: input.decision,
                flags: JSON.parse(item.flags) as string[],
                ...(change ? { change } : {}),
                overdue: isOverdue(campaign.due_at, null, new Date(Date.parse(at))),
              },
              reason: input.notes,
            },
          ]);
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
          if (row.status === 'open')
            await close(
              tx,
              c.id,
              'overdue',
              'mandate:scheduler',
              at,
              `due ${row.due_at} with items undecided; the next campaign takes over`,
            );
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
