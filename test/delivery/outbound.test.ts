// The outbound guard (src/http/outbound.ts): which URLs Mandate may reach, the allow-list that
// opens private ones, the connection pinned to the checked address, and what readers of the outbox
// see of a failure (Mandate's words, never the network's).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { createRemoteJWKSet, customFetch, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { buildApp } from '../../src/app.js';
import { caepConnector, newSetSigningKey } from '../../src/delivery/caep.js';
import { PermanentConnectorError } from '../../src/delivery/connectors/connector.js';
import { webhookConnector } from '../../src/delivery/connectors/webhook.js';
import { embeddedIpv4, OutboundFailed, OutboundRefused, outboundGuard, parseAllowList, refusedRange } from '../../src/http/outbound.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

// --- Addresses, independently of the module: the ranges refused, as numbers ---------------------

const V4_REFUSED: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const v4num = (a: string) => a.split('.').reduce((n, b) => n * 256 + Number(b), 0);
const v4str = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const inV4 = (n: number, [net, prefix]: [string, number]) =>
  Math.floor(n / 2 ** (32 - prefix)) === Math.floor(v4num(net) / 2 ** (32 - prefix));
const v4Refused = (n: number) => V4_REFUSED.some((r) => inV4(n, r));
const anyV4 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const refusedV4 = fc
  .tuple(fc.constantFrom(...V4_REFUSED), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
  .map(([[net, prefix], host]) => v4num(net) + (host % 2 ** (32 - prefix)));
const mapped = (n: number) => `::ffff:${v4str(n)}`;
const mappedHex = (n: number) => `::ffff:${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
const group = fc.integer({ min: 0, max: 0xffff });
const v6 = (groups: number[]) => groups.map((g) => g.toString(16)).join(':');

describe('the outbound guard: addresses', () => {
  test('every IPv4 address is refused exactly when it is in a refused range, in its IPv4-mapped forms too', () => {
    fc.assert(
      fc.property(fc.oneof(anyV4, refusedV4), (n) => {
        const expected = v4Refused(n);
        assert.equal(refusedRange(v4str(n)) !== undefined, expected, v4str(n));
        assert.equal(refusedRange(mapped(n)) !== undefined, expected, mapped(n));
        assert.equal(refusedRange(mappedHex(n)) !== undefined, expected, mappedHex(n));
        assert.equal(embeddedIpv4(mappedHex(n)), v4str(n));
      }),
      { numRuns: 2000 },
    );
  });

  test('IPv6: loopback, unspecified, link-local, unique-local and multicast are refused; global unicast is not', () => {
    for (const a of [
      '::1',
      '::',
      '0:0:0:0:0:0:0:1',
      'fe80::1',
      'fe80::1%eth0',
      'fd00::1',
      'fc12:3456::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      '2002:7f00:1::1',
    ])
      assert.ok(refusedRange(a), a);
    const refusedPrefix = fc.oneof(
      fc.tuple(fc.integer({ min: 0xfe80, max: 0xfebf }), fc.array(group, { minLength: 7, maxLength: 7 })), // fe80::/10
      fc.tuple(fc.integer({ min: 0xfc00, max: 0xfdff }), fc.array(group, { minLength: 7, maxLength: 7 })), // fc00::/7
      fc.tuple(fc.integer({ min: 0xff00, max: 0xffff }), fc.array(group, { minLength: 7, maxLength: 7 })), // ff00::/8
    );
    fc.assert(fc.property(refusedPrefix, ([first, rest]) => assert.ok(refusedRange(v6([first, ...rest])), v6([first, ...rest]))));
    // 2000::/3 without 6to4 (2002::/16, which carries an IPv4 address: checked as that address)
    const global = fc.tuple(
      fc.integer({ min: 0x2000, max: 0x3fff }).filter((g) => g !== 0x2002),
      fc.array(group, { minLength: 7, maxLength: 7 }),
    );
    fc.assert(fc.property(global, ([first, rest]) => assert.equal(refusedRange(v6([first, ...rest])), undefined, v6([first, ...rest]))));
    fc.assert(
      fc.property(anyV4, (n) => {
        const sixToFour = `2002:${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}::1`;
        assert.equal(refusedRange(sixToFour) !== undefined, v4Refused(n), sixToFour);
      }),
    );
  });

  test('the allow-list: a CIDR lets exactly its addresses through (mapped forms too), a port only that port', () => {
    const guard = outboundGuard({ allow: ['10.20.0.0/16', '127.0.0.1:8443', '[::1]:9000', 'hooks.firm.internal', '*.corp.example'] });
    const passes = (url: string) => {
      try {
        guard.checkUrl(url, 'webhook');
        return true;
      } catch (err) {
        assert.ok(err instanceof OutboundRefused, String(err));
        return false;
      }
    };
    fc.assert(
      fc.property(fc.integer({ min: v4num('10.0.0.0'), max: v4num('10.255.255.255') }), (n) => {
        const inside = inV4(n, ['10.20.0.0', 16]);
        assert.equal(passes(`https://${v4str(n)}/hook`), inside, v4str(n));
        assert.equal(passes(`https://[${mapped(n)}]/hook`), inside, mapped(n));
      }),
      { numRuns: 1000 },
    );
    assert.ok(passes('https://127.0.0.1:8443/hook'));
    assert.ok(!passes('https://127.0.0.1:8444/hook'));
    assert.ok(!passes('https://127.0.0.1/hook'));
    assert.ok(passes('http://[::1]:9000/hook'));
    assert.ok(!passes('http://[::1]:9001/hook'));
    assert.ok(passes('https://93.184.215.14/'), 'a public address needs no entry');
    // Schemes, and plain http for a JWKS.
    assert.ok(!passes('ftp://example.com/'));
    assert.ok(!passes('file:///etc/passwd'));
    assert.throws(() => guard.checkUrl('http://keys.example.com/jwks.json', 'jwks'), /must be https/);
    assert.doesNotThrow(() => guard.checkUrl('https://keys.example.com/jwks.json', 'jwks'));
    assert.doesNotThrow(() => outboundGuard({ allow: ['http://127.0.0.1'] }).checkUrl('http://127.0.0.1:8080/jwks.json', 'jwks'));
    assert.throws(() => outboundGuard({ allow: ['127.0.0.1'] }).checkUrl('http://127.0.0.1:8080/jwks.json', 'jwks'), /must be https/);
    // Odd spellings of loopback are canonicalised by the URL parser before the check.
    for (const u of [
      'http://0x7f.1/',
      'http://2130706433/',
      'http://127.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'http://169.254.169.254/latest/meta-data/',
    ])
      assert.ok(!passesWith(outboundGuard(), u), u);
    for (const bad of ['', 'a b', '10.0.0.0/33', '127.0.0.1:99999', '[zz::]', 'http://'])
      assert.throws(() => parseAllowList([bad]), /allow-list entry/, bad);
  });

  test('a host name is resolved and every address checked: one private address is enough to refuse', async () => {
    await assert.rejects(
      outboundGuard().resolve('https://localhost/hook', 'webhook'),
      (err: Error) => err instanceof OutboundRefused && /resolves to an address that is loopback/.test(err.message),
    );
    const resolve = async (host: string) =>
      host === 'mixed.example'
        ? [
            { address: '93.184.215.14', family: 4 },
            { address: '10.0.0.7', family: 4 },
          ]
        : [{ address: '93.184.215.14', family: 4 }];
    await assert.rejects(outboundGuard({ resolve }).resolve('https://mixed.example/', 'webhook'), OutboundRefused);
    assert.equal((await outboundGuard({ resolve }).resolve('https://public.example/', 'webhook')).length, 1);
    assert.equal((await outboundGuard({ resolve, allow: ['mixed.example'] }).resolve('https://mixed.example/', 'webhook')).length, 2);
    assert.equal((await outboundGuard({ resolve, allow: ['10.0.0.0/24'] }).resolve('https://mixed.example/', 'webhook')).length, 2);
  });
});

