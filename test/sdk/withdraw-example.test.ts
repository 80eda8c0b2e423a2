// The example service end to end, as the README walks it: a Mandate server process with the demo
// firm, a workload platform's OIDC token exchanged for a Mandate token, the SDK-protected
// withdraw endpoint allowing a transfer, the licence for the client's member state withdrawn
// through the four-eyes flow, and the next transfer denied within the bound while the client
// return path stays open. Then revocation by identity, and the SDK failing closed when the
// server goes away. Over SSE on SQLite and PostgreSQL, and over NATS.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issuerDocument, platformKey, workloadToken } from '../../examples/withdraw-service/platform.js';
import { startWithdrawService } from '../../examples/withdraw-service/server.js';
import Fastify from 'fastify';
import { mandateFastify } from '@mandate/sdk/fastify';
import { runCli, startServerProcess, type ServerProcess } from '../support/cli.js';
import { personSession } from '../support/oidc-provider.js';
import { testStores } from '../support/stores.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SUBJECT = 'system:serviceaccount:custody:custody-api';
const NO_CONNECTORS = Object.fromEntries(
  ['POSTGRES_URL', 'REDIS_URL', 'RABBITMQ_MANAGEMENT_URL', 'RABBITMQ_CTL', 'WEBHOOK_URL', 'WEBHOOK_SECRET', 'WEBHOOK_ED25519_KEY_FILE'].map(
    (k) => [`MANDATE_CONNECTOR_${k}`, ''],
  ),
);

