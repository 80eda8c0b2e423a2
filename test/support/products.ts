// Products (CRA) and product identities to build tests from: a critical hardware wallet's firmware
// with three release channels, a default-category wallet app, and identities acting for them,
// one compliant and the others each breaking one CRA identity control (src/core/product-checks.ts).
import type { IdentityInput, Product } from '../../src/core/model.js';
import { appendEvents } from '../../src/ledger/log.js';
import { upsertRecords } from '../../src/state/records.js';
import type { Database } from '../../src/store/db.js';
import { identity } from './fixtures.js';

export const CREATED = '2026-06-01T00:00:00Z';
export const PRODUCTS: Product[] = [
  {
    id: 'hw-wallet',
    name: 'Hardware wallet firmware',
    manufacturer: 'ent-de',
    versions: ['2.3.0'],
    channels: ['stable', 'beta', 'nightly'],
    category: 'critical',
    status: 'on_market',
    placed_on_market: '2026-03-01T00:00:00Z',
    support_period_end: '2031-03-01T00:00:00Z',
    member_states: ['DE', 'FR'],
  },
  {
    id: 'wallet-app',
    name: 'Mobile wallet app',
    manufacturer: 'ent-de',
    versions: ['5.1.0'],
    category: 'default',
    status: 'on_market',
    member_states: ['DE'],
  },
];

/** A product identity: release engineering in production, short-lived, owned and revocable unless told otherwise. */
export const productIdentity = (id: string, over: Partial<IdentityInput>): IdentityInput =>
  identity(id, {
    kind: 'workload',
    function: 'release_engineering',
    purpose: 'Acts for a product',
    scopes: [{ product: 'wallet-app' }],
    actions: ['read', 'sign_release'],
    credential: { type: 'short_lived', created: CREATED },
    ...over,
  });

export const PRODUCT_IDENTITIES: IdentityInput[] = [
  // Compliant in every respect: an HSM-held signing key that expires, for a default-category product.
  productIdentity('sig-hsm', {
    kind: 'signing_key',
    credential: { type: 'key_pair', created: CREATED, expires: '2027-06-01T00:00:00Z' },
    labels: { key_storage: 'HSM' },
  }),
  productIdentity('sig-plain', {
    kind: 'signing_key',
    credential: { type: 'key_pair', created: CREATED, expires: '2027-06-01T00:00:00Z' },
  }),
  productIdentity('sig-critical', { scopes: [{ product: 'hw-wallet' }] }),
  productIdentity('pipe-static', {
    kind: 'pipeline',
    actions: ['read', 'build'],
    credential: { type: 'static_secret', created: CREATED },
  }),
  productIdentity('vendor-kms', { vendor: 'vendor-kyc', actions: ['read', 'build'] }),
  // Publishes to a channel the product later retires (see before()).
  productIdentity('pub-bad-channel', {
    function: 'update_distribution',
    actions: ['read', 'publish_release'],
    scopes: [{ product: 'hw-wallet', channel: 'nightly' }],
  }),
  // Publishes security updates on a shared static secret.
  productIdentity('pub-static', {
    function: 'update_distribution',
    actions: ['read', 'publish_security_update'],
    scopes: [{ product: 'hw-wallet', channel: 'stable' }],
    credential: { type: 'static_secret', created: CREATED },
  }),
  productIdentity('pub-good', {
    function: 'update_distribution',
    actions: ['read', 'publish_release', 'publish_security_update'],
    scopes: [{ product: 'hw-wallet', channel: 'beta' }],
  }),
  // Owned by someone who left, on a certificate that never expires.
  productIdentity('dev-unbounded', {
    function: 'device_management',
    actions: ['read', 'remote_manage'],
    owner: 'bob@firm.example',
    credential: { type: 'certificate', created: CREATED },
  }),
];

/** Records products as the inventory does: the record and its `product.created` event, in one transaction. */
export async function seedProducts(db: Database, at: string, products: readonly Product[] = PRODUCTS, action = 'created'): Promise<void> {
  await db.transaction(async (tx) => {
    await upsertRecords(tx, 'product', products, at);
    await appendEvents(
      tx,
      at,
      products.map((p) => ({ actor: 'user:test', action: `product.${action}`, subject: { type: 'product', id: p.id }, after: p })),
    );
  });
}
