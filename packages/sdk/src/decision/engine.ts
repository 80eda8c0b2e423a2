// The decision engine, the same code in the server's decision point and in every enforcement
// point: the rules built into every decision first, then the firm's Cedar policies (compiled to
// closures; see ../cedar), then obligations. Pure: state in, answer out.
//
// Built into every decision, whatever the firm's policies say:
// - an unknown action is denied;
// - a principal that is not active (a suspended, revoked or decommissioned identity, a departed
//   person) gets nothing;
// - an observe identity never executes;
// - an execute action is allowed only where the lifecycle rules leave it lawful given the
//   scope's authorisation state (so new business stops when a licence is withdrawn, and the
//   client return paths stay open through wind-down as the rules say);
// - a break-glass identity is sealed: it gets nothing unless an activation of it is open.
//
// When the firm's policies deny an identity, its live grants are tried: a just-in-time grant or
// an `entitlement` exception lends the identity the action in the scope it covers, a
// `workload_attestation` exception stands in for the attestation, and the policies are asked
// again. The built-in rules are never waived, so no grant reaches past a withdrawn licence. An
// answer that relied on a grant, an exception or a break-glass activation names it.
import {
  actionVerdict,
  PRODUCT_ACTIONS,
  PRODUCT_ONLY_ACTIONS,
  productScopeKey,
  productVerdict,
  scopeKeyOf,
  type ActionClass,
  type LifecycleRuleSet,
  type ProductEntry,
  type ProductRuleSet,
  type RuleSubject,
} from './lifecycle.js';
import type {
  AuthorisationEntry,
  Decision,
  DecisionContext,
  DecisionResource,
  GrantEntry,
  IdentityFacts,
  PrincipalFacts,
  ProductResource,
  Reliance,
} from './types.js';
import { isProductResource } from './types.js';

/** The firm's policies as the engine needs them: an answer and the ids that decided. */
export interface PolicyEvaluator {
  evaluate(
    principal: PrincipalFacts,
    action: string,
    cls: ActionClass,
    resource: DecisionResource,
    scope: string,
    state: string,
    context: DecisionContext,
  ): {
    allow: boolean;
    determining: readonly string[];
    errors: readonly string[];
    obligations: readonly { type: string; policy: string }[];
  };
}

export interface EngineState {
  actions: readonly { id: string; class: ActionClass }[];
  authorisations: readonly AuthorisationEntry[];
  lifecycle: LifecycleRuleSet;
  /** Products (CRA) and the product lifecycle rules; absent: every product resource is state `none`. */
  products?: readonly ProductEntry[];
  productLifecycle?: ProductRuleSet;
  policies: PolicyEvaluator;
  grants?: readonly GrantEntry[];
  /** The clock (epoch milliseconds) grants expire by; the engine itself reads no clock. */
  now: () => number;
}

const GRANT_LABEL: Record<GrantEntry['kind'], string> = {
  access: 'just-in-time grant',
  exception: 'exception',
  break_glass: 'break-glass activation',
};
const reliance = (g: GrantEntry): Reliance => ({ type: g.kind, id: g.id, expires_at: new Date(g.expires_at).toISOString() });

/** A person as the lifecycle rules see them. */
const PERSON_SUBJECT = (context: DecisionContext): RuleSubject => ({
  function: 'person',
  kind: 'person',
  capability: 'execute',
  environment: context.environment,
  vendor: false,
  break_glass: false,
});

const deny = (policy: string, reason: string, cls?: ActionClass): Decision => ({
  decision: 'deny',
  reasons: [reason],
  policies: [policy],
  obligations: [],
  ...(cls ? { class: cls } : {}),
});

export class DecisionEngine {
  private classes = new Map<string, ActionClass>();
  private byScope = new Map<string, AuthorisationEntry>();
  /** Approved restrictions whose cascade has not committed: they bind over the recorded state. */
  private provisional = new Map<string, AuthorisationEntry>();
  private lifecycle: LifecycleRuleSet;
  private products = new Map<string, ProductEntry>();
  private productLifecycle: ProductRuleSet | undefined;
  private policies: PolicyEvaluator;
  /** identity → its grants (expired ones are skipped at decision time and pruned on update). */
  private grants = new Map<string, GrantEntry[]>();
  private readonly now: () => number;

