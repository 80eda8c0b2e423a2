// Single sign-on's configuration keys (src/config.ts): read from the environment, all or nothing,
// and a bad role map named in the error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadServerConfig, signinConfigOf } from '../../src/config.js';
import { MandateError } from '../../src/core/errors.js';

const OIDC = {
  MANDATE_OIDC_ISSUER: 'https://idp.firm.example/realms/mandate',
  MANDATE_OIDC_CLIENT_ID: 'mandate',
  MANDATE_OIDC_CLIENT_SECRET: 's3cret',
  MANDATE_OIDC_ROLE_MAP: '{"mandate-admins":["admin"],"mandate-approvers":["approver","viewer"]}',
};

function refused(env: NodeJS.ProcessEnv, field: string, message: RegExp): void {
  assert.throws(
    () => loadServerConfig({}, env),
    (err: unknown) => {
      assert.ok(err instanceof MandateError);
      assert.equal(err.code, 'VALIDATION_FAILED');
      assert.equal(err.field, field);
      assert.match(err.message, message);
      return true;
    },
  );
}

test('without an issuer, single sign-on is off; the defaults are there', () => {
  const c = loadServerConfig({}, {});
  assert.equal(signinConfigOf(c), undefined);
  assert.equal(c.oidcGroupsClaim, 'groups');
  assert.equal(c.sessionIdleMinutes, 30);
  assert.equal(c.sessionMaxHours, 12);
  assert.equal(c.stepUpMaxAgeMinutes, 10);
});

test('the keys become the sign-in configuration', () => {
  const c = loadServerConfig(
    {},
    {
      ...OIDC,
      MANDATE_OIDC_GROUPS_CLAIM: 'realm_access.roles',
      MANDATE_SESSION_IDLE_MINUTES: '15',
      MANDATE_SESSION_MAX_HOURS: '8',
      MANDATE_STEPUP_MAX_AGE_MINUTES: '5',
      MANDATE_STEPUP_ACR: 'gold',
      MANDATE_OIDC_SCOPES: 'openid profile groups',
    },
  );
  assert.deepEqual(signinConfigOf(c), {
    issuer: OIDC.MANDATE_OIDC_ISSUER,
    clientId: 'mandate',
    clientSecret: 's3cret',
    scope: 'openid profile groups',
    groupsClaim: 'realm_access.roles',
    roleMap: { 'mandate-admins': ['admin'], 'mandate-approvers': ['approver', 'viewer'] },
    idleMinutes: 15,
    maxHours: 8,
    stepUp: { maxAgeMinutes: 5, acr: 'gold' },
  });
});

test('a bad role map, or a half configuration, is refused naming the key', () => {
  refused(
    { ...OIDC, MANDATE_OIDC_ROLE_MAP: '{"g":["root"]}' },
    'MANDATE_OIDC_ROLE_MAP',
    /MANDATE_OIDC_ROLE_MAP group "g" names an unknown role "root"/,
  );
  refused({ ...OIDC, MANDATE_OIDC_ROLE_MAP: 'admins=admin' }, 'MANDATE_OIDC_ROLE_MAP', /MANDATE_OIDC_ROLE_MAP is not JSON/);
  refused({ ...OIDC, MANDATE_OIDC_ROLE_MAP: '' }, 'MANDATE_OIDC_ROLE_MAP', /needs MANDATE_OIDC_ROLE_MAP/);
  refused({ ...OIDC, MANDATE_OIDC_CLIENT_ID: '' }, 'MANDATE_OIDC_CLIENT_ID', /needs MANDATE_OIDC_CLIENT_ID/);
  refused(
    { ...OIDC, MANDATE_OIDC_CLIENT_SECRET: '' },
    'MANDATE_OIDC_CLIENT_SECRET',
    /one of MANDATE_OIDC_CLIENT_SECRET and MANDATE_OIDC_CLIENT_KEY_FILE/,
  );
  refused({ ...OIDC, MANDATE_OIDC_CLIENT_KEY_FILE: '/k.json' }, 'MANDATE_OIDC_CLIENT_SECRET', /one of/);
  refused({ MANDATE_OIDC_CLIENT_ID: 'x' }, 'MANDATE_OIDC_ISSUER', /MANDATE_OIDC_CLIENT_ID is set but MANDATE_OIDC_ISSUER is not/);
  refused({ ...OIDC, MANDATE_OIDC_SCOPES: 'profile email' }, 'MANDATE_OIDC_SCOPES', /./);
  refused({ ...OIDC, MANDATE_SESSION_IDLE_MINUTES: '0' }, 'MANDATE_SESSION_IDLE_MINUTES', /./);
});
