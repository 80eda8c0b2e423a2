// A server on a test store, with an admin token and helpers to call it as any role.
import { buildApp, type AppOptions, type MandateApp } from '../../src/app.js';
import type { Role } from '../../src/core/roles.js';
import type { Database } from '../../src/store/db.js';
import { sharedSignin, signInto, type SignedIn } from './oidc-provider.js';

export interface TestApp {
  app: MandateApp;
  db: Database;
  admin: string;
  /** A token for a new user holding exactly these roles. */
  tokenFor(roles: Role[]): Promise<string>;
  call(
    method: string,
    url: string,
    token: string | undefined,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /**
   * Signs a demo person (carol, ana, ben, olga, ada) in through the identity provider, as a browser
   * does; `mfa` adds the one-time code (amr pwd+otp, acr mfa). Only for an app built with `sso: true`.
   */
  signIn(person: string, opts?: { mfa?: boolean }): Promise<SignedIn>;
  /** Votes an approval through with as many fresh approvers as it needs (never its requester nor the identity's owner). */
  approve(approvalId: string): Promise<void>;
  /**
   * Writes a record as the admin would, and where the write adds power (202, held for approval)
   * has it approved by fresh approvers: answers the record as then stored (status 201 or 200).
   */
  write(
    method: 'POST' | 'PUT',
    url: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
}

let users = 0;

export async function testApp(
  db: Database,
  clock?: () => Date,
  options: Omit<Partial<AppOptions>, 'db' | 'clock'> & {
    /** Sign-in through the process's shared demo provider (test/support/oidc-provider.ts): t.signIn. */
    sso?: boolean;
  } = {},
): Promise<TestApp> {
  const { sso, ...rest } = options;
  const shared = sso && !rest.signin ? await sharedSignin() : undefined;
  const app = await buildApp({
    db,
    logger: process.env.TEST_LOG ? { level: 'error' } : false,
    ...(clock ? { clock } : {}),
    ...(shared ? { signin: { config: shared.config, publicUrl: shared.publicUrl }, publicUrl: shared.publicUrl } : {}),
    ...rest,
  });
  if (shared) {
    // The shared provider closes with the last app that uses it (hooks cannot be added once the app is ready).
    const close = app.close.bind(app) as () => Promise<void>;
    (app as unknown as { close: () => Promise<void> }).close = async () => {
      await close();
      await shared.release();
    };
  }
  const admin = (await app.services.users.bootstrap(undefined))!;
  const t: TestApp = {
    app,
    db,
    admin,
    async signIn(person, opts = {}) {
      if (!app.services.signin) throw new Error('t.signIn needs an app built with testApp(db, clock, { sso: true })');
      return signInto((o) => app.inject(o), person, opts);
    },
    async approve(approvalId) {
      for (let n = 0; n < 5; n++) {
        const voted = await t.call('POST', `/v1/approvals/${approvalId}/approve`, await t.tokenFor(['approver']), {});
        if (voted.status !== 200) throw new Error(`approval ${approvalId} refused a vote: ${JSON.stringify(voted.body)}`);
        if (voted.body.status === 'approved') return;
      }
      throw new Error(`approval ${approvalId} was not approved by five approvers`);
    },
    async write(method, url, body, headers = {}) {
      const res = await t.call(method, url, admin, body, headers);
      if (res.status !== 202) return res;
      await t.approve(res.body.approval.id);
      const id = res.body.change.identity.id as string;
      const stored = await t.call('GET', `/v1/identities/${id}`, admin);
      return { ...stored, status: method === 'POST' ? 201 : 200 };
    },
    async tokenFor(roles) {
      const id = `u${++users}-${roles.join('-') || 'none'}`;
      await app.services.users.createUser('test', { id, name: id, roles });
      return (await app.services.users.createToken('test', id, {})).token;
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
  return t;
}
