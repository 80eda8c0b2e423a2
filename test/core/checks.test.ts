// The pure control checks over hand-made facts: each check fails exactly what it should, and the
// readiness score behaves (bounded, monotone in findings).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CHECKS, DEFAULT_CHECK_SETTINGS, readinessScore, type CheckFacts } from '../../src/core/checks.js';
import type { Identity } from '../../src/core/model.js';
import { ActionVocabulary } from '../../src/core/vocabulary.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const vocabulary = new ActionVocabulary();
const id = (over: Partial<Identity> & { id: string }): { record: Identity; created_at: string } => ({
  record: {
    kind: 'service_account',
    function: 'custody',
    capability: 'execute',
    owner: 'alice@firm.example',
    purpose: 'p',
    environment: 'production',
    status: 'active',
    scopes: [{ entity: 'e', service: 'custody', jurisdiction: 'DE' }],
    actions: ['read', 'initiate_transfer', 'withdraw_to_client'],
    break_glass: false,
    labels: {},
    credential: { type: 'short_lived', created: '2026-01-01T00:00:00Z' },
    ...over,
  } as Identity,
  created_at: '2026-01-01T00:00:00Z',
});
const facts = (over: Partial<CheckFacts> = {}): CheckFacts => ({
  now: NOW,
  identities: [],
  people: new Map([
    ['alice@firm.example', { id: 'alice@firm.example', name: 'A', status: 'active' }],
    ['bob@firm.example', { id: 'bob@firm.example', name: 'B', status: 'departed' }],
  ]),
  authorisations: [{ id: 'a1', entity: 'e', service: 'custody', jurisdiction: 'DE', status: 'authorised', basis: 'home', reference: 'r' }],
  classOf: (a) => vocabulary.classOf(a),
  power: new Map(),
  usage: new Map(),
  seenFrom: new Map(),
  exceptions: [],
  grants: [],
  activations: [],
  revocations: [],
  leaks: [],
  overdueReviews: [],
  ledger: { last_checkpoint_at: NOW.toISOString(), checkpoint_size: 10, size: 10 },
  settings: DEFAULT_CHECK_SETTINGS,
  ...over,
});
const run = (check: string, f: CheckFacts) =>
  CHECKS.find((c) => c.id === check)!
    .run(f)
    .failures.map((x) => x.subject.id)
    .sort();

test('unused entitlements come from the decision log, over the window, for execute actions only', () => {
  const recent = new Date(NOW.getTime() - 5 * 86_400_000).toISOString();
  const old = new Date(NOW.getTime() - 120 * 86_400_000).toISOString();
  const young = { ...id({ id: 'young' }), created_at: recent };
  const f = facts({
    identities: [id({ id: 'uses-all' }), id({ id: 'uses-some' }), young, id({ id: 'observer', capability: 'observe', actions: ['read'] })],
    usage: new Map([
      [
        'uses-all',
        new Map([
          ['initiate_transfer', recent],
          ['withdraw_to_client', recent],
        ]),
      ],
      [
        'uses-some',
        new Map([
          ['initiate_transfer', recent],
          ['withdraw_to_client', old],
        ]),
      ],
    ]),
  });
  assert.deepEqual(run('unused-entitlements', f), ['uses-some']);
});

test('reuse across environments and applications', () => {
  const f = facts({
    identities: [id({ id: 'one-app' }), id({ id: 'two-apps' }), id({ id: 'staging-too' })],
    seenFrom: new Map([
      ['one-app', { environments: new Set(['production']), applications: new Set(['gw-1']) }],
      ['two-apps', { environments: new Set(['production']), applications: new Set(['gw-1', 'gw-2']) }],
      ['staging-too', { environments: new Set(['production', 'staging']), applications: new Set(['gw-1']) }],
    ]),
  });
  assert.deepEqual(run('identity-reused', f), ['staging-too', 'two-apps']);
});

test('revocation lag, stale approvals, the ledger checkpoint, leaked secrets', () => {
  const at = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
  const f = facts({
    identities: [id({ id: 'x' })],
    revocations: [
      { id: 'fast', identity: 'x', requested_at: at(60_000), done_at: at(59_000), status: 'delivered' },
      { id: 'slow', identity: 'x', requested_at: at(3_600_000), done_at: at(3_000_000), status: 'delivered' },
      { id: 'stuck', identity: 'x', requested_at: at(3_600_000), done_at: null, status: 'failed' },
    ],
    grants: [
      { id: 'g-old', kind: 'exception', identity: 'x', approved_at: at(100 * 86_400_000), expires_at: at(-86_400_000) },
      { id: 'g-new', kind: 'access', identity: 'x', approved_at: at(86_400_000), expires_at: at(-3600_000) },
    ],
    leaks: [
      { id: 'l1', identity: 'x', detector: 'gitleaks:aws', where: 'a.env:1', first_seen: at(86_400_000), resolved_at: null },
      { id: 'l2', identity: null, detector: 'x', where: 'y', first_seen: at(1), resolved_at: at(0) },
    ],
    ledger: { last_checkpoint_at: at(5 * 3600_000), checkpoint_size: 10, size: 20 },
  });
  assert.deepEqual(run('revocation-lag', f), ['slow', 'stuck']);
  assert.deepEqual(run('approval-stale', f), ['g-old']);
  assert.deepEqual(run('secret-leaked', f), ['l1']);
  assert.deepEqual(run('ledger-checkpoint-stale', f), ['ledger']);
  assert.deepEqual(
    run('ledger-checkpoint-stale', facts({ ledger: { last_checkpoint_at: at(5 * 3600_000), checkpoint_size: 20, size: 20 } })),
    [],
    'nothing new since the checkpoint',
  );
});

test('an identity is active in an unauthorised scope only while it holds new business there', () => {
  const f = facts({
    identities: [
      id({ id: 'ok' }),
      id({ id: 'it', scopes: [{ entity: 'e', service: 'custody', jurisdiction: 'IT' }] }),
      id({ id: 'it-narrowed', scopes: [{ entity: 'e', service: 'custody', jurisdiction: 'IT' }] }),
    ],
    power: new Map([['it-narrowed', { 'e/custody/IT': ['read', 'withdraw_to_client'] }]]),
  });
  assert.deepEqual(run('active-in-unauthorised-scope', f), ['it']);
});

test('readiness: 100 with nothing open, never below 0, never rising with another open finding', () => {
  assert.equal(readinessScore(10, [], []), 100);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 500 }),
      fc.array(fc.constantFrom('low', 'medium', 'high', 'critical') as fc.Arbitrary<'low'>, { maxLength: 50 }),
      fc.array(fc.constantFrom('low', 'medium', 'high', 'critical') as fc.Arbitrary<'low'>, { maxLength: 5 }),
      fc.constantFrom('low', 'medium', 'high', 'critical') as fc.Arbitrary<'low'>,
      (n, worst, wide, extra) => {
        const s = readinessScore(n, worst, wide);
        assert.ok(s >= 0 && s <= 100);
        assert.ok(readinessScore(n, [...worst, extra], wide) <= s);
        assert.ok(readinessScore(n, worst, [...wide, extra]) <= s);
      },
    ),
  );
});
