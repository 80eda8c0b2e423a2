// Shared Signals transmitter (OpenID SSF 1.0): its metadata, the stream management API of §8.1
// (create, read, update, replace, delete, status, subjects, verification) and RFC 8936 polling. A receiver
// is a Mandate user holding ssf:manage (role ssf_receiver): it sees and manages the streams it
// created; holders of users:admin see every stream. Every change is written with its ledger event
// in one transaction; a push stream's Authorization header is sealed under the key-encryption key
// and never answered nor recorded. Which identity events reach which stream is decided where
// stored power changes (src/state/outbox.ts effectRows); src/delivery/ssf.ts delivers them.
import { randomBytes } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import {
  DELIVERY_METHODS,
  EVENTS_SUPPORTED,
  MAX_STREAM_SUBJECTS,
  MIN_VERIFICATION_INTERVAL_S,
  POLL,
  PUSH,
  eventsDelivered,
  parseSubject,
  type AddSubject,
  type DefaultSubjects,
  type Delivery,
  type PollRequest,
  type RemoveSubject,
  type StatusUpdate,
  type StreamCreate,
  type StreamStatus,
  type StreamUpdate,
  type SubjectState,
  type VerifyRequest,
} from '../core/ssf.js';
import { authorizationAad } from '../delivery/ssf.js';
import type { OutboundGuard } from '../http/outbound.js';
import { sealKey } from '../ledger/keys.js';
import { appendEvents } from '../ledger/log.js';
import { enqueue } from '../state/outbox.js';
import { getStream, moveStreamDeliveries, type StreamRow } from '../state/ssf-streams.js';
import { placeholders, type Database, type Sql } from '../store/db.js';

/** Who calls: the receiver's Mandate user; `all` when it may see every stream (an admin). */
export interface SsfCaller {
  user: string;
  all: boolean;
}

export interface StreamConfig {
  stream_id: string;
  iss: string;
  aud: string | string[];
  events_supported: string[];
  events_requested: string[];
  events_delivered: string[];
  delivery: { method: string; endpoint_url: string };
  min_verification_interval: number;
  description?: string;
  /** ALL or NONE: which identities the stream carries before subjects are added or removed (a Mandate extension). */
  default_subjects: DefaultSubjects;
}

export interface StreamStatusView {
  stream_id: string;
  status: StreamStatus;
  reason?: string;
}

export interface SsfDeps {
  db: Database;
  clock: () => Date;
  kek: Buffer;
  /** The transmitter's issuer: the iss of streams and SETs. */
  issuer: () => string;
  /** Push URLs are checked where they are registered (scheme, literal addresses, the allow-list). */
  guard: Pick<OutboundGuard, 'checkUrl'>;
  /** The longest a poll without returnImmediately waits for a SET (default 10 s). */
  pollWaitMs?: number;
}

/** The columns of a stream's configuration as its receiver sets it (create, update, replace). */
const CONFIG_COLUMNS = ['method', 'endpoint_url', 'sealed_authorization', 'events_requested', 'description', 'default_subjects'] as const;
const configValues = (row: StreamRow) => CONFIG_COLUMNS.map((c) => row[c]);

