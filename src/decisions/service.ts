// The decision point: resolves who asks (an identity from the inventory, a person with the roles
// of their user account, or a Mandate token, checked against the live revocation state), then
// decides with the shared engine over the state the enforcement hub keeps current. Every execute
// decision, allow or deny, and every refusal of a token or an action, is recorded in the ledger
// before the answer leaves (group commit), so nothing is allowed unrecorded.
//
// For a token principal, the token's facts win over the caller's context (contextFromToken, the
// SDK's one rule): what the caller leaves out of attested, environment and session_purpose is
// taken from the token, and a supplied value the token contradicts is a recorded deny.
import type { Decision, DecisionContext, DecisionResource, PrincipalFacts } from '@mandate/sdk/decision';
import type { EnforcementState } from '@mandate/sdk/state';
import {
  conflictDecision,
  contextFromToken,
  factsFromClaims,
  type MandateAccessToken,
  type TokenDecisionContext,
} from '@mandate/sdk/claims';
import { MandateError } from '../core/errors.js';
import { scopeKey } from '../core/lifecycle.js';
import type { GroupCommitter } from '../ledger/group.js';
import type { NewEvent } from '../ledger/log.js';
import { getRecord } from '../state/records.js';
import type { Database } from '../store/db.js';
import type { TokenService } from '../tokens/service.js';
import { TOKEN_CARRIED_CONTEXT, type DecisionRequest, type ReportedDecisions } from './model.js';

export interface DecisionAnswer extends Decision {
  principal: { type: string; id: string };
  policy_version: number;
  recorded: boolean;
}

export interface DecisionDeps {
  db: Database;
  /** The decision point's state, kept current by the enforcement hub. */
  state: EnforcementState;
  tokens: Pick<TokenService, 'check'>;
  evidence: Pick<GroupCommitter, 'submit'>;
}

