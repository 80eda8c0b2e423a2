// People in the decision plane (issue 18 item 6), on both stores: a signed-in person's session as
// the principal (`{session: "<mds_ secret>"}` from an enforcement point, `{session: "self"}` from
// the person), decided with the shipped Cedar policies from what the sign-in proves: MFA, the
// session's age, the device's posture from the provider's claim. The people sign in through the
// demo provider as a browser does (t.signIn); their decisions are evidence like a machine's, with
// the session's id, amr, acr and auth time, never its secret.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { DEMO_PEOPLE, DEMO_ROLE_MAP, startDemoProvider, type DemoProvider } from '../../src/demo/oidc-provider.js';
import type { SigninConfig } from '../../src/signin/service.js';
import { testApp, type TestApp } from '../support/app.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { TEST_PUBLIC_URL, type SignedIn } from '../support/oidc-provider.js';
import { testStores } from '../support/stores.js';

const DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE', kind: 'identity', id: 'bg-custody' } as const;
const ASK = { session_purpose: 'incident-4711', environment: 'production' } as const;
const BREAKGLASS = 'person-use-breakglass-strong-session';
const RELEASE = 'person-sign-release-strong-session';
const CLIENT = { client_id: 'mandate-people-test', client_secret: `secret-${randomBytes(16).toString('hex')}` };

// The demo provider with its people (olga: operator, compliant; ada: admin, non-compliant; ben:
// approver, no posture claim), started for this file so a person's posture can change while it runs.
let provider: DemoProvider;
before(async () => {
  provider = await startDemoProvider({
    clients: [
      {
        ...CLIENT,
        redirect_uris: [`${TEST_PUBLIC_URL}/v1/signin/callback`],
        post_logout_redirect_uris: [`${TEST_PUBLIC_URL}/console`],
      },
    ],
  });
});
after(() => provider.close());

const signinConfig = (extra: Partial<SigninConfig> = {}): SigninConfig => ({
  issuer: provider.issuer,
  clientId: CLIENT.client_id,
  clientSecret: CLIENT.client_secret,
  scope: 'openid profile email offline_access',
  groupsClaim: 'groups',
  roleMap: DEMO_ROLE_MAP,
  idleMinutes: 60,
  maxHours: 12,
  stepUp: { maxAgeMinutes: 10 },
  ...extra,
});

describe('the device claim is configurable (MANDATE_OIDC_DEVICE_CLAIM)', () => {
  const [sqlite] = testStores();
  after(() => sqlite!.cleanup());

  test('a provider that names the posture otherwise: its claim is read, and without it the posture is unknown', async () => {
    const olgaAt = DEMO_PEOPLE.find((p) => p.id === 'olga')!;
    assert.equal(olgaAt.device_posture, 'compliant');
    const t = await testApp(await sqlite!.open(), undefined, {
      signin: { config: signinConfig({ deviceClaim: 'no_such_claim' }), publicUrl: TEST_PUBLIC_URL },
      publicUrl: TEST_PUBLIC_URL,
    });
    try {
      const olga = await t.signIn('olga', { mfa: true });
      const res = await t.call('POST', '/v1/decisions', await t.tokenFor(['enforcer']), {
        principal: { session: olga.secret },
        action: 'read',
        resource: DE,
        context: { ...ASK, device_posture: 'compliant' },
      });
      assert.deepEqual(res.body.reasons, ['context.device_posture="compliant" conflicts with the session\'s device_posture="unknown"']);
    } finally {
      await t.app.close();
    }
  });
});

