// Regulatory state drives identity state. A compliance officer proposes a transition of one or
// more authorisations; a different person approves it; at its effective time the cascade changes
// every affected identity in one transaction with its events and outbox rows.
import { randomBytes } from 'node:crypto';
import {
  authorisationTransitionAllowed,
  expandTransition,
  productAuthority,
  productTransitionAllowed,
  type CascadePlan,
} from '../core/cascade.js';
import { MandateError } from '../core/errors.js';
import { productKey, scopeKey, type ProductAuthority, type ScopeAuthority } from '../core/lifecycle.js';
import type { Authorisation, Identity, Product } from '../core/model.js';
import { parseTimestamp } from '../core/time.js';
import { PRODUCT_STATUSES, type AuthorisationStatus, type ProductStatus } from '../core/vocabulary.js';
import { appendEvents, type NewEvent } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import { getAllRecords, getRecords, upsertRecords } from '../state/records.js';
import type { Database, Sql } from '../store/db.js';
import { planPower, refreshPower } from '../state/power.js';
import { getTransition, identityIdsInScopes, type TransitionRow } from '../state/transitions.js';
import { exploitedProducts, identityIdsForProducts } from '../state/products.js';
import type { Approval, ApprovalEngine } from '../state/approvals.js';
import type { Role } from '../core/roles.js';
import type { VoteAuthn, Voter } from '../core/approvals.js';

export interface Caller {
  user: string;
  /** The caller's roles (default: approver when canApprove, else none). */
  roles?: readonly Role[];
  canApprove: boolean;
  /** Who votes, as the approval engine compares people (http/common.ts voterOf); default: the user and roles. */
  voter?: Voter & { authn?: VoteAuthn };
}

export interface ProposalInput {
  to: AuthorisationStatus;
  reason: string;
  reference: string;
  effective_at?: string;
  deadline?: string;
  denied_actions?: string[];
  /** More authorisations moved by the same decision. */
  also?: string[];
  /** Applies at once on this caller's sole approval, and opens a mandatory review. */
  emergency?: boolean;
}

/** A proposed change of a product's status (CRA). */
export interface ProductProposalInput {
  to: ProductStatus;
  reason: string;
  reference: string;
  effective_at?: string;
}

export interface Transition {
  id: string;
  /** The authorisations it moves (MiCA); empty for a product transition. */
  authorisations: string[];
  /** The products it moves (CRA); empty for a transition of authorisations. */
  products: string[];
  to: AuthorisationStatus | ProductStatus;
  reason: string;
  reference: string;
  effective_at: string;
  deadline: string | null;
  denied_actions: string[];
  emergency: boolean;
  proposer: string;
  status: TransitionRow['status'];
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  applied_at: string | null;
  result: unknown;
  review: { status: string; by: string | null; notes: string | null } | null;
  created_at: string;
}

export function toTransition(r: TransitionRow): Transition {
  const conditions = r.conditions ? (JSON.parse(r.conditions) as { denied_actions?: string[] }) : {};
  return {
    id: r.id,
    authorisations: JSON.parse(r.authorisations) as string[],
    products: r.products ? (JSON.parse(r.products) as string[]) : [],
    to: r.to_status as AuthorisationStatus | ProductStatus,
    reason: r.reason,
    reference: r.reference,
    effective_at: r.effective_at,
    deadline: r.deadline,
    denied_actions: conditions.denied_actions ?? [],
    emergency: Number(r.emergency) === 1,
    proposer: r.proposer,
    status: r.status,
    decided_by: r.decided_by,
    decided_at: r.decided_at,
    decision_reason: r.decision_reason,
    applied_at: r.applied_at,
    result: r.result ? JSON.parse(r.result) : null,
    review: r.review_status ? { status: r.review_status, by: r.reviewed_by, notes: r.review_notes } : null,
    created_at: r.created_at,
  };
}

/** What a transition would do, or did: the cascade plan with the authorisations it moves. */
export interface Impact {
  moved: { id: string; from: AuthorisationStatus | ProductStatus; to: AuthorisationStatus | ProductStatus; via: string | null }[];
  plan: CascadePlan;
  identities: Map<string, Identity>;
  rulesVersion: number;
}

