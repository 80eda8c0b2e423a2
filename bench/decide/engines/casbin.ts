// casbin (node-casbin), enforceSync, in-process, as ABAC over the request's objects. Two models:
//   - "ABAC eval rules": the policy is data — each row an attribute rule evaluated with eval(),
//     deny rows overriding allow rows (casbin's documented ABAC-with-policy-rules pattern);
//   - "ABAC matcher": the whole rule in the model's matcher, one policy row.
// Both are checked against expected(); the table shows both. `has` is a registered function
// because casbin's `in` operator binds looser than && and its bracket rewriting breaks parentheses.
import { newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import { createRequire } from 'node:module';
import type { Engine, SyncMode } from '../engine.js';
import type { Scenario } from '../scenario.js';

const EVAL_MODEL = `
[request_definition]
r = sub, obj, act, ctx

[policy_definition]
p = rule, group, eft

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = (p.group == "any" || p.group == r.act.group) && eval(p.rule)
`;

/** [rule, action group ("observe" | "execute" | "any"), effect] */
const EVAL_POLICY: [string, string, string][] = [
  ['r.sub.status != "active"', 'any', 'deny'],
  ['r.sub.capability == "observe"', 'execute', 'deny'],
  ['!r.ctx.lawful', 'execute', 'deny'],
  ['has(r.sub.actions, r.act.id) && has(r.sub.scopes, r.obj.scope)', 'observe', 'allow'],
  [
    'r.sub.capability == "execute" && has(r.sub.actions, r.act.id) && has(r.sub.scopes, r.obj.scope) && r.ctx.attested && ' +
      'r.ctx.device_posture == "compliant" && r.ctx.environment == r.sub.environment',
    'execute',
    'allow',
  ],
];

// The matcher of the model below, one line in casbin's model text.
const MATCHER = [
  'r.sub.status == "active"',
  'has(r.sub.actions, r.act.id)',
  'has(r.sub.scopes, r.obj.scope)',
  '(r.act.group == "observe" || r.ctx.lawful && r.sub.capability == "execute" && r.ctx.attested && r.ctx.device_posture == "compliant"' +
    ' && r.ctx.environment == r.sub.environment)',
].join(' && ');

const MATCHER_MODEL = `
[request_definition]
r = sub, obj, act, ctx

[policy_definition]
p = eft

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = ${MATCHER}
`;

const has = (list: unknown, x: unknown) => Array.isArray(list) && list.includes(x);

/** The request's arguments in casbin's shape, built once per request (not timed). */
function argsOf(scenario: Scenario) {
  return scenario.requests.map(
    ({ peer }) =>
      [
        peer.principal,
        { scope: peer.resource.scope, state: peer.resource.state },
        { id: peer.action, group: peer.execute ? 'execute' : 'observe' },
        { ...peer.context, lawful: peer.lawful },
      ] as const,
  );
}

async function enforcer(model: string, policy: string[][]): Promise<Enforcer> {
  const e = await newEnforcer(newModelFromString(model));
  await e.addFunction('has', has);
  for (const row of policy) await e.addPolicy(...row);
  return e;
}

const engine: Engine = {
  id: 'casbin',
  name: `casbin ${(createRequire(import.meta.url)('casbin/package.json') as { version: string }).version}`,
  order: 20,
  async start(scenario) {
    const args = argsOf(scenario);
    const evalRules = await enforcer(EVAL_MODEL, EVAL_POLICY);
    const matcher = await enforcer(MATCHER_MODEL, [['allow']]);
    const mode = (name: string, e: Enforcer): SyncMode => ({
      kind: 'sync',
      mode: name,
      decide: (i) => {
        const a = args[i]!;
        return e.enforceSync(a[0], a[1], a[2], a[3]);
      },
    });
    return {
      modes: [mode('in-process, ABAC eval rules', evalRules), mode('in-process, ABAC matcher', matcher)],
      notes: [`casbin: enforceSync over plain objects; eval-rules model has ${EVAL_POLICY.length} policy rows (3 deny, 2 allow)`],
      stop: () => {},
    };
  },
};
export default engine;
