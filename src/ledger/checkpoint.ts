// Checkpoints in the C2SP tlog-checkpoint format, signed as C2SP signed notes with Ed25519:
//
//   <origin>\n<tree size>\n<base64 root hash>\n\n— <key name> <base64(key id || signature)>\n
//
// The key id is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key); a verifier
// key is written `<name>+<key id hex>+<base64(0x01 || public key)>`. Pure: keys come in as
// node:crypto KeyObjects.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

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
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  if (!m) throw new Error('not a verifier key (name+keyid+base64key)');
  const raw = Buffer.from(m[3]!, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519) throw new Error('verifier key is not an Ed25519 key');
  const pub = raw.subarray(1);
  if (!keyId(m[1]!, pub).equals(Buffer.from(m[2]!, 'hex'))) throw new Error('verifier key id does not match its key');
  return {
    name: m[1]!,
    id: Buffer.from(m[2]!, 'hex'),
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

/** Parses and verifies a signed checkpoint; throws with the reason when it is not valid. */
export function openCheckpoint(note: string, vkey: string): Checkpoint {
  const { name, id, key } = parseVerifierKey(vkey);
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('checkpoint has no signature block');
  const body = note.slice(0, split + 1);
  const lines = body.split('\n');
  if (lines.length < 4) throw new Error('checkpoint body needs origin, size and root');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) throw new Error(`checkpoint size is not a number: ${sizeText}`);
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText) throw new Error('checkpoint root is not a base64 SHA-256 hash');
  const sigs = note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean);
  for (const line of sigs) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const blob = Buffer.from(m[2]!, 'base64');
    if (blob.length !== 68 || !blob.subarray(0, 4).equals(id)) continue;
    if (verify(null, Buffer.from(body, 'utf8'), key, blob.subarray(4))) return { origin, size: Number(sizeText), root };
    throw new Error(`checkpoint signature by ${name} does not verify`);
  }
  throw new Error(`checkpoint is not signed by ${name}`);
}
