// High availability with real parts: three `mandate serve` processes on one PostgreSQL behind
// Debian's haproxy (test/support/cluster.ts), a webhook receiver that counts every call, and an
// SDK Enforcer connected through haproxy. One cluster for the whole file (a start costs seconds);
// the tests run in order and each leaves the cluster with three live servers:
//
//   1. a transition proposed through one server and approved through another is applied once;
//   2. the Enforcer keeps deciding when the server it streams from is SIGKILLed (it reconnects
//      through haproxy and catches up), and while no server answers it fails closed only past its
//      staleness bound;
//   3. the leader is SIGKILLed during a 20,000-identity cascade (HA_IDENTITIES to change it):
//      another server finishes the transition, the identities end as the rules say, no event twice;
//   4. the leader is SIGKILLed while it delivers 300 webhook actions (a suspension's) to the
//      receiver, which holds every call: every action is delivered, and only one the killed server
//      had in flight (sent, its outcome not yet committed) may be delivered twice (the outbox is at
//      least once to a connector, once in the ledger; the receiver de-duplicates on
//      mandate-delivery-id, docs/webhooks.md);
//   5. after all of it the ledger's sequence is dense, no event is recorded twice, and the export
//      verifies offline (`mandate ledger export` through haproxy, `mandate ledger verify`);
//   6. a token-signing key rotated through one server is in every server's key set within seconds
//      (a verifier behind haproxy may fetch it from any of them).
//
// "The leader" is the server whose /readyz says leader: true; with leadership off (no such field)
// the tests kill server 0 and say so in the log.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import pg from 'pg';
import { Enforcer, type Decision } from '@mandate/sdk';
import { buildApp } from '../../src/app.js';
import type { Manifest } from '../../src/core/manifest.js';
import type { IdentityInput } from '../../src/core/model.js';
import { insertMany } from '../../src/store/db.js';
import { openDatabase } from '../../src/store/open.js';
import { runCli } from '../support/cli.js';
import { api, startCluster, until, type Cluster } from '../support/cluster.js';
import { identity, LEI_DE, LEI_IE } from '../support/fixtures.js';

