// Every discrepancy the model-based test found, kept as an explicit command sequence (shrunk by
// fast-check, then written out by hand so it does not depend on the generators). Each runs the
// model against a real server with no tolerance: a fixed one must stay fixed; one still open is
// marked todo (reported, not failing) and listed in known.ts, which the random runs tolerate.
// Indexes: identities 0 cus-api, 1 cus-signer-fr, 2 settle-nl, 3 trade, 4 trade-fr, 5 exe-settle,
// 6 report, 7 agent, 8 vendor-kyc, 9 bg-cus, 10 stg-cus; authorisations 0 a-cus-de, 1 a-cus-fr,
// 2 a-cus-nl, 3 a-cus-it (applied), 4 a-exe-de, 5 a-exe-fr (test/model/world.ts).
import { test } from 'node:test';
import {
  Edit, ImportEdit, ImportStatusChange, Propose, RequestAccess, RevokeAccess, Seal, SetStatus, Tick, Unseal, Vote,
} from './commands.js';
import { runSequence } from './run.js';

const STORE = (process.env.MODEL_REGRESSION_STORE as 'sqlite' | 'postgres' | undefined) ?? 'sqlite';
const run = (cmds: Parameters<typeof runSequence>[1]) => async () => {
  await runSequence(STORE, cmds);
};

// ---- found and fixed while the change contract landed ----------------------------------------

test('the bootstrap import records the power of an identity acting in an applied passport (settle-nl: narrowed in IT)', run([]));

test('an identity edit that adds no power recomputes its stored power (stg-cus made a vendor identity)', run([new Edit(10, 5, 0, 0)]));

test('an import that changes an authorisation status is refused whole, STATUS_CHANGE_NEEDS_TRANSITION naming the record', run([new ImportStatusChange(0, 0)]));

test('REVOKED_REQUEST_STAYS_PENDING (fixed in 75cdae6): a pending access request withdrawn by revoke is cancelled', run([new RequestAccess(7, 0, 0, 1, 0), new RevokeAccess(0, 0)]));

test('SEALED_ACTIVATION_STAYS_PENDING (fixed in 75cdae6): a pending break-glass activation sealed is cancelled, and the identity can be unsealed again',
  run([new Unseal(true, false, 0, 0), new Seal(0, 0), new Unseal(true, false, 0, 1)]));

// ---- still open (known.ts) ---------------------------------------------------------------------

test('IMPORT_KEEPS_TOKENS: an import that makes cus-api a break-glass identity stops its outstanding tokens', { todo: 'open: the old token still allows (the import does not move the token generation)' },
  run([new ImportEdit(0, 6, 0)]));

test('SUSPENDED_NOT_RECORDED: trade-fr suspended by hand, then its only scope withdrawn: nothing lawful is recorded and reactivation is refused', { todo: 'open: no identity_power row is written, and reactivation is allowed' },
  run([new SetStatus(4, true, 0), new Propose(0, 5, 2, true, 0, null, false), new Vote(0, 0, false), new SetStatus(4, false, 0)]));

// The consequence, with the model following the stuck transition: vendor-kyc may onboard clients in
// ent-de/custody/FR, withdrawn, because the stuck "approved" restriction is published as provisional.
test('STALE_TRANSITION_APPROVED: approving a restriction of a passport withdrawn meanwhile is refused and commits nothing', { todo: 'open: the approval commits; the transition stays approved and binds decisions as a provisional restriction' },
  run([new Propose(0, 1, 2, true, 0, null, false), new Propose(1, 1, 0, true, 0, null, false), new Vote(0, 0, false), new Vote(0, 1, false)]));

test('STALE_SCHEDULED_TRANSITION: a scheduled restriction overtaken by a withdrawal does not stop the scheduler; a later scheduled withdrawal still applies', { todo: 'open: applyDue throws on the stale one at every tick; the later one never applies (trade-fr stays active)' },
  run([
    new Propose(0, 1, 0, true, 0, null, false, true), new Vote(0, 0, false), // a-cus-fr → restricted in 30 min, approved
    new Propose(0, 1, 2, true, 0, null, false), new Vote(0, 1, false), // a-cus-fr → withdrawn now
    new Propose(0, 5, 2, true, 0, null, false, true), new Vote(0, 2, false), // a-exe-fr → withdrawn in 30 min, approved
    new Tick(3), // two hours pass
  ]));

test('EDIT_RESTORES_SUSPENDED: trade-fr suspended by the withdrawal of a-exe-fr stays suspended when an edit makes it observe-only', { todo: 'open: the edit (applied at once as removing power) restores it to active' },
  run([new Propose(0, 5, 2, true, 0, null, false), new Vote(0, 0, false), new Edit(4, 7, 0, 0)]));
