// Lifecycle rules: what an authorisation's state leaves lawful for the identities acting in it.
// Rules are data (YAML or JSON a firm can read, change, version and test); this engine is the
// one function that applies them, used alike by the impact preview, the cascade and the tests.
import { Type, type Static } from '@sinclair/typebox';
import { actionVerdict, type RuleSubject } from '@mandate/sdk/decision';
import type { Issue } from './errors.js';
import { Enum } from './model.js';
import type { Identity, Scope } from './model.js';
import { ajvIssues, compileBody } from './schema.js';
import {
  ACTION_CLASSES,
  AUTHORISATION_STATUSES,
  CAPABILITIES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  MEMBER_STATES,
  MICA_SERVICES,
  type ActionClass,
  type ActionVocabulary,
  type AuthorisationStatus,
} from './vocabulary.js';

/** The state a scope is in: an authorisation's status, or `none` when the firm holds no authorisation for it. */
export const SCOPE_STATES = [...AUTHORISATION_STATUSES, 'none'] as const;
export type ScopeState = (typeof SCOPE_STATES)[number];

const Effect = Enum(['allow', 'deny'] as const);
/** `conditions`: allowed except the actions the restriction's conditions deny. */
const TableEffect = Enum(['allow', 'deny', 'conditions'] as const);
const list = <T extends readonly string[]>(values: T) =>
  Type.Optional(Type.Array(Enum(values), { minItems: 1, maxItems: 50, uniqueItems: true }));

export const RuleWhen = Type.Object(
  {
    status: list(SCOPE_STATES),
    service: list(MICA_SERVICES),
    service_not: list(MICA_SERVICES),
    jurisdiction: list(MEMBER_STATES),
    entity: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { minItems: 1, maxItems: 50 })),
    function: list(IDENTITY_FUNCTIONS),
    kind: list(IDENTITY_KINDS),
    capability: list(CAPABILITIES),
    environment: list(ENVIRONMENTS),
    action_class: list(ACTION_CLASSES),
    actions: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), { minItems: 1, maxItems: 100 })),
    vendor: Type.Optional(Type.Boolean({ description: 'true: only vendor identities; false: only the firm’s own' })),
    break_glass: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RuleWhen = Static<typeof RuleWhen>;

export const Rule = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    description: Type.String({ minLength: 1, maxLength: 1000 }),
    when: RuleWhen,
    effect: Effect,
  },
  { additionalProperties: false },
);
export type Rule = Static<typeof Rule>;

const ClassEffects = Type.Object(
  { observe: TableEffect, new_business: TableEffect, return_path: TableEffect },
  { additionalProperties: false },
);

export const LifecycleRules = Type.Object(
  {
    version: Type.Literal(1),
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    description: Type.String({ maxLength: 2000 }),
    /** What each state leaves lawful, per action class: the domain table. */
    table: Type.Object(Object.fromEntries(SCOPE_STATES.map((s) => [s, ClassEffects])) as Record<ScopeState, typeof ClassEffects>, {
      additionalProperties: false,
    }),
    /** Explicit rules, checked in order before the table; the first that matches decides. */
    rules: Type.Array(Rule, { maxItems: 500 }),
  },
  { additionalProperties: false, title: 'Mandate lifecycle rules' },
);
export type LifecycleRules = Static<typeof LifecycleRules>;

/** Conditions of a restricted authorisation. */
export interface Conditions {
  denied_actions?: string[];
}

/** What the engine knows of a scope's authorisation. */
export interface ScopeAuthority {
  id: string;
  status: AuthorisationStatus;
  conditions?: Conditions;
}

/** Looks up the authorisation behind a scope; the engine never reads a store. */
export type AuthorityLookup = (scope: Scope) => ScopeAuthority | undefined;

export const scopeKey = (s: Scope): string => `${s.entity}/${s.service}/${s.jurisdiction}`;

export interface ActionVerdict {
  action: string;
  class: ActionClass;
  lawful: boolean;
  /** The rule id, or `table:<state>.<class>`, that decided. */
  by: string;
}

export interface ScopePower {
  scope: Scope;
  state: ScopeState;
  authorisation: string | null;
  verdicts: ActionVerdict[];
}

