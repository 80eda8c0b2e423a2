// Users, their roles and their API tokens: who may call the control plane, and as what.
import { Type, type Static } from '@sinclair/typebox';
import { MandateError } from '../core/errors.js';
import { Enum, Id, Name } from '../core/model.js';
import { ROLES, type Role } from '../core/roles.js';
import { appendEvents } from '../ledger/log.js';
import type { Database } from '../store/db.js';
import { checkBootstrapToken, hashToken, newToken, newTokenId } from './tokens.js';

export const NewUser = Type.Object(
  {
    id: Id,
    name: Name,
    roles: Type.Array(Enum(ROLES), { minItems: 1, maxItems: ROLES.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type NewUser = Static<typeof NewUser>;

export const NewToken = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    expires_in_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 400 * 24 * 3600 })),
  },
  { additionalProperties: false },
);
export type NewToken = Static<typeof NewToken>;

/** A person's own token: expires by default (TokenPolicy); never_expires only where the configuration allows it. */
export const OwnToken = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    expires_in_seconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 400 * 24 * 3600, description: 'default and at most MANDATE_API_TOKEN_MAX_DAYS (90 days)' }),
    ),
    never_expires: Type.Optional(Type.Boolean({ description: 'only where MANDATE_API_TOKEN_ALLOW_NO_EXPIRY=true' })),
  },
  { additionalProperties: false },
);
export type OwnToken = Static<typeof OwnToken>;

export interface User {
  id: string;
  name: string;
  roles: Role[];
  status: 'active' | 'disabled';
  created_at: string;
  updated_at: string;
}

/** A person (signed in, or the bootstrap administrator) or an API client (automation, never a voter). */
export type UserKind = 'person' | 'api_client';

/** The user the first start creates; its token is only for configuring single sign-on. */
export const BOOTSTRAP_ADMIN = 'admin';

/** How long a person's own API token may live (MANDATE_API_TOKEN_MAX_DAYS, MANDATE_API_TOKEN_ALLOW_NO_EXPIRY). */
export interface TokenPolicy {
  maxDays: number;
  allowNoExpiry: boolean;
}
export const DEFAULT_TOKEN_POLICY: TokenPolicy = { maxDays: 90, allowNoExpiry: false };

/** Who asks for an API token: the caller's user, and whether they are signed in (a session). */
export interface TokenCaller {
  user: string;
  kind?: UserKind;
  signedIn: boolean;
}

