// Creates, on local servers, the PostgreSQL login role, Redis ACL user and RabbitMQ user of the
// demo identities a withdrawal of ent-de's French custody passport suspends, so the walk-through
// can show them refusing logins. Demo use only: each gets a fresh random password, returned once.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { createClient } from 'redis';
import { SHOWCASE_SYSTEM_USERS } from './showcase.js';

const run = promisify(execFile);

export interface DemoSystems {
  postgresUrl?: string;
  redisUrl?: string;
  /** Path to rabbitmqctl, or undefined to skip RabbitMQ. */
  rabbitmqctl?: string;
}

export interface DemoLogin {
  identity: string;
  connector: string;
  user: string;
  password: string;
}

export async function provisionDemoSystems(systems: DemoSystems, only: readonly string[] = ['postgres', 'redis', 'rabbitmq']): Promise<DemoLogin[]> {
  const out: DemoLogin[] = [];
  for (const u of SHOWCASE_SYSTEM_USERS) {
    if (!only.includes(u.connector)) continue;
    const password = randomBytes(12).toString('base64url');
    if (u.connector === 'postgres' && systems.postgresUrl) {
      const c = new pg.Client({ connectionString: systems.postgresUrl });
      await c.connect();
      try {
        const role = pg.escapeIdentifier(u.target);
        const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [u.target]);
        await c.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
      } finally {
        await c.end();
      }
    } else if (u.connector === 'redis' && systems.redisUrl) {
      const r = createClient({ url: systems.redisUrl, RESP: 2 });
      await r.connect();
      try {
        await r.sendCommand(['ACL', 'SETUSER', u.target, 'reset', 'on', `>${password}`, '~demo:*', '+@read', '+@write', '+@connection']);
      } finally {
        await r.close();
      }
    } else if (u.connector === 'rabbitmq' && systems.rabbitmqctl) {
      await run(systems.rabbitmqctl, ['-q', 'add_user', '--', u.target, password]).catch(async () => {
        await run(systems.rabbitmqctl!, ['-q', 'change_password', '--', u.target, password]);
      });
      await run(systems.rabbitmqctl, ['-q', 'set_permissions', '-p', '/', '--', u.target, '.*', '.*', '.*']);
    } else continue;
    out.push({ identity: u.identity, connector: u.connector, user: u.target, password });
  }
  return out;
}
