// Notifications to people's tools (chat, paging, ticketing): a signed webhook for every new
// approval request, every decision on one, and every expiry. They go through the outbox in the
// transaction of the change, so a notice is never lost nor sent for something that did not
// commit; the `notify` connector (a webhook connector, HMAC- or Ed25519-signed) delivers them.
import { randomBytes } from 'node:crypto';
import type { OutboxInsert } from './outbox.js';
import { enqueue } from './outbox.js';
import type { Sql } from '../store/db.js';

export const NOTIFY_CHANNEL = 'notify';

export interface Notice {
  /** e.g. approval.requested, approval.approved, grant.expired, break_glass.emergency_unsealed */
  type: string;
  subject: { type: string; id: string };
  /** The identity concerned, when there is one. */
  identity?: string;
  summary: string;
  detail?: Record<string, unknown>;
}

/** Writes one outbox row per receiver for this notice, in the caller's transaction. */
export async function notify(tx: Sql, receivers: readonly string[], notice: Notice, at: string): Promise<void> {
  if (receivers.length === 0) return;
  const key = randomBytes(6).toString('hex');
  const rows: OutboxInsert[] = receivers.map((target, n) => ({
    id: `nt_${notice.subject.id}_${key}_${n}`.slice(0, 128),
    channel: NOTIFY_CHANNEL,
    action: 'notify',
    target,
    identity: notice.identity ?? notice.subject.id,
    transition: null,
    reason: notice.summary.slice(0, 500),
    payload: {
      type: notice.type,
      subject: notice.subject,
      at,
      summary: notice.summary,
      ...(notice.detail ? { detail: notice.detail } : {}),
    },
  }));
  await enqueue(tx, rows, at);
}
