// Property tests over the API's input: whatever a client sends, the answer is a success or a
// problem with a stable code (never a 500), and a refused request writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

const FIELDS = [
  'id',
  'kind',
  'function',
  'capability',
  'owner',
  'purpose',
  'scopes',
  'actions',
  'environment',
  'vendor',
  'break_glass',
  'credential',
  'revocation',
  'status',
  'labels',
  'last_used',
  'extra',
];

describe('API input properties', () => {
  const store = testStores()[0]!;
  let t: TestApp;
  let n = 0;
  before(async () => {
    t = await testApp(await store.open());
    await t.call('POST', '/v1/import', t.admin, JSON.stringify(smallManifest()), { 'content-type': 'application/json' });
  });
  after(async () => {
    await t.app.close();
    await store.cleanup();
  });

  test('a mutated identity is created whole, held for approval whole, or refused with a problem, never half-written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIELDS),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)),
        async (field, value) => {
          const id = `fuzz-${n++}`;
          const body: Record<string, unknown> = { ...identity(id) };
          if (field === 'id') body.id = value;
          else body[field] = value;
          const res = await t.call('POST', '/v1/identities', t.admin, JSON.stringify(body), { 'content-type': 'application/json' });
          assert.ok(
            [201, 202, 400, 409, 422].includes(res.status),
            `${field}=${JSON.stringify(value)} gave ${res.status}: ${JSON.stringify(res.body)}`,
          );
          if (res.status === 202) {
            // Held: the identity does not exist until approved; nothing about it is written but the request.
            assert.equal(res.body.kind, 'identity_change');
            assert.equal((await t.call('GET', `/v1/identities/${id}`, t.admin)).status, 404);
          } else if (res.status !== 201) {
            assert.match(String(res.headers['content-type']), /application\/problem\+json/);
            assert.ok(typeof res.body.code === 'string' && typeof res.body.detail === 'string');
            // Nothing is written but the refusal itself, which is evidence.
            const events = await t.db.all<{ action: string }>('SELECT action FROM events WHERE subject_id = ?', [id]);
            assert.deepEqual(
              events.filter((e) => !e.action.endsWith('.refused')),
              [],
            );
            assert.equal((await t.call('GET', `/v1/identities/${id}`, t.admin)).status, 404);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('arbitrary query strings on list endpoints answer 200 or a 400 problem', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('identities', 'authorisations', 'people', 'vendors', 'entities', 'events'),
        fc.dictionary(
          fc.constantFrom('limit', 'cursor', 'entity', 'status', 'capability', 'jurisdiction', 'owner', 'x'),
          fc.string({ maxLength: 30 }),
        ),
        async (path, query) => {
          const qs = new URLSearchParams(query).toString();
          const res = await t.call('GET', `/v1/${path}?${qs}`, t.admin);
          assert.ok(res.status === 200 || res.status === 400, `${path}?${qs} gave ${res.status}: ${JSON.stringify(res.body)}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  test(
    'mutated access requests, exceptions and unseals are refused with a ' + 'problem and grant nothing, or open one pending request',
    async () => {
      const operator = await t.tokenFor(['operator']);
      const officer = await t.tokenFor(['compliance_officer']);
      const access = {
        identity: 'svc-a',
        actions: ['reconcile'],
        scope: { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
        duration_seconds: 600,
        justification: 'why',
      };
      const exception = {
        identity: 'svc-a',
        control: 'workload_attestation',
        actions: ['reconcile'],
        scope: access.scope,
        justification: 'why',
        compensating_controls: { extra_monitoring: true, manual_approval_per_action: false },
        expires_at: '2099-01-01T00:00:00Z',
      };
      const targets = [
        { url: '/v1/access-requests', token: operator, base: access as Record<string, unknown> },
        { url: '/v1/exceptions', token: officer, base: exception as Record<string, unknown> },
        {
          url: '/v1/break-glass/svc-a/unseal',
          token: operator,
          base: { reason: 'incident', duration_seconds: 600 } as Record<string, unknown>,
        },
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...targets),
          fc.constantFrom(
            'identity',
            'actions',
            'scope',
            'duration_seconds',
            'justification',
            'control',
            'expires_at',
            'compensating_controls',
            'reason',
            'emergency',
            'extra',
          ),
          fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)),
          async (target, field, value) => {
            const grantsBefore = await t.db.all("SELECT id FROM grants WHERE status = 'active'");
            const body = { ...target.base, [field]: value };
            if (value === undefined) delete body[field];
            const res = await t.call('POST', target.url, target.token, JSON.stringify(body), { 'content-type': 'application/json' });
            assert.ok(
              [201, 400, 403, 404, 409].includes(res.status),
              `${target.url} ${field}=${JSON.stringify(value)} gave ${res.status}: ${JSON.stringify(res.body)}`,
            );
            if (res.status !== 201) {
              assert.match(String(res.headers['content-type']), /application\/problem\+json/);
              assert.ok(typeof res.body.code === 'string' && typeof res.body.detail === 'string');
            } else assert.equal(res.body.status, 'pending', 'nothing is granted before approval');
            assert.deepEqual(await t.db.all("SELECT id FROM grants WHERE status = 'active'"), grantsBefore);
          },
        ),
        { numRuns: 200 },
      );
    },
  );
});
