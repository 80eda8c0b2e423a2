// The token service end to end on both stores: the three proofs (OIDC workload token, RFC 7523
// assertion, legacy static secret), what the tokens carry, introspection and revocation (by
// token, by identity, by status change), key rotation and sealing, and every kind of bad token
// refused with a clear reason and recorded.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import fc from 'fast-check';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';
import { testApp, type TestApp } from '../support/app.js';

const ISS = 'https://k8s.test.example';
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

async function keyPair(): Promise<{ priv: CryptoKey; pub: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { priv: privateKey, pub: { ...(await exportJWK(publicKey)), kid: `k${Math.random().toString(36).slice(2, 8)}`, alg: 'EdDSA' } };
}

function workloadToken(
  key: { priv: CryptoKey; pub: JWK },
  over: { sub?: string; aud?: string; iss?: string; exp?: number; nbf?: number; iat?: number; jti?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: key.pub.kid! })
    .setIssuer(over.iss ?? ISS)
    .setAudience(over.aud ?? 'mandate')
    .setSubject(over.sub ?? 'system:serviceaccount:custody:api')
    .setIssuedAt(over.iat ?? now)
    .setNotBefore(over.nbf ?? now)
    .setExpirationTime(over.exp ?? now + 600)
    .setJti(over.jti ?? crypto.randomUUID())
    .sign(key.priv);
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

