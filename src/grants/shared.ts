// What just-in-time access, exceptions and break-glass share: who asks, the identity asked about,
// and the check that what is asked for may be granted at all (made when asked, and again when
// approved, since the world may have changed meanwhile).
import { MandateError } from '../core/errors.js';
import { checkGrantable } from '../core/grants.js';
import type { ProductAuthority, ScopeAuthority } from '../core/lifecycle.js';
import { isProductScope, type Identity, type Scope } from '../core/model.js';
import type { Role } from '../core/roles.js';
import { ActionVocabulary, type AuthorisationStatus } from '../core/vocabulary.js';
import type { LifecycleRulesStore } from '../state/lifecycle-rules.js';
import { currentProductRules } from '../state/product-rules.js';
import { productAuthorityOf } from '../state/products.js';
import { getCustomActions, getRecord } from '../state/records.js';
import type { Sql } from '../store/db.js';

/** Who asks: a person (by their user account) or an identity (by its Mandate token). */
export type Requester = { type: 'user'; user: string; roles: readonly Role[] } | { type: 'identity'; id: string };
export const actorOf = (r: Requester): string => (r.type === 'user' ? `user:${r.user}` : `identity:${r.id}`);

/** The lifecycle rules in force: all a grant check reads of them. */
export type GrantRules = Pick<LifecycleRulesStore, 'current'>;

export async function identityOf(sql: Sql, id: string, field = '/identity'): Promise<Identity> {
  const stored = await getRecord(sql, 'identity', id);
  if (!stored) throw new MandateError('NOT_FOUND', `no identity ${id}`, { field });
  return stored.record;
}

async function authorityOf(sql: Sql, s: Scope): Promise<ScopeAuthority | ProductAuthority | undefined> {
  if (isProductScope(s)) return productAuthorityOf(sql, s.product);
  const [row] = await sql.all<{ id: string; status: string; doc: string }>(
    'SELECT id, status, doc FROM authorisations WHERE entity = ? AND service = ? AND jurisdiction = ?',
    [s.entity, s.service, s.jurisdiction],
  );
  if (!row) return undefined;
  const doc = JSON.parse(row.doc) as { conditions?: ScopeAuthority['conditions'] };
  return { id: row.id, status: row.status as AuthorisationStatus, ...(doc.conditions ? { conditions: doc.conditions } : {}) };
}

/** Refuses what may not be granted (core/grants.ts); answers the action vocabulary it used. */
export async function checkGrant(
  sql: Sql,
  rules: GrantRules,
  identity: Identity,
  actions: readonly string[],
  scope: Scope,
  what: 'access' | 'exception',
): Promise<ActionVocabulary> {
  const vocabulary = new ActionVocabulary(await getCustomActions(sql));
  const productRules = isProductScope(scope) ? (await currentProductRules(sql)).rules : undefined;
  checkGrantable(identity, actions, scope, vocabulary, (await rules.current(sql)).rules, await authorityOf(sql, scope), what, productRules);
  return vocabulary;
}
