// Migration 15: people in the decision plane (issue 18 item 6). A session keeps the posture of the
// device its person signed in from, as the provider's claim said at sign-in, step-up or refresh
// (compliant, non_compliant or unknown; NULL for sessions started before, read as unknown), so
// the decision point decides for a signed-in person from their sign-in. Released: it never
// changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 15,
  name: 'session device posture',
  sql: `
ALTER TABLE sessions ADD COLUMN device_posture TEXT
`,
};
