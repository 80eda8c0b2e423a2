// The decision point's vocabulary: who asks (an identity or a person), to do what, on what, in
// which context, and the answer with its reasons, deciding policies and obligations.
import type { ActionClass, AuthorisationState } from './lifecycle.js';

/** An authorisation as the engine needs it: its scope, its state, what its conditions deny. */
export interface AuthorisationEntry {
  id: string;
  entity: string;
  service: string;
  jurisdiction: string;
  status: AuthorisationState;
  denied_actions?: string[];
}

/**
 * What an approved request lets one identity do at runtime, for a bounded time: a just-in-time
 * grant, a documented exception, or a break-glass activation. Enforcement points hold the active
 * ones; a grant stops applying at `expires_at` on its own, and is removed when it is cut.
 */
export interface GrantEntry {
  id: string;
  kind: 'access' | 'exception' | 'break_glass';
  identity: string;
  /** The actions it covers; absent: the identity's own (break-glass). */
  actions?: string[];
  /** The scope (entity/service/jurisdiction) it covers; absent: the identity's own scopes. */
  scope?: string;
  /**
   * For an exception, the control it waives: `entitlement` (actions or a scope beyond the
   * identity's entitlement), `workload_attestation` (execute without an attested workload on a
   * compliant device) or `static_secret` (documentation only: no runtime widening).
   */
  control?: 'entitlement' | 'workload_attestation' | 'static_secret';
  /** Compensating controls turned into obligations on every decision that relies on it (e.g. manual_approval, monitor). */
  obligations?: string[];
  /** Epoch milliseconds. */
  expires_at: number;
}

/** A grant a decision relied on: the answer says so. */
export interface Reliance {
  type: GrantEntry['kind'];
  id: string;
  expires_at: string;
}

export interface IdentityFacts {
  type: 'identity';
  id: string;
  status: 'active' | 'suspended' | 'revoked' | 'decommissioned';
  kind: string;
  function: string;
  capability: 'observe' | 'execute';
  environment: string;
  vendor: boolean;
  break_glass: boolean;
  legacy: boolean;
  /** Entitled actions and scopes (entity/service/jurisdiction keys). */
  actions: readonly string[];
  scopes: readonly string[];
}

export interface PersonFacts {
  type: 'person';
  id: string;
  status: 'active' | 'departed' | 'disabled';
  roles: readonly string[];
}

export type PrincipalFacts = IdentityFacts | PersonFacts;

/** What is acted on in a MiCA scope: an entity's service in a member state. */
export interface MicaResource {
  entity: string;
  service: string;
  jurisdiction: string;
  /** What is acted on, e.g. wallet, account (default `scope`). */
  kind?: string;
  id?: string;
}

/** What is acted on for a product under the CRA: the product and, optionally, one release channel. */
export interface ProductResource {
  product: string;
  channel?: string;
  /** What is acted on, e.g. release, firmware, device (default `scope`). */
  kind?: string;
  id?: string;
}

export type DecisionResource = MicaResource | ProductResource;

export const isProductResource = (r: DecisionResource): r is ProductResource => (r as ProductResource).product !== undefined;

/**
 * A resource's entity, service and member state as policies see them: a product's are empty
 * (its scope, `product:<id>[/<channel>]`, and its state say what it is).
 */
export function resourcePlace(r: DecisionResource): { entity: string; service: string; jurisdiction: string } {
  return isProductResource(r) ? { entity: '', service: '', jurisdiction: '' } : r;
}

export interface DecisionContext {
  attested: boolean;
  device_posture: 'compliant' | 'non_compliant' | 'unknown';
  session_purpose: string;
  environment: 'production' | 'staging' | 'development';
  amount?: number;
  /**
   * A person's sign-in, for a decision about a signed-in person's session (the decision point
   * takes them from the session, never from the caller; absent otherwise): whether it was
   * multi-factor, how long ago they authenticated (seconds) and the provider's acr.
   */
  mfa?: boolean;
  session_age_seconds?: number;
  acr?: string;
}

export interface Obligation {
  type: string;
  policy: string;
}

export interface Decision {
  decision: 'allow' | 'deny';
  /** Why, in words. */
  reasons: string[];
  /** The policies that decided: Cedar policy ids, or `builtin:…` for the rules built into every decision. */
  policies: string[];
  obligations: Obligation[];
  /** The action's class (absent for an unknown action). */
  class?: ActionClass;
  /** Grants, exceptions or break-glass activations the answer relied on (absent: none). */
  relied_on?: Reliance[];
}
