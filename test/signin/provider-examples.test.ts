// The configuration examples of docs/sign-in.md, tested: each is read from the page, loaded as a
// configuration file by the server's own loader (so an example that does not parse fails here),
// and a server started with it signs people in end to end against a real OpenID provider (the
// demo one, oidc-provider) whose ID tokens are shaped like that provider's: Keycloak's group paths
// and LoA acr without amr, Entra's app roles or group GUIDs and amr "mfa", Okta's group names and
// amr, Google's email and hd with neither amr nor acr. Every key is used as the page writes it but
// the issuer, the real provider's hostname, which the environment replaces with the local
// provider's URL (the environment wins over the file). Checked: the roles each person gets, who is
// refused, and whether their sign-in (with or without the second factor, and after a step-up)
// satisfies step-up, as the page says.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadServerConfig, signinConfigOf } from '../../src/config.js';
import { startDemoProvider, type DemoAuthentication, type DemoPerson } from '../../src/demo/oidc-provider.js';
import { startServer } from '../../src/server/start.js';
import { browse, CookieJar, followSignIn, freePort } from '../support/oidc-provider.js';

const PAGE = readFileSync(new URL('../../docs/sign-in.md', import.meta.url), 'utf8');
const EXAMPLES = new Map([...PAGE.matchAll(/<!-- example: ([a-z0-9-]+) -->\n```json\n([\s\S]*?)\n```/g)].map((m) => [m[1]!, m[2]!]));

const dir = mkdtempSync(join(tmpdir(), 'mandate-provider-examples-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const person = (id: string, email: string, groups: string[], claims?: Record<string, unknown>): DemoPerson => ({
  id,
  name: id,
  email,
  groups,
  ...(claims ? { claims } : {}),
});

interface SignIn {
  login: string;
  /** With the one-time code (the second factor). */
  mfa: boolean;
  /** The roles Mandate gives; absent: the sign-in is refused with `refused`. */
  roles?: string[];
  refused?: RegExp;
  /** Whether the sign-in satisfies step-up (an act of power goes through). */
  stepUp?: boolean;
}

interface Case {
  /** Where the real provider is: the example's issuer must be there. */
  issuer: RegExp;
  people: DemoPerson[];
  authentication: (mfa: boolean) => DemoAuthentication;
  signIns: SignIn[];
  /** A password sign-in, then a step-up with the second factor (GET /v1/signin?step_up=true): satisfied after? */
  stepsUp: { login: string; satisfied: boolean };
}