// Enforcement points, the outbox deliverer and the check scheduler follow what this service commits
// through the committed signal (store/db.ts, wired in src/server/container.ts): the approval's commit pushes the
// approved restriction before the cascade starts, the cascade's commit pushes its effects.
export interface RegulatoryDeps {
  db: Database;
  clock: () => Date;
  approvals: Pick<ApprovalEngine, 'get' | 'open' | 'openDecided' | 'register' | 'vote'>;
  /** CAEP receivers told of every change of stored power the cascade makes. */
  caepReceivers?: readonly string[];
  /** Told how long each cascade took (a metric). */
  observeCascade?: (seconds: number) => void;
}

export function regulatoryService({ db, clock, approvals, caepReceivers: receivers = [], ...opts }: RegulatoryDeps) {
  // Transitions are decided by the approval engine; its verdict lands on the transition row here.
  approvals.register('transition', {
    async approved(tx, a, at) {
      // A transition that can no longer apply (its authorisation moved meanwhile) is not approved:
      // the deciding vote is refused and nothing of it commits.
      const row = await getTransition(tx, a.subject.id, true);
      if (row) {
        const t = toTransition(row);
        for (const p of await loadProducts(tx, t.products)) {
          if (p.status !== t.to && !productTransitionAllowed(p.status, t.to as ProductStatus))
            throw new MandateError(
              'INVALID_TRANSITION',
              `product ${p.id} is ${p.status} now and cannot go to ${t.to}: transition ${t.id} can no longer apply; propose it again`,
            );
        }
        for (const auth of await loadNamed(tx, t.authorisations)) {
          if (auth.status !== t.to && !authorisationTransitionAllowed(auth.status, t.to as AuthorisationStatus))
            throw new MandateError(
              'INVALID_TRANSITION',
              `authorisation ${auth.id} is ${auth.status} now and cannot go to ${t.to}: ` +
                `transition ${t.id} can no longer apply; propose it again`,
            );
        }
      }
      const by = a.votes.at(-1)?.voter ?? a.requester.replace(/^user:/, '');
      const reason =
        a.votes
          .map((v) => v.reason)
          .filter(Boolean)
          .join('; ') || null;
      await tx.run(
        "UPDATE transitions SET status = 'approved', decided_by = ?, decided_at = ?, " +
          "decision_reason = ? WHERE id = ? AND status = 'pending'",
        [by, at, reason, a.subject.id],
      );
      return [
        {
          actor: `user:${by}`,
          action: 'transition.approved',
          subject: { type: 'transition', id: a.subject.id },
          before: { status: 'pending' },
          after: { status: 'approved', approvers: a.votes.map((v) => v.voter) },
          ...(reason ? { reason } : {}),
        },
      ];
    },
    async rejected(tx, a, at) {
      const v = a.votes.at(-1)!;
      await tx.run(
        "UPDATE transitions SET status = 'rejected', decided_by = ?, decided_at = ?, " +
          "decision_reason = ? WHERE id = ? AND status = 'pending'",
        [v.voter, at, v.reason, a.subject.id],
      );
      return [
        {
          actor: `user:${v.voter}`,
          action: 'transition.rejected',
          subject: { type: 'transition', id: a.subject.id },
          before: { status: 'pending' },
          after: { status: 'rejected' },
          ...(v.reason ? { reason: v.reason } : {}),
        },
      ];
    },
    async expired(tx, a, at) {
      await tx.run("UPDATE transitions SET status = 'expired', decided_at = ? WHERE id = ? AND status = 'pending'", [at, a.subject.id]);
      return [
        {
          actor: 'mandate:scheduler',
          action: 'transition.expired',
          subject: { type: 'transition', id: a.subject.id },
          before: { status: 'pending' },
          after: { status: 'expired' },
        },
      ];
    },
    // Approval is committed first; the cascade then runs in its own transaction, and the
    // scheduler completes it after a crash, so an approved transition is never lost.
    async afterCommit(a) {
      if (a.status === 'approved') await apply(a.subject.id);
    },
  });

  async function approvalOf(sql: Sql, transitionId: string): Promise<Approval | undefined> {
    const [row] = await sql.all<{ id: string }>(
      "SELECT id FROM approvals WHERE kind = 'transition' AND subject_id = ? ORDER BY created_at DESC LIMIT 1",
      [transitionId],
    );
    return row ? approvals.get(row.id, sql) : undefined;
  }

  /** The authorisations a transition moves, their states after it (by scope) and the identities acting in them. */
  async function transitionScope(sql: Sql, named: Authorisation[], to: AuthorisationStatus, deniedActions: string[]) {
    const all = [...(await getAllRecords(sql, 'authorisation')).values()];
    const moved = expandTransition(named, all, to);
    const overrides = new Map<string, ScopeAuthority>(
      moved.map((m) => [
        scopeKey(m.authorisation),
        { id: m.authorisation.id, status: to, ...(to === 'restricted' ? { conditions: { denied_actions: deniedActions } } : {}) },
      ]),
    );
    const ids = await identityIdsInScopes(
      sql,
      moved.map((m) => m.authorisation),
    );
    return { moved: moved.map((m) => ({ id: m.authorisation.id, from: m.from, to, via: m.via })), overrides, ids };
  }

  async function impactOf(sql: Sql, named: Authorisation[], to: AuthorisationStatus, deniedActions: string[]): Promise<Impact> {
    const { moved, overrides, ids } = await transitionScope(sql, named, to, deniedActions);
    // The same reads and planner as the cascade (refreshPower): the preview is what apply() will do.
    const { plan, identities, rulesVersion } = await planPower(sql, {
      identityIds: ids,
      overrides,
      movedScopes: new Set(overrides.keys()),
    });
    return { moved, plan, identities, rulesVersion };
  }

  async function loadProducts(sql: Sql, ids: string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const found = await getRecords(sql, 'product', ids);
    for (const id of ids) if (!found.has(id)) throw new MandateError('NOT_FOUND', `no product with id ${id}`);
    return ids.map((id) => found.get(id)!.record);
  }

  /** The products a product transition moves, their states after it and the identities acting for them. */
  async function productScope(sql: Sql, named: Product[], to: ProductStatus) {
    const exploited = await exploitedProducts(sql);
    const overrides = new Map<string, ProductAuthority>(
      named.map((p) => [productKey(p.id), productAuthority({ ...p, status: to }, exploited.has(p.id))]),
    );
    const ids = await identityIdsForProducts(
      sql,
      named.map((p) => p.id),
    );
    return { moved: named.map((p) => ({ id: p.id, from: p.status, to, via: null })), overrides, ids };
  }

  async function productImpactOf(sql: Sql, named: Product[], to: ProductStatus): Promise<Impact> {
    const { moved, overrides, ids } = await productScope(sql, named, to);
    // A product transition is decided by the product (CRA) rules: their version is the one shown.
    const { plan, identities, productRulesVersion } = await planPower(sql, {
      identityIds: ids,
      overrides,
      movedScopes: new Set(overrides.keys()),
    });
    return { moved, plan, identities, rulesVersion: productRulesVersion };
  }

  /**
   * An approved transition overtaken meanwhile (another moved its authorisation or product where
   * this one cannot follow): superseded and recorded in the caller's transaction; it binds nothing more.
   */
  async function supersede(tx: Sql, t: Transition, at: string, why: string): Promise<Transition> {
    await tx.run("UPDATE transitions SET status = 'superseded', result = ? WHERE id = ?", [JSON.stringify({ superseded: why }), t.id]);
    await appendEvents(tx, at, [
      {
        actor: 'mandate:scheduler',
        action: 'transition.superseded',
        subject: { type: 'transition', id: t.id },
        before: { status: 'approved' },
        after: { status: 'superseded' },
        reason: why,
      },
    ]);
    return toTransition((await getTransition(tx, t.id))!);
  }

  /** Applies an approved product transition in the caller's transaction: the products' records, then the cascade. */
  async function applyProducts(tx: Sql, t: Transition, at: string): Promise<Transition> {
    const to = t.to as ProductStatus;
    const named = await loadProducts(tx, t.products);
    const stale = named.find((p) => p.status !== to && !productTransitionAllowed(p.status, to));
    if (stale) return supersede(tx, t, at, `product ${stale.id} is ${stale.status} now and cannot go to ${to}`);
    const scope = await productScope(tx, named, to);
    const actor = `user:${t.decided_by}`;
    const why = `transition ${t.id}: ${t.reason} (${t.reference})`;
    const events: NewEvent[] = [];
    const updated = named.map((before) => {
      const after: Product = { ...before, status: to, reference: t.reference };
      events.push({ actor, action: 'product.status_changed', subject: { type: 'product', id: before.id }, before, after, reason: why });
      return after;
    });
    await upsertRecords(tx, 'product', updated, at);
    const refreshed = await refreshPower(tx, {
      identityIds: scope.ids,
      movedScopes: new Set(scope.overrides.keys()),
      overrides: scope.overrides,
      actor,
      why,
      key: t.id,
      transition: t.id,
      at,
      receivers,
    });
    events.push(...refreshed.events);
    const result = {
      counts: refreshed.plan.counts,
      moved: scope.moved,
      outbox: refreshed.outbox,
      rules_version: refreshed.productRulesVersion,
    };
    await tx.run("UPDATE transitions SET status = 'applied', applied_at = ?, result = ? WHERE id = ?", [at, JSON.stringify(result), t.id]);
    events.push({ actor, action: 'transition.applied', subject: { type: 'transition', id: t.id }, after: result, reason: why });
    await appendEvents(tx, at, events);
    return toTransition((await getTransition(tx, t.id))!);
  }

  async function loadNamed(sql: Sql, ids: string[]): Promise<Authorisation[]> {
    const found = await getRecords(sql, 'authorisation', ids);
    for (const id of ids) if (!found.has(id)) throw new MandateError('NOT_FOUND', `no authorisation with id ${id}`);
    return ids.map((id) => found.get(id)!.record);
  }

  const recorded = refusalRecorder(db, clock);

  /** Applies an approved transition whose time has come: one transaction, all or nothing. */
  async function apply(id: string): Promise<Transition | undefined> {
    const at = clock().toISOString();
    const started = performance.now();
    const done = await db.transaction(async (tx) => {
      const row = await getTransition(tx, id, true);
      if (row?.status !== 'approved' || parseTimestamp(row.effective_at) > Date.parse(at)) return undefined;
      const t = toTransition(row);
      if (t.products.length) return applyProducts(tx, t, at);
      const to = t.to as AuthorisationStatus;
      const named = await loadNamed(tx, t.authorisations);
      // Overtaken meanwhile (another transition moved its authorisation where this one cannot
      // follow): it is superseded, recorded, and no longer binds anything; the scheduler goes on.
      const stale = named.find((a) => a.status !== to && !authorisationTransitionAllowed(a.status, to));
      if (stale) return supersede(tx, t, at, `authorisation ${stale.id} is ${stale.status} now and cannot go to ${t.to}`);
      const scope = await transitionScope(tx, named, to, t.denied_actions);
      const actor = `user:${t.decided_by}`;
      const why = `transition ${t.id}: ${t.reason} (${t.reference})`;
      const events: NewEvent[] = [];

      const all = await getAllRecords(tx, 'authorisation');
      const updated = scope.moved.map((m) => {
        const before = all.get(m.id)!;
        const after: Authorisation = { ...before, status: to, reference: t.reference };
        if (t.deadline) after.deadline = t.deadline;
        else delete after.deadline;
        if (t.to === 'restricted') after.conditions = { denied_actions: t.denied_actions };
        else delete after.conditions;
        events.push({
          actor,
          action: 'authorisation.status_changed',
          subject: { type: 'authorisation', id: m.id },
          before,
          after,
          reason: m.via ? `${why}; follows home authorisation ${m.via}` : why,
        });
        return after;
      });
      await upsertRecords(tx, 'authorisation', updated, at);

      // Every identity acting in a moved scope is recomputed and whatever changed is written:
      // statuses, identity_power, token generations, grants, outbox rows (src/state/power.ts).
      const refreshed = await refreshPower(tx, {
        identityIds: scope.ids,
        movedScopes: new Set(scope.overrides.keys()),
        overrides: scope.overrides,
        actor,
        why,
        key: t.id,
        transition: t.id,
        at,
        receivers,
      });
      events.push(...refreshed.events);
      const result = { counts: refreshed.plan.counts, moved: scope.moved, outbox: refreshed.outbox, rules_version: refreshed.rulesVersion };
      await tx.run("UPDATE transitions SET status = 'applied', applied_at = ?, result = ? WHERE id = ?", [
        at,
        JSON.stringify(result),
        t.id,
      ]);
      events.push({ actor, action: 'transition.applied', subject: { type: 'transition', id: t.id }, after: result, reason: why });
      await appendEvents(tx, at, events);
      return toTransition((await getTransition(tx, t.id))!);
    });
    // Committed, not merely planned: the figure an operator compares with the supervisor's deadline.
    if (done?.status === 'applied') opts.observeCascade?.((performance.now() - started) / 1000);
    return done;
  }

  /**
   * Records a proposed transition (of authorisations or of products) with its event and opens its
   * approval, in one transaction; `check` refuses what may not move and answers the services the
   * approval rules see. The emergency path applies it at once on the caller's sole approval.
   */
  async function proposeTransition(
    caller: Caller,
    target: { kind: 'authorisation' | 'product'; first: string; ids: string[] },
    input: ProposalInput | ProductProposalInput,
    check: (tx: Sql) => Promise<string[]>,
  ): Promise<Transition> {
    const actor = `user:${caller.user}`;
    const subject = target.kind === 'product' ? { type: 'product', id: target.first } : { type: 'transition', id: target.first };
    return recorded(actor, subject, 'transition.propose', input, async () => {
      const now = clock();
      const when = input.effective_at === undefined ? now.getTime() : parseTimestamp(input.effective_at);
      if (!Number.isFinite(when))
        throw new MandateError('VALIDATION_FAILED', `effective_at is not a real time: ${input.effective_at}`, { field: '/effective_at' });
      // Stored in UTC so the scheduler can compare times as text on both stores.
      const effective = new Date(when).toISOString();
      const mica = target.kind === 'authorisation' ? (input as ProposalInput) : undefined;
      const emergency = mica?.emergency === true;
      if (emergency && !caller.canApprove)
        throw new MandateError('FORBIDDEN', 'the emergency path needs the approver role: it applies on your sole approval');
      if (emergency && parseTimestamp(effective) > now.getTime())
        throw new MandateError('VALIDATION_FAILED', 'an emergency transition applies now; leave effective_at out', {
          field: '/effective_at',
        });
      const { ids } = target;
      const id = `tr_${randomBytes(8).toString('hex')}`;
      const at = now.toISOString();
      const moved = target.kind === 'product' ? { products: ids } : { authorisations: ids };
      await db.transaction(async (tx) => {
        const services = await check(tx);
        await tx.run(
          `INSERT INTO transitions (id, authorisations, products, to_status, reason, reference, effective_at, conditions, deadline,
            emergency, proposer, status, decided_by, decided_at, decision_reason, review_status, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            JSON.stringify(target.kind === 'authorisation' ? ids : []),
            target.kind === 'product' ? JSON.stringify(ids) : null,
            input.to,
            input.reason,
            input.reference,
            effective,
            mica?.denied_actions ? JSON.stringify({ denied_actions: mica.denied_actions }) : null,
            mica?.deadline ?? null,
            emergency ? 1 : 0,
            caller.user,
            emergency ? 'approved' : 'pending',
            emergency ? caller.user : null,
            emergency ? at : null,
            emergency ? 'emergency path' : null,
            emergency ? 'open' : null,
            at,
          ],
        );
        await appendEvents(tx, at, [
          {
            actor,
            action: emergency ? 'transition.emergency_applied_pending_review' : 'transition.proposed',
            subject: { type: 'transition', id },
            after: { ...moved, ...input },
            reason: input.reason,
          },
        ]);
        const request = {
          kind: 'transition' as const,
          subject: { type: 'transition', id },
          requester: actor,
          summary: `${actor} proposes ${target.kind === 'product' ? 'product ' : ''}${ids.join(', ')} → ${input.to} (${input.reference}): ${
            input.reason
          }`,
          detail: { ...moved, ...input },
          risk: { capability: 'execute' as const, services },
        };
        if (emergency) await approvals.openDecided(tx, request, at, `emergency path taken by ${actor}`);
        else await approvals.open(tx, request, at);
      });
      if (emergency) await apply(id);
      return toTransition((await getTransition(db, id))!);
    });
  }

  return {
    impact: async (authorisationId: string, to: AuthorisationStatus, deniedActions: string[] = []) => {
      const [named] = await loadNamed(db, [authorisationId]);
      if (named!.status !== to && !authorisationTransitionAllowed(named!.status, to))
        throw new MandateError('INVALID_TRANSITION', `authorisation ${authorisationId} is ${named!.status} and cannot go to ${to}`, {
          field: 'query:to',
        });
      return impactOf(db, [named!], to, deniedActions);
    },

    async propose(caller: Caller, authorisationId: string, input: ProposalInput): Promise<Transition> {
      const ids = [authorisationId, ...(input.also ?? []).filter((a) => a !== authorisationId)];
      return proposeTransition(caller, { kind: 'authorisation', first: authorisationId, ids }, input, async (tx) => {
        const named = await loadNamed(tx, ids);
        for (const a of named) {
          if (!authorisationTransitionAllowed(a.status, input.to as AuthorisationStatus))
            throw new MandateError(
              'INVALID_TRANSITION',
              `authorisation ${a.id} is ${a.status}; it cannot go to ${input.to}` +
                `${a.status === 'closed' ? ' without a new application' : ''}`,
              { field: '/to' },
            );
        }
        return [...new Set(named.map((a) => a.service))];
      });
    },

    /** What moving a product to a status would do (CRA): the same preview as an authorisation's. */
    async productImpact(productId: string, to: ProductStatus): Promise<Impact> {
      const [named] = await loadProducts(db, [productId]);
      if (named!.status !== to && !productTransitionAllowed(named!.status, to))
        throw new MandateError('INVALID_TRANSITION', `product ${productId} is ${named!.status} and cannot go to ${to}`, {
          field: 'query:to',
        });
      return productImpactOf(db, [named!], to);
    },

    /** Proposes a change of a product's conformity or market status (CRA), decided by four eyes like an authorisation's. */
    async proposeProduct(caller: Caller, productId: string, input: ProductProposalInput): Promise<Transition> {
      return proposeTransition(caller, { kind: 'product', first: productId, ids: [productId] }, input, async (tx) => {
        for (const p of await loadProducts(tx, [productId])) {
          if (!productTransitionAllowed(p.status, input.to))
            throw new MandateError(
              'INVALID_TRANSITION',
              `product ${p.id} is ${p.status}; it cannot go to ${input.to} (allowed: ${
                PRODUCT_STATUSES.filter((s) => productTransitionAllowed(p.status, s)).join(', ') || 'none'
              })`,
              { field: '/to' },
            );
        }
        return [];
      });
    },

    /** A vote on a proposed transition, through the approval engine (its rule says how many approvals, from whom). */
    async decide(caller: Caller, id: string, decision: 'approve' | 'reject', reason: string | undefined): Promise<Transition> {
      const row = await getTransition(db, id);
      if (!row) throw new MandateError('NOT_FOUND', `no transition with id ${id}`);
      const approval = await approvalOf(db, id);
      if (!approval) throw new MandateError('ALREADY_DECIDED', `transition ${id} is ${row.status} and has no open approval`);
      await approvals.vote(
        caller.voter ?? { user: caller.user, roles: caller.roles ?? (caller.canApprove ? ['approver'] : []) },
        approval.id,
        decision,
        reason,
      );
      return toTransition((await getTransition(db, id))!);
    },

    approvalOf: (id: string) => approvalOf(db, id),

    async review(caller: Caller, id: string, notes: string): Promise<Transition> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const row = await getTransition(tx, id, true);
        if (!row) throw new MandateError('NOT_FOUND', `no transition with id ${id}`);
        if (row.review_status !== 'open') throw new MandateError('INVALID_TRANSITION', `transition ${id} has no open review`);
        if (row.decided_by === caller.user)
          throw new MandateError('FORBIDDEN', 'the review of an emergency change is done by someone else');
        await tx.run("UPDATE transitions SET review_status = 'done', reviewed_by = ?, review_notes = ? WHERE id = ?", [
          caller.user,
          notes,
          id,
        ]);
        await appendEvents(tx, at, [
          { actor: `user:${caller.user}`, action: 'transition.reviewed', subject: { type: 'transition', id }, after: { notes } },
        ]);
        return toTransition((await getTransition(tx, id))!);
      });
    },

    async get(id: string): Promise<Transition | undefined> {
      const row = await getTransition(db, id);
      return row ? toTransition(row) : undefined;
    },

    async list(status: string | undefined, limit: number): Promise<Transition[]> {
      const rows = status
        ? await db.all<TransitionRow>('SELECT * FROM transitions WHERE status = ? ORDER BY created_at DESC, id LIMIT ?', [status, limit])
        : await db.all<TransitionRow>('SELECT * FROM transitions ORDER BY created_at DESC, id LIMIT ?', [limit]);
      return rows.map(toTransition);
    },

    /** Applies every approved transition whose effective time has passed (the scheduler's tick, and crash recovery). */
    async applyDue(): Promise<number> {
      const due = await db.all<{ id: string }>(
        "SELECT id FROM transitions WHERE status = 'approved' AND effective_at <= ? ORDER BY effective_at, id",
        [clock().toISOString()],
      );
      let n = 0;
      for (const { id } of due) if ((await apply(id))?.status === 'applied') n++;
      return n;
    },
  };
}
export type RegulatoryService = ReturnType<typeof regulatoryService>;
