// What the just-in-time access, exceptions and break-glass routes answer (src/grants/service.ts:
// AccessRequest, PolicyException, BreakGlassActivation; GrantEntry of the SDK). Imports only
// TypeBox and core schemas, so the console can import the types.
import { Type, type Static } from '@sinclair/typebox';
import { AccessRequestInput, EXCEPTION_CONTROLS, ExceptionInput } from '../core/grants.js';
import { Enum } from '../core/model.js';
import { ApprovalSchema, Nullable } from '../http/responses.js';

export const AccessRequestSchema = Type.Composite(
  [
    AccessRequestInput,
    Type.Object({
      id: Type.String(),
      requester: Type.String(),
      status: Enum(['pending', 'active', 'rejected', 'expired', 'ended', 'cancelled'] as const),
      approval: Type.Optional(ApprovalSchema),
      granted_at: Type.Optional(Type.String()),
      expires_at: Type.Optional(Type.String()),
      created_at: Type.String(),
    }),
  ],
  { title: 'AccessRequestRecord' },
);
export type AccessRequestView = Static<typeof AccessRequestSchema>;

export const ExceptionSchema = Type.Composite(
  [
    ExceptionInput,
    Type.Object({
      id: Type.String(),
      requester: Type.String(),
      status: Enum(['pending', 'active', 'rejected', 'expired', 'closed', 'revoked', 'cancelled'] as const),
      approval_id: Type.String(),
      closed_by: Nullable(Type.String()),
      closed_at: Nullable(Type.String()),
      close_notes: Nullable(Type.String()),
      created_at: Type.String(),
    }),
  ],
  { title: 'ExceptionRecord' },
);

export const ActivationSchema = Type.Object(
  {
    id: Type.String(),
    identity: Type.String(),
    requester: Type.String(),
    reason: Type.String(),
    ticket: Type.Optional(Type.String()),
    duration_seconds: Type.Integer(),
    emergency: Type.Boolean(),
    status: Enum(['pending', 'active', 'ended', 'rejected', 'expired', 'cancelled'] as const),
    approval_id: Nullable(Type.String()),
    starts_at: Nullable(Type.String()),
    ends_at: Nullable(Type.String()),
    review: Type.Object({
      status: Enum(['open', 'done', 'none'] as const),
      by: Nullable(Type.String()),
      at: Nullable(Type.String()),
      notes: Nullable(Type.String()),
    }),
    created_at: Type.String(),
  },
  { title: 'BreakGlassActivation' },
);

// A grant in force is answered by the inventory's power view too: its schema lives with the shared shapes.
export { GrantEntrySchema } from '../http/responses.js';
