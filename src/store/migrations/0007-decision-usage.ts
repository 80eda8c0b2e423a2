// Migration 7: decision usage kept incrementally, and an index for state-at-a-time reads.
// Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
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
};
