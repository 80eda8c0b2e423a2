// Migration 17: Shared Signals subjects (OpenID SSF 1.0 §8.1.3). A stream carries every identity
// (default_subjects ALL, as streams did before) or none (NONE) but the subjects its receiver added
// or removed. Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 17,
  name: 'ssf stream subjects',
  // ssf_streams.default_subjects: 'ALL' or 'NONE'. ssf_stream_subjects: the receiver's last word on
  // one identity for one stream (state 'added' or 'removed'), keyed by the identity id its subject
  // names; subject is the Subject Identifier as sent (JSON), verified 1 or 0 (add subject's
  // verified, 1 when left out); the rows go with their stream. Whether the identity exists is not
  // asked: a subject names an id, known now or later.
  sql: `
ALTER TABLE ssf_streams ADD COLUMN default_subjects TEXT NOT NULL DEFAULT 'ALL';
CREATE TABLE ssf_stream_subjects (
  stream_id {{KEY}} NOT NULL,
  identity_id {{KEY}} NOT NULL,
  state TEXT NOT NULL,
  subject TEXT NOT NULL,
  verified INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (stream_id, identity_id)
)
`,
};
