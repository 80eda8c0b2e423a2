// Express middleware: protects a route with a Mandate decision. On allow, `req.mandate` holds the
// verified token and the decision (with its obligations, which the route must honour); on deny,
// the answer is an RFC 9457 problem with the reasons and the policies that decided.
import type { NextFunction, Request, Response } from 'express';
import type { Enforcer } from './enforcer.js';
import { decideRequest, type Outcome, type ProtectOptions } from './middleware.js';

declare module 'express-serve-static-core' {
  interface Request {
    mandate?: Pick<Outcome, 'decision' | 'verified'>;
  }
}

export function mandateExpress(enforcer: Enforcer, opts: ProtectOptions<Request>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    decideRequest(enforcer, opts, req, req.headers.authorization).then((o) => {
      if (o.status !== 200) {
        if (o.status === 401) res.setHeader('www-authenticate', 'Bearer realm="mandate"');
        res.status(o.status).type('application/problem+json').send(JSON.stringify(o.problem));
        return;
      }
      req.mandate = { decision: o.decision, ...(o.verified ? { verified: o.verified } : {}) };
      next();
    }, next);
  };
}
