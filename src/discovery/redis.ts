// Redis source: the ACL users (an identity is an ACL user, as for src/delivery/connectors/redis.ts) and the
// connections open as each.
//
// `ACL LIST` gives every user's rules in one reply; the password hashes in it (`#<sha256>`) are
// counted and dropped as the reply is parsed, never kept or logged (an unsalted SHA-256 of a password
// is crackable, so it is not a fingerprint). `nopass` means any password is accepted. `CLIENT LIST`
// gives the connections: user, address, age, name and (Redis ≥ 7.2) lib-name.
//
// Normalised: a user whose command rules allow only @read / @connection categories or known read
// commands is observe; any other allowed command (@all, @write, @admin, @dangerous, SET…) execute,
// unless @write, @admin and @dangerous are all taken away again. Key and channel patterns are kept
// in the evidence. Redis before 7.2 does not say which client library a connection uses, so
// redis-cli shows as interactive only if it was given a name (CLIENT SETNAME).
import { createClient } from 'redis';
import {
  isInteractiveClient,
  observedAccount,
  type CredentialFact,
  type ObservedAccount,
  type ObservedPrivilege,
  type SessionEvidence,
} from '../core/discovery.js';
import { coversOf, secretsOf, sourceFailure, stringOption, type DiscoverySource, type SourceConfig, type SourceContext } from './source.js';

const READ_CATEGORIES = new Set(['read', 'connection']);
const READ_COMMANDS = new Set([
  'get',
  'mget',
  'exists',
  'type',
  'ttl',
  'pttl',
  'strlen',
  'getrange',
  'keys',
  'scan',
  'dbsize',
  'ping',
  'echo',
  'info',
  'time',
  'hget',
  'hmget',
  'hgetall',
  'hkeys',
  'hvals',
  'hlen',
  'hexists',
  'hscan',
  'lrange',
  'lindex',
  'llen',
  'smembers',
  'sismember',
  'scard',
  'sscan',
  'zrange',
  'zrangebyscore',
  'zrevrange',
  'zscore',
  'zcard',
  'zcount',
  'zrank',
  'zscan',
  'xrange',
  'xrevrange',
  'xlen',
  'xread',
  'xinfo',
  'bitcount',
  'getbit',
  'pfcount',
  'geopos',
  'geodist',
  'georadius_ro',
  'georadiusbymember_ro',
  'geosearch',
  'auth',
  'hello',
  'client|setname',
  'client|id',
  'select',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
]);

export interface ParsedAcl {
  user: string;
  on: boolean;
  nopass: boolean;
  /** How many password hashes the user has (the hashes themselves are dropped). */
  passwords: number;
  privilege: ObservedPrivilege;
  /** The rules without passwords or hashes: commands, keys, channels, selectors. */
  rules: string;
}

/** Parses one `ACL LIST` line. Hashes (`#…`) and clear passwords (`>…`, never in ACL LIST) are counted or dropped, never kept. */
export function parseAclLine(line: string): ParsedAcl | null {
  const tokens = line.trim().split(/\s+/);
  if (tokens[0] !== 'user' || !tokens[1]) return null;
  const out: ParsedAcl = { user: tokens[1], on: false, nopass: false, passwords: 0, privilege: 'none', rules: '' };
  const kept: string[] = [];
  // One permission set for the root rules and one per (selector): the user may act through any.
  const sets: string[][] = [[]];
  let inSelector = false;
  for (const raw of tokens.slice(2)) {
    let t = raw;
    if (t.startsWith('#')) {
      out.passwords++;
      continue;
    }
    if (t.startsWith('>') || t.startsWith('<') || t.startsWith('!')) continue;
    if (t === 'on') out.on = true;
    else if (t === 'off') out.on = false;
    else if (t === 'nopass') out.nopass = true;
    else if (t === 'resetpass') {
      out.passwords = 0;
      out.nopass = false;
    }
    if (t.startsWith('(')) {
      inSelector = true;
      sets.push([]);
      t = t.slice(1);
    }
    const closes = t.endsWith(')');
    if (closes) t = t.slice(0, -1);
    if (t) sets[inSelector ? sets.length - 1 : 0]!.push(t);
    kept.push(raw);
    if (closes) inSelector = false;
  }
  out.rules = kept.filter((t) => !['on', 'off', 'nopass', 'sanitize-payload', 'skip-sanitize-payload'].includes(t)).join(' ');
  out.privilege = sets.reduce<ObservedPrivilege>((p, s) => (p === 'execute' ? p : best(p, commandPrivilege(s))), 'none');
  return out;
}

const best = (a: ObservedPrivilege, b: ObservedPrivilege): ObservedPrivilege =>
  a === 'execute' || b === 'execute' ? 'execute' : a === 'observe' || b === 'observe' ? 'observe' : 'none';

