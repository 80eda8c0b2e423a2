// A ledger writer for the kill test: appends batches forever and prints `ack <last seq>` after
// each commit, i.e. only once the batch is durable.
import { appendEvents } from '../../src/ledger/log.js';
import { openDatabase } from '../../src/store/open.js';

const db = await openDatabase(process.argv[2]!);
for (let batch = 0; ; batch++) {
  const last = await db.transaction(async (tx) => {
    await appendEvents(
      tx,
      new Date().toISOString(),
      Array.from({ length: 50 + (batch % 7) * 30 }, (_, i) => ({
        actor: 'worker',
        action: 'identity.updated',
        subject: { type: 'identity', id: `w-${batch}-${i}` },
        after: { batch, i },
        reason: 'kill test',
      })),
    );
    const [r] = await tx.all<{ n: number }>('SELECT MAX(seq) AS n FROM events');
    return Number(r!.n);
  });
  process.stdout.write(`ack ${last}\n`);
}
