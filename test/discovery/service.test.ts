// Discovery as a capability, on both stores, against the real local PostgreSQL and Redis: roles
// and an ACL user of this test's own (unique names, dropped after). A source is added over the API
// (its password sealed, never shown), run, and reconciled: a declared role is matched, an identity
// suspended in Mandate whose role can still log in is revocation_not_effective (critical), a
// declared role that does not exist is missing, undeclared ones are unmanaged. One is adopted (held
// for approval, then approved), one dismissed; bad input writes nothing. MANDATE_TEST_PG overrides
// the PostgreSQL admin URL, MANDATE_TEST_REDIS the Redis one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';
import { createClient } from 'redis';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { PG_ADMIN_URL, pgAdmin, testStores } from '../support/stores.js';

const REDIS = process.env.MANDATE_TEST_REDIS ?? 'redis://127.0.0.1:6379';
const tag = randomBytes(4).toString('hex');
const r = (n: string) => `mandate_dsvc_${tag}_${n}`;
const roles = { scanner: r('scanner'), app: r('app'), off: r('off'), stray: r('stray'), personal: r('personal') };
const password = `Pw${randomBytes(12).toString('hex')}`;
const redisUser = r('cache');
const q = pg.escapeIdentifier;

const admin = pgAdmin;

/** The scanner's URL: the admin URL's host and database, with the scanner role and its password. */
function scannerUrl(): string {
  const u = new URL(PG_ADMIN_URL);
  u.username = roles.scanner;
  u.password = password;
  return u.toString();
}

export function assertProblem(
  res: { status: number; body: any; headers: Record<string, unknown> },
  status: number,
  code: string,
  field?: string,
): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  assert.equal(res.body.code, code);
  if (field !== undefined) assert.equal(res.body.field, field);
}

