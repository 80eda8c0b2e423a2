// An identity's lawful power, explained for people: per scope, each action it is entitled to (or
// lent by a grant), whether it is lawful now, and the rule or table cell that decided, with the
// authorisation behind the scope. The console's identity page and `mandate identities power` show
// it. Pure: the same lifecycle engine the cascade and the decisions use (decidePower,
// actionVerdict), over data the caller read in one transaction.
import { actionVerdict, productVerdict } from '@mandate/sdk/decision';
import type { GrantEntry } from '@mandate/sdk/decision';
import { canonicalLawful, type PriorPower } from './cascade.js';
import {
  decidePower,
  lawfulActions,
  ruleSubject,
  scopeKey,
  type AuthorityLookup,
  type LifecycleRules,
  type Outcome,
  type ProductAuthority,
  type ProductLifecycleRules,
  type ProductScopeState,
  type ScopeAuthority,
  type ScopeState,
} from './lifecycle.js';
import { isProductScope, type Identity, type Scope } from './model.js';
import type { ActionClass, ActionVocabulary } from './vocabulary.js';

export interface PowerAction {
  action: string;
  class: ActionClass;
  /** In the identity's own record (its actions × its scopes); false: only a grant lends it. */
  entitled: boolean;
  lawful: boolean;
  /** The rule id, or `table:<state>.<class>`, that decided. */
  by: string;
  /** The same, in words. */
  because: string;
  /** Grants that lend this action here now (a just-in-time grant, an exception, a break-glass activation). */
  lent_by: { id: string; kind: GrantEntry['kind']; expires_at: number }[];
}

export interface PowerScope {
  scope: Scope;
  /** `entity/service/jurisdiction`, or `product:<id>[/<channel>]`. */
  key: string;
  /** The state of the authorisation (or product) behind the scope (`none`: there is none). */
  state: ScopeState | ProductScopeState;
  authorisation: { id: string; status: string; denied_actions?: string[] } | null;
  /** False: a grant reaches into a scope the identity's record does not name. */
  entitled: boolean;
  actions: PowerAction[];
}

export interface PowerView {
  identity: string;
  status: Identity['status'];
  capability: Identity['capability'];
  break_glass: boolean;
  /** A break-glass identity with no activation open: every decision for it is a deny. */
  sealed: boolean;
  /** Whether it may act at all now: active, and not sealed. Lawful actions of an identity that cannot act are not used. */
  acts: boolean;
  /** What the lifecycle makes of it now: keep (all entitled power lawful), narrow, suspend. */
  outcome: Outcome;
  why: string;
  summary: { entitled: number; lawful: number; unlawful: number; lent: number };
  scopes: PowerScope[];
  grants: GrantEntry[];
  /** What the last cascade or refresh stored (absent: it holds no record, full power). */
  recorded: { outcome: Outcome; suspended_by_lifecycle: boolean; cause: string } | null;
  /** Whether the stored power matches the power computed now (false only while a change is being applied). */
  in_step: boolean;
  rules: { id: string; version: number };
  /** The product rules (CRA) that decided, for an identity with product scopes. */
  product_rules?: { id: string; version: number };
}

export interface PowerViewInput {
  identity: Identity;
  lookup: AuthorityLookup;
  rules: LifecycleRules;
  rulesVersion: number;
  /** The product rules in force (CRA), for product scopes, and their version. */
  productRules?: ProductLifecycleRules;
  productRulesVersion?: number;
  vocabulary: ActionVocabulary;
  /** Grants active now for this identity. */
  grants: readonly GrantEntry[];
  recorded: PriorPower | undefined;
}

const FINAL: ReadonlySet<string> = new Set(['revoked', 'decommissioned']);

function parseScopeKey(key: string): Scope | undefined {
  if (key.startsWith('product:')) {
    const [product, channel, ...more] = key.slice('product:'.length).split('/');
    if (!product || more.length > 0) return undefined;
    return channel ? { product, channel } : { product };
  }
  const [entity, service, jurisdiction, ...rest] = key.split('/');
  if (!entity || !service || !jurisdiction || rest.length > 0) return undefined;
  return { entity, service, jurisdiction } as Scope;
}

/** A product verdict's reason in words (CRA). */
function productBecause(rules: ProductLifecycleRules | undefined, by: string, state: ProductScopeState, cls: ActionClass, lawful: boolean) {
  if (!by.startsWith('table:')) {
    const rule = rules?.rules.find((r) => r.id === by);
    return rule ? rule.description.trim() : `rule ${by}`;
  }
  if (state === 'none') return 'no such product';
  return `product ${state.replace(/_/g, ' ')}: ${cls.replace(/_/g, ' ')} actions ${lawful ? 'stay lawful' : 'stop'}`;
}

/** The verdict's reason in words: the rule's description, or what the state's table leaves of the class. */
function because(rules: LifecycleRules, by: string, state: ScopeState, cls: ActionClass, lawful: boolean, denied: boolean): string {
  if (!by.startsWith('table:')) {
    const rule = rules.rules.find((r) => r.id === by);
    return rule ? rule.description.trim() : `rule ${by}`;
  }
  const what = cls.replace(/_/g, ' ');
  if (state === 'none') return lawful ? `no authorisation here; the table allows ${what}` : `the firm holds no authorisation in this scope`;
  if (rules.table[state][cls] === 'conditions')
    return denied ? `the restriction's conditions deny this action` : `${state}: allowed under the restriction's conditions`;
  return lawful ? `${state}: ${what} actions stay lawful` : `${state}: ${what} actions stop`;
}

