// Rotation of every key Mandate holds, each recorded as a ledger event in the transaction that
// makes it: the token and SET signing keys (src/tokens/keys.ts keeps the retired ones published for
// a token lifetime), the ledger's checkpoint key and the key-encryption key.
//
// The ledger key hands over inside the log: a `ledger.key_rotated` event {from, to} (verifier
// keys), then a checkpoint signed by the OLD key that covers the event, then the new key signs. A
// verifier that trusts the old key verifies that checkpoint, reads the event it covers, and from
// then on accepts the new key (src/ledger/verify.ts); a key no verified rotation names is refused.
//
// The KEK is rotated against the store directly (mandate keys rotate kek), never over HTTP: every
// sealed value is opened under the old KEK and sealed under the new one in one transaction, and
// `kek.rotated` records the two fingerprints (src/state/deployment.ts), never a key. A KEK the HSM
// wraps (MANDATE_KEK_SOURCE=hsm) is replaced by a new data key the same way (keys/kek-hsm.ts).
import { randomBytes } from 'node:crypto';
import { signCheckpoint, signCheckpointWith, verifierKey } from '../ledger/checkpoint.js';
import { currentLogKey, openKey, sealedStore, sealKey } from '../ledger/keys.js';
import type { KeyStore } from './signer.js';
import { appendEvents } from '../ledger/log.js';
import { rootHash } from '../ledger/merkle.js';
import { isValidKeyName } from '../ledger/note.js';
import { treeSize, withTree } from '../ledger/tree.js';
import { MandateError } from '../core/errors.js';
import { KEK_FINGERPRINT, kekFingerprint, LEDGER_ORIGIN, setDeployment } from '../state/deployment.js';
import type { Database, Sql } from '../store/db.js';

export const KEY_PURPOSES = ['token', 'set', 'ledger', 'kek'] as const;
export type RotatablePurpose = (typeof KEY_PURPOSES)[number];

export interface KeyInfo {
  kid: string;
  purpose: 'token' | 'set' | 'ledger' | 'kek';
  created_at: string;
  retired_at: string | null;
  /** The public key: a JWK for token and SET keys, a C2SP verifier key for the ledger's, the KEK's fingerprint. */
  public_key: unknown;
}

/**
 * Every signing key, newest first per purpose, and the KEK in use by its fingerprint (once a server
 * has recorded it): public halves and dates only, never private material.
 */
export async function listKeys(sql: Sql): Promise<KeyInfo[]> {
  const signing = await sql.all<{ kid: string; purpose: string; public_jwk: string; created_at: string; retired_at: string | null }>(
    'SELECT kid, purpose, public_jwk, created_at, retired_at FROM signing_keys ORDER BY purpose, created_at DESC, kid DESC',
  );
  const ledger = await sql.all<{ id: string; public_key: string; created_at: string; retired_at: string | null }>(
    'SELECT id, public_key, created_at, retired_at FROM ledger_keys ORDER BY created_at DESC, id DESC',
  );
  const [kek] = await sql.all<{ value: string; set_at: string }>('SELECT value, set_at FROM deployment WHERE name = ?', [KEK_FINGERPRINT]);
  return [
    ...(kek
      ? [{ kid: kek.value.slice(0, 16), purpose: 'kek' as const, created_at: kek.set_at, retired_at: null, public_key: kek.value }]
      : []),
    ...signing.map((r) => ({
      kid: r.kid,
      purpose: r.purpose as 'token' | 'set',
      created_at: r.created_at,
      retired_at: r.retired_at,
      public_key: JSON.parse(r.public_jwk) as unknown,
    })),
    ...ledger
      // The current key first, then the retired ones, newest first.
      .sort((a, b) => Number(a.retired_at !== null) - Number(b.retired_at !== null))
      .map((r) => ({
        kid: r.id,
        purpose: 'ledger' as const,
        created_at: r.created_at,
        retired_at: r.retired_at,
        public_key: r.public_key,
      })),
  ];
}

