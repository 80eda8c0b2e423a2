// Issue 14, items 3 and 4, on the demo firm and both stores: withdraw the French custody passport,
// reinstate it, withdraw the Dutch one. Every cascade recomputes every identity acting in the
// moved scopes, so an identity narrowed before and narrowed now with another lawful set is
// narrowed again, with the sets before and after in its event, in identity_power and in its CAEP
// claims; the reinstatement counts every identity it changed back; stored power is what the
// engine computes; the preview of a transition is what its cascade writes; and no finding
// advises a transition that is already applied.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp, type MandateApp } from '../../src/app.js';
import { authorityLookup, canonicalLawful, sameLawful, type LawfulPower } from '../../src/core/cascade.js';
import { decidePower, lawfulActions, scopeKey } from '../../src/core/lifecycle.js';
import type { Authorisation, Identity } from '../../src/core/model.js';
import { ActionVocabulary, type AuthorisationStatus } from '../../src/core/vocabulary.js';
import { demoManifest } from '../../src/demo/firm.js';
import { getCustomActions } from '../../src/state/records.js';
import { presentImpact } from '../../src/regulatory/routes.js';
import { currentRules } from '../../src/state/lifecycle-rules.js';
import { currentProductRules } from '../../src/state/product-rules.js';
import { productAuthorities } from '../../src/state/products.js';
import type { Transition } from '../../src/regulatory/service.js';
import type { Database } from '../../src/store/db.js';
import { testStores } from '../support/stores.js';

const CAEP = 'https://rp.example/caep';
const FR = 'ent-de/custody/FR';
const NL = 'ent-de/custody/NL';
const EVENT_OF: Record<string, string> = { suspend: 'identity.suspended', narrow: 'identity.narrowed', restore: 'identity.restored' };

interface IdentityEvent {
  subject_id: string;
  action: string;
  before: { status: string; lawful: LawfulPower };
  after: { status: string; lawful: LawfulPower; removed: { scope: string; action: string; rule: string }[] };
}

const holds = (lawful: LawfulPower, scope: string, action: string) =>
  lawful.some((l) => scopeKey(l.scope) === scope && l.actions.includes(action));

/**
 * Identities whose stored power (identity_power) is not what the engine computes from the state
 * as it stands: no row for full power; otherwise its outcome and lawful set. `scopes`: only
 * identities acting in one of them.
 */
async function stalePower(db: Database, scopes?: ReadonlySet<string>): Promise<string[]> {
  const identities = (await db.all<{ doc: string }>('SELECT doc FROM identities ORDER BY id')).map((r) => JSON.parse(r.doc) as Identity);
  // The demo firm's product identities (CRA) are decided by their products and the product rules.
  const { products, exploited } = await productAuthorities(db);
  const lookup = authorityLookup(
    (await db.all<{ doc: string }>('SELECT doc FROM authorisations')).map((r) => JSON.parse(r.doc) as Authorisation),
    new Map(),
    products.values(),
    exploited,
  );
  const { rules } = await currentRules(db);
  const productRules = (await currentProductRules(db)).rules;
  const vocabulary = new ActionVocabulary(await getCustomActions(db));
  const rows = new Map(
    (await db.all<{ identity_id: string; outcome: string; lawful: string }>('SELECT identity_id, outcome, lawful FROM identity_power')).map(
      (r) => [r.identity_id, r],
    ),
  );
  const stale: string[] = [];
  let checked = 0;
  for (const i of identities) {
    if (i.status === 'revoked' || i.status === 'decommissioned') continue;
    if (scopes && !i.scopes.some((s) => scopes.has(scopeKey(s)))) continue;
    checked++;
    const d = decidePower(i, lookup, rules, vocabulary, productRules);
    const row = rows.get(i.id);
    if (d.outcome === 'keep') {
      if (row) stale.push(`${i.id}: full power, stored ${row.outcome}`);
    } else if (!row) {
      stale.push(`${i.id}: ${d.outcome}, nothing stored`);
    } else if (row.outcome !== d.outcome || !sameLawful(JSON.parse(row.lawful) as LawfulPower, lawfulActions(d))) {
      stale.push(
        `${i.id}: stored ${row.outcome} ${canonicalLawful(JSON.parse(row.lawful) as LawfulPower)}, engine ${d.outcome} ` +
          `${canonicalLawful(lawfulActions(d))}`,
      );
    }
  }
  assert.ok(checked > 0);
  return stale;
}

