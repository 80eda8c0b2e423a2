// `mandate identities power ID`: an identity's lawful power now, per scope and action, with the
// rule that decided, the authorisation behind each scope and the grants lending power (the
// console's identity page shows the same view, GET /v1/identities/{id}/power).
import type { Command } from 'commander';
import type { Answer, Client } from './client.js';
import { table } from './table.js';

type ClientOf = (cmd: Command) => { client: Client; json: boolean };
type Print = (s: string) => void;
type PowerAnswer = Answer<'/v1/identities/{id}/power'>;

const OUTCOME: Record<PowerAnswer['outcome'], string> = {
  keep: 'full power: every entitled action is lawful',
  narrow: 'NARROWED',
  suspend: 'SUSPENDED by the lifecycle',
};

/** The view as text: a heading, one row per (scope, action), then the grants. */
export function formatPower(p: PowerAnswer, onlyUnlawful = false): string {
  const head = [
    `${p.identity}  ${p.status}  ${p.capability}${p.break_glass ? `  break-glass (${p.sealed ? 'sealed' : 'unsealed'})` : ''}`,
    `${p.outcome === 'keep' ? OUTCOME.keep : `${OUTCOME[p.outcome]}: ${p.why}`}`,
    `${p.summary.lawful} lawful, ${p.summary.unlawful} not lawful of ${p.summary.entitled} entitled` +
      (p.summary.lent ? ` and ${p.summary.lent} lent` : '') +
      ` (scope × action); lifecycle rules ${p.rules.id} v${p.rules.version}` +
      `${p.product_rules ? `, product rules ${p.product_rules.id} v${p.product_rules.version}` : ''}`,
  ];
  if (!p.acts)
    head.push(`it cannot act now: ${p.status !== 'active' ? `it is ${p.status}` : 'it is sealed until a break-glass activation opens'}`);
  if (!p.in_step) head.push('the stored power differs from the power computed now: a change is being applied');
  const rows = p.scopes.flatMap((s) =>
    s.actions
      .filter((a) => !onlyUnlawful || !a.lawful)
      .map((a) => ({
        scope: s.key,
        authorisation: s.authorisation ? `${s.authorisation.id} (${s.authorisation.status})` : 'none',
        action: a.action,
        class: a.class,
        lawful: a.lawful ? 'yes' : 'NO',
        via: a.entitled
          ? a.lent_by.length
            ? `own; lent by ${a.lent_by.map((g) => g.id).join(',')}`
            : 'own'
          : `lent by ${a.lent_by.map((g) => g.id).join(',')}`,
        decided_by: a.by,
      })),
  );
  const body = rows.length
    ? table(rows, ['scope', 'authorisation', 'action', 'class', 'lawful', 'via', 'decided_by'])
    : onlyUnlawful
      ? 'every action is lawful'
      : 'no scope actions';
  const grants = p.grants.length
    ? `\ngrants in force:\n${table(
        p.grants.map((g) => ({
          id: g.id,
          kind: g.kind,
          actions: g.actions ?? (g.control ? `control ${g.control}` : 'its own'),
          scope: g.scope ?? 'its own',
          ends: new Date(g.expires_at).toISOString(),
        })),
        ['id', 'kind', 'actions', 'scope', 'ends'],
      )}`
    : '';
  return `${head.join('\n')}\n\n${body}${grants}`;
}

export function registerPowerCommand(identities: Command, clientOf: ClientOf, print: Print): void {
  identities
    .command('power <id>')
    .description('what an identity may lawfully do now, per scope and action, and the rule that decided')
    .option('--unlawful', 'only the actions that are not lawful now')
    .action(async (id: string, opts: { unlawful?: boolean }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/identities/{id}/power', { path: { id } });
      print(json ? JSON.stringify(body, null, 2) : formatPower(body, Boolean(opts.unlawful)));
    });
}
