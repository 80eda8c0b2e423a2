// bench:revoke — how fast a licence withdrawal reaches enforcement points.
//
// 100,000 identities; BENCH_TOKENS (default 1,000,000) Mandate access tokens issued over HTTP
// through the real token endpoint (RFC 8693 exchange of a platform OIDC token: this also measures
// issuance); an SDK enforcement point in this process holding every token of the 20,000
// identities acting in the NL custody passport. Then the passport is withdrawn through the
// four-eyes flow, and we time, per affected token, the moment the SDK first rejects it. Targets:
// issuance ≥ 5,000/s, propagation p99 ≤ 100 ms.
//
//   npm run bench:revoke                       (SQLite)
//   BENCH_STORE=postgres npm run bench:revoke  (PostgreSQL on 127.0.0.1:5432)
//   BENCH_TOKENS=200000 npm run bench:revoke   (a smaller run)
//   npm run bench:revoke -- --small            (500 identities, 100 affected, 1,000 tokens: CI)
// Every run checks its answers: every token issued, each affected one allowed before the
// withdrawal and rejected after it, and a delta that carried the withdrawal.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { Enforcer, type Verified } from '@mandate/sdk';
import { buildApp } from '../src/app.js';
import type { Manifest } from '../src/core/manifest.js';
import type { IdentityInput } from '../src/core/model.js';
import { withLeiCheckDigits } from '../src/core/lei.js';
import { MICA_SERVICES } from '../src/core/vocabulary.js';
import { insertMany } from '../src/store/db.js';
import { openDatabase } from '../src/store/open.js';
import { migrate } from '../src/store/migrations.js';
import { check, createPgDatabase, personTokens, runBench, SMALL, type BenchDatabase } from './harness.js';

const IDENTITIES = Number(process.env.BENCH_IDENTITIES ?? (SMALL ? 500 : 100_000));
const AFFECTED = Number(process.env.BENCH_AFFECTED ?? (SMALL ? 100 : 20_000));
const TOKENS = Number(process.env.BENCH_TOKENS ?? (SMALL ? 1_000 : 1_000_000));
const CONCURRENCY = 16;
const STORE = process.env.BENCH_STORE === 'postgres' ? 'postgres' : 'sqlite';
const ADMIN = `mdt_bench_${randomBytes(16).toString('hex')}`;
const ISS = 'https://k8s.bench.example';
const PASSPORTS = ['NL', 'FR', 'AT', 'ES', 'PL', 'IT', 'BE', 'PT'] as const;
const log = (m: string) => process.stderr.write(`[bench:revoke] ${m}\n`);
const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

function manifest(): Manifest {
  const entities = [{ id: 'ent-de', name: 'Bench Custody GmbH', lei: withLeiCheckDigits('5299001BENCHMRK1XY'), home: 'DE' as const }];
  const authorisations: Manifest['authorisations'] = [
    {
      id: 'auth-custody-de',
      entity: 'ent-de',
      service: 'custody',
      jurisdiction: 'DE',
      status: 'authorised',
      basis: 'home',
      reference: 'BaFin 1',
    },
    ...PASSPORTS.map((j) => ({
      id: `auth-custody-${j.toLowerCase()}`,
      entity: 'ent-de',
      service: 'custody' as const,
      jurisdiction: j,
      status: 'authorised' as const,
      basis: 'passport' as const,
      reference: `BaFin 1-${j}`,
    })),
    ...MICA_SERVICES.filter((s) => s !== 'custody').map((s) => ({
      id: `auth-${s}-de`,
      entity: 'ent-de',
      service: s,
      jurisdiction: 'DE' as const,
      status: 'authorised' as const,
      basis: 'home' as const,
      reference: `BaFin ${s}`,
    })),
  ];
  const identities: IdentityInput[] = [];
  for (let i = 0; i < IDENTITIES; i++) {
    // The first AFFECTED act in the NL custody passport only; the others elsewhere.
    const scope =
      i < AFFECTED
        ? { entity: 'ent-de', service: 'custody' as const, jurisdiction: 'NL' as const }
        : i % 3 === 0
          ? { entity: 'ent-de', service: 'custody' as const, jurisdiction: PASSPORTS[1 + (i % (PASSPORTS.length - 1))]! }
          : { entity: 'ent-de', service: 'execution' as const, jurisdiction: 'DE' as const };
    identities.push({
      id: `nhi-${String(i).padStart(6, '0')}`,
      kind: 'workload',
      function: scope.service === 'custody' ? 'custody' : 'trading',
      capability: 'execute',
      owner: 'owner@bench.example',
      purpose: 'bench workload',
      scopes: [scope],
      environment: 'production',
      credential: { type: 'short_lived', created: '2026-01-01T00:00:00Z' },
      revocation: { connector: 'manual', target: `role_${i}` },
    });
  }
  return {
    version: 1,
    entities,
    people: [{ id: 'owner@bench.example', name: 'Owner', status: 'active' }],
    vendors: [],
    authorisations,
    identities,
  };
}

