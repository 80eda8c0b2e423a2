// Cedar policies compiled to JavaScript closures for the SDK's hot path (see compile.ts for why,
// docs/cedar-compiler.md for what is supported): all of Cedar 4 but templates, extensions
// included. No dependency on cedar-wasm.

export type {
  ActionConstraint,
  CedarValueJson,
  Clause,
  EntityJson,
  EntityUidJson,
  Expr,
  PatternElem,
  PolicyJson,
  PrincipalOrResourceConstraint,
  Var,
} from './est.js';
export {
  CedarInputError,
  CedarRecord,
  CedarSet,
  type CedarPrimitive,
  type CedarValue,
  cedarRecord,
  cedarSet,
  contextFromJson,
  datetime,
  decimal,
  duration,
  EMPTY_RECORD,
  EMPTY_SET,
  entityUid,
  EntityUid,
  ipAddr,
  long,
  uidFromJson,
  valueFromJson,
  valuesEqual,
} from './values.js';
export {
  EMPTY_ENTITY_STORE,
  Entity,
  entitiesFromCedarJson,
  type EntityInit,
  type EntityStore,
  makeEntity,
  overlayEntities,
} from './entities.js';
export {
  type AuthorizationRequest,
  type AuthorizationResult,
  CedarEvaluationError,
  CompileError,
  compilePolicySet,
  type CompiledPolicySet,
} from './compile.js';
export { parseCedarJson, stringifyCedarJson } from './json.js';
export { Datetime, Decimal, Duration, type ExtensionTypeName, ExtensionValue, IpAddr } from './extensions.js';
export { CedarSchema, cedarSchema, type SchemaJson, type SchemaType } from './schema.js';
