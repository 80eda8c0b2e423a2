// Group commit (src/ledger/group.ts): many callers, few transactions, each caller answered only
// once its evidence is committed in the log, densely numbered; an item that fails fails its batch.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { groupCommitter } from '../../src/ledger/group.js';
import { countEvents, eventsAfter, type NewEvent } from '../../src/ledger/log.js';
import { testStores } from '../support/stores.js';

const clock = () => new Date('2026-12-07T10:00:00.000Z');
const event = (i: number): NewEvent => ({ actor: `t:${i}`, action: 'decision.recorded', subject: { type: 'decision', id: `d${i}` } });

for (const store of testStores()) {
  describe(`group commit: ${store.name}`, () => {
    after(() => store.cleanup());

    test('concurrent callers share transactions; each is answered after its events are in the log, densely numbered', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 60 }), async (sizes) => {
          const db = await store.open();
          let transactions = 0;
          db.onCommit(() => void transactions++);
          const group = groupCommitter({ db, clock, maxBatch: 16 });
          let next = 0;
          const answers = await Promise.all(
            sizes.map(async (n) => {
              const mine = Array.from({ length: n }, () => event(next++));
              await group.submit({ events: mine });
              // Answered: every one of its events is already readable.
              const seen = new Set((await eventsAfter(db, 0, 10_000)).map((e) => e.actor));
              return mine.every((e) => seen.has(e.actor));
            }),
          );
          assert.ok(answers.every(Boolean));
          const log = await eventsAfter(db, 0, 10_000);
          assert.deepEqual(
            log.map((e) => e.seq),
            log.map((_, i) => i + 1),
          );
          assert.equal(log.length, next);
          assert.equal(new Set(log.map((e) => e.actor)).size, next);
          // Callers that arrived together rode in fewer transactions than there were callers.
          if (sizes.length >= 8) assert.ok(transactions < sizes.length, `${transactions} transactions for ${sizes.length} callers`);
          await db.close();
        }),
        { numRuns: store.name === 'postgres' ? 8 : 20 },
      );
    });

    test('an item that throws fails its whole batch, which writes nothing', async () => {
      const db = await store.open();
      const group = groupCommitter({ db, clock });
      const ok = group.submit({ events: [event(1)] });
      const bad = group.submit({
        apply: async () => {
          throw new Error('boom');
        },
        events: [event(2)],
      });
      const [a, b] = await Promise.allSettled([ok, bad]);
      assert.equal(a.status, 'rejected');
      assert.equal(b.status, 'rejected');
      assert.equal(await countEvents(db), 0);
      // The committer still works afterwards.
      await group.submit({ events: [event(3)] });
      assert.equal(await countEvents(db), 1);
      await db.close();
    });
  });
}
