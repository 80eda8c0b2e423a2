// HTTP for control checks, findings, readiness and leaked-secret reports.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static, type TInteger } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CHECKS } from '../core/checks.js';
import type { Severity } from '../core/evidence.js';
import { MandateError } from '../core/errors.js';
import { Enum, Id, MemberStateSchema, Timestamp } from '../core/model.js';
import { actorOf, decodeWalkCursor, encodeCursor } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Items, Nullable, Paged, type Names } from '../http/responses.js';
import { loadCatalogue } from '../state/catalogue.js';
import { FINDING_GROUPS, positionOf, type FindingFilter, type FindingPosition } from './findings.js';
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
  SEVERITIES,
  TrendSchema,
} from './schemas.js';
import type { ComplianceService, RunSummary } from './service.js';

type FindingOut = Awaited<ReturnType<ComplianceService['acknowledge']>>;
const IN_STEP: [Names<Static<typeof FindingSchema>, FindingOut>, Names<Static<typeof RunSummarySchema>, RunSummary>] = [true, true];
void IN_STEP;

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false });
const STATUSES = ['open', 'acknowledged', 'resolved', 'accepted_risk'] as const;

/** The filters GET /v1/findings and GET /v1/findings/groups both take. */
const FindingFilters = {
  status: Type.Optional(Type.String({ maxLength: 100, description: 'comma-separated: open, acknowledged, resolved, accepted_risk' })),
  severity: Type.Optional(Enum(SEVERITIES)),
  check: Type.Optional(Type.String({ maxLength: 100 })),
  owner: Type.Optional(Type.String({ maxLength: 254 })),
  unowned: Type.Optional(Type.Boolean({ description: 'only findings nobody owns' })),
  subject: Type.Optional(Type.String({ maxLength: 300 })),
  entity: Type.Optional(Type.String({ maxLength: 200, description: 'one of its scopes is of this legal entity' })),
  jurisdiction: Type.Optional(MemberStateSchema),
};
type FindingFilterQuery = Partial<Record<Exclude<keyof typeof FindingFilters, 'status' | 'unowned'>, string>> & {
  status?: string;
  unowned?: boolean;
};

function findingFilter(q: FindingFilterQuery): FindingFilter {
  const status = q.status
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = status?.find((s) => !(STATUSES as readonly string[]).includes(s));
  if (bad) throw new MandateError('VALIDATION_FAILED', `status ${bad} is not one of ${STATUSES.join(', ')}`, { field: 'query:status' });
  return {
    ...(status?.length ? { status } : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.check ? { check: q.check } : {}),
    ...(q.owner ? { owner: q.owner } : {}),
    ...(q.unowned ? { unowned: true } : {}),
    ...(q.subject ? { subject: q.subject } : {}),
    ...(q.entity ? { entity: q.entity } : {}),
    ...(q.jurisdiction ? { jurisdiction: q.jurisdiction } : {}),
  };
}

/** The findings list's one order (severity, first seen, id): a cursor names the row a page ended on. */
const FINDINGS_WALK = { sort: 'severity' };
function positionAt(c: { value: string; key?: string }): FindingPosition {
  const m = /^([0-3])\|(.+)$/.exec(c.key ?? '');
  if (!m) throw new MandateError('INVALID_CURSOR', 'cursor is not one this server gave out', { field: 'query:cursor' });
  return { rank: Number(m[1]), first_seen: m[2]!, id: c.value };
}

const FindingGroupsSchema = Type.Object(
  {
    by: Enum(FINDING_GROUPS),
    total: Type.Integer({ description: 'findings in all groups' }),
    items: Type.Array(
      Type.Object({
        key: Nullable(Type.String({ description: 'the check id, severity or owner; null: findings nobody owns' })),
        count: Type.Integer(),
        by_severity: Type.Object(Object.fromEntries(SEVERITIES.map((s) => [s, Type.Integer()])) as Record<Severity, TInteger>),
      }),
    ),
  },
  { title: 'FindingGroups' },
);

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
        summary:
          'Findings, most severe first, then oldest (default: open and acknowledged), a page at a time: pass next_cursor as cursor ' +
          'for the next page. A read: it never runs the checks (POST /v1/checks/run does)',
        querystring: Type.Object(
          {
            ...FindingFilters,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, description: 'default 500' })),
            cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'next_cursor of the previous page' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Paged(FindingSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { limit = 500, cursor, ...filters } = req.query;
      const after = decodeWalkCursor<string>(cursor, 'string', FINDINGS_WALK);
      const items = await compliance.findings({
        ...findingFilter(filters),
        limit: limit + 1,
        ...(after ? { after: positionAt(after) } : {}),
      });
      const page = items.slice(0, limit);
      const last = page[page.length - 1];
      const p = last && positionOf(last);
      return {
        items: page,
        next_cursor: items.length > limit && p ? encodeCursor(p.id, { ...FINDINGS_WALK, key: `${p.rank}|${p.first_seen}` }) : null,
      };
    },
  );

  app.get(
    '/v1/findings/due',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listFindingsDue',
        summary:
          'Open findings falling due at or after `from` (default: now), soonest first: the next deadlines, without reading ' +
          'every finding (the console overview)',
        querystring: Type.Object(
          {
            from: Type.Optional(Timestamp),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'default 20' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Items(FindingSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => ({ items: await compliance.findingsDue(req.query.from, req.query.limit ?? 20) }),
  );

  app.get(
    '/v1/findings/groups',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'groupFindings',
        summary:
          'How many findings each check, severity or owner has (with how many of each severity), under the same filters as ' +
          'GET /v1/findings: the groups with the most severe findings first',
        querystring: Type.Object({ by: Enum(FINDING_GROUPS), ...FindingFilters }, { additionalProperties: false }),
        response: { 200: FindingGroupsSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { by, ...filters } = req.query;
      const items = await compliance.findingGroups(by, findingFilter(filters));
      return { by, total: items.reduce((n, g) => n + g.count, 0), items };
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
