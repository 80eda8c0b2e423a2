// The REST API end to end on both stores: resources, ETags, pagination, import, problem details.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

const YAML = { 'content-type': 'application/yaml' };

function assertProblem(res: { status: number; body: any; headers: Record<string, unknown> }, status: number, code: string, field?: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.body.code, code);
  assert.equal(res.body.status, status);
  assert.ok(res.body.detail.length > 0);
  if (field !== undefined) assert.equal(res.body.field, field);
}

for (const store of testStores()) {
  describe(`API on ${store.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await testApp(await store.open());
      const res = await t.call('POST', '/v1/import', t.admin, JSON.stringify(smallManifest()), { 'content-type': 'application/json' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test('every call needs a bearer token', async () => {
      assertProblem(await t.call('GET', '/v1/identities', undefined), 401, 'UNAUTHENTICATED', 'Authorization');
      assertProblem(await t.call('GET', '/v1/identities', 'mdt_wrong'), 401, 'UNAUTHENTICATED');
      assert.equal((await t.call('GET', '/healthz', undefined)).status, 200);
    });

    test('get answers the record with its ETag; a missing one is a 404 problem', async () => {
      const res = await t.call('GET', '/v1/identities/svc-a', t.admin);
      assert.equal(res.status, 200);
      assert.equal(res.headers.etag, '"1"');
      assert.equal(res.body.id, 'svc-a');
      assert.deepEqual(res.body.actions, ['read', 'initiate_transfer', 'withdraw_to_client', 'transfer_to_successor', 'reconcile']);
      assert.equal(res.body.status, 'active');
      assert.equal(res.body.version, 1);
      assertProblem(await t.call('GET', '/v1/identities/nope', t.admin), 404, 'NOT_FOUND');
    });

    test('create, then update with If-Match: missing is 428, stale is 412, and nothing changes', async () => {
      // A new execute identity has power: it is held for approval (two approvers: custody), and exists once approved.
      const held = await t.call('POST', '/v1/identities', t.admin, identity('svc-new'));
      assert.equal(held.status, 202, JSON.stringify(held.body));
      assert.equal(held.body.kind, 'identity_change');
      assert.equal(held.body.approval.required, 2);
      assert.equal(held.headers.location, `/v1/changes/${held.body.id}`);
      assert.equal((await t.call('GET', '/v1/identities/svc-new', t.admin)).status, 404);
      await t.approve(held.body.approval.id);
      const created = await t.call('GET', '/v1/identities/svc-new', t.admin);
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assertProblem(await t.call('POST', '/v1/identities', t.admin, identity('svc-new')), 409, 'ALREADY_EXISTS', '/id');
      const body = { ...created.body, purpose: 'Rotates hot wallet keys' };
      assertProblem(await t.call('PUT', '/v1/identities/svc-new', t.admin, body), 428, 'PRECONDITION_REQUIRED', 'If-Match');
      assertProblem(await t.call('PUT', '/v1/identities/svc-new', t.admin, body, { 'if-match': '"7"' }), 412, 'PRECONDITION_FAILED');
      const ok = await t.call('PUT', '/v1/identities/svc-new', t.admin, body, { 'if-match': created.headers.etag as string });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.etag, '"2"');
      assertProblem(
        await t.call('PUT', '/v1/identities/svc-new', t.admin, { ...body, purpose: 'again' }, { 'if-match': '"1"' }),
        412,
        'PRECONDITION_FAILED',
      );
      assert.equal((await t.call('GET', '/v1/identities/svc-new', t.admin)).body.purpose, 'Rotates hot wallet keys');
      // The refused attempts are evidence too; the changes are the creation and the one update.
      const history = await t.call('GET', '/v1/identities/svc-new/events', t.admin);
      assert.deepEqual(
        history.body.items.map((e: any) => e.action),
        ['identity.created', 'identity.create.refused', 'identity.update.refused', 'identity.updated', 'identity.update.refused'],
      );
      assert.deepEqual(
        history.body.items.filter((e: any) => e.action.endsWith('.refused')).map((e: any) => e.after.code),
        ['ALREADY_EXISTS', 'PRECONDITION_FAILED', 'PRECONDITION_FAILED'],
      );
      const updated = history.body.items.find((e: any) => e.action === 'identity.updated');
      assert.equal(updated.before.purpose, 'Signs client withdrawals');
      assert.equal(updated.actor, 'user:admin');
    });

    test('bad records get a problem naming the field, and nothing is written', async () => {
      const cases: [unknown, number, string, string][] = [
        [{ ...identity('svc-x'), colour: 'blue' }, 400, 'VALIDATION_FAILED', '/colour'],
        [{ ...identity('svc-x'), capability: 'root' }, 400, 'VALIDATION_FAILED', '/capability'],
        [{ ...identity('svc-x'), purpose: 'p'.repeat(2001) }, 400, 'VALIDATION_FAILED', '/purpose'],
        [{ ...identity('svc-x'), scopes: 'DE' }, 400, 'VALIDATION_FAILED', '/scopes'],
        [identity('svc-x', { owner: 'ghost@firm.example' }), 422, 'INVALID_RECORD', '/owner'],
        [identity('svc-x', { capability: 'observe', actions: ['initiate_transfer'] }), 422, 'INVALID_RECORD', '/actions/0'],
      ];
      for (const [body, status, code, field] of cases)
        assertProblem(await t.call('POST', '/v1/identities', t.admin, body), status, code, field);
      assert.equal((await t.call('GET', '/v1/identities/svc-x', t.admin)).status, 404);
    });

    test('malformed JSON, wrong media type, over-sized body', async () => {
      assertProblem(
        await t.call('POST', '/v1/identities', t.admin, '{"id": ', { 'content-type': 'application/json' }),
        400,
        'MALFORMED_BODY',
      );
      assertProblem(
        await t.call('POST', '/v1/identities', t.admin, 'id=1', { 'content-type': 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      const huge = JSON.stringify({ ...identity('svc-big'), purpose: 'x'.repeat(2 * 1024 * 1024) });
      assertProblem(
        await t.call('POST', '/v1/identities', t.admin, huge, { 'content-type': 'application/json' }),
        413,
        'PAYLOAD_TOO_LARGE',
      );
    });

    test('list: filters, keyset pagination, bad cursor and bad filter values', async () => {
      for (let n = 0; n < 7; n++)
        await t.write(
          'POST',
          '/v1/identities',
          identity(`page-${n}`, { function: 'trading', scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'FR' }] }),
        );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: any = await t.call('GET', `/v1/identities?function=trading&limit=3${cursor ? `&cursor=${cursor}` : ''}`, t.admin);
        assert.equal(res.status, 200);
        seen.push(...res.body.items.map((i: any) => i.id));
        cursor = res.body.next_cursor;
      } while (cursor);
      assert.deepEqual(seen, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
      const fr = await t.call('GET', '/v1/identities?entity=ent-de&jurisdiction=FR&service=custody', t.admin);
      assert.equal(fr.body.items.length, 7);
      const observe = await t.call('GET', '/v1/identities?capability=observe', t.admin);
      assert.deepEqual(
        observe.body.items.map((i: any) => i.id),
        ['svc-b'],
      );
      assertProblem(await t.call('GET', '/v1/identities?cursor=garbage', t.admin), 400, 'INVALID_CURSOR');
      assertProblem(await t.call('GET', '/v1/identities?capability=god', t.admin), 400, 'INVALID_QUERY', 'querystring:capability');
      assertProblem(await t.call('GET', '/v1/identities?limit=100000', t.admin), 400, 'INVALID_QUERY');
      assertProblem(await t.call('GET', '/v1/identities?colour=red', t.admin), 400, 'INVALID_QUERY');
      const auths = await t.call('GET', '/v1/authorisations?jurisdiction=FR', t.admin);
      assert.deepEqual(
        auths.body.items.map((a: any) => a.id),
        ['auth-de-custody-fr'],
      );
    });

    test('status changes follow the lifecycle and are events with their reason', async () => {
      const s = await t.call('POST', '/v1/identities/svc-b/status', t.admin, { status: 'suspended', reason: 'owner left' });
      assert.equal(s.status, 200);
      assert.equal(s.body.status, 'suspended');
      assertProblem(
        await t.call('PUT', '/v1/identities/svc-b', t.admin, { ...s.body, status: 'active' }, { 'if-match': s.headers.etag as string }),
        409,
        'INVALID_TRANSITION',
        '/status',
      );
      await t.call('POST', '/v1/identities/svc-b/status', t.admin, { status: 'revoked', reason: 'leaked' });
      assertProblem(
        await t.call('POST', '/v1/identities/svc-b/status', t.admin, { status: 'active', reason: 'oops' }),
        409,
        'INVALID_TRANSITION',
      );
      assertProblem(
        await t.call('POST', '/v1/identities/svc-b/status', t.admin, { status: 'paused', reason: 'x' }),
        400,
        'VALIDATION_FAILED',
        '/status',
      );
      const history = await t.call('GET', '/v1/events?subject_type=identity&subject_id=svc-b', t.admin);
      const changes = history.body.items.filter((e: any) => e.action === 'identity.status_changed');
      assert.deepEqual(
        changes.map((e: any) => [e.before.status, e.after.status, e.reason]),
        [
          ['active', 'suspended', 'owner left'],
          ['suspended', 'revoked', 'leaked'],
        ],
      );
    });

    test('import: YAML, idempotent, dry run shows the diff and writes nothing', async () => {
      const m = smallManifest();
      const again = await t.call('POST', '/v1/import', t.admin, stringify(m), YAML);
      assert.equal(again.status, 200);
      assert.equal(again.body.counts.created, 0);
      assert.equal(again.body.counts.rejected, 0);
      m.identities!.push(identity('svc-z'));
      m.people![0]!.name = 'Alice Renamed';
      const eventsBefore = (await t.call('GET', '/v1/events?limit=500', t.admin)).body.items.length;
      const dry = await t.call('POST', '/v1/import?dry_run=true', t.admin, stringify(m), YAML);
      assert.equal(dry.status, 200);
      assert.equal(dry.body.dry_run, true);
      assert.equal(dry.body.bootstrap, false);
      // A new execute identity would gain power: a dry run says it would be held, and asks nobody.
      assert.deepEqual(dry.body.counts, { created: 0, updated: 1, unchanged: 8, rejected: 0, held: 1 });
      assert.deepEqual(
        dry.body.pending.map((p: any) => `${p.op} ${p.id} ${p.approval ?? 'none'}`),
        ['create svc-z none'],
      );
      assert.deepEqual(dry.body.changes.map((c: any) => `${c.op} ${c.kind} ${c.id}`).sort(), ['update person alice@firm.example']);
      assert.deepEqual(dry.body.changes.find((c: any) => c.op === 'update').changes, [
        { field: 'name', before: 'Alice Example', after: 'Alice Renamed' },
      ]);
      assert.equal((await t.call('GET', '/v1/identities/svc-z', t.admin)).status, 404);
      assert.equal((await t.call('GET', '/v1/events?limit=500', t.admin)).body.items.length, eventsBefore);
      const real = await t.call('POST', '/v1/import', t.admin, stringify(m), YAML);
      assert.deepEqual(real.body.counts, { created: 0, updated: 1, unchanged: 8, rejected: 0, held: 1 });
      assert.equal((await t.call('GET', '/v1/people/alice@firm.example', t.admin)).body.name, 'Alice Renamed');
      assert.equal((await t.call('GET', '/v1/identities/svc-z', t.admin)).status, 404);
      await t.approve(real.body.pending[0].approval);
      assert.equal((await t.call('GET', '/v1/identities/svc-z', t.admin)).status, 200);
      const settled = await t.call('POST', '/v1/import', t.admin, stringify(m), YAML);
      assert.deepEqual(settled.body.counts, { created: 0, updated: 0, unchanged: 10, rejected: 0, held: 0 });
    });

    test('import: a manifest with any invalid record is rejected whole, with every error listed', async () => {
      const m = smallManifest([
        identity('svc-ok-1'),
        identity('svc-bad-1', { owner: 'ghost@firm.example' }),
        identity('svc-bad-2', { scopes: [] }),
      ]) as any;
      m.vendors.push({ id: 'vendor-kyc', name: 'dup' });
      const res = await t.call('POST', '/v1/import', t.admin, JSON.stringify(m), { 'content-type': 'application/json' });
      assertProblem(res, 422, 'MANIFEST_REJECTED');
      assert.deepEqual(res.body.errors.map((e: any) => `${e.kind}:${e.record}:${e.field}`).sort(), [
        'identity:svc-bad-1:/identities/1/owner',
        'identity:svc-bad-2:/identities/2/scopes',
        'vendor:vendor-kyc:/vendors/1/id',
      ]);
      assert.equal((await t.call('GET', '/v1/identities/svc-ok-1', t.admin)).status, 404);
      assertProblem(await t.call('POST', '/v1/import', t.admin, 'version: 1\nentities: [\n', YAML), 400, 'MALFORMED_BODY');
      // An alias expansion bomb ("billion laughs") is refused, not expanded.
      const bomb = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
      for (let n = 1; n < 12; n++)
        bomb.push(
          `${String.fromCharCode(97 + n)}: &${String.fromCharCode(97 + n)} [${Array(9)
            .fill(`*${String.fromCharCode(96 + n)}`)
            .join(',')}]`,
        );
      assertProblem(await t.call('POST', '/v1/import', t.admin, bomb.join('\n'), YAML), 400, 'MALFORMED_BODY');
      assertProblem(
        await t.call('POST', '/v1/import', t.admin, '{"version":1,', { 'content-type': 'application/json' }),
        400,
        'MALFORMED_BODY',
      );
    });

    test('users and tokens: shown once, stored hashed, expire and can be revoked', async () => {
      const u = await t.call('POST', '/v1/users', t.admin, { id: 'carol', name: 'Carol', roles: ['viewer'] });
      assert.equal(u.status, 201);
      assertProblem(
        await t.call('POST', '/v1/users', t.admin, { id: 'dave', name: 'Dave', roles: ['superuser'] }),
        400,
        'VALIDATION_FAILED',
        '/roles/0',
      );
      // Nobody makes a token for someone else (a way around four eyes): people sign in and make their own.
      assertProblem(await t.call('POST', '/v1/users/carol/tokens', t.admin, { label: 'laptop' }), 403, 'FORBIDDEN', 'path:id');
      const tok = await t.call('POST', '/v1/users/admin/tokens', t.admin, { label: 'laptop' });
      assert.equal(tok.status, 201);
      assert.match(tok.body.token, /^mdt_[A-Za-z0-9_-]{43}$/);
      assert.equal((await t.call('GET', '/v1/me', tok.body.token)).body.user, 'admin');
      const listed = await t.call('GET', '/v1/users/admin/tokens', t.admin);
      assert.equal(JSON.stringify(listed.body).includes(tok.body.token), false);
      // Neither the token nor anything derived from it is in the database in plaintext or in events.
      const rows = await t.db.all<{ hash: string }>('SELECT hash FROM api_tokens');
      assert.ok(rows.every((r) => r.hash !== tok.body.token && /^[0-9a-f]{64}$/.test(r.hash)));
      const events = await t.db.all<{ after_doc: string | null }>('SELECT after_doc FROM events');
      for (const r of rows)
        assert.ok(events.every((e) => !(e.after_doc ?? '').includes(r.hash) && !(e.after_doc ?? '').includes(tok.body.token)));
      const revoked = await t.call('POST', `/v1/tokens/${tok.body.id}/revoke`, t.admin, { reason: 'lost laptop' });
      assert.ok(revoked.body.revoked_at);
      assertProblem(await t.call('GET', '/v1/me', tok.body.token), 401, 'UNAUTHENTICATED');
    });

    test('openapi, health, readiness and metrics', async () => {
      const spec = await t.call('GET', '/openapi.json', undefined);
      assert.equal(spec.body.openapi, '3.1.0');
      assert.ok(spec.body.paths['/v1/identities'].get);
      assert.ok(spec.body.paths['/v1/import'].post);
      assert.equal((await t.call('GET', '/readyz', undefined)).body.store, store.name);
      const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${t.admin}` } });
      assert.match(metrics.body, /mandate_http_requests_total\{method="GET",route="\/v1\/identities\/:id",status="200"\}/);
    });
  });
}

describe('tokens expire', () => {
  const store = testStores()[0]!;
  after(() => store.cleanup());
  test('an expired token is refused', async () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    const t = await testApp(await store.open(), () => new Date(now));
    const tok = await t.call('POST', '/v1/users/admin/tokens', t.admin, { expires_in_seconds: 3600 });
    assert.equal((await t.call('GET', '/v1/me', tok.body.token)).status, 200);
    now += 3600 * 1000;
    assert.equal((await t.call('GET', '/v1/me', tok.body.token)).status, 401);
    await t.app.close();
  });
});
