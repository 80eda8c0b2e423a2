// Just-in-time access: a person (the identity's owner, or a holder of access:request) or the
// identity itself asks for scoped actions for a while; the request is an approval, and once
// approved a grant (src/state/grants.ts) that decisions and tokens see at once and that ends on its
// own at its expiry. A refused request changes nothing and is recorded.
import { MandateError } from '../core/errors.js';
import { checkDuration, riskOf, type AccessRequestInput } from '../core/grants.js';
import { scopeKey } from '../core/lifecycle.js';
import { rolesAllow } from '../core/roles.js';
import { appendEvents } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import type { Approval, ApprovalEngine } from '../state/approvals.js';
import { activateGrant, endGrants, type GrantEntry } from '../state/grants.js';
import { notify } from '../state/notify.js';
import type { Database, Sql } from '../store/db.js';
import { actorOf, checkGrant, identityOf, type GrantRules, type Requester } from './shared.js';

export interface AccessRequest extends AccessRequestInput {
  id: string;
  requester: string;
  status: 'pending' | 'active' | 'rejected' | 'expired' | 'ended' | 'cancelled';
  approval: Approval | undefined;
  granted_at?: string;
  expires_at?: string;
  created_at: string;
}

export interface AccessRequestDeps {
  db: Database;
  clock: () => Date;
  approvals: Pick<ApprovalEngine, 'register' | 'open' | 'get' | 'cancel'>;
  lifecycleRules: GrantRules;
  /** Webhooks told when a grant starts (through the `notify` connector). */
  notificationReceivers: readonly string[];
}

