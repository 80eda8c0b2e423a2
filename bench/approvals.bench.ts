// bench:approvals — what approvals and just-in-time grants cost, in one run:
//
//   1. Engine: DecisionEngine.decide with the real default Cedar policy (checked by cedar-wasm,
//      compiled by the SDK), for (a) a principal with no grants while 10,000 other identities hold
//      active grants, (b) the same with no grants anywhere (a/b: what holding grants costs
//      everyone else), (c) a decision that relies on a just-in-time grant (the policies deny,
//      the grant path asks again), and (d) that request without the grant (the plain deny).
//   2. Server, end to end, on SQLite and PostgreSQL: N just-in-time access requests for execute
//      custody identities, each approved by two approvers over HTTP; cycles/s and each step's
//      p50/p99, at each concurrency in BENCH_CONCURRENCY.
//   3. Propagation: an SDK Enforcer following the spawned server over SSE; per round, the time from
//      the deciding approval's HTTP response to the Enforcer's local decision turning allow, and
//      from a cut (suspending the identity) to it turning deny.
//
//   npm run bench:approvals
//   BENCH_STORE=sqlite|postgres|both (default both)   BENCH_REQUESTS=200   BENCH_ROUNDS=50
//   BENCH_CONCURRENCY=1,8   BENCH_IDENTITIES=10000   BENCH_GRANTS=10000   BENCH_ENGINE_PASSES=9   BENCH_ENGINE_PASS_MS=500
//   BENCH_OUT=bench/approvals/last-run.json
//   npm run bench:approvals -- --small   (CI: 100 identities and grants, 10 cycles at 1 and 4 in
//   flight, 3 propagation rounds, short engine passes; every answer checked, nothing timed against a target)
//
// Every run checks its answers: each engine case decides as intended, each cycle ends approved,
// and every propagation round flips the enforcement point to allow and back to deny (a round that
// never flips fails the run). The propagation's token comes from a platform (OIDC) token exchange,
// so it is attested like a workload's, and the context the bench sends agrees with it: the token's
// attestation, environment and purpose win over a caller's, and a context that contradicts them is
// denied (builtin:context-conflicts-with-token), which would leave nothing to time.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { contextFromToken, Enforcer, type Verified } from '@mandate/sdk';
import { cedarEvaluator } from '@mandate/sdk/cedar-evaluator';
import {
  DecisionEngine,
  type DecisionContext,
  type DecisionResource,
  type GrantEntry,
  type IdentityFacts,
  type LifecycleRuleSet,
} from '@mandate/sdk/decision';
import { buildApp } from '../src/app.js';
import type { Manifest } from '../src/core/manifest.js';
import type { IdentityInput } from '../src/core/model.js';
import { DEFAULT_ACTIONS } from '../src/core/vocabulary.js';
import { checkCedar } from '../src/policy/cedar-check.js';
import { cedarSchema } from '../src/policy/schema.js';
import { defaultRules } from '../src/state/lifecycle-rules.js';
import { openDatabase } from '../src/store/open.js';
import { migrate } from '../src/store/migrations.js';
import { identity, smallManifest } from '../test/support/fixtures.js';
import { check, createPgDatabase, personTokens, quantile, runBench, SMALL } from './harness.js';
import type { Role } from '../src/core/roles.js';
import { freePort, startProcess, waitForHttp, type ServerProcess } from './decide/servers.js';

const env = process.env;
const STORES =
  env.BENCH_STORE === 'sqlite'
    ? (['sqlite'] as const)
    : env.BENCH_STORE === 'postgres'
      ? (['postgres'] as const)
      : (['sqlite', 'postgres'] as const);
