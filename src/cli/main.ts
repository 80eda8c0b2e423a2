// `mandate`: the command line. `serve` runs the server; every other command is a client of the
// REST API (server URL and token from flags, MANDATE_URL / MANDATE_TOKEN, or a profile stored by
// `mandate login`).
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { loadServerConfig, type ServerConfig } from '../config.js';
import type { RunningServer } from '../server/start.js';
import { ROLES } from '../core/roles.js';
import { formatFor } from '../importer/parse.js';
import { Client, CliError, noteMore, parseLimit, type BodyFor, type ListPath } from './client.js';
import { completionScript } from './completion.js';
import { commandOf, exitQuietlyOnClosedPipe, io, print, processIo, setIo, type CliIo } from './output.js';
import {
  credentialsPath,
  checkProfileName,
  DEFAULT_PROFILE,
  DEFAULT_URL,
  readCredentials,
  readToken,
  removeProfile,
  resolveConnection,
  saveProfile,
} from './profiles.js';
import { registerAdminCommands } from './backup.js';
import { registerApprovalCommands } from './approvals.js';
import { registerReviewCommands } from './reviews.js';
import { endSession, isSession, openBrowser, ssoSignIn } from './signin.js';
import { registerDiscoveryCommands } from './discovery.js';
import { registerComplianceCommands } from './compliance.js';
import { registerCraCommands } from './cra.js';
import { DENY_EXIT, registerEnforcementCommands } from './enforcement.js';
import { registerKeyCommands } from './keys.js';
import { registerLedgerCommands } from './ledger.js';
import { registerPowerCommand } from './power.js';
import { registerRegulatoryCommands } from './regulatory.js';
import { registerProductCommands } from './products.js';
import { table } from './table.js';

export type { CliIo } from './output.js';

interface GlobalOptions {
  url?: string;
  token?: string;
  profile?: string;
  json?: boolean;
}

/** The package's version (package.json sits two levels above both src/cli and dist/cli). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The global options of a command. A profile named on the command line beats a token or URL from
 * the environment (flags beat the environment), so `mandate --profile carol …` acts as carol even
 * with MANDATE_TOKEN exported; --token and --url given as flags still beat the profile.
 */
function globalsOf(cmd: Command): GlobalOptions {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  let root = cmd;
  while (root.parent) root = root.parent;
  if (root.getOptionValueSource('profile') !== 'cli') return g;
  const out = { ...g };
  if (root.getOptionValueSource('token') === 'env') delete out.token;
  if (root.getOptionValueSource('url') === 'env') delete out.url;
  return out;
}

/** The command's client; the server and token are resolved when the first request needs them. */
function clientOf(cmd: Command): { client: Client; json: boolean } {
  const g = globalsOf(cmd);
  return { client: new Client(() => resolveConnection(g)), json: Boolean(g.json) };
}

const IDENTITY_COLUMNS = ['id', 'kind', 'function', 'capability', 'status', 'owner', 'environment'];
const IDENTITY_FILTERS = [
  'entity',
  'service',
  'jurisdiction',
  'product',
  'kind',
  'function',
  'capability',
  'status',
  'owner',
  'vendor',
  'environment',
];

function addFilters(cmd: Command, names: readonly string[]): Command {
  for (const n of names) cmd.option(`--${n} <value>`, `only records with this ${n}`);
  return cmd.option('--limit <n>', 'at most this many records (0: all, page by page)', '0');
}

/** A list read page by page to the end, or to --limit (then stderr says how many more). */
function listCommand(parent: Command, path: string, columns: readonly string[], filters: readonly string[], counts = false): Command {
  return addFilters(parent.command('list').description(`list ${path}`), filters).action(
    async (opts: Record<string, string>, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const max = parseLimit(opts.limit!);
      const query = Object.fromEntries(filters.map((f) => [f, opts[f]]));
      // The record kinds' lists (/v1/entities, /v1/identities, …) by name: filters as given, the server checks them.
      const listed = await client.listAll(`/v1/${path}` as ListPath, query, max, { count: counts && max !== Infinity });
      const items = listed.items as Record<string, unknown>[];
      print(json ? JSON.stringify(items, null, 2) : items.length ? table(items, columns) : `no ${path} match`);
      noteMore(listed);
    },
  );
}

