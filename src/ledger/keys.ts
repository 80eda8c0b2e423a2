// The ledger's signing key: Ed25519, its private half encrypted at rest with AES-256-GCM under a
// key-encryption key (KEK) that comes from the environment or a file and is never stored with it.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { appendEvents } from './log.js';
import { verifierKey } from './checkpoint.js';
import type { Database } from '../store/db.js';

export interface LogKey {
  id: string;
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  verifierKey: string;
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

/** The current log key, made (and recorded as an event) on first use. */
export async function loadLogKey(db: Database, kek: Buffer, name: string, clock: () => Date): Promise<LogKey> {
  const [row] = await db.all<{ id: string; name: string; encrypted_private: string }>(
    'SELECT id, name, encrypted_private FROM ledger_keys ORDER BY created_at DESC, id DESC LIMIT 1',
  );
  if (row) {
    const privateKey = createPrivateKey({ key: openKey(kek, row.id, row.encrypted_private), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey(privateKey);
    return { id: row.id, name: row.name, privateKey, publicKey, verifierKey: verifierKey(row.name, publicKey) };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const id = `lk_${randomBytes(6).toString('hex')}`;
  const vkey = verifierKey(name, publicKey);
  const at = clock().toISOString();
  await db.transaction(async (tx) => {
    await tx.run('INSERT INTO ledger_keys (id, name, public_key, encrypted_private, created_at) VALUES (?, ?, ?, ?, ?)', [
      id,
      name,
      vkey,
      sealKey(kek, id, privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer),
      at,
    ]);
    await appendEvents(tx, at, [
      { actor: 'mandate', action: 'ledger.key_created', subject: { type: 'ledger_key', id }, after: { verifier_key: vkey } },
    ]);
  });
  return loadLogKey(db, kek, name, clock);
}
