// The outbox deliverer: every external effect of a state change (switching an identity off in
// PostgreSQL, Redis, RabbitMQ, a webhook…) was written to the outbox in the change's own
// transaction; this loop delivers it after commit, with retries and backoff. A delivery that
// keeps failing becomes a visible problem (status `failed`: API, CLI, metric), never a drop.
import { PermanentConnectorError, type Connector } from '../connectors/connector.js';
import { MandateError } from '../core/errors.js';
import { appendEvents } from '../events/log.js';
import type { Database } from '../store/db.js';

export interface OutboxRow {
  id: string;
  created_at: string;
  channel: string;
  action: 'disable' | 'enable' | 'notify';
  target: string;
  identity_id: string;
  transition_id: string | null;
  reason: string;
  status: 'pending' | 'in_flight' | 'delivered' | 'failed' | 'manual';
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  delivered_at: string | null;
  detail: string | null;
  payload: string | null;
}

export interface DelivererOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  /** How long a claimed delivery may run before another worker may take it over. */
  leaseMs?: number;
  batch?: number;
}

export function outboxDeliverer(db: Database, clock: () => Date, connectors: { get(name: string): Connector | undefined }, opts: DelivererOptions = {}) {
  const maxAttempts = opts.maxAttempts ?? 8;
  const baseDelay = opts.baseDelayMs ?? 500;
  const lease = opts.leaseMs ?? 60_000;
  const batch = opts.batch ?? 64;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;

  async function finish(row: OutboxRow, update: Partial<OutboxRow>, event: string, after: unknown): Promise<void> {
    const at = clock().toISOString();
    await db.transaction(async (tx) => {
      const sets = Object.keys(update).map((k) => `${k} = ?`).join(', ');
      await tx.run(`UPDATE outbox SET ${sets} WHERE id = ?`, [...(Object.values(update) as (string | number | null)[]), row.id]);
      await appendEvents(tx, at, [{ actor: 'mandate:outbox', action: event, subject: { type: 'identity', id: row.identity_id }, after, reason: `outbox ${row.id} (${row.channel} ${row.action} ${row.target})` }]);
    });
  }

  async function deliver(row: OutboxRow): Promise<void> {
    const connector = connectors.get(row.channel);
    const attempts = row.attempts + 1;
    if (row.channel === 'manual') {
      await finish(row, { status: 'manual', attempts }, 'connector.manual_task_opened', { action: row.action, target: row.target });
      return;
    }
    try {
      if (!connector) throw new PermanentConnectorError(`connector ${row.channel} is not configured on this server`);
      const result = await connector.apply({
        deliveryId: row.id, action: row.action, target: row.target, identityId: row.identity_id, reason: row.reason, decidedAt: row.created_at,
        ...(row.payload ? { payload: JSON.parse(row.payload) as Record<string, unknown> } : {}),
      });
      const detail = result.acknowledgement ? `${result.detail}; ack ${result.acknowledgement}` : result.detail;
      await finish(row, { status: 'delivered', attempts, delivered_at: clock().toISOString(), detail, last_error: null }, 'connector.delivered', { action: row.action, target: row.target, detail });
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
      if (err instanceof PermanentConnectorError || attempts >= maxAttempts) {
        await finish(row, { status: 'failed', attempts, last_error: message }, 'connector.failed', { action: row.action, target: row.target, error: message, attempts });
      } else {
        const delay = Math.min(5 * 60_000, baseDelay * 2 ** (attempts - 1));
        await db.run('UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?', ['pending', attempts, message, new Date(clock().getTime() + delay).toISOString(), row.id]);
      }
    }
  }

  /** Delivers what is due now; answers how many deliveries were attempted. */
  async function tick(): Promise<number> {
    const now = clock();
    const due = await db.all<OutboxRow>(
      "SELECT * FROM outbox WHERE status IN ('pending', 'in_flight') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
      [now.toISOString(), batch],
    );
    const claimed: OutboxRow[] = [];
    for (const row of due) {
      // Claim with a lease: another server on the same store skips it; a crashed worker's claim expires.
      const ok = await db.run('UPDATE outbox SET status = ?, next_attempt_at = ? WHERE id = ? AND status = ? AND next_attempt_at = ?', [
        'in_flight', new Date(now.getTime() + lease).toISOString(), row.id, row.status, row.next_attempt_at,
      ]);
      if (ok === 1) claimed.push(row);
    }
    await Promise.all(claimed.map(deliver));
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
        if (r.status !== 'failed') throw new MandateError('INVALID_TRANSITION', `delivery ${id} is ${r.status}; only failed deliveries are retried`);
        await tx.run("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ?", [at, id]);
        await appendEvents(tx, at, [{ actor, action: 'connector.retry_requested', subject: { type: 'identity', id: r.identity_id }, after: { outbox: id } }]);
        return { ...r, status: 'pending' as const, attempts: 0, next_attempt_at: at };
      });
      void this.drain().catch(() => undefined);
      return row;
    },
  };
}
export type OutboxDeliverer = ReturnType<typeof outboxDeliverer>;
