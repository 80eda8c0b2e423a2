// The synthetic firm bench:evidence seeds (seeded, so every run builds the same firm): three legal
// entities with a licence book across nine member states and five MiCA services (some of it not
// live: applied, suspended, wind-down, one scope held without any authorisation), 200 people (a
// few departed), 20 vendors and N identities with owners (40% on short-lived tokens, 20% each on
// key pairs, certificates and static secrets; 12% run by vendors), vendor identities,
// break-glass identities and a spread of statuses. Besides the manifest it answers what the bulk
// event generator needs per identity (environment, the actions it may use, the applications that
// call it), as compact arrays.
import { withLeiCheckDigits } from '../../src/core/lei.js';
import type { Manifest } from '../../src/core/manifest.js';
import { mulberry32 } from '../../src/demo/prng.js';
import { normaliseIdentity } from '../../src/core/rules.js';
import {
  ActionVocabulary,
  CREDENTIAL_TYPES,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  type Environment,
  type IdentityStatus,
  type MemberState,
  type MicaService,
} from '../../src/core/vocabulary.js';

export const SEED = 0x65766964; // "evid"

export interface Scope {
  entity: string;
  service: MicaService;
  jurisdiction: MemberState;
}

export const ENTITIES: readonly { id: string; name: string; home: MemberState; hosts: MemberState[]; share: number }[] = [
  { id: 'ent-fr', name: 'Exemple Actifs Numériques SAS', home: 'FR', hosts: ['DE', 'IT', 'ES', 'NL', 'BE'], share: 0.45 },
  { id: 'ent-de', name: 'Beispiel Krypto Verwahrung GmbH', home: 'DE', hosts: ['FR', 'AT', 'IT', 'PL'], share: 0.35 },
  { id: 'ent-ie', name: 'Example Markets Ltd', home: 'IE', hosts: ['FR', 'DE', 'NL'], share: 0.2 },
];
export const SERVICES: readonly MicaService[] = ['custody', 'transfer', 'exchange_crypto', 'execution', 'trading_platform'];

/** Authorisations that are not simply authorised (the rest are), and one scope held with none. */
const NOT_LIVE: Record<string, { status: string; deadline?: string }> = {
  'ent-ie/trading_platform/NL': { status: 'applied' },
  'ent-de/execution/PL': { status: 'suspended', deadline: '2027-01-31' },
  'ent-fr/trading_platform/ES': { status: 'wind_down', deadline: '2027-03-31' },
  'ent-fr/exchange_crypto/BE': { status: 'restricted' },
};
/** A scope some identities still name although the firm holds no authorisation there. */
const UNLICENSED: Scope = { entity: 'ent-de', service: 'trading_platform', jurisdiction: 'AT' };
/** The authorisation the seeding withdraws through a real transition (a cascade: suspensions, narrowing, outbox). */
export const WITHDRAWN = { id: 'auth-ent-de-transfer-at', scope: { entity: 'ent-de', service: 'transfer', jurisdiction: 'AT' } as Scope };

export const CONNECTORS = ['postgres', 'redis', 'rabbitmq', 'webhook', 'manual'] as const;
const pad = (n: number, w: number) => String(n).padStart(w, '0');
export const identityId = (n: number) => `nhi-${pad(n, 6)}`;

export interface Firm {
  manifest: Manifest;
  authorisations: number;
  people: number;
  departed: number;
  vendors: number;
  /** Per identity (index n-1 for nhi-n): what the bulk events need. */
  env: Environment[];
  status: IdentityStatus[];
  capability: ('observe' | 'execute')[];
  /** The non-observe actions the identity holds (what decisions use), and all its actions. */
  executeActions: string[][];
  actions: string[][];
  /** Index of the application (enforcement point) that calls it; -1: never seen in decisions. */
  app: number[];
  /** A second application for the few identities shared between two (identity-reused). */
  secondApp: number[];
  /** An environment it is (wrongly) also used from, for a few. */
  strayEnv: (Environment | null)[];
  staticSecretExecute: number[];
  breakGlass: number[];
  /** Identities acting for each entity/member state (for choosing the pack). */
  perEntityState: Map<string, number>;
  apps: number;
}

