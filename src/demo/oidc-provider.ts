// A DEMO OpenID provider, for the demo firm, the walkthroughs and the tests: a real, certified OP
// (the oidc-provider package) listening on loopback only, with the README's people and groups and
// fixed DEMO passwords and one-time code. Never a way to run a real firm's sign-in: its keys and
// grants live in memory and die with the process, and anyone who reads this file knows the codes.
//
// What it offers: authorization code with PKCE (S256, required), refresh tokens (always, rotated),
// the device authorization grant (RFC 8628), RP-initiated logout, revocation, a `groups` claim
// (with the profile scope, and a `groups` scope) in the ID token, and `amr`/`acr`: a sign-in with
// the one-time code is amr ["pwd","otp"] and acr "mfa", a password-only one amr ["pwd"], acr "pwd".
// Its own small HTML pages sign people in (GET /interaction/:uid, POST /interaction/:uid/login),
// so a browser and a test with fetch can both use it. Tests of other providers' configurations
// (docs/sign-in.md) shape its tokens like theirs: a person's own claims (Entra's `roles`, Google's
// `hd`, Keycloak's `/group` paths as groups) and what a sign-in reports in amr and acr.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import Provider, {
  type Adapter,
  type AdapterPayload,
  type ClientMetadata,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';

/** DEMO ONLY: every demo person's password. */
export const DEMO_PASSWORD = 'demo-password';
/** DEMO ONLY: the one-time code the demo accepts as a second factor (what an authenticator app would show). */
export const DEMO_OTP = '123456';

export interface DemoPerson {
  id: string;
  name: string;
  email: string;
  groups: string[];
  /**
   * The posture of the device they sign in from, sent as the `device_posture` claim (what a
   * provider's device compliance check would say; the decision point reads it from the session).
   * Absent: no claim.
   */
  device_posture?: 'compliant' | 'non_compliant' | 'unknown';
  /** Other claims in their tokens, as another provider would send them (a `groups` here replaces the group names). */
  claims?: Record<string, unknown>;
}

/** What a sign-in reports: amr and acr, either left out when absent. */
export interface DemoAuthentication {
  amr?: string[];
  acr?: string;
}

const DEFAULT_AUTHENTICATION = (mfa: boolean): DemoAuthentication =>
  mfa ? { amr: ['pwd', 'otp'], acr: 'mfa' } : { amr: ['pwd'], acr: 'pwd' };

/** The README's people and their groups at the demo provider. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    id: 'carol',
    name: 'Carol Compliance',
    email: 'carol@demo.mandate.example',
    groups: ['mandate-compliance'],
    device_posture: 'compliant',
  },
  { id: 'ana', name: 'Ana Approver', email: 'ana@demo.mandate.example', groups: ['mandate-approvers'], device_posture: 'compliant' },
  // Ben's device sends no posture: unknown.
  { id: 'ben', name: 'Ben Approver', email: 'ben@demo.mandate.example', groups: ['mandate-approvers'] },
  { id: 'olga', name: 'Olga Operator', email: 'olga@demo.mandate.example', groups: ['mandate-operators'], device_posture: 'compliant' },
  // Ada's laptop fails the device check: an admin, but not from there for people's acts that need a compliant device.
  { id: 'ada', name: 'Ada Admin', email: 'ada@demo.mandate.example', groups: ['mandate-admins'], device_posture: 'non_compliant' },
];

/** The role map that goes with the demo groups (MANDATE_OIDC_ROLE_MAP). */
export const DEMO_ROLE_MAP = {
  'mandate-compliance': ['compliance_officer'],
  'mandate-approvers': ['approver'],
  'mandate-operators': ['operator'],
  'mandate-admins': ['admin'],
} as const;

export interface DemoClient {
  client_id: string;
  /** A confidential client (client_secret_basic/post); without it, private_key_jwt with `jwks`, or a public client. */
  client_secret?: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
  /** The client's public keys, for private_key_jwt. */
  jwks?: { keys: JWK[] };
}

export interface DemoProviderOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback only: the demo provider is never reachable from elsewhere. */
  host?: '127.0.0.1' | 'localhost' | '::1';
  /**
   * What a sign-in with (mfa) or without the one-time code reports, for tests shaped like another
   * provider; by default amr ["pwd","otp"] and acr "mfa", or amr ["pwd"] and acr "pwd".
   */
  authentication?: (mfa: boolean) => DemoAuthentication;
  clients: DemoClient[];
  /** Other people than DEMO_PEOPLE (tests). */
  people?: readonly DemoPerson[];
  /** false: no device authorization grant (a provider the CLI signs in to with a loopback redirect); default true. */
  deviceFlow?: boolean;
}

