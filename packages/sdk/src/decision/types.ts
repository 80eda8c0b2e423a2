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

export interface DecisionResource {
  entity: string;
  service: string;
  jurisdiction: string;
  /** What is acted on, e.g. wallet, account (default `scope`). */
  kind?: string;
  id?: string;
}

export interface DecisionContext {
  attested: boolean;
  device_posture: 'compliant' | 'non_compliant' | 'unknown';
  session_purpose: string;
  environment: 'production' | 'staging' | 'development';
  amount?: number;
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
}
