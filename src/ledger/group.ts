// Group commit for high-rate evidence (tokens issued, decisions taken): callers that arrive while
// a transaction is being written wait for the next one, and each transaction carries everyone
// who waited. One fsync then serves many callers, and each caller is answered only after its
// evidence is durable: an execute decision or a token is never handed out unrecorded.
import type { Database, Sql } from '../store/db.js';
import { appendEvents, lockAppends, type NewEvent } from './log.js';

export interface GroupItem<T> {
  /** Writes the item's own rows (if any) in the shared transaction; must not throw on expected conditions. */
  apply?: (tx: Sql) => Promise<T>;
  /** The item's events, or a function of what apply answered. */
  events: NewEvent[] | ((result: T) => NewEvent[]);
}

interface Pending<T> {
  item: GroupItem<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

/** At most this many event-loop turns of waiting for more callers before a batch is written. */
const MAX_TURNS = 8;
export function groupCommitter({ db, clock, maxBatch = 2000 }: { db: Database; clock: () => Date; maxBatch?: number }) {
  const queue: Pending<unknown>[] = [];
  let writing: Promise<void> | undefined;
  let scheduled = false;

  /**
   * One transaction for everyone queued. On PostgreSQL it first waits for the ledger's append lock
   * and only then takes the queue: with several servers on one database the lock is where a batch
   * waits (another server is committing), and every caller who arrived meanwhile rides along, so a
   * server's commits grow with the contention instead of each carrying the few queued before it.
   */
  async function writeBatch(): Promise<void> {
    let batch: Pending<unknown>[] = [];
    try {
      const results = await db.transaction(async (tx) => {
        await lockAppends(tx);
        batch = queue.splice(0, maxBatch);
        const at = clock().toISOString();
        const out: unknown[] = [];
        const events: NewEvent[] = [];
        for (const p of batch) {
          const r = p.item.apply ? await p.item.apply(tx) : undefined;
          out.push(r);
          events.push(...(typeof p.item.events === 'function' ? p.item.events(r) : p.item.events));
        }
        await appendEvents(tx, at, events);
        return out;
      });
      for (const [i, p] of batch.entries()) p.resolve(results[i]);
    } catch (err) {
      // A transaction that failed before it took the queue (the store unreachable) fails those queued.
      if (batch.length === 0) batch = queue.splice(0, maxBatch);
      for (const p of batch) p.reject(err);
    }
  }

  function schedule(): void {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    let seen = queue.length;
    let turns = 0;
    const turn = () => {
      // Callers still on their way (a signature check finishing on the thread pool, a request
      // parsed this turn) join while the queue keeps growing: one fsync then carries them too.
      // A quiet turn, a full batch or MAX_TURNS ends the wait.
      if (queue.length > seen && queue.length < maxBatch && ++turns < MAX_TURNS) {
        seen = queue.length;
        setImmediate(turn);
        return;
      }
      scheduled = false;
      pump();
    };
    setImmediate(turn);
  }

  function pump(): void {
    if (writing || queue.length === 0) return;
    writing = writeBatch().finally(() => {
      writing = undefined;
      schedule();
    });
  }

  return {
    submit<T>(item: GroupItem<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ item, resolve, reject } as Pending<unknown>);
        // setImmediate, not a microtask: requests already waiting on their sockets get parsed and
        // join this batch first. With better-sqlite3 a commit's fsync holds the event loop, so
        // without this each batch would carry one caller and throughput would be one fsync each.
        if (!writing) schedule();
      });
    },
    /** Waits until everything submitted so far is written. */
    async flush(): Promise<void> {
      while (writing || queue.length) {
        pump();
        await writing;
      }
    },
  };
}
export type GroupCommitter = ReturnType<typeof groupCommitter>;
