// Migration 22: open findings by the date they fall due (GET /v1/findings/due, the console's
// deadlines). Released: it never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 22,
  name: 'findings by due date',
  // The next few open findings to fall due, from one index range, instead of every open finding
  // read and sorted (64,595 of them, 3.6 MB of JSON, at 100,000 identities).
  sql: `
CREATE INDEX compliance_findings_due ON compliance_findings (status, due_at, id)
`,
};
