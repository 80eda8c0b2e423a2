// Approval rules and separation of duties, as plain functions over data. One engine decides every
// request that needs approval: authorisation transitions, policy and lifecycle-rule changes,
// just-in-time access, exceptions and break-glass activations. A rule says, for a kind of
// request and its risk, how many approvals it needs, from which roles, and how long it may wait.
import { Type, type Static } from '@sinclair/typebox';
import { MandateError, type Issue } from './errors.js';
import { Enum } from './model.js';
import { ROLES, type Role } from './roles.js';
import { ajvIssues, compileBody } from './schema.js';
import { CAPABILITIES, IDENTITY_FUNCTIONS, IDENTITY_KINDS, MICA_SERVICES } from './vocabulary.js';

export const APPROVAL_KINDS = [
  'transition',
  'policy_change',
  'lifecycle_rules_change',
  'access',
  'exception',
  'break_glass',
  'identity_change',
] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** What a request is about, for choosing its rule: the capability it gives, where, to what. */
export interface ApprovalRisk {
  /** execute when the request lets something move assets or serve clients; observe otherwise. */
  capability?: 'observe' | 'execute';
  services?: readonly string[];
  function?: string;
  kind?: string;
  emergency?: boolean;
}

const list = <T extends readonly string[]>(values: T) =>
  Type.Optional(Type.Array(Enum(values), { minItems: 1, maxItems: 20, uniqueItems: true }));

export const ApprovalRule = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    kind: Enum(APPROVAL_KINDS),
    description: Type.String({ minLength: 1, maxLength: 1000 }),
    when: Type.Optional(
      Type.Object(
        {
          capability: list(CAPABILITIES),
          /** Matches when the request touches any of these services. */
          services: list(MICA_SERVICES),
          function: list(IDENTITY_FUNCTIONS),
          kind: list(IDENTITY_KINDS),
        },
        { additionalProperties: false },
      ),
    ),
    approvals: Type.Integer({ minimum: 1, maximum: 5 }),
    roles: Type.Array(Enum(ROLES), { minItems: 1, maxItems: ROLES.length, uniqueItems: true }),
    expires_after_seconds: Type.Integer({ minimum: 60, maximum: 90 * 24 * 3600 }),
  },
  { additionalProperties: false },
);
export type ApprovalRule = Static<typeof ApprovalRule>;
export const ApprovalRules = Type.Array(ApprovalRule, { minItems: 1, maxItems: 200 });

const APPROVERS: Role[] = ['approver', 'admin'];
const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * The rules a firm starts with; the first that matches decides. Executing on custody or transfer
 * (client assets moving) needs two approvers; everything else one. Every kind has a catch-all, so
 * no request is ever left without a rule.
 */
export const DEFAULT_APPROVAL_RULES: readonly ApprovalRule[] = [
  {
    id: 'transition',
    kind: 'transition',
    description: 'An authorisation transition: one approver other than the proposer.',
    approvals: 1,
    roles: APPROVERS,
    expires_after_seconds: 14 * DAY,
  },
  {
    id: 'policy-change',
    kind: 'policy_change',
    description: 'A new version of the firm’s Cedar policies.',
    approvals: 1,
    roles: APPROVERS,
    expires_after_seconds: 14 * DAY,
  },
  {
    id: 'lifecycle-rules-change',
    kind: 'lifecycle_rules_change',
    description: 'A new version of the lifecycle rules.',
    approvals: 1,
    roles: APPROVERS,
    expires_after_seconds: 14 * DAY,
  },
  {
    id: 'access-execute-client-assets',
    kind: 'access',
    when: { capability: ['execute'], services: ['custody', 'transfer'] },
    description: 'Just-in-time execute access where client assets move: two approvers.',
    approvals: 2,
    roles: APPROVERS,
    expires_after_seconds: 8 * HOUR,
  },
  {
    id: 'access',
    kind: 'access',
    description: 'Just-in-time access: one approver.',
    approvals: 1,
    roles: APPROVERS,
    expires_after_seconds: 24 * HOUR,
  },
  {
    id: 'exception-execute-client-assets',
    kind: 'exception',
    when: { capability: ['execute'], services: ['custody', 'transfer'] },
    description: 'An exception that lets an identity execute where client assets move: two approvers.',
    approvals: 2,
    roles: APPROVERS,
    expires_after_seconds: 7 * DAY,
  },
  {
    id: 'exception',
    kind: 'exception',
    description: 'A documented policy exception: one approver.',
    approvals: 1,
    roles: APPROVERS,
    expires_after_seconds: 7 * DAY,
  },
  {
    id: 'break-glass-client-assets',
    kind: 'break_glass',
    when: { capability: ['execute'], services: ['custody', 'transfer'] },
    description: 'Unsealing a break-glass identity that can move client assets: two approvers.',
    approvals: 2,
    roles: APPROVERS,
    expires_after_seconds: 2 * HOUR,
  },
  {
    id: 'break-glass',
    kind: 'break_glass',
    description: 'Unsealing a break-glass identity: one approver.',
    approvals: 1,
    roles: APPROVERS,
    expires_after_seconds: 2 * HOUR,
  },
  // A change that adds power lasts, where a just-in-time grant ends: it needs at least as many
  // approvals as just-in-time access to the same power.
  {
    id: 'identity-change-execute-client-assets',
    kind: 'identity_change',
    when: { capability: ['execute'], services: ['custody', 'transfer'] },
    description: 'A change that adds power to an execute identity where client assets move: two approvers.',
    approvals: 2,
    roles: APPROVERS,
    expires_after_seconds: 7 * DAY,
  },
  {
    id: 'identity-change',
    kind: 'identity_change',
    description: 'A change that adds power to an identity: one approver.',
    approvals: 1,
    roles: APPROVERS,
    expires_after_seconds: 7 * DAY,
  },
];

