// The export sources (Kubernetes, AWS IAM, GitHub) over the fixtures in fixtures/, written from the
// vendors' documented shapes: what each reads, that secrets in the export never reach a result,
// and that a malformed export is refused whole with the path of its first bad field.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { reconcile } from '../../src/core/discovery.js';
import { actionLevel } from '../../src/discovery/aws-iam.js';
import { MalformedSourceError, type SourceConfig } from '../../src/discovery/source.js';
import { openSource, readSource } from '../../src/discovery/registry.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const ctx = { baseDir: FIXTURES, now: () => new Date('2026-11-22T10:00:00Z') };
const tmp = mkdtempSync(join(tmpdir(), 'mandate-disc-exports-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const read = async (config: SourceConfig) => readSource(await openSource(config, ctx));

/** Writes a broken copy of a fixture and returns the read's error. */
async function broken(
  kind: string,
  name: string,
  edit: (doc: any) => void,
  options: (file: string) => Record<string, unknown>,
): Promise<string> {
  const doc = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
  edit(doc);
  const file = join(tmp, `${kind}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const source = await openSource({ id: `${kind}-bad`, kind, options: options(file) }, ctx);
  const got: unknown[] = [];
  await assert.rejects(
    async () => {
      for await (const a of source.observe()) got.push(a);
    },
    (err: unknown) => {
      assert.ok(err instanceof MalformedSourceError);
      return true;
    },
  );
  assert.equal(got.length, 0, 'nothing is yielded half-way');
  return (await readSource(source)).error!;
}

describe('kubernetes export', () => {
  test('service accounts, token secrets, bound rules; never the token', async () => {
    const r = await read({ id: 'k8s', kind: 'kubernetes', environment: 'staging', options: { file: 'kubernetes.json' } });
    assert.equal(r.complete, true, r.error);
    assert.doesNotMatch(JSON.stringify(r.accounts), /ZXlK|Zml4dHVyZS1wYXNzd29yZA|fixture-token/);
    const by = new Map(r.accounts.map((a) => [a.native_id, a]));
    assert.deepEqual(
      [...by.keys()].sort(),
      ['ci/ci-deployer', 'payments/reporting', 'payments/settlement'],
      'kube-system is left out by default',
    );
    const settlement = by.get('payments/settlement')!;
    assert.equal(settlement.environment, 'production', 'from its label');
    assert.equal(settlement.privilege, 'execute');
    assert.deepEqual(settlement.credentials, [
      { type: 'token', count: 1, lifetime: 'static', label: 'secret settlement-token-x7k2p', created: '2025-03-01T09:00:05.000Z' },
      {
        type: 'token',
        lifetime: 'short_lived',
        label: 'bound tokens (TokenRequest)',
        fingerprint: 'workload-id:system:serviceaccount:payments:settlement',
      },
    ]);
    assert.ok(
      settlement.grants.some(
        (g) => g.grant === 'RoleBinding settlement-ledger → Role ledger-writer in payments: create,delete on jobs (batch)',
      ),
    );
    const reporting = by.get('payments/reporting')!;
    assert.equal(reporting.privilege, 'observe', 'only view, through the system:serviceaccounts:payments group');
    assert.equal(reporting.environment, 'staging');
    assert.equal(reporting.credentials[0]!.lifetime, 'short_lived');
    assert.match(by.get('ci/ci-deployer')!.grants[0]!.grant, /cluster-admin cluster-wide: \* on \*/);

    // system:serviceaccount:ns:name targets name the same account as ns/name.
    const out = reconcile({
      now: ctx.now(),
      sources: [r],
      observed: r.accounts,
      identities: [
        {
          id: 'settle',
          capability: 'execute',
          environment: 'production',
          status: 'active',
          credential: { type: 'short_lived', created: '2025-03-01' },
          revocation: { connector: 'kubernetes', target: 'system:serviceaccount:payments:settlement' },
        },
      ],
    });
    const settle = out.results.find((x) => x.identity === 'settle')!;
    assert.equal(settle.account!.native_id, 'payments/settlement');
    assert.deepEqual(
      settle.drift.map((d) => d.kind),
      ['static_credential_too_old'],
    );

    // An identity with no revocation path, but a workload binding registered for the service
    // account's subject, is matched by that credential.
    const byCredential = reconcile({
      now: ctx.now(),
      sources: [r],
      observed: r.accounts,
      identities: [
        {
          id: 'report',
          capability: 'observe',
          environment: 'staging',
          status: 'active',
          credential: { type: 'short_lived', created: '2025-03-01' },
        },
      ],
      credentials: [{ identity: 'report', fingerprint: 'workload-id:system:serviceaccount:payments:reporting' }],
    });
    const report = byCredential.results.find((x) => x.identity === 'report')!;
    assert.deepEqual([report.state, report.matched_by, report.account?.native_id], ['matched', 'credential', 'payments/reporting']);
  });

  test('a malformed export is refused with the path of its first bad field', async () => {
    const err = await broken(
      'kubernetes',
      'kubernetes.json',
      (d) => {
        delete d.items[9].roleRef.name;
        d.items[11].subjects = 'x';
      },
      (file) => ({ file }),
    );
    assert.match(err, /malformed export at \/items\/9\/roleRef\/name: /);
    assert.match(
      await broken(
        'kubernetes',
        'kubernetes.json',
        (d) => {
          d.items[6].rules[1].verbs = 'create';
        },
        (file) => ({ file }),
      ),
      /\/items\/6\/rules\/1\/verbs/,
    );
  });
});

describe('aws iam export', () => {
  const options = { authorization_details: 'aws-authorization-details.json', credential_report: 'aws-credential-report.csv' };

  test('users and roles with policies (default versions, groups), keys, console logins', async () => {
    const r = await read({ id: 'aws', kind: 'aws_iam', options });
    assert.equal(r.complete, true, r.error);
    const by = new Map(r.accounts.map((a) => [a.name, a]));
    assert.deepEqual(
      [...by.keys()].sort(),
      ['auditor-bot', 'ci-uploader', 'settlement-worker'],
      'service-linked roles and the root row are left out',
    );
    const ci = by.get('ci-uploader')!;
    assert.equal(ci.native_id, 'arn:aws:iam::111122223333:user/ci-uploader');
    assert.equal(ci.privilege, 'execute');
    assert.equal(ci.environment, 'production');
    assert.deepEqual(
      ci.credentials.map((c) => [c.label, c.active, c.last_rotated]),
      [
        ['access_key_1', true, '2023-02-01T10:05:00.000Z'],
        ['access_key_2', false, '2024-03-01T00:00:00.000Z'],
      ],
    );
    assert.equal(ci.last_used, '2026-11-21T03:00:00.000Z');
    const auditor = by.get('auditor-bot')!;
    assert.equal(auditor.privilege, 'observe', 'ReadOnlyAccess by name, describe-only v2 (not v1) through its group');
    assert.ok(
      auditor.grants.some((g) => g.grant === 'group readers: policy describe-only: ec2:Describe*,s3:List* on *'),
      JSON.stringify(auditor.grants),
    );
    assert.deepEqual(
      auditor.sessions.map((s) => [s.application, s.interactive]),
      [['AWS console login', true]],
    );
    const role = by.get('settlement-worker')!;
    assert.equal(role.privilege, 'execute');
    assert.equal(role.credentials[0]!.lifetime, 'short_lived');
    assert.equal(role.attributes?.trusted, 'Service:ecs-tasks.amazonaws.com');
    assert.equal(role.last_used, '2026-11-20T08:00:00.000Z');

    const out = reconcile({
      now: ctx.now(),
      sources: [r],
      observed: r.accounts,
      identities: [
        {
          id: 'ci',
          capability: 'execute',
          environment: 'production',
          status: 'active',
          credential: { type: 'static_secret', created: '2023-02-01' },
          revocation: { connector: 'aws_iam', target: 'arn:aws:iam::111122223333:user/ci-uploader' },
        },
        {
          id: 'audit',
          capability: 'observe',
          environment: 'production',
          status: 'active',
          credential: { type: 'static_secret', created: '2024-05-01' },
          revocation: { connector: 'aws_iam', target: 'auditor-bot' },
        },
      ],
      policy: { static_max_age_days: 365 },
    });
    const kinds = (id: string) => out.results.find((x) => x.identity === id)!.drift.map((d) => d.kind);
    assert.deepEqual(kinds('ci'), ['static_credential_too_old']);
    assert.deepEqual(
      kinds('audit'),
      ['static_credential_too_old', 'interactive_use'],
      'its console password is older than a year, and used',
    );
  });

  test('a bad field, a truncated export, a bad report row: refused with the path', async () => {
    const bad = (edit: (d: any) => void) =>
      broken('aws_iam', 'aws-authorization-details.json', edit, (file) => ({ authorization_details: file }));
    assert.match(
      await bad((d) => {
        d.UserDetailList[1].UserName = 7;
      }),
      /malformed export at \/UserDetailList\/1\/UserName: /,
    );
    assert.match(
      await bad((d) => {
        d.RoleDetailList[0].RolePolicyList = [{ PolicyName: 'x', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: [3] }] } }];
      }),
      /\/RoleDetailList\/0\/RolePolicyList\/0\/PolicyDocument\/Statement\/0\/Action/,
    );
    assert.match(
      await bad((d) => {
        d.Policies[1].PolicyVersionList[0].IsDefaultVersion = false;
        d.Policies[1].DefaultVersionId = 'v9';
      }),
      /\/Policies\/1\/PolicyVersionList: no default version/,
    );
    assert.match(
      await bad((d) => {
        d.IsTruncated = true;
      }),
      /\/IsTruncated: the export is truncated/,
    );
    assert.match(
      await bad((d) => {
        d.GroupDetailList = {};
      }),
      /\/GroupDetailList: not an array/,
    );
    const file = join(tmp, 'report.csv');
    writeFileSync(
      file,
      readFileSync(join(FIXTURES, 'aws-credential-report.csv'), 'utf8').replace('2026-11-21T03:00:00+00:00', 'yesterday'),
    );
    const r = await read({ id: 'aws', kind: 'aws_iam', options: { ...options, credential_report: file } });
    assert.equal(r.complete, false);
    assert.equal(r.accounts.length, 0);
    assert.match(r.error!, /\/credential_report\/1\/access_key_1_last_used_date: not a date/);
    // The CLI's JSON form (base64 Content) reads the same.
    writeFileSync(
      file,
      JSON.stringify({
        Content: Buffer.from(readFileSync(join(FIXTURES, 'aws-credential-report.csv'))).toString('base64'),
        ReportFormat: 'text/csv',
      }),
    );
    assert.equal((await read({ id: 'aws', kind: 'aws_iam', options: { ...options, credential_report: file } })).complete, true);
  });

  test('Get*, List*, Describe* observe; anything else execute', () => {
    assert.equal(actionLevel('s3:GetObject'), 'observe');
    assert.equal(actionLevel('ec2:Describe*'), 'observe');
    assert.equal(actionLevel('iam:ListRoles'), 'observe');
    assert.equal(actionLevel('s3:*'), 'execute');
    assert.equal(actionLevel('*'), 'execute');
    assert.equal(actionLevel('sts:AssumeRole'), 'execute');
  });
});

describe('github export', () => {
  test('Actions secrets, app installations (pages), deploy keys fingerprinted; never a key', async () => {
    const r = await read({ id: 'gh', kind: 'github', options: { dir: 'github', org: 'example-firm' } });
    assert.equal(r.complete, true, r.error);
    assert.doesNotMatch(JSON.stringify(r.accounts), /AAAAC3NzaC1lZDI1NTE5/);
    const by = new Map(r.accounts.map((a) => [a.native_id, a]));
    assert.deepEqual([...by.keys()].sort(), [
      'example-firm/actions-secret/DEPLOY_TOKEN',
      'example-firm/actions-secret/SIGNING_KEY',
      'example-firm/installation/25381',
      'example-firm/installation/25382',
      'example-firm/ledger/deploy-key/1201',
      'example-firm/ledger/deploy-key/1202',
      'example-firm/settlement/deploy-key/1301',
    ]);
    assert.equal(by.get('example-firm/installation/25381')!.privilege, 'execute');
    assert.equal(by.get('example-firm/installation/25381')!.name, 'release-bot');
    const suspended = by.get('example-firm/installation/25382')!;
    assert.equal(suspended.privilege, 'observe');
    assert.equal(suspended.can_login, false);
    const sync = by.get('example-firm/ledger/deploy-key/1201')!;
    assert.equal(sync.privilege, 'observe');
    assert.match(sync.credentials[0]!.fingerprint!, /^sha256:[A-Za-z0-9+/]{43}$/);
    assert.equal(by.get('example-firm/actions-secret/SIGNING_KEY')!.credentials[0]!.last_rotated, '2026-10-01T10:00:00.000Z');

    // The same key on two repositories' deploy keys: one credential, two places.
    const out = reconcile({
      now: ctx.now(),
      sources: [r],
      observed: r.accounts,
      identities: [
        {
          id: 'release',
          capability: 'execute',
          environment: 'production',
          status: 'active',
          credential: { type: 'key_pair', created: '2022-05-01' },
          revocation: { connector: 'github', target: 'example-firm/ledger/deploy-key/1202' },
        },
      ],
      policy: { static_max_age_days: 3650 },
    });
    const release = out.results.find((x) => x.identity === 'release')!;
    assert.deepEqual(
      release.drift.map((d) => d.kind),
      ['shared_credential'],
    );
    assert.match(release.drift[0]!.evidence[0]!.detail, /held by 2 accounts .*settlement\/deploy-key\/1301/);
  });

  test('a malformed file is refused with its name and the path', async () => {
    const dir = join(tmp, 'gh-bad');
    cpSync(join(FIXTURES, 'github'), dir, { recursive: true });
    const doc = JSON.parse(readFileSync(join(dir, 'installations.json'), 'utf8'));
    doc[1].installations[0].permissions.administration = 'owner';
    writeFileSync(join(dir, 'installations.json'), JSON.stringify(doc));
    mkdirSync(join(dir, 'deploy-keys'), { recursive: true });
    const r = await read({ id: 'gh', kind: 'github', options: { dir, org: 'example-firm' } });
    assert.equal(r.complete, false);
    assert.equal(r.accounts.length, 0);
    assert.match(
      r.error!,
      /malformed export at installations\.json:\/1\/installations\/0\/permissions\/administration: not read, write or admin/,
    );
  });
});
