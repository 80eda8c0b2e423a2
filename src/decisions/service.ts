// The decision point: resolves who asks (an identity from the inventory, a person with the roles
// of their user account, or a Mandate token, checked against the live revocation state), then
// decides with the shared engine over the state the enforcement hub keeps current. Every execute
// decision, allow or deny, and every refusal of a token or an action, is recorded in the ledger
// before the answer leaves (group commit), so nothing is allowed unrecorded.
import type { Decision, DecisionContext, DecisionResource, PrincipalFacts } from '@mandate/sdk/decision';
import type { EnforcementState } from '@mandate/sdk/state';
import { factsFromClaims } from '@mandate/sdk/claims';
import { MandateError } from '../core/errors.js';
import { scopeKey } from '../core/lifecycle.js';
import type { GroupCommitter } from '../events/group.js';
import type { NewEvent } from '../events/log.js';
import { getRecord } from '../inventory/queries.js';
import type { Database } from '../store/db.js';
import type { TokenService } from '../tokens/service.js';
import type { DecisionRequest, ReportedDecisions } from './model.js';

export interface DecisionAnswer extends Decision {
  principal: { type: string; id: string };
  policy_version: number;
  recorded: boolean;
}

export function decisionService(db: Database, state: EnforcementState, tokens: TokenService, evidence: GroupCommitter) {
  async function resolve(p: DecisionRequest['principal']): Promise<PrincipalFacts | { refused: string; who: { type: string; id: string } }> {
    if ('identity' in p) {
      const stored = await getRecord(db, 'identity', p.identity);
      if (!stored) throw new MandateError('NOT_FOUND', `no identity ${p.identity}`, { field: '/principal/identity' });
      const i = stored.record;
      return {
        type: 'identity', id: i.id, status: i.status, kind: i.kind, function: i.function, capability: i.capability, environment: i.environment,
        vendor: Boolean(i.vendor), break_glass: i.break_glass, legacy: i.credential.type === 'static_secret', actions: i.actions, scopes: i.scopes.map(scopeKey),
      };
    }
    if ('person' in p) {
      const person = await getRecord(db, 'person', p.person);
      const [user] = await db.all<{ roles: string; status: string }>('SELECT roles, status FROM users WHERE id = ?', [p.person]);
      if (!person && !user) throw new MandateError('NOT_FOUND', `no person or user ${p.person}`, { field: '/principal/person' });
      const status = person?.record.status === 'departed' ? 'departed' : user && user.status !== 'active' ? 'disabled' : 'active';
      return { type: 'person', id: p.person, status, roles: user ? (JSON.parse(user.roles) as string[]) : [] };
    }
    const checked = await tokens.check(p.token);
    if ('inactive' in checked) return { refused: `token is not active: ${checked.inactive}`, who: { type: 'token', id: 'unverified' } };
    return factsFromClaims(checked.claims);
  }

  function evidenceOf(actor: string, who: { type: string; id: string }, req: DecisionRequest, d: Decision): NewEvent {
    return {
      actor, action: 'decision.recorded', subject: { type: who.type, id: who.id },
      after: { action: req.action, resource: req.resource, context: req.context, decision: d.decision, policies: d.policies, reasons: d.reasons, obligations: d.obligations, ...(d.relied_on ? { relied_on: d.relied_on } : {}) },
    };
  }

  async function decideOne(req: DecisionRequest): Promise<{ answer: DecisionAnswer; record: boolean }> {
    const engine = state.engine;
    if (!engine) throw new MandateError('NOT_READY', 'the decision point is loading its state');
    const principal = await resolve(req.principal);
    if ('refused' in principal) {
      const d: Decision = { decision: 'deny', reasons: [principal.refused], policies: ['builtin:token-not-active'], obligations: [] };
      return { answer: { ...d, principal: principal.who, policy_version: state.policyVersion, recorded: true }, record: true };
    }
    const d = engine.decide(principal, req.action, req.resource as DecisionResource, req.context as DecisionContext);
    // Execute decisions are evidence; so is every refusal of an action nobody defined.
    // Every decision that relied on a grant, an exception or a break-glass activation is evidence too.
    const record = d.class === undefined || d.class !== 'observe' || d.relied_on !== undefined;
    return { answer: { ...d, principal: { type: principal.type, id: principal.id }, policy_version: state.policyVersion, recorded: record }, record };
  }

  return {
    async decide(actor: string, req: DecisionRequest): Promise<DecisionAnswer> {
      const { answer, record } = await decideOne(req);
      if (record) await evidence.submit({ events: [evidenceOf(actor, answer.principal, req, answer)] });
      return answer;
    },

    /** Many decisions in one request; the recorded ones go to the ledger as one event. */
    async decideBatch(actor: string, items: readonly DecisionRequest[]): Promise<DecisionAnswer[]> {
      const out = await Promise.all(items.map(decideOne));
      const recorded = out.map((o, i) => ({ o, req: items[i]! })).filter(({ o }) => o.record);
      if (recorded.length) {
        await evidence.submit({
          events: [{
            actor, action: 'decisions.recorded', subject: { type: 'decision_batch', id: `${recorded.length}` },
            after: { decisions: recorded.map(({ o, req }) => ({ principal: o.answer.principal, action: req.action, resource: req.resource, context: req.context, decision: o.answer.decision, policies: o.answer.policies })) },
          }],
        });
      }
      return out.map((o) => o.answer);
    },

    /** Decisions an enforcement point took locally: one ledger event per report. */
    async report(actor: string, body: ReportedDecisions): Promise<{ recorded: number }> {
      await evidence.submit({
        events: [{ actor, action: 'decisions.reported', subject: { type: 'enforcement_point', id: body.enforcement_point.slice(0, 128) }, after: { decisions: body.decisions } }],
      });
      return { recorded: body.decisions.length };
    },

    /** Records a refused decision request (malformed or oversized), without its body. */
    async refused(actor: string, detail: string): Promise<void> {
      await evidence.submit({ events: [{ actor, action: 'decision.refused', subject: { type: 'decision', id: 'invalid-request' }, after: { detail: detail.slice(0, 2000) } }] });
    },
  };
}
export type DecisionService = ReturnType<typeof decisionService>;
