// What rate limiting costs (issue 17: ≤ 5% of decision and token throughput): one run, per store,
// the same server with limits off and on, side by side. Every mode's app listens at once on the
// same database (loopback), and the work is cut into slices taken in turn, the order rotating:
//   - decisions over HTTP with an operator's API token (counted per token: the default 60,000/min,
//     so a replica claims 600 places of the shared count at a time on PostgreSQL and Redis);
//   - token issuance, RFC 8693 exchange of a platform token signed before timing (anonymous
//     callers, counted per address: the limit is raised to 120,000/min so the run is never refused,
//     a claim of 1,200 places; at the default 1,200/min a claim is 12 places and one address gets
//     20 exchanges a second, which is what that default is for);
// at 16 in flight. Limits on: SQLite counts in memory, PostgreSQL in its rate_limits table, and
// (third column) Redis when one answers on 127.0.0.1:6379. Every answer is checked (200, allow).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createClient } from 'redis';
import { buildApp } from '../src/app.js';
import { withLeiCheckDigits } from '../src/core/lei.js';
import type { Manifest } from '../src/core/manifest.js';
import {
  DEFAULT_RATE_LIMITS,
  leasedCounter,
  leaseSize,
  memoryCounter,
  type RateCounter,
  type RateLimits,
  redisCounter,
  sqlCounter,
} from '../src/http/rate-limit.js';
import { insertMany } from '../src/store/db.js';
import { httpLoad } from './decide/http-load.js';
import { check, machine, median, openBenchStore, personTokens, runBench, SMALL } from './harness.js';

const IDENTITIES = SMALL ? 50 : 1_000;
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? (SMALL ? 600 : 30_000));
const TOKENS = Number(process.env.BENCH_TOKENS ?? (SMALL ? 300 : 8_000));
const SLICES = Number(process.env.BENCH_SLICES ?? (SMALL ? 2 : 20));
const CONCURRENCY = 16;
const ISS = 'https://k8s.ratelimit.bench.example';
const REDIS = 'redis://127.0.0.1:6379';
const log = (m: string) => process.stderr.write(`[bench:ratelimit] ${m}\n`);

type Mode = 'off' | 'on' | 'redis';
const limitsOf = (mode: Mode): (RateLimits & { redisUrl?: string }) | false =>
  mode === 'off'
    ? false
    : {
        anonymous: { max: 120_000, windowMs: 60_000 },
        token: DEFAULT_RATE_LIMITS.token,
        ...(mode === 'redis' ? { redisUrl: REDIS } : {}),
      };

function manifest(): Manifest {
  return {
    version: 1,
    entities: [{ id: 'ent-de', name: 'Bench GmbH', lei: withLeiCheckDigits('5299001BENCHRLM1XY'), home: 'DE' }],
    people: [{ id: 'owner@bench.example', name: 'Owner', status: 'active' }],
    vendors: [],
    authorisations: [
      {
        id: 'auth-custody-de',
        entity: 'ent-de',
        service: 'custody',
        jurisdiction: 'DE',
        status: 'authorised',
        basis: 'home',
        reference: 'B1',
      },
    ],
    identities: Array.from({ length: IDENTITIES }, (_, i) => ({
      id: `nhi-${String(i).padStart(5, '0')}`,
      kind: 'workload' as const,
      function: 'custody' as const,
      capability: 'execute' as const,
      owner: 'owner@bench.example',
      purpose: 'bench workload',
      scopes: [{ entity: 'ent-de', service: 'custody' as const, jurisdiction: 'DE' as const }],
      environment: 'production' as const,
      credential: { type: 'short_lived' as const, created: '2026-01-01T00:00:00Z' },
      revocation: { connector: 'manual', target: `role_${i}` },
    })),
  };
}

async function redisAnswers(): Promise<boolean> {
  const c = createClient({ url: REDIS, socket: { connectTimeout: 500, reconnectStrategy: false } });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.ping();
    return true;
  } catch {
    return false;
  } finally {
    if (c.isOpen) await c.quit().catch(() => undefined);
  }
}

interface Figures {
  decisions: number[];
  tokens: number[];
}

