// Redis connector: an identity is an ACL user. disable = ACL SETUSER <user> off (AUTH now fails),
// then CLIENT KILL USER <user> (an `off` user's open connections stay authenticated otherwise);
// enable = ACL SETUSER <user> on. Users are never created, and nothing else about them changes.
//
// The connecting user needs +acl, +client|kill and (for persistence) +config|get. ACL changes
// live in memory: when the server has an aclfile, the connector runs ACL SAVE so a restart keeps
// them, and the detail says so; without one (users in redis.conf) it says "in memory only".
// ACLs are per node: in a cluster or with replicas, register one connector per node.
// A connection is opened per apply (revocations are rare) so no half-dead socket lingers.
import { createClient } from 'redis';
import { PermanentConnectorError, type Connector, type ConnectorRequest, type ConnectorResult } from './connector.js';

export interface RedisConnectorOptions {
  /** redis://[user:password@]host:port — the password is never logged or put in errors. */
  url: string;
  /** Connector name identities use (default "redis"). */
  name?: string;
  connectTimeoutMs?: number;
  /** ACL SAVE after a change when the server has an aclfile (default true). */
  persist?: boolean;
}

/** ACL user names: non-empty, no whitespace or control characters (Redis rejects spaces). */
function checkUserName(target: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing names with control characters is the point
  if (target.length === 0 || target.length > 256 || /[\s\x00-\x1f\x7f]/.test(target)) {
    throw new PermanentConnectorError(`invalid Redis ACL user name ${JSON.stringify(target)}`);
  }
}

export function redisConnector(options: RedisConnectorOptions): Connector {
  const persist = options.persist ?? true;

  async function apply(request: ConnectorRequest): Promise<ConnectorResult> {
    const user = request.target;
    if (request.action !== 'disable' && request.action !== 'enable') {
      throw new PermanentConnectorError(`the Redis connector cannot ${String(request.action)}: only disable and enable`);
    }
    checkUserName(user);
    const client = createClient({
      url: options.url,
      RESP: 2,
      disableOfflineQueue: true,
      socket: { connectTimeout: options.connectTimeoutMs ?? 5000, reconnectStrategy: false },
    });
    let socketError: Error | undefined;
    client.on('error', (err: Error) => {
      socketError = err;
    });
    try {
      await client.connect();
      const whoami = await client.sendCommand<string>(['ACL', 'WHOAMI']);
      if (String(whoami) === user) {
        throw new PermanentConnectorError(`refusing to ${request.action} the connector's own Redis user ${JSON.stringify(user)}`);
      }
      // The reply holds password hashes: only its presence is used, never logged.
      const existing = await client.sendCommand<unknown>(['ACL', 'GETUSER', user]);
      if (existing === null || existing === undefined) {
        throw new PermanentConnectorError(`Redis ACL user ${JSON.stringify(user)} does not exist`);
      }
      const flag = request.action === 'disable' ? 'off' : 'on';
      await client.sendCommand(['ACL', 'SETUSER', user, flag]);
      let detail = `user ${user} ${flag}`;
      if (request.action === 'disable') {
        const killed = Number(await client.sendCommand<number>(['CLIENT', 'KILL', 'USER', user]));
        detail += `, ${killed} connection${killed === 1 ? '' : 's'} killed`;
      }
      if (persist) detail += `; ${await save((args) => client.sendCommand(args))}`;
      return { detail };
    } catch (err) {
      if (err instanceof PermanentConnectorError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`Redis ${request.action} of ${user} failed: ${message}`, { cause: socketError ?? err });
    } finally {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    }
  }

  return { name: options.name ?? 'redis', apply };
}

async function save(send: (args: string[]) => Promise<unknown>): Promise<string> {
  let aclfile: string;
  try {
    const reply = (await send(['CONFIG', 'GET', 'aclfile'])) as unknown[] | null;
    aclfile = String(reply?.[1] ?? '');
  } catch {
    return 'persistence unknown (CONFIG GET aclfile not permitted)';
  }
  if (!aclfile) return 'in memory only (no aclfile; users defined in redis.conf revert on restart)';
  await send(['ACL', 'SAVE']);
  return 'saved to aclfile';
}
