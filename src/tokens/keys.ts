// Token-signing keys: Ed25519 (EdDSA), made by Mandate, the private half sealed with AES-256-GCM
// under the key-encryption key (never written in plaintext), rotated on a schedule. Retired keys
// stay in /.well-known/jwks.json until every token they signed has expired, so verifiers never
// see a valid token they cannot check. Where the private half lives is the key store's business
// (src/keys/: sealed in the database, or made in an HSM through PKCS#11, sealed_private then holding
// only its reference). Each purpose has keys of its own: 'token' signs Mandate's access tokens,
// 'set' the Security Event Tokens of Shared Signals and CAEP (src/delivery/caep.ts).
import { createPublicKey, randomBytes, type JsonWebKey } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';
import type { KeyStore, Signer } from '../keys/signer.js';
import { appendEvents } from '../ledger/log.js';
import { sealedStore } from '../ledger/keys.js';
import type { Database } from '../store/db.js';

export interface SigningKey {
  kid: string;
  /** Signs with the private half, wherever it lives (never handed out). */
  signer: Signer;
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

export function signingKeys({
  db,
  kek,
  clock,
  ...opts
}: SigningKeyOptions & { db: Database; kek: Buffer; clock: () => Date; store?: KeyStore | undefined }) {
  const purpose = opts.purpose ?? 'token';
  const store = opts.store ?? sealedStore(kek);
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
    // A key of another store (sealed, after a move to an HSM) never signs again: the next use rotates.
    if (!newest || !store.holds(newest.sealed_private)) return (current = undefined);
    const publicJwk = JSON.parse(newest.public_jwk) as JWK;
    const publicKey = createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' });
    return (current = {
      kid: newest.kid,
      signer: store.signer(newest.kid, newest.sealed_private, publicKey),
      publicJwk,
      createdAt: Date.parse(newest.created_at),
    });
  }

  /**
   * Makes a new key and retires the others, recorded as an event in the same transaction. `ifDue`:
   * only when no current key of this store exists or it is due (checked under a lock inside the
   * transaction): servers sharing a store that find no key at once, or the same key due, make one
   * key between them, not one each that the others' JWKS would not know yet.
   */
  async function rotate(actor: string, { ifDue = false }: { ifDue?: boolean } = {}): Promise<SigningKey> {
    const kid = `${KID_PREFIX[purpose]}${randomBytes(8).toString('base64url')}`;
    const at = clock().toISOString();
    await db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.all('SELECT pg_advisory_xact_lock(hashtext(?))', [`mandate.signing_keys.${purpose}`]);
      const live = await tx.all<{ kid: string; created_at: string; sealed_private: string }>(
        'SELECT kid, created_at, sealed_private FROM signing_keys WHERE retired_at IS NULL AND purpose = ?',
        [purpose],
      );
      const fresh = live.find((r) => store.holds(r.sealed_private) && clock().getTime() - Date.parse(r.created_at) < opts.rotateAfterMs);
      if (ifDue && fresh) return;
      // Made in the key store: sealed_private holds the sealed private half, or the HSM's reference.
      const made = await store.generate(kid);
      const jwk = { ...(await exportJWK(made.publicKey)), kid, alg: 'EdDSA', use: 'sig' };
      await tx.run('UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL AND purpose = ?', [at, purpose]);
      await tx.run('INSERT INTO signing_keys (kid, public_jwk, sealed_private, created_at, purpose) VALUES (?, ?, ?, ?, ?)', [
        kid,
        JSON.stringify(jwk),
        made.stored,
        at,
        purpose,
      ]);
      await appendEvents(tx, at, [
        {
          actor,
          action: 'signing_key.rotated',
          subject: { type: 'signing_key', id: kid },
          before: { retired: live.map((r) => r.kid) },
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
      rotating ??= rotate('mandate', { ifDue: true }).finally(() => (rotating = undefined));
      return rotating;
    },
    rotate: (actor: string) => rotate(actor),
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
