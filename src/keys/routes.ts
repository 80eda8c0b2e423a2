// Keys over HTTP: what keys exist (public halves only) and rotating a signing key now. The
// key-encryption key is not rotated here: a new KEK never travels over HTTP (mandate keys rotate kek
// runs against the store, src/keys/rotation.ts).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MandateError } from '../core/errors.js';
import { Enum } from '../core/model.js';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Items } from '../http/responses.js';
import type { LedgerService } from '../ledger/service.js';
import type { Database } from '../store/db.js';
import type { SigningKeys } from '../tokens/keys.js';
import { KEY_PURPOSES, listKeys } from './rotation.js';

const KeyInfoSchema = Type.Object(
  {
    kid: Type.String({ description: 'key id: a JWK kid (mk_…, set_…), a ledger key id (lk_…), the KEK fingerprint’s first 16 hex digits' }),
    purpose: Enum(['token', 'set', 'ledger', 'kek'] as const),
    created_at: Type.String({ format: 'date-time' }),
    retired_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'when a rotation replaced it (a retired token or SET key stays published for a token lifetime); null: current',
    }),
    public_key: Type.Unknown({
      description:
        'the public JWK (token, set), the C2SP verifier key (ledger), or the KEK fingerprint (HMAC-SHA256 under it of a fixed label)',
    }),
  },
  { title: 'KeyInfo' },
);

const RotationSchema = Type.Object(
  {
    purpose: Enum(['token', 'set', 'ledger'] as const),
    kid: Type.String({ description: 'the new key' }),
    public_key: Type.Unknown({ description: 'its public JWK, or its C2SP verifier key' }),
    from: Type.Optional(Type.String({ description: 'ledger: the retired verifier key' })),
    seq: Type.Optional(Type.Integer({ description: 'ledger: the ledger.key_rotated event' })),
    checkpoint: Type.Optional(
      Type.Object(
        { size: Type.Integer(), root: Type.String(), note: Type.String(), created_at: Type.String() },
        { description: 'ledger: the checkpoint by the old key that covers the rotation event' },
      ),
    ),
  },
  { title: 'KeyRotation' },
);

export function registerKeyRoutes(
  fastify: FastifyInstance,
  db: Database,
  s: { keys: SigningKeys; setKeys: SigningKeys; ledger: LedgerService },
): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['keys'];
  app.get(
    '/v1/keys',
    {
      config: { permission: 'keys:manage' },
      schema: {
        tags,
        operationId: 'listKeys',
        summary: 'Every signing key (token, SET, ledger): kid, purpose, when made and retired, public key; never private material',
        response: { 200: Items(KeyInfoSchema), '4xx': ProblemResponse },
      },
    },
    async () => ({ items: await listKeys(db) }),
  );
  app.post(
    '/v1/keys/:purpose/rotate',
    {
      config: { permission: 'keys:manage' },
      schema: {
        tags,
        operationId: 'rotateKey',
        summary: 'Rotate a signing key now, recorded in the ledger (the KEK: mandate keys rotate kek, against the store)',
        params: Type.Object({ purpose: Enum(KEY_PURPOSES) }, { additionalProperties: false }),
        body: Type.Optional(
          Type.Object(
            {
              reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
              origin: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 200,
                  pattern: '^[^\\s+]+$',
                  description: "ledger only: the new key is named so, which changes the log's origin (then set MANDATE_LEDGER_ORIGIN)",
                }),
              ),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 200: RotationSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { purpose } = req.params;
      const actor = actorOf(req);
      if (purpose === 'kek')
        throw new MandateError(
          'VALIDATION_FAILED',
          'the key-encryption key is not rotated over HTTP (the new one would travel with the request): ' +
            'stop the servers and run mandate keys rotate kek --new-kek-file FILE against the store ' +
            '(with MANDATE_KEK_SOURCE=hsm, without --new-kek-file: the HSM wraps a new data key)',
          { field: 'path:purpose' },
        );
      if (req.body?.origin && purpose !== 'ledger')
        throw new MandateError('VALIDATION_FAILED', 'only the ledger key has an origin', { field: '/origin' });
      if (purpose === 'ledger') {
        const { reason, origin } = req.body ?? {};
        const r = await s.ledger.rotateKey(actor, { ...(reason ? { reason } : {}), ...(origin ? { name: origin } : {}) });
        return { purpose, kid: r.id, public_key: r.to, from: r.from, seq: r.seq, checkpoint: r.checkpoint };
      }
      const k = await (purpose === 'token' ? s.keys : s.setKeys).rotate(actor);
      return { purpose, kid: k.kid, public_key: k.publicJwk };
    },
  );
}
