// The cascade, pure: given a transition of one or more authorisations, the identities acting in
// them and what the lifecycle already did to them, decide every identity-state change, every
// connector action and the return paths that stay open. The impact preview and the real
// cascade both call planCascade: there is one engine, not two.
import { decidePower, scopeKey, type AuthorityLookup, type LifecycleRules, type Outcome, type PowerDecision, type ScopeAuthority } from './lifecycle.js';
import type { Authorisation, Identity, Scope } from './model.js';
import type { ActionVocabulary, AuthorisationStatus, IdentityStatus } from './vocabulary.js';

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
export function expandTransition(named: readonly Authorisation[], all: readonly Authorisation[], to: AuthorisationStatus): { authorisation: Authorisation; from: AuthorisationStatus; via: string | null }[] {
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

/** What the lifecycle has already done to an identity (identity_power), so a cascade can undo exactly that. */
export interface PriorPower {
  outcome: Outcome;
  suspendedByLifecycle: boolean;
  transitionId: string;
}

export type Effect = 'suspend' | 'narrow' | 'restore' | 'unchanged';

export interface IdentityChange {
  identity: string;
  effect: Effect;
  statusBefore: IdentityStatus;
  statusAfter: IdentityStatus;
  /** The power the identity keeps (scope → lawful actions). */
  lawful: { scope: Scope; actions: string[] }[];
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
  movedScopes: ReadonlySet<string>;
  rules: LifecycleRules;
  vocabulary: ActionVocabulary;
}

export function planCascade(input: CascadeInput): CascadePlan {
  const counts: Record<Effect, number> = { suspend: 0, narrow: 0, restore: 0, unchanged: 0 };
  const returnPaths = new Map<string, number>();
  // One pass per identity without intermediate arrays or object spreads: this is the cascade's
  // inner loop (20,000 identities and more), and its garbage was a large share of its time.
  const changes: IdentityChange[] = [];
  for (const identity of input.identities) {
    const decision = decidePower(identity, input.after, input.rules, input.vocabulary);
    const prior = input.prior.get(identity.id);
    const removed: IdentityChange['removed'] = [];
    const lawful: IdentityChange['lawful'] = [];
    for (const s of decision.scopes) {
      const key = scopeKey(s.scope);
      const moved = input.movedScopes.has(key);
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
        identity: identity.id, statusBefore, lawful, removed, why: `identity is ${statusBefore}`, decision, effect: 'unchanged', statusAfter: statusBefore,
        power: prior ? { outcome: prior.outcome, suspendedByLifecycle: prior.suspendedByLifecycle } : null, connector: null,
      });
      continue;
    }
    const liftedByUs = prior?.suspendedByLifecycle === true && statusBefore === 'suspended';
    let effect: Effect;
    let statusAfter: IdentityStatus;
    let power: IdentityChange['power'];
    let connector: IdentityChange['connector'];
    if (decision.outcome === 'suspend') {
      // Suspend an active identity and say the lifecycle did it; one suspended for another
      // reason stays suspended, and the lifecycle does not claim it (so reversal leaves it alone).
      effect = statusBefore === 'active' ? 'suspend' : 'unchanged';
      statusAfter = 'suspended';
      power = { outcome: 'suspend', suspendedByLifecycle: statusBefore === 'active' || liftedByUs };
      connector = statusBefore === 'active' ? 'disable' : null;
    } else {
      statusAfter = liftedByUs ? 'active' : statusBefore;
      connector = liftedByUs ? 'enable' : null;
      if (decision.outcome === 'narrow') {
        effect = liftedByUs ? 'restore' : prior?.outcome === 'narrow' ? 'unchanged' : 'narrow';
        power = { outcome: 'narrow', suspendedByLifecycle: false };
      } else {
        effect = prior ? 'restore' : 'unchanged';
        power = null;
      }
    }
    counts[effect]++;
    changes.push({ identity: identity.id, statusBefore, lawful, removed, why: decision.why, decision, effect, statusAfter, power, connector });
  }
  return {
    changes,
    counts,
    returnPaths: [...returnPaths].map(([k, identities]) => {
      const [scope, action] = k.split('|') as [string, string];
      return { scope, action, identities };
    }).sort((a, b) => a.scope.localeCompare(b.scope) || a.action.localeCompare(b.action)),
  };
}

/** A lookup over authorisations by scope, with some overridden (the state after a transition). */
export function authorityLookup(authorisations: Iterable<Authorisation>, overrides: ReadonlyMap<string, ScopeAuthority> = new Map()): AuthorityLookup {
  const byScope = new Map<string, ScopeAuthority>();
  for (const a of authorisations) byScope.set(scopeKey(a), { id: a.id, status: a.status, ...(a.conditions ? { conditions: a.conditions } : {}) });
  for (const [k, v] of overrides) byScope.set(k, v);
  return (s) => byScope.get(scopeKey(s));
}
