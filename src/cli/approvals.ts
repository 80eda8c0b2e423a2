// CLI for the approval engine and what it guards:
//   mandate approvals list | show | approve | reject | rules
//   mandate access request | list | show | revoke | grants
//   mandate exceptions add | list | show | close
//   mandate break-glass unseal | list | show | seal | review
// Every command is a client of the REST API; flags are checked here first (exit 2), so a typo
// never reaches the server as a half-formed request.
import { Option, type Command } from 'commander';
import type { Approval } from '../state/approvals.js';
import { APPROVAL_KINDS, APPROVAL_STATUSES, type ApprovalRule } from '../core/approvals.js';
import { EXCEPTION_CONTROLS } from '../core/grants.js';
import { parseSpanSeconds } from '../core/time.js';
import type { BreakGlassActivation, PolicyException } from '../grants/service.js';
import { cappedLimit, CliError, type Answer, type Client } from './client.js';
import { table } from './table.js';

type ClientOf = (cmd: Command) => { client: Client; json: boolean };
type Print = (s: string) => void;

const ACCESS_STATUSES = ['pending', 'active', 'rejected', 'expired', 'ended', 'cancelled'] as const;
const EXCEPTION_STATUSES = ['pending', 'active', 'rejected', 'expired', 'closed', 'revoked', 'cancelled'] as const;
const REVIEW_STATUSES = ['open', 'done', 'none'] as const;
/** The server's ISO 8601 form: a date, or a date-time with a zone. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

const _enc = encodeURIComponent;

/** A repeatable flag that also takes comma-separated values: --action a --action b,c. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

/** Whole seconds (1800) or a span of days, hours, minutes and seconds (30m, 2h, 1h30m, 90s). */
export function parseDuration(value: string, flag = '--duration'): number {
  const seconds = parseSpanSeconds(value);
  if (seconds === undefined) throw new CliError(`${flag} must be whole seconds (1800) or a span like 30m, 2h or 1h30m, not "${value}"`, 2);
  return seconds;
}

const limitOf = (value: string): number => cappedLimit(value, 500);

function timestampOf(value: string, flag: string): string {
  if (!TIMESTAMP.test(value) || !Number.isFinite(Date.parse(value)))
    throw new CliError(`${flag} must be an ISO 8601 date (2026-12-31) or date-time with a zone (2026-12-31T17:00:00Z), not "${value}"`, 2);
  return value;
}

const truncate = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const scopeText = (s: { entity: string; service: string; jurisdiction: string } | { product: string; channel?: string }) =>
  'product' in s ? `product:${s.product}${s.channel ? `/${s.channel}` : ''}` : `${s.entity}/${s.service}/${s.jurisdiction}`;
