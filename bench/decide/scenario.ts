// The decision benchmark's scenario: a seeded firm (~10,000 identities, 60 scopes in every
// authorisation state) and 100,000 decision requests over it, the same on every machine and in
// every process (each engine runs in its own child, which rebuilds the scenario and checks the
// fingerprint against the parent's).
//
// Each request exists in two forms:
//   - `mandate`: what a caller sends Mandate ({ principal: { identity }, action, resource, context });
//     Mandate's engines load `world` (identities, authorisations, lifecycle rules) and compute the
//     lawful part themselves;
//   - `peer`: everything a general-purpose engine needs, flat, with `lawful` precomputed here by
//     Mandate's own lifecycle engine (decidePower) — peers get it as data.
// `expected()` is the plain-JS reference of the decision and the arbiter of every mismatch.
//
// A decision for a verified Mandate token takes attestation, environment and session purpose from
// the token (a caller's context that contradicts them is denied: builtin:context-conflicts-with-
// token). The token form of a request is its context with the token's facts in those fields — the
// tokens here come from a platform's OIDC token exchange, so they are attested and carry the
// identity's own environment — and `expectedToken` is expected() over that form.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { withLeiCheckDigits } from '../../src/core/lei.js';
import {
  checkRules,
  decidePower,
  scopeKey,
  type AuthorityLookup,
  type LifecycleRules,
  type ScopeAuthority,
  type ScopeState,
} from '../../src/core/lifecycle.js';
import type { Authorisation, Identity, LegalEntity, MicaScope as Scope } from '../../src/core/model.js';
import { mulberry32 } from '../../src/demo/prng.js';
import {
  ActionVocabulary,
  CREDENTIAL_TYPES,
  DEFAULT_ACTIONS,
  PRODUCT_ONLY_ACTIONS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  defaultActionsFor,
  type ActionClass,
  type AuthorisationStatus,
  type Environment,
  type MemberState,
  type MicaService,
} from '../../src/core/vocabulary.js';

export const SEED = 0x64656369; // "deci"
export const DEFAULT_IDENTITIES = 10_000;
export const DEFAULT_REQUESTS = 100_000;

const RULES_FILE = new URL('../../policies/lifecycle/mica-default.yaml', import.meta.url);

export type DevicePosture = 'compliant' | 'non_compliant' | 'unknown';

export interface RequestContext {
  attested: boolean;
  device_posture: DevicePosture;
  session_purpose: string;
  environment: Environment;
  amount?: number;
}

/** A request as a caller sends it to Mandate. */
export interface MandateRequest {
  principal: { identity: string };
  action: string;
  resource: { entity: string; service: MicaService; jurisdiction: MemberState; kind: 'account' };
  context: RequestContext;
}

/** The principal's attributes as peers receive them; one shared object per identity. */
export interface PeerPrincipal {
  id: string;
  kind: string;
  function: string;
  capability: 'observe' | 'execute';
  environment: Environment;
  vendor: boolean;
  break_glass: boolean;
  status: string;
  actions: string[];
  /** Scope keys "entity/service/JJ". */
  scopes: string[];
}

/** A request with everything a general-purpose engine needs, `lawful` precomputed. */
export interface PeerRequest {
  principal: PeerPrincipal;
  action: string;
  actionClass: ActionClass;
  /** actionClass != 'observe'. */
  execute: boolean;
  resource: {
    id: string;
    entity: string;
    service: MicaService;
    jurisdiction: MemberState;
    scope: string;
    kind: 'account';
    state: ScopeState;
  };
  /** Whether the lifecycle rules leave this action lawful for this identity in this scope. */
  lawful: boolean;
  context: RequestContext;
}

export interface DecisionRequest {
  mandate: MandateRequest;
  peer: PeerRequest;
}

export interface World {
  entities: LegalEntity[];
  authorisations: Authorisation[];
  identities: Identity[];
  /** Every scope key of the world with its state (`none`: no authorisation held). */
  scopes: { key: string; scope: Scope; state: ScopeState }[];
  rules: LifecycleRules;
}

