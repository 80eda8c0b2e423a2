// GET /v1/findings: what needs a person's attention now, most severe first.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Enum } from '../core/model.js';
import { Problem } from '../http/common.js';
import type { FindingsService } from './service.js';

export function registerFindingRoutes(app: FastifyInstance, findings: FindingsService): void {
  app.get('/v1/findings', {
    config: { permission: 'inventory:read' },
    schema: {
      tags: ['findings'], summary: 'Open findings, most severe first (derived from state: fixing the cause closes them)',
      querystring: Type.Object({ rule: Type.Optional(Type.String({ maxLength: 100 })), severity: Type.Optional(Enum(['low', 'medium', 'high', 'critical'] as const)) }, { additionalProperties: false }),
      response: { '4xx': Problem },
    },
  }, async (req) => ({ items: await findings.list(req.query as { rule?: string; severity?: string }) }));
}
