// Runtime values of the compiled Cedar evaluator, chosen so the hot path compares with `===` as
// often as possible:
//   Bool → boolean, String → string,
//   Long → number when |n| ≤ 2^53−1, bigint otherwise (always that canonical form, so equal
//          longs are `===` and arithmetic stays exact over Cedar's whole i64 range),
//   entity uid → EntityUid (interned: one object per type and id, compared by reference first),
//   Set → CedarSet (deduplicated; O(1) membership for primitives and entities),
//   Record → CedarRecord (a Map of attribute name → value),
//   ipaddr, decimal, datetime, duration → IpAddr, Decimal, Datetime, Duration (extensions.ts).
// Values are immutable once built. Build them with the functions here (they validate and
// normalise); the class constructors are for this module and the compiler only.

import type { CedarValueJson, EntityUidJson } from './est.js';
import {
  CedarEvaluationError,
  CONSTRUCTORS,
  type Datetime,
  type Decimal,
  type Duration,
  EXTENSION_FUNCTIONS,
  type ExtensionTypeName,
  ExtensionValue,
  type IpAddr,
  parseDatetime,
  parseDecimal,
  parseDuration,
  parseIpAddr,
} from './extensions.js';
import type { SchemaType } from './schema.js';

export type CedarPrimitive = boolean | number | bigint | string;
export type CedarValue = CedarPrimitive | EntityUid | CedarSet | CedarRecord | ExtensionValue;

/** Bad input to the value builders or the JSON readers (not a Cedar evaluation error). */
export class CedarInputError extends Error {
  override readonly name = 'CedarInputError';
}

export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** A long in canonical form, or null when the bigint is outside i64. */
export function canonicalLong(n: bigint): number | bigint | null {
  if (n < I64_MIN || n > I64_MAX) return null;
  return n >= -SAFE_MAX && n <= SAFE_MAX ? Number(n) : n;
}

/** A Cedar Long from a JS integer. Numbers must be safe integers (beyond ±(2^53−1) a JS number
 *  may already have been rounded, and Cedar would see a different value): pass larger longs as
 *  bigint. */
export function long(n: number | bigint): number | bigint {
  if (typeof n === 'number') {
    if (!Number.isSafeInteger(n)) {
      throw new CedarInputError(
        `${n} is not a Cedar long that a JS number holds exactly (an integer within ±(2^53−1)); pass it as a bigint`,
      );
    }
    return n === 0 ? 0 : n; // no -0
  }
  const canonical = canonicalLong(n);
  if (canonical === null) throw new CedarInputError(`${n} is outside Cedar's long range (i64)`);
  return canonical;
}

export function isLong(value: CedarValue): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

// ---------------------------------------------------------------------------------------------
// Entity uids

const ENTITY_TYPE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*(?:::[_a-zA-Z][_a-zA-Z0-9]*)*$/;

export class EntityUid {
  /** @internal use entityUid() */
  constructor(
    readonly type: string,
    readonly id: string,
    /** Unique per (type, id): what an EntityStore is keyed by. Entity type names contain no `"`,
     *  so `Type::"id"` cannot be ambiguous whatever the id holds. */
    readonly key: string,
  ) {}

  toString(): string {
    return `${this.type}::${JSON.stringify(this.id)}`;
  }
}

export function uidKey(type: string, id: string): string {
  return `${type}::"${id}"`;
}

// Interning makes most uid comparisons a pointer comparison. Keyed by type, then id, so that a
// hit (the per-request path) builds no key string. The table is bounded so a long-lived process
// that meets ever new ids cannot grow it without limit; past the bound uids are simply not
// interned, which costs speed, never correctness (equality falls back to the key).
const INTERN_LIMIT = 200_000;
const internedUids = new Map<string, Map<string, EntityUid>>();
let internedCount = 0;

