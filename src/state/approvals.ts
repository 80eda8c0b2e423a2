// The approval engine. Whatever needs approval opens a request here inside its own transaction
// (so the request and its evidence commit with the thing it guards); people vote; when the votes
// reach what the rule requires, the kind's handler runs in the same transaction as the deciding
// vote. Refused votes (self-approval, a wrong role, a second vote, a decided or expired request)
// change nothing and are recorded.
import { randomBytes } from 'node:crypto';
import {
  personKey,
  ruleFor,
  tally,
  voteRefusal,
  type ApprovalFacts,
  type ApprovalKind,
  type ApprovalRisk,
  type ApprovalRule,
  type ApprovalStatus,
  type PriorVote,
  type VoteAuthn,
  type Voter,
} from '../core/approvals.js';
import { MandateError } from '../core/errors.js';
import type { Role } from '../core/roles.js';
import { appendEvents, type NewEvent } from '../ledger/log.js';
import { notify } from './notify.js';
import type { Database, Sql } from '../store/db.js';

export interface Approval {
  id: string;
  kind: ApprovalKind;
  subject: { type: string; id: string };
  requester: string;
  owner: string | null;
  summary: string;
  detail: Record<string, unknown>;
  rule: string;
  required: number;
  roles: Role[];
  status: ApprovalStatus;
  votes: { voter: string; decision: 'approve' | 'reject'; reason: string | null; at: string }[];
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  outcome: string | null;
  /**
   * Set when the request was decided on an emergency path (openDecided): approved with no vote, so
   * nobody approved it; the post-incident review the emergency owes, read from the record that owes
   * it (a break-glass activation, a transition). Null for a request decided by votes.
   */
  emergency: EmergencyReview | null;
}

/** The post-incident review an emergency owes: open until someone other than who took the path closes it. */
export interface EmergencyReview {
  review: 'open' | 'done' | 'none';
  reviewed_by: string | null;
  reviewed_at: string | null;
}

interface ApprovalRow {
  id: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  requester: string;
  owner: string | null;
  summary: string;
  detail: string;
  rule_id: string;
  required: number;
  roles: string;
  status: string;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  outcome: string | null;
}
interface VoteRow {
  approval_id: string;
  voter: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  at: string;
  person?: string | null;
}

/** The person behind a user: the provider identity linked to it (the first), else the user itself. */
export async function personOfUser(sql: Sql, userId: string): Promise<string> {
  const [ext] = await sql.all<{ issuer: string; subject: string }>(
    'SELECT issuer, subject FROM external_identities WHERE user_id = ? ORDER BY created_at, issuer, subject',
    [userId],
  );
  return personKey(userId, ext ?? null);
}

function toApproval(r: ApprovalRow, votes: VoteRow[]): Approval {
  return {
    id: r.id,
    kind: r.kind as ApprovalKind,
    subject: { type: r.subject_type, id: r.subject_id },
    requester: r.requester,
    owner: r.owner,
    summary: r.summary,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    rule: r.rule_id,
    required: Number(r.required),
    roles: JSON.parse(r.roles) as Role[],
    status: r.status as ApprovalStatus,
    votes: votes.map((v) => ({ voter: v.voter, decision: v.decision, reason: v.reason, at: v.at })),
    created_at: r.created_at,
    expires_at: r.expires_at,
    decided_at: r.decided_at,
    outcome: r.outcome,
    emergency: null,
  };
}

/** Decided without a vote: only the emergency paths (openDecided) do that, since every rule needs one approval or more. */
const bypassed = (a: Approval) => a.status === 'approved' && a.votes.length === 0;

/** Fills in `emergency` for the requests decided on an emergency path, from the records that owe their review. */
async function withEmergency(sql: Sql, list: Approval[]): Promise<Approval[]> {
  const open = list.filter(bypassed);
  if (!open.length) return list;
  const reviews = new Map<string, EmergencyReview>();
  const status = (s: string | null): EmergencyReview['review'] => (s === 'open' || s === 'done' ? s : 'none');
  const glass = open.filter((a) => a.kind === 'break_glass').map((a) => a.id);
  if (glass.length)
    for (const r of await sql.all<{ approval_id: string; review_status: string; reviewed_by: string | null; reviewed_at: string | null }>(
      'SELECT approval_id, review_status, reviewed_by, reviewed_at FROM break_glass_activations WHERE approval_id IN ' +
        `(${glass.map(() => '?').join(',')})`,
      glass,
    ))
      reviews.set(r.approval_id, { review: status(r.review_status), reviewed_by: r.reviewed_by, reviewed_at: r.reviewed_at });
  const transitions = open.filter((a) => a.kind === 'transition');
  if (transitions.length) {
    const rows = await sql.all<{ id: string; review_status: string | null; reviewed_by: string | null }>(
      `SELECT id, review_status, reviewed_by FROM transitions WHERE id IN (${transitions.map(() => '?').join(',')})`,
      transitions.map((a) => a.subject.id),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const a of transitions) {
      const r = byId.get(a.subject.id);
      // A transition records who reviewed it, not when.
      if (r) reviews.set(a.id, { review: status(r.review_status), reviewed_by: r.reviewed_by, reviewed_at: null });
    }
  }
  return list.map((a) =>
    bypassed(a) ? { ...a, emergency: reviews.get(a.id) ?? { review: 'none', reviewed_by: null, reviewed_at: null } } : a,
  );
}

