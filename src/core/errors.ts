// The catalogue of stable error codes. Every failure a caller can see carries one of these, an
// HTTP status, a human message and, where one field is at fault, its JSON pointer.

export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_BODY: 400,
  INVALID_CURSOR: 400,
  INVALID_REQUEST: 400,
  INVALID_GRANT: 400,
  UNSUPPORTED_GRANT_TYPE: 400,
  INVALID_CLIENT: 401,
  INVALID_POLICY: 422,
  INVALID_QUERY: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  INVALID_TRANSITION: 409,
  ALREADY_DECIDED: 409,
  REQUEST_EXPIRED: 409,
  SCOPE_NOT_LAWFUL: 409,
  /** An authorisation's status, dates or conditions change only by a transition (four eyes, preview, cascade). */
  STATUS_CHANGE_NEEDS_TRANSITION: 409,
  /** A field that says what a record is (an authorisation's scope) never changes. */
  IMMUTABLE_FIELD: 409,
  SEPARATION_OF_DUTIES: 403,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_RECORD: 422,
  MANIFEST_REJECTED: 422,
  PRECONDITION_REQUIRED: 428,
  INTERNAL: 500,
  NOT_READY: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The OAuth 2.0 error (RFC 6749 §5.2) each token-endpoint code stands for. */
export const OAUTH_ERRORS: Partial<Record<ErrorCode, string>> = {
  INVALID_REQUEST: 'invalid_request',
  INVALID_GRANT: 'invalid_grant',
  UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  INVALID_CLIENT: 'invalid_client',
};

/** One thing wrong with one field of one record. `field` is a JSON pointer into the submitted document. */
export interface Issue {
  field: string;
  reason: string;
  record?: string;
  kind?: string;
  /** The stable code of this issue, where it is not the answer's own (a manifest rejected for a status change, say). */
  code?: ErrorCode;
}

export class MandateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly issues: Issue[];

  constructor(code: ErrorCode, message: string, opts: { field?: string; issues?: Issue[] } = {}) {
    super(message);
    this.name = 'MandateError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.field = opts.field ?? opts.issues?.[0]?.field;
    this.issues = opts.issues ?? [];
  }
}

export function formatIssue(i: Issue): string {
  const where = [i.kind, i.record].filter(Boolean).join(' ');
  return `${where ? `${where}: ` : ''}${i.field || '/'}: ${i.reason}`;
}
