// Issue 22 item 1, on the demo firm and both stores: GET /v1/identities/{id}/power and
// `mandate identities power` show each identity's lawful power per scope and action with the rule
// that decided, a narrowed identity looks narrowed, the view agrees with the stored power of every
// identity, and follows a withdrawal and a just-in-time grant.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp, type MandateApp } from '../../src/app.js';
import { demoManifest } from '../../src/demo/firm.js';
import type { PowerView } from '../../src/core/power-view.js';
import type { Database } from '../../src/store/db.js';
import { runCli } from '../support/cli.js';
import { testStores } from '../support/stores.js';

const FR = 'ent-de/custody/FR';

for (const store of testStores()) {
  describe(`identity power view, demo firm on ${store.name}`, () => {
    let app: MandateApp;
    let db: Database;
    let url: string;
    let admin: string;
    const tokens: Record<string, string> = {};
    const get = async (id: string, token = admin) => {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/identities/${encodeURIComponent(id)}/power`,
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: res.statusCode, type: String(res.headers['content-type']), body: JSON.parse(res.body) };
    };
    const power = async (id: string): Promise<PowerView> => {
      const res = await get(id);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as PowerView;
    };
    const lastSeq = async () => Number((await db.all<{ n: number }>('SELECT MAX(seq) AS n FROM events'))[0]!.n);
    /** Identities acting in FR with at least one lawful new-business action there (they lose it on withdrawal). */
    const inFrance = async () => {
      const rows = await db.all<{ identity_id: string }>(
        'SELECT DISTINCT s.identity_id FROM identity_scopes s JOIN identities i ON i.id = s.identity_id ' +
          "WHERE s.entity = 'ent-de' AND s.service = 'custody' AND s.jurisdiction = 'FR' AND i.status IN ('active', 'suspended') " +
          'ORDER BY s.identity_id',
      );
      return rows.map((r) => r.identity_id);
    };

    before(async () => {
      db = await store.open();
      app = await buildApp({ db, logger: false });
      admin = (await app.services.users.bootstrap(undefined))!;
      for (const [user, roles] of [
        ['carla', ['compliance_officer']],
        ['anna', ['approver']],
        ['anton', ['approver']],
        ['alma', ['approver']],
        ['olga', ['operator']],
      ] as const) {
        await app.services.users.createUser('test', { id: user, name: user, roles: [...roles] });
        tokens[user] = (await app.services.users.createToken('test', user, {})).token;
      }
      await app.services.importer.importManifest('test', demoManifest(), { dryRun: false, digestOf: 'demo' });
      url = await app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await app?.close();
      await store.cleanup();
    });

    test('every identity: the view agrees with its stored power, and reading it writes nothing', async () => {
      const ids = (await db.all<{ id: string }>('SELECT id FROM identities ORDER BY id')).map((r) => r.id);
      assert.ok(ids.length > 200);
      const from = await lastSeq();
      const outcomes = new Map<string, number>();
      for (const id of ids) {
        const p = await power(id);
        assert.equal(p.in_step, true, `${id}: stored power differs from the view`);
        outcomes.set(p.outcome, (outcomes.get(p.outcome) ?? 0) + 1);
        const lawful = p.scopes.flatMap((s) => s.actions).filter((a) => a.lawful).length;
        assert.equal(p.summary.lawful, lawful);
      }
      assert.ok((outcomes.get('narrow') ?? 0) > 0 && (outcomes.get('keep') ?? 0) > 0, JSON.stringify([...outcomes]));
      // The server's own background work (checkpoints, check runs, the outbox retrying the import's
      // deliveries to connectors this test has none of) may append meanwhile; no read does.
      const since = await db.all<{ action: string; subject_type: string }>('SELECT action, subject_type FROM events WHERE seq > ?', [from]);
      assert.deepEqual(
        since.filter((e) => !e.action.startsWith('connector.') && (e.subject_type === 'identity' || /power|decision/.test(e.action))),
        [],
        `a read appends no event: ${JSON.stringify(since)}`,
      );
    });

    test('a withdrawal narrows an identity acting in France, and the view says so, action by action, with the rule', async () => {
      const candidates = await inFrance();
      assert.ok(candidates.length > 0);
      const before = new Map<string, PowerView>();
      for (const id of candidates) before.set(id, await power(id));
      const proposal = await app.services.regulatory.propose({ user: 'carla', canApprove: false }, 'auth-de-custody-fr', {
        to: 'withdrawn',
        reason: 'passport withdrawn',
        reference: 'AMF 2026/PW/3',
      });
      const t = await app.services.regulatory.decide({ user: 'anna', canApprove: true }, proposal.id, 'approve', undefined);
      assert.equal(t.status, 'applied');
      let narrowed = 0;
      for (const id of candidates) {
        const p = await power(id);
        assert.equal(p.in_step, true, id);
        const fr = p.scopes.find((s) => s.key === FR)!;
        assert.equal(fr.state, 'withdrawn');
        assert.deepEqual(fr.authorisation && [fr.authorisation.id, fr.authorisation.status], ['auth-de-custody-fr', 'withdrawn']);
        for (const a of fr.actions) {
          if (a.by.startsWith('table:')) assert.equal(a.by, `table:withdrawn.${a.class}`);
          if (a.class === 'new_business' && a.by === 'table:withdrawn.new_business') assert.equal(a.lawful, false, `${id} ${a.action}`);
          if (!a.lawful) assert.match(a.because, a.by.startsWith('table:') ? /withdrawn/ : /\w/);
        }
        const lostHere = fr.actions.filter((a) => !a.lawful).length;
        const hadHere = before
          .get(id)!
          .scopes.find((s) => s.key === FR)!
          .actions.filter((a) => !a.lawful).length;
        if (lostHere > hadHere && p.capability === 'execute') {
          assert.notEqual(p.outcome, 'keep', `${id} lost power in France and must not look untouched`);
          if (p.outcome === 'narrow') {
            narrowed++;
            assert.match(p.why, /no longer lawful/);
          }
        }
      }
      assert.ok(narrowed > 0, 'some identity acting in France is narrowed');
    });

    test('a just-in-time grant shows as lent, ends with the grant, and the CLI shows the same view', async () => {
      // An active execute custody identity with an authorised scope, and a custody action it is not entitled to there.
      const CUSTODY = ['read', 'initiate_transfer', 'withdraw_to_client', 'transfer_to_successor', 'reconcile', 'onboard_client'];
      let pick: { id: string; scope: PowerView['scopes'][number]; action: string } | undefined;
      for (const { id } of await db.all<{ id: string }>("SELECT id FROM identities WHERE status = 'active' ORDER BY id")) {
        const p = await power(id);
        if (p.capability !== 'execute' || p.break_glass) continue;
        const scope = p.scopes.find((s) => s.state === 'authorised' && 'service' in s.scope && s.scope.service === 'custody');
        const action = CUSTODY.find((a) => scope && !scope.actions.some((x) => x.action === a));
        if (scope && action) {
          pick = { id, scope, action };
          break;
        }
      }
      assert.ok(pick, 'the demo has a custody identity with an action left to grant');
      const call = async (who: string, method: 'POST', path: string, body: object) => {
        const res = await app.inject({ method, url: path, headers: { authorization: `Bearer ${tokens[who]}` }, payload: body });
        return { status: res.statusCode, body: JSON.parse(res.body) };
      };
      const req = await call('olga', 'POST', '/v1/access-requests', {
        identity: pick.id,
        actions: [pick.action],
        scope: pick.scope.scope,
        duration_seconds: 1800,
        justification: 'stuck operation INC-7',
        ticket: 'INC-7',
      });
      assert.equal(req.status, 201, JSON.stringify(req.body));
      for (const who of ['anton', 'alma']) {
        if ((await call(who, 'POST', `/v1/approvals/${req.body.id}/approve`, {})).body.status === 'approved') break;
      }
      const p = await power(pick.id);
      const row = p.scopes.find((s) => s.key === pick!.scope.key)!.actions.find((a) => a.action === pick!.action);
      assert.ok(row, 'the lent action is shown in its scope');
      assert.deepEqual([row.entitled, row.lawful, row.lent_by.map((g) => g.kind)], [false, true, ['access']]);
      assert.equal(p.summary.lent, 1);
      assert.ok(p.grants.some((g) => g.id === row.lent_by[0]!.id));

      const env = { MANDATE_URL: url, MANDATE_TOKEN: admin };
      const cli = await runCli(['identities', 'power', pick.id], env);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, new RegExp(`^${pick.id} `));
      for (const s of p.scopes)
        for (const a of s.actions) {
          const line = cli.stdout.split('\n').find((l) => l.startsWith(s.key) && l.includes(` ${a.action} `));
          assert.ok(line, `${s.key} ${a.action} in the CLI's table`);
          assert.match(line!, a.lawful ? / yes / : / NO /);
          assert.ok(line!.includes(a.by.slice(0, 20)), line);
          if (!a.entitled) assert.match(line!, /lent by /);
        }
      assert.match(cli.stdout, /grants in force:/);
      const json = await runCli(['--json', 'identities', 'power', pick.id], env);
      assert.deepEqual(JSON.parse(json.stdout), p);

      await call('olga', 'POST', `/v1/access-requests/${req.body.id}/revoke`, { reason: 'done' });
      const ended = await power(pick.id);
      assert.equal(ended.summary.lent, 0);
      assert.ok(!ended.scopes.flatMap((s) => s.actions).some((a) => a.lent_by.length > 0));
    });

    test('a narrowed identity: --unlawful lists only what it lost, each with the rule that decided', async () => {
      const narrowed = (
        await db.all<{ identity_id: string }>("SELECT identity_id FROM identity_power WHERE outcome = 'narrow' ORDER BY identity_id")
      )[0];
      assert.ok(narrowed);
      const p = await power(narrowed.identity_id);
      assert.equal(p.outcome, 'narrow');
      const cli = await runCli(['identities', 'power', narrowed.identity_id, '--unlawful'], { MANDATE_URL: url, MANDATE_TOKEN: admin });
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /NARROWED: \d+ of \d+ scope actions are no longer lawful/);
      assert.doesNotMatch(cli.stdout, / yes /);
      const lines = cli.stdout.split('\n').filter((l) => / NO /.test(l));
      assert.equal(lines.length, p.summary.unlawful);
    });

    test('an unknown identity is a 404 problem, in the API and the CLI', async () => {
      const res = await get('no-such-identity');
      assert.equal(res.status, 404);
      assert.match(res.type, /application\/problem\+json/);
      assert.equal(res.body.code, 'NOT_FOUND');
      const cli = await runCli(['identities', 'power', 'no-such-identity'], { MANDATE_URL: url, MANDATE_TOKEN: admin });
      assert.notEqual(cli.code, 0);
      assert.match(cli.stderr, /no identity with id no-such-identity/);
    });
  });
}
