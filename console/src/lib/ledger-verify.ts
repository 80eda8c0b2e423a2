// The ledger explorer's own check that one event is in the log: the event's leaf hash, the
// inclusion proof up to a signed checkpoint's root, the checkpoint's Ed25519 signature, and the
// verifier key against the one the user pinned. Nothing the server says is trusted but the key
// (docs/ledger.md), and after a rotation of that key, the rotations that hand over from it, each
// proven by a checkpoint the key before signed. Framework-free and Node-free — WebCrypto (`crypto.subtle`) and TextEncoder
// only — so the same code runs in the browser and under Node 20's tests.
//
// The leaf text is the server's own function (src/ledger/leaf.ts imports nothing, so the console
// bundles it), and so is the strict C2SP signed-note and checkpoint parser (src/ledger/note.ts).
// The hashing, the RFC 9162 §2.1.3.2 proof check and the Ed25519 signature check are
// src/ledger/merkle.ts and src/ledger/checkpoint.ts again over WebCrypto: those use node:crypto.
import { leafText } from '../../../src/ledger/leaf.js';
import { parseCheckpointText, parseNote, splitVerifierKey } from '../../../src/ledger/note.js';

/** An event as GET /v1/events (or /v1/{kind}/:id/events) lists it. */
export interface LedgerEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: { type: string; id: string };
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** GET /v1/ledger/proof/inclusion?seq=&size= : hashes in hex, leaf_index = seq - 1. */
export interface InclusionProof {
  seq: number;
  leaf_index: number;
  tree_size: number;
  leaf_hash: string;
  root: string;
  proof: string[];
}

/** A verifier key `name+keyid+base64(0x01 || public key)`, read and its key id checked. */
export interface VerifierKey {
  name: string;
  /** 8 hex digits: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key). */
  keyId: string;
  publicKey: Uint8Array;
}

/** A checkpoint note as written, not yet verified. */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  /** The signed text: the body lines, each ending in a newline. */
  body: string;
  signatures: { name: string; keyId: string; signature: Uint8Array }[];
}

export type CheckName = 'leaf' | 'proof' | 'signature' | 'rotations' | 'pinned';

/** What each step establishes, in the order the steps are reported. */
export const STEP_LABELS: Record<CheckName, string> = {
  leaf: 'The event, as shown, hashes to the leaf the proof starts from',
  proof: "The inclusion proof leads from that leaf to the checkpoint's root",
  signature: 'The checkpoint is signed by the verifier key',
  rotations: 'Each key rotation is in a checkpoint signed by the key before it',
  pinned: 'The verifier key is the one you pinned, or one it handed over to by a verified rotation',
};

/** GET /v1/ledger/rotations: one rotation of the ledger key with what proves it (src/ledger/rotations.ts). */
export interface RotationRecord {
  /** The `ledger.key_rotated` event as its leaf text: `after` is `{from, to}`, two verifier keys. */
  leaf: string;
  leaf_hash: string;
  /** The checkpoint the old key signed that covers the event. */
  checkpoint: string;
  /** The event's inclusion proof in that checkpoint (hex). */
  proof: string[];
}

/** A key of the chain of trust and the checkpoint sizes it may sign. */
export interface ChainKey extends VerifierKey {
  /** As written: `name+keyid+base64`. */
  key: string;
  /** The rotation event that handed over to it; absent for the key the chain starts from. */
  since?: number;
  /** The rotation event that retired it: it signs no checkpoint larger than that. */
  until?: number;
}

export interface KeyChain {
  /** False when a rotation from a key of the chain does not verify (the chain stops before it). */
  ok: boolean;
  keys: ChainKey[];
  /** Each rotation followed, and the first that failed. */
  rotations: { seq: number; ok: boolean; detail: string }[];
}

export interface VerificationStep {
  check: CheckName;
  label: string;
  ok: boolean;
  detail?: string;
}

