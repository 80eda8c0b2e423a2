// RabbitMQ source: the broker's users (an identity is a broker user, as for
// src/delivery/connectors/rabbitmq.ts), their tags, their configure/write/read permissions per vhost, and
// the connections open as each.
//
// Transport as for the connector: the management HTTP API when `management_url` is given and
// answers (GET /api/users, /api/permissions, /api/connections), else `rabbitmqctl` run with
// execFile and an argument array, never a shell (list_users, list_vhosts, list_permissions -p VHOST
// per vhost, list_connections). The API's users carry password hashes: only whether one is set is
// kept. rabbitmqctl does not say, so the password is then "unknown".
//
// Normalised: a configure or write pattern that can match something, or the administrator /
// policymaker tag, is execute; a read pattern or the monitoring / management tag observe. A user
// "can log in" when it can reach something: a permission on some vhost or a management tag (the
// connector's disable clears permissions, which is what makes it ineffective to connect).
import { execFile } from 'node:child_process';
import {
  isInteractiveClient,
  observedAccount,
  type CredentialFact,
  type GrantEvidence,
  type ObservedAccount,
  type SessionEvidence,
} from '../core/discovery.js';
import { coversOf, secretsOf, sourceFailure, stringOption, type DiscoverySource, type SourceConfig, type SourceContext } from './source.js';
import { iso } from './util.js';

interface User {
  name: string;
  tags: string[];
  /** null: unknown (rabbitmqctl). */
  hasPassword: boolean | null;
}
interface Permission {
  user: string;
  vhost: string;
  configure: string;
  write: string;
  read: string;
}
interface Connection {
  user: string;
  application?: string;
  peer?: string;
  started?: string;
}
interface Snapshot {
  via: string;
  users: User[];
  permissions: Permission[];
  connections: Connection[];
}

/** A pattern that matches nothing grants nothing: '' and '^$'. */
const grants = (pattern: string) => pattern !== '' && pattern !== '^$';
const tagsOf = (t: unknown): string[] =>
  Array.isArray(t)
    ? t.map(String)
    : typeof t === 'string'
      ? t
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
const EXECUTE_TAGS = new Set(['administrator', 'policymaker', 'impersonator']);
const OBSERVE_TAGS = new Set(['monitoring', 'management']);

/** An Erlang address as rabbitmqctl prints it ([127,0,0,1] or eight 16-bit groups) or a string. */
function peerAddress(p: unknown): string | undefined {
  if (typeof p === 'string') return p;
  if (Array.isArray(p) && p.length === 4) return p.join('.');
  if (Array.isArray(p) && p.length === 8) return p.map((n: number) => Number(n).toString(16)).join(':');
  return undefined;
}

