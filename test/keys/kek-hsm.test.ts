// The key-encryption key under an HSM (MANDATE_KEK_SOURCE=hsm), against a real SoftHSM2 token made
// in a temp dir for each test: the store holds only the data key wrapped by the token's AES key;
// two starts share the store and the HSM, and nothing else (no KEK file is made); what one seals the
// next opens; the wrapped bytes open nothing; a wrong PIN or another token refuses the start.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadServerConfig } from '../../src/config.js';
import { hsmKek, KEK_WRAPPED, KEK_WRAPPING_LABEL, rotateHsmKek } from '../../src/keys/kek-hsm.js';
import { openKey, parseKek, sealKey } from '../../src/ledger/keys.js';
import { appendEvents } from '../../src/ledger/log.js';
import { verifyLedgerFile } from '../../src/ledger/verify.js';
import { startServer } from '../../src/server/start.js';
import { KEK_FINGERPRINT, kekFingerprint, readDeployment } from '../../src/state/deployment.js';
import type { Database } from '../../src/store/db.js';
import { runCli } from '../support/cli.js';
import { testStores } from '../support/stores.js';
import { SOFTHSM_MODULE, softhsm } from '../support/softhsm.js';

const MODULE = SOFTHSM_MODULE;

const refusal = (field: string, text: RegExp) => (e: Error & { code?: string; field?: string }) =>
  e.code === 'VALIDATION_FAILED' && e.field === field && text.test(e.message);

type Hsm = ReturnType<typeof softhsm>;

/** The settings a server under the HSM starts with, and `mandate keys rotate kek` reads. */
const hsmEnv = (hsm: Hsm, dir: string): Record<string, string> => ({
  MANDATE_KEK_SOURCE: 'hsm',
  MANDATE_KEK_FILE: join(dir, 'kek'),
  MANDATE_KEY_STORE: 'pkcs11',
  MANDATE_PKCS11_MODULE: MODULE,
  MANDATE_PKCS11_TOKEN: hsm.label,
  MANDATE_PKCS11_PIN_FILE: hsm.pinFile,
  MANDATE_LOG_LEVEL: 'error',
});

/** The CLI in this process reads its settings from process.env, as from an operator's shell: set for one call. */
async function cliWith(env: Record<string, string>, args: string[]): Promise<Awaited<ReturnType<typeof runCli>>> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await runCli(args);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The data key the store's wrapped value unwraps to, through a key store of its own (closed after). */
async function dataKey(db: Database, hsm: Hsm): Promise<Buffer> {
  const ks = hsm.store();
  try {
    return await hsmKek(db, { store: ks, token: hsm.label, pinVar: 'MANDATE_PKCS11_PIN_FILE' });
  } finally {
    ks.close();
  }
}

/** Everything a KEK rotation could change, to compare before and after. */
const everything = async (db: Database) =>
  JSON.stringify(
    await Promise.all(
      ['deployment', 'events', 'signing_keys', 'ledger_keys', 'signin_requests'].map((t) => db.all(`SELECT * FROM ${t} ORDER BY 1`)),
    ),
  );

/** A sign-in request's sealed PKCE verifier: a secret sealed under the KEK, as the server seals one. */
async function sealedRequest(db: Database, id: string, sealed: string): Promise<void> {
  const at = new Date().toISOString();
  await db.run('INSERT INTO signin_requests (id, kind, sealed, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
    id,
    'authorization',
    sealed,
    at,
    at,
  ]);
}

