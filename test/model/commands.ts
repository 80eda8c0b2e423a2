// The commands of the model-based test: each asks the real server something over HTTP, says what
// the model expects (the answer, and the new state), updates the model, and runs every check.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  AUTH_TRANSITIONS,
  ACCESS_CAPS,
  classOf,
  powerGains,
  powerSnapshot,
  SHIPPED_RULES,
  type AuthStatus,
  type LifecycleRulesDoc,
  type MApproval,
  type MIdentity,
  type Model,
  PRODUCT_ONLY_ACTIONS,
  PRODUCT_TRANSITIONS,
} from './model.js';
import { Discrepancy, type Real, type Res } from './harness.js';
import {
  ADMINS,
  ALL_SCOPES,
  isProduct,
  key,
  OPERATORS,
  OWNER_A,
  PRODUCT_RESOURCES,
  PRODUCT_STATUS_LIST,
  PROPOSERS,
  SAMPLE_PRODUCT_ACTIONS,
  servicesOf,
  USERS,
  VENDOR,
  VOTERS,
  bootstrapManifest,
  sk,
  type ProductStatus,
} from './world.js';

type Cmd = fc.AsyncCommand<Model, Real>;

const STATUSES: readonly AuthStatus[] = ['applied', 'authorised', 'restricted', 'suspended', 'withdrawn', 'wind_down', 'closed'];
const DENIED_SETS: readonly string[][] = [['initiate_transfer'], ['onboard_client', 'accept_order'], ['execute_trade'], []];
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;
const roleOf = (user: string) => USERS[user] ?? [];

/** Compares an answer with what the model expects: a status and, for a refusal, its problem code. */
function expectAnswer(what: string, res: Res, want: { status: number | number[]; code?: string }): void {
  const statuses = [want.status].flat();
  if (!statuses.includes(res.status) || (want.code && res.body?.code !== want.code))
    throw new Discrepancy(
      'ANSWER',
      `${what}: expected ${statuses.join('/')}${want.code ? ` ${want.code}` : ''}, got ${res.status} ` +
        `${JSON.stringify(res.body).slice(0, 400)}`,
    );
}

/** Before/after snapshot of what a cascade did, by effect, in the model. */
function effectsOf(m: Model, before: ReturnType<typeof powerSnapshot>, ids: readonly string[]) {
  const after = powerSnapshot(m);
  const out = { suspend: new Set<string>(), narrow: new Set<string>(), restore: new Set<string>(), unchanged: new Set<string>() };
  for (const id of ids) {
    const b = before.get(id)!;
    const a = after.get(id)!;
    if (b.status === a.status && b.recorded === a.recorded) out.unchanged.add(id);
    else if (b.status === 'active' && a.status === 'suspended') out.suspend.add(id);
    else if (b.status === 'suspended' && a.status === 'active') out.restore.add(id);
    else if (a.recorded === 'full') out.restore.add(id);
    // Status unchanged, lawful set changed (an identity already suspended included): narrowed again.
    else out.narrow.add(id);
  }
  return out;
}

