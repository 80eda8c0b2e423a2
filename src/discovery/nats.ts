// NATS source: the users a NATS server accepts, from its configuration file (the only place a
// server without the JWT resolver lists them), and the connections open as each from the monitoring
// endpoint (/connz?auth=true, /accountz) when one is configured.
//
// The configuration file is parsed here (the NATS format: `key: value`, `key = value` or
// `key value`, maps in braces, arrays in brackets, `#` and `//` comments, `include`, `$VARIABLE`
// references): `authorization { user/password | token | users = [...] }` and `accounts { NAME {
// users = [...] } }`. Passwords and tokens in it are never kept: a bcrypt hash is noted as such; a
// clear password is at most fingerprinted under the firm's key (SourceContext.fingerprintKey). An
// nkey user's public key is its fingerprint.
//
// With only the monitoring endpoint, users are those seen connected: the read cannot show that an
// account is absent, so it is not exhaustive and never makes an identity missing.
//
// Normalised: permission to publish beyond reply subjects (_INBOX.>) is execute (no `publish`
// rule means everything is allowed); subscribe-only is observe.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  isInteractiveClient,
  observedAccount,
  type CredentialFact,
  type GrantEvidence,
  type ObservedAccount,
  type SessionEvidence,
} from '../core/discovery.js';
import {
  coversOf,
  MalformedSourceError,
  pathOption,
  secretsOf,
  sourceFailure,
  stringOption,
  type DiscoverySource,
  type SourceConfig,
  type SourceContext,
} from './source.js';
import { iso, secretFingerprint } from './util.js';

// ---- The configuration format ---------------------------------------------------------------

type Value = string | number | boolean | Value[] | { [k: string]: Value };

/** Parses NATS server configuration text. `include` files are read through `load` (relative to `file`). */
export async function parseNatsConfig(
  text: string,
  file: string,
  load: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
  env: Record<string, string | undefined> = {},
): Promise<Record<string, Value>> {
  let i = 0;
  const vars: Record<string, Value> = {};
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`${file}:${line}: ${what}`);
  };
  const skip = (newlines = true) => {
    for (;;) {
      const c = text[i];
      if (c === undefined) return;
      if (c === '#' || (c === '/' && text[i + 1] === '/')) {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) i++;
      else return;
    }
  };
  const quoted = (): string => {
    const q = text[i++]!;
    let out = '';
    while (i < text.length && text[i] !== q) {
      if (text[i] === '\\' && q === '"') {
        i++;
        const e = text[i++];
        out += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
      } else out += text[i++];
    }
    if (text[i] !== q) fail('unterminated string');
    i++;
    return out;
  };
  const bare = (stops: string): string => {
    const start = i;
    while (i < text.length && !stops.includes(text[i]!) && !(text[i] === '/' && text[i + 1] === '/')) i++;
    return text.slice(start, i).trim();
  };
  const scalar = (raw: string): Value => {
    if (raw.startsWith('$')) {
      const name = raw.slice(1);
      if (Object.hasOwn(vars, name)) return vars[name]!;
      if (env[name] !== undefined) return env[name]!;
      fail(`undefined variable ${raw}`);
    }
    if (/^(true|yes|on)$/i.test(raw)) return true;
    if (/^(false|no|off)$/i.test(raw)) return false;
    if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
    return raw;
  };
  const value = async (inArray: boolean): Promise<Value> => {
    skip(false);
    const c = text[i];
    if (c === '{') {
      i++;
      const m = await map('}');
      return m;
    }
    if (c === '[') {
      i++;
      const arr: Value[] = [];
      for (;;) {
        skip();
        while (text[i] === ',') {
          i++;
          skip();
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        if (i >= text.length) fail('unterminated array');
        arr.push(await value(true));
      }
    }
    if (c === '"' || c === "'") return quoted();
    const raw = bare(inArray ? ',]\n#' : ',;}\n#');
    if (!raw) fail('a value is missing');
    return scalar(raw);
  };
  const map = async (close: string | null): Promise<Record<string, Value>> => {
    const out: Record<string, Value> = {};
    for (;;) {
      skip();
      while (text[i] === ',' || text[i] === ';') {
        i++;
        skip();
      }
      if (i >= text.length) {
        if (close) fail(`expected ${close}`);
        return out;
      }
      if (close && text[i] === close) {
        i++;
        return out;
      }
      const key = text[i] === '"' || text[i] === "'" ? quoted() : bare(' \t\r\n:={[');
      if (!key) fail('a key is missing');
      skip(false);
      if (text[i] === ':' || text[i] === '=') i++;
      if (key === 'include') {
        skip(false);
        const p = text[i] === '"' || text[i] === "'" ? quoted() : bare(',;}\n#');
        const path = isAbsolute(p) ? p : resolve(dirname(file), p);
        Object.assign(out, await parseNatsConfig(await load(path), path, load, env));
        continue;
      }
      const v = await value(false);
      out[key] = v;
      vars[key] = v;
    }
  };
  return map(null);
}

