// An enforcement point's local state: the decision engine built from a snapshot, kept current by
// deltas, plus the revocations. The server's own decision point holds one too, fed by its hub, so
// both decide with the same code over the same state.
import type { EnforcementDelta, EnforcementSnapshot } from './snapshot.js';
import { DecisionEngine, type PolicyEvaluator } from './decision/engine.js';

export type PolicyCompiler = (items: EnforcementSnapshot['policies']['items']) => PolicyEvaluator;

export class EnforcementState {
  engine: DecisionEngine | undefined;
  seq = -1;
  issuer = '';
  policyVersion = 0;
  /** identity → current token generation (absent: 0). */
  readonly generations = new Map<string, number>();
  /** jti → expiry (seconds). */
  readonly revoked = new Map<string, number>();

  constructor(
    private readonly compile: PolicyCompiler,
    private readonly now: () => number = Date.now,
  ) {}

  load(s: EnforcementSnapshot): void {
    const policies = this.compile(s.policies.items);
    this.engine = new DecisionEngine({
      actions: s.actions,
      authorisations: s.authorisations,
      lifecycle: s.lifecycle.rules,
      products: s.products ?? [],
      ...(s.productLifecycle ? { productLifecycle: s.productLifecycle.rules } : {}),
      policies,
      grants: s.grants ?? [],
      now: this.now,
    });
    this.engine.setProvisional(s.provisional ?? []);
    this.policyVersion = s.policies.version;
    this.generations.clear();
    for (const [id, g] of Object.entries(s.generations)) this.generations.set(id, g);
    this.revoked.clear();
    for (const r of s.revoked) this.revoked.set(r.jti, r.exp);
    this.issuer = s.issuer;
    this.seq = s.seq;
  }

  /**
   * Applies a delta; answers false when it does not follow on from this state (a gap: take a
   * fresh snapshot). Deltas carry absolute values, so one applied twice changes nothing.
   */
  apply(d: EnforcementDelta): boolean {
    if (!this.engine || d.from > this.seq) return false;
    // Policies first: if they do not compile, nothing of the delta is applied and the caller
    // resynchronises rather than decide on a half-applied state.
    if (d.policies) {
      this.engine.setPolicies(this.compile(d.policies.items));
      this.policyVersion = d.policies.version;
    }
    if (d.lifecycle) this.engine.setLifecycle(d.lifecycle.rules);
    if (d.actions) this.engine.setActions(d.actions);
    if (d.authorisations) this.engine.updateAuthorisations(d.authorisations);
    if (d.productLifecycle) this.engine.setProductLifecycle(d.productLifecycle.rules);
    if (d.products) this.engine.updateProducts(d.products);
    if (d.provisional) this.engine.setProvisional(d.provisional);
    if (d.generations) for (const [id, g] of Object.entries(d.generations)) this.generations.set(id, g);
    if (d.revoked) for (const r of d.revoked) this.revoked.set(r.jti, r.exp);
    if (d.grants) this.engine.updateGrants(d.grants.upsert, d.grants.removed);
    if (d.seq > this.seq) this.seq = d.seq;
    return true;
  }

  /** Whether a token of this identity, generation and jti has been revoked. */
  isRevoked(identity: string, generation: number, jti: string): boolean {
    return generation < (this.generations.get(identity) ?? 0) || this.revoked.has(jti);
  }

  /** Drops deny-list entries for tokens that have expired anyway. */
  prune(nowS: number): void {
    for (const [jti, exp] of this.revoked) if (exp < nowS - 60) this.revoked.delete(jti);
  }
}