export interface OpenRequest {
  kind: ApprovalKind;
  subject: { type: string; id: string };
  /** `user:<id>` or `identity:<id>`. */
  requester: string;
  /** The owner (a person's id) of the identity the request concerns. */
  owner?: string | null;
  summary: string;
  detail: Record<string, unknown>;
  risk: ApprovalRisk;
  /** The request's id, when what it guards shares it (an access request is its own approval). */
  id?: string;
}

/** What each kind of request does when it is decided, inside the deciding transaction. */
export interface ApprovalHandler {
  approved(tx: Sql, approval: Approval, at: string): Promise<NewEvent[]>;
  rejected?(tx: Sql, approval: Approval, at: string): Promise<NewEvent[]>;
  expired?(tx: Sql, approval: Approval, at: string): Promise<NewEvent[]>;
  /** Withdrawn before it was decided (its requester revoked it, or what it guards went away). */
  cancelled?(tx: Sql, approval: Approval, at: string): Promise<NewEvent[]>;
  /** After the deciding transaction commits (e.g. to run a long cascade in its own transaction). */
  afterCommit?(approval: Approval): Promise<void>;
}

export const newApprovalId = (): string => `ap_${randomBytes(8).toString('hex')}`;

export interface ApprovalEngineDeps {
  db: Database;
  clock: () => Date;
  /** The approval rules in force (read at each request: a firm's file can change them). */
  approvalRules: () => readonly ApprovalRule[];
  /** Notification webhooks told of new requests, decisions and expiries. */
  notificationReceivers?: readonly string[];
}

