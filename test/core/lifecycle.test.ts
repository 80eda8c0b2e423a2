import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { checkRules, decidePower, scopeKey, type AuthorityLookup, type LifecycleRules } from '../../src/core/lifecycle.js';
import type { Scope } from '../../src/core/model.js';
import { checkRuleTests, runRuleTests } from '../../src/core/lifecycle-tests.js';
import { normaliseIdentity } from '../../src/core/rules.js';
import { ActionVocabulary, AUTHORISATION_STATUSES, CAPABILITIES, IDENTITY_FUNCTIONS } from '../../src/core/vocabulary.js';
import { identity } from '../support/fixtures.js';

const read = (f: string) => parse(readFileSync(new URL(`../../policies/lifecycle/${f}`, import.meta.url), 'utf8'));
const vocab = new ActionVocabulary();
const rules = checkRules(read('mica-default.yaml')).rules!;

test('the default MiCA rules are valid and pass their own tests', () => {
  assert.ok(rules);
  const { tests, issues } = checkRuleTests(read('mica-default.tests.yaml'));
  assert.deepEqual(issues, []);
  const results = runRuleTests(rules, tests!, vocab);
  for (const r of results) assert.ok(r.passed, `${r.name}: ${r.failures.join('; ')}`);
  assert.ok(results.length >= 10);
});

test('a rule test that expects the wrong outcome fails, naming why', () => {
  const { tests } = checkRuleTests({
    version: 1,
    tests: [
      {
        name: 'wrong',
        authorisations: [{ scope: 'e/custody/FR', status: 'withdrawn' }],
        identity: { function: 'trading', capability: 'execute', scopes: ['e/custody/FR'] },
        expect: { outcome: 'keep' },
      },
    ],
  });
  const [r] = runRuleTests(rules, tests!, vocab);
  assert.equal(r!.passed, false);
  assert.match(r!.failures[0]!, /expected keep, got suspend/);
});

test('rules that would cut observe access are refused', () => {
  const doc = read('mica-default.yaml');
  doc.table.closed.observe = 'deny';
  assert.deepEqual(
    checkRules(doc).issues.map((i) => i.field),
    ['/table/closed/observe'],
  );
  const doc2 = read('mica-default.yaml');
  doc2.rules.push({ id: 'cut-all', description: 'x', when: { status: ['withdrawn'] }, effect: 'deny' });
  assert.deepEqual(
    checkRules(doc2).issues.map((i) => i.field),
    ['/rules/4/when/action_class'],
  );
  assert.ok(checkRules({ ...read('mica-default.yaml'), table: {} }).issues.length > 0);
});

// Properties over the default rules: observe identities are never cut; a fully authorised
// identity keeps everything; an execute identity that loses anything is suspended exactly when no
// execute action stays lawful anywhere; lawful power never grows when any scope's state gets worse than authorised.
test('property: invariants of the default rules', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...IDENTITY_FUNCTIONS),
      fc.constantFrom(...CAPABILITIES),
      fc.boolean(),
      fc.boolean(),
      fc.array(
        fc.tuple(
          fc.constantFrom('custody', 'execution', 'advice', 'transfer'),
          fc.constantFrom('DE', 'FR', 'IT'),
          fc.constantFrom(...AUTHORISATION_STATUSES),
        ),
        { minLength: 1, maxLength: 6 },
      ),
      (fn, cap, vendor, breakGlass, scopeStates) => {
        const unique = [...new Map(scopeStates.map(([s, j, st]) => [`${s}/${j}`, [s, j, st] as const])).values()];
        const id = normaliseIdentity(
          identity('x', {
            function: fn,
            capability: cap,
            break_glass: breakGlass,
            ...(vendor ? { vendor: 'v' } : {}),
            scopes: unique.map(([service, jurisdiction]) => ({
              entity: 'e',
              service: service as 'custody',
              jurisdiction: jurisdiction as 'DE',
            })),
          }),
          vocab,
        );
        const states = new Map(unique.map(([s, j, st]) => [`e/${s}/${j}`, st]));
        const lookup = (st: Map<string, string>) =>
          ((s: Scope) => ({ id: 'a', status: st.get(scopeKey(s)) as 'authorised' })) as AuthorityLookup;
        const d = decidePower(id, lookup(states), rules, vocab);
        const all = new Map([...states].map(([k]) => [k, 'authorised']));
        const full = decidePower(id, lookup(all), rules, vocab);
        assert.equal(full.outcome, 'keep');
        if (cap === 'observe') assert.equal(d.outcome, 'keep');
        const verdicts = d.scopes.flatMap((s) => s.verdicts);
        assert.ok(
          verdicts.filter((v) => v.class === 'observe').every((v) => v.lawful),
          'observe is never cut',
        );
        const lost = verdicts.some((v) => !v.lawful);
        if (cap === 'execute') assert.equal(d.outcome === 'suspend', lost && !verdicts.some((v) => v.lawful && v.class !== 'observe'));
        assert.equal(d.outcome === 'keep', cap === 'observe' || !lost);
        const lawful = (x: typeof d) =>
          x.scopes.flatMap((s) => s.verdicts.filter((v) => v.lawful).map((v) => `${scopeKey(s.scope)}/${v.action}`));
        assert.ok(
          lawful(d).every((p) => lawful(full).includes(p)),
          'power never exceeds full authorisation',
        );
      },
    ),
    { numRuns: 500 },
  );
});

test('rules decide per identity in microseconds, with no I/O', () => {
  const rulesDoc: LifecycleRules = rules;
  const d = decidePower(normaliseIdentity(identity('x'), vocab), () => ({ id: 'a', status: 'withdrawn' }), rulesDoc, vocab);
  assert.equal(d.outcome, 'narrow');
  assert.deepEqual(
    d.scopes[0]!.verdicts.filter((v) => !v.lawful).map((v) => [v.action, v.by]),
    [['initiate_transfer', 'table:withdrawn.new_business']],
  );
});