  constructor(state: EngineState) {
    this.setActions(state.actions);
    this.setAuthorisations(state.authorisations);
    this.lifecycle = state.lifecycle;
    this.productLifecycle = state.productLifecycle;
    this.setProducts(state.products ?? []);
    this.policies = state.policies;
    this.now = state.now;
    this.setGrants(state.grants ?? []);
  }

  setGrants(all: readonly GrantEntry[]): void {
    this.grants = new Map();
    this.updateGrants(all, []);
  }

  /** Adds or replaces grants by id, and removes the ones cut. */
  updateGrants(upsert: readonly GrantEntry[], removed: readonly string[]): void {
    const gone = new Set([...removed, ...upsert.map((g) => g.id)]);
    const now = this.now();
    const touched = new Set<string>();
    if (gone.size) for (const [identity, list] of this.grants) if (list.some((g) => gone.has(g.id))) touched.add(identity);
    for (const identity of touched) {
      const kept = this.grants.get(identity)!.filter((g) => !gone.has(g.id) && g.expires_at > now);
      if (kept.length) this.grants.set(identity, kept);
      else this.grants.delete(identity);
    }
    const cut = new Set(removed);
    for (const g of upsert) {
      if (g.expires_at <= now || cut.has(g.id)) continue;
      const list = this.grants.get(g.identity);
      if (list) list.push(g);
      else this.grants.set(g.identity, [g]);
    }
  }

  /** The grants of an identity still live at `now`. */
  liveGrants(identity: string, now?: number): GrantEntry[] {
    const list = this.grants.get(identity);
    if (!list) return [];
    // The clock is read only for an identity that holds something.
    const at = now ?? this.now();
    return list.filter((g) => g.expires_at > at);
  }

  setActions(actions: EngineState['actions']): void {
    this.classes = new Map(actions.map((a) => [a.id, a.class]));
  }

  setAuthorisations(all: readonly AuthorisationEntry[]): void {
    this.byScope = new Map(all.map((a) => [scopeKeyOf(a), a]));
  }

  /** Applies changed authorisations in place: O(changes), whatever the number of identities. */
  updateAuthorisations(changed: readonly AuthorisationEntry[]): void {
    for (const a of changed) this.byScope.set(scopeKeyOf(a), a);
  }

  setProvisional(entries: readonly AuthorisationEntry[]): void {
    this.provisional = new Map(entries.map((a) => [scopeKeyOf(a), a]));
  }

  setLifecycle(rules: LifecycleRuleSet): void {
    this.lifecycle = rules;
  }

  setProducts(all: readonly ProductEntry[]): void {
    this.products = new Map(all.map((p) => [p.id, p]));
  }

  /** Applies changed products in place (a status change, an exploited vulnerability opened or closed). */
  updateProducts(changed: readonly ProductEntry[]): void {
    for (const p of changed) this.products.set(p.id, p);
  }

  setProductLifecycle(rules: ProductRuleSet): void {
    this.productLifecycle = rules;
  }

  setPolicies(policies: PolicyEvaluator): void {
    this.policies = policies;
  }

  // Reasons are worded once per set of deciding policies, not per decision.
  private reasonCache = new Map<string, string[]>();
  private permittedBy(ids: readonly string[]): string[] {
    const key = ids.length === 1 ? ids[0]! : ids.join('\u0000');
    let r = this.reasonCache.get(key);
    if (!r) {
      if (this.reasonCache.size > 1000) this.reasonCache.clear();
      this.reasonCache.set(key, (r = ids.map((id) => `permitted by policy ${id}`)));
    }
    return r;
  }

  classOf(action: string): ActionClass | undefined {
    return this.classes.get(action);
  }

