// npm run bench:discovery — the discovery figures (docs/benchmarks.md, "Discovery"):
//   a. the PostgreSQL source on a cluster with 10,000 roles and 100,000 grants (a database and
//      roles the bench creates and drops): ≤ 5 s;
//   b. reconciliation of 100,000 observed accounts against 100,000 identities: ≤ 2 s;
//   c. the AWS IAM source on a generated 50,000-principal export (temp file): ≤ 5 s, peak RSS
//      ≤ 300 MB (VmHWM of a child process that only reads the export).
// `--small` (or BENCH_SCALE=small) runs each at a tiny scale in seconds and checks the answers, for
// CI. MANDATE_TEST_PG overrides the admin URL. Imports nothing from test/.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { observedAccount, reconcile, type DiscoveryIdentity, type ObservedAccount } from '../src/core/discovery.js';
import { openSource, readSource } from '../src/discovery/registry.js';

const SMALL = process.argv.includes('--small') || process.env.BENCH_SCALE === 'small';
const PG_ADMIN = process.env.MANDATE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const rows: { what: string; figure: string; target: string; pass: boolean }[] = [];
const context = { baseDir: process.cwd(), now: () => new Date() };

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`wrong answer: ${what}`);
}

// ---- a. PostgreSQL ------------------------------------------------------------------------------

async function postgres(roles: number, tables: number, perRole: number): Promise<void> {
  const tag = randomBytes(4).toString('hex');
  const db = `mandate_bench_disc_${tag}`;
  const prefix = `mbd_${tag}_`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${db}`;
  let setup = performance.now();
  try {
    await admin.query(`CREATE DATABASE ${db}`);
    await admin.query(
      `DO $$ BEGIN FOR i IN 0..${roles - 1} LOOP EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', '${prefix}' || i, md5(i::text)); ` +
        'END LOOP; END $$',
    );
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      await c.query(`DO $$ BEGIN FOR k IN 0..${tables - 1} LOOP EXECUTE format('CREATE TABLE t_%s (id int)', k); END LOOP; END $$`);
      // Role i holds `perRole` tables: SELECT, or INSERT for every third role. One GRANT per table and privilege.
      const grantees = new Map<string, string[]>();
      for (let i = 0; i < roles; i++) {
        for (let j = 0; j < perRole; j++) {
          const key = `${i % 3 === 0 ? 'INSERT' : 'SELECT'} ON t_${(i * perRole + j) % tables}`;
          const l = grantees.get(key) ?? [];
          l.push(pg.escapeIdentifier(prefix + i));
          grantees.set(key, l);
        }
      }
      const statements = [...grantees].map(([what, who]) => `GRANT ${what} TO ${who.join(', ')}`);
      for (let i = 0; i < statements.length; i += 200) await c.query(statements.slice(i, i + 200).join(';\n'));
    } finally {
      await c.end();
    }
    setup = performance.now() - setup;

    const t0 = performance.now();
    const read = await readSource(await openSource({ id: 'bench-pg', kind: 'postgres', options: { url: url.toString() } }, context));
    const ms = performance.now() - t0;
    check(read.complete, `postgres read: ${read.error}`);
    const mine = read.accounts.filter((a) => a.name.startsWith(prefix));
    const grants = mine.reduce((s, a) => s + a.grants_total, 0);
    check(mine.length === roles, `${mine.length} roles read of ${roles}`);
    check(grants === roles * perRole, `${grants} grants read of ${roles * perRole}`);
    check(mine.filter((a) => a.privilege === 'execute').length === Math.ceil(roles / 3), 'execute roles');
    rows.push({
      what:
        `a. PostgreSQL source: ${fmt(roles)} roles, ${fmt(roles * perRole)} grants on ${fmt(tables)} tables (set up in ` +
        `${(setup / 1000).toFixed(0)} s)`,
      figure: `${fmt(ms)} ms`,
      target: '≤ 5,000 ms',
      pass: ms <= 5000,
    });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.query(
      `DO $$ DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE '${prefix}%' LOOP EXECUTE format('DROP ` +
        "ROLE %I', r); END LOOP; END $$",
    );
    await admin.end();
  }
}

