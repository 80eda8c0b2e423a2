// People's sign-in sessions: made at sign-in, checked on every request, ended by sign-out, an
// administrator, a timeout or the provider. A session's secret (the cookie, or the CLI's bearer
// token) and its CSRF token are stored only as SHA-256 digests; the provider's refresh token and
// ID token only sealed under the server's key-encryption key (AES-256-GCM, the session id as
// associated data), and dropped when the session ends.
//
// The check on every request is a digest and a map lookup: a session's row is read from the store
// at most once a second per process (so an end on another replica is seen within a second), and
// its last use written at most once a minute (the idle timeout counts from it).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import type { Role } from '../core/roles.js';
import type { DevicePosture } from '../core/session-facts.js';
import { sessionState, type SessionLimits } from '../core/signin.js';
import { openKey, sealKey } from '../ledger/keys.js';
import { appendEvents } from '../ledger/log.js';
import type { Database, Sql } from '../store/db.js';

export const SESSION_PREFIX = 'mds_';
const SECRET = /^mds_[A-Za-z0-9_-]{43}$/;

export type SessionClient = 'browser' | 'cli';

/** A session as anyone may see it: no secret, no token. */
export interface SessionView {
  id: string;
  user: string;
  issuer: string;
  subject: string;
  client: SessionClient;
  amr: string[];
  acr: string | null;
  auth_time: string | null;
  /** The device's posture from the provider's claim at sign-in, step-up or refresh (MANDATE_OIDC_DEVICE_CLAIM); unknown without one. */
  device_posture: DevicePosture;
  created_at: string;
  last_seen_at: string;
  idle_expires_at: string;
  expires_at: string;
  refreshed_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
}

/** Who calls with a session: the user, their roles now, and the session's facts (for step-up, evidence). */
export interface SessionPrincipal {
  user: string;
  roles: Role[];
  /** The session's id, where an API token's id would be (rate limits, actor). */
  token: string;
  session: SessionView;
}

export interface NewSession {
  userId: string;
  issuer: string;
  subject: string;
  client: SessionClient;
  amr: readonly string[];
  acr: string | null;
  authTime: string | null;
  /** From the provider's device claim (unknown when absent). */
  devicePosture?: DevicePosture;
  refreshToken: string | undefined;
  idToken: string | undefined;
  refreshDueAt: string | null;
}

/** A session's row as the store holds it (its secrets' columns aside). */
type SessionRow = Omit<SessionView, 'user' | 'amr' | 'device_posture'> & { user_id: string; amr: string; device_posture: string | null };

const VIEW_COLUMNS =
  'id, user_id, issuer, subject, client, amr, acr, auth_time, created_at, last_seen_at, idle_expires_at, expires_at, refreshed_at, ' +
  'ended_at, end_reason, device_posture';

const POSTURES: readonly string[] = ['compliant', 'non_compliant', 'unknown'];

export const digest = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');
export const newSecret = (prefix = '') => prefix + randomBytes(32).toString('base64url');

export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Seals a secret of a session or a pending sign-in under the KEK, bound to its row and purpose. */
export const seal = (kek: Buffer, aad: string, plain: string) => sealKey(kek, aad, Buffer.from(plain, 'utf8'));
export const unseal = (kek: Buffer, aad: string, sealed: string) => openKey(kek, aad, sealed).toString('utf8');

export function toView(r: SessionRow): SessionView {
  return {
    id: r.id,
    user: r.user_id,
    issuer: r.issuer,
    subject: r.subject,
    client: r.client,
    amr: JSON.parse(r.amr) as string[],
    acr: r.acr,
    auth_time: r.auth_time,
    device_posture: r.device_posture !== null && POSTURES.includes(r.device_posture) ? (r.device_posture as DevicePosture) : 'unknown',
    created_at: r.created_at,
    last_seen_at: r.last_seen_at,
    idle_expires_at: r.idle_expires_at,
    expires_at: r.expires_at,
    refreshed_at: r.refreshed_at,
    ended_at: r.ended_at,
    end_reason: r.end_reason,
  };
}

interface Cached {
  readAt: number;
  view: SessionView;
  roles: Role[];
  active: boolean;
  createdAt: number;
  lastSeenAt: number;
  ended: boolean;
  csrfHash: string;
}

export interface SessionStoreOptions {
  db: Database;
  clock: () => Date;
  kek: Buffer;
  limits: SessionLimits;
  /** How long a session's row is trusted from memory (default 1 s). */
  cacheMs?: number;
  /** How often a session's last use is written (default 60 s). */
  touchEveryMs?: number;
}