const IN_SCOPE = Number(process.env.HA_IDENTITIES ?? 20_000);
const FR = { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' } as const;
const DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' } as const;
const EXEC_DE = { entity: 'ent-de', service: 'execution', jurisdiction: 'DE' } as const;
const IE = { entity: 'ent-ie', service: 'custody', jurisdiction: 'IE' } as const;
const WITHDRAWN_AUTH = 'auth-de-custody-fr';
const SMALL_AUTH = 'auth-ie-custody-ie';
const EXEC_IE = { entity: 'ent-ie', service: 'execution', jurisdiction: 'IE' } as const;
const WEBHOOK_AUTH = 'auth-ie-execution-ie';
const WEBHOOK_IDENTITIES = 300;
const PLATFORM = 'https://platform.ha.example';
const TOKENS = { carla: `mdt_ha_carla_${'c'.repeat(32)}`, anton: `mdt_ha_anton_${'a'.repeat(32)}`, enf: `mdt_ha_enf_${'e'.repeat(32)}` };
// The SDK's default bound. The stream reconnects after EventSource's 3 s retry, so a failover
// normally stays within it; a deny is allowed only past it.
const STALENESS_MS = 5000;
const log = (s: string) => process.stderr.write(`[ha] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The in-scope population and what a withdrawal of ent-de/custody/FR does to it (default lifecycle rules). */
function groups(n: number) {
  const share = (f: number) => Math.round(n * f);
  const g = {
    tradingOnly: share(0.006), // nothing execute left: suspended (webhook)
    vendorOnly: share(0.004), // vendor custody in FR only: suspended (webhook)
    alreadySuspended: share(0.005), // stays suspended; its lost power is recorded (narrowed)
    observe: share(0.015), // observe: never cut
    tradingAlso: share(0.2), // trading elsewhere still: narrowed
    custodyAlso: share(0.15), // custody in DE still: narrowed
    custody: 0, // keeps the return path, loses initiate_transfer: narrowed
  };
  g.custody = n - Object.values(g).reduce((a, b) => a + b, 0);
  return { ...g, suspend: g.tradingOnly + g.vendorOnly, narrow: g.alreadySuspended + g.tradingAlso + g.custodyAlso + g.custody };
}

function firm(): Manifest {
  const g = groups(IN_SCOPE);
  const identities: IdentityInput[] = [];
  const add = (count: number, make: (id: string) => Partial<IdentityInput>) => {
    for (let i = 0; i < count; i++) {
      const id = `nhi-${String(identities.length + 1).padStart(5, '0')}`;
      identities.push(identity(id, { revocation: { connector: 'manual', target: `role_${id.replace('-', '_')}` }, ...make(id) }));
    }
  };
  const hook = (id: string) => ({ connector: 'webhook', target: `role_${id.replace('-', '_')}` });
  add(g.tradingOnly, (id) => ({ function: 'trading', scopes: [FR], revocation: hook(id) }));
  add(g.vendorOnly, (id) => ({ vendor: 'vendor-kyc', scopes: [FR], revocation: hook(id) }));
  add(g.alreadySuspended, () => ({ function: 'trading', scopes: [FR], status: 'suspended' }));
  add(g.observe, () => ({ function: 'reporting', capability: 'observe', scopes: [FR] }));
  add(g.tradingAlso, () => ({ function: 'trading', scopes: [FR, EXEC_DE] }));
  add(g.custodyAlso, () => ({ scopes: [DE, FR] }));
  add(g.custody, () => ({ scopes: [FR] }));
  for (let i = 0; i < 20; i++) identities.push(identity(`de-${i}`, { revocation: { connector: 'manual', target: `role_de_${i}` } }));
  for (let i = 0; i < 10; i++)
    identities.push(identity(`ie-${i}`, { scopes: [IE], revocation: { connector: 'manual', target: `role_ie_${i}` } }));
  // Suspended together by the outbox test: one webhook action each.
  for (let i = 0; i < WEBHOOK_IDENTITIES; i++)
    identities.push(
      identity(`wh-${String(i).padStart(3, '0')}`, {
        function: 'trading',
        scopes: [EXEC_IE],
        revocation: { connector: 'webhook', target: `role_wh_${i}` },
      }),
    );
  const auth = (id: string, s: { entity: string; service: string; jurisdiction: string }, basis: 'home' | 'passport') =>
    ({ id, ...s, status: 'authorised', basis, reference: `REF ${id}` }) as NonNullable<Manifest['authorisations']>[number];
  return {
    version: 1,
    entities: [
      { id: 'ent-de', name: 'Example Custody GmbH', lei: LEI_DE, home: 'DE' },
      { id: 'ent-ie', name: 'Example Markets Ltd', lei: LEI_IE, home: 'IE' },
    ],
    people: [{ id: 'alice@firm.example', name: 'Alice Example', status: 'active' }],
    vendors: [{ id: 'vendor-kyc', name: 'KYC Vendor' }],
    authorisations: [
      auth('auth-de-custody-de', DE, 'home'),
      auth(WITHDRAWN_AUTH, FR, 'passport'),
      auth('auth-de-execution-de', EXEC_DE, 'home'),
      auth(SMALL_AUTH, IE, 'home'),
      auth(WEBHOOK_AUTH, EXEC_IE, 'home'),
    ],
    identities,
  };
}

/** A webhook receiver: counts each delivery id; while held, answers nothing until released. */
function receiver() {
  const calls = new Map<string, number>();
  const held: ServerResponse[] = [];
  let hold = false;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['mandate-delivery-id'] ?? '');
      calls.set(id, (calls.get(id) ?? 0) + 1);
      if (hold) held.push(res);
      else res.end('ok');
    });
  });
  return {
    server,
    calls,
    held: () => held.length,
    hold() {
      hold = true;
    },
    release() {
      hold = false;
      for (const res of held.splice(0)) if (!res.destroyed) res.end('ok');
    },
  };
}

async function pgQuery<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('three servers behind haproxy on one PostgreSQL', { timeout: 240_000 }, () => {
  let cluster: Cluster;
  const hook = receiver();
  let platformKey: CryptoKey;
  let enforcer: Enforcer | undefined;
  /** Whether the servers elect a leader (/readyz says leader: true or false). */
  let leadership = false;
  const t0 = Date.now();
  const q = <T>(sql: string, params: unknown[] = []) => pgQuery<T>(cluster.dbUrl, sql, params);

  before(async () => {
    await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(hook.server.address() as { port: number }).port}`;
    const platform = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    platformKey = platform.privateKey;
    const platformJwk = { ...(await exportJWK(platform.publicKey)), kid: 'ha', alg: 'EdDSA' };
    cluster = await startCluster({
      name: 'ha',
      env: {
        // A quick scheduler: a transition a dead server approved is applied by another one soon.
        MANDATE_SCHEDULER_INTERVAL_MS: '200',
        MANDATE_CONNECTOR_WEBHOOK_URL: `${hookUrl}/hook`,
        MANDATE_CONNECTOR_WEBHOOK_SECRET: 'ha-webhook-secret-0123456789abcdef',
        MANDATE_OUTBOUND_ALLOW: hookUrl,
      },
      seed: async ({ dbUrl, kek, adminToken }) => {
        const db = await openDatabase(dbUrl);
        const app = await buildApp({ db, logger: false, ledger: { kek, origin: 'mandate.local/ledger' } });
        try {
          const svc = app.services;
          await svc.users.bootstrap(adminToken);
          for (const [id, role] of [
            ['carla', 'compliance_officer'],
            ['anton', 'approver'],
            ['enf', 'enforcer'],
          ] as const) {
            await svc.users.createUser('test', { id, name: id, roles: [role] });
            await svc.users.createToken('test', id, {}, TOKENS[id]);
          }
          const m = firm();
          await svc.importer.importManifest('user:test', m, { dryRun: false, digestOf: JSON.stringify(m) });
          // The token-signing key exists before the servers start: each loads it (see the report on key rotation across servers).
          await svc.keys.current();
          await svc.tokens.addIssuer('test', {
            id: 'ha-platform',
            issuer: PLATFORM,
            audience: 'mandate',
            jwks: { keys: [platformJwk as never] },
            algorithms: ['EdDSA'],
          });
          // The workload bindings of the DE identities the enforcer decides for (what POST /v1/identities/:id/credentials writes).
          const at = new Date().toISOString();
          await db.transaction((tx) =>
            insertMany(
              tx,
              'identity_credentials',
              ['id', 'identity_id', 'type', 'issuer', 'subject', 'created_at'],
              Array.from({ length: 20 }, (_, i) => [`cred_de_${i}`, `de-${i}`, 'oidc', 'ha-platform', `sa:de-${i}`, at]),
            ),
          );
          await db.run('ANALYZE');
        } finally {
          await app.close();
          await db.close();
        }
      },
    });
    leadership = typeof (await cluster.readyz(0)).body.leader === 'boolean';
    log(`cluster of 3 with ${IN_SCOPE} identities in scope up in ${Date.now() - t0} ms at ${cluster.url}; leadership ${leadership}`);
  });

  after(async () => {
    await enforcer?.close().catch(() => undefined);
    if (cluster) {
      for (const r of cluster.replicas)
        if (r.crashes.length || /"level":(50|60)/.test(r.output()))
          process.stderr.write(`--- ${r.id} log (tail) ---\n${r.output().slice(-4000)}\n`);
      await cluster.close();
    }
    hook.release();
    await new Promise((r) => hook.server.close(r));
    log(`file done in ${Date.now() - t0} ms`);
  });

  /** The leader now, or server 0 when leadership is off. */
  async function leaderOrFirst(): Promise<number> {
    if (leadership) return (await cluster.waitLeader()).index;
    log('leadership is off (no leader field in /readyz): server 0 stands for the leader');
    return 0;
  }

  /** A Mandate access token for identity `id`, issued through haproxy for its platform token. */
  async function tokenFor(id: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const subject = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: 'ha' })
      .setIssuer(PLATFORM)
      .setAudience('mandate')
      .setSubject(`sa:${id}`)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(platformKey);
    const res = await fetch(`${cluster.url}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        subject_token: subject,
        purpose: 'ha-test',
      }),
    });
    const body = (await res.json()) as { access_token?: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.access_token!;
  }

  test('a transition proposed through one server and approved through another is applied once', async () => {
    const [a, b, c] = cluster.replicas.map((r) => r.url) as [string, string, string];
    const proposed = await api(a, TOKENS.carla, 'POST', `/v1/authorisations/${SMALL_AUTH}/transitions`, {
      to: 'suspended',
      reason: 'HA test: proposed on server 0',
      reference: 'HA-1',
    });
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    const id = proposed.body.id as string;
    assert.equal(proposed.body.status, 'pending');
    // Server 1 sees server 0's proposal at once (one store), and the approval applies it there.
    const approved = await api(b, TOKENS.anton, 'POST', `/v1/transitions/${id}/approve`, {});
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, 'applied');
    // A second approval through the third server changes nothing.
    const again = await api(c, TOKENS.anton, 'POST', `/v1/transitions/${id}/approve`, {});
    assert.ok(again.status >= 400 && again.status < 500, `a second approval answered ${again.status}`);
    // Every server reads the same outcome, and the ledger holds it once.
    for (const url of [a, b, c]) assert.equal((await api(url, TOKENS.carla, 'GET', `/v1/transitions/${id}`)).body.status, 'applied');
    const events = await q<{ action: string; n: string }>(
      "SELECT action, COUNT(*) AS n FROM events WHERE subject_id = $1 AND action LIKE 'transition.%' GROUP BY action ORDER BY action",
      [id],
    );
    assert.deepEqual(
      events.map((e) => `${e.action} ${e.n}`),
      ['transition.applied 1', 'transition.approved 1', 'transition.proposed 1'],
    );
    const changed = await q<{ subject_id: string; n: string }>(
      "SELECT subject_id, COUNT(*) AS n FROM events WHERE action LIKE 'identity.%' AND reason LIKE $1 GROUP BY subject_id",
      [`transition ${id}:%`],
    );
    assert.deepEqual(
      changed.map((r) => Number(r.n)),
      Array(10).fill(1),
      'each IE identity changed once',
    );
  });

  test(
    'the Enforcer follows through haproxy: the server it streams from dies, it reconnects and catches up; with no server it ' +
      'fails closed only past its bound',
    async () => {
      const errors: string[] = [];
      enforcer = await Enforcer.connect({
        url: cluster.url,
        apiToken: TOKENS.enf,
        name: 'ha-test',
        maxStalenessMs: STALENESS_MS,
        evidenceFlushMs: 500,
        onError: (err) => errors.push(err.message),
      });
      const e = enforcer;
      const [one, two] = await Promise.all([tokenFor('de-0'), tokenFor('de-1')]);
      const v1 = await e.verify(one);
      const v2 = await e.verify(two);
      const decide = (v: typeof v1): Decision => e.decide(v, 'initiate_transfer', DE, { device_posture: 'compliant' });
      assert.equal(decide(v1).decision, 'allow', JSON.stringify(decide(v1)));

      // Which server holds the stream: the one whose hub has one follower more than the others.
      const followers = async () =>
        Promise.all(
          cluster.replicas.map(async (r) => {
            if (r.pid === undefined || r.paused) return -1;
            const res = await fetch(`${r.url}/metrics`, { headers: { authorization: `Bearer ${cluster.adminToken}` } }).catch(
              () => undefined,
            );
            const m = /^mandate_enforcement_subscribers(?:\{[^}]*\})? (\d+)/m.exec((await res?.text()) ?? '');
            return m ? Number(m[1]) : -1;
          }),
        );
      const before = await followers();
      const streaming = before.indexOf(Math.max(...before));
      assert.ok(before.filter((n) => n === before[streaming]).length === 1, `one server has the stream: ${before}`);

      // Decide every 20 ms while the streaming server is SIGKILLed: allowed while the state is within its bound.
      const seen: { d: Decision; staleness: number }[] = [];
      let deciding = true;
      const loop = (async () => {
        while (deciding) {
          seen.push({ d: decide(v1), staleness: e.staleness });
          await sleep(20);
        }
      })();
      const killedAt = Date.now();
      await cluster.kill(streaming, 'SIGKILL');
      const moved = await until(
        'the stream on another server',
        async () => {
          const now = await followers();
          const to = now.findIndex((n, i) => i !== streaming && n > before[i]!);
          return to >= 0 && e.staleness < 1500 ? to : undefined;
        },
        20_000,
        100,
      );
      deciding = false;
      await loop;
      const reconnectMs = Date.now() - killedAt;
      const stale = seen.filter((x) => x.d.decision !== 'allow');
      log(
        `stream moved from server ${streaming} to ${moved} in ${reconnectMs} ms; ${seen.length} decisions meanwhile, ` +
          `${stale.length} denied (state up to ${Math.max(...seen.map((x) => x.staleness))} ms old)`,
      );
      const early = seen.filter((x) => x.d.decision !== 'allow' && x.staleness <= STALENESS_MS);
      assert.deepEqual(
        early.slice(0, 3).map((x) => x.d),
        [],
        'allowed while the state was within its bound',
      );
      assert.ok(
        stale.every((x) => x.d.policies.includes('builtin:stale-state')),
        'a deny during the failover is the staleness bound only',
      );

      // It catches up: a token revoked through haproxy is refused by the enforcer soon after.
      const revoked = await fetch(`${cluster.url}/v1/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: one }),
      });
      assert.equal(revoked.status, 200);
      await until(
        'the revocation at the enforcer',
        async () => (decide(v1).policies.includes('builtin:token-revoked') ? true : undefined),
        10_000,
      );
      assert.equal(decide(v2).decision, 'allow');
      const restarting = cluster.restart(streaming);

      // No server answers: every live server paused. Allowed until the bound, then fail closed.
      await restarting;
      await cluster.waitAllHealthy();
      const live = cluster.replicas.filter((r) => r.pid !== undefined).map((r) => r.index);
      const stoppedAt = Date.now();
      for (const i of live) await cluster.kill(i, 'SIGSTOP');
      const lastHeardBefore = e.staleness;
      const timeline: { at: number; staleness: number; d: Decision }[] = [];
      try {
        await until(
          'a stale-state deny',
          async () => {
            const d = decide(v2);
            timeline.push({ at: Date.now() - stoppedAt, staleness: e.staleness, d });
            return d.policies.includes('builtin:stale-state') ? d : undefined;
          },
          STALENESS_MS + 5000,
          25,
        );
        // Paused long enough for the enforcer's reconnection to meet haproxy with no server (503).
        await sleep(4000);
        assert.equal(decide(v2).decision, 'deny', 'still failing closed while no server answers');
      } finally {
        for (const i of live) await cluster.kill(i, 'SIGCONT');
      }
      const firstDeny = timeline.find((t) => t.d.decision === 'deny')!;
      log(
        `no server: allowed for ${firstDeny.at} ms after the pause (state ${lastHeardBefore} ms old at the pause), then ` +
          `${firstDeny.d.policies.join(',')} at staleness ${firstDeny.staleness} ms`,
      );
      assert.ok(firstDeny.staleness > STALENESS_MS, 'no deny before the staleness bound');
      assert.ok(
        timeline.filter((t) => t.staleness <= STALENESS_MS).every((t) => t.d.decision === 'allow'),
        'allowed while the state was within its bound',
      );
      // The servers are back: the enforcer recovers through haproxy on its own.
      await cluster.waitAllHealthy();
      await until('the enforcer fresh again', async () => (decide(v2).decision === 'allow' ? true : undefined), 20_000, 100);
      log(`enforcer errors seen: ${[...new Set(errors)].slice(0, 5).join(' | ')}`);
    },
  );

  test(`the leader SIGKILLed during a ${IN_SCOPE}-identity cascade: another server finishes it, every identity as the rules say`, {
    timeout: 120_000,
  }, async () => {
    const g = groups(IN_SCOPE);
    const killed = await leaderOrFirst();
    const via = cluster.replicas[killed]!.url;
    const proposed = await api(cluster.url, TOKENS.carla, 'POST', `/v1/authorisations/${WITHDRAWN_AUTH}/transitions`, {
      to: 'withdrawn',
      reason: 'HA test: Art. 64 withdrawal',
      reference: 'HA-3',
    });
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    const id = proposed.body.id as string;
    // The approval goes to the leader itself, so its cascade runs there; the kill comes once the
    // approval has committed and while the cascade's transaction is still open.
    const answer = api(via, TOKENS.anton, 'POST', `/v1/transitions/${id}/approve`, {}).catch((err: Error) => ({
      status: 0,
      body: err.message,
    }));
    const status = async () => (await q<{ status: string }>('SELECT status FROM transitions WHERE id = $1', [id]))[0]!.status;
    await until('the approval committed', async () => ((await status()) === 'approved' ? true : undefined), 30_000, 10);
    await sleep(Math.min(300, IN_SCOPE / 50));
    const killedAt = Date.now();
    await cluster.kill(killed, 'SIGKILL');
    const atKill = await status();
    log(`server ${killed} killed with the transition ${atKill}; its client saw ${JSON.stringify((await answer).status)}`);
    assert.equal(atKill, 'approved', 'the kill came during the cascade (make HA_IDENTITIES larger if the cascade is quicker)');
    if (leadership) {
      const next = await cluster.waitLeader({ not: killed, timeoutMs: 30_000 });
      log(`server ${next.index} leads now (epoch ${next.epoch}) ${Date.now() - killedAt} ms after the kill`);
    }
    await until('the transition applied by another server', async () => ((await status()) === 'applied' ? true : undefined), 60_000, 100);
    log(`applied ${Date.now() - killedAt} ms after the kill`);
    const restarting = cluster.restart(killed);

    const [t] = await q<{ result: string }>('SELECT result FROM transitions WHERE id = $1', [id]);
    const counts = (JSON.parse(t!.result) as { counts: Record<string, number> }).counts;
    assert.deepEqual([counts.suspend, counts.narrow], [g.suspend, g.narrow], JSON.stringify(counts));
    const statuses = await q<{ status: string; n: string }>(
      "SELECT status, COUNT(*) AS n FROM identities WHERE id LIKE 'nhi-%' GROUP BY status ORDER BY status",
    );
    assert.deepEqual(
      statuses.map((s) => `${s.status} ${s.n}`),
      [`active ${IN_SCOPE - g.suspend - g.alreadySuspended}`, `suspended ${g.suspend + g.alreadySuspended}`],
    );
    const perIdentity = await q<{ action: string; n: string; subjects: string }>(
      'SELECT action, COUNT(*) AS n, COUNT(DISTINCT subject_id) AS subjects FROM events WHERE reason LIKE $1 GROUP BY action ' +
        'ORDER BY action',
      [`transition ${id}:%`],
    );
    const by = Object.fromEntries(perIdentity.map((r) => [r.action, [Number(r.n), Number(r.subjects)]]));
    assert.deepEqual(by['identity.suspended'], [g.suspend, g.suspend]);
    assert.deepEqual(by['identity.narrowed'], [g.narrow, g.narrow]);
    for (const action of ['transition.approved', 'transition.applied'])
      assert.equal(
        Number((await q<{ n: string }>('SELECT COUNT(*) AS n FROM events WHERE subject_id = $1 AND action = $2', [id, action]))[0]!.n),
        1,
      );
    const outbox = await q<{ n: string }>("SELECT COUNT(*) AS n FROM outbox WHERE transition_id = $1 AND channel = 'webhook'", [id]);
    assert.equal(Number(outbox[0]!.n), g.suspend, 'one webhook action per suspended identity');
    await restarting;
    await cluster.waitAllHealthy();
  });

  test('the leader SIGKILLed during outbox delivery: every connector action delivered, none twice but what it had in flight', async () => {
    // The receiver holds every call: deliveries stay in flight until it is released.
    hook.hold();
    const proposed = await api(cluster.url, TOKENS.carla, 'POST', `/v1/authorisations/${WEBHOOK_AUTH}/transitions`, {
      to: 'suspended',
      reason: 'HA test: outbox',
      reference: 'HA-4',
    });
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    const id = proposed.body.id as string;
    const approved = await api(cluster.url, TOKENS.anton, 'POST', `/v1/transitions/${id}/approve`, {});
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const rows = await q<{ id: string }>("SELECT id FROM outbox WHERE channel = 'webhook' AND transition_id = $1", [id]);
    assert.equal(rows.length, WEBHOOK_IDENTITIES, 'one webhook action per suspended identity');
    await until('deliveries in flight at the receiver', async () => (hook.held() > 0 ? true : undefined), 30_000);
    const killed = await leaderOrFirst();
    await sleep(200);
    const killedAt = Date.now();
    await cluster.kill(killed, 'SIGKILL');
    // What the dead server may have sent without recording it: received, not delivered in the store.
    const ours = new Set(rows.map((r) => r.id));
    const received = new Set([...hook.calls.keys()].filter((k) => ours.has(k)));
    const recorded = new Set(
      (await q<{ id: string }>("SELECT id FROM outbox WHERE transition_id = $1 AND status = 'delivered'", [id])).map((r) => r.id),
    );
    const inFlight = new Set([...received].filter((id) => !recorded.has(id)));
    log(`server ${killed} killed with ${hook.held()} calls held at the receiver; ${inFlight.size} sent and not recorded`);
    hook.release();
    const restarting = cluster.restart(killed);
    await until(
      'every webhook action delivered',
      async () => {
        const [r] = await q<{ n: string }>("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'webhook' AND status <> 'delivered'");
        return Number(r!.n) === 0 ? true : undefined;
      },
      90_000,
      200,
    );
    log(`all ${rows.length} delivered ${Date.now() - killedAt} ms after the kill`);
    const missing = rows.filter((r) => !hook.calls.has(r.id)).map((r) => r.id);
    assert.deepEqual(missing, [], 'every action reached the receiver');
    const twice = [...hook.calls].filter(([, n]) => n > 1).map(([id]) => id);
    const unexplained = twice.filter((id) => !inFlight.has(id));
    log(`${twice.length} delivered twice, all of them in flight at the kill: ${unexplained.length === 0}`);
    assert.deepEqual(unexplained, [], 'only actions in flight at the kill are delivered again');
    // The ledger records each delivery once, whoever delivered it.
    const dup = await q<{ reason: string; n: string }>(
      "SELECT reason, COUNT(*) AS n FROM events WHERE action = 'connector.delivered' GROUP BY reason HAVING COUNT(*) > 1 LIMIT 3",
    );
    assert.deepEqual(dup, [], 'connector.delivered recorded once per action');
    await restarting;
    await cluster.waitAllHealthy();
  });

  test('after every failure the ledger is dense, holds nothing twice and verifies offline', async () => {
    const [seq] = await q<{ n: string; lo: string; hi: string }>('SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM events');
    assert.deepEqual([Number(seq!.lo), Number(seq!.hi)], [1, Number(seq!.n)], 'sequence numbers without a gap');
    const dup = await q<{ subject_id: string; action: string; n: string }>(
      "SELECT subject_id, action, COUNT(*) AS n FROM events WHERE action LIKE 'identity.%' OR action LIKE 'transition.%' OR " +
        "action LIKE 'authorisation.%' GROUP BY subject_type, subject_id, action HAVING COUNT(*) > 1 LIMIT 5",
    );
    assert.deepEqual(dup, [], 'no state change recorded twice');
    const dir = mkdtempSync(join(tmpdir(), 'mandate-ha-ledger-'));
    try {
      const env = { MANDATE_URL: cluster.url, MANDATE_TOKEN: cluster.adminToken };
      const cp = await runCli(['ledger', 'key'], env);
      assert.equal(cp.code, 0, cp.stderr);
      const key = cp.stdout.trim();
      const file = join(dir, 'ledger.jsonl');
      const exported = await runCli(['ledger', 'export', '--out', file], env);
      assert.equal(exported.code, 0, exported.stderr);
      const verified = await runCli(['ledger', 'verify', file, '--key', key], env);
      assert.equal(verified.code, 0, `${verified.stdout}\n${verified.stderr}`);
      log(`ledger of ${seq!.n} events verified offline: ${verified.stdout.trim().split('\n').slice(-1)[0]}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a token-signing key rotated through one server is published by every server at once', async () => {
    const rotated = await api(cluster.replicas[0]!.url, cluster.adminToken, 'POST', '/v1/keys/token/rotate', { reason: 'HA test' });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const kid = rotated.body.kid as string;
    // Through haproxy a verifier may fetch the key set from any server: each must publish the new key
    // before a token it signs reaches a verifier (a couple of seconds, not the 60 s key reload).
    let without: string[] = [];
    await until(
      'the new key in every server’s key set',
      async () => {
        const sets = await Promise.all(
          cluster.replicas.map(
            async (r) => ((await (await fetch(`${r.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys,
          ),
        );
        without = cluster.replicas.filter((_, i) => !sets[i]!.some((k) => k.kid === kid)).map((r) => r.id);
        return without.length === 0 ? true : undefined;
      },
      5000,
      100,
    ).catch(() => undefined);
    assert.deepEqual(without, [], `servers that do not publish ${kid} 5 s after its rotation`);
  });
});
