// Single sign-on against a real OpenID provider (the demo one, oidc-provider, started here on a
// random loopback port), on both stores, through a small Fastify app with only the sign-in routes
// and an onRequest hook like the server's. The browser's part is plain fetch with a cookie jar
// (test/support/oidc-provider.ts); Mandate's side is app.inject. Each test has its own database.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { decodeJwt, exportJWK, exportPKCS8, generateKeyPair, SignJWT } from 'jose';
import { MandateError } from '../../src/core/errors.js';
import { rolesAllow } from '../../src/core/roles.js';
import { DEMO_ROLE_MAP, startDemoProvider, type DemoProvider } from '../../src/demo/oidc-provider.js';
import { sendProblem, toMandateError } from '../../src/http/problem.js';
import { loadClientKey, openIdProvider } from '../../src/signin/provider.js';
import { CSRF_COOKIE, registerSigninRoutes, sessionAuthenticator, SESSION_COOKIE } from '../../src/signin/routes.js';
import { signinService, type SigninService } from '../../src/signin/service.js';
import type { Database } from '../../src/store/db.js';
import { approveDevice, CookieJar, followSignIn, setCookies, type Person } from '../support/oidc-provider.js';
import { testStores } from '../support/stores.js';

const PUBLIC_URL = 'http://127.0.0.1:8080';
const CLIENT = { client_id: 'mandate-test', client_secret: `secret-${randomBytes(16).toString('hex')}` };
const MIN = 60_000;

interface World {
  db: Database;
  app: FastifyInstance;
  signin: SigninService;
  /** The clock the service reads: tests move it. */
  clock: { now: number };
  /** Every token endpoint answer the relying party saw (to look for its secrets in the store). */
  seen: string[];
}

interface Signed {
  secret: string;
  csrf: string;
  cookie: string;
  jar: CookieJar;
}

function assertProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number, code: string): any {
  const body = res.json();
  assert.equal(res.statusCode, status, JSON.stringify(body));
  assert.match(String(res.headers['content-type']), /application\/problem\+json/);
  assert.equal(body.code, code, JSON.stringify(body));
  return body;
}

const cookiesOf = setCookies;

/** A fetch that records the token endpoint's answers, and can rewrite the ID token in them. */
function tokenFetch(seen: string[], rewrite?: (claims: Record<string, unknown>) => Promise<string>): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    const url = String(input instanceof Request ? input.url : input);
    if (!/\/token$/.test(new URL(url).pathname)) return res;
    const text = await res.text();
    seen.push(text);
    let body = text;
    if (rewrite && res.ok) {
      const doc = JSON.parse(text) as { id_token?: string };
      if (doc.id_token) doc.id_token = await rewrite(decodeJwt(doc.id_token) as Record<string, unknown>);
      body = JSON.stringify(doc);
    }
    return new Response(body, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' } });
  }) as typeof fetch;
}

async function world(
  db: Database,
  demo: DemoProvider,
  opts: { rewrite?: (claims: Record<string, unknown>) => Promise<string>; groupsClaim?: string } = {},
): Promise<World> {
  const clock = { now: Date.now() };
  const seen: string[] = [];
  const provider = openIdProvider({
    issuer: demo.issuer,
    clientId: CLIENT.client_id,
    clientSecret: CLIENT.client_secret,
    fetch: tokenFetch(seen, opts.rewrite),
    timeoutSeconds: 3,
  });
  const signin = signinService({
    db,
    clock: () => new Date(clock.now),
    kek: randomBytes(32),
    provider,
    config: {
      redirectUri: `${PUBLIC_URL}/v1/signin/callback`,
      postLogoutRedirectUri: `${PUBLIC_URL}/console`,
      scope: 'openid profile email offline_access',
      groupsClaim: opts.groupsClaim ?? 'groups',
      roleMap: DEMO_ROLE_MAP,
      limits: { idleMs: 30 * MIN, maxMs: 12 * 60 * MIN },
      stepUp: { maxAgeMs: 10 * MIN },
    },
  });
  const app = Fastify();
  app.setErrorHandler((err, req, reply) => {
    const known = toMandateError(err);
    if (known) return sendProblem(reply, req, known);
    req.log.error({ err }, 'unhandled');
    return reply.code(500).send({ error: String(err) });
  });
  // Like the server's hook: public routes pass; others need a session (or fail), then the permission.
  const authenticate = sessionAuthenticator(signin);
  app.addHook('onRequest', async (req, reply) => {
    const permission = req.routeOptions.config?.permission;
    if (permission === 'public') return;
    const principal = await authenticate(req);
    if (!principal) {
      reply.header('www-authenticate', 'Bearer realm="mandate"');
      throw new MandateError('UNAUTHENTICATED', 'sign in', { field: 'Authorization' });
    }
    req.principal = principal;
    if (permission && !rolesAllow(principal.roles, permission))
      throw new MandateError('FORBIDDEN', `your roles do not grant ${permission}`);
  });
  registerSigninRoutes(app, signin, { publicUrl: PUBLIC_URL });
  app.post('/v1/test/change', { config: { permission: 'inventory:read' } }, async (req) => ({ user: req.principal!.user }));
  await app.ready();
  return { db, app, signin, clock, seen };
}

