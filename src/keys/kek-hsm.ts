// The key-encryption key under an HSM (MANDATE_KEK_SOURCE=hsm), as an envelope, the way HSM seals
// usually work (Vault's among them). What is where:
// - in the HSM: the wrapping key, an AES-256 key labelled KEK_WRAPPING_LABEL, sensitive and never
//   extractable (pkcs11KeyStore's kek()); it wraps and unwraps with CKM_AES_GCM and does nothing else;
// - in the store: only the data key WRAPPED by it (the deployment row 'kek_wrapped'), which opens
//   nothing by itself, and the data key's fingerprint (an HMAC under it, never the key);
// - in the server's memory while it runs: the unwrapped 32-byte data key, the KEK every sealKey/openKey
//   uses, as with any envelope scheme. It is never written to disk, to the store or to the log.
// Without the HSM (module, token, PIN, or another token's wrapping key) the server cannot open
// anything sealed, so it refuses to start, naming the variable to fix.
// Rotation (mandate keys rotate kek, servers stopped) replaces the data key: a new one, every sealed
// value re-sealed under it, wrapped by the same HSM key, in one transaction with its evidence. A
// deployment whose KEK came from MANDATE_KEK or a file moves here the same way (--to-hsm).
import { randomBytes } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import { appendEvents } from '../ledger/log.js';
import { KEK_FINGERPRINT, kekFingerprint, readDeployment, setDeployment } from '../state/deployment.js';
import type { Database } from '../store/db.js';
import type { Pkcs11KeyStore } from './pkcs11.js';
import { type KekRotated, resealAll } from './rotation.js';
import type { SealingKey } from './signer.js';

/** The label of the HSM's wrapping key. */
export const KEK_WRAPPING_LABEL = 'mandate-kek';
/** The deployment fact holding the wrapped data key. */
export const KEK_WRAPPED = 'kek_wrapped';
/** Binds the wrapped bytes to their use: they unwrap as the deployment's data key and nothing else. */
const AAD = 'mandate deployment data key v1';

export interface HsmKekOptions {
  store: Pkcs11KeyStore;
  /** The token's label, for messages and the evidence event. */
  token: string;
  /** Which variable holds the PIN: MANDATE_PKCS11_PIN_FILE or MANDATE_PKCS11_PIN. */
  pinVar: string;
  clock?: () => Date;
}

/**
 * The deployment's data key, unwrapped by the HSM. On the first start it is made here, wrapped in the
 * HSM, and only the wrapped bytes stored, with its fingerprint and a 'kek.created' event, in one transaction.
 */
export async function hsmKek(db: Database, o: HsmKekOptions): Promise<Buffer> {
  const wrapping = o.store.kek(KEK_WRAPPING_LABEL);
  let facts = await readDeployment(db);
  if (!facts[KEK_WRAPPED]) {
    // A store already sealed under a KEK from MANDATE_KEK or a file: a new data key would open none of it.
    const [sealed] = await db.all<{ id: string }>("SELECT id FROM ledger_keys WHERE encrypted_private LIKE 'v1:%' LIMIT 1");
    if (facts[KEK_FINGERPRINT] || sealed)
      throw new MandateError(
        'VALIDATION_FAILED',
        'refusing to start: MANDATE_KEK_SOURCE=hsm, but this store was set up with a key-encryption key from MANDATE_KEK ' +
          'or MANDATE_KEK_FILE and holds no HSM-wrapped data key; start with that KEK (MANDATE_KEK_SOURCE=key)',
        { field: 'MANDATE_KEK_SOURCE' },
      );
    const dataKey = randomBytes(32);
    const wrapped = unwrapping(o, STARTING, () => wrapping.seal(AAD, dataKey));
    const fingerprint = kekFingerprint(dataKey);
    dataKey.fill(0);
    const at = (o.clock ?? (() => new Date()))().toISOString();
    await db.transaction(async (tx) => {
      // Two replicas starting together: the first to record wins; the other unwraps the winner's key.
      await tx.run('INSERT INTO deployment (name, value, set_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [
        KEK_WRAPPED,
        wrapped,
        at,
      ]);
      const [row] = await tx.all<{ value: string }>('SELECT value FROM deployment WHERE name = ?', [KEK_WRAPPED]);
      if (row?.value !== wrapped) return;
      await setDeployment(tx, KEK_FINGERPRINT, fingerprint, at);
      await appendEvents(tx, at, [
        {
          actor: 'mandate',
          action: 'kek.created',
          subject: { type: 'kek', id: fingerprint.slice(0, 16) },
          after: { fingerprint, source: 'hsm', token: o.token, wrapping_key: KEK_WRAPPING_LABEL },
        },
      ]);
    });
    facts = await readDeployment(db);
  }
  return unwrap(o, STARTING, wrapping, facts[KEK_WRAPPED]!);
}

