// What the Express and Fastify middleware share: how a request becomes a decision.
import type { TokenDecisionContext } from './claims.js';
import type { Decision, DecisionContext, DecisionResource } from './decision/types.js';
import type { Enforcer, Verified } from './enforcer.js';

export interface ProtectOptions<Req> {
  /** The action this route performs, or a function of the request. */
  action: string | ((req: Req) => string);
  /** The resource acted on: entity, service, member state (kind and id optional). */
  resource: DecisionResource | ((req: Req) => DecisionResource);
  /**
   * The runtime context. Attestation and the session purpose come from the token; the environment
   * is the service's (below); device posture defaults to unknown. A value returned here that the
   * token contradicts (attested, session_purpose, environment) denies the request
   * (`builtin:context-conflicts-with-token`): the token's facts win.
   */
  context?: (req: Req, token: Verified) => Partial<DecisionContext>;
  /**
   * The environment this service runs in (default production). A token of an identity from
   * another environment is denied here (it conflicts with the token's `env`).
   */
  environment?: DecisionContext['environment'];
}

export interface Outcome {
  status: 200 | 401 | 403;
  decision: Decision;
  verified?: Verified;
  problem?: { type: string; title: string; status: number; code: string; detail: string; reasons: string[]; policies: string[] };
}

export function bearer(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,16384})$/.exec(h ?? '');
  return m?.[1];
}

export async function decideRequest<Req>(
  enforcer: Enforcer,
  opts: ProtectOptions<Req>,
  req: Req,
  authorization: string | string[] | undefined,
): Promise<Outcome> {
  const token = bearer(authorization);
  if (!token) {
    const decision: Decision = {
      decision: 'deny',
      reasons: ['send Authorization: Bearer <Mandate access token>'],
      policies: ['builtin:token-missing'],
      obligations: [],
    };
    return { status: 401, decision, problem: problem(401, 'TOKEN_MISSING', decision) };
  }
  let verified: Verified;
  try {
    verified = await enforcer.verify(token);
  } catch (err) {
    const decision: Decision = {
      decision: 'deny',
      reasons: [(err as Error).message],
      policies: ['builtin:token-invalid'],
      obligations: [],
    };
    return { status: 401, decision, problem: problem(401, 'TOKEN_INVALID', decision) };
  }
  const action = typeof opts.action === 'function' ? opts.action(req) : opts.action;
  const resource = typeof opts.resource === 'function' ? opts.resource(req) : opts.resource;
  // Attestation and purpose are left to the token (Enforcer.decide fills them in from it).
  const context: TokenDecisionContext = {
    device_posture: 'unknown',
    environment: opts.environment ?? 'production',
    ...opts.context?.(req, verified),
  };
  const decision = enforcer.decide(verified, action, resource, context);
  if (decision.decision === 'allow') return { status: 200, decision, verified };
  return { status: 403, decision, verified, problem: problem(403, 'DENIED', decision) };
}

function problem(status: number, code: string, d: Decision): NonNullable<Outcome['problem']> {
  return {
    type: `urn:mandate:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: status === 401 ? 'Authentication required' : 'Denied by Mandate',
    status,
    code,
    detail: d.reasons.join('; '),
    reasons: d.reasons,
    policies: d.policies,
  };
}
