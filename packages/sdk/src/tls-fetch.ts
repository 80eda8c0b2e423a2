// A fetch over node:https with TLS options of its own: a private CA to trust beside the system's,
// and a client certificate for mutual TLS (a server with MANDATE_TLS_CLIENT_CA_FILE asks one of
// enforcement points). Node's global fetch takes no TLS options without the undici package, and an
// undici of another major than the one inside Node does not reliably plug into it; node:https
// needs no dependency. It does what the Enforcer asks of fetch: a method, headers, a text body, an
// abort signal, and a streamed answer (the enforcement stream never ends).
import { Agent, request } from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';

export interface EnforcerTlsOptions {
  /** CA certificates (PEM) to trust, beside the system's: a server whose certificate a private CA issued. */
  ca?: string | Buffer | (string | Buffer)[];
  /** The client certificate (PEM, chain leaf first) for mutual TLS, and its private key. */
  cert?: string | Buffer;
  key?: string | Buffer;
}

const NO_BODY = new Set([204, 205, 304]);

/** A fetch for https:// URLs with these TLS options; other URLs go to the global fetch. Keeps connections alive. */
export function tlsFetch(tls: EnforcerTlsOptions): typeof fetch {
  const agent = new Agent({
    keepAlive: true,
    minVersion: 'TLSv1.2',
    ...(tls.ca ? { ca: [...rootCertificates, ...[tls.ca].flat()] } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
  });
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.protocol !== 'https:') return fetch(input, init);
    const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    const body = init.body ?? undefined;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array))
      throw new TypeError('tlsFetch sends text or bytes only');
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, { method, headers: Object.fromEntries(headers), agent }, (res) => {
        const status = res.statusCode ?? 502;
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) h.append(k, one);
        const stream = NO_BODY.has(status) || method === 'HEAD' ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        if (!stream) res.resume();
        resolve(new Response(stream, { status, statusText: res.statusMessage ?? '', headers: h }));
      });
      const abort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', abort, { once: true });
      req.once('close', () => signal?.removeEventListener('abort', abort));
      req.once('error', reject);
      req.end(body ?? undefined);
    });
  }) as typeof fetch;
}
