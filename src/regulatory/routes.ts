// HTTP for regulatory state: propose / approve / reject / review transitions, the impact preview,
// and lifecycle rule versions with their tests.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MandateError } from '../core/errors.js';
import { checkRuleTests, runRuleTests } from '../core/lifecycle-tests.js';
import { checkAnyRules, scopeKey } from '../core/lifecycle.js';
import { Enum, Timestamp } from '../core/model.js';
import { rolesAllow } from '../core/roles.js';
import { ActionVocabulary, AUTHORISATION_STATUSES, PRODUCT_STATUSES } from '../core/vocabulary.js';
import { voterOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { ChangeRequestSchema, Items, type Names } from '../http/responses.js';
import { getCustomActions } from '../state/records.js';
import type { Database } from '../store/db.js';
import type { LifecycleRulesStore } from '../state/lifecycle-rules.js';
import type { ChangeRequestService } from '../approvals/changes.js';
import type { RulesVersion } from '../state/lifecycle-rules.js';
import { ImpactSchema, ProductRulesVersionSchema, RulesVersionSchema, RuleTestReport, TransitionSchema } from './schemas.js';
import { currentProductRules } from '../state/product-rules.js';
import type { Caller, Impact, RegulatoryService, Transition } from './service.js';

const IN_STEP: [Names<Static<typeof TransitionSchema>, Transition>, Names<Static<typeof RulesVersionSchema>, RulesVersion>] = [true, true];
void IN_STEP;

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const ActionName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });

const Proposal = Type.Object(
  {
    to: Enum(AUTHORISATION_STATUSES),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    reference: Type.String({ minLength: 1, maxLength: 200, description: "the supervisor's decision" }),
    effective_at: Type.Optional(Timestamp),
    deadline: Type.Optional(Timestamp),
    denied_actions: Type.Optional(
      Type.Array(ActionName, { maxItems: 100, uniqueItems: true, description: 'for restricted: what the conditions forbid' }),
    ),
    also: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
        maxItems: 500,
        uniqueItems: true,
        description: 'more authorisations moved by the same decision',
      }),
    ),
    emergency: Type.Optional(Type.Boolean({ description: 'apply now on the caller’s sole approval; opens a mandatory review' })),
  },
  { additionalProperties: false },
);

const ProductProposal = Type.Object(
  {
    to: Enum(PRODUCT_STATUSES),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    reference: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'the decision behind it: a market surveillance measure, a corrective action, a DoC, a support-period notice',
    }),
    effective_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

function caller(req: FastifyRequest): Caller {
  return {
    user: req.principal!.user,
    roles: req.principal!.roles,
    canApprove: rolesAllow(req.principal!.roles, 'transitions:approve'),
    voter: voterOf(req),
  };
}

/** The impact as the API shows it: every identity with what happens to it and the rule that decided. */
export function presentImpact(impact: Impact): Static<typeof ImpactSchema> {
  const { plan } = impact;
  const pick = (effect: string) => plan.changes.filter((c) => c.effect === effect);
  const revocationOf = (id: string) => impact.identities.get(id)?.revocation;
  return {
    moved: impact.moved,
    rules_version: impact.rulesVersion,
    counts: plan.counts,
    suspended: pick('suspend').map((c) => ({ identity: c.identity, why: c.why, removed: c.removed })),
    narrowed: pick('narrow').map((c) => ({
      identity: c.identity,
      from: impact.identities.get(c.identity)!.scopes.map(scopeKey),
      to: c.lawful.map((l) => ({ scope: scopeKey(l.scope), actions: l.actions })),
      removed: c.removed,
    })),
    restored: pick('restore').map((c) => ({
      identity: c.identity,
      status: c.statusAfter,
      to: c.lawful.map((l) => ({ scope: scopeKey(l.scope), actions: l.actions })),
    })),
    untouched: pick('unchanged').map((c) => ({ identity: c.identity, status: c.statusBefore, why: c.why })),
    connector_actions: plan.changes.flatMap((c) =>
      c.connector
        ? [
            {
              identity: c.identity,
              action: c.connector,
              connector: revocationOf(c.identity)?.connector ?? null,
              target: revocationOf(c.identity)?.target ?? null,
            },
          ]
        : [],
    ),
    return_paths: plan.returnPaths,
  };
}

