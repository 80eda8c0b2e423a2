// The CLI's HTTP client: every command except `serve` talks to a running server, so the CLI and
// the API can never disagree about the rules.

import type { AnswerOf, BodyOf, ItemOf, Loose, LooseArgsOf, LooseQueryOf, Method, OperationOf, PathsOf } from '../../openapi/client.js';
import { note, progress, showsProgress } from './output.js';

/** The operation of a method (upper case, as the client takes it) on a path template of the OpenAPI document. */
type Op<M extends Uppercase<Method>, P extends PathsOf<Lowercase<M>>> = OperationOf<P, Lowercase<M>>;
/** The body of an operation as the CLI sends it (enumerations as text): for one read from a file, which the server checks. */
export type BodyFor<M extends Uppercase<Method>, P extends PathsOf<Lowercase<M>>> = Loose<BodyOf<Op<M, P>>>;
/** What a GET of a path template answers. */
export type Answer<P extends PathsOf<'get'>> = AnswerOf<OperationOf<P, 'get'>>;
/** A list operation: a GET whose answer is `{ items: T[] }`. */
export type ListPath = { [P in PathsOf<'get'>]: [ItemOf<OperationOf<P, 'get'>>] extends [never] ? never : P }[PathsOf<'get'>];
/** How a call is made, beside what the operation takes. */
interface CallOptions {
  headers?: Record<string, string>;
  anonymous?: boolean;
  progress?: string;
}