export type Outcome = 'keep' | 'narrow' | 'suspend';

export interface PowerDecision {
  identity: string;
  outcome: Outcome;
  /** Per scope: each entitled action with its verdict and the rule behind it. */
  scopes: ScopePower[];
  /** Why the outcome is what it is, for people. */
  why: string;
}

/**
 * Decides what an identity may lawfully do in each of its scopes given the authorisations' states.
 * Observe identities are never cut. An execute identity keeps the (scope, action) pairs still
 * lawful; it is narrowed when some are lost, and suspended only when no execute power remains.
 */
export function decidePower(
  identity: Identity,
  lookup: AuthorityLookup,
  rules: LifecycleRules,
  vocabulary: ActionVocabulary,
): PowerDecision {
  // Plain loops: this runs for every identity of a cascade (20,000 and more), and flatMap/filter
  // copies of the verdicts were a large share of its time and garbage.
  let total = 0;
  let lost = 0;
  let executeLeft = false;
  const scopes: ScopePower[] = [];
  const subject = ruleSubject(identity);
  for (const scope of identity.scopes) {
    const authority = lookup(scope);
    const state: ScopeState = authority?.status ?? 'none';
    const verdicts: ActionVerdict[] = [];
    for (const action of identity.actions) {
      const cls = vocabulary.classOf(action) ?? 'new_business';
      const v = actionVerdict(rules, subject, scope, state, authority?.conditions?.denied_actions, action, cls);
      const verdict: ActionVerdict = { action, class: cls, lawful: v.lawful, by: v.by };
      total++;
      if (!verdict.lawful) lost++;
      else if (cls !== 'observe') executeLeft = true;
      verdicts.push(verdict);
    }
    scopes.push({ scope, state, authorisation: authority?.id ?? null, verdicts });
  }
  if (identity.capability === 'observe' || lost === 0)
    return {
      identity: identity.id,
      outcome: 'keep',
      scopes,
      why: identity.capability === 'observe' ? 'observe identities are never cut' : 'every entitled action is lawful in every scope',
    };
  return executeLeft
    ? { identity: identity.id, outcome: 'narrow', scopes, why: `${lost} of ${total} scope actions are no longer lawful` }
    : { identity: identity.id, outcome: 'suspend', scopes, why: 'no lawful execute action remains in any scope' };
}

/** The identity attributes lifecycle rules test. */
export function ruleSubject(identity: Identity): RuleSubject {
  return {
    function: identity.function,
    kind: identity.kind,
    capability: identity.capability,
    environment: identity.environment,
    vendor: Boolean(identity.vendor),
    break_glass: identity.break_glass,
  };
}

/** The lawful power as a compact list: scope → lawful actions (what tokens and decisions carry). */
export function lawfulActions(decision: PowerDecision): { scope: Scope; actions: string[] }[] {
  return decision.scopes
    .map((s) => ({ scope: s.scope, actions: s.verdicts.filter((v) => v.lawful).map((v) => v.action) }))
    .filter((s) => s.actions.length > 0);
}

export function checkRules(doc: unknown): { rules?: LifecycleRules; issues: Issue[] } {
  const validate = compileBody(LifecycleRules);
  if (!validate(doc)) return { issues: ajvIssues(validate.errors) };
  const rules = doc as LifecycleRules;
  const issues: Issue[] = [];
  const seen = new Set<string>();
  rules.rules.forEach((r, n) => {
    if (seen.has(r.id)) issues.push({ field: `/rules/${n}/id`, reason: `duplicate rule id ${r.id}` });
    seen.add(r.id);
  });
  // The one line no firm rule may cross: observe is never cut (logging and evidence stay on).
  for (const s of SCOPE_STATES)
    if (rules.table[s].observe !== 'allow') issues.push({ field: `/table/${s}/observe`, reason: 'observe access is never cut' });
  rules.rules.forEach((r, n) => {
    if (
      r.effect === 'deny' &&
      (r.when.action_class === undefined || r.when.action_class.includes('observe')) &&
      r.when.actions === undefined
    )
      issues.push({ field: `/rules/${n}/when/action_class`, reason: 'a deny rule must not match observe actions (observe is never cut)' });
  });
  return issues.length ? { issues } : { rules, issues };
}
