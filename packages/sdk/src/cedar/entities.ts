// Entities prepared for the compiled evaluator: attributes and tags as Maps, and all ancestors
// (the transitive closure of `parents`) precomputed as a Set of uid keys, so `x in y` is one
// lookup. Build them from Cedar's JSON entity format (entitiesFromCedarJson) or directly
// (makeEntity, for the per-request principal and resource, without any JSON).

import type { CedarValueJson, EntityJson, EntityUidJson } from './est.js';
import type { CedarSchema, SchemaType } from './schema.js';
import { CedarInputError, checkedAttrs, type CedarValue, EntityUid, uidFromJson, valueFromJson } from './values.js';

export class Entity {
  /** @internal use makeEntity() or entitiesFromCedarJson() */
  constructor(
    readonly uid: EntityUid,
    readonly attrs: ReadonlyMap<string, CedarValue>,
    /** Keys of every ancestor, transitively (not the entity itself). */
    readonly ancestors: ReadonlySet<string>,
    readonly tags: ReadonlyMap<string, CedarValue>,
  ) {}
}

/** Where the evaluator looks entities up, by EntityUid.key. A Map<string, Entity> is one. */
export interface EntityStore {
  get(uidKey: string): Entity | undefined;
}

export const EMPTY_ENTITY_STORE: EntityStore = { get: () => undefined };

const NO_ATTRS: ReadonlyMap<string, CedarValue> = new Map();
const NO_ANCESTORS: ReadonlySet<string> = new Set();

export interface EntityInit {
  attrs?: Readonly<Record<string, CedarValue>> | Iterable<readonly [string, CedarValue]>;
  parents?: Iterable<EntityUid>;
  tags?: Readonly<Record<string, CedarValue>> | Iterable<readonly [string, CedarValue]>;
}

/**
 * An entity built directly (no JSON). Its ancestors are its parents plus, for each parent found
 * in `ancestorsFrom`, that parent's ancestors: pass the store the request will use so that, e.g.,
 * a principal whose parent is a group inside a department is `in` the department too.
 */
export function makeEntity(uid: EntityUid, init: EntityInit = {}, ancestorsFrom?: EntityStore): Entity {
  if (!(uid instanceof EntityUid)) throw new CedarInputError('makeEntity needs an EntityUid (see entityUid())');
  const attrs = init.attrs === undefined ? NO_ATTRS : checkedAttrs(init.attrs);
  const tags = init.tags === undefined ? NO_ATTRS : checkedAttrs(init.tags);
  let ancestors = NO_ANCESTORS;
  if (init.parents !== undefined) {
    const keys = new Set<string>();
    for (const parent of init.parents) {
      if (!(parent instanceof EntityUid)) throw new CedarInputError(`parents of ${uid} must be EntityUids`);
      keys.add(parent.key);
      const known = ancestorsFrom?.get(parent.key);
      if (known !== undefined) for (const key of known.ancestors) keys.add(key);
    }
    if (keys.size > 0) ancestors = keys;
  }
  return new Entity(uid, attrs, ancestors, tags);
}

/**
 * Entities from Cedar's JSON entity format, keyed by uid key. As in Cedar: uids and parents may
 * be `{ type, id }` or `{ __entity: { type, id } }`; in attributes and tags only `__entity` makes
 * an entity; a uid listed twice or a cycle in the parent graph is an error; parents need not be
 * listed themselves.
 *
 * With a schema (cedarSchema()), as Cedar with one: attributes and tags are read with their
 * declared types (so `{ type, id }` is an entity where the schema says so, a string an ip,
 * decimal, datetime or duration where it says so), and the schema's action entities, with their
 * groups, are added unless the JSON lists them.
 */
