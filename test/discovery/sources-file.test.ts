// The server's discovery sources file, end to end: `mandate serve` with
// MANDATE_DISCOVERY_SOURCES_FILE loads a firm's own module source (the fixture stands in for a
// secrets manager) with its token taken from the environment and sealed, the CLI lists and runs
// it; a restart with an edited file updates the source (recorded with before and after), an
// unchanged file changes nothing; a bad file (an unset variable, an unknown field, a module that
// is not there) refuses the start with the field at fault. The parser is also tested alone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readSourcesFile } from '../../src/discovery/sources-file.js';
import { runCli, startServerProcess } from '../support/cli.js';

const TOKEN = 'mdt_test_bootstrap_token_sources_file_0123';
const tmp = mkdtempSync(join(tmpdir(), 'mandate-srcfile-'));
mkdirSync(join(tmp, 'sources'));
cpSync(new URL('./fixtures/module/vault-source.mjs', import.meta.url), join(tmp, 'sources', 'vault.mjs'));
const vaultToken = `hvs.${randomBytes(12).toString('hex')}`;
const file = join(tmp, 'sources.yaml');
const sourcesYaml = (every: string) => `sources:
  - id: vault-prod
    kind: module
    path: ./sources/vault.mjs
    covers: [vault]
    every: ${every}
    options:
      url: https://vault.internal:8200
      token: { env: TEST_VAULT_TOKEN }
`;

after(() => rmSync(tmp, { recursive: true, force: true }));

describe('discovery sources file', () => {
  test('the server loads a module source from its file, the token from the environment, sealed', async () => {
    writeFileSync(file, sourcesYaml('1h'));
    const db = `sqlite:${join(tmp, 'm.db')}`;
    // One key-encryption key across the restarts: the sealed token and the ledger key open again.
    const env = {
      MANDATE_BOOTSTRAP_TOKEN: TOKEN,
      MANDATE_DISCOVERY_SOURCES_FILE: file,
      TEST_VAULT_TOKEN: vaultToken,
      MANDATE_KEK: randomBytes(32).toString('base64'),
    };
    let server = await startServerProcess(['--db', db], env);
    const cli = (...args: string[]) => runCli([...args], { MANDATE_URL: server.url, MANDATE_TOKEN: TOKEN });
    try {
      const listed = await cli('discovery', 'sources', 'list', '--json');
      assert.equal(listed.code, 0, listed.stderr);
      const [vault] = JSON.parse(listed.stdout);
      assert.deepEqual(
        [vault.id, vault.kind, vault.covers, vault.every_s, vault.sealed],
        ['vault-prod', 'module', ['vault'], 3600, ['/options/token']],
      );
      assert.equal(vault.options.token, '***');
      assert.equal(vault.created_by, 'config:sources.yaml');
      assert.ok(!listed.stdout.includes(vaultToken));

      const run = await cli('discovery', 'run', 'vault-prod');
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.match(run.stdout, /succeeded \(observed 1, matched 0, drift 0, unmanaged 1, missing 0\)/);
    } finally {
      await server.stop();
    }
    assert.ok(!server.output().includes(vaultToken), 'the token is never logged');

    // Restart unchanged: nothing written. Then with the schedule edited: one update, before and after.
    server = await startServerProcess(['--db', db], env);
    await server.stop();
    writeFileSync(file, sourcesYaml('2h'));
    server = await startServerProcess(['--db', db], env);
    try {
      const events = await cli('events', 'vault-prod', '--type', 'discovery_source', '--json');
      assert.equal(events.code, 0, events.stderr);
      const actions = JSON.parse(events.stdout).map((e: { action: string }) => e.action);
      assert.deepEqual(
        actions.filter((a: string) => a.startsWith('discovery.source')),
        ['discovery.source_added', 'discovery.source_updated'],
      );
      const updated = JSON.parse(events.stdout).find((e: { action: string }) => e.action === 'discovery.source_updated');
      assert.deepEqual([updated.before.every_s, updated.after.every_s], [3600, 7200]);
      assert.ok(!events.stdout.includes(vaultToken));
    } finally {
      await server.stop();
    }
  });

  test('a bad file refuses the start, naming the field', async () => {
    writeFileSync(file, sourcesYaml('1h'));
    const db = `sqlite:${join(tmp, 'bad.db')}`;
    await assert.rejects(
      startServerProcess(['--db', db], { MANDATE_BOOTSTRAP_TOKEN: TOKEN, MANDATE_DISCOVERY_SOURCES_FILE: file }),
      /TEST_VAULT_TOKEN is not set/,
    );
  });

  test('the parser: env values at any depth, unknown fields and unset variables refused with their path', async () => {
    const f = join(tmp, 'p.yaml');
    writeFileSync(
      f,
      'sources:\n  - { id: a, kind: postgres, options: { url: { env: X_URL }, nested: { k: { env: X_K } } }, every: 3600 }\n',
    );
    const read = await readSourcesFile(f, { X_URL: 'postgres://u:pw@db/x', X_K: 'v' });
    assert.deepEqual(read.sources, [
      { id: 'a', kind: 'postgres', options: { url: 'postgres://u:pw@db/x', nested: { k: 'v' } }, every: '3600' },
    ]);
    assert.equal(read.baseDir, tmp);
    await assert.rejects(
      readSourcesFile(f, { X_URL: 'x' }),
      (e: { field?: string; message: string }) => e.field === '/sources/0/options/nested/k' && /X_K is not set/.test(e.message),
    );
    writeFileSync(f, 'sources:\n  - { id: a, kind: postgres, colour: red }\n');
    await assert.rejects(readSourcesFile(f, {}), (e: { field?: string }) => e.field === '/sources/0/colour');
    writeFileSync(f, 'source: []\n');
    await assert.rejects(readSourcesFile(f, {}), (e: { field?: string }) => e.field === '/sources');
  });
});