export interface VerificationResult {
  /** True only when every step is. */
  ok: boolean;
  steps: VerificationStep[];
  /** With rotations: the keys followed, from the one trusted to start with. */
  chain?: KeyChain;
  /** The key the checkpoint was checked with. */
  signer?: string;
  /** The checkpoint's root (hex) and size, as the note states them; vouched for only when ok. */
  root?: string;
  treeSize?: number;
  origin?: string;
}

export interface InclusionInput {
  event: LedgerEvent;
  proof: InclusionProof;
  /** The `note` of GET /v1/ledger/checkpoint. */
  checkpointNote: string;
  /** The key the checkpoint is checked with (e.g. the response's `verifier_key`). */
  verifierKey: string;
  /** The key the user keeps outside Mandate; when given, the verifier key must be it or one it handed over to. */
  pinnedKey?: string;
  /**
   * The `items` of GET /v1/ledger/rotations. When given, they are followed from the pinned key
   * (else from the log's first key, as the server tells it) and the checkpoint may be signed by
   * any key of that chain within its span; when absent, only the verifier key is used.
   */
  rotations?: RotationRecord[];
}

const ED25519 = 0x01;

// ---- bytes -------------------------------------------------------------------------------------

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return concat(new TextEncoder().encode(text));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hex (either case, even length) to bytes; throws otherwise. */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Error('not hex');
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

function hash32(hex: unknown, what: string): Uint8Array {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`${what} is not a SHA-256 hash in hex`);
  return fromHex(hex);
}

const short = (hex: string) => `${hex.slice(0, 12)}…`;

// ---- hashes and proofs (src/ledger/merkle.ts) -----------------------------------------------------

function subtle(): SubtleCryptoLike {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available here; it needs a secure context (https or localhost)');
  return s;
}
type SubtleCryptoLike = typeof globalThis.crypto.subtle;

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', concat(...parts)));
}

/** RFC 9162 leaf hash: SHA-256(0x00 || data); a string is hashed as UTF-8. */
export function leafHash(data: Uint8Array | string): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0), typeof data === 'string' ? utf8(data) : data);
}

/** RFC 9162 node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(1), left, right);
}

/** How many hashes the audit path of leaf `index` in a tree of `size` leaves has. */
export function inclusionPathLength(index: number, size: number): number {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) {
    throw new RangeError(`leaf index ${index} is not in a tree of size ${size}`);
  }
  let fn = index;
  let sn = size - 1;
  let n = 0;
  while (sn !== 0) {
    if (fn % 2 === 0 && fn === sn) {
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
    n++;
  }
  return n;
}

/**
 * RFC 9162 §2.1.3.2: the root an audit path leads to from leaf `index` of a tree of `size`
 * leaves. Throws a RangeError when the index is outside the tree or the path has the wrong length.
 */
export async function rootFromInclusionProof(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Promise<Uint8Array> {
  const want = inclusionPathLength(index, size);
  if (proof.length !== want) {
    throw new RangeError(`the proof has ${proof.length} hashes; leaf ${index} of a tree of size ${size} needs ${want}`);
  }
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return r;
}

/** Does this audit path lead from the leaf hash to the root? Never throws. */
export async function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  try {
    return equalBytes(await rootFromInclusionProof(leaf, index, size, proof), root);
  } catch {
    return false;
  }
}

// ---- events (src/ledger/leaf.ts) ----------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stored JSON text of `before`/`after`: the API parsed it, and JSON text survives the round trip. */
function docText(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  const text = JSON.stringify(v) as string | undefined;
  if (text === undefined) throw new Error(`the event's ${field} is not JSON`);
  return text;
}

/** The exact leaf bytes (as text) of an event as the API lists it; throws when it is not one. */
export function eventLeafText(event: LedgerEvent): string {
  const e: unknown = event;
  if (!isObject(e)) throw new Error('the event is not an object');
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1) throw new Error('the event has no sequence number (seq ≥ 1)');
  for (const k of ['at', 'actor', 'action'] as const) if (typeof e[k] !== 'string') throw new Error(`the event's ${k} is not a string`);
  const subject = e.subject;
  if (!isObject(subject) || typeof subject.type !== 'string' || typeof subject.id !== 'string')
    throw new Error("the event's subject is not {type, id}");
  if (e.reason !== null && typeof e.reason !== 'string') throw new Error("the event's reason is neither a string nor null");
  return leafText({
    seq: e.seq as number,
    at: e.at as string,
    actor: e.actor as string,
    action: e.action as string,
    subject_type: subject.type,
    subject_id: subject.id,
    before_doc: docText(e.before, 'before'),
    after_doc: docText(e.after, 'after'),
    reason: e.reason,
  });
}