const CASES: Record<string, Case> = {
  // Group Membership mapper with full paths; acr from the realm's ACR to LoA mapping, no amr.
  keycloak: {
    issuer: /^https:\/\/[^/]+\/realms\/[^/]+$/,
    people: [
      person('carol', 'carol@firm.example', ['/mandate-compliance']),
      person('ana', 'ana@firm.example', ['/mandate-approvers', '/firm/everyone']),
      person('ada', 'ada@firm.example', ['/mandate-admins', '/mandate-approvers']),
      // The group's name without its path is not what Keycloak sends with full paths on, nor what the map names.
      person('mallory', 'mallory@firm.example', ['mandate-approvers']),
    ],
    authentication: (mfa) => ({ acr: mfa ? 'gold' : 'silver' }),
    signIns: [
      { login: 'ana', mfa: false, roles: ['approver'], stepUp: false },
      { login: 'ana', mfa: true, roles: ['approver'], stepUp: true },
      { login: 'carol', mfa: true, roles: ['compliance_officer'], stepUp: true },
      { login: 'ada', mfa: false, roles: ['approver', 'admin'], stepUp: false },
      { login: 'mallory', mfa: true, refused: /none of your groups \("mandate-approvers"\) gives a Mandate role/ },
    ],
    stepsUp: { login: 'ana', satisfied: true },
  },
  // App roles in the `roles` claim; MFA in amr; no roles claim at all for a person assigned none.
  'entra-app-roles': {
    issuer: /^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/v2\.0$/,
    people: [
      person('ana', 'ana@firm.example', [], { roles: ['Mandate.Approver'] }),
      person('olga', 'olga@firm.example', [], { roles: ['Mandate.Operator', 'Other.App.Role'] }),
      person('nobody', 'nobody@firm.example', []),
    ],
    authentication: (mfa) => ({ amr: mfa ? ['pwd', 'mfa'] : ['pwd'] }),
    signIns: [
      { login: 'ana', mfa: false, roles: ['approver'], stepUp: false },
      { login: 'ana', mfa: true, roles: ['approver'], stepUp: true },
      { login: 'olga', mfa: true, roles: ['operator'], stepUp: true },
      { login: 'nobody', mfa: true, refused: /the provider sent no "roles" claim/ },
    ],
    stepsUp: { login: 'olga', satisfied: true },
  },
  // Security groups by object id; a person over the overage limit gets no groups claim.
  'entra-groups': {
    issuer: /^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/v2\.0$/,
    people: [
      person('carol', 'carol@firm.example', ['6b1f0c2d-3e4a-4b5c-9d6e-7f8091a2b3c4', '0f0e0d0c-0b0a-4908-8706-050403020100']),
      person('ana', 'ana@firm.example', ['a2c4e6f8-1b3d-4f5a-8c7e-9d0b1a2c3e4f']),
      person('overage', 'overage@firm.example', []),
    ],
    authentication: (mfa) => ({ amr: mfa ? ['pwd', 'mfa'] : ['pwd'] }),
    signIns: [
      { login: 'carol', mfa: false, roles: ['compliance_officer'], stepUp: false },
      { login: 'ana', mfa: true, roles: ['approver'], stepUp: true },
      { login: 'overage', mfa: true, refused: /the provider sent no "groups" claim/ },
    ],
    stepsUp: { login: 'carol', satisfied: true },
  },
  // A groups claim on the authorization server, by name; MFA in amr.
  okta: {
    issuer: /^https:\/\/[a-z0-9-]+\.okta\.com\/oauth2\/[A-Za-z0-9]+$/,
    people: [
      person('carol', 'carol@firm.example', ['mandate-compliance']),
      person('ana', 'ana@firm.example', ['mandate-approvers']),
      person('olga', 'olga@firm.example', ['mandate-operators']),
      person('eve', 'eve@firm.example', ['Everyone']),
    ],
    authentication: (mfa) => ({ amr: mfa ? ['pwd', 'otp', 'mfa'] : ['pwd'] }),
    signIns: [
      { login: 'carol', mfa: true, roles: ['compliance_officer'], stepUp: true },
      { login: 'ana', mfa: false, roles: ['approver'], stepUp: false },
      { login: 'olga', mfa: true, roles: ['operator'], stepUp: true },
      { login: 'eve', mfa: true, refused: /none of your groups \("Everyone"\) gives a Mandate role/ },
    ],
    stepsUp: { login: 'ana', satisfied: true },
  },
  // No groups (email and hd only), neither amr nor acr: roles by address, and no act of power, ever.
  google: {
    issuer: /^https:\/\/accounts\.google\.com$/,
    people: [
      person('carol', 'carol@firm.example', [], { hd: 'firm.example' }),
      person('vera', 'vera@firm.example', [], { hd: 'firm.example' }),
      person('eve', 'eve@firm.example', [], { hd: 'firm.example' }),
    ],
    authentication: () => ({}),
    signIns: [
      { login: 'carol', mfa: true, roles: ['compliance_officer'], stepUp: false },
      { login: 'vera', mfa: false, roles: ['viewer'], stepUp: false },
      { login: 'eve', mfa: true, refused: /none of your groups \("eve@firm\.example"\) gives a Mandate role/ },
    ],
    stepsUp: { login: 'carol', satisfied: false },
  },
};

