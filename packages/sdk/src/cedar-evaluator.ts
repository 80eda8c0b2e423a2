// The firm's Cedar policies as the decision engine uses them: compiled to closures once (see
// ./cedar), evaluated per request over entities built straight from the request's facts, no
// JSON on the way. What is stable is built once and cached: an identity's entity for as long as
// its facts object lives (a verified token's), an action with its groups, a resource per scope
// and state. Policies annotated @obligation are kept apart: they never grant or deny; when one
// matches an allowed request its obligation goes with the answer.
import {
  CedarRecord,
  cedarSet,
  compilePolicySet,
  entityUid,
  long,
  makeEntity,
  type AuthorizationRequest,
  type CedarValue,
  type Entity,
  type EntityStore,
  type EntityUid,
  type PolicyJson,
} from './cedar/index.js';
import { ACTION_TYPE, actionGroups, IDENTITY_TYPE, PERSON_TYPE, RESOURCE_TYPE, resourceId, ROLE_TYPE } from './cedar-request.js';
import type { PolicyEvaluator } from './decision/engine.js';
import type { ActionClass } from './decision/lifecycle.js';
import { resourcePlace, type DecisionContext, type DecisionResource, type PrincipalFacts } from './decision/types.js';

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
  const actions = new Map<string, { cls: ActionClass; entity: Entity }>();
  const actionEntity = (action: string, cls: ActionClass): Entity => {
    const known = actions.get(action);
    if (known && known.cls === cls) return known.entity;
    const parents = actionGroups(cls).map((g) => fixedEntity(entityUid(ACTION_TYPE, g)).uid);
    const entity = makeEntity(entityUid(ACTION_TYPE, action), { parents });
    actions.set(action, { cls, entity });
    return entity;
  };
  const principals = new WeakMap<PrincipalFacts, Entity>();
  const principalEntity = (p: PrincipalFacts): Entity => {
    let e = principals.get(p);
    if (e) return e;
    if (p.type === 'identity') {
      e = makeEntity(entityUid(IDENTITY_TYPE, p.id), {
        attrs: {
          kind: p.kind,
          function: p.function,
          capability: p.capability,
          environment: p.environment,
          vendor: p.vendor,
          break_glass: p.break_glass,
          legacy: p.legacy,
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
  // scope → state → kind[:id] → entity: nested so that the common case (a resource named by its
  // scope and kind) builds no key string at all.
  let resources = new Map<string, Map<string, Map<string, Entity>>>();
  let cached = 0;
  const resourceEntity = (r: DecisionResource, scope: string, state: string): Entity => {
    const local = r.id === undefined ? (r.kind ?? 'scope') : resourceId(r, scope);
    let byState = resources.get(scope);
    if (!byState) resources.set(scope, (byState = new Map()));
    let byId = byState.get(state);
    if (!byId) byState.set(state, (byId = new Map()));
    let e = byId.get(local);
    if (!e) {
      if (++cached > RESOURCE_CACHE) {
        resources = new Map();
        cached = 0;
      }
      e = makeEntity(entityUid(RESOURCE_TYPE, resourceId(r, scope)), {
        attrs: { ...resourcePlace(r), scope, kind: r.kind ?? 'scope', state },
      });
      byId.set(local, e);
    }
    return e;
  };
  const store = new RequestEntities(fixed);
  const ctxAttrs = new Map<string, CedarValue>();
  const request: AuthorizationRequest = {
    principal: entityUid(ACTION_TYPE, 'none'),
    action: entityUid(ACTION_TYPE, 'none'),
    resource: entityUid(ACTION_TYPE, 'none'),
    context: new CedarRecord(ctxAttrs),
  };

  return {
    evaluate(principal, action, cls, resource, scope, state, context: DecisionContext) {
      store.p = principalEntity(principal);
      store.a = actionEntity(action, cls);
      store.r = resourceEntity(resource, scope, state);
      // The context's values are typed by the request schema (booleans, bounded strings); the
      // amount is the one value that must be checked as a Cedar long. The map and the request
      // are reused: evaluation is synchronous and keeps neither.
      ctxAttrs.set('attested', context.attested);
      ctxAttrs.set('device_posture', context.device_posture);
      ctxAttrs.set('session_purpose', context.session_purpose);
      ctxAttrs.set('environment', context.environment);
      if (context.amount !== undefined) ctxAttrs.set('amount', long(context.amount));
      else ctxAttrs.delete('amount');
      // A person's sign-in facts (a session principal's): present only when a session proved them.
      if (context.mfa !== undefined) ctxAttrs.set('mfa', context.mfa);
      else ctxAttrs.delete('mfa');
      if (context.session_age_seconds !== undefined) ctxAttrs.set('session_age_seconds', long(context.session_age_seconds));
      else ctxAttrs.delete('session_age_seconds');
      if (context.acr !== undefined) ctxAttrs.set('acr', context.acr);
      else ctxAttrs.delete('acr');
      request.principal = store.p.uid;
      request.action = store.a.uid;
      request.resource = store.r.uid;
      const res = deciding.authorize(request, store);
      const allow = res.decision === 'allow';
      const obligations =
        allow && obligationOf.size
          ? obliging.authorize(request, store).reasons.map((id) => ({ type: obligationOf.get(id)!, policy: id }))
          : NONE;
      return { allow, determining: res.reasons, errors: res.errors, obligations };
    },
  };
}

/** The request's principal, action and resource, then the fixed entities (groups, roles). */
class RequestEntities implements EntityStore {
  p!: Entity;
  r!: Entity;
  a!: Entity;
  constructor(private readonly fixed: ReadonlyMap<string, Entity>) {}
  get(key: string): Entity | undefined {
    return key === this.p.uid.key ? this.p : key === this.r.uid.key ? this.r : key === this.a.uid.key ? this.a : this.fixed.get(key);
  }
}

const NONE: readonly { type: string; policy: string }[] = Object.freeze([]);
