// CLI for control checks, findings, readiness and leaked-secret reports:
//   mandate checks run | list | runs
//   mandate findings [--status] [--severity] [--check] [--owner]; mandate finding <id> [--ack NOTE]
//   mandate readiness [--entity] [--jurisdiction] [--as-of]
//   mandate leaks ingest <file> [--identity] | list | resolve <id> --notes
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { cappedLimit, CliError, type Client } from './client.js';
import { note } from './output.js';
import { table } from './table.js';

type ClientOf = (cmd: Command) => { client: Client; json: boolean };
type Print = (s: string) => void;
const SEVERITIES = ['low', 'medium', 'high', 'critical'];

export function registerComplianceCommands(program: Command, clientOf: ClientOf, print: Print): void {
  const checks = program.command('checks').description('continuous control checks, each mapped to controls (docs/controls.md)');
  checks
    .command('run')
    .description('run every check now and print the run (checks also run on their schedule and after changes)')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/checks/run');
      if (json) return print(JSON.stringify(body, null, 2));
      print(
        table(
          body.checks.map((c) => ({ ...c, result: c.failed ? `${c.failed} of ${c.evaluated} fail` : `${c.evaluated} pass` })),
          ['check', 'severity', 'result'],
        ),
      );
      print(
        `run ${body.id}: ${body.counts.open} open, ${body.counts.opened} opened, ` +
          `${body.counts.reopened} reopened, ${body.counts.resolved} resolved, ${body.counts.accepted_risk} accepted risk (` +
          `${body.duration_ms} ms)`,
      );
    });
  checks
    .command('list')
    .description('the checks and the controls each evidences')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/checks');
      print(
        json
          ? JSON.stringify(body.items, null, 2)
          : table(
              body.items.map((c) => ({ ...c, controls: c.controls.join(' ') })),
              ['id', 'severity', 'controls'],
            ),
      );
    });
  checks
    .command('runs')
    .description('recent runs, newest first')
    .option('--limit <n>', 'at most this many (1 to 500)', '20')
    .action(async (o: { limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const body = {
        items: await client.listCapped('/v1/checks/runs', {}, cappedLimit(o.limit, 500), 500),
      };
      print(
        json
          ? JSON.stringify(body.items, null, 2)
          : table(
              body.items.map((r) => ({ ...r, open: r.counts.open, opened: r.counts.opened, resolved: r.counts.resolved })),
              ['id', 'at', 'trigger', 'open', 'opened', 'resolved'],
            ),
      );
    });

  program
    .command('findings')
    .description('findings, most severe first, as the last check run left them (a read: it runs nothing; mandate checks run does)')
    .option('--status <list>', 'comma-separated: open, acknowledged, resolved, accepted_risk (default open,acknowledged)')
    .addOption(new Option('--severity <severity>', 'only this severity').choices(SEVERITIES))
    .option('--check <id>', 'only this check')
    .option('--owner <email>', 'only those this person owns')
    .option('--limit <n>', 'at most this many (1 to 5000)', '500')
    .action(async (o: { status?: string; severity?: string; check?: string; owner?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const body = {
        items: await client.listCapped(
          '/v1/findings',
          { status: o.status, severity: o.severity, check: o.check, owner: o.owner },
          cappedLimit(o.limit, 5000),
          5000,
        ),
      };
      if (json) return print(JSON.stringify(body.items, null, 2));
      print(
        body.items.length
          ? table(
              body.items.map((f) => ({ ...f, subject: f.subject.id, due: f.due_at.slice(0, 10), owner: f.owner ?? '' })),
              ['severity', 'check', 'subject', 'status', 'owner', 'due', 'title'],
            )
          : 'no findings',
      );
      // As of when: the last run (a read too). Running the checks is mandate checks run, never this.
      const [last] = (await client.call('GET', '/v1/checks/runs', { query: { limit: 1 } })).body.items;
      note(
        last ? `as of check run ${last.id} at ${last.at} (mandate checks run to run them now)` : 'no check has run yet: mandate checks run',
      );
    });
  program
    .command('finding <id>')
    .description('one finding with its lifecycle; --ack to acknowledge it')
    .option('--ack <note>', 'acknowledge it (you own the fix; it stays until its cause is gone)')
    .action(async (id: string, o: { ack?: string }, cmd: Command) => {
      const { client } = clientOf(cmd);
      const { body } = o.ack
        ? await client.call('POST', '/v1/findings/{id}/acknowledge', { path: { id }, body: { note: o.ack } })
        : await client.call('GET', '/v1/findings/{id}', { path: { id } });
      print(JSON.stringify(body, null, 2));
    });

  program
    .command('readiness')
    .description('readiness per entity × member state × service: score, blocking findings, owners to chase, deadlines')
    .option('--entity <id>', 'one legal entity')
    .option('--jurisdiction <cc>', 'one member state')
    .option('--as-of <time>', 'as it stood at that time (from the check run at or before it)')
    .action(async (o: { entity?: string; jurisdiction?: string; asOf?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/readiness', {
        query: { entity: o.entity, jurisdiction: o.jurisdiction, as_of: o.asOf },
      });
      if (json) return print(JSON.stringify(body, null, 2));
      if (!body.run) return print('no check run yet: mandate checks run');
      print(
        table(
          body.items.map((r) => ({
            scope: `${r.entity}/${r.jurisdiction}/${r.service}`,
            status: r.authorisation?.status ?? '',
            score: r.score,
            open: r.open_findings,
            blocking: r.blocking.length,
            chase: r.owners_to_chase
              .slice(0, 2)
              .map((c) => `${c.owner} (${c.findings})`)
              .join(', '),
            next_deadline: r.deadlines[0] ? `${r.deadlines[0].what}: ${r.deadlines[0].days_left} days` : '',
          })),
          ['scope', 'status', 'score', 'open', 'blocking', 'chase', 'next_deadline'],
        ),
      );
      print(`as of check run ${body.run.id} at ${body.run.at}`);
    });

  const leaks = program.command('leaks').description('leaked secrets reported by scanners (gitleaks, trufflehog)');
  leaks
    .command('ingest <file>')
    .description('ingest a gitleaks JSON report or trufflehog JSON lines (only fingerprints are kept)')
    .option('--identity <id>', 'the identity the secrets belong to, when Mandate did not issue them')
    .action(async (file: string, o: { identity?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      let report: string;
      try {
        report = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 2);
      }
      const { body } = await client.call('POST', '/v1/leaks', { body: { report, ...(o.identity ? { identity: o.identity } : {}) } });
      print(
        json
          ? JSON.stringify(body, null, 2)
          : `${body.format}: ${body.received} received, ${body.opened} opened, ` +
              `${body.seen_again} seen again, ${body.matched} matched to Mandate-issued secrets`,
      );
    });
  leaks
    .command('list')
    .option('--open', 'only those not resolved')
    .action(async (o: { open?: boolean }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/leaks', { query: { open: o.open ? 'true' : undefined } });
      print(
        json
          ? JSON.stringify(body.items, null, 2)
          : table(body.items, ['id', 'detector', 'where', 'identity', 'first_seen', 'resolved_at']),
      );
    });
  leaks
    .command('resolve <id>')
    .requiredOption('--notes <text>', 'what was done (revoked, rotated)')
    .action(async (id: string, o: { notes: string }, cmd: Command) => {
      const { client } = clientOf(cmd);
      await client.call('POST', '/v1/leaks/{id}/resolve', { path: { id }, body: { notes: o.notes } });
      print(`leaked secret ${id} resolved`);
    });

  const evidence = program.command('evidence').description('signed evidence packs for supervisors and auditors');
  evidence
    .command('export')
    .description(
      'one signed pack (.tar.gz) for an entity and member state, or for one product (CRA); verify it with mandate ledger verify <file>',
    )
    .option('--entity <id>', 'the legal entity (with --jurisdiction)')
    .option('--jurisdiction <cc>', 'the member state, e.g. IT')
    .option('--product <id>', 'a product: its pack for the technical documentation (instead of --entity and --jurisdiction)')
    .option('--as-of <time>', 'as it stood at that time (default: now)')
    .requiredOption('--out <file>', 'where to write it (a new file)')
    .action(async (o: { entity?: string; jurisdiction?: string; product?: string; asOf?: string; out: string }, cmd: Command) => {
      if (o.product === undefined ? !o.entity || !o.jurisdiction : o.entity !== undefined || o.jurisdiction !== undefined)
        throw new CliError('give --entity and --jurisdiction, or --product alone', 2, {
          code: 'BAD_FLAG',
          field: o.product === undefined ? '--entity' : '--product',
        });
      const { client } = clientOf(cmd);
      const bytes = await client.download(
        '/v1/evidence-packs',
        o.out,
        o.product !== undefined
          ? { product: o.product, ...(o.asOf ? { as_of: o.asOf } : {}) }
          : { entity: o.entity, jurisdiction: o.jurisdiction, ...(o.asOf ? { as_of: o.asOf } : {}) },
        `exporting the evidence pack to ${o.out}`,
      );
      print(`wrote ${bytes} bytes to ${o.out}; verify it offline with: mandate ledger verify ${o.out} --key <the ledger's verifier key>`);
    });
}