  decide(principal: PrincipalFacts, action: string, resource: DecisionResource, context: DecisionContext): Decision {
    const cls = this.classes.get(action);
    if (cls === undefined) return deny('builtin:unknown-action', `action ${action} is not in the vocabulary`);
    if (principal.status !== 'active')
      return deny('builtin:principal-not-active', `${principal.type} ${principal.id} is ${principal.status}: it gets nothing`, cls);
    const grants = principal.type === 'identity' && this.grants.size ? this.liveGrants(principal.id) : undefined;
    let activation: GrantEntry | undefined;
    if (principal.type === 'identity' && principal.break_glass) {
      activation = grants?.find((g) => g.kind === 'break_glass');
      if (!activation)
        return deny(
          'builtin:break-glass-sealed',
          `identity ${principal.id} is a sealed break-glass identity: it acts only while an activation is open`,
          cls,
        );
    }
    const execute = cls !== 'observe';
    if (isProductResource(resource)) return this.decideProduct(principal, action, cls, resource, context, grants, activation);
    if (PRODUCT_ONLY_ACTIONS.has(action))
      return deny(
        'builtin:product-action-in-mica-scope',
        `${action} is a product action: it is decided for a product, not in a MiCA scope`,
        cls,
      );
    const scope = scopeKeyOf(resource);
    const authorisation = (this.provisional.size ? this.provisional.get(scope) : undefined) ?? this.byScope.get(scope);
    const state = authorisation?.status ?? 'none';
    if (execute) {
      if (principal.type === 'identity' && principal.capability === 'observe')
        return deny('builtin:observe-never-executes', `identity ${principal.id} is observe-only: it never executes`, cls);
      const subject: RuleSubject = principal.type === 'identity' ? principal : PERSON_SUBJECT(context);
      const verdict = actionVerdict(this.lifecycle, subject, resource, state, authorisation?.denied_actions, action, cls);
      if (!verdict.lawful) {
        const held = authorisation ? `authorisation ${authorisation.id} is ${state}` : 'the firm holds no authorisation';
        return deny('builtin:scope-not-lawful', `${action} is not lawful in ${scope}: ${held} (lifecycle ${verdict.by})`, cls);
      }
    }
    return this.byPolicies(principal, action, cls, resource, scope, state, context, grants, activation);
  }

  /**
   * A decision on a product (CRA): the product's status under the product rules in place of an
   * authorisation's under the MiCA rules; an `approval` verdict needs a live just-in-time grant
   * (approved by a second person) covering the action. The policies see the product scope the
   * principal holds that covers the resource (the product's, or the channel's).
   */
  private decideProduct(
    principal: PrincipalFacts,
    action: string,
    cls: ActionClass,
    resource: ProductResource,
    context: DecisionContext,
    grants: GrantEntry[] | undefined,
    activation: GrantEntry | undefined,
  ): Decision {
    if (!PRODUCT_ACTIONS.has(action))
      return deny('builtin:not-a-product-action', `${action} is not decided for a product: products have their own vocabulary`, cls);
    const whole = productScopeKey({ product: resource.product });
    const exact = productScopeKey(resource);
    const scope = principal.type === 'identity' && !principal.scopes.includes(exact) && principal.scopes.includes(whole) ? whole : exact;
    const product = this.products.get(resource.product);
    const state = product?.status ?? 'none';
    if (cls !== 'observe') {
      if (principal.type === 'identity' && principal.capability === 'observe')
        return deny('builtin:observe-never-executes', `identity ${principal.id} is observe-only: it never executes`, cls);
      const subject: RuleSubject = principal.type === 'identity' ? principal : PERSON_SUBJECT(context);
      const verdict = this.productLifecycle
        ? productVerdict(this.productLifecycle, subject, resource, product, action, cls)
        : { lawful: false, by: 'builtin:no-product-rules' };
      if (!verdict.lawful) {
        const held = product ? `product ${product.id} is ${state}` : `there is no product ${resource.product}`;
        return deny('builtin:scope-not-lawful', `${action} is not lawful in ${exact}: ${held} (lifecycle ${verdict.by})`, cls);
      }
      if ('approval' in verdict && verdict.approval) {
        const covering = grants?.find(
          (g) => g.kind === 'access' && (!g.actions || g.actions.includes(action)) && (g.scope === exact || g.scope === whole),
        );
        if (!covering)
          return deny(
            'builtin:second-approval-required',
            `${action} in ${exact} needs a second person's approval now (lifecycle ${verdict.by}): ask for a just-in-time grant`,
            cls,
          );
      }
    }
    return this.byPolicies(principal, action, cls, resource, scope, state, context, grants, activation);
  }

