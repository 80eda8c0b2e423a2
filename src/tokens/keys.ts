// Token-signing keys: Ed25519 (EdDSA), made by Mandate, the private half sealed with AES-256-GCM
// under the key-encryption key (never written in plaintext), rotated on a schedule. Retired keys
// stay in /.well-known/jwks.json until every token they signed has expired, so verifiers never
// see a valid token they cannot check. Each purpose has keys of its own: 'token' signs Mandate's
// access tokens, 'set' the Security Event Tokens of Shared Signals and CAEP (src/delivery/caep.ts).
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';
import { appendEvents } from '../ledger/log.js';
import { openKey, sealKey } from '../ledger/keys.js';
import type { Database } from '../store/db.js';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
  createdAt: number;
}

interface KeyRow {
  kid: string;
  public_jwk: string;
  sealed_private: string;
  created_at: string;
  retired_at: string | null;
}

export interface SigningKeyOptions {
  /** How long a key signs before a new one takes over. */
  rotateAfterMs: number;
  /** The longest token lifetime: how long a retired key stays published. */
  maxTokenTtlMs: number;
  /** What the keys sign (default 'token'); a key of one purpose never verifies the other's. */
  purpose?: KeyPurpose;
}

export type KeyPurpose = 'token' | 'set';
const KID_PREFIX: Record<KeyPurpose, string> = { token: 'mk_', set: 'set_' };

export function signingKeys({ db, kek, clock, ...opts }: SigningKeyOptions & { db: Database; kek: Buffer; clock: () => Date }) {
  const purpose = opts.purpose ?? 'token';
  let current: SigningKey | undefined;
  let published: JWK[] = [];
  let rotating: Promise<SigningKey> | undefined;

  async function load(): Promise<SigningKey | undefined> {
    const rows = await db.all<KeyRow>('SELECT * FROM signing_keys WHERE purpose = ? ORDER BY created_at DESC, kid DESC', [purpose]);
    const now = clock().getTime();
    published = rows
      .filter((r) => r.retired_at === null || Date.parse(r.retired_at) + opts.maxTokenTtlMs + 60_000 > now)
      .map((r) => JSON.parse(r.public_jwk) as JWK);
    const newest = rows.find((r) => r.retired_at === null);
    if (!newest) return (current = undefined);
    const privateKey = createPrivateKey({ key: openKey(kek, newest.kid, newest.sealed_private), format: 'der', type: 'pkcs8' });
    return (current = {
      kid: newest.kid,
      privateKey,
      publicJwk: JSON.parse(newest.public_jwk) as JWK,
      createdAt: Date.parse(newest.created_at),
    });
  }

  /** Makes a new key and retires the others, recorded as an event in the same transaction. */
  async function rotate(actor: string): Promise<SigningKey> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const kid = `${KID_PREFIX[purpose]}${randomBytes(8).toString('base64url')}`;
    const jwk = { ...(await exportJWK(createPublicKey(privateKey))), kid, alg: 'EdDSA', use: 'sig' };
    const at = clock().toISOString();
    await db.transaction(async (tx) => {
      const retired = await tx.all<{ kid: string }>('SELECT kid FROM signing_keys WHERE retired_at IS NULL AND purpose = ?', [purpose]);
      await tx.run('UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL AND purpose = ?', [at, purpose]);
      await tx.run('INSERT INTO signing_keys (kid, public_jwk, sealed_private, created_at, purpose) VALUES (?, ?, ?, ?, ?)', [
        kid,
        JSON.stringify(jwk),
        sealKey(kek, kid, privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer),
        at,
        purpose,
      ]);
      await appendEvents(tx, at, [
        {
          actor,
          action: 'signing_key.rotated',
          subject: { type: 'signing_key', id: kid },
          before: { retired: retired.map((r) => r.kid) },
          after: { kid, public_jwk: jwk, ...(purpose === 'token' ? {} : { purpose }) },
        },
      ]);
    });
    return (await load())!;
  }

  return {
    /** The key that signs now; a new one is made when none exists or the current one is due. */
    async current(): Promise<SigningKey> {
      const k = current ?? (await load());
      if (k && clock().getTime() - k.createdAt < opts.rotateAfterMs) return k;
      rotating ??= rotate('mandate').finally(() => (rotating = undefined));
      return rotating;
    },
    rotate,
    /** Re-reads the keys (another server may have rotated). */
    reload: load,
    /** Public keys verifiers trust: the current one and those retired less than a token lifetime ago. */
    jwks(): { keys: JWK[] } {
      return { keys: published };
    },
    publicKeyFor(kid: string): JWK | undefined {
      return published.find((k) => k.kid === kid);
    },
  };
}
export type SigningKeys = ReturnType<typeof signingKeys>;
