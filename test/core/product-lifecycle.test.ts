// The product regime's rules (CRA): the shipped rules pass their own tests, rule documents are
// checked, the status graph holds its invariants, and the engine's verdicts keep the lines no
// firm rule may cross (observe never cut; nothing executes for a product that does not exist).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import * as sdk from '@mandate/sdk/decision';
import { productVerdict, type ProductEntry } from '@mandate/sdk/decision';
import { productTransitionAllowed } from '../../src/core/cascade.js';
import { checkAnyRules, checkProductRules, decidePower, productKey, type AuthorityLookup } from '../../src/core/lifecycle.js';
import { checkRuleTests, runRuleTests } from '../../src/core/lifecycle-tests.js';
import { checkIdentity, checkProduct, normaliseIdentity } from '../../src/core/rules.js';
import type { Product, Scope } from '../../src/core/model.js';
import {
  ActionVocabulary,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  PRODUCT_ACTIONS,
  PRODUCT_CATEGORIES,
  PRODUCT_ONLY_ACTIONS,
  PRODUCT_STATUSES,
} from '../../src/core/vocabulary.js';
import { defaultRules } from '../../src/state/lifecycle-rules.js';
import { identity } from '../support/fixtures.js';

const read = (f: string) => parse(readFileSync(new URL(`../../policies/lifecycle/${f}`, import.meta.url), 'utf8'));
const vocab = new ActionVocabulary();
const cra = checkProductRules(read('cra-default.yaml')).rules!;

test('the shipped CRA rules are valid and pass their own tests', () => {
  assert.ok(cra, JSON.stringify(checkProductRules(read('cra-default.yaml')).issues));
  const { tests, issues } = checkRuleTests(read('cra-default.tests.yaml'));
  assert.deepEqual(issues, []);
  const results = runRuleTests(cra, tests!, vocab);
  for (const r of results) assert.ok(r.passed, `${r.name}: ${r.failures.join('; ')}`);
  assert.ok(results.length >= 10);
  // Either regime's document is told apart by `regime`.
  assert.equal((checkAnyRules(read('cra-default.yaml')).rules as { regime?: string }).regime, 'cra');
  assert.equal((checkAnyRules(read('mica-default.yaml')).rules as { regime?: string }).regime, undefined);
});

test('the server and the enforcement points decide with the same product vocabulary', () => {
  assert.deepEqual([...PRODUCT_ACTIONS].sort(), [...sdk.PRODUCT_ACTIONS].sort());
  assert.deepEqual([...PRODUCT_ONLY_ACTIONS].sort(), [...sdk.PRODUCT_ONLY_ACTIONS].sort());
  for (const a of PRODUCT_ACTIONS) assert.ok(vocab.has(a), `${a} is in the vocabulary`);
});

test('product rule documents that would cut observe, or repeat an id, are refused with the field', () => {
  const bad = structuredClone(read('cra-default.yaml'));
  bad.table.recalled.observe = 'deny';
  bad.rules.push({ ...bad.rules[0], description: 'again' });
  bad.rules.push({ id: 'cut-all', description: 'x', when: { status: ['recalled'] }, effect: 'approval' });
  const { rules, issues } = checkProductRules(bad);
  assert.equal(rules, undefined);
  const fields = issues.map((i) => i.field).sort();
  assert.ok(fields.includes('/table/recalled/observe'), JSON.stringify(issues));
  assert.ok(fields.some((f) => f.endsWith('/id')));
  assert.ok(fields.some((f) => f.endsWith('/when/action_class')));
  assert.ok(checkProductRules({ ...read('cra-default.yaml'), table: { ...read('cra-default.yaml').table, shipped: {} } }).issues.length);
});

test('the product status graph: no self-loops, recall and withdrawal only for what was placed on the market', () => {
  for (const from of PRODUCT_STATUSES) {
    assert.equal(productTransitionAllowed(from, from), false, `${from} → ${from}`);
    for (const to of ['recalled', 'withdrawn', 'support_ended'] as const)
      if (productTransitionAllowed(from, to)) assert.ok(!['in_development', 'assessed'].includes(from), `${from} → ${to}`);
  }
  assert.equal(productTransitionAllowed('in_development', 'on_market'), false, 'placed on the market only once assessed');
  assert.equal(productTransitionAllowed('assessed', 'on_market'), true);
  assert.equal(productTransitionAllowed('recalled', 'on_market'), true, 'a corrective action can restore conformity');
});

