// C2SP signed notes (c2sp.org/signed-note) and the checkpoint text they carry
// (c2sp.org/tlog-checkpoint), read strictly: a note is refused exactly where Go's
// golang.org/x/mod/sumdb/note Open refuses it as malformed (test/ledger/note.test.ts holds its
// vectors), and a checkpoint text where the tlog-checkpoint spec says it is not one.
//
// Hand-written because npm has no maintained library for C2SP notes or checkpoints. It imports
// nothing and uses no Node API, so the server (src/ledger/checkpoint.ts, node:crypto) and the
// console's in-browser check (console/src/lib/ledger-verify.ts, WebCrypto) share this one parser
// and differ only in how they check an Ed25519 signature.
//
// What Go refuses, and so this:
//   - text that is not valid UTF-8, or holds an ASCII control character other than newline;
//   - no blank line (the last "\n\n" separates the text from the signatures), or a signature block
//     that is empty or does not end in a newline;
//   - any line of the block that is not "— <name> <base64>": a stray line, a name that is empty or
//     holds a space or "+", base64 that does not decode (RFC 4648 standard alphabet, padded), or
//     fewer than 5 bytes (a 4-byte key id and a signature);
//   - more than 100 signature lines.
// Signatures by other keys are kept (and skipped by the verifier), as Go keeps them unverified;
// of several by the verifier's key, Go checks the first, and so does signatureBy.

export class MalformedNoteError extends Error {
  constructor(reason: string) {
    super(`malformed note: ${reason}`);
    this.name = 'MalformedNoteError';
  }
}

export interface NoteSignature {
  name: string;
  /** The first 4 bytes of the signature blob (big-endian uint32), as 8 lowercase hex digits. */
  keyId: string;
  /** The rest of the blob: for Ed25519, 64 bytes when it is one. */
  signature: Uint8Array;
}

export interface SignedNote {
  /** The signed text: every line before the separating blank line, the last newline included. */
  text: string;
  signatures: NoteSignature[];
}

export interface CheckpointText {
  origin: string;
  size: number;
  root: Uint8Array;
  /** Extension lines after the root hash (opaque, each non-empty). */
  extensions: string[];
}

const SIGNATURE_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;
const HASH_BYTES = 32;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
// Go's unicode.IsSpace: the Latin-1 spaces and the other Unicode White_Space code points (JavaScript's
// \s also takes U+FEFF, which Go does not).
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Decodes standard, padded base64 as Go's base64.StdEncoding.DecodeString does (on text without
 * newlines): the length a multiple of 4, "=" only as one or two final pads, nothing after them.
 * Bits below the last full byte are ignored, as Go (not in strict mode) ignores them. Null when
 * it is not base64.
 */
export function decodeBase64(s: string): Uint8Array | null {
  if (s.length % 4 !== 0) return null;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const body = s.slice(0, s.length - pad);
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const ch of body) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
      value &= (1 << bits) - 1;
    }
  }
  return o === out.length ? out : null;
}

export function encodeBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    s += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=';
    s += i + 2 < bytes.length ? ALPHABET[n & 63]! : '=';
  }
  return s;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A key name as signed-note allows it: non-empty, no Unicode space, no "+". */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !GO_SPACE.test(name) && !name.includes('+') && !LONE_SURROGATE.test(name);
}

function noteText(msg: string | Uint8Array): string {
  if (typeof msg !== 'string') {
    try {
      // ignoreBOM: a leading U+FEFF is text like any other, as in Go.
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(msg);
    } catch {
      throw new MalformedNoteError('it is not valid UTF-8');
    }
  }
  if (LONE_SURROGATE.test(msg)) throw new MalformedNoteError('it is not valid UTF-8 (a lone surrogate)');
  return msg;
}

/** Reads a signed note without verifying it; throws MalformedNoteError where Go's note.Open would. */
export function parseNote(msg: string | Uint8Array): SignedNote {
  const note = noteText(msg);
  for (let i = 0; i < note.length; i++) {
    const c = note.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) throw new MalformedNoteError(`it holds the control character U+${c.toString(16).padStart(4, '0')}`);
  }
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new MalformedNoteError('no blank line separates the text from the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (!block) throw new MalformedNoteError('no signature line after the blank line');
  if (!block.endsWith('\n')) throw new MalformedNoteError('the last line does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  const signatures: NoteSignature[] = [];
  lines.forEach((line, i) => {
    const where = `line ${i + 1} of the signatures`;
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new MalformedNoteError(`${where} is not a signature line ("— name signature")`);
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const b64 = space < 0 ? '' : rest.slice(space + 1);
    if (!isValidKeyName(name)) throw new MalformedNoteError(`${where}: the key name is empty or holds a space or "+"`);
    const blob = b64 ? decodeBase64(b64) : null;
    if (!blob) throw new MalformedNoteError(`${where}: the signature is not base64`);
    if (blob.length < 5) throw new MalformedNoteError(`${where}: the signature is shorter than a key id and a signature`);
    if (signatures.length === MAX_SIGNATURES) throw new MalformedNoteError(`more than ${MAX_SIGNATURES} signatures`);
    signatures.push({ name, keyId: hex(blob.subarray(0, 4)), signature: blob.slice(4) });
  });
  return { text, signatures };
}

/** The signature a verifier key checks: the first by its name and key id (Go checks only that one). */
export function signatureBy(note: SignedNote, name: string, keyId: string): NoteSignature | undefined {
  return note.signatures.find((s) => s.name === name && s.keyId === keyId);
}

/** Reads a note's text as a tlog checkpoint: origin, tree size, root hash, then extension lines. */
export function parseCheckpointText(text: string): CheckpointText {
  if (!text.endsWith('\n')) throw new Error('the checkpoint text does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new Error('the checkpoint needs an origin, a tree size and a root hash');
  const at = lines.findIndex((l) => !l);
  if (at >= 0) throw new Error(`line ${at + 1} of the checkpoint is empty`);
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw new Error(`the checkpoint size is not a number: ${sizeText}`);
  const root = decodeBase64(rootText);
  if (!root || root.length !== HASH_BYTES) throw new Error('the checkpoint root is not a base64 SHA-256 hash');
  return { origin, size: Number(sizeText), root, extensions: lines.slice(3) };
}

/** A verifier key `name+<8 hex>+base64(0x01 || 32-byte Ed25519 key)`, read; its key id is checked by the caller. */
export function splitVerifierKey(vkey: string): { name: string; keyId: string; publicKey: Uint8Array } {
  const m = typeof vkey === 'string' ? /^([^+]*)\+([0-9a-f]{8})\+(.*)$/s.exec(vkey.trim()) : null;
  if (!m || !isValidKeyName(m[1]!)) throw new Error('not a verifier key (name+keyid+base64key)');
  const raw = decodeBase64(m[3]!);
  if (!raw) throw new Error('the verifier key is not base64');
  if (raw.length !== 33 || raw[0] !== 0x01) throw new Error('the verifier key is not an Ed25519 key');
  return { name: m[1]!, keyId: m[2]!, publicKey: raw.slice(1) };
}