const approvalsGiven = (a: Approval) => a.votes.filter((v) => v.decision === 'approve').length;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function span(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/**
 * A request's status as a person should read it: one decided on an emergency path was approved by
 * nobody, so it reads "emergency, review pending" or "emergency, review done by …", never "approved".
 */
export function approvalStatus(a: Pick<Approval, 'status' | 'emergency'>): string {
  const e = a.emergency;
  if (!e) return a.status;
  if (e.review === 'done') return `emergency, review done${e.reviewed_by ? ` by ${e.reviewed_by}` : ''}`;
  return e.review === 'open' ? 'emergency, review pending' : 'emergency, no review on record';
}

/** One line: where an approval request stands. */
export function approvalLine(a: Approval): string {
  if (a.status === 'pending') return `approval ${a.id} is pending: ${approvalsGiven(a)} of ${plural(a.required, 'approval')}`;
  if (a.emergency) return `approval ${a.id}: ${approvalStatus(a)} (nobody approved it${a.outcome ? `: ${a.outcome}` : ''})`;
  return `approval ${a.id} is ${a.status}${a.outcome ? ` (${a.outcome})` : ''}`;
}

/** What a new request waits for, and how an approver decides it. */
function waitsFor(a: Approval): string {
  return (
    `it needs ${plural(a.required, 'approval')} from ${a.roles.join(' or ')} by ` +
    `${a.expires_at}\n  an approver decides it with: mandate approvals approve ${a.id}`
  );
}

function describeApproval(a: Approval): string {
  const lines = [
    `${approvalLine(a)}`,
    `  kind:      ${a.kind} (rule ${a.rule}: ${plural(a.required, 'approval')} from ${a.roles.join(' or ')})`,
    `  about:     ${a.subject.type} ${a.subject.id}${a.owner ? ` (owner ${a.owner})` : ''}`,
    `  summary:   ${a.summary}`,
    `  requested: by ${a.requester} at ${a.created_at}; expires ${a.expires_at}`,
  ];
  if (a.votes.length) {
    lines.push('  votes:');
    for (const v of a.votes)
      lines.push(`    ${v.decision === 'approve' ? 'approved' : 'rejected'} by ${v.voter} at ${v.at}${v.reason ? `: ${v.reason}` : ''}`);
  }
  if (a.decided_at) lines.push(`  decided:   ${a.decided_at}${a.outcome ? `: ${a.outcome}` : ''}`);
  return lines.join('\n');
}

function describeAccess(r: Answer<'/v1/access-requests/{id}'>): string {
  const lines = [
    `access request ${r.id} for ${r.identity} is ${r.status}`,
    `  actions:       ${r.actions.join(', ')}`,
    `  scope:         ${scopeText(r.scope)}`,
    `  duration:      ${r.duration_seconds} s (${span(r.duration_seconds)})`,
    `  justification: ${r.justification}`,
    ...(r.ticket ? [`  ticket:        ${r.ticket}`] : []),
    `  requested:     by ${r.requester} at ${r.created_at}`,
    ...(r.granted_at ? [`  granted:       ${r.granted_at} until ${r.expires_at}`] : []),
  ];
  if (r.approval) lines.push(`  ${approvalLine(r.approval)}`);
  return lines.join('\n');
}

function describeException(e: PolicyException): string {
  const c = e.compensating_controls;
  const controls =
    [c.extra_monitoring && 'extra monitoring', c.manual_approval_per_action && 'manual approval per action'].filter(Boolean).join(', ') ||
    'none';
  return [
    `exception ${e.id} for ${e.identity} is ${e.status}`,
    `  waives:        ${e.control}`,
    `  actions:       ${e.actions.join(', ')}`,
    `  scope:         ${scopeText(e.scope)}`,
    `  justification: ${e.justification}`,
    `  compensating:  ${controls}${c.note ? ` (${c.note})` : ''}`,
    `  expires:       ${e.expires_at}`,
    ...(e.ticket ? [`  ticket:        ${e.ticket}`] : []),
    `  requested:     by ${e.requester} at ${e.created_at}; approval ${e.approval_id}`,
    ...(e.closed_at ? [`  closed:        by ${e.closed_by} at ${e.closed_at}: ${e.close_notes ?? ''}`] : []),
  ].join('\n');
}

function describeActivation(a: BreakGlassActivation): string {
  return [
    `break-glass activation ${a.id} of ${a.identity} is ${a.status}${a.emergency ? ' (emergency path)' : ''}`,
    `  reason:    ${a.reason}`,
    ...(a.ticket ? [`  ticket:    ${a.ticket}`] : []),
    `  window:    ${a.starts_at ? `${a.starts_at} to ${a.ends_at}` : `${a.duration_seconds} s once approved`}`,
    `  requested: by ${a.requester} at ${a.created_at}${a.approval_id ? `; approval ${a.approval_id}` : ''}`,
    `  review:    ${a.review.status}${a.review.by ? ` by ${a.review.by} at ${a.review.at}: ${a.review.notes ?? ''}` : ''}`,
  ].join('\n');
}

export function registerApprovalCommands(program: Command, clientOf: ClientOf, print: Print): void {
  registerApprovals(program, clientOf, print);
  registerAccess(program, clientOf, print);
  registerExceptions(program, clientOf, print);
  registerBreakGlass(program, clientOf, print);
}

function registerApprovals(program: Command, clientOf: ClientOf, print: Print): void {
  const approvals = program.command('approvals').description('the approval engine: requests, votes and the rules that decide how many');

  approvals
    .command('list')
    .description('approval requests, newest first; --mine: the ones you can decide now (your inbox)')
    .option('--mine', 'only pending requests you may decide now')
    .addOption(new Option('--status <status>', 'only requests with this status').choices(APPROVAL_STATUSES))
    .addOption(new Option('--kind <kind>', 'only this kind of request').choices(APPROVAL_KINDS))
    .option('--limit <n>', 'at most this many (1 to 500)', '50')
    .action(async (o: { mine?: boolean; status?: string; kind?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const limit = limitOf(o.limit);
      if (o.mine && o.status) throw new CliError('--mine lists the pending requests you can decide: it does not combine with --status', 2);
      const items = await client.listCapped(
        '/v1/approvals',
        { mine: o.mine ? 'pending' : undefined, status: o.status, kind: o.kind },
        limit,
        500,
      );
      const body = { items };
      if (json) return print(JSON.stringify(body.items, null, 2));
      if (!body.items.length) return print(o.mine ? 'nothing waits for your decision' : 'no approval requests match');
      print(
        table(
          body.items.map((a) => ({
            ...a,
            summary: truncate(a.summary, 50),
            votes: `${approvalsGiven(a)}/${a.required}`,
            status: approvalStatus(a),
          })),
          ['id', 'kind', 'summary', 'votes', 'status', 'expires_at'],
        ),
      );
    });

  approvals
    .command('show <id>')
    .description('one approval request with its votes')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/approvals/{id}', { path: { id } });
      print(json ? JSON.stringify(body, null, 2) : describeApproval(body));
    });

  for (const decision of ['approve', 'reject'] as const) {
    approvals
      .command(`${decision} <id>`)
      .description(`${decision} a request (never your own, nor one about an identity you own)`)
      .option('--reason <text>', 'why (recorded with your vote)')
      .action(async (id: string, o: { reason?: string }, cmd: Command) => {
        const { client, json } = clientOf(cmd);
        const { body } = await client.call('POST', `/v1/approvals/{id}/${decision}`, {
          path: { id },
          body: o.reason ? { reason: o.reason } : {},
        });
        print(json ? JSON.stringify(body, null, 2) : approvalLine(body));
      });
  }

  approvals
    .command('rules')
    .description('the approval rules in force (the first that matches a request decides)')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/approval-rules');
      if (json) return print(JSON.stringify(body.items, null, 2));
      const when = (r: ApprovalRule) =>
        Object.entries(r.when ?? {})
          .map(([k, v]) => `${k}=${(v as string[]).join('|')}`)
          .join(' ') || 'any';
      print(
        table(
          body.items.map((r) => ({ ...r, when: when(r), expires_after: span(r.expires_after_seconds) })),
          ['id', 'kind', 'when', 'approvals', 'roles', 'expires_after'],
        ),
      );
    });
}