export function accessRequestService({ db, clock, approvals, lifecycleRules, notificationReceivers }: AccessRequestDeps) {
  const recorded = refusalRecorder(db, clock);

  async function accessRequest(sql: Sql, id: string): Promise<AccessRequest | undefined> {
    const [row] = await sql.all<{ id: string; requester: string; doc: string; status: string; created_at: string }>(
      'SELECT * FROM access_requests WHERE id = ?',
      [id],
    );
    if (!row) return undefined;
    return {
      ...(JSON.parse(row.doc) as AccessRequestInput & { granted_at?: string; expires_at?: string }),
      id: row.id,
      requester: row.requester,
      status: row.status as AccessRequest['status'],
      approval: await approvals.get(row.id, sql),
      created_at: row.created_at,
    };
  }

  approvals.register('access', {
    async approved(tx, a, at) {
      const req = (await accessRequest(tx, a.id))!;
      const identity = await identityOf(tx, req.identity);
      await checkGrant(tx, lifecycleRules, identity, req.actions, req.scope, 'access');
      const expires = Date.parse(at) + req.duration_seconds * 1000;
      const grant: GrantEntry = {
        id: req.id,
        kind: 'access',
        identity: identity.id,
        actions: req.actions,
        scope: scopeKey(req.scope),
        expires_at: expires,
      };
      const doc = { ...stripped(req), granted_at: at, expires_at: new Date(expires).toISOString() };
      await tx.run("UPDATE access_requests SET status = 'active', doc = ?, updated_at = ? WHERE id = ?", [JSON.stringify(doc), at, req.id]);
      await notify(
        tx,
        notificationReceivers,
        {
          type: 'grant.activated',
          subject: { type: 'grant', id: req.id },
          identity: identity.id,
          summary: `just-in-time access for ${identity.id} until ${doc.expires_at}`,
          detail: { actions: req.actions, scope: grant.scope },
        },
        at,
      );
      return [
        await activateGrant(
          tx,
          grant,
          at,
          `user:${a.votes.at(-1)!.voter}`,
          `access request ${req.id} approved by ${a.votes.map((v) => v.voter).join(', ')}: ${req.justification}`,
        ),
      ];
    },
    async rejected(tx, a, at) {
      await tx.run("UPDATE access_requests SET status = 'rejected', updated_at = ? WHERE id = ?", [at, a.id]);
      return [];
    },
    async expired(tx, a, at) {
      await tx.run("UPDATE access_requests SET status = 'expired', updated_at = ? WHERE id = ?", [at, a.id]);
      return [];
    },
    // Withdrawn while pending: the request says so, so it is not left waiting for ever.
    async cancelled(tx, a, at) {
      await tx.run("UPDATE access_requests SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'pending'", [at, a.id]);
      return [];
    },
  });

  const stripped = (r: AccessRequest): AccessRequestInput => ({
    identity: r.identity,
    actions: r.actions,
    scope: r.scope,
    duration_seconds: r.duration_seconds,
    justification: r.justification,
    ...(r.ticket ? { ticket: r.ticket } : {}),
  });

  return {
    async requestAccess(requester: Requester, input: AccessRequestInput): Promise<AccessRequest> {
      const actor = actorOf(requester);
      return recorded(actor, { type: 'identity', id: input.identity }, 'access_request', input, async () => {
        const at = clock().toISOString();
        const id = await db.transaction(async (tx) => {
          const identity = await identityOf(tx, input.identity);
          if (requester.type === 'identity' && requester.id !== identity.id)
            throw new MandateError('FORBIDDEN', `identity ${requester.id} may ask for access only for itself`, { field: '/identity' });
          if (requester.type === 'user' && identity.owner !== requester.user && !rolesAllow(requester.roles, 'access:request'))
            throw new MandateError(
              'FORBIDDEN',
              `only the owner of ${identity.id} (${identity.owner ?? 'none'}) or a holder of access:request may ask for access for it`,
              { field: '/identity' },
            );
          checkDuration(identity, input.duration_seconds);
          const vocabulary = await checkGrant(tx, lifecycleRules, identity, input.actions, input.scope, 'access');
          const approval = await approvals.open(
            tx,
            {
              kind: 'access',
              subject: { type: 'identity', id: identity.id },
              requester: actor,
              owner: identity.owner ?? null,
              summary:
                `${actor} asks ${input.actions.join(', ')} in ${scopeKey(input.scope)} ` +
                `for ${identity.id} for ${input.duration_seconds} s: ${input.justification}`,
              detail: { ...input },
              risk: riskOf(identity, input.actions, ['service' in input.scope ? input.scope.service : 'product'], vocabulary),
            },
            at,
          );
          await tx.run(
            'INSERT INTO access_requests (id, identity_id, requester, doc, status, ' +
              'approval_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [approval.id, identity.id, actor, JSON.stringify(input), 'pending', approval.id, at, at],
          );
          await appendEvents(tx, at, [
            {
              actor,
              action: 'access_request.created',
              subject: { type: 'access_request', id: approval.id },
              after: { ...input, approval: approval.id, required: approval.required },
              reason: input.justification,
            },
          ]);
          return approval.id;
        });
        return (await accessRequest(db, id))!;
      });
    },

    getAccessRequest: (id: string) => accessRequest(db, id),

    async listAccessRequests(q: { identity?: string; status?: string; limit: number }): Promise<AccessRequest[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.identity) {
        where.push('identity_id = ?');
        params.push(q.identity);
      }
      if (q.status) {
        where.push('status = ?');
        params.push(q.status);
      }
      const rows = await db.all<{ id: string }>(
        `SELECT id FROM access_requests${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`,
        [...params, q.limit],
      );
      return Promise.all(rows.map(async (r) => (await accessRequest(db, r.id))!));
    },

    /** Ends an active grant early, or withdraws a pending request. */
    async revokeAccess(requester: Requester, id: string, reason: string): Promise<AccessRequest> {
      const actor = actorOf(requester);
      return recorded(actor, { type: 'access_request', id }, 'access_request.revoke', { reason }, async () => {
        const at = clock().toISOString();
        await db.transaction(async (tx) => {
          const req = await accessRequest(tx, id);
          if (!req) throw new MandateError('NOT_FOUND', `no access request ${id}`);
          if (req.status === 'pending') return approvals.cancel(tx, id, actor, reason);
          if (req.status !== 'active')
            throw new MandateError('ALREADY_DECIDED', `access request ${id} is ${req.status}: nothing to revoke`);
          await appendEvents(tx, at, await endGrants(tx, [id], 'revoked', at, actor, reason));
        });
        return (await accessRequest(db, id))!;
      });
    },
  };
}
export type AccessRequestService = ReturnType<typeof accessRequestService>;
