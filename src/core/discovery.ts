// Discovery, the pure half: what an account observed in a real system looks like (whatever system
// it came from), and how observed accounts are reconciled with the inventory's declared identities.
// Sources (src/discovery/) read the systems; this module never does I/O, so a service can call
// `reconcile` on stored observations, tests can drive it with generated data, and the rules that
// turn "what is there" into findings live in one place (docs/discovery.md).
//
// Nothing here holds a secret: observed accounts carry credential facts (type, count, dates) and at
// most a fingerprint of a value that is public anyway (a public key, a key id) or keyed by the firm.
import type { Severity } from './evidence.js';
import { scopeKey } from './lifecycle.js';
import type { Scope } from './model.js';
import { ENVIRONMENTS, type Capability, type CredentialType, type Environment, type IdentityStatus } from './vocabulary.js';

// ---- The observed account ----------------------------------------------------------------------

/** What kind of credential an account holds. Never the value. */
export const OBSERVED_CREDENTIAL_TYPES = ['password', 'key', 'token', 'certificate', 'none'] as const;
export type ObservedCredentialType = (typeof OBSERVED_CREDENTIAL_TYPES)[number];

/** Privileges normalised: none, observe (read), execute (write, configure, administer: anything else). */
export const OBSERVED_PRIVILEGES = ['none', 'observe', 'execute'] as const;
export type ObservedPrivilege = (typeof OBSERVED_PRIVILEGES)[number];

/** Bounds that keep one account's record small however much the system grants it. */
export const LIMITS = { grants: 50, sessions: 20, credentials: 20, text: 500, attributes: 32 } as const;

export interface CredentialFact {
  type: ObservedCredentialType;
  /** How many of this type the account holds (Redis: password hashes; AWS: active keys). Absent: unknown. */
  count?: number;
  /** Static (lives until someone rotates it) or short-lived (minted per use: STS, installation tokens). */
  lifetime?: 'static' | 'short_lived';
  /** Which one, where the system names it (e.g. access_key_1, a secret's name). Never a value. */
  label?: string;
  created?: string;
  last_rotated?: string;
  expires?: string;
  last_used?: string;
  /**
   * Only for a value that is public or keyed: `sha256:<hex>` of a public key, `key-id:<id>`, or
   * `hmac-sha256:<hex>` of a visible secret under the firm's fingerprint key. Never a plain hash of a secret.
   */
  fingerprint?: string;
  active?: boolean;
}

/** One native grant, kept as evidence with its normalised level. */
export interface GrantEvidence {
  privilege: Exclude<ObservedPrivilege, 'none'>;
  /** As the system writes it, e.g. `INSERT on 12 tables in app (public.orders, …)`, `ClusterRole admin: * on *`. */
  grant: string;
}

/** A session or connection seen as the account: last-seen evidence, and who is behind it. */
export interface SessionEvidence {
  user: string;
  /** application_name, client library, program name, connection name… as the client gave it. */
  application?: string;
  client_address?: string;
  started?: string;
  /** The client looks like a person at a console (psql, mysql, redis-cli, DBeaver, a TTY client…). */
  interactive: boolean;
}

export interface ObservedAccount {
  /** The source's id (its configuration's id), e.g. `pg-prod`. */
  source: string;
  /** The source's kind: postgres, mariadb, redis, rabbitmq, nats, kubernetes, aws_iam, github, or a firm's own. */
  kind: string;
  /** Unique within the source: role name, user@host, ARN, namespace/name… */
  native_id: string;
  /** The short name (role, user, service account): matched against a bare revocation target. */
  name: string;
  /** What it is in the system: role, user, service_account, iam_user, iam_role, deploy_key… */
  type: string;
  /** Not locked, switched off or suspended. */
  enabled: boolean;
  /** It can authenticate and reach something now (enabled, a way in, not expired). */
  can_login: boolean;
  credentials: CredentialFact[];
  privilege: ObservedPrivilege;
  /** Bounded to LIMITS.grants, execute grants first; grants_total says how many there were. */
  grants: GrantEvidence[];
  grants_total: number;
  /** Bounded to LIMITS.sessions, newest first; sessions_total says how many there were. */
  sessions: SessionEvidence[];
  sessions_total: number;
  /** Where the source knows it (the source's configuration, a label, a tag). */
  environment?: Environment;
  /** Small facts worth keeping (superuser, tags, memberships…), bounded. */
  attributes?: Record<string, string | number | boolean>;
  /** Newest use seen: a session start or a credential's last use. */
  last_used?: string;
}

/** An account as a source assembles it: unbounded lists, privilege derived when not given. */
export interface AccountDraft {
  source: string;
  kind: string;
  native_id: string;
  name: string;
  type: string;
  enabled: boolean;
  can_login: boolean;
  credentials?: CredentialFact[];
  privilege?: ObservedPrivilege;
  grants?: GrantEvidence[];
  /** When the source counted more grants than it lists (aggregated in SQL, say). */
  grants_total?: number;
  sessions?: SessionEvidence[];
  environment?: Environment;
  attributes?: Record<string, string | number | boolean>;
  last_used?: string;
}

