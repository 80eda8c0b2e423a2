// The records of the inventory, as JSON Schemas (TypeBox) with the TypeScript types derived from
// them. One source of truth: the same schemas validate manifests and HTTP bodies, and produce
// docs/manifest.schema.json and /openapi.json. Every string and array is bounded.
import { Type, type Static } from '@sinclair/typebox';
import {
  AUTHORISATION_BASES,
  AUTHORISATION_STATUSES,
  CAPABILITIES,
  CREDENTIAL_TYPES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  IDENTITY_STATUSES,
  MEMBER_STATES,
  MICA_SERVICES,
  PERSON_STATUSES,
  ACTION_CLASSES,
  CONFORMITY_PROCEDURES,
  PRODUCT_CATEGORIES,
  PRODUCT_STATUSES,
} from './vocabulary.js';

/** An enum as JSON Schema `enum` (short error messages, compact OpenAPI) typed as the union of its values. */
export function Enum<T extends readonly string[]>(values: T, description?: string) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
}

/** Record ids: short, printable, no spaces or slashes, so they are safe in URLs, logs and file names. */
export const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$' });
/** People are identified by their e-mail address. */
export const Email = Type.String({
  minLength: 3,
  maxLength: 254,
  pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
  description: 'an e-mail address',
});
export const Name = Type.String({ minLength: 1, maxLength: 200 });
export const Text = Type.String({ minLength: 1, maxLength: 2000 });
/** ISO 8601: a date (2026-07-01) or a date-time with a zone (2026-07-01T14:00:00Z). */
export const Timestamp = Type.String({
  maxLength: 40,
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
  description: 'ISO 8601 date or date-time with zone',
});
export const Lei = Type.String({ pattern: '^[A-Z0-9]{18}[0-9]{2}$', description: 'ISO 17442 Legal Entity Identifier' });

export const MemberStateSchema = Enum(MEMBER_STATES, 'ISO 3166-1 alpha-2 code of an EU/EEA member state');
export const ServiceSchema = Enum(MICA_SERVICES, 'MiCA crypto-asset service id');

export const LegalEntity = Type.Object(
  { id: Id, name: Name, lei: Lei, home: MemberStateSchema },
  { additionalProperties: false, title: 'LegalEntity' },
);
export type LegalEntity = Static<typeof LegalEntity>;

export const Person = Type.Object(
  { id: Email, name: Name, status: Enum(PERSON_STATUSES) },
  { additionalProperties: false, title: 'Person' },
);
export type Person = Static<typeof Person>;

export const Vendor = Type.Object({ id: Id, name: Name }, { additionalProperties: false, title: 'Vendor' });
export type Vendor = Static<typeof Vendor>;

export const Authorisation = Type.Object(
  {
    id: Id,
    entity: Id,
    service: ServiceSchema,
    jurisdiction: MemberStateSchema,
    status: Enum(AUTHORISATION_STATUSES),
    basis: Enum(AUTHORISATION_BASES, 'home: granted by the home authority; passport: notified under MiCA Art. 65'),
    reference: Type.String({ minLength: 1, maxLength: 200, description: "the supervisor's decision or notification reference" }),
    effective_from: Type.Optional(Timestamp),
    deadline: Type.Optional(Timestamp),
    conditions: Type.Optional(
      Type.Object(
        {
          denied_actions: Type.Optional(
            Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), { maxItems: 100, uniqueItems: true }),
          ),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        },
        { additionalProperties: false, description: 'for a restricted authorisation: the actions its conditions forbid' },
      ),
    ),
  },
  { additionalProperties: false, title: 'Authorisation' },
);
export type Authorisation = Static<typeof Authorisation>;

export const MicaScope = Type.Object(
  { entity: Id, service: ServiceSchema, jurisdiction: MemberStateSchema },
  { additionalProperties: false, title: 'MicaScope', description: 'a MiCA scope: a legal entity, a service, a member state' },
);
export type MicaScope = Static<typeof MicaScope>;

/** A release channel's name (stable, beta, lts-2026, …). */
export const ChannelName = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,39}$' });

export const ProductScope = Type.Object(
  { product: Id, channel: Type.Optional(ChannelName) },
  {
    additionalProperties: false,
    title: 'ProductScope',
    description: 'a CRA product scope: a product and, optionally, one of its release channels (absent: every channel)',
  },
);
export type ProductScope = Static<typeof ProductScope>;

/** Where an identity acts: a MiCA scope, or a product (with a release channel) under the CRA. */
export const Scope = Type.Union([MicaScope, ProductScope]);
export type Scope = MicaScope | ProductScope;

export const isProductScope = (s: Scope): s is ProductScope => (s as ProductScope).product !== undefined;
export const isMicaScope = (s: Scope): s is MicaScope => (s as ProductScope).product === undefined;
/** An identity's MiCA scopes (authorisations decide them). */
export const micaScopes = (i: { scopes: readonly Scope[] }): MicaScope[] => i.scopes.filter(isMicaScope);
/** An identity's product scopes (products' conformity status decides them). */
export const productScopes = (i: { scopes: readonly Scope[] }): ProductScope[] => i.scopes.filter(isProductScope);

