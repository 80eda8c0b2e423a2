// Lifecycle rules: what an authorisation's state leaves lawful for the identities acting in it.
// Rules are data (YAML or JSON a firm can read, change, version and test); this engine is the
// one function that applies them, used alike by the impact preview, the cascade and the tests.
import { Type, type Static } from '@sinclair/typebox';
import { actionVerdict, productScopeKey, productVerdict, type ProductEntry, type RuleSubject } from '@mandate/sdk/decision';
import type { Issue } from './errors.js';
import { Enum } from './model.js';
import { isProductScope, type Identity, type MicaScope, type Scope } from './model.js';
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
  PRODUCT_ACTIONS,
  PRODUCT_CATEGORIES,
  PRODUCT_ONLY_ACTIONS,
  PRODUCT_STATUSES,
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

/** A product scope's state: its product's status, or `none` when no such product is recorded. */
export const PRODUCT_SCOPE_STATES = [...PRODUCT_STATUSES, 'none'] as const;
export type ProductScopeState = (typeof PRODUCT_SCOPE_STATES)[number];

const ProductEffect = Enum(['allow', 'deny', 'approval'] as const);
const ProductClassEffects = Type.Object({ observe: Effect, new_business: Effect, return_path: Effect }, { additionalProperties: false });

export const ProductRuleWhen = Type.Object(
  {
    status: list(PRODUCT_SCOPE_STATES),
    product: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { minItems: 1, maxItems: 50 })),
    category: list(PRODUCT_CATEGORIES),
    channel: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 20 })),
    exploited_vulnerability: Type.Optional(
      Type.Boolean({ description: 'true: only while an actively exploited vulnerability of the product is open (CRA Art. 14)' }),
    ),
    function: list(IDENTITY_FUNCTIONS),
    kind: list(IDENTITY_KINDS),
    capability: list(CAPABILITIES),
    environment: list(ENVIRONMENTS),
    action_class: list(ACTION_CLASSES),
    actions: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), { minItems: 1, maxItems: 100 })),
    vendor: Type.Optional(Type.Boolean()),
    break_glass: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/**
 * Lifecycle rules for products under the Cyber Resilience Act (policies/lifecycle/cra-default.yaml):
 * what a product's status leaves lawful for the identities acting for it. `regime: cra` tells them
 * from MiCA rules; they are pushed, tested and versioned the same way.
 */
export const ProductLifecycleRules = Type.Object(
  {
    version: Type.Literal(1),
    regime: Type.Literal('cra'),
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    description: Type.String({ maxLength: 2000 }),
    table: Type.Object(
      Object.fromEntries(PRODUCT_SCOPE_STATES.map((s) => [s, ProductClassEffects])) as Record<
        ProductScopeState,
        typeof ProductClassEffects
      >,
      { additionalProperties: false },
    ),
    rules: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
          description: Type.String({ minLength: 1, maxLength: 1000 }),
          when: ProductRuleWhen,
          effect: ProductEffect,
        },
        { additionalProperties: false },
      ),
      { maxItems: 500 },
    ),
  },
  { additionalProperties: false, title: 'Mandate product lifecycle rules (CRA)' },
);
export type ProductLifecycleRules = Static<typeof ProductLifecycleRules>;

export function checkProductRules(doc: unknown): { rules?: ProductLifecycleRules; issues: Issue[] } {
  const validate = compileBody(ProductLifecycleRules);
  if (!validate(doc)) return { issues: ajvIssues(validate.errors) };
  const rules = doc as ProductLifecycleRules;
  const issues: Issue[] = [];
  const seen = new Set<string>();
  rules.rules.forEach((r, n) => {
    if (seen.has(r.id)) issues.push({ field: `/rules/${n}/id`, reason: `duplicate rule id ${r.id}` });
    seen.add(r.id);
    if (
      r.effect !== 'allow' &&
      (r.when.action_class === undefined || r.when.action_class.includes('observe')) &&
      r.when.actions === undefined
    )
      issues.push({
        field: `/rules/${n}/when/action_class`,
        reason: 'a deny or approval rule must not match observe actions (observe is never cut)',
      });
  });
  for (const s of PRODUCT_SCOPE_STATES)
    if (rules.table[s].observe !== 'allow') issues.push({ field: `/table/${s}/observe`, reason: 'observe access is never cut' });
  return issues.length ? { issues } : { rules, issues };
}

/** Conditions of a restricted authorisation. */
export interface Conditions {
  denied_actions?: string[];
}

/** What the engine knows of a MiCA scope's authorisation. */
export interface ScopeAuthority {
  id: string;
  status: AuthorisationStatus;
  conditions?: Conditions;
}

/** What the engine knows of a product scope's product. */
export type ProductAuthority = ProductEntry;

/** Looks up the authorisation behind a MiCA scope, or the product behind a product scope; the engine never reads a store. */
export type AuthorityLookup = {
  (scope: MicaScope): ScopeAuthority | undefined;
  (scope: Scope): ScopeAuthority | ProductAuthority | undefined;
};

/** A scope's key: `entity/service/jurisdiction`, or `product:<id>[/<channel>]`. */
export const scopeKey = (s: Scope): string => (isProductScope(s) ? productScopeKey(s) : `${s.entity}/${s.service}/${s.jurisdiction}`);
/** The key a product's state is looked up by, whatever the channel. */
export const productKey = (id: string): string => `product:${id}`;

export interface ActionVerdict {
  action: string;
  class: ActionClass;
  lawful: boolean;
  /** The rule id, or `table:<state>.<class>`, that decided. */
  by: string;
}

export interface ScopePower {
  scope: Scope;
  state: ScopeState | ProductScopeState;
  /** The authorisation (MiCA) or product (CRA) behind the scope, when one exists. */
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
  productRules?: ProductLifecycleRules,
): PowerDecision {
  // Plain loops: this runs for every identity of a cascade (20,000 and more), and flatMap/filter
  // copies of the verdicts were a large share of its time and garbage.
  let total = 0;
  let lost = 0;
  let executeLeft = false;
  const scopes: ScopePower[] = [];
  const subject = ruleSubject(identity);
  for (const scope of identity.scopes) {
    if (isProductScope(scope)) {
      // A product scope decides product actions only, under the product rules.
      const product = lookup(scope) as ProductAuthority | undefined;
      const verdicts: ActionVerdict[] = [];
      for (const action of identity.actions) {
        if (!PRODUCT_ACTIONS.has(action)) continue;
        const cls = vocabulary.classOf(action) ?? 'new_business';
        const v = productRules
          ? productVerdict(productRules, subject, scope, product, action, cls)
          : { lawful: cls === 'observe', by: 'builtin:no-product-rules' };
        total++;
        if (!v.lawful) lost++;
        else if (cls !== 'observe') executeLeft = true;
        verdicts.push({ action, class: cls, lawful: v.lawful, by: v.by });
      }
      scopes.push({ scope, state: product?.status ?? 'none', authorisation: product?.id ?? null, verdicts });
      continue;
    }
    const authority = lookup(scope);
    const state: ScopeState = authority?.status ?? 'none';
    const verdicts: ActionVerdict[] = [];
    for (const action of identity.actions) {
      if (PRODUCT_ONLY_ACTIONS.has(action)) continue;
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

/** Checks a rules document of either regime: product rules (CRA) say `regime: cra`, MiCA rules say nothing. */
export function checkAnyRules(doc: unknown): { rules?: LifecycleRules | ProductLifecycleRules; issues: Issue[] } {
  return (doc as { regime?: unknown } | null)?.regime === 'cra' ? checkProductRules(doc) : checkRules(doc);
}
