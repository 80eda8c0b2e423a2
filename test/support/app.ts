// A server on a test store, with an admin token and helpers to call it as any role.
import { buildApp, type MandateApp } from '../../src/app.js';
import type { Role } from '../../src/core/roles.js';
import type { Database } from '../../src/store/db.js';

export interface TestApp {
  app: MandateApp;
  db: Database;
  admin: string;
  /** A token for a new user holding exactly these roles. */
  tokenFor(roles: Role[]): Promise<string>;
  call(method: string, url: string, token: string | undefined, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
}

let users = 0;

export async function testApp(db: Database, clock?: () => Date): Promise<TestApp> {
  const app = await buildApp({ db, logger: process.env.TEST_LOG ? { level: 'error' } : false, ...(clock ? { clock } : {}) });
  const admin = (await app.services.access.bootstrap(undefined))!;
  return {
    app,
    db,
    admin,
    async tokenFor(roles) {
      const id = `u${++users}-${roles.join('-') || 'none'}`;
      await app.services.access.createUser('test', { id, name: id, roles });
      return (await app.services.access.createToken('test', id, {})).token;
    },
    async call(method, url, token, body, headers = {}) {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
      });
      let parsed: unknown = res.body;
      try {
        parsed = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        // not JSON
      }
      return { status: res.statusCode, body: parsed, headers: res.headers };
    },
  };
}
