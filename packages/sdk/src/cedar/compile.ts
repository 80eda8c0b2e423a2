// Compiles Cedar policies (Cedar's JSON policy format, the "EST") to plain JavaScript closures.
//
// Why hand-written: no JavaScript library compiles or evaluates Cedar; the reference
// implementation is Rust, reachable from Node only through cedar-wasm, which costs a JSON round
// trip into WASM per decision (~5,000 decisions/s at best) and, on Node 20, can abort the process
// with a V8 fatal error (see docs/cedar-compiler.md). Closures built once per policy set and
// evaluated against prepared values (values.ts, entities.ts) answer in about a microsecond.
//
// Semantics follow Cedar 4 exactly, and test/sdk/cedar-differential.test.ts compares every answer
// with cedar-wasm: a policy is satisfied when its scope and all its `when`s hold and no `unless`
// does; a policy whose evaluation errors is not satisfied and is reported in `errors`; allow iff
// some permit is satisfied and no forbid is. Evaluation errors are thrown as
// CedarEvaluationError (not an Error: no stack trace to capture) and caught per policy.
// Extension functions and values (ip, decimal, datetime, duration and their methods) are
// evaluated by extensions.ts; templates are refused at compile time with a CompileError naming
// the policy.

import type {
  ActionConstraint,
  CedarValueJson,
  EntityUidJson,
  Expr,
  PatternElem,
  PolicyJson,
  PrincipalOrResourceConstraint,
} from './est.js';
import { EMPTY_ENTITY_STORE, type Entity, type EntityStore } from './entities.js';
import { CedarEvaluationError, compareExtensions, EXTENSION_FUNCTIONS } from './extensions.js';
import {
  canonicalLong,
  CedarInputError,
  CedarRecord,
  CedarSet,
  type CedarValue,
  EMPTY_RECORD,
  entityUid,
  EntityUid,
  isLong,
  setOf,
  typeName,
  uidFromJson,
  valueFromJson,
  valuesEqual,
} from './values.js';

export interface AuthorizationRequest {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  context: CedarRecord;
}

export interface AuthorizationResult {
  decision: 'allow' | 'deny';
  /** Ids of the determining policies, as Cedar: the satisfied forbids when a forbid denies,
   *  else the satisfied permits (empty on the default deny). */
  reasons: readonly string[];
  /** Ids of the policies whose evaluation errored (they count as not satisfied). */
  errors: readonly string[];
}

export interface CompiledPolicySet {
  authorize(request: AuthorizationRequest, entities: EntityStore): AuthorizationResult;
  readonly policyIds: readonly string[];
}

/** A policy the compiler cannot or will not compile; names the policy. */
export class CompileError extends Error {
  override readonly name = 'CompileError';
  constructor(
    readonly policyId: string,
    readonly detail: string,
  ) {
    super(`policy ${JSON.stringify(policyId)}: ${detail}`);
  }
}

export { CedarEvaluationError };

/** What one authorize call evaluates against. The principal's and the resource's entities are
 *  what policies read most: each is looked up in the store once per call (null: not yet). */
interface Frame {
  readonly request: AuthorizationRequest;
  readonly entities: EntityStore;
  principalEntity: Entity | undefined | null;
  resourceEntity: Entity | undefined | null;
}

type Evaluator = (frame: Frame) => CedarValue;
type Predicate = (frame: Frame) => boolean;

function entityOf(frame: Frame, uid: EntityUid): Entity | undefined {
  const request = frame.request;
  if (uid === request.principal) {
    const known = frame.principalEntity;
    return known !== null ? known : (frame.principalEntity = frame.entities.get(uid.key));
  }
  if (uid === request.resource) {
    const known = frame.resourceEntity;
    return known !== null ? known : (frame.resourceEntity = frame.entities.get(uid.key));
  }
  return frame.entities.get(uid.key);
}

interface Compiled {
  readonly evaluate: Evaluator;
  /** Independent of the request and the entities: can be (and was, unless it errors) folded. */
  readonly constant: boolean;
  /** The folded value when `constant` and evaluating it did not error. */
  readonly value?: CedarValue;
}

interface CompiledPolicy {
  readonly id: string;
  readonly order: number;
  readonly forbid: boolean;
  /** Scope (but the action, which the index checks) and conditions; throws CedarEvaluationError. */
  readonly satisfied: Predicate;
}

const NO_IDS: readonly string[] = Object.freeze([]);

// ---------------------------------------------------------------------------------------------
// Policy set

