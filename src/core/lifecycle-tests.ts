// Rule tests: fixtures of authorisation state + identity → expected outcome, run against a rules
// document with the same engine the cascade uses. A firm keeps them beside its rules.
import { Type, type Static } from '@sinclair/typebox';
import type { Issue } from './errors.js';
import {
  decidePower,
  lawfulActions,
  productKey,
  scopeKey,
  SCOPE_STATES,
  type AuthorityLookup,
  type LifecycleRules,
  type Outcome,
  type ProductAuthority,
  type ProductLifecycleRules,
  type ScopeAuthority,
} from './lifecycle.js';
import { Enum, isProductScope, type Identity, type Scope } from './model.js';
import { ajvIssues, compileBody } from './schema.js';
import {
  AUTHORISATION_STATUSES,
  CAPABILITIES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  PRODUCT_CATEGORIES,
  PRODUCT_STATUSES,
  defaultActionsFor,
  type ActionVocabulary,
} from './vocabulary.js';

const ScopeText = Type.String({
  pattern: '^([A-Za-z0-9._:@-]+/[a-z_]+/[A-Z]{2}|product:[A-Za-z0-9._:@-]+(/[a-z0-9._-]+)?)$',
  description: 'entity/service/jurisdiction, or product:<id>[/<channel>]',
});

export const RuleTests = Type.Object(
  {
    version: Type.Literal(1),
    tests: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 300 }),
          authorisations: Type.Optional(
            Type.Array(
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
          ),
          // Products (CRA) the identity's product scopes name; a product not listed is state `none`.
          products: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  id: Type.String({ maxLength: 128 }),
                  status: Enum(PRODUCT_STATUSES),
                  category: Type.Optional(Enum(PRODUCT_CATEGORIES)),
                  exploited_vulnerability: Type.Optional(Type.Boolean()),
                },
                { additionalProperties: false },
              ),
              { maxItems: 200 },
            ),
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

function parseScope(text: string): Scope {
  if (text.startsWith('product:')) {
    const [product, channel] = text.slice('product:'.length).split('/') as [string, string | undefined];
    return channel ? { product, channel } : { product };
  }
  const [entity, service, jurisdiction] = text.split('/') as [string, string, string];
  return { entity, service, jurisdiction } as Scope;
}

/** MiCA rules for tests of product rules, which name no authorisation: observe only. */
const NO_MICA: LifecycleRules = {
  version: 1,
  id: 'none',
  description: 'no MiCA scope in product rule tests',
  table: Object.fromEntries(
    SCOPE_STATES.map((s) => [s, { observe: 'allow', new_business: 'deny', return_path: 'deny' }]),
  ) as LifecycleRules['table'],
  rules: [],
};

export function checkRuleTests(doc: unknown): { tests?: RuleTests; issues: Issue[] } {
  const validate = compileBody(RuleTests);
  return validate(doc) ? { tests: doc as RuleTests, issues: [] } : { issues: ajvIssues(validate.errors) };
}

/** Runs rule tests against MiCA rules, or against product rules (CRA, `regime: cra`). */
export function runRuleTests(
  rules: LifecycleRules | ProductLifecycleRules,
  tests: RuleTests,
  vocabulary: ActionVocabulary,
): RuleTestResult[] {
  const cra = 'regime' in rules ? rules : undefined;
  const mica = cra ? NO_MICA : (rules as LifecycleRules);
  return tests.tests.map((t) => {
    const states = new Map<string, ScopeAuthority | ProductAuthority>(
      (t.authorisations ?? []).map((a, n) => [
        a.scope,
        { id: `test-${n}`, status: a.status, conditions: { denied_actions: a.denied_actions ?? [] } },
      ]),
    );
    for (const p of t.products ?? [])
      states.set(productKey(p.id), {
        id: p.id,
        status: p.status,
        category: p.category ?? 'default',
        exploited: p.exploited_vulnerability ?? false,
        channels: [],
      });
    const lookup = ((s: Scope) => states.get(isProductScope(s) ? productKey(s.product) : scopeKey(s))) as AuthorityLookup;
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
    const decision = decidePower(identity, lookup, mica, vocabulary, cra);
    const failures: string[] = [];
    if (decision.outcome !== t.expect.outcome)
      failures.push(`outcome: expected ${t.expect.outcome}, got ${decision.outcome} (${decision.why})`);
    if (t.expect.lawful) {
      const got = Object.fromEntries(lawfulActions(decision).map((p) => [scopeKey(p.scope), [...p.actions].sort()]));
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
