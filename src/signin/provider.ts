// The identity provider as the relying party sees it, through openid-client: its discovered
// metadata (read again when a sign-in begins, so a provider that cannot be reached fails the
// sign-in closed at once), how Mandate authenticates as its client (a secret, or private_key_jwt),
// and what its failures mean for a caller (SIGNIN_FAILED: it refused; SIGNIN_UNAVAILABLE: it
// cannot be reached or failed). ID tokens are checked for their signature too (non-repudiation
// checks: the provider's keys are fetched once and cached), as well as issuer, audience, expiry,
// nonce and PKCE.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { MandateError } from '../core/errors.js';

export interface ClientKey {
  key: CryptoKey;
  kid?: string;
}

export interface OpenIdProviderOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** For private_key_jwt client authentication, instead of a secret. */
  clientKey?: ClientKey;
  /** The fetch the relying party uses (tests, or the outbound guard). */
  fetch?: typeof fetch;
  /** Each request to the provider gives up after this (default 10 s). */
  timeoutSeconds?: number;
  /** Discovered metadata is read again after this, or when a sign-in begins (default 5 minutes). */
  metadataMaxAgeMs?: number;
}

export interface OpenIdProvider {
  readonly issuer: string;
  readonly clientId: string;
  /** The provider's configuration; `fresh` reads its discovery document again (the provider must answer). */
  configuration(fresh?: boolean): Promise<oidc.Configuration>;
}

const LOOPBACK = /^http:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d+)?(\/|$)/;

export function openIdProvider(opts: OpenIdProviderOptions): OpenIdProvider {
  if (!opts.issuer.startsWith('https://') && !LOOPBACK.test(opts.issuer))
    throw new MandateError(
      'VALIDATION_FAILED',
      `the identity provider's issuer must be https:// (or http:// on loopback, for the demo): ${opts.issuer}`,
      { field: 'MANDATE_OIDC_ISSUER' },
    );
  if (!opts.clientSecret === !opts.clientKey)
    throw new MandateError('VALIDATION_FAILED', 'give the OIDC client a secret or a private key, one of them', {
      field: 'MANDATE_OIDC_CLIENT_SECRET',
    });
  const auth = opts.clientKey
    ? oidc.PrivateKeyJwt(
        opts.clientKey.key,
        opts.clientKey.kid
          ? {
              [oidc.modifyAssertion]: (header) => {
                header.kid = opts.clientKey?.kid;
              },
            }
          : {},
      )
    : oidc.ClientSecretBasic(opts.clientSecret!);
  const maxAge = opts.metadataMaxAgeMs ?? 5 * 60_000;
  let cached: { config: oidc.Configuration; at: number } | undefined;
  let inflight: Promise<oidc.Configuration> | undefined;

  async function discover(): Promise<oidc.Configuration> {
    try {
      const config = await oidc.discovery(new URL(opts.issuer), opts.clientId, undefined, auth, {
        timeout: opts.timeoutSeconds ?? 10,
        ...(opts.fetch ? { [oidc.customFetch]: opts.fetch as oidc.CustomFetch } : {}),
        ...(opts.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
      oidc.enableNonRepudiationChecks(config);
      // The provider's keys, once fetched, outlive a fresh read of its metadata.
      const jwks = cached && oidc.getJwksCache(cached.config);
      if (jwks) oidc.setJwksCache(config, jwks);
      cached = { config, at: Date.now() };
      return config;
    } catch (err) {
      throw providerError(err, 'reading its metadata', opts.issuer, true);
    }
  }

  return {
    issuer: opts.issuer,
    clientId: opts.clientId,
    async configuration(fresh = false) {
      if (!fresh && cached && Date.now() - cached.at < maxAge) return cached.config;
      inflight ??= discover().finally(() => (inflight = undefined));
      return inflight;
    },
  };
}

/** The client key in MANDATE_OIDC_CLIENT_KEY_FILE: a private JWK (JSON) or a PKCS#8 PEM key (RSA, EC P-256 or Ed25519). */
export async function loadClientKey(file: string): Promise<ClientKey> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MandateError('VALIDATION_FAILED', `cannot read MANDATE_OIDC_CLIENT_KEY_FILE ${file}: ${(err as Error).message}`, {
      field: 'MANDATE_OIDC_CLIENT_KEY_FILE',
    });
  }
  try {
    if (text.trim().startsWith('{')) {
      const jwk = JSON.parse(text) as JWK;
      const alg = jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : jwk.kty === 'OKP' ? 'EdDSA' : 'RS256');
      const key = (await importJWK(jwk, alg)) as CryptoKey;
      return { key, kid: jwk.kid ?? (await calculateJwkThumbprint(jwk)) };
    }
    const type = createPrivateKey(text).asymmetricKeyType;
    const alg = type === 'ec' ? 'ES256' : type === 'ed25519' ? 'EdDSA' : 'RS256';
    const key = await importPKCS8(text, alg, { extractable: true });
    return { key, kid: await calculateJwkThumbprint(await exportJWK(key)) };
  } catch (err) {
    throw new MandateError(
      'VALIDATION_FAILED',
      `MANDATE_OIDC_CLIENT_KEY_FILE ${file} is not a private JWK or PKCS#8 PEM key: ${(err as Error).message}`,
      { field: 'MANDATE_OIDC_CLIENT_KEY_FILE' },
    );
  }
}