export function entityUid(type: string, id: string): EntityUid {
  const ofType = internedUids.get(type);
  const known = ofType?.get(id);
  if (known !== undefined) return known;
  if (typeof type !== 'string' || !ENTITY_TYPE_NAME.test(type)) {
    throw new CedarInputError(`not a Cedar entity type name: ${JSON.stringify(type)}`);
  }
  if (typeof id !== 'string') throw new CedarInputError(`entity id must be a string, got ${typeof id} (type ${type})`);
  const uid = new EntityUid(type, id, uidKey(type, id));
  if (internedCount < INTERN_LIMIT) {
    if (ofType === undefined) internedUids.set(type, new Map([[id, uid]]));
    else ofType.set(id, uid);
    internedCount++;
  }
  return uid;
}

/** An entity uid from `{ type, id }` or `{ __entity: { type, id } }`. */
export function uidFromJson(json: EntityUidJson): EntityUid {
  if (typeof json !== 'object' || json === null) throw new CedarInputError(`not an entity uid: ${JSON.stringify(json)}`);
  const inner: unknown = Object.hasOwn(json, '__entity') ? (json as { __entity: unknown }).__entity : json;
  if (typeof inner !== 'object' || inner === null) throw new CedarInputError(`not an entity uid: ${JSON.stringify(json)}`);
  const { type, id } = inner as { type?: unknown; id?: unknown };
  if (typeof type !== 'string' || typeof id !== 'string') {
    throw new CedarInputError(`an entity uid needs string "type" and "id": ${JSON.stringify(json)}`);
  }
  return entityUid(type, id);
}

// ---------------------------------------------------------------------------------------------
// Sets

// Up to this many elements a linear scan beats building and probing a hash set.
const LINEAR_SCAN_MAX = 8;

interface SetIndex {
  readonly primitives: Set<CedarPrimitive>;
  readonly entityKeys: Set<string>;
  readonly composites: (CedarSet | CedarRecord | ExtensionValue)[];
}

export class CedarSet {
  private index: SetIndex | undefined;
  /** True when every element is an entity uid: `x in set` is a type error otherwise. */
  readonly allEntities: boolean;

  /** @internal elements must be valid, canonical and distinct: use cedarSet() */
  constructor(
    readonly elements: readonly CedarValue[],
    index?: SetIndex,
  ) {
    this.index = index;
    let allEntities = true;
    for (let i = 0; i < elements.length; i++) {
      if (!(elements[i] instanceof EntityUid)) {
        allEntities = false;
        break;
      }
    }
    this.allEntities = allEntities;
  }

  get size(): number {
    return this.elements.length;
  }

  has(value: CedarValue): boolean {
    const elements = this.elements;
    if (elements.length <= LINEAR_SCAN_MAX) {
      if (typeof value !== 'object') {
        for (let i = 0; i < elements.length; i++) if (elements[i] === value) return true;
        return false;
      }
      for (let i = 0; i < elements.length; i++) if (valuesEqual(elements[i]!, value)) return true;
      return false;
    }
    const index = (this.index ??= indexOf(elements));
    if (typeof value !== 'object') return index.primitives.has(value);
    if (value instanceof EntityUid) return index.entityKeys.has(value.key);
    for (const composite of index.composites) if (valuesEqual(composite, value)) return true;
    return false;
  }

  /** Whether an entity with this uid key is an element. */
  hasEntityKey(key: string): boolean {
    const elements = this.elements;
    if (elements.length <= LINEAR_SCAN_MAX) {
      for (let i = 0; i < elements.length; i++) {
        const element = elements[i];
        if (element instanceof EntityUid && element.key === key) return true;
      }
      return false;
    }
    return (this.index ??= indexOf(elements)).entityKeys.has(key);
  }

  containsAll(other: CedarSet): boolean {
    for (const element of other.elements) if (!this.has(element)) return false;
    return true;
  }

  containsAny(other: CedarSet): boolean {
    for (const element of other.elements) if (this.has(element)) return true;
    return false;
  }

  equals(other: CedarSet): boolean {
    return this === other || (this.elements.length === other.elements.length && this.containsAll(other));
  }
}

function emptyIndex(): SetIndex {
  return { primitives: new Set(), entityKeys: new Set(), composites: [] };
}

function indexOf(elements: readonly CedarValue[]): SetIndex {
  const index = emptyIndex();
  for (const element of elements) addToIndex(index, element);
  return index;
}

