// High-availability benchmark: what running several servers on one PostgreSQL behind haproxy
// costs and how quickly it recovers (issue 21). One cluster (test/support/cluster.ts: a fresh
// database, three `mandate serve` processes, Debian's haproxy), then:
//
//   a) throughput of execute decisions (POST /v1/decisions, each recorded in the ledger), of observe
//      decisions (nothing written: what the proxy hop and the replicas cost without the shared
//      ledger) and of token issuance (RFC 8693 exchange at POST /v1/token) against one server directly and against
//      the three behind haproxy, same run, same closed-loop client (bench/decide/http-load.ts),
//      alternating direct / haproxy for ROUNDS rounds; the ratio is haproxy ÷ direct (target ≥ 90 %:
//      on two cores more replicas add no CPU, so this measures what coordination and the hop cost);
//   b) commit-to-subscriber latency across servers: a token revoked through server A (request sent
//      → the delta carrying its jti received by an SDK Enforcer following server B), p50/p99
//      (target p99 ≤ 100 ms);
//   c) failover: steady load through haproxy (decisions and reads), SIGKILL a follower, then the
//      leader (server 0 when leadership is off): time from the kill to the last failed request
//      (every request after it succeeded; target ≤ 10 s), and the time until another server holds
//      the leadership (its /readyz says leader: true with a newer epoch).
//
// `npm run bench:ha`. Options: --small (a few seconds per phase, 200 identities: CI), --replicas N
// (default 3), --seconds S (each throughput phase, default 8), --rounds N (default 2),
// --connections C (requests in flight, default 16). Rate limits are off on the servers (they are
// measured by bench:ratelimit). Writes bench/out/ha.json and prints Markdown tables.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Enforcer } from '@mandate/sdk';
import { buildApp } from '../src/app.js';
import { withLeiCheckDigits } from '../src/core/lei.js';
import type { Manifest } from '../src/core/manifest.js';
import { insertMany } from '../src/store/db.js';
import { openDatabase } from '../src/store/open.js';
import { startCluster, type Cluster } from '../test/support/cluster.js';
import { httpLoad, type HttpLoadResult } from './decide/http-load.js';
import { check, machine, quantile, runBench, SMALL } from './harness.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    small: { type: 'boolean' },
    replicas: { type: 'string' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
  },
  strict: true,
});
const REPLICAS = Number(args.replicas ?? 3);
const SECONDS = Number(args.seconds ?? (SMALL ? 2 : 8));
const ROUNDS = Number(args.rounds ?? (SMALL ? 1 : 2));
const CONNECTIONS = Number(args.connections ?? 16);
const IDENTITIES = SMALL ? 200 : 2000;
const LATENCY_SAMPLES = SMALL ? 40 : 300;
const TARGETS = { ratio: 0.9, subscriberP99Ms: 100, failoverMs: 10_000 };
const PLATFORM = 'https://platform.bench.example';
const ENFORCER_TOKEN = `mdt_bench_ha_enforcer_${'e'.repeat(24)}`;
const DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' } as const;
const CONTEXT = { attested: true, device_posture: 'compliant', session_purpose: 'ops', environment: 'production' };

const log = (s: string) => process.stderr.write(`[ha] ${s}\n`);
const r1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LOAD_NAMES = {
  decisions: 'execute decisions (each in the ledger)',
  observe: 'observe decisions (nothing written)',
  tokens: 'token issuance (RFC 8693)',
} as const;
const pct = (x: number) => `${Math.round(x * 100)} %`;
const ms3 = (x: { p50: number; p99: number; max: number }) => `${x.p50} ms | ${x.p99} ms | ${x.max} ms`;
const idOf = (i: number) => `svc-${String(i).padStart(5, '0')}`;

function firm(): Manifest {
  return {
    version: 1,
    entities: [{ id: 'ent-de', name: 'Bench Custody GmbH', lei: withLeiCheckDigits('HABENCH1'.padEnd(18, '0')), home: 'DE' }],
    people: [{ id: 'owner@bench.example', name: 'Owner', status: 'active' }],
    vendors: [],
    authorisations: [{ id: 'auth-de-custody-de', ...DE, status: 'authorised', basis: 'home', reference: 'BaFin HA' }],
    identities: Array.from({ length: IDENTITIES }, (_, i) => ({
      id: idOf(i),
      kind: 'workload' as const,
      function: 'custody' as const,
      capability: 'execute' as const,
      owner: 'owner@bench.example',
      purpose: 'bench workload',
      scopes: [DE],
      environment: 'production' as const,
      credential: { type: 'short_lived' as const, created: '2026-01-01T00:00:00Z' },
      revocation: { connector: 'manual', target: `role_${i}` },
    })),
  };
}

