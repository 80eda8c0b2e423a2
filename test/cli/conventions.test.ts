// CLI conventions (issue 17 item 11): --version, shell completion, login profiles in a 0600
// file, lists that page to the end or say how many more, --json errors, grouped help.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { runCli, startServerProcess, type ServerProcess } from '../support/cli.js';
import { identity, smallManifest } from '../support/fixtures.js';

const TOKEN = 'mdt_test_bootstrap_token_conventions_0123456789';
const ENTRY = fileURLToPath(new URL('../support/cli-entry.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'mandate-cli-conventions-'));
const config = join(tmp, 'config');
const credentials = join(config, 'mandate', 'credentials.json');
const PROFILE_ENV = ['XDG_CONFIG_HOME', 'HOME', 'MANDATE_PROFILE'] as const;

/** The CLI as a child process, with stdin: the real path `login` reads the token from. */
function runChild(args: string[], env: Record<string, string>, stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=mandate-source', '--import', 'tsx', ENTRY, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: tmp, XDG_CONFIG_HOME: config, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('CLI conventions', () => {
  let server: ServerProcess;
  const saved: Partial<Record<(typeof PROFILE_ENV)[number], string>> = {};
  const cli = (...args: string[]) => runCli(args, { MANDATE_URL: server.url, MANDATE_TOKEN: TOKEN });

  before(async () => {
    // runCli runs in this process: profiles are read from a temporary config directory.
    for (const k of PROFILE_ENV) saved[k] = process.env[k];
    process.env.XDG_CONFIG_HOME = config;
    process.env.HOME = tmp;
    delete process.env.MANDATE_PROFILE;
    server = await startServerProcess(['--db', `sqlite:${join(tmp, 'mandate.db')}`], { MANDATE_BOOTSTRAP_TOKEN: TOKEN });
  });
  after(async () => {
    await server?.stop();
    for (const k of PROFILE_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const res = await runCli(['--version']);
    assert.equal(res.code, 0);
    assert.equal(res.stdout.trim(), version);
  });

  test('completion scripts come from the command tree', async () => {
    const bash = await runCli(['completion', 'bash']);
    assert.equal(bash.code, 0, bash.stderr);
    assert.match(bash.stdout, /complete -o default -F _mandate mandate/);
    assert.match(bash.stdout, /'identities'\) echo 'list show suspend reactivate revoke decommission set-owner power help/);
    assert.match(bash.stdout, /'identities list'\) echo '[^']*--limit/);
    assert.match(bash.stdout, /'discovery sources'\) echo 'add list/);
    // The script parses, and completes a subcommand and a flag where bash is installed.
    const script = join(tmp, 'mandate.bash');
    writeFileSync(script, bash.stdout);
    const complete = (words: string) =>
      spawnSync(
        'bash',
        ['-c', `source ${script}; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _mandate; echo "\${COMPREPLY[*]}"`],
        { encoding: 'utf8' },
      );
    const probe = complete('mandate identities li');
    if (!probe.error) {
      assert.equal(probe.stdout.trim(), 'list', probe.stderr);
      assert.equal(complete('mandate --json identities list --entity ent-de --li').stdout.trim(), '--limit');
    }
    const zsh = await runCli(['completion', 'zsh']);
    assert.match(zsh.stdout, /^#compdef mandate/);
    assert.match(zsh.stdout, /'approvals' 'list:/);
    const fish = await runCli(['completion', 'fish']);
    assert.match(fish.stdout, /-a 'completion' -d/);
    const bad = await runCli(['completion', 'tcsh']);
    assert.equal(bad.code, 2);
  });

  test('help groups the commands and documents examples and exit codes', async () => {
    const res = await runCli(['--help']);
    assert.equal(res.code, 0);
    const out = res.stdout;
    assert.ok(out.indexOf('Common commands:') < out.indexOf('Other commands:'), out);
    assert.match(out.slice(out.indexOf('Common commands:'), out.indexOf('Other commands:')), /\n {2}identities /);
    assert.match(out.slice(out.indexOf('Other commands:')), /\n {2}serve /);
    assert.match(out, /Global options \(also after a command\):\n {2}--url/);
    assert.match(out, /Examples:\n {2}mandate login/);
    assert.match(
      out,
      /Exit codes:\n {2}0 {2}success\n {2}1 {2}refused or failed[^\n]*\n {2}2 {2}bad usage[^\n]*\n {2}3 {2}the server could not be reached/,
    );
  });

  test('lists read every page; --limit says how many more on stderr', async () => {
    const manifest = smallManifest(Array.from({ length: 150 }, (_, i) => identity(`svc-${String(i).padStart(3, '0')}`)));
    const file = join(tmp, 'many.json');
    writeFileSync(file, JSON.stringify(manifest));
    const imported = await cli('import', file);
    assert.equal(imported.code, 0, imported.stderr);
    const all = await cli('identities', 'list', '--json');
    assert.equal(all.code, 0, all.stderr);
    assert.equal(JSON.parse(all.stdout).length, 150);
    assert.equal(all.stderr, '');
    const ten = await cli('identities', 'list', '--limit', '10');
    assert.equal(ten.code, 0, ten.stderr);
    assert.equal(ten.stdout.trim().split('\n').length, 11);
    assert.equal(ten.stderr, 'showing 10 of 150; --limit 0 for all\n');
    // Lists without a count say that more exist.
    const people = await cli('people', 'list', '--limit', '1');
    assert.equal(people.stdout.trim().split('\n').length, 2);
    assert.match(people.stderr, /^showing 1; more exist: use --limit N for more or --limit 0 for all\n$/);
    assert.equal((await cli('people', 'list')).stderr, '');
    // A list the server answers in one page asks for one more to know.
    const approvals = await cli('approvals', 'list', '--limit', '3');
    assert.equal(approvals.code, 0, approvals.stderr);
    assert.equal(approvals.stderr, '');
  });

  test('--json errors are JSON on stderr, with the same exit codes', async () => {
    const notFound = await cli('identities', 'show', 'no-such-identity', '--json');
    assert.equal(notFound.code, 1);
    assert.equal(notFound.stdout, '');
    const err = JSON.parse(notFound.stderr).error;
    assert.equal(err.code, 'NOT_FOUND');
    assert.equal(err.status, 404);
    assert.equal(typeof err.message, 'string');
    assert.ok('field' in err);
    const invalid = JSON.parse((await cli('identities', 'list', '--capability', 'god', '--json')).stderr).error;
    assert.equal(invalid.code, 'INVALID_QUERY');
    assert.equal(invalid.status, 400);
    const usage = await cli('identities', 'list', '--limit', 'lots', '--json');
    assert.equal(usage.code, 2);
    assert.deepEqual(JSON.parse(usage.stderr).error, {
      code: 'BAD_FLAG',
      message: '--limit must be a whole number (0 for all), not lots',
      field: '--limit',
      status: null,
    });
    const unknown = await cli('--json', 'frobnicate');
    assert.equal(unknown.code, 2);
    assert.equal(JSON.parse(unknown.stderr).error.code, 'USAGE');
    const unreachable = await runCli(['identities', 'list', '--json', '--url', 'http://127.0.0.1:1', '--token', 'x']);
    assert.equal(unreachable.code, 3);
    assert.equal(JSON.parse(unreachable.stderr).error.code, 'UNREACHABLE');
    // Without --json, errors stay text.
    assert.match((await cli('identities', 'show', 'no-such-identity')).stderr, /^error NOT_FOUND: /);
  });

  test('login stores the token in a 0600 file; later commands need no MANDATE_TOKEN; logout forgets it', async () => {
    const refused = await runChild(['login', '--url', server.url], {}, 'mdt_not_a_real_token\n');
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /UNAUTHENTICATED|401/);
    assert.equal(existsSync(credentials), false);

    const login = await runChild(['login', '--url', server.url], {}, `${TOKEN}\n`);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, new RegExp(`Logged in to ${server.url} as admin`));
    assert.ok(!login.stdout.includes(TOKEN) && !login.stderr.includes(TOKEN), 'the token is never printed');
    assert.equal(statSync(credentials).mode & 0o777, 0o600);
    assert.equal(statSync(join(config, 'mandate')).mode & 0o777, 0o700);
    const stored = JSON.parse(readFileSync(credentials, 'utf8'));
    assert.deepEqual(stored.profiles.default, { url: server.url, token: TOKEN, user: 'admin' });

    // No MANDATE_URL, no MANDATE_TOKEN: the default profile gives both.
    const list = await runCli(['identities', 'list', '--limit', '1', '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout).length, 1);
    // The stored token is never sent to another server.
    const elsewhere = await runCli(['identities', 'list', '--url', 'http://127.0.0.1:1']);
    assert.equal(elsewhere.code, 2);
    assert.match(elsewhere.stderr, /no API token/);
    // A flag wins over the profile.
    const flag = await runCli(['identities', 'list', '--token', 'mdt_wrong']);
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /UNAUTHENTICATED|401/);

    // Named profiles: --profile or MANDATE_PROFILE; an unknown one is bad usage.
    const named = await runChild(['login', '--url', server.url, '--profile', 'ops'], {}, TOKEN);
    assert.equal(named.code, 0, named.stderr);
    process.env.MANDATE_PROFILE = 'ops';
    try {
      assert.equal((await runCli(['people', 'list'])).code, 0);
    } finally {
      delete process.env.MANDATE_PROFILE;
    }
    // A profile named on the command line beats a token in the environment (flags beat the
    // environment); without --profile, the environment's token is used.
    const wrongEnv = { MANDATE_TOKEN: 'mdt_wrong' };
    assert.equal((await runCli(['people', 'list', '--profile', 'ops'], wrongEnv)).code, 0);
    assert.equal((await runCli(['people', 'list'], wrongEnv)).code, 1);
    const missing = await runCli(['people', 'list', '--profile', 'nope']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no profile "nope"/);

    const logout = await runCli(['logout', '--profile', 'ops']);
    assert.equal(logout.code, 0, logout.stderr);
    assert.equal(JSON.parse(readFileSync(credentials, 'utf8')).profiles.ops, undefined);
    assert.equal((await runCli(['logout'])).code, 0);
    assert.equal(existsSync(credentials), false);
    const after = await runCli(['identities', 'list']);
    assert.equal(after.code, 2);
    assert.match(after.stderr, /no API token: run mandate login/);
  });

  test('a credentials file that group or others can read is refused', async () => {
    const login = await runChild(['login', '--url', server.url], {}, TOKEN);
    assert.equal(login.code, 0, login.stderr);
    chmodSync(credentials, 0o640);
    const res = await runCli(['identities', 'list']);
    assert.equal(res.code, 2);
    assert.match(
      res.stderr,
      /refusing to use .*credentials\.json: it is readable or writable by group or others \(mode 0640\); .*chmod 600/,
    );
    assert.ok(!res.stderr.includes(TOKEN));
    const again = await runChild(['login', '--url', server.url], {}, TOKEN);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /refusing to use/);
    // Flags and the environment do not need the file.
    assert.equal((await cli('people', 'list')).code, 0);
    chmodSync(credentials, 0o600);
    assert.equal((await runCli(['people', 'list'])).code, 0);
  });
});
