// Single sign-on wired into the real app, on both stores: people sign in through the demo OpenID
// provider (test/support/oidc-provider.ts, one per process) and act with their session; approving
// needs a recent MFA sign-in (step-up) and records how the person signed in with the vote; four
// eyes count people, not sessions or accounts; nobody mints a token for someone else; API clients
// (automation) never hold an approving role and never vote; the first-start admin token expires.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

const PROPOSAL = { to: 'withdrawn', reason: 'licence withdrawn', reference: 'BaFin 2026/7' };

/** An app with sign-in on, the small firm imported, and a transition proposed by carol (signed in): its id. */
async function firmWithProposal(t: TestApp): Promise<string> {
  assert.equal((await t.call('POST', '/v1/import', t.admin, smallManifest())).status, 200);
  const carol = await t.signIn('carol', { mfa: true });
  const p = await t.call('POST', '/v1/authorisations/auth-de-custody-fr/transitions', undefined, PROPOSAL, carol.headers('POST'));
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return p.body.id as string;
}

for (const store of testStores()) {
  describe(`sign-in wired into the app (${store.name})`, () => {
    const apps: TestApp[] = [];
    const fresh = async (opts: Parameters<typeof testApp>[2] = {}) => {
      const t = await testApp(await store.open(), undefined, { sso: true, ...opts });
      apps.push(t);
      return t;
    };
    after(async () => {
      for (const t of apps) await t.app.close();
      await store.cleanup();
    });

    test('a session works on the API; an unsafe request by cookie needs the CSRF token', async () => {
      const t = await fresh();
      const ada = await t.signIn('ada');
      const me = await t.call('GET', '/v1/me', undefined, undefined, ada.headers('GET'));
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.equal(me.body.user, 'ada');
      assert.deepEqual(me.body.roles, ['admin']);
      const vendor = { id: 'v-1', name: 'Vendor' };
      const forged = await t.call('POST', '/v1/vendors', undefined, vendor, { cookie: ada.cookie });
      assert.equal(forged.status, 403);
      assert.equal(forged.body.code, 'FORBIDDEN');
      assert.match(forged.body.detail, /X-CSRF-Token/);
      const made = await t.call('POST', '/v1/vendors', undefined, vendor, ada.headers('POST'));
      assert.equal(made.status, 201, JSON.stringify(made.body));
      // Anonymous and an ended session are no credential.
      assert.equal((await t.call('GET', '/v1/me', undefined)).status, 401);
      assert.equal((await t.call('POST', '/v1/signout', undefined, undefined, ada.headers('POST'))).status, 200);
      assert.equal((await t.call('GET', '/v1/me', undefined, undefined, ada.headers('GET'))).status, 401);
    });

    test(
      'approving needs a recent MFA sign-in: 401 STEP_UP_REQUIRED with the ' + 'step-up URL; after it, the vote records acr/amr/auth_time',
      async () => {
        const t = await fresh();
        const id = await firmWithProposal(t);
        const ana = await t.signIn('ana');
        const refused = await t.call('POST', `/v1/transitions/${id}/approve`, undefined, { reason: 'ok' }, ana.headers('POST'));
        assert.equal(refused.status, 401, JSON.stringify(refused.body));
        assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
        assert.equal(refused.body.code, 'STEP_UP_REQUIRED');
        assert.equal(refused.body.step_up.need, 'mfa');
        assert.equal(refused.body.step_up.max_age_seconds, 600);
        assert.match(refused.body.step_up.url, /^\/v1\/signin\?step_up=true&return_to=%2F/);
        assert.match(refused.body.detail, /MFA/);
        assert.match(String(refused.headers['www-authenticate']), /insufficient_user_authentication/);
        // The approval route of the engine asks the same.
        const approval = (await t.call('GET', `/v1/transitions/${id}`, t.admin)).body;
        const apId = (await t.app.services.regulatory.approvalOf(id))!.id;
        assert.equal(
          (await t.call('POST', `/v1/approvals/${apId}/approve`, undefined, {}, ana.headers('POST'))).body.code,
          'STEP_UP_REQUIRED',
        );
        assert.equal(approval.status, 'pending');
        // Ana's own API token (made signed in, with MFA) reads, but never approves: it proves no recent MFA.
        await ana.stepUp({ mfa: true });
        const own = (await t.call('POST', '/v1/users/ana/tokens', undefined, { label: 'laptop' }, ana.headers('POST'))).body.token;
        assert.equal((await t.call('GET', `/v1/transitions/${id}`, own)).status, 200);
        const byToken = await t.call('POST', `/v1/transitions/${id}/approve`, own, { reason: 'ok' });
        assert.equal(byToken.status, 401, JSON.stringify(byToken.body));
        assert.equal(byToken.body.code, 'STEP_UP_REQUIRED');
        assert.equal(byToken.body.step_up.need, 'sign_in');
        assert.match(byToken.body.step_up.url, /^\/v1\/signin\?return_to=/);
        assert.equal((await t.call('POST', `/v1/approvals/${apId}/approve`, own, {})).body.code, 'STEP_UP_REQUIRED');
        const carol = await t.signIn('carol', { mfa: true });
        const carols = (await t.call('POST', '/v1/users/carol/tokens', undefined, {}, carol.headers('POST'))).body.token;
        const emergency = await t.call('POST', '/v1/authorisations/auth-de-custody-de/transitions', carols, {
          ...PROPOSAL,
          emergency: true,
        });
        assert.equal(emergency.body.code, 'STEP_UP_REQUIRED', JSON.stringify(emergency.body));

        const session = (await t.call('GET', '/v1/session', undefined, undefined, ana.headers('GET'))).body;
        assert.deepEqual(session.step_up, { satisfied: true });
        const voted = await t.call('POST', `/v1/transitions/${id}/approve`, undefined, { reason: 'ok' }, ana.headers('POST'));
        assert.equal(voted.status, 200, JSON.stringify(voted.body));
        const [event] = await t.db.all<{ after_doc: string; actor: string }>(
          "SELECT after_doc, actor FROM events WHERE action = 'approval.vote_approved' ORDER BY seq DESC",
        );
        const after = JSON.parse(event!.after_doc);
        assert.equal(event!.actor, 'user:ana');
        assert.deepEqual(after.authn.amr, ['pwd', 'otp']);
        assert.equal(after.authn.acr, 'mfa');
        assert.equal(after.authn.subject, 'ana');
        assert.equal(after.authn.session, session.session.id);
        assert.ok(Date.parse(after.authn.auth_time) > Date.now() - 60_000, after.authn.auth_time);
        assert.match(after.person, /^oidc:http:\/\/127\.0\.0\.1:\d+#ana$/);
        // Rejecting takes power away: no step-up needed.
        const id2 = (
          await t.call(
            'POST',
            '/v1/authorisations/auth-de-custody-de/transitions',
            undefined,
            PROPOSAL,
            (await t.signIn('carol')).headers('POST'),
          )
        ).body.id;
        const ben = await t.signIn('ben');
        assert.equal((await t.call('POST', `/v1/transitions/${id2}/reject`, undefined, { reason: 'no' }, ben.headers('POST'))).status, 200);
      },
    );

    test('four eyes count people: a second session of the same person, or a second account of theirs, is the same voter', async () => {
      const t = await fresh({
        approvalRules: [
          {
            id: 'two',
            kind: 'transition',
            description: 'two approvers',
            approvals: 2,
            roles: ['approver', 'admin'],
            expires_after_seconds: 3600,
          },
          ...(await import('../../src/core/approvals.js')).DEFAULT_APPROVAL_RULES.filter((r) => r.kind !== 'transition'),
        ],
      });
      const id = await firmWithProposal(t);
      const first = await t.signIn('ben', { mfa: true });
      const second = await t.signIn('ben', { mfa: true });
      assert.notEqual(first.secret, second.secret);
      assert.equal((await t.call('POST', `/v1/transitions/${id}/approve`, undefined, {}, first.headers('POST'))).status, 200);
      const again = await t.call('POST', `/v1/transitions/${id}/approve`, undefined, {}, second.headers('POST'));
      assert.equal(again.status, 403);
      assert.equal(again.body.code, 'SEPARATION_OF_DUTIES');
      // The same person under another Mandate user (their provider identity moved to a new account):
      // the vote of the first account still counts as theirs.
      await t.app.services.users.createUser('test', { id: 'ben-2', name: 'Ben again', roles: ['approver'] });
      await t.db.run("UPDATE external_identities SET user_id = 'ben-2' WHERE subject = 'ben'");
      const third = await t.signIn('ben', { mfa: true });
      assert.equal(third.user, 'ben-2');
      const refused = await t.call('POST', `/v1/transitions/${id}/approve`, undefined, {}, third.headers('POST'));
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'SEPARATION_OF_DUTIES');
      // The requester's own second account cannot approve either.
      const carol2 = await t.signIn('carol', { mfa: true });
      assert.equal((await t.call('POST', `/v1/transitions/${id}/approve`, undefined, {}, carol2.headers('POST'))).status, 403);
      const ana = await t.signIn('ana', { mfa: true });
      const done = await t.call('POST', `/v1/transitions/${id}/approve`, undefined, {}, ana.headers('POST'));
      assert.equal(done.status, 200, JSON.stringify(done.body));
    });

    test(
      'an API token is made by its own person, signed in: an admin cannot ' + 'make one for another; it expires in 90 days by default',
      async () => {
        const t = await fresh();
        const ada = await t.signIn('ada', { mfa: true });
        await t.signIn('ben');
        const forOther = await t.call('POST', '/v1/users/ben/tokens', undefined, {}, ada.headers('POST'));
        assert.equal(forOther.status, 403, JSON.stringify(forOther.body));
        assert.equal(forOther.body.code, 'FORBIDDEN');
        // An API token proves no sign-in at all: refused before the route looks at whose token it is.
        const byBootstrap = await t.call('POST', '/v1/users/ben/tokens', t.admin, {});
        assert.equal(byBootstrap.status, 401);
        assert.equal(byBootstrap.body.code, 'STEP_UP_REQUIRED');
        const bens = await t.db.all("SELECT id FROM api_tokens WHERE user_id = 'ben'");
        assert.equal(bens.length, 0);
        // A token-holder who is not signed in cannot make one (not even for themselves).
        const local = await t.tokenFor(['approver']);
        const localUser = (await t.call('GET', '/v1/me', local)).body.user;
        assert.equal((await t.call('POST', `/v1/users/${localUser}/tokens`, local, {})).status, 401);
        // Your own, signed in with MFA: 90 days.
        const own = await t.call('POST', '/v1/users/ada/tokens', undefined, { label: 'laptop' }, ada.headers('POST'));
        assert.equal(own.status, 201, JSON.stringify(own.body));
        const days = (Date.parse(own.body.expires_at) - Date.parse(own.body.created_at)) / 86_400_000;
        assert.equal(days, 90);
        assert.equal((await t.call('GET', '/v1/me', own.body.token)).body.user, 'ada');
        const tooLong = await t.call('POST', '/v1/users/ada/tokens', undefined, { expires_in_seconds: 91 * 86_400 }, ada.headers('POST'));
        assert.equal(tooLong.status, 400);
        const never = await t.call('POST', '/v1/users/ada/tokens', undefined, { never_expires: true }, ada.headers('POST'));
        assert.equal(never.status, 400);
        assert.equal(never.body.field, '/never_expires');
        // Making a token is stepped up like any act of power: a password-only session is asked for MFA.
        const olga = await t.signIn('olga');
        assert.equal((await t.call('POST', '/v1/users/olga/tokens', undefined, {}, olga.headers('POST'))).body.code, 'STEP_UP_REQUIRED');
        // An API token proves no MFA: not even the bootstrap admin makes a lasting token with one.
        const byToken = await t.call('POST', '/v1/users/admin/tokens', t.admin, {});
        assert.equal(byToken.status, 401);
        assert.equal(byToken.body.step_up.need, 'sign_in');
      },
    );

    test('never-expiring tokens only where the configuration allows them', async () => {
      const t = await fresh({ users: { tokenPolicy: { maxDays: 30, allowNoExpiry: true } } });
      const ada = await t.signIn('ada', { mfa: true });
      const never = await t.call('POST', '/v1/users/ada/tokens', undefined, { never_expires: true }, ada.headers('POST'));
      assert.equal(never.status, 201, JSON.stringify(never.body));
      assert.equal(never.body.expires_at, null);
      const dflt = await t.call('POST', '/v1/users/ada/tokens', undefined, {}, ada.headers('POST'));
      assert.equal((Date.parse(dflt.body.expires_at) - Date.parse(dflt.body.created_at)) / 86_400_000, 30);
    });

    test('API clients: created by an admin with roles that never approve, their token shown once; they never vote', async () => {
      const t = await fresh();
      for (const roles of [['approver'], ['operator', 'admin']]) {
        const refused = await t.call('POST', '/v1/api-clients', t.admin, { id: 'ci', name: 'CI', roles });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.equal(refused.body.code, 'VALIDATION_FAILED');
        assert.equal(refused.body.field, '/roles');
        assert.match(refused.body.detail, /never approves/);
      }
      const byViewer = await t.call('POST', '/v1/api-clients', await t.tokenFor(['viewer']), { id: 'ci', name: 'CI', roles: ['viewer'] });
      assert.equal(byViewer.status, 403);
      const made = await t.call('POST', '/v1/api-clients', t.admin, { id: 'ci', name: 'CI', roles: ['compliance_officer'] });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const token = made.body.token.token as string;
      assert.match(token, /^mdt_/);
      const stored = await t.db.all<{ hash: string }>("SELECT hash FROM api_tokens WHERE user_id = 'ci'");
      assert.ok(stored.every((r) => r.hash !== token));
      assert.equal((await t.call('GET', '/v1/api-clients/ci', t.admin)).body.status, 'active');
      // It may propose (compliance_officer), but never vote, even where the rules name its role.
      assert.equal((await t.call('POST', '/v1/import', t.admin, smallManifest())).status, 200);
      const carol = await t.signIn('carol', { mfa: true });
      const p = await t.call('POST', '/v1/authorisations/auth-de-custody-fr/transitions', undefined, PROPOSAL, carol.headers('POST'));
      const apId = (await t.app.services.regulatory.approvalOf(p.body.id))!.id;
      const vote = await t.call('POST', `/v1/approvals/${apId}/approve`, token, {});
      assert.equal(vote.status, 403, JSON.stringify(vote.body));
      assert.equal(vote.body.code, 'FORBIDDEN');
      assert.match(vote.body.detail, /API client never votes/);
      const [refusedEvent] = await t.db.all<{ actor: string }>("SELECT actor FROM events WHERE action = 'approval.approve.refused'");
      assert.equal(refusedEvent?.actor, 'user:ci');
      // Its own tokens come from an admin, not from itself.
      assert.equal((await t.call('POST', '/v1/users/ci/tokens', token, {})).status, 403);
      const rotated = await t.call('POST', '/v1/api-clients/ci/tokens', t.admin, { expires_in_seconds: 3600 });
      assert.equal(rotated.status, 201);
      const revoked = await t.call('POST', '/v1/api-clients/ci/revoke', t.admin, { reason: 'retired' });
      assert.equal(revoked.body.status, 'revoked');
      assert.equal((await t.call('GET', '/v1/me', token)).status, 401);
      assert.equal((await t.call('GET', '/v1/me', rotated.body.token)).status, 401);
      const actions = (await t.db.all<{ action: string }>("SELECT action FROM events WHERE action LIKE 'api_client.%' ORDER BY seq")).map(
        (e) => e.action,
      );
      assert.deepEqual(actions, ['api_client.created', 'api_client.revoked']);
    });

    test('the first-start admin token expires (24 hours by default)', async () => {
      let now = Date.parse('2026-03-01T00:00:00Z');
      const t = await testApp(await store.open(), () => new Date(now), { users: { bootstrapTtlHours: 24 } });
      apps.push(t);
      assert.equal((await t.call('GET', '/v1/me', t.admin)).status, 200);
      now += 23 * 3_600_000;
      assert.equal((await t.call('GET', '/v1/me', t.admin)).status, 200);
      now += 2 * 3_600_000;
      assert.equal((await t.call('GET', '/v1/me', t.admin)).status, 401);
    });
  });
}
