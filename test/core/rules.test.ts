import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidLei, withLeiCheckDigits } from '../../src/core/lei.js';
import { checkIdentity, identityTransitionAllowed, normaliseIdentity, type World } from '../../src/core/rules.js';
import { parseTimestamp } from '../../src/core/time.js';
import { ActionVocabulary } from '../../src/core/vocabulary.js';
import { identity, LEI_DE } from '../support/fixtures.js';

const vocabulary = new ActionVocabulary();
const world: World = {
  entities: new Map([['ent-de', { id: 'ent-de', name: 'E', lei: LEI_DE, home: 'DE' }]]),
  people: new Map([['alice@firm.example', { id: 'alice@firm.example', name: 'A', status: 'active' }]]),
  vendors: new Map(),
  vocabulary,
};
const fields = (input: Parameters<typeof normaliseIdentity>[0]) =>
  checkIdentity(normaliseIdentity(input, vocabulary), world).map((i) => i.field);

test('a complete active identity passes', () => {
  assert.deepEqual(fields(identity('svc-a')), []);
});

test('an active identity needs an owner, a purpose, a scope and a revocation path', () => {
  const bare = { ...identity('svc-a'), owner: undefined, purpose: undefined, revocation: undefined, scopes: [] };
  assert.deepEqual(fields(bare).sort(), ['/owner', '/purpose', '/revocation', '/scopes']);
});

test('a decommissioned identity may lack them (it is kept as evidence)', () => {
  const bare = {
    ...identity('svc-a'),
    owner: undefined,
    purpose: undefined,
    revocation: undefined,
    scopes: [],
    status: 'decommissioned' as const,
  };
  assert.deepEqual(fields(bare), []);
});

test('an observe identity holds only observe actions', () => {
  assert.deepEqual(fields(identity('svc-a', { capability: 'observe', actions: ['read', 'initiate_transfer'] })), ['/actions/1']);
  // Defaults for an observe identity are its function's observe actions only.
  assert.deepEqual(normaliseIdentity(identity('svc-a', { capability: 'observe' }), vocabulary).actions, ['read']);
});

test('default actions follow the function', () => {
  assert.deepEqual(normaliseIdentity(identity('t', { function: 'trading' }), vocabulary).actions, [
    'read',
    'accept_order',
    'execute_trade',
  ]);
});

test('references must exist; unknown and duplicate actions are named', () => {
  const f = fields(
    identity('svc-a', {
      owner: 'ghost@firm.example',
      vendor: 'nobody',
      actions: ['read', 'fly', 'read'],
      scopes: [{ entity: 'ent-xx', service: 'custody', jurisdiction: 'DE' }],
    }),
  );
  assert.deepEqual(f.sort(), ['/actions/1', '/actions/2', '/owner', '/scopes/0/entity', '/vendor']);
});

test('a firm may extend the action vocabulary', () => {
  const custom = new ActionVocabulary([{ id: 'stake_assets', class: 'new_business', description: 'Stake' }]);
  const w = { ...world, vocabulary: custom };
  assert.deepEqual(checkIdentity(normaliseIdentity(identity('s', { actions: ['stake_assets'] }), custom), w), []);
});

test('credential dates must be real and in order', () => {
  assert.deepEqual(fields(identity('s', { credential: { type: 'static_secret', created: '2026-02-30' } })), ['/credential/created']);
  assert.deepEqual(
    fields(
      identity('s', { credential: { type: 'static_secret', created: '2026-02-01', last_rotated: '2026-01-01', expires: '2025-01-01' } }),
    ).sort(),
    ['/credential/expires', '/credential/last_rotated'],
  );
});

test('LEI check digits (ISO 17442)', () => {
  assert.equal(isValidLei(LEI_DE), true);
  assert.equal(isValidLei('529900T8BM49AURSDO55'), true); // a published LEI
  assert.equal(isValidLei('529900T8BM49AURSDO56'), false);
  assert.equal(isValidLei(withLeiCheckDigits('ABCDEFGHIJ12345678')), true);
});

test('identity status lifecycle', () => {
  assert.equal(identityTransitionAllowed('active', 'suspended'), true);
  assert.equal(identityTransitionAllowed('suspended', 'active'), true);
  assert.equal(identityTransitionAllowed('revoked', 'active'), false);
  assert.equal(identityTransitionAllowed('decommissioned', 'active'), false);
});

test('timestamps: dates and date-times, no impossible days', () => {
  assert.equal(parseTimestamp('2026-07-01'), Date.UTC(2026, 6, 1));
  assert.equal(parseTimestamp('2026-07-01T14:00Z'), Date.UTC(2026, 6, 1, 14));
  assert.ok(Number.isNaN(parseTimestamp('2026-13-01')));
});
