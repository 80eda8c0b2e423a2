// The ledger on both stores: proofs that verify against signed checkpoints, an export that
// verifies offline, and every kind of tampering with the stored log caught and located.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openCheckpoint } from '../../src/ledger/checkpoint.js';
import { verifyConsistency, verifyInclusion } from '../../src/ledger/merkle.js';
import { appendEvents } from '../../src/ledger/log.js';
import { ledgerService, type LedgerService } from '../../src/ledger/service.js';
import { verifyLedgerFile } from '../../src/ledger/verify.js';
import type { Database } from '../../src/store/db.js';
import { testStores } from '../support/stores.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-ledger-'));
const KEK = Buffer.alloc(32, 7);
const at = '2026-11-22T10:00:00.000Z';
let files = 0;

async function seed(db: Database, n: number, from = 0): Promise<void> {
  // Appends in uneven batches, as transactions do.
  for (let i = from; i < from + n; ) {
    const batch = 1 + (i % 4);
    await db.transaction((tx) =>
      appendEvents(
        tx,
        at,
        Array.from({ length: Math.min(batch, from + n - i) }, (_, j) => ({
          actor: 'user:test',
          action: 'identity.updated',
          subject: { type: 'identity', id: `svc-${i + j}` },
          before: { n: i + j },
          after: { n: i + j + 1, note: 'ünïcødé "quoted"' },
          reason: `change ${i + j}`,
        })),
      ),
    );
    i += batch;
  }
}

