// Users and API tokens (admins only), and /v1/me for anyone signed in.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MandateError } from '../core/errors.js';
import { PERMISSIONS, rolesAllow } from '../core/roles.js';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Items, type Names } from '../http/responses.js';
import { CreatedToken, IdParam, Me, RevokeBody, TokenOut, UserOut } from './schemas.js';
import { NewUser, OwnToken, type TokenInfo, type User, type UsersService } from './service.js';

const IN_STEP: [Names<Static<typeof UserOut>, User>, Names<Static<typeof TokenOut>, TokenInfo>] = [true, true];
void IN_STEP;

export function registerUserRoutes(fastify: FastifyInstance, access: UsersService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/v1/me',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['access'],
        operationId: 'getMe',
        summary: 'Who am I, and what my roles let me do',
        response: { 200: Me, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { user, roles } = req.principal!;
      const name = (await access.getUser(user))?.name;
      // A client (the console) shows or hides what the caller may do; the server still checks each call.
      const permissions = PERMISSIONS.filter((p) => rolesAllow(roles, p));
      return { user, ...(name ? { name } : {}), roles, permissions };
    },
  );

  app.post(
    '/v1/users',
    {
      config: { permission: 'users:admin' },
      schema: {
        tags: ['access'],
        operationId: 'createUser',
        summary: 'Create a user with roles',
        body: NewUser,
        response: { 201: UserOut, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await access.createUser(actorOf(req), req.body)),
  );

  app.get(
    '/v1/users',
    {
      config: { permission: 'users:admin' },
      schema: {
        tags: ['access'],
        operationId: 'listUsers',
        summary: 'List users',
        response: { 200: Items(UserOut), '4xx': ProblemResponse },
      },
    },
    async () => ({ items: await access.listUsers() }),
  );

  app.post(
    '/v1/users/:id/tokens',
    {
      // Your own token only, signed in and stepped up (the bootstrap admin for itself): no one mints one for another person.
      config: { permission: 'inventory:read', stepUp: true },
      schema: {
        tags: ['access'],
        operationId: 'createUserToken',
        summary: 'Create your own API token (signed in; it expires, 90 days by default); the token is in this answer only',
        params: IdParam,
        body: Type.Optional(OwnToken),
        response: { 201: CreatedToken, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const p = req.principal!;
      // The body is optional: absent, the token has no label and the default lifetime.
      const body: OwnToken | undefined = req.body;
      const created = await access.createOwnToken(
        { user: p.user, signedIn: p.session !== undefined, ...(p.kind ? { kind: p.kind } : {}) },
        id,
        body ?? {},
      );
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.get(
    '/v1/users/:id/tokens',
    {
      config: { permission: 'users:admin' },
      schema: {
        tags: ['access'],
        operationId: 'listUserTokens',
        summary: 'List a user’s tokens (never their values)',
        params: IdParam,
        response: { 200: Items(TokenOut), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      if (!(await access.getUser(id))) throw new MandateError('NOT_FOUND', `no user with id ${id}`);
      return { items: await access.listTokens(id) };
    },
  );

  app.post(
    '/v1/tokens/:id/revoke',
    {
      config: { permission: 'users:admin' },
      schema: {
        tags: ['access'],
        operationId: 'revokeApiToken',
        summary: 'Revoke an API token',
        params: IdParam,
        body: Type.Optional(RevokeBody),
        response: { 200: TokenOut, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const body: Static<typeof RevokeBody> | undefined = req.body;
      return access.revokeToken(actorOf(req), id, body?.reason);
    },
  );
}
