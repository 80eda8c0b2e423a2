// Checkpoints in the C2SP tlog-checkpoint format, signed as C2SP signed notes with Ed25519:
//
//   <origin>\n<tree size>\n<base64 root hash>\n\n— <key name> <base64(key id || signature)>\n
//
// The key id is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key); a verifier
// key is written `<name>+<key id hex>+<base64(0x01 || public key)>`. Pure: keys come in as
// node:crypto KeyObjects. Reading a note and its checkpoint text is src/ledger/note.ts, shared with
// the console's in-browser check.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Signer } from '../keys/signer.js';
import { parseCheckpointText, parseNote, signatureBy, splitVerifierKey, type SignedNote } from './note.js';

const ED25519 = 0x01;
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

export function rawPublicKey(publicKey: KeyObject): Buffer {
  return (publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(SPKI_ED25519_PREFIX.length);
}

export function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(name)
    .update(Buffer.from([0x0a, ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export function verifierKey(name: string, publicKey: KeyObject): string {
  const raw = rawPublicKey(publicKey);
  return `${name}+${keyId(name, raw).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), raw]).toString('base64')}`;
}

export function parseVerifierKey(vkey: string): { name: string; id: Buffer; key: KeyObject } {
  const { name, keyId: idHex, publicKey } = splitVerifierKey(vkey);
  const pub = Buffer.from(publicKey);
  if (!keyId(name, pub).equals(Buffer.from(idHex, 'hex'))) throw new Error('verifier key id does not match its key');
  return {
    name,
    id: Buffer.from(idHex, 'hex'),
    key: createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pub]), format: 'der', type: 'spki' }),
  };
}

export function checkpointBody(c: Checkpoint): string {
  if (/\n/.test(c.origin) || !c.origin) throw new Error('origin must be one non-empty line');
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n`;
}

export function signCheckpoint(c: Checkpoint, name: string, privateKey: KeyObject, publicKey: KeyObject): string {
  const body = checkpointBody(c);
  const sig = sign(null, Buffer.from(body, 'utf8'), privateKey);
  const id = keyId(name, rawPublicKey(publicKey));
  return `${body}\n\u2014 ${name} ${Buffer.concat([id, sig]).toString('base64')}\n`;
}

/** signCheckpoint by a key store's signer (src/keys/: sealed, or an HSM that never hands out the key). */
export async function signCheckpointWith(c: Checkpoint, name: string, signer: Pick<Signer, 'sign' | 'publicKey'>): Promise<string> {
  const body = checkpointBody(c);
  const sig = await signer.sign(Buffer.from(body, 'utf8'));
  const id = keyId(name, rawPublicKey(signer.publicKey));
  return `${body}\n\u2014 ${name} ${Buffer.concat([id, sig]).toString('base64')}\n`;
}

/**
 * Opens a signed note with one verifier key, as Go's note.Open does with a list of one: the note is
 * read strictly (src/ledger/note.ts: refused where Go refuses it as malformed), signatures by other
 * keys are skipped, the first by this key must verify. Bytes are checked to be UTF-8 first.
 * Throws with the reason.
 */
export function openNote(note: string | Uint8Array, vkey: string): SignedNote {
  const { name, id, key } = parseVerifierKey(vkey);
  const parsed = parseNote(note);
  const sig = signatureBy(parsed, name, id.toString('hex'));
  if (!sig) {
    const others = parsed.signatures.map((s) => `${s.name} (${s.keyId})`);
    throw new Error(
      `the note is not signed by ${name} (key id ${id.toString('hex')})${others.length ? `; it is signed by ${others.join(', ')}` : ''}`,
    );
  }
  if (sig.signature.length !== 64 || !verify(null, Buffer.from(parsed.text, 'utf8'), key, sig.signature))
    throw new Error(`the signature by ${name} does not verify`);
  return parsed;
}

/** Opens a signed checkpoint (openNote) and reads its text; throws with the reason when it is not valid. */
export function openCheckpoint(note: string | Uint8Array, vkey: string): Checkpoint {
  const { origin, size, root } = parseCheckpointText(openNote(note, vkey).text);
  return { origin, size, root: Buffer.from(root) };
}
