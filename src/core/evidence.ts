// What an evidence pack says, as plain data: the input of the OSCAL assessment-results document,
// of the HTML report and of the pack's JSON files. Built by src/compliance from the store and the
// ledger; rendered by pure functions (src/evidence/oscal.ts, src/evidence/report.ts).

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type FindingStatus = 'open' | 'acknowledged' | 'resolved' | 'accepted_risk';

/** One control of the catalogue (controls/catalogue.yaml). */
export interface Control {
  /** e.g. `owasp-nhi:NHI7`, `nist-csf:PR.AA-05`, `mica:art-64`, `dora:rts-2024-1774:art-21`, `cra:annex-i:2-d`. */
  id: string;
  framework: 'owasp-nhi-2025' | 'nist-csf-2.0' | 'mica' | 'dora' | 'cra';
  /** The identifier as the framework writes it (NHI7, PR.AA-05, Art. 64, Annex I (2)(d)). */
  ref: string;
  title: string;
  description: string;
}

/** The outcome of one automated check in one run. */
export interface CheckResult {
  check: string;
  title: string;
  description: string;
  severity: Severity;
  controls: string[];
  /** Subjects the check looked at, and how many of them failed it. */
  evaluated: number;
  failed: number;
}

export interface Finding {
  /** `<check>:<subject id>`: stable while the cause lasts, so re-running checks is idempotent. */
  id: string;
  check: string;
  severity: Severity;
  status: FindingStatus;
  subject: { type: string; id: string };
  title: string;
  detail: string;
  /** The person accountable: the identity's owner, or whoever the check names. */
  owner: string | null;
  controls: string[];
  /** The (entity/service/jurisdiction) scopes the finding bears on; readiness counts it there. */
  scopes: string[];
  first_seen: string;
  last_seen: string;
  due_at: string;
  resolved_at: string | null;
  /** The exception that accepts the risk, when status is accepted_risk. */
  exception: string | null;
  /** Ledger events (by sequence number) the finding rests on. */
  evidence: number[];
}

/** How ready one (entity, jurisdiction, service) is for its supervisor. */
export interface Readiness {
  entity: string;
  jurisdiction: string;
  service: string;
  authorisation: { id: string; status: string; basis: string; reference: string } | null;
  /** 0–100: 100 with no open finding in the scope. */
  score: number;
  identities: number;
  open_findings: number;
  /** Critical and high findings: they block readiness. */
  blocking: { id: string; severity: Severity; title: string; owner: string | null }[];
  owners_to_chase: { owner: string; findings: number }[];
  deadlines: { what: string; at: string; days_left: number }[];
}

export interface EvidenceEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: { type: string; id: string };
  reason: string | null;
}

/** Everything one evidence pack holds, for one entity and member state, as of one time. */
export interface EvidenceData {
  generated_at: string;
  as_of: string;
  entity: { id: string; name: string; lei: string; home: string };
  jurisdiction: string;
  /** The catalogue version and the controls the checks map to. */
  catalogue: { version: string; controls: Control[] };
  checks: CheckResult[];
  findings: Finding[];
  readiness: Readiness[];
  /** Readiness over time for this entity and member state (mean score of its services). */
  trend: { at: string; score: number }[];
  inventory: {
    total: number;
    by_kind: Record<string, number>;
    by_capability: Record<string, number>;
    by_credential: Record<string, number>;
    identities: {
      id: string;
      kind: string;
      function: string;
      capability: string;
      owner: string | null;
      status: string;
      credential: string;
      scopes: string[];
      vendor: string | null;
      break_glass: boolean;
    }[];
  };
  authorisations: { id: string; service: string; status: string; basis: string; reference: string; history: EvidenceEvent[] }[];
  approvals: {
    id: string;
    kind: string;
    status: string;
    requester: string;
    approvers: string[];
    decided_at: string | null;
    summary: string;
    /** Decided on an emergency path: nobody approved it; the post-incident review as it stood at as-of. */
    emergency?: EmergencyReview;
  }[];
  exceptions: {
    id: string;
    identity: string;
    control: string;
    status: string;
    expires_at: string;
    justification: string;
    /** Product packs: the scope the exception covers and its compensating controls. */
    scope?: string;
    compensating_controls?: string[];
  }[];
  policies: { version: number; digest: string; ids: string[] };
  ledger: { origin: string; size: number; root: string; checkpoint: string; cited: number };
  /** A pack for one product (CRA; Annex VII technical documentation): what it holds beyond the common parts. */
  product?: ProductEvidence;
}

/** One product's evidence as of the pack's time (src/evidence/product-pack.ts). */
export interface ProductEvidence {
  id: string;
  name: string;
  manufacturer: string;
  category: string;
  status: string;
  versions: string[];
  channels: string[];
  member_states: string[];
  placed_on_market: string | null;
  support_period_end: string | null;
  conformity_assessment: { procedure: string; reference: string; notified_body?: string } | null;
  declaration_of_conformity: string | null;
  /** The product's recorded changes (creation, updates, status changes) up to as-of. */
  history: EvidenceEvent[];
  /** The product lifecycle rules then in force (version 0: the shipped default). */
  rules: { version: number; id: string };
  /**
   * Who could act for the product: each identity with a product scope of it, per scope, its product
   * actions lawful then (alone), lawful only with a second approval, and denied.
   */
  power: { identity: string; scope: string; lawful: string[]; approval: string[]; denied: string[] }[];
  /** Just-in-time grants, exceptions and break-glass windows of those identities in the product's scopes. */
  grants: {
    id: string;
    kind: string;
    identity: string;
    actions: string[];
    scope: string;
    status: string;
    starts_at: string;
    expires_at: string;
    ended_at: string | null;
    end_reason: string | null;
  }[];
  /** Revocations: suspensions, revocations, narrowings and token revocations of those identities. */
  revocations: EvidenceEvent[];
  /** Connector switch-offs of those identities: when asked and when done. */
  switch_offs: { id: string; identity: string; requested_at: string; done_at: string | null; status: string }[];
  /** The Article 14 timeline: the product's actively exploited vulnerabilities and severe incidents. */
  reports: {
    id: string;
    kind: string;
    status: string;
    title: string;
    aware_at: string;
    owner: string;
    milestones: { milestone: string; at: string; reference: string; by: string }[];
    deadlines: { milestone: string; article: string; due_at: string | null; submitted_at: string | null; state: string }[];
    history: EvidenceEvent[];
  }[];
}

/** The post-incident review an emergency (break-glass unseal, emergency transition) owes, as of the pack's time. */
export type EmergencyReview = { review: 'pending' } | { review: 'done'; reviewed_by: string; reviewed_at: string };
