// Product lifecycle rule versions (CRA): the shipped default (policies/lifecycle/cra-default.yaml)
// and each version a firm uploads, recorded as an event with the whole document, as the MiCA
// rules are (state/lifecycle-rules.ts).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MandateError } from '../core/errors.js';
import { checkProductRules, type ProductLifecycleRules } from '../core/lifecycle.js';
import { appendEvents } from '../ledger/log.js';
import type { Sql } from '../store/db.js';

const DEFAULT_FILE = new URL('../../policies/lifecycle/cra-default.yaml', import.meta.url);

let shipped: ProductLifecycleRules | undefined;

/** The product lifecycle rules Mandate ships, read once. */
export function defaultProductRules(): ProductLifecycleRules {
  if (shipped) return shipped;
  const { rules, issues } = checkProductRules(parse(readFileSync(DEFAULT_FILE, 'utf8')));
  if (!rules) throw new Error(`the shipped product lifecycle rules are invalid: ${JSON.stringify(issues)}`);
  return (shipped = rules);
}

export interface ProductRulesVersion {
  version: number;
  rules: ProductLifecycleRules;
  actor: string;
  created_at: string;
}

/** The product lifecycle rules in force, read in the caller's transaction (the shipped default while none was published). */
export async function currentProductRules(sql: Sql): Promise<ProductRulesVersion> {
  const [row] = await sql.all<{ version: number; doc: string; actor: string; created_at: string }>(
    'SELECT version, doc, actor, created_at FROM product_lifecycle_rules ORDER BY version DESC LIMIT 1',
  );
  if (!row) return { version: 0, rules: defaultProductRules(), actor: 'mandate', created_at: '1970-01-01T00:00:00.000Z' };
  return {
    version: Number(row.version),
    rules: JSON.parse(row.doc) as ProductLifecycleRules,
    actor: row.actor,
    created_at: row.created_at,
  };
}

/** Checks a product rules document; answers the rules or throws with every issue. */
export function checkProductRulesDoc(doc: unknown): ProductLifecycleRules {
  const { rules, issues } = checkProductRules(doc);
  if (!rules)
    throw new MandateError(
      'VALIDATION_FAILED',
      `product lifecycle rules are not valid: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`,
      { issues: issues.map((i) => ({ ...i, field: `/rules${i.field}` })) },
    );
  return rules;
}

/** Writes a new version of the product rules in the caller's transaction, with its event. */
export async function pushProductRules(
  tx: Sql,
  actor: string,
  rules: ProductLifecycleRules,
  at: string,
  reason?: string,
): Promise<ProductRulesVersion> {
  const before = await currentProductRules(tx);
  const version = before.version + 1;
  await tx.run('INSERT INTO product_lifecycle_rules (version, rules_id, doc, actor, created_at) VALUES (?, ?, ?, ?, ?)', [
    version,
    rules.id,
    JSON.stringify(rules),
    actor,
    at,
  ]);
  await appendEvents(tx, at, [
    {
      actor,
      action: 'product_lifecycle_rules.published',
      subject: { type: 'product_lifecycle_rules', id: String(version) },
      before: { version: before.version, id: before.rules.id },
      after: rules,
      ...(reason ? { reason } : {}),
    },
  ]);
  return { version, rules, actor, created_at: at };
}
