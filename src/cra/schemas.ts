// What the CRA reporting routes take and answer (src/cra/service.ts): Article 14 reports with their
// deadlines, their blast radius and a revocation of tokens. Imports only TypeBox and core, so the
// console can import the types.
import { Type, type Static } from '@sinclair/typebox';
import { CRA_DEADLINE_STATES, CRA_DEADLINES, CRA_MILESTONES, CRA_REPORT_KINDS, CRA_REPORT_STATUSES } from '../core/cra-clock.js';
import { Email, Enum, Id, Timestamp } from '../core/model.js';
import { Nullable } from '../http/responses.js';

const Reference = Type.String({ minLength: 1, maxLength: 200, description: 'the reference of what was submitted or made available' });
const Reason = Type.String({ minLength: 1, maxLength: 2000 });

export const OpenReportBody = Type.Object(
  {
    product: Id,
    kind: Enum(CRA_REPORT_KINDS, 'an actively exploited vulnerability (Art. 14(1)) or a severe incident (Art. 14(3))'),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    aware_at: Type.String({ ...Timestamp, description: 'when the manufacturer became aware of it: the clock runs from here' }),
    owner: Type.String({ ...Email, description: 'the person accountable for the reports (one of the firm’s people)' }),
  },
  { additionalProperties: false },
);

export const MilestoneBody = Type.Object(
  {
    milestone: Enum(CRA_MILESTONES),
    at: Type.Optional(Type.String({ ...Timestamp, description: 'when it was submitted or became available (default: now)' })),
    reference: Reference,
  },
  { additionalProperties: false },
);

export const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });

export const ReportQuery = Type.Object(
  {
    product: Type.Optional(Id),
    status: Type.Optional(Enum(CRA_REPORT_STATUSES)),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 500, description: 'at most this many, newest awareness first (default 100)' }),
    ),
  },
  { additionalProperties: false },
);

export const DeadlineSchema = Type.Object(
  {
    milestone: Enum(CRA_DEADLINES),
    article: Type.String({ description: 'the CRA provision it rests on' }),
    due_at: Nullable(Type.String({ description: 'null while the milestone it counts from is not recorded' })),
    submitted_at: Nullable(Type.String()),
    state: Enum(CRA_DEADLINE_STATES),
  },
  { title: 'CraDeadline' },
);

const Actor = { by: Type.String(), at: Type.String() };

export const CraReportSchema = Type.Object(
  {
    id: Type.String(),
    product: Type.String(),
    kind: Enum(CRA_REPORT_KINDS),
    status: Enum(CRA_REPORT_STATUSES),
    title: Type.String(),
    description: Nullable(Type.String()),
    aware_at: Type.String(),
    owner: Type.String(),
    opened_by: Type.String(),
    milestones: Type.Array(
      Type.Object({ milestone: Enum(CRA_MILESTONES), ...Actor, reference: Type.String(), recorded_at: Type.String() }),
    ),
    deadlines: Type.Array(DeadlineSchema),
    missed: Type.Array(Type.String(), { description: 'the deadlines missed so far' }),
    closed: Nullable(Type.Object({ ...Actor, reason: Type.String() })),
    revocations: Type.Array(Type.Object({ ...Actor, reason: Type.String(), identities: Type.Integer() })),
    version: Type.Integer(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'CraReport' },
);
export type CraReportView = Static<typeof CraReportSchema>;

const Tally = Type.Record(Type.String(), Type.Integer());

export const BlastRadiusSchema = Type.Object(
  {
    report: Type.String(),
    product: Type.String(),
    identities: Type.Array(
      Type.Object({
        identity: Type.String(),
        kind: Type.String(),
        function: Type.String(),
        capability: Type.String(),
        status: Type.String(),
        channel: Nullable(Type.String({ description: 'null: every release channel' })),
        actions: Type.Array(Type.String()),
        owner: Nullable(Type.String()),
        vendor: Nullable(Type.String()),
      }),
      { description: 'one entry per product scope of an identity' },
    ),
    counts: Type.Object({ identities: Type.Integer(), by_status: Tally, by_capability: Tally, by_function: Tally }),
  },
  { title: 'CraBlastRadius' },
);

export const TokensRevokedSchema = Type.Object(
  {
    report: Type.String(),
    product: Type.String(),
    revoked_at: Type.String(),
    identities: Type.Array(Type.Object({ identity: Type.String(), generation: Type.Integer() })),
    count: Type.Integer(),
  },
  { title: 'CraTokensRevoked' },
);