export interface LedgerRotation {
  /** The new key's id. */
  id: string;
  from: string;
  to: string;
  /** The rotation event's sequence number. */
  seq: number;
  /** The checkpoint by the old key that covers the rotation event. */
  checkpoint: { size: number; root: string; note: string; created_at: string };
}

/**
 * Replaces the ledger's checkpoint key (it must exist: the ledger service makes it on first use).
 * `name` is the new key's name, which is the log's origin: a different one changes the origin.
 */
export async function rotateLogKey(
  db: Database,
  o: { kek: Buffer; clock: () => Date; actor: string; name?: string; reason?: string; store?: KeyStore | undefined },
): Promise<LedgerRotation> {
  if (o.name !== undefined && !isValidKeyName(o.name))
    throw new MandateError('VALIDATION_FAILED', `"${o.name}" cannot name a ledger key: no spaces or "+"`, { field: 'origin' });
  const at = o.clock().toISOString();
  return db.transaction(async (tx) => {
    // Appends and checkpoints wait: the old key's last checkpoint is exactly the rotation's.
    if (tx.dialect === 'postgres') await tx.all("SELECT pg_advisory_xact_lock(hashtext('mandate.events'))");
    const old = await currentLogKey(tx, o.kek, undefined, o.store);
    if (!old) throw new MandateError('NOT_FOUND', 'the ledger has no key yet: it is made when the first checkpoint is signed');
    const name = o.name ?? old.name;
    const id = `lk_${randomBytes(6).toString('hex')}`;
    // Made in the configured key store: sealed under the KEK, or in the HSM (src/keys/).
    const made = await (o.store ?? sealedStore(o.kek)).generate(id);
    const to = verifierKey(name, made.publicKey);
    await appendEvents(tx, at, [
      {
        actor: o.actor,
        action: 'ledger.key_rotated',
        subject: { type: 'ledger_key', id },
        before: { key_id: old.id },
        after: { from: old.verifierKey, to },
        ...(o.reason ? { reason: o.reason } : {}),
      },
    ]);
    const size = await treeSize(tx);
    const root = await withTree(tx, (src) => rootHash(src, size));
    // The old key signs its last checkpoint even when it is a sealed one being moved into an HSM.
    const body = { origin: old.name, size, root };
    const note = old.privateKey
      ? signCheckpoint(body, old.name, old.privateKey, old.publicKey)
      : await signCheckpointWith(body, old.name, old.signer);
    const checkpoint = { size, root: root.toString('hex'), note, created_at: at };
    await tx.run('INSERT INTO ledger_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)', [size, checkpoint.root, note, at]);
    await tx.run('UPDATE ledger_keys SET retired_at = ? WHERE id = ?', [at, old.id]);
    await tx.run('INSERT INTO ledger_keys (id, name, public_key, encrypted_private, created_at) VALUES (?, ?, ?, ?, ?)', [
      id,
      name,
      to,
      made.stored,
      at,
    ]);
    if (name !== old.name) await setDeployment(tx, LEDGER_ORIGIN, name, at);
    return { id, from: old.verifierKey, to, seq: size, checkpoint };
  });
}

/** Where values sealed under the KEK live, and the additional data each is sealed with. */
const SEALED: readonly { table: string; id: string; column: string; aad: (id: string) => string }[] = [
  { table: 'signing_keys', id: 'kid', column: 'sealed_private', aad: (id) => id },
  { table: 'ledger_keys', id: 'id', column: 'encrypted_private', aad: (id) => id },
  { table: 'ssf_streams', id: 'id', column: 'sealed_authorization', aad: (id) => `ssf-authorization:${id}` },
  { table: 'discovery_sources', id: 'id', column: 'sealed_secrets', aad: (id) => `discovery_source:${id}` },
  { table: 'sessions', id: 'id', column: 'sealed_refresh_token', aad: (id) => `${id}:refresh` },
  { table: 'sessions', id: 'id', column: 'sealed_id_token', aad: (id) => `${id}:id_token` },
  { table: 'signin_requests', id: 'id', column: 'sealed', aad: (id) => `signin:${id}` },
];

