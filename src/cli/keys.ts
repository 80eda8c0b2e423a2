// CLI for keys: list them and rotate the token, SET and ledger keys through the server; rotate the
// key-encryption key against the store directly, like a migration, so the new KEK never travels
// over HTTP (the servers are stopped first, and restarted with the new KEK).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, type Client } from './client.js';
import { note } from './output.js';
import { table } from './table.js';

type ClientOf = (cmd: Command) => { client: Client; json: boolean };

const SERVER_PURPOSES = ['token', 'set', 'ledger'] as const;

export function registerKeyCommands(program: Command, clientOf: ClientOf, print: (s: string) => void): void {
  const keys = program.command('keys').description('signing keys and the key-encryption key: list and rotate (admin)');

  keys
    .command('list')
    .description('every signing key: purpose, kid, when made and retired, public key (never private material)')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/keys');
      if (json) return print(JSON.stringify(body.items, null, 2));
      const rows = body.items.map((k) => ({
        ...k,
        retired_at: k.retired_at ?? 'current',
        public_key: typeof k.public_key === 'string' ? k.public_key : ((k.public_key as { x?: string }).x ?? ''),
      }));
      print(table(rows, ['purpose', 'kid', 'created_at', 'retired_at', 'public_key']));
    });

  keys
    .command('rotate <purpose>')
    .description('rotate a key now: token, set or ledger (through the server); kek (against the store, servers stopped)')
    .option('--reason <text>', 'why, recorded in the ledger event')
    .option('--origin <origin>', "ledger: name the new key so, changing the log's origin (then set MANDATE_LEDGER_ORIGIN to it)")
    .option('--new-kek-file <file>', 'kek: the new key-encryption key (base64, 32 bytes); the old one is MANDATE_KEK or MANDATE_KEK_FILE')
    .option('--db <url>', 'kek: the store (default MANDATE_DB, else sqlite:./data/mandate.db)')
    .option('--config <file>', 'kek: the settings file the servers use (MANDATE_CONFIG)')
    .addHelpText(
      'after',
      '\nExamples:\n  mandate keys rotate token --reason "yearly rotation"\n' +
        '  mandate keys rotate ledger --origin mandate.example.com/ledger\n' +
        '  MANDATE_KEK=$(cat old.kek) mandate keys rotate kek --new-kek-file new.kek --db postgres://…',
    )
    .action(
      async (purpose: string, o: { reason?: string; origin?: string; newKekFile?: string; db?: string; config?: string }, cmd: Command) => {
        if (purpose === 'kek') return rotateKekCommand(o, clientOf(cmd).json, print);
        if (!(SERVER_PURPOSES as readonly string[]).includes(purpose))
          throw new CliError(`purpose is token, set, ledger or kek, not "${purpose}"`, 2, { code: 'BAD_ARGUMENT', field: 'purpose' });
        if (o.newKekFile) throw new CliError('--new-kek-file is for mandate keys rotate kek', 2, { field: '--new-kek-file' });
        if (o.origin && purpose !== 'ledger') throw new CliError('--origin is for the ledger key', 2, { field: '--origin' });
        const { client, json } = clientOf(cmd);
        const { body } = await client.call('POST', '/v1/keys/{purpose}/rotate', {
          path: { purpose: purpose as (typeof SERVER_PURPOSES)[number] },
          body: { ...(o.reason ? { reason: o.reason } : {}), ...(o.origin ? { origin: o.origin } : {}) },
        });
        if (json) return print(JSON.stringify(body, null, 2));
        if (purpose === 'ledger') {
          print(`rotated the ledger key: ${body.kid}\n  from ${body.from}\n  to   ${body.public_key as string}`);
          note(
            `event ${body.seq} records it, and the old key's checkpoint of size ${body.checkpoint?.size} covers it: ` +
              'verifiers that trust the old key follow it (re-pin with mandate ledger key --pin --repin)',
          );
          if (o.origin) note(`set MANDATE_LEDGER_ORIGIN=${o.origin} on every server before it next starts`);
          return;
        }
        print(`rotated the ${purpose} key: ${body.kid} (the retired key stays published for a token lifetime)`);
      },
    );
}

/** Re-seals the store's sealed values under a new KEK (src/keys/rotation.ts rotateKek). */
async function rotateKekCommand(
  o: { reason?: string; newKekFile?: string; db?: string; config?: string },
  json: boolean,
  print: (s: string) => void,
): Promise<void> {
  if (!o.newKekFile) throw new CliError('give the new key-encryption key with --new-kek-file FILE', 2, { field: '--new-kek-file' });
  const { loadServerConfig } = await import('../config.js');
  const { parseKek } = await import('../ledger/keys.js');
  const config = loadServerConfig({ ...(o.db ? { db: o.db } : {}), ...(o.config ? { config: o.config } : {}) });
  let newKek: Buffer;
  let oldKek: Buffer;
  try {
    newKek = parseKek(readFileSync(o.newKekFile, 'utf8'));
  } catch (err) {
    throw new CliError(`--new-kek-file ${o.newKekFile}: ${(err as Error).message}`, 2, { field: '--new-kek-file' });
  }
  try {
    oldKek = parseKek(config.kek ?? readFileSync(config.kekFile, 'utf8'));
  } catch (err) {
    throw new CliError(`the current KEK (MANDATE_KEK, else MANDATE_KEK_FILE ${config.kekFile}): ${(err as Error).message}`, 2, {
      field: 'MANDATE_KEK',
    });
  }
  const { openDatabase } = await import('../store/open.js');
  const { migrate } = await import('../store/migrations.js');
  const { rotateKek } = await import('../keys/rotation.js');
  const db = await openDatabase(config.db);
  try {
    await migrate(db);
    const r = await rotateKek(db, { oldKek, newKek, clock: () => new Date(), actor: 'cli:keys-rotate-kek', ...pick(o.reason) });
    if (json) return print(JSON.stringify(r, null, 2));
    print(`re-sealed ${r.resealed} values under the new key-encryption key (fingerprint ${r.to.slice(0, 16)}…)`);
    note(
      `start every server with the new KEK (MANDATE_KEK=$(cat ${o.newKekFile}), ` +
        `or replace ${config.kek ? 'MANDATE_KEK' : config.kekFile}); ` +
        'a server started with the old one now refuses to start',
    );
  } finally {
    await db.close();
  }
}

const pick = (reason?: string) => (reason ? { reason } : {});