export function entitiesFromCedarJson(json: readonly EntityJson[], options: { schema?: CedarSchema } = {}): Map<string, Entity> {
  if (!Array.isArray(json)) throw new CedarInputError('entities must be a JSON array');
  interface Pending {
    uid: EntityUid;
    parents: EntityUid[];
    attrs: Map<string, CedarValue>;
    tags: Map<string, CedarValue>;
  }
  const pending = new Map<string, Pending>();
  for (const entry of json) {
    if (typeof entry !== 'object' || entry === null) throw new CedarInputError('each entity must be a JSON object');
    const uid = uidFromJson(entry.uid);
    if (pending.has(uid.key)) throw new CedarInputError(`entity ${uid} is listed more than once`);
    const where = `entity ${uid}`;
    const parents: readonly EntityUidJson[] = entry.parents ?? [];
    if (!Array.isArray(parents)) throw new CedarInputError(`${where}: parents must be a JSON array`);
    const declared = options.schema?.entityType(uid.type);
    const attrTypes = declared?.attrs?.kind === 'record' ? declared.attrs.attrs : undefined;
    pending.set(uid.key, {
      uid,
      parents: parents.map((parent) => uidFromJson(parent)),
      attrs: jsonAttrs(entry.attrs, `${where} attribute`, (name) => attrTypes?.get(name)),
      tags: jsonAttrs(entry.tags, `${where} tag`, () => declared?.tags),
    });
  }
  for (const action of options.schema?.actions ?? []) {
    if (pending.has(action.uid.key)) continue;
    pending.set(action.uid.key, { uid: action.uid, parents: action.parents, attrs: new Map(), tags: new Map() });
  }

  // Transitive closure by depth-first search with memoisation; `visiting` finds cycles, which
  // Cedar refuses too.
  const ancestorsByKey = new Map<string, ReadonlySet<string>>();
  const visiting = new Set<string>();
  const ancestorsOf = (entity: Pending): ReadonlySet<string> => {
    const done = ancestorsByKey.get(entity.uid.key);
    if (done !== undefined) return done;
    if (entity.parents.length === 0) {
      ancestorsByKey.set(entity.uid.key, NO_ANCESTORS);
      return NO_ANCESTORS;
    }
    if (visiting.has(entity.uid.key)) throw new CedarInputError(`the parent graph has a cycle through ${entity.uid}`);
    visiting.add(entity.uid.key);
    const keys = new Set<string>();
    for (const parent of entity.parents) {
      if (parent.key === entity.uid.key) throw new CedarInputError(`the parent graph has a cycle through ${entity.uid}`);
      keys.add(parent.key);
      const listed = pending.get(parent.key);
      if (listed !== undefined) for (const key of ancestorsOf(listed)) keys.add(key);
    }
    visiting.delete(entity.uid.key);
    ancestorsByKey.set(entity.uid.key, keys);
    return keys;
  };

  const entities = new Map<string, Entity>();
  for (const [key, entity] of pending) {
    entities.set(key, new Entity(entity.uid, entity.attrs, ancestorsOf(entity), entity.tags));
  }
  return entities;
}

function jsonAttrs(
  json: Readonly<Record<string, CedarValueJson>> | undefined,
  where: string,
  typeOf: (name: string) => SchemaType | undefined,
): Map<string, CedarValue> {
  const map = new Map<string, CedarValue>();
  if (json === undefined) return map;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CedarInputError(`${where}s must be a JSON object`);
  for (const [name, value] of Object.entries(json)) map.set(name, valueFromJson(value, `${where} ${name}`, typeOf(name)));
  return map;
}

/**
 * A store that answers from a few extra entities first, then from `base`: how the per-request
 * principal and resource join a long-lived snapshot without copying it. The extra entities'
 * ancestors are as built (see makeEntity's `ancestorsFrom`); the base's entities do not gain
 * ancestors from them.
 */
export function overlayEntities(base: EntityStore, extra: readonly Entity[]): EntityStore {
  if (extra.length === 0) return base;
  if (extra.length === 1) {
    const only = extra[0]!;
    const onlyKey = only.uid.key;
    return { get: (key) => (key === onlyKey ? only : base.get(key)) };
  }
  const byKey = new Map<string, Entity>();
  for (const entity of extra) byKey.set(entity.uid.key, entity);
  return { get: (key) => byKey.get(key) ?? base.get(key) };
}
