// The event log: every change to Mandate's state appends events here, in the same transaction as
// the change. Kept behind this one narrow interface because it becomes the tamper-evident ledger.
// Events hold records as they are stored, and records never hold secrets (credential metadata only;
// API tokens appear by id, never by value or hash).
import { leafHash } from './merkle.js';
import type { Param, Sql } from '../store/db.js';
import { insertMany, noteAppended } from '../store/db.js';
import { addSubtrees } from './tree.js';
import { leafText, type LeafFields } from './leaf.js';

export interface NewEvent {
  actor: string;
  action: string;
  subject: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  reason?: string;
}

export interface StoredEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: { type: string; id: string };
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** A stored event row: exactly the fields its ledger leaf is made of. */
type EventRow = LeafFields;

const COLUMNS = ['seq', 'at', 'actor', 'action', 'subject_type', 'subject_id', 'before_doc', 'after_doc', 'reason', 'leaf_hash'];

/**
 * Waits for the ledger's append lock (PostgreSQL; SQLite has one writer), held until this
 * transaction ends: appends are serialised until commit, so sequence order is commit order and the
 * tree never forks, even with several server processes on one database. Taken again by the same
 * transaction, it is already held.
 */
export async function lockAppends(tx: Sql): Promise<void> {
  if (tx.dialect === 'postgres') await tx.all("SELECT pg_advisory_xact_lock(hashtext('mandate.events'))");
}

/**
 * Appends events as ledger leaves: each gets the next sequence number (leaf index + 1, no gaps),
 * its leaf hash, and the subtree nodes it completes, all in the caller's transaction.
 */
export async function appendEvents(tx: Sql, at: string, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  // What the transaction appended, for the committed signal its subscribers follow (store/db.ts).
  noteAppended(tx, events);
  // One total order of events even with several server processes on one PostgreSQL.
  await lockAppends(tx);
  const [{ last } = { last: 0 }] = await tx.all<{ last: number | null }>('SELECT MAX(seq) AS last FROM events');
  const first = Number(last ?? 0) + 1;
  const leaves: Buffer[] = [];
  // Rows are produced as insertMany draws them, a chunk at a time, not all 100k at once.
  const rows = (function* (): Generator<Param[]> {
    for (const [i, e] of events.entries()) {
      const fields: LeafFields = {
        seq: first + i,
        at,
        actor: e.actor,
        action: e.action,
        subject_type: e.subject.type,
        subject_id: e.subject.id,
        before_doc: e.before === undefined ? null : JSON.stringify(e.before),
        after_doc: e.after === undefined ? null : JSON.stringify(e.after),
        reason: e.reason ?? null,
      };
      const hash = leafHash(leafText(fields));
      leaves.push(hash);
      yield [
        fields.seq,
        at,
        fields.actor,
        fields.action,
        fields.subject_type,
        fields.subject_id,
        fields.before_doc,
        fields.after_doc,
        fields.reason,
        hash.toString('hex'),
      ];
    }
  })();
  await insertMany(tx, 'events', COLUMNS, rows);
  await addSubtrees(tx, first - 1, leaves);
}

function toEvent(r: EventRow): StoredEvent {
  return {
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    action: r.action,
    subject: { type: r.subject_type, id: r.subject_id },
    before: r.before_doc === null ? null : JSON.parse(r.before_doc),
    after: r.after_doc === null ? null : JSON.parse(r.after_doc),
    reason: r.reason,
  };
}

/** Which events a page shows: any combination of subject type, subject id and action (exact matches). */
export interface EventFilter {
  subjectType?: string;
  subjectId?: string;
  action?: string;
}

/**
 * A page of the log, oldest first (newest first with `desc`), past a sequence number. Each filter
 * has an index that keeps seq order, so a page costs the same at any depth: (subject_id,
 * subject_type, seq) for one record, (action, seq) for an action (with a type or not), (subject_type,
 * seq) for a type.
 */
export async function findEvents(
  sql: Sql,
  filter: EventFilter,
  afterSeq: number | undefined,
  limit: number,
  desc = false,
): Promise<StoredEvent[]> {
  const where: string[] = [];
  const params: Param[] = [];
  // With a subject named, its few events are filtered by action rather than found through the
  // action's index (`|| ''` hides it): SQLite would otherwise walk every event of a common action
  // in seq order to find that subject's (82 ms for identity.created at 100k identities).
  const terms = [
    ['subject_id = ?', filter.subjectId],
    ['subject_type = ?', filter.subjectType],
    [filter.subjectId === undefined ? 'action = ?' : "action || '' = ?", filter.action],
  ] as const;
  for (const [term, value] of terms) {
    if (value === undefined) continue;
    where.push(term);
    params.push(value);
  }
  if (afterSeq !== undefined) {
    where.push(`seq ${desc ? '<' : '>'} ?`);
    params.push(afterSeq);
  }
  params.push(limit);
  const rows = await sql.all<EventRow>(
    `SELECT * FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq${desc ? ' DESC' : ''} LIMIT ?`,
    params,
  );
  return rows.map(toEvent);
}

/** Events about one record (of any type when none is named), oldest first, after a sequence number. */
export function eventsForSubject(sql: Sql, type: string | undefined, id: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  return findEvents(sql, { ...(type !== undefined ? { subjectType: type } : {}), subjectId: id }, afterSeq, limit);
}

/** The whole log in order, a page at a time. */
export function eventsAfter(sql: Sql, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  return findEvents(sql, {}, afterSeq, limit);
}

export async function countEvents(sql: Sql): Promise<number> {
  const [row] = await sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM events');
  return Number(row?.n ?? 0);
}

// Which actions only record evidence: a domain fact (core/event-kinds.ts), here for the ledger's callers.
export { isEvidenceOnly } from '../core/event-kinds.js';
