// Keys in an HSM through PKCS#11, against a real SoftHSM2 token made in a temp dir for each test:
// tokens, SETs and ledger checkpoints are signed inside the token and verify with jose and the
// ledger verifier; the private keys are sensitive and never extractable; the store holds only
// public keys and references; an HSM that cannot be reached (wrong PIN, missing module, token
// removed) fails issuance closed with 503 and never signs with a software key; a lost session
// or a fixed PIN file is picked up on the next attempt, without a restart.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import pkcs11js from 'pkcs11js';
import { loadServerConfig } from '../../src/config.js';
import { signSecurityEvent } from '../../src/delivery/caep.js';
import { openCheckpoint } from '../../src/ledger/checkpoint.js';
import { verifyLedgerFile } from '../../src/ledger/verify.js';
import type { KeyStore } from '../../src/keys/signer.js';
import { startServer } from '../../src/server/start.js';
import type { Database } from '../../src/store/db.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';
import { SOFTHSM_MODULE, softhsm } from '../support/softhsm.js';

const MODULE = SOFTHSM_MODULE;
const ISS = 'https://k8s.hsm.test';
const SUB = 'system:serviceaccount:custody:api';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const CKO_PRIVATE_KEY = 3;

async function platformKey(): Promise<{ priv: CryptoKey; pub: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { priv: privateKey, pub: { ...(await exportJWK(publicKey)), kid: 'hsm-test-1', alg: 'EdDSA' } };
}

function workloadToken(key: { priv: CryptoKey; pub: JWK }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: key.pub.kid! })
    .setIssuer(ISS)
    .setAudience('mandate')
    .setSubject(SUB)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 600)
    .setJti(crypto.randomUUID())
    .sign(key.priv);
}

/** An identity with a workload credential from a platform issuer, so a workload token buys a Mandate token. */
async function setUp(t: TestApp, platform: { pub: JWK }): Promise<void> {
  assert.equal((await t.call('POST', '/v1/import', t.admin, smallManifest([identity('custody-api')]))).status, 200);
  const add = await t.call('POST', '/v1/issuers', t.admin, { id: 'k8s', issuer: ISS, audience: 'mandate', jwks: { keys: [platform.pub] } });
  assert.equal(add.status, 201, JSON.stringify(add.body));
  const cred = await t.call('POST', '/v1/identities/custody-api/credentials', t.admin, { type: 'oidc', issuer: 'k8s', subject: SUB });
  assert.equal(cred.status, 201, JSON.stringify(cred.body));
}

const exchange = async (t: TestApp, platform: { priv: CryptoKey; pub: JWK }) =>
  t.call(
    'POST',
    '/v1/token',
    undefined,
    new URLSearchParams({
      grant_type: EXCHANGE,
      subject_token: await workloadToken(platform),
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    }).toString(),
    FORM,
  );

/** Every row of the key tables, every column: public keys, references, names and dates only. */
async function assertNoPrivateMaterial(db: Database): Promise<void> {
  for (const table of ['signing_keys', 'ledger_keys']) {
    const rows = await db.all<Record<string, unknown>>(`SELECT * FROM ${table}`);
    assert.ok(rows.length > 0, `${table} has keys`);
    for (const row of rows)
      for (const [column, value] of Object.entries(row)) {
        if (value === null || typeof value === 'number') continue;
        const text = String(value);
        // No sealed value (v1:…), no PKCS#8 Ed25519 private key (base64 or hex of its DER prefix).
        assert.doesNotMatch(text, /(^|[^a-z])v1:|MC4CAQAwBQYDK2Vw|302e020100300506032b6570/i, `${table}.${column}`);
        if (column === 'sealed_private' || column === 'encrypted_private')
          assert.match(text, /^pkcs11:token=[^;]+;id=[^;]+;object=[^;]+;type=private$/, `${table}.${column} is a reference`);
        if (column === 'public_jwk') {
          const jwk = JSON.parse(text) as Record<string, unknown>;
          assert.equal(jwk.d, undefined, 'a public JWK has no private part');
          assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
        }
      }
  }
}

