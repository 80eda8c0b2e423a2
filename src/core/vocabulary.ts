// The fixed vocabularies of the domain: MiCA services, member states, identity kinds and
// functions, and the default action vocabulary. See docs/manifest.md for the written reference.

/** The ten crypto-asset services of MiCA Art. 3(1)(16), with Mandate's ids. */
export const MICA_SERVICES = [
  'custody',
  'trading_platform',
  'exchange_funds',
  'exchange_crypto',
  'execution',
  'placing',
  'reception_transmission',
  'advice',
  'portfolio_management',
  'transfer',
] as const;
export type MicaService = (typeof MICA_SERVICES)[number];

/** EU member states and the EEA states (MiCA is EEA-relevant), as ISO 3166-1 alpha-2 codes. Greece is GR (ISO), not EL. */
export const MEMBER_STATES = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'IS',
  'LI',
  'NO',
] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

export const AUTHORISATION_STATUSES = ['applied', 'authorised', 'restricted', 'suspended', 'withdrawn', 'wind_down', 'closed'] as const;
export type AuthorisationStatus = (typeof AUTHORISATION_STATUSES)[number];

export const AUTHORISATION_BASES = ['home', 'passport'] as const;
export type AuthorisationBasis = (typeof AUTHORISATION_BASES)[number];

export const IDENTITY_KINDS = [
  'service_account',
  'api_key',
  'workload',
  'signing_key',
  'pipeline',
  'wallet_integration',
  'ai_agent',
] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export const IDENTITY_FUNCTIONS = [
  'custody',
  'trading',
  'settlement',
  'reconciliation',
  'customer_support',
  'reporting',
  'infrastructure',
  // Functions of product identities (Cyber Resilience Act; docs/cra.md).
  'release_engineering',
  'update_distribution',
  'device_management',
  'product_security',
] as const;
export type IdentityFunction = (typeof IDENTITY_FUNCTIONS)[number];

