// Domain rules over records: the checks a schema cannot express (references, consistency,
// what makes an identity governable). Pure: the caller passes in everything the rules look at.
import type { Issue } from './errors.js';
import { isValidLei } from './lei.js';
import {
  channelsOf,
  isProductScope,
  type Authorisation,
  type Identity,
  type IdentityInput,
  type LegalEntity,
  type Person,
  type Product,
  type Vendor,
} from './model.js';
import { parseTimestamp } from './time.js';
import { type ActionVocabulary, defaultActionsFor, type IdentityStatus, PRODUCT_ONLY_ACTIONS } from './vocabulary.js';

/** What the rules can see besides the record itself: the records it may refer to. */
export interface World {
  entities: ReadonlyMap<string, LegalEntity>;
  people: ReadonlyMap<string, Person>;
  vendors: ReadonlyMap<string, Vendor>;
  /** Products (CRA) identities' product scopes may name; absent: none are known. */
  products?: ReadonlyMap<string, Product>;
  vocabulary: ActionVocabulary;
}

/** The default actions of an identity's function; product actions only for an identity with a product scope. */
function defaultsFor(input: IdentityInput, vocabulary: ActionVocabulary): string[] {
  const all = defaultActionsFor(input.function, input.capability, vocabulary);
  return input.scopes.some(isProductScope) ? all : all.filter((a) => !PRODUCT_ONLY_ACTIONS.has(a));
}

/** Fills in an identity's documented defaults, so every stored identity is explicit. */
export function normaliseIdentity(input: IdentityInput, vocabulary: ActionVocabulary): Identity {
  return {
    ...input,
    actions: input.actions ?? defaultsFor(input, vocabulary),
    status: input.status ?? 'active',
    break_glass: input.break_glass ?? false,
    labels: input.labels ?? {},
  };
}

function checkTime(issues: Issue[], field: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = parseTimestamp(value);
  if (!Number.isFinite(t)) issues.push({ field, reason: `not a real date or time: ${value}` });
  return Number.isFinite(t) ? t : undefined;
}

export function checkEntity(e: LegalEntity): Issue[] {
  return isValidLei(e.lei) ? [] : [{ field: '/lei', reason: 'LEI check digits do not match (ISO 17442)' }];
}

export function checkAuthorisation(a: Authorisation, world: World): Issue[] {
  const issues: Issue[] = [];
  const entity = world.entities.get(a.entity);
  if (!entity) issues.push({ field: '/entity', reason: `no legal entity with id ${a.entity}` });
  else if (entity.home === undefined) {
    // The entity itself failed validation; its own errors say why.
  } else if (a.basis === 'home' && a.jurisdiction !== entity.home)
    issues.push({ field: '/basis', reason: `home authorisation must be in the entity's home member state ${entity.home}` });
  else if (a.basis === 'passport' && a.jurisdiction === entity.home)
    issues.push({ field: '/basis', reason: `a passport is for a host member state, not the home state ${entity.home}` });
  checkTime(issues, '/effective_from', a.effective_from);
  checkTime(issues, '/deadline', a.deadline);
  return issues;
}

/** A product's own consistency (CRA): its manufacturer, its dates, its conformity assessment. */
export function checkProduct(p: Product, world: World): Issue[] {
  const issues: Issue[] = [];
  if (!world.entities.has(p.manufacturer)) issues.push({ field: '/manufacturer', reason: `no legal entity with id ${p.manufacturer}` });
  const placed = checkTime(issues, '/placed_on_market', p.placed_on_market);
  const supportEnd = checkTime(issues, '/support_period_end', p.support_period_end);
  if (placed !== undefined && supportEnd !== undefined && supportEnd < placed)
    issues.push({
      field: '/support_period_end',
      reason: 'the support period cannot end before the product is placed on the market (Art. 13(8))',
    });
  const procedure = p.conformity_assessment?.procedure;
  // Art. 32(3)-(4): important class II and critical products are not assessed by internal control alone.
  if (procedure === 'internal_control' && (p.category === 'important_class_ii' || p.category === 'critical'))
    issues.push({
      field: '/conformity_assessment/procedure',
      reason: `a ${p.category} product needs a notified body or a European certification, not internal control (Art. 32)`,
    });
  if (procedure && procedure !== 'internal_control' && procedure !== 'european_certification' && !p.conformity_assessment?.notified_body)
    issues.push({
      field: '/conformity_assessment/notified_body',
      reason: `procedure ${procedure} names the notified body that carried it out`,
    });
  return issues;
}

