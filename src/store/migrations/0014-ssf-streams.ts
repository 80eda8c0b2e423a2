// Migration 14: Shared Signals (OpenID SSF 1.0) streams and the SETs poll receivers have not
// acknowledged yet; signing keys get a purpose, so the key that signs security events is persisted
// and rotated like the token keys. Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 14,
  name: 'ssf streams, poll queue, signing key purpose',
  // signing_keys.purpose: 'token' (Mandate's access tokens) or 'set' (Security Event Tokens); each
  // purpose has its own current key, and a key of one purpose never verifies the other's tokens.
  // ssf_streams: one row a stream (src/ssf/). aud, events_requested as JSON; a push stream's
  // Authorization header only sealed with AES-256-GCM under the key-encryption key; owner is the
  // Mandate user whose API token created it (a receiver sees and manages only its own).
  // ssf_poll_sets: signed SETs of poll streams (RFC 8936) until the receiver acknowledges them.
  sql: `
ALTER TABLE signing_keys ADD COLUMN purpose TEXT NOT NULL DEFAULT 'token';
CREATE TABLE ssf_streams (
  id {{KEY}} PRIMARY KEY,
  owner TEXT NOT NULL,
  aud TEXT NOT NULL,
  method TEXT NOT NULL,
  endpoint_url TEXT,
  sealed_authorization TEXT,
  events_requested TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL,
  status_reason TEXT,
  verified_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ssf_streams_owner ON ssf_streams (owner);
CREATE TABLE ssf_poll_sets (
  seq {{SERIAL}},
  stream_id TEXT NOT NULL,
  jti TEXT NOT NULL,
  set_jwt TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ssf_poll_sets_jti ON ssf_poll_sets (stream_id, jti)
`,
};
