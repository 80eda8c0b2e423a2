// The demo identity catalogue, operations side: customer support, reporting, the shared
// platform, the legacy findings an inventory always turns up, and non-production twins.
import type { Revocation } from '../core/model.js';
import type { MicaService } from '../core/vocabulary.js';
import { scopeOf, type IdentityFactory, type Licences } from './factory.js';
import {
  BOTH_ENTITIES,
  email,
  ENTITY_DE,
  ENTITY_IE,
  VENDOR_CHAINLENS,
  VENDOR_DESKFLOW,
  VENDOR_NORTHCLOUD,
  VENDOR_TICKSTREAM,
  VENDOR_VERIFYONE,
} from './firm-data.js';
import {
  AGENTS_HOOK,
  CI_HOOK,
  country,
  entityName,
  hook,
  IAM_HOOK,
  low,
  manual,
  pg,
  rabbit,
  redis,
  SETTLEMENT_SERVICES,
  short,
  TRADING_SERVICES,
} from './naming.js';

export function customerSupport(f: IdentityFactory, L: Licences): void {
  const everything = L.scopes(BOTH_ENTITIES);
  f.add({
    id: 'agent-support-triage',
    kind: 'ai_agent',
    fn: 'customer_support',
    capability: 'execute',
    team: 'support',
    system: 'support-agents',
    scopes: everything,
    revocation: hook(AGENTS_HOOK),
    actions: ['read', 'handle_complaint'],
    purpose: 'AI agent that triages client tickets and complaints, answers routine ones and routes the rest.',
  });
  for (const entity of BOTH_ENTITIES) {
    const e = short(entity);
    f.add({
      id: `svc-helpdesk-${e}`,
      kind: 'service_account',
      fn: 'customer_support',
      capability: 'execute',
      team: 'support',
      system: 'helpdesk',
      scopes: L.scopes(entity),
      revocation: pg(`svc-helpdesk-${e}`),
      purpose: `Back office of the client helpdesk of ${entityName(entity)}: onboarding fixes, complaints and statements.`,
    });
    for (const j of L.jurisdictions(entity)) {
      const id = `svc-onboarding-${e}-${low(j)}`;
      f.add({
        id,
        kind: 'workload',
        fn: 'customer_support',
        capability: 'execute',
        team: 'support',
        system: 'onboarding',
        scopes: L.scopes(entity, undefined, [j]),
        revocation: redis(id),
        actions: ['read', 'onboard_client'],
        purpose: `Client onboarding flow for ${country(j)}: KYC, suitability and terms in the local language.`,
      });
    }
    f.add({
      id: `api-kyc-verifyone-${e}`,
      kind: 'api_key',
      fn: 'customer_support',
      capability: 'execute',
      team: 'support',
      system: 'kyc',
      vendor: VENDOR_VERIFYONE,
      scopes: L.scopes(entity),
      actions: ['read', 'onboard_client'],
      revocation: manual('Deactivate the tenant key in the VerifyOne dashboard; open a vendor ticket to confirm.'),
      purpose: 'VerifyOne posting KYC results that complete client onboarding.',
    });
  }
  // Advice is the Irish entity's; the Spanish advice passport is suspended (Art. 94), and so is its engine.
  for (const a of L.of(ENTITY_IE, 'advice')) {
    const id = `svc-advice-engine-ie-${low(a.jurisdiction)}`;
    f.add({
      id,
      kind: 'service_account',
      fn: 'customer_support',
      capability: 'execute',
      team: 'support',
      system: 'advice',
      scopes: [scopeOf(a)],
      revocation: pg(id),
      actions: ['read', 'give_advice'],
      ...(a.status === 'suspended' ? { status: 'suspended' as const } : {}),
      purpose: `Produces suitability-checked advice for clients in ${country(a.jurisdiction)}.`,
    });
  }
  f.add({
    id: 'agent-advice-copilot-ie',
    kind: 'ai_agent',
    fn: 'customer_support',
    capability: 'observe',
    team: 'support',
    system: 'support-agents',
    scopes: L.scopes(ENTITY_IE, ['advice', 'portfolio_management']),
    revocation: hook(AGENTS_HOOK),
    purpose: 'AI agent drafting suitability notes for human advisers; it gives no advice itself.',
  });
  f.add({
    id: 'agent-kyc-review',
    kind: 'ai_agent',
    fn: 'customer_support',
    capability: 'observe',
    team: 'support',
    system: 'support-agents',
    scopes: everything,
    revocation: hook(AGENTS_HOOK),
    purpose: 'AI agent pre-reviewing KYC files for the onboarding analysts; reads only.',
  });
  f.add({
    id: 'svc-complaints-portal',
    kind: 'workload',
    fn: 'customer_support',
    capability: 'execute',
    team: 'support',
    system: 'complaints',
    scopes: everything,
    revocation: redis('svc-complaints-portal'),
    actions: ['read', 'handle_complaint'],
    purpose: 'Client complaints portal of both entities (MiCA Art. 71).',
  });
  f.add({
    id: 'svc-crm-sync',
    kind: 'service_account',
    fn: 'customer_support',
    capability: 'observe',
    team: 'support',
    system: 'crm',
    scopes: everything,
    revocation: pg('svc-crm-sync'),
    purpose: 'Copies client records into the CRM for the support team.',
  });
  f.add({
    id: 'api-deskflow-helpdesk',
    kind: 'api_key',
    fn: 'customer_support',
    capability: 'execute',
    team: 'support',
    system: 'helpdesk',
    vendor: VENDOR_DESKFLOW,
    scopes: everything,
    actions: ['read', 'handle_complaint'],
    revocation: manual('Revoke the integration token in the Deskflow admin console.'),
    purpose: "Deskflow's helpdesk reading client context and logging complaint outcomes.",
  });
}