// ---- b. Reconciliation --------------------------------------------------------------------------

function reconciliation(n: number): void {
  // A realistic mix: 5% unmanaged, 5% missing, 1 in 7 holds execute, 1 in 50 identities switched off,
  // some interactive sessions, a credential fingerprint on two accounts now and then.
  const observed: ObservedAccount[] = [];
  for (let i = 0; i < n; i++) {
    observed.push(
      observedAccount({
        source: i % 2 ? 'pg' : 'redis',
        kind: i % 2 ? 'postgres' : 'redis',
        native_id: `svc-${i}`,
        name: `svc-${i}`,
        type: 'user',
        enabled: true,
        can_login: true,
        credentials: [
          {
            type: 'password',
            count: 1,
            lifetime: 'static',
            last_rotated: i % 13 ? '2026-11-01T00:00:00Z' : '2026-01-01T00:00:00Z',
            ...(i % 97 === 0 ? { fingerprint: `sha256:${i % 1940}` } : {}),
          },
        ],
        grants: [{ privilege: i % 7 ? 'observe' : 'execute', grant: i % 7 ? 'SELECT on 3 tables' : 'INSERT on 3 tables' }],
        sessions: i % 101 === 0 ? [{ user: `svc-${i}`, application: 'psql', interactive: true, started: '2026-11-20T10:00:00Z' }] : [],
      }),
    );
  }
  const identities: DiscoveryIdentity[] = [];
  const offset = Math.round(n * 0.05);
  for (let i = 0; i < n; i++) {
    const t = i + offset;
    identities.push({
      id: `nhi-${i}`,
      capability: 'observe',
      environment: 'production',
      status: i % 50 ? 'active' : 'revoked',
      owner: 'owner@firm.example',
      scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }],
      credential: { type: 'static_secret', created: '2026-01-01' },
      revocation: { connector: t % 2 ? 'postgres' : 'redis', target: `svc-${t}` },
    });
  }
  const sources = [
    { id: 'pg', kind: 'postgres', covers: ['postgres'], complete: true },
    { id: 'redis', kind: 'redis', covers: ['redis'], complete: true },
  ];
  const times: number[] = [];
  let out: ReturnType<typeof reconcile> | undefined;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    out = reconcile({ now: new Date('2026-11-22T10:00:00Z'), identities, sources, observed });
    times.push(performance.now() - t0);
  }
  const s = out!.summary;
  check(s.unmanaged === offset && s.missing === offset, `unmanaged ${s.unmanaged}, missing ${s.missing}`);
  check(s.matched + s.drift === n - offset, 'pairs');
  check(
    s.by_drift.over_privileged > 0 &&
      s.by_drift.revocation_not_effective > 0 &&
      s.by_drift.interactive_use > 0 &&
      s.by_drift.shared_credential > 0,
    'drift kinds',
  );
  const worst = Math.max(...times);
  rows.push({
    what: `b. reconcile ${fmt(n)} observed accounts × ${fmt(n)} identities (${fmt(s.drift)} drifted, worst of 3)`,
    figure: `${fmt(worst)} ms (best ${fmt(Math.min(...times))} ms)`,
    target: '≤ 2,000 ms',
    pass: worst <= 2000,
  });
}

// ---- c. AWS IAM export --------------------------------------------------------------------------

