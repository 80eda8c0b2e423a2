// The checkpoint export directory a second party collects from: a file per checkpoint, 0600 in a
// 0700 directory, never overwritten; a restored log that reaches an exported size with other
// events writes its checkpoint beside the old one as a fork, and the checkpoint is not refused.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appendEvents } from '../../src/ledger/log.js';
import { ledgerService } from '../../src/ledger/service.js';
import { openDatabase } from '../../src/store/open.js';
import { migrate } from '../../src/store/migrations.js';
import type { Database } from '../../src/store/db.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const KEK = Buffer.alloc(32, 9);
const at = '2026-12-07T10:00:00.000Z';

async function append(db: Database, id: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await db.transaction((tx) =>
      appendEvents(tx, at, [{ actor: 'user:test', action: 'identity.updated', subject: { type: 'identity', id: `${id}-${i}` } }]),
    );
}

test('a restored log that grows again exports its checkpoint as a fork beside the old one', async () => {
  const exportDir = join(dir, 'checkpoints');
  const dbFile = join(dir, 'live.db');
  const live = await openDatabase(`sqlite:${dbFile}`);
  await migrate(live);
  const opts = { clock: () => new Date(at), kek: KEK, origin: 'mandate.test/ledger', exportDir };
  const ledger = ledgerService({ db: live, ...opts });
  await append(live, 'a', 3);
  await ledger.checkpoint();
  await live.close();
  // The backup: a copy of the store at this point (closed, so the copy is whole).
  copyFileSync(dbFile, join(dir, 'backup.db'));
  const again = await openDatabase(`sqlite:${dbFile}`);
  await append(again, 'lost', 2);
  await ledgerService({ db: again, ...opts }).checkpoint();
  await again.close();
  const before = readdirSync(exportDir).sort();
  assert.equal(before.length, 2, before.join(', ')); // at 4 (the key's event and 3), then at 6
  assert.equal(statSync(exportDir).mode & 0o777, 0o700);
  for (const f of before) assert.equal(statSync(join(exportDir, f)).mode & 0o777, 0o600);

  // The restore: the log goes back, then grows to the same size with other events.
  const restored = await openDatabase(`sqlite:${join(dir, 'backup.db')}`);
  const rl = ledgerService({ db: restored, ...opts });
  await append(restored, 'other', 2);
  const cp = await rl.checkpoint();
  // The same checkpoint again is not a fork: identical content is left as it is.
  await rl.checkpoint();
  await restored.close();
  const afterFiles = readdirSync(exportDir).sort();
  const forks = afterFiles.filter((f) => f.includes('.fork-'));
  assert.equal(forks.length, 1, afterFiles.join(', '));
  const size = String(cp.size).padStart(12, '0');
  assert.ok(forks[0]!.startsWith(`checkpoint-${size}.fork-`));
  assert.equal(readFileSync(join(exportDir, forks[0]!), 'utf8'), cp.note);
  // The old checkpoint of that size is untouched.
  assert.notEqual(readFileSync(join(exportDir, `checkpoint-${size}.txt`), 'utf8'), cp.note);
});
