// Random Cedar worlds for the differential test (test/sdk/cedar-differential.test.ts): a small
// schema-like universe (entity types with Long/String/Bool/Set/Record/entity attributes, group
// and folder hierarchies, action groups, tags), random entities drawn from it (attributes
// sometimes missing or of the wrong type, entities sometimes absent), random policies in Cedar's
// JSON format using every operator of the language, and random requests. Expressions are mostly
// well-typed, so that decisions are interesting, with a steady share of ill-typed operands,
// missing attributes and i64 overflows, so that the errors are compared too.

import fc from 'fast-check';

type Draw = fc.GeneratorValue;
type Json = unknown;
type Uid = { type: string; id: string };
type Expr = Record<string, unknown>;

export interface World {
  entities: Json[];
  policies: { id: string; policy: Json }[];
  requests: { principal: Uid; action: Uid; resource: Uid; context: Record<string, Json> }[];
}

// ---------------------------------------------------------------------------------------------
// The universe

const SERVICE = 'App::Service'; // a namespaced type
const PRINCIPAL_TYPES = ['User', SERVICE] as const;
const RESOURCE_TYPES = ['Doc', 'Folder'] as const;
const ALL_TYPES = ['User', SERVICE, 'Group', 'Doc', 'Folder', 'Action'] as const;

// Ids include the characters an escaping bug would trip on.
// The id "x" exists in several types: only the type tells those entities apart.
const IDS: Record<string, readonly string[]> = {
  User: ['alice', 'bob', 'a"b', 'ünï😀', 'x'],
  [SERVICE]: ['svc', '*', 'x'],
  Group: ['g0', 'g1', 'g2', 'g3', 'x'],
  Doc: ['d0', 'd1', 'd\\2', '', 'x'],
  Folder: ['f0', 'f1', 'f2'],
  Action: ['read', 'write', 'delete', 'readers', 'all'],
};
const ACTIONS = ['read', 'write', 'delete'];
// Action groups: read ∈ readers ∈ all; write, delete ∈ all.
const ACTION_PARENTS: Record<string, string[]> = { read: ['readers'], write: ['all'], delete: ['all'], readers: ['all'], all: [] };

const uid = (type: string, id: string): Uid => ({ type, id });

// Longs chosen around the edges: 2^53 (where exactness of JS numbers ends), √(2^63) (whose
// square just overflows i64), and i64's own ends reachable by arithmetic.
const LONGS = [
  0,
  1,
  -1,
  2,
  3,
  7,
  -7,
  42,
  100,
  -100,
  2 ** 31,
  2 ** 32,
  3037000499,
  3037000500,
  -3037000500,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER - 1,
  1024,
  2 ** 52,
];
// -(2^53−1)·1024 − 1024 = −2^63 and (2^53−1)·1024 + 1023 = 2^63−1: i64's ends, built by arithmetic
// because JSON numbers cannot carry them.
const I64_MIN_EXPR = {
  '-': { left: { '*': { left: { Value: -Number.MAX_SAFE_INTEGER }, right: { Value: 1024 } } }, right: { Value: 1024 } },
};
const I64_MAX_EXPR = {
  '+': { left: { '*': { left: { Value: Number.MAX_SAFE_INTEGER }, right: { Value: 1024 } } }, right: { Value: 1023 } },
};
const STRINGS = ['', 'a', 'ab', 'abc', 'a*c', 'a\\*c', 'x\\y', 'read', 'é', '😀x', 'ba', 'aXbXc', '"q"'];
const TAG_KEYS = ['t', 'level', 'x y'];
const RECORD_KEYS = ['a', 'b', 'c', 'a b'];

