// Reads do not write (issue 22): `mandate findings` and the other reading commands run no check
// and add nothing to the ledger; `mandate checks run` is how to run them now. And `mandate … | head`
// ends quietly when the reader closes the pipe. Against a real server process, on both stores.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { runCli, startServerProcess, type ServerProcess } from '../support/cli.js';
import { testStores } from '../support/stores.js';

const TOKEN = 'mdt_test_bootstrap_token_0123456789abcdef';
const ENTRY = fileURLToPath(new URL('../support/cli-entry.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const store of testStores()) {
  describe(`reads do not write, on ${store.name}`, () => {
    let server: ServerProcess;
    let env: Record<string, string>;
    const cli = (...args: string[]) => runCli(args, env);
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 200, path);
      return (await res.json()) as { items: { seq?: number; id?: string; trigger?: string }[] };
    };
    /** The ledger's size (the newest event's seq) and the check runs recorded. */
    const state = async () => ({
      ledger: (await get('/v1/events?order=desc&limit=1')).items[0]?.seq ?? 0,
      runs: (await get('/v1/checks/runs?limit=500')).items.map((r) => r.id),
    });

    before(async () => {
      const db = await store.open();
      await db.close();
      server = await startServerProcess(['--db', store.url()], { MANDATE_BOOTSTRAP_TOKEN: TOKEN });
      env = { MANDATE_URL: server.url, MANDATE_TOKEN: TOKEN };
      const imported = await cli('import', 'demo/mandate-demo.yaml');
      assert.equal(imported.code, 0, imported.stderr);
      // The server runs the checks on its own after a change (2 s later) and once after start:
      // wait for that run, then until nothing moves, so what follows is the commands' doing only.
      let last = '';
      let still = 0;
      for (let i = 0; i < 60 && still < 3; i++) {
        await sleep(500);
        const s = await state();
        const now = JSON.stringify(s);
        const ranAfterImport = (await get('/v1/checks/runs?limit=500')).items.some((r) => r.trigger === 'after a change');
        still = ranAfterImport && now === last ? still + 1 : 0;
        last = now;
      }
      assert.equal(still, 3, `the server did not settle: ${last}`);
    });
    after(async () => {
      await server?.stop();
      await store.cleanup();
    });

    test('mandate findings (and the other reading commands) run no check and add no ledger event', async () => {
      const before = await state();
      const listed = await cli('findings');
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^SEVERITY\s+CHECK\s+SUBJECT/);
      assert.match(listed.stderr, new RegExp(`as of check run ${before.runs[0]} at .*mandate checks run to run them now`));
      for (const args of [
        ['findings', '--json'],
        ['findings', '--status', 'open,acknowledged,resolved,accepted_risk', '--severity', 'high'],
        ['readiness'],
        ['checks', 'list'],
        ['checks', 'runs'],
      ]) {
        const r = await cli(...args);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      }
      assert.deepEqual(await state(), before);
    });

    test('mandate checks run runs them now, prints the run, and is the one that writes', async () => {
      const before = await state();
      const ran = await cli('checks', 'run');
      assert.equal(ran.code, 0, ran.stderr);
      const id = /run (\S+): \d+ open, \d+ opened, \d+ reopened, \d+ resolved, \d+ accepted risk \(\d+ ms\)/.exec(ran.stdout)?.[1];
      assert.ok(id, ran.stdout);
      const afterRun = await state();
      assert.deepEqual(afterRun.runs, [id, ...before.runs]);
      assert.ok(afterRun.ledger > before.ledger, 'a run is evidence: checks.ran in the ledger');
      const listed = await cli('findings');
      assert.match(listed.stderr, new RegExp(`as of check run ${id} `));
      assert.deepEqual(await state(), afterRun);
    });

    test('mandate … | head: a reader that closes early ends the CLI quietly with exit code 0', {
      skip: store.name !== 'sqlite',
    }, async () => {
      // identities list --json on the demo firm is far more than a pipe holds (64 KiB), so the CLI
      // is still writing when the reader goes.
      const child = spawn(process.execPath, ['--conditions=mandate-source', '--import', 'tsx', ENTRY, 'identities', 'list', '--json'], {
        cwd: ROOT,
        env: { ...process.env, MANDATE_URL: server.url, MANDATE_TOKEN: TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
      child.stdout.destroy();
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.match(first, /^\[/);
      assert.equal(stderr, '', 'nothing on stderr: no EPIPE, no stack trace');
      assert.equal(code, 0);
    });
  });
}
