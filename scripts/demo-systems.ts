// npm run demo:systems: lays out the demo's estate on the local servers (see src/demo/systems.ts):
// the logins the licence-change walk-through switches off, and what discovery finds. Prints the
// throwaway passwords, how to start Mandate with its connectors and the discovery sources to add.
// A server that cannot be reached is skipped with a note; the others are still set up.
//
// The interactive session (a psql-named login of svc-payout-bridge-v1-de) must stay open while
// discovery runs, so a detached copy of this script holds it (`--hold-session`) until the
// session is ended (suspending the identity ends it) or HOLD_HOURS pass.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  DEMO_INTERACTIVE,
  discoverySourceCommands,
  interactiveLogin,
  LOCAL_DEMO_SYSTEMS,
  interactiveSessionOpen,
  openInteractiveSession,
  provisionDemoSystems,
  shellQuote,
  type DemoLogin,
  type DemoSystem,
  type DemoSystems,
} from '../src/demo/systems.js';

const HOLD_HOURS = 12;
const env = process.env;
const all: DemoSystems = {
  postgresUrl: env.MANDATE_CONNECTOR_POSTGRES_URL ?? LOCAL_DEMO_SYSTEMS.postgresUrl,
  mariadbUrl: env.MANDATE_DEMO_MARIADB_URL ?? LOCAL_DEMO_SYSTEMS.mariadbUrl,
  redisUrl: env.MANDATE_CONNECTOR_REDIS_URL ?? LOCAL_DEMO_SYSTEMS.redisUrl,
  rabbitmqctl: LOCAL_DEMO_SYSTEMS.rabbitmqctl,
};
const KEY: Record<DemoSystem, keyof DemoSystems> = {
  postgres: 'postgresUrl',
  mariadb: 'mariadbUrl',
  redis: 'redisUrl',
  rabbitmq: 'rabbitmqctl',
};

if (process.argv.includes('--hold-session')) {
  // The holder: the login comes through the environment, never the command line (ps shows that).
  const login: DemoLogin = {
    identity: DEMO_INTERACTIVE.identity,
    connector: 'postgres',
    user: env.DEMO_SESSION_USER!,
    password: env.DEMO_SESSION_PASSWORD!,
    shows: '',
  };
  const session = await openInteractiveSession(all, login);
  const ended = new Promise<void>((resolve) => {
    session.on('error', () => resolve());
    session.on('end', () => resolve());
  });
  await Promise.race([ended, sleep(HOLD_HOURS * 3_600_000, undefined, { ref: false }).then(() => session.end())]);
  process.exit(0);
}

const logins: DemoLogin[] = [];
const up: DemoSystems = {};
for (const system of ['postgres', 'mariadb', 'redis', 'rabbitmq'] as const) {
  const one: DemoSystems = { [KEY[system]]: all[KEY[system]] };
  try {
    logins.push(...(await provisionDemoSystems(one)));
    Object.assign(up, one);
  } catch (err) {
    console.log(`Skipped ${system}: ${(err as Error).message}`);
  }
}

console.log('Demo logins (throwaway, local only):');
for (const l of logins)
  console.log(
    `  ${l.connector.padEnd(8)} user ${l.user.padEnd(26)} password ${l.password}   (${l.identity ?? 'nobody declared it'}; ${l.shows})`,
  );

if (up.postgresUrl) {
  const login = interactiveLogin(logins);
  if (await interactiveSessionOpen(up)) console.log(`\nA ${DEMO_INTERACTIVE.application} session as ${login.user} is already open.`);
  else {
    const holder = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--hold-session'], {
      detached: true,
      stdio: 'ignore',
      env: { ...env, DEMO_SESSION_USER: login.user, DEMO_SESSION_PASSWORD: login.password },
    });
    holder.unref();
    let open = false;
    for (let i = 0; i < 40 && !open; i++) {
      await sleep(250);
      open = await interactiveSessionOpen(up);
    }
    console.log(
      open
        ? `\nA ${DEMO_INTERACTIVE.application} session as ${login.user} is held open by process ${holder.pid} for ${HOLD_HOURS} hours ` +
            `(kill ${holder.pid} to end it).`
        : `\nThe ${DEMO_INTERACTIVE.application} session as ${login.user} did not open: discovery will not see interactive use.`,
    );
  }
}

console.log(`
Start Mandate with these connectors:
  MANDATE_CONNECTOR_POSTGRES_URL=${all.postgresUrl} MANDATE_CONNECTOR_REDIS_URL=${all.redisUrl} MANDATE_CONNECTOR_RABBITMQ_CTL=1 npm start

Then add the discovery sources (and run each: mandate discovery run ID):`);
for (const args of discoverySourceCommands(up)) console.log(`  mandate ${args.map(shellQuote).join(' ')}`);
