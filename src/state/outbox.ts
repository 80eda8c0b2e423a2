// Writing to the outbox, inside the transaction of the change that causes the effect; and the one
// place that decides which effects an identity-state change has (connector action, CAEP events).
import type { CaepEvent } from '../delivery/caep.js';
import { CAEP_EVENTS, caepCredentialType, streamCarries, type SubjectFilter } from '../core/ssf.js';
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
  /** 'held': waits for its Shared Signals stream to be enabled again (default 'pending'). */
  status?: 'pending' | 'held';
}

export async function enqueue(tx: Sql, rows: readonly OutboxInsert[], at: string): Promise<void> {
  // The deliverer starts on them as soon as the transaction commits (the committed signal).
  const due = rows.filter((r) => r.status !== 'held').length;
  if (due) noteQueued(tx, due);
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
      r.status ?? 'pending',
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

/** A Shared Signals stream an identity's events may go to (src/state/ssf-streams.ts). */
export interface StreamTarget {
  id: string;
  status: 'enabled' | 'paused' | 'disabled';
  /** events_delivered: the event type URIs it takes. */
  events: readonly string[];
  /** The identities it carries (SSF default_subjects and added or removed subjects); none: all. */
  subjects?: SubjectFilter;
}

/**
 * The outbox rows for one identity-state change: its revocation connector, every CAEP receiver and
 * every Shared Signals stream that takes the event and the identity (held while the stream is
 * paused, none when it is disabled). A credential-change is sent only with a registered CAEP
 * credential_type; where the identity's credential has none, relying parties are told session-revoked.
 */
export function effectRows(e: IdentityEffect, receivers: readonly string[], streams: readonly StreamTarget[] = []): OutboxInsert[] {
  const rows: OutboxInsert[] = [];
  const credentialType = e.event === 'credential-change' ? caepCredentialType(e.identity.credential?.type) : undefined;
  const event = e.event === 'credential-change' && !credentialType ? 'session-revoked' : e.event;
  const payload = event && {
    event,
    ...(e.claims === undefined ? {} : { claims: e.claims }),
    ...(credentialType ? { credential_type: credentialType } : {}),
  };
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
  if (payload)
    for (const [n, target] of receivers.entries())
      rows.push({
        id: `ob_${e.key}_${e.identity.id}_caep${n}`,
        channel: 'caep',
        action: 'notify',
        target,
        identity: e.identity.id,
        transition: e.transition,
        reason: e.reason,
        payload,
      });
  if (payload)
    for (const stream of streams)
      if (
        stream.status !== 'disabled' &&
        stream.events.includes(CAEP_EVENTS[payload.event]) &&
        streamCarries(stream.subjects, e.identity.id)
      )
        rows.push({
          id: `ob_${e.key}_${e.identity.id}_ssf_${stream.id}`,
          channel: 'ssf',
          action: 'notify',
          target: stream.id,
          identity: e.identity.id,
          transition: e.transition,
          reason: e.reason,
          payload: { ...payload, txn: `${e.key}_${e.identity.id}` },
          ...(stream.status === 'paused' ? { status: 'held' as const } : {}),
        });
  return rows;
}
