// SQLite through better-sqlite3: the embedded default store. WAL journal; one writer connection
// whose transactions are serialised by a queue (better-sqlite3 is synchronous, our transactions
// are not), and a second connection for reads outside transactions, which WAL lets see the last
// committed state while a write is in progress.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { commitListeners, type Database, type Param, type Row, type Sql } from './db.js';
import { privateDir, privateFile, restrictFiles } from './files.js';

type Conn = BetterSqlite3.Database;

/** How long a transaction works on the event loop before it lets other work take a turn. */
const BREATHE_MS = 10;

function bind(params: readonly Param[]): unknown[] {
  return params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

class Connection implements Sql {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  constructor(readonly conn: Conn) {}

  private prepare(sql: string): BetterSqlite3.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.conn.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, st);
    }
    return st;
  }

  async all<T = Row>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    const st = this.prepare(sql);
    if (st.reader) return st.all(...bind(params)) as T[];
    st.run(...bind(params));
    return [];
  }

  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    return this.prepare(sql).run(...bind(params)).changes;
  }
}

export function openSqlite(path: string): Database {
  const memory = path === ':memory:' || path === '';
  // The database is made 0600 in a 0700 directory before SQLite opens it: SQLite gives the -wal
  // and -shm files the database's mode, and would make the database 0644 under a usual umask.
  if (!memory) privateDir(dirname(path));
  if (!memory && !existsSync(path)) {
    try {
      privateFile(path, '', 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const writer = new BetterSqlite3(memory ? ':memory:' : path);
  writer.pragma('journal_mode = WAL');
  if (!memory) restrictFiles(path, `${path}-wal`, `${path}-shm`);
  // FULL: every commit is synced before it is acknowledged, so an acknowledged change and its
  // event survive a power cut. Bulk work stays fast because it commits once per transaction.
  writer.pragma('synchronous = FULL');
  writer.pragma('foreign_keys = ON');
  // A 16 MiB page cache (the default is 2 MiB): bulk writes touch many index pages. Larger
  // caches measured no faster here and cost their size in resident memory per connection.
  writer.pragma('cache_size = -16384');
  writer.pragma('temp_store = MEMORY');
  writer.pragma('busy_timeout = 5000');
  const reader = memory ? writer : new BetterSqlite3(path, { readonly: false });
  if (!memory) reader.pragma('busy_timeout = 5000');
  const w = new Connection(writer);
  const r = memory ? w : new Connection(reader);
  let queue: Promise<unknown> = Promise.resolve();
  const listeners = commitListeners();

  return {
    dialect: 'sqlite',
    description: memory ? 'sqlite::memory:' : `sqlite:${path}`,
    all: (sql, params) => r.all(sql, params),
    run: (sql, params) => {
      // A write outside an explicit transaction still waits its turn behind open transactions.
      const next = queue.then(() => w.run(sql, params));
      queue = next.then(
        () => undefined,
        () => undefined,
      );
      return next;
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      // better-sqlite3 runs each statement on the event loop, so a long transaction (a 20,000-identity
      // cascade, an import) would hold the whole server for its length. Between statements it gives the
      // loop a turn once BREATHE_MS of work has passed: health checks, reads (on the reader connection,
      // which sees only committed state) and decisions that write nothing answer meanwhile; writes
      // still wait their turn in the queue, and the transaction commits (fsynced) as one. Not for an
      // in-memory database, whose reads share the writer connection and would see uncommitted rows.
      let since = performance.now();
      const breathe = async (): Promise<void> => {
        if (memory || performance.now() - since < BREATHE_MS) return;
        await new Promise<void>((resolve) => setImmediate(resolve));
        since = performance.now();
      };
      // Each transaction has its own Sql object (over the one writer), so what it did is its own.
      const tx: Sql = {
        dialect: 'sqlite',
        all: async (sql, params) => {
          await breathe();
          return w.all(sql, params);
        },
        run: async (sql, params) => {
          await breathe();
          return w.run(sql, params);
        },
      };
      const next = queue.then(async () => {
        since = performance.now();
        writer.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(tx);
          writer.exec('COMMIT');
          return out;
        } catch (err) {
          if (writer.inTransaction) writer.exec('ROLLBACK');
          listeners.forget(tx);
          throw err;
        }
      });
      queue = next.then(
        () => undefined,
        () => undefined,
      );
      const out = await next;
      // Outside the write queue: a listener may start transactions of its own.
      await listeners.committed(tx);
      return out;
    },
    onCommit: (listener) => listeners.add(listener),
    async exec(script) {
      writer.exec(script);
    },
    async close() {
      await queue;
      if (reader !== writer) reader.close();
      writer.close();
    },
  };
}
