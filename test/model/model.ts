// The reference model: what the documentation (docs/lifecycle.md, docs/approvals.md,
// docs/manifest.md, docs/enforcement.md), the shipped lifecycle rules and the change contract say
// the server does, written without the server's code. It imports plain vocabulary lists only; the
// lifecycle table and rules are evaluated here by a small evaluator of its own (first matching
// explicit rule, else the table), and approvals are counted here by distinct people.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_ACTIONS } from '../../src/core/vocabulary.js';
import {
  AUTHORISATIONS,
  IDENTITIES,
  isProduct,
  key,
  PRODUCTS,
  sk,
  type AnyScope,
  type IdentitySeed,
  type ProductScope,
  type ProductStatus,
  type Scope,
} from './world.js';

export type ActionClass = 'observe' | 'new_business' | 'return_path';
export type AuthStatus = 'applied' | 'authorised' | 'restricted' | 'suspended' | 'withdrawn' | 'wind_down' | 'closed';
export type ScopeState = AuthStatus | 'none';
export type Outcome = 'keep' | 'narrow' | 'suspend';
export type IdentityStatus = 'active' | 'suspended' | 'revoked' | 'decommissioned';

export const CLASS_OF: ReadonlyMap<string, ActionClass> = new Map(DEFAULT_ACTIONS.map((a) => [a.id, a.class]));
export const classOf = (action: string): ActionClass => CLASS_OF.get(action) ?? 'new_business';
/**
 * Product actions (docs/cra.md, "The vocabulary of product identities"): a product scope decides
 * these only; all but `read` and `sign_release` mean nothing in a MiCA scope.
 */
export const PRODUCT_ACTIONS: ReadonlySet<string> = new Set([
  'read',
  'read_telemetry',
  'build',
  'sign_release',
  'publish_release',
  'publish_security_update',
  'publish_advisory',
  'remote_manage',
]);
export const PRODUCT_ONLY_ACTIONS: ReadonlySet<string> = new Set([...PRODUCT_ACTIONS].filter((a) => a !== 'read' && a !== 'sign_release'));
/** Whether a scope decides an action: product actions in a product scope, every other action in a MiCA scope. */
export const decides = (s: AnyScope, action: string): boolean =>
  isProduct(s) ? PRODUCT_ACTIONS.has(action) : !PRODUCT_ONLY_ACTIONS.has(action);

// ---- lifecycle rules: a small evaluator of the table and the explicit rules ----------------------

export interface RuleWhen {
  status?: string[];
  service?: string[];
  service_not?: string[];
  jurisdiction?: string[];
  entity?: string[];
  function?: string[];
  kind?: string[];
  capability?: string[];
  environment?: string[];
  action_class?: string[];
  actions?: string[];
  vendor?: boolean;
  break_glass?: boolean;
}
export interface LifecycleRulesDoc {
  version: 1;
  id: string;
  description: string;
  table: Record<ScopeState, Record<ActionClass, 'allow' | 'deny' | 'conditions'>>;
  rules: { id: string; description: string; when: RuleWhen; effect: 'allow' | 'deny' }[];
}

export const SHIPPED_RULES: LifecycleRulesDoc = parse(
  readFileSync(new URL('../../policies/lifecycle/mica-default.yaml', import.meta.url), 'utf8'),
) as LifecycleRulesDoc;

// ---- product lifecycle rules (CRA; docs/cra.md): the same evaluator over a product's status -----

export type ProductState = ProductStatus | 'none';
export interface ProductRuleWhen {
  status?: string[];
  product?: string[];
  category?: string[];
  channel?: string[];
  exploited_vulnerability?: boolean;
  function?: string[];
  kind?: string[];
  capability?: string[];
  environment?: string[];
  action_class?: string[];
  actions?: string[];
  vendor?: boolean;
  break_glass?: boolean;
}
export interface ProductRulesDoc {
  table: Record<ProductState, Record<ActionClass, 'allow' | 'deny'>>;
  rules: { id: string; when: ProductRuleWhen; effect: 'allow' | 'deny' | 'approval' }[];
}
export const SHIPPED_PRODUCT_RULES: ProductRulesDoc = parse(
  readFileSync(new URL('../../policies/lifecycle/cra-default.yaml', import.meta.url), 'utf8'),
) as ProductRulesDoc;