export interface Scenario {
  seed: number;
  world: World;
  requests: DecisionRequest[];
  /** expected() of every request: 1 allow, 0 deny. */
  expected: Uint8Array;
  /** expected() of every request's token form (tokenContext), for modes that decide for a token. */
  expectedToken: Uint8Array;
  /** A short hash of everything the engines see, to check that every process built the same scenario. */
  fingerprint: string;
  stats: {
    identities: number;
    scopes: number;
    requests: number;
    allows: number;
    tokenAllows: number;
    executeRequests: number;
    lawfulExecute: number;
    /** Identities active by the draw that the lifecycle suspends on import (no lawful execute action left). */
    lifecycleSuspended: number;
    states: Record<string, number>;
    /** Denies by the first rule of expected() that denies. */
    denies: Record<string, number>;
  };
}

/** The reference decision (Mandate's, over the peer form); the arbiter for mismatches. */
export function expected(req: PeerRequest): boolean {
  return denyReason(req) === null;
}

/** Why expected() denies (the first rule that does), or null for an allow; the scenario counts them so every rule is seen exercised. */
export function denyReason(req: PeerRequest): string | null {
  const p = req.principal;
  if (p.status !== 'active') return 'principal not active';
  if (req.execute && p.capability === 'observe') return 'observe identity, execute action';
  if (req.execute && !req.lawful) return 'not lawful in this scope';
  if (!p.actions.includes(req.action)) return 'action not entitled';
  if (!p.scopes.includes(req.resource.scope)) return 'scope not held';
  if (!req.execute) return null;
  const c = req.context;
  if (!c.attested) return 'not attested';
  if (c.device_posture !== 'compliant') return 'device not compliant';
  if (c.environment !== p.environment) return 'other environment';
  return null;
}

/**
 * The context a decision for the identity's token uses: the token's attestation and environment
 * (an attested workload of the identity's own environment) and purpose, the caller's device
 * posture and amount. Sending exactly this never conflicts with the token.
 */
export function tokenContext(
  context: RequestContext,
  token: { attested: boolean; environment: Environment; session_purpose: string },
): RequestContext {
  return { ...context, attested: token.attested, environment: token.environment, session_purpose: token.session_purpose };
}

