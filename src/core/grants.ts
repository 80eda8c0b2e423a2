// Just-in-time access, documented exceptions and break-glass activations: the request shapes,
// the caps, and the checks a request must pass before anyone is asked to approve it. Plain
// functions over data; the service in src/grants does the I/O.
import { Type, type Static } from '@sinclair/typebox';
import { actionVerdict, productVerdict } from '@mandate/sdk/decision';
import type { ApprovalRisk } from './approvals.js';
import { MandateError } from './errors.js';
import {
  ruleSubject,
  scopeKey,
  type ProductAuthority,
  type ProductLifecycleRules,
  type ScopeAuthority,
  type LifecycleRules,
} from './lifecycle.js';
import { ActionId, Enum, Id, isProductScope, Scope, Text, Timestamp, type Identity } from './model.js';
import { PRODUCT_ACTIONS, type ActionVocabulary, type IdentityFunction } from './vocabulary.js';

const HOUR = 3600;

/** The longest a just-in-time grant may last, by the identity's function: shorter where client assets move. */
export const ACCESS_DURATION_CAPS: Readonly<Record<IdentityFunction, number>> = {
  custody: 2 * HOUR,
  settlement: 2 * HOUR,
  trading: 4 * HOUR,
  reconciliation: 8 * HOUR,
  customer_support: 8 * HOUR,
  reporting: 8 * HOUR,
  infrastructure: 4 * HOUR,
  // Product identities: what they ship reaches users' devices.
  release_engineering: 2 * HOUR,
  update_distribution: 2 * HOUR,
  device_management: 2 * HOUR,
  product_security: 8 * HOUR,
};
/** A break-glass window: at most 4 hours when approved, 1 hour on the emergency path. */
export const BREAK_GLASS_CAP_S = 4 * HOUR;
export const BREAK_GLASS_EMERGENCY_CAP_S = HOUR;
/** Exceptions are reviewed at least yearly: none is approved for longer. */
export const EXCEPTION_MAX_DAYS = 365;

const Ticket = Type.String({ minLength: 1, maxLength: 200, description: 'change or incident ticket reference' });

export const AccessRequestInput = Type.Object(
  {
    identity: Id,
    actions: Type.Array(ActionId, { minItems: 1, maxItems: 50, uniqueItems: true }),
    scope: Scope,
    duration_seconds: Type.Integer({ minimum: 60, maximum: 7 * 24 * HOUR, description: 'capped per function (ACCESS_DURATION_CAPS)' }),
    justification: Text,
    ticket: Type.Optional(Ticket),
  },
  { additionalProperties: false, title: 'AccessRequest' },
);
export type AccessRequestInput = Static<typeof AccessRequestInput>;

export const EXCEPTION_CONTROLS = ['entitlement', 'workload_attestation', 'static_secret'] as const;
export type ExceptionControl = (typeof EXCEPTION_CONTROLS)[number];

export const ExceptionInput = Type.Object(
  {
    identity: Id,
    control: Enum(
      EXCEPTION_CONTROLS,
      'the control waived: entitlement (actions or a scope beyond the entitlement), workload_attestation (execute without ' +
        'attestation), static_secret (a legacy credential accepted as a documented risk)',
    ),
    actions: Type.Array(ActionId, { minItems: 1, maxItems: 50, uniqueItems: true, description: 'narrower scope: only these actions' }),
    scope: Scope,
    justification: Text,
    compensating_controls: Type.Object(
      {
        extra_monitoring: Type.Boolean({ description: 'every decision under the exception is recorded and carries a monitor obligation' }),
        manual_approval_per_action: Type.Boolean({
          description: 'every decision under the exception carries a manual_approval obligation',
        }),
        note: Type.Optional(Type.String({ maxLength: 2000 })),
      },
      { additionalProperties: false },
    ),
    expires_at: Timestamp,
    ticket: Type.Optional(Ticket),
  },
  { additionalProperties: false, title: 'Exception' },
);
export type ExceptionInput = Static<typeof ExceptionInput>;

export const UnsealInput = Type.Object(
  {
    reason: Text,
    duration_seconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: BREAK_GLASS_CAP_S, description: 'default 1 hour; the emergency path caps it at 1 hour' }),
    ),
    emergency: Type.Optional(
      Type.Boolean({ description: 'unseal now without approval: notifies, and opens a mandatory post-incident review' }),
    ),
    ticket: Type.Optional(Ticket),
  },
  { additionalProperties: false, title: 'Unseal' },
);
export type UnsealInput = Static<typeof UnsealInput>;

