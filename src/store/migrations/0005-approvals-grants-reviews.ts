// Migration 5: approvals, just-in-time grants, exceptions, break-glass activations and access reviews.
// Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 5,
  name: 'approvals, just-in-time grants, exceptions, break-glass activations, access reviews',
  sql: `
-- One approval engine: every request that needs approval (a transition, a policy or rule change,
-- an access request, an exception, a break-glass activation) is a row here, and each person's
-- vote is one row of approval_votes (the key makes one person's approval count once).
CREATE TABLE approvals (
  id {{KEY}} PRIMARY KEY, kind TEXT NOT NULL, subject_type TEXT NOT NULL, subject_id TEXT NOT NULL,
  requester TEXT NOT NULL, owner TEXT, summary TEXT NOT NULL, detail TEXT NOT NULL, rule_id TEXT NOT NULL,
  required INTEGER NOT NULL, roles TEXT NOT NULL, status TEXT NOT NULL,
  created_at TEXT NOT NULL, expires_at TEXT NOT NULL, decided_at TEXT, outcome TEXT
);
CREATE INDEX approvals_status ON approvals (status, expires_at);
CREATE INDEX approvals_subject ON approvals (subject_id, kind);
CREATE TABLE approval_votes (
  approval_id {{KEY}} NOT NULL, voter TEXT NOT NULL, decision TEXT NOT NULL, reason TEXT, at TEXT NOT NULL,
  PRIMARY KEY (approval_id, voter)
);
-- Changes to policies and lifecycle rules wait here for their approval, then are published.
CREATE TABLE change_requests (
  id {{KEY}} PRIMARY KEY, kind TEXT NOT NULL, doc TEXT NOT NULL, requester TEXT NOT NULL,
  status TEXT NOT NULL, result TEXT, created_at TEXT NOT NULL
);
-- What an approved access request, exception or break-glass activation lets an identity do at
-- runtime, until it expires or is cut. Enforcement points receive the active ones.
CREATE TABLE grants (
  id {{KEY}} PRIMARY KEY, kind TEXT NOT NULL, identity_id TEXT NOT NULL, doc TEXT NOT NULL,
  status TEXT NOT NULL, starts_at TEXT NOT NULL, expires_at TEXT NOT NULL, ended_at TEXT, end_reason TEXT
);
CREATE INDEX grants_identity ON grants (identity_id, status);
CREATE INDEX grants_status ON grants (status, expires_at);
CREATE TABLE access_requests (
  id {{KEY}} PRIMARY KEY, identity_id TEXT NOT NULL, requester TEXT NOT NULL, doc TEXT NOT NULL,
  status TEXT NOT NULL, approval_id TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX access_requests_identity ON access_requests (identity_id, created_at);
CREATE TABLE policy_exceptions (
  id {{KEY}} PRIMARY KEY, identity_id TEXT NOT NULL, requester TEXT NOT NULL, doc TEXT NOT NULL,
  status TEXT NOT NULL, approval_id TEXT NOT NULL, expires_at TEXT NOT NULL,
  closed_by TEXT, closed_at TEXT, close_notes TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX policy_exceptions_status ON policy_exceptions (status, expires_at);
CREATE TABLE break_glass_activations (
  id {{KEY}} PRIMARY KEY, identity_id TEXT NOT NULL, requester TEXT NOT NULL, doc TEXT NOT NULL,
  emergency INTEGER NOT NULL, status TEXT NOT NULL, approval_id TEXT,
  starts_at TEXT, ends_at TEXT, review_status TEXT NOT NULL, reviewed_by TEXT, reviewed_at TEXT, review_notes TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX break_glass_identity ON break_glass_activations (identity_id, created_at);
-- Access review campaigns: each item is one identity its owner keeps, narrows or revokes.
CREATE TABLE review_campaigns (
  id {{KEY}} PRIMARY KEY, doc TEXT NOT NULL, status TEXT NOT NULL, created_by TEXT NOT NULL,
  created_at TEXT NOT NULL, due_at TEXT NOT NULL, closed_at TEXT
);
CREATE TABLE review_items (
  campaign_id {{KEY}} NOT NULL, identity_id {{KEY}} NOT NULL, reviewer TEXT, flags TEXT NOT NULL,
  decision TEXT, decided_by TEXT, decided_at TEXT, notes TEXT, PRIMARY KEY (campaign_id, identity_id)
);
CREATE INDEX review_items_reviewer ON review_items (reviewer, campaign_id);
`,
};
