// Control checks end to end on both stores: seeded problems become findings mapped to controls;
// re-running is idempotent; fixing a cause resolves its finding and raises readiness; an
// exception accepts a risk; scanner reports open leaked-secret findings without keeping secrets;
// readiness can be read as it stood at an earlier run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp, type MandateApp } from '../../src/app.js';
import { loadCatalogue } from '../../src/state/catalogue.js';
import { CHECKS } from '../../src/core/checks.js';
import type { Database } from '../../src/store/db.js';
import type { Manifest } from '../../src/core/manifest.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' } as const;
const FR = { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' } as const;
const IT = { entity: 'ent-de', service: 'custody', jurisdiction: 'IT' } as const;
const LEAKED = 'sk_live_0123456789abcdefTHISISFAKE';

function firm(): Manifest {
  const m = smallManifest([
    identity('svc-good', { scopes: [DE], credential: { type: 'short_lived', created: '2026-11-01T00:00:00Z' } }),
    identity('svc-orphan', { owner: 'bob@firm.example', scopes: [DE] }), // departed owner
    // execute on an old static secret
    identity('svc-legacy', { credential: { type: 'static_secret', created: '2025-01-01T00:00:00Z' }, scopes: [FR] }),
    identity('svc-vendor', { vendor: 'vendor-kyc', scopes: [DE] }), // vendor with execute
    identity('svc-italy', { scopes: [IT] }), // acts where the firm holds nothing
  ]);
  m.authorisations!.push({
    id: 'auth-de-custody-it',
    entity: 'ent-de',
    service: 'custody',
    jurisdiction: 'IT',
    status: 'applied',
    basis: 'passport',
    reference: 'BaFin 2026/IT',
  });
  return m;
}

for (const store of testStores()) {
  describe(`control checks on ${store.name}`, () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    let app: MandateApp;
    let db: Database;
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
    const open = async () =>
      (await call('vic', 'GET', '/v1/findings')).body.items as {
        id: string;
        check: string;
        status: string;
        controls: string[];
        owner: string | null;
        severity: string;
      }[];

    before(async () => {
      db = await store.open();
      app = await buildApp({ db, logger: false, clock: () => new Date(now) });
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
      assert.equal((await call('admin', 'POST', '/v1/import', firm())).status, 200);
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test('every check maps to controls of the catalogue', () => {
      const ids = new Set(loadCatalogue().controls.map((c) => c.id));
      for (const c of CHECKS) for (const control of c.controls) assert.ok(ids.has(control), `${c.id} maps to unknown control ${control}`);
    });

    test('seeded problems become findings mapped to controls; a re-run changes nothing', async () => {
      const run = await call('carla', 'POST', '/v1/checks/run');
      assert.equal(run.status, 200, JSON.stringify(run.body));
      const findings = await open();
      const byCheck = (check: string) =>
        findings
          .filter((f) => f.check === check)
          .map((f) => f.id.split(':').slice(1).join(':'))
          .sort();
      assert.deepEqual(byCheck('owner-missing-or-departed'), ['svc-orphan']);
      assert.deepEqual(byCheck('execute-on-static-secret'), ['svc-legacy']);
      assert.deepEqual(byCheck('secret-rotation-overdue'), ['svc-legacy']);
      assert.deepEqual(byCheck('vendor-execute-without-exception'), ['svc-vendor']);
      // svc-italy acts in IT, where the passport is only applied for: the decision point denies
      // its new business there (the rules' table: applied → new_business deny), so it holds none
      // and there is no finding. (The check used to read identity_power, where an identity no
      // cascade had touched counted at its whole entitlement: a finding the decision point denied.)
      assert.deepEqual(byCheck('active-in-unauthorised-scope'), []);
      assert.equal(findings.find((f) => f.id === 'execute-on-static-secret:svc-legacy')!.owner, 'alice@firm.example');
      assert.ok(!findings.some((f) => f.id.endsWith(':svc-good') && f.check !== 'unused-entitlements'));

      const again = await call('carla', 'POST', '/v1/checks/run');
      assert.deepEqual([again.body.counts.opened, again.body.counts.resolved, again.body.counts.reopened], [0, 0, 0]);
      assert.deepEqual(
        (await open()).map((f) => f.id),
        findings.map((f) => f.id),
      );
      const events = (await call('admin', 'GET', `/v1/events?subject_id=${run.body.id}`)).body.items;
      assert.equal(events[0].action, 'checks.ran');
    });

    test('fixing a cause resolves its finding and raises readiness; readiness as of an earlier run stays', async () => {
      const before = (await call('vic', 'GET', '/v1/readiness?entity=ent-de&jurisdiction=DE')).body;
      const de = before.items.find((r: any) => r.service === 'custody');
      assert.ok(de.score < 100, JSON.stringify(de));
      assert.ok(de.owners_to_chase.some((o: any) => o.owner === 'bob@firm.example' || o.owner === 'alice@firm.example'));
      assert.ok(de.blocking.some((b: any) => b.id === 'owner-missing-or-departed:svc-orphan'));
      // Each scope counts the identities (active or suspended) that hold it, and its blocking
      // findings are those of the register that name the scope or no scope.
      const register = (await call('vic', 'GET', '/v1/findings?limit=5000')).body.items;
      const identities = (await call('vic', 'GET', '/v1/identities?entity=ent-de&service=custody&jurisdiction=DE&limit=500')).body.items;
      assert.equal(de.identities, identities.filter((i: any) => i.status === 'active' || i.status === 'suspended').length);
      assert.deepEqual(
        de.blocking.map((b: any) => b.id).sort(),
        register
          .filter(
            (f: any) =>
              (f.severity === 'critical' || f.severity === 'high') && (!f.scopes.length || f.scopes.includes('ent-de/custody/DE')),
          )
          .map((f: any) => f.id)
          .sort(),
      );
      // The brief answer (the console's overview) has the same scores and counts, without the lists.
      const brief = (await call('vic', 'GET', '/v1/readiness?entity=ent-de&jurisdiction=DE&brief=true')).body;
      assert.deepEqual(
        brief.items.map((r: any) => [r.service, r.score, r.identities, r.open_findings]),
        before.items.map((r: any) => [r.service, r.score, r.identities, r.open_findings]),
      );
      assert.ok(brief.items.every((r: any) => r.blocking.length === 0 && r.owners_to_chase.length === 0));
      const firstRunAt = before.run.at;

      now += 60_000;
      const current = (await call('admin', 'GET', '/v1/identities/svc-orphan')).body;
      const fixed = await app.inject({
        method: 'PUT',
        url: '/v1/identities/svc-orphan',
        headers: { authorization: `Bearer ${tokens.admin}`, 'if-match': `"${current.version}"` },
        payload: { ...current, owner: 'alice@firm.example', version: undefined, created_at: undefined, updated_at: undefined },
      });
      assert.equal(fixed.statusCode, 200, fixed.body);
      const run = await call('carla', 'POST', '/v1/checks/run');
      assert.equal(run.body.counts.resolved, 1);
      const resolved = (await call('vic', 'GET', '/v1/findings/owner-missing-or-departed:svc-orphan')).body;
      assert.equal(resolved.status, 'resolved');
      const afterFix = (await call('vic', 'GET', '/v1/readiness?entity=ent-de&jurisdiction=DE')).body.items.find(
        (r: any) => r.service === 'custody',
      );
      assert.ok(afterFix.score > de.score, `${afterFix.score} > ${de.score}`);
      const past = (
        await call('vic', 'GET', `/v1/readiness?entity=ent-de&jurisdiction=DE&as_of=${encodeURIComponent(firstRunAt)}`)
      ).body.items.find((r: any) => r.service === 'custody');
      assert.equal(past.score, de.score);
      const trend = (await call('vic', 'GET', '/v1/readiness/trend?entity=ent-de&jurisdiction=DE')).body.items;
      assert.ok(trend.length >= 3 && trend.at(-1).score > trend[0].score);
      // The Italian passport is only applied for, and nothing unlawful is held there.
      const it = (await call('vic', 'GET', '/v1/readiness?entity=ent-de&jurisdiction=IT')).body.items[0];
      assert.equal(it.authorisation.status, 'applied');
      assert.ok(!it.blocking.some((b: any) => b.id.startsWith('active-in-unauthorised-scope:')), 'nothing lawful is held in IT');
      assert.equal((await call('vic', 'GET', '/v1/readiness?entity=ent-nope')).status, 404);
      assert.equal((await call('vic', 'GET', '/v1/readiness?jurisdiction=XX')).status, 400);
      const lag = (await call('vic', 'GET', '/v1/findings-lag')).body;
      assert.equal(lag.high.resolved, 1);
    });

    test('acknowledging keeps a finding; an approved exception turns it into accepted risk', async () => {
      const ack = await call('carla', 'POST', '/v1/findings/vendor-execute-without-exception:svc-vendor/acknowledge', {
        note: 'vendor moving to OIDC in Q1',
      });
      assert.equal(ack.body.status, 'acknowledged');
      assert.equal(
        (await call('vic', 'POST', '/v1/findings/vendor-execute-without-exception:svc-vendor/acknowledge', { note: 'x' })).status,
        403,
      );
      await call('carla', 'POST', '/v1/checks/run');
      assert.equal(
        (await call('vic', 'GET', '/v1/findings/vendor-execute-without-exception:svc-vendor')).body.status,
        'acknowledged',
        'a re-run keeps the acknowledgement',
      );

      const ex = await call('carla', 'POST', '/v1/exceptions', {
        identity: 'svc-legacy',
        control: 'static_secret',
        actions: ['reconcile'],
        scope: FR,
        justification: 'vendor HSM cannot do OIDC before March',
        compensating_controls: { extra_monitoring: true, manual_approval_per_action: false },
        expires_at: new Date(now + 90 * 86_400_000).toISOString(),
      });
      assert.equal(ex.status, 201, JSON.stringify(ex.body));
      await call('anton', 'POST', `/v1/approvals/${ex.body.approval_id}/approve`, {});
      assert.equal((await call('alma', 'POST', `/v1/approvals/${ex.body.approval_id}/approve`, {})).body.status, 'approved');
      await call('carla', 'POST', '/v1/checks/run');
      const accepted = (await call('vic', 'GET', '/v1/findings/execute-on-static-secret:svc-legacy')).body;
      assert.equal(accepted.status, 'accepted_risk');
      assert.equal(accepted.exception, ex.body.id);
      assert.ok(!(await open()).some((f) => f.id === 'execute-on-static-secret:svc-legacy'), 'accepted risk is not an open finding');
    });

    test('scanner reports: leaked secrets become critical findings; only fingerprints are kept; a bad report writes nothing', async () => {
      const gitleaks = JSON.stringify([
        {
          RuleID: 'generic-api-key',
          File: 'deploy/values.yaml',
          StartLine: 12,
          Commit: 'abcdef1234567890',
          Secret: LEAKED,
          Match: `key: ${LEAKED}`,
        },
      ]);
      const res = await call('carla', 'POST', '/v1/leaks', { report: gitleaks, identity: 'svc-good' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual([res.body.format, res.body.opened], ['gitleaks', 1]);
      const trufflehog = [
        JSON.stringify({
          DetectorName: 'AWS',
          Raw: 'AKIAFAKEFAKEFAKE1234',
          Verified: true,
          SourceMetadata: { Data: { Git: { file: 'ci/env.sh', commit: '0123456789abcdef', line: 3 } } },
        }),
      ].join('\n');
      assert.equal((await call('carla', 'POST', '/v1/leaks', { report: trufflehog })).body.format, 'trufflehog');
      const leaks = (await call('vic', 'GET', '/v1/leaks?open=true')).body.items;
      assert.equal(leaks.length, 2);
      assert.doesNotMatch(JSON.stringify(leaks), new RegExp(LEAKED));
      const all = JSON.stringify((await call('admin', 'GET', '/v1/events?limit=500')).body);
      assert.doesNotMatch(all, new RegExp(LEAKED), 'no secret in the ledger');
      // Again: seen again, not opened twice.
      assert.equal((await call('carla', 'POST', '/v1/leaks', { report: gitleaks })).body.seen_again, 1);

      for (const bad of ['', 'not json', '[{"File":"x"}]', '{"DetectorName":"AWS"}\n{oops']) {
        const r = await call('carla', 'POST', '/v1/leaks', { report: bad || ' ' });
        assert.equal(r.status, 400, bad);
        assert.equal(r.body.code, 'VALIDATION_FAILED');
      }
      assert.equal((await call('vic', 'GET', '/v1/leaks')).body.items.length, 2, 'bad reports wrote nothing');

      await call('carla', 'POST', '/v1/checks/run');
      const leaked = (await open()).filter((f) => f.check === 'secret-leaked');
      assert.equal(leaked.length, 2);
      assert.ok(leaked.every((f) => f.severity === 'critical'));
      now += 3600_000;
      await call('carla', 'POST', `/v1/leaks/${leaks[0].id}/resolve`, { notes: 'revoked and rotated' });
      const run = await call('carla', 'POST', '/v1/checks/run');
      assert.equal(run.body.counts.resolved, 1);
    });

    test(
      'rules that leave new business lawful where the firm is not authorised: stored power follows them, and the critical finding ' +
        'advises no transition',
      async () => {
        now += 60_000;
        const rules = (await call('vic', 'GET', '/v1/lifecycle-rules')).body.rules;
        const asked = await call('carla', 'PUT', '/v1/lifecycle-rules', {
          rules: { ...rules, id: 'lax-applied', table: { ...rules.table, applied: { ...rules.table.applied, new_business: 'allow' } } },
        });
        assert.equal(asked.status, 202, JSON.stringify(asked.body));
        assert.equal((await call('anton', 'POST', `/v1/approvals/${asked.body.approval.id}/approve`, {})).body.status, 'approved');
        // Publishing the rules recomputed every identity's stored power in the same transaction:
        // svc-italy now keeps new business in IT and loses its return path there (applied: deny).
        const [row] = await db.all<{ outcome: string; lawful: string; transition_id: string }>(
          "SELECT outcome, lawful, transition_id FROM identity_power WHERE identity_id = 'svc-italy'",
        );
        assert.equal(row?.outcome, 'narrow');
        assert.equal(row!.transition_id, asked.body.id);
        assert.deepEqual(
          JSON.parse(row!.lawful).map((l: any) => [l.scope.jurisdiction, [...l.actions].sort()]),
          [['IT', ['initiate_transfer', 'read']]],
        );
        const byRules = (await call('admin', 'GET', '/v1/identities/svc-italy/events')).body.items.filter((e: any) =>
          /lifecycle rules version 1 published/.test(e.reason ?? ''),
        );
        assert.equal(byRules.length, 1);
        assert.deepEqual(
          [byRules[0].after.status, byRules[0].after.lawful.map((l: any) => l.actions.sort())],
          ['active', [['initiate_transfer', 'read']]],
        );
        assert.ok(Array.isArray(byRules[0].before.lawful), 'the event records the lawful power before');
        assert.equal((await call('vic', 'GET', '/v1/identities/svc-italy')).body.status, 'active');

        await call('carla', 'POST', '/v1/checks/run');
        const critical = (await call('vic', 'GET', '/v1/findings/active-in-unauthorised-scope:svc-italy')).body;
        assert.equal(critical.status, 'open');
        assert.equal(critical.severity, 'critical');
        assert.ok(critical.controls.includes('mica:art-65-passport'));
        assert.deepEqual(critical.scopes, ['ent-de/custody/IT']);
        // The passport's state is already what it is: no transition is missing, none is advised.
        assert.match(critical.detail, /already applied, yet the lifecycle rules in force leave this lawful/);
        assert.doesNotMatch(critical.detail, /transition/i);
        const it = (await call('vic', 'GET', '/v1/readiness?entity=ent-de&jurisdiction=IT')).body.items[0];
        assert.ok(it.blocking.some((b: any) => b.id === 'active-in-unauthorised-scope:svc-italy'));
      },
    );
  });
}
