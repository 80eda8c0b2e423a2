// Rule tests: fixtures of authorisation state + identity → expected outcome, run against a rules
// document with the same engine the cascade uses. A firm keeps them beside its rules.
import { Type, type Static } from '@sinclair/typebox';
import type { Issue } from './errors.js';
import { decidePower, lawfulActions, type AuthorityLookup, type LifecycleRules, type Outcome } from './lifecycle.js';
import { Enum, type Identity } from './model.js';
import { ajvIssues, compileBody } from './schema.js';
import {
  AUTHORISATION_STATUSES,
  CAPABILITIES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  defaultActionsFor,
  type ActionVocabulary,
} from './vocabulary.js';

const ScopeText = Type.String({ pattern: '^[A-Za-z0-9._:@-]+/[a-z_]+/[A-Z]{2}$', description: 'entity/service/jurisdiction' });

export const RuleTests = Type.Object(
  {
    version: Type.Literal(1),
    tests: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 300 }),
          authorisations: Type.Array(
            Type.Object(
              {
                scope: ScopeText,
                status: Enum(AUTHORISATION_STATUSES),
                denied_actions: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
              },
              { additionalProperties: false },
            ),
            { maxItems: 200 },
          ),
          identity: Type.Object(
            {
              function: Enum(IDENTITY_FUNCTIONS),
              capability: Enum(CAPABILITIES),
              scopes: Type.Array(ScopeText, { minItems: 1, maxItems: 200 }),
              actions: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
              kind: Type.Optional(Enum(IDENTITY_KINDS)),
              environment: Type.Optional(Enum(ENVIRONMENTS)),
              vendor: Type.Optional(Type.Boolean()),
              break_glass: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          expect: Type.Object(
            {
              outcome: Enum(['keep', 'narrow', 'suspend'] as const),
              lawful: Type.Optional(Type.Record(ScopeText, Type.Array(Type.String({ maxLength: 64 })))),
              decided_by: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 64 }))),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 2000 },
    ),
  },
  { additionalProperties: false },
);
export type RuleTests = Static<typeof RuleTests>;

export interface RuleTestResult {
  name: string;
  passed: boolean;
  outcome: Outcome;
  failures: string[];
}

function parseScope(text: string) {
  const [entity, service, jurisdiction] = text.split('/') as [string, string, string];
  return { entity, service, jurisdiction } as Identity['scopes'][number];
}

export function checkRuleTests(doc: unknown): { tests?: RuleTests; issues: Issue[] } {
  const validate = compileBody(RuleTests);
  return validate(doc) ? { tests: doc as RuleTests, issues: [] } : { issues: ajvIssues(validate.errors) };
}

export function runRuleTests(rules: LifecycleRules, tests: RuleTests, vocabulary: ActionVocabulary): RuleTestResult[] {
  return tests.tests.map((t) => {
    const states = new Map(
      t.authorisations.map((a, n) => [
        a.scope,
        { id: `test-${n}`, status: a.status, conditions: { denied_actions: a.denied_actions ?? [] } },
      ]),
    );
    const lookup: AuthorityLookup = (s) => states.get(`${s.entity}/${s.service}/${s.jurisdiction}`);
    const i = t.identity;
    const identity: Identity = {
      id: 'test-identity',
      kind: i.kind ?? 'service_account',
      function: i.function,
      capability: i.capability,
      environment: i.environment ?? 'production',
      scopes: i.scopes.map(parseScope),
      actions: i.actions ?? defaultActionsFor(i.function, i.capability, vocabulary),
      status: 'active',
      break_glass: i.break_glass ?? false,
      labels: {},
      credential: { type: 'short_lived', created: '2026-01-01' },
      ...(i.vendor ? { vendor: 'test-vendor' } : {}),
    };
    const decision = decidePower(identity, lookup, rules, vocabulary);
    const failures: string[] = [];
    if (decision.outcome !== t.expect.outcome)
      failures.push(`outcome: expected ${t.expect.outcome}, got ${decision.outcome} (${decision.why})`);
    if (t.expect.lawful) {
      const got = Object.fromEntries(
        lawfulActions(decision).map((p) => [`${p.scope.entity}/${p.scope.service}/${p.scope.jurisdiction}`, [...p.actions].sort()]),
      );
      const want = Object.fromEntries(Object.entries(t.expect.lawful).map(([k, v]) => [k, [...v].sort()]));
      if (JSON.stringify(got, Object.keys(got).sort()) !== JSON.stringify(want, Object.keys(want).sort()))
        failures.push(`lawful: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
    for (const [action, ruleId] of Object.entries(t.expect.decided_by ?? {})) {
      const by = decision.scopes.flatMap((s) => s.verdicts).find((v) => v.action === action)?.by;
      if (by !== ruleId) failures.push(`${action}: expected decided by ${ruleId}, got ${by ?? 'no verdict'}`);
    }
    return { name: t.name, passed: failures.length === 0, outcome: decision.outcome, failures };
  });
}