export interface HsmKekRotated extends KekRotated {
  source: 'hsm';
  token: string;
  wrapping_key: string;
}

/**
 * Replaces the deployment's data key (the servers stopped): a new random one; every value sealed under
 * the old one re-sealed under it (rotation.ts, as for a KEK from a file); the new key wrapped by the
 * same HSM key; the wrapped value, the fingerprint and one 'kek.rotated' event replaced in one
 * transaction, so a crash leaves the old state or the new one. The old wrapped value is gone from
 * the store, and the old data key opens nothing it holds. An HSM that cannot be used changes nothing.
 */
export async function rotateHsmKek(db: Database, o: HsmKekOptions & { actor: string; reason?: string }): Promise<HsmKekRotated> {
  const wrapping = o.store.kek(KEK_WRAPPING_LABEL);
  const oldWrapped = (await readDeployment(db))[KEK_WRAPPED];
  if (!oldWrapped)
    throw new MandateError(
      'VALIDATION_FAILED',
      `${ROTATING.prefix}: MANDATE_KEK_SOURCE=hsm, but this store holds no HSM-wrapped data key (a server started with ` +
        'MANDATE_KEK_SOURCE=hsm makes one); a store set up with MANDATE_KEK or MANDATE_KEK_FILE rotates with --new-kek-file',
      { field: 'MANDATE_KEK_SOURCE' },
    );
  const oldKey = unwrap(o, ROTATING, wrapping, oldWrapped);
  const newKey = randomBytes(32);
  try {
    const newWrapped = wrapChecked(o, ROTATING, wrapping, newKey);
    const at = (o.clock ?? (() => new Date()))().toISOString();
    return await db.transaction(async (tx) => {
      // Only over the wrapped value read above: a rotation run twice at once replaces it once.
      const swapped = await tx.run('UPDATE deployment SET value = ?, set_at = ? WHERE name = ? AND value = ?', [
        newWrapped,
        at,
        KEK_WRAPPED,
        oldWrapped,
      ]);
      if (swapped !== 1)
        throw new MandateError(
          'PRECONDITION_FAILED',
          `${ROTATING.prefix}: the store's wrapped data key changed while rotating (another rotation?); nothing was changed`,
          { field: 'MANDATE_KEK_SOURCE' },
        );
      const evidence = { source: 'hsm', token: o.token, wrapping_key: KEK_WRAPPING_LABEL };
      const r = await resealAll(tx, {
        oldKek: oldKey,
        newKek: newKey,
        at,
        actor: o.actor,
        ...(o.reason ? { reason: o.reason } : {}),
        oldKekVar: 'MANDATE_KEK_SOURCE',
        evidence,
      });
      return { ...r, source: 'hsm' as const, token: o.token, wrapping_key: KEK_WRAPPING_LABEL };
    });
  } finally {
    oldKey.fill(0);
    newKey.fill(0);
  }
}

/**
 * Moves a deployment from a KEK given in MANDATE_KEK or a file to one the HSM wraps (the servers
 * stopped): a new random data key, wrapped by the HSM's key (made on the token if it has none),
 * every value sealed under the old KEK re-sealed under it, and the wrapped value, the fingerprint
 * and one 'kek.rotated' event naming both sources stored in one transaction. The old KEK then
 * opens nothing the store holds, and the servers start with MANDATE_KEK_SOURCE=hsm and no KEK file.
 * The old KEK is given once, here; an HSM that cannot wrap and unwrap changes nothing.
 */
