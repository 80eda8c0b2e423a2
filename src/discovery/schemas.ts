// What the discovery routes answer: sources, runs and discovered accounts (src/discovery/service.ts
// SourceView, RunView, AccountView, with the observed account of src/core/discovery.ts). Imports
// only TypeBox and core schemas, so the console can import the types.
import { Type, type Static } from '@sinclair/typebox';
import { OBSERVED_CREDENTIAL_TYPES, OBSERVED_PRIVILEGES } from '../core/discovery.js';
import { Enum } from '../core/model.js';
import { ENVIRONMENTS } from '../core/vocabulary.js';
import { IdentityChangeRequestSchema, IdentityRecord, Nullable, OpenObject } from '../http/responses.js';

export const ACCOUNT_STATES = ['matched', 'unmanaged', 'missing', 'drift'] as const;
export const DISMISS_REASONS = ['not_an_nhi', 'personal_account', 'out_of_scope', 'other'] as const;
const Environment = Enum(ENVIRONMENTS);
const Severity = Enum(['low', 'medium', 'high', 'critical'] as const);

export const RunCountsSchema = Type.Object({
  observed: Type.Integer(),
  matched: Type.Integer(),
  unmanaged: Type.Integer(),
  missing: Type.Integer(),
  drift: Type.Integer(),
});

export const RunSchema = Type.Object(
  {
    id: Type.String(),
    source: Type.String(),
    status: Enum(['running', 'succeeded', 'failed'] as const),
    complete: Type.Boolean(),
    started_at: Type.String(),
    finished_at: Nullable(Type.String()),
    counts: Nullable(RunCountsSchema),
    digest: Nullable(Type.String()),
    error: Nullable(Type.String({ description: 'the redacted cause of a failed run' })),
  },
  { title: 'DiscoveryRun' },
);

export const SourceSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    options: OpenObject('the options, secrets shown as ***'),
    covers: Type.Array(Type.String()),
    environment: Nullable(Environment),
    every_s: Nullable(Type.Integer({ description: 'how often the server runs it, in seconds; null: on demand' })),
    sealed: Type.Array(Type.String(), { description: 'the option paths whose values are sealed' }),
    created_by: Type.String(),
    created_at: Type.String(),
    updated_at: Type.String(),
    last_run: Nullable(RunSchema),
  },
  { title: 'DiscoverySource' },
);

export const CredentialFactSchema = Type.Object({
  type: Enum(OBSERVED_CREDENTIAL_TYPES),
  count: Type.Optional(Type.Integer()),
  lifetime: Type.Optional(Enum(['static', 'short_lived'] as const)),
  label: Type.Optional(Type.String()),
  created: Type.Optional(Type.String()),
  last_rotated: Type.Optional(Type.String()),
  expires: Type.Optional(Type.String()),
  last_used: Type.Optional(Type.String()),
  fingerprint: Type.Optional(Type.String()),
  active: Type.Optional(Type.Boolean()),
});

export const ObservedAccountSchema = Type.Object(
  {
    source: Type.String(),
    kind: Type.String(),
    native_id: Type.String(),
    name: Type.String(),
    type: Type.String(),
    enabled: Type.Boolean(),
    can_login: Type.Boolean(),
    credentials: Type.Array(CredentialFactSchema),
    privilege: Enum(OBSERVED_PRIVILEGES),
    grants: Type.Array(Type.Object({ privilege: Enum(['observe', 'execute'] as const), grant: Type.String() })),
    grants_total: Type.Integer(),
    sessions: Type.Array(
      Type.Object({
        user: Type.String(),
        application: Type.Optional(Type.String()),
        client_address: Type.Optional(Type.String()),
        started: Type.Optional(Type.String()),
        interactive: Type.Boolean(),
      }),
    ),
    sessions_total: Type.Integer(),
    environment: Type.Optional(Environment),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    last_used: Type.Optional(Type.String()),
  },
  { title: 'ObservedAccount' },
);

export const SuggestedFindingSchema = Type.Object({
  check: Type.String(),
  severity: Severity,
  title: Type.String(),
  detail: Type.String(),
  controls: Type.Array(Type.String()),
  subject: Type.Object({ type: Enum(['identity', 'observed_account'] as const), id: Type.String() }),
  owner: Nullable(Type.String()),
  scopes: Type.Array(Type.String()),
});

export const AccountSchema = Type.Object(
  {
    key: Type.String(),
    source: Type.String(),
    native_id: Type.String(),
    state: Enum(ACCOUNT_STATES),
    drift: Type.Array(Type.String()),
    identity: Nullable(Type.String()),
    account: Nullable(ObservedAccountSchema),
    evidence: Type.Array(
      Type.Object({
        type: Enum(['grant', 'session', 'credential', 'login', 'account', 'identity', 'source'] as const),
        detail: Type.String(),
        at: Type.Optional(Type.String()),
      }),
    ),
    findings: Type.Array(SuggestedFindingSchema),
    first_seen: Type.String(),
    last_seen: Type.String(),
    disposition: Nullable(
      Type.Object({
        kind: Enum(['adopted', 'dismissed'] as const),
        reason: Type.Optional(Enum(DISMISS_REASONS)),
        note: Type.Optional(Type.String()),
        identity: Type.Optional(Type.String()),
        change: Type.Optional(Type.String()),
        by: Type.String(),
        at: Type.String(),
      }),
    ),
  },
  { title: 'DiscoveredAccount' },
);

/** POST …/adopt: 201 with the new identity and the account. */
export const AdoptedSchema = Type.Object({ identity: IdentityRecord, account: AccountSchema }, { title: 'AdoptedAccount' });
/** POST …/adopt: 202 with the change request that waits for approval, and the account. */
export const AdoptHeldSchema = Type.Composite([IdentityChangeRequestSchema, Type.Object({ account: AccountSchema })], {
  title: 'AdoptionHeld',
});

export type RunCountsView = Static<typeof RunCountsSchema>;
export type RunViewOut = Static<typeof RunSchema>;
export type SourceViewOut = Static<typeof SourceSchema>;
export type CredentialFactView = Static<typeof CredentialFactSchema>;
export type ObservedAccountView = Static<typeof ObservedAccountSchema>;
export type SuggestedFindingView = Static<typeof SuggestedFindingSchema>;
export type AccountViewOut = Static<typeof AccountSchema>;
export type AdoptAnswer = Static<typeof AdoptedSchema> | Static<typeof AdoptHeldSchema>;
