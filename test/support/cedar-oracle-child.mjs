// The cedar-wasm side of test/support/cedar-oracle.ts, run in its own process (started with
// --expose-gc) so that a V8 fatal error inside cedar-wasm kills this process, never the test.
// Plain JavaScript so a (re)start costs no TypeScript loader. Messages over the IPC channel:
//   { id, kind: 'authorize', attempt, batch: { policies, policiesAsText?, entities, requests, crashForTest? } }
//   { id, kind: 'policyToJson' | 'policyToText', items }
//   { id, kind: 'gc' }                          forces a full garbage collection
//   { id, kind: 'stress', calls, gcEvery }      the workload that reproduces the V8 abort
// Answers: { id, ok: true, result } or { id, ok: false, error }.
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

function authorize(batch, attempt) {
  const crash = batch.crashForTest;
  let policies = batch.policies;
  if (batch.policiesAsText) {
    // Cedar's own rendering of the JSON policies: the comparison then also covers the text path.
    policies = {};
    for (const [id, policy] of Object.entries(batch.policies)) {
      const text = cedar.policyToText(policy);
      if (text.type !== 'success') return batch.requests.map(() => ({ failure: text.errors.map((e) => e.message) }));
      policies[id] = text.text;
    }
  }
  return batch.requests.map((request, i) => {
    if (crash && attempt <= crash.attempts && i === crash.afterRequests) process.abort();
    const answer = cedar.isAuthorized({
      principal: request.principal,
      action: request.action,
      resource: request.resource,
      context: request.context,
      entities: batch.entities,
      policies: { staticPolicies: policies },
    });
    if (answer.type !== 'success') return { failure: answer.errors.map((e) => e.message) };
    return {
      decision: answer.response.decision,
      reasons: answer.response.diagnostics.reason,
      errors: answer.response.diagnostics.errors.map((e) => e.policyId),
      errorMessages: answer.response.diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`),
    };
  });
}

function convert(items, fn) {
  return items.map((item) => {
    const answer = fn(item);
    if (answer.type !== 'success') return { failure: answer.errors.map((e) => e.message) };
    return { value: answer.json ?? answer.text };
  });
}

// Varied policy sets (text and JSON), entity lists and conversions, with a forced GC every
// `gcEvery` calls: on Node 20 this aborted the process within a few thousand calls in every run
// we tried (docs/cedar-compiler.md).
function stress(calls, gcEvery) {
  const texts = [
    'permit(principal, action, resource) when { principal.n + 9007199254740991 * 1000 > 0 };',
    'forbid(principal, action, resource) when { resource.missing == 1 };',
    'permit(principal in G::"g1", action, resource) when { context.s like "a*b" && principal.tags.contains("x") };',
    'permit(principal, action, resource) unless { principal has n && principal.n * 99999999999 < 3 };',
  ];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < calls; i++) {
    const count = 1 + Math.floor(random() * 30);
    const entities = [];
    for (let k = 0; k < count; k++) {
      entities.push({
        uid: { type: 'U', id: `u${k}` },
        attrs: { n: Math.floor(random() * 1e9), tags: ['x', `y${k}`], r: { a: { b: [1, 2, { c: 's'.repeat(k % 30) }] } } },
        parents: [{ type: 'G', id: `g${k % 7}` }],
      });
    }
    const staticPolicies = {};
    const policyCount = 1 + Math.floor(random() * 8);
    for (let k = 0; k < policyCount; k++) {
      staticPolicies[`p${k}`] = random() < 0.5 ? texts[k % 4] : cedar.policyToJson(texts[k % 4]).json;
    }
    const answer = cedar.isAuthorized({
      principal: entities[0].uid,
      action: { type: 'A', id: 'a' },
      resource: entities[count - 1].uid,
      context: { s: `a${'q'.repeat(i % 100)}b` },
      entities,
      policies: { staticPolicies },
    });
    if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
    cedar.policyToText(cedar.policyToJson(texts[i % 4]).json);
    if (gcEvery > 0 && i % gcEvery === gcEvery - 1) globalThis.gc();
  }
  return { calls };
}

process.on('message', (message) => {
  const { id } = message;
  try {
    let result;
    switch (message.kind) {
      case 'authorize':
        result = authorize(message.batch, message.attempt);
        break;
      case 'policyToJson':
        result = convert(message.items, cedar.policyToJson);
        break;
      case 'policyToText':
        result = convert(message.items, cedar.policyToText);
        break;
      case 'gc':
        globalThis.gc();
        result = true;
        break;
      case 'stress':
        result = stress(message.calls, message.gcEvery);
        break;
      default:
        throw new Error(`unknown message kind ${message.kind}`);
    }
    process.send({ id, ok: true, result });
  } catch (error) {
    process.send({ id, ok: false, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true, pid: process.pid, node: process.version });
