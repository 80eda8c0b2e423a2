// @mandate/sdk: verify Mandate tokens and decide actions in-process, kept current by the server.
export { Enforcer, EnforcementError, type EnforcerOptions, type EnforcerTlsOptions, type Verified } from './enforcer.js';
export type { ProtectOptions } from './middleware.js';
export * from './decision/types.js';
export type { MandateAccessToken, MandateClaims, TokenDecisionContext, ContextConflict } from './claims.js';
export { contextFromToken, CONTEXT_CONFLICT_POLICY, TOKEN_CONTEXT_CLAIMS } from './claims.js';
export type { EnforcementSnapshot, EnforcementDelta } from './snapshot.js';
export const SDK_VERSION = '0.1.0';
