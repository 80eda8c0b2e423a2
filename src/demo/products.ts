// The demo firm's product line under the Cyber Resilience Act (Regulation (EU) 2024/2847;
// docs/cra.md): the German entity makes a hardware wallet with its firmware, a mobile wallet app
// and, still in development, a desktop client. Beside them, the identities that build, sign,
// publish, update and manage those products, each acting in product scopes (a product and,
// optionally, one release channel) instead of MiCA scopes.
//
// The README's walk-through recalls the hardware wallet's firmware: its release pipelines stop
// publishing, the supplier's key-management identity is suspended, and the security-update,
// advisory and remote-management paths stay open (policies/lifecycle/cra-default.yaml).
import type { Product, ProductScope } from '../core/model.js';
import type { IdentityFactory } from './factory.js';
import { ENTITY_DE, VENDOR_SECUREFORGE } from './firm-data.js';
import { CI_HOOK, hook, IAM_HOOK, KEYS_HOOK, manual } from './naming.js';

export const PRODUCT_HW_WALLET = 'prod-hw-wallet';
export const PRODUCT_WALLET_APP = 'prod-wallet-app';
export const PRODUCT_DESK_CLIENT = 'prod-desk-client';

/** Where the German entity makes its products available: its home and passport markets, and the Irish entity's. */
const MARKETS = ['DE', 'AT', 'FR', 'NL', 'IT', 'ES', 'IE', 'BE', 'PT', 'LU', 'PL'] as const;

/**
 * The products. Categories follow Art. 7 and 8 and the technical descriptions of Commission
 * Implementing Regulation (EU) 2025/2392 (a product's core functionality decides):
 * - the hardware wallet stores the user's keys and signs transactions inside a tamper-resistant
 *   enclosure around a secure element: a "Hardware Device with Security Box" (Annex IV point 1),
 *   so critical. Until a delegated act under Art. 8(1) requires a European cybersecurity
 *   certificate, a critical product follows Art. 32(3): here EU-type examination by a notified body
 *   (module B, Annex VIII Part II) and conformity to type (module C, Part III);
 * - the mobile wallet app's core functionality (keys and transactions for the user's crypto-assets)
 *   is in neither Annex III nor Annex IV (it is not a password manager, Annex III class I point 3),
 *   so default: internal control (module A, Annex VIII Part I; Art. 32(1)(a));
 * - the desktop trading client is default too, and still in development (nothing placed on the market).
 * Everything is fictional, the notified body and its number included. The firm assesses ahead of the
 * CRA's application to products on 11 December 2027.
 */
export const PRODUCTS: readonly Product[] = [
  {
    id: PRODUCT_HW_WALLET,
    name: 'Nordhafen Vault hardware wallet (device and firmware)',
    manufacturer: ENTITY_DE,
    versions: ['2.4.0', '2.4.1', '2.5.0', '2.6.0-beta.1'],
    channels: ['stable', 'beta'],
    category: 'critical',
    status: 'on_market',
    placed_on_market: '2026-09-14',
    support_period_end: '2031-12-31',
    conformity_assessment: {
      procedure: 'eu_type_examination',
      reference: 'EU-type examination certificate HCB-CRA-2026-0117 (modules B+C)',
      notified_body: 'Hanse Cert Benannte Stelle GmbH, notified body 9901',
    },
    declaration_of_conformity: 'DoC-NDA-VAULT-2026-03',
    member_states: [...MARKETS],
  },
  {
    id: PRODUCT_WALLET_APP,
    name: 'Nordhafen Wallet mobile app (iOS, Android)',
    manufacturer: ENTITY_DE,
    versions: ['3.8.0', '3.8.2', '3.9.0', '3.10.0-beta.2'],
    channels: ['stable', 'beta'],
    category: 'default',
    status: 'on_market',
    placed_on_market: '2026-06-01',
    support_period_end: '2031-06-30',
    conformity_assessment: { procedure: 'internal_control', reference: 'Technical documentation NDA-WAPP-TD-2026-01 (module A)' },
    declaration_of_conformity: 'DoC-NDA-WAPP-2026-02',
    member_states: [...MARKETS],
  },
  {
    id: PRODUCT_DESK_CLIENT,
    name: 'Nordhafen Desk desktop trading client',
    manufacturer: ENTITY_DE,
    versions: ['0.9.0-rc.1'],
    category: 'default',
    status: 'in_development',
    member_states: [],
  },
];