/** Allowed product status changes (docs/cra.md, "Statuses and transitions"). */
export const PRODUCT_TRANSITIONS: Readonly<Record<ProductStatus, readonly ProductStatus[]>> = {
  in_development: ['assessed'],
  assessed: ['on_market', 'in_development'],
  on_market: ['support_ended', 'withdrawn', 'recalled', 'in_development'],
  support_ended: ['on_market', 'withdrawn', 'recalled'],
  withdrawn: ['on_market', 'recalled', 'support_ended'],
  recalled: ['on_market', 'withdrawn', 'support_ended'],
};

export interface MProduct {
  id: string;
  category: string;
  channels: string[];
  status: ProductStatus;
  reference?: string;
  /** An actively exploited vulnerability is open (never in the model's sequences: no reports are opened). */
  exploited: boolean;
}

/**
 * Whether an action is lawful in a product scope: the first matching rule decides (`approval`:
 * lawful, but only under an approved just-in-time grant), else the table row of the product's
 * status. A rule naming channels matches only a scope naming one of them.
 */
export function productLawful(
  rules: ProductRulesDoc,
  who: Subject,
  scope: ProductScope,
  p: MProduct | undefined,
  action: string,
): { lawful: boolean; approval: boolean; by: string } {
  const cls = classOf(action);
  const state: ProductState = p?.status ?? 'none';
  for (const r of rules.rules) {
    const w = r.when;
    const match =
      inList(w.status, state) &&
      inList(w.product, scope.product) &&
      inList(w.category, p?.category ?? '') &&
      (w.channel === undefined || (scope.channel !== undefined && w.channel.includes(scope.channel))) &&
      (w.exploited_vulnerability === undefined || w.exploited_vulnerability === (p?.exploited ?? false)) &&
      inList(w.function, who.function) &&
      inList(w.kind, who.kind) &&
      inList(w.capability, who.capability) &&
      inList(w.environment, who.environment) &&
      inList(w.action_class, cls) &&
      inList(w.actions, action) &&
      (w.vendor === undefined || w.vendor === who.vendor) &&
      (w.break_glass === undefined || w.break_glass === who.break_glass);
    if (match) return { lawful: r.effect !== 'deny', approval: r.effect === 'approval', by: r.id };
  }
  return { lawful: rules.table[state][cls] === 'allow', approval: false, by: `table:${state}.${cls}` };
}

export interface Subject {
  function: string;
  kind: string;
  capability: string;
  environment: string;
  vendor: boolean;
  break_glass: boolean;
}

const inList = (list: readonly string[] | undefined, v: string) => list === undefined || list.includes(v);

/** Whether an action is lawful: the first explicit rule whose `when` matches decides, else the table. */
export function lawful(
  rules: LifecycleRulesDoc,
  who: Subject,
  scope: Scope,
  state: ScopeState,
  denied: readonly string[] | undefined,
  action: string,
): { lawful: boolean; by: string } {
  const cls = classOf(action);
  for (const r of rules.rules) {
    const w = r.when;
    const match =
      inList(w.status, state) &&
      inList(w.service, scope.service) &&
      !(w.service_not ?? []).includes(scope.service) &&
      inList(w.jurisdiction, scope.jurisdiction) &&
      inList(w.entity, scope.entity) &&
      inList(w.function, who.function) &&
      inList(w.kind, who.kind) &&
      inList(w.capability, who.capability) &&
      inList(w.environment, who.environment) &&
      inList(w.action_class, cls) &&
      inList(w.actions, action) &&
      (w.vendor === undefined || w.vendor === who.vendor) &&
      (w.break_glass === undefined || w.break_glass === who.break_glass);
    if (match) return { lawful: r.effect === 'allow', by: r.id };
  }
  const effect = rules.table[state][cls];
  return { lawful: effect === 'allow' || (effect === 'conditions' && !(denied ?? []).includes(action)), by: `table:${state}.${cls}` };
}

