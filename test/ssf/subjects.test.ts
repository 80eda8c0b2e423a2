// Shared Signals subjects (OpenID SSF 1.0 §8.1.3), on both stores: a receiver adds and removes
// subjects on its streams; a NONE stream gets the SETs of the identities added and no others, an
// ALL stream those of every identity but the removed ones, pushed and polled alike. Each change is
// a ledger event; bad input, an unknown stream and another receiver's stream are refused with
// nothing written; an unknown identity is accepted like a known one. The subject parser is checked
// with fast-check.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { CAEP_EVENTS, MAX_STREAM_SUBJECTS, parseSubject, PUSH, streamCarries } from '../../src/core/ssf.js';
import { insertMany, type Database, type Param } from '../../src/store/db.js';
import { testApp, type TestApp } from '../support/app.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const SESSION_REVOKED = CAEP_EVENTS['session-revoked'];
const CLAIMS_CHANGE = CAEP_EVENTS['token-claims-change'];
const SECRET = `Bearer rcv-${randomBytes(8).toString('hex')}`;
const ISSUER = 'https://mandate.firm.example';

describe('the subject parser (RFC 9493 subjects naming a Mandate identity)', () => {
  const anyId = fc.string({ minLength: 1, maxLength: 256, unit: 'grapheme' }).filter((s) => s.length >= 1 && s.length <= 256);

  test('opaque {id} and iss_sub {Mandate issuer, sub} name the identity id', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        assert.deepEqual(parseSubject({ format: 'opaque', id }, ISSUER), { ok: true, identity: id });
        assert.deepEqual(parseSubject({ format: 'iss_sub', iss: ISSUER, sub: id }, ISSUER), { ok: true, identity: id });
      }),
    );
  });

  test('any other value is refused with a pointer under /subject, never thrown', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (v) => {
        const r = parseSubject(v, ISSUER);
        if (r.ok) {
          const s = v as Record<string, unknown>;
          assert.ok(s.format === 'opaque' || s.format === 'iss_sub');
          assert.equal(r.identity, s.format === 'opaque' ? s.id : s.sub);
        } else {
          assert.ok(r.field.startsWith('/subject'), r.field);
          assert.ok(r.message.length > 0);
        }
      }),
    );
  });

  test('refusals: other formats, missing or wrong members, extra members, another issuer', () => {
    const field = (v: unknown) => {
      const r = parseSubject(v, ISSUER);
      assert.equal(r.ok, false, JSON.stringify(v));
      return (r as { field: string }).field;
    };
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }).filter((f) => f !== 'opaque' && f !== 'iss_sub'),
        anyId,
        (format, id) => {
          assert.equal(field({ format, id }), '/subject/format');
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((k) => k !== 'format' && k !== 'id'),
        anyId,
        (k, id) => {
          assert.equal(field({ format: 'opaque', id, [k]: 'x' }), `/subject/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
        },
      ),
    );
    assert.equal(field('svc-a'), '/subject');
    assert.equal(field(null), '/subject');
    assert.equal(field(['opaque']), '/subject');
    assert.equal(field({ id: 'svc-a' }), '/subject/format');
    assert.equal(field({ format: 'opaque' }), '/subject/id');
    assert.equal(field({ format: 'opaque', id: '' }), '/subject/id');
    assert.equal(field({ format: 'opaque', id: 7 }), '/subject/id');
    assert.equal(field({ format: 'opaque', id: 'x'.repeat(257) }), '/subject/id');
    assert.equal(field({ format: 'iss_sub', iss: 'https://elsewhere.example', sub: 'svc-a' }), '/subject/iss');
    assert.equal(field({ format: 'iss_sub', iss: ISSUER }), '/subject/sub');
    assert.equal(field({ format: 'email', email: 'svc-a@firm.example' }), '/subject/format');
  });

  test('a stream carries an identity: ALL unless removed, NONE only if added, everyone without a filter', () => {
    fc.assert(
      fc.property(fc.uniqueArray(anyId, { maxLength: 5 }), anyId, fc.constantFrom('ALL' as const, 'NONE' as const), (listed, id, d) => {
        const exceptions = new Set(listed);
        assert.equal(streamCarries({ defaultSubjects: d, exceptions }, id), d === 'ALL' ? !exceptions.has(id) : exceptions.has(id));
        assert.equal(streamCarries(undefined, id), true);
      }),
    );
  });
});

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type SetPayload = { sub_id: { format: string; id: string }; events: Record<string, unknown> };

for (const store of testStores()) {
  describe(`Shared Signals subjects (${store.name})`, () => {
    const kek = randomBytes(32);
    const received: Received[] = [];
    let receiver: Server;
    let base = '';
    let db: Database;
    let t: TestApp;
    let rcv = '';
    let issuer = '';
    let noneId = '';
    let allId = '';
    const status = new Map<string, string>();

    const call = (method: string, url: string, body?: unknown, token = rcv) => t.call(method, url, token, body);
    const add = (stream_id: string, subject: unknown, token = rcv, extra: Record<string, unknown> = {}) =>
      call('POST', '/v1/ssf/subjects/add', { stream_id, subject, ...extra }, token);
    const remove = (stream_id: string, subject: unknown, token = rcv) =>
      call('POST', '/v1/ssf/subjects/remove', { stream_id, subject }, token);
    const opaque = (id: string) => ({ format: 'opaque', id });
    const count = async (sql: string, args: Param[] = []) => Number((await db.all<{ n: number }>(sql, args))[0]!.n);
    const subjectRows = () => count('SELECT COUNT(*) AS n FROM ssf_stream_subjects');
    const ssfEvents = () => count("SELECT COUNT(*) AS n FROM events WHERE action LIKE 'ssf.%'");

    /** Suspends an active identity or reactivates a suspended one: each is a CAEP event. */
    async function change(...ids: string[]): Promise<void> {
      for (const id of ids) {
        const to = status.get(id) === 'suspended' ? 'active' : 'suspended';
        const res = await call('POST', `/v1/identities/${id}/status`, { status: to, reason: `test ${to}` }, t.admin);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        status.set(id, to);
      }
      await t.app.services.outbox.drain();
    }
    /** The identities of the SETs pushed since the last call (the receiver's inbox emptied). */
    function pushedSubjects(): string[] {
      const ids = received.filter((r) => r.path === '/push').map((r) => (decodeJwt(r.body) as unknown as SetPayload).sub_id.id);
      received.length = 0;
      return ids.sort();
    }
    /** The identities of the SETs waiting on the poll stream, acknowledged. */
    async function polledSubjects(): Promise<string[]> {
      const res = await call('POST', `/v1/ssf/streams/${allId}/poll`, { returnImmediately: true, maxEvents: 100 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const sets = res.body.sets as Record<string, string>;
      if (Object.keys(sets).length)
        await call('POST', `/v1/ssf/streams/${allId}/poll`, { returnImmediately: true, ack: Object.keys(sets) });
      return Object.values(sets)
        .map((s) => (decodeJwt(s) as unknown as SetPayload).sub_id.id)
        .sort();
    }

    before(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          received.push({ path: req.url ?? '', headers: req.headers, body });
          res.writeHead(202).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
      db = await store.open();
      t = await testApp(db, undefined, { ledger: { kek, origin: 'mandate.test/ledger' }, outbound: { allow: ['http://127.0.0.1'] } });
      await t.app.services.users.createUser('test', { id: 'u-subjects', name: 'SSF receiver', roles: ['ssf_receiver'] });
      rcv = (await t.app.services.users.createToken('test', 'u-subjects', {})).token;
      const manual = { revocation: { connector: 'manual', target: 'ticket' } } as const;
      const imported = await call(
        'POST',
        '/v1/import',
        smallManifest(['svc-a', 'svc-b', 'svc-c', 'svc-d'].map((id) => identity(id, manual))),
        t.admin,
      );
      assert.equal(imported.status, 200, JSON.stringify(imported.body));
      issuer = (await t.call('GET', '/.well-known/ssf-configuration', undefined)).body.issuer;
    });
    after(async () => {
      await t.app.close();
      receiver.close();
      await store.cleanup();
    });

    test('the metadata names the add and remove subject endpoints; a stream says its default_subjects', async () => {
      const c = (await t.call('GET', '/.well-known/ssf-configuration', undefined)).body;
      assert.equal(c.add_subject_endpoint, `${issuer}/v1/ssf/subjects/add`);
      assert.equal(c.remove_subject_endpoint, `${issuer}/v1/ssf/subjects/remove`);
      assert.equal(c.default_subjects, 'ALL');

      const none = await call('POST', '/v1/ssf/streams', {
        delivery: { method: PUSH, endpoint_url: `${base}/push`, authorization_header: SECRET },
        events_requested: [SESSION_REVOKED, CLAIMS_CHANGE],
        default_subjects: 'NONE',
      });
      assert.equal(none.status, 201, JSON.stringify(none.body));
      assert.equal(none.body.default_subjects, 'NONE');
      noneId = none.body.stream_id;
      const all = await call('POST', '/v1/ssf/streams', { events_requested: [SESSION_REVOKED, CLAIMS_CHANGE] });
      assert.equal(all.status, 201);
      assert.equal(all.body.default_subjects, 'ALL', 'ALL when not asked');
      allId = all.body.stream_id;
      assert.equal((await call('GET', `/v1/ssf/streams?stream_id=${noneId}`)).body.default_subjects, 'NONE');
      const [created] = await db.all<{ after_doc: string }>(
        "SELECT after_doc FROM events WHERE action = 'ssf.stream_created' AND subject_id = ?",
        [noneId],
      );
      assert.equal(JSON.parse(created!.after_doc).default_subjects, 'NONE');
    });

    test('NONE carries only the added subjects, ALL every subject but the removed ones, pushed and polled', async () => {
      // Before any subject: the NONE stream gets nothing, the ALL stream everything.
      await change('svc-a', 'svc-b');
      assert.deepEqual(pushedSubjects(), []);
      assert.deepEqual(await polledSubjects(), ['svc-a', 'svc-b']);

      const added = await add(noneId, opaque('svc-a'));
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.equal(added.body, undefined, 'an empty 200');
      assert.equal(added.headers['cache-control'], 'no-store');
      const removed = await remove(allId, opaque('svc-b'));
      assert.equal(removed.status, 204, JSON.stringify(removed.body));
      assert.equal(removed.headers['cache-control'], 'no-store');

      await change('svc-a', 'svc-b', 'svc-c');
      assert.deepEqual(pushedSubjects(), ['svc-a']);
      assert.equal(received.length, 0);
      assert.deepEqual(await polledSubjects(), ['svc-a', 'svc-c']);
      // The pushed SET still carries the receiver's Authorization header.
      await change('svc-a');
      assert.equal(received[0]!.headers.authorization, SECRET);
      pushedSubjects();
      await polledSubjects();
    });

    test('add and remove round trip; iss_sub names the same identity; the default can change', async () => {
      // Removing from the NONE stream stops svc-a there; adding svc-b back to the ALL stream restores it.
      assert.equal((await remove(noneId, opaque('svc-a'))).status, 204);
      assert.equal((await add(allId, opaque('svc-b'))).status, 200);
      await change('svc-a', 'svc-b');
      assert.deepEqual(pushedSubjects(), []);
      assert.deepEqual(await polledSubjects(), ['svc-a', 'svc-b']);
      // Mandate's issuer and the identity id (its tokens' iss and sub) are the same subject as its opaque id.
      const iss = await add(noneId, { format: 'iss_sub', iss: issuer, sub: 'svc-a' }, rcv, { verified: false });
      assert.equal(iss.status, 200, JSON.stringify(iss.body));
      await change('svc-a');
      assert.deepEqual(pushedSubjects(), ['svc-a']);
      await polledSubjects();
      const row = (
        await db.all<{ state: string; verified: number; subject: string }>(
          'SELECT state, verified, subject FROM ssf_stream_subjects WHERE stream_id = ? AND identity_id = ?',
          [noneId, 'svc-a'],
        )
      )[0]!;
      assert.equal(row.state, 'added');
      assert.equal(Number(row.verified), 0);
      assert.deepEqual(JSON.parse(row.subject), { format: 'iss_sub', iss: issuer, sub: 'svc-a' });

      // The NONE stream made ALL: every identity now, svc-a still (it is added), none removed there.
      const patched = await call('PATCH', '/v1/ssf/streams', { stream_id: noneId, default_subjects: 'ALL' });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.default_subjects, 'ALL');
      await change('svc-a', 'svc-c');
      assert.deepEqual(pushedSubjects(), ['svc-a', 'svc-c']);
      await polledSubjects();
      // And back: only svc-a (its last word is added).
      assert.equal((await call('PATCH', '/v1/ssf/streams', { stream_id: noneId, default_subjects: 'NONE' })).status, 200);
      await change('svc-a', 'svc-c');
      assert.deepEqual(pushedSubjects(), ['svc-a']);
      await polledSubjects();
    });

    test('each change is a ledger event with the subject before and after', async () => {
      const events = await db.all<{ action: string; subject_id: string; before_doc: string; after_doc: string }>(
        "SELECT action, subject_id, before_doc, after_doc FROM events WHERE action LIKE 'ssf.subject_%' ORDER BY seq",
      );
      assert.deepEqual(
        events.map((e) => [e.action, e.subject_id, JSON.parse(e.before_doc).state, JSON.parse(e.after_doc).state]),
        [
          ['ssf.subject_added', noneId, null, 'added'],
          ['ssf.subject_removed', allId, null, 'removed'],
          ['ssf.subject_removed', noneId, 'added', 'removed'],
          ['ssf.subject_added', allId, 'removed', 'added'],
          ['ssf.subject_added', noneId, 'removed', 'added'],
        ],
      );
      const first = JSON.parse(events[0]!.after_doc);
      assert.deepEqual(first, { identity: 'svc-a', state: 'added', subject: opaque('svc-a'), verified: true, default_subjects: 'NONE' });
      assert.equal(JSON.parse(events[4]!.after_doc).verified, false);
      assert.ok(!JSON.stringify(events).includes(SECRET.slice(7)));
    });

    test('a subject of no known identity is accepted like a known one, and says nothing', async () => {
      const known = await add(noneId, opaque('svc-d'));
      const unknown = await add(noneId, opaque('no-such-identity'));
      assert.equal(unknown.status, known.status);
      assert.equal(unknown.body, known.body);
      assert.equal((await remove(noneId, opaque('no-such-identity-either'))).status, 204);
      assert.equal(await count('SELECT COUNT(*) AS n FROM ssf_stream_subjects WHERE identity_id LIKE ?', ['no-such-%']), 2);
    });

    test('bad input, an unknown stream and another receiver are refused with nothing written', async () => {
      const rows = await subjectRows();
      const events = await ssfEvents();
      const refused = async (path: string, body: unknown, field: string | undefined, token = rcv, code = 400) => {
        const res = await call('POST', path, body, token);
        assert.equal(res.status, code, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        if (field !== undefined) assert.equal(res.body.field, field, JSON.stringify(res.body));
        return res;
      };
      const ADD = '/v1/ssf/subjects/add';
      const REMOVE = '/v1/ssf/subjects/remove';
      const email = await refused(ADD, { stream_id: noneId, subject: { format: 'email', email: 'svc-a@firm.example' } }, '/subject/format');
      assert.equal(email.body.code, 'VALIDATION_FAILED');
      assert.match(email.body.detail, /opaque/);
      await refused(ADD, { stream_id: noneId, subject: { format: 'opaque' } }, '/subject/id');
      await refused(REMOVE, { stream_id: noneId, subject: { format: 'opaque', id: 42 } }, '/subject/id');
      await refused(ADD, { stream_id: noneId, subject: { format: 'opaque', id: 'svc-a', email: 'x' } }, '/subject/email');
      await refused(
        ADD,
        { stream_id: noneId, subject: { format: 'iss_sub', iss: 'https://elsewhere.example', sub: 'svc-a' } },
        '/subject/iss',
      );
      await refused(ADD, { stream_id: noneId, subject: 'svc-a' }, undefined);
      await refused(ADD, { stream_id: noneId }, undefined);
      await refused(ADD, { stream_id: noneId, subject: opaque('svc-a'), verified: 'yes' }, undefined);
      await refused(ADD, { stream_id: noneId, subject: opaque('svc-a'), extra: 1 }, undefined);
      await refused(REMOVE, { stream_id: noneId, subject: opaque('svc-a'), verified: true }, undefined);
      await refused(ADD, { subject: opaque('svc-a') }, undefined);
      const malformed = await t.call('POST', ADD, rcv, '{"stream_id":', { 'content-type': 'application/json' });
      assert.equal(malformed.status, 400);
      // No such stream, for this receiver or at all.
      const missing = await refused(ADD, { stream_id: 'ss_nosuch', subject: opaque('svc-a') }, 'stream_id', rcv, 404);
      assert.equal(missing.body.code, 'NOT_FOUND');
      await refused(REMOVE, { stream_id: 'ss_nosuch', subject: opaque('svc-a') }, 'stream_id', rcv, 404);
      const other = await t.tokenFor(['ssf_receiver']);
      await refused(ADD, { stream_id: noneId, subject: opaque('svc-b') }, 'stream_id', other, 404);
      await refused(REMOVE, { stream_id: allId, subject: opaque('svc-a') }, 'stream_id', other, 404);
      // Without ssf:manage, or without a token.
      await refused(ADD, { stream_id: noneId, subject: opaque('svc-b') }, undefined, await t.tokenFor(['operator']), 403);
      await refused(REMOVE, { stream_id: noneId, subject: opaque('svc-b') }, undefined, '', 401);
      assert.equal(await subjectRows(), rows);
      assert.equal(await ssfEvents(), events);
      // An administrator manages every stream's subjects.
      assert.equal((await add(allId, opaque('svc-d'), t.admin)).status, 200);
      assert.equal(await subjectRows(), rows + 1);
    });

    test('a stream keeps at most MAX_STREAM_SUBJECTS subjects; a subject it names already may change', async () => {
      const have = await count('SELECT COUNT(*) AS n FROM ssf_stream_subjects WHERE stream_id = ?', [allId]);
      const at = new Date().toISOString();
      await insertMany(
        db,
        'ssf_stream_subjects',
        ['stream_id', 'identity_id', 'state', 'subject', 'verified', 'updated_at'],
        Array.from({ length: MAX_STREAM_SUBJECTS - have }, (_, i) => [allId, `filler-${i}`, 'removed', '{}', 1, at]),
      );
      const events = await ssfEvents();
      const full = await add(allId, opaque('one-too-many'));
      assert.equal(full.status, 400, JSON.stringify(full.body));
      assert.equal(full.body.field, '/subject');
      assert.equal(await ssfEvents(), events);
      assert.equal((await add(allId, opaque('filler-0'))).status, 200);
      assert.equal((await remove(allId, opaque('svc-b'))).status, 204);
      await db.run("DELETE FROM ssf_stream_subjects WHERE identity_id LIKE 'filler-%'");
    });

    test("a deleted stream's subjects go with it", async () => {
      assert.ok((await count('SELECT COUNT(*) AS n FROM ssf_stream_subjects WHERE stream_id = ?', [noneId])) > 0);
      assert.equal((await call('DELETE', `/v1/ssf/streams?stream_id=${noneId}`)).status, 204);
      assert.equal(await count('SELECT COUNT(*) AS n FROM ssf_stream_subjects WHERE stream_id = ?', [noneId]), 0);
      assert.equal((await add(noneId, opaque('svc-a'))).status, 404);
    });
  });
}
