// Rate limits (issue 17 item 5): anonymous callers of the OAuth endpoints by address, API tokens
// by id; 429 RATE_LIMITED with Retry-After, as OAuth error JSON on the OAuth endpoints and as
// problem+json elsewhere; PostgreSQL replicas share the counts; a window ends.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadServerConfig, rateLimitsOf } from '../../src/config.js';
import fc from 'fast-check';
import {
  leasedCounter,
  leaseSize,
  memoryCounter,
  parseRateLimit,
  redisCounter,
  sqlCounter,
  type RateCounter,
} from '../../src/http/rate-limit.js';
import { openDatabase } from '../../src/store/open.js';
import { migrate } from '../../src/store/migrations.js';
import { testStores } from '../support/stores.js';
import { testApp } from '../support/app.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
// A token request the endpoint refuses (400 invalid_grant or invalid_request): it still counts.
const badGrant = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }).toString();
const MINUTE = 60_000;

test('limits are written N/unit, or off', () => {
  assert.deepEqual(parseRateLimit('120/min'), { max: 120, windowMs: MINUTE });
  assert.deepEqual(parseRateLimit('10/s'), { max: 10, windowMs: 1000 });
  assert.deepEqual(parseRateLimit('300/60s'), { max: 300, windowMs: MINUTE });
  assert.deepEqual(parseRateLimit(' 5000 / h '), { max: 5000, windowMs: 3_600_000 });
  assert.equal(parseRateLimit('off'), false);
  for (const bad of ['', '0/min', '10', '10/fortnight', '-1/s', '10/0s', '1/500ms']) assert.equal(parseRateLimit(bad), undefined, bad);
  const config = loadServerConfig({}, { MANDATE_RATE_LIMIT_ANONYMOUS: '120/min', MANDATE_RATE_LIMIT_TOKEN: 'off' });
  assert.deepEqual(rateLimitsOf(config), { anonymous: { max: 120, windowMs: MINUTE }, token: false });
  assert.deepEqual(rateLimitsOf(loadServerConfig({}, {})), {
    anonymous: { max: 1200, windowMs: MINUTE },
    token: { max: 60_000, windowMs: MINUTE },
  });
  assert.throws(() => loadServerConfig({}, { MANDATE_RATE_LIMIT_TOKEN: 'lots' }), /MANDATE_RATE_LIMIT_TOKEN/);
});

test('the in-memory counter starts a window at the first hit and forgets ended ones', async () => {
  let now = 0;
  const c = memoryCounter(() => new Date(now));
  assert.deepEqual(await c.hit('k', 1000), { current: 1, ttl: 1000 });
  now = 400;
  assert.deepEqual(await c.hit('k', 1000), { current: 2, ttl: 600 });
  now = 1000;
  assert.deepEqual(await c.hit('k', 1000), { current: 1, ttl: 1000 });
  for (let i = 0; i < 20_000; i++) await c.hit(`x${i}`, 10);
  now = 5000;
  assert.deepEqual(await c.hit('fresh', 1000), { current: 1, ttl: 1000 });
});

/** A shared counter that counts its round trips. */
function counted(shared: RateCounter): RateCounter & { trips: number } {
  const c = { trips: 0, close: () => shared.close() } as RateCounter & { trips: number };
  c.hit = (key, windowMs, n) => {
    c.trips++;
    return shared.hit(key, windowMs, n);
  };
  return c;
}