export type EndReason =
  | 'signed_out'
  | 'ended_by_admin'
  | 'provider_refused'
  | 'roles_revoked'
  | 'idle_timeout'
  | 'absolute_timeout'
  | 'user_disabled';

export function sessionStore(deps: SessionStoreOptions) {
  const { db, clock, kek, limits } = deps;
  const cacheMs = deps.cacheMs ?? 1000;
  const touchEveryMs = deps.touchEveryMs ?? 60_000;
  const cache = new Map<string, Cached>();
  const hashOf = new Map<string, string>();
  const MAX_CACHED = 20_000;

  function forget(sessionId: string): void {
    const h = hashOf.get(sessionId);
    if (h) cache.delete(h);
    hashOf.delete(sessionId);
  }

  /** Drops a user's sessions from memory (their roles changed: every session has the roles of now). */
  function forgetUser(userId: string): void {
    for (const [h, entry] of cache) {
      if (entry.view.user !== userId) continue;
      cache.delete(h);
      hashOf.delete(entry.view.id);
    }
  }

  async function read(hash: string, now: number): Promise<Cached | undefined> {
    const [row] = await db.all<SessionRow & { csrf_hash: string; roles: string; status: string }>(
      `SELECT s.${VIEW_COLUMNS.split(', ').join(', s.')}, s.csrf_hash, u.roles, u.status
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_hash = ?`,
      [hash],
    );
    if (!row) return undefined;
    const entry: Cached = {
      readAt: now,
      view: toView(row),
      roles: JSON.parse(row.roles) as Role[],
      active: row.status === 'active',
      createdAt: Date.parse(row.created_at),
      lastSeenAt: Date.parse(row.last_seen_at),
      ended: row.ended_at !== null,
      csrfHash: row.csrf_hash,
    };
    if (cache.size >= MAX_CACHED) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(hash, entry);
    hashOf.set(row.id, hash);
    return entry;
  }

  /** Ends a session's row: its provider tokens go with it. */
  const markEnded = (tx: Sql, id: string, iso: string, reason: EndReason) =>
    tx.run(
      `UPDATE sessions SET ended_at = ?, end_reason = ?, refresh_due_at = NULL, sealed_refresh_token = NULL, sealed_id_token = NULL
      WHERE id = ? AND ended_at IS NULL`,
      [iso, reason, id],
    );

  function ending(r: SessionRow, at: string, reason: EndReason, actor: string, text: string) {
    return {
      actor,
      action: 'session.ended',
      subject: { type: 'session', id: r.id },
      before: { ended_at: null },
      after: { user_id: r.user_id, ended_at: at, end_reason: reason },
      reason: text,
    };
  }

  return {
    /** Writes a new session in `tx` (the caller appends its event). Answers the secret and CSRF token, once. */
    async create(tx: Sql, at: Date, s: NewSession): Promise<{ view: SessionView; secret: string; csrf: string }> {
      const id = `ses_${randomBytes(12).toString('base64url')}`;
      const secret = newSecret(SESSION_PREFIX);
      const csrf = newSecret();
      const iso = at.toISOString();
      const expires = new Date(at.getTime() + limits.maxMs).toISOString();
      const idle = new Date(Math.min(at.getTime() + limits.idleMs, at.getTime() + limits.maxMs)).toISOString();
      await tx.run(
        `INSERT INTO sessions (id, secret_hash, csrf_hash, user_id, issuer, subject, client, amr, acr, auth_time, created_at, last_seen_at,
           idle_expires_at, expires_at, refreshed_at, refresh_due_at, sealed_refresh_token, sealed_id_token, device_posture)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
        [
          id,
          digest(secret),
          digest(csrf),
          s.userId,
          s.issuer,
          s.subject,
          s.client,
          JSON.stringify(s.amr),
          s.acr,
          s.authTime,
          iso,
          iso,
          idle,
          expires,
          s.refreshDueAt,
          s.refreshToken ? seal(kek, `${id}:refresh`, s.refreshToken) : null,
          s.idToken ? seal(kek, `${id}:id_token`, s.idToken) : null,
          s.devicePosture ?? 'unknown',
        ],
      );
      const view: SessionView = {
        id,
        user: s.userId,
        issuer: s.issuer,
        subject: s.subject,
        client: s.client,
        amr: [...s.amr],
        acr: s.acr,
        auth_time: s.authTime,
        device_posture: s.devicePosture ?? 'unknown',
        created_at: iso,
        last_seen_at: iso,
        idle_expires_at: idle,
        expires_at: expires,
        refreshed_at: null,
        ended_at: null,
        end_reason: null,
      };
      return { view, secret, csrf };
    },

    /**
     * The principal behind a session secret, or undefined for an unknown, ended or timed-out session
     * or a disabled user. With `csrf`, the CSRF token must be the session's own.
     */
    async authenticate(secret: string, csrf?: string): Promise<SessionPrincipal | undefined> {
      if (!SECRET.test(secret)) return undefined;
      const hash = digest(secret);
      const now = clock().getTime();
      let entry = cache.get(hash);
      if (!entry || now - entry.readAt >= cacheMs || now < entry.readAt) entry = await read(hash, now);
      if (!entry || entry.ended || !entry.active) return undefined;
      if (csrf !== undefined && !sameDigest(digest(csrf), entry.csrfHash)) return undefined;
      const state = sessionState({ createdAt: entry.createdAt, lastSeenAt: entry.lastSeenAt }, now, limits);
      if (!state.valid) return undefined;
      if (now - entry.lastSeenAt >= touchEveryMs) {
        const seen = new Date(now).toISOString();
        const idle = new Date(Math.min(now + limits.idleMs, state.expiresAt)).toISOString();
        await db.run('UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id = ? AND ended_at IS NULL', [
          seen,
          idle,
          entry.view.id,
        ]);
        entry.lastSeenAt = now;
        entry.view = { ...entry.view, last_seen_at: seen, idle_expires_at: idle };
      }
      return { user: entry.view.user, roles: entry.roles, token: entry.view.id, session: entry.view };
    },

    /** Drops a session from this process's memory (it is read from the store at its next use). */
    forget,
    forgetUser,

    /**
     * A session for the decision point (issue 18 item 6), read from the store as it is now: by its
     * secret (an enforcement point was given it) or its id (the caller's own session). Answers who
     * it is and the session, or why it is not active: unknown, ended, timed out, a disabled user.
     * Asking does not count as using the session (its idle timeout is not pushed back).
     */
    async inspect(which: { secret: string } | { id: string }): Promise<SessionPrincipal | { inactive: string; session?: string }> {
      if ('secret' in which && !SECRET.test(which.secret)) return { inactive: 'not a session secret' };
      const [row] = await db.all<SessionRow & { roles: string; status: string }>(
        `SELECT s.${VIEW_COLUMNS.split(', ').join(', s.')}, u.roles, u.status
           FROM sessions s JOIN users u ON u.id = s.user_id WHERE ${'secret' in which ? 's.secret_hash' : 's.id'} = ?`,
        ['secret' in which ? digest(which.secret) : which.id],
      );
      if (!row) return { inactive: 'no such session' };
      if (row.ended_at !== null) return { inactive: `the session ended (${row.end_reason ?? 'ended'})`, session: row.id };
      if (row.status !== 'active') return { inactive: `user ${row.user_id} is disabled`, session: row.id };
      const state = sessionState(
        { createdAt: Date.parse(row.created_at), lastSeenAt: Date.parse(row.last_seen_at) },
        clock().getTime(),
        limits,
      );
      if (!state.valid) return { inactive: `the session timed out (${state.reason})`, session: row.id };
      const view = toView(row);
      return { user: view.user, roles: JSON.parse(row.roles) as Role[], token: view.id, session: view };
    },

    async get(sql: Sql, id: string): Promise<SessionView | undefined> {
      const [row] = await sql.all<SessionRow>(`SELECT ${VIEW_COLUMNS} FROM sessions WHERE id = ?`, [id]);
      return row ? toView(row) : undefined;
    },

    /** A user's sessions, open ones first, newest first. */
    async list(filter: { user?: string; open?: boolean }, limit = 200): Promise<SessionView[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.user !== undefined) {
        where.push('user_id = ?');
        params.push(filter.user);
      }
      if (filter.open) where.push('ended_at IS NULL');
      params.push(limit);
      const rows = await db.all<SessionRow>(
        `SELECT ${VIEW_COLUMNS} FROM sessions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`,
        params,
      );
      return rows.map(toView);
    },

    /** The provider tokens of an open session, unsealed (for refresh and logout). */
    async tokens(sql: Sql, id: string): Promise<{ refreshToken?: string; idToken?: string } | undefined> {
      const [row] = await sql.all<{ sealed_refresh_token: string | null; sealed_id_token: string | null; ended_at: string | null }>(
        'SELECT sealed_refresh_token, sealed_id_token, ended_at FROM sessions WHERE id = ?',
        [id],
      );
      if (!row || row.ended_at) return undefined;
      return {
        ...(row.sealed_refresh_token ? { refreshToken: unseal(kek, `${id}:refresh`, row.sealed_refresh_token) } : {}),
        ...(row.sealed_id_token ? { idToken: unseal(kek, `${id}:id_token`, row.sealed_id_token) } : {}),
      };
    },

    /** After a refresh: the provider's new tokens (sealed), and when to refresh next. */
    async refreshed(
      tx: Sql,
      id: string,
      at: string,
      t: { refreshToken?: string; idToken?: string; refreshDueAt: string | null; devicePosture?: DevicePosture },
    ): Promise<void> {
      await tx.run(
        `UPDATE sessions SET refreshed_at = ?, refresh_due_at = ?,
           sealed_refresh_token = COALESCE(?, sealed_refresh_token), sealed_id_token = COALESCE(?, sealed_id_token),
           device_posture = COALESCE(?, device_posture)
         WHERE id = ? AND ended_at IS NULL`,
        [
          at,
          t.refreshDueAt,
          t.refreshToken ? seal(kek, `${id}:refresh`, t.refreshToken) : null,
          t.idToken ? seal(kek, `${id}:id_token`, t.idToken) : null,
          t.devicePosture ?? null,
          id,
        ],
      );
      forget(id);
    },

    /** Postpones a refresh that could not reach the provider. */
    async postpone(id: string, until: string): Promise<void> {
      await db.run('UPDATE sessions SET refresh_due_at = ? WHERE id = ? AND ended_at IS NULL', [until, id]);
    },

    /**
     * Ends open sessions in `tx` (those named, or all of a user's), with a session.ended event each;
     * answers the ended sessions' refresh tokens, to revoke at the provider after commit.
     */
    async end(
      tx: Sql,
      at: Date,
      which: { id: string } | { user: string },
      reason: EndReason,
      actor: string,
      text: string,
    ): Promise<{ ended: SessionView[]; refreshTokens: string[] }> {
      const rows = await tx.all<SessionRow & { sealed_refresh_token: string | null }>(
        `SELECT ${VIEW_COLUMNS}, sealed_refresh_token FROM sessions
          WHERE ${'id' in which ? 'id = ?' : 'user_id = ?'} AND ended_at IS NULL ORDER BY id`,
        ['id' in which ? which.id : which.user],
      );
      const iso = at.toISOString();
      const refreshTokens: string[] = [];
      for (const r of rows) {
        await markEnded(tx, r.id, iso, reason);
        if (r.sealed_refresh_token) refreshTokens.push(unseal(kek, `${r.id}:refresh`, r.sealed_refresh_token));
      }
      await appendEvents(
        tx,
        iso,
        rows.map((r) => ending(r, iso, reason, actor, text)),
      );
      for (const r of rows) forget(r.id);
      return { ended: rows.map((r) => ({ ...toView(r), ended_at: iso, end_reason: reason })), refreshTokens };
    },

    /** Ends the sessions past their idle or absolute timeout (a session.ended event each); answers how many. */
    async sweep(limit = 500): Promise<number> {
      const now = clock();
      const iso = now.toISOString();
      const rows = await db.all<SessionRow>(
        `SELECT ${VIEW_COLUMNS} FROM sessions
          WHERE ended_at IS NULL AND (idle_expires_at <= ? OR expires_at <= ?) ORDER BY idle_expires_at LIMIT ?`,
        [iso, iso, limit],
      );
      let n = 0;
      for (const r of rows) {
        const state = sessionState({ createdAt: Date.parse(r.created_at), lastSeenAt: Date.parse(r.last_seen_at) }, now.getTime(), limits);
        if (state.valid) continue;
        const reason = state.reason === 'absolute_timeout' ? 'absolute_timeout' : 'idle_timeout';
        n += await db.transaction(async (tx) => {
          const changed = await markEnded(tx, r.id, iso, reason);
          if (changed)
            await appendEvents(tx, iso, [
              ending(
                r,
                iso,
                reason,
                'mandate',
                reason === 'idle_timeout' ? 'not used for longer than the idle timeout' : 'reached its maximum age',
              ),
            ]);
          return changed;
        });
        forget(r.id);
      }
      return n;
    },

    /** Sessions whose refresh is due (open and not past their timeouts). */
    async dueForRefresh(limit: number): Promise<string[]> {
      const iso = clock().toISOString();
      const rows = await db.all<{ id: string }>(
        `SELECT id FROM sessions WHERE refresh_due_at IS NOT NULL AND refresh_due_at <= ? AND ended_at IS NULL AND expires_at > ?
          ORDER BY refresh_due_at LIMIT ?`,
        [iso, iso, limit],
      );
      return rows.map((r) => r.id);
    },
  };
}
export type SessionStore = ReturnType<typeof sessionStore>;

/** A session that is not there, for the routes. */
export const noSession = (id: string) => new MandateError('NOT_FOUND', `no session with id ${id}`);
