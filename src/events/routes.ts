// The event history: of any record (by subject), or the whole log in order.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { decodeCursor, DEFAULT_PAGE, encodeCursor, PageQuery, Problem } from '../http/common.js';
import type { Database } from '../store/db.js';
import { eventsAfter, eventsForSubject } from './log.js';

const EventSchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  subject: Type.Object({ type: Type.String(), id: Type.String() }),
  before: Type.Unknown(),
  after: Type.Unknown(),
  reason: Type.Union([Type.String(), Type.Null()]),
});

export function registerEventRoutes(app: FastifyInstance, db: Database): void {
  app.get('/v1/events', {
    config: { permission: 'inventory:read' },
    schema: {
      tags: ['events'],
      summary: 'The event log, oldest first; filter by subject to get one record’s history',
      querystring: Type.Object(
        {
          ...PageQuery,
          subject_type: Type.Optional(Type.String({ maxLength: 40 })),
          subject_id: Type.Optional(Type.String({ maxLength: 254 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ items: Type.Array(EventSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) }), '4xx': Problem },
    },
  }, async (req) => {
    const q = req.query as { cursor?: string; limit?: number; subject_type?: string; subject_id?: string };
    const limit = q.limit ?? DEFAULT_PAGE;
    const after = decodeCursor<number>(q.cursor, 'number') ?? 0;
    const page = q.subject_id !== undefined
      ? await eventsForSubject(db, q.subject_type, q.subject_id, after, limit + 1)
      : await eventsAfter(db, after, limit + 1);
    const items = page.slice(0, limit);
    return { items, next_cursor: page.length > limit ? encodeCursor(items[items.length - 1]!.seq) : null };
  });

  for (const path of ['entities', 'people', 'vendors', 'authorisations', 'identities'] as const) {
    const type = { entities: 'entity', people: 'person', vendors: 'vendor', authorisations: 'authorisation', identities: 'identity' }[path];
    app.get(`/v1/${path}/:id/events`, {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['events'],
        summary: `The history of one ${type}`,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 254 }) }),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(EventSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) }), '4xx': Problem },
      },
    }, async (req) => {
      const { id } = req.params as { id: string };
      const q = req.query as { cursor?: string; limit?: number };
      const limit = q.limit ?? DEFAULT_PAGE;
      const page = await eventsForSubject(db, type, id, decodeCursor<number>(q.cursor, 'number') ?? 0, limit + 1);
      const items = page.slice(0, limit);
      return { items, next_cursor: page.length > limit ? encodeCursor(items[items.length - 1]!.seq) : null };
    });
  }
}
