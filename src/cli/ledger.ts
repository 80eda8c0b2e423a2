// CLI for the ledger: checkpoints and proofs from the server; export to a file; and `verify`,
// which runs offline on a file with no server and no database.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyLedgerFile } from '../ledger/verify.js';
import { verifyPackFile } from '../evidence/verify.js';
import { CliError, type Client } from './client.js';

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
    .action(async (_o: unknown, cmd: Command) => {
      const { client } = clientOf(cmd);
      print((await client.call('GET', '/v1/ledger/key', { anonymous: true })).body.verifier_key);
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
      print(`wrote ${bytes} bytes to ${o.out}; check it with: mandate ledger verify ${o.out} --key <verifier key>`);
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
      'verify an exported log offline: every leaf, the tree, every checkpoint signature, consistency with checkpoints kept elsewhere',
    )
    .option('--key <key>', "the log's verifier key (name+id+key); default: the one in the file")
    .option('--key-file <file>', 'read the verifier key from a file')
    .option('--checkpoint <file...>', 'signed checkpoints kept outside Mandate')
    .action(async (file: string, o: { key?: string; keyFile?: string; checkpoint?: string[] }, cmd: Command) => {
      const { json } = clientOf(cmd);
      readText(file, 'ledger export');
      const key = o.key ?? (o.keyFile ? readText(o.keyFile, 'key file').trim() : undefined);
      // An evidence pack (gzip) rather than a ledger export (JSON Lines).
      if (
        readFileSync(file)
          .subarray(0, 2)
          .equals(Buffer.from([0x1f, 0x8b]))
      ) {
        const pack = await verifyPackFile(file, key ? { key } : {});
        if (json) print(JSON.stringify(pack, null, 2));
        else if (pack.ok)
          print(
            `OK: evidence pack for ${pack.entity} in ${pack.jurisdiction} as of ` +
              `${pack.as_of}: ${pack.files} files, ${pack.events} ledger events with inclusion proofs, signed manifest and ` +
              `checkpoint verified, OSCAL ${pack.oscal}` +
              `${key ? '' : ' (with the key inside the pack: pass --key to check it is the one you trust)'}`,
          );
        else {
          print(`FAILED: ${pack.problems.length} problem${pack.problems.length === 1 ? '' : 's'}`);
          for (const p of pack.problems.slice(0, 50)) print(`  ${p}`);
        }
        if (!pack.ok) throw new CliError('the evidence pack does not verify', 1);
        return;
      }
      const report = await verifyLedgerFile(file, {
        ...(key ? { key } : {}),
        checkpoints: (o.checkpoint ?? []).map((f) => readText(f, 'checkpoint')),
      });
      if (json) print(JSON.stringify(report, null, 2));
      else if (report.ok)
        print(
          `OK: ${report.events} events, ${report.checkpoints} signed checkpoint` +
            `${report.checkpoints === 1 ? '' : 's'} verified` +
            `${key ? '' : ' (with the key named in the file: pass --key to check it is the one you trust)'}\nroot ${report.root}`,
        );
      else {
        print(
          `FAILED: ${report.problems.length} problem` +
            `${report.problems.length === 1 ? '' : 's'}` +
            `${report.firstBadIndex !== null ? `; first bad index ${report.firstBadIndex} (event ${report.firstBadIndex + 1})` : ''}`,
        );
        for (const p of report.problems.slice(0, 50)) print(`  ${p.kind}: ${p.message}`);
      }
      if (!report.ok) throw new CliError('the ledger does not verify', 1);
    });
}