for (const store of testStores()) {
  describe(`people in the decision plane on ${store.name}`, () => {
    let t: TestApp;
    let enforcer: string;
    // The server's clock runs ahead of the provider's by `ahead` (a session grows old without waiting).
    let ahead = 0;
    const decide = (body: unknown, token = enforcer, headers: Record<string, string> = {}) =>
      t.call('POST', '/v1/decisions', token, body, headers);
    const asSession = (secret: string, action: string, context: Record<string, unknown> = ASK) =>
      decide({ principal: { session: secret }, action, resource: DE, context });
    const lastEvidence = async (action = 'decision.recorded') => {
      const [row] = await t.db.all<{ subject_type: string; subject_id: string; after_doc: string }>(
        'SELECT subject_type, subject_id, after_doc FROM events WHERE action = ? ORDER BY seq DESC LIMIT 1',
        [action],
      );
      return { ...row!, after: JSON.parse(row!.after_doc) };
    };
    const sessionId = async (p: SignedIn) =>
      (await t.call('GET', '/v1/session', undefined, undefined, p.headers('GET'))).body.session.id as string;
    /** Whether a session secret appears anywhere in the ledger. */
    const inLedger = async (secret: string) =>
      Number(
        (
          await t.db.all<{ n: number }>(
            'SELECT COUNT(*) AS n FROM events WHERE after_doc LIKE ? OR before_doc LIKE ? OR reason LIKE ? OR subject_id = ?',
            [`%${secret}%`, `%${secret}%`, `%${secret}%`, secret],
          )
        )[0]!.n,
      ) > 0;

    before(async () => {
      t = await testApp(await store.open(), () => new Date(Date.now() + ahead), {
        signin: { config: signinConfig(), publicUrl: TEST_PUBLIC_URL },
        publicUrl: TEST_PUBLIC_URL,
      });
      assert.equal((await t.call('POST', '/v1/import', t.admin, smallManifest([identity('custody-api')]))).status, 200);
      enforcer = await t.tokenFor(['enforcer']);
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test('an operator signed in with MFA on a compliant device uses break-glass; it is evidence, without the secret', async () => {
      const olga = await t.signIn('olga', { mfa: true });
      const res = await asSession(olga.secret, 'use_breakglass');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.decision, 'allow', JSON.stringify(res.body));
      assert.deepEqual(res.body.policies, [BREAKGLASS]);
      assert.deepEqual(res.body.principal, { type: 'person', id: 'olga' });
      const id = await sessionId(olga);
      assert.equal(res.body.session, id);
      assert.equal(res.body.recorded, true);

      const ev = await lastEvidence();
      assert.equal(ev.subject_type, 'person');
      assert.equal(ev.subject_id, 'olga');
      assert.equal(ev.after.decision, 'allow');
      assert.equal(ev.after.session.id, id);
      assert.deepEqual(ev.after.session.amr, ['pwd', 'otp']);
      assert.equal(ev.after.session.acr, 'mfa');
      assert.equal(ev.after.session.device_posture, 'compliant');
      assert.ok(Date.parse(ev.after.session.auth_time) <= Date.now());
      // The context the decision used: the session's facts over what the enforcement point sent.
      assert.equal(ev.after.context.mfa, true);
      assert.equal(ev.after.context.acr, 'mfa');
      assert.equal(ev.after.context.device_posture, 'compliant');
      assert.equal(ev.after.context.attested, false);
      assert.ok(ev.after.context.session_age_seconds >= 0 && ev.after.context.session_age_seconds < 120);
      assert.deepEqual(ev.after.supplied_context, ASK);
      assert.equal(await inLedger(olga.secret), false, 'the session secret is never evidence');
    });

    test('without MFA, the same person is denied; so is an MFA sign-in older than the policy allows', async () => {
      const plain = await t.signIn('olga');
      const res = await asSession(plain.secret, 'use_breakglass');
      assert.equal(res.body.decision, 'deny');
      assert.deepEqual(res.body.policies, []);
      assert.equal(res.body.recorded, true);
      assert.equal((await lastEvidence()).after.context.mfa, false);

      const strong = await t.signIn('olga', { mfa: true });
      ahead = 16 * 60_000;
      try {
        const old = await asSession(strong.secret, 'use_breakglass');
        assert.equal(old.body.decision, 'deny', 'break-glass needs a sign-in of the last 15 minutes');
        assert.ok((await lastEvidence()).after.context.session_age_seconds >= 16 * 60);
        // Signing a release allows a sign-in of the last hour.
        const release = await asSession(strong.secret, 'sign_release');
        assert.equal(release.body.decision, 'allow', JSON.stringify(release.body));
        assert.deepEqual(release.body.policies, [RELEASE]);
      } finally {
        ahead = 0;
      }
    });

    test('device posture comes from the provider: non-compliant and unknown devices are denied', async () => {
      // Ada is an admin with MFA and a fresh sign-in, but the provider says her device is not compliant.
      const ada = await t.signIn('ada', { mfa: true });
      const res = await asSession(ada.secret, 'use_breakglass');
      assert.equal(res.body.decision, 'deny');
      const ev = await lastEvidence();
      assert.equal(ev.after.session.device_posture, 'non_compliant');
      assert.equal(ev.after.context.device_posture, 'non_compliant');

      // Olga's device loses its compliance at the provider: the next refresh of her session says so.
      const olga = await t.signIn('olga', { mfa: true });
      assert.equal((await asSession(olga.secret, 'use_breakglass')).body.decision, 'allow');
      const person = provider.people.get('olga')!;
      provider.people.set({ ...person, device_posture: 'non_compliant' });
      try {
        const refreshed = await t.app.services.signin!.refresh(await sessionId(olga));
        assert.equal(refreshed.status, 'refreshed');
        const after = await asSession(olga.secret, 'use_breakglass');
        assert.equal(after.body.decision, 'deny');
        assert.equal((await lastEvidence()).after.context.device_posture, 'non_compliant');
        // Without a claim at all, the posture is unknown.
        provider.people.set({ ...person, device_posture: undefined });
        await t.app.services.signin!.refresh(await sessionId(olga));
        assert.equal((await asSession(olga.secret, 'use_breakglass')).body.decision, 'deny');
        assert.equal((await lastEvidence()).after.context.device_posture, 'unknown');
      } finally {
        provider.people.set(person);
      }
      // Ben sends no posture claim either.
      const ben = await t.signIn('ben', { mfa: true });
      await asSession(ben.secret, 'sign_release');
      assert.equal((await lastEvidence()).after.session.device_posture, 'unknown');
    });

    test('a context the session contradicts is a recorded deny naming the conflict, even for a read', async () => {
      const plain = await t.signIn('olga');
      const lied = await asSession(plain.secret, 'read', { ...ASK, mfa: true });
      assert.equal(lied.status, 200);
      assert.equal(lied.body.decision, 'deny');
      assert.deepEqual(lied.body.policies, ['builtin:context-conflicts-with-session']);
      assert.deepEqual(lied.body.reasons, ["context.mfa=true conflicts with the session's mfa=false"]);
      assert.equal(lied.body.recorded, true);
      const ev = await lastEvidence();
      assert.equal(ev.after.supplied_context.mfa, true);
      assert.equal(ev.after.context.mfa, false);

      const ada = await t.signIn('ada', { mfa: true });
      const posture = await asSession(ada.secret, 'use_breakglass', { ...ASK, device_posture: 'compliant' });
      assert.deepEqual(posture.body.reasons, [
        'context.device_posture="compliant" conflicts with the session\'s device_posture="non_compliant"',
      ]);
      const age = await asSession(ada.secret, 'use_breakglass', { ...ASK, session_age_seconds: 0, acr: 'pwd' });
      assert.equal(age.body.decision, 'deny');
      assert.ok(age.body.reasons.includes('context.acr="pwd" conflicts with the session\'s acr="mfa"'), JSON.stringify(age.body));

      // What the session proves, sent as it is, is no conflict.
      const olga = await t.signIn('olga', { mfa: true });
      const agreed = await asSession(olga.secret, 'use_breakglass', { ...ASK, mfa: true, acr: 'mfa', device_posture: 'compliant' });
      assert.equal(agreed.body.decision, 'allow', JSON.stringify(agreed.body));
    });

    test('an ended, unknown or malformed session fails closed', async () => {
      const olga = await t.signIn('olga', { mfa: true });
      const id = await sessionId(olga);
      const out = await t.call('POST', '/v1/signout', undefined, {}, olga.headers('POST'));
      assert.equal(out.status, 200);
      const ended = await asSession(olga.secret, 'use_breakglass');
      assert.equal(ended.status, 200);
      assert.equal(ended.body.decision, 'deny');
      assert.deepEqual(ended.body.policies, ['builtin:session-not-active']);
      assert.match(ended.body.reasons[0], /session is not active: the session ended \(signed_out\)/);
      assert.deepEqual(ended.body.principal, { type: 'session', id });
      assert.equal(ended.body.recorded, true);
      assert.equal((await lastEvidence()).subject_id, id);

      const unknown = `mds_${randomBytes(32).toString('base64url')}`;
      const nobody = await asSession(unknown, 'read');
      assert.equal(nobody.body.decision, 'deny');
      assert.deepEqual(nobody.body.principal, { type: 'session', id: 'unverified' });
      assert.equal(await inLedger(unknown), false);

      // The person behind a live session: a disabled user gets nothing.
      const ben = await t.signIn('ben', { mfa: true });
      await t.db.run("UPDATE users SET status = 'disabled' WHERE id = 'ben'");
      const disabled = await asSession(ben.secret, 'read');
      assert.deepEqual(disabled.body.policies, ['builtin:session-not-active']);
      assert.match(disabled.body.reasons[0], /user ben is disabled/);
      await t.db.run("UPDATE users SET status = 'active' WHERE id = 'ben'");

      const malformed = await asSession('mds_short', 'read');
      assert.equal(malformed.status, 400);
      assert.equal(await inLedger('mds_short'), false, 'a refused request is recorded without its body');
    });

    test('a signed-in person asks for themselves with principal {session: "self"}', async () => {
      const olga = await t.signIn('olga', { mfa: true });
      const body = { principal: { session: 'self' }, action: 'use_breakglass', resource: DE, context: ASK };
      const mine = await decide(body, '', olga.headers('POST'));
      assert.equal(mine.status, 200, JSON.stringify(mine.body));
      assert.equal(mine.body.decision, 'allow');
      assert.equal(mine.body.session, await sessionId(olga));
      assert.equal((await lastEvidence()).after.session.id, mine.body.session);

      // An API token is not a session.
      const token = await decide(body);
      assert.equal(token.status, 400);
      assert.equal(token.body.field, '/principal/session');
      // A person whose roles do not grant decisions:query does not ask (ben is an approver).
      const ben = await t.signIn('ben', { mfa: true });
      assert.equal((await decide(body, '', ben.headers('POST'))).status, 403);
    });

    test('what only a sign-in proves is not for a caller to say of an identity, a person or a token', async () => {
      const full = { ...ASK, attested: true, device_posture: 'compliant' };
      for (const principal of [{ identity: 'custody-api' }, { person: 'olga' }]) {
        const res = await decide({ principal, action: 'use_breakglass', resource: DE, context: { ...full, mfa: true } });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.field, '/context/mfa');
      }
      // A person named without a session has no sign-in facts: the shipped policies never let them use break-glass.
      const named = await decide({ principal: { person: 'olga' }, action: 'use_breakglass', resource: DE, context: full });
      assert.equal(named.body.decision, 'deny');
      // A session principal still needs the purpose and the environment; device_posture and attested may be left out.
      const olga = await t.signIn('olga', { mfa: true });
      const missing = await decide({ principal: { session: olga.secret }, action: 'read', resource: DE, context: {} });
      assert.equal(missing.status, 400);
      assert.match(missing.body.detail ?? missing.body.title ?? '', /session_purpose|environment/);
    });

    test('a batch decides sessions beside identities; the recorded ones name the session', async () => {
      const olga = await t.signIn('olga', { mfa: true });
      const res = await t.call('POST', '/v1/decisions/batch', enforcer, {
        items: [
          { principal: { session: olga.secret }, action: 'use_breakglass', resource: DE, context: ASK },
          {
            principal: { identity: 'custody-api' },
            action: 'initiate_transfer',
            resource: { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
            context: { ...ASK, attested: true, device_posture: 'compliant' },
          },
        ],
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.items.map((i: { decision: string }) => i.decision),
        ['allow', 'allow'],
      );
      const ev = await lastEvidence('decisions.recorded');
      assert.equal(ev.after.decisions[0].session.id, await sessionId(olga));
      assert.equal(ev.after.decisions[0].context.mfa, true);
      assert.equal(ev.after.decisions[1].session, undefined);
      assert.equal(await inLedger(olga.secret), false);
    });

    test('property: any session principal is answered (a deny for what is no live session) or refused, never a 5xx', async () => {
      const olga = await t.signIn('olga', { mfa: true });
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 60 }),
            fc.base64String({ minLength: 40, maxLength: 48 }).map((s) => `mds_${s.replace(/\+/g, '-').replace(/\//g, '_')}`),
            fc.constant(olga.secret.slice(0, -1) + (olga.secret.endsWith('A') ? 'B' : 'A')),
          ),
          fc.constantFrom('read', 'use_breakglass', 'sign_release'),
          async (ref, action) => {
            const res = await asSession(ref, action);
            assert.ok(res.status === 200 || res.status === 400, `${res.status} ${JSON.stringify(res.body)}`);
            if (res.status === 200) {
              assert.equal(res.body.decision, 'deny');
              assert.deepEqual(res.body.policies, ['builtin:session-not-active']);
              assert.equal(res.body.recorded, true);
            }
          },
        ),
        { numRuns: 40 },
      );
      assert.equal(await inLedger(olga.secret.slice(0, -1)), false);
    });
  });
}
