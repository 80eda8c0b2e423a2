// The rules of single sign-on, as plain functions: which Mandate roles a person's claims from the
// identity provider give, whether a session is still valid, and whether a sign-in is strong and
// recent enough for an act of power (step-up). No I/O, no clock: the caller passes `now`.
import { ROLES, type Role } from './roles.js';

/** A group (or role) the provider names → the Mandate roles it gives. */
export type RoleMap = Readonly<Record<string, readonly Role[]>>;

/** Parses MANDATE_OIDC_ROLE_MAP's JSON: an object from a group to an array of Mandate roles. */
export function parseRoleMap(text: string): { map: RoleMap } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { error: `is not JSON: ${(err as Error).message}` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { error: 'must be a JSON object from a group to an array of roles, e.g. {"mandate-admins":["admin"]}' };
  const map: Record<string, Role[]> = {};
  for (const [group, roles] of Object.entries(doc)) {
    if (group === '' || group.length > 500) return { error: `group names are 1 to 500 characters (${JSON.stringify(group.slice(0, 40))})` };
    if (!Array.isArray(roles) || roles.length === 0)
      return { error: `group ${JSON.stringify(group)} must map to a non-empty array of roles` };
    for (const r of roles) {
      if (!(ROLES as readonly unknown[]).includes(r))
        return { error: `group ${JSON.stringify(group)} names an unknown role ${JSON.stringify(r)}; roles are ${ROLES.join(', ')}` };
    }
    map[group] = [...new Set(roles as Role[])];
  }
  if (Object.keys(map).length === 0) return { error: 'maps no group: nobody could sign in' };
  return { map };
}

/**
 * The claim's value: the claim of that name, else a dotted path into nested claims (Keycloak's
 * `realm_access.roles`). Undefined when neither is there.
 */
export function claimAt(claims: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let at: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

export type RolesFromClaims = { ok: true; roles: Role[]; groups: string[] } | { ok: false; reason: string };

/**
 * The roles a person's claims give: the union of the mapped roles of each group they are in, in
 * the order of ROLES. Refused when the claim is missing or not a list of strings (the provider is
 * not configured to send it) or when no group of theirs is mapped.
 */
export function rolesFromClaims(claims: Readonly<Record<string, unknown>>, groupsClaim: string, map: RoleMap): RolesFromClaims {
  const value = claimAt(claims, groupsClaim);
  if (value === undefined || value === null)
    return {
      ok: false,
      reason:
        `the provider sent no "${groupsClaim}" claim: configure it to send the groups claim, ` +
        'or name the claim it sends (MANDATE_OIDC_GROUPS_CLAIM)',
    };
  const groups = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))
    return { ok: false, reason: `the "${groupsClaim}" claim is not a list of group names` };
  const names = [...new Set(groups as string[])];
  const granted = new Set<Role>();
  for (const g of names) for (const r of Object.hasOwn(map, g) ? map[g]! : []) granted.add(r);
  if (granted.size === 0) {
    const shown = names
      .slice(0, 10)
      .map((g) => JSON.stringify(g.slice(0, 100)))
      .join(', ');
    return {
      ok: false,
      reason: names.length
        ? `none of your groups (${shown}${names.length > 10 ? ', …' : ''}) gives a Mandate role (MANDATE_OIDC_ROLE_MAP)`
        : `the "${groupsClaim}" claim is empty: you are in no group that gives a Mandate role`,
    };
  }
  return { ok: true, roles: ROLES.filter((r) => granted.has(r)), groups: names };
}

export interface SessionLimits {
  /** A session not used for this long ends. */
  idleMs: number;
  /** A session ends this long after it started, used or not. */
  maxMs: number;
}

export interface SessionTimes {
  createdAt: number;
  lastSeenAt: number;
  endedAt?: number | null;
}

export type SessionState =
  | { valid: true; idleExpiresAt: number; expiresAt: number }
  | { valid: false; reason: 'ended' | 'idle_timeout' | 'absolute_timeout' };

/** Whether a session is valid at `now` (epoch milliseconds), and until when. */
export function sessionState(s: SessionTimes, now: number, limits: SessionLimits): SessionState {
  if (s.endedAt !== undefined && s.endedAt !== null) return { valid: false, reason: 'ended' };
  const expiresAt = s.createdAt + limits.maxMs;
  const idleExpiresAt = Math.min(s.lastSeenAt + limits.idleMs, expiresAt);
  // Whichever came first ended it: a session left idle is idle_timeout even when read after its maximum age.
  if (now >= idleExpiresAt) return { valid: false, reason: idleExpiresAt < expiresAt ? 'idle_timeout' : 'absolute_timeout' };
  return { valid: true, idleExpiresAt, expiresAt };
}

/**
 * Authentication methods (RFC 8176) that prove a factor beyond a password: an `amr` with any of
 * these is a multi-factor sign-in. `pwd`, `pin`, `kba`, `user`, `rba`, `geo`, `wia` and `mca` are not.
 */
export const MFA_METHODS = ['mfa', 'otp', 'hwk', 'swk', 'sc', 'fpt', 'face', 'iris', 'retina', 'vbm', 'pop', 'sms', 'tel'] as const;

/** What the provider said about a sign-in. */
export interface AuthFacts {
  amr: readonly string[];
  acr?: string | null;
  /** When the person authenticated at the provider (epoch milliseconds). */
  authTime?: number | null;
}

export interface StepUpRule {
  /** The sign-in must be no older than this. */
  maxAgeMs: number;
  /** An `acr` that counts as strong enough, as well as an MFA `amr`. */
  acr?: string;
}

export type StepUp = { satisfied: true } | { satisfied: false; need: 'mfa' | 'recent_sign_in'; reason: string };

export function isMultiFactor(facts: AuthFacts, rule: Pick<StepUpRule, 'acr'>): boolean {
  return facts.amr.some((m) => (MFA_METHODS as readonly string[]).includes(m)) || (rule.acr !== undefined && facts.acr === rule.acr);
}

/** Whether a sign-in is strong enough (MFA, or the configured acr) and recent enough for an act of power. */
export function stepUp(facts: AuthFacts, now: number, rule: StepUpRule): StepUp {
  const strong =
    rule.acr === undefined ? 'an MFA sign-in (amr with mfa, otp, hwk…)' : `an MFA sign-in (amr with mfa, otp, hwk…) or acr ${rule.acr}`;
  if (!isMultiFactor(facts, rule))
    return {
      satisfied: false,
      need: 'mfa',
      reason: `this needs ${strong}; your sign-in has amr [${facts.amr.join(', ')}]${facts.acr ? ` and acr ${facts.acr}` : ''}`,
    };
  const minutes = Math.round(rule.maxAgeMs / 60_000);
  if (facts.authTime === undefined || facts.authTime === null || !Number.isFinite(facts.authTime))
    return {
      satisfied: false,
      need: 'recent_sign_in',
      reason: `this needs a sign-in in the last ${minutes} minutes; the provider did not say when you signed in`,
    };
  if (now - facts.authTime > rule.maxAgeMs)
    return {
      satisfied: false,
      need: 'recent_sign_in',
      reason: `this needs a sign-in in the last ${minutes} minutes; yours was ${Math.floor((now - facts.authTime) / 60_000)} minutes ago`,
    };
  return { satisfied: true };
}
