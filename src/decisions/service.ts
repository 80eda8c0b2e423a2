// The decision point: resolves who asks (an identity from the inventory, a person with the roles
// of their user account, or a Mandate token, checked against the live revocation state), then
// decides with the shared engine over the state the enforcement hub keeps current. Every execute
// decision, allow or deny, and every refusal of a token or an action, is recorded in the ledger
// before the answer leaves (group commit), so nothing is allowed unrecorded.
//
// For a token principal, the token's facts win over the caller's context (contextFromToken, the
// SDK's one rule): what the caller leaves out of attested, environment and session_purpose is
// taken from the token, and a supplied value the token contradicts is a recorded deny.
//
// For a session principal (issue 18 item 6: people in the same decision plane as machines), the
// person, their roles and what their sign-in proves (mfa, session_age_seconds, acr, device_posture)
// are read from the session, and win over the caller's context the same way (contextFromSession).
// The evidence names the session by its id, with its amr, acr and auth time; never its secret.
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
import {
  contextFromSession,
  SESSION_CONFLICT_POLICY,
  SESSION_INACTIVE_POLICY,
  sessionConflictReason,
  type SessionFacts,
} from '../core/session-facts.js';
import { scopeKey } from '../core/lifecycle.js';
import type { GroupCommitter } from '../ledger/group.js';
import type { NewEvent } from '../ledger/log.js';
import type { SessionView } from '../signin/sessions.js';
import { getRecord } from '../state/records.js';
import type { Database } from '../store/db.js';
import type { TokenService } from '../tokens/service.js';
import { SESSION_ONLY_CONTEXT, TOKEN_CARRIED_CONTEXT, type DecisionRequest, type ReportedDecisions } from './model.js';

export interface DecisionAnswer extends Decision {
  principal: { type: string; id: string };
  policy_version: number;
  recorded: boolean;
  /** For a session principal: the session whose facts decided. */
  session?: string;
}

/** Who asks, where it matters: the id of the caller's own session (for `principal: {session: 'self'}`). */
export interface DecisionCaller {
  session?: string;
}

/** A signed-in person's session as the decision point reads it (src/signin/service.ts sessionFacts). */
export type SessionLookup = (
  which: { secret: string } | { id: string },
) => Promise<{ user: string; session: SessionView; facts: SessionFacts } | { inactive: string; session?: string }>;

/** What the evidence says of a session: how the person signed in, never the secret. */
const sessionEvidence = (s: SessionView) => ({
  id: s.id,
  issuer: s.issuer,
  subject: s.subject,
  client: s.client,
  amr: s.amr,
  acr: s.acr,
  auth_time: s.auth_time,
  device_posture: s.device_posture,
});
type SessionEvidence = ReturnType<typeof sessionEvidence>;

export interface DecisionDeps {
  db: Database;
  /** The decision point's state, kept current by the enforcement hub. */
  state: EnforcementState;
  tokens: Pick<TokenService, 'check'>;
  evidence: Pick<GroupCommitter, 'submit'>;
  /** Signed-in people's sessions; absent when single sign-on is not configured (no session is then active). */
  sessions?: SessionLookup;
}

type Refused = { refused: string; policy: string; who: { type: string; id: string } };