test('leased places: one round trip a claim; never more than max pass across replicas; early refusals bounded', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 600 }),
      async (max, replicas, sequence) => {
        const now = 0;
        const clock = () => new Date(now);
        const shared = counted(memoryCounter(clock));
        const servers = Array.from({ length: replicas }, () => leasedCounter(shared, () => leaseSize(max), clock));
        // Each request goes to the replica the sequence names; a third of them arrive together.
        const places = await Promise.all(sequence.map((r) => servers[r % replicas]!.hit('t:k', MINUTE)));
        const currents = places.map((p) => p.current);
        assert.equal(new Set(currents).size, currents.length, 'every request has its own place');
        const passed = currents.filter((c) => c <= max).length;
        assert.ok(passed <= max, `${passed} passed a limit of ${max}`);
        // Refused early: at most the places the other replicas claimed and left unused.
        assert.ok(passed >= Math.min(max, sequence.length) - replicas * leaseSize(max), `${passed} of ${sequence.length} passed`);
        assert.ok(shared.trips <= Math.ceil(sequence.length / leaseSize(max)) + replicas, `${shared.trips} round trips`);
      },
    ),
    { numRuns: 200 },
  );
});

test('a lease ends with its window; a failed claim fails the hits waiting on it, and the next hit claims again', async () => {
  let now = 0;
  const clock = () => new Date(now);
  const shared = counted(memoryCounter(clock));
  let fail = false;
  const flaky: RateCounter = {
    hit: (key, windowMs, n) => (fail ? Promise.reject(new Error('store down')) : shared.hit(key, windowMs, n)),
    close: async () => undefined,
  };
  const c = leasedCounter(flaky, () => 10, clock);
  assert.deepEqual(await c.hit('k', 1000), { current: 1, ttl: 1000 });
  for (let i = 2; i <= 10; i++) assert.equal((await c.hit('k', 1000)).current, i);
  assert.equal(shared.trips, 1);
  now = 1000;
  fail = true;
  await assert.rejects(Promise.all([c.hit('k', 1000), c.hit('k', 1000)]), /store down/);
  fail = false;
  assert.deepEqual(await c.hit('k', 1000), { current: 1, ttl: 1000 });
  assert.equal(shared.trips, 2);
});

test('Redis counts a claim of n places at once, expiring with the window', async () => {
  const c = redisCounter('redis://127.0.0.1:6379');
  const key = `test-${process.pid}-${Date.now()}`;
  try {
    assert.equal((await c.hit(key, 5000, 10)).current, 10);
    const second = await c.hit(key, 5000, 5);
    assert.equal(second.current, 15);
    assert.ok(second.ttl > 0 && second.ttl <= 5000);
  } finally {
    await c.close();
  }
});