/** A get-account-authorization-details export of `n` principals (60% users, 40% roles), written streaming. */
async function writeAwsExport(file: string, n: number): Promise<{ users: number; roles: number }> {
  const out = createWriteStream(file);
  const w = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const users = Math.round(n * 0.6);
  const roles = n - users;
  const policies = Math.max(10, Math.round(n / 25));
  const acct = '123456789012';
  const doc = (actions: string[], resource: string) => ({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Main', Effect: 'Allow', Action: actions, Resource: resource },
      { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' },
    ],
  });
  await w('{"UserDetailList":[');
  for (let i = 0; i < users; i++) {
    await w(
      (i ? ',' : '') +
        JSON.stringify({
          Path: '/service/',
          UserName: `svc-user-${i}`,
          UserId: `AIDA${String(i).padStart(17, '0')}`,
          Arn: `arn:aws:iam::${acct}:user/service/svc-user-${i}`,
          CreateDate: '2023-04-01T08:30:00Z',
          UserPolicyList:
            i % 4
              ? []
              : [
                  {
                    PolicyName: `inline-${i}`,
                    PolicyDocument: doc(
                      i % 8 ? ['s3:GetObject', 's3:ListBucket'] : ['s3:PutObject', 'sqs:SendMessage'],
                      `arn:aws:s3:::bucket-${i % 300}/*`,
                    ),
                  },
                ],
          GroupList: i % 5 ? [] : [`group-${i % 50}`],
          AttachedManagedPolicies: [
            { PolicyName: `policy-${i % policies}`, PolicyArn: `arn:aws:iam::${acct}:policy/policy-${i % policies}` },
            ...(i % 10 ? [] : [{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }]),
          ],
          Tags: [
            { Key: 'environment', Value: i % 3 ? 'production' : 'staging' },
            { Key: 'owner', Value: `team-${i % 40}@firm.example` },
          ],
        }),
    );
  }
  await w('],"GroupDetailList":[');
  for (let g = 0; g < 50; g++) {
    await w(
      (g ? ',' : '') +
        JSON.stringify({
          Path: '/',
          GroupName: `group-${g}`,
          GroupId: `AGPA${g}`,
          Arn: `arn:aws:iam::${acct}:group/group-${g}`,
          CreateDate: '2022-01-01T00:00:00Z',
          GroupPolicyList: [{ PolicyName: 'group-inline', PolicyDocument: doc(['logs:Describe*', 'logs:GetLogEvents'], '*') }],
          AttachedManagedPolicies: [{ PolicyName: `policy-${g}`, PolicyArn: `arn:aws:iam::${acct}:policy/policy-${g}` }],
        }),
    );
  }
  await w('],"RoleDetailList":[');
  for (let i = 0; i < roles; i++) {
    await w(
      (i ? ',' : '') +
        JSON.stringify({
          Path: '/',
          RoleName: `workload-${i}`,
          RoleId: `AROA${String(i).padStart(17, '0')}`,
          Arn: `arn:aws:iam::${acct}:role/workload-${i}`,
          CreateDate: '2024-02-01T00:00:00Z',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'ecs-tasks.amazonaws.com' },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'aws:SourceAccount': acct } },
              },
            ],
          },
          InstanceProfileList: [],
          RolePolicyList: [
            {
              PolicyName: 'queue',
              PolicyDocument: doc(
                i % 2 ? ['sqs:ReceiveMessage', 'sqs:DeleteMessage'] : ['sqs:GetQueueAttributes'],
                `arn:aws:sqs:eu-central-1:${acct}:queue-${i % 500}`,
              ),
            },
          ],
          AttachedManagedPolicies: [
            { PolicyName: `policy-${(i * 7) % policies}`, PolicyArn: `arn:aws:iam::${acct}:policy/policy-${(i * 7) % policies}` },
          ],
          Tags: [{ Key: 'env', Value: 'production' }],
          RoleLastUsed: i % 3 ? { LastUsedDate: '2026-11-20T10:00:00Z', Region: 'eu-central-1' } : {},
        }),
    );
  }
  await w('],"Policies":[');
  for (let p = 0; p < policies; p++) {
    const v = (id: string, def: boolean, actions: string[]) => ({
      Document: doc(actions, '*'),
      VersionId: id,
      IsDefaultVersion: def,
      CreateDate: '2024-01-01T00:00:00Z',
    });
    await w(
      (p ? ',' : '') +
        JSON.stringify({
          PolicyName: `policy-${p}`,
          PolicyId: `ANPA${p}`,
          Arn: `arn:aws:iam::${acct}:policy/policy-${p}`,
          Path: '/',
          DefaultVersionId: 'v2',
          AttachmentCount: 20,
          PermissionsBoundaryUsageCount: 0,
          IsAttachable: true,
          CreateDate: '2023-01-01T00:00:00Z',
          UpdateDate: '2024-01-01T00:00:00Z',
          PolicyVersionList: [
            v('v2', true, p % 2 ? ['dynamodb:GetItem', 'dynamodb:Query'] : ['ec2:Describe*', 'cloudwatch:GetMetricData']),
            v('v1', false, ['*']),
          ],
        }),
    );
  }
  await w('],"IsTruncated":false}\n');
  out.end();
  await once(out, 'finish');
  return { users, roles };
}

