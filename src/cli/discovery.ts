// CLI for discovery (docs/discovery.md, "API and CLI"):
//   mandate discovery sources add | sources list | run | accounts | adopt | dismiss
import type { Command } from 'commander';
import { parseDuration } from './approvals.js';
import { CliError, noteMore, parseLimit, type Client } from './client.js';
import { table } from './table.js';

type ClientOf = (cmd: Command) => { client: Client; json: boolean };

interface RunBody {
  id: string;
  source: string;
  status: string;
  error: string | null;
  counts: { observed: number; matched: number; unmanaged: number; missing: number; drift: number } | null;
}

const split = (s?: string) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;
const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `key=value`: the value as JSON when it reads as a number, true/false, a list or an object; otherwise text. */
export function parseOption(kv: string): [string, unknown] {
  const i = kv.indexOf('=');
  if (i < 1) throw new CliError(`--option ${kv}: write key=value`, 2);
  const key = kv.slice(0, i);
  const text = kv.slice(i + 1);
  if (/^(-?\d+(\.\d+)?|true|false|\[.*\]|\{.*\})$/s.test(text)) {
    try {
      return [key, JSON.parse(text)];
    } catch {
      // not JSON after all: text
    }
  }
  return [key, text];
}

const describeRun = (r: RunBody) =>
  `run ${r.id} of ${r.source}: ${r.status}` +
  (r.counts
    ? ` (observed ${r.counts.observed}, matched ${r.counts.matched}, drift ${r.counts.drift}, ` +
      `unmanaged ${r.counts.unmanaged}, missing ${r.counts.missing})`
    : '') +
  `${r.error ? `\n${r.error}` : ''}`;

