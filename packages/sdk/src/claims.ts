// The claims of a Mandate access token (a JWT, RFC 9068 profile, signed EdDSA). Shared by the
// token service that issues them and every enforcement point that checks them.

import type { ActionClass } from './decision/lifecycle.js';
import type { Decision, DecisionContext, IdentityFacts } from './decision/types.js';

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
  grants?: {
    id: string;
    kind: 'access' | 'exception' | 'break_glass';
    actions?: string[];
    scope?: string;
    control?: string;
    exp: number;
  }[];
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
    typeof t?.sub === 'string' &&
    typeof t.jti === 'string' &&
    typeof t.exp === 'number' &&
    typeof m === 'object' &&
    m !== null &&
    Number.isInteger(m.gen) &&
    (m.cap === 'observe' || m.cap === 'execute') &&
    typeof m.fn === 'string' &&
    typeof m.kind === 'string' &&
    typeof m.env === 'string' &&
    typeof m.vendor === 'boolean' &&
    typeof m.bg === 'boolean' &&
    typeof m.att === 'boolean' &&
    typeof m.purpose === 'string' &&
    Array.isArray(m.actions) &&
    Array.isArray(m.scopes)
  );
}

/** What a verified token says of its identity, as the decision engine reads it (active: revocation is checked apart). */
export function factsFromClaims(c: MandateAccessToken): IdentityFacts {
  const m = c.mdt;
  return {
    type: 'identity',
    id: c.sub,
    status: 'active',
    kind: m.kind,
    function: m.fn,
    capability: m.cap,
    environment: m.env,
    vendor: m.vendor,
    break_glass: m.bg,
    legacy: m.legacy,
    actions: m.actions,
    scopes: m.scopes,
  };
}

/**
 * The context fields a Mandate token carries facts for, and the claim that carries each. For a
 * token principal these facts come from the token: what the caller says can only agree with them.
 */
export const TOKEN_CONTEXT_CLAIMS = { attested: 'att', environment: 'env', session_purpose: 'purpose' } as const;
export type TokenContextField = keyof typeof TOKEN_CONTEXT_CLAIMS;
const TOKEN_FIELDS = Object.keys(TOKEN_CONTEXT_CLAIMS) as TokenContextField[];

/** The context of a decision for a token: the fields the token carries may be left out (the token's value is used). */
export type TokenDecisionContext = Omit<DecisionContext, TokenContextField> & { [K in TokenContextField]?: DecisionContext[K] };

/** A context value the caller supplied that is not what the verified token says. */
export interface ContextConflict {
  field: TokenContextField;
  claim: (typeof TOKEN_CONTEXT_CLAIMS)[TokenContextField];
  supplied: unknown;
  token: unknown;
}

/** The policy id of the deny a conflicting context gets. */
export const CONTEXT_CONFLICT_POLICY = 'builtin:context-conflicts-with-token';

const NO_CONFLICTS: readonly ContextConflict[] = Object.freeze([]);

/**
 * The context a decision for a verified token uses: the token's facts (attestation, environment,
 * session purpose) win over the caller's. A field the caller leaves out (or sets to undefined)
 * takes the token's value; a field the caller supplies must equal the token's value exactly, or
 * it is a conflict, and a decision with any conflict is a deny (see `conflictDecision`). Fields
 * the token says nothing of (device posture, amount) are the caller's. Pure; the same rule in the
 * decision point and every enforcement point. `context` is always the token-won context (also
 * when there are conflicts, so evidence can record what the token said).
 */
export function contextFromToken(
  claims: MandateAccessToken,
  supplied: TokenDecisionContext,
): { context: DecisionContext; conflicts: readonly ContextConflict[] } {
  const m = claims.mdt;
  // The hot path: every field supplied and agreeing; the caller's object is used as it is.
  if (supplied.attested === m.att && supplied.environment === m.env && supplied.session_purpose === m.purpose)
    return { context: supplied as DecisionContext, conflicts: NO_CONFLICTS };
  let conflicts: ContextConflict[] | undefined;
  for (const field of TOKEN_FIELDS) {
    const claim = TOKEN_CONTEXT_CLAIMS[field];
    const value: unknown = supplied[field];
    if (value !== undefined && value !== m[claim]) (conflicts ??= []).push({ field, claim, supplied: value, token: m[claim] });
  }
  const context = { ...supplied, attested: m.att, environment: m.env, session_purpose: m.purpose } as DecisionContext;
  return { context, conflicts: conflicts ?? NO_CONFLICTS };
}

// Values in reasons are bounded: reasons go to the ledger, whose reports take at most 1,000 characters each.
const shown = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

/** A conflict in words, e.g. `context.attested=true conflicts with the token's att=false`. */
export function conflictReason(c: ContextConflict): string {
  return `context.${c.field}=${shown(c.supplied)} conflicts with the token's ${c.claim}=${shown(c.token)}`;
}

/** The deny for a context that conflicts with the token: one reason per conflicting field. */
export function conflictDecision(conflicts: readonly ContextConflict[], cls?: ActionClass): Decision {
  return {
    decision: 'deny',
    reasons: conflicts.map(conflictReason),
    policies: [CONTEXT_CONFLICT_POLICY],
    obligations: [],
    ...(cls ? { class: cls } : {}),
  };
}
