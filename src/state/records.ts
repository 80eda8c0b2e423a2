// Storage of inventory records. Each record is kept whole as JSON (`doc`) beside the columns that
// filters and constraints need; the doc is the truth, the columns are derived. Comparisons always
// parse and canonicalise docs, so the stored key order does not matter.
import { canonicalJson } from '../core/canonical.js';
import { identitySearchText, isProductScope, type Identity, type RecordKind, type RecordTypes, type Stored } from '../core/model.js';
import type { ActionDefinition } from '../core/vocabulary.js';
import { insertMany, placeholders, type Param, type Sql } from '../store/db.js';

interface TableSpec<K extends RecordKind> {
  table: string;
  columns: readonly string[];
  values(record: RecordTypes[K]): Param[];
  /** The orders a list may take besides id: the SQL it sorts by, and that value of a stored record. */
  sorts?: Record<string, { sql: string; of(s: Stored<RecordTypes[K]>): string }>;
  /** A list's `q` matches a substring of this (lower-cased) column. */
  search?: string;
}

export const TABLES: { [K in RecordKind]: TableSpec<K> } = {
  entity: { table: 'entities', columns: [], values: () => [] },
  person: { table: 'people', columns: ['status'], values: (p) => [p.status] },
  vendor: { table: 'vendors', columns: [], values: () => [] },
  authorisation: {
    table: 'authorisations',
    columns: ['entity', 'service', 'jurisdiction', 'status'],
    values: (a) => [a.entity, a.service, a.jurisdiction, a.status],
  },
  product: {
    table: 'products',
    columns: ['manufacturer', 'status'],
    values: (p) => [p.manufacturer, p.status],
  },
  identity: {
    table: 'identities',
    columns: ['kind', 'function', 'capability', 'owner', 'vendor', 'status', 'environment', 'break_glass', 'search'],
    values: (i) => [
      i.kind,
      i.function,
      i.capability,
      i.owner,
      i.vendor,
      i.status,
      i.environment,
      i.break_glass ? 1 : 0,
      identitySearchText(i),
    ],
    // Each has an index (migration 8) that leads with the same expression, then id.
    sorts: {
      owner: { sql: "COALESCE(r.owner, '')", of: (s) => s.record.owner ?? '' },
      status: { sql: 'r.status', of: (s) => s.record.status },
      kind: { sql: 'r.kind', of: (s) => s.record.kind },
      function: { sql: 'r.function', of: (s) => s.record.function },
      capability: { sql: 'r.capability', of: (s) => s.record.capability },
      environment: { sql: 'r.environment', of: (s) => s.record.environment },
      updated_at: { sql: 'r.updated_at', of: (s) => s.updated_at },
    },
    search: 'search',
  },
};

interface DocRow {
  id: string;
  doc: string;
  version: number;
  created_at: string;
  updated_at: string;
}

function toStored<T>(r: DocRow): Stored<T> {
  return { record: JSON.parse(r.doc) as T, version: Number(r.version), created_at: r.created_at, updated_at: r.updated_at };
}

export async function getRecord<K extends RecordKind>(sql: Sql, kind: K, id: string): Promise<Stored<RecordTypes[K]> | undefined> {
  const rows = await sql.all<DocRow>(`SELECT id, doc, version, created_at, updated_at FROM ${TABLES[kind].table} WHERE id = ?`, [id]);
  return rows[0] ? toStored<RecordTypes[K]>(rows[0]) : undefined;
}

/** Records by id, in chunks that stay inside the drivers' parameter limits. */
export async function getRecords<K extends RecordKind>(
  sql: Sql,
  kind: K,
  ids: readonly string[],
): Promise<Map<string, Stored<RecordTypes[K]>>> {
  const out = new Map<string, Stored<RecordTypes[K]>>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await sql.all<DocRow>(
      `SELECT id, doc, version, created_at, updated_at FROM ${TABLES[kind].table} WHERE id IN (${placeholders(chunk.length)})`,
      chunk,
    );
    for (const r of rows) out.set(r.id, toStored<RecordTypes[K]>(r));
  }
  return out;
}

/** Every record of a small kind (entities, people, vendors, authorisations). */
export async function getAllRecords<K extends Exclude<RecordKind, 'identity'>>(sql: Sql, kind: K): Promise<Map<string, RecordTypes[K]>> {
  const rows = await sql.all<DocRow>(`SELECT id, doc FROM ${TABLES[kind].table}`);
  return new Map(rows.map((r) => [r.id, JSON.parse(r.doc) as RecordTypes[K]]));
}

