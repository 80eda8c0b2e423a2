// What one migration is. Each lives in its own file, NNNN-short-name.ts, where NNNN is its version;
// index.ts lists them in order and ../migrations.ts runs them.
import type { Sql } from '../db.js';

export interface Migration {
  version: number;
  /** Recorded in schema_migrations: it never changes once released. */
  name: string;
  /**
   * SQL for both dialects. `{{SERIAL}}` is each one's auto-incrementing 64-bit key; `{{KEY}}` is a
   * text key that sorts by code point on both (PostgreSQL's default collation would order ids
   * differently from SQLite, and keyset pages must match).
   */
  sql: string;
  /** Statements only PostgreSQL needs, run before `sql` (where SQLite already behaves as wanted). */
  postgres?: string;
  /** A data step after `sql`, in code where SQL would not compute the same on both stores. */
  data?: (tx: Sql) => Promise<void>;
}
