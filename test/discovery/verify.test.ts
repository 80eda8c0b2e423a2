// Discovery proves that a switch-off holds where the credential lives, on both stores, against the
// real local PostgreSQL: the postgres connector switches a role of this test's own off and on, and
// after each delivery the discovery source that reads that server reads it again and records the
// verdict (`connector.verified`). When someone turns the login back on behind Mandate's back, the
// verdict is "does not hold", the account is revocation_not_effective drift, and the control
// checks open a critical finding. The verdict rule itself is tested as a pure function too.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { postgresConnector } from '../../src/delivery/connectors/postgres.js';
import { connectorRegistry } from '../../src/delivery/connectors/registry.js';
import { verdictOf } from '../../src/discovery/verify.js';
import type { AccountView } from '../../src/discovery/service.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { PG_ADMIN_URL, pgAdmin, testStores } from '../support/stores.js';

const tag = randomBytes(4).toString('hex');
const q = pg.escapeIdentifier;
const password = `Pw${randomBytes(12).toString('hex')}`;

const admin = pgAdmin;
const canLogin = async (role: string) =>
  admin(async (c) => (await c.query('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role])).rows[0]?.rolcanlogin as boolean);

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const store of testStores()) {
  describe(`deliveries verified by discovery (${store.name})`, () => {
    const role = `mandate_dver_${tag}_${store.name}`;
    let t: TestApp;
    const connectors = connectorRegistry([postgresConnector({ url: PG_ADMIN_URL })]);
    const verified = async (after: number) => {
      const events = await t.db.all<{ seq: number; after_doc: string }>(
        "SELECT seq, after_doc FROM events WHERE action = 'connector.verified' AND subject_id = 'svc-ver' AND seq > ? ORDER BY seq",
        [after],
      );
      return events.length ? { seq: Number(events.at(-1)!.seq), v: JSON.parse(events.at(-1)!.after_doc) } : undefined;
    };
    const status = async (to: 'suspended' | 'active') => {
      const res = await t.call('POST', '/v1/identities/svc-ver/status', t.admin, { status: to, reason: 'test' });
      if (res.status === 202) await t.approve(res.body.approval.id);
      else assert.equal(res.status, 200, JSON.stringify(res.body));
    };

    before(async () => {
      await admin((c) => c.query(`CREATE ROLE ${q(role)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`));
      t = await testApp(await store.open(), undefined, { connectors });
      assert.equal(
        (await t.call('POST', '/v1/import', t.admin, JSON.stringify(smallManifest([])), { 'content-type': 'application/json' })).status,
        200,
      );
      const ver = identity('svc-ver', {
        capability: 'observe',
        function: 'reporting',
        revocation: { connector: 'postgres', target: role },
        credential: { type: 'static_secret', created: new Date().toISOString() },
      });
      assert.ok([200, 201].includes((await t.write('POST', '/v1/identities', ver)).status));
      const added = await t.call('POST', '/v1/discovery/sources', t.admin, { id: 'pg', kind: 'postgres', options: { url: PG_ADMIN_URL } });
      assert.equal(added.status, 201, JSON.stringify(added.body));
    });
    after(async () => {
      await t.app.close();
      await connectors.close();
      await store.cleanup();
      await admin((c) => c.query(`DROP ROLE IF EXISTS ${q(role)}`));
    });

    test('a delivered switch-off is read back from the server and recorded as holding; a switch-on too', async () => {
      await status('suspended');
      const off = await until('the switch-off verdict', () => verified(0));
      assert.equal(await canLogin(role), false);
      assert.equal(off.v.verdict, 'effective', JSON.stringify(off.v));
      assert.equal(off.v.action, 'disable');
      assert.equal(off.v.can_login, false);
      assert.deepEqual(
        off.v.observed.map((o: { native_id: string }) => o.native_id),
        [role],
      );
      assert.equal(off.v.runs[0].source, 'pg');
      const [run] = await t.db.all<{ reason: string }>(
        "SELECT reason FROM events WHERE action = 'discovery.run' ORDER BY seq DESC LIMIT 1",
      );
      assert.match(run!.reason, /^verifying 1 connector delivery/);
      const account = await t.call('GET', '/v1/discovery/accounts?identity=svc-ver', t.admin);
      assert.equal(account.status, 200);
      assert.deepEqual(
        account.body.items.map((a: AccountView) => [a.native_id, a.state]),
        [[role, 'matched']],
      );

      await status('active');
      const on = await until('the switch-on verdict', () => verified(off.seq));
      assert.equal(on.v.action, 'enable');
      assert.equal(on.v.verdict, 'effective');
      assert.equal(on.v.can_login, true);
    });

    test("a login turned back on behind Mandate's back: the switch-off does not hold, and a critical finding opens", async () => {
      const [last] = await t.db.all<{ seq: number }>("SELECT MAX(seq) AS seq FROM events WHERE action = 'connector.verified'");
      // Verify by hand from here, so the change behind Mandate's back lands between delivery and read.
      await t.app.services.verifier.stop();
      await status('suspended');
      await until('the switch-off delivery', async () => {
        const [row] = await t.db.all<{ status: string }>(
          "SELECT status FROM outbox WHERE identity_id = 'svc-ver' AND action = 'disable' ORDER BY created_at DESC LIMIT 1",
        );
        return row?.status === 'delivered' ? true : undefined;
      });
      assert.equal(await canLogin(role), false);
      await admin((c) => c.query(`ALTER ROLE ${q(role)} LOGIN`));

      const [v] = await t.app.services.verifier.verify();
      assert.equal(v!.verdict, 'not_effective', JSON.stringify(v));
      assert.equal(v!.can_login, true);
      const recorded = await verified(Number(last!.seq));
      assert.equal(recorded?.v.verdict, 'not_effective');
      const account = (await t.call('GET', '/v1/discovery/accounts?identity=svc-ver', t.admin)).body.items[0];
      assert.equal(account.state, 'drift');
      assert.ok(account.drift.includes('revocation_not_effective'));
      // Verified once: another pass has nothing left to read.
      assert.deepEqual(await t.app.services.verifier.verify(), []);

      await t.app.services.compliance.run('test');
      const findings = await t.call('GET', '/v1/findings?check=discovery-revocation-not-effective', t.admin);
      assert.ok(
        findings.body.items.some(
          (f: { subject: { id: string }; severity: string }) => f.subject.id === 'svc-ver' && f.severity === 'critical',
        ),
        JSON.stringify(findings.body),
      );
    });

    test('a schedule is whole seconds or a span of at least a minute; a due source runs on its own', async () => {
      const bad = await t.call('POST', '/v1/discovery/sources', t.admin, {
        id: 'pg-fast',
        kind: 'postgres',
        options: { url: PG_ADMIN_URL },
        every: '5s',
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, '/every');
      const added = await t.call('POST', '/v1/discovery/sources', t.admin, {
        id: 'pg-hourly',
        kind: 'postgres',
        options: { url: PG_ADMIN_URL },
        every: '1h',
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.equal(added.body.every_s, 3600);
      const first = await t.app.services.discovery.runDue();
      assert.deepEqual(
        first.map((r) => r.source),
        ['pg-hourly'],
      );
      // Ran a moment ago: not due again for an hour.
      assert.deepEqual(await t.app.services.discovery.runDue(), []);
      const [ev] = await t.db.all<{ actor: string; reason: string }>(
        "SELECT actor, reason FROM events WHERE action = 'discovery.run' AND subject_id = 'pg-hourly'",
      );
      assert.equal(ev!.actor, 'mandate:scheduler');
      assert.equal(ev!.reason, 'scheduled every 3600 s');
    });
  });
}

describe('the verdict of a delivery (pure)', () => {
  const row = {
    id: 'ob1',
    identity_id: 'svc',
    channel: 'postgres',
    target: 'r',
    action: 'disable' as const,
    delivered_at: '2026-01-01T00:00:00Z',
  };
  const account = (canLogIn: boolean, source = 'pg'): AccountView => ({
    key: `${source}|r`,
    source,
    native_id: 'r',
    state: 'matched',
    drift: [],
    identity: 'svc',
    evidence: [],
    findings: [],
    first_seen: '',
    last_seen: '',
    disposition: null,
    account: { enabled: canLogIn, can_login: canLogIn } as AccountView['account'],
  });
  const ok = { source: 'pg', run: 'dr1', status: 'succeeded' as const, complete: true, error: null };
  const failed = { source: 'pg2', run: 'dr2', status: 'failed' as const, complete: false, error: 'refused' };

  test('a switch-off holds when no observed account can log in, and not when one can', () => {
    assert.equal(verdictOf(row, [account(false)], [ok]).verdict, 'effective');
    assert.equal(verdictOf(row, [account(false), account(true, 'pg2')], [ok, failed]).verdict, 'not_effective');
  });
  test('an account no complete read saw is unverified; absent from every complete read, it cannot log in', () => {
    assert.equal(verdictOf(row, [], [ok, failed]).verdict, 'unverified');
    assert.equal(verdictOf(row, [], []).verdict, 'unverified');
    const gone = verdictOf(row, [], [ok]);
    assert.deepEqual([gone.verdict, gone.can_login], ['effective', false]);
  });
  test('a switch-on holds when the account can log in again', () => {
    assert.equal(verdictOf({ ...row, action: 'enable' }, [account(true)], [ok]).verdict, 'effective');
    assert.equal(verdictOf({ ...row, action: 'enable' }, [account(false)], [ok]).verdict, 'not_effective');
  });
});
