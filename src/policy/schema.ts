// The Cedar schema of Mandate's entities and actions, made from the action vocabulary in force (the
// defaults plus a firm's own actions), so a firm's policies are validated against exactly the
// actions its identities can hold. Actions are grouped by class: `observe`, `new_business`,
// `return_path`, and `execute` (both of the latter), so policies can say `action in
// Mandate::Action::"execute"`.
import type { ActionDefinition } from '../core/vocabulary.js';

export const NAMESPACE = 'Mandate';
export const ACTION_GROUPS = ['observe', 'execute', 'new_business', 'return_path'] as const;

const str = { type: 'String' } as const;
const bool = { type: 'Boolean' } as const;

export function cedarSchema(actions: readonly ActionDefinition[]): Record<string, unknown> {
  const context = {
    type: 'Record',
    attributes: {
      attested: bool,
      device_posture: str,
      session_purpose: str,
      environment: str,
      amount: { type: 'Long', required: false },
      // A person's sign-in, present only for a session principal (src/core/session-facts.ts).
      mfa: { type: 'Boolean', required: false },
      session_age_seconds: { type: 'Long', required: false },
      acr: { type: 'String', required: false },
    },
  };
  const appliesTo = { principalTypes: ['Identity', 'Person'], resourceTypes: ['Resource'], context };
  const groups = Object.fromEntries(ACTION_GROUPS.map((g) => [g, {}]));
  const defined = Object.fromEntries(
    actions.map((a) => [
      a.id,
      {
        memberOf: (a.class === 'observe' ? ['observe'] : [a.class, 'execute']).map((id) => ({ id })),
        appliesTo,
      },
    ]),
  );
  return {
    [NAMESPACE]: {
      entityTypes: {
        Identity: {
          shape: {
            type: 'Record',
            attributes: {
              kind: str,
              function: str,
              capability: str,
              environment: str,
              vendor: bool,
              break_glass: bool,
              legacy: bool,
              actions: { type: 'Set', element: { type: 'Entity', name: 'Action' } },
              scopes: { type: 'Set', element: str },
            },
          },
        },
        Role: {},
        Person: { memberOfTypes: ['Role'], shape: { type: 'Record', attributes: { roles: { type: 'Set', element: str } } } },
        Resource: {
          shape: {
            type: 'Record',
            attributes: { entity: str, service: str, jurisdiction: str, scope: str, kind: str, state: str },
          },
        },
      },
      actions: { ...groups, ...defined },
    },
  };
}

/** The same schema as Cedar's human-readable schema syntax, for people and `mandate policy schema`. */
export function cedarSchemaText(actions: readonly ActionDefinition[]): string {
  const lines = [
    `namespace ${NAMESPACE} {`,
    '  entity Identity = { kind: String, function: String, capability: String, environment: String, vendor: Bool, break_glass: Bool, ' +
      'legacy: Bool, actions: Set<Action>, scopes: Set<String> };',
    '  entity Role;',
    '  entity Person in [Role] = { roles: Set<String> };',
    '  entity Resource = { entity: String, service: String, jurisdiction: String, scope: String, kind: String, state: String };',
    '  type RequestContext = { attested: Bool, device_posture: String, session_purpose: String, environment: String, amount?: Long, ' +
      'mfa?: Bool, session_age_seconds?: Long, acr?: String };',
    ...ACTION_GROUPS.map((g) => `  action "${g}";`),
    ...actions.map(
      (a) =>
        `  action "${a.id}" in [${(a.class === 'observe' ? ['observe'] : [a.class, 'execute']).map((g) => `"${g}"`).join(', ')}] ` +
        'appliesTo { principal: [Identity, Person], resource: [Resource], context: RequestContext };',
    ),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}
