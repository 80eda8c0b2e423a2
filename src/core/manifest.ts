// The firm manifest: one document describing a firm, and the pure planner that turns a manifest
// plus the current state into a list of changes, or into every reason it must be rejected.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { canonicalJson, diffRecords, type FieldChange } from './canonical.js';
import type { Issue } from './errors.js';
import {
  ActionDefinitionSchema,
  Authorisation,
  Identity,
  LegalEntity,
  Person,
  Product,
  Vendor,
  type IdentityInput,
  type RecordKind,
  type RecordTypes,
} from './model.js';
import {
  checkAuthorisation,
  checkEntity,
  checkIdentity,
  checkProduct,
  identityTransitionAllowed,
  normaliseIdentity,
  type World,
} from './rules.js';
import { authorisationChangeIssues, productChangeIssues } from './power.js';
import { ajvIssues, compileBody } from './schema.js';
import { ActionVocabulary, type ActionDefinition } from './vocabulary.js';

export const MAX_MANIFEST_IDENTITIES = 250_000;
const MAX_OTHER = 20_000;

/** Manifest sections in the order they are validated and written (referenced records first). */
export const SECTIONS = [
  { key: 'entities', kind: 'entity', schema: LegalEntity },
  { key: 'people', kind: 'person', schema: Person },
  { key: 'vendors', kind: 'vendor', schema: Vendor },
  { key: 'authorisations', kind: 'authorisation', schema: Authorisation },
  { key: 'products', kind: 'product', schema: Product },
  { key: 'identities', kind: 'identity', schema: Identity },
] as const satisfies readonly { key: string; kind: RecordKind; schema: TSchema }[];
export type SectionKey = (typeof SECTIONS)[number]['key'];

export const Manifest = Type.Object(
  {
    version: Type.Literal(1),
    actions: Type.Optional(
      Type.Array(ActionDefinitionSchema, { maxItems: 200, description: "the firm's own actions, added to the default vocabulary" }),
    ),
    entities: Type.Optional(Type.Array(LegalEntity, { maxItems: MAX_OTHER })),
    people: Type.Optional(Type.Array(Person, { maxItems: MAX_OTHER })),
    vendors: Type.Optional(Type.Array(Vendor, { maxItems: MAX_OTHER })),
    authorisations: Type.Optional(Type.Array(Authorisation, { maxItems: MAX_OTHER })),
    products: Type.Optional(Type.Array(Product, { maxItems: MAX_OTHER, description: 'products with digital elements (CRA)' })),
    identities: Type.Optional(Type.Array(Identity, { maxItems: MAX_MANIFEST_IDENTITIES })),
  },
  {
    additionalProperties: false,
    $id: 'urn:mandate:schema:manifest:1',
    title: 'Mandate firm manifest',
  },
);
export type Manifest = Static<typeof Manifest>;

/** The shell of a manifest: sections are arrays of objects; each record is then checked on its own so errors can name it. */
const ManifestShell = Type.Object(
  {
    version: Type.Literal(1),
    actions: Type.Optional(Type.Array(ActionDefinitionSchema, { maxItems: 200 })),
    entities: Type.Optional(Type.Array(Type.Object({}), { maxItems: MAX_OTHER })),
    people: Type.Optional(Type.Array(Type.Object({}), { maxItems: MAX_OTHER })),
    vendors: Type.Optional(Type.Array(Type.Object({}), { maxItems: MAX_OTHER })),
    authorisations: Type.Optional(Type.Array(Type.Object({}), { maxItems: MAX_OTHER })),
    products: Type.Optional(Type.Array(Type.Object({}), { maxItems: MAX_OTHER })),
    identities: Type.Optional(Type.Array(Type.Object({}), { maxItems: MAX_MANIFEST_IDENTITIES })),
  },
  { additionalProperties: false },
);

/** What the planner needs to know of the current state. */
export interface CurrentState {
  entities: ReadonlyMap<string, RecordTypes['entity']>;
  people: ReadonlyMap<string, RecordTypes['person']>;
  vendors: ReadonlyMap<string, RecordTypes['vendor']>;
  authorisations: ReadonlyMap<string, RecordTypes['authorisation']>;
  /** Products (CRA); absent: none recorded. */
  products?: ReadonlyMap<string, RecordTypes['product']>;
  /** Only the identities the manifest names need be present. */
  identities: ReadonlyMap<string, RecordTypes['identity']>;
  customActions: readonly ActionDefinition[];
  /**
   * The inventory is empty (no authorisation, no identity): this is the firm's first load, which
   * may bring its authorisations in whatever state they are, recorded as a bootstrap. Afterwards
   * a status changes only by a transition.
   */
  bootstrap?: boolean;
}

export type ChangeOp = 'create' | 'update' | 'unchanged';

export interface PlannedChange<K extends RecordKind = RecordKind> {
  kind: K;
  id: string;
  op: ChangeOp;
  before?: RecordTypes[K];
  after: RecordTypes[K];
  changes: FieldChange[];
}

