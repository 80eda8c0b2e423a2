// A real Mandate app listening on a loopback port, signing in with a demo provider of its own (with
// or without the device grant), for the CLI's sign-in tests: `mandate login --sso` runs in this
// process against it, and a fake browser (plain fetch with a cookie jar) plays the person's part.
import { randomBytes } from 'node:crypto';
import { DEFAULT_OIDC_SCOPES } from '../../src/config.js';
import { DEMO_ROLE_MAP, startDemoProvider, type DemoProvider } from '../../src/demo/oidc-provider.js';
import type { Database } from '../../src/store/db.js';
import { testApp, type TestApp } from './app.js';
import { browse, CookieJar, followSignIn, freePort, type Person } from './oidc-provider.js';

export interface SsoServer {
  t: TestApp;
  /** The app's URL (its public URL too). */
  url: string;
  demo: DemoProvider;
  close(): Promise<void>;
}

/** The app on a free port, its demo provider with `deviceFlow` (default true); `clock` moves the app's time. */
export async function ssoServer(db: Database, opts: { deviceFlow?: boolean; clock?: () => Date } = {}): Promise<SsoServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const secret = `secret-${randomBytes(16).toString('hex')}`;
  const demo = await startDemoProvider({
    deviceFlow: opts.deviceFlow ?? true,
    clients: [
      {
        client_id: 'mandate-cli-sso',
        client_secret: secret,
        redirect_uris: [`${url}/v1/signin/callback`],
        post_logout_redirect_uris: [`${url}/console`],
      },
    ],
  });
  // The server's defaults, a 10-minute step-up, the demo's groups.
  const limits = { idleMinutes: 30, maxHours: 12, stepUp: { maxAgeMinutes: 10 } };
  const client = { issuer: demo.issuer, clientId: 'mandate-cli-sso', clientSecret: secret };
  const config = { ...client, ...limits, scope: DEFAULT_OIDC_SCOPES, groupsClaim: 'groups', roleMap: DEMO_ROLE_MAP };
  const t = await testApp(db, opts.clock, { signin: { config, publicUrl: url }, publicUrl: url });
  await t.app.listen({ port, host: '127.0.0.1' });
  return {
    t,
    url,
    demo,
    async close() {
      await t.app.close();
      await demo.close();
    },
  };
}

/**
 * The person's browser for a loopback sign-in: opens `url` (the server's /v1/signin, or for a
 * step-up the provider's URL), signs in at the provider, follows the server's callback to the CLI's
 * listener. Answers the URL the browser was sent to there (with the one-time code), and the
 * listener's answer.
 */
export async function loopbackBrowser(
  url: string,
  person: Person,
  jar = new CookieJar(),
): Promise<{ loopbackUrl: string; status: number }> {
  const { callbackUrl } = await followSignIn(await atProvider(url, jar), person, jar);
  const back = await browse(jar, callbackUrl);
  const loopbackUrl = back.headers.get('location');
  if (back.status !== 302 || !loopbackUrl) throw new Error(`the callback answered ${back.status}: ${await back.text()}`);
  const res = await browse(jar, loopbackUrl);
  await res.text();
  return { loopbackUrl, status: res.status };
}

/** Where the browser lands at the provider: the server's /v1/signin redirects there (setting its binding cookie). */
async function atProvider(url: string, jar: CookieJar): Promise<string> {
  if (!/\/v1\/signin\?/.test(url)) return url;
  const res = await browse(jar, url);
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`sign-in did not start: ${res.status} ${await res.text()}`);
  return new URL(location, url).href;
}

/** A person signed in to the server in a browser (cookie and CSRF token), with or without MFA. */
export async function browserSession(serverUrl: string, person: Person): Promise<{ headers(method: string): Record<string, string> }> {
  const jar = new CookieJar();
  const { callbackUrl } = await followSignIn(await atProvider(`${serverUrl}/v1/signin?return_to=/console`, jar), person, jar);
  const back = await browse(jar, callbackUrl);
  if (back.status !== 302) throw new Error(`sign-in refused: ${back.status} ${await back.text()}`);
  const cookie = jar.header(serverUrl)!;
  const csrf = jar.get(serverUrl, 'mandate_csrf') ?? '';
  return {
    headers: (method) => ({
      cookie,
      ...(['GET', 'HEAD'].includes(method) ? {} : { 'x-csrf-token': csrf, 'content-type': 'application/json' }),
    }),
  };
}
