// cedar-wasm (the Cedar authorizer compiled to WebAssembly, Node build), in-process, over
// Mandate's default Cedar policies (policies/cedar/mandate-default.cedar) plus bench-only forbid
// policies for the built-ins Mandate applies to every decision. @obligation policies are dropped:
// they never grant or deny, they only attach obligations to allows.
//
// Two engines from this file, each in its own child process (cedar-wasm 4.13 on Node 20 is
// known to die with a V8 fatal error after many calls and a GC; the child contains that):
//   - cedar-wasm: preparsePolicySet once, statefulIsAuthorized per call (the faster; default);
//   - cedar-wasm-text: isAuthorized with the policy text in every call (parsed each time); only
//     with --engines cedar-wasm-text or --all, as it doubles the run time.
// Entities per call: the principal, the resource and the action (with its parents: its class
// group and, for non-observe actions, Mandate::Action::"execute"), each built once and shared.
import { readFileSync } from 'node:fs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { DEFAULT_ACTIONS } from '../../../src/core/vocabulary.js';
import type { Engine, SyncMode } from '../engine.js';
import type { PeerPrincipal, PeerRequest, Scenario } from '../scenario.js';

const POLICY_FILE = new URL('../../../policies/cedar/mandate-default.cedar', import.meta.url);
const VERSION = cedar.getCedarSDKVersion();

/** The built-ins as Cedar, over bench-only attributes (principal.status, context.lawful). */
const BUILT_INS: Record<string, string> = {
  'bench-inactive-principal': 'forbid (principal, action, resource) when { principal has status && principal.status != "active" };',
  'bench-observe-never-executes':
    'forbid (principal, action in Mandate::Action::"execute", resource) when { principal has capability && principal.capability == ' +
    '"observe" };',
  'bench-not-lawful': 'forbid (principal, action in Mandate::Action::"execute", resource) unless { context has lawful && context.lawful };',
};

/** Mandate's default policies without the @obligation ones, keyed by their @id, plus the built-ins. */
export function benchPolicies(): Record<string, string> {
  const parts = cedar.policySetTextToParts(readFileSync(POLICY_FILE, 'utf8'));
  if (parts.type !== 'success') throw new Error(`mandate-default.cedar: ${parts.errors.map((e) => e.message).join('; ')}`);
  const out: Record<string, string> = {};
  parts.policies.forEach((text, n) => {
    if (/@obligation\s*\(/.test(text)) return;
    out[/@id\s*\(\s*"([^"]+)"/.exec(text)?.[1] ?? `policy${n}`] = text;
  });
  return { ...out, ...BUILT_INS };
}

type Uid = { type: string; id: string };
type EntityJson = { uid: Uid; attrs: Record<string, cedar.CedarValueJson>; parents: Uid[] };

const actionUid = (id: string): Uid => ({ type: 'Mandate::Action', id });

/** The per-request calls, prebuilt (not timed), entities shared between calls. */
function calls(scenario: Scenario) {
  const actions = new Map<string, EntityJson>();
  for (const a of DEFAULT_ACTIONS) {
    const parents = [actionUid(a.class), ...(a.class === 'observe' ? [] : [actionUid('execute')])];
    actions.set(a.id, { uid: actionUid(a.id), attrs: {}, parents });
  }
  const principals = new Map<string, EntityJson>();
  const principalOf = (p: PeerPrincipal): EntityJson => {
    let e = principals.get(p.id);
    if (!e) {
      e = {
        uid: { type: 'Mandate::Identity', id: p.id },
        attrs: {
          kind: p.kind,
          function: p.function,
          capability: p.capability,
          environment: p.environment,
          vendor: p.vendor,
          break_glass: p.break_glass,
          status: p.status,
          actions: p.actions.map((a) => ({ __entity: actionUid(a) })),
          scopes: p.scopes,
        },
        parents: [],
      };
      principals.set(p.id, e);
    }
    return e;
  };
  const resources = new Map<string, EntityJson>();
  const resourceOf = (r: PeerRequest['resource']): EntityJson => {
    let e = resources.get(r.id);
    if (!e) {
      e = {
        uid: { type: 'Mandate::Resource', id: r.id },
        attrs: { entity: r.entity, service: r.service, jurisdiction: r.jurisdiction, scope: r.scope, kind: r.kind, state: r.state },
        parents: [],
      };
      resources.set(r.id, e);
    }
    return e;
  };
  return scenario.requests.map(({ peer }) => {
    const p = principalOf(peer.principal);
    const r = resourceOf(peer.resource);
    const a = actions.get(peer.action)!;
    const context: Record<string, cedar.CedarValueJson> = { ...peer.context, lawful: peer.lawful };
    return { principal: p.uid, action: a.uid, resource: r.uid, context, entities: [p, r, a] };
  });
}

function decision(answer: cedar.AuthorizationAnswer): boolean {
  if (answer.type !== 'success') throw new Error(`cedar: ${answer.errors.map((e) => e.message).join('; ')}`);
  return answer.response.decision === 'allow';
}

const preparsed: Engine = {
  id: 'cedar-wasm',
  name: `cedar-wasm ${VERSION}`,
  order: 10,
  async start(scenario) {
    const policies = benchPolicies();
    const ok = cedar.preparsePolicySet('bench', { staticPolicies: policies });
    if (ok.type !== 'success') throw new Error(`preparsePolicySet: ${ok.errors.map((e) => e.message).join('; ')}`);
    const prebuilt = calls(scenario).map((c) => ({ ...c, preparsedPolicySetId: 'bench' }));
    const mode: SyncMode = {
      kind: 'sync',
      mode: 'in-process, preparsed (statefulIsAuthorized)',
      decide: (i) => decision(cedar.statefulIsAuthorized(prebuilt[i]!)),
    };
    return {
      modes: [mode],
      notes: [
        `cedar-wasm ${VERSION} (Cedar ${cedar.getCedarVersion()}): policies ${Object.keys(policies).join(', ')}; 3 entities per call ` +
          '(principal, resource, action with parents)',
      ],
      stop: () => {},
    };
  },
};

const text: Engine = {
  id: 'cedar-wasm-text',
  name: `cedar-wasm ${VERSION}`,
  order: 11,
  byDefault: false,
  async start(scenario) {
    const policies = { staticPolicies: benchPolicies() };
    const prebuilt = calls(scenario).map((c) => ({ ...c, policies }));
    const mode: SyncMode = {
      kind: 'sync',
      mode: 'in-process, policy text per call (isAuthorized)',
      decide: (i) => decision(cedar.isAuthorized(prebuilt[i]!)),
    };
    return { modes: [mode], stop: () => {} };
  },
};

export default [preparsed, text];
