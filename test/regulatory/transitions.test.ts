// Regulatory state drives identity state, end to end over the API on both stores: four eyes,
// impact preview = cascade, passports following the home authorisation, connector deliveries,
// reversal that restores exactly what the cascade took, emergency path and scheduling.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Connector, ConnectorRequest } from '../../src/delivery/connectors/connector.js';
import { buildApp } from '../../src/app.js';
import type { Manifest } from '../../src/core/manifest.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

function firm(): Manifest {
  const m = smallManifest([
    identity('custody-fr-only', {
      scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'FR' }],
      revocation: { connector: 'recording', target: 'role_custody_fr' },
    }),
    identity('custody-de-fr', {
      scopes: [
        { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
        { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' },
      ],
    }),
    identity('trading-fr', {
      function: 'trading',
      scopes: [{ entity: 'ent-de', service: 'execution', jurisdiction: 'FR' }],
      revocation: { connector: 'recording', target: 'role_trading_fr' },
    }),
    identity('trading-fr-manual', {
      function: 'trading',
      scopes: [{ entity: 'ent-de', service: 'execution', jurisdiction: 'FR' }],
      revocation: { connector: 'recording', target: 'role_manual' },
    }),
    identity('reporting-fr', {
      function: 'reporting',
      capability: 'observe',
      scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'FR' }],
    }),
    identity('custody-ie', { scopes: [{ entity: 'ent-ie', service: 'custody', jurisdiction: 'IE' }] }),
  ]);
  m.authorisations!.push(
    {
      id: 'auth-de-execution-de',
      entity: 'ent-de',
      service: 'execution',
      jurisdiction: 'DE',
      status: 'authorised',
      basis: 'home',
      reference: 'BaFin 2',
    },
    {
      id: 'auth-de-execution-fr',
      entity: 'ent-de',
      service: 'execution',
      jurisdiction: 'FR',
      status: 'authorised',
      basis: 'passport',
      reference: 'BaFin 2-FR',
    },
    {
      id: 'auth-ie-custody-ie',
      entity: 'ent-ie',
      service: 'custody',
      jurisdiction: 'IE',
      status: 'authorised',
      basis: 'home',
      reference: 'CBI 1',
    },
  );
  return m;
}