/** Adds the value unless an equal one is there; says whether it was added. */
function addToIndex(index: SetIndex, value: CedarValue): boolean {
  if (typeof value !== 'object') {
    if (index.primitives.has(value)) return false;
    index.primitives.add(value);
    return true;
  }
  if (value instanceof EntityUid) {
    if (index.entityKeys.has(value.key)) return false;
    index.entityKeys.add(value.key);
    return true;
  }
  for (const composite of index.composites) if (valuesEqual(composite, value)) return false;
  index.composites.push(value);
  return true;
}

export const EMPTY_SET = new CedarSet([]);

/** @internal a set from valid, canonical values, removing duplicates (Cedar sets are sets). */
export function setOf(values: readonly CedarValue[]): CedarSet {
  if (values.length === 0) return EMPTY_SET;
  if (values.length <= LINEAR_SCAN_MAX) {
    const distinct: CedarValue[] = [];
    outer: for (const value of values) {
      for (const seen of distinct) if (valuesEqual(seen, value)) continue outer;
      distinct.push(value);
    }
    return new CedarSet(distinct);
  }
  const index = emptyIndex();
  const distinct: CedarValue[] = [];
  for (const value of values) if (addToIndex(index, value)) distinct.push(value);
  return new CedarSet(distinct, index);
}

/** A Cedar set from values (validated; duplicates removed). */
export function cedarSet(values: Iterable<CedarValue>): CedarSet {
  const canonical: CedarValue[] = [];
  for (const value of values) canonical.push(checkedValue(value));
  return setOf(canonical);
}

// ---------------------------------------------------------------------------------------------
// Records

export class CedarRecord {
  /** @internal values must be valid and canonical: use cedarRecord() */
  constructor(readonly attrs: ReadonlyMap<string, CedarValue>) {}

  equals(other: CedarRecord): boolean {
    if (this === other) return true;
    if (this.attrs.size !== other.attrs.size) return false;
    for (const [name, value] of this.attrs) {
      const otherValue = other.attrs.get(name);
      if (otherValue === undefined || !valuesEqual(value, otherValue)) return false;
    }
    return true;
  }
}

export const EMPTY_RECORD = new CedarRecord(new Map());

/** A Cedar record from an object or entries (validated). */
export function cedarRecord(attrs: Readonly<Record<string, CedarValue>> | Iterable<readonly [string, CedarValue]>): CedarRecord {
  return new CedarRecord(checkedAttrs(attrs));
}

/** @internal validated, canonical attribute map (shared by records, entity attributes and tags) */
export function checkedAttrs(
  attrs: Readonly<Record<string, CedarValue>> | Iterable<readonly [string, CedarValue]>,
): Map<string, CedarValue> {
  const map = new Map<string, CedarValue>();
  if (isIterable<readonly [string, CedarValue]>(attrs)) {
    for (const [name, value] of attrs) {
      if (typeof name !== 'string') throw new CedarInputError(`attribute names are strings, got ${typeof name}`);
      map.set(name, checkedValue(value));
    }
    return map;
  }
  // Per-request entities come through here: keys and an indexed loop allocate least.
  const names = Object.keys(attrs);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    map.set(name, checkedValue(attrs[name]!));
  }
  return map;
}

function isIterable<T>(value: object): value is Iterable<T> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** A value as the evaluator needs it: known kind, canonical long. Throws CedarInputError. */
export function checkedValue(value: CedarValue): CedarValue {
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return long(value);
    case 'object':
      if (value instanceof EntityUid || value instanceof CedarSet || value instanceof CedarRecord || value instanceof ExtensionValue) {
        return value;
      }
  }
  throw new CedarInputError(
    `not a Cedar value: ${describeJs(value)} (build sets with cedarSet, records with cedarRecord, entity uids with entityUid, ` +
      'extension values with ipAddr, decimal, datetime, duration)',
  );
}

function describeJs(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'a plain object' : typeof value;
}

// ---------------------------------------------------------------------------------------------
// Equality and description

/** Cedar's `==`: structural for sets (unordered) and records; never a type error. */
export function valuesEqual(a: CedarValue, b: CedarValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof EntityUid) return b instanceof EntityUid && a.key === b.key;
  if (a instanceof CedarSet) return b instanceof CedarSet && a.equals(b);
  if (a instanceof CedarRecord) return b instanceof CedarRecord && a.equals(b);
  return a.equals(b);
}

