// HTTP resources for the inventory: entities, people, vendors, authorisations and identities.
// One route factory serves every kind, so they behave alike: create, get (with ETag), list with
// filters and keyset pagination, update with If-Match, and the record's event history.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MandateError } from '../core/errors.js';
import { Authorisation, Enum, Identity, LegalEntity, Person, Product, Vendor, type RecordKind, type Stored } from '../core/model.js';
import type { Permission } from '../core/roles.js';
import {
  AUTHORISATION_STATUSES,
  CAPABILITIES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  IDENTITY_STATUSES,
  MEMBER_STATES,
  MICA_SERVICES,
  PERSON_STATUSES,
  PRODUCT_STATUSES,
} from '../core/vocabulary.js';
import { actorOf, decodeWalkCursor, DEFAULT_PAGE, encodeCursor, etag, optionalIfMatch, PageQuery, requireIfMatch } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import {
  IdentityChangeRequestSchema,
  IdentityRecord,
  Meta,
  Nullable,
  recordOutput,
  type IdentityChangeRequestView,
  type Names,
} from '../http/responses.js';
import { sortValue, TABLES, type GroupCount, type ListFilter } from '../state/records.js';
import { IdentityPowerSchema, IfMatchHeader, InventorySummarySchema, RecordParams, StatusChange } from './schemas.js';
import type { IdentityChangeRequest, InventoryService, RecordInput } from './service.js';

interface KindRoutes {
  kind: RecordKind;
  path: string;
  /** The operationIds' nouns: createIdentity, listIdentities. */
  one: string;
  many: string;
  schema: TObject;
  write: Permission;
  /** Query filters: equality on a column, or on any of an identity's scopes. */
  filters: Record<string, { schema: TSchema; column?: string; scope?: 'entity' | 'service' | 'jurisdiction'; product?: true }>;
}

const id = { schema: Type.String({ maxLength: 254 }) };
const scopeFilters = {
  entity: { schema: Type.String({ maxLength: 128 }), scope: 'entity' as const },
  service: { schema: Enum(MICA_SERVICES), scope: 'service' as const },
  jurisdiction: { schema: Enum(MEMBER_STATES), scope: 'jurisdiction' as const },
  // Identities with a product scope (any channel) for this product (CRA).
  product: { schema: Type.String({ maxLength: 128 }), product: true as const },
};

export const KINDS: readonly KindRoutes[] = [
  { kind: 'entity', path: 'entities', one: 'Entity', many: 'Entities', schema: LegalEntity, write: 'regulatory:write', filters: {} },
  {
    kind: 'person',
    path: 'people',
    one: 'Person',
    many: 'People',
    schema: Person,
    write: 'registry:write',
    filters: { status: { schema: Enum(PERSON_STATUSES), column: 'status' } },
  },
  { kind: 'vendor', path: 'vendors', one: 'Vendor', many: 'Vendors', schema: Vendor, write: 'registry:write', filters: {} },
  {
    kind: 'authorisation',
    path: 'authorisations',
    one: 'Authorisation',
    many: 'Authorisations',
    schema: Authorisation,
    write: 'regulatory:write',
    filters: {
      entity: { ...id, column: 'entity' },
      service: { schema: Enum(MICA_SERVICES), column: 'service' },
      jurisdiction: { schema: Enum(MEMBER_STATES), column: 'jurisdiction' },
      status: { schema: Enum(AUTHORISATION_STATUSES), column: 'status' },
    },
  },
  {
    kind: 'product',
    path: 'products',
    one: 'Product',
    many: 'Products',
    schema: Product,
    write: 'regulatory:write',
    filters: {
      manufacturer: { ...id, column: 'manufacturer' },
      status: { schema: Enum(PRODUCT_STATUSES), column: 'status' },
    },
  },
  {
    kind: 'identity',
    path: 'identities',
    one: 'Identity',
    many: 'Identities',
    schema: Identity,
    write: 'identities:write',
    filters: {
      ...scopeFilters,
      kind: { schema: Enum(IDENTITY_KINDS), column: 'kind' },
      function: { schema: Enum(IDENTITY_FUNCTIONS), column: 'function' },
      capability: { schema: Enum(CAPABILITIES), column: 'capability' },
      status: { schema: Enum(IDENTITY_STATUSES), column: 'status' },
      environment: { schema: Enum(ENVIRONMENTS), column: 'environment' },
      owner: { ...id, column: 'owner' },
      vendor: { ...id, column: 'vendor' },
    },
  },
];

// The held change answered with 202 is the shared IdentityChangeRequestSchema; it names every field.
const IN_STEP: Names<IdentityChangeRequestView, IdentityChangeRequest> = true;
void IN_STEP;

