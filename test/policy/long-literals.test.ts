// A Cedar long beyond ±(2^53−1) in a policy the server stores stays exact all the way: read from
// cedar-wasm's JSON losslessly, stored, compiled by the decision point, and sent to enforcement
// points as JSON digits (parseCedarJson reads them back as bigints). With doubles,
// 9007199254740993 would be 9007199254740992 and the policy below would never apply.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { parseCedarJson, stringifyCedarJson } from '@mandate/sdk/cedar';
import fc from 'fast-check';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

const CTX = { attested: true, device_posture: 'compliant', session_purpose: 'payout', environment: 'production' } as const;
const DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE', kind: 'wallet' } as const;
const LONG_POLICY =
  '\n@id("exact-longs")\nforbid (principal, action == Mandate::Action::"initiate_transfer", resource) ' +
  'when { context has amount && context.amount > 0 && 9007199254740993 > 9007199254740992 };\n';

test('stringifyCedarJson and parseCedarJson round-trip any JSON value with bigints, and a string that looks like a mark', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc
        .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
        .filter((b) => b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)),
      fc.integer(),
      fc.string(),
      fc.constantFrom('\u0000big\u00000\u0000', '\u0000big\u0000\u00001\u0000'),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(
        fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__'),
        tie('value'),
        { maxKeys: 4, noNullPrototype: true },
      ),
    ),
  }));
  fc.assert(
    fc.property(json.value, (v) => {
      assert.deepEqual(parseCedarJson(stringifyCedarJson(v)), v);
    }),
    { numRuns: 500 },
  );
});

for (const store of testStores()) {
  describe(`long literals in stored policies (${store.name})`, () => {
    after(() => store.cleanup());

    test('are published, decided and sent to enforcement points exactly', async () => {
      const t = await testApp(await store.open());
      try {
        assert.equal((await t.call('POST', '/v1/import', t.admin, smallManifest([identity('custody-api')]))).status, 200);
        const policies = t.app.services.policies;
        const current = await policies.current();
        const published = await policies.publish('test', current.text + LONG_POLICY);
        const stored = published.policies.find((p) => p.id === 'exact-longs');
        assert.ok(stored, 'the policy is stored');
        assert.ok(JSON.stringify(stored.est, (_k, v) => (typeof v === 'bigint' ? `big:${v}` : v)).includes('big:9007199254740993'));
        await t.app.services.hub.kick();
        const asker = await t.tokenFor(['enforcer']);
        const res = await t.call('POST', '/v1/decisions', asker, {
          principal: { identity: 'custody-api' },
          action: 'initiate_transfer',
          resource: DE,
          context: { ...CTX, amount: 10 },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual([res.body.decision, res.body.policies], ['deny', ['exact-longs']]);
        // The snapshot an enforcement point reads carries the digits, not a rounded double.
        const snap = await t.app.inject({
          method: 'GET',
          url: '/v1/enforcement/snapshot',
          headers: { authorization: `Bearer ${await t.tokenFor(['enforcer'])}` },
        });
        assert.equal(snap.statusCode, 200, snap.body);
        assert.match(snap.body, /9007199254740993/);
        const read = parseCedarJson(snap.body) as { policies: { items: { id: string }[] } };
        assert.ok(read.policies.items.some((p) => p.id === 'exact-longs'));
      } finally {
        await t.app.close();
      }
    });
  });
}