export function generateFirm(count: number): Firm {
  const rnd = mulberry32(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const day = (from: number, spanDays: number) => new Date(from + Math.floor(rnd() * spanDays) * 86_400_000).toISOString().slice(0, 10);
  const vocabulary = new ActionVocabulary();

  const entities = ENTITIES.map((e, n) => ({
    id: e.id,
    name: e.name,
    lei: withLeiCheckDigits(`EVIDLEI${n + 1}`.padEnd(18, '0')),
    home: e.home,
  }));
  const authorisations: NonNullable<Manifest['authorisations']> = [];
  const scopesByEntity = new Map<string, { home: Scope[]; host: Scope[] }>();
  for (const e of ENTITIES) {
    const mine = { home: [] as Scope[], host: [] as Scope[] };
    scopesByEntity.set(e.id, mine);
    for (const service of SERVICES) {
      for (const jurisdiction of [e.home, ...e.hosts]) {
        const scope = { entity: e.id, service, jurisdiction };
        if (jurisdiction === e.home) mine.home.push(scope);
        else mine.host.push(scope);
        const key = `${e.id}/${service}/${jurisdiction}`;
        if (e.id === UNLICENSED.entity && service === UNLICENSED.service && jurisdiction === UNLICENSED.jurisdiction) continue;
        const basis = jurisdiction === e.home ? 'home' : 'passport';
        const special = NOT_LIVE[key];
        authorisations.push({
          id: `auth-${e.id}-${service.replaceAll('_', '-')}-${jurisdiction.toLowerCase()}`,
          entity: e.id,
          service,
          jurisdiction,
          status: (special?.status ?? 'authorised') as never,
          basis,
          reference: `${basis === 'home' ? 'HOME' : 'PASSPORT'}/${e.home}/${authorisations.length + 1}`,
          effective_from: '2025-01-01',
          ...(special?.deadline ? { deadline: special.deadline } : {}),
        });
      }
    }
  }
  if (!authorisations.some((a) => a.id === WITHDRAWN.id)) throw new Error(`generator lost ${WITHDRAWN.id}`);

  const people = Array.from({ length: 200 }, (_, i) => ({
    id: `person${pad(i + 1, 3)}@evid.example`,
    name: `Evidence Person ${i + 1}`,
    status: (i % 40 === 39 ? 'departed' : 'active') as 'active' | 'departed',
  }));
  const vendors = Array.from({ length: 20 }, (_, i) => ({ id: `vendor-${pad(i + 1, 2)}`, name: `Vendor ${i + 1} Ltd` }));
  const APPS = 400;

  const firm: Firm = {
    manifest: { version: 1, entities, people, vendors, authorisations, identities: [] } as Manifest,
    authorisations: authorisations.length,
    people: people.length,
    departed: people.filter((p) => p.status === 'departed').length,
    vendors: vendors.length,
    env: [],
    status: [],
    capability: [],
    executeActions: [],
    actions: [],
    app: [],
    secondApp: [],
    strayEnv: [],
    staticSecretExecute: [],
    breakGlass: [],
    perEntityState: new Map(),
    apps: APPS,
  };
  const start2023 = Date.UTC(2023, 0, 1);
  for (let n = 1; n <= count; n++) {
    const id = identityId(n);
    const r = rnd();
    const entity = r < ENTITIES[0]!.share ? ENTITIES[0]! : r < ENTITIES[0]!.share + ENTITIES[1]!.share ? ENTITIES[1]! : ENTITIES[2]!;
    const mine = scopesByEntity.get(entity.id)!;
    const fn = pick(IDENTITY_FUNCTIONS);
    const capability = rnd() < 0.3 ? 'observe' : 'execute';
    // Most identities act at home; some in host states too.
    const nScopes = 1 + Math.floor(rnd() * 3);
    const scopes: Scope[] = [];
    let guard = 0;
    while (scopes.length < nScopes && guard++ < 20) {
      const s = rnd() < 0.003 && entity.id === UNLICENSED.entity ? UNLICENSED : pick(rnd() < 0.55 ? mine.home : mine.host);
      if (!scopes.some((x) => x.service === s.service && x.jurisdiction === s.jurisdiction)) scopes.push(s);
    }
    const created = day(start2023, 800);
    // Most workloads on short-lived tokens; a fifth each on key pairs, certificates and static secrets.
    const c = rnd();
    const credentialType =
      c < 0.4 ? CREDENTIAL_TYPES[0] : c < 0.6 ? CREDENTIAL_TYPES[3] : c < 0.8 ? CREDENTIAL_TYPES[2] : CREDENTIAL_TYPES[1];
    const credential: Record<string, string> = { type: credentialType, created };
    if (rnd() < 0.5) credential.last_rotated = day(Date.parse(created) + 86_400_000, 300);
    const s = rnd();
    const status: IdentityStatus = s < 0.002 ? 'revoked' : s < 0.005 ? 'decommissioned' : s < 0.02 ? 'suspended' : 'active';
    const env: Environment = rnd() < 0.6 ? 'production' : rnd() < 0.6 ? 'staging' : 'development';
    const record: Record<string, unknown> = {
      id,
      kind: pick(IDENTITY_KINDS),
      function: fn,
      capability,
      owner: pick(people).id,
      purpose: `${fn.replaceAll('_', ' ')} identity #${n} for ${entity.id}`,
      scopes,
      environment: env,
      credential,
      revocation: { connector: pick(CONNECTORS), target: `role_${id.replaceAll('-', '_')}` },
    };
    if (rnd() < 0.12) record.vendor = pick(vendors).id;
    const breakGlass = rnd() < 0.002;
    if (breakGlass) record.break_glass = true;
    if (status !== 'active') record.status = status;
    if (rnd() < 0.5)
      record.labels = {
        team: pick(['payments', 'custody-ops', 'trading-desk', 'platform', 'risk', 'finance']),
        'cost-centre': `cc-${pad(Math.floor(rnd() * 100), 3)}`,
      };
    const normal = normaliseIdentity(record as never, vocabulary);
    firm.manifest.identities!.push(record as never);
    firm.env.push(env);
    firm.status.push(status);
    firm.capability.push(capability);
    firm.actions.push(normal.actions);
    firm.executeActions.push(normal.actions.filter((a) => vocabulary.classOf(a) !== 'observe'));
    // 75% of identities are seen in decisions; each through one application, a few through two.
    const seen = rnd() < 0.75;
    firm.app.push(seen ? Math.floor(rnd() * APPS) : -1);
    firm.secondApp.push(seen && rnd() < 0.01 ? Math.floor(rnd() * APPS) : -1);
    firm.strayEnv.push(seen && rnd() < 0.005 ? (env === 'production' ? 'staging' : 'production') : null);
    if (status === 'active' && capability === 'execute' && credentialType === 'static_secret') firm.staticSecretExecute.push(n);
    if (breakGlass && status === 'active') firm.breakGlass.push(n);
    if (status === 'active' || status === 'suspended')
      for (const k of new Set(scopes.map((x) => `${x.entity}/${x.jurisdiction}`)))
        firm.perEntityState.set(k, (firm.perEntityState.get(k) ?? 0) + 1);
  }
  return firm;
}
