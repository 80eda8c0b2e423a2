// Drives the real `mandate` CLI in child processes: a server, and commands against it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';

const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
// As in a clean shell: no profile of the developer's own (~/.config/mandate) reaches a test. Only
// the in-process CLI gets this config home, during its call: child processes (servers, and what
// they run, such as rabbitmqctl, whose Erlang reads $XDG_CONFIG_HOME/erlang) keep the real one.
// Tests of profiles that set XDG_CONFIG_HOME themselves are honoured.
const ORIGINAL_CONFIG_HOME = process.env.XDG_CONFIG_HOME;
const ISOLATED_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'mandate-cli-config-'));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one CLI command in this process (the same code path as bin/mandate.js, without a process
 * start per command). MANDATE_URL and MANDATE_TOKEN come from `env` only, as in a clean shell.
 * `watch.err` sees stderr as it is written (say, a sign-in code to enter while the command waits).
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  watch: { err?: (s: string) => void } = {},
): Promise<CliResult> {
  const saved = { url: process.env.MANDATE_URL, token: process.env.MANDATE_TOKEN, config: process.env.XDG_CONFIG_HOME };
  delete process.env.MANDATE_URL;
  delete process.env.MANDATE_TOKEN;
  if (process.env.XDG_CONFIG_HOME === ORIGINAL_CONFIG_HOME) process.env.XDG_CONFIG_HOME = ISOLATED_CONFIG_HOME;
  if (env.MANDATE_URL) process.env.MANDATE_URL = env.MANDATE_URL;
  if (env.MANDATE_TOKEN) process.env.MANDATE_TOKEN = env.MANDATE_TOKEN;
  let stdout = '';
  let stderr = '';
  try {
    const code = await run(['node', 'mandate', ...args], {
      out: (s) => (stdout += s),
      err: (s) => {
        stderr += s;
        watch.err?.(s);
      },
    });
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of [
      ['MANDATE_URL', saved.url],
      ['MANDATE_TOKEN', saved.token],
      ['XDG_CONFIG_HOME', saved.config],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export interface ServerProcess {
  url: string;
  /** The server's process id (to send it a signal, say SIGHUP). */
  pid: number;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `mandate serve` on a free port and waits until it says where it listens. */
export function startServerProcess(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--conditions=mandate-source', '--import', 'tsx', ENTRY, 'serve', '--port', '0', ...args],
      {
        cwd: ROOT,
        // Its own key-encryption key: a test server must not create ./data/mandate.kek in the work tree.
        // With --demo, its demo identity provider on a free port (4001 may be taken by a parallel test or a developer's npm start).
        env: {
          ...process.env,
          MANDATE_LOG_LEVEL: 'warn',
          MANDATE_KEK: randomBytes(32).toString('base64'),
          MANDATE_DEMO_OIDC_PORT: '0',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https?:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          pid: child.pid!,
          output: () => out,
          stop: () =>
            new Promise((done) => {
              child.once('close', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}