before(async () => {
  await admin(async (c) => {
    await c.query(`CREATE ROLE ${q(roles.scanner)} LOGIN SUPERUSER PASSWORD ${pg.escapeLiteral(password)}`);
    await c.query(`CREATE ROLE ${q(roles.app)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
    await c.query(`CREATE ROLE ${q(roles.off)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
    await c.query(`CREATE ROLE ${q(roles.stray)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
    await c.query(`CREATE ROLE ${q(roles.personal)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
  });
  const redis = createClient({ url: REDIS });
  await redis.connect();
  await redis.sendCommand(['ACL', 'SETUSER', redisUser, 'on', `>${password}`, '~cache:*', '+get']);
  await redis.quit();
});

after(async () => {
  await admin(async (c) => {
    for (const role of Object.values(roles)) await c.query(`DROP ROLE IF EXISTS ${q(role)}`);
  });
  const redis = createClient({ url: REDIS });
  await redis.connect();
  await redis.sendCommand(['ACL', 'DELUSER', redisUser]);
  await redis.quit();
});

for (const store of testStores()) {
  describe(`discovery service (${store.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await testApp(await store.open());
      const m = smallManifest([]);
      assert.equal((await t.call('POST', '/v1/import', t.admin, JSON.stringify(m), { 'content-type': 'application/json' })).status, 200);
      const pgId = (id: string, target: string, over = {}) =>
        identity(id, {
          capability: 'observe',
          function: 'reporting',
          revocation: { connector: 'postgres', target },
          credential: { type: 'static_secret', created: new Date().toISOString() },
          ...over,
        });
      for (const i of [pgId('svc-app', roles.app), pgId('svc-off', roles.off), pgId('svc-gone', r('gone'))]) {
        assert.ok([200, 201].includes((await t.write('POST', '/v1/identities', i)).status));
      }
      assert.equal(
        (await t.call('POST', '/v1/identities/svc-off/status', t.admin, { status: 'suspended', reason: 'owner left' })).status,
        200,
      );
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test('bad input is a problem with its field, and writes no source', async () => {
      const viewer = await t.tokenFor(['viewer']);
      assertProblem(
        await t.call('POST', '/v1/discovery/sources', t.admin, { id: 'x1', kind: 'oracle' }),
        400,
        'VALIDATION_FAILED',
        '/kind',
      );
      assertProblem(
        await t.call('POST', '/v1/discovery/sources', t.admin, { id: 'x2', kind: 'postgres', options: { url: 'not a url' } }),
        400,
        'VALIDATION_FAILED',
        '/options/url',
      );
      assertProblem(
        await t.call('POST', '/v1/discovery/sources', t.admin, {
          id: 'x3',
          kind: 'postgres',
          options: { url: `redis://u:${password}@h/` },
        }),
        400,
        'VALIDATION_FAILED',
        '/options/url',
      );
      assertProblem(
        await t.call('POST', '/v1/discovery/sources', t.admin, { id: 'x4', kind: 'postgres', options: {} }),
        400,
        'VALIDATION_FAILED',
        '/options/url',
      );
      assertProblem(
        await t.call('POST', '/v1/discovery/sources', t.admin, { id: 'x5', kind: 'module', path: './evil.js' }),
        400,
        'VALIDATION_FAILED',
        '/kind',
      );
      assertProblem(
        await t.call('POST', '/v1/discovery/sources', viewer, { id: 'x6', kind: 'postgres', options: { url: scannerUrl() } }),
        403,
        'FORBIDDEN',
      );
      assertProblem(
        await t.call('POST', '/v1/discovery/sources', t.admin, { id: 'x7', kind: 'postgres', colour: 'red' }),
        400,
        'VALIDATION_FAILED',
      );
      const [row] = await t.db.all<{ n: number }>('SELECT COUNT(*) AS n FROM discovery_sources');
      assert.equal(Number(row!.n), 0);
    });

    test('a source is added with its secret sealed, run, and reconciled', async () => {
      const added = await t.call('POST', '/v1/discovery/sources', t.admin, {
        id: 'pg-local',
        kind: 'postgres',
        environment: 'production',
        options: { url: scannerUrl() },
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.match(added.body.options.url, /:\*\*\*@/);
      assert.deepEqual(added.body.sealed, ['/options/url']);
      assertProblem(
        await t.call('POST', '/v1/discovery/sources', t.admin, { id: 'pg-local', kind: 'postgres', options: { url: scannerUrl() } }),
        409,
        'ALREADY_EXISTS',
        '/id',
      );
      const [stored] = await t.db.all<{ doc: string; sealed_secrets: string }>(
        'SELECT doc, sealed_secrets FROM discovery_sources WHERE id = ?',
        ['pg-local'],
      );
      assert.ok(!stored!.doc.includes(password) && !stored!.sealed_secrets.includes(password));

      const run = await t.call('POST', '/v1/discovery/sources/pg-local/runs', t.admin);
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.equal(run.body.status, 'succeeded', run.body.error);
      assert.ok(run.body.counts.observed >= 5);
      assert.equal(run.body.counts.missing, 1);

      const get = async (native: string) =>
        (await t.call('GET', `/v1/discovery/accounts/${encodeURIComponent(`pg-local|${native}`)}`, t.admin)).body;
      const app = await get(roles.app);
      assert.equal(app.state, 'matched', JSON.stringify(app));
      assert.equal(app.identity, 'svc-app');
      const off = await get(roles.off);
      assert.equal(off.state, 'drift');
      assert.ok(off.drift.includes('revocation_not_effective'));
      assert.ok(off.findings.some((f: any) => f.check === 'discovery-revocation-not-effective' && f.severity === 'critical'));
      assert.equal((await get(roles.stray)).state, 'unmanaged');
      assert.equal((await get(r('gone'))).state, 'missing');

      // Pages by state, in key order, with a viewer's token.
      const viewer = await t.tokenFor(['viewer']);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await t.call(
          'GET',
          `/v1/discovery/accounts?source=pg-local&state=unmanaged&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          viewer,
        );
        assert.equal(page.status, 200);
        seen.push(...page.body.items.map((a: any) => a.native_id));
        cursor = page.body.next_cursor;
      } while (cursor);
      assert.ok(seen.includes(roles.stray) && seen.includes(roles.personal) && !seen.includes(roles.app));
      assert.deepEqual(seen, [...seen].sort());

      // The sources list shows the URL redacted, to viewers too.
      const list = await t.call('GET', '/v1/discovery/sources', viewer);
      assert.equal(list.body.items[0].last_run.id, run.body.id);
      assert.ok(!JSON.stringify(list.body).includes(password));

      // Findings join the control checks.
      const checks = await t.app.services.compliance.run('test');
      const failed = Object.fromEntries(checks.checks.map((c) => [c.check, c.failed]));
      assert.ok(failed['discovery-revocation-not-effective']! >= 1);
      assert.ok(failed['discovery-unmanaged']! >= 2);
      const findings = await t.call('GET', '/v1/findings?check=discovery-revocation-not-effective', t.admin);
      assert.equal(findings.status, 200);
      assert.ok(findings.body.items.some((f: any) => f.subject.id === 'svc-off' && f.controls.includes('owasp-nhi:NHI1')));
    });

    test('adopt (held for approval), dismiss, and every answer and event is free of the password', async () => {
      const key = encodeURIComponent(`pg-local|${roles.stray}`);
      const viewer = await t.tokenFor(['viewer']);
      assertProblem(
        await t.call('POST', `/v1/discovery/accounts/${key}/adopt`, viewer, {
          owner: 'alice@firm.example',
          purpose: 'x',
          function: 'reporting',
        }),
        403,
        'FORBIDDEN',
      );
      const adopted = await t.call('POST', `/v1/discovery/accounts/${key}/adopt`, t.admin, {
        id: 'svc-stray',
        owner: 'alice@firm.example',
        purpose: 'Reports nightly from the ledger DB',
        function: 'reporting',
        scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }],
      });
      assert.equal(adopted.status, 202, JSON.stringify(adopted.body));
      assert.equal(adopted.body.change.identity.revocation.target, roles.stray);
      assert.equal(adopted.body.change.identity.revocation.connector, 'postgres');
      assert.equal(adopted.body.change.identity.kind, 'service_account');
      assert.equal(adopted.body.account.disposition.kind, 'adopted');
      await t.approve(adopted.body.approval.id);
      assert.equal((await t.call('GET', '/v1/identities/svc-stray', t.admin)).status, 200);
      const scopes = [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }];
      assertProblem(
        await t.call('POST', `/v1/discovery/accounts/${key}/adopt`, t.admin, {
          owner: 'alice@firm.example',
          purpose: 'x',
          function: 'reporting',
        }),
        400,
        'VALIDATION_FAILED',
        '/scopes',
      );
      assertProblem(
        await t.call('POST', `/v1/discovery/accounts/${key}/adopt`, t.admin, {
          owner: 'alice@firm.example',
          purpose: 'x',
          function: 'reporting',
          scopes,
        }),
        409,
        'ALREADY_DECIDED',
      );

      const pkey = encodeURIComponent(`pg-local|${roles.personal}`);
      assertProblem(
        await t.call('POST', `/v1/discovery/accounts/${pkey}/dismiss`, t.admin, { reason: 'bored' }),
        400,
        'VALIDATION_FAILED',
        '/reason',
      );
      const dismissed = await t.call('POST', `/v1/discovery/accounts/${pkey}/dismiss`, t.admin, {
        reason: 'personal_account',
        note: 'Bob at a console',
      });
      assert.equal(dismissed.status, 200, JSON.stringify(dismissed.body));
      assert.equal(dismissed.body.disposition.reason, 'personal_account');

      // The next run matches the adopted role to its identity; the dismissal stays.
      const again = await t.call('POST', '/v1/discovery/sources/pg-local/runs', t.admin);
      assert.equal(again.body.status, 'succeeded');
      const stray = (await t.call('GET', `/v1/discovery/accounts/${key}`, t.admin)).body;
      assert.equal(stray.state, 'matched');
      assert.equal(stray.identity, 'svc-stray');
      assert.equal((await t.call('GET', `/v1/discovery/accounts/${pkey}`, t.admin)).body.disposition.kind, 'dismissed');
      // A dismissed account is no longer a finding; the adopted one is matched, so neither is it.
      await t.app.services.compliance.run('test');
      const open = await t.call('GET', '/v1/findings?check=discovery-unmanaged&limit=500', t.admin);
      const subjects = open.body.items.map((f: any) => f.subject.id);
      assert.ok(
        !subjects.includes(`pg-local:${roles.personal}`) && !subjects.includes(`pg-local:${roles.stray}`),
        JSON.stringify(subjects),
      );

      const events = await t.db.all<{ action: string; after_doc: string | null; reason: string | null }>(
        "SELECT action, after_doc, reason FROM events WHERE action LIKE 'discovery.%'",
      );
      const actions = new Set(events.map((e) => e.action));
      for (const a of [
        'discovery.source_added',
        'discovery.run',
        'discovery.account_adopted',
        'discovery.account_dismissed',
        'discovery.source_add.refused',
      ])
        assert.ok(actions.has(a), a);
      const run = events.find((e) => e.action === 'discovery.run')!;
      assert.match(JSON.parse(run.after_doc!).digest, /^sha256:[0-9a-f]{64}$/);
      const all = await t.db.all<{ after_doc: string | null; before_doc: string | null; reason: string | null }>(
        'SELECT after_doc, before_doc, reason FROM events',
      );
      for (const e of all) assert.ok(!`${e.after_doc}${e.before_doc}${e.reason}`.includes(password), 'an event holds the password');
      const [accountsText] = await t.db.all<{ s: string }>(
        'SELECT COUNT(*) AS s FROM discovery_accounts WHERE account LIKE ? OR evidence LIKE ?',
        [`%${password}%`, `%${password}%`],
      );
      assert.equal(Number(accountsText!.s), 0);
    });

    test('an unreachable source is a failed run with a redacted cause, and marks nothing missing', async () => {
      const added = await t.call('POST', '/v1/discovery/sources', t.admin, {
        id: 'pg-down',
        kind: 'postgres',
        options: { url: `postgres://nobody:${password}@127.0.0.1:1/db` },
      });
      assert.equal(added.status, 201);
      const run = await t.call('POST', '/v1/discovery/sources/pg-down/runs', t.admin);
      assert.equal(run.status, 200);
      assert.equal(run.body.status, 'failed');
      assert.equal(run.body.complete, false);
      assert.ok(run.body.error && !run.body.error.includes(password), run.body.error);
      assert.equal(run.body.counts.missing, 0);
      const missing = await t.call('GET', '/v1/discovery/accounts?source=pg-down', t.admin);
      assert.deepEqual(missing.body.items, []);
      const [ev] = await t.db.all<{ after_doc: string }>(
        "SELECT after_doc FROM events WHERE action = 'discovery.run' ORDER BY seq DESC LIMIT 1",
      );
      assert.equal(JSON.parse(ev!.after_doc).status, 'failed');
    });

    test('a Redis source sees its ACL users', async () => {
      const added = await t.call('POST', '/v1/discovery/sources', t.admin, {
        id: 'redis-local',
        kind: 'redis',
        environment: 'production',
        options: { url: REDIS },
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      const run = await t.call('POST', '/v1/discovery/sources/redis-local/runs', t.admin);
      assert.equal(run.body.status, 'succeeded', run.body.error);
      const user = (await t.call('GET', `/v1/discovery/accounts/${encodeURIComponent(`redis-local|${redisUser}`)}`, t.admin)).body;
      assert.equal(user.state, 'unmanaged', JSON.stringify(user));
      assert.ok(!JSON.stringify(user).includes(password));
    });

    test('a workload binding registered in Mandate matches the Kubernetes service account it names', async () => {
      const { publicKey } = await generateKeyPair('EdDSA');
      const issuer = await t.call('POST', '/v1/issuers', t.admin, {
        id: 'cluster',
        issuer: 'https://cluster.test.example',
        audience: 'mandate',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'EdDSA' }] },
      });
      assert.equal(issuer.status, 201, JSON.stringify(issuer.body));
      // No revocation path: only the binding ties the identity to the service account.
      assert.ok(
        [200, 201].includes(
          (
            await t.write(
              'POST',
              '/v1/identities',
              identity('svc-k8s-report', { capability: 'observe', function: 'reporting', environment: 'staging' }),
            )
          ).status,
        ),
      );
      const bound = await t.call('POST', '/v1/identities/svc-k8s-report/credentials', t.admin, {
        type: 'oidc',
        issuer: 'cluster',
        subject: 'system:serviceaccount:payments:reporting',
      });
      assert.equal(bound.status, 201, JSON.stringify(bound.body));
      const file = new URL('./fixtures/kubernetes.json', import.meta.url).pathname;
      assert.equal(
        (
          await t.call('POST', '/v1/discovery/sources', t.admin, {
            id: 'k8s',
            kind: 'kubernetes',
            environment: 'staging',
            options: { file },
          })
        ).status,
        201,
      );
      const run = await t.call('POST', '/v1/discovery/sources/k8s/runs', t.admin);
      assert.equal(run.body.status, 'succeeded', run.body.error);
      const account = (await t.call('GET', '/v1/discovery/accounts?identity=svc-k8s-report', t.admin)).body.items;
      assert.deepEqual(
        account.map((a: any) => [a.native_id, a.state]),
        [['payments/reporting', 'matched']],
      );
      assert.match(JSON.stringify(account[0].evidence), /matched by credential/);
    });
  });
}
