// Break-glass: a sealed identity is unsealed for a short window, with approval or (capped) on the
// emergency path, and owes a post-incident review by someone other than who unsealed it. The
// window is a grant (src/state/grants.ts) that ends on its own. A refused request changes nothing
// and is recorded.
import { randomBytes } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import { BREAK_GLASS_EMERGENCY_CAP_S, riskOf, type UnsealInput } from '../core/grants.js';
import { ActionVocabulary } from '../core/vocabulary.js';
import { appendEvents, type NewEvent } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import type { ApprovalEngine } from '../state/approvals.js';
import { activateGrant, endGrants, type GrantEntry } from '../state/grants.js';
import { notify } from '../state/notify.js';
import { getCustomActions } from '../state/records.js';
import type { Database, Sql } from '../store/db.js';
import { actorOf, identityOf, type Requester } from './shared.js';

export interface BreakGlassActivation {
  id: string;
  identity: string;
  requester: string;
  reason: string;
  ticket?: string;
  duration_seconds: number;
  emergency: boolean;
  status: 'pending' | 'active' | 'ended' | 'rejected' | 'expired' | 'cancelled';
  approval_id: string | null;
  starts_at: string | null;
  ends_at: string | null;
  review: { status: 'open' | 'done' | 'none'; by: string | null; at: string | null; notes: string | null };
  created_at: string;
}

export interface BreakGlassDeps {
  db: Database;
  clock: () => Date;
  approvals: Pick<ApprovalEngine, 'register' | 'open' | 'openDecided' | 'cancel'>;
  /** Webhooks told when an identity is unsealed (through the `notify` connector). */
  notificationReceivers: readonly string[];
}

