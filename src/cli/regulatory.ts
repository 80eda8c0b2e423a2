// CLI for regulatory state: preview, propose and decide authorisation transitions; lifecycle
// rules (test locally, push, show); connector deliveries.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { checkAnyRules } from '../core/lifecycle.js';
import { checkRuleTests, runRuleTests } from '../core/lifecycle-tests.js';
import { ActionVocabulary } from '../core/vocabulary.js';
import { cappedLimit, CliError, type Client } from './client.js';
import { note } from './output.js';
import { table } from './table.js';

export type ClientOf = (cmd: Command) => { client: Client; json: boolean };

function readDoc(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 2);
  }
  try {
    return parse(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new CliError(`${file} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`, 2);
  }
}

interface ImpactBody {
  moved: { id: string; from: string; to: string; via: string | null }[];
  counts: Record<string, number>;
  suspended: { identity: string; why: string }[];
  narrowed: { identity: string; from: string[]; to: { scope: string; actions: string[] }[] }[];
  restored: { identity: string; status: string }[];
  untouched: { identity: string; why: string }[];
  connector_actions: { identity: string; action: string; connector: string | null; target: string | null }[];
  return_paths: { scope: string; action: string; identities: number }[];
}

export function describeImpact(b: ImpactBody, max = 50): string {
  const lines = [
    `Moves: ${b.moved.map((m) => `${m.id} ${m.from} → ${m.to}${m.via ? ` (follows ${m.via})` : ''}`).join('; ')}`,
    `Identities: ${b.counts.suspend} suspended, ${b.counts.narrow} narrowed, ${b.counts.restore} restored, ${b.counts.unchanged} untouched`,
  ];
  const list = <T>(title: string, items: T[], fmt: (t: T) => string) => {
    if (!items.length) return;
    lines.push(`${title}:`);
    for (const i of items.slice(0, max)) lines.push(`  ${fmt(i)}`);
    if (items.length > max) lines.push(`  … ${items.length - max} more (--json for all)`);
  };
  list('Suspended', b.suspended, (s) => `${s.identity}: ${s.why}`);
  list('Narrowed', b.narrowed, (n) => `${n.identity}: keeps ${n.to.map((t) => `${t.scope} [${t.actions.join(', ')}]`).join('; ')}`);
  list('Restored', b.restored, (r) => `${r.identity} (${r.status})`);
  list('Connector actions', b.connector_actions, (c) => `${c.action} ${c.connector}:${c.target} (${c.identity})`);
  list('Return paths kept open', b.return_paths, (r) => `${r.scope} ${r.action} by ${r.identities} identities`);
  return lines.join('\n');
}

/** `approve` and `reject` of a proposed transition (of authorisations or of products), under `parent`. */
export function voteCommands(parent: Command, clientOf: ClientOf, print: (s: string) => void): void {
  for (const decision of ['approve', 'reject'] as const) {
    parent
      .command(`${decision} <transitionId>`)
      .description(`${decision} a proposed transition (not your own)`)
      .option('--reason <text>', 'why')
      .action(async (id: string, o: { reason?: string }, cmd: Command) => {
        const { client, json } = clientOf(cmd);
        const { body: t } = await client.call('POST', `/v1/transitions/{id}/${decision}`, {
          path: { id },
          body: o.reason ? { reason: o.reason } : {},
        });
        // The document leaves a transition's result open; once applied it counts what the cascade did.
        const result = t.result as { counts: Record<string, number>; outbox: number } | null | undefined;
        const c = result?.counts;
        print(
          json
            ? JSON.stringify(t, null, 2)
            : `transition ${t.id} is ${t.status}` +
                (c
                  ? `: ${c.suspend} suspended, ${c.narrow} narrowed, ${c.restore} restored; ` + `${result!.outbox} connector actions queued`
                  : ''),
        );
      });
  }
}

