// Single sign-on with the firm's OpenID provider (issue 18): the console signs in with the
// authorization code flow and PKCE, the CLI with the device authorization grant (RFC 8628); each
// sign-in maps the provider's groups to Mandate roles, provisions or updates the user and starts a
// session; refreshes keep the roles following the groups and end the session of a person the
// provider no longer signs in. Every change appends its events in its own transaction; a refused
// sign-in is recorded as signin.refused and writes nothing else. A provider that cannot be reached
// fails sign-in closed (SIGNIN_UNAVAILABLE) while existing sessions go on until they time out.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import { MandateError } from '../core/errors.js';
import type { Role } from '../core/roles.js';
import {
  DEFAULT_DEVICE_CLAIM,
  devicePostureFromClaims,
  sessionFacts,
  type DevicePosture,
  type SessionFacts,
} from '../core/session-facts.js';
import { rolesFromClaims, stepUp, type RoleMap, type SessionLimits, type StepUp, type StepUpRule } from '../core/signin.js';
import { appendEvents, type NewEvent } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import type { Database } from '../store/db.js';
import { linkPerson, setRoles } from './people.js';
import { loadClientKey, openIdProvider, providerError, type OpenIdProvider } from './provider.js';
import {
  digest,
  newSecret,
  seal,
  sessionStore,
  unseal,
  type EndReason,
  type SessionClient,
  type SessionPrincipal,
  type SessionView,
} from './sessions.js';

/** Single sign-on as configured (src/config.ts signinConfigOf). */
export interface SigninConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  clientKeyFile?: string;
  scope: string;
  groupsClaim: string;
  /** The claim naming the device's posture, or a dotted path (MANDATE_OIDC_DEVICE_CLAIM; default device_posture). */
  deviceClaim?: string;
  roleMap: RoleMap;
  idleMinutes: number;
  maxHours: number;
  stepUp: { maxAgeMinutes: number; acr?: string };
}

/** What the service needs to know, in its own units. */
export interface SigninSettings {
  /** The callback the provider sends the browser back to: the public URL + /v1/signin/callback. */
  redirectUri: string;
  /** Where the provider sends the browser after RP-initiated logout (registered with it). */
  postLogoutRedirectUri?: string;
  scope: string;
  groupsClaim: string;
  /** The device posture claim (default device_posture). */
  deviceClaim?: string;
  roleMap: RoleMap;
  limits: SessionLimits;
  stepUp: StepUpRule;
  /** How often a session is refreshed at the provider, at most (default 15 minutes; sooner when its access token expires sooner). */
  refreshEveryMs?: number;
  /** How long a sign-in may take at the provider (default 10 minutes). */
  pendingTtlMs?: number;
  /** How long the one-time code a loopback sign-in hands the CLI lives (default 60 s). */
  loopbackCodeTtlMs?: number;
}

export function signinSettings(c: SigninConfig, publicUrl: string): SigninSettings {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    redirectUri: `${base}/v1/signin/callback`,
    postLogoutRedirectUri: `${base}/console`,
    scope: c.scope,
    groupsClaim: c.groupsClaim,
    ...(c.deviceClaim ? { deviceClaim: c.deviceClaim } : {}),
    roleMap: c.roleMap,
    limits: { idleMs: c.idleMinutes * 60_000, maxMs: c.maxHours * 3_600_000 },
    stepUp: { maxAgeMs: c.stepUp.maxAgeMinutes * 60_000, ...(c.stepUp.acr ? { acr: c.stepUp.acr } : {}) },
  };
}

export interface SigninDeps {
  db: Database;
  clock: () => Date;
  /** The server's key-encryption key: seals the provider's tokens and the PKCE verifiers. */
  kek: Buffer;
  config: SigninSettings;
  provider: OpenIdProvider;
}

export interface Begun {
  /** Send the browser here. */
  url: string;
  /** Set as a short-lived cookie in the browser that began: the callback must come back with it. */
  binding: string;
  expiresAt: string;
}

export interface Established {
  session: SessionView;
  roles: Role[];
  /** The session's secret and CSRF token: in this answer only (absent after a step-up, which keeps the session). */
  secret?: string;
  csrf?: string;
  returnTo: string | null;
}

export interface DeviceStarted {
  /** What the CLI polls with (a secret: whoever holds it gets the session). */
  handle: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval: number;
}