/**
 * Creates or updates records in bulk. An update bumps the version (the ETag) and keeps the
 * creation time. Identity scopes are rewritten alongside.
 */
export async function upsertRecords<K extends RecordKind>(
  tx: Sql,
  kind: K,
  records: readonly RecordTypes[K][],
  at: string,
  opts: { fresh?: boolean } = {},
): Promise<void> {
  if (records.length === 0) return;
  const spec = TABLES[kind];
  const columns = ['id', ...spec.columns, 'doc', 'version', 'created_at', 'updated_at'];
  const updates = [...spec.columns, 'doc', 'updated_at'].map((c) => `${c} = excluded.${c}`).join(', ');
  await insertMany(
    tx,
    spec.table,
    columns,
    // Plain JSON: key order does not matter, every comparison re-canonicalises parsed records.
    (function* () {
      for (const r of records) yield [r.id, ...spec.values(r), JSON.stringify(r), 1, at, at];
    })(),
    `ON CONFLICT (id) DO UPDATE SET ${updates}, version = ${spec.table}.version + 1`,
  );
  if (kind === 'identity') await replaceScopes(tx, records as readonly Identity[], opts.fresh === true);
}

/** Writes one record only if it is still at the version the caller read; answers whether it was. */
export async function updateRecordAtVersion<K extends RecordKind>(
  tx: Sql,
  kind: K,
  record: RecordTypes[K],
  expectedVersion: number,
  at: string,
): Promise<boolean> {
  const spec = TABLES[kind];
  const sets = [...spec.columns, 'doc', 'updated_at'].map((c) => `${c} = ?`).join(', ');
  const changed = await tx.run(`UPDATE ${spec.table} SET ${sets}, version = version + 1 WHERE id = ? AND version = ?`, [
    ...spec.values(record),
    canonicalJson(record),
    at,
    record.id,
    expectedVersion,
  ]);
  if (changed === 1 && kind === 'identity') await replaceScopes(tx, [record as Identity]);
  return changed === 1;
}

/** Rewrites identities' scope rows; `fresh` identities are known to be new and have none to delete. */
async function replaceScopes(tx: Sql, identities: readonly Identity[], fresh = false): Promise<void> {
  const ids = fresh ? [] : identities.map((i) => i.id);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await tx.run(`DELETE FROM identity_scopes WHERE identity_id IN (${placeholders(chunk.length)})`, chunk);
    await tx.run(`DELETE FROM identity_products WHERE identity_id IN (${placeholders(chunk.length)})`, chunk);
  }
  const rows = function* (): Generator<Param[]> {
    for (const identity of identities) {
      for (const s of identity.scopes) if (!isProductScope(s)) yield [identity.id, s.entity, s.service, s.jurisdiction];
    }
  };
  await insertMany(tx, 'identity_scopes', ['identity_id', 'entity', 'service', 'jurisdiction'], rows());
  // Product scopes (CRA): channel '' stands for every channel of the product.
  const products = function* (): Generator<Param[]> {
    for (const identity of identities) {
      for (const s of identity.scopes) if (isProductScope(s)) yield [identity.id, s.product, s.channel ?? ''];
    }
  };
  await insertMany(tx, 'identity_products', ['identity_id', 'product', 'channel'], products(), 'ON CONFLICT DO NOTHING');
}

export async function getCustomActions(sql: Sql): Promise<ActionDefinition[]> {
  return sql.all<ActionDefinition>('SELECT id, class, description FROM actions ORDER BY id');
}

export async function insertCustomActions(tx: Sql, actions: readonly ActionDefinition[]): Promise<void> {
  await insertMany(
    tx,
    'actions',
    ['id', 'class', 'description'],
    actions.map((a) => [a.id, a.class, a.description]),
    'ON CONFLICT (id) DO NOTHING',
  );
}