export const CAPABILITIES = ['observe', 'execute'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const ENVIRONMENTS = ['production', 'staging', 'development'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const CREDENTIAL_TYPES = ['short_lived', 'static_secret', 'certificate', 'key_pair'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

export const IDENTITY_STATUSES = ['active', 'suspended', 'revoked', 'decommissioned'] as const;
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number];

export const PERSON_STATUSES = ['active', 'departed'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/**
 * Action classes decide what a licence change does to an action (docs/domain.md table):
 * observe is never cut; new business stops when a scope is not authorised; the return path
 * stays open through wind-down.
 */
export const ACTION_CLASSES = ['observe', 'new_business', 'return_path'] as const;
export type ActionClass = (typeof ACTION_CLASSES)[number];

export interface ActionDefinition {
  id: string;
  class: ActionClass;
  description: string;
}

export const DEFAULT_ACTIONS: readonly ActionDefinition[] = [
  { id: 'read', class: 'observe', description: 'Read data; never moves assets or serves clients.' },
  { id: 'onboard_client', class: 'new_business', description: 'Onboard a new client.' },
  { id: 'accept_order', class: 'new_business', description: 'Accept a client order.' },
  { id: 'execute_trade', class: 'new_business', description: 'Execute a trade or an order.' },
  { id: 'place_assets', class: 'new_business', description: 'Place crypto-assets.' },
  { id: 'give_advice', class: 'new_business', description: 'Give advice on crypto-assets.' },
  { id: 'manage_portfolio', class: 'new_business', description: 'Manage a client portfolio.' },
  { id: 'initiate_transfer', class: 'new_business', description: 'Initiate a transfer on behalf of a client.' },
  { id: 'withdraw_to_client', class: 'return_path', description: "Return assets to a client's verified address." },
  { id: 'transfer_to_successor', class: 'return_path', description: 'Transfer client assets to a successor CASP.' },
  { id: 'reconcile', class: 'return_path', description: 'Reconcile positions and ledgers.' },
  { id: 'issue_statement', class: 'return_path', description: 'Issue a client statement.' },
  { id: 'handle_complaint', class: 'return_path', description: 'Handle a client complaint.' },
  { id: 'submit_regulatory_report', class: 'return_path', description: 'Submit a regulatory report.' },
  // People's acts the decision point decides from their sign-in (issue 18 item 6): open through
  // suspension and wind-down like the return path (the emergency path and the fixes it ships).
  {
    id: 'use_breakglass',
    class: 'return_path',
    description: "A person uses a break-glass identity (the firm's emergency path) in the scope it acts in.",
  },
  { id: 'sign_release', class: 'return_path', description: 'Sign a software release (a person, or a product release-signing identity).' },
  // The vocabulary of product identities (Cyber Resilience Act; docs/cra.md). The return path of a
  // product is what its users already hold needs: building and signing fixes, security updates,
  // advisories and corrective actions; new business is placing a new release on the market.
  { id: 'build', class: 'return_path', description: 'Build a product release (a pipeline); needed for security fixes too.' },
  { id: 'publish_release', class: 'new_business', description: 'Publish a new product release to the market (a release channel).' },
  {
    id: 'publish_security_update',
    class: 'return_path',
    description: "Publish a security update to products in users' hands (CRA Annex I Part II (8)).",
  },
  { id: 'publish_advisory', class: 'return_path', description: 'Publish a security advisory about a product (CRA Annex I Part II (4)).' },
  {
    id: 'remote_manage',
    class: 'return_path',
    description: "Manage products in users' hands remotely: the corrective action path (configuration, disabling, recall).",
  },
  { id: 'read_telemetry', class: 'observe', description: 'Read product telemetry; changes nothing.' },
];

/**
 * The actions decided in a product scope (CRA). A product scope decides only these; a MiCA scope
 * decides every other action (and `read`). A firm's own actions are MiCA actions. The SDK's
 * decision engine holds the same lists (packages/sdk/src/decision/lifecycle.ts; this module stays
 * free of imports so the console can bundle it; test/core/product-lifecycle.test.ts keeps them equal).
 */
export const PRODUCT_ACTIONS: ReadonlySet<string> = new Set([
  'read',
  'read_telemetry',
  'build',
  'sign_release',
  'publish_release',
  'publish_security_update',
  'publish_advisory',
  'remote_manage',
]);
/** Product actions that mean nothing in a MiCA scope (sign_release predates products: people sign releases for a scope's systems). */
export const PRODUCT_ONLY_ACTIONS: ReadonlySet<string> = new Set([...PRODUCT_ACTIONS].filter((a) => a !== 'read' && a !== 'sign_release'));

/** A product's conformity and market status (CRA; docs/cra.md): what its identities may do follows it. */
export const PRODUCT_STATUSES = ['in_development', 'assessed', 'on_market', 'support_ended', 'withdrawn', 'recalled'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** CRA categories: default, important class I or II (Annex III), critical (Annex IV). */
export const PRODUCT_CATEGORIES = ['default', 'important_class_i', 'important_class_ii', 'critical'] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

/** Conformity assessment procedures (CRA Art. 32): module A internal control, B+C type examination, H full quality assurance, EUCC. */
export const CONFORMITY_PROCEDURES = [
  'internal_control',
  'eu_type_examination',
  'full_quality_assurance',
  'european_certification',
] as const;
export type ConformityProcedure = (typeof CONFORMITY_PROCEDURES)[number];

/**
 * The actions an identity holds when its record names none: what its function needs, and
 * nothing more (least privilege). An observe identity gets only the observe actions.
 */
export const DEFAULT_ACTIONS_BY_FUNCTION: Readonly<Record<IdentityFunction, readonly string[]>> = {
  custody: ['read', 'initiate_transfer', 'withdraw_to_client', 'transfer_to_successor', 'reconcile'],
  trading: ['read', 'accept_order', 'execute_trade'],
  settlement: ['read', 'initiate_transfer', 'withdraw_to_client', 'transfer_to_successor', 'reconcile'],
  reconciliation: ['read', 'reconcile'],
  customer_support: ['read', 'onboard_client', 'handle_complaint', 'issue_statement'],
  reporting: ['read', 'submit_regulatory_report', 'issue_statement'],
  infrastructure: ['read'],
  release_engineering: ['read', 'build', 'sign_release', 'publish_release', 'publish_security_update'],
  update_distribution: ['read', 'read_telemetry', 'publish_release', 'publish_security_update'],
  device_management: ['read', 'read_telemetry', 'remote_manage'],
  product_security: ['read', 'read_telemetry', 'publish_advisory'],
};

/** The action vocabulary in force: the defaults plus a firm's own definitions (which may not redefine a default). */
export class ActionVocabulary {
  private readonly byId: ReadonlyMap<string, ActionDefinition>;

  constructor(custom: readonly ActionDefinition[] = []) {
    const map = new Map<string, ActionDefinition>();
    for (const a of DEFAULT_ACTIONS) map.set(a.id, a);
    for (const a of custom) if (!map.has(a.id)) map.set(a.id, a);
    this.byId = map;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  classOf(id: string): ActionClass | undefined {
    return this.byId.get(id)?.class;
  }

  all(): ActionDefinition[] {
    return [...this.byId.values()];
  }
}

export function defaultActionsFor(fn: IdentityFunction, capability: Capability, vocabulary: ActionVocabulary): string[] {
  const actions = DEFAULT_ACTIONS_BY_FUNCTION[fn];
  return capability === 'observe' ? actions.filter((a) => vocabulary.classOf(a) === 'observe') : [...actions];
}
