// MariaDB (and MySQL) source: every account, which in MariaDB is a user *at a host pattern*
// (`app@%` and `app@localhost` are two accounts with their own password and grants), so the native
// id is `user@host`.
//
// It reads mysql.global_priv (MariaDB ≥ 10.4; mysql.user on MySQL) for the authentication plugin,
// whether a password is set (an emptiness test: the hash is never selected), account_locked,
// password_last_changed (0: expired) and password_lifetime; the grants from
// information_schema.USER_PRIVILEGES, SCHEMA_PRIVILEGES and TABLE_PRIVILEGES, aggregated in SQL;
// role grants (mysql.roles_mapping, followed transitively); and sessions from
// information_schema.PROCESSLIST, with the client's program_name from performance_schema when it is
// enabled (it is how a `mysql` shell or DBeaver is told apart from an application).
//
// Normalised: SELECT, SHOW VIEW, SHOW DATABASES, PROCESS and the replication/binlog monitors observe;
// USAGE nothing; every other privilege (EXECUTE, writes, DDL, GRANT OPTION, SUPER…) execute.
import mariadb, { type Connection, type ConnectionConfig } from 'mariadb';
import {
  isInteractiveClient,
  maxPrivilege,
  observedAccount,
  type CredentialFact,
  type GrantEvidence,
  type ObservedAccount,
  type ObservedPrivilege,
  type SessionEvidence,
} from '../core/discovery.js';
import { coversOf, secretsOf, sourceFailure, stringOption, type DiscoverySource, type SourceConfig, type SourceContext } from './source.js';
import { iso } from './util.js';

const OBSERVE = new Set([
  'SELECT',
  'SHOW VIEW',
  'SHOW DATABASES',
  'PROCESS',
  'REPLICATION CLIENT',
  'BINLOG MONITOR',
  'SLAVE MONITOR',
  'REPLICA MONITOR',
  'SHOW CREATE ROUTINE',
]);
const levelOf = (priv: string): ObservedPrivilege => (priv === 'USAGE' ? 'none' : OBSERVE.has(priv) ? 'observe' : 'execute');
/** Accounts MariaDB and MySQL create for themselves, skipped unless options.include_system. */
const SYSTEM = /^(mariadb\.sys|mysql\.(sys|session|infoschema))$/;

interface AccountRow {
  user: string;
  host: string;
  plugin: string | null;
  has_password: number | bigint | boolean | null;
  locked: string | number | null;
  changed: string | number | null;
  lifetime: string | number | null;
  expired: string | number | null;
  is_role: string | number | null;
}

const truthy = (v: unknown) => v === true || v === 1 || v === 1n || v === '1' || v === 'true' || v === 'Y';

/** `'user'@'host'` as information_schema writes a grantee → `user@host`. */
export function parseGrantee(grantee: string): string {
  const m = /^'(.*)'@'(.*)'$/.exec(grantee);
  return m ? `${m[1]!.replace(/''/g, "'")}@${m[2]!.replace(/''/g, "'")}` : grantee;
}

/** A MariaDB host pattern (`%`, `_` wildcards) as a test on a client host. */
function hostMatcher(pattern: string): (host: string) => boolean {
  if (pattern === '%' || pattern === '') return () => true;
  const re = new RegExp(
    `^${pattern
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/%/g, '.*')
      .replace(/_/g, '.')}$`,
    'i',
  );
  return (h) => re.test(h);
}

