// Keys in a hardware security module, through PKCS#11 (pkcs11js; tested against SoftHSM2). A key is
// made inside the token (CKM_EC_EDWARDS_KEY_PAIR_GEN, Ed25519), its private half sensitive, not
// extractable and kept on the token; Mandate signs with CKM_EDDSA and stores only the public key and
// an RFC 7512 reference (pkcs11:token=…;id=…;object=…;type=private), never private material.
//
// Fail closed, visibly: a module that will not load, a token that is absent, a refused PIN or a lost
// session makes signing throw KEY_UNAVAILABLE (503, temporarily_unavailable at the token endpoint);
// nothing is ever signed by another key. The session is dropped and opened again on the next attempt
// (a lost session is retried once at once). A refused PIN is not tried again until the PIN changes:
// a real HSM locks its user after a few wrong PINs. Every signature is verified against the public
// key the store publishes before it leaves, so a wrong token or key never signs in Mandate's name.
import { createHash, randomBytes, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Pkcs11 from 'pkcs11js';
import { MandateError } from '../core/errors.js';
import { ed25519PublicKey, type KeyStore, type SealingKey, type Signer } from './signer.js';

// PKCS#11 3.0 values pkcs11js 2.1 has no names for.
const CKK_EC_EDWARDS = 0x40;
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;
/** CKA_EC_PARAMS of Ed25519: the DER of its OID 1.3.101.112 (RFC 8410). */
const ED25519_PARAMS = Buffer.from('06032b6570', 'hex');
/** The session is gone (closed, the token removed, the device reset), or a cached handle went stale: open another. */
const SESSION_LOST = new Set([
  'CKR_OBJECT_HANDLE_INVALID',
  'CKR_KEY_HANDLE_INVALID',
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_USER_NOT_LOGGED_IN',
  'CKR_DEVICE_ERROR',
  'CKR_CRYPTOKI_NOT_INITIALIZED',
]);

export interface Pkcs11Options {
  /** The PKCS#11 module (MANDATE_PKCS11_MODULE), e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  /** The token's label (MANDATE_PKCS11_TOKEN). */
  token: string;
  /** The user PIN, read at each login (MANDATE_PKCS11_PIN_FILE is re-read, so fixing it needs no restart). Never logged. */
  pin: () => string;
  /** Told when the HSM stops signing and when it signs again (the server logs both), not at every failure. */
  onChange?: (up: boolean, detail?: string) => void;
}

interface Session {
  lib: Pkcs11.PKCS11;
  session: Buffer;
}

// Loaded only when configured: a sealed deployment never loads the native module.
const pkcs11js = (): typeof Pkcs11 => createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11;
const nameOf = (err: unknown): string => (err instanceof Error ? err.message.split('\n')[0]! : String(err));

export type Pkcs11KeyStore = KeyStore & {
  /**
   * The key-encryption key kept in the token (an AES-256 key labelled `label`, made on first use:
   * sensitive, never extractable, encrypt/decrypt only), sealing with CKM_AES_GCM: 'p1:<iv>:<body+tag>'.
   * PKCS#11 calls are synchronous, so it seals and opens where sealKey/openKey do today.
   */
  kek(label: string): SealingKey;
  /**
   * The signer of the Ed25519 key whose CKA_ID is `kid` (made with pkcs11-tool, or by an earlier call),
   * made in the token when it holds none: for a key configured by id rather than recorded in the store.
   */
  signerById(kid: string): Promise<Signer>;
};

export function pkcs11KeyStore(opts: Pkcs11Options): Pkcs11KeyStore {
  let open: Session | undefined;
  /** The SHA-256 of the PIN the token refused: not tried again. */
  let refusedPin: string | undefined;
  let down = false;
  /** Private key handles by kid, in the open session (a lookup costs more than the signature). */
  const handles = new Map<string, Buffer>();

  function signWith(s: Session, key: Buffer, kid: string, data: Buffer): Buffer {
    s.lib.C_SignInit(s.session, { mechanism: CKM_EDDSA }, key);
    const signature = Buffer.from(s.lib.C_Sign(s.session, data, Buffer.alloc(64)));
    handles.set(kid, key);
    return signature;
  }
  // What a caller sees (a workload at the token endpoint too): the act and the PKCS#11 code, no paths.
  const unavailable = (what: string, err?: unknown) =>
    new MandateError('KEY_UNAVAILABLE', `the HSM cannot ${what}${err === undefined ? '' : `: ${nameOf(err)}`}`);

  function disconnect(): void {
    const s = open;
    open = undefined;
    handles.clear();
    if (!s) return;
    for (const step of [() => s.lib.C_CloseSession(s.session), () => s.lib.C_Finalize()])
      try {
        step();
      } catch {
        // already gone
      }
  }

  function connect(what: string): Session {
    if (open) return open;
    let lib: Pkcs11.PKCS11;
    try {
      lib = new (pkcs11js().PKCS11)();
      lib.load(opts.module);
    } catch (err) {
      throw unavailable(`${what}: the PKCS#11 module does not load`, err);
    }
    const pkcs11 = pkcs11js();
    try {
      lib.C_Initialize();
    } catch (err) {
      if (nameOf(err) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') throw unavailable(what, err);
    }
    try {
      const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === opts.token);
      if (!slot) throw unavailable(`${what}: no token labelled ${opts.token} is present`);
      const pin = readPin(what);
      const session = lib.C_OpenSession(slot, pkcs11.CKF_SERIAL_SESSION | pkcs11.CKF_RW_SESSION);
      try {
        lib.C_Login(session, pkcs11.CKU_USER, pin);
      } catch (err) {
        const code = nameOf(err);
        const refused = code === 'CKR_PIN_INCORRECT' || code === 'CKR_PIN_LOCKED';
        if (refused) refusedPin = digest(pin);
        if (code !== 'CKR_USER_ALREADY_LOGGED_IN') {
          try {
            lib.C_CloseSession(session);
          } catch {}
          throw unavailable(`${what}: ${refused ? 'the token refused the PIN' : 'the login failed'}`, err);
        }
      }
      refusedPin = undefined;
      return (open = { lib, session });
    } catch (err) {
      try {
        lib.C_Finalize();
      } catch {}
      throw err instanceof MandateError ? err : unavailable(what, err);
    }
  }

  function readPin(what: string): string {
    let pin: string;
    try {
      pin = opts.pin();
    } catch (err) {
      throw unavailable(`${what}: the PIN cannot be read`, err);
    }
    if (refusedPin !== undefined && digest(pin) === refusedPin)
      throw unavailable(`${what}: the token refused this PIN before; it is not tried again until MANDATE_PKCS11_PIN(_FILE) changes`);
    return pin;
  }

  /** Runs f in the open session; a lost session is opened again and f tried once more. */
  function withSession<T>(what: string, f: (s: Session) => T): T {
    try {
      const out = attempt(what, f);
      if (down) opts.onChange?.(true);
      down = false;
      return out;
    } catch (err) {
      if (!down) opts.onChange?.(false, `${(err as Error).message} (module ${opts.module}, token ${opts.token})`);
      down = true;
      throw err;
    }
  }

  function attempt<T>(what: string, f: (s: Session) => T): T {
    for (let n = 0; ; n++) {
      const s = connect(what);
      try {
        return f(s);
      } catch (err) {
        if (err instanceof MandateError) throw err;
        const lost = SESSION_LOST.has(nameOf(err));
        if (lost || n > 0) disconnect();
        if (!lost || n > 0) throw unavailable(what, err);
      }
    }
  }

  function findPrivate(s: Session, kid: string): Buffer {
    const pkcs11 = pkcs11js();
    s.lib.C_FindObjectsInit(s.session, [
      { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PRIVATE_KEY },
      { type: pkcs11.CKA_ID, value: Buffer.from(kid, 'utf8') },
    ]);
    let found: Buffer[];
    try {
      found = s.lib.C_FindObjects(s.session, 2);
    } finally {
      s.lib.C_FindObjectsFinal(s.session);
    }
    // A key gone (the token replaced or removed): the next attempt opens a new session.
    if (found.length === 0) disconnect();
    if (found.length !== 1)
      throw unavailable(`sign with ${kid}: the token holds ${found.length === 0 ? 'no' : 'more than one'} private key with id ${kid}`);
    return found[0]!;
  }

  /** The secret key labelled `label`, made when absent unless `create` is false (opening needs the key that sealed). */
  function secretKey(s: Session, label: string, create = true): Buffer {
    const pkcs11 = pkcs11js();
    const cached = handles.get(`kek:${label}`);
    if (cached) return cached;
    s.lib.C_FindObjectsInit(s.session, [
      { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_SECRET_KEY },
      { type: pkcs11.CKA_LABEL, value: label },
    ]);
    let found: Buffer[];
    try {
      found = s.lib.C_FindObjects(s.session, 2);
    } finally {
      s.lib.C_FindObjectsFinal(s.session);
    }
    if (found.length > 1) throw unavailable(`use the KEK ${label}: the token holds more than one secret key labelled ${label}`);
    if (found.length === 0 && !create) throw unavailable(`open with the KEK ${label}: the token holds no secret key labelled ${label}`);
    const key =
      found[0] ??
      s.lib.C_GenerateKey(s.session, { mechanism: pkcs11.CKM_AES_KEY_GEN }, [
        { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_SECRET_KEY },
        { type: pkcs11.CKA_KEY_TYPE, value: pkcs11.CKK_AES },
        { type: pkcs11.CKA_VALUE_LEN, value: 32 },
        { type: pkcs11.CKA_TOKEN, value: true },
        { type: pkcs11.CKA_PRIVATE, value: true },
        { type: pkcs11.CKA_SENSITIVE, value: true },
        { type: pkcs11.CKA_EXTRACTABLE, value: false },
        { type: pkcs11.CKA_ENCRYPT, value: true },
        { type: pkcs11.CKA_DECRYPT, value: true },
        { type: pkcs11.CKA_WRAP, value: false },
        { type: pkcs11.CKA_UNWRAP, value: false },
        { type: pkcs11.CKA_SIGN, value: false },
        { type: pkcs11.CKA_VERIFY, value: false },
        { type: pkcs11.CKA_DERIVE, value: false },
        { type: pkcs11.CKA_LABEL, value: label },
        { type: pkcs11.CKA_ID, value: Buffer.from(label, 'utf8') },
      ]);
    handles.set(`kek:${label}`, key);
    return key;
  }

  const gcm = (iv: Buffer, aad: string) => ({
    mechanism: pkcs11js().CKM_AES_GCM,
    parameter: { type: pkcs11js().CK_PARAMS_GCM, iv, ivBits: 96, aad: Buffer.from(aad, 'utf8'), tagBits: 128 },
  });

  const store: Pkcs11KeyStore = {
    kek(label) {
      return {
        label,
        seal(aad, plain) {
          const iv = randomBytes(12);
          const body = withSession(`seal with the KEK ${label}`, (s) => {
            s.lib.C_EncryptInit(s.session, gcm(iv, aad), secretKey(s, label));
            return Buffer.from(s.lib.C_Encrypt(s.session, plain, Buffer.alloc(plain.length + 16)));
          });
          return ['p1', iv.toString('base64'), body.toString('base64')].join(':');
        },
        open(aad, sealed) {
          const [v, iv, body] = sealed.split(':');
          if (v !== 'p1' || !iv || !body) throw new Error('the sealed value is not one the HSM sealed');
          const data = Buffer.from(body, 'base64');
          const plain = withSession(`open with the KEK ${label}`, (s) => {
            s.lib.C_DecryptInit(s.session, gcm(Buffer.from(iv, 'base64'), aad), secretKey(s, label, false));
            try {
              return Buffer.from(s.lib.C_Decrypt(s.session, data, Buffer.alloc(data.length)));
            } catch (err) {
              // A tag that does not verify: another key, another aad, or altered bytes (not the HSM's fault).
              // SoftHSM2 says CKR_GENERAL_ERROR for it: the data's fault too when the session still answers.
              const code = nameOf(err);
              if (/ENCRYPTED_DATA_INVALID|ENCRYPTED_DATA_LEN_RANGE/.test(code)) return undefined;
              if (code === 'CKR_GENERAL_ERROR' && s.lib.C_GetSessionInfo(s.session)) return undefined;
              throw err;
            }
          });
          if (!plain) throw new Error(`cannot open the sealed value: not sealed by the KEK ${label} for this record`);
          return plain;
        },
      };
    },
    async signerById(kid) {
      const pkcs11 = pkcs11js();
      const raw = withSession(`find the key ${kid}`, (s) => {
        s.lib.C_FindObjectsInit(s.session, [
          { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PUBLIC_KEY },
          { type: pkcs11.CKA_ID, value: Buffer.from(kid, 'utf8') },
        ]);
        let found: Buffer[];
        try {
          found = s.lib.C_FindObjects(s.session, 2);
        } finally {
          s.lib.C_FindObjectsFinal(s.session);
        }
        if (found.length > 1) throw unavailable(`find the key ${kid}: the token holds more than one public key with id ${kid}`);
        if (!found[0]) return undefined;
        const [point] = s.lib.C_GetAttributeValue(s.session, found[0], [{ type: pkcs11.CKA_EC_POINT }]);
        return ecPoint(point!.value as Buffer);
      });
      if (!raw) return (await store.generate(kid)).signer;
      return store.signer(kid, pkcs11Uri(opts.token, kid), ed25519PublicKey(raw));
    },
    kind: 'pkcs11',
    async generate(kid) {
      const pkcs11 = pkcs11js();
      const id = Buffer.from(kid, 'utf8');
      const raw = withSession(`make the key ${kid}`, (s) => {
        const pair = s.lib.C_GenerateKeyPair(
          s.session,
          { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN },
          [
            { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PUBLIC_KEY },
            { type: pkcs11.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
            { type: pkcs11.CKA_TOKEN, value: true },
            { type: pkcs11.CKA_PRIVATE, value: false },
            { type: pkcs11.CKA_VERIFY, value: true },
            { type: pkcs11.CKA_EC_PARAMS, value: ED25519_PARAMS },
            { type: pkcs11.CKA_LABEL, value: kid },
            { type: pkcs11.CKA_ID, value: id },
          ],
          [
            { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PRIVATE_KEY },
            { type: pkcs11.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
            { type: pkcs11.CKA_TOKEN, value: true },
            { type: pkcs11.CKA_PRIVATE, value: true },
            { type: pkcs11.CKA_SENSITIVE, value: true },
            { type: pkcs11.CKA_EXTRACTABLE, value: false },
            { type: pkcs11.CKA_SIGN, value: true },
            // Signing only (SoftHSM would also allow decrypt and unwrap by default).
            { type: pkcs11.CKA_DECRYPT, value: false },
            { type: pkcs11.CKA_UNWRAP, value: false },
            { type: pkcs11.CKA_DERIVE, value: false },
            { type: pkcs11.CKA_LABEL, value: kid },
            { type: pkcs11.CKA_ID, value: id },
          ],
        );
        const [point] = s.lib.C_GetAttributeValue(s.session, pair.publicKey, [{ type: pkcs11.CKA_EC_POINT }]);
        return ecPoint(point!.value as Buffer);
      });
      const publicKey = ed25519PublicKey(raw);
      const stored = pkcs11Uri(opts.token, kid);
      return { stored, publicKey, signer: store.signer(kid, stored, publicKey) };
    },
    holds: (stored) => stored.startsWith('pkcs11:'),
    signer(kid, stored, publicKey): Signer {
      const ref = parsePkcs11Uri(stored);
      return {
        kid,
        publicKey,
        async sign(data) {
          if (ref.token !== opts.token || ref.id !== kid)
            throw unavailable(`sign with ${kid}: the key is on token ${ref.token} (id ${ref.id}), MANDATE_PKCS11_TOKEN is ${opts.token}`);
          const signature = withSession(`sign with ${kid}`, (s) => signWith(s, handles.get(kid) ?? findPrivate(s, kid), kid, data));
          // Never sign in Mandate's name with a key verifiers do not hold.
          if (signature.length !== 64 || !verify(null, data, publicKey, signature))
            throw unavailable(`sign with ${kid}: the token's key ${kid} is not the one Mandate publishes`);
          return signature;
        },
      };
    },
    async check() {
      withSession('be reached', (s) => s.lib.C_GetSessionInfo(s.session));
    },
    close: disconnect,
  };
  return store;
}

/** The PIN source: MANDATE_PKCS11_PIN, or MANDATE_PKCS11_PIN_FILE read at each login (its trailing newline dropped). */
export function pinFrom(pin: string | undefined, pinFile: string | undefined): () => string {
  if (pin !== undefined) return () => pin;
  if (pinFile === undefined) throw new Error('a PKCS#11 PIN or PIN file is needed');
  return () => readFileSync(pinFile, 'utf8').replace(/\r?\n$/, '');
}

const digest = (pin: string) => createHash('sha256').update(pin).digest('hex');

/** CKA_EC_POINT of an Edwards key: the 32 raw bytes, DER-wrapped in an OCTET STRING (or bare, as some tokens answer). */
function ecPoint(value: Buffer): Buffer {
  if (value.length === 34 && value[0] === 0x04 && value[1] === 0x20) return value.subarray(2);
  if (value.length === 32) return value;
  throw new Error(`the token answered an Ed25519 public key of ${value.length} bytes`);
}

/** An RFC 7512 URI naming a private key by token label and id (the id is the kid, so readable). */
export function pkcs11Uri(token: string, kid: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `pkcs11:token=${enc(token)};id=${enc(kid)};object=${enc(kid)};type=private`;
}

export function parsePkcs11Uri(uri: string): { token: string; id: string } {
  if (!uri.startsWith('pkcs11:')) throw new Error('not a pkcs11: URI');
  const attrs = new Map(
    uri
      .slice('pkcs11:'.length)
      .split(';')
      .map((kv) => [kv.slice(0, kv.indexOf('=')), decodeURIComponent(kv.slice(kv.indexOf('=') + 1))] as const),
  );
  const token = attrs.get('token');
  const id = attrs.get('id');
  if (!token || !id) throw new Error(`the PKCS#11 reference ${uri} names no token or id`);
  return { token, id };
}
