// The README's Cyber Resilience Act walk-through on the demo firm, over the API and on both stores:
// preview recalling the hardware wallet, propose it, the proposer cannot approve it, a second
// person does; the release identities lose publish_release (the beta pipeline and the supplier's
// key-management identity are suspended), the security-update path still decides allow, the
// product's evidence pack is built, and putting the product back on the market restores them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { testStores } from '../support/stores.js';

const DEMO = 'demo/mandate-demo.yaml';
const HW = 'prod-hw-wallet';
const CONTEXT = { attested: true, device_posture: 'compliant', session_purpose: 'release', environment: 'production' };
const SUSPENDED = ['pipe-fw-release-hw-wallet-beta', 'svc-secureforge-kms-hw-wallet'];
const NARROWED = ['pipe-fw-release-hw-wallet-stable', 'svc-fw-update-hw-wallet'];

for (const store of testStores()) {
  describe(`recalling the hardware wallet's firmware, demo firm on ${store.name}`, () => {
    let app: Awaited<ReturnType<typeof buildApp>>;
    const tokens: Record<string, string> = {};
    const call = async (who: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await app.inject({
        method: method as 'GET',
        url: path,
        headers: { authorization: `Bearer ${tokens[who]}`, ...headers },
        ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
      });
      const json = res.headers['content-type']?.toString().includes('json');
      return { status: res.statusCode, body: json && res.body ? JSON.parse(res.body) : undefined };
    };
    const decide = async (identity: string, action: string, channel?: string) =>
      (
        await call('admin', 'POST', '/v1/decisions', {
          principal: { identity },
          action,
          resource: { product: HW, ...(channel ? { channel } : {}) },
          context: CONTEXT,
        })
      ).body as { decision: string; reasons: string[] };
    const statusOf = async (id: string) => (await call('admin', 'GET', `/v1/identities/${id}`)).body.status as string;

    before(async () => {
      app = await buildApp({ db: await store.open(), logger: false });
      tokens.admin = (await app.services.users.bootstrap(undefined))!;
      for (const [user, roles] of [
        ['carla', ['compliance_officer']],
        ['anton', ['approver']],
      ] as const) {
        await app.services.users.createUser('test', { id: user, name: user, roles: [...roles] });
        tokens[user] = (await app.services.users.createToken('test', user, {})).token;
      }
      const loaded = await call('carla', 'POST', '/v1/import', readFileSync(DEMO, 'utf8'), { 'content-type': 'application/yaml' });
      assert.equal(loaded.status, 200, JSON.stringify(loaded.body));
    });
    after(async () => {
      await app?.close();
      await store.cleanup();
    });

    test('preview, four eyes, release identities stopped, security updates kept, the pack, and back', async () => {
      const listed = await call('admin', 'GET', '/v1/products');
      assert.equal(listed.status, 200);
      const hw = listed.body.items.find((p: { id: string }) => p.id === HW);
      assert.deepEqual([hw?.status, hw?.category], ['on_market', 'critical']);

      // Before: the update service may publish both kinds of release.
      assert.equal((await decide('svc-fw-update-hw-wallet', 'publish_release', 'stable')).decision, 'allow');

      const impact = await call('admin', 'GET', `/v1/products/${HW}/impact?to=recalled`);
      assert.equal(impact.status, 200, JSON.stringify(impact.body));
      const ids = (xs: { identity: string }[]) => xs.map((x) => x.identity).sort();
      assert.deepEqual(ids(impact.body.suspended), SUSPENDED);
      assert.deepEqual(ids(impact.body.narrowed), NARROWED);

      const proposed = await call('carla', 'POST', `/v1/products/${HW}/transitions`, {
        to: 'recalled',
        reason: 'Firmware 2.5.0 resets the PIN retry counter after a power loss',
        reference: 'CAPA-2026-031',
      });
      assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
      assert.equal(proposed.body.status, 'pending');
      assert.deepEqual(proposed.body.products, [HW]);
      // Nothing happens before the second person: the proposer cannot approve her own proposal.
      assert.notEqual((await call('carla', 'POST', `/v1/transitions/${proposed.body.id}/approve`, {})).status, 200);
      assert.equal((await decide('svc-fw-update-hw-wallet', 'publish_release', 'stable')).decision, 'allow');

      const approved = await call('anton', 'POST', `/v1/transitions/${proposed.body.id}/approve`, {});
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.status, 'applied');
      assert.equal((await call('admin', 'GET', `/v1/products/${HW}`)).body.status, 'recalled');

      for (const id of SUSPENDED) assert.equal(await statusOf(id), 'suspended', id);
      for (const id of NARROWED) assert.equal(await statusOf(id), 'active', id);
      const denied = await decide('svc-fw-update-hw-wallet', 'publish_release', 'stable');
      assert.equal(denied.decision, 'deny');
      assert.match(denied.reasons.join(' '), /recalled/);
      assert.equal((await decide('svc-fw-update-hw-wallet', 'publish_security_update', 'stable')).decision, 'allow');
      assert.equal((await decide('pipe-fw-release-hw-wallet-stable', 'publish_security_update', 'stable')).decision, 'allow');
      // The return path of a recall: signing fixes, reaching the devices, telling users.
      assert.equal((await decide('key-fw-signing-hw-wallet', 'sign_release')).decision, 'allow');
      assert.equal((await decide('svc-device-mgmt-hw-wallet', 'remote_manage')).decision, 'allow');
      assert.equal((await decide('svc-psirt-advisories', 'publish_advisory')).decision, 'allow');

      const pack = await call('admin', 'POST', '/v1/evidence-packs', { product: HW });
      assert.equal(pack.status, 200);

      const back = await call('carla', 'POST', `/v1/products/${HW}/transitions`, {
        to: 'on_market',
        reason: 'Firmware 2.5.1 fixes the counter; the devices are updated',
        reference: 'CAPA-2026-031 closure',
      });
      assert.equal(back.status, 201, JSON.stringify(back.body));
      assert.equal((await call('anton', 'POST', `/v1/transitions/${back.body.id}/approve`, {})).status, 200);
      for (const id of [...SUSPENDED, ...NARROWED]) assert.equal(await statusOf(id), 'active', id);
      assert.equal((await decide('svc-fw-update-hw-wallet', 'publish_release', 'stable')).decision, 'allow');
    });
  });
}