/** The identity events written since a ledger position, by action. */
async function identityEventsSince(r: Real, seq: number): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  for (;;) {
    const res = await r.call(
      'admin',
      'GET',
      `/v1/events?subject_type=identity&order=desc&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    let done = false;
    for (const e of res.body.items) {
      if (e.seq <= seq) {
        done = true;
        break;
      }
      out.push(e);
    }
    if (done || !res.body.next_cursor) return out;
    cursor = res.body.next_cursor;
  }
}

/**
 * Applies a transition on both sides and checks the impact preview (taken just before) against
 * what the cascade then wrote (counts per effect, the identities per effect), and against the model.
 */
async function applyAndCompare(
  m: Model,
  r: Real,
  named: string[],
  to: AuthStatus,
  denied: string[],
  reference: string,
  go: () => Promise<Res>,
  /** A product's transition (CRA): the product, and `to` is a product status. */
  product?: string,
): Promise<Res> {
  const preview = product
    ? await r.call('carla', 'GET', `/v1/products/${product}/impact?to=${to}`)
    : named.length === 1
      ? await r.call(
          'carla',
          'GET',
          `/v1/authorisations/${named[0]}/impact?to=${to}` +
            `${to === 'restricted' && denied.length ? `&denied_actions=${denied.join(',')}` : ''}`,
        )
      : undefined;
  if (preview && preview.status !== 200) throw new Discrepancy('PREVIEW', `impact preview refused: ${JSON.stringify(preview.body)}`);
  const seq = await r.topSeq();
  const res = await go();
  if (res.status >= 300) return res;
  const before = powerSnapshot(m);
  let acting: string[];
  if (product) acting = m.applyProductTransition(product, to as unknown as ProductStatus, reference);
  else {
    const scopes = m.applyTransition(named, to, denied, reference);
    acting = [...m.identities.values()].filter((i) => i.scopes.some((s) => scopes.has(key(s)))).map((i) => i.id);
  }
  const modelEffects = effectsOf(m, before, acting);
  const subject = product ?? named[0];
  const result = res.body.result;
  if (!result || res.body.status !== 'applied')
    throw new Discrepancy('TRANSITION', `the transition did not apply: ${JSON.stringify(res.body).slice(0, 400)}`);
  if (preview) {
    const p = preview.body;
    const events = await identityEventsSince(r, seq);
    const written = (action: string) =>
      new Set(events.filter((e) => e.action === action && String(e.reason ?? '').includes(res.body.id)).map((e) => e.subject.id));
    const sets: [string, Set<string>, Set<string>][] = [
      ['suspend', new Set(p.suspended.map((x: any) => x.identity)), written('identity.suspended')],
      ['narrow', new Set(p.narrowed.map((x: any) => x.identity)), written('identity.narrowed')],
      ['restore', new Set(p.restored.map((x: any) => x.identity)), written('identity.restored')],
    ];
    for (const [effect, previewed, done] of sets) {
      if ([...previewed].sort().join() !== [...done].sort().join())
        throw new Discrepancy(
          'PREVIEW_VS_CASCADE',
          `${subject} → ${to}: the preview said ${effect} ${[...previewed].sort().join(',') || 'none'}, the cascade wrote ` +
            `${[...done].sort().join(',') || 'none'}`,
        );
    }
    if (JSON.stringify(p.counts) !== JSON.stringify(result.counts))
      throw new Discrepancy(
        'PREVIEW_VS_CASCADE',
        `${subject} → ${to}: preview counts ${JSON.stringify(p.counts)}, cascade ${JSON.stringify(result.counts)}`,
      );
    for (const [effect, previewed] of sets) {
      const modelled = modelEffects[effect as 'suspend'];
      if ([...previewed].sort().join() !== [...modelled].sort().join() && !m.tolerates('PREVIEW_VS_MODEL'))
        throw new Discrepancy(
          'PREVIEW_VS_MODEL',
          `${subject} → ${to}: the preview says ${effect} ${[...previewed].sort().join(',') || 'none'}, the model ` +
            `${[...modelled].sort().join(',') || 'none'}`,
        );
    }
  }
  return res;
}

// ---- transitions ---------------------------------------------------------------------------

export class Propose implements Cmd {
  constructor(
    readonly who: number,
    readonly auth: number,
    readonly toPick: number,
    readonly valid: boolean,
    readonly denied: number,
    readonly also: number | null,
    readonly emergency: boolean,
    /** Effective in half an hour rather than now (not on the emergency path). */
    readonly later = false,
  ) {}
  private plan(m: Readonly<Model>) {
    const auths = [...m.auths.values()];
    const a = pick(auths, this.auth);
    const to = this.valid ? pick(AUTH_TRANSITIONS[a.status], this.toPick) : pick(STATUSES, this.toPick);
    const other = this.also === null ? undefined : pick(auths, this.also);
    const named = other && other.id !== a.id ? [a.id, other.id] : [a.id];
    const who = this.emergency ? pick([...ADMINS, 'carla'], this.who) : pick([...PROPOSERS, 'boss', 'olga'], this.who);
    return { a, to, named, who, denied: to === 'restricted' ? pick(DENIED_SETS, this.denied) : [] };
  }
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const { to, named, who, denied } = this.plan(m);
    r.advance(1000);
    m.now = r.clock.now;
    const reference = `ref-${r.steps}`;
    const body = {
      to,
      reason: 'model-based test',
      reference,
      ...(denied.length ? { denied_actions: denied } : {}),
      ...(named.length > 1 ? { also: named.slice(1) } : {}),
      ...(this.emergency ? { emergency: true } : {}),
    } as Record<string, unknown>;
    const later = this.later && !this.emergency ? m.now + 1800_000 : undefined;
    if (later) body.effective_at = new Date(later).toISOString();
    const what = `${who} proposes ${named.join('+')} → ${to}${this.emergency ? ' (emergency)' : ''}${later ? ' in 30 min' : ''}`;
    const post = () => r.call(who, 'POST', `/v1/authorisations/${named[0]}/transitions`, body);
    const refused =
      roleOf(who).includes('operator') || (this.emergency && !roleOf(who).includes('admin'))
        ? 'FORBIDDEN'
        : !named.every((id) => AUTH_TRANSITIONS[m.auths.get(id)!.status].includes(to))
          ? 'INVALID_TRANSITION'
          : undefined;
    if (refused) {
      expectAnswer(what, await post(), { status: refused === 'FORBIDDEN' ? 403 : 409, code: refused });
    } else if (this.emergency) {
      m.growthBy = 'the emergency path';
      const res = await applyAndCompare(m, r, named, to, denied, reference, post);
      expectAnswer(what, res, { status: 201 });
      m.transitions.set(res.body.id, {
        id: res.body.id,
        named,
        to,
        denied,
        proposer: who,
        emergency: true,
        status: 'applied',
        approval: '',
        decidedBy: who,
        review: 'open',
        reference,
      });
    } else {
      const res = await post();
      expectAnswer(what, res, { status: 201 });
      if (res.body.status !== 'pending') throw new Discrepancy('TRANSITION', `${what}: ${res.body.status}, not pending`);
      const approval = `tr:${res.body.id}`;
      m.transitions.set(res.body.id, {
        id: res.body.id,
        named,
        to,
        denied,
        proposer: who,
        emergency: false,
        status: 'pending',
        approval,
        review: 'none',
        reference,
        ...(later ? { effectiveAt: later } : {}),
      });
      m.openApproval(approval, 'transition', res.body.id, who, null, {
        execute: true,
        services: named.map((id) => m.auths.get(id)!.service),
      });
    }
    await r.check(m, what);
  }
  toString(): string {
    return `Propose(${this.who},${this.auth},${this.toPick},${this.valid},${this.denied},${this.also},${this.emergency})`;
  }
}

export class Review implements Cmd {
  constructor(
    readonly pickN: number,
    readonly who: number,
  ) {}
  private target(m: Readonly<Model>) {
    return [...m.transitions.values()].filter((t) => t.emergency);
  }
  check(m: Readonly<Model>): boolean {
    return this.target(m).length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const t = pick(this.target(m), this.pickN);
    const who = pick(['anton', 'alma', ...ADMINS, 'carla'], this.who);
    r.advance(1000);
    m.now = r.clock.now;
    const res = await r.call(who, 'POST', `/v1/transitions/${t.id}/review`, { notes: 'reviewed by the model' });
    const what = `${who} reviews emergency transition ${t.id}`;
    if (!roleOf(who).some((x) => x === 'approver' || x === 'admin')) expectAnswer(what, res, { status: 403, code: 'FORBIDDEN' });
    else if (t.review !== 'open') expectAnswer(what, res, { status: 409 });
    else if (who === t.decidedBy) expectAnswer(what, res, { status: 403, code: 'FORBIDDEN' });
    else {
      expectAnswer(what, res, { status: 200 });
      t.review = 'done';
    }
    await r.check(m, what);
  }
  toString(): string {
    return `Review(${this.pickN},${this.who})`;
  }
}

// ---- votes ---------------------------------------------------------------------------------

export class Vote implements Cmd {
  constructor(
    readonly pickN: number,
    readonly voter: number,
    readonly reject: boolean,
  ) {}
  private pending(m: Readonly<Model>): MApproval[] {
    return [...m.approvals.values()].filter((a) => a.status === 'pending');
  }
  check(m: Readonly<Model>): boolean {
    const list = this.pending(m);
    return list.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const a = pick(this.pending(m), this.pickN);
    const voter = pick(VOTERS, this.voter);
    const decision = this.reject ? 'reject' : 'approve';
    r.advance(1000);
    m.now = r.clock.now;
    const url = a.kind === 'transition' ? `/v1/transitions/${a.subject}/${decision}` : `/v1/approvals/${a.id}/${decision}`;
    const what =
      `${voter} ${decision}s ${a.kind} ${a.subject} (${a.votes.length}/${a.required}, requester ${a.requester}, owner ` +
      `${a.owner ?? 'none'})`;
    // The transition routes ask for the approve permission before anything else.
    const refusal =
      a.kind === 'transition' && !roleOf(voter).some((x) => x === 'approver' || x === 'admin')
        ? 'FORBIDDEN'
        : m.voteRefusal(a, voter, roleOf(voter));
    const send = () => r.call(voter, 'POST', url, { reason: 'model vote' });
    if (refusal) {
      const res = await send();
      expectAnswer(what, res, { status: refusal === 'ALREADY_DECIDED' || refusal === 'REQUEST_EXPIRED' ? 409 : 403, code: refusal });
      if (refusal === 'REQUEST_EXPIRED') m.expire(a);
    } else if (this.reject) {
      const res = await send();
      expectAnswer(what, res, { status: 200 });
      a.status = 'rejected';
      if (a.kind === 'transition') m.transitions.get(a.subject)!.status = 'rejected';
      if (a.kind === 'access') m.grants.get(a.subject)!.status = 'rejected';
      if (a.kind === 'break_glass') m.activations.get(a.subject)!.status = 'rejected';
      const c = m.changes.get(a.subject);
      if (c) c.status = 'rejected';
    } else if (a.votes.length + 1 < a.required) {
      const res = await send();
      expectAnswer(what, res, { status: 200 });
      if ((res.body.status ?? res.body.approval?.status) !== 'pending')
        throw new Discrepancy(
          'APPROVAL',
          `${what}: ${JSON.stringify(res.body).slice(0, 300)} after ${a.votes.length + 1} of ${a.required} approvals`,
        );
      a.votes.push(voter);
    } else {
      await this.decide(m, r, a, voter, send, what);
    }
    await r.check(m, what);
  }

  /** The deciding vote: what the request guards happens, or, if it can no longer, the vote is refused and nothing changes. */
  private async decide(m: Model, r: Real, a: MApproval, voter: string, send: () => Promise<Res>, what: string): Promise<void> {
    const done = () => {
      a.votes.push(voter);
      a.status = 'approved';
      m.growthBy = `approval ${a.id}`;
    };
    switch (a.kind) {
      case 'transition': {
        const t = m.transitions.get(a.subject)!;
        const valid = t.product ? m.productTransitionValid(t.product, t.productTo!) : m.transitionValid(t.named, t.to);
        if (t.effectiveAt !== undefined && t.effectiveAt > m.now) {
          // Scheduled: approved now, applied by the scheduler at its time.
          const res = await send();
          expectAnswer(what, res, { status: 200 });
          if (res.body.status !== 'approved')
            throw new Discrepancy('TRANSITION', `${what}: a transition due later is ${res.body.status}, not approved`);
          done();
          t.status = 'approved';
          return;
        }
        if (!valid) {
          const res = await send();
          expectAnswer(`${what}, which can no longer apply`, res, { status: 409, code: 'INVALID_TRANSITION' });
          const after = await r.call('admin', 'GET', `/v1/transitions/${t.id}`);
          if (after.body.status !== 'pending')
            throw new Discrepancy(
              'STALE_TRANSITION_APPROVED',
              `${what}: refused, but the transition is now ${after.body.status} (its approval committed; it can never apply)`,
            );
          return;
        }
        const res = await applyAndCompare(m, r, t.named, (t.productTo ?? t.to) as AuthStatus, t.denied, t.reference, send, t.product);
        expectAnswer(what, res, { status: 200 });
        done();
        t.status = 'applied';
        return;
      }
      case 'access': {
        const g = m.grants.get(a.subject)!;
        const i = m.identities.get(g.identity)!;
        const refusal = m.grantRefusal(i, g.actions, ALL_SCOPES.find((s) => sk(s) === g.scope)!);
        const res = await send();
        if (refusal) {
          expectAnswer(`${what}, which can no longer be granted`, res, refusal);
          return;
        }
        expectAnswer(what, res, { status: 200 });
        done();
        g.status = 'active';
        g.expiresAt = m.now + g.duration * 1000;
        return;
      }
      case 'break_glass': {
        const act = m.activations.get(a.subject)!;
        const res = await send();
        if (m.identities.get(act.identity)!.status !== 'active') {
          expectAnswer(`${what}, whose identity is not active`, res, { status: 409, code: 'INVALID_TRANSITION' });
          return;
        }
        expectAnswer(what, res, { status: 200 });
        done();
        act.status = 'active';
        act.endsAt = m.now + act.duration * 1000;
        act.review = 'open';
        return;
      }
      case 'identity_change': {
        const c = m.changes.get(a.subject)!;
        const current = await r.call('admin', 'GET', `/v1/identities/${c.identity!.id}`);
        const res = await send();
        if ((current.status === 404 ? 0 : current.body.version) !== c.baseVersion) {
          expectAnswer(`${what}, whose identity changed since`, res, { status: 412, code: 'PRECONDITION_FAILED' });
          return;
        }
        expectAnswer(what, res, { status: 200 });
        done();
        c.status = 'applied';
        if (m.identities.has(c.identity!.id)) applyEdit(m, c.identity!);
        else await createIdentity(m, r, c.identity!);
        return;
      }
      case 'lifecycle_rules_change': {
        const c = m.changes.get(a.subject)!;
        const res = await send();
        if (c.baseVersion !== m.rulesVersion) {
          expectAnswer(`${what}, based on an older version`, res, { status: 412, code: 'PRECONDITION_FAILED' });
          return;
        }
        expectAnswer(what, res, { status: 200 });
        done();
        c.status = 'applied';
        m.rules = c.rules!;
        m.rulesVersion++;
        // New rules change what is lawful for everyone: recomputed as a cascade over every identity.
        m.cascade([...m.identities.keys()], new Set());
        return;
      }
      case 'policy_change': {
        const c = m.changes.get(a.subject)!;
        const res = await send();
        if (c.baseVersion !== m.policyVersion) {
          expectAnswer(`${what}, based on an older version`, res, { status: 412, code: 'PRECONDITION_FAILED' });
          return;
        }
        expectAnswer(what, res, { status: 200 });
        done();
        c.status = 'applied';
        m.policyVersion++;
        m.forbidStagingTransfers = c.forbid!;
        return;
      }
      default:
        throw new Error(`no model for ${a.kind}`);
    }
  }
  toString(): string {
    return `Vote(${this.pickN},${this.voter},${this.reject})`;
  }
}

// ---- identity status -----------------------------------------------------------------------

export class SetStatus implements Cmd {
  constructor(
    readonly idPick: number,
    readonly suspend: boolean,
    readonly who: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const i = pick([...m.identities.values()], this.idPick);
    const who = pick(OPERATORS, this.who);
    const to = this.suspend ? 'suspended' : 'active';
    r.advance(1000);
    m.now = r.clock.now;
    const what = `${who} sets ${i.id} (${i.status}) ${to}`;
    const res = await r.call(who, 'POST', `/v1/identities/${i.id}/status`, { status: to, reason: 'model-based test' });
    if (i.status === to) expectAnswer(what, res, { status: 200 });
    else if (to === 'suspended') {
      expectAnswer(what, res, { status: 200 });
      i.status = 'suspended';
      m.suspendedBy.set(i.id, 'manual');
      m.cut(new Set(), new Set([i.id]));
    } else if (m.recorded.get(i.id)?.outcome === 'suspend') {
      // What the lifecycle took (nothing lawful remains), no reactivation by hand gives back.
      expectAnswer(what, res, { status: 409, code: 'INVALID_TRANSITION' });
    } else {
      expectAnswer(what, res, { status: 200 });
      i.status = 'active';
      m.suspendedBy.delete(i.id);
      m.growthBy = 'reactivation by hand';
    }
    await r.check(m, what);
  }
  toString(): string {
    return `SetStatus(${this.idPick},${this.suspend},${this.who})`;
  }
}

// ---- identity edits (PUT with If-Match) and imports ----------------------------------------

export const EDIT_KINDS = [
  'add_scope',
  'remove_scope',
  'add_action',
  'remove_action',
  'environment',
  'vendor',
  'break_glass',
  'capability',
  'purpose',
] as const;
const EXTRA_ACTIONS = [
  'initiate_transfer',
  'withdraw_to_client',
  'reconcile',
  'onboard_client',
  'accept_order',
  'execute_trade',
  'transfer_to_successor',
  'issue_statement',
];

/** An edit of an identity's record, or undefined when it does not apply to this identity. */
export function edited(i: MIdentity, kind: number, param: number): MIdentity | undefined {
  const e: MIdentity = structuredClone(i);
  switch (EDIT_KINDS[kind % EDIT_KINDS.length]) {
    case 'add_scope': {
      const free = ALL_SCOPES.filter((s) => !i.scopes.some((x) => key(x) === sk(s)));
      if (!free.length) return undefined;
      e.scopes.push({ ...pick(free, param) });
      break;
    }
    case 'remove_scope':
      if (i.scopes.length < 2) return undefined;
      e.scopes.splice(param % i.scopes.length, 1);
      // A product action needs a product scope (docs/cra.md): such a record is refused, not generated.
      if (e.actions.some((a) => PRODUCT_ONLY_ACTIONS.has(a)) && !e.scopes.some(isProduct)) return undefined;
      break;
    case 'add_action': {
      if (i.capability === 'observe') return undefined;
      const free = EXTRA_ACTIONS.filter((a) => !i.actions.includes(a));
      if (!free.length) return undefined;
      e.actions.push(pick(free, param));
      break;
    }
    case 'remove_action':
      if (i.actions.length < 2) return undefined;
      e.actions.splice(param % i.actions.length, 1);
      break;
    case 'environment':
      e.environment = i.environment === 'production' ? 'staging' : 'production';
      break;
    case 'vendor':
      if (i.vendor) delete e.vendor;
      else e.vendor = VENDOR;
      break;
    case 'break_glass':
      e.break_glass = !i.break_glass;
      break;
    case 'capability':
      if (i.capability === 'execute') {
        e.capability = 'observe';
        e.actions = ['read'];
      } else {
        e.capability = 'execute';
        e.actions = [...i.actions, 'reconcile'];
      }
      break;
    case 'purpose':
      e.purpose = `${i.purpose}.`;
      break;
  }
  return e;
}

/** An edit applied: the record changes (status kept), its power is recomputed with it. */
export function applyEdit(m: Model, after: MIdentity): void {
  const i = m.identities.get(after.id)!;
  const status = i.status;
  Object.assign(i, structuredClone(after), { status });
  if (!after.vendor) delete i.vendor;
  m.edited.add(i.id);
  // An edit never reactivates: what the lifecycle suspended only a change of its authorisations
  // restores, and the lifecycle keeps its claim (docs/lifecycle.md).
  m.recorded.set(i.id, m.recompute(i.id));
}

/** A new identity, created: active, its power recorded; its workload bound so it can get tokens. */
async function createIdentity(m: Model, r: Real, i: MIdentity): Promise<void> {
  m.identities.set(i.id, { ...structuredClone(i), status: 'active' });
  m.recorded.set(i.id, m.recompute(i.id));
  m.edited.add(i.id);
  r.prevPower.set(i.id, { status: 'active', recorded: 'none yet' });
  const c = await r.call('admin', 'POST', `/v1/identities/${i.id}/credentials`, {
    type: 'oidc',
    issuer: 'model-k8s',
    subject: `sa:${i.id}`,
  });
  if (c.status !== 201)
    throw new Discrepancy('ANSWER', `binding the workload of new identity ${i.id}: ${c.status} ${JSON.stringify(c.body).slice(0, 300)}`);
}

/** Identities a sequence may create: an execute one where client assets move (two approvers), an observe one (one). */
export const NEW_IDENTITIES: readonly MIdentity[] = [
  {
    id: 'new-cus',
    kind: 'workload',
    function: 'custody',
    capability: 'execute',
    owner: OWNER_A,
    purpose: 'model identity new-cus',
    environment: 'production',
    break_glass: false,
    scopes: [ALL_SCOPES[0]!, ALL_SCOPES[1]!],
    actions: ['read', 'initiate_transfer', 'withdraw_to_client'],
    credential: { type: 'short_lived', created: '2026-01-01T00:00:00Z' },
    revocation: { connector: 'manual', target: 't-new-cus' },
    status: 'active',
  },
  {
    id: 'new-obs',
    kind: 'service_account',
    function: 'reporting',
    capability: 'observe',
    owner: 'omar@firm.example',
    purpose: 'model identity new-obs',
    environment: 'production',
    break_glass: false,
    scopes: [ALL_SCOPES[4]!],
    actions: ['read'],
    credential: { type: 'short_lived', created: '2026-01-01T00:00:00Z' },
    revocation: { connector: 'manual', target: 't-new-obs' },
    status: 'active',
  },
];

export class CreateIdentity implements Cmd {
  constructor(
    readonly which: number,
    readonly viaImport: boolean,
    readonly who: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    return !m.identities.has(pick(NEW_IDENTITIES, this.which).id);
  }
  async run(m: Model, r: Real): Promise<void> {
    const i = structuredClone(pick(NEW_IDENTITIES, this.which));
    const { status: _s, ...record } = i;
    r.advance(1000);
    m.now = r.clock.now;
    const who = this.viaImport ? 'carla' : pick(OPERATORS, this.who);
    const what = `${who} creates ${i.id}${this.viaImport ? ' by import' : ''}`;
    let change: { id: string; approval: string; required?: number } | undefined;
    if (this.viaImport) {
      const man = manifestOf(m);
      man.identities.push(record);
      const res = await r.call(who, 'POST', '/v1/import', man);
      expectAnswer(what, res, { status: 200 });
      const held = ((res.body.pending ?? []) as any[]).find((p) => p.id === i.id);
      if (!held)
        throw new Discrepancy(
          'CREATE_NOT_HELD',
          `${what}: a new active identity with power is not held for approval: ${JSON.stringify(res.body).slice(0, 400)}`,
        );
      change = { id: held.change_request, approval: held.approval, required: held.required };
    } else {
      const res = await r.call(who, 'POST', '/v1/identities', record);
      if (res.status !== 202)
        throw new Discrepancy(
          'CREATE_NOT_HELD',
          `${what}: expected 202 and a change request, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
        );
      change = { id: res.body.id, approval: res.body.approval.id, required: res.body.approval.required };
    }
    m.changes.set(change.id, {
      id: change.id,
      kind: 'identity_change',
      approval: change.approval,
      status: 'pending',
      baseVersion: 0,
      identity: i,
    });
    const a = m.openApproval(change.approval, 'identity_change', change.id, who, i.owner, {
      execute: i.capability === 'execute',
      services: servicesOf(i.scopes),
    });
    if (change.required !== undefined && change.required !== a.required)
      throw new Discrepancy('APPROVAL_RULE', `${what}: ${change.required} approvals required, model ${a.required}`);
    await r.check(m, what);
  }
  toString(): string {
    return `CreateIdentity(${this.which},${this.viaImport},${this.who})`;
  }
}

