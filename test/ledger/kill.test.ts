// Kill the ledger writer mid-batch, again and again: no acknowledged event is ever lost, sequence
// numbers stay dense, stored leaf hashes match their events, and the stored tree's root equals the
// root recomputed from the leaves, so writing simply resumes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { leafHash, rootHash } from '../../src/ledger/merkle.js';
import { leafText, type LeafFields } from '../../src/ledger/leaf.js';
import { withTree } from '../../src/ledger/tree.js';
import { rootsAt } from '../../src/ledger/verify.js';
import { testStores } from '../support/stores.js';

const WORKER = fileURLToPath(new URL('../support/append-worker.ts', import.meta.url));

function runAndKill(url: string, killAfterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=mandate-source', '--import', 'tsx', WORKER, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = 0;
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/ack (\d+)\n/g)) acked = Math.max(acked, Number(m[1]));
      if (acked > 0 && !child.killed) setTimeout(() => child.kill('SIGKILL'), killAfterMs).unref();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

for (const store of testStores()) {
  describe(`ledger writer killed mid-batch on ${store.name}`, () => {
    after(() => store.cleanup());
    test('six kills: nothing acknowledged is lost and the tree stays consistent', async () => {
      const db = await store.open();
      const url = store.url();
      let everAcked = 0;
      for (let round = 0; round < 6; round++) {
        everAcked = Math.max(everAcked, await runAndKill(url, 20 + ((round * 37) % 150)));
        const rows = await db.all<LeafFields & { leaf_hash: string }>(
          'SELECT seq, at, actor, action, subject_type, subject_id, before_doc, after_doc, reason, leaf_hash FROM events ORDER BY seq',
        );
        const size = rows.length;
        assert.ok(size >= everAcked, `round ${round}: ${everAcked} acknowledged but only ${size} stored`);
        rows.forEach((r, i) => {
          assert.equal(Number(r.seq), i + 1, 'sequence numbers are dense');
          assert.equal(leafHash(leafText({ ...r, seq: Number(r.seq) })).toString('hex'), r.leaf_hash, `leaf ${i} matches its event`);
        });
        const leaves = Buffer.concat(rows.map((r) => Buffer.from(r.leaf_hash, 'hex')));
        const fromLeaves = rootsAt(leaves, size, [size]).get(size)!;
        const fromStore = await withTree(db, (src) => rootHash(src, size));
        assert.ok(fromStore.equals(fromLeaves), `round ${round}: stored tree root differs from the leaves' root`);
      }
      assert.ok(everAcked > 0);
    });
  });
}
