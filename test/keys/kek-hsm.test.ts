// The key-encryption key under an HSM (MANDATE_KEK_SOURCE=hsm), against a real SoftHSM2 token made
// in a temp dir for each test: the store holds only the data key wrapped by the token's AES key;
// two starts share the store and the HSM, and nothing else (no KEK file is made); what one seals the
// next opens; the wrapped bytes open nothing; a wrong PIN or another token refuses the start.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadServerConfig } from '../../src/config.js';
import { hsmKek, KEK_WRAPPED } from '../../src/keys/kek-hsm.js';
import { openKey, sealKey } from '../../src/ledger/keys.js';
import { startServer } from '../../src/server/start.js';
import { KEK_FINGERPRINT, kekFingerprint, readDeployment } from '../../src/state/deployment.js';
import { testStores } from '../support/stores.js';
import { SOFTHSM_MODULE, softhsm } from '../support/softhsm.js';

const MODULE = SOFTHSM_MODULE;

const refusal = (field: string, text: RegExp) => (e: Error & { code?: string; field?: string }) =>
  e.code === 'VALIDATION_FAILED' && e.field === field && text.test(e.message);

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
  });
}
