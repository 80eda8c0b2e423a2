// Migration 1: the inventory (entities, people, vendors, authorisations, identities and their
// scopes), the event log, and control-plane users with their API tokens.
// Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 1,
  name: 'inventory, events, access',
  sql: `
CREATE TABLE entities (
  id {{KEY}} PRIMARY KEY, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE people (
  id {{KEY}} PRIMARY KEY, status TEXT NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE vendors (
  id {{KEY}} PRIMARY KEY, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE authorisations (
  id {{KEY}} PRIMARY KEY, entity TEXT NOT NULL, service TEXT NOT NULL, jurisdiction TEXT NOT NULL,
  status TEXT NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  UNIQUE (entity, service, jurisdiction)
);
CREATE INDEX authorisations_status ON authorisations (status, id);
CREATE TABLE identities (
  id {{KEY}} PRIMARY KEY, kind TEXT NOT NULL, function TEXT NOT NULL, capability TEXT NOT NULL,
  owner TEXT, vendor TEXT, status TEXT NOT NULL, environment TEXT NOT NULL, break_glass INTEGER NOT NULL,
  doc TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
-- Indexes only where a filter can be selective (an owner, a vendor, a rare status): kind,
-- function, capability and environment have a handful of values each, so a page walks the
-- primary key and finds its rows within a few thousand, and an index would only slow imports.
CREATE INDEX identities_owner ON identities (owner, id);
CREATE INDEX identities_vendor ON identities (vendor, id);
CREATE INDEX identities_status ON identities (status, id);
CREATE TABLE identity_scopes (
  identity_id {{KEY}} NOT NULL, entity TEXT NOT NULL, service TEXT NOT NULL, jurisdiction TEXT NOT NULL,
  PRIMARY KEY (identity_id, entity, service, jurisdiction)
);
CREATE INDEX identity_scopes_entity ON identity_scopes (entity, identity_id);
CREATE INDEX identity_scopes_service ON identity_scopes (service, identity_id);
CREATE INDEX identity_scopes_jurisdiction ON identity_scopes (jurisdiction, identity_id);
CREATE TABLE actions (
  id {{KEY}} PRIMARY KEY, class TEXT NOT NULL, description TEXT NOT NULL
);
CREATE TABLE events (
  seq {{SERIAL}},
  at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  subject_type TEXT NOT NULL, subject_id TEXT NOT NULL,
  before_doc TEXT, after_doc TEXT, reason TEXT
);
CREATE INDEX events_subject ON events (subject_id, subject_type, seq);
CREATE TABLE users (
  id {{KEY}} PRIMARY KEY, name TEXT NOT NULL, roles TEXT NOT NULL, status TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
  id {{KEY}} PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), hash TEXT NOT NULL UNIQUE,
  label TEXT, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
`,
};
