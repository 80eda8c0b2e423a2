// The compiled Cedar evaluator (@mandate/sdk/cedar) against the reference, cedar-wasm, on random
// worlds: same decision, same determining policies, same erroring policies, for every request.
// cedar-wasm runs in a child process (test/support/cedar-oracle.ts) because on Node 20 it can
// abort its process with a V8 fatal error; the last tests here show the oracle handles that.
//
// Runs: CEDAR_DIFF_RUNS worlds (default 400) with a random seed, printed as a diagnostic;
// CEDAR_DIFF_SEED=<seed> replays one (with the same CEDAR_DIFF_RUNS and CEDAR_DIFF_SHARDS).
// CEDAR_CRASH_REPRO=1 also runs the crash reproduction.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import {
  type AuthorizationRequest,
  compilePolicySet,
  contextFromJson,
  entitiesFromCedarJson,
  type EntityJson,
  type PolicyJson,
  uidFromJson,
} from '@mandate/sdk/cedar';
import { CedarOracle, type OracleAnswer, type OracleRequest } from '../support/cedar-oracle.js';
import { type World, world } from '../support/cedar-generators.js';

const RUNS = Number(process.env.CEDAR_DIFF_RUNS ?? 400);
const SHRINKS = Number(process.env.CEDAR_DIFF_SHRINKS ?? 200);
const SHARDS = Number(process.env.CEDAR_DIFF_SHARDS ?? 2);
const SEED =
  process.env.CEDAR_DIFF_SEED === undefined ? (Date.now() ^ (Math.random() * 2 ** 31)) >>> 2 : Number(process.env.CEDAR_DIFF_SEED);

const oracle = new CedarOracle();
after(() => oracle.close());

const sorted = (ids: readonly string[]): string[] => [...ids].sort();

function compiledRequest(request: OracleRequest): AuthorizationRequest {
  return {
    principal: uidFromJson(request.principal),
    action: uidFromJson(request.action),
    resource: uidFromJson(request.resource),
    context: contextFromJson(request.context as Parameters<typeof contextFromJson>[0]),
  };
}

interface Tally {
  requests: number;
  allow: number;
  denyByForbid: number;
  erroringPolicies: number;
  operators: Map<string, number>;
}

/** Every operator key in the policies' expressions and scopes, to show the generator covers the
 *  language (a generator that stopped producing some operator would pass silently otherwise). */
