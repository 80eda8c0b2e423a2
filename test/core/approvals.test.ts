// The approval rules and separation of duties, as pure functions: the matrix of who may decide
// what, and properties that hold for any request, voter and history of votes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  APPROVAL_KINDS,
  checkApprovalRules,
  DEFAULT_APPROVAL_RULES,
  ruleFor,
  tally,
  voteRefusal,
  type ApprovalFacts,
  type ApprovalKind,
} from '../../src/core/approvals.js';
import { ROLES, type Role } from '../../src/core/roles.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const request = (over: Partial<ApprovalFacts> = {}): ApprovalFacts => ({
  id: 'ap_1',
  kind: 'access',
  status: 'pending',
  requester: 'user:olga',
  owner: 'alice@firm.example',
  required: 2,
  roles: ['approver', 'admin'],
  expires_at: '2026-11-22T18:00:00Z',
  ...over,
});

test('the separation-of-duties matrix: every kind × every kind of voter', () => {
  // Who votes → the code of the refusal, or null when the vote counts.
  const voters: [string, { user: string; roles: Role[] }, string[], string | null][] = [
    ['the requester, even as an approver', { user: 'olga', roles: ['approver'] }, [], 'SEPARATION_OF_DUTIES'],
    ['the owner of the identity concerned', { user: 'alice@firm.example', roles: ['approver'] }, [], 'SEPARATION_OF_DUTIES'],
    ['an approver who already voted', { user: 'anton', roles: ['approver'] }, ['anton'], 'SEPARATION_OF_DUTIES'],
    ['a viewer', { user: 'vic', roles: ['viewer'] }, [], 'FORBIDDEN'],
    ['an operator', { user: 'opal', roles: ['operator'] }, [], 'FORBIDDEN'],
    ['a compliance officer', { user: 'carla', roles: ['compliance_officer'] }, [], 'FORBIDDEN'],
    ['an enforcement point', { user: 'gw', roles: ['enforcer'] }, [], 'FORBIDDEN'],
    ['another approver', { user: 'anton', roles: ['approver'] }, [], null],
    ['an admin', { user: 'root', roles: ['admin'] }, ['anton'], null],
    ['an approver after someone else voted', { user: 'alma', roles: ['approver'] }, ['anton'], null],
  ];
  for (const kind of APPROVAL_KINDS) {
    // Transitions and changes concern no identity: no owner.
    const owner = kind === 'access' || kind === 'exception' || kind === 'break_glass' ? 'alice@firm.example' : null;
    for (const [who, voter, prior, expected] of voters) {
      if (owner === null && who === 'the owner of the identity concerned') continue;
      const refusal = voteRefusal(request({ kind, owner }), voter, prior, NOW);
      assert.equal(refusal?.code ?? null, expected, `${kind}: ${who}`);
    }
    // Whatever the voter, a decided or expired request takes no vote.
    for (const status of ['approved', 'rejected', 'expired', 'cancelled'] as const)
      assert.equal(voteRefusal(request({ kind, owner, status }), { user: 'anton', roles: ['approver'] }, [], NOW)?.code, 'ALREADY_DECIDED');
    assert.equal(
      voteRefusal(request({ kind, owner, expires_at: NOW.toISOString() }), { user: 'anton', roles: ['approver'] }, [], NOW)?.code,
      'REQUEST_EXPIRED',
    );
  }
});

test('the default rules: two approvers where client assets move on execute, one elsewhere; every kind has a rule', () => {
  assert.deepEqual(checkApprovalRules(DEFAULT_APPROVAL_RULES).issues, []);
  const required = (kind: ApprovalKind, capability: 'observe' | 'execute', services: string[]) =>
    ruleFor(DEFAULT_APPROVAL_RULES, kind, { capability, services }).approvals;
  for (const kind of ['access', 'exception', 'break_glass'] as const) {
    assert.equal(required(kind, 'execute', ['custody']), 2);
    assert.equal(required(kind, 'execute', ['transfer', 'execution']), 2);
    assert.equal(required(kind, 'execute', ['execution']), 1);
    assert.equal(required(kind, 'observe', ['custody']), 1);
  }
  assert.equal(required('transition', 'execute', ['custody']), 1);
});

test('a rules document without a catch-all for some kind, or with a duplicate id, is refused', () => {
  const noCatchAll = DEFAULT_APPROVAL_RULES.filter((r) => r.id !== 'break-glass');
  assert.match(
    checkApprovalRules(noCatchAll)
      .issues.map((i) => i.reason)
      .join(),
    /break_glass/,
  );
  const dup = [...DEFAULT_APPROVAL_RULES, DEFAULT_APPROVAL_RULES[0]!];
  assert.match(
    checkApprovalRules(dup)
      .issues.map((i) => i.reason)
      .join(),
    /used twice/,
  );
  assert.ok(
    checkApprovalRules([{ id: 'x', kind: 'access', description: 'd', approvals: 0, roles: ['approver'], expires_after_seconds: 60 }]).issues
      .length > 0,
  );
  assert.ok(checkApprovalRules('nope').issues.length > 0);
});

const arbVoter = fc.record({
  user: fc.constantFrom('olga', 'alice@firm.example', 'anton', 'alma', 'root', 'vic'),
  roles: fc.subarray([...ROLES], { minLength: 1 }),
});

test(
  'property: whoever votes, a vote counts only if the voter is not the requester nor the owner, holds a listed role, and has not ' +
    'voted',
  () => {
    fc.assert(
      fc.property(arbVoter, fc.subarray(['olga', 'anton', 'alma', 'root']), fc.constantFrom(...APPROVAL_KINDS), (voter, prior, kind) => {
        const a = request({ kind });
        const refusal = voteRefusal(a, voter, prior, NOW);
        const eligible =
          `user:${voter.user}` !== a.requester &&
          voter.user !== a.owner &&
          voter.roles.some((r) => a.roles.includes(r)) &&
          !prior.includes(voter.user);
        assert.equal(refusal === undefined, eligible);
      }),
    );
  },
);

test('property: a request is approved only by `required` distinct approvals and no rejection', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.constantFrom('approve' as const, 'reject' as const), { maxLength: 8 }),
      (required, decisions) => {
        const outcome = tally(
          required,
          decisions.map((decision) => ({ decision })),
        );
        if (decisions.includes('reject')) assert.equal(outcome, 'rejected');
        else assert.equal(outcome, decisions.length >= required ? 'approved' : 'pending');
      },
    ),
  );
});