/** client_properties as a map: the API gives an object, rabbitmqctl a list of [key, type, value]. */
function clientProperty(props: unknown, key: string): string | undefined {
  if (Array.isArray(props)) {
    const hit = props.find((p) => Array.isArray(p) && p[0] === key);
    return hit && typeof hit[2] === 'string' ? hit[2] : undefined;
  }
  if (props && typeof props === 'object') {
    const v = (props as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/**
 * The JSON in rabbitmqctl's stdout. Erlang may print its own reports (`=ERROR REPORT==== …`, say
 * for a config directory it may not read) before it: the JSON starts at the first line opening it.
 */
export function ctlJson(stdout: string): string {
  const raw = stdout.trim();
  const start = raw.search(/^[[{]/m);
  return start > 0 ? raw.slice(start) : raw;
}

export function createSource(config: SourceConfig, context: SourceContext): DiscoverySource {
  const secrets = secretsOf(config.options);
  const o = config.options ?? {};
  const managementUrl = stringOption(config, 'management_url');
  const username = stringOption(config, 'username');
  const password = typeof o.password === 'string' ? o.password : undefined;
  const ctlPath = o.rabbitmqctl === false ? undefined : (stringOption(config, 'rabbitmqctl') ?? 'rabbitmqctl');
  const timeoutMs = Number(o.timeout_ms ?? 30_000);

  function ctl(args: string[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      execFile(
        ctlPath!,
        ['-q', ...args, '--formatter', 'json'],
        { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err) return reject(new Error(`rabbitmqctl ${args[0]}: ${`${stderr}`.trim().slice(0, 300) || err.message}`));
          const text = ctlJson(stdout);
          try {
            resolve(text ? JSON.parse(text) : []);
          } catch {
            // The start of what it printed (user names, tags: no secrets), so a surprise can be diagnosed.
            reject(new Error(`rabbitmqctl ${args[0]}: output is not JSON: ${JSON.stringify(text.slice(0, 200))}`));
          }
        },
      );
    });
  }

  async function viaCtl(): Promise<Snapshot> {
    const users = (await ctl(['list_users'])) as { user: string; tags: unknown }[];
    const vhosts = (await ctl(['list_vhosts', 'name'])) as { name: string }[];
    const permissions: Permission[] = [];
    for (const v of vhosts) {
      for (const p of (await ctl(['list_permissions', '-p', v.name])) as Omit<Permission, 'vhost'>[])
        permissions.push({ ...p, vhost: v.name });
    }
    const conns = (await ctl(['list_connections', 'user', 'client_properties', 'peer_host', 'connected_at'])) as {
      user: string;
      client_properties: unknown;
      peer_host: unknown;
      connected_at: number;
    }[];
    return {
      via: 'rabbitmqctl',
      users: users.map((u) => ({ name: u.user, tags: tagsOf(u.tags), hasPassword: null })),
      permissions,
      connections: conns.map((c) => connection(c.user, c.client_properties, peerAddress(c.peer_host), c.connected_at)),
    };
  }

  const auth = username !== undefined ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` : undefined;
  async function api(path: string, ms = timeoutMs): Promise<unknown> {
    const res = await fetch(`${managementUrl!.replace(/\/+$/, '')}${path}`, {
      headers: { accept: 'application/json', ...(auth ? { authorization: auth } : {}) },
      signal: AbortSignal.timeout(ms),
      redirect: 'manual',
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`management API GET ${path}: HTTP ${res.status}`);
    return JSON.parse(text);
  }

  async function viaApi(): Promise<Snapshot> {
    const users = (await api('/api/users')) as { name: string; tags: unknown; password_hash?: string }[];
    const permissions = (await api('/api/permissions')) as Permission[];
    const conns = (await api('/api/connections')) as {
      user: string;
      client_properties?: unknown;
      peer_host?: string;
      connected_at?: number;
    }[];
    return {
      via: 'management API',
      // Whether a hash is set, nothing more: the hash is dropped here.
      users: users.map((u) => ({
        name: u.name,
        tags: tagsOf(u.tags),
        hasPassword: typeof u.password_hash === 'string' ? u.password_hash.length > 0 : null,
      })),
      permissions,
      connections: conns.map((c) => connection(c.user, c.client_properties, c.peer_host, c.connected_at)),
    };
  }

  async function snapshot(): Promise<Snapshot> {
    if (managementUrl) {
      let answers = true;
      try {
        await api('/api/overview', Math.min(timeoutMs, 3000));
      } catch (err) {
        // An HTTP refusal (401, 403) is an answer: report it rather than fall back.
        if (/HTTP \d+/.test((err as Error).message)) throw err;
        answers = false;
      }
      if (answers) return viaApi();
      if (!ctlPath) throw new Error('the management API does not answer and rabbitmqctl is disabled');
      context.log?.(`source ${config.id}: management API does not answer; using rabbitmqctl`);
    }
    if (!ctlPath) throw new Error('neither a management URL nor rabbitmqctl is configured');
    return viaCtl();
  }

  return {
    id: config.id,
    kind: 'rabbitmq',
    covers: coversOf(config),
    async *observe() {
      let snap: Snapshot;
      try {
        snap = await snapshot();
      } catch (err) {
        throw sourceFailure(config, 'reading users', err, secrets);
      }
      for (const a of assemble(config, snap)) yield a;
    },
  };
}

function connection(user: string, props: unknown, peer: string | undefined, connectedAt: number | undefined): Connection {
  const name = clientProperty(props, 'connection_name');
  const product = clientProperty(props, 'product');
  const application = name && product ? `${name} (${product})` : (name ?? product);
  return {
    user,
    ...(application ? { application } : {}),
    ...(peer ? { peer } : {}),
    ...(connectedAt ? { started: iso(connectedAt / 1000)! } : {}),
  };
}

function assemble(config: SourceConfig, snap: Snapshot): ObservedAccount[] {
  const perms = new Map<string, Permission[]>();
  for (const p of snap.permissions) perms.set(p.user, [...(perms.get(p.user) ?? []), p]);
  const sessions = new Map<string, SessionEvidence[]>();
  for (const c of snap.connections) {
    sessions.set(c.user, [
      ...(sessions.get(c.user) ?? []),
      {
        user: c.user,
        ...(c.application ? { application: c.application } : {}),
        ...(c.peer ? { client_address: c.peer } : {}),
        ...(c.started ? { started: c.started } : {}),
        interactive:
          isInteractiveClient(c.application?.replace(/ \(.*\)$/, '')) || isInteractiveClient(c.application?.replace(/^.*\((.*)\)$/, '$1')),
      },
    ]);
  }
  return snap.users.map((u) => {
    const evidence: GrantEvidence[] = [];
    for (const t of u.tags) {
      if (EXECUTE_TAGS.has(t)) evidence.push({ privilege: 'execute', grant: `tag ${t}` });
      else if (OBSERVE_TAGS.has(t)) evidence.push({ privilege: 'observe', grant: `tag ${t}` });
    }
    const mine = perms.get(u.name) ?? [];
    for (const p of mine) {
      const what =
        `vhost ${p.vhost}: configure ${JSON.stringify(p.configure)} write ${JSON.stringify(p.write)} read ` + `${JSON.stringify(p.read)}`;
      if (grants(p.configure) || grants(p.write)) evidence.push({ privilege: 'execute', grant: what });
      else if (grants(p.read)) evidence.push({ privilege: 'observe', grant: what });
    }
    const credentials: CredentialFact[] =
      u.hasPassword === null
        ? [{ type: 'password', lifetime: 'static', label: `presence unknown (${snap.via})` }]
        : u.hasPassword
          ? [{ type: 'password', count: 1, lifetime: 'static' }]
          : [{ type: 'none', count: 0 }];
    const reach =
      mine.some((p) => grants(p.configure) || grants(p.write) || grants(p.read)) ||
      u.tags.some((t) => EXECUTE_TAGS.has(t) || OBSERVE_TAGS.has(t));
    return observedAccount({
      source: config.id,
      kind: 'rabbitmq',
      native_id: u.name,
      name: u.name,
      type: 'user',
      // A user without a password hash cannot log in with a password (it may with a certificate).
      enabled: u.hasPassword !== false,
      can_login: reach && u.hasPassword !== false,
      credentials,
      grants: evidence,
      sessions: sessions.get(u.name) ?? [],
      ...(u.tags.length ? { attributes: { tags: u.tags.join(',') } } : {}),
      ...(config.environment ? { environment: config.environment } : {}),
    });
  });
}
