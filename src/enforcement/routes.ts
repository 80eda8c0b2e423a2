// The enforcement stream: Server-Sent Events carrying a snapshot, then deltas as they commit, and
// a heartbeat every second so an enforcement point always knows how fresh its state is (and
// fails closed for execute actions when it is not).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import { MandateError } from '../core/errors.js';
import { stringifyCedarJson } from '@mandate/sdk/cedar';
import type { EnforcementDelta } from '@mandate/sdk/snapshot';
import { ProblemResponse } from '../http/problem.js';
import type { EnforcementHub } from './hub.js';

export const HEARTBEAT_MS = 1000;

// The stream is written to the socket (the reply is hijacked): the document shows its media type.
const EventStream = {
  description: 'an endless stream: `event: snapshot|delta|heartbeat`, an `id:` (its seq) on snapshot and delta, `data:` JSON',
  content: { 'text/event-stream': { schema: Type.String({ description: 'Server-Sent Events (text/event-stream)' }) } },
};

/**
 * Mutual TLS (MANDATE_TLS_CLIENT_CA_FILE): the TLS layer asked for a client certificate without
 * requiring one; here a request is refused unless it came with one chained to the client CA, beside
 * its bearer token. Other routes do not look, so browsers and the CLI need no certificate.
 */
function requireClientCertificate(req: FastifyRequest): void {
  const socket = req.raw.socket as TLSSocket;
  const field = 'tls_client_certificate';
  if (typeof socket.getPeerCertificate !== 'function' || !Object.keys(socket.getPeerCertificate()).length)
    throw new MandateError('UNAUTHENTICATED', 'the enforcement routes need a TLS client certificate (mutual TLS)', { field });
  if (!socket.authorized)
    throw new MandateError('UNAUTHENTICATED', `the TLS client certificate is not trusted: ${String(socket.authorizationError)}`, { field });
}

export function registerEnforcementRoutes(
  app: FastifyInstance,
  hub: EnforcementHub,
  ready: () => Promise<unknown>,
  opts: { clientCertificate?: boolean } = {},
): void {
  const onRequest = opts.clientCertificate ? [async (req: FastifyRequest) => requireClientCertificate(req)] : [];
  // Streams never end by themselves: on shutdown they are closed first, or the server would wait
  // for them forever (subscribers reconnect to another server, or notice staleness and fail closed).
  const open = new Set<import('node:http').ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  app.get(
    '/v1/enforcement/snapshot',
    {
      config: { permission: 'enforcement:subscribe' },
      onRequest,
      schema: {
        tags: ['enforcement'],
        operationId: 'getEnforcementSnapshot',
        summary: 'What an enforcement point needs to decide locally: policies, lifecycle rules, authorisation states, revocations',
        response: { 200: Type.Object({ seq: Type.Integer() }, { additionalProperties: true }), '4xx': ProblemResponse },
      },
    },
    async (_req, reply) => {
      await ready();
      // Written as JSON text here: a policy's Cedar long beyond ±(2^53−1) is a bigint, kept exact.
      return reply.type('application/json; charset=utf-8').send(stringifyCedarJson(await hub.snapshot()));
    },
  );

  app.get(
    '/v1/enforcement/stream',
    {
      config: { permission: 'enforcement:subscribe' },
      onRequest,
      schema: {
        tags: ['enforcement'],
        operationId: 'streamEnforcement',
        summary: 'Server-Sent Events: `snapshot`, then `delta` as changes commit, and `heartbeat` every second',
        response: { 200: EventStream, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      await ready();
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.socket?.setNoDelay(true);
      // Reconnect after 1 s when the stream drops (EventSource's default is 3 s): behind a load
      // balancer, a failover then costs an enforcement point far less than its staleness bound.
      res.write('retry: 1000\n\n');
      const send = (event: string, data: unknown, id?: number) =>
        res.write(`event: ${event}\n${id !== undefined ? `id: ${id}\n` : ''}data: ${stringifyCedarJson(data)}\n\n`);
      // Subscribe before the snapshot is read, so nothing committed in between is lost; deltas that
      // arrive meanwhile wait and are sent after it (applying one twice is harmless).
      let pending: EnforcementDelta[] | undefined = [];
      const unsubscribe = hub.subscribe((d) => (pending ? pending.push(d) : send('delta', d, d.seq)));
      const heartbeat = setInterval(() => send('heartbeat', { seq: hub.position, at: Date.now() }), HEARTBEAT_MS);
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      open.add(res);
      res.on('close', () => {
        open.delete(res);
        close();
      });
      try {
        const snap = await hub.snapshot();
        send('snapshot', snap, snap.seq);
        for (const d of pending) send('delta', d, d.seq);
        pending = undefined;
        void hub.kick();
      } catch (err) {
        req.log.error({ err }, 'enforcement snapshot failed');
        close();
        res.end();
      }
    },
  );
}