const CLAIM_NAMES: Record<string, string> = {
  iss: 'issuer (it is from another provider)',
  aud: 'audience (it is for another client)',
  azp: 'authorized party',
  nonce: 'nonce (a replayed or foreign ID token)',
  sub: 'subject',
};

/**
 * What a provider failure means for the caller. A refusal (the provider refused the grant, or its
 * answer failed a check: state, issuer, audience, nonce, expiry, signature) is SIGNIN_FAILED; a
 * provider that cannot be reached, times out or answers 5xx is SIGNIN_UNAVAILABLE. Reading the
 * metadata (`discovering`) fails only as unavailable: without it nothing can be checked. Anything
 * else is answered as it is (a fault of ours, for the server log).
 */
export function providerError(err: unknown, during: string, issuer: string, discovering = false): unknown {
  if (err instanceof MandateError) return err;
  const unavailable = (why: string) =>
    new MandateError(
      'SIGNIN_UNAVAILABLE',
      `the identity provider (${issuer}) cannot be used: ${why} while ${during}; sign-in is closed until it answers`,
    );
  if (err instanceof oidc.ResponseBodyError) {
    if (err.status >= 500 || discovering) return unavailable(`it answered HTTP ${err.status}`);
    // Mandate's own client credentials refused: the configuration is wrong, not the person.
    if (err.error === 'invalid_client')
      return unavailable("it refused Mandate's client credentials (MANDATE_OIDC_CLIENT_ID, MANDATE_OIDC_CLIENT_SECRET or the key)");
    return new MandateError(
      'SIGNIN_FAILED',
      `the identity provider refused ${during}: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`,
    );
  }
  if (err instanceof oidc.AuthorizationResponseError)
    return new MandateError(
      'SIGNIN_FAILED',
      `the identity provider did not sign you in: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`,
    );
  if (err instanceof oidc.ClientError) {
    // openid-client wraps the check that failed (oauth4webapi's error, whose cause names the claim).
    const inner = err.cause instanceof Error ? err.cause : undefined;
    const facts = (inner ? inner.cause : err.cause) as { claim?: string; attribute?: string; parameter?: string } | Response | undefined;
    const status = err.cause instanceof Response ? err.cause.status : facts instanceof Response ? facts.status : undefined;
    if (discovering || (status !== undefined && status >= 500)) return unavailable(`${err.message}${status ? ` (HTTP ${status})` : ''}`);
    const claim = facts && !(facts instanceof Response) ? (facts.claim ?? facts.attribute) : undefined;
    const what = claim ? `; the ID token's ${CLAIM_NAMES[claim] ?? claim} is not what this sign-in expects` : '';
    return new MandateError('SIGNIN_FAILED', `${during} failed a check: ${inner?.message ?? err.message}${what}`);
  }
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return unavailable('it did not answer in time');
  if (err instanceof TypeError && /fetch failed|network/i.test(err.message))
    return unavailable(`connection failed (${e.cause?.code ?? e.cause?.message ?? 'network error'})`);
  if (err instanceof oidc.WWWAuthenticateChallengeError)
    return new MandateError('SIGNIN_FAILED', `the identity provider refused ${during}: ${err.message}`);
  // Anything else is a fault of ours: thrown as it is, for the server log.
  return err;
}
