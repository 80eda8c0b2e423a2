// The ledger key's rotations as evidence packs carry them (src/keys/rotation.ts makes them): reads
// of the log only, so packs and verifiers below the key layer can use them.
import { leafText, type LeafFields } from './leaf.js';
import type { Sql } from '../store/db.js';

/** One ledger key rotation as an evidence pack carries it: the event, the old key's checkpoint, the proof between. */
export interface RotationRecord {
  leaf: string;
  leaf_hash: string;
  /** The checkpoint by the old key that covers the event (signed in the rotation's transaction). */
  checkpoint: string;
  /** The event's inclusion proof in that checkpoint (hex hashes). */
  proof: string[];
}

/**
 * The ledger's key rotations up to a tree size, each with what lets a verifier that trusts the
 * old key accept the new one offline (src/evidence/verify.ts), one JSON line each.
 */
export async function rotationRecords(
  sql: Sql,
  upTo: number,
  inclusion: (seq: number, size: number) => Promise<{ proof: string[] }>,
): Promise<RotationRecord[]> {
  const rows = await sql.all<LeafFields & { leaf_hash: string }>(
    'SELECT seq, at, actor, action, subject_type, subject_id, before_doc, after_doc, reason, leaf_hash FROM events ' +
      "WHERE action = 'ledger.key_rotated' AND seq <= ? ORDER BY seq",
    [upTo],
  );
  const out: RotationRecord[] = [];
  for (const r of rows) {
    const seq = Number(r.seq);
    const [cp] = await sql.all<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size = ?', [seq]);
    if (!cp) continue;
    out.push({ leaf: leafText({ ...r, seq }), leaf_hash: r.leaf_hash, checkpoint: cp.note, proof: (await inclusion(seq, seq)).proof });
  }
  return out;
}
