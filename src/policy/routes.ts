// The firm's Cedar policies over HTTP: read, validate, publish a new version, and the schema they
// are validated against.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { ChangeRequestSchema, OpenObject } from '../http/responses.js';
import { cedarSchemaText } from './schema.js';
import type { PolicyService } from './store.js';
import type { ChangeRequestService } from '../approvals/changes.js';

const PolicyText = Type.Object({ text: Type.String({ minLength: 1, maxLength: 512 * 1024 }) }, { additionalProperties: false });
const VersionOut = Type.Object({
  version: Type.Integer(),
  digest: Type.String(),
  ids: Type.Array(Type.String()),
  actor: Type.String(),
  created_at: Type.String(),
  text: Type.String(),
});

export function registerPolicyRoutes(fastify: FastifyInstance, policies: PolicyService, changes: ChangeRequestService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const out = (v: Awaited<ReturnType<PolicyService['current']>>) => ({
    version: v.version,
    digest: v.digest,
    ids: v.policies.map((p) => p.id),
    actor: v.actor,
    created_at: v.created_at,
    text: v.text,
  });

  app.get(
    '/v1/policies',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['policies'],
        operationId: 'getPolicies',
        summary: 'The Cedar policy set in force',
        response: { 200: VersionOut, '4xx': ProblemResponse },
      },
    },
    async (_req, reply) => {
      const v = await policies.current();
      return reply.header('etag', `"${v.version}"`).send(out(v));
    },
  );

  app.post(
    '/v1/policies/validate',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['policies'],
        operationId: 'validatePolicies',
        summary: 'Validate Cedar policies against Mandate’s schema without publishing them',
        body: PolicyText,
        response: { 200: Type.Object({ valid: Type.Boolean(), ids: Type.Array(Type.String()) }), '4xx': ProblemResponse },
      },
    },
    async (req) => ({ valid: true, ids: (await policies.validate(req.body.text)).map((p) => p.id) }),
  );

  app.post(
    '/v1/policies',
    {
      config: { permission: 'policies:write' },
      schema: {
        tags: ['policies'],
        operationId: 'requestPolicyChange',
        summary: 'Ask to publish a new version of the Cedar policies: validated now, published once approved (a change request)',
        body: PolicyText,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ pattern: '^"?[0-9]{1,9}"?$' })) }),
        response: { 202: ChangeRequestSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const m = req.headers['if-match'];
      const expect = typeof m === 'string' ? Number(m.replaceAll('"', '')) : undefined;
      return reply.code(202).send(await changes.requestPolicies(actorOf(req), req.body.text, expect));
    },
  );

  app.get(
    '/v1/policies/schema',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['policies'],
        operationId: 'getPolicySchema',
        summary: 'The Cedar schema policies are validated against (JSON and text)',
        response: { 200: Type.Object({ json: OpenObject(), text: Type.String() }), '4xx': ProblemResponse },
      },
    },
    async () => {
      return { json: await policies.schema(), text: cedarSchemaText(await policies.actions()) };
    },
  );
}
