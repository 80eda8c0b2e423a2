// The CLI as a new user runs it, against a real server process, on both stores.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { runCli, startServerProcess, type ServerProcess } from '../support/cli.js';
import { testStores } from '../support/stores.js';

const TOKEN = 'mdt_test_bootstrap_token_0123456789abcdef';
const DEMO = 'demo/mandate-demo.yaml';
const tmp = mkdtempSync(join(tmpdir(), 'mandate-cli-'));

for (const store of testStores()) {
  describe(`CLI on ${store.name}`, () => {
    let server: ServerProcess;
    let env: Record<string, string>;
    const cli = (...args: string[]) => runCli(args, env);

    before(async () => {
      const db = await store.open();
      await db.close();
      server = await startServerProcess(['--db', store.url()], { MANDATE_BOOTSTRAP_TOKEN: TOKEN });
      env = { MANDATE_URL: server.url, MANDATE_TOKEN: TOKEN };
    });
    after(async () => {
      // The server's warnings and errors, for whoever reads a failed run.
      const log = server?.output() ?? '';
      if (/"level":(40|50|60)/.test(log)) process.stderr.write(`--- server log (${store.name}) ---\n${log.slice(-6000)}\n`);
      await server?.stop();
      await store.cleanup();
    });

    test('the first start never prints a bootstrap token it was given (MANDATE_BOOTSTRAP_TOKEN), and says when it expires', () => {
      assert.ok(!server.output().includes(TOKEN), server.output());
      assert.match(server.output(), /with the token of MANDATE_BOOTSTRAP_TOKEN \(not shown\)\. It expires at /);
    });

    test('import the demo manifest: dry run, then for real, then idempotent', async () => {
      const dry = await cli('import', DEMO, '--dry-run');
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(
        dry.stdout,
        new RegExp(
          /^Dry run \(nothing written\) \(bootstrap: first load of an empty inventory\): /.source +
            /\d+ created, 0 updated, 0 unchanged, 0 rejected, 0 would be held/.source,
        ),
      );
      const none = await cli('identities', 'list', '--json');
      assert.deepEqual(JSON.parse(none.stdout), []);
      const real = await cli('import', DEMO, '--json');
      assert.equal(real.code, 0, real.stderr);
      const counts = JSON.parse(real.stdout).counts;
      assert.ok(counts.created > 300);
      const again = await cli('import', DEMO);
      assert.match(
        again.stdout,
        new RegExp(`Imported: 0 created, 0 updated, ${counts.created} unchanged, 0 rejected, 0 held for approval`),
      );
    });

    test('a hand-broken manifest is rejected whole with every error, exit code 1, nothing written', async () => {
      const demo = parse(readFileSync(DEMO, 'utf8'));
      demo.identities[0].owner = 'nobody@nowhere.example';
      demo.identities[1].colour = 'blue';
      demo.identities.push({ ...demo.identities[2], id: 'brand-new-identity', capability: 'observe', actions: ['initiate_transfer'] });
      const file = join(tmp, `broken-${store.name}.yaml`);
      writeFileSync(file, stringify(demo, { aliasDuplicateObjects: false }));
      const res = await cli('import', file);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /error MANIFEST_REJECTED: manifest rejected: 3 errors; nothing was written/);
      assert.match(
        res.stderr,
        new RegExp(`identity ${demo.identities[0].id} /identities/0/owner: no person with id nobody@nowhere.example`),
      );
      assert.match(res.stderr, /\/identities\/1\/colour: unknown field/);
      assert.match(
        res.stderr,
        /identity brand-new-identity \/identities\/\d+\/actions\/0: an observe identity may hold only observe actions/,
      );
      const show = await cli('identities', 'show', 'brand-new-identity');
      assert.equal(show.code, 1);
      assert.match(show.stderr, /NOT_FOUND/);
    });

    test('malformed files and bad flags: a message and a non-zero exit', async () => {
      const file = join(tmp, 'malformed.yaml');
      writeFileSync(file, 'version: 1\nidentities: [\n');
      const bad = await cli('import', file);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /MALFORMED_BODY/);
      const missing = await cli('import', join(tmp, 'does-not-exist.yaml'));
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read/);
      const limit = await cli('identities', 'list', '--limit', 'lots');
      assert.equal(limit.code, 2);
      const filter = await cli('identities', 'list', '--capability', 'god');
      assert.equal(filter.code, 1);
      assert.match(filter.stderr, /INVALID_QUERY/);
      const noToken = await runCli(['identities', 'list'], { MANDATE_URL: server.url });
      assert.equal(noToken.code, 2);
      assert.match(noToken.stderr, /no API token/);
      const unknown = await cli('frobnicate');
      assert.equal(unknown.code, 2);
    });

    test('list with filters, suspend with a reason, reactivate, and read the history', async () => {
      const list = await cli(
        'identities',
        'list',
        '--entity',
        'ent-de',
        '--service',
        'custody',
        '--jurisdiction',
        'FR',
        '--status',
        'active',
        '--json',
      );
      assert.equal(list.code, 0, list.stderr);
      const items = JSON.parse(list.stdout);
      assert.ok(items.length >= 5);
      assert.ok(
        items.every((i: any) => i.scopes.some((s: any) => s.entity === 'ent-de' && s.service === 'custody' && s.jurisdiction === 'FR')),
      );
      const id = items[0].id;
      const table = await cli('identities', 'list', '--entity', 'ent-de', '--limit', '3');
      assert.equal(table.stdout.trim().split('\n').length, 4);
      assert.match(table.stdout, /^ID\s+KIND\s+FUNCTION/);
      const s = await cli('identities', 'suspend', id, '--reason', 'suspected key leak');
      assert.equal(s.code, 0, s.stderr);
      assert.match(s.stdout, new RegExp(`${id} is now suspended`));
      assert.equal((await cli('identities', 'reactivate', id, '--reason', 'key rotated')).code, 0);
      let history: any[] = [];
      // Each change was sent to the identity's revocation connector after the response; this
      // server has none for it, so the deliveries are recorded as failed, visible, never dropped.
      for (let tries = 0; tries < 50 && !history.some((e: any) => e.action === 'connector.failed'); tries++) {
        if (tries) await new Promise((r) => setTimeout(r, 200));
        history = JSON.parse((await cli('events', id, '--json')).stdout);
      }
      const changes = history.filter((e: any) => e.action === 'identity.status_changed').map((e: any) => e.reason);
      assert.deepEqual(changes.slice(-2), ['suspected key leak', 'key rotated']);
      assert.ok(
        history.some((e: any) => e.action === 'connector.failed' && /not configured/.test(e.after.error)),
        JSON.stringify(history.map((e: any) => e.action)),
      );
      const auths = await cli('authorisations', 'list', '--jurisdiction', 'FR', '--json');
      assert.ok(JSON.parse(auths.stdout).some((a: any) => a.entity === 'ent-de' && a.service === 'custody'));
      assert.equal((await cli('entities', 'list')).code, 0);
    });

    test('ledger: export, verify offline, change one byte and see the event named', async () => {
      const file = join(tmp, `ledger-${store.name}.jsonl`);
      const exported = await cli('ledger', 'export', '--out', file);
      assert.equal(exported.code, 0, exported.stderr);
      const key = JSON.parse((await cli('ledger', 'checkpoint', '--json')).stdout).verifier_key;
      const ok = await runCli(['ledger', 'verify', file, '--key', key]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /^OK: \d+ events, \d+ signed checkpoints? verified/);
      const lines = readFileSync(file, 'utf8').split('\n');
      const n = lines.findIndex((l) => l.includes('"action":"identity.created"'));
      lines[n] = lines[n]!.replace('"action":"identity.created"', '"action":"identity.crEated"');
      const bad = join(tmp, `ledger-${store.name}-bad.jsonl`);
      writeFileSync(bad, lines.join('\n'));
      const failed = await runCli(['ledger', 'verify', bad, '--key', key]);
      assert.equal(failed.code, 1);
      assert.match(failed.stdout, new RegExp(`first bad index ${n - 1} \\(event ${n}\\)`));
      const missing = await runCli(['ledger', 'verify', join(tmp, 'nope.jsonl')]);
      assert.equal(missing.code, 2);
    });

    test('users and tokens from the CLI; a viewer cannot write', async () => {
      const add = await cli('users', 'add', `viewer-${store.name}`, '--name', 'Vera Viewer', '--roles', 'viewer');
      assert.equal(add.code, 0, add.stderr);
      // Nobody makes a token for someone else: automation gets an API client, whose roles never approve.
      const forOther = await cli('tokens', 'create', `viewer-${store.name}`, '--label', 'ci', '--json');
      assert.equal(forOther.code, 1);
      assert.match(forOther.stderr, /FORBIDDEN/);
      const approving = await cli('api-clients', 'create', `ci-${store.name}`, '--name', 'CI', '--roles', 'approver');
      assert.equal(approving.code, 1);
      assert.match(approving.stderr, /never approves/);
      const made = await cli('api-clients', 'create', `ci-${store.name}`, '--name', 'CI', '--roles', 'viewer', '--json');
      assert.equal(made.code, 0, made.stderr);
      const token = JSON.parse(made.stdout).token.token as string;
      const asViewer = (...args: string[]) => runCli(args, { MANDATE_URL: server.url, MANDATE_TOKEN: token });
      assert.equal((await asViewer('identities', 'list', '--limit', '1')).code, 0);
      const denied = await asViewer('import', DEMO);
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /FORBIDDEN/);
      const bad = await cli('users', 'add', 'x', '--name', 'X', '--roles', 'root');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /\/roles\/0/);
    });
  });
}
