// What the inventory routes take and answer beyond the records themselves (those are the core
// model's schemas with their metadata: recordOutput in src/http/responses.ts).
import { Type } from '@sinclair/typebox';
import { SCOPE_STATES } from '../core/lifecycle.js';
import { Enum, Scope } from '../core/model.js';
import { GrantEntrySchema, Nullable } from '../http/responses.js';
import {
  ACTION_CLASSES,
  AUTHORISATION_STATUSES,
  CAPABILITIES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  IDENTITY_STATUSES,
  PRODUCT_STATUSES,
} from '../core/vocabulary.js';

/** A scope's state: an authorisation's (MiCA) or a product's (CRA), or none. */
const STATES = [...new Set([...SCOPE_STATES, ...PRODUCT_STATUSES])] as
  | (typeof SCOPE_STATES)[number][]
  | (typeof PRODUCT_STATUSES)[number][];

export const RecordParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 254 }) });
/** The ETag a write is based on (required by replace, optional on a status change: src/http/common.ts). */
export const IfMatchHeader = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) });

export const StatusChange = Type.Object(
  { status: Enum(IDENTITY_STATUSES), reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

/** Counts by each value of a vocabulary: every value is present (0 when none), so a chart need not know which exist. */
const Counts = (values: readonly string[]) => Type.Object(Object.fromEntries(values.map((v) => [v, Type.Integer()])));

export const InventorySummarySchema = Type.Object(
  {
    identities: Type.Object({
      total: Type.Integer(),
      by_function_capability: Type.Object(Object.fromEntries(IDENTITY_FUNCTIONS.map((f) => [f, Counts(CAPABILITIES)]))),
      by_status: Counts(IDENTITY_STATUSES),
      by_kind: Counts(IDENTITY_KINDS),
      by_environment: Counts(ENVIRONMENTS),
    }),
    authorisations: Type.Object({ total: Type.Integer(), by_status: Counts(AUTHORISATION_STATUSES) }),
    entities: Type.Object({ total: Type.Integer() }),
    people: Type.Object({ total: Type.Integer() }),
    vendors: Type.Object({ total: Type.Integer() }),
  },
  { title: 'InventorySummary' },
);

/** An identity's lawful power, explained (core/power-view.ts PowerView). */
export const IdentityPowerSchema = Type.Object(
  {
    identity: Type.String(),
    status: Enum(IDENTITY_STATUSES),
    capability: Enum(CAPABILITIES),
    break_glass: Type.Boolean(),
    sealed: Type.Boolean({ description: 'a break-glass identity with no activation open: every decision for it is a deny' }),
    acts: Type.Boolean({ description: 'whether it may act at all now: active and not sealed' }),
    outcome: Enum(
      ['keep', 'narrow', 'suspend'] as const,
      'what the lifecycle makes of it now: keep (all entitled power lawful), narrow, suspend',
    ),
    why: Type.String(),
    summary: Type.Object({ entitled: Type.Integer(), lawful: Type.Integer(), unlawful: Type.Integer(), lent: Type.Integer() }),
    scopes: Type.Array(
      Type.Object({
        scope: Scope,
        key: Type.String({ description: 'entity/service/jurisdiction, or product:<id>[/<channel>]' }),
        state: Enum(STATES, 'the state of the authorisation or product behind the scope (none: there is none)'),
        authorisation: Nullable(
          Type.Object({ id: Type.String(), status: Type.String(), denied_actions: Type.Optional(Type.Array(Type.String())) }),
        ),
        entitled: Type.Boolean({ description: "false: a grant reaches into a scope the identity's record does not name" }),
        actions: Type.Array(
          Type.Object({
            action: Type.String(),
            class: Enum(ACTION_CLASSES),
            entitled: Type.Boolean({ description: 'false: only a grant lends it' }),
            lawful: Type.Boolean(),
            by: Type.String({ description: 'the rule id, or table:<state>.<class>, that decided' }),
            because: Type.String(),
            lent_by: Type.Array(
              Type.Object({ id: Type.String(), kind: Enum(['access', 'exception', 'break_glass'] as const), expires_at: Type.Number() }),
            ),
          }),
        ),
      }),
    ),
    grants: Type.Array(GrantEntrySchema),
    recorded: Nullable(
      Type.Object({
        outcome: Enum(['keep', 'narrow', 'suspend'] as const),
        suspended_by_lifecycle: Type.Boolean(),
        cause: Type.String({ description: 'the transition, change or refresh that wrote it' }),
      }),
    ),
    in_step: Type.Boolean({ description: 'whether the stored power matches the power computed now' }),
    rules: Type.Object({ id: Type.String(), version: Type.Integer() }),
    product_rules: Type.Optional(
      Type.Object(
        { id: Type.String(), version: Type.Integer() },
        { description: 'the product rules (CRA), for an identity with product scopes' },
      ),
    ),
  },
  { title: 'IdentityPower' },
);
