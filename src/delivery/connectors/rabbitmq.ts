// RabbitMQ connector: an identity is a broker user.
//
// disable: snapshot the user's permissions (recorded in the detail as evidence), clear them on
// every vhost where it has any (AMQP connection.open to a vhost is then refused), and close the
// user's open connections (channels cache permission checks, so clearing alone is not enough).
// The password and tags are left alone, so the user still exists and enable is possible.
//
// enable: set the user's permissions on the connector's vhost to those configured for it in
// `permissions` (by user name), else `defaultPermissions` (".*" ".*" ".*"). Mandate stays
// stateless: the snapshot taken at disable is not stored anywhere it could be restored from, so
// what an enabled user may do is configuration, reviewed like the rest of it. Permissions the user
// had on other vhosts are in the disable detail for an operator to restore by hand.
//
// Transport: the HTTP management API when `managementUrl` is given and answers; otherwise (no URL,
// or it does not answer) `rabbitmqctl`, run with execFile and an argument array, never a shell.
// rabbitmqctl must run as a user holding the Erlang cookie (root or rabbitmq) and takes ~1 s a call.
import { execFile } from 'node:child_process';
import { PermanentConnectorError, type Connector, type ConnectorRequest, type ConnectorResult } from './connector.js';

export interface RabbitPermissions {
  configure: string;
  write: string;
  read: string;
}

export interface RabbitmqConnectorOptions {
  /** e.g. http://rabbit:15672 — the management plugin's base URL. */
  managementUrl?: string;
  /** Management API credentials (basic auth). Never put in errors or details. */
  username?: string;
  password?: string;
  /** The vhost enable grants permissions on (default "/"). */
  vhost?: string;
  /** Path of rabbitmqctl (default "rabbitmqctl" on PATH); false: never shell out. */
  rabbitmqctl?: string | false;
  /** Permissions enable grants, per user name. */
  permissions?: Record<string, RabbitPermissions>;
  /** Permissions enable grants a user not in `permissions` (default ".*" ".*" ".*"). */
  defaultPermissions?: RabbitPermissions;
  /** Connector name identities use (default "rabbitmq"). */
  name?: string;
  /** Per HTTP request or rabbitmqctl call (default 30 s; management probe 3 s). */
  timeoutMs?: number;
}

export const ALL_PERMISSIONS: RabbitPermissions = { configure: '.*', write: '.*', read: '.*' };

interface VhostPermissions extends RabbitPermissions {
  vhost: string;
}

/** Names passed to rabbitmqctl or into URLs: printable, no leading dash, at most 255 characters. */
export function checkRabbitName(kind: string, value: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing names with control characters is the point
  if (value.length === 0 || value.length > 255 || value.startsWith('-') || /[\x00-\x1f\x7f]/.test(value)) {
    throw new PermanentConnectorError(`invalid RabbitMQ ${kind} ${JSON.stringify(value)}`);
  }
}

/** What either transport must do; both are idempotent. */
interface Backend {
  readonly label: string;
  /** null when the user does not exist. */
  permissions(user: string): Promise<VhostPermissions[] | null>;
  clear(user: string, vhost: string): Promise<void>;
  /** Returns how many connections were closed. */
  closeConnections(user: string, reason: string): Promise<number>;
  grant(user: string, vhost: string, p: RabbitPermissions): Promise<void>;
}

export function rabbitmqConnector(options: RabbitmqConnectorOptions = {}): Connector {
  const vhost = options.vhost ?? '/';
  checkRabbitName('vhost', vhost);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ctlPath = options.rabbitmqctl === false ? undefined : (options.rabbitmqctl ?? 'rabbitmqctl');
  const ctl = ctlPath ? ctlBackend(ctlPath, timeoutMs) : undefined;
  const http = options.managementUrl ? httpBackend(options.managementUrl, options.username, options.password, timeoutMs) : undefined;

  /** The management API if it answers (any HTTP response), else rabbitmqctl. */
  async function backend(): Promise<Backend> {
    if (http) {
      if (await http.answers()) return http;
      if (!ctl) throw new Error('RabbitMQ management API does not answer and rabbitmqctl is disabled');
    }
    if (!ctl) throw new PermanentConnectorError('RabbitMQ connector has neither a management URL nor rabbitmqctl');
    return ctl;
  }

  async function apply(request: ConnectorRequest): Promise<ConnectorResult> {
    const user = request.target;
    if (request.action !== 'disable' && request.action !== 'enable') {
      throw new PermanentConnectorError(`the RabbitMQ connector cannot ${String(request.action)}: only disable and enable`);
    }
    checkRabbitName('user name', user);
    const b = await backend();
    const current = await b.permissions(user);
    if (current === null) throw new PermanentConnectorError(`RabbitMQ user ${JSON.stringify(user)} does not exist`);

    if (request.action === 'enable') {
      const own = options.permissions && Object.hasOwn(options.permissions, user) ? options.permissions[user] : undefined;
      const p = own ?? options.defaultPermissions ?? ALL_PERMISSIONS;
      await b.grant(user, vhost, p);
      return { detail: `user ${user} permissions on vhost ${vhost} set to ${fmt(p)} (via ${b.label})` };
    }

    for (const p of current) await b.clear(user, p.vhost);
    const closed = await b.closeConnections(user, `Mandate: ${request.reason}`.slice(0, 200));
    const snapshot = current.map((p) => ({ vhost: p.vhost, configure: p.configure, write: p.write, read: p.read }));
    return {
      detail:
        `user ${user} permissions cleared on ${current.length} vhost${current.length === 1 ? '' : 's'}, ` +
        `${closed} connection${closed === 1 ? '' : 's'} closed (via ${b.label}); was ${JSON.stringify(snapshot)}`,
    };
  }

  return { name: options.name ?? 'rabbitmq', apply };
}

