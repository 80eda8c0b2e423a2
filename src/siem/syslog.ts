// The syslog sink: RFC 5424 messages, octet-counted, over TCP (RFC 6587) or TLS (RFC 5425), on one
// connection kept open and opened again when it drops.
import { readFileSync } from 'node:fs';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import type { StoredEvent } from '../ledger/log.js';
import { frame, syslogMessage, type SyslogHeader } from './rfc5424.js';
import { SinkError, type SiemSink } from './sink.js';

export interface SyslogSinkOptions {
  /** tcp://host:port or tls://host:port */
  url: string;
  /** PEM CA certificates the receiver's certificate must chain to (tls://); else Node's trusted CAs. */
  ca?: string | Buffer;
  facility: number;
  appName: string;
  hostname?: string;
  connectTimeoutMs?: number;
}

/** Reads the CA file for a tls:// sink (the caller turns a failure into a configuration error). */
export function readCa(file: string): Buffer {
  return readFileSync(file);
}

export function syslogSink(opts: SyslogSinkOptions): SiemSink {
  const url = new URL(opts.url);
  const tls = url.protocol === 'tls:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port);
  const header: SyslogHeader = {
    facility: opts.facility,
    hostname: opts.hostname ?? hostname(),
    appName: opts.appName,
    procId: String(process.pid),
  };
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  let socket: Socket | undefined;

  /** A socket is usable until the receiver closes it or it fails; then the next batch opens another. */
  const open = (signal: AbortSignal) =>
    new Promise<Socket>((resolve, reject) => {
      const s = tls
        ? tlsConnect({ host, port, ...(opts.ca ? { ca: opts.ca } : {}), ...(isIP(host) ? {} : { servername: host }) })
        : tcpConnect({ host, port });
      const ready = tls ? 'secureConnect' : 'connect';
      const fail = (err: Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', abort);
        s.destroy();
        reject(new SinkError(`syslog ${url.protocol}//${url.host}: ${err.message}`, 'soon'));
      };
      const abort = () => fail(new Error('stopped'));
      const timer = setTimeout(() => fail(new Error(`no connection in ${connectTimeoutMs} ms`)), connectTimeoutMs);
      signal.addEventListener('abort', abort, { once: true });
      s.once('error', fail);
      s.once(ready, () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', abort);
        s.removeListener('error', fail);
        s.setKeepAlive(true, 30_000);
        // A receiver sends nothing; reading keeps its close (FIN) noticed at once, so the next batch
        // goes to a new connection rather than into one the receiver has already left.
        s.on('data', () => undefined);
        s.on('error', () => s.destroy());
        s.once('close', () => {
          if (socket === s) socket = undefined;
        });
        s.once('end', () => {
          if (socket === s) socket = undefined;
        });
        resolve(s);
      });
    });

  return {
    name: 'syslog',
    target: `${url.protocol}//${url.host}`,
    async send(events: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
      if (events.length === 0) return;
      if (!socket || socket.destroyed || socket.readableEnded) socket = await open(signal);
      const s = socket;
      const data = Buffer.concat(events.map((e) => frame(syslogMessage(e, header))));
      // Plain syslog over TCP or TLS has no application acknowledgement: the most RFC 5425 offers is
      // that the write was handed to the kernel (the write callback), so a batch counts as delivered
      // then. Bytes in flight when the receiver dies can still be lost; RELP (the Reliable Event
      // Logging Protocol, acknowledged per message) would be the stronger option.
      await new Promise<void>((resolve, reject) => {
        const abort = () => s.destroy(new Error('stopped'));
        const closed = () => done(new Error('the receiver closed the connection'));
        const done = (err?: Error | null) => {
          signal.removeEventListener('abort', abort);
          s.removeListener('close', closed);
          if (!err) return resolve();
          s.destroy();
          if (socket === s) socket = undefined;
          reject(new SinkError(`syslog ${url.protocol}//${url.host}: ${err.message}`, 'soon'));
        };
        signal.addEventListener('abort', abort, { once: true });
        s.once('close', closed);
        s.write(data, done);
      });
    },
    async close(): Promise<void> {
      const s = socket;
      socket = undefined;
      if (!s || s.destroyed) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => s.destroy(), 2000);
        s.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        s.end();
      });
    },
  };
}
