// Migration 3: the ledger's Merkle tree: leaf hashes on events, subtree nodes, signed checkpoints and their keys.
// Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
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
};
