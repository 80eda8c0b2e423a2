// Products under the Cyber Resilience Act as a second regulatory regime, end to end over the API
// on both stores (issue 20): products and product scopes in the manifest, bad input refused with
// the field at fault and nothing written, the impact preview of a recall equal to what the
// cascade then does, four eyes, decisions on product resources before and after, and an actively
// exploited vulnerability putting release signing under a second approval.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import type { Manifest } from '../../src/core/manifest.js';
import type { Product } from '../../src/core/model.js';
import { appendEvents } from '../../src/ledger/log.js';
import type { Database } from '../../src/store/db.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const WALLET: Product = {
  id: 'prod-hw-wallet',
  name: 'Example hardware wallet',
  manufacturer: 'ent-de',
  versions: ['2.3.0', '2.4.0'],
  channels: ['stable', 'beta'],
  category: 'important_class_ii',
  status: 'on_market',
  placed_on_market: '2025-06-01',
  support_period_end: '2030-06-01',
  conformity_assessment: { procedure: 'eu_type_examination', reference: 'NB-0123/2025/44', notified_body: 'Example NB 0123' },
  declaration_of_conformity: 'DoC-HW-2025-01',
  member_states: ['DE', 'FR', 'NL'],
};

function firm(): Manifest {
  const m = smallManifest([
    identity('hw-release-pipeline', {
      kind: 'pipeline',
      function: 'release_engineering',
      scopes: [{ product: 'prod-hw-wallet' }],
      revocation: { connector: 'manual', target: 'ci-deploy-key' },
    }),
    identity('hw-update-beta', {
      function: 'update_distribution',
      scopes: [{ product: 'prod-hw-wallet', channel: 'beta' }],
    }),
    identity('hw-device-mgmt', { function: 'device_management', scopes: [{ product: 'prod-hw-wallet' }] }),
    identity('hw-signing-key', {
      kind: 'signing_key',
      function: 'release_engineering',
      actions: ['read', 'sign_release'],
      scopes: [{ product: 'prod-hw-wallet' }],
    }),
    // One identity acting for both regimes: custody in DE and the wallet's releases.
    identity('both-regimes', {
      function: 'release_engineering',
      actions: ['read', 'initiate_transfer', 'publish_release', 'publish_security_update'],
      scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }, { product: 'prod-hw-wallet' }],
    }),
  ]);
  m.products = [WALLET];
  return m;
}

const CONTEXT = { attested: true, device_posture: 'compliant', session_purpose: 'release', environment: 'production' };

