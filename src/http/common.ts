// Small pieces every route module shares: paging, ETags, the permission a route needs.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { personKey, type VoteAuthn, type Voter } from '../core/approvals.js';
import { MandateError } from '../core/errors.js';
import type { Permission, Role } from '../core/roles.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs; 'public' routes need no token. */
    permission?: Permission | 'public';
    /** The route also accepts a workload's Mandate access token; the service checks what the workload may do. */
    workload?: boolean;
    /**
     * An OAuth endpoint that also takes OAuth client authentication (Basic, client_secret_post,
     * private_key_jwt) instead of an API token.
     */
    oauthClient?: boolean;
    /**
     * An act of power (a vote to approve, an unseal): a signed-in person's session must satisfy the
     * step-up rule (a recent MFA sign-in), else 401 STEP_UP_REQUIRED. 'emergency': only when the
     * body asks for the emergency path (`emergency: true`). API tokens are not sessions: see docs/sign-in.md.
     */
    stepUp?: true | 'emergency';
  }
  interface FastifyRequest {
    principal?: Principal;
    /** Set instead of principal when a workload calls with its Mandate access token. */
    workload?: { identity: string; jti: string };
  }
}

/** A signed-in person's session, as the routes see it (src/signin/sessions.ts SessionView). */
export interface PrincipalSession {
  id: string;
  issuer: string;
  subject: string;
  amr: string[];
  acr: string | null;
  auth_time: string | null;
}

/** Who calls: a user behind an API token (a person's own, or an API client's), or a signed-in person's session. */
export interface Principal {
  user: string;
  roles: Role[];
  /** The API token's id, or the session's id. */
  token: string;
  /** An API client (automation) or a person; absent means a person. */
  kind?: 'person' | 'api_client';
  /** Set when the caller is signed in through the identity provider. */
  session?: PrincipalSession;
}

/**
 * The voter a request stands for: the person behind a session (the provider's issuer and subject,
 * and how they signed in, recorded with the vote), or the user behind an API token.
 */
export function voterOf(req: FastifyRequest): Voter & { authn?: VoteAuthn } {
  const p = req.principal;
  if (!p) throw new MandateError('UNAUTHENTICATED', 'no principal');
  const s = p.session;
  return {
    user: p.user,
    roles: p.roles,
    ...(p.kind ? { kind: p.kind } : {}),
    ...(s
      ? {
          person: personKey(p.user, s),
          authn: { issuer: s.issuer, subject: s.subject, session: s.id, acr: s.acr, amr: s.amr, auth_time: s.auth_time },
        }
      : {}),
  };
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 400, description: 'next_cursor from the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE })),
};

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    field: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String(),
          reason: Type.String(),
          record: Type.Optional(Type.String()),
          kind: Type.Optional(Type.String()),
        }),
      ),
    ),
    instance: Type.Optional(Type.String()),
    error: Type.Optional(Type.String({ description: 'OAuth endpoints: the RFC 6749 error code' })),
    error_description: Type.Optional(Type.String()),
    step_up: Type.Optional(
      Type.Object(
        {
          need: Type.Union([Type.Literal('mfa'), Type.Literal('recent_sign_in'), Type.Literal('sign_in')]),
          url: Type.String({ description: 'sign in again here (GET /v1/signin?step_up=true&return_to=…), then retry' }),
          max_age_seconds: Type.Optional(Type.Integer()),
          acr: Type.Optional(Type.String()),
        },
        { description: 'STEP_UP_REQUIRED: what the sign-in lacks and where to step up' },
      ),
    ),
  },
  { title: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' },
);

/** RFC 6749 §5.2: the error answer of the OAuth endpoints (application/json, not problem+json). */
export const OAuthError = Type.Object(
  {
    error: Type.String({
      description:
        'the RFC 6749 / 6750 error code: invalid_request, invalid_client, ' +
        'invalid_grant, unsupported_grant_type, insufficient_scope, server_error…',
    }),
    error_description: Type.String(),
    code: Type.String({ description: 'Mandate’s stable error code (as in problem details)' }),
    field: Type.Optional(Type.String()),
  },
  { title: 'OAuthError', description: 'RFC 6749 §5.2 error response (application/json)' },
);

/**
 * How a list was walked, when not in its default order: a cursor carries it, and a list walked
 * another way refuses it (its position would mean nothing there). `key` is the sort value of the
 * row the page ended on, for sorts other than the list's unique key.
 */
export interface Walk {
  sort?: string;
  order?: 'asc' | 'desc';
  key?: string;
}

export function encodeCursor(value: string | number, walk: Walk = {}): string {
  const c = {
    a: value,
    ...(walk.sort ? { s: walk.sort } : {}),
    ...(walk.order === 'desc' ? { o: 'desc' } : {}),
    ...(walk.key !== undefined ? { k: walk.key } : {}),
  };
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

const describeWalk = (sort: unknown, order: unknown) =>
  `${sort === undefined ? 'the default order' : `sort=${String(sort)}`}, order=${String(order ?? 'asc')}`;

/** A cursor's position and sort value, if it is one this server gave out for a list walked this way. */
export function decodeWalkCursor<T extends string | number>(
  cursor: string | undefined,
  type: 'string' | 'number',
  walk: Walk = {},
): { value: T; key?: string } | undefined {
  if (cursor === undefined) return undefined;
  let c: { a?: unknown; s?: unknown; o?: unknown; k?: unknown } | undefined;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof c;
  } catch {
    // refused below
  }
  if (!c || typeof c !== 'object' || typeof c.a !== type || (c.k !== undefined && typeof c.k !== 'string'))
    throw new MandateError('INVALID_CURSOR', 'cursor is not one this server gave out', { field: 'query:cursor' });
  const order = walk.order === 'desc' ? 'desc' : undefined;
  if (c.s !== walk.sort || c.o !== order)
    throw new MandateError(
      'INVALID_CURSOR',
      `cursor is from a list in ${describeWalk(c.s, c.o)}, not ${describeWalk(walk.sort, walk.order)}: ask for the first page again`,
      { field: 'query:cursor' },
    );
  if (walk.sort !== undefined && c.k === undefined)
    throw new MandateError('INVALID_CURSOR', 'cursor is not one this server gave out', { field: 'query:cursor' });
  return { value: c.a as T, ...(c.k !== undefined ? { key: c.k } : {}) };
}

export function decodeCursor<T extends string | number>(
  cursor: string | undefined,
  type: 'string' | 'number',
  walk: Walk = {},
): T | undefined {
  return decodeWalkCursor<T>(cursor, type, walk)?.value;
}

export function etag(version: number): string {
  return `"${version}"`;
}

/** The version an If-Match header names; a missing header is refused, so no update is blind. */
export function requireIfMatch(req: FastifyRequest): number {
  const header = req.headers['if-match'];
  if (header === undefined)
    throw new MandateError('PRECONDITION_REQUIRED', 'send If-Match with the ETag you read, so concurrent edits are not lost', {
      field: 'If-Match',
    });
  const m = /^(?:W\/)?"?(\d{1,12})"?$/.exec(String(header).trim());
  if (!m)
    throw new MandateError('PRECONDITION_FAILED', `If-Match ${String(header)} is not an ETag this server gave out`, { field: 'If-Match' });
  return Number(m[1]);
}

export function optionalIfMatch(req: FastifyRequest): number | undefined {
  return req.headers['if-match'] === undefined ? undefined : requireIfMatch(req);
}

export function actorOf(req: FastifyRequest): string {
  if (!req.principal) throw new MandateError('UNAUTHENTICATED', 'no principal');
  return `user:${req.principal.user}`;
}