export async function moveKekToHsm(
  db: Database,
  o: HsmKekOptions & { oldKek: Buffer; actor: string; reason?: string },
): Promise<HsmKekRotated> {
  if ((await readDeployment(db))[KEK_WRAPPED])
    throw new MandateError(
      'VALIDATION_FAILED',
      `${MOVING.prefix}: this store's key-encryption key is already wrapped by an HSM; start the servers with ` +
        'MANDATE_KEK_SOURCE=hsm, and rotate it with mandate keys rotate kek (without --to-hsm)',
      { field: '--to-hsm' },
    );
  const wrapping = o.store.kek(KEK_WRAPPING_LABEL);
  const newKey = randomBytes(32);
  try {
    const wrapped = wrapChecked(o, MOVING, wrapping, newKey);
    const at = (o.clock ?? (() => new Date()))().toISOString();
    return await db.transaction(async (tx) => {
      const stored = await tx.run('INSERT INTO deployment (name, value, set_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [
        KEK_WRAPPED,
        wrapped,
        at,
      ]);
      if (stored !== 1)
        throw new MandateError(
          'PRECONDITION_FAILED',
          `${MOVING.prefix}: an HSM-wrapped data key appeared while moving (a server started with ` +
            'MANDATE_KEK_SOURCE=hsm?); nothing was changed',
          { field: '--to-hsm' },
        );
      const evidence = { source: 'hsm', from_source: 'key', token: o.token, wrapping_key: KEK_WRAPPING_LABEL };
      const r = await resealAll(tx, {
        oldKek: o.oldKek,
        newKek: newKey,
        at,
        actor: o.actor,
        ...(o.reason ? { reason: o.reason } : {}),
        oldKekVar: 'MANDATE_KEK',
        evidence,
      });
      return { ...r, source: 'hsm' as const, token: o.token, wrapping_key: KEK_WRAPPING_LABEL };
    });
  } finally {
    newKey.fill(0);
  }
}

/** What the HSM was used for, for the messages when it cannot be. */
interface Doing {
  prefix: string;
  /** What follows from it. */
  outcome: string;
  /** What to do about another token or key. */
  remedy: string;
}
const STARTING: Doing = {
  prefix: 'refusing to start',
  outcome: "without the HSM's wrapping key the server cannot open this store's sealed keys",
  remedy: 'start with the token this store was set up with',
};
const ROTATING: Doing = {
  prefix: 'cannot rotate the key-encryption key',
  outcome: "without the HSM's wrapping key nothing sealed can be re-sealed; nothing was changed",
  remedy: 'rotate with the token this store was set up with; nothing was changed',
};

const MOVING: Doing = {
  prefix: 'cannot move the key-encryption key into the HSM',
  outcome: 'nothing was changed; the servers keep their KEK from MANDATE_KEK or MANDATE_KEK_FILE',
  remedy: 'use a token whose key wraps and unwraps; nothing was changed',
};

/**
 * A new data key wrapped by the HSM, then unwrapped once to itself: what the servers will do at their
 * next start, done before anything is replaced.
 */
function wrapChecked(o: HsmKekOptions, doing: Doing, wrapping: SealingKey, key: Buffer): string {
  const wrapped = unwrapping(o, doing, () => wrapping.seal(AAD, key));
  const back = unwrap(o, doing, wrapping, wrapped);
  const same = back.equals(key);
  back.fill(0);
  if (!same)
    throw new MandateError('KEY_UNAVAILABLE', `${doing.prefix}: the HSM did not unwrap the new data key to itself; nothing was changed`);
  return wrapped;
}

/** The data key in `wrapped`, unwrapped by the HSM. */
function unwrap(o: HsmKekOptions, doing: Doing, wrapping: SealingKey, wrapped: string): Buffer {
  return unwrapping(o, doing, () => {
    try {
      return wrapping.open(AAD, wrapped);
    } catch (err) {
      if (err instanceof MandateError) throw err;
      // The tag does not verify: the token's wrapping key is not the one that wrapped this store's key.
      throw new MandateError(
        'VALIDATION_FAILED',
        `${doing.prefix}: the key ${KEK_WRAPPING_LABEL} on the HSM token ${o.token} (MANDATE_PKCS11_TOKEN) does not unwrap ` +
          `this store's data key: it is another token or another key; ${doing.remedy}`,
        { field: 'MANDATE_PKCS11_TOKEN' },
      );
    }
  });
}

/** Runs an HSM step; an HSM that cannot be used refuses, naming the variable to look at. */
function unwrapping<T>(o: HsmKekOptions, doing: Doing, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof MandateError) || err.code !== 'KEY_UNAVAILABLE') throw err;
    const m = err.message;
    const field = /PIN/.test(m)
      ? o.pinVar
      : /no token labelled|holds no secret key/.test(m)
        ? 'MANDATE_PKCS11_TOKEN'
        : /module/.test(m)
          ? 'MANDATE_PKCS11_MODULE'
          : 'MANDATE_KEK_SOURCE';
    throw new MandateError('VALIDATION_FAILED', `${doing.prefix}: MANDATE_KEK_SOURCE=hsm and ${m} (see ${field}); ${doing.outcome}`, {
      field,
    });
  }
}
