// The CRA identity controls as checks (src/core/product-checks.ts), end to end on both stores: a
// firm with two products and their release, update, device and supplier identities; each
// violation is a finding mapped to CRA controls, the compliant identity has none, and fixing each
// cause (an approval rule for signing, an HSM-held key, a supplier exception with compensating
// controls) resolves its finding. Then the pure checks over hand-made facts, for the edges.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp, type MandateApp } from '../../src/app.js';
import { CHECKS, DEFAULT_CHECK_SETTINGS, type CheckFacts } from '../../src/core/checks.js';
import type { Identity, IdentityInput } from '../../src/core/model.js';
import { PRODUCT_CHECKS, type ProductException } from '../../src/core/product-checks.js';
import { ActionVocabulary } from '../../src/core/vocabulary.js';
import { loadCatalogue } from '../../src/state/catalogue.js';
import { defaultProductRules, pushProductRules } from '../../src/state/product-rules.js';
import type { Database } from '../../src/store/db.js';
import { smallManifest } from '../support/fixtures.js';
import { CREATED, PRODUCT_IDENTITIES, PRODUCTS, productIdentity as product, seedProducts } from '../support/products.js';
import { testStores } from '../support/stores.js';

/** The rules in force plus one: sign_release for important and critical products needs a second approval. */
function rulesWithTwoPersonSigning() {
  const rules = structuredClone(defaultProductRules());
  rules.id = 'cra-two-person-signing';
  rules.rules.unshift({
    id: 'important-critical-signing-second-approval',
    description: 'Releases of important and critical products are signed only with a second approval (four eyes).',
    when: { category: ['important_class_i', 'important_class_ii', 'critical'], actions: ['sign_release'] },
    effect: 'approval',
  });
  return rules;
}

const CRA_CHECKS = [
  'cra-signing-key-unprotected',
  'cra-signing-without-two-person-control',
  'cra-pipeline-static-secret',
  'cra-supplier-without-compensating-controls',
  'cra-update-channel-unauthenticated',
  'cra-privileged-action-not-bounded',
];

