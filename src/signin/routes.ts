// HTTP for single sign-on: the console's sign-in (a redirect to the provider and back, a session
// cookie), the CLI's device sign-in, sign-out, who am I, and an administrator ending a session.
//
// The session cookie `mandate_session` is httpOnly, SameSite=Lax, Path=/, and Secure unless the
// server's public URL is http on loopback; `mandate_csrf` is readable by the console, which sends
// it back in X-CSRF-Token on every unsafe request (double submit: the server also checks that the
// token is the session's own). The CLI sends its session as `Authorization: Bearer mds_…` and needs
// no CSRF token. `sessionAuthenticator` is what the server's onRequest hook calls.
import type { IncomingHttpHeaders } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MandateError } from '../core/errors.js';
import { PERMISSIONS, rolesAllow } from '../core/roles.js';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { Items } from '../http/responses.js';
import type { SessionPrincipal, SessionView } from './sessions.js';
import { isLoopbackRedirect, type Established, type SigninService } from './service.js';

export const SESSION_COOKIE = 'mandate_session';
export const CSRF_COOKIE = 'mandate_csrf';
/** Binds a sign-in to the browser that began it (login CSRF): set at /v1/signin, read at the callback. */
export const BINDING_COOKIE = 'mandate_signin';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Cookies of a Cookie header (the first of each name). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (name in out) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out[name] = value;
  }
  return out;
}

/**
 * The principal of a request that carries a session: the CLI's `Authorization: Bearer mds_…`, or
 * the console's cookie. Undefined when it carries none (or another kind of Authorization, an API
 * token, which the caller checks itself). With the cookie, an unsafe method needs the CSRF header
 * (the csrf cookie's value): without it the request is refused (FORBIDDEN), never taken as anonymous.
 */
export function sessionAuthenticator(signin: Pick<SigninService, 'authenticate'>) {
  return async (req: { headers: IncomingHttpHeaders; method: string }): Promise<SessionPrincipal | undefined> => {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const m = /^Bearer (mds_[A-Za-z0-9_-]{43})$/.exec(authorization);
      return m ? signin.authenticate(m[1]!) : undefined;
    }
    const cookies = parseCookies(req.headers.cookie);
    const secret = cookies[SESSION_COOKIE];
    if (!secret) return undefined;
    if (SAFE.has(req.method.toUpperCase())) return signin.authenticate(secret);
    const header = req.headers[CSRF_HEADER];
    const csrf = cookies[CSRF_COOKIE];
    if (typeof header === 'string' && csrf && header === csrf) {
      const principal = await signin.authenticate(secret, header);
      if (principal) return principal;
    }
    // A session that is no longer valid is simply no credential; a valid one without its token is a forged request.
    if (!(await signin.authenticate(secret))) return undefined;
    throw new MandateError(
      'FORBIDDEN',
      `a request signed in by cookie must send the ${CSRF_COOKIE} cookie's value in the X-CSRF-Token header`,
      { field: 'X-CSRF-Token' },
    );
  };
}

export interface SigninRouteOptions {
  /** The server's public URL (MANDATE_PUBLIC_URL): cookies are Secure unless it is http on loopback. */
  publicUrl: string;
  /** Where a browser lands after signing in, when the sign-in named no page (default /console). */
  home?: string;
}

const SessionSchema = Type.Object(
  {
    id: Type.String(),
    user: Type.String(),
    issuer: Type.String(),
    subject: Type.String(),
    client: Type.Union([Type.Literal('browser'), Type.Literal('cli')]),
    amr: Type.Array(Type.String(), { description: 'how the person signed in at the provider (RFC 8176): pwd, otp, mfa, hwk…' }),
    acr: Type.Union([Type.String(), Type.Null()]),
    auth_time: Type.Union([Type.String(), Type.Null()], { description: 'when the person last authenticated at the provider' }),
    created_at: Type.String(),
    last_seen_at: Type.String(),
    idle_expires_at: Type.String(),
    expires_at: Type.String(),
    refreshed_at: Type.Union([Type.String(), Type.Null()]),
    ended_at: Type.Union([Type.String(), Type.Null()]),
    end_reason: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'Session' },
);

const WhoAmI = Type.Object({
  user: Type.String(),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
  session: SessionSchema,
  step_up: Type.Object(
    {
      satisfied: Type.Boolean(),
      need: Type.Optional(Type.String({ description: 'mfa or recent_sign_in' })),
      reason: Type.Optional(Type.String()),
    },
    { description: 'whether this session may do acts of power now, without signing in again' },
  ),
});

