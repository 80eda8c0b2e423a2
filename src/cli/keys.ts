// CLI for keys: list them and rotate the token, SET and ledger keys through the server; rotate the
// key-encryption key against the store directly, like a migration, so the new KEK never travels
// over HTTP (the servers are stopped first, and restarted with the new KEK).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ServerConfig } from '../config.js';
import { MandateError } from '../core/errors.js';
import type { Pkcs11KeyStore } from '../keys/pkcs11.js';
import type { Database } from '../store/db.js';
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
    .option(
      '--new-kek-file <file>',
      'kek: the new key-encryption key (base64, 32 bytes); the old one is MANDATE_KEK or MANDATE_KEK_FILE ' +
        '(not with MANDATE_KEK_SOURCE=hsm: the HSM wraps a new random data key)',
    )
    .option(
      '--to-hsm',
      'kek: move a KEK from MANDATE_KEK or MANDATE_KEK_FILE into the HSM of MANDATE_PKCS11_* (a new data key it wraps); ' +
        'then start the servers with MANDATE_KEK_SOURCE=hsm',
    )
    .option('--db <url>', 'kek: the store (default MANDATE_DB, else sqlite:./data/mandate.db)')
    .option('--config <file>', 'kek: the settings file the servers use (MANDATE_CONFIG)')
    .addHelpText(
      'after',
      '\nExamples:\n  mandate keys rotate token --reason "yearly rotation"\n' +
        '  mandate keys rotate ledger --origin mandate.example.com/ledger\n' +
        '  MANDATE_KEK=$(cat old.kek) mandate keys rotate kek --new-kek-file new.kek --db postgres://…\n' +
        '  mandate keys rotate kek --config mandate.json --db postgres://…   # MANDATE_KEK_SOURCE=hsm: the HSM wraps a new data key\n' +
        '  MANDATE_KEK=$(cat old.kek) MANDATE_KEY_STORE=pkcs11 MANDATE_PKCS11_… mandate keys rotate kek --to-hsm --db postgres://…',
    )
    .action(
      async (
        purpose: string,
        o: { reason?: string; origin?: string; newKekFile?: string; toHsm?: boolean; db?: string; config?: string },
        cmd: Command,
      ) => {
        if (purpose === 'kek') return rotateKekCommand(o, clientOf(cmd).json, print);
        if (o.toHsm) throw new CliError('--to-hsm is for mandate keys rotate kek', 2, { field: '--to-hsm' });
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

/**
 * Re-seals the store's sealed values under a new KEK: the one in --new-kek-file (src/keys/rotation.ts
 * rotateKek), or, with MANDATE_KEK_SOURCE=hsm, a new data key the HSM wraps (src/keys/kek-hsm.ts).
 */
async function rotateKekCommand(
  o: { reason?: string; newKekFile?: string; toHsm?: boolean; db?: string; config?: string },
  json: boolean,
  print: (s: string) => void,
): Promise<void> {
  const { loadServerConfig } = await import('../config.js');
  const config = loadServerConfig({ ...(o.db ? { db: o.db } : {}), ...(o.config ? { config: o.config } : {}) });
  if (o.toHsm) return moveKekToHsmCommand(config, o, json, print);
  if (config.kekSource === 'hsm') return rotateHsmKekCommand(config, o, json, print);
  if (!o.newKekFile) throw new CliError('give the new key-encryption key with --new-kek-file FILE', 2, { field: '--new-kek-file' });
  const { parseKek } = await import('../ledger/keys.js');
  let newKek: Buffer;
  try {
    newKek = parseKek(readFileSync(o.newKekFile, 'utf8'));
  } catch (err) {
    throw new CliError(`--new-kek-file ${o.newKekFile}: ${(err as Error).message}`, 2, { field: '--new-kek-file' });
  }
  const oldKek = await currentFileKek(config);
  const { rotateKek } = await import('../keys/rotation.js');
  const r = await againstStore(config.db, (db) =>
    rotateKek(db, { oldKek, newKek, clock: () => new Date(), actor: 'cli:keys-rotate-kek', ...pick(o.reason) }),
  );
  if (json) return print(JSON.stringify(r, null, 2));
  print(`re-sealed ${r.resealed} values under the new key-encryption key (fingerprint ${r.to.slice(0, 16)}…)`);
  note(
    `start every server with the new KEK (MANDATE_KEK=$(cat ${o.newKekFile}), ` +
      `or replace ${config.kek ? 'MANDATE_KEK' : config.kekFile}); ` +
      'a server started with the old one now refuses to start',
  );
}

/** The KEK the servers use today, from MANDATE_KEK or else MANDATE_KEK_FILE. */
async function currentFileKek(config: ServerConfig): Promise<Buffer> {
  const { parseKek } = await import('../ledger/keys.js');
  try {
    return parseKek(config.kek ?? readFileSync(config.kekFile, 'utf8'));
  } catch (err) {
    throw new CliError(`the current KEK (MANDATE_KEK, else MANDATE_KEK_FILE ${config.kekFile}): ${(err as Error).message}`, 2, {
      field: 'MANDATE_KEK',
    });
  }
}

/**
 * --to-hsm: the KEK from MANDATE_KEK or MANDATE_KEK_FILE is replaced by a new data key the HSM of
 * MANDATE_PKCS11_* wraps (src/keys/kek-hsm.ts moveKekToHsm); the servers then start with
 * MANDATE_KEK_SOURCE=hsm.
 */
async function moveKekToHsmCommand(
  config: ServerConfig,
  o: { reason?: string; newKekFile?: string },
  json: boolean,
  print: (s: string) => void,
): Promise<void> {
  if (o.newKekFile)
    throw new CliError('--to-hsm and --new-kek-file: the data key the HSM wraps is made at random, never read from a file', 2, {
      field: '--new-kek-file',
    });
  if (config.kekSource === 'hsm')
    throw new CliError(
      '--to-hsm moves a KEK from MANDATE_KEK or MANDATE_KEK_FILE into the HSM; with MANDATE_KEK_SOURCE=hsm it is there already: ' +
        'give the settings the servers use today (MANDATE_KEK_SOURCE=key), or rotate without --to-hsm',
      2,
      { field: 'MANDATE_KEK_SOURCE' },
    );
  if (config.keyStore !== 'pkcs11')
    throw new CliError('--to-hsm needs the HSM that will wrap the KEK: MANDATE_KEY_STORE=pkcs11 and MANDATE_PKCS11_*', 2, {
      field: 'MANDATE_KEY_STORE',
    });
  const oldKek = await currentFileKek(config);
  const { KEK_WRAPPING_LABEL, moveKekToHsm } = await import('../keys/kek-hsm.js');
  const token = config.pkcs11Token!;
  let r: Awaited<ReturnType<typeof moveKekToHsm>>;
  try {
    r = await withHsm(config, (hsm) => moveKekToHsm(hsm.db, { ...hsm.options, oldKek, ...pick(o.reason) }));
  } finally {
    oldKek.fill(0);
  }
  if (json) return print(JSON.stringify(r, null, 2));
  print(
    `moved the key-encryption key into the HSM: re-sealed ${r.resealed} values under a new data key, wrapped by the HSM key ` +
      `${KEK_WRAPPING_LABEL} on token ${token} (fingerprint ${r.to.slice(0, 16)}…)`,
  );
  note(
    'start every server with MANDATE_KEK_SOURCE=hsm and without MANDATE_KEK; ' +
      `the old KEK${config.kek ? '' : ` (${config.kekFile})`} opens nothing the store holds now: destroy it`,
  );
}

/** MANDATE_KEK_SOURCE=hsm: a new data key, wrapped by the HSM the servers use (their MANDATE_PKCS11_* settings). */
async function rotateHsmKekCommand(
  config: ServerConfig,
  o: { reason?: string; newKekFile?: string },
  json: boolean,
  print: (s: string) => void,
): Promise<void> {
  // The new data key is made here and only ever stored wrapped: a key in a file is never one the HSM wraps.
  if (o.newKekFile)
    throw new CliError(
      `--new-kek-file is not used with MANDATE_KEK_SOURCE=hsm: the new data key is made at random and wrapped by the HSM, ` +
        `not read from ${o.newKekFile}; run mandate keys rotate kek without --new-kek-file`,
      2,
      { field: '--new-kek-file' },
    );
  const { KEK_WRAPPING_LABEL, rotateHsmKek } = await import('../keys/kek-hsm.js');
  const token = config.pkcs11Token!;
  const r = await withHsm(config, (hsm) => rotateHsmKek(hsm.db, { ...hsm.options, ...pick(o.reason) }));
  if (json) return print(JSON.stringify(r, null, 2));
  print(
    `re-sealed ${r.resealed} values under a new data key, wrapped by the HSM key ${KEK_WRAPPING_LABEL} on token ${token} ` +
      `(fingerprint ${r.to.slice(0, 16)}…)`,
  );
  note('start the servers with the same HSM settings: they unwrap the new data key; the old wrapped one is gone from the store');
}

/** The servers' HSM (MANDATE_PKCS11_*) and the store, for a KEK command; the HSM's session is closed after. */
async function withHsm<T>(
  config: ServerConfig,
  f: (hsm: { db: Database; options: { store: Pkcs11KeyStore; token: string; pinVar: string; actor: string } }) => Promise<T>,
): Promise<T> {
  const { pinFrom, pkcs11KeyStore } = await import('../keys/pkcs11.js');
  const token = config.pkcs11Token!;
  const store = pkcs11KeyStore({ module: config.pkcs11Module!, token, pin: pinFrom(config.pkcs11Pin, config.pkcs11PinFile) });
  const pinVar = config.pkcs11Pin !== undefined ? 'MANDATE_PKCS11_PIN' : 'MANDATE_PKCS11_PIN_FILE';
  try {
    return await againstStore(config.db, (db) => f({ db, options: { store, token, pinVar, actor: 'cli:keys-rotate-kek' } }));
  } finally {
    store.close();
  }
}

/** Runs a KEK rotation against the migrated store; its refusal is the command's, with the setting at fault. */
async function againstStore<T>(url: string, f: (db: Database) => Promise<T>): Promise<T> {
  const { openDatabase } = await import('../store/open.js');
  const { migrate } = await import('../store/migrations.js');
  const db = await openDatabase(url);
  try {
    await migrate(db);
    return await f(db);
  } catch (err) {
    if (err instanceof MandateError && err.refusal) throw new CliError(err.message, 1, { code: err.code, ...pickField(err.field) });
    throw err;
  } finally {
    await db.close();
  }
}

const pickField = (field?: string) => (field ? { field } : {});
const pick = (reason?: string) => (reason ? { reason } : {});
