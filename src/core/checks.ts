// The automated control checks, as plain functions over the facts the compliance service gathers
// (inventory, power, credentials, decision usage, approvals, exceptions, break-glass, revocation
// deliveries, leaked secrets, the ledger's checkpoints). Each check names the controls of
// controls/catalogue.yaml it evidences and answers the subjects it looked at and those failing.
import { DISCOVERY_CHECKS, type SuggestedFinding } from './discovery.js';
import type { Severity } from './evidence.js';
import { scopeKey } from './lifecycle.js';
import { isProductScope, type Authorisation, type Identity, type Person } from './model.js';
import { CRA_REPORT_CHECKS, type CraReportFact } from './cra-checks.js';
import { PRODUCT_CHECKS, type ProductFacts } from './product-checks.js';
import type { ActionClass } from './vocabulary.js';

export interface CheckFacts {
  now: Date;
  identities: readonly { record: Identity; created_at: string }[];
  people: ReadonlyMap<string, Person>;
  authorisations: readonly Authorisation[];
  classOf: (action: string) => ActionClass | undefined;
  /**
   * Lawful power of each active identity as the decision point computes it (the lifecycle rules in
   * force over the authorisations as they stand): scope key → lawful actions. An identity absent
   * here is taken at its whole entitlement.
   */
  power: ReadonlyMap<string, Record<string, string[]>>;
  /** When each identity last used each action (decision log); absent: never in the window read. */
  usage: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Environments and enforcement points (applications) each identity was seen acting from. */
  seenFrom: ReadonlyMap<string, { environments: ReadonlySet<string>; applications: ReadonlySet<string> }>;
  exceptions: readonly { id: string; identity: string; control: string; status: string; expires_at: string }[];
  grants: readonly { id: string; kind: string; identity: string; approved_at: string | null; expires_at: string }[];
  activations: readonly {
    id: string;
    identity: string;
    emergency: boolean;
    status: string;
    review: string;
    starts_at: string | null;
    ends_at: string | null;
  }[];
  /** Connector switch-offs: when asked and when done (null: not yet). */
  revocations: readonly { id: string; identity: string; requested_at: string; done_at: string | null; status: string }[];
  leaks: readonly {
    id: string;
    identity: string | null;
    detector: string;
    where: string;
    first_seen: string;
    resolved_at: string | null;
  }[];
  overdueReviews: readonly { campaign: string; identity: string; due_at: string; reviewer: string | null }[];
  /** The findings stored discovery results suggest (drift, unmanaged, missing) that nobody adopted or dismissed. */
  discovery?: readonly SuggestedFinding[];
  /** When the ledger's newest signed checkpoint was made, and how many events it covers of how many. */
  ledger: { last_checkpoint_at: string | null; checkpoint_size: number; size: number };
  /** Products, their lifecycle rules in force and the exceptions register, for the CRA checks (product-checks.ts). */
  products?: ProductFacts;
  /** The CRA Article 14 reports with their milestones, for the reporting-clock check (cra-checks.ts). */
  craReports?: readonly CraReportFact[];
  settings: CheckSettings;
}

export interface CheckSettings {
  /** Rotation period in days per credential type. */
  rotation_days: Record<string, number>;
  unused_days: number;
  /** The firm's bound on revocation: a switch-off slower than this is a finding. */
  revocation_bound_ms: number;
  /** How stale the newest checkpoint may be. */
  checkpoint_max_age_ms: number;
  stale_approval_days: number;
}

export const DEFAULT_CHECK_SETTINGS: CheckSettings = {
  rotation_days: { static_secret: 90, key_pair: 365, certificate: 365 },
  unused_days: 90,
  revocation_bound_ms: 5 * 60_000,
  checkpoint_max_age_ms: 2 * 3600_000,
  stale_approval_days: 90,
};

export interface Failure {
  subject: { type: string; id: string };
  title: string;
  detail: string;
  owner: string | null;
  scopes: string[];
  /** When the cause began, if earlier than the run that first sees it. */
  since?: string;
  /** Overrides the check's severity for this subject (an emergency break-glass use is critical). */
  severity?: Severity;
}

