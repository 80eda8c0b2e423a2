// Runs every *.test.ts under test/ and src/ with Node's test runner (TypeScript through tsx).
// Node 20's --test takes no globs, so the files are found here.
//
// Files run two at a time (MANDATE_TEST_CONCURRENCY to change it): much of a file's time is spent
// waiting on PostgreSQL, a broker, Chromium or a server it started, and every file makes its own
// databases, ports and directories, so they do not see each other. Node's default on a two-core
// machine is one at a time, which took the suite past 30 minutes. More than two mostly adds CPU
// contention (the suite needs about 2,600 CPU-seconds), which slows the crash and browser tests
// towards their timeouts. The longest files start first, so none is left running alone at the end.
const LONGEST_FIRST = [
  'test/regulatory/crash.test.ts',
  'test/console/console.test.ts',
  'test/console/layout.test.ts',
  'test/console/products.test.ts',
  'test/console/discovery.test.ts',
  'test/console/power.test.ts',
  'test/console/labels.test.ts',
  'test/ha/failover.test.ts',
  'test/model/model.test.ts',
];
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
const all = [...find('test'), ...find('src')].sort();
const files = only.length ? only : [...LONGEST_FIRST.filter((f) => all.includes(f)), ...all.filter((f) => !LONGEST_FIRST.includes(f))];
const concurrency = Number(process.env.MANDATE_TEST_CONCURRENCY ?? 2);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`MANDATE_TEST_CONCURRENCY must be a whole number ≥ 1, not ${process.env.MANDATE_TEST_CONCURRENCY}`);
  process.exit(2);
}
const args = ['--conditions=mandate-source', '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec'];
const res = spawnSync(process.execPath, [...args, ...files], {
  stdio: 'inherit',
});
process.exit(res.status ?? 1);
