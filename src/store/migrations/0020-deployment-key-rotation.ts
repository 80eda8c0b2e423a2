// Migration 20: what a deployment is bound to, and retired ledger keys. Released: it never
// changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 20,
  name: 'deployment facts, ledger key retirement',
  // deployment: facts recorded at the first start that every later start must match, or refuse
  // (src/state/deployment.ts): 'kek_fingerprint' (an HMAC under the KEK, never the key) and
  // 'ledger_origin'. ledger_keys.retired_at: set when a rotation replaces the key (the current
  // key is the one not retired), so the order of keys never depends on the clock.
  sql: `
CREATE TABLE deployment (
  name {{KEY}} PRIMARY KEY,
  value TEXT NOT NULL,
  set_at TEXT NOT NULL
);
ALTER TABLE ledger_keys ADD COLUMN retired_at TEXT
`,
};
