// The cascade, pure: given a transition of one or more authorisations (or any other change of the
// inputs of identities' power: an identity edited, new lifecycle rules), the identities concerned
// and what the lifecycle already did to them, decide every identity-state change, every connector
// action and the return paths that stay open. The impact preview, the real cascade and every
// refresh of stored power (src/state/power.ts) call planCascade: there is one engine, not two.
import {
  decidePower,
  productKey,
  scopeKey,
  type AuthorityLookup,
  type LifecycleRules,
  type Outcome,
  type PowerDecision,
  type ProductAuthority,
  type ProductLifecycleRules,
  type ScopeAuthority,
} from './lifecycle.js';
import { channelsOf, isProductScope, type Authorisation, type Identity, type Product, type Scope } from './model.js';
import type { ActionVocabulary, AuthorisationStatus, IdentityStatus, ProductStatus } from './vocabulary.js';

/** Which authorisation statuses may follow which (MiCA Art. 59–64, 94; docs/domain.md). */
const AUTHORISATION_TRANSITIONS: Readonly<Record<AuthorisationStatus, readonly AuthorisationStatus[]>> = {
  applied: ['authorised', 'closed'],
  authorised: ['restricted', 'suspended', 'withdrawn', 'wind_down', 'closed'],
  restricted: ['authorised', 'suspended', 'withdrawn', 'wind_down', 'closed'],
  suspended: ['authorised', 'restricted', 'withdrawn', 'wind_down', 'closed'],
  // A withdrawal overturned on appeal returns to authorised; otherwise it winds down and closes.
  withdrawn: ['authorised', 'wind_down', 'closed'],
  wind_down: ['authorised', 'closed'],
  // Closed is final: serving again needs a new application.
  closed: ['applied'],
};

export function authorisationTransitionAllowed(from: AuthorisationStatus, to: AuthorisationStatus): boolean {
  return AUTHORISATION_TRANSITIONS[from].includes(to);
}

const RESTRICTING: readonly AuthorisationStatus[] = ['restricted', 'suspended', 'withdrawn', 'wind_down', 'closed'];

/**
 * The authorisations a transition moves: the ones named, plus, when a home authorisation is
 * restricted, suspended or withdrawn, the passports that depend on it (MiCA Art. 65: a passport
 * exists only under the home authorisation). When the home returns to authorised, passports
 * that stand in the home's current state come back with it.
 */
export function expandTransition(
  named: readonly Authorisation[],
  all: readonly Authorisation[],
  to: AuthorisationStatus,
): { authorisation: Authorisation; from: AuthorisationStatus; via: string | null }[] {
  const out = new Map<string, { authorisation: Authorisation; from: AuthorisationStatus; via: string | null }>();
  for (const a of named) out.set(a.id, { authorisation: a, from: a.status, via: null });
  for (const home of named.filter((a) => a.basis === 'home')) {
    for (const p of all) {
      if (p.basis !== 'passport' || p.entity !== home.entity || p.service !== home.service || out.has(p.id)) continue;
      const follows = RESTRICTING.includes(to)
        ? ['authorised', 'restricted'].includes(p.status) && p.status !== to
        : to === 'authorised' && p.status === home.status;
      if (follows && authorisationTransitionAllowed(p.status, to)) out.set(p.id, { authorisation: p, from: p.status, via: home.id });
    }
  }
  return [...out.values()];
}

/** A lawful power: scope → the actions still lawful there (what identity_power.lawful and CAEP claims carry). */
export type LawfulPower = readonly { scope: Scope; actions: readonly string[] }[];

/** What the lifecycle has already done to an identity (identity_power), so a cascade can undo exactly that. */
export interface PriorPower {
  outcome: Outcome;
  suspendedByLifecycle: boolean;
  transitionId: string;
  /** The lawful power stored with it, as the cascade that wrote it decided. */
  lawful: LawfulPower;
}

/**
 * A lawful power in one canonical text (scope keys sorted, each scope's actions sorted; scopes
 * with no lawful action left out), so two powers compare equal whatever order they were built in.
 */
export function canonicalLawful(lawful: LawfulPower): string {
  const parts: string[] = [];
  for (const l of lawful) {
    if (l.actions.length === 0) continue;
    parts.push(`${scopeKey(l.scope)}=${[...l.actions].sort().join(',')}`);
  }
  return parts.sort().join(';');
}

/** Whether two lawful powers hold the same (scope, action) pairs. */
export function sameLawful(a: LawfulPower, b: LawfulPower): boolean {
  return canonicalLawful(a) === canonicalLawful(b);
}

export type Effect = 'suspend' | 'narrow' | 'restore' | 'unchanged';

