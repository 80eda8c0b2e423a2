// The decision engine's grants, alone: what a grant lends and what it never can. The firm's
// policies are stood in for by the default policy's logic (entitled action, own scope, attested
// to execute), so the properties speak of the engine, not of Cedar.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DecisionEngine, type GrantEntry, type IdentityFacts, type PolicyEvaluator } from '../../packages/sdk/src/decision/index.js';
import { EnforcementState } from '../../packages/sdk/src/state.js';
import { defaultRules } from '../../src/state/lifecycle-rules.js';

const ACTIONS = [
  { id: 'read', class: 'observe' as const },
  { id: 'initiate_transfer', class: 'new_business' as const },
  { id: 'withdraw_to_client', class: 'return_path' as const },
];
const entitled: PolicyEvaluator = {
  evaluate(p, action, cls, _r, scope, _s, context) {
    const ok =
      p.type === 'identity' &&
      p.actions.includes(action) &&
      p.scopes.includes(scope) &&
      (cls === 'observe' || (context.attested && context.device_posture === 'compliant'));
    return { allow: ok, determining: ok ? ['entitled'] : [], errors: [], obligations: [] };
  },
};
const STATES = ['authorised', 'restricted', 'suspended', 'withdrawn', 'wind_down', 'closed', 'applied'] as const;
let now = 1_000_000;
const engine = (grants: GrantEntry[], status: (typeof STATES)[number] = 'authorised') =>
  new DecisionEngine({
    actions: ACTIONS,
    authorisations: [{ id: 'a1', entity: 'e', service: 'custody', jurisdiction: 'DE', status }],
    lifecycle: defaultRules() as never,
    policies: entitled,
    grants,
    now: () => now,
  });
const agent = (over: Partial<IdentityFacts> = {}): IdentityFacts => ({
  type: 'identity',
  id: 'agent',
  status: 'active',
  kind: 'ai_agent',
  function: 'custody',
  capability: 'execute',
  environment: 'production',
  vendor: false,
  break_glass: false,
  legacy: false,
  actions: ['read'],
  scopes: ['e/custody/DE'],
  ...over,
});
const R = { entity: 'e', service: 'custody', jurisdiction: 'DE' };
const CTX = { attested: true, device_posture: 'compliant' as const, session_purpose: 'x', environment: 'production' as const };

test('a grant lends its actions in its scope until it expires; the answer names it', () => {
  const g: GrantEntry = {
    id: 'g1',
    kind: 'access',
    identity: 'agent',
    actions: ['withdraw_to_client'],
    scope: 'e/custody/DE',
    expires_at: now + 1000,
  };
  const e = engine([g]);
  const d = e.decide(agent(), 'withdraw_to_client', R, CTX);
  assert.equal(d.decision, 'allow');
  assert.deepEqual(d.relied_on, [{ type: 'access', id: 'g1', expires_at: new Date(now + 1000).toISOString() }]);
  assert.equal(e.decide(agent(), 'initiate_transfer', R, CTX).decision, 'deny');
  assert.equal(e.decide(agent({ id: 'other' }), 'withdraw_to_client', R, CTX).decision, 'deny');
  assert.equal(
    e.decide(agent(), 'withdraw_to_client', R, { ...CTX, attested: false }).decision,
    'deny',
    'the policies still ask for attestation',
  );
  now += 1000;
  assert.equal(e.decide(agent(), 'withdraw_to_client', R, CTX).decision, 'deny', 'expired by the clock, with no delta');
});

test('a cut grant is gone, even when its activation and its cut arrive in one delta', () => {
  const state = new EnforcementState(
    () => entitled,
    () => now,
  );
  state.load({
    seq: 1,
    issuer: 'x',
    policies: { version: 1, items: [] },
    lifecycle: { version: 0, rules: defaultRules() as never },
    actions: ACTIONS,
    authorisations: [{ id: 'a1', entity: 'e', service: 'custody', jurisdiction: 'DE', status: 'authorised' }],
    provisional: [],
    generations: {},
    revoked: [],
    grants: [],
  });
  const g: GrantEntry = {
    id: 'g2',
    kind: 'access',
    identity: 'agent',
    actions: ['withdraw_to_client'],
    scope: 'e/custody/DE',
    expires_at: now + 60_000,
  };
  assert.ok(state.apply({ from: 1, seq: 2, at: 0, grants: { upsert: [g], removed: [] } }));
  assert.equal(state.engine!.decide(agent(), 'withdraw_to_client', R, CTX).decision, 'allow');
  assert.ok(state.apply({ from: 2, seq: 3, at: 0, grants: { upsert: [], removed: ['g2'] } }));
  assert.equal(state.engine!.decide(agent(), 'withdraw_to_client', R, CTX).decision, 'deny');
  assert.ok(state.apply({ from: 3, seq: 4, at: 0, grants: { upsert: [{ ...g, id: 'g3' }], removed: ['g3'] } }));
  assert.equal(state.engine!.decide(agent(), 'withdraw_to_client', R, CTX).decision, 'deny');
});

test(
  'property: no grant reaches past the built-in rules (inactive, observe-only, ' + 'unlawful scope, unknown action, sealed break-glass)',
  () => {
    const arbGrant = fc.record({
      id: fc.constantFrom('g1', 'g2'),
      kind: fc.constantFrom('access' as const, 'exception' as const),
      control: fc.constantFrom(undefined, 'entitlement' as const, 'workload_attestation' as const, 'static_secret' as const),
    });
    fc.assert(
      fc.property(
        fc.array(arbGrant, { maxLength: 3 }),
        fc.constantFrom(...STATES),
        fc.constantFrom('read', 'initiate_transfer', 'withdraw_to_client', 'launder'),
        fc.constantFrom('active', 'suspended', 'revoked') as fc.Arbitrary<IdentityFacts['status']>,
        fc.constantFrom('observe', 'execute') as fc.Arbitrary<'observe' | 'execute'>,
        fc.boolean(),
        fc.boolean(),
        (gs, status, action, principalStatus, capability, breakGlass, attested) => {
          const grants: GrantEntry[] = gs.map((g) => ({
            ...g,
            identity: 'agent',
            actions: [action],
            scope: 'e/custody/DE',
            expires_at: now + 10_000,
            ...(g.control ? { control: g.control } : {}),
          }));
          const p = agent({ status: principalStatus, capability, break_glass: breakGlass });
          const ctx = { ...CTX, attested };
          const withGrants = engine(grants, status).decide(p, action, R, ctx);
          const without = engine([], status).decide(p, action, R, ctx);
          // What the built-in rules deny, grants do not change.
          if (without.policies[0]?.startsWith('builtin:') && !(breakGlass && without.policies[0] === 'builtin:break-glass-sealed'))
            assert.deepEqual([withGrants.decision, withGrants.policies], [without.decision, without.policies]);
          if (breakGlass) assert.equal(withGrants.decision, 'deny', 'a sealed break-glass identity gets nothing, grants or not');
          // An allow that needed a grant names it.
          if (withGrants.decision === 'allow' && without.decision === 'deny') assert.ok(withGrants.relied_on?.length);
          // A static_secret exception never widens anything.
          if (gs.every((g) => g.control === 'static_secret')) assert.equal(withGrants.decision, without.decision);
        },
      ),
      { numRuns: 500 },
    );
  },
);