export function reporting(f: IdentityFactory, L: Licences): void {
  const everything = L.scopes(BOTH_ENTITIES);
  for (const entity of BOTH_ENTITIES) {
    const e = short(entity);
    f.add({
      id: `svc-regrep-${e}`,
      kind: 'service_account',
      fn: 'reporting',
      capability: 'execute',
      team: 'reporting',
      system: 'regulatory-reporting',
      scopes: L.scopes(entity),
      revocation: pg(`svc-regrep-${e}`),
      actions: ['read', 'submit_regulatory_report'],
      purpose: `Files the periodic regulatory reports of ${entityName(entity)} with its home authority.`,
    });
    f.add({
      id: `svc-tax-reporting-${e}`,
      kind: 'service_account',
      fn: 'reporting',
      capability: 'execute',
      team: 'reporting',
      system: 'tax-reporting',
      scopes: L.scopes(entity),
      revocation: pg(`svc-tax-reporting-${e}`),
      actions: ['read', 'submit_regulatory_report'],
      purpose: 'Prepares and files DAC8 crypto-asset reports.',
    });
    // Custody statements are produced per market (language, local disclosures).
    for (const a of L.of(entity, 'custody')) {
      const id = `wl-statements-${e}-${low(a.jurisdiction)}`;
      f.add({
        id,
        kind: 'workload',
        fn: 'reporting',
        capability: 'execute',
        team: 'reporting',
        system: 'statements',
        scopes: [scopeOf(a)],
        revocation: rabbit(id),
        actions: ['read', 'issue_statement'],
        purpose: `Quarterly custody statements for clients in ${country(a.jurisdiction)} (MiCA Art. 75(3)).`,
      });
    }
  }
  f.add({
    id: 'api-chainlens-screening',
    kind: 'api_key',
    fn: 'reporting',
    capability: 'observe',
    team: 'reporting',
    system: 'chain-analytics',
    vendor: VENDOR_CHAINLENS,
    scopes: L.scopes(BOTH_ENTITIES, ['custody', 'transfer']),
    actions: ['read', 'screen_transaction'],
    revocation: manual('Revoke the API key in the ChainLens console.'),
    purpose: 'ChainLens screening of deposit and withdrawal addresses for sanctions and illicit-finance risk.',
  });
  f.add({
    id: 'svc-transaction-monitoring',
    kind: 'workload',
    fn: 'reporting',
    capability: 'observe',
    team: 'reporting',
    system: 'aml',
    scopes: L.scopes(BOTH_ENTITIES, ['custody', 'transfer', 'exchange_funds', 'exchange_crypto']),
    revocation: rabbit('svc-transaction-monitoring'),
    actions: ['read', 'screen_transaction'],
    purpose: 'AML transaction monitoring feeding suspicious-transaction reports to the MLRO.',
  });
  f.add({
    id: 'agent-regrep-drafter',
    kind: 'ai_agent',
    fn: 'reporting',
    capability: 'observe',
    team: 'reporting',
    system: 'reporting-agents',
    scopes: everything,
    revocation: hook(AGENTS_HOOK),
    purpose: 'AI agent drafting regulatory returns for review; it cannot submit them.',
  });
  for (const [id, purpose] of [
    ['svc-casp-register-export', 'Exports the data behind the ESMA CASP register entries of both entities.'],
    ['svc-dora-register-export', 'Builds the DORA register of information on ICT third-party arrangements (Art. 28(3)).'],
    ['svc-bi-warehouse', 'Loads the management-information warehouse; read-only replica access.'],
  ] as const) {
    f.add({
      id,
      kind: 'service_account',
      fn: 'reporting',
      capability: 'observe',
      team: 'reporting',
      system: 'reporting-exports',
      scopes: everything,
      revocation: pg(id),
      purpose,
    });
  }
}

