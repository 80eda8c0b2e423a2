// `mandate login --sso`: the CLI signs a person in at the firm's OpenID provider with the device
// authorization grant (RFC 8628) through the server (POST /v1/signin/device, then …/poll), and gets
// a session secret `mds_…` that it stores in the profile like an API token. The secret is never
// printed. `mandate logout` ends such a session at the server (POST /v1/signout) before forgetting it.
//
// Where the provider offers no device grant (or with --loopback), the CLI listens on 127.0.0.1 on a
// free port and has the browser sign in through the server (GET /v1/signin?return_to=<that
// listener>&code_challenge=…): the browser comes back to the listener with a one-time code only,
// which the CLI redeems with the verifier it kept (POST /v1/signin/loopback/redeem) for the secret.
// `--step-up` signs the stored session in again with MFA the same ways, keeping the session.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeviceStarted } from '../signin/service.js';
import { Client, CliError } from './client.js';
import { note } from './output.js';

/** POST /v1/signin/device/poll's answer, as the wire has it (the secret is `session_token`). */
interface DevicePolled {
  status: 'pending' | 'slow_down' | 'complete';
  interval?: number;
  session_token?: string;
}
export interface SessionInfo {
  user: string;
  roles: string[];
  session: { id: string; expires_at: string; idle_expires_at: string; amr?: string[]; auth_time?: string | null };
  step_up?: { satisfied: boolean; need?: string; reason?: string };
}

/** How the CLI may show the person a sign-in page: e.g. open it in their browser (absent: it only prints the URL). */
export type Opener = (url: string) => void;

/** Whether a stored credential is a sign-in session (not an API token). */
export const isSession = (token: string): boolean => token.startsWith('mds_');

const expired = () =>
  new CliError('the sign-in code expired before it was approved at the provider: run mandate login --sso again', 1, {
    code: 'SIGNIN_EXPIRED',
  });

/**
 * Runs the device sign-in against `url`: tells the person (on stderr) where to go and which code
 * to enter, polls at the server's interval (longer after slow_down) until approved or expired.
 */
export async function deviceSignIn(url: string, opts: { stepUpToken?: string } = {}): Promise<{ token: string; info: SessionInfo }> {
  const anonymous = new Client({ url });
  const { stepUpToken } = opts;
  const { body: started } = stepUpToken
    ? await new Client({ url, token: stepUpToken }).request<DeviceStarted>('POST', '/v1/signin/device?step_up=true')
    : await anonymous.request<DeviceStarted>('POST', '/v1/signin/device', { anonymous: true });
  note(`Open ${started.verification_uri_complete ?? started.verification_uri} and enter the code ${started.user_code}`);
  note('Waiting for you to approve the sign-in there (Ctrl-C to give up)…');
  const deadline = Date.now() + started.expires_in * 1000;
  let interval = Math.max(1, started.interval);
  for (;;) {
    if (Date.now() + interval * 1000 > deadline) {
      await sleep(Math.max(0, deadline - Date.now()));
      throw expired();
    }
    await sleep(interval * 1000);
    let polled: DevicePolled;
    try {
      ({ body: polled } = await anonymous.request<DevicePolled>('POST', '/v1/signin/device/poll', {
        body: { handle: started.handle },
        anonymous: true,
      }));
    } catch (err) {
      if (err instanceof CliError && /expired/i.test(String((err.body as { detail?: string } | undefined)?.detail ?? ''))) throw expired();
      throw err;
    }
    if (polled.status === 'complete') {
      const token = stepUpToken ?? polled.session_token;
      if (!token || !isSession(token))
        throw new CliError('the server completed the sign-in without a session', 1, { code: 'SIGNIN_FAILED' });
      const { body: info } = await new Client({ url, token }).request<SessionInfo>('GET', '/v1/session');
      return { token, info };
    }
    if (polled.status === 'slow_down') interval = Math.max(interval + 5, polled.interval ?? 0);
    else if (polled.interval) interval = Math.max(1, polled.interval);
  }
}

/** The server said its provider has no device authorization grant: the CLI signs in with a loopback redirect instead. */
export function noDeviceGrant(err: unknown): boolean {
  if (!(err instanceof CliError) || err.status !== 503) return false;
  const body = (err.body ?? {}) as { code?: string; field?: string; detail?: string };
  return (
    body.code === 'SIGNIN_UNAVAILABLE' &&
    (body.field === 'device_authorization_endpoint' || /device authorization grant/.test(body.detail ?? ''))
  );
}

