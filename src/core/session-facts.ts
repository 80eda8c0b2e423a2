// What a person's sign-in proves to the decision point (issue 18 item 6): whether it was
// multi-factor, how long ago they authenticated, the provider's acr, and their device's posture
// as the provider's claim says. For a session principal these facts win over the caller's
// context, as a token's facts do for a token (packages/sdk/src/claims.ts contextFromToken): a
// value left out is the session's, a value the session contradicts is a deny. Pure: the caller
// passes `now`.
import { claimAt, isMultiFactor } from './signin.js';

export const DEVICE_POSTURES = ['compliant', 'non_compliant', 'unknown'] as const;
export type DevicePosture = (typeof DEVICE_POSTURES)[number];

/** The claim a provider names a device's posture in, unless MANDATE_OIDC_DEVICE_CLAIM says otherwise. */
export const DEFAULT_DEVICE_CLAIM = 'device_posture';

const NON_COMPLIANT = new Set(['non_compliant', 'noncompliant', 'not_compliant']);

/**
 * A device posture claim's value as Mandate's posture: `compliant` (or `true`) is compliant,
 * `non_compliant` (`noncompliant`, `not-compliant`, `false`) is non-compliant, in any case and
 * with `-` or spaces for `_`; anything else, or no claim, is unknown.
 */
export function devicePostureOf(value: unknown): DevicePosture {
  if (value === true) return 'compliant';
  if (value === false) return 'non_compliant';
  if (typeof value !== 'string' || value.length > 100) return 'unknown';
  const v = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (v === 'compliant') return 'compliant';
  return NON_COMPLIANT.has(v) ? 'non_compliant' : 'unknown';
}

/** The posture a person's claims give: the claim of that name, or a dotted path into one (claimAt). */
export const devicePostureFromClaims = (claims: Readonly<Record<string, unknown>>, claim: string): DevicePosture =>
  devicePostureOf(claimAt(claims, claim));

/** A session as the provider described its sign-in (src/signin/sessions.ts SessionView). */
export interface SessionProof {
  amr: readonly string[];
  acr: string | null;
  /** ISO 8601: when the person authenticated at the provider. */
  auth_time: string | null;
  device_posture: DevicePosture;
}

/** The context fields a session proves. */
export interface SessionFacts {
  mfa: boolean;
  /** Absent when the provider did not say when the person authenticated (policies then cannot count on it). */
  session_age_seconds?: number;
  /** Absent when the provider sent none. */
  acr?: string;
  device_posture: DevicePosture;
}

export const SESSION_FACT_FIELDS = ['mfa', 'session_age_seconds', 'acr', 'device_posture'] as const;
export type SessionFactField = (typeof SESSION_FACT_FIELDS)[number];

/** The policy id of the deny a context the session contradicts gets. */
export const SESSION_CONFLICT_POLICY = 'builtin:context-conflicts-with-session';
/** The policy id of the deny for a session that is unknown, ended, timed out, or of a disabled user. */
export const SESSION_INACTIVE_POLICY = 'builtin:session-not-active';

/**
 * The facts of a session at `now` (epoch milliseconds): MFA is an MFA `amr` or the step-up acr
 * (MANDATE_STEPUP_ACR), the same test step-up makes; the age counts from the provider's auth_time
 * (a step-up renews it, a refresh does not).
 */
export function sessionFacts(s: SessionProof, now: number, rule: { acr?: string }): SessionFacts {
  const at = s.auth_time === null ? Number.NaN : Date.parse(s.auth_time);
  return {
    mfa: isMultiFactor({ amr: s.amr, acr: s.acr }, rule),
    ...(Number.isFinite(at) ? { session_age_seconds: Math.max(0, Math.floor((now - at) / 1000)) } : {}),
    ...(s.acr ? { acr: s.acr } : {}),
    device_posture: s.device_posture,
  };
}

/** A context value the caller supplied that is not what the session proves. */
export interface SessionConflict {
  field: SessionFactField;
  supplied: unknown;
  /** What the session proves (null: nothing, e.g. no acr). */
  session: unknown;
}

/**
 * The context a decision for a session uses: the caller's, with the session's facts over it. A
 * field the caller leaves out takes the session's value; a field it supplies must equal it exactly
 * (an acr or an age the session does not have included), or it is a conflict.
 */
export function contextFromSession<C extends Readonly<Record<string, unknown>>>(
  supplied: C,
  facts: SessionFacts,
): { context: Omit<C, SessionFactField> & SessionFacts; conflicts: SessionConflict[] } {
  const conflicts: SessionConflict[] = [];
  for (const field of SESSION_FACT_FIELDS) {
    const value = supplied[field];
    const proven = facts[field];
    if (value !== undefined && value !== proven) conflicts.push({ field, supplied: value, session: proven ?? null });
  }
  const context: Record<string, unknown> = { ...supplied };
  for (const field of SESSION_FACT_FIELDS) {
    if (facts[field] === undefined) delete context[field];
    else context[field] = facts[field];
  }
  return { context: context as Omit<C, SessionFactField> & SessionFacts, conflicts };
}

const shown = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
};

/** A conflict in words, e.g. `context.mfa=true conflicts with the session's mfa=false`. */
export const sessionConflictReason = (c: SessionConflict): string =>
  `context.${c.field}=${shown(c.supplied)} conflicts with the session's ${c.field}=${shown(c.session)}`;