export function createSource(config: SourceConfig, context: SourceContext): DiscoverySource {
  const secrets = secretsOf(config.options);
  const url = stringOption(config, 'url');
  const o = config.options ?? {};
  const connection: ConnectionConfig = {
    host: stringOption(config, 'host') ?? '127.0.0.1',
    ...(o.port !== undefined ? { port: Number(o.port) } : {}),
    user: stringOption(config, 'user') ?? 'root',
    ...(typeof o.password === 'string' ? { password: o.password } : {}),
    ...(typeof o.socket_path === 'string' ? { socketPath: o.socket_path } : {}),
    connectTimeout: 10_000,
    queryTimeout: Number(o.timeout_ms ?? 120_000),
    bigIntAsNumber: true,
    connectAttributes: { program_name: 'mandate-discovery' },
  };
  const includeSystem = o.include_system === true;

  async function read(): Promise<ObservedAccount[]> {
    let step = 'connect';
    let conn: Connection | undefined;
    try {
      conn = await mariadb.createConnection(url ?? connection);
      step = 'reading accounts';
      let rows: AccountRow[];
      try {
        rows = await conn.query<AccountRow[]>(
          `SELECT User AS user, Host AS host, JSON_VALUE(Priv, '$.plugin') AS plugin,
                  COALESCE(JSON_VALUE(Priv, '$.authentication_string'), '') <> '' AS has_password,
                  JSON_VALUE(Priv, '$.account_locked') AS locked, JSON_VALUE(Priv, '$.password_last_changed') AS changed,
                  JSON_VALUE(Priv, '$.password_lifetime') AS lifetime, JSON_VALUE(Priv, '$.password_last_changed') = '0' AS expired,
                  JSON_VALUE(Priv, '$.is_role') AS is_role
             FROM mysql.global_priv`,
        );
      } catch (err) {
        // MySQL (or MariaDB before 10.4): the same facts from mysql.user.
        if ((err as { errno?: number }).errno !== 1146) throw err;
        rows = await conn.query<AccountRow[]>(
          `SELECT User AS user, Host AS host, plugin, authentication_string <> '' AS has_password, account_locked AS locked,
                  UNIX_TIMESTAMP(password_last_changed) AS changed, password_lifetime AS lifetime, password_expired AS expired,
                    'N' AS is_role
             FROM mysql.user`,
        );
      }
      const dpl = (await conn.query<{ dpl: number | null }[]>('SELECT @@default_password_lifetime AS dpl'))[0]?.dpl ?? null;

      step = 'reading grants';
      const grants = await conn.query<{ grantee: string; scope: string; priv: string; n: number; names: string | null }[]>(
        `SELECT GRANTEE AS grantee, 'global' AS scope, PRIVILEGE_TYPE AS priv, COUNT(*) AS n, NULL AS names
           FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE <> 'USAGE' GROUP BY GRANTEE, PRIVILEGE_TYPE
         UNION ALL
         SELECT GRANTEE, 'schema', PRIVILEGE_TYPE, COUNT(*), SUBSTRING_INDEX(GROUP_CONCAT(TABLE_SCHEMA
           ORDER BY TABLE_SCHEMA SEPARATOR ', '), ', ', 3)
           FROM information_schema.SCHEMA_PRIVILEGES GROUP BY GRANTEE, PRIVILEGE_TYPE
         UNION ALL
         SELECT GRANTEE, 'table', PRIVILEGE_TYPE, COUNT(*), SUBSTRING_INDEX(GROUP_CONCAT(CONCAT(TABLE_SCHEMA, '.', TABLE_NAME)
           ORDER BY TABLE_SCHEMA, TABLE_NAME SEPARATOR ', '), ', ', 3)
           FROM information_schema.TABLE_PRIVILEGES GROUP BY GRANTEE, PRIVILEGE_TYPE`,
      );
      step = 'reading role grants';
      let roles: { member: string; role: string }[] = [];
      try {
        roles = (
          await conn.query<{ user: string; host: string; role: string }[]>(
            'SELECT User AS user, Host AS host, Role AS role FROM mysql.roles_mapping',
          )
        ).map((r) => ({ member: `${r.user}@${r.host}`, role: `${r.role}@` }));
      } catch (err) {
        if ((err as { errno?: number }).errno !== 1146) throw err;
      }

      step = 'reading sessions';
      const processes = await conn.query<{ id: number; user: string; host: string | null; db: string | null }[]>(
        `SELECT ID AS id, USER AS user, HOST AS host, DB AS db FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()`,
      );
      const programs = new Map<number, string>();
      try {
        for (const r of await conn.query<{ id: number; v: string }[]>(
          "SELECT PROCESSLIST_ID AS id, ATTR_VALUE AS v FROM performance_schema.session_connect_attrs WHERE ATTR_NAME = 'program_name'",
        ))
          programs.set(Number(r.id), r.v);
      } catch {
        // performance_schema off or not readable: sessions without program names.
      }
      return assemble(config, context, rows, dpl, grants, roles, processes, programs, includeSystem);
    } catch (err) {
      throw sourceFailure(config, step, err, secrets);
    } finally {
      await conn?.end().catch(() => conn?.destroy());
    }
  }

  return {
    id: config.id,
    kind: 'mariadb',
    covers: coversOf(config),
    async *observe() {
      for (const a of await read()) yield a;
    },
  };
}