async function prepareStore(url: string, platformJwk: object): Promise<void> {
  const db = await openDatabase(url);
  await migrate(db);
  const app = await buildApp({ db, logger: false });
  const m = manifest();
  const t0 = performance.now();
  await app.services.importer.importManifest('bench', m, { dryRun: false, digestOf: 'bench' });
  log(`imported ${IDENTITIES} identities in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await app.services.tokens.addIssuer('bench', {
    id: 'bench-k8s',
    issuer: ISS,
    audience: 'mandate',
    jwks: { keys: [platformJwk as never] },
    algorithms: ['EdDSA'],
  });
  // Binding 100,000 workload subjects one API call at a time would dominate the setup; the rows
  // are what POST /v1/identities/:id/credentials writes.
  const at = new Date().toISOString();
  await db.transaction((tx) =>
    insertMany(
      tx,
      'identity_credentials',
      ['id', 'identity_id', 'type', 'issuer', 'subject', 'created_at'],
      (function* () {
        for (let i = 0; i < IDENTITIES; i++) yield [`cred_${i}`, `nhi-${String(i).padStart(6, '0')}`, 'oidc', 'bench-k8s', `sa:${i}`, at];
      })(),
    ),
  );
  await app.close();
  await db.close();
}

function startServer(url: string): Promise<{ url: string; child: ChildProcess }> {
  const entry = fileURLToPath(new URL('./revoke/serve.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(
      process.execPath,
      [...extra, '--conditions=mandate-source', '--import', 'tsx', entry, 'serve', '--db', url, '--port', '0'],
      {
        env: {
          ...process.env,
          MANDATE_LOG_LEVEL: 'warn',
          MANDATE_BOOTSTRAP_TOKEN: ADMIN,
          MANDATE_KEK: randomBytes(32).toString('base64'),
          // Issuing many tokens outlasts the five-minute custody lifetime: the first ones must still be valid at the end (an hour, the
          // longest allowed).
          MANDATE_TOKEN_TTL_S: '3600',
          MANDATE_TOKEN_TTL_EXECUTE_CUSTODY_S: '3600',
          // Every exchange comes from this one address: the per-address limit (1,200/min) would stop
          // the run, not measure issuance (npm run bench:ratelimit measures the limits).
          MANDATE_RATE_LIMIT_ANONYMOUS: process.env.MANDATE_RATE_LIMIT_ANONYMOUS ?? 'off',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const on = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

async function api(base: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Issues TOKENS tokens over HTTP at CONCURRENCY; keeps those of the affected identities. */
async function issue(
  base: string,
  platformKey: CryptoKey,
): Promise<{ affected: string[]; perSecond: number; p50: number; p99: number; seconds: number }> {
  const u = new URL('/v1/token', base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const affected: string[] = [];
  const lat: number[] = [];
  let next = 0;
  const now = Math.floor(Date.now() / 1000);
  // The platform's token of each workload, signed before the clock starts as a kubelet hands it
  // out ahead of use: the bench's own signing would otherwise take its share of the two cores.
  const subjectTokens: string[] = [];
  for (let i = 0; i < Math.min(IDENTITIES, TOKENS); i++)
    subjectTokens.push(
      await new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
        .setIssuer(ISS)
        .setAudience('mandate')
        .setSubject(`sa:${i}`)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(platformKey),
    );
  const post = (body: string) =>
    new Promise<string>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          hostname: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(text) : reject(new Error(`token: ${res.statusCode} ${text.slice(0, 200)}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const n = next++;
        if (n >= TOKENS) return;
        const i = n % IDENTITIES;
        const body = new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: subjectTokens[i]!,
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          purpose: 'bench',
        }).toString();
        const s = performance.now();
        const text = await post(body);
        lat.push(performance.now() - s);
        if (i < AFFECTED) affected.push((JSON.parse(text) as { access_token: string }).access_token);
        if (n % 100_000 === 0 && n) log(`${n} tokens issued`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { affected, perSecond: TOKENS / seconds, p50: q(lat, 0.5), p99: q(lat, 0.99), seconds };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-revoke-'));
  let dbUrl = `sqlite:${join(dir, 'bench.db')}`;
  let pgDb: BenchDatabase | undefined;
  let server: { url: string; child: ChildProcess } | undefined;
  let enforcer: Enforcer | undefined;
  try {
    if (STORE === 'postgres') {
      pgDb = await createPgDatabase('revoke');
      dbUrl = pgDb.url;
    }
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    await prepareStore(dbUrl, { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA' });
    server = await startServer(dbUrl);
    log(`server on ${server.url} (${STORE})`);
    // The SDK is automation (an API client); the proposer and the approver are people, who make
    // their own tokens once signed in: the bench seats them in the store.
    const sdkClient = await api(server.url, ADMIN, 'POST', '/v1/api-clients', { id: 'sdk', name: 'sdk', roles: ['enforcer'] });
    const sdkToken = (sdkClient.token as { token: string }).token;
    const { carla, anton } = (await personTokens(dbUrl, [
      ['carla', 'compliance_officer'],
      ['anton', 'approver'],
    ])) as { carla: string; anton: string };

    const issued = await issue(server.url, privateKey);
    log(
      `issued ${TOKENS} tokens in ${issued.seconds.toFixed(1)} s: ${Math.round(issued.perSecond)}/s (p50 ${issued.p50.toFixed(2)} ms, ` +
        `p99 ${issued.p99.toFixed(2)} ms)`,
    );
    // Token n is for identity n % IDENTITIES; the first AFFECTED identities are the affected ones.
    const wantAffected = Math.floor(TOKENS / IDENTITIES) * Math.min(AFFECTED, IDENTITIES) + Math.min(AFFECTED, TOKENS % IDENTITIES);
    check(
      issued.affected.length === wantAffected,
      `${issued.affected.length} tokens of affected identities issued, expected ${wantAffected}`,
    );

    const deltas: { at: number; receivedAt: number; carries: boolean; provisional: boolean }[] = [];
    enforcer = await Enforcer.connect({
      url: server.url,
      apiToken: sdkToken,
      verifiedCacheSize: issued.affected.length + 10,
      reportEvidence: false,
      maxStalenessMs: 60_000,
      onDelta: (d, receivedAt) =>
        deltas.push({
          at: d.at,
          receivedAt,
          provisional: (d.provisional?.length ?? 0) > 0,
          carries: [...(d.provisional ?? []), ...(d.authorisations ?? [])].some(
            (a) => a.id === 'auth-custody-nl' && a.status === 'withdrawn',
          ),
        }),
    });
    const NL = { entity: 'ent-de', service: 'custody', jurisdiction: 'NL', kind: 'wallet' };
    const ctx = { attested: true, device_posture: 'compliant', session_purpose: 'bench', environment: 'production' } as const;
    const tv = performance.now();
    const verified: Verified[] = [];
    for (const t of issued.affected) verified.push(await enforcer.verify(t));
    const verifySeconds = (performance.now() - tv) / 1000;
    const allowedBefore = verified.filter((v) => enforcer!.decide(v, 'initiate_transfer', NL, ctx).decision === 'allow').length;
    log(`SDK verified ${verified.length} affected tokens in ${verifySeconds.toFixed(1)} s; ${allowedBefore} allowed before the withdrawal`);
    // Otherwise the propagation below would time what was denied all along.
    check(
      allowedBefore === verified.length,
      `${verified.length - allowedBefore} of ${verified.length} affected tokens denied before the withdrawal`,
    );

    const proposal = await api(server.url, carla, 'POST', '/v1/authorisations/auth-custody-nl/transitions', {
      to: 'withdrawn',
      reason: 'bench',
      reference: 'BENCH-1',
    });
    // Per token, the first moment the SDK rejects it, checked right after each delta lands.
    const deniedAt = new Float64Array(verified.length).fill(NaN);
    let remaining = verified.length;
    const sweep = () => {
      const now = Date.now();
      for (let i = 0; i < verified.length; i++) {
        if (Number.isNaN(deniedAt[i]!) && enforcer!.decide(verified[i]!, 'initiate_transfer', NL, ctx).decision === 'deny') {
          deniedAt[i] = now;
          remaining--;
        }
      }
    };
    const approveSent = Date.now();
    const approval = api(server.url, anton, 'POST', `/v1/transitions/${proposal.id}/approve`, { reason: 'bench' });
    let approvedAt = 0;
    void approval.then(() => (approvedAt = Date.now()));
    const deadline = Date.now() + 120_000;
    while (remaining > 0 && Date.now() < deadline) {
      sweep();
      await new Promise((r) => setImmediate(r));
    }
    await approval;
    const [applied] = await (async () => {
      const ev = await api(server!.url, ADMIN, 'GET', `/v1/events?subject_type=transition&subject_id=${proposal.id}&limit=10`);
      return (ev.items as { action: string; at: string }[]).filter((e) => e.action === 'transition.applied');
    })();
    const fromApproval = Array.from(deniedAt, (t) => t - approveSent).sort((a, b) => a - b);
    // The delta that carried the withdrawal: provisionally at approval, or the recorded state.
    const carrying = deltas.find((d) => d.receivedAt >= approveSent && d.carries);
    const fromPublish = carrying ? Array.from(deniedAt, (t) => t - carrying.at).sort((a, b) => a - b) : [];
    const result = {
      store: STORE,
      identities: IDENTITIES,
      affected_identities: AFFECTED,
      tokens: TOKENS,
      affected_tokens: verified.length,
      issuance: {
        per_second: Math.round(issued.perSecond),
        p50_ms: +issued.p50.toFixed(2),
        p99_ms: +issued.p99.toFixed(2),
        concurrency: CONCURRENCY,
      },
      rejected: verified.length - remaining,
      from_approval_request_ms: { p50: q(fromApproval, 0.5), p99: q(fromApproval, 0.99), max: fromApproval.at(-1) },
      approval_request_ms: approvedAt - approveSent,
      from_delta_published_ms: fromPublish.length ? { p50: q(fromPublish, 0.5), p99: q(fromPublish, 0.99), max: fromPublish.at(-1) } : null,
      delta_transit_ms: carrying ? carrying.receivedAt - carrying.at : null,
      transition_applied_at: applied?.at,
      deltas_after_approval: deltas
        .filter((d) => d.receivedAt >= approveSent)
        .slice(0, 6)
        .map((d) => ({
          published: d.at - approveSent,
          received: d.receivedAt - approveSent,
          withdrawal: d.carries,
          provisional: d.provisional,
        })),
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
    };
    console.log(JSON.stringify(result, null, 2));
    check(remaining === 0, `${remaining} of ${verified.length} affected tokens still allowed 120 s after the approval`);
    check(carrying !== undefined, 'no delta after the approval carried the withdrawal');
    check(applied !== undefined, `transition ${String(proposal.id)} has no transition.applied event`);
  } finally {
    await enforcer?.close().catch(() => undefined);
    server?.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
    await pgDb?.drop();
  }
}

runBench('bench:revoke', main);