export function eventLeafHash(event: LedgerEvent): Promise<Uint8Array> {
  return leafHash(eventLeafText(event));
}

// ---- keys and checkpoints (src/ledger/checkpoint.ts) ----------------------------------------------

/** The first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), in hex. */
export async function keyId(name: string, publicKey: Uint8Array): Promise<string> {
  return toHex((await sha256(utf8(name), Uint8Array.of(0x0a, ED25519), publicKey)).subarray(0, 4));
}

/** Reads `name+keyid+base64(0x01 || key)`; throws when it is not one or its key id is wrong. */
export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  const { name, keyId: id, publicKey } = splitVerifierKey(vkey);
  if ((await keyId(name, publicKey)) !== id) throw new Error('the verifier key id does not match its key');
  return { name, keyId: id, publicKey };
}

/**
 * Reads a checkpoint note (C2SP tlog-checkpoint in a signed note) without verifying it, with the
 * server's own strict parser (src/ledger/note.ts: refused where Go's sumdb/note refuses it).
 */
export function parseCheckpoint(note: string): Checkpoint {
  if (typeof note !== 'string') throw new Error('the checkpoint is not text');
  const parsed = parseNote(note);
  const { origin, size, root } = parseCheckpointText(parsed.text);
  return { origin, size, root, body: parsed.text, signatures: parsed.signatures };
}

/** Checks the checkpoint's Ed25519 signature by this key; throws with the reason when it fails. */
export async function verifyCheckpointSignature(cp: Checkpoint, key: VerifierKey): Promise<void> {
  const byName = cp.signatures.filter((s) => s.name === key.name);
  // The first by this key, as Go's note.Open checks (others by it are skipped).
  const sig = byName.find((s) => s.keyId === key.keyId);
  if (!sig) {
    if (byName.length)
      throw new Error(
        `the checkpoint is signed by ${key.name} with key id ${byName.map((s) => s.keyId).join(', ')}, not the verifier key's ${key.keyId}`,
      );
    const others = cp.signatures.map((s) => `${s.name} (${s.keyId})`);
    throw new Error(`the checkpoint is not signed by ${key.name}${others.length ? `; it is signed by ${others.join(', ')}` : ''}`);
  }
  if (sig.signature.length !== 64)
    throw new Error(`the signature by ${key.name} (key id ${key.keyId}) does not verify: it is not an Ed25519 signature (64 bytes)`);
  let good: boolean;
  try {
    const s = subtle();
    const pub = await s.importKey('raw', concat(key.publicKey), { name: 'Ed25519' }, false, ['verify']);
    good = await s.verify({ name: 'Ed25519' }, pub, concat(sig.signature), utf8(cp.body));
  } catch (err) {
    throw new Error(`this browser cannot check Ed25519 signatures with WebCrypto (${(err as Error).message})`);
  }
  if (!good)
    throw new Error(`the signature by ${key.name} (key id ${key.keyId}) does not verify: the checkpoint is not the one the key signed`);
}

/** Parses and verifies a signed checkpoint, as the server's openCheckpoint does; throws with the reason. */
export async function openCheckpoint(note: string, vkey: string): Promise<Checkpoint> {
  const key = await parseVerifierKey(vkey);
  const cp = parseCheckpoint(note);
  await verifyCheckpointSignature(cp, key);
  return cp;
}

// ---- key rotations (src/evidence/verify.ts followRotations, src/ledger/verify.ts keyChain) --------

interface Rotation {
  seq: number;
  from: string;
  to: string;
  record: RotationRecord;
}