export function explainPower(input: PowerViewInput): PowerView {
  const { identity, lookup, rules, vocabulary, grants } = input;
  const { productRules } = input;
  const decision = decidePower(identity, lookup, rules, vocabulary, productRules);
  const subject = ruleSubject(identity);
  const scopes = new Map<string, PowerScope>();
  const deniedIn = (scope: Scope) =>
    isProductScope(scope) ? undefined : (lookup(scope) as ScopeAuthority | undefined)?.conditions?.denied_actions;
  const authorityOf = (scope: Scope) => {
    const a = lookup(scope);
    const denied = deniedIn(scope);
    return a ? { id: a.id, status: a.status, ...(denied ? { denied_actions: denied } : {}) } : null;
  };
  const explain = (scope: Scope, state: ScopeState | ProductScopeState, by: string, cls: ActionClass, lawful: boolean, action: string) =>
    isProductScope(scope)
      ? productBecause(productRules, by, state as ProductScopeState, cls, lawful)
      : because(rules, by, state as ScopeState, cls, lawful, (deniedIn(scope) ?? []).includes(action));
  const verdictOf = (scope: Scope, state: ScopeState | ProductScopeState, action: string, entitled: boolean): PowerAction => {
    const cls = vocabulary.classOf(action) ?? 'new_business';
    if (isProductScope(scope)) {
      const product = lookup(scope) as ProductAuthority | undefined;
      const v = productRules ? productVerdict(productRules, subject, scope, product, action, cls) : { lawful: false, by: 'none' };
      return {
        action,
        class: cls,
        entitled,
        lawful: v.lawful,
        by: v.by,
        because: explain(scope, state, v.by, cls, v.lawful, action),
        lent_by: [],
      };
    }
    const denied = deniedIn(scope);
    const v = actionVerdict(rules as never, subject, scope, state as ScopeState, denied, action, cls);
    return {
      action,
      class: cls,
      entitled,
      lawful: v.lawful,
      by: v.by,
      because: explain(scope, state, v.by, cls, v.lawful, action),
      lent_by: [],
    };
  };
  for (const s of decision.scopes) {
    const key = scopeKey(s.scope);
    scopes.set(key, {
      scope: s.scope,
      key,
      state: s.state,
      authorisation: authorityOf(s.scope),
      entitled: true,
      actions: s.verdicts.map((v) => ({
        action: v.action,
        class: v.class,
        entitled: true,
        lawful: v.lawful,
        by: v.by,
        because: explain(s.scope, s.state, v.by, v.class, v.lawful, v.action),
        lent_by: [],
      })),
    });
  }
  // What grants lend: a grant names its actions and scope, or (break-glass) the identity's own.
  // An exception that waives another control (attestation, a static secret) lends no action.
  let lent = 0;
  for (const g of grants) {
    if (g.kind === 'exception' && g.control && g.control !== 'entitlement') continue;
    const where = g.scope ? [g.scope] : [...scopes.keys()];
    for (const key of where) {
      const scope = scopes.get(key)?.scope ?? parseScopeKey(key);
      if (!scope) continue;
      let row = scopes.get(key);
      if (!row) {
        const state = lookup(scope)?.status ?? 'none';
        row = { scope, key, state, authorisation: authorityOf(scope), entitled: false, actions: [] };
        scopes.set(key, row);
      }
      for (const action of g.actions ?? identity.actions) {
        let a = row.actions.find((x) => x.action === action);
        if (!a) {
          a = verdictOf(scope, row.state, action, false);
          row.actions.push(a);
        }
        if (a.lent_by.length === 0 && !a.entitled) lent++;
        a.lent_by.push({ id: g.id, kind: g.kind, expires_at: g.expires_at });
      }
    }
  }
  const sealed = identity.break_glass && !grants.some((g) => g.kind === 'break_glass');
  let entitled = 0;
  let lawful = 0;
  for (const s of scopes.values())
    for (const a of s.actions) {
      if (a.entitled) entitled++;
      if (a.lawful) lawful++;
    }
  const live = decision.outcome === 'keep' ? undefined : lawfulActions(decision);
  const recorded = input.recorded;
  return {
    identity: identity.id,
    status: identity.status,
    capability: identity.capability,
    break_glass: identity.break_glass,
    sealed,
    acts: identity.status === 'active' && !sealed,
    outcome: decision.outcome,
    why: decision.why,
    summary: { entitled, lawful, unlawful: entitled + lent - lawful, lent },
    scopes: [...scopes.values()],
    grants: [...grants],
    recorded: recorded
      ? { outcome: recorded.outcome, suspended_by_lifecycle: recorded.suspendedByLifecycle, cause: recorded.transitionId }
      : null,
    // A stored record holds the lawful set the last cascade or refresh decided; none means full power.
    // Revoked and decommissioned identities are final: no cascade recomputes them, nothing to be in step with.
    in_step: FINAL.has(identity.status)
      ? true
      : recorded
        ? live !== undefined && canonicalLawful(recorded.lawful) === canonicalLawful(live)
        : live === undefined,
    rules: { id: rules.id, version: input.rulesVersion },
    ...(productRules && identity.scopes.some(isProductScope)
      ? { product_rules: { id: productRules.id, version: input.productRulesVersion ?? 0 } }
      : {}),
  };
}