export function compilePolicySet(policies: readonly { id: string; policy: PolicyJson }[]): CompiledPolicySet {
  const compiled: CompiledPolicy[] = [];
  const actionScopes: ActionScope[] = [];
  const seen = new Set<string>();
  policies.forEach(({ id, policy }, order) => {
    if (typeof id !== 'string') throw new CompileError(String(id), 'policy ids are strings');
    if (seen.has(id)) throw new CompileError(id, 'the id is used by more than one policy');
    seen.add(id);
    const compiler = new PolicyCompiler(id);
    compiled.push(compiler.policy(policy, order));
    actionScopes.push(compiler.actionScope(policy.action));
  });
  return new IndexedPolicySet(compiled, actionScopes);
}

type ActionScope = { kind: 'any' } | { kind: 'eq'; key: string } | { kind: 'in'; keys: string[] };

/** Policies indexed by their action scope, so a request evaluates only those that can apply
 *  (a policy whose scope does not hold is neither satisfied nor erroring: skipping it is exact). */
class IndexedPolicySet implements CompiledPolicySet {
  readonly policyIds: readonly string[];
  /** Policies with `action` unconstrained. */
  private readonly anyAction: readonly CompiledPolicy[];
  /** Per action key: the policies that apply to that action whatever its groups (any-action
   *  ones, `action == k`, `action in [.. k ..]`). */
  private readonly byAction = new Map<string, readonly CompiledPolicy[]>();
  /** Per action-group key: the policies with `action in [.. group ..]`. */
  private readonly byGroup = new Map<string, CompiledPolicy[]>();
  /** Candidates for an action entity that has groups: computed once per entity object. */
  private readonly groupedCache = new WeakMap<Entity, { key: string; policies: readonly CompiledPolicy[] }>();

  constructor(policies: readonly CompiledPolicy[], scopes: readonly ActionScope[]) {
    this.policyIds = policies.map((policy) => policy.id);
    const anyAction: CompiledPolicy[] = [];
    const exact = new Map<string, CompiledPolicy[]>();
    const add = (map: Map<string, CompiledPolicy[]>, key: string, policy: CompiledPolicy): void => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [policy]);
      else if (list[list.length - 1] !== policy) list.push(policy);
    };
    policies.forEach((policy, i) => {
      const scope = scopes[i]!;
      if (scope.kind === 'any') anyAction.push(policy);
      else if (scope.kind === 'eq') add(exact, scope.key, policy);
      else for (const key of scope.keys) add(this.byGroup, key, policy);
    });
    this.anyAction = anyAction;
    for (const key of new Set([...exact.keys(), ...this.byGroup.keys()])) {
      this.byAction.set(key, mergeByOrder([anyAction, exact.get(key) ?? [], this.byGroup.get(key) ?? []]));
    }
  }

  authorize(request: AuthorizationRequest, entities: EntityStore): AuthorizationResult {
    const { principal, action, resource, context } = request;
    if (!(principal instanceof EntityUid) || !(action instanceof EntityUid) || !(resource instanceof EntityUid)) {
      throw new TypeError('principal, action and resource must be EntityUids (see entityUid())');
    }
    if (!(context instanceof CedarRecord)) throw new TypeError('context must be a CedarRecord (see cedarRecord(), contextFromJson())');
    const candidates = this.candidates(action, entities);
    const frame: Frame = { request, entities, principalEntity: null, resourceEntity: null };
    let forbids: string[] | undefined;
    let permits: string[] | undefined;
    let errors: string[] | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const policy = candidates[i]!;
      let satisfied: boolean;
      try {
        satisfied = policy.satisfied(frame);
      } catch (error) {
        if (!(error instanceof CedarEvaluationError)) throw error;
        (errors ??= []).push(policy.id);
        continue;
      }
      if (satisfied) {
        if (policy.forbid) (forbids ??= []).push(policy.id);
        else (permits ??= []).push(policy.id);
      }
    }
    if (forbids !== undefined) return { decision: 'deny', reasons: forbids, errors: errors ?? NO_IDS };
    if (permits !== undefined) return { decision: 'allow', reasons: permits, errors: errors ?? NO_IDS };
    return { decision: 'deny', reasons: NO_IDS, errors: errors ?? NO_IDS };
  }

  private candidates(action: EntityUid, entities: EntityStore): readonly CompiledPolicy[] {
    const direct = this.byAction.get(action.key) ?? this.anyAction;
    if (this.byGroup.size === 0) return direct;
    const entity = entities.get(action.key);
    if (entity === undefined || entity.ancestors.size === 0) return direct;
    const cached = this.groupedCache.get(entity);
    if (cached !== undefined && cached.key === action.key) return cached.policies;
    const lists: (readonly CompiledPolicy[])[] = [direct];
    for (const group of entity.ancestors) {
      const list = this.byGroup.get(group);
      if (list !== undefined) lists.push(list);
    }
    const policies = lists.length === 1 ? direct : mergeByOrder(lists);
    this.groupedCache.set(entity, { key: action.key, policies });
    return policies;
  }
}