const entry = fc.record({
  id: fc.constant('p'),
  status: fc.constantFrom(...PRODUCT_STATUSES),
  category: fc.constantFrom(...PRODUCT_CATEGORIES),
  exploited: fc.boolean(),
  channels: fc.constant(['stable', 'beta']),
});
const subject = fc.record({
  function: fc.constantFrom(...IDENTITY_FUNCTIONS),
  kind: fc.constantFrom('pipeline', 'signing_key', 'service_account'),
  capability: fc.constantFrom('observe', 'execute'),
  environment: fc.constantFrom(...ENVIRONMENTS),
  vendor: fc.boolean(),
  break_glass: fc.boolean(),
});

test('property: observe is never cut, nothing else is lawful for a product that does not exist, and recall stops new releases', () => {
  fc.assert(
    fc.property(
      fc.option(entry, { nil: undefined }),
      subject,
      fc.constantFrom(...PRODUCT_ACTIONS),
      fc.option(fc.constantFrom('stable', 'beta'), { nil: undefined }),
      (product: ProductEntry | undefined, who, action, channel) => {
        const cls = vocab.classOf(action)!;
        const v = productVerdict(cra, who, { product: 'p', ...(channel ? { channel } : {}) }, product, action, cls);
        if (cls === 'observe') assert.equal(v.lawful, true);
        if (!product && cls !== 'observe') assert.equal(v.lawful, false);
        if (product && ['recalled', 'withdrawn', 'support_ended'].includes(product.status) && cls === 'new_business')
          assert.equal(v.lawful, false);
        if (v.approval) assert.ok(product?.exploited && action === 'sign_release');
      },
    ),
    { numRuns: 2000 },
  );
});

test('property: an identity acting for both regimes loses nothing of its MiCA power to a product status', () => {
  const mica = defaultRules();
  const vocabulary = new ActionVocabulary();
  fc.assert(
    fc.property(fc.constantFrom(...PRODUCT_STATUSES), (status) => {
      const id = identity('both', {
        function: 'release_engineering',
        actions: ['read', 'initiate_transfer', 'publish_release', 'publish_security_update'],
        scopes: [{ entity: 'e', service: 'custody', jurisdiction: 'DE' }, { product: 'p' }],
      });
      const states = new Map<string, unknown>([
        ['e/custody/DE', { id: 'a', status: 'authorised' }],
        [productKey('p'), { id: 'p', status, category: 'default', exploited: false, channels: ['stable'] }],
      ]);
      const lookup = ((s: Scope) =>
        states.get('product' in s ? productKey(s.product) : `${s.entity}/${s.service}/${s.jurisdiction}`)) as AuthorityLookup;
      const d = decidePower(normaliseIdentity(id, vocabulary), lookup, mica, vocabulary, cra);
      const micaScope = d.scopes.find((s) => 'entity' in s.scope)!;
      assert.deepEqual(
        micaScope.verdicts.map((v) => [v.action, v.lawful]),
        [
          ['read', true],
          ['initiate_transfer', true],
        ],
      );
      assert.notEqual(d.outcome, 'suspend');
    }),
  );
});

test('product and product-scope records: the references and dates the schema cannot check', () => {
  const world = {
    entities: new Map([['ent-de', { id: 'ent-de', name: 'x', lei: '529900T8BM49AURSDO55', home: 'DE' as const }]]),
    people: new Map([['alice@firm.example', { id: 'alice@firm.example', name: 'A', status: 'active' as const }]]),
    vendors: new Map(),
    products: new Map<string, Product>(),
    vocabulary: vocab,
  };
  const p: Product = {
    id: 'p',
    name: 'P',
    manufacturer: 'ent-xx',
    versions: ['1.0'],
    category: 'critical',
    status: 'in_development',
    placed_on_market: '2026-05-01',
    support_period_end: '2026-04-01',
    conformity_assessment: { procedure: 'internal_control', reference: 'IC-1' },
    member_states: ['DE'],
  };
  assert.deepEqual(
    checkProduct(p, world).map((i) => i.field),
    ['/manufacturer', '/support_period_end', '/conformity_assessment/procedure'],
  );
  world.products.set('p', { ...p, channels: ['stable'] });
  const i = identity('x', { function: 'release_engineering', scopes: [{ product: 'p', channel: 'beta' }, { product: 'q' }] });
  const issues = checkIdentity(normaliseIdentity(i, vocab), world).map((x) => x.field);
  assert.ok(issues.includes('/scopes/0/channel'), JSON.stringify(issues));
  assert.ok(issues.includes('/scopes/1/product'), JSON.stringify(issues));
  const micaOnly = identity('y', { function: 'custody', actions: ['read', 'publish_release'] });
  assert.ok(
    checkIdentity(normaliseIdentity(micaOnly, vocab), world).some((x) => x.field === '/actions/1'),
    'a product action needs a product scope',
  );
});