  /** The firm's policies, then the grants that may lend what they deny, then obligations. */
  private byPolicies(
    principal: PrincipalFacts,
    action: string,
    cls: ActionClass,
    resource: DecisionResource,
    scope: string,
    state: string,
    context: DecisionContext,
    grants: GrantEntry[] | undefined,
    activation: GrantEntry | undefined,
  ): Decision {
    const answer = this.policies.evaluate(principal, action, cls, resource, scope, state, context);
    if (!answer.allow && grants?.length) {
      const lent = this.underGrant(principal as IdentityFacts, grants, action, cls, resource, scope, state, context);
      if (lent) return activation ? { ...lent, relied_on: [reliance(activation), ...lent.relied_on!] } : lent;
    }
    if (!answer.allow) {
      const reasons = answer.determining.length
        ? answer.determining.map((id) => `forbidden by policy ${id}`)
        : [`no policy permits ${principal.type} ${principal.id} to ${action} in ${scope}`];
      if (answer.errors.length) reasons.push(`policies that could not be evaluated (treated as not applying): ${answer.errors.join(', ')}`);
      return { decision: 'deny', reasons, policies: [...answer.determining], obligations: [], class: cls };
    }
    const allowed: Decision = {
      decision: 'allow',
      reasons: this.permittedBy(answer.determining),
      policies: answer.determining as string[],
      obligations: answer.obligations as Decision['obligations'],
      class: cls,
    };
    if (activation) {
      allowed.reasons = [`under ${GRANT_LABEL.break_glass} ${activation.id} until ${reliance(activation).expires_at}`, ...allowed.reasons];
      allowed.relied_on = [reliance(activation)];
    }
    return allowed;
  }

  // The principal with a lent action and scope, kept per principal object: the policy evaluator
  // caches its work per principal object, so a fresh copy per decision would cost it every time.
  private lentCache = new WeakMap<IdentityFacts, Map<string, IdentityFacts>>();
  private lent(principal: IdentityFacts, action: string, scope: string): IdentityFacts {
    let byKey = this.lentCache.get(principal);
    if (!byKey) this.lentCache.set(principal, (byKey = new Map()));
    const key = `${action}\u0000${scope}`;
    let p = byKey.get(key);
    if (!p) byKey.set(key, (p = { ...principal, actions: [...principal.actions, action], scopes: [...principal.scopes, scope] }));
    return p;
  }

  /** The first grant under which the policies allow what they denied the identity alone. */
  private underGrant(
    principal: IdentityFacts,
    grants: readonly GrantEntry[],
    action: string,
    cls: ActionClass,
    resource: DecisionResource,
    scope: string,
    state: string,
    context: DecisionContext,
  ): Decision | undefined {
    for (const g of grants) {
      if (g.kind === 'break_glass' || g.control === 'static_secret') continue;
      if ((g.actions && !g.actions.includes(action)) || (g.scope !== undefined && g.scope !== scope)) continue;
      const lends = g.kind === 'access' || g.control === 'entitlement';
      const p: IdentityFacts = lends ? this.lent(principal, action, scope) : principal;
      const c: DecisionContext =
        g.control === 'workload_attestation' ? { ...context, attested: true, device_posture: 'compliant' } : context;
      const answer = this.policies.evaluate(p, action, cls, resource, scope, state, c);
      if (!answer.allow) continue;
      const r = reliance(g);
      return {
        decision: 'allow',
        reasons: [
          `allowed under ${GRANT_LABEL[g.kind]} ${g.id}${g.control ? ` (waives ${g.control})` : ''} until ${r.expires_at}`,
          ...this.permittedBy(answer.determining),
        ],
        policies: [...answer.determining],
        obligations: [...answer.obligations, ...(g.obligations ?? []).map((type) => ({ type, policy: `${g.kind}:${g.id}` }))],
        class: cls,
        relied_on: [r],
      };
    }
    return undefined;
  }
}