// ---- the world's state ---------------------------------------------------------------------

export interface MAuth {
  id: string;
  entity: string;
  service: string;
  jurisdiction: string;
  basis: 'home' | 'passport';
  status: AuthStatus;
  reference: string;
  denied?: string[];
}

export interface MIdentity extends IdentitySeed {
  status: IdentityStatus;
}

/** What the model expects in identity_power: null when the identity holds its full entitlement. */
export interface Recorded {
  outcome: Outcome;
  lawful: Set<string>;
}

export interface MApproval {
  id: string;
  kind: 'transition' | 'access' | 'break_glass' | 'identity_change' | 'lifecycle_rules_change' | 'policy_change';
  subject: string;
  requester: string;
  owner: string | null;
  required: number;
  roles: string[];
  votes: string[];
  status: 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';
  expiresAt: number;
}

export interface MTransition {
  id: string;
  named: string[];
  to: AuthStatus;
  denied: string[];
  proposer: string;
  emergency: boolean;
  status: 'pending' | 'approved' | 'rejected' | 'applied' | 'expired' | 'superseded';
  approval: string;
  /** A product's transition (CRA): the product it moves, to a product status (`to`, then, is a ProductStatus). */
  product?: string;
  productTo?: ProductStatus;
  decidedBy?: string;
  review: 'none' | 'open' | 'done';
  reference: string;
  /** A transition scheduled for later: approved now, applied by the scheduler at its time. */
  effectiveAt?: number;
}

export interface MGrant {
  id: string;
  identity: string;
  actions: string[];
  scope: string;
  duration: number;
  requester: string;
  status: 'pending' | 'active' | 'rejected' | 'expired' | 'ended' | 'cancelled';
  expiresAt?: number;
}

export interface MActivation {
  id: string;
  identity: string;
  requester: string;
  emergency: boolean;
  duration: number;
  approval: string;
  status: 'pending' | 'active' | 'ended' | 'rejected' | 'expired' | 'cancelled';
  endsAt?: number;
  review: 'none' | 'open' | 'done';
}

export interface MChange {
  id: string;
  kind: 'identity_change' | 'lifecycle_rules_change' | 'policy_change';
  approval: string;
  status: 'pending' | 'applied' | 'rejected' | 'expired' | 'cancelled';
  baseVersion: number;
  identity?: MIdentity;
  rules?: LifecycleRulesDoc;
  forbid?: boolean;
}

/** Allowed authorisation status changes (docs/lifecycle.md). */
export const AUTH_TRANSITIONS: Readonly<Record<AuthStatus, readonly AuthStatus[]>> = {
  applied: ['authorised', 'closed'],
  authorised: ['restricted', 'suspended', 'withdrawn', 'wind_down', 'closed'],
  restricted: ['authorised', 'suspended', 'withdrawn', 'wind_down', 'closed'],
  suspended: ['authorised', 'restricted', 'withdrawn', 'wind_down', 'closed'],
  withdrawn: ['authorised', 'wind_down', 'closed'],
  wind_down: ['authorised', 'closed'],
  closed: ['applied'],
};
/** Home states that take their passports with them (docs: restricting, suspending, withdrawing, closing; and winding down). */
const TAKES_PASSPORTS: readonly AuthStatus[] = ['restricted', 'suspended', 'withdrawn', 'wind_down', 'closed'];

const HOUR = 3600;
const DAY = 24 * HOUR;
const CLIENT_ASSETS = ['custody', 'transfer'];

/**
 * The approval rule for a request (docs/approvals.md and the change contract): execute where
 * client assets move needs two approvers, everything else one; approvers or admins vote.
 */
export function approvalRule(
  kind: MApproval['kind'],
  risk: { execute: boolean; services: readonly string[] },
): { required: number; roles: string[]; expiresSec: number } {
  const assets = risk.execute && risk.services.some((s) => CLIENT_ASSETS.includes(s));
  const roles = ['approver', 'admin'];
  switch (kind) {
    case 'transition':
    case 'policy_change':
    case 'lifecycle_rules_change':
      return { required: 1, roles, expiresSec: 14 * DAY };
    case 'access':
      return assets ? { required: 2, roles, expiresSec: 8 * HOUR } : { required: 1, roles, expiresSec: 24 * HOUR };
    case 'break_glass':
      return { required: assets ? 2 : 1, roles, expiresSec: 2 * HOUR };
    case 'identity_change':
      return { required: assets ? 2 : 1, roles, expiresSec: 7 * DAY };
  }
}

