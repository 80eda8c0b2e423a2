// A browser's part in single sign-on, with plain fetch and a cookie jar: sign in at the demo
// provider's login form (src/demo/oidc-provider.ts) and come back with the callback URL, approve a
// device-flow user code as a person, confirm an RP-initiated logout.
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { DEMO_OTP, DEMO_PASSWORD, DEMO_ROLE_MAP, startDemoProvider, type DemoProvider } from '../../src/demo/oidc-provider.js';
import type { SigninConfig } from '../../src/signin/service.js';

/** Cookies by origin (stricter than a browser, which shares them across a host's ports). */
export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  header(url: string): string | undefined {
    const jar = this.byOrigin.get(new URL(url).origin);
    return jar?.size ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  store(url: string, res: Response): void {
    const origin = new URL(url).origin;
    const jar = this.byOrigin.get(origin) ?? new Map<string, string>();
    this.byOrigin.set(origin, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) <= Date.now()),
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  get(origin: string, name: string): string | undefined {
    return this.byOrigin.get(new URL(origin).origin)?.get(name);
  }
}

export interface Person {
  login: string;
  password?: string;
  /** The one-time code: true for the demo's, a string for another (a wrong one), absent for a password-only sign-in. */
  otp?: boolean | string;
}

/** One request as a browser makes it: the jar's cookies out, its Set-Cookie in, no redirect followed. */
export async function browse(
  jar: CookieJar,
  url: string,
  init: { method?: string; form?: Record<string, string> } = {},
): Promise<Response> {
  const cookie = jar.header(url);
  const res = await fetch(url, {
    method: init.method ?? (init.form ? 'POST' : 'GET'),
    redirect: 'manual',
    headers: { ...(cookie ? { cookie } : {}), ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
  });
  jar.store(url, res);
  return res;
}

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const formAction = (html: string, id: string) => new RegExp(`<form id="${id.replace('.', '\\.')}"[^>]*action="([^"]+)"`).exec(html)?.[1];

function credentials(person: Person): Record<string, string> {
  const otp = person.otp === true ? DEMO_OTP : typeof person.otp === 'string' ? person.otp : '';
  return { login: person.login, password: person.password ?? DEMO_PASSWORD, otp };
}

/**
 * Follows redirects from `url` at the provider, signing in on its login form when it shows one,
 * until a redirect leaves the provider: answers that URL (the relying party's callback, with code
 * and state, or error). Throws when the provider answers with a page (a refused login: its text).
 */
export async function followSignIn(
  url: string,
  person: Person | undefined,
  jar = new CookieJar(),
): Promise<{ callbackUrl: string; jar: CookieJar }> {
  const provider = new URL(url).origin;
  let next = url;
  let form: Record<string, string> | undefined;
  for (let hops = 0; hops < 20; hops++) {
    const res = await browse(jar, next, form ? { form } : {});
    form = undefined;
    const location = res.headers.get('location');
    if (location) {
      const target = new URL(location, next).toString();
      if (new URL(target).origin !== provider) return { callbackUrl: target, jar };
      next = target;
      continue;
    }
    const html = await res.text();
    const login = /<form method="post" action="(\/interaction\/[^"]+\/login)"/.exec(html)?.[1];
    if (res.status === 200 && login && person) {
      next = new URL(login, next).toString();
      form = credentials(person);
      continue;
    }
    throw new Error(
      `the provider answered ${res.status} at ${new URL(next).pathname}: ${html
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 400)}`,
    );
  }
  throw new Error('too many redirects at the provider');
}

/**
 * Approves a device-flow user code as a person, as they would in a browser: the code page, the
 * confirmation, the login form. Answers when the provider says the device is signed in.
 */
export async function approveDevice(verificationUri: string, userCode: string, person: Person, jar = new CookieJar()): Promise<void> {
  const first = await browse(jar, verificationUri);
  const input = await first.text();
  const action = new URL(formAction(input, 'op.deviceInputForm') ?? '/device', verificationUri).toString();
  const confirmPage = await browse(jar, action, { form: { xsrf: hidden(input, 'xsrf') ?? '', user_code: userCode } });
  const confirmHtml = await confirmPage.text();
  const xsrf = hidden(confirmHtml, 'xsrf');
  if (!xsrf)
    throw new Error(
      `no confirmation page for ${userCode}: ${confirmHtml
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 300)}`,
    );
  const confirmAction = new URL(formAction(confirmHtml, 'op.deviceConfirmForm') ?? '/device', action).toString();
  let res = await browse(jar, confirmAction, { form: { xsrf, user_code: hidden(confirmHtml, 'user_code') ?? userCode, confirm: 'yes' } });
  let at = confirmAction;
  for (let hops = 0; hops < 20; hops++) {
    const location = res.headers.get('location');
    if (location) {
      at = new URL(location, at).toString();
      res = await browse(jar, at);
      continue;
    }
    const html = await res.text();
    const login = /<form method="post" action="(\/interaction\/[^"]+\/login)"/.exec(html)?.[1];
    if (login) {
      at = new URL(login, at).toString();
      res = await browse(jar, at, { form: credentials(person) });
      continue;
    }
    if (res.status === 200 && /Device signed in/.test(html)) return;
    throw new Error(
      `device approval ended with ${res.status}: ${html
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 300)}`,
    );
  }
  throw new Error('too many redirects approving the device');
}