function commandPrivilege(rules: string[]): ObservedPrivilege {
  let all = false;
  const added = new Set<string>();
  const removed = new Set<string>();
  let readOnlyKeys = true;
  let anyKeys = false;
  for (const r of rules) {
    if (r === 'allcommands' || r === '+@all') {
      all = true;
      added.clear();
      removed.clear();
    } else if (r === 'nocommands' || r === '-@all') {
      all = false;
      added.clear();
      removed.clear();
    } else if (r.startsWith('+')) {
      added.add(r.slice(1).toLowerCase());
      removed.delete(r.slice(1).toLowerCase());
    } else if (r.startsWith('-')) {
      removed.add(r.slice(1).toLowerCase());
      added.delete(r.slice(1).toLowerCase());
    } else if (r === 'allkeys' || r.startsWith('~') || r.startsWith('%')) {
      anyKeys = true;
      if (!/^%R~/i.test(r)) readOnlyKeys = false;
    }
  }
  let level: ObservedPrivilege;
  if (all) level = ['@write', '@admin', '@dangerous'].every((c) => removed.has(c)) ? 'observe' : 'execute';
  else if (added.size === 0) level = 'none';
  else {
    level = 'observe';
    for (const a of added) {
      const observe = a.startsWith('@') ? READ_CATEGORIES.has(a.slice(1)) : READ_COMMANDS.has(a) || READ_COMMANDS.has(a.split('|')[0]!);
      if (!observe) level = 'execute';
    }
  }
  // Keys only readable (%R~), and nothing beyond data commands: the data cannot be changed.
  if (
    level === 'execute' &&
    anyKeys &&
    readOnlyKeys &&
    !all &&
    ![...added].some((a) => ['@admin', '@dangerous', '@pubsub', '@scripting'].includes(a))
  )
    level = 'observe';
  return level;
}

/** Parses `CLIENT LIST`: one `k=v k=v …` line per connection. */
export function parseClientList(text: string): Record<string, string>[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const o: Record<string, string> = {};
      for (const kv of l.trim().split(' ')) {
        const i = kv.indexOf('=');
        if (i > 0) o[kv.slice(0, i)] = kv.slice(i + 1);
      }
      return o;
    });
}

export function createSource(config: SourceConfig, context: SourceContext): DiscoverySource {
  const url = stringOption(config, 'url') ?? 'redis://127.0.0.1:6379';
  const secrets = secretsOf(config.options);
  const timeout = Number(config.options?.timeout_ms ?? 10_000);

  async function read(): Promise<ObservedAccount[]> {
    let step = 'connect';
    const client = createClient({ url, RESP: 2, disableOfflineQueue: true, socket: { connectTimeout: timeout, reconnectStrategy: false } });
    let socketError: Error | undefined;
    client.on('error', (err: Error) => {
      socketError = err;
    });
    try {
      await client.connect();
      step = 'ACL LIST';
      const lines = (await client.sendCommand<string[]>(['ACL', 'LIST'])).map(String);
      step = 'CLIENT LIST';
      const self = String(await client.sendCommand(['CLIENT', 'ID']));
      const clients = parseClientList(String(await client.sendCommand(['CLIENT', 'LIST']))).filter((c) => c.id !== self);
      const now = context.now().getTime();
      const sessions = new Map<string, SessionEvidence[]>();
      for (const c of clients) {
        if (!c.user) continue;
        const app = c.name || c['lib-name'] || undefined;
        const age = Number(c.age);
        sessions.set(c.user, [
          ...(sessions.get(c.user) ?? []),
          {
            user: c.user,
            ...(app ? { application: c['lib-name'] && c.name ? `${c.name} (${c['lib-name']})` : app } : {}),
            ...(c.addr ? { client_address: c.addr } : {}),
            ...(Number.isFinite(age) ? { started: new Date(now - age * 1000).toISOString() } : {}),
            interactive: isInteractiveClient(c.name) || isInteractiveClient(c['lib-name']),
          },
        ]);
      }
      const accounts: ObservedAccount[] = [];
      for (const line of lines) {
        const acl = parseAclLine(line);
        if (!acl) continue;
        const credentials: CredentialFact[] = acl.nopass
          ? [{ type: 'none', count: 0, label: 'nopass: any password is accepted' }]
          : [
              {
                type: acl.passwords ? 'password' : 'none',
                count: acl.passwords,
                ...(acl.passwords ? { lifetime: 'static' as const } : {}),
              },
            ];
        accounts.push(
          observedAccount({
            source: config.id,
            kind: 'redis',
            native_id: acl.user,
            name: acl.user,
            type: 'acl_user',
            enabled: acl.on,
            can_login: acl.on && (acl.nopass || acl.passwords > 0),
            credentials,
            privilege: acl.privilege,
            grants: acl.privilege === 'none' ? [] : [{ privilege: acl.privilege, grant: acl.rules || '(no rules)' }],
            sessions: sessions.get(acl.user) ?? [],
            ...(config.environment ? { environment: config.environment } : {}),
          }),
        );
      }
      return accounts;
    } catch (err) {
      throw sourceFailure(config, step, socketError && !(err instanceof Error && err.message) ? socketError : err, secrets);
    } finally {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    }
  }

  return {
    id: config.id,
    kind: 'redis',
    covers: coversOf(config),
    async *observe() {
      for (const a of await read()) yield a;
    },
  };
}