export function registerRegulatoryCommands(
  authorisations: Command,
  program: Command,
  clientOf: ClientOf,
  print: (s: string) => void,
): void {
  authorisations
    .command('impact <id>')
    .description('preview what moving an authorisation to a status would do (writes nothing)')
    .requiredOption('--to <status>', 'applied, authorised, restricted, suspended, withdrawn, wind_down, closed')
    .option('--deny <actions>', 'for restricted: comma-separated actions the conditions forbid')
    .action(async (id: string, opts: { to: string; deny?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/authorisations/{id}/impact', {
        path: { id },
        query: { to: opts.to, denied_actions: opts.deny },
      });
      print(json ? JSON.stringify(body, null, 2) : describeImpact(body));
    });

  authorisations
    .command('propose <id>')
    .description('propose a transition; a different approver decides it')
    .requiredOption('--to <status>', 'the new status')
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--reference <ref>', "the supervisor's decision")
    .option('--effective-at <time>', 'ISO 8601; default now')
    .option('--deadline <time>', 'end of a suspension or wind-down')
    .option('--deny <actions>', 'for restricted: comma-separated actions the conditions forbid')
    .option('--also <ids>', 'comma-separated further authorisations moved by the same decision')
    .option('--emergency', 'apply now on your sole approval (approver role); opens a mandatory review')
    .action(
      async (
        id: string,
        o: {
          to: string;
          reason: string;
          reference: string;
          effectiveAt?: string;
          deadline?: string;
          deny?: string;
          also?: string;
          emergency?: boolean;
        },
        cmd: Command,
      ) => {
        const { client, json } = clientOf(cmd);
        const split = (s?: string) =>
          s
            ? s
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean)
            : undefined;
        const body = {
          to: o.to,
          reason: o.reason,
          reference: o.reference,
          ...(o.effectiveAt ? { effective_at: o.effectiveAt } : {}),
          ...(o.deadline ? { deadline: o.deadline } : {}),
          ...(o.deny ? { denied_actions: split(o.deny) } : {}),
          ...(o.also ? { also: split(o.also) } : {}),
          ...(o.emergency ? { emergency: true } : {}),
        };
        const { body: t } = await client.call('POST', '/v1/authorisations/{id}/transitions', { path: { id }, body });
        print(
          json
            ? JSON.stringify(t, null, 2)
            : `transition ${t.id} is ${t.status}` +
                `${t.status === 'pending' ? `: an approver decides it with \`mandate authorisations approve ${t.id}\`` : ''}`,
        );
      },
    );

  voteCommands(authorisations, clientOf, print);

  const transitions = program.command('transitions').description('authorisation transitions');
  transitions
    .command('list')
    .option('--status <status>', 'pending, approved, rejected, applied')
    .option('--limit <n>', 'at most this many, newest first (1 to 500)', '50')
    .action(async (o: { status?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const body = {
        items: await client.listCapped('/v1/transitions', { status: o.status }, cappedLimit(o.limit, 500), 500),
      };
      print(
        json
          ? JSON.stringify(body.items, null, 2)
          : body.items.length
            ? table(body.items, ['id', 'authorisations', 'to', 'status', 'proposer', 'decided_by', 'effective_at'])
            : 'no transitions',
      );
    });
  transitions.command('show <id>').action(async (id: string, _o: unknown, cmd: Command) => {
    const { client } = clientOf(cmd);
    print(JSON.stringify((await client.call('GET', '/v1/transitions/{id}', { path: { id } })).body, null, 2));
  });
  transitions
    .command('review <id>')
    .requiredOption('--notes <text>', 'what the review found')
    .action(async (id: string, o: { notes: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/transitions/{id}/review', { path: { id }, body: { notes: o.notes } });
      print(json ? JSON.stringify(body, null, 2) : `review of ${body.id} closed`);
    });

  const policy = program.command('rules').description('lifecycle rules: what authorisation states do to identities');
  policy
    .command('test <rules> <tests>')
    .description('run rule tests (state + identity → expected outcome) against a rules file, locally')
    .action(async (rulesFile: string, testsFile: string, _o: unknown, cmd: Command) => {
      const { json } = clientOf(cmd);
      const rules = checkAnyRules(readDoc(rulesFile));
      if (!rules.rules)
        throw new CliError(`${rulesFile} is not valid:\n${rules.issues.map((i) => `  ${i.field}: ${i.reason}`).join('\n')}`, 1);
      const tests = checkRuleTests(readDoc(testsFile));
      if (!tests.tests)
        throw new CliError(`${testsFile} is not valid:\n${tests.issues.map((i) => `  ${i.field}: ${i.reason}`).join('\n')}`, 1);
      const results = runRuleTests(rules.rules, tests.tests, new ActionVocabulary());
      const failed = results.filter((r) => !r.passed);
      if (json) print(JSON.stringify(results, null, 2));
      else {
        for (const r of results)
          print(`${r.passed ? 'ok  ' : 'FAIL'} ${r.name}${r.passed ? '' : `\n       ${r.failures.join('\n       ')}`}`);
        print(`${results.length - failed.length} passed, ${failed.length} failed`);
      }
      if (failed.length) throw new CliError(`${failed.length} rule test${failed.length === 1 ? '' : 's'} failed`, 1);
    });
  policy
    .command('push <rules>')
    .description('ask to publish a new version of the lifecycle rules (checked now; published once an approver approves)')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('PUT', '/v1/lifecycle-rules', { body: { rules: readDoc(file) } });
      print(
        json
          ? JSON.stringify(body, null, 2)
          : `change ${body.id} on top of version ${body.base_version} waits for ` +
              (body.approval ? `${body.approval.required} approval(s): mandate approvals approve ${body.approval.id}` : 'approval'),
      );
    });
  policy
    .command('show')
    .description('the lifecycle rules in force')
    .option('--cra', 'the product lifecycle rules (Cyber Resilience Act) instead of the MiCA rules')
    .action(async (o: { cra?: boolean }, cmd: Command) => {
      const { client } = clientOf(cmd);
      const { body } = o.cra ? await client.call('GET', '/v1/lifecycle-rules/cra') : await client.call('GET', '/v1/lifecycle-rules');
      print(JSON.stringify(body, null, 2));
    });

  const outbox = program.command('outbox').description('connector deliveries (switching identities off and on in other systems)');
  outbox
    .command('list')
    .option('--status <status>', 'pending, delivered, failed, manual')
    .option('--limit <n>', 'at most this many deliveries (1 to 500)', '50')
    .action(async (o: { status?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const limit = cappedLimit(o.limit, 500);
      const { body } = await client.call('GET', '/v1/outbox', { query: { status: o.status, limit: Math.min(limit + 1, 500) } });
      const total = o.status ? body.counts[o.status] : Object.values(body.counts).reduce((a, b) => a + b, 0);
      if (body.items.length > limit) {
        body.items = body.items.slice(0, limit);
        note(
          total !== undefined
            ? `showing ${limit} of ${total} deliveries; use --limit N for more (at most 500)`
            : `showing ${limit}; more exist: use --limit N (at most 500)`,
        );
      }
      if (json) return print(JSON.stringify(body, null, 2));
      print(
        `${
          Object.entries(body.counts)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ') || 'no deliveries'
        }`,
      );
      if (body.items.length) print(table(body.items, ['id', 'channel', 'action', 'target', 'status', 'attempts', 'last_error']));
    });
  outbox.command('retry <id>').action(async (id: string, _o: unknown, cmd: Command) => {
    const { client } = clientOf(cmd);
    await client.call('POST', '/v1/outbox/{id}/retry', { path: { id } });
    print(`delivery ${id} queued again`);
  });
}
