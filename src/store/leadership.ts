// The leader lease in the store: the fencing token (leader_lease.epoch) every new leader increments,
// and the check leader-only writes make against it. The election itself (an advisory lock on a
// connection of its own) is src/server/leader.ts.
//
// What fencing guarantees. A leader-only transaction first share-locks the lease row and checks
// that its epoch is still the one this server was elected with; a new leader's increment of the
// epoch waits for that lock. So every write of an old epoch commits before the new epoch exists, or
// fails and rolls back: a leader that was paused (SIGSTOP), cut off or replaced writes nothing
// once another has taken over, however late it wakes. A transaction left open by a paused leader is
// ended by PostgreSQL after `idleMs` (idle_in_transaction_session_timeout), so it cannot hold a
// new leader back for longer than that.
//
// What it does not guarantee: effects outside the store. A connector call an old leader made (or
// had in flight when it was killed or paused) may have reached the system although its outcome was
// never recorded, and the new leader delivers it again. Deliveries are therefore at least once to
// the connector, with the outbox row's id as their idempotency key (connectors' disable and enable
// are idempotent), and exactly once in the ledger.
import { AsyncLocalStorage } from 'node:async_hooks';
import { MandateError } from '../core/errors.js';
import type { Sql } from './db.js';

/** The lease of the background jobs (migration 0019 creates its row). */
export const JOBS_LEASE = 'jobs';

/** What a leader-only write checks: the lease, the epoch it was elected with, and what to do when fenced off. */
export interface Fence {
  readonly name: string;
  readonly epoch: number;
  /** How long PostgreSQL lets a fenced transaction sit idle before it ends it (a paused leader). */
  readonly idleMs: number;
  /** Called when the check fails: this server is no longer the leader (it steps down). */
  onFenced?(current: number | undefined): void;
  /**
   * False once this server knows it lost the lease (its lock connection failed or it stepped
   * down), before any other server has taken the lease: it then writes nothing more either,
   * rather than racing the next leader's takeover.
   */
  held?(): boolean;
}

const checked = new WeakSet<Sql>();

/**
 * Throws (NOT_READY), and so rolls the caller's transaction back, unless `fence` still holds the
 * lease. On SQLite (one server, always leader) it checks nothing. Once per transaction.
 */
export async function fenced(tx: Sql, fence: Fence): Promise<void> {
  if (tx.dialect !== 'postgres' || checked.has(tx)) return;
  if (fence.held && !fence.held())
    throw new MandateError(
      'NOT_READY',
      `this server is no longer the leader of ${fence.name}: it stepped down (it was elected at epoch ${fence.epoch})`,
    );
  await tx.run(`SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1000, Math.floor(fence.idleMs))}`);
  // FOR SHARE, not FOR UPDATE: the leader's own jobs (a long cascade, an outbox batch) do not wait
  // for each other, while a new leader's UPDATE of the row still waits for all of them.
  const [row] = await tx.all<{ epoch: number }>('SELECT epoch FROM leader_lease WHERE name = ? FOR SHARE', [fence.name]);
  const current = row ? Number(row.epoch) : undefined;
  if (current !== fence.epoch) {
    fence.onFenced?.(current);
    throw new MandateError(
      'NOT_READY',
      `this server is no longer the leader of ${fence.name} (it was elected at epoch ${fence.epoch}; the lease is at ${current ?? 'none'})`,
    );
  }
  checked.add(tx);
}

/** Takes the lease: increments its epoch (the new fencing token) and answers it. */
export async function takeLease(sql: Sql, name: string, holder: string, at: string): Promise<number> {
  const [row] = await sql.all<{ epoch: number }>(
    'INSERT INTO leader_lease (name, holder, epoch, acquired_at) VALUES (?, ?, 1, ?) ON CONFLICT (name) DO UPDATE SET ' +
      'epoch = leader_lease.epoch + 1, holder = excluded.holder, acquired_at = excluded.acquired_at RETURNING epoch',
    [name, holder, at],
  );
  return Number(row!.epoch);
}

/** The lease as stored: who took it last, at which epoch. */
export async function readLease(
  sql: Sql,
  name = JOBS_LEASE,
): Promise<{ holder: string | null; epoch: number; acquired_at: string | null } | undefined> {
  const [row] = await sql.all<{ holder: string | null; epoch: number; acquired_at: string | null }>(
    'SELECT holder, epoch, acquired_at FROM leader_lease WHERE name = ?',
    [name],
  );
  return row ? { ...row, epoch: Number(row.epoch) } : undefined;
}

// Leader work in progress: the passes of the leader-only jobs run inside `asLeader`, and the
// PostgreSQL adapter fences every write transaction started within one (store/postgres.ts), so
// services that know nothing of leadership (applyDue, checkpoints, checks) are fenced where the
// scheduler runs them and not where a request does.
const work = new AsyncLocalStorage<Fence>();

/** Runs `fn` as leader work of `fence` (or unfenced, without one: SQLite, a lone server). */
export function asLeader<T>(fence: Fence | undefined, fn: () => Promise<T>): Promise<T> {
  return fence ? work.run(fence, fn) : fn();
}

/** The fence of the leader work the caller is part of, if any. */
export function activeFence(): Fence | undefined {
  return work.getStore();
}