for (const store of testStores()) {
  describe(`regulatory transitions on ${store.name}`, () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    const deliveries: ConnectorRequest[] = [];
    const recording: Connector = {
      name: 'recording',
      async apply(r) {
        deliveries.push(r);
        return { detail: `${r.action} ${r.target}` };
      },
    };
    let app: Awaited<ReturnType<typeof buildApp>>;
    const tokens: Record<string, string> = {};
    const call = async (who: string, method: string, url: string, body?: unknown) => {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${tokens[who]}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    };
    const status = async (id: string) => (await call('admin', 'GET', `/v1/identities/${id}`)).body.status;

    before(async () => {
      app = await buildApp({
        db: await store.open(),
        logger: false,
        clock: () => new Date(now),
        connectors: { get: (n) => (n === 'recording' ? recording : undefined) },
      });
      tokens.admin = (await app.services.users.bootstrap(undefined))!;
      for (const [user, roles] of [
        ['carla', ['compliance_officer']],
        ['anton', ['approver']],
        ['alma', ['approver']],
        ['vic', ['viewer']],
      ] as const) {
        await app.services.users.createUser('test', { id: user, name: user, roles: [...roles] });
        tokens[user] = (await app.services.users.createToken('test', user, {})).token;
      }
      const res = await call('admin', 'POST', '/v1/import', firm());
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await call('admin', 'POST', '/v1/identities/trading-fr-manual/status', { status: 'suspended', reason: 'under investigation' });
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test('the impact preview lists exactly what a withdrawal would do, and writes nothing', async () => {
      const res = await call('vic', 'GET', '/v1/authorisations/auth-de-custody-fr/impact?to=withdrawn');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.moved, [{ id: 'auth-de-custody-fr', from: 'authorised', to: 'withdrawn', via: null }]);
      assert.deepEqual(res.body.counts, { suspend: 0, narrow: 2, restore: 0, unchanged: 1 });
      const fr = res.body.narrowed.find((n: any) => n.identity === 'custody-fr-only');
      assert.deepEqual(fr.to, [
        { scope: 'ent-de/custody/FR', actions: ['read', 'withdraw_to_client', 'transfer_to_successor', 'reconcile'] },
      ]);
      assert.deepEqual(fr.removed, [{ scope: 'ent-de/custody/FR', action: 'initiate_transfer', rule: 'table:withdrawn.new_business' }]);
      assert.deepEqual(res.body.untouched, [{ identity: 'reporting-fr', status: 'active', why: 'observe identities are never cut' }]);
      assert.ok(
        res.body.return_paths.some((r: any) => r.scope === 'ent-de/custody/FR' && r.action === 'withdraw_to_client' && r.identities === 2),
      );
      assert.equal((await call('admin', 'GET', '/v1/authorisations/auth-de-custody-fr')).body.status, 'authorised');
    });

    test('four eyes: the proposer cannot approve; a viewer cannot propose; attempts are recorded', async () => {
      const p = await call('carla', 'POST', '/v1/authorisations/auth-de-execution-de/transitions', {
        to: 'withdrawn',
        reason: 'Art. 64 withdrawal',
        reference: 'BaFin W-2026-7',
      });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      assert.equal(p.body.status, 'pending');
      assert.equal(
        (await call('vic', 'POST', '/v1/authorisations/auth-de-execution-de/transitions', { to: 'withdrawn', reason: 'x', reference: 'y' }))
          .status,
        403,
      );
      assert.equal((await call('carla', 'POST', `/v1/transitions/${p.body.id}/approve`, {})).status, 403);
      const self = await app.services.regulatory
        .decide({ user: 'carla', canApprove: true }, p.body.id, 'approve', undefined)
        .catch((e) => e);
      assert.equal(self.code, 'SEPARATION_OF_DUTIES');
      // The transition is decided through the approval engine: the refusal is on its approval.
      const approval = (await app.services.regulatory.approvalOf(p.body.id))!;
      assert.deepEqual([approval.kind, approval.required, approval.status], ['transition', 1, 'pending']);
      const refused = await call('admin', 'GET', `/v1/events?subject_id=${approval.id}`);
      assert.ok(refused.body.items.some((e: any) => e.action === 'approval.approve.refused' && e.after.code === 'SEPARATION_OF_DUTIES'));
      // Still pending and nothing moved.
      assert.equal((await call('admin', 'GET', '/v1/authorisations/auth-de-execution-de')).body.status, 'authorised');

      const ok = await call('anton', 'POST', `/v1/transitions/${p.body.id}/approve`, { reason: 'checked against the decision' });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.status, 'applied');
      // The home withdrawal took its French passport with it.
      assert.deepEqual(
        ok.body.result.moved.map((m: any) => [m.id, m.via]),
        [
          ['auth-de-execution-de', null],
          ['auth-de-execution-fr', 'auth-de-execution-de'],
        ],
      );
      assert.equal((await call('admin', 'GET', '/v1/authorisations/auth-de-execution-fr')).body.status, 'withdrawn');
      assert.equal(await status('trading-fr'), 'suspended');
      assert.equal(await status('trading-fr-manual'), 'suspended');
      assert.equal((await call('anton', 'POST', `/v1/transitions/${p.body.id}/approve`, {})).body.code, 'ALREADY_DECIDED');
      // What the lifecycle took, no manual reactivation gives back.
      const re = await call('admin', 'POST', '/v1/identities/trading-fr/status', { status: 'active', reason: 'business needs it' });
      assert.equal(re.status, 409);
      assert.match(re.body.detail, /suspended by transition/);
      // Nor for one suspended by hand whose power the withdrawal took: its power is recorded too.
      assert.equal(
        (await call('admin', 'POST', '/v1/identities/trading-fr-manual/status', { status: 'active', reason: 'investigation closed' }))
          .status,
        409,
      );
    });

    test('the suspended identity is switched off through its connector, recorded as evidence', async () => {
      await app.services.outbox.drain();
      // The manual suspension before the cascade was switched off too; the cascade added only
      // the identity it suspended, not the one already suspended for another reason.
      const disabled = deliveries.filter((d) => d.action === 'disable').map((d) => d.target);
      assert.deepEqual(disabled, ['role_manual', 'role_trading_fr']);
      const ob = await call('admin', 'GET', '/v1/outbox?status=delivered');
      assert.deepEqual(ob.body.items.map((i: any) => [i.target, i.transition_id !== null]).sort(), [
        ['role_manual', false],
        ['role_trading_fr', true],
      ]);
      const history = await call('admin', 'GET', '/v1/identities/trading-fr/events');
      assert.deepEqual(
        history.body.items.slice(-2).map((e: any) => e.action),
        ['identity.suspended', 'connector.delivered'],
      );
      assert.match(history.body.items.at(-2).reason, /Art\. 64 withdrawal/);
    });

    test('reversal restores exactly what the cascade took, not what was suspended for other reasons', async () => {
      const p = await call('carla', 'POST', '/v1/authorisations/auth-de-execution-de/transitions', {
        to: 'authorised',
        reason: 'withdrawal overturned on appeal',
        reference: 'VG Frankfurt 2026/11',
      });
      const ok = await call('alma', 'POST', `/v1/transitions/${p.body.id}/approve`, {});
      assert.equal(ok.body.status, 'applied', JSON.stringify(ok.body));
      assert.equal((await call('admin', 'GET', '/v1/authorisations/auth-de-execution-fr')).body.status, 'authorised');
      assert.equal(await status('trading-fr'), 'active');
      // Suspended by hand, it stays suspended (and switched off: no enable below); its lawful power,
      // recorded when the withdrawal cut it, is given back, and that is recorded too.
      assert.equal(await status('trading-fr-manual'), 'suspended');
      const manual = (await call('admin', 'GET', '/v1/identities/trading-fr-manual/events')).body.items.filter((e: any) =>
        ['identity.narrowed', 'identity.restored'].includes(e.action),
      );
      assert.deepEqual(
        manual.map((e: any) => [e.action, e.before.status, e.after.status]),
        [
          ['identity.narrowed', 'suspended', 'suspended'],
          ['identity.restored', 'suspended', 'suspended'],
        ],
      );
      await app.services.outbox.drain();
      assert.deepEqual(
        deliveries.filter((d) => d.action === 'enable').map((d) => d.target),
        ['role_trading_fr'],
      );
    });

    test('forbidden transitions and bad input are refused and change nothing', async () => {
      const bad = await call('carla', 'POST', '/v1/authorisations/auth-de-custody-de/transitions', {
        to: 'applied',
        reason: 'x',
        reference: 'y',
      });
      assert.equal(bad.status, 409);
      assert.equal(bad.body.code, 'INVALID_TRANSITION');
      assert.equal(
        (await call('carla', 'POST', '/v1/authorisations/nope/transitions', { to: 'withdrawn', reason: 'x', reference: 'y' })).status,
        404,
      );
      assert.equal(
        (await call('carla', 'POST', '/v1/authorisations/auth-de-custody-de/transitions', { to: 'revoked', reason: 'x', reference: 'y' }))
          .body.field,
        '/to',
      );
      assert.equal(
        (
          await call('carla', 'POST', '/v1/authorisations/auth-de-custody-de/transitions', {
            to: 'withdrawn',
            reason: 'x',
            reference: 'y',
            effective_at: '2026-02-30',
          })
        ).status,
        400,
      );
      const events = await call('admin', 'GET', '/v1/events?subject_id=auth-de-custody-de');
      assert.ok(events.body.items.some((e: any) => e.action === 'transition.propose.refused' && e.after.code === 'INVALID_TRANSITION'));
    });

    test('a scheduled transition applies at its effective time, not before', async () => {
      const p = await call('carla', 'POST', '/v1/authorisations/auth-ie-custody-ie/transitions', {
        to: 'suspended',
        reason: 'Art. 94 suspension',
        reference: 'CBI S-1',
        effective_at: '2026-11-23T09:00:00+01:00',
        deadline: '2026-12-20',
      });
      await call('anton', 'POST', `/v1/transitions/${p.body.id}/approve`, {});
      assert.equal((await call('admin', 'GET', `/v1/transitions/${p.body.id}`)).body.status, 'approved');
      assert.equal(await app.services.regulatory.applyDue(), 0);
      now = Date.parse('2026-11-23T08:00:01Z');
      assert.equal(await app.services.regulatory.applyDue(), 1);
      const a = (await call('admin', 'GET', '/v1/authorisations/auth-ie-custody-ie')).body;
      assert.equal(a.status, 'suspended');
      assert.equal(a.deadline, '2026-12-20');
      // Suspended custody keeps the return path: narrowed, not suspended.
      assert.equal(await status('custody-ie'), 'active');
    });

    test('the emergency path applies at once on one approver and opens a review someone else closes', async () => {
      assert.equal(
        (
          await call('carla', 'POST', '/v1/authorisations/auth-de-custody-fr/transitions', {
            to: 'suspended',
            reason: 'x',
            reference: 'y',
            emergency: true,
          })
        ).status,
        403,
      );
      const e = await call('anton', 'POST', '/v1/authorisations/auth-de-custody-fr/transitions', {
        to: 'suspended',
        reason: 'supervisor phone call',
        reference: 'AMF urgent',
        emergency: true,
      });
      assert.equal(e.status, 403, 'an approver without the propose permission cannot start one');
      tokens.boss = (await app.services.users.createToken('test', 'admin', {})).token;
      const ok = await call('boss', 'POST', '/v1/authorisations/auth-de-custody-fr/transitions', {
        to: 'suspended',
        reason: 'supervisor phone call',
        reference: 'AMF urgent',
        emergency: true,
      });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(ok.body.status, 'applied');
      assert.deepEqual(ok.body.review, { status: 'open', by: null, notes: null });
      assert.equal((await call('boss', 'POST', `/v1/transitions/${ok.body.id}/review`, { notes: 'mine' })).status, 403);
      const reviewed = await call('alma', 'POST', `/v1/transitions/${ok.body.id}/review`, { notes: 'decision letter received' });
      assert.equal(reviewed.body.review.status, 'done');
    });

    test('lifecycle rules: the shipped version is in force; a new version is validated and recorded', async () => {
      const current = await call('vic', 'GET', '/v1/lifecycle-rules');
      assert.equal(current.body.version, 0);
      const rules = current.body.rules;
      assert.equal(
        (
          await call('carla', 'PUT', '/v1/lifecycle-rules', {
            rules: { ...rules, table: { ...rules.table, closed: { ...rules.table.closed, observe: 'deny' } } },
          })
        ).status,
        400,
      );
      const asked = await call('carla', 'PUT', '/v1/lifecycle-rules', { rules: { ...rules, description: 'v1 of our rules' } });
      assert.equal(asked.status, 202);
      assert.equal((await call('vic', 'GET', '/v1/lifecycle-rules')).body.version, 0, 'published only once approved');
      assert.equal((await call('anton', 'POST', `/v1/approvals/${asked.body.approval.id}/approve`, {})).body.status, 'approved');
      assert.equal((await call('vic', 'GET', `/v1/changes/${asked.body.id}`)).body.result.version, 1);
      assert.equal((await call('vic', 'GET', '/v1/lifecycle-rules')).body.version, 1);
      const events = await call('admin', 'GET', '/v1/events?subject_type=lifecycle_rules&subject_id=1');
      assert.equal(events.body.items[0].after.description, 'v1 of our rules');
      const tested = await call('vic', 'POST', '/v1/lifecycle-rules/test', {
        tests: {
          version: 1,
          tests: [
            {
              name: 't',
              authorisations: [{ scope: 'e/custody/FR', status: 'closed' }],
              identity: { function: 'custody', capability: 'execute', scopes: ['e/custody/FR'] },
              expect: { outcome: 'suspend' },
            },
          ],
        },
      });
      assert.deepEqual([tested.body.passed, tested.body.failed], [1, 0]);
    });
  });
}
