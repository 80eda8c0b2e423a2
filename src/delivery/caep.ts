// Security Event Tokens (RFC 8417) with OpenID CAEP event types, pushed to relying parties
// (RFC 8935 push delivery) whenever an identity's power changes, so a gateway or service that
// trusted an earlier token learns at once that the identity's session is revoked or its claims
// changed. The receivers configured by MANDATE_CAEP_RECEIVERS are served here; receivers that
// register Shared Signals streams are served by src/delivery/ssf.ts with the same SETs.
import { exportJWK, type JWK } from 'jose';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { keySigner, signCompactJws, type Signer } from '../keys/signer.js';
import { PermanentConnectorError, type Connector, type ConnectorRequest, type ConnectorResult } from './connectors/connector.js';
import { OutboundRefused, outboundGuard, outboundMessage, redactUrl, type OutboundGuard } from '../http/outbound.js';
import { CAEP_EVENTS, CAEP_CREDENTIAL_TYPES, SET_ERROR_CODES, type CaepCredentialType } from '../core/ssf.js';

export const CAEP = CAEP_EVENTS;
export type CaepEvent = keyof typeof CAEP;

export interface SetSigningKey {
  kid: string;
  /** Signs with the private half, wherever it lives (src/keys/: sealed, or in an HSM). */
  signer: Signer;
  publicJwk: JWK;
}

/**
 * An Ed25519 key for signing SETs that lives only in memory (tests). A server signs with the
 * persisted, rotated keys of purpose 'set' (src/tokens/keys.ts), published at /.well-known/jwks.json.
 */
export async function newSetSigningKey(): Promise<SetSigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = await exportJWK(publicKey);
  const kid = `set-${createHash('sha256').update(JSON.stringify(jwk)).digest('base64url').slice(0, 16)}`;
  return { kid, signer: keySigner(kid, privateKey), publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' } };
}

export interface SetInput {
  issuer: string;
  audience: string;
  event: CaepEvent;
  identity: string;
  reason: string;
  decidedAt: string;
  claims?: unknown;
  /** credential-change: the registered CAEP credential_type (without one, session-revoked is sent). */
  credentialType?: string;
  jti?: string;
  /** SSF §4.1.9: the same for every SET of one cause. */
  txn?: string;
}

/**
 * A CAEP event's type URI and body. credential_type is one of CAEP 1.0's registered values or the
 * event is told as session-revoked (an outbox row written before the values were checked, say).
 */
export function caepEvent(input: Pick<SetInput, 'event' | 'reason' | 'decidedAt' | 'claims' | 'credentialType'>): {
  uri: string;
  body: Record<string, unknown>;
} {
  const credentialType = CAEP_CREDENTIAL_TYPES.includes(input.credentialType as CaepCredentialType) ? input.credentialType : undefined;
  const event = input.event === 'credential-change' && !credentialType ? 'session-revoked' : input.event;
  const body: Record<string, unknown> = {
    event_timestamp: Math.floor(Date.parse(input.decidedAt) / 1000),
    initiating_entity: 'policy',
    reason_admin: { en: input.reason },
  };
  if (event === 'token-claims-change') body.claims = input.claims ?? {};
  if (event === 'credential-change') Object.assign(body, { credential_type: credentialType, change_type: 'revoke' });
  return { uri: CAEP[event], body };
}

/** A signed SET (RFC 8417, SSF §4.1): explicitly typed, no sub and no exp, the subject in sub_id. */
export async function signSecurityEvent(
  key: SetSigningKey,
  set: { issuer: string; audience: string | string[]; subject: string; events: Record<string, unknown>; jti?: string; txn?: string },
  now = Date.now(),
): Promise<string> {
  // Built by hand around the key store's signature (an HSM key cannot be handed to jose).
  return signCompactJws(
    key.signer,
    { alg: 'EdDSA', typ: 'secevent+jwt', kid: key.kid },
    {
      sub_id: { format: 'opaque', id: set.subject },
      events: set.events,
      ...(set.txn ? { txn: set.txn } : {}),
      iss: set.issuer,
      aud: set.audience,
      iat: Math.floor(now / 1000),
      jti: set.jti ?? randomBytes(12).toString('base64url'),
    },
  );
}

export async function signSet(key: SetSigningKey, input: SetInput, now = Date.now()): Promise<string> {
  const { uri, body } = caepEvent(input);
  return signSecurityEvent(
    key,
    {
      issuer: input.issuer,
      audience: input.audience,
      subject: input.identity,
      events: { [uri]: body },
      ...(input.jti ? { jti: input.jti } : {}),
      ...(input.txn ? { txn: input.txn } : {}),
    },
    now,
  );
}