export interface IdentityChange {
  identity: string;
  effect: Effect;
  statusBefore: IdentityStatus;
  statusAfter: IdentityStatus;
  /** The power the identity keeps (scope → lawful actions). */
  lawful: { scope: Scope; actions: string[] }[];
  /**
   * The lawful power it had before, as stored (identity_power), or its whole entitlement when the
   * lifecycle held no record of it. Filled for changes only (null when the effect is `unchanged`).
   */
  lawfulBefore: LawfulPower | null;
  /** Scopes or actions it loses or regains, with the rule that decided. */
  removed: { scope: string; action: string; rule: string }[];
  /** What identity_power should hold afterwards (null: full power, no row). */
  power: { outcome: Outcome; suspendedByLifecycle: boolean } | null;
  connector: 'disable' | 'enable' | null;
  why: string;
  decision: PowerDecision;
}

export interface CascadePlan {
  changes: IdentityChange[];
  counts: Record<Effect, number>;
  /** Return-path actions that stay lawful in the moved scopes, and by which identities. */
  returnPaths: { scope: string; action: string; identities: number }[];
}

export interface CascadeInput {
  identities: readonly Identity[];
  prior: ReadonlyMap<string, PriorPower>;
  /** The authorisations' states after the transition. */
  after: AuthorityLookup;
  /** Scope keys whose authorisation moved: the return paths that stay open are counted there. */
  movedScopes: ReadonlySet<string>;
  rules: LifecycleRules;
  /** The product lifecycle rules in force (CRA), for identities with product scopes. */
  productRules?: ProductLifecycleRules;
  vocabulary: ActionVocabulary;
  /**
   * Whether the lifecycle may lift its own suspensions here (default true). A change of the
   * authorisations or of the rules, approved by four eyes, may; an identity edit or an import may
   * not: what the lifecycle suspended only a change of its authorisations (or rules) restores, so
   * an edit leaves it suspended, with its recomputed power recorded and the lifecycle's claim kept.
   */
  mayLift?: boolean;
}

/**
 * Recomputes the power of every identity given and compares it with what is stored: a change of
 * status or of the lawful set (narrowed before, narrowed now with another set, say) is a change:
 * `suspend` (active → suspended), `restore` (suspended by the lifecycle → active, or full power
 * again), otherwise `narrow` (an identity already suspended included). An identity whose status
 * and lawful set stay the same is `unchanged`. An identity suspended for another reason is never
 * reactivated by the lifecycle.
 */
export function planCascade(input: CascadeInput): CascadePlan {
  const counts: Record<Effect, number> = { suspend: 0, narrow: 0, restore: 0, unchanged: 0 };
  const returnPaths = new Map<string, number>();
  // One pass per identity without intermediate arrays or object spreads: this is the cascade's
  // inner loop (20,000 identities and more), and its garbage was a large share of its time.
  const changes: IdentityChange[] = [];
  for (const identity of input.identities) {
    const decision = decidePower(identity, input.after, input.rules, input.vocabulary, input.productRules);
    const prior = input.prior.get(identity.id);
    const removed: IdentityChange['removed'] = [];
    const lawful: IdentityChange['lawful'] = [];
    for (const s of decision.scopes) {
      const key = scopeKey(s.scope);
      // A product moves as a whole: every channel scope of it moved.
      const moved = input.movedScopes.has(key) || (isProductScope(s.scope) && input.movedScopes.has(productKey(s.scope.product)));
      let actions: string[] | undefined;
      for (const v of s.verdicts) {
        if (!v.lawful) {
          removed.push({ scope: key, action: v.action, rule: v.by });
          continue;
        }
        (actions ??= []).push(v.action);
        if (moved && v.class === 'return_path') {
          const k = `${key}|${v.action}`;
          returnPaths.set(k, (returnPaths.get(k) ?? 0) + 1);
        }
      }
      if (actions) lawful.push({ scope: s.scope, actions });
    }
    const statusBefore = identity.status;
    // Revoked and decommissioned identities have no power to change; they are left as they are.
    if (statusBefore === 'revoked' || statusBefore === 'decommissioned') {
      changes.push({
        identity: identity.id,
        statusBefore,
        lawful,
        lawfulBefore: null,
        removed,
        why: `identity is ${statusBefore}`,
        decision,
        effect: 'unchanged',
        statusAfter: statusBefore,
        power: prior ? { outcome: prior.outcome, suspendedByLifecycle: prior.suspendedByLifecycle } : null,
        connector: null,
      });
      continue;
    }
    const claimed = prior?.suspendedByLifecycle === true && statusBefore === 'suspended';
    const liftedByUs = claimed && input.mayLift !== false;
    // Suspended by the lifecycle, and not to be lifted here: it stays suspended, its recomputed
    // power is recorded, and the lifecycle keeps its claim (a later change of its authorisations lifts it).
    if (claimed && !liftedByUs && decision.outcome !== 'suspend') {
      const effect: Effect = prior?.outcome === decision.outcome && sameLawful(prior.lawful, lawful) ? 'unchanged' : 'narrow';
      counts[effect]++;
      changes.push({
        identity: identity.id,
        statusBefore,
        lawful,
        lawfulBefore: effect === 'unchanged' ? null : prior!.lawful,
        removed,
        why: `${decision.why}; it stays suspended until its authorisations change`,
        decision,
        effect,
        statusAfter: statusBefore,
        power: { outcome: decision.outcome, suspendedByLifecycle: true },
        connector: null,
      });
      continue;
    }
    let effect: Effect;
    let statusAfter: IdentityStatus;
    let power: IdentityChange['power'];
    let connector: IdentityChange['connector'];
    // Every identity is recomputed, whatever the lifecycle did to it before: a change of its
    // status or of its lawful set (compared canonically) is a change, recorded and pushed.
    if (decision.outcome === 'suspend') {
      if (statusBefore === 'active') {
        // Suspend an active identity and say the lifecycle did it.
        effect = 'suspend';
        statusAfter = 'suspended';
        power = { outcome: 'suspend', suspendedByLifecycle: true };
        connector = 'disable';
      } else {
        // Already suspended: it stays so, and its power is recorded like any other (so nobody
        // reactivates by hand what nothing lawful is left for). The lifecycle keeps what it
        // claimed, and does not claim an identity suspended for another reason (reversal leaves
        // it suspended). A change of its lawful set is narrowing, status unchanged.
        statusAfter = statusBefore;
        connector = null;
        power = { outcome: 'suspend', suspendedByLifecycle: liftedByUs };
        effect = prior?.outcome === 'suspend' && sameLawful(prior.lawful, lawful) ? 'unchanged' : 'narrow';
      }
    } else {
      statusAfter = liftedByUs ? 'active' : statusBefore;
      connector = liftedByUs ? 'enable' : null;
      if (decision.outcome === 'narrow') {
        // Narrowed before with another lawful set (a scope came back, another went) is a change too.
        effect = liftedByUs ? 'restore' : prior?.outcome === 'narrow' && sameLawful(prior.lawful, lawful) ? 'unchanged' : 'narrow';
        power = { outcome: 'narrow', suspendedByLifecycle: false };
      } else {
        effect = prior ? 'restore' : 'unchanged';
        power = null;
      }
    }
    counts[effect]++;
    const lawfulBefore =
      effect === 'unchanged' ? null : prior ? prior.lawful : identity.scopes.map((scope) => ({ scope, actions: identity.actions }));
    changes.push({
      identity: identity.id,
      statusBefore,
      lawful,
      lawfulBefore,
      removed,
      why: decision.why,
      decision,
      effect,
      statusAfter,
      power,
      connector,
    });
  }
  return {
    changes,
    counts,
    returnPaths: [...returnPaths]
      .map(([k, identities]) => {
        const [scope, action] = k.split('|') as [string, string];
        return { scope, action, identities };
      })
      .sort((a, b) => a.scope.localeCompare(b.scope) || a.action.localeCompare(b.action)),
  };
}

