// The demo firm: a two-entity crypto group (a German GmbH and an Irish Ltd) with its licence book,
// staff, vendors, a product line under the Cyber Resilience Act (products.ts) and some 300
// non-human identities. Used by `mandate serve --demo`, the README
// examples and demo/mandate-demo.yaml (written by `npm run demo:manifest`).
//
// Deterministic: the same call always returns the same manifest. "Today" is DEMO_TODAY
// (2026-11-22); randomness comes from a fixed seed, never from Math.random or the clock.
//
// Layout: firm-data.ts holds the fixed tables (entities, licences, people, vendors);
// products.ts the products and the identities that build, sign, publish and manage them;
// identities.ts and identities-ops.ts describe the systems per business function (naming.ts
// has their shared revocation paths and names); factory.ts holds the PRNG and fills in owners,
// credentials and usage.
import type { Manifest } from '../core/manifest.js';
import type { Authorisation } from '../core/model.js';
import type { MemberState, MicaService } from '../core/vocabulary.js';
import { IdentityFactory, Licences, Rng } from './factory.js';
import { BOTH_ENTITIES, CUSTOM_ACTIONS, ENTITIES, LICENCE_EXCEPTIONS, LICENCES, PEOPLE, VENDORS } from './firm-data.js';
import { addDemoIdentities } from './identities.js';
import { addProductIdentities, PRODUCTS } from './products.js';
import { addShowcaseIdentities } from './showcase.js';

export { DEMO_TODAY, ENTITY_DE, ENTITY_IE } from './firm-data.js';

/** Change the seed and every generated date, owner and credential type changes with it. */
const SEED = 0x4d414e44; // "MAND"

/** Readable authorisation ids: `auth-de-custody-fr` is the German entity's custody passport for France. */
export function authorisationId(entity: string, service: MicaService, jurisdiction: MemberState): string {
  return `auth-${entity.replace(/^ent-/, '')}-${service.replace(/_/g, '-')}-${jurisdiction.toLowerCase()}`;
}

/** One authorisation record per (entity, service, member state) in the licence book. */
function buildAuthorisations(): Authorisation[] {
  const out: Authorisation[] = [];
  for (const entity of BOTH_ENTITIES) {
    const { home, passports } = LICENCES[entity];
    const grants = [{ grant: home, basis: 'home' as const }, ...passports.map((grant) => ({ grant, basis: 'passport' as const }))];
    for (const { grant, basis } of grants) {
      for (const service of grant.services) {
        const id = authorisationId(entity, service, grant.jurisdiction);
        out.push({
          id,
          entity,
          service,
          jurisdiction: grant.jurisdiction,
          status: 'authorised',
          basis,
          reference: grant.reference,
          ...(grant.effective_from ? { effective_from: grant.effective_from } : {}),
          ...LICENCE_EXCEPTIONS[id],
        });
      }
    }
  }
  // A typo in the exceptions table would silently leave a licence authorised: refuse instead.
  for (const id of Object.keys(LICENCE_EXCEPTIONS))
    if (!out.some((a) => a.id === id)) throw new Error(`licence exception for unknown authorisation ${id}`);
  return out;
}

export function demoManifest(): Manifest {
  const authorisations = buildAuthorisations();
  const licences = new Licences(authorisations);
  const factory = new IdentityFactory(new Rng(SEED), licences, PRODUCTS);
  addDemoIdentities(factory, licences);
  addShowcaseIdentities(factory);
  // Last, so the seed's draws for every identity above stay what they were before products existed.
  addProductIdentities(factory);
  return {
    version: 1,
    actions: CUSTOM_ACTIONS.map((a) => ({ ...a })),
    entities: ENTITIES.map((e) => ({ ...e })),
    // The team is the demo's own bookkeeping (it picks owners); a Person record has no such field.
    people: PEOPLE.map(({ id, name, status }) => ({ id, name, status })),
    vendors: VENDORS.map((v) => ({ ...v })),
    authorisations,
    // Products come after the entities that make them, and before the identities that act for them.
    products: PRODUCTS.map((p) => structuredClone(p)),
    identities: factory.identities(),
  };
}
