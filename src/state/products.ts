// Products (CRA) as the engine needs them: each product's status with whether an actively
// exploited vulnerability of it is open (cra_reports), and the identities acting for a product.
import { productAuthority } from '../core/cascade.js';
import type { ProductAuthority } from '../core/lifecycle.js';
import type { Product } from '../core/model.js';
import { placeholders, type Sql } from '../store/db.js';
import { getAllRecords, getRecord } from './records.js';

/** The products with an actively exploited vulnerability open (CRA Art. 14(1)). */
export async function exploitedProducts(sql: Sql): Promise<Set<string>> {
  const rows = await sql.all<{ product: string }>(
    "SELECT DISTINCT product FROM cra_reports WHERE kind = 'exploited_vulnerability' AND status = 'open'",
  );
  return new Set(rows.map((r) => r.product));
}

/** Every product, and the ones with an exploited vulnerability open. */
export async function productAuthorities(sql: Sql): Promise<{ products: Map<string, Product>; exploited: Set<string> }> {
  const products = await getAllRecords(sql, 'product');
  const exploited = await exploitedProducts(sql);
  return { products, exploited };
}

/** One product as the engine needs it, or undefined when there is none. */
export async function productAuthorityOf(sql: Sql, id: string): Promise<ProductAuthority | undefined> {
  const stored = await getRecord(sql, 'product', id);
  if (!stored) return undefined;
  const exploited = await exploitedProducts(sql);
  return productAuthority(stored.record, exploited.has(id));
}

/** The ids of identities with a product scope (any channel) naming one of these products. */
export async function identityIdsForProducts(sql: Sql, products: readonly string[]): Promise<string[]> {
  if (products.length === 0) return [];
  const rows = await sql.all<{ identity_id: string }>(
    `SELECT DISTINCT identity_id FROM identity_products WHERE product IN (${placeholders(products.length)})`,
    [...products],
  );
  return rows.map((r) => r.identity_id).sort();
}