function registerAccess(program: Command, clientOf: ClientOf, print: Print): void {
  const access = program.command('access').description('just-in-time access: scoped, time-bound grants decided by approvers');

  access
    .command('request <identity>')
    .description('ask for scoped, time-bound access for an identity (an approval request)')
    .requiredOption('--action <action>', 'an action to grant (repeat, or comma-separate, for more)', collect)
    .requiredOption('--entity <id>', 'the legal entity acted for')
    .requiredOption('--service <service>', 'the MiCA service, e.g. custody')
    .requiredOption('--jurisdiction <cc>', 'the member state, e.g. DE')
    .requiredOption('--duration <span>', 'how long the grant lasts once approved: seconds, or 30m, 2h, 1h30m')
    .requiredOption('--justification <text>', 'why (recorded, shown to approvers)')
    .option('--ticket <ref>', 'change or incident ticket')
    .action(
      async (
        identity: string,
        o: {
          action: string[];
          entity: string;
          service: string;
          jurisdiction: string;
          duration: string;
          justification: string;
          ticket?: string;
        },
        cmd: Command,
      ) => {
        const { client, json } = clientOf(cmd);
        if (!o.action.length) throw new CliError('give at least one --action', 2);
        const duration = parseDuration(o.duration);
        const { body } = await client.call('POST', '/v1/access-requests', {
          body: {
            identity,
            actions: o.action,
            scope: { entity: o.entity, service: o.service, jurisdiction: o.jurisdiction },
            duration_seconds: duration,
            justification: o.justification,
            ...(o.ticket ? { ticket: o.ticket } : {}),
          },
        });
        if (json) return print(JSON.stringify(body, null, 2));
        print(
          `access request ${body.id} for ${identity} is ${body.status}` +
            `${body.approval && body.status === 'pending' ? `: ${waitsFor(body.approval)}` : ''}`,
        );
      },
    );

  access
    .command('list')
    .description('access requests, newest first')
    .option('--identity <id>', 'only for this identity')
    .addOption(new Option('--status <status>', 'only with this status').choices(ACCESS_STATUSES))
    .option('--limit <n>', 'at most this many (1 to 500)', '50')
    .action(async (o: { identity?: string; status?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const limit = limitOf(o.limit);
      const body = {
        items: await client.listCapped('/v1/access-requests', { identity: o.identity, status: o.status }, limit, 500),
      };
      if (json) return print(JSON.stringify(body.items, null, 2));
      if (!body.items.length) return print('no access requests match');
      print(
        table(
          body.items.map((r) => ({
            ...r,
            scope: scopeText(r.scope),
            duration: span(r.duration_seconds),
            votes: r.approval ? `${approvalsGiven(r.approval)}/${r.approval.required}` : '',
          })),
          ['id', 'identity', 'actions', 'scope', 'duration', 'status', 'votes', 'expires_at', 'requester'],
        ),
      );
    });

  access
    .command('show <id>')
    .description('one access request')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/access-requests/{id}', { path: { id } });
      print(json ? JSON.stringify(body, null, 2) : describeAccess(body));
    });

  access
    .command('revoke <id>')
    .description('end an active grant now, or withdraw a pending request')
    .requiredOption('--reason <text>', 'why (recorded)')
    .action(async (id: string, o: { reason: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/access-requests/{id}/revoke', { path: { id }, body: { reason: o.reason } });
      print(json ? JSON.stringify(body, null, 2) : `access request ${body.id} for ${body.identity} is ${body.status}`);
    });

  access
    .command('grants <identity>')
    .description('what an identity holds beyond its entitlement right now')
    .action(async (identity: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/identities/{id}/grants', { path: { id: identity } });
      if (json) return print(JSON.stringify(body.items, null, 2));
      if (!body.items.length) return print(`${identity} holds nothing beyond its entitlement`);
      print(
        table(
          body.items.map((g) => ({
            ...g,
            actions: g.actions ?? '(its own)',
            scope: g.scope ?? '(its own)',
            expires_at: new Date(g.expires_at).toISOString(),
          })),
          ['id', 'kind', 'actions', 'scope', 'control', 'obligations', 'expires_at'],
        ),
      );
    });
}