/** Just-in-time access caps by function (docs: 2 hours where client assets move, up to 8 hours elsewhere). */
export const ACCESS_CAPS: Readonly<Record<string, number>> = {
  custody: 2 * HOUR,
  settlement: 2 * HOUR,
  trading: 4 * HOUR,
  reconciliation: 8 * HOUR,
  customer_support: 8 * HOUR,
  reporting: 8 * HOUR,
  infrastructure: 4 * HOUR,
  // Product identities (CRA): 2 hours where what they do reaches users' devices, 8 for product security
  // (not in docs/approvals.md yet; as the server's ACCESS_DURATION_CAPS says).
  release_engineering: 2 * HOUR,
  update_distribution: 2 * HOUR,
  device_management: 2 * HOUR,
  product_security: 8 * HOUR,
};

/** Discrepancies the model knows the server has, and tolerates (adapting to what the server does). */
export type Tolerance = ReadonlySet<string>;

export class Model {
  now: number;
  rules: LifecycleRulesDoc = structuredClone(SHIPPED_RULES);
  productRules: ProductRulesDoc = structuredClone(SHIPPED_PRODUCT_RULES);
  products = new Map<string, MProduct>();
  rulesVersion = 0;
  /** Cedar policies: versions published since the start, and whether the firm's extra forbid is in force. */
  policyVersion = 0;
  forbidStagingTransfers = false;
  auths = new Map<string, MAuth>();
  identities = new Map<string, MIdentity>();
  suspendedBy = new Map<string, 'manual' | 'lifecycle'>();
  recorded = new Map<string, Recorded | null>();
  approvals = new Map<string, MApproval>();
  transitions = new Map<string, MTransition>();
  grants = new Map<string, MGrant>();
  activations = new Map<string, MActivation>();
  changes = new Map<string, MChange>();
  /** Identities whose record a command changed (their record event is expected). */
  edited = new Set<string>();
  /** Set by a command that may grow power (an approval that decided, the emergency path, a reactivation, the scheduler). */
  growthBy: string | undefined;
  /** Discrepancies seen and tolerated in this sequence. */
  seen: string[] = [];

  constructor(
    start: number,
    readonly tolerate: Tolerance = new Set(),
  ) {
    this.now = start;
    for (const a of AUTHORISATIONS) this.auths.set(a.id, { ...a, status: a.status as AuthStatus });
    for (const p of PRODUCTS)
      this.products.set(p.id, { id: p.id, category: p.category, channels: [...p.channels], status: p.status, exploited: false });
    for (const i of IDENTITIES) this.identities.set(i.id, { ...structuredClone(i), status: 'active' });
    // The bootstrap import records what is lawful for every identity (an applied passport, say).
    for (const id of this.identities.keys()) this.recorded.set(id, this.recompute(id));
  }

  tolerates(id: string): boolean {
    return this.tolerate.has(id);
  }

  /** Follows the server on a known discrepancy, noting it was seen in this sequence. */
  follows(id: string): boolean {
    if (!this.tolerate.has(id)) return false;
    if (!this.seen.includes(id)) this.seen.push(id);
    return true;
  }

  authOf(scope: Scope): MAuth | undefined {
    for (const a of this.auths.values())
      if (a.entity === scope.entity && a.service === scope.service && a.jurisdiction === scope.jurisdiction) return a;
    return undefined;
  }

  subjectOf(i: MIdentity): Subject {
    return {
      function: i.function,
      kind: i.kind,
      capability: i.capability,
      environment: i.environment,
      vendor: i.vendor !== undefined,
      break_glass: i.break_glass,
    };
  }

