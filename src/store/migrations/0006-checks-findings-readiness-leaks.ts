// Migration 6: control checks, findings with a lifecycle, readiness history and leaked secrets.
// Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
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
};
