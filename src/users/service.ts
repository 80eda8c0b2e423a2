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

export interface User {
  id: string;
  name: string;
  roles: Role[];
  status: 'active' | 'disabled';
  created_at: string;
  updated_at: string;
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
}

interface UserRow {
  id: string;
  name: string;
  roles: string;
  status: 'active' | 'disabled';
  created_at: string;
  updated_at: string;
}

const toUser = (r: UserRow): User => ({ ...r, roles: JSON.parse(r.roles) as Role[] });

export function usersService({ db, clock }: { db: Database; clock: () => Date }) {
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
      }>(
        `SELECT t.id, t.user_id, t.expires_at, t.revoked_at, u.roles, u.status
           FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`,
        [hashToken(token)],
      );
      if (!row || row.revoked_at || row.status !== 'active') return undefined;
      if (row.expires_at && Date.parse(row.expires_at) <= clock().getTime()) return undefined;
      return { user: row.user_id, roles: JSON.parse(row.roles) as Role[], token: row.id };
    },

    /**
     * At first start (no users yet) creates the admin user and its token. Answers the token so the
     * caller can print it once; on later starts answers undefined.
     */
    async bootstrap(presetToken: string | undefined): Promise<string | undefined> {
      if (presetToken !== undefined) {
        const problem = checkBootstrapToken(presetToken);
        if (problem) throw new MandateError('VALIDATION_FAILED', problem, { field: 'MANDATE_BOOTSTRAP_TOKEN' });
      }
      const [{ n } = { n: 0 }] = await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM users');
      if (Number(n) > 0) return undefined;
      await this.createUser('system', { id: 'admin', name: 'Bootstrap administrator', roles: ['admin'] });
      const { token } = await this.createToken('system', 'admin', { label: 'bootstrap' }, presetToken);
      return token;
    },
  };
}
export type UsersService = ReturnType<typeof usersService>;
