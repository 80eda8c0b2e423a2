// Mandate's own engines, on the scenario's world loaded into a real Mandate server:
//   - the SDK in-process: an Enforcer following the server's stream, deciding for verified
//     Mandate tokens (one per identity, exchanged through the real token endpoint);
//   - the HTTP decision endpoint, sequential and at 16 in flight, one decision per request;
//   - the batch endpoint, 500 decisions per request, at 16 in flight.
// Identities the scenario has suspended or revoked get their token while active and are then
// switched off through the API, so the SDK learns of it the way it would in production (a token
// generation change) and the endpoint reads it from the inventory. Identities the lifecycle
// suspends on import (no lawful execute action left) never get a token, as in production: the SDK
// mode answers their requests deny without a call (the notes say how many).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Enforcer, type Verified } from '@mandate/sdk';
import type { DecisionContext, DecisionResource } from '@mandate/sdk/decision';
import { buildApp } from '../../../src/app.js';
import { decidePower, scopeKey } from '../../../src/core/lifecycle.js';
import type { Manifest } from '../../../src/core/manifest.js';
import type { Identity } from '../../../src/core/model.js';
import { ActionVocabulary } from '../../../src/core/vocabulary.js';
import { openDatabase } from '../../../src/store/open.js';
import { migrate } from '../../../src/store/migrations.js';
import { insertMany } from '../../../src/store/db.js';
import type { Engine, HttpMode } from '../engine.js';
import { tokenContext } from '../scenario.js';
import { freePort, startProcess, waitForHttp } from '../servers.js';

/** Whether the lifecycle, not the draw, suspended an identity (the scenario's own rule: nothing execute left). */
function lifecycleSuspends(scenario: Parameters<Engine['start']>[0]): (i: Identity) => boolean {
  const byKey = new Map(
    scenario.world.authorisations.map((a) => [
      `${a.entity}/${a.service}/${a.jurisdiction}`,
      { id: a.id, status: a.status, ...(a.conditions ? { conditions: { denied_actions: a.conditions.denied_actions ?? [] } } : {}) },
    ]),
  );
  const vocabulary = new ActionVocabulary();
  return (i) =>
    decidePower({ ...i, status: 'active' }, (s) => byKey.get(scopeKey(s)), scenario.world.rules, vocabulary).outcome === 'suspend';
}

const SERVE = fileURLToPath(new URL('../../revoke/serve.ts', import.meta.url));
const ISS = 'https://k8s.bench.example';