export interface CheckDefinition {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  controls: string[];
  /** Exception controls that accept this risk for an identity (the finding becomes accepted_risk). */
  accepted_by?: string[];
  run(f: CheckFacts): { evaluated: number; failures: Failure[] };
}

const DAY = 86_400_000;
const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);
const days = (n: number) => Math.floor(n / DAY);
const scopesOf = (i: Identity) => i.scopes.map(scopeKey);
const active = (f: CheckFacts) => f.identities.filter((s) => s.record.status === 'active');
// Identities by id, built once per set of facts however many checks look subjects up.
const byIdCache = new WeakMap<CheckFacts, Map<string, Identity>>();
function identitiesById(f: CheckFacts): Map<string, Identity> {
  let m = byIdCache.get(f);
  if (!m) byIdCache.set(f, (m = new Map(f.identities.map((s) => [s.record.id, s.record]))));
  return m;
}
const failureFor = (i: Identity, title: string, detail: string, since?: string): Failure => ({
  subject: { type: 'identity', id: i.id },
  title,
  detail,
  owner: i.owner ?? null,
  scopes: scopesOf(i),
  ...(since ? { since } : {}),
});
/** Statuses under which a scope may carry new business. */
const LIVE = new Set(['authorised', 'restricted']);

export const CHECKS: readonly CheckDefinition[] = [
  {
    id: 'owner-missing-or-departed',
    title: 'Active identity without an accountable owner',
    description: 'Every active identity has an owner who is still with the firm.',
    severity: 'high',
    controls: ['owasp-nhi:NHI1', 'nist-csf:GV.RR-02', 'nist-csf:PR.AA-01', 'dora:rts-2024-1774:art-20'],
    run(f) {
      const ids = active(f);
      const failures: Failure[] = [];
      for (const { record: i } of ids) {
        if (!i.owner)
          failures.push(
            failureFor(i, `${i.id} has no owner`, 'Nobody is accountable for this identity: name an owner or decommission it.'),
          );
        else if (f.people.get(i.owner)?.status === 'departed')
          failures.push(
            failureFor(
              i,
              `${i.id} is owned by ${i.owner}, who has left`,
              'Its owner has departed: hand it to a current owner or decommission it.',
            ),
          );
      }
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'execute-on-static-secret',
    title: 'Execute identity on a long-lived static secret',
    description: 'Identities that move assets or serve clients prove themselves with short-lived credentials, not static secrets.',
    severity: 'high',
    controls: ['owasp-nhi:NHI7', 'owasp-nhi:NHI4', 'nist-csf:PR.AA-03', 'dora:art-9-4-d', 'cra:annex-i:2-d'],
    accepted_by: ['static_secret'],
    run(f) {
      const ids = active(f).filter((s) => s.record.capability === 'execute');
      const failures = ids
        .filter((s) => s.record.credential.type === 'static_secret')
        .map(({ record: i }) =>
          failureFor(
            i,
            `${i.id} executes on a static secret`,
            `Created ${i.credential.created}` +
              `${i.credential.last_rotated ? `, last rotated ${i.credential.last_rotated}` : ', never rotated'}: move it to ` +
              'workload tokens or a key pair, or document an exception.',
          ),
        );
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'secret-rotation-overdue',
    title: 'Credential older than its rotation period',
    description: 'Long-lived credentials (static secrets, key pairs, certificates) are rotated within the firm’s period.',
    severity: 'medium',
    controls: ['owasp-nhi:NHI7', 'nist-csf:PR.AA-01', 'dora:art-9-4-d'],
    accepted_by: ['static_secret'],
    run(f) {
      const ids = active(f).filter((s) => f.settings.rotation_days[s.record.credential.type] !== undefined);
      const failures: Failure[] = [];
      for (const { record: i } of ids) {
        const period = f.settings.rotation_days[i.credential.type]!;
        const since = i.credential.last_rotated ?? i.credential.created;
        const age = f.now.getTime() - ms(since);
        if (age > period * DAY)
          failures.push(
            failureFor(
              i,
              `${i.id}: ${i.credential.type} not rotated for ${days(age)} days`,
              `Rotation period ${period} days; last rotated ${since}.`,
              new Date(ms(since) + period * DAY).toISOString(),
            ),
          );
      }
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'unused-entitlements',
    title: 'Execute actions granted but unused for 90 days',
    description:
      'Entitlements follow use: an execute action an identity has not used in the window is over-privilege (from the decision log).',
    severity: 'medium',
    controls: ['owasp-nhi:NHI5', 'nist-csf:PR.AA-05', 'dora:art-9-4-c', 'dora:rts-2024-1774:art-21'],
    run(f) {
      const window = f.settings.unused_days * DAY;
      // Only identities old enough to have used what they hold.
      const ids = active(f).filter((s) => s.record.capability === 'execute' && f.now.getTime() - ms(s.created_at) >= window);
      const failures: Failure[] = [];
      for (const { record: i } of ids) {
        const used = f.usage.get(i.id);
        const unused = i.actions.filter((a) => f.classOf(a) !== 'observe' && !(used?.get(a) && f.now.getTime() - ms(used.get(a)) < window));
        if (unused.length)
          failures.push(
            failureFor(
              i,
              `${i.id}: ${unused.length} execute action${unused.length === 1 ? '' : 's'} unused for ${f.settings.unused_days} days`,
              `Unused: ${unused.join(', ')}. Narrow the identity to what it uses.`,
            ),
          );
      }
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'identity-reused',
    title: 'Identity reused across environments or applications',
    description: 'One identity serves one application in one environment: reuse spreads a compromise and blurs attribution.',
    severity: 'medium',
    controls: ['owasp-nhi:NHI8', 'owasp-nhi:NHI9', 'nist-csf:PR.AA-01', 'dora:rts-2024-1774:art-20'],
    run(f) {
      const ids = active(f);
      const failures: Failure[] = [];
      for (const { record: i } of ids) {
        const seen = f.seenFrom.get(i.id);
        if (!seen) continue;
        const envs = [...seen.environments].filter((e) => e !== i.environment);
        if (envs.length)
          failures.push(
            failureFor(
              i,
              `${i.id} (${i.environment}) acted from ${envs.join(', ')}`,
              'It is used outside its environment: give each environment its own identity.',
            ),
          );
        else if (seen.applications.size > 1)
          failures.push(
            failureFor(
              i,
              `${i.id} is used by ${seen.applications.size} applications`,
              `Seen at ${[...seen.applications].sort().join(', ')}: give each application its own identity.`,
            ),
          );
      }
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'vendor-execute-without-exception',
    title: 'Vendor identity with execute capability and no exception',
    description: 'A third party’s identity may act on client assets or clients only under a documented, approved exception.',
    severity: 'high',
    controls: ['owasp-nhi:NHI3', 'nist-csf:GV.SC-07', 'nist-csf:DE.CM-06', 'dora:art-28'],
    accepted_by: ['entitlement', 'workload_attestation'],
    run(f) {
      const ids = active(f).filter((s) => s.record.vendor);
      const failures = ids
        .filter((s) => s.record.capability === 'execute')
        .map(({ record: i }) =>
          failureFor(
            i,
            `Vendor ${i.vendor} identity ${i.id} can execute`,
            'Reduce it to observe, or document the need in an exception with compensating controls.',
          ),
        );
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'active-in-unauthorised-scope',
    title: 'Identity holding new business in a scope whose authorisation is not active (must be zero)',
    description: 'No identity keeps power to take new business where the firm’s authorisation or passport is not in force.',
    severity: 'critical',
    controls: ['mica:art-59-conditions', 'mica:art-65-passport', 'mica:art-64-withdrawal', 'mica:art-94-suspension', 'nist-csf:PR.AA-05'],
    run(f) {
      const byScope = new Map(f.authorisations.map((a) => [scopeKey(a), a]));
      const ids = active(f).filter((s) => s.record.capability === 'execute');
      const failures: Failure[] = [];
      for (const { record: i } of ids) {
        const power = f.power.get(i.id);
        for (const s of i.scopes) {
          if (isProductScope(s)) continue; // a product scope's status is the product's (the CRA checks, product-checks.ts)
          const key = scopeKey(s);
          const auth = byScope.get(key);
          if (auth && LIVE.has(auth.status)) continue;
          // What the identity holds there: its lawful power as the decision point has it (or, absent, its entitlement).
          const held = power ? (power[key] ?? []) : i.actions;
          const newBusiness = held.filter((a) => f.classOf(a) === 'new_business');
          // The authorisation's state is already what the firm holds, so no transition is missing
          // and none is advised: what leaves the power in place is the rules, or the identity's scopes.
          if (newBusiness.length)
            failures.push({
              ...failureFor(
                i,
                `${i.id} holds ${newBusiness.join(', ')} in ${key}, where the firm ` +
                  `${auth ? `is ${auth.status}` : 'holds no authorisation'}`,
                `${auth ? `Authorisation ${auth.id} is already ${auth.status}` : 'The firm holds no authorisation here'}, yet the ` +
                  'lifecycle rules in force leave this lawful: correct the rules (mandate rules show), or the identity’s scopes.',
              ),
              scopes: [key],
            });
        }
      }
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'break-glass-unreviewed',
    title: 'Break-glass identity used without a post-incident review',
    description: 'Every use of an emergency identity is reviewed by someone other than who opened it.',
    severity: 'high',
    controls: ['nist-csf:RS.MI-01', 'dora:rts-2024-1774:art-21', 'owasp-nhi:NHI10'],
    run(f) {
      const byId = identitiesById(f);
      const open = f.activations.filter(
        (a) => a.review === 'open' && (a.emergency || a.status === 'ended' || (a.ends_at !== null && ms(a.ends_at) <= f.now.getTime())),
      );
      const failures = open.map((a) => {
        const i = byId.get(a.identity);
        return {
          subject: { type: 'break_glass_activation', id: a.id },
          title: `Break-glass use of ${a.identity} (${a.id}) is not reviewed`,
          detail:
            `${a.emergency ? 'Emergency unseal' : 'Approved unseal'} at ${a.starts_at}; close the review with mandate ` +
            `break-glass review ${a.id}.`,
          owner: i?.owner ?? null,
          scopes: i ? scopesOf(i) : [],
          ...(a.ends_at && !a.emergency ? { since: a.ends_at } : {}),
          ...(a.emergency ? { severity: 'critical' as const } : {}),
        };
      });
      return { evaluated: f.activations.length, failures };
    },
  },
  {
    id: 'exception-expired-open',
    title: 'Exception expired and not closed',
    description: 'An exception that ran out is closed or renewed: the deviation it documented may still be there.',
    severity: 'high',
    controls: ['dora:art-9-4-e', 'nist-csf:PR.AA-05', 'dora:rts-2024-1774:art-21'],
    run(f) {
      const byId = identitiesById(f);
      const failures = f.exceptions
        .filter((e) => e.status === 'expired')
        .map((e) => {
          const i = byId.get(e.identity);
          return {
            subject: { type: 'exception', id: e.id },
            title: `Exception ${e.id} for ${e.identity} expired and is not closed`,
            detail: `It waived ${e.control} until ${e.expires_at}.`,
            owner: i?.owner ?? null,
            scopes: i ? scopesOf(i) : [],
            since: e.expires_at,
          };
        });
      return { evaluated: f.exceptions.length, failures };
    },
  },
  {
    id: 'approval-stale',
    title: 'Grant standing on an approval older than the review period',
    description: 'Access that rests on an old approval is approved again or withdrawn.',
    severity: 'medium',
    controls: ['dora:rts-2024-1774:art-21', 'nist-csf:PR.AA-05'],
    run(f) {
      const byId = identitiesById(f);
      const live = f.grants.filter((g) => ms(g.expires_at) > f.now.getTime());
      const failures = live
        .filter((g) => g.approved_at && f.now.getTime() - ms(g.approved_at) > f.settings.stale_approval_days * DAY)
        .map((g) => {
          const i = byId.get(g.identity);
          return {
            subject: { type: 'grant', id: g.id },
            title: `${g.kind} ${g.id} of ${g.identity} rests on an approval of ${g.approved_at!.slice(0, 10)}`,
            detail: `Approved more than ${f.settings.stale_approval_days} days ago and still in force until ${g.expires_at}.`,
            owner: i?.owner ?? null,
            scopes: i ? scopesOf(i) : [],
          };
        });
      return { evaluated: live.length, failures };
    },
  },
  {
    id: 'revocation-lag',
    title: 'Revocation slower than the firm’s bound',
    description: 'Identities are switched off where their credentials live without undue delay (the bound is a setting).',
    severity: 'high',
    controls: ['dora:rts-2024-1774:art-21', 'owasp-nhi:NHI1', 'nist-csf:RS.MI-01'],
    run(f) {
      const byId = identitiesById(f);
      const bound = f.settings.revocation_bound_ms;
      const failures: Failure[] = [];
      for (const r of f.revocations) {
        const took = (r.done_at ? ms(r.done_at) : f.now.getTime()) - ms(r.requested_at);
        if (took <= bound) continue;
        const i = byId.get(r.identity);
        failures.push({
          subject: { type: 'revocation', id: r.id },
          title:
            `Switching off ${r.identity} ` +
            `${r.done_at ? `took ${Math.round(took / 1000)} s` : `is still ${r.status} after ${Math.round(took / 1000)} s`}`,
          detail: `Asked at ${r.requested_at}${r.done_at ? `, done at ${r.done_at}` : ''}; the bound is ${Math.round(bound / 1000)} s.`,
          owner: i?.owner ?? null,
          scopes: i ? scopesOf(i) : [],
          since: new Date(ms(r.requested_at) + bound).toISOString(),
        });
      }
      return { evaluated: f.revocations.length, failures };
    },
  },
  {
    id: 'secret-leaked',
    title: 'Leaked secret still open',
    description: 'A secret a scanner found in code or logs is revoked and rotated at once.',
    severity: 'critical',
    controls: ['owasp-nhi:NHI2', 'nist-csf:DE.CM-03', 'nist-csf:RS.MI-01', 'cra:annex-i:2-d'],
    run(f) {
      const byId = identitiesById(f);
      const failures = f.leaks
        .filter((l) => !l.resolved_at)
        .map((l) => {
          const i = l.identity ? byId.get(l.identity) : undefined;
          return {
            subject: { type: 'leaked_secret', id: l.id },
            title: `${l.detector} secret${l.identity ? ` of ${l.identity}` : ''} leaked in ${l.where}`,
            detail:
              `Open for ${days(f.now.getTime() - ms(l.first_seen))} days (since ${l.first_seen}): revoke and rotate it, then ` +
              'mark it resolved.',
            owner: i?.owner ?? null,
            scopes: i ? scopesOf(i) : [],
            since: l.first_seen,
          };
        });
      return { evaluated: f.leaks.length, failures };
    },
  },
  {
    id: 'access-review-overdue',
    title: 'Access review item overdue',
    description: 'Owners decide their identities’ periodic access reviews by the due date.',
    severity: 'medium',
    controls: ['dora:rts-2024-1774:art-21', 'nist-csf:PR.AA-05'],
    run(f) {
      const byId = identitiesById(f);
      const failures = f.overdueReviews.map((r) => {
        const i = byId.get(r.identity);
        return {
          subject: { type: 'identity', id: r.identity },
          title: `The access review of ${r.identity} is overdue`,
          detail: `Campaign ${r.campaign} was due ${r.due_at}.`,
          owner: r.reviewer ?? i?.owner ?? null,
          scopes: i ? scopesOf(i) : [],
          since: r.due_at,
        };
      });
      return { evaluated: f.overdueReviews.length, failures };
    },
  },
  {
    id: 'ledger-checkpoint-stale',
    title: 'Ledger not checkpointed recently',
    description: 'The evidence log is signed at short intervals, so tampering with it is detectable.',
    severity: 'high',
    controls: ['nist-csf:PR.PS-04', 'dora:rts-2024-1774:art-12', 'cra:annex-i:2-l', 'cra:annex-i:2-f'],
    run(f) {
      const l = f.ledger;
      const age = l.last_checkpoint_at ? f.now.getTime() - ms(l.last_checkpoint_at) : Number.POSITIVE_INFINITY;
      const stale = l.size > 0 && age > f.settings.checkpoint_max_age_ms && l.checkpoint_size < l.size;
      return {
        evaluated: 1,
        failures: stale
          ? [
              {
                subject: { type: 'ledger', id: 'ledger' },
                title: l.last_checkpoint_at
                  ? `The newest checkpoint is ${Math.round(age / 60_000)} minutes old`
                  : 'The ledger has never been checkpointed',
                detail: `${l.size - l.checkpoint_size} events are not yet under a signed checkpoint.`,
                owner: null,
                scopes: [],
              },
            ]
          : [],
      };
    },
  },
  // The Cyber Resilience Act's identity controls over product identities (product-checks.ts; docs/cra.md).
  ...PRODUCT_CHECKS,
  // The CRA Article 14 reporting clock (cra-checks.ts, cra-clock.ts; docs/cra.md).
  ...CRA_REPORT_CHECKS,
  // Discovery (docs/discovery.md): what reconciling the real systems with the inventory found.
  ...Object.values(DISCOVERY_CHECKS).map(
    (d): CheckDefinition => ({
      id: d.id,
      title: d.title,
      description:
        'Discovery reads the accounts that exist in the firm\u2019s systems and reconciles them with the inventory (the stored results ' +
        'of the last runs).',
      severity: d.severity,
      controls: [...d.controls],
      run(f) {
        const mine = (f.discovery ?? []).filter((x) => x.check === d.id);
        return {
          evaluated: mine.length,
          failures: mine.map((x) => ({
            subject: x.subject,
            title: x.title,
            detail: x.detail,
            owner: x.owner,
            scopes: x.scopes,
            severity: x.severity,
          })),
        };
      },
    }),
  ),
];

/** Days to remediate, by severity: a finding's due date is its first sighting plus this. */
export const REMEDIATION_DAYS: Record<Severity, number> = { critical: 1, high: 7, medium: 30, low: 90 };

/** Penalty an open finding of each severity weighs on one identity in a scope (readiness). */
export const READINESS_WEIGHT: Record<Severity, number> = { critical: 1, high: 0.6, medium: 0.25, low: 0.1 };

/**
 * A scope's readiness: 100 when no identity in it has an open finding; each identity with open
 * findings takes off its worst finding's weight, spread over the scope's identities; findings
 * about the scope as a whole (no identity) take off their weight once. Never below 0.
 */
export function readinessScore(identities: number, worstPerIdentity: readonly Severity[], scopeWide: readonly Severity[]): number {
  const identityPenalty = worstPerIdentity.reduce((s, sev) => s + READINESS_WEIGHT[sev], 0) / Math.max(1, identities);
  const wide = scopeWide.reduce((s, sev) => s + READINESS_WEIGHT[sev] * 0.5, 0);
  return Math.max(0, Math.round(100 * (1 - Math.min(1, identityPenalty + wide))));
}

const ORDER: Record<Severity, number> = { critical: 3, high: 2, medium: 1, low: 0 };
export const worse = (a: Severity, b: Severity): Severity => (ORDER[a] >= ORDER[b] ? a : b);