/** Confirms an RP-initiated logout at the provider; answers where it sends the browser after. */
export async function confirmLogout(logoutUrl: string, jar: CookieJar): Promise<string | undefined> {
  const res = await browse(jar, logoutUrl);
  const html = await res.text();
  const action = formAction(html, 'op.logoutForm');
  if (!action) throw new Error(`no logout form: ${res.status}`);
  let out = await browse(jar, new URL(action, logoutUrl).toString(), { form: { xsrf: hidden(html, 'xsrf') ?? '', logout: 'yes' } });
  let at = new URL(action, logoutUrl).toString();
  for (let hops = 0; hops < 10; hops++) {
    const location = out.headers.get('location');
    if (!location) return undefined;
    at = new URL(location, at).toString();
    if (new URL(at).origin !== new URL(logoutUrl).origin) return at;
    out = await browse(jar, at);
  }
  return at;
}

// ---- One demo provider a test process shares, for apps built with testApp(…, { sso: true }).

/** The public URL test apps sign in under (app.inject: nothing listens there; loopback, so no Secure cookies). */
export const TEST_PUBLIC_URL = 'http://127.0.0.1:8080';
const TEST_CLIENT = { client_id: 'mandate-test-app', client_secret: `secret-${randomBytes(16).toString('hex')}` };

let shared: Promise<DemoProvider> | undefined;
let users = 0;

/**
 * The sign-in configuration of a test app against the process's shared demo provider (started at
 * the first use, closed when the last app using it closes): the demo people, DEMO_ROLE_MAP, a
 * 10-minute step-up.
 */
export async function sharedSignin(): Promise<{ config: SigninConfig; publicUrl: string; release(): Promise<void> }> {
  shared ??= startDemoProvider({
    clients: [
      {
        ...TEST_CLIENT,
        redirect_uris: [`${TEST_PUBLIC_URL}/v1/signin/callback`],
        post_logout_redirect_uris: [`${TEST_PUBLIC_URL}/console`],
      },
    ],
  });
  const demo = await shared;
  users++;
  let released = false;
  return {
    publicUrl: TEST_PUBLIC_URL,
    config: {
      issuer: demo.issuer,
      clientId: TEST_CLIENT.client_id,
      clientSecret: TEST_CLIENT.client_secret,
      scope: 'openid profile email offline_access',
      groupsClaim: 'groups',
      roleMap: DEMO_ROLE_MAP,
      idleMinutes: 30,
      maxHours: 12,
      stepUp: { maxAgeMinutes: 10 },
    },
    async release() {
      if (released) return;
      released = true;
      if (--users > 0 || !shared) return;
      const closing = shared;
      shared = undefined;
      await (await closing).close();
    },
  };
}

/** A person signed in to a test app: their session's cookies, and calls made with them (CSRF header on unsafe ones). */
export interface SignedIn {
  user: string;
  secret: string;
  csrf: string;
  cookie: string;
  /** Headers of a browser request with this session: the cookie, and the CSRF token on an unsafe method. */
  headers(method: string): Record<string, string>;
  /** Signs in again at the provider for this session (step-up), with or without the one-time code. */
  stepUp(opts?: { mfa?: boolean }): Promise<void>;
}

type Inject = (o: { method: 'GET'; url: string; headers?: Record<string, string> }) => Promise<{
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
  json(): any;
}>;

/** The cookies an answer sets (name → value). */
export const setCookies = (res: { headers: Record<string, unknown> }) => {
  const out: Record<string, string> = {};
  for (const line of [res.headers['set-cookie'] ?? []].flat() as string[]) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    out[pair!.slice(0, eq)] = pair!.slice(eq + 1);
  }
  return out;
};