function assemble(
  config: SourceConfig,
  context: SourceContext,
  rows: AccountRow[],
  defaultLifetime: number | null,
  grantRows: { grantee: string; scope: string; priv: string; n: number; names: string | null }[],
  roles: { member: string; role: string }[],
  processes: { id: number; user: string; host: string | null; db: string | null }[],
  programs: Map<number, string>,
  includeSystem: boolean,
): ObservedAccount[] {
  const now = context.now();
  const held = new Map<string, { grants: GrantEvidence[]; objects: number }>();
  for (const g of grantRows) {
    const level = levelOf(g.priv);
    if (level === 'none') continue;
    const who = parseGrantee(g.grantee);
    const h = held.get(who) ?? { grants: [], objects: 0 };
    const n = Number(g.n);
    h.objects += n;
    h.grants.push({
      privilege: level,
      grant:
        g.scope === 'global'
          ? `${g.priv} on *.*`
          : `${g.priv} on ${n} ${g.scope === 'schema' ? 'database' : 'table'}${n === 1 ? '' : 's'} (${g.names ?? ''}${n > 3 ? ', …' : ''})`,
    });
    held.set(who, h);
  }
  const roleOf = new Map<string, string[]>();
  for (const r of roles) roleOf.set(r.member, [...(roleOf.get(r.member) ?? []), r.role]);

  const accounts = rows.filter((r) => !truthy(r.is_role) && (includeSystem || !SYSTEM.test(r.user)));
  // Sessions to accounts: the process's user, at the most specific host pattern its client host matches.
  const byUser = new Map<string, { host: string; test: (h: string) => boolean }[]>();
  for (const r of accounts) byUser.set(r.user, [...(byUser.get(r.user) ?? []), { host: r.host, test: hostMatcher(r.host) }]);
  for (const l of byUser.values())
    l.sort((a, b) => (a.host.match(/[%_]/g)?.length ?? 0) - (b.host.match(/[%_]/g)?.length ?? 0) || b.host.length - a.host.length);
  const sessions = new Map<string, SessionEvidence[]>();
  for (const p of processes) {
    const clientHost = (p.host ?? '').replace(/:\d+$/, '');
    const account = byUser.get(p.user)?.find((c) => c.test(clientHost));
    if (!account) continue;
    const key = `${p.user}@${account.host}`;
    const app = programs.get(Number(p.id));
    sessions.set(key, [
      ...(sessions.get(key) ?? []),
      {
        user: p.user,
        ...(app ? { application: app } : {}),
        ...(p.host ? { client_address: p.host } : {}),
        interactive: isInteractiveClient(app),
      },
    ]);
  }

  return accounts.map((r) => {
    const id = `${r.user}@${r.host}`;
    const grants: GrantEvidence[] = [];
    let objects = 0;
    let level: ObservedPrivilege = 'none';
    // The account's own grants, then its roles' (a role can be granted a role).
    const seen = new Set<string>();
    const queue: { who: string; via: string | null }[] = [{ who: id, via: null }];
    const roleNames: string[] = [];
    while (queue.length) {
      const { who, via } = queue.shift()!;
      if (seen.has(who)) continue;
      seen.add(who);
      const h = held.get(who);
      if (h) {
        objects += h.objects;
        for (const g of h.grants) {
          level = maxPrivilege(level, g.privilege);
          if (grants.length < 200) grants.push(via ? { privilege: g.privilege, grant: `${g.grant} (via role ${via})` } : g);
        }
      }
      for (const role of roleOf.get(who) ?? []) {
        if (who === id) roleNames.push(role.slice(0, -1));
        queue.push({ who: role, via: via ?? role.slice(0, -1) });
      }
    }
    const changed = r.changed === null || r.changed === undefined ? undefined : Number(r.changed);
    const lifetime = r.lifetime === null || r.lifetime === undefined || r.lifetime === '' ? defaultLifetime : Number(r.lifetime);
    const lastChanged = changed ? iso(changed) : undefined;
    const expires =
      lastChanged && lifetime && lifetime > 0 ? new Date(Date.parse(lastChanged) + lifetime * 86_400_000).toISOString() : undefined;
    const expired = truthy(r.expired) || (expires !== undefined && Date.parse(expires) <= now.getTime());
    const locked = truthy(r.locked);
    const hasPassword = truthy(r.has_password);
    const socketAuth = !hasPassword && /unix_socket|gssapi|pam/.test(r.plugin ?? '');
    const credentials: CredentialFact[] = hasPassword
      ? [
          {
            type: 'password',
            count: 1,
            lifetime: 'static',
            ...(r.plugin ? { label: r.plugin } : {}),
            ...(lastChanged ? { last_rotated: lastChanged } : {}),
            ...(expires ? { expires } : {}),
          },
        ]
      : [{ type: 'none', count: 0, ...(r.plugin ? { label: r.plugin } : {}) }];
    const attributes: Record<string, string | number | boolean> = {};
    if (locked) attributes.account_locked = true;
    if (expired) attributes.password_expired = true;
    if (socketAuth) attributes.os_authentication = r.plugin!;
    if (roleNames.length) attributes.roles = roleNames.join(',');
    return observedAccount({
      source: config.id,
      kind: 'mariadb',
      native_id: id,
      name: r.user,
      type: 'user',
      enabled: !locked,
      // An expired password opens only a sandbox session that can do nothing but change it.
      can_login: !locked && !expired,
      credentials,
      privilege: level,
      grants,
      grants_total: Math.max(objects, grants.length),
      sessions: sessions.get(id) ?? [],
      ...(sessions.has(id) ? { last_used: now.toISOString() } : {}),
      ...(config.environment ? { environment: config.environment } : {}),
      ...(Object.keys(attributes).length ? { attributes } : {}),
    });
  });
}