type AttrKind = 'long' | 'string' | 'bool' | 'set<string>' | 'set<long>' | 'entity' | 'set<entity>' | 'record';
const ATTRS: Record<string, AttrKind> = {
  n: 'long',
  name: 'string',
  flag: 'bool',
  labels: 'set<string>',
  nums: 'set<long>',
  owner: 'entity',
  members: 'set<entity>',
  info: 'record',
};
const ATTR_NAMES = Object.keys(ATTRS);
const NAMES_OF = (kind: AttrKind): string[] => ATTR_NAMES.filter((name) => ATTRS[name] === kind);

// ---------------------------------------------------------------------------------------------
// Small drawing helpers

const int = (g: Draw, min: number, max: number): number => g(fc.integer, { min, max });
const pick = <T>(g: Draw, items: readonly T[]): T => items[int(g, 0, items.length - 1)]!;
const chance = (g: Draw, percent: number): boolean => int(g, 0, 99) < percent;

function anyUid(g: Draw): Uid {
  const type = pick(g, ALL_TYPES);
  return uid(type, pick(g, IDS[type]!));
}

/** `{ type, id }` or `{ __entity: … }`, both valid where the format says "entity uid". */
function uidJson(g: Draw, value: Uid): Json {
  return chance(g, 50) ? value : { __entity: value };
}

// ---------------------------------------------------------------------------------------------
// Values (attributes, context, tags)

function drawValue(g: Draw, kind: AttrKind, depth = 0): Json {
  switch (kind) {
    case 'long':
      return pick(g, LONGS);
    case 'string':
      return pick(g, STRINGS);
    case 'bool':
      return chance(g, 50);
    case 'set<string>':
      return Array.from({ length: int(g, 0, 4) }, () => pick(g, STRINGS));
    case 'set<long>':
      return Array.from({ length: int(g, 0, 4) }, () => pick(g, LONGS.slice(0, 5)));
    case 'entity':
      return { __entity: anyUid(g) };
    case 'set<entity>':
      return Array.from({ length: int(g, 0, 3) }, () => ({ __entity: anyUid(g) }));
    case 'record': {
      const record: Record<string, Json> = {};
      if (chance(g, 80)) record.a = pick(g, LONGS);
      if (chance(g, 70)) record.b = pick(g, STRINGS);
      if (chance(g, 60) && depth < 2) record.c = drawValue(g, 'record', depth + 1);
      if (chance(g, 20)) record['a b'] = chance(g, 50);
      // A bare { type, id } is a record, not an entity, in attributes: Cedar agrees only if we do.
      if (chance(g, 25)) record.ref = anyUid(g);
      return record;
    }
  }
}

function randomKind(g: Draw): AttrKind {
  return pick(g, Object.values(ATTRS));
}

/** Attributes per the schema, but some missing and some of the wrong kind (errors to compare). */
function attributes(g: Draw): Record<string, Json> {
  const attrs: Record<string, Json> = {};
  for (const name of ATTR_NAMES) {
    if (chance(g, 8)) continue;
    attrs[name] = drawValue(g, chance(g, 4) ? randomKind(g) : ATTRS[name]!);
  }
  return attrs;
}

function parentsOf(g: Draw, type: string, id: string): Uid[] {
  const below = (list: readonly string[]): string[] => list.slice(0, Math.max(0, list.indexOf(id)));
  switch (type) {
    case 'Action':
      return (ACTION_PARENTS[id] ?? []).filter(() => chance(g, 85)).map((parent) => uid('Action', parent));
    case 'Group': // a DAG: groups only have groups listed before them as parents (Cedar refuses cycles)
      return below(IDS.Group!)
        .filter(() => chance(g, 40))
        .map((parent) => uid('Group', parent));
    case 'Folder':
      return below(IDS.Folder!)
        .filter(() => chance(g, 50))
        .map((parent) => uid('Folder', parent));
    case 'Doc':
      return IDS.Folder!.filter(() => chance(g, 35)).map((parent) => uid('Folder', parent));
    default: // users and services: in groups
      return IDS.Group!.filter(() => chance(g, 35)).map((parent) => uid('Group', parent));
  }
}