const RANK: Record<ObservedPrivilege, number> = { none: 0, observe: 1, execute: 2 };
export const maxPrivilege = (a: ObservedPrivilege, b: ObservedPrivilege): ObservedPrivilege => (RANK[a] >= RANK[b] ? a : b);
const clip = (s: string, n: number = LIMITS.text) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const newest = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : Date.parse(b) > Date.parse(a) ? b : a);

/**
 * The bounded record of a draft: privilege is the highest of its grants unless the source set it,
 * execute evidence is kept before observe evidence (it is what findings cite), newest sessions
 * first, last_used the newest of sessions and credential use.
 */
export function observedAccount(d: AccountDraft): ObservedAccount {
  const grants = d.grants ?? [];
  const sessions = [...(d.sessions ?? [])].sort((a, b) => (Date.parse(b.started ?? '') || 0) - (Date.parse(a.started ?? '') || 0));
  const derived = grants.reduce<ObservedPrivilege>((p, g) => maxPrivilege(p, g.privilege), 'none');
  const kept =
    grants.length <= LIMITS.grants
      ? grants
      : [...grants.filter((g) => g.privilege === 'execute'), ...grants.filter((g) => g.privilege === 'observe')].slice(0, LIMITS.grants);
  let lastUsed = d.last_used;
  for (const s of sessions) lastUsed = newest(lastUsed, s.started);
  for (const c of d.credentials ?? []) lastUsed = newest(lastUsed, c.last_used);
  const attributes = d.attributes
    ? Object.fromEntries(
        Object.entries(d.attributes)
          .slice(0, LIMITS.attributes)
          .map(([k, v]) => [k, typeof v === 'string' ? clip(v) : v]),
      )
    : undefined;
  return {
    source: d.source,
    kind: d.kind,
    native_id: d.native_id,
    name: d.name,
    type: d.type,
    enabled: d.enabled,
    can_login: d.can_login,
    credentials: (d.credentials ?? []).slice(0, LIMITS.credentials),
    privilege: d.privilege ? maxPrivilege(d.privilege, derived) : derived,
    grants: kept.map((g) => ({ privilege: g.privilege, grant: clip(g.grant) })),
    grants_total: Math.max(d.grants_total ?? 0, grants.length),
    sessions: sessions
      .slice(0, LIMITS.sessions)
      .map((s) => ({ ...s, user: clip(s.user, 200), ...(s.application !== undefined ? { application: clip(s.application, 200) } : {}) })),
    sessions_total: sessions.length,
    ...(d.environment ? { environment: d.environment } : {}),
    ...(attributes && Object.keys(attributes).length ? { attributes } : {}),
    ...(lastUsed ? { last_used: lastUsed } : {}),
  };
}

/**
 * Clients a person drives by hand: database shells and GUIs, broker and cache CLIs. A service
 * account seen through one of these is a person using a non-human identity (OWASP NHI10).
 */
const INTERACTIVE_CLIENTS = new RegExp(
  [
    '^psql\\b',
    '^pgcli\\b',
    'pgadmin',
    '^mysql$',
    '^mysql\\b(?!.*(connector|workbench))',
    '^mariadb$',
    'mysql ?workbench',
    'heidisql',
    '^redis-cli\\b',
    'redisinsight',
    'another redis desktop',
    'dbeaver',
    'datagrip',
    'jetbrains',
    'tableplus',
    'navicat',
    'dbvisualizer',
    'sequel ?(pro|ace)',
    'postico',
    'azure data studio',
    'beekeeper',
    'sqlectron',
    'adminer',
    'phpmyadmin',
    'rabbitmqadmin',
    '^nats(\\s|$|-cli)',
    'nats cli',
    '^sqlcmd',
    '\\btty\\b',
    'aws console',
    'console login',
  ].join('|'),
  'i',
);

/** Whether a client name (application_name, program_name, lib-name, connection name) looks like a person at a console. */
export function isInteractiveClient(application: string | undefined | null): boolean {
  return !!application && INTERACTIVE_CLIENTS.test(application.trim());
}

// ---- Validation (for accounts from a firm's own source module) ----------------------------------

const NAME = /^[a-z][a-z0-9_-]{0,39}$/;
/** Source ids follow the inventory's record ids: safe in URLs, logs and file names. */
export const SOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const isStr = (v: unknown, max: number = LIMITS.text, min = 1): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
const isTime = (v: unknown) => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v));

/**
 * The JSON-pointer path of the first field of `value` that is not a valid observed account, or
 * null. Sources built in produce valid accounts by construction; a firm's module is checked.
 */
