// HTTP for control checks, findings, readiness and leaked-secret reports.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CHECKS } from '../core/checks.js';
import { MandateError } from '../core/errors.js';
import { Enum, Id, MemberStateSchema, Timestamp } from '../core/model.js';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Items, type Names } from '../http/responses.js';
import { loadCatalogue } from '../state/catalogue.js';
import type { LeakService } from './leaks.js';
import {
  CatalogueSchema,
  CheckSchema,
  FindingSchema,
  LagSchema,
  LeakIngestSchema,
  LeakSchema,
  ReadinessSchema,
  RunSummarySchema,
  TrendSchema,
} from './schemas.js';
import type { ComplianceService, RunSummary } from './service.js';

type FindingOut = Awaited<ReturnType<ComplianceService['acknowledge']>>;
const IN_STEP: [Names<Static<typeof FindingSchema>, FindingOut>, Names<Static<typeof RunSummarySchema>, RunSummary>] = [true, true];
void IN_STEP;

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false });
const STATUSES = ['open', 'acknowledged', 'resolved', 'accepted_risk'] as const;

export function registerComplianceRoutes(fastify: FastifyInstance, compliance: ComplianceService, leaks: LeakService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['compliance'];
  app.get(
    '/v1/controls',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getControlCatalogue',
        summary: 'The control catalogue (controls/catalogue.yaml)',
        response: { 200: CatalogueSchema, '4xx': ProblemResponse },
      },
    },
    async () => loadCatalogue(),
  );

  app.get(
    '/v1/checks',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listChecks',
        summary: 'The automated checks and the controls each evidences',
        response: { 200: Items(CheckSchema), '4xx': ProblemResponse },
      },
    },
    async () => ({
      items: CHECKS.map((c) => ({
        id: c.id,
        title: c.title,
        description: c.description,
        severity: c.severity,
        controls: c.controls,
        accepted_by: c.accepted_by ?? [],
      })),
    }),
  );

  app.post(
    '/v1/checks/run',
    {
      config: { permission: 'compliance:manage' },
      schema: {
        tags,
        operationId: 'runChecks',
        summary: 'Run every check now (they also run on a schedule and after changes)',
        response: { 200: RunSummarySchema, '4xx': ProblemResponse },
      },
    },
    async () => compliance.run('manual'),
  );

  app.get(
    '/v1/checks/runs',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listCheckRuns',
        summary: 'Check runs, newest first',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false }),
        response: { 200: Items(RunSummarySchema), '4xx': ProblemResponse },
      },
    },
    async (req) => ({ items: await compliance.runs(req.query.limit ?? 20) }),
  );

  app.get(
    '/v1/findings',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listFindings',
        summary: 'Findings, most severe first (default: open and acknowledged); fresh=true runs the checks first',
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.String({ maxLength: 100, description: 'comma-separated: open, acknowledged, resolved, accepted_risk' }),
            ),
            severity: Type.Optional(Enum(['low', 'medium', 'high', 'critical'] as const)),
            check: Type.Optional(Type.String({ maxLength: 100 })),
            owner: Type.Optional(Type.String({ maxLength: 254 })),
            subject: Type.Optional(Type.String({ maxLength: 300 })),
            fresh: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Items(FindingSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const status = q.status
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = status?.find((s) => !(STATUSES as readonly string[]).includes(s));
      if (bad) throw new MandateError('VALIDATION_FAILED', `status ${bad} is not one of ${STATUSES.join(', ')}`, { field: 'query:status' });
      if (q.fresh) await compliance.run('on read');
      return {
        items: await compliance.findings({
          ...(status ? { status } : {}),
          ...(q.severity ? { severity: q.severity } : {}),
          ...(q.check ? { check: q.check } : {}),
          ...(q.owner ? { owner: q.owner } : {}),
          ...(q.subject ? { subject: q.subject } : {}),
          limit: q.limit ?? 500,
        }),
      };
    },
  );

  app.get(
    '/v1/findings/:id',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getFinding',
        summary: 'One finding with its lifecycle',
        params: IdParam,
        response: { 200: FindingSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const f = await compliance.finding(req.params.id);
      if (!f) throw new MandateError('NOT_FOUND', `no finding ${req.params.id}`);
      return f;
    },
  );

  app.post(
    '/v1/findings/:id/acknowledge',
    {
      config: { permission: 'compliance:manage' },
      schema: {
        tags,
        operationId: 'acknowledgeFinding',
        summary: 'Acknowledge an open finding (it stays until its cause is gone)',
        params: IdParam,
        body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: FindingSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => compliance.acknowledge(req.principal!.user, req.params.id, req.body.note),
  );

  app.get(
    '/v1/findings-lag',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getFindingsLag',
        summary: 'Remediation lag: how long findings stayed open, by severity',
        response: { 200: LagSchema, '4xx': ProblemResponse },
      },
    },
    async () => compliance.lag(),
  );

  app.get(
    '/v1/readiness',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getReadiness',
        summary:
          'Readiness per entity × member state × service: score, blocking findings, owners to chase, deadlines (as_of: from the run at ' +
          'or before that time)',
        querystring: Type.Object(
          {
            entity: Type.Optional(Id),
            jurisdiction: Type.Optional(MemberStateSchema),
            as_of: Type.Optional(Timestamp),
            brief: Type.Optional(
              Type.Boolean({
                description: 'scores and counts only: no blocking findings, owners or finding deadlines (the console overview)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: ReadinessSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      return compliance.readiness({
        ...(q.entity ? { entity: q.entity } : {}),
        ...(q.jurisdiction ? { jurisdiction: q.jurisdiction } : {}),
        ...(q.as_of ? { asOf: q.as_of } : {}),
        ...(q.brief ? { brief: true } : {}),
      });
    },
  );

  app.get(
    '/v1/readiness/trend',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getReadinessTrend',
        summary: 'Mean readiness of one entity and member state at each run',
        querystring: Type.Object({ entity: Id, jurisdiction: MemberStateSchema }, { additionalProperties: false }),
        response: { 200: TrendSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      return { items: await compliance.trend(q.entity, q.jurisdiction) };
    },
  );

  app.post(
    '/v1/leaks',
    {
      config: { permission: 'compliance:manage' },
      schema: {
        tags,
        operationId: 'reportLeaks',
        summary: 'Ingest a scanner report (gitleaks JSON or trufflehog JSON lines): fingerprints only, never the secret',
        body: Type.Object(
          { report: Type.String({ minLength: 1, maxLength: 900_000 }), identity: Type.Optional(Id) },
          { additionalProperties: false },
        ),
        response: { 201: LeakIngestSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const b = req.body;
      return reply.code(201).send(await leaks.ingest(actorOf(req), b.report, b.identity));
    },
  );

  app.get(
    '/v1/leaks',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listLeaks',
        summary: 'Leaked secrets reported by scanners',
        querystring: Type.Object({ open: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Items(LeakSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => ({ items: await leaks.list(req.query.open ?? false) }),
  );

  app.post(
    '/v1/leaks/:id/resolve',
    {
      config: { permission: 'compliance:manage' },
      schema: {
        tags,
        operationId: 'resolveLeak',
        summary: 'Mark a leaked secret revoked and rotated',
        params: IdParam,
        body: Type.Object({ notes: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: LeakSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => leaks.resolve(actorOf(req), req.params.id, req.body.notes),
  );
}
