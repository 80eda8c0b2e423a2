// The two bypasses of issue 14, reproduced on the demo firm as a new user (and an attacker) would
// try them, over the API and the CLI, on both stores: a re-import that quietly undid a four-eyes
// withdrawal, and identity edits that added power (unsealing break-glass, adding an action)
// without any approval. Each must now be refused or held, write nothing but the evidence of the
// attempt, and apply only through the approvals the rules require.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { buildApp } from '../../src/app.js';
import { runCli } from '../support/cli.js';
import { testStores } from '../support/stores.js';

const DEMO = 'demo/mandate-demo.yaml';
const CONTEXT = { attested: true, device_posture: 'compliant', session_purpose: 'client-withdrawals', environment: 'production' };

for (const store of testStores()) {
  describe(`power grows only by approval, status only by transition, on ${store.name}`, () => {
    let app: Awaited<ReturnType<typeof buildApp>>;
    let url: string;
    const tokens: Record<string, string> = {};
    const call = async (who: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await app.inject({
        method: method as 'GET',
        url: path,
        headers: { authorization: `Bearer ${tokens[who]}`, ...headers },
        ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers };
    };
    const decide = async (identity: string, action: string, jurisdiction: string) =>
      (
        await call('admin', 'POST', '/v1/decisions', {
          principal: { identity },
          action,
          resource: { entity: 'ent-de', service: 'custody', jurisdiction },
          context: CONTEXT,
        })
      ).body;
    const lastSeq = async () => Number((await call('admin', 'GET', '/v1/events?limit=1&order=desc')).body.items[0].seq);
    const cli = (who: string, ...args: string[]) => runCli(args, { MANDATE_URL: url, MANDATE_TOKEN: tokens[who]! });

    before(async () => {
      app = await buildApp({ db: await store.open(), logger: false });
      tokens.admin = (await app.services.users.bootstrap(undefined))!;
      for (const [user, roles] of [
        ['carla', ['compliance_officer']],
        ['anton', ['approver']],
        ['alma', ['approver']],
        ['olga', ['operator']],
      ] as const) {
        await app.services.users.createUser('test', { id: user, name: user, roles: [...roles] });
        tokens[user] = (await app.services.users.createToken('test', user, {})).token;
      }
      const first = await call('carla', 'POST', '/v1/import', readFileSync(DEMO, 'utf8'), { 'content-type': 'application/yaml' });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.bootstrap, true);
      assert.equal(first.body.counts.held, 0);
      url = await app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test(
      'a re-import cannot undo a four-eyes withdrawal: refused whole with ' + 'the transition to use, nothing written but the refusal',
      async () => {
        const proposed = await call('carla', 'POST', '/v1/authorisations/auth-de-custody-nl/transitions', {
          to: 'withdrawn',
          reason: 'AFM withdrew the notification',
          reference: 'AFM 2026/11',
        });
        assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
        assert.equal((await call('anton', 'POST', `/v1/transitions/${proposed.body.id}/approve`, {})).status, 200);
        assert.equal((await decide('svc-custody-api-de', 'initiate_transfer', 'NL')).decision, 'deny');

        const manifest = readFileSync(DEMO, 'utf8');
        const at = parse(manifest).authorisations.findIndex((a: { id: string }) => a.id === 'auth-de-custody-nl');
        const before = await lastSeq();
        for (const dry of [true, false]) {
          const res = await call('carla', 'POST', `/v1/import${dry ? '?dry_run=true' : ''}`, manifest, {
            'content-type': 'application/yaml',
          });
          assert.equal(res.status, 409, JSON.stringify(res.body));
          assert.match(String(res.headers['content-type']), /application\/problem\+json/);
          assert.equal(res.body.code, 'STATUS_CHANGE_NEEDS_TRANSITION');
          assert.equal(res.body.field, `/authorisations/${at}/status`);
          assert.match(res.body.detail, /mandate authorisations propose auth-de-custody-nl --to authorised/);
        }
        assert.equal((await call('admin', 'GET', '/v1/authorisations/auth-de-custody-nl')).body.status, 'withdrawn');
        assert.equal((await decide('svc-custody-api-de', 'initiate_transfer', 'NL')).decision, 'deny');
        // The refusal itself is the only thing written (the decisions above are evidence too).
        const since = (await call('admin', 'GET', `/v1/events?limit=500&order=desc`)).body.items.filter((e: any) => e.seq > before);
        assert.deepEqual([...new Set(since.map((e: any) => e.action))].sort(), ['decision.recorded', 'import.refused']);

        // The CLI says the same and exits non-zero; its dry run too.
        for (const args of [
          ['import', DEMO],
          ['import', DEMO, '--dry-run'],
        ]) {
          const res = await cli('carla', ...args);
          assert.equal(res.code, 1, res.stdout);
          assert.match(res.stderr, /STATUS_CHANGE_NEEDS_TRANSITION/);
          assert.match(res.stderr, /authorisation auth-de-custody-nl/);
        }
        // A PUT of the authorisation is refused the same way; its reference may still be corrected.
        const current = await call('carla', 'GET', '/v1/authorisations/auth-de-custody-nl');
        const { version, created_at, updated_at, ...record } = current.body;
        const put = await call(
          'carla',
          'PUT',
          '/v1/authorisations/auth-de-custody-nl',
          { ...record, status: 'authorised' },
          { 'if-match': `"${version}"` },
        );
        assert.equal(put.status, 409);
        assert.equal(put.body.code, 'STATUS_CHANGE_NEEDS_TRANSITION');
        assert.equal(put.body.field, '/status');
        const moved = await call(
          'carla',
          'PUT',
          '/v1/authorisations/auth-de-custody-nl',
          { ...record, jurisdiction: 'BE' },
          { 'if-match': `"${version}"` },
        );
        assert.equal(moved.body.code, 'IMMUTABLE_FIELD');
        const fixed = await call(
          'carla',
          'PUT',
          '/v1/authorisations/auth-de-custody-nl',
          { ...record, reference: `${record.reference} (corrected)` },
          { 'if-match': `"${version}"` },
        );
        assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
        assert.equal(fixed.body.status, 'withdrawn');
        // And reinstating goes through a transition, as the refusal said.
        const back = await call('carla', 'POST', '/v1/authorisations/auth-de-custody-nl/transitions', {
          to: 'authorised',
          reason: 'appeal upheld',
          reference: 'AFM 2026/12',
        });
        assert.equal((await call('alma', 'POST', `/v1/transitions/${back.body.id}/approve`, {})).status, 200);
        assert.equal((await decide('svc-custody-api-de', 'initiate_transfer', 'NL')).decision, 'allow');
      },
    );

    test('unsealing a break-glass identity by an edit waits for two approvers; until then it stays sealed', async () => {
      const current = await call('olga', 'GET', '/v1/identities/bg-custody-de');
      const { version, created_at, updated_at, ...record } = current.body;
      assert.equal(record.break_glass, true);
      assert.match((await decide('bg-custody-de', 'withdraw_to_client', 'DE')).reasons.join(' '), /sealed break-glass/);
      const held = await call(
        'olga',
        'PUT',
        '/v1/identities/bg-custody-de',
        { ...record, break_glass: false },
        { 'if-match': `"${version}"` },
      );
      assert.equal(held.status, 202, JSON.stringify(held.body));
      assert.ok(held.body.change.gains.some((g: any) => g.kind === 'unsealed'));
      assert.equal(held.body.approval.required, 2);
      assert.equal((await call('olga', 'GET', '/v1/identities/bg-custody-de')).body.break_glass, true);
      assert.equal((await decide('bg-custody-de', 'withdraw_to_client', 'DE')).decision, 'deny');
      // The requester never approves their own change.
      const self = await call('olga', 'POST', `/v1/approvals/${held.body.approval.id}/approve`, {});
      assert.equal(self.status, 403);
      assert.equal(self.body.code, 'SEPARATION_OF_DUTIES');
      const one = await call('anton', 'POST', `/v1/approvals/${held.body.approval.id}/approve`, {});
      assert.equal(one.body.status, 'pending');
      assert.equal((await decide('bg-custody-de', 'withdraw_to_client', 'DE')).decision, 'deny');
      const two = await call('alma', 'POST', `/v1/approvals/${held.body.approval.id}/approve`, {});
      assert.equal(two.body.status, 'approved', JSON.stringify(two.body));
      const after = await call('olga', 'GET', '/v1/identities/bg-custody-de');
      assert.equal(after.body.break_glass, false);
      assert.equal(after.body.version, version + 1);
      assert.equal((await decide('bg-custody-de', 'withdraw_to_client', 'DE')).decision, 'allow');
      const history = (await call('olga', 'GET', '/v1/identities/bg-custody-de/events')).body.items;
      const updated = history.filter((e: any) => e.action === 'identity.updated');
      assert.equal(updated.length, 1);
      assert.equal(updated[0].before.break_glass, true);
      assert.equal(updated[0].after.break_glass, false);
      assert.match(updated[0].reason, new RegExp(`change ${held.body.id} approved by anton, alma`));
    });

    test('adding an action waits for approval; the identity owner may not approve; removing one applies at once', async () => {
      const current = await call('olga', 'GET', '/v1/identities/agent-custody-ops-copilot');
      const { version, created_at, updated_at, ...record } = current.body;
      assert.ok(!record.actions.includes('withdraw_to_client'));
      assert.equal((await decide('agent-custody-ops-copilot', 'withdraw_to_client', 'DE')).decision, 'deny');
      const held = await call(
        'olga',
        'PUT',
        '/v1/identities/agent-custody-ops-copilot',
        { ...record, actions: [...record.actions, 'withdraw_to_client'] },
        { 'if-match': `"${version}"` },
      );
      assert.equal(held.status, 202);
      assert.deepEqual(
        held.body.change.gains.filter((g: any) => g.detail.includes('ent-de/custody/DE')).map((g: any) => g.detail),
        ['withdraw_to_client in ent-de/custody/DE'],
      );
      assert.equal(held.body.approval.required, 2);
      assert.equal(held.body.approval.owner, record.owner);
      assert.equal((await decide('agent-custody-ops-copilot', 'withdraw_to_client', 'DE')).decision, 'deny');
      // The CLI inbox lists it for an approver.
      const inbox = await cli('anton', 'approvals', 'list', '--mine', '--json');
      assert.ok(
        JSON.parse(inbox.stdout).some((a: any) => a.id === held.body.approval.id),
        inbox.stdout + inbox.stderr,
      );
      // An edit that only removes power applies at once.
      const narrower = record.actions.filter((a: string) => a !== 'reconcile');
      const removed = await call(
        'olga',
        'PUT',
        '/v1/identities/agent-custody-ops-copilot',
        { ...record, actions: narrower },
        { 'if-match': `"${version}"` },
      );
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.deepEqual(removed.body.actions, narrower);
      // The held change was based on the old version: approving it now is refused, and nothing changes.
      assert.equal((await call('anton', 'POST', `/v1/approvals/${held.body.approval.id}/approve`, {})).body.status, 'pending');
      const late = await call('alma', 'POST', `/v1/approvals/${held.body.approval.id}/approve`, {});
      assert.equal(late.status, 412, JSON.stringify(late.body));
      assert.equal(late.body.code, 'PRECONDITION_FAILED');
      assert.deepEqual((await call('olga', 'GET', '/v1/identities/agent-custody-ops-copilot')).body.actions, narrower);
      assert.equal((await decide('agent-custody-ops-copilot', 'withdraw_to_client', 'DE')).decision, 'deny');
    });

    test('a re-import that would add power holds those records for approval and applies the rest', async () => {
      const demo = parse(readFileSync(DEMO, 'utf8'));
      for (const a of demo.authorisations) if (a.id === 'auth-de-custody-nl') a.reference = 'AFM 2026/12';
      const copilot = demo.identities.find((i: any) => i.id === 'agent-custody-ops-copilot');
      const current = (await call('olga', 'GET', '/v1/identities/agent-custody-ops-copilot')).body;
      copilot.actions = [...current.actions, 'withdraw_to_client'];
      const purpose = demo.identities.find((i: any) => i.id === 'svc-grafana-readonly');
      purpose.purpose = 'Dashboards, read-only (reviewed)';
      // The authorisations as they stand now (the demo file still says what the firm held at first).
      for (const a of demo.authorisations) a.status = (await call('olga', 'GET', `/v1/authorisations/${a.id}`)).body.status;
      for (const i of demo.identities) {
        const stored = (await call('olga', 'GET', `/v1/identities/${i.id}`)).body;
        i.status = stored.status;
        if (i.id === 'bg-custody-de') i.break_glass = stored.break_glass;
        if (i.id !== 'agent-custody-ops-copilot' && stored.actions) i.actions = stored.actions;
      }
      const res = await call('carla', 'POST', '/v1/import', JSON.stringify(demo), { 'content-type': 'application/json' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.bootstrap, false);
      assert.deepEqual(
        res.body.pending.map((p: any) => p.id),
        ['agent-custody-ops-copilot'],
      );
      assert.equal(res.body.pending[0].required, 2);
      assert.equal(res.body.counts.held, 1);
      assert.equal((await call('olga', 'GET', '/v1/identities/svc-grafana-readonly')).body.purpose, 'Dashboards, read-only (reviewed)');
      assert.ok(!(await call('olga', 'GET', '/v1/identities/agent-custody-ops-copilot')).body.actions.includes('withdraw_to_client'));
      await call('anton', 'POST', `/v1/approvals/${res.body.pending[0].approval}/approve`, {});
      assert.equal((await call('alma', 'POST', `/v1/approvals/${res.body.pending[0].approval}/approve`, {})).body.status, 'approved');
      assert.ok((await call('olga', 'GET', '/v1/identities/agent-custody-ops-copilot')).body.actions.includes('withdraw_to_client'));
    });
  });
}