  isLawful(i: MIdentity, scope: AnyScope, action: string, rules = this.rules): boolean {
    if (isProduct(scope))
      return productLawful(this.productRules, this.subjectOf(i), scope, this.products.get(scope.product), action).lawful;
    const a = this.authOf(scope);
    return lawful(rules, this.subjectOf(i), scope, a?.status ?? 'none', a?.denied, action).lawful;
  }

  /** The (scope|action) pairs an identity's entitlement holds: each scope with the actions its regime decides. */
  entitledPairs(i: MIdentity): Set<string> {
    const out = new Set<string>();
    for (const s of i.scopes) for (const a of i.actions) if (decides(s, a)) out.add(`${key(s)}|${a}`);
    return out;
  }

  /** The (scope|action) pairs lawful for an identity's entitlement now. */
  lawfulPairs(i: MIdentity, rules = this.rules): Set<string> {
    const out = new Set<string>();
    for (const s of i.scopes) for (const a of i.actions) if (decides(s, a) && this.isLawful(i, s, a, rules)) out.add(`${key(s)}|${a}`);
    return out;
  }

  /** keep / narrow / suspend (docs/lifecycle.md): observe identities are never cut. */
  outcome(i: MIdentity, rules = this.rules): { outcome: Outcome; lawful: Set<string> } {
    const pairs = this.lawfulPairs(i, rules);
    const total = this.entitledPairs(i).size;
    if (i.capability === 'observe' || pairs.size === total) return { outcome: 'keep', lawful: pairs };
    const executeLeft = [...pairs].some((p) => classOf(p.split('|')[1]!) !== 'observe');
    return { outcome: executeLeft ? 'narrow' : 'suspend', lawful: pairs };
  }

  /** What identity_power should hold for an identity from the current state (null: full power). */
  recompute(id: string): Recorded | null {
    const i = this.identities.get(id)!;
    const o = this.outcome(i);
    return o.outcome === 'keep' ? null : { outcome: o.outcome, lawful: o.lawful };
  }

  // ---- decisions ----

  activationOpen(id: string): MActivation | undefined {
    for (const a of this.activations.values()) if (a.identity === id && a.status === 'active' && a.endsAt! > this.now) return a;
    return undefined;
  }

  liveGrants(id: string): MGrant[] {
    return [...this.grants.values()].filter((g) => g.identity === id && g.status === 'active' && g.expiresAt! > this.now);
  }

  /**
   * The decision for an identity principal, with a context the default policy accepts (attested,
   * compliant device, the identity's own environment): the built-in rules, then the default Cedar
   * policies (entitled action in an own scope), then just-in-time grants (docs/enforcement.md,
   * docs/approvals.md).
   */
  decide(id: string, action: string, scope: AnyScope): { decision: 'allow' | 'deny'; why: string } {
    const i = this.identities.get(id)!;
    if (!CLASS_OF.has(action)) return { decision: 'deny', why: 'unknown action' };
    if (i.status !== 'active') return { decision: 'deny', why: 'not active' };
    if (i.break_glass && !this.activationOpen(id)) return { decision: 'deny', why: 'sealed' };
    if (isProduct(scope)) return this.decideProduct(i, action, scope);
    const execute = classOf(action) !== 'observe';
    if (execute) {
      if (i.capability === 'observe') return { decision: 'deny', why: 'observe never executes' };
      if (!this.isLawful(i, scope, action)) return { decision: 'deny', why: 'scope not lawful' };
    }
    // The firm's policies: a forbid wins over every permit, grants included.
    if (this.forbidStagingTransfers && action === 'initiate_transfer' && i.environment === 'staging')
      return { decision: 'deny', why: 'forbidden by policy' };
    // The default policies permit an entitled action in an own scope (execute: attested, compliant, own environment);
    // a product action means nothing in a MiCA scope (docs/cra.md).
    if (
      i.actions.includes(action) &&
      i.scopes.some((s) => key(s) === sk(scope)) &&
      (decides(scope, action) || this.follows('PRODUCT_ACTION_IN_MICA_SCOPE'))
    )
      return { decision: 'allow', why: 'entitled' };
    // A live just-in-time grant lends its actions in its scope; the policies are asked again.
    const g = this.liveGrants(id).find((x) => x.actions.includes(action) && x.scope === sk(scope));
    if (g) return { decision: 'allow', why: `grant ${g.id}` };
    return { decision: 'deny', why: 'no policy permits' };
  }