async function exportTo(ledger: LedgerService): Promise<string> {
  const lines: string[] = [];
  await ledger.export((l) => void lines.push(l));
  const file = join(dir, `export-${files++}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function editLine(file: string, edit: (lines: string[]) => string[]): string {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const out = join(dir, `edited-${files++}.jsonl`);
  writeFileSync(out, `${edit(lines).join('\n')}\n`);
  return out;
}

for (const store of testStores()) {
  describe(`ledger on ${store.name}`, () => {
    let db: Database;
    let ledger: LedgerService;
    before(async () => {
      db = await store.open();
      ledger = ledgerService({ db, clock: () => new Date(at), kek: KEK, origin: 'mandate.test/ledger' });
      await seed(db, 37);
    });
    after(() => store.cleanup());

    test('inclusion and consistency proofs verify against signed checkpoints', async () => {
      const key = (await ledger.logKey()).verifierKey;
      const first = openCheckpoint((await ledger.checkpoint()).note, key);
      await seed(db, 20, 100);
      const second = openCheckpoint((await ledger.checkpoint()).note, key);
      assert.ok(second.size > first.size);
      for (const seq of [1, 2, first.size, second.size]) {
        const p = await ledger.inclusion(seq, second.size);
        assert.ok(
          verifyInclusion(
            Buffer.from(p.leaf_hash, 'hex'),
            p.leaf_index,
            p.tree_size,
            p.proof.map((h) => Buffer.from(h, 'hex')),
            second.root,
          ),
        );
      }
      const c = await ledger.consistency(first.size, second.size);
      assert.ok(
        verifyConsistency(
          first.size,
          second.size,
          first.root,
          second.root,
          c.proof.map((h) => Buffer.from(h, 'hex')),
        ),
      );
      await assert.rejects(ledger.inclusion(second.size + 1000), /outside|not in/);
      await assert.rejects(ledger.consistency(5, 10 ** 9), /outside/);
    });

    test('the private log key is stored sealed, never in plaintext', async () => {
      const [row] = await db.all<{ encrypted_private: string; public_key: string }>(
        'SELECT encrypted_private, public_key FROM ledger_keys',
      );
      assert.match(row!.encrypted_private, /^v1:/);
      const pkcs8 = (await ledger.logKey()).privateKey!.export({ format: 'der', type: 'pkcs8' }) as Buffer;
      assert.ok(!row!.encrypted_private.includes(pkcs8.toString('base64')));
      const other = ledgerService({ db, clock: () => new Date(at), kek: Buffer.alloc(32, 9), origin: 'mandate.test/ledger' });
      await assert.rejects(other.logKey(), /wrong key-encryption key/);
    });

    test('an untouched export verifies offline', async () => {
      const file = await exportTo(ledger);
      const report = await verifyLedgerFile(file, { key: (await ledger.logKey()).verifierKey });
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      assert.ok(report.checkpoints >= 2);
    });

    test('tampering with the export file is caught at the first bad index', async () => {
      const key = (await ledger.logKey()).verifierKey;
      const file = await exportTo(ledger);
      const check = async (f: string) => verifyLedgerFile(f, { key });
      // One byte changed in event 10 (line 11).
      const flipped = editLine(file, (l) => l.map((x, i) => (i === 10 ? x.replace('change 9', 'change 8') : x)));
      let r = await check(flipped);
      assert.equal(r.ok, false);
      assert.equal(r.firstBadIndex, 9);
      assert.equal(r.problems[0]!.kind, 'modified');
      // Deleted, inserted, reordered.
      r = await check(editLine(file, (l) => l.filter((_, i) => i !== 6)));
      assert.equal(r.firstBadIndex, 5);
      r = await check(editLine(file, (l) => [...l.slice(0, 4), l[3]!, ...l.slice(4)]));
      assert.equal(r.firstBadIndex, 3);
      r = await check(editLine(file, (l) => [l[0]!, l[1]!, l[3]!, l[2]!, ...l.slice(4)]));
      assert.equal(r.firstBadIndex, 1);
      // Truncated: the tail of the events removed.
      r = await check(editLine(file, (l) => [...l.slice(0, 21), ...l.filter((x) => x.startsWith('{"checkpoint"'))]));
      assert.ok(r.problems.some((p) => p.kind === 'truncated' && p.index === 20));
      // The wrong key.
      const wrong = (await ledgerService({ db, clock: () => new Date(at), kek: KEK, origin: 'other' }).logKey()).verifierKey;
      assert.equal(wrong, key); // same stored key: a key is per store
      r = await verifyLedgerFile(file, { key: key.replace(/\+[0-9a-f]{8}\+/, '+00000000+') });
      assert.equal(r.ok, false);
    });

    test('tampering with the stored log, in every way, is caught by the verifier', async () => {
      const key = (await ledger.logKey()).verifierKey;
      const outside = (await ledger.checkpoint()).note; // kept by a second party
      const size = openCheckpoint(outside, key).size;
      const verifyNow = async () => verifyLedgerFile(await exportTo(ledger), { key, checkpoints: [outside] });
      const snapshot = await db.all<Record<string, unknown>>('SELECT * FROM events ORDER BY seq');
      const restore = async () => {
        await db.run('DELETE FROM events');
        for (const r of snapshot)
          await db.run(
            `INSERT INTO events (${Object.keys(r).join(',')}) VALUES (${Object.keys(r)
              .map(() => '?')
              .join(',')})`,
            Object.values(r) as never,
          );
        await db.run('DELETE FROM ledger_checkpoints WHERE size <> ?', [size]).catch(() => undefined);
      };
      // Modified content.
      await db.run("UPDATE events SET reason = 'nothing to see' WHERE seq = 12");
      let r = await verifyNow();
      assert.equal(r.firstBadIndex, 11);
      await restore();
      // Modified content with its leaf hash recomputed: the signed checkpoints catch it.
      const { leafText } = await import('../../src/ledger/leaf.js');
      const { leafHash } = await import('../../src/ledger/merkle.js');
      const row = (await db.all<any>('SELECT * FROM events WHERE seq = 12'))[0];
      row.reason = 'nothing to see';
      await db.run('UPDATE events SET reason = ?, leaf_hash = ? WHERE seq = 12', [
        row.reason,
        leafHash(leafText({ ...row, seq: 12 })).toString('hex'),
      ]);
      r = await verifyNow();
      assert.equal(r.ok, false);
      assert.ok(r.problems.some((p) => p.kind === 'mismatch' || p.kind === 'fork'));
      await restore();
      // Deleted.
      await db.run('DELETE FROM events WHERE seq = 7');
      r = await verifyNow();
      assert.equal(r.firstBadIndex, 6);
      await restore();
      // Reordered: two events' contents swapped.
      const [a, b] = await db.all<any>('SELECT seq, reason, after_doc FROM events WHERE seq IN (3, 4) ORDER BY seq');
      await db.run('UPDATE events SET reason = ?, after_doc = ? WHERE seq = 3', [b.reason, b.after_doc]);
      await db.run('UPDATE events SET reason = ?, after_doc = ? WHERE seq = 4', [a.reason, a.after_doc]);
      r = await verifyNow();
      assert.equal(r.firstBadIndex, 2);
      await restore();
      // Truncated.
      await db.run('DELETE FROM events WHERE seq > 30');
      r = await verifyNow();
      assert.ok(r.problems.some((p) => p.kind === 'truncated' && p.index === 30));
      await restore();
      // Rewritten wholesale after the outside checkpoint (a fork): content, hashes and nodes.
      await db.run("UPDATE events SET reason = 'rewritten' WHERE seq = 2");
      const all = await db.all<any>('SELECT * FROM events ORDER BY seq');
      await db.run('DELETE FROM ledger_nodes');
      await db.run('DELETE FROM ledger_checkpoints');
      const { addSubtrees } = await import('../../src/ledger/tree.js');
      for (const e of all) {
        const h = leafHash(leafText({ ...e, seq: Number(e.seq) }));
        await db.run('UPDATE events SET leaf_hash = ? WHERE seq = ?', [h.toString('hex'), e.seq]);
      }
      await db.transaction(async (tx) =>
        addSubtrees(
          tx,
          0,
          all.map((e: any) => leafHash(leafText({ ...e, seq: Number(e.seq) }))),
        ),
      );
      r = await verifyNow();
      assert.equal(r.ok, false);
      assert.ok(
        r.problems.some((p) => p.kind === 'fork'),
        JSON.stringify(r.problems),
      );
    });
  });
}
