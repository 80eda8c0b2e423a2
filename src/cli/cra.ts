// CLI for the Cyber Resilience Act's Article 14 reports: open one, list them, show one with its
// deadlines, record milestones, close one, see its blast radius and revoke its product's tokens.
import type { Command } from 'commander';
import type { Client } from './client.js';
import { table } from './table.js';

type ClientOf = (cmd: Command) => { client: Client; json: boolean };

interface ReportBody {
  id: string;
  product: string;
  kind: string;
  status: string;
  title: string;
  aware_at: string;
  owner: string;
  milestones: { milestone: string; at: string; reference: string; by: string }[];
  deadlines: { milestone: string; article: string; due_at: string | null; submitted_at: string | null; state: string }[];
  missed: string[];
  closed: { at: string; by: string; reason: string } | null;
}

function describe(r: ReportBody): string {
  const lines = [
    `${r.id}: ${r.title}`,
    `  product ${r.product}, ${r.kind.replace(/_/g, ' ')}, ${r.status}; aware at ${r.aware_at}; owner ${r.owner}`,
    '',
    table(
      r.deadlines.map((d) => ({ ...d, due_at: d.due_at ?? '(waiting)' })),
      ['milestone', 'article', 'due_at', 'submitted_at', 'state'],
    ),
  ];
  if (r.milestones.length) {
    lines.push('', table(r.milestones, ['milestone', 'at', 'reference', 'by']));
  }
  if (r.closed) lines.push('', `closed at ${r.closed.at} by ${r.closed.by}: ${r.closed.reason}`);
  return lines.join('\n');
}

const next = (r: ReportBody) => {
  const d = r.deadlines.find((x) => x.state === 'pending');
  return d ? `${d.milestone} due ${d.due_at}` : '';
};

export function registerCraCommands(program: Command, clientOf: ClientOf, print: (s: string) => void): void {
  const cra = program.command('cra').description('Cyber Resilience Act Article 14 reports: the reporting clock, blast radius, revocation');

  cra
    .command('report')
    .description('record an actively exploited vulnerability or a severe incident of a product: its clock starts')
    .requiredOption('--product <id>', 'the affected product')
    .requiredOption('--kind <kind>', 'exploited_vulnerability or severe_incident')
    .requiredOption('--title <text>', 'a short title')
    .requiredOption('--owner <email>', 'the person accountable for the reports')
    .option('--aware-at <time>', 'when the manufacturer became aware (ISO 8601; default now)')
    .option('--description <text>', 'what is known')
    .action(
      async (o: { product: string; kind: string; title: string; owner: string; awareAt?: string; description?: string }, cmd: Command) => {
        const { client, json } = clientOf(cmd);
        const { body } = await client.call('POST', '/v1/cra/reports', {
          body: {
            product: o.product,
            kind: o.kind,
            title: o.title,
            owner: o.owner,
            aware_at: o.awareAt ?? new Date().toISOString(),
            ...(o.description ? { description: o.description } : {}),
          },
        });
        print(json ? JSON.stringify(body, null, 2) : `report ${body.id} opened: ${next(body)}`);
      },
    );

  cra
    .command('reports')
    .description('the Article 14 reports with their deadlines, newest awareness first')
    .option('--product <id>', 'of this product')
    .option('--status <status>', 'open or closed')
    .option('--limit <n>', 'at most this many (1 to 500)', '100')
    .action(async (o: { product?: string; status?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/cra/reports', { query: { product: o.product, status: o.status, limit: o.limit } });
      if (json) return print(JSON.stringify(body.items, null, 2));
      print(
        body.items.length
          ? table(
              body.items.map((r) => ({ ...r, missed: r.missed, next: next(r) })),
              ['id', 'product', 'kind', 'status', 'aware_at', 'owner', 'missed', 'next'],
            )
          : 'no reports',
      );
    });

  cra
    .command('show <id>')
    .description('one report with its deadlines as they stand now')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/cra/reports/{id}', { path: { id } });
      print(json ? JSON.stringify(body, null, 2) : describe(body));
    });

  cra
    .command('milestone <id>')
    .description('record an early warning, notification, corrective measure or final report')
    .requiredOption('--milestone <name>', 'early_warning, notification, corrective_measure or final_report')
    .requiredOption('--reference <ref>', 'the reference of what was submitted or made available')
    .option('--at <time>', 'when (ISO 8601; default now)')
    .action(async (id: string, o: { milestone: string; reference: string; at?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/cra/reports/{id}/milestones', {
        path: { id },
        body: { milestone: o.milestone, reference: o.reference, ...(o.at ? { at: o.at } : {}) },
      });
      const d = body.deadlines.find((x) => x.milestone === o.milestone);
      print(
        json
          ? JSON.stringify(body, null, 2)
          : `${o.milestone} recorded on ${body.id}${d ? ` (${d.state}${d.due_at ? `, due ${d.due_at}` : ''})` : ''}`,
      );
    });

  cra
    .command('close <id>')
    .description('close a report')
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, o: { reason: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/cra/reports/{id}/close', { path: { id }, body: { reason: o.reason } });
      print(
        json ? JSON.stringify(body, null, 2) : `report ${body.id} closed${body.missed.length ? `; missed: ${body.missed.join(', ')}` : ''}`,
      );
    });

  cra
    .command('blast-radius <id>')
    .description("the identities that can touch the report's product")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/cra/reports/{id}/blast-radius', { path: { id } });
      if (json) return print(JSON.stringify(body, null, 2));
      const c = body.counts;
      const tally = (t: Record<string, number>) =>
        Object.entries(t)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ');
      print(`${c.identities} identit${c.identities === 1 ? 'y' : 'ies'} can touch ${body.product}: ${tally(c.by_status) || 'none'}`);
      if (body.identities.length)
        print(
          table(
            body.identities.map((i) => ({ ...i, channel: i.channel ?? '*' })),
            ['identity', 'function', 'capability', 'status', 'channel', 'actions'],
          ),
        );
    });

  cra
    .command('revoke-tokens <id>')
    .description("revoke every token of every identity that can touch the report's product, in one step")
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, o: { reason: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/cra/reports/{id}/revoke-tokens', { path: { id }, body: { reason: o.reason } });
      print(
        json
          ? JSON.stringify(body, null, 2)
          : `tokens of ${body.count} identit${body.count === 1 ? 'y' : 'ies'} of ${body.product} revoked at ${body.revoked_at}`,
      );
    });
}
