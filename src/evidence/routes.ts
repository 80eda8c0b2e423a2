// POST /v1/evidence-packs: one signed pack for one entity and member state, or for one product (CRA), as of a time.
import { createHash } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Id, Timestamp } from '../core/model.js';
import { appendEvents } from '../ledger/log.js';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import type { Database } from '../store/db.js';
import type { EvidencePackService } from './pack.js';

// The pack is bytes (a Buffer, sent as is): the document shows its media type and headers.
const Pack = {
  description: 'the signed pack, as an attachment',
  headers: {
    'content-disposition': Type.String({
      description:
        'attachment; filename="mandate-evidence-{entity}-{jurisdiction}-{date}.tar.gz" ' +
        '(a product pack: mandate-evidence-product-{id}-{date}.tar.gz)',
    }),
    'x-mandate-pack-sha256': Type.String({ description: 'SHA-256 of the pack, hex (also in its evidence.exported event)' }),
  },
  content: { 'application/gzip': { schema: Type.Unsafe<Buffer>({ type: 'string', contentMediaType: 'application/gzip' }) } },
};

export function registerEvidenceRoutes(fastify: FastifyInstance, db: Database, clock: () => Date, packs: EvidencePackService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/v1/evidence-packs',
    {
      config: { permission: 'compliance:manage' },
      schema: {
        tags: ['compliance'],
        operationId: 'createEvidencePack',
        summary: 'Build a signed evidence pack (.tar.gz: OSCAL, HTML report, cited ledger events with proofs, signed manifest)',
        description:
          'For an entity in a member state (entity and jurisdiction), or for one product under the Cyber Resilience Act (product ' +
          'alone): who could sign and publish for it, grants and their expiry, revocations, exceptions and the Article 14 timeline.',
        body: Type.Object(
          {
            entity: Type.Optional(Id),
            jurisdiction: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
            product: Type.Optional(
              Type.String({ ...Id, description: 'a product id: a pack for this product (give no entity or jurisdiction)' }),
            ),
            as_of: Type.Optional(Timestamp),
          },
          { additionalProperties: false },
        ),
        response: { 200: Pack, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const built = await packs.build({
        ...(b.entity !== undefined ? { entity: b.entity } : {}),
        ...(b.jurisdiction !== undefined ? { jurisdiction: b.jurisdiction } : {}),
        ...(b.product !== undefined ? { product: b.product } : {}),
        ...(b.as_of ? { asOf: b.as_of } : {}),
      });
      const product = built.manifest.product;
      // Who exported what is evidence too (the pack's manifest hash identifies it).
      const digest = createHash('sha256').update(built.bytes).digest('hex');
      await db.transaction((tx) =>
        appendEvents(tx, clock().toISOString(), [
          {
            actor: actorOf(req),
            action: 'evidence.exported',
            subject: { type: 'evidence_pack', id: product ? `product:${product}` : `${b.entity}/${b.jurisdiction}` },
            after: {
              as_of: built.manifest.as_of,
              ledger_size: built.manifest.ledger.size,
              files: built.manifest.files.length,
              sha256: digest,
            },
          },
        ]),
      );
      const name = product
        ? `mandate-evidence-product-${product}-${built.manifest.as_of.slice(0, 10)}.tar.gz`
        : `mandate-evidence-${b.entity}-${b.jurisdiction}-${built.manifest.as_of.slice(0, 10)}.tar.gz`;
      return reply
        .type('application/gzip')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-mandate-pack-sha256', digest)
        .send(built.bytes);
    },
  );
}
