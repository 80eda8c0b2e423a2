// The ledger over the event log: signed checkpoints, inclusion and consistency proofs, and the
// export a third party verifies offline (docs/ledger.md).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signCheckpointWith } from './checkpoint.js';
import { MandateError } from '../core/errors.js';
import { consistencyProof, inclusionProof, rootHash } from './merkle.js';
import type { Database } from '../store/db.js';
import { currentLogKey, loadLogKey, type LogKey } from './keys.js';
import type { KeyStore } from '../keys/signer.js';
import type { rotateLogKey } from '../keys/rotation.js';
import { privateDir, privateFile } from '../store/files.js';
import { leafText, type LeafFields } from './leaf.js';
import { treeSize, withTree } from './tree.js';

export interface LedgerOptions {
  kek: Buffer;
  /** The log's name in checkpoints and its key name. */
  origin: string;
  /** A directory Mandate only ever adds checkpoint files to, for a second party to collect. */
  exportDir?: string;
  /** Where the log key lives (src/keys/): sealed under the KEK (default), or in an HSM. */
  keyStore?: KeyStore | undefined;
  /**
   * The ledger key's rotation (src/keys/rotation.ts), given by the wiring: it records the
   * deployment's origin too, so it sits above the ledger and is passed in rather than imported.
   */
  rotateLogKey?: typeof rotateLogKey;
}

export interface StoredCheckpoint {
  size: number;
  root: string;
  note: string;
  created_at: string;
}

export const EXPORT_FORMAT = 'mandate-ledger/1';
/** An exported event line: `{"leaf_hash":"<64 hex>","event":<leaf text>}`; the leaf text is what is hashed. */
export const LINE_PREFIX = '{"leaf_hash":"';
export const LINE_MIDDLE = '","event":';

