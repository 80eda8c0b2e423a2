// Shared Signals streams as the rest of the state sees them: which streams an identity's events go
// to (read by every change of stored power, in its transaction), and the outbox rows of one stream
// held while it is paused, released when it is enabled, dropped when it is disabled or deleted.
// The streams themselves are managed by src/ssf/; their SETs are delivered by src/delivery/ssf.ts.
import { eventsDelivered, type DefaultSubjects, type StreamStatus } from '../core/ssf.js';
import { noteQueued, type Sql } from '../store/db.js';
import type { StreamTarget } from './outbox.js';

export interface StreamRow {
  id: string;
  owner: string;
  aud: string;
  method: string;
  endpoint_url: string | null;
  sealed_authorization: string | null;
  events_requested: string;
  description: string | null;
  status: StreamStatus;
  /** ALL or NONE (migration 17); its exceptions are the stream's rows in ssf_stream_subjects. */
  default_subjects: DefaultSubjects;
  status_reason: string | null;
  verified_at: string | null;
  created_at: string;
  updated_at: string;
}

export async function getStream(sql: Sql, id: string): Promise<StreamRow | undefined> {
  const [row] = await sql.all<StreamRow>('SELECT * FROM ssf_streams WHERE id = ?', [id]);
  return row;
}

/**
 * The streams that take events now or hold them (enabled or paused), with what each takes: its
 * event types and its subjects (the identities removed from an ALL stream, added to a NONE one).
 */
export async function streamTargets(sql: Sql): Promise<StreamTarget[]> {
  const rows = await sql.all<Pick<StreamRow, 'id' | 'status' | 'events_requested' | 'default_subjects'>>(
    "SELECT id, status, events_requested, default_subjects FROM ssf_streams WHERE status <> 'disabled' ORDER BY id",
  );
  const exceptions = new Map<string, Set<string>>();
  for (const e of await sql.all<{ stream_id: string; identity_id: string }>(
    `SELECT s.stream_id, s.identity_id FROM ssf_stream_subjects s JOIN ssf_streams t ON t.id = s.stream_id
     WHERE t.status <> 'disabled' AND s.state = CASE WHEN t.default_subjects = 'NONE' THEN 'added' ELSE 'removed' END`,
  )) {
    const set = exceptions.get(e.stream_id) ?? new Set<string>();
    set.add(e.identity_id);
    exceptions.set(e.stream_id, set);
  }
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    events: eventsDelivered(JSON.parse(r.events_requested) as string[]),
    subjects: { defaultSubjects: r.default_subjects, exceptions: exceptions.get(r.id) ?? new Set() },
  }));
}

/**
 * Moves a stream's undelivered SETs with its status: paused holds what is pending; enabled
 * releases what is held, oldest first; disabled (or deleted) drops both. Answers how many moved.
 */
export async function moveStreamDeliveries(tx: Sql, streamId: string, to: StreamStatus | 'deleted', at: string): Promise<number> {
  const ids = async (statuses: string) =>
    (await tx.all<{ id: string }>(`SELECT id FROM outbox WHERE channel = 'ssf' AND target = ? AND status IN (${statuses})`, [streamId]))
      .length;
  if (to === 'paused') {
    const n = await ids("'pending'");
    await tx.run("UPDATE outbox SET status = 'held' WHERE channel = 'ssf' AND target = ? AND status = 'pending'", [streamId]);
    return n;
  }
  if (to === 'enabled') {
    const n = await ids("'held'");
    // Due at once, in the order they were made (the deliverer takes them by next_attempt_at).
    await tx.run(
      "UPDATE outbox SET status = 'pending', next_attempt_at = created_at WHERE channel = 'ssf' AND target = ? AND status = 'held'",
      [streamId],
    );
    if (n) noteQueued(tx, n);
    return n;
  }
  const n = await ids("'pending', 'held'");
  await tx.run(
    "UPDATE outbox SET status = 'dropped', last_error = ?, next_attempt_at = ? WHERE channel = 'ssf' AND target = ? AND status IN " +
      "('pending', 'held')",
    [`not sent: the stream is ${to}`, at, streamId],
  );
  await tx.run('DELETE FROM ssf_poll_sets WHERE stream_id = ?', [streamId]);
  return n;
}
