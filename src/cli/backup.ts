// `mandate admin backup`: an online copy of a SQLite store, on the server's host, while the server
// runs. VACUUM INTO reads in one transaction, so the copy is one consistent state of the store (the
// ledger a prefix of the live one) and the server's writes go on meanwhile; the file is made
// readable by its owner only and checked before it is reported. Needs no sqlite3 program (the
// container image has none). PostgreSQL is backed up with pg_dump -Fc (docs/operations.md).
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_DB } from '../config.js';
import { CliError } from './client.js';

export function registerAdminCommands(program: Command, print: (s: string) => void): void {
  const admin = program.command('admin').description("operations on the store itself, on the server's host (docs/operations.md)");
  admin
    .command('backup')
    .description('copy a SQLite store while the server runs (VACUUM INTO) to a new file readable by its owner only, and check the copy')
    .option('--db <url>', `the store, sqlite:PATH (default: MANDATE_DB, else ${DEFAULT_DB})`)
    .requiredOption('--to <file>', 'the new file (never overwritten)')
    .action(async (o: { db?: string; to: string }, cmd: Command) => {
      const url = o.db ?? process.env.MANDATE_DB ?? DEFAULT_DB;
      if (!url.startsWith('sqlite:'))
        throw new CliError('mandate admin backup copies a SQLite store; back up PostgreSQL with pg_dump -Fc (docs/operations.md)', 2, {
          code: 'BAD_FLAG',
          field: '--db',
        });
      const path = url.slice('sqlite:'.length);
      if (!path || path === ':memory:' || !existsSync(path)) throw new CliError(`no SQLite store at ${path || url}`, 2, { field: '--db' });
      if (existsSync(o.to)) throw new CliError(`${o.to} exists: give a new file`, 2, { code: 'BAD_FLAG', field: '--to' });
      mkdirSync(dirname(o.to), { recursive: true, mode: 0o700 });
      const { default: Sqlite } = await import('better-sqlite3');
      // Read-only: the copy never writes to the live store; it waits for a writer's lock at most 5 s.
      const live = new Sqlite(path, { readonly: true, fileMustExist: true });
      const umask = process.umask(0o077);
      try {
        live.pragma('busy_timeout = 5000');
        live.prepare('VACUUM INTO ?').run(o.to);
      } catch (err) {
        throw new CliError(`backup of ${path} failed: ${(err as Error).message}`, 1);
      } finally {
        process.umask(umask);
        live.close();
      }
      chmodSync(o.to, 0o600);
      const copy = new Sqlite(o.to, { readonly: true });
      let integrity: unknown;
      let events: number;
      try {
        integrity = copy.pragma('integrity_check', { simple: true });
        events = Number((copy.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n);
      } finally {
        copy.close();
      }
      if (integrity !== 'ok') throw new CliError(`the copy ${o.to} fails its integrity check: ${String(integrity)}`, 1);
      const json = cmd.optsWithGlobals<{ json?: boolean }>().json;
      const bytes = statSync(o.to).size;
      print(
        json
          ? JSON.stringify({ file: o.to, bytes, events, integrity: 'ok' }, null, 2)
          : `wrote ${o.to} (${bytes} bytes, ${events} ledger events, integrity ok, mode 0600); ` +
              'keep it apart from the key-encryption key',
      );
    });
}
