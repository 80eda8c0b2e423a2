// Migration 18: the SIEM stream's cursors (src/siem/). Released: it never changes; a change is a new
// migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 18,
  name: 'siem stream cursors',
  // One row per sink (syslog, otlp): seq is the last ledger event the sink acknowledged, so a
  // restart resumes after it. BIGINT as events.seq is (PostgreSQL's INTEGER stops at 2^31).
  sql: `
CREATE TABLE siem_cursors (
  sink {{KEY}} PRIMARY KEY,
  seq BIGINT NOT NULL,
  updated_at TEXT NOT NULL
)
`,
};
