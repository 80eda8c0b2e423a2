// The event history: of any record (by subject), or the whole log either way, by type or action.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MandateError } from '../core/errors.js';
import { Enum } from '../core/model.js';
import { decodeCursor, DEFAULT_PAGE, encodeCursor, PageQuery } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Paged, type Names } from '../http/responses.js';
import type { Database } from '../store/db.js';
import { eventsForSubject, findEvents, type StoredEvent } from '../ledger/log.js';
import { EventSchema } from './schemas.js';

const IN_STEP: Names<Static<typeof EventSchema>, StoredEvent> = true;
void IN_STEP;

export function registerEventRoutes(fastify: FastifyInstance, db: Database): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/v1/events',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['events'],
        operationId: 'listEvents',
        summary: 'The event log, oldest first (or newest first); filter by subject type, subject id and action',
        querystring: Type.Object(
          {
            ...PageQuery,
            subject_type: Type.Optional(Type.String({ maxLength: 40, description: 'alone: every event of that type of record' })),
            subject_id: Type.Optional(Type.String({ maxLength: 254 })),
            action: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: 'exact, e.g. identity.status_changed' })),
            order: Type.Optional(Enum(['asc', 'desc'], 'asc (default): oldest first; desc: newest first')),
          },
          { additionalProperties: false },
        ),
        response: { 200: Paged(EventSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? DEFAULT_PAGE;
      // A newest-first cursor means "older than", so one walk's cursor is refused by the other.
      const walk = q.order === 'desc' ? { order: 'desc' as const } : {};
      const page = await findEvents(
        db,
        {
          ...(q.subject_type !== undefined ? { subjectType: q.subject_type } : {}),
          ...(q.subject_id !== undefined ? { subjectId: q.subject_id } : {}),
          ...(q.action !== undefined ? { action: q.action } : {}),
        },
        decodeCursor<number>(q.cursor, 'number', walk),
        limit + 1,
        q.order === 'desc',
      );
      const items = page.slice(0, limit);
      return { items, next_cursor: page.length > limit ? encodeCursor(items[items.length - 1]!.seq, walk) : null };
    },
  );

  app.get(
    '/v1/events/:seq',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['events'],
        operationId: 'getEvent',
        summary: 'One event by its sequence number (the ledger explorer, and proofs, name events by seq)',
        params: Type.Object({ seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }),
        response: { 200: EventSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { seq } = req.params;
      const [event] = await findEvents(db, {}, seq - 1, 1, false);
      if (!event || event.seq !== seq) throw new MandateError('NOT_FOUND', `no event with seq ${seq}`);
      return event;
    },
  );

  const KINDS = {
    entities: ['entity', 'Entity'],
    people: ['person', 'Person'],
    vendors: ['vendor', 'Vendor'],
    authorisations: ['authorisation', 'Authorisation'],
    products: ['product', 'Product'],
    identities: ['identity', 'Identity'],
  } as const;
  for (const [path, [type, noun]] of Object.entries(KINDS)) {
    app.get(
      `/v1/${path}/:id/events`,
      {
        config: { permission: 'inventory:read' },
        schema: {
          tags: ['events'],
          operationId: `list${noun}Events`,
          summary: `The history of one ${type}`,
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 254 }) }),
          querystring: Type.Object(PageQuery, { additionalProperties: false }),
          response: { 200: Paged(EventSchema), '4xx': ProblemResponse },
        },
      },
      async (req) => {
        const { id } = req.params;
        const q = req.query;
        const limit = q.limit ?? DEFAULT_PAGE;
        const page = await eventsForSubject(db, type, id, decodeCursor<number>(q.cursor, 'number') ?? 0, limit + 1);
        const items = page.slice(0, limit);
        return { items, next_cursor: page.length > limit ? encodeCursor(items[items.length - 1]!.seq) : null };
      },
    );
  }
}