async function measureStore(store: 'sqlite' | 'postgres', modes: Mode[]): Promise<Record<Mode, Figures>> {
  const bench = await openBenchStore(store, 'ratelimit');
  try {
    const { db } = bench;
    // One key-encryption key for every app on this database (the signing keys it seals are shared).
    const ledger = { kek: randomBytes(32), origin: 'bench.ratelimit/ledger' };
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    {
      const app = await buildApp({ db, logger: false, rateLimits: false, ledger });
      await app.services.importer.importManifest('bench', manifest(), { dryRun: false, digestOf: 'bench' });
      await app.services.tokens.addIssuer('bench', {
        id: 'bench-k8s',
        issuer: ISS,
        audience: 'mandate',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench' } as never] },
        algorithms: ['EdDSA'],
      });
      const at = new Date().toISOString();
      await db.transaction((tx) =>
        insertMany(
          tx,
          'identity_credentials',
          ['id', 'identity_id', 'type', 'issuer', 'subject', 'created_at'],
          Array.from({ length: IDENTITIES }, (_, i) => [
            `cred_${i}`,
            `nhi-${String(i).padStart(5, '0')}`,
            'oidc',
            'bench-k8s',
            `sa:${i}`,
            at,
          ]),
        ),
      );
      await app.close();
    }
    const { pep } = await personTokens(bench.url, [['pep', 'operator']]);
    // Platform tokens are signed before any timing (the client's signing is not the server's work).
    const now = Math.floor(Date.now() / 1000);
    const forms: string[] = [];
    for (let n = 0; n < (TOKENS + SLICES + 100) * modes.length; n++) {
      const subject = await new SignJWT({ jti: randomBytes(8).toString('hex') })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
        .setIssuer(ISS)
        .setAudience('mandate')
        .setSubject(`sa:${n % IDENTITIES}`)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(privateKey);
      forms.push(
        new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: subject,
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          purpose: 'bench',
        }).toString(),
      );
    }
    const decision = (i: number) =>
      JSON.stringify({
        principal: { identity: `nhi-${String(i % IDENTITIES).padStart(5, '0')}` },
        action: 'read',
        resource: { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
        context: { attested: true, device_posture: 'compliant', session_purpose: 'bench', environment: 'production' },
      });

    const out = Object.fromEntries(modes.map((m) => [m, { decisions: [], tokens: [] }])) as unknown as Record<Mode, Figures>;
    // Every mode's app listens at once on the same database, warmed up, and the work is cut into
    // short slices taken in turn (the order rotating each slice): drift, garbage collection and
    // the other process on the two cores then fall on every mode alike.
    const apps = await Promise.all(
      modes.map(async (mode) => {
        const app = await buildApp({ db, logger: false, rateLimits: limitsOf(mode), ledger });
        await app.listen({ host: '127.0.0.1', port: 0 });
        return { mode, app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
      }),
    );
    let formsUsed = 0;
    const decideSlice = async (base: string, mode: Mode, count: number, warmup = 0) => {
      const d = await httpLoad({
        url: `${base}/v1/decisions`,
        count,
        concurrency: CONCURRENCY,
        warmup,
        headers: { authorization: `Bearer ${pep}`, 'content-type': 'application/json' },
        body: (i) => decision(i),
        decisions: (text, first, _n, o) => {
          o[first] = (JSON.parse(text) as { decision: string }).decision === 'allow' ? 1 : 0;
        },
      });
      check(d.errors === 0, `${store}/${mode}: ${d.errors} decision requests failed: ${d.firstError}`);
      check(
        d.decisions.every((x) => x === 1),
        `${store}/${mode}: every decision is allow`,
      );
      return d.perSecond;
    };
    const exchangeSlice = async (base: string, mode: Mode, count: number) => {
      const start = formsUsed;
      formsUsed += count;
      const t = await httpLoad({
        url: `${base}/v1/token`,
        count,
        concurrency: CONCURRENCY,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: (i) => forms[start + i]!,
        decisions: (text, first, _n, o) => {
          o[first] = (JSON.parse(text) as { access_token?: string }).access_token ? 1 : 0;
        },
      });
      check(t.errors === 0, `${store}/${mode}: ${t.errors} token requests failed: ${t.firstError}`);
      check(
        t.decisions.every((x) => x === 1),
        `${store}/${mode}: every exchange answers a token`,
      );
      return t.perSecond;
    };
    try {
      for (const a of apps) {
        await decideSlice(a.base, a.mode, Math.min(500, DECISIONS), Math.min(500, DECISIONS));
        await exchangeSlice(a.base, a.mode, Math.min(100, TOKENS));
      }
      for (let slice = 0; slice < SLICES; slice++) {
        const order = apps.map((_, i) => apps[(i + slice) % apps.length]!);
        for (const a of order) out[a.mode].decisions.push(await decideSlice(a.base, a.mode, Math.ceil(DECISIONS / SLICES)));
        for (const a of order) out[a.mode].tokens.push(await exchangeSlice(a.base, a.mode, Math.ceil(TOKENS / SLICES)));
      }
      for (const a of apps)
        log(
          `${store} limits ${a.mode}: ${Math.round(median(out[a.mode].decisions))} decisions/s, ` +
            `${Math.round(median(out[a.mode].tokens))} tokens/s (medians of ${SLICES} slices)`,
        );
    } finally {
      for (const a of apps) await a.app.close();
    }
    return out;
  } finally {
    await bench.cleanup();
  }
}