/** Signs a demo person in to an app (through app.inject for Mandate, fetch for the provider), as a browser does. */
export async function signInto(inject: Inject, login: string, opts: { mfa?: boolean } = {}): Promise<SignedIn> {
  async function roundTrip(query: string, cookie: string | undefined, mfa: boolean): Promise<Record<string, string>> {
    const begin = await inject({ method: 'GET', url: `/v1/signin${query}`, ...(cookie ? { headers: { cookie } } : {}) });
    if (begin.statusCode !== 302) throw new Error(`sign-in did not start: ${begin.statusCode} ${begin.body}`);
    const binding = setCookies(begin).mandate_signin!;
    const { callbackUrl } = await followSignIn(String(begin.headers.location), { login, otp: mfa });
    const back = await inject({
      method: 'GET',
      url: callbackUrl.slice(TEST_PUBLIC_URL.length),
      headers: { cookie: [`mandate_signin=${binding}`, cookie].filter(Boolean).join('; ') },
    });
    if (back.statusCode !== 302) throw new Error(`sign-in refused: ${back.statusCode} ${back.body}`);
    return setCookies(back);
  }
  const c = await roundTrip('', undefined, opts.mfa ?? false);
  const secret = c.mandate_session!;
  const csrf = c.mandate_csrf!;
  const cookie = `mandate_session=${secret}; mandate_csrf=${csrf}`;
  const me = await inject({ method: 'GET', url: '/v1/session', headers: { cookie } });
  if (me.statusCode !== 200) throw new Error(`no session after sign-in: ${me.body}`);
  return {
    user: me.json().user,
    secret,
    csrf,
    cookie,
    headers: (method) => ({ cookie, ...(['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) ? {} : { 'x-csrf-token': csrf }) }),
    async stepUp(o = {}) {
      await roundTrip('?step_up=true', cookie, o.mfa ?? true);
    },
  };
}

/**
 * A person's own API token from a running server, the way a person gets one: signed in through the
 * server's identity provider (with the one-time code: making a token is stepped up), then
 * POST /v1/users/{me}/tokens with the session's cookie and CSRF token.
 */
export async function personToken(serverUrl: string, person: Person): Promise<{ user: string; token: string }> {
  const jar = new CookieJar();
  const begin = await browse(jar, `${serverUrl}/v1/signin`);
  const location = begin.headers.get('location');
  if (begin.status !== 302 || !location) throw new Error(`sign-in did not start: ${begin.status} ${await begin.text()}`);
  const { callbackUrl } = await followSignIn(new URL(location, serverUrl).toString(), { otp: true, ...person }, jar);
  const back = await browse(jar, callbackUrl);
  if (back.status !== 302) throw new Error(`sign-in refused: ${back.status} ${await back.text()}`);
  const cookie = jar.header(serverUrl)!;
  const me = (await (await fetch(`${serverUrl}/v1/session`, { headers: { cookie } })).json()) as { user: string };
  const res = await fetch(`${serverUrl}/v1/users/${encodeURIComponent(me.user)}/tokens`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': jar.get(serverUrl, 'mandate_csrf') ?? '', 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'test' }),
  });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 201 || !body.token) throw new Error(`no token for ${me.user}: ${res.status} ${JSON.stringify(body)}`);
  return { user: me.user, token: body.token };
}

/**
 * A person's CLI session (`mds_…`, sent as Bearer) from a running server, the way `mandate login
 * --sso` gets one: the device grant through the server, approved at the provider with the one-time
 * code (so the session may approve, unseal and make tokens for the next minutes).
 */
export async function personSession(serverUrl: string, person: Person): Promise<{ user: string; token: string }> {
  const post = async (path: string, body?: unknown) => {
    const res = await fetch(`${serverUrl}${path}`, {
      method: 'POST',
      headers: body ? { 'content-type': 'application/json' } : {},
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const started = await post('/v1/signin/device');
  if (started.status !== 200) throw new Error(`device sign-in did not start: ${started.status} ${JSON.stringify(started.body)}`);
  const { verification_uri, user_code, handle } = started.body as { verification_uri: string; user_code: string; handle: string };
  await approveDevice(verification_uri, user_code, { otp: true, ...person });
  for (let tries = 0; tries < 10; tries++) {
    const polled = await post('/v1/signin/device/poll', { handle });
    if (polled.body.status === 'complete') {
      const token = String(polled.body.session_token);
      const me = (await (await fetch(`${serverUrl}/v1/session`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        user: string;
      };
      return { user: me.user, token };
    }
    if (polled.status !== 200) throw new Error(`device sign-in refused: ${polled.status} ${JSON.stringify(polled.body)}`);
    await new Promise((r) => setTimeout(r, Number(polled.body.interval ?? started.body.interval ?? 1) * 1000));
  }
  throw new Error(`device sign-in for ${person.login} did not complete`);
}

/** A free TCP port on loopback (a server's sign-in callback must be known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A test's own people at a demo provider it starts, for a `mandate serve` child configured to sign
 * in with it (MANDATE_OIDC_*): each person is in the group `mandate-<role>` of their role. Answers
 * the server's port, the environment to start it with, and the provider to close after.
 */
export async function providerForServer(people: readonly (readonly [string, string])[]): Promise<{
  port: number;
  env: Record<string, string>;
  close(): Promise<void>;
}> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const secret = `secret-${randomBytes(16).toString('hex')}`;
  const demo = await startDemoProvider({
    clients: [
      {
        client_id: 'mandate-cli-test',
        client_secret: secret,
        redirect_uris: [`${base}/v1/signin/callback`],
        post_logout_redirect_uris: [`${base}/console`],
      },
    ],
    people: people.map(([id, role]) => ({ id, name: id, email: `${id}@test.mandate.example`, groups: [`mandate-${role}`] })),
  });
  const roles = [...new Set(people.map(([, role]) => role))];
  return {
    port,
    env: {
      MANDATE_OIDC_ISSUER: demo.issuer,
      MANDATE_OIDC_CLIENT_ID: 'mandate-cli-test',
      MANDATE_OIDC_CLIENT_SECRET: secret,
      MANDATE_OIDC_ROLE_MAP: JSON.stringify(Object.fromEntries(roles.map((r) => [`mandate-${r}`, [r]]))),
    },
    close: () => demo.close(),
  };
}
