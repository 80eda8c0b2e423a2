// The migrations in the order they run, one file each (NNNN-short-name.ts, NNNN its version). A new
// migration is a new file with the next version, added at the end of this list;
// test/store/migrations.test.ts checks the files, the versions and the names recorded.
import { migration as m0001 } from './0001-inventory-events-access.js';
import { migration as m0002 } from './0002-transitions-lifecycle-rules-power-outbox.js';
import { migration as m0003 } from './0003-ledger-merkle-checkpoints.js';
import { migration as m0004 } from './0004-tokens-credentials-policies.js';
import { migration as m0005 } from './0005-approvals-grants-reviews.js';
import { migration as m0006 } from './0006-checks-findings-readiness-leaks.js';
import { migration as m0007 } from './0007-decision-usage.js';
import { migration as m0008 } from './0008-identity-lists.js';
import { migration as m0009 } from './0009-discovery.js';
import { migration as m0010 } from './0010-discovered-accounts-verification.js';
import { migration as m0011 } from './0011-rate-limits.js';
import { migration as m0012 } from './0012-sessions.js';
import { migration as m0013 } from './0013-api-clients-vote-persons.js';
import { migration as m0014 } from './0014-ssf-streams.js';
import { migration as m0015 } from './0015-session-device-posture.js';
import { migration as m0016 } from './0016-loopback-signin.js';
import { migration as m0017 } from './0017-ssf-subjects.js';
import { migration as m0018 } from './0018-siem-cursors.js';
import { migration as m0019 } from './0019-leader-lease.js';
import { migration as m0020 } from './0020-deployment-key-rotation.js';
import { migration as m0021 } from './0021-products.js';
import { migration as m0022 } from './0022-findings-due.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

export const MIGRATIONS: readonly Migration[] = [
  m0001,
  m0002,
  m0003,
  m0004,
  m0005,
  m0006,
  m0007,
  m0008,
  m0009,
  m0010,
  m0011,
  m0012,
  m0013,
  m0014,
  m0015,
  m0016,
  m0017,
  m0018,
  m0019,
  m0020,
  m0021,
  m0022,
];