/**
 * The counting alone, without HTTP: µs per hit of one busy key at 16 in flight, for each counter
 * the server can run, and PostgreSQL without leases (one upsert per request, as before leases).
 * End-to-end throughput on two shared cores varies by ±10% between slices; this says what the
 * limiter itself adds to each request.
 */
async function counterCosts(redis: boolean): Promise<string[]> {
  const HITS = SMALL ? 2_000 : 50_000;
  const clock = () => new Date();
  const pgStore = await openBenchStore('postgres', 'ratelimit_counter');
  try {
    const size = leaseSize(DEFAULT_RATE_LIMITS.token ? DEFAULT_RATE_LIMITS.token.max : 60_000);
    const counters: [string, RateCounter][] = [
      ['memory (SQLite)', memoryCounter(clock)],
      ['PostgreSQL, leased', leasedCounter(sqlCounter(pgStore.db, clock), () => size, clock)],
      ['PostgreSQL, one upsert a hit (before leases)', sqlCounter(pgStore.db, clock)],
      ...(redis ? ([['Redis, leased', leasedCounter(redisCounter(REDIS), () => size, clock)]] as [string, RateCounter][]) : []),
    ];
    const rows: string[] = [];
    for (const [name, counter] of counters) {
      const key = `t:bench-${randomBytes(4).toString('hex')}`;
      let next = 0;
      const seen = new Set<number>();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < HITS) seen.add((await counter.hit(key, 3_600_000)).current);
        }),
      );
      const us = ((performance.now() - t0) * 1000) / HITS;
      check(seen.size === HITS, `${name}: every hit has its own place (${seen.size} of ${HITS})`);
      rows.push(`| ${name} | ${us.toFixed(2)} µs |`);
      log(`${name}: ${us.toFixed(2)} µs a hit`);
      await counter.close();
    }
    return rows;
  } finally {
    await pgStore.cleanup();
  }
}

runBench('bench:ratelimit', async () => {
  const redis = await redisAnswers();
  const modes: Mode[] = redis ? ['off', 'on', 'redis'] : ['off', 'on'];
  if (!redis) log('no Redis on 127.0.0.1:6379: the Redis column is left out');
  const m = machine();
  const rows: string[] = [];
  for (const store of ['sqlite', 'postgres'] as const) {
    const f = await measureStore(store, modes);
    for (const what of ['decisions', 'tokens'] as const) {
      const off = median(f.off[what]);
      const cells = modes.map((mode) => {
        const v = median(f[mode][what]);
        return mode === 'off'
          ? `${Math.round(v).toLocaleString('en-US')}/s`
          : `${Math.round(v).toLocaleString('en-US')}/s (${((v / off - 1) * 100).toFixed(1)}%)`;
      });
      rows.push(`| ${store} | ${what === 'decisions' ? 'decisions over HTTP' : 'token exchange'} | ${cells.join(' | ')} |`);
    }
  }
  const costs = await counterCosts(redis);
  const header =
    '| store | path | limits off | limits on (memory on SQLite, the table on PostgreSQL) |' + (redis ? ' limits on, Redis |' : '');
  const rule = `| --- | --- | ---: | ---: |${redis ? ' ---: |' : ''}`;
  const title =
    `npm run bench:ratelimit${SMALL ? ' -- --small' : ''}: ${DECISIONS} decisions and ${TOKENS} exchanges a mode in ${SLICES} ` +
    `slices taken in turn, medians; ${CONCURRENCY} in flight; ${m.cpus} × ${m.cpuModel}, Node ${m.node}`;
  const counting =
    `The counting alone, one busy key, ${CONCURRENCY} in flight:\n\n` + `| counter | per hit |\n| --- | ---: |\n${costs.join('\n')}`;
  process.stdout.write(`\n${title}\n\n${header}\n${rule}\n${rows.join('\n')}\n\n${counting}\n`);
});
