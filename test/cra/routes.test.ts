// CRA Article 14 reports over the API on both stores: the clock as deadlines with states, bad
// input answered as problem+json naming the field with nothing written, ledger events in the same
// transaction, the blast radius of a product and the revocation of all its identities' tokens in
// one step (introspection refuses them at once), the permissions, and the missed-deadline check.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';
import { productFirm } from './fixtures.js';

const H = 3_600_000;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();

for (const store of testStores()) {
  describe(`CRA reports on ${store.name}`, () => {
    let now = Date.parse('2026-11-02T09:00:00Z');
    let t: TestApp;
    const tokens: Record<string, string> = {};
    const call = (who: string, method: string, url: string, body?: unknown) => t.call(method, url, tokens[who] ?? who, body);
    const count = async (sql: string, params: unknown[] = []) => Number((await t.db.all<{ n: number }>(sql, params as never[]))[0]!.n);
    const written = async () => ({
      reports: await count('SELECT COUNT(*) AS n FROM cra_reports'),
      versions: await count('SELECT COALESCE(SUM(version), 0) AS n FROM cra_reports'),
      events: await count('SELECT COUNT(*) AS n FROM events'),
    });
    const open = (body: Record<string, unknown> = {}) =>
      call('carla', 'POST', '/v1/cra/reports', {
        product: 'hw-wallet',
        kind: 'exploited_vulnerability',
        title: 'Firmware signature bypass',
        aware_at: new Date(now - H).toISOString(),
        owner: 'alice@firm.example',
        ...body,
      });

    before(async () => {
      t = await testApp(await store.open(), () => new Date(now));
      tokens.carla = await t.tokenFor(['compliance_officer']);
      tokens.olaf = await t.tokenFor(['operator']);
      tokens.vic = await t.tokenFor(['viewer']);
      const res = await t.call('POST', '/v1/import', t.admin, productFirm());
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test('opening a report starts its clock and records cra_report.opened', async () => {
      const res = await open({ description: 'A crafted update skips the signature check' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const r = res.body;
      assert.match(r.id, /^cra_[0-9a-f]{16}$/);
      assert.equal(r.status, 'open');
      assert.equal(r.aware_at, '2026-11-02T08:00:00.000Z');
      assert.match(r.opened_by, /^user:u\d+-compliance_officer$/);
      assert.deepEqual(
        r.deadlines.map((d: any) => [d.milestone, d.article, d.due_at, d.state]),
        [
          ['early_warning', 'Art. 14(2)(a)', '2026-11-03T08:00:00.000Z', 'pending'],
          ['notification', 'Art. 14(2)(b)', '2026-11-05T08:00:00.000Z', 'pending'],
          ['final_report', 'Art. 14(2)(c)', null, 'waiting'],
        ],
      );
      const [e] = await t.db.all<{ actor: string; after_doc: string }>(
        "SELECT actor, after_doc FROM events WHERE action = 'cra_report.opened' AND subject_type = 'cra_report' AND subject_id = ?",
        [r.id],
      );
      assert.ok(e, 'cra_report.opened is in the ledger');
      const after = JSON.parse(e.after_doc);
      assert.equal(after.product, 'hw-wallet');
      assert.equal(after.early_warning_due, '2026-11-03T08:00:00.000Z');
      assert.equal((await call('vic', 'GET', `/v1/cra/reports/${r.id}`)).body.title, 'Firmware signature bypass');
    });

    test('bad input: problem+json naming the field, nothing written', async () => {
      const cases: [Record<string, unknown>, number, string][] = [
        [{ product: 'no-such-product' }, 422, '/product'],
        [{ owner: 'nobody@firm.example' }, 422, '/owner'],
        [{ owner: 'bob@firm.example' }, 422, '/owner'],
        [{ kind: 'breach' }, 400, '/kind'],
        [{ aware_at: new Date(now + 2 * H).toISOString() }, 400, '/aware_at'],
        [{ aware_at: '2026-02-30T00:00:00Z' }, 400, '/aware_at'],
        [{ title: '' }, 400, '/title'],
        [{ extra: 1 }, 400, '/extra'],
      ];
      for (const [body, status, field] of cases) {
        const before = await written();
        const res = await open(body);
        assert.equal(res.status, status, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/);
        const fields = [res.body.field, ...(res.body.errors ?? []).map((e: any) => e.field)];
        assert.ok(fields.includes(field), `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
        assert.deepEqual(await written(), before, `${JSON.stringify(body)} wrote nothing`);
      }
      const r = (await open()).body;
      const before = await written();
      for (const [body, status, field] of [
        [{ milestone: 'notification', reference: 'x' }, 409, '/milestone'],
        [{ milestone: 'final_report', reference: 'x' }, 409, '/milestone'],
        [{ milestone: 'early_warning', reference: 'x', at: '2026-11-01T00:00:00Z' }, 400, '/at'],
        [{ milestone: 'early_warning', reference: 'x', at: new Date(now + H).toISOString() }, 400, '/at'],
        [{ milestone: 'early_warning' }, 400, '/reference'],
        [{ milestone: 'sometime', reference: 'x' }, 400, '/milestone'],
      ] as const) {
        const res = await call('carla', 'POST', `/v1/cra/reports/${r.id}/milestones`, body);
        assert.equal(res.status, status, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
        const fields = [res.body.field, ...(res.body.errors ?? []).map((e: any) => e.field)];
        assert.ok(fields.includes(field), `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      }
      assert.equal(
        (await call('carla', 'POST', '/v1/cra/reports/cra_nope/milestones', { milestone: 'early_warning', reference: 'x' })).status,
        404,
      );
      assert.equal((await call('vic', 'GET', '/v1/cra/reports/cra_nope')).status, 404);
      assert.deepEqual(await written(), before);
    });

    test('milestones move the deadlines: met on time, missed late, the final report 14 days after the measure', async () => {
      const r = (await open({ title: 'Bootloader key exposure' })).body;
      const milestone = (body: Record<string, unknown>) => call('carla', 'POST', `/v1/cra/reports/${r.id}/milestones`, body);
      const ew = await milestone({ milestone: 'early_warning', reference: 'ENISA-SRP-EW-1' });
      assert.equal(ew.status, 200, JSON.stringify(ew.body));
      assert.equal(ew.body.deadlines[0].state, 'met');
      now += 80 * H; // past the 72 h notification deadline
      const listed = await call('vic', 'GET', `/v1/cra/reports?product=hw-wallet&status=open`);
      assert.deepEqual(listed.body.items.find((x: any) => x.id === r.id).missed, ['notification']);
      const n = await milestone({ milestone: 'notification', reference: 'ENISA-SRP-N-1' });
      assert.equal(n.body.deadlines[1].state, 'missed', 'a late notification stays missed');
      const cm = await milestone({ milestone: 'corrective_measure', reference: 'fw 1.1.1', at: new Date(now - H).toISOString() });
      assert.equal(cm.status, 200);
      assert.equal(cm.body.deadlines[2].due_at, new Date(now - H + 14 * 24 * H).toISOString());
      assert.equal(cm.body.deadlines[2].state, 'pending');
      const fr = await milestone({ milestone: 'final_report', reference: 'ENISA-SRP-F-1' });
      assert.equal(fr.body.deadlines[2].state, 'met');
      assert.deepEqual(
        fr.body.milestones.map((m: any) => m.milestone),
        ['early_warning', 'notification', 'corrective_measure', 'final_report'],
      );
      const events = await t.db.all<{ after_doc: string }>(
        "SELECT after_doc FROM events WHERE action = 'cra_report.milestone_recorded' AND subject_id = ? ORDER BY seq",
        [r.id],
      );
      assert.deepEqual(
        events.map((e) => {
          const a = JSON.parse(e.after_doc);
          return [a.product, a.milestone, a.state ?? null];
        }),
        [
          ['hw-wallet', 'early_warning', 'met'],
          ['hw-wallet', 'notification', 'missed'],
          ['hw-wallet', 'corrective_measure', null],
          ['hw-wallet', 'final_report', 'met'],
        ],
      );
      const closed = await call('carla', 'POST', `/v1/cra/reports/${r.id}/close`, { reason: 'final report submitted' });
      assert.equal(closed.status, 200);
      assert.equal(closed.body.status, 'closed');
      assert.deepEqual(closed.body.missed, ['notification']);
      const again = await call('carla', 'POST', `/v1/cra/reports/${r.id}/close`, { reason: 'twice' });
      assert.equal(again.status, 409);
      const more = await milestone({ milestone: 'early_warning', reference: 'x' });
      assert.equal(more.status, 409);
      const [e] = await t.db.all<{ before_doc: string; after_doc: string; reason: string }>(
        "SELECT before_doc, after_doc, reason FROM events WHERE action = 'cra_report.closed' AND subject_id = ?",
        [r.id],
      );
      assert.deepEqual(JSON.parse(e!.before_doc), { status: 'open' });
      assert.equal(JSON.parse(e!.after_doc).product, 'hw-wallet');
      assert.equal(e!.reason, 'final report submitted');
      assert.ok((await call('vic', 'GET', '/v1/cra/reports?status=closed')).body.items.some((x: any) => x.id === r.id));
      assert.ok(!(await call('vic', 'GET', '/v1/cra/reports?status=open')).body.items.some((x: any) => x.id === r.id));
      assert.deepEqual((await call('vic', 'GET', '/v1/cra/reports?product=mobile-app')).body.items, []);
    });

    test('a severe incident: the final report is due one month after the notification', async () => {
      const aware = now - 48 * H;
      const r = (await open({ kind: 'severe_incident', title: 'Update server compromise', aware_at: new Date(aware).toISOString() })).body;
      const milestone = (body: Record<string, unknown>) => call('carla', 'POST', `/v1/cra/reports/${r.id}/milestones`, body);
      assert.equal((await milestone({ milestone: 'corrective_measure', reference: 'x' })).status, 400);
      await milestone({ milestone: 'early_warning', reference: 'EW', at: new Date(aware + 10 * H).toISOString() });
      const notified = new Date(aware + 30 * H);
      const n = await milestone({ milestone: 'notification', reference: 'N', at: notified.toISOString() });
      assert.equal(n.status, 200, JSON.stringify(n.body));
      assert.equal(notified.getUTCMonth(), 10, 'November: one month later is the same day of December');
      const due = new Date(notified);
      due.setUTCMonth(11);
      assert.equal(n.body.deadlines[2].due_at, due.toISOString());
      assert.equal(n.body.deadlines[2].article, 'Art. 14(4)(c)');
    });

    test('the blast radius lists the identities of the product, with counts', async () => {
      const r = (await open()).body;
      const res = await call('vic', 'GET', `/v1/cra/reports/${r.id}/blast-radius`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.product, 'hw-wallet');
      assert.deepEqual(
        res.body.identities.map((i: any) => [i.identity, i.channel, i.function, i.capability]),
        [
          ['fw-signer', null, 'release_engineering', 'execute'],
          ['fw-telemetry', null, 'product_security', 'observe'],
          ['fw-updates', 'beta', 'update_distribution', 'execute'],
          ['fw-updates', 'stable', 'update_distribution', 'execute'],
        ],
      );
      assert.deepEqual(res.body.identities[0].actions, ['build', 'sign_release']);
      assert.equal(res.body.counts.identities, 3);
      assert.deepEqual(res.body.counts.by_capability, { execute: 2, observe: 1 });
      assert.deepEqual(res.body.counts.by_function, { release_engineering: 1, product_security: 1, update_distribution: 1 });
    });

    test('revoke-tokens ends every token of the product identities in one step, with its events', async () => {
      const r = (await open()).body;
      const reg = await t.call('POST', '/v1/identities/fw-telemetry/credentials', t.admin, { type: 'static_secret' });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const issue = () =>
        t.call(
          'POST',
          '/v1/token',
          undefined,
          form({ grant_type: 'client_credentials', client_id: 'fw-telemetry', client_secret: reg.body.secret }),
          FORM,
        );
      const tok = await issue();
      assert.equal(tok.status, 200, JSON.stringify(tok.body));
      const enforcer = await t.tokenFor(['enforcer']);
      const active = async (token: string) =>
        (await t.call('POST', '/v1/introspect', enforcer, form({ token }), FORM)).body.active as boolean;
      assert.equal(await active(tok.body.access_token), true);
      const gens = async () =>
        new Map(
          (await t.db.all<{ identity_id: string; generation: number }>('SELECT identity_id, generation FROM token_generations')).map(
            (g) => [g.identity_id, Number(g.generation)],
          ),
        );
      const before = await gens();
      // An operator revokes (credentials:write); a compliance officer or a viewer cannot.
      assert.equal((await call('carla', 'POST', `/v1/cra/reports/${r.id}/revoke-tokens`, { reason: 'x' })).status, 403);
      assert.equal((await call('vic', 'POST', `/v1/cra/reports/${r.id}/revoke-tokens`, { reason: 'x' })).status, 403);
      assert.equal((await call('olaf', 'POST', `/v1/cra/reports/${r.id}/revoke-tokens`, {})).status, 400);
      const res = await call('olaf', 'POST', `/v1/cra/reports/${r.id}/revoke-tokens`, { reason: 'signing key may be exposed' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.count, 3);
      assert.deepEqual(
        res.body.identities.map((i: any) => i.identity),
        ['fw-signer', 'fw-telemetry', 'fw-updates'],
      );
      const after = await gens();
      for (const id of ['fw-signer', 'fw-telemetry', 'fw-updates']) assert.equal(after.get(id), (before.get(id) ?? 0) + 1, id);
      for (const id of ['app-signer', 'svc-custody']) assert.equal(after.get(id), before.get(id), `${id} untouched`);
      assert.equal(await active(tok.body.access_token), false, 'the token is refused at once');
      const fresh = await issue();
      assert.equal(await active(fresh.body.access_token), true, 'new tokens carry the new generation');
      const events = await t.db.all<{ action: string; subject_id: string; after_doc: string; at: string }>(
        "SELECT action, subject_id, after_doc, at FROM events WHERE action IN ('identity.tokens_revoked', 'cra_report.tokens_revoked') " +
          'AND at = ? ORDER BY seq',
        [res.body.revoked_at],
      );
      assert.deepEqual(
        events.map((e) => [e.action, e.subject_id]),
        [
          ['identity.tokens_revoked', 'fw-signer'],
          ['identity.tokens_revoked', 'fw-telemetry'],
          ['identity.tokens_revoked', 'fw-updates'],
          ['cra_report.tokens_revoked', r.id],
        ],
      );
      assert.deepEqual(JSON.parse(events[3]!.after_doc).product, 'hw-wallet');
      assert.deepEqual((await call('vic', 'GET', `/v1/cra/reports/${r.id}`)).body.revocations.length, 1);
    });

    test('permissions: a viewer reads but cannot write; an operator cannot open reports', async () => {
      assert.equal((await open({})).status, 201);
      assert.equal((await call('vic', 'POST', '/v1/cra/reports', {})).status, 403);
      assert.equal((await call('olaf', 'POST', '/v1/cra/reports', {})).status, 403);
      assert.equal((await call('vic', 'GET', '/v1/cra/reports')).status, 200);
      assert.equal((await t.call('GET', '/v1/cra/reports', undefined)).status, 401);
    });

    test('the compliance check finds each missed deadline of an open report, and stops when it closes', async () => {
      const r = (await open({ kind: 'severe_incident', title: 'Telemetry leak', aware_at: new Date(now).toISOString() })).body;
      now += 30 * H;
      const run = await t.call('POST', '/v1/checks/run', t.admin, {});
      assert.ok(run.status === 200 || run.status === 201, JSON.stringify(run.body));
      const findings = async () =>
        (
          await t.db.all<{ subject_id: string; status: string; doc: string }>(
            'SELECT subject_id, status, doc FROM compliance_findings ' +
              "WHERE check_id = 'cra-reporting-deadline-missed' AND subject_id LIKE ?",
            [`${r.id}:%`],
          )
        ).map((f) => [f.subject_id, f.status, JSON.parse(f.doc).controls, JSON.parse(f.doc).scopes]);
      assert.deepEqual(await findings(), [[`${r.id}:early_warning`, 'open', ['cra:art-14'], ['product:hw-wallet']]]);
      await call('carla', 'POST', `/v1/cra/reports/${r.id}/close`, { reason: 'not a severe incident after analysis' });
      await t.call('POST', '/v1/checks/run', t.admin, {});
      assert.deepEqual(await findings(), [[`${r.id}:early_warning`, 'resolved', ['cra:art-14'], ['product:hw-wallet']]]);
    });
  });
}
