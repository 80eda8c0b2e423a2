// The outbox over HTTP: what was delivered to which system, and the failures that need a person.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Enum } from '../core/model.js';
import { Problem } from '../http/common.js';
import type { OutboxDeliverer } from './deliverer.js';

export function registerOutboxRoutes(app: FastifyInstance, outbox: OutboxDeliverer): void {
  app.get('/v1/outbox', {
    config: { permission: 'inventory:read' },
    schema: {
      tags: ['outbox'],
      summary: 'Connector deliveries; status=failed lists the open problems',
      querystring: Type.Object({ status: Type.Optional(Enum(['pending', 'in_flight', 'delivered', 'failed', 'manual'] as const)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false }),
      response: { '4xx': Problem },
    },
  }, async (req) => {
    const q = req.query as { status?: string; limit?: number };
    return { counts: await outbox.counts(), items: await outbox.list(q.status, q.limit ?? 50) };
  });
  app.post('/v1/outbox/:id/retry', {
    config: { permission: 'outbox:retry' },
    schema: { tags: ['outbox'], summary: 'Retry a failed delivery', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) }), response: { '4xx': Problem } },
  }, async (req) => outbox.retry(`user:${req.principal!.user}`, (req.params as { id: string }).id));
}
