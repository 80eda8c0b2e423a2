// `mandate`: the command line. `serve` runs the server; every other command is a client of the
// REST API (server URL and token from flags or MANDATE_URL / MANDATE_TOKEN).
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { loadServerConfig } from '../config.js';
import { ROLES } from '../core/roles.js';
import { formatFor } from '../importer/parse.js';
import { Client, CliError } from './client.js';
import { registerApprovalCommands } from './approvals.js';
import { registerReviewCommands } from './reviews.js';
import { registerDiscoveryCommands } from './discovery.js';
import { registerComplianceCommands } from './compliance.js';
import { registerEnforcementCommands } from './enforcement.js';
import { registerLedgerCommands } from './ledger.js';
import { registerRegulatoryCommands } from './regulatory.js';
import { table } from './table.js';

interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
}

/** Where the CLI writes: the process's streams, or a test's buffers. */
export interface CliIo {
  out(s: string): void;
  err(s: string): void;
}
const processIo: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
let io: CliIo = processIo;
const print = (s: string): void => io.out(`${s}\n`);

function clientOf(cmd: Command): { client: Client; json: boolean } {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return { client: new Client({ url: g.url, ...(g.token ? { token: g.token } : {}) }), json: Boolean(g.json) };
}

const IDENTITY_COLUMNS = ['id', 'kind', 'function', 'capability', 'status', 'owner', 'environment'];
const IDENTITY_FILTERS = ['entity', 'service', 'jurisdiction', 'kind', 'function', 'capability', 'status', 'owner', 'vendor', 'environment'];

function addFilters(cmd: Command, names: readonly string[]): Command {
  for (const n of names) cmd.option(`--${n} <value>`, `only records with this ${n}`);
  return cmd.option('--limit <n>', 'at most this many records', '100');
}

function listCommand(parent: Command, path: string, columns: readonly string[], filters: readonly string[]): Command {
  return addFilters(parent.command('list').description(`list ${path}`), filters).action(async (opts: Record<string, string>, cmd: Command) => {
    const { client, json } = clientOf(cmd);
    const max = Number(opts.limit);
    if (!Number.isInteger(max) || max < 1) throw new CliError(`--limit must be a positive whole number, not ${opts.limit}`, 2);
    const query = Object.fromEntries(filters.map((f) => [f, opts[f]]));
    const items = await client.listAll<Record<string, unknown>>(`/v1/${path}`, query, max);
    print(json ? JSON.stringify(items, null, 2) : items.length ? table(items, columns) : `no ${path} match`);
  });
}

function showCommand(parent: Command, path: string): Command {
  return parent.command('show <id>').description(`show one of the ${path}`).action(async (id: string, _o: unknown, cmd: Command) => {
    const { client } = clientOf(cmd);
    const { body } = await client.request('GET', `/v1/${path}/${encodeURIComponent(id)}`);
    print(JSON.stringify(body, null, 2));
  });
}

