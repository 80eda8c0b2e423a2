// The pure core of access reviews: flags, who may decide, what a narrowing may be, recurrence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MandateError } from '../../src/core/errors.js';
import type { Person } from '../../src/core/model.js';
import {
  decisionRefusal,
  flagsFor,
  narrowIdentity,
  nextDueAt,
  reviewerFor,
  REVIEW_FLAGS,
  type ApprovalFact,
  type ItemFacts,
} from '../../src/core/reviews.js';
import { ROLES } from '../../src/core/roles.js';
import { normaliseIdentity } from '../../src/core/rules.js';
import { ActionVocabulary, CAPABILITIES, MICA_SERVICES } from '../../src/core/vocabulary.js';
import { identity } from '../support/fixtures.js';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-11-22T10:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
const vocab = new ActionVocabulary();
const alice: Person = { id: 'alice@firm.example', name: 'Alice', status: 'active' };
const custody = (over = {}) => normaliseIdentity(identity('svc', { last_used: ago(1), ...over }), vocab);
const fact = (o: {
  status?: string;
  decided?: number;
  expires?: number;
  holds?: 'grant' | 'exception';
  holdStatus?: string;
}): ApprovalFact => ({
  approval: { id: 'ap', kind: 'exception', status: o.status ?? 'approved', decided_at: ago(o.decided ?? 1) },
  holds: { type: o.holds ?? 'grant', id: 'g', status: o.holdStatus ?? 'active', expires_at: ago(-(o.expires ?? 30)) },
});

test('flags: each one for its reason, and none without', () => {
  const quiet = custody({ function: 'reporting', capability: 'observe' });
  assert.deepEqual(flagsFor(quiet, alice, [], NOW), []);
  assert.deepEqual(flagsFor(quiet, { ...alice, status: 'departed' }, [], NOW), ['departed_owner']);
  assert.deepEqual(flagsFor(quiet, undefined, [], NOW), ['no_owner']);
  assert.deepEqual(flagsFor({ ...quiet, owner: undefined }, undefined, [], NOW), ['no_owner']);
  assert.deepEqual(flagsFor(custody({ function: 'reporting', capability: 'observe', last_used: undefined }), alice, [], NOW), ['unused']);
  assert.deepEqual(flagsFor(custody({ function: 'reporting', capability: 'observe', last_used: ago(91) }), alice, [], NOW), ['unused']);
  assert.deepEqual(flagsFor(custody({ function: 'reporting', capability: 'observe', last_used: ago(89) }), alice, [], NOW), []);
  assert.deepEqual(flagsFor(custody(), alice, [], NOW), ['execute_on_client_assets']);
  assert.deepEqual(flagsFor(custody({ scopes: [{ entity: 'e', service: 'transfer', jurisdiction: 'DE' }] }), alice, [], NOW), [
    'execute_on_client_assets',
  ]);
  assert.deepEqual(
    flagsFor(custody({ function: 'trading', scopes: [{ entity: 'e', service: 'execution', jurisdiction: 'DE' }] }), alice, [], NOW),
    [],
  );
});

test('stale approval: an old approval still giving something, or an exception run out and never closed', () => {
  const quiet = custody({ function: 'reporting', capability: 'observe' });
  const stale = (f: ApprovalFact) => flagsFor(quiet, alice, [f], NOW).includes('stale_approval');
  assert.equal(stale(fact({ decided: 91 })), true);
  assert.equal(stale(fact({ decided: 89 })), false);
  // Ended, or run out as a grant: gives nothing any more.
  assert.equal(stale(fact({ decided: 200, holdStatus: 'cut' })), false);
  assert.equal(stale(fact({ decided: 200, expires: -1 })), false);
  // An exception past its expiry, still on the register.
  assert.equal(stale(fact({ holds: 'exception', expires: -1, holdStatus: 'expired' })), true);
  assert.equal(stale(fact({ holds: 'exception', expires: -1, holdStatus: 'active' })), true);
  assert.equal(stale(fact({ holds: 'exception', expires: -1, holdStatus: 'closed' })), false);
  // Only what an approval still stands behind.
  assert.equal(stale(fact({ holds: 'exception', expires: -1, status: 'rejected' })), false);
});

test('property: flags are distinct, in the catalogue order, and owner flags exclude each other', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...CAPABILITIES),
      fc.subarray([...MICA_SERVICES], { minLength: 1 }),
      fc.option(fc.integer({ min: 0, max: 400 })),
      fc.constantFrom('active', 'departed', 'unknown', 'none'),
      fc.array(
        fc.record({
          status: fc.constantFrom('approved', 'rejected'),
          decided: fc.integer({ min: 0, max: 400 }),
          expires: fc.integer({ min: -100, max: 400 }),
          holds: fc.constantFrom('grant' as const, 'exception' as const),
          holdStatus: fc.constantFrom('active', 'expired', 'closed', 'cut'),
        }),
        { maxLength: 4 },
      ),
      (capability, services, usedDaysAgo, ownerState, facts) => {
        const id = custody({
          capability,
          function: capability === 'observe' ? 'reporting' : 'custody',
          last_used: usedDaysAgo === null ? undefined : ago(usedDaysAgo),
          scopes: services.map((service) => ({ entity: 'e', service, jurisdiction: 'DE' })),
          ...(ownerState === 'none' ? { owner: undefined } : {}),
        });
        const owner = ownerState === 'active' || ownerState === 'departed' ? { ...alice, status: ownerState } : undefined;
        const flags = flagsFor(id, owner, facts.map(fact), NOW);
        assert.deepEqual(
          flags,
          REVIEW_FLAGS.filter((f) => flags.includes(f)),
          'distinct, in catalogue order',
        );
        assert.equal(flags.includes('departed_owner'), ownerState === 'departed');
        assert.equal(flags.includes('no_owner'), ownerState === 'unknown' || ownerState === 'none');
        assert.equal(flags.includes('unused'), usedDaysAgo === null || usedDaysAgo > 90);
        assert.equal(
          flags.includes('execute_on_client_assets'),
          capability === 'execute' && services.some((s) => s === 'custody' || s === 'transfer'),
        );
        // The reviewer is the owner exactly when no owner flag is raised.
        assert.equal(reviewerFor(id, owner) === null, flags.includes('departed_owner') || flags.includes('no_owner'));
      },
    ),
    { numRuns: 500 },
  );
});

