// The server's configuration file (MANDATE_CONFIG, or `mandate serve --config`): a JSON object whose
// keys are the environment variables' names, read once at start beneath the environment (a variable
// set in the environment wins; an empty one counts as unset). A key Mandate does not read is refused
// by name, so a typo never silently leaves a setting off; a file holding a secret must be private to
// its owner (like ssh's keys), so no secret sits where others can read it.
import { readFileSync, statSync } from 'node:fs';
import { MandateError } from './core/errors.js';

/** Every key loadServerConfig reads (src/config.ts); a test checks the two agree. */
export const CONFIG_FILE_KEYS = [
  'MANDATE_DB',
  'MANDATE_HOST',
  'MANDATE_PORT',
  'MANDATE_LOG_LEVEL',
  'MANDATE_SCHEDULER_INTERVAL_MS',
  'MANDATE_KEK',
  'MANDATE_KEK_FILE',
  'MANDATE_LEDGER_ORIGIN',
  'MANDATE_CHECKPOINT_INTERVAL_MS',
  'MANDATE_CHECKPOINT_DIR',
  'MANDATE_CAEP_RECEIVERS',
  'MANDATE_PUBLIC_URL',
  'MANDATE_BOOTSTRAP_TOKEN',
  'MANDATE_NATS_URL',
  'MANDATE_TOKEN_TTL_S',
  'MANDATE_TOKEN_TTL_EXECUTE_CUSTODY_S',
  'MANDATE_TOKEN_TTL_LEGACY_S',
  'MANDATE_TOKEN_TTL_BY_FUNCTION',
  'MANDATE_SIGNING_KEY_ROTATE_HOURS',
  'MANDATE_CHECKS_INTERVAL_MS',
  'MANDATE_NOTIFY_URLS',
  'MANDATE_NOTIFY_SECRET',
  'MANDATE_APPROVAL_RULES_FILE',
  'MANDATE_METRICS_LISTEN',
  'MANDATE_DISCOVERY_SOURCES_FILE',
  'MANDATE_OUTBOUND_ALLOW',
  'MANDATE_RATE_LIMIT_ANONYMOUS',
  'MANDATE_RATE_LIMIT_TOKEN',
  'MANDATE_RATE_LIMIT_REDIS_URL',
  'MANDATE_OIDC_ISSUER',
  'MANDATE_OIDC_CLIENT_ID',
  'MANDATE_OIDC_CLIENT_SECRET',
  'MANDATE_OIDC_CLIENT_KEY_FILE',
  'MANDATE_OIDC_SCOPES',
  'MANDATE_OIDC_GROUPS_CLAIM',
  'MANDATE_OIDC_DEVICE_CLAIM',
  'MANDATE_OIDC_ROLE_MAP',
  'MANDATE_SESSION_IDLE_MINUTES',
  'MANDATE_SESSION_MAX_HOURS',
  'MANDATE_STEPUP_MAX_AGE_MINUTES',
  'MANDATE_STEPUP_ACR',
  'MANDATE_BOOTSTRAP_TTL_HOURS',
  'MANDATE_API_TOKEN_MAX_DAYS',
  'MANDATE_API_TOKEN_ALLOW_NO_EXPIRY',
  'MANDATE_DEMO_OIDC_PORT',
] as const;

/** Keys whose value is a secret: a file holding one must be readable by its owner only. */
const SECRET_KEYS = ['MANDATE_OIDC_CLIENT_SECRET', 'MANDATE_BOOTSTRAP_TOKEN', 'MANDATE_KEK', 'MANDATE_NOTIFY_SECRET'];
/** Keys whose URL may carry a password (user:password@host). */
const URL_KEYS = ['MANDATE_DB', 'MANDATE_NATS_URL', 'MANDATE_RATE_LIMIT_REDIS_URL'];
/** Lists the environment gives comma-separated: the file may give them as arrays. */
const LIST_KEYS = ['MANDATE_CAEP_RECEIVERS', 'MANDATE_NOTIFY_URLS', 'MANDATE_OUTBOUND_ALLOW'];

const bad = (field: string, message: string) => new MandateError('VALIDATION_FAILED', `bad configuration: ${message}`, { field });

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
 * Reads a configuration file into environment-shaped settings. Refused, naming the file and the
 * key: an unreadable file, not JSON, not an object, a key Mandate does not read, a value of the
 * wrong type, or a secret in a file that its group or others may read.
 */
export function readConfigFile(path: string): Record<string, string> {
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
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (!(CONFIG_FILE_KEYS as readonly string[]).includes(key)) {
      const near = CONFIG_FILE_KEYS.find((k) => k.toLowerCase() === key.toLowerCase() || k === `MANDATE_${key}`);
      throw bad(key, `the configuration file ${path} has an unknown key ${JSON.stringify(key)}${near ? ` (did you mean ${near}?)` : ''}`);
    }
    const setting = asText(key, value);
    if (setting === undefined) {
      const or =
        key === 'MANDATE_OIDC_ROLE_MAP'
          ? ', or an object from a group to its roles'
          : LIST_KEYS.includes(key)
            ? ', or an array of strings'
            : '';
      throw bad(key, `${key} in the configuration file ${path} must be a string, number or boolean${or}`);
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
  return out;
}

/**
 * The settings the server reads: the environment over the configuration file (when MANDATE_CONFIG,
 * or the --config flag, names one). An environment variable that is empty counts as unset.
 */
export function withConfigFile(env: NodeJS.ProcessEnv, file: string | undefined): NodeJS.ProcessEnv {
  const path = file ?? env.MANDATE_CONFIG;
  if (!path) return env;
  const merged: NodeJS.ProcessEnv = { ...readConfigFile(path) };
  for (const [k, v] of Object.entries(env)) if (v !== undefined && (v !== '' || !(k in merged))) merged[k] = v;
  return merged;
}
