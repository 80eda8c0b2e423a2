// "Adds power", defined once. Power grows only through the approvals the rules require, so every
// path that writes an identity (an edit, a create, a manifest import) asks this function whether
// the change gives the identity more than it had; if so the change waits for approval, and if not
// it applies at once. Pure: the caller hands in the authorisations' states, the lifecycle rules
// and the vocabulary it read in the same transaction.
import { decidePower, scopeKey, type AuthorityLookup, type LifecycleRules } from './lifecycle.js';
import type { Authorisation, Identity, Product } from './model.js';
import type { ActionVocabulary } from './vocabulary.js';

/** The ways an identity's power can grow (docs/approvals.md, "Changes that add power"). */
export const POWER_GAINS = [
  /** A (scope, action) pair is entitled that was not before: the identity may do it now or once its authorisation allows. */
  'entitlement',
  /** A (scope, action) pair is lawful now that was not (the lifecycle rules also read function, kind, environment, vendor). */
  'lawful',
  /** observe → execute. */
  'execute',
  /** break_glass true → false: it acts without an approved activation. */
  'unsealed',
  /** It stops being a vendor identity: the vendor rules (lost return paths, say) stop applying. */
  'not_vendor',
  /** It moves to production from staging or development. */
  'production',
  /** Its function or kind changes: policies and rules read both. */
  'function',
  /** Its credential stops being a legacy static secret, whose compensating controls (observe only) fall away. */
  'not_legacy',
] as const;
export type PowerGainKind = (typeof POWER_GAINS)[number];

export interface PowerGain {
  kind: PowerGainKind;
  /** What grows, for people: "withdraw_to_client in ent-de/custody/DE", "staging → production". */
  detail: string;
}

/** The (scope, action) pairs an identity is entitled to, as `entity/service/jurisdiction|action`. */
export function entitledPairs(identity: Pick<Identity, 'scopes' | 'actions'>): Set<string> {
  const out = new Set<string>();
  for (const s of identity.scopes) for (const a of identity.actions) out.add(`${scopeKey(s)}|${a}`);
  return out;
}

/** The (scope, action) pairs lawful for an identity now, by the one lifecycle engine the cascade uses. */
export function lawfulPairs(identity: Identity, lookup: AuthorityLookup, rules: LifecycleRules, vocabulary: ActionVocabulary): Set<string> {
  const out = new Set<string>();
  for (const s of decidePower(identity, lookup, rules, vocabulary).scopes) {
    const key = scopeKey(s.scope);
    for (const v of s.verdicts) if (v.lawful) out.add(`${key}|${v.action}`);
  }
  return out;
}

const pairDetail = (pair: string): string => {
  const [scope, action] = pair.split('|') as [string, string];
  return `${action} in ${scope}`;
};

/**
 * How `after` gives more power than `before` (absent: the identity is new, and had none). Empty:
 * the change keeps or removes power only, and may apply at once. Status is not compared: an
 * identity's status changes through its own endpoint (and reactivation never restores what the
 * lifecycle took), while power is judged on what the record entitles, whatever its status now.
 */
export function powerGains(
  before: Identity | undefined,
  after: Identity,
  lookup: AuthorityLookup,
  rules: LifecycleRules,
  vocabulary: ActionVocabulary,
): PowerGain[] {
  const gains: PowerGain[] = [];
  const had = before ? entitledPairs(before) : new Set<string>();
  for (const pair of entitledPairs(after)) if (!had.has(pair)) gains.push({ kind: 'entitlement', detail: pairDetail(pair) });
  const lawfulBefore = before ? lawfulPairs(before, lookup, rules, vocabulary) : new Set<string>();
  const entitledGain = new Set(gains.map((g) => g.detail));
  for (const pair of lawfulPairs(after, lookup, rules, vocabulary)) {
    // A pair newly entitled is named once, as entitlement; this catches pairs that were entitled
    // but unlawful and become lawful because another attribute (function, environment…) changed.
    if (!lawfulBefore.has(pair) && !entitledGain.has(pairDetail(pair))) gains.push({ kind: 'lawful', detail: pairDetail(pair) });
  }
  if (!before) {
    if (after.capability === 'execute') gains.push({ kind: 'execute', detail: 'a new identity with execute capability' });
    return gains;
  }
  if (before.capability === 'observe' && after.capability === 'execute') gains.push({ kind: 'execute', detail: 'observe → execute' });
  if (before.break_glass && !after.break_glass) gains.push({ kind: 'unsealed', detail: 'no longer a sealed break-glass identity' });
  if (before.vendor !== undefined && after.vendor === undefined)
    gains.push({ kind: 'not_vendor', detail: `no longer a vendor identity (was ${before.vendor})` });
  if (before.environment !== 'production' && after.environment === 'production')
    gains.push({ kind: 'production', detail: `${before.environment} → production` });
  if (before.function !== after.function) gains.push({ kind: 'function', detail: `function ${before.function} → ${after.function}` });
  if (before.kind !== after.kind) gains.push({ kind: 'function', detail: `kind ${before.kind} → ${after.kind}` });
  if (before.credential.type === 'static_secret' && after.credential.type !== 'static_secret')
    gains.push({ kind: 'not_legacy', detail: `credential static_secret → ${after.credential.type}` });
  return gains;
}