export function loadRules(): LifecycleRules {
  const { rules, issues } = checkRules(parse(readFileSync(RULES_FILE, 'utf8')));
  if (!rules) throw new Error(`invalid lifecycle rules: ${JSON.stringify(issues)}`);
  return rules;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

// 2 entities × 6 services × 5 member states = 60 scopes.
const ENTITIES: { id: string; name: string; lei: string; home: MemberState; hosts: MemberState[] }[] = [
  {
    id: 'ent-de',
    name: 'Example Custody GmbH',
    lei: withLeiCheckDigits('DECIDEBENCH0000001'),
    home: 'DE',
    hosts: ['FR', 'IT', 'ES', 'NL'],
  },
  { id: 'ent-ie', name: 'Example Markets Ltd', lei: withLeiCheckDigits('DECIDEBENCH0000002'), home: 'IE', hosts: ['FR', 'DE', 'IT', 'PL'] },
];
const SERVICES: MicaService[] = ['custody', 'transfer', 'execution', 'exchange_crypto', 'trading_platform', 'advice'];
/** Scope states and their weights; every state also appears at least once. */
const STATE_WEIGHTS: [ScopeState, number][] = [
  ['authorised', 0.6],
  ['restricted', 0.1],
  ['suspended', 0.06],
  ['withdrawn', 0.06],
  ['wind_down', 0.06],
  ['closed', 0.04],
  ['applied', 0.04],
  ['none', 0.04],
];
const PURPOSES = ['settlement-batch', 'client-request', 'reconciliation-run', 'reporting', 'incident', 'migration'];
const ENVIRONMENTS: Environment[] = ['production', 'staging', 'development'];

export function buildScenario(opts: { identities?: number; requests?: number } = {}): Scenario {
  const identityCount = opts.identities ?? DEFAULT_IDENTITIES;
  const requestCount = opts.requests ?? DEFAULT_REQUESTS;
  const rnd = mulberry32(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const weighted = <T>(xs: readonly [T, number][]): T => {
    let r = rnd() * xs.reduce((s, [, w]) => s + w, 0);
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1]![0];
  };
  const vocabulary = new ActionVocabulary();
  const rules = loadRules();
  // The scenario is MiCA's: product actions (CRA) are decided for products, never in these scopes.
  const micaActions = DEFAULT_ACTIONS.filter((a) => !PRODUCT_ONLY_ACTIONS.has(a.id));
  const MICA_FUNCTIONS = IDENTITY_FUNCTIONS.filter(
    (f) => !defaultActionsFor(f, 'execute', vocabulary).some((a) => PRODUCT_ONLY_ACTIONS.has(a)),
  );
  const newBusiness = micaActions.filter((a) => a.class === 'new_business').map((a) => a.id);

  // --- Scopes and their authorisations --------------------------------------------------------
  const scopes: World['scopes'] = [];
  for (const e of ENTITIES)
    for (const service of SERVICES)
      for (const jurisdiction of [e.home, ...e.hosts]) {
        const scope: Scope = { entity: e.id, service, jurisdiction };
        scopes.push({ key: scopeKey(scope), scope, state: 'authorised' });
      }
  // The first states go to random distinct scopes so each appears; the rest are weighted.
  const order = scopes.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  order.forEach((si, n) => {
    scopes[si]!.state = n < STATE_WEIGHTS.length ? STATE_WEIGHTS[n]![0] : weighted(STATE_WEIGHTS);
  });

  const authorisations: Authorisation[] = [];
  const authorityByKey = new Map<string, ScopeAuthority>();
  for (const s of scopes) {
    if (s.state === 'none') continue;
    const home = ENTITIES.find((e) => e.id === s.scope.entity)!.home === s.scope.jurisdiction;
    const a: Authorisation = {
      id: `auth-${s.scope.entity}-${s.scope.service.replaceAll('_', '-')}-${s.scope.jurisdiction.toLowerCase()}`,
      entity: s.scope.entity,
      service: s.scope.service,
      jurisdiction: s.scope.jurisdiction,
      status: s.state as AuthorisationStatus,
      basis: home ? 'home' : 'passport',
      reference: `${home ? 'HOME' : 'PASSPORT'}/${authorisations.length + 1}`,
      effective_from: '2025-01-01',
    };
    // A restriction denies one or two new-business actions.
    if (s.state === 'restricted') {
      const denied = new Set([pick(newBusiness)]);
      if (rnd() < 0.5) denied.add(pick(newBusiness));
      a.conditions = { denied_actions: [...denied] };
    }
    authorisations.push(a);
    authorityByKey.set(s.key, {
      id: a.id,
      status: a.status,
      ...(a.conditions ? { conditions: { denied_actions: a.conditions.denied_actions ?? [] } } : {}),
    });
  }
  const lookup = ((scope: Scope) => authorityByKey.get(scopeKey(scope))) as AuthorityLookup;
  const stateByKey = new Map(scopes.map((s) => [s.key, s.state]));

  // --- Identities ------------------------------------------------------------------------------
  const identities: Identity[] = [];
  const principals: PeerPrincipal[] = [];
  let lifecycleSuspended = 0;
  for (let n = 1; n <= identityCount; n++) {
    const fn = pick(MICA_FUNCTIONS);
    const capability = rnd() < (fn === 'reporting' ? 0.6 : 0.15) ? 'observe' : 'execute';
    const environment = weighted<Environment>([
      ['production', 0.7],
      ['staging', 0.2],
      ['development', 0.1],
    ]);
    const held = new Set<number>();
    const want = 1 + Math.floor(rnd() * 5);
    while (held.size < want) held.add(Math.floor(rnd() * scopes.length));
    const statusRoll = rnd();
    const identity: Identity = {
      id: `nhi-${pad(n, 5)}`,
      kind: pick(IDENTITY_KINDS),
      function: fn,
      capability,
      owner: `person${pad(1 + Math.floor(rnd() * 50), 3)}@bench.example`,
      purpose: `${fn} identity #${n}`,
      scopes: [...held].map((i) => scopes[i]!.scope),
      actions: defaultActionsFor(fn, capability, vocabulary),
      environment,
      // None is break-glass: a break-glass identity is sealed (no token, every decision a deny
      // until an activation opens), a path expected() does not model. The draw stays, so the rest
      // of the seeded world is what it was.
      break_glass: rnd() < 0,
      credential: { type: pick(CREDENTIAL_TYPES), created: '2025-03-01' },
      status: statusRoll < 0.92 ? 'active' : statusRoll < 0.97 ? 'suspended' : 'revoked',
      labels: {},
    };
    if (rnd() < 0.15) identity.vendor = `vendor-${pad(1 + Math.floor(rnd() * 10), 2)}`;
    // The inventory applies the lifecycle on import: an execute identity left with no lawful execute
    // action in any scope is suspended. The world holds it so, as Mandate's store will.
    if (identity.status === 'active' && decidePower(identity, lookup, rules, vocabulary).outcome === 'suspend') {
      identity.status = 'suspended';
      lifecycleSuspended++;
    }
    identities.push(identity);
    principals.push({
      id: identity.id,
      kind: identity.kind,
      function: identity.function,
      capability: identity.capability,
      environment,
      vendor: identity.vendor !== undefined,
      break_glass: identity.break_glass,
      status: identity.status,
      actions: identity.actions,
      scopes: identity.scopes.map(scopeKey),
    });
  }

  // --- Requests ----------------------------------------------------------------------------------
  const requests: DecisionRequest[] = [];
  const expectedBits = new Uint8Array(requestCount);
  const expectedTokenBits = new Uint8Array(requestCount);
  let tokenAllows = 0;
  const hash = createHash('sha256');
  let allows = 0;
  let executeRequests = 0;
  let lawfulExecute = 0;
  const denies: Record<string, number> = {};
  for (let i = 0; i < requestCount; i++) {
    const k = Math.floor(rnd() * identities.length);
    const identity = identities[k]!;
    const principal = principals[k]!;
    const action = rnd() < 0.85 ? pick(identity.actions) : pick(micaActions).id;
    const scope = rnd() < 0.85 ? (pick(identity.scopes) as Scope) : pick(scopes).scope;
    const key = scopeKey(scope);
    const cls = vocabulary.classOf(action)!;
    const context: RequestContext = {
      attested: rnd() < 0.9,
      device_posture: weighted<DevicePosture>([
        ['compliant', 0.85],
        ['non_compliant', 0.08],
        ['unknown', 0.07],
      ]),
      session_purpose: pick(PURPOSES),
      environment: rnd() < 0.9 ? identity.environment : pick(ENVIRONMENTS),
    };
    if (rnd() < 0.3) context.amount = Math.floor(rnd() * 5_000_000);
    // Mandate's own lifecycle engine, on a copy holding just this scope and action: the verdict
    // it gives is what is lawful here, whether or not the identity holds the scope.
    const power = decidePower({ ...identity, scopes: [scope], actions: [action] }, lookup, rules, vocabulary);
    const lawful = power.scopes[0]!.verdicts[0]!.lawful;
    const peer: PeerRequest = {
      principal,
      action,
      actionClass: cls,
      execute: cls !== 'observe',
      resource: { id: `acct:${key}`, ...scope, scope: key, kind: 'account', state: stateByKey.get(key)! },
      lawful,
      context,
    };
    const mandate: MandateRequest = { principal: { identity: identity.id }, action, resource: { ...scope, kind: 'account' }, context };
    requests.push({ mandate, peer });
    const reason = denyReason(peer);
    expectedBits[i] = reason === null ? 1 : 0;
    if (reason === null) allows++;
    else denies[reason] = (denies[reason] ?? 0) + 1;
    // session_purpose decides nothing here; the token's own is put in by the engine that sends it.
    if (
      denyReason({
        ...peer,
        context: tokenContext(context, { attested: true, environment: identity.environment, session_purpose: context.session_purpose }),
      }) === null
    ) {
      expectedTokenBits[i] = 1;
      tokenAllows++;
    }
    if (peer.execute) {
      executeRequests++;
      if (lawful) lawfulExecute++;
    }
    hash.update(`${identity.id}|${action}|${key}|${lawful ? 1 : 0}|${JSON.stringify(context)}\n`);
  }
  // The world's records too, so a change to identities or states changes the fingerprint.
  hash.update(JSON.stringify(principals));
  hash.update(JSON.stringify(authorisations));

  const states: Record<string, number> = {};
  for (const s of scopes) states[s.state] = (states[s.state] ?? 0) + 1;
  const entities: LegalEntity[] = ENTITIES.map((e) => ({ id: e.id, name: e.name, lei: e.lei, home: e.home }));
  return {
    seed: SEED,
    world: { entities, authorisations, identities, scopes, rules },
    requests,
    expected: expectedBits,
    expectedToken: expectedTokenBits,
    fingerprint: hash.digest('hex').slice(0, 16),
    stats: {
      identities: identities.length,
      scopes: scopes.length,
      requests: requestCount,
      allows,
      tokenAllows,
      lifecycleSuspended,
      executeRequests,
      lawfulExecute,
      states,
      denies,
    },
  };
}