/**
 * RFC 8935 push: POSTs the SET through the outbound guard and reads the answer. 202 (or 200/204)
 * is delivered; a 5xx, 408 or 429 is retried; anything else is permanent, naming the RFC 8935
 * error code the receiver gave (only a registered one: the rest of its text is not repeated).
 */
export async function pushSet(p: {
  guard: Pick<OutboundGuard, 'request'>;
  url: string;
  purpose: 'caep' | 'ssf';
  set: string;
  authorization?: string;
  timeoutMs: number;
  /** The event, for the delivery's detail. */
  name: string;
  /** Who refused, in messages: "CAEP receiver", "receiver of stream …". */
  who: string;
}): Promise<ConnectorResult> {
  let where: string;
  try {
    where = redactUrl(new URL(p.url));
  } catch {
    throw new PermanentConnectorError(`${p.who} has no valid URL`);
  }
  const headers: Record<string, string> = { 'content-type': 'application/secevent+jwt', accept: 'application/json' };
  if (p.authorization) headers.authorization = p.authorization;
  let res: Response;
  let text: string;
  try {
    res = await p.guard.request(p.url, p.purpose, { method: 'POST', headers, body: p.set, timeoutMs: p.timeoutMs });
    text = await res.text();
  } catch (err) {
    const message = `${p.purpose === 'caep' ? 'CAEP' : 'SET'} delivery to ${where} failed: ${outboundMessage(err, p.timeoutMs)}`;
    if (err instanceof OutboundRefused) throw new PermanentConnectorError(message, { cause: err });
    throw new Error(message, { cause: err });
  }
  const acknowledgement = `HTTP ${res.status} sha256:${createHash('sha256').update(text).digest('hex')}`;
  if (res.status === 202 || res.status === 200 || res.status === 204) return { detail: `SET ${p.name} delivered`, acknowledgement };
  if (res.status >= 500 || res.status === 408 || res.status === 429)
    throw new Error(`${p.purpose === 'caep' ? 'CAEP' : 'SET'} delivery to ${where} failed: the receiver answered ${acknowledgement}`);
  // RFC 8935 §2.4: {"err": code, "description": text}.
  let code: string | undefined;
  try {
    const parsed = JSON.parse(text) as { err?: unknown };
    code = SET_ERROR_CODES.find((c) => c === parsed.err);
  } catch {
    // not JSON
  }
  throw new PermanentConnectorError(`${p.who} ${where} refused the SET${code ? ` (err ${code})` : ''}: it answered ${acknowledgement}`);
}

/** A key, or where to get the current one (the persisted keys rotate). */
export type SetKeySource = SetSigningKey | (() => Promise<SetSigningKey>);
export const currentSetKey = (key: SetKeySource): Promise<SetSigningKey> => (typeof key === 'function' ? key() : Promise.resolve(key));

/**
 * The `caep` connector: the outbox row's target is the receiver's push endpoint, reached through
 * the outbound guard (default: the strict one; the server passes MANDATE_OUTBOUND_ALLOW's). A
 * failure is recorded in Mandate's words, never the network's.
 */
export function caepConnector(opts: {
  issuer: string;
  key: SetKeySource;
  timeoutMs?: number;
  guard?: Pick<OutboundGuard, 'request'>;
}): Connector {
  const guard = opts.guard ?? outboundGuard();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    name: 'caep',
    async apply(req: ConnectorRequest) {
      const event = (req.payload?.event ?? 'session-revoked') as CaepEvent;
      if (!(event in CAEP)) throw new PermanentConnectorError(`unknown CAEP event ${String(event)}`);
      const set = await signSet(await currentSetKey(opts.key), {
        issuer: opts.issuer,
        audience: req.target,
        event,
        identity: req.identityId,
        reason: req.reason,
        decidedAt: req.decidedAt,
        claims: req.payload?.claims,
        ...(typeof req.payload?.credential_type === 'string' ? { credentialType: req.payload.credential_type } : {}),
        ...(typeof req.payload?.txn === 'string' ? { txn: req.payload.txn } : {}),
        jti: req.deliveryId,
      });
      return pushSet({ guard, url: req.target, purpose: 'caep', set, timeoutMs, name: event, who: 'CAEP receiver' });
    },
  };
}
