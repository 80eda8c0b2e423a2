// What the inventory routes take and answer beyond the records themselves (those are the core
// model's schemas with their metadata: recordOutput in src/http/responses.ts).
import { Type } from '@sinclair/typebox';
import { Enum } from '../core/model.js';
import {
  AUTHORISATION_STATUSES,
  CAPABILITIES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  IDENTITY_STATUSES,
} from '../core/vocabulary.js';

export const RecordParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 254 }) });
/** The ETag a write is based on (required by replace, optional on a status change: src/http/common.ts). */
export const IfMatchHeader = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) });

export const StatusChange = Type.Object(
  { status: Enum(IDENTITY_STATUSES), reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

/** Counts by each value of a vocabulary: every value is present (0 when none), so a chart need not know which exist. */
const Counts = (values: readonly string[]) => Type.Object(Object.fromEntries(values.map((v) => [v, Type.Integer()])));

export const InventorySummarySchema = Type.Object(
  {
    identities: Type.Object({
      total: Type.Integer(),
      by_function_capability: Type.Object(Object.fromEntries(IDENTITY_FUNCTIONS.map((f) => [f, Counts(CAPABILITIES)]))),
      by_status: Counts(IDENTITY_STATUSES),
      by_kind: Counts(IDENTITY_KINDS),
      by_environment: Counts(ENVIRONMENTS),
    }),
    authorisations: Type.Object({ total: Type.Integer(), by_status: Counts(AUTHORISATION_STATUSES) }),
    entities: Type.Object({ total: Type.Integer() }),
    people: Type.Object({ total: Type.Integer() }),
    vendors: Type.Object({ total: Type.Integer() }),
  },
  { title: 'InventorySummary' },
);
