// The demo's estate on local servers (`npm run demo:systems`). Two walk-throughs use it:
// - the licence change: the PostgreSQL role, Redis ACL user and RabbitMQ user of the identities a
//   withdrawal of ent-de's French custody passport suspends, so they can be seen refusing logins;
// - discovery (docs/discovery.md): accounts of demo identities in PostgreSQL, MariaDB, Redis and
//   RabbitMQ for the sources to match, two service accounts nobody declared, a role declared
//   observe that can write, and a login someone uses from psql (held open by the caller:
//   openInteractiveSession).
//
// Demo use only: each login gets a fresh random password, returned once. Idempotent: a second run
// leaves the same estate (roles and users altered, grants reset to these) with new passwords, and
// switches back on any login Mandate switched off meanwhile. Every name it creates starts with
// `prefix` (default none), so a test lays out an estate of its own and removes only that.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import mariadb, { type Connection } from 'mariadb';
import pg from 'pg';
import { createClient } from 'redis';
import { demoManifest } from './firm.js';

const run = promisify(execFile);

export type DemoSystem = 'postgres' | 'mariadb' | 'redis' | 'rabbitmq';

export interface DemoSystems {
  /** An admin URL of the PostgreSQL cluster (any database), or undefined to skip PostgreSQL. */
  postgresUrl?: string;
  /** An admin URL of MariaDB with a database name (the driver needs one), e.g. mariadb://root@127.0.0.1:3306/mysql. */
  mariadbUrl?: string;
  redisUrl?: string;
  /** Path to rabbitmqctl, or undefined to skip RabbitMQ. */
  rabbitmqctl?: string;
  /** Put before every role, user and database name this creates: tests pass their own. */
  prefix?: string;
}

export interface DemoLogin {
  /** The demo identity whose revocation target this is; null: nobody declared it. */
  identity: string | null;
  connector: DemoSystem;
  /** The login: a role or user name (MariaDB: the user, at host %). */
  user: string;
  password: string;
  /** What the walk-through shows with it. */
  shows: string;
}

interface EstateAccount {
  system: DemoSystem;
  identity: string | null;
  /** Only for accounts nobody declared; a declared one is named by its identity's revocation target. */
  name?: string;
  shows: string;
  /** PostgreSQL: privileges per table of the demo database. MariaDB: privileges on the demo database. */
  tables?: Record<string, readonly string[]>;
  database?: readonly string[];
}

/** Where `npm run demo:systems` lays the estate out unless told otherwise (the README shows these). */
export const LOCAL_DEMO_SYSTEMS = {
  postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  mariadbUrl: 'mariadb://root@127.0.0.1:3306/mysql',
  redisUrl: 'redis://127.0.0.1:6379',
  rabbitmqctl: 'rabbitmqctl',
} as const satisfies DemoSystems;

/** The estate's database (PostgreSQL and MariaDB), before the prefix. */
export const DEMO_DATABASE = 'mandate_demo';

