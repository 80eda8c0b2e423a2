// Mandate's OAuth endpoints driven by a client nobody on the project wrote (openid-client, over a
// real listening server, on both stores): RFC 8414 discovery, RFC 8693 token exchange, RFC 7523
// private_key_jwt and client_secret_basic, RFC 6749 §5.2 errors read as errors, RFC 7662
// introspection by a resource server that authenticates as an OAuth client, RFC 7009 revocation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as client from 'openid-client';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';
import { testApp, type TestApp } from '../support/app.js';

const ISS = 'https://k8s.interop.example';
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const SUBJECT = 'system:serviceaccount:custody:api';

async function ed25519(): Promise<{ priv: CryptoKey; pub: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  return { priv: privateKey, pub: await exportJWK(publicKey) };
}

interface Refusal {
  status: number;
  error: string;
  error_description?: string;
  challenge?: string;
}

/**
 * What openid-client threw, if it is an RFC 6749 §5.2 error: a ResponseBodyError, or on a 401 a
 * WWWAuthenticateChallengeError (it reads the challenge first), whose body is the same error JSON.
 */
async function oauthError(p: Promise<unknown>): Promise<Refusal> {
  try {
    await p;
  } catch (err) {
    if (err instanceof client.ResponseBodyError)
      return { status: err.status, error: err.error, ...(err.error_description ? { error_description: err.error_description } : {}) };
    assert.ok(
      err instanceof client.WWWAuthenticateChallengeError,
      `expected an OAuth error, got ${(err as Error).name}: ${(err as Error).message}`,
    );
    const body = (await err.response.json()) as { error: string; error_description: string };
    assert.equal(err.response.headers.get('content-type'), 'application/json; charset=utf-8');
    return {
      status: err.status,
      error: body.error,
      error_description: body.error_description,
      challenge: err.cause.map((c) => `${c.scheme} realm=${c.parameters.realm}`).join(', '),
    };
  }
  assert.fail('the request succeeded');
}

