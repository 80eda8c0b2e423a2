// The outbound guard: every request Mandate makes to a URL someone configured (a webhook
// connector's target, a notification receiver, a CAEP receiver, a trusted issuer's JWKS) goes
// through here, so nobody can make the server talk to its own loopback, the cloud metadata address
// or the private network behind it and read from the outbox which ports answered.
//
// The rules (docs/webhooks.md, "The outbound guard"):
// - the scheme is https, or http where the purpose allows it (webhooks, notifications and CAEP
//   bodies are signed; a JWKS is not, so plain http is refused for it unless the allow-list says
//   `http://host`);
// - the host is resolved (every address) and each address is checked: loopback, link-local,
//   private, shared (CGNAT), unspecified, multicast and reserved ranges are refused, in IPv4,
//   IPv6 and the IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4);
// - an admin's allow-list (MANDATE_OUTBOUND_ALLOW: host names, `*.suffix`, addresses, CIDRs, each
//   with an optional port) lets named hosts and networks through, private ones included;
// - the connection goes to the address that was checked: the check runs inside the socket's own
//   `lookup`, so there is no second resolution an attacker's DNS could answer differently.
//
// What a reader sees of a failure is said in Mandate's words (refused by the outbound guard,
// connection failed, timed out); the network's own error (which tells ECONNREFUSED from a timeout,
// so which ports are open) goes to the server log only.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * What the request is for: decides whether plain http is acceptable. 'ssf': a Shared Signals push,
 * which carries the receiver's Authorization header, so https unless allowed as http://host.
 */
export type OutboundPurpose = 'webhook' | 'notify' | 'caep' | 'jwks' | 'ssf';

/** Purposes whose bodies are signed by Mandate, so plain http leaks nothing a receiver must trust. */
const HTTP_ALLOWED: ReadonlySet<OutboundPurpose> = new Set(['webhook', 'notify', 'caep']);

/** The guard said no: permanent (a retry will not change the configuration). */
export class OutboundRefused extends Error {
  override readonly name = 'OutboundRefused';
  constructor(reason: string) {
    super(`refused by the outbound guard: ${reason}`);
  }
}