function showCommand(parent: Command, path: string): Command {
  return parent
    .command('show <id>')
    .description(`show one of the ${path}`)
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const { client } = clientOf(cmd);
      const { body } = await client.request('GET', `/v1/${path}/${encodeURIComponent(id)}`);
      print(JSON.stringify(body, null, 2));
    });
}

function statusCommand(parent: Command, name: string, to: string, summary: string): void {
  parent
    .command(`${name} <id>`)
    .description(summary)
    .requiredOption('--reason <text>', 'why (recorded as evidence)')
    .action(async (id: string, opts: { reason: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/identities/{id}/status', { path: { id }, body: { status: to, reason: opts.reason } });
      print(json ? JSON.stringify(body, null, 2) : `${body.id} is now ${body.status} (version ${body.version})`);
    });
}

/** Hands an identity to a new owner: reads it, and writes it back with the owner changed (If-Match). */
function setOwnerCommand(parent: Command): void {
  parent
    .command('set-owner <id> <owner>')
    .description('hand an identity to a new owner (an e-mail address of the people registry)')
    .action(async (id: string, owner: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const path = `/v1/identities/${encodeURIComponent(id)}`;
      const { body: current } = await client.request<Record<string, unknown> & { version: number }>('GET', path);
      const { version, created_at: _c, updated_at: _u, ...record } = current;
      const { body } = await client.request<{ id: string; owner: string; version: number }>('PUT', path, {
        body: { ...record, owner },
        headers: { 'if-match': `"${version}"` },
      });
      print(json ? JSON.stringify(body, null, 2) : `${body.id} is now owned by ${body.owner} (version ${body.version})`);
    });
}

/**
 * What a started server has on: its connectors, its discovery sources and where its log goes (for
 * the start-up message, before the one-time token, so that neither hides the other).
 */
function activeLines(server: RunningServer, config: ServerConfig): string[] {
  const lines: string[] = [];
  const builtIn = ['caep', 'manual', 'notify'];
  const added = server.connectors.some((c) => !builtIn.includes(c))
    ? ''
    : ' (MANDATE_CONNECTOR_POSTGRES_URL, _REDIS_URL, _RABBITMQ_CTL or _MANAGEMENT_URL, _WEBHOOK_URL add others)';
  lines.push(`Connectors: ${server.connectors.join(', ')}${added}`);
  const ds = server.discoverySources;
  const shown = ds.slice(0, 10).map((d) => `${d.id} (${d.kind}, ${d.every_s ? `every ${d.every_s} s` : 'on demand'})`);
  if (ds.length > shown.length) shown.push(`and ${ds.length - shown.length} more (mandate discovery sources list)`);
  lines.push(
    ds.length
      ? `Discovery sources: ${shown.join(', ')}`
      : 'Discovery sources: none (add one with mandate discovery sources add, or MANDATE_DISCOVERY_SOURCES_FILE)',
  );
  const f = server.sourcesFile;
  if (f) lines.push(`  from ${f.path}: ${f.added.length} added, ${f.updated.length} updated, ${f.unchanged.length} unchanged`);
  if (server.metricsUrl) lines.push(`Metrics without a token: ${server.metricsUrl}`);
  lines.push(
    config.logFile
      ? `Log: ${config.logFile} (level ${config.logLevel}); warnings and errors also to stderr`
      : `Log: stderr, level ${config.logLevel}${config.logLevel === 'warn' ? ' (MANDATE_LOG_FILE=path keeps a line per request)' : ''}`,
  );
  return lines;
}

export function buildCli(): Command {
  const program = new Command('mandate')
    .description('Mandate: licence state drives machine-identity state')
    .version(packageVersion(), '-V, --version', 'print the version')
    .addOption(
      new Option('--url <url>', `Mandate server URL (default: the profile's, else ${DEFAULT_URL})`).env('MANDATE_URL').helpGroup(GLOBAL),
    )
    .addOption(
      new Option('--token <token>', 'API token (prefer mandate login: argv is visible to other users)')
        .env('MANDATE_TOKEN')
        .helpGroup(GLOBAL),
    )
    .addOption(
      new Option('--profile <name>', `stored profile to use (default: ${DEFAULT_PROFILE})`).env('MANDATE_PROFILE').helpGroup(GLOBAL),
    )
    .addOption(new Option('--json', 'machine-readable JSON output (errors too, on stderr)').helpGroup(GLOBAL))
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => io().out(s),
      // With --json, run() reports usage errors as JSON instead (no message, no help after it).
      writeErr: (s) => (jsonErrors ? undefined : io().err(s)),
    })
    .exitOverride();
  program.commandsGroup('Common commands:');

  program
    .command('login')
    .description(
      'check an API token against the server and store it with the URL in a profile ' +
        "(the token is read from stdin or a hidden prompt, never argv); --sso: sign in at the firm's identity provider instead",
    )
    .option('--sso', "sign in through the firm's OpenID provider (a code to enter in a browser) and store the session")
    .option('--loopback', 'with --sso: sign in through a browser that comes back to this machine (127.0.0.1), not with a code')
    .option('--no-device', 'the same as --loopback (the device code grant is not used)')
    .option('--step-up', "sign the profile's session in again at the provider, with MFA, for acts of power (keeps the session)")
    .action(async (o: { sso?: boolean; loopback?: boolean; device?: boolean; stepUp?: boolean }, cmd: Command) => {
      const g = globalsOf(cmd);
      if (g.token)
        throw new CliError('login reads the token from stdin or a prompt, not from --token or MANDATE_TOKEN', 2, {
          code: 'BAD_FLAG',
          field: '--token',
        });
      const name = checkProfileName(g.profile ?? DEFAULT_PROFILE);
      const url = g.url ?? DEFAULT_URL;
      try {
        new URL(url);
      } catch {
        throw new CliError(`--url must be an absolute URL, not "${url}"`, 2, { code: 'BAD_FLAG', field: '--url' });
      }
      const path = credentialsPath();
      // A file others may read is refused before a token is asked for.
      const profiles = readCredentials(path).profiles;
      const sso = {
        loopback: Boolean(o.loopback) || o.device === false,
        // Opens the sign-in page for a person at a terminal; the URL is printed either way.
        ...(process.stderr.isTTY && !process.env.CI ? { open: openBrowser } : {}),
      };
      if (o.stepUp) {
        const stored = profiles[name];
        if (!stored || !isSession(stored.token))
          throw new CliError(`profile "${name}" holds no sign-in session: run mandate login --sso first`, 2, {
            code: 'NO_SESSION',
            field: '--profile',
          });
        const { info } = await ssoSignIn(stored.url, { ...sso, stepUpToken: stored.token });
        const { user, session, step_up } = info;
        if (step_up?.satisfied === false)
          throw new CliError(
            `signed in again as ${user}, but not strongly enough for acts of power (${step_up.reason ?? step_up.need}): ` +
              'run mandate login --sso --step-up again and use your one-time code',
            1,
            { code: 'STEP_UP_REQUIRED' },
          );
        if (g.json) return print(JSON.stringify({ profile: name, url: stored.url, user, session, step_up }, null, 2));
        return print(`Stepped up: ${user} signed in again with MFA (${(session.amr ?? []).join(', ')}); acts of power are allowed for now`);
      }
      if (o.sso || o.loopback || o.device === false) {
        const { token, info } = await ssoSignIn(url, sso);
        saveProfile(name, { url, token, user: info.user }, path);
        const { user, roles, session } = info;
        if (g.json) return print(JSON.stringify({ profile: name, url, user, roles, session, file: path }, null, 2));
        return print(`Signed in as ${user} (session ends ${session.expires_at}); stored as profile "${name}" in ${path}`);
      }
      const token = await readToken();
      const { body: me } = await new Client({ url, token }).request<{ user: string; roles: string[] }>('GET', '/v1/me');
      saveProfile(name, { url, token, user: me.user }, path);
      if (g.json) return print(JSON.stringify({ profile: name, url, user: me.user, roles: me.roles, file: path }, null, 2));
      print(`Logged in to ${url} as ${me.user} (${me.roles.join(', ')}); stored as profile "${name}" in ${path}`);
    });
  program
    .command('logout')
    .description(
      'forget the stored profile (--profile, default "default"); a session from login --sso is ended at the server first, ' +
        'an API token stays valid until revoked',
    )
    .action(async (_o: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      const name = checkProfileName(g.profile ?? DEFAULT_PROFILE);
      const path = credentialsPath();
      const stored = readCredentials(path).profiles[name];
      if (!stored) throw new CliError(`no profile "${name}" in ${path}`, 1, { code: 'NO_PROFILE', field: '--profile' });
      const ended = isSession(stored.token) && (await endSession(stored.url, stored.token));
      removeProfile(name, path);
      print(
        isSession(stored.token)
          ? `Removed profile "${name}" from ${path}${ended ? ' and ended its session at the server' : ''}`
          : `Removed profile "${name}" from ${path} (revoke the token with mandate tokens revoke if it may have leaked)`,
      );
    });

  program
    .command('serve')
    .description('run the Mandate server')
    .option('--db <url>', 'store: sqlite:PATH (default sqlite:./data/mandate.db) or postgres://… (also MANDATE_DB)')
    .option('--host <host>', 'address to listen on (also MANDATE_HOST)')
    .option('--port <n>', 'port to listen on (also MANDATE_PORT, default 8080)')
    .option('--demo', 'load the demo firm on first start')
    .option('--config <file>', 'a JSON file of settings named like the environment variables (also MANDATE_CONFIG); the environment wins')
    .action(async (opts: { db?: string; host?: string; port?: string; demo?: boolean; config?: string }) => {
      const config = loadServerConfig(opts);
      const { startServer } = await import('../server/start.js');
      const server = await startServer(config);
      const lines = [`Mandate is listening on ${server.url} (store: ${server.db.description})`];
      lines.push(
        server.signinUrl
          ? `Console: ${server.url}/console/ (sign in with the identity provider; the CLI: mandate login --sso)`
          : `Console: ${server.url}/console/ (sign in with an API token)`,
      );
      if (server.demoLoaded) lines.push('Loaded the demo firm (demo/mandate-demo.yaml).');
      lines.push(...activeLines(server, config));
      if (server.demoProvider) {
        const d = server.demoProvider;
        lines.push(
          `DEMO identity provider (for trying Mandate only, loopback only): ${d.issuer}`,
          `  people: ${d.people.map((p) => `${p.id} (${p.groups.join(', ')})`).join(', ')}`,
          `  password: ${d.password}; one-time code for MFA (step-up): ${d.otp}`,
          `  sign in: ${server.signinUrl}`,
        );
      }
      if (server.kekCreated)
        lines.push(`Wrote a new key-encryption key for the ledger's signing key to ${server.kekCreated} (set MANDATE_KEK in production).`);
      const expires = server.bootstrapExpiresAt ? ` It expires at ${server.bootstrapExpiresAt}.` : '';
      if (server.bootstrapToken) {
        lines.push(
          `First start: created the admin user. Its API token is shown this once and stored only as a hash.${expires}`,
          'It is for configuring single sign-on; people then sign in through the identity provider:',
          `  ${server.bootstrapToken}`,
          `Sign in to the console at ${server.url}/console/ with it, or use it with the CLI:`,
          `  export MANDATE_URL=${server.url} MANDATE_TOKEN=<the token above>`,
          '  node bin/mandate.js identities list --entity ent-de --service custody --jurisdiction FR',
        );
      } else if (server.bootstrapPreset) {
        lines.push(`First start: created the admin user with the token of MANDATE_BOOTSTRAP_TOKEN (not shown).${expires}`);
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
        dry_run: boolean;
        bootstrap: boolean;
        counts: Record<string, number>;
        changes?: { kind: string; id: string; op: string; changes: { field: string }[] }[];
        changes_total?: number;
        pending: { id: string; op: string; gains: { detail: string }[]; approval?: string; required?: number }[];
        pending_total: number;
      }>('POST', `/v1/import${opts.dryRun ? '?dry_run=true' : ''}`, { raw: text, contentType, progress: `uploading ${file}` });
      if (json) return print(JSON.stringify(body, null, 2));
      const c = body.counts;
      const lines = [
        `${body.dry_run ? 'Dry run (nothing written)' : 'Imported'}` +
          `${body.bootstrap ? ' (bootstrap: first load of an empty inventory)' : ''}: ` +
          `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ` +
          `${c.rejected} rejected, ${c.held} ${body.dry_run ? 'would be ' : ''}held for approval`,
      ];
      const heldIds = new Set(body.pending.map((p) => p.id));
      for (const ch of body.changes ?? []) {
        if (ch.kind === 'identity' && heldIds.has(ch.id)) continue;
        lines.push(
          `  ${ch.op === 'create' ? '+' : '~'} ${ch.kind} ${ch.id}` +
            `${ch.op === 'update' ? ` (${ch.changes.map((f) => f.field).join(', ')})` : ''}`,
        );
      }
      if ((body.changes_total ?? 0) > (body.changes?.length ?? 0)) lines.push(`  … ${body.changes_total! - body.changes!.length} more`);
      if (body.pending.length)
        lines.push(
          body.dry_run
            ? 'Would be held for approval (they add power):'
            : 'Held for approval (they add power; approve with mandate approvals approve ID):',
        );
      for (const p of body.pending) {
        lines.push(
          `  ! identity ${p.id}${p.approval ? ` → approval ${p.approval} (${p.required} needed)` : ''}: adds ${p.gains
            .map((g) => g.detail)
            .slice(0, 3)
            .join('; ')}${p.gains.length > 3 ? ` and ${p.gains.length - 3} more` : ''}`,
        );
      }
      if (body.pending_total > body.pending.length) lines.push(`  … ${body.pending_total - body.pending.length} more held`);
      print(lines.join('\n'));
    });

  const identities = program.command('identities').description('the inventory of non-human identities');
  listCommand(identities, 'identities', IDENTITY_COLUMNS, IDENTITY_FILTERS, true);
  showCommand(identities, 'identities');
  statusCommand(identities, 'suspend', 'suspended', 'suspend an identity');
  statusCommand(identities, 'reactivate', 'active', 'reactivate a suspended identity');
  statusCommand(identities, 'revoke', 'revoked', 'revoke an identity (final but for decommissioning)');
  statusCommand(identities, 'decommission', 'decommissioned', 'decommission an identity (final)');
  setOwnerCommand(identities);
  registerPowerCommand(identities, clientOf, print);

  const authorisations = program.command('authorisations').description("the firm's authorisations and passports");
  listCommand(
    authorisations,
    'authorisations',
    ['id', 'entity', 'service', 'jurisdiction', 'basis', 'status', 'reference'],
    ['entity', 'service', 'jurisdiction', 'status'],
  );
  showCommand(authorisations, 'authorisations');

  registerRegulatoryCommands(authorisations, program, clientOf, print);

  const products = program.command('products').description('products with digital elements (Cyber Resilience Act) and their status');
  listCommand(products, 'products', ['id', 'name', 'manufacturer', 'category', 'status', 'support_period_end'], ['manufacturer', 'status']);
  showCommand(products, 'products');
  registerProductCommands(products, clientOf, print);
  registerLedgerCommands(program, clientOf, print);
  registerKeyCommands(program, clientOf, print);
  registerEnforcementCommands(program, clientOf, print);
  registerApprovalCommands(program, clientOf, print);
  registerReviewCommands(program, clientOf, print);
  registerComplianceCommands(program, clientOf, print);
  registerCraCommands(program, clientOf, print);
  registerDiscoveryCommands(program, clientOf, print);
  registerAdminCommands(program, print);

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
    .option('--limit <n>', 'at most this many events (0: all)', '0')
    .action(async (id: string, opts: { type?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const listed = await client.listAll('/v1/events', { subject_id: id, subject_type: opts.type }, parseLimit(opts.limit));
      const events = listed.items;
      if (json) print(JSON.stringify(events, null, 2));
      else
        print(
          events.length
            ? table(
                events.map((e) => ({ ...e, type: e.subject.type })),
                ['seq', 'at', 'actor', 'action', 'type', 'reason'],
              )
            : `no events for ${id}`,
        );
      noteMore(listed);
    });

  const users = program.command('users').description('control-plane users (admin)');
  users
    .command('add <id>')
    .description('create a user')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--roles <roles>', `comma-separated: ${ROLES.join(', ')}`)
    .action(async (id: string, opts: { name: string; roles: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const roles = opts.roles
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      const { body } = await client.call('POST', '/v1/users', { body: { id, name: opts.name, roles } });
      print(json ? JSON.stringify(body, null, 2) : `created user ${body.id} (${body.roles.join(', ')})`);
    });
  users
    .command('list')
    .description('list users')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/users');
      print(json ? JSON.stringify(body.items, null, 2) : table(body.items, ['id', 'name', 'roles', 'status']));
    });

  const clients = program.command('api-clients').description('API clients: automation, with roles that never approve (admin)');
  clients
    .command('create <id>')
    .description('create an API client; its token is shown once')
    .requiredOption('--name <name>', 'what it is')
    .requiredOption('--roles <roles>', `comma-separated, none that approves: ${ROLES.join(', ')}`)
    .option('--expires-in <seconds>', 'lifetime of its token in seconds (default: never)')
    .action(async (id: string, opts: { name: string; roles: string; expiresIn?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const roles = opts.roles
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      const body: BodyFor<'POST', '/v1/api-clients'> = { id, name: opts.name, roles };
      if (opts.expiresIn !== undefined) {
        const n = Number(opts.expiresIn);
        if (!Number.isInteger(n)) throw new CliError(`--expires-in must be whole seconds, not ${opts.expiresIn}`, 2);
        body.expires_in_seconds = n;
      }
      const { body: made } = await client.call('POST', '/v1/api-clients', { body });
      print(
        json
          ? JSON.stringify(made, null, 2)
          : `created API client ${made.id} (${made.roles.join(', ')}); its token` +
              `${made.token.expires_at ? ` (expires ${made.token.expires_at})` : ''}, shown once:\n${made.token.token}`,
      );
    });
  clients
    .command('list')
    .description('list API clients')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/api-clients');
      print(json ? JSON.stringify(body.items, null, 2) : table(body.items, ['id', 'name', 'roles', 'status']));
    });
  clients
    .command('revoke <id>')
    .description('revoke an API client and every token of its')
    .requiredOption('--reason <text>', 'why (recorded as evidence)')
    .action(async (id: string, opts: { reason: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/api-clients/{id}/revoke', { path: { id }, body: { reason: opts.reason } });
      print(json ? JSON.stringify(body, null, 2) : `API client ${body.id} is ${body.status}`);
    });

  const tokens = program.command('tokens').description('API tokens');
  tokens
    .command('create <user>')
    .description('create your own API token (you must be signed in; it expires, 90 days by default); it is shown once')
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
      const { body: created } = await client.call('POST', '/v1/users/{id}/tokens', { path: { id: user }, body });
      print(
        json
          ? JSON.stringify(created, null, 2)
          : `token ${created.id} for ${user}${created.expires_at ? ` (expires ${created.expires_at})` : ''}, shown once:\n${created.token}`,
      );
    });
  tokens
    .command('list <user>')
    .description("list a user's tokens")
    .action(async (user: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/users/{id}/tokens', { path: { id: user } });
      print(json ? JSON.stringify(body.items, null, 2) : table(body.items, ['id', 'label', 'created_at', 'expires_at', 'revoked_at']));
    });
  tokens
    .command('revoke <tokenId>')
    .description('revoke an API token')
    .option('--reason <text>', 'why')
    .action(async (tokenId: string, opts: { reason?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/tokens/{id}/revoke', {
        path: { id: tokenId },
        body: opts.reason ? { reason: opts.reason } : {},
      });
      print(json ? JSON.stringify(body, null, 2) : `token ${body.id} revoked at ${body.revoked_at}`);
    });

  program
    .command('completion <shell>')
    .description('print a shell completion script: bash, zsh or fish')
    .addHelpText(
      'after',
      '\nExamples:\n  source <(mandate completion bash)     # in ~/.bashrc\n  source ' +
        '<(mandate completion zsh)      # in ~/.zshrc\n  mandate completion fish > ~/.config/fish/completions/mandate.fish',
    )
    .action((shell: string) => {
      if (!['bash', 'zsh', 'fish'].includes(shell))
        throw new CliError(`completion is for bash, zsh or fish, not "${shell}"`, 2, { code: 'BAD_ARGUMENT', field: 'shell' });
      io().out(completionScript(program, shell));
    });

  groupHelp(program);
  return program;
}