/** A KEK rotation's outcome: the two fingerprints (never a key) and how many values were re-sealed. */
export interface KekRotated {
  from: string;
  to: string;
  resealed: number;
}

/**
 * Re-seals every value sealed under `oldKek` under `newKek`, in one transaction, and records
 * `kek.rotated` with both fingerprints. Values that are not sealed here (an HSM key's reference, an
 * empty column) are left as they are. A value the old KEK does not open stops it: nothing changes.
 */
export async function rotateKek(
  db: Database,
  o: { oldKek: Buffer; newKek: Buffer; clock: () => Date; actor: string; reason?: string },
): Promise<KekRotated> {
  if (kekFingerprint(o.oldKek) === kekFingerprint(o.newKek))
    throw new MandateError('VALIDATION_FAILED', 'the new key-encryption key is the old one', { field: '--new-kek-file' });
  const at = o.clock().toISOString();
  return db.transaction((tx) => resealAll(tx, { ...o, at, oldKekVar: 'MANDATE_KEK' }));
}

export interface Reseal {
  oldKek: Buffer;
  newKek: Buffer;
  at: string;
  actor: string;
  reason?: string;
  /** The setting that gave the old KEK, named in refusals: MANDATE_KEK, or MANDATE_KEK_SOURCE for an HSM-wrapped one. */
  oldKekVar: string;
  /** More of the `kek.rotated` event's `after`: where the new KEK is kept (never the key, nor its wrapped bytes). */
  evidence?: Record<string, string>;
}

/**
 * The re-sealing every KEK rotation shares (a KEK from MANDATE_KEK or a file, or one an HSM wraps:
 * keys/kek-hsm.ts), inside the caller's transaction, so that whatever else the rotation replaces
 * commits with it or not at all: checks that the old KEK is the store's, re-seals every value sealed
 * under it, records the new fingerprint and the `kek.rotated` event.
 */
export async function resealAll(tx: Sql, o: Reseal): Promise<KekRotated> {
  const from = kekFingerprint(o.oldKek);
  const to = kekFingerprint(o.newKek);
  const [recorded] = await tx.all<{ value: string }>('SELECT value FROM deployment WHERE name = ?', [KEK_FINGERPRINT]);
  if (recorded && recorded.value !== from)
    throw new MandateError('VALIDATION_FAILED', `${o.oldKekVar} is not this store's key-encryption key (its fingerprint differs)`, {
      field: o.oldKekVar,
    });
  let resealed = 0;
  for (const s of SEALED) {
    const rows = await tx.all<{ id: string; value: string | null }>(
      `SELECT ${s.id} AS id, ${s.column} AS value FROM ${s.table} WHERE ${s.column} IS NOT NULL`,
    );
    for (const r of rows) {
      if (!r.value?.startsWith('v1:')) continue;
      let plain: Buffer;
      try {
        plain = openKey(o.oldKek, s.aad(r.id), r.value);
      } catch {
        throw new MandateError('VALIDATION_FAILED', `${o.oldKekVar} does not open ${s.table}.${s.column} of ${r.id}: nothing was changed`, {
          field: o.oldKekVar,
        });
      }
      await tx.run(`UPDATE ${s.table} SET ${s.column} = ? WHERE ${s.id} = ?`, [sealKey(o.newKek, s.aad(r.id), plain), r.id]);
      plain.fill(0);
      resealed++;
    }
  }
  await setDeployment(tx, KEK_FINGERPRINT, to, o.at);
  await appendEvents(tx, o.at, [
    {
      actor: o.actor,
      action: 'kek.rotated',
      subject: { type: 'kek', id: to.slice(0, 16) },
      before: { fingerprint: from },
      after: { fingerprint: to, resealed, ...o.evidence },
      ...(o.reason ? { reason: o.reason } : {}),
    },
  ]);
  return { from, to, resealed };
}

export { rotationRecords, type RotationRecord } from '../ledger/rotations.js';