test('property: only the reviewer (or a review manager for unowned items) decides, once, while the campaign is open', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('alice', 'bob', null),
      fc.constantFrom('alice', 'bob', 'carol'),
      fc.subarray([...ROLES]),
      fc.constantFrom('keep' as const, null),
      fc.constantFrom('open' as const, 'closed' as const, 'overdue' as const),
      (reviewer, user, roles, decision, campaignStatus) => {
        const item: ItemFacts = {
          campaign: 'rc',
          campaignStatus,
          identity: 'svc',
          reviewer,
          decision,
          decidedBy: decision ? (reviewer ?? 'cora') : null,
        };
        const refusal = decisionRefusal(item, { user, roles });
        const entitled = reviewer === null ? roles.includes('compliance_officer') || roles.includes('admin') : reviewer === user;
        assert.equal(refusal === undefined, entitled && decision === null && campaignStatus === 'open');
        if (!entitled) assert.equal(refusal?.code, 'FORBIDDEN');
        else if (decision !== null) assert.equal(refusal?.code, 'ALREADY_DECIDED');
        else if (campaignStatus !== 'open') assert.equal(refusal?.code, 'INVALID_TRANSITION');
      },
    ),
  );
});

test('property: a narrowing keeps a strict subset, in the identity’s order; anything else is refused naming the field', () => {
  const base = custody({
    scopes: [
      { entity: 'e', service: 'custody', jurisdiction: 'DE' },
      { entity: 'e', service: 'custody', jurisdiction: 'FR' },
      { entity: 'e', service: 'transfer', jurisdiction: 'DE' },
    ],
  });
  const allActions = ['read', 'initiate_transfer', 'withdraw_to_client', 'transfer_to_successor', 'reconcile', 'execute_trade'];
  fc.assert(
    fc.property(
      fc.option(fc.shuffledSubarray(allActions)),
      fc.option(fc.shuffledSubarray([...base.scopes, { entity: 'e', service: 'advice' as const, jurisdiction: 'IT' as const }])),
      (actions, scopes) => {
        const to = { ...(actions ? { actions } : {}), ...(scopes ? { scopes } : {}) };
        let result: ReturnType<typeof narrowIdentity>;
        try {
          result = narrowIdentity(base, to);
        } catch (err) {
          assert.ok(err instanceof MandateError);
          assert.equal(err.code, 'VALIDATION_FAILED');
          assert.match(err.field ?? '', /^\/(actions|scopes)(\/\d+)?$/);
          const foreign =
            (actions ?? []).some((a) => !base.actions.includes(a)) || (scopes ?? []).some((s) => 'service' in s && s.service === 'advice');
          const empty = actions?.length === 0 || scopes?.length === 0;
          const smaller =
            (actions !== null && actions.length < base.actions.length) || (scopes !== null && scopes.length < base.scopes.length);
          assert.ok(foreign || empty || !smaller, `refused a valid narrowing ${JSON.stringify(to)}: ${err.message}`);
          return;
        }
        assert.ok(result.actions.every((a) => base.actions.includes(a)));
        assert.ok(result.scopes.every((s) => base.scopes.includes(s)));
        assert.ok(result.actions.length + result.scopes.length < base.actions.length + base.scopes.length);
        assert.deepEqual(
          result.actions,
          base.actions.filter((a) => result.actions.includes(a)),
          'the identity’s order',
        );
        if (actions) assert.deepEqual([...result.actions].sort(), [...actions].sort());
        assert.equal(result.id, base.id);
        assert.equal(result.status, base.status);
      },
    ),
    { numRuns: 500 },
  );
});

test('property: the next due date is the first recurrence still ahead', () => {
  fc.assert(
    fc.property(fc.integer({ min: 7, max: 366 }), fc.integer({ min: -2000, max: 400 }), (days, offset) => {
      const due = ago(-offset);
      const next = Date.parse(nextDueAt(due, days, NOW));
      const step = days * DAY;
      assert.ok(next > NOW.getTime());
      assert.ok(next - step <= NOW.getTime() || next - step === Date.parse(due), 'no later recurrence skipped');
      assert.equal((next - Date.parse(due)) % step, 0);
      assert.ok(next > Date.parse(due));
    }),
  );
});
