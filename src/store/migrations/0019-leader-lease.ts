// Migration 19: leader election among servers on one PostgreSQL (src/server/leader.ts). Released: it
// never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 19,
  name: 'leader lease and outbox claim epoch',
  // leader_lease: one row a lease (name 'jobs': the background jobs). epoch is the fencing token:
  // each new leader increments it, and leader-only writes check it (store/leadership.ts). holder
  // and acquired_at say who took it and when (for people; nothing decides on them).
  // outbox.claim_epoch: the leader epoch that claimed an in-flight delivery, so a new leader takes
  // over the deliveries of a dead epoch at once instead of after their lease. SQLite's one server
  // is leader at epoch 1; the table exists there too so the schemas stay the same.
  sql: `
CREATE TABLE leader_lease (
  name {{KEY}} PRIMARY KEY,
  holder TEXT,
  epoch INTEGER NOT NULL,
  acquired_at TEXT
);
INSERT INTO leader_lease (name, holder, epoch, acquired_at) VALUES ('jobs', NULL, 0, NULL);
ALTER TABLE outbox ADD COLUMN claim_epoch INTEGER
`,
};
