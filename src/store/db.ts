// The store's narrow contract. Queries are plain SQL in the subset SQLite and PostgreSQL share,
// with `?` placeholders; each adapter translates what little differs. A hand-written adapter
// rather than a query builder: the hot paths (bulk import, keyset pages) are tuned as SQL, and
// the SQLite adapter caches prepared statements, which the generic builders do not.

export type Dialect = 'sqlite' | 'postgres';
export type Param = string | number | boolean | null | undefined;
export type Row = Record<string, unknown>;

/** What a query can run against: the database itself, or an open transaction. */
export interface Sql {
  readonly dialect: Dialect;
  all<T = Row>(sql: string, params?: readonly Param[]): Promise<T[]>;
  /** Runs a statement and answers how many rows it changed. */
  run(sql: string, params?: readonly Param[]): Promise<number>;
}

export interface Database extends Sql {
  /** Runs fn in one transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
  /** A printable description without credentials. */
  readonly description: string;
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * Inserts rows in chunks of multi-row VALUES statements (bounded by the drivers' parameter limits).
 * Rows may be any iterable and are drawn a chunk at a time, so a caller can produce them lazily and
 * a bulk import never holds every row's parameters (100k documents) at once.
 */
export async function insertMany(
  sql: Sql,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly Param[]>,
  onConflict = '',
): Promise<void> {
  // 30,000 parameters a statement: inside SQLite's limit (32,766) and PostgreSQL's (65,535);
  // fewer, larger statements are what make a 100,000-record import fast on PostgreSQL.
  const perChunk = Math.max(1, Math.floor(30_000 / columns.length));
  const tuple = `(${columns.map(() => '?').join(',')})`;
  let params: Param[] = [];
  let n = 0;
  const flush = async () => {
    await sql.run(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${Array.from({ length: n }, () => tuple).join(',')} ${onConflict}`, params);
    params = [];
    n = 0;
  };
  for (const r of rows) {
    for (const v of r) params.push(v);
    if (++n === perChunk) await flush();
  }
  if (n > 0) await flush();
}

/** `?, ?, ?` for an IN list. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(',');
}
