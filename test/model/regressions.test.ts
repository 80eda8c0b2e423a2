// Every discrepancy the model-based test found, kept as an explicit command sequence (shrunk by
// fast-check, then written out by hand so it does not depend on the generators). Each runs the
// model against a real server with no tolerance: a fixed one must stay fixed; one still open would
// be marked todo (reported, not failing) and listed in known.ts, which the random runs tolerate.
// The sequences tolerate the discrepancies still open (known.ts) except their own.
// Indexes: identities 0 cus-api, 1 cus-signer-fr, 2 settle-nl, 3 trade, 4 trade-fr, 5 exe-settle,
// 6 report, 7 agent, 8 vendor-kyc, 9 bg-cus, 10 stg-cus, 11 wal-release, 12 wal-update-beta, 13 wal-stg,
// 14 wal-devmgmt, 15 app-build, 16 prod-obs, 17 rel-cus; authorisations 0 a-cus-de, 1 a-cus-fr,
// 2 a-cus-nl, 3 a-cus-it (applied), 4 a-exe-de, 5 a-exe-fr; products 0 prod-wallet (on the market),
// 1 prod-app (assessed) (test/model/world.ts).
import { test } from 'node:test';
import {
  DecideProduct,
  Edit,
  ImportEdit,
  ImportProductStatusChange,
  ImportSame,
  ImportStatusChange,
  PreviewProduct,
  Propose,
  ProposeProduct,
  RequestAccess,
  RevokeAccess,
  Seal,
  SetStatus,
  Tick,
  Unseal,
  Vote,
} from './commands.js';
import { KNOWN } from './known.js';
import { runSequence } from './run.js';

const STORE = (process.env.MODEL_REGRESSION_STORE as 'sqlite' | 'postgres' | undefined) ?? 'sqlite';
const run = (cmds: Parameters<typeof runSequence>[1], own?: string) => async () => {
  await runSequence(
    STORE,
    cmds,
    KNOWN.filter((id) => id !== own),
  );
};

// ---- found by the model while the change contract landed, and fixed ------------------------------

test('BOOTSTRAP: the bootstrap import records the power of an identity acting in an applied passport (settle-nl: narrowed in IT)', run([]));

test(
  'EDIT_NOT_RECOMPUTED: an identity edit that adds no power recomputes its stored power (stg-cus made a vendor identity)',
  run([new Edit(10, 5, 0, 0)]),
);

test(
  'IMPORT_STATUS_CHANGE_ACCEPTED: an import that changes an authorisation status is refused whole, STATUS_CHANGE_NEEDS_TRANSITION ' +
    'naming the record',
  run([new ImportStatusChange(0, 0)]),
);

test(
  'REVOKED_REQUEST_STAYS_PENDING (fixed in 75cdae6): a pending access request withdrawn by revoke is cancelled',
  run([new RequestAccess(7, 0, 0, 1, 0), new RevokeAccess(0, 0)]),
);

test(
  'SEALED_ACTIVATION_STAYS_PENDING (fixed in 75cdae6): a pending break-glass activation sealed is cancelled, and the identity can be ' +
    'unsealed again',
  run([new Unseal(true, false, 0, 0), new Seal(0, 0), new Unseal(true, false, 0, 1)]),
);

test(
  'IMPORT_KEEPS_TOKENS (fixed in 189f333): an import that makes cus-api a break-glass identity stops its outstanding tokens',
  run([new ImportEdit(0, 6, 0)]),
);

test(
  'SUSPENDED_NOT_RECORDED (fixed in bdbce3f): trade-fr suspended by hand, then its only scope withdrawn: nothing lawful is recorded ' +
    'and reactivation is refused',
  run([new SetStatus(4, true, 0), new Propose(0, 5, 2, true, 0, null, false), new Vote(0, 0, false), new SetStatus(4, false, 0)]),
);

// Before the fix the approval committed, the transition stayed approved for ever, and as an approved
// restriction it was published to decisions as provisional state: vendor-kyc could onboard clients in
// ent-de/custody/FR, withdrawn (server and SDK alike).
test(
  'STALE_TRANSITION_APPROVED (fixed in 67f14c1): approving a restriction of a passport withdrawn meanwhile is refused and commits nothing',
  run([
    new Propose(0, 1, 2, true, 0, null, false),
    new Propose(1, 1, 0, true, 0, null, false),
    new Vote(0, 0, false),
    new Vote(0, 1, false),
  ]),
);

