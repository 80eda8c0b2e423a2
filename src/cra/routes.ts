// HTTP for the Cyber Resilience Act's Article 14 reports: open one, list and read them with their
// deadlines, record milestones, close one, see the identities that can touch the product and end
// all their tokens in one step. Writes need the permission of regulatory proposals
// (transitions:propose); revoking tokens needs credentials:write, as revoking one identity's does.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Items, type Names } from '../http/responses.js';
import {
  BlastRadiusSchema,
  CraReportSchema,
  MilestoneBody,
  OpenReportBody,
  ReasonBody,
  ReportQuery,
  TokensRevokedSchema,
} from './schemas.js';
import type { CraReport, CraService } from './service.js';

const IN_STEP: Names<Static<typeof CraReportSchema>, CraReport> = true;
void IN_STEP;

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export function registerCraRoutes(fastify: FastifyInstance, cra: CraService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['cra'];

  app.post(
    '/v1/cra/reports',
    {
      config: { permission: 'transitions:propose' },
      schema: {
        tags,
        operationId: 'openCraReport',
        summary: 'Record an actively exploited vulnerability or a severe incident of a product (CRA Art. 14): its clock starts',
        body: OpenReportBody,
        response: { 201: CraReportSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await cra.open(actorOf(req), req.body)),
  );

  app.get(
    '/v1/cra/reports',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listCraReports',
        summary: 'CRA Art. 14 reports with their deadlines, newest awareness first',
        querystring: ReportQuery,
        response: { 200: Items(CraReportSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => ({ items: await cra.list(req.query) }),
  );

  app.get(
    '/v1/cra/reports/:id',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getCraReport',
        summary: 'One CRA Art. 14 report with its deadlines as they stand now',
        params: IdParam,
        response: { 200: CraReportSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => cra.get(req.params.id),
  );

  app.post(
    '/v1/cra/reports/:id/milestones',
    {
      config: { permission: 'transitions:propose' },
      schema: {
        tags,
        operationId: 'recordCraMilestone',
        summary: 'Record an early warning, a notification, a corrective measure or the final report',
        params: IdParam,
        body: MilestoneBody,
        response: { 200: CraReportSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => cra.recordMilestone(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/v1/cra/reports/:id/close',
    {
      config: { permission: 'transitions:propose' },
      schema: {
        tags,
        operationId: 'closeCraReport',
        summary: 'Close a CRA Art. 14 report; deadlines not missed by then are no longer required',
        params: IdParam,
        body: ReasonBody,
        response: { 200: CraReportSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => cra.close(actorOf(req), req.params.id, req.body.reason),
  );

  app.get(
    '/v1/cra/reports/:id/blast-radius',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getCraBlastRadius',
        summary: 'The identities that can touch the report’s product (its product scopes), with counts',
        params: IdParam,
        response: { 200: BlastRadiusSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => cra.blastRadius(req.params.id),
  );

  app.post(
    '/v1/cra/reports/:id/revoke-tokens',
    {
      config: { permission: 'credentials:write' },
      schema: {
        tags,
        operationId: 'revokeCraProductTokens',
        summary: 'Revoke every token of every identity that can touch the report’s product, in one step',
        params: IdParam,
        body: ReasonBody,
        response: { 200: TokensRevokedSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => cra.revokeTokens(actorOf(req), req.params.id, req.body.reason),
  );
}