export function registerRegulatoryRoutes(
  fastify: FastifyInstance,
  db: Database,
  regulatory: RegulatoryService,
  rules: LifecycleRulesStore,
  changes: ChangeRequestService,
): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['regulatory'];
  app.get(
    '/v1/authorisations/:id/impact',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'previewImpact',
        summary: 'Preview what moving an authorisation to a status would do (nothing is written)',
        params: IdParam,
        querystring: Type.Object(
          {
            to: Enum(AUTHORISATION_STATUSES),
            denied_actions: Type.Optional(Type.String({ maxLength: 2000, description: 'comma-separated, for restricted' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ImpactSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const q = req.query;
      return presentImpact(
        await regulatory.impact(
          id,
          q.to,
          q.denied_actions
            ? q.denied_actions
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : [],
        ),
      );
    },
  );

  app.post(
    '/v1/authorisations/:id/transitions',
    {
      // The emergency path applies the transition on the caller's sole approval: a step-up first.
      config: { permission: 'transitions:propose', stepUp: 'emergency' },
      schema: {
        tags,
        operationId: 'proposeTransition',
        summary: 'Propose a transition (a different approver decides it)',
        params: IdParam,
        body: Proposal,
        response: { 201: TransitionSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      return reply.code(201).send(await regulatory.propose(caller(req), id, req.body));
    },
  );

  app.get(
    '/v1/products/:id/impact',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'previewProductImpact',
        summary: "Preview what moving a product's conformity or market status would do (CRA; nothing is written)",
        params: IdParam,
        querystring: Type.Object({ to: Enum(PRODUCT_STATUSES) }, { additionalProperties: false }),
        response: { 200: ImpactSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => presentImpact(await regulatory.productImpact(req.params.id, req.query.to)),
  );

  app.post(
    '/v1/products/:id/transitions',
    {
      config: { permission: 'transitions:propose' },
      schema: {
        tags,
        operationId: 'proposeProductTransition',
        summary: "Propose a change of a product's status (CRA); a different approver decides it through /v1/transitions/{id}/approve",
        params: IdParam,
        body: ProductProposal,
        response: { 201: TransitionSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await regulatory.proposeProduct(caller(req), req.params.id, req.body)),
  );

  app.get(
    '/v1/transitions',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listTransitions',
        summary: 'Transitions, newest first',
        querystring: Type.Object(
          {
            status: Type.Optional(Enum(['pending', 'approved', 'rejected', 'applied', 'expired', 'superseded'] as const)),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Items(TransitionSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      return { items: await regulatory.list(q.status, q.limit ?? 50) };
    },
  );

  app.get(
    '/v1/transitions/:id',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getTransition',
        summary: 'One transition',
        params: IdParam,
        response: { 200: TransitionSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const t = await regulatory.get(id);
      if (!t) throw new MandateError('NOT_FOUND', `no transition with id ${id}`);
      return t;
    },
  );

  const Decision = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false });
  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/v1/transitions/:id/${decision}`,
      {
        config: { permission: 'transitions:approve', ...(decision === 'approve' ? { stepUp: true as const } : {}) },
        schema: {
          tags,
          operationId: `${decision}Transition`,
          summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a proposed transition (not your own)`,
          params: IdParam,
          body: Type.Optional(Decision),
          response: { 200: TransitionSchema, '4xx': ProblemResponse },
        },
      },
      async (req) => {
        const { id } = req.params;
        return regulatory.decide(caller(req), id, decision, req.body?.reason);
      },
    );
  }

  app.post(
    '/v1/transitions/:id/review',
    {
      config: { permission: 'transitions:approve' },
      schema: {
        tags,
        operationId: 'reviewTransition',
        summary: 'Close the mandatory review of an emergency transition',
        params: IdParam,
        body: Type.Object({ notes: Type.String({ minLength: 1, maxLength: 5000 }) }, { additionalProperties: false }),
        response: { 200: TransitionSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      return regulatory.review(caller(req), id, req.body.notes);
    },
  );

  app.get(
    '/v1/lifecycle-rules',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getLifecycleRules',
        summary: 'The lifecycle rules in force',
        response: { 200: RulesVersionSchema, '4xx': ProblemResponse },
      },
    },
    async () => rules.current(),
  );

  app.get(
    '/v1/lifecycle-rules/cra',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getProductLifecycleRules',
        summary: 'The product lifecycle rules in force (CRA); PUT /v1/lifecycle-rules with a regime: cra document changes them',
        response: { 200: ProductRulesVersionSchema, '4xx': ProblemResponse },
      },
    },
    async () => currentProductRules(db),
  );

  app.put(
    '/v1/lifecycle-rules',
    {
      config: { permission: 'transitions:propose' },
      schema: {
        tags,
        operationId: 'requestLifecycleRulesChange',
        summary: 'Ask to publish a new version of the lifecycle rules: checked now, published once approved (a change request)',
        body: Type.Object({ rules: Type.Unknown() }, { additionalProperties: false }),
        response: { 202: ChangeRequestSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => reply.code(202).send(await changes.requestRules(`user:${req.principal!.user}`, req.body.rules)),
  );

  app.post(
    '/v1/lifecycle-rules/test',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'testLifecycleRules',
        summary: 'Run rule tests against given rules, or the rules in force',
        body: Type.Object({ rules: Type.Optional(Type.Unknown()), tests: Type.Unknown() }, { additionalProperties: false }),
        response: { 200: RuleTestReport, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const body = req.body;
      const checked = body.rules === undefined ? { rules: (await rules.current()).rules, issues: [] } : checkAnyRules(body.rules);
      if (!checked.rules)
        throw new MandateError('VALIDATION_FAILED', 'rules are not valid', {
          issues: checked.issues.map((i) => ({ ...i, field: `/rules${i.field}` })),
        });
      const tests = checkRuleTests(body.tests);
      if (!tests.tests)
        throw new MandateError('VALIDATION_FAILED', 'tests are not valid', {
          issues: tests.issues.map((i) => ({ ...i, field: `/tests${i.field}` })),
        });
      const results = runRuleTests(checked.rules, tests.tests, new ActionVocabulary(await getCustomActions(db)));
      return { passed: results.filter((r) => r.passed).length, failed: results.filter((r) => !r.passed).length, results };
    },
  );
}