/** A private key's protection as pkcs11js reads it, in a session of its own (the module is already initialised here). */
function privateKeyAttributes(label: string, kid: string): { sensitive: boolean; extractable: boolean; value: string } {
  const p = new pkcs11js.PKCS11();
  p.load(MODULE);
  try {
    p.C_Initialize();
  } catch {} // CKR_CRYPTOKI_ALREADY_INITIALIZED: the store's session is in this process
  const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === label)!;
  const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  try {
    p.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_ID, value: Buffer.from(kid) },
    ]);
    const [key] = p.C_FindObjects(session, 1);
    p.C_FindObjectsFinal(session);
    const [sensitive, extractable] = p.C_GetAttributeValue(session, key!, [
      { type: pkcs11js.CKA_SENSITIVE },
      { type: pkcs11js.CKA_EXTRACTABLE },
    ]);
    let value = 'readable';
    try {
      p.C_GetAttributeValue(session, key!, [{ type: pkcs11js.CKA_VALUE }]);
    } catch (err) {
      value = (err as Error).message;
    }
    return { sensitive: (sensitive!.value as Buffer)[0] === 1, extractable: (extractable!.value as Buffer)[0] === 1, value };
  } finally {
    p.C_CloseSession(session);
  }
}

const stores: KeyStore[] = [];
const hsms: ReturnType<typeof softhsm>[] = [];
const track = <S extends KeyStore>(s: S): S => {
  stores.push(s);
  return s;
};
// One token per test: the stores close (C_Finalize) before the next test points SOFTHSM2_CONF elsewhere.
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const h of hsms.splice(0)) h.cleanup();
});
const newHsm = () => {
  const h = softhsm();
  hsms.push(h);
  return h;
};

for (const store of testStores()) {
  describe(`keys in an HSM (SoftHSM2) on ${store.name}`, () => {
    let platform: { priv: CryptoKey; pub: JWK };
    before(async () => {
      platform = await platformKey();
    });
    after(() => store.cleanup());

    test('tokens, SETs and checkpoints are signed inside the token and verify; the store keeps no private material', async () => {
      const hsm = newHsm();
      const t = await testApp(await store.open(), undefined, { keyStore: track(hsm.store()) });
      try {
        await setUp(t, platform);
        const res = await exchange(t, platform);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const jwks = (await t.call('GET', '/.well-known/jwks.json', undefined)).body;
        const { payload, protectedHeader } = await jwtVerify(res.body.access_token, createLocalJWKSet(jwks), {
          issuer: 'http://mandate.local',
          audience: 'http://mandate.local',
        });
        assert.equal(protectedHeader.alg, 'EdDSA');
        assert.equal(protectedHeader.typ, 'at+jwt');
        assert.equal(payload.sub, 'custody-api');
        const [key] = await t.db.all<{ kid: string; sealed_private: string }>(
          "SELECT kid, sealed_private FROM signing_keys WHERE purpose = 'token'",
        );
        assert.equal(protectedHeader.kid, key!.kid);
        assert.equal(key!.sealed_private, `pkcs11:token=${hsm.label};id=${key!.kid};object=${key!.kid};type=private`);

        // A Security Event Token, by the SET key made in the same token.
        const setKey = await t.app.services.setKeys.current();
        const set = await signSecurityEvent(setKey, { issuer: 'http://mandate.local', audience: 'rp', subject: 'custody-api', events: {} });
        const jwks2 = (await t.call('GET', '/.well-known/jwks.json', undefined)).body;
        const verified = await jwtVerify(set, createLocalJWKSet(jwks2), { issuer: 'http://mandate.local', audience: 'rp' });
        assert.equal(verified.protectedHeader.typ, 'secevent+jwt');
        assert.match(setKey.kid, /^set_/);

        // A checkpoint, and the whole log offline, by the ledger key in the token.
        const cp = await t.app.services.ledger.checkpoint();
        const vkey = (await t.app.services.ledger.logKey()).verifierKey;
        assert.equal(openCheckpoint(cp.note, vkey).size, cp.size);
        const file = join(hsm.dir, 'ledger.jsonl');
        const lines: string[] = [];
        await t.app.services.ledger.export((l) => void lines.push(l));
        writeFileSync(file, `${lines.join('\n')}\n`);
        assert.deepEqual((await verifyLedgerFile(file, { key: vkey })).problems, []);

        // The private keys as another PKCS#11 client lists them: sensitive, never extractable.
        const listed = hsm.listObjects();
        const privates = listed.split(/\n(?=\S)/).filter((o) => o.startsWith('Private Key Object'));
        const kids = [key!.kid, setKey.kid, (await t.app.services.ledger.logKey()).id];
        assert.equal(privates.length, kids.length, listed);
        for (const kid of kids) {
          const obj = privates.find((o) => o.includes(`label:      ${kid}`));
          assert.ok(obj, `${kid} is in the token:\n${listed}`);
          const access = /Access:\s+(.*)/.exec(obj)![1]!.split(', ');
          assert.ok(access.includes('sensitive') && access.includes('never extractable') && !access.includes('extractable'), obj);
          assert.match(obj, /Usage:\s+sign\n/, `${kid} signs and does nothing else`);
        }
        // And as pkcs11js reads them: CKA_SENSITIVE true, CKA_EXTRACTABLE false, CKA_VALUE refused.
        for (const kid of kids) {
          const a = privateKeyAttributes(hsm.label, kid);
          assert.deepEqual(a, { sensitive: true, extractable: false, value: 'CKR_ATTRIBUTE_SENSITIVE' }, kid);
        }
        await assertNoPrivateMaterial(t.db);
      } finally {
        await t.app.close();
      }
    });
  });
}

