// planCascade, pure: every identity is recomputed against what is stored for it; a change of its
// lawful set is a change (narrowed before, narrowed now with another set: `narrow`), recorded with
// the set before; an identity whose status and lawful set stay is `unchanged`, whatever the order
// its power was stored in. Properties over random sequences of authorisation states: applying
// each plan leaves stored power equal to the engine's recomputation, and re-planning changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { authorityLookup, canonicalLawful, planCascade, sameLawful, type IdentityChange, type PriorPower } from '../../src/core/cascade.js';
import { decidePower, lawfulActions, scopeKey, type ScopeAuthority } from '../../src/core/lifecycle.js';
import type { Authorisation, Identity, MicaScope as Scope } from '../../src/core/model.js';
import { normaliseIdentity } from '../../src/core/rules.js';
import { ActionVocabulary, IDENTITY_FUNCTIONS, type AuthorisationStatus } from '../../src/core/vocabulary.js';
import { defaultRules } from '../../src/state/lifecycle-rules.js';
import { identity } from '../support/fixtures.js';

const vocab = new ActionVocabulary();
const rules = defaultRules();
const DE: Scope = { entity: 'e', service: 'custody', jurisdiction: 'DE' };
const FR: Scope = { entity: 'e', service: 'custody', jurisdiction: 'FR' };
const NL: Scope = { entity: 'e', service: 'custody', jurisdiction: 'NL' };
const key = (s: Parameters<typeof scopeKey>[0]) => scopeKey(s);

const auth = (s: Scope, status: AuthorisationStatus): Authorisation => ({
  id: `auth-${s.jurisdiction.toLowerCase()}`,
  entity: s.entity,
  service: s.service,
  jurisdiction: s.jurisdiction,
  status,
  basis: s.jurisdiction === 'DE' ? 'home' : 'passport',
  reference: 'x',
});
const lookupOf = (states: Record<string, AuthorisationStatus>) =>
  authorityLookup([DE, FR, NL].map((s) => auth(s, states[s.jurisdiction] ?? 'authorised')));

/** What identity_power would hold after a change (null: no row). */
const stored = (c: IdentityChange, before: PriorPower | undefined, transitionId: string): PriorPower | undefined =>
  c.effect === 'unchanged' ? before : c.power ? { ...c.power, transitionId, lawful: c.lawful } : undefined;

const plan = (
  identities: Identity[],
  prior: Map<string, PriorPower>,
  states: Record<string, AuthorisationStatus>,
  moved: Scope[] = [DE, FR, NL],
) => planCascade({ identities, prior, after: lookupOf(states), movedScopes: new Set(moved.map(key)), rules, vocabulary: vocab });

const custody = (id: string, scopes: Scope[]) => normaliseIdentity(identity(id, { scopes }), vocab);

test('narrowed, then narrowed with another lawful set: the second is a change too, recorded with the set before', () => {
  const id = custody('x', [DE, FR, NL]);
  const prior = new Map<string, PriorPower>();
  const withdrawFr = plan([id], prior, { FR: 'withdrawn' }, [FR]);
  const [first] = withdrawFr.changes;
  assert.equal(first!.effect, 'narrow');
  assert.deepEqual(
    first!.lawfulBefore,
    [DE, FR, NL].map((scope) => ({ scope, actions: id.actions })),
    'no record before: the whole entitlement',
  );
  prior.set('x', stored(first!, undefined, 't1')!);

  // France back, the Netherlands withdrawn: still narrowed, but with another lawful set.
  const swap = plan([id], prior, { NL: 'withdrawn' }, [FR, NL]);
  const [second] = swap.changes;
  assert.equal(second!.effect, 'narrow');
  assert.deepEqual(swap.counts, { suspend: 0, narrow: 1, restore: 0, unchanged: 0 });
  assert.deepEqual(second!.lawfulBefore, first!.lawful);
  assert.ok(second!.lawful.find((l) => key(l.scope) === key(FR))!.actions.includes('initiate_transfer'), 'France regained');
  assert.ok(!second!.lawful.find((l) => key(l.scope) === key(NL))!.actions.includes('initiate_transfer'), 'the Netherlands lost');
  assert.deepEqual(second!.removed, [{ scope: key(NL), action: 'initiate_transfer', rule: 'table:withdrawn.new_business' }]);
  assert.deepEqual(second!.power, { outcome: 'narrow', suspendedByLifecycle: false });

  // The same state again: nothing changes.
  prior.set('x', stored(second!, prior.get('x'), 't2')!);
  assert.equal(plan([id], prior, { NL: 'withdrawn' }).changes[0]!.effect, 'unchanged');
});

