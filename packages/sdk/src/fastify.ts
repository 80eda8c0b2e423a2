// Fastify hook: protects a route with a Mandate decision (use as the route's preHandler).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Enforcer } from './enforcer.js';
import { decideRequest, type Outcome, type ProtectOptions } from './middleware.js';

declare module 'fastify' {
  interface FastifyRequest {
    mandate?: Pick<Outcome, 'decision' | 'verified'>;
  }
}

export function mandateFastify(enforcer: Enforcer, opts: ProtectOptions<FastifyRequest>) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const o = await decideRequest(enforcer, opts, req, req.headers.authorization);
    if (o.status !== 200) {
      if (o.status === 401) reply.header('www-authenticate', 'Bearer realm="mandate"');
      await reply.code(o.status).type('application/problem+json').send(o.problem);
      return;
    }
    req.mandate = { decision: o.decision, ...(o.verified ? { verified: o.verified } : {}) };
  };
}