async function aws(n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-disc-'));
  try {
    const file = join(dir, 'authorization-details.json');
    const { users, roles } = await writeAwsExport(file, n);
    const size = readFileSync(file).length;
    // Read in a child of its own, so its peak RSS is the reader's alone (VmHWM: the kernel's high-water mark).
    const child = spawnSync(
      process.execPath,
      ['--conditions=mandate-source', '--import', 'tsx', fileURLToPath(import.meta.url), '--aws-reader', file],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(`the AWS reader failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      ms: number;
      accounts: number;
      execute: number;
      peak_mb: number;
      base_mb: number;
      complete: boolean;
    };
    check(r.complete, 'aws read complete');
    check(r.accounts === users + roles, `${r.accounts} principals read of ${users + roles}`);
    rows.push({
      what: `c. AWS IAM export: ${fmt(n)} principals, ${(size / 1e6).toFixed(0)} MB, streamed`,
      figure: `${fmt(r.ms)} ms`,
      target: '≤ 5,000 ms',
      pass: r.ms <= 5000,
    });
    rows.push({
      what: `c. … peak RSS of the reading process (${fmt(r.base_mb)} MB before reading)`,
      figure: `${fmt(r.peak_mb)} MB`,
      target: '≤ 300 MB',
      pass: r.peak_mb <= 300,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function vmHwmMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss / 1e6;
}

async function awsReader(file: string): Promise<void> {
  const base = process.memoryUsage().rss / 1e6;
  let sampled = 0;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss / 1e6);
  }, 10);
  const t0 = performance.now();
  const read = await readSource(await openSource({ id: 'bench-aws', kind: 'aws_iam', options: { authorization_details: file } }, context));
  const ms = performance.now() - t0;
  clearInterval(timer);
  if (!read.complete) throw new Error(read.error);
  console.log(
    JSON.stringify({
      ms,
      accounts: read.accounts.length,
      execute: read.accounts.filter((a) => a.privilege === 'execute').length,
      peak_mb: Math.max(vmHwmMb(), sampled),
      base_mb: base,
      complete: read.complete,
    }),
  );
}

async function main() {
  const readerAt = process.argv.indexOf('--aws-reader');
  if (readerAt > 0) return awsReader(process.argv[readerAt + 1]!);
  const started = Date.now();
  if (SMALL) {
    await postgres(200, 50, 10);
    reconciliation(2_000);
    await aws(1_000);
  } else {
    await postgres(10_000, 1_000, 10);
    reconciliation(100_000);
    await aws(50_000);
  }
  console.log(
    `\nDiscovery benchmark${SMALL ? ' (--small)' : ''}, ${cpus().length} cores, Node ${process.version}, ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s in all\n`,
  );
  console.log('| measure | figure | target | met |');
  console.log('| --- | ---: | ---: | :---: |');
  for (const r of rows) console.log(`| ${r.what} | ${r.figure} | ${r.target} | ${r.pass ? 'yes' : '**no**'} |`);
  if (!SMALL && rows.some((r) => !r.pass)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
