// The machinery behind the demo firm: a seeded PRNG, fixed-clock date helpers, a view of the
// licence book for choosing scopes, and the factory that turns a short identity spec into a full
// manifest record (owner, credential history, last use, labels). Deterministic by construction:
// no Math.random, no Date.now; every "random" choice comes from the seed.
import {
  isProductScope,
  type Authorisation,
  type Credential,
  type IdentityInput,
  type Product,
  type Revocation,
  type Scope,
} from '../core/model.js';
import {
  MICA_SERVICES,
  type Capability,
  type CredentialType,
  type Environment,
  type IdentityFunction,
  type IdentityKind,
  type IdentityStatus,
  type MemberState,
  type MicaService,
} from '../core/vocabulary.js';
import { mulberry32 } from './prng.js';
import { DEMO_TODAY, PEOPLE, type DemoEntity, type Team } from './firm-data.js';

/** The demo's seeded randomness (mulberry32, src/demo/prng.ts): reproducible from the seed. */
export class Rng {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    const x = xs[Math.floor(this.next() * xs.length)];
    if (x === undefined) throw new RangeError('pick from an empty list');
    return x;
  }

  /** A uniform instant in [from, to), or `from` when the range is empty. */
  between(from: number, to: number): number {
    return to <= from ? from : from + Math.floor(this.next() * (to - from));
  }
}

// --- time: a fixed "today" instead of the clock ---------------------------------------------

export const DAY = 86_400_000;
export const TODAY = Date.parse(`${DEMO_TODAY}T00:00:00Z`);
/** Nothing in the demo predates this: the firm's current platform went live in January 2024. */
const PLATFORM_EPOCH = Date.parse('2024-01-08T00:00:00Z');

export const instant = (s: string): number => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
/** ISO 8601 date-time to the second, in UTC. */
export const iso = (t: number): string => new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');

// --- the licence book, as scopes ------------------------------------------------------------

export const scopeOf = (a: Authorisation): Scope => ({ entity: a.entity, service: a.service, jurisdiction: a.jurisdiction });

export class Licences {
  constructor(readonly all: readonly Authorisation[]) {}

  /**
   * The scopes of every authorisation record matching the filters. Applied (not yet live)
   * passports are left out unless asked for: no production system acts for them yet.
   */
  scopes(
    entities: DemoEntity | readonly DemoEntity[],
    services: readonly MicaService[] = MICA_SERVICES,
    jurisdictions?: readonly MemberState[],
    { includeApplied = false } = {},
  ): Scope[] {
    const es: readonly string[] = typeof entities === 'string' ? [entities] : entities;
    return this.all
      .filter((a) => es.includes(a.entity) && services.includes(a.service))
      .filter((a) => !jurisdictions || jurisdictions.includes(a.jurisdiction))
      .filter((a) => includeApplied || a.status !== 'applied')
      .map(scopeOf);
  }

  /** The authorisation records of one entity for one service, home first. */
  of(entity: DemoEntity, service: MicaService, { includeApplied = false } = {}): Authorisation[] {
    return this.all.filter((a) => a.entity === entity && a.service === service && (includeApplied || a.status !== 'applied'));
  }

  /** The member states an entity is live in, home first. */
  jurisdictions(entity: DemoEntity): MemberState[] {
    return [...new Set(this.all.filter((a) => a.entity === entity && a.status !== 'applied').map((a) => a.jurisdiction))];
  }

  find(s: Scope): Authorisation | undefined {
    if (!('entity' in s)) return undefined;
    return this.all.find((a) => a.entity === s.entity && a.service === s.service && a.jurisdiction === s.jurisdiction);
  }
}

// --- identities -----------------------------------------------------------------------------

/** When an identity was last used: a profile the factory turns into a timestamp, or a fixed one. */
export type Usage = 'busy' | 'rare' | 'never' | { at: string };