export interface TokenInfo {
  id: string;
  user_id: string;
  label: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** Who is calling: the user behind a valid token. */
export interface Principal {
  user: string;
  roles: Role[];
  token: string;
  kind: UserKind;
}

interface UserRow {
  id: string;
  name: string;
  roles: string;
  status: 'active' | 'disabled';
  created_at: string;
  updated_at: string;
  kind?: string;
}

const toUser = ({ kind: _kind, ...r }: UserRow): User => ({ ...r, roles: JSON.parse(r.roles) as Role[] });

export interface UsersDeps {
  db: Database;
  clock: () => Date;
  /** A person's own API tokens (default 90 days at most, never without expiry). */
  tokenPolicy?: TokenPolicy;
  /**
   * How long the first-start admin token lives: the server passes MANDATE_BOOTSTRAP_TTL_HOURS (24 by
   * default); an app built without it (tests that move their clocks by days) makes one that does not expire.
   */
  bootstrapTtlHours?: number;
}

export function usersService({ db, clock, tokenPolicy = DEFAULT_TOKEN_POLICY, bootstrapTtlHours }: UsersDeps) {
  async function getUser(id: string): Promise<User | undefined> {
    const [row] = await db.all<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
    return row ? toUser(row) : undefined;
  }

  return {
    getUser,

    async listUsers(): Promise<User[]> {
      return (await db.all<UserRow>('SELECT * FROM users ORDER BY id')).map(toUser);
    },

    async createUser(actor: string, input: NewUser): Promise<User> {
      const at = clock().toISOString();
      const user: User = { id: input.id, name: input.name, roles: input.roles, status: 'active', created_at: at, updated_at: at };
      return db.transaction(async (tx) => {
        const [exists] = await tx.all('SELECT id FROM users WHERE id = ?', [input.id]);
        if (exists) throw new MandateError('ALREADY_EXISTS', `user ${input.id} already exists`, { field: '/id' });
        await tx.run('INSERT INTO users (id, name, roles, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
          user.id,
          user.name,
          JSON.stringify(user.roles),
          user.status,
          at,
          at,
        ]);
        await appendEvents(tx, at, [
          {
            actor,
            action: 'user.created',
            subject: { type: 'user', id: user.id },
            after: { id: user.id, name: user.name, roles: user.roles },
          },
        ]);
        return user;
      });
    },

    /** Issues a token for a user. The token itself is in the answer and nowhere else, ever. */
    async createToken(actor: string, userId: string, input: NewToken, presetToken?: string): Promise<TokenInfo & { token: string }> {
      const now = clock();
      const token = presetToken ?? newToken();
      const info: TokenInfo = {
        id: newTokenId(),
        user_id: userId,
        label: input.label ?? null,
        created_at: now.toISOString(),
        expires_at: input.expires_in_seconds ? new Date(now.getTime() + input.expires_in_seconds * 1000).toISOString() : null,
        revoked_at: null,
      };
      await db.transaction(async (tx) => {
        const [user] = await tx.all('SELECT id FROM users WHERE id = ?', [userId]);
        if (!user) throw new MandateError('NOT_FOUND', `no user with id ${userId}`);
        await tx.run('INSERT INTO api_tokens (id, user_id, hash, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
          info.id,
          userId,
          hashToken(token),
          info.label,
          info.created_at,
          info.expires_at,
        ]);
        await appendEvents(tx, info.created_at, [
          {
            actor,
            action: 'token.created',
            subject: { type: 'token', id: info.id },
            after: { id: info.id, user_id: userId, label: info.label, expires_at: info.expires_at },
          },
        ]);
      });
      return { ...info, token };
    },

    /**
     * A person's own API token (POST /v1/users/{id}/tokens): only for the caller's own user, and only
     * when they are signed in (the bootstrap administrator, who cannot sign in, for itself). An
     * administrator can no longer make a token for someone else: that was a way around four eyes.
     * It expires after tokenPolicy.maxDays at most (the default); never-expiring only where allowed.
     */
    async createOwnToken(caller: TokenCaller, userId: string, input: OwnToken): Promise<TokenInfo & { token: string }> {
      if (caller.user !== userId)
        throw new MandateError(
          'FORBIDDEN',
          `an API token is made by its own person, signed in: you are ${caller.user}, not ${userId}` +
            ' (automation gets an API client: POST /v1/api-clients)',
          { field: 'path:id' },
        );
      if (caller.kind === 'api_client')
        throw new MandateError('FORBIDDEN', 'an API client gets its tokens from an administrator (POST /v1/api-clients/{id}/tokens)', {
          field: 'path:id',
        });
      if (!caller.signedIn && userId !== BOOTSTRAP_ADMIN)
        throw new MandateError('FORBIDDEN', 'sign in through the identity provider to make yourself an API token (GET /v1/signin)', {
          field: 'Authorization',
        });
      const maxS = Math.round(tokenPolicy.maxDays * 86_400);
      const { never_expires, ...rest } = input;
      if (never_expires) {
        if (!tokenPolicy.allowNoExpiry)
          throw new MandateError(
            'VALIDATION_FAILED',
            `a person's API token expires (at most ${tokenPolicy.maxDays} days); MANDATE_API_TOKEN_ALLOW_NO_EXPIRY=true allows never`,
            { field: '/never_expires' },
          );
        if (rest.expires_in_seconds !== undefined)
          throw new MandateError('VALIDATION_FAILED', 'give expires_in_seconds or never_expires, not both', { field: '/never_expires' });
        return this.createToken(`user:${caller.user}`, userId, rest);
      }
      if (rest.expires_in_seconds !== undefined && rest.expires_in_seconds > maxS)
        throw new MandateError(
          'VALIDATION_FAILED',
          `a person's API token lives at most ${tokenPolicy.maxDays} days (${maxS} s; MANDATE_API_TOKEN_MAX_DAYS)`,
          { field: '/expires_in_seconds' },
        );
      return this.createToken(`user:${caller.user}`, userId, { ...rest, expires_in_seconds: rest.expires_in_seconds ?? maxS });
    },