function entities(g: Draw): Json[] {
  const list: Json[] = [];
  for (const type of ALL_TYPES) {
    for (const id of IDS[type]!) {
      if (chance(g, 10)) continue; // absent: attribute access on it errors, `in` treats it as a leaf
      const entity: Record<string, Json> = {
        uid: uidJson(g, uid(type, id)),
        // Groups, folders and actions are mostly reached as ancestors: attributes on them only
        // now and then keeps worlds small (cedar-wasm's cost grows with the entity data).
        attrs: (type === 'Action' || type === 'Group' || type === 'Folder') && chance(g, 70) ? {} : attributes(g),
        parents: parentsOf(g, type, id).map((parent) => uidJson(g, parent)),
      };
      if (chance(g, 40)) {
        const tags: Record<string, Json> = {};
        for (const key of TAG_KEYS) if (chance(g, 50)) tags[key] = drawValue(g, chance(g, 70) ? 'long' : randomKind(g));
        entity.tags = tags;
      }
      list.push(entity);
    }
  }
  return list;
}

function context(g: Draw): Record<string, Json> {
  const ctx = attributes(g);
  if (chance(g, 30)) ctx.extra = { nested: { deep: pick(g, LONGS) } };
  return ctx;
}

// ---------------------------------------------------------------------------------------------
// Expressions, by the type they should have

type ExprType = 'bool' | 'long' | 'string' | 'entity' | 'set' | 'record';
const EXPR_TYPES: readonly ExprType[] = ['bool', 'long', 'string', 'entity', 'set', 'record'];

const v = (value: Json): Expr => ({ Value: value });
const bin = (op: string, left: Expr, right: Expr): Expr => ({ [op]: { left, right } });
const dot = (left: Expr, attr: string): Expr => ({ '.': { left, attr } });
const VARS = ['principal', 'resource', 'action'] as const;

class ExprGen {
  constructor(private readonly g: Draw) {}

  /** Usually of the wanted type; now and then of any type, to provoke type errors. */
  of(type: ExprType, depth: number): Expr {
    if (chance(this.g, 4)) return this.typed(pick(this.g, EXPR_TYPES), depth);
    return this.typed(type, depth);
  }

  private typed(type: ExprType, depth: number): Expr {
    switch (type) {
      case 'bool':
        return this.bool(depth);
      case 'long':
        return this.long(depth);
      case 'string':
        return this.string(depth);
      case 'entity':
        return this.entity(depth);
      case 'set':
        return this.set(depth);
      case 'record':
        return this.record(depth);
    }
  }

  /** An entity or record to read attributes from: a variable, context, or deeper. */
  private holder(depth: number): Expr {
    const g = this.g;
    switch (int(g, 0, 5)) {
      case 0:
      case 1:
        return { Var: pick(g, VARS) };
      case 2:
        return { Var: 'context' };
      case 3:
        return dot({ Var: pick(g, ['principal', 'resource', 'context'] as const) }, 'info');
      case 4:
        if (chance(g, 30)) return this.smallRecord(0);
        return depth > 0 ? this.entity(depth - 1) : { Var: 'principal' };
      default:
        return { Value: { __entity: anyUid(g) } };
    }
  }

  private attrOfKind(kinds: AttrKind[], depth: number): Expr {
    const names = kinds.flatMap(NAMES_OF);
    return dot(this.holder(depth), chance(this.g, 3) ? 'missing' : pick(this.g, names));
  }

  private tagOf(depth: number): Expr {
    return bin('getTag', this.entity(depth), chance(this.g, 90) ? v(pick(this.g, TAG_KEYS)) : this.of('string', depth));
  }

  private ifThenElse(type: ExprType, depth: number): Expr {
    // biome-ignore lint/suspicious/noThenProperty: Cedar's JSON expression format names the branch `then`
    return { 'if-then-else': { if: this.of('bool', depth), then: this.of(type, depth), else: this.of(type, depth) } };
  }