const validateRules = compileBody(ApprovalRules);

/** Checks a rules document: the schema, unique ids, and a catch-all rule for every kind. */
export function checkApprovalRules(doc: unknown): { rules?: ApprovalRule[]; issues: Issue[] } {
  if (!validateRules(doc)) return { issues: ajvIssues(validateRules.errors) };
  const rules = doc as ApprovalRule[];
  const issues: Issue[] = [];
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (seen.has(r.id)) issues.push({ field: `/${i}/id`, reason: `rule id ${r.id} is used twice` });
    seen.add(r.id);
  });
  for (const kind of APPROVAL_KINDS)
    if (!rules.some((r) => r.kind === kind && !r.when))
      issues.push({ field: '/', reason: `no catch-all rule (without when) for ${kind}: every request needs a rule` });
  return issues.length ? { issues } : { rules, issues };
}

function matches(rule: ApprovalRule, risk: ApprovalRisk): boolean {
  const w = rule.when;
  if (!w) return true;
  if (w.capability && !(risk.capability && w.capability.includes(risk.capability))) return false;
  if (w.services && !(risk.services ?? []).some((s) => (w.services as readonly string[]).includes(s))) return false;
  if (w.function && !(risk.function && (w.function as readonly string[]).includes(risk.function))) return false;
  if (w.kind && !(risk.kind && (w.kind as readonly string[]).includes(risk.kind))) return false;
  return true;
}

/** The rule a request falls under: the first that matches its kind and risk. */
export function ruleFor(rules: readonly ApprovalRule[], kind: ApprovalKind, risk: ApprovalRisk): ApprovalRule {
  const rule = rules.find((r) => r.kind === kind && matches(r, risk));
  if (!rule) throw new MandateError('INTERNAL', `no approval rule for ${kind}`);
  return rule;
}

/** An approval request as the vote check needs it. */
export interface ApprovalFacts {
  id: string;
  kind: ApprovalKind;
  status: ApprovalStatus;
  requester: string;
  /** The owner of the identity concerned, who may not approve access to it either. */
  owner: string | null;
  required: number;
  roles: readonly Role[];
  expires_at: string;
  /** The person behind the requester (personKey), when the requester is a user. */
  requesterPerson?: string;
}

export interface Voter {
  user: string;
  roles: readonly Role[];
  /**
   * The person behind the vote: `oidc:<issuer>#<subject>` for a person the identity provider signs
   * in, else `user:<id>` (personKey). Two accounts of one person are one voter.
   */
  person?: string;
  /** An API client (automation) never votes; absent means a person. */
  kind?: 'person' | 'api_client';
}

/** How the person behind a vote signed in (a session's facts), recorded with the vote in the ledger. */
export interface VoteAuthn {
  issuer: string;
  subject: string;
  session: string;
  acr: string | null;
  amr: readonly string[];
  auth_time: string | null;
}

/** A vote already cast: its user and the person behind it. */
export interface PriorVote {
  user: string;
  person?: string;
}

/** The key separation of duties compares: the provider's issuer and subject when known, else the user. */
export function personKey(user: string, external?: { issuer: string; subject: string } | null): string {
  return external ? `oidc:${external.issuer}#${external.subject}` : `user:${user}`;
}

const personOf = (v: { user: string; person?: string }) => v.person ?? `user:${v.user}`;

/**
 * Why this person may not vote on this request now, or undefined if they may. Separation of
 * duties compares people, not accounts: the requester and the owner of the identity concerned never
 * approve (nor reject: a request is withdrawn, not self-rejected), one person's vote counts once
 * whichever account or session casts it, and an API client (automation) never votes.
 */
export function voteRefusal(
  a: ApprovalFacts,
  voter: Voter,
  priorVoters: readonly (string | PriorVote)[],
  now: Date,
): MandateError | undefined {
  if (a.status !== 'pending') return new MandateError('ALREADY_DECIDED', `approval ${a.id} is ${a.status}: it can no longer be decided`);
  if (Date.parse(a.expires_at) <= now.getTime())
    return new MandateError('REQUEST_EXPIRED', `approval ${a.id} expired at ${a.expires_at}: ask again`);
  if (voter.kind === 'api_client')
    return new MandateError('FORBIDDEN', 'an API client never votes: approvals are decided by people, signed in', {
      field: 'Authorization',
    });
  const person = personOf(voter);
  if (`user:${voter.user}` === a.requester || (a.requesterPerson !== undefined && person === a.requesterPerson))
    return new MandateError('SEPARATION_OF_DUTIES', 'you made this request: someone else must decide it');
  if (a.owner !== null && voter.user === a.owner)
    return new MandateError('SEPARATION_OF_DUTIES', `you own the identity this request concerns: someone else must decide it`);
  if (!voter.roles.some((r) => a.roles.includes(r)))
    return new MandateError(
      'FORBIDDEN',
      `this request needs an approval from ${a.roles.join(' or ')}; your roles are ${voter.roles.join(', ') || 'none'}`,
    );
  const prior = priorVoters.map((p) => (typeof p === 'string' ? { user: p } : p));
  if (prior.some((p) => p.user === voter.user || personOf(p) === person))
    return new MandateError('SEPARATION_OF_DUTIES', `you have already decided approval ${a.id}: one person's approval counts once`);
  return undefined;
}

/** What the votes come to: approved once enough distinct people approve; rejected on any rejection. */
export function tally(required: number, votes: readonly { decision: 'approve' | 'reject' }[]): 'approved' | 'rejected' | 'pending' {
  if (votes.some((v) => v.decision === 'reject')) return 'rejected';
  return votes.filter((v) => v.decision === 'approve').length >= required ? 'approved' : 'pending';
}
