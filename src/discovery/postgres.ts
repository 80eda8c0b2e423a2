// PostgreSQL source: every role of the cluster (an identity is a login role, as for the revocation
// connector in src/delivery/connectors/postgres.ts), what it may do and who has been using it.
//
// It reads, in a handful of queries whatever the cluster's size (aggregated in SQL, never one
// query per role): pg_roles (login, superuser, createrole, bypassrls, valid until), pg_auth_members
// (memberships, followed so a member holds its groups' privileges), pg_authid only to learn
// whether a password is set and its method (`rolpassword IS NOT NULL`; the hash is never selected;
// without the right to read pg_authid the password is "unknown"), the ACLs of tables, views,
// sequences and schemas and the default privileges (pg_default_acl) of each database read, object
// and schema ownership, and pg_stat_activity for sessions (last-seen evidence; other users'
// client details need pg_read_all_stats).
//
// Normalised: SELECT (and schema USAGE) observe; INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES,
// TRIGGER, CREATE, sequence USAGE/UPDATE, ownership, superuser, CREATEROLE, CREATEDB, REPLICATION,
// BYPASSRLS and membership in pg_write_all_data & co. execute. PUBLIC's grants are not
// attributed to every role.
import pg from 'pg';
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
import {
  coversOf,
  secretsOf,
  sourceFailure,
  stringOption,
  MalformedSourceError,
  type DiscoverySource,
  type SourceConfig,
  type SourceContext,
} from './source.js';
import { iso } from './util.js';

const OBSERVE_ROLES = new Set([
  'pg_read_all_data',
  'pg_read_all_settings',
  'pg_read_all_stats',
  'pg_stat_scan_tables',
  'pg_monitor',
  'pg_read_server_files',
  'pg_database_owner',
]);

interface RoleRow {
  oid: string;
  rolname: string;
  rolcanlogin: boolean;
  rolsuper: boolean;
  rolcreaterole: boolean;
  rolcreatedb: boolean;
  rolreplication: boolean;
  rolbypassrls: boolean;
  rolinherit: boolean;
  rolvaliduntil: Date | string | null;
}

/** Grants of one role, aggregated per (what, privilege) with a count of objects and a few names. */
interface Held {
  level: ObservedPrivilege;
  grants: GrantEvidence[];
  objects: number;
}

const privilegeLevel = (objtype: string, priv: string): Exclude<ObservedPrivilege, 'none'> => {
  if (priv === 'SELECT') return 'observe';
  if (priv === 'USAGE' && (objtype === 'schema' || objtype === 'type')) return 'observe';
  return 'execute';
};

const DEFACL_TYPES: Record<string, string> = { r: 'table', S: 'sequence', f: 'function', T: 'type', n: 'schema', L: 'large object' };

