// The decision point's request, as JSON Schema (TypeBox): bounded everywhere, so an oversized or
// malformed context is refused before any work.
import { Type, type Static } from '@sinclair/typebox';
import { ChannelName, Email, Id, MemberStateSchema, ServiceSchema } from '../core/model.js';

/** A signed-in person's session secret (src/signin/sessions.ts), or `self`: the caller's own session. */
export const SessionRef = Type.Union([Type.Literal('self'), Type.String({ pattern: '^mds_[A-Za-z0-9_-]{43}$' })], {
  description:
    'a signed-in person: `self` for the caller’s own session (the request is made with it), or the session’s secret ' +
    '(`mds_…`) an enforcement point was handed by the person. Never recorded: the evidence names the session’s id',
});

export const DecisionPrincipal = Type.Union(
  [
    Type.Object({ identity: Id }, { additionalProperties: false }),
    Type.Object({ person: Type.Union([Email, Id]) }, { additionalProperties: false }),
    Type.Object({ token: Type.String({ minLength: 1, maxLength: 16_384 }) }, { additionalProperties: false }),
    Type.Object({ session: SessionRef }, { additionalProperties: false }),
  ],
  {
    description:
      'an identity, a person (the caller asserts the context), a Mandate access token, or a signed-in person’s session ' +
      '(the person, their roles and their sign-in’s facts are read from the session: mfa, session_age_seconds, acr, device_posture)',
  },
);

/** The context fields a Mandate token carries facts for (its claims att, env, purpose). */
export const TOKEN_CARRIED_CONTEXT = ['attested', 'session_purpose', 'environment'] as const;
/** The context fields only a sign-in session proves: a caller may send them only with a session principal (to be checked). */
export const SESSION_ONLY_CONTEXT = ['mfa', 'session_age_seconds', 'acr'] as const;

export const DecisionContextSchema = Type.Object(
  {
    attested: Type.Optional(
      Type.Boolean({ description: 'the workload attestation passed; for a token principal, left out: the token’s att' }),
    ),
    device_posture: Type.Optional(
      Type.Union([Type.Literal('compliant'), Type.Literal('non_compliant'), Type.Literal('unknown')], {
        description: 'required, except for a session principal: left out, the session’s (the provider’s device claim)',
      }),
    ),
    session_purpose: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'for a token principal, left out: the token’s purpose' }),
    ),
    environment: Type.Optional(
      Type.Union([Type.Literal('production'), Type.Literal('staging'), Type.Literal('development')], {
        description: 'for a token principal, left out: the token’s env',
      }),
    ),
    amount: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'in the asset’s minor unit' })),
    mfa: Type.Optional(Type.Boolean({ description: 'session principal only: left out, the session’s (an MFA amr, or the step-up acr)' })),
    session_age_seconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'session principal only: left out, now − the sign-in’s auth_time' }),
    ),
    acr: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'session principal only: left out, the sign-in’s acr' })),
  },
  {
    additionalProperties: false,
    description:
      'attested, session_purpose and environment are required unless the principal is a token; for a token, a value that differs from ' +
      'what the token carries is a deny (builtin:context-conflicts-with-token). device_posture is required unless the principal is a ' +
      'session; for a session, attested may be left out (false: a person is no attested workload), and device_posture, mfa, ' +
      'session_age_seconds and acr are the session’s: a value that differs is a deny (builtin:context-conflicts-with-session)',
  },
);

// Conditional (JSON Schema if/then/else): an identity or a person principal must give the whole
// context; a token principal may leave out what its token carries; a session principal what its
// session proves (and whether the workload is attested).
const principalWith = (key: string) => ({ required: ['principal'], properties: { principal: { type: 'object', required: [key] } } });
const contextWith = (fields: readonly string[]) => ({ properties: { context: { type: 'object', required: [...fields] } } });
const FULL_CONTEXT = contextWith([...TOKEN_CARRIED_CONTEXT, 'device_posture']);
// Built from entries: an object literal with a `then` key would be a thenable.
const ifThenElse = (cond: object, yes: object, no: object): Record<string, object> =>
  Object.fromEntries([
    ['if', cond],
    ['then', yes],
    ['else', no],
  ]);
const CONTEXT_RULES = ifThenElse(
  principalWith('token'),
  contextWith(['device_posture']),
  ifThenElse(principalWith('session'), contextWith(['session_purpose', 'environment']), FULL_CONTEXT),
);

export const DecisionRequest = Type.Object(
  {
    principal: DecisionPrincipal,
    action: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'an action of the vocabulary (an unknown one is denied)' }),
    resource: Type.Union([
      Type.Object(
        {
          entity: Id,
          service: ServiceSchema,
          jurisdiction: MemberStateSchema,
          kind: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'e.g. wallet, account' })),
          id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        },
        { additionalProperties: false, title: 'MicaResource' },
      ),
      Type.Object(
        {
          product: Id,
          channel: Type.Optional(ChannelName),
          kind: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'e.g. release, firmware, device' })),
          id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        },
        { additionalProperties: false, title: 'ProductResource', description: 'a product (CRA) and, optionally, one release channel' },
      ),
    ]),
    context: DecisionContextSchema,
  },
  { additionalProperties: false, title: 'DecisionRequest', ...CONTEXT_RULES },
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
  session: Type.Optional(Type.String({ description: 'for a session principal: the id of the session whose facts decided' })),
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
