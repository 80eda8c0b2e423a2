// RFC 9457 problem details: every error leaves the API in this one shape, with a stable code and
// the field at fault. Unknown errors become a generic 500; their detail goes to the log only.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MandateError, type ErrorCode, type Issue, type StepUpChallenge } from '../core/errors.js';
import { ajvIssues } from '../core/schema.js';
import { Problem as ProblemSchema } from './common.js';

/** The HTTP status of each stable code: a refusal is a 4xx, a fault a 5xx. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
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
  METHOD_NOT_ALLOWED: 405,
  ALREADY_EXISTS: 409,
  INVALID_TRANSITION: 409,
  ALREADY_DECIDED: 409,
  REQUEST_EXPIRED: 409,
  SCOPE_NOT_LAWFUL: 409,
  STATUS_CHANGE_NEEDS_TRANSITION: 409,
  IMMUTABLE_FIELD: 409,
  SEPARATION_OF_DUTIES: 403,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_RECORD: 422,
  MANIFEST_REJECTED: 422,
  PRECONDITION_REQUIRED: 428,
  RATE_LIMITED: 429,
  SIGNIN_FAILED: 401,
  STEP_UP_REQUIRED: 401,
  INTERNAL: 500,
  NOT_READY: 503,
  SIGNIN_UNAVAILABLE: 503,
  KEY_UNAVAILABLE: 503,
};

/** The HTTP status an error answers with. */
export function statusOf(err: MandateError): number {
  return ERROR_STATUS[err.code];
}

/** The OAuth 2.0 error (RFC 6749 §5.2) each token-endpoint code stands for. */
export const OAUTH_ERRORS: Partial<Record<ErrorCode, string>> = {
  INVALID_REQUEST: 'invalid_request',
  INVALID_GRANT: 'invalid_grant',
  UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  INVALID_CLIENT: 'invalid_client',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  field?: string;
  errors?: Issue[];
  instance?: string;
  /** On the OAuth endpoints: the RFC 6749 error code and description, for OAuth clients. */
  error?: string;
  error_description?: string;
  /** STEP_UP_REQUIRED: what is needed, and where to sign in again. */
  step_up?: StepUpChallenge;
}

const TITLES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Request is not valid',
  MALFORMED_BODY: 'Request body cannot be read',
  INVALID_CURSOR: 'Cursor is not valid',
  INVALID_QUERY: 'Query is not valid',
  INVALID_REQUEST: 'Token request is not valid',
  INVALID_GRANT: 'Grant refused',
  UNSUPPORTED_GRANT_TYPE: 'Grant type not supported',
  INVALID_CLIENT: 'Client authentication failed',
  INVALID_POLICY: 'Policy is not valid',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Not allowed for your role',
  NOT_FOUND: 'Not found',
  ROUTE_NOT_FOUND: 'No such endpoint',
  METHOD_NOT_ALLOWED: 'Method not allowed here',
  ALREADY_EXISTS: 'Already exists',
  INVALID_TRANSITION: 'Transition not allowed',
  ALREADY_DECIDED: 'Already decided',
  REQUEST_EXPIRED: 'Request expired',
  SCOPE_NOT_LAWFUL: 'Not lawful in this scope',
  STATUS_CHANGE_NEEDS_TRANSITION: 'Status changes only by a transition',
  IMMUTABLE_FIELD: 'Field cannot change',
  SEPARATION_OF_DUTIES: 'Separation of duties',
  PRECONDITION_FAILED: 'Version mismatch',
  PAYLOAD_TOO_LARGE: 'Request body too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  INVALID_RECORD: 'Record breaks a domain rule',
  MANIFEST_REJECTED: 'Manifest rejected',
  PRECONDITION_REQUIRED: 'If-Match required',
  RATE_LIMITED: 'Too many requests',
  SIGNIN_FAILED: 'Sign-in refused',
  STEP_UP_REQUIRED: 'Sign in again with MFA',
  INTERNAL: 'Internal error',
  NOT_READY: 'Not ready',
  SIGNIN_UNAVAILABLE: 'Identity provider unavailable',
  KEY_UNAVAILABLE: 'Signing key unavailable',
};

