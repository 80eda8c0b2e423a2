// Shared Signals (OpenID SSF 1.0) and CAEP 1.0: the event types Mandate transmits, the delivery
// methods, the request shapes of the stream management API and the rules over them. Plain
// functions over data; src/ssf does the I/O and src/delivery/ssf.ts the delivery.
import { Type, type Static } from '@sinclair/typebox';
import type { CredentialType } from './vocabulary.js';

/** CAEP 1.0 event types Mandate sends, by short name. */
export const CAEP_EVENTS = {
  'session-revoked': 'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
  'token-claims-change': 'https://schemas.openid.net/secevent/caep/event-type/token-claims-change',
  'credential-change': 'https://schemas.openid.net/secevent/caep/event-type/credential-change',
} as const;
export type CaepEventName = keyof typeof CAEP_EVENTS;

/** SSF 1.0 §8.1.4 and §8.1.5: events about the stream itself, sent on any stream. */
export const SSF_VERIFICATION = 'https://schemas.openid.net/secevent/ssf/event-type/verification';
export const SSF_STREAM_UPDATED = 'https://schemas.openid.net/secevent/ssf/event-type/stream-updated';

/** What a stream may ask for (events_supported). */
export const EVENTS_SUPPORTED: readonly string[] = Object.values(CAEP_EVENTS);

export const PUSH = 'urn:ietf:rfc:8935';
export const POLL = 'urn:ietf:rfc:8936';
export const DELIVERY_METHODS = [PUSH, POLL] as const;

export const STREAM_STATUSES = ['enabled', 'paused', 'disabled'] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];

/**
 * SSF 1.0 §7.1 default_subjects: ALL, a stream carries every identity's events except the subjects
 * the receiver removed; NONE, only those of the subjects it added. The transmitter's metadata says
 * ALL (a stream created without it); a stream may ask for NONE (default_subjects in its
 * configuration, a Mandate extension).
 */
export const DEFAULT_SUBJECTS = ['ALL', 'NONE'] as const;
export type DefaultSubjects = (typeof DEFAULT_SUBJECTS)[number];

/** The subjects a stream singles out: the removed ones of an ALL stream, the added ones of a NONE stream. */
export interface SubjectFilter {
  defaultSubjects: DefaultSubjects;
  /** Identity ids whose events go against the default. */
  exceptions: ReadonlySet<string>;
}

/** Whether a stream carries an identity's events (no filter: every identity, as before subjects). */
export function streamCarries(filter: SubjectFilter | undefined, identityId: string): boolean {
  return !filter || (filter.defaultSubjects === 'ALL') !== filter.exceptions.has(identityId);
}

/** What an add or remove records for a subject: 'added' is carried on any stream, 'removed' on none. */
export type SubjectState = 'added' | 'removed';

/** The most subjects one stream keeps (each add or remove of a new one is a row read with every change of power). */
export const MAX_STREAM_SUBJECTS = 10_000;

export type SubjectParse = { ok: true; identity: string } | { ok: false; field: string; message: string };

const MAX_SUBJECT_ID = 256;

/**
 * The Mandate identity a receiver's subject names (SSF §8.1.3.2, RFC 9493): `opaque` with the
 * identity id (what every SET's sub_id carries) or `iss_sub` with Mandate's issuer and the id (the
 * iss and sub of the identity's access tokens). Anything else is refused with the member at fault
 * (a JSON pointer under /subject). Whether the identity exists is not asked (SSF §9.1).
 */
export function parseSubject(subject: unknown, issuer: string): SubjectParse {
  const bad = (field: string, message: string): SubjectParse => ({ ok: false, field: `/subject${field}`, message });
  if (typeof subject !== 'object' || subject === null || Array.isArray(subject))
    return bad('', 'subject is a Subject Identifier object (RFC 9493)');
  const s = subject as Record<string, unknown>;
  const format = s.format;
  if (typeof format !== 'string') return bad('/format', 'subject needs its format (a string)');
  const supported = `supported: opaque (id: the identity id) or iss_sub (iss: ${issuer}, sub: the identity id)`;
  const members = format === 'opaque' ? ['id'] : format === 'iss_sub' ? ['iss', 'sub'] : undefined;
  if (!members) return bad('/format', `subject format ${format.slice(0, 100)} does not name a Mandate identity; ${supported}`);
  const extra = Object.keys(s).find((k) => k !== 'format' && !members.includes(k));
  if (extra !== undefined)
    return bad(`/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`, `a ${format} subject has no member ${extra.slice(0, 100)}`);
  for (const m of members) {
    const v = s[m];
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_SUBJECT_ID)
      return bad(`/${m}`, `a ${format} subject needs ${m}: a string of 1 to ${MAX_SUBJECT_ID} characters`);
  }
  if (format === 'iss_sub' && s.iss !== issuer) return bad('/iss', `iss is not this transmitter's; ${supported}`);
  return { ok: true, identity: (format === 'opaque' ? s.id : s.sub) as string };
}

/** Seconds between two verification requests on one stream (min_verification_interval). */
export const MIN_VERIFICATION_INTERVAL_S = 30;

/**
 * CAEP 1.0 §3.3 credential_type: only these registered values are sent. A Mandate credential type
 * with no registered counterpart (a short-lived token, a key pair) is told as session-revoked.
 */
export const CAEP_CREDENTIAL_TYPES = [
  'password',
  'pin',
  'x509',
  'fido2-platform',
  'fido2-roaming',
  'fido-u2f',
  'verifiable-credential',
  'phone-voice',
  'phone-sms',
  'app',
] as const;
export type CaepCredentialType = (typeof CAEP_CREDENTIAL_TYPES)[number];

