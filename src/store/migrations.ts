// Versioned schema migrations, run in order at start-up, the same steps on both stores. A
// migration never changes once released; a change is a new migration.
import { identitySearchText } from '../core/model.js';
import { placeholders, type Database, type Dialect, type Sql } from './db.js';

interface Migration {
  version: number;
  name: string;
  /**
   * SQL for both dialects. `{{SERIAL}}` is each one's auto-incrementing 64-bit key; `{{KEY}}` is a
   * text key that sorts by code point on both (PostgreSQL's default collation would order ids
   * differently from SQLite, and keyset pages must match).
   */
  sql: string;
  /** Statements only PostgreSQL needs, run before `sql` (where SQLite already behaves as wanted). */
  postgres?: string;
  /** A data step after `sql`, in code where SQL would not compute the same on both stores. */
  data?: (tx: Sql) => Promise<void>;
}

const SERIAL: Record<Dialect, string> = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  postgres: 'BIGSERIAL PRIMARY KEY',
};
const KEY: Record<Dialect, string> = { sqlite: 'TEXT', postgres: 'TEXT COLLATE "C"' };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'inventory, events, access',
    sql: `
CREATE TABLE entities (
  id {{KEY}} PRIMARY KEY, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE people (
  id {{KEY}} PRIMARY KEY, status TEXT NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE vendors (
  id {{KEY}} PRIMARY KEY, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE authorisations (
  id {{KEY}} PRIMARY KEY, entity TEXT NOT NULL, service TEXT NOT NULL, jurisdiction TEXT NOT NULL,
  status TEXT NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  UNIQUE (entity, service, jurisdiction)
);
CREATE INDEX authorisations_status ON authorisations (status, id);
CREATE TABLE identities (
  id {{KEY}} PRIMARY KEY, kind TEXT NOT NULL, function TEXT NOT NULL, capability TEXT NOT NULL,
  owner TEXT, vendor TEXT, status TEXT NOT NULL, environment TEXT NOT NULL, break_glass INTEGER NOT NULL,
  doc TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
-- Indexes only where a filter can be selective (an owner, a vendor, a rare status): kind,
-- function, capability and environment have a handful of values each, so a page walks the
-- primary key and finds its rows within a few thousand, and an index would only slow imports.
CREATE INDEX identities_owner ON identities (owner, id);
CREATE INDEX identities_vendor ON identities (vendor, id);
CREATE INDEX identities_status ON identities (status, id);
CREATE TABLE identity_scopes (
  identity_id {{KEY}} NOT NULL, entity TEXT NOT NULL, service TEXT NOT NULL, jurisdiction TEXT NOT NULL,
  PRIMARY KEY (identity_id, entity, service, jurisdiction)
);
CREATE INDEX identity_scopes_entity ON identity_scopes (entity, identity_id);
CREATE INDEX identity_scopes_service ON identity_scopes (service, identity_id);
CREATE INDEX identity_scopes_jurisdiction ON identity_scopes (jurisdiction, identity_id);
CREATE TABLE actions (
  id {{KEY}} PRIMARY KEY, class TEXT NOT NULL, description TEXT NOT NULL
);
CREATE TABLE events (
  seq {{SERIAL}},
  at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  subject_type TEXT NOT NULL, subject_id TEXT NOT NULL,
  before_doc TEXT, after_doc TEXT, reason TEXT
);
CREATE INDEX events_subject ON events (subject_id, subject_type, seq);
CREATE TABLE users (
  id {{KEY}} PRIMARY KEY, name TEXT NOT NULL, roles TEXT NOT NULL, status TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
  id {{KEY}} PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), hash TEXT NOT NULL UNIQUE,
  label TEXT, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
`,
  },
  {
    version: 2,
    name: 'authorisation transitions, lifecycle rules, identity power, outbox',
    sql: `
CREATE TABLE lifecycle_rules (
  version INTEGER PRIMARY KEY, rules_id TEXT NOT NULL, doc TEXT NOT NULL, actor TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE transitions (
  id {{KEY}} PRIMARY KEY, authorisations TEXT NOT NULL, to_status TEXT NOT NULL, reason TEXT NOT NULL,
  reference TEXT NOT NULL, effective_at TEXT NOT NULL, conditions TEXT, deadline TEXT,
  emergency INTEGER NOT NULL, proposer TEXT NOT NULL, status TEXT NOT NULL,
  decided_by TEXT, decided_at TEXT, decision_reason TEXT,
  applied_at TEXT, result TEXT, review_status TEXT, reviewed_by TEXT, review_notes TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX transitions_status ON transitions (status, effective_at);
CREATE TABLE identity_power (
  identity_id {{KEY}} PRIMARY KEY, outcome TEXT NOT NULL, lawful TEXT NOT NULL,
  suspended_by_lifecycle INTEGER NOT NULL, transition_id TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE outbox (
  id {{KEY}} PRIMARY KEY, created_at TEXT NOT NULL, channel TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT NOT NULL, identity_id TEXT NOT NULL, transition_id TEXT, reason TEXT NOT NULL,
  status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TEXT NOT NULL,
  last_error TEXT, delivered_at TEXT, detail TEXT, payload TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_identity ON outbox (identity_id);
`,
  },
  {
    version: 3,
    name: 'ledger: leaf hashes, subtree nodes, checkpoints, log keys',
    sql: `
ALTER TABLE events ADD COLUMN leaf_hash TEXT;
CREATE TABLE ledger_nodes (
  level INTEGER NOT NULL, idx INTEGER NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (level, idx)
);
CREATE TABLE ledger_checkpoints (
  size INTEGER PRIMARY KEY, root TEXT NOT NULL, note TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE ledger_keys (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, public_key TEXT NOT NULL, encrypted_private TEXT NOT NULL, created_at TEXT NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'token service, workload credentials, revocation, Cedar policies',
    sql: `
-- Token-signing keys (EdDSA): the private half sealed under the KEK. Retired keys stay published
-- until the last token they signed has expired.
CREATE TABLE signing_keys (
  kid {{KEY}} PRIMARY KEY, public_jwk TEXT NOT NULL, sealed_private TEXT NOT NULL,
  created_at TEXT NOT NULL, retired_at TEXT
);
-- OIDC issuers whose workload tokens Mandate accepts (Kubernetes, CI, cloud workload identity).
CREATE TABLE trusted_issuers (
  id {{KEY}} PRIMARY KEY, issuer TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, created_at TEXT NOT NULL
);
-- How an identity proves itself: an OIDC subject at a trusted issuer, a registered public key
-- (RFC 7523), or, for legacy identities only, a static secret kept as a salted hash.
CREATE TABLE identity_credentials (
  id {{KEY}} PRIMARY KEY, identity_id TEXT NOT NULL, type TEXT NOT NULL,
  issuer TEXT, subject TEXT, public_jwk TEXT, secret_hash TEXT,
  created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE INDEX identity_credentials_identity ON identity_credentials (identity_id);
CREATE UNIQUE INDEX identity_credentials_subject ON identity_credentials (issuer, subject);
-- Revocation in O(affected identities): a token is valid only while its generation is the
-- identity's current one. Single tokens go on a small deny-list until they expire.
CREATE TABLE token_generations (
  identity_id {{KEY}} PRIMARY KEY, generation INTEGER NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE revoked_tokens (
  jti {{KEY}} PRIMARY KEY, identity_id TEXT NOT NULL, expires_at INTEGER NOT NULL, revoked_at TEXT NOT NULL
);
-- One-time use of client assertions and workload tokens that carry a jti (replay protection).
CREATE TABLE seen_assertions (
  issuer TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (issuer, jti)
);
-- Versions of the firm's Cedar policy set. The newest is in force.
CREATE TABLE cedar_policies (
  version INTEGER PRIMARY KEY, text TEXT NOT NULL, doc TEXT NOT NULL, digest TEXT NOT NULL,
  actor TEXT NOT NULL, created_at TEXT NOT NULL
);
`,
  },
  {
    version: 5,
    name: 'approvals, just-in-time grants, exceptions, break-glass activations, access reviews',
    sql: `
-- One approval engine: every request that needs approval (a transition, a policy or rule change,
-- an access request, an exception, a break-glass activation) is a row here, and each person's
-- vote is one row of approval_votes (the key makes one person's approval count once).
CREATE TABLE approvals (
  id {{KEY}} PRIMARY KEY, kind TEXT NOT NULL, subject_type TEXT NOT NULL, subject_id TEXT NOT NULL,
  requester TEXT NOT NULL, owner TEXT, summary TEXT NOT NULL, detail TEXT NOT NULL, rule_id TEXT NOT NULL,
  required INTEGER NOT NULL, roles TEXT NOT NULL, status TEXT NOT NULL,
  created_at TEXT NOT NULL, expires_at TEXT NOT NULL, decided_at TEXT, outcome TEXT
);
CREATE INDEX approvals_status ON approvals (status, expires_at);
CREATE INDEX approvals_subject ON approvals (subject_id, kind);
CREATE TABLE approval_votes (
  approval_id {{KEY}} NOT NULL, voter TEXT NOT NULL, decision TEXT NOT NULL, reason TEXT, at TEXT NOT NULL,
  PRIMARY KEY (approval_id, voter)
);
-- Changes to policies and lifecycle rules wait here for their approval, then are published.
CREATE TABLE change_requests (
  id {{KEY}} PRIMARY KEY, kind TEXT NOT NULL, doc TEXT NOT NULL, requester TEXT NOT NULL,
  status TEXT NOT NULL, result TEXT, created_at TEXT NOT NULL
);
-- What an approved access request, exception or break-glass activation lets an identity do at
-- runtime, until it expires or is cut. Enforcement points receive the active ones.
CREATE TABLE grants (
  id {{KEY}} PRIMARY KEY, kind TEXT NOT NULL, identity_id TEXT NOT NULL, doc TEXT NOT NULL,
  status TEXT NOT NULL, starts_at TEXT NOT NULL, expires_at TEXT NOT NULL, ended_at TEXT, end_reason TEXT
);
CREATE INDEX grants_identity ON grants (identity_id, status);
CREATE INDEX grants_status ON grants (status, expires_at);
CREATE TABLE access_requests (
  id {{KEY}} PRIMARY KEY, identity_id TEXT NOT NULL, requester TEXT NOT NULL, doc TEXT NOT NULL,
  status TEXT NOT NULL, approval_id TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX access_requests_identity ON access_requests (identity_id, created_at);
CREATE TABLE policy_exceptions (
  id {{KEY}} PRIMARY KEY, identity_id TEXT NOT NULL, requester TEXT NOT NULL, doc TEXT NOT NULL,
  status TEXT NOT NULL, approval_id TEXT NOT NULL, expires_at TEXT NOT NULL,
  closed_by TEXT, closed_at TEXT, close_notes TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX policy_exceptions_status ON policy_exceptions (status, expires_at);
CREATE TABLE break_glass_activations (
  id {{KEY}} PRIMARY KEY, identity_id TEXT NOT NULL, requester TEXT NOT NULL, doc TEXT NOT NULL,
  emergency INTEGER NOT NULL, status TEXT NOT NULL, approval_id TEXT,
  starts_at TEXT, ends_at TEXT, review_status TEXT NOT NULL, reviewed_by TEXT, reviewed_at TEXT, review_notes TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX break_glass_identity ON break_glass_activations (identity_id, created_at);
-- Access review campaigns: each item is one identity its owner keeps, narrows or revokes.
CREATE TABLE review_campaigns (
  id {{KEY}} PRIMARY KEY, doc TEXT NOT NULL, status TEXT NOT NULL, created_by TEXT NOT NULL,
  created_at TEXT NOT NULL, due_at TEXT NOT NULL, closed_at TEXT
);
CREATE TABLE review_items (
  campaign_id {{KEY}} NOT NULL, identity_id {{KEY}} NOT NULL, reviewer TEXT, flags TEXT NOT NULL,
  decision TEXT, decided_by TEXT, decided_at TEXT, notes TEXT, PRIMARY KEY (campaign_id, identity_id)
);
CREATE INDEX review_items_reviewer ON review_items (reviewer, campaign_id);
`,
  },
  {
    version: 6,
    name: 'control checks, findings with a lifecycle, readiness history, leaked secrets',
    sql: `
-- Each run of the control checks: when, why, and what each check found (history for trends).
CREATE TABLE check_runs (
  id {{KEY}} PRIMARY KEY, at TEXT NOT NULL, trigger_reason TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX check_runs_at ON check_runs (at);
-- Findings keep their identity (check and subject) from run to run: a re-run updates last_seen,
-- a cause that went away resolves its finding, a cause that came back reopens it.
CREATE TABLE compliance_findings (
  id {{KEY}} PRIMARY KEY, check_id TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL,
  subject_type TEXT NOT NULL, subject_id TEXT NOT NULL, doc TEXT NOT NULL,
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, due_at TEXT NOT NULL, resolved_at TEXT,
  acknowledged_by TEXT, acknowledged_at TEXT, exception_id TEXT, occurrences INTEGER NOT NULL
);
CREATE INDEX compliance_findings_status ON compliance_findings (status, severity);
CREATE INDEX compliance_findings_subject ON compliance_findings (subject_id);
-- Readiness of each (entity, jurisdiction, service) at each run.
CREATE TABLE readiness_history (
  run_id TEXT NOT NULL, at TEXT NOT NULL, entity TEXT NOT NULL, jurisdiction TEXT NOT NULL, service TEXT NOT NULL,
  score INTEGER NOT NULL, open_findings INTEGER NOT NULL, blocking INTEGER NOT NULL,
  PRIMARY KEY (run_id, entity, jurisdiction, service)
);
CREATE INDEX readiness_history_scope ON readiness_history (entity, jurisdiction, at);
-- Leaked secrets reported by scanners (gitleaks, trufflehog): a fingerprint, never the secret.
CREATE TABLE leaked_secrets (
  id {{KEY}} PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE, identity_id TEXT, doc TEXT NOT NULL,
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, resolved_at TEXT
);
`,
  },
  {
    version: 7,
    name: 'decision usage kept incrementally; an index for state-at-a-time reads',
    sql: `
-- What each identity was seen doing (allowed actions) and from where (environments,
-- applications), advanced from the decision log past a cursor, so a check run reads only new
-- decisions rather than 90 days of them.
CREATE TABLE decision_usage (
  identity_id {{KEY}} NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, last_at TEXT NOT NULL,
  PRIMARY KEY (identity_id, kind, value)
);
CREATE TABLE compliance_cursor (name {{KEY}} PRIMARY KEY, seq INTEGER NOT NULL);
-- The last event of each kind per subject (the state at a time, evidence packs, time travel)
-- without scanning the log.
CREATE INDEX events_kind_subject ON events (subject_type, action, subject_id, seq);
`,
  },
  {
    version: 8,
    name: 'identity lists: sorts, search, counts; events by type and action',
    // PostgreSQL compares text by the database's collation, SQLite by code point: sorted pages must
    // come in the same order on both, so the identity columns a list sorts on compare by code point
    // there too (as ids already do). Equality filters are unchanged by this.
    postgres: `
ALTER TABLE identities
  ALTER COLUMN kind TYPE TEXT COLLATE "C", ALTER COLUMN function TYPE TEXT COLLATE "C",
  ALTER COLUMN capability TYPE TEXT COLLATE "C", ALTER COLUMN owner TYPE TEXT COLLATE "C",
  ALTER COLUMN status TYPE TEXT COLLATE "C", ALTER COLUMN environment TYPE TEXT COLLATE "C",
  ALTER COLUMN updated_at TYPE TEXT COLLATE "C"
`,
    sql: `
-- What q searches (id, owner, purpose, lower-cased by the application: see identitySearchText).
-- No index serves a substring search: it reads this column of each row it considers.
ALTER TABLE identities ADD COLUMN search {{KEY}} NOT NULL DEFAULT '';
-- Each sort walks an index from the cursor on, so a deep page costs what the first does. Owners
-- sort as COALESCE(owner, '') (identities without one first, ascending), the same on both stores,
-- where a bare NULL sorts first on SQLite and last on PostgreSQL. Status and owner filters keep
-- their indexes from version 1.
CREATE INDEX identities_sort_owner ON identities ((COALESCE(owner, '')), id);
CREATE INDEX identities_kind ON identities (kind, id);
CREATE INDEX identities_function ON identities (function, id);
CREATE INDEX identities_capability ON identities (capability, id);
CREATE INDEX identities_environment ON identities (environment, id);
CREATE INDEX identities_updated ON identities (updated_at, id);
-- The inventory summary, and counts over these columns, read this index alone.
CREATE INDEX identities_facets ON identities (function, capability, status, kind, environment);
-- The log of one subject type, or of one action, a page at a time in either direction.
CREATE INDEX events_type_seq ON events (subject_type, seq);
CREATE INDEX events_action_seq ON events (action, seq);
`,
    data: async (tx) => {
      // Identities stored before this version get their search text, a chunk at a time.
      for (let after = ''; ;) {
        const rows = await tx.all<{ id: string; doc: string }>('SELECT id, doc FROM identities WHERE id > ? ORDER BY id LIMIT 500', [after]);
        if (rows.length === 0) return;
        await tx.run(
          `UPDATE identities SET search = CASE id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (${placeholders(rows.length)})`,
          [...rows.flatMap((r) => [r.id, identitySearchText(JSON.parse(r.doc) as { id: string })]), ...rows.map((r) => r.id)],
        );
        after = rows[rows.length - 1]!.id;
      }
    },
  },
  {
    version: 9,
    name: 'discovery sources, runs and accounts',
    sql: `
-- A configured source: its configuration without secrets (doc), the secrets sealed under the KEK.
CREATE TABLE discovery_sources (
  id {{KEY}} PRIMARY KEY, kind TEXT NOT NULL, doc TEXT NOT NULL, sealed_secrets TEXT,
  created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE discovery_runs (
  id {{KEY}} PRIMARY KEY, source_id {{KEY}} NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
  counts TEXT, digest TEXT, error TEXT
);
CREATE INDEX discovery_runs_source ON discovery_runs (source_id, started_at);
-- One row per reconciled pair: key is the source and the native id (or the identity, for missing).
CREATE TABLE discovery_accounts (
  key {{KEY}} PRIMARY KEY, source_id {{KEY}} NOT NULL, native_id TEXT NOT NULL, state {{KEY}} NOT NULL, drift TEXT NOT NULL,
  identity_id TEXT, account TEXT, evidence TEXT NOT NULL, findings TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  disposition TEXT, disposition_doc TEXT
);
CREATE INDEX discovery_accounts_source_state ON discovery_accounts (source_id, state, key);
CREATE INDEX discovery_accounts_state ON discovery_accounts (state, key)
`,
  },
  {
    version: 10,
    name: 'discovered accounts by identity; deliveries verified by discovery',
    sql: `
-- The identity page lists the accounts observed for one identity.
CREATE INDEX discovery_accounts_identity ON discovery_accounts (identity_id, key);
-- When discovery last confirmed (or failed to confirm) a delivery's effect in the system itself.
ALTER TABLE outbox ADD COLUMN verified_at TEXT;
CREATE INDEX outbox_unverified ON outbox (status, verified_at, channel)
`,
  },
];

export async function migrate(db: Database): Promise<number[]> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  return db.transaction(async (tx) => {
    // Several servers may start together on one PostgreSQL: one migrates, the others wait.
    if (tx.dialect === 'postgres') await tx.all("SELECT pg_advisory_xact_lock(hashtext('mandate.migrations'))");
    const done = new Set((await tx.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      const script = `${tx.dialect === 'postgres' ? (m.postgres ?? '') : ''};${m.sql}`;
      for (const stmt of script.replaceAll('{{SERIAL}}', SERIAL[tx.dialect]).replaceAll('{{KEY}}', KEY[tx.dialect]).split(';')) {
        if (stmt.trim()) await tx.run(stmt);
      }
      await m.data?.(tx);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version, m.name, new Date().toISOString(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
