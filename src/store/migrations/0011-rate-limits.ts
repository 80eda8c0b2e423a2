// Migration 11: rate-limit counters that several servers on one PostgreSQL share.
// Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 11,
  name: 'rate-limit counters',
  // One row a key (an address or an API token's id): the hits in its current fixed window, which
  // began at window_start and ends at expires_at (epoch milliseconds). Only PostgreSQL servers count
  // here (state/rate-limits.ts); the embedded SQLite server is one process and counts in memory, but
  // the table exists on both so the schemas stay the same.
  sql: `
CREATE TABLE rate_limits (
  key {{KEY}} PRIMARY KEY,
  window_start BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  hits INTEGER NOT NULL
);
CREATE INDEX rate_limits_expiry ON rate_limits (expires_at)
`,
};