async function api(
  server: ServerProcess,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(new URL(path, server.url), {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return { value: v, ms: Date.now() - t0 };
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const transports: { name: string; store: 'sqlite' | 'postgres'; nats: boolean }[] = [
  { name: 'SSE on sqlite', store: 'sqlite', nats: false },
  { name: 'SSE on postgres', store: 'postgres', nats: false },
  { name: 'NATS on sqlite', store: 'sqlite', nats: true },
];

for (const tr of transports) {
  describe(`the withdraw example over ${tr.name}`, () => {
    const store = testStores().find((s) => s.name === tr.store)!;
    let server: ServerProcess;
    let stopped = false;
    let admin: string;
    let svc: Awaited<ReturnType<typeof startWithdrawService>>;
    let access: string;
    const dir = mkdtempSync(join(tmpdir(), 'mandate-example-'));
    const withdraw = async (country: string, toClient: boolean, token = access, amount = 1000) => {
      const res = await fetch(`${svc.url}/withdrawals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ client_country: country, amount, to_verified_client_address: toClient }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    before(async () => {
      let dbUrl = `sqlite:${join(dir, 'mandate.db')}`;
      if (tr.store === 'postgres') {
        (await store.open()).close();
        dbUrl = store.url();
      }
      server = await startServerProcess(['--demo', '--db', dbUrl], {
        MANDATE_BOOTSTRAP_TOKEN: 'mdt_example_admin_token_0123456789abcdef',
        ...(tr.nats ? { MANDATE_NATS_URL: 'nats://127.0.0.1:4222' } : {}),
        // The demo firm's revocation targets are the demo's own logins (npm run demo:systems): never
        // reach them from a test, whatever the shell running it has configured.
        ...NO_CONNECTORS,
      });
      admin = 'mdt_example_admin_token_0123456789abcdef';
      // The enforcement point's own account: the enforcer role decides and follows the stream, nothing more.
      // An API client: automation's principal, created by an admin, its token shown once.
      const client = await api(server, admin, 'POST', '/v1/api-clients', {
        id: 'withdraw-service',
        name: 'Withdraw service',
        roles: ['enforcer'],
      });
      assert.equal(client.status, 201);
      const enforcerToken = client.body.token.token as string;
      // The workload platform: trusted as an issuer, and its service account bound to the identity.
      const key = await platformKey(new URL(`file://${join(dir, 'platform-key.json')}`));
      assert.equal((await api(server, admin, 'POST', '/v1/issuers', issuerDocument(key.publicJwk))).status, 201);
      assert.equal(
        (
          await api(server, admin, 'POST', '/v1/identities/svc-custody-api-de/credentials', {
            type: 'oidc',
            issuer: 'demo-k8s',
            subject: SUBJECT,
          })
        ).status,
        201,
      );
      svc = await startWithdrawService({
        mandateUrl: server.url,
        enforcerToken,
        transport: tr.nats ? 'nats' : 'sse',
        maxStalenessMs: 3000,
      });
      const exchanged = await api(
        server,
        undefined,
        'POST',
        '/v1/token',
        new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: await workloadToken(key.privateJwk, SUBJECT),
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          purpose: 'client-withdrawals',
        }).toString(),
        { 'content-type': 'application/x-www-form-urlencoded' },
      );
      assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
      access = exchanged.body.access_token;
    });
    after(async () => {
      await svc?.close().catch(() => undefined);
      if (!stopped) await server?.stop();
      rmSync(dir, { recursive: true, force: true });
      await store.cleanup();
    });

    test(
      'a transfer for a Dutch client is allowed, then denied once the NL ' + 'passport is withdrawn; the return path stays open',
      async () => {
        const ok = await withdraw('NL', false);
        assert.equal(ok.status, 201, JSON.stringify(ok.body));
        assert.equal(ok.body.action, 'initiate_transfer');
        assert.equal((await withdraw('NL', false, access, 5_000_000)).status, 202, 'above the threshold: a second approval first');
        const italy = await withdraw('IT', false);
        assert.equal(italy.status, 403, 'the demo firm holds no custody authorisation for Italy');
        assert.match(String((italy.body.reasons as string[])[0]), /holds no authorisation/);
        assert.equal((await withdraw('NL', false, 'not-a-token')).status, 401);

        // People sign in through the demo's identity provider, as mandate login --sso does: carol proposes, ana approves.
        const carla = (await personSession(server.url, { login: 'carol' })).token;
        const anton = (await personSession(server.url, { login: 'ana' })).token;
        const proposed = await api(server, carla, 'POST', '/v1/authorisations/auth-de-custody-nl/transitions', {
          to: 'withdrawn',
          reason: 'AFM withdrew the notification',
          reference: 'AFM-2026-11',
        });
        assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
        assert.equal((await withdraw('NL', false)).status, 201, 'a proposal alone changes nothing');
        const approved = await api(server, anton, 'POST', `/v1/transitions/${proposed.body.id}/approve`, { reason: 'four eyes' });
        assert.equal(approved.status, 200, JSON.stringify(approved.body));
        const denied = await until(
          'the SDK to deny the transfer',
          async () => {
            const r = await withdraw('NL', false);
            return r.status === 403 ? r : undefined;
          },
          3000,
        );
        assert.match(String((denied.value.body.reasons as string[])[0]), /not lawful in ent-de\/custody\/NL/);
        const back = await withdraw('NL', true);
        assert.equal(back.status, 201, `return path: ${JSON.stringify(back.body)}`);
        assert.equal(back.body.action, 'withdraw_to_client');
      },
    );

    test('revoking the identity’s tokens reaches the service; the SDK reports its decisions for the ledger', async () => {
      assert.equal((await withdraw('DE', false)).status, 201);
      assert.equal((await api(server, admin, 'POST', '/v1/identities/svc-custody-api-de/revoke-tokens', { reason: 'drill' })).status, 200);
      const r = await until(
        'the revoked token to be refused',
        async () => {
          const x = await withdraw('DE', true);
          return x.status === 403 ? x : undefined;
        },
        3000,
      );
      assert.deepEqual(r.value.body.policies, ['builtin:token-revoked']);
      await svc.enforcer.flushEvidence();
      const events = await api(server, admin, 'GET', '/v1/events?subject_type=enforcement_point&subject_id=withdraw-service&limit=500');
      assert.equal(events.status, 200);
      const reported = (events.body.items as { action: string; after: { decisions: { action: string; decision: string }[] } }[]).filter(
        (e) => e.action === 'decisions.reported',
      );
      assert.ok(reported.length > 0);
      assert.ok(reported.flatMap((e) => e.after.decisions).some((d) => d.action === 'initiate_transfer' && d.decision === 'deny'));
    });

    if (!tr.nats && tr.store === 'sqlite') {
      test('the CLI exchanges a workload token and asks the decision point; exit 4 on deny', async () => {
        const key = await platformKey(new URL(`file://${join(dir, 'platform-key.json')}`));
        const env = { MANDATE_URL: server.url, MANDATE_TOKEN: admin };
        const ex = await runCli(
          ['token', 'exchange', '--raw', '--purpose', 'cli', '--subject-token', await workloadToken(key.privateJwk, SUBJECT)],
          env,
        );
        assert.equal(ex.code, 0, ex.stderr);
        assert.match(ex.stdout.trim(), /^[\w-]+\.[\w-]+\.[\w-]+$/);
        const base = [
          'decide',
          '--action',
          'initiate_transfer',
          '--entity',
          'ent-de',
          '--service',
          'custody',
          '--attested',
          '--device',
          'compliant',
        ];
        const de = await runCli([...base, '--jurisdiction', 'DE', '--principal-token', ex.stdout.trim()], env);
        assert.equal(de.code, 0, de.stdout + de.stderr);
        assert.match(de.stdout, /^ALLOW/);
        // With a token, what is not given is the token's (attested, its purpose, its environment)...
        const bare = await runCli(
          [
            'decide',
            '--action',
            'initiate_transfer',
            '--entity',
            'ent-de',
            '--service',
            'custody',
            '--device',
            'compliant',
            '--jurisdiction',
            'DE',
            '--principal-token',
            ex.stdout.trim(),
          ],
          env,
        );
        assert.equal(bare.code, 0, bare.stdout + bare.stderr);
        // ...and what is given must agree with it.
        const staging = await runCli(
          [...base, '--jurisdiction', 'DE', '--environment', 'staging', '--principal-token', ex.stdout.trim()],
          env,
        );
        assert.equal(staging.code, 4, staging.stdout + staging.stderr);
        assert.match(
          staging.stdout,
          new RegExp(
            /^DENY\n {2}because context\.environment="staging" conflicts with the token's env="production"\n/.source +
              / {2}policies: builtin:context-conflicts-with-token/.source,
          ),
        );
        const purpose = await runCli([...base, '--jurisdiction', 'DE', '--purpose', 'payout', '--principal-token', ex.stdout.trim()], env);
        assert.equal(purpose.code, 4);
        assert.match(purpose.stdout, /context\.session_purpose="payout" conflicts with the token's purpose="cli"/);
        const it = await runCli([...base, '--jurisdiction', 'IT', '--identity', 'svc-custody-api-de'], env);
        assert.equal(it.code, 4);
        assert.match(it.stdout, /^DENY\n {2}because initiate_transfer is not lawful in ent-de\/custody\/IT/);
        const bad = await runCli(['token', 'exchange', '--subject-token', 'not-a-jwt'], env);
        assert.equal(bad.code, 1);
        assert.match(bad.stderr, /not a JWT/);
      });

      test('the Fastify middleware protects a route the same way', async () => {
        const app = Fastify();
        app.post(
          '/transfers',
          {
            preHandler: mandateFastify(svc.enforcer, {
              action: 'initiate_transfer',
              resource: { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
              context: () => ({ device_posture: 'compliant' }),
            }),
          },
          async (req) => ({ ok: true, policies: req.mandate!.decision.policies }),
        );
        await app.ready();
        const key = await platformKey(new URL(`file://${join(dir, 'platform-key.json')}`));
        const fresh = await api(
          server,
          undefined,
          'POST',
          '/v1/token',
          new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
            subject_token: await workloadToken(key.privateJwk, SUBJECT),
            subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          }).toString(),
          { 'content-type': 'application/x-www-form-urlencoded' },
        );
        const ok = await app.inject({ method: 'POST', url: '/transfers', headers: { authorization: `Bearer ${fresh.body.access_token}` } });
        assert.equal(ok.statusCode, 200, ok.body);
        assert.deepEqual(ok.json().policies, ['identity-execute-entitled-attested']);
        const none = await app.inject({ method: 'POST', url: '/transfers' });
        assert.equal(none.statusCode, 401);
        assert.equal(none.headers['content-type'], 'application/problem+json; charset=utf-8');
        const forged = await app.inject({
          method: 'POST',
          url: '/transfers',
          headers: { authorization: `Bearer ${fresh.body.access_token.slice(0, -4)}AAAA` },
        });
        assert.equal(forged.statusCode, 401);
        await app.close();
      });

      test('when the server is gone, execute actions fail closed after the staleness bound', async () => {
        await server.stop();
        stopped = true;
        const fresh = await withdraw('DE', true);
        assert.equal(fresh.status, 403, 'the token was revoked above');
        const stale = await until('the state to go stale', async () => (svc.enforcer.staleness > 3000 ? true : undefined), 8000);
        assert.ok(stale.value);
        const v = await svc.enforcer.verify(access).catch(() => undefined);
        if (v) {
          const d = svc.enforcer.decide(
            v,
            'withdraw_to_client',
            { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
            { attested: true, device_posture: 'compliant', session_purpose: 'x', environment: 'production' },
          );
          assert.deepEqual(d.policies, ['builtin:stale-state']);
        }
      });
    }
  });
}
