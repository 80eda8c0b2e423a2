// The catalogue of stable error codes. Every failure a caller can see carries one of these, a human
// message and, where one field is at fault, its JSON pointer. How a code travels over HTTP (its
// status, its OAuth error) is the HTTP layer's business: src/http/problem.ts.

/**
 * Each stable code, and what it is: a `refusal` (the request broke a rule, was not allowed or named
 * what is not there; a refused request is evidence) or a `fault` (the server could not answer).
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'refusal',
  MALFORMED_BODY: 'refusal',
  INVALID_CURSOR: 'refusal',
  INVALID_REQUEST: 'refusal',
  INVALID_GRANT: 'refusal',
  UNSUPPORTED_GRANT_TYPE: 'refusal',
  INVALID_CLIENT: 'refusal',
  INVALID_POLICY: 'refusal',
  INVALID_QUERY: 'refusal',
  UNAUTHENTICATED: 'refusal',
  FORBIDDEN: 'refusal',
  NOT_FOUND: 'refusal',
  ROUTE_NOT_FOUND: 'refusal',
  /** The path exists, not with this method (405, with Allow). */
  METHOD_NOT_ALLOWED: 'refusal',
  ALREADY_EXISTS: 'refusal',
  INVALID_TRANSITION: 'refusal',
  ALREADY_DECIDED: 'refusal',
  REQUEST_EXPIRED: 'refusal',
  SCOPE_NOT_LAWFUL: 'refusal',
  /** An authorisation's status, dates or conditions change only by a transition (four eyes, preview, cascade). */
  STATUS_CHANGE_NEEDS_TRANSITION: 'refusal',
  /** A field that says what a record is (an authorisation's scope) never changes. */
  IMMUTABLE_FIELD: 'refusal',
  SEPARATION_OF_DUTIES: 'refusal',
  PRECONDITION_FAILED: 'refusal',
  PAYLOAD_TOO_LARGE: 'refusal',
  UNSUPPORTED_MEDIA_TYPE: 'refusal',
  INVALID_RECORD: 'refusal',
  MANIFEST_REJECTED: 'refusal',
  PRECONDITION_REQUIRED: 'refusal',
  /** Too many requests from this address (anonymous) or with this API token in the window (429, with Retry-After). */
  RATE_LIMITED: 'refusal',
  /** Single sign-on refused this sign-in: bad state, PKCE, nonce, issuer, audience or expiry, or no role from the groups (401). */
  SIGNIN_FAILED: 'refusal',
  /** The act needs a recent, multi-factor sign-in (401, naming what is needed). */
  STEP_UP_REQUIRED: 'refusal',
  INTERNAL: 'fault',
  NOT_READY: 'fault',
  /** The identity provider cannot be reached or answered with a server error: sign-in fails closed (503). */
  SIGNIN_UNAVAILABLE: 'fault',
  /** The key store (an HSM through PKCS#11) cannot sign now: nothing is signed by another key (503). */
  KEY_UNAVAILABLE: 'fault',
} as const satisfies Record<string, 'refusal' | 'fault'>;
export type ErrorCode = keyof typeof ERROR_CODES;

/** One thing wrong with one field of one record. `field` is a JSON pointer into the submitted document. */
export interface Issue {
  field: string;
  reason: string;
  record?: string;
  kind?: string;
  /** The stable code of this issue, where it is not the answer's own (a manifest rejected for a status change, say). */
  code?: ErrorCode;
}

export interface StepUpChallenge {
  /**
   * mfa: an MFA sign-in (or the configured acr); recent_sign_in: a sign-in recent enough; sign_in: a
   * person's sign-in at the identity provider where an API token was sent.
   */
  need: 'mfa' | 'recent_sign_in' | 'sign_in';
  /** Where to sign in again: /v1/signin?step_up=true&return_to=… */
  url: string;
  /** The sign-in may be no older than this. */
  max_age_seconds?: number;
  /** An acr that also counts as strong enough. */
  acr?: string;
}

export class MandateError extends Error {
  readonly code: ErrorCode;
  /** The request was refused (not a fault of the server): see ERROR_CODES. */
  readonly refusal: boolean;
  readonly field: string | undefined;
  readonly issues: Issue[];
  /** A step-up challenge (STEP_UP_REQUIRED): what the sign-in lacks and where to sign in again. */
  readonly stepUp: StepUpChallenge | undefined;

  constructor(code: ErrorCode, message: string, opts: { field?: string; issues?: Issue[]; stepUp?: StepUpChallenge } = {}) {
    super(message);
    this.name = 'MandateError';
    this.code = code;
    this.refusal = ERROR_CODES[code] === 'refusal';
    this.field = opts.field ?? opts.issues?.[0]?.field;
    this.issues = opts.issues ?? [];
    this.stepUp = opts.stepUp;
  }
}

export function formatIssue(i: Issue): string {
  const where = [i.kind, i.record].filter(Boolean).join(' ');
  return `${where ? `${where}: ` : ''}${i.field || '/'}: ${i.reason}`;
}
