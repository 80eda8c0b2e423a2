// The decision point over HTTP on both stores: identities, people and tokens as principals; the
// rules built into every decision; the shipped Cedar policies; obligations; evidence for every
// execute decision; a licence withdrawal through the four-eyes flow changing the next answer;
// policy versions; bad input refused, recorded, and never a 5xx. For a token principal, the
// token's facts (attestation, environment, session purpose) win over the caller's context: a
// conflicting value is a recorded deny, a value left out is the token's.
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
    const count = async (action: string) =>
      Number((await t.db.all<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE action = ?', [action]))[0]!.n);

    before(async () => {
      t = await testApp(await store.open(), () => new Date(now));
      const m = smallManifest([
        identity('custody-api', {
          scopes: [
            { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
            { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' },
          ],
        }),
        identity('reporter', { function: 'reporting', capability: 'observe' }),
        identity('gone', { status: 'suspended' }),
        identity('tok-prod'),
        identity('tok-stage', { environment: 'staging' }),
      ]);
      assert.equal((await t.call('POST', '/v1/import', t.admin, m)).status, 200);
      asker = await t.tokenFor(['enforcer']);
    });
    after(() => store.cleanup());

    test('an entitled, attested identity executes in its authorised scope; the decision is evidence', async () => {
      const before = await count('decision.recorded');
      const res = await decide({
        principal: { identity: 'custody-api' },
        action: 'initiate_transfer',
        resource: DE,
        context: { ...CTX, amount: 100 },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.decision, 'allow');
      assert.deepEqual(res.body.policies, ['identity-execute-entitled-attested']);
      assert.deepEqual(res.body.obligations, []);
      assert.equal(res.body.recorded, true);
      assert.equal(await count('decision.recorded'), before + 1);
      const [ev] = await t.db.all<{ subject_id: string; after_doc: string }>(
        "SELECT subject_id, after_doc FROM events WHERE action = 'decision.recorded' ORDER BY seq DESC LIMIT 1",
      );
      assert.equal(ev!.subject_id, 'custody-api');
      assert.deepEqual(JSON.parse(ev!.after_doc).policies, ['identity-execute-entitled-attested']);
    });

    test('context decides execute actions: attestation, device posture, environment', async () => {
      for (const ctx of [
        { ...CTX, attested: false },
        { ...CTX, device_posture: 'unknown' },
        { ...CTX, environment: 'staging' },
      ]) {
        const res = await decide({ principal: { identity: 'custody-api' }, action: 'initiate_transfer', resource: DE, context: ctx });
        assert.equal(res.body.decision, 'deny', JSON.stringify(ctx));
        assert.match(res.body.reasons[0], /no policy permits/);
      }
    });

    test(
      'built in, whatever the policies: suspended gets nothing, observe ' + 'never executes, unknown actions are denied and recorded',
      async () => {
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
      },
    );

    test('obligations: above the threshold a transfer needs a second approval', async () => {
      const res = await decide({
        principal: { identity: 'custody-api' },
        action: 'initiate_transfer',
        resource: DE,
        context: { ...CTX, amount: 5_000_000 },
      });
      assert.equal(res.body.decision, 'allow');
      assert.deepEqual(res.body.obligations, [{ type: 'second_approval', policy: 'large-asset-movement-second-approval' }]);
    });

    test('people are principals: roles from their user account; departed people get nothing', async () => {
      await t.app.services.users.createUser('test', { id: 'alice@firm.example', name: 'Alice', roles: ['viewer'] });
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
      assert.equal(
        (
          await t.call('POST', '/v1/issuers', t.admin, {
            id: 'k8s',
            issuer: 'https://k8s.example',
            audience: 'mandate',
            jwks: { keys: [pub] },
          })
        ).status,
        201,
      );
      assert.equal(
        (await t.call('POST', '/v1/identities/custody-api/credentials', t.admin, { type: 'oidc', issuer: 'k8s', subject: 'sa:custody' }))
          .status,
        201,
      );
      // Issued at the server's (test) clock: a token issued in its future is refused.
      const iat = Math.floor(now / 1000);
      const wl = await new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA', kid: 'p1' })
        .setIssuer('https://k8s.example')
        .setAudience('mandate')
        .setSubject('sa:custody')
        .setIssuedAt(iat)
        .setExpirationTime(iat + 300)
        .sign(privateKey);
      const tok = await t.call(
        'POST',
        '/v1/token',
        undefined,
        new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: wl,
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          purpose: CTX.session_purpose,
        }).toString(),
        { 'content-type': 'application/x-www-form-urlencoded' },
      );
      assert.equal(tok.status, 200, JSON.stringify(tok.body));
      const ok = await decide({ principal: { token: tok.body.access_token }, action: 'initiate_transfer', resource: DE, context: CTX });
      assert.equal(ok.body.decision, 'allow');
      const bad = await decide({
        principal: { token: `${tok.body.access_token}x` },
        action: 'initiate_transfer',
        resource: DE,
        context: CTX,
      });
      assert.deepEqual([bad.body.decision, bad.body.policies], ['deny', ['builtin:token-not-active']]);
      assert.match(bad.body.reasons[0], /signature/);
      await t.call('POST', '/v1/identities/custody-api/revoke-tokens', t.admin, { reason: 'test' });
      const revoked = await decide({ principal: { token: tok.body.access_token }, action: 'read', resource: DE, context: CTX });
      assert.match(revoked.body.reasons[0], /generation/);
    });

    describe("the token's facts win over the caller's context", () => {
      // Tokens of tok-prod (production) and tok-stage (staging): platform-attested (OIDC, att=true)
      // or by a signed assertion (RFC 7523, att=false), each with a session purpose.
      const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
      type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
      let platform: Key;
      const keys = new Map<string, Key>();
      let jti = 0;
      const issue = async (id: 'tok-prod' | 'tok-stage', how: 'oidc' | 'bearer', purpose: string): Promise<string> => {
        const at = Math.floor(now / 1000);
        const body: Record<string, string> =
          how === 'oidc'
            ? {
                grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
                subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
                purpose,
                subject_token: await new SignJWT({})
                  .setProtectedHeader({ alg: 'EdDSA', kid: 'ctx1' })
                  .setIssuer('https://ctx.example')
                  .setAudience('mandate')
                  .setSubject(`sa:${id}`)
                  .setIssuedAt(at)
                  .setExpirationTime(at + 300)
                  .sign(platform),
              }
            : {
                grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
                purpose,
                assertion: await new SignJWT({})
                  .setProtectedHeader({ alg: 'EdDSA' })
                  .setIssuer(id)
                  .setSubject(id)
                  .setAudience('http://mandate.local/v1/token')
                  .setIssuedAt(at)
                  .setExpirationTime(at + 60)
                  .setJti(`ctx-${++jti}`)
                  .sign(keys.get(id)!),
              };
        const res = await t.call('POST', '/v1/token', undefined, new URLSearchParams(body).toString(), FORM);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.access_token as string;
      };
      const claimsOf = (token: string) =>
        JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).mdt as { att: boolean; env: string; purpose: string };
      const lastRecorded = async () => {
        const [ev] = await t.db.all<{ subject_id: string; after_doc: string }>(
          "SELECT subject_id, after_doc FROM events WHERE action = 'decision.recorded' ORDER BY seq DESC LIMIT 1",
        );
        return { subject: ev!.subject_id, after: JSON.parse(ev!.after_doc) };
      };
      const CONFLICT = 'builtin:context-conflicts-with-token';
      let attested: string; // tok-prod, att=true, purpose payout
      let keyed: string; // tok-prod, att=false, purpose payout
      let staging: string; // tok-stage, att=true, purpose payout

      before(async () => {
        const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
        platform = pair.privateKey;
        const pub = { ...(await exportJWK(pair.publicKey)), kid: 'ctx1', alg: 'EdDSA' };
        assert.equal(
          (
            await t.call('POST', '/v1/issuers', t.admin, {
              id: 'ctx-k8s',
              issuer: 'https://ctx.example',
              audience: 'mandate',
              jwks: { keys: [pub] },
            })
          ).status,
          201,
        );
        for (const id of ['tok-prod', 'tok-stage'] as const) {
          assert.equal(
            (await t.call('POST', `/v1/identities/${id}/credentials`, t.admin, { type: 'oidc', issuer: 'ctx-k8s', subject: `sa:${id}` }))
              .status,
            201,
          );
          const k = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
          keys.set(id, k.privateKey);
          assert.equal(
            (await t.call('POST', `/v1/identities/${id}/credentials`, t.admin, { type: 'jwk', jwk: await exportJWK(k.publicKey) })).status,
            201,
          );
        }
        await t.app.services.hub.kick();
        attested = await issue('tok-prod', 'oidc', 'payout');
        keyed = await issue('tok-prod', 'bearer', 'payout');
        staging = await issue('tok-stage', 'oidc', 'payout');
        assert.deepEqual(claimsOf(attested), { ...claimsOf(attested), att: true, env: 'production', purpose: 'payout' });
        assert.deepEqual(claimsOf(keyed), { ...claimsOf(keyed), att: false, env: 'production', purpose: 'payout' });
        assert.deepEqual(claimsOf(staging), { ...claimsOf(staging), att: true, env: 'staging', purpose: 'payout' });
      });

      test(
        'attestation: a token with att=false is denied when the context says ' + 'attested=true, naming the conflict, and recorded',
        async () => {
          const before = await count('decision.recorded');
          const res = await decide({ principal: { token: keyed }, action: 'initiate_transfer', resource: DE, context: CTX });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.deepEqual(
            [res.body.decision, res.body.policies, res.body.reasons],
            ['deny', [CONFLICT], ["context.attested=true conflicts with the token's att=false"]],
          );
          assert.deepEqual(res.body.principal, { type: 'identity', id: 'tok-prod' });
          assert.equal(res.body.recorded, true);
          assert.equal(await count('decision.recorded'), before + 1);
          const ev = await lastRecorded();
          assert.equal(ev.subject, 'tok-prod');
          assert.deepEqual([ev.after.decision, ev.after.policies, ev.after.reasons], ['deny', [CONFLICT], res.body.reasons]);
          assert.equal(ev.after.context.attested, false, "the evidence records the token's fact");
          assert.deepEqual(ev.after.supplied_context, CTX, 'and what the caller claimed');
          // The other way round too: a caller cannot say less than the token either.
          const lower = await decide({
            principal: { token: attested },
            action: 'initiate_transfer',
            resource: DE,
            context: { ...CTX, attested: false },
          });
          assert.deepEqual(
            [lower.body.decision, lower.body.reasons],
            ['deny', ["context.attested=false conflicts with the token's att=true"]],
          );
        },
      );

      test("attestation left out: the token's is used (att=false: the policies deny; att=true: allowed)", async () => {
        const { attested: _, ...rest } = CTX;
        const no = await decide({ principal: { token: keyed }, action: 'initiate_transfer', resource: DE, context: rest });
        assert.equal(no.status, 200, JSON.stringify(no.body));
        assert.deepEqual([no.body.decision, no.body.policies], ['deny', []]);
        assert.match(no.body.reasons[0], /no policy permits identity tok-prod/);
        assert.equal((await lastRecorded()).after.context.attested, false);
        const yes = await decide({ principal: { token: attested }, action: 'initiate_transfer', resource: DE, context: rest });
        assert.deepEqual([yes.body.decision, yes.body.policies], ['allow', ['identity-execute-entitled-attested']]);
        const ev = await lastRecorded();
        assert.deepEqual(ev.after.context, { ...CTX, attested: true });
        assert.deepEqual(ev.after.supplied_context, rest, 'what the caller sent, beside what the decision used');
      });

      test('agreeing context: as before (allowed when attested; the context recorded as sent)', async () => {
        const res = await decide({
          principal: { token: attested },
          action: 'initiate_transfer',
          resource: DE,
          context: { ...CTX, amount: 5_000_000 },
        });
        assert.deepEqual([res.body.decision, res.body.policies], ['allow', ['identity-execute-entitled-attested']]);
        assert.deepEqual(res.body.obligations, [{ type: 'second_approval', policy: 'large-asset-movement-second-approval' }]);
        const ev = await lastRecorded();
        assert.deepEqual(ev.after.context, { ...CTX, amount: 5_000_000 });
        assert.equal(ev.after.supplied_context, undefined);
        // The device posture is the caller's: the token carries none.
        const device = await decide({
          principal: { token: attested },
          action: 'initiate_transfer',
          resource: DE,
          context: { ...CTX, device_posture: 'unknown' },
        });
        assert.deepEqual([device.body.decision, device.body.policies], ['deny', []]);
      });

      test("environment: a conflicting one is denied and recorded; left out, the token's is used", async () => {
        const prod = await decide({
          principal: { token: attested },
          action: 'initiate_transfer',
          resource: DE,
          context: { ...CTX, environment: 'staging' },
        });
        assert.deepEqual(
          [prod.body.decision, prod.body.policies, prod.body.reasons, prod.body.recorded],
          ['deny', [CONFLICT], ['context.environment="staging" conflicts with the token\'s env="production"'], true],
        );
        assert.equal((await lastRecorded()).after.context.environment, 'production');
        const stage = await decide({ principal: { token: staging }, action: 'initiate_transfer', resource: DE, context: CTX });
        assert.deepEqual(
          [stage.body.decision, stage.body.policies, stage.body.reasons],
          ['deny', [CONFLICT], ['context.environment="production" conflicts with the token\'s env="staging"']],
        );
        const { environment: _, ...rest } = CTX;
        // Left out: the staging identity acts in its own (staging) environment, as its token says.
        const own = await decide({ principal: { token: staging }, action: 'initiate_transfer', resource: DE, context: rest });
        assert.deepEqual([own.body.decision, own.body.principal], ['allow', { type: 'identity', id: 'tok-stage' }]);
        assert.equal((await lastRecorded()).after.context.environment, 'staging');
        const agreeing = await decide({
          principal: { token: staging },
          action: 'initiate_transfer',
          resource: DE,
          context: { ...CTX, environment: 'staging' },
        });
        assert.equal(agreeing.body.decision, 'allow');
      });

      test("session purpose: a conflicting one is denied and recorded; left out, the token's is used", async () => {
        const res = await decide({
          principal: { token: attested },
          action: 'initiate_transfer',
          resource: DE,
          context: { ...CTX, session_purpose: 'marketing' },
        });
        assert.deepEqual(
          [res.body.decision, res.body.policies, res.body.reasons, res.body.recorded],
          ['deny', [CONFLICT], ['context.session_purpose="marketing" conflicts with the token\'s purpose="payout"'], true],
        );
        const { session_purpose: _, ...rest } = CTX;
        const own = await decide({ principal: { token: attested }, action: 'initiate_transfer', resource: DE, context: rest });
        assert.equal(own.body.decision, 'allow');
        assert.equal((await lastRecorded()).after.context.session_purpose, 'payout');
      });

      test('every conflict is named; observe actions and batches are decided and recorded the same', async () => {
        const all = await decide({
          principal: { token: keyed },
          action: 'initiate_transfer',
          resource: DE,
          context: { ...CTX, environment: 'development', session_purpose: 'other' },
        });
        assert.deepEqual(all.body.reasons, [
          "context.attested=true conflicts with the token's att=false",
          'context.environment="development" conflicts with the token\'s env="production"',
          'context.session_purpose="other" conflicts with the token\'s purpose="payout"',
        ]);
        const before = await count('decision.recorded');
        const read = await decide({ principal: { token: keyed }, action: 'read', resource: DE, context: CTX });
        assert.deepEqual(
          [read.body.decision, read.body.policies, read.body.recorded],
          ['deny', [CONFLICT], true],
          'a conflict is evidence even for an observe action',
        );
        assert.equal(await count('decision.recorded'), before + 1);
        const { attested: _, ...rest } = CTX;
        const fine = await decide({ principal: { token: keyed }, action: 'read', resource: DE, context: rest });
        assert.deepEqual([fine.body.decision, fine.body.recorded], ['allow', false]);
        const items = [
          { principal: { token: keyed }, action: 'initiate_transfer', resource: DE, context: CTX },
          { principal: { token: attested }, action: 'initiate_transfer', resource: DE, context: rest },
          { principal: { token: staging }, action: 'read', resource: DE, context: CTX },
        ];
        const batch = await t.call('POST', '/v1/decisions/batch', asker, { items });
        assert.equal(batch.status, 200, JSON.stringify(batch.body));
        for (const [i, d] of batch.body.items.entries()) {
          const single = (await decide(items[i])).body;
          assert.deepEqual(
            [d.decision, d.policies, d.reasons, d.recorded],
            [single.decision, single.policies, single.reasons, single.recorded],
            `item ${i}`,
          );
        }
        assert.deepEqual(
          batch.body.items.map((d: { decision: string }) => d.decision),
          ['deny', 'allow', 'deny'],
        );
        const [ev] = await t.db.all<{ after_doc: string }>(
          "SELECT after_doc FROM events WHERE action = 'decisions.recorded' ORDER BY seq DESC LIMIT 1",
        );
        const recorded = JSON.parse(ev!.after_doc).decisions as {
          principal: { id: string };
          policies: string[];
          context: Record<string, unknown>;
          supplied_context?: unknown;
        }[];
        assert.deepEqual(
          recorded.map((d) => [d.principal.id, d.policies]),
          [
            ['tok-prod', [CONFLICT]],
            ['tok-prod', ['identity-execute-entitled-attested']],
            ['tok-stage', [CONFLICT]],
          ],
        );
        assert.deepEqual(recorded[0]!.supplied_context, CTX);
        assert.equal(recorded[1]!.context.attested, true);
      });

      test('the context is required whole for an identity or a person; a token may leave out what it carries, not the rest', async () => {
        const before = await count('decision.refused');
        const { attested: _a, ...noAtt } = CTX;
        const id = await decide({ principal: { identity: 'tok-prod' }, action: 'read', resource: DE, context: noAtt });
        assert.equal(id.status, 400);
        assert.equal(id.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.equal(id.body.field, '/context/attested');
        assert.deepEqual(
          id.body.errors,
          [{ field: '/context/attested', reason: 'is required' }],
          "only the missing field, not the schema's condition",
        );
        const { environment: _e, session_purpose: _s, ...bare } = CTX;
        const person = await decide({ principal: { person: 'alice@firm.example' }, action: 'read', resource: DE, context: bare });
        assert.equal(person.status, 400);
        assert.deepEqual(
          person.body.errors.map((e: { field: string }) => e.field),
          ['/context/session_purpose', '/context/environment'],
        );
        const batch = await t.call('POST', '/v1/decisions/batch', asker, {
          items: [{ principal: { identity: 'tok-prod' }, action: 'read', resource: DE, context: noAtt }],
        });
        assert.equal(batch.status, 400);
        assert.equal(batch.body.field, '/items/0/context/attested');
        const { device_posture: _d, ...noDevice } = CTX;
        const tokenNoDevice = await decide({ principal: { token: attested }, action: 'read', resource: DE, context: noDevice });
        assert.equal(tokenNoDevice.status, 400);
        assert.equal(tokenNoDevice.body.field, '/context/device_posture');
        const wrongType = await decide({
          principal: { token: attested },
          action: 'read',
          resource: DE,
          context: { device_posture: 'compliant', attested: 'true' },
        });
        assert.equal(wrongType.status, 400);
        assert.equal(wrongType.body.field, '/context/attested');
        assert.equal(await count('decision.refused'), before + 5);
        const minimal = await decide({
          principal: { token: attested },
          action: 'read',
          resource: DE,
          context: { device_posture: 'unknown' },
        });
        assert.deepEqual([minimal.status, minimal.body.decision], [200, 'allow']);
      });

      test('property: whatever the token and the context, a context value that conflicts with the token is never allowed', async () => {
        const tokens = [
          { token: attested, att: true, env: 'production', purpose: 'payout' },
          { token: keyed, att: false, env: 'production', purpose: 'payout' },
          { token: staging, att: true, env: 'staging', purpose: 'payout' },
          { token: await issue('tok-stage', 'bearer', 'ops'), att: false, env: 'staging', purpose: 'ops' },
        ];
        const omit = fc.constant(undefined);
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...tokens),
            fc.record({
              attested: fc.oneof(omit, fc.boolean()),
              environment: fc.oneof(omit, fc.constantFrom('production', 'staging', 'development')),
              session_purpose: fc.oneof(omit, fc.constantFrom('payout', 'ops', 'unspecified')),
              device_posture: fc.constantFrom('compliant', 'non_compliant', 'unknown'),
              amount: fc.oneof(omit, fc.integer({ min: 0, max: 10_000_000 })),
            }),
            fc.constantFrom('read', 'initiate_transfer', 'withdraw_to_client', 'nope'),
            async (tok, raw, action) => {
              const context = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
              const res = await decide({ principal: { token: tok.token }, action, resource: DE, context });
              assert.equal(res.status, 200, JSON.stringify(res.body));
              const conflicts = [
                raw.attested !== undefined && raw.attested !== tok.att,
                raw.environment !== undefined && raw.environment !== tok.env,
                raw.session_purpose !== undefined && raw.session_purpose !== tok.purpose,
              ].filter(Boolean).length;
              if (conflicts) {
                assert.deepEqual(
                  [res.body.decision, res.body.policies, res.body.recorded],
                  ['deny', [CONFLICT], true],
                  JSON.stringify({ context, tok: { ...tok, token: undefined } }),
                );
                assert.equal(res.body.reasons.length, conflicts);
              } else {
                assert.ok(!res.body.policies.includes(CONFLICT));
                // Without a conflict, the answer is the one for the token's own facts.
                const own = await decide({
                  principal: { token: tok.token },
                  action,
                  resource: DE,
                  context: { ...context, attested: tok.att, environment: tok.env, session_purpose: tok.purpose },
                });
                assert.deepEqual(
                  [res.body.decision, res.body.policies, res.body.reasons],
                  [own.body.decision, own.body.policies, own.body.reasons],
                );
              }
            },
          ),
          { numRuns: 150 },
        );
      });
    });

    test('a licence withdrawn through the four-eyes flow changes the next answer; the return path stays open', async () => {
      const carla = await t.tokenFor(['compliance_officer']);
      const anton = await t.tokenFor(['approver']);
      const before = await decide({ principal: { identity: 'custody-api' }, action: 'initiate_transfer', resource: FR, context: CTX });
      assert.equal(before.body.decision, 'allow');
      const p = await t.call('POST', '/v1/authorisations/auth-de-custody-fr/transitions', carla, {
        to: 'withdrawn',
        reason: 'AMF withdrawal',
        reference: 'AMF-2026-1',
      });
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
      // A new authorisation starts as applied; it becomes authorised by a transition (four eyes).
      assert.equal(
        (
          await t.call('POST', '/v1/authorisations', t.admin, {
            id: 'auth-de-custody-nl',
            entity: 'ent-de',
            service: 'custody',
            jurisdiction: 'NL',
            status: 'applied',
            basis: 'passport',
            reference: 'BaFin 2025/1-NL',
          })
        ).status,
        201,
      );
      const granted = await t.call('POST', '/v1/authorisations/auth-de-custody-nl/transitions', carla, {
        to: 'authorised',
        reason: 'AFM notification received',
        reference: 'AFM-0',
      });
      assert.equal(granted.status, 201, JSON.stringify(granted.body));
      assert.equal((await t.call('POST', `/v1/transitions/${granted.body.id}/approve`, anton, {})).status, 200);
      const ctx = { ...CTX };
      const NL = { entity: 'ent-de', service: 'custody', jurisdiction: 'NL' };
      // A new execute identity gains power: written once approved.
      const nl = await t.write(
        'POST',
        '/v1/identities',
        identity('custody-nl', { scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'NL' }] }),
      );
      assert.equal(nl.status, 201, JSON.stringify(nl.body));
      await t.app.services.hub.kick();
      assert.equal(
        (await decide({ principal: { identity: 'custody-nl' }, action: 'initiate_transfer', resource: NL, context: ctx })).body.decision,
        'allow',
      );
      const p = await t.call('POST', '/v1/authorisations/auth-de-custody-nl/transitions', carla, {
        to: 'suspended',
        reason: 'AFM suspension',
        reference: 'AFM-1',
        effective_at: '2026-11-22T12:00:00Z',
      });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      assert.equal((await t.call('POST', `/v1/transitions/${p.body.id}/approve`, anton, {})).status, 200);
      await t.app.services.hub.kick();
      const snap = async () => (await t.call('GET', '/v1/enforcement/snapshot', asker)).body;
      assert.deepEqual((await snap()).provisional, [], 'not due yet: nothing binds');
      now = Date.parse('2026-11-22T12:30:00Z');
      // Due, not yet applied (the scheduler has not run): enforcement already treats it as suspended.
      await t.app.services.hub.kick();
      const s = await snap();
      assert.deepEqual(
        s.provisional.map((a: { id: string; status: string }) => [a.id, a.status]),
        [['auth-de-custody-nl', 'suspended']],
      );
      assert.equal(s.authorisations.find((a: { id: string }) => a.id === 'auth-de-custody-nl').status, 'authorised');
      const d = await decide({ principal: { identity: 'custody-nl' }, action: 'initiate_transfer', resource: NL, context: ctx });
      assert.deepEqual([d.body.decision, d.body.policies], ['deny', ['builtin:scope-not-lawful']]);
      assert.match(d.body.reasons[0], /auth-de-custody-nl is suspended/);
      assert.equal(
        (await decide({ principal: { identity: 'custody-nl' }, action: 'withdraw_to_client', resource: NL, context: ctx })).body.decision,
        'allow',
        'the return path stays open',
      );
      await t.app.services.regulatory.applyDue();
      await t.app.services.hub.kick();
      const after = await snap();
      assert.deepEqual(after.provisional, [], 'the cascade committed: the recorded state takes over');
      assert.equal(after.authorisations.find((a: { id: string }) => a.id === 'auth-de-custody-nl').status, 'suspended');
    });

    test('batch: many decisions, one ledger event for the recorded ones', async () => {
      const items = Array.from({ length: 50 }, (_, i) => ({
        principal: { identity: i % 2 ? 'custody-api' : 'reporter' },
        action: i % 3 ? 'read' : 'reconcile',
        resource: DE,
        context: CTX,
      }));
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
      const bad = await t.call('POST', '/v1/policies', t.admin, {
        text: 'permit (principal, action == Mandate::Action::"no_such_action", resource);',
      });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.code, 'INVALID_POLICY');
      const noId = await t.call('POST', '/v1/policies/validate', t.admin, { text: 'permit (principal, action, resource);' });
      assert.equal(noId.status, 422);
      assert.match(noId.body.detail, /@id/);
      const extra =
        `${cur.body.text}\n@id("no-transfers-above-10m")\nforbid (principal, action == ` +
        'Mandate::Action::"initiate_transfer", resource) when { context has amount && context.amount > 10000000 };\n';
      assert.equal((await t.call('POST', '/v1/policies', await t.tokenFor(['viewer']), { text: extra })).status, 403);
      const asked = await t.call('POST', '/v1/policies', t.admin, { text: extra });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      // Published once someone other than who asked approves it.
      const pub = await t.call('POST', `/v1/approvals/${asked.body.approval.id}/approve`, await t.tokenFor(['approver']), {});
      assert.equal(pub.body.status, 'approved', JSON.stringify(pub.body));
      assert.equal((await t.call('GET', `/v1/changes/${asked.body.id}`, t.admin)).body.result.version, 2);
      await t.app.services.hub.kick();
      const res = await decide({
        principal: { identity: 'custody-api' },
        action: 'initiate_transfer',
        resource: DE,
        context: { ...CTX, amount: 20_000_000 },
      });
      assert.deepEqual([res.body.decision, res.body.policies, res.body.policy_version], ['deny', ['no-transfers-above-10m'], 2]);
      assert.equal(await count('policies.published'), 2);
    });

    test('bad input: a clear error with the field, the refusal recorded, never a 5xx', async () => {
      const before = await count('decision.refused');
      const big = await decide({
        principal: { identity: 'custody-api' },
        action: 'read',
        resource: DE,
        context: { ...CTX, session_purpose: 'x'.repeat(5000) },
      });
      assert.equal(big.status, 400);
      assert.equal(big.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.match(big.body.field, /session_purpose/);
      const extra = await decide({
        principal: { identity: 'custody-api' },
        action: 'read',
        resource: DE,
        context: { ...CTX, sneaky: true },
      });
      assert.equal(extra.status, 400);
      assert.equal(await count('decision.refused'), before + 2);
      assert.equal((await decide({ principal: { identity: 'nobody' }, action: 'read', resource: DE, context: CTX })).status, 404);
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              principal: fc.oneof(
                fc.record({ identity: fc.string({ maxLength: 30 }) }),
                fc.record({ token: fc.string({ maxLength: 100 }) }),
                fc.record({ person: fc.string({ maxLength: 30 }) }),
                fc.anything(),
              ),
              action: fc.oneof(fc.constantFrom('read', 'initiate_transfer', 'nope'), fc.string()),
              resource: fc.oneof(
                fc.constant(DE),
                fc.record({ entity: fc.string(), service: fc.string(), jurisdiction: fc.string() }),
                fc.anything(),
              ),
              context: fc.oneof(
                fc.constant(CTX),
                fc.record({
                  attested: fc.boolean(),
                  device_posture: fc.string(),
                  session_purpose: fc.string(),
                  environment: fc.string(),
                  amount: fc.integer(),
                }),
                fc.anything(),
              ),
            },
            { requiredKeys: [] },
          ),
          async (body) => {
            const res = await decide(body);
            assert.ok(res.status < 500, `${res.status} ${JSON.stringify(res.body)}`);
            if (res.status === 200) assert.ok(['allow', 'deny'].includes(res.body.decision));
          },
        ),
        { numRuns: 200 },
      );
    });
  });
}