export function observedAccountProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return '';
  const a = value as Record<string, unknown>;
  if (!isStr(a.source, 128) || !SOURCE_ID.test(a.source)) return '/source';
  if (!isStr(a.kind, 40) || !NAME.test(a.kind)) return '/kind';
  if (!isStr(a.native_id)) return '/native_id';
  if (!isStr(a.name)) return '/name';
  if (!isStr(a.type, 64)) return '/type';
  if (typeof a.enabled !== 'boolean') return '/enabled';
  if (typeof a.can_login !== 'boolean') return '/can_login';
  if (!(OBSERVED_PRIVILEGES as readonly unknown[]).includes(a.privilege)) return '/privilege';
  if (!Array.isArray(a.credentials) || a.credentials.length > LIMITS.credentials) return '/credentials';
  for (const [i, c] of (a.credentials as unknown[]).entries()) {
    const p = `/credentials/${i}`;
    if (!c || typeof c !== 'object') return p;
    const cr = c as Record<string, unknown>;
    if (!(OBSERVED_CREDENTIAL_TYPES as readonly unknown[]).includes(cr.type)) return `${p}/type`;
    if (cr.count !== undefined && !(Number.isInteger(cr.count) && (cr.count as number) >= 0)) return `${p}/count`;
    if (cr.lifetime !== undefined && cr.lifetime !== 'static' && cr.lifetime !== 'short_lived') return `${p}/lifetime`;
    for (const f of ['created', 'last_rotated', 'expires', 'last_used'] as const)
      if (cr[f] !== undefined && !isTime(cr[f])) return `${p}/${f}`;
    if (cr.label !== undefined && !isStr(cr.label, 200)) return `${p}/label`;
    if (
      cr.fingerprint !== undefined &&
      !(isStr(cr.fingerprint, 200) && /^(sha256|key-id|hmac-sha256|[a-z0-9-]+-id):\S+$/i.test(cr.fingerprint))
    )
      return `${p}/fingerprint`;
    for (const k of Object.keys(cr))
      if (!['type', 'count', 'lifetime', 'label', 'created', 'last_rotated', 'expires', 'last_used', 'fingerprint', 'active'].includes(k))
        return `${p}/${k}`;
  }
  if (!Array.isArray(a.grants) || a.grants.length > LIMITS.grants) return '/grants';
  for (const [i, g] of (a.grants as unknown[]).entries()) {
    const gr = g as Record<string, unknown> | null;
    if (!gr || (gr.privilege !== 'observe' && gr.privilege !== 'execute')) return `/grants/${i}/privilege`;
    if (!isStr(gr.grant)) return `/grants/${i}/grant`;
  }
  if (!Number.isInteger(a.grants_total) || (a.grants_total as number) < a.grants.length) return '/grants_total';
  if (!Array.isArray(a.sessions) || a.sessions.length > LIMITS.sessions) return '/sessions';
  for (const [i, s] of (a.sessions as unknown[]).entries()) {
    const se = s as Record<string, unknown> | null;
    if (!se || !isStr(se.user, 200, 0)) return `/sessions/${i}/user`;
    if (typeof se.interactive !== 'boolean') return `/sessions/${i}/interactive`;
    if (se.started !== undefined && !isTime(se.started)) return `/sessions/${i}/started`;
  }
  if (!Number.isInteger(a.sessions_total) || (a.sessions_total as number) < a.sessions.length) return '/sessions_total';
  if (a.environment !== undefined && !(ENVIRONMENTS as readonly unknown[]).includes(a.environment)) return '/environment';
  if (a.last_used !== undefined && !isTime(a.last_used)) return '/last_used';
  if (a.attributes !== undefined) {
    if (!a.attributes || typeof a.attributes !== 'object' || Object.keys(a.attributes).length > LIMITS.attributes) return '/attributes';
    for (const [k, v] of Object.entries(a.attributes))
      if (!['string', 'number', 'boolean'].includes(typeof v) || (typeof v === 'string' && v.length > LIMITS.text))
        return `/attributes/${k}`;
  }
  return null;
}

// ---- Reconciliation ------------------------------------------------------------------------------

/** What reconciliation needs of an identity (a normalised inventory Identity fits). */
export interface DiscoveryIdentity {
  id: string;
  capability: Capability;
  environment: Environment;
  status?: IdentityStatus;
  owner?: string;
  scopes?: readonly Scope[];
  credential: { type: CredentialType; created: string; last_rotated?: string; expires?: string };
  revocation?: { connector: string; target: string };
}

/** One source's read, as the service ran it. */
export interface SourceRun {
  id: string;
  kind: string;
  /** The revocation connector names whose targets live in this source (e.g. ["postgres"]). */
  covers: readonly string[];
  /** True only when the read finished without error and nothing was left out. */
  complete: boolean;
}

/** A credential fingerprint the firm registered for an identity. */
export interface RegisteredCredential {
  identity: string;
  fingerprint: string;
}

export interface ReconcilePolicy {
  /** A static password or key older than this (since created or last rotated) is too old. */
  static_max_age_days: number;
}
export const DEFAULT_RECONCILE_POLICY: ReconcilePolicy = { static_max_age_days: 90 };

export interface ReconcileInput {
  now: Date;
  identities: readonly DiscoveryIdentity[];
  sources: readonly SourceRun[];
  observed: readonly ObservedAccount[];
  credentials?: readonly RegisteredCredential[];
  policy?: Partial<ReconcilePolicy>;
}

export const DRIFT_KINDS = [
  'over_privileged',
  'revocation_not_effective',
  'static_credential_too_old',
  'interactive_use',
  'shared_credential',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];
export type ReconcileState = 'matched' | 'unmanaged' | 'missing' | 'drift';

export interface Evidence {
  type: 'grant' | 'session' | 'credential' | 'login' | 'account' | 'identity' | 'source';
  detail: string;
  at?: string;
}

/** A finding as the compliance service would record it (subject, owner, scopes, controls). */
export interface SuggestedFinding {
  check: string;
  severity: Severity;
  title: string;
  detail: string;
  controls: string[];
  subject: { type: 'identity' | 'observed_account'; id: string };
  owner: string | null;
  scopes: string[];
}

