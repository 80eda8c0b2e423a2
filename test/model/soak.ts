// The model-based test, soaked: thousands of random command sequences against real servers, on
// SQLite and PostgreSQL in turn, each on a fresh database. Prints how many sequences and commands
// ran, the known discrepancies seen, and every new one found with its seed and replay path (replay
// with MODEL_SEED=… MODEL_PATH=… MODEL_MAX_COMMANDS=… node scripts/run-tests.mjs test/model/model.test.ts).
//
//   npm run soak:model                                  # 2,000 sequences or 60 minutes
//   npm run soak:model -- --sequences 500 --minutes 10 --stores sqlite --max-commands 50
//   npm run soak:model -- --strict                      # tolerate nothing, known discrepancies included
//   npm run soak:model -- --shrink                      # shrink each failure (slow: whole sequences re-run)
// The same settings from the environment: MODEL_SOAK_SEQUENCES, MODEL_SOAK_MINUTES, MODEL_SOAK_STORES,
// MODEL_MAX_COMMANDS.
import { parseArgs } from 'node:util';
import { KNOWN } from './known.js';
import { runModel } from './run.js';

const { values: args } = parseArgs({
  options: {
    sequences: { type: 'string' },
    minutes: { type: 'string' },
    stores: { type: 'string' },
    'max-commands': { type: 'string' },
    strict: { type: 'boolean' },
    shrink: { type: 'boolean' },
    batch: { type: 'string' },
  },
});
const sequences = Number(args.sequences ?? process.env.MODEL_SOAK_SEQUENCES ?? 2000);
const minutes = Number(args.minutes ?? process.env.MODEL_SOAK_MINUTES ?? 60);
const stores = (args.stores ?? process.env.MODEL_SOAK_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim()) as (
  | 'sqlite'
  | 'postgres'
)[];
const maxCommands = Number(args['max-commands'] ?? process.env.MODEL_MAX_COMMANDS ?? 40);
const batch = Number(args.batch ?? 25);
const tolerate = args.strict ? [] : KNOWN;

const t0 = Date.now();
const deadline = t0 + minutes * 60_000;
const total = { sequences: 0, commands: 0 };
const byStore = new Map<string, { sequences: number; commands: number }>(stores.map((s) => [s, { sequences: 0, commands: 0 }]));
const tolerated: Record<string, number> = {};
const found = new Map<
  string,
  { count: number; first: { store: string; seed: number; path?: string; counterexample: string; error: string } }
>();

console.log(
  `soak: up to ${sequences} sequences of up to ${maxCommands} commands, ${minutes} min, on ${stores.join(' and ')}; tolerating ` +
    `${tolerate.length ? tolerate.join(', ') : 'nothing'}`,
);
// Interrupted, the sequence running finishes and cleans up (its database dropped), then the summary.
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => (stopping = true));
let turn = 0;
while (total.sequences < sequences && Date.now() < deadline && !stopping) {
  const store = stores[turn++ % stores.length]!;
  const seed = (Date.now() ^ (turn * 2654435761)) | 0;
  const r = await runModel({
    store,
    numRuns: Math.min(batch, sequences - total.sequences),
    maxCommands,
    tolerate,
    seed,
    shrink: args.shrink === true,
    deadlineMs: Math.max(1000, deadline - Date.now()),
    stop: () => stopping,
  });
  total.sequences += r.sequences;
  total.commands += r.commands;
  const s = byStore.get(store)!;
  s.sequences += r.sequences;
  s.commands += r.commands;
  for (const [id, n] of Object.entries(r.tolerated)) tolerated[id] = (tolerated[id] ?? 0) + n;
  if (r.failure) {
    const id = /^\[([A-Z_]+)\]/.exec(r.failure.error)?.[1] ?? r.failure.error.slice(0, 80);
    const seen = found.get(id);
    if (seen) seen.count++;
    else {
      found.set(id, { count: 1, first: { store, ...r.failure } });
      console.log(
        `\nFOUND ${id} on ${store}: seed ${r.failure.seed} path "${r.failure.path ?? ''}"\n  ${r.failure.counterexample}\n  ` +
          `${r.failure.error}\n`,
      );
    }
  }
  const mins = (Date.now() - t0) / 60_000;
  console.log(
    `${mins.toFixed(1)} min: ${total.sequences} sequences, ${total.commands} commands (` +
      `${[...byStore].map(([k, v]) => `${k} ${v.sequences}`).join(', ')}); found ${found.size}`,
  );
}

const secs = Math.round((Date.now() - t0) / 1000);
console.log(`\nsoak done in ${secs} s: ${total.sequences} sequences, ${total.commands} commands`);
for (const [store, s] of byStore) console.log(`  ${store}: ${s.sequences} sequences, ${s.commands} commands`);
console.log(
  `  known discrepancies seen (tolerated): ${
    Object.entries(tolerated)
      .map(([k, n]) => `${k} ×${n}`)
      .join(', ') || 'none'
  }`,
);
if (found.size === 0) console.log('  new discrepancies: none');
for (const [id, f] of found)
  console.log(
    `  new discrepancy ${id} (${f.count} batch${f.count === 1 ? '' : 'es'}), first on ${f.first.store}: seed ${f.first.seed} path "` +
      `${f.first.path ?? ''}"\n    ${f.first.counterexample}\n    ${f.first.error}`,
  );
process.exit(found.size ? 1 : 0);
