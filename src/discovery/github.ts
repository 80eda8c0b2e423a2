// GitHub organisation source, from REST API answers a firm saves to a directory with its own token
// (`gh api --paginate --slurp …` gives a list of pages; a single page is read too):
//   actions-secrets.json    GET /orgs/{org}/actions/secrets      (names and dates; values are never in it)
//   installations.json      GET /orgs/{org}/installations        (apps installed, with permissions)
//   deploy-keys/<repo>.json GET /repos/{org}/{repo}/keys         (one file per repository)
// Missing files are skipped (a firm may export only some); a present but malformed one refuses the
// whole read with the file and the path of its first bad field.
//
// Accounts: an Actions secret (`org/actions-secret/NAME`: a static credential whose rotation is its
// updated_at; what it opens is elsewhere, so no privilege), a deploy key (`org/repo/deploy-key/ID`:
// read_only observe, else execute; fingerprinted as OpenSSH does, from the public key), an app
// installation (`org/installation/ID`, named by its app slug: read permissions observe, write and
// admin execute; short-lived installation tokens; suspended means switched off).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { observedAccount, type GrantEvidence, type ObservedAccount } from '../core/discovery.js';
import {
  coversOf,
  MalformedSourceError,
  pathOption,
  sourceFailure,
  stringOption,
  type DiscoverySource,
  type SourceConfig,
  type SourceContext,
} from './source.js';
import { iso, readExport, seg, sshFingerprint } from './util.js';

class Bad extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BYTES = 256 * 1024 * 1024;

async function readJson(file: string, label: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readExport(file, MAX_BYTES);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Bad(`${label}:`, 'not JSON');
  }
}

/** The items of a saved answer: one page `{key: [...]}` (or a bare array), or a list of pages. */
function items(doc: unknown, key: string | null, label: string): { item: unknown; path: string }[] {
  const pages = Array.isArray(doc) && (key === null ? doc.every(Array.isArray) && doc.length > 0 : true) ? doc : [doc];
  const out: { item: unknown; path: string }[] = [];
  const single = pages.length === 1 && pages[0] === doc;
  pages.forEach((page, p) => {
    const base = `${label}:${single ? '' : `/${p}`}`;
    const arr = key === null ? page : (page as Record<string, unknown> | null)?.[key];
    if (!Array.isArray(arr))
      throw new Bad(`${base}${key === null ? '' : `/${key}`}`, `not ${key === null ? 'an array' : `an object with a ${key} array`}`);
    for (const [i, item] of arr.entries()) out.push({ item, path: `${base}${key === null ? '' : `/${key}`}/${i}` });
  });
  return out;
}

const obj = (v: unknown, path: string) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Bad(path, 'not an object');
  return v as Record<string, unknown>;
};
const str = (o: Record<string, unknown>, k: string, path: string) => {
  const v = o[k];
  if (typeof v !== 'string' || !v) throw new Bad(`${path}/${k}`, 'not a non-empty string');
  return v;
};
const num = (o: Record<string, unknown>, k: string, path: string) => {
  const v = o[k];
  if (!Number.isInteger(v)) throw new Bad(`${path}/${k}`, 'not an integer');
  return v as number;
};
const when = (o: Record<string, unknown>, k: string, path: string, required = false) => {
  const v = o[k];
  if (v === undefined || v === null) {
    if (required) throw new Bad(`${path}/${k}`, 'missing');
    return undefined;
  }
  const d = iso(v);
  if (!d || typeof v !== 'string') throw new Bad(`${path}/${k}`, 'not a date');
  return d;
};

