// A small firm with a product line for the CRA report tests: a hardware wallet with two release
// channels and its identities (release signing for every channel, updates on two channels, a
// telemetry reader on a legacy static secret), a second product, and a MiCA identity.
import type { Manifest } from '../../src/core/manifest.js';
import { identity, smallManifest } from '../support/fixtures.js';

export function productFirm(): Manifest {
  const m = smallManifest([
    identity('svc-custody', {}),
    identity('fw-signer', {
      kind: 'pipeline',
      function: 'release_engineering',
      actions: ['build', 'sign_release'],
      purpose: 'Builds and signs the wallet firmware',
      scopes: [{ product: 'hw-wallet' }],
    }),
    identity('fw-updates', {
      function: 'update_distribution',
      actions: ['publish_security_update'],
      purpose: 'Serves firmware updates',
      scopes: [
        { product: 'hw-wallet', channel: 'stable' },
        { product: 'hw-wallet', channel: 'beta' },
      ],
    }),
    identity('fw-telemetry', {
      function: 'product_security',
      capability: 'observe',
      actions: ['read_telemetry'],
      purpose: 'Reads device telemetry',
      credential: { type: 'static_secret', created: '2026-09-01T00:00:00Z' },
      scopes: [{ product: 'hw-wallet' }],
    }),
    identity('app-signer', {
      kind: 'pipeline',
      function: 'release_engineering',
      actions: ['build', 'sign_release'],
      purpose: 'Signs the mobile app',
      scopes: [{ product: 'mobile-app' }],
    }),
  ]);
  m.products = [
    {
      id: 'hw-wallet',
      name: 'Hardware wallet',
      manufacturer: 'ent-de',
      versions: ['1.0.0', '1.1.0'],
      channels: ['stable', 'beta'],
      category: 'important_class_ii',
      status: 'on_market',
      placed_on_market: '2026-06-01',
      member_states: ['DE', 'FR'],
    },
    {
      id: 'mobile-app',
      name: 'Mobile wallet app',
      manufacturer: 'ent-de',
      versions: ['3.2.0'],
      category: 'default',
      status: 'on_market',
      placed_on_market: '2026-05-01',
      member_states: ['DE'],
    },
  ];
  return m;
}