/** A browser signs in: Mandate's redirect, the provider's login form, the callback. */
async function signIn(w: World, person: Person, jar = new CookieJar()): Promise<Signed> {
  const begin = await w.app.inject({ method: 'GET', url: '/v1/signin?return_to=/console/approvals' });
  assert.equal(begin.statusCode, 302, begin.body);
  const binding = cookiesOf(begin).mandate_signin!;
  const { callbackUrl } = await followSignIn(String(begin.headers.location), person, jar);
  const back = await w.app.inject({
    method: 'GET',
    url: callbackUrl.slice(PUBLIC_URL.length),
    headers: { cookie: `mandate_signin=${binding}` },
  });
  assert.equal(back.statusCode, 302, back.body);
  assert.equal(back.headers.location, '/console/approvals');
  const set = [back.headers['set-cookie']].flat().join('\n');
  assert.match(set, /mandate_session=mds_[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
  assert.match(set, /mandate_csrf=[^;]+; Path=\/; SameSite=Lax/);
  assert.doesNotMatch(set, /Secure/, 'http on loopback: no Secure flag');
  const c = cookiesOf(back);
  return {
    secret: c[SESSION_COOKIE]!,
    csrf: c[CSRF_COOKIE]!,
    cookie: `${SESSION_COOKIE}=${c[SESSION_COOKIE]}; ${CSRF_COOKIE}=${c[CSRF_COOKIE]}`,
    jar,
  };
}

/** A sign-in as far as Mandate's callback: its answer (a refusal, where the test expects one). */
async function attempt(w: World, person: Person) {
  const begin = await w.app.inject({ method: 'GET', url: '/v1/signin' });
  const { callbackUrl } = await followSignIn(String(begin.headers.location), person);
  const cookie = `mandate_signin=${cookiesOf(begin).mandate_signin}`;
  return w.app.inject({ method: 'GET', url: callbackUrl.slice(PUBLIC_URL.length), headers: { cookie } });
}

const whoami = (w: World, s: Signed) => w.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie: s.cookie } });
const rows = async (db: Database, table: string) => db.all<Record<string, unknown>>(`SELECT * FROM ${table}`);
const actions = async (db: Database) => (await db.all<{ action: string }>('SELECT action FROM events ORDER BY seq')).map((e) => e.action);

