// Key rotation on both stores: token and SET keys rotate now with overlap in the JWKS; the ledger key
// hands over inside the log and the offline verifier follows it from the old key (and refuses a
// forged rotation); the key-encryption key is re-sealed against the store and the old one refused.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { loadServerConfig } from '../../src/config.js';
import { openCheckpoint, signCheckpoint, verifierKey } from '../../src/ledger/checkpoint.js';
import { openKey, sealKey } from '../../src/ledger/keys.js';
import { appendEvents } from '../../src/ledger/log.js';
import { rootHash } from '../../src/ledger/merkle.js';
import { treeSize, withTree } from '../../src/ledger/tree.js';
import { verifyLedgerFile } from '../../src/ledger/verify.js';
import { verifyPack } from '../../src/evidence/verify.js';
import { smallManifest } from '../support/fixtures.js';
import { startServer } from '../../src/server/start.js';
import { kekFingerprint } from '../../src/state/deployment.js';
import type { Database } from '../../src/store/db.js';
import { testApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { testStores } from '../support/stores.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-rotation-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function exportTo(t: TestApp): Promise<string> {
  const lines: string[] = [];
  await t.app.services.ledger.export((l) => void lines.push(l));
  const file = join(dir, `export-${files++}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function seed(db: Database, n: number, tag: string): Promise<void> {
  await db.transaction((tx) =>
    appendEvents(
      tx,
      new Date().toISOString(),
      Array.from({ length: n }, (_, i) => ({
        actor: 'user:test',
        action: 'test.appended',
        subject: { type: 'test', id: `${tag}-${i}` },
        after: { n: i },
      })),
    ),
  );
}

for (const store of testStores()) {
  describe(`key rotation on ${store.name}`, () => {
    let db: Database;
    let t: TestApp;
    let now = Date.parse('2026-12-07T09:00:00.000Z');
    const clock = () => new Date(now);
    const KEK = randomBytes(32);
    const ORIGIN = 'mandate.test/rotation';

    before(async () => {
      db = await store.open();
      t = await testApp(db, clock, { ledger: { kek: KEK, origin: ORIGIN } });
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test('token and SET keys rotate now: a ledger event, old and new in the JWKS, older tokens verify until they expire', async () => {
      for (const [purpose, keys] of [
        ['token', t.app.services.keys],
        ['set', t.app.services.setKeys],
      ] as const) {
        const old = await keys.current();
        // A token signed by the key about to retire (through its signer: the private half is never handed out).
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const input = `${b64({ alg: 'EdDSA', kid: old.kid })}.${b64({ sub: 'svc-a', iat: now / 1000, exp: now / 1000 + 300 })}`;
        const jwt = `${input}.${(await old.signer.sign(Buffer.from(input))).toString('base64url')}`;
        const viewer = await t.tokenFor(['viewer']);
        assert.equal((await t.call('POST', `/v1/keys/${purpose}/rotate`, viewer, {})).status, 403);
        const r = await t.call('POST', `/v1/keys/${purpose}/rotate`, t.admin, { reason: 'scheduled' });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.purpose, purpose);
        assert.notEqual(r.body.kid, old.kid);
        assert.equal((await keys.current()).kid, r.body.kid);
        const jwks = (await t.call('GET', '/.well-known/jwks.json', undefined)).body as { keys: { kid: string; d?: string }[] };
        const kids = jwks.keys.map((k) => k.kid);
        assert.ok(kids.includes(old.kid) && kids.includes(r.body.kid), `${kids}`);
        assert.ok(jwks.keys.every((k) => k.d === undefined));
        await jwtVerify(jwt, createLocalJWKSet(jwks as never), { currentDate: new Date(now) });
        const [event] = await db.all<{ actor: string; after_doc: string; before_doc: string }>(
          "SELECT actor, after_doc, before_doc FROM events WHERE action = 'signing_key.rotated' AND subject_id = ?",
          [r.body.kid],
        );
        assert.ok(event, 'a signing_key.rotated event');
        assert.match(event.actor, /^user:/);
        assert.deepEqual(JSON.parse(event.before_doc).retired, [old.kid]);
      }
      // GET /v1/keys: every key with its dates and public half, no private material.
      const list = await t.call('GET', '/v1/keys', t.admin);
      assert.equal(list.status, 200);
      const purposes = new Set(list.body.items.map((k: { purpose: string }) => k.purpose));
      assert.ok(purposes.has('token') && purposes.has('set'));
      assert.ok(list.body.items.some((k: { retired_at: string | null }) => k.retired_at !== null));
      assert.doesNotMatch(JSON.stringify(list.body), /sealed|private|"d":/);
      // Past a token lifetime the retired token key leaves the JWKS.
      const retired = list.body.items.find((k: { purpose: string; retired_at: string | null }) => k.purpose === 'token' && k.retired_at);
      now += 2 * 3600_000;
      await t.app.services.keys.reload();
      const later = (await t.call('GET', '/.well-known/jwks.json', undefined)).body as { keys: { kid: string }[] };
      assert.ok(!later.keys.some((k) => k.kid === retired.kid));
      // The KEK is never rotated over HTTP.
      const kek = await t.call('POST', '/v1/keys/kek/rotate', t.admin, {});
      assert.equal(kek.status, 400);
      assert.match(kek.body.detail, /not rotated over HTTP/);
      // The CLI: mandate keys list / rotate, against the server.
      const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const env = { MANDATE_URL: url, MANDATE_TOKEN: t.admin };
      const rotated = await runCli(['keys', 'rotate', 'set', '--reason', 'drill'], env);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stdout, /^rotated the set key: set_/);
      const listed = await runCli(['keys', 'list'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /purpose\s+kid\s+created_at\s+retired_at\s+public_key/i);
      assert.ok(listed.stdout.includes(rotated.stdout.match(/set_[\w-]+/)![0]));
      const bad = await runCli(['keys', 'rotate', 'hsm'], env);
      assert.equal(bad.code, 2);
      const kekOverHttp = await runCli(['keys', 'rotate', 'kek'], env);
      assert.equal(kekOverHttp.code, 2);
      assert.match(kekOverHttp.stderr, /--new-kek-file/);
    });

    test('the ledger key hands over in the log, and the offline verifier follows it from the old key', async () => {
      const ledger = t.app.services.ledger;
      await seed(db, 12, 'a');
      const k0 = (await ledger.logKey()).verifierKey;
      await ledger.checkpoint();
      const r = await t.call('POST', '/v1/keys/ledger/rotate', t.admin, { reason: 'yearly' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const k1 = r.body.public_key as string;
      assert.equal(r.body.from, k0);
      assert.notEqual(k1, k0);
      assert.equal((await ledger.logKey()).verifierKey, k1);
      // The event {from, to}, and a checkpoint by the OLD key that covers it.
      const [ev] = await db.all<{ seq: number; after_doc: string }>(
        "SELECT seq, after_doc FROM events WHERE action = 'ledger.key_rotated'",
      );
      assert.deepEqual(JSON.parse(ev!.after_doc), { from: k0, to: k1 });
      assert.equal(r.body.seq, Number(ev!.seq));
      const handover = openCheckpoint(r.body.checkpoint.note, k0);
      assert.equal(handover.size, Number(ev!.seq));
      assert.throws(() => openCheckpoint(r.body.checkpoint.note, k1));
      // The new key signs from now on, and every checkpoint names its key (name and key id on the signature line).
      await seed(db, 5, 'b');
      const next = await ledger.checkpoint();
      assert.equal(openCheckpoint(next.note, k1).size, handover.size + 5);
      assert.throws(() => openCheckpoint(next.note, k0), /not signed by/);
      assert.match(next.note, new RegExp(`\\n\u2014 ${ORIGIN} `));
      const listed = (await t.call('GET', '/v1/keys', t.admin)).body.items.filter((k: { purpose: string }) => k.purpose === 'ledger');
      assert.deepEqual(
        listed.map((k: { public_key: string; retired_at: string | null }) => [k.public_key, k.retired_at === null]),
        [
          [k1, true],
          [k0, false],
        ],
      );
      // A second rotation: a chain of three keys.
      const r2 = await t.call('POST', '/v1/keys/ledger/rotate', t.admin, {});
      const k2 = r2.body.public_key as string;
      await seed(db, 3, 'c');
      const file = await exportTo(t);
      for (const key of [k0, k1, k2, undefined]) {
        const report = await verifyLedgerFile(file, key ? { key } : {});
        assert.deepEqual(report.problems, [], `verified with ${key ?? 'the file key'}`);
        assert.ok(report.checkpoints >= 4);
      }
      // The CLI verifier with the old key pinned nowhere but given.
      const cli = await runCli(['ledger', 'verify', file, '--key', k0]);
      assert.equal(cli.code, 0, cli.stderr + cli.stdout);
      // An evidence pack signed by the newest key verifies against the first: it carries the rotations.
      assert.equal((await t.call('POST', '/v1/import', t.admin, smallManifest())).status, 200);
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/evidence-packs',
        headers: { authorization: `Bearer ${t.admin}` },
        payload: { entity: 'ent-de', jurisdiction: 'DE' },
      });
      assert.equal(res.statusCode, 200, res.body);
      for (const key of [k0, k1, k2]) {
        const pack = await verifyPack(res.rawPayload, { key });
        assert.deepEqual(
          pack.problems.filter((p) => !/OSCAL/.test(p)),
          [],
          `pack verified with ${key}`,
        );
      }
      const forged = await verifyPack(res.rawPayload, { key: verifierKey(ORIGIN, generateKeyPairSync('ed25519').publicKey) });
      assert.ok(forged.problems.some((p) => /no rotation from it leads there/.test(p)));
    });

    test('a forged rotation is refused: a new key no verified rotation names, or an old key signing past its rotation', async () => {
      const ledger = t.app.services.ledger;
      const trusted = (await ledger.logKey()).verifierKey;
      await ledger.checkpoint();
      const evil = generateKeyPairSync('ed25519');
      const evilKey = verifierKey(ORIGIN, evil.publicKey);
      // Someone who can write the store but has no key: a rotation event to their key, and a
      // checkpoint by it. No checkpoint by a trusted key covers the event.
      await db.transaction((tx) =>
        appendEvents(tx, clock().toISOString(), [
          {
            actor: 'mandate',
            action: 'ledger.key_rotated',
            subject: { type: 'ledger_key', id: 'lk_forged' },
            after: { from: trusted, to: evilKey },
          },
        ]),
      );
      await seed(db, 2, 'forged');
      const size = await treeSize(db);
      const root = await withTree(db, (src) => rootHash(src, size));
      await db.run('INSERT INTO ledger_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)', [
        size,
        root.toString('hex'),
        signCheckpoint({ origin: ORIGIN, size, root }, ORIGIN, evil.privateKey, evil.publicKey),
        clock().toISOString(),
      ]);
      let report = await verifyLedgerFile(await exportTo(t), { key: trusted });
      assert.equal(report.ok, false);
      assert.ok(
        report.problems.some((p) => p.kind === 'signature' && /no verified key rotation names: refused/.test(p.message)),
        JSON.stringify(report.problems),
      );
      // A checkpoint by a key no rotation names at all.
      const other = generateKeyPairSync('ed25519');
      await seed(db, 1, 'other');
      const size2 = await treeSize(db);
      const root2 = await withTree(db, (src) => rootHash(src, size2));
      await db.run('INSERT INTO ledger_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)', [
        size2,
        root2.toString('hex'),
        signCheckpoint({ origin: ORIGIN, size: size2, root: root2 }, ORIGIN, other.privateKey, other.publicKey),
        clock().toISOString(),
      ]);
      report = await verifyLedgerFile(await exportTo(t), { key: trusted });
      assert.ok(report.problems.some((p) => p.kind === 'signature' && /not signed by/.test(p.message)));
      await db.run('DELETE FROM ledger_checkpoints WHERE size >= ?', [size]);
    });

    test('the KEK rotates against the store: every sealed key re-sealed, kek.rotated recorded, the old KEK then refused', async () => {
      const newKek = randomBytes(32);
      const kekFile = join(dir, `new-${store.name}.kek`);
      writeFileSync(kekFile, `${newKek.toString('base64')}\n`, { mode: 0o600 });
      const before = await db.all<{ kid: string; sealed_private: string }>('SELECT kid, sealed_private FROM signing_keys');
      // A sealed value of another kind: a sign-in request's PKCE verifier (and one with nothing sealed).
      await db.run('INSERT INTO signin_requests (id, kind, sealed, created_at, expires_at) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)', [
        'sr-1',
        'authorization',
        sealKey(KEK, 'signin:sr-1', Buffer.from('the verifier')),
        clock().toISOString(),
        clock().toISOString(),
        'sr-2',
        'loopback',
        '',
        clock().toISOString(),
        clock().toISOString(),
      ]);
      const saved = process.env.MANDATE_KEK;
      process.env.MANDATE_KEK = KEK.toString('base64');
      let r: Awaited<ReturnType<typeof runCli>>;
      try {
        // A wrong new KEK file is refused before anything changes.
        const bad = await runCli(['keys', 'rotate', 'kek', '--new-kek-file', join(dir, 'absent.kek'), '--db', store.url()]);
        assert.equal(bad.code, 2);
        r = await runCli(['--json', 'keys', 'rotate', 'kek', '--new-kek-file', kekFile, '--db', store.url(), '--reason', 'drill']);
      } finally {
        if (saved === undefined) delete process.env.MANDATE_KEK;
        else process.env.MANDATE_KEK = saved;
      }
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { from: string; to: string; resealed: number };
      assert.equal(out.from, kekFingerprint(KEK));
      assert.equal(out.to, kekFingerprint(newKek));
      const ledgerKeys = await db.all<{ id: string; encrypted_private: string }>('SELECT id, encrypted_private FROM ledger_keys');
      assert.equal(out.resealed, before.length + ledgerKeys.length + 1);
      const [sr] = await db.all<{ sealed: string }>("SELECT sealed FROM signin_requests WHERE id = 'sr-1'");
      assert.equal(openKey(newKek, 'signin:sr-1', sr!.sealed).toString(), 'the verifier');
      await db.run("DELETE FROM signin_requests WHERE id IN ('sr-1', 'sr-2')");
      for (const row of await db.all<{ kid: string; sealed_private: string }>('SELECT kid, sealed_private FROM signing_keys')) {
        assert.ok(openKey(newKek, row.kid, row.sealed_private).length > 0);
        assert.throws(() => openKey(KEK, row.kid, row.sealed_private), /wrong key-encryption key/);
      }
      for (const row of ledgerKeys) assert.ok(openKey(newKek, row.id, row.encrypted_private).length > 0);
      const [ev] = await db.all<{ before_doc: string; after_doc: string; reason: string }>(
        "SELECT before_doc, after_doc, reason FROM events WHERE action = 'kek.rotated'",
      );
      assert.deepEqual(JSON.parse(ev!.before_doc), { fingerprint: kekFingerprint(KEK) });
      assert.equal(JSON.parse(ev!.after_doc).fingerprint, kekFingerprint(newKek));
      assert.equal(ev!.reason, 'drill');
      // The KEK in use is listed by its fingerprint.
      const listed = (await t.call('GET', '/v1/keys', t.admin)).body.items.filter((k: { purpose: string }) => k.purpose === 'kek');
      assert.deepEqual(
        listed.map((k: { public_key: string }) => k.public_key),
        [kekFingerprint(newKek)],
      );
      assert.ok(!JSON.stringify(ev).includes(newKek.toString('base64').slice(0, 20)));
      // A server with the old KEK refuses to start; with the new one it starts and signs.
      const env = (kek: Buffer) => ({ MANDATE_KEK: kek.toString('base64'), MANDATE_LEDGER_ORIGIN: ORIGIN, MANDATE_LOG_LEVEL: 'error' });
      await assert.rejects(startServer(loadServerConfig({ db: store.url(), port: '0' }, env(KEK)), clock), (err: Error) => {
        assert.match(err.message, /MANDATE_KEK is not the one this store was set up with/);
        return true;
      });
      const s = await startServer(loadServerConfig({ db: store.url(), port: '0' }, env(newKek)), clock);
      try {
        await seed(db, 1, 'after-kek');
        const cp = await s.app.services.ledger.checkpoint();
        assert.equal(openCheckpoint(cp.note, (await s.app.services.ledger.logKey()).verifierKey).size, await treeSize(db));
        const current = (await s.app.services.keys.current()).kid;
        const jwks = (await (await fetch(`${s.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
        assert.ok(
          jwks.keys.some((k) => k.kid === current),
          JSON.stringify(jwks),
        );
      } finally {
        await s.close();
      }
    });
  });
}