export function infrastructure(f: IdentityFactory, L: Licences): void {
  // Shared platform: one set of infrastructure identities serves both entities.
  const everything = L.scopes(BOTH_ENTITIES);
  const shared: [string, 'workload' | 'service_account' | 'ai_agent', 'observe' | 'execute', Revocation, string][] = [
    ['svc-vault-secrets', 'workload', 'execute', hook(IAM_HOOK), 'Secrets manager issuing database and broker credentials to workloads.'],
    [
      'svc-identity-broker',
      'workload',
      'execute',
      hook(IAM_HOOK),
      'OAuth token-exchange service (RFC 8693) minting short-lived tokens for workloads and agents.',
    ],
    ['svc-cert-manager', 'workload', 'execute', hook(IAM_HOOK), 'Issues and renews internal mTLS certificates.'],
    [
      'svc-log-shipper',
      'workload',
      'observe',
      rabbit('svc-log-shipper'),
      'Ships application and audit logs to the tamper-evident log store (DORA RTS Art. 12).',
    ],
    [
      'svc-metrics-collector',
      'workload',
      'observe',
      redis('svc-metrics-collector'),
      'Scrapes service metrics for monitoring and capacity planning.',
    ],
    ['svc-siem-forwarder', 'service_account', 'observe', rabbit('svc-siem-forwarder'), 'Forwards security events to the SIEM.'],
    ['svc-backup-agent', 'service_account', 'execute', pg('svc-backup-agent'), 'Takes encrypted database backups and runs restore tests.'],
    ['svc-db-migrator', 'service_account', 'execute', pg('svc-db-migrator'), 'Applies reviewed schema migrations during releases.'],
    [
      'agent-incident-responder',
      'ai_agent',
      'observe',
      hook(AGENTS_HOOK),
      'AI agent that gathers logs and timelines for the incident commander; reads only.',
    ],
  ];
  for (const [id, kind, capability, revocation, purpose] of shared) {
    f.add({ id, kind, fn: 'infrastructure', capability, team: 'platform', system: 'platform', scopes: everything, revocation, purpose });
  }
  f.add({
    id: 'svc-northcloud-control',
    kind: 'service_account',
    fn: 'infrastructure',
    capability: 'execute',
    team: 'platform',
    system: 'cloud',
    vendor: VENDOR_NORTHCLOUD,
    scopes: everything,
    credential: { type: 'certificate' },
    revocation: manual("Remove the provider's support role in the Northcloud IAM console."),
    purpose: "Northcloud's managed-service operator role for the Kubernetes clusters and managed databases.",
  });
  for (const [id, entity, site] of [
    ['svc-k8s-operator-fra', ENTITY_DE, 'Frankfurt'],
    ['svc-k8s-operator-dub', ENTITY_IE, 'Dublin'],
  ] as const) {
    f.add({
      id,
      kind: 'workload',
      fn: 'infrastructure',
      capability: 'execute',
      team: 'platform',
      system: 'kubernetes',
      scopes: L.scopes(entity),
      revocation: hook(IAM_HOOK),
      purpose: `Cluster operator of the ${site} production cluster, which runs ${entityName(entity)}'s workloads.`,
    });
  }

  // Deploy pipelines act for whatever the systems they deploy act for.
  const deploys: [string, readonly MicaService[] | undefined][] = [
    ['custody', ['custody']],
    ['trading', TRADING_SERVICES],
    ['settlement', SETTLEMENT_SERVICES],
    ['support', undefined],
    ['reporting', undefined],
    ['platform', undefined],
  ];
  for (const [system, services] of deploys) {
    f.add({
      id: `pipe-deploy-${system}`,
      kind: 'pipeline',
      fn: 'infrastructure',
      capability: 'execute',
      team: 'platform',
      system: 'ci',
      scopes: L.scopes(BOTH_ENTITIES, services),
      revocation: hook(CI_HOOK),
      purpose: `Deploys the ${system} services to production after review (DORA Art. 9(4)(e) change management).`,
    });
  }
  f.add({
    id: 'pipe-terraform-apply',
    kind: 'pipeline',
    fn: 'infrastructure',
    capability: 'execute',
    team: 'platform',
    system: 'ci',
    scopes: everything,
    revocation: hook(CI_HOOK),
    purpose: 'Applies reviewed infrastructure-as-code changes to the cloud accounts.',
  });
  f.add({
    id: 'pipe-sbom-scan',
    kind: 'pipeline',
    fn: 'infrastructure',
    capability: 'observe',
    team: 'security',
    system: 'ci',
    scopes: everything,
    revocation: hook(CI_HOOK),
    purpose: 'Builds SBOMs and scans images for known vulnerabilities; reads only.',
  });
  // CI for each repository runs in development against the home licences only.
  for (const [repo, services] of [
    ['custody', ['custody']],
    ['trading', ['trading_platform', 'execution']],
    ['settlement', ['transfer']],
    ['support', ['custody', 'exchange_funds']],
    ['reporting', ['custody']],
  ] as const) {
    f.add({
      id: `pipe-ci-${repo}`,
      kind: 'pipeline',
      fn: 'infrastructure',
      capability: 'execute',
      team: 'platform',
      system: 'ci',
      environment: 'development',
      scopes: [...L.scopes(ENTITY_DE, services, ['DE']), ...L.scopes(ENTITY_IE, services, ['IE'])],
      revocation: hook(CI_HOOK),
      purpose: `Builds and tests the ${repo} repository on every merge request.`,
    });
  }

  f.add({
    id: 'bg-platform-root',
    kind: 'service_account',
    fn: 'infrastructure',
    capability: 'execute',
    team: 'security',
    system: 'break-glass',
    breakGlass: true,
    scopes: everything,
    credential: { type: 'static_secret' },
    revocation: manual('Security: rotate the sealed root credential and re-seal the envelope (runbook SEC-RB-01).'),
    purpose: 'Sealed cloud root account for disaster recovery; two-person opening.',
  });
  f.add({
    id: 'bg-db-superuser',
    kind: 'service_account',
    fn: 'infrastructure',
    capability: 'execute',
    team: 'security',
    system: 'break-glass',
    breakGlass: true,
    scopes: everything,
    revocation: pg('bg-db-superuser'),
    purpose: 'Emergency PostgreSQL superuser, checked out through the PAM vault for incidents only.',
  });
}

