// Migration 13: four eyes count people (issue 18 item 4). Users have a kind: a person, or an API
// client (automation, created by an administrator, never a voter); each vote records the person
// behind it (the provider's issuer and subject for a signed-in person, else the user), so
// separation of duties compares people rather than accounts. Released: it never changes; a change
// is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 13,
  name: 'user kinds (people and API clients); the person behind each vote',
  sql: `
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person';
ALTER TABLE approval_votes ADD COLUMN person TEXT
`,
};
