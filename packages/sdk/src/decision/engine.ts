// The decision engine, the same code in the server's decision point and in every enforcement
// point: the rules built into every decision first, then the firm's Cedar policies (compiled to
// closures; see ../cedar), then obligations. Pure: state in, answer out.
//
// Built into every decision, whatever the firm's policies say:
// - an unknown action is denied;
// - a principal that is not active (a suspended, revoked or decommissioned identity, a departed
//   person) gets nothing;
// - an observe identity never executes;
// - an execute action is allowed only where the lifecycle rules leave it lawful given the
//   scope's authorisation state (so new business stops when a licence is withdrawn, and the
//   client return paths stay open through wind-down as the rules say).
import { actionVerdict, scopeKeyOf, type ActionClass, type LifecycleRuleSet, type RuleSubject } from './lifecycle.js';
import type { AuthorisationEntry, Decision, DecisionContext, DecisionResource, PrincipalFacts } from './types.js';

/** The firm's policies as the engine needs them: an answer and the ids that decided. */
export interface PolicyEvaluator {
  evaluate(principal: PrincipalFacts, action: string, cls: ActionClass, resource: DecisionResource, scope: string, state: string, context: DecisionContext): {
    allow: boolean;
    determining: readonly string[];
    errors: readonly string[];
    obligations: readonly { type: string; policy: string }[];
  };
}

export interface EngineState {
  actions: readonly { id: string; class: ActionClass }[];
  authorisations: readonly AuthorisationEntry[];
  lifecycle: LifecycleRuleSet;
  policies: PolicyEvaluator;
}

const deny = (policy: string, reason: string, cls?: ActionClass): Decision => ({ decision: 'deny', reasons: [reason], policies: [policy], obligations: [], ...(cls ? { class: cls } : {}) });

export class DecisionEngine {
  private classes = new Map<string, ActionClass>();
  private byScope = new Map<string, AuthorisationEntry>();
  /** Approved restrictions whose cascade has not committed: they bind over the recorded state. */
  private provisional = new Map<string, AuthorisationEntry>();
  private lifecycle: LifecycleRuleSet;
  private policies: PolicyEvaluator;

  constructor(state: EngineState) {
    this.setActions(state.actions);
    this.setAuthorisations(state.authorisations);
    this.lifecycle = state.lifecycle;
    this.policies = state.policies;
  }

  setActions(actions: EngineState['actions']): void {
    this.classes = new Map(actions.map((a) => [a.id, a.class]));
  }

  setAuthorisations(all: readonly AuthorisationEntry[]): void {
    this.byScope = new Map(all.map((a) => [scopeKeyOf(a), a]));
  }

  /** Applies changed authorisations in place: O(changes), whatever the number of identities. */
  updateAuthorisations(changed: readonly AuthorisationEntry[]): void {
    for (const a of changed) this.byScope.set(scopeKeyOf(a), a);
  }

  setProvisional(entries: readonly AuthorisationEntry[]): void {
    this.provisional = new Map(entries.map((a) => [scopeKeyOf(a), a]));
  }

  setLifecycle(rules: LifecycleRuleSet): void {
    this.lifecycle = rules;
  }

  setPolicies(policies: PolicyEvaluator): void {
    this.policies = policies;
  }

  // Reasons are worded once per set of deciding policies, not per decision.
  private reasonCache = new Map<string, string[]>();
  private permittedBy(ids: readonly string[]): string[] {
    const key = ids.length === 1 ? ids[0]! : ids.join('\u0000');
    let r = this.reasonCache.get(key);
    if (!r) {
      if (this.reasonCache.size > 1000) this.reasonCache.clear();
      this.reasonCache.set(key, (r = ids.map((id) => `permitted by policy ${id}`)));
    }
    return r;
  }

  classOf(action: string): ActionClass | undefined {
    return this.classes.get(action);
  }

  decide(principal: PrincipalFacts, action: string, resource: DecisionResource, context: DecisionContext): Decision {
    const cls = this.classes.get(action);
    if (cls === undefined) return deny('builtin:unknown-action', `action ${action} is not in the vocabulary`);
    if (principal.status !== 'active') return deny('builtin:principal-not-active', `${principal.type} ${principal.id} is ${principal.status}: it gets nothing`, cls);
    const execute = cls !== 'observe';
    const scope = scopeKeyOf(resource);
    const authorisation = (this.provisional.size ? this.provisional.get(scope) : undefined) ?? this.byScope.get(scope);
    const state = authorisation?.status ?? 'none';
    if (execute) {
      if (principal.type === 'identity' && principal.capability === 'observe')
        return deny('builtin:observe-never-executes', `identity ${principal.id} is observe-only: it never executes`, cls);
      const subject: RuleSubject = principal.type === 'identity'
        ? principal
        : { function: 'person', kind: 'person', capability: 'execute', environment: context.environment, vendor: false, break_glass: false };
      const verdict = actionVerdict(this.lifecycle, subject, resource, state, authorisation?.denied_actions, action, cls);
      if (!verdict.lawful) {
        const held = authorisation ? `authorisation ${authorisation.id} is ${state}` : 'the firm holds no authorisation';
        return deny('builtin:scope-not-lawful', `${action} is not lawful in ${scope}: ${held} (lifecycle ${verdict.by})`, cls);
      }
    }
    const answer = this.policies.evaluate(principal, action, cls, resource, scope, state, context);
    if (!answer.allow) {
      const reasons = answer.determining.length
        ? answer.determining.map((id) => `forbidden by policy ${id}`)
        : [`no policy permits ${principal.type} ${principal.id} to ${action} in ${scope}`];
      if (answer.errors.length) reasons.push(`policies that could not be evaluated (treated as not applying): ${answer.errors.join(', ')}`);
      return { decision: 'deny', reasons, policies: [...answer.determining], obligations: [], class: cls };
    }
    return { decision: 'allow', reasons: this.permittedBy(answer.determining), policies: answer.determining as string[], obligations: answer.obligations as Decision['obligations'], class: cls };
  }
}