for (const store of testStores()) {
  describe(`OAuth interoperability with openid-client on ${store.name}`, () => {
    let t: TestApp;
    let url: string;
    let platform: { priv: CryptoKey; pub: JWK };
    let rsKey: { priv: CryptoKey; pub: JWK };
    let legacySecret: string;
    const discover = (clientId: string, auth: client.ClientAuth) =>
      client.discovery(new URL(url), clientId, undefined, auth, { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });
    const workloadToken = (over: { sub?: string } = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA', kid: 'k8s-1' })
        .setIssuer(ISS)
        .setAudience('mandate')
        .setSubject(over.sub ?? SUBJECT)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .setJti(crypto.randomUUID())
        .sign(platform.priv);
    };
    /** The workload's token exchange through openid-client, for a given audience. */
    const exchange = async (audience?: string) => {
      const config = await discover('custody-api', client.None());
      return client.genericGrantRequest(config, EXCHANGE, {
        subject_token: await workloadToken(),
        subject_token_type: JWT_TYPE,
        ...(audience ? { audience } : {}),
      });
    };

    before(async () => {
      t = await testApp(await store.open());
      url = (await t.app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
      t.app.setIssuer(url);
      const m = smallManifest([
        identity('custody-api'),
        // Resource servers: one with a registered key, one legacy with a static secret.
        identity('withdraw-service', { function: 'reporting', capability: 'observe' }),
        identity('legacy-gateway', {
          function: 'reconciliation',
          capability: 'observe',
          credential: { type: 'static_secret', created: '2024-01-01T00:00:00Z' },
        }),
      ]);
      assert.equal((await t.call('POST', '/v1/import', t.admin, m)).status, 200);
      const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      platform = { priv: privateKey, pub: { ...(await exportJWK(publicKey)), kid: 'k8s-1', alg: 'EdDSA' } };
      assert.equal(
        (await t.call('POST', '/v1/issuers', t.admin, { id: 'k8s', issuer: ISS, audience: 'mandate', jwks: { keys: [platform.pub] } }))
          .status,
        201,
      );
      assert.equal(
        (await t.call('POST', '/v1/identities/custody-api/credentials', t.admin, { type: 'oidc', issuer: 'k8s', subject: SUBJECT })).status,
        201,
      );
      rsKey = await ed25519();
      assert.equal(
        (await t.call('POST', '/v1/identities/withdraw-service/credentials', t.admin, { type: 'jwk', jwk: rsKey.pub })).status,
        201,
      );
      const secret = await t.call('POST', '/v1/identities/legacy-gateway/credentials', t.admin, { type: 'static_secret' });
      assert.equal(secret.status, 201);
      legacySecret = secret.body.secret;
    });
    after(async () => {
      await t?.app.close();
      await store.cleanup();
    });

    test('RFC 8414 discovery: openid-client finds every endpoint and what they accept', async () => {
      const config = await discover('custody-api', client.None());
      const md = config.serverMetadata();
      assert.equal(md.issuer, url);
      assert.equal(md.token_endpoint, `${url}/v1/token`);
      assert.equal(md.jwks_uri, `${url}/.well-known/jwks.json`);
      assert.equal(md.introspection_endpoint, `${url}/v1/introspect`);
      assert.equal(md.revocation_endpoint, `${url}/v1/revoke`);
      assert.deepEqual(md.grant_types_supported, [EXCHANGE, 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'client_credentials']);
      assert.ok(md.token_endpoint_auth_methods_supported?.includes('private_key_jwt'));
      assert.ok(md.introspection_endpoint_auth_methods_supported?.includes('client_secret_basic'));
      assert.ok(md.revocation_endpoint_auth_methods_supported?.includes('none'));
      assert.deepEqual(md.token_exchange_subject_token_types_supported, [JWT_TYPE, 'urn:ietf:params:oauth:token-type:id_token']);
    });

    test('RFC 8693 token exchange through openid-client', async () => {
      const res = await exchange('withdraw-service');
      assert.equal(res.token_type, 'bearer');
      // The JWKS the metadata names verifies the token.
      const md = (await discover('custody-api', client.None())).serverMetadata();
      await jwtVerify(res.access_token, createRemoteJWKSet(new URL(md.jwks_uri!)), { issuer: url, audience: 'withdraw-service' });
      assert.equal(res.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
      assert.equal(typeof res.expires_in, 'number');
      const claims = decodeJwt(res.access_token);
      assert.deepEqual([claims.iss, claims.sub, claims.aud], [url, 'custody-api', 'withdraw-service']);
    });

    test('errors reach openid-client as OAuth errors: invalid_grant, unsupported_grant_type, invalid_client', async () => {
      const config = await discover('custody-api', client.None());
      const bad = await oauthError(
        client.genericGrantRequest(config, EXCHANGE, { subject_token: 'not.a.jwt', subject_token_type: JWT_TYPE }),
      );
      assert.deepEqual([bad.status, bad.error], [400, 'invalid_grant']);
      assert.match(bad.error_description ?? '', /subject_token/);
      for (const grant of ['authorization_code', 'password', 'urn:example:unknown']) {
        const u = await oauthError(client.genericGrantRequest(config, grant, { code: 'abc', redirect_uri: 'https://app.example/cb' }));
        assert.deepEqual([u.status, u.error], [400, 'unsupported_grant_type'], grant);
      }
      const wrong = await discover('legacy-gateway', client.ClientSecretBasic('mds_wrong'));
      const denied = await oauthError(client.clientCredentialsGrant(wrong));
      assert.deepEqual([denied.status, denied.error, denied.challenge], [401, 'invalid_client', 'basic realm=mandate']);
    });

    test('client_credentials with private_key_jwt (RFC 7523 §2.2) and with client_secret_basic', async () => {
      const rs = await discover('withdraw-service', client.PrivateKeyJwt(rsKey.priv));
      const byKey = await client.clientCredentialsGrant(rs);
      const claims = decodeJwt(byKey.access_token) as { sub: string; mdt: { auth: string; legacy: boolean } };
      assert.deepEqual([claims.sub, claims.mdt.auth, claims.mdt.legacy], ['withdraw-service', 'jwt_bearer', false]);
      const legacy = await discover('legacy-gateway', client.ClientSecretBasic(legacySecret));
      const bySecret = decodeJwt((await client.clientCredentialsGrant(legacy)).access_token) as { sub: string; mdt: { legacy: boolean } };
      assert.deepEqual([bySecret.sub, bySecret.mdt.legacy], ['legacy-gateway', true]);
    });

    test('RFC 7662: a resource server introspects as an OAuth client and sees only tokens issued for it', async () => {
      const forRs = (await exchange('withdraw-service')).access_token;
      const forOther = (await exchange('legacy-gateway')).access_token;
      const rs = await discover('withdraw-service', client.PrivateKeyJwt(rsKey.priv));
      const seen = await client.tokenIntrospection(rs, forRs);
      assert.equal(seen.active, true);
      assert.deepEqual([seen.sub, seen.client_id, seen.aud], ['custody-api', 'custody-api', 'withdraw-service']);
      assert.deepEqual(await client.tokenIntrospection(rs, forOther), { active: false });
      // client_secret_basic, for the legacy gateway's own tokens.
      const gw = await discover('legacy-gateway', client.ClientSecretBasic(legacySecret));
      assert.equal((await client.tokenIntrospection(gw, forOther)).active, true);
      assert.equal((await client.tokenIntrospection(gw, forRs)).active, false);
      // No credentials, or wrong ones: 401 invalid_client, read by openid-client as such.
      const anon = await discover('custody-api', client.None());
      assert.deepEqual((({ status, error }) => [status, error])(await oauthError(client.tokenIntrospection(anon, forRs))), [
        401,
        'invalid_client',
      ]);
      const stranger = await discover('withdraw-service', client.PrivateKeyJwt((await ed25519()).priv));
      assert.equal((await oauthError(client.tokenIntrospection(stranger, forRs))).error, 'invalid_client');
      // The enforcer role's API token still works, as before.
      const enforcer = await t.tokenFor(['enforcer']);
      const viaApi = await fetch(`${url}/v1/introspect`, {
        method: 'POST',
        headers: { authorization: `Bearer ${enforcer}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: forOther }),
      });
      assert.equal(((await viaApi.json()) as { active: boolean }).active, true);
    });

    test('RFC 7009: revocation with client_id (a public client) or client authentication; 200 for an unknown token', async () => {
      const token = (await exchange('withdraw-service')).access_token;
      const rs = await discover('withdraw-service', client.PrivateKeyJwt(rsKey.priv));
      assert.equal((await client.tokenIntrospection(rs, token)).active, true);
      const pub = await discover('custody-api', client.None());
      await client.tokenRevocation(pub, token, { token_type_hint: 'access_token' });
      assert.equal((await client.tokenIntrospection(rs, token)).active, false);
      await client.tokenRevocation(pub, 'not-a-token-of-ours');
      // A confidential client authenticates; wrong credentials are refused and revoke nothing.
      const other = (await exchange('withdraw-service')).access_token;
      const wrong = await discover('legacy-gateway', client.ClientSecretBasic('mds_wrong'));
      assert.equal((await oauthError(client.tokenRevocation(wrong, other))).error, 'invalid_client');
      assert.equal((await client.tokenIntrospection(rs, other)).active, true);
      await client.tokenRevocation(rs, other);
      assert.equal((await client.tokenIntrospection(rs, other)).active, false);
    });
  });
}