interface ActivationRow {
  id: string;
  identity_id: string;
  requester: string;
  doc: string;
  emergency: number;
  status: string;
  approval_id: string | null;
  starts_at: string | null;
  ends_at: string | null;
  review_status: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_notes: string | null;
  created_at: string;
}
const toActivation = (r: ActivationRow): BreakGlassActivation => {
  const doc = JSON.parse(r.doc) as { reason: string; ticket?: string; duration_seconds: number };
  return {
    id: r.id,
    identity: r.identity_id,
    requester: r.requester,
    reason: doc.reason,
    ...(doc.ticket ? { ticket: doc.ticket } : {}),
    duration_seconds: doc.duration_seconds,
    emergency: Number(r.emergency) === 1,
    status: r.status as BreakGlassActivation['status'],
    approval_id: r.approval_id,
    starts_at: r.starts_at,
    ends_at: r.ends_at,
    review: { status: r.review_status as 'open' | 'done' | 'none', by: r.reviewed_by, at: r.reviewed_at, notes: r.review_notes },
    created_at: r.created_at,
  };
};
async function activationById(sql: Sql, id: string): Promise<BreakGlassActivation | undefined> {
  const [row] = await sql.all<ActivationRow>(
    `SELECT * FROM break_glass_activations WHERE id = ?${sql.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row ? toActivation(row) : undefined;
}

export function breakGlassService({ db, clock, approvals, notificationReceivers }: BreakGlassDeps) {
  const recorded = refusalRecorder(db, clock);

  /** Opens the window: the grant, the activation's times, and the post-incident review it owes. */
  async function unsealNow(tx: Sql, act: BreakGlassActivation, at: string, actor: string, why: string): Promise<NewEvent[]> {
    const identity = await identityOf(tx, act.identity);
    if (identity.status !== 'active')
      throw new MandateError('INVALID_TRANSITION', `identity ${identity.id} is ${identity.status}: it cannot be unsealed`, {
        field: '/identity',
      });
    const ends = Date.parse(at) + act.duration_seconds * 1000;
    await tx.run(
      "UPDATE break_glass_activations SET status = 'active', starts_at = ?, ends_at = " +
        "?, review_status = 'open', updated_at = ? WHERE id = ?",
      [at, new Date(ends).toISOString(), at, act.id],
    );
    const grant: GrantEntry = { id: act.id, kind: 'break_glass', identity: identity.id, expires_at: ends };
    await notify(
      tx,
      notificationReceivers,
      {
        type: act.emergency ? 'break_glass.emergency_unsealed' : 'break_glass.unsealed',
        subject: { type: 'break_glass_activation', id: act.id },
        identity: identity.id,
        summary:
          `break-glass identity ${identity.id} unsealed until ` +
          `${new Date(ends).toISOString()}${act.emergency ? ' on the emergency path' : ''}: ${act.reason}`,
        detail: { requester: act.requester, emergency: act.emergency },
      },
      at,
    );
    return [
      await activateGrant(tx, grant, at, actor, why),
      {
        actor,
        action: act.emergency ? 'break_glass.emergency_unsealed' : 'break_glass.unsealed',
        subject: { type: 'identity', id: identity.id },
        after: { activation: act.id, until: new Date(ends).toISOString(), review: 'open' },
        reason: act.reason,
      },
    ];
  }

  approvals.register('break_glass', {
    async approved(tx, a, at) {
      const act = (await activationById(tx, a.subject.id))!;
      return unsealNow(
        tx,
        act,
        at,
        `user:${a.votes.at(-1)!.voter}`,
        `break-glass activation ${act.id} approved by ${a.votes.map((v) => v.voter).join(', ')}: ${act.reason}`,
      );
    },
    async rejected(tx, a, at) {
      await tx.run("UPDATE break_glass_activations SET status = 'rejected', updated_at = ? WHERE id = ?", [at, a.subject.id]);
      return [];
    },
    async expired(tx, a, at) {
      await tx.run("UPDATE break_glass_activations SET status = 'expired', updated_at = ? WHERE id = ?", [at, a.subject.id]);
      return [];
    },
    // Sealed while pending: the activation ends as cancelled, so the identity can be unsealed again later.
    async cancelled(tx, a, at) {
      await tx.run("UPDATE break_glass_activations SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'pending'", [
        at,
        a.subject.id,
      ]);
      return [];
    },
  });

  return {
    async unseal(requester: Requester & { type: 'user' }, identityId: string, input: UnsealInput): Promise<BreakGlassActivation> {
      const actor = actorOf(requester);
      return recorded(actor, { type: 'identity', id: identityId }, 'break_glass.unseal', input, async () => {
        const at = clock().toISOString();
        const emergency = input.emergency === true;
        const duration = input.duration_seconds ?? 3600;
        if (emergency && duration > BREAK_GLASS_EMERGENCY_CAP_S)
          throw new MandateError(
            'VALIDATION_FAILED',
            `the emergency path opens at most ${BREAK_GLASS_EMERGENCY_CAP_S} s; ask for approval for longer`,
            { field: '/duration_seconds' },
          );
        const id = `bg_${randomBytes(8).toString('hex')}`;
        await db.transaction(async (tx) => {
          const identity = await identityOf(tx, identityId, '/identity');
          if (!identity.break_glass)
            throw new MandateError(
              'VALIDATION_FAILED',
              `identity ${identityId} is not a break-glass identity: ask for just-in-time access instead`,
              { field: '/identity' },
            );
          if (identity.status !== 'active')
            throw new MandateError('INVALID_TRANSITION', `identity ${identityId} is ${identity.status}: it cannot be unsealed`, {
              field: '/identity',
            });
          const [open] = await tx.all<{ id: string; status: string }>(
            "SELECT id, status FROM break_glass_activations WHERE identity_id = ? AND status IN ('pending', 'active')",
            [identityId],
          );
          if (open) throw new MandateError('ALREADY_EXISTS', `identity ${identityId} already has a ${open.status} activation (${open.id})`);
          const vocabulary = new ActionVocabulary(await getCustomActions(tx));
          const request = {
            kind: 'break_glass' as const,
            subject: { type: 'break_glass_activation', id },
            requester: actor,
            owner: identity.owner ?? null,
            summary: `${actor} asks to unseal break-glass identity ${identityId} for ${duration} s: ${input.reason}`,
            detail: { identity: identityId, ...input },
            risk: riskOf(
              identity,
              identity.actions,
              identity.scopes.map((s) => ('service' in s ? s.service : 'product')),
              vocabulary,
            ),
          };
          const approval = emergency
            ? await approvals.openDecided(tx, request, at, `emergency path taken by ${actor}`)
            : await approvals.open(tx, request, at);
          await tx.run(
            'INSERT INTO break_glass_activations (id, identity_id, requester, doc, ' +
              "emergency, status, approval_id, review_status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, 'none', " +
              '?, ?)',
            [
              id,
              identityId,
              actor,
              JSON.stringify({ reason: input.reason, ...(input.ticket ? { ticket: input.ticket } : {}), duration_seconds: duration }),
              emergency ? 1 : 0,
              approval.id,
              at,
              at,
            ],
          );
          const events: NewEvent[] = [
            {
              actor,
              action: 'break_glass.unseal_requested',
              subject: { type: 'break_glass_activation', id },
              after: { identity: identityId, emergency, duration_seconds: duration, approval: approval.id },
              reason: input.reason,
            },
          ];
          if (emergency)
            events.push(...(await unsealNow(tx, (await activationById(tx, id))!, at, actor, `emergency path: ${input.reason}`)));
          await appendEvents(tx, at, events);
        });
        return (await activationById(db, id))!;
      });
    },

    /** Closes the window before its time. */
    async seal(requester: Requester & { type: 'user' }, id: string, reason: string): Promise<BreakGlassActivation> {
      const actor = actorOf(requester);
      return recorded(actor, { type: 'break_glass_activation', id }, 'break_glass.seal', { reason }, async () => {
        const at = clock().toISOString();
        await db.transaction(async (tx) => {
          const act = await activationById(tx, id);
          if (!act) throw new MandateError('NOT_FOUND', `no break-glass activation ${id}`);
          if (act.status === 'pending' && act.approval_id) return approvals.cancel(tx, act.approval_id, actor, `sealed: ${reason}`);
          if (act.status !== 'active') throw new MandateError('ALREADY_DECIDED', `activation ${id} is ${act.status}`);
          await appendEvents(tx, at, [
            ...(await endGrants(tx, [id], 'revoked', at, actor, reason)),
            { actor, action: 'break_glass.sealed', subject: { type: 'identity', id: act.identity }, after: { activation: id }, reason },
          ]);
        });
        return (await activationById(db, id))!;
      });
    },

    /** The post-incident review every activation owes; done by someone other than who asked. */
    async review(requester: Requester & { type: 'user' }, id: string, notes: string): Promise<BreakGlassActivation> {
      const actor = actorOf(requester);
      return recorded(actor, { type: 'break_glass_activation', id }, 'break_glass.review', { notes }, async () => {
        const at = clock().toISOString();
        await db.transaction(async (tx) => {
          const act = await activationById(tx, id);
          if (!act) throw new MandateError('NOT_FOUND', `no break-glass activation ${id}`);
          if (act.review.status !== 'open')
            throw new MandateError('ALREADY_DECIDED', `activation ${id} has no open review (${act.review.status})`);
          if (act.requester === actor)
            throw new MandateError('SEPARATION_OF_DUTIES', 'the post-incident review is done by someone other than who unsealed');
          if (!requester.roles.some((r) => r === 'approver' || r === 'compliance_officer' || r === 'admin'))
            throw new MandateError('FORBIDDEN', 'a post-incident review is done by an approver, a compliance officer or an admin');
          await tx.run(
            "UPDATE break_glass_activations SET review_status = 'done', reviewed_by = ?, " +
              'reviewed_at = ?, review_notes = ?, updated_at = ? WHERE id = ?',
            [requester.user, at, notes, at, id],
          );
          await appendEvents(tx, at, [
            {
              actor,
              action: 'break_glass.reviewed',
              subject: { type: 'break_glass_activation', id },
              after: { identity: act.identity, emergency: act.emergency },
              reason: notes,
            },
          ]);
        });
        return (await activationById(db, id))!;
      });
    },

    getActivation: (id: string) => activationById(db, id),

    async listActivations(q: { identity?: string; review?: string; limit: number }): Promise<BreakGlassActivation[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.identity) {
        where.push('identity_id = ?');
        params.push(q.identity);
      }
      if (q.review) {
        where.push('review_status = ?');
        params.push(q.review);
      }
      return (
        await db.all<ActivationRow>(
          'SELECT * FROM break_glass_activations' +
            `${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`,
          [...params, q.limit],
        )
      ).map(toActivation);
    },
  };
}
export type BreakGlassService = ReturnType<typeof breakGlassService>;
