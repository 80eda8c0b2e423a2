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
import { randomBytes } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import { appendEvents } from '../ledger/log.js';
import { KEK_FINGERPRINT, kekFingerprint, readDeployment, setDeployment } from '../state/deployment.js';
import type { Database } from '../store/db.js';
import type { Pkcs11KeyStore } from './pkcs11.js';

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
    const wrapped = unwrapping(o, () => wrapping.seal(AAD, dataKey));
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
  const wrapped = facts[KEK_WRAPPED]!;
  return unwrapping(o, () => {
    try {
      return wrapping.open(AAD, wrapped);
    } catch (err) {
      if (err instanceof MandateError) throw err;
      // The tag does not verify: the token's wrapping key is not the one that wrapped this store's key.
      throw new MandateError(
        'VALIDATION_FAILED',
        `refusing to start: the key ${KEK_WRAPPING_LABEL} on the HSM token ${o.token} (MANDATE_PKCS11_TOKEN) does not unwrap ` +
          "this store's data key: it is another token or another key; start with the token this store was set up with",
        { field: 'MANDATE_PKCS11_TOKEN' },
      );
    }
  });
}

/** Runs an HSM step; an HSM that cannot be used refuses the start, naming the variable to look at. */
function unwrapping<T>(o: HsmKekOptions, f: () => T): T {
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
    throw new MandateError(
      'VALIDATION_FAILED',
      `refusing to start: MANDATE_KEK_SOURCE=hsm and ${m} (see ${field}); without the HSM's wrapping key ` +
        "the server cannot open this store's sealed keys",
      { field },
    );
  }
}
