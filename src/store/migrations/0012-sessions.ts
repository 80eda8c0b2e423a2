// Migration 12: single sign-on (issue 18): people's sessions, the provider identities linked to
// Mandate users, and sign-ins under way. Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 12,
  name: 'sign-in sessions, external identities, pending sign-ins',
  // sessions: one row a sign-in (src/signin/). The session secret and its CSRF token are stored
  // only as SHA-256 digests; the provider's refresh token and ID token (the hint for RP-initiated
  // logout) only sealed with AES-256-GCM under the server's key-encryption key, and cleared when
  // the session ends. Times are ISO 8601 strings; idle_expires_at moves with last_seen_at.
  // external_identities: the (issuer, subject) a provider signs a person in as → their Mandate user.
  // signin_requests: an authorization (state digest as id) or a device authorization (handle
  // digest) under way, short-lived; its PKCE verifier or device code sealed.
  sql: `
CREATE TABLE sessions (
  id {{KEY}} PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  csrf_hash TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  client TEXT NOT NULL,
  amr TEXT NOT NULL,
  acr TEXT,
  auth_time TEXT,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  idle_expires_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  refreshed_at TEXT,
  refresh_due_at TEXT,
  sealed_refresh_token TEXT,
  sealed_id_token TEXT,
  ended_at TEXT,
  end_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id, ended_at);
CREATE INDEX sessions_refresh_due ON sessions (refresh_due_at);
CREATE INDEX sessions_open ON sessions (ended_at, idle_expires_at);
CREATE TABLE external_identities (
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  last_signin_at TEXT NOT NULL,
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identities_user ON external_identities (user_id);
CREATE TABLE signin_requests (
  id {{KEY}} PRIMARY KEY,
  kind TEXT NOT NULL,
  sealed TEXT NOT NULL,
  nonce TEXT,
  binding_hash TEXT,
  return_to TEXT,
  step_up_session TEXT,
  poll_interval INTEGER,
  polled_at TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX signin_requests_expiry ON signin_requests (expires_at)
`,
};