for (const store of testStores()) {
  describe(`token service on ${store.name}`, () => {
    let t: TestApp;
    let platform: { priv: CryptoKey; pub: JWK };
    let ciPlatform: { priv: CryptoKey; pub: JWK };
    const exchange = (subject_token: string, extra: Record<string, string> = {}) =>
      t.call('POST', '/v1/token', undefined, form({ grant_type: EXCHANGE, subject_token, subject_token_type: JWT_TYPE, ...extra }), FORM);
    const refusals = async () =>
      Number((await t.db.all<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE action = 'token.refused'"))[0]!.n);
    const issued = async () =>
      Number((await t.db.all<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE action = 'token.issued'"))[0]!.n);

    before(async () => {
      t = await testApp(await store.open());
      const m = smallManifest([
        identity('custody-api', {
          scopes: [
            { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
            { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' },
          ],
        }),
        identity('reporter', { function: 'reporting', capability: 'observe' }),
        identity('legacy-batch', { function: 'reconciliation', credential: { type: 'static_secret', created: '2024-01-01T00:00:00Z' } }),
        identity('ci-deployer', { kind: 'pipeline', function: 'infrastructure', capability: 'observe', environment: 'staging' }),
      ]);
      assert.equal((await t.call('POST', '/v1/import', t.admin, m)).status, 200);
      platform = await keyPair();
      ciPlatform = await keyPair();
      const add = await t.call('POST', '/v1/issuers', t.admin, {
        id: 'k8s',
        issuer: ISS,
        audience: 'mandate',
        jwks: { keys: [platform.pub] },
      });
      assert.equal(add.status, 201, JSON.stringify(add.body));
      assert.equal(
        (
          await t.call('POST', '/v1/issuers', t.admin, {
            id: 'ci',
            issuer: 'https://ci.test.example',
            audience: 'mandate',
            jwks: { keys: [ciPlatform.pub] },
            one_time_use: true,
          })
        ).status,
        201,
      );
      for (const [id, iss, sub] of [
        ['custody-api', 'k8s', 'system:serviceaccount:custody:api'],
        ['reporter', 'k8s', 'system:serviceaccount:reporting:job'],
        ['ci-deployer', 'ci', 'repo:firm/infra:ref:refs/heads/main'],
      ])
        assert.equal(
          (await t.call('POST', `/v1/identities/${id}/credentials`, t.admin, { type: 'oidc', issuer: iss, subject: sub })).status,
          201,
        );
    });
    after(() => store.cleanup());

    test('a platform-attested workload exchanges its OIDC token for a short-lived Mandate token', async () => {
      const res = await exchange(await workloadToken(platform), { purpose: 'payout', environment: 'production' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.body.token_type, 'Bearer');
      assert.equal(res.body.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
      // Execute capability on custody: at most five minutes.
      assert.equal(res.body.expires_in, 300);
      const jwks = (await t.call('GET', '/.well-known/jwks.json', undefined)).body;
      const { payload, protectedHeader } = await jwtVerify(res.body.access_token, createLocalJWKSet(jwks), {
        issuer: 'http://mandate.local',
        audience: 'http://mandate.local',
      });
      assert.equal(protectedHeader.alg, 'EdDSA');
      assert.equal(protectedHeader.typ, 'at+jwt');
      assert.equal(payload.sub, 'custody-api');
      const mdt = payload.mdt as Record<string, unknown>;
      assert.equal(mdt.cap, 'execute');
      assert.equal(mdt.att, true);
      assert.equal(mdt.auth, 'oidc');
      assert.equal(mdt.purpose, 'payout');
      assert.deepEqual(mdt.scopes, ['ent-de/custody/DE', 'ent-de/custody/FR']);
      assert.ok((mdt.lawful as Record<string, string[]>)['ent-de/custody/DE']!.includes('initiate_transfer'));
      assert.equal(payload.exp! - payload.iat!, 300);
      // The issuance is evidence; the token itself is not in it.
      const [ev] = await t.db.all<{ after_doc: string }>(
        "SELECT after_doc FROM events WHERE action = 'token.issued' ORDER BY seq DESC LIMIT 1",
      );
      assert.equal(JSON.parse(ev!.after_doc).jti, payload.jti);
      assert.ok(!ev!.after_doc.includes(res.body.access_token.split('.')[2]));
    });

    test('an observe identity gets the default lifetime and observe capability', async () => {
      const res = await exchange(await workloadToken(platform, { sub: 'system:serviceaccount:reporting:job' }));
      assert.equal(res.status, 200);
      assert.equal(res.body.expires_in, 900);
      assert.equal((decodeJwt(res.body.access_token).mdt as { cap: string }).cap, 'observe');
    });

    test('bad workload tokens are refused with a clear reason, and recorded', async () => {
      const now = Math.floor(Date.now() / 1000);
      const stranger = await keyPair();
      const good = await workloadToken(platform);
      const [h, p] = good.split('.');
      const cases: [string, string, RegExp][] = [
        ['expired', await workloadToken(platform, { iat: now - 1000, nbf: now - 1000, exp: now - 600 }), /expired/],
        ['not yet valid', await workloadToken(platform, { nbf: now + 600, exp: now + 1200 }), /nbf/],
        ['issued in the future', await workloadToken(platform, { iat: now + 600, nbf: now - 10, exp: now + 1200 }), /iat is in the future/],
        ['wrongly signed', await workloadToken({ priv: stranger.priv, pub: { ...stranger.pub, kid: platform.pub.kid! } }), /signature/],
        ['wrong audience', await workloadToken(platform, { aud: 'someone-else' }), /aud/],
        ['untrusted issuer', await workloadToken(platform, { iss: 'https://evil.example' }), /not trusted/],
        ['unbound subject', await workloadToken(platform, { sub: 'system:serviceaccount:other:x' }), /bound to no identity/],
        ['alg none', `${b64({ alg: 'none' })}.${p}.`, /alg none/],
        // Algorithm confusion: an HMAC "signature" keyed with the issuer's public key.
        [
          'HS256 with the public key',
          `${b64({ alg: 'HS256', kid: platform.pub.kid })}.${p}.${Buffer.from('x').toString('base64url')}`,
          /alg HS256/,
        ],
        ['malformed', 'not.a.jwt', /not a JWT/],
        [
          'tampered payload',
          `${h}.${b64({ ...decodeJwt(good), sub: 'system:serviceaccount:reporting:job' })}.${good.split('.')[2]}`,
          /signature/,
        ],
      ];
      await t.app.services.tokens.flushRefusals();
      const before = await refusals();
      for (const [name, token, reason] of cases) {
        const res = await exchange(token);
        assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
        // RFC 6749 §5.2: plain JSON an OAuth client can read, never cached.
        assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', name);
        assert.equal(res.headers['cache-control'], 'no-store', name);
        assert.equal(res.body.error, 'invalid_grant', name);
        assert.match(res.body.error_description, reason, name);
      }
      // Nobody proved who they are: the refusals are one event for the source and window, with a
      // count, never an event per request on the identity the caller named.
      assert.equal(await refusals(), before);
      await t.app.services.tokens.flushRefusals();
      const [agg] = await t.db.all<{ subject_type: string; subject_id: string; after_doc: string }>(
        "SELECT subject_type, subject_id, after_doc FROM events WHERE action = 'token.refused' ORDER BY seq DESC LIMIT 1",
      );
      assert.deepEqual([agg!.subject_type, agg!.subject_id], ['network_source', '127.0.0.1']);
      const after = JSON.parse(agg!.after_doc);
      assert.equal(after.count, cases.length);
      assert.equal(after.codes.INVALID_GRANT, cases.length);
      assert.ok(after.samples.length >= 1 && after.samples.length <= 5);
      assert.equal(await refusals(), before + 1);
    });

    test('an anonymous caller cannot write the ledger at will: fifty refusals are one event, with no control characters', async () => {
      await t.app.services.tokens.flushRefusals();
      const before = await refusals();
      for (let i = 0; i < 50; i++) {
        const res = await t.call(
          'POST',
          '/v1/token',
          undefined,
          new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: `x\u001b[31m${i}.y.z` }).toString(),
          { 'content-type': 'application/x-www-form-urlencoded' },
        );
        assert.equal(res.status, 400);
      }
      await t.app.services.tokens.flushRefusals();
      assert.equal(await refusals(), before + 1);
      const [agg] = await t.db.all<{ after_doc: string }>(
        "SELECT after_doc FROM events WHERE action = 'token.refused' ORDER BY seq DESC LIMIT 1",
      );
      assert.equal(JSON.parse(agg!.after_doc).count, 50);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the test asserts no ESC character (raw or escaped) was stored
      assert.doesNotMatch(agg!.after_doc, /\\u001b|\u001b/);
    });

    test('a one-time token (CI) cannot be replayed', async () => {
      const token = await workloadToken(ciPlatform, { iss: 'https://ci.test.example', sub: 'repo:firm/infra:ref:refs/heads/main' });
      assert.equal((await exchange(token)).status, 200);
      const again = await exchange(token);
      assert.equal(again.status, 400);
      assert.match(again.body.error_description, /already used/);
    });

    test('the environment declared must be the identity’s own; an unsupported grant is named', async () => {
      const res = await exchange(await workloadToken(platform), { environment: 'staging' });
      assert.equal(res.status, 400);
      assert.equal(res.body.field, 'environment');
      // RFC 6749 §3.2: unknown parameters are ignored, so the grant type is what is refused.
      for (const extra of [
        { username: 'x', password: 'y' } as Record<string, string>,
        { code: 'abc', redirect_uri: 'https://app.example/cb' },
        { constructor: 'x', toString: 'y', __proto__x: 'z' },
      ]) {
        for (const grant_type of ['password', 'authorization_code', 'refresh_token']) {
          const g = await t.call('POST', '/v1/token', undefined, form({ grant_type, ...extra }), FORM);
          assert.equal(g.status, 400, `${grant_type} ${JSON.stringify(g.body)}`);
          assert.equal(g.body.error, 'unsupported_grant_type', grant_type);
        }
      }
      const ok = await exchange(await workloadToken(platform), { unknown_param: 'ignored', resource_indicator: 'x' });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const missing = await t.call('POST', '/v1/token', undefined, form({ foo: 'bar' }), FORM);
      assert.equal(missing.status, 400);
      assert.deepEqual([missing.body.error, missing.body.field], ['invalid_request', 'grant_type']);
      const dup = await t.call('POST', '/v1/token', undefined, 'grant_type=a&grant_type=b', FORM);
      assert.equal(dup.status, 400);
      assert.equal(dup.body.error, 'invalid_request');
    });

    test('RFC 7523: a JWT signed with the identity’s registered key; one-time, short-lived, right audience', async () => {
      const key = await keyPair();
      const reg = await t.call('POST', '/v1/identities/custody-api/credentials', t.admin, { type: 'jwk', jwk: key.pub });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      // A private key is refused: Mandate never holds one.
      const priv = await exportJWK(key.priv);
      assert.equal((await t.call('POST', '/v1/identities/custody-api/credentials', t.admin, { type: 'jwk', jwk: priv })).status, 400);
      const assertion = (over: { aud?: string; exp?: number; jti?: string } = {}) => {
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT({})
          .setProtectedHeader({ alg: 'EdDSA', kid: key.pub.kid! })
          .setIssuer('custody-api')
          .setSubject('custody-api')
          .setAudience(over.aud ?? 'http://mandate.local/v1/token')
          .setIssuedAt(now)
          .setExpirationTime(over.exp ?? now + 60)
          .setJti(over.jti ?? crypto.randomUUID())
          .sign(key.priv);
      };
      const bearer = (a: string) =>
        t.call('POST', '/v1/token', undefined, form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: a }), FORM);
      const a = await assertion();
      const ok = await bearer(a);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const mdt = decodeJwt(ok.body.access_token).mdt as { att: boolean; auth: string };
      assert.equal(mdt.auth, 'jwt_bearer');
      assert.equal(mdt.att, false, 'a key proves possession, not what the workload is');
      assert.match((await bearer(a)).body.error_description, /already used/);
      assert.match((await bearer(await assertion({ aud: 'https://elsewhere' }))).body.error_description, /aud/);
      assert.match((await bearer(await assertion({ exp: Math.floor(Date.now() / 1000) + 3600 }))).body.error_description, /too long/);
    });

    test('RFC 7523: a revoked registered key proves nothing from the next request on, while the others still do', async () => {
      const [k1, k2] = [await keyPair(), await keyPair()];
      const register = async (k: { pub: JWK }) => {
        const reg = await t.call('POST', '/v1/identities/reporter/credentials', t.admin, { type: 'jwk', jwk: k.pub });
        assert.equal(reg.status, 201, JSON.stringify(reg.body));
        return reg.body.id as string;
      };
      const bearer = async (k: { priv: CryptoKey; pub: JWK }) => {
        const now = Math.floor(Date.now() / 1000);
        const a = await new SignJWT({})
          .setProtectedHeader({ alg: 'EdDSA', kid: k.pub.kid! })
          .setIssuer('reporter')
          .setSubject('reporter')
          .setAudience('http://mandate.local/v1/token')
          .setIssuedAt(now)
          .setExpirationTime(now + 60)
          .setJti(crypto.randomUUID())
          .sign(k.priv);
        return t.call(
          'POST',
          '/v1/token',
          undefined,
          form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: a }),
          FORM,
        );
      };
      const c1 = await register(k1);
      assert.equal((await bearer(k1)).status, 200);
      const c2 = await register(k2);
      assert.equal((await bearer(k1)).status, 200, 'a key set made before the second key is not kept once the keys changed');
      assert.equal((await bearer(k2)).status, 200);
      assert.equal((await t.call('POST', `/v1/identities/reporter/credentials/${c1}/revoke`, t.admin)).status, 200);
      assert.match((await bearer(k1)).body.error_description, /key the issuer does not publish/);
      assert.equal((await bearer(k2)).status, 200);
      assert.equal((await t.call('POST', `/v1/identities/reporter/credentials/${c2}/revoke`, t.admin)).status, 200);
      assert.match((await bearer(k2)).body.error_description, /no registered key/);
    });

    test('legacy static secrets: only for identities marked legacy, hashed, observe-only and short-lived', async () => {
      assert.equal((await t.call('POST', '/v1/identities/custody-api/credentials', t.admin, { type: 'static_secret' })).status, 400);
      const reg = await t.call('POST', '/v1/identities/legacy-batch/credentials', t.admin, { type: 'static_secret' });
      assert.equal(reg.status, 201);
      const secret = reg.body.secret as string;
      assert.match(secret, /^mds_/);
      const list = await t.call('GET', '/v1/identities/legacy-batch/credentials', t.admin);
      assert.ok(!JSON.stringify(list.body).includes(secret));
      const rows = await t.db.all<{ secret_hash: string }>(
        "SELECT secret_hash FROM identity_credentials WHERE identity_id = 'legacy-batch'",
      );
      assert.ok(rows.every((r) => r.secret_hash !== secret && !r.secret_hash.includes(secret)));
      const events = await t.db.all<{ after_doc: string }>('SELECT after_doc FROM events');
      assert.ok(
        events.every((e) => !(e.after_doc ?? '').includes(secret)),
        'the secret never reaches the ledger',
      );
      const ok = await t.call(
        'POST',
        '/v1/token',
        undefined,
        form({ grant_type: 'client_credentials', client_id: 'legacy-batch', client_secret: secret }),
        FORM,
      );
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.expires_in, 300);
      const mdt = decodeJwt(ok.body.access_token).mdt as { cap: string; legacy: boolean };
      assert.equal(mdt.cap, 'observe');
      assert.equal(mdt.legacy, true);
      const basic = Buffer.from(`legacy-batch:${secret}`).toString('base64');
      assert.equal(
        (
          await t.call('POST', '/v1/token', undefined, form({ grant_type: 'client_credentials' }), {
            ...FORM,
            authorization: `Basic ${basic}`,
          })
        ).status,
        200,
      );
      const bad = await t.call(
        'POST',
        '/v1/token',
        undefined,
        form({ grant_type: 'client_credentials', client_id: 'legacy-batch', client_secret: `${secret}x` }),
        FORM,
      );
      assert.equal(bad.status, 401);
      assert.equal(bad.body.error, 'invalid_client');
    });

    test('introspection and revocation: by token, by identity, by a status change', async () => {
      const enforcer = await t.tokenFor(['enforcer']);
      const get = async () => (await exchange(await workloadToken(platform))).body.access_token as string;
      const introspect = async (tok: string) => (await t.call('POST', '/v1/introspect', enforcer, form({ token: tok }), FORM)).body;
      const a = await get();
      const live = await introspect(a);
      assert.equal(live.active, true);
      assert.equal(live.sub, 'custody-api');
      assert.equal((await t.call('POST', '/v1/introspect', await t.tokenFor(['viewer']), form({ token: a }), FORM)).status, 403);
      // By token (RFC 7009): whoever holds it may revoke it; always 200.
      assert.equal((await t.call('POST', '/v1/revoke', undefined, form({ token: a }), FORM)).status, 200);
      assert.deepEqual(await introspect(a), { active: false });
      assert.equal((await t.call('POST', '/v1/revoke', undefined, form({ token: 'garbage' }), FORM)).status, 200);
      // By identity: one generation bump, whatever the number of tokens out.
      const b = await get();
      const c = await get();
      const rev = await t.call('POST', '/v1/identities/custody-api/revoke-tokens', t.admin, { reason: 'key leak drill' });
      assert.equal(rev.status, 200);
      assert.deepEqual([(await introspect(b)).active, (await introspect(c)).active], [false, false]);
      const d = await get();
      assert.equal((await introspect(d)).active, true, 'new tokens carry the new generation');
      // By status: a suspended identity's tokens stop, and it gets no new ones.
      assert.equal((await t.call('POST', '/v1/identities/reporter/status', t.admin, { status: 'suspended', reason: 'test' })).status, 200);
      const r = await exchange(await workloadToken(platform, { sub: 'system:serviceaccount:reporting:job' }));
      assert.equal(r.status, 400);
      assert.match(r.body.error_description, /suspended/);
    });

    test('a workload token for another audience is no credential for Mandate’s own routes', async () => {
      const forRs = await exchange(await workloadToken(platform), { audience: 'withdraw-service' });
      assert.equal(forRs.status, 200);
      const body = {
        identity: 'custody-api',
        actions: ['initiate_transfer'],
        scope: { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
        duration_s: 600,
        reason: 'test',
      };
      const res = await t.call('POST', '/v1/access-requests', forRs.body.access_token, body);
      assert.equal(res.status, 401);
      assert.match(res.body.detail, /for withdraw-service/);
      const forUs = (await exchange(await workloadToken(platform))).body.access_token as string;
      assert.notEqual((await t.call('POST', '/v1/access-requests', forUs, body)).status, 401);
    });

    test('signing keys rotate, stay published while their tokens live, and are sealed at rest', async () => {
      const first = (await exchange(await workloadToken(platform))).body.access_token as string;
      const before = (await t.call('GET', '/.well-known/jwks.json', undefined)).body.keys.length;
      await t.app.services.keys.rotate('test');
      const jwks = (await t.call('GET', '/.well-known/jwks.json', undefined)).body;
      assert.equal(jwks.keys.length, before + 1);
      await jwtVerify(first, createLocalJWKSet(jwks));
      const second = (await exchange(await workloadToken(platform))).body.access_token as string;
      const kid = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid;
      assert.notEqual(kid(first), kid(second));
      for (const row of await t.db.all<{ sealed_private: string }>('SELECT sealed_private FROM signing_keys')) {
        assert.match(row.sealed_private, /^v1:/);
        assert.ok(!row.sealed_private.includes('MC4CAQAwBQYDK2Vw'), 'no PKCS#8 Ed25519 key in plaintext');
      }
    });

    test('fuzz: any form input is answered 4xx (never 5xx) as an RFC 6749 error JSON, and issues nothing', async () => {
      const before = await issued();
      const OAUTH_CODES = ['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type'];
      const assertOAuthError = (res: Awaited<ReturnType<TestApp['call']>>, what: unknown) => {
        const why = `${res.status} ${JSON.stringify(res.body)} for ${JSON.stringify(what)}`;
        assert.ok(res.status >= 400 && res.status < 500, why);
        assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', why);
        assert.equal(res.headers['cache-control'], 'no-store', why);
        assert.ok(OAUTH_CODES.includes(res.body.error), why);
        assert.equal(typeof res.body.error_description, 'string', why);
        assert.equal(res.body.access_token, undefined, why);
        if (res.status === 401) assert.match(String(res.headers['www-authenticate']), /^Basic realm=/, why);
      };
      const known = fc.record(
        {
          grant_type: fc.oneof(
            fc.constantFrom(EXCHANGE, 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'client_credentials', 'authorization_code'),
            fc.string(),
          ),
          subject_token: fc.string({ maxLength: 300 }),
          assertion: fc.string({ maxLength: 300 }),
          subject_token_type: fc.constantFrom(JWT_TYPE, 'x'),
          client_id: fc.string({ maxLength: 20 }),
          client_secret: fc.string({ maxLength: 20 }),
          client_assertion: fc.string({ maxLength: 100 }),
          client_assertion_type: fc.constantFrom('urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'x'),
        },
        { requiredKeys: [] },
      );
      // Any names at all, Object members included: unknown ones are ignored, never a 5xx.
      const anyNames = fc.dictionary(
        fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'grant_type')),
        fc.string({ maxLength: 50 }),
        { maxKeys: 6 },
      );
      await fc.assert(
        fc.asyncProperty(known, anyNames, async (a, b) => {
          const body = form({ ...b, ...(a as Record<string, string>) });
          assertOAuthError(await t.call('POST', '/v1/token', undefined, body, FORM), body);
        }),
        { numRuns: 150 },
      );
      // Raw bodies (duplicates, bad escapes) and any Basic header.
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 200 }),
          fc.option(fc.oneof(fc.string({ maxLength: 60 }), fc.base64String({ maxLength: 60 })), { nil: undefined }),
          async (raw, basic) => {
            const res = await t.call('POST', '/v1/token', undefined, raw, {
              ...FORM,
              ...(basic !== undefined ? { authorization: `Basic ${basic}` } : {}),
            });
            assertOAuthError(res, { raw, basic });
          },
        ),
        { numRuns: 150 },
      );
      assert.equal(await issued(), before);
    });

    test('client authentication: a malformed Basic header is a 401 invalid_client with a Basic challenge, never a 500', async () => {
      for (const authorization of [
        'Basic JUUwJUE0JUE6c2VjcmV0',
        'Basic !!!',
        'Basic',
        'basic bm9jb2xvbg==',
        `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x61]).toString('base64')}`,
        'Basic JTpzZWNyZXQ=',
      ]) {
        for (const [url, body] of [
          ['/v1/token', form({ grant_type: 'client_credentials' })],
          ['/v1/introspect', form({ token: 'x' })],
          ['/v1/revoke', form({ token: 'x' })],
        ] as const) {
          const res = await t.call('POST', url, undefined, body, { ...FORM, authorization });
          assert.equal(res.status, 401, `${url} ${authorization}: ${JSON.stringify(res.body)}`);
          assert.equal(res.body.error, 'invalid_client');
          assert.match(String(res.headers['www-authenticate']), /^Basic realm="mandate"/);
          assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
        }
      }
      // Well-formed but wrong: still 401 with the challenge of the scheme used (RFC 6749 §5.2).
      const wrong = await t.call('POST', '/v1/token', undefined, form({ grant_type: 'client_credentials' }), {
        ...FORM,
        authorization: `Basic ${Buffer.from('legacy-batch:nope').toString('base64')}`,
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error, 'invalid_client');
      assert.match(String(wrong.headers['www-authenticate']), /^Basic realm="mandate"/);
      // Two methods at once are refused (RFC 6749 §2.3).
      const both = await t.call('POST', '/v1/token', undefined, form({ grant_type: 'client_credentials', client_secret: 'x' }), {
        ...FORM,
        authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
      });
      assert.deepEqual([both.status, both.body.error], [400, 'invalid_request']);
    });

    test('every other route keeps problem+json', async () => {
      const res = await t.call('GET', '/v1/issuers/x/nothing', t.admin);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      const bad = await t.call('POST', '/v1/issuers', t.admin, { id: 'x' });
      assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(bad.body.code, 'VALIDATION_FAILED');
    });
  });
}