export async function countRecords(sql: Sql, kind: RecordKind): Promise<number> {
  const [row] = await sql.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${TABLES[kind].table}`);
  return Number(row?.n ?? 0);
}

/**
 * What a list may be filtered by: equality on columns, scopes (an identity matches if any of its
 * scopes matches every term given), and `search`, a substring of the kind's search column.
 */
export interface ListFilter {
  columns: Record<string, string | number | undefined>;
  scope?: { entity?: string; service?: string; jurisdiction?: string };
  /** Identities with a product scope (any channel) for this product (CRA). */
  product?: string;
  search?: string;
}

/** A list's order: by id (the default) or one of the kind's sorts, then id; and where the last page ended. */
export interface ListOrder {
  sort?: string;
  desc?: boolean;
  /** With a sort other than id: the sort value of the row the cursor names. */
  afterKey?: string;
  /** Rows a filtered, sorted page walks before it finds the rest otherwise (default WALK; tests make it small). */
  walk?: number;
}

type ScopeTerm = [column: string, value: string];

/** A LIKE pattern (ESCAPE '\') that finds `text` anywhere, its own % and _ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/** A filter as terms: column equalities, scope terms, and the LIKE pattern of a search. */
interface Terms {
  columns: [column: string, value: Param][];
  scope: ScopeTerm[];
  product?: string;
  search?: { column: string; pattern: string };
}

function termsOf(kind: RecordKind, filter: ListFilter): Terms {
  const spec: TableSpec<RecordKind> = TABLES[kind];
  const columns: Terms['columns'] = [];
  for (const [col, value] of Object.entries(filter.columns)) {
    if (value === undefined) continue;
    if (!spec.columns.includes(col)) throw new Error(`not a filter column of ${kind}: ${col}`);
    columns.push([col, value]);
  }
  const scope = filter.scope ?? {};
  const terms: Terms = {
    columns,
    scope: (['entity', 'service', 'jurisdiction'] as const).filter((k) => scope[k] !== undefined).map((k) => [k, scope[k]!]),
    ...(filter.product !== undefined ? { product: filter.product } : {}),
  };
  if (filter.search !== undefined) {
    if (!spec.search) throw new Error(`${kind} has no search column`);
    // Both sides are lower-cased by JavaScript, so LIKE's own case rules (ASCII-only on SQLite,
    // none on PostgreSQL) never come into play and both stores match the same rows.
    terms.search = { column: spec.search, pattern: containsPattern(filter.search.toLowerCase()) };
  }
  return terms;
}

/**
 * A filter's terms as SQL over `r`, written for the plan wanted:
 * - 'probe': column terms may use their indexes; each candidate's scopes are probed by key.
 * - 'walk': as 'probe', but column terms are hidden from their indexes (`|| ''`), so the sort's
 *   index leads.
 * - 'gather': scope terms as the set of ids the scope index holds, so the matches can be found
 *   from whichever side is smaller.
 * The probe joins on `r.id || ''` rather than `r.id`: SQLite would otherwise carry the cursor
 * (r.id > ?) over to s.identity_id and range-scan the scope index on every probe (2.4 s for a deep page).
 */
function termsSql(terms: Terms, mode: 'probe' | 'walk' | 'gather'): { where: string[]; params: Param[] } {
  const where = terms.columns.map(([col]) => (mode === 'walk' ? `r.${col} || '' = ?` : `r.${col} = ?`));
  const params: Param[] = terms.columns.map(([, v]) => v);
  if (terms.search) {
    where.push(`r.${terms.search.column} LIKE ? ESCAPE '\\'`);
    params.push(terms.search.pattern);
  }
  if (terms.scope.length) {
    const match = terms.scope.map(([k]) => `s.${k} = ?`).join(' AND ');
    where.push(
      mode === 'gather'
        ? `r.id IN (SELECT s.identity_id FROM identity_scopes s WHERE ${match})`
        : `EXISTS (SELECT 1 FROM identity_scopes s WHERE s.identity_id = r.id || '' AND ${match})`,
    );
    params.push(...terms.scope.map(([, v]) => v));
  }
  if (terms.product !== undefined) {
    where.push(
      mode === 'gather'
        ? 'r.id IN (SELECT p.identity_id FROM identity_products p WHERE p.product = ?)'
        : "EXISTS (SELECT 1 FROM identity_products p WHERE p.identity_id = r.id || '' AND p.product = ?)",
    );
    params.push(terms.product);
  }
  return { where, params };
}

/** Where a page starts or stops in a list ordered by (key, id). */
const bound = (key: string, op: string, at: { key: string; id: string }) => ({
  sql: `(${key}, r.id) ${op} (?, ?)`,
  params: [at.key, at.id] as Param[],
});

/** The rows that match `where`, in (key, id) order either way (`key` undefined: id alone). */
async function selectPage(
  sql: Sql,
  table: string,
  where: string[],
  params: Param[],
  order: { key?: string; desc: boolean },
  limit: number,
): Promise<DocRow[]> {
  const dir = order.desc ? ' DESC' : '';
  return sql.all<DocRow>(
    `SELECT r.id, r.doc, r.version, r.created_at, r.updated_at FROM ${table} r${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order.key !== undefined ? `${order.key}${dir}, ` : ''}r.id${dir} LIMIT ?`,
    [...params, limit],
  );
}

/** Rows a sorted page walks before it gives up on the sort's index (at least; 40 per row asked for). */
const WALK = 2_000;

/**
 * One page of records in the list's order, after a cursor (keyset pagination: each page costs the
 * same however deep it is). Sorts other than id order by (value, id), so ties never skip or repeat
 * a row, and walk the index that leads with the same expression.
 */
export async function listRecords<K extends RecordKind>(
  sql: Sql,
  kind: K,
  filter: ListFilter,
  afterId: string | undefined,
  limit: number,
  order: ListOrder = {},
): Promise<Stored<RecordTypes[K]>[]> {
  const spec: TableSpec<RecordKind> = TABLES[kind];
  const sort = order.sort === undefined || order.sort === 'id' ? undefined : spec.sorts?.[order.sort];
  if (order.sort !== undefined && order.sort !== 'id' && !sort) throw new Error(`not a sort of ${kind}: ${order.sort}`);
  const desc = order.desc === true;
  const [cmp, back] = desc ? ['<', '>='] : ['>', '<='];
  const terms = termsOf(kind, filter);
  const done = (rows: DocRow[]) => rows.map((r) => toStored<RecordTypes[K]>(r));

  if (!sort) {
    if (terms.scope.length && !terms.columns.length && !terms.search)
      return listByScope(sql, spec.table, terms.scope, afterId, limit, desc);
    // With a column filter too, its (column, id) index leads and each candidate's scopes are probed
    // by key. Walking the scope index instead reads every scope row of a common scope before it
    // meets the few identities a selective column admits (SQLite, 100k identities: status revoked +
    // entity 59 ms that way against 0.7 ms; owner + jurisdiction 14 ms against 0.9 ms).
    const { where, params } = termsSql(terms, 'probe');
    if (afterId !== undefined) {
      where.push(`r.id ${cmp} ?`);
      params.push(afterId);
    }
    return done(await selectPage(sql, spec.table, where, params, { desc }, limit));
  }

  const key = sort.sql;
  const after = afterId !== undefined ? bound(key, cmp, { key: order.afterKey ?? '', id: afterId }) : undefined;
  const from = { where: after ? [after.sql] : [], params: after?.params ?? [] };
  if (!terms.columns.length && !terms.scope.length && !terms.search)
    return done(await selectPage(sql, spec.table, from.where, from.params, { key, desc }, limit));

  // A filtered, sorted page. Walking the sort's index and keeping what matches is quick when the
  // filter is common and reads the whole table when it is rare; finding the matches and sorting
  // them is the other way round. Neither store can tell which from its statistics (SQLite has
  // none and always does the latter when a filtered column has an index: status active + entity,
  // sorted by updated_at, 200 ms at 100k identities; PostgreSQL walks the owner index to the end
  // for an entity and member state no identity holds, 600 ms). So: walk at most WALK rows of the
  // sort's index; if they do not fill the page, the filter is rare, and the rest of the page is
  // its matches beyond them, found and sorted.
  const walk = order.walk ?? Math.max(WALK, limit * 40);
  const [edge] = await sql.all<{ k: string; id: string }>(
    `SELECT ${key} AS k, r.id FROM ${spec.table} r${from.where.length ? ` WHERE ${from.where.join(' AND ')}` : ''}
      ORDER BY ${key}${desc ? ' DESC' : ''}, r.id${desc ? ' DESC' : ''} LIMIT 1 OFFSET ?`,
    [...from.params, walk - 1],
  );
  const walked = termsSql(terms, 'walk');
  const stop = edge ? bound(key, back, { key: String(edge.k), id: edge.id }) : undefined;
  const found = await selectPage(
    sql,
    spec.table,
    [...from.where, ...walked.where, ...(stop ? [stop.sql] : [])],
    [...from.params, ...walked.params, ...(stop?.params ?? [])],
    { key, desc },
    limit,
  );
  if (found.length === limit || !edge) return done(found);
  const gathered = termsSql(terms, 'gather');
  const beyond = bound(key, cmp, { key: String(edge.k), id: edge.id });
  // `|| ''`: ordered by the same values, but not through the sort's index, which would be the slow walk again.
  const rest = await selectPage(
    sql,
    spec.table,
    [...gathered.where, beyond.sql],
    [...gathered.params, ...beyond.params],
    { key: `${key} || ''`, desc },
    limit - found.length,
  );
  return done([...found, ...rest]);
}

/** How many records a list's filters match, wherever its cursor is. */
export async function countMatching(sql: Sql, kind: RecordKind, filter: ListFilter): Promise<number> {
  const terms = termsOf(kind, filter);
  // Scope terms alone: the scope index answers without reading an identity.
  const scopeOnly = terms.scope.length && !terms.columns.length && !terms.search && terms.product === undefined;
  const { where, params } = scopeOnly ? { where: [], params: [] } : termsSql(terms, 'probe');
  const query = scopeOnly
    ? `SELECT COUNT(DISTINCT s.identity_id) AS n FROM identity_scopes s WHERE ${terms.scope.map(([k]) => `s.${k} = ?`).join(' AND ')}`
    : `SELECT COUNT(*) AS n FROM ${TABLES[kind].table} r${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  const [row] = await sql.all<{ n: number | string }>(query, scopeOnly ? terms.scope.map(([, v]) => v) : params);
  return Number(row?.n ?? 0);
}

/**
 * Identities with a scope matching every given term. The query walks identity_scopes through its
 * (column, identity_id) index in id order (either way), so the first page is found at once whether
 * the filter matches most identities or a handful. An identity with several matching scopes appears
 * once per scope; duplicates are adjacent and dropped here, and the walk goes on until the page is full.
 */
async function listByScope<T>(
  sql: Sql,
  table: string,
  terms: readonly ScopeTerm[],
  afterId: string | undefined,
  limit: number,
  desc: boolean,
): Promise<Stored<T>[]> {
  const out: Stored<T>[] = [];
  let after = afterId;
  const fetch = limit * 2;
  const [cmp, dir] = desc ? ['<', ' DESC'] : ['>', ''];
  for (;;) {
    const where = terms.map(([k]) => `s.${k} = ?`);
    const params: Param[] = terms.map(([, v]) => v);
    if (after !== undefined) {
      where.push(`s.identity_id ${cmp} ?`);
      params.push(after);
    }
    params.push(fetch);
    const rows = await sql.all<DocRow>(
      `SELECT r.id, r.doc, r.version, r.created_at, r.updated_at FROM identity_scopes s JOIN ${table} r ON r.id = s.identity_id
        WHERE ${where.join(' AND ')} ORDER BY s.identity_id${dir} LIMIT ?`,
      params,
    );
    for (const r of rows) {
      if (out.length && (out[out.length - 1]!.record as { id: string }).id === r.id) continue;
      out.push(toStored<T>(r));
      if (out.length === limit) return out;
    }
    if (rows.length < fetch) return out;
    after = rows[rows.length - 1]!.id;
  }
}

/** A count of the rows that share these values (by column). */
export interface GroupCount {
  values: Record<string, string>;
  n: number;
}

/** Counts of one table grouped by some of its columns: one GROUP BY. */
async function groupCounts(sql: Sql, table: string, columns: readonly string[]): Promise<GroupCount[]> {
  const rows = await sql.all<Record<string, string | number>>(
    `SELECT ${columns.join(', ')}, COUNT(*) AS n FROM ${table} GROUP BY ${columns.join(', ')}`,
  );
  return rows.map((r) => ({ values: Object.fromEntries(columns.map((c) => [c, String(r[c])])), n: Number(r.n) }));
}

/** The sort value of a stored record (what a cursor carries besides the id). */
export function sortValue(kind: RecordKind, sort: string, stored: Stored<RecordTypes[RecordKind]>): string {
  const spec: TableSpec<RecordKind> = TABLES[kind];
  const of = spec.sorts?.[sort]?.of;
  if (!of) throw new Error(`not a sort of ${kind}: ${sort}`);
  return of(stored);
}

/** What the inventory summary counts: identities by every dimension it shows, the other kinds in total. */
export async function inventoryCounts(sql: Sql) {
  const [identities, authorisations, entities, people, vendors] = await Promise.all([
    // One GROUP BY over all five dimensions (at most 7 × 2 × 4 × 7 × 3 groups), folded per
    // dimension by the caller: one read of identities_facets, where a GROUP BY per dimension reads
    // it, or the table, four times (100k identities: SQLite 21 ms against 48 ms, PostgreSQL
    // 34 ms against 108 ms).
    groupCounts(sql, 'identities', ['function', 'capability', 'status', 'kind', 'environment']),
    groupCounts(sql, 'authorisations', ['status']),
    countRecords(sql, 'entity'),
    countRecords(sql, 'person'),
    countRecords(sql, 'vendor'),
  ]);
  return { identities, authorisations, entities, people, vendors };
}
