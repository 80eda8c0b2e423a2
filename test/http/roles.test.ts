// Every endpoint and every role: the permission each route needs is pinned here, and each role
// gets exactly what its permissions grant (403 otherwise; 401 without a token).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES, rolesAllow, type Permission } from '../../src/core/roles.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

const EXPECTED: Record<string, Permission | 'public'> = {
  'GET /healthz': 'public',
  'GET /': 'public',
  'GET /console': 'public',
  'GET /console/*': 'public',
  'GET /console/sign-in.json': 'public',
  'GET /v1/events/:seq': 'inventory:read',
  'GET /readyz': 'public',
  'GET /metrics': 'metrics:read',
  'GET /openapi.json': 'public',
  'GET /v1/me': 'inventory:read',
  'GET /v1/events': 'inventory:read',
  'GET /v1/inventory/summary': 'inventory:read',
  'POST /v1/import': 'import',
  'POST /v1/users': 'users:admin',
  'GET /v1/users': 'users:admin',
  'POST /v1/users/:id/tokens': 'inventory:read',
  'POST /v1/api-clients': 'users:admin',
  'GET /v1/api-clients': 'users:admin',
  'GET /v1/api-clients/:id': 'users:admin',
  'POST /v1/api-clients/:id/tokens': 'users:admin',
  'POST /v1/api-clients/:id/revoke': 'users:admin',
  'GET /v1/users/:id/tokens': 'users:admin',
  'POST /v1/tokens/:id/revoke': 'users:admin',
  'POST /v1/identities/:id/status': 'identities:status',
  'GET /v1/authorisations/:id/impact': 'inventory:read',
  'POST /v1/authorisations/:id/transitions': 'transitions:propose',
  'GET /v1/products/:id/impact': 'inventory:read',
  'POST /v1/products/:id/transitions': 'transitions:propose',
  'GET /v1/lifecycle-rules/cra': 'inventory:read',
  'GET /v1/transitions': 'inventory:read',
  'GET /v1/transitions/:id': 'inventory:read',
  'POST /v1/transitions/:id/approve': 'transitions:approve',
  'POST /v1/transitions/:id/reject': 'transitions:approve',
  'POST /v1/transitions/:id/review': 'transitions:approve',
  'GET /v1/lifecycle-rules': 'inventory:read',
  'PUT /v1/lifecycle-rules': 'transitions:propose',
  'POST /v1/lifecycle-rules/test': 'inventory:read',
  'POST /v1/cra/reports': 'transitions:propose',
  'GET /v1/cra/reports': 'inventory:read',
  'GET /v1/cra/reports/:id': 'inventory:read',
  'POST /v1/cra/reports/:id/milestones': 'transitions:propose',
  'POST /v1/cra/reports/:id/close': 'transitions:propose',
  'GET /v1/cra/reports/:id/blast-radius': 'inventory:read',
  'POST /v1/cra/reports/:id/revoke-tokens': 'credentials:write',
  'GET /v1/outbox': 'inventory:read',
  'POST /v1/outbox/:id/retry': 'outbox:retry',
  'GET /v1/ledger/checkpoint': 'inventory:read',
  'POST /v1/ledger/checkpoints': 'inventory:read',
  'GET /v1/ledger/key': 'public',
  'GET /v1/keys': 'keys:manage',
  'POST /v1/keys/:purpose/rotate': 'keys:manage',
  'GET /v1/ledger/rotations': 'inventory:read',
  'GET /v1/ledger/proof/inclusion': 'inventory:read',
  'GET /v1/ledger/proof/consistency': 'inventory:read',
  'GET /v1/ledger/export': 'inventory:read',
  'GET /.well-known/jwks.json': 'public',
  'GET /.well-known/oauth-authorization-server': 'public',
  'GET /v1/asof/identities': 'inventory:read',
  'POST /v1/token': 'public',
  'POST /v1/revoke': 'public',
  'POST /v1/introspect': 'tokens:introspect',
  'POST /v1/issuers': 'issuers:write',
  'GET /v1/issuers': 'inventory:read',
  'DELETE /v1/issuers/:id': 'issuers:write',
  'POST /v1/identities/:id/credentials': 'credentials:write',
  'GET /v1/identities/:id/credentials': 'inventory:read',
  'POST /v1/identities/:id/credentials/:credential/revoke': 'credentials:write',
  'POST /v1/identities/:id/revoke-tokens': 'credentials:write',
  'GET /v1/policies': 'inventory:read',
  'POST /v1/policies': 'policies:write',
  'POST /v1/policies/validate': 'inventory:read',
  'GET /v1/policies/schema': 'inventory:read',
  'POST /v1/decisions': 'decisions:query',
  'POST /v1/decisions/batch': 'decisions:query',
  'POST /v1/decisions/evidence': 'decisions:query',
  'GET /v1/enforcement/snapshot': 'enforcement:subscribe',
  'GET /v1/enforcement/stream': 'enforcement:subscribe',
  'GET /v1/approvals': 'approvals:read',
  'GET /v1/approvals/:id': 'approvals:read',
  'POST /v1/approvals/:id/approve': 'approvals:read',
  'POST /v1/approvals/:id/reject': 'approvals:read',
  'GET /v1/approval-rules': 'approvals:read',
  'GET /v1/changes/:id': 'inventory:read',
  'POST /v1/access-requests': 'approvals:read',
  'GET /v1/access-requests': 'approvals:read',
  'GET /v1/access-requests/:id': 'approvals:read',
  'POST /v1/access-requests/:id/revoke': 'identities:status',
  'GET /v1/identities/:id/grants': 'inventory:read',
  'GET /v1/identities/:id/power': 'inventory:read',
  'POST /v1/exceptions': 'exceptions:write',
  'GET /v1/exceptions': 'inventory:read',
  'GET /v1/exceptions/:id': 'inventory:read',
  'POST /v1/exceptions/:id/close': 'exceptions:write',
  'POST /v1/break-glass/:id/unseal': 'breakglass:unseal',
  'GET /v1/break-glass/activations': 'inventory:read',
  'GET /v1/break-glass/activations/:id': 'inventory:read',
  'POST /v1/break-glass/activations/:id/seal': 'breakglass:unseal',
  'POST /v1/break-glass/activations/:id/review': 'approvals:read',
  'GET /v1/findings': 'inventory:read',
  'GET /v1/findings/groups': 'inventory:read',
  'GET /v1/findings/due': 'inventory:read',
  'GET /v1/findings/:id': 'inventory:read',
  'POST /v1/findings/:id/acknowledge': 'compliance:manage',
  'GET /v1/findings-lag': 'inventory:read',
  'GET /v1/controls': 'inventory:read',
  'GET /v1/checks': 'inventory:read',
  'POST /v1/checks/run': 'compliance:manage',
  'GET /v1/checks/runs': 'inventory:read',
  'GET /v1/readiness': 'inventory:read',
  'GET /v1/readiness/trend': 'inventory:read',
  'POST /v1/leaks': 'compliance:manage',
  'GET /v1/leaks': 'inventory:read',
  'POST /v1/leaks/:id/resolve': 'compliance:manage',
  'POST /v1/evidence-packs': 'compliance:manage',
  'POST /v1/access-reviews': 'reviews:manage',
  'GET /v1/access-reviews': 'approvals:read',
  'GET /v1/access-reviews/:id': 'approvals:read',
  'GET /v1/access-reviews/:id/items': 'approvals:read',
  'POST /v1/access-reviews/:id/items/:identity': 'approvals:read',
  'POST /v1/discovery/sources': 'identities:write',
  'GET /v1/discovery/sources': 'inventory:read',
  'POST /v1/discovery/sources/:id/runs': 'identities:write',
  'GET /v1/discovery/runs/:id': 'inventory:read',
  'GET /v1/discovery/accounts': 'inventory:read',
  'GET /v1/discovery/accounts/:key': 'inventory:read',
  'POST /v1/discovery/accounts/:key/dismiss': 'identities:write',
  'POST /v1/discovery/accounts/:key/adopt': 'identities:write',
  'GET /.well-known/ssf-configuration': 'public',
  'POST /v1/ssf/streams': 'ssf:manage',
  'GET /v1/ssf/streams': 'ssf:manage',
  'PATCH /v1/ssf/streams': 'ssf:manage',
  'PUT /v1/ssf/streams': 'ssf:manage',
  'DELETE /v1/ssf/streams': 'ssf:manage',
  'GET /v1/ssf/status': 'ssf:manage',
  'POST /v1/ssf/status': 'ssf:manage',
  'POST /v1/ssf/verify': 'ssf:manage',
  'POST /v1/ssf/subjects/add': 'ssf:manage',
  'POST /v1/ssf/subjects/remove': 'ssf:manage',
  'POST /v1/ssf/streams/:id/poll': 'ssf:manage',
};
// The stream never ends by itself: for the roles it admits, the SDK tests follow it for real.
const STREAMS = new Set(['GET /v1/enforcement/stream']);
// Your own only: every role may make itself a token (signed in), none for the user the path names here.
const OWN_ONLY = new Set(['POST /v1/users/:id/tokens']);
const WRITE: Record<string, Permission> = {
  entities: 'regulatory:write',
  authorisations: 'regulatory:write',
  products: 'regulatory:write',
  people: 'registry:write',
  vendors: 'registry:write',
  identities: 'identities:write',
};
for (const [path, write] of Object.entries(WRITE)) {
  EXPECTED[`POST /v1/${path}`] = write;
  EXPECTED[`PUT /v1/${path}/:id`] = write;
  EXPECTED[`GET /v1/${path}`] = 'inventory:read';
  EXPECTED[`GET /v1/${path}/:id`] = 'inventory:read';
  EXPECTED[`GET /v1/${path}/:id/events`] = 'inventory:read';
}

