// Writing to the outbox, inside the transaction of the change that causes the effect; and the one
// place that decides which effects an identity-state change has (connector action, CAEP events).
import type { CaepEvent } from '../delivery/caep.js';
import type { Identity } from '../core/model.js';
import { insertMany, noteQueued, type Sql } from '../store/db.js';

export interface OutboxInsert {
  id: string;
  channel: string;
  action: 'disable' | 'enable' | 'notify';
  target: string;
  identity: string;
  transition: string | null;
  reason: string;
  payload?: Record<string, unknown>;
}

export async function enqueue(tx: Sql, rows: readonly OutboxInsert[], at: string): Promise<void> {
  // The deliverer starts on them as soon as the transaction commits (the committed signal).
  if (rows.length) noteQueued(tx, rows.length);
  await insertMany(
    tx,
    'outbox',
    [
      'id',
      'created_at',
      'channel',
      'action',
      'target',
      'identity_id',
      'transition_id',
      'reason',
      'status',
      'attempts',
      'next_attempt_at',
      'payload',
    ],
    rows.map((r) => [
      r.id,
      at,
      r.channel,
      r.action,
      r.target,
      r.identity,
      r.transition,
      r.reason,
      'pending',
      0,
      at,
      r.payload ? JSON.stringify(r.payload) : null,
    ]),
    'ON CONFLICT (id) DO NOTHING',
  );
}

export interface IdentityEffect {
  identity: Identity;
  /** Switch the identity off or on where its credential lives. */
  connector: 'disable' | 'enable' | null;
  /** What relying parties are told. */
  event: CaepEvent | null;
  claims?: unknown;
  /** Stable per cause, so a retried transaction cannot enqueue twice. */
  key: string;
  transition: string | null;
  reason: string;
}

/** The outbox rows for one identity-state change: its revocation connector and every CAEP receiver. */
export function effectRows(e: IdentityEffect, receivers: readonly string[]): OutboxInsert[] {
  const rows: OutboxInsert[] = [];
  if (e.connector && e.identity.revocation)
    rows.push({
      id: `ob_${e.key}_${e.identity.id}_${e.connector}`,
      channel: e.identity.revocation.connector,
      action: e.connector,
      target: e.identity.revocation.target,
      identity: e.identity.id,
      transition: e.transition,
      reason: e.reason,
    });
  if (e.event)
    receivers.forEach((target, n) =>
      rows.push({
        id: `ob_${e.key}_${e.identity.id}_caep${n}`,
        channel: 'caep',
        action: 'notify',
        target,
        identity: e.identity.id,
        transition: e.transition,
        reason: e.reason,
        payload: { event: e.event, ...(e.claims === undefined ? {} : { claims: e.claims }) },
      }),
    );
  return rows;
}
