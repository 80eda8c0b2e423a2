// Migration 9: discovery: sources, runs and reconciled accounts.
// Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
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
};