function passesWith(guard: ReturnType<typeof outboundGuard>, url: string): boolean {
  try {
    guard.checkUrl(url, 'webhook');
    return true;
  } catch {
    return false;
  }
}

// --- Requests ----------------------------------------------------------------------------------

describe('the outbound guard: requests', () => {
  let server: Server;
  let port = 0;
  const hits: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url} ${req.headers.host}`);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('a webhook to 127.0.0.1 is refused by default (permanently, in the guard’s words) and delivered with the allow-list', async () => {
    const req = {
      deliveryId: 'd1',
      action: 'disable' as const,
      target: `http://127.0.0.1:${port}/hook`,
      identityId: 'svc',
      reason: 'r',
      decidedAt: '2026-01-01T00:00:00Z',
    };
    const before = hits.length;
    await assert.rejects(
      webhookConnector({ secret: 'x'.repeat(32) }).apply(req),
      (err: Error) => err instanceof PermanentConnectorError && /refused by the outbound guard: the address is loopback/.test(err.message),
    );
    await assert.rejects(
      webhookConnector({ secret: 'x'.repeat(32) }).apply({ ...req, target: `http://localhost:${port}/hook` }),
      PermanentConnectorError,
    );
    assert.equal(hits.length, before, 'nothing left');
    const ok = await webhookConnector({ secret: 'x'.repeat(32), guard: outboundGuard({ allow: [`127.0.0.1:${port}`] }) }).apply(req);
    assert.match(ok.acknowledgement!, /^HTTP 200 /);
  });

  test('the connection goes to the address the guard checked: resolved once, by the guard', async () => {
    let calls = 0;
    // hooks.firm.internal exists only in this resolver: reaching the server proves the socket used it.
    const resolve = async (host: string) => {
      calls++;
      assert.equal(host, 'hooks.firm.internal');
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const res = await outboundGuard({ resolve, allow: ['hooks.firm.internal'] }).request(`http://hooks.firm.internal:${port}/x`, 'webhook');
    assert.equal(res.status, 200);
    assert.equal(calls, 1);
    assert.equal(hits.at(-1), `GET /x hooks.firm.internal:${port}`);
    // Without the entry, the same answer is refused inside the connection's own lookup.
    await assert.rejects(outboundGuard({ resolve }).request(`http://hooks.firm.internal:${port}/x`, 'webhook'), OutboundRefused);
  });

  test(
    'a closed port reads "connection failed" (a silent one "timed out": test/connectors/webhook.test.ts); the raw error goes to the ' +
      'log only',
    async () => {
      const logged: unknown[] = [];
      const guard = outboundGuard({ allow: ['127.0.0.1'], log: ({ err }) => logged.push(err) });
      await assert.rejects(
        guard.request('http://127.0.0.1:1/', 'webhook'),
        (err: Error) => err instanceof OutboundFailed && err.message === 'connection failed',
      );
      assert.match(String((logged[0] as NodeJS.ErrnoException).code), /ECONNREFUSED/);
    },
  );

  test('JWKS through the guard: jose fetches with the guard’s fetch; an http JWKS is refused', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' };
    const jwksServer = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    try {
      const url = new URL(`http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
        .setIssuer('i')
        .setExpirationTime('5m')
        .sign(privateKey);
      const allowed = createRemoteJWKSet(url, { [customFetch]: outboundGuard({ allow: ['http://127.0.0.1'] }).fetchFor('jwks') });
      assert.equal((await jwtVerify(token, allowed, { issuer: 'i' })).payload.iss, 'i');
      const refused = createRemoteJWKSet(url, { [customFetch]: outboundGuard({ allow: ['127.0.0.1'] }).fetchFor('jwks') });
      await assert.rejects(jwtVerify(token, refused), (err: Error) => err instanceof OutboundRefused && /must be https/.test(err.message));
    } finally {
      jwksServer.close();
    }
  });
});

// --- Through the API ---------------------------------------------------------------------------

describe('the outbound guard through the API', () => {
  const store = testStores()[0]!;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let admin = '';
  let viewer = '';
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await app.inject({
      method: method as 'GET',
      url: path,
      headers: { authorization: `Bearer ${token}` },
      ...(body ? { payload: body as object } : {}),
    });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  const logged: unknown[] = [];

  before(async () => {
    const key = await newSetSigningKey();
    // CAEP receivers on loopback; the connector's guard has no allow-list (the default).
    const caep = caepConnector({ issuer: 'http://mandate.test', key, guard: outboundGuard({ log: ({ err }) => logged.push(err) }) });
    app = await buildApp({
      db: await store.open(),
      logger: false,
      caepReceivers: ['http://127.0.0.1:1/caep'],
      connectors: { get: (n) => (n === 'caep' ? caep : undefined) },
    });
    admin = (await app.services.users.bootstrap(undefined))!;
    await app.services.users.createUser('test', { id: 'vic', name: 'vic', roles: ['viewer'] });
    viewer = (await app.services.users.createToken('test', 'vic', {})).token;
    await call(admin, 'POST', '/v1/import', smallManifest([identity('svc-a', { revocation: { connector: 'manual', target: 'ticket' } })]));
  });
  after(async () => {
    await app.close();
    await store.cleanup();
  });

  test('an issuer whose jwks_uri is plain http or resolves to loopback is refused with the field', async () => {
    for (const jwks_uri of [
      'http://keys.example.com/jwks.json',
      'https://127.0.0.1:8443/jwks.json',
      'https://localhost/jwks.json',
      'https://[::ffff:10.0.0.1]/jwks.json',
    ]) {
      const res = await call(admin, 'POST', '/v1/issuers', { id: 'k8s', issuer: 'https://k8s.example', audience: 'mandate', jwks_uri });
      assert.equal(res.status, 400, `${jwks_uri}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'VALIDATION_FAILED');
      assert.ok(JSON.stringify(res.body).includes('/jwks_uri'), JSON.stringify(res.body));
      assert.match(res.body.detail, /outbound guard/);
    }
    assert.equal((await call(admin, 'GET', '/v1/issuers')).body.items?.length ?? 0, 0);
  });

  test('buildApp({ outbound: { allow } }) opens the JWKS check to what the admin allowed', async () => {
    const other = testStores()[0]!;
    const allowed = await buildApp({ db: await other.open(), logger: false, outbound: { allow: ['http://127.0.0.1:8443'] } });
    try {
      const token = (await allowed.services.users.bootstrap(undefined))!;
      const res = await allowed.inject({
        method: 'POST',
        url: '/v1/issuers',
        headers: { authorization: `Bearer ${token}` },
        payload: { id: 'local', issuer: 'https://local.example', audience: 'mandate', jwks_uri: 'http://127.0.0.1:8443/jwks.json' },
      });
      assert.equal(res.statusCode, 201, res.body);
    } finally {
      await allowed.close();
      await other.cleanup();
    }
  });

  test('a CAEP push to a refused receiver fails permanently; the outbox shows the guard’s words, not the network’s', async () => {
    assert.equal((await call(admin, 'POST', '/v1/identities/svc-a/status', { status: 'suspended', reason: 'key leaked' })).status, 200);
    await app.services.outbox.drain();
    const { status, body } = await call(viewer, 'GET', '/v1/outbox?status=failed');
    assert.equal(status, 200);
    const row = body.items.find((r: { channel: string }) => r.channel === 'caep');
    assert.ok(row, JSON.stringify(body));
    assert.equal(row.attempts, 1, 'permanent: not retried');
    assert.equal(
      row.last_error,
      'CAEP delivery to http://127.0.0.1:1/caep failed: refused by the outbound guard: the address is loopback (allow it with ' +
        'MANDATE_OUTBOUND_ALLOW)',
    );
    assert.doesNotMatch(JSON.stringify(body), /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|socket/);
    assert.equal(logged.length, 0, 'nothing was sent, so nothing failed on the network');
  });
});
