// The exceptions register: a documented, approved, time-bound waiver of one control (attestation,
// a static secret, …) for an identity's actions in a scope, with compensating controls. Once
// approved it is a grant (src/state/grants.ts) that carries its obligations; it ends at its expiry
// and stays on the register until someone closes it. A refused request changes nothing and is recorded.
import { randomBytes } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import { EXCEPTION_MAX_DAYS, riskOf, type ExceptionInput } from '../core/grants.js';
import { scopeKey } from '../core/lifecycle.js';
import { parseTimestamp } from '../core/time.js';
import { ActionVocabulary } from '../core/vocabulary.js';
import { appendEvents } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import type { ApprovalEngine } from '../state/approvals.js';
import { activateGrant, endGrants, type GrantEntry } from '../state/grants.js';
import { getCustomActions } from '../state/records.js';
import type { Database, Sql } from '../store/db.js';
import { actorOf, checkGrant, identityOf, type GrantRules, type Requester } from './shared.js';

export interface PolicyException extends ExceptionInput {
  id: string;
  requester: string;
  status: 'pending' | 'active' | 'rejected' | 'expired' | 'closed' | 'revoked' | 'cancelled';
  approval_id: string;
  closed_by: string | null;
  closed_at: string | null;
  close_notes: string | null;
  created_at: string;
}

export interface ExceptionDeps {
  db: Database;
  clock: () => Date;
  approvals: Pick<ApprovalEngine, 'register' | 'open' | 'cancel'>;
  lifecycleRules: GrantRules;
}

interface ExceptionRow {
  id: string;
  requester: string;
  doc: string;
  status: string;
  approval_id: string;
  closed_by: string | null;
  closed_at: string | null;
  close_notes: string | null;
  created_at: string;
}
const toException = (r: ExceptionRow): PolicyException => ({
  ...(JSON.parse(r.doc) as ExceptionInput),
  id: r.id,
  requester: r.requester,
  status: r.status as PolicyException['status'],
  approval_id: r.approval_id,
  closed_by: r.closed_by,
  closed_at: r.closed_at,
  close_notes: r.close_notes,
  created_at: r.created_at,
});
async function exceptionById(sql: Sql, id: string): Promise<PolicyException | undefined> {
  const [row] = await sql.all<ExceptionRow>('SELECT * FROM policy_exceptions WHERE id = ?', [id]);
  return row ? toException(row) : undefined;
}
const obligationsOf = (e: ExceptionInput): string[] => [
  ...(e.compensating_controls.extra_monitoring ? ['monitor'] : []),
  ...(e.compensating_controls.manual_approval_per_action ? ['manual_approval'] : []),
];

