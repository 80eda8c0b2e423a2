// Profiles: `mandate login` keeps a server URL and an API token per profile in a file only its
// owner can read ($XDG_CONFIG_HOME/mandate/credentials.json, else ~/.config/mandate/…), so the
// token need not sit in the environment, the shell history or argv.
// Precedence: --url/--token > MANDATE_URL/MANDATE_TOKEN > the profile (--profile, MANDATE_PROFILE,
// else "default") > the built-in URL; but a --profile flag beats MANDATE_URL/MANDATE_TOKEN
// (main.ts globalsOf). A profile may also pin the ledger's verifier key.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './client.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const DEFAULT_PROFILE = 'default';
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface Profile {
  url: string;
  token: string;
  /** Who the token belongs to (GET /v1/me at login), for people reading the file. */
  user?: string;
  /**
   * The ledger's verifier key, pinned (mandate ledger key --pin, or the first verification with
   * --trust-on-first-use): mandate ledger verify checks packs and exports against it when no --key.
   */
  ledger_key?: string;
}
interface CredentialsFile {
  version: 1;
  profiles: Record<string, Profile>;
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'mandate', 'credentials.json');
}

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name))
    throw new CliError(`--profile must be letters, digits, dot, dash or underscore (at most 64), not "${name}"`, 2, {
      code: 'BAD_FLAG',
      field: '--profile',
    });
  return name;
}

/** The stored profiles, or none when there is no file. Refuses a file others may read. */
export function readCredentials(path = credentialsPath()): CredentialsFile {
  if (!existsSync(path)) return { version: 1, profiles: {} };
  const st = statSync(path);
  if (process.platform !== 'win32') {
    if ((st.mode & 0o077) !== 0) {
      throw new CliError(
        `refusing to use ${path}: it is readable or writable by group or others (mode ` +
          `${(st.mode & 0o777).toString(8).padStart(4, '0')}); ` +
          `it holds API tokens: run chmod 600 ${path} (and rotate the tokens if others may have read them)`,
        2,
        { code: 'CREDENTIALS_FILE_MODE' },
      );
    }
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
      throw new CliError(`refusing to use ${path}: it belongs to another user (uid ${st.uid})`, 2, { code: 'CREDENTIALS_FILE_OWNER' });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`, 2, { code: 'CREDENTIALS_FILE' });
  }
  const profiles = (parsed as Partial<CredentialsFile> | null)?.profiles;
  if (!profiles || typeof profiles !== 'object')
    throw new CliError(`cannot read ${path}: no "profiles" object`, 2, { code: 'CREDENTIALS_FILE' });
  return { version: 1, profiles };
}

/** Writes the file with mode 0600 (its directory 0700), replacing it whole. */
export function writeCredentials(file: CredentialsFile, path = credentialsPath()): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  if (process.platform !== 'win32') chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function saveProfile(name: string, profile: Profile, path = credentialsPath()): void {
  const file = readCredentials(path);
  // Signing in again to the same server keeps the ledger key pinned for it.
  const prev = file.profiles[name];
  const kept = prev?.ledger_key && !profile.ledger_key && sameOrigin(prev.url, profile.url) ? { ledger_key: prev.ledger_key } : {};
  file.profiles[name] = { ...profile, ...kept };
  writeCredentials(file, path);
}

/** The profile a command uses: --profile (or MANDATE_PROFILE, which commander reads into it), else the default. */
export function profileName(given: string | undefined): string {
  return checkProfileName(given ?? DEFAULT_PROFILE);
}

/** The stored profile of that name, if any (a missing file is no profile). */
export function storedProfile(name: string, path = credentialsPath()): Profile | undefined {
  return readCredentials(path).profiles[name];
}

/** Pins the ledger's verifier key in a stored profile. */
export function pinLedgerKey(name: string, key: string, path = credentialsPath()): void {
  const file = readCredentials(path);
  const profile = file.profiles[name];
  if (!profile)
    throw new CliError(`no profile "${name}" to pin the key in: run mandate login first`, 2, { code: 'NO_PROFILE', field: '--profile' });
  file.profiles[name] = { ...profile, ledger_key: key };
  writeCredentials(file, path);
}

/** Removes a profile; the file goes when it holds none. Answers whether there was one. */
export function removeProfile(name: string, path = credentialsPath()): boolean {
  const file = readCredentials(path);
  if (!file.profiles[name]) return false;
  delete file.profiles[name];
  if (Object.keys(file.profiles).length) writeCredentials(file, path);
  else unlinkSync(path);
  return true;
}

export interface Connection {
  url: string;
  token?: string;
  /** The profile the URL or token came from, if any. */
  profile?: string;
}

/**
 * The server and token a command uses. `url` and `token` are what flags or the environment gave
 * (commander reads MANDATE_URL/MANDATE_TOKEN). A stored token is sent only to its own server.
 */
export function resolveConnection(
  given: { url?: string; token?: string; profile?: string },
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const named = given.profile ?? env.MANDATE_PROFILE;
  if (given.url && given.token) return { url: given.url, token: given.token };
  const name = checkProfileName(named ?? DEFAULT_PROFILE);
  const stored = readCredentials().profiles[name];
  if (!stored) {
    if (named)
      throw new CliError(`no profile "${name}" in ${credentialsPath()}: run mandate login --profile ${name}`, 2, {
        code: 'NO_PROFILE',
        field: '--profile',
      });
    return { url: given.url ?? DEFAULT_URL, ...(given.token ? { token: given.token } : {}) };
  }
  const url = given.url ?? stored.url;
  const sameServer = sameOrigin(url, stored.url);
  const token = given.token ?? (sameServer ? stored.token : undefined);
  return { url, ...(token ? { token } : {}), profile: name };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return a === b;
  }
}

/** The token for login: stdin when it is not a terminal, else a prompt that does not echo. */
export async function readToken(): Promise<string> {
  const stdin = process.stdin;
  let text: string;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    text = await promptHidden('API token (input hidden): ');
  }
  const token = text.trim();
  if (!token) throw new CliError('no token given: type it at the prompt or pipe it on stdin', 2, { code: 'NO_TOKEN' });
  if (/\s/.test(token)) throw new CliError('the token must be one line without spaces', 2, { code: 'BAD_TOKEN' });
  return token;
}

function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (data: string) => {
      for (const c of data) {
        if (c === '\r' || c === '\n' || c === '\u0004') {
          finish();
          return resolve(typed);
        }
        if (c === '\u0003') {
          finish();
          return reject(new CliError('login cancelled', 1, { code: 'CANCELLED' }));
        }
        if (c === '\u007f' || c === '\b') typed = typed.slice(0, -1);
        else typed += c;
      }
    };
    stdin.on('data', onData);
  });
}
