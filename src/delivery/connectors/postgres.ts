// PostgreSQL connector: an identity is a login role. disable = ALTER ROLE … NOLOGIN, then end the
// role's open sessions (NOLOGIN only refuses new logins); enable = ALTER ROLE … LOGIN.
//
// The connecting user needs CREATEROLE (or superuser, for superuser targets) and membership in
// pg_signal_backend (or superuser) to terminate other sessions. ALTER ROLE is persistent and
// replicated with the cluster; sessions on read replicas are not terminated by this connector.
import pg from 'pg';
import { PermanentConnectorError, type Connector, type ConnectorRequest, type ConnectorResult } from './connector.js';

export interface PostgresConnectorOptions {
  /** Admin connection URL, e.g. postgres://mandate@db:5432/postgres. Never included in errors. */
  url: string;
  /** Connector name identities use (default "postgres"), for firms with several clusters. */
  name?: string;
}

// SQLSTATEs that retrying cannot fix.
const PERMANENT_CODES = new Set([
  '42704', // undefined_object (role does not exist)
  '42501', // insufficient_privilege (the connector's role may not alter or signal this role)
  '42939', // reserved_name (pg_* roles)
]);

/** Role names are identifiers: non-empty, at most 63 bytes, no NUL. Anything else is a bad target. */
function checkRoleName(target: string): void {
  if (target.length === 0 || Buffer.byteLength(target) > 63 || target.includes('\0')) {
    throw new PermanentConnectorError(`invalid PostgreSQL role name ${JSON.stringify(target)}`);
  }
}

export function postgresConnector(options: PostgresConnectorOptions): Connector {
  const pool = new pg.Pool({ connectionString: options.url, max: 2, idleTimeoutMillis: 30_000 });
  // An idle client's error (server restart) must not crash the process; the next apply reconnects.
  pool.on('error', () => undefined);

  async function apply(request: ConnectorRequest): Promise<ConnectorResult> {
    const role = request.target;
    onlyDisableEnable('PostgreSQL', request);
    checkRoleName(role);
    const client = await pool.connect();
    try {
      const found = await client.query<{ rolcanlogin: boolean; self: boolean }>(
        'SELECT rolcanlogin, rolname = current_user AS self FROM pg_roles WHERE rolname = $1',
        [role],
      );
      const row = found.rows[0];
      if (!row) throw new PermanentConnectorError(`PostgreSQL role ${JSON.stringify(role)} does not exist`);
      if (row.self) {
        throw new PermanentConnectorError(`refusing to ${request.action} the connector's own role ${JSON.stringify(role)}`);
      }
      const ident = pg.escapeIdentifier(role);
      const was = row.rolcanlogin ? 'LOGIN' : 'NOLOGIN';
      if (request.action === 'enable') {
        await client.query(`ALTER ROLE ${ident} LOGIN`);
        return { detail: `role ${role} LOGIN (was ${was})` };
      }
      await client.query(`ALTER ROLE ${ident} NOLOGIN`);
      // After the ALTER has committed (autocommit), so a session cannot log in between the two.
      const killed = await client.query<{ terminated: number }>(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS terminated
           FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()`,
        [role],
      );
      const n = killed.rows[0]?.terminated ?? 0;
      return { detail: `role ${role} NOLOGIN (was ${was}), ${n} session${n === 1 ? '' : 's'} terminated` };
    } catch (err) {
      throw classify(err);
    } finally {
      client.release();
    }
  }

  return {
    name: options.name ?? 'postgres',
    apply,
    async close() {
      await pool.end();
    },
  };
}

/** Only disable and enable mean something to a login role; anything else must not fall through to either. */
function onlyDisableEnable(system: string, request: ConnectorRequest): void {
  if (request.action !== 'disable' && request.action !== 'enable') {
    throw new PermanentConnectorError(`the ${system} connector cannot ${String(request.action)}: only disable and enable`);
  }
}

function classify(err: unknown): unknown {
  if (err instanceof PermanentConnectorError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && PERMANENT_CODES.has(code)) {
    return new PermanentConnectorError(`PostgreSQL ${code}: ${(err as Error).message}`);
  }
  return err;
}
