// A browser's part in single sign-on, with plain fetch and a cookie jar: sign in at the demo
// provider's login form (src/demo/oidc-provider.ts) and come back with the callback URL, approve a
// device-flow user code as a person, confirm an RP-initiated logout.
import { DEMO_OTP, DEMO_PASSWORD } from '../../src/demo/oidc-provider.js';

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
