// Security Event Tokens (RFC 8417) with OpenID CAEP event types, pushed to relying parties
// (RFC 8935 push delivery) whenever an identity's power changes, so a gateway or service that
// trusted an earlier token learns at once that the identity's session is revoked or its claims
// changed.
import { generateKeyPair, exportJWK, SignJWT, type JWK, type CryptoKey, type KeyObject } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { PermanentConnectorError, type Connector, type ConnectorRequest } from './connectors/connector.js';
import { OutboundRefused, outboundGuard, outboundMessage, redactUrl, type OutboundGuard } from '../http/outbound.js';

export const CAEP = {
  'session-revoked': 'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
  'token-claims-change': 'https://schemas.openid.net/secevent/caep/event-type/token-claims-change',
  'credential-change': 'https://schemas.openid.net/secevent/caep/event-type/credential-change',
} as const;
export type CaepEvent = keyof typeof CAEP;

export interface SetSigningKey {
  kid: string;
  privateKey: CryptoKey | KeyObject;
  publicJwk: JWK;
}

/**
 * An Ed25519 key for signing SETs, made at start-up. Receivers verify against
 * /.well-known/jwks.json; a restart publishes a new key id. (Persisted, encrypted signing keys
 * arrive with the token service.)
 */
export async function newSetSigningKey(): Promise<SetSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = `set-${createHash('sha256').update(JSON.stringify(jwk)).digest('base64url').slice(0, 16)}`;
  return { kid, privateKey, publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' } };
}

export interface SetInput {
  issuer: string;
  audience: string;
  event: CaepEvent;
  identity: string;
  reason: string;
  decidedAt: string;
  claims?: unknown;
  jti?: string;
}

export async function signSet(key: SetSigningKey, input: SetInput, now = Date.now()): Promise<string> {
  const eventTimestamp = Math.floor(Date.parse(input.decidedAt) / 1000);
  const body: Record<string, unknown> = {
    event_timestamp: eventTimestamp,
    initiating_entity: 'policy',
    reason_admin: { en: input.reason },
  };
  if (input.event === 'token-claims-change') body.claims = input.claims ?? {};
  if (input.event === 'credential-change') Object.assign(body, { credential_type: 'api_key', change_type: 'revoke' });
  return new SignJWT({ sub_id: { format: 'opaque', id: input.identity }, events: { [CAEP[input.event]]: body } })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'secevent+jwt', kid: key.kid })
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setIssuedAt(Math.floor(now / 1000))
    .setJti(input.jti ?? randomBytes(12).toString('base64url'))
    .sign(key.privateKey);
}

/**
 * The `caep` connector: the outbox row's target is the receiver's push endpoint, reached through
 * the outbound guard (default: the strict one; the server passes MANDATE_OUTBOUND_ALLOW's). A
 * failure is recorded in Mandate's words, never the network's.
 */
export function caepConnector(opts: {
  issuer: string;
  key: SetSigningKey;
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
      const set = await signSet(opts.key, {
        issuer: opts.issuer,
        audience: req.target,
        event,
        identity: req.identityId,
        reason: req.reason,
        decidedAt: req.decidedAt,
        claims: req.payload?.claims,
        jti: req.deliveryId,
      });
      let res: Response;
      let where = req.target;
      try {
        where = redactUrl(new URL(req.target));
      } catch {
        throw new PermanentConnectorError('CAEP receiver is not a valid URL');
      }
      let text: string;
      try {
        res = await guard.request(req.target, 'caep', {
          method: 'POST',
          headers: { 'content-type': 'application/secevent+jwt', accept: 'application/json' },
          body: set,
          timeoutMs,
        });
        text = await res.text();
      } catch (err) {
        const message = `CAEP delivery to ${where} failed: ${outboundMessage(err, timeoutMs)}`;
        if (err instanceof OutboundRefused) throw new PermanentConnectorError(message, { cause: err });
        throw new Error(message, { cause: err });
      }
      const acknowledgement = `HTTP ${res.status} sha256:${createHash('sha256').update(text).digest('hex')}`;
      if (res.status === 202 || res.status === 200 || res.status === 204) return { detail: `SET ${event} delivered`, acknowledgement };
      if (res.status >= 500 || res.status === 408 || res.status === 429)
        throw new Error(`CAEP delivery to ${where} failed: the receiver answered ${acknowledgement}`);
      throw new PermanentConnectorError(`CAEP receiver ${where} refused the SET: it answered ${acknowledgement}`);
    },
  };
}
