// What the evaluator needs from a Cedar schema (Cedar's JSON schema format, as cedar-wasm's
// schemaToJson gives it): the declared type of each entity attribute, tag and context attribute,
// so that entity and context JSON can be read as Cedar reads it with a schema (`{ type, id }` as
// an entity, `"10.0.0.1"` as an ip, …: values.ts valueFromJson), and the action entities with
// their groups, which Cedar adds to the entities when it has a schema.
//
// This is not a validator: data that does not conform is read as well as it can be, never
// refused for not conforming (use cedar-wasm to validate). Names are resolved as Cedar does:
// a type name inside a namespace is looked for as a common type, then an entity type, of that
// namespace, then of the empty namespace, then among the built-in types (`__cedar::` prefix).

import { CedarInputError, entityUid, type EntityUid } from './values.js';
import type { ExtensionTypeName } from './extensions.js';

export type SchemaType =
  | { readonly kind: 'long' | 'string' | 'bool' }
  | { readonly kind: 'set'; readonly element: SchemaType | undefined }
  | { readonly kind: 'record'; readonly attrs: ReadonlyMap<string, SchemaType | undefined> }
  | { readonly kind: 'entity'; readonly name: string }
  | { readonly kind: 'extension'; readonly name: ExtensionTypeName };

/** A type in Cedar's JSON schema format (only what is read here is typed). */
export interface SchemaTypeJson {
  type: string;
  name?: string;
  element?: SchemaTypeJson;
  attributes?: Record<string, SchemaTypeJson & { required?: boolean }>;
}

export interface SchemaNamespaceJson {
  commonTypes?: Record<string, SchemaTypeJson>;
  entityTypes?: Record<string, { shape?: SchemaTypeJson; tags?: SchemaTypeJson; memberOfTypes?: string[]; enum?: string[] }>;
  actions?: Record<string, { memberOf?: { id: string; type?: string }[]; appliesTo?: { context?: SchemaTypeJson } | null }>;
}

/** Cedar's JSON schema: namespaces by name ("" for none). */
export type SchemaJson = Record<string, SchemaNamespaceJson>;

const EXTENSIONS: readonly string[] = ['ipaddr', 'decimal', 'datetime', 'duration'];
const PRIMITIVES: Readonly<Record<string, SchemaType>> = {
  Long: { kind: 'long' },
  String: { kind: 'string' },
  Bool: { kind: 'bool' },
  Boolean: { kind: 'bool' },
};

const qualify = (namespace: string, name: string): string => (namespace === '' ? name : `${namespace}::${name}`);

export class CedarSchema {
  private readonly entityTypes = new Map<string, { attrs: SchemaType | undefined; tags: SchemaType | undefined }>();
  private readonly contexts = new Map<string, SchemaType | undefined>();
  /** Every action entity the schema declares, with the uids of the groups it is declared in. */
  readonly actions: readonly { uid: EntityUid; parents: EntityUid[] }[];

  /** @internal use cedarSchema() */
  constructor(json: SchemaJson) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new CedarInputError('a schema is a JSON object of namespaces');
    }
    const commonTypes = new Map<string, { json: SchemaTypeJson; namespace: string }>();
    const entityNames = new Set<string>();
    const actionKeys = new Set<string>();
    for (const [namespace, body] of Object.entries(json)) {
      for (const [name, type] of Object.entries(body.commonTypes ?? {})) {
        commonTypes.set(qualify(namespace, name), { json: type, namespace });
      }
      for (const name of Object.keys(body.entityTypes ?? {})) entityNames.add(qualify(namespace, name));
      for (const name of Object.keys(body.actions ?? {})) actionKeys.add(entityUid(qualify(namespace, 'Action'), name).key);
    }

    const resolving = new Set<string>();
    const named = (name: string, namespace: string, entityFirst: boolean): SchemaType | undefined => {
      if (name.startsWith('__cedar::')) return builtin(name.slice('__cedar::'.length));
      const candidates = name.includes('::') ? [name] : [qualify(namespace, name), ...(namespace === '' ? [] : [name])];
      for (const candidate of candidates) {
        const common = commonTypes.get(candidate);
        if (!entityFirst && common !== undefined) {
          if (resolving.has(candidate)) throw new CedarInputError(`schema: the common type ${candidate} refers to itself`);
          resolving.add(candidate);
          try {
            return resolve(common.json, common.namespace);
          } finally {
            resolving.delete(candidate);
          }
        }
        if (entityNames.has(candidate)) return { kind: 'entity', name: candidate };
      }
      return name.includes('::') ? { kind: 'entity', name } : (builtin(name) ?? { kind: 'entity', name: qualify(namespace, name) });
    };
    const builtin = (name: string): SchemaType | undefined =>
      PRIMITIVES[name] ?? (EXTENSIONS.includes(name) ? { kind: 'extension', name: name as ExtensionTypeName } : undefined);
    const resolve = (type: SchemaTypeJson | undefined, namespace: string): SchemaType | undefined => {
      if (typeof type !== 'object' || type === null) return undefined;
      switch (type.type) {
        case 'Set':
          return { kind: 'set', element: resolve(type.element, namespace) };
        case 'Record': {
          const attrs = new Map<string, SchemaType | undefined>();
          for (const [name, attr] of Object.entries(type.attributes ?? {})) attrs.set(name, resolve(attr, namespace));
          return { kind: 'record', attrs };
        }
        case 'Entity':
          return named(String(type.name), namespace, true);
        case 'Extension':
          return builtin(String(type.name).replace(/^__cedar::/, ''));
        case 'EntityOrCommon':
          return named(String(type.name), namespace, false);
        default:
          // A primitive by its JSON name, or a common type by its name.
          return PRIMITIVES[type.type] ?? named(type.type, namespace, false);
      }
    };

    const actions: { uid: EntityUid; parents: EntityUid[] }[] = [];
    for (const [namespace, body] of Object.entries(json)) {
      for (const [name, entity] of Object.entries(body.entityTypes ?? {})) {
        this.entityTypes.set(qualify(namespace, name), { attrs: resolve(entity.shape, namespace), tags: resolve(entity.tags, namespace) });
      }
      const actionType = qualify(namespace, 'Action');
      for (const [name, action] of Object.entries(body.actions ?? {})) {
        const uid = entityUid(actionType, name);
        const parents = (action.memberOf ?? []).map((parent) => {
          if (parent.type === undefined) return entityUid(actionType, parent.id);
          // An unqualified group type is looked for in this namespace first.
          const local = entityUid(qualify(namespace, parent.type), parent.id);
          return parent.type.includes('::') || actionKeys.has(local.key) ? local : entityUid(parent.type, parent.id);
        });
        actions.push({ uid, parents });
        this.contexts.set(uid.key, resolve(action.appliesTo?.context ?? undefined, namespace));
      }
    }
    this.actions = actions;
  }

  /** The declared type of an entity type's attributes (a record type) and tags. */
  entityType(type: string): { attrs: SchemaType | undefined; tags: SchemaType | undefined } | undefined {
    return this.entityTypes.get(type);
  }

  /** The declared type of the context of requests for this action. */
  contextType(action: EntityUid): SchemaType | undefined {
    return this.contexts.get(action.key);
  }
}

/** A schema from Cedar's JSON schema format (cedar-wasm's `schemaToJson` of a .cedarschema). */
export function cedarSchema(json: SchemaJson): CedarSchema {
  return new CedarSchema(json);
}
