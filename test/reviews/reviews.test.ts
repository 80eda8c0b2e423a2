// Access review campaigns on both stores: opening over a manifest with its flags, owners keeping,
// narrowing and revoking (with the effects a change through the inventory has), who may decide,
// closing, overdue findings and recurrence. Then the same over HTTP, once the app wires it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import type { Role } from '../../src/core/roles.js';
import { importService } from '../../src/importer/service.js';
import { identityChangeGate } from '../../src/inventory/identity-changes.js';
import { approvalEngine } from '../../src/state/approvals.js';
import { DEFAULT_APPROVAL_RULES } from '../../src/core/approvals.js';
import { inventoryService } from '../../src/inventory/service.js';
import { lifecycleRulesStore } from '../../src/state/lifecycle-rules.js';
import { reviewService, type Campaign, type ReviewService } from '../../src/reviews/service.js';
import type { Database } from '../../src/store/db.js';
import { currentGeneration } from '../../src/state/generations.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const DAY = 24 * 3600_000;
const START = Date.parse('2026-11-22T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const ALICE = { user: 'alice@firm.example', roles: ['viewer'] as Role[] };
const CAROL = { user: 'carol@firm.example', roles: ['viewer'] as Role[] };
const COMPLIANCE = { user: 'cora@firm.example', roles: ['compliance_officer'] as Role[] };

function manifest() {
  const recent = iso(START - 3 * DAY);
  const m = smallManifest([
    identity('svc-custody', { last_used: recent }),
    identity('svc-report', { function: 'reporting', capability: 'observe', last_used: recent }),
    identity('svc-idle', { function: 'reconciliation', capability: 'observe' }),
    identity('svc-two-scopes', {
      last_used: recent,
      scopes: [
        { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
        { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' },
      ],
    }),
    identity('svc-bob', { owner: 'bob@firm.example', function: 'reporting', capability: 'observe', last_used: recent }),
    identity('svc-carol', { owner: 'carol@firm.example', function: 'reporting', capability: 'observe', last_used: recent }),
    identity('svc-stale', { function: 'reporting', capability: 'observe', last_used: recent }),
    identity('svc-lapsed', { function: 'reporting', capability: 'observe', last_used: recent }),
    identity('svc-suspended', { function: 'reporting', capability: 'observe', last_used: recent, status: 'suspended' }),
    identity('svc-revoked', { function: 'reporting', capability: 'observe', status: 'revoked' }),
    identity('svc-glass', { function: 'reporting', capability: 'observe', break_glass: true, last_used: recent }),
  ]);
  m.people!.push({ id: 'carol@firm.example', name: 'Carol Example', status: 'active' });
  return m;
}

/** An approved exception for an identity, as the grants engine leaves it: approval, register row and grant. */
async function exception(
  db: Database,
  id: string,
  identityId: string,
  o: { decidedAt: string; expiresAt: string; status: 'active' | 'expired' },
) {
  const approval = `ap_${id}`;
  await db.run(
    `INSERT INTO approvals (id, kind, subject_type, subject_id, requester, owner, summary, detail, rule_id, required, roles, status,
      created_at, expires_at, decided_at, outcome)
     VALUES (?, 'exception', 'exception', ?, 'user:alice@firm.example', 'alice@firm.example', 'an exception', '{}', 'exception', 1,
       '["approver"]', 'approved', ?, ?, ?, 'approved')`,
    [approval, id, o.decidedAt, o.decidedAt, o.decidedAt],
  );
  await db.run(
    'INSERT INTO policy_exceptions (id, identity_id, requester, doc, status, approval_id, expires_at, created_at, updated_at) VALUES ' +
      "(?, ?, 'user:alice@firm.example', '{}', ?, ?, ?, ?, ?)",
    [id, identityId, o.status, approval, o.expiresAt, o.decidedAt, o.decidedAt],
  );
  await db.run('INSERT INTO grants (id, kind, identity_id, doc, status, starts_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    id,
    'exception',
    identityId,
    '{}',
    o.status === 'active' ? 'active' : 'expired',
    o.decidedAt,
    o.expiresAt,
  ]);
}

for (const store of testStores()) {
  describe(`access reviews on ${store.name}`, () => {
    let now = START;
    const clock = () => new Date(now);
    let db: Database;
    let inventory: ReturnType<typeof inventoryService>;
    let reviews: ReviewService;
    let campaign: Campaign;

    const identityRecord = async (id: string) => (await inventory.get('identity', id))!;
    const item = async (id: string) => (await reviews.items(campaign.id, { limit: 500 })).find((i) => i.identity_id === id)!;
    const eventsAbout = (id: string) =>
      db.all<{ action: string; actor: string; after_doc: string | null }>(
        'SELECT action, actor, after_doc FROM events WHERE subject_id = ? ORDER BY seq',
        [id],
      );
    const refusal = <T>(p: Promise<T>) =>
      p.then(
        () => assert.fail('expected a refusal'),
        (e: { code: string; field?: string }) => e,
      );

    before(async () => {
      db = await store.open();
      const gate = identityChangeGate({
        approvals: approvalEngine({ db, clock, approvalRules: () => DEFAULT_APPROVAL_RULES }),
        lifecycleRules: lifecycleRulesStore({ db, clock }),
      });
      inventory = inventoryService({ db, clock, gate });
      reviews = reviewService({ db, clock, inventory });
      const m = manifest();
      const res = await importService({ db, clock, gate }).importManifest('test', m, { dryRun: false, digestOf: JSON.stringify(m) });
      assert.equal(res.counts.rejected, 0, JSON.stringify(res));
      await exception(db, 'ex-stale', 'svc-stale', {
        decidedAt: iso(START - 120 * DAY),
        expiresAt: iso(START + 200 * DAY),
        status: 'active',
      });
      await exception(db, 'ex-recent', 'svc-custody', {
        decidedAt: iso(START - 10 * DAY),
        expiresAt: iso(START + 200 * DAY),
        status: 'active',
      });
      await exception(db, 'ex-lapsed', 'svc-lapsed', {
        decidedAt: iso(START - 20 * DAY),
        expiresAt: iso(START - 2 * DAY),
        status: 'expired',
      });
    });
    after(async () => {
      await store.cleanup();
    });

    test('a campaign must be due in the future and match something; refusals write nothing', async () => {
      const past = await refusal(reviews.open('user:cora', { name: 'Q4', due_at: iso(START - DAY) }));
      assert.equal(past.code, 'VALIDATION_FAILED');
      assert.equal(past.field, '/due_at');
      const none = await refusal(
        reviews.open('user:cora', { name: 'Q4', due_at: iso(START + DAY), filter: { owner: 'nobody@firm.example' } }),
      );
      assert.equal(none.field, '/filter');
      const bad = await refusal(reviews.open('user:cora', { name: 'Q4', due_at: iso(START + DAY), colour: 'blue' } as never));
      assert.equal(bad.code, 'VALIDATION_FAILED');
      assert.deepEqual(await reviews.list({ limit: 10 }), []);
    });

    test('opening puts every active or suspended identity before its owner, with its flags', async () => {
      campaign = await reviews.open('user:cora', { name: 'Q4 2026 access review', due_at: iso(START + 14 * DAY) });
      assert.equal(campaign.status, 'open');
      assert.equal(campaign.due_at, iso(START + 14 * DAY));
      const items = await reviews.items(campaign.id, { limit: 500 });
      // Revoked identities have nothing to review; break-glass ones are reviewed at each unseal.
      assert.deepEqual(
        items.map((i) => i.identity_id),
        ['svc-bob', 'svc-carol', 'svc-custody', 'svc-idle', 'svc-lapsed', 'svc-report', 'svc-stale', 'svc-suspended', 'svc-two-scopes'],
      );
      const by = Object.fromEntries(items.map((i) => [i.identity_id, i]));
      assert.equal(by['svc-custody']!.reviewer, 'alice@firm.example');
      assert.deepEqual(by['svc-custody']!.flags, ['execute_on_client_assets']);
      // The owner has left: nobody owns the item, so it goes to the review managers.
      assert.equal(by['svc-bob']!.reviewer, null);
      assert.deepEqual(by['svc-bob']!.flags, ['departed_owner']);
      assert.deepEqual(by['svc-idle']!.flags, ['unused']);
      // Approved 120 days ago and still giving the identity an exception.
      assert.deepEqual(by['svc-stale']!.flags, ['stale_approval']);
      // Its exception ran out and nobody closed it: the approval still stands.
      assert.deepEqual(by['svc-lapsed']!.flags, ['stale_approval']);
      assert.deepEqual(by['svc-report']!.flags, []);
      assert.equal(by['svc-suspended']!.identity!.status, 'suspended');
      assert.deepEqual(campaign.counts, {
        total: 9,
        decided: 0,
        undecided: 9,
        by_decision: { keep: 0, narrow: 0, revoke: 0 },
        flagged: 6,
        by_flag: { departed_owner: 1, no_owner: 0, stale_approval: 2, unused: 1, execute_on_client_assets: 2 },
      });
      const [opened] = await eventsAbout(campaign.id);
      assert.equal(opened!.action, 'review_campaign.opened');
      assert.equal(JSON.parse(opened!.after_doc!).items, 9);
      // Each reviewer sees their own; a review manager also sees the unowned ones.
      assert.deepEqual(
        (await reviews.items(campaign.id, { reviewer: CAROL.user, limit: 10 })).map((i) => i.identity_id),
        ['svc-carol'],
      );
      assert.deepEqual(
        (await reviews.items(campaign.id, { reviewer: COMPLIANCE.user, unowned: true, limit: 10 })).map((i) => i.identity_id),
        ['svc-bob'],
      );
    });

    test('filters: owner, function, entity, break-glass', async () => {
      const ids = async (filter: object) => {
        const c = await reviews.open('user:cora', { name: 'filtered', due_at: iso(START + DAY), filter });
        return (await reviews.items(c.id, { limit: 500 })).map((i) => i.identity_id);
      };
      assert.deepEqual(await ids({ owner: 'carol@firm.example' }), ['svc-carol']);
      assert.deepEqual(await ids({ function: ['custody', 'reconciliation'] }), ['svc-custody', 'svc-idle', 'svc-two-scopes']);
      assert.equal((await ids({ entity: 'ent-de' })).length, 9);
      assert.ok((await ids({ include_break_glass: true, function: ['reporting'] })).includes('svc-glass'));
      const many = await reviews.open('user:cora', { name: 'paged', due_at: iso(START + DAY) });
      const first = await reviews.items(many.id, { limit: 4 });
      const rest = await reviews.items(many.id, { limit: 500, after: first.at(-1)!.identity_id });
      assert.equal(first.length + rest.length, 9);
      // Each with its own counts (the clock stands still here, so the order is not the point).
      const listed = await reviews.list({ status: 'open', limit: 50 });
      assert.equal(listed.length, 6);
      assert.equal(listed.find((c) => c.id === many.id)!.counts.total, 9);
      assert.deepEqual(listed.map((c) => c.counts.total).sort(), [1, 3, 7, 9, 9, 9]);
      assert.deepEqual(await reviews.list({ status: 'closed', limit: 50 }), []);
    });

    test('someone other than the reviewer cannot decide; nothing changes and the attempt is recorded', async () => {
      const before = await identityRecord('svc-custody');
      for (const [who, id] of [
        [CAROL, 'svc-custody'],
        [COMPLIANCE, 'svc-custody'],
        [ALICE, 'svc-bob'],
      ] as const) {
        const err = await refusal(reviews.decide(who, campaign.id, id, { decision: 'revoke', notes: 'not mine to decide' }));
        assert.equal(err.code, 'FORBIDDEN');
      }
      assert.equal((await item('svc-custody')).decision, null);
      assert.equal((await identityRecord('svc-custody')).version, before.version);
      assert.equal((await identityRecord('svc-custody')).record.status, 'active');
      const refused = (await eventsAbout('svc-custody')).filter((e) => e.action === 'review_item.decide.refused');
      assert.deepEqual(
        refused.map((e) => [e.actor, JSON.parse(e.after_doc!).code]),
        [
          ['user:carol@firm.example', 'FORBIDDEN'],
          ['user:cora@firm.example', 'FORBIDDEN'],
        ],
      );
      assert.equal(JSON.parse(refused[0]!.after_doc!).request.campaign, campaign.id);
      const missing = await refusal(reviews.decide(ALICE, campaign.id, 'svc-revoked', { decision: 'keep', notes: 'x' }));
      assert.equal(missing.code, 'NOT_FOUND');
    });

    test('the owner keeps an identity; a second decision on it is refused', async () => {
      const kept = await reviews.decide(ALICE, campaign.id, 'svc-report', { decision: 'keep', notes: 'still reports to BaFin' });
      assert.equal(kept.decision, 'keep');
      assert.equal(kept.decided_by, ALICE.user);
      assert.equal(kept.overdue, false);
      const twice = await refusal(reviews.decide(ALICE, campaign.id, 'svc-report', { decision: 'revoke', notes: 'changed my mind' }));
      assert.equal(twice.code, 'ALREADY_DECIDED');
      assert.equal((await item('svc-report')).decision, 'keep');
      assert.equal((await identityRecord('svc-report')).record.status, 'active');
      const history = (await eventsAbout('svc-report')).map((e) => e.action);
      assert.deepEqual(history.slice(-2), ['review_item.decided', 'review_item.decide.refused']);
      const keepWithActions = await refusal(
        reviews.decide(ALICE, campaign.id, 'svc-idle', { decision: 'keep', actions: ['read'], notes: 'x' }),
      );
      assert.equal(keepWithActions.field, '/actions');
    });

    test('narrow must take something away, and only what the identity has', async () => {
      const before = await identityRecord('svc-custody');
      assert.deepEqual(before.record.actions, ['read', 'initiate_transfer', 'withdraw_to_client', 'transfer_to_successor', 'reconcile']);
      const cases: [object, string][] = [
        [{}, '/actions'],
        [{ actions: ['read', 'execute_trade'] }, '/actions/1'],
        [{ actions: [...before.record.actions] }, '/actions'],
        [{ scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'FR' }] }, '/scopes/0'],
        [{ scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }] }, '/scopes'],
      ];
      for (const [body, field] of cases) {
        const err = await refusal(
          reviews.decide(ALICE, campaign.id, 'svc-custody', { decision: 'narrow', notes: 'least privilege', ...body }),
        );
        assert.equal(err.code, 'VALIDATION_FAILED', JSON.stringify(body));
        assert.equal(err.field, field, JSON.stringify(body));
      }
      assert.equal((await identityRecord('svc-custody')).version, before.version);
      assert.equal((await item('svc-custody')).decision, null);
    });

    test('narrowing really narrows the identity, through the inventory (new version, new token generation)', async () => {
      const before = await identityRecord('svc-custody');
      const generation = await currentGeneration(db, 'svc-custody');
      const done = await reviews.decide(ALICE, campaign.id, 'svc-custody', {
        decision: 'narrow',
        actions: ['read', 'reconcile'],
        notes: 'no longer moves assets',
      });
      assert.equal(done.decision, 'narrow');
      const after = await identityRecord('svc-custody');
      assert.deepEqual(after.record.actions, ['read', 'reconcile']);
      assert.equal(after.version, before.version + 1);
      assert.equal(await currentGeneration(db, 'svc-custody'), generation + 1);
      const history = await eventsAbout('svc-custody');
      assert.deepEqual(
        history.slice(-2).map((e) => [e.action, e.actor]),
        [
          ['identity.updated', 'user:alice@firm.example'],
          ['review_item.decided', 'user:alice@firm.example'],
        ],
      );
      assert.deepEqual(JSON.parse(history.at(-1)!.after_doc!).change.actions, ['read', 'reconcile']);

      const scopes = await reviews.decide(ALICE, campaign.id, 'svc-two-scopes', {
        decision: 'narrow',
        scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }],
        notes: 'France is handled elsewhere',
      });
      assert.equal(scopes.decision, 'narrow');
      assert.deepEqual((await identityRecord('svc-two-scopes')).record.scopes, [
        { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
      ]);
    });

    test('revoking really revokes: status revoked, credential switched off through the outbox', async () => {
      await reviews.decide(ALICE, campaign.id, 'svc-idle', { decision: 'revoke', notes: 'unused for months' });
      assert.equal((await identityRecord('svc-idle')).record.status, 'revoked');
      const outbox = await db.all<{ action: string; channel: string }>('SELECT action, channel FROM outbox WHERE identity_id = ?', [
        'svc-idle',
      ]);
      assert.ok(
        outbox.some((o) => o.action === 'disable'),
        JSON.stringify(outbox),
      );
      const history = (await eventsAbout('svc-idle')).map((e) => e.action);
      assert.deepEqual(history.slice(-2), ['identity.status_changed', 'review_item.decided']);
      // A review manager answers for the departed owner.
      const bob = await reviews.decide(COMPLIANCE, campaign.id, 'svc-bob', { decision: 'revoke', notes: 'owner left the firm' });
      assert.equal(bob.decided_by, COMPLIANCE.user);
      assert.equal((await identityRecord('svc-bob')).record.status, 'revoked');
    });

    test('overdue items: still decidable, shown as overdue, and reported as findings', async () => {
      now = START + 15 * DAY;
      const open = await reviews.items(campaign.id, { undecided: true, limit: 500 });
      assert.ok(open.length > 0 && open.every((i) => i.overdue));
      assert.equal((await reviews.get(campaign.id))!.overdue, true);
      const findings = (await reviews.findings()).filter((f) => f.id.includes(campaign.id));
      assert.deepEqual(
        findings.map((f) => f.subject.id),
        open.map((i) => i.identity_id),
      );
      const carol = findings.find((f) => f.subject.id === 'svc-carol')!;
      assert.deepEqual(
        { id: carol.id, rule: carol.rule, severity: carol.severity, since: carol.since },
        { id: `access-review-overdue:${campaign.id}:svc-carol`, rule: 'access-review-overdue', severity: 'medium', since: campaign.due_at },
      );
      assert.match(carol.detail, /carol@firm\.example has not decided/);
      // Decided late, but decided: the finding goes.
      const late = await reviews.decide(CAROL, campaign.id, 'svc-carol', { decision: 'keep', notes: 'sorry, late' });
      assert.equal(late.overdue, false);
      assert.ok(!(await reviews.findings()).some((f) => f.id === carol.id));
    });

    test('the campaign closes when every item is decided', async () => {
      for (const id of ['svc-lapsed', 'svc-stale', 'svc-suspended'])
        await reviews.decide(ALICE, campaign.id, id, { decision: 'keep', notes: 'reviewed' });
      const done = (await reviews.get(campaign.id))!;
      assert.equal(done.status, 'closed');
      assert.equal(done.closed_at, iso(now));
      assert.equal(done.overdue, false);
      assert.deepEqual(done.counts.by_decision, { keep: 5, narrow: 2, revoke: 2 });
      assert.equal(done.counts.undecided, 0);
      const closed = (await eventsAbout(campaign.id)).at(-1)!;
      assert.equal(closed.action, 'review_campaign.closed');
      assert.equal(JSON.parse(closed.after_doc!).status, 'closed');
      assert.ok(!(await reviews.findings()).some((f) => f.id.includes(campaign.id)));
    });

    test('recurrence: the tick closes a lapsed campaign as overdue and opens the next one', async () => {
      now = START + 20 * DAY;
      const first = await reviews.open('user:cora', {
        name: 'monthly: carol',
        due_at: iso(now + 10 * DAY),
        filter: { owner: 'carol@firm.example' },
        recurrence_days: 30,
      });
      assert.equal(await reviews.tick(), 0);
      now += 11 * DAY;
      assert.equal(await reviews.tick(), 1);
      assert.equal(await reviews.tick(), 0, 'a campaign is followed once');
      const lapsed = (await reviews.get(first.id))!;
      assert.equal(lapsed.status, 'overdue');
      assert.ok(lapsed.next);
      const next = (await reviews.get(lapsed.next!))!;
      assert.deepEqual(
        {
          status: next.status,
          previous: next.previous,
          due_at: next.due_at,
          filter: next.filter,
          recurrence_days: next.recurrence_days,
          created_by: next.created_by,
          total: next.counts.total,
        },
        {
          status: 'open',
          previous: first.id,
          due_at: iso(Date.parse(first.due_at) + 30 * DAY),
          filter: { owner: 'carol@firm.example' },
          recurrence_days: 30,
          created_by: 'mandate:scheduler',
          total: 1,
        },
      );
      // The lapsed item cannot be decided any more; it stays a finding until the next campaign answers it.
      const closedErr = await refusal(reviews.decide(CAROL, first.id, 'svc-carol', { decision: 'keep', notes: 'too late' }));
      assert.equal(closedErr.code, 'INVALID_TRANSITION');
      assert.ok((await reviews.findings()).some((f) => f.id === `access-review-overdue:${first.id}:svc-carol`));
      await reviews.decide(CAROL, next.id, 'svc-carol', { decision: 'keep', notes: 'reviewed' });
      assert.ok(!(await reviews.findings()).some((f) => f.subject.id === 'svc-carol'));
      // A completed campaign is followed too, once its due date passes (well after: the due dates stay on the cadence).
      now = Date.parse(next.due_at) + 45 * DAY;
      assert.equal(await reviews.tick(), 1);
      const third = (await reviews.get((await reviews.get(next.id))!.next!))!;
      assert.equal((await reviews.get(next.id))!.status, 'closed');
      assert.equal(third.due_at, iso(Date.parse(next.due_at) + 60 * DAY));
      const opened = (await eventsAbout(third.id)).map((e) => [e.action, e.actor]);
      assert.deepEqual(opened, [['review_campaign.opened', 'mandate:scheduler']]);
    });
  });
}

