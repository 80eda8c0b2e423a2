// The stores every shared suite runs against: SQLite (a temp file) and PostgreSQL (a database
// created for this test file and dropped after). PostgreSQL is on 127.0.0.1:5432 here and in CI;
// MANDATE_TEST_PG overrides the admin URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/store/db.js';
import { openDatabase } from '../../src/store/open.js';
import { migrate } from '../../src/store/migrations.js';

export const PG_ADMIN_URL = process.env.MANDATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `fn` on a fresh administrator connection (to the admin URL, or `url`), closed after. */
export async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>, url = PG_ADMIN_URL): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface TestStore {
  name: 'sqlite' | 'postgres';
  /** A fresh, migrated, empty store. */
  open(): Promise<Database>;
  /** The URL of the last store opened (for a server started by URL). */
  url(): string;
  cleanup(): Promise<void>;
}

function sqliteStore(): TestStore {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-test-'));
  let n = 0;
  let last = '';
  const opened: Database[] = [];
  return {
    name: 'sqlite',
    async open() {
      last = `sqlite:${join(dir, `t${n++}.db`)}`;
      const db = await openDatabase(last);
      await migrate(db);
      opened.push(db);
      return db;
    },
    url: () => last,
    async cleanup() {
      for (const db of opened) await db.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `locale`: an ICU locale for the databases' default collation (a linguistic order, unlike this
 * server's C.UTF-8), for suites whose orders must not depend on it.
 */
function postgresStore(locale?: string): TestStore {
  const created: string[] = [];
  const opened: Database[] = [];
  let last = '';
  const admin = () => new pg.Client({ connectionString: PG_ADMIN_URL });
  return {
    name: 'postgres',
    async open() {
      const name = `mandate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const c = admin();
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}${locale ? ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${locale}'` : ''}`);
      } finally {
        await c.end();
      }
      created.push(name);
      const url = new URL(PG_ADMIN_URL);
      url.pathname = `/${name}`;
      last = url.toString();
      const db = await openDatabase(last);
      await migrate(db);
      opened.push(db);
      return db;
    },
    url: () => last,
    async cleanup() {
      for (const db of opened) await db.close().catch(() => undefined);
      const c = admin();
      await c.connect();
      try {
        for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Both stores; a suite loops over them so SQLite and PostgreSQL behave the same by construction. */
export function testStores(opts: { postgresLocale?: string } = {}): TestStore[] {
  return [sqliteStore(), postgresStore(opts.postgresLocale)];
}
