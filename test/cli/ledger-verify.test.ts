// `mandate ledger verify` never says OK without a key the user trusts (issue 22): no --key and no
// key pinned in the profile is refused with "signature not checked: give --key", for a ledger
// export and an evidence pack alike; --trust-on-first-use says what it checked and pins the key;
// `mandate ledger key --pin` pins the server's. And a checkpoint whose note is not strict C2SP is
// refused. Against a real server process (SQLite: the verification itself is offline).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifierKey } from '../../src/ledger/checkpoint.js';
import { credentialsPath, saveProfile, storedProfile } from '../../src/cli/profiles.js';
import { runCli, startServerProcess, type ServerProcess } from '../support/cli.js';
import { testStores } from '../support/stores.js';

const TOKEN = 'mdt_test_bootstrap_token_0123456789abcdef';
const tmp = mkdtempSync(join(tmpdir(), 'mandate-verify-'));
const store = testStores().find((s) => s.name === 'sqlite')!;

describe('mandate ledger verify and the key it checks against', () => {
  let server: ServerProcess;
  let env: Record<string, string>;
  let key: string;
  const exportFile = join(tmp, 'ledger.jsonl');
  const packFile = join(tmp, 'pack.tar.gz');
  const cli = (...args: string[]) => runCli(args, env);
  /** A command with its own config home: a profile of this test's making, or none. */
  const withConfig = async (home: string, ...args: string[]) => {
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = home;
    try {
      return await runCli(args, env);
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
    }
  };
  const newHome = (name: string, profile?: { ledger_key?: string }) => {
    const home = mkdtempSync(join(tmp, `${name}-`));
    if (profile) saveProfile('default', { url: server.url, token: TOKEN, ...profile }, credentialsPath({ XDG_CONFIG_HOME: home }));
    return home;
  };
  const pinnedIn = (home: string) => storedProfile('default', credentialsPath({ XDG_CONFIG_HOME: home }))?.ledger_key;

  before(async () => {
    const db = await store.open();
    await db.close();
    server = await startServerProcess(['--db', store.url()], { MANDATE_BOOTSTRAP_TOKEN: TOKEN });
    env = { MANDATE_URL: server.url, MANDATE_TOKEN: TOKEN };
    assert.equal((await cli('import', 'demo/mandate-demo.yaml')).code, 0);
    assert.equal((await cli('checks', 'run')).code, 0);
    key = (await cli('ledger', 'key')).stdout.trim();
    const exported = await cli('ledger', 'export', '--out', exportFile);
    assert.equal(exported.code, 0, exported.stderr);
    const pack = await cli('evidence', 'export', '--entity', 'ent-ie', '--jurisdiction', 'IT', '--out', packFile);
    assert.equal(pack.code, 0, pack.stderr);
  });
  after(async () => {
    await server?.stop();
    await store.cleanup();
  });

  for (const [what, file] of [
    ['a ledger export', () => exportFile],
    ['an evidence pack', () => packFile],
  ] as const) {
    test(`${what}: no --key and no pinned key is refused, not OK; --key checks it`, async () => {
      const home = newHome('none');
      const refused = await withConfig(home, 'ledger', 'verify', file());
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /signature not checked: give --key/);
      assert.equal(refused.stdout, '');
      const json = await withConfig(home, 'ledger', 'verify', file(), '--json');
      assert.equal(json.code, 2);
      assert.equal(JSON.parse(json.stderr).error.code, 'KEY_REQUIRED');
      const given = await withConfig(home, 'ledger', 'verify', file(), '--key', key);
      assert.equal(given.code, 0, given.stdout + given.stderr);
      assert.match(given.stdout, /^OK: /);
      assert.match(given.stderr, /signature checked against the key given \(--key\)/);
      const keyFile = join(tmp, 'ledger.key');
      writeFileSync(keyFile, `${key}\n`);
      assert.equal((await withConfig(home, 'ledger', 'verify', file(), '--key-file', keyFile)).code, 0);
      // Another key than the log's: refused, as before.
      const other = verifierKey('mandate.local/ledger', generateKeyPairSync('ed25519').publicKey);
      assert.equal((await withConfig(home, 'ledger', 'verify', file(), '--key', other)).code, 1);
    });

    test(`${what}: --trust-on-first-use says it checked only the key inside, and pins it in the profile`, async () => {
      const bare = await withConfig(newHome('bare'), 'ledger', 'verify', file(), '--trust-on-first-use');
      assert.equal(bare.code, 0, bare.stdout + bare.stderr);
      assert.match(bare.stdout, /^OK: /);
      assert.match(bare.stderr, /trust on first use: the signature was checked only against the key inside the (pack|file) \(/);
      assert.match(bare.stderr, /to pin a key: mandate login, then mandate ledger key --pin/);

      const home = newHome('tofu', {});
      const first = await withConfig(home, 'ledger', 'verify', file(), '--trust-on-first-use');
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stderr, /pinned it in profile "default"/);
      assert.equal(pinnedIn(home), key);
      // From now on the pinned key is the one: no flag needed, and it says which key it used.
      const later = await withConfig(home, 'ledger', 'verify', file());
      assert.equal(later.code, 0, later.stdout + later.stderr);
      assert.match(later.stderr, /signature checked against the key pinned in profile "default"/);
    });
  }

  test("a pinned key not the log's fails; mandate ledger key --pin pins, and replaces a pinned key only with --repin", async () => {
    const other = verifierKey('mandate.local/ledger', generateKeyPairSync('ed25519').publicKey);
    const home = newHome('wrong', { ledger_key: other });
    const failed = await withConfig(home, 'ledger', 'verify', packFile);
    assert.equal(failed.code, 1, failed.stdout);
    assert.match(failed.stdout, /FAILED/);
    // Even with --trust-on-first-use: a pinned key wins over the pack's own.
    assert.equal((await withConfig(home, 'ledger', 'verify', exportFile, '--trust-on-first-use')).code, 1);

    const mismatch = await withConfig(home, 'ledger', 'key', '--pin');
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.stderr, /pins another ledger key/);
    assert.equal(pinnedIn(home), other);
    const repinned = await withConfig(home, 'ledger', 'key', '--pin', '--repin');
    assert.equal(repinned.code, 0, repinned.stderr);
    assert.equal(pinnedIn(home), key);
    assert.equal((await withConfig(home, 'ledger', 'verify', packFile)).code, 0);

    const fresh = newHome('pin', {});
    const pinned = await withConfig(fresh, 'ledger', 'key', '--pin');
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.equal(pinned.stdout.trim(), key);
    assert.match(pinned.stderr, /pinned in profile "default"/);
    assert.equal(pinnedIn(fresh), key);
    // Signing in again to the same server keeps the pin.
    saveProfile('default', { url: server.url, token: TOKEN }, credentialsPath({ XDG_CONFIG_HOME: fresh }));
    assert.equal(pinnedIn(fresh), key);
    const noProfile = await withConfig(newHome('nopin'), 'ledger', 'key', '--pin');
    assert.equal(noProfile.code, 2);
    assert.match(noProfile.stderr, /no profile "default" to pin the key in/);
  });

  test('a checkpoint in the export that is not strict C2SP (a stray line after its signature) is refused', async () => {
    const lines = readFileSync(exportFile, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('{"checkpoint"'));
    assert.ok(at > 0);
    const note = (JSON.parse(lines[at]!) as { checkpoint: string }).checkpoint;
    lines[at] = JSON.stringify({ checkpoint: `${note}Unexpected line.\n` });
    const bad = join(tmp, 'stray.jsonl');
    writeFileSync(bad, lines.join('\n'));
    const res = await cli('ledger', 'verify', bad, '--key', key);
    assert.equal(res.code, 1, res.stdout);
    assert.match(res.stdout, /signature: checkpoint on line \d+: malformed note: line 2 of the signatures is not a signature line/);
    // A checkpoint kept outside, with no final newline: refused as malformed too.
    const kept = join(tmp, 'kept.txt');
    writeFileSync(kept, note.slice(0, -1));
    const outside = await cli('ledger', 'verify', exportFile, '--key', key, '--checkpoint', kept);
    assert.equal(outside.code, 1, outside.stdout);
    assert.match(outside.stdout, /given checkpoint 1: malformed note: the last line does not end in a newline/);
  });
});