for (const store of testStores()) {
  describe(`the KEK wrapped by an HSM (SoftHSM2, ${store.name})`, () => {
    after(() => store.cleanup());

    test('two starts share only the store and the HSM: no KEK file, sealed values open across restarts', async () => {
      const hsm = softhsm();
      const dir = mkdtempSync(join(tmpdir(), 'mandate-kek-hsm-srv-'));
      const db = await store.open();
      const env = {
        MANDATE_KEK_SOURCE: 'hsm',
        MANDATE_KEK_FILE: join(dir, 'kek'),
        MANDATE_KEY_STORE: 'pkcs11',
        MANDATE_PKCS11_MODULE: MODULE,
        MANDATE_PKCS11_TOKEN: hsm.label,
        MANDATE_PKCS11_PIN_FILE: hsm.pinFile,
        MANDATE_LOG_LEVEL: 'error',
      };
      try {
        for (let start = 0; start < 2; start++) {
          const s = await startServer(loadServerConfig({ db: store.url(), port: '0' }, env));
          await s.close();
        }
        assert.deepEqual(readdirSync(dir), [], 'no KEK file is made');
        const facts = await readDeployment(db);
        assert.match(facts[KEK_WRAPPED]!, /^p1:[^:]+:[^:]+$/);
        const created = await db.all<{ after_doc: string }>("SELECT after_doc FROM events WHERE action = 'kek.created'");
        assert.equal(created.length, 1, 'one evidence event, at the first start');
        assert.equal(JSON.parse(created[0]!.after_doc).fingerprint, facts[KEK_FINGERPRINT]);
        // What one server (a store instance, a session) seals, the next one opens: the same data key.
        const unwrap = async () => {
          const ks = hsm.store();
          try {
            return await hsmKek(db, { store: ks, token: hsm.label, pinVar: 'MANDATE_PKCS11_PIN_FILE' });
          } finally {
            ks.close();
          }
        };
        const key = await unwrap();
        assert.equal(kekFingerprint(key), facts[KEK_FINGERPRINT], 'the fingerprint is the data key’s');
        const sealed = sealKey(key, 'ses_1:refresh', Buffer.from('refresh-token'));
        assert.equal(openKey(await unwrap(), 'ses_1:refresh', sealed).toString(), 'refresh-token');
        // The wrapped bytes are not the key and open nothing: nor does any 32 bytes of them.
        const body = Buffer.from(facts[KEK_WRAPPED]!.split(':')[2]!, 'base64');
        assert.equal(body.length, 48);
        for (const candidate of [body.subarray(0, 32), body.subarray(16, 48)]) {
          assert.notDeepEqual(candidate, key);
          assert.throws(() => openKey(candidate, 'ses_1:refresh', sealed));
        }
        // The data key itself is nowhere in the store: not in the facts, not in the log.
        const everything = JSON.stringify([
          await db.all('SELECT * FROM deployment'),
          await db.all('SELECT * FROM events'),
          await db.all('SELECT * FROM ledger_keys'),
        ]);
        for (const enc of ['base64', 'hex', 'base64url'] as const) assert.ok(!everything.includes(key.toString(enc)), enc);
        // A wrong PIN: the start is refused, naming the variable.
        writeFileSync(hsm.pinFile, '999999\n');
        await assert.rejects(
          startServer(loadServerConfig({ db: store.url(), port: '0' }, env)),
          refusal('MANDATE_PKCS11_PIN_FILE', /refusing to start: MANDATE_KEK_SOURCE=hsm and the HSM cannot .*the token refused the PIN/),
        );
        assert.deepEqual(readdirSync(dir), []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        hsm.cleanup();
      }
    });

    test('another token, with or without a wrapping key of its own, refuses the start', async () => {
      const first = softhsm();
      const db = await store.open();
      const ks = first.store();
      const opts = { token: 'mandate', pinVar: 'MANDATE_PKCS11_PIN_FILE' };
      await hsmKek(db, { store: ks, ...opts });
      ks.close();
      first.cleanup();
      // Another HSM, its token under the same label: it holds no wrapping key.
      const other = softhsm();
      try {
        const bare = other.store();
        await assert.rejects(
          hsmKek(db, { store: bare, ...opts }),
          refusal('MANDATE_PKCS11_TOKEN', /holds no secret key labelled mandate-kek/),
        );
        bare.close();
        // It has a wrapping key of its own (another deployment's): it does not unwrap this store's key.
        const own = other.store();
        own.kek('mandate-kek').seal('x', Buffer.from('y'));
        await assert.rejects(hsmKek(db, { store: own, ...opts }), refusal('MANDATE_PKCS11_TOKEN', /does not unwrap this store's data key/));
        own.close();
        // Through the server too.
        const env = {
          MANDATE_KEK_SOURCE: 'hsm',
          MANDATE_KEK_FILE: join(other.dir, 'kek'),
          MANDATE_KEY_STORE: 'pkcs11',
          MANDATE_PKCS11_MODULE: MODULE,
          MANDATE_PKCS11_TOKEN: other.label,
          MANDATE_PKCS11_PIN_FILE: other.pinFile,
          MANDATE_LOG_LEVEL: 'error',
        };
        await assert.rejects(
          startServer(loadServerConfig({ db: store.url(), port: '0' }, env)),
          refusal('MANDATE_PKCS11_TOKEN', /MANDATE_PKCS11_TOKEN/),
        );
        assert.ok(!existsSync(join(other.dir, 'kek')));
      } finally {
        other.cleanup();
      }
    });

    test('a store set up with a KEK file is not silently given a new HSM data key; bad settings refuse', async () => {
      const hsm = softhsm();
      const dir = mkdtempSync(join(tmpdir(), 'mandate-kek-hsm-srv-'));
      const db = await store.open();
      const base = {
        MANDATE_KEK_FILE: join(dir, 'kek'),
        MANDATE_KEY_STORE: 'pkcs11',
        MANDATE_PKCS11_MODULE: MODULE,
        MANDATE_PKCS11_TOKEN: hsm.label,
        MANDATE_PKCS11_PIN_FILE: hsm.pinFile,
        MANDATE_LOG_LEVEL: 'error',
      };
      try {
        await (await startServer(loadServerConfig({ db: store.url(), port: '0' }, base))).close();
        assert.ok(existsSync(join(dir, 'kek')));
        await assert.rejects(
          startServer(loadServerConfig({ db: store.url(), port: '0' }, { ...base, MANDATE_KEK_SOURCE: 'hsm' })),
          refusal('MANDATE_KEK_SOURCE', /set up with a key-encryption key from MANDATE_KEK/),
        );
        assert.equal((await readDeployment(db))[KEK_WRAPPED], undefined, 'nothing wrapped was stored');
        assert.throws(
          () => loadServerConfig({ db: store.url(), port: '0' }, { MANDATE_KEK_SOURCE: 'hsm' }),
          refusal('MANDATE_KEK_SOURCE', /needs MANDATE_KEY_STORE=pkcs11/),
        );
        assert.throws(
          () => loadServerConfig({ db: store.url(), port: '0' }, { ...base, MANDATE_KEK_SOURCE: 'hsm', MANDATE_KEK: 'a'.repeat(44) }),
          refusal('MANDATE_KEK', /give one KEK source/),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
        hsm.cleanup();
      }
    });

    test('rotate kek under the HSM: a new data key re-seals everything in one kek.rotated; the next start opens every key', async () => {
      const hsm = softhsm();
      const dir = mkdtempSync(join(tmpdir(), 'mandate-kek-hsm-rot-'));
      const db = await store.open();
      const env = hsmEnv(hsm, dir);
      try {
        // A server made the data key, its token keys in the HSM, and signed a checkpoint with its HSM ledger key.
        let s = await startServer(loadServerConfig({ db: store.url(), port: '0' }, env));
        try {
          await s.app.services.ledger.checkpoint();
          await s.app.services.keys.current();
        } finally {
          await s.close();
        }
        const oldKey = await dataKey(db, hsm);
        const old = await readDeployment(db);
        await sealedRequest(db, 'sr-1', sealKey(oldKey, 'signin:sr-1', Buffer.from('the verifier')));
        await sealedRequest(db, 'sr-2', sealKey(oldKey, 'signin:sr-2', Buffer.from('another verifier')));
        await sealedRequest(db, 'sr-3', '');
        const hsmKeys = JSON.stringify(await db.all('SELECT kid, sealed_private FROM signing_keys ORDER BY kid'));
        assert.match(hsmKeys, /pkcs11:token=/, 'the token keys are in the HSM');

        // A KEK file is refused under the HSM, naming the flag; nothing is read from it.
        const withFile = await cliWith(env, [
          '--json',
          'keys',
          'rotate',
          'kek',
          '--new-kek-file',
          join(dir, 'new.kek'),
          '--db',
          store.url(),
        ]);
        assert.equal(withFile.code, 2);
        const refused = JSON.parse(withFile.stderr).error as { message: string; field: string };
        assert.equal(refused.field, '--new-kek-file');
        assert.match(refused.message, /--new-kek-file is not used with MANDATE_KEK_SOURCE=hsm/);

        const r = await cliWith(env, ['--json', 'keys', 'rotate', 'kek', '--db', store.url(), '--reason', 'drill']);
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as { from: string; to: string; resealed: number; source: string; token: string };
        assert.deepEqual(
          { from: out.from, resealed: out.resealed, source: out.source, token: out.token },
          { from: old[KEK_FINGERPRINT], resealed: 2, source: 'hsm', token: hsm.label },
        );

        const now = await readDeployment(db);
        assert.notEqual(now[KEK_FINGERPRINT], old[KEK_FINGERPRINT], 'the fingerprint changed');
        assert.equal(now[KEK_FINGERPRINT], out.to);
        assert.match(now[KEK_WRAPPED]!, /^p1:[^:]+:[^:]+$/);
        const newKey = await dataKey(db, hsm);
        assert.equal(kekFingerprint(newKey), out.to, 'the stored wrapped value unwraps to the new data key');
        // Sealed values open under the new key and not the old one; the HSM's keys are untouched.
        const sealed = await db.all<{ id: string; sealed: string }>("SELECT id, sealed FROM signin_requests WHERE sealed <> ''");
        assert.equal(sealed.length, 2);
        for (const row of sealed) {
          assert.match(openKey(newKey, `signin:${row.id}`, row.sealed).toString(), /verifier$/);
          assert.throws(() => openKey(oldKey, `signin:${row.id}`, row.sealed), /wrong key-encryption key/);
        }
        assert.equal(JSON.stringify(await db.all('SELECT kid, sealed_private FROM signing_keys ORDER BY kid')), hsmKeys);
        // The old wrapped value is gone from the store: not in the facts, not in the log; no key is anywhere.
        const dump = await everything(db);
        assert.ok(!dump.includes(old[KEK_WRAPPED]!.split(':')[2]!), 'the old wrapped value is gone');
        for (const key of [oldKey, newKey])
          for (const enc of ['base64', 'hex', 'base64url'] as const) assert.ok(!dump.includes(key.toString(enc)), enc);
        // One evidence event: both fingerprints, the source and the token, never a key.
        const events = await db.all<{ actor: string; before_doc: string; after_doc: string; reason: string }>(
          "SELECT actor, before_doc, after_doc, reason FROM events WHERE action = 'kek.rotated'",
        );
        assert.equal(events.length, 1);
        assert.deepEqual(JSON.parse(events[0]!.before_doc), { fingerprint: out.from });
        assert.deepEqual(JSON.parse(events[0]!.after_doc), {
          fingerprint: out.to,
          resealed: 2,
          source: 'hsm',
          token: hsm.label,
          wrapping_key: KEK_WRAPPING_LABEL,
        });
        assert.equal(events[0]!.reason, 'drill');
        assert.equal(events[0]!.actor, 'cli:keys-rotate-kek');

        // The next start, with the same HSM and settings, opens every key: it signs a checkpoint with the
        // ledger key, serves its token key, and the ledger (the rotation in it) verifies.
        s = await startServer(loadServerConfig({ db: store.url(), port: '0' }, env));
        try {
          await db.transaction((tx) =>
            appendEvents(tx, new Date().toISOString(), [
              { actor: 'user:test', action: 'test.appended', subject: { type: 'test', id: 'after-kek' }, after: {} },
            ]),
          );
          await s.app.services.ledger.checkpoint();
          const current = (await s.app.services.keys.current()).kid;
          const jwks = (await (await fetch(`${s.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
          assert.ok(jwks.keys.some((k) => k.kid === current));
          const lines: string[] = [];
          await s.app.services.ledger.export((l) => void lines.push(l));
          const file = join(dir, 'ledger.jsonl');
          writeFileSync(file, `${lines.join('\n')}\n`);
          const report = await verifyLedgerFile(file, { key: (await s.app.services.ledger.logKey()).verifierKey });
          assert.deepEqual(report.problems, []);
          assert.ok(lines.some((l) => l.includes('"kek.rotated"')));
        } finally {
          await s.close();
        }
        assert.deepEqual(readdirSync(dir).sort(), ['ledger.jsonl'], 'no KEK file was made');
      } finally {
        rmSync(dir, { recursive: true, force: true });
        hsm.cleanup();
      }
    });

    test('--to-hsm moves a file KEK into the HSM: one kek.rotated, the old KEK opens nothing, servers start under the HSM', async () => {
      const hsm = softhsm();
      const dir = mkdtempSync(join(tmpdir(), 'mandate-kek-hsm-move-'));
      const db = await store.open();
      // Today's settings: signing keys in the HSM, the KEK in a file.
      const fileEnv = { ...hsmEnv(hsm, dir), MANDATE_KEK_SOURCE: 'key' };
      const move = (env: Record<string, string>, ...more: string[]) =>
        cliWith(env, ['--json', 'keys', 'rotate', 'kek', '--to-hsm', '--db', store.url(), ...more]);
      const refusedWith = (r: Awaited<ReturnType<typeof runCli>>, code: number) => {
        assert.equal(r.code, code, r.stdout);
        return JSON.parse(r.stderr).error as { message: string; field: string };
      };
      try {
        await (await startServer(loadServerConfig({ db: store.url(), port: '0' }, fileEnv))).close();
        const oldKek = parseKek(readFileSync(join(dir, 'kek'), 'utf8'));
        const oldFingerprint = (await readDeployment(db))[KEK_FINGERPRINT];
        assert.equal(oldFingerprint, kekFingerprint(oldKek));
        await sealedRequest(db, 'sr-1', sealKey(oldKek, 'signin:sr-1', Buffer.from('the verifier')));
        await sealedRequest(db, 'sr-2', sealKey(oldKek, 'signin:sr-2', Buffer.from('another verifier')));
        const before = await everything(db);

        // Bad input names its setting and changes nothing.
        let e = refusedWith(await move(fileEnv, '--new-kek-file', join(dir, 'new.kek')), 2);
        assert.equal(e.field, '--new-kek-file');
        e = refusedWith(await move({ ...fileEnv, MANDATE_KEK_SOURCE: 'hsm' }), 2);
        assert.equal(e.field, 'MANDATE_KEK_SOURCE');
        assert.match(e.message, /it is there already/);
        e = refusedWith(await move({ MANDATE_KEK_FILE: join(dir, 'kek'), MANDATE_LOG_LEVEL: 'error' }), 2);
        assert.equal(e.field, 'MANDATE_KEY_STORE');
        e = refusedWith(await move({ ...fileEnv, MANDATE_KEK_FILE: join(dir, 'absent.kek') }), 2);
        assert.equal(e.field, 'MANDATE_KEK');
        writeFileSync(join(dir, 'other.kek'), `${Buffer.alloc(32, 9).toString('base64')}\n`);
        e = refusedWith(await move({ ...fileEnv, MANDATE_KEK_FILE: join(dir, 'other.kek') }), 1);
        assert.equal(e.field, 'MANDATE_KEK');
        assert.match(e.message, /not this store's key-encryption key/);
        // An HSM that cannot be used fails closed, naming the setting.
        e = refusedWith(await move({ ...fileEnv, MANDATE_PKCS11_TOKEN: 'absent' }), 1);
        assert.equal(e.field, 'MANDATE_PKCS11_TOKEN');
        assert.match(e.message, /^cannot move the key-encryption key into the HSM: .*nothing was changed/);
        assert.equal(await everything(db), before, 'nothing changed');

        const r = await move(fileEnv, '--reason', 'into the HSM');
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as { from: string; to: string; resealed: number; source: string; token: string };
        assert.deepEqual(
          { from: out.from, resealed: out.resealed, source: out.source, token: out.token },
          { from: oldFingerprint, resealed: 2, source: 'hsm', token: hsm.label },
        );
        const now = await readDeployment(db);
        assert.equal(now[KEK_FINGERPRINT], out.to);
        assert.match(now[KEK_WRAPPED]!, /^p1:[^:]+:[^:]+$/);
        const newKey = await dataKey(db, hsm);
        assert.equal(kekFingerprint(newKey), out.to);
        for (const row of await db.all<{ id: string; sealed: string }>("SELECT id, sealed FROM signin_requests WHERE sealed <> ''")) {
          assert.match(openKey(newKey, `signin:${row.id}`, row.sealed).toString(), /verifier$/);
          assert.throws(() => openKey(oldKek, `signin:${row.id}`, row.sealed), /wrong key-encryption key/);
        }
        const dump = await everything(db);
        for (const key of [oldKek, newKey])
          for (const enc of ['base64', 'hex', 'base64url'] as const) assert.ok(!dump.includes(key.toString(enc)), enc);
        const events = await db.all<{ before_doc: string; after_doc: string; reason: string }>(
          "SELECT before_doc, after_doc, reason FROM events WHERE action = 'kek.rotated'",
        );
        assert.equal(events.length, 1);
        assert.deepEqual(JSON.parse(events[0]!.before_doc), { fingerprint: oldFingerprint });
        assert.deepEqual(JSON.parse(events[0]!.after_doc), {
          fingerprint: out.to,
          resealed: 2,
          source: 'hsm',
          from_source: 'key',
          token: hsm.label,
          wrapping_key: KEK_WRAPPING_LABEL,
        });
        assert.equal(events[0]!.reason, 'into the HSM');

        // Moved once: again is refused. The old settings no longer start a server; the HSM's do.
        e = refusedWith(await move(fileEnv), 1);
        assert.equal(e.field, '--to-hsm');
        assert.match(e.message, /already wrapped by an HSM/);
        await assert.rejects(
          startServer(loadServerConfig({ db: store.url(), port: '0' }, fileEnv)),
          (err: Error & { code?: string }) =>
            err.code === 'VALIDATION_FAILED' && /not the one this store was set up with/.test(err.message),
        );
        rmSync(join(dir, 'kek'));
        const s = await startServer(loadServerConfig({ db: store.url(), port: '0' }, hsmEnv(hsm, dir)));
        try {
          await s.app.services.ledger.checkpoint();
          const lines: string[] = [];
          await s.app.services.ledger.export((l) => void lines.push(l));
          const file = join(dir, 'ledger.jsonl');
          writeFileSync(file, `${lines.join('\n')}\n`);
          assert.deepEqual((await verifyLedgerFile(file, { key: (await s.app.services.ledger.logKey()).verifierKey })).problems, []);
        } finally {
          await s.close();
        }
        assert.ok(!existsSync(join(dir, 'kek')), 'no KEK file was made again');
      } finally {
        rmSync(dir, { recursive: true, force: true });
        hsm.cleanup();
      }
    });

    test('a wrong PIN, a missing token or a value the old key does not open fails the rotation and changes nothing', async () => {
      const hsm = softhsm();
      const dir = mkdtempSync(join(tmpdir(), 'mandate-kek-hsm-rot-'));
      const db = await store.open();
      const env = hsmEnv(hsm, dir);
      const rotate = (over: Record<string, string> = {}) =>
        cliWith({ ...env, ...over }, ['--json', 'keys', 'rotate', 'kek', '--db', store.url()]);
      const failure = (r: Awaited<ReturnType<typeof runCli>>) => {
        assert.equal(r.code, 1, r.stdout);
        return JSON.parse(r.stderr).error as { code: string; message: string; field: string };
      };
      try {
        // A store the HSM has not wrapped a data key for yet has nothing to rotate.
        const ks = hsm.store();
        await assert.rejects(
          rotateHsmKek(db, { store: ks, token: hsm.label, pinVar: 'MANDATE_PKCS11_PIN_FILE', actor: 'test' }),
          refusal('MANDATE_KEK_SOURCE', /holds no HSM-wrapped data key/),
        );
        ks.close();
        await (await startServer(loadServerConfig({ db: store.url(), port: '0' }, env))).close();
        const key = await dataKey(db, hsm);
        await sealedRequest(db, 'sr-1', sealKey(key, 'signin:sr-1', Buffer.from('the verifier')));
        const before = await everything(db);

        writeFileSync(hsm.pinFile, '999999\n');
        let e = failure(await rotate());
        assert.equal(e.field, 'MANDATE_PKCS11_PIN_FILE');
        assert.match(e.message, /^cannot rotate the key-encryption key: .*the token refused the PIN.*nothing was changed$/);
        writeFileSync(hsm.pinFile, `${hsm.pin}\n`);
        assert.equal(await everything(db), before);

        e = failure(await rotate({ MANDATE_PKCS11_TOKEN: 'absent' }));
        assert.equal(e.field, 'MANDATE_PKCS11_TOKEN');
        assert.match(e.message, /no token labelled absent is present .*nothing was changed/);
        assert.equal(await everything(db), before);

        // A value sealed under another key stops the rotation midway: the wrapped key swapped first is rolled back too.
        await sealedRequest(db, 'sr-x', sealKey(Buffer.alloc(32, 7), 'signin:sr-x', Buffer.from('not ours')));
        const withStray = await everything(db);
        e = failure(await rotate());
        assert.equal(e.field, 'MANDATE_KEK_SOURCE');
        assert.match(e.message, /does not open signin_requests\.sealed of sr-x: nothing was changed/);
        assert.equal(await everything(db), withStray);
        await db.run("DELETE FROM signin_requests WHERE id = 'sr-x'");

        // Nothing changed: the same data key opens the store, and a server still starts with it.
        assert.deepEqual(await dataKey(db, hsm), key);
        await (await startServer(loadServerConfig({ db: store.url(), port: '0' }, env))).close();
        assert.equal((await db.all("SELECT 1 FROM events WHERE action = 'kek.rotated'")).length, 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        hsm.cleanup();
      }
    });
  });
}