// Over HTTP: the routes, when src/app.ts wires the review service (app.services.reviews).
for (const store of testStores()) {
  describe(`access reviews over HTTP on ${store.name}`, () => {
    let app: Awaited<ReturnType<typeof buildApp>>;
    const tokens: Record<string, string> = {};
    let wired = false;
    const call = async (who: string, method: string, url: string, body?: unknown) => {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${tokens[who]}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    };

    before(async () => {
      app = await buildApp({ db: await store.open(), logger: false, clock: () => new Date(START) });
      wired = (app.services as { reviews?: unknown }).reviews !== undefined;
      tokens.admin = (await app.services.users.bootstrap(undefined))!;
      for (const [user, roles] of [
        ['alice@firm.example', ['viewer']],
        ['carol@firm.example', ['operator']],
        ['cora', ['compliance_officer']],
        ['enf', ['enforcer']],
      ] as const) {
        await app.services.users.createUser('test', { id: user, name: user, roles: [...roles] });
        tokens[user] = (await app.services.users.createToken('test', user, {})).token;
      }
      const res = await call('admin', 'POST', '/v1/import', manifest());
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test('open, follow and decide a campaign over the API', async (t) => {
      if (!wired) return t.skip('src/app.ts does not wire the review service yet');
      assert.equal((await call('alice@firm.example', 'POST', '/v1/access-reviews', { name: 'Q4', due_at: iso(START + DAY) })).status, 403);
      const bad = await call('cora', 'POST', '/v1/access-reviews', { name: 'Q4', due_at: iso(START + DAY), filter: { colour: 'blue' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'VALIDATION_FAILED');
      const opened = await call('cora', 'POST', '/v1/access-reviews', { name: 'Q4', due_at: iso(START + DAY) });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      const id = opened.body.id as string;
      assert.equal(opened.body.counts.total, 9);

      assert.equal((await call('enf', 'GET', '/v1/access-reviews')).status, 403);
      const list = await call('alice@firm.example', 'GET', '/v1/access-reviews');
      assert.deepEqual(
        list.body.items.map((c: Campaign) => c.id),
        [id],
      );
      assert.equal((await call('alice@firm.example', 'GET', `/v1/access-reviews/${id}`)).body.counts.undecided, 9);
      assert.equal((await call('alice@firm.example', 'GET', '/v1/access-reviews/rc_nope')).status, 404);

      const mine = await call('carol@firm.example', 'GET', `/v1/access-reviews/${id}/items?mine=true&undecided=true`);
      assert.deepEqual(
        mine.body.items.map((i: { identity_id: string }) => i.identity_id),
        ['svc-carol'],
      );
      const managed = await call('cora', 'GET', `/v1/access-reviews/${id}/items?mine=true`);
      assert.deepEqual(
        managed.body.items.map((i: { identity_id: string }) => i.identity_id),
        ['svc-bob'],
      );
      const page = await call('alice@firm.example', 'GET', `/v1/access-reviews/${id}/items?limit=4`);
      assert.equal(page.body.items.length, 4);
      const rest = await call('alice@firm.example', 'GET', `/v1/access-reviews/${id}/items?limit=100&cursor=${page.body.next_cursor}`);
      assert.equal(rest.body.items.length, 5);
      assert.equal(rest.body.next_cursor, null);

      const forbidden = await call('carol@firm.example', 'POST', `/v1/access-reviews/${id}/items/svc-custody`, {
        decision: 'revoke',
        notes: 'not mine',
      });
      assert.equal(forbidden.status, 403);
      const unknown = await call('alice@firm.example', 'POST', `/v1/access-reviews/${id}/items/svc-custody`, {
        decision: 'keep',
        notes: 'x',
        extra: 1,
      });
      assert.equal(unknown.status, 400);
      const narrowed = await call('alice@firm.example', 'POST', `/v1/access-reviews/${id}/items/svc-custody`, {
        decision: 'narrow',
        actions: ['read'],
        notes: 'observe only now',
      });
      assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
      assert.deepEqual((await call('admin', 'GET', '/v1/identities/svc-custody')).body.actions, ['read']);
      const twice = await call('alice@firm.example', 'POST', `/v1/access-reviews/${id}/items/svc-custody`, {
        decision: 'keep',
        notes: 'again',
      });
      assert.equal(twice.status, 409);
      assert.equal(twice.body.code, 'ALREADY_DECIDED');
    });
  });
}
