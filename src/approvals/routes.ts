// HTTP for the approval engine: the inbox, one request, votes, the rules in force, and the change
// requests for policies and lifecycle rules.
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { APPROVAL_KINDS, APPROVAL_STATUSES } from '../core/approvals.js';
import { MandateError } from '../core/errors.js';
import { Enum } from '../core/model.js';
import { voterOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { ApprovalRuleSchema, ApprovalSchema, ChangeRequestSchema, Items, type Names } from '../http/responses.js';
import type { ChangeRequest, ChangeRequestService } from './changes.js';
import type { Approval, ApprovalEngine } from '../state/approvals.js';

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
const Vote = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false });

const IN_STEP: [Names<Static<typeof ApprovalSchema>, Approval>, Names<Static<typeof ChangeRequestSchema>, ChangeRequest>] = [true, true];
void IN_STEP;

export function registerApprovalRoutes(fastify: FastifyInstance, approvals: ApprovalEngine, changes: ChangeRequestService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['approvals'];
  app.get(
    '/v1/approvals',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags,
        operationId: 'listApprovals',
        summary: 'Approval requests, newest first; mine=pending: the ones you can decide now (your inbox)',
        querystring: Type.Object(
          {
            mine: Type.Optional(Type.Literal('pending')),
            status: Type.Optional(Enum(APPROVAL_STATUSES)),
            kind: Type.Optional(Enum(APPROVAL_KINDS)),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Items(ApprovalSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const p = req.principal!;
      return {
        items: await approvals.list({
          ...(q.status ? { status: q.status } : {}),
          ...(q.kind ? { kind: q.kind } : {}),
          ...(q.mine ? { pendingFor: { user: p.user, roles: p.roles } } : {}),
          limit: q.limit ?? 50,
        }),
      };
    },
  );

  app.get(
    '/v1/approvals/:id',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags,
        operationId: 'getApproval',
        summary: 'One approval request with its votes',
        params: IdParam,
        response: { 200: ApprovalSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const a = await approvals.get(id);
      if (!a) throw new MandateError('NOT_FOUND', `no approval with id ${id}`);
      return a;
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/v1/approvals/:id/${decision}`,
      {
        // Anyone may try: the request's rule says which roles count, and a refused vote is recorded.
        // Approving is an act of power: a signed-in person steps up first (a recent MFA sign-in).
        config: { permission: 'approvals:read', ...(decision === 'approve' ? { stepUp: true as const } : {}) },
        schema: {
          tags,
          operationId: `${decision}Request`,
          summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a request (never your own, nor one about an identity you own)`,
          params: IdParam,
          body: Type.Optional(Vote),
          response: { 200: ApprovalSchema, '4xx': ProblemResponse },
        },
      },
      async (req) => {
        const { id } = req.params;
        return approvals.vote(voterOf(req), id, decision, req.body?.reason);
      },
    );
  }

  app.get(
    '/v1/approval-rules',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags,
        operationId: 'listApprovalRules',
        summary: 'The approval rules in force (the first that matches a request decides)',
        response: { 200: Items(ApprovalRuleSchema), '4xx': ProblemResponse },
      },
    },
    async () => ({ items: [...approvals.rules()] }),
  );

  app.get(
    '/v1/changes/:id',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getChangeRequest',
        summary: 'A policy or lifecycle-rule change request',
        params: IdParam,
        response: { 200: ChangeRequestSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const c = await changes.get(id);
      if (!c) throw new MandateError('NOT_FOUND', `no change request with id ${id}`);
      return c;
    },
  );
}