export interface Drift {
  kind: DriftKind;
  severity: Severity;
  evidence: Evidence[];
  finding: SuggestedFinding;
}

export interface AccountRef {
  source: string;
  kind: string;
  native_id: string;
}

export interface ReconcileResult {
  /** Stable while the situation lasts: `<identity>|<source>|<native_id>` with `-` for the absent side. */
  key: string;
  state: ReconcileState;
  identity: string | null;
  account: AccountRef | null;
  /** How the pair was matched: the identity's revocation path, a registered credential fingerprint, or its target equal to a native id. */
  matched_by: 'revocation' | 'credential' | 'native_id' | null;
  drift: Drift[];
  /** For unmanaged and missing: why it matters. Drifts carry their own findings. */
  finding: SuggestedFinding | null;
  evidence: Evidence[];
}

export interface ReconcileSummary {
  observed: number;
  identities: number;
  matched: number;
  drift: number;
  unmanaged: number;
  missing: number;
  by_drift: Record<DriftKind, number>;
  /** Identities a source covers whose reads were incomplete: neither matched nor called missing. */
  unverified: string[];
  /** Identities no source covers (no revocation path, or a connector no source reads). */
  uncovered: number;
}

export interface ReconcileOutput {
  results: ReconcileResult[];
  summary: ReconcileSummary;
}

/** The checks reconciliation suggests findings for, with their controls (controls/catalogue.yaml ids). */
export const DISCOVERY_CHECKS = {
  unmanaged: {
    id: 'discovery-unmanaged',
    severity: 'medium',
    title: 'Account in a system that the inventory does not know',
    controls: ['nist-csf:ID.AM-02', 'nist-csf:PR.AA-01', 'dora:rts-2024-1774:art-20'],
  },
  missing: {
    id: 'discovery-missing',
    severity: 'low',
    title: 'Declared identity not found in the system it is declared in',
    controls: ['nist-csf:ID.AM-02', 'nist-csf:PR.AA-01', 'dora:rts-2024-1774:art-20'],
  },
  over_privileged: {
    id: 'discovery-over-privileged',
    severity: 'high',
    title: 'Observe identity holds execute privileges in the system',
    controls: ['owasp-nhi:NHI5', 'nist-csf:PR.AA-05', 'dora:rts-2024-1774:art-21', 'dora:art-9-4-c'],
  },
  revocation_not_effective: {
    id: 'discovery-revocation-not-effective',
    severity: 'critical',
    title: 'Switched-off identity can still log in or act',
    controls: ['owasp-nhi:NHI1', 'nist-csf:PR.AA-01', 'nist-csf:PR.AA-05', 'dora:rts-2024-1774:art-20', 'dora:rts-2024-1774:art-21'],
  },
  static_credential_too_old: {
    id: 'discovery-static-credential-too-old',
    severity: 'medium',
    title: 'Static credential where a short-lived one is declared, or older than the maximum age',
    controls: ['owasp-nhi:NHI7', 'nist-csf:PR.AA-01', 'dora:art-9-4-d'],
  },
  interactive_use: {
    id: 'discovery-interactive-use',
    severity: 'high',
    title: 'Non-human identity used from an interactive client',
    controls: ['owasp-nhi:NHI10', 'nist-csf:PR.AA-01', 'dora:rts-2024-1774:art-20', 'dora:rts-2024-1774:art-21'],
  },
  shared_credential: {
    id: 'discovery-shared-credential',
    severity: 'medium',
    title: 'One credential or account used across environments or identities',
    controls: ['owasp-nhi:NHI9', 'owasp-nhi:NHI8', 'nist-csf:PR.AA-01', 'dora:rts-2024-1774:art-20', 'dora:rts-2024-1774:art-21'],
  },
} as const satisfies Record<
  'unmanaged' | 'missing' | DriftKind,
  { id: string; severity: Severity; title: string; controls: readonly string[] }
>;

const DAY = 86_400_000;
const OFF: ReadonlySet<string> = new Set(['suspended', 'revoked', 'decommissioned']);
const refOf = (a: ObservedAccount): AccountRef => ({ source: a.source, kind: a.kind, native_id: a.native_id });
const accountLabel = (a: ObservedAccount) => `${a.kind} ${a.native_id} (source ${a.source})`;

/**
 * How a revocation target names an account, per source kind (docs/discovery.md, "Matching"):
 * the canonical form of the target and, for kinds where a bare name can stand for several
 * accounts, whether it is that bare form. Exact forms win over bare ones.
 */
