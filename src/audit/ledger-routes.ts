// The ledger over HTTP: checkpoints, proofs and the export.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ProblemResponse } from '../http/problem.js';
import { MemberStateSchema, ServiceSchema, Timestamp } from '../core/model.js';
import { defaultRules } from '../state/lifecycle-rules.js';
import type { Database } from '../store/db.js';
import { whoCould } from '../ledger/asof.js';
import { rotationRecords } from '../ledger/rotations.js';
import type { LedgerService } from '../ledger/service.js';
import {
  AsOfSchema,
  CheckpointSchema,
  CheckpointWithKeySchema,
  ConsistencyProofSchema,
  InclusionProofSchema,
  VerifierKeySchema,
} from './schemas.js';

// The export is streamed: the document says text, the handler sends a stream of it.
const NdjsonStream = Type.Unsafe<PassThrough>({ type: 'string', description: 'JSON Lines' });
const Size = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const RotationRecordSchema = Type.Object(
  {
    leaf: Type.String({ description: 'the ledger.key_rotated event as its leaf text (the bytes hashed)' }),
    leaf_hash: Type.String(),
    checkpoint: Type.String({ description: "the old key's signed checkpoint that covers the event" }),
    proof: Type.Array(Type.String(), { description: "the event's inclusion proof in that checkpoint (hex)" }),
  },
  { title: 'LedgerKeyRotation' },
);

export function registerLedgerRoutes(fastify: FastifyInstance, db: Database, ledger: LedgerService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['ledger'];
  app.get(
    '/v1/asof/identities',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listIdentitiesAsOf',
        summary: 'Who could do an action, for an entity / service / member state, at a past time: rebuilt from the ledger, with proofs',
        querystring: Type.Object(
          {
            at: Timestamp,
            can: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
            entity: Type.Optional(Type.String({ maxLength: 128 })),
            service: Type.Optional(ServiceSchema),
            jurisdiction: Type.Optional(MemberStateSchema),
            max_proofs: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AsOfSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      return whoCould(db, ledger, defaultRules(), {
        at: q.at,
        action: q.can,
        ...(q.entity ? { entity: q.entity } : {}),
        ...(q.service ? { service: q.service } : {}),
        ...(q.jurisdiction ? { jurisdiction: q.jurisdiction } : {}),
        ...(q.max_proofs !== undefined ? { maxProofs: q.max_proofs } : {}),
      });
    },
  );
  app.get(
    '/v1/ledger/checkpoint',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getLedgerCheckpoint',
        summary: 'The latest signed checkpoint (C2SP tlog-checkpoint); ?fresh=true signs one of the log as it is now',
        querystring: Type.Object({ fresh: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: CheckpointWithKeySchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { fresh } = req.query;
      const cp = (!fresh && (await ledger.latest())) || (await ledger.checkpoint());
      return { ...cp, verifier_key: (await ledger.logKey()).verifierKey };
    },
  );
  app.post(
    '/v1/ledger/checkpoints',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'createLedgerCheckpoint',
        summary: 'Sign a checkpoint of the log as it is now',
        response: { 200: CheckpointSchema, '4xx': ProblemResponse },
      },
    },
    async () => ledger.checkpoint(),
  );
  app.get(
    '/v1/ledger/key',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        operationId: 'getLedgerKey',
        summary: "The log's verifier key",
        // Public, so an anonymous caller is counted by its address: over the limit it is refused (429 RATE_LIMITED).
        response: {
          200: VerifierKeySchema,
          429: { ...ProblemResponse, description: 'Too many requests from this address' },
          '5xx': ProblemResponse,
        },
      },
    },
    async () => ({ verifier_key: (await ledger.logKey()).verifierKey }),
  );
  app.get(
    '/v1/ledger/rotations',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listLedgerKeyRotations',
        summary: "The ledger key's rotations (up to a tree size), each provable to a verifier that trusts the key before it",
        querystring: Type.Object({ size: Type.Optional(Size) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(RotationRecordSchema) }), '4xx': ProblemResponse },
      },
    },
    async (req) => ({
      items: await rotationRecords(
        db,
        req.query.size ?? Number.MAX_SAFE_INTEGER,
        async (seq, size) => (await ledger.inclusions([seq], size))[0]!,
      ),
    }),
  );
  app.get(
    '/v1/ledger/proof/inclusion',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getInclusionProof',
        summary: 'Inclusion proof of an event (by seq) in the tree of a size (default: now)',
        querystring: Type.Object({ seq: Size, size: Type.Optional(Size) }, { additionalProperties: false }),
        response: { 200: InclusionProofSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      return ledger.inclusion(q.seq, q.size);
    },
  );
  app.get(
    '/v1/ledger/proof/consistency',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'getConsistencyProof',
        summary: 'Consistency proof between two tree sizes',
        querystring: Type.Object({ from: Size, to: Type.Optional(Size) }, { additionalProperties: false }),
        response: { 200: ConsistencyProofSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const q = req.query;
      return ledger.consistency(q.from, q.to);
    },
  );
  app.get(
    '/v1/ledger/export',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        operationId: 'exportLedger',
        summary: 'The whole log as JSON Lines (docs/ledger.md)',
        response: {
          200: {
            description: 'a header line, every event with its leaf hash, then every signed checkpoint',
            content: { 'application/x-ndjson': { schema: NdjsonStream } },
          },
          '4xx': ProblemResponse,
        },
      },
    },
    async (req, reply) => {
      // Streamed a line at a time, respecting back-pressure: a log of millions of events never sits in memory.
      const out = new PassThrough();
      const write = async (line: string) => {
        if (!out.write(`${line}\n`)) await once(out, 'drain');
      };
      ledger.export(write).then(
        () => out.end(),
        (err: unknown) => {
          req.log.error({ err }, 'ledger export failed');
          out.destroy(err as Error);
        },
      );
      return reply.type('application/x-ndjson').send(out);
    },
  );
}