export function exceptionService({ db, clock, approvals, lifecycleRules }: ExceptionDeps) {
  const recorded = refusalRecorder(db, clock);

  approvals.register('exception', {
    async approved(tx, a, at) {
      const [row] = await tx.all<ExceptionRow>('SELECT * FROM policy_exceptions WHERE approval_id = ?', [a.id]);
      const e = toException(row!);
      if (parseTimestamp(e.expires_at) <= Date.parse(at))
        throw new MandateError('REQUEST_EXPIRED', `exception ${e.id} would have expired at ${e.expires_at}: register it again`);
      const identity = await identityOf(tx, e.identity);
      if (e.control !== 'static_secret') await checkGrant(tx, lifecycleRules, identity, e.actions, e.scope, 'exception');
      await tx.run("UPDATE policy_exceptions SET status = 'active', updated_at = ? WHERE id = ?", [at, e.id]);
      const grant: GrantEntry = {
        id: e.id,
        kind: 'exception',
        identity: e.identity,
        actions: e.actions,
        scope: scopeKey(e.scope),
        control: e.control,
        obligations: obligationsOf(e),
        expires_at: parseTimestamp(e.expires_at),
      };
      return [
        await activateGrant(
          tx,
          grant,
          at,
          `user:${a.votes.at(-1)!.voter}`,
          `exception ${e.id} approved by ${a.votes.map((v) => v.voter).join(', ')}: ${e.justification}`,
        ),
      ];
    },
    async rejected(tx, a, at) {
      await tx.run("UPDATE policy_exceptions SET status = 'rejected', updated_at = ? WHERE approval_id = ?", [at, a.id]);
      return [];
    },
    async expired(tx, a, at) {
      await tx.run(
        "UPDATE policy_exceptions SET status = 'cancelled', close_notes = 'approval not " +
          "given in time', updated_at = ? WHERE approval_id = ?",
        [at, a.id],
      );
      return [];
    },
  });

  return {
    async registerException(requester: Requester & { type: 'user' }, input: ExceptionInput): Promise<PolicyException> {
      const actor = actorOf(requester);
      return recorded(actor, { type: 'identity', id: input.identity }, 'exception', input, async () => {
        const at = clock().toISOString();
        const expires = parseTimestamp(input.expires_at);
        if (!Number.isFinite(expires) || expires <= Date.parse(at))
          throw new MandateError('VALIDATION_FAILED', 'expires_at must be in the future', { field: '/expires_at' });
        if (expires - Date.parse(at) > EXCEPTION_MAX_DAYS * 24 * 3600_000)
          throw new MandateError('VALIDATION_FAILED', `an exception lasts at most ${EXCEPTION_MAX_DAYS} days: renew it when it runs out`, {
            field: '/expires_at',
          });
        const id = `ex_${randomBytes(8).toString('hex')}`;
        await db.transaction(async (tx) => {
          const identity = await identityOf(tx, input.identity);
          let vocabulary: ActionVocabulary;
          if (input.control === 'static_secret') {
            if (identity.credential.type !== 'static_secret')
              throw new MandateError(
                'VALIDATION_FAILED',
                `identity ${identity.id} holds no static secret (credential.type ${identity.credential.type}): there is nothing to except`,
                { field: '/control' },
              );
            vocabulary = new ActionVocabulary(await getCustomActions(tx));
          } else vocabulary = await checkGrant(tx, lifecycleRules, identity, input.actions, input.scope, 'exception');
          if (input.control === 'workload_attestation' && input.actions.every((a) => vocabulary.classOf(a) === 'observe'))
            throw new MandateError(
              'VALIDATION_FAILED',
              'attestation is required only to execute: an exception for observe actions waives nothing',
              { field: '/actions' },
            );
          const approval = await approvals.open(
            tx,
            {
              kind: 'exception',
              subject: { type: 'exception', id },
              requester: actor,
              owner: identity.owner ?? null,
              summary:
                `exception ${id}: ${identity.id} waives ${input.control} for ` +
                `${input.actions.join(', ')} in ${scopeKey(input.scope)} until ${input.expires_at}`,
              detail: { ...input },
              risk: riskOf(identity, input.actions, ['service' in input.scope ? input.scope.service : 'product'], vocabulary),
            },
            at,
          );
          await tx.run(
            'INSERT INTO policy_exceptions (id, identity_id, requester, doc, status, ' +
              'approval_id, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [id, identity.id, actor, JSON.stringify(input), 'pending', approval.id, new Date(expires).toISOString(), at, at],
          );
          await appendEvents(tx, at, [
            {
              actor,
              action: 'exception.registered',
              subject: { type: 'exception', id },
              after: { ...input, approval: approval.id },
              reason: input.justification,
            },
          ]);
        });
        return (await exceptionById(db, id))!;
      });
    },

    getException: (id: string) => exceptionById(db, id),

    async listExceptions(q: { status?: string; identity?: string; limit: number }): Promise<PolicyException[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.status) {
        where.push('status = ?');
        params.push(q.status);
      }
      if (q.identity) {
        where.push('identity_id = ?');
        params.push(q.identity);
      }
      return (
        await db.all<ExceptionRow>(
          `SELECT * FROM policy_exceptions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`,
          [...params, q.limit],
        )
      ).map(toException);
    },

    /** Closes an exception: ends it if it still applies; an expired one stops being a finding. */
    async closeException(requester: Requester & { type: 'user' }, id: string, notes: string): Promise<PolicyException> {
      const actor = actorOf(requester);
      return recorded(actor, { type: 'exception', id }, 'exception.close', { notes }, async () => {
        const at = clock().toISOString();
        await db.transaction(async (tx) => {
          const e = await exceptionById(tx, id);
          if (!e) throw new MandateError('NOT_FOUND', `no exception ${id}`);
          if (e.status === 'pending') await approvals.cancel(tx, e.approval_id, actor, `closed: ${notes}`);
          else if (e.status !== 'active' && e.status !== 'expired')
            throw new MandateError('ALREADY_DECIDED', `exception ${id} is ${e.status}: nothing to close`);
          const ended = e.status === 'active' ? await endGrants(tx, [id], 'closed', at, actor, notes) : [];
          await tx.run(
            "UPDATE policy_exceptions SET status = 'closed', closed_by = ?, closed_at = ?, close_notes = ?, updated_at = ? WHERE id = ?",
            [requester.user, at, notes, at, id],
          );
          await appendEvents(tx, at, [
            ...ended,
            {
              actor,
              action: 'exception.closed',
              subject: { type: 'exception', id },
              before: { status: e.status },
              after: { status: 'closed' },
              reason: notes,
            },
          ]);
        });
        return (await exceptionById(db, id))!;
      });
    },
  };
}
export type ExceptionService = ReturnType<typeof exceptionService>;
