// What the access review routes answer: campaigns with their counts and their items
// (src/reviews/service.ts Campaign, ReviewItem). Imports only TypeBox and core schemas, so the
// console can import the types.
import { Type, type Static } from '@sinclair/typebox';
import { Enum } from '../core/model.js';
import { CAMPAIGN_STATUSES, CampaignFilter, REVIEW_DECISIONS, REVIEW_FLAGS } from '../core/reviews.js';
import { Nullable } from '../http/responses.js';

const tally = (values: readonly string[]) => Type.Object(Object.fromEntries(values.map((v) => [v, Type.Integer()])));

export const CampaignSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: Enum(CAMPAIGN_STATUSES),
    filter: CampaignFilter,
    recurrence_days: Nullable(Type.Integer()),
    previous: Nullable(Type.String()),
    next: Nullable(Type.String()),
    created_by: Type.String(),
    created_at: Type.String(),
    due_at: Type.String(),
    closed_at: Nullable(Type.String()),
    overdue: Type.Boolean({ description: 'past its due date with items undecided' }),
    counts: Type.Object({
      total: Type.Integer(),
      decided: Type.Integer(),
      undecided: Type.Integer(),
      by_decision: tally(REVIEW_DECISIONS),
      flagged: Type.Integer(),
      by_flag: tally(REVIEW_FLAGS),
    }),
  },
  { title: 'AccessReviewCampaign' },
);
export type CampaignView = Static<typeof CampaignSchema>;

export const ReviewItemSchema = Type.Object(
  {
    campaign_id: Type.String(),
    identity_id: Type.String(),
    reviewer: Nullable(Type.String()),
    flags: Type.Array(Enum(REVIEW_FLAGS)),
    decision: Nullable(Enum(REVIEW_DECISIONS)),
    decided_by: Nullable(Type.String()),
    decided_at: Nullable(Type.String()),
    notes: Nullable(Type.String()),
    overdue: Type.Boolean(),
    identity: Nullable(
      Type.Object(
        {
          kind: Type.String(),
          function: Type.String(),
          capability: Type.String(),
          status: Type.String(),
          owner: Nullable(Type.String()),
        },
        { description: 'the identity as it is now (null if it no longer exists)' },
      ),
    ),
  },
  { title: 'AccessReviewItem' },
);
export type ReviewItemView = Static<typeof ReviewItemSchema>;
