// The token service: a workload proves what it is (proofs.ts) and gets a minutes-long Mandate
// access token carrying its identity, lawful power and declared session (issuance.ts).
// Introspection (RFC 7662) and revocation (RFC 7009) work on the same tokens (introspection.ts);
// trusted issuers and identities' credentials are registered in credentials.ts. This facade keeps
// one service for the routes, the decision service and the wiring.
import type { GrantEntry } from '@mandate/sdk/decision';
import type { GroupCommitter } from '../ledger/group.js';
import { outboundGuard, type OutboundGuard } from '../http/outbound.js';
import type { LifecycleRulesStore } from '../state/lifecycle-rules.js';
import type { Database } from '../store/db.js';
import { credentialService } from './credentials.js';
import { introspectionService } from './introspection.js';
import { issuanceService } from './issuance.js';
import type { SigningKeys } from './keys.js';
import type { TokenTtls } from './model.js';
import { proofService } from './proofs.js';

export type { TokenResponse } from './issuance.js';
export { CLIENT_ASSERTION_TYPE, type ClientAuthMethod, type ClientCredentials } from './proofs.js';

export interface TokenDeps {
  db: Database;
  clock: () => Date;
  keys: Pick<SigningKeys, 'current' | 'jwks'>;
  lifecycleRules: Pick<LifecycleRulesStore, 'current'>;
  evidence: Pick<GroupCommitter, 'submit'>;
  /** The `iss` of Mandate's tokens, and the audience client assertions must name (with /v1/token). */
  issuer: () => string;
  ttls: TokenTtls;
  /** The identity's active grants, exceptions and break-glass activations (carried in its tokens). */
  grants?: (identity: string) => Promise<GrantEntry[]>;
  /** The outbound guard issuers' JWKS URLs are checked and fetched through (default: the strict one). */
  outbound?: Pick<OutboundGuard, 'checkUrl' | 'resolve' | 'fetchFor'>;
}

export function tokenService({ db, clock, keys, lifecycleRules, evidence, issuer, ttls, grants, outbound = outboundGuard() }: TokenDeps) {
  const proofs = proofService({ db, clock, issuer, outbound });
  return {
    ...issuanceService({ db, clock, keys, lifecycleRules, evidence, proofs, issuer, ttls, grants }),
    authenticateClient: proofs.authenticateClient,
    ...introspectionService({ db, clock, keys, issuer }),
    ...credentialService({ db, clock, proofs, outbound }),
  };
}
export type TokenService = ReturnType<typeof tokenService>;
