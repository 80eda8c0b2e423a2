// Cedar's JSON policy format (the "EST": what cedar-wasm's `policyToJson` produces) and JSON
// entity format, typed here so the SDK does not depend on cedar-wasm (which the hot path must not
// load). Shapes follow cedar-wasm 4.x `cedar_wasm.d.ts`; only what the compiler reads is typed.

/** `{ type, id }` or the escaped `{ __entity: { type, id } }`: both are accepted wherever Cedar's
 *  format says the value is an entity (policy scopes, entity uids, parents, requests). */
export type EntityUidJson = { type: string; id: string } | { __entity: { type: string; id: string } };

/** A value in Cedar's JSON formats. In attributes and context only `__entity` marks an entity;
 *  a bare `{ type, id }` there is a record, as in Cedar without a schema. `bigint` is accepted
 *  for longs JSON cannot carry exactly. */
export type CedarValueJson =
  | boolean
  | number
  | bigint
  | string
  | null // not a Cedar value: refused, typed so cedar-wasm's output is accepted as input
  | CedarValueJson[]
  | { __entity: { type: string; id: string } }
  | { __extn: { fn: string; arg?: CedarValueJson; args?: CedarValueJson[] } }
  | { [key: string]: CedarValueJson };

export type PatternElem = 'Wildcard' | { Literal: string };

export type Var = 'principal' | 'action' | 'resource' | 'context';

type Binary = { left: Expr; right: Expr };
type Unary = { arg: Expr };

/** Any Cedar expression. Extension calls appear as `{ <function name>: Expr[] }`; they are
 *  typed through the index signature and refused by the compiler. */
export type Expr =
  | { Value: CedarValueJson }
  | { Var: Var }
  | { Slot: string }
  | { '!': Unary }
  | { neg: Unary }
  | { '==': Binary }
  | { '!=': Binary }
  | { in: Binary }
  | { '<': Binary }
  | { '<=': Binary }
  | { '>': Binary }
  | { '>=': Binary }
  | { '&&': Binary }
  | { '||': Binary }
  | { '+': Binary }
  | { '-': Binary }
  | { '*': Binary }
  | { contains: Binary }
  | { containsAll: Binary }
  | { containsAny: Binary }
  | { isEmpty: Unary }
  | { getTag: Binary }
  | { hasTag: Binary }
  | { '.': { left: Expr; attr: string } }
  | { has: { left: Expr; attr: string | string[] } }
  | { like: { left: Expr; pattern: PatternElem[] } }
  | { is: { left: Expr; entity_type: string; in?: Expr } }
  | { 'if-then-else': { if: Expr; then: Expr; else: Expr } }
  | { Set: Expr[] }
  | { Record: Record<string, Expr> }
  | { [extensionFunction: string]: Expr[] };

export type EntityOrSlot = { entity: EntityUidJson } | { slot: string };

export type PrincipalOrResourceConstraint =
  | { op: 'All' }
  | ({ op: '==' } & EntityOrSlot)
  | ({ op: 'in' } & EntityOrSlot)
  | { op: 'is'; entity_type: string; in?: EntityOrSlot };

export type ActionConstraint =
  | { op: 'All' }
  | ({ op: '==' } & EntityOrSlot)
  | { op: 'in'; entity: EntityUidJson }
  | { op: 'in'; entities: EntityUidJson[] };

export type Clause = { kind: 'when' | 'unless'; body: Expr };

export interface PolicyJson {
  effect: 'permit' | 'forbid';
  principal: PrincipalOrResourceConstraint;
  action: ActionConstraint;
  resource: PrincipalOrResourceConstraint;
  conditions: Clause[];
  annotations?: Record<string, string | null>;
}

/** One entity in Cedar's JSON entity format. */
export interface EntityJson {
  uid: EntityUidJson;
  attrs?: Record<string, CedarValueJson>;
  parents?: EntityUidJson[];
  tags?: Record<string, CedarValueJson>;
}
