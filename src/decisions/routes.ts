// The decision point over HTTP: one decision, a batch, and the reports enforcement points send of
// the decisions they took locally.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Items } from '../http/responses.js';
import { DecisionBatch, DecisionOut, DecisionRequest, ReportedDecisions } from './model.js';
import type { DecisionCaller, DecisionService } from './service.js';

/** The caller's own session, for a principal `{session: 'self'}`. */
const callerOf = (req: { principal?: { session?: { id: string } } }): DecisionCaller =>
  req.principal?.session ? { session: req.principal.session.id } : {};

export function registerDecisionRoutes(fastify: FastifyInstance, decisions: DecisionService, ready: () => Promise<unknown>): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // A refused request is evidence too (who tried what shape), so validation errors pass through here.
  const refuse = async (
    req: { validationError?: Error & { validation?: { keyword: string; instancePath: string; message?: string }[] } },
    actor: string,
  ) => {
    const err = req.validationError!;
    // The schema's if/else (a whole context unless the principal is a token) adds an error of its
    // own beside the missing fields it names: only those are the caller's to fix.
    const conditional = err.validation?.filter((e) => e.keyword === 'if') ?? [];
    if (conditional.length && conditional.length < err.validation!.length) {
      err.validation = err.validation!.filter((e) => e.keyword !== 'if');
      err.message = err.validation.map((e) => `body${e.instancePath} ${e.message ?? 'is invalid'}`).join(', ');
    }
    await decisions.refused(actor, err.message);
    throw err;
  };

  app.post(
    '/v1/decisions',
    {
      config: { permission: 'decisions:query' },
      attachValidation: true,
      schema: {
        tags: ['decisions'],
        operationId: 'decide',
        summary: 'Decide one action: built-in rules, then the firm’s Cedar policies; execute decisions are recorded',
        body: DecisionRequest,
        response: { 200: DecisionOut, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      if (req.validationError) return refuse(req, actorOf(req));
      await ready();
      return decisions.decide(actorOf(req), req.body, callerOf(req));
    },
  );

  app.post(
    '/v1/decisions/batch',
    {
      config: { permission: 'decisions:query' },
      attachValidation: true,
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['decisions'],
        operationId: 'decideBatch',
        summary: 'Decide up to 1,000 actions in one request',
        body: DecisionBatch,
        response: { 200: Items(DecisionOut), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      if (req.validationError) return refuse(req, actorOf(req));
      await ready();
      return { items: await decisions.decideBatch(actorOf(req), req.body.items, callerOf(req)) };
    },
  );

  app.post(
    '/v1/decisions/evidence',
    {
      config: { permission: 'decisions:query' },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['decisions'],
        operationId: 'reportDecisions',
        summary: 'Record decisions an enforcement point took locally',
        body: ReportedDecisions,
        response: { 200: Type.Object({ recorded: Type.Integer() }), '4xx': ProblemResponse },
      },
    },
    async (req) => decisions.report(actorOf(req), req.body),
  );
}