function countOperators(value: unknown, into: Map<string, number>): void {
  if (Array.isArray(value)) {
    for (const item of value) countOperators(item, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Value') continue;
    if (key === 'op' && typeof inner === 'string') into.set(`scope ${inner}`, (into.get(`scope ${inner}`) ?? 0) + 1);
    if (key === 'has' && Array.isArray((inner as { attr?: unknown }).attr)) into.set('has a.b.c', (into.get('has a.b.c') ?? 0) + 1);
    if (key === 'is' && (inner as { in?: unknown }).in !== undefined) into.set('is … in', (into.get('is … in') ?? 0) + 1);
    if (key === 'in' && typeof inner === 'object' && inner !== null && 'left' in inner) into.set('in', (into.get('in') ?? 0) + 1);
    if (
      ![
        'left',
        'right',
        'arg',
        'body',
        'conditions',
        'if',
        'then',
        'else',
        'attr',
        'pattern',
        'entity_type',
        'in',
        'kind',
        'entity',
        'entities',
        'op',
        'effect',
        'principal',
        'action',
        'resource',
      ].includes(key)
    ) {
      into.set(key, (into.get(key) ?? 0) + 1);
    }
    countOperators(inner, into);
  }
}

/** Compares one world; returns the disagreements as readable lines (empty when none). */
function compare(w: World, answers: OracleAnswer[], tally: Tally): string[] {
  const set = compilePolicySet(w.policies.map(({ id, policy }) => ({ id, policy: policy as PolicyJson })));
  const store = entitiesFromCedarJson(w.entities as EntityJson[]);
  const disagreements: string[] = [];
  w.requests.forEach((request, i) => {
    const expected = answers[i]!;
    if ('failure' in expected) {
      disagreements.push(`cedar-wasm refused the input (a generator bug): ${expected.failure.join('; ')}`);
      return;
    }
    const actual = set.authorize(compiledRequest(request), store);
    tally.requests++;
    if (expected.decision === 'allow') tally.allow++;
    else if (expected.reasons.length > 0) tally.denyByForbid++;
    tally.erroringPolicies += expected.errors.length;
    const same =
      actual.decision === expected.decision &&
      JSON.stringify(sorted(actual.reasons)) === JSON.stringify(sorted(expected.reasons)) &&
      JSON.stringify(sorted(actual.errors)) === JSON.stringify(sorted(expected.errors));
    if (!same) {
      disagreements.push(
        `request ${i} ${JSON.stringify(request)}\n  cedar-wasm: ` +
          `${JSON.stringify({ decision: expected.decision, reasons: sorted(expected.reasons), errors: sorted(expected.errors) })}` +
          `\n  (cedar-wasm errors: ${expected.errorMessages.join(' | ')})` +
          '\n  compiled:   ' +
          `${JSON.stringify({ decision: actual.decision, reasons: sorted(actual.reasons), errors: sorted(actual.errors) })}`,
      );
    }
  });
  return disagreements;
}

async function explain(w: World, disagreements: string[]): Promise<string> {
  const texts = await oracle.policyToText(w.policies.map((p) => p.policy));
  const policies = w.policies.map((p, i) => {
    const text = texts[i]!;
    return `@id("${p.id}")\n${'value' in text ? String(text.value) : JSON.stringify(p.policy)}`;
  });
  return `${disagreements.join('\n')}\npolicies:\n${policies.join('\n')}\nentities: ${JSON.stringify(w.entities)}`;
}

function newTally(): Tally {
  return { requests: 0, allow: 0, denyByForbid: 0, erroringPolicies: 0, operators: new Map() };
}

test('compiled policies decide exactly as cedar-wasm on random worlds', async (t) => {
  t.diagnostic(`seed ${SEED} (replay with CEDAR_DIFF_SEED=${SEED}), ${RUNS} worlds in ${SHARDS} shards`);
  const tally = newTally();
  // fast-check reports the shrunk counterexample as raw draws; keep the explanation of the
  // latest (so smallest) failing world to report alongside.
  let smallestFailure: string | undefined;
  // Shards run concurrently, each with its own seed and oracle child: cedar-wasm is the slow side.
  const shard = async (index: number): Promise<void> => {
    const shardOracle = index === 0 ? oracle : new CedarOracle();
    try {
      await fc.assert(
        // Shrinking re-asks the oracle for every candidate: bounded so a failure reports in time.
        fc.asyncProperty(fc.limitShrink(fc.gen(), SHRINKS), fc.boolean(), async (g, asText) => {
          const w = world(g);
          for (const { policy } of w.policies) countOperators(policy, tally.operators);
          const answers = await shardOracle.authorize({
            policies: Object.fromEntries(w.policies.map(({ id, policy }) => [id, policy])),
            policiesAsText: asText,
            entities: w.entities,
            requests: w.requests,
          });
          const disagreements = compare(w, answers, tally);
          if (disagreements.length > 0) {
            smallestFailure = `(policies given to cedar-wasm as ${asText ? 'text' : 'JSON'})\n${await explain(w, disagreements)}`;
            throw new Error(smallestFailure);
          }
        }),
        { numRuns: Math.ceil(RUNS / SHARDS), seed: SEED + index },
      );
    } finally {
      if (shardOracle !== oracle) shardOracle.close();
    }
  };
  await Promise.all(Array.from({ length: SHARDS }, (_, index) => shard(index))).catch((error: unknown) => {
    throw smallestFailure === undefined ? error : new Error(`compiled and cedar-wasm disagree:\n${smallestFailure}\n\n${String(error)}`);
  });
  t.diagnostic(
    `${tally.requests} requests: ${tally.allow} allowed, ${tally.denyByForbid} denied by a forbid, ${tally.erroringPolicies} policy ` +
      'errors; ' +
      `oracle crashes: ${oracle.crashes.length}`,
  );
  // The comparison means something only if the worlds exercise what we claim they do.
  assert.ok(tally.allow > tally.requests / 20, 'too few allows: the generator is degenerate');
  assert.ok(tally.denyByForbid > 0, 'no forbid ever decided');
  assert.ok(tally.erroringPolicies > tally.requests / 20, 'too few evaluation errors');
  if (RUNS >= 200) {
    const operators = [
      '!',
      'neg',
      '==',
      '!=',
      '<',
      '<=',
      '>',
      '>=',
      '+',
      '-',
      '*',
      '&&',
      '||',
      'if-then-else',
      'in',
      'has',
      'has a.b.c',
      '.',
      'like',
      'is',
      'is … in',
      'contains',
      'containsAll',
      'containsAny',
      'isEmpty',
      'getTag',
      'hasTag',
      'Set',
      'Record',
      'Var',
      'scope All',
      'scope ==',
      'scope in',
      'scope is',
    ];
    const missing = operators.filter((op) => !tally.operators.has(op));
    assert.deepEqual(missing, [], `operators never generated: ${missing.join(', ')}`);
  }
});

// ---------------------------------------------------------------------------------------------
// The oracle itself: a cedar-wasm crash must never kill the test run or pass silently.

const tinyBatch = (count: number) => ({
  policies: { p: 'permit(principal, action, resource) when { context.n > 1 };' },
  entities: [],
  requests: Array.from({ length: count }, (_, n) => ({
    principal: { type: 'User', id: 'a' },
    action: { type: 'Action', id: 'read' },
    resource: { type: 'Doc', id: `d${n}` },
    context: { n },
  })),
});

test('oracle: a child that dies mid-batch is replaced and the whole batch asked again', async () => {
  const isolated = new CedarOracle();
  try {
    const answers = await isolated.authorize({ ...tinyBatch(5), crashForTest: { afterRequests: 2, attempts: 1 } });
    assert.deepEqual(
      answers.map((a) => ('decision' in a ? a.decision : a)),
      ['deny', 'deny', 'allow', 'allow', 'allow'],
    );
    assert.equal(isolated.crashes.length, 1);
    assert.equal(isolated.crashes[0]!.signal, 'SIGABRT');
    assert.equal(isolated.starts, 2);
  } finally {
    isolated.close();
  }
});

test('oracle: a child that dies on every attempt fails the call loudly', async () => {
  const isolated = new CedarOracle({ maxAttempts: 2 });
  try {
    await assert.rejects(
      isolated.authorize({ ...tinyBatch(3), crashForTest: { afterRequests: 1, attempts: 99 } }),
      /died on every one of 2 attempts/,
    );
    assert.equal(isolated.crashes.length, 2);
  } finally {
    isolated.close();
  }
});

test('oracle: the child is recycled every N authorizations', async () => {
  const isolated = new CedarOracle({ recycleAfter: 10 });
  try {
    for (let i = 0; i < 5; i++) await isolated.authorize(tinyBatch(6));
    assert.equal(isolated.starts, 3); // 6, 12 → past 10: new child → 6, 12 → new child → 6
  } finally {
    isolated.close();
  }
});

test('oracle: survives a forced GC after many calls (and every answer still agrees)', async (t) => {
  // No recycling here: this child takes every call, then a full GC, then more calls, which is
  // the pattern that aborted cedar-wasm in-process. If the child dies, the oracle must have
  // noticed, restarted and re-asked; either way every answer is compared.
  const isolated = new CedarOracle({ recycleAfter: Number.POSITIVE_INFINITY });
  try {
    const tally = newTally();
    const worlds = fc.sample(
      fc.gen().map((g) => world(g)),
      { numRuns: 200, seed: 42 },
    );
    const run = async (batch: World[]): Promise<void> => {
      for (const w of batch) {
        const answers = await isolated.authorize({
          policies: Object.fromEntries(w.policies.map(({ id, policy }) => [id, policy])),
          entities: w.entities,
          requests: w.requests,
        });
        const disagreements = compare(w, answers, tally);
        assert.deepEqual(disagreements, []);
      }
    };
    await run(worlds.slice(0, 160));
    await isolated.forceGc();
    await run(worlds.slice(160));
    await isolated.forceGc();
    t.diagnostic(
      `${isolated.authorizations} calls in ${isolated.starts} child(ren), ${isolated.crashes.length} crash(es)` +
        isolated.crashes
          .map(
            (c) =>
              `\n  ${c.kind} attempt ${c.attempt}: code ${c.code} signal ${c.signal} ` +
              `${c.stderr.split('\n').find((l) => l.includes('#')) ?? ''}`,
          )
          .join(''),
    );
    assert.ok(isolated.authorizations >= 1000);
    assert.equal(isolated.starts, 1 + isolated.crashes.length, 'every start but the first follows a recorded crash');
  } finally {
    isolated.close();
  }
});

test('oracle: reproduces the cedar-wasm abort (CEDAR_CRASH_REPRO=1)', { skip: process.env.CEDAR_CRASH_REPRO !== '1' }, async (t) => {
  const isolated = new CedarOracle();
  try {
    const fate = await isolated.stress(8000, 500);
    t.diagnostic(
      fate.survived
        ? 'the child survived 8000 calls this time'
        : `the child died: code ${fate.crash.code}, signal ${fate.crash.signal}\n${fate.crash.stderr}`,
    );
  } finally {
    isolated.close();
  }
});