export function ledgerService({ db, clock, ...opts }: LedgerOptions & { db: Database; clock: () => Date }) {
  let key: Promise<LogKey> | undefined;
  let known: LogKey | undefined;
  // The key is re-read each time (one row): a rotation, here or on another server, replaces it.
  const logKey = async (): Promise<LogKey> =>
    (known =
      (await currentLogKey(db, opts.kek, known, opts.keyStore)) ??
      (await (key ??= loadLogKey(db, opts.kek, opts.origin, clock, opts.keyStore).catch((err) => {
        key = undefined;
        throw err;
      }))));

  async function latest(): Promise<StoredCheckpoint | undefined> {
    const [row] = await db.all<StoredCheckpoint>('SELECT size, root, note, created_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1');
    return row ? { ...row, size: Number(row.size) } : undefined;
  }

  /**
   * A new checkpoint in the export directory (0700; files 0600), never overwritten. A file of the
   * same size with other content means this log is not the one exported before (a store restored
   * from a backup, then grown again): the new checkpoint goes beside it under a name of its own, so
   * the collector sees both (a fork) and the checkpoint already committed is not refused.
   */
  function exportCheckpoint(c: StoredCheckpoint): void {
    if (!opts.exportDir) return;
    privateDir(opts.exportDir);
    const base = join(opts.exportDir, `checkpoint-${String(c.size).padStart(12, '0')}`);
    if (existsSync(`${base}.txt`)) {
      if (readFileSync(`${base}.txt`, 'utf8') === c.note) return;
      const fork = `${base}.fork-${createHash('sha256').update(c.note).digest('hex').slice(0, 12)}.txt`;
      if (!existsSync(fork)) privateFile(fork, c.note, 'wx');
      return;
    }
    privateFile(`${base}.txt`, c.note, 'wx');
  }

  function checkSize(size: number, current: number, field: string): void {
    if (!Number.isInteger(size) || size < 1 || size > current)
      throw new MandateError('VALIDATION_FAILED', `tree size ${size} is outside the log (1..${current})`, { field });
  }

  return {
    logKey,
    latest,

    /** Signs a checkpoint of the log as it is now (or answers the one already signed at this size). */
    async checkpoint(): Promise<StoredCheckpoint> {
      await logKey();
      // The key and the size are read under the append lock, so a rotation (src/keys/rotation.ts)
      // is wholly before or after: a retired key never signs past the checkpoint that hands over.
      const made = await db.transaction(async (tx) => {
        if (tx.dialect === 'postgres') await tx.all("SELECT pg_advisory_xact_lock(hashtext('mandate.events'))");
        const k = (known = (await currentLogKey(tx, opts.kek, known, opts.keyStore))!);
        const size = await treeSize(tx);
        const [existing] = await tx.all<StoredCheckpoint>('SELECT size, root, note, created_at FROM ledger_checkpoints WHERE size = ?', [
          size,
        ]);
        if (existing) return { row: { ...existing, size: Number(existing.size) }, fresh: false };
        const root = await withTree(tx, (src) => rootHash(src, size));
        // The origin is the key's name: a change of origin is a rotation to a key of the new name.
        const note = await signCheckpointWith({ origin: k.name, size, root }, k.name, k.signer);
        const row = { size, root: root.toString('hex'), note, created_at: clock().toISOString() };
        await tx.run('INSERT INTO ledger_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)', [
          row.size,
          row.root,
          row.note,
          row.created_at,
        ]);
        return { row, fresh: true };
      });
      if (made.fresh) exportCheckpoint(made.row);
      return made.row;
    },

    /**
     * Replaces the log key (src/keys/rotation.ts): a `ledger.key_rotated` event, a checkpoint by the
     * old key that covers it, then the new key signs. `name` changes the origin with it.
     */
    async rotateKey(actor: string, o: { name?: string; reason?: string } = {}) {
      if (!opts.rotateLogKey) throw new MandateError('INTERNAL', 'this server was built without key rotation');
      await logKey();
      const out = await opts.rotateLogKey(db, { kek: opts.kek, clock, actor, store: opts.keyStore, ...o });
      exportCheckpoint(out.checkpoint);
      return out;
    },

    async checkpoints(): Promise<StoredCheckpoint[]> {
      return (await db.all<StoredCheckpoint>('SELECT size, root, note, created_at FROM ledger_checkpoints ORDER BY size')).map((r) => ({
        ...r,
        size: Number(r.size),
      }));
    },

    async inclusion(seq: number, size?: number) {
      const current = await treeSize(db);
      const n = size ?? current;
      checkSize(n, current, 'query:size');
      if (!Number.isInteger(seq) || seq < 1 || seq > n)
        throw new MandateError('VALIDATION_FAILED', `event ${seq} is not in a tree of size ${n}`, { field: 'query:seq' });
      const { proof, root, leaf } = await withTree(db, (src) => ({
        proof: inclusionProof(src, seq - 1, n),
        root: rootHash(src, n),
        leaf: src.get(0, seq - 1),
      }));
      return {
        seq,
        leaf_index: seq - 1,
        tree_size: n,
        leaf_hash: leaf.toString('hex'),
        root: root.toString('hex'),
        proof: proof.map((h) => h.toString('hex')),
      };
    },

    /** Inclusion proofs of many events in one tree, read with one fetch of the nodes they need. */
    async inclusions(seqs: readonly number[], size: number) {
      return withTree(db, (src) => {
        const root = rootHash(src, size).toString('hex');
        return seqs.map((seq) => ({
          seq,
          leaf_index: seq - 1,
          tree_size: size,
          leaf_hash: src.get(0, seq - 1).toString('hex'),
          root,
          proof: inclusionProof(src, seq - 1, size).map((h) => h.toString('hex')),
        }));
      });
    },

    async consistency(from: number, to?: number) {
      const current = await treeSize(db);
      const n = to ?? current;
      checkSize(n, current, 'query:to');
      if (!Number.isInteger(from) || from < 1 || from > n)
        throw new MandateError('VALIDATION_FAILED', `size ${from} must be between 1 and ${n}`, { field: 'query:from' });
      const { proof, r1, r2 } = await withTree(db, (src) => ({
        proof: consistencyProof(src, from, n),
        r1: rootHash(src, from),
        r2: rootHash(src, n),
      }));
      return { from, to: n, first_root: r1.toString('hex'), second_root: r2.toString('hex'), proof: proof.map((h) => h.toString('hex')) };
    },

    /**
     * Writes the log as JSON Lines: a header, every event in order with its leaf hash, then every
     * signed checkpoint. A checkpoint is signed at the current size first. Events missing from the
     * store are not papered over: the file holds what is there, and the verifier sees the gap
     * against the checkpoints.
     */
    async export(write: (line: string) => void | Promise<void>): Promise<{ size: number }> {
      const k = await logKey();
      await this.checkpoint();
      const all = await this.checkpoints();
      const size = Math.max(...all.map((c) => c.size));
      await write(JSON.stringify({ format: EXPORT_FORMAT, origin: k.name, verifier_key: k.verifierKey, size }));
      for (let after = 0; after < size; ) {
        const rows = await db.all<LeafFields & { leaf_hash: string }>(
          'SELECT seq, at, actor, action, subject_type, subject_id, before_doc, after_doc, reason, leaf_hash FROM events WHERE seq > ? ' +
            'AND seq <= ? ORDER BY seq LIMIT 5000',
          [after, size],
        );
        if (rows.length === 0) break;
        for (const r of rows) await write(`${LINE_PREFIX}${r.leaf_hash}${LINE_MIDDLE}${leafText({ ...r, seq: Number(r.seq) })}}`);
        after = Number(rows[rows.length - 1]!.seq);
      }
      for (const c of all) await write(JSON.stringify({ checkpoint: c.note }));
      return { size };
    },
  };
}
export type LedgerService = ReturnType<typeof ledgerService>;
