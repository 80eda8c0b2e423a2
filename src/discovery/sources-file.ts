// The server's discovery sources file (MANDATE_DISCOVERY_SOURCES_FILE): the way a firm points
// Mandate at its own source module, and keeps its sources in configuration management rather
// than in API calls. YAML or JSON:
//
//   sources:
//     - id: vault-prod
//       kind: module                      # a firm's own source: ./sources/vault.js exports createSource
//       path: ./sources/vault.js          # relative to this file
//       covers: [vault]
//       every: 1h
//       options: { url: https://vault.internal:8200, token: { env: VAULT_SCANNER_TOKEN } }
//     - id: pg-prod
//       kind: postgres
//       options: { url: { env: PG_SCANNER_URL } }
//
// A secret stays out of the file: an option written `{ env: NAME }` takes the value of that
// environment variable when the server starts (a missing one refuses the start). The values are
// sealed like any source's secrets once loaded.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { MandateError } from '../core/errors.js';
import type { NewSource } from './service.js';

const bad = (field: string, message: string) => new MandateError('VALIDATION_FAILED', `discovery sources file: ${message}`, { field });

/** Replaces `{ env: NAME }` values (at any depth) with the variable's value. */
function fromEnv(value: unknown, path: string, env: NodeJS.ProcessEnv): unknown {
  if (Array.isArray(value)) return value.map((v, i) => fromEnv(v, `${path}/${i}`, env));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'env') {
      const name = (value as { env: unknown }).env;
      if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw bad(path, `${path}: env takes a variable name`);
      const v = env[name];
      if (v === undefined || v === '') throw bad(path, `${path}: environment variable ${name} is not set`);
      return v;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromEnv(v, `${path}/${k}`, env)]));
  }
  return value;
}

/** The file's sources, with environment values filled in, and the directory module paths are relative to. */
export async function readSourcesFile(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ sources: NewSource[]; baseDir: string }> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw bad('', `${file} cannot be read: ${(err as Error).message}`);
  }
  const list = (doc as { sources?: unknown } | null)?.sources;
  if (!doc || typeof doc !== 'object' || Object.keys(doc).some((k) => k !== 'sources') || !Array.isArray(list))
    throw bad('/sources', `${file} must hold only a list "sources"`);
  const allowed = new Set(['id', 'kind', 'options', 'path', 'covers', 'environment', 'every']);
  const sources = list.map((s, i) => {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw bad(`/sources/${i}`, `sources[${i}] must be a mapping`);
    const unknown = Object.keys(s).find((k) => !allowed.has(k));
    if (unknown) throw bad(`/sources/${i}/${unknown}`, `sources[${i}]: unknown field ${unknown} (allowed: ${[...allowed].join(', ')})`);
    const src = s as Record<string, unknown>;
    if (src.options !== undefined && (typeof src.options !== 'object' || src.options === null || Array.isArray(src.options)))
      throw bad(`/sources/${i}/options`, `sources[${i}].options must be a mapping`);
    if (src.every !== undefined && typeof src.every === 'number') src.every = String(src.every);
    return { ...src, ...(src.options ? { options: fromEnv(src.options, `/sources/${i}/options`, env) } : {}) } as unknown as NewSource;
  });
  return { sources, baseDir: dirname(resolve(file)) };
}
