// HTTP for just-in-time access requests, the exceptions register and break-glass activations.
// Each request is also an approval (decided at /v1/approvals/{id}/approve|reject).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MandateError } from '../core/errors.js';
import { AccessRequestInput, ExceptionInput, UnsealInput } from '../core/grants.js';
import { Enum, Id } from '../core/model.js';
import { ProblemResponse } from '../http/problem.js';
import { Items, type Names } from '../http/responses.js';
import type { GrantEntry } from '../state/grants.js';
import { AccessRequestSchema, ActivationSchema, ExceptionSchema, GrantEntrySchema } from './schemas.js';
import type { AccessRequest, BreakGlassActivation, GrantsService, PolicyException, Requester } from './service.js';

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500 }));
const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
const Notes = Type.Object({ notes: Type.String({ minLength: 1, maxLength: 5000 }) }, { additionalProperties: false });

function requester(req: FastifyRequest): Requester {
  if (req.workload) return { type: 'identity', id: req.workload.identity };
  return { type: 'user', user: req.principal!.user, roles: req.principal!.roles };
}
function person(req: FastifyRequest): Requester & { type: 'user' } {
  return { type: 'user', user: req.principal!.user, roles: req.principal!.roles };
}

const IN_STEP: [
  Names<Static<typeof AccessRequestSchema>, AccessRequest>,
  Names<Static<typeof ExceptionSchema>, PolicyException>,
  Names<Static<typeof ActivationSchema>, BreakGlassActivation>,
  Names<Static<typeof GrantEntrySchema>, GrantEntry>,
] = [true, true, true, true];
void IN_STEP;