/**
 * What an inventory actually finds: secrets nobody rotated, owners who left, systems switched
 * off but kept on record. Timestamps are fixed so the findings read the same in every run.
 */
export function legacy(f: IdentityFactory, L: Licences): void {
  const departed = {
    lukas: email('lukas.wagner'),
    tobias: email('tobias.richter'),
    laura: email('laura.martin'),
    elena: email('elena.petrova'),
  };
  const recent = (day: string) => ({ at: `${day}T07:42:19Z` });
  f.add({
    id: 'api-legacy-otc-desk',
    kind: 'api_key',
    fn: 'trading',
    capability: 'execute',
    team: 'trading',
    system: 'otc',
    owner: departed.tobias,
    scopes: L.scopes(ENTITY_DE, ['exchange_funds', 'exchange_crypto'], ['DE']),
    credential: { type: 'static_secret', created: '2024-02-12T09:14:03Z', neverRotated: true },
    usage: recent('2026-11-20'),
    revocation: redis('api-legacy-otc-desk'),
    purpose: 'OTC desk spreadsheet plug-in booking trades directly; predates the OTC quote service.',
  });
  f.add({
    id: 'svc-payout-bridge-v1-de',
    kind: 'service_account',
    fn: 'settlement',
    capability: 'execute',
    team: 'settlement',
    system: 'fiat-payouts',
    owner: departed.lukas,
    scopes: L.scopes(ENTITY_DE, ['exchange_funds']),
    actions: ['read', 'withdraw_to_client'],
    credential: { type: 'static_secret', created: '2024-03-01T16:02:44Z', neverRotated: true },
    usage: recent('2026-11-21'),
    revocation: pg('svc-payout-bridge-v1-de'),
    purpose: 'First-generation payout bridge, still used for manual payout corrections.',
  });
  f.add({
    id: 'api-statement-sftp-ie',
    kind: 'api_key',
    fn: 'reporting',
    capability: 'execute',
    team: 'reporting',
    system: 'statements',
    owner: departed.elena,
    scopes: L.scopes(ENTITY_IE, ['custody'], ['IE']),
    actions: ['read', 'issue_statement'],
    credential: { type: 'static_secret', created: '2024-01-22T11:30:00Z', neverRotated: true },
    usage: { at: '2026-07-01T02:00:11Z' },
    revocation: manual('Remove the SFTP account on the statement print provider (ask facilities).'),
    purpose: 'SFTP key delivering paper statements to the print provider.',
  });
  f.add({
    id: 'svc-grafana-readonly',
    kind: 'service_account',
    fn: 'infrastructure',
    capability: 'observe',
    team: 'platform',
    system: 'monitoring',
    owner: departed.elena,
    scopes: L.scopes(BOTH_ENTITIES),
    credential: { type: 'static_secret', created: '2024-04-09T08:55:21Z', neverRotated: true },
    usage: recent('2026-11-21'),
    revocation: pg('svc-grafana-readonly'),
    purpose: 'Dashboards reading production databases directly.',
  });
  f.add({
    id: 'svc-ticket-bot',
    kind: 'service_account',
    fn: 'customer_support',
    capability: 'execute',
    team: 'support',
    system: 'helpdesk',
    owner: departed.laura,
    scopes: L.scopes(ENTITY_DE),
    actions: ['read', 'handle_complaint'],
    credential: { type: 'static_secret', created: '2024-05-17T13:20:05Z', neverRotated: true },
    usage: recent('2026-11-18'),
    revocation: rabbit('svc-ticket-bot'),
    purpose: 'Auto-closes duplicate tickets; written as a hackathon project.',
  });
  f.add({
    id: 'api-tickstream-legacy',
    kind: 'api_key',
    fn: 'trading',
    capability: 'observe',
    team: 'trading',
    system: 'market-data',
    vendor: VENDOR_TICKSTREAM,
    owner: departed.tobias,
    scopes: L.scopes(ENTITY_DE, ['exchange_crypto']),
    credential: { type: 'static_secret', created: '2024-01-30T10:00:00Z', neverRotated: true },
    usage: recent('2026-11-21'),
    revocation: manual('Revoke the key in the Tickstream customer portal.'),
    purpose: 'Old Tickstream key still used by the price-check script.',
  });
  // Not rotated, but owned by someone still here: the common case.
  f.add({
    id: 'api-partner-webhook-de',
    kind: 'api_key',
    fn: 'custody',
    capability: 'execute',
    team: 'custody',
    system: 'b2b-gateway',
    scopes: L.scopes(ENTITY_DE, ['custody'], ['DE', 'FR']),
    actions: ['read', 'withdraw_to_client'],
    credential: { type: 'static_secret', created: '2024-06-03T09:12:40Z', neverRotated: true },
    usage: recent('2026-11-19'),
    revocation: redis('api-partner-webhook-de'),
    purpose: 'Shared secret signing withdrawal callbacks to a white-label partner.',
  });

  // Switched off, kept as evidence (DORA RTS Art. 20).
  f.add({
    id: 'wallet-hot-sweeper-v1-de',
    kind: 'wallet_integration',
    fn: 'custody',
    capability: 'execute',
    team: 'custody',
    system: 'treasury',
    owner: departed.lukas,
    status: 'decommissioned',
    scopes: L.scopes(ENTITY_DE, ['custody'], ['DE', 'FR']),
    credential: { type: 'key_pair', created: '2024-02-05T12:00:00Z' },
    usage: { at: '2025-04-30T23:10:09Z' },
    revocation: manual('Key shares destroyed 2025-05-12 (ticket SEC-1182).'),
    purpose: 'First-generation hot-wallet sweeper, replaced by wallet-omnibus-sweeper-de.',
  });
  f.add({
    id: 'pipe-deploy-jenkins-legacy',
    kind: 'pipeline',
    fn: 'infrastructure',
    capability: 'execute',
    team: 'platform',
    system: 'ci',
    owner: departed.elena,
    status: 'decommissioned',
    scopes: L.scopes(BOTH_ENTITIES),
    credential: { type: 'static_secret', created: '2024-01-10T08:00:00Z', neverRotated: true },
    usage: { at: '2025-02-27T17:45:00Z' },
    revocation: manual('Jenkins server shut down 2025-03-03; credentials deleted.'),
    purpose: 'Old Jenkins deploy job, replaced by the pipe-deploy-* pipelines.',
  });
  f.add({
    id: 'svc-exchange-gateway-v1-ie',
    kind: 'service_account',
    fn: 'trading',
    capability: 'execute',
    team: 'trading',
    system: 'crypto-exchange',
    status: 'decommissioned',
    scopes: L.scopes(ENTITY_IE, ['exchange_crypto'], ['IE']),
    credential: { type: 'certificate', created: '2024-09-02T10:30:00Z' },
    usage: { at: '2025-08-14T06:12:55Z' },
    revocation: pg('svc-exchange-gateway-v1-ie'),
    purpose: 'Pre-MiCA exchange gateway of the Irish entity.',
  });
  // Revoked after its key showed up in a public repository; awaiting decommissioning.
  f.add({
    id: 'api-otc-desk-bot-de',
    kind: 'api_key',
    fn: 'trading',
    capability: 'execute',
    team: 'trading',
    system: 'otc',
    status: 'revoked',
    scopes: L.scopes(ENTITY_DE, ['exchange_crypto'], ['DE']),
    credential: { type: 'static_secret', created: '2025-01-20T15:05:00Z', neverRotated: true },
    usage: { at: '2026-10-02T13:37:00Z' },
    revocation: redis('api-otc-desk-bot-de'),
    purpose: 'Chat bot quoting OTC prices; key leaked in a public repository (incident INC-2026-031).',
  });
  // Suspended pending review: found during the access review with no clear need.
  f.add({
    id: 'svc-reporting-ftp-de',
    kind: 'service_account',
    fn: 'reporting',
    capability: 'observe',
    team: 'reporting',
    system: 'reporting-exports',
    status: 'suspended',
    scopes: L.scopes(ENTITY_DE, undefined, ['DE']),
    credential: { type: 'static_secret', neverRotated: true },
    revocation: pg('svc-reporting-ftp-de'),
    purpose: 'FTP export of reporting data to an auditor; access review 2026-Q3 found no current use.',
  });
  f.add({
    id: 'api-market-maker-pilot-ie',
    kind: 'api_key',
    fn: 'trading',
    capability: 'execute',
    team: 'trading',
    system: 'liquidity',
    status: 'suspended',
    scopes: L.scopes(ENTITY_IE, ['exchange_crypto'], ['IE', 'IT']),
    actions: ['read', 'execute_trade'],
    revocation: manual("Revoke the key in the market maker's portal."),
    purpose: 'Pilot with an external market maker, paused until the contract is signed.',
  });
}