for (const store of testStores()) {
  describe(`lawful sets through withdraw FR → reinstate FR → withdraw NL, demo firm on ${store.name}`, () => {
    let app: MandateApp;
    let db: Database;
    const tokens: Record<string, string> = {};
    const as = (who: string) => ({ user: who, canApprove: who === 'anna' });
    const call = async (who: string, method: string, url: string, body?: unknown) => {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${tokens[who]}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    };
    const move = async (authorisation: string, to: AuthorisationStatus, reference: string): Promise<Transition> => {
      const proposal = await app.services.regulatory.propose(as('carla'), authorisation, {
        to,
        reason: `${authorisation} to ${to}`,
        reference,
      });
      const t = await app.services.regulatory.decide(as('anna'), proposal.id, 'approve', undefined);
      assert.equal(t.status, 'applied');
      return t;
    };
    /** The identity events a transition's cascade recorded. */
    const eventsOf = async (t: Transition, identity?: string): Promise<IdentityEvent[]> =>
      (
        await db.all<{ subject_id: string; action: string; before_doc: string; after_doc: string }>(
          "SELECT subject_id, action, before_doc, after_doc FROM events WHERE action IN ('identity.suspended', 'identity.narrowed', " +
            `'identity.restored') AND reason LIKE ?${identity ? ' AND subject_id = ?' : ''} ORDER BY seq`,
          [`transition ${t.id}:%`, ...(identity ? [identity] : [])],
        )
      ).map((e) => ({ subject_id: e.subject_id, action: e.action, before: JSON.parse(e.before_doc), after: JSON.parse(e.after_doc) }));
    const counted = (t: Transition) => (t.result as { counts: Record<string, number> }).counts;
    const transitions: Transition[] = [];

    before(async () => {
      db = await store.open();
      app = await buildApp({ db, logger: false, caepReceivers: [CAEP] });
      tokens.admin = (await app.services.users.bootstrap(undefined))!;
      for (const [user, roles] of [
        ['carla', ['compliance_officer']],
        ['anton', ['approver']],
      ] as const) {
        await app.services.users.createUser('test', { id: user, name: user, roles: [...roles] });
        tokens[user] = (await app.services.users.createToken('test', user, {})).token;
      }
      await app.services.importer.importManifest('test', demoManifest(), { dryRun: false, digestOf: 'demo' });
    });
    after(async () => {
      await app?.close();
      await store.cleanup();
    });

    test('the reinstatement changes back every identity the withdrawal changed, and counts each', async () => {
      const withdrawal = await move('auth-de-custody-fr', 'withdrawn', 'BaFin 2026/W/17');
      const reinstatement = await move('auth-de-custody-fr', 'authorised', 'BaFin 2026/W/17-R');
      transitions.push(withdrawal, reinstatement);
      const changedBy = async (t: Transition) => (await eventsOf(t)).map((e) => e.subject_id).sort();
      const byWithdrawal = await changedBy(withdrawal);
      const w = counted(withdrawal);
      assert.equal(byWithdrawal.length, w.suspend! + w.narrow! + w.restore!);
      assert.ok(w.suspend! >= 3 && w.narrow! >= 10, JSON.stringify(w));
      // Every identity the withdrawal changed is changed back: fully (restored), or to the larger
      // set another scope still leaves (narrowed again); none is left out as "unchanged".
      assert.deepEqual(await changedBy(reinstatement), byWithdrawal);
      const r = counted(reinstatement);
      assert.equal(r.restore! + r.narrow! + r.suspend!, byWithdrawal.length, JSON.stringify(r));
      assert.ok(r.narrow! > 0, 'some identities stay narrowed by another scope, with another lawful set');
      assert.equal(r.suspend, 0);
      // Nothing the withdrawal recorded is left in identity_power.
      assert.deepEqual(await db.all('SELECT identity_id FROM identity_power WHERE transition_id = ?', [withdrawal.id]), []);
    });

    test(
      'svc-helpdesk-de: the reinstatement and the Dutch narrowing are recorded with the lawful sets before and after, stored and ' +
        'pushed',
      async () => {
        const nl = await move('auth-de-custody-nl', 'withdrawn', 'AFM 2026/11');
        transitions.push(nl);
        const [withdrawal, reinstatement] = transitions as [Transition, Transition];
        const [cut] = await eventsOf(withdrawal, 'svc-helpdesk-de');
        assert.equal(cut?.action, 'identity.narrowed');
        const [back] = await eventsOf(reinstatement, 'svc-helpdesk-de');
        assert.equal(
          back?.action,
          'identity.narrowed',
          'still narrowed elsewhere (the demo has a winding-down scope): narrowed again, with another set',
        );
        assert.deepEqual([back!.before.status, back!.after.status], ['active', 'active']);
        assert.ok(!holds(back!.before.lawful, FR, 'onboard_client') && holds(back!.after.lawful, FR, 'onboard_client'), 'France came back');
        assert.deepEqual(back!.before.lawful, cut!.after.lawful, 'the set before is the one stored by the withdrawal');
        const [dutch] = await eventsOf(nl, 'svc-helpdesk-de');
        assert.equal(dutch?.action, 'identity.narrowed');
        assert.deepEqual(dutch!.before.lawful, back!.after.lawful);
        assert.ok(
          holds(dutch!.before.lawful, NL, 'onboard_client') && !holds(dutch!.after.lawful, NL, 'onboard_client'),
          'the Netherlands went',
        );
        assert.ok(holds(dutch!.after.lawful, FR, 'onboard_client'));
        assert.ok(
          dutch!.after.removed.some((x) => x.scope === NL && x.action === 'onboard_client' && x.rule === 'table:withdrawn.new_business'),
        );
        // `mandate events svc-helpdesk-de` shows all three.
        const history = (await call('admin', 'GET', '/v1/events?subject_id=svc-helpdesk-de&limit=500')).body.items.filter(
          (e: any) => e.action === 'identity.narrowed',
        );
        for (const t of [withdrawal, reinstatement, nl])
          assert.equal(history.filter((e: any) => e.reason.startsWith(`transition ${t.id}:`)).length, 1, t.reference);

        // Stored: identity_power holds the Dutch narrowing; pushed: each change's CAEP claims.
        const [row] = await db.all<{ outcome: string; lawful: string; transition_id: string }>(
          "SELECT outcome, lawful, transition_id FROM identity_power WHERE identity_id = 'svc-helpdesk-de'",
        );
        assert.deepEqual([row?.outcome, row?.transition_id], ['narrow', nl.id]);
        assert.deepEqual(JSON.parse(row!.lawful), dutch!.after.lawful);
        for (const [t, e] of [
          [reinstatement, back!],
          [nl, dutch!],
        ] as const) {
          const rows = await db.all<{ action: string; target: string; payload: string }>(
            "SELECT action, target, payload FROM outbox WHERE identity_id = 'svc-helpdesk-de' AND transition_id = ? AND channel = 'caep'",
            [t.id],
          );
          assert.equal(rows.length, 1, `one CAEP notice for ${t.id}`);
          const payload = JSON.parse(rows[0]!.payload) as {
            event: string;
            claims: { status: string; lawful: { scope: string; actions: string[] }[] };
          };
          assert.deepEqual([rows[0]!.target, payload.event, payload.claims.status], [CAEP, 'token-claims-change', 'active']);
          assert.deepEqual(
            payload.claims.lawful,
            e.after.lawful.map((l) => ({ scope: scopeKey(l.scope), actions: l.actions })),
          );
        }
      },
    );

    test('stored power is what the engine computes for every identity the cascades recomputed', async () => {
      assert.deepEqual(await stalePower(db, new Set([FR, NL])), []);
    });

    test('no finding advises a transition that is already applied', async () => {
      await app.services.compliance.run('test');
      const mine = await app.services.compliance.findings({ subject: 'svc-helpdesk-de', limit: 100 });
      assert.deepEqual(
        mine.filter((f) => f.check === 'active-in-unauthorised-scope').map((f) => f.title),
        [],
      );
      const open = await app.services.compliance.findings({ limit: 5000 });
      assert.deepEqual(
        open.filter((f) => /propose the matching transition/i.test(f.detail)).map((f) => f.title),
        [],
      );
      // With the shipped rules nothing unlawful is held anywhere, as the decision point sees it.
      assert.deepEqual(
        open.filter((f) => f.check === 'active-in-unauthorised-scope').map((f) => f.title),
        [],
      );
    });

    test('the preview of withdrawing France again is what its cascade then writes', async () => {
      const impact = await app.services.regulatory.impact('auth-de-custody-fr', 'withdrawn');
      const shown = presentImpact(impact);
      assert.ok(
        shown.narrowed.some((n) => n.identity === 'svc-custody-api-de'),
        'narrowed again, not untouched',
      );
      assert.ok(!shown.untouched.some((u) => u.identity === 'svc-custody-api-de'));
      const again = await move('auth-de-custody-fr', 'withdrawn', 'BaFin 2026/W/18');
      assert.deepEqual(counted(again), impact.plan.counts);
      const changed = impact.plan.changes.filter((c) => c.effect !== 'unchanged');
      const events = await eventsOf(again);
      assert.deepEqual(
        events.map((e) => `${e.subject_id} ${e.action}`).sort(),
        changed.map((c) => `${c.identity} ${EVENT_OF[c.effect]}`).sort(),
      );
      const byId = new Map(events.map((e) => [e.subject_id, e]));
      for (const c of changed) {
        const e = byId.get(c.identity)!;
        assert.deepEqual([e.before.status, e.after.status], [c.statusBefore, c.statusAfter], c.identity);
        assert.deepEqual(e.after.lawful, JSON.parse(JSON.stringify(c.lawful)), c.identity);
        assert.deepEqual(e.before.lawful, JSON.parse(JSON.stringify(c.lawfulBefore)), c.identity);
      }
      const rows = await db.all<{ identity_id: string; outcome: string; lawful: string; suspended_by_lifecycle: number }>(
        'SELECT identity_id, outcome, lawful, suspended_by_lifecycle FROM identity_power WHERE transition_id = ? ORDER BY identity_id',
        [again.id],
      );
      assert.deepEqual(
        rows.map((r) => [r.identity_id, r.outcome, JSON.parse(r.lawful), Number(r.suspended_by_lifecycle) === 1]),
        changed
          .filter((c) => c.power)
          .sort((a, b) => (a.identity < b.identity ? -1 : 1))
          .map((c) => [c.identity, c.power!.outcome, JSON.parse(JSON.stringify(c.lawful)), c.power!.suspendedByLifecycle]),
      );
      assert.deepEqual(await stalePower(db, new Set([FR, NL])), []);
    });

    test("publishing lifecycle rules recomputes every identity: stored power is the engine's everywhere", async () => {
      const rules = (await call('admin', 'GET', '/v1/lifecycle-rules')).body.rules;
      const asked = await call('carla', 'PUT', '/v1/lifecycle-rules', {
        rules: { ...rules, description: 'the shipped rules, published again' },
      });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      assert.equal((await call('anton', 'POST', `/v1/approvals/${asked.body.approval.id}/approve`, {})).body.status, 'approved');
      assert.deepEqual(await stalePower(db), []);
      // Published again, the same rules change nothing more.
      const seq = Number((await db.all<{ n: number }>('SELECT MAX(seq) AS n FROM events'))[0]!.n);
      const again = await call('carla', 'PUT', '/v1/lifecycle-rules', { rules: { ...rules, description: 'and once more' } });
      await call('anton', 'POST', `/v1/approvals/${again.body.approval.id}/approve`, {});
      assert.deepEqual(
        await db.all(
          "SELECT subject_id FROM events WHERE seq > ? AND action IN ('identity.suspended', 'identity.narrowed', 'identity.restored')",
          [seq],
        ),
        [],
      );
    });
  });
}
