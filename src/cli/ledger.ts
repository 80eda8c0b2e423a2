// CLI for the ledger: checkpoints and proofs from the server; export to a file; and `verify`,
// which runs offline on a file with no server and no database, against a verifier key the user
// trusts (--key, --key-file or the one pinned in the profile); without one it refuses to say OK
// unless --trust-on-first-use, which says what that proves and pins the key.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyLedgerFile, type VerifyReport } from '../ledger/verify.js';
import { verifyPackFile, type PackReport } from '../evidence/verify.js';
import { CliError, type Client } from './client.js';
import { note } from './output.js';
import { pinLedgerKey, profileName, storedProfile } from './profiles.js';

type ClientOf = (cmd: Command) => { client: Client; json: boolean };

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${what} ${file}: ${(err as Error).message}`, 2);
  }
}

function positive(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a whole number ≥ 1, not ${v}`, 2);
  return n;
}

export function registerLedgerCommands(program: Command, clientOf: ClientOf, print: (s: string) => void): void {
  const ledger = program.command('ledger').description('the tamper-evident ledger of every change');

  ledger
    .command('key')
    .description("the ledger's verifier key (keep a copy: packs and exports are checked against it)")
    .option('--pin', 'pin it in the profile: mandate ledger verify then checks against it when no --key is given')
    .option('--repin', 'with --pin: replace a different key pinned before (after checking why the key changed)')
    .action(async (o: { pin?: boolean; repin?: boolean }, cmd: Command) => {
      const { client } = clientOf(cmd);
      const key = (await client.call('GET', '/v1/ledger/key', { anonymous: true })).body.verifier_key;
      if (!o.pin) return print(key);
      const name = profileName(cmd.optsWithGlobals<{ profile?: string }>().profile);
      const pinned = storedProfile(name)?.ledger_key;
      if (pinned && pinned !== key && !o.repin)
        throw new CliError(
          `profile "${name}" pins another ledger key (${pinned}) than the server's (${key}): ` +
            'if the key was rotated on purpose, run mandate ledger key --pin --repin; else the server is not the one you pinned',
          1,
          { code: 'KEY_MISMATCH' },
        );
      if (pinned !== key) pinLedgerKey(name, key);
      print(key);
      note(`${pinned === key ? 'already pinned' : 'pinned'} in profile "${name}": mandate ledger verify checks against it`);
    });
  ledger
    .command('checkpoint')
    .description('the latest signed checkpoint')
    .option('--new', 'sign one of the log as it is now')
    .action(async (o: { new?: boolean }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/ledger/checkpoint', { query: { fresh: o.new ? 'true' : undefined } });
      print(json ? JSON.stringify(body, null, 2) : `${body.note}\nverifier key: ${body.verifier_key}`);
    });

  ledger
    .command('proof <seq>')
    .description('inclusion proof of an event')
    .option('--size <n>', 'tree size (default: now)')
    .action(async (seq: string, o: { size?: string }, cmd: Command) => {
      const { client } = clientOf(cmd);
      const query = { seq: positive(seq, 'seq'), size: o.size ? positive(o.size, '--size') : undefined };
      print(JSON.stringify((await client.call('GET', '/v1/ledger/proof/inclusion', { query })).body, null, 2));
    });

  ledger
    .command('consistency <from> [to]')
    .description('consistency proof between two tree sizes')
    .action(async (from: string, to: string | undefined, _o: unknown, cmd: Command) => {
      const { client } = clientOf(cmd);
      const query = { from: positive(from, 'from'), to: to ? positive(to, 'to') : undefined };
      print(JSON.stringify((await client.call('GET', '/v1/ledger/proof/consistency', { query })).body, null, 2));
    });

  ledger
    .command('export')
    .description('write the whole log as JSON Lines (docs/ledger.md)')
    .requiredOption('--out <file>', 'where to write (a new file)')
    .action(async (o: { out: string }, cmd: Command) => {
      const { client } = clientOf(cmd);
      const bytes = await client.download('/v1/ledger/export', o.out, undefined, `exporting the ledger to ${o.out}`);
      print(`wrote ${bytes} bytes to ${o.out}; check it with: mandate ledger verify ${o.out} --key <the verifier key you keep>`);
    });

  program
    .command('asof <time> <what>')
    .description('who could do what at a past time, rebuilt from the ledger, with proofs (what: identities)')
    .requiredOption('--can <action>', 'the action, e.g. initiate_transfer')
    .option('--entity <id>', 'legal entity')
    .option('--service <id>', 'MiCA service')
    .option('--jurisdiction <code>', 'member state')
    .action(
      async (time: string, what: string, o: { can: string; entity?: string; service?: string; jurisdiction?: string }, cmd: Command) => {
        if (what !== 'identities') throw new CliError(`asof answers about identities, not ${what}`, 2);
        const { client, json } = clientOf(cmd);
        const { body } = await client.call('GET', '/v1/asof/identities', {
          query: { at: time, can: o.can, entity: o.entity, service: o.service, jurisdiction: o.jurisdiction },
        });
        if (json) return print(JSON.stringify(body, null, 2));
        print(
          `At ${body.at} (ledger event ${body.as_of_seq}), ${body.identities.length} ` +
            `identit${body.identities.length === 1 ? 'y' : 'ies'} could ${o.can}:`,
        );
        // The document leaves an identity's entry open; each has its id and the scopes it could act in.
        for (const i of body.identities as { identity: string; scopes: string[] }[]) print(`  ${i.identity}  ${i.scopes.join(', ')}`);
        print(
          `Evidence: ${body.evidence.cited_events} ledger events, ` +
            `${body.evidence.proofs.length} inclusion proofs against the signed checkpoint of size ${body.evidence.checkpoint.size}` +
            ' (--json for all).',
        );
      },
    );

  ledger
    .command('verify <file>')
    .description(
      'verify an exported log or an evidence pack offline: every leaf, the tree, every checkpoint signature, ' +
        'consistency with checkpoints kept elsewhere, against the verifier key you trust',
    )
    .option('--key <key>', "the log's verifier key (name+id+key), obtained apart from the file (default: the one pinned in the profile)")
    .option('--key-file <file>', 'read the verifier key from a file')
    .option(
      '--trust-on-first-use',
      'with no --key and none pinned: check against the key inside the file, and pin it in the profile if there is one',
    )
    .option('--checkpoint <file...>', 'signed checkpoints kept outside Mandate')
    .action(async (file: string, o: { key?: string; keyFile?: string; trustOnFirstUse?: boolean; checkpoint?: string[] }, cmd: Command) => {
      const { json } = clientOf(cmd);
      // An evidence pack (gzip) rather than a ledger export (JSON Lines, read as a stream).
      const isPack = readBytes(file, 'ledger export or evidence pack', 2).equals(Buffer.from([0x1f, 0x8b]));
      const trusted = trustedKey(o, cmd);
      const key = trusted?.key;
      const what = isPack ? 'pack' : 'file';
      if (!trusted && !o.trustOnFirstUse)
        throw new CliError(
          `signature not checked: give --key with the ledger's verifier key obtained apart from this ${what} ` +
            '(mandate ledger key, from a copy you keep), or --key-file, or pin one (mandate ledger key --pin); ' +
            `--trust-on-first-use checks against the key inside the ${what}, which proves only that it is self-consistent`,
          2,
          { code: 'KEY_REQUIRED', field: '--key' },
        );
      const checkpoints = (o.checkpoint ?? []).map((f) => readBytes(f, 'checkpoint'));
      const report = isPack
        ? await verifyPackFile(file, key ? { key } : {})
        : await verifyLedgerFile(file, { ...(key ? { key } : {}), checkpoints });
      if (json) print(JSON.stringify({ ...report, key_source: trusted?.source ?? 'trust on first use' }, null, 2));
      if (!report.ok) {
        if (!json) {
          print(`FAILED: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}${firstBad(report)}`);
          for (const p of report.problems.slice(0, 50)) print(`  ${typeof p === 'string' ? p : `${p.kind}: ${p.message}`}`);
        }
        throw new CliError(isPack ? 'the evidence pack does not verify' : 'the ledger does not verify', 1);
      }
      if (!json) print(isPack ? packOk(report as PackReport) : ledgerOk(report as VerifyReport));
      if (trusted) return note(`signature checked against ${trusted.source}`);
      // Trust on first use: only self-consistent. Pin the key so later packs are checked against it.
      const fileKey = report.verifier_key;
      note(
        `trust on first use: the signature was checked only against the key inside the ${what} (${fileKey}), ` +
          'not one you keep: whoever could change it could change that key too',
      );
      const name = profileName(cmd.optsWithGlobals<{ profile?: string }>().profile);
      if (fileKey && storedProfile(name)) {
        pinLedgerKey(name, fileKey);
        note(`pinned it in profile "${name}": later verifications check against it (compare it with mandate ledger key)`);
      } else note('to pin a key: mandate login, then mandate ledger key --pin; or keep it and pass --key');
    });
}