for (const store of testStores()) {
  describe(`rate limits on ${store.name}`, () => {
    after(() => store.cleanup());
    let now = Date.parse('2030-01-01T00:00:00Z');
    const clock = () => new Date(now);

    test('anonymous token requests over the limit get 429 with Retry-After as OAuth error JSON; the window ends', async () => {
      const t = await testApp(await store.open(), clock, { rateLimits: { anonymous: { max: 3, windowMs: MINUTE } } });
      try {
        for (let i = 0; i < 3; i++) {
          const res = await t.call('POST', '/v1/token', undefined, badGrant, FORM);
          assert.ok(res.status === 400 || res.status === 401, `request ${i + 1} is refused by the endpoint itself: ${res.status}`);
          assert.equal(res.headers['ratelimit-limit'], '3');
          assert.equal(res.headers['ratelimit-remaining'], String(2 - i));
        }
        const events = async () => Number((await t.db.all<{ n: number }>('SELECT COUNT(*) AS n FROM events'))[0]!.n);
        const before = await events();
        now += 10_000;
        for (const url of ['/v1/token', '/v1/revoke', '/v1/introspect']) {
          const res = await t.call('POST', url, undefined, url === '/v1/token' ? badGrant : 'token=x', FORM);
          assert.equal(res.status, 429, url);
          assert.equal(res.headers['retry-after'], '50', url);
          assert.match(String(res.headers['content-type']), /^application\/json/, url);
          assert.equal(res.body.error, 'temporarily_unavailable', url);
          assert.equal(res.body.code, 'RATE_LIMITED', url);
          assert.match(res.body.error_description, /more than 3 requests from this address/);
          assert.equal(res.headers['cache-control'], 'no-store');
        }
        // A refused-by-limit request never reaches the endpoint: nothing is written.
        assert.equal(await events(), before);
        // Routes outside /v1 that need no token are not counted; an API token has its own count.
        assert.equal((await t.call('GET', '/healthz', undefined)).status, 200);
        assert.equal((await t.call('GET', '/v1/identities', await t.tokenFor(['viewer']))).status, 200);
        // The window ends.
        now += 50_000;
        const res = await t.call('POST', '/v1/token', undefined, badGrant, FORM);
        assert.notEqual(res.status, 429);
        assert.equal(res.headers['ratelimit-remaining'], '2');
      } finally {
        await t.app.close();
      }
    });

    test('an API token over its limit gets 429 problem+json on any /v1 route; another token is unaffected', async () => {
      const t = await testApp(await store.open(), clock, { rateLimits: { token: { max: 4, windowMs: MINUTE } } });
      try {
        const [a, b] = [await t.tokenFor(['admin']), await t.tokenFor(['viewer'])];
        for (const url of ['/v1/identities', '/v1/entities', '/v1/events', '/v1/identities'])
          assert.equal((await t.call('GET', url, a)).status, 200, url);
        const over = await t.call('GET', '/v1/authorisations', a);
        assert.equal(over.status, 429);
        assert.match(String(over.headers['content-type']), /^application\/problem\+json/);
        assert.equal(over.body.code, 'RATE_LIMITED');
        assert.equal(over.body.status, 429);
        assert.equal(over.body.title, 'Too many requests');
        assert.equal(over.headers['retry-after'], '60');
        assert.match(over.body.detail, /more than 4 requests with this token/);
        // A write is refused before it is read, too.
        assert.equal((await t.call('POST', '/v1/entities', a, { id: 'e-late', name: 'Late' })).status, 429);
        assert.equal((await t.call('GET', '/v1/entities/e-late', b)).status, 404);
        const other = await t.call('GET', '/v1/identities', b);
        assert.equal(other.status, 200);
        assert.equal(other.headers['ratelimit-remaining'], '2');
        now += MINUTE;
        assert.equal((await t.call('GET', '/v1/identities', a)).status, 200);
      } finally {
        await t.app.close();
      }
    });

    if (store.name === 'postgres') {
      test('concurrent hits of one key go together and each gets its own place in the count', async () => {
        const db = await store.open();
        const c = sqlCounter(db, clock);
        const hits = await Promise.all(Array.from({ length: 25 }, () => c.hit('t:burst', MINUTE)));
        assert.deepEqual(
          hits.map((h) => h.current).sort((x, y) => x - y),
          Array.from({ length: 25 }, (_, i) => i + 1),
        );
        assert.ok(hits.every((h) => h.ttl > 0 && h.ttl <= MINUTE));
        assert.equal(Number((await db.all<{ hits: number }>("SELECT hits FROM rate_limits WHERE key = 't:burst'"))[0]!.hits), 25);
      });

      test('claims of several places go together with single hits, each answered its own places', async () => {
        const db = await store.open();
        const c = sqlCounter(db, clock);
        const hits = await Promise.all([c.hit('t:mixed', MINUTE, 10), c.hit('t:mixed', MINUTE), c.hit('t:mixed', MINUTE, 5)]);
        assert.deepEqual(
          hits.map((h) => h.current),
          [10, 11, 16],
        );
        assert.equal(Number((await db.all<{ hits: number }>("SELECT hits FROM rate_limits WHERE key = 't:mixed'"))[0]!.hits), 16);
      });

      test('two servers on one PostgreSQL database share the counts', async () => {
        const rateLimits = { anonymous: { max: 3, windowMs: MINUTE }, token: { max: 3, windowMs: MINUTE } };
        const t = await testApp(await store.open(), clock, { rateLimits });
        const db2 = await openDatabase(store.url());
        const app2 = await buildApp({ db: db2, clock, logger: false, rateLimits });
        try {
          const token = await t.tokenFor(['viewer']);
          const on2 = (url: string, auth?: string, body?: string) =>
            app2.inject({
              method: body ? 'POST' : 'GET',
              url,
              headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body ? FORM : {}) },
              ...(body ? { payload: body } : {}),
            });
          // Anonymous: two on the first server, one on the second, then both refuse.
          assert.notEqual((await t.call('POST', '/v1/token', undefined, badGrant, FORM)).status, 429);
          assert.notEqual((await t.call('POST', '/v1/token', undefined, badGrant, FORM)).status, 429);
          assert.notEqual((await on2('/v1/token', undefined, badGrant)).statusCode, 429);
          const refused = await on2('/v1/token', undefined, badGrant);
          assert.equal(refused.statusCode, 429);
          assert.equal(JSON.parse(refused.body).error, 'temporarily_unavailable');
          assert.equal((await t.call('POST', '/v1/token', undefined, badGrant, FORM)).status, 429);
          // An API token likewise.
          assert.equal((await on2('/v1/identities', token)).statusCode, 200);
          assert.equal((await t.call('GET', '/v1/identities', token)).status, 200);
          assert.equal((await on2('/v1/identities', token)).statusCode, 200);
          assert.equal((await t.call('GET', '/v1/identities', token)).status, 429);
          assert.equal((await on2('/v1/identities', token)).statusCode, 429);
          // The counts are by id, never the token itself.
          const keys = (await t.db.all<{ key: string }>('SELECT key FROM rate_limits')).map((r) => r.key);
          assert.ok(
            keys.every((k) => !k.includes(token)),
            keys.join(),
          );
          now += MINUTE;
          assert.equal((await on2('/v1/identities', token)).statusCode, 200);
        } finally {
          await app2.close();
          await db2.close();
          await t.app.close();
        }
      });
    }
  });
}