  bool(depth: number): Expr {
    const g = this.g;
    const d = depth - 1;
    if (depth <= 0) {
      return pick(g, [
        () => v(chance(g, 50)),
        () => this.attrOfKind(['bool'], 0),
        () => ({ has: { left: this.holder(0), attr: pick(g, [...ATTR_NAMES, 'missing']) } }),
        () => bin('in', { Var: 'principal' }, v({ __entity: uid('Group', pick(g, IDS.Group!)) })),
      ])();
    }
    return pick(g, [
      () => v(chance(g, 50)),
      () => this.attrOfKind(['bool'], d),
      () => ({ has: { left: this.holder(d), attr: pick(g, [...ATTR_NAMES, 'missing']) } }),
      () => ({
        has: {
          left: this.holder(d),
          attr: pick(g, [
            ['info', 'c', 'a'],
            ['info', 'a'],
            ['info', 'c'],
            ['owner', 'n'],
            ['n', 'x'],
            ['info', 'missing', 'a'],
          ]),
        },
      }),
      () => {
        const type = pick(g, EXPR_TYPES);
        return bin(pick(g, ['==', '!=']), this.of(type, d), chance(g, 85) ? this.of(type, d) : this.of(pick(g, EXPR_TYPES), d));
      },
      () => bin(pick(g, ['<', '<=', '>', '>=']), this.of('long', d), this.of('long', d)),
      // Tiny pools, so that equal operands, sub-records, subsets and duplicates all occur.
      () => {
        const left = this.smallLong(d);
        return bin(pick(g, ['<', '<=', '>', '>=']), left, chance(g, 40) ? left : this.smallLong(d)); // equal operands too
      },
      () => {
        const member = this.of('entity', d);
        return bin('in', member, { Set: chance(g, 50) ? [member] : [this.of('entity', d), member] }); // in a set holding itself
      },
      () => bin(pick(g, ['==', '!=']), this.smallRecord(d), this.smallRecord(d)),
      () => bin(pick(g, ['==', '!=', 'containsAll', 'containsAny']), this.smallSet(d), this.smallSet(d)),
      () => bin(pick(g, ['&&', '||']), this.of('bool', d), this.of('bool', d)),
      // At i64's ends: the one-step-over cases overflow, the others do not.
      () => bin(pick(g, ['<', '==', '>=']), this.i64Edge(), this.of('long', d)),
      () => {
        const holder = this.holder(d);
        const name = pick(g, ATTR_NAMES);
        const kind = ATTRS[name]!;
        const read = dot(holder, name);
        const use: Expr =
          kind === 'long'
            ? bin(pick(g, ['<', '>=', '==']), read, this.of('long', d))
            : kind === 'bool'
              ? read
              : kind === 'string'
                ? { like: { left: read, pattern: this.pattern() } }
                : kind === 'entity'
                  ? bin('in', read, this.entityOrEntitySet(d))
                  : kind === 'record'
                    ? { has: { left: read, attr: pick(g, RECORD_KEYS) } }
                    : bin(
                        pick(g, ['contains', 'containsAny', 'containsAll']),
                        read,
                        kind === 'set<string>' ? v(pick(g, STRINGS)) : this.of('set', d),
                      );
        // Cedar's guard idioms: `e has a && <use e.a>`, `!(e has a) || <use e.a>`.
        return chance(g, 60)
          ? bin('&&', { has: { left: holder, attr: name } }, use)
          : bin('||', { '!': { arg: { has: { left: holder, attr: name } } } }, use);
      },
      () => ({ '!': { arg: this.of('bool', d) } }),
      () => bin('in', this.of('entity', d), this.entityOrEntitySet(d)),
      () => {
        // Prefix and suffix longer than the text together: "a" like "a*a" is false.
        const part = pick(g, ['a', 'ab']);
        return {
          like: { left: chance(g, 50) ? v(part) : this.of('string', d), pattern: [{ Literal: part }, 'Wildcard', { Literal: part }] },
        };
      },
      // Short texts against the overlapping patterns below.
      () => ({
        like: { left: chance(g, 30) ? v(pick(g, ['a', 'ab', 'b', 'aa', 'X', ''])) : this.of('string', d), pattern: this.pattern() },
      }),
      () => {
        const is: Record<string, unknown> = { left: this.of('entity', d), entity_type: pick(g, ALL_TYPES) };
        if (chance(g, 40)) is.in = this.entityOrEntitySet(d);
        return { is };
      },
      () => bin('contains', this.of('set', d), this.of(pick(g, EXPR_TYPES), d)),
      () => bin(pick(g, ['containsAll', 'containsAny']), this.of('set', d), this.of('set', d)),
      () => ({ isEmpty: { arg: this.of('set', d) } }),
      () => bin('hasTag', this.of('entity', d), chance(g, 90) ? v(pick(g, [...TAG_KEYS, 'nope'])) : this.of('string', d)),
      () => this.ifThenElse('bool', d),
    ])();
  }

