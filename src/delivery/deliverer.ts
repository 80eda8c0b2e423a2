// The outbox deliverer: every external effect of a state change (switching an identity off in
// PostgreSQL, Redis, RabbitMQ, a webhook…) was written to the outbox in the change's own
// transaction; this loop delivers it after commit, with retries and backoff. A delivery that
// keeps failing becomes a visible problem (status `failed`: API, CLI, metric), never a drop.
import { PermanentConnectorError, type Connector } from './connectors/connector.js';
import { MandateError } from '../core/errors.js';
import { appendEvents } from '../ledger/log.js';
import { fenced, type Fence } from '../store/leadership.js';
import { placeholders, type Database } from '../store/db.js';

export interface OutboxRow {
  id: string;
  created_at: string;
  channel: string;
  action: 'disable' | 'enable' | 'notify';
  target: string;
  identity_id: string;
  transition_id: string | null;
  reason: string;
  /** held: waits for its Shared Signals stream to be enabled; dropped: its stream was disabled or deleted. */
  status: 'pending' | 'in_flight' | 'delivered' | 'failed' | 'manual' | 'held' | 'dropped';
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  delivered_at: string | null;
  detail: string | null;
  payload: string | null;
  /** When discovery read the system after this delivery (src/discovery/verify.ts). */
  verified_at?: string | null;
  /** The leader epoch that claimed it (in flight), on PostgreSQL with several servers. */
  claim_epoch?: number | null;
}

export interface DelivererOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  /** How long a claimed delivery may run before another worker may take it over. */
  leaseMs?: number;
  batch?: number;
}

export interface DelivererDeps extends DelivererOptions {
  db: Database;
  clock: () => Date;
  /** Revocation connectors by name. */
  connectors: { get(name: string): Connector | undefined };
  /**
   * Only the leader delivers (server/leader.ts); without this, every caller does (one server). Its
   * fence, on PostgreSQL, is checked in the claim and in the recording of outcomes.
   */
  leader?: { readonly isLeader: boolean; fence(): Fence | undefined };
}

