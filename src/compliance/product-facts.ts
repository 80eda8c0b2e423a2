// The facts the CRA checks read (core/product-checks.ts) beside the common ones: the products, the
// product lifecycle rules in force and the exceptions register with each exception's scope and
// compensating controls.
import type { ProductException, ProductFacts } from '../core/product-checks.js';
import type { ExceptionInput } from '../core/grants.js';
import { currentProductRules } from '../state/product-rules.js';
import { getAllRecords } from '../state/records.js';
import type { Sql } from '../store/db.js';

/** Reads the product facts (one query after the other: inside a transaction they share one connection). */
export async function gatherProductFacts(sql: Sql): Promise<ProductFacts> {
  const products = await getAllRecords(sql, 'product');
  const { rules } = await currentProductRules(sql);
  const exceptions: ProductException[] = (
    await sql.all<{ id: string; identity_id: string; doc: string; status: string; expires_at: string }>(
      'SELECT id, identity_id, doc, status, expires_at FROM policy_exceptions',
    )
  ).map((r) => {
    const d = JSON.parse(r.doc) as ExceptionInput;
    return {
      id: r.id,
      identity: r.identity_id,
      control: d.control,
      status: r.status,
      scope: d.scope,
      actions: d.actions,
      compensating_controls: d.compensating_controls,
      expires_at: r.expires_at,
    };
  });
  return { products, rules, exceptions };
}