/** Writes an example as the page has it, readable by its owner only (it holds a client secret). */
function exampleFile(name: string, text: string): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${text}\n`);
  chmodSync(path, 0o600);
  return path;
}

/** A browser signs in at the server: the redirect, the provider's login form, the callback. */
async function signInAt(base: string, login: string, mfa: boolean, jar = new CookieJar(), query = '') {
  const begin = await browse(jar, `${base}/v1/signin${query}`);
  assert.equal(begin.status, 302, await begin.text());
  const { callbackUrl } = await followSignIn(new URL(begin.headers.get('location')!, base).toString(), { login, otp: mfa }, jar);
  const back = await browse(jar, callbackUrl);
  return { back, jar };
}

async function session(base: string, jar: CookieJar) {
  const res = await fetch(`${base}/v1/session`, { headers: { cookie: jar.header(base)! } });
  assert.equal(res.status, 200);
  return (await res.json()) as { user: string; roles: string[]; step_up: { satisfied: boolean; need?: string } };
}

/** An act of power: making one's own API token (POST /v1/users/{me}/tokens), with the session's cookie and CSRF token. */
async function actOfPower(base: string, jar: CookieJar, user: string) {
  const res = await fetch(`${base}/v1/users/${encodeURIComponent(user)}/tokens`, {
    method: 'POST',
    headers: { cookie: jar.header(base)!, 'x-csrf-token': jar.get(base, 'mandate_csrf') ?? '', 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'provider example' }),
  });
  return { status: res.status, body: (await res.json()) as { code?: string; step_up?: { need: string } } };
}

describe('the configuration examples of docs/sign-in.md', () => {
  test('the page has an example for each provider it describes, and only those', () => {
    assert.deepEqual([...EXAMPLES.keys()].sort(), Object.keys(CASES).sort());
  });

  for (const [name, c] of Object.entries(CASES)) {
    test(`${name}: the example loads as written, and people sign in with it as the page says`, async () => {
      const text = EXAMPLES.get(name);
      assert.ok(text, `docs/sign-in.md has no <!-- example: ${name} --> block`);
      const file = exampleFile(name, text);
      const doc = JSON.parse(text) as Record<string, unknown>;

      // As written: the real loader takes it, and single sign-on is fully configured.
      const written = signinConfigOf(loadServerConfig({}, { MANDATE_CONFIG: file }));
      assert.ok(written, 'the example configures single sign-on');
      assert.match(written.issuer, c.issuer);
      assert.equal(written.clientId, doc.MANDATE_OIDC_CLIENT_ID);

      // The same file against a local provider shaped like the real one: only the issuer is replaced.
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const provider = await startDemoProvider({
        clients: [
          {
            client_id: written.clientId,
            client_secret: written.clientSecret!,
            redirect_uris: [`${base}/v1/signin/callback`],
            post_logout_redirect_uris: [`${base}/console`],
          },
        ],
        people: c.people,
        authentication: c.authentication,
      });
      const config = loadServerConfig(
        {},
        {
          MANDATE_CONFIG: file,
          MANDATE_OIDC_ISSUER: provider.issuer,
          MANDATE_HOST: '127.0.0.1',
          MANDATE_PORT: String(port),
          MANDATE_DB: `sqlite:${join(dir, `${name}.db`)}`,
          MANDATE_KEK: randomBytes(32).toString('base64'),
          MANDATE_LOG_LEVEL: 'silent',
        },
      );
      assert.deepEqual({ ...signinConfigOf(config), issuer: written.issuer }, written, 'every other key is the example’s');
      const server = await startServer(config);
      try {
        assert.equal(server.url, base);
        for (const s of c.signIns) {
          const what = `${s.login} (${s.mfa ? 'with' : 'without'} the second factor)`;
          const { back, jar } = await signInAt(base, s.login, s.mfa);
          if (s.refused) {
            const problem = (await back.json()) as { code: string; detail: string };
            assert.equal(back.status, 401, `${what}: ${JSON.stringify(problem)}`);
            assert.equal(problem.code, 'SIGNIN_FAILED');
            assert.match(problem.detail, s.refused);
            continue;
          }
          assert.equal(back.status, 302, `${what}: ${await back.text()}`);
          const me = await session(base, jar);
          assert.deepEqual(me.roles, s.roles, what);
          assert.equal(me.step_up.satisfied, s.stepUp, `${what}: ${JSON.stringify(me.step_up)}`);
          const act = await actOfPower(base, jar, me.user);
          if (s.stepUp) assert.equal(act.status, 201, `${what}: ${JSON.stringify(act.body)}`);
          else {
            assert.equal(act.status, 401, `${what}: ${JSON.stringify(act.body)}`);
            assert.equal(act.body.code, 'STEP_UP_REQUIRED');
            assert.equal(act.body.step_up?.need, 'mfa');
          }
        }
        // A password sign-in, then the step-up the 401 points to, with the second factor.
        const { back, jar } = await signInAt(base, c.stepsUp.login, false);
        assert.equal(back.status, 302);
        assert.equal((await session(base, jar)).step_up.satisfied, false);
        const again = await signInAt(base, c.stepsUp.login, true, jar, '?step_up=true');
        assert.equal(again.back.status, 302, await again.back.text());
        const after = await session(base, jar);
        assert.equal(after.step_up.satisfied, c.stepsUp.satisfied, JSON.stringify(after.step_up));
      } finally {
        await server.close();
        await provider.close();
      }
    });
  }
});
