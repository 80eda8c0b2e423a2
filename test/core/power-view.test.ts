// The identity power view (src/core/power-view.ts) by property: it shows exactly the lawful set
// the lifecycle engine computes (the set tokens, decisions and the cascade use), every verdict
// names the rule or table cell that decided it, its counts add up, and grants lend only what
// they name, never making an unlawful action lawful.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { GrantEntry } from '@mandate/sdk/decision';
import { authorityLookup, canonicalLawful } from '../../src/core/cascade.js';
import { decidePower, lawfulActions } from '../../src/core/lifecycle.js';
import type { Authorisation, Identity } from '../../src/core/model.js';
import { explainPower } from '../../src/core/power-view.js';
import { normaliseIdentity } from '../../src/core/rules.js';
import { ActionVocabulary, AUTHORISATION_STATUSES, type AuthorisationStatus } from '../../src/core/vocabulary.js';
import { defaultRules } from '../../src/state/lifecycle-rules.js';
import { identity } from '../support/fixtures.js';

const vocabulary = new ActionVocabulary();
const rules = defaultRules();
const JURISDICTIONS = ['DE', 'FR', 'NL', 'IT'] as const;
const CUSTODY_ACTIONS = ['read', 'initiate_transfer', 'withdraw_to_client', 'transfer_to_successor', 'reconcile', 'onboard_client'];
const auth = (jurisdiction: string, status: AuthorisationStatus): Authorisation => ({
  id: `a-${jurisdiction}`,
  entity: 'ent-de',
  service: 'custody',
  jurisdiction: jurisdiction as 'DE',
  status,
  basis: jurisdiction === 'DE' ? 'home' : 'passport',
  reference: 'r',
  ...(status === 'restricted' ? { conditions: { denied_actions: ['onboard_client'] } } : {}),
});
// IT may be missing: a scope where the firm holds no authorisation at all.
const world = fc.tuple(...JURISDICTIONS.map(() => fc.option(fc.constantFrom(...AUTHORISATION_STATUSES), { nil: undefined })));
const lookupOf = (statuses: readonly (AuthorisationStatus | undefined)[]) =>
  authorityLookup(JURISDICTIONS.flatMap((j, n) => (statuses[n] ? [auth(j, statuses[n]!)] : [])));
const custody = fc
  .record({
    jurisdictions: fc.subarray([...JURISDICTIONS], { minLength: 1 }),
    actions: fc.subarray(CUSTODY_ACTIONS, { minLength: 1 }),
    capability: fc.constantFrom('execute' as const, 'observe' as const),
  })
  .map(({ jurisdictions, actions, capability }) =>
    normaliseIdentity(
      identity('svc', {
        scopes: jurisdictions.map((j) => ({ entity: 'ent-de', service: 'custody', jurisdiction: j })),
        actions: capability === 'observe' ? ['read'] : actions,
        capability,
      }),
      vocabulary,
    ),
  );
const grant = fc.record({
  kind: fc.constantFrom('access' as const, 'exception' as const),
  jurisdiction: fc.constantFrom(...JURISDICTIONS),
  actions: fc.subarray(CUSTODY_ACTIONS, { minLength: 1 }),
});

test('the view shows exactly the lawful set the engine computes, each verdict with what decided it, and counts that add up', () => {
  fc.assert(
    fc.property(world, custody, (statuses, who) => {
      const lookup = lookupOf(statuses);
      const view = explainPower({ identity: who, lookup, rules, rulesVersion: 0, vocabulary, grants: [], recorded: undefined });
      const decision = decidePower(who, lookup, rules, vocabulary);
      const shown = view.scopes.map((s) => ({ scope: s.scope, actions: s.actions.filter((a) => a.lawful).map((a) => a.action) }));
      assert.equal(canonicalLawful(shown), canonicalLawful(lawfulActions(decision)));
      assert.equal(view.outcome, decision.outcome);
      assert.equal(view.scopes.length, who.scopes.length);
      let rows = 0;
      for (const s of view.scopes) {
        const a = lookup(s.scope);
        assert.equal(s.state, a?.status ?? 'none');
        assert.equal(s.authorisation?.id, a?.id);
        for (const v of s.actions) {
          rows++;
          assert.ok(v.entitled && v.lent_by.length === 0);
          assert.ok(v.by.startsWith('table:') ? v.by === `table:${s.state}.${v.class}` : rules.rules.some((r) => r.id === v.by), v.by);
          assert.ok(v.because.length > 0);
          if (s.state === 'restricted' && v.by === 'table:restricted.new_business')
            assert.equal(v.lawful, v.action !== 'onboard_client', 'the restriction denies exactly its denied actions');
        }
      }
      assert.equal(rows, who.scopes.length * who.actions.length);
      assert.equal(view.summary.entitled, rows);
      assert.equal(view.summary.lawful + view.summary.unlawful, rows);
      // No record stored means full power: in step exactly when the engine keeps everything.
      assert.equal(view.in_step, decision.outcome === 'keep');
    }),
  );
});