export function registerDiscoveryCommands(program: Command, clientOf: ClientOf, print: (s: string) => void): void {
  const discovery = program
    .command('discovery')
    .description('read what accounts really exist in the firm’s systems and reconcile them with the inventory');
  const sources = discovery.command('sources').description('configured discovery sources');

  sources
    .command('add <id>')
    .description('add a source; secrets in its options (passwords, URLs with credentials) are sealed by the server and never shown again')
    .requiredOption('--kind <kind>', 'postgres, mariadb, redis, rabbitmq, nats, kubernetes, aws_iam or github')
    .option('--option <key=value>', 'a kind-specific option, e.g. url=postgres://scanner:…@db/app (repeat)', collect)
    .option('--path <path>', 'for a module source')
    .option('--covers <connectors>', 'comma-separated revocation connector names this source answers for (default: its kind)')
    .option('--environment <env>', 'production, staging or development: where every account of this source lives')
    .option(
      '--every <span>',
      'also run it on a schedule: 15m, 1h… (at least 60 s); deliveries to the connectors it covers are verified either way',
    )
    .action(
      async (
        id: string,
        o: { kind: string; option?: string[]; path?: string; covers?: string; environment?: string; every?: string },
        cmd: Command,
      ) => {
        const { client, json } = clientOf(cmd);
        const options = Object.fromEntries((o.option ?? []).map(parseOption));
        const body = {
          id,
          kind: o.kind,
          ...(Object.keys(options).length ? { options } : {}),
          ...(o.path ? { path: o.path } : {}),
          ...(o.covers ? { covers: split(o.covers) } : {}),
          ...(o.environment ? { environment: o.environment } : {}),
          ...(o.every ? { every: String(parseDuration(o.every, '--every')) } : {}),
        };
        const { body: s } = await client.call('POST', '/v1/discovery/sources', { body });
        print(json ? JSON.stringify(s, null, 2) : `added source ${s.id} (${s.kind}, covers ${s.covers.join(', ')})`);
      },
    );

  sources.command('list').action(async (_o: unknown, cmd: Command) => {
    const { client, json } = clientOf(cmd);
    const { body } = await client.call('GET', '/v1/discovery/sources');
    if (json) return print(JSON.stringify(body.items, null, 2));
    const rows = body.items.map((s) => ({
      id: s.id,
      kind: s.kind,
      covers: s.covers,
      environment: s.environment,
      url: typeof s.options.url === 'string' ? s.options.url : '',
      every: s.every_s ? `${s.every_s} s` : 'on demand',
      last_run: s.last_run ? `${s.last_run.status} ${s.last_run.id}` : 'never',
    }));
    print(rows.length ? table(rows, ['id', 'kind', 'covers', 'environment', 'url', 'every', 'last_run']) : 'no sources');
  });

  discovery
    .command('run <source>')
    .description('read the source now and reconcile it with the inventory (exit 1 when the read failed)')
    .action(async (source: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/discovery/sources/{id}/runs', { path: { id: source } });
      print(json ? JSON.stringify(body, null, 2) : describeRun(body));
      if (body.status === 'failed') throw new CliError(`discovery run ${body.id} of ${source} failed`, 1);
    });

  discovery
    .command('accounts')
    .description('discovered accounts: matched, drift, unmanaged or missing')
    .option('--source <id>', 'only this source')
    .option('--state <state>', 'unmanaged, drift, missing or matched')
    .option('--identity <id>', 'only the accounts observed for this identity')
    .option('--limit <n>', 'at most this many (0: all)', '0')
    .action(async (o: { source?: string; state?: string; identity?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const listed = await client.listAll(
        '/v1/discovery/accounts',
        { source: o.source, state: o.state, identity: o.identity },
        parseLimit(o.limit),
      );
      const items = listed.items;
      noteMore(listed);
      if (json) return print(JSON.stringify(items, null, 2));
      const rows = items.map((a) => ({
        key: a.key,
        state: a.state,
        drift: a.drift,
        identity: a.identity,
        type: a.account?.type,
        privilege: a.account?.privilege,
        login: a.account ? (a.account.can_login ? 'yes' : 'no') : '',
        disposition: a.disposition ? `${a.disposition.kind}${a.disposition.reason ? ` (${a.disposition.reason})` : ''}` : '',
      }));
      print(
        rows.length ? table(rows, ['key', 'state', 'drift', 'identity', 'type', 'privilege', 'login', 'disposition']) : 'no accounts match',
      );
    });

  discovery
    .command('adopt <key>')
    .description('adopt an unmanaged account into the inventory (an identity with power waits for approval)')
    .requiredOption('--owner <email>', 'the accountable owner')
    .requiredOption('--purpose <text>', 'what it is for')
    .requiredOption('--function <function>', 'custody, trading, settlement, reconciliation, customer_support, reporting or infrastructure')
    .option('--id <id>', 'the identity id (default: <source>.<name>)')
    .option('--environment <env>', 'when the source does not say')
    .requiredOption('--scopes <scopes>', 'comma-separated entity/service/jurisdiction scopes it acts for (at least one)')
    .action(
      async (
        key: string,
        o: { owner: string; purpose: string; function: string; id?: string; environment?: string; scopes?: string },
        cmd: Command,
      ) => {
        const { client, json } = clientOf(cmd);
        const scopes = split(o.scopes)?.map((s) => {
          const [entity, service, jurisdiction, ...rest] = s.split('/');
          if (!entity || !service || !jurisdiction || rest.length)
            throw new CliError(`--scopes: ${s} is not entity/service/jurisdiction`, 2);
          return { entity, service, jurisdiction };
        });
        const body = {
          owner: o.owner,
          purpose: o.purpose,
          function: o.function,
          ...(o.id ? { id: o.id } : {}),
          ...(o.environment ? { environment: o.environment } : {}),
          scopes: scopes ?? [],
        };
        const res = await client.call('POST', '/v1/discovery/accounts/{key}/adopt', { path: { key }, body });
        if (json) return print(JSON.stringify(res.body, null, 2));
        print(
          'change' in res.body
            ? `identity ${res.body.change.identity.id} waits for approval: change ${res.body.id}, approval ${res.body.approval!.id}`
            : `identity ${res.body.identity.id} created`,
        );
      },
    );

  discovery
    .command('dismiss <key>')
    .description('dismiss a discovered account (recorded as evidence)')
    .requiredOption('--reason <reason>', 'not_an_nhi, personal_account, out_of_scope or other')
    .option('--note <text>', 'more detail')
    .action(async (key: string, o: { reason: string; note?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/discovery/accounts/{key}/dismiss', {
        path: { key },
        body: { reason: o.reason, ...(o.note ? { note: o.note } : {}) },
      });
      print(json ? JSON.stringify(body, null, 2) : `${body.key}: dismissed (${body.disposition?.reason})`);
    });
}