  /**
   * A decision on a product resource `{product, channel}` (docs/cra.md): the product's status under
   * the product rules in place of an authorisation's; an `approval` verdict needs a just-in-time
   * grant (the model's sequences lend none in product scopes); then the default policies: an
   * entitled product action in a product scope the identity holds, the product's or the channel's.
   */
  decideProduct(i: MIdentity, action: string, resource: ProductScope): { decision: 'allow' | 'deny'; why: string } {
    if (classOf(action) !== 'observe') {
      if (i.capability === 'observe') return { decision: 'deny', why: 'observe never executes' };
      const v = productLawful(this.productRules, this.subjectOf(i), resource, this.products.get(resource.product), action);
      if (!v.lawful) return { decision: 'deny', why: `not lawful (${v.by})` };
      if (v.approval) return { decision: 'deny', why: `second approval required (${v.by})` };
    }
    if (this.forbidStagingTransfers && action === 'initiate_transfer' && i.environment === 'staging')
      return { decision: 'deny', why: 'forbidden by policy' };
    const holds = i.scopes.some(
      (s) => isProduct(s) && s.product === resource.product && (s.channel === undefined || s.channel === resource.channel),
    );
    if (holds && i.actions.includes(action) && (PRODUCT_ACTIONS.has(action) || this.follows('MICA_ACTION_IN_PRODUCT_SCOPE')))
      return { decision: 'allow', why: 'entitled' };
    return { decision: 'deny', why: 'no policy permits' };
  }

  // ---- approvals ----

  /** Why this person's vote is refused now (docs/approvals.md, separation of duties), or undefined. */
  voteRefusal(a: MApproval, voter: string, roles: readonly string[]): string | undefined {
    if (a.status !== 'pending') return 'ALREADY_DECIDED';
    if (a.expiresAt <= this.now) return 'REQUEST_EXPIRED';
    if (a.requester === voter) return 'SEPARATION_OF_DUTIES';
    if (a.owner !== null && a.owner === voter) return 'SEPARATION_OF_DUTIES';
    if (!roles.some((r) => a.roles.includes(r))) return 'FORBIDDEN';
    if (a.votes.includes(voter)) return 'SEPARATION_OF_DUTIES';
    return undefined;
  }

  openApproval(
    id: string,
    kind: MApproval['kind'],
    subject: string,
    requester: string,
    owner: string | null,
    risk: { execute: boolean; services: readonly string[] },
  ): MApproval {
    const rule = approvalRule(kind, risk);
    const a: MApproval = {
      id,
      kind,
      subject,
      requester,
      owner,
      required: rule.required,
      roles: rule.roles,
      votes: [],
      status: 'pending',
      expiresAt: this.now + rule.expiresSec * 1000,
    };
    this.approvals.set(id, a);
    return a;
  }

  /** Expires what nobody decided in time; ends grants and windows whose time ran out (the scheduler). */
  schedulerTick(): void {
    for (const a of this.approvals.values()) if (a.status === 'pending' && a.expiresAt <= this.now) this.expire(a);
    for (const g of this.grants.values()) if (g.status === 'active' && g.expiresAt! <= this.now) g.status = 'expired';
    for (const act of this.activations.values()) if (act.status === 'active' && act.endsAt! <= this.now) act.status = 'ended';
  }

  expire(a: MApproval): void {
    a.status = 'expired';
    const g = this.grants.get(a.subject);
    if (a.kind === 'access' && g) g.status = 'expired';
    if (a.kind === 'transition') this.transitions.get(a.subject)!.status = 'expired';
    if (a.kind === 'break_glass') this.activations.get(a.subject)!.status = 'expired';
    const c = this.changes.get(a.subject);
    if (c) c.status = 'expired';
  }

  // ---- grants ----

  /** Cuts just-in-time grants in these scopes, and grants and windows of these identities. */
  cut(scopes: ReadonlySet<string>, identities: ReadonlySet<string>): void {
    for (const g of this.grants.values())
      if (g.status === 'active' && (scopes.has(g.scope) || identities.has(g.identity))) g.status = 'ended';
    for (const act of this.activations.values()) if (act.status === 'active' && identities.has(act.identity)) act.status = 'ended';
  }

