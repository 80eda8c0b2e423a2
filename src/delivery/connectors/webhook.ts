// Webhook connector: for every system without a connector of its own, Mandate POSTs a signed JSON
// notice and the receiver switches the identity off (or on), or takes note of a change (notify,
// with the request's payload). See docs/webhooks.md for receivers.
//
// The URL is the identity's revocation.target when that is an http(s) URL, else the configured
// `url` (the target then travels in the body). Each attempt is signed afresh (a retry an hour later
// still has a current timestamp); mandate-delivery-id stays the same across retries, for
// de-duplication. 2xx = delivered; 408, 429, 5xx, network errors and timeouts are retried; any
// other status (including 3xx: redirects are not followed with a signed body) is permanent.
//
// Every request goes through the outbound guard (src/http/outbound.ts): a URL on loopback, a
// private network or another refused range fails permanently unless MANDATE_OUTBOUND_ALLOW lets it
// through, and a failure is recorded in Mandate's words (connection failed, timed out, HTTP N),
// never the network's (which would tell a reader of the outbox which ports are open).
import { createHash, createHmac, createPublicKey, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { OutboundRefused, outboundGuard, outboundMessage, redactUrl, type OutboundGuard } from '../../http/outbound.js';
import { PermanentConnectorError, type Connector, type ConnectorAction, type ConnectorRequest, type ConnectorResult } from './connector.js';

export interface WebhookConnectorOptions {
  /** Receiver for identities whose target is not itself a URL. */
  url?: string;
  /** Shared secret: HMAC-SHA256 signature in `mandate-signature`. */
  secret?: string;
  /** Ed25519 private key: signature in `mandate-signature-ed25519`. */
  signingKey?: KeyObject;
  /** Or an Ed25519 key that signs elsewhere (an HSM: src/keys/pkcs11.ts); a failure to sign is retried. */
  signer?: { sign(data: Buffer): Promise<Buffer> };
  /** Per attempt, including reading the response (default 10 s). */
  timeoutMs?: number;
  /** Connector name identities use (default "webhook"). */
  name?: string;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
  /** The outbound guard (default: the strict one, no allow-list; the server passes MANDATE_OUTBOUND_ALLOW's). */
  guard?: Pick<OutboundGuard, 'request'>;
}

export const SIGNATURE_HEADER = 'mandate-signature';
export const ED25519_SIGNATURE_HEADER = 'mandate-signature-ed25519';
export const DELIVERY_ID_HEADER = 'mandate-delivery-id';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The JSON body, in this key order; `payload` only when the request carries one (e.g. notify). */
export interface WebhookBody {
  delivery_id: string;
  action: ConnectorAction;
  target: string;
  identity: string;
  reason: string;
  decided_at: string;
  payload?: Record<string, unknown>;
}

/** The exact bytes both signatures cover: `${t}.` followed by the raw body. */
function signedPayload(t: number | string, body: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${t}.`), typeof body === 'string' ? Buffer.from(body) : body]);
}

export function hmacSignatureHeader(body: string | Buffer, secret: string, t: number): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(signedPayload(t, body)).digest('hex')}`;
}

export function ed25519SignatureHeader(body: string | Buffer, privateKey: KeyObject, t: number): string {
  return `t=${t},sig=${sign(null, signedPayload(t, body), privateKey).toString('base64url')}`;
}

/** Absolute http(s) URL, or a permanent error: a bad URL does not get better with retries. */
function parseUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new PermanentConnectorError('webhook URL is not a valid URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new PermanentConnectorError(`webhook URL scheme ${u.protocol} is not http(s)`);
  return u;
}

export function webhookConnector(options: WebhookConnectorOptions = {}): Connector {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const guard = options.guard ?? outboundGuard();
  const purpose = options.name === 'notify' ? ('notify' as const) : ('webhook' as const);
  const fallback = options.url !== undefined ? parseUrl(options.url) : undefined;
  if (options.signingKey && options.signingKey.asymmetricKeyType !== 'ed25519') {
    throw new Error('webhook signingKey must be an Ed25519 private key');
  }
  if (options.signingKey && options.signingKey.type !== 'private') throw new Error('webhook signingKey must be a private key');
  if (options.signingKey && options.signer) throw new Error('webhook: give signingKey or signer, not both');

  async function apply(request: ConnectorRequest): Promise<ConnectorResult> {
    const isUrl = /^https?:\/\//i.test(request.target);
    const url = isUrl ? parseUrl(request.target) : fallback;
    if (!url) throw new PermanentConnectorError('webhook target is not a URL and no webhook URL is configured');

    const payload: WebhookBody = {
      delivery_id: request.deliveryId,
      action: request.action,
      target: request.target,
      identity: request.identityId,
      reason: request.reason,
      decided_at: request.decidedAt,
      ...(request.payload !== undefined ? { payload: request.payload } : {}),
    };
    const body = JSON.stringify(payload);
    const t = Math.floor(now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'mandate-webhook/1',
      [DELIVERY_ID_HEADER]: request.deliveryId,
    };
    if (options.secret) headers[SIGNATURE_HEADER] = hmacSignatureHeader(body, options.secret, t);
    if (options.signingKey) headers[ED25519_SIGNATURE_HEADER] = ed25519SignatureHeader(body, options.signingKey, t);
    if (options.signer)
      headers[ED25519_SIGNATURE_HEADER] = `t=${t},sig=${(await options.signer.sign(signedPayload(t, body))).toString('base64url')}`;

    const where = redactUrl(url); // no credentials, query or fragment (they may hold tokens)
    let status: number;
    let digest: string;
    try {
      const res = await guard.request(url, purpose, { method: 'POST', headers, body, timeoutMs });
      status = res.status;
      digest = createHash('sha256')
        .update(Buffer.from(await res.arrayBuffer()))
        .digest('hex');
    } catch (err) {
      const message = `webhook ${request.action} to ${where} failed: ${outboundMessage(err, timeoutMs)}`;
      if (err instanceof OutboundRefused) throw new PermanentConnectorError(message, { cause: err });
      throw new Error(message, { cause: err });
    }
    const acknowledgement = `HTTP ${status} sha256:${digest}`;
    if (status >= 200 && status < 300) {
      return { detail: `${request.action} delivered to ${where}`, acknowledgement };
    }
    const message = `webhook ${request.action} to ${where} answered ${acknowledgement}`;
    if (status >= 500 || status === 408 || status === 429) throw new Error(message);
    throw new PermanentConnectorError(message);
  }

  return { name: options.name ?? 'webhook', apply };
}

// --- Verification (for receivers, and tests) --------------------------------------------------

export interface VerifyOptions {
  /** The raw request body, exactly as received (not re-serialised JSON). */
  body: string | Buffer;
  /** The signature header's value (as Node gives it: string, string[] or undefined). */
  header: string | string[] | undefined;
  /** Maximum age (and future skew) of the timestamp (default 300 s). */
  toleranceSeconds?: number;
  /** Current time (default: now). */
  now?: Date | number;
}

function parseHeader(header: string | string[] | undefined): Map<string, string[]> | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return undefined;
  const fields = new Map<string, string[]>();
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    fields.set(key, [...(fields.get(key) ?? []), part.slice(eq + 1).trim()]);
  }
  return fields;
}