export function approvalEngine({ db, clock, approvalRules: rules, notificationReceivers: receivers = [] }: ApprovalEngineDeps) {
  const handlers = new Map<ApprovalKind, ApprovalHandler>();

  async function load(sql: Sql, id: string, lock = false): Promise<Approval | undefined> {
    const [row] = await sql.all<ApprovalRow>(
      `SELECT * FROM approvals WHERE id = ?${lock && sql.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (!row) return undefined;
    const votes = await sql.all<VoteRow>('SELECT * FROM approval_votes WHERE approval_id = ? ORDER BY at, voter', [id]);
    return (await withEmergency(sql, [toApproval(row, votes)]))[0];
  }

  async function loadMany(sql: Sql, rows: ApprovalRow[]): Promise<Approval[]> {
    if (rows.length === 0) return [];
    const votes = await sql.all<VoteRow>(
      `SELECT * FROM approval_votes WHERE approval_id IN (${rows.map(() => '?').join(',')}) ORDER BY at, voter`,
      rows.map((r) => r.id),
    );
    return withEmergency(
      sql,
      rows.map((r) =>
        toApproval(
          r,
          votes.filter((v) => v.approval_id === r.id),
        ),
      ),
    );
  }

  const facts = (a: Approval): ApprovalFacts => ({
    id: a.id,
    kind: a.kind,
    status: a.status,
    requester: a.requester,
    owner: a.owner,
    required: a.required,
    roles: a.roles,
    expires_at: a.expires_at,
  });

  async function finish(
    tx: Sql,
    a: Approval,
    status: 'approved' | 'rejected' | 'expired' | 'cancelled',
    at: string,
    actor: string,
    outcome: string,
  ): Promise<Approval> {
    await tx.run('UPDATE approvals SET status = ?, decided_at = ?, outcome = ? WHERE id = ?', [status, at, outcome, a.id]);
    const done: Approval = { ...a, status, decided_at: at, outcome };
    const handler = handlers.get(a.kind);
    const more =
      status === 'approved'
        ? await handler?.approved(tx, done, at)
        : status === 'rejected'
          ? await handler?.rejected?.(tx, done, at)
          : status === 'expired'
            ? await handler?.expired?.(tx, done, at)
            : await handler?.cancelled?.(tx, done, at);
    await appendEvents(tx, at, [
      {
        actor,
        action: `approval.${status}`,
        subject: { type: 'approval', id: a.id },
        before: { status: 'pending' },
        after: { status, kind: a.kind, subject: a.subject, votes: done.votes.map((v) => ({ voter: v.voter, decision: v.decision })) },
        reason: outcome,
      },
      ...(more ?? []),
    ]);
    await notify(
      tx,
      receivers,
      {
        type: `approval.${status}`,
        subject: { type: 'approval', id: a.id },
        summary: `${a.summary}: ${status}`,
        detail: { kind: a.kind, about: a.subject, outcome },
      },
      at,
    );
    return done;
  }

  return {
    register(kind: ApprovalKind, handler: ApprovalHandler): void {
      handlers.set(kind, handler);
    },

    rules,

    /** Opens a request in the caller's transaction; answers it (pending). */
    async open(tx: Sql, req: OpenRequest, at: string): Promise<Approval> {
      const rule = ruleFor(rules(), req.kind, req.risk);
      const id = req.id ?? newApprovalId();
      const expires = new Date(Date.parse(at) + rule.expires_after_seconds * 1000).toISOString();
      await tx.run(
        `INSERT INTO approvals (id, kind, subject_type, subject_id, requester, owner, summary, detail, rule_id, required, roles, status,
          created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
        [
          id,
          req.kind,
          req.subject.type,
          req.subject.id,
          req.requester,
          req.owner ?? null,
          req.summary,
          JSON.stringify(req.detail),
          rule.id,
          rule.approvals,
          JSON.stringify(rule.roles),
          at,
          expires,
        ],
      );
      await appendEvents(tx, at, [
        {
          actor: req.requester,
          action: 'approval.requested',
          subject: { type: 'approval', id },
          after: {
            kind: req.kind,
            subject: req.subject,
            rule: rule.id,
            required: rule.approvals,
            roles: rule.roles,
            expires_at: expires,
            risk: req.risk,
          },
          reason: req.summary,
        },
      ]);
      await notify(
        tx,
        receivers,
        {
          type: 'approval.requested',
          subject: { type: 'approval', id },
          summary: req.summary,
          detail: {
            kind: req.kind,
            about: req.subject,
            requester: req.requester,
            required: rule.approvals,
            roles: rule.roles,
            expires_at: expires,
          },
        },
        at,
      );
      return (await load(tx, id))!;
    },

    /** Records an approval decided at once (the emergency path), so every decision has its row. */
    async openDecided(tx: Sql, req: OpenRequest, at: string, outcome: string): Promise<Approval> {
      const a = await this.open(tx, req, at);
      await tx.run("UPDATE approvals SET status = 'approved', decided_at = ?, outcome = ? WHERE id = ?", [at, outcome, a.id]);
      await appendEvents(tx, at, [
        {
          actor: req.requester,
          action: 'approval.bypassed',
          subject: { type: 'approval', id: a.id },
          after: { kind: req.kind, subject: req.subject },
          reason: outcome,
        },
      ]);
      return (await load(tx, a.id))!;
    },

    /**
     * One person's vote. Answers the request as it stands after the vote. Separation of duties
     * compares the people behind the requester, the earlier votes and this one (personOfUser, or the
     * session's issuer and subject); `authn`, how a signed-in voter signed in, goes into the vote's event.
     */
    async vote(
      voter: Voter & { authn?: VoteAuthn },
      id: string,
      decision: 'approve' | 'reject',
      reason: string | undefined,
    ): Promise<Approval> {
      const actor = `user:${voter.user}`;
      const { authn, ...who } = voter;
      let refusal: MandateError | undefined;
      const result = await db
        .transaction(async (tx): Promise<Approval> => {
          const at = clock().toISOString();
          const a = await load(tx, id, true);
          if (!a) throw new MandateError('NOT_FOUND', `no approval with id ${id}`);
          const person = who.person ?? (authn ? personKey(who.user, authn) : await personOfUser(tx, who.user));
          const rows = await tx.all<VoteRow>('SELECT voter, person FROM approval_votes WHERE approval_id = ?', [id]);
          const prior: PriorVote[] = [];
          for (const r of rows) prior.push({ user: r.voter, person: r.person ?? (await personOfUser(tx, r.voter)) });
          const requesterPerson = a.requester.startsWith('user:') ? await personOfUser(tx, a.requester.slice(5)) : undefined;
          refusal = voteRefusal({ ...facts(a), ...(requesterPerson ? { requesterPerson } : {}) }, { ...who, person }, prior, clock());
          if (refusal) {
            // A vote on an expired request expires it, so the requester learns and the grant never comes.
            if (refusal.code === 'REQUEST_EXPIRED' && a.status === 'pending')
              await finish(tx, a, 'expired', at, 'mandate:scheduler', 'expired before it was decided');
            await appendEvents(tx, at, [
              {
                actor,
                action: `approval.${decision}.refused`,
                subject: { type: 'approval', id },
                after: { code: refusal.code, detail: refusal.message, kind: a.kind, about: a.subject },
              },
            ]);
            return a;
          }
          await tx.run('INSERT INTO approval_votes (approval_id, voter, decision, reason, at, person) VALUES (?, ?, ?, ?, ?, ?)', [
            id,
            voter.user,
            decision,
            reason ?? null,
            at,
            person,
          ]);
          const votes = [...a.votes, { voter: voter.user, decision, reason: reason ?? null, at }];
          const withVote: Approval = { ...a, votes };
          await appendEvents(tx, at, [
            {
              actor,
              action: `approval.vote_${decision === 'approve' ? 'approved' : 'rejected'}`,
              subject: { type: 'approval', id },
              after: {
                kind: a.kind,
                about: a.subject,
                votes: votes.length,
                required: a.required,
                person,
                ...(authn
                  ? {
                      authn: {
                        issuer: authn.issuer,
                        subject: authn.subject,
                        session: authn.session,
                        acr: authn.acr,
                        amr: [...authn.amr],
                        auth_time: authn.auth_time,
                      },
                    }
                  : {}),
              },
              ...(reason ? { reason } : {}),
            },
          ]);
          const outcome = tally(a.required, votes);
          if (outcome === 'pending') return withVote;
          return finish(
            tx,
            withVote,
            outcome,
            at,
            actor,
            outcome === 'approved'
              ? `approved by ${votes.map((v) => v.voter).join(', ')}`
              : `rejected by ${voter.user}${reason ? `: ${reason}` : ''}`,
          );
        })
        .catch(async (err: unknown) => {
          // What the request guards could not be done (say the scope was withdrawn meanwhile): the
          // vote and everything with it rolled back; the attempt is still evidence.
          if (err instanceof MandateError && err.refusal && err.code !== 'NOT_FOUND') {
            await db.transaction((tx) =>
              appendEvents(tx, clock().toISOString(), [
                {
                  actor,
                  action: `approval.${decision}.refused`,
                  subject: { type: 'approval', id },
                  after: { code: err.code, detail: err.message },
                },
              ]),
            );
          }
          throw err;
        });
      if (refusal) throw refusal;
      if (result.status !== 'pending') await handlers.get(result.kind)?.afterCommit?.(result);
      return result;
    },

    /** Withdraws a pending request (its requester changed their mind, or what it guards went away). */
    async cancel(tx: Sql, id: string, actor: string, why: string): Promise<void> {
      const a = await load(tx, id, true);
      if (a && a.status === 'pending') await finish(tx, a, 'cancelled', clock().toISOString(), actor, why);
    },

    get: (id: string, sql: Sql = db) => load(sql, id),

    /**
     * Requests, newest first. `pendingFor`: only those this person could decide now (the inbox),
     * i.e. pending, not expired, not theirs, not about their identity, their role fits, not yet voted.
     */
    async list(q: { status?: ApprovalStatus; kind?: ApprovalKind; pendingFor?: Voter; limit: number }): Promise<Approval[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.pendingFor) where.push("status = 'pending'");
      else if (q.status) {
        where.push('status = ?');
        params.push(q.status);
      }
      if (q.kind) {
        where.push('kind = ?');
        params.push(q.kind);
      }
      const rows = await db.all<ApprovalRow>(
        `SELECT * FROM approvals${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`,
        [...params, q.pendingFor ? 5000 : q.limit],
      );
      let items = await loadMany(db, rows);
      if (q.pendingFor) {
        const voter = q.pendingFor;
        const now = clock();
        items = items
          .filter(
            (a) =>
              !voteRefusal(
                facts(a),
                voter,
                a.votes.map((v) => v.voter),
                now,
              ),
          )
          .slice(0, q.limit);
      }
      return items;
    },

    /** Expires pending requests past their time (the scheduler's tick). Answers how many. */
    async expireDue(): Promise<number> {
      const due = await db.all<{ id: string }>(
        "SELECT id FROM approvals WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at, id",
        [clock().toISOString()],
      );
      let n = 0;
      for (const { id } of due) {
        const done = await db.transaction(async (tx) => {
          const a = await load(tx, id, true);
          if (a?.status !== 'pending') return undefined;
          return finish(tx, a, 'expired', clock().toISOString(), 'mandate:scheduler', 'not decided in time');
        });
        if (done) n++;
      }
      return n;
    },
  };
}
export type ApprovalEngine = ReturnType<typeof approvalEngine>;
