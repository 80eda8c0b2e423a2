// HTTP for discovery: configured sources (never showing their secrets), runs, and the accounts a
// run found, which people adopt into the inventory or dismiss (docs/discovery.md, "API and CLI").
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MandateError } from '../core/errors.js';
import { Email, Enum, Id, Labels, Scope, Text } from '../core/model.js';
import { ENVIRONMENTS, IDENTITY_FUNCTIONS } from '../core/vocabulary.js';
import { actorOf, decodeCursor, DEFAULT_PAGE, encodeCursor, PageQuery } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Items, Paged, type Names } from '../http/responses.js';
import { AccountSchema, AdoptedSchema, AdoptHeldSchema, type ObservedAccountSchema, RunSchema, SourceSchema } from './schemas.js';
import { ACCOUNT_STATES, DISMISS_REASONS, type AccountView, type DiscoveryService, type RunView, type SourceView } from './service.js';
import type { ObservedAccount } from '../core/discovery.js';

const IN_STEP: [
  Names<Static<typeof AccountSchema>, AccountView>,
  Names<Static<typeof SourceSchema>, SourceView>,
  Names<Static<typeof RunSchema>, RunView>,
  Names<Static<typeof ObservedAccountSchema>, ObservedAccount>,
] = [true, true, true, true];
void IN_STEP;

const NewSourceBody = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    kind: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'postgres, mariadb, redis, rabbitmq, nats, kubernetes, aws_iam or github',
    }),
    options: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
        maxProperties: 50,
        description: 'kind-specific; secrets (passwords, URLs with credentials) are sealed and never shown again',
      }),
    ),
    path: Type.Optional(Type.String({ maxLength: 1000 })),
    covers: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
    environment: Type.Optional(Enum(ENVIRONMENTS)),
    every: Type.Optional(
      Type.String({ maxLength: 20, description: 'run on a schedule: whole seconds or a span like 15m or 1h (at least 60 s)' }),
    ),
  },
  { additionalProperties: false },
);

const SourceParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
const KeyParam = Type.Object({ key: Type.String({ minLength: 1, maxLength: 700 }) }, { additionalProperties: false });

const DismissBody = Type.Object(
  {
    reason: Enum(DISMISS_REASONS),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const AdoptBody = Type.Object(
  {
    id: Type.Optional(Id),
    owner: Email,
    purpose: Text,
    function: Enum(IDENTITY_FUNCTIONS),
    // An active identity acts for at least one scope (entity, service, member state): discovery cannot tell which.
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 500 }),
    environment: Type.Optional(Enum(ENVIRONMENTS)),
    labels: Type.Optional(Labels),
  },
  { additionalProperties: false },
);

export function registerDiscoveryRoutes(fastify: FastifyInstance, discovery: DiscoveryService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['discovery'];

  app.post(
    '/v1/discovery/sources',
    {
      config: { permission: 'identities:write' },
      schema: {
        tags,
        operationId: 'createDiscoverySource',
        summary: 'Add a discovery source; its secrets are sealed under the server key and never shown again',
        body: NewSourceBody,
        response: { 201: SourceSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const source = await discovery.addSource(actorOf(req), req.body);
      return reply
        .code(201)
        .header('location', `/v1/discovery/sources/${encodeURIComponent(source.id)}`)
        .send(source);
    },
  );

  app.get(
    '/v1/discovery/sources',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listDiscoverySources',
        summary: 'Discovery sources with their last run (secrets shown as ***)',
        response: { 200: Items(SourceSchema), '4xx': ProblemResponse },
      },
    },
    async () => ({ items: await discovery.listSources() }),
  );

  app.post(
    '/v1/discovery/sources/:id/runs',
    {
      config: { permission: 'identities:write' },
      schema: {
        tags,
        operationId: 'runDiscoverySource',
        summary:
          'Read the source now and reconcile it with the inventory; answers when the run ends (status failed, with its redacted cause, ' +
          'when the source cannot be read)',
        params: SourceParam,
        response: { 200: RunSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const run = await discovery.run(actorOf(req), id);
      return reply.code(200).header('location', `/v1/discovery/runs/${run.id}`).send(run);
    },
  );

  app.get(
    '/v1/discovery/runs/:id',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getDiscoveryRun',
        summary: 'One discovery run',
        params: SourceParam,
        response: { 200: RunSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const run = await discovery.getRun(id);
      if (!run) throw new MandateError('NOT_FOUND', `no discovery run with id ${id}`);
      return run;
    },
  );

  app.get(
    '/v1/discovery/accounts',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listDiscoveredAccounts',
        summary: 'Discovered accounts in key order, by source, state and the identity they were matched to',
        querystring: Type.Object(
          {
            source: Type.Optional(Type.String({ maxLength: 128 })),
            state: Type.Optional(Enum(ACCOUNT_STATES)),
            identity: Type.Optional(Type.String({ maxLength: 128 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Paged(AccountSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? DEFAULT_PAGE;
      const after = decodeCursor<string>(q.cursor, 'string');
      const rows = await discovery.accounts({
        ...(q.source ? { source: q.source } : {}),
        ...(q.state ? { state: q.state } : {}),
        ...(q.identity ? { identity: q.identity } : {}),
        ...(after !== undefined ? { after } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return { items: page, next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.key) : null };
    },
  );

  app.get(
    '/v1/discovery/accounts/:key',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getDiscoveredAccount',
        summary: 'One discovered account',
        params: KeyParam,
        response: { 200: AccountSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => discovery.account(req.params.key),
  );

  app.post(
    '/v1/discovery/accounts/:key/dismiss',
    {
      config: { permission: 'identities:write' },
      schema: {
        tags,
        operationId: 'dismissDiscoveredAccount',
        summary: 'Dismiss a discovered account, with the reason (recorded)',
        params: KeyParam,
        body: DismissBody,
        response: { 200: AccountSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => discovery.dismiss(actorOf(req), req.params.key, req.body),
  );

  app.post(
    '/v1/discovery/accounts/:key/adopt',
    {
      config: { permission: 'identities:write' },
      schema: {
        tags,
        operationId: 'adoptDiscoveredAccount',
        summary:
          'Adopt an unmanaged account into the inventory (201 created; 202: it has power and waits for approval, the change request is ' +
          'answered)',
        params: KeyParam,
        body: AdoptBody,
        response: { 201: AdoptedSchema, 202: AdoptHeldSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const { outcome, account } = await discovery.adopt(actorOf(req), req.params.key, req.body);
      if ('held' in outcome)
        return reply
          .code(202)
          .header('location', `/v1/changes/${outcome.held.id}`)
          .send({ ...outcome.held, account });
      const s = outcome.applied;
      return reply
        .code(201)
        .header('location', `/v1/identities/${s.record.id}`)
        .send({ identity: { ...s.record, version: s.version, created_at: s.created_at, updated_at: s.updated_at }, account });
    },
  );
}
