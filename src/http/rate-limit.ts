// Rate limits (issue 17 item 5): an anonymous caller of the /v1 routes that need no token (the
// OAuth endpoints /v1/token, /v1/introspect and /v1/revoke, whose token exchange is what makes the
// server fetch an issuer's JWKS) is counted by its address; an authenticated caller is counted by
// its API token's id (never the token itself), or a workload by its identity, on every route.
// Over the limit the answer is 429 RATE_LIMITED with Retry-After: problem+json, or RFC 6749 error
// JSON on the OAuth endpoints (their own error handler renders it).
//
// @fastify/rate-limit does the counting per route, the headers and the 429; the counts live in a
// store of ours (RateCounter): PostgreSQL's rate_limits table when the server runs on PostgreSQL,
// so every replica on one database shares them; memory for the embedded SQLite server, which is one
// process (a write a request on SQLite's single writer would queue behind the evidence writes for
// nothing); Redis when one is configured. Fixed windows per key: the first hit starts the window.
// A replica claims places from the shared count a hundredth of the limit at a time (leasedCounter),
// so a busy token costs a round trip per claim, not per request.
import rateLimit, { normalizeIP, type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createClient } from 'redis';
import { MandateError } from '../core/errors.js';
import type { Sql } from '../store/db.js';

/** At most `max` requests in `windowMs`. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

export interface RateLimits {
  /** Per address, on the /v1 routes an anonymous caller may call; false: none. */
  anonymous: RateLimit | false;
  /** Per API token (its id) or workload identity, on every authenticated route; false: none. */
  token: RateLimit | false;
}

/** High enough for a fleet of workloads behind one address, a busy enforcer and the test suite; low enough to stop a flood. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  anonymous: { max: 1200, windowMs: 60_000 },
  token: { max: 60_000, windowMs: 60_000 },
};

const UNITS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

/** `120/min`, `10/s`, `5000/h`, `100/30s` (a number before the unit), or `off`; undefined when not valid. */
export function parseRateLimit(text: string): RateLimit | false | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'off') return false;
  const m = /^(\d{1,9})\s*\/\s*(\d{0,6})\s*([a-z]+)$/.exec(t);
  if (!m || !UNITS[m[3]!]) return undefined;
  const max = Number(m[1]);
  const windowMs = Number(m[2] || 1) * UNITS[m[3]!]!;
  return max >= 1 && windowMs >= 1000 ? { max, windowMs } : undefined;
}

/**
 * Counts the hits of a key in its window: adds `n` (default 1) and answers the count so far (these
 * included) and the ms left.
 */
export interface RateCounter {
  hit(key: string, windowMs: number, n?: number): Promise<{ current: number; ttl: number }>;
  close(): Promise<void>;
}

/**
 * How many places in a window a replica claims from the shared count at once: a hundredth of the
 * limit (at least 1). A claim costs one round trip to PostgreSQL or Redis; the places in it are
 * handed out in memory. See leasedCounter for what that costs in accuracy.
 */
export const leaseSize = (max: number): number => Math.max(1, Math.floor(max / 100));

/**
 * Hands out places in a key's window from claims on a shared counter (each of `sizeOf(key)` places),
 * so a busy key costs one round trip per claim instead of one per request. Every request still gets
 * its own place, so no more than `max` requests pass in a window across all replicas; the price is
 * that places a replica claimed but did not use when the window ends were counted anyway: with R
 * replicas, a caller may be refused up to (R - 1) × leaseSize(max) requests early (1% of the limit a
 * replica). Concurrent misses of one key wait for one claim. A failed claim fails the hits waiting on it.
 */
export function leasedCounter(shared: RateCounter, sizeOf: (key: string) => number, clock: () => Date): RateCounter {
  const leases = new Map<string, { next: number; end: number; ends: number }>();
  const claims = new Map<string, Promise<void>>();
  let sweepAt = 10_000;
  const claim = async (key: string, windowMs: number): Promise<void> => {
    const n = Math.max(1, sizeOf(key));
    const { current, ttl } = await shared.hit(key, windowMs, n);
    const now = clock().getTime();
    if (leases.size >= sweepAt) {
      for (const [k, l] of leases) if (l.ends <= now) leases.delete(k);
      sweepAt = Math.max(10_000, leases.size * 2);
    }
    leases.set(key, { next: current - n, end: current, ends: now + Math.max(1, ttl) });
  };
  return {
    async hit(key, windowMs, n = 1) {
      for (;;) {
        const now = clock().getTime();
        const lease = leases.get(key);
        if (lease && lease.ends > now && lease.end - lease.next >= n) {
          lease.next += n;
          return { current: lease.next, ttl: lease.ends - now };
        }
        let pending = claims.get(key);
        if (!pending) {
          pending = claim(key, windowMs).finally(() => claims.delete(key));
          claims.set(key, pending);
        }
        await pending;
      }
    },
    close: () => shared.close(),
  };
}

/** One process's counts (the embedded SQLite server). Expired keys are swept as the map grows. */
export function memoryCounter(clock: () => Date): RateCounter {
  const windows = new Map<string, { ends: number; hits: number }>();
  let sweepAt = 10_000;
  return {
    async hit(key, windowMs, n = 1) {
      const now = clock().getTime();
      let w = windows.get(key);
      if (!w || w.ends <= now) {
        if (windows.size >= sweepAt) {
          for (const [k, v] of windows) if (v.ends <= now) windows.delete(k);
          sweepAt = Math.max(10_000, windows.size * 2);
        }
        windows.set(key, (w = { ends: now + windowMs, hits: 0 }));
      }
      w.hits += n;
      return { current: w.hits, ttl: w.ends - now };
    },
    async close() {
      windows.clear();
    },
  };
}