  long(depth: number): Expr {
    const g = this.g;
    const d = depth - 1;
    if (depth <= 0) return chance(g, 60) ? v(pick(g, LONGS)) : this.attrOfKind(['long'], 0);
    return pick(g, [
      () => v(pick(g, LONGS)),
      () => this.attrOfKind(['long'], d),
      () => dot(dot({ Var: pick(g, ['principal', 'context'] as const) }, 'info'), 'a'),
      () => bin(pick(g, ['+', '-', '*']), this.of('long', d), this.of('long', d)),
      () => bin('*', v(pick(g, [3037000499, 3037000500, Number.MAX_SAFE_INTEGER, 1024, -1])), this.of('long', d)),
      () =>
        bin(
          pick(g, ['*', '+', '-']),
          bin('*', v(pick(g, [3037000499, 3037000500, -3037000500, Number.MAX_SAFE_INTEGER])), v(pick(g, [3037000499, 1024, 1025, -1024]))),
          v(pick(g, LONGS)),
        ),
      () => ({ neg: { arg: this.of('long', d) } }),
      // i64's ends exactly: one step more (or negating the minimum) overflows
      () => pick(g, [I64_MIN_EXPR, I64_MAX_EXPR, { neg: { arg: I64_MIN_EXPR } }, { neg: { arg: I64_MAX_EXPR } }]),
      () => this.tagOf(d),
      () => this.ifThenElse('long', d),
    ])();
  }

  string(depth: number): Expr {
    const g = this.g;
    const d = depth - 1;
    if (depth <= 0) return chance(g, 60) ? v(pick(g, STRINGS)) : this.attrOfKind(['string'], 0);
    return pick(g, [
      () => v(pick(g, STRINGS)),
      () => this.attrOfKind(['string'], d),
      () => dot(dot({ Var: 'resource' }, 'info'), 'b'),
      () => this.tagOf(d),
      () => this.ifThenElse('string', d),
    ])();
  }

  entity(depth: number): Expr {
    const g = this.g;
    const d = depth - 1;
    if (depth <= 0) return chance(g, 70) ? { Var: pick(g, VARS) } : v({ __entity: anyUid(g) });
    return pick(g, [
      () => ({ Var: pick(g, VARS) }),
      () => v({ __entity: anyUid(g) }),
      () => v({ __entity: uid(pick(g, ALL_TYPES), 'x') }), // same id, any type
      () => this.attrOfKind(['entity'], d),
      () => dot(dot({ Var: pick(g, ['principal', 'context'] as const) }, 'info'), 'ref'), // a record: Cedar must not see an entity
      () => this.ifThenElse('entity', d),
    ])();
  }