function registerExceptions(program: Command, clientOf: ClientOf, print: Print): void {
  const exceptions = program.command('exceptions').description('the register of documented policy exceptions');

  exceptions
    .command('add <identity>')
    .description('register a documented policy exception (an approval request)')
    .addOption(new Option('--control <control>', 'the control waived').choices(EXCEPTION_CONTROLS).makeOptionMandatory())
    .requiredOption('--action <action>', 'an action it covers (repeat, or comma-separate, for more)', collect)
    .requiredOption('--entity <id>', 'the legal entity')
    .requiredOption('--service <service>', 'the MiCA service')
    .requiredOption('--jurisdiction <cc>', 'the member state')
    .requiredOption('--justification <text>', 'why the control cannot be met')
    .requiredOption('--expires <date>', 'when it ends: ISO 8601 date or date-time with a zone (at most a year away)')
    .option('--monitor', 'compensating control: every decision under it is recorded and carries a monitor obligation')
    .option('--manual-approval', 'compensating control: every decision under it carries a manual_approval obligation')
    .option('--note <text>', 'further compensating controls, in words')
    .option('--ticket <ref>', 'change or risk ticket')
    .action(
      async (
        identity: string,
        o: {
          control: string;
          action: string[];
          entity: string;
          service: string;
          jurisdiction: string;
          justification: string;
          expires: string;
          monitor?: boolean;
          manualApproval?: boolean;
          note?: string;
          ticket?: string;
        },
        cmd: Command,
      ) => {
        const { client, json } = clientOf(cmd);
        if (!o.action.length) throw new CliError('give at least one --action', 2);
        const expires = timestampOf(o.expires, '--expires');
        const { body } = await client.call('POST', '/v1/exceptions', {
          body: {
            identity,
            control: o.control,
            actions: o.action,
            scope: { entity: o.entity, service: o.service, jurisdiction: o.jurisdiction },
            justification: o.justification,
            compensating_controls: {
              extra_monitoring: Boolean(o.monitor),
              manual_approval_per_action: Boolean(o.manualApproval),
              ...(o.note ? { note: o.note } : {}),
            },
            expires_at: expires,
            ...(o.ticket ? { ticket: o.ticket } : {}),
          },
        });
        if (json) return print(JSON.stringify(body, null, 2));
        const approval =
          body.status === 'pending' ? (await client.call('GET', '/v1/approvals/{id}', { path: { id: body.approval_id } })).body : undefined;
        print(`exception ${body.id} for ${identity} is ${body.status}${approval ? `: ${waitsFor(approval)}` : ''}`);
      },
    );

  exceptions
    .command('list')
    .description('the exceptions register, newest first')
    .addOption(new Option('--status <status>', 'only with this status').choices(EXCEPTION_STATUSES))
    .option('--identity <id>', 'only for this identity')
    .option('--limit <n>', 'at most this many (1 to 500)', '50')
    .action(async (o: { status?: string; identity?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const limit = limitOf(o.limit);
      const body = {
        items: await client.listCapped('/v1/exceptions', { status: o.status, identity: o.identity }, limit, 500),
      };
      if (json) return print(JSON.stringify(body.items, null, 2));
      print(
        body.items.length
          ? table(
              body.items.map((e) => ({ ...e, scope: scopeText(e.scope) })),
              ['id', 'identity', 'control', 'actions', 'scope', 'status', 'expires_at'],
            )
          : 'no exceptions match',
      );
    });

  exceptions
    .command('show <id>')
    .description('one exception')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/exceptions/{id}', { path: { id } });
      print(json ? JSON.stringify(body, null, 2) : describeException(body));
    });

  exceptions
    .command('close <id>')
    .description('close an exception (ends it if it still applies; withdraws it if pending)')
    .requiredOption('--notes <text>', 'what was done about the deviation')
    .action(async (id: string, o: { notes: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/exceptions/{id}/close', { path: { id }, body: { notes: o.notes } });
      print(json ? JSON.stringify(body, null, 2) : `exception ${body.id} for ${body.identity} is ${body.status}`);
    });
}

