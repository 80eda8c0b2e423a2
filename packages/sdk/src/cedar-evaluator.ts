// The firm's Cedar policies as the decision engine uses them: compiled to closures once (see
// ./cedar), evaluated per request over entities built straight from the request's facts, no
// JSON on the way. What is stable is built once and cached: an identity's entity for as long as
// its facts object lives (a verified token's), an action with its groups, a resource per scope
// and state. Policies annotated @obligation are kept apart: they never grant or deny; when one
// matches an allowed request its obligation goes with the answer.
import {
  cedarRecord, cedarSet, compilePolicySet, entityUid, makeEntity,
  type CedarValue, type Entity, type EntityStore, type EntityUid, type PolicyJson,
} from './cedar/index.js';
import { ACTION_TYPE, actionGroups, IDENTITY_TYPE, PERSON_TYPE, RESOURCE_TYPE, resourceId, ROLE_TYPE } from './cedar-request.js';
import type { PolicyEvaluator } from './decision/engine.js';
import type { ActionClass } from './decision/lifecycle.js';
import type { DecisionContext, DecisionResource, PrincipalFacts } from './decision/types.js';

const RESOURCE_CACHE = 10_000;

export function cedarEvaluator(items: readonly { id: string; est: PolicyJson }[]): PolicyEvaluator {
  const deciding = compilePolicySet(items.filter((p) => !p.est.annotations?.obligation).map((p) => ({ id: p.id, policy: p.est })));
  const obligationPolicies = items.filter((p) => p.est.annotations?.obligation);
  const obligationOf = new Map(obligationPolicies.map((p) => [p.id, String(p.est.annotations!.obligation)]));
  const obliging = compilePolicySet(obligationPolicies.map((p) => ({ id: p.id, policy: p.est })));

  // Entities that do not depend on the request: action groups and roles.
  const fixed = new Map<string, Entity>();
  const fixedEntity = (uid: EntityUid): Entity => {
    let e = fixed.get(uid.key);
    if (!e) fixed.set(uid.key, (e = makeEntity(uid)));
    return e;
  };
  const actions = new Map<string, Entity>();
  const actionEntity = (action: string, cls: ActionClass): Entity => {
    const key = `${action}\u0000${cls}`;
    let e = actions.get(key);
    if (!e) {
      const parents = actionGroups(cls).map((g) => fixedEntity(entityUid(ACTION_TYPE, g)).uid);
      actions.set(key, (e = makeEntity(entityUid(ACTION_TYPE, action), { parents })));
    }
    return e;
  };
  const principals = new WeakMap<PrincipalFacts, Entity>();
  const principalEntity = (p: PrincipalFacts): Entity => {
    let e = principals.get(p);
    if (e) return e;
    if (p.type === 'identity') {
      e = makeEntity(entityUid(IDENTITY_TYPE, p.id), {
        attrs: {
          kind: p.kind, function: p.function, capability: p.capability, environment: p.environment,
          vendor: p.vendor, break_glass: p.break_glass, legacy: p.legacy,
          actions: cedarSet(p.actions.map((a) => entityUid(ACTION_TYPE, a))),
          scopes: cedarSet(p.scopes),
        },
      });
    } else {
      e = makeEntity(entityUid(PERSON_TYPE, p.id), {
        attrs: { roles: cedarSet(p.roles) },
        parents: p.roles.map((r) => fixedEntity(entityUid(ROLE_TYPE, r)).uid),
      });
    }
    principals.set(p, e);
    return e;
  };
  let resources = new Map<string, Entity>();
  const resourceEntity = (r: DecisionResource, scope: string, state: string): Entity => {
    const id = resourceId(r, scope);
    const key = `${id}\u0000${scope}\u0000${state}`;
    let e = resources.get(key);
    if (!e) {
      if (resources.size >= RESOURCE_CACHE) resources = new Map();
      e = makeEntity(entityUid(RESOURCE_TYPE, id), {
        attrs: { entity: r.entity, service: r.service, jurisdiction: r.jurisdiction, scope, kind: r.kind ?? 'scope', state },
      });
      resources.set(key, e);
    }
    return e;
  };

  return {
    evaluate(principal, action, cls, resource, scope, state, context: DecisionContext) {
      const p = principalEntity(principal);
      const a = actionEntity(action, cls);
      const r = resourceEntity(resource, scope, state);
      const store: EntityStore = {
        get: (key) => (key === p.uid.key ? p : key === r.uid.key ? r : key === a.uid.key ? a : fixed.get(key)),
      };
      const ctx: Record<string, CedarValue> = {
        attested: context.attested, device_posture: context.device_posture, session_purpose: context.session_purpose, environment: context.environment,
      };
      if (context.amount !== undefined) ctx.amount = context.amount;
      const request = { principal: p.uid, action: a.uid, resource: r.uid, context: cedarRecord(ctx) };
      const res = deciding.authorize(request, store);
      const allow = res.decision === 'allow';
      const obligations = allow && obligationOf.size
        ? obliging.authorize(request, store).reasons.map((id) => ({ type: obligationOf.get(id)!, policy: id }))
        : [];
      return { allow, determining: res.reasons, errors: res.errors, obligations };
    },
  };
}
