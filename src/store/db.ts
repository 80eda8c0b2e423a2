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

/**
 * What a committed write transaction did, as its writers noted it: the ledger actions it appended
 * and the outbox rows it queued. The one "committed" signal: the enforcement hub, the outbox
 * deliverer and the check scheduler subscribe to it (src/server/container.ts and jobs.ts), so no route or service has to
 * remember to tell them.
 */
/** An event a committed transaction appended, as its followers see it (metrics read `after`). */
export interface CommittedEvent {
  action: string;
  after?: unknown;
}
export interface Committed {
  actions: readonly string[];
  events: readonly CommittedEvent[];
  outbox: number;
}
export type CommitListener = (committed: Committed) => void | Promise<void>;

export interface Database extends Sql {
  /**
   * Runs fn in one transaction: everything it writes commits together or not at all. After a
   * commit that appended events or queued outbox rows, the commit listeners run (awaited, their
   * errors reported to them, never to the caller) before the promise resolves.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Subscribes to the committed signal; answers the unsubscribe function. */
  onCommit(listener: CommitListener): () => void;
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
  // PostgreSQL: 30,000 parameters a statement (its limit is 65,535); fewer, larger statements are
  // what make a 100,000-record import fast there. SQLite runs each statement on the event loop, so
  // there a statement stays short (3,000 parameters, about 256 KiB of text): between statements a
  // long transaction lets the server answer (store/sqlite.ts), and the per-statement cost is small.
  const sqlite = sql.dialect === 'sqlite';
  const perChunk = Math.max(1, Math.floor((sqlite ? 3_000 : 30_000) / columns.length));
  const maxChars = sqlite ? 256 * 1024 : Number.POSITIVE_INFINITY;
  const tuple = `(${columns.map(() => '?').join(',')})`;
  let params: Param[] = [];
  let n = 0;
  let chars = 0;
  const flush = async () => {
    await sql.run(
      `INSERT INTO ${table} (${columns.join(',')}) VALUES ${Array.from({ length: n }, () => tuple).join(',')} ${onConflict}`,
      params,
    );
    params = [];
    n = 0;
    chars = 0;
  };
  for (const r of rows) {
    for (const v of r) {
      params.push(v);
      if (typeof v === 'string') chars += v.length;
    }
    if (++n === perChunk || chars >= maxChars) await flush();
  }
  if (n > 0) await flush();
}

/** `?, ?, ?` for an IN list. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(',');
}

// What each open transaction did, noted by its writers (ledger/log.ts, state/outbox.ts) and read by
// the adapter once it commits. Keyed by the transaction's own Sql object, which lives as long as it.
const NOTES = new WeakMap<Sql, { events: CommittedEvent[]; outbox: number }>();
function notesOf(tx: Sql): { events: CommittedEvent[]; outbox: number } {
  let n = NOTES.get(tx);
  if (!n) NOTES.set(tx, (n = { events: [], outbox: 0 }));
  return n;
}
/** The ledger writer notes the events it appended in `tx` (the objects themselves: no copy). */
export function noteAppended(tx: Sql, events: readonly CommittedEvent[]): void {
  notesOf(tx).events.push(...events);
}
/** The outbox notes the rows it queued in `tx`. */
export function noteQueued(tx: Sql, rows: number): void {
  notesOf(tx).outbox += rows;
}

/**
 * For the adapters: the listeners of one database, and how to tell them what a committed
 * transaction did. A listener that throws is reported to `onError`; the others still run.
 */
export function commitListeners(onError: (err: unknown) => void = () => undefined) {
  const listeners = new Set<CommitListener>();
  return {
    add(listener: CommitListener): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async committed(tx: Sql): Promise<void> {
      const notes = NOTES.get(tx);
      NOTES.delete(tx);
      if (!notes || (notes.events.length === 0 && notes.outbox === 0) || listeners.size === 0) return;
      const c: Committed = { actions: notes.events.map((e) => e.action), events: notes.events, outbox: notes.outbox };
      for (const l of [...listeners]) {
        try {
          await l(c);
        } catch (err) {
          onError(err);
        }
      }
    },
    /** A rolled-back transaction did nothing. */
    forget(tx: Sql): void {
      NOTES.delete(tx);
    },
  };
}
