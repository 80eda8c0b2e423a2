// Where Mandate's Ed25519 signing keys live, behind one interface: a Signer answers a public key and
// signs bytes, whichever store holds its private half. Two stores: 'sealed' (the private half made
// here, sealed with AES-256-GCM under the key-encryption key in the database) and 'pkcs11' (made
// inside a hardware security module, never leaving it: src/keys/pkcs11.ts). Callers never see the
// private key, so a signature is the same call either way (tokens, SETs, checkpoints, evidence packs).
// The sealed store is src/ledger/keys.ts sealedStore (with sealKey/openKey); this file imports nothing of ours.
import { createPublicKey, sign, type KeyObject } from 'node:crypto';

export interface Signer {
  /** The key's name where it is stored: a kid (mk_…, set_…) or a ledger key id (lk_…). */
  readonly kid: string;
  readonly publicKey: KeyObject;
  /** An Ed25519 signature (64 bytes) of data; throws MandateError KEY_UNAVAILABLE when the store cannot sign. */
  sign(data: Buffer): Promise<Buffer>;
}

export type KeyStoreKind = 'sealed' | 'pkcs11';

/** What the database keeps of a new key: `stored` (sealed private half, or an HSM reference) and its public key. */
export interface NewKey {
  stored: string;
  publicKey: KeyObject;
  signer: Signer;
}

export interface KeyStore {
  readonly kind: KeyStoreKind;
  /** Makes a new Ed25519 key pair named kid. */
  generate(kid: string): Promise<NewKey>;
  /** Whether a stored value is this store's (a sealed private half, or a pkcs11: reference). */
  holds(stored: string): boolean;
  /**
   * The signer of a stored key. A sealed key is opened at once (a wrong KEK fails here); an HSM key
   * is looked up when it first signs, so a server starts while its HSM is away and answers 503.
   */
  signer(kid: string, stored: string, publicKey: KeyObject): Signer;
  /** Throws KEY_UNAVAILABLE when the store could not sign now (readiness). */
  check(): Promise<void>;
  close(): void;
}

/**
 * A key-encryption key that never leaves its store: seals and opens what the KEK seals (signing keys,
 * sign-in sessions, SSF and discovery secrets), bound to `aad` as sealKey/openKey bind the key id.
 */
export interface SealingKey {
  readonly label: string;
  seal(aad: string, plain: Buffer): string;
  open(aad: string, sealed: string): Buffer;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 public key from its 32 raw bytes. */
export function ed25519PublicKey(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new Error(`an Ed25519 public key is 32 bytes, not ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** A signer over a private key held in this process (newSetSigningKey, tests). */
export function keySigner(kid: string, privateKey: KeyObject): Signer {
  const publicKey = createPublicKey(privateKey);
  return { kid, publicKey, sign: async (data) => sign(null, data, privateKey) };
}

/** A compact JWS (RFC 7515) signed by an Ed25519 signer: jose cannot sign with a key it does not hold. */
export async function signCompactJws(signer: Signer, header: Record<string, unknown>, payload: unknown): Promise<string> {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
  const input = `${b64({ alg: 'EdDSA', ...header })}.${b64(payload)}`;
  const signature = await signer.sign(Buffer.from(input, 'ascii'));
  return `${input}.${signature.toString('base64url')}`;
}