export const DEMO_ESTATE: readonly EstateAccount[] = [
  { system: 'postgres', identity: 'svc-custody-onboarding-de-fr', shows: 'switched off when the French custody passport is withdrawn' },
  { system: 'redis', identity: 'wallet-keystone-deposits-de-fr', shows: 'switched off when the French custody passport is withdrawn' },
  { system: 'rabbitmq', identity: 'svc-custody-sweeper-de-fr', shows: 'switched off when the French custody passport is withdrawn' },
  // Declared observe; write access to payouts was granted for an incident and never taken back.
  {
    system: 'postgres',
    identity: 'svc-grafana-readonly',
    shows: 'declared observe, can write payouts: over_privileged',
    tables: { payouts: ['SELECT', 'INSERT', 'UPDATE'], fx_rates: ['SELECT'] },
  },
  // Its purpose says it: "still used for manual payout corrections", by people, from psql.
  {
    system: 'postgres',
    identity: 'svc-payout-bridge-v1-de',
    shows: 'used from psql: interactive_use',
    tables: { payouts: ['SELECT', 'INSERT', 'UPDATE'] },
  },
  { system: 'mariadb', identity: 'svc-ledger-archive-ie', shows: 'matched', database: ['SELECT'] },
  {
    system: 'postgres',
    identity: null,
    name: 'svc_fx_rates_import',
    shows: 'unmanaged: adopt it',
    tables: { fx_rates: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
  },
  {
    system: 'mariadb',
    identity: null,
    name: 'backup_agent',
    shows: "unmanaged, the hosting provider's: dismiss it",
    database: ['SELECT', 'LOCK TABLES', 'SHOW VIEW'],
  },
];

/** The login used from an interactive client while discovery runs, and the client it names itself as. */
export const DEMO_INTERACTIVE = { identity: 'svc-payout-bridge-v1-de', application: 'psql' } as const;

/** The discovery source id the walk-through gives each system. */
export const DEMO_SOURCE_IDS: Record<DemoSystem, string> = {
  postgres: 'demo-pg',
  mariadb: 'demo-mariadb',
  redis: 'demo-redis',
  rabbitmq: 'demo-rabbitmq',
};

/** Name checks: everything below is interpolated into SQL, ACL rules or rabbitmqctl arguments. */
const SAFE_NAME = /^[A-Za-z0-9_]{1,63}$/;
const safe = (what: string, name: string): string => {
  if (!SAFE_NAME.test(name)) throw new Error(`demo ${what} name ${JSON.stringify(name)}: letters, digits and _ only`);
  return name;
};

let revocations: Map<string, { connector: string; target: string } | undefined> | undefined;

/** Each estate account with its name on the servers (the demo manifest's revocation target, prefixed). */
export function demoEstate(prefix = ''): (EstateAccount & { user: string })[] {
  // Built once: the whole demo firm is generated to read a few revocation paths.
  revocations ??= new Map((demoManifest().identities ?? []).map((i) => [i.id, i.revocation]));
  return DEMO_ESTATE.map((a) => {
    let name = a.name;
    if (a.identity) {
      const rev = revocations!.get(a.identity);
      // The manifest is the source of truth: an estate that disagrees with it would match nothing.
      if (rev?.connector !== a.system) throw new Error(`demo identity ${a.identity} is not revoked through ${a.system}`);
      name = rev.target;
    }
    return { ...a, user: safe('account', `${prefix}${name!}`) };
  });
}

const password = () => randomBytes(12).toString('base64url');
const databaseOf = (prefix: string) => safe('database', `${prefix}${DEMO_DATABASE}`);

/** The URL with another database: the estate's, or the one an admin connects to. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function withMariadb<T>(url: string, fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await mariadb.createConnection(url);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function provisionPostgres(
  url: string,
  prefix: string,
  accounts: (EstateAccount & { user: string })[],
  out: DemoLogin[],
): Promise<void> {
  const db = databaseOf(prefix);
  const q = pg.escapeIdentifier;
  await withPg(url, async (c) => {
    if (!(await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db])).rowCount) await c.query(`CREATE DATABASE ${q(db)}`);
    for (const a of accounts) {
      const pw = password();
      const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [a.user]);
      // ALTER … LOGIN also switches back on a role Mandate switched off: the estate is reset.
      await c.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${q(a.user)} LOGIN PASSWORD ${pg.escapeLiteral(pw)}`);
      out.push({ identity: a.identity, connector: 'postgres', user: a.user, password: pw, shows: a.shows });
    }
  });
  await withPg(withDatabase(url, db), async (c) => {
    await c.query(
      'CREATE TABLE IF NOT EXISTS payouts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, client text NOT NULL, amount ' +
        'numeric(18, 2) NOT NULL, status text NOT NULL)',
    );
    await c.query(
      'CREATE TABLE IF NOT EXISTS fx_rates (day date NOT NULL, pair text NOT NULL, rate numeric(18, 8) NOT NULL, PRIMARY KEY (day, pair))',
    );
    for (const a of accounts) {
      await c.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${q(a.user)}`);
      for (const [table, privileges] of Object.entries(a.tables ?? {}))
        await c.query(`GRANT ${privileges.join(', ')} ON ${q(table)} TO ${q(a.user)}`);
    }
  });
}

async function provisionMariadb(
  url: string,
  prefix: string,
  accounts: (EstateAccount & { user: string })[],
  out: DemoLogin[],
): Promise<void> {
  const db = databaseOf(prefix);
  await withMariadb(url, async (c) => {
    await c.query(`CREATE DATABASE IF NOT EXISTS ${c.escapeId(db)}`);
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${c.escapeId(db)}.closed_ledgers (client VARCHAR(64) NOT NULL, closed DATE NOT NULL, balance ` +
        'DECIMAL(18, 2) NOT NULL, PRIMARY KEY (client, closed))',
    );
    for (const a of accounts) {
      const pw = password();
      await c.query("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", [a.user, pw]);
      await c.query("ALTER USER ?@'%' IDENTIFIED BY ? ACCOUNT UNLOCK", [a.user, pw]);
      await c.query("REVOKE ALL PRIVILEGES, GRANT OPTION FROM ?@'%'", [a.user]);
      if (a.database?.length) await c.query(`GRANT ${a.database.join(', ')} ON ${c.escapeId(db)}.* TO ?@'%'`, [a.user]);
      out.push({ identity: a.identity, connector: 'mariadb', user: a.user, password: pw, shows: a.shows });
    }
  });
}

async function provisionRedis(url: string, accounts: (EstateAccount & { user: string })[], out: DemoLogin[]): Promise<void> {
  const r = createClient({ url, RESP: 2 });
  await r.connect();
  try {
    for (const a of accounts) {
      const pw = password();
      await r.sendCommand(['ACL', 'SETUSER', a.user, 'reset', 'on', `>${pw}`, '~demo:*', '+@read', '+@write', '+@connection']);
      out.push({ identity: a.identity, connector: 'redis', user: a.user, password: pw, shows: a.shows });
    }
  } finally {
    await r.close();
  }
}

async function provisionRabbitmq(ctl: string, accounts: (EstateAccount & { user: string })[], out: DemoLogin[]): Promise<void> {
  for (const a of accounts) {
    const pw = password();
    await run(ctl, ['-q', 'add_user', '--', a.user, pw]).catch(async () => {
      await run(ctl, ['-q', 'change_password', '--', a.user, pw]);
    });
    await run(ctl, ['-q', 'set_permissions', '-p', '/', '--', a.user, '.*', '.*', '.*']);
    out.push({ identity: a.identity, connector: 'rabbitmq', user: a.user, password: pw, shows: a.shows });
  }
}

/** Lays out the estate on every system given (a system left undefined is skipped); answers the logins. */
export async function provisionDemoSystems(systems: DemoSystems): Promise<DemoLogin[]> {
  const prefix = systems.prefix ?? '';
  const estate = demoEstate(prefix);
  const of = (s: DemoSystem) => estate.filter((a) => a.system === s);
  const out: DemoLogin[] = [];
  if (systems.postgresUrl) await provisionPostgres(systems.postgresUrl, prefix, of('postgres'), out);
  if (systems.mariadbUrl) await provisionMariadb(systems.mariadbUrl, prefix, of('mariadb'), out);
  if (systems.redisUrl) await provisionRedis(systems.redisUrl, of('redis'), out);
  if (systems.rabbitmqctl) await provisionRabbitmq(systems.rabbitmqctl, of('rabbitmq'), out);
  return out;
}

/**
 * Removes the estate of a prefix from every system given: its roles, users and databases, and
 * nothing else. Refuses an empty prefix: the demo's own estate is the user's, never a test's to drop.
 */
export async function removeDemoSystems(systems: DemoSystems): Promise<void> {
  const prefix = systems.prefix ?? '';
  if (!prefix) throw new Error('removeDemoSystems removes only a prefixed estate');
  const estate = demoEstate(prefix);
  const users = (s: DemoSystem) => estate.filter((a) => a.system === s).map((a) => a.user);
  const db = databaseOf(prefix);
  if (systems.postgresUrl) {
    await withPg(systems.postgresUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(db)} WITH (FORCE)`);
      for (const role of users('postgres')) {
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
        await c.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`);
      }
    });
  }
  if (systems.mariadbUrl) {
    await withMariadb(systems.mariadbUrl, async (c) => {
      for (const user of users('mariadb')) await c.query("DROP USER IF EXISTS ?@'%'", [user]);
      await c.query(`DROP DATABASE IF EXISTS ${c.escapeId(db)}`);
    });
  }
  if (systems.redisUrl && users('redis').length) {
    const r = createClient({ url: systems.redisUrl, RESP: 2 });
    await r.connect();
    try {
      await r.sendCommand(['ACL', 'DELUSER', ...users('redis')]);
    } finally {
      await r.close();
    }
  }
  if (systems.rabbitmqctl)
    for (const user of users('rabbitmq')) await run(systems.rabbitmqctl, ['-q', 'delete_user', '--', user]).catch(() => undefined);
}

