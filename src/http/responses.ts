// Response shapes several capabilities answer (an approval request, a stored record, a list), as
// TypeBox schemas: Fastify serialises answers through them, the OpenAPI document shows them, and
// the console's types are their Static<> (console/src/lib/types.ts imports these types). This file
// imports only TypeBox and the core model, so the console can import its types.
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { APPROVAL_KINDS, APPROVAL_STATUSES, ApprovalRule } from '../core/approvals.js';
import { EXCEPTION_CONTROLS } from '../core/grants.js';
import { LifecycleRules, ProductLifecycleRules } from '../core/lifecycle.js';
import { Authorisation, Enum, Identity, LegalEntity, Person, Vendor } from '../core/model.js';
import { ROLES } from '../core/roles.js';

/**
 * Compile-time check beside a schema: the schema names every field the service's type has, so the
 * serialiser (which drops fields a schema does not name) drops none. `true` when it does.
 */
export type Names<Schema, Actual> = Exclude<keyof Actual, keyof Schema> extends never ? true : false;

/** `{ items: [...] }`, the shape of the lists without paging. */
export const Items = <T extends TSchema>(item: T, title?: string) => Type.Object({ items: Type.Array(item) }, title ? { title } : {});
/** `{ items, next_cursor }`: a page of a list walked by cursor. */
export const Paged = <T extends TSchema>(item: T, title?: string) =>
  Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) }, title ? { title } : {});
/** A nullable value (JSON null, never absent). */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** An object whose fields are open (documents stored as given): every field is kept. */
export const OpenObject = (description?: string) =>
  Type.Object({}, { additionalProperties: true, ...(description ? { description } : {}) });

/** A record's read-only metadata, beside its fields. */
export const Meta = {
  version: Type.Integer({ readOnly: true, description: 'increases with every change; the ETag' }),
  created_at: Type.String({ readOnly: true }),
  updated_at: Type.String({ readOnly: true }),
};
/** A stored record as the API shows it: the record with its metadata. */
export const recordOutput = <T extends TObject>(schema: T) =>
  Type.Composite([schema, Type.Object(Meta)], { title: `${schema.title}Record` });
export const IdentityRecord = recordOutput(Identity);
export const AuthorisationRecord = recordOutput(Authorisation);
export const EntityRecord = recordOutput(LegalEntity);
export const PersonRecord = recordOutput(Person);
export const VendorRecord = recordOutput(Vendor);
export type IdentityRecord = Static<typeof IdentityRecord>;
export type AuthorisationRecord = Static<typeof AuthorisationRecord>;

const Subject = Type.Object({ type: Type.String(), id: Type.String() });

/** An approval request with its votes (src/state/approvals.ts `Approval`). */
export const ApprovalSchema = Type.Object(
  {
    id: Type.String(),
    kind: Enum(APPROVAL_KINDS),
    subject: Subject,
    requester: Type.String(),
    owner: Nullable(Type.String()),
    summary: Type.String(),
    detail: OpenObject('what the request is about, by kind'),
    rule: Type.String({ description: 'the approval rule that decides it' }),
    required: Type.Integer({ description: 'approvals needed' }),
    roles: Type.Array(Enum(ROLES)),
    status: Enum(APPROVAL_STATUSES),
    votes: Type.Array(
      Type.Object({
        voter: Type.String(),
        decision: Enum(['approve', 'reject'] as const),
        reason: Nullable(Type.String()),
        at: Type.String(),
      }),
    ),
    created_at: Type.String(),
    expires_at: Type.String(),
    decided_at: Nullable(Type.String()),
    outcome: Nullable(Type.String()),
    emergency: Type.Union(
      [
        Type.Object({
          review: Enum(
            ['open', 'done', 'none'] as const,
            'the post-incident review it owes: open until someone other than who took the path closes it',
          ),
          reviewed_by: Nullable(Type.String()),
          reviewed_at: Nullable(Type.String({ description: 'null when the record does not keep it (a transition)' })),
        }),
        Type.Null(),
      ],
      {
        description:
          'set when the request was decided on an emergency path (a break-glass unseal, an emergency transition): ' +
          'approved with no vote, so nobody approved it; null for a request decided by votes',
      },
    ),
  },
  { title: 'Approval' },
);
export type Approval = Static<typeof ApprovalSchema>;

/** An approval rule in force (core/approvals.ts). */
export const ApprovalRuleSchema = ApprovalRule;

/** A policy or lifecycle-rule change request (src/approvals/changes.ts `ChangeRequest`). */
export const ChangeRequestSchema = Type.Object(
  {
    id: Type.String(),
    kind: Enum(['policy_change', 'lifecycle_rules_change'] as const),
    requester: Type.String(),
    status: Enum(['pending', 'applied', 'rejected', 'expired', 'cancelled'] as const),
    base_version: Type.Integer({ description: 'the version the change was based on; it is published only on top of it' }),
    change: Type.Union(
      [
        Type.Object({ text: Type.String() }),
        Type.Object({ rules: LifecycleRules }),
        Type.Object({ rules: ProductLifecycleRules, regime: Type.Literal('cra') }),
      ],
      {
        description: 'the policy text, or the rules document (MiCA, or products under the CRA with regime cra)',
      },
    ),
    result: Nullable(Type.Object({ version: Type.Integer() })),
    approval: Type.Optional(ApprovalSchema),
    created_at: Type.String(),
  },
  { title: 'ChangeRequest' },
);

/** An identity write held for approval because it adds power (src/inventory/service.ts `IdentityChangeRequest`). */
export const IdentityChangeRequestSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.Literal('identity_change'),
    requester: Type.String(),
    status: Enum(['pending', 'applied', 'rejected', 'expired', 'cancelled'] as const),
    base_version: Type.Integer({ description: "the identity's version the change applies on top of (0: it creates the identity)" }),
    change: Type.Object({
      identity: Identity,
      gains: Type.Array(Type.Object({ kind: Type.String(), detail: Type.String() }), { description: 'how the change adds power' }),
      source: Type.String({ description: 'edit, create or import' }),
    }),
    result: Nullable(Type.Object({ version: Type.Integer() })),
    approval: Type.Optional(ApprovalSchema),
    created_at: Type.String(),
  },
  { title: 'IdentityChangeRequest' },
);
export type IdentityChangeRequestView = Static<typeof IdentityChangeRequestSchema>;

/** A grant in force: what an identity holds beyond its entitlement (GrantEntry of the SDK). */
export const GrantEntrySchema = Type.Object(
  {
    id: Type.String(),
    kind: Enum(['access', 'exception', 'break_glass'] as const),
    identity: Type.String(),
    actions: Type.Optional(Type.Array(Type.String(), { description: "absent: the identity's own (break-glass)" })),
    scope: Type.Optional(Type.String({ description: "absent: the identity's own scopes" })),
    control: Type.Optional(Enum(EXCEPTION_CONTROLS)),
    obligations: Type.Optional(Type.Array(Type.String())),
    expires_at: Type.Number({ description: 'epoch milliseconds' }),
  },
  { title: 'Grant' },
);
