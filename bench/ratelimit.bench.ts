// What rate limiting costs (issue 17: ≤ 5% of decision and token throughput): one run, per store,
// the same server with limits off and on, side by side, in turns (off, on, off, on…) so drift
// hits both alike. Each turn is an app of its own on the same database, listening on loopback:
//   - decisions over HTTP with an operator's API token (counted per token: the default 60,000/min,
//     so a replica claims 600 places of the shared count at a time on PostgreSQL);
//   - token issuance, RFC 8693 exchange of a platform token signed before timing (anonymous
//     callers, counted per address; the limit is raised to 6,000,000/min so the run is never
//     refused, which makes a claim 60,000 places: see the note printed with the figures);
// at 16 in flight. Limits on: SQLite counts in memory, PostgreSQL in its rate_limits table, and
// (third column) Redis when one answers on 127.0.0.1:6379. Every answer is checked (200, allow).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createClient } from 'redis';
import { buildApp } from '../src/app.js';
import { withLeiCheckDigits } from '../src/core/lei.js';
import type { Manifest } from '../src/core/manifest.js';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../src/http/rate-limit.js';
import { insertMany } from '../src/store/db.js';
import { httpLoad } from './decide/http-load.js';
import { check, machine, median, openBenchStore, personTokens, runBench, SMALL } from './harness.js';

const IDENTITIES = SMALL ? 50 : 1_000;
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? (SMALL ? 600 : 30_000));
const TOKENS = Number(process.env.BENCH_TOKENS ?? (SMALL ? 300 : 8_000));
const ROUNDS = SMALL ? 1 : 3;
const CONCURRENCY = 16;
const ISS = 'https://k8s.ratelimit.bench.example';
const REDIS = 'redis://127.0.0.1:6379';
const log = (m: string) => process.stderr.write(`[bench:ratelimit] ${m}\n`);

type Mode = 'off' | 'on' | 'redis';
const limitsOf = (mode: Mode): (RateLimits & { redisUrl?: string }) | false =>
  mode === 'off'
    ? false
    : {
        anonymous: { max: 6_000_000, windowMs: 60_000 },
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
    for (let n = 0; n < TOKENS * ROUNDS * modes.length; n++) {
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
    let formsUsed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of modes) {
        const app = await buildApp({ db, logger: false, rateLimits: limitsOf(mode), ledger });
        await app.listen({ host: '127.0.0.1', port: 0 });
        const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
        try {
          const d = await httpLoad({
            url: `${base}/v1/decisions`,
            count: DECISIONS,
            concurrency: CONCURRENCY,
            warmup: Math.min(500, DECISIONS),
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
          const start = formsUsed;
          formsUsed += TOKENS;
          const t = await httpLoad({
            url: `${base}/v1/token`,
            count: TOKENS,
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
          out[mode].decisions.push(d.perSecond);
          out[mode].tokens.push(t.perSecond);
          log(`${store} round ${round + 1} limits ${mode}: ${Math.round(d.perSecond)} decisions/s, ${Math.round(t.perSecond)} tokens/s`);
        } finally {
          await app.close();
        }
      }
    }
    return out;
  } finally {
    await bench.cleanup();
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
  const header =
    '| store | path | limits off | limits on (memory on SQLite, the table on PostgreSQL) |' + (redis ? ' limits on, Redis |' : '');
  const rule = `| --- | --- | ---: | ---: |${redis ? ' ---: |' : ''}`;
  process.stdout.write(
    `\nnpm run bench:ratelimit${SMALL ? ' -- --small' : ''}: ${DECISIONS} decisions and ${TOKENS} exchanges per turn, ${ROUNDS} ` +
      `round(s), medians; ${CONCURRENCY} in flight; ${m.cpus} × ${m.cpuModel}, Node ${m.node}\n\n${header}\n${rule}\n${rows.join('\n')}\n`,
  );
});