/** What the engine knows of a product: its status, category, channels and whether an exploited vulnerability is open. */
export function productAuthority(p: Product, exploited: boolean): ProductAuthority {
  return { id: p.id, status: p.status, category: p.category, exploited, channels: channelsOf(p) };
}

/**
 * A lookup over authorisations by scope and products by id, with some overridden (the state after
 * a transition; product overrides are keyed `product:<id>`). `exploited`: the products with an
 * actively exploited vulnerability open.
 */
export function authorityLookup(
  authorisations: Iterable<Authorisation>,
  overrides: ReadonlyMap<string, ScopeAuthority | ProductAuthority> = new Map(),
  products: Iterable<Product> = [],
  exploited: ReadonlySet<string> = new Set(),
): AuthorityLookup {
  const byScope = new Map<string, ScopeAuthority | ProductAuthority>();
  for (const a of authorisations)
    byScope.set(scopeKey(a), { id: a.id, status: a.status, ...(a.conditions ? { conditions: a.conditions } : {}) });
  for (const p of products) byScope.set(productKey(p.id), productAuthority(p, exploited.has(p.id)));
  for (const [k, v] of overrides) byScope.set(k, v);
  return ((s: Scope) => byScope.get(isProductScope(s) ? productKey(s.product) : scopeKey(s))) as AuthorityLookup;
}

/**
 * Which product statuses may follow which (CRA; docs/cra.md). A product is assessed before it is
 * placed on the market (Art. 32, 28); a substantial modification sends it back to development for
 * a new assessment (Art. 3); on the market it may reach the end of its support period
 * (Art. 13(8)), which an extension of the period reverses, or be withdrawn or recalled (defined in
 * Art. 3; ordered under Art. 54-58), which a corrective action that restores conformity reverses.
 */
const PRODUCT_TRANSITIONS: Readonly<Record<ProductStatus, readonly ProductStatus[]>> = {
  in_development: ['assessed'],
  assessed: ['on_market', 'in_development'],
  on_market: ['support_ended', 'withdrawn', 'recalled', 'in_development'],
  support_ended: ['on_market', 'withdrawn', 'recalled'],
  withdrawn: ['on_market', 'recalled', 'support_ended'],
  recalled: ['on_market', 'withdrawn', 'support_ended'],
};

export function productTransitionAllowed(from: ProductStatus, to: ProductStatus): boolean {
  return PRODUCT_TRANSITIONS[from].includes(to);
}
