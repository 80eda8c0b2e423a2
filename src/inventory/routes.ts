// HTTP resources for the inventory: entities, people, vendors, authorisations and identities.
// One route factory serves every kind, so they behave alike: create, get (with ETag), list with
// filters and keyset pagination, update with If-Match, and the record's event history.
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MandateError } from '../core/errors.js';
import { Authorisation, Enum, Identity, LegalEntity, Person, Vendor, type RecordKind, type Stored } from '../core/model.js';
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
} from '../core/vocabulary.js';
import {
  actorOf,
  decodeWalkCursor,
  DEFAULT_PAGE,
  encodeCursor,
  etag,
  optionalIfMatch,
  PageQuery,
  Problem,
  requireIfMatch,
} from '../http/common.js';
import { sortValue, TABLES, type GroupCount, type ListFilter } from '../state/records.js';
import type { InventoryService, RecordInput } from './service.js';

const Meta = {
  version: Type.Integer({ readOnly: true, description: 'increases with every change; the ETag' }),
  created_at: Type.String({ readOnly: true }),
  updated_at: Type.String({ readOnly: true }),
};

interface KindRoutes {
  kind: RecordKind;
  path: string;
  schema: TObject;
  write: Permission;
  /** Query filters: equality on a column, or on any of an identity's scopes. */
  filters: Record<string, { schema: TSchema; column?: string; scope?: 'entity' | 'service' | 'jurisdiction' }>;
}

const id = { schema: Type.String({ maxLength: 254 }) };
const scopeFilters = {
  entity: { schema: Type.String({ maxLength: 128 }), scope: 'entity' as const },
  service: { schema: Enum(MICA_SERVICES), scope: 'service' as const },
  jurisdiction: { schema: Enum(MEMBER_STATES), scope: 'jurisdiction' as const },
};

export const KINDS: readonly KindRoutes[] = [
  { kind: 'entity', path: 'entities', schema: LegalEntity, write: 'regulatory:write', filters: {} },
  {
    kind: 'person',
    path: 'people',
    schema: Person,
    write: 'registry:write',
    filters: { status: { schema: Enum(PERSON_STATUSES), column: 'status' } },
  },
  { kind: 'vendor', path: 'vendors', schema: Vendor, write: 'registry:write', filters: {} },
  {
    kind: 'authorisation',
    path: 'authorisations',
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
    kind: 'identity',
    path: 'identities',
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

/** An identity write held for approval because it adds power (docs/approvals.md). */
export const IdentityChangeRequestSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.Literal('identity_change'),
    requester: Type.String(),
    status: Type.String(),
    base_version: Type.Integer({ description: "the identity's version the change applies on top of (0: it creates the identity)" }),
    change: Type.Object({
      identity: Type.Unknown({ description: 'the identity as it will be once approved' }),
      gains: Type.Array(Type.Object({ kind: Type.String(), detail: Type.String() }), { description: 'how the change adds power' }),
      source: Type.String({ description: 'edit, create or import' }),
    }),
    result: Type.Union([Type.Null(), Type.Object({ version: Type.Integer() })]),
    approval: Type.Unknown({ description: 'the approval request: its id is what approvers vote on' }),
    created_at: Type.String(),
  },
  { title: 'IdentityChangeRequest' },
);

/** A stored record as the API shows it: the record with its read-only metadata beside it. */
function present<T extends object>(s: Stored<T>): Record<string, unknown> {
  return { ...s.record, version: s.version, created_at: s.created_at, updated_at: s.updated_at };
}