const describeKey = (k: VerifierKey) => `${k.name} (key id ${k.keyId})`;
const sameKey = (a: VerifierKey, b: VerifierKey) => a.name === b.name && equalBytes(a.publicKey, b.publicKey);

/** The records as rotations, in event order; throws on one that is not a ledger key rotation. */
function readRotations(records: unknown): Rotation[] {
  if (!Array.isArray(records)) throw new Error('the key rotations are not a list');
  return records
    .map((r: unknown, i) => {
      const what = `key rotation record ${i + 1}`;
      if (!isObject(r) || typeof r.leaf !== 'string' || typeof r.checkpoint !== 'string' || !Array.isArray(r.proof))
        throw new Error(`${what} is not {leaf, leaf_hash, checkpoint, proof}`);
      let e: unknown;
      try {
        e = JSON.parse(r.leaf);
      } catch {
        throw new Error(`${what}: its event is not JSON`);
      }
      if (!isObject(e) || e.action !== 'ledger.key_rotated' || !Number.isSafeInteger(e.seq) || (e.seq as number) < 1)
        throw new Error(`${what} is not a ledger.key_rotated event`);
      const after = e.after;
      if (!isObject(after) || typeof after.from !== 'string' || typeof after.to !== 'string')
        throw new Error(`${what}: event ${String(e.seq)} does not name the keys {from, to}`);
      return { seq: e.seq as number, from: after.from.trim(), to: after.to.trim(), record: r as unknown as RotationRecord };
    })
    .sort((a, b) => a.seq - b.seq);
}

/** The old key of the earliest rotation: the log's first key, as the server tells it. */
export function firstKeyOf(records: unknown): string | undefined {
  try {
    return readRotations(records)[0]?.from;
  } catch {
    return undefined;
  }
}

/** Checks that one rotation is proven to a verifier that trusts `old`; answers the new key, or throws why not. */
async function verifyRotation(r: Rotation, old: ChainKey): Promise<VerifierKey> {
  let cp: Checkpoint;
  try {
    cp = parseCheckpoint(r.record.checkpoint);
    await verifyCheckpointSignature(cp, old);
  } catch (err) {
    throw new Error(`the checkpoint offered for it is not one ${describeKey(old)} signed: ${message(err)}`);
  }
  const hash = await leafHash(r.record.leaf);
  if (r.record.leaf_hash !== undefined && String(r.record.leaf_hash).toLowerCase() !== toHex(hash))
    throw new Error('the event does not hash to the leaf hash offered with it');
  const path = r.record.proof.map((h, i) => hash32(h, `hash ${i} of its inclusion proof`));
  if (!(await verifyInclusion(hash, r.seq - 1, cp.size, path, cp.root)))
    throw new Error(`the event is not in the checkpoint of size ${cp.size} that ${describeKey(old)} signed`);
  // The old key signs that checkpoint and nothing larger (src/keys/rotation.ts): a retired key signs nothing later.
  if (cp.size > r.seq) throw new Error(`${describeKey(old)} signed a checkpoint of size ${cp.size}, past its own retirement`);
  try {
    return await parseVerifierKey(r.to);
  } catch (err) {
    throw new Error(`the key it hands over to is not a verifier key: ${message(err)}`);
  }
}

/**
 * Follows the ledger key's rotations from a trusted key: a rotation from the last key of the chain
 * counts when the checkpoint it comes with is signed by that key and includes the event; its new
 * key then joins the chain. Rotations from other keys (before the trusted one) are skipped; the
 * first that fails stops the chain. Throws only when the trusted key cannot be read.
 */
