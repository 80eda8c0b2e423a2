// The configuration file (src/config-file.ts): MANDATE_CONFIG or `mandate serve --config` names a
// JSON object keyed like the environment variables. The environment wins over it; an unknown key,
// a secret in a file others may read, or a file that is not a JSON object is refused by name, and
// `mandate serve` then exits non-zero without starting.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadServerConfig, signinConfigOf } from '../../src/config.js';
import { MandateError } from '../../src/core/errors.js';
import { runCli, startServerProcess } from '../support/cli.js';
import { testStores } from '../support/stores.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-config-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes a configuration file (mode 0600 unless told) and answers its path. */
function file(content: unknown, mode = 0o600): string {
  const path = join(dir, `config-${++n}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  chmodSync(path, mode);
  return path;
}

const OIDC = {
  MANDATE_OIDC_ISSUER: 'https://idp.firm.example/realms/mandate',
  MANDATE_OIDC_CLIENT_ID: 'mandate',
  MANDATE_OIDC_CLIENT_SECRET: 's3cret-from-the-file',
  MANDATE_OIDC_GROUPS_CLAIM: 'roles',
  MANDATE_OIDC_ROLE_MAP: { 'mandate-admins': ['admin'], 'mandate-approvers': ['approver', 'viewer'] },
  MANDATE_STEPUP_MAX_AGE_MINUTES: 5,
};

function refused(env: NodeJS.ProcessEnv, field: string, message: RegExp, flags: { config?: string } = {}): void {
  assert.throws(
    () => loadServerConfig(flags, env),
    (err: unknown) => {
      assert.ok(err instanceof MandateError, String(err));
      assert.equal(err.code, 'VALIDATION_FAILED');
      assert.equal(err.field, field);
      assert.match(err.message, message);
      return true;
    },
  );
}

test("the file's keys load like the environment's: the role map as an object or as JSON text, numbers as numbers", () => {
  const c = loadServerConfig({}, { MANDATE_CONFIG: file(OIDC) });
  assert.deepEqual(signinConfigOf(c), {
    issuer: OIDC.MANDATE_OIDC_ISSUER,
    clientId: 'mandate',
    clientSecret: 's3cret-from-the-file',
    scope: 'openid profile email offline_access',
    groupsClaim: 'roles',
    roleMap: { 'mandate-admins': ['admin'], 'mandate-approvers': ['approver', 'viewer'] },
    idleMinutes: 30,
    maxHours: 12,
    stepUp: { maxAgeMinutes: 5 },
  });
  const asText = loadServerConfig({}, { MANDATE_CONFIG: file({ ...OIDC, MANDATE_OIDC_ROLE_MAP: '{"g":["viewer"]}' }) });
  assert.deepEqual(asText.oidcRoleMap, { g: ['viewer'] });
  const lists = loadServerConfig({ config: file({ MANDATE_CAEP_RECEIVERS: ['https://a.example/caep', 'https://b.example/caep'] }) }, {});
  assert.deepEqual(lists.caepReceivers, ['https://a.example/caep', 'https://b.example/caep']);
});

test('the environment wins over the file; an empty variable counts as unset; a flag wins over both', () => {
  const path = file({ ...OIDC, MANDATE_PORT: 9000 });
  const c = loadServerConfig(
    {},
    { MANDATE_CONFIG: path, MANDATE_OIDC_ISSUER: 'https://other.example', MANDATE_OIDC_GROUPS_CLAIM: '', MANDATE_PORT: '9100' },
  );
  assert.equal(c.oidcIssuer, 'https://other.example');
  assert.equal(c.oidcGroupsClaim, 'roles');
  assert.equal(c.port, 9100);
  assert.equal(loadServerConfig({ port: '9200', config: path }, { MANDATE_PORT: '9100' }).port, 9200);
  // --config names the file when MANDATE_CONFIG names another.
  assert.equal(loadServerConfig({ config: path }, { MANDATE_CONFIG: join(dir, 'missing.json') }).port, 9000);
  // A key the file leaves out keeps its default, or the environment's value, empty or not.
  assert.equal(loadServerConfig({}, { MANDATE_CONFIG: file({ MANDATE_LOG_LEVEL: 'warn' }) }).port, 8080);
});

test('an unknown key is refused naming it (a typo never silently leaves a setting off)', () => {
  refused(
    { MANDATE_CONFIG: file({ ...OIDC, MANDATE_OIDC_GROUP_CLAIM: 'roles' }) },
    'MANDATE_OIDC_GROUP_CLAIM',
    /unknown key "MANDATE_OIDC_GROUP_CLAIM"/,
  );
  refused({ MANDATE_CONFIG: file({ OIDC_ISSUER: 'https://x.example' }) }, 'OIDC_ISSUER', /did you mean MANDATE_OIDC_ISSUER\?/);
  refused({ MANDATE_CONFIG: file({ MANDATE_CONFIG: 'other.json' }) }, 'MANDATE_CONFIG', /unknown key "MANDATE_CONFIG"/);
});

test('a secret in a file its group or others may read is refused, like ssh; without a secret the mode is free', () => {
  for (const [key, value] of [
    ['MANDATE_OIDC_CLIENT_SECRET', undefined],
    ['MANDATE_BOOTSTRAP_TOKEN', 'mdt_preset_bootstrap_token_never_printed_0123456789'],
    ['MANDATE_KEK', 'a2V5'],
    ['MANDATE_DB', 'postgres://mandate:hunter2@db.firm.example:5432/mandate'],
  ] as const) {
    const content = value === undefined ? OIDC : { [key]: value };
    for (const mode of [0o644, 0o640, 0o604]) {
      const path = file(content, mode);
      refused({ MANDATE_CONFIG: path }, key, new RegExp(`holds ${key} but its group or others may read it .*chmod 600`));
    }
  }
  const { MANDATE_OIDC_CLIENT_SECRET: _secret, ...noSecret } = OIDC;
  const open = file({ ...noSecret, MANDATE_OIDC_CLIENT_KEY_FILE: '/etc/mandate/oidc-key.json' }, 0o644);
  assert.equal(loadServerConfig({}, { MANDATE_CONFIG: open }).oidcClientKeyFile, '/etc/mandate/oidc-key.json');
  assert.equal(
    loadServerConfig({}, { MANDATE_CONFIG: file({ MANDATE_DB: 'postgres://mandate@db:5432/m' }, 0o644) }).db,
    'postgres://mandate@db:5432/m',
  );
});

test('a file that is not a JSON object, a value of the wrong type, or no file at all is refused', () => {
  refused({ MANDATE_CONFIG: file('{"MANDATE_OIDC_ISSUER": "https://x.example",}') }, 'MANDATE_CONFIG', /is not JSON/);
  refused({ MANDATE_CONFIG: file('["MANDATE_OIDC_ISSUER"]') }, 'MANDATE_CONFIG', /must be a JSON object/);
  refused({ MANDATE_CONFIG: file({ MANDATE_PORT: [8080] }) }, 'MANDATE_PORT', /MANDATE_PORT .* must be a string, number or boolean/);
  refused({ MANDATE_CONFIG: file({ MANDATE_OIDC_ROLE_MAP: ['admin'] }) }, 'MANDATE_OIDC_ROLE_MAP', /or an object from a group/);
  refused({ MANDATE_CONFIG: join(dir, 'missing.json') }, 'MANDATE_CONFIG', /cannot read the configuration file .*missing\.json/);
  refused({ MANDATE_CONFIG: dir }, 'MANDATE_CONFIG', /not a regular file/);
  // The file's values go through the same checks as the environment's.
  refused({ MANDATE_CONFIG: file({ ...OIDC, MANDATE_OIDC_ROLE_MAP: { g: ['root'] } }) }, 'MANDATE_OIDC_ROLE_MAP', /unknown role "root"/);
  refused({ MANDATE_CONFIG: file({ MANDATE_OIDC_CLIENT_ID: 'x' }) }, 'MANDATE_OIDC_ISSUER', /MANDATE_OIDC_CLIENT_ID is set but/);
});

test('the file takes every key the server reads from the environment, and only those', () => {
  const source = readFileSync(new URL('../../src/config.ts', import.meta.url), 'utf8');
  const read = [...new Set([...source.matchAll(/\benv\.(MANDATE_[A-Z0-9_]+)/g)].map((m) => m[1]!))];
  assert.ok(read.length > 40, 'the keys are found in src/config.ts');
  for (const key of read) {
    // Some values are refused for what they are (alone, or not a number): never as an unknown key.
    try {
      loadServerConfig({}, { MANDATE_CONFIG: file({ [key]: '1' }) });
    } catch (err) {
      assert.ok(err instanceof MandateError, String(err));
      assert.doesNotMatch(err.message, /unknown key/, key);
    }
  }
  refused({ MANDATE_CONFIG: file({ MANDATE_CONNECTOR_REDIS_URL: 'redis://r:6379' }) }, 'MANDATE_CONNECTOR_REDIS_URL', /unknown key/);
});

test("docs/sign-in.md's sample configuration file loads, its secret from the environment", () => {
  const page = readFileSync(new URL('../../docs/sign-in.md', import.meta.url), 'utf8');
  const section = page.slice(page.indexOf('### The configuration file'));
  const sample = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  assert.ok(sample, 'the section has a JSON sample');
  const c = loadServerConfig({}, { MANDATE_CONFIG: file(sample, 0o644), MANDATE_OIDC_CLIENT_SECRET: 'from-a-secret-store' });
  assert.equal(c.publicUrl, 'https://mandate.firm.example');
  assert.equal(c.sessionIdleMinutes, 20);
  assert.equal(signinConfigOf(c)?.clientSecret, 'from-a-secret-store');
});

test('mandate serve --config: a bad file exits non-zero with the reason, and nothing starts', async () => {
  const bad = file({ ...OIDC, MANDATE_OIDC_ROLEMAP: {} });
  const r = await runCli(['serve', '--config', bad, '--port', '0']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown key "MANDATE_OIDC_ROLEMAP"/);
  assert.doesNotMatch(r.stdout, /listening/);
  const leaky = file(OIDC, 0o644);
  const r2 = await runCli(['serve', '--config', leaky, '--port', '0']);
  assert.notEqual(r2.code, 0);
  assert.match(r2.stderr, /group or others may read it/);
  assert.ok(!r2.stderr.includes(OIDC.MANDATE_OIDC_CLIENT_SECRET), 'the secret is never in the message');
});

test('mandate serve --config: a good file configures the server (a bootstrap token from it, never printed)', async () => {
  const store = testStores()[0]!;
  const preset = 'mdt_preset_bootstrap_token_from_the_config_file_0123';
  (await store.open()).close();
  const server = await startServerProcess(['--config', file({ MANDATE_DB: store.url(), MANDATE_BOOTSTRAP_TOKEN: preset })]);
  try {
    assert.equal((await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${preset}` } })).status, 200);
    assert.match(server.output(), /store: sqlite/);
    assert.match(server.output(), /with the token of MANDATE_BOOTSTRAP_TOKEN \(not shown\)/);
    assert.ok(!server.output().includes(preset));
  } finally {
    await server.stop();
    await store.cleanup();
  }
});
