// Runs cedar-wasm, Mandate's reference Cedar implementation, in a child process of its own.
// cedar-wasm 4.13 on Node 20 can end its process with a V8 fatal error after many calls and a
// garbage collection; the server only ever needs it for validation and parsing (rare), so each
// request gets a short-lived process and a crash costs a refused request, never the server.
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { parseCedarJson, stringifyCedarJson } from '@mandate/sdk/cedar';

// cedar-wasm's glue reads the JSON text Rust produced with the global JSON.parse, which rounds a
// Cedar long beyond ±(2^53−1): read it losslessly (bigints) while cedar-wasm answers.
const jsonParse = JSON.parse;
function lossless<T>(call: () => T): T {
  JSON.parse = ((text: string, reviver?: (key: string, value: unknown) => unknown) =>
    reviver === undefined ? parseCedarJson(text) : jsonParse(text, reviver)) as typeof JSON.parse;
  try {
    return call();
  } finally {
    JSON.parse = jsonParse;
  }
}

type Request =
  | { op: 'check'; text: string; schema: Record<string, unknown> }
  | {
      op: 'authorize';
      policies: Record<string, string>;
      requests: { principal: unknown; action: unknown; resource: unknown; context: unknown; entities: unknown }[];
    };

process.once('message', (msg: Request) => {
  if (msg.op === 'authorize') {
    // The reference answers for policy tests: decision and determining policy ids per request.
    const answers = msg.requests.map((r) => {
      const a = cedar.isAuthorized({ ...(r as Omit<cedar.AuthorizationCall, 'policies'>), policies: { staticPolicies: msg.policies } });
      return a.type === 'success'
        ? {
            decision: a.response.decision,
            reasons: a.response.diagnostics.reason,
            errors: a.response.diagnostics.errors.map((e) => e.policyId),
          }
        : { failure: a.errors.map((e) => e.message).join('; ') };
    });
    process.send!({ ok: true, answers }, () => process.exit(0));
    return;
  }
  const parts = cedar.policySetTextToParts(msg.text);
  if (parts.type !== 'success') {
    process.send!({ ok: false, errors: parts.errors.map((e) => e.message) }, () => process.exit(0));
    return;
  }
  // Each policy's id is its @id annotation: ids are what decisions cite, so they are required.
  const policies: { id: string; est: unknown; text: string }[] = [];
  const errors: string[] = [];
  parts.policies.forEach((text, n) => {
    const json = lossless(() => cedar.policyToJson(text));
    if (json.type !== 'success') {
      errors.push(`policy ${n + 1}: ${json.errors.map((e) => e.message).join('; ')}`);
      return;
    }
    const id = json.json.annotations?.id;
    if (!id) errors.push(`policy ${n + 1} has no @id("…") annotation`);
    else if (policies.some((p) => p.id === id)) errors.push(`policy id ${id} is used twice`);
    else policies.push({ id, est: json.json, text });
  });
  if (parts.policy_templates.length) errors.push('policy templates are not supported: write static policies');
  if (errors.length === 0) {
    const v = cedar.validate({
      schema: msg.schema as never,
      policies: { staticPolicies: Object.fromEntries(policies.map((p) => [p.id, p.text])) },
      validationSettings: { mode: 'strict' },
    });
    if (v.type !== 'success') errors.push(...v.errors.map((e) => e.message));
    else errors.push(...v.validationErrors.map((e) => `policy ${e.policyId}: ${e.error.message}`));
  }
  // Each policy's JSON goes as text (IPC's JSON would refuse a bigint), read back with parseCedarJson.
  const answer = errors.length
    ? { ok: false, errors }
    : { ok: true, policies: policies.map(({ id, est }) => ({ id, est: stringifyCedarJson(est) })) };
  process.send!(answer, () => process.exit(0));
});