const GLOBAL = 'Global options (also after a command):';

/** The commands most people use, first in the help; every other command under "Other commands". */
const COMMON = [
  'login',
  'logout',
  'import',
  'identities',
  'authorisations',
  'products',
  'events',
  'approvals',
  'access',
  'findings',
  'evidence',
  'ledger',
];

export const EXIT_CODES: readonly [number, string][] = [
  [0, 'success'],
  [1, 'refused or failed: the server answered with an error, a check or test failed'],
  [2, 'bad usage: unknown command or flag, bad value, unreadable file, no token, unsafe credentials file'],
  [3, 'the server could not be reached (or did not answer in time)'],
  [DENY_EXIT, 'decide: the decision point denied the request'],
];

function groupHelp(program: Command): void {
  for (const c of program.commands as Command[]) c.helpGroup(COMMON.includes(c.name()) ? 'Common commands:' : 'Other commands:');
  program.commandsGroup('Other commands:').helpCommand('help [command]', 'display help for command');
  program.addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  mandate login --url https://mandate.example.com      # token from a hidden prompt or stdin',
      "  mandate login --sso --url https://mandate.example.com # sign in at the firm's identity provider",
      '  mandate import firm.yaml --dry-run',
      '  mandate identities list --entity ent-de --jurisdiction FR --limit 20',
      '  mandate identities suspend svc-payments --reason "suspected key leak"',
      '  mandate --profile prod approvals list --mine',
      '  mandate evidence export --entity ent-ie --jurisdiction IT --out pack.tar.gz',
      '',
      'Server and token: --url/--token, else MANDATE_URL/MANDATE_TOKEN, else the profile',
      `(--profile or MANDATE_PROFILE, else "${DEFAULT_PROFILE}") stored by mandate login in`,
      '$XDG_CONFIG_HOME/mandate/credentials.json (or ~/.config/mandate/credentials.json), mode 0600;',
      'a --profile flag beats MANDATE_URL/MANDATE_TOKEN.',
      '',
      'Lists read every page unless --limit N; when they stop early, stderr says how many more.',
      'With --json, errors are JSON on stderr: {"error": {"code", "message", "field", "status"}}.',
      '',
      'Exit codes:',
      ...EXIT_CODES.map(([code, meaning]) => `  ${code}  ${meaning}`),
    ].join('\n'),
  );
}

