// Ledger events as RFC 5424 syslog messages, framed by octet counting (RFC 6587 §3.4.1, the framing
// RFC 5425 §4.3 prescribes over TLS): `MSG-LEN SP SYSLOG-MSG`, MSG-LEN the message's length in
// octets. Pure: no I/O (the transport is syslog.ts).
import type { StoredEvent } from '../ledger/log.js';

/**
 * The SD-ID of Mandate's structured data, `name@PEN` (RFC 5424 §7.2.2). 32473 is the IANA example
 * enterprise number (RFC 5612), a private-use placeholder until Mandate registers a PEN of its own.
 */
export const SD_ID = 'mandate@32473';

/** Facility names as syslog daemons spell them (RFC 5424 §6.2.1 numbers them 0..23). */
export const FACILITIES: Readonly<Record<string, number>> = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`local${i}`, 16 + i])),
};

/** A facility by name or number, or undefined when it is neither. */
export function parseFacility(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d{1,2}$/.test(t)) return Number(t) <= 23 ? Number(t) : undefined;
  return FACILITIES[t];
}

/** How grave an event is, the same for both sinks: refusals and failures warn, the rest informs. */
export function severityOf(action: string): { syslog: number; otel: number; text: 'INFO' | 'WARN' } {
  return /\.(refused|failed)$|^leak\.reported$/.test(action) ? { syslog: 4, otel: 13, text: 'WARN' } : { syslog: 6, otel: 9, text: 'INFO' };
}

export interface SyslogHeader {
  facility: number;
  hostname: string;
  appName: string;
  procId: string;
}

/**
 * A header field (RFC 5424 §6.2): printable US-ASCII (33..126) and at most `max` characters; any
 * other character becomes `_`, and an empty field the NILVALUE `-`.
 */
export function headerField(value: string, max: number): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return printable === '' ? '-' : printable;
}

/**
 * A PARAM-VALUE (RFC 5424 §6.3.3): `"`, `\` and `]` escaped with a backslash, the rest as it is, in
 * UTF-8 (a lone surrogate, which UTF-8 cannot carry, as U+FFFD).
 */
export function paramValue(value: string): string {
  return wellFormed(value).replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** The string with each lone UTF-16 surrogate replaced by U+FFFD, as its UTF-8 encoding has it. */
export function wellFormed(value: string): string {
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/**
 * The event as JSON in US-ASCII only (every other character as a \u escape): the same JSON, and an
 * MSG that needs no BOM (RFC 5424 §6.4 asks for one on UTF-8; MSG-ANY octets need none), which no
 * receiver can mangle by guessing the charset.
 */
export function eventJson(event: StoredEvent): string {
  return JSON.stringify(event).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** RFC 5424 TIMESTAMP from the event's time (UTC, milliseconds), or the NILVALUE when it is not a time. */
function timestamp(at: string): string {
  const t = Date.parse(at);
  const iso = Number.isNaN(t) ? '-' : new Date(t).toISOString();
  // FULL-DATE has a four-digit year: years past 9999 (`+010000-…`) are not a TIMESTAMP.
  return /^\d{4}-/.test(iso) ? iso : '-';
}

/** One event as an RFC 5424 SYSLOG-MSG: MSGID its action, its seq, subject and actor as structured data, the event JSON as MSG. */
export function syslogMessage(event: StoredEvent, header: SyslogHeader): string {
  const pri = header.facility * 8 + severityOf(event.action).syslog;
  const head = [
    `<${pri}>1`,
    timestamp(event.at),
    headerField(header.hostname, 255),
    headerField(header.appName, 48),
    headerField(header.procId, 128),
    headerField(event.action, 32),
  ].join(' ');
  const params: [string, string][] = [
    ['seq', String(event.seq)],
    ['subject_type', event.subject.type],
    ['subject_id', event.subject.id],
    ['actor', event.actor],
  ];
  const sd = `[${SD_ID} ${params.map(([k, v]) => `${k}="${paramValue(v)}"`).join(' ')}]`;
  return `${head} ${sd} ${eventJson(event)}`;
}

/** Octet-counting framing: the message's length in octets (UTF-8), a space, the message. */
export function frame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