export interface ImportPlan {
  issues: Issue[];
  /** How many records have at least one issue. */
  rejected: number;
  changes: PlannedChange[];
  actions: ActionDefinition[];
  counts: { created: number; updated: number; unchanged: number; rejected: number };
}

export interface ShapeCheck {
  /** The whole manifest, typed, when every record passed the schema. */
  manifest?: Manifest;
  issues: Issue[];
  /** The records that passed the schema (when the top level did): reviewed further even if others failed. */
  valid?: Manifest;
  /** Ids of records that failed the schema: still known to exist, so references to them are not errors too. */
  failedIds?: { [K in SectionKey]: Set<string> };
}

/** Validates the manifest's shape record by record, so each error can name its record. */
export function checkManifestShape(doc: unknown): ShapeCheck {
  const shell = compileBody(ManifestShell);
  if (!shell(doc)) return { issues: ajvIssues(shell.errors) };
  const issues: Issue[] = [];
  const m = doc as Record<string, unknown[] | undefined> & { version: 1; actions?: Manifest['actions'] };
  const valid: Record<string, unknown> = { version: 1, ...(m.actions ? { actions: m.actions } : {}) };
  const failedIds = {
    entities: new Set<string>(),
    people: new Set<string>(),
    vendors: new Set<string>(),
    authorisations: new Set<string>(),
    products: new Set<string>(),
    identities: new Set<string>(),
  };
  for (const { key, kind, schema } of SECTIONS) {
    const validate = compileBody(schema);
    const passed: unknown[] = [];
    (m[key] ?? []).forEach((rec, n) => {
      if (validate(rec)) {
        passed.push(rec);
        return;
      }
      const id = typeof (rec as { id?: unknown }).id === 'string' ? (rec as { id: string }).id : undefined;
      if (id !== undefined) failedIds[key].add(id);
      for (const i of ajvIssues(validate.errors, `/${key}/${n}`)) issues.push({ ...i, kind, record: id ?? `#${n}` });
    });
    if (m[key]) valid[key] = passed;
  }
  return issues.length
    ? { issues, valid: valid as Manifest, failedIds }
    : { manifest: doc as Manifest, issues, valid: doc as Manifest, failedIds };
}

/**
 * Reviews a shape-checked manifest against the current state: the domain rules of every record
 * that passed the schema, with the schema's issues, so one answer lists every error at once.
 */
export function reviewManifest(shape: ShapeCheck, current: CurrentState): ImportPlan {
  if (!shape.valid)
    return { issues: shape.issues, rejected: 1, changes: [], actions: [], counts: { created: 0, updated: 0, unchanged: 0, rejected: 1 } };
  const plan = planImport(shape.valid, current, shape.failedIds);
  if (shape.issues.length === 0) return plan;
  const bad = new Set([...shape.issues, ...plan.issues].map((i) => `${i.kind}:${i.record}`));
  const issues = [...shape.issues, ...plan.issues].sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true }));
  return {
    issues,
    rejected: bad.size,
    changes: [],
    actions: plan.actions,
    counts: { created: 0, updated: 0, unchanged: 0, rejected: bad.size },
  };
}

function overlay<T extends { id: string }>(base: ReadonlyMap<string, T>, records: readonly T[]): Map<string, T> {
  const m = new Map(base);
  for (const r of records) m.set(r.id, r);
  return m;
}

/**
 * Plans an import: checks the manifest against the current state and lists, per record, whether
 * it would be created, updated or left unchanged. Any issue means the whole manifest is rejected.
 */
