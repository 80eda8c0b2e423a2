// The CLI's HTTP client: every command except `serve` talks to a running server, so the CLI and
// the API can never disagree about the rules.

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
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
  constructor(private readonly opts: ClientOptions) {}

  async request<T = unknown>(method: string, path: string, init: { body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string>; anonymous?: boolean } = {}): Promise<{ status: number; body: T; headers: Headers }> {
    // The OAuth endpoints authenticate the workload by what it presents, not by an API token.
    if (!this.opts.token && !init.anonymous) throw new CliError('no API token: pass --token or set MANDATE_TOKEN (the server printed one at first start)', 2);
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
    try {
      res = await fetch(new URL(path, this.opts.url), {
        method, headers, ...(payload !== undefined ? { body: payload } : {}),
        // A server that does not answer is an error to report, not a reason to hang.
        signal: AbortSignal.timeout(Number(process.env.MANDATE_TIMEOUT_MS ?? 120_000)),
      });
    } catch (err) {
      throw new CliError(`cannot reach the Mandate server at ${this.opts.url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`, 3);
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the message
    }
    if (!res.ok) {
      const err = new CliError(formatProblem(res.status, body as ProblemBody), 1) as CliError & { body?: unknown };
      err.body = body;
      throw err;
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  /** Streams a response body to a new file (it must not exist). Answers the bytes written. */
  /** Streams a response body to a new file (GET, or POST with a JSON body). */
  async download(path: string, file: string, post?: unknown): Promise<number> {
    if (!this.opts.token) throw new CliError('no API token: pass --token or set MANDATE_TOKEN', 2);
    let res: Response;
    try {
      res = await fetch(new URL(path, this.opts.url), post === undefined
        ? { headers: { authorization: `Bearer ${this.opts.token}` } }
        : { method: 'POST', headers: { authorization: `Bearer ${this.opts.token}`, 'content-type': 'application/json' }, body: JSON.stringify(post) });
    } catch (err) {
      throw new CliError(`cannot reach the Mandate server at ${this.opts.url}: ${(err as Error).message}`, 3);
    }
    if (!res.ok || !res.body) {
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      throw new CliError(formatProblem(res.status, body as ProblemBody), 1);
    }
    const { createWriteStream } = await import('node:fs');
    const { pipeline } = await import('node:stream/promises');
    const { Readable } = await import('node:stream');
    const out = createWriteStream(file, { flags: 'wx' });
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), out);
    } catch (err) {
      throw new CliError(`cannot write ${file}: ${(err as Error).message}`, 2);
    }
    return out.bytesWritten;
  }

  /** Follows next_cursor until the list ends or `max` items are read. */
  async listAll<T>(path: string, query: Record<string, string | undefined>, max: number): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
      q.set('limit', String(Math.min(500, max - items.length)));
      if (cursor) q.set('cursor', cursor);
      const { body } = await this.request<{ items: T[]; next_cursor: string | null }>('GET', `${path}?${q}`);
      items.push(...body.items);
      cursor = body.next_cursor ?? undefined;
    } while (cursor && items.length < max);
    return items;
  }
}
