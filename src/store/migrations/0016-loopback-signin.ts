// Migration 16: the CLI's loopback sign-in (issue 18): a sign-in begun for a CLI listening on
// 127.0.0.1 carries the CLI's PKCE-style code challenge, and ends in a one-time code the CLI
// redeems with its verifier. Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 16,
  name: 'loopback sign-in code challenge',
  // signin_requests.code_challenge: the S256 challenge (base64url SHA-256 of the CLI's verifier) of
  // a browser sign-in whose return_to is a loopback URL, and of the one-time code (kind 'loopback',
  // its digest the id, the session secret sealed) the browser is sent back to the CLI with.
  sql: `
ALTER TABLE signin_requests ADD COLUMN code_challenge TEXT
`,
};