/**
 * Counts in the rate_limits table (migration 11), so replicas on one PostgreSQL share them. The
 * hits of one key that arrive while its upsert is in flight go together in the next one (`+ n`),
 * each answered its own place in the count: one round trip a burst, not a row lock queue a request.
 * Times are the servers' clocks (ms); rows of ended windows are deleted at most once a minute.
 */
export function sqlCounter(sql: Sql, clock: () => Date): RateCounter {
  let sweptAt = 0;
  type Waiter = { n: number; resolve: (r: { current: number; ttl: number }) => void; reject: (err: unknown) => void };
  const pending = new Map<string, { windowMs: number; waiters: Waiter[] }>();
  const inFlight = new Set<string>();
  const flush = async (key: string): Promise<void> => {
    const batch = pending.get(key);
    if (!batch || inFlight.has(key)) return;
    pending.delete(key);
    inFlight.add(key);
    const n = batch.waiters.reduce((sum, w) => sum + w.n, 0);
    const now = clock().getTime();
    try {
      const [row] = await sql.all<{ hits: number | string; expires_at: number | string }>(
        `INSERT INTO rate_limits (key, window_start, expires_at, hits) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.expires_at <= EXCLUDED.window_start THEN EXCLUDED.hits ELSE rate_limits.hits + EXCLUDED.hits END,
           window_start = CASE WHEN rate_limits.expires_at <= EXCLUDED.window_start THEN EXCLUDED.window_start
             ELSE rate_limits.window_start END,
           expires_at = CASE WHEN rate_limits.expires_at <= EXCLUDED.window_start THEN EXCLUDED.expires_at ELSE rate_limits.expires_at END
         RETURNING hits, expires_at`,
        [key, now, now + batch.windowMs, n],
      );
      const total = Number(row!.hits);
      const ttl = Number(row!.expires_at) - now;
      let before = total - n;
      for (const w of batch.waiters) w.resolve({ current: (before += w.n), ttl });
    } catch (err) {
      for (const w of batch.waiters) w.reject(err);
    } finally {
      inFlight.delete(key);
      void flush(key);
    }
    if (now - sweptAt > 60_000) {
      sweptAt = now;
      void sql.run('DELETE FROM rate_limits WHERE expires_at < ?', [now]).catch(() => undefined);
    }
  };
  return {
    hit(key, windowMs, n = 1) {
      return new Promise((resolve, reject) => {
        const batch = pending.get(key) ?? { windowMs, waiters: [] };
        batch.waiters.push({ n, resolve, reject });
        pending.set(key, batch);
        void flush(key);
      });
    },
    async close() {},
  };
}

// INCRBY, the window's expiry on its first hits, and what is left of it, in one round trip.
const REDIS_HIT = `local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { n, ttl }`;

/** Counts in Redis (keys mandate:rl:…, expiring with their window; Redis's clock). */
export function redisCounter(url: string): RateCounter {
  const client = createClient({ url });
  client.on('error', () => undefined);
  let connecting: Promise<unknown> | undefined;
  return {
    async hit(key, windowMs, n = 1) {
      if (!client.isOpen) await (connecting ??= client.connect().finally(() => (connecting = undefined)));
      const [current, ttl] = (await client.eval(REDIS_HIT, { keys: [`mandate:rl:${key}`], arguments: [String(windowMs), String(n)] })) as [
        number,
        number,
      ];
      return { current: Number(current), ttl: Number(ttl) };
    },
    async close() {
      if (client.isOpen) await client.quit().catch(() => undefined);
    },
  };
}

/** Who a request is counted as: t:<API token id>, w:<workload identity>, a:<address>; '' for not counted. */
function keyOf(req: FastifyRequest, limits: RateLimits): string {
  if (req.principal) return limits.token ? `t:${req.principal.token}` : '';
  if (req.workload) return limits.token ? `w:${req.workload.identity}` : '';
  // Anonymous: the /v1 routes that need no token (the OAuth endpoints, the ledger's key). Probes,
  // metadata and the console's files are not counted. IPv6 addresses count by their /64.
  return limits.anonymous && req.url.startsWith('/v1/') ? `a:${normalizeIP(req.ip)}` : '';
}

/**
 * Limits every route registered after this (register it before the routes). Its hook runs after
 * the app's authentication hook, so the caller's token is known; a request refused by
 * authentication is not counted.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  limits: RateLimits,
  counter: RateCounter,
  onError: (err: unknown) => void,
): Promise<void> {
  const limitOf = (key: string): RateLimit => (key.startsWith('a:') ? limits.anonymous : limits.token) as RateLimit;
  const store: FastifyRateLimitStore = {
    incr(key, done, timeWindow) {
      counter.hit(key, timeWindow).then(
        (r) => done(null, { current: r.current, ttl: Math.max(1, r.ttl) }),
        (err: Error) => {
          // The store is down: the request goes on (it needs the store anyway), and the log says why.
          onError(err);
          done(err);
        },
      );
    },
    child() {
      return store;
    },
  };
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    // biome-ignore lint/correctness/noComponentHookFactories: no component: the plugin calls new store(), given ours
    store: function RateStore() {
      return store;
    } as never,
    skipOnError: true,
    enableDraftSpec: true,
    keyGenerator: (req) => keyOf(req, limits),
    allowList: (_req, key) => key === '',
    max: (_req, key) => limitOf(key).max,
    timeWindow: (_req, key) => limitOf(key).windowMs,
    errorResponseBuilder: (req, ctx) =>
      new MandateError(
        'RATE_LIMITED',
        `more than ${ctx.max} requests ${req.principal || req.workload ? 'with this token' : 'from this address'} in the window; retry ` +
          `in ${ctx.after}`,
      ),
  });
  app.addHook('onClose', async () => counter.close());
}