test('the same lawful set stored in another order is unchanged: sets compare canonically', () => {
  const id = custody('x', [DE, FR]);
  const first = plan([id], new Map(), { FR: 'withdrawn' }).changes[0]!;
  const shuffled = [...first.lawful].reverse().map((l) => ({ scope: l.scope, actions: [...l.actions].reverse() }));
  assert.notDeepEqual(shuffled, first.lawful);
  assert.ok(sameLawful(shuffled, first.lawful));
  assert.equal(
    canonicalLawful([
      { scope: FR, actions: ['b', 'a'] },
      { scope: DE, actions: ['c'] },
      { scope: NL, actions: [] },
    ]),
    'e/custody/DE=c;e/custody/FR=a,b',
  );
  const prior = new Map([['x', { outcome: 'narrow' as const, suspendedByLifecycle: false, transitionId: 't1', lawful: shuffled }]]);
  const again = plan([id], prior, { FR: 'withdrawn' });
  assert.equal(again.changes[0]!.effect, 'unchanged');
  assert.equal(again.changes[0]!.lawfulBefore, null);
  assert.deepEqual(again.counts, { suspend: 0, narrow: 0, restore: 0, unchanged: 1 });
});

test('a reinstatement restores what it gave back fully and narrows what another scope still holds back', () => {
  const both = custody('both', [FR, NL]);
  const frOnly = custody('fr-only', [FR]);
  const prior = new Map<string, PriorPower>();
  for (const c of plan([both, frOnly], prior, { FR: 'withdrawn', NL: 'withdrawn' }).changes)
    prior.set(c.identity, stored(c, undefined, 't1')!);
  const back = plan([both, frOnly], prior, { NL: 'withdrawn' }, [FR]);
  assert.deepEqual(
    back.changes.map((c) => [c.identity, c.effect]),
    [
      ['both', 'narrow'],
      ['fr-only', 'restore'],
    ],
  );
  assert.deepEqual(back.counts, { suspend: 0, narrow: 1, restore: 1, unchanged: 0 });
});

test('an identity suspended by hand: its power is recorded (narrowed, still suspended), and given back without reactivating it', () => {
  const manual = {
    ...custody('manual', [FR]),
    function: 'trading' as const,
    actions: ['read', 'execute_trade'],
    status: 'suspended' as const,
  };
  const cut = plan([manual], new Map(), { FR: 'withdrawn' }).changes[0]!;
  assert.deepEqual(
    [cut.effect, cut.statusAfter, cut.power, cut.connector],
    ['narrow', 'suspended', { outcome: 'suspend', suspendedByLifecycle: false }, null],
  );
  assert.deepEqual(cut.lawful, [{ scope: FR, actions: ['read'] }]);
  const prior = new Map([['manual', stored(cut, undefined, 't1')!]]);
  assert.equal(plan([manual], prior, { FR: 'withdrawn' }).changes[0]!.effect, 'unchanged');
  const back = plan([manual], prior, {}).changes[0]!;
  assert.deepEqual(
    [back.effect, back.statusAfter, back.power, back.connector],
    ['restore', 'suspended', null, null],
    'its power comes back; it stays suspended and switched off',
  );
});

