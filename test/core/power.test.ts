// "Adds power" (src/core/power.ts), the one judge every identity write asks, by property: removing
// actions or scopes never adds power, adding an entitled pair always does, and each attribute the
// docs list as a gain is one; and what a licence change is, for authorisation writes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { authorityLookup } from '../../src/core/cascade.js';
import type { Authorisation, Identity, MicaScope } from '../../src/core/model.js';
import { authorisationChangeIssues, powerGains } from '../../src/core/power.js';
import { normaliseIdentity } from '../../src/core/rules.js';
import { ActionVocabulary, AUTHORISATION_STATUSES, type AuthorisationStatus } from '../../src/core/vocabulary.js';
import { defaultRules } from '../../src/state/lifecycle-rules.js';
import { identity } from '../support/fixtures.js';

const vocabulary = new ActionVocabulary();
const rules = defaultRules();
const JURISDICTIONS = ['DE', 'FR', 'NL', 'IT'] as const;
const auth = (jurisdiction: string, status: AuthorisationStatus): Authorisation => ({
  id: `a-${jurisdiction}`,
  entity: 'ent-de',
  service: 'custody',
  jurisdiction: jurisdiction as 'DE',
  status,
  basis: jurisdiction === 'DE' ? 'home' : 'passport',
  reference: 'r',
});
const CUSTODY_ACTIONS = ['read', 'initiate_transfer', 'withdraw_to_client', 'transfer_to_successor', 'reconcile', 'onboard_client'];

const world = fc.tuple(...JURISDICTIONS.map(() => fc.constantFrom(...AUTHORISATION_STATUSES)));
const custody = fc
  .record({
    jurisdictions: fc.subarray([...JURISDICTIONS], { minLength: 1 }),
    actions: fc.subarray(CUSTODY_ACTIONS, { minLength: 1 }),
  })
  .map(({ jurisdictions, actions }) =>
    normaliseIdentity(
      identity('svc', {
        scopes: jurisdictions.map((j) => ({ entity: 'ent-de', service: 'custody', jurisdiction: j })),
        actions,
      }),
      vocabulary,
    ),
  );

const lookupOf = (statuses: readonly AuthorisationStatus[]) => authorityLookup(JURISDICTIONS.map((j, n) => auth(j, statuses[n]!)));

test('removing actions or scopes never adds power, whatever the authorisations', () => {
  fc.assert(
    fc.property(world, custody, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }), (statuses, before, dropA, dropS) => {
      const after: Identity = {
        ...before,
        actions: before.actions.filter((_, n) => n !== dropA % before.actions.length || before.actions.length === 1),
        scopes: before.scopes.filter((_, n) => n !== dropS % before.scopes.length || before.scopes.length === 1),
      };
      assert.deepEqual(powerGains(before, after, lookupOf(statuses), rules, vocabulary), []);
    }),
  );
});

test('a newly entitled (scope, action) pair is always a gain, and named', () => {
  fc.assert(
    fc.property(world, custody, fc.constantFrom(...CUSTODY_ACTIONS), (statuses, before, action) => {
      fc.pre(!before.actions.includes(action));
      const gains = powerGains(before, { ...before, actions: [...before.actions, action] }, lookupOf(statuses), rules, vocabulary);
      for (const s of before.scopes)
        assert.ok(
          gains.some((g) => g.kind === 'entitlement' && g.detail === `${action} in ent-de/custody/${(s as MicaScope).jurisdiction}`),
          JSON.stringify(gains),
        );
    }),
  );
});

test('each attribute the docs list is a gain; the same record, or a new purpose, is none', () => {
  const lookup = lookupOf(['authorised', 'authorised', 'authorised', 'authorised']);
  const base = normaliseIdentity(
    identity('svc', {
      environment: 'staging',
      capability: 'observe',
      function: 'reporting',
      vendor: 'vendor-kyc',
      break_glass: true,
      credential: { type: 'static_secret', created: '2026-01-01' },
    }),
    vocabulary,
  );
  const kinds = (after: Partial<Identity>) =>
    powerGains(base, { ...base, ...after } as Identity, lookup, rules, vocabulary).map((g) => g.kind);
  assert.deepEqual(kinds({}), []);
  assert.deepEqual(kinds({ purpose: 'something else', owner: 'bob@firm.example', labels: { team: 'x' } }), []);
  assert.ok(kinds({ capability: 'execute' }).includes('execute'));
  assert.ok(kinds({ break_glass: false }).includes('unsealed'));
  assert.ok(kinds({ vendor: undefined }).includes('not_vendor'));
  assert.ok(kinds({ environment: 'production' }).includes('production'));
  assert.ok(kinds({ function: 'custody' }).includes('function'));
  assert.ok(kinds({ credential: { type: 'short_lived', created: '2026-01-01' } }).includes('not_legacy'));
  assert.deepEqual(kinds({ environment: 'development', break_glass: true }), []);
  // A new identity with any power is a gain; one with no scopes and observe only is not.
  assert.ok(powerGains(undefined, base, lookup, rules, vocabulary).length > 0);
  assert.deepEqual(powerGains(undefined, { ...base, scopes: [] }, lookup, rules, vocabulary), []);
});

test(
  'an authorisation write: status, dates and conditions need a transition; its ' + 'scope never changes; a reference may be corrected',
  () => {
    const a = auth('FR', 'authorised');
    assert.deepEqual(authorisationChangeIssues(a, { ...a, reference: 'corrected' }), []);
    assert.deepEqual(
      authorisationChangeIssues(a, { ...a, status: 'withdrawn' }).map((i) => `${i.field} ${i.code}`),
      ['/status STATUS_CHANGE_NEEDS_TRANSITION'],
    );
    assert.deepEqual(
      authorisationChangeIssues(a, { ...a, deadline: '2027-01-01' }).map((i) => `${i.field} ${i.code}`),
      ['/deadline STATUS_CHANGE_NEEDS_TRANSITION'],
    );
    assert.deepEqual(
      authorisationChangeIssues(a, { ...a, conditions: { denied_actions: ['onboard_client'] } }).map((i) => i.field),
      ['/conditions'],
    );
    assert.deepEqual(
      authorisationChangeIssues(a, { ...a, jurisdiction: 'NL' }).map((i) => `${i.field} ${i.code}`),
      ['/jurisdiction IMMUTABLE_FIELD'],
    );
    assert.deepEqual(authorisationChangeIssues(undefined, { ...a, status: 'applied' }), []);
    assert.deepEqual(
      authorisationChangeIssues(undefined, a).map((i) => i.code),
      ['STATUS_CHANGE_NEEDS_TRANSITION'],
    );
  },
);
