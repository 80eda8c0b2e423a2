// The token service's records and requests, as JSON Schemas (TypeBox): trusted OIDC issuers, the
// credentials an identity proves itself with, and the claims Mandate's access tokens carry.
import { Type, type Static } from '@sinclair/typebox';
import { Id } from '../core/model.js';

export const GRANT = {
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange', // RFC 8693
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer', // RFC 7523
  clientCredentials: 'client_credentials', // RFC 6749 §4.4: legacy static secrets only
} as const;

export const TOKEN_TYPE = {
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
} as const;

/**
 * Asymmetric algorithms only: HMAC and `none` are refused, which closes algorithm confusion.
 * Ed25519 is RFC 9864's fully specified name for EdDSA over Ed25519 (openid-client signs with it).
 */
export const ASYMMETRIC_ALGS = [
  'EdDSA',
  'Ed25519',
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
] as const;

const PublicJwk = Type.Object(
  {
    kty: Type.Union([Type.Literal('OKP'), Type.Literal('EC'), Type.Literal('RSA')]),
    kid: Type.Optional(Type.String({ maxLength: 200 })),
    alg: Type.Optional(Type.String({ maxLength: 20 })),
    use: Type.Optional(Type.Literal('sig')),
    crv: Type.Optional(Type.String({ maxLength: 20 })),
    x: Type.Optional(Type.String({ maxLength: 2000 })),
    y: Type.Optional(Type.String({ maxLength: 2000 })),
    n: Type.Optional(Type.String({ maxLength: 4000 })),
    e: Type.Optional(Type.String({ maxLength: 20 })),
  },
  // A private member (d, p, q…) is refused: Mandate must never hold an identity's private key.
  { additionalProperties: false, description: 'a public JWK (RFC 7517); private members are refused' },
);

export const TrustedIssuer = Type.Object(
  {
    id: Id,
    issuer: Type.String({ minLength: 1, maxLength: 500, description: 'the `iss` its tokens carry' }),
    audience: Type.String({ minLength: 1, maxLength: 500, description: 'the `aud` its tokens must carry for Mandate' }),
    jwks_uri: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000 })),
    jwks: Type.Optional(Type.Object({ keys: Type.Array(PublicJwk, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false })),
    subject_claim: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the claim naming the workload; default sub' })),
    algorithms: Type.Optional(
      Type.Array(Type.Union(ASYMMETRIC_ALGS.map((a) => Type.Literal(a))), { minItems: 1, maxItems: 10, uniqueItems: true }),
    ),
    max_token_age_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'refuse tokens issued longer ago than this' })),
    one_time_use: Type.Optional(
      Type.Boolean({ description: 'refuse a second exchange of a token with the same jti (CI tokens); default false' }),
    ),
  },
  { additionalProperties: false, title: 'TrustedIssuer' },
);
export type TrustedIssuer = Static<typeof TrustedIssuer>;

export const CredentialRegistration = Type.Union([
  Type.Object(
    { type: Type.Literal('oidc'), issuer: Id, subject: Type.String({ minLength: 1, maxLength: 500 }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('jwk'), jwk: PublicJwk }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('static_secret') }, { additionalProperties: false }),
]);
export type CredentialRegistration = Static<typeof CredentialRegistration>;

export interface RegisteredCredential {
  id: string;
  identity: string;
  type: 'oidc' | 'jwk' | 'static_secret';
  issuer?: string;
  subject?: string;
  jwk?: object;
  created_at: string;
  revoked_at: string | null;
}

/**
 * The token endpoint's form fields (RFC 6749, 7523, 8693) plus the session Mandate asks to be
 * declared. Other parameters are dropped before validation (RFC 6749 §3.2: ignored, not refused).
 */
export const TokenRequest = Type.Object(
  {
    grant_type: Type.String({ maxLength: 200 }),
    subject_token: Type.Optional(Type.String({ maxLength: 16_384 })),
    subject_token_type: Type.Optional(Type.String({ maxLength: 200 })),
    requested_token_type: Type.Optional(Type.String({ maxLength: 200 })),
    assertion: Type.Optional(Type.String({ maxLength: 16_384 })),
    client_id: Type.Optional(Type.String({ maxLength: 200 })),
    client_secret: Type.Optional(Type.String({ maxLength: 500 })),
    client_assertion: Type.Optional(Type.String({ maxLength: 16_384 })),
    client_assertion_type: Type.Optional(Type.String({ maxLength: 200 })),
    audience: Type.Optional(Type.String({ maxLength: 500 })),
    resource: Type.Optional(Type.String({ maxLength: 2000 })),
    scope: Type.Optional(Type.String({ maxLength: 2000 })),
    identity: Type.Optional(Id),
    purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    environment: Type.Optional(Type.Union([Type.Literal('production'), Type.Literal('staging'), Type.Literal('development')])),
  },
  { additionalProperties: false },
);
export type TokenRequest = Static<typeof TokenRequest>;

export const TokenTtls = Type.Object(
  {
    default_s: Type.Integer({ minimum: 30, maximum: 3600 }),
    /** Execute identities acting for custody or transfer: the shortest. */
    execute_custody_transfer_s: Type.Integer({ minimum: 30, maximum: 3600 }),
    legacy_s: Type.Integer({ minimum: 30, maximum: 3600 }),
    by_function: Type.Record(Type.String(), Type.Integer({ minimum: 30, maximum: 3600 })),
  },
  { additionalProperties: false },
);
export type TokenTtls = Static<typeof TokenTtls>;

export const DEFAULT_TTLS: TokenTtls = { default_s: 900, execute_custody_transfer_s: 300, legacy_s: 300, by_function: {} };