function registerBreakGlass(program: Command, clientOf: ClientOf, print: Print): void {
  const bg = program
    .command('break-glass')
    .description('break-glass identities: sealed until unsealed by approval or on the emergency path');

  bg.command('unseal <identity>')
    .description('ask to unseal a break-glass identity; --emergency: now, without approval (notifies; opens a mandatory review)')
    .requiredOption('--reason <text>', 'why (recorded, shown to approvers and reviewers)')
    .option('--duration <span>', 'the window: seconds, or 30m, 2h (default 1h; at most 1h on the emergency path)')
    .option('--emergency', 'unseal now on your own authority')
    .option('--ticket <ref>', 'incident ticket')
    .action(async (identity: string, o: { reason: string; duration?: string; emergency?: boolean; ticket?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const duration = o.duration === undefined ? undefined : parseDuration(o.duration);
      const { body } = await client.call('POST', '/v1/break-glass/{id}/unseal', {
        path: { id: identity },
        body: {
          reason: o.reason,
          ...(duration !== undefined ? { duration_seconds: duration } : {}),
          ...(o.emergency ? { emergency: true } : {}),
          ...(o.ticket ? { ticket: o.ticket } : {}),
        },
      });
      if (json) return print(JSON.stringify(body, null, 2));
      if (body.status === 'active') {
        return print(
          `break-glass identity ${identity} is unsealed until ${body.ends_at} ` +
            `(activation ${body.id}${body.emergency ? ', emergency path' : ''})\n  the post-incident review is open: someone else ` +
            `closes it with mandate break-glass review ${body.id} --notes …`,
        );
      }
      const approval =
        body.status === 'pending' && body.approval_id
          ? (await client.call('GET', '/v1/approvals/{id}', { path: { id: body.approval_id } })).body
          : undefined;
      print(`break-glass activation ${body.id} of ${identity} is ${body.status}${approval ? `: ${waitsFor(approval)}` : ''}`);
    });

  bg.command('list')
    .description('break-glass activations, newest first')
    .option('--identity <id>', 'only of this identity')
    .addOption(new Option('--review <state>', 'only with the post-incident review in this state').choices(REVIEW_STATUSES))
    .option('--limit <n>', 'at most this many (1 to 500)', '50')
    .action(async (o: { identity?: string; review?: string; limit: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const limit = limitOf(o.limit);
      const body = {
        items: await client.listCapped('/v1/break-glass/activations', { identity: o.identity, review: o.review }, limit, 500),
      };
      if (json) return print(JSON.stringify(body.items, null, 2));
      print(
        body.items.length
          ? table(
              body.items.map((a) => ({ ...a, emergency: a.emergency ? 'yes' : 'no', review: a.review.status })),
              ['id', 'identity', 'status', 'emergency', 'starts_at', 'ends_at', 'review', 'requester'],
            )
          : 'no break-glass activations match',
      );
    });

  bg.command('show <id>')
    .description('one activation')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/break-glass/activations/{id}', { path: { id } });
      print(json ? JSON.stringify(body, null, 2) : describeActivation(body));
    });

  bg.command('seal <id>')
    .description('seal again before the window ends (or withdraw a pending request)')
    .requiredOption('--reason <text>', 'why (recorded)')
    .action(async (id: string, o: { reason: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/break-glass/activations/{id}/seal', { path: { id }, body: { reason: o.reason } });
      print(
        json
          ? JSON.stringify(body, null, 2)
          : `break-glass activation ${body.id} of ${body.identity} is ${body.status}; review ${body.review.status}`,
      );
    });

  bg.command('review <id>')
    .description('close the post-incident review (an approver, compliance officer or admin other than who unsealed)')
    .requiredOption('--notes <text>', 'what the review found')
    .action(async (id: string, o: { notes: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/break-glass/activations/{id}/review', { path: { id }, body: { notes: o.notes } });
      print(
        json
          ? JSON.stringify(body, null, 2)
          : `post-incident review of ${body.id} (${body.identity}) is ${body.review.status}, by ${body.review.by}`,
      );
    });
}
