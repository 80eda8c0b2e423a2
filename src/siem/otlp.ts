// The OTLP sink: ledger events as OpenTelemetry log records, POSTed as OTLP/HTTP JSON
// (ExportLogsServiceRequest: resourceLogs → scopeLogs → logRecords) to /v1/logs.
import { hostname } from 'node:os';
import type { StoredEvent } from '../ledger/log.js';
import { eventJson, severityOf } from './rfc5424.js';
import { SinkError, type SiemSink } from './sink.js';

type AnyValue = { stringValue: string } | { intValue: string };
const attr = (key: string, value: AnyValue) => ({ key, value });
const str = (key: string, v: string) => attr(key, { stringValue: v });

/** The instrumentation scope of the records: the ledger stream, so a collector can route on it. */
export const OTLP_SCOPE = { name: 'mandate.ledger', version: '1' };

/**
 * An OTLP/HTTP JSON export request for a batch (the protobuf JSON mapping: lowerCamelCase names,
 * 64-bit integers as decimal strings, enums as numbers). Each record: timeUnixNano the event's
 * time, severity from its action, the event JSON as body, its seq, action, subject and actor as
 * attributes.
 */
export function otlpRequest(events: readonly StoredEvent[], resource: { serviceName: string; hostName: string }, observedAt: Date) {
  const observed = `${BigInt(observedAt.getTime()) * 1_000_000n}`;
  return {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', resource.serviceName), str('host.name', resource.hostName)] },
        scopeLogs: [
          {
            scope: OTLP_SCOPE,
            logRecords: events.map((e) => {
              const ms = Date.parse(e.at);
              const severity = severityOf(e.action);
              return {
                // Unknown (0) when the event's time does not parse, as the data model allows.
                timeUnixNano: Number.isNaN(ms) ? '0' : `${BigInt(ms) * 1_000_000n}`,
                observedTimeUnixNano: observed,
                severityNumber: severity.otel,
                severityText: severity.text,
                body: { stringValue: eventJson(e) },
                attributes: [
                  attr('mandate.seq', { intValue: String(e.seq) }),
                  str('mandate.action', e.action),
                  str('mandate.subject.type', e.subject.type),
                  str('mandate.subject.id', e.subject.id),
                  str('mandate.actor', e.actor),
                ],
              };
            }),
          },
        ],
      },
    ],
  };
}

/**
 * MANDATE_SIEM_OTLP_HEADERS: `name=value,name=value`, values percent-decoded (as
 * OTEL_EXPORTER_OTLP_HEADERS). Errors name the header, never its value: it is usually a credential.
 */
export function parseOtlpHeaders(text: string): Record<string, string> | { error: string } {
  const out: Record<string, string> = {};
  for (const [i, part] of text.split(',').entries()) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    // Not even the name is echoed when it is not one: `Authorization: Bearer …` would be the credential.
    if (eq < 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      return { error: `entry ${i + 1} is not name=value (a header name, =, a value)` };
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return { error: `the value of header ${name} is not percent-encoded correctly` };
    }
    if (/[\r\n\0]/.test(value)) return { error: `the value of header ${name} holds a line break or NUL` };
    out[name.toLowerCase()] = value;
  }
  return out;
}

/** The endpoint: a URL without a path gets /v1/logs (as OTEL_EXPORTER_OTLP_ENDPOINT); one with a path is used as it is. */
export function otlpEndpoint(url: string): string {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/v1/logs';
  return u.toString();
}

export interface OtlpSinkOptions {
  url: string;
  /** Sent with every request (an authorization header, typically); never logged. */
  headers?: Record<string, string>;
  serviceName?: string;
  hostname?: string;
  timeoutMs?: number;
  /** A request's body at most about this many bytes; a larger batch goes in several (default 4 MiB). */
  maxRequestBytes?: number;
  clock?: () => Date;
  /** The receiver accepted the request but rejected some records (OTLP partial success). */
  onRejected?: (rejected: number, message: string) => void;
}

export function otlpSink(opts: OtlpSinkOptions): SiemSink {
  const endpoint = otlpEndpoint(opts.url);
  const u = new URL(endpoint);
  const target = `${u.protocol}//${u.host}${u.pathname}`;
  const resource = { serviceName: opts.serviceName ?? 'mandate', hostName: opts.hostname ?? hostname() };
  const clock = opts.clock ?? (() => new Date());
  const fail = (message: string, retry: 'soon' | 'slow', afterMs?: number) => new SinkError(`OTLP ${target}: ${message}`, retry, afterMs);
  return {
    name: 'otlp',
    target,
    async send(events: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
      // Requests of at most maxRequestBytes (receivers limit bodies: the collector to 20 MiB by
      // default), sent in order; the batch is acknowledged once all are. A later one failing sends
      // the whole batch again: its earlier requests arrive twice (at least once).
      for (const part of parts(events, opts.maxRequestBytes ?? 4 * 1024 * 1024)) await post(part, signal);
    },
    async close(): Promise<void> {},
  };

  async function post(events: readonly StoredEvent[], signal: AbortSignal): Promise<void> {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { ...opts.headers, 'content-type': 'application/json' },
        body: JSON.stringify(otlpRequest(events, resource, clock())),
        // A redirect is not followed: it would carry the credential headers to wherever it points.
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(opts.timeoutMs ?? 30_000)]),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw fail(cause?.code ?? cause?.message ?? (err as Error).message, 'soon');
    }
    const text = await res.text().catch(() => '');
    // 2xx: acknowledged. A partial success rejected some records; the spec says not to send them
    // again, so the batch counts as delivered and the rejection is made visible instead.
    if (res.status >= 200 && res.status < 300) {
      const partial = partialSuccess(text);
      if (partial) opts.onRejected?.(partial.rejected, partial.message);
      return;
    }
    const said = text.replace(/\s+/g, ' ').slice(0, 200);
    const retryAfter = Number(res.headers.get('retry-after'));
    const afterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 300) * 1000 : undefined;
    if (res.status === 429 || res.status >= 500) throw fail(`${res.status}${said ? `: ${said}` : ''}`, 'soon', afterMs);
    // Any other answer (400, 401, 403, 404, 413, a redirect) needs a person: kept, and tried again slowly.
    throw fail(`refused with ${res.status}${said ? `: ${said}` : ''}`, 'slow');
  }
}

/** The batch in runs whose records add up to at most `max` bytes or so (one record at least each). */
function parts(events: readonly StoredEvent[], max: number): StoredEvent[][] {
  const out: StoredEvent[][] = [];
  let run: StoredEvent[] = [];
  let size = 0;
  for (const e of events) {
    // The body's JSON, escaped once more as a string value, and the record around it.
    const n = eventJson(e).length * 1.2 + 600;
    if (run.length && size + n > max) {
      out.push(run);
      run = [];
      size = 0;
    }
    run.push(e);
    size += n;
  }
  if (run.length) out.push(run);
  return out;
}

function partialSuccess(text: string): { rejected: number; message: string } | undefined {
  try {
    const p = (JSON.parse(text) as { partialSuccess?: { rejectedLogRecords?: string | number; errorMessage?: string } }).partialSuccess;
    const rejected = Number(p?.rejectedLogRecords ?? 0);
    return rejected > 0 ? { rejected, message: String(p?.errorMessage ?? '').slice(0, 200) } : undefined;
  } catch {
    return undefined;
  }
}