const SignedIn = Type.Object({
  user: Type.String(),
  roles: Type.Array(Type.String()),
  session: SessionSchema,
  return_to: Type.Union([Type.String(), Type.Null()]),
});

const DeviceStartedSchema = Type.Object({
  handle: Type.String({ description: 'poll with this; it is a secret: whoever holds it gets the session' }),
  user_code: Type.String(),
  verification_uri: Type.String(),
  verification_uri_complete: Type.Optional(Type.String()),
  expires_in: Type.Integer(),
  interval: Type.Integer({ description: 'seconds between polls' }),
});

const DevicePolledSchema = Type.Object({
  status: Type.Union([Type.Literal('pending'), Type.Literal('slow_down'), Type.Literal('complete')]),
  interval: Type.Optional(Type.Integer()),
  session_token: Type.Optional(
    Type.String({ description: 'on complete: the CLI session (Authorization: Bearer …), in this answer only; never print it' }),
  ),
  user: Type.Optional(Type.String()),
  roles: Type.Optional(Type.Array(Type.String())),
  session: Type.Optional(SessionSchema),
});

const isLoopbackHttp = (url: string) => /^http:\/\/(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?(\/|$)/i.test(url);

export function registerSigninRoutes(fastify: FastifyInstance, signin: SigninService, opts: SigninRouteOptions): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['sign-in'];
  const secure = !isLoopbackHttp(opts.publicUrl);
  const home = opts.home ?? '/console';
  const authenticate = sessionAuthenticator(signin);
  const cookie = (name: string, value: string, o: { httpOnly: boolean; path: string; maxAge?: number }) =>
    [
      `${name}=${value}`,
      `Path=${o.path}`,
      o.httpOnly ? 'HttpOnly' : '',
      secure ? 'Secure' : '',
      'SameSite=Lax',
      o.maxAge !== undefined ? `Max-Age=${o.maxAge}` : '',
    ]
      .filter(Boolean)
      .join('; ');
  const clearing = () => [
    cookie(SESSION_COOKIE, '', { httpOnly: true, path: '/', maxAge: 0 }),
    cookie(CSRF_COOKIE, '', { httpOnly: false, path: '/', maxAge: 0 }),
  ];
  const wantsJson = (accept: string | undefined) => /application\/json/i.test(accept ?? '') && !/text\/html/i.test(accept ?? '');

  /** The session of this request, or 401. */
  async function sessionOf(req: { headers: IncomingHttpHeaders; method: string }): Promise<SessionPrincipal> {
    const principal = await authenticate(req);
    if (!principal)
      throw new MandateError('UNAUTHENTICATED', 'this request carries no valid sign-in session (cookie or Bearer mds_…)', {
        field: 'Authorization',
      });
    return principal;
  }

  function signedIn(reply: FastifyReply, done: Established) {
    const maxAge = Math.max(0, Math.floor((Date.parse(done.session.expires_at) - Date.now()) / 1000));
    const cookies = [cookie(BINDING_COOKIE, '', { httpOnly: true, path: '/v1/signin', maxAge: 0 })];
    if (done.secret && done.csrf) {
      cookies.push(
        cookie(SESSION_COOKIE, done.secret, { httpOnly: true, path: '/', maxAge }),
        cookie(CSRF_COOKIE, done.csrf, { httpOnly: false, path: '/', maxAge }),
      );
    }
    reply.header('set-cookie', cookies).header('cache-control', 'no-store');
  }

  app.get(
    '/v1/signin',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        operationId: 'signIn',
        summary: 'Sign in with the identity provider: a redirect to it (or, asked for JSON, its URL)',
        description:
          'step_up=true signs the current session in again, with MFA, for acts of power. The CLI signs in with a loopback ' +
          'redirect where the provider has no device grant: return_to http://127.0.0.1:PORT/… and code_challenge (S256 of a ' +
          'verifier it keeps); the browser is sent back there with a one-time code, which the CLI redeems with the verifier ' +
          'at POST /v1/signin/loopback/redeem. A CLI stepping its session up asks with its Bearer session and Accept: application/json.',
        querystring: Type.Object(
          {
            return_to: Type.Optional(
              Type.String({
                maxLength: 2000,
                pattern: '^(/(?![/\\\\])|http://)',
                description: "a path of this server to land on after; or, with code_challenge, the CLI's loopback URL",
              }),
            ),
            code_challenge: Type.Optional(
              Type.String({
                pattern: '^[A-Za-z0-9_-]{43}$',
                description: "base64url SHA-256 of the CLI's code verifier (loopback sign-in)",
              }),
            ),
            code_challenge_method: Type.Optional(Type.Literal('S256')),
            step_up: Type.Optional(Type.Boolean()),
            login_hint: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ url: Type.String(), expires_at: Type.String() }),
          302: Type.Null({ description: 'to the identity provider' }),
          '4xx': ProblemResponse,
          '5xx': ProblemResponse,
        },
      },
    },
    async (req, reply) => {
      const { return_to, step_up, login_hint, code_challenge } = req.query;
      const toLoopback = return_to?.startsWith('http://') ?? false;
      // Only the CLI's loopback listener is a return target outside this server, and only with a code challenge.
      if (toLoopback !== Boolean(code_challenge) || (toLoopback && !isLoopbackRedirect(return_to!)))
        throw new MandateError(
          'INVALID_QUERY',
          "return_to is a path of this server, or with code_challenge the CLI's loopback URL http://127.0.0.1:PORT/…",
          { field: 'querystring:return_to' },
        );
      const stepUpFor = step_up ? (await sessionOf(req)).session : undefined;
      const begun = await signin.begin({
        ...(return_to && !toLoopback ? { returnTo: return_to } : {}),
        ...(toLoopback ? { loopback: { redirect: return_to!, challenge: code_challenge! } } : {}),
        // The CLI stepping up its Bearer session opens the provider's URL itself: no browser cookie to bind to.
        ...(toLoopback && stepUpFor && req.headers.authorization ? { unbound: true } : {}),
        ...(stepUpFor ? { stepUpFor } : {}),
        ...(login_hint ? { loginHint: login_hint } : {}),
      });
      const maxAge = Math.max(60, Math.floor((Date.parse(begun.expiresAt) - Date.now()) / 1000));
      reply
        .header('set-cookie', cookie(BINDING_COOKIE, begun.binding, { httpOnly: true, path: '/v1/signin', maxAge }))
        .header('cache-control', 'no-store');
      if (wantsJson(req.headers.accept)) return reply.code(200).send({ url: begun.url, expires_at: begun.expiresAt });
      return reply.redirect(begun.url, 302);
    },
  );

  app.get(
    '/v1/signin/callback',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        operationId: 'completeSignIn',
        summary: 'Where the identity provider sends the browser back: starts the session (cookies) and redirects to the console',
        querystring: Type.Object({
          code: Type.Optional(Type.String({ maxLength: 4000 })),
          state: Type.Optional(Type.String({ maxLength: 512 })),
          iss: Type.Optional(Type.String({ maxLength: 2000 })),
          error: Type.Optional(Type.String({ maxLength: 200 })),
          error_description: Type.Optional(Type.String({ maxLength: 2000 })),
          session_state: Type.Optional(Type.String({ maxLength: 1000 })),
        }),
        response: {
          200: SignedIn,
          302: Type.Null({ description: 'to the console (or the page the sign-in named)' }),
          '4xx': ProblemResponse,
          '5xx': ProblemResponse,
        },
      },
    },
    async (req, reply) => {
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      const callback = `${opts.publicUrl.replace(/\/+$/, '')}/v1/signin/callback${query}`;
      let done: Established;
      try {
        done = await signin.complete(callback, parseCookies(req.headers.cookie)[BINDING_COOKIE]);
      } catch (err) {
        // A refused loopback sign-in goes back to the CLI waiting there, which says why.
        const loopback = signin.loopbackOf(err);
        if (loopback && err instanceof MandateError) {
          const to = new URL(loopback);
          to.searchParams.set('error', err.code === 'SIGNIN_UNAVAILABLE' ? 'temporarily_unavailable' : 'access_denied');
          to.searchParams.set('error_description', err.message.slice(0, 300));
          return reply.header('cache-control', 'no-store').redirect(to.href, 302);
        }
        // A person's browser (it asks for HTML) is sent back to the console's sign-in page, which
        // shows the refusal (its code and message; nothing secret); any other caller gets the problem.
        if (!(err instanceof MandateError) || !/text\/html/i.test(req.headers.accept ?? '') || err.code === 'INTERNAL') throw err;
        const back = new URLSearchParams({ signin_error: err.code, signin_detail: err.message.slice(0, 500) });
        return reply.header('cache-control', 'no-store').redirect(`${home}/?${back}`, 302);
      }
      signedIn(reply, done);
      if (wantsJson(req.headers.accept))
        return reply.code(200).send({ user: done.session.user, roles: done.roles, session: done.session, return_to: done.returnTo });
      return reply.redirect(done.returnTo ?? home, 302);
    },
  );

  app.post(
    '/v1/signin/device',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        operationId: 'startDeviceSignIn',
        summary: 'The CLI starts a sign-in with the device authorization grant (RFC 8628): show the person the code and the URL, then poll',
        description:
          'step_up=true (with the Bearer session) signs that session in again, with MFA: the poll completes without a new secret. ' +
          '503 SIGNIN_UNAVAILABLE with field device_authorization_endpoint: the provider has no device grant, ' +
          'sign in with a loopback redirect.',
        querystring: Type.Object({ step_up: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: DeviceStartedSchema, '4xx': ProblemResponse, '5xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const stepUpFor = req.query.step_up ? (await sessionOf(req)).session : undefined;
      return reply.header('cache-control', 'no-store').send(await signin.deviceStart(stepUpFor ? { stepUpFor } : {}));
    },
  );

  app.post(
    '/v1/signin/loopback/redeem',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        operationId: 'redeemLoopbackSignIn',
        summary: "The CLI redeems the one-time code its loopback listener got, with its code verifier: the session's secret, once",
        body: Type.Object(
          {
            code: Type.String({ minLength: 1, maxLength: 100 }),
            code_verifier: Type.String({ minLength: 43, maxLength: 128 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            session_token: Type.Optional(
              Type.String({ description: 'the CLI session (Authorization: Bearer …), in this answer only; absent after a step-up' }),
            ),
            session: SessionSchema,
          }),
          '4xx': ProblemResponse,
          '5xx': ProblemResponse,
        },
      },
    },
    async (req, reply) => {
      const redeemed = await signin.redeemLoopback(req.body.code, req.body.code_verifier);
      reply.header('cache-control', 'no-store');
      return { ...(redeemed.secret ? { session_token: redeemed.secret } : {}), session: redeemed.session };
    },
  );

  app.post(
    '/v1/signin/device/poll',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        operationId: 'pollDeviceSignIn',
        summary: 'The CLI asks whether the person approved the device; on complete, its session token (once)',
        body: Type.Object({ handle: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 200: DevicePolledSchema, '4xx': ProblemResponse, '5xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      const polled = await signin.devicePoll(req.body.handle);
      reply.header('cache-control', 'no-store');
      if (polled.status !== 'complete') return { status: polled.status, interval: polled.interval };
      return {
        status: 'complete' as const,
        session_token: polled.secret,
        user: polled.session.user,
        roles: polled.roles,
        session: polled.session,
      };
    },
  );

  app.post(
    '/v1/signout',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        operationId: 'signOut',
        summary: "Sign out: ends this session here at once; answers the provider's logout URL where it supports RP-initiated logout",
        response: {
          200: Type.Object({
            session: SessionSchema,
            logout_url: Type.Optional(Type.String({ description: 'send the browser here to sign out of the provider too' })),
          }),
          '4xx': ProblemResponse,
        },
      },
    },
    async (req, reply) => {
      const { session, user } = await sessionOf(req);
      const logoutUrl = session.client === 'browser' ? await signin.logoutUrl(session.id) : undefined;
      const ended = await signin.end(session.id, `user:${user}`, 'signed_out', 'signed out');
      reply.header('set-cookie', clearing());
      return { session: ended, ...(logoutUrl ? { logout_url: logoutUrl } : {}) };
    },
  );

  app.get(
    '/v1/session',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        operationId: 'getSession',
        summary: "Who am I, signed in: the user, roles, permissions and the session's facts (amr, acr, when I signed in, when it ends)",
        response: { 200: WhoAmI, '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { user, roles, session } = await sessionOf(req);
      const permissions = PERMISSIONS.filter((p) => rolesAllow(roles, p));
      return { user, roles, permissions, session, step_up: signin.stepUp(session) };
    },
  );

  app.get(
    '/v1/sessions',
    {
      config: { permission: 'sessions:end' },
      schema: {
        tags,
        operationId: 'listSessions',
        summary: "People's sign-in sessions, newest first (never their secrets)",
        querystring: Type.Object(
          {
            user: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
            open: Type.Optional(Type.Boolean({ description: 'only sessions not ended' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Items(SessionSchema), '4xx': ProblemResponse },
      },
    },
    async (req) => {
      const { user, open, limit } = req.query;
      return {
        items: await signin.list({ ...(user !== undefined ? { user } : {}), ...(open !== undefined ? { open } : {}) }, limit ?? 200),
      };
    },
  );

  app.delete(
    '/v1/sessions/:id',
    {
      config: { permission: 'sessions:end' },
      schema: {
        tags,
        operationId: 'endSession',
        summary: "End a person's session at once (an administrator)",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
        response: { 200: SessionSchema, '4xx': ProblemResponse },
      },
    },
    async (req): Promise<SessionView> => signin.end(req.params.id, actorOf(req), 'ended_by_admin', `ended by ${actorOf(req)}`),
  );
}