export function planImport(manifest: Manifest, current: CurrentState, failedIds?: ShapeCheck['failedIds']): ImportPlan {
  const issues: Issue[] = [];
  const badRecords = new Set<string>();
  const report = (kind: RecordKind, key: string, n: number, id: string, found: Issue[]) => {
    for (const i of found)
      issues.push({ kind, record: id, field: `/${key}/${n}${i.field}`, reason: i.reason, ...(i.code ? { code: i.code } : {}) });
    if (found.length) badRecords.add(`${kind}:${id}`);
  };

  const customActions = [...current.customActions];
  for (const a of manifest.actions ?? []) {
    const existing = new ActionVocabulary(customActions);
    if (existing.has(a.id) && existing.classOf(a.id) !== a.class)
      issues.push({
        kind: 'action',
        record: a.id,
        field: `/actions`,
        reason: `action ${a.id} is already defined with class ${existing.classOf(a.id)}`,
      });
    else if (!customActions.some((c) => c.id === a.id)) customActions.push(a);
  }
  const vocabulary = new ActionVocabulary(customActions);

  // Once an identity exists its status belongs to its lifecycle (suspensions, cascades): a
  // manifest that leaves status out keeps the current one, and one that names it must follow the
  // lifecycle, so a routine re-import never quietly reactivates a suspended identity.
  const identities = (manifest.identities ?? []).map((i: IdentityInput) =>
    normaliseIdentity({ ...i, status: i.status ?? current.identities.get(i.id)?.status ?? 'active' }, vocabulary),
  );
  const sections = {
    entities: manifest.entities ?? [],
    people: manifest.people ?? [],
    vendors: manifest.vendors ?? [],
    authorisations: manifest.authorisations ?? [],
    products: manifest.products ?? [],
    identities,
  };

  for (const { key, kind } of SECTIONS) {
    const seen = new Map<string, number>();
    sections[key].forEach((r, n) => {
      const first = seen.get(r.id);
      if (first !== undefined) report(kind, key, n, r.id, [{ field: '/id', reason: `duplicate id (also at /${key}/${first})` }]);
      else seen.set(r.id, n);
    });
  }

  // Records that failed the schema still exist as far as references go (their own errors are
  // reported already); they stand in as bare ids.
  const known = <T extends { id: string }>(key: SectionKey, records: readonly T[]) => [
    ...records,
    ...[...(failedIds?.[key] ?? [])].map((id) => ({ id }) as T),
  ];
  const world: World = {
    entities: overlay(current.entities, known('entities', sections.entities)),
    people: overlay(current.people, known('people', sections.people)),
    vendors: overlay(current.vendors, known('vendors', sections.vendors)),
    products: overlay(current.products ?? new Map(), known('products', sections.products)),
    vocabulary,
  };

  for (const [n, e] of sections.entities.entries()) report('entity', 'entities', n, e.id, checkEntity(e));
  const allAuthorisations = overlay(current.authorisations, sections.authorisations);
  const byTriple = new Map<string, string>();
  for (const a of allAuthorisations.values()) {
    const key = `${a.entity}|${a.service}|${a.jurisdiction}`;
    const other = byTriple.get(key);
    if (other === undefined || a.id < other) byTriple.set(key, a.id);
  }
  sections.authorisations.forEach((a, n) => {
    const found = checkAuthorisation(a, world);
    const holder = byTriple.get(`${a.entity}|${a.service}|${a.jurisdiction}`);
    if (holder !== undefined && holder !== a.id)
      found.push({ field: '/service', reason: `authorisation ${holder} already covers ${a.entity} / ${a.service} / ${a.jurisdiction}` });
    // A licence changes state only by a transition (four eyes, preview, cascade), never by a re-import.
    if (!current.bootstrap) found.push(...authorisationChangeIssues(current.authorisations.get(a.id), a));
    report('authorisation', 'authorisations', n, a.id, found);
  });
  sections.products.forEach((p, n) => {
    const found = checkProduct(p, world);
    // A product's status changes only by a transition (four eyes, preview, cascade), never by a re-import.
    if (!current.bootstrap) found.push(...productChangeIssues(current.products?.get(p.id), p));
    report('product', 'products', n, p.id, found);
  });
  identities.forEach((i, n) => {
    const found = checkIdentity(i, world);
    const from = current.identities.get(i.id)?.status;
    // Status changes have effects an import does not carry out (connectors switched off, grants
    // cut, tokens revoked, lifecycle suspensions kept): they go through the status endpoint.
    if (from !== undefined && from !== i.status) {
      const how =
        i.status === 'active' ? 'reactivate' : i.status === 'suspended' ? 'suspend' : i.status === 'revoked' ? 'revoke' : 'decommission';
      const advice = identityTransitionAllowed(from, i.status)
        ? `change its status with mandate identities ${how} ${i.id} (POST /v1/identities/${i.id}/status), not by import`
        : `it cannot go from ${from} to ${i.status}`;
      found.push({ field: '/status', code: 'INVALID_TRANSITION', reason: `identity ${i.id} is ${from}; ${advice}` });
    }
    report('identity', 'identities', n, i.id, found);
  });

  const changes: PlannedChange[] = [];
  const counts = { created: 0, updated: 0, unchanged: 0, rejected: badRecords.size };
  const plan = <K extends RecordKind>(kind: K, records: readonly RecordTypes[K][], existing: ReadonlyMap<string, RecordTypes[K]>) => {
    for (const after of records) {
      const before = existing.get(after.id);
      const op: ChangeOp = !before ? 'create' : canonicalJson(before) === canonicalJson(after) ? 'unchanged' : 'update';
      counts[op === 'create' ? 'created' : op === 'update' ? 'updated' : 'unchanged']++;
      // Field diffs only for updates: a create is all new, and diffing 100,000 of them costs seconds.
      changes.push({
        kind,
        id: after.id,
        op,
        ...(before ? { before } : {}),
        after,
        changes: op === 'update' ? diffRecords(before, after) : [],
      });
    }
  };
  if (issues.length === 0) {
    plan('entity', sections.entities, current.entities);
    plan('person', sections.people, current.people);
    plan('vendor', sections.vendors, current.vendors);
    plan('authorisation', sections.authorisations, current.authorisations);
    plan('product', sections.products, current.products ?? new Map());
    plan('identity', sections.identities, current.identities);
  }
  return { issues, rejected: badRecords.size, changes, actions: customActions, counts };
}