for (const store of testStores()) {
  describe(`single sign-on (${store.name})`, () => {
    let demo: DemoProvider;
    const opened: World[] = [];
    const fresh = async (opts: Parameters<typeof world>[2] = {}) => {
      const w = await world(await store.open(), demo, opts);
      opened.push(w);
      return w;
    };

    before(async () => {
      demo = await startDemoProvider({
        clients: [{ ...CLIENT, redirect_uris: [`${PUBLIC_URL}/v1/signin/callback`], post_logout_redirect_uris: [`${PUBLIC_URL}/console`] }],
      });
    });
    after(async () => {
      for (const w of opened) await w.app.close();
      await demo.close();
      await store.cleanup();
    });

    test('code + PKCE sign-in: the session works, its facts show how the person signed in, roles come from the groups', async () => {
      const w = await fresh();
      const ana = await signIn(w, { login: 'ana', otp: true });
      const me = await whoami(w, ana);
      assert.equal(me.statusCode, 200, me.body);
      const body = me.json();
      assert.equal(body.user, 'ana');
      assert.deepEqual(body.roles, ['approver']);
      assert.ok(body.permissions.includes('transitions:approve'));
      assert.deepEqual(body.session.amr, ['pwd', 'otp']);
      assert.equal(body.session.acr, 'mfa');
      assert.equal(body.session.issuer, demo.issuer);
      assert.equal(body.session.subject, 'ana');
      assert.equal(body.session.client, 'browser');
      assert.ok(Math.abs(Date.parse(body.session.auth_time) - Date.now()) < 60_000);
      assert.deepEqual(body.step_up, { satisfied: true });
      assert.deepEqual(await actions(w.db), ['user.provisioned', 'session.started']);
      const [user] = await rows(w.db, 'users');
      assert.deepEqual(JSON.parse(String(user!.roles)), ['approver']);
      assert.equal(user!.name, 'Ana Approver');

      // A password-only sign-in: amr pwd, and no step-up for acts of power.
      const ben = await signIn(w, { login: 'ben' });
      const benMe = (await whoami(w, ben)).json();
      assert.deepEqual(benMe.session.amr, ['pwd']);
      assert.equal(benMe.step_up.satisfied, false);
      assert.equal(benMe.step_up.need, 'mfa');

      // An admin by group; signing in again does not provision again, and the roles follow the groups.
      const ada = await signIn(w, { login: 'ada' });
      assert.deepEqual((await whoami(w, ada)).json().roles, ['admin']);
      demo.people.set({ ...demo.people.get('ana')!, groups: ['mandate-approvers', 'mandate-operators'] });
      try {
        const again = await signIn(w, { login: 'ana', otp: true });
        assert.deepEqual((await whoami(w, again)).json().roles, ['operator', 'approver']);
        assert.deepEqual((await whoami(w, ana)).json().roles, ['operator', 'approver'], 'every session of the user has the roles of now');
      } finally {
        demo.people.set({ ...demo.people.get('ana')!, groups: ['mandate-approvers'] });
      }
      const acts = await actions(w.db);
      assert.equal(acts.filter((a) => a === 'user.provisioned').length, 3);
      assert.equal(acts.filter((a) => a === 'user.roles_changed').length, 1);
      assert.equal(acts.filter((a) => a === 'session.started').length, 4);
    });

    test('step-up: the session signs in again with MFA and keeps its id; another person cannot step it up', async () => {
      const w = await fresh();
      const ana = await signIn(w, { login: 'ana' });
      const before = (await whoami(w, ana)).json();
      assert.equal(before.step_up.need, 'mfa');
      assertProblem(await w.app.inject({ method: 'GET', url: '/v1/signin?step_up=true' }), 401, 'UNAUTHENTICATED');
      const begin = await w.app.inject({
        method: 'GET',
        url: '/v1/signin?step_up=true&return_to=/console/approvals/1',
        headers: { cookie: ana.cookie },
      });
      const url = new URL(String(begin.headers.location));
      assert.equal(url.searchParams.get('prompt'), 'login');
      assert.equal(url.searchParams.get('login_hint'), 'ana');
      // The provider still has ana's session in this browser, and asks for the login again all the same.
      const { callbackUrl } = await followSignIn(url.href, { login: 'ana', otp: true }, ana.jar);
      const back = await w.app.inject({
        method: 'GET',
        url: callbackUrl.slice(PUBLIC_URL.length),
        headers: { cookie: `${ana.cookie}; mandate_signin=${cookiesOf(begin).mandate_signin}` },
      });
      assert.equal(back.statusCode, 302, back.body);
      assert.equal(back.headers.location, '/console/approvals/1');
      assert.doesNotMatch([back.headers['set-cookie']].flat().join('\n'), /mandate_session=mds_/, 'the session keeps its cookie');
      const after = (await whoami(w, ana)).json();
      assert.equal(after.session.id, before.session.id);
      assert.deepEqual(after.session.amr, ['pwd', 'otp']);
      assert.deepEqual(after.step_up, { satisfied: true });
      w.clock.now += 11 * MIN;
      assert.equal((await whoami(w, ana)).json().step_up.need, 'recent_sign_in');
      assert.deepEqual((await actions(w.db)).slice(-1), ['session.stepped_up']);

      // Ben at the provider cannot step up ana's session.
      const again = await w.app.inject({ method: 'GET', url: '/v1/signin?step_up=true', headers: { cookie: ana.cookie } });
      const { callbackUrl: cb } = await followSignIn(String(again.headers.location), { login: 'ben', otp: true });
      const refused = await w.app.inject({
        method: 'GET',
        url: cb.slice(PUBLIC_URL.length),
        headers: { cookie: `${ana.cookie}; mandate_signin=${cookiesOf(again).mandate_signin}` },
      });
      assert.match(assertProblem(refused, 401, 'SIGNIN_FAILED').detail, /not the same person/);
      assert.deepEqual((await whoami(w, ana)).json().session.amr, ['pwd', 'otp']);
    });

    test('the console can ask for the provider URL as JSON, and the callback can answer JSON', async () => {
      const w = await fresh();
      const begin = await w.app.inject({ method: 'GET', url: '/v1/signin', headers: { accept: 'application/json' } });
      assert.equal(begin.statusCode, 200);
      const { url } = begin.json();
      assert.ok(url.startsWith(`${demo.issuer}/auth?`));
      const params = new URL(url).searchParams;
      assert.equal(params.get('code_challenge_method'), 'S256');
      assert.ok(params.get('nonce') && params.get('state') && params.get('code_challenge'));
      const { callbackUrl } = await followSignIn(url, { login: 'carol' });
      const back = await w.app.inject({
        method: 'GET',
        url: callbackUrl.slice(PUBLIC_URL.length),
        headers: { accept: 'application/json', cookie: `mandate_signin=${cookiesOf(begin).mandate_signin}` },
      });
      assert.equal(back.statusCode, 200, back.body);
      assert.equal(back.json().user, 'carol');
      assert.deepEqual(back.json().roles, ['compliance_officer']);
    });

    test('a person without the groups claim is refused; nothing is written but the refusal', async () => {
      const w = await fresh();
      demo.people.set({ id: 'gus', name: 'Gus Nogroups', email: 'gus@demo.mandate.example', groups: [] });
      try {
        const back = await attempt(w, { login: 'gus' });
        const problem = assertProblem(back, 401, 'SIGNIN_FAILED');
        assert.match(problem.detail, /gus \(subject gus\) cannot sign in: the provider sent no "groups" claim/);
        assert.equal(back.headers['set-cookie'], undefined);
      } finally {
        demo.people.remove('gus');
      }
      // A person in groups that map to no role, through a relying party reading another claim name.
      const w2 = await fresh({ groupsClaim: 'roles' });
      const back = await attempt(w2, { login: 'ana' });
      assert.match(assertProblem(back, 401, 'SIGNIN_FAILED').detail, /no "roles" claim/);
      for (const x of [w, w2]) {
        assert.deepEqual(await actions(x.db), ['signin.refused']);
        for (const table of ['users', 'sessions', 'external_identities']) assert.deepEqual(await rows(x.db, table), [], table);
      }
      const [refusal] = await w.db.all<Record<string, unknown>>("SELECT * FROM events WHERE action = 'signin.refused'");
      assert.equal(refusal!.actor, 'anonymous');
      assert.equal(refusal!.subject_id, demo.issuer);
      assert.equal(JSON.parse(String(refusal!.after_doc)).code, 'SIGNIN_FAILED');
    });

    test('a wrong state, a replayed callback, one from another browser, a foreign iss: refused, only the refusal written', async () => {
      const w = await fresh();
      const begin = await w.app.inject({ method: 'GET', url: '/v1/signin' });
      const binding = `mandate_signin=${cookiesOf(begin).mandate_signin}`;
      const { callbackUrl } = await followSignIn(String(begin.headers.location), { login: 'ana' });
      const path = callbackUrl.slice(PUBLIC_URL.length);
      const tampered = path.replace(/state=[^&]+/, 'state=not-the-state');
      assert.match(
        assertProblem(await w.app.inject({ method: 'GET', url: tampered, headers: { cookie: binding } }), 401, 'SIGNIN_FAILED').detail,
        /unknown or was already used/,
      );
      assert.match(assertProblem(await w.app.inject({ method: 'GET', url: path }), 401, 'SIGNIN_FAILED').detail, /another browser/);
      // That consumed the sign-in: the same callback again is a replay.
      assert.match(
        assertProblem(await w.app.inject({ method: 'GET', url: path, headers: { cookie: binding } }), 401, 'SIGNIN_FAILED').detail,
        /unknown or was already used/,
      );
      assertProblem(await w.app.inject({ method: 'GET', url: '/v1/signin/callback?code=x' }), 401, 'SIGNIN_FAILED');

      const begin2 = await w.app.inject({ method: 'GET', url: '/v1/signin' });
      const { callbackUrl: cb2 } = await followSignIn(String(begin2.headers.location), { login: 'ana' });
      const foreign = cb2.slice(PUBLIC_URL.length).replace(/iss=[^&]+/, `iss=${encodeURIComponent('https://evil.example')}`);
      const problem = assertProblem(
        await w.app.inject({ method: 'GET', url: foreign, headers: { cookie: `mandate_signin=${cookiesOf(begin2).mandate_signin}` } }),
        401,
        'SIGNIN_FAILED',
      );
      assert.match(problem.detail, /iss/);
      assert.deepEqual(new Set(await actions(w.db)), new Set(['signin.refused']));
      for (const table of ['users', 'sessions', 'external_identities']) assert.deepEqual(await rows(w.db, table), [], table);
    });

    test("an ID token for another audience or issuer, nonce, or expired is refused (signed with the provider's key)", async () => {
      const forge = (change: Record<string, unknown>) => async (claims: Record<string, unknown>) =>
        new SignJWT({ ...claims, ...change })
          .setProtectedHeader({ alg: 'RS256', kid: demo.signingKey.kid })
          .sign(demo.signingKey.privateKey);
      for (const [change, pattern] of [
        [{ aud: 'another-client' }, /audience/],
        [{ iss: 'https://idp.elsewhere.example' }, /issuer/],
        [{ nonce: 'replayed' }, /nonce/],
        [{ exp: Math.floor(Date.now() / 1000) - 600 }, /timestamp|exp/],
      ] as const) {
        const w = await fresh({ rewrite: forge(change) });
        const back = await attempt(w, { login: 'ana' });
        assert.match(assertProblem(back, 401, 'SIGNIN_FAILED').detail, pattern);
        assert.deepEqual(await actions(w.db), ['signin.refused']);
        assert.deepEqual(await rows(w.db, 'sessions'), []);
      }
      // Signed by another key: the signature check refuses it.
      const other = await generateKeyPair('RS256');
      const w = await fresh({
        rewrite: async (claims) =>
          new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: demo.signingKey.kid }).sign(other.privateKey),
      });
      const back = await attempt(w, { login: 'ana' });
      assertProblem(back, 401, 'SIGNIN_FAILED');
      assert.deepEqual(await rows(w.db, 'sessions'), []);
    });

    test('refresh: roles follow the groups; a person the provider no longer signs in, or without a group, loses the session', async () => {
      const w = await fresh();
      const ana = await signIn(w, { login: 'ana', otp: true });
      const id = (await whoami(w, ana)).json().session.id;
      demo.people.set({ ...demo.people.get('ana')!, groups: ['mandate-operators'] });
      assert.deepEqual(await w.signin.refresh(id), { status: 'refreshed', roles: ['operator'] });
      assert.deepEqual((await whoami(w, ana)).json().roles, ['operator']);
      demo.people.set({ ...demo.people.get('ana')!, groups: [] });
      const lost = await w.signin.refresh(id);
      assert.equal(lost.status, 'ended');
      assert.equal((await whoami(w, ana)).statusCode, 401);
      const [user] = await w.db.all<{ roles: string }>("SELECT roles FROM users WHERE id = 'ana'");
      assert.deepEqual(JSON.parse(user!.roles), []);
      demo.people.set({ ...demo.people.get('ana')!, groups: ['mandate-approvers'] });

      const again = await signIn(w, { login: 'ana' });
      const id2 = (await whoami(w, again)).json().session.id;
      const saved = demo.people.get('ana')!;
      demo.people.remove('ana');
      try {
        const ended = await w.signin.refresh(id2);
        assert.equal(ended.status, 'ended');
        assert.match((ended as { reason: string }).reason, /no longer signs ana in: .*invalid_grant/);
      } finally {
        demo.people.set(saved);
      }
      assert.equal((await whoami(w, again)).statusCode, 401);
      const session = (
        await w.db.all<{ end_reason: string; sealed_refresh_token: string | null }>(
          'SELECT end_reason, sealed_refresh_token FROM sessions WHERE id = ?',
          [id2],
        )
      )[0]!;
      assert.equal(session.end_reason, 'provider_refused');
      assert.equal(session.sealed_refresh_token, null, 'an ended session keeps no provider token');
      const acts = await actions(w.db);
      for (const a of ['session.refreshed', 'user.roles_changed', 'session.ended']) assert.ok(acts.includes(a), a);
    });

    test("sign-out ends the session here at once and answers the provider's logout URL; CSRF is required with the cookie", async () => {
      const w = await fresh();
      const ana = await signIn(w, { login: 'ana' });
      // No header, a wrong one, another session's: refused, and the session still works.
      assertProblem(await w.app.inject({ method: 'POST', url: '/v1/signout', headers: { cookie: ana.cookie } }), 403, 'FORBIDDEN');
      assertProblem(await w.app.inject({ method: 'POST', url: '/v1/test/change', headers: { cookie: ana.cookie } }), 403, 'FORBIDDEN');
      assertProblem(
        await w.app.inject({ method: 'POST', url: '/v1/signout', headers: { cookie: ana.cookie, 'x-csrf-token': 'guess' } }),
        403,
        'FORBIDDEN',
      );
      const ben = await signIn(w, { login: 'ben' });
      const mixed = `${SESSION_COOKIE}=${ana.secret}; ${CSRF_COOKIE}=${ben.csrf}`;
      assertProblem(
        await w.app.inject({ method: 'POST', url: '/v1/test/change', headers: { cookie: mixed, 'x-csrf-token': ben.csrf } }),
        403,
        'FORBIDDEN',
      );
      const ok = await w.app.inject({ method: 'POST', url: '/v1/test/change', headers: { cookie: ana.cookie, 'x-csrf-token': ana.csrf } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((await whoami(w, ana)).statusCode, 200);

      const out = await w.app.inject({ method: 'POST', url: '/v1/signout', headers: { cookie: ana.cookie, 'x-csrf-token': ana.csrf } });
      assert.equal(out.statusCode, 200, out.body);
      const { session, logout_url } = out.json();
      assert.equal(session.end_reason, 'signed_out');
      const logout = new URL(logout_url);
      assert.equal(logout.origin + logout.pathname, `${demo.issuer}/session/end`);
      assert.ok(logout.searchParams.get('id_token_hint'));
      assert.equal(logout.searchParams.get('post_logout_redirect_uri'), `${PUBLIC_URL}/console`);
      assert.match([out.headers['set-cookie']].flat().join('\n'), /mandate_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
      assertProblem(await whoami(w, ana), 401, 'UNAUTHENTICATED');
      assert.equal((await whoami(w, ben)).statusCode, 200, 'other sessions go on');
      assert.ok((await actions(w.db)).includes('session.ended'));
    });

    test("an administrator ends anyone's session at once; others may not", async () => {
      const w = await fresh();
      const ana = await signIn(w, { login: 'ana' });
      const ada = await signIn(w, { login: 'ada' });
      const anaId = (await whoami(w, ana)).json().session.id;
      const adaId = (await whoami(w, ada)).json().session.id;
      assertProblem(
        await w.app.inject({ method: 'DELETE', url: `/v1/sessions/${adaId}`, headers: { cookie: ana.cookie, 'x-csrf-token': ana.csrf } }),
        403,
        'FORBIDDEN',
      );
      const list = await w.app.inject({ method: 'GET', url: '/v1/sessions?user=ana&open=true', headers: { cookie: ada.cookie } });
      assert.deepEqual(
        list.json().items.map((s: { id: string }) => s.id),
        [anaId],
      );
      const ended = await w.app.inject({
        method: 'DELETE',
        url: `/v1/sessions/${anaId}`,
        headers: { cookie: ada.cookie, 'x-csrf-token': ada.csrf },
      });
      assert.equal(ended.statusCode, 200, ended.body);
      assert.equal(ended.json().end_reason, 'ended_by_admin');
      assert.equal((await whoami(w, ana)).statusCode, 401);
      assertProblem(
        await w.app.inject({ method: 'DELETE', url: '/v1/sessions/ses_nope', headers: { cookie: ada.cookie, 'x-csrf-token': ada.csrf } }),
        404,
        'NOT_FOUND',
      );
      const [event] = await w.db.all<{ actor: string; reason: string }>("SELECT actor, reason FROM events WHERE action = 'session.ended'");
      assert.equal(event!.actor, 'user:ada');
      assert.deepEqual(
        (await w.signin.endAllFor('ada', 'user:ada', 'signed_out', 'all of mine')).map((s) => s.id),
        [adaId],
      );
      assert.equal((await whoami(w, ada)).statusCode, 401);
    });

    test('the CLI signs in with the device authorization grant and calls with its bearer session, no CSRF needed', async () => {
      const w = await fresh();
      const started = await w.app.inject({ method: 'POST', url: '/v1/signin/device' });
      assert.equal(started.statusCode, 200, started.body);
      const d = started.json();
      assert.match(d.handle, /^mdd_/);
      assert.equal(d.verification_uri, `${demo.issuer}/device`);
      const poll = () => w.app.inject({ method: 'POST', url: '/v1/signin/device/poll', payload: { handle: d.handle } });
      assert.deepEqual((await poll()).json(), { status: 'pending', interval: d.interval });
      assert.equal((await poll()).json().status, 'slow_down', 'faster than the interval');
      await approveDevice(d.verification_uri, d.user_code, { login: 'ben', otp: true });
      w.clock.now += d.interval * 1000;
      const done = await poll();
      assert.equal(done.statusCode, 200, done.body);
      const body = done.json();
      assert.equal(body.status, 'complete');
      assert.equal(body.user, 'ben');
      assert.match(body.session_token, /^mds_/);
      assert.equal(body.session.client, 'cli');
      assert.deepEqual(body.session.amr, ['pwd', 'otp']);
      const bearer = { authorization: `Bearer ${body.session_token}` };
      const me = await w.app.inject({ method: 'GET', url: '/v1/session', headers: bearer });
      assert.equal(me.json().user, 'ben');
      assert.equal((await w.app.inject({ method: 'POST', url: '/v1/test/change', headers: bearer })).statusCode, 200);
      assertProblem(await poll(), 401, 'SIGNIN_FAILED');
      assertProblem(
        await w.app.inject({ method: 'POST', url: '/v1/signin/device/poll', payload: { handle: 'mdd_x' } }),
        401,
        'SIGNIN_FAILED',
      );
      // A token that is not a session is no session (an API token is the server's other check).
      assertProblem(
        await w.app.inject({ method: 'GET', url: '/v1/session', headers: { authorization: 'Bearer mdt_something' } }),
        401,
        'UNAUTHENTICATED',
      );
    });

    test("idle and absolute timeouts, with the service's clock; the sweep ends them with events", async () => {
      const w = await fresh();
      const ana = await signIn(w, { login: 'ana' });
      w.clock.now += 29 * MIN;
      assert.equal((await whoami(w, ana)).statusCode, 200, 'used within the idle timeout');
      w.clock.now += 29 * MIN;
      assert.equal((await whoami(w, ana)).statusCode, 200, 'the last use moved the idle timeout');
      w.clock.now += 31 * MIN;
      assert.equal((await whoami(w, ana)).statusCode, 401, 'idle too long');

      const ben = await signIn(w, { login: 'ben' });
      const start = w.clock.now;
      while (w.clock.now - start < 12 * 60 * MIN - 20 * MIN) {
        w.clock.now += 20 * MIN;
        assert.equal((await whoami(w, ben)).statusCode, 200);
      }
      w.clock.now = start + 12 * 60 * MIN;
      assert.equal((await whoami(w, ben)).statusCode, 401, 'past the maximum age, however used');
      assert.equal(await w.signin.housekeeping().then((h) => h.swept), 2);
      const reasons = await w.db.all<{ end_reason: string }>('SELECT end_reason FROM sessions ORDER BY created_at');
      assert.deepEqual(
        reasons.map((r) => r.end_reason),
        ['idle_timeout', 'absolute_timeout'],
      );
      assert.equal((await actions(w.db)).filter((a) => a === 'session.ended').length, 2);
    });

    test('no secret is stored in plaintext: session secret, CSRF token, refresh and ID tokens, PKCE verifier', async () => {
      const w = await fresh();
      const ana = await signIn(w, { login: 'ana', otp: true });
      const begun = await w.app.inject({ method: 'GET', url: '/v1/signin' });
      const tokens = w.seen.map((t) => JSON.parse(t) as { refresh_token?: string; id_token?: string; access_token?: string });
      const secrets = [
        ana.secret,
        ana.csrf,
        cookiesOf(begun).mandate_signin!,
        ...tokens.flatMap((t) => [t.refresh_token!, t.id_token!, t.access_token!]),
      ];
      assert.ok(tokens[0]?.refresh_token, 'the provider gave a refresh token');
      const dump: string[] = [];
      for (const table of ['sessions', 'signin_requests', 'users', 'external_identities', 'events'])
        dump.push(JSON.stringify(await rows(w.db, table)));
      const all = dump.join('\n');
      for (const s of secrets) assert.ok(!all.includes(s), `a secret (${s.slice(0, 6)}…) is in the store`);
      const [pending] = await rows(w.db, 'signin_requests');
      assert.match(String(pending!.sealed), /^v1:/, 'the PKCE verifier is sealed');
      assert.match(String(pending!.id), /^[0-9a-f]{64}$/, "a pending sign-in is found by its state's digest");
      const [row] = await rows(w.db, 'sessions');
      assert.match(String(row!.sealed_refresh_token), /^v1:/);
      assert.match(String(row!.secret_hash), /^[0-9a-f]{64}$/);
      // And the session still works after a refresh with the sealed token.
      assert.equal((await w.signin.refresh(String(row!.id))).status, 'refreshed');
      assert.equal((await whoami(w, ana)).statusCode, 200);
    });

    test('Mandate authenticates to the provider with private_key_jwt from a key file (JWK or PEM)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mandate-oidc-key-'));
      try {
        for (const format of ['jwk', 'pem'] as const) {
          const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
          const file = join(dir, `client.${format}`);
          writeFileSync(
            file,
            format === 'jwk'
              ? JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256' })
              : await exportPKCS8(privateKey),
          );
          const key = await loadClientKey(file);
          const clientId = `mandate-pkjwt-${format}`;
          const own = await startDemoProvider({
            clients: [
              {
                client_id: clientId,
                redirect_uris: [`${PUBLIC_URL}/v1/signin/callback`],
                jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: key.kid!, alg: 'ES256' }] },
              },
            ],
          });
          try {
            const db = await store.open();
            const signin = signinService({
              db,
              clock: () => new Date(),
              kek: randomBytes(32),
              provider: openIdProvider({ issuer: own.issuer, clientId, clientKey: key }),
              config: {
                redirectUri: `${PUBLIC_URL}/v1/signin/callback`,
                scope: 'openid profile',
                groupsClaim: 'groups',
                roleMap: DEMO_ROLE_MAP,
                limits: { idleMs: 30 * MIN, maxMs: 60 * MIN },
                stepUp: { maxAgeMs: 10 * MIN },
              },
            });
            const begun = await signin.begin();
            const { callbackUrl } = await followSignIn(begun.url, { login: 'olga' });
            const done = await signin.complete(callbackUrl, begun.binding);
            assert.deepEqual(done.roles, ['operator']);
            assert.equal((await signin.authenticate(done.secret!))?.user, 'olga');
          } finally {
            await own.close();
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('a provider that cannot be reached: sign-in fails closed with 503, existing sessions go on until they time out', async () => {
      const own = await startDemoProvider({ clients: [{ ...CLIENT, redirect_uris: [`${PUBLIC_URL}/v1/signin/callback`] }] });
      const w = await world(await store.open(), own);
      opened.push(w);
      const ana = await signIn(w, { login: 'ana' });
      const id = (await whoami(w, ana)).json().session.id;
      await own.close();
      const down = assertProblem(await w.app.inject({ method: 'GET', url: '/v1/signin' }), 503, 'SIGNIN_UNAVAILABLE');
      assert.match(down.detail, /cannot be used: connection failed/);
      assertProblem(await w.app.inject({ method: 'POST', url: '/v1/signin/device' }), 503, 'SIGNIN_UNAVAILABLE');
      assert.equal((await whoami(w, ana)).statusCode, 200, 'the session goes on');
      const r = await w.signin.refresh(id);
      assert.equal(r.status, 'unavailable');
      assert.equal((await whoami(w, ana)).statusCode, 200, 'a refresh that cannot reach the provider does not end it');
      assert.deepEqual(
        (await actions(w.db)).filter((a) => a !== 'user.provisioned' && a !== 'session.started'),
        [],
      );
    });
  });
}
