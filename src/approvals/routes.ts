// HTTP for the approval engine: the inbox, one request, votes, the rules in force, and the change
// requests for policies and lifecycle rules.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { APPROVAL_KINDS, APPROVAL_STATUSES } from '../core/approvals.js';
import { MandateError } from '../core/errors.js';
import { Enum } from '../core/model.js';
import { Problem } from '../http/common.js';
import type { ChangeRequests } from './changes.js';
import type { ApprovalEngine } from '../state/approvals.js';

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
const Vote = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false });

export function registerApprovalRoutes(app: FastifyInstance, approvals: ApprovalEngine, changes: ChangeRequests): void {
  const tags = ['approvals'];
  app.get('/v1/approvals', {
    config: { permission: 'approvals:read' },
    schema: {
      tags, summary: 'Approval requests, newest first; mine=pending: the ones you can decide now (your inbox)',
      querystring: Type.Object({
        mine: Type.Optional(Type.Literal('pending')),
        status: Type.Optional(Enum(APPROVAL_STATUSES)),
        kind: Type.Optional(Enum(APPROVAL_KINDS)),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
      }, { additionalProperties: false }),
      response: { '4xx': Problem },
    },
  }, async (req) => {
    const q = req.query as { mine?: 'pending'; status?: (typeof APPROVAL_STATUSES)[number]; kind?: (typeof APPROVAL_KINDS)[number]; limit?: number };
    const p = req.principal!;
    return { items: await approvals.list({ ...(q.status ? { status: q.status } : {}), ...(q.kind ? { kind: q.kind } : {}), ...(q.mine ? { pendingFor: { user: p.user, roles: p.roles } } : {}), limit: q.limit ?? 50 }) };
  });

  app.get('/v1/approvals/:id', { config: { permission: 'approvals:read' }, schema: { tags, summary: 'One approval request with its votes', params: IdParam, response: { '4xx': Problem } } }, async (req) => {
    const { id } = req.params as { id: string };
    const a = await approvals.get(id);
    if (!a) throw new MandateError('NOT_FOUND', `no approval with id ${id}`);
    return a;
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/v1/approvals/:id/${decision}`, {
      // Anyone may try: the request's rule says which roles count, and a refused vote is recorded.
      config: { permission: 'approvals:read' },
      schema: { tags, summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a request (never your own, nor one about an identity you own)`, params: IdParam, body: Type.Optional(Vote), response: { '4xx': Problem } },
    }, async (req) => {
      const { id } = req.params as { id: string };
      const p = req.principal!;
      return approvals.vote({ user: p.user, roles: p.roles }, id, decision, (req.body as { reason?: string } | undefined)?.reason);
    });
  }

  app.get('/v1/approval-rules', { config: { permission: 'approvals:read' }, schema: { tags, summary: 'The approval rules in force (the first that matches a request decides)', response: { '4xx': Problem } } }, async () => ({ items: approvals.rules() }));

  app.get('/v1/changes/:id', { config: { permission: 'inventory:read' }, schema: { tags, summary: 'A policy or lifecycle-rule change request', params: IdParam, response: { '4xx': Problem } } }, async (req) => {
    const { id } = req.params as { id: string };
    const c = await changes.get(id);
    if (!c) throw new MandateError('NOT_FOUND', `no change request with id ${id}`);
    return c;
  });
}
