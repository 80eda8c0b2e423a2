// The API's shapes as the console reads them: the types of the OpenAPI document's response
// schemas (openapi/mandate.d.ts, generated from the server's own schemas by `npm run openapi`), so
// they cannot drift from what it answers. Types only: nothing of the server reaches the bundle.
// Only the document's types are imported here (test/console/discovery.test.ts reads this file on the server's side too).
import type { AnswerOf, OperationOf, PathsOf } from '../../../openapi/client.js';

type Answer<P extends PathsOf<'get'>> = AnswerOf<OperationOf<P, 'get'>>;

export type Approval = Answer<'/v1/approvals/{id}'>;
export type AuthorisationRecord = Answer<'/v1/authorisations/{id}'>;
export type Identity = Answer<'/v1/identities/{id}'>;
export type Transition = Answer<'/v1/transitions/{id}'>;
export type Impact = Answer<'/v1/authorisations/{id}/impact'>;
export type Finding = Answer<'/v1/findings/{id}'>;
export type Control = Answer<'/v1/controls'>['controls'][number];
export type ReadinessItem = Answer<'/v1/readiness'>['items'][number];
export type DiscoveryRun = Answer<'/v1/discovery/runs/{id}'>;
export type RunCounts = DiscoveryRun['counts'];
export type DiscoverySource = Answer<'/v1/discovery/sources'>['items'][number];
export type DiscoveredAccount = Answer<'/v1/discovery/accounts/{key}'>;
export type ObservedAccount = NonNullable<DiscoveredAccount['account']>;
export type CredentialFact = ObservedAccount['credentials'][number];
export type SuggestedFinding = DiscoveredAccount['findings'][number];
/** POST …/adopt: the new identity (201) or the change request that waits for approval (202), each with the account. */
export type AdoptAnswer = AnswerOf<OperationOf<'/v1/discovery/accounts/{key}/adopt', 'post'>>;
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
  total?: number;
}
export interface Scope {
  entity: string;
  service: string;
  jurisdiction: string;
}
// An event as GET /v1/events gives it: the verifier's type, since it hashes exactly these fields.
export type { LedgerEvent } from './ledger-verify.js';
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

// Discovery's account states in the order the console lists them (drift first).
export const ACCOUNT_STATES = ['drift', 'unmanaged', 'missing', 'matched'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];
export const DISMISS_REASONS = ['not_an_nhi', 'personal_account', 'out_of_scope', 'other'] as const;