/** A path template with its parameters filled in, each percent-encoded: `/v1/identities/{id}` → `/v1/identities/svc%2F1`. */
export function fillPath(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new Error(`${template}: no value for ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** The query string of a call (`?a=1&b=x`, or nothing): a parameter without a value is left out. */
function queryString(query: Record<string, string | number | boolean | undefined> | undefined): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * A failure the CLI reports. Exit codes: 1 the server refused or the operation failed, 2 bad
 * usage (flags, files, no token, credentials), 3 the server could not be reached.
 */
export class CliError extends Error {
  /** The server's answer, for --json errors: its HTTP status and problem body. */
  status?: number;
  body?: unknown;
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly detail: { code?: string; field?: string } = {},
  ) {
    super(message);
  }
}

/** `--limit` of a list the server answers in one page of at most `max`. */
export function cappedLimit(value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new CliError(`--limit must be a whole number from 1 to ${max}, not ${value}`, 2, { code: 'BAD_FLAG', field: '--limit' });
  return n;
}

/** A page of a list walked by cursor, read until the end or `max`. */
export interface Listed<T> {
  items: T[];
  /** How many match, when the server counted them. */
  total?: number;
  /** Whether records were left unread because of `max`. */
  more: boolean;
}

/** Says on stderr that a list stopped early, and how many more there are when known. */
export function noteMore(listed: { items: unknown[]; total?: number; more: boolean }, hint = '--limit 0 for all'): void {
  if (!listed.more) return;
  note(
    listed.total !== undefined
      ? `showing ${listed.items.length} of ${listed.total}; ${hint}`
      : `showing ${listed.items.length}; more exist: use --limit N for more${hint.includes('0') ? ' or --limit 0 for all' : ''}`,
  );
}

/** `--limit`: a whole number; 0 means all (when `allowAll`). */
export function parseLimit(value: string, allowAll = true): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowAll ? 0 : 1)) {
    throw new CliError(`--limit must be a ${allowAll ? 'whole number (0 for all)' : 'positive whole number'}, not ${value}`, 2, {
      code: 'BAD_FLAG',
      field: '--limit',
    });
  }
  return n === 0 ? Infinity : n;
}

export interface ClientOptions {
  url: string;
  token?: string;
}

interface ProblemBody {
  code?: string;
  detail?: string;
  /** The OAuth endpoints answer RFC 6749 §5.2 errors instead of problem details. */
  error?: string;
  error_description?: string;
  errors?: { field: string; reason: string; record?: string; kind?: string }[];
}

export function formatProblem(status: number, body: ProblemBody | string): string {
  if (typeof body === 'string') return `HTTP ${status}: ${body.slice(0, 500)}`;
  const lines = [`error ${body.code ?? body.error ?? status}: ${body.detail ?? body.error_description ?? 'request failed'}`];
  const errors = body.errors ?? [];
  for (const e of errors.slice(0, 200)) {
    const where = [e.kind, e.record].filter(Boolean).join(' ');
    lines.push(`  ${where ? `${where} ` : ''}${e.field}: ${e.reason}`);
  }
  if (errors.length > 200) lines.push(`  … and ${errors.length - 200} more (use --json for all)`);
  return lines.join('\n');
}

export class Client {
  private resolved?: ClientOptions;
  /** The server and token, or how to find them when the first request needs them. */
  constructor(private readonly options: ClientOptions | (() => ClientOptions)) {}

  private get opts(): ClientOptions {
    this.resolved ??= typeof this.options === 'function' ? this.options() : this.options;
    return this.resolved;
  }

  /**
   * A request by URL, untyped: for what `call` cannot type, the OAuth endpoints' forms (`raw`),
   * the manifest import (YAML or JSON as the file is) and the record commands that name their
   * path at run time. Everything else goes through `call`.
   */
  async request<T = unknown>(
    method: string,
    path: string,
    init: {
      body?: unknown;
      raw?: string;
      contentType?: string;
      headers?: Record<string, string>;
      anonymous?: boolean;
      progress?: string;
    } = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    // The OAuth endpoints authenticate the workload by what it presents, not by an API token.
    if (!this.opts.token && !init.anonymous) throw noToken();
    const headers: Record<string, string> = { ...(init.anonymous ? {} : { authorization: `Bearer ${this.opts.token}` }), ...init.headers };
    let payload: string | undefined;
    if (init.raw !== undefined) {
      payload = init.raw;
      headers['content-type'] = init.contentType ?? 'application/json';
    } else if (init.body !== undefined) {
      payload = JSON.stringify(init.body);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    const upload = payload !== undefined ? uploadBody(payload, init.progress) : undefined;
    try {
      res = await fetch(new URL(path, this.opts.url), {
        method,
        headers,
        ...(upload ? { body: upload.body, ...(upload.duplex ? { duplex: upload.duplex } : {}) } : {}),
        // A server that does not answer is an error to report, not a reason to hang.
        signal: AbortSignal.timeout(Number(process.env.MANDATE_TIMEOUT_MS ?? 120_000)),
      });
    } catch (err) {
      throw new CliError(
        `cannot reach the Mandate server at ${this.opts.url}: ` +
          `${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`,
        3,
        { code: 'UNREACHABLE' },
      );
    } finally {
      upload?.done();
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the message
    }
    if (!res.ok) throw refused(res.status, body);
    return { status: res.status, body: body as T, headers: res.headers };
  }

  /**
   * A call of an operation of the API, typed by the OpenAPI document (openapi/mandate.d.ts): its
   * method and path template (`'/v1/approvals/{id}/approve'`), with the template's parameters
   * (`path`, filled in and percent-encoded), its query (the operation's parameters; values as
   * text, which the server checks) and its JSON body. A path the server does not have, a method it
   * does not take or a wrong parameter does not compile; the answer's body has the response's type.
   */
  async call<M extends 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', P extends PathsOf<Lowercase<M>>>(
    method: M,
    path: P,
    ...[request]: LooseArgsOf<Op<M, P>, CallOptions>
  ): Promise<{ status: number; body: AnswerOf<Op<M, P>>; headers: Headers }> {
    const r = (request ?? {}) as CallOptions & { path?: Record<string, unknown>; query?: Record<string, string>; body?: unknown };
    const { path: params, query, body, ...init } = r;
    return this.request<AnswerOf<Op<M, P>>>(method, `${fillPath(path, params)}${queryString(query)}`, {
      ...init,
      ...(body !== undefined ? { body } : {}),
    });
  }

  /**
   * Streams a response body to a new file (GET, or POST with a JSON body); it must not exist.
   * Answers the bytes written; shows progress under `label` on a terminal.
   */
  async download(path: string, file: string, post?: unknown, label = `writing ${file}`): Promise<number> {
    if (!this.opts.token) throw noToken();
    const shown = progress(label);
    shown.say('waiting for the server…');
    let res: Response;
    try {
      res = await fetch(
        new URL(path, this.opts.url),
        post === undefined
          ? { headers: { authorization: `Bearer ${this.opts.token}` } }
          : {
              method: 'POST',
              headers: { authorization: `Bearer ${this.opts.token}`, 'content-type': 'application/json' },
              body: JSON.stringify(post),
            },
      );
    } catch (err) {
      shown.end();
      throw new CliError(`cannot reach the Mandate server at ${this.opts.url}: ${(err as Error).message}`, 3, { code: 'UNREACHABLE' });
    }
    if (!res.ok || !res.body) {
      shown.end();
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      throw refused(res.status, body);
    }
    const { createWriteStream } = await import('node:fs');
    const { pipeline } = await import('node:stream/promises');
    const { Readable } = await import('node:stream');
    const out = createWriteStream(file, { flags: 'wx' });
    const length = Number(res.headers.get('content-length') ?? NaN);
    const size = Number.isFinite(length) ? length : undefined;
    let done = 0;
    const counted = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream).on('data', (chunk: Buffer) =>
      shown.update((done += chunk.length), size),
    );
    try {
      await pipeline(counted, out);
    } catch (err) {
      throw new CliError(`cannot write ${file}: ${(err as Error).message}`, 2);
    } finally {
      shown.end();
    }
    return out.bytesWritten;
  }

  /**
   * Follows next_cursor until the list ends or `max` items are read (Infinity: all). With
   * `count`, the first page asks the server for the total (lists that support count=true).
   */
  async listAll<P extends ListPath>(
    path: P,
    query: LooseQueryOf<OperationOf<P, 'get'>> & { path?: Record<string, string> },
    max: number,
    opts: { count?: boolean } = {},
  ): Promise<Listed<ItemOf<OperationOf<P, 'get'>>>> {
    type T = ItemOf<OperationOf<P, 'get'>>;
    const { path: params, ...rest } = query as Record<string, string | number | boolean | undefined> & { path?: Record<string, string> };
    const items: T[] = [];
    let cursor: string | undefined;
    let total: number | undefined;
    do {
      const q = { ...rest, limit: Math.min(500, max - items.length), ...(cursor ? { cursor } : opts.count ? { count: true } : {}) };
      const { body } = await this.request<{ items: T[]; next_cursor: string | null; total?: number }>(
        'GET',
        `${fillPath(path, params)}${queryString(q)}`,
      );
      items.push(...body.items);
      if (body.total !== undefined) total = body.total;
      cursor = body.next_cursor ?? undefined;
    } while (cursor && items.length < max);
    return { items, more: Boolean(cursor), ...(total !== undefined ? { total } : {}) };
  }

  /**
   * Lists the server answers in one page of at most `serverMax` (no cursor): asks for one more
   * than `limit` to know whether more exist, and says so on stderr.
   */
  async listCapped<P extends ListPath>(
    path: P,
    query: LooseQueryOf<OperationOf<P, 'get'>>,
    limit: number,
    serverMax: number,
  ): Promise<ItemOf<OperationOf<P, 'get'>>[]> {
    const q = { ...(query as Record<string, string | number | boolean | undefined>), limit: Math.min(limit + 1, serverMax) };
    const { body } = await this.request<{ items: ItemOf<OperationOf<P, 'get'>>[] }>('GET', `${path}${queryString(q)}`);
    if (body.items.length > limit) note(`showing ${limit}; more exist: use --limit N (at most ${serverMax})`);
    else if (body.items.length === serverMax)
      note(`showing the first ${serverMax}, the most this list answers at once; more may exist: narrow it with a filter`);
    return body.items.slice(0, limit);
  }
}

function noToken(): CliError {
  return new CliError('no API token: run mandate login, or pass --token or set MANDATE_TOKEN (the server printed one at first start)', 2, {
    code: 'NO_TOKEN',
  });
}

/**
 * STEP_UP_REQUIRED (an act of power without a recent MFA sign-in): what the person runs, not the
 * browser URL the server names.
 */
function stepUpAdvice(body: ProblemBody & { step_up?: { need?: string } }): string {
  const reason = (body.detail ?? 'this needs a recent sign-in with MFA').replace(/: sign in again with MFA at \S+, then retry$/, '');
  const todo =
    body.step_up?.need === 'sign_in'
      ? 'An API token cannot do this: sign in as a person with `mandate login --sso` (a profile of its own), ' +
        'then `mandate login --sso --step-up` with that profile, and run the command again with it.'
      : 'Sign in again with MFA: run `mandate login --sso --step-up` (with the same --profile), then run this command again.';
  return `error STEP_UP_REQUIRED: ${reason}\n${todo}`;
}

function refused(status: number, body: unknown): CliError {
  const problem = body as ProblemBody;
  const step = typeof body === 'object' && body !== null && problem.code === 'STEP_UP_REQUIRED';
  const err = new CliError(step ? stepUpAdvice(problem) : formatProblem(status, problem), 1);
  err.status = status;
  err.body = body;
  return err;
}

/**
 * A request body: the text as it is, or on a terminal, when it is large, a stream that reports
 * how much of it has been sent.
 */
function uploadBody(
  payload: string,
  label: string | undefined,
): { body: string | ReadableStream<Uint8Array>; duplex?: 'half'; done(): void } {
  const bytes = Buffer.byteLength(payload);
  if (!label || bytes < 1_048_576 || !showsProgress()) return { body: payload, done: () => {} };
  const shown = progress(label, bytes);
  const data = Buffer.from(payload);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= data.length) {
        shown.say(`sent ${(bytes / 1_048_576).toFixed(1)} MB; waiting for the server…`);
        controller.close();
        return;
      }
      const chunk = data.subarray(sent, sent + 65_536);
      sent += chunk.length;
      shown.update(sent);
      controller.enqueue(chunk);
    },
  });
  return { body: stream, duplex: 'half', done: () => shown.end() };
}
