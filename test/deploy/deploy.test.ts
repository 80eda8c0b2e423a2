// What deploy/ ships, checked with the real tools: haproxy's configuration with `haproxy -c`, the
// systemd unit with `systemd-analyze verify` (and its exposure with `systemd-analyze security`),
// the compose file parsed, every file it names present, and a replica's settings (the image's
// environment, the compose environment, the secrets deploy/make-secrets.sh writes) accepted by
// Mandate's own configuration loader.
//
// Not here: building the image and running it. That takes minutes and needs root, podman and
// debootstrap, so .ci/run does it beside the test suite (`bash scripts/image.sh build && bash
// scripts/image.sh smoke`: the image's entrypoint run under chroot as its user until /healthz and
// /readyz answer, its data private, no devDependency inside).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadServerConfig } from '../../src/config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const tmps: string[] = [];
after(() => {
  for (const t of tmps) rmSync(t, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mandate-deploy-'));
  tmps.push(d);
  return d;
}
function run(cmd: string, args: string[], cwd = DEPLOY) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

type Service = {
  image?: string;
  environment?: Record<string, string | number>;
  secrets?: ({ source: string; target: string; uid?: string; mode?: number } | string)[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, unknown> | string[];
};
type Compose = { services: Record<string, Service>; secrets: Record<string, { file: string }>; volumes: Record<string, unknown> };
const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as Compose;
const replicas = Object.keys(compose.services).filter((s) => /^mandate-\d+$/.test(s));

/** The image's ENV (Containerfile, runtime stage), as a replica starts with it. */
function imageEnv(): Record<string, string> {
  const text = readFileSync(join(ROOT, 'Containerfile'), 'utf8').replace(/\\\n/g, ' ');
  const runtime = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of runtime.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const m of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  return env;
}

describe('deploy/haproxy.cfg', () => {
  test('haproxy -c accepts it; its only warnings are the replicas unresolvable outside the compose network', () => {
    const r = run('haproxy', ['-c', '-f', 'haproxy.cfg']);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /Configuration file is valid/);
    const warnings = r.out.split('\n').filter((l) => l.includes('[WARNING]') || l.includes('[ALERT]'));
    for (const w of warnings) assert.match(w, /could not resolve address 'mandate-\d+'/, w);
  });

  test('routes to exactly the compose replicas, each checked on /readyz', () => {
    const cfg = readFileSync(join(DEPLOY, 'haproxy.cfg'), 'utf8');
    const servers = [...cfg.matchAll(/^\s*server (\S+) (\S+):8080 check\b/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(
      servers,
      replicas.map((r) => [r, r]),
    );
    assert.match(cfg, /option httpchk GET \/readyz/);
    assert.match(cfg, /http-check expect status 200/);
  });
});

describe('deploy/mandate.service', () => {
  test('systemd-analyze verify finds nothing to say', () => {
    const r = run('systemd-analyze', ['verify', './mandate.service']);
    assert.equal(r.status, 0, r.out);
    assert.equal(r.out.trim(), '', r.out);
  });

  test('a unit that names a missing program fails verify (so the check above means something)', () => {
    const dir = tmp();
    const unit = readFileSync(join(DEPLOY, 'mandate.service'), 'utf8').replace(
      'ExecStart=/usr/bin/node',
      'ExecStart=/usr/bin/no-such-node',
    );
    writeFileSync(join(dir, 'mandate.service'), unit);
    const r = run('systemd-analyze', ['verify', './mandate.service'], dir);
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /no-such-node/);
  });

  test('hardened: systemd-analyze security rates its exposure 2.0 or less', () => {
    const r = run('systemd-analyze', ['security', '--offline=yes', './mandate.service']);
    assert.equal(r.status, 0, r.out);
    const level = Number(/Overall exposure level for mandate\.service: ([\d.]+)/.exec(r.out)?.[1]);
    assert.ok(level <= 2.0, `exposure ${level}:\n${r.out.slice(-2000)}`);
    const unit = readFileSync(join(DEPLOY, 'mandate.service'), 'utf8');
    for (const line of [
      'User=mandate',
      'DynamicUser=no',
      'StateDirectory=mandate',
      'StateDirectoryMode=0700',
      'EnvironmentFile=/etc/mandate/mandate.env',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'ReadWritePaths=/var/lib/mandate',
      'CapabilityBoundingSet=',
      'Restart=on-failure',
    ])
      assert.ok(unit.split('\n').includes(line), `the unit lacks ${line}`);
    assert.match(unit, /^RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX$/m);
    assert.match(unit, /^TimeoutStopSec=\d+s$/m);
    assert.match(unit, /^ExecStart=\/usr\/bin\/node \/opt\/mandate\/bin\/mandate\.js serve$/m);
  });
});

describe('deploy/compose.yaml', () => {
  test('PostgreSQL, NATS, haproxy and at least two replicas of the image, each health-checked', () => {
    for (const s of ['postgres', 'nats', 'haproxy']) assert.ok(compose.services[s]?.image, `service ${s}`);
    assert.ok(replicas.length >= 2, `replicas: ${replicas.join(', ')}`);
    const ids = new Set<string>();
    for (const r of replicas) {
      const s = compose.services[r]!;
      assert.match(String(s.image), /mandate/);
      assert.deepEqual(s.healthcheck?.test, ['CMD', 'node', '/app/deploy/healthcheck.mjs']);
      ids.add(String(s.environment?.MANDATE_SERVER_ID));
      assert.equal(s.environment?.MANDATE_NATS_URL, 'nats://nats:4222');
      // No secret in the environment: the KEK and the database password come from files.
      assert.equal(s.environment?.MANDATE_KEK, undefined);
      // The image's default MANDATE_DB (SQLite) cleared, or each replica would keep a store of its own.
      assert.equal(s.environment?.MANDATE_DB, '');
      assert.ok(existsSync(join(DEPLOY, String(s.healthcheck?.test[2]).replace('/app/deploy/', ''))));
    }
    assert.equal(ids.size, replicas.length, 'every replica has its own MANDATE_SERVER_ID');
    // Every replica reads the same KEK.
    const kekSources = replicas.map((r) =>
      compose.services[r]!.secrets!.map((x) => (typeof x === 'string' ? x : x.source)).find((x) => x.includes('kek')),
    );
    assert.equal(new Set(kekSources).size, 1);
  });

  test('every file it names exists: bind mounts now, secrets once deploy/make-secrets.sh wrote them', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const src = v.split(':')[0]!;
        if (src.startsWith('.') || src.startsWith('/')) assert.ok(existsSync(join(DEPLOY, src)), `${name}: ${src}`);
        else assert.ok(src in compose.volumes, `${name}: volume ${src} is declared`);
      }
      for (const x of s.secrets ?? []) {
        const source = typeof x === 'string' ? x : x.source;
        assert.ok(compose.secrets[source], `${name}: secret ${source} is declared`);
      }
    }
    const dir = tmp();
    const r = run('bash', [join(DEPLOY, 'make-secrets.sh'), join(dir, 'secrets')]);
    assert.equal(r.status, 0, r.out);
    for (const [name, { file }] of Object.entries(compose.secrets)) {
      assert.match(file, /^\.\/secrets\//, `${name} is under deploy/secrets/ (git-ignored)`);
      const path = join(dir, file);
      assert.ok(existsSync(path), `${name}: ${file}`);
      assert.equal(statSync(path).mode & 0o077, 0, `${file} is its owner's only`);
    }
    // A second run never overwrites a secret.
    const kek = readFileSync(join(dir, 'secrets/mandate.kek'), 'utf8');
    assert.notEqual(run('bash', [join(DEPLOY, 'make-secrets.sh'), join(dir, 'secrets')]).status, 0);
    assert.equal(readFileSync(join(dir, 'secrets/mandate.kek'), 'utf8'), kek);
    // deploy/secrets/ is ignored by git, but for its .gitignore.
    const ignored = spawnSync('git', ['check-ignore', '-q', 'deploy/secrets/mandate.kek'], { cwd: ROOT });
    assert.equal(ignored.status, 0, 'deploy/secrets/mandate.kek is git-ignored');
  });

  test("a replica's settings pass Mandate's configuration loader", () => {
    const dir = tmp();
    assert.equal(run('bash', [join(DEPLOY, 'make-secrets.sh'), join(dir, 'secrets')]).status, 0);
    const s = compose.services[replicas[0]!]!;
    // The secrets where the compose file mounts them, here in the temp folder.
    const at: Record<string, string> = {};
    for (const x of s.secrets ?? []) {
      if (typeof x === 'string') continue;
      at[x.target] = join(dir, compose.secrets[x.source]!.file);
    }
    const env: Record<string, string> = { ...imageEnv() };
    for (const [k, v] of Object.entries(s.environment ?? {})) {
      // ${VAR:-default} as compose interpolates it with VAR unset.
      const value = String(v).replace(/\$\{\w+:-([^}]*)\}/g, '$1');
      env[k] = at[value] ?? value;
    }
    const config = loadServerConfig({}, env);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 8080);
    assert.match(config.db, /^postgres:\/\/mandate:[^@]+@postgres:5432\/mandate$/);
    assert.equal(config.natsUrl, 'nats://nats:4222');
    assert.equal(config.kekFile, at['/run/secrets/mandate_kek']);
    assert.equal(Buffer.from(readFileSync(config.kekFile, 'utf8').trim(), 'base64').length, 32);
    // The database password is PostgreSQL's.
    const password = readFileSync(join(dir, 'secrets/postgres-password'), 'utf8').trim();
    assert.equal(decodeURIComponent(new URL(config.db).password), password);
  });
});
