// The README's discovery walk-through, replayed with the real CLI against a server on each store
// and the real local PostgreSQL, MariaDB, Redis and RabbitMQ: lay out the demo estate, add the
// sources exactly as `npm run demo:systems` prints them, run them; the over-privileged and the
// interactively used account are drift with their findings and controls, the two accounts nobody
// declared are unmanaged; one is adopted (approved by an approver), the other dismissed; a
// suspension the PostgreSQL connector delivers makes the login really refused and discovery
// agrees; a login switched back on behind Mandate's back (demo:systems run again) is
// revocation_not_effective, critical; and the estate laid out twice is the same. The README's
// `sources add` commands are checked against what demo:systems prints.
//
// The estate is this run's own: every name carries the prefix t_<hex>_ (the manifest's revocation
// targets are renamed to match), so the demo's own accounts are never touched, and only this
// run's roles, users and databases are removed after.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import type { Manifest } from '../../src/core/manifest.js';
import { postgresConnector } from '../../src/delivery/connectors/postgres.js';
import { connectorRegistry } from '../../src/delivery/connectors/registry.js';
import { demoManifest } from '../../src/demo/firm.js';
import {
  DEMO_SOURCE_IDS,
  discoverySourceCommands,
  interactiveLogin,
  LOCAL_DEMO_SYSTEMS,
  openInteractiveSession,
  provisionDemoSystems,
  removeDemoSystems,
  shellQuote,
  type DemoLogin,
  type DemoSystems,
} from '../../src/demo/systems.js';
import { runCli } from '../support/cli.js';
import { PG_ADMIN_URL, testStores } from '../support/stores.js';

const RUN = `t_${randomBytes(4).toString('hex')}_`;
const MARIADB =
  `mariadb://root@${process.env.MANDATE_TEST_MARIADB_HOST ?? '127.0.0.1'}:` + `${process.env.MANDATE_TEST_MARIADB_PORT ?? 3306}/mysql`;
const systems: DemoSystems = {
  postgresUrl: PG_ADMIN_URL,
  mariadbUrl: MARIADB,
  redisUrl: process.env.MANDATE_TEST_REDIS ?? 'redis://127.0.0.1:6379',
  rabbitmqctl: process.env.MANDATE_TEST_RABBITMQCTL ?? 'rabbitmqctl',
  prefix: RUN,
};
const SYSTEMS = new Set(['postgres', 'mariadb', 'redis', 'rabbitmq']);
const PG = DEMO_SOURCE_IDS.postgres;
const MARIA = DEMO_SOURCE_IDS.mariadb;
const key = (source: string, native: string) => `${source}|${native}`;
const mine = (a: { native_id: string }) => a.native_id.startsWith(RUN);

/** The demo manifest with every revocation target on these four systems renamed to this run's. */
function demoManifestOfThisRun(): Manifest {
  const m = demoManifest();
  for (const i of m.identities ?? [])
    if (i.revocation && SYSTEMS.has(i.revocation.connector)) i.revocation = { ...i.revocation, target: `${RUN}${i.revocation.target}` };
  return m;
}

async function pgLogin(login: DemoLogin): Promise<pg.Client> {
  const u = new URL(PG_ADMIN_URL);
  const c = new pg.Client({
    host: u.hostname,
    port: Number(u.port || 5432),
    database: 'postgres',
    user: login.user,
    password: login.password,
  });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

after(async () => {
  await removeDemoSystems(systems);
});

test('the README adds the sources exactly as demo:systems prints them', () => {
  // Continuation lines joined, as the shell reads them.
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\\\n\s*/g, '');
  const commands = discoverySourceCommands(LOCAL_DEMO_SYSTEMS);
  assert.equal(commands.length, 4);
  for (const args of commands) {
    const line = `mandate ${args.map(shellQuote).join(' ')}`;
    assert.ok(readme.includes(`${line}\n`), `README lacks: ${line}`);
  }
});

