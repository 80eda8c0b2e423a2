// PostgreSQL through pg: the scale-out store. Same SQL as SQLite; `?` placeholders become $n.
import pg from 'pg';
import { commitListeners, redactUrl, type Database, type Param, type Row, type Sql } from './db.js';

// int8 (counts, sequence numbers) as JS numbers: they stay far below 2^53 here.
const types = {
  getTypeParser: (oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')),
};

/** Rewrites `?` placeholders to `$1, $2, ...`. Our SQL never has a literal `?` in a string. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const translated = new Map<string, string>();
function translate(sql: string): string {
  let out = translated.get(sql);
  if (out === undefined) {
    out = toPgPlaceholders(sql);
    if (translated.size > 2000) translated.clear();
    translated.set(sql, out);
  }
  return out;
}

function bind(params: readonly Param[]): unknown[] {
  return params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

class PgSql implements Sql {
  readonly dialect = 'postgres' as const;
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}

  async all<T = Row>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    const res = await this.client.query(translate(sql), bind(params));
    return res.rows as T[];
  }

  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    const res = await this.client.query(translate(sql), bind(params));
    return res.rowCount ?? 0;
  }
}

export function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const root = new PgSql(pool);
  const listeners = commitListeners();
  return {
    dialect: 'postgres',
    description: redactUrl(url),
    all: (sql, params) => root.all(sql, params),
    run: (sql, params) => root.run(sql, params),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx = new PgSql(client);
      let out: T;
      try {
        await client.query('BEGIN');
        out = await fn(tx);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        listeners.forget(tx);
        throw err;
      } finally {
        client.release();
      }
      // After the connection is back in the pool: a listener may start transactions of its own.
      await listeners.committed(tx);
      return out;
    },
    onCommit: (listener) => listeners.add(listener),
    async exec(script) {
      await pool.query(script);
    },
    async close() {
      await pool.end();
    },
  };
}
