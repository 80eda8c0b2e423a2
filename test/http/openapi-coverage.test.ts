// Every operation of the OpenAPI document says what it answers: a success (2xx) response with a
// schema, and at least one documented error response (4xx/5xx or default) with a schema. Fastify
// serialises answers through the response schema (dropping undeclared fields), so a route without
// one answers whatever its handler returns, undocumented; this keeps the guarantee from now on.
// Routes left out of the document (hide: true) are the few outside the API: health, metrics,
// JWKS, the document itself and the console's files; no /v1 route may hide.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;
const HIDDEN = new Set(['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json', '/openapi.json', '/', '/console', '/console/*']);

/**
 * Operations still without one, to be described (issue 15 item 3): the list only shrinks. A route
 * on it that gains its schemas fails the test too, so it is taken off.
 */
const PENDING = new Set([
  'GET /.well-known/oauth-authorization-server: no error response schema',
  'GET /v1/enforcement/stream: no 2xx response schema',
  'POST /v1/evidence-packs: no 2xx response schema',
  'POST /v1/policies: no 2xx response schema',
]);

interface Response {
  content?: Record<string, { schema?: unknown }>;
  description?: string;
}
interface Operation {
  responses?: Record<string, Response>;
  operationId?: string;
}

const hasSchema = (r: Response | undefined) => !!r?.content && Object.values(r.content).some((c) => c.schema !== undefined);
/** 204 and 205 carry no content by definition: declaring them is the schema. */
const successOk = (code: string, r: Response) => /^2(\d\d|XX)$/i.test(code) && (hasSchema(r) || code === '204' || code === '205');
const errorOk = (code: string, r: Response) => (/^[45](\d\d|XX)$/i.test(code) || code === 'default') && hasSchema(r);

/** The operations lacking a success schema or a documented error, as `METHOD /path: what`. */
export function uncovered(doc: { paths?: Record<string, Record<string, Operation>> }): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const responses = Object.entries(op.responses ?? {});
      const missing = [
        ...(responses.some(([c, r]) => successOk(c, r)) ? [] : ['no 2xx response schema']),
        ...(responses.some(([c, r]) => errorOk(c, r)) ? [] : ['no error response schema']),
      ];
      if (missing.length) out.push(`${method.toUpperCase()} ${path}: ${missing.join(', ')}`);
    }
  }
  return out.sort();
}

const [store] = testStores();
describe('OpenAPI coverage', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp(await store!.open());
  });
  after(async () => {
    await t.app.close();
    await store!.cleanup();
  });

  test('every operation declares a success response schema and an error response', async () => {
    const res = await t.call('GET', '/openapi.json', undefined);
    assert.equal(res.status, 200);
    const all = uncovered(res.body);
    const missing = all.filter((m) => !PENDING.has(m));
    assert.deepEqual(missing, [], `${missing.length} operations lack response schemas:\n${missing.join('\n')}`);
    assert.deepEqual(
      [...PENDING].filter((m) => !all.includes(m)),
      [],
      'now described: take these off PENDING',
    );
  });

  test('every route of the server is in the document, except the few outside the API', async () => {
    const doc = (await t.call('GET', '/openapi.json', undefined)).body as { paths: Record<string, Record<string, unknown>> };
    // OpenAPI writes /v1/x/{id} where Fastify says /v1/x/:id.
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`)));
    const absent = t.app.routeTable
      .filter((r) => !HIDDEN.has(r.url))
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
      .filter((k) => !documented.has(k));
    assert.deepEqual(absent, []);
  });
});