export function registerGrantRoutes(fastify: FastifyInstance, grants: GrantsService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // ---- just-in-time access
  app.post(
    '/v1/access-requests',
    {
      // A person (the identity's owner, or a holder of access:request) or the identity itself, with its Mandate token.
      config: { permission: 'approvals:read', workload: true },
      schema: {
        tags: ['access'],
        operationId: 'requestAccess',
        summary: 'Ask for scoped, time-bound access for an identity (an approval request)',
        body: AccessRequestInput,
        response: { 201: AccessRequestSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await grants.requestAccess(requester(req), req.body)),
  );

  app.get(
    '/v1/access-requests',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags: ['access'],
        operationId: 'listAccessRequests',
        summary: 'Access requests, newest first',
        querystring: Type.Object(
          {
            identity: Type.Optional(Id),
            status: Type.Optional(Enum(['pending', 'active', 'rejected', 'expired', 'ended', 'cancelled'] as const)),
            limit: Limit,
          },
          { additionalProperties: false },
        ),
        response: { 200: Items(AccessRequestSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      return { items: await grants.listAccessRequests({ ...q, limit: q.limit ?? 50 }) };
    },
  );

  app.get(
    '/v1/access-requests/:id',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags: ['access'],
        operationId: 'getAccessRequest',
        summary: 'One access request',
        params: IdParam,
        response: { 200: AccessRequestSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const r = await grants.getAccessRequest(id);
      if (!r) throw new MandateError('NOT_FOUND', `no access request ${id}`);
      return r;
    },
  );

  app.post(
    '/v1/access-requests/:id/revoke',
    {
      config: { permission: 'identities:status' },
      schema: {
        tags: ['access'],
        operationId: 'revokeAccessRequest',
        summary: 'End an active grant now, or withdraw a pending request',
        params: IdParam,
        body: Reason,
        response: { 200: AccessRequestSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => grants.revokeAccess(requester(req), req.params.id, req.body.reason),
  );

  app.get(
    '/v1/identities/:id/grants',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['access'],
        operationId: 'listIdentityGrants',
        summary: 'What an identity holds beyond its entitlement right now: grants, exceptions, break-glass activations',
        params: IdParam,
        response: { 200: Items(GrantEntrySchema), '4xx': ProblemResponse },
      },
    },
    async (req) => ({ items: await grants.active(req.params.id) }),
  );

  // ---- exceptions
  app.post(
    '/v1/exceptions',
    {
      config: { permission: 'exceptions:write' },
      schema: {
        tags: ['exceptions'],
        operationId: 'createException',
        summary: 'Register a documented policy exception (an approval request)',
        body: ExceptionInput,
        response: { 201: ExceptionSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await grants.registerException(person(req), req.body)),
  );

  app.get(
    '/v1/exceptions',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['exceptions'],
        operationId: 'listExceptions',
        summary: 'The exceptions register, newest first',
        querystring: Type.Object(
          {
            identity: Type.Optional(Id),
            status: Type.Optional(Enum(['pending', 'active', 'rejected', 'expired', 'closed', 'revoked', 'cancelled'] as const)),
            limit: Limit,
          },
          { additionalProperties: false },
        ),
        response: { 200: Items(ExceptionSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      return { items: await grants.listExceptions({ ...q, limit: q.limit ?? 50 }) };
    },
  );

  app.get(
    '/v1/exceptions/:id',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['exceptions'],
        operationId: 'getException',
        summary: 'One exception',
        params: IdParam,
        response: { 200: ExceptionSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const e = await grants.getException(id);
      if (!e) throw new MandateError('NOT_FOUND', `no exception ${id}`);
      return e;
    },
  );

  app.post(
    '/v1/exceptions/:id/close',
    {
      config: { permission: 'exceptions:write' },
      schema: {
        tags: ['exceptions'],
        operationId: 'closeException',
        summary: 'Close an exception (ends it if it still applies)',
        params: IdParam,
        body: Notes,
        response: { 200: ExceptionSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => grants.closeException(person(req), req.params.id, req.body.notes),
  );

  // ---- break-glass
  app.post(
    '/v1/break-glass/:id/unseal',
    {
      // Unsealing (asked for, or on the emergency path) is an act of power: a signed-in person steps up first.
      config: { permission: 'breakglass:unseal', stepUp: true },
      schema: {
        tags: ['break-glass'],
        operationId: 'unsealBreakGlass',
        summary: 'Ask to unseal a break-glass identity, or take the emergency path',
        params: IdParam,
        body: UnsealInput,
        response: { 201: ActivationSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await grants.unseal(person(req), req.params.id, req.body)),
  );

  app.get(
    '/v1/break-glass/activations',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['break-glass'],
        operationId: 'listBreakGlassActivations',
        summary: 'Break-glass activations, newest first',
        querystring: Type.Object(
          { identity: Type.Optional(Id), review: Type.Optional(Enum(['open', 'done', 'none'] as const)), limit: Limit },
          { additionalProperties: false },
        ),
        response: { 200: Items(ActivationSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      return { items: await grants.listActivations({ ...q, limit: q.limit ?? 50 }) };
    },
  );

  app.get(
    '/v1/break-glass/activations/:id',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['break-glass'],
        operationId: 'getBreakGlassActivation',
        summary: 'One activation',
        params: IdParam,
        response: { 200: ActivationSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const a = await grants.getActivation(id);
      if (!a) throw new MandateError('NOT_FOUND', `no break-glass activation ${id}`);
      return a;
    },
  );

  app.post(
    '/v1/break-glass/activations/:id/seal',
    {
      config: { permission: 'breakglass:unseal' },
      schema: {
        tags: ['break-glass'],
        operationId: 'sealBreakGlassActivation',
        summary: 'Seal again before the window ends',
        params: IdParam,
        body: Reason,
        response: { 200: ActivationSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => grants.seal(person(req), req.params.id, req.body.reason),
  );

  app.post(
    '/v1/break-glass/activations/:id/review',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags: ['break-glass'],
        operationId: 'reviewBreakGlassActivation',
        summary: 'Close the post-incident review (an approver, compliance officer or admin other than who unsealed)',
        params: IdParam,
        body: Notes,
        response: { 200: ActivationSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => grants.review(person(req), req.params.id, req.body.notes),
  );
}