export function decisionService({ db, state, tokens, evidence }: DecisionDeps) {
  type Resolved =
    | { facts: PrincipalFacts; context: DecisionContext; conflictDeny?: Decision }
    | { refused: string; who: { type: string; id: string } };

  /** The context as sent, for an identity or a person: the schema requires it whole (checked again for callers inside the server). */
  function wholeContext(req: DecisionRequest): DecisionContext {
    for (const field of TOKEN_CARRIED_CONTEXT)
      if (req.context[field] === undefined)
        throw new MandateError('VALIDATION_FAILED', `context.${field} is required unless the principal is a token`, {
          field: `/context/${field}`,
        });
    return req.context as DecisionContext;
  }

  async function resolve(req: DecisionRequest): Promise<Resolved> {
    const p = req.principal;
    const facts = await principalFacts(p);
    if ('refused' in facts) return facts;
    if (!('token' in p)) return { facts: facts.facts, context: wholeContext(req) };
    const { context, conflicts } = contextFromToken(facts.claims!, req.context as TokenDecisionContext);
    return {
      facts: facts.facts,
      context,
      ...(conflicts.length ? { conflictDeny: conflictDecision(conflicts, state.engine?.classOf(req.action)) } : {}),
    };
  }

  async function principalFacts(
    p: DecisionRequest['principal'],
  ): Promise<{ facts: PrincipalFacts; claims?: MandateAccessToken } | { refused: string; who: { type: string; id: string } }> {
    if ('identity' in p) {
      const stored = await getRecord(db, 'identity', p.identity);
      if (!stored) throw new MandateError('NOT_FOUND', `no identity ${p.identity}`, { field: '/principal/identity' });
      const i = stored.record;
      return {
        facts: {
          type: 'identity',
          id: i.id,
          status: i.status,
          kind: i.kind,
          function: i.function,
          capability: i.capability,
          environment: i.environment,
          vendor: Boolean(i.vendor),
          break_glass: i.break_glass,
          legacy: i.credential.type === 'static_secret',
          actions: i.actions,
          scopes: i.scopes.map(scopeKey),
        },
      };
    }
    if ('person' in p) {
      const person = await getRecord(db, 'person', p.person);
      const [user] = await db.all<{ roles: string; status: string }>('SELECT roles, status FROM users WHERE id = ?', [p.person]);
      if (!person && !user) throw new MandateError('NOT_FOUND', `no person or user ${p.person}`, { field: '/principal/person' });
      const status = person?.record.status === 'departed' ? 'departed' : user && user.status !== 'active' ? 'disabled' : 'active';
      return { facts: { type: 'person', id: p.person, status, roles: user ? (JSON.parse(user.roles) as string[]) : [] } };
    }
    const checked = await tokens.check(p.token);
    if ('inactive' in checked) return { refused: `token is not active: ${checked.inactive}`, who: { type: 'token', id: 'unverified' } };
    return { facts: factsFromClaims(checked.claims), claims: checked.claims };
  }

  /**
   * What the evidence says of the context: the one the decision used (for a token, with the
   * token's facts), and, where the caller sent something else, what it sent.
   */
  function contextEvidence(req: DecisionRequest, used: DecisionContext | undefined): Record<string, unknown> {
    if (!used || used === req.context) return { context: req.context };
    const same =
      (Object.keys(used) as (keyof DecisionContext)[]).every((k) => used[k] === req.context[k]) &&
      Object.keys(req.context).length === Object.keys(used).length;
    return same ? { context: used } : { context: used, supplied_context: req.context };
  }

  function evidenceOf(
    actor: string,
    who: { type: string; id: string },
    req: DecisionRequest,
    used: DecisionContext | undefined,
    d: Decision,
  ): NewEvent {
    return {
      actor,
      action: 'decision.recorded',
      subject: { type: who.type, id: who.id },
      after: {
        action: req.action,
        resource: req.resource,
        ...contextEvidence(req, used),
        decision: d.decision,
        policies: d.policies,
        reasons: d.reasons,
        obligations: d.obligations,
        ...(d.relied_on ? { relied_on: d.relied_on } : {}),
      },
    };
  }

  async function decideOne(req: DecisionRequest): Promise<{ answer: DecisionAnswer; record: boolean; context?: DecisionContext }> {
    const engine = state.engine;
    if (!engine) throw new MandateError('NOT_READY', 'the decision point is loading its state');
    const resolved = await resolve(req);
    if ('refused' in resolved) {
      const d: Decision = { decision: 'deny', reasons: [resolved.refused], policies: ['builtin:token-not-active'], obligations: [] };
      return { answer: { ...d, principal: resolved.who, policy_version: state.policyVersion, recorded: true }, record: true };
    }
    const { facts: principal, context } = resolved;
    const who = { type: principal.type, id: principal.id };
    // A caller's context the token contradicts: a deny, recorded whatever the action's class.
    if (resolved.conflictDeny)
      return {
        answer: { ...resolved.conflictDeny, principal: who, policy_version: state.policyVersion, recorded: true },
        record: true,
        context,
      };
    const d = engine.decide(principal, req.action, req.resource as DecisionResource, context);
    // Execute decisions are evidence; so is every refusal of an action nobody defined.
    // Every decision that relied on a grant, an exception or a break-glass activation is evidence too.
    const record = d.class === undefined || d.class !== 'observe' || d.relied_on !== undefined;
    return { answer: { ...d, principal: who, policy_version: state.policyVersion, recorded: record }, record, context };
  }

  return {
    async decide(actor: string, req: DecisionRequest): Promise<DecisionAnswer> {
      const { answer, record, context } = await decideOne(req);
      if (record) await evidence.submit({ events: [evidenceOf(actor, answer.principal, req, context, answer)] });
      return answer;
    },

    /** Many decisions in one request; the recorded ones go to the ledger as one event. */
    async decideBatch(actor: string, items: readonly DecisionRequest[]): Promise<DecisionAnswer[]> {
      const out = await Promise.all(items.map(decideOne));
      const recorded = out.map((o, i) => ({ o, req: items[i]! })).filter(({ o }) => o.record);
      if (recorded.length) {
        await evidence.submit({
          events: [
            {
              actor,
              action: 'decisions.recorded',
              subject: { type: 'decision_batch', id: `${recorded.length}` },
              after: {
                decisions: recorded.map(({ o, req }) => ({
                  principal: o.answer.principal,
                  action: req.action,
                  resource: req.resource,
                  ...contextEvidence(req, o.context),
                  decision: o.answer.decision,
                  policies: o.answer.policies,
                })),
              },
            },
          ],
        });
      }
      return out.map((o) => o.answer);
    },

    /** Decisions an enforcement point took locally: one ledger event per report. */
    async report(actor: string, body: ReportedDecisions): Promise<{ recorded: number }> {
      await evidence.submit({
        events: [
          {
            actor,
            action: 'decisions.reported',
            subject: { type: 'enforcement_point', id: body.enforcement_point.slice(0, 128) },
            after: { decisions: body.decisions },
          },
        ],
      });
      return { recorded: body.decisions.length };
    },

    /** Records a refused decision request (malformed or oversized), without its body. */
    async refused(actor: string, detail: string): Promise<void> {
      await evidence.submit({
        events: [
          {
            actor,
            action: 'decision.refused',
            subject: { type: 'decision', id: 'invalid-request' },
            after: { detail: detail.slice(0, 2000) },
          },
        ],
      });
    },
  };
}
export type DecisionService = ReturnType<typeof decisionService>;
