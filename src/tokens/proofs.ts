// How a workload proves what it is, at the token endpoint (a platform's OIDC token, a JWT signed
// with its registered key, or, for legacy identities only, a static secret) and as an OAuth client
// at the introspection and revocation endpoints (private_key_jwt, client_secret_basic/post). Also
// the screening and the refusal words every verification of a JWT here shares.
import { timingSafeEqual } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { MandateClaims } from '@mandate/sdk/claims';
import { MandateError } from '../core/errors.js';
import { OutboundFailed, OutboundRefused, type OutboundGuard } from '../http/outbound.js';
import { getRecord } from '../state/records.js';
import type { Database } from '../store/db.js';
import { sha256, type CredentialRow } from './credentials.js';
import { ASYMMETRIC_ALGS, GRANT, TOKEN_TYPE, type TokenRequest, type TrustedIssuer } from './model.js';

/** A client assertion (RFC 7523) may live at most this long: it is a one-time proof, not a credential. */
const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_TOLERANCE_S = 30;
/** How many identities' key sets (private_key_jwt, jwt-bearer) are kept imported. */
const MAX_CACHED_IDENTITY_KEYS = 10_000;

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion (private_key_jwt). */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How an OAuth client (an identity) authenticates at the token, introspection or revocation endpoint. */
export interface ClientCredentials {
  client_id?: string | undefined;
  client_secret?: string | undefined;
  client_assertion?: string | undefined;
  client_assertion_type?: string | undefined;
}

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** Why jose refused a token, in words a workload's operator can act on. */
export function refusal(err: unknown, what: string): MandateError {
  if (err instanceof MandateError) return err;
  if (err instanceof joseErrors.JWTExpired) return new MandateError('INVALID_GRANT', `${what} has expired`);
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return new MandateError(
      'INVALID_GRANT',
      `${what} is not valid: claim ${err.claim} ${err.reason === 'check_failed' ? 'does not match' : err.reason}`,
    );
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return new MandateError('INVALID_GRANT', `${what} signature does not verify`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return new MandateError(
      'INVALID_GRANT',
      `${what} uses an algorithm that is not accepted (asymmetric signatures only; never none or HMAC)`,
    );
  if (err instanceof joseErrors.JWKSNoMatchingKey)
    return new MandateError('INVALID_GRANT', `${what} is signed with a key the issuer does not publish`);
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid)
    return new MandateError('INVALID_GRANT', `${what} is malformed: ${err.message}`);
  if (err instanceof joseErrors.JOSEError) return new MandateError('INVALID_GRANT', `${what} refused: ${err.message}`);
  throw err;
}

/** Reads the header of an untrusted JWT and refuses what must never be verified at all. */
export function screenHeader(token: string, what: string): { alg: string; kid?: string } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new MandateError('INVALID_GRANT', `${what} is not a JWT`);
  }
  const alg = String(header.alg ?? '');
  if (!(ASYMMETRIC_ALGS as readonly string[]).includes(alg))
    throw new MandateError(
      'INVALID_GRANT',
      `${what} uses alg ${alg || '(none)'}: only asymmetric signatures are accepted, never none or HMAC`,
    );
  return { alg, ...(typeof header.kid === 'string' ? { kid: header.kid } : {}) };
}

/** What an identity proved, and how. */
export interface Proof {
  identity: string;
  auth: MandateClaims['auth'];
  attested: boolean;
  replayKey?: { issuer: string; jti: string; exp: number };
}

export interface ProofDeps {
  db: Database;
  clock: () => Date;
  /** The `iss` of Mandate's tokens, and the audience client assertions must name (with /v1/token). */
  issuer: () => string;
  /** Issuers' JWKS are fetched through the outbound guard. */
  outbound: Pick<OutboundGuard, 'fetchFor'>;
}