export function registerInventoryRoutes(app: FastifyInstance, inventory: InventoryService): void {
  for (const k of KINDS) {
    const Output = Type.Composite([k.schema, Type.Object(Meta)], { title: `${k.schema.title}Record` });
    const Input = Type.Composite([k.schema, Type.Partial(Type.Object(Meta))], { additionalProperties: false });
    const tags = [k.path];
    const notFound = (id: string) => new MandateError('NOT_FOUND', `no ${k.kind} with id ${id}`);
    const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 254 }) });
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
          summary: k.kind === 'identity' ? 'Create an identity (202: it would have power, and waits for approval)' : `Create a ${k.kind}`,
          body: Input,
          response: { 201: Output, ...(k.kind === 'identity' ? { 202: IdentityChangeRequestSchema } : {}), '4xx': Problem },
        },
      },
      async (req, reply) => {
        const out = await inventory.create(actorOf(req), k.kind, stripMeta(req.body as Record<string, unknown>));
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
        schema: { tags, summary: `Get a ${k.kind}`, params: Params, response: { 200: Output, '4xx': Problem } },
      },
      async (req, reply) => {
        const { id } = req.params as { id: string };
        const stored = await inventory.get(k.kind, id);
        if (!stored) throw notFound(id);
        return reply.header('etag', etag(stored.version)).send(present(stored));
      },
    );

    // Kinds with sorts (identities) may also be searched, sorted either way and counted.
    const sorts = TABLES[k.kind].sorts;
    const ListQuery = Type.Object(
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
    );
    app.get(
      `/v1/${k.path}`,
      {
        config: { permission: 'inventory:read' },
        schema: {
          tags,
          summary: `List ${k.path}`,
          querystring: ListQuery,
          response: {
            200: Type.Object({
              items: Type.Array(Output),
              next_cursor: Type.Union([Type.String(), Type.Null()]),
              ...(sorts ? { total: Type.Optional(Type.Integer({ description: 'with count=true' })) } : {}),
            }),
            '4xx': Problem,
          },
        },
      },
      async (req) => {
        const q = req.query as Record<string, string | number | boolean | undefined>;
        const filter: ListFilter = { columns: {}, scope: {} };
        for (const [name, f] of Object.entries(k.filters)) {
          if (q[name] === undefined) continue;
          if (f.column) filter.columns[f.column] = q[name] as string;
          if (f.scope) filter.scope![f.scope] = String(q[name]);
        }
        if (q.q !== undefined) filter.search = String(q.q);
        const sort = q.sort === undefined || q.sort === 'id' ? undefined : String(q.sort);
        const walk = { ...(sort ? { sort } : {}), ...(q.order === 'desc' ? { order: 'desc' as const } : {}) };
        const limit = Number(q.limit ?? DEFAULT_PAGE);
        const after = decodeWalkCursor<string>(q.cursor as string | undefined, 'string', walk);
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
          summary:
            k.kind === 'identity'
              ? 'Replace an identity (send If-Match with its ETag); 202: the change adds power and waits for approval'
              : k.kind === 'authorisation'
                ? 'Replace an authorisation (send If-Match); its status, dates and conditions change only by a transition'
                : `Replace a ${k.kind} (send If-Match with its ETag)`,
          params: Params,
          headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) }),
          body: Input,
          response: { 200: Output, ...(k.kind === 'identity' ? { 202: IdentityChangeRequestSchema } : {}), '4xx': Problem },
        },
      },
      async (req, reply) => {
        const { id } = req.params as { id: string };
        const version = requireIfMatch(req);
        const out = await inventory.update(actorOf(req), k.kind, id, stripMeta(req.body as Record<string, unknown>), version);
        if ('held' in out) return reply.code(202).header('location', `/v1/changes/${out.held.id}`).send(out.held);
        return reply.header('etag', etag(out.applied.version)).send(present(out.applied));
      },
    );
  }

  // Counts for the console's overview. Every value of the vocabulary is present (0 when none), so
  // a chart need not know which exist.
  const Counts = (values: readonly string[]) => Type.Object(Object.fromEntries(values.map((v) => [v, Type.Integer()])));
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
        summary: 'Identities counted by function × capability, status, kind and environment; totals of the other records',
        response: {
          200: Type.Object(
            {
              identities: Type.Object({
                total: Type.Integer(),
                by_function_capability: Type.Object(Object.fromEntries(IDENTITY_FUNCTIONS.map((f) => [f, Counts(CAPABILITIES)]))),
                by_status: Counts(IDENTITY_STATUSES),
                by_kind: Counts(IDENTITY_KINDS),
                by_environment: Counts(ENVIRONMENTS),
              }),
              authorisations: Type.Object({ total: Type.Integer(), by_status: Counts(AUTHORISATION_STATUSES) }),
              entities: Type.Object({ total: Type.Integer() }),
              people: Type.Object({ total: Type.Integer() }),
              vendors: Type.Object({ total: Type.Integer() }),
            },
            { title: 'InventorySummary' },
          ),
          '4xx': Problem,
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

  const StatusChange = Type.Object(
    { status: Enum(IDENTITY_STATUSES), reason: Type.String({ minLength: 1, maxLength: 2000 }) },
    { additionalProperties: false },
  );
  const IdentityOutput = Type.Composite([Identity, Type.Object(Meta)]);
  app.post(
    '/v1/identities/:id/status',
    {
      config: { permission: 'identities:status' },
      schema: {
        tags: ['identities'],
        summary: 'Change an identity’s status (suspend, reactivate, revoke, decommission)',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 254 }) }),
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) }),
        body: StatusChange,
        response: { 200: IdentityOutput, '4xx': Problem },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const { status, reason } = req.body as { status: (typeof IDENTITY_STATUSES)[number]; reason: string };
      const stored = await inventory.changeStatus(actorOf(req), id, status, reason, optionalIfMatch(req));
      return reply.header('etag', etag(stored.version)).send(present(stored));
    },
  );
}