export interface DemoProvider {
  /** The issuer URL (http://127.0.0.1:PORT). */
  issuer: string;
  port: number;
  /** The people it signs in, changeable while it runs: a removed person can no longer sign in or refresh. */
  people: {
    get(id: string): DemoPerson | undefined;
    set(person: DemoPerson): void;
    remove(id: string): void;
  };
  /** The provider's signing key (tests forge ID tokens with it to check the relying party's validation). */
  signingKey: { kid: string; alg: 'RS256'; privateKey: CryptoKey };
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · Mandate demo provider</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
.demo{background:#fff3cd;border:1px solid #e0c060;padding:.5rem .75rem;border-radius:4px;font-size:.9rem}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.error{color:#a00}</style></head><body>
<p class="demo" role="note"><strong>DEMO identity provider</strong>: for trying Mandate only. Passwords are <code>${DEMO_PASSWORD}</code>;
the one-time code is <code>${DEMO_OTP}</code>.</p>
<h1>${esc(title)}</h1>${body}</body></html>`;
}

/** An in-memory store for the provider's grants, codes and sessions, one per provider (not shared). */
function memoryAdapters(): (name: string) => Adapter {
  const items = new Map<string, { payload: AdapterPayload; exp: number | undefined }>();
  const live = (key: string) => {
    const item = items.get(key);
    if (item && item.exp !== undefined && item.exp <= Date.now()) {
      items.delete(key);
      return undefined;
    }
    return item?.payload;
  };
  return (name: string): Adapter => {
    const key = (id: string) => `${name}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        items.set(key(id), { payload, exp: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
        if (payload.grantId)
          items.set(`grant:${payload.grantId}:${key(id)}`, {
            payload: { jti: key(id) },
            exp: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
          });
        if (payload.userCode)
          items.set(`userCode:${payload.userCode}`, { payload: { jti: id }, exp: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
        if (payload.uid)
          items.set(`uid:${name}:${payload.uid}`, { payload: { jti: id }, exp: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
      },
      async find(id) {
        return live(key(id));
      },
      async findByUserCode(userCode) {
        const ref = live(`userCode:${userCode}`);
        return ref?.jti ? live(key(ref.jti)) : undefined;
      },
      async findByUid(uid) {
        const ref = live(`uid:${name}:${uid}`);
        return ref?.jti ? live(key(ref.jti)) : undefined;
      },
      async consume(id) {
        const p = live(key(id));
        if (p) p.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        items.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const k of [...items.keys()]) {
          if (!k.startsWith(`grant:${grantId}:`)) continue;
          const ref = items.get(k)?.payload.jti;
          if (ref) items.delete(ref);
          items.delete(k);
        }
      },
    };
  };
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
  res.end(html);
}

/** Starts the demo provider on loopback. */
export async function startDemoProvider(opts: DemoProviderOptions): Promise<DemoProvider> {
  const host = opts.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error('the demo identity provider listens on loopback only');
  const people = new Map((opts.people ?? DEMO_PEOPLE).map((p) => [p.id, { ...p, groups: [...p.groups] }]));
  const authentication = opts.authentication ?? DEFAULT_AUTHENTICATION;
  // The people's own claims go out with the profile scope, like groups (a provider releases only the claims it lists).
  const ownClaims = [...new Set([...people.values()].flatMap((p) => Object.keys(p.claims ?? {})))].filter(
    (c) => !['sub', 'name', 'preferred_username', 'email', 'email_verified', 'groups'].includes(c),
  );

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `demo-${randomBytes(6).toString('hex')}`;
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const clients: ClientMetadata[] = opts.clients.map((c) => ({
    client_id: c.client_id,
    ...(c.client_secret ? { client_secret: c.client_secret } : {}),
    redirect_uris: c.redirect_uris,
    post_logout_redirect_uris: c.post_logout_redirect_uris ?? [],
    grant_types: [
      'authorization_code',
      'refresh_token',
      ...(opts.deviceFlow === false ? [] : ['urn:ietf:params:oauth:grant-type:device_code']),
    ],
    response_types: ['code'],
    token_endpoint_auth_method:
      c.token_endpoint_auth_method ?? (c.client_secret ? 'client_secret_basic' : c.jwks ? 'private_key_jwt' : 'none'),
    ...(c.jwks ? { jwks: c.jwks } : {}),
    ...(c.redirect_uris.every((u) => u.startsWith('http://')) ? { application_type: 'native' as const } : {}),
  }));

  const configuration: Configuration = {
    adapter: memoryAdapters(),
    clients,
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      // How and when the person signed in, always: step-up reads them.
      // And the device's posture, where the person has one (the decision point reads it, issue 18 item 6).
      openid: ['sub', 'acr', 'amr', 'auth_time', 'device_posture'],
      profile: ['name', 'preferred_username', 'groups', ...ownClaims],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
    acrValues: [...new Set(['pwd', 'mfa', ...[true, false].flatMap((mfa) => authentication(mfa).acr ?? [])])],
    // The scopes' claims go in the ID token too, so the relying party reads groups from it.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: {
        enabled: opts.deviceFlow ?? true,
        userCodeInputSource: async (ctx, form, _out, err) => {
          ctx.body = page(
            'Connect a device',
            `${err ? '<p class="error">That code is not right, or has expired. Try again.</p>' : '<p>Enter the code the CLI shows.</p>'}
${form}<button type="submit" form="op.deviceInputForm">Continue</button>`,
          );
        },
        userCodeConfirmSource: async (ctx, form, client, _info, userCode) => {
          ctx.body = page(
            'Confirm the device',
            `<p>Sign <strong>${esc(client.clientName ?? client.clientId)}</strong> in with code <code>${esc(userCode)}</code>?</p>
${form}<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">Abort</button>`,
          );
        },
        successSource: async (ctx) => {
          ctx.body = page('Device signed in', '<p>You can close this page and go back to the CLI.</p>');
        },
      },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page(
            'Sign out',
            `<p>Sign out of the demo provider?</p>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out', '<p>You are signed out of the demo provider.</p>');
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in error',
        Object.entries(out)
          .map(([k, v]) => `<p><strong>${esc(k)}</strong>: ${esc(String(v))}</p>`)
          .join(''),
      );
    },
    // Every client here is the demo's own: refresh tokens are always issued and rotated.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    // First-party clients: consent is given by signing in (the grant covers what was asked).
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      if (!oidc.session?.accountId || !oidc.client) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      const grant =
        (grantId ? await oidc.provider.Grant.find(grantId) : undefined) ??
        new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
      const claims = [...oidc.requestParamClaims];
      if (claims.length) grant.addOIDCClaims(claims);
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, sub) => {
      const person = people.get(sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        claims: async () => {
          const now = people.get(sub) ?? person;
          return {
            sub,
            name: now.name,
            preferred_username: now.id,
            email: now.email,
            email_verified: true,
            ...(now.groups.length ? { groups: now.groups } : {}),
            ...(now.device_posture ? { device_posture: now.device_posture } : {}),
            ...now.claims,
          };
        },
      };
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      DeviceCode: 600,
      IdToken: 3600,
      Interaction: 3600,
      Grant: 14 * 86_400,
      Session: 14 * 86_400,
      RefreshToken: 14 * 86_400,
    },
  };
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return send(res, 400, page('Sign-in error', '<p>This sign-in page is stale: start again from Mandate.</p>'));
    if (details.prompt.name !== 'login') {
      // Consent for a first-party client: grant what was asked and go on.
      const grant = details.grantId
        ? (await provider.Grant.find(details.grantId))!
        : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    }
    if (action === 'abort') {
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the person cancelled the sign-in' },
        { mergeWithLastSubmission: false },
      );
    }
    let error = '';
    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const person = people.get(form.get('login') ?? '');
      const otp = (form.get('otp') ?? '').trim();
      if (person && form.get('password') === DEMO_PASSWORD && (otp === '' || otp === DEMO_OTP)) {
        const { amr, acr } = authentication(otp === DEMO_OTP);
        return provider.interactionFinished(
          req,
          res,
          { login: { accountId: person.id, ...(amr ? { amr } : {}), ...(acr ? { acr } : {}), remember: true } },
          { mergeWithLastSubmission: false },
        );
      }
      error = '<p class="error" role="alert">Unknown person, wrong password or wrong one-time code.</p>';
    }
    const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
    const stepUp =
      details.prompt.reasons.includes('max_age') || details.prompt.reasons.includes('login_prompt') || Boolean(details.params.acr_values);
    return send(
      res,
      error ? 401 : 200,
      page(
        'Sign in',
        `${error}${stepUp ? '<p>Mandate asks you to sign in again, with your one-time code.</p>' : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
<label for="login">Person</label><input id="login" name="login" value="${esc(hint)}" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<label for="otp">One-time code (optional: for an MFA sign-in)</label><input id="otp" name="otp" inputmode="numeric" pattern="[0-9]{6}">
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${esc(uid)}/abort"><button type="submit">Cancel</button></form>`,
      ),
    );
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const m = /^\/interaction\/([\w-]{1,100})(?:\/(login|abort))?$/.exec((req.url ?? '').split('?')[0]!);
    if (!m) return void handle(req, res);
    interaction(req, res, m[1]!, m[2]).catch((err: Error) => {
      if (!res.headersSent) send(res, 400, page('Sign-in error', `<p>${esc(err.message)}</p><p>Start again from Mandate.</p>`));
      else res.end();
    });
  });

  return {
    issuer,
    port,
    people: {
      get: (id) => people.get(id),
      set: (person) => void people.set(person.id, { ...person, groups: [...person.groups] }),
      remove: (id) => void people.delete(id),
    },
    signingKey: { kid, alg: 'RS256', privateKey },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