const REQUESTS = Number(env.BENCH_REQUESTS ?? (SMALL ? 10 : 200));
const ROUNDS = Number(env.BENCH_ROUNDS ?? (SMALL ? 3 : 50));
const CONCURRENCY = (env.BENCH_CONCURRENCY ?? (SMALL ? '1,4' : '1,8'))
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const IDENTITIES = Number(env.BENCH_IDENTITIES ?? (SMALL ? 100 : 10_000));
const GRANTS = Number(env.BENCH_GRANTS ?? (SMALL ? 100 : 10_000));
const PASS_MS = Number(env.BENCH_ENGINE_PASS_MS ?? (SMALL ? 50 : 500));
const PASSES = Number(env.BENCH_ENGINE_PASSES ?? (SMALL ? 1 : 9));
const LATENCY_CALLS = SMALL ? 2_000 : 100_000;
const WARMUP_MS = SMALL ? 100 : 1_000;
// A small run writes beside the other scratch figures, not over the committed full-scale ones.
const OUT = env.BENCH_OUT ?? fileURLToPath(new URL(SMALL ? './out/approvals-small.json' : './approvals/last-run.json', import.meta.url));
const ISS = 'https://k8s.bench.example';
const SERVE = fileURLToPath(new URL('./revoke/serve.ts', import.meta.url));
const POLICY_FILE = new URL('../policies/cedar/mandate-default.cedar', import.meta.url);