test('behind a trusted load balancer (MANDATE_TRUST_PROXY) callers are counted by their own address', async () => {
  assert.deepEqual(loadServerConfig({}, { MANDATE_TRUST_PROXY: '10.0.0.5, 192.168.0.0/16' }).trustProxy, ['10.0.0.5', '192.168.0.0/16']);
  assert.throws(() => loadServerConfig({}, { MANDATE_TRUST_PROXY: 'haproxy' }), /MANDATE_TRUST_PROXY/);
  const rateLimits = { anonymous: { max: 2, windowMs: MINUTE }, token: false as const };
  const lb = '10.0.0.5';
  const token = (app: Awaited<ReturnType<typeof buildApp>>, from: string, forwarded?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/token',
      remoteAddress: from,
      headers: { ...FORM, ...(forwarded ? { 'x-forwarded-for': forwarded } : {}) },
      payload: badGrant,
    });
  for (const trustProxy of [undefined, [lb]]) {
    const db = await openDatabase('sqlite::memory:');
    await migrate(db);
    const app = await buildApp({ db, logger: false, rateLimits, ...(trustProxy ? { trustProxy } : {}) });
    try {
      // Three callers behind the load balancer, two requests each.
      const statuses: number[] = [];
      for (const caller of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
        for (let i = 0; i < 2; i++) statuses.push((await token(app, lb, caller)).statusCode);
      const limited = statuses.filter((s) => s === 429).length;
      // Untrusted: one address for all (4 of 6 refused); trusted: each caller has its own count.
      assert.equal(limited, trustProxy ? 0 : 4, `trustProxy ${trustProxy}: ${statuses}`);
      // A caller that is not the load balancer cannot pick its address with the header.
      if (trustProxy) {
        await token(app, '198.51.100.7', '203.0.113.9');
        await token(app, '198.51.100.7', '203.0.113.10');
        assert.equal((await token(app, '198.51.100.7', '203.0.113.11')).statusCode, 429);
      }
    } finally {
      await app.close();
      await db.close();
    }
  }
});
