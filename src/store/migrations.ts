// Versioned schema migrations, run in order at start-up, the same steps on both stores. A
// migration never changes once released; a change is a new migration, in a file of its own under
// migrations/ (see migrations/index.ts).
import { MandateError } from '../core/errors.js';
import type { Database, Dialect } from './db.js';
import { MIGRATIONS } from './migrations/index.js';

export { MIGRATIONS, type Migration } from './migrations/index.js';

/** What `{{SERIAL}}` and `{{KEY}}` in a migration's SQL stand for on each store (see Migration). */
const SERIAL: Record<Dialect, string> = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  postgres: 'BIGSERIAL PRIMARY KEY',
};
const KEY: Record<Dialect, string> = { sqlite: 'TEXT', postgres: 'TEXT COLLATE "C"' };

export async function migrate(db: Database): Promise<number[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  return db.transaction(async (tx) => {
    // Several servers may start together on one PostgreSQL: one migrates, the others wait.
    if (tx.dialect === 'postgres') await tx.all("SELECT pg_advisory_xact_lock(hashtext('mandate.migrations'))");
    const done = new Set((await tx.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    // A store a newer Mandate migrated: this code does not know its schema, so it must not run on it.
    const newest = Math.max(0, ...done);
    const known = Math.max(...MIGRATIONS.map((m) => m.version));
    if (newest > known)
      throw new MandateError('VALIDATION_FAILED', `the store was migrated by a newer Mandate (${newest} > ${known}); upgrade this server`, {
        field: 'MANDATE_DB',
      });
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      const script = `${tx.dialect === 'postgres' ? (m.postgres ?? '') : ''};${m.sql}`;
      for (const stmt of script.replaceAll('{{SERIAL}}', SERIAL[tx.dialect]).replaceAll('{{KEY}}', KEY[tx.dialect]).split(';')) {
        if (stmt.trim()) await tx.run(stmt);
      }
      await m.data?.(tx);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