for (const store of testStores()) {
  describe(`CRA product checks on ${store.name}`, () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    let app: MandateApp;
    let db: Database;
    let admin = '';
    const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${admin}`, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers };
    };
    const findings = async () =>
      (await call('GET', '/v1/findings?limit=5000')).body.items as {
        id: string;
        check: string;
        status: string;
        controls: string[];
        scopes: string[];
        owner: string | null;
      }[];
    const failing = async (check: string) =>
      (await findings())
        .filter((f) => f.check === check && f.status !== 'resolved')
        .map((f) => f.id.slice(check.length + 1))
        .sort();
    const runChecks = async () => {
      const run = await call('POST', '/v1/checks/run');
      assert.equal(run.status, 200, JSON.stringify(run.body));
      return run.body;
    };

    before(async () => {
      db = await store.open();
      app = await buildApp({ db, logger: false, clock: () => new Date(now) });
      admin = (await app.services.users.bootstrap(undefined))!;
      await seedProducts(db, new Date(now).toISOString());
      const res = await call('POST', '/v1/import', smallManifest(PRODUCT_IDENTITIES));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.counts.held, 0, JSON.stringify(res.body.pending));
      // The firmware's nightly channel is retired; its publisher is left behind.
      await seedProducts(db, new Date(now).toISOString(), [{ ...PRODUCTS[0]!, channels: ['stable', 'beta'] }], 'updated');
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test('the CRA checks are in the catalogue and map to CRA controls that exist', () => {
      const ids = new Set(loadCatalogue().controls.map((c) => c.id));
      for (const id of CRA_CHECKS) {
        const c = CHECKS.find((x) => x.id === id);
        assert.ok(c, `${id} is registered`);
        assert.ok(c.controls.includes('cra:art-13-1'), `${id} evidences Art. 13(1)`);
        assert.ok(
          c.controls.some((x) => x.startsWith('cra:annex-i:')),
          `${id} names an Annex I point`,
        );
        for (const control of c.controls) assert.ok(ids.has(control), `${id} maps to unknown control ${control}`);
      }
      assert.deepEqual(
        CHECKS.find((c) => c.id === 'cra-update-channel-unauthenticated')!.controls.filter((c) => c.includes(':ii-')),
        ['cra:annex-i:ii-7', 'cra:annex-i:ii-8'],
      );
    });

    test('each violation is a finding on its identity; the compliant identity has none', async () => {
      const summary = await runChecks();
      for (const id of CRA_CHECKS)
        assert.ok(
          summary.checks.some((c: { check: string }) => c.check === id),
          `${id} ran`,
        );
      assert.deepEqual(await failing('cra-signing-key-unprotected'), ['sig-plain']);
      assert.deepEqual(await failing('cra-signing-without-two-person-control'), ['sig-critical']);
      assert.deepEqual(await failing('cra-pipeline-static-secret'), ['pipe-static']);
      assert.deepEqual(await failing('cra-supplier-without-compensating-controls'), ['vendor-kms']);
      assert.deepEqual(await failing('cra-update-channel-unauthenticated'), ['pub-bad-channel', 'pub-static']);
      assert.deepEqual(await failing('cra-privileged-action-not-bounded'), ['dev-unbounded', 'pipe-static', 'pub-static']);
      const all = await findings();
      assert.ok(!all.some((f) => f.id.endsWith(':sig-hsm') && f.check.startsWith('cra-')), 'sig-hsm complies');
      assert.ok(!all.some((f) => f.id.endsWith(':pub-good') && f.check.startsWith('cra-')), 'pub-good complies');
      // Findings name the product scopes they bear on, and the controls of their check.
      const channel = all.find((f) => f.id === 'cra-update-channel-unauthenticated:pub-bad-channel')!;
      assert.deepEqual(channel.scopes, ['product:hw-wallet/nightly']);
      assert.ok(channel.controls.includes('cra:annex-i:ii-7'));
      const critical = all.find((f) => f.id === 'cra-signing-without-two-person-control:sig-critical')!;
      assert.deepEqual(critical.scopes, ['product:hw-wallet']);
      assert.equal(critical.owner, 'alice@firm.example');
      // A product identity never counts as acting in an unauthorised MiCA scope.
      assert.ok(!all.some((f) => f.check === 'active-in-unauthorised-scope'));
    });

    test('a product rule that puts signing under a second approval resolves the two-person finding', async () => {
      await db.transaction((tx) => pushProductRules(tx, 'user:test', rulesWithTwoPersonSigning(), new Date(now).toISOString()));
      const run = await runChecks();
      assert.ok(run.counts.resolved >= 1);
      assert.deepEqual(await failing('cra-signing-without-two-person-control'), []);
      // The exploited-vulnerability rule alone is not two-person control: with the shipped rules back, the finding reopens.
      await db.transaction((tx) => pushProductRules(tx, 'user:test', defaultProductRules(), new Date(now).toISOString()));
      await runChecks();
      assert.deepEqual(await failing('cra-signing-without-two-person-control'), ['sig-critical']);
    });

    test('labelling the signing key as held in an HSM resolves its finding', async () => {
      const current = (await call('GET', '/v1/identities/sig-plain')).body;
      const { version, created_at: _c, updated_at: _u, ...record } = current;
      const put = await call(
        'PUT',
        '/v1/identities/sig-plain',
        { ...record, labels: { key_storage: 'hsm' } },
        { 'if-match': `"${version}"` },
      );
      assert.equal(put.status, 200, JSON.stringify(put.body));
      await runChecks();
      assert.deepEqual(await failing('cra-signing-key-unprotected'), []);
    });

    test('a supplier exception for the product with compensating controls resolves the supplier finding', async () => {
      // Without compensating controls it does not count (written as the register keeps an approved one).
      const insert = (id: string, compensating: { extra_monitoring: boolean; manual_approval_per_action: boolean }, scope: object) =>
        db.transaction(async (tx) => {
          const doc = {
            identity: 'vendor-kms',
            control: 'entitlement',
            actions: ['build'],
            scope,
            justification: 'The supplier builds the app in its own environment until the migration.',
            compensating_controls: compensating,
            expires_at: '2027-01-31T00:00:00.000Z',
          };
          await tx.run(
            'INSERT INTO policy_exceptions (id, identity_id, requester, doc, status, approval_id, expires_at, created_at, updated_at) ' +
              'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [id, 'vendor-kms', 'user:test', JSON.stringify(doc), 'active', `ap_${id}`, doc.expires_at, CREATED, CREATED],
          );
        });
      await insert('ex_weak', { extra_monitoring: false, manual_approval_per_action: false }, { product: 'wallet-app' });
      // One for another product covers nothing here.
      await insert('ex_other', { extra_monitoring: true, manual_approval_per_action: true }, { product: 'hw-wallet' });
      await runChecks();
      assert.deepEqual(await failing('cra-supplier-without-compensating-controls'), ['vendor-kms']);
      const weak = (await findings()).find((f) => f.id === 'cra-supplier-without-compensating-controls:vendor-kms')!;
      assert.ok(weak);
      await db.run("UPDATE policy_exceptions SET status = 'closed' WHERE id = 'ex_weak'");
      await insert('ex_good', { extra_monitoring: true, manual_approval_per_action: false }, { product: 'wallet-app' });
      await runChecks();
      assert.deepEqual(await failing('cra-supplier-without-compensating-controls'), []);
    });
  });
}

// ---- the pure checks over hand-made facts -------------------------------------------------------

const NOW = new Date('2026-11-22T10:00:00Z');
const vocabulary = new ActionVocabulary();
const rec = (i: IdentityInput): { record: Identity; created_at: string } => ({
  record: { status: 'active', break_glass: false, labels: {}, actions: [], ...i } as Identity,
  created_at: CREATED,
});
const facts = (identities: IdentityInput[], exceptions: ProductException[] = []): CheckFacts => ({
  now: NOW,
  identities: identities.map(rec),
  people: new Map([
    ['alice@firm.example', { id: 'alice@firm.example', name: 'A', status: 'active' }],
    ['bob@firm.example', { id: 'bob@firm.example', name: 'B', status: 'departed' }],
  ]),
  authorisations: [],
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
  ledger: { last_checkpoint_at: NOW.toISOString(), checkpoint_size: 1, size: 1 },
  products: { products: new Map(PRODUCTS.map((p) => [p.id, p])), rules: defaultProductRules(), exceptions },
  settings: DEFAULT_CHECK_SETTINGS,
});
const failed = (check: string, f: CheckFacts) =>
  PRODUCT_CHECKS.find((c) => c.id === check)!
    .run(f)
    .failures.map((x) => x.subject.id)
    .sort();

test('signing keys: short-lived or an HSM-held key pair or certificate pass; static secrets and unlabelled keys fail', () => {
  const f = facts([
    product('a-short', {}),
    product('b-cert-hsm', { credential: { type: 'certificate', created: CREATED }, labels: { key_storage: ' hsm ' } }),
    product('c-static-hsm', { credential: { type: 'static_secret', created: CREATED }, labels: { key_storage: 'hsm' } }),
    product('d-kms', { credential: { type: 'key_pair', created: CREATED }, labels: { key_storage: 'kms' } }),
    product('e-no-sign', { actions: ['read', 'build'], credential: { type: 'key_pair', created: CREATED } }),
    // No product scope: not a product identity (MiCA's sign_release is a person's).
    product('f-mica', {
      scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }],
      credential: { type: 'key_pair', created: CREATED },
    }),
  ]);
  assert.deepEqual(failed('cra-signing-key-unprotected', f), ['c-static-hsm', 'd-kms']);
  assert.equal(PRODUCT_CHECKS.find((c) => c.id === 'cra-signing-key-unprotected')!.run(f).evaluated, 4);
});

test('two-person control: important and critical products only; a deny or approval rule passes; only active identities', () => {
  const ids = [
    product('crit', { scopes: [{ product: 'hw-wallet', channel: 'stable' }] }),
    product('dflt', {}),
    { ...product('crit-suspended', { scopes: [{ product: 'hw-wallet' }] }), status: 'suspended' as const },
    product('crit-staging', { scopes: [{ product: 'hw-wallet' }], environment: 'staging' }),
  ];
  // The shipped rules: crit signs alone; crit-staging may not sign at all (critical-signing-in-production-only).
  assert.deepEqual(failed('cra-signing-without-two-person-control', facts(ids)), ['crit']);
  const f = facts(ids);
  f.products = { ...f.products!, rules: rulesWithTwoPersonSigning() };
  assert.deepEqual(failed('cra-signing-without-two-person-control', f), []);
  // An important class I product is concerned too.
  const important = facts([product('imp', { scopes: [{ product: 'imp-1' }] })]);
  important.products = {
    ...important.products!,
    products: new Map([['imp-1', { ...PRODUCTS[1]!, id: 'imp-1', category: 'important_class_i' }]]),
  };
  assert.deepEqual(failed('cra-signing-without-two-person-control', important), ['imp']);
  // Without product facts the check evaluates nothing rather than guessing.
  const none = facts(ids);
  delete none.products;
  assert.deepEqual(PRODUCT_CHECKS.find((c) => c.id === 'cra-signing-without-two-person-control')!.run(none), {
    evaluated: 0,
    failures: [],
  });
});

test('pipelines: kind pipeline or function release_engineering, in a product scope, on a static secret', () => {
  const secret = { type: 'static_secret' as const, created: CREATED };
  const f = facts([
    product('p-kind', { kind: 'pipeline', function: 'device_management', actions: ['read'], credential: secret }),
    product('p-func', { actions: ['read', 'build'], credential: secret }),
    product('p-other', { function: 'update_distribution', actions: ['read', 'publish_release'], credential: secret }),
    product('p-mica', { kind: 'pipeline', scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }], credential: secret }),
  ]);
  assert.deepEqual(failed('cra-pipeline-static-secret', f), ['p-func', 'p-kind']);
});

test('suppliers: an active, unexpired exception naming the product (and channel) with a compensating control', () => {
  const v = (id: string, over: Partial<IdentityInput> = {}) => product(id, { vendor: 'vendor-kyc', actions: ['read', 'build'], ...over });
  const ex = (id: string, identity: string, over: Partial<ProductException> = {}): ProductException => ({
    id,
    identity,
    control: 'entitlement',
    status: 'active',
    scope: { product: 'wallet-app' },
    actions: ['build'],
    compensating_controls: { extra_monitoring: false, manual_approval_per_action: true },
    expires_at: '2027-01-01T00:00:00Z',
    ...over,
  });
  const f = facts(
    [
      v('v-ok'),
      v('v-expired'),
      v('v-pending'),
      v('v-channel', { scopes: [{ product: 'hw-wallet', channel: 'beta' }] }),
      v('v-channel-ok', { scopes: [{ product: 'hw-wallet', channel: 'stable' }] }),
      v('v-observe', { actions: ['read', 'read_telemetry'], capability: 'observe' }),
      v('v-none'),
    ],
    [
      ex('x1', 'v-ok'),
      ex('x2', 'v-expired', { expires_at: '2026-11-01T00:00:00Z' }),
      ex('x3', 'v-pending', { status: 'pending' }),
      ex('x4', 'v-channel', { scope: { product: 'hw-wallet', channel: 'stable' } }),
      ex('x5', 'v-channel-ok', { scope: { product: 'hw-wallet' } }),
    ],
  );
  assert.deepEqual(failed('cra-supplier-without-compensating-controls', f), ['v-channel', 'v-expired', 'v-none', 'v-pending']);
});

test('update publishers: a known channel of a recorded product, and a revocation path', () => {
  const pub = (id: string, over: Partial<IdentityInput>) =>
    product(id, { function: 'update_distribution', actions: ['read', 'publish_security_update'], ...over });
  const f = facts([
    pub('u-all', { scopes: [{ product: 'hw-wallet' }] }),
    pub('u-stable-default', { scopes: [{ product: 'wallet-app', channel: 'stable' }] }),
    pub('u-ghost', { scopes: [{ product: 'no-such-product' }] }),
    pub('u-beta-app', { scopes: [{ product: 'wallet-app', channel: 'beta' }] }),
    pub('u-norevoke', { scopes: [{ product: 'hw-wallet' }], revocation: undefined }),
    pub('u-static', { scopes: [{ product: 'hw-wallet' }], credential: { type: 'static_secret', created: CREATED } }),
    pub('u-cert', { scopes: [{ product: 'hw-wallet' }], credential: { type: 'certificate', created: CREATED } }),
    product('u-signer', { revocation: undefined }),
  ]);
  assert.deepEqual(failed('cra-update-channel-unauthenticated', f), ['u-beta-app', 'u-ghost', 'u-norevoke', 'u-static']);
});

test('privileged product identities: an owner still here, an expiring or short-lived credential, a revocation path', () => {
  const f = facts([
    product('ok-short', {}),
    product('ok-expiring', { credential: { type: 'key_pair', created: CREATED, expires: '2027-01-01T00:00:00Z' } }),
    product('no-expiry', { credential: { type: 'key_pair', created: CREATED } }),
    product('departed', { owner: 'bob@firm.example' }),
    product('no-owner', { owner: undefined }),
    product('no-revocation', { revocation: undefined }),
    product('observer', { capability: 'observe', actions: ['read'], owner: undefined, revocation: undefined }),
  ]);
  assert.deepEqual(failed('cra-privileged-action-not-bounded', f), ['departed', 'no-expiry', 'no-owner', 'no-revocation']);
});
