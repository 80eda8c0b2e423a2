// The event history: of any record (by subject), or the whole log either way, by type or action.
import { MandateError } from '../core/errors.js';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Enum } from '../core/model.js';
import { decodeCursor, DEFAULT_PAGE, encodeCursor, PageQuery, Problem } from '../http/common.js';
import type { Database } from '../store/db.js';
import { eventsForSubject, findEvents } from '../ledger/log.js';

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
  app.get(
    '/v1/events',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['events'],
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
        response: {
          200: Type.Object({ items: Type.Array(EventSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
          '4xx': Problem,
        },
      },
    },
    async (req) => {
      const q = req.query as {
        cursor?: string;
        limit?: number;
        subject_type?: string;
        subject_id?: string;
        action?: string;
        order?: 'asc' | 'desc';
      };
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
        summary: 'One event by its sequence number (the ledger explorer, and proofs, name events by seq)',
        params: Type.Object({ seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }),
        response: { 200: EventSchema, '4xx': Problem },
      },
    },
    async (req) => {
      const { seq } = req.params as { seq: number };
      const [event] = await findEvents(db, {}, seq - 1, 1, false);
      if (!event || event.seq !== seq) throw new MandateError('NOT_FOUND', `no event with seq ${seq}`);
      return event;
    },
  );

  for (const path of ['entities', 'people', 'vendors', 'authorisations', 'identities'] as const) {
    const type = { entities: 'entity', people: 'person', vendors: 'vendor', authorisations: 'authorisation', identities: 'identity' }[path];
    app.get(
      `/v1/${path}/:id/events`,
      {
        config: { permission: 'inventory:read' },
        schema: {
          tags: ['events'],
          summary: `The history of one ${type}`,
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 254 }) }),
          querystring: Type.Object(PageQuery, { additionalProperties: false }),
          response: {
            200: Type.Object({ items: Type.Array(EventSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
            '4xx': Problem,
          },
        },
      },
      async (req) => {
        const { id } = req.params as { id: string };
        const q = req.query as { cursor?: string; limit?: number };
        const limit = q.limit ?? DEFAULT_PAGE;
        const page = await eventsForSubject(db, type, id, decodeCursor<number>(q.cursor, 'number') ?? 0, limit + 1);
        const items = page.slice(0, limit);
        return { items, next_cursor: page.length > limit ? encodeCursor(items[items.length - 1]!.seq) : null };
      },
    );
  }
}
