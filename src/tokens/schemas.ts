// What the token routes take and answer beyond the models of model.ts: the RFC 7009 / 7662
// parameters, the token and introspection answers, RFC 8414 metadata and registered credentials.
import { Type } from '@sinclair/typebox';
import { Id } from '../core/model.js';
import { Nullable, OpenObject } from '../http/responses.js';

// RFC 7009 / 7662 requests: the token, its hint, and the client's own authentication (RFC 6749 §2.3).
export const TokenParam = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 16_384 }),
    token_type_hint: Type.Optional(Type.String({ maxLength: 100 })),
    client_id: Type.Optional(Type.String({ maxLength: 200 })),
    client_secret: Type.Optional(Type.String({ maxLength: 500 })),
    client_assertion: Type.Optional(Type.String({ maxLength: 16_384 })),
    client_assertion_type: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const IdParam = Type.Object({ id: Id });
export const CredentialParams = Type.Object({ id: Id, credential: Id });

/** The token endpoint's answer (src/tokens/issuance.ts `TokenResponse`). */
export const TokenAnswer = Type.Object({
  access_token: Type.String(),
  issued_token_type: Type.String(),
  token_type: Type.String(),
  expires_in: Type.Integer(),
  scope: Type.String(),
});
/** RFC 7662: `active`, and the token's claims when it is active for the caller. */
export const Introspection = Type.Object({ active: Type.Boolean() }, { additionalProperties: true });

/** A registered credential (src/tokens/model.ts `RegisteredCredential`), with a static secret in its creation answer only. */
export const CredOut = Type.Object({
  id: Type.String(),
  identity: Type.String(),
  type: Type.String(),
  issuer: Type.Optional(Type.String()),
  subject: Type.Optional(Type.String()),
  jwk: Type.Optional(OpenObject()),
  created_at: Type.String(),
  revoked_at: Nullable(Type.String()),
  secret: Type.Optional(Type.String({ description: 'the static secret, in this answer only' })),
});

export const Metadata = Type.Object(
  {
    issuer: Type.String(),
    token_endpoint: Type.String(),
    jwks_uri: Type.String(),
    introspection_endpoint: Type.String(),
    revocation_endpoint: Type.String(),
    grant_types_supported: Type.Array(Type.String()),
    response_types_supported: Type.Array(Type.String()),
    token_endpoint_auth_methods_supported: Type.Array(Type.String()),
    token_endpoint_auth_signing_alg_values_supported: Type.Array(Type.String()),
    introspection_endpoint_auth_methods_supported: Type.Array(Type.String()),
    introspection_endpoint_auth_signing_alg_values_supported: Type.Array(Type.String()),
    revocation_endpoint_auth_methods_supported: Type.Array(Type.String()),
    revocation_endpoint_auth_signing_alg_values_supported: Type.Array(Type.String()),
    token_exchange_subject_token_types_supported: Type.Array(Type.String(), {
      description: 'Mandate extension: subject_token_type values RFC 8693 exchange accepts',
    }),
    token_exchange_requested_token_types_supported: Type.Array(Type.String(), {
      description: 'Mandate extension: requested_token_type values RFC 8693 exchange issues',
    }),
  },
  { additionalProperties: false, title: 'AuthorizationServerMetadata', description: 'RFC 8414 authorization server metadata' },
);

/** The answer of revoking every token of an identity. */
export const TokenGeneration = Type.Object({ identity: Type.String(), generation: Type.Integer() });
export const RevokeTokensBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