/** The request left and failed: the message is neutral (connection failed, timed out, too large). */
export class OutboundFailed extends Error {
  override readonly name = 'OutboundFailed';
  constructor(
    message: string,
    readonly timedOut = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface OutboundPolicy {
  /**
   * Allow-list entries (MANDATE_OUTBOUND_ALLOW): `host`, `*.suffix`, `1.2.3.4`, `10.0.0.0/8`, `[::1]`, `fd00::/8`, each with an optional
   * `:port`; prefix `http://` to accept plain http there for every purpose.
   */
  allow?: readonly string[];
  /** Where the raw network error of a failed request goes (the server log); never shown to API readers. */
  log?: (detail: { url: string; purpose: OutboundPurpose; err: unknown }) => void;
  /** Resolver (tests); default dns.lookup with all addresses. */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole exchange, response body included (default 10 s). */
  timeoutMs?: number;
  /** Aborts the request (as fetch's signal). */
  signal?: AbortSignal | null;
  /** Largest response body read (default 1 MiB). */
  maxBytes?: number;
}

export interface OutboundGuard {
  /**
   * The checks that need no DNS (scheme, an address given literally, the allow-list): for
   * validating a URL where it is configured. Answers the parsed URL; throws OutboundRefused.
   */
  checkUrl(url: string | URL, purpose: OutboundPurpose): URL;
  /** checkUrl, then resolves the host and checks every address. Answers the addresses allowed. */
  resolve(url: string | URL, purpose: OutboundPurpose): Promise<LookupAddress[]>;
  /** An HTTP exchange through the guard (redirects are not followed). Throws OutboundRefused or OutboundFailed. */
  request(url: string | URL, purpose: OutboundPurpose, init?: OutboundRequest): Promise<Response>;
  /** A fetch-compatible function for libraries that take one (jose's createRemoteJWKSet). */
  fetchFor(purpose: OutboundPurpose): (url: string | URL, init?: RequestInit) => Promise<Response>;
}

// --- Addresses ----------------------------------------------------------------------------------

type Family = 'ipv4' | 'ipv6';

/** The ranges refused by default, by the word used in a refusal. */
const REFUSED: readonly [string, Family, string, number][] = [
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['shared (CGNAT)', 'ipv4', '100.64.0.0', 10],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['reserved', 'ipv6', '::', 96], // IPv4-compatible (deprecated)
  ['reserved', 'ipv6', '100::', 64], // discard-only
  ['private', 'ipv6', 'fc00::', 7],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['private', 'ipv6', 'fec0::', 10], // site-local (deprecated)
  ['multicast', 'ipv6', 'ff00::', 8],
];
const refusedLists = REFUSED.map(([kind, family, net, prefix]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { kind, family, list };
});

/** The eight 16-bit groups of an IPv6 address (zone id dropped, a trailing dotted quad read). */
export function ipv6Groups(address: string): number[] {
  let a = address.replace(/%.*$/, '').toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) {
    const [b0, b1, b2, b3] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    a = `${a.slice(0, dotted.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? (a.split('::') as [string, string]) : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

function v4FromGroups(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/**
 * The IPv4 address an IPv6 address carries to an IPv4 host, when it does: IPv4-mapped
 * (::ffff:0:0/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
export function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (g.length !== 8) return undefined;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) return v4FromGroups(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0) return v4FromGroups(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4FromGroups(g[1]!, g[2]!);
  return undefined;
}

/** Why this address is refused by default (loopback, private, …), or undefined when it is public. */
export function refusedRange(address: string): string | undefined {
  const version = isIP(address);
  if (version === 0) return 'not an address';
  if (version === 6) {
    const v4 = embeddedIpv4(address);
    if (v4 !== undefined) return refusedRange(v4);
  }
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  return refusedLists.find((r) => r.family === family && r.list.check(address, family))?.kind;
}

// --- The allow-list -----------------------------------------------------------------------------

interface AllowEntry {
  text: string;
  http: boolean;
  port?: number;
  host?: string;
  suffix?: string;
  net?: { list: BlockList; family: Family };
}

function parsePort(p: string | undefined, entry: string): number | undefined {
  if (p === undefined) return undefined;
  const n = Number(p);
  if (!/^\d{1,5}$/.test(p) || n < 1 || n > 65535) throw new Error(`outbound allow-list entry ${JSON.stringify(entry)}: bad port ${p}`);
  return n;
}

function netEntry(addr: string, prefix: string | undefined, entry: string): AllowEntry['net'] {
  const version = isIP(addr);
  if (version === 0) throw new Error(`outbound allow-list entry ${JSON.stringify(entry)}: ${addr} is not an address`);
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  const bits = prefix === undefined ? (version === 4 ? 32 : 128) : Number(prefix);
  if (!/^\d{1,3}$/.test(prefix ?? '0') || bits > (version === 4 ? 32 : 128))
    throw new Error(`outbound allow-list entry ${JSON.stringify(entry)}: bad prefix /${prefix}`);
  const list = new BlockList();
  list.addSubnet(addr, bits, family);
  return { list, family };
}

/** Reads allow-list entries; throws on one that is not understood (the server refuses to start). */
export function parseAllowList(entries: readonly string[]): AllowEntry[] {
  return entries.map((raw) => {
    const text = raw.trim();
    let rest = text;
    const http = /^http:\/\//i.test(rest);
    rest = rest.replace(/^https?:\/\//i, '').replace(/\/$/, '');
    if (!rest) throw new Error(`outbound allow-list entry ${JSON.stringify(raw)} is empty`);
    // [v6], [v6]:port, [v6/prefix]
    let m = /^\[([0-9a-f:.%]+)(?:\/(\d+))?\](?::(\d+))?$/i.exec(rest);
    if (m) return { text, http, net: netEntry(m[1]!, m[2], raw), ...opt(parsePort(m[3], raw)) };
    // a bare IPv6 address or network (no port: use brackets for one)
    m = /^([0-9a-f]*:[0-9a-f:.]*)(?:\/(\d+))?$/i.exec(rest);
    if (m) return { text, http, net: netEntry(m[1]!, m[2], raw) };
    // IPv4 address or network, optional port
    m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?(?::(\d+))?$/.exec(rest);
    if (m) return { text, http, net: netEntry(m[1]!, m[2], raw), ...opt(parsePort(m[3], raw)) };
    // host name or *.suffix, optional port
    m = /^(\*\.)?([a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)\.?(?::(\d+))?$/i.exec(rest);
    if (m) {
      const name = m[2]!.toLowerCase();
      return { text, http, ...(m[1] ? { suffix: `.${name}` } : { host: name }), ...opt(parsePort(m[3], raw)) };
    }
    throw new Error(`outbound allow-list entry ${JSON.stringify(raw)} is not a host, address or CIDR (with an optional :port)`);
  });
}

const opt = (port: number | undefined) => (port === undefined ? {} : { port });

/** Reads MANDATE_OUTBOUND_ALLOW (comma- or space-separated). */
export function allowListFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

// --- The guard ----------------------------------------------------------------------------------

const defaultPort = (u: URL) => (u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80);
const bare = (hostname: string) =>
  hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');

/** For logs and messages: no credentials, query or fragment. */
export function redactUrl(u: URL): string {
  return `${u.origin}${u.pathname}`;
}

async function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );
}

export function outboundGuard(policy: OutboundPolicy = {}): OutboundGuard {
  const entries = parseAllowList(policy.allow ?? []);
  const resolveHost = policy.resolve ?? lookupAll;

  const nameMatches = (e: AllowEntry, host: string, port: number) =>
    (e.port === undefined || e.port === port) && (e.host === host || (e.suffix !== undefined && host.endsWith(e.suffix)));
  const addressMatches = (e: AllowEntry, address: string, port: number) => {
    if (!e.net || (e.port !== undefined && e.port !== port)) return false;
    const version = isIP(address);
    const v4 = version === 6 ? embeddedIpv4(address) : undefined;
    // An IPv4 entry also covers the IPv4-mapped form of its addresses.
    if (v4 !== undefined && e.net.family === 'ipv4' && ipv6Groups(address)[5] === 0xffff) return e.net.list.check(v4, 'ipv4');
    return e.net.list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };

  /** The allow-list's word on one address of this URL (a named host covers all its addresses). */
  function checkAddress(u: URL, address: string): void {
    const host = bare(u.hostname);
    const port = defaultPort(u);
    if (entries.some((e) => nameMatches(e, host, port) || addressMatches(e, address, port))) return;
    const kind = refusedRange(address);
    if (kind !== undefined)
      throw new OutboundRefused(
        `${host === address ? 'the address' : 'the host resolves to an address that'} is ${kind} (allow it with MANDATE_OUTBOUND_ALLOW)`,
      );
  }

  function checkUrl(url: string | URL, purpose: OutboundPurpose): URL {
    let u: URL;
    try {
      u = typeof url === 'string' ? new URL(url) : url;
    } catch {
      throw new OutboundRefused('not a valid URL');
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new OutboundRefused(`scheme ${u.protocol} is not https`);
    const host = bare(u.hostname);
    const port = defaultPort(u);
    if (u.protocol === 'http:' && !HTTP_ALLOWED.has(purpose)) {
      const httpAllowed = entries.some(
        (e) => e.http && (nameMatches(e, host, port) || (isIP(host) !== 0 && addressMatches(e, host, port))),
      );
      const what = purpose === 'jwks' ? 'JWKS' : purpose === 'ssf' ? 'Shared Signals push' : purpose;
      if (!httpAllowed)
        throw new OutboundRefused(`a ${what} URL must be https (or its host allowed as http://host in MANDATE_OUTBOUND_ALLOW)`);
    }
    if (isIP(host) !== 0) checkAddress(u, host);
    return u;
  }

  async function resolveChecked(u: URL): Promise<LookupAddress[]> {
    const host = bare(u.hostname);
    const version = isIP(host);
    const addresses = version !== 0 ? [{ address: host, family: version }] : await resolveHost(host);
    if (addresses.length === 0) throw new OutboundFailed('the host name does not resolve');
    for (const a of addresses) checkAddress(u, a.address);
    return addresses;
  }

  async function request(url: string | URL, purpose: OutboundPurpose, init: OutboundRequest = {}): Promise<Response> {
    const u = checkUrl(url, purpose);
    const timeoutMs = init.timeoutMs ?? 10_000;
    const maxBytes = init.maxBytes ?? 1024 * 1024;
    // The socket resolves through this: the addresses it connects to are the ones just checked.
    const lookup: LookupFunction = (hostname, options, callback) => {
      resolveHost(hostname)
        .then((all) => {
          if (all.length === 0) throw new OutboundFailed('the host name does not resolve');
          for (const a of all) checkAddress(u, a.address);
          const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
          if (wanted.length === 0) throw new OutboundFailed('the host name does not resolve');
          if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, wanted);
          else callback(null, wanted[0]!.address, wanted[0]!.family);
        })
        .catch((err: Error) => callback(err as NodeJS.ErrnoException, '', 0));
    };
    const host = bare(u.hostname);
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (body) headers['content-length'] = String(body.length);

    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        init.signal?.removeEventListener('abort', onAbort);
        req.destroy();
        if (err instanceof OutboundRefused) return reject(err);
        if (init.signal?.aborted && err === init.signal.reason) return reject(err);
        const neutral = err instanceof OutboundFailed ? err : new OutboundFailed('connection failed', false, { cause: err });
        policy.log?.({ url: redactUrl(u), purpose, err });
        reject(neutral);
      };
      const onAbort = () => fail(init.signal!.reason);
      const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        {
          protocol: u.protocol,
          hostname: host,
          port: defaultPort(u),
          path: `${u.pathname}${u.search}`,
          method: init.method ?? 'GET',
          headers,
          lookup,
          agent: false,
          ...(u.username ? { auth: `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` } : {}),
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) fail(new OutboundFailed(`the response is larger than ${maxBytes} bytes`));
            else chunks.push(c);
          });
          res.on('error', fail);
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            init.signal?.removeEventListener('abort', onAbort);
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
            const status = res.statusCode ?? 502;
            const nullBody = status === 204 || status === 205 || status === 304;
            resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: h }));
          });
        },
      );
      const timer = setTimeout(() => fail(new OutboundFailed(`timed out after ${timeoutMs} ms`, true)), timeoutMs);
      if (init.signal?.aborted) return fail(init.signal.reason);
      init.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', fail);
      req.end(body);
    });
  }

  return {
    checkUrl,
    async resolve(url, purpose) {
      return resolveChecked(checkUrl(url, purpose));
    },
    request,
    fetchFor(purpose) {
      return async (url, init = {}) => {
        const headers: Record<string, string> = {};
        new Headers(init.headers).forEach((v, k) => {
          headers[k] = v;
        });
        return request(url, purpose, {
          method: init.method ?? 'GET',
          headers,
          signal: init.signal ?? null,
          ...(typeof init.body === 'string' ? { body: init.body } : {}),
        });
      };
    },
  };
}

/** A failure's words for readers: the guard's and ours pass through; anything else is "connection failed". */
export function outboundMessage(err: unknown, timeoutMs?: number): string {
  if (err instanceof OutboundRefused || err instanceof OutboundFailed) return err.message;
  if (err instanceof Error && err.name === 'TimeoutError') return timeoutMs === undefined ? 'timed out' : `timed out after ${timeoutMs} ms`;
  return 'connection failed';
}
