// Just-in-time access requests, the exceptions register and break-glass activations. Each is a
// request to the approval engine; once approved it becomes a grant (src/state/grants.ts) that
// decisions and tokens see at once and that ends on its own at its expiry. Requests are checked
// when made and again when approved (the world may have changed meanwhile); a refused request
// changes nothing and is recorded.
import { randomBytes } from 'node:crypto';
import type { Approval, ApprovalEngine } from '../state/approvals.js';
import { MandateError } from '../core/errors.js';
import {
  BREAK_GLASS_EMERGENCY_CAP_S, checkDuration, checkGrantable, EXCEPTION_MAX_DAYS, riskOf,
  type AccessRequestInput, type ExceptionInput, type UnsealInput,
} from '../core/grants.js';
import { scopeKey, type ScopeAuthority } from '../core/lifecycle.js';
import type { Identity, Scope } from '../core/model.js';
import { rolesAllow, type Role } from '../core/roles.js';
import { parseTimestamp } from '../core/time.js';
import { ActionVocabulary, type AuthorisationStatus } from '../core/vocabulary.js';
import { appendEvents, type NewEvent } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import { getCustomActions, getRecord } from '../state/records.js';
import { notify } from '../state/notify.js';
import type { RulesStore } from '../state/lifecycle-rules.js';
import type { Database, Sql } from '../store/db.js';
import { bumpGenerations } from '../state/generations.js';
import { activateGrant, activeGrants, endGrants, type GrantEntry } from '../state/grants.js';

/** Who asks: a person (by their user account) or an identity (by its Mandate token). */
export type Requester = { type: 'user'; user: string; roles: readonly Role[] } | { type: 'identity'; id: string };
const actorOf = (r: Requester) => (r.type === 'user' ? `user:${r.user}` : `identity:${r.id}`);

export interface AccessRequest extends AccessRequestInput {
  id: string;
  requester: string;
  status: 'pending' | 'active' | 'rejected' | 'expired' | 'ended' | 'cancelled';
  approval: Approval | undefined;
  granted_at?: string;
  expires_at?: string;
  created_at: string;
}

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