  private entityOrEntitySet(depth: number): Expr {
    const g = this.g;
    return pick(g, [
      () =>
        v({
          __entity: uid(
            pick(g, ['Group', 'Folder', 'Action', 'User'] as const),
            pick(g, [...IDS.Group!, ...IDS.Folder!, 'readers', 'all', 'alice']),
          ),
        }),
      () => this.of('entity', depth),
      () => ({ Set: Array.from({ length: int(g, 0, 3) }, () => this.of('entity', depth)) }),
      () => ({ Set: [this.of('entity', depth), chance(g, 50) ? v(pick(g, LONGS)) : this.of(pick(g, EXPR_TYPES), depth)] }),
      () => this.attrOfKind(['set<entity>'], depth),
    ])();
  }

  set(depth: number): Expr {
    const g = this.g;
    const d = depth - 1;
    if (depth <= 0)
      return chance(g, 50)
        ? v(Array.from({ length: int(g, 0, 3) }, () => pick(g, LONGS.slice(0, 8))))
        : this.attrOfKind(['set<string>', 'set<long>', 'set<entity>'], 0);
    return pick(g, [
      () => {
        const type = pick(g, EXPR_TYPES);
        return { Set: Array.from({ length: int(g, 0, 4) }, () => this.of(type, d)) };
      },
      () => v(Array.from({ length: int(g, 0, 4) }, () => pick(g, STRINGS))),
      () => this.attrOfKind(['set<string>', 'set<long>', 'set<entity>'], d),
      () => this.ifThenElse('set', d),
    ])();
  }

  record(depth: number): Expr {
    const g = this.g;
    const d = depth - 1;
    if (depth <= 0) return chance(g, 50) ? { Var: 'context' } : this.attrOfKind(['record'], 0);
    return pick(g, [
      () => {
        const fields: Record<string, Expr> = {};
        for (const key of RECORD_KEYS) if (chance(g, 50)) fields[key] = this.of(pick(g, EXPR_TYPES), d);
        return { Record: fields };
      },
      () => v({ a: pick(g, LONGS), b: pick(g, STRINGS) }),
      () => this.attrOfKind(['record'], d),
      () => ({ Var: 'context' }),
      () => this.ifThenElse('record', d),
    ])();
  }

  i64Edge(): Expr {
    const g = this.g;
    const edge = chance(g, 50) ? I64_MIN_EXPR : I64_MAX_EXPR;
    return pick(g, [
      () => ({ neg: { arg: edge } }),
      () => bin(pick(g, ['+', '-']), edge, v(pick(g, [1, -1, 0]))),
      () => bin('*', edge, v(pick(g, [-1, 1, 2]))),
      () => edge,
    ])();
  }

  smallLong(depth: number): Expr {
    const g = this.g;
    return chance(g, 75) ? v(pick(g, [0, 1, 2])) : this.of('long', depth);
  }

  smallRecord(depth: number): Expr {
    const g = this.g;
    if (chance(g, 20)) return this.of('record', depth);
    const fields: Record<string, Expr> = {};
    if (chance(g, 70)) fields.a = v(pick(g, [1, 2]));
    if (chance(g, 50)) fields.b = chance(g, 80) ? v('x') : this.smallSet(depth);
    return { Record: fields };
  }

  smallSet(depth: number): Expr {
    const g = this.g;
    const element = (): Expr => (chance(g, 80) ? v(pick(g, [0, 1, -1, 2])) : this.of('long', depth));
    return pick(g, [
      () => ({ Set: Array.from({ length: int(g, 0, 4) }, element) }),
      () => v(Array.from({ length: int(g, 0, 3) }, () => pick(g, [0, 1, -1, 2]))),
      () => dot(this.holder(depth), 'nums'),
      () => ({ Set: [{ Set: [element()] }, { Set: [element(), element()] }] }), // sets of sets
    ])();
  }