export function ssfService({ db, clock, kek, issuer, guard, pollWaitMs = 10_000 }: SsfDeps) {
  const base = () => issuer().replace(/\/$/, '');
  const waiting = new Map<string, Set<() => void>>();

  function view(row: StreamRow): StreamConfig {
    const requested = JSON.parse(row.events_requested) as string[];
    return {
      stream_id: row.id,
      iss: issuer(),
      aud: JSON.parse(row.aud) as string | string[],
      events_supported: [...EVENTS_SUPPORTED],
      events_requested: requested,
      events_delivered: eventsDelivered(requested),
      delivery: { method: row.method, endpoint_url: row.method === POLL ? `${base()}/v1/ssf/streams/${row.id}/poll` : row.endpoint_url! },
      min_verification_interval: MIN_VERIFICATION_INTERVAL_S,
      ...(row.description !== null ? { description: row.description } : {}),
      default_subjects: row.default_subjects,
    };
  }
  /** What the ledger records of a stream: its configuration, and whether an Authorization header is set (never its value). */
  const recorded = (row: StreamRow) => ({ ...view(row), status: row.status, authorization_header: row.sealed_authorization !== null });

  /** The caller's stream, or 404 (a stream of another receiver is not there for this one). */
  async function owned(sql: Sql, caller: SsfCaller, id: string): Promise<StreamRow> {
    const row = await getStream(sql, id);
    if (!row || (!caller.all && row.owner !== caller.user))
      throw new MandateError('NOT_FOUND', `no event stream ${id} for this receiver`, { field: 'stream_id' });
    return row;
  }

  /** The delivery columns of a receiver's delivery object, checked (400 with the field at fault). */
  function deliveryColumns(
    d: Delivery | undefined,
    streamId: string,
    keep?: StreamRow,
  ): Pick<StreamRow, 'method' | 'endpoint_url' | 'sealed_authorization'> {
    // SSF §8.1.1.1: no delivery means poll.
    const method = d?.method ?? POLL;
    if (!(DELIVERY_METHODS as readonly string[]).includes(method))
      throw new MandateError('VALIDATION_FAILED', `delivery method ${method} is not supported: use ${PUSH} (push) or ${POLL} (poll)`, {
        field: '/delivery/method',
      });
    if (method === POLL) {
      if (d?.authorization_header !== undefined)
        throw new MandateError(
          'VALIDATION_FAILED',
          'authorization_header is for push delivery; a poll receiver authenticates with its token',
          {
            field: '/delivery/authorization_header',
          },
        );
      // The poll URL is Mandate's (§6.1.2): one the receiver sends is ignored.
      return { method, endpoint_url: null, sealed_authorization: null };
    }
    const url = d?.endpoint_url;
    if (!url)
      throw new MandateError('VALIDATION_FAILED', 'push delivery needs the receiver endpoint_url', { field: '/delivery/endpoint_url' });
    try {
      const u = guard.checkUrl(url, 'ssf');
      if (u.username || u.password || u.hash) throw new Error('the URL carries credentials or a fragment');
    } catch (err) {
      throw new MandateError('VALIDATION_FAILED', `endpoint_url is refused: ${(err as Error).message}`, {
        field: '/delivery/endpoint_url',
      });
    }
    // An update that leaves the push target as it was keeps the header it does not repeat.
    const sameTarget = keep && keep.method === PUSH && keep.endpoint_url === url;
    const sealed =
      d?.authorization_header !== undefined
        ? sealKey(kek, authorizationAad(streamId), Buffer.from(d.authorization_header, 'utf8'))
        : sameTarget
          ? keep.sealed_authorization
          : null;
    return { method, endpoint_url: url, sealed_authorization: sealed };
  }

  /** Transmitter-supplied members echoed in an update must match (§8.1.1.3); they are otherwise ignored. */
  function checkEchoed(input: StreamUpdate, current: StreamConfig): void {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    for (const k of ['iss', 'aud', 'events_supported', 'events_delivered', 'min_verification_interval'] as const) {
      if (input[k] !== undefined && !same(input[k], current[k]))
        throw new MandateError('VALIDATION_FAILED', `${k} is the transmitter's and does not match the stream's`, { field: `/${k}` });
    }
  }

  async function write(row: StreamRow, sql: Sql): Promise<void> {
    await sql.run(`UPDATE ssf_streams SET ${CONFIG_COLUMNS.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`, [
      ...configValues(row),
      row.updated_at,
      row.id,
    ]);
  }

  async function update(actor: string, caller: SsfCaller, input: StreamUpdate, replace: boolean): Promise<StreamConfig> {
    const at = clock().toISOString();
    return db.transaction(async (tx) => {
      const current = await owned(tx, caller, input.stream_id);
      checkEchoed(input, view(current));
      const next: StreamRow = { ...current, updated_at: at };
      if (replace || input.delivery !== undefined)
        Object.assign(next, deliveryColumns(input.delivery, current.id, replace ? undefined : current));
      if (replace || input.events_requested !== undefined) next.events_requested = JSON.stringify(input.events_requested ?? []);
      if (replace || input.description !== undefined) next.description = input.description ?? null;
      if (replace || input.default_subjects !== undefined) next.default_subjects = input.default_subjects ?? 'ALL';
      await write(next, tx);
      // A poll stream that becomes a push stream delivers from now on; what waited in its queue goes.
      if (current.method === POLL && next.method !== POLL) await tx.run('DELETE FROM ssf_poll_sets WHERE stream_id = ?', [current.id]);
      await appendEvents(tx, at, [
        {
          actor,
          action: 'ssf.stream_updated',
          subject: { type: 'ssf_stream', id: current.id },
          before: recorded(current),
          after: recorded(next),
        },
      ]);
      return view(next);
    });
  }

  /**
   * SSF §8.1.3.2 and §8.1.3.3: records the receiver's word on one subject of its stream, with its
   * ledger event, in one transaction. A subject is named by the identity id it resolves to; whether
   * that identity exists is not asked, nor answered (§9.1: no probing).
   */
  async function subjectChange(actor: string, caller: SsfCaller, input: AddSubject | RemoveSubject, state: SubjectState): Promise<void> {
    const parsed = parseSubject(input.subject, issuer());
    if (!parsed.ok) throw new MandateError('VALIDATION_FAILED', parsed.message, { field: parsed.field });
    const verified = 'verified' in input && input.verified === false ? 0 : 1;
    const at = clock().toISOString();
    await db.transaction(async (tx) => {
      const row = await owned(tx, caller, input.stream_id);
      const [before] = await tx.all<{ state: SubjectState }>(
        'SELECT state FROM ssf_stream_subjects WHERE stream_id = ? AND identity_id = ?',
        [row.id, parsed.identity],
      );
      if (!before) {
        const counted = await tx.all<{ n: number }>('SELECT COUNT(*) AS n FROM ssf_stream_subjects WHERE stream_id = ?', [row.id]);
        if (Number(counted[0]?.n) >= MAX_STREAM_SUBJECTS)
          throw new MandateError('VALIDATION_FAILED', `stream ${row.id} names ${MAX_STREAM_SUBJECTS} subjects, the most one stream keeps`, {
            field: '/subject',
          });
      }
      await tx.run(
        `INSERT INTO ssf_stream_subjects (stream_id, identity_id, state, subject, verified, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (stream_id, identity_id) DO UPDATE SET state = excluded.state, subject = excluded.subject,
         verified = excluded.verified, updated_at = excluded.updated_at`,
        [row.id, parsed.identity, state, JSON.stringify(input.subject), verified, at],
      );
      await appendEvents(tx, at, [
        {
          actor,
          action: state === 'added' ? 'ssf.subject_added' : 'ssf.subject_removed',
          subject: { type: 'ssf_stream', id: row.id },
          before: { identity: parsed.identity, state: before?.state ?? null },
          after: {
            identity: parsed.identity,
            state,
            subject: input.subject,
            ...(state === 'added' ? { verified: verified === 1 } : {}),
            default_subjects: row.default_subjects,
          },
        },
      ]);
    });
  }

  function wake(streamId: string): void {
    for (const resolve of waiting.get(streamId) ?? []) resolve();
  }
  function wait(streamId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = waiting.get(streamId) ?? new Set();
      waiting.set(streamId, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) waiting.delete(streamId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  return {
    /** SSF 1.0 §7.1: the transmitter configuration metadata. */
    configuration() {
      const b = base();
      return {
        spec_version: '1_0',
        issuer: issuer(),
        jwks_uri: `${b}/.well-known/jwks.json`,
        delivery_methods_supported: [...DELIVERY_METHODS],
        configuration_endpoint: `${b}/v1/ssf/streams`,
        status_endpoint: `${b}/v1/ssf/status`,
        add_subject_endpoint: `${b}/v1/ssf/subjects/add`,
        remove_subject_endpoint: `${b}/v1/ssf/subjects/remove`,
        verification_endpoint: `${b}/v1/ssf/verify`,
        authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
        default_subjects: 'ALL',
      };
    },

    async create(actor: string, caller: SsfCaller, input: StreamCreate): Promise<StreamConfig> {
      const id = `ss_${randomBytes(12).toString('hex')}`;
      const at = clock().toISOString();
      const row: StreamRow = {
        id,
        owner: caller.user,
        // The receiver as Mandate knows it: its user (SSF §4.1.7: a value that identifies the receiver).
        aud: JSON.stringify(caller.user),
        ...deliveryColumns(input.delivery, id),
        events_requested: JSON.stringify(input.events_requested ?? []),
        description: input.description ?? null,
        default_subjects: input.default_subjects ?? 'ALL',
        status: 'enabled',
        status_reason: null,
        verified_at: null,
        created_at: at,
        updated_at: at,
      };
      await db.transaction(async (tx) => {
        await tx.run(
          `INSERT INTO ssf_streams (id, owner, aud, ${CONFIG_COLUMNS.join(', ')}, status, created_at, updated_at)
           VALUES (${placeholders(CONFIG_COLUMNS.length + 6)})`,
          [row.id, row.owner, row.aud, ...configValues(row), row.status, at, at],
        );
        await appendEvents(tx, at, [{ actor, action: 'ssf.stream_created', subject: { type: 'ssf_stream', id }, after: recorded(row) }]);
      });
      return view(row);
    },

    /** One stream, or every stream of the caller when no id is given (§8.1.1.2). */
    async read(caller: SsfCaller, id?: string): Promise<StreamConfig | StreamConfig[]> {
      if (id !== undefined) return view(await owned(db, caller, id));
      const rows = caller.all
        ? await db.all<StreamRow>('SELECT * FROM ssf_streams ORDER BY created_at, id')
        : await db.all<StreamRow>('SELECT * FROM ssf_streams WHERE owner = ? ORDER BY created_at, id', [caller.user]);
      return rows.map(view);
    },

    /** PATCH (§8.1.1.3): the receiver-supplied members present change; the others stay. */
    patch: (actor: string, caller: SsfCaller, input: StreamUpdate) => update(actor, caller, input, false),
    /** PUT (§8.1.1.4): every receiver-supplied member is as given; one left out is removed. */
    replace: (actor: string, caller: SsfCaller, input: StreamUpdate) => update(actor, caller, input, true),

    async remove(actor: string, caller: SsfCaller, id: string): Promise<void> {
      const at = clock().toISOString();
      await db.transaction(async (tx) => {
        const row = await owned(tx, caller, id);
        const dropped = await moveStreamDeliveries(tx, id, 'deleted', at);
        await tx.run('DELETE FROM ssf_stream_subjects WHERE stream_id = ?', [id]);
        await tx.run('DELETE FROM ssf_streams WHERE id = ?', [id]);
        await appendEvents(tx, at, [
          { actor, action: 'ssf.stream_deleted', subject: { type: 'ssf_stream', id }, before: recorded(row), after: { dropped } },
        ]);
      });
    },

    async status(caller: SsfCaller, id: string): Promise<StreamStatusView> {
      const row = await owned(db, caller, id);
      return { stream_id: row.id, status: row.status, ...(row.status_reason !== null ? { reason: row.status_reason } : {}) };
    },

    /** §8.1.2.2: paused holds the stream's SETs, enabled releases them, disabled drops them. */
    async setStatus(actor: string, caller: SsfCaller, input: StatusUpdate): Promise<StreamStatusView> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const row = await owned(tx, caller, input.stream_id);
        const reason = input.reason ?? null;
        await tx.run('UPDATE ssf_streams SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?', [
          input.status,
          reason,
          at,
          row.id,
        ]);
        const moved = row.status === input.status ? 0 : await moveStreamDeliveries(tx, row.id, input.status, at);
        await appendEvents(tx, at, [
          {
            actor,
            action: 'ssf.stream_status_changed',
            subject: { type: 'ssf_stream', id: row.id },
            before: { status: row.status, reason: row.status_reason },
            after: {
              status: input.status,
              reason,
              [input.status === 'enabled' ? 'released' : input.status === 'paused' ? 'held' : 'dropped']: moved,
            },
          },
        ]);
        return { stream_id: row.id, status: input.status, ...(reason !== null ? { reason } : {}) };
      });
    },

    /** §8.1.3.2: the subject's events go to the stream (on a NONE stream only added subjects' do). */
    addSubject: (actor: string, caller: SsfCaller, input: AddSubject) => subjectChange(actor, caller, input, 'added'),
    /** §8.1.3.3: the subject's events no longer go to the stream (SETs already queued still do). */
    removeSubject: (actor: string, caller: SsfCaller, input: RemoveSubject) => subjectChange(actor, caller, input, 'removed'),

    /** §8.1.4.2: a verification event with the receiver's state, through the stream's delivery. */
    async verify(actor: string, caller: SsfCaller, input: VerifyRequest): Promise<void> {
      const now = clock();
      const at = now.toISOString();
      await db.transaction(async (tx) => {
        const row = await owned(tx, caller, input.stream_id);
        if (row.status === 'disabled')
          throw new MandateError('VALIDATION_FAILED', `stream ${row.id} is disabled: enable it before asking for verification`, {
            field: 'stream_id',
          });
        if (row.verified_at && now.getTime() - Date.parse(row.verified_at) < MIN_VERIFICATION_INTERVAL_S * 1000)
          throw new MandateError(
            'RATE_LIMITED',
            `one verification every ${MIN_VERIFICATION_INTERVAL_S} s per stream (min_verification_interval); the last was at ` +
              `${row.verified_at}`,
          );
        await tx.run('UPDATE ssf_streams SET verified_at = ? WHERE id = ?', [at, row.id]);
        const id = `ob_verify_${row.id}_${randomBytes(6).toString('hex')}`;
        await enqueue(
          tx,
          [
            {
              id,
              channel: 'ssf',
              action: 'notify',
              target: row.id,
              // About the stream, not an identity (src/delivery/deliverer.ts records it so).
              identity: '',
              transition: null,
              reason: `verification requested by ${actor}`,
              payload: { event: 'verification', ...(input.state !== undefined ? { state: input.state } : {}) },
              ...(row.status === 'paused' ? { status: 'held' as const } : {}),
            },
          ],
          at,
        );
        await appendEvents(tx, at, [
          {
            actor,
            action: 'ssf.verification_requested',
            subject: { type: 'ssf_stream', id: row.id },
            after: { outbox: id, state: input.state !== undefined },
          },
        ]);
      });
    },

    /**
     * RFC 8936 §2.4: records the acknowledgements and errors the receiver sends (each SET named is
     * taken off the queue), then answers up to maxEvents SETs not yet acknowledged, oldest first.
     * Without returnImmediately, an empty queue is waited on up to pollWaitMs. A stream that is not
     * enabled answers none (paused: its SETs wait).
     */
    async poll(
      actor: string,
      caller: SsfCaller,
      streamId: string,
      input: PollRequest,
      signal?: AbortSignal,
    ): Promise<{ sets: Record<string, string>; moreAvailable?: boolean }> {
      const row = await owned(db, caller, streamId);
      if (row.method !== POLL)
        throw new MandateError('VALIDATION_FAILED', `stream ${streamId} is delivered by push, not polled`, { field: 'stream_id' });
      const ack = input.ack ?? [];
      const errs = Object.entries(input.setErrs ?? {});
      if (ack.length || errs.length) {
        const at = clock().toISOString();
        await db.transaction(async (tx) => {
          const named = [...ack, ...errs.map(([jti]) => jti)];
          const known = await tx.all<{ jti: string }>(
            `SELECT jti FROM ssf_poll_sets WHERE stream_id = ? AND jti IN (${placeholders(named.length)})`,
            [streamId, ...named],
          );
          if (known.length === 0) return;
          const have = new Set(known.map((k) => k.jti));
          await tx.run(`DELETE FROM ssf_poll_sets WHERE stream_id = ? AND jti IN (${placeholders(known.length)})`, [
            streamId,
            ...known.map((k) => k.jti),
          ]);
          await appendEvents(tx, at, [
            {
              actor,
              action: 'ssf.sets_acknowledged',
              subject: { type: 'ssf_stream', id: streamId },
              after: {
                acknowledged: ack.filter((j) => have.has(j)),
                errors: Object.fromEntries(errs.filter(([j]) => have.has(j)).map(([j, e]) => [j, e.err])),
              },
            },
          ]);
        });
      }
      const max = input.maxEvents ?? 100;
      if (max === 0) return { sets: {} };
      const read = async () => {
        const current = await getStream(db, streamId);
        if (current?.status !== 'enabled') return [];
        return db.all<{ jti: string; set_jwt: string }>('SELECT jti, set_jwt FROM ssf_poll_sets WHERE stream_id = ? ORDER BY seq LIMIT ?', [
          streamId,
          max + 1,
        ]);
      };
      let rows = await read();
      if (rows.length === 0 && input.returnImmediately !== true && !signal?.aborted) {
        await wait(streamId, pollWaitMs, signal);
        rows = await read();
      }
      const sets = Object.fromEntries(rows.slice(0, max).map((r) => [r.jti, r.set_jwt]));
      return { sets, ...(rows.length > max ? { moreAvailable: true } : {}) };
    },

    /** A poll stream's queue has a new SET (the ssf connector says so): a waiting poll answers. */
    queued: wake,
  };
}
export type SsfService = ReturnType<typeof ssfService>;