// Random firms and random sequences of authorisation states: after each plan is applied the way
// refreshPower applies it, stored power is the engine's recomputation, nothing is left stale, and
// re-planning the same state changes nothing.
test('property: applying each plan leaves stored power equal to the engine; a re-plan is all unchanged', () => {
  const scopes = [DE, FR, NL];
  const statuses: AuthorisationStatus[] = ['authorised', 'restricted', 'suspended', 'withdrawn', 'wind_down', 'closed', 'applied'];
  const arbIdentity = fc.record({
    fn: fc.constantFrom(...IDENTITY_FUNCTIONS),
    observe: fc.boolean(),
    vendor: fc.boolean(),
    breakGlass: fc.boolean(),
    manual: fc.boolean(),
    scopes: fc.subarray(scopes, { minLength: 1 }),
  });
  const arbStates = fc.record({ DE: fc.constantFrom(...statuses), FR: fc.constantFrom(...statuses), NL: fc.constantFrom(...statuses) });
  fc.assert(
    fc.property(
      fc.array(arbIdentity, { minLength: 1, maxLength: 8 }),
      fc.array(arbStates, { minLength: 1, maxLength: 6 }),
      (specs, steps) => {
        let identities: Identity[] = specs.map((s, n) => {
          const i = normaliseIdentity(
            identity(`i${n}`, {
              function: s.fn,
              capability: s.observe ? 'observe' : 'execute',
              break_glass: s.breakGlass,
              ...(s.vendor ? { vendor: 'v' } : {}),
              scopes: s.scopes,
            }),
            vocab,
          );
          return s.manual ? { ...i, status: 'suspended' as const } : i;
        });
        const prior = new Map<string, PriorPower>();
        steps.forEach((states, n) => {
          const p = plan(identities, prior, states);
          for (const c of p.changes) {
            const before = prior.get(c.identity);
            const wasStatus = identities.find((i) => i.id === c.identity)!.status;
            const after = stored(c, before, `t${n}`);
            // A change really changes something: the status, the stored outcome or the lawful set.
            if (c.effect !== 'unchanged') {
              assert.ok(
                c.statusAfter !== wasStatus || before?.outcome !== after?.outcome || !sameLawful(before?.lawful ?? [], after?.lawful ?? []),
                `${c.identity}: ${c.effect} changes nothing`,
              );
              assert.ok(c.lawfulBefore !== null);
            }
            if (after) prior.set(c.identity, after);
            else prior.delete(c.identity);
          }
          identities = identities.map((i) => ({ ...i, status: p.changes.find((c) => c.identity === i.id)!.statusAfter }));
          assert.deepEqual(
            Object.values(p.counts).reduce((a, b) => a + b, 0),
            identities.length,
          );

          // Stored power is the engine's recomputation: no row for full power; otherwise the
          // outcome and the lawful set, compared as sets. Suspended by hand stays suspended.
          const lookup = lookupOf(states);
          for (const i of identities) {
            const d = decidePower(i, lookup, rules, vocab);
            const row = prior.get(i.id);
            if (specs[Number(i.id.slice(1))]!.manual) assert.equal(i.status, 'suspended', `${i.id}: suspended by hand, reactivated`);
            if (d.outcome === 'keep') assert.equal(row, undefined, `${i.id}: full power, yet a row`);
            else if (!row) assert.fail(`${i.id}: ${d.outcome} but nothing stored`);
            else {
              assert.equal(row.outcome, d.outcome, `${i.id} outcome`);
              assert.ok(sameLawful(row.lawful, lawfulActions(d)), `${i.id}: stored lawful set is stale`);
              assert.equal(row.suspendedByLifecycle, d.outcome === 'suspend' && !specs[Number(i.id.slice(1))]!.manual);
            }
          }
          // The fixpoint: the same state planned again changes nothing.
          const again = plan(identities, prior, states);
          assert.deepEqual(
            again.changes.filter((c) => c.effect !== 'unchanged').map((c) => `${c.identity}: ${c.effect}`),
            [],
          );
        });
      },
    ),
    { numRuns: 400 },
  );
});

test('the overrides of a transition win over the stored authorisations', () => {
  const overrides = new Map<string, ScopeAuthority>([[key(FR), { id: 'auth-fr', status: 'withdrawn' }]]);
  const lookup = authorityLookup(
    [DE, FR].map((s) => auth(s, 'authorised')),
    overrides,
  );
  assert.equal(lookup(FR)?.status, 'withdrawn');
  assert.equal(lookup(DE)?.status, 'authorised');
  assert.equal(lookup(NL), undefined);
});