/** What a generator says about an identity; the factory fills in the rest from the seed. */
export interface IdentitySpec {
  id: string;
  kind: IdentityKind;
  fn: IdentityFunction;
  capability: Capability;
  team: Team;
  /** The system the identity belongs to (label `system`). */
  system: string;
  purpose: string;
  scopes: Scope[];
  revocation: Revocation;
  environment?: Environment;
  actions?: string[];
  vendor?: string;
  breakGlass?: boolean;
  status?: IdentityStatus;
  /** Default: an active member of `team`. */
  owner?: string;
  /** Labels beside `team` and `system` (e.g. `key_storage: hsm`). */
  labels?: Record<string, string>;
  /** Default: the usual credential for the kind, rotated as policy says. */
  credential?: { type: CredentialType; created?: string; neverRotated?: boolean };
  usage?: Usage;
}

const ACTIVE_BY_TEAM = new Map<Team, string[]>();
for (const p of PEOPLE) if (p.status === 'active') ACTIVE_BY_TEAM.set(p.team, [...(ACTIVE_BY_TEAM.get(p.team) ?? []), p.id]);

export class IdentityFactory {
  private readonly records: IdentityInput[] = [];
  private readonly specs = new Map<string, IdentitySpec>();

  constructor(
    private readonly rng: Rng,
    private readonly licences: Licences,
    /** The firm's products (CRA): an identity acting for one is provisioned before it is placed on the market. */
    private readonly products: readonly Product[] = [],
  ) {}

  add(spec: IdentitySpec): void {
    if (this.specs.has(spec.id)) throw new Error(`demo identity ${spec.id} defined twice`);
    this.specs.set(spec.id, spec);
    this.records.push(this.build(spec));
  }

  /** A non-production twin of an identity already added: same shape, its own credential and history. */
  twin(id: string, environment: 'staging' | 'development'): void {
    const base = this.specs.get(id);
    if (!base) throw new Error(`no demo identity ${id} to twin`);
    const suffix = environment === 'staging' ? 'stg' : 'dev';
    this.add({
      ...base,
      id: `${id}-${suffix}`,
      environment,
      purpose: `${environment === 'staging' ? 'Staging' : 'Development'} twin of ${id}: ${base.purpose}`,
      revocation: { ...base.revocation, target: twinTarget(base.revocation, suffix) },
      // Non-production twins get fresh credentials, never the production one's age or history.
      credential: base.credential ? { type: base.credential.type } : undefined,
      usage: 'busy',
      status: undefined,
    });
  }

  identities(): IdentityInput[] {
    return [...this.records];
  }

  private build(s: IdentitySpec): IdentityInput {
    const environment = s.environment ?? 'production';
    const credential = this.credential(s);
    const lastUsed = this.lastUsed(s, environment, instant(credential.created));
    const labels: Record<string, string> = { team: s.team, system: s.system, ...s.labels };
    if (s.capability === 'execute' && (s.fn === 'custody' || s.fn === 'settlement') && environment === 'production')
      labels.tier = 'critical';
    return {
      id: s.id,
      kind: s.kind,
      function: s.fn,
      capability: s.capability,
      owner: s.owner ?? this.rng.pick(ACTIVE_BY_TEAM.get(s.team) ?? []),
      purpose: s.purpose,
      environment,
      ...(s.vendor ? { vendor: s.vendor } : {}),
      ...(s.breakGlass ? { break_glass: true } : {}),
      ...(s.status && s.status !== 'active' ? { status: s.status } : {}),
      // Fresh copies: specs share scope lists, records must not (callers may edit them).
      scopes: s.scopes.map((x) => ({ ...x })),
      ...(s.actions ? { actions: [...s.actions] } : {}),
      credential,
      revocation: { ...s.revocation },
      labels,
      ...(lastUsed ? { last_used: lastUsed } : {}),
    };
  }