// Before the fix applyDue threw on the stale one at every tick, it stayed approved (binding as a
// provisional restriction), and no transition due after it ever applied (trade-fr stayed active).
test(
  'STALE_SCHEDULED_TRANSITION (fixed in 67f14c1): a scheduled restriction overtaken by a withdrawal is superseded; a later scheduled ' +
    'withdrawal still applies',
  run([
    new Propose(0, 1, 0, true, 0, null, false, true),
    new Vote(0, 0, false), // a-cus-fr → restricted in 30 min, approved
    new Propose(0, 1, 2, true, 0, null, false),
    new Vote(0, 1, false), // a-cus-fr → withdrawn now
    new Propose(0, 5, 2, true, 0, null, false, true),
    new Vote(0, 2, false), // a-exe-fr → withdrawn in 30 min, approved
    new Tick(3), // two hours pass
  ]),
);

test(
  'EDIT_RESTORES_SUSPENDED (fixed in 67f14c1): trade-fr suspended by the withdrawal of a-exe-fr stays suspended when an edit makes it ' +
    'observe-only',
  run([new Propose(0, 5, 2, true, 0, null, false), new Vote(0, 0, false), new Edit(4, 7, 0, 0)]),
);

// Same cause, through an import: vendor-kyc suspended by a-cus-de winding down (passports follow),
// then imported as observe-only.
test(
  'EDIT_RESTORES_SUSPENDED by import (fixed in 67f14c1): an import that makes a suspended identity observe-only does not reactivate it',
  run([new Propose(0, 0, 3, true, 0, null, true), new ImportEdit(8, 7, 0)]),
);

// ---- products under the CRA (issue 20) ----------------------------------------------------------

test(
  'PRODUCTS: a recall previewed, proposed, approved by another person and cascaded as the model says; a scheduled launch ' +
    'applied by the scheduler; invalid targets refused; decisions on product resources',
  run([
    new PreviewProduct(0, 5), // prod-wallet → recalled: the preview
    new ProposeProduct(0, 0, 2, true), // carla proposes prod-wallet → recalled
    new Vote(0, 1, false), // alma approves: applied, the cascade narrows and suspends
    new ImportSame(), // the manifest with the recalled status and its reference imports as it is
    new DecideProduct(11, 0, 0), // wal-release may not publish a release of a recalled product
    new ProposeProduct(0, 1, 0, true, true), // prod-app assessed → on_market in 30 minutes
    new Vote(0, 1, false),
    new Tick(2), // the scheduler applies it
    new ProposeProduct(0, 0, 1, false), // recalled → assessed: INVALID_TRANSITION
    new PreviewProduct(0, 0), // recalled → in_development: INVALID_TRANSITION
    new ProposeProduct(3, 0, 0, true), // an operator may not propose
    new ProposeProduct(0, 0, 0, true), // prod-wallet recalled → on_market
    new Vote(0, 6, false), // carla, the proposer, may not approve
    new Vote(0, 4, false), // boss approves: restored
    new Edit(17, 1, 0, 0), // rel-cus loses a scope
    new ImportProductStatusChange(1, 0), // an import may not change prod-app's status
  ]),
);

// docs/cra.md: "A product scope decides product actions only. A MiCA scope decides every other action."
// The decision point asks only whether the action is entitled and the scope held, whatever the regime.
test(
  'PRODUCT_ACTION_IN_MICA_SCOPE (fixed): rel-cus, acting for custody in DE and for the wallet, may not publish_release in ' +
    'ent-de/custody/DE',
  run([], 'PRODUCT_ACTION_IN_MICA_SCOPE'),
);

test(
  'MICA_ACTION_IN_PRODUCT_SCOPE (fixed): rel-cus may not initiate_transfer in product:prod-wallet/stable',
  run([new DecideProduct(17, 7, 0)], 'MICA_ACTION_IN_PRODUCT_SCOPE'),
);