/** The login of the interactive-use account among those provisioning answered. */
export function interactiveLogin(logins: readonly DemoLogin[]): DemoLogin {
  const login = logins.find((l) => l.identity === DEMO_INTERACTIVE.identity);
  if (!login) throw new Error(`no login for ${DEMO_INTERACTIVE.identity}: provision PostgreSQL first`);
  return login;
}

/**
 * A session as a person at psql opens it, as that login, in the estate's database: what the
 * postgres source reports as interactive use while it stays open. The caller ends it.
 */
export async function openInteractiveSession(systems: DemoSystems, login: DemoLogin): Promise<pg.Client> {
  const u = new URL(systems.postgresUrl!);
  const c = new pg.Client({
    host: u.hostname,
    port: Number(u.port || 5432),
    database: databaseOf(systems.prefix ?? ''),
    user: login.user,
    password: login.password,
    application_name: DEMO_INTERACTIVE.application,
  });
  await c.connect();
  return c;
}

/** Whether such a session is open now (a second `demo:systems` does not open another). */
export async function interactiveSessionOpen(systems: DemoSystems): Promise<boolean> {
  const user = demoEstate(systems.prefix).find((a) => a.identity === DEMO_INTERACTIVE.identity)!.user;
  return withPg(
    systems.postgresUrl!,
    async (c) =>
      (await c.query('SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND application_name = $2', [user, DEMO_INTERACTIVE.application]))
        .rowCount! > 0,
  );
}

/** The `mandate discovery sources add …` commands (arguments after `mandate`) for the systems given. */
export function discoverySourceCommands(systems: DemoSystems): string[][] {
  const prefix = systems.prefix ?? '';
  const add = (system: DemoSystem, ...options: string[]) => [
    'discovery',
    'sources',
    'add',
    DEMO_SOURCE_IDS[system],
    '--kind',
    system,
    '--environment',
    'production',
    ...options.flatMap((o) => ['--option', o]),
  ];
  const out: string[][] = [];
  // The postgres source reads grants in its URL's database: the estate's.
  if (systems.postgresUrl) out.push(add('postgres', `url=${withDatabase(systems.postgresUrl, databaseOf(prefix))}`));
  if (systems.mariadbUrl) out.push(add('mariadb', `url=${systems.mariadbUrl}`));
  if (systems.redisUrl) out.push(add('redis', `url=${systems.redisUrl}`));
  if (systems.rabbitmqctl) out.push(add('rabbitmq', `rabbitmqctl=${systems.rabbitmqctl}`));
  return out;
}

/** An argument as a POSIX shell reads it back: quoted only when it must be. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:@%=+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