const CREDENTIAL_TYPE_OF: Readonly<Record<CredentialType, CaepCredentialType | undefined>> = {
  certificate: 'x509',
  // A static client secret is a shared secret the identity presents: CAEP's word for it is password.
  static_secret: 'password',
  short_lived: undefined,
  key_pair: undefined,
};

/** The registered CAEP credential_type of a Mandate credential type, if there is one. */
export function caepCredentialType(type: CredentialType | undefined): CaepCredentialType | undefined {
  return type === undefined ? undefined : CREDENTIAL_TYPE_OF[type];
}

/** SSF §8.1.1: events_delivered is what the receiver asked for that Mandate sends, in Mandate's order. */
export function eventsDelivered(requested: readonly string[] | undefined): string[] {
  const asked = new Set(requested ?? []);
  return EVENTS_SUPPORTED.filter((e) => asked.has(e));
}

/** The RFC 8935 §2.4 / IANA "Security Event Token Error Codes" a receiver may answer with. */
export const SET_ERROR_CODES = [
  'invalid_request',
  'invalid_key',
  'invalid_issuer',
  'invalid_audience',
  'authentication_failed',
  'access_denied',
  'invalid_state',
] as const;

// ---- request shapes (SSF 1.0 §8.1.1, RFC 8936 §2.4)

const StreamId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._~-]+$', description: 'the stream_id' });
const EventUri = Type.String({ minLength: 1, maxLength: 500 });

export const Delivery = Type.Object(
  {
    method: Type.String({ minLength: 1, maxLength: 200, description: `${PUSH} (push) or ${POLL} (poll)` }),
    endpoint_url: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'push: the receiver URL; poll: given by Mandate (ignored if sent)' }),
    ),
    authorization_header: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        pattern: '^[\\x20-\\x7e]+$',
        description: 'push: sent as Authorization with every SET; stored sealed, never answered',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Delivery = Static<typeof Delivery>;

/** Transmitter-supplied members a receiver may echo in an update (they must match, and are otherwise ignored). */
const Echoed = {
  iss: Type.Optional(Type.String({ maxLength: 2000 })),
  aud: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 20 })])),
  events_supported: Type.Optional(Type.Array(EventUri, { maxItems: 50 })),
  events_delivered: Type.Optional(Type.Array(EventUri, { maxItems: 50 })),
  min_verification_interval: Type.Optional(Type.Integer()),
  inactivity_timeout: Type.Optional(Type.Integer()),
};
const ReceiverSupplied = {
  events_requested: Type.Optional(Type.Array(EventUri, { maxItems: 50, uniqueItems: true })),
  delivery: Type.Optional(Delivery),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  default_subjects: Type.Optional(
    Type.Union(
      DEFAULT_SUBJECTS.map((d) => Type.Literal(d)),
      { description: 'ALL (default): every identity but the subjects removed; NONE: only the subjects added' },
    ),
  ),
};

export const StreamCreate = Type.Object(ReceiverSupplied, { additionalProperties: false, title: 'SsfStreamCreate' });
export type StreamCreate = Static<typeof StreamCreate>;
export const StreamUpdate = Type.Object(
  { stream_id: StreamId, ...ReceiverSupplied, ...Echoed },
  { additionalProperties: false, title: 'SsfStreamUpdate' },
);
export type StreamUpdate = Static<typeof StreamUpdate>;

export const StatusUpdate = Type.Object(
  {
    stream_id: StreamId,
    status: Type.Union(STREAM_STATUSES.map((s) => Type.Literal(s))),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false, title: 'SsfStatusUpdate' },
);
export type StatusUpdate = Static<typeof StatusUpdate>;

export const VerifyRequest = Type.Object(
  { stream_id: StreamId, state: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false, title: 'SsfVerifyRequest' },
);
export type VerifyRequest = Static<typeof VerifyRequest>;

/** A Subject Identifier as sent (RFC 9493): its format, and members parseSubject checks. */
const Subject = Type.Object(
  { format: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: true, maxProperties: 10, description: 'opaque {id} or iss_sub {iss, sub}: a Mandate identity' },
);
/** SSF §8.1.3.2: add a subject to a stream. */
export const AddSubject = Type.Object(
  {
    stream_id: StreamId,
    subject: Subject,
    verified: Type.Optional(Type.Boolean({ description: 'whether the receiver verified the subject (default true)' })),
  },
  { additionalProperties: false, title: 'SsfAddSubject' },
);
export type AddSubject = Static<typeof AddSubject>;
/** SSF §8.1.3.3: remove a subject from a stream. */
export const RemoveSubject = Type.Object(
  { stream_id: StreamId, subject: Subject },
  { additionalProperties: false, title: 'SsfRemoveSubject' },
);
export type RemoveSubject = Static<typeof RemoveSubject>;

const SetErr = Type.Object(
  { err: Type.String({ minLength: 1, maxLength: 100 }), description: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
/** RFC 8936 §2.4: a poll request (acknowledgements and errors of earlier SETs, and how many more to send). */
export const PollRequest = Type.Object(
  {
    maxEvents: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    returnImmediately: Type.Optional(Type.Boolean()),
    ack: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 1000, uniqueItems: true })),
    setErrs: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 300 }), SetErr, { maxProperties: 1000 })),
  },
  { additionalProperties: false, title: 'SsfPollRequest' },
);
export type PollRequest = Static<typeof PollRequest>;
export { StreamId };
