// The small world the model-based test drives: one entity with a custody home authorisation and
// three passports (one still applied), an execution home with one passport, a scope the firm
// holds no authorisation for, eleven identities of different functions and capabilities (execute
// and observe, an AI agent, a vendor, a break-glass one, a staging one), and the people who act
// on them. Small on purpose: random sequences keep hitting the interesting states. Beside MiCA, two
// products under the CRA (an important class II hardware wallet on the market, a default-category
// app assessed, each with a stable and a beta channel) and the identities acting for them: a
// release pipeline, a beta update service, a staging pipeline, a supplier's build and device
// management identities, an observe one, and one acting for both regimes.
import { LEI_DE } from '../support/fixtures.js';
import type { Role } from '../../src/core/roles.js';

export interface Scope {
  entity: string;
  service: string;
  jurisdiction: string;
}
export const sk = (s: Scope): string => `${s.entity}/${s.service}/${s.jurisdiction}`;
/** A product scope (CRA): every channel of the product, or one channel. */
export interface ProductScope {
  product: string;
  channel?: string;
}
export type AnyScope = Scope | ProductScope;
export const isProduct = (s: AnyScope): s is ProductScope => 'product' in s;
/** A scope's key in either regime: `entity/service/jurisdiction`, or `product:<id>[/<channel>]`. */
export const key = (s: AnyScope): string => (isProduct(s) ? `product:${s.product}${s.channel ? `/${s.channel}` : ''}` : sk(s));
/** The services of an identity's scopes, for the approval rule (a product scope counts as `product`). */
export const servicesOf = (scopes: readonly AnyScope[]): string[] => scopes.map((s) => (isProduct(s) ? 'product' : s.service));
export const scopeOf = (key: string): Scope => {
  const [entity, service, jurisdiction] = key.split('/') as [string, string, string];
  return { entity, service, jurisdiction };
};

