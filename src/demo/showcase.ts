// Identities that make the README's walk-through show every outcome of a licence change: when the
// German entity's custody passport for France is withdrawn, these act only for new business in
// that scope, so nothing lawful remains for them and they are suspended, and switched off in
// PostgreSQL, Redis and RabbitMQ (`npm run demo:systems` creates those roles and users locally).
// One more, on MariaDB, gives that system's discovery source a declared account to match
// (src/demo/systems.ts lays out the estate discovery reads).
import type { IdentityFactory } from './factory.js';
import { VENDOR_KEYSTONE } from './firm-data.js';

const IE_CUSTODY = [{ entity: 'ent-ie', service: 'custody' as const, jurisdiction: 'IE' as const }];
const FR_CUSTODY = [{ entity: 'ent-de', service: 'custody' as const, jurisdiction: 'FR' as const }];

export const SHOWCASE_SYSTEM_USERS = [
  { identity: 'svc-custody-onboarding-de-fr', connector: 'postgres', target: 'custody_onboarding_fr' },
  { identity: 'wallet-keystone-deposits-de-fr', connector: 'redis', target: 'keystone_deposits_fr' },
  { identity: 'svc-custody-sweeper-de-fr', connector: 'rabbitmq', target: 'custody_sweeper_fr' },
] as const;

export function addShowcaseIdentities(factory: IdentityFactory): void {
  factory.add({
    id: 'svc-custody-onboarding-de-fr',
    kind: 'service_account',
    fn: 'customer_support',
    capability: 'execute',
    team: 'support',
    system: 'onboarding',
    purpose: 'Opens custody accounts for new French clients (KYC passed, terms accepted)',
    scopes: FR_CUSTODY,
    actions: ['read', 'onboard_client'],
    revocation: { connector: 'postgres', target: 'custody_onboarding_fr' },
  });
  factory.add({
    id: 'wallet-keystone-deposits-de-fr',
    kind: 'wallet_integration',
    fn: 'custody',
    capability: 'execute',
    team: 'custody',
    vendor: VENDOR_KEYSTONE,
    system: 'keystone-mpc',
    purpose: "Keystone MPC deposit wallets for French custody clients, run by the vendor on the firm's behalf",
    scopes: FR_CUSTODY,
    actions: ['read', 'initiate_transfer', 'withdraw_to_client'],
    revocation: { connector: 'redis', target: 'keystone_deposits_fr' },
  });
  factory.add({
    id: 'svc-custody-sweeper-de-fr',
    kind: 'workload',
    fn: 'custody',
    capability: 'execute',
    team: 'custody',
    system: 'cold-storage',
    purpose: 'Sweeps new French client deposits from hot wallets into cold storage',
    scopes: FR_CUSTODY,
    actions: ['read', 'initiate_transfer'],
    revocation: { connector: 'rabbitmq', target: 'custody_sweeper_fr' },
  });
  // Read-only and Irish: no licence change of the walk-throughs touches it (MariaDB has no revocation
  // connector yet, so switching it off would be a delivery nobody can make).
  factory.add({
    id: 'svc-ledger-archive-ie',
    kind: 'service_account',
    fn: 'reporting',
    capability: 'observe',
    team: 'reporting',
    credential: { type: 'static_secret' },
    system: 'ledger-archive',
    purpose: "Reads closed client ledgers from the MariaDB archive for statements and auditors' requests",
    scopes: IE_CUSTODY,
    actions: ['read'],
    revocation: { connector: 'mariadb', target: 'ledger_archive_ie' },
  });
}
