// The model's own lifecycle evaluator (test/model/model.ts, written apart from src/core/lifecycle.ts)
// against the shipped rule tests (policies/lifecycle/mica-default.tests.yaml): the reference the
// model-based test compares the server with must itself say what the shipped fixtures say.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { DEFAULT_ACTIONS_BY_FUNCTION } from '../../src/core/vocabulary.js';
import { classOf, lawful, Model, SHIPPED_RULES, type AuthStatus, type MIdentity } from './model.js';
import { isProduct, scopeOf, sk, type Scope } from './world.js';

interface Fixture {
  name: string;
  authorisations: { scope: string; status: AuthStatus; denied_actions?: string[] }[];
  identity: {
    function: string;
    capability: 'observe' | 'execute';
    scopes: string[];
    actions?: string[];
    vendor?: boolean;
    break_glass?: boolean;
    environment?: string;
    kind?: string;
  };
  expect: { outcome: string; lawful?: Record<string, string[]>; decided_by?: Record<string, string> };
}

const fixtures = (
  parse(readFileSync(new URL('../../policies/lifecycle/mica-default.tests.yaml', import.meta.url), 'utf8')) as { tests: Fixture[] }
).tests;

for (const f of fixtures) {
  test(`model evaluator: ${f.name}`, () => {
    const m = new Model(0);
    m.auths = new Map(
      f.authorisations.map((a, n) => {
        const s = scopeOf(a.scope);
        return [
          `a${n}`,
          {
            id: `a${n}`,
            ...s,
            basis: 'home' as const,
            status: a.status,
            reference: 'r',
            ...(a.denied_actions ? { denied: a.denied_actions } : {}),
          },
        ];
      }),
    );
    const actions =
      f.identity.actions ??
      DEFAULT_ACTIONS_BY_FUNCTION[f.identity.function as keyof typeof DEFAULT_ACTIONS_BY_FUNCTION].filter(
        (a) => f.identity.capability === 'execute' || classOf(a) === 'observe',
      );
    const i = {
      id: 'x',
      kind: f.identity.kind ?? 'service_account',
      function: f.identity.function,
      capability: f.identity.capability,
      owner: 'o',
      purpose: 'p',
      scopes: f.identity.scopes.map(scopeOf),
      actions: [...actions],
      environment: f.identity.environment ?? 'production',
      break_glass: f.identity.break_glass ?? false,
      ...(f.identity.vendor ? { vendor: 'v' } : {}),
      credential: { type: 'short_lived', created: '2026-01-01' },
      revocation: { connector: 'manual', target: 't' },
      status: 'active',
    } as MIdentity;
    const o = m.outcome(i);
    assert.equal(o.outcome, f.expect.outcome);
    if (f.expect.lawful) {
      const want = Object.entries(f.expect.lawful)
        .flatMap(([scope, as]) => as.map((a) => `${scope}|${a}`))
        .sort();
      assert.deepEqual([...o.lawful].sort(), want);
    }
    for (const [action, rule] of Object.entries(f.expect.decided_by ?? {})) {
      const s = i.scopes.find((x): x is Scope => !isProduct(x) && f.authorisations.some((a) => a.scope === sk(x)))!;
      const a = m.authOf(s);
      assert.equal(lawful(SHIPPED_RULES, m.subjectOf(i), s, a?.status ?? 'none', a?.denied, action).by, rule);
    }
  });
}
