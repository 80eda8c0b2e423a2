// The decision point's request, as JSON Schema (TypeBox): bounded everywhere, so an oversized or
// malformed context is refused before any work.
import { Type, type Static } from '@sinclair/typebox';
import { Email, Id, MemberStateSchema, ServiceSchema } from '../core/model.js';

export const DecisionPrincipal = Type.Union(
  [
    Type.Object({ identity: Id }, { additionalProperties: false }),
    Type.Object({ person: Type.Union([Email, Id]) }, { additionalProperties: false }),
    Type.Object({ token: Type.String({ minLength: 1, maxLength: 16_384 }) }, { additionalProperties: false }),
  ],
  { description: 'an identity, a person, or a Mandate access token' },
);

/** The context fields a Mandate token carries facts for (its claims att, env, purpose). */
export const TOKEN_CARRIED_CONTEXT = ['attested', 'session_purpose', 'environment'] as const;

export const DecisionContextSchema = Type.Object(
  {
    attested: Type.Optional(
      Type.Boolean({ description: 'the workload attestation passed; for a token principal, left out: the token’s att' }),
    ),
    device_posture: Type.Union([Type.Literal('compliant'), Type.Literal('non_compliant'), Type.Literal('unknown')]),
    session_purpose: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'for a token principal, left out: the token’s purpose' }),
    ),
    environment: Type.Optional(
      Type.Union([Type.Literal('production'), Type.Literal('staging'), Type.Literal('development')], {
        description: 'for a token principal, left out: the token’s env',
      }),
    ),
    amount: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'in the asset’s minor unit' })),
  },
  {
    additionalProperties: false,
    description:
      'attested, session_purpose and environment are required unless the principal is a token; for a token, a value that differs from ' +
      'what the token carries is a deny (builtin:context-conflicts-with-token)',
  },
);

// Conditional (JSON Schema if/else): an identity or a person principal must give the whole
// context; a token principal may leave out what its token carries.
const TOKEN_PRINCIPAL = { required: ['principal'], properties: { principal: { type: 'object', required: ['token'] } } };
const FULL_CONTEXT = { properties: { context: { type: 'object', required: [...TOKEN_CARRIED_CONTEXT] } } };

export const DecisionRequest = Type.Object(
  {
    principal: DecisionPrincipal,
    action: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'an action of the vocabulary (an unknown one is denied)' }),
    resource: Type.Object(
      {
        entity: Id,
        service: ServiceSchema,
        jurisdiction: MemberStateSchema,
        kind: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'e.g. wallet, account' })),
        id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
    context: DecisionContextSchema,
  },
  { additionalProperties: false, title: 'DecisionRequest', if: TOKEN_PRINCIPAL, else: FULL_CONTEXT },
);
export type DecisionRequest = Static<typeof DecisionRequest>;

export const MAX_BATCH = 1000;
export const DecisionBatch = Type.Object(
  { items: Type.Array(DecisionRequest, { minItems: 1, maxItems: MAX_BATCH }) },
  { additionalProperties: false },
);

export const DecisionOut = Type.Object({
  decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  reasons: Type.Array(Type.String()),
  policies: Type.Array(Type.String()),
  obligations: Type.Array(Type.Object({ type: Type.String(), policy: Type.String() })),
  principal: Type.Object({ type: Type.String(), id: Type.String() }),
  policy_version: Type.Integer(),
  recorded: Type.Boolean({ description: 'whether the decision is in the ledger (every execute decision, every refused token or action)' }),
  relied_on: Type.Optional(
    Type.Array(
      Type.Object({
        type: Type.Union([Type.Literal('access'), Type.Literal('exception'), Type.Literal('break_glass')]),
        id: Type.String(),
        expires_at: Type.String(),
      }),
      { description: 'the just-in-time grants, exceptions or break-glass activations the answer relied on' },
    ),
  ),
});

/** Decisions an enforcement point took locally, reported for the ledger. */
export const ReportedDecisions = Type.Object(
  {
    decisions: Type.Array(
      Type.Object(
        {
          at: Type.Integer({ minimum: 0, description: 'epoch milliseconds at the enforcement point' }),
          principal: Type.Object(
            {
              type: Type.String({ maxLength: 20 }),
              id: Type.String({ maxLength: 254 }),
              jti: Type.Optional(Type.String({ maxLength: 100 })),
            },
            { additionalProperties: false },
          ),
          action: Type.String({ maxLength: 64 }),
          resource: Type.Object({}, { additionalProperties: true, maxProperties: 8 }),
          context: Type.Object({}, { additionalProperties: true, maxProperties: 8 }),
          decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
          policies: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 }),
          reasons: Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 20 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 5000 },
    ),
    enforcement_point: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type ReportedDecisions = Static<typeof ReportedDecisions>;
