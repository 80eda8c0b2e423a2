// Migration 2: authorisation transitions, lifecycle rules, the stored power of each identity and the outbox.
// Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
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
};