const page = (title: string, text: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:30rem;margin:3rem auto"><h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * Listens on 127.0.0.1 (a free port) for the browser coming back with the one-time code: answers
 * the listener's callback URL, and the code when it arrives (or a refusal, or a timeout).
 */
async function loopbackListener(timeoutMs: number): Promise<{ redirect: string; code: Promise<string>; close(): void }> {
  let settle: { resolve(code: string): void; reject(err: Error): void } | undefined;
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const server = createServer((req, res) => {
    const at = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (req.method !== 'GET' || at.pathname !== '/callback') {
      res.statusCode = 404;
      return res.end(page('Not found', 'This is the Mandate CLI waiting for a sign-in.'));
    }
    const got = at.searchParams.get('code');
    const error = at.searchParams.get('error');
    const why = at.searchParams.get('error_description');
    if (got && /^mdl_[A-Za-z0-9_-]{43}$/.test(got)) {
      res.end(page('Signed in', 'You can close this page and go back to the terminal.'));
      return settle?.resolve(got);
    }
    res.statusCode = 400;
    res.end(page('Sign-in failed', 'Go back to the terminal.'));
    settle?.reject(
      new CliError(`the sign-in failed: ${(why ?? error ?? 'no code came back').slice(0, 300)}`, 1, {
        code: 'SIGNIN_FAILED',
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const timer = setTimeout(
    () =>
      settle?.reject(
        new CliError('no sign-in came back from the browser in time: run mandate login --sso again', 1, { code: 'SIGNIN_EXPIRED' }),
      ),
    timeoutMs,
  );
  const close = () => {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  };
  return { redirect: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, code, close };
}

/**
 * Signs in (or, with `stepUpToken`, steps that session up) with a loopback redirect: a verifier
 * kept here, its S256 challenge sent with the sign-in, the one-time code the browser brings back
 * redeemed with it. The person is told (on stderr) which URL to open; `open` may open it for them.
 */
export async function loopbackSignIn(
  url: string,
  opts: { stepUpToken?: string; open?: Opener; timeoutMs?: number } = {},
): Promise<{ token: string; info: SessionInfo }> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
  const listener = await loopbackListener(opts.timeoutMs ?? 10 * 60_000);
  try {
    const q = new URLSearchParams({ return_to: listener.redirect, code_challenge: challenge, code_challenge_method: 'S256' });
    let signInUrl = new URL(`/v1/signin?${q}`, url).href;
    if (opts.stepUpToken) {
      // The session proves itself with its Bearer secret; the server answers the provider's URL to open.
      q.set('step_up', 'true');
      const { body } = await new Client({ url, token: opts.stepUpToken }).request<{ url: string }>('GET', `/v1/signin?${q}`, {
        headers: { accept: 'application/json' },
      });
      signInUrl = body.url;
    }
    note(`Open ${signInUrl} in a browser to sign in${opts.stepUpToken ? ' again, with your one-time code' : ''}`);
    note(`Waiting for the browser to come back to ${listener.redirect} (Ctrl-C to give up)…`);
    opts.open?.(signInUrl);
    const code = await listener.code;
    const { body } = await new Client({ url }).request<{ session_token?: string }>('POST', '/v1/signin/loopback/redeem', {
      body: { code, code_verifier: verifier },
      anonymous: true,
    });
    const token = opts.stepUpToken ?? body.session_token;
    if (!token || !isSession(token)) throw new CliError('the server completed the sign-in without a session', 1, { code: 'SIGNIN_FAILED' });
    const { body: info } = await new Client({ url, token }).request<SessionInfo>('GET', '/v1/session');
    return { token, info };
  } finally {
    listener.close();
  }
}

/**
 * `mandate login --sso` (and `--step-up`): the device grant where the provider offers it, else (or
 * with `loopback`) a loopback redirect.
 */
export async function ssoSignIn(
  url: string,
  opts: { loopback?: boolean; stepUpToken?: string; open?: Opener } = {},
): Promise<{ token: string; info: SessionInfo }> {
  const { loopback, ...rest } = opts;
  if (!loopback) {
    try {
      return await deviceSignIn(url, rest.stepUpToken ? { stepUpToken: rest.stepUpToken } : {});
    } catch (err) {
      if (!noDeviceGrant(err)) throw err;
      note('The identity provider offers no device code sign-in: signing in through a browser on this machine instead.');
    }
  }
  return loopbackSignIn(url, rest);
}

/** Opens a URL in the person's browser, best effort (the URL is printed either way). */
export const openBrowser: Opener = (url) => {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    spawn(cmd, args, { stdio: 'ignore', detached: true })
      .on('error', () => undefined)
      .unref();
  } catch {
    // the URL is on stderr: the person opens it
  }
};

/**
 * Ends a stored session at its server (POST /v1/signout). A failure (the server unreachable, the
 * session already ended) is a warning: the profile is forgotten either way.
 */
export async function endSession(url: string, token: string): Promise<boolean> {
  try {
    await new Client({ url, token }).request('POST', '/v1/signout');
    return true;
  } catch (err) {
    if (err instanceof CliError && err.status === 401) {
      note('warning: the session had already ended at the server');
      return false;
    }
    note(
      `warning: could not end the session at ${url} (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); ` +
        'it ends by itself when it expires, or an administrator can end it',
    );
    return false;
  }
}
