// HTTP for API clients (administrators only): automation's principals, whose roles never approve.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MandateError } from '../core/errors.js';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Items } from '../http/responses.js';
import { NewApiClient, type ApiClientService } from './api-clients.js';
import { TokenOut } from './schemas.js';

const ApiClientOut = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    roles: Type.Array(Type.String()),
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'ApiClient' },
);
const TokenWithSecret = Type.Composite([TokenOut, Type.Object({ token: Type.String({ description: 'in this answer only' }) })]);
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });

export function registerApiClientRoutes(fastify: FastifyInstance, clients: ApiClientService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['access'];

  app.post(
    '/v1/api-clients',
    {
      config: { permission: 'users:admin' },
      schema: {
        tags,
        operationId: 'createApiClient',
        summary: 'Create an API client for automation (roles that never approve); its token is in this answer only',
        body: NewApiClient,
        response: { 201: Type.Composite([ApiClientOut, Type.Object({ token: TokenWithSecret })]), '4xx': ProblemResponse },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .header('cache-control', 'no-store')
        .send(await clients.create(actorOf(req), req.body)),
  );

  app.get(
    '/v1/api-clients',
    {
      config: { permission: 'users:admin' },
      schema: {
        tags,
        operationId: 'listApiClients',
        summary: 'API clients',
        response: { 200: Items(ApiClientOut), '4xx': ProblemResponse },
      },
    },
    async () => ({ items: await clients.list() }),
  );

  app.get(
    '/v1/api-clients/:id',
    {
      config: { permission: 'users:admin' },
      schema: {
        tags,
        operationId: 'getApiClient',
        summary: 'One API client',
        params: IdParam,
        response: { 200: ApiClientOut, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const c = await clients.get(req.params.id);
      if (!c) throw new MandateError('NOT_FOUND', `no API client ${req.params.id}`);
      return c;
    },
  );

  app.post(
    '/v1/api-clients/:id/tokens',
    {
      config: { permission: 'users:admin' },
      schema: {
        tags,
        operationId: 'createApiClientToken',
        summary: 'Another token for an API client (to rotate it); the token is in this answer only',
        params: IdParam,
        body: Type.Optional(
          Type.Object(
            {
              label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              expires_in_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 400 * 24 * 3600 })),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 201: TokenWithSecret, '4xx': ProblemResponse },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .header('cache-control', 'no-store')
        .send(await clients.createToken(actorOf(req), req.params.id, req.body ?? {})),
  );

  app.post(
    '/v1/api-clients/:id/revoke',
    {
      config: { permission: 'users:admin' },
      schema: {
        tags,
        operationId: 'revokeApiClient',
        summary: 'Revoke an API client and every token of its',
        params: IdParam,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: ApiClientOut, '4xx': ProblemResponse },
      },
    },
    async (req) => clients.revoke(actorOf(req), req.params.id, req.body.reason),
  );
}