interface Throughput {
  what: 'decisions' | 'observe' | 'tokens';
  /** direct: server 0 alone, no proxy; one-lb: server 0 alone behind haproxy (the others in maintenance); haproxy: all behind it. */
  target: 'direct' | 'one-lb' | 'haproxy';
  round: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
}

interface Failover {
  killed: string;
  role: 'follower' | 'leader';
  requests: number;
  failed: number;
  /** Kill → last failed request (0: none failed). */
  recoveredMs: number;
  /** Kill → a newer leader (leader kills with leadership on). */
  newLeaderMs?: number;
  failures: Record<string, number>;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const platform = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const platformJwk = { ...(await exportJWK(platform.publicKey)), kid: 'bench', alg: 'EdDSA' };
  let cluster: Cluster | undefined;
  let enforcer: Enforcer | undefined;
  try {
    cluster = await startCluster({
      name: 'benchha',
      replicas: REPLICAS,
      env: {
        MANDATE_RATE_LIMIT_ANONYMOUS: 'off',
        MANDATE_RATE_LIMIT_TOKEN: 'off',
        MANDATE_TOKEN_TTL_S: '3600',
        MANDATE_TOKEN_TTL_EXECUTE_CUSTODY_S: '3600',
        MANDATE_CHECKS_INTERVAL_MS: '3600000',
      },
      seed: async ({ dbUrl, kek, adminToken }) => {
        const db = await openDatabase(dbUrl);
        const app = await buildApp({ db, logger: false, ledger: { kek, origin: 'mandate.local/ledger' } });
        try {
          const svc = app.services;
          await svc.users.bootstrap(adminToken);
          await svc.users.createUser('bench', { id: 'enf', name: 'Bench enforcer', roles: ['enforcer'] });
          await svc.users.createToken('bench', 'enf', {}, ENFORCER_TOKEN);
          const m = firm();
          await svc.importer.importManifest('user:bench', m, { dryRun: false, digestOf: JSON.stringify(m) });
          await svc.tokens.addIssuer('bench', {
            id: 'bench-platform',
            issuer: PLATFORM,
            audience: 'mandate',
            jwks: { keys: [platformJwk as never] },
            algorithms: ['EdDSA'],
          });
          const at = new Date().toISOString();
          await db.transaction((tx) =>
            insertMany(
              tx,
              'identity_credentials',
              ['id', 'identity_id', 'type', 'issuer', 'subject', 'created_at'],
              Array.from({ length: IDENTITIES }, (_, i) => [`cred_${i}`, idOf(i), 'oidc', 'bench-platform', `sa:${i}`, at]),
            ),
          );
          // Made before the servers start, so every one publishes it (each loads its keys at start).
          await svc.keys.current();
          await db.run('ANALYZE');
        } finally {
          await app.close();
          await db.close();
        }
      },
    });
    const c = cluster;
    log(
      `${REPLICAS} servers and haproxy up in ${r1((performance.now() - t0) / 1000)} s (${IDENTITIES} identities); ` +
        `load ${loadavg()[0]!.toFixed(1)}`,
    );
    const leadership = typeof (await c.readyz(0)).body.leader === 'boolean';

    // ---- a) throughput, direct vs haproxy -----------------------------------------------------
    const now = Math.floor(Date.now() / 1000);
    const subjectTokens = await Promise.all(
      Array.from({ length: IDENTITIES }, (_, i) =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
          .setIssuer(PLATFORM)
          .setAudience('mandate')
          .setSubject(`sa:${i}`)
          .setIssuedAt(now)
          .setExpirationTime(now + 3600)
          .sign(platform.privateKey),
      ),
    );
    const count = Math.ceil(SECONDS * 6000);
    const load = (what: Throughput['what'], base: string): Promise<HttpLoadResult> =>
      what !== 'tokens'
        ? httpLoad({
            url: `${base}/v1/decisions`,
            count,
            concurrency: CONNECTIONS,
            warmup: 200,
            maxMs: SECONDS * 1000,
            headers: { authorization: `Bearer ${ENFORCER_TOKEN}` },
            body: (i) =>
              JSON.stringify({
                principal: { identity: idOf(i % IDENTITIES) },
                action: what === 'observe' ? 'read' : 'initiate_transfer',
                resource: { ...DE, kind: 'account' },
                context: CONTEXT,
              }),
            decisions: (text, first, _n, out) => {
              out[first] = (JSON.parse(text) as { decision: string }).decision === 'allow' ? 1 : 0;
            },
          })
        : httpLoad({
            url: `${base}/v1/token`,
            count,
            concurrency: CONNECTIONS,
            warmup: 100,
            maxMs: SECONDS * 1000,
            body: (i) =>
              JSON.stringify({
                grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
                subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
                subject_token: subjectTokens[i % IDENTITIES],
                purpose: 'bench',
              }),
            decisions: (text, first, _n, out) => {
              out[first] = (JSON.parse(text) as { access_token?: string }).access_token ? 1 : 0;
            },
          });
    const throughput: Throughput[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const what of ['decisions', 'observe', 'tokens'] as const) {
        for (const target of ['direct', 'one-lb', 'haproxy'] as const) {
          // One server behind the same haproxy: the proxy's hop is then in both figures, and their
          // ratio is what the replicas' coordination costs (the shared ledger lock, NOTIFY, leases).
          const others = c.replicas.slice(1).map((_, k) => k + 1);
          if (target === 'one-lb') for (const i of others) await c.setHaproxyState(i, 'maint');
          const r = await load(what, target === 'direct' ? c.replicas[0]!.url : c.url);
          if (target === 'one-lb') {
            for (const i of others) await c.setHaproxyState(i, 'ready');
            await c.waitAllHealthy();
          }
          const allowed = r.decisions.subarray(0, r.covered).reduce((n, b) => n + (b === 1 ? 1 : 0), 0);
          check(r.errors === 0, `${what} ${target}: ${r.errors} errors (${r.firstError})`);
          check(allowed === r.covered, `${what} ${target}: ${r.covered - allowed} of ${r.covered} not allowed/issued`);
          throughput.push({ what, target, round, perSecond: r.perSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors });
          log(`round ${round} ${what} ${target}: ${fmt(r.perSecond)}/s (p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms)`);
        }
      }
    }
    const rates = (what: string, target: string) =>
      throughput.filter((t) => t.what === what && t.target === target).map((t) => t.perSecond);
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    const rate = (what: string, target: string) => mean(rates(what, target));
    // Each round's haproxy figure against the direct one measured just before it (the machine's
    // load drifts between rounds), averaged over the rounds.
    const ratioOf = (what: string, base = 'direct') => mean(rates(what, 'haproxy').map((h, k) => h / rates(what, base)[k]!));
    const ratios = { decisions: ratioOf('decisions'), observe: ratioOf('observe'), tokens: ratioOf('tokens') };
    const coordination = {
      decisions: ratioOf('decisions', 'one-lb'),
      observe: ratioOf('observe', 'one-lb'),
      tokens: ratioOf('tokens', 'one-lb'),
    };
    // ---- b) commit on A → delta at a subscriber of B ------------------------------------------
    const [a, b] = [c.replicas[0]!, c.replicas[1]!];
    const arrivals = new Map<string, number>();
    enforcer = await Enforcer.connect({
      url: b.url,
      apiToken: ENFORCER_TOKEN,
      reportEvidence: false,
      maxStalenessMs: 60_000,
      onDelta: (d, receivedAt) => {
        for (const r of d.revoked ?? []) arrivals.set(r.jti, receivedAt);
      },
    });
    const issued: string[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const res = await fetch(`${a.url}/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          subject_token: subjectTokens[i % IDENTITIES],
          purpose: 'bench-latency',
        }),
      });
      check(res.ok, `token for the latency run: HTTP ${res.status}`);
      issued.push(((await res.json()) as { access_token: string }).access_token);
    }
    const sendToDelta: number[] = [];
    const answerToDelta: number[] = [];
    for (const token of issued) {
      const jti = decodeJwt(token).jti!;
      const sent = Date.now();
      const res = await fetch(`${a.url}/v1/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
      await res.arrayBuffer();
      check(res.ok, `revoke: HTTP ${res.status}`);
      const answered = Date.now();
      const deadline = answered + 5000;
      while (!arrivals.has(jti) && Date.now() < deadline) await sleep(1);
      const at = arrivals.get(jti);
      check(at !== undefined, `the revocation of ${jti} never reached server B's subscriber`);
      sendToDelta.push(at - sent);
      answerToDelta.push(at - answered);
      // Spread the commits out, as independent changes would come.
      await sleep(5 + Math.random() * 20);
    }
    await enforcer.close();
    enforcer = undefined;
    const s1 = Float64Array.from(sendToDelta).sort();
    const s2 = Float64Array.from(answerToDelta).sort();
    const latency = {
      samples: s1.length,
      sendToDelta: { p50: quantile(s1, 0.5), p99: quantile(s1, 0.99), max: s1[s1.length - 1]! },
      answerToDelta: { p50: quantile(s2, 0.5), p99: quantile(s2, 0.99), max: s2[s2.length - 1]! },
    };
    log(`commit on A → subscriber of B: p50 ${latency.sendToDelta.p50} ms, p99 ${latency.sendToDelta.p99} ms (${s1.length} changes)`);

    // ---- c) failover under steady load ---------------------------------------------------------
    const failovers: Failover[] = [];
    const leaderNow = async () => (leadership ? await c.waitLeader({ timeoutMs: 30_000 }) : { index: 0, epoch: undefined });
    const firstLeader = await leaderNow();
    const follower = c.replicas.find((r) => r.index !== firstLeader.index)!.index;
    for (const [role, pick] of [
      ['follower', async () => follower],
      ['leader', async () => (await leaderNow()).index],
    ] as const) {
      await c.waitAllHealthy(60_000);
      const victim = await pick();
      const before = leadership ? (await c.leader())?.epoch : undefined;
      const outcomes: { at: number; ok: boolean; kind: string; why?: string }[] = [];
      let running = true;
      const worker = async (k: number) => {
        let i = k;
        while (running) {
          const kind = i % 2 === 0 ? 'decision' : 'read';
          const started = Date.now();
          try {
            const res =
              kind === 'decision'
                ? await fetch(`${c.url}/v1/decisions`, {
                    method: 'POST',
                    headers: { authorization: `Bearer ${ENFORCER_TOKEN}`, 'content-type': 'application/json' },
                    body: JSON.stringify({
                      principal: { identity: idOf(i % IDENTITIES) },
                      action: 'initiate_transfer',
                      resource: { ...DE, kind: 'account' },
                      context: CONTEXT,
                    }),
                    signal: AbortSignal.timeout(15_000),
                  })
                : await fetch(`${c.url}/.well-known/jwks.json`, { signal: AbortSignal.timeout(15_000) });
            await res.arrayBuffer();
            outcomes.push({ at: Date.now(), ok: res.ok, kind, ...(res.ok ? {} : { why: `HTTP ${res.status}` }) });
          } catch (err) {
            outcomes.push({ at: Date.now(), ok: false, kind, why: (err as Error).name });
          }
          i += 8;
          // Steady, not saturating: the point is what fails, not how much.
          await sleep(Math.max(0, 10 - (Date.now() - started)));
        }
      };
      const workers = Array.from({ length: 8 }, (_, k) => worker(k));
      await sleep(SMALL ? 1000 : 3000);
      const killedAt = Date.now();
      await c.kill(victim, 'SIGKILL');
      let newLeaderMs: number | undefined;
      if (role === 'leader' && leadership) {
        const next = await c.waitLeader({ not: victim, timeoutMs: 30_000 });
        check(
          before === undefined || next.epoch === undefined || next.epoch > before,
          `the new leader's epoch ${next.epoch} follows ${before}`,
        );
        newLeaderMs = Date.now() - killedAt;
      }
      await sleep(SMALL ? 3000 : 12_000);
      running = false;
      await Promise.all(workers);
      const after = outcomes.filter((o) => o.at >= killedAt);
      const failedAfter = after.filter((o) => !o.ok);
      const failures: Record<string, number> = {};
      for (const f of outcomes.filter((o) => !o.ok)) failures[`${f.kind}: ${f.why}`] = (failures[`${f.kind}: ${f.why}`] ?? 0) + 1;
      const f: Failover = {
        killed: c.replicas[victim]!.id,
        role,
        requests: outcomes.length,
        failed: outcomes.filter((o) => !o.ok).length,
        recoveredMs: failedAfter.length ? Math.max(...failedAfter.map((o) => o.at)) - killedAt : 0,
        ...(newLeaderMs !== undefined ? { newLeaderMs } : {}),
        failures,
      };
      failovers.push(f);
      log(
        `SIGKILL ${f.killed} (${role}): ${f.failed} of ${f.requests} failed, every request succeeds again ` +
          `${f.recoveredMs} ms after the kill`,
      );
      check(
        outcomes.slice(-20).every((o) => o.ok),
        `requests still failing at the end of the ${role} failover`,
      );
      await c.restart(victim);
    }

    // ---- report --------------------------------------------------------------------------------
    const report = {
      at: new Date().toISOString(),
      machine: machine(),
      loadAverage: loadavg().map(r1),
      small: SMALL,
      replicas: REPLICAS,
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
      leadership,
      throughput,
      ratios,
      coordination,
      latency,
      failovers,
      targets: TARGETS,
      totalSeconds: r1((performance.now() - t0) / 1000),
    };
    mkdirSync(join(HERE, 'out'), { recursive: true });
    writeFileSync(join(HERE, 'out', SMALL ? 'ha-small.json' : 'ha.json'), `${JSON.stringify(report, null, 2)}\n`);
    const met = (ok: boolean) => (ok ? 'met' : SMALL ? 'miss (small run: reported only)' : 'MISS');
    const lines = [
      '',
      `| load (mean of ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}) | one server directly | one behind haproxy | ` +
        `${REPLICAS} behind haproxy | ${REPLICAS} ÷ one, both behind haproxy | ${REPLICAS} ÷ one directly |`,
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...(['decisions', 'observe', 'tokens'] as const).map(
        (w) =>
          `| ${LOAD_NAMES[w]}, c${CONNECTIONS} | ` +
          `${fmt(rate(w, 'direct'))}/s | ${fmt(rate(w, 'one-lb'))}/s | ` +
          `${fmt(rate(w, 'haproxy'))}/s | ${Math.round(coordination[w] * 100)} % | ${Math.round(ratios[w] * 100)} % |`,
      ),
      '',
      '| commit on server A → SDK subscriber of server B | p50 | p99 | max |',
      '| --- | ---: | ---: | ---: |',
      `| request sent → delta received (${latency.samples} revocations) | ${ms3(latency.sendToDelta)} |`,
      `| answer received → delta received | ${ms3(latency.answerToDelta)} |`,
      '',
      '| SIGKILL under steady load through haproxy | requests | failed | kill → every request succeeds | kill → new leader |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...failovers.map(
        (f) =>
          `| ${f.killed} (${f.role}) | ${f.requests} | ${f.failed} | ${f.recoveredMs} ms | ` +
          `${f.newLeaderMs !== undefined ? `${f.newLeaderMs} ms` : f.role === 'leader' ? 'n/a (leadership off)' : '—'} |`,
      ),
      '',
      '| target | figure | |',
      '| --- | --- | --- |',
      `| ${REPLICAS} behind haproxy ≥ 90 % of one server behind it (what coordination costs) | ` +
        `decisions ${pct(coordination.decisions)}, tokens ${pct(coordination.tokens)} | ` +
        `${met(coordination.decisions >= TARGETS.ratio && coordination.tokens >= TARGETS.ratio)} |`,
      `| ${REPLICAS} behind haproxy ≥ 90 % of one server directly (coordination and the proxy's hop) | ` +
        `decisions ${pct(ratios.decisions)}, tokens ${pct(ratios.tokens)} | ` +
        `${met(ratios.decisions >= TARGETS.ratio && ratios.tokens >= TARGETS.ratio)} |`,
      `| commit → subscriber on another server, p99 ≤ 100 ms | ${latency.sendToDelta.p99} ms | ` +
        `${met(latency.sendToDelta.p99 <= TARGETS.subscriberP99Ms)} |`,
      `| failover ≤ 10 s | ${Math.max(...failovers.map((f) => f.recoveredMs))} ms | ` +
        `${met(failovers.every((f) => f.recoveredMs <= TARGETS.failoverMs))} |`,
    ];
    for (const f of failovers) lines.push(`\n${f.killed} (${f.role}) failures: ${JSON.stringify(f.failures)}`);
    process.stdout.write(`${lines.join('\n')}\n\n(${report.totalSeconds} s in all; load average ${report.loadAverage.join(' ')})\n`);
  } finally {
    await enforcer?.close().catch(() => undefined);
    await cluster?.close();
  }
}

runBench('ha', main);