export function createSource(config: SourceConfig, context: SourceContext): DiscoverySource {
  const url = stringOption(config, 'url', true);
  const secrets = secretsOf(config.options);
  const dbs = config.options?.databases;
  if (dbs !== undefined && !(Array.isArray(dbs) && dbs.every((d) => typeof d === 'string' && d.length > 0 && d.length < 64))) {
    throw new MalformedSourceError(config.id, '/options/databases', `source ${config.id}: options.databases is a list of database names`);
  }
  const timeoutMs = Number(config.options?.timeout_ms ?? 120_000);

  async function connect(database?: string): Promise<pg.Client> {
    const c = new pg.Client({
      connectionString: url,
      application_name: 'mandate-discovery',
      statement_timeout: timeoutMs,
      connectionTimeoutMillis: 10_000,
      ...(database ? { database } : {}),
    });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  async function read(): Promise<ObservedAccount[]> {
    let step = 'connect';
    const main = await connect().catch((err) => {
      throw sourceFailure(config, step, err, secrets);
    });
    const held = new Map<string, Held>();
    const hold = (oid: string, level: Exclude<ObservedPrivilege, 'none'>, grant: string, objects = 1) => {
      let h = held.get(oid);
      if (!h) held.set(oid, (h = { level: 'none', grants: [], objects: 0 }));
      h.level = maxPrivilege(h.level, level);
      h.objects += objects;
      h.grants.push({ privilege: level, grant });
    };
    try {
      step = 'reading roles';
      const roles = (
        await main.query<RoleRow>(
          `SELECT oid::int8::text AS oid, rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
            rolinherit, rolvaliduntil
           FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY rolname`,
        )
      ).rows;

      step = 'reading password presence';
      // Whether a password is set and how it is hashed; never the hash. Needs the right to read pg_authid.
      let passwords: Map<string, { has: boolean; method: string | null }> | null = null;
      try {
        const r = await main.query<{ oid: string; has: boolean; method: string | null }>(
          `SELECT oid::int8::text AS oid, rolpassword IS NOT NULL AS has,
                  CASE WHEN rolpassword IS NULL THEN NULL WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256'
                       WHEN rolpassword LIKE 'md5%' THEN 'md5' ELSE 'other' END AS method
             FROM pg_authid`,
        );
        passwords = new Map(r.rows.map((x) => [x.oid, { has: x.has, method: x.method }]));
      } catch (err) {
        if ((err as { code?: string }).code !== '42501') throw err;
        context.log?.(`source ${config.id}: pg_authid is not readable; password presence unknown`);
      }

      step = 'reading memberships';
      const members = (
        await main.query<{ member: string; roleid: string; role: string }>(
          `SELECT m.member::int8::text AS member, m.roleid::int8::text AS roleid, r.rolname AS role
           FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid`,
        )
      ).rows;

      step = 'reading sessions';
      const sessions = (
        await main.query<{
          usename: string;
          application_name: string | null;
          client_addr: string | null;
          backend_start: Date | null;
          datname: string | null;
        }>(
          `SELECT usename, application_name, client_addr::text AS client_addr, backend_start, datname
           FROM pg_stat_activity WHERE usename IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
        )
      ).rows;

      const databases = (dbs as string[] | undefined) ?? [(await main.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d];
      for (const db of databases) {
        step = `reading privileges in database ${db}`;
        const c = databases.length === 1 && !dbs ? main : await connect(db);
        try {
          await privileges(c, db, hold);
        } finally {
          if (c !== main) await c.end().catch(() => undefined);
        }
      }

      step = 'assembling';
      return assemble(config, context, roles, passwords, members, sessions, held);
    } catch (err) {
      throw sourceFailure(config, step, err, secrets);
    } finally {
      await main.end().catch(() => undefined);
    }
  }

  return {
    id: config.id,
    kind: 'postgres',
    covers: coversOf(config),
    async *observe() {
      // Collected, then yielded: a failed read yields nothing half-way.
      for (const a of await read()) yield a;
    },
  };
}

async function privileges(
  c: pg.Client,
  db: string,
  hold: (oid: string, level: Exclude<ObservedPrivilege, 'none'>, grant: string, objects?: number) => void,
): Promise<void> {
  const sample = (n: number, names: string[]) => `${names.join(', ')}${n > names.length ? ', …' : ''}`;
  // Tables, views, sequences: one row per (grantee, object type, privilege), not per object.
  const rel = await c.query<{ grantee: string; objtype: string; priv: string; n: number; names: string[] }>(
    `SELECT a.grantee::int8::text AS grantee, CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END AS objtype,
      a.privilege_type AS priv,
            count(*)::int AS n, (array_agg(n.nspname || '.' || c.relname ORDER BY n.nspname, c.relname))[1:3] AS names
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL aclexplode(c.relacl) a
      WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f', 'S') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
        AND a.grantee <> 0 AND a.grantee <> c.relowner
      GROUP BY 1, 2, 3`,
  );
  for (const r of rel.rows)
    hold(
      r.grantee,
      privilegeLevel(r.objtype, r.priv),
      `${r.priv} on ${r.n} ${r.objtype}${r.n === 1 ? '' : 's'} in ${db} (${sample(r.n, r.names)})`,
      r.n,
    );

  const owned = await c.query<{ owner: string; n: number; names: string[] }>(
    `SELECT c.relowner::int8::text AS owner, count(*)::int AS n, (array_agg(n.nspname || '.' || c.relname ORDER BY n.nspname,
      c.relname))[1:3] AS names
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f', 'S') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      GROUP BY 1`,
  );
  for (const r of owned.rows)
    hold(r.owner, 'execute', `owns ${r.n} relation${r.n === 1 ? '' : 's'} in ${db} (${sample(r.n, r.names)})`, r.n);

  const schemas = await c.query<{ grantee: string; priv: string; n: number; names: string[] }>(
    `SELECT a.grantee::int8::text AS grantee, a.privilege_type AS priv, count(*)::int AS n, (array_agg(n.nspname::text
      ORDER BY n.nspname))[1:3] AS names
       FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
      WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND a.grantee <> 0 AND a.grantee <> n.nspowner
      GROUP BY 1, 2
     UNION ALL
     SELECT n.nspowner::int8::text, 'OWNER', count(*)::int, (array_agg(n.nspname::text ORDER BY n.nspname))[1:3]
       FROM pg_namespace n WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname <> 'public'
      GROUP BY 1`,
  );
  for (const r of schemas.rows) {
    hold(
      r.grantee,
      r.priv === 'OWNER' ? 'execute' : privilegeLevel('schema', r.priv),
      `${r.priv === 'OWNER' ? 'owns' : `${r.priv} on`} ${r.n} schema${r.n === 1 ? '' : 's'} in ${db} (${sample(r.n, r.names)})`,
      r.n,
    );
  }

  // Default privileges: what the grantee will hold on objects others create later.
  const defaults = await c.query<{ grantee: string; creator: string; schema: string | null; objtype: string; priv: string }>(
    `SELECT a.grantee::int8::text AS grantee, cr.rolname AS creator, n.nspname AS schema, d.defaclobjtype::text AS objtype,
      a.privilege_type AS priv
       FROM pg_default_acl d JOIN pg_roles cr ON cr.oid = d.defaclrole LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
            CROSS JOIN LATERAL aclexplode(d.defaclacl) a
      WHERE a.grantee <> 0 AND a.grantee <> d.defaclrole`,
  );
  for (const r of defaults.rows) {
    const objtype = DEFACL_TYPES[r.objtype] ?? r.objtype;
    hold(
      r.grantee,
      privilegeLevel(objtype, r.priv),
      `default ${r.priv} on future ${objtype}s of ${r.creator}${r.schema ? ` in ${db}.${r.schema}` : ` in ${db}`}`,
    );
  }

  const dbAcl = await c.query<{ grantee: string; priv: string }>(
    `SELECT a.grantee::int8::text AS grantee, a.privilege_type AS priv FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) a
      WHERE d.datname = current_database() AND a.grantee <> 0 AND a.grantee <> d.datdba AND a.privilege_type = 'CREATE'
     UNION ALL SELECT datdba::int8::text, 'OWNER' FROM pg_database WHERE datname = current_database()`,
  );
  for (const r of dbAcl.rows) hold(r.grantee, 'execute', r.priv === 'OWNER' ? `owns database ${db}` : `CREATE on database ${db}`);
}

function assemble(
  config: SourceConfig,
  context: SourceContext,
  roles: RoleRow[],
  passwords: Map<string, { has: boolean; method: string | null }> | null,
  members: { member: string; roleid: string; role: string }[],
  sessions: {
    usename: string;
    application_name: string | null;
    client_addr: string | null;
    backend_start: Date | null;
    datname: string | null;
  }[],
  held: Map<string, Held>,
): ObservedAccount[] {
  const now = context.now().getTime();
  const parents = new Map<string, { oid: string; name: string }[]>();
  for (const m of members) {
    const l = parents.get(m.member) ?? [];
    l.push({ oid: m.roleid, name: m.role });
    parents.set(m.member, l);
  }
  const hasMembers = new Set(members.map((m) => m.roleid));
  const byUser = new Map<string, SessionEvidence[]>();
  for (const s of sessions) {
    const l = byUser.get(s.usename) ?? [];
    const app = s.application_name || undefined;
    l.push({
      user: s.usename,
      ...(app ? { application: app } : {}),
      ...(s.client_addr ? { client_address: s.client_addr } : {}),
      ...(s.backend_start ? { started: iso(s.backend_start)! } : {}),
      interactive: isInteractiveClient(app),
    });
    byUser.set(s.usename, l);
  }

  return roles.map((r) => {
    const grants: GrantEvidence[] = [];
    let level: ObservedPrivilege = 'none';
    let objects = 0;
    const attrs: Record<string, string | number | boolean> = {};
    for (const [flag, label] of [
      ['rolsuper', 'SUPERUSER'],
      ['rolcreaterole', 'CREATEROLE'],
      ['rolcreatedb', 'CREATEDB'],
      ['rolreplication', 'REPLICATION'],
      ['rolbypassrls', 'BYPASSRLS'],
    ] as const) {
      if (r[flag]) {
        grants.push({ privilege: 'execute', grant: `role attribute ${label}` });
        level = 'execute';
        attrs[label.toLowerCase()] = true;
      }
    }
    // The role's own grants, then its groups' (transitively, once each): a member can use them.
    const seen = new Set<string>([r.oid]);
    const queue: { oid: string; via: string | null }[] = [{ oid: r.oid, via: null }];
    const memberOf: string[] = [];
    while (queue.length) {
      const { oid, via } = queue.shift()!;
      const h = held.get(oid);
      if (h) {
        level = maxPrivilege(level, h.level);
        objects += h.objects;
        for (const g of h.grants)
          if (grants.length < 200) grants.push(via ? { privilege: g.privilege, grant: `${g.grant} (via ${via})` } : g);
      }
      for (const p of parents.get(oid) ?? []) {
        if (seen.has(p.oid)) continue;
        seen.add(p.oid);
        if (oid === r.oid) memberOf.push(p.name);
        if (p.name.startsWith('pg_')) {
          const lvl = OBSERVE_ROLES.has(p.name) ? 'observe' : 'execute';
          level = maxPrivilege(level, lvl);
          grants.push({ privilege: lvl, grant: `member of ${p.name}${via ? ` (via ${via})` : ''}` });
        }
        queue.push({ oid: p.oid, via: via ?? p.name });
      }
    }
    if (memberOf.length) attrs.member_of = memberOf.slice(0, 20).join(',');

    const validUntil = iso(r.rolvaliduntil);
    const expired = validUntil !== undefined && Date.parse(validUntil) <= now;
    const pw = passwords?.get(r.oid);
    const credentials: CredentialFact[] =
      passwords === null
        ? [
            {
              type: 'password',
              lifetime: 'static',
              label: 'unknown: pg_authid not readable',
              ...(validUntil ? { expires: validUntil } : {}),
            },
          ]
        : pw?.has
          ? [
              {
                type: 'password',
                count: 1,
                lifetime: 'static',
                ...(pw.method ? { label: pw.method } : {}),
                ...(validUntil ? { expires: validUntil } : {}),
              },
            ]
          : [{ type: 'none', count: 0 }];
    if (pw?.method === 'md5') attrs.password_method = 'md5';
    return observedAccount({
      source: config.id,
      kind: 'postgres',
      native_id: r.rolname,
      name: r.rolname,
      type: !r.rolcanlogin && hasMembers.has(r.oid) ? 'group_role' : 'role',
      enabled: r.rolcanlogin,
      // A login role whose validity has run out is refused password logins.
      can_login: r.rolcanlogin && !expired,
      credentials,
      privilege: level,
      grants,
      grants_total: Math.max(objects, grants.length),
      sessions: byUser.get(r.rolname) ?? [],
      ...(config.environment ? { environment: config.environment } : {}),
      ...(Object.keys(attrs).length ? { attributes: attrs } : {}),
    });
  });
}