export function canonicalTarget(kind: string, target: string): string {
  const t = target.trim();
  switch (kind) {
    case 'mariadb': {
      // 'app'@'10.0.%' (as SQL writes it) → app@10.0.%
      const m = /^[`'"]?(.*?)[`'"]?@[`'"]?([^`'"]*)[`'"]?$/.exec(t);
      return m && t.includes('@') ? `${m[1]}@${m[2]}` : t;
    }
    case 'kubernetes': {
      const m = /^system:serviceaccount:([^:]+):(.+)$/.exec(t);
      return m ? `${m[1]}/${m[2]}` : t;
    }
    default:
      return t;
  }
}

/** The names an account answers to in its source: its native id (exact) and, where different, its bare name. */
export function accountKeys(a: ObservedAccount): { exact: string; bare: string | null } {
  const exact = canonicalTarget(a.kind, a.native_id);
  return { exact, bare: a.name && a.name !== exact ? a.name : null };
}

/** A static credential the account is known to hold (count absent: unknown, so never a finding). */
/** Account indexes: one hit as a number, several as an array. */
type Hits = number | number[];
function addHit(m: Map<string, Hits>, k: string, i: number): void {
  const h = m.get(k);
  if (h === undefined) m.set(k, i);
  else if (typeof h === 'number') m.set(k, [h, i]);
  else h.push(i);
}
function put(idx: Map<string, Map<string, Hits>>, connector: string, k: string, i: number): void {
  let m = idx.get(connector);
  if (!m) idx.set(connector, (m = new Map()));
  addHit(m, k, i);
}
function eachHit(h: Hits | undefined, fn: (i: number) => void): void {
  if (h === undefined) return;
  if (typeof h === 'number') fn(h);
  else for (const i of h) fn(i);
}
const HOW = { revocation: 1, credential: 2, native_id: 3 } as const;
const HOW_NAMES: Record<number, ReconcileResult['matched_by']> = { 1: 'revocation', 2: 'credential', 3: 'native_id' };

const isStatic = (c: CredentialFact) =>
  (c.count ?? 0) > 0 &&
  c.active !== false &&
  (c.lifetime ? c.lifetime === 'static' : c.type === 'password' || c.type === 'key' || (c.type === 'token' && !c.expires));

/**
 * Reconciles observed accounts with declared identities. Pure and linear: every index is built
 * once (by revocation key, by native id, by fingerprint), then each account and identity is
 * visited a bounded number of times.
 */
export function reconcile(input: ReconcileInput): ReconcileOutput {
  const now = input.now.getTime();
  const policy: ReconcilePolicy = { ...DEFAULT_RECONCILE_POLICY, ...input.policy };
  const observed = input.observed;
  const sourcesById = new Map(input.sources.map((s) => [s.id, s]));

  // Which source kinds and runs cover each connector name.
  const coverage = new Map<string, { kinds: Set<string>; complete: boolean }>();
  for (const s of input.sources) {
    for (const c of s.covers) {
      const e = coverage.get(c) ?? { kinds: new Set<string>(), complete: true };
      e.kinds.add(s.kind);
      e.complete &&= s.complete;
      coverage.set(c, e);
    }
  }

  // Indexes over the observed accounts, built once: connector → exact key → account(s), connector →
  // bare name → account(s). Single hits are stored as numbers, not arrays: 100,000 accounts, not
  // 100,000 arrays for the collector.
  const exactIdx = new Map<string, Map<string, Hits>>();
  const bareIdx = new Map<string, Map<string, Hits>>();
  observed.forEach((a, i) => {
    const run = sourcesById.get(a.source);
    if (!run) return;
    const keys = accountKeys(a);
    for (const c of run.covers) {
      put(exactIdx, c, keys.exact, i);
      if (keys.bare) put(bareIdx, c, keys.bare, i);
    }
  });
  // By native id, only if some identity's connector no source covers.
  let nativeIdx: Map<string, Hits> | undefined;
  const byNative = (id: string): Hits | undefined => {
    if (!nativeIdx) {
      nativeIdx = new Map();
      for (const [i, a] of observed.entries()) addHit(nativeIdx!, a.native_id, i);
    }
    return nativeIdx.get(id);
  };

  // Pairs: each account's first identity in typed arrays, any further ones in a small map; two
  // passes, so an exact target claims an account before a bare name can.
  const identities = input.identities;
  const firstIdentity = new Int32Array(observed.length).fill(-1);
  const firstHow = new Uint8Array(observed.length);
  const morePairs = new Map<number, { ii: number; how: number }[]>();
  const matchedIdentities = new Uint8Array(identities.length);
  const claimedExactly = new Uint8Array(observed.length);
  const paired = (ai: number, ii: number) => firstIdentity[ai] === ii || !!morePairs.get(ai)?.some((p) => p.ii === ii);
  const addPair = (ai: number, ii: number, how: number) => {
    matchedIdentities[ii] = 1;
    if (firstIdentity[ai] === -1) {
      firstIdentity[ai] = ii;
      firstHow[ai] = how;
    } else if (!paired(ai, ii)) {
      const l = morePairs.get(ai);
      if (l) l.push({ ii, how });
      else morePairs.set(ai, [{ ii, how }]);
    }
  };
  /** The identities paired with an account, with how. */
  const pairsOf = (ai: number): { ii: number; how: number }[] =>
    firstIdentity[ai] === -1 ? [] : [{ ii: firstIdentity[ai]!, how: firstHow[ai]! }, ...(morePairs.get(ai) ?? [])];
  const bareWanted: { ii: number; connector: string; keys: string[] }[] = [];
  identities.forEach((idn, ii) => {
    const r = idn.revocation;
    if (!r) return;
    const cov = coverage.get(r.connector);
    if (!cov) {
      // No source reads this connector's system: the target may still be a native id verbatim (an ARN, ns/name).
      eachHit(byNative(r.target.trim()), (ai) => addPair(ai, ii, HOW.native_id));
      return;
    }
    const bare: string[] = [];
    const exact = exactIdx.get(r.connector);
    for (const kind of cov.kinds) {
      const key = canonicalTarget(kind, r.target);
      const hits = exact?.get(key);
      if (hits === undefined) bare.push(key);
      else
        eachHit(hits, (ai) => {
          addPair(ai, ii, HOW.revocation);
          claimedExactly[ai] = 1;
        });
    }
    if (bare.length) bareWanted.push({ ii, connector: r.connector, keys: bare });
  });
  for (const { ii, connector, keys } of bareWanted) {
    const idx = bareIdx.get(connector);
    for (const k of keys)
      eachHit(idx?.get(k), (ai) => {
        if (!claimedExactly[ai]) addPair(ai, ii, HOW.revocation);
      });
  }

  // Registered fingerprints: a match for an account no path matched; otherwise evidence of sharing.
  const push = (m: Map<string, number[]>, k: string, i: number) => {
    const l = m.get(k);
    if (l) l.push(i);
    else m.set(k, [i]);
  };
  const registered = new Map<string, number[]>();
  const identityIndex = new Map(identities.map((idn, ii) => [idn.id, ii]));
  for (const rc of input.credentials ?? []) {
    const ii = identityIndex.get(rc.identity);
    if (ii !== undefined) push(registered, rc.fingerprint, ii);
  }
  const foreignFingerprint = new Map<number, { fingerprint: string; identities: number[] }[]>();
  const byFingerprint = new Map<string, number[]>();
  observed.forEach((a, ai) => {
    for (const c of a.credentials) {
      if (!c.fingerprint) continue;
      push(byFingerprint, c.fingerprint, ai);
      const owners = registered.get(c.fingerprint);
      if (!owners) continue;
      if (firstIdentity[ai] === -1 || firstHow[ai] === HOW.credential) for (const ii of owners) addPair(ai, ii, HOW.credential);
      else {
        const others = owners.filter((ii) => !paired(ai, ii));
        if (others.length) {
          const l = foreignFingerprint.get(ai) ?? [];
          l.push({ fingerprint: c.fingerprint, identities: others });
          foreignFingerprint.set(ai, l);
        }
      }
    }
  });

  // Sharing: fingerprints on several accounts, and accounts claimed by several identities.
  const shared = new Map<number, Sharing>();
  const note = (ai: number, e: Evidence, crossEnvironment = false) => {
    const l = shared.get(ai) ?? { evidence: [], crossEnvironment: false };
    if (l.evidence.length < 10) l.evidence.push(e);
    l.crossEnvironment ||= crossEnvironment;
    shared.set(ai, l);
  };
  for (const [fp, ais] of byFingerprint) {
    const distinct = [...new Set(ais)];
    if (distinct.length < 2) continue;
    const ids = new Set<number>();
    const envs = new Set<string>();
    const entities = new Set<string>();
    for (const ai of distinct) {
      const a = observed[ai]!;
      if (a.environment) envs.add(a.environment);
      for (const { ii } of pairsOf(ai)) {
        ids.add(ii);
        envs.add(identities[ii]!.environment);
        for (const s of identities[ii]!.scopes ?? []) if ('entity' in s) entities.add(s.entity);
      }
    }
    // Several accounts holding one credential is reuse whatever they are declared as; across
    // environments it is worse (crossEnvironment raises the severity).
    const where = distinct
      .slice(0, 5)
      .map((ai) => accountLabel(observed[ai]!))
      .join('; ');
    const detail =
      `credential ${fp} is held by ${distinct.length} accounts (${where}${distinct.length > 5 ? '; …' : ''})` +
      `${
        ids.size
          ? `, declared as ${[...ids]
              .slice(0, 5)
              .map((ii) => identities[ii]!.id)
              .join(', ')}`
          : ''
      }` +
      `${envs.size ? `, in ${[...envs].sort().join(', ')}` : ''}` +
      `${entities.size > 1 ? `, for entities ${[...entities].sort().join(', ')}` : ''}`;
    for (const ai of distinct) note(ai, { type: 'credential', detail }, envs.size > 1);
  }
  for (const ai of morePairs.keys()) {
    const names = pairsOf(ai).map((p) => identities[p.ii]!.id);
    note(ai, {
      type: 'account',
      detail: `${accountLabel(observed[ai]!)} is declared by ${names.length} identities: ${names.slice(0, 10).join(', ')}`,
    });
  }
  for (const [ai, l] of foreignFingerprint) {
    for (const f of l)
      note(ai, {
        type: 'credential',
        detail:
          `credential ${f.fingerprint} of ${accountLabel(observed[ai]!)} is registered to ` +
          `${f.identities.map((ii) => identities[ii]!.id).join(', ')}`,
      });
  }

  const results: ReconcileResult[] = [];
  const byDrift = Object.fromEntries(DRIFT_KINDS.map((k) => [k, 0])) as Record<DriftKind, number>;
  let matched = 0;
  let drifted = 0;
  let unmanaged = 0;

  observed.forEach((a, ai) => {
    if (firstIdentity[ai] === -1) {
      unmanaged++;
      results.push(unmanagedResult(a));
      return;
    }
    const ref = refOf(a);
    for (const p of morePairs.has(ai) ? pairsOf(ai) : [{ ii: firstIdentity[ai]!, how: firstHow[ai]! }]) {
      const idn = identities[p.ii]!;
      const how = HOW_NAMES[p.how]!;
      const drift = drifts(idn, a, now, policy, shared.get(ai));
      for (const d of drift) byDrift[d.kind]++;
      if (drift.length) drifted++;
      else matched++;
      results.push({
        key: `${idn.id}|${a.source}|${a.native_id}`,
        state: drift.length ? 'drift' : 'matched',
        identity: idn.id,
        account: ref,
        matched_by: how,
        drift,
        finding: null,
        evidence: [
          {
            type: 'account',
            detail:
              `${accountLabel(a)} matched by ${how}` +
              `${how === 'revocation' ? ` ${idn.revocation!.connector}:${idn.revocation!.target}` : ''}`,
          },
        ],
      });
    }
  });

  let missing = 0;
  let uncovered = 0;
  const unverified: string[] = [];
  identities.forEach((idn, ii) => {
    if (matchedIdentities[ii]) return;
    const cov = idn.revocation ? coverage.get(idn.revocation.connector) : undefined;
    if (!cov) {
      uncovered++;
      return;
    }
    // Never from a partial read: absence proves nothing unless every covering source read completely.
    if (!cov.complete) {
      unverified.push(idn.id);
      return;
    }
    missing++;
    results.push(
      missingResult(
        idn,
        input.sources.filter((s) => s.covers.includes(idn.revocation!.connector)).map((s) => s.id),
      ),
    );
  });

  return {
    results,
    summary: {
      observed: observed.length,
      identities: identities.length,
      matched,
      drift: drifted,
      unmanaged,
      missing,
      by_drift: byDrift,
      unverified,
      uncovered,
    },
  };
}

function findingFor(
  check: { id: string; severity: Severity; controls: readonly string[] },
  idn: DiscoveryIdentity | null,
  a: ObservedAccount | null,
  title: string,
  detail: string,
  severity: Severity = check.severity,
): SuggestedFinding {
  return {
    check: check.id,
    severity,
    title,
    detail,
    controls: [...check.controls],
    subject: idn ? { type: 'identity', id: idn.id } : { type: 'observed_account', id: `${a!.source}:${a!.native_id}` },
    owner: idn?.owner ?? null,
    scopes: idn?.scopes ? idn.scopes.map(scopeKey) : [],
  };
}

function unmanagedResult(a: ObservedAccount): ReconcileResult {
  // An account that cannot log in is a leftover, not a live risk: low; one that can act, higher.
  const severity: Severity = !a.can_login ? 'low' : a.privilege === 'execute' ? 'high' : 'medium';
  const evidence: Evidence[] = [
    {
      type: 'account',
      detail:
        `${accountLabel(a)}: ${a.type}, ${a.enabled ? 'enabled' : 'disabled'}, ${a.can_login ? 'can log in' : 'cannot log in'}, ` +
        `privilege ${a.privilege}`,
    },
    ...a.grants.slice(0, 3).map((g): Evidence => ({ type: 'grant', detail: `${g.privilege}: ${g.grant}` })),
    ...a.sessions.slice(0, 3).map((s): Evidence => sessionEvidence(s)),
  ];
  return {
    key: `-|${a.source}|${a.native_id}`,
    state: 'unmanaged',
    identity: null,
    account: refOf(a),
    matched_by: null,
    drift: [],
    finding: findingFor(
      DISCOVERY_CHECKS.unmanaged,
      null,
      a,
      `${a.kind} ${a.type} ${a.native_id} is not in the inventory`,
      `Found by source ${a.source}${a.can_login ? ', able to log in' : ', unable to log in'}, privilege ${a.privilege}` +
        `${a.last_used ? `, last used ${a.last_used}` : ''}: declare it with an owner and purpose, or remove it.`,
      severity,
    ),
    evidence,
  };
}

function missingResult(idn: DiscoveryIdentity, sources: string[]): ReconcileResult {
  const r = idn.revocation!;
  // A switched-off identity whose account is gone is the desired end state: recorded, no finding.
  const live = (idn.status ?? 'active') === 'active';
  return {
    key: `${idn.id}|-|-`,
    state: 'missing',
    identity: idn.id,
    account: null,
    matched_by: null,
    drift: [],
    finding: live
      ? findingFor(
          DISCOVERY_CHECKS.missing,
          idn,
          null,
          `${idn.id}: ${r.connector} target ${r.target} not found`,
          `Complete reads of ${sources.join(', ')} show no such account: correct the revocation path, or decommission the identity.`,
        )
      : null,
    evidence: [{ type: 'source', detail: `not observed in complete read${sources.length === 1 ? '' : 's'} of ${sources.join(', ')}` }],
  };
}

const sessionEvidence = (s: SessionEvidence): Evidence => ({
  type: 'session',
  detail:
    `${s.user}${s.application ? ` via ${s.application}` : ''}${s.client_address ? ` from ${s.client_address}` : ''}` +
    `${s.interactive ? ' (interactive client)' : ''}`,
  ...(s.started ? { at: s.started } : {}),
});

const NONE_CREDENTIALS: CredentialFact[] = [];
const NONE_SESSIONS: SessionEvidence[] = [];

interface Sharing {
  evidence: Evidence[];
  crossEnvironment: boolean;
}

function drifts(idn: DiscoveryIdentity, a: ObservedAccount, now: number, policy: ReconcilePolicy, shared: Sharing | undefined): Drift[] {
  const out: Drift[] = [];
  const on = `${a.kind} ${a.native_id}`;
  const add = (kind: DriftKind, evidence: Evidence[], title: string, detail: string, severity?: Severity) => {
    const check = DISCOVERY_CHECKS[kind];
    const f = findingFor(check, idn, a, title, detail, severity);
    out.push({ kind, severity: f.severity, evidence, finding: f });
  };

  const status = idn.status ?? 'active';
  if (OFF.has(status) && (a.can_login || a.sessions_total > 0)) {
    add(
      'revocation_not_effective',
      [
        {
          type: 'login',
          detail: `${on}: ${a.enabled ? 'enabled' : 'disabled'}, ${a.can_login ? 'can log in' : 'cannot log in'}, privilege ${a.privilege}`,
        },
        ...a.sessions.slice(0, 5).map(sessionEvidence),
      ],
      `${idn.id} is ${status} in Mandate but ${on} ${a.can_login ? 'can still log in' : 'still has sessions'}`,
      `${a.sessions_total} session${a.sessions_total === 1 ? '' : 's'} seen. Switch it off in the system (revocation ` +
        `${idn.revocation ? `${idn.revocation.connector}:${idn.revocation.target}` : 'path unset'}) and find why the revocation ` +
        'did not take.',
    );
  }

  // A switched-off identity's account only matters if it still opens: its grants, credential age
  // and past sessions are moot while it cannot log in (and reported above when it can).
  if (OFF.has(status)) return out.concat(shared ? [sharedDrift(idn, a, on, shared)] : []);

  if (idn.capability === 'observe' && a.privilege === 'execute') {
    const ex = a.grants.filter((g) => g.privilege === 'execute');
    const examples = ex.length
      ? `e.g. ${ex
          .slice(0, 3)
          .map((g) => g.grant)
          .join('; ')}`
      : 'execute privileges';
    const inAll = a.grants_total > a.grants.length ? ` (${a.grants_total} grants in all)` : '';
    add(
      'over_privileged',
      ex.slice(0, 10).map((g): Evidence => ({ type: 'grant', detail: g.grant })),
      `${idn.id} is declared observe but ${on} holds execute privileges`,
      `${examples}${inAll}: narrow the grants to read, or declare the capability.`,
    );
  }

  const statics = a.credentials.length ? a.credentials.filter(isStatic) : NONE_CREDENTIALS;
  if (statics.length) {
    const old: Evidence[] = [];
    for (const c of statics) {
      const since = c.last_rotated ?? c.created;
      const age = since ? now - Date.parse(since) : Number.NaN;
      if (age > policy.static_max_age_days * DAY)
        old.push({
          type: 'credential',
          detail: `${c.type}${c.label ? ` ${c.label}` : ''} not rotated for ${Math.floor(age / DAY)} days (since ${since})`,
          at: since,
        });
    }
    if (idn.credential.type === 'short_lived') {
      add(
        'static_credential_too_old',
        [
          ...statics.slice(0, 5).map(
            (c): Evidence => ({
              type: 'credential',
              detail:
                `static ${c.type}${c.label ? ` ${c.label}` : ''}${c.count !== undefined ? ` ×${c.count}` : ''}` +
                `${(c.last_rotated ?? c.created) ? ` since ${c.last_rotated ?? c.created}` : ''}`,
            }),
          ),
          ...old,
        ],
        `${idn.id} is declared short-lived but ${on} holds a static ${statics[0]!.type}`,
        'Move it to short-lived credentials (workload identity, tokens minted per use) and remove the static one, or correct the ' +
          'declaration.',
        'high',
      );
    } else if (old.length) {
      add(
        'static_credential_too_old',
        old,
        `${idn.id}: a static credential of ${on} is older than ${policy.static_max_age_days} days`,
        `${old.map((e) => e.detail).join('; ')}: rotate it.`,
      );
    }
  }

  const human = a.sessions.length ? a.sessions.filter((s) => s.interactive) : NONE_SESSIONS;
  if (human.length) {
    add(
      'interactive_use',
      human.slice(0, 5).map(sessionEvidence),
      `${idn.id} (${on}) was used from an interactive client`,
      `${human
        .slice(0, 3)
        .map((s) => sessionEvidence(s).detail)
        .join('; ')}: people use their own accounts; rotate the credential if a person holds it.`,
    );
  }

  if (shared) out.push(sharedDrift(idn, a, on, shared));
  return out;
}

function sharedDrift(idn: DiscoveryIdentity, a: ObservedAccount, on: string, shared: Sharing): Drift {
  // A credential that also opens another environment lets the weaker one reach the stronger: high.
  const f = findingFor(
    DISCOVERY_CHECKS.shared_credential,
    idn,
    a,
    `${idn.id} (${on}) shares its credential or account`,
    shared.evidence
      .map((e) => e.detail)
      .join('; ')
      .slice(0, 1000),
    shared.crossEnvironment ? 'high' : undefined,
  );
  return { kind: 'shared_credential', severity: f.severity, evidence: shared.evidence, finding: f };
}
