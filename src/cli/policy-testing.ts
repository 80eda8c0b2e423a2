// `mandate policy test`: a firm's policy tests, run locally. Each case is decided by the engine
// enforcement points run (built-in rules, lifecycle rules, compiled Cedar), and the Cedar part of
// every case is also put to cedar-wasm, the reference implementation: a case passes only when the
// answer is the expected one and both implementations agree.
import { Type, type Static } from '@sinclair/typebox';
import { parse } from 'yaml';
import { DecisionEngine, scopeKeyOf, type LifecycleRuleSet, type PrincipalFacts } from '@mandate/sdk/decision';
import { cedarEvaluator } from '@mandate/sdk/cedar-evaluator';
import { cedarJsonRequest } from '@mandate/sdk/cedar-request';
import { CliError } from './client.js';
import { Enum, MemberStateSchema, ServiceSchema } from '../core/model.js';
import { ajvIssues, compileBody } from '../core/schema.js';
import { ACTION_CLASSES, AUTHORISATION_STATUSES, DEFAULT_ACTIONS } from '../core/vocabulary.js';
import { defaultRules } from '../state/lifecycle-rules.js';
import { checkCedar, referenceAuthorize } from '../policy/cedar-check.js';
import { cedarSchema } from '../policy/schema.js';

const Str = Type.String({ minLength: 1, maxLength: 200 });
const PrincipalSpec = Type.Union([
  Type.Object(
    {
      type: Type.Literal('identity'),
      status: Type.Optional(Enum(['active', 'suspended', 'revoked', 'decommissioned'] as const)),
      kind: Str,
      function: Str,
      capability: Enum(['observe', 'execute'] as const),
      environment: Str,
      vendor: Type.Optional(Type.Boolean()),
      break_glass: Type.Optional(Type.Boolean()),
      legacy: Type.Optional(Type.Boolean()),
      actions: Type.Array(Str, { maxItems: 100 }),
      scopes: Type.Array(Str, { maxItems: 500 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('person'),
      status: Type.Optional(Enum(['active', 'departed', 'disabled'] as const)),
      roles: Type.Array(Str, { maxItems: 20 }),
    },
    { additionalProperties: false },
  ),
]);
const TestFile = Type.Object(
  {
    actions: Type.Optional(
      Type.Array(
        Type.Object(
          { id: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), class: Enum(ACTION_CLASSES) },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
    authorisations: Type.Array(
      Type.Object(
        {
          id: Type.Optional(Str),
          entity: Str,
          service: ServiceSchema,
          jurisdiction: MemberStateSchema,
          status: Enum(AUTHORISATION_STATUSES),
          denied_actions: Type.Optional(Type.Array(Str)),
        },
        { additionalProperties: false },
      ),
      { maxItems: 1000 },
    ),
    principals: Type.Record(Str, PrincipalSpec),
    cases: Type.Array(
      Type.Object(
        {
          name: Str,
          principal: Str,
          action: Str,
          resource: Type.Object(
            { entity: Str, service: ServiceSchema, jurisdiction: MemberStateSchema, kind: Type.Optional(Str), id: Type.Optional(Str) },
            { additionalProperties: false },
          ),
          context: Type.Object(
            {
              attested: Type.Boolean(),
              device_posture: Enum(['compliant', 'non_compliant', 'unknown'] as const),
              session_purpose: Str,
              environment: Enum(['production', 'staging', 'development'] as const),
              amount: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
              // A signed-in person's session facts, as the decision point takes them from the session.
              mfa: Type.Optional(Type.Boolean()),
              session_age_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 * 365 * 86_400 })),
              acr: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
          expect: Enum(['allow', 'deny'] as const),
          obligations: Type.Optional(Type.Array(Str)),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10_000 },
    ),
  },
  { additionalProperties: false },
);
type TestFile = Static<typeof TestFile>;

export interface PolicyTestReport {
  passed: number;
  failed: number;
  cases: { name: string; ok: boolean; decision: string; policies: string[]; problem?: string }[];
}

export async function runPolicyTests(policyText: string, testsText: string): Promise<PolicyTestReport> {
  let doc: unknown;
  try {
    doc = parse(testsText);
  } catch (err) {
    throw new CliError(`the tests file is not YAML or JSON: ${(err as Error).message}`, 2);
  }
  const validate = compileBody(TestFile);
  if (!validate(doc))
    throw new CliError(
      `the tests file is not valid: ${ajvIssues(validate.errors)
        .map((i) => `${i.field} ${i.reason}`)
        .join('; ')}`,
      2,
    );
  const tests = doc as TestFile;
  const actions = [...DEFAULT_ACTIONS.map((a) => ({ id: a.id, class: a.class })), ...(tests.actions ?? [])];
  const checked = await checkCedar(policyText, cedarSchema(actions.map((a) => ({ ...a, description: a.id }))));
  if (!checked.ok) throw new CliError(`the policies are not valid:\n  ${checked.errors.join('\n  ')}`, 1);
  const evaluator = cedarEvaluator(checked.policies);
  const engine = new DecisionEngine({
    actions,
    authorisations: tests.authorisations.map((a, n) => ({ ...a, id: a.id ?? `test-authorisation-${n + 1}` })),
    lifecycle: defaultRules() as unknown as LifecycleRuleSet,
    // Policy tests carry no grants: nothing here expires.
    now: () => 0,
    policies: evaluator,
  });
  const states = new Map(tests.authorisations.map((a) => [scopeKeyOf(a), a.status]));
  const classOf = new Map(actions.map((a) => [a.id, a.class]));

  const prepared = tests.cases.map((c) => {
    const spec = tests.principals[c.principal];
    if (!spec) throw new CliError(`case "${c.name}" names principal ${c.principal}, which the tests file does not define`, 2);
    const principal: PrincipalFacts =
      spec.type === 'identity'
        ? {
            type: 'identity',
            id: c.principal,
            status: spec.status ?? 'active',
            kind: spec.kind,
            function: spec.function,
            capability: spec.capability,
            environment: spec.environment,
            vendor: spec.vendor ?? false,
            break_glass: spec.break_glass ?? false,
            legacy: spec.legacy ?? false,
            actions: spec.actions,
            scopes: spec.scopes,
          }
        : { type: 'person', id: c.principal, status: spec.status ?? 'active', roles: spec.roles };
    const scope = scopeKeyOf(c.resource);
    return { c, principal, scope, state: states.get(scope) ?? 'none' };
  });

  // The reference, for the Cedar part: the firm's policies that decide (not the obligation ones).
  const deciding = checked.policies.filter((p) => !p.est.annotations?.obligation);
  const known = prepared.filter((p) => classOf.has(p.c.action));
  const reference = await referenceAuthorize(
    Object.fromEntries(deciding.map((p) => [p.id, p.est as unknown as string])),
    known.map((p) => cedarJsonRequest(p.principal, p.c.action, classOf.get(p.c.action)!, p.c.resource, p.scope, p.state, p.c.context)),
  );
  const refOf = new Map(known.map((p, i) => [p, reference[i]!]));

  const cases = prepared.map((p) => {
    const d = engine.decide(p.principal, p.c.action, p.c.resource, p.c.context);
    const problems: string[] = [];
    if (d.decision !== p.c.expect) problems.push(`expected ${p.c.expect}, got ${d.decision} (${d.reasons.join('; ')})`);
    const want = [...(p.c.obligations ?? [])].sort();
    const got = d.obligations.map((o) => o.type).sort();
    if (p.c.obligations && JSON.stringify(want) !== JSON.stringify(got))
      problems.push(`expected obligations [${want.join(', ')}], got [${got.join(', ')}]`);
    const ref = refOf.get(p);
    if (ref) {
      const mine = evaluator.evaluate(p.principal, p.c.action, classOf.get(p.c.action)!, p.c.resource, p.scope, p.state, p.c.context);
      if (ref.failure) problems.push(`cedar-wasm could not evaluate the case: ${ref.failure}`);
      else if (
        (ref.decision === 'allow') !== mine.allow ||
        JSON.stringify([...mine.determining].sort()) !== JSON.stringify([...(ref.reasons ?? [])].sort())
      )
        problems.push(
          'the compiled policies and cedar-wasm disagree: ' +
            `${mine.allow ? 'allow' : 'deny'} [${mine.determining.join(', ')}] vs ${ref.decision} [` +
            `${(ref.reasons ?? []).join(', ')}]`,
        );
    }
    return {
      name: p.c.name,
      ok: problems.length === 0,
      decision: d.decision,
      policies: d.policies,
      ...(problems.length ? { problem: problems.join('; ') } : {}),
    };
  });
  const failed = cases.filter((c) => !c.ok).length;
  return { passed: cases.length - failed, failed, cases };
}