for (const store of testStores()) {
  describe(`demo estate discovery walk-through on ${store.name}`, () => {
    let app: Awaited<ReturnType<typeof buildApp>>;
    let env: Record<string, string> = {};
    let logins: DemoLogin[] = [];
    let session: pg.Client | undefined;
    /** This run's PostgreSQL accounts as the first read saw them, to compare with a later estate. */
    let firstEstate: unknown;
    const connectors = connectorRegistry([postgresConnector({ url: PG_ADMIN_URL })]);
    const cli = async (...args: string[]) => {
      const r = await runCli(args, env);
      assert.equal(r.code, 0, `mandate ${args.join(' ')}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    };
    const json = async (...args: string[]) => JSON.parse(await cli(...args, '--json'));
    // Most of the demo's declared roles and users are not in the estate (missing): more than a page.
    const accounts = async (...filters: string[]): Promise<any[]> => json('discovery', 'accounts', '--limit', '2000', ...filters);
    const account = async (k: string) => (await accounts()).find((a) => a.key === k);
    const estateOf = (items: any[]) =>
      items
        .filter((a) => a.account && mine(a))
        .map((a) => ({
          native_id: a.native_id,
          type: a.account.type,
          privilege: a.account.privilege,
          can_login: a.account.can_login,
          grants: a.account.grants.map((g: any) => `${g.privilege}: ${g.grant}`).sort(),
        }))
        .sort((x, y) => x.native_id.localeCompare(y.native_id));

    before(async () => {
      const db = await store.open();
      app = await buildApp({ db, logger: false, connectors });
      const admin = (await app.services.users.bootstrap(undefined))!;
      await app.services.importer.importManifest('test', demoManifestOfThisRun(), { dryRun: false, digestOf: 'demo' });
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      env = { MANDATE_URL: address, MANDATE_TOKEN: admin };
      // Laid out again for the second store: the same estate, its logins switched back on.
      logins = await provisionDemoSystems(systems);
      session = await openInteractiveSession(systems, interactiveLogin(logins));
      session.on('error', () => undefined);
    });
    after(async () => {
      await session?.end().catch(() => undefined);
      await app?.close();
      await connectors.close();
      await store.cleanup();
    });

    test('the printed commands add the four sources, and each run succeeds', async () => {
      const commands = discoverySourceCommands(systems);
      assert.deepEqual(
        commands.map((c) => c[3]),
        [PG, MARIA, DEMO_SOURCE_IDS.redis, DEMO_SOURCE_IDS.rabbitmq],
      );
      for (const args of commands) assert.match(await cli(...args), /^added source demo-/);
      for (const id of Object.values(DEMO_SOURCE_IDS))
        assert.match(await cli('discovery', 'run', id), new RegExp(`^run dr_[0-9a-f]+ of ${id}: succeeded \\(observed \\d+`));
      const listed = await json('discovery', 'sources', 'list');
      assert.deepEqual(
        listed.map((s: any) => [s.id, s.last_run.status]).sort(),
        Object.values(DEMO_SOURCE_IDS)
          .map((id) => [id, 'succeeded'])
          .sort(),
      );
    });

    test('the demo identities with accounts are matched, one per live source', async () => {
      for (const [source, native, identity] of [
        [PG, `${RUN}custody_onboarding_fr`, 'svc-custody-onboarding-de-fr'],
        [MARIA, `${RUN}ledger_archive_ie@%`, 'svc-ledger-archive-ie'],
        [DEMO_SOURCE_IDS.redis, `${RUN}keystone_deposits_fr`, 'wallet-keystone-deposits-de-fr'],
        [DEMO_SOURCE_IDS.rabbitmq, `${RUN}custody_sweeper_fr`, 'svc-custody-sweeper-de-fr'],
      ] as const) {
        const a = await account(key(source, native));
        assert.ok(a, `${source} did not see ${native}`);
        assert.deepEqual([a.state, a.identity, a.drift], ['matched', identity, []], JSON.stringify(a));
      }
    });

    test('drift: a role declared observe that can write, and a login used from psql, with their findings and controls', async () => {
      const drift = (await accounts('--state', 'drift')).filter(mine);
      const grafana = drift.find((a) => a.identity === 'svc-grafana-readonly');
      assert.deepEqual([grafana?.key, grafana?.drift], [key(PG, `${RUN}svc_grafana_readonly`), ['over_privileged']], JSON.stringify(drift));
      assert.ok(
        grafana.evidence.some((e: any) => /^(INSERT|UPDATE) on 1 table in .*mandate_demo \(public\.payouts\)$/.test(e.detail)),
        JSON.stringify(grafana.evidence),
      );
      const bridge = drift.find((a) => a.identity === 'svc-payout-bridge-v1-de');
      assert.deepEqual([bridge?.key, bridge?.drift], [key(PG, `${RUN}svc_payout_bridge_v1_de`), ['interactive_use']]);
      assert.deepEqual(
        bridge.account.sessions.map((s: any) => [s.application, s.interactive]),
        [['psql', true]],
      );

      // Reading findings runs nothing: the checks run on their schedule, after a change, or when asked.
      await json('checks', 'run');
      const over = await json('findings', '--check', 'discovery-over-privileged');
      const f = over.find((x: any) => x.subject.id === 'svc-grafana-readonly');
      assert.equal(f?.severity, 'high', JSON.stringify(over));
      for (const c of ['owasp-nhi:NHI5', 'nist-csf:PR.AA-05', 'dora:rts-2024-1774:art-21']) assert.ok(f.controls.includes(c), c);
      const human = await json('findings', '--check', 'discovery-interactive-use');
      assert.ok(
        human.some(
          (x: any) => x.subject.id === 'svc-payout-bridge-v1-de' && x.severity === 'high' && x.controls.includes('owasp-nhi:NHI10'),
        ),
        JSON.stringify(human),
      );
      firstEstate = estateOf(await accounts('--source', PG));
    });

    test('unmanaged: the two service accounts nobody declared, each a high finding (they can write)', async () => {
      const unmanaged = (await accounts('--state', 'unmanaged')).filter(mine);
      assert.deepEqual(unmanaged.map((a) => [a.key, a.account.privilege, a.account.can_login]).sort(), [
        [key(MARIA, `${RUN}backup_agent@%`), 'execute', true],
        [key(PG, `${RUN}svc_fx_rates_import`), 'execute', true],
      ]);
      await json('checks', 'run');
      const findings = await json('findings', '--check', 'discovery-unmanaged');
      for (const subject of [`${PG}:${RUN}svc_fx_rates_import`, `${MARIA}:${RUN}backup_agent@%`])
        assert.equal(findings.find((x: any) => x.subject.id === subject)?.severity, 'high', subject);
    });

    test('adopt one (held, then approved), dismiss the other with a reason', async () => {
      const fx = key(PG, `${RUN}svc_fx_rates_import`);
      const held = await json(
        'discovery',
        'adopt',
        fx,
        '--id',
        'svc-fx-rates-import-de',
        '--owner',
        'lena.fischer@mandate-demo.example',
        '--purpose',
        'Loads the daily reference FX rates',
        '--function',
        'settlement',
        '--scopes',
        'ent-de/exchange_funds/DE',
      );
      assert.equal(held.change.identity.id, 'svc-fx-rates-import-de');
      assert.deepEqual(held.change.identity.revocation, { connector: 'postgres', target: `${RUN}svc_fx_rates_import` });
      // Approvers as the README makes them: anna (and ben, if the rules want two).
      for (const who of ['anna', 'ben']) {
        await app.services.users.createUser('test', { id: who, name: who, roles: ['approver'] });
        const token = (await app.services.users.createToken('test', who, {})).token;
        const voted = JSON.parse(
          (await runCli(['approvals', 'approve', held.approval.id, '--json'], { ...env, MANDATE_TOKEN: token })).stdout,
        );
        if (voted.status === 'approved') break;
      }
      assert.equal((await json('identities', 'show', 'svc-fx-rates-import-de')).status, 'active');

      const backup = key(MARIA, `${RUN}backup_agent@%`);
      assert.match(
        await cli(
          'discovery',
          'dismiss',
          backup,
          '--reason',
          'out_of_scope',
          '--note',
          "the hosting provider's backup agent, under its outsourcing contract",
        ),
        /: dismissed \(out_of_scope\)$/m,
      );

      await cli('discovery', 'run', PG);
      const adopted = await account(fx);
      assert.deepEqual([adopted.state, adopted.identity, adopted.disposition.kind], ['matched', 'svc-fx-rates-import-de', 'adopted']);
      await json('checks', 'run');
      const findings = await json('findings', '--check', 'discovery-unmanaged');
      const subjects = findings.map((x: any) => x.subject.id);
      assert.ok(
        !subjects.includes(`${PG}:${RUN}svc_fx_rates_import`) && !subjects.includes(`${MARIA}:${RUN}backup_agent@%`),
        JSON.stringify(subjects),
      );
    });

    test('a suspension the connector delivers: the login is refused, and discovery agrees', async () => {
      const bridge = interactiveLogin(logins);
      const ended = new Promise<void>((resolve) => session!.on('end', () => resolve()));
      assert.match(await cli('identities', 'suspend', 'svc-payout-bridge-v1-de', '--reason', 'used by hand from psql'), /is now suspended/);
      await app.services.outbox.drain();
      await ended;
      session = undefined;
      await assert.rejects(pgLogin(bridge), /not permitted to log in/);

      await cli('discovery', 'run', PG);
      const mineOf = (
        await app.inject({
          url: `/v1/discovery/accounts?identity=svc-payout-bridge-v1-de`,
          headers: { authorization: `Bearer ${env.MANDATE_TOKEN}` },
        })
      ).json();
      assert.deepEqual(
        mineOf.items.map((a: any) => [a.key, a.state, a.drift, a.account.can_login, a.account.sessions_total]),
        [[key(PG, bridge.user), 'matched', [], false, 0]],
      );
    });

    test(
      "switched back on behind Mandate's back (demo:systems again): " + 'revocation not effective, critical; the estate is the same',
      async () => {
        const again = await provisionDemoSystems({ postgresUrl: systems.postgresUrl!, prefix: RUN });
        const back = await pgLogin(interactiveLogin(again));
        await back.end();
        await cli('discovery', 'run', PG);
        const a = await account(key(PG, `${RUN}svc_payout_bridge_v1_de`));
        assert.deepEqual([a.state, a.identity, a.drift], ['drift', 'svc-payout-bridge-v1-de', ['revocation_not_effective']]);
        await json('checks', 'run');
        const findings = await json('findings', '--check', 'discovery-revocation-not-effective');
        const f = findings.find((x: any) => x.subject.id === 'svc-payout-bridge-v1-de');
        assert.equal(f?.severity, 'critical', JSON.stringify(findings));
        assert.ok(f.controls.includes('owasp-nhi:NHI1'));
        assert.deepEqual(estateOf(await accounts('--source', PG)), firstEstate);
      },
    );
  });
}
