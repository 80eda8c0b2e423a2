// The rules of a person's sign-in facts (src/core/session-facts.ts), and the shipped Cedar policies
// for people's acts decided with them: the session cases the policy tests file cannot hold (its
// cases carry a caller's context, and mfa and session_age_seconds come only from a session). Each
// case goes through the full decision, and its Cedar part through cedar-wasm too: both must agree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { cedarEvaluator } from '@mandate/sdk/cedar-evaluator';
import { cedarJsonRequest } from '@mandate/sdk/cedar-request';
import { DecisionEngine, scopeKeyOf, type DecisionContext, type LifecycleRuleSet, type PrincipalFacts } from '@mandate/sdk/decision';
import {
  contextFromSession,
  devicePostureFromClaims,
  devicePostureOf,
  SESSION_FACT_FIELDS,
  sessionFacts,
  type SessionFacts,
} from '../../src/core/session-facts.js';
import { DEFAULT_ACTIONS } from '../../src/core/vocabulary.js';
import { checkCedar, referenceAuthorize } from '../../src/policy/cedar-check.js';
import { cedarSchema } from '../../src/policy/schema.js';
import { defaultRules } from '../../src/state/lifecycle-rules.js';

describe('what a sign-in proves', () => {
  test('the device claim: compliant, non-compliant, or unknown', () => {
    const cases: [unknown, string][] = [
      ['compliant', 'compliant'],
      [' Compliant ', 'compliant'],
      [true, 'compliant'],
      ['non_compliant', 'non_compliant'],
      ['non-compliant', 'non_compliant'],
      ['NonCompliant', 'non_compliant'],
      ['not compliant', 'non_compliant'],
      [false, 'non_compliant'],
      ['unknown', 'unknown'],
      ['managed', 'unknown'],
      ['', 'unknown'],
      [undefined, 'unknown'],
      [null, 'unknown'],
      [1, 'unknown'],
      [{ compliant: true }, 'unknown'],
      ['compliant'.repeat(20), 'unknown'],
    ];
    for (const [value, want] of cases) assert.equal(devicePostureOf(value), want, JSON.stringify(value));
    assert.equal(devicePostureFromClaims({ device: { posture: 'compliant' } }, 'device.posture'), 'compliant');
    assert.equal(devicePostureFromClaims({ groups: [] }, 'device_posture'), 'unknown');
  });

  test('MFA is an MFA amr or the step-up acr; the age counts from auth_time; an absent auth_time gives no age', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    const base = { acr: null, auth_time: '2026-12-07T09:50:00Z', device_posture: 'compliant' as const };
    assert.deepEqual(sessionFacts({ ...base, amr: ['pwd', 'otp'] }, now, {}), {
      mfa: true,
      session_age_seconds: 600,
      device_posture: 'compliant',
    });
    assert.equal(sessionFacts({ ...base, amr: ['pwd'] }, now, {}).mfa, false);
    assert.equal(sessionFacts({ ...base, amr: ['pwd'], acr: 'gold' }, now, { acr: 'gold' }).mfa, true);
    assert.equal(sessionFacts({ ...base, amr: ['pwd'], acr: 'gold' }, now, {}).acr, 'gold');
    const noTime = sessionFacts({ ...base, amr: ['hwk'], auth_time: null }, now, {});
    assert.equal('session_age_seconds' in noTime, false);
    assert.equal('acr' in noTime, false);
  });

  test('property: the session wins; a supplied value is a conflict exactly when it differs from the session', () => {
    const facts = fc.record(
      {
        mfa: fc.boolean(),
        session_age_seconds: fc.nat({ max: 100_000 }),
        acr: fc.constantFrom('pwd', 'mfa', 'gold'),
        device_posture: fc.constantFrom('compliant', 'non_compliant', 'unknown'),
      },
      { requiredKeys: ['mfa', 'device_posture'] },
    ) as fc.Arbitrary<SessionFacts>;
    const supplied = fc.record(
      {
        mfa: fc.boolean(),
        session_age_seconds: fc.nat({ max: 100_000 }),
        acr: fc.constantFrom('pwd', 'mfa', 'gold'),
        device_posture: fc.constantFrom('compliant', 'non_compliant', 'unknown'),
        session_purpose: fc.string({ maxLength: 10 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(facts, supplied, (f, s) => {
        const { context, conflicts } = contextFromSession(s, f);
        for (const field of SESSION_FACT_FIELDS) assert.equal((context as unknown as Record<string, unknown>)[field], f[field]);
        assert.equal((context as unknown as Record<string, unknown>).session_purpose, s.session_purpose);
        const differing = SESSION_FACT_FIELDS.filter((k) => s[k] !== undefined && s[k] !== f[k]);
        assert.deepEqual(
          conflicts.map((c) => c.field),
          differing,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('the shipped policies for people, with a session’s facts', () => {
  const RESOURCE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE', kind: 'identity', id: 'bg-custody' } as const;
  const WITHDRAWN = { entity: 'ent-de', service: 'custody', jurisdiction: 'FR', kind: 'identity', id: 'bg-custody-fr' } as const;
  const CLOSED = { entity: 'ent-de', service: 'transfer', jurisdiction: 'DE', kind: 'release', id: 'r-1' } as const;
  const person = (id: string, roles: string[], status: 'active' | 'departed' = 'active'): PrincipalFacts => ({
    type: 'person',
    id,
    status,
    roles,
  });
  const olga = person('olga', ['operator']);
  const ada = person('ada', ['admin']);
  const ana = person('ana', ['approver']);
  const gone = person('otto', ['operator'], 'departed');
  const STRONG: DecisionContext = {
    attested: false,
    device_posture: 'compliant',
    session_purpose: 'incident',
    environment: 'production',
    mfa: true,
    session_age_seconds: 120,
    acr: 'mfa',
  };
  const cases: {
    name: string;
    p: PrincipalFacts;
    action: string;
    r?: typeof RESOURCE | typeof WITHDRAWN | typeof CLOSED;
    c: DecisionContext;
    want: string;
  }[] = [
    { name: 'operator, MFA, fresh, compliant: break-glass', p: olga, action: 'use_breakglass', c: STRONG, want: 'allow' },
    { name: 'admin, the same', p: ada, action: 'use_breakglass', c: STRONG, want: 'allow' },
    { name: 'an approver is not an operator', p: ana, action: 'use_breakglass', c: STRONG, want: 'deny' },
    { name: 'a departed person gets nothing', p: gone, action: 'use_breakglass', c: STRONG, want: 'deny' },
    { name: 'no MFA', p: olga, action: 'use_breakglass', c: { ...STRONG, mfa: false, acr: 'pwd' }, want: 'deny' },
    { name: 'at 15 minutes still', p: olga, action: 'use_breakglass', c: { ...STRONG, session_age_seconds: 900 }, want: 'allow' },
    { name: 'past 15 minutes', p: olga, action: 'use_breakglass', c: { ...STRONG, session_age_seconds: 901 }, want: 'deny' },
    {
      name: 'no auth_time at the provider: no age',
      p: olga,
      action: 'use_breakglass',
      c: { ...STRONG, session_age_seconds: undefined },
      want: 'deny',
    },
    {
      name: 'a non-compliant device',
      p: olga,
      action: 'use_breakglass',
      c: { ...STRONG, device_posture: 'non_compliant' },
      want: 'deny',
    },
    { name: 'an unknown device', p: olga, action: 'use_breakglass', c: { ...STRONG, device_posture: 'unknown' }, want: 'deny' },
    { name: 'a release within the hour', p: olga, action: 'sign_release', c: { ...STRONG, session_age_seconds: 3600 }, want: 'allow' },
    { name: 'a release past the hour', p: olga, action: 'sign_release', c: { ...STRONG, session_age_seconds: 3601 }, want: 'deny' },
    { name: 'a release without MFA', p: ada, action: 'sign_release', c: { ...STRONG, mfa: false }, want: 'deny' },
    {
      name: 'break-glass stays open where the licence is withdrawn (return path)',
      p: olga,
      action: 'use_breakglass',
      r: WITHDRAWN,
      c: STRONG,
      want: 'allow',
    },
    { name: 'but not where the firm holds no authorisation', p: olga, action: 'sign_release', r: CLOSED, c: STRONG, want: 'deny' },
    { name: 'people still read with a session', p: ana, action: 'read', c: STRONG, want: 'allow' },
  ];

  test('each case: the engine’s answer as expected, and the compiled policies agree with cedar-wasm', async () => {
    const actions = DEFAULT_ACTIONS.map((a) => ({ id: a.id, class: a.class }));
    const text = readFileSync(new URL('../../policies/cedar/mandate-default.cedar', import.meta.url), 'utf8');
    const checked = await checkCedar(text, cedarSchema(DEFAULT_ACTIONS));
    assert.ok(checked.ok, JSON.stringify(checked));
    const authorisations = [
      { id: 'a-de', entity: 'ent-de', service: 'custody', jurisdiction: 'DE', status: 'authorised' as const },
      { id: 'a-fr', entity: 'ent-de', service: 'custody', jurisdiction: 'FR', status: 'withdrawn' as const },
    ];
    const evaluator = cedarEvaluator(checked.policies);
    const engine = new DecisionEngine({
      actions,
      authorisations,
      lifecycle: defaultRules() as unknown as LifecycleRuleSet,
      now: () => 0,
      policies: evaluator,
    });
    const states = new Map(authorisations.map((a) => [scopeKeyOf(a), a.status as string]));
    const classOf = new Map(actions.map((a) => [a.id, a.class]));
    const deciding = checked.policies.filter((p) => !p.est.annotations?.obligation);
    const prepared = cases.map((k) => {
      const r = k.r ?? RESOURCE;
      const c = Object.fromEntries(Object.entries(k.c).filter(([, v]) => v !== undefined)) as DecisionContext;
      return { ...k, r, c, scope: scopeKeyOf(r), state: states.get(scopeKeyOf(r)) ?? 'none' };
    });
    const reference = await referenceAuthorize(
      Object.fromEntries(deciding.map((p) => [p.id, p.est as unknown as string])),
      prepared.map((k) => cedarJsonRequest(k.p, k.action, classOf.get(k.action)!, k.r, k.scope, k.state, k.c)),
    );
    prepared.forEach((k, i) => {
      const d = engine.decide(k.p, k.action, k.r, k.c);
      assert.equal(d.decision, k.want, `${k.name}: ${d.reasons.join('; ')}`);
      const mine = evaluator.evaluate(k.p, k.action, classOf.get(k.action)!, k.r, k.scope, k.state, k.c);
      const ref = reference[i]!;
      assert.equal(ref.failure, undefined, `${k.name}: ${ref.failure}`);
      assert.equal(mine.allow, ref.decision === 'allow', `${k.name}: compiled and cedar-wasm disagree`);
      assert.deepEqual([...mine.determining].sort(), [...(ref.reasons ?? [])].sort(), k.name);
    });
  });
});