async function count(db: Database, action: string): Promise<number> {
  return Number((await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE action = ?', [action]))[0]!.n);
}

describe('an HSM that cannot be reached (SoftHSM2, SQLite)', () => {
  const [sqlite] = testStores().filter((s) => s.name === 'sqlite');
  let platform: { priv: CryptoKey; pub: JWK };
  before(async () => {
    platform = await platformKey();
  });
  after(() => sqlite!.cleanup());

  test('a wrong PIN fails issuance closed (503), no key made elsewhere; a fixed PIN needs no restart', async () => {
    const hsm = newHsm();
    const db = await sqlite!.open();
    const good = await testApp(db, undefined, { keyStore: track(hsm.store()) });
    await setUp(good, platform);
    assert.equal((await exchange(good, platform)).status, 200);
    const keysBefore = await db.all<{ kid: string }>('SELECT kid FROM signing_keys ORDER BY kid');
    await good.app.close();
    stores.pop()!.close();

    writeFileSync(hsm.pinFile, '000000\n');
    const t = await testApp(db, undefined, { keyStore: track(hsm.store()) });
    try {
      const issuedBefore = await count(db, 'token.issued');
      for (let i = 0; i < 2; i++) {
        const res = await exchange(t, platform);
        assert.equal(res.status, 503, JSON.stringify(res.body));
        assert.equal(res.body.error, 'temporarily_unavailable');
        assert.equal(res.body.code, 'KEY_UNAVAILABLE');
        assert.match(res.body.error_description, i === 0 ? /refused the PIN.*CKR_PIN_INCORRECT/ : /not tried again/);
        assert.doesNotMatch(JSON.stringify(res.body), /000000|246810/, 'the PIN is never shown');
        assert.equal(res.body.access_token, undefined);
      }
      // Nothing issued, no key made outside the HSM, the published keys unchanged.
      assert.equal(await count(db, 'token.issued'), issuedBefore);
      assert.deepEqual(await db.all<{ kid: string }>('SELECT kid FROM signing_keys ORDER BY kid'), keysBefore);
      // The checkpoint key fails the same way.
      await assert.rejects(t.app.services.ledger.checkpoint(), (e: Error & { code?: string }) => e.code === 'KEY_UNAVAILABLE');
      assert.equal((await db.all('SELECT id FROM ledger_keys')).length, 0, 'no ledger key made outside the HSM');

      writeFileSync(hsm.pinFile, `${hsm.pin}\n`);
      const res = await exchange(t, platform);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    } finally {
      await t.app.close();
    }
  });
  test('moving a sealed deployment to the HSM: the next token key is made in the HSM; the sealed ledger key refuses to sign', async () => {
    const hsm = newHsm();
    const db = await sqlite!.open();
    const ledger = { kek: randomBytes(32), origin: 'hsm.test/ledger' };
    const sealed = await testApp(db, undefined, { ledger });
    await setUp(sealed, platform);
    const before = await exchange(sealed, platform);
    assert.equal(before.status, 200);
    await sealed.app.services.ledger.checkpoint();
    await sealed.app.close();
    const t = await testApp(db, undefined, { ledger, keyStore: track(hsm.store()) });
    try {
      const res = await exchange(t, platform);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const jwks = createLocalJWKSet((await t.call('GET', '/.well-known/jwks.json', undefined)).body);
      const [old, now] = await Promise.all([jwtVerify(before.body.access_token, jwks), jwtVerify(res.body.access_token, jwks)]);
      assert.notEqual(old.protectedHeader.kid, now.protectedHeader.kid, 'the sealed key still verifies, a new one signs');
      const [row] = await db.all<{ sealed_private: string }>('SELECT sealed_private FROM signing_keys WHERE kid = ?', [
        now.protectedHeader.kid,
      ]);
      assert.match(row!.sealed_private, /^pkcs11:/);
      await assert.rejects(t.app.services.ledger.checkpoint(), /sealed under the KEK, not in the HSM.*rotate the ledger key/);
      // A rotation moves it: the old (sealed) key signs the handover, its successor is made in the HSM.
      const oldKey = (await t.app.services.ledger.logKey()).verifierKey;
      await t.app.services.ledger.rotateKey('test');
      assert.equal((await exchange(t, platform)).status, 200, 'an event after the handover');
      const cp = await t.app.services.ledger.checkpoint();
      const k = await t.app.services.ledger.logKey();
      assert.equal(k.privateKey, undefined);
      assert.equal(openCheckpoint(cp.note, k.verifierKey).size, cp.size);
      const [lk] = await db.all<{ encrypted_private: string }>('SELECT encrypted_private FROM ledger_keys WHERE retired_at IS NULL');
      assert.match(lk!.encrypted_private, /^pkcs11:/);
      // The offline verifier, trusting the old key, follows the rotation to the HSM's key.
      const lines: string[] = [];
      await t.app.services.ledger.export((l) => void lines.push(l));
      const file = join(hsm.dir, 'rotated.jsonl');
      writeFileSync(file, `${lines.join('\n')}\n`);
      assert.deepEqual((await verifyLedgerFile(file, { key: oldKey })).problems, []);
    } finally {
      await t.app.close();
    }
  });

  test('a missing module or a removed token answers 503, never a token by another key; a lost session is opened again', async () => {
    const hsm = newHsm();
    const db = await sqlite!.open();
    const missing = await testApp(db, undefined, { keyStore: track(hsm.store({ module: join(hsm.dir, 'no-such-module.so') })) });
    await setUp(missing, platform);
    const refused = await exchange(missing, platform);
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.match(refused.body.error_description, /PKCS#11 module does not load/);
    assert.equal((await db.all('SELECT kid FROM signing_keys')).length, 0, 'no software key was made instead');
    await missing.app.close();

    const t = await testApp(db, undefined, { keyStore: track(hsm.store()) });
    try {
      assert.equal((await exchange(t, platform)).status, 200);
      // Another client of the module closes every session (as a reset would): the next attempt opens a new one.
      const other = new pkcs11js.PKCS11();
      other.load(MODULE);
      try {
        other.C_Initialize();
      } catch {} // already initialised in this process
      const slot = other.C_GetSlotList(true).find((s) => other.C_GetTokenInfo(s).label.trim() === hsm.label)!;
      other.C_CloseAllSessions(slot);
      assert.equal((await exchange(t, platform)).status, 200);

      hsm.deleteToken();
      const gone = await exchange(t, platform);
      assert.equal(gone.status, 503, JSON.stringify(gone.body));
      assert.equal(gone.body.code, 'KEY_UNAVAILABLE');
      const kids = await db.all<{ sealed_private: string }>('SELECT sealed_private FROM signing_keys');
      assert.ok(
        kids.every((k) => k.sealed_private.startsWith('pkcs11:')),
        'never a sealed (software) key',
      );
      assert.equal((await exchange(t, platform)).status, 503, 'still closed on the next attempt');
    } finally {
      await t.app.close();
    }
  });

  test('a key-encryption key in the HSM (AES-256, CKM_AES_GCM): never extractable, bound to its record, refuses alterations', async () => {
    const hsm = newHsm();
    const kek = track(hsm.store()).kek('mandate-kek');
    const secret = Buffer.from('refresh-token-of-session-1');
    const sealed = kek.seal('ses_1:refresh', secret);
    assert.match(sealed, /^p1:[^:]+:[^:]+$/);
    assert.ok(!sealed.includes(secret.toString('base64')));
    assert.deepEqual(kek.open('ses_1:refresh', sealed), secret);
    // The same key is found again by a new session (another server, a restart).
    assert.deepEqual(track(hsm.store()).kek('mandate-kek').open('ses_1:refresh', sealed), secret);
    assert.throws(() => kek.open('ses_2:refresh', sealed), /not sealed by the KEK mandate-kek for this record/);
    const [v, iv, body] = sealed.split(':');
    const altered = Buffer.from(body!, 'base64');
    altered[0]! ^= 1;
    assert.throws(() => kek.open('ses_1:refresh', [v, iv, altered.toString('base64')].join(':')), /not sealed by the KEK/);
    const listed = hsm.listObjects();
    const obj = listed.split(/\n(?=\S)/).find((o) => o.startsWith('Secret Key Object') && o.includes('mandate-kek'));
    assert.ok(obj, listed);
    assert.match(obj, /AES length 32/);
    assert.match(obj, /Usage:\s+encrypt, decrypt\n/);
    const access = /Access:\s+(.*)/.exec(obj)![1]!.split(', ');
    assert.ok(access.includes('sensitive') && access.includes('never extractable') && !access.includes('extractable'), obj);
    // A wrong PIN: KEY_UNAVAILABLE, never a value sealed some other way. (The login is the process's:
    // the other stores log out first.)
    for (const store of stores.splice(0)) store.close();
    const locked = track(hsm.store({ pin: '999999' })).kek('mandate-kek');
    assert.throws(
      () => locked.seal('x', secret),
      (e: Error & { code?: string }) => e.code === 'KEY_UNAVAILABLE',
    );
  });

  test('startServer with MANDATE_KEY_STORE=pkcs11 signs with the HSM; bad PKCS#11 settings refuse to start', async () => {
    const hsm = newHsm();
    const dir = mkdtempSync(join(tmpdir(), 'mandate-hsm-srv-'));
    const env = {
      MANDATE_KEK_FILE: join(dir, 'kek'),
      MANDATE_KEY_STORE: 'pkcs11',
      MANDATE_PKCS11_MODULE: MODULE,
      MANDATE_PKCS11_TOKEN: hsm.label,
      MANDATE_PKCS11_PIN_FILE: hsm.pinFile,
    };
    assert.throws(
      () => loadServerConfig({ db: `sqlite:${join(dir, 'x.db')}`, port: '0' }, { ...env, MANDATE_PKCS11_TOKEN: undefined }),
      (e: Error & { field?: string }) => e.field === 'MANDATE_PKCS11_TOKEN',
    );
    assert.throws(
      () => loadServerConfig({ db: `sqlite:${join(dir, 'x.db')}`, port: '0' }, { MANDATE_PKCS11_MODULE: MODULE }),
      (e: Error & { field?: string }) => e.field === 'MANDATE_KEY_STORE',
    );
    const s = await startServer(loadServerConfig({ db: `sqlite:${join(dir, 'm.db')}`, port: '0' }, env));
    try {
      const cp = await s.app.services.ledger.checkpoint();
      const k = await s.app.services.ledger.logKey();
      assert.equal(k.privateKey, undefined, 'no private key in the process');
      assert.equal(openCheckpoint(cp.note, k.verifierKey).size, cp.size);
      const [row] = await s.db.all<{ encrypted_private: string }>('SELECT encrypted_private FROM ledger_keys');
      assert.match(row!.encrypted_private, /^pkcs11:/);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