export type DevicePolled = { status: 'pending' | 'slow_down'; interval: number } | ({ status: 'complete' } & Established);

/** A CLI's loopback sign-in: where its listener is, and the S256 challenge of the verifier it keeps. */
export interface Loopback {
  redirect: string;
  challenge: string;
}

/** What the CLI gets for its one-time code and verifier: the session (and its secret, unless it was a step-up). */
export interface Redeemed {
  session: SessionView;
  secret?: string;
}

export type Refreshed =
  | { status: 'refreshed'; roles: Role[] }
  | { status: 'ended'; reason: string }
  | { status: 'unavailable'; reason: string }
  | { status: 'skipped' };

interface PendingRow {
  id: string;
  kind: 'browser' | 'device' | 'loopback';
  sealed: string;
  nonce: string | null;
  binding_hash: string | null;
  return_to: string | null;
  step_up_session: string | null;
  poll_interval: number | null;
  polled_at: string | null;
  expires_at: string;
  code_challenge?: string | null;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const refused = (message: string) => new MandateError('SIGNIN_FAILED', message);
const S256 = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');
/** A loopback URL the CLI listens on (RFC 8252 §7.3): http, 127.0.0.1, [::1] or localhost, any port. */
export const isLoopbackRedirect = (url: string) =>
  /^http:\/\/(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?\/[^#\s]*$/i.test(url) && url.length <= 500;

export function signinService(deps: SigninDeps) {
  const { db, clock, kek, config, provider } = deps;
  const sessions = sessionStore({ db, clock, kek, limits: config.limits });
  const recorded = refusalRecorder(db, clock);
  const refreshEveryMs = config.refreshEveryMs ?? 15 * 60_000;
  const pendingTtlMs = config.pendingTtlMs ?? 10 * 60_000;
  const deviceClaim = config.deviceClaim ?? DEFAULT_DEVICE_CLAIM;
  const loopbackCodeTtlMs = config.loopbackCodeTtlMs ?? 60_000;
  /** Refusals of loopback sign-ins, and the CLI listener to send the browser back to with them. */
  const loopbackRefusals = new WeakMap<MandateError, string>();
  const failed = (during: string) => (err: unknown) => {
    throw providerError(err, during, provider.issuer);
  };

  /** Takes a pending sign-in (it is used once, whatever comes of it). */
  async function take(id: string, kind: PendingRow['kind']): Promise<PendingRow> {
    const [row] = await db.all<PendingRow>('SELECT * FROM signin_requests WHERE id = ? AND kind = ?', [id, kind]);
    if (!row || !(await db.run('DELETE FROM signin_requests WHERE id = ?', [id])))
      throw refused('this sign-in is unknown or was already used: start again');
    if (Date.parse(row.expires_at) <= clock().getTime()) throw refused('this sign-in took too long and expired: start again');
    return row;
  }

  const refreshDue = (at: Date, expiresIn: number | undefined) =>
    new Date(at.getTime() + Math.max(30_000, Math.min(refreshEveryMs, (expiresIn ?? Infinity) * 1000 - 30_000))).toISOString();

  /** A signed-in person from the provider's tokens: roles, user, session; or the refusal. */
  async function establish(
    tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
    client: SessionClient,
    pending: PendingRow | undefined,
  ): Promise<Established> {
    const claims = tokens.claims();
    if (!claims) throw refused('the identity provider sent no ID token: ask for the openid scope (MANDATE_OIDC_SCOPES)');
    const who =
      typeof claims.preferred_username === 'string' ? `${claims.preferred_username} (subject ${claims.sub})` : `subject ${claims.sub}`;
    const mapped = rolesFromClaims(claims, config.groupsClaim, config.roleMap);
    if (!mapped.ok) throw refused(`${who} cannot sign in: ${mapped.reason}`);
    const amr = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string').slice(0, 20) : [];
    const acr = typeof claims.acr === 'string' ? claims.acr.slice(0, 500) : null;
    const authTime = typeof claims.auth_time === 'number' ? new Date(claims.auth_time * 1000).toISOString() : null;
    const devicePosture: DevicePosture = devicePostureFromClaims(claims, deviceClaim);
    const at = clock();
    const iso = at.toISOString();
    const person = { issuer: claims.iss, subject: claims.sub, claims, roles: mapped.roles };
    const stepUpOf = pending?.step_up_session ?? undefined;
    return db
      .transaction(async (tx) => {
        const { userId, events } = await linkPerson(tx, iso, person, "the provider's groups at sign-in");
        if (stepUpOf) {
          // A step-up renews the facts of the session that asked for it, for the same person only.
          const current = await sessions.get(tx, stepUpOf);
          if (!current || current.ended_at || current.subject !== claims.sub || current.issuer !== claims.iss)
            throw refused('the step-up sign-in is not the same person as the session, or the session has ended: sign in again');
          await tx.run('UPDATE sessions SET amr = ?, acr = ?, auth_time = ?, device_posture = ? WHERE id = ? AND ended_at IS NULL', [
            JSON.stringify(amr),
            acr,
            authTime,
            devicePosture,
            stepUpOf,
          ]);
          if (tokens.refresh_token || tokens.id_token)
            await sessions.refreshed(tx, stepUpOf, iso, {
              refreshToken: tokens.refresh_token,
              idToken: tokens.id_token,
              refreshDueAt: refreshDue(at, tokens.expires_in),
            });
          await appendEvents(tx, iso, [
            ...events,
            {
              actor: `user:${userId}`,
              action: 'session.stepped_up',
              subject: { type: 'session', id: stepUpOf },
              before: { amr: current.amr, acr: current.acr, auth_time: current.auth_time, device_posture: current.device_posture },
              after: { amr, acr, auth_time: authTime, device_posture: devicePosture },
            },
          ]);
          sessions.forget(stepUpOf);
          return {
            session: { ...current, amr, acr, auth_time: authTime, device_posture: devicePosture },
            roles: mapped.roles,
            returnTo: pending?.return_to ?? null,
          };
        }
        const created = await sessions.create(tx, at, {
          userId,
          issuer: claims.iss,
          subject: claims.sub,
          client,
          amr,
          acr,
          authTime,
          devicePosture,
          refreshToken: tokens.refresh_token,
          idToken: tokens.id_token,
          refreshDueAt: tokens.refresh_token ? refreshDue(at, tokens.expires_in) : null,
        });
        await appendEvents(tx, iso, [
          ...events,
          {
            actor: `user:${userId}`,
            action: 'session.started',
            subject: { type: 'session', id: created.view.id },
            after: {
              user_id: userId,
              issuer: claims.iss,
              subject: claims.sub,
              client,
              amr,
              acr,
              auth_time: authTime,
              device_posture: devicePosture,
              roles: mapped.roles,
              expires_at: created.view.expires_at,
            },
          },
        ]);
        return {
          session: created.view,
          roles: mapped.roles,
          secret: created.secret,
          csrf: created.csrf,
          returnTo: pending?.return_to ?? null,
        };
      })
      .then((done) => {
        sessions.forgetUser(done.session.user);
        return done;
      });
  }

  /** Ends sessions and revokes their refresh tokens at the provider (after commit, best effort). */
  async function endWhere(
    which: { id: string } | { user: string },
    actor: string,
    reason: EndReason,
    text: string,
  ): Promise<SessionView[]> {
    const { ended, refreshTokens } = await db.transaction((tx) => sessions.end(tx, clock(), which, reason, actor, text));
    if (refreshTokens.length) {
      void provider
        .configuration()
        .then(async (c) => {
          if (!c.serverMetadata().revocation_endpoint) return;
          for (const t of refreshTokens) await oidc.tokenRevocation(c, t, { token_type_hint: 'refresh_token' }).catch(() => undefined);
        })
        .catch(() => undefined);
    }
    return ended;
  }

  async function refresh(sessionId: string): Promise<Refreshed> {
    const tokens = await sessions.tokens(db, sessionId);
    const view = await sessions.get(db, sessionId);
    if (!tokens?.refreshToken || !view) return { status: 'skipped' };
    const now = clock();
    let answer: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    let claims: Record<string, unknown> | undefined;
    try {
      const c = await provider.configuration();
      answer = await oidc.refreshTokenGrant(c, tokens.refreshToken).catch(failed('refreshing the session'));
      claims =
        answer.claims() ?? (await oidc.fetchUserInfo(c, answer.access_token, view.subject).catch(failed("reading the person's claims")));
    } catch (err) {
      if (!(err instanceof MandateError)) throw err;
      if (err.code === 'SIGNIN_UNAVAILABLE') {
        // The session goes on until it times out; the refresh is tried again in a minute.
        await sessions.postpone(sessionId, new Date(now.getTime() + 60_000).toISOString());
        return { status: 'unavailable', reason: err.message };
      }
      const text = `the identity provider no longer signs ${view.user} in: ${err.message}`;
      await endWhere({ id: sessionId }, 'mandate', 'provider_refused', text);
      return { status: 'ended', reason: text };
    }
    if (claims.sub !== view.subject) {
      const text = `the identity provider answered the refresh for another subject (${String(claims.sub)})`;
      await endWhere({ id: sessionId }, 'mandate', 'provider_refused', text);
      return { status: 'ended', reason: text };
    }
    const mapped = rolesFromClaims(claims, config.groupsClaim, config.roleMap);
    const iso = now.toISOString();
    if (!mapped.ok) {
      // No group of theirs gives a role any more: every session of theirs ends, and their roles are gone.
      const text = `${view.user} lost their Mandate roles at the provider: ${mapped.reason}`;
      await db.transaction(async (tx) => {
        await appendEvents(tx, iso, await setRoles(tx, iso, view.user, [], text));
        await sessions.end(tx, now, { user: view.user }, 'roles_revoked', 'mandate', text);
      });
      sessions.forgetUser(view.user);
      return { status: 'ended', reason: text };
    }
    const devicePosture = devicePostureFromClaims(claims, deviceClaim);
    await db.transaction(async (tx) => {
      const events: NewEvent[] = await setRoles(tx, iso, view.user, mapped.roles, "the provider's groups at refresh");
      await sessions.refreshed(tx, sessionId, iso, {
        refreshToken: answer.refresh_token,
        idToken: answer.id_token,
        refreshDueAt: refreshDue(now, answer.expires_in),
        devicePosture,
      });
      events.push({
        actor: 'mandate',
        action: 'session.refreshed',
        subject: { type: 'session', id: sessionId },
        after: { user_id: view.user, roles: mapped.roles, device_posture: devicePosture, refreshed_at: iso },
      });
      await appendEvents(tx, iso, events);
    });
    sessions.forgetUser(view.user);
    return { status: 'refreshed', roles: mapped.roles };
  }

  return {
    issuer: provider.issuer,
    /** What a step-up needs (MANDATE_STEPUP_MAX_AGE_MINUTES, MANDATE_STEPUP_ACR). */
    stepUpRule: config.stepUp,

    /** Starts a browser sign-in: the provider's authorization URL, with state, nonce and PKCE kept here. */
    async begin(
      opts: { returnTo?: string; stepUpFor?: SessionView; loginHint?: string; loopback?: Loopback; unbound?: boolean } = {},
    ): Promise<Begun> {
      const { loopback } = opts;
      if (loopback && (!isLoopbackRedirect(loopback.redirect) || !/^[A-Za-z0-9_-]{43}$/.test(loopback.challenge)))
        throw new MandateError('VALIDATION_FAILED', 'a loopback sign-in returns to http://127.0.0.1:PORT/… with an S256 code challenge', {
          field: 'return_to',
        });
      // Only a CLI stepping its own session up (it proved the session) may begin without the browser's binding cookie.
      if (opts.unbound && !(loopback && opts.stepUpFor)) throw new MandateError('INTERNAL', 'an unbound sign-in is a loopback step-up');
      const c = await provider.configuration(true);
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const verifier = oidc.randomPKCECodeVerifier();
      const binding = newSecret();
      const id = digest(state);
      const now = clock();
      const expiresAt = new Date(now.getTime() + pendingTtlMs).toISOString();
      const returnTo = loopback
        ? loopback.redirect
        : opts.returnTo && /^\/(?![/\\])/.test(opts.returnTo)
          ? opts.returnTo.slice(0, 2000)
          : null;
      await db.run(
        `INSERT INTO signin_requests
           (id, kind, sealed, nonce, binding_hash, return_to, step_up_session, created_at, expires_at, code_challenge)
         VALUES (?, 'browser', ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          seal(kek, `signin:${id}`, verifier),
          nonce,
          opts.unbound ? null : digest(binding),
          returnTo,
          opts.stepUpFor?.id ?? null,
          now.toISOString(),
          expiresAt,
          loopback?.challenge ?? null,
        ],
      );
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: config.redirectUri,
        scope: config.scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...(opts.stepUpFor
          ? {
              prompt: 'login',
              login_hint: opts.loginHint ?? opts.stepUpFor.user,
              ...(config.stepUp.acr ? { acr_values: config.stepUp.acr } : {}),
            }
          : {}),
        ...(!opts.stepUpFor && opts.loginHint ? { login_hint: opts.loginHint } : {}),
      });
      return { url: url.href, binding, expiresAt };
    },

    /**
     * Completes a browser sign-in from the URL the provider sent the browser back to (with the
     * binding cookie set at begin): checks state, PKCE, nonce, issuer, audience, expiry and
     * signature, maps the roles, provisions or updates the user, starts the session.
     */
    async complete(callbackUrl: string, binding: string | undefined): Promise<Established> {
      return recorded('anonymous', { type: 'signin', id: provider.issuer }, 'signin', { flow: 'browser' }, async () => {
        let url: URL;
        try {
          url = new URL(callbackUrl);
        } catch {
          throw refused('the callback URL is not a URL');
        }
        const state = url.searchParams.get('state');
        if (!state || state.length > 512) throw refused('the callback carries no state: start the sign-in again');
        const pending = await take(digest(state), 'browser');
        try {
          // A loopback step-up the CLI began with its session has no browser to bind: its verifier binds it.
          const unbound = !pending.binding_hash && Boolean(pending.code_challenge && pending.step_up_session);
          if (!unbound && (!binding || !pending.binding_hash || digest(binding) !== pending.binding_hash))
            throw refused('this sign-in was started in another browser (its cookie is missing): start again here');
          const verifier = unseal(kek, `signin:${pending.id}`, pending.sealed);
          const c = await provider.configuration();
          const tokens = await oidc
            .authorizationCodeGrant(c, url, {
              pkceCodeVerifier: verifier,
              expectedState: state,
              ...(pending.nonce ? { expectedNonce: pending.nonce } : {}),
              idTokenExpected: true,
            })
            .catch(failed('the sign-in'));
          if (!pending.code_challenge) return establish(tokens, 'browser', pending);
          // The CLI's loopback sign-in: the session is the CLI's; the browser goes back to the CLI's
          // listener with a one-time code only (never the secret: URLs land in histories and logs).
          const done = await establish(tokens, 'cli', { ...pending, return_to: null });
          const code = newSecret('mdl_');
          const codeId = digest(code);
          const at = clock();
          await db.run(
            `INSERT INTO signin_requests (id, kind, sealed, step_up_session, code_challenge, created_at, expires_at)
             VALUES (?, 'loopback', ?, ?, ?, ?, ?)`,
            [
              codeId,
              done.secret ? seal(kek, `signin:${codeId}`, done.secret) : '',
              done.session.id,
              pending.code_challenge,
              at.toISOString(),
              new Date(at.getTime() + loopbackCodeTtlMs).toISOString(),
            ],
          );
          const back = new URL(pending.return_to!);
          back.searchParams.set('code', code);
          return { session: done.session, roles: done.roles, returnTo: back.href };
        } catch (err) {
          // The CLI waits on its loopback listener: the browser goes back there with the refusal.
          if (pending.code_challenge && pending.return_to && err instanceof MandateError) loopbackRefusals.set(err, pending.return_to);
          throw err;
        }
      });
    },

    /** Where to send the browser with a refused loopback sign-in (the CLI's listener), if it was one. */
    loopbackOf: (err: unknown): string | undefined => (err instanceof MandateError ? loopbackRefusals.get(err) : undefined),

    /**
     * The CLI redeems the one-time code its loopback listener got, with the verifier whose challenge
     * it began with: the session's secret (once; none after a step-up, whose session the CLI holds).
     * The code is used up by the first attempt, right or wrong.
     */
    async redeemLoopback(code: string, verifier: string): Promise<Redeemed> {
      return recorded('anonymous', { type: 'signin', id: provider.issuer }, 'signin', { flow: 'loopback' }, async () => {
        if (!/^mdl_[A-Za-z0-9_-]{43}$/.test(code)) throw refused('this sign-in code is unknown: sign in again');
        const row = await take(digest(code), 'loopback');
        const expected = Buffer.from(row.code_challenge ?? '');
        const got = Buffer.from(S256(verifier));
        if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || expected.length !== got.length || !timingSafeEqual(expected, got))
          throw refused('the code verifier does not match the sign-in it began: sign in again');
        // A step-up's code carries no secret (the CLI holds its session's).
        const secret = row.sealed ? unseal(kek, `signin:${row.id}`, row.sealed) : undefined;
        const session = row.step_up_session ? await sessions.get(db, row.step_up_session) : undefined;
        if (!session || session.ended_at) throw refused('the session of this sign-in has ended: sign in again');
        return { session, ...(secret ? { secret } : {}) };
      });
    },

    /** Starts a CLI sign-in with the device authorization grant (RFC 8628). */
    async deviceStart(opts: { stepUpFor?: SessionView } = {}): Promise<DeviceStarted> {
      const c = await provider.configuration(true);
      if (!c.serverMetadata().device_authorization_endpoint)
        throw new MandateError(
          'SIGNIN_UNAVAILABLE',
          'the identity provider does not offer the device authorization grant (RFC 8628): sign the CLI in with a loopback redirect',
          { field: 'device_authorization_endpoint' },
        );
      const stepUpFor = opts.stepUpFor;
      // A step-up asks the provider for a fresh sign-in (max_age=0), with the configured acr.
      const params = {
        scope: config.scope,
        ...(stepUpFor ? { max_age: '0', login_hint: stepUpFor.user, ...(config.stepUp.acr ? { acr_values: config.stepUp.acr } : {}) } : {}),
      };
      const d = await oidc.initiateDeviceAuthorization(c, params).catch(failed('starting a device sign-in'));
      const handle = newSecret('mdd_');
      const id = digest(handle);
      const now = clock();
      const interval = Math.max(1, Math.min(d.interval ?? 5, 60));
      await db.run(
        `INSERT INTO signin_requests (id, kind, sealed, poll_interval, step_up_session, created_at, expires_at)
         VALUES (?, 'device', ?, ?, ?, ?, ?)`,
        [
          id,
          seal(kek, `signin:${id}`, d.device_code),
          interval,
          stepUpFor?.id ?? null,
          now.toISOString(),
          new Date(now.getTime() + d.expires_in * 1000).toISOString(),
        ],
      );
      return {
        handle,
        user_code: d.user_code,
        verification_uri: d.verification_uri,
        ...(typeof d.verification_uri_complete === 'string' ? { verification_uri_complete: d.verification_uri_complete } : {}),
        expires_in: d.expires_in,
        interval,
      };
    },

    /** Asks the provider once whether the person approved the device; the session when they did. */
    async devicePoll(handle: string): Promise<DevicePolled> {
      return recorded('anonymous', { type: 'signin', id: provider.issuer }, 'signin', { flow: 'device' }, async () => {
        if (!/^mdd_[A-Za-z0-9_-]{43}$/.test(handle)) throw refused('this device sign-in is unknown: start again');
        const id = digest(handle);
        const [row] = await db.all<PendingRow>("SELECT * FROM signin_requests WHERE id = ? AND kind = 'device'", [id]);
        if (!row) throw refused('this device sign-in is unknown or finished: start again');
        const now = clock();
        if (Date.parse(row.expires_at) <= now.getTime()) {
          await db.run('DELETE FROM signin_requests WHERE id = ?', [id]);
          throw refused('the device sign-in expired before it was approved: start again');
        }
        const interval = row.poll_interval ?? 5;
        if (row.polled_at && now.getTime() - Date.parse(row.polled_at) < interval * 1000) return { status: 'slow_down', interval };
        await db.run('UPDATE signin_requests SET polled_at = ? WHERE id = ?', [now.toISOString(), id]);
        const c = await provider.configuration();
        let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
        try {
          tokens = await oidc.genericGrantRequest(c, DEVICE_GRANT, { device_code: unseal(kek, `signin:${id}`, row.sealed) });
        } catch (err) {
          if (err instanceof oidc.ResponseBodyError && (err.error === 'authorization_pending' || err.error === 'slow_down')) {
            const next = err.error === 'slow_down' ? Math.min(interval + 5, 60) : interval;
            if (next !== interval) await db.run('UPDATE signin_requests SET poll_interval = ? WHERE id = ?', [next, id]);
            return { status: err.error === 'slow_down' ? 'slow_down' : 'pending', interval: next };
          }
          const e = providerError(err, 'the device sign-in', provider.issuer);
          if (e instanceof MandateError && e.code === 'SIGNIN_FAILED') await db.run('DELETE FROM signin_requests WHERE id = ?', [id]);
          throw e;
        }
        if (!(await db.run('DELETE FROM signin_requests WHERE id = ?', [id]))) throw refused('this device sign-in was already completed');
        return { status: 'complete', ...(await establish(tokens, 'cli', row)) };
      });
    },

    /** The principal behind a session secret (cookie or CLI bearer), or undefined. */
    authenticate: (secret: string, csrf?: string): Promise<SessionPrincipal | undefined> => sessions.authenticate(secret, csrf),

    refresh,

    /** Refreshes the sessions whose refresh is due, ends those past their timeouts, drops stale pending sign-ins. */
    async housekeeping(limit = 100): Promise<{ refreshed: number; ended: number; swept: number }> {
      const swept = await sessions.sweep();
      let refreshed = 0;
      let ended = 0;
      for (const id of await sessions.dueForRefresh(limit)) {
        const r = await refresh(id);
        if (r.status === 'refreshed') refreshed++;
        if (r.status === 'ended') ended++;
      }
      await db.run('DELETE FROM signin_requests WHERE expires_at <= ?', [clock().toISOString()]);
      return { refreshed, ended, swept };
    },

    /** Ends one session now (sign-out, or an administrator); an ended one is answered as it is. */
    async end(sessionId: string, actor: string, reason: EndReason, text: string): Promise<SessionView> {
      const [done] = await endWhere({ id: sessionId }, actor, reason, text);
      if (done) return done;
      const view = await sessions.get(db, sessionId);
      if (!view) throw new MandateError('NOT_FOUND', `no session with id ${sessionId}`);
      return view;
    },

    /** Ends every open session of a user. */
    endAllFor: (userId: string, actor: string, reason: EndReason, text: string): Promise<SessionView[]> =>
      endWhere({ user: userId }, actor, reason, text),

    get: (sessionId: string) => sessions.get(db, sessionId),
    list: sessions.list,

    /** The provider's RP-initiated logout URL for a session, where it supports it (read before the session ends). */
    async logoutUrl(sessionId: string): Promise<string | undefined> {
      const tokens = await sessions.tokens(db, sessionId);
      let c: oidc.Configuration;
      try {
        c = await provider.configuration();
      } catch {
        return undefined;
      }
      if (!c.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(c, {
        ...(tokens?.idToken ? { id_token_hint: tokens.idToken } : {}),
        ...(config.postLogoutRedirectUri ? { post_logout_redirect_uri: config.postLogoutRedirectUri } : {}),
        client_id: provider.clientId,
      }).href;
    },

    /**
     * A session as the decision point sees it (issue 18 item 6): by its secret or id, who it is and
     * what its sign-in proves now (MFA, age, acr, device posture), or why it is not active.
     */
    async sessionFacts(
      which: { secret: string } | { id: string },
    ): Promise<(SessionPrincipal & { facts: SessionFacts }) | { inactive: string; session?: string }> {
      const found = await sessions.inspect(which);
      if ('inactive' in found) return found;
      return { ...found, facts: sessionFacts(found.session, clock().getTime(), config.stepUp) };
    },

    /** Whether a session's sign-in is strong and recent enough for an act of power (issue 18 item 3). */
    stepUp(session: Pick<SessionView, 'amr' | 'acr' | 'auth_time'>): StepUp {
      return stepUp(
        { amr: session.amr, acr: session.acr, authTime: session.auth_time ? Date.parse(session.auth_time) : null },
        clock().getTime(),
        config.stepUp,
      );
    },
  };
}
export type SigninService = ReturnType<typeof signinService>;

/** Builds the service from the configuration: the provider client (and its key file), the settings. */
export async function signinFromConfig(
  c: SigninConfig,
  deps: { db: Database; clock: () => Date; kek: Buffer; publicUrl: string; fetch?: typeof fetch },
): Promise<SigninService> {
  const provider = openIdProvider({
    issuer: c.issuer,
    clientId: c.clientId,
    ...(c.clientSecret ? { clientSecret: c.clientSecret } : {}),
    ...(c.clientKeyFile ? { clientKey: await loadClientKey(c.clientKeyFile) } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  return signinService({ db: deps.db, clock: deps.clock, kek: deps.kek, provider, config: signinSettings(c, deps.publicUrl) });
}
