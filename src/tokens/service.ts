// The token service: a workload proves what it is (a platform's OIDC token, a JWT signed with its
// registered key, or, for legacy identities only, a static secret) and gets a minutes-long Mandate
// access token carrying its identity, lawful power and declared session. Introspection (RFC 7662)
// and revocation (RFC 7009) work on the same tokens. Every issuance and every refusal is evidence.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, SignJWT,
  type JWK, type JWTPayload, type JWTVerifyGetKey,
} from 'jose';
import { isMandateAccessToken, MANDATE_TOKEN_TYP, type MandateAccessToken, type MandateClaims } from '@mandate/sdk/claims';
import { MandateError } from '../core/errors.js';
import { decidePower, lawfulActions, scopeKey, type ScopeAuthority } from '../core/lifecycle.js';
import type { Identity } from '../core/model.js';
import type { GrantEntry } from '@mandate/sdk/decision';
import { ActionVocabulary } from '../core/vocabulary.js';
import type { GroupCommitter } from '../ledger/group.js';
import { appendEvents, type NewEvent } from '../ledger/log.js';
import { getCustomActions, getRecord } from '../state/records.js';
import type { RulesStore } from '../state/lifecycle-rules.js';
import type { Database, Sql } from '../store/db.js';
import { bumpGenerations, currentGeneration } from '../state/generations.js';
import type { SigningKeys } from './keys.js';
import {
  ASYMMETRIC_ALGS, GRANT, TOKEN_TYPE, type CredentialRegistration, type RegisteredCredential, type TokenRequest, type TokenTtls, type TrustedIssuer,
} from './model.js';

/** A client assertion (RFC 7523) may live at most this long: it is a one-time proof, not a credential. */
const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_TOLERANCE_S = 30;

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

