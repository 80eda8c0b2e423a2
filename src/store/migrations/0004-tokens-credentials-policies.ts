// Migration 4: the token service: signing keys, workload credentials, revocation, and the Cedar policies.
// Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 4,
  name: 'token service, workload credentials, revocation, Cedar policies',
  sql: `
-- Token-signing keys (EdDSA): the private half sealed under the KEK. Retired keys stay published
-- until the last token they signed has expired.
CREATE TABLE signing_keys (
  kid {{KEY}} PRIMARY KEY, public_jwk TEXT NOT NULL, sealed_private TEXT NOT NULL,
  created_at TEXT NOT NULL, retired_at TEXT
);
-- OIDC issuers whose workload tokens Mandate accepts (Kubernetes, CI, cloud workload identity).
CREATE TABLE trusted_issuers (
  id {{KEY}} PRIMARY KEY, issuer TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, created_at TEXT NOT NULL
);
-- How an identity proves itself: an OIDC subject at a trusted issuer, a registered public key
-- (RFC 7523), or, for legacy identities only, a static secret kept as a salted hash.
CREATE TABLE identity_credentials (
  id {{KEY}} PRIMARY KEY, identity_id TEXT NOT NULL, type TEXT NOT NULL,
  issuer TEXT, subject TEXT, public_jwk TEXT, secret_hash TEXT,
  created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE INDEX identity_credentials_identity ON identity_credentials (identity_id);
CREATE UNIQUE INDEX identity_credentials_subject ON identity_credentials (issuer, subject);
-- Revocation in O(affected identities): a token is valid only while its generation is the
-- identity's current one. Single tokens go on a small deny-list until they expire.
CREATE TABLE token_generations (
  identity_id {{KEY}} PRIMARY KEY, generation INTEGER NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE revoked_tokens (
  jti {{KEY}} PRIMARY KEY, identity_id TEXT NOT NULL, expires_at INTEGER NOT NULL, revoked_at TEXT NOT NULL
);
-- One-time use of client assertions and workload tokens that carry a jti (replay protection).
CREATE TABLE seen_assertions (
  issuer TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (issuer, jti)
);
-- Versions of the firm's Cedar policy set. The newest is in force.
CREATE TABLE cedar_policies (
  version INTEGER PRIMARY KEY, text TEXT NOT NULL, doc TEXT NOT NULL, digest TEXT NOT NULL,
  actor TEXT NOT NULL, created_at TEXT NOT NULL
);
`,
};