/** A list's query string: paging, the kind's filters by name and, for kinds with sorts, search, sort, order and count. */
interface ListQueryString {
  cursor?: string;
  limit?: number;
  q?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  count?: boolean;
  [filter: string]: unknown;
}

/** A stored record as the API shows it: the record with its read-only metadata beside it. */
function present<T extends object>(s: Stored<T>): T & { version: number; created_at: string; updated_at: string } {
  return { ...s.record, version: s.version, created_at: s.created_at, updated_at: s.updated_at };
}

export function registerInventoryRoutes(fastify: FastifyInstance, inventory: InventoryService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  for (const k of KINDS) {
    const Output = recordOutput(k.schema);
    const Input = Type.Composite([k.schema, Type.Partial(Type.Object(Meta))], { additionalProperties: false });
    const tags = [k.path];
    const notFound = (id: string) => new MandateError('NOT_FOUND', `no ${k.kind} with id ${id}`);
    const stripMeta = (body: Record<string, unknown>) => {
      const { version: _v, created_at: _c, updated_at: _u, ...record } = body;
      return record as RecordInput<typeof k.kind>;
    };

    app.post(
      `/v1/${k.path}`,
      {
        config: { permission: k.write },
        schema: {
          tags,
          operationId: `create${k.one}`,
          summary: k.kind === 'identity' ? 'Create an identity (202: it would have power, and waits for approval)' : `Create a ${k.kind}`,
          body: Input,
          response: { 201: Output, ...(k.kind === 'identity' ? { 202: IdentityChangeRequestSchema } : {}), '4xx': ProblemResponse },
        },
      },
      async (req, reply) => {
        const out = await inventory.create(actorOf(req), k.kind, stripMeta(req.body));
        if ('held' in out) return reply.code(202).header('location', `/v1/changes/${out.held.id}`).send(out.held);
        const stored = out.applied;
        return reply
          .code(201)
          .header('etag', etag(stored.version))
          .header('location', `/v1/${k.path}/${stored.record.id}`)
          .send(present(stored));
      },
    );

    app.get(
      `/v1/${k.path}/:id`,
      {
        config: { permission: 'inventory:read' },
        schema: {
          tags,
          operationId: `get${k.one}`,
          summary: `Get a ${k.kind}`,
          params: RecordParams,
          response: { 200: Output, '4xx': ProblemResponse },
        },
      },
      async (req, reply) => {
        const { id } = req.params;
        const stored = await inventory.get(k.kind, id);
        if (!stored) throw notFound(id);
        return reply.header('etag', etag(stored.version)).send(present(stored));
      },
    );

    // Kinds with sorts (identities) may also be searched, sorted either way and counted.
    const sorts = TABLES[k.kind].sorts;
    const page = { items: Type.Array(Output), next_cursor: Nullable(Type.String()) };
    const ListOutput = sorts
      ? Type.Object({ ...page, total: Type.Optional(Type.Integer({ description: 'with count=true' })) })
      : Type.Object(page);
    // Built from the kind's filters, so its type is declared (ListQueryString) rather than inferred.
    const ListQuery = Type.Unsafe<ListQueryString>(
      Type.Object(
        {
          ...PageQuery,
          ...Object.fromEntries(Object.entries(k.filters).map(([name, f]) => [name, Type.Optional(f.schema)])),
          ...(sorts
            ? {
                q: Type.Optional(
                  Type.String({
                    minLength: 1,
                    maxLength: 128,
                    pattern: '^[^\\u0000-\\u001f\\u007f]+$',
                    description: 'case-insensitive substring of the id, owner or purpose (no control characters)',
                  }),
                ),
                sort: Type.Optional(Enum(['id', ...Object.keys(sorts)], 'default id; ties are ordered by id')),
                order: Type.Optional(Enum(['asc', 'desc'], 'default asc')),
                count: Type.Optional(Type.Boolean({ description: 'also answer total: how many match the filters' })),
              }
            : {}),
        },
        { additionalProperties: false },
      ),
    );
    app.get(
      `/v1/${k.path}`,
      {
        config: { permission: 'inventory:read' },
        schema: {
          tags,
          operationId: `list${k.many}`,
          summary: `List ${k.path}`,
          querystring: ListQuery,
          response: {
            200: ListOutput,
            '4xx': ProblemResponse,
          },
        },
      },
      async (req) => {
        const q = req.query;
        const filter: ListFilter = { columns: {}, scope: {} };
        for (const [name, f] of Object.entries(k.filters)) {
          if (q[name] === undefined) continue;
          if (f.column) filter.columns[f.column] = String(q[name]);
          if (f.scope) filter.scope![f.scope] = String(q[name]);
          if (f.product) filter.product = String(q[name]);
        }
        if (q.q !== undefined) filter.search = q.q;
        const sort = q.sort === undefined || q.sort === 'id' ? undefined : q.sort;
        const walk = { ...(sort ? { sort } : {}), ...(q.order === 'desc' ? { order: 'desc' as const } : {}) };
        const limit = q.limit ?? DEFAULT_PAGE;
        const after = decodeWalkCursor<string>(q.cursor, 'string', walk);
        const [page, total] = await Promise.all([
          inventory.list(k.kind, filter, after?.value, limit + 1, {
            ...(sort ? { sort } : {}),
            desc: walk.order === 'desc',
            ...(after?.key !== undefined ? { afterKey: after.key } : {}),
          }),
          q.count === true ? inventory.count(k.kind, filter) : undefined,
        ]);
        const items = page.slice(0, limit);
        const last = items[items.length - 1];
        const next =
          page.length > limit && last
            ? encodeCursor(last.record.id, { ...walk, ...(sort ? { key: sortValue(k.kind, sort, last) } : {}) })
            : null;
        return { items: items.map(present), next_cursor: next, ...(total !== undefined ? { total } : {}) };
      },
    );

    app.put(
      `/v1/${k.path}/:id`,
      {
        config: { permission: k.write },
        schema: {
          tags,
          operationId: `replace${k.one}`,
          summary:
            k.kind === 'identity'
              ? 'Replace an identity (send If-Match with its ETag); 202: the change adds power and waits for approval'
              : k.kind === 'authorisation'
                ? 'Replace an authorisation (send If-Match); its status, dates and conditions change only by a transition'
                : `Replace a ${k.kind} (send If-Match with its ETag)`,
          params: RecordParams,
          headers: IfMatchHeader,
          body: Input,
          response: { 200: Output, ...(k.kind === 'identity' ? { 202: IdentityChangeRequestSchema } : {}), '4xx': ProblemResponse },
        },
      },
      async (req, reply) => {
        const { id } = req.params;
        const version = requireIfMatch(req);
        const out = await inventory.update(actorOf(req), k.kind, id, stripMeta(req.body), version);
        if ('held' in out) return reply.code(202).header('location', `/v1/changes/${out.held.id}`).send(out.held);
        return reply.header('etag', etag(out.applied.version)).send(present(out.applied));
      },
    );
  }

  // Counts for the console's overview (InventorySummarySchema).
  const tally = (values: readonly string[], rows: readonly GroupCount[], column: string) => {
    const out: Record<string, number> = Object.fromEntries(values.map((v) => [v, 0]));
    for (const r of rows) out[r.values[column]!] = (out[r.values[column]!] ?? 0) + r.n;
    return out;
  };
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  app.get(
    '/v1/inventory/summary',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        operationId: 'getInventorySummary',
        summary: 'Identities counted by function × capability, status, kind and environment; totals of the other records',
        response: {
          200: InventorySummarySchema,
          '4xx': ProblemResponse,
        },
      },
    },
    async () => {
      const c = await inventory.counts();
      const byStatus = tally(IDENTITY_STATUSES, c.identities, 'status');
      const authorisations = tally(AUTHORISATION_STATUSES, c.authorisations, 'status');
      return {
        identities: {
          total: sum(byStatus),
          by_function_capability: Object.fromEntries(
            IDENTITY_FUNCTIONS.map((f) => [
              f,
              tally(
                CAPABILITIES,
                c.identities.filter((r) => r.values.function === f),
                'capability',
              ),
            ]),
          ),
          by_status: byStatus,
          by_kind: tally(IDENTITY_KINDS, c.identities, 'kind'),
          by_environment: tally(ENVIRONMENTS, c.identities, 'environment'),
        },
        authorisations: { total: sum(authorisations), by_status: authorisations },
        entities: { total: c.entities },
        people: { total: c.people },
        vendors: { total: c.vendors },
      };
    },
  );

  app.get(
    '/v1/identities/:id/power',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['identities'],
        operationId: 'getIdentityPower',
        summary: 'An identity’s lawful power now: per scope, each action entitled or lent, whether it is lawful, and the rule that decided',
        params: RecordParams,
        response: { 200: IdentityPowerSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => inventory.power(req.params.id),
  );

  app.post(
    '/v1/identities/:id/status',
    {
      config: { permission: 'identities:status' },
      schema: {
        tags: ['identities'],
        operationId: 'changeIdentityStatus',
        summary: 'Change an identity’s status (suspend, reactivate, revoke, decommission)',
        params: RecordParams,
        headers: IfMatchHeader,
        body: StatusChange,
        response: { 200: IdentityRecord, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const { status, reason } = req.body;
      const stored = await inventory.changeStatus(actorOf(req), id, status, reason, optionalIfMatch(req));
      return reply.header('etag', etag(stored.version)).send(present(stored));
    },
  );
}