/** Staging and development twins of the systems that are developed most actively. */
export function nonProduction(f: IdentityFactory): void {
  const staging = [
    'svc-custody-api-de',
    'svc-custody-api-ie',
    'svc-custody-signer-de-de-01',
    'svc-custody-signer-de-fr-01',
    'svc-custody-signer-ie-ie-01',
    'wallet-withdrawal-de-fr',
    'svc-custody-ledger-de',
    'svc-matching-engine-de-de',
    'svc-order-gateway-de-de',
    'svc-order-gateway-ie-ie',
    'svc-otc-quote-de',
    'svc-fx-broker-de-de',
    'svc-swap-router-ie-ie',
    'svc-settlement-engine-de',
    'svc-settlement-engine-ie',
    'svc-transfer-router-de-de',
    'svc-recon-custody-de',
    'wl-recon-batch-de-de',
    'svc-helpdesk-de',
    'svc-onboarding-de-de',
    'svc-onboarding-ie-ie',
    'api-kyc-verifyone-de',
    'agent-support-triage',
    'svc-regrep-de',
    'svc-regrep-ie',
    'svc-vault-secrets',
    'svc-identity-broker',
    'pipe-deploy-custody',
    'pipe-deploy-trading',
  ];
  const development = [
    'svc-custody-api-de',
    'svc-matching-engine-de-de',
    'agent-support-triage',
    'agent-recon-assistant',
    'svc-advice-engine-ie-ie',
    'svc-portfolio-rebalancer-ie-ie',
  ];
  for (const id of staging) f.twin(id, 'staging');
  for (const id of development) f.twin(id, 'development');
}
