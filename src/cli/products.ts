// CLI for products under the Cyber Resilience Act: list and show them, preview and propose a
// change of a product's conformity or market status (decided by four eyes like an authorisation's).
import type { Command } from 'commander';
import { PRODUCT_STATUSES } from '../core/vocabulary.js';
import { describeImpact, voteCommands, type ClientOf } from './regulatory.js';

export function registerProductCommands(products: Command, clientOf: ClientOf, print: (s: string) => void): void {
  products
    .command('impact <id>')
    .description("preview what moving a product's status would do to the identities acting for it (writes nothing)")
    .requiredOption('--to <status>', PRODUCT_STATUSES.join(', '))
    .action(async (id: string, opts: { to: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/products/{id}/impact', { path: { id }, query: { to: opts.to as 'recalled' } });
      print(json ? JSON.stringify(body, null, 2) : describeImpact(body));
    });

  products
    .command('propose <id>')
    .description("propose a change of a product's status; a different approver decides it")
    .requiredOption('--to <status>', PRODUCT_STATUSES.join(', '))
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--reference <ref>', 'the decision behind it: a corrective action, a market surveillance measure, a notice')
    .option('--effective-at <time>', 'ISO 8601; default now')
    .action(async (id: string, o: { to: string; reason: string; reference: string; effectiveAt?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const body = {
        to: o.to as 'recalled',
        reason: o.reason,
        reference: o.reference,
        ...(o.effectiveAt ? { effective_at: o.effectiveAt } : {}),
      };
      const { body: t } = await client.call('POST', '/v1/products/{id}/transitions', { path: { id }, body });
      print(
        json
          ? JSON.stringify(t, null, 2)
          : `transition ${t.id} is ${t.status}` +
              `${t.status === 'pending' ? `: an approver decides it with \`mandate products approve ${t.id}\`` : ''}`,
      );
    });

  voteCommands(products, clientOf, print);
}