const HW: ProductScope = { product: PRODUCT_HW_WALLET };
const HW_STABLE: ProductScope = { product: PRODUCT_HW_WALLET, channel: 'stable' };
const HW_BETA: ProductScope = { product: PRODUCT_HW_WALLET, channel: 'beta' };
const APP: ProductScope = { product: PRODUCT_WALLET_APP };
const DESK: ProductScope = { product: PRODUCT_DESK_CLIENT };
/** Release-signing keys generated in the firm's HSM and used there (docs/cra.md, the Annex I checks). */
const IN_HSM = { key_storage: 'hsm' };

export function addProductIdentities(f: IdentityFactory): void {
  hardwareWallet(f);
  walletApp(f);
  f.add({
    id: 'pipe-desk-build',
    kind: 'pipeline',
    fn: 'release_engineering',
    capability: 'execute',
    team: 'devices',
    system: 'desk-ci',
    purpose: 'Builds and signs internal test builds of the desktop trading client; it publishes nothing (the product is in development).',
    scopes: [DESK],
    actions: ['read', 'build', 'sign_release'],
    revocation: hook(CI_HOOK),
  });
  f.add({
    id: 'svc-psirt-advisories',
    kind: 'workload',
    fn: 'product_security',
    capability: 'execute',
    team: 'security',
    system: 'psirt',
    purpose: "Publishes the product security team's advisories (CSAF) for the hardware wallet and the wallet app.",
    scopes: [HW, APP],
    actions: ['read', 'read_telemetry', 'publish_advisory'],
    revocation: hook(IAM_HOOK),
  });
}

function hardwareWallet(f: IdentityFactory): void {
  f.add({
    id: 'pipe-fw-build-hw-wallet',
    kind: 'pipeline',
    fn: 'release_engineering',
    capability: 'execute',
    team: 'devices',
    system: 'vault-firmware-ci',
    purpose: 'Builds the Vault firmware reproducibly from signed tags, for every channel (security fixes included).',
    scopes: [HW],
    actions: ['read', 'build'],
    revocation: hook(CI_HOOK),
  });
  f.twin('pipe-fw-build-hw-wallet', 'staging');
  f.add({
    id: 'pipe-fw-release-hw-wallet-stable',
    kind: 'pipeline',
    fn: 'release_engineering',
    capability: 'execute',
    team: 'devices',
    system: 'vault-release',
    purpose: 'Publishes signed Vault firmware to the stable channel: new releases and security updates.',
    scopes: [HW_STABLE],
    actions: ['read', 'publish_release', 'publish_security_update'],
    revocation: hook(CI_HOOK),
  });
  f.add({
    id: 'pipe-fw-release-hw-wallet-beta',
    kind: 'pipeline',
    fn: 'release_engineering',
    capability: 'execute',
    team: 'devices',
    system: 'vault-release',
    purpose: 'Publishes Vault firmware betas to the beta channel (opt-in testers); security fixes go out through stable.',
    scopes: [HW_BETA],
    actions: ['read', 'publish_release'],
    revocation: hook(CI_HOOK),
  });
  f.add({
    id: 'key-fw-signing-hw-wallet',
    kind: 'signing_key',
    fn: 'release_engineering',
    capability: 'execute',
    team: 'devices',
    system: 'vault-signing',
    purpose: "The Vault firmware release-signing key: generated in the firm's HSM and used there; the bootloader verifies it.",
    scopes: [HW],
    actions: ['read', 'sign_release'],
    labels: IN_HSM,
    credential: { type: 'certificate' },
    revocation: hook(KEYS_HOOK),
  });
  f.add({
    id: 'key-fw-signing-hw-wallet-beta',
    kind: 'signing_key',
    fn: 'release_engineering',
    capability: 'execute',
    team: 'devices',
    system: 'vault-signing',
    purpose: 'Signs Vault firmware betas; a key pair on the release engineers’ build host, not yet moved into the HSM.',
    scopes: [HW_BETA],
    actions: ['read', 'sign_release'],
    credential: { type: 'key_pair' },
    revocation: hook(KEYS_HOOK),
  });
  f.add({
    id: 'svc-fw-update-hw-wallet',
    kind: 'workload',
    fn: 'update_distribution',
    capability: 'execute',
    team: 'devices',
    system: 'vault-update',
    purpose: 'The update service: offers signed firmware images and update manifests to devices and the companion app.',
    scopes: [HW],
    actions: ['read', 'read_telemetry', 'publish_release', 'publish_security_update'],
    revocation: hook(IAM_HOOK),
  });
  f.add({
    id: 'svc-device-mgmt-hw-wallet',
    kind: 'service_account',
    fn: 'device_management',
    capability: 'execute',
    team: 'devices',
    system: 'vault-device-mgmt',
    purpose: 'Remote management of devices in users’ hands: blocks a firmware version from installing and sends recall notices.',
    scopes: [HW],
    actions: ['read', 'read_telemetry', 'remote_manage'],
    credential: { type: 'certificate' },
    revocation: hook(IAM_HOOK),
  });
  f.add({
    id: 'svc-secureforge-kms-hw-wallet',
    kind: 'service_account',
    fn: 'release_engineering',
    capability: 'execute',
    team: 'security',
    system: 'secureforge-kms',
    vendor: VENDOR_SECUREFORGE,
    purpose:
      "SecureForge's key-management service co-signs stable firmware for the secure element's loader, which accepts only code " +
      'that its vendor has signed too; the key stays in the supplier’s HSM.',
    scopes: [HW_STABLE],
    actions: ['read', 'sign_release'],
    labels: IN_HSM,
    credential: { type: 'certificate' },
    revocation: manual("Suspend the firm's tenant in the SecureForge KMS console and tell SecureForge's security desk."),
  });
}

