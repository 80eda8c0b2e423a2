// `mandate login --sso`: the CLI signs a person in at the firm's OpenID provider with the device
// authorization grant (RFC 8628) through the server (POST /v1/signin/device, then …/poll), and gets
// a session secret `mds_…` that it stores in the profile like an API token. The secret is never
// printed. `mandate logout` ends such a session at the server (POST /v1/signout) before forgetting it.
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
  session: { id: string; expires_at: string; idle_expires_at: string };
}

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
export async function deviceSignIn(url: string): Promise<{ token: string; info: SessionInfo }> {
  const anonymous = new Client({ url });
  const { body: started } = await anonymous.request<DeviceStarted>('POST', '/v1/signin/device', { anonymous: true });
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
      const token = polled.session_token;
      if (!token || !isSession(token))
        throw new CliError('the server completed the sign-in without a session', 1, { code: 'SIGNIN_FAILED' });
      const { body: info } = await new Client({ url, token }).request<SessionInfo>('GET', '/v1/session');
      return { token, info };
    }
    if (polled.status === 'slow_down') interval = Math.max(interval + 5, polled.interval ?? 0);
    else if (polled.interval) interval = Math.max(1, polled.interval);
  }
}

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
