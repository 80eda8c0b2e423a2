// The API's shapes as the console reads them (the server's OpenAPI document at /openapi.json is
// the full reference; only the fields the console shows are named here).
export interface Page<T> { items: T[]; next_cursor: string | null; total?: number }
export interface Scope { entity: string; service: string; jurisdiction: string }
export interface Identity {
  id: string; kind: string; function: string; capability: string; owner?: string; purpose?: string; scopes: Scope[]; actions: string[];
  environment: string; vendor?: string; break_glass: boolean; status: string; labels?: Record<string, string>; last_used?: string;
  credential: { type: string; created?: string; rotated?: string; expires?: string; [k: string]: unknown };
  revocation?: { connector: string; target?: string };
  version: number; created_at: string; updated_at: string;
}
export interface AuthorisationRecord {
  id: string; entity: string; service: string; jurisdiction: string; status: string; basis?: string; reference?: string; effective_from?: string;
  version: number; updated_at: string;
}
export interface Transition {
  id: string; authorisations: string[]; to: string; reason: string; reference: string; effective_at: string; deadline: string | null;
  denied_actions: string[]; emergency: boolean; proposer: string; status: string; decided_by: string | null; decided_at: string | null;
  applied_at: string | null; created_at: string; approval?: Approval;
}
export interface Approval {
  id: string; kind: string; subject: { type: string; id: string }; requester: string; owner: string | null; summary: string;
  detail: Record<string, unknown>; rule: string; required: number; roles: string[]; status: string;
  votes: { voter: string; decision: 'approve' | 'reject'; reason: string | null; at: string }[];
  created_at: string; expires_at: string; decided_at: string | null; outcome: string | null;
}
export interface Finding {
  id: string; check: string; severity: 'low' | 'medium' | 'high' | 'critical'; status: string; subject: { type: string; id: string };
  title: string; detail: string; owner: string | null; controls: string[]; scopes: string[]; first_seen: string; last_seen: string;
  due_at: string | null; resolved_at: string | null; exception: string | null; acknowledged_by: string | null;
}
export interface Control { id: string; framework: string; ref: string; title: string; description: string }
export interface ReadinessItem {
  entity: string; jurisdiction: string; service: string; score: number; identities: number; open_findings: number;
  authorisation: { id: string; status: string } | null;
  blocking: { id: string; severity: string; title: string; owner: string | null }[];
}
// An event as GET /v1/events gives it: the verifier's type, since it hashes exactly these fields.
export type { LedgerEvent } from './ledger-verify.js';
export interface Impact {
  moved: { id: string; from: string; to: string; via: string | null }[];
  counts: { suspend: number; narrow: number; restore: number; unchanged: number };
  suspended: { identity: string; why: string; removed: { scope: string; action: string; rule: string }[] }[];
  narrowed: { identity: string; from: string[]; to: { scope: string; actions: string[] }[]; removed: { scope: string; action: string; rule: string }[] }[];
  restored: { identity: string; status: string }[];
  untouched: { identity: string; status: string; why: string }[];
  return_paths: unknown;
}
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

// Discovery, as src/discovery/service.ts answers it (SourceView, RunView, AccountView) with the
// observed account of src/core/discovery.ts. test/console/discovery.test.ts checks at compile
// time that the server's shapes still fit these.
export const ACCOUNT_STATES = ['drift', 'unmanaged', 'missing', 'matched'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];
export const DISMISS_REASONS = ['not_an_nhi', 'personal_account', 'out_of_scope', 'other'] as const;
export interface RunCounts { observed: number; matched: number; unmanaged: number; missing: number; drift: number }
export interface DiscoveryRun {
  id: string; source: string; status: 'running' | 'succeeded' | 'failed'; complete: boolean; started_at: string; finished_at: string | null;
  counts: RunCounts | null; digest: string | null; error: string | null;
}
export interface DiscoverySource {
  id: string; kind: string; options: Record<string, unknown>; covers: string[]; environment: string | null; every_s: number | null; sealed: string[];
  created_by: string; created_at: string; updated_at: string; last_run: DiscoveryRun | null;
}
export interface CredentialFact {
  type: 'password' | 'key' | 'token' | 'certificate' | 'none'; count?: number; lifetime?: 'static' | 'short_lived'; label?: string;
  created?: string; last_rotated?: string; expires?: string; last_used?: string; fingerprint?: string; active?: boolean;
}
export interface ObservedAccount {
  source: string; kind: string; native_id: string; name: string; type: string; enabled: boolean; can_login: boolean;
  credentials: CredentialFact[]; privilege: 'none' | 'observe' | 'execute';
  grants: { privilege: 'observe' | 'execute'; grant: string }[]; grants_total: number;
  sessions: { user: string; application?: string; client_address?: string; started?: string; interactive: boolean }[]; sessions_total: number;
  environment?: string; attributes?: Record<string, string | number | boolean>; last_used?: string;
}
export interface SuggestedFinding {
  check: string; severity: Finding['severity']; title: string; detail: string; controls: string[];
  subject: { type: 'identity' | 'observed_account'; id: string }; owner: string | null; scopes: string[];
}
export interface DiscoveredAccount {
  key: string; source: string; native_id: string; state: AccountState; drift: string[]; identity: string | null; account: ObservedAccount | null;
  evidence: { type: string; detail: string; at?: string }[]; findings: SuggestedFinding[]; first_seen: string; last_seen: string;
  disposition: { kind: 'adopted' | 'dismissed'; reason?: string; note?: string; identity?: string; change?: string; by: string; at: string } | null;
}
/** POST …/adopt: 201 with the new identity, or 202 with the change request that waits for approval. */
export type AdoptAnswer =
  | { identity: Identity; account: DiscoveredAccount }
  | { id: string; kind: 'identity_change'; status: string; change: { identity: Identity; gains: { kind: string; detail: string }[] }; approval?: Approval; account: DiscoveredAccount };