for (const store of testStores()) {
  describe(`products under the CRA on ${store.name}`, () => {
    let app: Awaited<ReturnType<typeof buildApp>>;
    let db: Database;
    const tokens: Record<string, string> = {};
    const call = async (who: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${tokens[who]}`, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, type: res.headers['content-type'] };
    };
    const decide = async (id: string, action: string, resource: Record<string, string>) =>
      (await call('admin', 'POST', '/v1/decisions', { principal: { identity: id }, action, resource, context: CONTEXT })).body;
    const product = async () => (await call('admin', 'GET', '/v1/products/prod-hw-wallet')).body;

    before(async () => {
      db = await store.open();
      app = await buildApp({ db, logger: false });
      tokens.admin = (await app.services.users.bootstrap(undefined))!;
      for (const [user, roles] of [
        ['carla', ['compliance_officer']],
        ['anton', ['approver']],
      ] as const) {
        await app.services.users.createUser('test', { id: user, name: user, roles: [...roles] });
        tokens[user] = (await app.services.users.createToken('test', user, {})).token;
      }
      const res = await call('admin', 'POST', '/v1/import', firm());
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test('products and the identities acting for them are listed', async () => {
      const list = await call('admin', 'GET', '/v1/products');
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.items.map((p: Product) => [p.id, p.status, p.category]),
        [['prod-hw-wallet', 'on_market', 'important_class_ii']],
      );
      const acting = await call('admin', 'GET', '/v1/identities?product=prod-hw-wallet');
      assert.deepEqual(acting.body.items.map((i: { id: string }) => i.id).sort(), [
        'both-regimes',
        'hw-device-mgmt',
        'hw-release-pipeline',
        'hw-signing-key',
        'hw-update-beta',
      ]);
    });

    test('bad input is refused with the field at fault and writes nothing', async () => {
      const before = await product();
      const problems: [string, string, unknown, number, string][] = [
        ['POST', '/v1/products', { ...WALLET, id: 'p2', category: 'important', status: 'in_development' }, 400, '/category'],
        ['POST', '/v1/products', { ...WALLET, id: 'p2', status: 'shipped' }, 400, '/status'],
        [
          'POST',
          '/v1/products',
          { ...WALLET, id: 'p2', status: 'in_development', placed_on_market: '2026-01-01', support_period_end: '2025-01-01' },
          422,
          '/support_period_end',
        ],
        [
          'POST',
          '/v1/products',
          { ...WALLET, id: 'p2', status: 'in_development', conformity_assessment: { procedure: 'internal_control', reference: 'x' } },
          422,
          '/conformity_assessment/procedure',
        ],
        ['POST', '/v1/products', { ...WALLET, id: 'p2' }, 409, '/status'],
        [
          'POST',
          '/v1/identities',
          { ...identity('ghost', { function: 'release_engineering', scopes: [{ product: 'no-such-product' }] }) },
          422,
          '/scopes/0/product',
        ],
        [
          'POST',
          '/v1/identities',
          { ...identity('ghost', { function: 'release_engineering', scopes: [{ product: 'prod-hw-wallet', channel: 'nightly' }] }) },
          422,
          '/scopes/0/channel',
        ],
        ['POST', '/v1/products/prod-hw-wallet/transitions', { to: 'assessed', reason: 'r', reference: 'x' }, 409, '/to'],
        ['POST', '/v1/products/prod-hw-wallet/transitions', { to: 'sold_out', reason: 'r', reference: 'x' }, 400, '/to'],
      ];
      for (const [method, url, body, status, field] of problems) {
        const res = await call('admin', method, url, body);
        assert.equal(res.status, status, `${url} ${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(res.body)}`);
        assert.match(String(res.type), /application\/problem\+json/);
        const fields = [res.body.field, ...(res.body.errors ?? []).map((e: { field: string }) => e.field)];
        assert.ok(
          fields.some((f) => f?.endsWith(field)),
          `${url}: expected field ${field}, got ${JSON.stringify(res.body)}`,
        );
      }
      // A status change outside a transition is refused; the product is as it was.
      const put = await call('admin', 'PUT', '/v1/products/prod-hw-wallet', { ...WALLET, status: 'recalled' }, { 'if-match': '"1"' });
      assert.equal(put.status, 409, JSON.stringify(put.body));
      assert.equal(put.body.code, 'STATUS_CHANGE_NEEDS_TRANSITION');
      assert.deepEqual(await product(), before);
      assert.equal((await call('admin', 'GET', '/v1/products/p2')).status, 404);
      assert.equal((await call('admin', 'GET', '/v1/identities/ghost')).status, 404);
      assert.equal((await call('admin', 'GET', '/v1/transitions')).body.items.length, 0);
    });

    test('on the market: releases publish on every channel the identity holds', async () => {
      assert.equal(
        (await decide('hw-release-pipeline', 'publish_release', { product: 'prod-hw-wallet', channel: 'stable' })).decision,
        'allow',
      );
      assert.equal((await decide('hw-update-beta', 'publish_release', { product: 'prod-hw-wallet', channel: 'beta' })).decision, 'allow');
      // A channel scope does not reach another channel.
      const other = await decide('hw-update-beta', 'publish_release', { product: 'prod-hw-wallet', channel: 'stable' });
      assert.equal(other.decision, 'deny', JSON.stringify(other));
      // A product action means nothing in a MiCA scope.
      assert.equal(
        (await decide('hw-release-pipeline', 'publish_release', { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' })).decision,
        'deny',
      );
    });

    test('a recall: the preview equals the cascade, four eyes, release paths stopped, security updates kept', async () => {
      const impact = await call('carla', 'GET', '/v1/products/prod-hw-wallet/impact?to=recalled');
      assert.equal(impact.status, 200, JSON.stringify(impact.body));
      assert.deepEqual(impact.body.moved, [{ id: 'prod-hw-wallet', from: 'on_market', to: 'recalled', via: null }]);
      assert.deepEqual(impact.body.counts, { suspend: 0, narrow: 3, restore: 0, unchanged: 2 });
      const pipeline = impact.body.narrowed.find((n: { identity: string }) => n.identity === 'hw-release-pipeline');
      assert.deepEqual(pipeline.to, [
        { scope: 'product:prod-hw-wallet', actions: ['read', 'build', 'sign_release', 'publish_security_update'] },
      ]);
      assert.deepEqual(pipeline.removed, [
        { scope: 'product:prod-hw-wallet', action: 'publish_release', rule: 'table:recalled.new_business' },
      ]);
      const both = impact.body.narrowed.find((n: { identity: string }) => n.identity === 'both-regimes');
      assert.deepEqual(both.to, [
        { scope: 'ent-de/custody/DE', actions: ['read', 'initiate_transfer'] },
        { scope: 'product:prod-hw-wallet', actions: ['read', 'publish_security_update'] },
      ]);
      assert.ok(
        impact.body.return_paths.some(
          (r: { scope: string; action: string }) => r.scope === 'product:prod-hw-wallet' && r.action === 'publish_security_update',
        ),
      );
      assert.equal((await product()).status, 'on_market', 'the preview writes nothing');

      const p = await call('carla', 'POST', '/v1/products/prod-hw-wallet/transitions', {
        to: 'recalled',
        reason: 'firmware 2.4.0 lets a malicious host bypass PIN entry',
        reference: 'CA-2026-12-001',
      });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      assert.deepEqual([p.body.status, p.body.products, p.body.authorisations], ['pending', ['prod-hw-wallet'], []]);
      assert.equal((await call('carla', 'POST', `/v1/transitions/${p.body.id}/approve`, {})).status, 403, 'the proposer cannot approve');
      assert.equal((await product()).status, 'on_market');
      const ok = await call('anton', 'POST', `/v1/transitions/${p.body.id}/approve`, { reason: 'agreed with the NB' });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.status, 'applied');
      assert.deepEqual(ok.body.result.counts, impact.body.counts, 'the cascade did what the preview said');
      const after = await product();
      assert.deepEqual([after.status, after.reference], ['recalled', 'CA-2026-12-001']);

      const events = (await call('admin', 'GET', '/v1/events?subject_id=prod-hw-wallet')).body.items;
      assert.ok(events.some((e: { action: string }) => e.action === 'product.status_changed'));
      const power = (await call('admin', 'GET', '/v1/identities/hw-release-pipeline/power')).body;
      assert.equal(power.outcome, 'narrow');
      assert.equal(power.in_step, true);

      const stable = { product: 'prod-hw-wallet', channel: 'stable' };
      const denied = await decide('hw-release-pipeline', 'publish_release', stable);
      assert.deepEqual([denied.decision, denied.policies], ['deny', ['builtin:scope-not-lawful']]);
      assert.equal((await decide('hw-release-pipeline', 'publish_security_update', stable)).decision, 'allow');
      assert.equal((await decide('hw-device-mgmt', 'remote_manage', stable)).decision, 'allow', 'the corrective action path stays open');
      // The MiCA side of an identity acting for both is untouched by the product's recall.
      assert.equal(
        (await decide('both-regimes', 'initiate_transfer', { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' })).decision,
        'allow',
      );
    });

    test('an actively exploited vulnerability puts release signing under a second approval', async () => {
      const stable = { product: 'prod-hw-wallet', channel: 'stable' };
      assert.equal((await decide('hw-signing-key', 'sign_release', stable)).decision, 'allow');
      const at = new Date().toISOString();
      await db.transaction(async (tx) => {
        await tx.run(
          'INSERT INTO cra_reports (id, product, kind, status, aware_at, owner, doc, version, created_at, updated_at) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          ['cra-t1', 'prod-hw-wallet', 'exploited_vulnerability', 'open', at, 'alice@firm.example', '{}', 1, at, at],
        );
        await appendEvents(tx, at, [
          {
            actor: 'user:carla',
            action: 'cra_report.opened',
            subject: { type: 'cra_report', id: 'cra-t1' },
            after: { product: 'prod-hw-wallet' },
          },
        ]);
      });
      // The decision point follows the ledger: the report reaches it without a restart.
      let d = await decide('hw-signing-key', 'sign_release', stable);
      for (let i = 0; i < 50 && d.decision === 'allow'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        d = await decide('hw-signing-key', 'sign_release', stable);
      }
      assert.deepEqual([d.decision, d.policies], ['deny', ['builtin:second-approval-required']]);
      // Building goes on; the power view says what decided.
      assert.equal((await decide('hw-release-pipeline', 'build', stable)).decision, 'allow');
      const power = (await call('admin', 'GET', '/v1/identities/hw-signing-key/power')).body;
      const sign = power.scopes[0].actions.find((a: { action: string }) => a.action === 'sign_release');
      assert.equal(sign.by, 'exploited-vulnerability-second-approval');
    });

    test('product rules are changed like the MiCA rules: checked, four eyes, published, every identity recomputed', async () => {
      const current = await call('admin', 'GET', '/v1/lifecycle-rules/cra');
      assert.deepEqual([current.status, current.body.version, current.body.rules.id], [200, 0, 'cra-default']);
      const rules = current.body.rules;
      const cut = { ...rules, table: { ...rules.table, recalled: { ...rules.table.recalled, observe: 'deny' } } };
      const refused = await call('carla', 'PUT', '/v1/lifecycle-rules', { rules: cut });
      assert.equal(refused.status, 400, 'observe is never cut');
      // The firm decides a recalled product gets no remote management either (its documented choice).
      const strict = {
        ...rules,
        id: 'cra-firm',
        rules: [
          ...rules.rules,
          {
            id: 'no-remote-after-recall',
            description: 'no remote management once recalled',
            when: { status: ['recalled'], actions: ['remote_manage'] },
            effect: 'deny',
          },
        ],
      };
      const asked = await call('carla', 'PUT', '/v1/lifecycle-rules', { rules: strict });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      assert.equal((await call('admin', 'GET', '/v1/lifecycle-rules/cra')).body.version, 0, 'published only once approved');
      assert.equal((await call('admin', 'GET', '/v1/identities/hw-device-mgmt')).body.status, 'active');
      const approved = await call('anton', 'POST', `/v1/approvals/${asked.body.approval.id}/approve`, {});
      assert.equal(approved.body.status, 'approved', JSON.stringify(approved.body));
      const now = await call('admin', 'GET', '/v1/lifecycle-rules/cra');
      assert.deepEqual([now.body.version, now.body.rules.id], [1, 'cra-firm']);
      assert.equal((await call('admin', 'GET', '/v1/lifecycle-rules')).body.version, 0, 'the MiCA rules are versioned apart');
      const wallet = (await call('admin', 'GET', '/v1/products/prod-hw-wallet')).body;
      const preview = await call(
        'carla',
        'GET',
        `/v1/products/prod-hw-wallet/impact?to=${wallet.status === 'on_market' ? 'withdrawn' : 'on_market'}`,
      );
      assert.equal(preview.body.rules_version, 1, 'a product preview names the version of the CRA rules, not of the MiCA rules');
      // Recomputed in the same transaction: remote management of the recalled wallet was its only power.
      assert.equal((await call('admin', 'GET', '/v1/identities/hw-device-mgmt')).body.status, 'suspended');
      const events = (await call('admin', 'GET', '/v1/events?subject_type=product_lifecycle_rules&subject_id=1')).body.items;
      assert.equal(events[0].after.id, 'cra-firm');
    });
  });
}