/** Edits whose outcome the documents leave open are not generated: an active identity left with no execute power. */
function editAllowed(m: Readonly<Model>, i: MIdentity, e: MIdentity | undefined): e is MIdentity {
  if (!e) return false;
  if (i.status === 'active' && (m as Model).outcome(e).outcome === 'suspend') return false;
  return true;
}

/** The request for an edit that adds power: what the model expects, and the pending change it keeps. */
function holdEdit(
  m: Model,
  requester: string,
  before: MIdentity,
  after: MIdentity,
  id: string,
  approvalId: string,
  baseVersion: number,
): MApproval {
  m.changes.set(id, {
    id,
    kind: 'identity_change',
    approval: approvalId,
    status: 'pending',
    baseVersion,
    identity: structuredClone(after),
  });
  return m.openApproval(approvalId, 'identity_change', id, requester, before.owner, {
    execute: after.capability === 'execute',
    services: servicesOf(after.scopes),
  });
}

export class Edit implements Cmd {
  constructor(
    readonly idPick: number,
    readonly kind: number,
    readonly param: number,
    readonly who: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    const i = pick([...m.identities.values()], this.idPick);
    return editAllowed(m, i, edited(i, this.kind, this.param));
  }
  async run(m: Model, r: Real): Promise<void> {
    const i = pick([...m.identities.values()], this.idPick);
    const e = edited(i, this.kind, this.param)!;
    const who = pick(OPERATORS, this.who);
    r.advance(1000);
    m.now = r.clock.now;
    const cur = await r.call(who, 'GET', `/v1/identities/${i.id}`);
    const { version, created_at: _c, updated_at: _u, ...record } = cur.body;
    const body = {
      ...record,
      scopes: e.scopes,
      actions: e.actions,
      environment: e.environment,
      break_glass: e.break_glass,
      capability: e.capability,
      purpose: e.purpose,
    };
    if (e.vendor) body.vendor = e.vendor;
    else delete body.vendor;
    const what = `${who} edits ${i.id}: ${EDIT_KINDS[this.kind % EDIT_KINDS.length]}`;
    const res = await r.call(who, 'PUT', `/v1/identities/${i.id}`, body, { 'if-match': cur.headers.get('etag')! });
    const gains = powerGains(m, i, e);
    if (gains.length) {
      if (res.status !== 202)
        throw new Discrepancy(
          'EDIT_ADDS_POWER_APPLIED',
          `${what} adds power (${gains.join('; ')}): expected 202 and a change request, got ${res.status} ` +
            `${JSON.stringify(res.body).slice(0, 300)}`,
        );
      const a = holdEdit(m, who, i, e, res.body.id, res.body.approval.id, version);
      if (res.body.kind !== 'identity_change' || res.body.status !== 'pending' || res.body.approval.required !== a.required)
        throw new Discrepancy('ANSWER', `${what}: change request ${JSON.stringify(res.body).slice(0, 400)}, model required ${a.required}`);
    } else {
      expectAnswer(`${what} (adds no power)`, res, { status: 200 });
      applyEdit(m, e);
    }
    await r.check(m, what);
  }
  toString(): string {
    return `Edit(${this.idPick},${this.kind},${this.param},${this.who})`;
  }
}

