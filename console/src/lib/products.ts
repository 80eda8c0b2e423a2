// Products under the Cyber Resilience Act as the console reads them: the API's shapes (from the
// OpenAPI document, like lib/types.ts), the server's product vocabulary (from its pure core), and
// the labels the pages print beside them (the articles and annexes each value comes from).
import type { AnswerOf, OperationOf } from '../../../openapi/client.js';

export { PRODUCT_STATUSES } from '../../../src/core/vocabulary.js';

export type ProductRecord = AnswerOf<OperationOf<'/v1/products/{id}', 'get'>>;
export type ProductStatus = ProductRecord['status'];
export type ProductImpact = AnswerOf<OperationOf<'/v1/products/{id}/impact', 'get'>>;

/** A category as a person reads it, with the annex of Regulation (EU) 2024/2847 that defines it. */
export const CATEGORY_LABEL: Record<ProductRecord['category'], string> = {
  default: 'default',
  important_class_i: 'important, class I (Annex III)',
  important_class_ii: 'important, class II (Annex III)',
  critical: 'critical (Annex IV)',
};

/** A conformity assessment procedure (CRA Art. 32) as a person reads it, with its module. */
export const PROCEDURE_LABEL: Record<string, string> = {
  internal_control: 'internal control (module A)',
  eu_type_examination: 'EU-type examination (modules B and C)',
  full_quality_assurance: 'full quality assurance (module H)',
  european_certification: 'European cybersecurity certification',
};

export const categoryLabel = (c: string): string => CATEGORY_LABEL[c as ProductRecord['category']] ?? c.replace(/_/g, ' ');
export const procedureLabel = (p: string): string => PROCEDURE_LABEL[p] ?? p.replace(/_/g, ' ');

/** A product's release channels (the server's default is one, stable). */
export const channelsOf = (p: { channels?: string[] }): string[] => p.channels ?? ['stable'];

/** The scope keys of a product as the impact names them: the product as a whole and each channel. */
export const productScopeKeys = (p: { id: string; channels?: string[] }): string[] => [
  `product:${p.id}`,
  ...channelsOf(p).map((c) => `product:${p.id}/${c}`),
];

/** A date-time as a day (support periods and market dates are days in practice). */
export const day = (at: string | undefined | null): string | undefined => (at ? at.slice(0, 10) : undefined);

/** Whether a product's support period has ended by now (Art. 13(8)): shown beside the date. */
export const supportEnded = (p: { support_period_end?: string }, now = Date.now()): boolean =>
  Boolean(p.support_period_end && Date.parse(p.support_period_end) <= now);

/** The products a transition moves (none for an authorisation's). */
export const productsOf = (t: object): string[] => (t as { products?: string[] }).products ?? [];

/** A scope as the server keys it: `entity/service/jurisdiction` (MiCA), or `product:<id>[/<channel>]` (CRA). */
export const scopeLabel = (s: { entity: string; service: string; jurisdiction: string } | { product: string; channel?: string }): string =>
  'product' in s ? `product:${s.product}${s.channel ? `/${s.channel}` : ''}` : `${s.entity}/${s.service}/${s.jurisdiction}`;
