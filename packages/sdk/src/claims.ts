// The claims of a Mandate access token (a JWT, RFC 9068 profile, signed EdDSA). Shared by the
// token service that issues them and every enforcement point that checks them.

import type { IdentityFacts } from './decision/types.js';

export const MANDATE_TOKEN_TYP = 'at+jwt';

export interface MandateClaims {
  /** The token's generation for its identity: valid only while it is the identity's current one. */
  gen: number;
  /** observe | execute; a legacy static secret yields observe whatever the identity holds. */
  cap: 'observe' | 'execute';
  kind: string;
  fn: string;
  /** The environment the identity belongs to (the session declared the same). */
  env: 'production' | 'staging' | 'development';
  vendor: boolean;
  /** A break-glass identity. */
  bg: boolean;
  /** Issued against a legacy static secret (compensating controls applied). */
  legacy: boolean;
  /** The session purpose the caller declared. */
  purpose: string;
  /** How the workload proved itself. */
  auth: 'oidc' | 'jwt_bearer' | 'static_secret';
  /** True when a platform attested the workload (a verified OIDC workload token). */
  att: boolean;
  /** Entitled actions and scopes (entity/service/jurisdiction). */
  actions: string[];
  scopes: string[];
  /** What was lawful in each scope at issuance (informative; decisions use live state). */
  lawful: Record<string, string[]>;
  /**
   * Grants active at issuance (just-in-time access, exceptions, a break-glass activation), each
   * with its own expiry. Informative for resource servers; enforcement points decide with the
   * grants the enforcement stream keeps current, and a cut grant revokes the tokens that carry it.
   */
  grants?: { id: string; kind: 'access' | 'exception' | 'break_glass'; actions?: string[]; scope?: string; control?: string; exp: number }[];
}

export interface MandateAccessToken {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nbf?: number;
  jti: string;
  client_id: string;
  scope: string;
  mdt: MandateClaims;
}

/** Checks the shape of verified claims, so a token from a misconfigured issuer fails closed. */
export function isMandateAccessToken(p: unknown): p is MandateAccessToken {
  const t = p as MandateAccessToken;
  const m = t?.mdt;
  return (
    typeof t?.sub === 'string' && typeof t.jti === 'string' && typeof t.exp === 'number' &&
    typeof m === 'object' && m !== null && Number.isInteger(m.gen) && (m.cap === 'observe' || m.cap === 'execute') &&
    typeof m.fn === 'string' && typeof m.kind === 'string' && typeof m.env === 'string' &&
    typeof m.vendor === 'boolean' && typeof m.bg === 'boolean' && typeof m.att === 'boolean' &&
    Array.isArray(m.actions) && Array.isArray(m.scopes)
  );
}

/** What a verified token says of its identity, as the decision engine reads it (active: revocation is checked apart). */
export function factsFromClaims(c: MandateAccessToken): IdentityFacts {
  const m = c.mdt;
  return {
    type: 'identity', id: c.sub, status: 'active', kind: m.kind, function: m.fn, capability: m.cap, environment: m.env,
    vendor: m.vendor, break_glass: m.bg, legacy: m.legacy, actions: m.actions, scopes: m.scopes,
  };
}