function fmt(p: RabbitPermissions): string {
  return JSON.stringify([p.configure, p.write, p.read]);
}

// --- rabbitmqctl ------------------------------------------------------------------------------

class CtlError extends Error {}

function ctlBackend(path: string, timeoutMs: number): Backend {
  function run(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(path, ['-q', ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES') {
          return reject(new PermanentConnectorError(`rabbitmqctl not runnable at ${path}: ${code}`));
        }
        const message = `${stderr}`.replace(/^Error:\s*/m, '').trim() || err.message;
        reject(new CtlError(`rabbitmqctl ${args[0]} failed: ${message}`));
      });
    });
  }

  const missing = (err: unknown) => err instanceof CtlError && /does not exist|no_such_user|no_such_vhost/.test(err.message);
  const permanentIfMissing = (err: unknown) => (missing(err) ? new PermanentConnectorError((err as Error).message) : err);

  return {
    label: 'rabbitmqctl',
    async permissions(user) {
      try {
        return parseJson<VhostPermissions[]>(await run(['list_user_permissions', '--formatter', 'json', '--', user]));
      } catch (err) {
        if (missing(err) && /user/i.test((err as Error).message)) return null;
        throw err;
      }
    },
    async clear(user, vhost) {
      await run(['clear_permissions', '-p', vhost, '--', user]).catch((err) => {
        throw permanentIfMissing(err);
      });
    },
    async closeConnections(user, reason) {
      const all = parseJson<{ user: string; pid: string }[]>(await run(['list_connections', 'user', 'pid', '--formatter', 'json']));
      const mine = all.filter((c) => c.user === user);
      if (mine.length === 0) return 0;
      try {
        await run(['close_all_user_connections', '--', user, reason]);
      } catch (err) {
        if (!(err instanceof CtlError) || !/not found|unknown command|invalid command/i.test(err.message)) throw err;
        // Before close_all_user_connections: one close_connection per connection process.
        for (const c of mine) await run(['close_connection', '--', c.pid, reason]);
      }
      return mine.length;
    },
    async grant(user, vhost, p) {
      await run(['set_permissions', '-p', vhost, '--', user, p.configure, p.write, p.read]).catch((err) => {
        throw permanentIfMissing(err);
      });
    },
  };
}

function parseJson<T>(out: string): T {
  const text = out.trim();
  return (text ? JSON.parse(text) : []) as T;
}

// --- HTTP management API ----------------------------------------------------------------------

function httpBackend(
  baseUrl: string,
  username: string | undefined,
  password: string | undefined,
  timeoutMs: number,
): Backend & { answers(): Promise<boolean> } {
  const base = baseUrl.replace(/\/+$/, '');
  const auth = username !== undefined ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` : undefined;
  const enc = encodeURIComponent;

  async function call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}, ms = timeoutMs) {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (auth) headers.authorization = auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(ms),
      redirect: 'manual',
    });
    const text = await res.text();
    return { status: res.status, text };
  }

  /** Throws for anything but 2xx (and the allowed statuses): auth and client errors are permanent. */
  async function expect(method: string, path: string, allowed: number[] = [], body?: unknown, extra?: Record<string, string>) {
    const res = await call(method, path, body, extra);
    if ((res.status >= 200 && res.status < 300) || allowed.includes(res.status)) return res;
    const what = `RabbitMQ management ${method} ${path.replace(/\?.*$/, '')}: HTTP ${res.status}`;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      throw new PermanentConnectorError(`${what} ${res.text.slice(0, 200)}`.trim());
    }
    throw new Error(what);
  }

  return {
    label: 'management API',
    async answers() {
      try {
        await call('GET', '/api/overview', undefined, {}, Math.min(timeoutMs, 3000));
        return true;
      } catch {
        return false;
      }
    },
    async permissions(user) {
      const u = await expect('GET', `/api/users/${enc(user)}`, [404]);
      if (u.status === 404) return null;
      const res = await expect('GET', `/api/users/${enc(user)}/permissions`);
      return JSON.parse(res.text) as VhostPermissions[];
    },
    async clear(user, vhost) {
      await expect('DELETE', `/api/permissions/${enc(vhost)}/${enc(user)}`, [404]);
    },
    async closeConnections(user, reason) {
      const res = await expect('GET', `/api/connections/username/${enc(user)}`, [404]);
      if (res.status === 404) return 0;
      const conns = JSON.parse(res.text) as { name: string }[];
      for (const c of conns) {
        await expect('DELETE', `/api/connections/${enc(c.name)}`, [404], undefined, { 'x-reason': reason.replace(/[^\x20-\x7e]/g, '?') });
      }
      return conns.length;
    },
    async grant(user, vhost, p) {
      await expect('PUT', `/api/permissions/${enc(vhost)}/${enc(user)}`, [], p);
    },
  };
}
