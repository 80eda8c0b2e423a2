// Runtime values of the compiled Cedar evaluator, chosen so the hot path compares with `===` as
// often as possible:
//   Bool → boolean, String → string,
//   Long → number when |n| ≤ 2^53−1, bigint otherwise (always that canonical form, so equal
//          longs are `===` and arithmetic stays exact over Cedar's whole i64 range),
//   entity uid → EntityUid (interned: one object per type and id, compared by reference first),
//   Set → CedarSet (deduplicated; O(1) membership for primitives and entities),
//   Record → CedarRecord (a Map of attribute name → value).
// Values are immutable once built. Build them with the functions here (they validate and
// normalise); the class constructors are for this module and the compiler only.

import type { CedarValueJson, EntityUidJson } from './est.js';

export type CedarPrimitive = boolean | number | bigint | string;
export type CedarValue = CedarPrimitive | EntityUid | CedarSet | CedarRecord;

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
      throw new CedarInputError(`${n} is not a Cedar long that a JS number holds exactly (an integer within ±(2^53−1)); pass it as a bigint`);
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
  return type + '::"' + id + '"';
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
  readonly composites: (CedarSet | CedarRecord)[];
}

export class CedarSet {
  private index: SetIndex | undefined;
  /** True when every element is an entity uid: `x in set` is a type error otherwise. */
  readonly allEntities: boolean;

  /** @internal elements must be valid, canonical and distinct: use cedarSet() */
  constructor(readonly elements: readonly CedarValue[], index?: SetIndex) {
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
export function checkedAttrs(attrs: Readonly<Record<string, CedarValue>> | Iterable<readonly [string, CedarValue]>): Map<string, CedarValue> {
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
      if (value instanceof EntityUid || value instanceof CedarSet || value instanceof CedarRecord) return value;
  }
  throw new CedarInputError(`not a Cedar value: ${describeJs(value)} (build sets with cedarSet, records with cedarRecord, entity uids with entityUid)`);
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
  return b instanceof CedarRecord && a.equals(b);
}

export type CedarTypeName = 'bool' | 'long' | 'string' | 'entity' | 'set' | 'record';

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
  return value instanceof CedarSet ? 'set' : 'record';
}

// ---------------------------------------------------------------------------------------------
// Cedar's JSON value format

/** A value from Cedar's JSON format (attributes, context). `{ __entity: … }` is an entity; a bare
 *  `{ type, id }` is a record, as Cedar reads it without a schema. Extension values (`__extn`)
 *  are refused: the compiled evaluator has no extension types. */
export function valueFromJson(json: CedarValueJson, where = 'value'): CedarValue {
  switch (typeof json) {
    case 'boolean':
    case 'string':
      return json;
    case 'number':
      if (!Number.isSafeInteger(json)) {
        throw new CedarInputError(`${where}: ${json} is not a long a JSON number can carry exactly (an integer within ±(2^53−1))`);
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
        throw new CedarInputError(`${where}: extension values (__extn) are not supported by the compiled evaluator`);
      }
      const attrs = new Map<string, CedarValue>();
      for (const [name, value] of Object.entries(json)) attrs.set(name, valueFromJson(value as CedarValueJson, `${where}.${name}`));
      return new CedarRecord(attrs);
    }
  }
  throw new CedarInputError(`${where}: not a Cedar JSON value (${typeof json})`);
}

/** A request context from Cedar's JSON format (a record). */
export function contextFromJson(json: Readonly<Record<string, CedarValueJson>>): CedarRecord {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CedarInputError('context must be a JSON object');
  const value = valueFromJson(json as CedarValueJson, 'context');
  if (!(value instanceof CedarRecord)) throw new CedarInputError('context must be a record, not an entity escape');
  return value;
}
