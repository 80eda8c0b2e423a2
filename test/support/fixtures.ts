// Small, valid records to build tests from. Each test changes what it is about and nothing else.
import { withLeiCheckDigits } from '../../src/core/lei.js';
import type { Manifest } from '../../src/core/manifest.js';
import type { IdentityInput } from '../../src/core/model.js';

export const LEI_DE = withLeiCheckDigits('5299001ABCDEFGH1XY');
export const LEI_IE = withLeiCheckDigits('635400QWERTYUIOP12');

export function identity(id: string, over: Partial<IdentityInput> = {}): IdentityInput {
  return {
    id,
    kind: 'service_account',
    function: 'custody',
    capability: 'execute',
    owner: 'alice@firm.example',
    purpose: 'Signs client withdrawals',
    scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }],
    environment: 'production',
    credential: { type: 'short_lived', created: '2026-01-01T00:00:00Z' },
    revocation: { connector: 'postgres', target: `role_${id.replace(/[^a-z0-9]/gi, '_')}` },
    ...over,
  };
}

export function smallManifest(
  identities: IdentityInput[] = [identity('svc-a'), identity('svc-b', { capability: 'observe', function: 'reporting' })],
): Manifest {
  return {
    version: 1,
    entities: [
      { id: 'ent-de', name: 'Example Custody GmbH', lei: LEI_DE, home: 'DE' },
      { id: 'ent-ie', name: 'Example Markets Ltd', lei: LEI_IE, home: 'IE' },
    ],
    people: [
      { id: 'alice@firm.example', name: 'Alice Example', status: 'active' },
      { id: 'bob@firm.example', name: 'Bob Example', status: 'departed' },
    ],
    vendors: [{ id: 'vendor-kyc', name: 'KYC Vendor' }],
    authorisations: [
      {
        id: 'auth-de-custody-de',
        entity: 'ent-de',
        service: 'custody',
        jurisdiction: 'DE',
        status: 'authorised',
        basis: 'home',
        reference: 'BaFin 2025/1',
      },
      {
        id: 'auth-de-custody-fr',
        entity: 'ent-de',
        service: 'custody',
        jurisdiction: 'FR',
        status: 'authorised',
        basis: 'passport',
        reference: 'BaFin 2025/1-FR',
      },
    ],
    identities,
  };
}