export function decisionService({ db, state, tokens, evidence, sessions }: DecisionDeps) {
  type Resolved = { facts: PrincipalFacts; context: DecisionContext; conflictDeny?: Decision; session?: SessionEvidence } | Refused;

  /** The context as sent, for an identity or a person: the schema requires it whole (checked again for callers inside the server). */
  function wholeContext(req: DecisionRequest): DecisionContext {
    for (const field of [...TOKEN_CARRIED_CONTEXT, 'device_posture'] as const)
      if (req.context[field] === undefined)
        throw new MandateError(
          'VALIDATION_FAILED',
          `context.${field} is required unless the principal is a ${field === 'device_posture' ? 'session' : 'token'}`,
          { field: `/context/${field}` },
        );
    return req.context as DecisionContext;
  }

  /** What only a sign-in proves is not the caller's to say for an identity, a person or a token. */
  function noSessionFacts(req: DecisionRequest): void {
    for (const field of SESSION_ONLY_CONTEXT)
      if (req.context[field] !== undefined)
        throw new MandateError(
          'VALIDATION_FAILED',
          `context.${field} is proven by a person's sign-in only: ask with principal {session} (or leave it out)`,
          { field: `/context/${field}` },
        );
  }

  async function resolve(req: DecisionRequest, caller: DecisionCaller): Promise<Resolved> {
    const p = req.principal;
    if ('session' in p) return resolveSession(req, p.session, caller);
    noSessionFacts(req);
    const facts = await principalFacts(p);
    if ('refused' in facts) return facts;
    if (!('token' in p)) return { facts: facts.facts, context: wholeContext(req) };
    if (req.context.device_posture === undefined)
      throw new MandateError('VALIDATION_FAILED', 'context.device_posture is required unless the principal is a session', {
        field: '/context/device_posture',
      });
    const { context, conflicts } = contextFromToken(facts.claims!, req.context as TokenDecisionContext);
    return {
      facts: facts.facts,
      context,
      ...(conflicts.length ? { conflictDeny: conflictDecision(conflicts, state.engine?.classOf(req.action)) } : {}),
    };
  }

  /**
   * A signed-in person: the session (the caller's own, or the one whose secret was sent), the
   * person behind it as a person principal, and the context with the session's facts over the
   * caller's. An unknown, ended or timed-out session is a recorded deny, as an inactive token is.
   */
  async function resolveSession(req: DecisionRequest, ref: string, caller: DecisionCaller): Promise<Resolved> {
    if (ref === 'self' && !caller.session)
      throw new MandateError(
        'VALIDATION_FAILED',
        'principal.session "self" is the caller’s own sign-in session, and this request was not made with one (an API token is not a ' +
          'session): sign in, or send the session’s secret',
        { field: '/principal/session' },
      );
    const found = sessions
      ? await sessions(ref === 'self' ? { id: caller.session! } : { secret: ref })
      : { inactive: 'single sign-on is not configured: no session is active' };
    if ('inactive' in found)
      return {
        refused: `session is not active: ${found.inactive}`,
        policy: SESSION_INACTIVE_POLICY,
        who: { type: 'session', id: found.session ?? 'unverified' },
      };
    const person = await personFacts(found.user, '/principal/session');
    const supplied = { ...req.context, attested: req.context.attested ?? false };
    const { context, conflicts } = contextFromSession(supplied, found.facts);
    return {
      facts: person,
      context: context as DecisionContext,
      session: sessionEvidence(found.session),
      ...(conflicts.length
        ? {
            conflictDeny: {
              decision: 'deny',
              reasons: conflicts.map(sessionConflictReason),
              policies: [SESSION_CONFLICT_POLICY],
              obligations: [],
              ...(state.engine?.classOf(req.action) ? { class: state.engine.classOf(req.action)! } : {}),
            },
          }
        : {}),
    };
  }

  /** A person (a person record, a user, or both): active unless departed or disabled, with the user's roles. */
  async function personFacts(id: string, field: string): Promise<PrincipalFacts> {
    const person = await getRecord(db, 'person', id);
    const [user] = await db.all<{ roles: string; status: string }>('SELECT roles, status FROM users WHERE id = ?', [id]);
    if (!person && !user) throw new MandateError('NOT_FOUND', `no person or user ${id}`, { field });
    const status = person?.record.status === 'departed' ? 'departed' : user && user.status !== 'active' ? 'disabled' : 'active';
    return { type: 'person', id, status, roles: user ? (JSON.parse(user.roles) as string[]) : [] };
  }

  async function principalFacts(
    p: Exclude<DecisionRequest['principal'], { session: string }>,
  ): Promise<{ facts: PrincipalFacts; claims?: MandateAccessToken } | Refused> {
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
    if ('person' in p) return { facts: await personFacts(p.person, '/principal/person') };
    const checked = await tokens.check(p.token);
    if ('inactive' in checked)
      return {
        refused: `token is not active: ${checked.inactive}`,
        policy: 'builtin:token-not-active',
        who: { type: 'token', id: 'unverified' },
      };
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
    session: SessionEvidence | undefined,
  ): NewEvent {
    return {
      actor,
      action: 'decision.recorded',
      subject: { type: who.type, id: who.id },
      after: {
        action: req.action,
        resource: req.resource,
        ...(session ? { session } : {}),
        ...contextEvidence(req, used),
        decision: d.decision,
        policies: d.policies,
        reasons: d.reasons,
        obligations: d.obligations,
        ...(d.relied_on ? { relied_on: d.relied_on } : {}),
      },
    };
  }

  async function decideOne(
    req: DecisionRequest,
    caller: DecisionCaller,
  ): Promise<{ answer: DecisionAnswer; record: boolean; context?: DecisionContext; session?: SessionEvidence }> {
    const engine = state.engine;
    if (!engine) throw new MandateError('NOT_READY', 'the decision point is loading its state');
    const resolved = await resolve(req, caller);
    if ('refused' in resolved) {
      const d: Decision = { decision: 'deny', reasons: [resolved.refused], policies: [resolved.policy], obligations: [] };
      return { answer: { ...d, principal: resolved.who, policy_version: state.policyVersion, recorded: true }, record: true };
    }
    const { facts: principal, context, session } = resolved;
    const who = { type: principal.type, id: principal.id };
    const of = session ? { session: session.id } : {};
    // A caller's context the token or the session contradicts: a deny, recorded whatever the action's class.
    if (resolved.conflictDeny)
      return {
        answer: { ...resolved.conflictDeny, principal: who, policy_version: state.policyVersion, recorded: true, ...of },
        record: true,
        context,
        session,
      };
    const d = engine.decide(principal, req.action, req.resource as DecisionResource, context);
    // Execute decisions are evidence; so is every refusal of an action nobody defined.
    // Every decision that relied on a grant, an exception or a break-glass activation is evidence too.
    const record = d.class === undefined || d.class !== 'observe' || d.relied_on !== undefined;
    return { answer: { ...d, principal: who, policy_version: state.policyVersion, recorded: record, ...of }, record, context, session };
  }

  return {
    async decide(actor: string, req: DecisionRequest, caller: DecisionCaller = {}): Promise<DecisionAnswer> {
      const { answer, record, context, session } = await decideOne(req, caller);
      if (record) await evidence.submit({ events: [evidenceOf(actor, answer.principal, req, context, answer, session)] });
      return answer;
    },

    /** Many decisions in one request; the recorded ones go to the ledger as one event. */
    async decideBatch(actor: string, items: readonly DecisionRequest[], caller: DecisionCaller = {}): Promise<DecisionAnswer[]> {
      const out = await Promise.all(items.map((req) => decideOne(req, caller)));
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
                  ...(o.session ? { session: o.session } : {}),
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
