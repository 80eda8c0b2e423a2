// What a deployment is bound to: the key-encryption key (by a fingerprint, never the key) and the
// ledger's origin, recorded at the first start. A replica started with another KEK would fail to
// open the sealed keys mid-request, or with another origin would sign checkpoints the log's own
// history does not verify against: it refuses to start instead, naming the variable that differs.
import { createHmac } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import { openKey } from '../ledger/keys.js';
import { appendEvents } from '../ledger/log.js';
import type { Database, Sql } from '../store/db.js';

export const KEK_FINGERPRINT = 'kek_fingerprint';
export const LEDGER_ORIGIN = 'ledger_origin';
const FINGERPRINT_LABEL = 'mandate kek fingerprint v1';

/** HMAC-SHA256 of a fixed label under the KEK: names a KEK without revealing anything of it. */
export function kekFingerprint(kek: Buffer): string {
  return createHmac('sha256', kek).update(FINGERPRINT_LABEL).digest('hex');
}

export async function readDeployment(sql: Sql): Promise<Record<string, string>> {
  const rows = await sql.all<{ name: string; value: string }>('SELECT name, value FROM deployment');
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}

/** Sets one fact (inside the transaction of the change that makes it true). */
export async function setDeployment(tx: Sql, name: string, value: string, at: string): Promise<void> {
  await tx.run(
    'INSERT INTO deployment (name, value, set_at) VALUES (?, ?, ?) ' +
      'ON CONFLICT (name) DO UPDATE SET value = excluded.value, set_at = excluded.set_at',
    [name, value, at],
  );
}

export interface DeploymentCheck {
  kek: Buffer;
  /** Where the KEK came from, for the message: 'MANDATE_KEK', 'hsm' (MANDATE_KEK_SOURCE=hsm) or the KEK file's path. */
  kekSource: string;
  origin: string;
  clock?: () => Date;
}

/**
 * Records the KEK fingerprint and the ledger origin at the first start, and refuses a start whose
 * KEK or origin differ from those recorded. A store made before these were recorded is checked
 * against what it holds: the KEK must open its ledger key, and the origin be that key's name.
 */
export async function checkDeployment(db: Database, c: DeploymentCheck): Promise<void> {
  const kekVar = c.kekSource === 'MANDATE_KEK' ? 'MANDATE_KEK' : c.kekSource === 'hsm' ? 'MANDATE_KEK_SOURCE' : 'MANDATE_KEK_FILE';
  const kekWhere =
    c.kekSource === 'MANDATE_KEK' || c.kekSource === 'hsm'
      ? { MANDATE_KEK: 'MANDATE_KEK', hsm: 'the HSM-wrapped data key (MANDATE_KEK_SOURCE=hsm)' }[c.kekSource]
      : `MANDATE_KEK_FILE (${c.kekSource})`;
  const fingerprint = kekFingerprint(c.kek);
  let facts = await readDeployment(db);
  if (!facts[KEK_FINGERPRINT] || !facts[LEDGER_ORIGIN]) {
    const [key] = await db.all<{ id: string; name: string; encrypted_private: string }>(
      'SELECT id, name, encrypted_private FROM ledger_keys WHERE retired_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1',
    );
    // A sealed key (v1:…) must open; an HSM key's reference holds nothing the KEK seals.
    if (key?.encrypted_private.startsWith('v1:') && !facts[KEK_FINGERPRINT]) {
      try {
        openKey(c.kek, key!.id, key!.encrypted_private);
      } catch {
        throw kekRefused(kekVar, `the key-encryption key in ${kekWhere} does not open this store's ledger key`);
      }
    }
    const origin = facts[LEDGER_ORIGIN] ?? key?.name ?? c.origin;
    const at = (c.clock ?? (() => new Date()))().toISOString();
    // Two replicas starting together: the first to record wins, the other is checked against it.
    // What is recorded is evidence in the same transaction (the fingerprint is an HMAC, not the key).
    await db.transaction(async (tx) => {
      const recorded: Record<string, string> = {};
      for (const [name, value] of [
        [KEK_FINGERPRINT, fingerprint],
        [LEDGER_ORIGIN, origin],
      ] as const)
        if (await tx.run('INSERT INTO deployment (name, value, set_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', [name, value, at]))
          recorded[name] = value;
      if (Object.keys(recorded).length)
        await appendEvents(tx, at, [
          { actor: 'mandate', action: 'deployment.recorded', subject: { type: 'deployment', id: 'mandate' }, after: recorded },
        ]);
    });
    facts = await readDeployment(db);
  }
  if (facts[KEK_FINGERPRINT] !== fingerprint)
    throw kekRefused(
      kekVar,
      `the key-encryption key in ${kekWhere} is not the one this store was set up with ` +
        `(fingerprint ${fingerprint.slice(0, 16)}…, the store's ${facts[KEK_FINGERPRINT]!.slice(0, 16)}…)`,
    );
  if (facts[LEDGER_ORIGIN] !== c.origin)
    throw new MandateError(
      'VALIDATION_FAILED',
      `refusing to start: MANDATE_LEDGER_ORIGIN is "${c.origin}" but this store's ledger is "${facts[LEDGER_ORIGIN]}": checkpoints ` +
        `under another origin would not verify against the log's history. Set MANDATE_LEDGER_ORIGIN=${facts[LEDGER_ORIGIN]}, ` +
        `or change the origin on purpose with: mandate keys rotate ledger --origin ${c.origin}`,
      { field: 'MANDATE_LEDGER_ORIGIN' },
    );
}

function kekRefused(field: string, why: string): MandateError {
  return new MandateError(
    'VALIDATION_FAILED',
    `refusing to start: ${why}; it could not open the store's sealed keys. Start with the store's KEK, ` +
      'or change it with: mandate keys rotate kek --new-kek-file FILE',
    { field },
  );
}
