// `npm start` builds only what is stale (scripts/build-if-stale.mjs). The engine, on steps of the
// test's own in a temp folder: nothing changed builds nothing; an edited, added or removed input
// rebuilds that step and the steps after it; rewriting the same content does not; a deleted output
// rebuilds from scratch; a failed build is tried again. Then the real recipes, on a temp copy of
// the repository's files: the SDK compiled by tsc, and the console by Vite, whose module graph
// (src/ledger/leaf.ts among it) decides when it is stale.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildIfStale, defaultSteps, STAMP, staleness, type Stamp, type Step } from '../../scripts/build-if-stale.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmps: string[] = [];
after(() => {
  for (const t of tmps) rmSync(t, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mandate-build-'));
  tmps.push(d);
  return d;
}
function write(root: string, file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}
const read = (root: string, file: string) => readFileSync(join(root, file), 'utf8');
const quiet = () => undefined;

describe('build-if-stale: the engine', () => {
  const root = tmp();
  const builds: { name: string; full: boolean }[] = [];
  let failNext = false;
  // a: its folder and a config file → out/a/all.txt. b: after a, its own file and a's output.
  // c: a folder of its own, and a file outside it that its build says it read (like Vite's graph).
  const steps: Step[] = [
    {
      name: 'a',
      dirs: ['a/src'],
      files: ['a/conf.json'],
      after: [],
      outDir: 'out/a',
      recipe: 'concat a',
      async build({ root: r, full }) {
        builds.push({ name: 'a', full });
        if (failNext) {
          failNext = false;
          throw new Error('a: compile error');
        }
        const parts = ['x.txt', 'y.txt'].filter((f) => existsSync(join(r, 'a/src', f))).map((f) => read(r, `a/src/${f}`));
        write(r, 'out/a/all.txt', parts.join('|') + read(r, 'a/conf.json'));
      },
    },
    {
      name: 'b',
      dirs: [],
      files: ['b.txt'],
      after: ['a'],
      outDir: 'out/b',
      recipe: 'concat b',
      async build({ root: r, full }) {
        builds.push({ name: 'b', full });
        write(r, 'out/b/result.txt', `${read(r, 'b.txt')}+${read(r, 'out/a/all.txt')}`);
      },
    },
    {
      name: 'c',
      dirs: ['c'],
      files: [],
      after: [],
      outDir: 'out/c',
      recipe: 'concat c',
      async build({ root: r, full }) {
        builds.push({ name: 'c', full });
        write(r, 'out/c/c.txt', read(r, 'c/main.txt') + read(r, 'shared/lib.txt'));
        return { graph: ['c/main.txt', 'shared/lib.txt'] };
      },
    },
  ];
  const run = async () => {
    builds.length = 0;
    const r = await buildIfStale({ root, steps, log: quiet });
    return { built: [...r.built].sort(), full: Object.fromEntries(builds.map((b) => [b.name, b.full])) };
  };
  write(root, 'a/src/x.txt', 'x1');
  write(root, 'a/conf.json', '{}');
  write(root, 'b.txt', 'b1');
  write(root, 'c/main.txt', 'c1');
  write(root, 'shared/lib.txt', 'lib1');

  test('the first run builds every step, a before b, and stamps each output folder', async () => {
    assert.deepEqual(await run(), { built: ['a', 'b', 'c'], full: { a: true, b: true, c: true } });
    assert.equal(read(root, 'out/b/result.txt'), 'b1+x1{}');
    const stamp = JSON.parse(read(root, `out/c/${STAMP}`)) as Stamp;
    assert.deepEqual(Object.keys(stamp.inputs), ['c/main.txt', 'shared/lib.txt']);
    assert.deepEqual(stamp.outputs, ['c.txt']);
    assert.equal((JSON.parse(read(root, `out/b/${STAMP}`)) as Stamp).deps.a, (JSON.parse(read(root, `out/a/${STAMP}`)) as Stamp).key);
  });

  test('nothing changed: nothing is built', async () => {
    assert.deepEqual(await run(), { built: [], full: {} });
  });

  test('the same content written again (a new mtime) is not a change', async () => {
    write(root, 'a/src/x.txt', 'x1');
    assert.deepEqual(await run(), { built: [], full: {} });
  });

  test('an edited source rebuilds its step incrementally, and the step after it; not the others', async () => {
    write(root, 'a/src/x.txt', 'x2');
    const r = staleness(root, steps[0]!, {});
    assert.deepEqual(r, { stale: true, why: '1 input changed: a/src/x.txt', full: false });
    assert.deepEqual(await run(), { built: ['a', 'b'], full: { a: false, b: false } });
    assert.equal(read(root, 'out/b/result.txt'), 'b1+x2{}');
  });

  test('a file added to or removed from an input folder rebuilds', async () => {
    write(root, 'a/src/y.txt', 'y1');
    assert.deepEqual((await run()).built, ['a', 'b']);
    assert.equal(read(root, 'out/a/all.txt'), 'x2|y1{}');
    unlinkSync(join(root, 'a/src/y.txt'));
    assert.deepEqual((await run()).built, ['a', 'b']);
    assert.equal(read(root, 'out/a/all.txt'), 'x2{}');
  });

  test('a file outside the folders that the build said it read is an input too', async () => {
    write(root, 'shared/lib.txt', 'lib2');
    assert.deepEqual((await run()).built, ['c']);
    assert.equal(read(root, 'out/c/c.txt'), 'c1lib2');
  });

  test('a deleted output rebuilds that step from scratch', async () => {
    unlinkSync(join(root, 'out/b/result.txt'));
    assert.deepEqual(staleness(root, steps[1]!, { a: (JSON.parse(read(root, `out/a/${STAMP}`)) as Stamp).key }), {
      stale: true,
      why: 'out/b/result.txt is missing',
      full: true,
    });
    assert.deepEqual(await run(), { built: ['b'], full: { b: true } });
    assert.equal(read(root, 'out/b/result.txt'), 'b1+x2{}');
  });

  test('--check says what is stale and builds nothing', async () => {
    write(root, 'b.txt', 'b2');
    const lines: string[] = [];
    const r = await buildIfStale({ root, steps, check: true, log: (m) => lines.push(m) });
    assert.deepEqual(r.stale, ['b']);
    assert.deepEqual(lines, ['b (out/b) is stale: 1 input changed: b.txt']);
    assert.equal(read(root, 'out/b/result.txt'), 'b1+x2{}');
    assert.deepEqual((await run()).built, ['b']);
  });

  test('a failed build is tried again at the next run; the steps after it are not built', async () => {
    write(root, 'a/conf.json', '{"v":2}');
    failNext = true;
    await assert.rejects(buildIfStale({ root, steps, log: quiet }), /a: compile error/);
    assert.ok(!existsSync(join(root, `out/a/${STAMP}`)), 'no stamp after a failed build');
    assert.deepEqual(await run(), { built: ['a', 'b'], full: { a: true, b: false } });
    assert.equal(read(root, 'out/b/result.txt'), 'b2+x2{"v":2}');
  });

  test('force builds every step from scratch', async () => {
    builds.length = 0;
    const r = await buildIfStale({ root, steps, force: true, log: quiet });
    assert.deepEqual([...r.built].sort(), ['a', 'b', 'c']);
    assert.ok(builds.every((b) => b.full));
  });
});

/** A temp copy of the repository's files that the given steps read, with its node_modules linked. */
function copyOf(paths: string[]): string {
  const root = tmp();
  for (const p of paths) cpSync(join(ROOT, p), join(root, p), { recursive: true, filter: (src) => !/[/\\]dist([/\\]|$)/.test(src) });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  if (existsSync(join(ROOT, 'packages/sdk/node_modules')) && existsSync(join(root, 'packages/sdk')))
    symlinkSync(join(ROOT, 'packages/sdk/node_modules'), join(root, 'packages/sdk/node_modules'));
  return root;
}

describe('build-if-stale: the real recipes', () => {
  const real = (name: string) => defaultSteps().filter((s) => s.name === name);

  test('the SDK: tsc builds it, a second run does not, an edited source does', { timeout: 240_000 }, async () => {
    const root = copyOf([
      'packages/sdk/src',
      'packages/sdk/package.json',
      'packages/sdk/tsconfig.build.json',
      'tsconfig.json',
      'package.json',
    ]);
    cpSync(join(ROOT, 'package-lock.json'), join(root, 'package-lock.json'));
    const steps = real('sdk');
    assert.deepEqual((await buildIfStale({ root, steps, log: quiet })).built, ['sdk']);
    assert.ok(existsSync(join(root, 'packages/sdk/dist/index.js')));
    assert.deepEqual(await buildIfStale({ root, steps, log: quiet }), { built: [], skipped: ['sdk'], stale: [] });
    writeFileSync(
      join(root, 'packages/sdk/src/index.ts'),
      `${read(root, 'packages/sdk/src/index.ts')}\nexport const buildProbe = 41 + 1;\n`,
    );
    assert.deepEqual((await buildIfStale({ root, steps, log: quiet })).built, ['sdk']);
    assert.match(read(root, 'packages/sdk/dist/index.js'), /buildProbe = 41 \+ 1/);
  });

  test("the console: Vite's module graph is its inputs, src/ledger/leaf.ts among them", { timeout: 240_000 }, async () => {
    const root = copyOf(['console', 'src', 'openapi', 'tsconfig.json', 'package.json', 'package-lock.json']);
    const steps = real('console');
    assert.deepEqual((await buildIfStale({ root, steps, log: quiet })).built, ['console']);
    assert.ok(existsSync(join(root, 'console/dist/index.html')));
    const stamp = JSON.parse(read(root, `console/dist/${STAMP}`)) as Stamp;
    assert.ok(stamp.graph?.includes('src/ledger/leaf.ts'), 'the leaf format the console imports from the server');
    assert.ok(stamp.graph?.includes('console/src/main.tsx'));
    assert.ok(!stamp.graph?.some((f) => f.includes('node_modules')));
    assert.equal(staleness(root, steps[0]!, {}).stale, false);
    // A server file the console does not import leaves it up to date; one it imports does not.
    writeFileSync(join(root, 'src/cli/main.ts'), `${read(root, 'src/cli/main.ts')}\n// edited\n`);
    assert.equal(staleness(root, steps[0]!, {}).stale, false);
    writeFileSync(join(root, 'src/ledger/leaf.ts'), `${read(root, 'src/ledger/leaf.ts')}\n// edited\n`);
    assert.deepEqual(staleness(root, steps[0]!, {}), { stale: true, why: '1 input changed: src/ledger/leaf.ts', full: false });
  });
});
