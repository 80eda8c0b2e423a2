// A leader candidate in a process of its own, for the pause test (test/ha/leader.test.ts): it
// elects on argv[2] as server argv[3] and answers commands on stdin, one a line:
//   write TAG    a fenced write (INSERT INTO paused_probe) with the fence it was last elected with
//   open TAG     a fenced transaction that inserts, then waits for `commit`
//   commit       commits it
// It prints `leader EPOCH`, `follower`, `write ok|fenced TAG`, `opened TAG`, `commit ok|fenced`.
import { createInterface } from 'node:readline';
import { leaderElection } from '../../src/server/leader.js';
import { asLeader, type Fence } from '../../src/store/leadership.js';
import { openDatabase } from '../../src/store/open.js';

const [url, id] = [process.argv[2]!, process.argv[3]!];
const db = await openDatabase(url);
const election = leaderElection({ url, serverId: id, retryMs: 100, leaseMs: 1000, txIdleMs: 1500 });
let fence: Fence | undefined;
election.onChange((leader) => {
  if (leader) fence = election.fence();
  console.log(leader ? `leader ${election.epoch}` : 'follower');
});
await election.start();

let commit: (() => void) | undefined;
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, tag] = line.trim().split(' ');
  const f = fence;
  if (cmd === 'write' && f)
    await asLeader(f, () => db.run('INSERT INTO paused_probe (tag) VALUES (?)', [tag])).then(
      () => console.log(`write ok ${tag}`),
      () => console.log(`write fenced ${tag}`),
    );
  else if (cmd === 'open' && f) {
    const held = new Promise<void>((r) => (commit = r));
    void asLeader(f, () =>
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO paused_probe (tag) VALUES (?)', [tag]);
        console.log(`opened ${tag}`);
        await held;
      }),
    ).then(
      () => console.log('commit ok'),
      () => console.log('commit fenced'),
    );
  } else if (cmd === 'commit') commit?.();
  else if (cmd === 'exit') break;
}
await election.stop();
await db.close();
