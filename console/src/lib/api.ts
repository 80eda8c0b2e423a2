// The console's only way to the server: fetch with the signed-in person's session cookie (sent by
// the browser; the CSRF token from its readable cookie goes back in a header on every write) or,
// without single sign-on, their bearer API token. Errors are RFC 9457 problem details, raised as
// ApiError so every page shows the same message, the stable code and the field at fault.
//
// Typed by the OpenAPI document (openapi/mandate.d.ts, generated from the server's schemas, and
// openapi/client.d.ts): a call names an operation by its method and path template
// (`api.send('POST', '/v1/approvals/{id}/approve', { path: { id }, body })`), so a path the server
// does not have, a method it does not take, a missing parameter or a wrong body fails
// `npm run typecheck`, and the answer's type is the response schema's.
import type { AnswerOf, ArgsOf, BodyOf, Method, OperationOf, PathsOf, QueryOf } from '../../../openapi/client';

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  field?: string;
  /** Every field at fault, when there are several (validation). */
  errors?: { field?: string; reason?: string }[];
  /** STEP_UP_REQUIRED: what the sign-in lacks (mfa, recent_sign_in, or sign_in for an API token). */
  step_up?: { need: 'mfa' | 'recent_sign_in' | 'sign_in'; url: string; max_age_seconds?: number };
}

/** How the console authenticates: the session cookie (single sign-on) or a person's API token. */
export type Credential = { kind: 'session' } | { kind: 'token'; token: string };

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The session's CSRF token: the one cookie the console may read (mandate_csrf). */
export function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'mandate_csrf') return value.join('=');
  }
  return undefined;
}

/** Where the browser goes to sign in at the provider and come back to `returnTo` (a console path). */
export function signInUrl(returnTo: string, stepUp = false): string {
  return withQuery('/v1/signin', { ...(stepUp ? { step_up: 'true' } : {}), return_to: returnTo });
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** The operation of a method (as the client takes it, upper case) on a path template. */
export type Op<M extends Uppercase<Method>, P extends PathsOf<Lowercase<M>>> = OperationOf<P, Lowercase<M>>;
/** The JSON body an operation takes (for a form that builds it before the call). */
export type Body<M extends Uppercase<Method>, P extends PathsOf<Lowercase<M>>> = BodyOf<Op<M, P>>;
/** The path templates with a GET. */
export type GetPath = PathsOf<'get'>;
/** The query a GET of a path template takes (for a page that builds it from its own URL). */
export type QueryFor<P extends GetPath> = QueryOf<OperationOf<P, 'get'>>;
/** What a GET of a path template answers. */
export type Answer<P extends GetPath> = AnswerOf<OperationOf<P, 'get'>>;

export interface Client {
  get<P extends GetPath>(path: P, ...request: ArgsOf<OperationOf<P, 'get'>>): Promise<Answer<P>>;
  send<M extends 'POST' | 'PUT' | 'PATCH' | 'DELETE', P extends PathsOf<Lowercase<M>>>(
    method: M,
    path: P,
    ...request: ArgsOf<Op<M, P>>
  ): Promise<AnswerOf<Op<M, P>>>;
  /** A request whose answer is a file: it is handed to the browser as a download. */
  download<M extends 'GET' | 'POST', P extends PathsOf<Lowercase<M>>>(
    method: M,
    path: P,
    ...request: ArgsOf<Op<M, P>>
  ): Promise<{ filename: string; bytes: number; blob: Blob }>;
}

/** A path template with its parameters filled in, each percent-encoded: `/v1/identities/{id}` → `/v1/identities/svc%2F1`. */
export function fillPath(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new Error(`${template}: no value for ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** The URL of a call: its path template filled in, then its query. */
function urlOf(template: string, request: unknown): string {
  const r = (request ?? {}) as { path?: Record<string, unknown>; query?: Query };
  return withQuery(fillPath(template, r.path), r.query);
}
const bodyOf = (request: unknown): unknown => (request as { body?: unknown } | undefined)?.body;

async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return (await res.json()) as Problem;
    } catch {
      /* fall through */
    }
  }
  return { status: res.status, title: res.statusText || `HTTP ${res.status}` };
}

export function client(credential: Credential, onUnauthenticated: (problem: Problem) => void): Client {
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json, */*' };
    if (credential.kind === 'token') headers.authorization = `Bearer ${credential.token}`;
    else if (UNSAFE.has(method)) headers['x-csrf-token'] = csrfToken() ?? '';
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      // The session cookie goes to this origin only; an API token needs no cookie at all.
      credentials: credential.kind === 'session' ? 'same-origin' : 'omit',
      cache: 'no-store',
    });
    if (!res.ok) {
      const problem = await problemOf(res);
      // A step-up is asked of a signed-in person: they stay signed in and are shown the way.
      if (res.status === 401 && problem.code !== 'STEP_UP_REQUIRED') onUnauthenticated(problem);
      throw new ApiError(problem);
    }
    return res;
  };
  return {
    async get(path, ...[request]) {
      return await (await call('GET', urlOf(path, request))).json();
    },
    async send(method, path, ...[request]) {
      const res = await call(method, urlOf(path, request), bodyOf(request) ?? {});
      const text = await res.text();
      return text ? JSON.parse(text) : undefined;
    },
    async download(method, path, ...[request]) {
      const res = await call(method, urlOf(path, request), bodyOf(request));
      const disposition = res.headers.get('content-disposition') ?? '';
      const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'download.bin';
      const blob = await res.blob();
      return { filename, bytes: blob.size, blob };
    },
  };
}

/** Hands a blob to the browser's download manager. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Asks the server whether a credential is good (and whose it is), before it is kept. */
export async function whoIs(credential: Credential): Promise<Me> {
  return client(credential, () => undefined).get('/v1/me');
}

/**
 * GET /v1/session: the signed-in person's session, or null when the browser holds none. Only the
 * facts that change at a sign-in are kept (not last-seen times), so reading it again re-renders nothing.
 */
export async function currentSession(): Promise<SessionInfo | null> {
  // The CSRF cookie lives exactly as long as the session cookie: without it there is nothing to ask.
  if (!csrfToken()) return null;
  try {
    const s = await client({ kind: 'session' }, () => undefined).get('/v1/session');
    const { id, amr, acr, auth_time, expires_at } = s.session;
    return {
      user: s.user,
      roles: s.roles,
      ...(s.permissions ? { permissions: s.permissions } : {}),
      session: { id, amr, acr, auth_time, expires_at },
      step_up: s.step_up,
    };
  } catch (err) {
    if (err instanceof ApiError && (err.problem.status === 401 || err.problem.status === 404)) return null;
    throw err;
  }
}

/** How people may sign in to this server (GET /console/sign-in.json). */
export async function signInMethods(): Promise<{ sso: boolean; api_token: boolean }> {
  const res = await fetch('/console/sign-in.json', { credentials: 'omit', cache: 'no-store' });
  return res.ok ? ((await res.json()) as { sso: boolean; api_token: boolean }) : { sso: false, api_token: true };
}

export interface Me {
  user: string;
  name?: string;
  roles: string[];
  permissions?: string[];
}

export interface SessionInfo {
  user: string;
  roles: string[];
  permissions?: string[];
  session: { id: string; amr: string[]; acr: string | null; auth_time: string | null; expires_at: string };
  step_up: { satisfied: boolean; need?: string; reason?: string };
}
