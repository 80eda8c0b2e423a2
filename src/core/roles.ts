// Control-plane roles and what each may do. Endpoints name one permission; this table is the only
// place that maps roles to permissions, and the HTTP tests walk it for every endpoint and role.

// enforcer: the service account of an enforcement point (the SDK, a gateway): it asks for
// decisions, follows the enforcement stream and introspects tokens, and can change nothing.
// monitor: the service account of a metrics scraper (Prometheus): it reads /metrics, nothing else.
// ssf_receiver: the service account of a Shared Signals receiver: it manages its own event streams
// and polls them, nothing else (an admin makes the user and its API token).
export const ROLES = ['viewer', 'operator', 'compliance_officer', 'approver', 'admin', 'enforcer', 'monitor', 'ssf_receiver'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'inventory:read', // list and read every inventory record and its history
  'identities:write', // create and update identities
  'identities:status', // suspend, reactivate, revoke, decommission identities
  'registry:write', // people and vendors
  'regulatory:write', // legal entities and authorisations
  'import', // firm manifest import (writes every kind of record)
  'users:admin', // users and API tokens
  'transitions:propose', // propose authorisation transitions; publish lifecycle rules
  'transitions:approve', // approve, reject and review transitions (never one's own)
  'outbox:retry', // retry a failed connector delivery
  'credentials:write', // register and revoke how identities prove themselves; revoke their tokens
  'issuers:write', // trust an OIDC issuer's workload tokens
  'policies:write', // publish the firm's Cedar policies
  'decisions:query', // ask the decision point; report decisions taken by enforcement points
  'enforcement:subscribe', // the enforcement snapshot and push stream
  'tokens:introspect', // RFC 7662 introspection
  'approvals:read', // the approval inbox and its requests
  'access:request', // ask for just-in-time access for an identity (its owner may always ask)
  'exceptions:write', // register documented policy exceptions, and close them
  'breakglass:unseal', // ask to unseal a break-glass identity, or take the emergency path
  'reviews:manage', // open access-review campaigns and decide items whose owner is gone
  'compliance:manage', // run control checks, acknowledge findings, ingest scanner reports, export evidence packs
  'metrics:read', // Prometheus metrics (/metrics)
  'sessions:end', // list people's single sign-on sessions and end any of them at once
  'keys:manage', // list signing keys and rotate them (admin)
  'ssf:manage', // Shared Signals event streams (create, read, update, delete, status, verification, poll): one's own; admins all
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// Everyone who can read can see the approval inbox and answer the review items of identities they own.
const READ: Permission[] = ['inventory:read', 'approvals:read'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: READ,
  approver: [...READ, 'transitions:approve'],
  operator: [
    ...READ,
    'identities:write',
    'identities:status',
    'registry:write',
    'outbox:retry',
    'credentials:write',
    'decisions:query',
    'access:request',
    'breakglass:unseal',
  ],
  compliance_officer: [
    ...READ,
    'identities:status',
    'registry:write',
    'regulatory:write',
    'import',
    'transitions:propose',
    'policies:write',
    'decisions:query',
    'access:request',
    'exceptions:write',
    'reviews:manage',
    'compliance:manage',
  ],
  admin: PERMISSIONS,
  enforcer: ['decisions:query', 'enforcement:subscribe', 'tokens:introspect'],
  monitor: ['metrics:read'],
  ssf_receiver: ['ssf:manage'],
};

export function rolesAllow(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((r) => ROLE_PERMISSIONS[r].includes(permission));
}