export function grantsService(db: Database, clock: () => Date, approvals: ApprovalEngine, rules: RulesStore, receivers: readonly string[] = []) {
  async function identityOf(sql: Sql, id: string, field = '/identity'): Promise<Identity> {
    const stored = await getRecord(sql, 'identity', id);
    if (!stored) throw new MandateError('NOT_FOUND', `no identity ${id}`, { field });
    return stored.record;
  }

  async function authorityOf(sql: Sql, s: Scope): Promise<ScopeAuthority | undefined> {
    const [row] = await sql.all<{ id: string; status: string; doc: string }>('SELECT id, status, doc FROM authorisations WHERE entity = ? AND service = ? AND jurisdiction = ?', [s.entity, s.service, s.jurisdiction]);
    if (!row) return undefined;
    const doc = JSON.parse(row.doc) as { conditions?: ScopeAuthority['conditions'] };
    return { id: row.id, status: row.status as AuthorisationStatus, ...(doc.conditions ? { conditions: doc.conditions } : {}) };
  }

  async function checkGrant(sql: Sql, identity: Identity, actions: readonly string[], scope: Scope, what: 'access' | 'exception'): Promise<ActionVocabulary> {
    const vocabulary = new ActionVocabulary(await getCustomActions(sql));
    checkGrantable(identity, actions, scope, vocabulary, (await rules.current(sql)).rules, await authorityOf(sql, scope), what);
    return vocabulary;
  }

  const recorded = refusalRecorder(db, clock);

  // ---- just-in-time access ------------------------------------------------------------------

  async function accessRequest(sql: Sql, id: string): Promise<AccessRequest | undefined> {
    const [row] = await sql.all<{ id: string; requester: string; doc: string; status: string; created_at: string }>('SELECT * FROM access_requests WHERE id = ?', [id]);
    if (!row) return undefined;
    return { ...(JSON.parse(row.doc) as AccessRequestInput & { granted_at?: string; expires_at?: string }), id: row.id, requester: row.requester, status: row.status as AccessRequest['status'], approval: await approvals.get(row.id, sql), created_at: row.created_at };
  }

  approvals.register('access', {
    async approved(tx, a, at) {
      const req = (await accessRequest(tx, a.id))!;
      const identity = await identityOf(tx, req.identity);
      await checkGrant(tx, identity, req.actions, req.scope, 'access');
      const expires = Date.parse(at) + req.duration_seconds * 1000;
      const grant: GrantEntry = { id: req.id, kind: 'access', identity: identity.id, actions: req.actions, scope: scopeKey(req.scope), expires_at: expires };
      const doc = { ...stripped(req), granted_at: at, expires_at: new Date(expires).toISOString() };
      await tx.run("UPDATE access_requests SET status = 'active', doc = ?, updated_at = ? WHERE id = ?", [JSON.stringify(doc), at, req.id]);
      await notify(tx, receivers, { type: 'grant.activated', subject: { type: 'grant', id: req.id }, identity: identity.id, summary: `just-in-time access for ${identity.id} until ${doc.expires_at}`, detail: { actions: req.actions, scope: grant.scope } }, at);
      return [await activateGrant(tx, grant, at, `user:${a.votes.at(-1)!.voter}`, `access request ${req.id} approved by ${a.votes.map((v) => v.voter).join(', ')}: ${req.justification}`)];
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
    identity: r.identity, actions: r.actions, scope: r.scope, duration_seconds: r.duration_seconds, justification: r.justification, ...(r.ticket ? { ticket: r.ticket } : {}),
  });

  // ---- exceptions ---------------------------------------------------------------------------

  interface ExceptionRow { id: string; requester: string; doc: string; status: string; approval_id: string; closed_by: string | null; closed_at: string | null; close_notes: string | null; created_at: string }
  const toException = (r: ExceptionRow): PolicyException => ({
    ...(JSON.parse(r.doc) as ExceptionInput), id: r.id, requester: r.requester, status: r.status as PolicyException['status'], approval_id: r.approval_id,
    closed_by: r.closed_by, closed_at: r.closed_at, close_notes: r.close_notes, created_at: r.created_at,
  });
  async function exceptionById(sql: Sql, id: string): Promise<PolicyException | undefined> {
    const [row] = await sql.all<ExceptionRow>('SELECT * FROM policy_exceptions WHERE id = ?', [id]);
    return row ? toException(row) : undefined;
  }
  const obligationsOf = (e: ExceptionInput): string[] => [
    ...(e.compensating_controls.extra_monitoring ? ['monitor'] : []), ...(e.compensating_controls.manual_approval_per_action ? ['manual_approval'] : []),
  ];

  approvals.register('exception', {
    async approved(tx, a, at) {
      const [row] = await tx.all<ExceptionRow>('SELECT * FROM policy_exceptions WHERE approval_id = ?', [a.id]);
      const e = toException(row!);
      if (parseTimestamp(e.expires_at) <= Date.parse(at)) throw new MandateError('REQUEST_EXPIRED', `exception ${e.id} would have expired at ${e.expires_at}: register it again`);
      const identity = await identityOf(tx, e.identity);
      if (e.control !== 'static_secret') await checkGrant(tx, identity, e.actions, e.scope, 'exception');
      await tx.run("UPDATE policy_exceptions SET status = 'active', updated_at = ? WHERE id = ?", [at, e.id]);
      const grant: GrantEntry = {
        id: e.id, kind: 'exception', identity: e.identity, actions: e.actions, scope: scopeKey(e.scope), control: e.control, obligations: obligationsOf(e), expires_at: parseTimestamp(e.expires_at),
      };
      return [await activateGrant(tx, grant, at, `user:${a.votes.at(-1)!.voter}`, `exception ${e.id} approved by ${a.votes.map((v) => v.voter).join(', ')}: ${e.justification}`)];
    },
    async rejected(tx, a, at) {
      await tx.run("UPDATE policy_exceptions SET status = 'rejected', updated_at = ? WHERE approval_id = ?", [at, a.id]);
      return [];
    },
    async expired(tx, a, at) {
      await tx.run("UPDATE policy_exceptions SET status = 'cancelled', close_notes = 'approval not given in time', updated_at = ? WHERE approval_id = ?", [at, a.id]);
      return [];
    },
  });

  // ---- break-glass ------------------------------------------------------------------------

  interface ActivationRow {
    id: string; identity_id: string; requester: string; doc: string; emergency: number; status: string; approval_id: string | null;
    starts_at: string | null; ends_at: string | null; review_status: string; reviewed_by: string | null; reviewed_at: string | null; review_notes: string | null; created_at: string;
  }
  const toActivation = (r: ActivationRow): BreakGlassActivation => {
    const doc = JSON.parse(r.doc) as { reason: string; ticket?: string; duration_seconds: number };
    return {
      id: r.id, identity: r.identity_id, requester: r.requester, reason: doc.reason, ...(doc.ticket ? { ticket: doc.ticket } : {}), duration_seconds: doc.duration_seconds,
      emergency: Number(r.emergency) === 1, status: r.status as BreakGlassActivation['status'], approval_id: r.approval_id, starts_at: r.starts_at, ends_at: r.ends_at,
      review: { status: r.review_status as 'open' | 'done' | 'none', by: r.reviewed_by, at: r.reviewed_at, notes: r.review_notes }, created_at: r.created_at,
    };
  };
  async function activationById(sql: Sql, id: string): Promise<BreakGlassActivation | undefined> {
    const [row] = await sql.all<ActivationRow>(`SELECT * FROM break_glass_activations WHERE id = ?${sql.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, [id]);
    return row ? toActivation(row) : undefined;
  }

  /** Opens the window: the grant, the activation's times, and the post-incident review it owes. */
  async function unsealNow(tx: Sql, act: BreakGlassActivation, at: string, actor: string, why: string): Promise<NewEvent[]> {
    const identity = await identityOf(tx, act.identity);
    if (identity.status !== 'active') throw new MandateError('INVALID_TRANSITION', `identity ${identity.id} is ${identity.status}: it cannot be unsealed`, { field: '/identity' });
    const ends = Date.parse(at) + act.duration_seconds * 1000;
    await tx.run("UPDATE break_glass_activations SET status = 'active', starts_at = ?, ends_at = ?, review_status = 'open', updated_at = ? WHERE id = ?", [at, new Date(ends).toISOString(), at, act.id]);
    const grant: GrantEntry = { id: act.id, kind: 'break_glass', identity: identity.id, expires_at: ends };
    await notify(tx, receivers, {
      type: act.emergency ? 'break_glass.emergency_unsealed' : 'break_glass.unsealed', subject: { type: 'break_glass_activation', id: act.id }, identity: identity.id,
      summary: `break-glass identity ${identity.id} unsealed until ${new Date(ends).toISOString()}${act.emergency ? ' on the emergency path' : ''}: ${act.reason}`, detail: { requester: act.requester, emergency: act.emergency },
    }, at);
    return [
      await activateGrant(tx, grant, at, actor, why),
      { actor, action: act.emergency ? 'break_glass.emergency_unsealed' : 'break_glass.unsealed', subject: { type: 'identity', id: identity.id }, after: { activation: act.id, until: new Date(ends).toISOString(), review: 'open' }, reason: act.reason },
    ];
  }

  approvals.register('break_glass', {
    async approved(tx, a, at) {
      const act = (await activationById(tx, a.subject.id))!;
      return unsealNow(tx, act, at, `user:${a.votes.at(-1)!.voter}`, `break-glass activation ${act.id} approved by ${a.votes.map((v) => v.voter).join(', ')}: ${act.reason}`);
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
      await tx.run("UPDATE break_glass_activations SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'pending'", [at, a.subject.id]);
      return [];
    },
  });

  return {
    // ---- access ----
    async requestAccess(requester: Requester, input: AccessRequestInput): Promise<AccessRequest> {
      const actor = actorOf(requester);
      return recorded(actor, { type: 'identity', id: input.identity }, 'access_request', input, async () => {
        const at = clock().toISOString();
        const id = await db.transaction(async (tx) => {
          const identity = await identityOf(tx, input.identity);
          if (requester.type === 'identity' && requester.id !== identity.id)
            throw new MandateError('FORBIDDEN', `identity ${requester.id} may ask for access only for itself`, { field: '/identity' });
          if (requester.type === 'user' && identity.owner !== requester.user && !rolesAllow(requester.roles, 'access:request'))
            throw new MandateError('FORBIDDEN', `only the owner of ${identity.id} (${identity.owner ?? 'none'}) or a holder of access:request may ask for access for it`, { field: '/identity' });
          checkDuration(identity, input.duration_seconds);
          const vocabulary = await checkGrant(tx, identity, input.actions, input.scope, 'access');
          const approval = await approvals.open(tx, {
            kind: 'access', subject: { type: 'identity', id: identity.id }, requester: actor, owner: identity.owner ?? null,
            summary: `${actor} asks ${input.actions.join(', ')} in ${scopeKey(input.scope)} for ${identity.id} for ${input.duration_seconds} s: ${input.justification}`,
            detail: { ...input }, risk: riskOf(identity, input.actions, [input.scope.service], vocabulary),
          }, at);
          await tx.run('INSERT INTO access_requests (id, identity_id, requester, doc, status, approval_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
            approval.id, identity.id, actor, JSON.stringify(input), 'pending', approval.id, at, at,
          ]);
          await appendEvents(tx, at, [{ actor, action: 'access_request.created', subject: { type: 'access_request', id: approval.id }, after: { ...input, approval: approval.id, required: approval.required }, reason: input.justification }]);
          return approval.id;
        });
        return (await accessRequest(db, id))!;
      });
    },

    getAccessRequest: (id: string) => accessRequest(db, id),

    async listAccessRequests(q: { identity?: string; status?: string; limit: number }): Promise<AccessRequest[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.identity) where.push('identity_id = ?'), params.push(q.identity);
      if (q.status) where.push('status = ?'), params.push(q.status);
      const rows = await db.all<{ id: string }>(`SELECT id FROM access_requests${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`, [...params, q.limit]);
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
          if (req.status !== 'active') throw new MandateError('ALREADY_DECIDED', `access request ${id} is ${req.status}: nothing to revoke`);
          await appendEvents(tx, at, await endGrants(tx, [id], 'revoked', at, actor, reason));
        });
        return (await accessRequest(db, id))!;
      });
    },

    // ---- exceptions ----
    async registerException(requester: Requester & { type: 'user' }, input: ExceptionInput): Promise<PolicyException> {
      const actor = actorOf(requester);
      return recorded(actor, { type: 'identity', id: input.identity }, 'exception', input, async () => {
        const at = clock().toISOString();
        const expires = parseTimestamp(input.expires_at);
        if (!Number.isFinite(expires) || expires <= Date.parse(at)) throw new MandateError('VALIDATION_FAILED', 'expires_at must be in the future', { field: '/expires_at' });
        if (expires - Date.parse(at) > EXCEPTION_MAX_DAYS * 24 * 3600_000)
          throw new MandateError('VALIDATION_FAILED', `an exception lasts at most ${EXCEPTION_MAX_DAYS} days: renew it when it runs out`, { field: '/expires_at' });
        const id = `ex_${randomBytes(8).toString('hex')}`;
        await db.transaction(async (tx) => {
          const identity = await identityOf(tx, input.identity);
          let vocabulary: ActionVocabulary;
          if (input.control === 'static_secret') {
            if (identity.credential.type !== 'static_secret')
              throw new MandateError('VALIDATION_FAILED', `identity ${identity.id} holds no static secret (credential.type ${identity.credential.type}): there is nothing to except`, { field: '/control' });
            vocabulary = new ActionVocabulary(await getCustomActions(tx));
          } else vocabulary = await checkGrant(tx, identity, input.actions, input.scope, 'exception');
          if (input.control === 'workload_attestation' && input.actions.every((a) => vocabulary.classOf(a) === 'observe'))
            throw new MandateError('VALIDATION_FAILED', 'attestation is required only to execute: an exception for observe actions waives nothing', { field: '/actions' });
          const approval = await approvals.open(tx, {
            kind: 'exception', subject: { type: 'exception', id }, requester: actor, owner: identity.owner ?? null,
            summary: `exception ${id}: ${identity.id} waives ${input.control} for ${input.actions.join(', ')} in ${scopeKey(input.scope)} until ${input.expires_at}`,
            detail: { ...input }, risk: riskOf(identity, input.actions, [input.scope.service], vocabulary),
          }, at);
          await tx.run('INSERT INTO policy_exceptions (id, identity_id, requester, doc, status, approval_id, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
            id, identity.id, actor, JSON.stringify(input), 'pending', approval.id, new Date(expires).toISOString(), at, at,
          ]);
          await appendEvents(tx, at, [{ actor, action: 'exception.registered', subject: { type: 'exception', id }, after: { ...input, approval: approval.id }, reason: input.justification }]);
        });
        return (await exceptionById(db, id))!;
      });
    },

    getException: (id: string) => exceptionById(db, id),

    async listExceptions(q: { status?: string; identity?: string; limit: number }): Promise<PolicyException[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.status) where.push('status = ?'), params.push(q.status);
      if (q.identity) where.push('identity_id = ?'), params.push(q.identity);
      return (await db.all<ExceptionRow>(`SELECT * FROM policy_exceptions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`, [...params, q.limit])).map(toException);
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
          else if (e.status !== 'active' && e.status !== 'expired') throw new MandateError('ALREADY_DECIDED', `exception ${id} is ${e.status}: nothing to close`);
          const ended = e.status === 'active' ? await endGrants(tx, [id], 'closed', at, actor, notes) : [];
          await tx.run("UPDATE policy_exceptions SET status = 'closed', closed_by = ?, closed_at = ?, close_notes = ?, updated_at = ? WHERE id = ?", [requester.user, at, notes, at, id]);
          await appendEvents(tx, at, [...ended, { actor, action: 'exception.closed', subject: { type: 'exception', id }, before: { status: e.status }, after: { status: 'closed' }, reason: notes }]);
        });
        return (await exceptionById(db, id))!;
      });
    },

    // ---- break-glass ----
    async unseal(requester: Requester & { type: 'user' }, identityId: string, input: UnsealInput): Promise<BreakGlassActivation> {
      const actor = actorOf(requester);
      return recorded(actor, { type: 'identity', id: identityId }, 'break_glass.unseal', input, async () => {
        const at = clock().toISOString();
        const emergency = input.emergency === true;
        const duration = input.duration_seconds ?? 3600;
        if (emergency && duration > BREAK_GLASS_EMERGENCY_CAP_S)
          throw new MandateError('VALIDATION_FAILED', `the emergency path opens at most ${BREAK_GLASS_EMERGENCY_CAP_S} s; ask for approval for longer`, { field: '/duration_seconds' });
        const id = `bg_${randomBytes(8).toString('hex')}`;
        await db.transaction(async (tx) => {
          const identity = await identityOf(tx, identityId, '/identity');
          if (!identity.break_glass) throw new MandateError('VALIDATION_FAILED', `identity ${identityId} is not a break-glass identity: ask for just-in-time access instead`, { field: '/identity' });
          if (identity.status !== 'active') throw new MandateError('INVALID_TRANSITION', `identity ${identityId} is ${identity.status}: it cannot be unsealed`, { field: '/identity' });
          const [open] = await tx.all<{ id: string; status: string }>("SELECT id, status FROM break_glass_activations WHERE identity_id = ? AND status IN ('pending', 'active')", [identityId]);
          if (open) throw new MandateError('ALREADY_EXISTS', `identity ${identityId} already has a ${open.status} activation (${open.id})`);
          const vocabulary = new ActionVocabulary(await getCustomActions(tx));
          const request = {
            kind: 'break_glass' as const, subject: { type: 'break_glass_activation', id }, requester: actor, owner: identity.owner ?? null,
            summary: `${actor} asks to unseal break-glass identity ${identityId} for ${duration} s: ${input.reason}`,
            detail: { identity: identityId, ...input }, risk: riskOf(identity, identity.actions, identity.scopes.map((s) => s.service), vocabulary),
          };
          const approval = emergency ? await approvals.openDecided(tx, request, at, `emergency path taken by ${actor}`) : await approvals.open(tx, request, at);
          await tx.run(
            `INSERT INTO break_glass_activations (id, identity_id, requester, doc, emergency, status, approval_id, review_status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, 'none', ?, ?)`,
            [id, identityId, actor, JSON.stringify({ reason: input.reason, ...(input.ticket ? { ticket: input.ticket } : {}), duration_seconds: duration }), emergency ? 1 : 0, approval.id, at, at],
          );
          const events: NewEvent[] = [{ actor, action: 'break_glass.unseal_requested', subject: { type: 'break_glass_activation', id }, after: { identity: identityId, emergency, duration_seconds: duration, approval: approval.id }, reason: input.reason }];
          if (emergency) events.push(...(await unsealNow(tx, (await activationById(tx, id))!, at, actor, `emergency path: ${input.reason}`)));
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
          if (act.review.status !== 'open') throw new MandateError('ALREADY_DECIDED', `activation ${id} has no open review (${act.review.status})`);
          if (act.requester === actor) throw new MandateError('SEPARATION_OF_DUTIES', 'the post-incident review is done by someone other than who unsealed');
          if (!requester.roles.some((r) => r === 'approver' || r === 'compliance_officer' || r === 'admin'))
            throw new MandateError('FORBIDDEN', 'a post-incident review is done by an approver, a compliance officer or an admin');
          await tx.run("UPDATE break_glass_activations SET review_status = 'done', reviewed_by = ?, reviewed_at = ?, review_notes = ?, updated_at = ? WHERE id = ?", [requester.user, at, notes, at, id]);
          await appendEvents(tx, at, [{ actor, action: 'break_glass.reviewed', subject: { type: 'break_glass_activation', id }, after: { identity: act.identity, emergency: act.emergency }, reason: notes }]);
        });
        return (await activationById(db, id))!;
      });
    },

    getActivation: (id: string) => activationById(db, id),

    async listActivations(q: { identity?: string; review?: string; limit: number }): Promise<BreakGlassActivation[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.identity) where.push('identity_id = ?'), params.push(q.identity);
      if (q.review) where.push('review_status = ?'), params.push(q.review);
      return (await db.all<ActivationRow>(`SELECT * FROM break_glass_activations${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`, [...params, q.limit])).map(toActivation);
    },

    /** Active grants: all (for the enforcement snapshot) or one identity's (for its tokens). */
    active: (identity?: string) => activeGrants(db, clock().toISOString(), identity),

    /**
     * Ends the grants whose time has come (the scheduler's tick): decisions stopped using them at
     * their expiry already; this records it, notifies, and reseals break-glass identities.
     */
    async endDue(): Promise<number> {
      const at = clock().toISOString();
      const due = await db.all<{ id: string; kind: string; identity_id: string }>("SELECT id, kind, identity_id FROM grants WHERE status = 'active' AND expires_at <= ? ORDER BY expires_at, id", [at]);
      for (const g of due) {
        await db.transaction(async (tx) => {
          const events = await endGrants(tx, [g.id], 'expired', at, 'mandate:scheduler', 'its time ran out');
          if (events.length === 0) return;
          if (g.kind === 'break_glass') {
            // Tokens issued in the window end with it already; moving the generation also stops any a clock skew let through.
            await bumpGenerations(tx, [g.identity_id], at);
            events.push({ actor: 'mandate:scheduler', action: 'break_glass.resealed', subject: { type: 'identity', id: g.identity_id }, after: { activation: g.id } });
          }
          if (g.kind === 'exception') events.push({ actor: 'mandate:scheduler', action: 'exception.expired', subject: { type: 'exception', id: g.id }, after: { identity: g.identity_id, status: 'expired' }, reason: 'its expiry passed: close it, or register a new one' });
          await appendEvents(tx, at, events);
          await notify(tx, receivers, { type: `${g.kind}.expired`, subject: { type: g.kind, id: g.id }, identity: g.identity_id, summary: `${g.kind.replace('_', '-')} ${g.id} of ${g.identity_id} expired` }, at);
        });
      }
      return due.length;
    },
  };
}
export type GrantsService = ReturnType<typeof grantsService>;