  /** Why a grant of these actions in this scope cannot be asked for or given now (src/core grant checks as documented). */
  grantRefusal(i: MIdentity, actions: readonly string[], scope: Scope): { status: number; code: string } | undefined {
    if (i.status !== 'active') return { status: 409, code: 'INVALID_TRANSITION' };
    if (i.break_glass) return { status: 400, code: 'VALIDATION_FAILED' };
    for (const a of actions) {
      if (classOf(a) !== 'observe' && i.capability === 'observe') return { status: 400, code: 'VALIDATION_FAILED' };
      if (!this.isLawful(i, scope, a)) return { status: 409, code: 'SCOPE_NOT_LAWFUL' };
    }
    return undefined;
  }

  // ---- transitions and the cascade ----

  /** The authorisations a transition moves: the named ones, and passports following their home. */
  expand(named: readonly string[], to: AuthStatus): { id: string; from: AuthStatus; via: string | null }[] {
    const out = new Map<string, { id: string; from: AuthStatus; via: string | null }>();
    for (const id of named) out.set(id, { id, from: this.auths.get(id)!.status, via: null });
    for (const id of named) {
      const home = this.auths.get(id)!;
      if (home.basis !== 'home') continue;
      for (const p of this.auths.values()) {
        if (p.basis !== 'passport' || p.entity !== home.entity || p.service !== home.service || out.has(p.id)) continue;
        const follows = TAKES_PASSPORTS.includes(to)
          ? (p.status === 'authorised' || p.status === 'restricted') && p.status !== to
          : to === 'authorised' && p.status === home.status;
        if (follows && AUTH_TRANSITIONS[p.status].includes(to)) out.set(p.id, { id: p.id, from: p.status, via: home.id });
      }
    }
    return [...out.values()];
  }

  /** Whether a transition could apply now (each named authorisation may go to its target, or is there). */
  transitionValid(named: readonly string[], to: AuthStatus): boolean {
    return named.every((id) => {
      const s = this.auths.get(id)!.status;
      return s === to || AUTH_TRANSITIONS[s].includes(to);
    });
  }

  /**
   * Applies a transition and its cascade: the authorisations move, grants in the moved scopes are
   * cut, and every identity acting in a moved scope is recomputed (suspended when no execute
   * power remains, restored when what the lifecycle took comes back). Answers the moved scopes.
   */
  applyTransition(named: readonly string[], to: AuthStatus, denied: readonly string[], reference: string): Set<string> {
    const moved = this.expand(named, to);
    const scopes = new Set<string>();
    for (const m of moved) {
      const a = this.auths.get(m.id)!;
      a.status = to;
      a.reference = reference;
      if (to === 'restricted') a.denied = [...denied];
      else delete a.denied;
      scopes.add(sk(a));
    }
    const acting = [...this.identities.values()].filter((i) => i.scopes.some((s) => scopes.has(key(s))));
    this.cascade(
      acting.map((i) => i.id),
      scopes,
    );
    return scopes;
  }

  /** Whether a product transition could apply now (the product may go there, or is there). */
  productTransitionValid(product: string, to: ProductStatus): boolean {
    const s = this.products.get(product)!.status;
    return s === to || PRODUCT_TRANSITIONS[s].includes(to);
  }

  /** The identities acting for a product: a product scope naming it, whatever the channel. */
  actingFor(product: string): string[] {
    return [...this.identities.values()].filter((i) => i.scopes.some((s) => isProduct(s) && s.product === product)).map((i) => i.id);
  }

  /**
   * Applies a product transition and its cascade (docs/cra.md): the product moves as a whole, and
   * every identity acting for it is recomputed. Answers the identities recomputed.
   */
  applyProductTransition(product: string, to: ProductStatus, reference: string): string[] {
    const p = this.products.get(product)!;
    p.status = to;
    p.reference = reference;
    const acting = this.actingFor(product);
    this.cascade(acting, new Set([`product:${product}`]));
    return acting;
  }