export async function followKeyRotations(trusted: string, records: unknown): Promise<KeyChain> {
  const start = await parseVerifierKey(typeof trusted === 'string' ? trusted.trim() : (trusted as string));
  const chain: KeyChain = { ok: true, keys: [{ ...start, key: trusted.trim() }], rotations: [] };
  let rotations: Rotation[];
  try {
    rotations = readRotations(records);
  } catch (err) {
    return { ...chain, ok: false, rotations: [{ seq: 0, ok: false, detail: message(err) }] };
  }
  for (const r of rotations) {
    const last = chain.keys[chain.keys.length - 1]!;
    const from = await settle(() => parseVerifierKey(r.from));
    if ('error' in from || !sameKey(from.value, last)) continue;
    const fail = (detail: string) => {
      chain.ok = false;
      chain.rotations.push({ seq: r.seq, ok: false, detail: `the key rotation in event ${r.seq} does not verify: ${detail}` });
    };
    if (last.since !== undefined && r.seq <= last.since) {
      fail(`it is not after event ${last.since}, which made ${describeKey(last)}`);
      break;
    }
    const next = await settle(() => verifyRotation(r, last));
    if ('error' in next) {
      fail(next.error);
      break;
    }
    last.until = r.seq;
    chain.keys.push({ ...next.value, key: r.to, since: r.seq });
    chain.rotations.push({
      seq: r.seq,
      ok: true,
      detail: `event ${r.seq} hands ${describeKey(last)} over to ${describeKey(next.value)}, in a checkpoint the old key signed`,
    });
  }
  return chain;
}

/** The key of the chain that signs this checkpoint at its size, if one does. */
function chainSigner(chain: KeyChain, cp: Checkpoint): ChainKey | undefined {
  return chain.keys.find(
    (k) =>
      cp.signatures.some((s) => s.name === k.name && s.keyId === k.keyId) &&
      (k.since === undefined || cp.size >= k.since) &&
      (k.until === undefined || cp.size <= k.until),
  );
}

/** Is the key part of the chain, and may it sign a checkpoint of this size? Answers why not. */
function chainStanding(chain: KeyChain, key: VerifierKey, size: number | undefined): { ok: boolean; detail: string } {
  const k = chain.keys.find((c) => sameKey(c, key));
  if (!k) return { ok: false, detail: `${describeKey(key)} is not one a verified rotation hands over to` };
  if (size !== undefined && k.until !== undefined && size > k.until)
    return { ok: false, detail: `${describeKey(k)} was retired by the rotation in event ${k.until}: it signs no later checkpoint` };
  if (size !== undefined && k.since !== undefined && size < k.since)
    return { ok: false, detail: `${describeKey(k)} was made by the rotation in event ${k.since}: it signs no earlier checkpoint` };
  return {
    ok: true,
    detail:
      k.since === undefined
        ? describeKey(k)
        : `${describeKey(k)}, reached from ${describeKey(chain.keys[0]!)} by the rotation${chain.keys.length > 2 ? 's' : ''} in event` +
          `${chain.keys.length > 2 ? 's' : ''} ${chain.keys
            .slice(1, chain.keys.indexOf(k) + 1)
            .map((c) => c.since)
            .join(', ')}`,
  };
}

// ---- one event, end to end ----------------------------------------------------------------------

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function settle<T>(f: () => T | Promise<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await f() };
  } catch (err) {
    return { error: message(err) };
  }
}

function proofHashes(proof: unknown): { leaf: Uint8Array; index: number; size: number; path: Uint8Array[]; claimedRoot?: string } {
  if (!isObject(proof)) throw new Error('the proof is not an object');
  if (!Number.isSafeInteger(proof.leaf_index) || (proof.leaf_index as number) < 0)
    throw new Error("the proof's leaf_index is not a number");
  if (!Number.isSafeInteger(proof.tree_size) || (proof.tree_size as number) < 1) throw new Error("the proof's tree_size is not a number");
  if (!Array.isArray(proof.proof)) throw new Error("the proof's audit path (proof) is not a list");
  return {
    leaf: hash32(proof.leaf_hash, "the proof's leaf_hash"),
    index: proof.leaf_index as number,
    size: proof.tree_size as number,
    path: proof.proof.map((h: unknown, i) => hash32(h, `hash ${i} of the audit path`)),
    ...(typeof proof.root === 'string' ? { claimedRoot: proof.root.toLowerCase() } : {}),
  };
}

