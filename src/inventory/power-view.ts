// Reads what explaining an identity's power needs (the identity, the authorisations, the lifecycle
// rules in force, the vocabulary, its active grants and its stored power) in one transaction, so
// the view is of one moment, and hands them to the pure explainPower (src/core/power-view.ts).
import { authorityLookup } from '../core/cascade.js';
import { MandateError } from '../core/errors.js';
import { explainPower, type PowerView } from '../core/power-view.js';
import { ActionVocabulary } from '../core/vocabulary.js';
import { activeGrants } from '../state/grants.js';
import { currentRules } from '../state/lifecycle-rules.js';
import { currentProductRules } from '../state/product-rules.js';
import { productAuthorities } from '../state/products.js';
import { getAllRecords, getCustomActions, getRecord } from '../state/records.js';
import { priorPower } from '../state/transitions.js';
import type { Database } from '../store/db.js';

export async function identityPower(db: Database, clock: () => Date, id: string): Promise<PowerView> {
  return db.transaction(async (tx) => {
    // One after the other: a transaction is one connection, which takes one query at a time.
    const stored = await getRecord(tx, 'identity', id);
    if (!stored) throw new MandateError('NOT_FOUND', `no identity with id ${id}`);
    const authorisations = await getAllRecords(tx, 'authorisation');
    const rules = await currentRules(tx);
    const { products, exploited } = await productAuthorities(tx);
    const productRules = await currentProductRules(tx);
    const custom = await getCustomActions(tx);
    const grants = await activeGrants(tx, clock().toISOString(), id);
    const recorded = (await priorPower(tx, [id])).get(id);
    return explainPower({
      identity: stored.record,
      lookup: authorityLookup(authorisations.values(), new Map(), products.values(), exploited),
      rules: rules.rules,
      productRules: productRules.rules,
      productRulesVersion: productRules.version,
      rulesVersion: rules.version,
      vocabulary: new ActionVocabulary(custom),
      grants,
      recorded,
    });
  });
}
