// The backup and restore procedures of docs/operations.md, run as an operator would run them: a
// server process on the demo firm, changes through the CLI, a signed checkpoint kept outside
// Mandate (MANDATE_CHECKPOINT_DIR), a backup taken with the documented command WHILE a change is
// being written, more changes the restore will lose, then the backup restored into a new place, a
// server started on it with the same key-encryption key, its ledger exported and checked with
// `mandate ledger verify` against the verifier key kept aside and the checkpoint kept outside.
// A restore whose event table was changed must fail that check, and the checkpoint signed after
// the backup must show what the restore lost.
//
// SQLite: `mandate admin backup --db sqlite:DB --to FILE`, and `sqlite3 DB "VACUUM INTO 'FILE'"` under
// `umask 077` (the sqlite3 program: .ci/run installs it), both while a change commits. PostgreSQL:
// `pg_dump -Fc` and `pg_restore --no-owner --exit-on-error` into a fresh database.
// Each test makes its own directory and databases and removes only those.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { runCli as runCliNow, startServerProcess, type CliResult } from '../support/cli.js';
import { PG_ADMIN_URL, pgAdmin } from '../support/stores.js';

const TOKEN = `mdt_ops_backup_${randomBytes(16).toString('hex')}`;
const root = mkdtempSync(join(tmpdir(), 'mandate-ops-backup-'));
const ORIGIN = 'ops-test.mandate.example/ledger';

