// The API's shapes as the console reads them: the Static<> types of the server's own response
// schemas (src/**/schemas.ts, src/http/responses.ts), so they cannot drift from what it answers.
// Type-only imports: nothing of the server reaches the bundle.
export type { Approval, AuthorisationRecord, IdentityRecord as Identity } from '../../../src/http/responses.js';
export type { TransitionView as Transition, ImpactView as Impact } from '../../../src/regulatory/schemas.js';
export type {
  FindingView as Finding,
  ControlView as Control,
  ReadinessItemView as ReadinessItem,
} from '../../../src/compliance/schemas.js';
export type {
  RunCountsView as RunCounts,
  RunViewOut as DiscoveryRun,
  SourceViewOut as DiscoverySource,
  CredentialFactView as CredentialFact,
  ObservedAccountView as ObservedAccount,
  SuggestedFindingView as SuggestedFinding,
  AccountViewOut as DiscoveredAccount,
  AdoptAnswer,
} from '../../../src/discovery/schemas.js';
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