  /**
   * Credentials are issued a little before the earliest licence they serve goes live (systems are
   * provisioned ahead of launch), and rotated as the firm's policy says: certificates yearly,
   * static secrets quarterly, key pairs now and then. `neverRotated` is the finding to show.
   */
  private credential(s: IdentitySpec): Credential {
    const rng = this.rng;
    const type = s.credential?.type ?? this.defaultCredentialType(s.kind);
    const upper = TODAY - 40 * DAY;
    const lower = Math.min(upper, Math.max(PLATFORM_EPOCH, this.goLive(s.scopes) - 20 * DAY));
    // Skewed towards the early end: most systems were built around launch, not last month.
    const created = s.credential?.created ? instant(s.credential.created) : lower + Math.floor((upper - lower) * rng.next() ** 1.6);
    const base: Credential = { type, created: iso(created) };
    switch (type) {
      case 'certificate': {
        const rotated = created < TODAY - 330 * DAY ? rng.between(TODAY - 330 * DAY, TODAY - 5 * DAY) : undefined;
        return { ...base, ...(rotated ? { last_rotated: iso(rotated) } : {}), expires: iso((rotated ?? created) + 365 * DAY) };
      }
      case 'static_secret': {
        if (s.credential?.neverRotated) return base;
        const rotated = created < TODAY - 90 * DAY ? rng.between(TODAY - 90 * DAY, TODAY - 2 * DAY) : undefined;
        return rotated ? { ...base, last_rotated: iso(rotated) } : base;
      }
      case 'key_pair': {
        const rotated = created < TODAY - 180 * DAY && rng.chance(0.4) ? rng.between(created + 30 * DAY, TODAY - 10 * DAY) : undefined;
        return rotated ? { ...base, last_rotated: iso(rotated) } : base;
      }
      case 'short_lived':
        return base;
    }
  }

  private defaultCredentialType(kind: IdentityKind): CredentialType {
    switch (kind) {
      case 'api_key':
        return 'static_secret';
      case 'signing_key':
        return 'key_pair';
      case 'wallet_integration':
        return this.rng.pick(['certificate', 'key_pair'] as const);
      case 'service_account':
        return this.rng.pick(['certificate', 'static_secret', 'short_lived'] as const);
      case 'workload':
      case 'pipeline':
      case 'ai_agent':
        // Workload identity federation and OAuth token exchange: nothing long-lived to leak.
        return 'short_lived';
    }
  }

  /** The earliest go-live date among the licences an identity serves, or the products it acts for (placed on the market). */
  private goLive(scopes: readonly Scope[]): number {
    let earliest = TODAY - 30 * DAY;
    for (const s of scopes) {
      const from = isProductScope(s)
        ? this.products.find((p) => p.id === s.product)?.placed_on_market
        : this.licences.find(s)?.effective_from;
      if (from) earliest = Math.min(earliest, instant(from));
    }
    return earliest;
  }

  private lastUsed(s: IdentitySpec, environment: Environment, created: number): string | undefined {
    const rng = this.rng;
    const after = (from: number, to: number) => iso(rng.between(Math.max(from, created + DAY), Math.max(to, created + DAY)));
    const usage = s.usage ?? (s.breakGlass ? 'rare' : 'busy');
    if (usage === 'never') return undefined;
    if (typeof usage === 'object') return usage.at;
    const status = s.status ?? 'active';
    if (status === 'decommissioned' || status === 'revoked') return after(TODAY - 420 * DAY, TODAY - 150 * DAY);
    if (status === 'suspended') return after(TODAY - 60 * DAY, TODAY - 17 * DAY);
    if (usage === 'rare') return rng.chance(0.3) ? undefined : after(TODAY - 300 * DAY, TODAY - 30 * DAY);
    if (environment === 'development') return rng.chance(0.25) ? undefined : after(TODAY - 120 * DAY, TODAY - DAY);
    if (environment === 'staging') return after(TODAY - 30 * DAY, TODAY - 1000);
    // Production systems run all the time; a few are batch jobs or quiet integrations.
    return rng.chance(0.85) ? after(TODAY - 3 * DAY, TODAY - 1000) : after(TODAY - 45 * DAY, TODAY - 3 * DAY);
  }
}

function twinTarget(r: Revocation, suffix: string): string {
  if (r.connector === 'webhook' || r.connector === 'manual') return r.target;
  return r.connector === 'postgres' ? `${r.target}_${suffix}` : `${r.target}-${suffix}`;
}