  /** `like` patterns: wildcards and literals, including a literal `*` (an escaped star). */
  pattern(): Json[] {
    const g = this.g;
    if (chance(g, 30)) {
      // Prefix and suffix that may overlap in short strings ("a*a" must not match "a").
      const part = pick(g, ['a', 'ab', 'b', 'X']);
      return [
        { Literal: part },
        'Wildcard',
        ...(chance(g, 50) ? [{ Literal: pick(g, ['b', 'c']) }, 'Wildcard'] : []),
        { Literal: chance(g, 70) ? part : 'c' },
      ];
    }
    return Array.from({ length: int(g, 0, 4) }, () =>
      chance(g, 35) ? 'Wildcard' : { Literal: pick(g, ['a', 'b', 'c', '*', '\\', 'X', '😀', 'é', '"']) },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Policies and requests

function scope(g: Draw, types: readonly string[], groupType: string): Json {
  const target = (): Json => uidJson(g, chance(g, 70) ? uid(groupType, pick(g, IDS[groupType]!)) : anyUid(g));
  switch (int(g, 0, 5)) {
    case 0:
    case 1:
      return { op: 'All' };
    case 2: {
      const type = pick(g, types);
      return { op: '==', entity: uidJson(g, uid(type, pick(g, IDS[type]!))) };
    }
    case 3:
      return { op: 'in', entity: target() };
    case 4:
      return { op: 'is', entity_type: pick(g, [...types, 'Group']) };
    default:
      return { op: 'is', entity_type: pick(g, types), in: { entity: target() } };
  }
}

function actionScope(g: Draw): Json {
  const action = (): Json => uidJson(g, uid('Action', pick(g, IDS.Action!)));
  switch (int(g, 0, 3)) {
    case 0:
      return { op: 'All' };
    case 1:
      return { op: '==', entity: action() };
    case 2:
      return { op: 'in', entity: action() };
    default:
      return { op: 'in', entities: Array.from({ length: int(g, 1, 3) }, action) };
  }
}

function policy(g: Draw): Json {
  const expressions = new ExprGen(g);
  return {
    effect: chance(g, 65) ? 'permit' : 'forbid',
    principal: scope(g, PRINCIPAL_TYPES, 'Group'),
    action: actionScope(g),
    resource: scope(g, RESOURCE_TYPES, 'Folder'),
    conditions: Array.from({ length: int(g, 0, 3) }, () => ({
      kind: chance(g, 70) ? 'when' : 'unless',
      body: expressions.of('bool', int(g, 1, 4)),
    })),
  };
}

function request(g: Draw): World['requests'][number] {
  const principalType = chance(g, 90) ? pick(g, PRINCIPAL_TYPES) : pick(g, ALL_TYPES);
  const resourceType = chance(g, 90) ? pick(g, RESOURCE_TYPES) : pick(g, ALL_TYPES);
  return {
    principal: uid(principalType, pick(g, IDS[principalType]!)),
    action: uid('Action', chance(g, 90) ? pick(g, ACTIONS) : pick(g, IDS.Action!)),
    resource: uid(resourceType, pick(g, IDS[resourceType]!)),
    context: context(g),
  };
}

/** A probe policy: permit, no scope, one `when`. With only these in a world, no forbid hides a
 *  permit, so every policy's own outcome (true, false, error) shows in reasons or errors. */
function probe(g: Draw): Json {
  return {
    effect: 'permit',
    principal: { op: 'All' },
    action: { op: 'All' },
    resource: { op: 'All' },
    conditions: [{ kind: 'when', body: new ExprGen(g).of('bool', int(g, 1, 3)) }],
  };
}

/** A world: entities, 1–6 policies, 4–8 requests. Half the worlds are made of probe policies. */
export function world(g: Draw): World {
  const probing = chance(g, 50);
  return {
    entities: entities(g),
    policies: Array.from({ length: int(g, 1, 6) }, (_, i) => ({ id: `p${i}`, policy: probing ? probe(g) : policy(g) })),
    requests: Array.from({ length: int(g, 4, 8) }, () => request(g)),
  };
}