export function checkIdentity(i: Identity, world: World): Issue[] {
  const issues: Issue[] = [];
  if (i.status === 'active') {
    if (!i.owner) issues.push({ field: '/owner', reason: 'an active identity must have an accountable owner' });
    if (!i.purpose) issues.push({ field: '/purpose', reason: 'an active identity must have a purpose' });
    if (i.scopes.length === 0) issues.push({ field: '/scopes', reason: 'an active identity must act for at least one scope' });
    if (!i.revocation) issues.push({ field: '/revocation', reason: 'an active identity must have a revocation path' });
  }
  if (i.owner && !world.people.has(i.owner)) issues.push({ field: '/owner', reason: `no person with id ${i.owner}` });
  if (i.vendor && !world.vendors.has(i.vendor)) issues.push({ field: '/vendor', reason: `no vendor with id ${i.vendor}` });

  const seenScopes = new Set<string>();
  i.scopes.forEach((s, n) => {
    if (isProductScope(s)) {
      const product = world.products?.get(s.product);
      if (!product) issues.push({ field: `/scopes/${n}/product`, reason: `no product with id ${s.product}` });
      else if (s.channel !== undefined && !channelsOf(product).includes(s.channel))
        issues.push({ field: `/scopes/${n}/channel`, reason: `product ${s.product} has no release channel ${s.channel}` });
      const key = `product|${s.product}|${s.channel ?? ''}`;
      if (seenScopes.has(key)) issues.push({ field: `/scopes/${n}`, reason: 'duplicate scope' });
      seenScopes.add(key);
      return;
    }
    if (!world.entities.has(s.entity)) issues.push({ field: `/scopes/${n}/entity`, reason: `no legal entity with id ${s.entity}` });
    const key = `${s.entity}|${s.service}|${s.jurisdiction}`;
    if (seenScopes.has(key)) issues.push({ field: `/scopes/${n}`, reason: 'duplicate scope' });
    seenScopes.add(key);
  });

  const seenActions = new Set<string>();
  i.actions.forEach((a, n) => {
    const cls = world.vocabulary.classOf(a);
    if (!cls) issues.push({ field: `/actions/${n}`, reason: `unknown action ${a}` });
    else if (i.capability === 'observe' && cls !== 'observe')
      issues.push({ field: `/actions/${n}`, reason: `an observe identity may hold only observe actions, not ${a} (${cls})` });
    if (seenActions.has(a)) issues.push({ field: `/actions/${n}`, reason: `duplicate action ${a}` });
    if (PRODUCT_ONLY_ACTIONS.has(a) && !i.scopes.some(isProductScope))
      issues.push({ field: `/actions/${n}`, reason: `${a} is a product action: the identity needs a product scope to hold it` });
    seenActions.add(a);
  });

  const created = checkTime(issues, '/credential/created', i.credential.created);
  const rotated = checkTime(issues, '/credential/last_rotated', i.credential.last_rotated);
  const expires = checkTime(issues, '/credential/expires', i.credential.expires);
  checkTime(issues, '/last_used', i.last_used);
  if (created !== undefined && rotated !== undefined && rotated < created)
    issues.push({ field: '/credential/last_rotated', reason: 'rotated before it was created' });
  if (created !== undefined && expires !== undefined && expires <= created)
    issues.push({ field: '/credential/expires', reason: 'expires before it was created' });
  return issues;
}

/**
 * Identity status lifecycle. Decommissioned is final (records are kept as evidence, DORA RTS
 * Art. 20); a revoked identity can only be decommissioned, because its credentials are gone.
 */
const IDENTITY_TRANSITIONS: Readonly<Record<IdentityStatus, readonly IdentityStatus[]>> = {
  active: ['suspended', 'revoked', 'decommissioned'],
  suspended: ['active', 'revoked', 'decommissioned'],
  revoked: ['decommissioned'],
  decommissioned: [],
};

export function identityTransitionAllowed(from: IdentityStatus, to: IdentityStatus): boolean {
  return IDENTITY_TRANSITIONS[from].includes(to);
}
