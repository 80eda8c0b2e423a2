// What the regulatory routes answer: transitions (src/regulatory/service.ts `Transition`), the
// impact preview (presentImpact in routes.ts), the lifecycle rules in force and rule test results.
// Imports only TypeBox and core schemas, so the console can import the types.
import { Type, type Static } from '@sinclair/typebox';
import { LifecycleRules, ProductLifecycleRules } from '../core/lifecycle.js';
import { Enum } from '../core/model.js';
import { AUTHORISATION_STATUSES, IDENTITY_STATUSES, PRODUCT_STATUSES } from '../core/vocabulary.js';

/** The statuses a transition moves to: an authorisation's (MiCA) or a product's (CRA). */
const TRANSITION_TARGETS = [...new Set([...AUTHORISATION_STATUSES, ...PRODUCT_STATUSES])] as (
  | (typeof AUTHORISATION_STATUSES)[number]
  | (typeof PRODUCT_STATUSES)[number]
)[];
import { Nullable } from '../http/responses.js';

export const TRANSITION_STATUSES = ['pending', 'approved', 'rejected', 'applied', 'expired', 'superseded'] as const;

export const TransitionSchema = Type.Object(
  {
    id: Type.String(),
    authorisations: Type.Array(Type.String(), { description: 'the authorisations it moves (empty for a product transition)' }),
    products: Type.Array(Type.String(), { description: 'the products it moves (CRA; empty for a transition of authorisations)' }),
    to: Enum(TRANSITION_TARGETS),
    reason: Type.String(),
    reference: Type.String(),
    effective_at: Type.String(),
    deadline: Nullable(Type.String()),
    denied_actions: Type.Array(Type.String()),
    emergency: Type.Boolean(),
    proposer: Type.String(),
    status: Enum(TRANSITION_STATUSES),
    decided_by: Nullable(Type.String()),
    decided_at: Nullable(Type.String()),
    decision_reason: Nullable(Type.String()),
    applied_at: Nullable(Type.String()),
    result: Type.Unknown({ description: 'what applying it did (null until applied)' }),
    review: Nullable(Type.Object({ status: Type.String(), by: Nullable(Type.String()), notes: Nullable(Type.String()) })),
    created_at: Type.String(),
  },
  { title: 'Transition' },
);
export type TransitionView = Static<typeof TransitionSchema>;

const Removed = Type.Array(Type.Object({ scope: Type.String(), action: Type.String(), rule: Type.String() }));
const Power = Type.Array(Type.Object({ scope: Type.String(), actions: Type.Array(Type.String()) }));

export const ImpactSchema = Type.Object(
  {
    moved: Type.Array(
      Type.Object({
        id: Type.String(),
        from: Enum(TRANSITION_TARGETS),
        to: Enum(TRANSITION_TARGETS),
        via: Nullable(Type.String()),
      }),
    ),
    rules_version: Type.Integer({
      description: 'the lifecycle rules version the preview used: the CRA product rules for a product transition, else the MiCA rules',
    }),
    counts: Type.Object({ suspend: Type.Integer(), narrow: Type.Integer(), restore: Type.Integer(), unchanged: Type.Integer() }),
    suspended: Type.Array(Type.Object({ identity: Type.String(), why: Type.String(), removed: Removed })),
    narrowed: Type.Array(Type.Object({ identity: Type.String(), from: Type.Array(Type.String()), to: Power, removed: Removed })),
    restored: Type.Array(Type.Object({ identity: Type.String(), status: Enum(IDENTITY_STATUSES), to: Power })),
    untouched: Type.Array(Type.Object({ identity: Type.String(), status: Enum(IDENTITY_STATUSES), why: Type.String() })),
    connector_actions: Type.Array(
      Type.Object({
        identity: Type.String(),
        action: Enum(['disable', 'enable'] as const),
        connector: Nullable(Type.String()),
        target: Nullable(Type.String()),
      }),
    ),
    return_paths: Type.Array(Type.Object({ scope: Type.String(), action: Type.String(), identities: Type.Integer() }), {
      description: 'return-path actions that stay lawful in the moved scopes, and by how many identities',
    }),
  },
  { title: 'Impact' },
);
export type ImpactView = Static<typeof ImpactSchema>;

export const ProductRulesVersionSchema = Type.Object(
  {
    version: Type.Integer({ description: '0: the shipped default (policies/lifecycle/cra-default.yaml)' }),
    rules: ProductLifecycleRules,
    actor: Type.String(),
    created_at: Type.String(),
  },
  { title: 'ProductLifecycleRulesVersion' },
);

export const RulesVersionSchema = Type.Object(
  {
    version: Type.Integer({ description: '0: the shipped default' }),
    rules: LifecycleRules,
    actor: Type.String(),
    created_at: Type.String(),
  },
  { title: 'LifecycleRulesVersion' },
);

export const RuleTestReport = Type.Object(
  {
    passed: Type.Integer(),
    failed: Type.Integer(),
    results: Type.Array(
      Type.Object({
        name: Type.String(),
        passed: Type.Boolean(),
        outcome: Enum(['keep', 'narrow', 'suspend'] as const),
        failures: Type.Array(Type.String()),
      }),
    ),
  },
  { title: 'RuleTestReport' },
);
