// What the audit routes answer: events (src/ledger/log.ts), checkpoints, proofs and the as-of
// question (src/ledger/service.ts, src/ledger/asof.ts). Imports only TypeBox, so the console can
// import the types.
import { Type } from '@sinclair/typebox';
import { Nullable, OpenObject } from '../http/responses.js';

/** One event of the log (src/ledger/log.ts `StoredEvent`). */
export const EventSchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  subject: Type.Object({ type: Type.String(), id: Type.String() }),
  before: Type.Unknown(),
  after: Type.Unknown(),
  reason: Nullable(Type.String()),
});

export const CheckpointSchema = Type.Object(
  {
    size: Type.Integer(),
    root: Type.String(),
    note: Type.String({ description: 'the signed note (C2SP tlog-checkpoint)' }),
    created_at: Type.String(),
  },
  { title: 'Checkpoint' },
);
export const CheckpointWithKeySchema = Type.Composite([CheckpointSchema, Type.Object({ verifier_key: Type.String() })], {
  title: 'CheckpointWithKey',
});
export const VerifierKeySchema = Type.Object({ verifier_key: Type.String() }, { title: 'VerifierKey' });

export const InclusionProofSchema = Type.Object(
  {
    seq: Type.Integer(),
    leaf_index: Type.Integer(),
    tree_size: Type.Integer(),
    leaf_hash: Type.String(),
    root: Type.String(),
    proof: Type.Array(Type.String()),
  },
  { title: 'InclusionProof' },
);
export const ConsistencyProofSchema = Type.Object(
  {
    from: Type.Integer(),
    to: Type.Integer(),
    first_root: Type.String(),
    second_root: Type.String(),
    proof: Type.Array(Type.String()),
  },
  { title: 'ConsistencyProof' },
);

export const AsOfSchema = Type.Object(
  {
    at: Type.String(),
    as_of_seq: Type.Integer(),
    question: Type.Object({
      action: Type.String(),
      entity: Nullable(Type.String()),
      service: Nullable(Type.String()),
      jurisdiction: Nullable(Type.String()),
    }),
    rules: Type.Object({ version_seq: Nullable(Type.Integer()), id: Type.String() }),
    identities: Type.Array(OpenObject('an identity that could, with why and the events cited')),
    evidence: Type.Object({
      checkpoint: Type.Object({ size: Type.Integer(), note: Type.String() }),
      cited_events: Type.Integer(),
      proofs: Type.Array(InclusionProofSchema),
      proofs_omitted: Type.Integer(),
    }),
  },
  { title: 'AsOfAnswer' },
);
