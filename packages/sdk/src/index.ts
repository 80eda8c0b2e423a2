// @mandate/sdk: verify Mandate tokens and decide actions in-process, kept current by the server.
export { Enforcer, EnforcementError, type EnforcerOptions, type Verified } from './enforcer.js';
export type { ProtectOptions } from './middleware.js';
export * from './decision/types.js';
export type { MandateAccessToken, MandateClaims } from './claims.js';
export type { EnforcementSnapshot, EnforcementDelta } from './snapshot.js';
export const SDK_VERSION = '0.1.0';