/** Reads and checks the directory; every account, or a Bad naming the first bad field. */
export async function githubAccounts(config: SourceConfig, dir: string, org: string): Promise<ObservedAccount[]> {
  const env = config.environment ? { environment: config.environment } : {};
  const out: ObservedAccount[] = [];

  const secrets = await readJson(join(dir, 'actions-secrets.json'), 'actions-secrets.json');
  if (secrets !== undefined) {
    for (const { item, path } of items(secrets, 'secrets', 'actions-secrets.json')) {
      const s = obj(item, path);
      const name = str(s, 'name', path);
      const created = when(s, 'created_at', path, true)!;
      const updated = when(s, 'updated_at', path);
      out.push(
        observedAccount({
          source: config.id,
          kind: 'github',
          native_id: `${org}/actions-secret/${name}`,
          name,
          type: 'actions_secret',
          enabled: true,
          can_login: true,
          credentials: [
            { type: 'token', count: 1, lifetime: 'static', label: 'Actions secret', created, last_rotated: updated ?? created },
          ],
          ...(typeof s.visibility === 'string' ? { attributes: { visibility: s.visibility } } : {}),
          ...env,
        }),
      );
    }
  }

  const installs = await readJson(join(dir, 'installations.json'), 'installations.json');
  if (installs !== undefined) {
    for (const { item, path } of items(installs, 'installations', 'installations.json')) {
      const i = obj(item, path);
      const id = num(i, 'id', path);
      const slug = str(i, 'app_slug', path);
      const perms = obj(i.permissions ?? {}, `${path}/permissions`);
      const grants: GrantEvidence[] = [];
      for (const [k, v] of Object.entries(perms)) {
        if (v !== 'read' && v !== 'write' && v !== 'admin') throw new Bad(`${path}/permissions/${seg(k)}`, 'not read, write or admin');
        grants.push({ privilege: v === 'read' ? 'observe' : 'execute', grant: `${k}: ${v}` });
      }
      const suspended = when(i, 'suspended_at', path);
      out.push(
        observedAccount({
          source: config.id,
          kind: 'github',
          native_id: `${org}/installation/${id}`,
          name: slug,
          type: 'app_installation',
          enabled: !suspended,
          can_login: !suspended,
          credentials: [{ type: 'token', lifetime: 'short_lived', label: 'installation tokens (1 hour)' }],
          grants,
          attributes: {
            ...(when(i, 'created_at', path) ? { created: when(i, 'created_at', path)! } : {}),
            ...(typeof i.repository_selection === 'string' ? { repository_selection: i.repository_selection } : {}),
            ...(suspended ? { suspended_at: suspended } : {}),
          },
          ...env,
        }),
      );
    }
  }

  let files: string[] = [];
  try {
    files = (await readdir(join(dir, 'deploy-keys'))).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const f of files) {
    const repo = f.slice(0, -'.json'.length);
    const label = `deploy-keys/${f}`;
    const doc = await readJson(join(dir, 'deploy-keys', f), label);
    for (const { item, path } of items(doc, null, label)) {
      const k = obj(item, path);
      const id = num(k, 'id', path);
      const key = str(k, 'key', path);
      const title = typeof k.title === 'string' && k.title ? k.title : `deploy key ${id}`;
      if (typeof k.read_only !== 'boolean') throw new Bad(`${path}/read_only`, 'not a boolean');
      const fingerprint = sshFingerprint(key);
      if (!fingerprint) throw new Bad(`${path}/key`, 'not an OpenSSH public key');
      const created = when(k, 'created_at', path);
      const used = when(k, 'last_used', path);
      out.push(
        observedAccount({
          source: config.id,
          kind: 'github',
          native_id: `${org}/${repo}/deploy-key/${id}`,
          name: title,
          type: 'deploy_key',
          enabled: true,
          can_login: true,
          // The public key is not kept: its fingerprint identifies it.
          credentials: [
            {
              type: 'key',
              count: 1,
              lifetime: 'static',
              label: 'deploy key',
              fingerprint,
              ...(created ? { created } : {}),
              ...(used ? { last_used: used } : {}),
            },
          ],
          grants: [
            {
              privilege: k.read_only ? 'observe' : 'execute',
              grant: `repository ${org}/${repo}: ${k.read_only ? 'read' : 'read and write'}`,
            },
          ],
          ...(k.verified === false ? { attributes: { verified: false } } : {}),
          ...env,
        }),
      );
    }
  }
  return out;
}

export function createSource(config: SourceConfig, context: SourceContext): DiscoverySource {
  const dir = pathOption(config, context, 'dir', true);
  const org = stringOption(config, 'org', true);
  return {
    id: config.id,
    kind: 'github',
    covers: coversOf(config),
    async *observe() {
      let accounts: ObservedAccount[];
      try {
        accounts = await githubAccounts(config, dir, org);
      } catch (err) {
        if (err instanceof Bad)
          throw new MalformedSourceError(config.id, err.path, `source ${config.id}: malformed export at ${err.path}: ${err.message}`);
        throw sourceFailure(config, 'reading the export', err, []);
      }
      for (const a of accounts) yield a;
    },
  };
}
