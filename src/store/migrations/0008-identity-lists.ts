// Migration 8: identity lists: sorts, search text, counts; events by type and action.
// Released: it never changes; a change is a new migration.
import { identitySearchText } from '../../core/model.js';
import { placeholders } from '../db.js';
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 8,
  name: 'identity lists: sorts, search, counts; events by type and action',
  // PostgreSQL compares text by the database's collation, SQLite by code point: sorted pages must
  // come in the same order on both, so the identity columns a list sorts on compare by code point
  // there too (as ids already do). Equality filters are unchanged by this.
  postgres: `
ALTER TABLE identities
  ALTER COLUMN kind TYPE TEXT COLLATE "C", ALTER COLUMN function TYPE TEXT COLLATE "C",
  ALTER COLUMN capability TYPE TEXT COLLATE "C", ALTER COLUMN owner TYPE TEXT COLLATE "C",
  ALTER COLUMN status TYPE TEXT COLLATE "C", ALTER COLUMN environment TYPE TEXT COLLATE "C",
  ALTER COLUMN updated_at TYPE TEXT COLLATE "C"
`,
  sql: `
-- What q searches (id, owner, purpose, lower-cased by the application: see identitySearchText).
-- No index serves a substring search: it reads this column of each row it considers.
ALTER TABLE identities ADD COLUMN search {{KEY}} NOT NULL DEFAULT '';
-- Each sort walks an index from the cursor on, so a deep page costs what the first does. Owners
-- sort as COALESCE(owner, '') (identities without one first, ascending), the same on both stores,
-- where a bare NULL sorts first on SQLite and last on PostgreSQL. Status and owner filters keep
-- their indexes from version 1.
CREATE INDEX identities_sort_owner ON identities ((COALESCE(owner, '')), id);
CREATE INDEX identities_kind ON identities (kind, id);
CREATE INDEX identities_function ON identities (function, id);
CREATE INDEX identities_capability ON identities (capability, id);
CREATE INDEX identities_environment ON identities (environment, id);
CREATE INDEX identities_updated ON identities (updated_at, id);
-- The inventory summary, and counts over these columns, read this index alone.
CREATE INDEX identities_facets ON identities (function, capability, status, kind, environment);
-- The log of one subject type, or of one action, a page at a time in either direction.
CREATE INDEX events_type_seq ON events (subject_type, seq);
CREATE INDEX events_action_seq ON events (action, seq);
`,
  data: async (tx) => {
    // Identities stored before this version get their search text, a chunk at a time.
    for (let after = ''; ; ) {
      const rows = await tx.all<{ id: string; doc: string }>('SELECT id, doc FROM identities WHERE id > ? ORDER BY id LIMIT 500', [after]);
      if (rows.length === 0) return;
      await tx.run(
        `UPDATE identities SET search = CASE id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (` +
          `${placeholders(rows.length)})`,
        [...rows.flatMap((r) => [r.id, identitySearchText(JSON.parse(r.doc) as { id: string })]), ...rows.map((r) => r.id)],
      );
      after = rows[rows.length - 1]!.id;
    }
  },
};