function readBytes(file: string, what: string, first?: number): Buffer {
  try {
    if (first === undefined) return readFileSync(file);
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(first);
      return head.subarray(0, readSync(fd, head, 0, first, 0));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new CliError(`cannot read ${what} ${file}: ${(err as Error).message}`, 2);
  }
}

/** The key to check against and where it came from: --key, --key-file, else the profile's pinned one. */
function trustedKey(o: { key?: string; keyFile?: string }, cmd: Command): { key: string; source: string } | undefined {
  if (o.key) return { key: o.key.trim(), source: 'the key given (--key)' };
  if (o.keyFile) return { key: readText(o.keyFile, 'key file').trim(), source: `the key in ${o.keyFile}` };
  const name = profileName(cmd.optsWithGlobals<{ profile?: string }>().profile);
  const pinned = storedProfile(name)?.ledger_key;
  return pinned ? { key: pinned, source: `the key pinned in profile "${name}"` } : undefined;
}

function firstBad(report: PackReport | VerifyReport): string {
  return 'firstBadIndex' in report && report.firstBadIndex !== null
    ? `; first bad index ${report.firstBadIndex} (event ${report.firstBadIndex + 1})`
    : '';
}

function packOk(pack: PackReport): string {
  return (
    `OK: evidence pack for ${pack.product ? `product ${pack.product} of ` : ''}${pack.entity} in ${pack.jurisdiction} ` +
    `as of ${pack.as_of}: ${pack.files} files, ` +
    `${pack.events} ledger events with inclusion proofs, signed manifest and checkpoint verified, OSCAL ${pack.oscal}`
  );
}

function ledgerOk(report: VerifyReport): string {
  const checkpoints = `${report.checkpoints} signed checkpoint${report.checkpoints === 1 ? '' : 's'}`;
  return `OK: ${report.events} events, ${checkpoints} verified\nroot ${report.root}`;
}
