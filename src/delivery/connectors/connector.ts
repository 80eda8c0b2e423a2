// Revocation connectors: how Mandate switches an identity off (and back on) in the system that
// holds its credential. One small module per system behind this interface, so a firm can add its
// own (cloud IAM, Vault, Kubernetes) without touching the cascade engine.
//
// Connectors are called after commit by the outbox deliverer, with retries: every method must be
// idempotent (disabling a disabled user succeeds) and must throw on failure so it is retried.

/** disable / enable an identity; notify relying parties of a change (CAEP events). */
export type ConnectorAction = 'disable' | 'enable' | 'notify';

export interface ConnectorRequest {
  /** Outbox row id: stable across retries, for idempotency keys and receivers' de-duplication. */
  deliveryId: string;
  action: ConnectorAction;
  /** What to switch off in the target system: a role name, a user name, a URL path… (identity.revocation.target). */
  target: string;
  identityId: string;
  /** Why: the transition or status change behind this delivery, for the target system's audit log. */
  reason: string;
  /** When the change was decided (ISO 8601). */
  decidedAt: string;
  /** Channel-specific detail, e.g. the CAEP event type and the identity's new claims. */
  payload?: Record<string, unknown>;
}

export interface ConnectorResult {
  /** What the target system said, recorded as evidence (e.g. "role x NOLOGIN, 2 sessions terminated"). */
  detail: string;
  /** For webhooks: the receiver's acknowledgement (status and body digest), recorded. */
  acknowledgement?: string;
}

export interface Connector {
  /** The name identities use in revocation.connector, e.g. "postgres". */
  readonly name: string;
  apply(request: ConnectorRequest): Promise<ConnectorResult>;
  close?(): Promise<void>;
}

/** Raised for a failure that retrying cannot fix (bad target name, unknown user): fails fast to a visible problem. */
export class PermanentConnectorError extends Error {
  override readonly name = 'PermanentConnectorError';
}
