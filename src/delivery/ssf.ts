// Shared Signals delivery (OpenID SSF 1.0): the `ssf` connector delivers each outbox row of a
// stream (its target is the stream id) as a signed SET. A push stream (RFC 8935) gets an HTTP POST
// of application/secevent+jwt with the Authorization header the receiver registered, through the
// outbound guard; 202 is delivered, a 400 with an RFC 8935 error code (or 401/403) is permanent,
// a 5xx, 408 or 429 is retried. A poll stream (RFC 8936) gets the SET in its queue, where it waits
// until the receiver acknowledges it (src/ssf/service.ts answers the polls).
import { CAEP_EVENTS, POLL, SSF_VERIFICATION } from '../core/ssf.js';
import { outboundGuard, type OutboundGuard } from '../http/outbound.js';
import { openKey } from '../ledger/keys.js';
import { getStream } from '../state/ssf-streams.js';
import type { Database } from '../store/db.js';
import { caepEvent, currentSetKey, pushSet, signSecurityEvent, type CaepEvent, type SetKeySource } from './caep.js';
import { PermanentConnectorError, type Connector, type ConnectorRequest } from './connectors/connector.js';

/** The additional authenticated data a push stream's Authorization header is sealed with. */
export const authorizationAad = (streamId: string) => `ssf-authorization:${streamId}`;

export interface SsfConnectorOptions {
  db: Database;
  /** Opens the sealed Authorization headers. */
  kek: Buffer;
  /** The transmitter's issuer (the iss of every SET, as /.well-known/ssf-configuration says). */
  issuer: () => string;
  key: SetKeySource;
  guard?: Pick<OutboundGuard, 'request'>;
  timeoutMs?: number;
  /** Told when a poll stream's queue has a new SET (a waiting long poll answers at once). */
  onQueued?: (streamId: string) => void;
}

/** The SET's subject and events for an outbox row: a verification event, or a CAEP event about an identity. */
function eventOf(req: ConnectorRequest, streamId: string): { subject: string; events: Record<string, unknown>; name: string } {
  const p = req.payload ?? {};
  if (p.event === 'verification')
    return {
      subject: streamId,
      events: { [SSF_VERIFICATION]: typeof p.state === 'string' ? { state: p.state } : {} },
      name: 'verification',
    };
  const event = p.event as CaepEvent;
  if (!(event in CAEP_EVENTS)) throw new PermanentConnectorError(`unknown CAEP event ${String(event)}`);
  const { uri, body } = caepEvent({
    event,
    reason: req.reason,
    decidedAt: req.decidedAt,
    claims: p.claims,
    ...(typeof p.credential_type === 'string' ? { credentialType: p.credential_type } : {}),
  });
  return { subject: req.identityId, events: { [uri]: body }, name: event };
}

export function ssfConnector(opts: SsfConnectorOptions): Connector {
  const guard = opts.guard ?? outboundGuard();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    name: 'ssf',
    async apply(req: ConnectorRequest) {
      const stream = await getStream(opts.db, req.target);
      if (!stream) throw new PermanentConnectorError(`not sent: stream ${req.target} was deleted`);
      if (stream.status === 'disabled') throw new PermanentConnectorError(`not sent: stream ${stream.id} is disabled`);
      // Paused after this row was claimed: it is tried again later (the pause held the others).
      if (stream.status === 'paused') throw new Error(`stream ${stream.id} is paused`);
      const { subject, events, name } = eventOf(req, stream.id);
      const set = await signSecurityEvent(await currentSetKey(opts.key), {
        issuer: opts.issuer(),
        audience: JSON.parse(stream.aud) as string | string[],
        subject,
        events,
        jti: req.deliveryId,
        ...(typeof req.payload?.txn === 'string' ? { txn: req.payload.txn } : {}),
      });
      if (stream.method === POLL) {
        await opts.db.run('INSERT INTO ssf_poll_sets (stream_id, jti, set_jwt, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
          stream.id,
          req.deliveryId,
          set,
          new Date().toISOString(),
        ]);
        opts.onQueued?.(stream.id);
        return { detail: `SET ${name} queued for polling on stream ${stream.id}` };
      }
      return pushSet({
        guard,
        url: stream.endpoint_url ?? '',
        purpose: 'ssf',
        set,
        ...(stream.sealed_authorization
          ? { authorization: openKey(opts.kek, authorizationAad(stream.id), stream.sealed_authorization).toString('utf8') }
          : {}),
        timeoutMs,
        name,
        who: `receiver of stream ${stream.id}`,
      });
    },
  };
}