export interface TokenResponse {
  access_token: string;
  issued_token_type: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export interface TokenServiceOptions {
  /** The `iss` of Mandate's tokens, and the audience client assertions must name (with /v1/token). */
  issuer: () => string;
  ttls: TokenTtls;
  /** The identity's active grants, exceptions and break-glass activations (carried in its tokens). */
  grants?: (identity: string) => Promise<GrantEntry[]>;
}

interface CredentialRow {
  id: string;
  identity_id: string;
  type: RegisteredCredential['type'];
  issuer: string | null;
  subject: string | null;
  public_jwk: string | null;
  secret_hash: string | null;
  created_at: string;
  revoked_at: string | null;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

function toCredential(r: CredentialRow): RegisteredCredential {
  return {
    id: r.id, identity: r.identity_id, type: r.type, created_at: r.created_at, revoked_at: r.revoked_at,
    ...(r.issuer ? { issuer: r.issuer } : {}), ...(r.subject ? { subject: r.subject } : {}),
    ...(r.public_jwk ? { jwk: JSON.parse(r.public_jwk) as object } : {}),
  };
}

/** Why jose refused a token, in words a workload's operator can act on. */
function refusal(err: unknown, what: string): MandateError {
  if (err instanceof MandateError) return err;
  if (err instanceof joseErrors.JWTExpired) return new MandateError('INVALID_GRANT', `${what} has expired`);
  if (err instanceof joseErrors.JWTClaimValidationFailed) return new MandateError('INVALID_GRANT', `${what} is not valid: claim ${err.claim} ${err.reason === 'check_failed' ? 'does not match' : err.reason}`);
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new MandateError('INVALID_GRANT', `${what} signature does not verify`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new MandateError('INVALID_GRANT', `${what} uses an algorithm that is not accepted (asymmetric signatures only; never none or HMAC)`);
  if (err instanceof joseErrors.JWKSNoMatchingKey) return new MandateError('INVALID_GRANT', `${what} is signed with a key the issuer does not publish`);
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return new MandateError('INVALID_GRANT', `${what} is malformed: ${err.message}`);
  if (err instanceof joseErrors.JOSEError) return new MandateError('INVALID_GRANT', `${what} refused: ${err.message}`);
  throw err;
}

/** Reads the header of an untrusted JWT and refuses what must never be verified at all. */
function screenHeader(token: string, what: string): { alg: string; kid?: string } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new MandateError('INVALID_GRANT', `${what} is not a JWT`);
  }
  const alg = String(header.alg ?? '');
  if (!(ASYMMETRIC_ALGS as readonly string[]).includes(alg))
    throw new MandateError('INVALID_GRANT', `${what} uses alg ${alg || '(none)'}: only asymmetric signatures are accepted, never none or HMAC`);
  return { alg, ...(typeof header.kid === 'string' ? { kid: header.kid } : {}) };
}

export function tokenService(db: Database, clock: () => Date, keys: SigningKeys, rulesStore: RulesStore, evidence: GroupCommitter, opts: TokenServiceOptions) {
  const issuerKeys = new Map<string, { doc: string; getKey: JWTVerifyGetKey }>();
  const nowS = () => Math.floor(clock().getTime() / 1000);

  function keySetFor(row: { id: string; doc: string }): JWTVerifyGetKey {
    const cached = issuerKeys.get(row.id);
    if (cached && cached.doc === row.doc) return cached.getKey;
    const issuer = JSON.parse(row.doc) as TrustedIssuer;
    const getKey = issuer.jwks
      ? createLocalJWKSet(issuer.jwks as { keys: JWK[] })
      : createRemoteJWKSet(new URL(issuer.jwks_uri!), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    issuerKeys.set(row.id, { doc: row.doc, getKey });
    return getKey;
  }

  async function loadIdentity(sql: Sql, id: string): Promise<Identity> {
    const stored = await getRecord(sql, 'identity', id);
    if (!stored) throw new MandateError('INVALID_GRANT', `no identity ${id}`);
    const identity = stored.record;
    if (identity.status !== 'active') throw new MandateError('INVALID_GRANT', `identity ${id} is ${identity.status}: it gets no tokens`);
    return identity;
  }

  const base = () => opts.issuer().replace(/\/$/, '');

  /**
   * Verifies a JWT an identity signed with one of its registered keys (RFC 7523): iss = sub = the
   * identity, one of `audiences`, short-lived, with a jti that is answered for the caller to spend once.
   */
  async function verifyKeyAssertion(assertion: string, what: string, expected: string | undefined, audiences: string[]): Promise<{ identity: string; replayKey: { issuer: string; jti: string; exp: number } }> {
    const header = screenHeader(assertion, what);
    let claims: JWTPayload;
    try {
      claims = decodeJwt(assertion);
    } catch {
      throw new MandateError('INVALID_GRANT', `${what} is not a JWT`);
    }
    const identityId = typeof claims.sub === 'string' ? claims.sub : '';
    if (expected !== undefined && identityId !== expected) throw new MandateError('INVALID_GRANT', `${what} is for ${identityId || '(no sub)'}, not client ${expected}`);
    const creds = await db.all<CredentialRow>("SELECT * FROM identity_credentials WHERE type = 'jwk' AND identity_id = ? AND revoked_at IS NULL", [identityId]);
    if (creds.length === 0) throw new MandateError('INVALID_GRANT', `identity ${identityId || '(no sub)'} has no registered key`);
    const jwks = { keys: creds.map((c) => JSON.parse(c.public_jwk!) as JWK) };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, createLocalJWKSet(jwks), {
        issuer: identityId, subject: identityId, audience: audiences, algorithms: [header.alg],
        clockTolerance: CLOCK_TOLERANCE_S, currentDate: clock(), requiredClaims: ['exp', 'jti', 'iat'], maxTokenAge: MAX_ASSERTION_LIFETIME_S,
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
      throw new MandateError('INVALID_CLIENT', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}, with a client_assertion`, { field: 'client_assertion_type' });
    // The assertion names the server (its issuer, as openid-client sends) or the endpoint called.
    const audiences = [opts.issuer(), `${base()}/`, `${base()}/v1/${endpoint}`];
    try {
      return await verifyKeyAssertion(c.client_assertion, 'client_assertion', c.client_id || undefined, [...new Set(audiences)]);
    } catch (err) {
      if (err instanceof MandateError && err.code === 'INVALID_GRANT') throw new MandateError('INVALID_CLIENT', err.message, { field: 'client_assertion' });
      throw err;
    }
  }

  /** A legacy identity's static secret (client_secret_basic or client_secret_post). */
  async function secretClient(c: ClientCredentials): Promise<string> {
    if (!c.client_id || !c.client_secret) throw new MandateError('INVALID_CLIENT', 'client_id and client_secret are required', { field: 'client_secret' });
    const creds = await db.all<CredentialRow>("SELECT * FROM identity_credentials WHERE type = 'static_secret' AND identity_id = ? AND revoked_at IS NULL", [c.client_id]);
    const given = sha256(c.client_secret);
    const match = creds.find((r) => timingSafeEqual(Buffer.from(r.secret_hash!, 'hex'), given));
    if (!match) throw new MandateError('INVALID_CLIENT', 'client authentication failed');
    return c.client_id;
  }

  /** The three ways to prove an identity; each answers the identity and how it was proven. */
  async function authenticate(req: TokenRequest): Promise<{ identity: string; auth: MandateClaims['auth']; attested: boolean; replayKey?: { issuer: string; jti: string; exp: number } }> {
    switch (req.grant_type) {
      case GRANT.tokenExchange: {
        if (!req.subject_token) throw new MandateError('INVALID_REQUEST', 'subject_token is required', { field: 'subject_token' });
        if (req.subject_token_type !== TOKEN_TYPE.jwt && req.subject_token_type !== TOKEN_TYPE.idToken)
          throw new MandateError('INVALID_REQUEST', `subject_token_type must be ${TOKEN_TYPE.jwt} or ${TOKEN_TYPE.idToken}`, { field: 'subject_token_type' });
        if (req.requested_token_type !== undefined && req.requested_token_type !== TOKEN_TYPE.accessToken && req.requested_token_type !== TOKEN_TYPE.jwt)
          throw new MandateError('INVALID_REQUEST', `requested_token_type ${req.requested_token_type} is not issued here`, { field: 'requested_token_type' });
        screenHeader(req.subject_token, 'subject_token');
        let iss: string | undefined;
        try {
          iss = decodeJwt(req.subject_token).iss;
        } catch {
          throw new MandateError('INVALID_GRANT', 'subject_token is not a JWT');
        }
        const [row] = await db.all<{ id: string; doc: string }>('SELECT id, doc FROM trusted_issuers WHERE issuer = ?', [iss ?? '']);
        if (!row) throw new MandateError('INVALID_GRANT', `subject_token issuer ${iss ?? '(none)'} is not trusted`);
        const issuer = JSON.parse(row.doc) as TrustedIssuer;
        let payload: JWTPayload;
        try {
          ({ payload } = await jwtVerify(req.subject_token, keySetFor(row), {
            issuer: issuer.issuer, audience: issuer.audience, algorithms: [...(issuer.algorithms ?? ASYMMETRIC_ALGS)],
            clockTolerance: CLOCK_TOLERANCE_S, currentDate: clock(), requiredClaims: ['exp'],
            ...(issuer.max_token_age_s ? { maxTokenAge: issuer.max_token_age_s } : {}),
          }));
        } catch (err) {
          throw refusal(err, 'subject_token');
        }
        // jose checks iat only with a maximum age: a token "issued" in the future is forged or from a broken clock.
        if (typeof payload.iat === 'number' && payload.iat > nowS() + CLOCK_TOLERANCE_S)
          throw new MandateError('INVALID_GRANT', 'subject_token is not valid: claim iat is in the future');
        const subject = payload[issuer.subject_claim ?? 'sub'];
        if (typeof subject !== 'string' || !subject) throw new MandateError('INVALID_GRANT', `subject_token has no ${issuer.subject_claim ?? 'sub'} claim`);
        const creds = await db.all<CredentialRow>("SELECT * FROM identity_credentials WHERE type = 'oidc' AND issuer = ? AND subject = ? AND revoked_at IS NULL", [issuer.id, subject]);
        const cred = creds[0];
        if (!cred) throw new MandateError('INVALID_GRANT', `workload ${subject} at ${issuer.id} is bound to no identity`);
        if (req.identity && req.identity !== cred.identity_id) throw new MandateError('INVALID_GRANT', `workload ${subject} is bound to ${cred.identity_id}, not ${req.identity}`, { field: 'identity' });
        const replay = issuer.one_time_use && typeof payload.jti === 'string' ? { issuer: issuer.id, jti: payload.jti, exp: payload.exp! } : undefined;
        return { identity: cred.identity_id, auth: 'oidc', attested: true, ...(replay ? { replayKey: replay } : {}) };
      }
      case GRANT.jwtBearer: {
        if (!req.assertion) throw new MandateError('INVALID_REQUEST', 'assertion is required', { field: 'assertion' });
        const a = await verifyKeyAssertion(req.assertion, 'assertion', undefined, [`${base()}/v1/token`, opts.issuer()]);
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
        throw new MandateError('UNSUPPORTED_GRANT_TYPE', `grant_type ${req.grant_type} is not supported: use ${GRANT.tokenExchange}, ${GRANT.jwtBearer} or (legacy identities) client_credentials`, { field: 'grant_type' });
    }
  }

  function ttlFor(identity: Identity, legacy: boolean): number {
    const t = opts.ttls;
    if (legacy) return t.legacy_s;
    const custodyOrTransfer = identity.function === 'custody' || identity.scopes.some((s) => s.service === 'custody' || s.service === 'transfer');
    const base = t.by_function[identity.function] ?? t.default_s;
    return identity.capability === 'execute' && custodyOrTransfer ? Math.min(base, t.execute_custody_transfer_s) : base;
  }

  async function lawfulNow(sql: Sql, identity: Identity): Promise<Record<string, string[]>> {
    if (identity.scopes.length === 0) return {};
    const [{ rules }, custom] = await Promise.all([rulesStore.current(sql), getCustomActions(sql)]);
    const auths = await sql.all<{ id: string; entity: string; service: string; jurisdiction: string; status: string; doc: string }>(
      'SELECT id, entity, service, jurisdiction, status, doc FROM authorisations WHERE entity IN (' + [...new Set(identity.scopes.map((s) => s.entity))].map(() => '?').join(',') + ')',
      [...new Set(identity.scopes.map((s) => s.entity))],
    );
    const byScope = new Map(auths.map((a) => [`${a.entity}/${a.service}/${a.jurisdiction}`, { id: a.id, status: a.status, conditions: (JSON.parse(a.doc) as { conditions?: ScopeAuthority['conditions'] }).conditions } as ScopeAuthority]));
    const power = decidePower(identity, (s) => byScope.get(scopeKey(s)), rules, new ActionVocabulary(custom));
    return Object.fromEntries(lawfulActions(power).map((l) => [scopeKey(l.scope), l.actions]));
  }

  async function issue(req: TokenRequest): Promise<TokenResponse> {
    const proof = await authenticate(req);
    // A public client (openid-client, say) names itself with client_id: it must be the identity proven.
    if (req.grant_type !== GRANT.clientCredentials && req.client_id !== undefined && req.client_id !== proof.identity)
      throw new MandateError('INVALID_GRANT', `the proof is for ${proof.identity}, not client ${req.client_id}`, { field: 'client_id' });
    const identity = await loadIdentity(db, proof.identity);
    const legacy = proof.auth === 'static_secret';
    if (legacy && identity.credential.type !== 'static_secret')
      throw new MandateError('INVALID_CLIENT', `identity ${identity.id} is not a legacy static-secret identity: prove it with a workload token or a signed assertion`);
    if (req.environment && req.environment !== identity.environment)
      throw new MandateError('INVALID_GRANT', `identity ${identity.id} belongs to ${identity.environment}, not ${req.environment}`, { field: 'environment' });
    const [lawful, gen, key, grants] = await Promise.all([lawfulNow(db, identity), currentGeneration(db, identity.id), keys.current(), opts.grants?.(identity.id) ?? []]);
    // A break-glass identity is sealed: it gets a token only inside an open activation, and no
    // token outlives the window.
    const activation = grants.find((g) => g.kind === 'break_glass');
    if (identity.break_glass && !activation) {
      await evidence.submit({ events: [refusedEvent(req, 'sealed break-glass identity', identity.id)] });
      throw new MandateError('INVALID_GRANT', `identity ${identity.id} is a sealed break-glass identity: unseal it first (POST /v1/break-glass/${identity.id}/unseal)`);
    }
    // Compensating controls for a static secret: observe only and a shorter life (an approved
    // exception to widen this is a later capability).
    const cap: MandateClaims['cap'] = legacy ? 'observe' : identity.capability;
    const base = ttlFor(identity, legacy);
    const ttl = activation ? Math.max(1, Math.min(base, Math.floor((activation.expires_at - clock().getTime()) / 1000))) : base;
    const iat = nowS();
    const jti = randomBytes(16).toString('base64url');
    const purpose = req.purpose ?? 'unspecified';
    const mdt: MandateClaims = {
      gen, cap, kind: identity.kind, fn: identity.function, env: identity.environment, vendor: Boolean(identity.vendor), bg: identity.break_glass,
      legacy, purpose, auth: proof.auth, att: proof.attested, actions: identity.actions, scopes: identity.scopes.map(scopeKey), lawful,
      ...(grants.length ? { grants: grants.map((g) => ({ id: g.id, kind: g.kind, ...(g.actions ? { actions: g.actions } : {}), ...(g.scope ? { scope: g.scope } : {}), ...(g.control ? { control: g.control } : {}), exp: Math.floor(g.expires_at / 1000) })) } : {}),
    };
    const scope = [...new Set(Object.values(lawful).flat())].sort().join(' ');
    const token = await new SignJWT({ client_id: identity.id, scope, mdt } as unknown as JWTPayload)
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: MANDATE_TOKEN_TYP })
      .setIssuer(opts.issuer()).setSubject(identity.id).setAudience(req.audience ?? opts.issuer())
      .setIssuedAt(iat).setNotBefore(iat).setExpirationTime(iat + ttl).setJti(jti)
      .sign(key.privateKey);
    const replayKey = proof.replayKey;
    const issued = await evidence.submit<boolean>({
      apply: replayKey
        ? async (tx) => (await tx.run('INSERT INTO seen_assertions (issuer, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [replayKey.issuer, replayKey.jti, replayKey.exp])) === 1
        : async () => true,
      events: (fresh) => [fresh
        ? { actor: `identity:${identity.id}`, action: 'token.issued', subject: { type: 'identity', id: identity.id }, after: { jti, auth: proof.auth, attested: proof.attested, cap, legacy, purpose, generation: gen, expires_at: iat + ttl, kid: key.kid, scopes: Object.keys(lawful).length } }
        : refusedEvent(req, `replayed ${proofName(req)} (jti ${replayKey!.jti})`, identity.id)],
    });
    if (!issued) throw new MandateError(req.grant_type === GRANT.clientCredentials ? 'INVALID_CLIENT' : 'INVALID_GRANT', `${proofName(req)} was already used (jti ${replayKey!.jti}): proofs are one-time`);
    return { access_token: token, issued_token_type: TOKEN_TYPE.accessToken, token_type: 'Bearer', expires_in: ttl, scope };
  }

  const proofName = (req: TokenRequest) => (req.grant_type === GRANT.jwtBearer ? 'assertion' : req.grant_type === GRANT.clientCredentials ? 'client_assertion' : 'subject_token');

  function refusedEvent(req: Partial<TokenRequest>, reason: string, identity?: string): NewEvent {
    // What the caller claimed, never what it presented: no token or secret reaches the ledger.
    return { actor: identity ? `identity:${identity}` : 'anonymous', action: 'token.refused', subject: { type: 'identity', id: identity ?? req.identity ?? req.client_id ?? 'unknown' }, after: { grant_type: req.grant_type?.slice(0, 100), reason } };
  }

  /** Verifies one of Mandate's own tokens; answers its claims or why it is not active. */
  async function check(token: string): Promise<{ claims: MandateAccessToken } | { inactive: string }> {
    let payload: JWTPayload;
    try {
      screenHeader(token, 'token');
      ({ payload } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), { issuer: opts.issuer(), algorithms: ['EdDSA'], typ: MANDATE_TOKEN_TYP, currentDate: clock(), clockTolerance: 5 }));
    } catch (err) {
      return { inactive: refusal(err, 'token').message };
    }
    if (!isMandateAccessToken(payload)) return { inactive: 'token does not carry Mandate claims' };
    const claims = payload;
    const [revoked] = await db.all<{ jti: string }>('SELECT jti FROM revoked_tokens WHERE jti = ?', [claims.jti]);
    if (revoked) return { inactive: 'token was revoked' };
    if ((await currentGeneration(db, claims.sub)) !== claims.mdt.gen) return { inactive: `identity ${claims.sub}'s tokens were revoked (generation changed)` };
    const stored = await getRecord(db, 'identity', claims.sub);
    if (stored?.record.status !== 'active') return { inactive: `identity ${claims.sub} is ${stored?.record.status ?? 'gone'}` };
    return { claims };
  }

  return {
    async exchange(req: TokenRequest): Promise<TokenResponse> {
      try {
        return await issue(req);
      } catch (err) {
        if (err instanceof MandateError) await evidence.submit({ events: [refusedEvent(req, err.message)] }).catch(() => undefined);
        throw err;
      }
    },

    /**
     * Authenticates an OAuth client (an identity) at the introspection or revocation endpoint:
     * undefined when it presents no credentials (a public client), else the identity and how.
     */
    async authenticateClient(c: ClientCredentials, endpoint: 'introspect' | 'revoke', basic: boolean): Promise<{ identity: string; method: ClientAuthMethod } | undefined> {
      let identity: string;
      let method: ClientAuthMethod;
      if (c.client_assertion !== undefined || c.client_assertion_type !== undefined) {
        const a = await clientAssertion(c, endpoint);
        const fresh = (await db.run('INSERT INTO seen_assertions (issuer, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [a.replayKey.issuer, a.replayKey.jti, a.replayKey.exp])) === 1;
        if (!fresh) throw new MandateError('INVALID_CLIENT', `client_assertion was already used (jti ${a.replayKey.jti}): proofs are one-time`, { field: 'client_assertion' });
        ({ identity } = a);
        method = 'private_key_jwt';
      } else if (c.client_secret !== undefined) {
        identity = await secretClient(c);
        method = basic ? 'client_secret_basic' : 'client_secret_post';
      } else {
        return undefined;
      }
      const stored = await getRecord(db, 'identity', identity);
      if (stored?.record.status !== 'active') throw new MandateError('INVALID_CLIENT', `client ${identity} is ${stored?.record.status ?? 'unknown'}`);
      return { identity, method };
    },

    /**
     * RFC 7662: inactive tokens answer only {active: false}. A resource server that authenticated
     * as an OAuth client (`audience`: its identity) learns only of tokens issued for it (§4).
     */
    async introspect(token: string, audience?: string): Promise<Record<string, unknown>> {
      const r = await check(token);
      if ('inactive' in r) return { active: false };
      const c = r.claims;
      if (audience !== undefined && ![c.aud].flat().includes(audience)) return { active: false };
      return { active: true, token_type: 'Bearer', sub: c.sub, client_id: c.client_id, iss: c.iss, aud: c.aud, exp: c.exp, iat: c.iat, nbf: c.nbf, jti: c.jti, scope: c.scope, mdt: c.mdt };
    },

    check,

    /** RFC 7009: revoking is always answered 200; a valid token of ours goes on the deny-list until it expires. */
    async revoke(token: string): Promise<void> {
      let claims: JWTPayload;
      try {
        screenHeader(token, 'token');
        ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), { issuer: opts.issuer(), algorithms: ['EdDSA'], currentDate: clock(), clockTolerance: 5 }));
      } catch {
        return; // not ours, malformed or expired: nothing to revoke
      }
      if (!isMandateAccessToken(claims)) return;
      const at = clock().toISOString();
      const c = claims;
      await db.transaction(async (tx) => {
        const n = await tx.run('INSERT INTO revoked_tokens (jti, identity_id, expires_at, revoked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [c.jti, c.sub, c.exp, at]);
        if (n) await appendEvents(tx, at, [{ actor: `identity:${c.sub}`, action: 'token.revoked', subject: { type: 'identity', id: c.sub }, after: { jti: c.jti, expires_at: c.exp } }]);
        // Expired entries are no longer needed: the deny-list stays as small as the tokens alive.
        await tx.run('DELETE FROM revoked_tokens WHERE expires_at < ?', [nowS() - 60]);
      });
    },

    /** Revokes every token an identity holds, by bumping its generation. */
    async revokeIdentity(actor: string, identityId: string, reason: string): Promise<{ identity: string; generation: number }> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        if (!(await getRecord(tx, 'identity', identityId))) throw new MandateError('NOT_FOUND', `no identity ${identityId}`);
        const gen = (await bumpGenerations(tx, [identityId], at)).get(identityId)!;
        await appendEvents(tx, at, [{ actor, action: 'identity.tokens_revoked', subject: { type: 'identity', id: identityId }, after: { generation: gen }, reason }]);
        return { identity: identityId, generation: gen };
      });
    },

    async addIssuer(actor: string, issuer: TrustedIssuer): Promise<TrustedIssuer> {
      if (!issuer.jwks === !issuer.jwks_uri) throw new MandateError('VALIDATION_FAILED', 'give exactly one of jwks (inline keys) or jwks_uri', { field: '/jwks' });
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const [dup] = await tx.all<{ id: string }>('SELECT id FROM trusted_issuers WHERE id = ? OR issuer = ?', [issuer.id, issuer.issuer]);
        if (dup) throw new MandateError('ALREADY_EXISTS', `issuer ${issuer.id} (${issuer.issuer}) is already trusted`, { field: '/id' });
        await tx.run('INSERT INTO trusted_issuers (id, issuer, doc, created_at) VALUES (?, ?, ?, ?)', [issuer.id, issuer.issuer, JSON.stringify(issuer), at]);
        await appendEvents(tx, at, [{ actor, action: 'issuer.trusted', subject: { type: 'issuer', id: issuer.id }, after: issuer }]);
        return issuer;
      });
    },

    async listIssuers(): Promise<TrustedIssuer[]> {
      return (await db.all<{ doc: string }>('SELECT doc FROM trusted_issuers ORDER BY id')).map((r) => JSON.parse(r.doc) as TrustedIssuer);
    },

    async removeIssuer(actor: string, id: string): Promise<void> {
      const at = clock().toISOString();
      await db.transaction(async (tx) => {
        if (!(await tx.run('DELETE FROM trusted_issuers WHERE id = ?', [id]))) throw new MandateError('NOT_FOUND', `no trusted issuer ${id}`);
        const bound = await tx.all<{ identity_id: string }>("SELECT DISTINCT identity_id FROM identity_credentials WHERE type = 'oidc' AND issuer = ? AND revoked_at IS NULL", [id]);
        await tx.run("UPDATE identity_credentials SET revoked_at = ? WHERE type = 'oidc' AND issuer = ? AND revoked_at IS NULL", [at, id]);
        await bumpGenerations(tx, bound.map((b) => b.identity_id), at);
        await appendEvents(tx, at, [{ actor, action: 'issuer.untrusted', subject: { type: 'issuer', id }, after: { credentials_revoked: bound.length } }]);
      });
      issuerKeys.delete(id);
    },

    /** Registers how an identity proves itself; a static secret is answered once and stored only as a hash. */
    async addCredential(actor: string, identityId: string, reg: CredentialRegistration): Promise<RegisteredCredential & { secret?: string }> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const stored = await getRecord(tx, 'identity', identityId);
        if (!stored) throw new MandateError('NOT_FOUND', `no identity ${identityId}`);
        const id = `cred_${randomBytes(9).toString('base64url')}`;
        let secret: string | undefined;
        const cols: { issuer: string | null; subject: string | null; public_jwk: string | null; secret_hash: string | null } = { issuer: null, subject: null, public_jwk: null, secret_hash: null };
        if (reg.type === 'oidc') {
          const [issuer] = await tx.all<{ id: string }>('SELECT id FROM trusted_issuers WHERE id = ?', [reg.issuer]);
          if (!issuer) throw new MandateError('VALIDATION_FAILED', `no trusted issuer ${reg.issuer}`, { field: '/issuer' });
          const [taken] = await tx.all<{ identity_id: string }>("SELECT identity_id FROM identity_credentials WHERE type = 'oidc' AND issuer = ? AND subject = ?", [reg.issuer, reg.subject]);
          if (taken) throw new MandateError('ALREADY_EXISTS', `workload ${reg.subject} at ${reg.issuer} is already bound to ${taken.identity_id}`, { field: '/subject' });
          Object.assign(cols, { issuer: reg.issuer, subject: reg.subject });
        } else if (reg.type === 'jwk') {
          try {
            await importJWK(reg.jwk as JWK, reg.jwk.alg ?? (reg.jwk.kty === 'OKP' ? 'EdDSA' : reg.jwk.kty === 'EC' ? 'ES256' : 'RS256'));
          } catch (err) {
            throw new MandateError('VALIDATION_FAILED', `jwk is not a usable public key: ${(err as Error).message}`, { field: '/jwk' });
          }
          cols.public_jwk = JSON.stringify(reg.jwk);
        } else {
          if (stored.record.credential.type !== 'static_secret')
            throw new MandateError('VALIDATION_FAILED', `identity ${identityId} is not marked legacy (credential.type static_secret): give it a workload token or a key instead`, { field: '/type' });
          secret = `mds_${randomBytes(32).toString('base64url')}`;
          cols.secret_hash = sha256(secret).toString('hex');
        }
        await tx.run('INSERT INTO identity_credentials (id, identity_id, type, issuer, subject, public_jwk, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          id, identityId, reg.type, cols.issuer, cols.subject, cols.public_jwk, cols.secret_hash, at,
        ]);
        const cred: RegisteredCredential = { id, identity: identityId, type: reg.type, created_at: at, revoked_at: null, ...(cols.issuer ? { issuer: cols.issuer, subject: cols.subject! } : {}), ...(reg.type === 'jwk' ? { jwk: reg.jwk } : {}) };
        await appendEvents(tx, at, [{ actor, action: 'credential.registered', subject: { type: 'identity', id: identityId }, after: cred }]);
        return secret ? { ...cred, secret } : cred;
      });
    },

    async listCredentials(identityId: string): Promise<RegisteredCredential[]> {
      return (await db.all<CredentialRow>('SELECT * FROM identity_credentials WHERE identity_id = ? ORDER BY created_at, id', [identityId])).map(toCredential);
    },

    /** Revokes a credential and every token it could have produced. */
    async revokeCredential(actor: string, identityId: string, credentialId: string): Promise<RegisteredCredential> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const [row] = await tx.all<CredentialRow>('SELECT * FROM identity_credentials WHERE id = ? AND identity_id = ?', [credentialId, identityId]);
        if (!row) throw new MandateError('NOT_FOUND', `identity ${identityId} has no credential ${credentialId}`);
        if (row.revoked_at) return toCredential(row);
        await tx.run('UPDATE identity_credentials SET revoked_at = ? WHERE id = ?', [at, credentialId]);
        await bumpGenerations(tx, [identityId], at);
        await appendEvents(tx, at, [{ actor, action: 'credential.revoked', subject: { type: 'identity', id: identityId }, after: { credential: credentialId } }]);
        return { ...toCredential(row), revoked_at: at };
      });
    },
  };
}
export type TokenService = ReturnType<typeof tokenService>;