/** Whether this run reports errors as JSON (--json anywhere before a lone --). */
let jsonErrors = false;

function errorJson(err: unknown): string {
  let error: { code: string; message: string; field: string | null; status: number | null; errors?: unknown };
  if (err instanceof CommanderError) {
    error = { code: 'USAGE', message: err.message.replace(/^error: /, ''), field: null, status: null };
  } else if (err instanceof CliError) {
    const body = (err.body && typeof err.body === 'object' ? err.body : {}) as {
      code?: string;
      error?: string;
      detail?: string;
      error_description?: string;
      errors?: { field: string }[];
    };
    const fromServer = err.status !== undefined;
    error = {
      code: err.detail.code ?? body.code ?? body.error ?? (fromServer ? `HTTP_${err.status}` : err.exitCode === 2 ? 'USAGE' : 'FAILED'),
      message:
        (fromServer
          ? (body.detail ?? body.error_description ?? (typeof err.body === 'string' ? err.body.slice(0, 500) : undefined))
          : undefined) ?? err.message,
      field: err.detail.field ?? body.errors?.[0]?.field ?? null,
      status: err.status ?? null,
      ...(body.errors?.length ? { errors: body.errors } : {}),
    };
  } else {
    error = { code: 'FAILED', message: err instanceof Error ? err.message : String(err), field: null, status: null };
  }
  return `${JSON.stringify({ error })}\n`;
}

/** Runs one command line and answers its exit code. */
export async function run(argv: string[], output: CliIo = processIo): Promise<number> {
  setIo(output);
  const end = argv.indexOf('--');
  jsonErrors = (end === -1 ? argv : argv.slice(0, end)).includes('--json');
  const program = buildCli();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0;
      if (jsonErrors) io().err(errorJson(err));
      return 2;
    }
    io().err(jsonErrors ? errorJson(err) : `${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    setIo(processIo);
    jsonErrors = false;
  }
}

export async function main(argv: string[]): Promise<void> {
  if (commandOf(argv) !== 'serve') exitQuietlyOnClosedPipe();
  process.exitCode = await run(argv);
}
