// What an authorisation's state leaves lawful for an identity acting in its scope: the lifecycle
// rules (data a firm writes and versions) applied to one (identity, scope, action). The server's
// cascade, its decision point and every enforcement point call this one function, so an
// enforcement point can never disagree with the cascade about what is lawful.

export type AuthorisationState = 'applied' | 'authorised' | 'restricted' | 'suspended' | 'withdrawn' | 'wind_down' | 'closed';
/** A scope's state: its authorisation's status, or `none` when the firm holds no authorisation for it. */
export type ScopeState = AuthorisationState | 'none';
export type ActionClass = 'observe' | 'new_business' | 'return_path';
type TableEffect = 'allow' | 'deny' | 'conditions';

export interface RuleWhen {
  status?: readonly ScopeState[];
  service?: readonly string[];
  service_not?: readonly string[];
  jurisdiction?: readonly string[];
  entity?: readonly string[];
  function?: readonly string[];
  kind?: readonly string[];
  capability?: readonly string[];
  environment?: readonly string[];
  action_class?: readonly ActionClass[];
  actions?: readonly string[];
  vendor?: boolean;
  break_glass?: boolean;
}

export interface LifecycleRuleSet {
  id: string;
  table: Readonly<Record<ScopeState, Readonly<Record<ActionClass, TableEffect>>>>;
  rules: readonly { id: string; when: RuleWhen; effect: 'allow' | 'deny' }[];
}

/** The identity attributes lifecycle rules may test. */
export interface RuleSubject {
  function: string;
  kind: string;
  capability: string;
  environment: string;
  vendor: boolean;
  break_glass: boolean;
}

export interface ScopeRef {
  entity: string;
  service: string;
  jurisdiction: string;
}

export interface Verdict {
  lawful: boolean;
  /** The rule id, or `table:<state>.<class>`, that decided. */
  by: string;
}

export const scopeKeyOf = (s: ScopeRef): string => `${s.entity}/${s.service}/${s.jurisdiction}`;

const has = <T>(values: readonly T[] | undefined, v: T): boolean => values === undefined || values.includes(v);

/** The part of a rule's condition on who acts and what they do, the same in both regimes. */
type SubjectWhen = Pick<
  RuleWhen,
  'function' | 'kind' | 'capability' | 'environment' | 'action_class' | 'actions' | 'vendor' | 'break_glass'
>;

function matchesSubject(when: SubjectWhen, who: RuleSubject, action: string, cls: ActionClass): boolean {
  return (
    has(when.function, who.function) &&
    has(when.kind, who.kind) &&
    has(when.capability, who.capability) &&
    has(when.environment, who.environment) &&
    has(when.action_class, cls) &&
    has(when.actions, action) &&
    (when.vendor === undefined || when.vendor === who.vendor) &&
    (when.break_glass === undefined || when.break_glass === who.break_glass)
  );
}

function matches(when: RuleWhen, who: RuleSubject, scope: ScopeRef, state: ScopeState, action: string, cls: ActionClass): boolean {
  return (
    has(when.status, state) &&
    has(when.service, scope.service) &&
    !(when.service_not ?? []).includes(scope.service) &&
    has(when.jurisdiction, scope.jurisdiction) &&
    has(when.entity, scope.entity) &&
    matchesSubject(when, who, action, cls)
  );
}

/**
 * Whether `action` (of class `cls`) is lawful for `who` in `scope`, whose state is `state`:
 * the first explicit rule that matches decides, else the table. `denied` are the actions a
 * restricted authorisation's conditions forbid.
 */
export function actionVerdict(
  rules: LifecycleRuleSet,
  who: RuleSubject,
  scope: ScopeRef,
  state: ScopeState,
  denied: readonly string[] | undefined,
  action: string,
  cls: ActionClass,
): Verdict {
  for (const r of rules.rules) {
    if (matches(r.when, who, scope, state, action, cls)) return { lawful: r.effect === 'allow', by: r.id };
  }
  const effect = rules.table[state][cls];
  const lawful = effect === 'allow' || (effect === 'conditions' && !(denied ?? []).includes(action));
  return { lawful, by: `table:${state}.${cls}` };
}

