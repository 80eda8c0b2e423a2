// How a Mandate decision request looks to Cedar: the principal (Mandate::Identity or
// Mandate::Person), the action (Mandate::Action, in its class groups), the resource
// (Mandate::Resource with its scope and the scope's authorisation state) and the context. This
// JSON form is what cedar-wasm (the reference) is given in policy tests, differential tests and
// benchmarks; the compiled hot path builds the same entities directly.
import type { ActionClass } from './decision/lifecycle.js';
import { resourcePlace, type DecisionContext, type DecisionResource, type PrincipalFacts } from './decision/types.js';

export const NS = 'Mandate';
export const ACTION_TYPE = `${NS}::Action`;
export const IDENTITY_TYPE = `${NS}::Identity`;
export const PERSON_TYPE = `${NS}::Person`;
export const ROLE_TYPE = `${NS}::Role`;
export const RESOURCE_TYPE = `${NS}::Resource`;

/** The groups an action belongs to, by class. */
export function actionGroups(cls: ActionClass): string[] {
  return cls === 'observe' ? ['observe'] : [cls, 'execute'];
}

export function resourceId(r: DecisionResource, scope: string): string {
  return `${r.kind ?? 'scope'}:${r.id ?? scope}`;
}

export interface CedarJsonRequest {
  principal: { type: string; id: string };
  action: { type: string; id: string };
  resource: { type: string; id: string };
  context: Record<string, unknown>;
  entities: { uid: { type: string; id: string }; attrs: Record<string, unknown>; parents: { type: string; id: string }[] }[];
}

export function cedarJsonRequest(
  principal: PrincipalFacts,
  action: string,
  cls: ActionClass,
  resource: DecisionResource,
  scope: string,
  state: string,
  context: DecisionContext,
): CedarJsonRequest {
  const entities: CedarJsonRequest['entities'] = [];
  const p = { type: principal.type === 'identity' ? IDENTITY_TYPE : PERSON_TYPE, id: principal.id };
  if (principal.type === 'identity') {
    entities.push({
      uid: p,
      attrs: {
        kind: principal.kind,
        function: principal.function,
        capability: principal.capability,
        environment: principal.environment,
        vendor: principal.vendor,
        break_glass: principal.break_glass,
        legacy: principal.legacy,
        actions: principal.actions.map((id) => ({ __entity: { type: ACTION_TYPE, id } })),
        scopes: [...principal.scopes],
      },
      parents: [],
    });
  } else {
    entities.push({ uid: p, attrs: { roles: [...principal.roles] }, parents: principal.roles.map((id) => ({ type: ROLE_TYPE, id })) });
    for (const id of principal.roles) entities.push({ uid: { type: ROLE_TYPE, id }, attrs: {}, parents: [] });
  }
  const a = { type: ACTION_TYPE, id: action };
  entities.push({ uid: a, attrs: {}, parents: actionGroups(cls).map((id) => ({ type: ACTION_TYPE, id })) });
  for (const g of actionGroups(cls)) entities.push({ uid: { type: ACTION_TYPE, id: g }, attrs: {}, parents: [] });
  const r = { type: RESOURCE_TYPE, id: resourceId(resource, scope) };
  entities.push({
    uid: r,
    attrs: {
      ...resourcePlace(resource),
      scope,
      kind: resource.kind ?? 'scope',
      state,
    },
    parents: [],
  });
  const ctx: Record<string, unknown> = {
    attested: context.attested,
    device_posture: context.device_posture,
    session_purpose: context.session_purpose,
    environment: context.environment,
  };
  if (context.amount !== undefined) ctx.amount = context.amount;
  if (context.mfa !== undefined) ctx.mfa = context.mfa;
  if (context.session_age_seconds !== undefined) ctx.session_age_seconds = context.session_age_seconds;
  if (context.acr !== undefined) ctx.acr = context.acr;
  return { principal: p, action: a, resource: r, context: ctx, entities };
}
