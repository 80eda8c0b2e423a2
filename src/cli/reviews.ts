// CLI for access review campaigns:
//   mandate reviews open | list | show | items | decide
import type { Command } from 'commander';
import { cappedLimit, CliError, noteMore, parseLimit, type Client } from './client.js';
import { table } from './table.js';

type ClientOf = (cmd: Command) => { client: Client; json: boolean };

interface CampaignBody {
  id: string;
  name: string;
  status: string;
  due_at: string;
  overdue: boolean;
  counts: {
    total: number;
    decided: number;
    undecided: number;
    by_decision: Record<string, number>;
    flagged: number;
    by_flag: Record<string, number>;
  };
}

const split = (s?: string) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;

function describeCampaign(c: CampaignBody): string {
  const d = c.counts.by_decision;
  const flags = Object.entries(c.counts.by_flag)
    .filter(([, n]) => n > 0)
    .map(([f, n]) => `${n} ${f}`)
    .join(', ');
  return [
    `${c.id} "${c.name}": ${c.status}${c.overdue ? ' (overdue)' : ''}, due ${c.due_at}`,
    `Items: ${c.counts.total} (${c.counts.decided} decided: ${d.keep} keep, ` +
      `${d.narrow} narrow, ${d.revoke} revoke; ${c.counts.undecided} open)`,
    `Flagged: ${c.counts.flagged}${flags ? ` (${flags})` : ''}`,
  ].join('\n');
}

/** A scope written as entity/service/jurisdiction, as the API prints scopes. */
function parseScope(s: string): { entity: string; service: string; jurisdiction: string } {
  const [entity, service, jurisdiction, ...rest] = s.split('/');
  if (!entity || !service || !jurisdiction || rest.length) throw new CliError(`--scopes: ${s} is not entity/service/jurisdiction`, 2);
  return { entity, service, jurisdiction };
}

export function registerReviewCommands(program: Command, clientOf: ClientOf, print: (s: string) => void): void {
  const reviews = program.command('reviews').description('access review campaigns: owners keep, narrow or revoke their identities');

  reviews
    .command('open <name>')
    .description('open a campaign: one item per active or suspended identity in scope, for its owner')
    .requiredOption('--due <time>', 'ISO 8601 due date')
    .option('--owner <email>', 'only this owner’s identities')
    .option('--function <functions>', 'comma-separated identity functions')
    .option('--entity <id>', 'only identities with a scope in this legal entity')
    .option('--include-break-glass', 'include break-glass identities')
    .option('--every <days>', 'recurrence: open the next campaign this many days after each due date')
    .action(
      async (
        name: string,
        o: { due: string; owner?: string; function?: string; entity?: string; includeBreakGlass?: boolean; every?: string },
        cmd: Command,
      ) => {
        const { client, json } = clientOf(cmd);
        const every = o.every === undefined ? undefined : Number(o.every);
        if (every !== undefined && !Number.isInteger(every))
          throw new CliError(`--every must be a whole number of days, not ${o.every}`, 2);
        const filter = {
          ...(o.owner ? { owner: o.owner } : {}),
          ...(o.function ? { function: split(o.function) } : {}),
          ...(o.entity ? { entity: o.entity } : {}),
          ...(o.includeBreakGlass ? { include_break_glass: true } : {}),
        };
        const body = {
          name,
          due_at: o.due,
          ...(Object.keys(filter).length ? { filter } : {}),
          ...(every !== undefined ? { recurrence_days: every } : {}),
        };
        const { body: c } = await client.call('POST', '/v1/access-reviews', { body });
        print(json ? JSON.stringify(c, null, 2) : describeCampaign(c));
      },
    );

  reviews
    .command('list')
    .option('--status <status>', 'open, closed, overdue')
    .option('--limit <n>', 'at most this many (1 to 200)', '50')
    .action(async (o: { status?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const items = await client.listCapped('/v1/access-reviews', { status: o.status }, cappedLimit(o.limit, 200), 200);
      if (json) return print(JSON.stringify(items, null, 2));
      const rows = items.map((c) => ({
        id: c.id,
        name: c.name,
        status: c.overdue ? `${c.status} (overdue)` : c.status,
        due_at: c.due_at,
        items: c.counts.total,
        decided: c.counts.decided,
        flagged: c.counts.flagged,
      }));
      print(rows.length ? table(rows, ['id', 'name', 'status', 'due_at', 'items', 'decided', 'flagged']) : 'no campaigns');
    });

  reviews.command('show <id>').action(async (id: string, _o: unknown, cmd: Command) => {
    const { client, json } = clientOf(cmd);
    const { body } = await client.call('GET', '/v1/access-reviews/{id}', { path: { id } });
    print(json ? JSON.stringify(body, null, 2) : describeCampaign(body));
  });

  reviews
    .command('items <id>')
    .description("a campaign's items; --mine for those you decide")
    .option('--mine', 'only items you decide')
    .option('--undecided', 'only items not yet decided')
    .option('--limit <n>', 'at most this many items (0: all)', '0')
    .action(async (id: string, o: { mine?: boolean; undecided?: boolean; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const listed = await client.listAll(
        '/v1/access-reviews/{id}/items',
        { path: { id }, mine: o.mine ? 'true' : undefined, undecided: o.undecided ? 'true' : undefined },
        parseLimit(o.limit),
      );
      const items = listed.items;
      noteMore(listed);
      if (json) return print(JSON.stringify(items, null, 2));
      const rows = items.map((i) => ({ ...i, decision: i.decision ?? (i.overdue ? 'OVERDUE' : '') }));
      print(rows.length ? table(rows, ['identity_id', 'reviewer', 'flags', 'decision', 'decided_by']) : 'no items match');
    });

  reviews
    .command('decide <id> <identity> <decision>')
    .description('keep, narrow or revoke an identity under review (its owner decides; review managers when the owner is gone)')
    .requiredOption('--notes <text>', 'why (recorded as evidence)')
    .option('--actions <actions>', 'narrow: comma-separated actions the identity keeps')
    .option('--scopes <scopes>', 'narrow: comma-separated entity/service/jurisdiction scopes the identity keeps')
    .action(
      async (id: string, identity: string, decision: string, o: { notes: string; actions?: string; scopes?: string }, cmd: Command) => {
        const { client, json } = clientOf(cmd);
        if (!['keep', 'narrow', 'revoke'].includes(decision))
          throw new CliError(`decision must be keep, narrow or revoke, not ${decision}`, 2);
        const body = {
          decision,
          notes: o.notes,
          ...(o.actions ? { actions: split(o.actions) } : {}),
          ...(o.scopes ? { scopes: split(o.scopes)!.map(parseScope) } : {}),
        };
        const { body: item } = await client.call('POST', '/v1/access-reviews/{id}/items/{identity}', { path: { id, identity }, body });
        print(json ? JSON.stringify(item, null, 2) : `${item.identity_id}: ${item.decision}`);
      },
    );
}