async function leafStep(event: unknown, proof: unknown): Promise<Omit<VerificationStep, 'check' | 'label'>> {
  const computed = await settle(() => eventLeafHash(event as LedgerEvent));
  if ('error' in computed) return { ok: false, detail: `${computed.error}: it is not an event as GET /v1/events lists it` };
  const seq = (event as LedgerEvent).seq;
  const hash = toHex(computed.value);
  if (!isObject(proof)) return { ok: false, detail: `the event hashes to ${hash}, but there is no proof to compare it with` };
  if (proof.seq !== undefined && proof.seq !== seq)
    return { ok: false, detail: `the proof is for event ${String(proof.seq)}, not event ${seq}` };
  if (proof.leaf_index !== seq - 1)
    return { ok: false, detail: `event ${seq} is leaf ${seq - 1}, but the proof is for leaf ${String(proof.leaf_index)}` };
  const claimed = await settle(() => hash32(proof.leaf_hash, "the proof's leaf_hash"));
  if ('error' in claimed) return { ok: false, detail: claimed.error };
  if (!equalBytes(claimed.value, computed.value)) {
    return {
      ok: false,
      detail:
        `the event hashes to ${short(hash)}, the proof's leaf is ` +
        `${short(toHex(claimed.value))}: the event shown is not the one logged at seq ${seq}`,
    };
  }
  return { ok: true, detail: `event ${seq} is leaf ${seq - 1}; SHA-256(0x00 || its leaf text) = ${hash}` };
}

async function proofStep(
  proof: unknown,
  cp: Checkpoint | undefined,
  cpError: string | undefined,
): Promise<Omit<VerificationStep, 'check' | 'label'>> {
  const p = await settle(() => proofHashes(proof));
  if ('error' in p) return { ok: false, detail: p.error };
  if (!cp) return { ok: false, detail: `not checked: ${cpError ?? 'the checkpoint cannot be read'}` };
  const { leaf, index, size, path, claimedRoot } = p.value;
  if (size !== cp.size)
    return {
      ok: false,
      detail: `the proof is for a tree of size ${size}, the checkpoint for size ${cp.size}: ask for the proof with size=${cp.size}`,
    };
  if (index >= cp.size)
    return { ok: false, detail: `leaf ${index} is after this checkpoint (size ${cp.size}): it needs a newer checkpoint` };
  const r = await settle(() => rootFromInclusionProof(leaf, index, cp.size, path));
  if ('error' in r) return { ok: false, detail: r.error };
  const got = toHex(r.value);
  const want = toHex(cp.root);
  if (got !== want) {
    const hint = claimedRoot && claimedRoot !== want ? ` (the proof says it is for root ${short(claimedRoot)})` : '';
    return { ok: false, detail: `the proof leads to ${short(got)}, the checkpoint's root is ${short(want)}${hint}` };
  }
  return {
    ok: true,
    detail: `${path.length} hash${path.length === 1 ? '' : 'es'} lead from leaf ${index} to root ${want} of the tree of size ${cp.size}`,
  };
}

/**
 * Verifies that one event is in the log, against a signed checkpoint and a verifier key. Every
 * step is always reported, each checking one link of the chain event → leaf hash → root → key →
 * pinned key (through the key's rotations, when they are given); `ok` is true only when all are.
 * Malformed input fails a step; this never throws.
 */
