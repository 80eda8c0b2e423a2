// Users and API tokens (admins only), and /v1/me for anyone signed in.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MandateError } from '../core/errors.js';
import { PERMISSIONS, rolesAllow } from '../core/roles.js';
import { actorOf, Problem } from '../http/common.js';
import { NewUser, OwnToken, type UsersService } from './service.js';

const UserOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  status: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export const TokenOut = Type.Object({
  id: Type.String(),
  user_id: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  expires_at: Type.Union([Type.String(), Type.Null()]),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
});
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export function registerUserRoutes(app: FastifyInstance, access: UsersService): void {
  app.get(
    '/v1/me',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['access'],
        summary: 'Who am I, and what my roles let me do',
        response: {
          200: Type.Object({
            user: Type.String(),
            name: Type.Optional(Type.String()),
            roles: Type.Array(Type.String()),
            permissions: Type.Array(Type.String(), {
              description: "the union of the roles' permissions, in the order core/roles.ts lists them",
            }),
          }),
          '4xx': Problem,
        },
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
      schema: { tags: ['access'], summary: 'Create a user with roles', body: NewUser, response: { 201: UserOut, '4xx': Problem } },
    },
    async (req, reply) => reply.code(201).send(await access.createUser(actorOf(req), req.body as NewUser)),
  );

  app.get(
    '/v1/users',
    {
      config: { permission: 'users:admin' },
      schema: { tags: ['access'], summary: 'List users', response: { 200: Type.Object({ items: Type.Array(UserOut) }), '4xx': Problem } },
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
        summary: 'Create your own API token (signed in; it expires, 90 days by default); the token is in this answer only',
        params: IdParam,
        body: Type.Optional(OwnToken),
        response: { 201: Type.Composite([TokenOut, Type.Object({ token: Type.String() })]), '4xx': Problem },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const p = req.principal!;
      const created = await access.createOwnToken(
        { user: p.user, signedIn: p.session !== undefined, ...(p.kind ? { kind: p.kind } : {}) },
        id,
        (req.body ?? {}) as OwnToken,
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
        summary: 'List a user’s tokens (never their values)',
        params: IdParam,
        response: { 200: Type.Object({ items: Type.Array(TokenOut) }), '4xx': Problem },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
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
        summary: 'Revoke an API token',
        params: IdParam,
        body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })),
        response: { 200: TokenOut, '4xx': Problem },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      return access.revokeToken(actorOf(req), id, (req.body as { reason?: string } | undefined)?.reason);
    },
  );
}