/** Union of policy lists, without duplicates, in policy-set order. */
function mergeByOrder(lists: readonly (readonly CompiledPolicy[])[]): CompiledPolicy[] {
  const byOrder = new Map<number, CompiledPolicy>();
  for (const list of lists) for (const policy of list) byOrder.set(policy.order, policy);
  return [...byOrder.values()].sort((a, b) => a.order - b.order);
}

// ---------------------------------------------------------------------------------------------
// One policy

// What constant subexpressions are folded against: by definition they read neither part.
const FOLDING_UID = entityUid('Folding', '');
const FOLDING_FRAME: Frame = {
  request: { principal: FOLDING_UID, action: FOLDING_UID, resource: FOLDING_UID, context: EMPTY_RECORD },
  entities: EMPTY_ENTITY_STORE,
  principalEntity: null,
  resourceEntity: null,
};

class PolicyCompiler {
  constructor(private readonly policyId: string) {}

  private refuse(detail: string): never {
    throw new CompileError(this.policyId, detail);
  }

  policy(policy: PolicyJson, order: number): CompiledPolicy {
    if (typeof policy !== 'object' || policy === null) this.refuse('not a policy in Cedar JSON format');
    if (policy.effect !== 'permit' && policy.effect !== 'forbid') this.refuse(`unknown effect ${JSON.stringify(policy.effect)}`);
    if (!Array.isArray(policy.conditions)) this.refuse('"conditions" must be an array');
    const principalScope = this.scope(policy.principal, 'principal');
    const resourceScope = this.scope(policy.resource, 'resource');
    const clauses: Predicate[] = policy.conditions.map((clause) => {
      const body = this.expr(clause.body).evaluate;
      if (clause.kind === 'when') {
        return (frame) => {
          const value = body(frame);
          if (typeof value !== 'boolean') throw typeError('bool', value);
          return value;
        };
      }
      if (clause.kind === 'unless') {
        return (frame) => {
          const value = body(frame);
          if (typeof value !== 'boolean') throw typeError('bool', value);
          return !value;
        };
      }
      return this.refuse(`unknown condition kind ${JSON.stringify((clause as { kind: unknown }).kind)}`);
    });
    const clauseCount = clauses.length;
    const first = clauses[0];
    const satisfied: Predicate =
      clauseCount === 0
        ? (frame) => principalScope(frame.request.principal, frame) && resourceScope(frame.request.resource, frame)
        : clauseCount === 1
          ? (frame) => principalScope(frame.request.principal, frame) && resourceScope(frame.request.resource, frame) && first!(frame)
          : (frame) => {
              if (!principalScope(frame.request.principal, frame) || !resourceScope(frame.request.resource, frame)) return false;
              for (let i = 0; i < clauseCount; i++) if (!clauses[i]!(frame)) return false;
              return true;
            };
    return { id: this.policyId, order, forbid: policy.effect === 'forbid', satisfied };
  }

  actionScope(constraint: ActionConstraint): ActionScope {
    if (typeof constraint !== 'object' || constraint === null) this.refuse('missing action constraint');
    switch (constraint.op) {
      case 'All':
        return { kind: 'any' };
      case '==':
        return { kind: 'eq', key: this.scopeTarget(constraint, 'action').key };
      case 'in':
        if ('entities' in constraint) {
          if (!Array.isArray(constraint.entities)) this.refuse('action "in" needs a list of entities');
          return { kind: 'in', keys: constraint.entities.map((uid) => this.scopeUid(uid, 'action').key) };
        }
        return { kind: 'in', keys: [this.scopeUid(constraint.entity, 'action').key] };
    }
    return this.refuse(`unknown action constraint ${JSON.stringify((constraint as { op: unknown }).op)}`);
  }

  /** The principal or resource scope as a test on the uid; never errors (as in Cedar). */
  private scope(constraint: PrincipalOrResourceConstraint, which: 'principal' | 'resource'): (uid: EntityUid, frame: Frame) => boolean {
    if (typeof constraint !== 'object' || constraint === null) this.refuse(`missing ${which} constraint`);
    switch (constraint.op) {
      case 'All':
        return () => true;
      case '==': {
        const target = this.scopeTarget(constraint, which);
        return (uid) => uid === target || uid.key === target.key;
      }
      case 'in': {
        const targetKey = this.scopeTarget(constraint, which).key;
        return (uid, frame) => uid.key === targetKey || (entityOf(frame, uid)?.ancestors.has(targetKey) ?? false);
      }
      case 'is': {
        const type = constraint.entity_type;
        if (typeof type !== 'string') this.refuse(`${which} "is" needs an entity type`);
        if (constraint.in === undefined) return (uid) => uid.type === type;
        const targetKey = this.scopeTarget(constraint.in, which).key;
        return (uid, frame) => uid.type === type && (uid.key === targetKey || (entityOf(frame, uid)?.ancestors.has(targetKey) ?? false));
      }
    }
    return this.refuse(`unknown ${which} constraint ${JSON.stringify((constraint as { op: unknown }).op)}`);
  }

