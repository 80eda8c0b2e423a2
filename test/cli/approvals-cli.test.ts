// The approval engine from the command line, against a real server process: just-in-time access
// asked for, found in an approver's inbox, approved twice and then allowed by the decision point;
// separation of duties refused with the server's word; bad flags refused before any request;
// exceptions; break-glass on the emergency path and its review; findings.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, startServerProcess, type ServerProcess } from '../support/cli.js';
import { personSession, providerForServer } from '../support/oidc-provider.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const TOKEN = 'mdt_test_bootstrap_token_approvals_0123456789';
const CUSTODY_DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' } as const;
const SCOPE_FLAGS = ['--entity', 'ent-de', '--service', 'custody', '--jurisdiction', 'DE'];
const DECIDE = [
  'decide',
  '--identity',
  'svc-custody',
  '--action',
  'withdraw_to_client',
  ...SCOPE_FLAGS,
  '--attested',
  '--device',
  'compliant',
];

const store = testStores()[0]!;
const USERS = [
  ['olga', 'operator'],
  ['anton', 'approver'],
  ['alma', 'approver'],
  ['carla', 'compliance_officer'],
] as const;

describe('approvals, access, exceptions, break-glass and findings from the CLI (sqlite)', () => {
  let server: ServerProcess;
  let provider: Awaited<ReturnType<typeof providerForServer>> | undefined;
  const tokens: Record<string, string> = {};
  const as = (who: string, ...args: string[]) => runCli(args, { MANDATE_URL: server.url, MANDATE_TOKEN: tokens[who]! });
  let accessId = '';

  before(async () => {
    const db = await store.open();
    await db.close();
    // People sign in through the test's identity provider, as mandate login --sso does (no one mints a credential for another).
    provider = await providerForServer(USERS);
    server = await startServerProcess(['--db', store.url(), '--port', String(provider.port)], {
      MANDATE_BOOTSTRAP_TOKEN: TOKEN,
      ...provider.env,
    });
    tokens.admin = TOKEN;
    const dir = mkdtempSync(join(tmpdir(), 'mandate-approvals-cli-'));
    const file = join(dir, 'firm.json');
    writeFileSync(
      file,
      JSON.stringify(
        smallManifest([
          identity('svc-custody', { actions: ['read', 'reconcile'], scopes: [CUSTODY_DE] }),
          identity('bg-custody', {
            break_glass: true,
            scopes: [CUSTODY_DE],
            credential: { type: 'certificate', created: '2026-01-01T00:00:00Z' },
          }),
        ]),
      ),
    );
    const imported = await as('admin', 'import', file);
    assert.equal(imported.code, 0, imported.stderr);
    for (const [user] of USERS) {
      const own = await personSession(server.url, { login: user });
      assert.equal(own.user, user);
      tokens[user] = own.token;
    }
  });
  after(async () => {
    const log = server?.output() ?? '';
    if (/"level":(50|60)/.test(log)) process.stderr.write(`--- server log ---\n${log.slice(-6000)}\n`);
    await server?.stop();
    await provider?.close();
    await store.cleanup();
  });

  test('bad flags are refused with exit 2 and a clear message, before any request', async () => {
    const base = ['access', 'request', 'svc-custody', '--action', 'withdraw_to_client', ...SCOPE_FLAGS, '--justification', 'INC-42'];
    for (const bad of ['soon', '30x', '0', '-5m', '']) {
      const r = await as('olga', ...base, '--duration', bad);
      assert.equal(r.code, 2, `--duration ${bad}: ${r.stderr}`);
      assert.match(r.stderr, /--duration must be whole seconds \(1800\) or a span like 30m, 2h or 1h30m/);
    }
    const missing = await as(
      'olga',
      'access',
      'request',
      'svc-custody',
      '--action',
      'withdraw_to_client',
      ...SCOPE_FLAGS,
      '--duration',
      '30m',
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--justification/);
    const noAction = await as('olga', 'access', 'request', 'svc-custody', ...SCOPE_FLAGS, '--duration', '30m', '--justification', 'x');
    assert.equal(noAction.code, 2);
    assert.match(noAction.stderr, /--action/);
    const status = await as('anton', 'approvals', 'list', '--status', 'maybe');
    assert.equal(status.code, 2);
    assert.match(status.stderr, /Allowed choices are pending, approved/);
    const mixed = await as('anton', 'approvals', 'list', '--mine', '--status', 'approved');
    assert.equal(mixed.code, 2);
    const limit = await as('anton', 'approvals', 'list', '--limit', '9999');
    assert.equal(limit.code, 2);
    const control = await as(
      'carla',
      'exceptions',
      'add',
      'svc-custody',
      '--control',
      'firewall',
      '--action',
      'read',
      ...SCOPE_FLAGS,
      '--justification',
      'x',
      '--expires',
      '2027-01-01',
    );
    assert.equal(control.code, 2);
    const expires = await as(
      'carla',
      'exceptions',
      'add',
      'svc-custody',
      '--control',
      'entitlement',
      '--action',
      'read',
      ...SCOPE_FLAGS,
      '--justification',
      'x',
      '--expires',
      'next week',
    );
    assert.equal(expires.code, 2);
    assert.match(expires.stderr, /--expires must be an ISO 8601 date/);
    const bgDuration = await as('olga', 'break-glass', 'unseal', 'bg-custody', '--reason', 'x', '--duration', 'an hour');
    assert.equal(bgDuration.code, 2);
    const severity = await as('carla', 'findings', '--severity', 'dire');
    assert.equal(severity.code, 2);
    // None of it reached the server as a request.
    assert.equal(JSON.parse((await as('admin', 'access', 'list', '--json')).stdout).length, 0);
    assert.equal(JSON.parse((await as('admin', 'exceptions', 'list', '--json')).stdout).length, 0);
    assert.equal(JSON.parse((await as('admin', 'break-glass', 'list', '--json')).stdout).length, 0);
  });

  test('just-in-time access: asked, in an approver’s inbox, approved twice, allowed; never self-approved', async () => {
    const before = await as('olga', ...DECIDE);
    assert.equal(before.code, 4, 'no grant yet: deny');

    const req = await as(
      'olga',
      'access',
      'request',
      'svc-custody',
      '--action',
      'withdraw_to_client',
      ...SCOPE_FLAGS,
      '--duration',
      '30m',
      '--justification',
      'stuck withdrawal INC-42',
      '--ticket',
      'INC-42',
    );
    assert.equal(req.code, 0, req.stderr);
    const m = new RegExp(
      /^access request (ap_[0-9a-f]+) for svc-custody is pending: it needs 2 approvals from approver or admin by \S+\n/.source +
        / {2}an approver decides it with: mandate approvals approve ap_/.source,
    ).exec(req.stdout);
    assert.ok(m, req.stdout);
    accessId = m[1]!;
    const shown = JSON.parse((await as('olga', 'access', 'show', accessId, '--json')).stdout);
    assert.equal(shown.duration_seconds, 1800);
    assert.deepEqual(shown.actions, ['withdraw_to_client']);

    // The inbox: an approver sees it; its requester does not.
    const inbox = await as('anton', 'approvals', 'list', '--mine');
    assert.equal(inbox.code, 0, inbox.stderr);
    assert.match(inbox.stdout, /^ID\s+KIND\s+SUMMARY\s+VOTES\s+STATUS\s+EXPIRES_AT/);
    const row = inbox.stdout.split('\n').find((l) => l.startsWith(accessId));
    assert.ok(row, inbox.stdout);
    assert.match(row, /\baccess\b.*\b0\/2\s+pending\b/);
    const own = await as('olga', 'approvals', 'list', '--mine');
    assert.equal(own.code, 0);
    assert.ok(!own.stdout.includes(accessId), own.stdout);

    const self = await as('olga', 'approvals', 'approve', accessId);
    assert.equal(self.code, 1);
    assert.match(self.stderr, /error SEPARATION_OF_DUTIES: you made this request: someone else must decide it/);
    const wrongRole = await as('carla', 'approvals', 'approve', accessId);
    assert.equal(wrongRole.code, 1);
    assert.match(wrongRole.stderr, /FORBIDDEN/);

    const first = await as('anton', 'approvals', 'approve', accessId, '--reason', 'checked INC-42');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), `approval ${accessId} is pending: 1 of 2 approvals`);
    const again = await as('anton', 'approvals', 'approve', accessId);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /one person's approval counts once/);
    assert.equal((await as('olga', ...DECIDE)).code, 4, 'one approval of two grants nothing');

    const second = await as('alma', 'approvals', 'approve', accessId);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`^approval ${accessId} is approved \\(approved by anton, alma\\)`));

    const show = await as('carla', 'approvals', 'show', accessId);
    assert.match(show.stdout, /kind: {6}access \(rule access-execute-client-assets: 2 approvals from approver or admin\)/);
    assert.match(show.stdout, /approved by anton at \S+: checked INC-42/);
    const access = await as('carla', 'access', 'show', accessId);
    assert.match(access.stdout, new RegExp(`^access request ${accessId} for svc-custody is active`));
    assert.match(access.stdout, /granted: {7}\S+ until \S+/);
    const active = await as('carla', 'access', 'list', '--identity', 'svc-custody', '--status', 'active');
    assert.match(
      active.stdout,
      new RegExp(`${accessId}\\s+svc-custody\\s+withdraw_to_client\\s+ent-de/custody/DE\\s+30m\\s+active\\s+2/2`),
    );
    const grants = await as('carla', 'access', 'grants', 'svc-custody');
    assert.match(grants.stdout, new RegExp(`${accessId}\\s+access\\s+withdraw_to_client\\s+ent-de/custody/DE`));

    const allowed = await as('olga', ...DECIDE);
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    assert.match(allowed.stdout, /^ALLOW/);

    const revoked = await as('olga', 'access', 'revoke', accessId, '--reason', 'INC-42 resolved');
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout.trim(), `access request ${accessId} for svc-custody is ended`);
    assert.equal((await as('olga', ...DECIDE)).code, 4, 'revoked: deny again');
    assert.match((await as('carla', 'access', 'grants', 'svc-custody')).stdout, /svc-custody holds nothing beyond its entitlement/);
    const noRevokeTwice = await as('olga', 'access', 'revoke', accessId, '--reason', 'again');
    assert.equal(noRevokeTwice.code, 1);
    assert.match(noRevokeTwice.stderr, /ALREADY_DECIDED/);
  });

  test('a rejection, the rules in force, and the decided list', async () => {
    const req = await as(
      'olga',
      'access',
      'request',
      'svc-custody',
      '--action',
      'read,reconcile',
      ...SCOPE_FLAGS,
      '--duration',
      '3600',
      '--justification',
      'audit support',
    );
    assert.equal(req.code, 0, req.stderr);
    const id = /access request (ap_[0-9a-f]+)/.exec(req.stdout)![1]!;
    // reconcile executes on custody: two approvers; the comma-separated actions were both asked for.
    assert.match(req.stdout, /it needs 2 approvals from approver or admin/);
    assert.deepEqual(JSON.parse((await as('olga', 'access', 'show', id, '--json')).stdout).actions, ['read', 'reconcile']);
    const rej = await as('anton', 'approvals', 'reject', id, '--reason', 'use the reporting identity');
    assert.equal(rej.code, 0, rej.stderr);
    assert.match(rej.stdout, new RegExp(`^approval ${id} is rejected \\(rejected by anton: use the reporting identity\\)`));
    assert.match((await as('olga', 'access', 'show', id)).stdout, /is rejected/);
    const decided = JSON.parse((await as('carla', 'approvals', 'list', '--status', 'rejected', '--kind', 'access', '--json')).stdout) as {
      id: string;
    }[];
    assert.deepEqual(
      decided.map((a) => a.id),
      [id],
    );
    assert.match((await as('anton', 'approvals', 'list', '--mine')).stdout, /^nothing waits for your decision/);

    const rules = await as('carla', 'approvals', 'rules');
    assert.equal(rules.code, 0, rules.stderr);
    assert.match(rules.stdout, /^ID\s+KIND\s+WHEN\s+APPROVALS\s+ROLES\s+EXPIRES_AFTER/);
    assert.match(
      rules.stdout,
      /access-execute-client-assets\s+access\s+capability=execute services=custody\|transfer\s+2\s+approver,admin\s+8h/,
    );
    assert.ok(JSON.parse((await as('carla', 'approvals', 'rules', '--json')).stdout).length >= 9);
  });

  test('exceptions: registered, pending two approvals, listed, shown, closed', async () => {
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const add = await as(
      'carla',
      'exceptions',
      'add',
      'svc-custody',
      '--control',
      'workload_attestation',
      '--action',
      'withdraw_to_client',
      ...SCOPE_FLAGS,
      '--justification',
      'legacy HSM host cannot attest until Q3',
      '--expires',
      expires,
      '--monitor',
      '--note',
      'weekly log review',
      '--ticket',
      'RISK-9',
    );
    assert.equal(add.code, 0, add.stderr);
    const m = /^exception (ex_[0-9a-f]+) for svc-custody is pending: it needs 2 approvals from approver or admin/.exec(add.stdout);
    assert.ok(m, add.stdout);
    const id = m[1]!;
    const list = await as('carla', 'exceptions', 'list', '--identity', 'svc-custody', '--status', 'pending');
    assert.match(
      list.stdout,
      new RegExp(`${id}\\s+svc-custody\\s+workload_attestation\\s+withdraw_to_client\\s+ent-de/custody/DE\\s+pending\\s+${expires}`),
    );
    const show = await as('carla', 'exceptions', 'show', id);
    assert.match(show.stdout, /waives: {8}workload_attestation/);
    assert.match(show.stdout, /compensating: {2}extra monitoring \(weekly log review\)/);
    const close = await as('carla', 'exceptions', 'close', id, '--notes', 'HSM replaced early');
    assert.equal(close.code, 0, close.stderr);
    assert.equal(close.stdout.trim(), `exception ${id} for svc-custody is closed`);
    const operator = await as(
      'olga',
      'exceptions',
      'add',
      'svc-custody',
      '--control',
      'entitlement',
      '--action',
      'read',
      ...SCOPE_FLAGS,
      '--justification',
      'x',
      '--expires',
      expires,
    );
    assert.equal(operator.code, 1, 'an operator may not register exceptions');
    assert.match(operator.stderr, /FORBIDDEN/);
  });

  test('break-glass on the emergency path: unsealed at once, a critical finding until someone else reviews it', async () => {
    const unseal = await as(
      'olga',
      'break-glass',
      'unseal',
      'bg-custody',
      '--reason',
      'custody API down, clients waiting (INC-7)',
      '--emergency',
      '--duration',
      '15m',
      '--ticket',
      'INC-7',
    );
    assert.equal(unseal.code, 0, unseal.stderr);
    const m = new RegExp(
      /^break-glass identity bg-custody is unsealed until \S+ \(activation (bg_[0-9a-f]+), emergency path\)\n/.source +
        / {2}the post-incident review is open/.source,
    ).exec(unseal.stdout);
    assert.ok(m, unseal.stdout);
    const id = m[1]!;
    const twice = await as('olga', 'break-glass', 'unseal', 'bg-custody', '--reason', 'again', '--emergency');
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /ALREADY_EXISTS/);

    const open = await as('carla', 'break-glass', 'list', '--review', 'open');
    assert.match(open.stdout, new RegExp(`${id}\\s+bg-custody\\s+active\\s+yes\\s+\\S+\\s+\\S+\\s+open\\s+user:olga`));
    assert.match((await as('carla', 'break-glass', 'show', id)).stdout, /review: {4}open/);
    // Nobody approved it: the approval reads as an emergency whose review is pending, never "approved".
    const approvalId = (JSON.parse((await as('carla', 'break-glass', 'show', id, '--json')).stdout) as { approval_id: string }).approval_id;
    const pending = await as('carla', 'approvals', 'show', approvalId);
    assert.match(
      pending.stdout,
      new RegExp(`^approval ${approvalId}: emergency, review pending \\(nobody approved it: emergency path taken`),
    );
    assert.doesNotMatch(pending.stdout, /is approved/);
    assert.match(
      (await as('carla', 'approvals', 'list', '--kind', 'break_glass')).stdout,
      new RegExp(`${approvalId}\\s+break_glass\\s+.*0/\\d\\s+emergency, review pending`),
    );

    // Reading findings runs nothing: the checks run on their schedule, after changes, or when asked.
    const ran = await as('carla', 'checks', 'run');
    assert.equal(ran.code, 0, ran.stderr);
    const findings = await as('carla', 'findings');
    assert.equal(findings.code, 0, findings.stderr);
    assert.match(findings.stdout, /^SEVERITY\s+CHECK\s+SUBJECT\s+STATUS\s+OWNER\s+DUE\s+TITLE/);
    assert.match(findings.stdout, new RegExp(`critical\\s+break-glass-unreviewed\\s+${id}\\s+open\\s+.*Break-glass use of bg-custody`));
    const critical = JSON.parse((await as('carla', 'findings', '--severity', 'critical', '--json')).stdout) as { id: string }[];
    assert.ok(critical.some((f) => f.id === `break-glass-unreviewed:${id}`));

    const self = await as('olga', 'break-glass', 'review', id, '--notes', 'mine');
    assert.equal(self.code, 1);
    assert.match(self.stderr, /SEPARATION_OF_DUTIES: the post-incident review is done by someone other than who unsealed/);
    const sealed = await as('olga', 'break-glass', 'seal', id, '--reason', 'API back');
    assert.equal(sealed.code, 0, sealed.stderr);
    assert.equal(sealed.stdout.trim(), `break-glass activation ${id} of bg-custody is ended; review open`);
    const reviewed = await as(
      'carla',
      'break-glass',
      'review',
      id,
      '--notes',
      'withdrawals checked against the ledger; credential rotated',
    );
    assert.equal(reviewed.code, 0, reviewed.stderr);
    assert.equal(reviewed.stdout.trim(), `post-incident review of ${id} (bg-custody) is done, by carla`);

    assert.equal((await as('carla', 'checks', 'run')).code, 0);
    assert.doesNotMatch((await as('carla', 'findings')).stdout, new RegExp(id));
    assert.match((await as('carla', 'findings', '--check', 'break-glass-unreviewed')).stdout, /^no findings/);
    assert.match((await as('carla', 'break-glass', 'list', '--review', 'done')).stdout, new RegExp(id));
    assert.match(
      (await as('olga', 'approvals', 'show', approvalId)).stdout,
      new RegExp(`^approval ${approvalId}: emergency, review done by carla`),
    );
  });
});