test('grants lend what they name, in the scope they name, and never make an unlawful action lawful', () => {
  fc.assert(
    fc.property(world, custody, fc.array(grant, { maxLength: 3 }), (statuses, who, drawn) => {
      const lookup = lookupOf(statuses);
      const grants: GrantEntry[] = drawn.map((g, n) => ({
        id: `g${n}`,
        kind: g.kind,
        identity: who.id,
        actions: g.actions,
        scope: `ent-de/custody/${g.jurisdiction}`,
        ...(g.kind === 'exception' ? { control: 'entitlement' as const } : {}),
        expires_at: 2_000_000_000_000,
      }));
      const bare = explainPower({ identity: who, lookup, rules, rulesVersion: 0, vocabulary, grants: [], recorded: undefined });
      const view = explainPower({ identity: who, lookup, rules, rulesVersion: 0, vocabulary, grants, recorded: undefined });
      const verdict = (v: typeof view, key: string, action: string) =>
        v.scopes.find((s) => s.key === key)?.actions.find((a) => a.action === action);
      for (const g of grants)
        for (const action of g.actions!) {
          const row = verdict(view, g.scope!, action);
          assert.ok(
            row?.lent_by.some((l) => l.id === g.id),
            `${g.id} lends ${action} in ${g.scope}`,
          );
          const own = verdict(bare, g.scope!, action);
          if (own) assert.equal(row!.lawful, own.lawful, 'a grant does not change what is lawful');
          else assert.equal(row!.entitled, false);
        }
      // Every row the grants did not touch is as before.
      for (const s of bare.scopes)
        for (const a of s.actions) {
          const row = verdict(view, s.key, a.action)!;
          assert.deepEqual({ ...row, lent_by: [] }, a);
        }
      const lentRows = view.scopes.flatMap((s) => s.actions).filter((a) => !a.entitled);
      assert.equal(view.summary.lent, lentRows.length);
      assert.equal(view.summary.entitled, bare.summary.entitled);
    }),
  );
});

test('a break-glass identity is sealed until an activation is open, and cannot act while sealed or not active', () => {
  const who: Identity = normaliseIdentity(
    identity('bg', {
      scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }],
      actions: ['read', 'withdraw_to_client'],
      break_glass: true,
    }),
    vocabulary,
  );
  const lookup = lookupOf(['authorised', undefined, undefined, undefined]);
  const base = { identity: who, lookup, rules, rulesVersion: 3, vocabulary, recorded: undefined };
  const sealed = explainPower({ ...base, grants: [] });
  assert.deepEqual([sealed.sealed, sealed.acts], [true, false]);
  const activation: GrantEntry = { id: 'bga_1', kind: 'break_glass', identity: 'bg', expires_at: 2_000_000_000_000 };
  const open = explainPower({ ...base, grants: [activation] });
  assert.deepEqual([open.sealed, open.acts], [false, true]);
  // An activation lends the identity's own actions in its own scopes: nothing beyond them.
  assert.deepEqual(
    open.scopes.flatMap((s) => s.actions.map((a) => `${s.key}|${a.action}|${a.lent_by.map((l) => l.id)}`)),
    ['ent-de/custody/DE|read|bga_1', 'ent-de/custody/DE|withdraw_to_client|bga_1'],
  );
  assert.equal(open.summary.lent, 0);
  assert.equal(explainPower({ ...base, identity: { ...who, status: 'suspended' }, grants: [activation] }).acts, false);
});