  private scopeTarget(constraint: { entity: EntityUidJson } | { slot: string }, which: string): EntityUid {
    if ('slot' in constraint) {
      this.refuse(`is a template (slot ${constraint.slot} in the ${which} scope): only static policies are supported`);
    }
    return this.scopeUid(constraint.entity, which);
  }

  private scopeUid(json: EntityUidJson, which: string): EntityUid {
    try {
      return uidFromJson(json);
    } catch (error) {
      if (error instanceof CedarInputError) this.refuse(`${which} scope: ${error.message}`);
      throw error;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private expr(expr: Expr): Compiled {
    if (typeof expr !== 'object' || expr === null || Array.isArray(expr)) this.refuse(`not an expression: ${JSON.stringify(expr)}`);
    const keys = Object.keys(expr);
    if (keys.length !== 1) this.refuse(`an expression has exactly one operator, got ${JSON.stringify(keys)}`);
    const op = keys[0]!;
    const node = (expr as Record<string, unknown>)[op];
    switch (op) {
      case 'Value':
        return this.literal(node as CedarValueJson);
      case 'Var':
        return this.variable(node);
      case 'Slot':
        return this.refuse(`is a template (slot ${String(node)}): only static policies are supported`);
      case '!': {
        const arg = this.expr(this.unaryArg(node, op));
        const evaluate = arg.evaluate;
        return this.node([arg], (frame) => {
          const value = evaluate(frame);
          if (typeof value !== 'boolean') throw typeError('bool', value);
          return !value;
        });
      }
      case 'neg': {
        const arg = this.expr(this.unaryArg(node, op));
        const evaluate = arg.evaluate;
        return this.node([arg], (frame) => negate(evaluate(frame)));
      }
      case '==':
      case '!=':
        return this.equality(node, op === '!=');
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.comparison(node, op);
      case '+':
        return this.binary(node, op, add);
      case '-':
        return this.binary(node, op, subtract);
      case '*':
        return this.binary(node, op, multiply);
      case '&&':
      case '||':
        return this.logical(node, op);
      case 'in':
        return this.inExpr(node);
      case 'contains':
        return this.contains(node);
      case 'containsAll':
        return this.binary(node, op, (left, right) => {
          if (!(left instanceof CedarSet)) throw typeError('set', left);
          if (!(right instanceof CedarSet)) throw typeError('set', right);
          return left.containsAll(right);
        });
      case 'containsAny':
        return this.binary(node, op, (left, right) => {
          if (!(left instanceof CedarSet)) throw typeError('set', left);
          if (!(right instanceof CedarSet)) throw typeError('set', right);
          return left.containsAny(right);
        });
      case 'isEmpty': {
        const arg = this.expr(this.unaryArg(node, op));
        const evaluate = arg.evaluate;
        return this.node([arg], (frame) => {
          const value = evaluate(frame);
          if (!(value instanceof CedarSet)) throw typeError('set', value);
          return value.size === 0;
        });
      }
      case 'getTag':
      case 'hasTag':
        return this.tag(node, op);
      case '.':
        return this.attribute(node);
      case 'has':
        return this.has(node);
      case 'like':
        return this.like(node);
      case 'is':
        return this.isExpr(node);
      case 'if-then-else':
        return this.ifThenElse(node);
      case 'Set':
        return this.setLiteral(node);
      case 'Record':
        return this.recordLiteral(node);
    }
    if (Array.isArray(node)) return this.extensionCall(op, node as Expr[]);
    return this.refuse(`unknown expression operator ${JSON.stringify(op)}`);
  }

  /** `{ name: [args] }`: an extension function, or a method with its receiver first. */
  private extensionCall(name: string, argExprs: readonly Expr[]): Compiled {
    const fn = EXTENSION_FUNCTIONS.get(name);
    if (fn === undefined) return this.refuse(`calls ${name}(), which is not a Cedar extension function`);
    const args = argExprs.map((arg) => this.expr(arg));
    if (args.length !== fn.args.length) {
      // Cedar parses such a call and fails when it evaluates it (after its arguments, whose own
      // errors are errors too): always an error, so no need to evaluate the arguments.
      const message = `${name}() takes ${fn.args.length} argument(s), got ${args.length}`;
      return fold(() => {
        throw new CedarEvaluationError(message);
      });
    }
    const call = fn.call;
    const first = args[0]!.evaluate;
    if (args.length === 1) return this.node(args, (frame) => call(first(frame), undefined));
    const second = args[1]!.evaluate;
    return this.node(args, (frame) => {
      const a = first(frame);
      return call(a, second(frame));
    });
  }

  /** Folds the node when its inputs are constant and it reads neither request nor entities. */
  private node(inputs: readonly Compiled[], evaluate: Evaluator, readsEntities = false): Compiled {
    if (readsEntities || !inputs.every((input) => input.constant)) return { evaluate, constant: false };
    return fold(evaluate);
  }

  private unaryArg(node: unknown, op: string): Expr {
    const arg = (node as { arg?: Expr } | null)?.arg;
    if (arg === undefined) this.refuse(`"${op}" needs an "arg"`);
    return arg;
  }

  private operands(node: unknown, op: string): [Compiled, Compiled] {
    const { left, right } = (node ?? {}) as { left?: Expr; right?: Expr };
    if (left === undefined || right === undefined) this.refuse(`"${op}" needs "left" and "right"`);
    return [this.expr(left), this.expr(right)];
  }

  private literal(json: CedarValueJson): Compiled {
    try {
      const value = valueFromJson(json, 'literal');
      return { evaluate: () => value, constant: true, value };
    } catch (error) {
      if (!(error instanceof CedarInputError)) throw error;
      return this.refuse(error.message);
    }
  }

  private variable(name: unknown): Compiled {
    switch (name) {
      case 'principal':
        return { evaluate: (frame) => frame.request.principal, constant: false };
      case 'action':
        return { evaluate: (frame) => frame.request.action, constant: false };
      case 'resource':
        return { evaluate: (frame) => frame.request.resource, constant: false };
      case 'context':
        return { evaluate: (frame) => frame.request.context, constant: false };
    }
    return this.refuse(`unknown variable ${JSON.stringify(name)}`);
  }

  private binary(node: unknown, op: string, apply: (left: CedarValue, right: CedarValue) => CedarValue): Compiled {
    const [left, right] = this.operands(node, op);
    const evaluateLeft = left.evaluate;
    const evaluateRight = right.evaluate;
    return this.node([left, right], (frame) => apply(evaluateLeft(frame), evaluateRight(frame)));
  }

  private equality(node: unknown, negated: boolean): Compiled {
    const [left, right] = this.operands(node, negated ? '!=' : '==');
    const evaluateLeft = left.evaluate;
    const evaluateRight = right.evaluate;
    // Against a constant primitive, Cedar's == is JS ===: longs are canonical (see values.ts).
    const primitive = [right, left].find((side) => side.value !== undefined && typeof side.value !== 'object');
    if (primitive !== undefined && !(left.constant && right.constant)) {
      const constant = primitive.value!;
      const evaluateOther = primitive === right ? evaluateLeft : evaluateRight;
      return negated
        ? { evaluate: (frame) => evaluateOther(frame) !== constant, constant: false }
        : { evaluate: (frame) => evaluateOther(frame) === constant, constant: false };
    }
    return this.node(
      [left, right],
      negated
        ? (frame) => !valuesEqual(evaluateLeft(frame), evaluateRight(frame))
        : (frame) => valuesEqual(evaluateLeft(frame), evaluateRight(frame)),
    );
  }

  private comparison(node: unknown, op: '<' | '<=' | '>' | '>='): Compiled {
    // JS compares number with bigint exactly, so mixed canonical longs need no conversion. Two
    // datetimes or two durations compare too (extensions.ts); anything else is a type error.
    switch (op) {
      case '<':
        return this.binary(node, op, (l, r) => (isLong(l) && isLong(r) ? l < r : compareExtensions(l, r, false)));
      case '<=':
        return this.binary(node, op, (l, r) => (isLong(l) && isLong(r) ? l <= r : compareExtensions(l, r, true)));
      case '>':
        return this.binary(node, op, (l, r) => (isLong(l) && isLong(r) ? l > r : compareExtensions(r, l, false)));
      case '>=':
        return this.binary(node, op, (l, r) => (isLong(l) && isLong(r) ? l >= r : compareExtensions(r, l, true)));
    }
  }

  private logical(node: unknown, op: '&&' | '||'): Compiled {
    const [left, right] = this.operands(node, op);
    const evaluateLeft = left.evaluate;
    const evaluateRight = right.evaluate;
    // Short-circuit as Cedar: the right operand is not evaluated (so its errors do not count)
    // when the left decides; either operand that is evaluated must be a bool.
    const evaluate: Evaluator =
      op === '&&'
        ? (frame) => {
            const l = evaluateLeft(frame);
            if (l === false) return false;
            if (l !== true) throw typeError('bool', l);
            const r = evaluateRight(frame);
            if (typeof r !== 'boolean') throw typeError('bool', r);
            return r;
          }
        : (frame) => {
            const l = evaluateLeft(frame);
            if (l === true) return true;
            if (l !== false) throw typeError('bool', l);
            const r = evaluateRight(frame);
            if (typeof r !== 'boolean') throw typeError('bool', r);
            return r;
          };
    // A constant left that decides makes the whole constant even if the right reads the request.
    if (left.constant && left.value === (op === '||')) return { evaluate: () => left.value!, constant: true, value: left.value! };
    return this.node([left, right], evaluate);
  }

  private inExpr(node: unknown): Compiled {
    const [left, right] = this.operands(node, 'in');
    const evaluateLeft = left.evaluate;
    const target = right.value;
    if (target instanceof EntityUid) {
      const targetKey = target.key;
      return {
        evaluate: (frame) => {
          const value = evaluateLeft(frame);
          if (!(value instanceof EntityUid)) throw typeError('entity', value);
          return value.key === targetKey || (entityOf(frame, value)?.ancestors.has(targetKey) ?? false);
        },
        constant: false,
      };
    }
    const evaluateRight = right.evaluate;
    return {
      evaluate: (frame) => entityIn(evaluateLeft(frame), evaluateRight(frame), frame),
      constant: false,
    };
  }

  private contains(node: unknown): Compiled {
    const [left, right] = this.operands(node, 'contains');
    const evaluateRight = right.evaluate;
    if (left.value instanceof CedarSet && !right.constant) {
      const set = left.value;
      return { evaluate: (frame) => set.has(evaluateRight(frame)), constant: false };
    }
    const evaluateLeft = left.evaluate;
    return this.node([left, right], (frame) => {
      const set = evaluateLeft(frame);
      const element = evaluateRight(frame);
      if (!(set instanceof CedarSet)) throw typeError('set', set);
      return set.has(element);
    });
  }

  private tag(node: unknown, op: 'getTag' | 'hasTag'): Compiled {
    const [left, right] = this.operands(node, op);
    const evaluateLeft = left.evaluate;
    const evaluateRight = right.evaluate;
    const evaluate: Evaluator =
      op === 'hasTag'
        ? (frame) => {
            const uid = evaluateLeft(frame);
            const tag = evaluateRight(frame);
            if (!(uid instanceof EntityUid)) throw typeError('entity', uid);
            if (typeof tag !== 'string') throw typeError('string', tag);
            return entityOf(frame, uid)?.tags.has(tag) ?? false;
          }
        : (frame) => {
            const uid = evaluateLeft(frame);
            const tag = evaluateRight(frame);
            if (!(uid instanceof EntityUid)) throw typeError('entity', uid);
            if (typeof tag !== 'string') throw typeError('string', tag);
            const entity = entityOf(frame, uid);
            if (entity === undefined) throw new CedarEvaluationError(`entity ${uid} does not exist`);
            const value = entity.tags.get(tag);
            if (value === undefined) throw new CedarEvaluationError(`${uid} does not have the tag ${JSON.stringify(tag)}`);
            return value;
          };
    return { evaluate, constant: false };
  }

  private attribute(node: unknown): Compiled {
    const { left, attr } = (node ?? {}) as { left?: Expr; attr?: unknown };
    if (left === undefined || typeof attr !== 'string') this.refuse('"." needs "left" and a string "attr"');
    const object = this.expr(left);
    const evaluateObject = object.evaluate;
    if (object.value instanceof CedarRecord) {
      // A constant record: fold (a missing attribute stays an error at evaluation).
      return fold((frame) => getAttr(object.value!, attr, frame));
    }
    return { evaluate: (frame) => getAttr(evaluateObject(frame), attr, frame), constant: false };
  }

  private has(node: unknown): Compiled {
    const { left, attr } = (node ?? {}) as { left?: Expr; attr?: unknown };
    const path = typeof attr === 'string' ? [attr] : attr;
    if (left === undefined || !Array.isArray(path) || path.length === 0 || !path.every((name) => typeof name === 'string')) {
      this.refuse('"has" needs "left" and an attribute name or a non-empty list of names');
    }
    const object = this.expr(left);
    const evaluateObject = object.evaluate;
    const names = path as string[];
    if (names.length === 1) {
      const name = names[0]!;
      return { evaluate: (frame) => hasAttr(evaluateObject(frame), name, frame), constant: false };
    }
    // `e has a.b.c` is Cedar's `e has a && e.a has b && e.a.b has c`: each step needs a record
    // or an entity (else a type error), a missing step makes it false.
    const last = names.length - 1;
    return {
      evaluate: (frame) => {
        let value = evaluateObject(frame);
        for (let i = 0; ; i++) {
          if (!hasAttr(value, names[i]!, frame)) return false;
          if (i === last) return true;
          value = getAttr(value, names[i]!, frame);
        }
      },
      constant: false,
    };
  }

  private like(node: unknown): Compiled {
    const { left, pattern } = (node ?? {}) as { left?: Expr; pattern?: unknown };
    if (left === undefined || !Array.isArray(pattern)) this.refuse('"like" needs "left" and a "pattern" list');
    const matches = compilePattern(pattern as PatternElem[], (detail) => this.refuse(detail));
    const text = this.expr(left);
    const evaluateText = text.evaluate;
    return this.node([text], (frame) => {
      const value = evaluateText(frame);
      if (typeof value !== 'string') throw typeError('string', value);
      return matches(value);
    });
  }

  private isExpr(node: unknown): Compiled {
    const { left, entity_type: type, in: inside } = (node ?? {}) as { left?: Expr; entity_type?: unknown; in?: Expr };
    if (left === undefined || typeof type !== 'string') this.refuse('"is" needs "left" and an "entity_type"');
    const subject = this.expr(left);
    const evaluateSubject = subject.evaluate;
    if (inside === undefined) {
      return this.node([subject], (frame) => {
        const value = evaluateSubject(frame);
        if (!(value instanceof EntityUid)) throw typeError('entity', value);
        return value.type === type;
      });
    }
    // `e is T in x` is Cedar's `e is T && e in x`: x is not evaluated unless e is a T.
    const evaluateTarget = this.expr(inside).evaluate;
    return {
      evaluate: (frame) => {
        const value = evaluateSubject(frame);
        if (!(value instanceof EntityUid)) throw typeError('entity', value);
        if (value.type !== type) return false;
        return entityIn(value, evaluateTarget(frame), frame);
      },
      constant: false,
    };
  }

  private ifThenElse(node: unknown): Compiled {
    const { if: condition, then, else: otherwise } = (node ?? {}) as { if?: Expr; then?: Expr; else?: Expr };
    if (condition === undefined || then === undefined || otherwise === undefined)
      this.refuse('"if-then-else" needs "if", "then" and "else"');
    const test = this.expr(condition);
    const yes = this.expr(then);
    const no = this.expr(otherwise);
    if (test.value === true) return yes;
    if (test.value === false) return no;
    const evaluateTest = test.evaluate;
    const evaluateYes = yes.evaluate;
    const evaluateNo = no.evaluate;
    return this.node([test, yes, no], (frame) => {
      const value = evaluateTest(frame);
      if (value === true) return evaluateYes(frame);
      if (value === false) return evaluateNo(frame);
      throw typeError('bool', value);
    });
  }

  private setLiteral(node: unknown): Compiled {
    if (!Array.isArray(node)) this.refuse('"Set" needs a list of expressions');
    const elements = (node as Expr[]).map((element) => this.expr(element));
    const evaluators = elements.map((element) => element.evaluate);
    const count = evaluators.length;
    return this.node(elements, (frame) => {
      const values: CedarValue[] = new Array<CedarValue>(count);
      for (let i = 0; i < count; i++) values[i] = evaluators[i]!(frame);
      return setOf(values);
    });
  }

  private recordLiteral(node: unknown): Compiled {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) this.refuse('"Record" needs an object of expressions');
    const fields = Object.entries(node as Record<string, Expr>).map(([name, value]) => [name, this.expr(value)] as const);
    const names = fields.map(([name]) => name);
    const evaluators = fields.map(([, value]) => value.evaluate);
    const count = names.length;
    return this.node(
      fields.map(([, value]) => value),
      (frame) => {
        const attrs = new Map<string, CedarValue>();
        for (let i = 0; i < count; i++) attrs.set(names[i]!, evaluators[i]!(frame));
        return new CedarRecord(attrs);
      },
    );
  }
}

/** Evaluates a node with constant inputs once; keeps the evaluator when that errors, so the
 *  error still happens (and only) when the policy reaches it. */
function fold(evaluate: Evaluator): Compiled {
  try {
    const value = evaluate(FOLDING_FRAME);
    return { evaluate: () => value, constant: true, value };
  } catch (error) {
    if (error instanceof CedarEvaluationError) return { evaluate, constant: true };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Operations shared by the closures

function typeError(expected: string, got: CedarValue): CedarEvaluationError {
  return new CedarEvaluationError(`type error: expected ${expected}, got ${typeName(got)}`);
}

function overflow(op: string): CedarEvaluationError {
  return new CedarEvaluationError(`integer overflow in ${op}`);
}

// Longs: safe-integer numbers in the fast path. When the exact result may lie beyond ±(2^53−1)
// (then the float result is not a safe integer either, since rounding is monotonic and 2^53 is
// representable), redo it in bigint, check Cedar's i64 range and return the canonical form.
function add(left: CedarValue, right: CedarValue): CedarValue {
  if (typeof left === 'number' && typeof right === 'number') {
    const sum = left + right;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return bigArithmetic(left, right, '+');
}

function subtract(left: CedarValue, right: CedarValue): CedarValue {
  if (typeof left === 'number' && typeof right === 'number') {
    const difference = left - right;
    if (Number.isSafeInteger(difference)) return difference;
  }
  return bigArithmetic(left, right, '-');
}

function multiply(left: CedarValue, right: CedarValue): CedarValue {
  if (typeof left === 'number' && typeof right === 'number') {
    const product = left * right;
    if (Number.isSafeInteger(product)) return product === 0 ? 0 : product; // no -0
  }
  return bigArithmetic(left, right, '*');
}

function bigArithmetic(left: CedarValue, right: CedarValue, op: '+' | '-' | '*'): CedarValue {
  if (!isLong(left)) throw typeError('long', left);
  if (!isLong(right)) throw typeError('long', right);
  const a = BigInt(left);
  const b = BigInt(right);
  const exact = op === '+' ? a + b : op === '-' ? a - b : a * b;
  const result = canonicalLong(exact);
  if (result === null) throw overflow(op);
  return result;
}

function negate(value: CedarValue): CedarValue {
  if (typeof value === 'number') return 0 - value; // 0 - 0 is +0
  if (typeof value !== 'bigint') throw typeError('long', value);
  const result = canonicalLong(-value);
  if (result === null) throw overflow('negation');
  return result;
}

/** Cedar's `in`: an entity is in itself and in its ancestors; the target is an entity or a set
 *  of entities (any other element is a type error, even after a match). An entity missing from
 *  the store has no ancestors (not an error). */
function entityIn(value: CedarValue, target: CedarValue, frame: Frame): boolean {
  if (!(value instanceof EntityUid)) throw typeError('entity', value);
  if (target instanceof EntityUid) {
    return value.key === target.key || (entityOf(frame, value)?.ancestors.has(target.key) ?? false);
  }
  if (!(target instanceof CedarSet)) throw typeError('entity or set of entities', target);
  if (!target.allEntities) {
    const wrong = target.elements.find((element) => !(element instanceof EntityUid))!;
    throw typeError('entity', wrong);
  }
  if (target.hasEntityKey(value.key)) return true;
  const ancestors = entityOf(frame, value)?.ancestors;
  if (ancestors === undefined || ancestors.size === 0) return false;
  if (target.size <= ancestors.size) {
    for (const element of target.elements) if (ancestors.has((element as EntityUid).key)) return true;
    return false;
  }
  for (const key of ancestors) if (target.hasEntityKey(key)) return true;
  return false;
}

function getAttr(value: CedarValue, name: string, frame: Frame): CedarValue {
  if (value instanceof EntityUid) {
    const entity = entityOf(frame, value);
    if (entity === undefined) throw new CedarEvaluationError(`entity ${value} does not exist`);
    const attr = entity.attrs.get(name);
    if (attr === undefined) throw new CedarEvaluationError(`${value} does not have the attribute ${JSON.stringify(name)}`);
    return attr;
  }
  if (value instanceof CedarRecord) {
    const attr = value.attrs.get(name);
    if (attr === undefined) throw new CedarEvaluationError(`the record does not have the attribute ${JSON.stringify(name)}`);
    return attr;
  }
  throw typeError('entity or record', value);
}

/** `has`: false (not an error) for an entity missing from the store, as in Cedar. */
function hasAttr(value: CedarValue, name: string, frame: Frame): boolean {
  if (value instanceof EntityUid) return entityOf(frame, value)?.attrs.has(name) ?? false;
  if (value instanceof CedarRecord) return value.attrs.has(name);
  throw typeError('entity or record', value);
}

/** `like`: `*` matches any run of characters. The literal parts between wildcards are matched
 *  as: fixed prefix, fixed suffix, and each middle part at its leftmost position after the
 *  previous one (leftmost is always safe for `*`-only globs). */
function compilePattern(elements: readonly PatternElem[], refuse: (detail: string) => never): (text: string) => boolean {
  const parts: string[] = [''];
  for (const element of elements) {
    if (element === 'Wildcard') parts.push('');
    else if (typeof element === 'object' && element !== null && typeof element.Literal === 'string')
      parts[parts.length - 1] += element.Literal;
    else refuse(`not a "like" pattern element: ${JSON.stringify(element)}`);
  }
  if (parts.length === 1) {
    const exact = parts[0]!;
    return (text) => text === exact;
  }
  const prefix = parts[0]!;
  const suffix = parts[parts.length - 1]!;
  const middles = parts.slice(1, -1).filter((part) => part.length > 0);
  const fixedLength = prefix.length + suffix.length;
  return (text) => {
    if (text.length < fixedLength || !text.startsWith(prefix) || !text.endsWith(suffix)) return false;
    let position = prefix.length;
    const end = text.length - suffix.length;
    for (const middle of middles) {
      const found = text.indexOf(middle, position);
      if (found < 0 || found + middle.length > end) return false;
      position = found + middle.length;
    }
    return true;
  };
}