export type CedarTypeName = 'bool' | 'long' | 'string' | 'entity' | 'set' | 'record' | ExtensionTypeName;

export function typeName(value: CedarValue): CedarTypeName {
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
  }
  if (value instanceof EntityUid) return 'entity';
  if (value instanceof ExtensionValue) return value.extension;
  return value instanceof CedarSet ? 'set' : 'record';
}

// ---------------------------------------------------------------------------------------------
// Extension values from JS

function built<T>(parsed: T | string, what: string): T {
  if (typeof parsed === 'string') throw new CedarInputError(`${what}: ${parsed}`);
  return parsed;
}

/** Cedar's `ip("…")`: an IPv4 or IPv6 address with an optional prefix. */
export const ipAddr = (text: string): IpAddr => built(parseIpAddr(String(text)), 'ip');
/** Cedar's `decimal("…")`: at most 4 fractional digits. */
export const decimal = (text: string): Decimal => built(parseDecimal(String(text)), 'decimal');
/** Cedar's `datetime("…")`: `YYYY-MM-DD`, optionally `THH:MM:SS`, `.SSS`, then `Z` or `±hhmm`. */
export const datetime = (text: string): Datetime => built(parseDatetime(String(text)), 'datetime');
/** Cedar's `duration("…")`, e.g. `1d2h3m4s5ms`, `-90m`. */
export const duration = (text: string): Duration => built(parseDuration(String(text)), 'duration');

// ---------------------------------------------------------------------------------------------
// Cedar's JSON value format

/** A value from Cedar's JSON format (attributes, context). `{ __entity: … }` is an entity and
 *  `{ __extn: { fn, arg | args } }` an extension value (the call is evaluated: `ip`, `decimal`,
 *  `datetime`, `duration`, `offset`, …). A bare `{ type, id }` is a record, as Cedar reads it
 *  without a schema. With the type a schema expects (schema.ts), Cedar's implicit forms are read
 *  too: `{ type, id }` where an entity is expected, `{ fn, arg }` or a bare string (the type's
 *  constructor's argument) where an extension value is; records and sets pass the types down. */
export function valueFromJson(json: CedarValueJson, where = 'value', expected?: SchemaType): CedarValue {
  if (expected !== undefined) {
    switch (expected.kind) {
      case 'entity':
        if (typeof json === 'object' && json !== null && !Array.isArray(json)) return uidFromJson(json as EntityUidJson);
        break;
      case 'extension':
        return extensionFromJson(json, where, expected.name);
      case 'set':
        if (Array.isArray(json)) return setOf(json.map((element, i) => valueFromJson(element, `${where}[${i}]`, expected.element)));
        break;
      case 'record':
        if (typeof json === 'object' && json !== null && !Array.isArray(json) && !isEscape(json)) {
          const attrs = new Map<string, CedarValue>();
          for (const [name, value] of Object.entries(json)) {
            attrs.set(name, valueFromJson(value as CedarValueJson, `${where}.${name}`, expected.attrs.get(name)));
          }
          return new CedarRecord(attrs);
        }
        break;
    }
  }
  switch (typeof json) {
    case 'boolean':
    case 'string':
      return json;
    case 'number':
      if (!Number.isSafeInteger(json)) {
        throw new CedarInputError(
          `${where}: ${json} is not a long a JSON number can carry exactly (an integer within ±(2^53−1)); ` +
            'read JSON text with parseCedarJson to keep larger longs',
        );
      }
      return json === 0 ? 0 : json;
    case 'bigint': {
      const canonical = canonicalLong(json);
      if (canonical === null) throw new CedarInputError(`${where}: ${json} is outside Cedar's long range (i64)`);
      return canonical;
    }
    case 'object': {
      if (json === null) throw new CedarInputError(`${where}: null is not a Cedar value`);
      if (Array.isArray(json)) return setOf(json.map((element, i) => valueFromJson(element, `${where}[${i}]`)));
      if (Object.hasOwn(json, '__entity')) {
        if (Object.keys(json).length !== 1) throw new CedarInputError(`${where}: an __entity escape has no other keys`);
        return uidFromJson(json as EntityUidJson);
      }
      if (Object.hasOwn(json, '__extn')) {
        if (Object.keys(json).length !== 1) throw new CedarInputError(`${where}: an __extn escape has no other keys`);
        return extensionCall((json as { __extn: unknown }).__extn, where, false);
      }
      const attrs = new Map<string, CedarValue>();
      for (const [name, value] of Object.entries(json)) attrs.set(name, valueFromJson(value as CedarValueJson, `${where}.${name}`));
      return new CedarRecord(attrs);
    }
  }
  throw new CedarInputError(`${where}: not a Cedar JSON value (${typeof json})`);
}

