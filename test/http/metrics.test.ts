// Prometheus metrics on both stores: the domain counters move with what is committed (a decision,
// a refused token request, an applied transition and its cascade), the scrape-time gauges agree
// with the store (ledger size, open findings by severity, outbox lag, enforcement followers), and
// the whole exposition passes `promtool check metrics` (Prometheus' own linter; CI installs it).
// /metrics needs the monitor role's token, or an address of its own; every answer says nosniff,
// and API answers no-store.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';
import { serveMetrics } from '../../src/http/metrics.js';

/** The value of one sample (`name{labels}`), or undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

for (const store of testStores()) {
  describe(`metrics on ${store.name}`, () => {
    let t: TestApp;
    let monitor: string;
    const scrape = async () => (await t.call('GET', '/metrics', monitor)).body as string;

    before(async () => {
      t = await testApp(await store.open());
      const m = smallManifest([
        identity('custody-api', {
          scopes: [
            { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
            { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' },
          ],
        }),
      ]);
      assert.equal((await t.call('POST', '/v1/import', t.admin, m)).status, 200);
      monitor = await t.tokenFor(['monitor']);
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test('counters follow what is committed: decisions, refused token requests, a cascade', async () => {
      const before = await scrape();
      const decided = await t.call('POST', '/v1/decisions', await t.tokenFor(['enforcer']), {
        principal: { identity: 'custody-api' },
        action: 'initiate_transfer',
        resource: { entity: 'ent-de', service: 'custody', jurisdiction: 'DE', kind: 'wallet' },
        context: { attested: true, device_posture: 'compliant', session_purpose: 'payout', environment: 'production', amount: 100 },
      });
      assert.equal(decided.status, 200, JSON.stringify(decided.body));
      const refused = await t.call('POST', '/v1/token', undefined, 'grant_type=authorization_code&code=x', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      assert.equal(refused.status, 400);
      // An unauthenticated refusal is recorded with its source's window (src/tokens/refusals.ts).
      await t.app.services.tokens.flushRefusals();

      const proposed = await t.call('POST', '/v1/authorisations/auth-de-custody-fr/transitions', t.admin, {
        to: 'withdrawn',
        reason: 'test',
        reference: 'T-1',
      });
      assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
      await t.approve((await t.app.services.regulatory.approvalOf(proposed.body.id))!.id);
      assert.equal((await t.call('GET', `/v1/transitions/${proposed.body.id}`, t.admin)).body.status, 'applied');

      const now = await scrape();
      const delta = (name: string, labels = '') => (sample(now, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
      assert.equal(delta('mandate_decisions_total', `outcome="${decided.body.decision}"`), 1);
      assert.equal(delta('mandate_tokens_refused_total', 'grant_type="other"'), 1);
      assert.equal(delta('mandate_cascade_duration_seconds_count'), 1);
      assert.ok(delta('mandate_ledger_events_appended_total', 'kind="authorisation"') >= 1);
    });

    test('gauges agree with the store', async () => {
      await t.app.services.compliance.run('test');
      const text = await scrape();
      const [head] = await t.db.all<{ n: number }>('SELECT MAX(seq) AS n FROM events');
      assert.equal(sample(text, 'mandate_ledger_events'), Number(head!.n));
      const open = await t.db.all<{ severity: string; n: number }>(
        "SELECT severity, COUNT(*) AS n FROM compliance_findings WHERE status = 'open' GROUP BY severity",
      );
      assert.ok(open.length > 0, 'the checks open findings on this firm');
      for (const s of ['critical', 'high', 'medium', 'low'])
        assert.equal(sample(text, 'mandate_findings_open', `severity="${s}"`), Number(open.find((o) => o.severity === s)?.n ?? 0), s);
      assert.equal(sample(text, 'mandate_outbox_oldest_pending_age_seconds'), 0);
      await t.app.services.enforcementReady();
      assert.ok((sample(await scrape(), 'mandate_enforcement_subscribers') ?? 0) >= 1, 'the decision point follows the hub');
    });

    test('/metrics needs a token of a role that may read it; on its own address it needs none', async () => {
      const anonymous = await t.call('GET', '/metrics', undefined);
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.code, 'UNAUTHENTICATED');
      assert.equal((await t.call('GET', '/metrics', await t.tokenFor(['viewer']))).status, 403);
      const ok = await t.call('GET', '/metrics', monitor);
      assert.equal(ok.status, 200);
      assert.match(String(ok.headers['content-type']), /^text\/plain/);
      // A monitor may read nothing else.
      assert.equal((await t.call('GET', '/v1/identities', monitor)).status, 403);

      const own = await serveMetrics(t.app.metricsRegistry, '127.0.0.1', 0);
      try {
        const res = await fetch(own.url);
        assert.equal(res.status, 200);
        assert.match(await res.text(), /^# HELP mandate_/m);
        assert.equal((await fetch(own.url.replace('/metrics', '/v1/identities'))).status, 404);
      } finally {
        await own.close();
      }
    });

    test('answers are never sniffed; API answers are never cached', async () => {
      const api = await t.call('GET', '/v1/identities', t.admin);
      assert.equal(api.headers['x-content-type-options'], 'nosniff');
      assert.equal(api.headers['cache-control'], 'no-store');
      const problem = await t.call('GET', '/v1/identities/nobody', t.admin);
      assert.deepEqual(
        [problem.status, problem.headers['x-content-type-options'], problem.headers['cache-control']],
        [404, 'nosniff', 'no-store'],
      );
      const jwks = await t.call('GET', '/.well-known/jwks.json', undefined);
      assert.deepEqual([jwks.headers['x-content-type-options'], jwks.headers['cache-control']], ['nosniff', 'public, max-age=60']);
    });

    test('the exposition passes promtool check metrics', {
      skip: !process.env.CI && spawnSync('promtool', ['--version']).error ? 'promtool is not installed (CI installs it)' : false,
    }, async () => {
      const res = spawnSync('promtool', ['check', 'metrics'], { input: await scrape(), encoding: 'utf8' });
      assert.equal(res.error, undefined, 'promtool must be installed in CI');
      assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
    });
  });
}