export const CUS_DE: Scope = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' };
export const CUS_FR: Scope = { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' };
export const CUS_NL: Scope = { entity: 'ent-de', service: 'custody', jurisdiction: 'NL' };
export const CUS_IT: Scope = { entity: 'ent-de', service: 'custody', jurisdiction: 'IT' };
export const EXE_DE: Scope = { entity: 'ent-de', service: 'execution', jurisdiction: 'DE' };
export const EXE_FR: Scope = { entity: 'ent-de', service: 'execution', jurisdiction: 'FR' };
/** No authorisation is held here: state `none`. */
export const CUS_ES: Scope = { entity: 'ent-de', service: 'custody', jurisdiction: 'ES' };
export const ALL_SCOPES: readonly Scope[] = [CUS_DE, CUS_FR, CUS_NL, CUS_IT, EXE_DE, EXE_FR, CUS_ES];

export interface AuthorisationSeed {
  id: string;
  entity: string;
  service: string;
  jurisdiction: string;
  status: string;
  basis: 'home' | 'passport';
  reference: string;
}

export const AUTHORISATIONS: readonly AuthorisationSeed[] = [
  { id: 'a-cus-de', ...CUS_DE, status: 'authorised', basis: 'home', reference: 'BaFin 1' },
  { id: 'a-cus-fr', ...CUS_FR, status: 'authorised', basis: 'passport', reference: 'BaFin 1-FR' },
  { id: 'a-cus-nl', ...CUS_NL, status: 'authorised', basis: 'passport', reference: 'BaFin 1-NL' },
  { id: 'a-cus-it', ...CUS_IT, status: 'applied', basis: 'passport', reference: 'BaFin 1-IT' },
  { id: 'a-exe-de', ...EXE_DE, status: 'authorised', basis: 'home', reference: 'BaFin 2' },
  { id: 'a-exe-fr', ...EXE_FR, status: 'authorised', basis: 'passport', reference: 'BaFin 2-FR' },
];

export type ProductStatus = 'in_development' | 'assessed' | 'on_market' | 'support_ended' | 'withdrawn' | 'recalled';
export const PRODUCT_STATUS_LIST: readonly ProductStatus[] = [
  'in_development',
  'assessed',
  'on_market',
  'support_ended',
  'withdrawn',
  'recalled',
];

export interface ProductSeed {
  id: string;
  name: string;
  category: 'default' | 'important_class_i' | 'important_class_ii' | 'critical';
  channels: string[];
  status: ProductStatus;
  record: Record<string, unknown>;
}

export const WALLET = 'prod-wallet';
export const APP = 'prod-app';
export const PRODUCTS: readonly ProductSeed[] = [
  {
    id: WALLET,
    name: 'Model hardware wallet',
    category: 'important_class_ii',
    channels: ['stable', 'beta'],
    status: 'on_market',
    record: {
      versions: ['1.0.0'],
      placed_on_market: '2025-06-01',
      support_period_end: '2030-06-01',
      conformity_assessment: { procedure: 'eu_type_examination', reference: 'NB-1/2025', notified_body: 'Model NB 0001' },
      declaration_of_conformity: 'DoC-W-1',
      member_states: ['DE', 'FR'],
    },
  },
  {
    id: APP,
    name: 'Model wallet app',
    category: 'default',
    channels: ['stable', 'beta'],
    status: 'assessed',
    record: {
      versions: ['0.9.0'],
      conformity_assessment: { procedure: 'internal_control', reference: 'TF-APP-1' },
      member_states: ['DE'],
    },
  },
];
/** A product nobody recorded: state `none`. */
export const NO_PRODUCT = 'prod-none';
/** Product resources decisions are asked about: each channel of each product, and a product that does not exist. */
export const PRODUCT_RESOURCES: readonly Required<ProductScope>[] = [
  ...PRODUCTS.flatMap((p) => p.channels.map((channel) => ({ product: p.id, channel }))),
  { product: NO_PRODUCT, channel: 'stable' },
];

export const OWNER_A = 'ola@firm.example';
export const OWNER_B = 'omar@firm.example';
export const VENDOR = 'v-kyc';

export interface IdentitySeed {
  id: string;
  kind: string;
  function: string;
  capability: 'observe' | 'execute';
  owner: string;
  purpose: string;
  scopes: AnyScope[];
  actions: string[];
  environment: 'production' | 'staging' | 'development';
  vendor?: string;
  break_glass: boolean;
  credential: { type: string; created: string };
  revocation: { connector: string; target: string };
}

const seed = (id: string, over: Partial<IdentitySeed> & Pick<IdentitySeed, 'function' | 'scopes' | 'actions'>): IdentitySeed => ({
  id,
  kind: 'service_account',
  capability: 'execute',
  owner: OWNER_A,
  purpose: `model identity ${id}`,
  environment: 'production',
  break_glass: false,
  credential: { type: 'short_lived', created: '2026-01-01T00:00:00Z' },
  revocation: { connector: 'manual', target: `t-${id}` },
  ...over,
});

export const IDENTITIES: readonly IdentitySeed[] = [
  seed('cus-api', {
    function: 'custody',
    scopes: [CUS_DE, CUS_FR, CUS_NL],
    actions: ['read', 'initiate_transfer', 'withdraw_to_client', 'transfer_to_successor', 'reconcile'],
  }),
  seed('cus-signer-fr', {
    kind: 'signing_key',
    function: 'custody',
    owner: OWNER_B,
    scopes: [CUS_FR],
    actions: ['read', 'initiate_transfer', 'withdraw_to_client'],
  }),
  seed('settle-nl', {
    kind: 'workload',
    function: 'settlement',
    scopes: [CUS_NL, CUS_IT],
    actions: ['read', 'initiate_transfer', 'transfer_to_successor'],
  }),
  seed('trade', { function: 'trading', owner: OWNER_B, scopes: [EXE_DE, EXE_FR], actions: ['read', 'accept_order', 'execute_trade'] }),
  seed('trade-fr', { kind: 'api_key', function: 'trading', scopes: [EXE_FR], actions: ['read', 'execute_trade'] }),
  seed('exe-settle', {
    kind: 'pipeline',
    function: 'settlement',
    owner: OWNER_B,
    scopes: [EXE_DE],
    actions: ['read', 'withdraw_to_client', 'reconcile'],
  }),
  seed('report', { function: 'reporting', capability: 'observe', scopes: [CUS_DE, EXE_DE, CUS_FR], actions: ['read'] }),
  seed('agent', { kind: 'ai_agent', function: 'custody', scopes: [CUS_DE, CUS_FR], actions: ['read', 'reconcile'] }),
  seed('vendor-kyc', {
    kind: 'api_key',
    function: 'customer_support',
    owner: OWNER_B,
    vendor: VENDOR,
    scopes: [CUS_DE, CUS_FR],
    actions: ['read', 'onboard_client', 'handle_complaint', 'issue_statement'],
  }),
  seed('bg-cus', {
    function: 'custody',
    owner: OWNER_B,
    break_glass: true,
    scopes: [CUS_DE, CUS_FR],
    actions: ['read', 'initiate_transfer', 'withdraw_to_client'],
  }),
  seed('stg-cus', {
    kind: 'workload',
    function: 'custody',
    environment: 'staging',
    scopes: [CUS_NL, CUS_IT],
    actions: ['read', 'initiate_transfer', 'withdraw_to_client'],
  }),
  // Products (CRA). Indexes 11 and up, after the MiCA identities (the regressions name those by index).
  seed('wal-release', {
    kind: 'pipeline',
    function: 'release_engineering',
    scopes: [{ product: WALLET }],
    actions: ['read', 'build', 'sign_release', 'publish_release', 'publish_security_update'],
  }),
  seed('wal-update-beta', {
    kind: 'workload',
    function: 'update_distribution',
    owner: OWNER_B,
    scopes: [{ product: WALLET, channel: 'beta' }],
    actions: ['read', 'read_telemetry', 'publish_release', 'publish_security_update'],
  }),
  // A staging pipeline of an important product: it builds, but never signs (narrowed from the start).
  seed('wal-stg', {
    kind: 'pipeline',
    function: 'release_engineering',
    environment: 'staging',
    scopes: [{ product: WALLET, channel: 'beta' }],
    actions: ['read', 'build', 'sign_release'],
  }),
  seed('wal-devmgmt', {
    kind: 'api_key',
    function: 'device_management',
    owner: OWNER_B,
    vendor: VENDOR,
    scopes: [{ product: WALLET }],
    actions: ['read', 'read_telemetry', 'remote_manage'],
  }),
  // A supplier's build pipeline of the app, assessed: it builds and signs, publishes nothing yet.
  seed('app-build', {
    kind: 'pipeline',
    function: 'release_engineering',
    vendor: VENDOR,
    scopes: [{ product: APP }],
    actions: ['read', 'build', 'sign_release', 'publish_release'],
  }),
  seed('prod-obs', {
    function: 'product_security',
    capability: 'observe',
    scopes: [{ product: APP }, { product: WALLET, channel: 'stable' }],
    actions: ['read', 'read_telemetry'],
  }),
  // One identity acting for both regimes: custody in DE, the wallet's releases, the app's stable channel.
  seed('rel-cus', {
    function: 'release_engineering',
    owner: OWNER_B,
    scopes: [CUS_DE, { product: WALLET }, { product: APP, channel: 'stable' }],
    actions: ['read', 'initiate_transfer', 'publish_release', 'publish_security_update'],
  }),
];

/** The first manifest: imported into the empty store, it is the recorded bootstrap. */
export function bootstrapManifest(): Record<string, unknown> {
  return {
    version: 1,
    entities: [{ id: 'ent-de', name: 'Model Custody GmbH', lei: LEI_DE, home: 'DE' }],
    people: [
      { id: OWNER_A, name: 'Ola Owner', status: 'active' },
      { id: OWNER_B, name: 'Omar Owner', status: 'active' },
    ],
    vendors: [{ id: VENDOR, name: 'KYC Vendor' }],
    authorisations: AUTHORISATIONS.map((a) => ({ ...a })),
    products: PRODUCTS.map((p) => ({
      id: p.id,
      name: p.name,
      manufacturer: 'ent-de',
      category: p.category,
      channels: [...p.channels],
      status: p.status,
      ...structuredClone(p.record),
    })),
    identities: IDENTITIES.map((i) => structuredClone(i)),
  };
}

/** The people acting on the API, by user id, with their roles. */
export const USERS: Readonly<Record<string, Role[]>> = {
  carla: ['compliance_officer'],
  cora: ['compliance_officer'],
  olga: ['operator'],
  otto: ['operator'],
  anton: ['approver'],
  alma: ['approver'],
  ari: ['approver'],
  // Owns most identities and is an approver: she may never decide about her own identities.
  [OWNER_A]: ['approver'],
  boss: ['admin'],
  bess: ['admin'],
  enf: ['enforcer'],
};
/** Who votes on approvals in random sequences: approvers, an owner, admins, and people without the role. */
export const VOTERS = ['anton', 'alma', 'ari', OWNER_A, 'boss', 'bess', 'carla', 'olga'] as const;
export const PROPOSERS = ['carla', 'cora'] as const;
export const OPERATORS = ['olga', 'otto'] as const;
export const ADMINS = ['boss', 'bess'] as const;

/** Actions the decision sample asks about, beyond each identity's own. */
export const SAMPLE_ACTIONS = [
  'read',
  'initiate_transfer',
  'withdraw_to_client',
  'reconcile',
  'accept_order',
  'onboard_client',
  'transfer_to_successor',
  'issue_statement',
] as const;
/** Actions the decision sample asks about on product resources, beyond each identity's own. */
export const SAMPLE_PRODUCT_ACTIONS = [
  'publish_release',
  'sign_release',
  'build',
  'publish_security_update',
  'remote_manage',
  'read_telemetry',
  'publish_advisory',
  'initiate_transfer',
] as const;