export const Product = Type.Object(
  {
    id: Id,
    name: Name,
    manufacturer: Type.String({ ...Id, description: 'the legal entity placing it on the market (an entity id)' }),
    versions: Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]*$' }), {
      maxItems: 200,
      uniqueItems: true,
      description: 'versions made available',
    }),
    channels: Type.Optional(
      Type.Array(ChannelName, { minItems: 1, maxItems: 20, uniqueItems: true, description: 'release channels (default: stable)' }),
    ),
    category: Enum(PRODUCT_CATEGORIES, 'CRA category: default, important class I or II (Annex III), critical (Annex IV)'),
    status: Enum(PRODUCT_STATUSES, 'conformity and market status; changes only through a transition'),
    placed_on_market: Type.Optional(Timestamp),
    support_period_end: Type.Optional(Timestamp),
    conformity_assessment: Type.Optional(
      Type.Object(
        {
          procedure: Enum(CONFORMITY_PROCEDURES),
          reference: Type.String({ minLength: 1, maxLength: 200 }),
          notified_body: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'its name and number' })),
        },
        { additionalProperties: false, description: 'the conformity assessment (CRA Art. 32)' },
      ),
    ),
    declaration_of_conformity: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'the EU declaration of conformity reference (Art. 28)' }),
    ),
    member_states: Type.Array(MemberStateSchema, { maxItems: 30, uniqueItems: true, description: 'where it is made available' }),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the reference of its last status change' })),
  },
  { additionalProperties: false, title: 'Product' },
);
export type Product = Static<typeof Product>;
export const channelsOf = (p: Pick<Product, 'channels'>): string[] => p.channels ?? ['stable'];

export const Credential = Type.Object(
  {
    type: Enum(CREDENTIAL_TYPES),
    created: Timestamp,
    last_rotated: Type.Optional(Timestamp),
    expires: Type.Optional(Timestamp),
  },
  { additionalProperties: false, description: 'credential metadata only: Mandate never takes the secret itself' },
);
export type Credential = Static<typeof Credential>;

export const Revocation = Type.Object(
  {
    connector: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,39}$', description: 'e.g. postgres, redis, rabbitmq, webhook, manual' }),
    target: Type.String({ minLength: 1, maxLength: 500, description: 'what the connector switches off, e.g. a role or user name' }),
  },
  { additionalProperties: false },
);
export type Revocation = Static<typeof Revocation>;

export const ActionId = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
export const Labels = Type.Record(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$' }), Type.String({ maxLength: 200 }), {
  maxProperties: 32,
});

export const Identity = Type.Object(
  {
    id: Id,
    kind: Enum(IDENTITY_KINDS),
    function: Enum(IDENTITY_FUNCTIONS),
    capability: Enum(CAPABILITIES),
    owner: Type.Optional(Email),
    purpose: Type.Optional(Text),
    scopes: Type.Array(Scope, { maxItems: 500 }),
    actions: Type.Optional(Type.Array(ActionId, { maxItems: 100, description: 'entitled actions; default per function' })),
    environment: Enum(ENVIRONMENTS),
    vendor: Type.Optional(Id),
    break_glass: Type.Optional(Type.Boolean({ default: false })),
    credential: Credential,
    revocation: Type.Optional(Revocation),
    status: Type.Optional(Enum(IDENTITY_STATUSES, 'default active')),
    labels: Type.Optional(Labels),
    last_used: Type.Optional(Timestamp),
  },
  { additionalProperties: false, title: 'Identity' },
);
/** An identity as written in a manifest or a request: optional fields may be left out. */
export type IdentityInput = Static<typeof Identity>;
/** An identity after normalisation: defaults filled in (actions, status, break_glass, labels). */
export type Identity = IdentityInput & {
  actions: string[];
  status: (typeof IDENTITY_STATUSES)[number];
  break_glass: boolean;
  labels: Record<string, string>;
};

/**
 * What a list's `q` searches: the id, the owner and the purpose, each lower-cased by JavaScript (so
 * both stores hold the same text, where SQL lower() folds only ASCII on SQLite), one to a line. A
 * search term holds no line breaks, so it never matches across two fields.
 */
export function identitySearchText(i: Pick<IdentityInput, 'id' | 'owner' | 'purpose'>): string {
  return [i.id, i.owner ?? '', i.purpose ?? ''].map((f) => f.toLowerCase()).join('\n');
}

export const ActionDefinitionSchema = Type.Object(
  { id: ActionId, class: Enum(ACTION_CLASSES), description: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
);

/** What the server adds to every stored record. */
export interface Stored<T> {
  record: T;
  version: number;
  created_at: string;
  updated_at: string;
}

export const RECORD_KINDS = ['entity', 'person', 'vendor', 'authorisation', 'product', 'identity'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface RecordTypes {
  entity: LegalEntity;
  person: Person;
  vendor: Vendor;
  authorisation: Authorisation;
  product: Product;
  identity: Identity;
}
export type AnyRecord = RecordTypes[RecordKind];
