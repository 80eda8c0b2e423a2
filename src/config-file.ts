// The server's configuration file (MANDATE_CONFIG, or `mandate serve --config`): a JSON object whose
// keys are the environment variables' names, read once at start beneath the environment (a variable
// set in the environment wins; an empty one counts as unset). A key the loader does not read is
// refused by name, so a typo never silently leaves a setting off; a file holding a secret must be
// private to its owner (like ssh's keys), so no secret sits where others can read it.
import { readFileSync, statSync } from 'node:fs';
import { MandateError } from './core/errors.js';

/**
 * Keys a flag of `mandate serve` may stand in for (the loader then does not read them). Every other
 * key is known when the loader reads it from the environment: the file takes exactly those.
 */
const FLAG_KEYS = ['MANDATE_DB', 'MANDATE_HOST', 'MANDATE_PORT'];

/** Keys whose value is a secret: a file holding one must be readable by its owner only. */
const SECRET_KEYS = ['MANDATE_OIDC_CLIENT_SECRET', 'MANDATE_BOOTSTRAP_TOKEN', 'MANDATE_KEK', 'MANDATE_NOTIFY_SECRET'];
/** Keys whose URL may carry a password (user:password@host). */
const URL_KEYS = ['MANDATE_DB', 'MANDATE_NATS_URL', 'MANDATE_RATE_LIMIT_REDIS_URL'];
/** Lists the environment gives comma-separated: the file may give them as arrays. */
const LIST_KEYS = ['MANDATE_CAEP_RECEIVERS', 'MANDATE_NOTIFY_URLS', 'MANDATE_OUTBOUND_ALLOW'];

const bad = (field: string, message: string) => new MandateError('VALIDATION_FAILED', `bad configuration: ${message}`, { field });

function unknown(path: string, key: string, known: readonly string[]): MandateError {
  const near = [...FLAG_KEYS, ...known].find((k) => k.toLowerCase() === key.toLowerCase() || k === `MANDATE_${key}`);
  return bad(key, `the configuration file ${path} has an unknown key ${JSON.stringify(key)}${near ? ` (did you mean ${near}?)` : ''}`);
}

/** A value of the file as the environment would hold it; undefined when its type is not allowed for the key. */
function asText(key: string, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // The role map may be the JSON object itself rather than a string of JSON.
  if (key === 'MANDATE_OIDC_ROLE_MAP' && typeof value === 'object' && value !== null && !Array.isArray(value)) return JSON.stringify(value);
  if (LIST_KEYS.includes(key) && Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  return undefined;
}

/**
 * Reads a configuration file into environment-shaped settings. Refused, naming the file (and the
 * key): an unreadable file, not JSON, not an object, or a secret in a file that its group or others
 * may read. A value of the wrong type is answered in `wrongType`, refused once the key is known.
 */
export function readConfigFile(path: string): { settings: Record<string, string>; wrongType: Map<string, MandateError> } {
  const field = 'MANDATE_CONFIG';
  let text: string;
  let mode: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > 1_000_000) throw new Error('larger than 1 MB');
    mode = stat.mode;
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw bad(field, `cannot read the configuration file ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw bad(field, `the configuration file ${path} is not JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw bad(field, `the configuration file ${path} must be a JSON object of settings, e.g. {"MANDATE_OIDC_ISSUER": "https://…"}`);
  const out: Record<string, string> = {};
  const wrongType = new Map<string, MandateError>();
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const setting = asText(key, value);
    if (setting === undefined) {
      const or =
        key === 'MANDATE_OIDC_ROLE_MAP'
          ? ', or an object from a group to its roles'
          : LIST_KEYS.includes(key)
            ? ', or an array of strings'
            : '';
      wrongType.set(key, bad(key, `${key} in the configuration file ${path} must be a string, number or boolean${or}`));
      continue;
    }
    out[key] = setting;
    const withPassword = URL_KEYS.includes(key) && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(setting);
    if (SECRET_KEYS.includes(key) || withPassword) secrets.push(key);
  }
  // Like ssh with a private key: a secret in a file its group or others can read is refused (not on Windows, which has no such mode bits).
  if (secrets.length && process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw bad(
      secrets[0]!,
      `the configuration file ${path} holds ${secrets.join(', ')} but its group or others may read it ` +
        `(mode ${(mode & 0o777).toString(8).padStart(4, '0')}): run chmod 600 ${path}, or give the secret in the environment instead`,
    );
  return { settings: out, wrongType };
}

/**
 * The settings the server reads: the environment over the configuration file (when MANDATE_CONFIG,
 * or the --config flag, names one). An environment variable that is empty counts as unset. Once the
 * loader has read what it reads, `checkKeys` refuses a key of the file it did not read.
 */
export function withConfigFile(env: NodeJS.ProcessEnv, file: string | undefined): { env: NodeJS.ProcessEnv; checkKeys(): void } {
  const path = file ?? env.MANDATE_CONFIG;
  if (!path) return { env, checkKeys: () => undefined };
  const { settings, wrongType } = readConfigFile(path);
  const merged: NodeJS.ProcessEnv = { ...settings };
  for (const [k, v] of Object.entries(env)) if (v !== undefined && (v !== '' || !(k in merged))) merged[k] = v;
  const read = new Set<string>();
  const recorded = new Proxy(merged, {
    get: (target, key) => {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
  });
  return {
    env: recorded,
    checkKeys() {
      const known = [...read].filter((k) => k.startsWith('MANDATE_'));
      const stray = [...Object.keys(settings), ...wrongType.keys()].find((k) => !FLAG_KEYS.includes(k) && !read.has(k));
      if (stray) throw unknown(path, stray, known);
      const [typeError] = wrongType.values();
      if (typeError) throw typeError;
    },
  };
}
