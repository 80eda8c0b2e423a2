// No secret reaches the SIEM: the stream carries ledger events as they are, so this drives the
// paths that make or use a secret (the bootstrap and a person's API token, a legacy static secret
// and the token it gets, a refused token request, a sign-in session with its CSRF token) and checks
// that no value, nor its SHA-256, is in what the OTLP receiver got. (Events name tokens by id and
// credentials by id or public key; hashes stay in their tables.)
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import { otlpSink } from '../../src/siem/otlp.js';
import { siemStreamer } from '../../src/siem/streamer.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp } from '../support/app.js';
import { testStores } from '../support/stores.js';
import { otlpReceiver } from './otlp-receiver.js';
import { memoryLog } from './support.js';

const store = testStores()[0]!;
after(() => store.cleanup());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const sha256 = (s: string) => createHash('sha256').update(s).digest();

test('no token, secret or session value, nor its hash, is in the SIEM stream', async () => {
  const t = await testApp(await store.open(), undefined, { sso: true });
  const secrets: string[] = [t.admin];
  try {
    const m = smallManifest([
      identity('legacy-batch', { function: 'reconciliation', credential: { type: 'static_secret', created: '2024-01-01T00:00:00Z' } }),
    ]);
    assert.equal((await t.call('POST', '/v1/import', t.admin, m)).status, 200);
    const reg = await t.call('POST', '/v1/identities/legacy-batch/credentials', t.admin, { type: 'static_secret' });
    assert.equal(reg.status, 201);
    secrets.push(reg.body.secret);
    const ok = await t.call(
      'POST',
      '/v1/token',
      undefined,
      form({ grant_type: 'client_credentials', client_id: 'legacy-batch', client_secret: reg.body.secret }),
      FORM,
    );
    assert.equal(ok.status, 200);
    secrets.push(ok.body.access_token, ok.body.access_token.split('.')[2]);
    const refused = `${reg.body.secret}-wrong`;
    secrets.push(refused);
    await t.call(
      'POST',
      '/v1/token',
      undefined,
      form({ grant_type: 'client_credentials', client_id: 'legacy-batch', client_secret: refused }),
      FORM,
    );
    const person = await t.call('POST', '/v1/users', t.admin, { id: 'carol', name: 'Carol', roles: ['viewer'] });
    assert.equal(person.status, 201);
    secrets.push(await t.tokenFor(['operator']));
    const session = await t.signIn('ana');
    secrets.push(session.secret, session.csrf);

    const receiver = await otlpReceiver();
    const s = siemStreamer({ db: t.db, sinks: [otlpSink({ url: receiver.url })], log: memoryLog(), pollMs: 100 });
    await s.start();
    await s.drain(30_000);
    await s.stop();
    await receiver.close();
    const streamed = JSON.stringify(receiver.accepted.map((r) => r.body));
    const actions = new Set(
      receiver.accepted.flatMap((r) => r.body.resourceLogs[0].scopeLogs[0].logRecords.map((lr: any) => lr.attributes[1].value.stringValue)),
    );
    for (const a of ['token.created', 'credential.registered', 'token.issued', 'session.started'])
      assert.ok(actions.has(a), `the stream has ${a} events (got ${[...actions].join(', ')})`);
    for (const secret of secrets) {
      assert.ok(secret && secret.length >= 16, 'a secret to look for');
      assert.ok(!streamed.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the stream`);
      for (const digest of [sha256(secret).toString('hex'), sha256(secret).toString('base64url')])
        assert.ok(!streamed.includes(digest), `the SHA-256 of a secret (${secret.slice(0, 6)}…) is in the stream`);
    }
    // Nothing that looks like a Mandate secret or a signed JWT, whoever made it.
    assert.doesNotMatch(streamed, /md[ts]_[A-Za-z0-9_-]{20,}/);
    assert.doesNotMatch(streamed, /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{20,}/);
  } finally {
    await t.app.close();
  }
});