/** The manifest of the world as the model knows it (statuses of identities left out: they belong to the lifecycle). */
function manifestOf(m: Model): any {
  const base = bootstrapManifest() as any;
  base.authorisations = [...m.auths.values()].map((a) => ({
    id: a.id,
    entity: a.entity,
    service: a.service,
    jurisdiction: a.jurisdiction,
    status: a.status,
    basis: a.basis,
    reference: a.reference,
    ...(a.denied ? { conditions: { denied_actions: a.denied } } : {}),
  }));
  base.identities = [...m.identities.values()].map(({ status: _s, ...rest }) => structuredClone(rest));
  for (const p of base.products as any[]) {
    const mp = m.products.get(p.id)!;
    p.status = mp.status;
    if (mp.reference !== undefined) p.reference = mp.reference;
  }
  return base;
}

export class ImportStatusChange implements Cmd {
  constructor(
    readonly authPick: number,
    readonly statusPick: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const man = manifestOf(m);
    const a = pick(man.authorisations as any[], this.authPick);
    const to = pick(
      STATUSES.filter((s) => s !== a.status),
      this.statusPick,
    );
    a.status = to;
    r.advance(1000);
    m.now = r.clock.now;
    const what = `carla imports ${a.id} as ${to}`;
    const res = await r.call('carla', 'POST', '/v1/import', man);
    if (![409, 422].includes(res.status) || JSON.stringify(res.body).indexOf('STATUS_CHANGE_NEEDS_TRANSITION') < 0)
      throw new Discrepancy(
        'IMPORT_STATUS_CHANGE_ACCEPTED',
        `${what}: expected a refusal STATUS_CHANGE_NEEDS_TRANSITION, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
      );
    const issues = (res.body.errors ?? res.body.issues ?? []) as any[];
    if (
      !issues.some(
        (x) => x.field?.endsWith('/status') && (x.record === a.id || x.id === a.id || String(x.field).startsWith('/authorisations/')),
      )
    )
      throw new Discrepancy(
        'ANSWER',
        `${what}: the refusal does not name the record and /status: ${JSON.stringify(res.body).slice(0, 400)}`,
      );
    await r.check(m, what);
  }
  toString(): string {
    return `ImportStatusChange(${this.authPick},${this.statusPick})`;
  }
}

export class ImportEdit implements Cmd {
  constructor(
    readonly idPick: number,
    readonly kind: number,
    readonly param: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    const i = pick([...m.identities.values()], this.idPick);
    return editAllowed(m, i, edited(i, this.kind, this.param));
  }
  async run(m: Model, r: Real): Promise<void> {
    const i = pick([...m.identities.values()], this.idPick);
    const e = edited(i, this.kind, this.param)!;
    const man = manifestOf(m);
    const idx = man.identities.findIndex((x: any) => x.id === i.id);
    const { status: _s, ...rec } = structuredClone(e);
    man.identities[idx] = rec;
    r.advance(1000);
    m.now = r.clock.now;
    const cur = await r.call('admin', 'GET', `/v1/identities/${i.id}`);
    const what = `carla imports ${i.id} with ${EDIT_KINDS[this.kind % EDIT_KINDS.length]}`;
    const res = await r.call('carla', 'POST', '/v1/import', man);
    expectAnswer(what, res, { status: 200 });
    const gains = powerGains(m, i, e);
    const held = ((res.body.pending ?? []) as any[]).find((p) => p.id === i.id);
    if (gains.length) {
      if (!held)
        throw new Discrepancy(
          'EDIT_ADDS_POWER_APPLIED',
          `${what} adds power (${gains.join('; ')}) but is not held for approval: ${JSON.stringify(res.body).slice(0, 400)}`,
        );
      const a = holdEdit(m, 'carla', i, e, held.change_request, held.approval, cur.body.version);
      if (held.required !== undefined && held.required !== a.required)
        throw new Discrepancy('ANSWER', `${what}: held for ${held.required} approvals, model ${a.required}`);
    } else {
      if (held) throw new Discrepancy('ANSWER', `${what} adds no power but was held: ${JSON.stringify(held)}`);
      if (JSON.stringify(i) !== JSON.stringify({ ...e, status: i.status })) applyEdit(m, e);
    }
    await r.check(m, what);
  }
  toString(): string {
    return `ImportEdit(${this.idPick},${this.kind},${this.param})`;
  }
}

export class ImportSame implements Cmd {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.advance(1000);
    m.now = r.clock.now;
    const res = await r.call('cora', 'POST', '/v1/import', manifestOf(m));
    expectAnswer('cora imports the world as it is', res, { status: 200 });
    if (res.body.counts.created || res.body.counts.updated || res.body.pending?.length)
      throw new Discrepancy(
        'IMPORT_NOT_IDEMPOTENT',
        `importing the world as it is changed something: ${JSON.stringify(res.body).slice(0, 400)}`,
      );
    await r.check(m, 'import the world as it is');
  }
  toString(): string {
    return 'ImportSame()';
  }
}

// ---- just-in-time access -------------------------------------------------------------------

const ACCESS_ACTIONS = ['withdraw_to_client', 'initiate_transfer', 'reconcile', 'read', 'onboard_client', 'execute_trade'];
const DURATIONS = [600, 1800, 7200, 3 * 3600];

export class RequestAccess implements Cmd {
  constructor(
    readonly idPick: number,
    readonly action: number,
    readonly scope: number,
    readonly duration: number,
    readonly who: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const i = pick([...m.identities.values()], this.idPick);
    const action = pick(ACCESS_ACTIONS, this.action);
    const scope = pick(ALL_SCOPES, this.scope);
    const duration = pick(DURATIONS, this.duration);
    const who = pick(['olga', 'carla', OWNER_A, 'anton'], this.who);
    r.advance(1000);
    m.now = r.clock.now;
    const what = `${who} asks ${action} in ${sk(scope)} for ${i.id} for ${duration} s`;
    const res = await r.call(who, 'POST', '/v1/access-requests', {
      identity: i.id,
      actions: [action],
      scope,
      duration_seconds: duration,
      justification: 'model-based test',
    });
    const refusal =
      i.owner !== who && !roleOf(who).some((x) => x === 'operator' || x === 'compliance_officer' || x === 'admin')
        ? { status: 403, code: 'FORBIDDEN' }
        : duration > ACCESS_CAPS[i.function]!
          ? { status: 400, code: 'VALIDATION_FAILED' }
          : m.grantRefusal(i, [action], scope);
    if (refusal) expectAnswer(what, res, refusal);
    else {
      expectAnswer(what, res, { status: 201 });
      m.grants.set(res.body.id, {
        id: res.body.id,
        identity: i.id,
        actions: [action],
        scope: sk(scope),
        duration,
        requester: who,
        status: 'pending',
      });
      const a = m.openApproval(res.body.id, 'access', res.body.id, who, i.owner, {
        execute: classOf(action) !== 'observe',
        services: [scope.service],
      });
      if (res.body.approval?.required !== a.required)
        throw new Discrepancy('APPROVAL_RULE', `${what}: ${res.body.approval?.required} approvals required, model ${a.required}`);
    }
    await r.check(m, what);
  }
  toString(): string {
    return `RequestAccess(${this.idPick},${this.action},${this.scope},${this.duration},${this.who})`;
  }
}

export class RevokeAccess implements Cmd {
  constructor(
    readonly pickN: number,
    readonly who: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    return m.grants.size > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const g = pick([...m.grants.values()], this.pickN);
    const who = pick(['olga', 'carla'], this.who);
    r.advance(1000);
    m.now = r.clock.now;
    const what = `${who} revokes access request ${g.id} (${g.status})`;
    const res = await r.call(who, 'POST', `/v1/access-requests/${g.id}/revoke`, { reason: 'model-based test' });
    if (g.status === 'pending') {
      expectAnswer(what, res, { status: 200 });
      // Withdrawn before anyone decided: the request is cancelled with its approval.
      m.approvals.get(g.id)!.status = 'cancelled';
      g.status = 'cancelled';
    } else if (g.status === 'active') {
      expectAnswer(what, res, { status: 200 });
      g.status = 'ended';
    } else expectAnswer(what, res, { status: 409, code: 'ALREADY_DECIDED' });
    const after = await r.call('admin', 'GET', `/v1/access-requests/${g.id}`);
    if (after.body.status !== g.status)
      throw new Discrepancy(
        g.status === 'cancelled' ? 'REVOKED_REQUEST_STAYS_PENDING' : 'ACCESS_STATUS',
        `${what}: the request is ${after.body.status} on the server, ${g.status} in the model`,
      );
    await r.check(m, what);
  }
  toString(): string {
    return `RevokeAccess(${this.pickN},${this.who})`;
  }
}

// ---- break-glass ---------------------------------------------------------------------------

export class Unseal implements Cmd {
  constructor(
    readonly bg: boolean,
    readonly emergency: boolean,
    readonly duration: number,
    readonly who: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = this.bg ? 'bg-cus' : 'agent';
    const i = m.identities.get(id)!;
    const duration = pick([900, 3600, 5400], this.duration);
    const who = pick(OPERATORS, this.who);
    r.advance(1000);
    m.now = r.clock.now;
    const what = `${who} unseals ${id}${this.emergency ? ' (emergency)' : ''} for ${duration} s`;
    const res = await r.call(who, 'POST', `/v1/break-glass/${id}/unseal`, {
      reason: 'model-based test',
      duration_seconds: duration,
      ...(this.emergency ? { emergency: true } : {}),
    });
    const open = [...m.activations.values()].find((a) => a.identity === id && (a.status === 'pending' || a.status === 'active'));
    if (this.emergency && duration > 3600) expectAnswer(what, res, { status: 400, code: 'VALIDATION_FAILED' });
    else if (!i.break_glass) expectAnswer(what, res, { status: 400, code: 'VALIDATION_FAILED' });
    else if (i.status !== 'active') expectAnswer(what, res, { status: 409, code: 'INVALID_TRANSITION' });
    else if (open) expectAnswer(`${what} while ${open.id} is ${open.status}`, res, { status: 409, code: 'ALREADY_EXISTS' });
    else {
      expectAnswer(what, res, { status: 201 });
      const act = {
        id: res.body.id,
        identity: id,
        requester: who,
        emergency: this.emergency,
        duration,
        approval: res.body.approval_id,
        status: 'pending' as const,
        review: 'none' as const,
      };
      m.activations.set(act.id, act);
      if (this.emergency) {
        Object.assign(act, { status: 'active', endsAt: m.now + duration * 1000, review: 'open' });
      } else {
        const a = m.openApproval(res.body.approval_id, 'break_glass', act.id, who, i.owner, {
          execute: i.actions.some((x) => classOf(x) !== 'observe'),
          services: servicesOf(i.scopes),
        });
        const got = await r.call('admin', 'GET', `/v1/approvals/${res.body.approval_id}`);
        if (got.body.required !== a.required)
          throw new Discrepancy('APPROVAL_RULE', `${what}: ${got.body.required} approvals required, model ${a.required}`);
      }
    }
    await r.check(m, what);
  }
  toString(): string {
    return `Unseal(${this.bg},${this.emergency},${this.duration},${this.who})`;
  }
}

export class Seal implements Cmd {
  constructor(
    readonly pickN: number,
    readonly who: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    return m.activations.size > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const act = pick([...m.activations.values()], this.pickN);
    const who = pick(OPERATORS, this.who);
    r.advance(1000);
    m.now = r.clock.now;
    const what = `${who} seals ${act.id} (${act.status})`;
    const res = await r.call(who, 'POST', `/v1/break-glass/activations/${act.id}/seal`, { reason: 'model-based test' });
    if (act.status === 'pending') {
      expectAnswer(what, res, { status: 200 });
      // Sealed before anyone decided: the activation is cancelled with its approval.
      m.approvals.get(act.approval)!.status = 'cancelled';
      act.status = 'cancelled';
    } else if (act.status === 'active') {
      expectAnswer(what, res, { status: 200 });
      act.status = 'ended';
    } else expectAnswer(what, res, { status: 409, code: 'ALREADY_DECIDED' });
    const after = await r.call('admin', 'GET', `/v1/break-glass/activations/${act.id}`);
    if (after.body.status !== act.status)
      throw new Discrepancy(
        act.status === 'cancelled' ? 'SEALED_ACTIVATION_STAYS_PENDING' : 'ACTIVATION_STATUS',
        `${what}: the activation is ${after.body.status} on the server, ${act.status} in the model`,
      );
    await r.check(m, what);
  }
  toString(): string {
    return `Seal(${this.pickN},${this.who})`;
  }
}

export class ReviewBreakGlass implements Cmd {
  constructor(
    readonly pickN: number,
    readonly who: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    return [...m.activations.values()].some((a) => a.review !== 'none');
  }
  async run(m: Model, r: Real): Promise<void> {
    const act = pick(
      [...m.activations.values()].filter((a) => a.review !== 'none'),
      this.pickN,
    );
    const who = pick(['olga', 'anton', 'carla', 'otto'], this.who);
    r.advance(1000);
    m.now = r.clock.now;
    const what = `${who} reviews break-glass use ${act.id} (${act.review}, unsealed by ${act.requester})`;
    const res = await r.call(who, 'POST', `/v1/break-glass/activations/${act.id}/review`, { notes: 'model-based test' });
    if (act.review !== 'open') expectAnswer(what, res, { status: 409, code: 'ALREADY_DECIDED' });
    else if (act.requester === who) expectAnswer(what, res, { status: 403, code: 'SEPARATION_OF_DUTIES' });
    else if (!roleOf(who).some((x) => x === 'approver' || x === 'compliance_officer' || x === 'admin'))
      expectAnswer(what, res, { status: 403, code: 'FORBIDDEN' });
    else {
      expectAnswer(what, res, { status: 200 });
      act.review = 'done';
    }
    await r.check(m, what);
  }
  toString(): string {
    return `ReviewBreakGlass(${this.pickN},${this.who})`;
  }
}

// ---- time and the scheduler ----------------------------------------------------------------

const STEPS_MS = [60_000, 10 * 60_000, 31 * 60_000, 2 * 3600_000 + 1000];

export class Tick implements Cmd {
  constructor(readonly dt: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const ms = pick(STEPS_MS, this.dt);
    r.advance(ms);
    m.now = r.clock.now;
    // Approved transitions whose time has come apply first, in order of their time.
    const due = [...m.transitions.values()]
      .filter((t) => t.status === 'approved' && t.effectiveAt !== undefined && t.effectiveAt <= m.now)
      .sort((a, b) => a.effectiveAt! - b.effectiveAt!);
    let failed: unknown;
    await r.app.services.regulatory.applyDue().catch((err: unknown) => (failed = err));
    for (const t of due) {
      if (!(t.product ? m.productTransitionValid(t.product, t.productTo!) : m.transitionValid(t.named, t.to))) {
        // Overtaken before its time (docs/lifecycle.md): superseded when it falls due, it binds
        // nothing more, and the scheduler goes on with the transitions due after it.
        const got = await r.call('admin', 'GET', `/v1/transitions/${t.id}`);
        if (got.body.status !== 'superseded')
          throw new Discrepancy(
            'STALE_SCHEDULED_TRANSITION',
            `transition ${t.id} (${t.named.join('+')} → ${t.to}) fell due but can no longer apply: it is ${got.body.status}, not ` +
              `superseded${failed ? `; the scheduler failed: ${String(failed)}` : ''}`,
          );
        t.status = 'superseded';
        continue;
      }
      if (t.product) m.applyProductTransition(t.product, t.productTo!, t.reference);
      else m.applyTransition(t.named, t.to, t.denied, t.reference);
      t.status = 'applied';
      m.growthBy = `the scheduler applying ${t.id}`;
    }
    if (failed) throw new Discrepancy('SCHEDULER', `applying due transitions failed: ${String(failed)}`);
    await r.app.services.approvals.expireDue();
    await r.app.services.grants.endDue();
    m.schedulerTick();
    await r.check(m, `${ms / 1000} s pass; the scheduler runs`);
  }
  toString(): string {
    return `Tick(${this.dt})`;
  }
}

// ---- lifecycle rules -----------------------------------------------------------------------

/** New versions of the rules a compliance officer may ask for. */
export function rulesVariant(n: number): LifecycleRulesDoc {
  const r = structuredClone(SHIPPED_RULES);
  switch (n % 4) {
    case 0:
      r.description = `${r.description} (reviewed)`;
      break;
    case 1:
      r.rules = r.rules.filter((x) => x.id !== 'vendor-return-path-by-firm');
      break;
    case 2:
      r.table.withdrawn.return_path = 'deny';
      break;
    case 3:
      r.rules.unshift({
        id: 'agents-no-return-path-in-fr',
        description: 'AI agents do not return assets in France',
        when: { kind: ['ai_agent'], jurisdiction: ['FR'], action_class: ['return_path'] },
        effect: 'deny',
      });
      break;
  }
  return r;
}

export class ChangeRules implements Cmd {
  constructor(
    readonly variant: number,
    readonly who: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const rules = rulesVariant(this.variant);
    const who = pick(PROPOSERS, this.who);
    r.advance(1000);
    m.now = r.clock.now;
    const what = `${who} asks for lifecycle rules variant ${this.variant % 4}`;
    const res = await r.call(who, 'PUT', '/v1/lifecycle-rules', { rules });
    expectAnswer(what, res, { status: 202 });
    m.changes.set(res.body.id, {
      id: res.body.id,
      kind: 'lifecycle_rules_change',
      approval: res.body.approval.id,
      status: 'pending',
      baseVersion: m.rulesVersion,
      rules,
    });
    const a = m.openApproval(res.body.approval.id, 'lifecycle_rules_change', res.body.id, who, null, { execute: true, services: [] });
    if (res.body.approval.required !== a.required)
      throw new Discrepancy('APPROVAL_RULE', `${what}: ${res.body.approval.required} required, model ${a.required}`);
    await r.check(m, what);
  }
  toString(): string {
    return `ChangeRules(${this.variant},${this.who})`;
  }
}

// ---- Cedar policies ------------------------------------------------------------------------

const SHIPPED_POLICIES = readFileSync(new URL('../../policies/cedar/mandate-default.cedar', import.meta.url), 'utf8');
const FORBID =
  '\n@id("model-no-staging-transfers")\nforbid (principal, action == Mandate::Action::"initiate_transfer", resource) when { ' +
  'context.environment == "staging" };\n';

export class ChangePolicies implements Cmd {
  constructor(
    readonly forbid: boolean,
    readonly who: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const who = pick(PROPOSERS, this.who);
    r.advance(1000);
    m.now = r.clock.now;
    const what = `${who} asks for the shipped policies${this.forbid ? ' and a forbid of staging transfers' : ''}`;
    const res = await r.call(who, 'POST', '/v1/policies', { text: SHIPPED_POLICIES + (this.forbid ? FORBID : '') });
    expectAnswer(what, res, { status: 202 });
    m.changes.set(res.body.id, {
      id: res.body.id,
      kind: 'policy_change',
      approval: res.body.approval.id,
      status: 'pending',
      baseVersion: m.policyVersion,
      forbid: this.forbid,
    });
    const a = m.openApproval(res.body.approval.id, 'policy_change', res.body.id, who, null, { execute: true, services: [] });
    if (res.body.approval.required !== a.required)
      throw new Discrepancy('APPROVAL_RULE', `${what}: ${res.body.approval.required} required, model ${a.required}`);
    await r.check(m, what);
  }
  toString(): string {
    return `ChangePolicies(${this.forbid},${this.who})`;
  }
}

// ---- products (CRA) ------------------------------------------------------------------------

/** Proposes a product's status change (a target valid from its status now, or any), now or in half an hour. */
export class ProposeProduct implements Cmd {
  constructor(
    readonly who: number,
    readonly product: number,
    readonly toPick: number,
    readonly valid: boolean,
    readonly later = false,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const p = pick([...m.products.values()], this.product);
    const to = this.valid ? pick(PRODUCT_TRANSITIONS[p.status], this.toPick) : pick(PRODUCT_STATUS_LIST, this.toPick);
    const who = pick([...PROPOSERS, 'boss', 'olga'], this.who);
    r.advance(1000);
    m.now = r.clock.now;
    const reference = `ref-${r.steps}`;
    const later = this.later ? m.now + 1800_000 : undefined;
    const body: Record<string, unknown> = { to, reason: 'model-based test', reference };
    if (later) body.effective_at = new Date(later).toISOString();
    const what = `${who} proposes product ${p.id} (${p.status}) → ${to}${later ? ' in 30 min' : ''}`;
    const res = await r.call(who, 'POST', `/v1/products/${p.id}/transitions`, body);
    if (roleOf(who).includes('operator')) expectAnswer(what, res, { status: 403, code: 'FORBIDDEN' });
    else if (!PRODUCT_TRANSITIONS[p.status].includes(to)) expectAnswer(what, res, { status: 409, code: 'INVALID_TRANSITION' });
    else {
      expectAnswer(what, res, { status: 201 });
      if (res.body.status !== 'pending' || JSON.stringify(res.body.products) !== JSON.stringify([p.id]) || res.body.authorisations?.length)
        throw new Discrepancy('TRANSITION', `${what}: ${JSON.stringify(res.body).slice(0, 400)}`);
      const approval = `tr:${res.body.id}`;
      m.transitions.set(res.body.id, {
        id: res.body.id,
        named: [],
        product: p.id,
        productTo: to,
        to: to as unknown as AuthStatus,
        denied: [],
        proposer: who,
        emergency: false,
        status: 'pending',
        approval,
        review: 'none',
        reference,
        ...(later ? { effectiveAt: later } : {}),
      });
      m.openApproval(approval, 'transition', res.body.id, who, null, { execute: true, services: ['product'] });
    }
    await r.check(m, what);
  }
  toString(): string {
    return `ProposeProduct(${this.who},${this.product},${this.toPick},${this.valid},${this.later})`;
  }
}

const setOf = (list: any[] | undefined): string => [...new Set((list ?? []).map((x) => x.identity as string))].sort().join(',') || 'none';

/** The impact preview of a product status, compared with what the model says the cascade would do; it writes nothing. */
export class PreviewProduct implements Cmd {
  constructor(
    readonly product: number,
    readonly toPick: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const p = pick([...m.products.values()], this.product);
    const to = pick(PRODUCT_STATUS_LIST, this.toPick);
    r.advance(1000);
    m.now = r.clock.now;
    const what = `carla previews product ${p.id} (${p.status}) → ${to}`;
    const res = await r.call('carla', 'GET', `/v1/products/${p.id}/impact?to=${to}`);
    if (!m.productTransitionValid(p.id, to)) expectAnswer(what, res, { status: 409, code: 'INVALID_TRANSITION' });
    else {
      expectAnswer(what, res, { status: 200 });
      const want = m.productImpact(p.id, to);
      const sets: [string, any[], Set<string>][] = [
        ['suspend', res.body.suspended, want.suspend],
        ['narrow', res.body.narrowed, want.narrow],
        ['restore', res.body.restored, want.restore],
      ];
      for (const [effect, got, modelled] of sets)
        if (setOf(got) !== ([...modelled].sort().join(',') || 'none'))
          throw new Discrepancy(
            'PRODUCT_PREVIEW',
            `${what}: the preview says ${effect} ${setOf(got)}, the model ${[...modelled].sort().join(',') || 'none'}`,
          );
      const moved = (res.body.moved ?? []) as any[];
      if (to !== p.status && (moved.length !== 1 || moved[0].id !== p.id || moved[0].from !== p.status || moved[0].to !== to))
        throw new Discrepancy('PRODUCT_PREVIEW', `${what}: moved ${JSON.stringify(moved)}`);
    }
    await r.check(m, what);
  }
  toString(): string {
    return `PreviewProduct(${this.product},${this.toPick})`;
  }
}

/** An import that changes a product's status is refused whole: statuses change only by a transition (docs/cra.md). */
export class ImportProductStatusChange implements Cmd {
  constructor(
    readonly product: number,
    readonly statusPick: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const man = manifestOf(m);
    const p = pick(man.products as any[], this.product);
    const to = pick(
      PRODUCT_STATUS_LIST.filter((x) => x !== p.status),
      this.statusPick,
    );
    p.status = to;
    r.advance(1000);
    m.now = r.clock.now;
    const what = `carla imports product ${p.id} as ${to}`;
    const res = await r.call('carla', 'POST', '/v1/import', man);
    const issues = (res.body?.errors ?? res.body?.issues ?? []) as any[];
    if (
      ![409, 422].includes(res.status) ||
      JSON.stringify(res.body).indexOf('STATUS_CHANGE_NEEDS_TRANSITION') < 0 ||
      !issues.some((x) => String(x.field ?? '').endsWith('/status'))
    )
      throw new Discrepancy(
        'IMPORT_STATUS_CHANGE_ACCEPTED',
        `${what}: expected a refusal STATUS_CHANGE_NEEDS_TRANSITION naming /status, got ${res.status} ` +
          `${JSON.stringify(res.body).slice(0, 300)}`,
      );
    await r.check(m, what);
  }
  toString(): string {
    return `ImportProductStatusChange(${this.product},${this.statusPick})`;
  }
}

/** One decision on a product resource (any identity, action, channel; a product nobody recorded too), server and SDK. */
export class DecideProduct implements Cmd {
  constructor(
    readonly idPick: number,
    readonly action: number,
    readonly resource: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const i = pick([...m.identities.values()], this.idPick);
    const action = pick([...SAMPLE_PRODUCT_ACTIONS, 'read'], this.action);
    const resource = pick(PRODUCT_RESOURCES, this.resource);
    r.advance(1000);
    m.now = r.clock.now;
    const what = `${i.id} asks to ${action} in ${key(resource)}`;
    const res = await r.call('enf', 'POST', '/v1/decisions', {
      principal: { identity: i.id },
      action,
      resource,
      context: r.context(m, i.id),
    });
    expectAnswer(what, res, { status: 200 });
    const want = m.decide(i.id, action, resource);
    if (res.body.decision !== want.decision)
      throw new Discrepancy(
        'PRODUCT_DECISION',
        `${what}: the server says ${res.body.decision} (${res.body.policies?.join(',')}: ${res.body.reasons?.[0]}), the model ` +
          `${want.decision} (${want.why})`,
      );
    await r.check(m, what);
  }
  toString(): string {
    return `DecideProduct(${this.idPick},${this.action},${this.resource})`;
  }
}

// ---- the arbitrary -------------------------------------------------------------------------

const n = fc.nat({ max: 1000 });
export const commandArbitraries: fc.Arbitrary<Cmd>[] = [
  fc
    .tuple(n, n, n, fc.boolean(), n, fc.option(n, { freq: 3 }), fc.boolean())
    .map(([w, a, t, v, d, al, e]) => new Propose(w, a, t, v || t % 5 !== 0, d, al, e && w % 3 === 0, !e && d % 4 === 0)),
  fc.tuple(n, n, fc.boolean()).map(([p, v, rej]) => new Vote(p, v, rej && p % 4 === 0)),
  fc.tuple(n, n, fc.boolean()).map(([p, v, rej]) => new Vote(p, v, rej && p % 4 === 0)),
  fc.tuple(n, n).map(([p, w]) => new Review(p, w)),
  fc.tuple(n, fc.boolean(), n).map(([i, s, w]) => new SetStatus(i, s, w)),
  fc.tuple(n, n, n, n).map(([i, k, p, w]) => new Edit(i, k, p, w)),
  fc.tuple(n, n, n).map(([i, k, p]) => new ImportEdit(i, k, p)),
  fc.tuple(n, n).map(([a, s]) => new ImportStatusChange(a, s)),
  fc.constant(null).map(() => new ImportSame()),
  fc.tuple(n, n, n, n, n).map(([i, a, s, d, w]) => new RequestAccess(i, a, s, d, w)),
  fc.tuple(n, n).map(([p, w]) => new RevokeAccess(p, w)),
  fc.tuple(fc.boolean(), fc.boolean(), n, n).map(([b, e, d, w]) => new Unseal(b || d % 5 !== 0, e, d, w)),
  fc.tuple(n, n).map(([p, w]) => new Seal(p, w)),
  fc.tuple(n, n).map(([p, w]) => new ReviewBreakGlass(p, w)),
  fc.nat({ max: 3 }).map((d) => new Tick(d)),
  fc.tuple(n, n).map(([v, w]) => new ChangeRules(v, w)),
  fc.tuple(fc.boolean(), n).map(([f, w]) => new ChangePolicies(f, w)),
  fc.tuple(n, fc.boolean(), n).map(([i, v, w]) => new CreateIdentity(i, v, w)),
  // Products (CRA): their transitions are voted by the Vote commands above, like any transition.
  fc.tuple(n, n, n, fc.boolean(), fc.boolean()).map(([w, p, t, v, l]) => new ProposeProduct(w, p, t, v || t % 4 !== 0, l && w % 4 === 0)),
  fc.tuple(n, n).map(([p, t]) => new PreviewProduct(p, t)),
  fc.tuple(n, n, n).map(([i, a, res]) => new DecideProduct(i, a, res)),
  fc.tuple(n, n).map(([p, t]) => new ImportProductStatusChange(p, t)),
];