const log = (m: string) => process.stderr.write(`[bench:approvals] ${m}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const r2 = (n: number) => Math.round(n * 100) / 100;
const sorted = (xs: number[]) => Float64Array.from(xs).sort();
const pct = (xs: number[]) => {
  const s = sorted(xs);
  return { p50: r2(quantile(s, 0.5)), p99: r2(quantile(s, 0.99)), max: r2(s[s.length - 1] ?? Number.NaN) };
};
const load1 = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? loadavg()[0]);

const CUSTODY_DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' } as const;
const ATTESTED: DecisionContext = { attested: true, device_posture: 'compliant', session_purpose: 'ops', environment: 'production' };
const SCOPE_DE = 'ent-de/custody/DE';

// ---------------------------------------------------------------------------------------------
// 1. Engine
// ---------------------------------------------------------------------------------------------

interface EngineCase {
  id: string;
  label: string;
  decide: () => boolean;
}
interface EngineResult {
  id: string;
  label: string;
  perSecond: number;
  passes: number[];
  p50Us: number;
  p99Us: number;
}

async function engineBench(): Promise<{
  results: EngineResult[];
  ratios: { a_over_b: number; b_over_c: number; d_over_c: number };
  notes: string[];
}> {
  const checked = await checkCedar(readFileSync(POLICY_FILE, 'utf8'), cedarSchema(DEFAULT_ACTIONS));
  if (!checked.ok) throw new Error(`mandate-default.cedar: ${checked.errors.join('; ')}`);
  const actions = DEFAULT_ACTIONS.map((a) => ({ id: a.id, class: a.class }));
  const lifecycle = defaultRules() as unknown as LifecycleRuleSet;
  const authorisations = [
    { id: 'auth-custody-de', entity: 'ent-de', service: 'custody', jurisdiction: 'DE', status: 'authorised' as const },
    { id: 'auth-custody-fr', entity: 'ent-de', service: 'custody', jurisdiction: 'FR', status: 'authorised' as const },
  ];
  const expires = Date.now() + 3600_000;
  // GRANTS identities hold a grant: agent-ops (case c) and GRANTS - 1 others.
  const others: GrantEntry[] = Array.from({ length: GRANTS - 1 }, (_, i) => ({
    id: `ap_other_${i}`,
    kind: 'access',
    identity: `nhi-${String(i).padStart(6, '0')}`,
    actions: ['withdraw_to_client'],
    scope: SCOPE_DE,
    expires_at: expires,
  }));
  const jit: GrantEntry = {
    id: 'ap_agent_ops',
    kind: 'access',
    identity: 'agent-ops',
    actions: ['withdraw_to_client'],
    scope: SCOPE_DE,
    expires_at: expires,
  };
  // Each engine as an enforcement point builds it: its own compiled policies, the clock it decides by.
  const engine = (grants: GrantEntry[]) =>
    new DecisionEngine({ actions, authorisations, lifecycle, policies: cedarEvaluator(checked.policies), grants, now: Date.now });
  const withGrants = engine([...others, jit]);
  const noGrants = engine([]);
  const facts = (id: string, actions: string[]): IdentityFacts => ({
    type: 'identity',
    id,
    status: 'active',
    kind: 'service_account',
    function: 'custody',
    capability: 'execute',
    environment: 'production',
    vendor: false,
    break_glass: false,
    legacy: false,
    actions,
    scopes: [SCOPE_DE],
  });
  // Entitled to withdraw: the policies allow it alone. agent-ops is not: it needs its grant.
  const plain = facts('svc-withdrawals', ['read', 'withdraw_to_client']);
  const agent = facts('agent-ops', ['read', 'reconcile']);
  const resource: DecisionResource = { ...CUSTODY_DE, kind: 'wallet' };

  // Each case's answer is checked once before timing, so the timings are of the intended path.
  const expectations: [string, DecisionEngine, IdentityFacts, 'allow' | 'deny', boolean][] = [
    ['a', withGrants, plain, 'allow', false],
    ['b', noGrants, plain, 'allow', false],
    ['c', withGrants, agent, 'allow', true],
    ['d', noGrants, agent, 'deny', false],
  ];
  for (const [id, e, p, want, relies] of expectations) {
    const d = e.decide(p, 'withdraw_to_client', resource, ATTESTED);
    if (d.decision !== want || Boolean(d.relied_on) !== relies) throw new Error(`engine case ${id}: ${JSON.stringify(d)}`);
  }
  const cases: EngineCase[] = [
    {
      id: 'a',
      label: `(a) no grants of its own; ${fmt(GRANTS)} other identities hold grants (allow)`,
      decide: () => withGrants.decide(plain, 'withdraw_to_client', resource, ATTESTED).decision === 'allow',
    },
    {
      id: 'b',
      label: '(b) no grants anywhere (allow; baseline)',
      decide: () => noGrants.decide(plain, 'withdraw_to_client', resource, ATTESTED).decision === 'allow',
    },
    {
      id: 'c',
      label: '(c) relies on a just-in-time grant (policies deny, grant path re-asks: allow)',
      decide: () => withGrants.decide(agent, 'withdraw_to_client', resource, ATTESTED).decision === 'allow',
    },
    {
      id: 'd',
      label: '(d) the same request without the grant (deny; reference)',
      decide: () => noGrants.decide(agent, 'withdraw_to_client', resource, ATTESTED).decision === 'allow',
    },
  ];

  const nowNs = () => process.hrtime.bigint();
  // Warm-up, then per-call latency, each case in turn.
  const latency = new Map<string, { p50Us: number; p99Us: number }>();
  for (const c of cases) {
    const tw = Date.now();
    while (Date.now() - tw < WARMUP_MS) for (let i = 0; i < 10_000; i++) c.decide();
    const lat = new Float64Array(LATENCY_CALLS);
    for (let i = 0; i < LATENCY_CALLS; i++) {
      const t0 = nowNs();
      c.decide();
      lat[i] = Number(nowNs() - t0);
    }
    lat.sort();
    latency.set(c.id, { p50Us: quantile(lat, 0.5) / 1000, p99Us: quantile(lat, 0.99) / 1000 });
  }
  // Throughput: PASSES rounds, each case once per round (interleaved, so a change of machine load
  // touches every case alike), a tight loop for PASS_MS; decisions/s is the median of the passes.
  const rates = new Map<string, number[]>(cases.map((c) => [c.id, []]));
  for (let p = 0; p < PASSES; p++) {
    for (const c of cases) {
      let n = 0;
      let allows = 0;
      const t0 = nowNs();
      let elapsed = 0;
      while (elapsed < PASS_MS * 1e6) {
        for (let i = 0; i < 10_000; i++) if (c.decide()) allows++;
        n += 10_000;
        elapsed = Number(nowNs() - t0);
      }
      if (allows !== (c.id === 'd' ? 0 : n)) throw new Error(`engine case ${c.id}: answers changed during the pass`);
      rates.get(c.id)!.push(n / (elapsed / 1e9));
    }
  }
  const results = cases.map((c) => {
    const passes = rates.get(c.id)!;
    const perSecond = quantile(Float64Array.from(passes).sort(), 0.5);
    return { id: c.id, label: c.label, perSecond, passes: passes.map(Math.round), ...latency.get(c.id)! };
  });
  // Ratios of throughput from passes next to each other in time (same round), median over rounds:
  // steadier than a ratio of medians when the machine's load moves during the run.
  const paired = (x: string, y: string) => {
    const xs = rates.get(x)!;
    const ys = rates.get(y)!;
    return r2(quantile(Float64Array.from(xs.map((v, i) => v / ys[i]!)).sort(), 0.5));
  };
  return {
    results,
    ratios: { a_over_b: paired('a', 'b'), b_over_c: paired('b', 'c'), d_over_c: paired('d', 'c') },
    notes: [
      `policies: ${checked.policies.map((p) => p.id).join(', ')} (policies/cedar/mandate-default.cedar, checked by cedar-wasm, ` +
        'compiled by the SDK)',
      `${LATENCY_CALLS.toLocaleString('en')} timed calls per case after a ${WARMUP_MS / 1000} s warm-up (process.hrtime.bigint per ` +
        `call); throughput: ${PASSES} interleaved passes of ${PASS_MS} ms per case, median`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Server
// ---------------------------------------------------------------------------------------------

function manifest(): Manifest {
  const extra: IdentityInput[] = [];
  for (let i = 0; i < IDENTITIES; i++) {
    extra.push(
      identity(`nhi-${String(i).padStart(6, '0')}`, {
        kind: i % 4 === 0 ? 'ai_agent' : 'service_account',
        actions: ['read', 'reconcile'],
        scopes: [CUSTODY_DE],
        revocation: { connector: 'manual', target: `role_${i}` },
      }),
    );
  }
  // An AI agent that reads and reconciles; withdrawals need just-in-time access (as in test/approvals).
  return smallManifest([
    identity('agent-ops', {
      kind: 'ai_agent',
      actions: ['read', 'reconcile'],
      scopes: [CUSTODY_DE],
      revocation: { connector: 'manual', target: 'agents' },
    }),
    ...extra,
  ]);
}

interface StepStats {
  p50: number;
  p99: number;
  max: number;
}
interface CycleResult {
  concurrency: number;
  cycles: number;
  seconds: number;
  perSecond: number;
  request: StepStats;
  approve1: StepStats;
  approve2: StepStats;
  cycle: StepStats;
}
interface PropagationResult {
  rounds: number;
  timeouts: number;
  grant: { fromResponse: StepStats; fromSent: StepStats; response: StepStats; beforeResponse: number };
  cut: { fromResponse: StepStats; fromSent: StepStats; response: StepStats; beforeResponse: number };
  token: StepStats;
}
interface StoreResult {
  store: string;
  setupSeconds: number;
  cycles: CycleResult[];
  propagation: PropagationResult;
}

class Api {
  constructor(readonly base: string) {}
  async call<T = Record<string, unknown>>(
    token: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    form = false,
  ): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
      },
      ...(body !== undefined ? { body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}

async function storeBench(store: 'sqlite' | 'postgres', signal: { stop: (() => Promise<void>)[] }): Promise<StoreResult> {
  const t0 = performance.now();
  let dbUrl: string;
  let cleanup: () => Promise<void>;
  if (store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-approvals-'));
    dbUrl = `sqlite:${join(dir, 'bench.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const created = await createPgDatabase('approvals');
    dbUrl = created.url;
    cleanup = created.drop;
  }
  let server: ServerProcess | undefined;
  let enforcer: Enforcer | undefined;
  const teardown = async () => {
    await enforcer?.close().catch(() => undefined);
    enforcer = undefined;
    await server?.stop();
    server = undefined;
    await cleanup().catch((err) => log(`cleanup of ${store}: ${(err as Error).message}`));
  };
  signal.stop.push(teardown);
  // The platform that vouches for agent-ops's workload (its OIDC tokens are exchanged for Mandate's).
  const platform = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  try {
    {
      const db = await openDatabase(dbUrl);
      await migrate(db);
      const app = await buildApp({ db, logger: false });
      await app.services.importer.importManifest('bench', manifest(), { dryRun: false, digestOf: 'bench-approvals' });
      await app.services.tokens.addIssuer('bench', {
        id: 'bench-k8s',
        issuer: ISS,
        audience: 'mandate',
        jwks: { keys: [{ ...(await exportJWK(platform.publicKey)), kid: 'k', alg: 'EdDSA' } as never] },
      });
      await app.close();
      await db.close();
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const ADMIN = `mdt_bench_${randomBytes(16).toString('hex')}`;
    server = startProcess(
      process.execPath,
      ['--conditions=mandate-source', '--import', 'tsx', SERVE, 'serve', '--db', dbUrl, '--host', '127.0.0.1', '--port', String(port)],
      {
        MANDATE_LOG_LEVEL: 'warn',
        MANDATE_BOOTSTRAP_TOKEN: ADMIN,
        MANDATE_KEK: randomBytes(32).toString('base64'),
        MANDATE_PUBLIC_URL: base,
      },
    );
    await waitForHttp(`${base}/healthz`, server, 60_000);
    const api = new Api(base);
    const users: [string, Role][] = [
      ['olga', 'operator'],
      ['anton', 'approver'],
      ['alma', 'approver'],
      ['enf', 'enforcer'],
    ];
    // People (the operator and the approvers) make their own tokens once signed in; the bench seats
    // them in the store. The enforcement point is automation: an API client.
    const tok: Record<string, string> = {
      admin: ADMIN,
      ...(await personTokens(
        dbUrl,
        users.filter(([, role]) => role !== 'enforcer'),
      )),
    };
    for (const [id, role] of users.filter(([, r]) => r === 'enforcer')) {
      tok[id] = (
        await api.call<{ token: { token: string } }>(ADMIN, 'POST', '/v1/api-clients', { id, name: id, roles: [role] })
      ).token.token;
    }
    // The enforcement point is connected throughout: the server publishes every grant to it.
    enforcer = await Enforcer.connect({ url: base, apiToken: tok.enf!, reportEvidence: false, maxStalenessMs: 600_000 });
    const setupSeconds = (performance.now() - t0) / 1000;
    log(`${store}: ${fmt(IDENTITIES + 1)} identities imported, server on ${base}, enforcer following (${setupSeconds.toFixed(1)} s)`);

    // 2. request → approve → approve, for distinct identities.
    const cycles: CycleResult[] = [];
    let nextIdentity = 0;
    for (const c of CONCURRENCY) {
      if (nextIdentity + REQUESTS > IDENTITIES) throw new Error(`BENCH_IDENTITIES (${IDENTITIES}) < the identities the cycles need`);
      const first = nextIdentity;
      nextIdentity += REQUESTS;
      const lat = { request: [] as number[], approve1: [] as number[], approve2: [] as number[], cycle: [] as number[] };
      let next = 0;
      const ts = performance.now();
      await Promise.all(
        Array.from({ length: c }, async () => {
          for (;;) {
            const n = next++;
            if (n >= REQUESTS) return;
            const id = `nhi-${String(first + n).padStart(6, '0')}`;
            const s0 = performance.now();
            const req = await api.call<{ id: string; status: string; approval: { required: number } }>(
              tok.olga,
              'POST',
              '/v1/access-requests',
              {
                identity: id,
                actions: ['withdraw_to_client'],
                scope: CUSTODY_DE,
                duration_seconds: 1800,
                justification: `bench ${n}`,
                ticket: `BENCH-${n}`,
              },
            );
            const s1 = performance.now();
            const v1 = await api.call<{ status: string }>(tok.anton, 'POST', `/v1/approvals/${req.id}/approve`, { reason: 'checked' });
            const s2 = performance.now();
            const v2 = await api.call<{ status: string }>(tok.alma, 'POST', `/v1/approvals/${req.id}/approve`, { reason: 'checked' });
            const s3 = performance.now();
            if (req.status !== 'pending' || req.approval.required !== 2 || v1.status !== 'pending' || v2.status !== 'approved')
              throw new Error(`cycle ${n} for ${id}: ${req.status}/${req.approval.required} → ${v1.status} → ${v2.status}`);
            lat.request.push(s1 - s0);
            lat.approve1.push(s2 - s1);
            lat.approve2.push(s3 - s2);
            lat.cycle.push(s3 - s0);
          }
        }),
      );
      const seconds = (performance.now() - ts) / 1000;
      const r: CycleResult = {
        concurrency: c,
        cycles: REQUESTS,
        seconds: r2(seconds),
        perSecond: r2(REQUESTS / seconds),
        request: pct(lat.request),
        approve1: pct(lat.approve1),
        approve2: pct(lat.approve2),
        cycle: pct(lat.cycle),
      };
      cycles.push(r);
      log(
        `${store}: c${c}: ${REQUESTS} cycles in ${seconds.toFixed(2)} s (${r.perSecond}/s); p50 request ${r.request.p50} / approve ` +
          `${r.approve1.p50} / deciding approve ${r.approve2.p50} ms`,
      );
    }
    // Every grant of the cycles is active, and the enforcement point holds it.
    const active = (await api.call<{ items: unknown[] }>(tok.olga, 'GET', `/v1/access-requests?status=active&limit=500`)).items.length;
    if (active < Math.min(500, REQUESTS * CONCURRENCY.length)) throw new Error(`${active} active grants after the cycles`);

    // 3. Propagation to the enforcement point.
    const propagation = await propagationBench(api, tok, enforcer, store, platform.privateKey);
    return { store, setupSeconds: r2(setupSeconds), cycles, propagation };
  } finally {
    signal.stop.splice(signal.stop.indexOf(teardown), 1);
    await teardown();
  }
}

async function propagationBench(
  api: Api,
  tok: Record<string, string>,
  enforcer: Enforcer,
  store: string,
  platformKey: CryptoKey,
): Promise<PropagationResult> {
  await api.call(tok.admin, 'POST', '/v1/identities/agent-ops/credentials', { type: 'oidc', issuer: 'bench-k8s', subject: 'sa:agent-ops' });
  // An attested token (RFC 8693 exchange of the platform's token) for the purpose the bench's
  // context names: a key-signed assertion gives an unattested token, which no execute action allows.
  const tokenFor = async (round: number): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const subject = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k' })
      .setIssuer(ISS)
      .setAudience('mandate')
      .setSubject('sa:agent-ops')
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .setJti(`bench-${round}-${randomBytes(6).toString('hex')}`)
      .sign(platformKey);
    const r = await api.call<{ access_token: string }>(
      undefined,
      'POST',
      '/v1/token',
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: subject,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        purpose: ATTESTED.session_purpose,
      },
      true,
    );
    return r.access_token;
  };
  const resource: DecisionResource = { ...CUSTODY_DE, kind: 'wallet' };
  const decide = (v: Verified) => enforcer.decide(v, 'withdraw_to_client', resource, ATTESTED).decision;
  const immediate = () => new Promise<void>((r) => setImmediate(r));

  /** Sends the request, and polls the enforcer until it answers `want` and the response is in. */
  const watch = async (v: Verified, want: 'allow' | 'deny', send: () => Promise<unknown>) => {
    let respAt: number | undefined;
    let flipAt: number | undefined;
    let failed: unknown;
    const sentAt = performance.now();
    void send().then(
      () => (respAt = performance.now()),
      (err: unknown) => (failed = err ?? new Error('request failed')),
    );
    const deadline = sentAt + 10_000;
    while (respAt === undefined || flipAt === undefined) {
      if (failed) throw failed;
      if (flipAt === undefined && decide(v) === want) flipAt = performance.now();
      if (performance.now() > deadline) break;
      await immediate();
    }
    return { sentAt, respAt, flipAt };
  };

  const g = { fromResponse: [] as number[], fromSent: [] as number[], response: [] as number[] };
  const cut = { fromResponse: [] as number[], fromSent: [] as number[], response: [] as number[] };
  const tokenLat: number[] = [];
  let timeouts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Suspended tokens are revoked (generation bump): a fresh token each round.
    const t0 = performance.now();
    const token = await tokenFor(round);
    tokenLat.push(performance.now() - t0);
    const v = await enforcer.verify(token);
    const conflicts = contextFromToken(v.claims, ATTESTED).conflicts;
    check(conflicts.length === 0, `round ${round}: the bench's context contradicts the token: ${JSON.stringify(conflicts)}`);
    check(decide(v) === 'deny', `round ${round}: agent-ops allowed before its grant`);
    const req = await api.call<{ id: string }>(tok.olga, 'POST', '/v1/access-requests', {
      identity: 'agent-ops',
      actions: ['withdraw_to_client'],
      scope: CUSTODY_DE,
      duration_seconds: 1800,
      justification: `propagation round ${round}`,
      ticket: `PROP-${round}`,
    });
    await api.call(tok.anton, 'POST', `/v1/approvals/${req.id}/approve`, { reason: 'checked' });
    const a = await watch(v, 'allow', () => api.call(tok.alma, 'POST', `/v1/approvals/${req.id}/approve`, { reason: 'checked' }));
    if (a.flipAt === undefined || a.respAt === undefined) {
      timeouts++;
      log(`${store}: round ${round}: no allow within 10 s`);
    } else {
      g.fromResponse.push(a.flipAt - a.respAt);
      g.fromSent.push(a.flipAt - a.sentAt);
      g.response.push(a.respAt - a.sentAt);
    }
    const s = await watch(v, 'deny', () =>
      api.call(tok.olga, 'POST', '/v1/identities/agent-ops/status', { status: 'suspended', reason: `propagation round ${round}` }),
    );
    if (s.flipAt === undefined || s.respAt === undefined) {
      timeouts++;
      log(`${store}: round ${round}: no deny within 10 s`);
    } else {
      cut.fromResponse.push(s.flipAt - s.respAt);
      cut.fromSent.push(s.flipAt - s.sentAt);
      cut.response.push(s.respAt - s.sentAt);
    }
    await api.call(tok.olga, 'POST', '/v1/identities/agent-ops/status', { status: 'active', reason: `propagation round ${round} done` });
  }
  const summary = (x: typeof g) => ({
    fromResponse: pct(x.fromResponse),
    fromSent: pct(x.fromSent),
    response: pct(x.response),
    beforeResponse: x.fromResponse.filter((d) => d <= 0).length,
  });
  const out = { rounds: ROUNDS, timeouts, grant: summary(g), cut: summary(cut), token: pct(tokenLat) };
  log(
    `${store}: propagation over ${ROUNDS} rounds: grant response→allow p50 ${out.grant.fromResponse.p50} / p99 ` +
      `${out.grant.fromResponse.p99} ms; cut response→deny p50 ${out.cut.fromResponse.p50} / p99 ${out.cut.fromResponse.p99} ms`,
  );
  // A round that never flipped measured nothing.
  check(timeouts === 0, `${store}: ${timeouts} of ${2 * ROUNDS} propagation steps never flipped the enforcement point within 10 s`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function report(
  engine: Awaited<ReturnType<typeof engineBench>>,
  stores: StoreResult[],
  loadStart: number,
  loadEnd: number,
  seconds: number,
): string {
  const by = (id: string) => engine.results.find((r) => r.id === id)!;
  const lines: string[] = [];
  if (SMALL)
    lines.push('Small run (--small), for CI: every answer checked; the figures are too few to compare with docs/benchmarks.md.', '');
  lines.push('### Engine: DecisionEngine.decide, default Cedar policy', '');
  lines.push('| case | decisions/s | p50 | p99 |', '| --- | ---: | ---: | ---: |');
  for (const r of engine.results) lines.push(`| ${r.label} | ${fmt(r.perSecond)} | ${r.p50Us.toFixed(2)} µs | ${r.p99Us.toFixed(2)} µs |`);
  const passRange = (id: string) => `${fmt(Math.min(...by(id).passes))}–${fmt(Math.max(...by(id).passes))}`;
  lines.push(
    '',
    `Throughput a/b ${engine.ratios.a_over_b.toFixed(2)} (median of per-round ratios; passes: a ${passRange('a')}, b ${passRange('b')}` +
      `/s); p50 a/b ${(by('a').p50Us / by('b').p50Us).toFixed(2)}.`,
  );
  lines.push(
    `A decision under a grant (c) costs ${engine.ratios.b_over_c.toFixed(2)}× a plain allow (b) and ` +
      `${engine.ratios.d_over_c.toFixed(2)}× the plain deny (d) in throughput; p50 ${(by('c').p50Us / by('b').p50Us).toFixed(2)}× ` +
      '(b).',
    '',
  );
  lines.push('### Server: request → approve → deciding approve (HTTP, two approvers)', '');
  lines.push(
    '| store | in flight | cycles | cycles/s | request p50 / p99 | 1st approve p50 / p99 | deciding approve p50 / p99 | cycle p50 / p99 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const pp = (s: StepStats) => `${s.p50.toFixed(1)} / ${s.p99.toFixed(1)} ms`;
  for (const s of stores)
    for (const c of s.cycles)
      lines.push(
        `| ${s.store} | ${c.concurrency} | ${c.cycles} | ${c.perSecond.toFixed(1)} | ${pp(c.request)} | ${pp(c.approve1)} | ` +
          `${pp(c.approve2)} | ${pp(c.cycle)} |`,
      );
  lines.push(
    '',
    `### Propagation to an SDK Enforcer over SSE (ms; negative: the enforcer flipped before the HTTP response arrived; with ${ROUNDS} ` +
      `rounds p99 is the ${Math.min(ROUNDS, Math.ceil(0.99 * ROUNDS))}th of ${ROUNDS})`,
    '',
  );
  lines.push(
    '| store | rounds | what | response → flip p50 / p99 / max | sent → flip p50 / p99 / max | HTTP response p50 / p99 | flipped ' +
      'before the response |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
  );
  const ppp = (s: StepStats) => `${s.p50.toFixed(1)} / ${s.p99.toFixed(1)} / ${s.max.toFixed(1)}`;
  for (const s of stores) {
    const p = s.propagation;
    lines.push(
      `| ${s.store} | ${p.rounds}${p.timeouts ? ` (${p.timeouts} timeouts)` : ''} | deciding approval → allow | ` +
        `${ppp(p.grant.fromResponse)} | ${ppp(p.grant.fromSent)} | ${p.grant.response.p50.toFixed(1)} / ` +
        `${p.grant.response.p99.toFixed(1)} | ${p.grant.beforeResponse} |`,
    );
    lines.push(
      `| ${s.store} | ${p.rounds} | suspension (cut) → deny | ${ppp(p.cut.fromResponse)} | ${ppp(p.cut.fromSent)} | ` +
        `${p.cut.response.p50.toFixed(1)} / ${p.cut.response.p99.toFixed(1)} | ${p.cut.beforeResponse} |`,
    );
  }
  lines.push(
    '',
    `Load average (1 min): ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end; ${cpus().length} cores; Node ` +
      `${process.version}; run took ${seconds.toFixed(0)} s.`,
  );
  for (const n of engine.notes) lines.push(`- ${n}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadStart = load1();
  log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  const signal = { stop: [] as (() => Promise<void>)[] };
  const onSignal = () => {
    log('interrupted: stopping the server and dropping the databases');
    void Promise.all(signal.stop.map((f) => f())).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  log('engine: compiling the default policy (cedar-wasm check in a child process)');
  const engine = await engineBench();
  for (const r of engine.results)
    log(`engine ${r.id}: ${fmt(r.perSecond)} decisions/s, p50 ${r.p50Us.toFixed(2)} µs, p99 ${r.p99Us.toFixed(2)} µs`);
  const stores: StoreResult[] = [];
  for (const s of STORES) stores.push(await storeBench(s, signal));
  const loadEnd = load1();
  log(`load average at end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  const seconds = (performance.now() - started) / 1000;
  const table = report(engine, stores, loadStart, loadEnd, seconds);
  console.log(table);
  const out = {
    generated_at: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      totalMemGb: r2(totalmem() / 2 ** 30),
      platform: `${platform()} ${release()}`,
      loadAvg1mStart: loadStart,
      loadAvg1mEnd: loadEnd,
    },
    config: {
      stores: STORES,
      requests: REQUESTS,
      rounds: ROUNDS,
      concurrency: CONCURRENCY,
      identities: IDENTITIES,
      grants: GRANTS,
      passMs: PASS_MS,
      passes: PASSES,
      latencyCalls: LATENCY_CALLS,
    },
    engine: {
      results: engine.results.map((r) => ({ ...r, perSecond: Math.round(r.perSecond), p50Us: r2(r.p50Us), p99Us: r2(r.p99Us) })),
      ratios: engine.ratios,
      notes: engine.notes,
    },
    stores,
    seconds: r2(seconds),
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${OUT}`);
}

runBench('bench:approvals', main);
