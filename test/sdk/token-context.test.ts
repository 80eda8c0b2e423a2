// The token's facts win over the caller's context, in the SDK as in the decision point: one pure
// rule (contextFromToken), property-tested over random claims and contexts; then the Enforcer and
// the Fastify middleware against a live server, answering exactly what POST /v1/decisions answers
// for the same token and context, reporting conflicts as evidence.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Enforcer, type Verified } from '@mandate/sdk';
import { mandateFastify } from '@mandate/sdk/fastify';
import {
  CONTEXT_CONFLICT_POLICY,
  contextFromToken,
  conflictDecision,
  type MandateAccessToken,
  type TokenDecisionContext,
} from '../../packages/sdk/src/claims.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';
import { testApp, type TestApp } from '../support/app.js';

const ENVS = ['production', 'staging', 'development'] as const;
const PURPOSES = ['payout', 'ops', 'unspecified', 'client-withdrawals'] as const;
const omit = fc.constant(undefined);

const arbClaims = fc.record({ att: fc.boolean(), env: fc.constantFrom(...ENVS), purpose: fc.constantFrom(...PURPOSES) });
const arbContext = fc.record({
  attested: fc.oneof(omit, fc.boolean()),
  environment: fc.oneof(omit, fc.constantFrom(...ENVS)),
  session_purpose: fc.oneof(omit, fc.constantFrom(...PURPOSES)),
  device_posture: fc.constantFrom('compliant' as const, 'non_compliant' as const, 'unknown' as const),
  amount: fc.oneof(omit, fc.integer({ min: 0, max: 10_000_000 })),
});
const tokenOf = (m: { att: boolean; env: (typeof ENVS)[number]; purpose: string }): MandateAccessToken => ({
  iss: 'i',
  sub: 'svc',
  aud: 'i',
  exp: 2e9,
  iat: 1,
  jti: 'j',
  client_id: 'svc',
  scope: '',
  mdt: {
    gen: 0,
    cap: 'execute',
    kind: 'service_account',
    fn: 'custody',
    env: m.env,
    vendor: false,
    bg: false,
    legacy: false,
    purpose: m.purpose,
    auth: 'oidc',
    att: m.att,
    actions: [],
    scopes: [],
    lawful: {},
  },
});
/** Drops the keys fast-check left undefined, as a JSON body would. */
const present = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

test(
  "property: contextFromToken — the token's facts always win; any supplied value that differs is a conflict, and a conflict is a " + 'deny',
  () => {
    fc.assert(
      fc.property(arbClaims, arbContext, fc.boolean(), (m, raw, explicitUndefined) => {
        const supplied = (explicitUndefined ? raw : present(raw)) as TokenDecisionContext;
        const { context, conflicts } = contextFromToken(tokenOf(m), supplied);
        // The effective context: the token's three facts, the caller's device posture and amount.
        assert.deepEqual([context.attested, context.environment, context.session_purpose], [m.att, m.env, m.purpose]);
        assert.equal(context.device_posture, raw.device_posture);
        assert.equal(context.amount, raw.amount);
        const expected = (
          [
            ['attested', 'att'],
            ['environment', 'env'],
            ['session_purpose', 'purpose'],
          ] as const
        )
          .filter(([f, c]) => raw[f] !== undefined && raw[f] !== m[c])
          .map(([f]) => f);
        assert.deepEqual(
          conflicts.map((c) => c.field),
          expected,
        );
        if (expected.length) {
          const d = conflictDecision(conflicts, 'new_business');
          assert.deepEqual([d.decision, d.policies, d.class], ['deny', [CONTEXT_CONFLICT_POLICY], 'new_business']);
          assert.equal(d.reasons.length, expected.length);
          for (const [i, c] of conflicts.entries())
            assert.match(d.reasons[i]!, new RegExp(`^context\\.${c.field}=.* conflicts with the token's ${c.claim}=`));
        }
      }),
      { numRuns: 2000 },
    );
    // The wording, once.
    const { conflicts } = contextFromToken(tokenOf({ att: false, env: 'production', purpose: 'payout' }), {
      attested: true,
      device_posture: 'compliant',
    });
    assert.deepEqual(conflictDecision(conflicts).reasons, ["context.attested=true conflicts with the token's att=false"]);
    // A caller's object that already agrees is used as it is (the hot path allocates no context).
    const agreeing = { attested: true, environment: 'staging', session_purpose: 'ops', device_posture: 'compliant' } as const;
    assert.equal(contextFromToken(tokenOf({ att: true, env: 'staging', purpose: 'ops' }), agreeing).context, agreeing);
    // A value of the wrong type (from JavaScript) is a conflict, not a truthy yes; long values are bounded in reasons.
    const loose = contextFromToken(tokenOf({ att: false, env: 'production', purpose: 'p' }), {
      attested: 'true' as never,
      session_purpose: 'x'.repeat(5000),
      device_posture: 'unknown',
    });
    assert.deepEqual(
      loose.conflicts.map((c) => c.field),
      ['attested', 'session_purpose'],
    );
    assert.ok(conflictDecision(loose.conflicts).reasons.every((r) => r.length < 300));
  },
);