function isEscape(json: object): boolean {
  return Object.keys(json).length === 1 && (Object.hasOwn(json, '__entity') || Object.hasOwn(json, '__extn'));
}

/** An extension value where a schema expects one: `{ __extn: … }`, `{ fn, arg | args }`, or the
 *  argument of the type's constructor. */
function extensionFromJson(json: CedarValueJson, where: string, type: ExtensionTypeName): CedarValue {
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    if (Object.hasOwn(json, '__extn') && Object.keys(json).length === 1) {
      return extensionCall((json as { __extn: unknown }).__extn, where, true);
    }
    if (Object.hasOwn(json, 'fn')) return extensionCall(json, where, true);
  }
  return applyExtension(CONSTRUCTORS[type].name, [json], where, true);
}

/** `{ fn, arg }` or `{ fn, args }`, evaluated (the arguments typed by the function when a schema
 *  guides the reading). */
function extensionCall(extn: unknown, where: string, typed: boolean): CedarValue {
  if (typeof extn !== 'object' || extn === null) {
    throw new CedarInputError(`${where}: an __extn escape needs { fn, arg } or { fn, args }`);
  }
  const { fn, arg, args } = extn as { fn?: unknown; arg?: CedarValueJson; args?: CedarValueJson[] };
  if (typeof fn !== 'string') throw new CedarInputError(`${where}: an extension call needs a string "fn"`);
  const list = arg !== undefined ? [arg] : args;
  if (!Array.isArray(list)) throw new CedarInputError(`${where}: the extension call ${fn} needs "arg" or an "args" list`);
  return applyExtension(fn, list, where, typed);
}

function applyExtension(name: string, argsJson: readonly CedarValueJson[], where: string, typed: boolean): CedarValue {
  const fn = EXTENSION_FUNCTIONS.get(name);
  if (fn === undefined) throw new CedarInputError(`${where}: unknown extension function ${JSON.stringify(name)}`);
  if (argsJson.length !== fn.args.length) {
    throw new CedarInputError(`${where}: ${name} takes ${fn.args.length} argument(s), got ${argsJson.length}`);
  }
  const args = argsJson.map((argJson, i) => {
    const argType = fn.args[i]!;
    const expected: SchemaType | undefined = !typed
      ? undefined
      : argType === 'string'
        ? { kind: 'string' }
        : { kind: 'extension', name: argType };
    return valueFromJson(argJson, `${where} (${name} argument ${i + 1})`, expected);
  });
  try {
    return fn.call(args[0]!, args[1]);
  } catch (error) {
    if (error instanceof CedarEvaluationError) throw new CedarInputError(`${where}: ${error.message}`);
    throw error;
  }
}

/** A request context from Cedar's JSON format (a record). With a schema and the request's
 *  action, the context is read with the type the schema declares for that action (see
 *  valueFromJson for what that changes). */
export function contextFromJson(
  json: Readonly<Record<string, CedarValueJson>>,
  options: { schema?: { contextType(action: EntityUid): SchemaType | undefined }; action?: EntityUid } = {},
): CedarRecord {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CedarInputError('context must be a JSON object');
  const expected = options.schema !== undefined && options.action !== undefined ? options.schema.contextType(options.action) : undefined;
  const value = valueFromJson(json as CedarValueJson, 'context', expected);
  if (!(value instanceof CedarRecord)) throw new CedarInputError('context must be a record, not an entity escape');
  return value;
}
