// Migration 10: discovered accounts by identity; outbox deliveries verified by discovery.
// Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 10,
  name: 'discovered accounts by identity; deliveries verified by discovery',
  sql: `
-- The identity page lists the accounts observed for one identity.
CREATE INDEX discovery_accounts_identity ON discovery_accounts (identity_id, key);
-- When discovery last confirmed (or failed to confirm) a delivery's effect in the system itself.
ALTER TABLE outbox ADD COLUMN verified_at TEXT;
CREATE INDEX outbox_unverified ON outbox (status, verified_at, channel)
`,
};