  /**
   * What moving a product to a status would do, written nothing (the impact preview): the
   * identities the cascade would suspend, narrow and restore.
   */
  productImpact(product: string, to: ProductStatus): { suspend: Set<string>; narrow: Set<string>; restore: Set<string> } {
    const p = this.products.get(product)!;
    const from = p.status;
    const out = { suspend: new Set<string>(), narrow: new Set<string>(), restore: new Set<string>() };
    p.status = to;
    try {
      for (const id of this.actingFor(product)) {
        const i = this.identities.get(id)!;
        if (i.status === 'revoked' || i.status === 'decommissioned') continue;
        const r = this.recompute(id);
        const was = this.recorded.get(id) ?? null;
        const fmt = (x: Recorded | null) => (x ? `${x.outcome}:${[...x.lawful].sort().join(',')}` : 'full');
        if (i.status === 'active' && r?.outcome === 'suspend') out.suspend.add(id);
        else if (i.status === 'suspended' && this.suspendedBy.get(id) === 'lifecycle' && r?.outcome !== 'suspend') out.restore.add(id);
        else if (fmt(was) !== fmt(r)) (r === null ? out.restore : out.narrow).add(id);
      }
    } finally {
      p.status = from;
    }
    return out;
  }

  /** Recomputes these identities after a change of state; cuts what stops. */
  cascade(ids: readonly string[], scopes: ReadonlySet<string>): void {
    const suspendedNow = new Set<string>();
    for (const id of ids) {
      const i = this.identities.get(id)!;
      if (i.status === 'revoked' || i.status === 'decommissioned') continue;
      const r = this.recompute(id);
      if (r?.outcome === 'suspend') {
        if (i.status === 'active') {
          i.status = 'suspended';
          this.suspendedBy.set(id, 'lifecycle');
          suspendedNow.add(id);
        }
      } else if (i.status === 'suspended' && this.suspendedBy.get(id) === 'lifecycle') {
        i.status = 'active';
        this.suspendedBy.delete(id);
      }
      this.recorded.set(id, r);
    }
    this.cut(scopes, suspendedNow);
  }
}

/** A snapshot of what each identity's ledger history must account for: its status and recorded power. */
export function powerSnapshot(m: Model): Map<string, { status: IdentityStatus; recorded: string }> {
  const out = new Map<string, { status: IdentityStatus; recorded: string }>();
  for (const [id, i] of m.identities) {
    const r = m.recorded.get(id) ?? null;
    out.set(id, { status: i.status, recorded: r ? `${r.outcome}:${[...r.lawful].sort().join(',')}` : 'full' });
  }
  return out;
}

/** "Adds power" (the change contract; src/core/power.ts says it in code, this says it again independently). */
export function powerGains(m: Model, before: MIdentity | undefined, after: MIdentity): string[] {
  const gains: string[] = [];
  // Entitlement as the change contract counts it: every (scope, action) pair of the record.
  const pairs = (i: MIdentity) => new Set(i.scopes.flatMap((s) => i.actions.map((a) => `${key(s)}|${a}`)));
  const had = before ? pairs(before) : new Set<string>();
  for (const p of pairs(after)) if (!had.has(p)) gains.push(`entitlement ${p}`);
  const lawfulBefore = before ? m.lawfulPairs(before) : new Set<string>();
  for (const p of m.lawfulPairs(after)) if (!lawfulBefore.has(p) && had.has(p)) gains.push(`lawful ${p}`);
  if (!before) {
    if (after.capability === 'execute') gains.push('execute');
    return gains;
  }
  if (before.capability === 'observe' && after.capability === 'execute') gains.push('execute');
  if (before.break_glass && !after.break_glass) gains.push('unsealed');
  if (before.vendor !== undefined && after.vendor === undefined) gains.push('not_vendor');
  if (before.environment !== 'production' && after.environment === 'production') gains.push('production');
  if (before.function !== after.function || before.kind !== after.kind) gains.push('function');
  if (before.credential.type === 'static_secret' && after.credential.type !== 'static_secret') gains.push('not_legacy');
  return gains;
}