const engine: Engine = {
  id: 'mandate',
  name: 'Mandate',
  order: 0,
  async start(scenario, ctx) {
    const { world } = scenario;
    const suspendedAtImport = new Set<string>();
    const lifecycleCuts = lifecycleSuspends(scenario);
    const dbUrl = `sqlite:${join(ctx.tmpDir, 'mandate.db')}`;
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    // Load the world: all identities active first (so each can get its token), credentials bound.
    {
      const db = await openDatabase(dbUrl);
      await migrate(db);
      const app = await buildApp({ db, logger: false });
      const owners = [...new Set(world.identities.map((i) => i.owner).filter((o): o is string => Boolean(o)))];
      const manifest: Manifest = {
        version: 1,
        entities: world.entities,
        authorisations: world.authorisations,
        vendors: [],
        people: owners.map((id) => ({ id, name: id.split('@')[0]!, status: 'active' as const })),
        // The inventory insists on what an active identity needs: a revocation path, an owner, a purpose.
        identities: world.identities.map((i) => ({
          ...i,
          status: 'active' as const,
          revocation: i.revocation ?? { connector: 'manual', target: i.id },
          purpose: i.purpose ?? 'bench workload',
        })),
      };
      const vendors = [...new Set(world.identities.map((i) => i.vendor).filter((v): v is string => Boolean(v)))];
      manifest.vendors = vendors.map((id) => ({ id, name: id }));
      await app.services.importer.importManifest('bench', manifest, { dryRun: false, digestOf: 'bench-decide' });
      // The scenario models the lifecycle's suspensions on import; the store must agree exactly.
      const suspended = (await db.all<{ id: string }>("SELECT id FROM identities WHERE status <> 'active' ORDER BY id")).map((r) => r.id);
      for (const id of suspended) suspendedAtImport.add(id);
      // Every identity is imported active, so the lifecycle cuts those it would whatever the draw said.
      const want = world.identities.filter((i) => lifecycleCuts(i)).map((i) => i.id);
      if (suspended.join() !== want.join())
        throw new Error(
          `the import suspended ${suspended.length} identities (${suspended.slice(0, 5).join(', ')}…), the scenario expects ` +
            `${want.length} (${want.slice(0, 5).join(', ')}…)`,
        );
      await app.services.tokens.addIssuer('bench', {
        id: 'bench-k8s',
        issuer: ISS,
        audience: 'mandate',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'b', alg: 'EdDSA' } as never] },
      });
      const at = new Date().toISOString();
      await db.transaction((tx) =>
        insertMany(
          tx,
          'identity_credentials',
          ['id', 'identity_id', 'type', 'issuer', 'subject', 'created_at'],
          world.identities.map((i, n) => [`cred_${n}`, i.id, 'oidc', 'bench-k8s', `sa:${i.id}`, at]),
        ),
      );
      await app.close();
      await db.close();
    }
    const port = await freePort();
    const admin = `mdt_bench_${randomBytes(16).toString('hex')}`;
    const server = startProcess(
      process.execPath,
      ['--conditions=mandate-source', '--import', 'tsx', SERVE, 'serve', '--db', dbUrl, '--port', String(port)],
      {
        MANDATE_BOOTSTRAP_TOKEN: admin,
        MANDATE_KEK: randomBytes(32).toString('base64'),
        MANDATE_LOG_LEVEL: 'warn',
        // The run outlasts the default five-minute tokens of custody identities.
        MANDATE_TOKEN_TTL_S: '3600',
        MANDATE_TOKEN_TTL_EXECUTE_CUSTODY_S: '3600',
        // One address gets a token for each of 10,000 identities, and then decides as one client:
        // the per-address and per-token limits would be what this measured (bench:ratelimit does).
        MANDATE_RATE_LIMIT_ANONYMOUS: 'off',
        MANDATE_RATE_LIMIT_TOKEN: 'off',
      },
    );
    ctx.onExit(() => server.kill());
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`, server, 60_000);
    const api = async (token: string, method: string, path: string, body?: unknown, form = false) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
        },
        ...(body !== undefined
          ? { body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body) }
          : {}),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as Record<string, unknown>;
    };
    // The enforcement point is automation: an API client (its token is shown once, in the answer).
    const enforcerClient = await api(admin, 'POST', '/v1/api-clients', { id: 'bench-enforcer', name: 'bench', roles: ['enforcer'] });
    const enforcerToken = (enforcerClient.token as { token: string }).token;

    // One Mandate token per identity, through the token endpoint.
    const now = Math.floor(Date.now() / 1000);
    const tokens = new Map<string, string>();
    let next = 0;
    const holders = world.identities.filter((i) => !suspendedAtImport.has(i.id));
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < holders.length) {
          const id = holders[next++]!.id;
          const subject = await new SignJWT({})
            .setProtectedHeader({ alg: 'EdDSA', kid: 'b' })
            .setIssuer(ISS)
            .setAudience('mandate')
            .setSubject(`sa:${id}`)
            .setIssuedAt(now)
            .setExpirationTime(now + 3600)
            .sign(privateKey);
          const r = await api(
            '',
            'POST',
            '/v1/token',
            {
              grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
              subject_token: subject,
              subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
            },
            true,
          );
          tokens.set(id, r.access_token as string);
        }
      }),
    );
    ctx.log(`issued ${tokens.size} tokens`);
    // Now the scenario's statuses.
    for (const i of world.identities) {
      const now = suspendedAtImport.has(i.id) ? 'suspended' : 'active';
      if (i.status !== now)
        await api(admin, 'POST', `/v1/identities/${encodeURIComponent(i.id)}/status`, { status: i.status, reason: 'bench scenario' });
    }
    const enforcer = await Enforcer.connect({
      url: base,
      apiToken: enforcerToken,
      reportEvidence: false,
      verifiedCacheSize: tokens.size + 10,
      maxStalenessMs: 600_000,
    });
    // Wait until the SDK has heard of every status change (its position reaches the server's).
    const target = (await api(enforcerToken, 'GET', '/v1/enforcement/snapshot')).seq as number;
    while (enforcer.state.seq < target) await new Promise((r) => setTimeout(r, 20));
    const verified = new Map<string, Verified>();
    for (const [id, t] of tokens) verified.set(id, await enforcer.verify(t));
    // For a token the context carries what the token says (attestation, environment, purpose):
    // the token's facts win, and a context that contradicted them would be a deny, measuring the
    // conflict path instead of the decision. Every field is sent, so the SDK takes its hot path.
    const reqs = scenario.requests.map((r) => {
      const v = verified.get(r.mandate.principal.identity);
      const m = v?.claims.mdt;
      return {
        v,
        action: r.mandate.action,
        resource: r.mandate.resource as DecisionResource,
        context: (m
          ? tokenContext(r.mandate.context, { attested: m.att, environment: m.env, session_purpose: m.purpose })
          : r.mandate.context) as DecisionContext,
      };
    });
    const tokenless = reqs.filter((r) => !r.v).length;

    // The engine alone, over the inventory's facts (status included): what the SDK adds on top is
    // the token's freshness, expiry and revocation checks.
    const factsOf = new Map(
      world.identities.map((i) => [
        i.id,
        {
          type: 'identity' as const,
          id: i.id,
          status: i.status,
          kind: i.kind,
          function: i.function,
          capability: i.capability,
          environment: i.environment,
          vendor: Boolean(i.vendor),
          break_glass: i.break_glass,
          legacy: false,
          actions: i.actions,
          scopes: i.scopes.map(scopeKey),
        },
      ]),
    );
    const engineReqs = scenario.requests.map((r) => ({ f: factsOf.get(r.mandate.principal.identity)!, ...r.mandate }));
    const headers = { authorization: `Bearer ${enforcerToken}` };
    const single: Pick<HttpMode, 'body' | 'decisions'> = {
      body: (first) => JSON.stringify(scenario.requests[first]!.mandate),
      decisions: (text, first, _n, out) => {
        out[first] = (JSON.parse(text) as { decision: string }).decision === 'allow' ? 1 : 0;
      },
    };
    const batch: Pick<HttpMode, 'body' | 'decisions'> = {
      body: (first, n) => JSON.stringify({ items: scenario.requests.slice(first, first + n).map((r) => r.mandate) }),
      decisions: (text, first, n, out) => {
        const items = (JSON.parse(text) as { items: { decision: string }[] }).items;
        for (let k = 0; k < n; k++) out[first + k] = items[k]!.decision === 'allow' ? 1 : 0;
      },
    };
    return {
      modes: [
        {
          kind: 'sync',
          mode: 'SDK in-process',
          expects: 'token',
          decide: (i) => {
            const r = reqs[i]!;
            return r.v !== undefined && enforcer.decide(r.v, r.action, r.resource, r.context).decision === 'allow';
          },
        },
        {
          kind: 'sync',
          mode: 'decision engine alone (no token checks)',
          decide: (i) => {
            const r = engineReqs[i]!;
            return (
              enforcer.state.engine!.decide(r.f, r.action, r.resource as DecisionResource, r.context as DecisionContext).decision ===
              'allow'
            );
          },
        },
        { kind: 'http', mode: 'HTTP sequential', url: `${base}/v1/decisions`, concurrency: 1, headers, ...single },
        { kind: 'http', mode: 'HTTP c16', url: `${base}/v1/decisions`, concurrency: 16, headers, ...single },
        { kind: 'http', mode: 'HTTP batch 500, c16', url: `${base}/v1/decisions/batch`, concurrency: 16, batch: 500, headers, ...batch },
      ],
      notes: [
        'Mandate: SQLite store, one server process; SDK over SSE; tokens via RFC 8693 exchange',
        `Mandate SDK: ${tokenless.toLocaleString('en')} of ${reqs.length.toLocaleString('en')} requests are for identities the ` +
          'lifecycle suspended on import, which get no token: denied without an SDK call',
      ],
      async stop() {
        await enforcer.close();
        await server.stop();
      },
    };
  },
};
export default engine;
