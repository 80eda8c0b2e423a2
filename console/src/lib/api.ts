// The console's only way to the server: fetch with the signed-in user's bearer token. Errors are
// RFC 9457 problem details; they are raised as ApiError so every page shows the same message,
// the stable code and the field at fault.

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  field?: string;
  /** Every field at fault, when there are several (validation). */
  errors?: { field?: string; reason?: string }[];
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

export interface Client {
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(method: 'POST' | 'PUT', path: string, body?: unknown): Promise<T>;
  /** A request whose answer is a file: it is handed to the browser as a download. */
  download(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ filename: string; bytes: number; blob: Blob }>;
}

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

export function client(token: string, onUnauthenticated: () => void): Client {
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json, application/problem+json, */*' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
    if (!res.ok) {
      const problem = await problemOf(res);
      if (res.status === 401) onUnauthenticated();
      throw new ApiError(problem);
    }
    return res;
  };
  return {
    async get<T>(path: string, query?: Query) {
      return (await (await call('GET', withQuery(path, query))).json()) as T;
    },
    async send<T>(method: 'POST' | 'PUT', path: string, body?: unknown) {
      const res = await call(method, path, body ?? {});
      const text = await res.text();
      return (text ? JSON.parse(text) : {}) as T;
    },
    async download(method, path, body) {
      const res = await call(method, path, body);
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

/** Asks the server whether a token is good, before it is kept. */
export async function whoIs(token: string): Promise<Me> {
  return client(token, () => undefined).get<Me>('/v1/me');
}

export interface Me {
  user: string;
  name?: string;
  roles: string[];
  permissions?: string[];
}
