// The ledger's signing key: Ed25519, its private half encrypted at rest with AES-256-GCM under a
// key-encryption key (KEK) that comes from the environment or a file and is never stored with it;
// or, with MANDATE_KEY_STORE=pkcs11, made in an HSM (src/keys/pkcs11.ts), encrypted_private then
// holding only its pkcs11: reference.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { appendEvents } from './log.js';
import { parseVerifierKey, verifierKey } from './checkpoint.js';
import { MandateError } from '../core/errors.js';
import type { KeyStore, Signer } from '../keys/signer.js';
import type { Database, Sql } from '../store/db.js';

export interface LogKey {
  id: string;
  name: string;
  /** Signs checkpoints and evidence packs, wherever the private half lives. */
  signer: Signer;
  /** Only a sealed key's: an HSM key never leaves the HSM. */
  privateKey?: KeyObject;
  publicKey: KeyObject;
  verifierKey: string;
}

/** The sealed key store (src/keys/signer.ts) over this KEK: private halves sealed by sealKey. */
export function sealedStore(kek: Buffer): KeyStore {
  return {
    kind: 'sealed',
    async generate(kid) {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const stored = sealKey(kek, kid, privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer);
      return { stored, publicKey, signer: localSigner(kid, privateKey) };
    },
    holds: (stored) => !stored.startsWith('pkcs11:'),
    signer: (kid, stored) => openLocal(kek, kid, stored),
    async check() {},
    close() {},
  };
}

const openLocal = (kek: Buffer, kid: string, stored: string) =>
  localSigner(kid, createPrivateKey({ key: openKey(kek, kid, stored), format: 'der', type: 'pkcs8' }));

function localSigner(kid: string, privateKey: KeyObject): Signer & { privateKey: KeyObject } {
  return { kid, privateKey, publicKey: createPublicKey(privateKey), sign: async (data) => sign(null, data, privateKey) };
}

/**
 * A log key from its row. A sealed key under MANDATE_KEY_STORE=pkcs11 opens (a rotation's handover
 * checkpoint is signed by the old key) but its signer refuses: the ledger never signs with a key
 * outside the HSM it is configured with. An HSM key without the HSM configured refuses to sign too
 * (its verifier key is still served).
 */
function logKeyOf(row: { id: string; name: string; public_key: string; encrypted_private: string }, kek: Buffer, store?: KeyStore): LogKey {
  const sealed = !row.encrypted_private.startsWith('pkcs11:');
  let signer: Signer & { privateKey?: KeyObject };
  if (!sealed && store?.kind !== 'pkcs11') {
    const message = `the ledger key ${row.id} is in an HSM (${row.encrypted_private}): set MANDATE_KEY_STORE=pkcs11`;
    signer = {
      kid: row.id,
      publicKey: parseVerifierKey(row.public_key).key,
      sign: async () => {
        throw new MandateError('KEY_UNAVAILABLE', message);
      },
    };
  } else if (sealed) {
    const local = openLocal(kek, row.id, row.encrypted_private);
    signer =
      store?.kind === 'pkcs11'
        ? {
            ...local,
            sign: async () => {
              throw new MandateError(
                'KEY_UNAVAILABLE',
                `the ledger key ${row.id} is sealed under the KEK, not in the HSM (MANDATE_KEY_STORE=pkcs11): ` +
                  'rotate the ledger key (mandate keys rotate ledger) to make its successor in the HSM',
              );
            },
          }
        : local;
  } else signer = store!.signer(row.id, row.encrypted_private, parseVerifierKey(row.public_key).key);
  const { publicKey, privateKey } = signer;
  return {
    id: row.id,
    name: row.name,
    signer,
    ...(privateKey ? { privateKey } : {}),
    publicKey,
    verifierKey: verifierKey(row.name, publicKey),
  };
}

export function parseKek(text: string): Buffer {
  const kek = Buffer.from(text.trim(), 'base64');
  if (kek.length !== 32) throw new Error('the key-encryption key must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  return kek;
}

export function sealKey(kek: Buffer, keyId: string, plain: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(keyId));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

export function openKey(kek: Buffer, keyId: string, sealed: string): Buffer {
  const [v, iv, tag, body] = sealed.split(':');
  if (v !== 'v1' || !iv || !tag || !body) throw new Error('sealed key has an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(keyId));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]);
  } catch {
    throw new Error('cannot open the ledger key: wrong key-encryption key (MANDATE_KEK)');
  }
}

/**
 * The log key that signs now (the one no rotation retired), or undefined before the first; `known`
 * is answered again, without opening the key, while it is still the current one.
 */
export async function currentLogKey(sql: Sql, kek: Buffer, known?: LogKey, store?: KeyStore): Promise<LogKey | undefined> {
  const [row] = await sql.all<{ id: string; name: string; public_key: string; encrypted_private: string }>(
    'SELECT id, name, public_key, encrypted_private FROM ledger_keys WHERE retired_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1',
  );
  if (!row) return undefined;
  if (known?.id === row.id) return known;
  return logKeyOf(row, kek, store);
}

/** The current log key, made (and recorded as an event) on first use. */
export async function loadLogKey(db: Database, kek: Buffer, name: string, clock: () => Date, store?: KeyStore): Promise<LogKey> {
  const current = await currentLogKey(db, kek, undefined, store);
  if (current) return current;
  const id = `lk_${randomBytes(6).toString('hex')}`;
  // Made in the key store: encrypted_private holds the sealed private half, or the HSM's reference.
  const made = await (store ?? sealedStore(kek)).generate(id);
  const vkey = verifierKey(name, made.publicKey);
  const at = clock().toISOString();
  await db.transaction(async (tx) => {
    await tx.run('INSERT INTO ledger_keys (id, name, public_key, encrypted_private, created_at) VALUES (?, ?, ?, ?, ?)', [
      id,
      name,
      vkey,
      made.stored,
      at,
    ]);
    await appendEvents(tx, at, [
      { actor: 'mandate', action: 'ledger.key_created', subject: { type: 'ledger_key', id }, after: { verifier_key: vkey } },
    ]);
  });
  return loadLogKey(db, kek, name, clock, store);
}