describe('roles × endpoints', () => {
  const store = testStores()[0]!;
  let t: TestApp;
  const tokens = new Map<string, string>();
  before(async () => {
    t = await testApp(await store.open());
    for (const role of ROLES) tokens.set(role, await t.tokenFor([role]));
  });
  after(async () => {
    await t.app.close();
    await store.cleanup();
  });

  test('every route names the permission pinned for it, and no route is unlisted', () => {
    const actual = Object.fromEntries(t.app.routeTable.map((r) => [`${r.method} ${r.url}`, r.permission]));
    assert.deepEqual(actual, EXPECTED);
  });

  test('each role is allowed exactly what its permissions grant', async () => {
    for (const { method, url, permission } of t.app.routeTable) {
      if (permission === 'public' || permission === undefined) continue;
      const path = url.replaceAll(':id', 'no-such-id');
      const body = method === 'GET' ? undefined : {};
      const anonymous = await t.call(method, path, undefined, body);
      assert.equal(anonymous.status, 401, `${method} ${url} without a token`);
      for (const role of ROLES) {
        if (rolesAllow([role], permission as Permission) && STREAMS.has(`${method} ${url}`)) continue;
        const res = await t.call(method, path, tokens.get(role), body, method === 'PUT' ? { 'if-match': '"1"' } : {});
        const allowed = rolesAllow([role], permission as Permission);
        if (allowed && STREAMS.has(`${method} ${url}`)) continue;
        if (allowed && OWN_ONLY.has(`${method} ${url}`)) assert.match(res.body.detail, /made by its own person/);
        else if (allowed) assert.ok(res.status !== 401 && res.status !== 403, `${role} should reach ${method} ${url}, got ${res.status}`);
        else {
          assert.equal(res.status, 403, `${role} must be refused ${method} ${url}`);
          assert.equal(res.body.code, 'FORBIDDEN');
        }
      }
    }
  });

  test('a forbidden write changes nothing even with a valid body', async () => {
    const res = await t.call('POST', '/v1/vendors', tokens.get('viewer'), { id: 'v-1', name: 'V' });
    assert.equal(res.status, 403);
    assert.equal((await t.call('GET', '/v1/vendors/v-1', t.admin)).status, 404);
  });
});
