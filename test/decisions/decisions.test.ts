// The decision point over HTTP on both stores: identities, people and tokens as principals; the
// rules built into every decision; the shipped Cedar policies; obligations; evidence for every
// execute decision; a licence withdrawal through the four-eyes flow changing the next answer;
// policy versions; bad input refused, recorded, and never a 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';
import { testApp, type TestApp } from '../support/app.js';

const CTX = { attested: true, device_posture: 'compliant', session_purpose: 'payout', environment: 'production' } as const;
const DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE', kind: 'wallet' } as const;
const FR = { entity: 'ent-de', service: 'custody', jurisdiction: 'FR', kind: 'wallet' } as const;

for (const store of testStores()) {
  describe(`decision point on ${store.name}`, () => {
    let t: TestApp;
    let asker: string;
    let now = Date.parse('2026-11-22T10:00:00Z');
    const decide = (body: unknown) => t.call('POST', '/v1/decisions', asker, body);
    const count = async (action: string) => Number((await t.db.all<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE action = ?', [action]))[0]!.n);

    before(async () => {
      t = await testApp(await store.open(), () => new Date(now));
      const m = smallManifest([
        identity('custody-api', { scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }, { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' }] }),
        identity('reporter', { function: 'reporting', capability: 'observe' }),
        identity('gone', { status: 'suspended' }),
      ]);
      assert.equal((await t.call('POST', '/v1/import', t.admin, m)).status, 200);
      asker = await t.tokenFor(['enforcer']);
    });
    after(() => store.cleanup());

    test('an entitled, attested identity executes in its authorised scope; the decision is evidence', async () => {
      const before = await count('decision.recorded');
      const res = await decide({ principal: { identity: 'custody-api' }, action: 'initiate_transfer', resource: DE, context: { ...CTX, amount: 100 } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.decision, 'allow');
      assert.deepEqual(res.body.policies, ['identity-execute-entitled-attested']);
      assert.deepEqual(res.body.obligations, []);
      assert.equal(res.body.recorded, true);
      assert.equal(await count('decision.recorded'), before + 1);
      const [ev] = await t.db.all<{ subject_id: string; after_doc: string }>("SELECT subject_id, after_doc FROM events WHERE action = 'decision.recorded' ORDER BY seq DESC LIMIT 1");
      assert.equal(ev!.subject_id, 'custody-api');
      assert.deepEqual(JSON.parse(ev!.after_doc).policies, ['identity-execute-entitled-attested']);
    });

    test('context decides execute actions: attestation, device posture, environment', async () => {
      for (const ctx of [{ ...CTX, attested: false }, { ...CTX, device_posture: 'unknown' }, { ...CTX, environment: 'staging' }]) {
        const res = await decide({ principal: { identity: 'custody-api' }, action: 'initiate_transfer', resource: DE, context: ctx });
        assert.equal(res.body.decision, 'deny', JSON.stringify(ctx));
        assert.match(res.body.reasons[0], /no policy permits/);
      }
    });

    test('built in, whatever the policies: suspended gets nothing, observe never executes, unknown actions are denied and recorded', async () => {
      const s = await decide({ principal: { identity: 'gone' }, action: 'read', resource: DE, context: CTX });
      assert.deepEqual([s.body.decision, s.body.policies], ['deny', ['builtin:principal-not-active']]);
      const o = await decide({ principal: { identity: 'reporter' }, action: 'initiate_transfer', resource: DE, context: CTX });
      assert.deepEqual([o.body.decision, o.body.policies], ['deny', ['builtin:observe-never-executes']]);
      assert.equal(o.body.recorded, true);
      const r = await decide({ principal: { identity: 'reporter' }, action: 'read', resource: DE, context: CTX });
      assert.equal(r.body.decision, 'allow');
      assert.equal(r.body.recorded, false, 'observe decisions are not ledger events');
      const before = await count('decision.recorded');
      const u = await decide({ principal: { identity: 'custody-api' }, action: 'launch_rocket', resource: DE, context: CTX });
      assert.deepEqual([u.body.decision, u.body.policies], ['deny', ['builtin:unknown-action']]);
      assert.equal(await count('decision.recorded'), before + 1);
    });

    test('obligations: above the threshold a transfer needs a second approval', async () => {
      const res = await decide({ principal: { identity: 'custody-api' }, action: 'initiate_transfer', resource: DE, context: { ...CTX, amount: 5_000_000 } });
      assert.equal(res.body.decision, 'allow');
      assert.deepEqual(res.body.obligations, [{ type: 'second_approval', policy: 'large-asset-movement-second-approval' }]);
    });

    test('people are principals: roles from their user account; departed people get nothing', async () => {
      await t.app.services.access.createUser('test', { id: 'alice@firm.example', name: 'Alice', roles: ['viewer'] });
      const a = await decide({ principal: { person: 'alice@firm.example' }, action: 'read', resource: FR, context: CTX });
      assert.deepEqual([a.body.decision, a.body.principal], ['allow', { type: 'person', id: 'alice@firm.example' }]);
      const x = await decide({ principal: { person: 'alice@firm.example' }, action: 'initiate_transfer', resource: DE, context: CTX });
      assert.equal(x.body.decision, 'deny');
      const b = await decide({ principal: { person: 'bob@firm.example' }, action: 'read', resource: DE, context: CTX });
      assert.deepEqual([b.body.decision, b.body.policies], ['deny', ['builtin:principal-not-active']]);
    });

    test('a token is a principal; a bad one is denied with the reason and recorded', async () => {
      const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      const pub = { ...(await exportJWK(publicKey)), kid: 'p1', alg: 'EdDSA' };
      assert.equal((await t.call('POST', '/v1/issuers', t.admin, { id: 'k8s', issuer: 'https://k8s.example', audience: 'mandate', jwks: { keys: [pub] } })).status, 201);
      assert.equal((await t.call('POST', '/v1/identities/custody-api/credentials', t.admin, { type: 'oidc', issuer: 'k8s', subject: 'sa:custody' })).status, 201);
      const now = Math.floor(Date.now() / 1000);
      const wl = await new SignJWT({}).setProtectedHeader({ alg: 'EdDSA', kid: 'p1' }).setIssuer('https://k8s.example').setAudience('mandate').setSubject('sa:custody').setIssuedAt(now).setExpirationTime(now + 300).sign(privateKey);
      const tok = await t.call('POST', '/v1/token', undefined, new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: wl, subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(tok.status, 200, JSON.stringify(tok.body));
      const ok = await decide({ principal: { token: tok.body.access_token }, action: 'initiate_transfer', resource: DE, context: CTX });
      assert.equal(ok.body.decision, 'allow');
      const bad = await decide({ principal: { token: `${tok.body.access_token}x` }, action: 'initiate_transfer', resource: DE, context: CTX });
      assert.deepEqual([bad.body.decision, bad.body.policies], ['deny', ['builtin:token-not-active']]);
      assert.match(bad.body.reasons[0], /signature/);
      await t.call('POST', '/v1/identities/custody-api/revoke-tokens', t.admin, { reason: 'test' });
      const revoked = await decide({ principal: { token: tok.body.access_token }, action: 'read', resource: DE, context: CTX });
      assert.match(revoked.body.reasons[0], /generation/);
    });

    test('a licence withdrawn through the four-eyes flow changes the next answer; the return path stays open', async () => {
      const carla = await t.tokenFor(['compliance_officer']);
      const anton = await t.tokenFor(['approver']);
      const before = await decide({ principal: { identity: 'custody-api' }, action: 'initiate_transfer', resource: FR, context: CTX });
      assert.equal(before.body.decision, 'allow');
      const p = await t.call('POST', '/v1/authorisations/auth-de-custody-fr/transitions', carla, { to: 'withdrawn', reason: 'AMF withdrawal', reference: 'AMF-2026-1' });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      assert.equal((await t.call('POST', `/v1/transitions/${p.body.id}/approve`, anton, { reason: 'checked' })).status, 200);
      // The hub follows the ledger: the decision point's state is current once the approval commits.
      await t.app.services.hub.kick();
      const after = await decide({ principal: { identity: 'custody-api' }, action: 'initiate_transfer', resource: FR, context: CTX });
      assert.deepEqual([after.body.decision, after.body.policies], ['deny', ['builtin:scope-not-lawful']]);
      assert.match(after.body.reasons[0], /auth-de-custody-fr is withdrawn/);
      const ret = await decide({ principal: { identity: 'custody-api' }, action: 'withdraw_to_client', resource: FR, context: CTX });
      assert.equal(ret.body.decision, 'allow');
      const home = await decide({ principal: { identity: 'custody-api' }, action: 'initiate_transfer', resource: DE, context: CTX });
      assert.equal(home.body.decision, 'allow');
    });

    test('an approved restriction binds as soon as it is due, before its cascade has committed', async () => {
      const carla = await t.tokenFor(['compliance_officer']);
      const anton = await t.tokenFor(['approver']);
      assert.equal((await t.call('POST', '/v1/authorisations', t.admin, { id: 'auth-de-custody-nl', entity: 'ent-de', service: 'custody', jurisdiction: 'NL', status: 'authorised', basis: 'passport', reference: 'BaFin 2025/1-NL' })).status, 201);
      const ctx = { ...CTX };
      const NL = { entity: 'ent-de', service: 'custody', jurisdiction: 'NL' };
      const nl = await t.call('POST', '/v1/identities', t.admin, identity('custody-nl', { scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'NL' }] }));
      assert.equal(nl.status, 201, JSON.stringify(nl.body));
      await t.app.services.hub.kick();
      assert.equal((await decide({ principal: { identity: 'custody-nl' }, action: 'initiate_transfer', resource: NL, context: ctx })).body.decision, 'allow');
      const p = await t.call('POST', '/v1/authorisations/auth-de-custody-nl/transitions', carla, { to: 'suspended', reason: 'AFM suspension', reference: 'AFM-1', effective_at: '2026-11-22T12:00:00Z' });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      assert.equal((await t.call('POST', `/v1/transitions/${p.body.id}/approve`, anton, {})).status, 200);
      await t.app.services.hub.kick();
      const snap = async () => (await t.call('GET', '/v1/enforcement/snapshot', asker)).body;
      assert.deepEqual((await snap()).provisional, [], 'not due yet: nothing binds');
      now = Date.parse('2026-11-22T12:30:00Z');
      // Due, not yet applied (the scheduler has not run): enforcement already treats it as suspended.
      await t.app.services.hub.kick();
      const s = await snap();
      assert.deepEqual(s.provisional.map((a: { id: string; status: string }) => [a.id, a.status]), [['auth-de-custody-nl', 'suspended']]);
      assert.equal(s.authorisations.find((a: { id: string }) => a.id === 'auth-de-custody-nl').status, 'authorised');
      const d = await decide({ principal: { identity: 'custody-nl' }, action: 'initiate_transfer', resource: NL, context: ctx });
      assert.deepEqual([d.body.decision, d.body.policies], ['deny', ['builtin:scope-not-lawful']]);
      assert.match(d.body.reasons[0], /auth-de-custody-nl is suspended/);
      assert.equal((await decide({ principal: { identity: 'custody-nl' }, action: 'withdraw_to_client', resource: NL, context: ctx })).body.decision, 'allow', 'the return path stays open');
      await t.app.services.regulatory.applyDue();
      await t.app.services.hub.kick();
      const after = await snap();
      assert.deepEqual(after.provisional, [], 'the cascade committed: the recorded state takes over');
      assert.equal(after.authorisations.find((a: { id: string }) => a.id === 'auth-de-custody-nl').status, 'suspended');
    });

    test('batch: many decisions, one ledger event for the recorded ones', async () => {
      const items = Array.from({ length: 50 }, (_, i) => ({ principal: { identity: i % 2 ? 'custody-api' : 'reporter' }, action: i % 3 ? 'read' : 'reconcile', resource: DE, context: CTX }));
      const before = await count('decisions.recorded');
      const res = await t.call('POST', '/v1/decisions/batch', asker, { items });
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
      assert.equal(res.body.items.length, 50);
      for (const [i, d] of res.body.items.entries()) {
        const single = await decide(items[i]);
        assert.equal(d.decision, single.body.decision, `item ${i}`);
      }
      assert.equal(await count('decisions.recorded'), before + 1);
    });

    test('policies: the shipped set is version 1; a new version is validated, recorded and used', async () => {
      const cur = await t.call('GET', '/v1/policies', t.admin);
      assert.equal(cur.body.version, 1);
      assert.ok(cur.body.ids.includes('identity-execute-entitled-attested'));
      const bad = await t.call('POST', '/v1/policies', t.admin, { text: 'permit (principal, action == Mandate::Action::"no_such_action", resource);' });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.code, 'INVALID_POLICY');
      const noId = await t.call('POST', '/v1/policies/validate', t.admin, { text: 'permit (principal, action, resource);' });
      assert.equal(noId.status, 422);
      assert.match(noId.body.detail, /@id/);
      const extra = `${cur.body.text}\n@id("no-transfers-above-10m")\nforbid (principal, action == Mandate::Action::"initiate_transfer", resource) when { context has amount && context.amount > 10000000 };\n`;
      assert.equal((await t.call('POST', '/v1/policies', await t.tokenFor(['viewer']), { text: extra })).status, 403);
      const asked = await t.call('POST', '/v1/policies', t.admin, { text: extra });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      // Published once someone other than who asked approves it.
      const pub = await t.call('POST', `/v1/approvals/${asked.body.approval.id}/approve`, await t.tokenFor(['approver']), {});
      assert.equal(pub.body.status, 'approved', JSON.stringify(pub.body));
      assert.equal((await t.call('GET', `/v1/changes/${asked.body.id}`, t.admin)).body.result.version, 2);
      await t.app.services.hub.kick();
      const res = await decide({ principal: { identity: 'custody-api' }, action: 'initiate_transfer', resource: DE, context: { ...CTX, amount: 20_000_000 } });
      assert.deepEqual([res.body.decision, res.body.policies, res.body.policy_version], ['deny', ['no-transfers-above-10m'], 2]);
      assert.equal(await count('policies.published'), 2);
    });

    test('bad input: a clear error with the field, the refusal recorded, never a 5xx', async () => {
      const before = await count('decision.refused');
      const big = await decide({ principal: { identity: 'custody-api' }, action: 'read', resource: DE, context: { ...CTX, session_purpose: 'x'.repeat(5000) } });
      assert.equal(big.status, 400);
      assert.equal(big.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.match(big.body.field, /session_purpose/);
      const extra = await decide({ principal: { identity: 'custody-api' }, action: 'read', resource: DE, context: { ...CTX, sneaky: true } });
      assert.equal(extra.status, 400);
      assert.equal(await count('decision.refused'), before + 2);
      assert.equal((await decide({ principal: { identity: 'nobody' }, action: 'read', resource: DE, context: CTX })).status, 404);
      await fc.assert(fc.asyncProperty(
        fc.record({
          principal: fc.oneof(fc.record({ identity: fc.string({ maxLength: 30 }) }), fc.record({ token: fc.string({ maxLength: 100 }) }), fc.record({ person: fc.string({ maxLength: 30 }) }), fc.anything()),
          action: fc.oneof(fc.constantFrom('read', 'initiate_transfer', 'nope'), fc.string()),
          resource: fc.oneof(fc.constant(DE), fc.record({ entity: fc.string(), service: fc.string(), jurisdiction: fc.string() }), fc.anything()),
          context: fc.oneof(fc.constant(CTX), fc.record({ attested: fc.boolean(), device_posture: fc.string(), session_purpose: fc.string(), environment: fc.string(), amount: fc.integer() }), fc.anything()),
        }, { requiredKeys: [] }),
        async (body) => {
          const res = await decide(body);
          assert.ok(res.status < 500, `${res.status} ${JSON.stringify(res.body)}`);
          if (res.status === 200) assert.ok(['allow', 'deny'].includes(res.body.decision));
        },
      ), { numRuns: 200 });
    });
  });
}