/** The header's timestamp when it is a single unix-seconds value within tolerance of now. */
function freshTimestamp(fields: Map<string, string[]>, options: VerifyOptions): string | undefined {
  const ts = fields.get('t');
  if (ts?.length !== 1 || !/^\d{1,12}$/.test(ts[0]!)) return undefined;
  const nowMs = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  return Math.abs(nowMs / 1000 - Number(ts[0])) <= tolerance ? ts[0] : undefined;
}

/**
 * Verifies `mandate-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: true only when
 * the timestamp is within tolerance and some v1 matches some secret (several secrets: rotation).
 */
export function verifyWebhookSignature(options: VerifyOptions & { secret: string | readonly string[] }): boolean {
  const fields = parseHeader(options.header);
  if (!fields) return false;
  const t = freshTimestamp(fields, options);
  if (t === undefined) return false;
  const given = (fields.get('v1') ?? []).filter((v) => /^[0-9a-f]{64}$/i.test(v)).map((v) => Buffer.from(v, 'hex'));
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  let ok = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = createHmac('sha256', secret).update(signedPayload(t, options.body)).digest();
    for (const g of given) ok = timingSafeEqual(expected, g) || ok;
  }
  return ok;
}

/**
 * Verifies `mandate-signature-ed25519: t=<unix seconds>,sig=<base64url Ed25519 over "t.body">`
 * against Mandate's public key (KeyObject or PEM).
 */
export function verifyWebhookSignatureEd25519(options: VerifyOptions & { publicKey: KeyObject | string }): boolean {
  const fields = parseHeader(options.header);
  if (!fields) return false;
  const t = freshTimestamp(fields, options);
  if (t === undefined) return false;
  const key = typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
  if (key.asymmetricKeyType !== 'ed25519') return false;
  for (const s of fields.get('sig') ?? []) {
    if (!/^[A-Za-z0-9_-]{86}$/.test(s)) continue; // 64 bytes
    if (verify(null, signedPayload(t, options.body), key, Buffer.from(s, 'base64url'))) return true;
  }
  return false;
}
