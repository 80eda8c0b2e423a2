// API clients: automation's own principals (issue 18 item 4). An administrator creates one with
// roles and gets its token once; its roles never include one that approves (four eyes count people,
// and a script is no person), and the approval engine refuses its votes whatever its roles. People
// sign in through the identity provider instead, and make their own tokens (users/service.ts).
import { Type, type Static } from '@sinclair/typebox';
import { MandateError, type Issue } from '../core/errors.js';
import { Enum, Id, Name } from '../core/model.js';
import { ROLES, rolesAllow, type Role } from '../core/roles.js';
import { appendEvents } from '../ledger/log.js';
import type { Database } from '../store/db.js';
import type { TokenInfo, UsersService } from './service.js';

export const NewApiClient = Type.Object(
  {
    id: Id,
    name: Name,
    roles: Type.Array(Enum(ROLES), { minItems: 1, maxItems: ROLES.length, uniqueItems: true }),
    expires_in_seconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 400 * 24 * 3600, description: 'the first token expires after this (default: never)' }),
    ),
  },
  { additionalProperties: false },
);
export type NewApiClient = Static<typeof NewApiClient>;

export interface ApiClient {
  id: string;
  name: string;
  roles: Role[];
  status: 'active' | 'revoked';
  created_at: string;
  updated_at: string;
}

interface Row {
  id: string;
  name: string;
  roles: string;
  status: string;
  created_at: string;
  updated_at: string;
}

const toClient = (r: Row): ApiClient => ({
  id: r.id,
  name: r.name,
  roles: JSON.parse(r.roles) as Role[],
  status: r.status === 'active' ? 'active' : 'revoked',
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export interface ApiClientDeps {
  db: Database;
  clock: () => Date;
  users: Pick<UsersService, 'createToken'>;
  /** The roles the approval rules in force name as approvers (beside those holding transitions:approve). */
  ruleRoles: () => readonly Role[];
}

/** The roles an API client may not hold: every role that can approve something. */
export function approvingRoles(ruleRoles: readonly Role[]): Role[] {
  return ROLES.filter((r) => rolesAllow([r], 'transitions:approve') || ruleRoles.includes(r));
}

export function apiClientService({ db, clock, users, ruleRoles }: ApiClientDeps) {
  async function get(id: string): Promise<ApiClient | undefined> {
    const [row] = await db.all<Row>("SELECT * FROM users WHERE id = ? AND kind = 'api_client'", [id]);
    return row ? toClient(row) : undefined;
  }

  function checkRoles(roles: readonly Role[]): void {
    const refused = approvingRoles(ruleRoles());
    const issues: Issue[] = roles
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => refused.includes(r))
      .map(({ r, i }) => ({
        field: `/roles/${i}`,
        reason: `${r} can approve, and an API client never approves: approvals are decided by people, signed in`,
      }));
    if (issues.length)
      throw new MandateError(
        'VALIDATION_FAILED',
        `/roles: an API client never approves, so its roles exclude ${refused.join(', ')} (approvals are decided by people, signed in)`,
        { field: '/roles', issues },
      );
  }

  return {
    get,

    async list(): Promise<ApiClient[]> {
      return (await db.all<Row>("SELECT * FROM users WHERE kind = 'api_client' ORDER BY id")).map(toClient);
    },

    /** Creates the client and its first token; the token is in the answer and nowhere else, ever. */
    async create(actor: string, input: NewApiClient): Promise<ApiClient & { token: TokenInfo & { token: string } }> {
      checkRoles(input.roles);
      const at = clock().toISOString();
      const client: ApiClient = { id: input.id, name: input.name, roles: input.roles, status: 'active', created_at: at, updated_at: at };
      await db.transaction(async (tx) => {
        const [exists] = await tx.all('SELECT id FROM users WHERE id = ?', [input.id]);
        if (exists) throw new MandateError('ALREADY_EXISTS', `a user or API client ${input.id} already exists`, { field: '/id' });
        await tx.run(
          "INSERT INTO users (id, name, roles, status, created_at, updated_at, kind) VALUES (?, ?, ?, 'active', ?, ?, 'api_client')",
          [client.id, client.name, JSON.stringify(client.roles), at, at],
        );
        await appendEvents(tx, at, [
          {
            actor,
            action: 'api_client.created',
            subject: { type: 'user', id: client.id },
            after: { id: client.id, name: client.name, roles: client.roles, kind: 'api_client' },
          },
        ]);
      });
      const token = await users.createToken(actor, client.id, {
        label: 'api client',
        ...(input.expires_in_seconds ? { expires_in_seconds: input.expires_in_seconds } : {}),
      });
      return { ...client, token };
    },

    /** Another token for a client (rotation): an administrator's act; the token is in the answer only. */
    async createToken(actor: string, id: string, input: { label?: string; expires_in_seconds?: number }) {
      const c = await get(id);
      if (!c) throw new MandateError('NOT_FOUND', `no API client ${id}`);
      if (c.status !== 'active') throw new MandateError('INVALID_TRANSITION', `API client ${id} is revoked`);
      return users.createToken(actor, id, {
        label: input.label ?? 'api client',
        ...(input.expires_in_seconds ? { expires_in_seconds: input.expires_in_seconds } : {}),
      });
    },

    /** Revokes a client: it is disabled and every token of its is revoked, in one transaction. */
    async revoke(actor: string, id: string, reason: string): Promise<ApiClient> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const [row] = await tx.all<Row>("SELECT * FROM users WHERE id = ? AND kind = 'api_client'", [id]);
        if (!row) throw new MandateError('NOT_FOUND', `no API client ${id}`);
        if (row.status !== 'active') return toClient(row);
        await tx.run("UPDATE users SET status = 'disabled', updated_at = ? WHERE id = ?", [at, id]);
        const tokens = await tx.all<{ id: string }>('SELECT id FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL', [id]);
        await tx.run('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [at, id]);
        await appendEvents(tx, at, [
          {
            actor,
            action: 'api_client.revoked',
            subject: { type: 'user', id },
            before: { status: 'active' },
            after: { status: 'revoked', tokens_revoked: tokens.map((t) => t.id) },
            reason,
          },
        ]);
        return { ...toClient(row), status: 'revoked', updated_at: at };
      });
    },
  };
}
export type ApiClientService = ReturnType<typeof apiClientService>;
