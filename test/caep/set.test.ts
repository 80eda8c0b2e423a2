// CAEP push: every change to an identity's power reaches relying parties as a signed Security
// Event Token they can verify against Mandate's published JWKS.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { buildApp } from '../../src/app.js';
import { caepConnector, CAEP, newSetSigningKey } from '../../src/delivery/caep.js';
import { outboundGuard } from '../../src/http/outbound.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

describe('CAEP security event tokens', () => {
  const store = testStores()[0]!;
  const received: string[] = [];
  let receiver: Server;
  let url = '';
  let app: Awaited<ReturnType<typeof buildApp>>;
  let admin = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.inject({
      method: method as 'GET',
      url: path,
      headers: { authorization: `Bearer ${admin}` },
      ...(body ? { payload: body as object } : {}),
    });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        assert.equal(req.headers['content-type'], 'application/secevent+jwt');
        received.push(body);
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/caep`;
    const key = await newSetSigningKey();
    const caep = caepConnector({ issuer: 'http://mandate.test', key, guard: outboundGuard({ allow: ['127.0.0.1'] }) });
    app = await buildApp({
      db: await store.open(),
      logger: false,
      caepReceivers: [url],
      connectors: { get: (n) => (n === 'caep' ? caep : undefined) },
      jwks: () => ({ keys: [key.publicJwk] }),
    });
    admin = (await app.services.users.bootstrap(undefined))!;
    await call(
      'POST',
      '/v1/import',
      smallManifest([
        identity('svc-a', { revocation: { connector: 'manual', target: 'ticket' } }),
        identity('svc-fr', {
          scopes: [
            { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' },
            { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
          ],
        }),
      ]),
    );
  });
  after(async () => {
    await app.close();
    receiver.close();
    await store.cleanup();
  });

  async function verified(n: number) {
    const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    const token = received[n]!;
    assert.equal(decodeProtectedHeader(token).typ, 'secevent+jwt');
    const { payload } = await jwtVerify(token, jwks, { issuer: 'http://mandate.test', audience: url, typ: 'secevent+jwt' });
    return payload as { sub_id: { id: string }; events: Record<string, any>; jti: string };
  }

  test('a manual suspension pushes session-revoked, verifiable with the published key', async () => {
    assert.equal(
      (await call('POST', '/v1/identities/svc-a/status', { status: 'suspended', reason: 'key leaked in a public repository' })).status,
      200,
    );
    await app.services.outbox.drain();
    assert.equal(received.length, 1);
    const set = await verified(0);
    assert.equal(set.sub_id.id, 'svc-a');
    assert.deepEqual(set.events[CAEP['session-revoked']].reason_admin, { en: 'user:admin: key leaked in a public repository' });
    // The manual connector opened a task rather than pretending to switch anything off.
    const ob = await call('GET', '/v1/outbox?status=manual');
    assert.equal(ob.body.items[0].target, 'ticket');
  });

  test('a narrowing pushes token-claims-change with the lawful power', async () => {
    const p = await app.services.regulatory.propose({ user: 'admin', canApprove: true }, 'auth-de-custody-fr', {
      to: 'withdrawn',
      reason: 'Art. 64',
      reference: 'W-1',
    });
    await app.services.users.createUser('t', { id: 'ann', name: 'Ann', roles: ['approver'] });
    await app.services.regulatory.decide({ user: 'ann', canApprove: true }, p.id, 'approve', undefined);
    await app.services.outbox.drain();
    const sets = await Promise.all(received.map((_, n) => verified(n)));
    const change = sets.find((s) => s.sub_id.id === 'svc-fr')!;
    const claims = change.events[CAEP['token-claims-change']].claims;
    assert.equal(claims.status, 'active');
    assert.deepEqual(claims.lawful, [
      { scope: 'ent-de/custody/FR', actions: ['read', 'withdraw_to_client', 'transfer_to_successor', 'reconcile'] },
      { scope: 'ent-de/custody/DE', actions: ['read', 'initiate_transfer', 'withdraw_to_client', 'transfer_to_successor', 'reconcile'] },
    ]);
    assert.equal(new Set(sets.map((s) => s.jti)).size, sets.length);
  });
});
