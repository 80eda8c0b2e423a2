// HTTP for access review campaigns: open one (review managers), follow it, and answer its items
// (each identity's owner, or a review manager when the owner is gone: the service checks who).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MandateError } from '../core/errors.js';
import { Enum } from '../core/model.js';
import { CAMPAIGN_STATUSES, NewCampaign, ReviewDecisionInput } from '../core/reviews.js';
import { rolesAllow } from '../core/roles.js';
import { decodeCursor, DEFAULT_PAGE, encodeCursor, PageQuery } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Items, Paged, type Names } from '../http/responses.js';
import { CampaignSchema, ReviewItemSchema } from './schemas.js';
import type { Campaign, ReviewItem, ReviewService } from './service.js';

const IN_STEP: [Names<Static<typeof CampaignSchema>, Campaign>, Names<Static<typeof ReviewItemSchema>, ReviewItem>] = [true, true];
void IN_STEP;

const CampaignParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
const ItemParam = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 128 }), identity: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

export function registerReviewRoutes(fastify: FastifyInstance, reviews: ReviewService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['access reviews'];

  app.post(
    '/v1/access-reviews',
    {
      config: { permission: 'reviews:manage' },
      schema: {
        tags,
        operationId: 'createAccessReview',
        summary: 'Open an access review campaign: one item per identity in scope, for its owner to decide',
        body: NewCampaign,
        response: { 201: CampaignSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await reviews.open(`user:${req.principal!.user}`, req.body)),
  );

  app.get(
    '/v1/access-reviews',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags,
        operationId: 'listAccessReviews',
        summary: 'Access review campaigns, newest first, with their counts',
        querystring: Type.Object(
          { status: Type.Optional(Enum(CAMPAIGN_STATUSES)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
          { additionalProperties: false },
        ),
        response: { 200: Items(CampaignSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      return { items: await reviews.list({ ...(q.status ? { status: q.status } : {}), limit: q.limit ?? 50 }) };
    },
  );

  app.get(
    '/v1/access-reviews/:id',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags,
        operationId: 'getAccessReview',
        summary: 'One campaign with its counts (total, decided, by decision, flagged)',
        params: CampaignParam,
        response: { 200: CampaignSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const campaign = await reviews.get(id);
      if (!campaign) throw new MandateError('NOT_FOUND', `no access review campaign with id ${id}`);
      return campaign;
    },
  );

  app.get(
    '/v1/access-reviews/:id/items',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags,
        operationId: 'listAccessReviewItems',
        summary: "A campaign's items in identity order; mine=true: those you decide",
        params: CampaignParam,
        querystring: Type.Object(
          {
            mine: Type.Optional(
              Type.Boolean({ description: 'only items whose reviewer is you (and, for review managers, the items nobody owns)' }),
            ),
            undecided: Type.Optional(Type.Boolean()),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Paged(ReviewItemSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id } = req.params;
      const q = req.query;
      const limit = q.limit ?? DEFAULT_PAGE;
      const after = decodeCursor<string>(q.cursor, 'string');
      const { user, roles } = req.principal!;
      const items = await reviews.items(id, {
        ...(q.mine ? { reviewer: user, unowned: rolesAllow(roles, 'reviews:manage') } : {}),
        ...(q.undecided ? { undecided: true } : {}),
        ...(after !== undefined ? { after } : {}),
        limit: limit + 1,
      });
      const page = items.slice(0, limit);
      return { items: page, next_cursor: items.length > limit ? encodeCursor(page[page.length - 1]!.identity_id) : null };
    },
  );

  app.post(
    '/v1/access-reviews/:id/items/:identity',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags,
        operationId: 'decideAccessReviewItem',
        summary: 'Decide an item: keep, narrow (to a strict subset) or revoke the identity',
        params: ItemParam,
        body: ReviewDecisionInput,
        response: { 200: ReviewItemSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { id, identity } = req.params;
      const { user, roles } = req.principal!;
      return reviews.decide({ user, roles }, id, identity, req.body);
    },
  );
}