// Products under the Cyber Resilience Act (docs/cra.md): the same idea over a product's
// conformity and market status. A product scope's state is its product's status; its rules may
// also test the product, its category and channel, and whether an actively exploited
// vulnerability is open (CRA Art. 14). Their third effect, `approval`, leaves an action lawful
// only under an approved just-in-time grant (a second person's approval).

/**
 * The actions decided in a product scope (CRA). A product scope decides only these; a MiCA scope
 * decides every other action (and `read`, and `sign_release`, which people sign for a scope's
 * systems). A firm's own actions are MiCA actions.
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
/** Product actions that mean nothing in a MiCA scope. */
export const PRODUCT_ONLY_ACTIONS: ReadonlySet<string> = new Set([...PRODUCT_ACTIONS].filter((a) => a !== 'read' && a !== 'sign_release'));

export type ProductState = 'in_development' | 'assessed' | 'on_market' | 'support_ended' | 'withdrawn' | 'recalled' | 'none';

/** A product as an enforcement point needs it. */
export interface ProductEntry {
  id: string;
  status: Exclude<ProductState, 'none'>;
  category: string;
  /** Whether an actively exploited vulnerability of it is open (CRA Art. 14). */
  exploited: boolean;
  channels: readonly string[];
}

export interface ProductRuleWhen {
  status?: readonly ProductState[];
  product?: readonly string[];
  category?: readonly string[];
  channel?: readonly string[];
  exploited_vulnerability?: boolean;
  function?: readonly string[];
  kind?: readonly string[];
  capability?: readonly string[];
  environment?: readonly string[];
  action_class?: readonly ActionClass[];
  actions?: readonly string[];
  vendor?: boolean;
  break_glass?: boolean;
}

export interface ProductRuleSet {
  id: string;
  table: Readonly<Record<ProductState, Readonly<Record<ActionClass, 'allow' | 'deny'>>>>;
  rules: readonly { id: string; when: ProductRuleWhen; effect: 'allow' | 'deny' | 'approval' }[];
}

export interface ProductRef {
  product: string;
  channel?: string;
}

export interface ProductVerdict extends Verdict {
  /** Lawful only under an approved just-in-time grant (a rule's `approval` effect). */
  approval?: true;
}

/** A product scope's key: `product:<id>` (every channel) or `product:<id>/<channel>`. */
export const productScopeKey = (s: ProductRef): string => (s.channel ? `product:${s.product}/${s.channel}` : `product:${s.product}`);

function matchesProduct(
  when: ProductRuleWhen,
  who: RuleSubject,
  scope: ProductRef,
  product: ProductEntry | undefined,
  action: string,
  cls: ActionClass,
): boolean {
  return (
    has(when.status, product?.status ?? 'none') &&
    has(when.product, scope.product) &&
    has(when.category, product?.category ?? '') &&
    (when.channel === undefined || (scope.channel !== undefined && when.channel.includes(scope.channel))) &&
    (when.exploited_vulnerability === undefined || when.exploited_vulnerability === (product?.exploited ?? false)) &&
    matchesSubject(when, who, action, cls)
  );
}

/**
 * Whether `action` (of class `cls`) is lawful for `who` in a product scope, given the product
 * (undefined: no such product, state `none`): the first explicit rule that matches decides, else
 * the table.
 */
export function productVerdict(
  rules: ProductRuleSet,
  who: RuleSubject,
  scope: ProductRef,
  product: ProductEntry | undefined,
  action: string,
  cls: ActionClass,
): ProductVerdict {
  for (const r of rules.rules) {
    if (!matchesProduct(r.when, who, scope, product, action, cls)) continue;
    return r.effect === 'approval' ? { lawful: true, approval: true, by: r.id } : { lawful: r.effect === 'allow', by: r.id };
  }
  const state: ProductState = product?.status ?? 'none';
  return { lawful: rules.table[state][cls] === 'allow', by: `table:${state}.${cls}` };
}