export async function verifyEventInclusion(input: InclusionInput): Promise<VerificationResult> {
  const steps: VerificationStep[] = [];
  const add = (check: CheckName, r: Omit<VerificationStep, 'check' | 'label'>) => steps.push({ check, label: STEP_LABELS[check], ...r });
  try {
    const inp: Partial<InclusionInput> = isObject(input) ? input : {};
    const cp = await settle(() => parseCheckpoint(inp.checkpointNote as string));
    const checkpoint = 'value' in cp ? cp.value : undefined;
    const cpError = 'error' in cp ? cp.error : undefined;

    // With rotations: the chain of keys from the pinned key (else the log's first key), and the
    // key of it that signed this checkpoint, whatever key the server sent.
    const following = inp.rotations !== undefined;
    let chain: { value: KeyChain } | { error: string } | undefined;
    if (following) {
      const from = inp.pinnedKey ?? firstKeyOf(inp.rotations) ?? inp.verifierKey;
      chain = await settle(() => followKeyRotations(from as string, inp.rotations));
    }
    const fromChain = chain && 'value' in chain && checkpoint ? chainSigner(chain.value, checkpoint) : undefined;
    const key = fromChain ? { value: fromChain as VerifierKey } : await settle(() => parseVerifierKey(inp.verifierKey as string));

    add('leaf', await leafStep(inp.event, inp.proof));
    add('proof', await proofStep(inp.proof, checkpoint, cpError));

    if ('error' in key) add('signature', { ok: false, detail: `the verifier key cannot be read: ${key.error}` });
    else if (!checkpoint) add('signature', { ok: false, detail: `the checkpoint cannot be read: ${cpError}` });
    else {
      const sig = await settle(() => verifyCheckpointSignature(checkpoint, key.value));
      add(
        'signature',
        'error' in sig
          ? { ok: false, detail: sig.error }
          : {
              ok: true,
              detail: `signed by ${key.value.name} (key id ${key.value.keyId}) for ${checkpoint.origin}, tree size ${checkpoint.size}`,
            },
      );
    }

    // Reported once there is a rotation to speak of: one followed, one that failed, or a key no rotation reaches.
    if (chain) {
      if ('error' in chain) add('rotations', { ok: false, detail: `not followed: the key to start from cannot be read: ${chain.error}` });
      else {
        const c = chain.value;
        const failedRotation = c.rotations.find((r) => !r.ok);
        const standing = 'value' in key ? chainStanding(c, key.value, checkpoint?.size) : undefined;
        // Pinned, the pin step says whether the key is reached; unpinned, this step does.
        const unreached = inp.pinnedKey === undefined && standing && !standing.ok;
        if (failedRotation) add('rotations', { ok: false, detail: failedRotation.detail });
        else if (unreached) add('rotations', { ok: false, detail: `${standing.detail} from ${describeKey(c.keys[0]!)}` });
        else if (c.keys.length > 1)
          add('rotations', {
            ok: true,
            detail: `${c.rotations.length} rotation${c.rotations.length === 1 ? '' : 's'} from ${describeKey(c.keys[0]!)}: ${c.rotations
              .map((r) => r.detail)
              .join('; ')}`,
          });
      }
    }

    if (inp.pinnedKey !== undefined) {
      const pinned = await settle(() => parseVerifierKey(inp.pinnedKey as string));
      if ('error' in pinned) add('pinned', { ok: false, detail: `the pinned key cannot be read: ${pinned.error}` });
      else if ('error' in key) add('pinned', { ok: false, detail: 'not checked: the verifier key cannot be read' });
      else if (chain && 'value' in chain) {
        const standing = chainStanding(chain.value, key.value, checkpoint?.size);
        add('pinned', {
          ok: standing.ok,
          detail: standing.ok
            ? standing.detail
            : `the checkpoint was checked with ${describeKey(key.value)}; you pinned ${describeKey(pinned.value)}: ${standing.detail}`,
        });
      } else if (!sameKey(pinned.value, key.value)) {
        add('pinned', {
          ok: false,
          detail: `the checkpoint was checked with ${describeKey(key.value)}; you pinned ${describeKey(pinned.value)}`,
        });
      } else add('pinned', { ok: true, detail: `${key.value.name}, key id ${key.value.keyId}` });
    }

    return {
      ok: steps.every((s) => s.ok),
      steps,
      ...(chain && 'value' in chain ? { chain: chain.value } : {}),
      ...('value' in key ? { signer: fromChain ? fromChain.key : (inp.verifierKey as string).trim() } : {}),
      ...(checkpoint ? { root: toHex(checkpoint.root), treeSize: checkpoint.size, origin: checkpoint.origin } : {}),
    };
  } catch (err) {
    // Unreachable by design; a step rather than a throw all the same.
    for (const check of ['leaf', 'proof', 'signature'] as const)
      if (!steps.some((s) => s.check === check)) add(check, { ok: false, detail: `not checked: ${message(err)}` });
    return { ok: false, steps };
  }
}