/** A documented shell command line, run by bash (so `umask` and quoting are as in the guide). */
function sh(line: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('bash', ['-euo', 'pipefail', '-c', line], { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      err ? reject(new Error(`${line}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

/**
 * runCli, one at a time: it runs in this process and sets the environment and the output for its
 * call, so two at once would mix their servers and their output. Servers still start in parallel.
 */
let queue: Promise<unknown> = Promise.resolve();
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const next = queue.then(() => runCliNow(args, env));
  queue = next.catch(() => undefined);
  return next;
}

const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** The `mandate` command, from source (as bin/mandate.js runs it from dist/). */
const ENTRY = fileURLToPath(new URL('../support/cli-entry.ts', import.meta.url));
const MANDATE = `${q(process.execPath)} --conditions=mandate-source --import tsx ${q(ENTRY)}`;

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);
  return r;
}

/** The checkpoint files a directory holds, oldest first (their names carry the tree size, zero-padded). */
const checkpointsIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /^checkpoint-\d{12}\.txt$/.test(f))
    .sort()
    .map((f) => join(dir, f));

interface Site {
  dir: string;
  kekFile: string;
  keyFile: string;
  checkpointDir: string;
  env: Record<string, string>;
}

/** A place as the guide lays it out: the KEK and the verifier key apart from the data, a checkpoint directory. */
function site(name: string): Site {
  const dir = join(root, name);
  for (const d of ['keys', 'checkpoints', 'backup']) mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });
  const kekFile = join(dir, 'keys', 'mandate.kek');
  writeFileSync(kekFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  const checkpointDir = join(dir, 'checkpoints');
  return {
    dir,
    kekFile,
    keyFile: join(dir, 'keys', 'ledger.key'),
    checkpointDir,
    // MANDATE_KEK empty: the KEK comes from its file, as in the guide (startServerProcess sets a random one otherwise).
    env: {
      MANDATE_KEK: '',
      MANDATE_KEK_FILE: kekFile,
      MANDATE_CHECKPOINT_DIR: checkpointDir,
      MANDATE_LEDGER_ORIGIN: ORIGIN,
      MANDATE_BOOTSTRAP_TOKEN: TOKEN,
    },
  };
}

/**
 * The live part of the drill: a demo server on `db`, a change, a checkpoint kept outside, the
 * backup (`backup()`) taken while another change is being written, then a change and a checkpoint
 * after it. Answers the checkpoint files signed before and after the backup.
 */
async function liveDrill(s: Site, db: string, backup: () => Promise<unknown>): Promise<{ before: string; after: string }> {
  const server = await startServerProcess(['--demo', '--db', db], s.env);
  try {
    const cli = (...args: string[]) => runCli(args, { MANDATE_URL: server.url, MANDATE_TOKEN: TOKEN });
    // The verifier key, kept apart from the data (the guide: mandate ledger key > ledger.key).
    writeFileSync(s.keyFile, ok(await cli('ledger', 'key'), 'ledger key').stdout, { mode: 0o600 });
    ok(await cli('identities', 'suspend', 'svc-grafana-readonly', '--reason', 'backup drill'), 'suspend');
    ok(await cli('ledger', 'checkpoint', '--new'), 'checkpoint before the backup');
    const before = checkpointsIn(s.checkpointDir).at(-1)!;
    // Online: the backup runs while a change commits.
    const [, during] = await Promise.all([
      backup(),
      cli('identities', 'reactivate', 'svc-grafana-readonly', '--reason', 'during the backup'),
    ]);
    ok(during, 'a change during the backup');
    // What the restore will lose, covered by a checkpoint kept outside.
    ok(await cli('identities', 'suspend', 'svc-grafana-readonly', '--reason', 'after the backup'), 'suspend after');
    ok(await cli('ledger', 'checkpoint', '--new'), 'checkpoint after the backup');
    const afterCp = checkpointsIn(s.checkpointDir).at(-1)!;
    assert.notEqual(afterCp, before);
    return { before, after: afterCp };
  } finally {
    await server.stop();
  }
}

/**
 * After a restore: a server on the restored store with the same KEK and origin (and a checkpoint
 * directory of its own, as the guide says), its ledger exported and verified against the key kept
 * aside and the given checkpoints kept outside.
 */
async function verifyRestored(s: Site, db: string, name: string, checkpoints: string[]): Promise<CliResult> {
  const cpDir = join(s.dir, `checkpoints-${name}`);
  const server = await startServerProcess(['--db', db], { ...s.env, MANDATE_CHECKPOINT_DIR: cpDir });
  try {
    const file = join(s.dir, `${name}.jsonl`);
    ok(await runCli(['ledger', 'export', '--out', file], { MANDATE_URL: server.url, MANDATE_TOKEN: TOKEN }), `export of ${name}`);
    return await runCli(['ledger', 'verify', file, '--key-file', s.keyFile, '--checkpoint', ...checkpoints]);
  } finally {
    await server.stop();
  }
}

/** The three verdicts the guide promises after a restore, for the good restore and the tampered one. */
function assertVerdicts(v: { good: CliResult; lost: CliResult; tampered: CliResult }): void {
  assert.equal(v.good.code, 0, v.good.stdout + v.good.stderr);
  assert.match(v.good.stdout, /^OK: \d+ events, \d+ signed checkpoints verified/);
  assert.match(v.good.stderr, /signature checked against the key in /);
  // Against the checkpoint signed after the backup: the restore lost what came after it.
  assert.equal(v.lost.code, 1, v.lost.stdout);
  assert.match(v.lost.stdout, /^FAILED: /);
  assert.match(
    v.lost.stdout,
    /(truncated: a checkpoint covers \d+ events but the file holds \d+|fork: the checkpoint of size \d+ kept outside)/,
  );
  // One event's actor changed in the restored store: named exactly, and the outside checkpoint disagrees.
  assert.equal(v.tampered.code, 1, v.tampered.stdout);
  assert.match(v.tampered.stdout, /first bad index 9 \(event 10\)/);
  assert.match(v.tampered.stdout, /modified: event 10 does not match its leaf hash/);
  assert.match(v.tampered.stdout, /fork: the checkpoint of size \d+ kept outside Mandate disagrees with this log/);
}

describe('backup and restore as docs/operations.md describes them', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  test('SQLite: mandate admin backup and sqlite3 VACUUM INTO while the server writes; the restore verifies', async () => {
    const s = site('sqlite');
    mkdirSync(join(s.dir, 'data'), { mode: 0o700 });
    const live = join(s.dir, 'data', 'mandate.db');
    const backups = { cli: join(s.dir, 'backup', 'mandate-cli.db'), sqlite3: join(s.dir, 'backup', 'mandate-sqlite3.db') };
    // Both documented commands, at once, while a change commits: the CLI (what the image has) and sqlite3.
    let said = '';
    const cps = await liveDrill(s, `sqlite:${live}`, () =>
      Promise.all([
        sh(`${MANDATE} admin backup --db ${q(`sqlite:${live}`)} --to ${q(backups.cli)}`).then((out) => (said = out)),
        sh(`umask 077 && sqlite3 ${q(live)} "VACUUM INTO '${backups.sqlite3}'"`),
      ]),
    );
    assert.match(said, /^wrote .*mandate-cli\.db \(\d+ bytes, \d+ ledger events, integrity ok, mode 0600\)/);
    for (const file of Object.values(backups)) {
      assert.equal(statSync(file).mode & 0o777, 0o600, `${file} is readable by its owner only`);
      assert.equal((await sh(`sqlite3 ${q(file)} 'PRAGMA integrity_check'`)).trim(), 'ok');
    }
    // A second backup to the same file is refused, never overwritten.
    await assert.rejects(sh(`${MANDATE} admin backup --db ${q(`sqlite:${live}`)} --to ${q(backups.cli)}`), /exists: give a new file/);

    // Restore: a backup file copied into a new data directory (the server makes its WAL there).
    const restore = (name: string, from: string) => {
      mkdirSync(join(s.dir, name), { mode: 0o700 });
      const db = join(s.dir, name, 'mandate.db');
      copyFileSync(from, db);
      return db;
    };
    const restored = restore('restored', backups.cli);
    const tampered = restore('tampered', backups.sqlite3);
    await sh(`sqlite3 ${q(tampered)} "UPDATE events SET actor = 'mallory' WHERE seq = 10"`);

    const [good, bad] = await Promise.all([
      verifyRestored(s, `sqlite:${restored}`, 'restored', [cps.before]),
      verifyRestored(s, `sqlite:${tampered}`, 'tampered', [cps.before]),
    ]);
    // The restored log, checked again with the checkpoint signed after the backup (its export is on disk).
    const lost = await runCli([
      'ledger',
      'verify',
      join(s.dir, 'restored.jsonl'),
      '--key-file',
      s.keyFile,
      '--checkpoint',
      cps.before,
      cps.after,
    ]);
    assertVerdicts({ good, lost, tampered: bad });
  });

  test('PostgreSQL: pg_dump -Fc of the running server, pg_restore into a fresh database; the restore verifies', async () => {
    const s = site('postgres');
    const base = `mandate_ops_${process.pid}_${randomBytes(4).toString('hex')}`;
    const names = { live: `${base}_live`, restored: `${base}_restored`, tampered: `${base}_tampered` };
    const urlOf = (db: string) => {
      const u = new URL(PG_ADMIN_URL);
      u.pathname = `/${db}`;
      return u.toString();
    };
    const created: string[] = [];
    const createDb = async (name: string) => {
      await pgAdmin((c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
    };
    try {
      await createDb(names.live);
      const dump = join(s.dir, 'backup', 'mandate-drill.dump');
      const cps = await liveDrill(s, urlOf(names.live), () => sh(`umask 077 && pg_dump -Fc -d ${q(urlOf(names.live))} -f ${q(dump)}`));
      assert.equal(statSync(dump).mode & 0o777, 0o600, 'the dump is readable by its owner only');
      for (const name of [names.restored, names.tampered]) {
        await createDb(name);
        await sh(`pg_restore --no-owner --exit-on-error -d ${q(urlOf(name))} ${q(dump)}`);
      }
      await pgAdmin((c) => c.query("UPDATE events SET actor = 'mallory' WHERE seq = 10"), urlOf(names.tampered));

      const [good, bad] = await Promise.all([
        verifyRestored(s, urlOf(names.restored), 'restored', [cps.before]),
        verifyRestored(s, urlOf(names.tampered), 'tampered', [cps.before]),
      ]);
      // The restored log, checked again with the checkpoint signed after the dump (its export is on disk).
      const lost = await runCli([
        'ledger',
        'verify',
        join(s.dir, 'restored.jsonl'),
        '--key-file',
        s.keyFile,
        '--checkpoint',
        cps.before,
        cps.after,
      ]);
      assertVerdicts({ good, lost, tampered: bad });
    } finally {
      await pgAdmin(async (c) => {
        for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    }
  });
});