export function proofService({ db, clock, issuer: mandateIssuer, outbound }: ProofDeps) {
  // Keyed by the issuer's id and valid only for the exact row read this request: a changed or
  // removed issuer is never answered from here.
  const issuerKeys = new Map<string, { doc: string; issuer: TrustedIssuer; getKey: JWTVerifyGetKey }>();
  // An identity's registered keys, by the exact public JWKs read this request (key sets import
  // their keys once; a new set per request would import them every time).
  const identityKeys = new Map<string, { jwks: string; getKey: JWTVerifyGetKey }>();
  const nowS = () => Math.floor(clock().getTime() / 1000);

  /** The trusted issuer a row holds, parsed, with its key set: made again only when the row changed. */
  function issuerOf(row: { id: string; doc: string }): { issuer: TrustedIssuer; getKey: JWTVerifyGetKey } {
    const cached = issuerKeys.get(row.id);
    if (cached && cached.doc === row.doc) return cached;
    const issuer = JSON.parse(row.doc) as TrustedIssuer;
    const getKey = issuer.jwks
      ? createLocalJWKSet(issuer.jwks as { keys: JWK[] })
      : // Fetched through the outbound guard, and cached: a token exchange fetches only on a cache
        // miss (first use, an unknown kid after the cooldown, or after ten minutes).
        createRemoteJWKSet(new URL(issuer.jwks_uri!), {
          timeoutDuration: 5000,
          cooldownDuration: 30_000,
          cacheMaxAge: 600_000,
          [customFetch]: outbound.fetchFor('jwks'),
        });
    const entry = { doc: row.doc, issuer, getKey };
    issuerKeys.set(row.id, entry);
    return entry;
  }

  /** A key set over an identity's registered public JWKs, reused while they are exactly these. */
  function identityKeySet(identityId: string, creds: CredentialRow[]): JWTVerifyGetKey {
    const jwks = creds.map((c) => c.public_jwk!).join('\n');
    const cached = identityKeys.get(identityId);
    if (cached && cached.jwks === jwks) return cached.getKey;
    const getKey = createLocalJWKSet({ keys: creds.map((c) => JSON.parse(c.public_jwk!) as JWK) });
    // Bounded: a server seeing many identities keeps the recent ones (Map order is insertion order).
    if (identityKeys.size >= MAX_CACHED_IDENTITY_KEYS) identityKeys.delete(identityKeys.keys().next().value!);
    identityKeys.delete(identityId);
    identityKeys.set(identityId, { jwks, getKey });
    return getKey;
  }

  const base = () => mandateIssuer().replace(/\/$/, '');

  /**
   * Verifies a JWT an identity signed with one of its registered keys (RFC 7523): iss = sub = the
   * identity, one of `audiences`, short-lived, with a jti that is answered for the caller to spend once.
   */
  async function verifyKeyAssertion(
    assertion: string,
    what: string,
    expected: string | undefined,
    audiences: string[],
  ): Promise<{ identity: string; replayKey: { issuer: string; jti: string; exp: number } }> {
    const header = screenHeader(assertion, what);
    let claims: JWTPayload;
    try {
      claims = decodeJwt(assertion);
    } catch {
      throw new MandateError('INVALID_GRANT', `${what} is not a JWT`);
    }
    const identityId = typeof claims.sub === 'string' ? claims.sub : '';
    if (expected !== undefined && identityId !== expected)
      throw new MandateError('INVALID_GRANT', `${what} is for ${identityId || '(no sub)'}, not client ${expected}`);
    const creds = await db.all<CredentialRow>(
      "SELECT * FROM identity_credentials WHERE type = 'jwk' AND identity_id = ? AND revoked_at IS NULL",
      [identityId],
    );
    if (creds.length === 0) throw new MandateError('INVALID_GRANT', `identity ${identityId || '(no sub)'} has no registered key`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, identityKeySet(identityId, creds), {
        issuer: identityId,
        subject: identityId,
        audience: audiences,
        algorithms: [header.alg],
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: clock(),
        requiredClaims: ['exp', 'jti', 'iat'],
        maxTokenAge: MAX_ASSERTION_LIFETIME_S,
      }));
    } catch (err) {
      throw refusal(err, what);
    }
    if (payload.exp! - nowS() > MAX_ASSERTION_LIFETIME_S + CLOCK_TOLERANCE_S)
      throw new MandateError('INVALID_GRANT', `${what} lives too long: at most ${MAX_ASSERTION_LIFETIME_S} s`);
    return { identity: identityId, replayKey: { issuer: `identity:${identityId}`, jti: String(payload.jti), exp: payload.exp! } };
  }

  /** private_key_jwt (RFC 7523 §3): any failure is the client's, so invalid_client. */
  async function clientAssertion(c: ClientCredentials, endpoint: 'token' | 'introspect' | 'revoke') {
    if (c.client_assertion_type !== CLIENT_ASSERTION_TYPE || !c.client_assertion)
      throw new MandateError('INVALID_CLIENT', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}, with a client_assertion`, {
        field: 'client_assertion_type',
      });
    // The assertion names the server (its issuer, as openid-client sends) or the endpoint called.
    const audiences = [mandateIssuer(), `${base()}/`, `${base()}/v1/${endpoint}`];
    try {
      return await verifyKeyAssertion(c.client_assertion, 'client_assertion', c.client_id || undefined, [...new Set(audiences)]);
    } catch (err) {
      if (err instanceof MandateError && err.code === 'INVALID_GRANT')
        throw new MandateError('INVALID_CLIENT', err.message, { field: 'client_assertion' });
      throw err;
    }
  }

  /** A legacy identity's static secret (client_secret_basic or client_secret_post). */
  async function secretClient(c: ClientCredentials): Promise<string> {
    if (!c.client_id || !c.client_secret)
      throw new MandateError('INVALID_CLIENT', 'client_id and client_secret are required', { field: 'client_secret' });
    const creds = await db.all<CredentialRow>(
      "SELECT * FROM identity_credentials WHERE type = 'static_secret' AND identity_id = ? AND revoked_at IS NULL",
      [c.client_id],
    );
    const given = sha256(c.client_secret);
    const match = creds.find((r) => timingSafeEqual(Buffer.from(r.secret_hash!, 'hex'), given));
    if (!match) throw new MandateError('INVALID_CLIENT', 'client authentication failed');
    return c.client_id;
  }
  /** The three ways to prove an identity; each answers the identity and how it was proven. */
  async function authenticate(req: TokenRequest): Promise<Proof> {
    switch (req.grant_type) {
      case GRANT.tokenExchange: {
        if (!req.subject_token) throw new MandateError('INVALID_REQUEST', 'subject_token is required', { field: 'subject_token' });
        if (req.subject_token_type !== TOKEN_TYPE.jwt && req.subject_token_type !== TOKEN_TYPE.idToken)
          throw new MandateError('INVALID_REQUEST', `subject_token_type must be ${TOKEN_TYPE.jwt} or ${TOKEN_TYPE.idToken}`, {
            field: 'subject_token_type',
          });
        if (
          req.requested_token_type !== undefined &&
          req.requested_token_type !== TOKEN_TYPE.accessToken &&
          req.requested_token_type !== TOKEN_TYPE.jwt
        )
          throw new MandateError('INVALID_REQUEST', `requested_token_type ${req.requested_token_type} is not issued here`, {
            field: 'requested_token_type',
          });
        screenHeader(req.subject_token, 'subject_token');
        let iss: string | undefined;
        try {
          iss = decodeJwt(req.subject_token).iss;
        } catch {
          throw new MandateError('INVALID_GRANT', 'subject_token is not a JWT');
        }
        const [row] = await db.all<{ id: string; doc: string }>('SELECT id, doc FROM trusted_issuers WHERE issuer = ?', [iss ?? '']);
        if (!row) throw new MandateError('INVALID_GRANT', `subject_token issuer ${iss ?? '(none)'} is not trusted`);
        const { issuer, getKey } = issuerOf(row);
        let payload: JWTPayload;
        try {
          ({ payload } = await jwtVerify(req.subject_token, getKey, {
            issuer: issuer.issuer,
            audience: issuer.audience,
            algorithms: [...(issuer.algorithms ?? ASYMMETRIC_ALGS)],
            clockTolerance: CLOCK_TOLERANCE_S,
            currentDate: clock(),
            requiredClaims: ['exp'],
            ...(issuer.max_token_age_s ? { maxTokenAge: issuer.max_token_age_s } : {}),
          }));
        } catch (err) {
          // The issuer's JWKS could not be fetched: said in Mandate's words (the network's are in the log).
          if (err instanceof OutboundRefused || err instanceof OutboundFailed)
            throw new MandateError(
              'INVALID_GRANT',
              `subject_token cannot be verified: the keys of issuer ${issuer.id} could not be fetched (${err.message})`,
            );
          throw refusal(err, 'subject_token');
        }
        // jose checks iat only with a maximum age: a token "issued" in the future is forged or from a broken clock.
        if (typeof payload.iat === 'number' && payload.iat > nowS() + CLOCK_TOLERANCE_S)
          throw new MandateError('INVALID_GRANT', 'subject_token is not valid: claim iat is in the future');
        const subject = payload[issuer.subject_claim ?? 'sub'];
        if (typeof subject !== 'string' || !subject)
          throw new MandateError('INVALID_GRANT', `subject_token has no ${issuer.subject_claim ?? 'sub'} claim`);
        const creds = await db.all<CredentialRow>(
          "SELECT * FROM identity_credentials WHERE type = 'oidc' AND issuer = ? AND subject = ? AND revoked_at IS NULL",
          [issuer.id, subject],
        );
        const cred = creds[0];
        if (!cred) throw new MandateError('INVALID_GRANT', `workload ${subject} at ${issuer.id} is bound to no identity`);
        if (req.identity && req.identity !== cred.identity_id)
          throw new MandateError('INVALID_GRANT', `workload ${subject} is bound to ${cred.identity_id}, not ${req.identity}`, {
            field: 'identity',
          });
        const replay =
          issuer.one_time_use && typeof payload.jti === 'string' ? { issuer: issuer.id, jti: payload.jti, exp: payload.exp! } : undefined;
        return { identity: cred.identity_id, auth: 'oidc', attested: true, ...(replay ? { replayKey: replay } : {}) };
      }
      case GRANT.jwtBearer: {
        if (!req.assertion) throw new MandateError('INVALID_REQUEST', 'assertion is required', { field: 'assertion' });
        const a = await verifyKeyAssertion(req.assertion, 'assertion', undefined, [`${base()}/v1/token`, mandateIssuer()]);
        return { identity: a.identity, auth: 'jwt_bearer', attested: false, replayKey: a.replayKey };
      }
      case GRANT.clientCredentials: {
        // RFC 7523 §2.2: an identity with a registered key authenticates by private_key_jwt; the
        // proof is as strong as the jwt-bearer grant's, so the token is the same.
        if (req.client_assertion !== undefined || req.client_assertion_type !== undefined) {
          const a = await clientAssertion(req, 'token');
          return { identity: a.identity, auth: 'jwt_bearer', attested: false, replayKey: a.replayKey };
        }
        return { identity: await secretClient(req), auth: 'static_secret', attested: false };
      }
      default:
        throw new MandateError(
          'UNSUPPORTED_GRANT_TYPE',
          `grant_type ${req.grant_type} is not supported: use ${GRANT.tokenExchange}, ${GRANT.jwtBearer} or (legacy identities) ` +
            'client_credentials',
          { field: 'grant_type' },
        );
    }
  }
  return {
    authenticate,

    /**
     * Authenticates an OAuth client (an identity) at the introspection or revocation endpoint:
     * undefined when it presents no credentials (a public client), else the identity and how.
     */
    async authenticateClient(
      c: ClientCredentials,
      endpoint: 'introspect' | 'revoke',
      basic: boolean,
    ): Promise<{ identity: string; method: ClientAuthMethod } | undefined> {
      let identity: string;
      let method: ClientAuthMethod;
      if (c.client_assertion !== undefined || c.client_assertion_type !== undefined) {
        const a = await clientAssertion(c, endpoint);
        const fresh =
          (await db.run('INSERT INTO seen_assertions (issuer, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
            a.replayKey.issuer,
            a.replayKey.jti,
            a.replayKey.exp,
          ])) === 1;
        if (!fresh)
          throw new MandateError('INVALID_CLIENT', `client_assertion was already used (jti ${a.replayKey.jti}): proofs are one-time`, {
            field: 'client_assertion',
          });
        ({ identity } = a);
        method = 'private_key_jwt';
      } else if (c.client_secret !== undefined) {
        identity = await secretClient(c);
        method = basic ? 'client_secret_basic' : 'client_secret_post';
      } else {
        return undefined;
      }
      const stored = await getRecord(db, 'identity', identity);
      if (stored?.record.status !== 'active')
        throw new MandateError('INVALID_CLIENT', `client ${identity} is ${stored?.record.status ?? 'unknown'}`);
      return { identity, method };
    },

    /** A trusted issuer was removed: its cached keys go with it. */
    forgetIssuer(id: string): void {
      issuerKeys.delete(id);
    },
  };
}
export type ProofService = ReturnType<typeof proofService>;
