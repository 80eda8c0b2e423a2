// The outbox over HTTP: what was delivered to which system, and the failures that need a person.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Enum } from '../core/model.js';
import { ProblemResponse } from '../http/problem.js';
import { Nullable } from '../http/responses.js';
import type { OutboxDeliverer } from './deliverer.js';

const STATUSES = ['pending', 'in_flight', 'delivered', 'failed', 'manual', 'held', 'dropped'] as const;
/** A delivery as the outbox keeps it (deliverer.ts `OutboxRow`); open, so a column added later is not dropped. */
const OutboxRowSchema = Type.Object(
  {
    id: Type.String(),
    created_at: Type.String(),
    channel: Type.String(),
    action: Enum(['disable', 'enable', 'notify'] as const),
    target: Type.String(),
    identity_id: Type.String(),
    transition_id: Nullable(Type.String()),
    reason: Type.String(),
    status: Enum(STATUSES),
    attempts: Type.Integer(),
    next_attempt_at: Type.String(),
    last_error: Nullable(Type.String()),
    delivered_at: Nullable(Type.String()),
    detail: Nullable(Type.String()),
    payload: Nullable(Type.String()),
    verified_at: Type.Optional(Nullable(Type.String({ description: 'when discovery read the system after this delivery' }))),
  },
  { title: 'OutboxDelivery', additionalProperties: true },
);

export function registerOutboxRoutes(fastify: FastifyInstance, outbox: OutboxDeliverer): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/v1/outbox',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['outbox'],
        operationId: 'listOutbox',
        summary: 'Connector deliveries; status=failed lists the open problems',
        querystring: Type.Object(
          { status: Type.Optional(Enum(STATUSES)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              counts: Type.Record(Type.String(), Type.Integer(), { description: 'deliveries by status' }),
              items: Type.Array(OutboxRowSchema),
            },
            { title: 'Outbox' },
          ),
          '4xx': ProblemResponse,
        },
      },
    },
    async (req) => {
      const q = req.query;
      return { counts: await outbox.counts(), items: await outbox.list(q.status, q.limit ?? 50) };
    },
  );
  app.post(
    '/v1/outbox/:id/retry',
    {
      config: { permission: 'outbox:retry' },
      schema: {
        tags: ['outbox'],
        operationId: 'retryOutboxDelivery',
        summary: 'Retry a failed delivery',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) }),
        response: { 200: OutboxRowSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => outbox.retry(`user:${req.principal!.user}`, req.params.id),
  );
}
