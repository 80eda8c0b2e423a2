// Access review campaigns: the request shapes, the flags a reviewer sees, who may decide an item,
// and what a narrowing may be. Plain functions over data; the service in src/reviews does the I/O.
import { Type, type Static } from '@sinclair/typebox';
import { MandateError } from './errors.js';
import { scopeKey } from './lifecycle.js';
import { ActionId, Email, Enum, Id, Name, Scope, Text, Timestamp, type Identity, type Person } from './model.js';
import { rolesAllow, type Role } from './roles.js';
import { parseTimestamp } from './time.js';
import { IDENTITY_FUNCTIONS } from './vocabulary.js';

const DAY_MS = 24 * 3600_000;
/** An approval older than this, still giving an identity something, is re-examined. */
export const STALE_APPROVAL_DAYS = 90;
/** An identity not seen for this long (or never) is a candidate for revocation. */
export const UNUSED_DAYS = 90;
/** Services where an execute identity moves client assets. */
export const CLIENT_ASSET_SERVICES: readonly string[] = ['custody', 'transfer'];

export const REVIEW_FLAGS = ['departed_owner', 'no_owner', 'stale_approval', 'unused', 'execute_on_client_assets'] as const;
export type ReviewFlag = (typeof REVIEW_FLAGS)[number];
export const REVIEW_DECISIONS = ['keep', 'narrow', 'revoke'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
/** open: being reviewed; closed: every item decided; overdue: closed by its recurrence with items undecided. */
export const CAMPAIGN_STATUSES = ['open', 'closed', 'overdue'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CampaignFilter = Type.Object(
  {
    owner: Type.Optional(Email),
    function: Type.Optional(Type.Array(Enum(IDENTITY_FUNCTIONS), { minItems: 1, maxItems: IDENTITY_FUNCTIONS.length, uniqueItems: true })),
    entity: Type.Optional(Id),
    include_break_glass: Type.Optional(
      Type.Boolean({ description: 'default false: break-glass identities are sealed and reviewed on each unseal' }),
    ),
  },
  { additionalProperties: false },
);
export type CampaignFilter = Static<typeof CampaignFilter>;

export const NewCampaign = Type.Object(
  {
    name: Name,
    due_at: Timestamp,
    filter: Type.Optional(CampaignFilter),
    recurrence_days: Type.Optional(
      Type.Integer({ minimum: 7, maximum: 366, description: 'open the next campaign this many days after each due date' }),
    ),
  },
  { additionalProperties: false, title: 'NewCampaign' },
);
export type NewCampaign = Static<typeof NewCampaign>;

export const ReviewDecisionInput = Type.Object(
  {
    decision: Enum(REVIEW_DECISIONS),
    actions: Type.Optional(
      Type.Array(ActionId, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'narrow: the actions the identity keeps' }),
    ),
    scopes: Type.Optional(
      Type.Array(Scope, { minItems: 1, maxItems: 500, uniqueItems: true, description: 'narrow: the scopes the identity keeps' }),
    ),
    notes: Text,
  },
  { additionalProperties: false, title: 'ReviewDecision' },
);
export type ReviewDecisionInput = Static<typeof ReviewDecisionInput>;

/** An approval that gives an identity something, with what it gives (a grant or an exception on the register). */
export interface ApprovalFact {
  approval: { id: string; kind: string; status: string; decided_at: string | null };
  holds: { type: 'grant' | 'exception'; id: string; status: string; expires_at: string };
}

const olderThan = (at: string | null | undefined, days: number, now: Date): boolean => {
  if (!at) return true;
  const t = parseTimestamp(at);
  return !Number.isFinite(t) || now.getTime() - t > days * DAY_MS;
};

function isStale(f: ApprovalFact, now: Date): boolean {
  if (f.approval.status !== 'approved') return false;
  const expired = parseTimestamp(f.holds.expires_at) <= now.getTime();
  // Still giving the identity something on an old decision: the reasons may no longer hold.
  if (f.holds.status === 'active' && !expired && olderThan(f.approval.decided_at, STALE_APPROVAL_DAYS, now)) return true;
  // An exception past its expiry that nobody has closed: the approval still stands on the register.
  return f.holds.type === 'exception' && expired && (f.holds.status === 'active' || f.holds.status === 'expired');
}

/**
 * What a reviewer should look at twice. `owner` is the owner's person record (undefined when the
 * identity names none, or names someone the registry does not know: both leave it unowned).
 */
export function flagsFor(identity: Identity, owner: Person | undefined, approvals: readonly ApprovalFact[], now: Date): ReviewFlag[] {
  const flags: ReviewFlag[] = [];
  if (!identity.owner || !owner) flags.push('no_owner');
  else if (owner.status === 'departed') flags.push('departed_owner');
  if (approvals.some((f) => isStale(f, now))) flags.push('stale_approval');
  if (olderThan(identity.last_used, UNUSED_DAYS, now)) flags.push('unused');
  if (identity.capability === 'execute' && identity.scopes.some((s) => 'service' in s && CLIENT_ASSET_SERVICES.includes(s.service)))
    flags.push('execute_on_client_assets');
  return flags;
}

/** Who answers an identity's item: its owner while they are here; nobody (the review managers) otherwise. */
export function reviewerFor(identity: Identity, owner: Person | undefined): string | null {
  return identity.owner && owner && owner.status === 'active' ? identity.owner : null;
}

export interface ItemFacts {
  campaign: string;
  campaignStatus: CampaignStatus;
  identity: string;
  reviewer: string | null;
  decision: ReviewDecision | null;
  decidedBy: string | null;
}

/** Why this caller may not decide this item now, or undefined if they may. */
export function decisionRefusal(item: ItemFacts, caller: { user: string; roles: readonly Role[] }): MandateError | undefined {
  if (item.reviewer === null ? !rolesAllow(caller.roles, 'reviews:manage') : item.reviewer !== caller.user) {
    const who =
      item.reviewer === null ? 'a holder of reviews:manage (its owner has departed or there is none)' : `its owner, ${item.reviewer}`;
    return new MandateError('FORBIDDEN', `the review of ${item.identity} in campaign ${item.campaign} is decided by ${who}`);
  }
  if (item.decision !== null)
    return new MandateError(
      'ALREADY_DECIDED',
      `${item.identity} was already reviewed in campaign ${item.campaign} (${item.decision} by ${item.decidedBy}): an item is decided once`,
    );
  if (item.campaignStatus !== 'open')
    return new MandateError(
      'INVALID_TRANSITION',
      `campaign ${item.campaign} is ${item.campaignStatus}: its items can no longer be decided`,
    );
  return undefined;
}

/**
 * The identity a narrowing leaves: only what it already had, and strictly less of it. Throws
 * VALIDATION_FAILED naming the field at fault.
 */
export function narrowIdentity(identity: Identity, to: { actions?: readonly string[]; scopes?: readonly Scope[] }): Identity {
  if (to.actions === undefined && to.scopes === undefined)
    throw new MandateError('VALIDATION_FAILED', 'narrow names what the identity keeps: actions, scopes or both', { field: '/actions' });
  let narrower = false;
  if (to.actions !== undefined) {
    if (to.actions.length === 0)
      throw new MandateError('VALIDATION_FAILED', 'an identity left with no action is revoked, not narrowed', { field: '/actions' });
    const held = new Set(identity.actions);
    to.actions.forEach((a, i) => {
      if (!held.has(a))
        throw new MandateError('VALIDATION_FAILED', `${identity.id} does not hold ${a}: a narrowing only takes away`, {
          field: `/actions/${i}`,
        });
      if (to.actions!.indexOf(a) !== i) throw new MandateError('VALIDATION_FAILED', `${a} is named twice`, { field: `/actions/${i}` });
    });
    narrower ||= to.actions.length < held.size;
  }
  if (to.scopes !== undefined) {
    if (to.scopes.length === 0)
      throw new MandateError('VALIDATION_FAILED', 'an identity left with no scope is revoked, not narrowed', { field: '/scopes' });
    const held = new Set(identity.scopes.map(scopeKey));
    const seen = new Set<string>();
    to.scopes.forEach((s, i) => {
      const key = scopeKey(s);
      if (!held.has(key))
        throw new MandateError('VALIDATION_FAILED', `${identity.id} has no scope ${key}: a narrowing only takes away`, {
          field: `/scopes/${i}`,
        });
      if (seen.has(key)) throw new MandateError('VALIDATION_FAILED', `${key} is named twice`, { field: `/scopes/${i}` });
      seen.add(key);
    });
    narrower ||= seen.size < held.size;
  }
  if (!narrower)
    throw new MandateError('VALIDATION_FAILED', `that is everything ${identity.id} holds already: keep it, or take something away`, {
      field: to.actions !== undefined ? '/actions' : '/scopes',
    });
  return {
    ...identity,
    ...(to.actions !== undefined ? { actions: identity.actions.filter((a) => to.actions!.includes(a)) } : {}),
    ...(to.scopes !== undefined ? { scopes: identity.scopes.filter((s) => to.scopes!.some((t) => scopeKey(t) === scopeKey(s))) } : {}),
  };
}

/** An item not decided by its campaign's due date. */
export function isOverdue(dueAt: string, decision: string | null, now: Date): boolean {
  return decision === null && parseTimestamp(dueAt) < now.getTime();
}

/** The due date of the campaign after one due at `dueAt`: the first recurrence still ahead of `now`. */
export function nextDueAt(dueAt: string, recurrenceDays: number, now: Date): string {
  const step = recurrenceDays * DAY_MS;
  let t = parseTimestamp(dueAt) + step;
  if (t <= now.getTime()) t += Math.ceil((now.getTime() - t + 1) / step) * step;
  return new Date(t).toISOString();
}