function walletApp(f: IdentityFactory): void {
  f.add({
    id: 'pipe-app-build-wallet',
    kind: 'pipeline',
    fn: 'release_engineering',
    capability: 'execute',
    team: 'devices',
    system: 'wallet-app-ci',
    purpose: 'Builds the iOS and Android wallet app from signed tags.',
    scopes: [APP],
    actions: ['read', 'build'],
    revocation: hook(CI_HOOK),
  });
  f.add({
    id: 'pipe-app-release-wallet',
    kind: 'pipeline',
    fn: 'release_engineering',
    capability: 'execute',
    team: 'devices',
    system: 'wallet-app-release',
    purpose: 'Uploads signed builds of the wallet app to the app stores: stable releases, betas and security updates.',
    scopes: [
      { product: PRODUCT_WALLET_APP, channel: 'stable' },
      { product: PRODUCT_WALLET_APP, channel: 'beta' },
    ],
    actions: ['read', 'publish_release', 'publish_security_update'],
    revocation: hook(CI_HOOK),
  });
  for (const [platform, store] of [
    ['android', 'Google Play upload key'],
    ['ios', 'Apple distribution certificate'],
  ] as const) {
    f.add({
      id: `key-app-signing-wallet-${platform}`,
      kind: 'signing_key',
      fn: 'release_engineering',
      capability: 'execute',
      team: 'devices',
      system: 'wallet-app-signing',
      purpose: `Signs the ${platform === 'ios' ? 'iOS' : 'Android'} wallet app (${store}); the private key is held in the firm's HSM.`,
      scopes: [APP],
      actions: ['read', 'sign_release'],
      labels: IN_HSM,
      credential: { type: 'certificate' },
      revocation: hook(KEYS_HOOK),
    });
  }
  f.add({
    id: 'svc-app-config-wallet',
    kind: 'workload',
    fn: 'update_distribution',
    capability: 'execute',
    team: 'devices',
    system: 'wallet-app-config',
    purpose: 'Serves the app’s remote configuration, including the minimum supported version that moves users onto a security fix.',
    scopes: [APP],
    actions: ['read', 'read_telemetry', 'publish_security_update'],
    revocation: hook(IAM_HOOK),
  });
  f.add({
    id: 'svc-crash-reports-wallet-app',
    kind: 'service_account',
    fn: 'product_security',
    capability: 'observe',
    team: 'security',
    system: 'wallet-app-crash-reports',
    purpose: 'Reads the wallet app’s crash reports and telemetry for the product security team’s triage; changes nothing.',
    scopes: [APP],
    actions: ['read', 'read_telemetry'],
    credential: { type: 'static_secret' },
    revocation: hook(IAM_HOOK),
  });
}