// ---- Users and permissions ------------------------------------------------------------------

interface NatsUser {
  account: string | null;
  user: string;
  credential: CredentialFact;
  grants: GrantEvidence[];
}

const asList = (v: Value | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(String) : typeof v === 'object' ? [] : [String(v)];
const isMap = (v: Value | undefined): v is { [k: string]: Value } => !!v && typeof v === 'object' && !Array.isArray(v);
const REPLY_ONLY = /^_INBOX\.[>*]?/;

/** What a user's `permissions` let it do, as evidence: publish (beyond replies) is execute. */
function permissionGrants(p: Value | undefined): GrantEvidence[] {
  if (!isMap(p)) return [{ privilege: 'execute', grant: 'no permissions block: publish and subscribe on every subject' }];
  const side = (v: Value | undefined): { allow: string[] | null; deny: string[] } => {
    if (v === undefined) return { allow: null, deny: [] };
    if (isMap(v)) return { allow: v.allow === undefined ? null : asList(v.allow), deny: asList(v.deny) };
    return { allow: asList(v), deny: [] };
  };
  const pub = side(p.publish);
  const sub = side(p.subscribe);
  const out: GrantEvidence[] = [];
  const fmt = (s: { allow: string[] | null; deny: string[] }) =>
    `${s.allow === null ? 'all' : JSON.stringify(s.allow)}${s.deny.length ? ` except ${JSON.stringify(s.deny)}` : ''}`;
  const pubActs = pub.allow === null ? !pub.deny.includes('>') : pub.allow.some((s) => !REPLY_ONLY.test(s));
  if (pubActs) out.push({ privilege: 'execute', grant: `publish ${fmt(pub)}` });
  else if (pub.allow?.length) out.push({ privilege: 'observe', grant: `publish ${fmt(pub)} (replies only)` });
  const subReads = sub.allow === null ? !sub.deny.includes('>') : sub.allow.length > 0;
  if (subReads) out.push({ privilege: 'observe', grant: `subscribe ${fmt(sub)}` });
  if (p.allow_responses) out.push({ privilege: 'observe', grant: 'allow_responses' });
  return out;
}

function usersOf(block: Value | undefined, account: string | null, key: Buffer | undefined, out: NatsUser[]): void {
  if (!isMap(block)) return;
  const one = (u: { [k: string]: Value }) => {
    const nkey = typeof u.nkey === 'string' ? u.nkey : undefined;
    const name = typeof u.user === 'string' ? u.user : nkey;
    if (!name) return;
    let credential: CredentialFact;
    if (nkey) credential = { type: 'key', count: 1, lifetime: 'static', label: 'nkey', fingerprint: `key-id:${nkey}` };
    else if (typeof u.password === 'string') {
      const bcrypt = /^\$2[aby]?\$/.test(u.password);
      const fp = bcrypt ? undefined : secretFingerprint(u.password, key);
      credential = {
        type: 'password',
        count: 1,
        lifetime: 'static',
        label: bcrypt ? 'bcrypt' : 'clear text in the configuration',
        ...(fp ? { fingerprint: fp } : {}),
      };
    } else credential = { type: 'none', count: 0 };
    out.push({ account, user: name, credential, grants: permissionGrants(u.permissions) });
  };
  if (typeof block.user === 'string') one(block);
  if (typeof block.token === 'string' && account === null) {
    const fp = secretFingerprint(block.token, key);
    out.push({
      account: null,
      user: 'token',
      credential: { type: 'token', count: 1, lifetime: 'static', label: 'authorization token', ...(fp ? { fingerprint: fp } : {}) },
      grants: permissionGrants(block.permissions),
    });
  }
  if (Array.isArray(block.users)) for (const u of block.users) if (isMap(u)) one(u);
}

/** The users a parsed configuration declares, globally (authorization) and per account. */
export function natsUsers(conf: Record<string, Value>, key?: Buffer): NatsUser[] {
  const out: NatsUser[] = [];
  usersOf(conf.authorization, null, key, out);
  if (isMap(conf.accounts)) for (const [name, acc] of Object.entries(conf.accounts)) usersOf(acc, name, key, out);
  return out;
}

// ---- The source -----------------------------------------------------------------------------

interface Conn {
  authorized_user?: string;
  account?: string;
  name?: string;
  lang?: string;
  version?: string;
  ip?: string;
  port?: number;
  start?: string;
}

export function createSource(config: SourceConfig, context: SourceContext): DiscoverySource {
  const secrets = secretsOf(config.options);
  const file = pathOption(config, context, 'config_file');
  const monitor = stringOption(config, 'monitoring_url');
  if (!file && !monitor)
    throw new MalformedSourceError(config.id, '/options', `source ${config.id}: give options.config_file, options.monitoring_url, or both`);
  const timeoutMs = Number(config.options?.timeout_ms ?? 10_000);

  async function get(path: string): Promise<unknown> {
    const res = await fetch(`${monitor!.replace(/\/+$/, '')}${path}`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    if (res.status !== 200) throw new Error(`monitoring GET ${path.replace(/\?.*$/, '')}: HTTP ${res.status}`);
    return res.json();
  }

  async function connections(): Promise<Conn[]> {
    const out: Conn[] = [];
    for (let offset = 0; ; offset += 1024) {
      const page = (await get(`/connz?auth=true&limit=1024&offset=${offset}`)) as { connections?: Conn[]; total?: number };
      out.push(...(page.connections ?? []));
      if (!page.connections?.length || out.length >= (page.total ?? 0)) return out;
    }
  }

  async function read(): Promise<ObservedAccount[]> {
    let step = 'reading the configuration';
    try {
      const users = file ? natsUsers(await parseNatsConfig(await readFile(file, 'utf8'), file), context.fingerprintKey) : [];
      let conns: Conn[] = [];
      let accounts: string[] = [];
      if (monitor) {
        step = 'reading connections';
        conns = await connections();
        accounts = (((await get('/accountz')) as { accounts?: string[] }).accounts ?? []).map(String);
      }
      const idOf = (account: string | null | undefined, user: string) => (account && account !== '$G' ? `${account}/${user}` : user);
      const sessions = new Map<string, SessionEvidence[]>();
      for (const c of conns) {
        if (!c.authorized_user) continue;
        const id = idOf(c.account, c.authorized_user);
        const app = c.name || (c.lang ? `${c.lang}${c.version ? ` ${c.version}` : ''}` : undefined);
        sessions.set(id, [
          ...(sessions.get(id) ?? []),
          {
            user: c.authorized_user,
            ...(app ? { application: app } : {}),
            ...(c.ip ? { client_address: `${c.ip}${c.port ? `:${c.port}` : ''}` } : {}),
            ...(iso(c.start) ? { started: iso(c.start)! } : {}),
            interactive: isInteractiveClient(c.name),
          },
        ]);
      }
      const known = new Map(users.map((u) => [idOf(u.account, u.user), u]));
      // Without the file, the users are those connected now.
      if (!file)
        for (const [id, s] of sessions)
          if (!known.has(id))
            known.set(id, {
              account: id.includes('/') ? id.split('/')[0]! : null,
              user: s[0]!.user,
              credential: { type: 'password', lifetime: 'static' },
              grants: [],
            });
      return [...known].map(([id, u]) =>
        observedAccount({
          source: config.id,
          kind: 'nats',
          native_id: id,
          name: u.user,
          type: u.credential.type === 'key' ? 'nkey_user' : 'user',
          enabled: true,
          can_login: u.credential.type !== 'none' || !!u.grants.length,
          credentials: [u.credential],
          grants: u.grants,
          sessions: sessions.get(id) ?? [],
          ...(config.environment ? { environment: config.environment } : {}),
          ...(u.account || accounts.length
            ? {
                attributes: {
                  ...(u.account ? { account: u.account } : {}),
                  ...(accounts.length ? { server_accounts: accounts.length } : {}),
                },
              }
            : {}),
        }),
      );
    } catch (err) {
      throw sourceFailure(config, step, err, secrets);
    }
  }

  return {
    id: config.id,
    kind: 'nats',
    covers: coversOf(config),
    // Only the configuration file lists every user.
    exhaustive: !!file,
    async *observe() {
      for (const a of await read()) yield a;
    },
  };
}
