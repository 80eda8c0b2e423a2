// `mandate serve` in a child process: its start-up message names the connectors and discovery
// sources that are on, and its log never reaches stdout, where that message (and the one-time
// admin token) is. By default the log is warnings and errors on stderr: no line per request;
// MANDATE_LOG_LEVEL=info brings the request lines back, on stderr; MANDATE_LOG_FILE sends the log
// to a file (its folder created), at level info, with warnings and errors on stderr as well.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('../support/cli-entry.ts', import.meta.url));
const TOKEN = 'mdt_test_bootstrap_token_serve_start_0123456789';
const tmp = mkdtempSync(join(tmpdir(), 'mandate-serve-start-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
// One key-encryption key across the starts, so that each opens the first one's store.
const KEK = randomBytes(32).toString('base64');

mkdirSync(join(tmp, 'sources'));
cpSync(new URL('../discovery/fixtures/module/vault-source.mjs', import.meta.url), join(tmp, 'sources', 'vault.mjs'));
const sourcesFile = join(tmp, 'sources.yaml');
writeFileSync(
  sourcesFile,
  `sources:
  - id: vault-a
    kind: module
    path: ./sources/vault.mjs
    every: 1h
    options: { url: https://vault.internal:8200 }
  - id: vault-b
    kind: module
    path: ./sources/vault.mjs
    options: { url: https://vault.internal:8201 }
`,
);

/** The environment of a clean shell: none of the caller's MANDATE_* settings. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MANDATE_')) env[k] = v;
  return {
    ...env,
    MANDATE_KEK: KEK,
    MANDATE_BOOTSTRAP_TOKEN: TOKEN,
    MANDATE_DISCOVERY_SOURCES_FILE: sourcesFile,
    // A connector beside the built-in ones: webhook deliveries signed with this secret.
    MANDATE_CONNECTOR_WEBHOOK_SECRET: 'a-webhook-secret-of-the-test-0123456789',
    ...extra,
  };
}
/** Starts the server, makes a few requests, stops it; answers its stdout and stderr apart. */
async function serveAndRequest(extra: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=mandate-source', '--import', 'tsx', ENTRY, 'serve', '--port', '0', '--db', `sqlite:${join(tmp, 'm.db')}`],
    { cwd: ROOT, env: cleanEnv(extra), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start-up message:\n${stdout}\n${stderr}`)), 90_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // The message is written at once; its "Log:" line comes after the listening line.
        const m = /listening on (http:\/\/\S+)[\s\S]*^Log: /m.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${stdout}\n${stderr}`));
      });
    });
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/v1/identities?limit=1`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
    assert.equal((await fetch(`${url}/v1/no-such-route`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
  } finally {
    child.kill('SIGTERM');
    await closed;
  }
  return { stdout, stderr };
}

const jsonLines = (text: string) => text.split('\n').filter((l) => l.startsWith('{'));

describe('mandate serve: what is on, and where the log goes', () => {
  test('the start-up message lists the connectors and discovery sources; no request is logged by default', async () => {
    const { stdout, stderr } = await serveAndRequest({});
    const connectors = /^Connectors: (.*)$/m.exec(stdout)?.[1];
    assert.ok(connectors, stdout);
    const names = connectors.split(', ');
    assert.ok(names.includes('webhook') && names.includes('manual'), connectors);
    for (const off of ['postgres', 'redis', 'rabbitmq']) assert.ok(!names.includes(off), `${off} is not configured: ${connectors}`);
    assert.match(stdout, /^Discovery sources: vault-a \(module, every 3600 s\), vault-b \(module, on demand\)$/m);
    assert.match(
      stdout,
      new RegExp(`^ {2}from ${sourcesFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 2 added, 0 updated, 0 unchanged$`, 'm'),
    );
    assert.match(stdout, /^Log: stderr, level warn /m);
    // The message comes before the first request, and nothing else is on stdout.
    assert.deepEqual(jsonLines(stdout), []);
    assert.doesNotMatch(stdout + stderr, /request completed|incoming request|no-such-route/);
  });

  test('MANDATE_LOG_LEVEL=info: a line per request, on stderr, never stdout', async () => {
    const { stdout, stderr } = await serveAndRequest({ MANDATE_LOG_LEVEL: 'info' });
    assert.deepEqual(jsonLines(stdout), []);
    const requests = jsonLines(stderr).filter((l) => l.includes('"request completed"'));
    assert.ok(requests.length >= 3, stderr);
    assert.ok(
      jsonLines(stderr).some((l) => l.includes('/v1/no-such-route')),
      stderr,
    );
    assert.ok(!stderr.includes(TOKEN), 'the bearer token is never logged');
    // The second start: the sources file changed nothing.
    assert.match(stdout, /: 0 added, 0 updated, 2 unchanged$/m);
  });

  test('MANDATE_LOG_FILE: warnings and errors go to stderr as well as the file; info to the file only', async () => {
    const file = join(tmp, 'direct', 'mandate.log');
    // The server's own destination, in a process of its own whose stdout and stderr are read apart.
    const code = [
      "import pino from 'pino';",
      "import { logDestination } from './src/server/start.ts';",
      'const d = logDestination({ logFile: process.env.LOG_FILE });',
      "const log = pino({ level: 'info' }, d.stream);",
      "log.info('an info line'); log.warn('a warning line'); log.error('an error line');",
      'd.close();',
    ].join('\n');
    const child = spawn(process.execPath, ['--conditions=mandate-source', '--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: ROOT,
      env: { ...process.env, LOG_FILE: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    assert.equal(await new Promise((resolve) => child.once('close', resolve)), 0, stderr);
    const msgs = (text: string) => jsonLines(text).map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.deepEqual(msgs(readFileSync(file, 'utf8')), ['an info line', 'a warning line', 'an error line']);
    assert.deepEqual(msgs(stderr), ['a warning line', 'an error line']);
    assert.equal(stdout, '');
  });

  test('MANDATE_LOG_FILE: the log, requests included, goes to the file; stdout and stderr carry no request', async () => {
    const file = join(tmp, 'logs', 'mandate.log');
    assert.ok(!existsSync(join(tmp, 'logs')));
    const { stdout, stderr } = await serveAndRequest({ MANDATE_LOG_FILE: file });
    assert.match(
      stdout,
      new RegExp(`^Log: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(level info\\); warnings and errors also to stderr$`, 'm'),
    );
    const logged = readFileSync(file, 'utf8');
    assert.ok(jsonLines(logged).filter((l) => l.includes('"request completed"')).length >= 3, logged);
    assert.ok(logged.includes('/v1/no-such-route'));
    assert.ok(!logged.includes(TOKEN));
    assert.deepEqual(jsonLines(stdout), []);
    assert.doesNotMatch(stderr, /request completed|no-such-route/);
  });
});
