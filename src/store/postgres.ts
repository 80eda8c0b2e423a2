// PostgreSQL through pg: the scale-out store. Same SQL as SQLite; `?` placeholders become $n.
// Servers sharing it hear of each other's commits by NOTIFY (server/changes.ts listens), and
// leader-only work is fenced here (store/leadership.ts).
import pg from 'pg';
import { isEvidenceOnly } from '../core/event-kinds.js';
import { activeFence, fenced } from './leadership.js';
import { commitListeners, redactUrl, type Committed, type Database, type Param, type Row, type Sql } from './db.js';

/** The channel commits are announced on. */
export const CHANGES_CHANNEL = 'mandate_changes';

/**
 * What a notification says: the log's last sequence number after the commit, the distinct actions
 * it appended (null: unknown, anything may have changed) and how many deliveries it queued. The
 * payload is `<seq> <json of {actions, outbox}>`.
 */
export interface ChangeNotice {
  seq: number | null;
  actions: string[] | null;
  outbox: number;
}

export function parseChangeNotice(payload: string | undefined): ChangeNotice {
  const text = payload ?? '';
  const space = text.indexOf(' ');
  const seq = Number(space < 0 ? text : text.slice(0, space));
  try {
    const body = JSON.parse(space < 0 ? '{}' : text.slice(space + 1)) as { actions?: unknown; outbox?: unknown };
    const actions = Array.isArray(body.actions) ? body.actions.filter((a): a is string => typeof a === 'string') : null;
    return { seq: Number.isFinite(seq) && seq > 0 ? seq : null, actions, outbox: Number(body.outbox) || 0 };
  } catch {
    return { seq: Number.isFinite(seq) && seq > 0 ? seq : null, actions: null, outbox: 0 };
  }
}

/** The payload announcing a commit, or undefined for one that only recorded evidence (decisions, tokens). */
function noticeOf({ actions, outbox }: Committed): string | undefined {
  const changed = [...new Set(actions.filter((a) => !isEvidenceOnly(a)))];
  if (changed.length === 0 && outbox === 0) return undefined;
  const body = JSON.stringify({ actions: changed, outbox });
  // NOTIFY payloads stop at 8000 bytes: a commit of very many kinds of action says "anything".
  return body.length > 7000 ? JSON.stringify({ actions: null, outbox }) : body;
}

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
  // First of the commit listeners, so other servers hear of a commit before this one's own
  // followers (its hub, its outbox) have run. After the commit, not in it: a crash in between loses
  // the notification, which the other servers' safety poll makes up for.
  listeners.add(async (c) => {
    const body = noticeOf(c);
    if (body === undefined) return;
    await pool
      .query(`SELECT pg_notify('${CHANGES_CHANNEL}', (SELECT COALESCE(MAX(seq), 0) FROM events)::text || ' ' || $1::text)`, [body])
      .catch(() => undefined);
  });
  /** Leader work writes only in fenced transactions (store/leadership.ts: asLeader). */
  const writes = (sql: string) => !/^\s*select\b/i.test(sql);
  const db: Database = {
    dialect: 'postgres',
    description: redactUrl(url),
    all: (sql, params) => (activeFence() && writes(sql) ? db.transaction((tx) => tx.all(sql, params)) : root.all(sql, params)),
    run: (sql, params) => (activeFence() ? db.transaction((tx) => tx.run(sql, params)) : root.run(sql, params)),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx = new PgSql(client);
      // A connection that fails while checked out (the server ended the session: a restart,
      // pg_terminate_backend, the idle-in-transaction timeout of a fenced transaction) fails this
      // transaction's next query rather than the process; it is destroyed, not pooled again.
      let broken: Error | undefined;
      const onError = (err: Error) => void (broken = err);
      client.on('error', onError);
      let out: T;
      try {
        await client.query('BEGIN');
        const fence = activeFence();
        if (fence) await fenced(tx, fence);
        out = await fn(tx);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        listeners.forget(tx);
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
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
  return db;
}