/** What a request touches, for its approval rule: execute if any action is, in which services. */
export function riskOf(
  identity: Identity,
  actions: readonly string[],
  services: readonly string[],
  vocabulary: ActionVocabulary,
): ApprovalRisk {
  const execute = actions.some((a) => vocabulary.classOf(a) !== 'observe');
  return {
    capability: execute ? 'execute' : 'observe',
    services: [...new Set(services)],
    function: identity.function,
    kind: identity.kind,
  };
}

/**
 * The checks a grant request must pass before it goes to approvers (and again when it is
 * approved: the world may have changed). Throws the first problem, naming the field at fault.
 */
export function checkGrantable(
  identity: Identity,
  actions: readonly string[],
  scope: Scope,
  vocabulary: ActionVocabulary,
  rules: LifecycleRules,
  authority: ScopeAuthority | ProductAuthority | undefined,
  what: 'access' | 'exception',
  productRules?: ProductLifecycleRules,
): void {
  if (identity.status !== 'active')
    throw new MandateError('INVALID_TRANSITION', `identity ${identity.id} is ${identity.status}: nothing can be granted to it`, {
      field: '/identity',
    });
  if (identity.break_glass)
    throw new MandateError(
      'VALIDATION_FAILED',
      `identity ${identity.id} is a break-glass identity: unseal it instead (POST /v1/break-glass/${identity.id}/unseal)`,
      { field: '/identity' },
    );
  actions.forEach((a, i) => {
    const cls = vocabulary.classOf(a);
    if (!cls) throw new MandateError('VALIDATION_FAILED', `action ${a} is not in the vocabulary`, { field: `/actions/${i}` });
    if (cls !== 'observe' && identity.capability === 'observe')
      throw new MandateError(
        'VALIDATION_FAILED',
        `identity ${identity.id} is observe-only and never executes: ${a} cannot be ${what === 'access' ? 'granted' : 'excepted'}`,
        { field: `/actions/${i}` },
      );
    if (isProductScope(scope)) {
      // A product scope (CRA): only product actions, lawful under the product rules (an
      // `approval` verdict is what a just-in-time grant is for: it stays grantable).
      if (!PRODUCT_ACTIONS.has(a))
        throw new MandateError('VALIDATION_FAILED', `${a} is not an action of a product scope`, { field: `/actions/${i}` });
      const product = authority as ProductAuthority | undefined;
      if (!product) throw new MandateError('NOT_FOUND', `no product ${scope.product}`, { field: '/scope/product' });
      const v = productRules ? productVerdict(productRules, ruleSubject(identity), scope, product, a, cls) : { lawful: false, by: 'none' };
      if (!v.lawful)
        throw new MandateError(
          'SCOPE_NOT_LAWFUL',
          `${a} is not lawful in ${scopeKey(scope)}: product ${product.id} is ${product.status} (lifecycle ${v.by}); ` +
            'no grant reaches past the product rules',
          { field: `/actions/${i}` },
        );
      return;
    }
    const mica = authority as ScopeAuthority | undefined;
    const verdict = actionVerdict(
      rules as never,
      ruleSubject(identity),
      scope,
      mica?.status ?? 'none',
      mica?.conditions?.denied_actions,
      a,
      cls,
    );
    if (!verdict.lawful) {
      const held = mica ? `authorisation ${mica.id} is ${mica.status}` : 'the firm holds no authorisation there';
      throw new MandateError(
        'SCOPE_NOT_LAWFUL',
        `${a} is not lawful in ${scopeKey(scope)}: ${held} (lifecycle ${verdict.by}); no grant reaches past the licence`,
        { field: `/actions/${i}` },
      );
    }
  });
}

export function checkDuration(identity: Identity, seconds: number): void {
  const cap = ACCESS_DURATION_CAPS[identity.function];
  if (seconds > cap)
    throw new MandateError('VALIDATION_FAILED', `duration ${seconds} s is over the cap for ${identity.function} identities (${cap} s)`, {
      field: '/duration_seconds',
    });
}