/** The services an identity acts in, for choosing the approval rule of a change to it. */
export function servicesOf(identity: Pick<Identity, 'scopes'>): string[] {
  return [...new Set(identity.scopes.map((s) => ('service' in s ? s.service : 'product')))].sort();
}

/**
 * Fields of an authorisation that only a transition changes: its status, the dates and conditions
 * that come with a status. Its scope (entity, service, jurisdiction) and basis say what it is,
 * and never change: a different licence is a different authorisation.
 */
export const TRANSITION_FIELDS = ['status', 'effective_from', 'deadline', 'conditions'] as const;
export const IDENTIFYING_FIELDS = ['entity', 'service', 'jurisdiction', 'basis'] as const;

export interface AuthorisationChangeIssue {
  field: string;
  reason: string;
  code: 'STATUS_CHANGE_NEEDS_TRANSITION' | 'IMMUTABLE_FIELD';
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Why writing `after` over `before` is not an edit but a licence change (empty: it is an edit, of
 * the reference, say). A new authorisation (no `before`) outside the bootstrap load starts as
 * `applied`: being authorised is a transition, proposed and approved like any other.
 */
export function authorisationChangeIssues(before: Authorisation | undefined, after: Authorisation): AuthorisationChangeIssue[] {
  const how = (to: string) => `propose it as a transition (mandate authorisations propose ${after.id} --to ${to} --reason … --reference …)`;
  if (!before) {
    return after.status === 'applied' || after.status === 'closed'
      ? []
      : [
          {
            field: '/status',
            code: 'STATUS_CHANGE_NEEDS_TRANSITION',
            reason: `a new authorisation starts as applied, not ${after.status}: create it as applied, then ${how(after.status)}`,
          },
        ];
  }
  const issues: AuthorisationChangeIssue[] = [];
  for (const f of IDENTIFYING_FIELDS) {
    if (!same(before[f], after[f]))
      issues.push({
        field: `/${f}`,
        code: 'IMMUTABLE_FIELD',
        reason: `${f} says which licence this is (${String(before[f])}) and never changes: a different licence is a new authorisation`,
      });
  }
  if (before.status !== after.status) {
    issues.push({
      field: '/status',
      code: 'STATUS_CHANGE_NEEDS_TRANSITION',
      reason: `authorisation ${after.id} is ${before.status}; its status changes only by a transition: ${how(after.status)}`,
    });
  } else {
    for (const f of TRANSITION_FIELDS) {
      if (f !== 'status' && !same(before[f], after[f]))
        issues.push({
          field: `/${f}`,
          code: 'STATUS_CHANGE_NEEDS_TRANSITION',
          reason: `${f} of authorisation ${after.id} changes only with its status, by a transition: ${how(before.status)}`,
        });
    }
  }
  return issues;
}

/**
 * A product's status (and the reference of its last change) changes only by a transition, and its
 * manufacturer never (another manufacturer is another product). A new product starts in
 * development (or, on a firm's first load, as it stands, like authorisations).
 */
export function productChangeIssues(before: Product | undefined, after: Product): AuthorisationChangeIssue[] {
  const how = (to: string) => `propose it as a transition (mandate products propose ${after.id} --to ${to} --reason … --reference …)`;
  if (!before)
    return after.status === 'in_development'
      ? []
      : [
          {
            field: '/status',
            code: 'STATUS_CHANGE_NEEDS_TRANSITION',
            reason: `a new product starts as in_development, not ${after.status}: create it so, then ${how(after.status)}`,
          },
        ];
  const issues: AuthorisationChangeIssue[] = [];
  if (before.manufacturer !== after.manufacturer)
    issues.push({
      field: '/manufacturer',
      code: 'IMMUTABLE_FIELD',
      reason:
        `the manufacturer of product ${after.id} (${before.manufacturer}) never changes: ` +
        "another manufacturer's product is a new product",
    });
  if (before.status !== after.status)
    issues.push({
      field: '/status',
      code: 'STATUS_CHANGE_NEEDS_TRANSITION',
      reason: `product ${after.id} is ${before.status}; its status changes only by a transition: ${how(after.status)}`,
    });
  else if ((before.reference ?? null) !== (after.reference ?? null))
    issues.push({
      field: '/reference',
      code: 'STATUS_CHANGE_NEEDS_TRANSITION',
      reason: `reference of product ${after.id} changes only with its status, by a transition`,
    });
  return issues;
}