export function outboxDeliverer({ db, clock, connectors, leader, ...opts }: DelivererDeps) {
  const maxAttempts = opts.maxAttempts ?? 8;
  const baseDelay = opts.baseDelayMs ?? 500;
  const lease = opts.leaseMs ?? 60_000;
  const batch = opts.batch ?? 64;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  /** The epoch whose predecessors' in-flight deliveries were taken over already. */
  let tookOverFor: number | undefined;

  /** What one attempt decided: the row's new columns, and the evidence event when it is final. */
  interface Outcome {
    row: OutboxRow;
    update: Partial<OutboxRow>;
    event?: { action: string; after: unknown };
  }

  /** Calls the connector; writes nothing (the batch's outcomes are recorded together). */
  async function attempt(row: OutboxRow): Promise<Outcome> {
    const connector = connectors.get(row.channel);
    const attempts = row.attempts + 1;
    if (row.channel === 'manual')
      return {
        row,
        update: { status: 'manual', attempts },
        event: { action: 'connector.manual_task_opened', after: { action: row.action, target: row.target } },
      };
    try {
      if (!connector) throw new PermanentConnectorError(`connector ${row.channel} is not configured on this server`);
      const result = await connector.apply({
        deliveryId: row.id,
        action: row.action,
        target: row.target,
        identityId: row.identity_id,
        reason: row.reason,
        decidedAt: row.created_at,
        ...(row.payload ? { payload: JSON.parse(row.payload) as Record<string, unknown> } : {}),
      });
      const detail = result.acknowledgement ? `${result.detail}; ack ${result.acknowledgement}` : result.detail;
      return {
        row,
        update: { status: 'delivered', attempts, delivered_at: clock().toISOString(), detail, last_error: null },
        event: { action: 'connector.delivered', after: { action: row.action, target: row.target, detail } },
      };
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
      if (err instanceof PermanentConnectorError || attempts >= maxAttempts)
        return {
          row,
          update: { status: 'failed', attempts, last_error: message },
          event: { action: 'connector.failed', after: { action: row.action, target: row.target, error: message, attempts } },
        };
      const delay = Math.min(5 * 60_000, baseDelay * 2 ** (attempts - 1));
      return {
        row,
        update: { status: 'pending', attempts, last_error: message, next_attempt_at: new Date(clock().getTime() + delay).toISOString() },
      };
    }
  }

  /**
   * Delivers what is due now; answers how many deliveries were attempted. A batch is claimed in one
   * transaction (a lease: another server skips it, a crashed worker's claim expires), delivered
   * concurrently, and its outcomes and evidence events are recorded in one more: two commits per
   * batch rather than two per delivery. A crash before the second commit re-delivers the batch
   * when the lease expires, which connectors allow (they are idempotent).
   *
   * Under a leader (several servers), both commits are fenced: a leader that was replaced (killed,
   * paused, cut off) claims nothing more and records no outcome, so no delivery is recorded twice
   * in the ledger. A new leader first takes over the deliveries in flight under an older epoch at
   * once, not after their 60 s lease: their leader is gone or fenced. What is not guaranteed: a
   * connector call the old leader had made, or had in flight when it died or paused, may have
   * reached the system, and is made again by the new leader (at least once to the connector, the
   * outbox id as its idempotency key; exactly once in the ledger).
   */
  async function tick(): Promise<number> {
    if (leader && !leader.isLeader) return 0;
    const fence = leader?.fence();
    const now = clock();
    const claimed = await db.transaction(async (tx) => {
      if (fence) {
        await fenced(tx, fence);
        if (tookOverFor !== fence.epoch)
          await tx.run("UPDATE outbox SET next_attempt_at = ? WHERE status = 'in_flight' AND claim_epoch < ?", [
            now.toISOString(),
            fence.epoch,
          ]);
      }
      const due = await tx.all<OutboxRow>(
        "SELECT * FROM outbox WHERE status IN ('pending', 'in_flight') AND " +
          `next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?${tx.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : ''}`,
        [now.toISOString(), batch],
      );
      if (due.length)
        await tx.run(
          `UPDATE outbox SET status = 'in_flight', next_attempt_at = ?, claim_epoch = ? WHERE id IN (${placeholders(due.length)})`,
          [new Date(now.getTime() + lease).toISOString(), fence?.epoch ?? null, ...due.map((r) => r.id)],
        );
      return due;
    });
    if (fence) tookOverFor = fence.epoch;
    if (claimed.length === 0) return 0;
    const outcomes = await Promise.all(claimed.map(attempt));
    const at = clock().toISOString();
    await db.transaction(async (tx) => {
      if (fence) await fenced(tx, fence);
      for (const { row, update } of outcomes) {
        const sets = Object.keys(update)
          .map((k) => `${k} = ?`)
          .join(', ');
        await tx.run(`UPDATE outbox SET ${sets} WHERE id = ?`, [...(Object.values(update) as (string | number | null)[]), row.id]);
      }
      await appendEvents(
        tx,
        at,
        outcomes
          .filter((o) => o.event)
          .map(({ row, event }) => ({
            actor: 'mandate:outbox',
            action: event!.action,
            // A delivery about no identity (a Shared Signals verification event) is about its stream.
            subject: row.identity_id ? { type: 'identity', id: row.identity_id } : { type: 'ssf_stream', id: row.target },
            after: event!.after,
            reason: `outbox ${row.id} (${row.channel} ${row.action} ${row.target})`,
          })),
      );
    });
    return claimed.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    do {
      again = false;
      let n: number;
      do {
        n = await tick();
        total += n;
      } while (n > 0);
    } while (again);
    return total;
  }

  return {
    tick,
    /** Runs until nothing is due; a wake during the run makes it look again. */
    drain(): Promise<number> {
      if (running) {
        again = true;
        return running;
      }
      running = drain().finally(() => (running = undefined));
      return running;
    },
    start(intervalMs = 1000): void {
      timer = setInterval(() => void this.drain().catch(() => undefined), intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
    async list(status: string | undefined, limit: number): Promise<OutboxRow[]> {
      return status
        ? db.all<OutboxRow>('SELECT * FROM outbox WHERE status = ? ORDER BY created_at DESC, id LIMIT ?', [status, limit])
        : db.all<OutboxRow>('SELECT * FROM outbox ORDER BY created_at DESC, id LIMIT ?', [limit]);
    },
    async counts(): Promise<Record<string, number>> {
      const rows = await db.all<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status');
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
    async retry(actor: string, id: string): Promise<OutboxRow> {
      const at = clock().toISOString();
      const row = await db.transaction(async (tx) => {
        const [r] = await tx.all<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [id]);
        if (!r) throw new MandateError('NOT_FOUND', `no outbox delivery with id ${id}`);
        if (r.status !== 'failed')
          throw new MandateError('INVALID_TRANSITION', `delivery ${id} is ${r.status}; only failed deliveries are retried`);
        await tx.run("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ?", [at, id]);
        await appendEvents(tx, at, [
          {
            actor,
            action: 'connector.retry_requested',
            subject: r.identity_id ? { type: 'identity', id: r.identity_id } : { type: 'ssf_stream', id: r.target },
            after: { outbox: id },
          },
        ]);
        return { ...r, status: 'pending' as const, attempts: 0, next_attempt_at: at };
      });
      void this.drain().catch(() => undefined);
      return row;
    },
  };
}
export type OutboxDeliverer = ReturnType<typeof outboxDeliverer>;
