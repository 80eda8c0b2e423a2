// Opens the store a URL names: the embedded SQLite file, or PostgreSQL. The adapters are loaded
// on demand, so a server on one store never loads the other's driver. Apart from db.ts (the
// contract every adapter implements) so the adapters do not import their own factory.
import type { Database } from './db.js';
import { redactUrl } from './db.js';

export async function openDatabase(url: string): Promise<Database> {
  if (url.startsWith('sqlite:')) {
    const { openSqlite } = await import('./sqlite.js');
    return openSqlite(url.slice('sqlite:'.length));
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(url);
  }
  throw new Error(`unsupported database URL (expected sqlite:PATH or postgres://...): ${redactUrl(url)}`);
}
