// What an enforcement point holds to decide on its own: the policies, the lifecycle rules, the
// action vocabulary, every authorisation's state and the revocations. The server sends it whole
// when a stream opens, then deltas; each delta names the ledger position it follows, so a gap is
// noticed and healed by taking a fresh snapshot.
import type { PolicyJson } from './cedar/index.js';
import type { ActionClass, LifecycleRuleSet, ProductEntry, ProductRuleSet } from './decision/lifecycle.js';
import type { AuthorisationEntry, GrantEntry } from './decision/types.js';

export type { AuthorisationEntry, GrantEntry, ProductEntry };

export interface EnforcementSnapshot {
  /** The ledger position this snapshot reflects. */
  seq: number;
  /** The issuer of the tokens to accept. */
  issuer: string;
  policies: { version: number; items: { id: string; est: PolicyJson }[] };
  lifecycle: { version: number; rules: LifecycleRuleSet };
  actions: { id: string; class: ActionClass }[];
  authorisations: AuthorisationEntry[];
  /** Products (CRA): each one's status, category, channels and whether an exploited vulnerability is open. */
  products?: ProductEntry[];
  /** The product lifecycle rules (CRA) in force. */
  productLifecycle?: { version: number; rules: ProductRuleSet };
  /**
   * Restrictions approved and due whose cascade has not committed yet: they bind at once (a
   * decision uses the provisional state of a scope over its recorded one) and drop out when the
   * cascade commits, or if the transition is withdrawn.
   */
  provisional: AuthorisationEntry[];
  /** Current token generation of each identity whose tokens were ever revoked wholesale. */
  generations: Record<string, number>;
  /** Single tokens revoked before their expiry. */
  revoked: { jti: string; exp: number }[];
  /** Active just-in-time grants, exceptions and break-glass activations. */
  grants: GrantEntry[];
}

export interface EnforcementDelta {
  /** The position the delta applies on top of, and the one it leads to. */
  from: number;
  seq: number;
  /** When the server published it (epoch ms): enforcement points can report their lag. */
  at: number;
  policies?: EnforcementSnapshot['policies'];
  lifecycle?: EnforcementSnapshot['lifecycle'];
  actions?: EnforcementSnapshot['actions'];
  authorisations?: AuthorisationEntry[];
  /** Products that changed (absolute values). */
  products?: ProductEntry[];
  productLifecycle?: EnforcementSnapshot['productLifecycle'];
  /** The whole provisional list when it changed (empty: none left). */
  provisional?: AuthorisationEntry[];
  generations?: Record<string, number>;
  revoked?: EnforcementSnapshot['revoked'];
  /** Grants that became active, and the ids of those cut or ended early. */
  grants?: { upsert: GrantEntry[]; removed: string[] };
}