function statusCommand(parent: Command, name: string, to: string, summary: string): void {
  parent.command(`${name} <id>`).description(summary).requiredOption('--reason <text>', 'why (recorded as evidence)').action(
    async (id: string, opts: { reason: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.request<{ id: string; status: string; version: number }>('POST', `/v1/identities/${encodeURIComponent(id)}/status`, {
        body: { status: to, reason: opts.reason },
      });
      print(json ? JSON.stringify(body, null, 2) : `${body.id} is now ${body.status} (version ${body.version})`);
    },
  );
}

/** Hands an identity to a new owner: reads it, and writes it back with the owner changed (If-Match). */
function setOwnerCommand(parent: Command): void {
  parent.command('set-owner <id> <owner>').description('hand an identity to a new owner (an e-mail address of the people registry)').action(
    async (id: string, owner: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const path = `/v1/identities/${encodeURIComponent(id)}`;
      const { body: current } = await client.request<Record<string, unknown> & { version: number }>('GET', path);
      const { version, created_at: _c, updated_at: _u, ...record } = current;
      const { body } = await client.request<{ id: string; owner: string; version: number }>('PUT', path, { body: { ...record, owner }, headers: { 'if-match': `"${version}"` } });
      print(json ? JSON.stringify(body, null, 2) : `${body.id} is now owned by ${body.owner} (version ${body.version})`);
    },
  );
}

export function buildCli(): Command {
  const program = new Command('mandate')
    .description('Mandate: licence state drives machine-identity state')
    .addOption(new Option('--url <url>', 'Mandate server URL').env('MANDATE_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--token <token>', 'API token').env('MANDATE_TOKEN'))
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();

  program
    .command('serve')
    .description('run the Mandate server')
    .option('--db <url>', 'store: sqlite:PATH (default sqlite:./data/mandate.db) or postgres://… (also MANDATE_DB)')
    .option('--host <host>', 'address to listen on (also MANDATE_HOST)')
    .option('--port <n>', 'port to listen on (also MANDATE_PORT, default 8080)')
    .option('--demo', 'load the demo firm on first start')
    .action(async (opts: { db?: string; host?: string; port?: string; demo?: boolean }) => {
      const config = loadServerConfig(opts);
      const { startServer } = await import('../server/start.js');
      const server = await startServer(config);
      const lines = [`Mandate is listening on ${server.url} (store: ${server.db.description})`];
      lines.push(`Console: ${server.url}/console/ (sign in with an API token)`);
      if (server.demoLoaded) lines.push('Loaded the demo firm (demo/mandate-demo.yaml).');
      if (server.kekCreated) lines.push(`Wrote a new key-encryption key for the ledger's signing key to ${server.kekCreated} (set MANDATE_KEK in production).`);
      if (server.bootstrapToken) {
        lines.push(
          'First start: created the admin user. Its API token is shown this once and stored only as a hash:',
          `  ${server.bootstrapToken}`,
          `Sign in to the console at ${server.url}/console/ with it, or use it with the CLI:`,
          `  export MANDATE_URL=${server.url} MANDATE_TOKEN=${server.bootstrapToken}`,
          '  node bin/mandate.js identities list --entity ent-de --service custody --jurisdiction FR',
        );
      }
      print(lines.join('\n'));
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program
    .command('import <file>')
    .description('import a firm manifest (YAML or JSON): upsert by id, all or nothing')
    .option('--dry-run', 'show what would change, write nothing')
    .action(async (file: string, opts: { dryRun?: boolean }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 2);
      }
      const contentType = formatFor(file) === 'yaml' ? 'application/yaml' : 'application/json';
      const { body } = await client.request<{
        dry_run: boolean; bootstrap: boolean; counts: Record<string, number>; changes?: { kind: string; id: string; op: string; changes: { field: string }[] }[]; changes_total?: number;
        pending: { id: string; op: string; gains: { detail: string }[]; approval?: string; required?: number }[]; pending_total: number;
      }>('POST', `/v1/import${opts.dryRun ? '?dry_run=true' : ''}`, { raw: text, contentType });
      if (json) return print(JSON.stringify(body, null, 2));
      const c = body.counts;
      const lines = [
        `${body.dry_run ? 'Dry run (nothing written)' : 'Imported'}${body.bootstrap ? ' (bootstrap: first load of an empty inventory)' : ''}: ` +
          `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.rejected} rejected, ${c.held} ${body.dry_run ? 'would be ' : ''}held for approval`,
      ];
      const heldIds = new Set(body.pending.map((p) => p.id));
      for (const ch of body.changes ?? []) {
        if (ch.kind === 'identity' && heldIds.has(ch.id)) continue;
        lines.push(`  ${ch.op === 'create' ? '+' : '~'} ${ch.kind} ${ch.id}${ch.op === 'update' ? ` (${ch.changes.map((f) => f.field).join(', ')})` : ''}`);
      }
      if ((body.changes_total ?? 0) > (body.changes?.length ?? 0)) lines.push(`  … ${body.changes_total! - body.changes!.length} more`);
      if (body.pending.length) lines.push(body.dry_run ? 'Would be held for approval (they add power):' : 'Held for approval (they add power; approve with mandate approvals approve ID):');
      for (const p of body.pending) {
        lines.push(`  ! identity ${p.id}${p.approval ? ` → approval ${p.approval} (${p.required} needed)` : ''}: adds ${p.gains.map((g) => g.detail).slice(0, 3).join('; ')}${p.gains.length > 3 ? ` and ${p.gains.length - 3} more` : ''}`);
      }
      if (body.pending_total > body.pending.length) lines.push(`  … ${body.pending_total - body.pending.length} more held`);
      print(lines.join('\n'));
    });

  const identities = program.command('identities').description('the inventory of non-human identities');
  listCommand(identities, 'identities', IDENTITY_COLUMNS, IDENTITY_FILTERS);
  showCommand(identities, 'identities');
  statusCommand(identities, 'suspend', 'suspended', 'suspend an identity');
  statusCommand(identities, 'reactivate', 'active', 'reactivate a suspended identity');
  statusCommand(identities, 'revoke', 'revoked', 'revoke an identity (final but for decommissioning)');
  statusCommand(identities, 'decommission', 'decommissioned', 'decommission an identity (final)');
  setOwnerCommand(identities);

  const authorisations = program.command('authorisations').description("the firm's authorisations and passports");
  listCommand(authorisations, 'authorisations', ['id', 'entity', 'service', 'jurisdiction', 'basis', 'status', 'reference'], ['entity', 'service', 'jurisdiction', 'status']);
  showCommand(authorisations, 'authorisations');

  registerRegulatoryCommands(authorisations, program, clientOf, print);
  registerLedgerCommands(program, clientOf, print);
  registerEnforcementCommands(program, clientOf, print);
  registerApprovalCommands(program, clientOf, print);
  registerReviewCommands(program, clientOf, print);
  registerComplianceCommands(program, clientOf, print);
  registerDiscoveryCommands(program, clientOf, print);

  const entities = program.command('entities').description('legal entities');
  listCommand(entities, 'entities', ['id', 'name', 'lei', 'home'], []);
  showCommand(entities, 'entities');

  const people = program.command('people').description('accountable owners');
  listCommand(people, 'people', ['id', 'name', 'status'], ['status']);

  const vendors = program.command('vendors').description('third parties');
  listCommand(vendors, 'vendors', ['id', 'name'], []);

  program
    .command('events <id>')
    .description('the event history of a record (any kind), oldest first')
    .option('--type <type>', 'entity, person, vendor, authorisation, identity, user or token')
    .option('--limit <n>', 'at most this many events', '1000')
    .action(async (id: string, opts: { type?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const events = await client.listAll<{ seq: number; at: string; actor: string; action: string; subject: { type: string }; reason: string | null }>(
        '/v1/events', { subject_id: id, subject_type: opts.type }, Number(opts.limit) || 1000,
      );
      if (json) return print(JSON.stringify(events, null, 2));
      print(events.length ? table(events.map((e) => ({ ...e, type: e.subject.type })), ['seq', 'at', 'actor', 'action', 'type', 'reason']) : `no events for ${id}`);
    });

  const users = program.command('users').description('control-plane users (admin)');
  users
    .command('add <id>')
    .description('create a user')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--roles <roles>', `comma-separated: ${ROLES.join(', ')}`)
    .action(async (id: string, opts: { name: string; roles: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const roles = opts.roles.split(',').map((r) => r.trim()).filter(Boolean);
      const { body } = await client.request<{ id: string; roles: string[] }>('POST', '/v1/users', { body: { id, name: opts.name, roles } });
      print(json ? JSON.stringify(body, null, 2) : `created user ${body.id} (${body.roles.join(', ')})`);
    });
  users.command('list').description('list users').action(async (_o: unknown, cmd: Command) => {
    const { client, json } = clientOf(cmd);
    const { body } = await client.request<{ items: Record<string, unknown>[] }>('GET', '/v1/users');
    print(json ? JSON.stringify(body.items, null, 2) : table(body.items, ['id', 'name', 'roles', 'status']));
  });

  const tokens = program.command('tokens').description('API tokens (admin)');
  tokens
    .command('create <user>')
    .description('create an API token for a user; it is shown once')
    .option('--label <label>', 'what the token is for')
    .option('--expires-in <seconds>', 'lifetime in seconds')
    .action(async (user: string, opts: { label?: string; expiresIn?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const body: Record<string, unknown> = {};
      if (opts.label) body.label = opts.label;
      if (opts.expiresIn !== undefined) {
        const n = Number(opts.expiresIn);
        if (!Number.isInteger(n)) throw new CliError(`--expires-in must be whole seconds, not ${opts.expiresIn}`, 2);
        body.expires_in_seconds = n;
      }
      const { body: created } = await client.request<{ id: string; token: string; expires_at: string | null }>('POST', `/v1/users/${encodeURIComponent(user)}/tokens`, { body });
      print(json ? JSON.stringify(created, null, 2) : `token ${created.id} for ${user}${created.expires_at ? ` (expires ${created.expires_at})` : ''}, shown once:\n${created.token}`);
    });
  tokens.command('list <user>').description("list a user's tokens").action(async (user: string, _o: unknown, cmd: Command) => {
    const { client, json } = clientOf(cmd);
    const { body } = await client.request<{ items: Record<string, unknown>[] }>('GET', `/v1/users/${encodeURIComponent(user)}/tokens`);
    print(json ? JSON.stringify(body.items, null, 2) : table(body.items, ['id', 'label', 'created_at', 'expires_at', 'revoked_at']));
  });
  tokens.command('revoke <tokenId>').description('revoke an API token').option('--reason <text>', 'why').action(
    async (tokenId: string, opts: { reason?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.request<{ id: string; revoked_at: string }>('POST', `/v1/tokens/${encodeURIComponent(tokenId)}/revoke`, {
        body: opts.reason ? { reason: opts.reason } : {},
      });
      print(json ? JSON.stringify(body, null, 2) : `token ${body.id} revoked at ${body.revoked_at}`);
    },
  );

  return program;
}

/** Runs one command line and answers its exit code. */
export async function run(argv: string[], output: CliIo = processIo): Promise<number> {
  io = output;
  const program = buildCli();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    io.err(`${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    io = processIo;
  }
}

export async function main(argv: string[]): Promise<void> {
  process.exitCode = await run(argv);
}