// One live server (SQLite: the rule is the store's business nowhere), an Enforcer following it.
describe('the Enforcer and the middleware decide for a token as the decision point does', () => {
  const store = testStores()[0]!;
  let t: TestApp;
  let url: string;
  let enforcer: Enforcer;
  let asker: string;
  const DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' } as const;
  type Tok = { token: string; att: boolean; env: (typeof ENVS)[number]; purpose: string; v: Verified };
  const tokens: Tok[] = [];

  before(async () => {
    t = await testApp(await store.open());
    assert.equal(
      (
        await t.call(
          'POST',
          '/v1/import',
          t.admin,
          smallManifest([identity('sdk-prod'), identity('sdk-stage', { environment: 'staging' })]),
        )
      ).status,
      200,
    );
    url = (await t.app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
    t.app.setIssuer(url);
    asker = await t.tokenFor(['enforcer']);
    const platform = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const pub = { ...(await exportJWK(platform.publicKey)), kid: 'sdk1', alg: 'EdDSA' };
    assert.equal(
      (
        await t.call('POST', '/v1/issuers', t.admin, {
          id: 'sdk-k8s',
          issuer: 'https://sdk.example',
          audience: 'mandate',
          jwks: { keys: [pub] },
        })
      ).status,
      201,
    );
    const form = (body: Record<string, string>) =>
      t.call('POST', '/v1/token', undefined, new URLSearchParams(body).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    enforcer = await Enforcer.connect({ url, apiToken: asker, name: 'sdk-context-test', evidenceFlushMs: 60_000, maxStalenessMs: 30_000 });
    for (const id of ['sdk-prod', 'sdk-stage'] as const) {
      assert.equal(
        (await t.call('POST', `/v1/identities/${id}/credentials`, t.admin, { type: 'oidc', issuer: 'sdk-k8s', subject: `sa:${id}` }))
          .status,
        201,
      );
      const k = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      assert.equal(
        (await t.call('POST', `/v1/identities/${id}/credentials`, t.admin, { type: 'jwk', jwk: await exportJWK(k.publicKey) })).status,
        201,
      );
      const env = id === 'sdk-prod' ? 'production' : 'staging';
      for (const purpose of ['payout', 'ops']) {
        const at = Math.floor(Date.now() / 1000);
        const oidc = await form({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          purpose,
          subject_token: await new SignJWT({})
            .setProtectedHeader({ alg: 'EdDSA', kid: 'sdk1' })
            .setIssuer('https://sdk.example')
            .setAudience('mandate')
            .setSubject(`sa:${id}`)
            .setIssuedAt(at)
            .setExpirationTime(at + 300)
            .sign(platform.privateKey),
        });
        const bearer = await form({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          purpose,
          assertion: await new SignJWT({})
            .setProtectedHeader({ alg: 'EdDSA' })
            .setIssuer(id)
            .setSubject(id)
            .setAudience(`${url}/v1/token`)
            .setIssuedAt(at)
            .setExpirationTime(at + 60)
            .setJti(`${id}-${purpose}`)
            .sign(k.privateKey),
        });
        for (const [res, att] of [
          [oidc, true],
          [bearer, false],
        ] as const) {
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const v = await enforcer.verify(res.body.access_token);
          assert.deepEqual([v.claims.mdt.att, v.claims.mdt.env, v.claims.mdt.purpose], [att, env, purpose]);
          tokens.push({ token: res.body.access_token, att, env, purpose, v });
        }
      }
    }
    // The enforcer's state has caught up with the credentials written above.
    await t.app.services.hub.kick();
    await new Promise((r) => setTimeout(r, 200));
  });
  after(async () => {
    await enforcer?.close();
    await t?.app.close();
    await store.cleanup();
  });

  test(
    'property: for random tokens and contexts the Enforcer answers what the decision point answers, and never allows a conflicting ' +
      'context',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...tokens.map((_, i) => i)),
          arbContext,
          fc.constantFrom('read', 'initiate_transfer', 'withdraw_to_client', 'nope'),
          async (i, raw, action) => {
            const tok = tokens[i]!;
            const context = present(raw) as TokenDecisionContext;
            const local = enforcer.decide(tok.v, action, DE, context);
            const remote = await t.call('POST', '/v1/decisions', asker, { principal: { token: tok.token }, action, resource: DE, context });
            assert.equal(remote.status, 200, JSON.stringify(remote.body));
            assert.deepEqual(
              [local.decision, local.policies, local.reasons],
              [remote.body.decision, remote.body.policies, remote.body.reasons],
              JSON.stringify({ action, context, att: tok.att, env: tok.env, purpose: tok.purpose }),
            );
            const conflict =
              (raw.attested !== undefined && raw.attested !== tok.att) ||
              (raw.environment !== undefined && raw.environment !== tok.env) ||
              (raw.session_purpose !== undefined && raw.session_purpose !== tok.purpose);
            if (conflict) assert.deepEqual([local.decision, local.policies], ['deny', [CONTEXT_CONFLICT_POLICY]]);
            else assert.ok(!local.policies.includes(CONTEXT_CONFLICT_POLICY));
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  test(
    'att=false with attested=true: denied naming the conflict, and reported ' + "for the ledger; left out, the token's facts decide",
    async () => {
      const keyed = tokens.find((x) => !x.att && x.env === 'production' && x.purpose === 'payout')!;
      const attested = tokens.find((x) => x.att && x.env === 'production' && x.purpose === 'payout')!;
      const ctx = { attested: true, device_posture: 'compliant', session_purpose: 'payout', environment: 'production' } as const;
      await enforcer.flushEvidence();
      const d = enforcer.decide(keyed.v, 'initiate_transfer', DE, ctx);
      assert.deepEqual(
        [d.decision, d.policies, d.reasons],
        ['deny', [CONTEXT_CONFLICT_POLICY], ["context.attested=true conflicts with the token's att=false"]],
      );
      const read = enforcer.decide(keyed.v, 'read', DE, ctx);
      assert.deepEqual([read.decision, read.policies], ['deny', [CONTEXT_CONFLICT_POLICY]]);
      assert.equal(enforcer.pendingEvidence, 2, 'conflicts are reported, observe actions included');
      const { attested: _, ...rest } = ctx;
      assert.equal(enforcer.decide(keyed.v, 'initiate_transfer', DE, rest).decision, 'deny');
      assert.deepEqual(enforcer.decide(attested.v, 'initiate_transfer', DE, rest).policies, ['identity-execute-entitled-attested']);
      assert.deepEqual(
        enforcer.decide(attested.v, 'initiate_transfer', DE, ctx).policies,
        ['identity-execute-entitled-attested'],
        'an agreeing context: as before',
      );
      const viaAuthorize = await enforcer.authorize(keyed.token, 'initiate_transfer', DE, ctx);
      assert.deepEqual(viaAuthorize.policies, [CONTEXT_CONFLICT_POLICY]);
      await enforcer.flushEvidence();
      const [ev] = await t.db.all<{ after_doc: string }>(
        "SELECT after_doc FROM events WHERE action = 'decisions.reported' AND subject_id = 'sdk-context-test' ORDER BY seq DESC LIMIT 1",
      );
      const reported = JSON.parse(ev!.after_doc).decisions as {
        action: string;
        policies: string[];
        reasons: string[];
        context: Record<string, unknown>;
      }[];
      const conflicts = reported.filter((r) => r.policies.includes(CONTEXT_CONFLICT_POLICY));
      assert.deepEqual(
        conflicts.map((r) => r.action),
        ['initiate_transfer', 'read', 'initiate_transfer'],
      );
      assert.equal(conflicts[0]!.context.attested, false, "the report carries the context the decision used: the token's");
      assert.deepEqual(conflicts[0]!.reasons, d.reasons);
    },
  );

  test("the middleware: a route's context cannot overrule the token; a service in another environment refuses the token", async () => {
    const keyed = tokens.find((x) => !x.att && x.env === 'production')!;
    const attested = tokens.find((x) => x.att && x.env === 'production')!;
    const staging = tokens.find((x) => x.att && x.env === 'staging')!;
    const app = Fastify();
    // A route that (wrongly) takes attestation from the request: the token still decides.
    app.post(
      '/trusting',
      {
        preHandler: mandateFastify(enforcer, {
          action: 'initiate_transfer',
          resource: DE,
          context: (req) => ({ device_posture: 'compliant', attested: req.headers['x-attested'] === 'yes' }),
        }),
      },
      async () => ({ ok: true }),
    );
    app.post(
      '/plain',
      {
        preHandler: mandateFastify(enforcer, {
          action: 'initiate_transfer',
          resource: DE,
          context: () => ({ device_posture: 'compliant' }),
        }),
      },
      async () => ({ ok: true }),
    );
    app.post(
      '/staging',
      {
        preHandler: mandateFastify(enforcer, {
          action: 'initiate_transfer',
          resource: DE,
          environment: 'staging',
          context: () => ({ device_posture: 'compliant' }),
        }),
      },
      async () => ({ ok: true }),
    );
    await app.ready();
    const call = async (path: string, tok: Tok, headers: Record<string, string> = {}) => {
      const r = await app.inject({ method: 'POST', url: path, headers: { authorization: `Bearer ${tok.token}`, ...headers } });
      return { status: r.statusCode, body: r.json() as { policies?: string[]; reasons?: string[] } };
    };
    const forged = await call('/trusting', keyed, { 'x-attested': 'yes' });
    assert.deepEqual(
      [forged.status, forged.body.policies, forged.body.reasons],
      [403, [CONTEXT_CONFLICT_POLICY], ["context.attested=true conflicts with the token's att=false"]],
    );
    assert.equal((await call('/trusting', attested, { 'x-attested': 'yes' })).status, 200);
    assert.deepEqual((await call('/plain', attested)).status, 200, 'attestation and purpose from the token');
    const notAttested = await call('/plain', keyed);
    assert.deepEqual([notAttested.status, notAttested.body.policies], [403, []]);
    const prodOnStaging = await call('/staging', attested);
    assert.deepEqual(
      [prodOnStaging.status, prodOnStaging.body.policies, prodOnStaging.body.reasons],
      [403, [CONTEXT_CONFLICT_POLICY], ['context.environment="staging" conflicts with the token\'s env="production"']],
    );
    assert.equal((await call('/staging', staging)).status, 200);
    const stagingOnProd = await call('/plain', staging);
    assert.deepEqual(
      [stagingOnProd.status, stagingOnProd.body.policies],
      [403, [CONTEXT_CONFLICT_POLICY]],
      'the default environment is production',
    );
    await app.close();
  });
});