export function problemOf(err: MandateError, instance?: string): Problem {
  return {
    type: `urn:mandate:problem:${err.code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[err.code],
    status: statusOf(err),
    code: err.code,
    detail: err.message,
    ...(err.field !== undefined ? { field: err.field } : {}),
    ...(err.issues.length ? { errors: err.issues } : {}),
    ...(instance ? { instance } : {}),
    ...(OAUTH_ERRORS[err.code] ? { error: OAUTH_ERRORS[err.code], error_description: err.message } : {}),
    ...(err.stepUp ? { step_up: err.stepUp } : {}),
  };
}

/** Maps whatever was thrown to a MandateError the caller may see. */
export function toMandateError(err: unknown): MandateError | undefined {
  if (err instanceof MandateError) return err;
  const fe = err as FastifyError & { validationContext?: string };
  if (fe?.validation) {
    const where = fe.validationContext ?? 'body';
    const issues = ajvIssues(fe.validation as never).map((i) => ({
      ...i,
      field: where === 'body' ? i.field || '/' : `${where}:${i.field.replace(/^\//, '') || '/'}`,
    }));
    return new MandateError(
      where === 'body' ? 'VALIDATION_FAILED' : 'INVALID_QUERY',
      `${where} is not valid: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`,
      { issues },
    );
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MandateError('PAYLOAD_TOO_LARGE', fe.message, { field: '/' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MandateError('UNSUPPORTED_MEDIA_TYPE', fe.message, { field: 'Content-Type' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new MandateError('MALFORMED_BODY', fe.message, { field: '/' });
  }
  if (fe instanceof SyntaxError || (fe?.statusCode === 400 && /JSON/i.test(fe.message ?? '')))
    return new MandateError('MALFORMED_BODY', `body is not valid JSON: ${fe.message}`, { field: '/' });
  return undefined;
}

/**
 * The error response a route declares (`'4xx': ProblemResponse`): problem details as
 * application/problem+json, the media type sendProblem answers with. Fastify picks a response
 * schema by status and content type, so problem bodies are serialised through `Problem`; the
 * OpenAPI document shows the same media type. The OAuth endpoints declare `OAuthError` instead.
 */
export const ProblemResponse = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: ProblemSchema } },
};

export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: MandateError): FastifyReply {
  return reply.code(statusOf(err)).type('application/problem+json').send(problemOf(err, req.url));
}

/** RFC 6749 §5.2 (and RFC 6750 §3.1 for a bearer caller) error codes for what is not a token-endpoint code. */
function oauthCodeOf(err: MandateError): string {
  const own = OAUTH_ERRORS[err.code];
  if (own) return own;
  switch (err.code) {
    case 'UNAUTHENTICATED':
      return 'invalid_client';
    case 'FORBIDDEN':
      return 'insufficient_scope';
    case 'INTERNAL':
      return 'server_error';
    case 'NOT_READY':
    case 'KEY_UNAVAILABLE':
      return 'temporarily_unavailable';
    // RFC 6749 has no rate-limit error for the token endpoint (slow_down is the device flow's,
    // RFC 8628): temporarily_unavailable (§4.1.2.1) says "try again later", and the 429 status and
    // Retry-After say when.
    case 'RATE_LIMITED':
      return 'temporarily_unavailable';
    default:
      return 'invalid_request';
  }
}

/**
 * The OAuth endpoints' error answer (RFC 6749 §5.2): JSON with error and error_description, never
 * cached; Mandate's stable code and the field at fault ride along as extension members. A 401
 * carries a challenge (§5.2: the scheme the client used; Basic when it used none).
 */
export function sendOAuthError(reply: FastifyReply, err: MandateError): FastifyReply {
  const status = statusOf(err);
  if (status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', 'Basic realm="mandate", charset="UTF-8"');
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .send({
      error: oauthCodeOf(err),
      error_description: err.message,
      code: err.code,
      ...(err.field !== undefined ? { field: err.field } : {}),
    });
}