    async listTokens(userId: string): Promise<TokenInfo[]> {
      return db.all<TokenInfo>(
        'SELECT id, user_id, label, created_at, expires_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY created_at, id',
        [userId],
      );
    },

    async revokeToken(actor: string, tokenId: string, reason?: string): Promise<TokenInfo> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const [row] = await tx.all<TokenInfo>(
          'SELECT id, user_id, label, created_at, expires_at, revoked_at FROM api_tokens WHERE id = ?',
          [tokenId],
        );
        if (!row) throw new MandateError('NOT_FOUND', `no token with id ${tokenId}`);
        if (row.revoked_at) return row;
        await tx.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ?', [at, tokenId]);
        await appendEvents(tx, at, [
          {
            actor,
            action: 'token.revoked',
            subject: { type: 'token', id: tokenId },
            before: { revoked_at: null },
            after: { revoked_at: at },
            ...(reason ? { reason } : {}),
          },
        ]);
        return { ...row, revoked_at: at };
      });
    },

    /** The principal behind a bearer token, or undefined for an unknown, expired or revoked one. */
    async authenticate(token: string): Promise<Principal | undefined> {
      if (token.length > 512) return undefined;
      const [row] = await db.all<{
        id: string;
        user_id: string;
        expires_at: string | null;
        revoked_at: string | null;
        roles: string;
        status: string;
        kind: string;
      }>(
        `SELECT t.id, t.user_id, t.expires_at, t.revoked_at, u.roles, u.status, u.kind
           FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`,
        [hashToken(token)],
      );
      if (!row || row.revoked_at || row.status !== 'active') return undefined;
      if (row.expires_at && Date.parse(row.expires_at) <= clock().getTime()) return undefined;
      return {
        user: row.user_id,
        roles: JSON.parse(row.roles) as Role[],
        token: row.id,
        kind: row.kind === 'api_client' ? 'api_client' : 'person',
      };
    },

    /**
     * At first start (no users yet) creates the admin user and its token, which expires after
     * bootstrapTtlHours: it is for configuring single sign-on, not for lasting. Answers the token
     * so the caller can print it once (never one it was given); on later starts answers undefined.
     */
    async bootstrap(presetToken: string | undefined): Promise<string | undefined> {
      if (presetToken !== undefined) {
        const problem = checkBootstrapToken(presetToken);
        if (problem) throw new MandateError('VALIDATION_FAILED', problem, { field: 'MANDATE_BOOTSTRAP_TOKEN' });
      }
      const [{ n } = { n: 0 }] = await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM users');
      if (Number(n) > 0) return undefined;
      await this.createUser('system', { id: BOOTSTRAP_ADMIN, name: 'Bootstrap administrator', roles: ['admin'] });
      const ttl = bootstrapTtlHours === undefined ? undefined : Math.max(60, Math.round(bootstrapTtlHours * 3600));
      const { token } = await this.createToken(
        'system',
        BOOTSTRAP_ADMIN,
        { label: 'bootstrap', ...(ttl ? { expires_in_seconds: ttl } : {}) },
        presetToken,
      );
      return token;
    },
  };
}
export type UsersService = ReturnType<typeof usersService>;
