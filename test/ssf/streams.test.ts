// Shared Signals (OpenID SSF 1.0) end to end, on both stores: a receiver written here with plain
// fetch-style calls and jose registers streams through the management API, receives pushed SETs
// with its Authorization header (RFC 8935), polls and acknowledges (RFC 8936), asks for
// verification, pauses and resumes; bad input is refused as problem+json with nothing written; the
// SET signing key survives a restart.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { CAEP_EVENTS, POLL, PUSH, SSF_VERIFICATION } from '../../src/core/ssf.js';
import type { Database } from '../../src/store/db.js';
import { testApp, type TestApp } from '../support/app.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const SESSION_REVOKED = CAEP_EVENTS['session-revoked'];
const CLAIMS_CHANGE = CAEP_EVENTS['token-claims-change'];
const CREDENTIAL_CHANGE = CAEP_EVENTS['credential-change'];
const SECRET = `Bearer rcv-${randomBytes(8).toString('hex')}`;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type SetPayload = JWTPayload & { sub_id: { format: string; id: string }; events: Record<string, Record<string, unknown>>; txn?: string };

for (const store of testStores()) {
  describe(`Shared Signals streams (${store.name})`, () => {
    const kek = randomBytes(32);
    const received: Received[] = [];
    let answer = 202;
    let receiver: Server;
    let base = '';
    let db: Database;
    let t: TestApp;
    let rcv = '';
    let rcvUser = '';
    let pushId = '';
    let pollId = '';

    const build = (database: Database) =>
      testApp(database, undefined, { ledger: { kek, origin: 'mandate.test/ledger' }, outbound: { allow: ['http://127.0.0.1'] } });
    const call = (method: string, url: string, body?: unknown, token = rcv) => t.call(method, url, token, body);
    const drain = () => t.app.services.outbox.drain();
    const count = async (table: string) => Number((await db.all<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);

    /** The receiver's check of a SET: signature against the published JWKS, typ, iss, aud; no sub, no exp. */
    async function verified(token: string): Promise<SetPayload> {
      const jwks = createLocalJWKSet((await t.call('GET', '/.well-known/jwks.json', undefined)).body);
      assert.equal(decodeProtectedHeader(token).typ, 'secevent+jwt');
      const issuer = (await t.call('GET', '/.well-known/ssf-configuration', undefined)).body.issuer;
      const { payload } = await jwtVerify(token, jwks, { issuer, audience: rcvUser, typ: 'secevent+jwt' });
      assert.equal(payload.sub, undefined);
      assert.equal(payload.exp, undefined);
      return payload as SetPayload;
    }
    const pushed = () => received.filter((r) => r.path === '/push');
    const setStatus = (id: string, status: string) =>
      call('POST', `/v1/identities/${id}/status`, { status, reason: `test ${status}` }, t.admin);

    before(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          received.push({ path: req.url ?? '', headers: req.headers, body });
          res
            .writeHead(answer, { 'content-type': 'application/json' })
            .end(answer === 400 ? '{"err":"invalid_key","description":"no"}' : '');
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
      db = await store.open();
      t = await build(db);
      rcvUser = 'u-ssf-receiver';
      await t.app.services.users.createUser('test', { id: rcvUser, name: 'SSF receiver', roles: ['ssf_receiver'] });
      rcv = (await t.app.services.users.createToken('test', rcvUser, {})).token;
      const manual = { revocation: { connector: 'manual', target: 'ticket' } } as const;
      const imported = await call(
        'POST',
        '/v1/import',
        smallManifest([
          identity('svc-a', manual),
          identity('svc-b', manual),
          identity('svc-c', manual),
          identity('svc-d', manual),
          identity('svc-x509', { ...manual, credential: { type: 'certificate', created: '2026-01-01T00:00:00Z' } }),
          identity('svc-kp', { ...manual, credential: { type: 'key_pair', created: '2026-01-01T00:00:00Z' } }),
        ]),
        t.admin,
      );
      assert.equal(imported.status, 200, JSON.stringify(imported.body));
    });
    after(async () => {
      await t.app.close();
      receiver.close();
      await store.cleanup();
    });

    test('the transmitter configuration metadata is public', async () => {
      const res = await t.call('GET', '/.well-known/ssf-configuration', undefined);
      assert.equal(res.status, 200);
      const c = res.body;
      assert.equal(c.spec_version, '1_0');
      assert.equal(c.jwks_uri, `${c.issuer}/.well-known/jwks.json`);
      assert.deepEqual(c.delivery_methods_supported, [PUSH, POLL]);
      assert.equal(c.configuration_endpoint, `${c.issuer}/v1/ssf/streams`);
      assert.equal(c.status_endpoint, `${c.issuer}/v1/ssf/status`);
      assert.equal(c.verification_endpoint, `${c.issuer}/v1/ssf/verify`);
      assert.deepEqual(c.authorization_schemes, [{ spec_urn: 'urn:ietf:rfc:6749' }]);
      assert.equal(c.default_subjects, 'ALL');
      assert.equal(c.add_subject_endpoint, `${c.issuer}/v1/ssf/subjects/add`);
      assert.equal(c.remove_subject_endpoint, `${c.issuer}/v1/ssf/subjects/remove`);
    });

    test('a push stream receives the SET of a suspension with its Authorization header', async () => {
      const created = await call('POST', '/v1/ssf/streams', {
        delivery: { method: PUSH, endpoint_url: `${base}/push`, authorization_header: SECRET },
        events_requested: [SESSION_REVOKED, CLAIMS_CHANGE, CREDENTIAL_CHANGE, 'urn:example:unknown'],
        description: 'gateway',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const s = created.body;
      pushId = s.stream_id;
      assert.equal(s.iss, (await t.call('GET', '/.well-known/ssf-configuration', undefined)).body.issuer);
      assert.equal(s.aud, rcvUser);
      assert.deepEqual(s.events_delivered, [SESSION_REVOKED, CLAIMS_CHANGE, CREDENTIAL_CHANGE]);
      assert.deepEqual(s.delivery, { method: PUSH, endpoint_url: `${base}/push` });
      // The header is sealed: neither the row nor the ledger holds it, and no answer shows it.
      const dump = JSON.stringify([
        await db.all('SELECT * FROM ssf_streams'),
        await db.all('SELECT after_doc FROM events WHERE action LIKE ?', ['ssf.%']),
      ]);
      assert.ok(!dump.includes(SECRET.slice(7)), 'the Authorization header is stored sealed');
      assert.ok(!JSON.stringify((await call('GET', `/v1/ssf/streams?stream_id=${pushId}`)).body).includes(SECRET.slice(7)));

      assert.equal((await setStatus('svc-a', 'suspended')).status, 200);
      await drain();
      const got = pushed();
      assert.equal(got.length, 1);
      assert.equal(got[0]!.headers.authorization, SECRET);
      assert.equal(got[0]!.headers['content-type'], 'application/secevent+jwt');
      const set = await verified(got[0]!.body);
      assert.deepEqual(set.sub_id, { format: 'opaque', id: 'svc-a' });
      assert.deepEqual(Object.keys(set.events), [SESSION_REVOKED]);
      assert.equal(typeof set.txn, 'string');
    });

    test('credential-change carries only a registered CAEP credential_type', async () => {
      received.length = 0;
      assert.equal((await setStatus('svc-x509', 'revoked')).status, 200);
      assert.equal((await setStatus('svc-kp', 'revoked')).status, 200);
      await drain();
      const sets = await Promise.all(pushed().map((r) => verified(r.body)));
      const x509 = sets.find((s) => s.sub_id.id === 'svc-x509')!;
      assert.deepEqual(x509.events[CREDENTIAL_CHANGE], {
        ...x509.events[CREDENTIAL_CHANGE],
        credential_type: 'x509',
        change_type: 'revoke',
      });
      // A key pair has no registered credential_type: the receiver is told the sessions are revoked.
      const kp = sets.find((s) => s.sub_id.id === 'svc-kp')!;
      assert.deepEqual(Object.keys(kp.events), [SESSION_REVOKED]);
    });

    test('a poll stream: poll, acknowledge, poll again returns nothing more', async () => {
      const created = await call('POST', '/v1/ssf/streams', { events_requested: [CLAIMS_CHANGE, SESSION_REVOKED] });
      assert.equal(created.status, 201);
      pollId = created.body.stream_id;
      assert.equal(created.body.delivery.method, POLL);
      const pollUrl = created.body.delivery.endpoint_url as string;
      assert.ok(pollUrl.endsWith(`/v1/ssf/streams/${pollId}/poll`));
      const path = new URL(pollUrl).pathname;

      assert.equal((await setStatus('svc-a', 'active')).status, 200);
      await drain();
      const first = await call('POST', path, { returnImmediately: true, maxEvents: 10 });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const jtis = Object.keys(first.body.sets);
      assert.equal(jtis.length, 1);
      const set = await verified(first.body.sets[jtis[0]!]);
      assert.equal(set.jti, jtis[0]);
      assert.deepEqual(set.sub_id, { format: 'opaque', id: 'svc-a' });
      assert.equal((set.events[CLAIMS_CHANGE]!.claims as { status: string }).status, 'active');
      // Not acknowledged: answered again.
      assert.deepEqual(Object.keys((await call('POST', path, { returnImmediately: true })).body.sets), jtis);
      const acked = await call('POST', path, { ack: jtis, returnImmediately: true });
      assert.deepEqual(acked.body, { sets: {} });
      assert.deepEqual((await call('POST', path, { returnImmediately: true })).body, { sets: {} });
      const ev = await db.all<{ after_doc: string }>("SELECT after_doc FROM events WHERE action = 'ssf.sets_acknowledged'");
      assert.deepEqual(JSON.parse(ev.at(-1)!.after_doc).acknowledged, jtis);
      // maxEvents and moreAvailable.
      assert.equal((await setStatus('svc-c', 'suspended')).status, 200);
      assert.equal((await setStatus('svc-d', 'suspended')).status, 200);
      await drain();
      const one = await call('POST', path, { returnImmediately: true, maxEvents: 1 });
      assert.equal(Object.keys(one.body.sets).length, 1);
      assert.equal(one.body.moreAvailable, true);
      const rest = await call('POST', path, { returnImmediately: true, ack: Object.keys(one.body.sets) });
      assert.equal(Object.keys(rest.body.sets).length, 1);
      assert.equal(rest.body.moreAvailable, undefined);
      await call('POST', path, { returnImmediately: true, ack: Object.keys(rest.body.sets) });
      // A long poll is answered when a SET arrives.
      const waiting = call('POST', path, { maxEvents: 5 });
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await setStatus('svc-c', 'active')).status, 200);
      await drain();
      const woke = await waiting;
      assert.equal(Object.keys(woke.body.sets).length, 1);
      await call('POST', path, { returnImmediately: true, ack: Object.keys(woke.body.sets) });
    });

    test('verification event with the receiver state, through the stream delivery; too soon again is 429', async () => {
      received.length = 0;
      const res = await call('POST', '/v1/ssf/verify', { stream_id: pushId, state: 'c3RhdGUtMQ' });
      assert.equal(res.status, 204);
      await drain();
      const set = await verified(pushed()[0]!.body);
      assert.deepEqual(set.sub_id, { format: 'opaque', id: pushId });
      assert.deepEqual(set.events, { [SSF_VERIFICATION]: { state: 'c3RhdGUtMQ' } });
      assert.equal(pushed()[0]!.headers.authorization, SECRET);
      const again = await call('POST', '/v1/ssf/verify', { stream_id: pushId });
      assert.equal(again.status, 429);
      assert.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(again.body.code, 'RATE_LIMITED');
      // On a poll stream the verification SET waits in the queue.
      assert.equal((await call('POST', '/v1/ssf/verify', { stream_id: pollId, state: 'p' })).status, 204);
      await drain();
      const polled = await call('POST', `/v1/ssf/streams/${pollId}/poll`, { returnImmediately: true });
      const [jti, token] = Object.entries(polled.body.sets)[0] as [string, string];
      assert.deepEqual((await verified(token)).events, { [SSF_VERIFICATION]: { state: 'p' } });
      await call('POST', `/v1/ssf/streams/${pollId}/poll`, { returnImmediately: true, ack: [jti] });
    });

    test('paused holds the SETs, enabled releases them; disabled drops them', async () => {
      received.length = 0;
      const paused = await call('POST', '/v1/ssf/status', { stream_id: pushId, status: 'paused', reason: 'maintenance' });
      assert.deepEqual(paused.body, { stream_id: pushId, status: 'paused', reason: 'maintenance' });
      assert.deepEqual((await call('GET', `/v1/ssf/status?stream_id=${pushId}`)).body, paused.body);
      assert.equal((await setStatus('svc-b', 'suspended')).status, 200);
      await drain();
      assert.equal(pushed().length, 0);
      const held = await t.call('GET', '/v1/outbox?status=held', t.admin);
      assert.equal(held.body.items.filter((r: { target: string }) => r.target === pushId).length, 1);

      assert.equal((await call('POST', '/v1/ssf/status', { stream_id: pushId, status: 'enabled' })).status, 200);
      await drain();
      assert.equal(pushed().length, 1);
      assert.equal((await verified(pushed()[0]!.body)).sub_id.id, 'svc-b');

      received.length = 0;
      assert.equal((await call('POST', '/v1/ssf/status', { stream_id: pushId, status: 'disabled' })).status, 200);
      assert.equal((await setStatus('svc-b', 'active')).status, 200);
      await drain();
      assert.equal(pushed().length, 0);
      const queued = await db.all<{ n: number }>(
        "SELECT COUNT(*) AS n FROM outbox WHERE channel = 'ssf' AND target = ? AND status IN ('pending', 'held')",
        [pushId],
      );
      assert.equal(Number(queued[0]!.n), 0);
      assert.equal((await call('POST', '/v1/ssf/status', { stream_id: pushId, status: 'enabled' })).status, 200);
      const events = await db.all<{ action: string }>(
        "SELECT action FROM events WHERE subject_id = ? AND action = 'ssf.stream_status_changed'",
        [pushId],
      );
      assert.equal(events.length, 4);
    });

    test('a receiver refusing a SET with an RFC 8935 error code fails it permanently', async () => {
      answer = 400;
      try {
        await new Promise((r) => setTimeout(r, 10));
        await db.run('UPDATE ssf_streams SET verified_at = NULL WHERE id = ?', [pushId]);
        assert.equal((await call('POST', '/v1/ssf/verify', { stream_id: pushId })).status, 204);
        await drain();
        const failed = await t.call('GET', '/v1/outbox?status=failed', t.admin);
        const row = failed.body.items.find((r: { target: string }) => r.target === pushId);
        assert.match(row.last_error, /refused the SET \(err invalid_key\)/);
        assert.equal(row.attempts, 1);
      } finally {
        answer = 202;
      }
    });

    test('update (PATCH), replace (PUT) and delete', async () => {
      const patched = await call('PATCH', '/v1/ssf/streams', {
        stream_id: pushId,
        events_requested: [SESSION_REVOKED],
        description: 'narrower',
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.deepEqual(patched.body.events_delivered, [SESSION_REVOKED]);
      assert.equal(patched.body.description, 'narrower');
      assert.equal(patched.body.delivery.endpoint_url, `${base}/push`);
      // Transmitter-supplied members may be echoed, but must match.
      const wrong = await call('PATCH', '/v1/ssf/streams', { stream_id: pushId, iss: 'https://elsewhere.example' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.field, '/iss');
      // The header survives a PATCH that keeps the push target.
      received.length = 0;
      assert.equal((await setStatus('svc-d', 'active')).status, 200);
      assert.equal((await setStatus('svc-d', 'suspended')).status, 200);
      await drain();
      assert.equal(pushed().length, 1, 'only session-revoked is delivered now');
      assert.equal(pushed()[0]!.headers.authorization, SECRET);

      const replaced = await call('PUT', '/v1/ssf/streams', { stream_id: pushId, ...patched.body, description: undefined });
      assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
      assert.equal(replaced.body.description, undefined);
      const row = (
        await db.all<{ sealed_authorization: string | null }>('SELECT sealed_authorization FROM ssf_streams WHERE id = ?', [pushId])
      )[0]!;
      assert.equal(row.sealed_authorization, null, 'PUT without the header removes it');

      const list = await call('GET', '/v1/ssf/streams');
      assert.deepEqual(list.body.map((s: { stream_id: string }) => s.stream_id).sort(), [pushId, pollId].sort());
      assert.equal((await call('DELETE', `/v1/ssf/streams?stream_id=${pushId}`)).status, 204);
      const gone = await call('GET', `/v1/ssf/streams?stream_id=${pushId}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.code, 'NOT_FOUND');
      const actions = (await db.all<{ action: string }>('SELECT action FROM events WHERE subject_id = ? ORDER BY seq', [pushId])).map(
        (e) => e.action,
      );
      assert.deepEqual(
        actions.filter((a) => a.startsWith('ssf.stream_')),
        [
          'ssf.stream_created',
          ...Array(4).fill('ssf.stream_status_changed'),
          'ssf.stream_updated',
          'ssf.stream_updated',
          'ssf.stream_deleted',
        ],
      );
    });

    test('bad input is refused as problem+json and nothing is written', async () => {
      const streams = await count('ssf_streams');
      const ssfEvents = async () =>
        Number((await db.all<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE action LIKE 'ssf.%'"))[0]!.n);
      const events = await ssfEvents();
      const refused = async (body: unknown, field: string) => {
        const res = await call('POST', '/v1/ssf/streams', body);
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        assert.equal(res.body.code, 'VALIDATION_FAILED');
        assert.equal(res.body.field, field);
        return res;
      };
      await refused({ delivery: { method: 'urn:example:carrier-pigeon', endpoint_url: 'https://r.example/x' } }, '/delivery/method');
      const plain = await refused({ delivery: { method: PUSH, endpoint_url: 'http://receiver.example/events' } }, '/delivery/endpoint_url');
      assert.match(plain.body.detail, /must be https/);
      const priv = await refused({ delivery: { method: PUSH, endpoint_url: 'https://10.1.2.3/events' } }, '/delivery/endpoint_url');
      assert.match(priv.body.detail, /private/);
      await refused({ delivery: { method: PUSH } }, '/delivery/endpoint_url');
      await refused({ delivery: { method: POLL, authorization_header: 'Bearer x' } }, '/delivery/authorization_header');
      const extra = await call('POST', '/v1/ssf/streams', { stream_id: 'mine' });
      assert.equal(extra.status, 400);
      assert.equal(await count('ssf_streams'), streams);
      assert.equal(await ssfEvents(), events);

      // Without the permission, or another receiver's stream.
      assert.equal((await call('GET', '/v1/ssf/streams', undefined, await t.tokenFor(['operator']))).status, 403);
      assert.equal((await call('GET', '/v1/ssf/streams')).status, 200);
      const other = await t.tokenFor(['ssf_receiver']);
      assert.equal((await call('GET', `/v1/ssf/status?stream_id=${pollId}`, undefined, other)).status, 404);
      assert.deepEqual((await call('GET', '/v1/ssf/streams', undefined, other)).body, []);
      assert.equal((await call('POST', `/v1/ssf/streams/${pollId}/poll`, { returnImmediately: true }, other)).status, 404);
      // An admin sees every stream.
      assert.equal((await call('GET', `/v1/ssf/status?stream_id=${pollId}`, undefined, t.admin)).status, 200);
    });

    test('the SET signing key is persisted: a restart on the same database keeps its kid', async () => {
      const before = await t.app.services.setKeys.current();
      assert.ok(before.kid.startsWith('set_'));
      const jwks = (await t.call('GET', '/.well-known/jwks.json', undefined)).body.keys.map((k: { kid: string }) => k.kid);
      assert.ok(jwks.includes(before.kid));
      await t.app.close();
      t = await build(db);
      const afterKid = (await t.app.services.setKeys.current()).kid;
      assert.equal(afterKid, before.kid);
      assert.ok((await t.call('GET', '/.well-known/jwks.json', undefined)).body.keys.some((k: { kid: string }) => k.kid === before.kid));
      // A SET signed after the restart verifies with the same published key.
      rcv = (await t.app.services.users.createToken('test', rcvUser, {})).token;
      await db.run('UPDATE ssf_streams SET verified_at = NULL WHERE id = ?', [pollId]);
      assert.equal((await call('POST', '/v1/ssf/verify', { stream_id: pollId })).status, 204);
      await drain();
      const polled = await call('POST', `/v1/ssf/streams/${pollId}/poll`, { returnImmediately: true });
      const token = Object.values(polled.body.sets)[0] as string;
      assert.equal(decodeProtectedHeader(token).kid, before.kid);
      await verified(token);
    });
  });
}
