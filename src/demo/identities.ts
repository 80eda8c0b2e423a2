// The demo firm's identity catalogue, one generator per business function. Each generator
// describes systems the way an engineer would ("one signer set per custody market"); the
// factory fills in owners, credentials and usage from the seed.
//
// Scopes always come from the licence book (Licences), so an identity only ever acts for an
// (entity, service, member state) that has an authorisation record, and the scopes follow the
// function: custody systems act for custody, trading systems for the trading-type services, etc.
import { scopeOf, type IdentityFactory, type Licences } from './factory.js';
import { BOTH_ENTITIES, ENTITY_DE, ENTITY_IE, VENDOR_KEYSTONE, VENDOR_RULEBRIDGE, VENDOR_TICKSTREAM } from './firm-data.js';
import {
  AGENTS_HOOK,
  country,
  entityName,
  hook,
  IAM_HOOK,
  KEYS_HOOK,
  low,
  manual,
  pg,
  rabbit,
  redis,
  SETTLEMENT_SERVICES,
  short,
  TRADING_SERVICES,
} from './naming.js';
import { customerSupport, infrastructure, legacy, nonProduction, reporting } from './identities-ops.js';

export function addDemoIdentities(f: IdentityFactory, L: Licences): void {
  custody(f, L);
  trading(f, L);
  settlement(f, L);
  reconciliation(f, L);
  customerSupport(f, L);
  reporting(f, L);
  infrastructure(f, L);
  legacy(f, L);
  nonProduction(f);
}

function custody(f: IdentityFactory, L: Licences): void {
  for (const entity of BOTH_ENTITIES) {
    const e = short(entity);
    // One signer set, withdrawal integration and deposit watcher per custody market: each acts
    // only for that market, so withdrawing one passport suspends exactly that stack.
    for (const a of L.of(entity, 'custody', { includeApplied: true })) {
      const j = low(a.jurisdiction);
      const where = country(a.jurisdiction);
      if (a.status === 'applied') {
        f.add({
          id: `svc-custody-signer-${e}-${j}-01`,
          kind: 'signing_key',
          fn: 'custody',
          capability: 'execute',
          team: 'custody',
          system: 'custody-signer',
          status: 'suspended',
          usage: 'never',
          scopes: [scopeOf(a)],
          revocation: hook(KEYS_HOOK),
          purpose:
            `Pre-provisioned MPC signing share for the ${where} custody passport; held suspended until the home authority ` +
            'forwards the notification.',
        });
        continue;
      }
      const signers = a.basis === 'home' || a.jurisdiction === 'FR' ? 3 : 2;
      for (let n = 1; n <= signers; n++) {
        f.add({
          id: `svc-custody-signer-${e}-${j}-0${n}`,
          kind: 'signing_key',
          fn: 'custody',
          capability: 'execute',
          team: 'custody',
          system: 'custody-signer',
          scopes: [scopeOf(a)],
          revocation: hook(KEYS_HOOK),
          purpose:
            `MPC signing share ${n} of ${signers} approving withdrawals from the custody wallets ${entityName(entity)} keeps ` +
            `for clients in ${where}.`,
        });
      }
      f.add({
        id: `wallet-withdrawal-${e}-${j}`,
        kind: 'wallet_integration',
        fn: 'custody',
        capability: 'execute',
        team: 'custody',
        system: 'withdrawals',
        scopes: [scopeOf(a)],
        revocation: pg(`wallet-withdrawal-${e}-${j}`),
        actions: ['read', 'withdraw_to_client', 'transfer_to_successor'],
        purpose: `Submits approved withdrawals of custody clients in ${where} to their verified addresses, or to a successor CASP.`,
      });
      const addresses = `the custody addresses of clients in ${where}`;
      f.add({
        id: `svc-deposit-watcher-${e}-${j}`,
        kind: 'workload',
        fn: 'custody',
        capability: 'observe',
        team: 'custody',
        system: 'deposits',
        scopes: [scopeOf(a)],
        revocation: rabbit(`svc-deposit-watcher-${e}-${j}`),
        purpose: `Watches the chains for deposits to ${addresses} and reports them to the position register.`,
      });
    }

    // Systems that serve every custody market of the entity: a passport withdrawal narrows them.
    const all = L.scopes(entity, ['custody']);
    f.add({
      id: `svc-custody-api-${e}`,
      kind: 'workload',
      fn: 'custody',
      capability: 'execute',
      team: 'custody',
      system: 'custody-api',
      scopes: all,
      revocation: hook(IAM_HOOK),
      purpose: `Custody API of ${entityName(entity)}: positions, deposit addresses and withdrawal requests for all custody clients.`,
    });
    f.add({
      id: `svc-custody-ledger-${e}`,
      kind: 'service_account',
      fn: 'custody',
      capability: 'execute',
      team: 'custody',
      system: 'position-register',
      scopes: all,
      revocation: pg(`svc-custody-ledger-${e}`),
      actions: ['read', 'reconcile'],
      purpose: 'Writes the register of client positions (MiCA Art. 75) and keeps it reconciled with the wallets.',
    });
    f.add({
      id: `svc-cold-rotation-${e}`,
      kind: 'service_account',
      fn: 'custody',
      capability: 'execute',
      team: 'custody',
      system: 'cold-storage',
      scopes: all,
      revocation: pg(`svc-cold-rotation-${e}`),
      actions: ['read', 'rebalance_hot_wallet'],
      purpose: 'Tops up hot wallets from cold storage within the treasury limits so client withdrawals stay funded.',
    });
    f.add({
      id: `wallet-keystone-${e}`,
      kind: 'wallet_integration',
      fn: 'custody',
      capability: 'execute',
      team: 'custody',
      system: 'keystone',
      vendor: VENDOR_KEYSTONE,
      scopes: all,
      credential: { type: 'certificate' },
      revocation: manual('Disable the API user in the Keystone console, then confirm with Keystone support (DORA Art. 28 exit runbook).'),
      purpose: "Keystone's MPC platform calling back into the custody API to co-sign and broadcast withdrawals.",
    });
    f.add({
      id: `svc-address-book-${e}`,
      kind: 'service_account',
      fn: 'custody',
      capability: 'observe',
      team: 'custody',
      system: 'address-book',
      scopes: all,
      revocation: pg(`svc-address-book-${e}`),
      purpose: 'Reads verified client withdrawal addresses for the signing policy engine.',
    });
    f.add({
      id: `bg-custody-${e}`,
      kind: 'service_account',
      fn: 'custody',
      capability: 'execute',
      team: 'security',
      system: 'break-glass',
      breakGlass: true,
      scopes: all,
      credential: { type: 'certificate' },
      revocation: manual('Security on-call: remove the break-glass quorum member in the Keystone console (runbook SEC-RB-07).'),
      purpose: `Emergency custody operator for ${entityName(entity)}: returns client assets if the custody API is unavailable.`,
    });
  }

  // The German entity's French market is its largest custody book: a cold vault and a B2B gateway
  // that serve France alone.
  const deFr = L.scopes(ENTITY_DE, ['custody'], ['FR']);
  f.add({
    id: 'svc-custody-cold-vault-de-fr',
    kind: 'signing_key',
    fn: 'custody',
    capability: 'execute',
    team: 'custody',
    system: 'cold-storage',
    scopes: deFr,
    revocation: hook(KEYS_HOOK),
    usage: 'rare',
    purpose: 'HSM-held cold-vault key for the French custody book; used for scheduled top-ups and client asset transfers.',
  });
  f.add({
    id: 'api-custody-b2b-de-fr',
    kind: 'api_key',
    fn: 'custody',
    capability: 'execute',
    team: 'custody',
    system: 'b2b-gateway',
    scopes: deFr,
    revocation: redis('api-custody-b2b-de-fr'),
    actions: ['read', 'initiate_transfer', 'withdraw_to_client'],
    purpose: 'Gateway key for French corporate clients whose treasury systems request custody transfers.',
  });
  f.add({
    id: 'agent-custody-ops-copilot',
    kind: 'ai_agent',
    fn: 'custody',
    capability: 'execute',
    team: 'custody',
    system: 'ops-agents',
    scopes: L.scopes(BOTH_ENTITIES, ['custody']),
    revocation: hook(AGENTS_HOOK),
    actions: ['read', 'reconcile'],
    purpose: 'AI agent that investigates stuck withdrawals and proposes and books reconciliation fixes for custody operations.',
  });
}

function trading(f: IdentityFactory, L: Licences): void {
  for (const entity of BOTH_ENTITIES) {
    const e = short(entity);
    for (const a of L.of(entity, 'trading_platform')) {
      f.add({
        id: `svc-matching-engine-${e}-${low(a.jurisdiction)}`,
        kind: 'workload',
        fn: 'trading',
        capability: 'execute',
        team: 'trading',
        system: 'matching-engine',
        scopes: [scopeOf(a)],
        revocation: redis(`svc-matching-engine-${e}-${low(a.jurisdiction)}`),
        purpose: `Order book and matching for the trading platform operated in ${country(a.jurisdiction)}.`,
      });
    }
    for (const j of L.of(entity, 'execution').map((a) => a.jurisdiction)) {
      f.add({
        id: `svc-order-gateway-${e}-${low(j)}`,
        kind: 'workload',
        fn: 'trading',
        capability: 'execute',
        team: 'trading',
        system: 'order-gateway',
        scopes: L.scopes(entity, ['execution', 'reception_transmission'], [j]),
        revocation: redis(`svc-order-gateway-${e}-${low(j)}`),
        purpose: `Receives client orders in ${country(j)} and routes them for execution.`,
      });
    }
    f.add({
      id: `svc-otc-quote-${e}`,
      kind: 'service_account',
      fn: 'trading',
      capability: 'execute',
      team: 'trading',
      system: 'otc',
      scopes: L.scopes(entity, ['exchange_funds', 'exchange_crypto']),
      revocation: pg(`svc-otc-quote-${e}`),
      purpose: 'Quotes and books OTC exchange trades for large clients.',
    });
    for (const a of L.of(entity, 'exchange_funds')) {
      const id = `svc-fx-broker-${e}-${low(a.jurisdiction)}`;
      f.add({
        id,
        kind: 'service_account',
        fn: 'trading',
        capability: 'execute',
        team: 'trading',
        system: 'fiat-exchange',
        scopes: [scopeOf(a)],
        revocation: rabbit(id),
        purpose: `Exchanges crypto-assets for euro for clients in ${country(a.jurisdiction)}.`,
      });
    }
    for (const a of L.of(entity, 'exchange_crypto')) {
      const id = `svc-swap-router-${e}-${low(a.jurisdiction)}`;
      f.add({
        id,
        kind: 'workload',
        fn: 'trading',
        capability: 'execute',
        team: 'trading',
        system: 'crypto-exchange',
        scopes: [scopeOf(a)],
        revocation: redis(id),
        purpose: `Exchanges crypto-assets for other crypto-assets for clients in ${country(a.jurisdiction)}.`,
      });
    }
    f.add({
      id: `api-marketdata-tickstream-${e}`,
      kind: 'api_key',
      fn: 'trading',
      capability: 'observe',
      team: 'trading',
      system: 'market-data',
      vendor: VENDOR_TICKSTREAM,
      scopes: L.scopes(entity, TRADING_SERVICES),
      revocation: manual('Revoke the key in the Tickstream customer portal and remove it from the secrets store.'),
      purpose: 'Tickstream reference prices for quoting, best-execution checks and client valuations.',
    });
    // Keys the external liquidity venues issued to us; only the venue can switch them off.
    for (const venue of ['alpha', 'borealis', 'cobalt']) {
      f.add({
        id: `api-liquidity-${venue}-${e}`,
        kind: 'api_key',
        fn: 'trading',
        capability: 'execute',
        team: 'trading',
        system: 'liquidity',
        scopes: L.scopes(entity, ['execution']),
        actions: ['read', 'execute_trade'],
        revocation: manual(`Revoke the key in the ${venue} venue's API console (trading desk runbook TR-RB-03).`),
        purpose: `Executes client orders on the ${venue} liquidity venue.`,
      });
    }
  }

  f.add({
    id: 'svc-placing-book-de',
    kind: 'service_account',
    fn: 'trading',
    capability: 'execute',
    team: 'trading',
    system: 'placing',
    scopes: L.scopes(ENTITY_DE, ['placing']),
    revocation: pg('svc-placing-book-de'),
    actions: ['read', 'place_assets'],
    purpose: 'Runs the order book for token placings the German entity carries out for issuers.',
  });
  for (const a of L.of(ENTITY_IE, 'portfolio_management')) {
    const id = `svc-portfolio-rebalancer-ie-${low(a.jurisdiction)}`;
    f.add({
      id,
      kind: 'service_account',
      fn: 'trading',
      capability: 'execute',
      team: 'trading',
      system: 'portfolio-management',
      scopes: [scopeOf(a)],
      revocation: rabbit(id),
      actions: ['read', 'manage_portfolio', 'execute_trade'],
      purpose: `Rebalances discretionary client portfolios in ${country(a.jurisdiction)} against their mandates.`,
    });
  }
  f.add({
    id: 'bg-trading-halt-de',
    kind: 'service_account',
    fn: 'trading',
    capability: 'execute',
    team: 'security',
    system: 'break-glass',
    breakGlass: true,
    scopes: L.scopes(ENTITY_DE, ['trading_platform']),
    credential: { type: 'certificate' },
    revocation: manual('Security on-call: disable the halt operator in the matching-engine admin console (runbook SEC-RB-11).'),
    purpose: 'Emergency operator that halts and cancels orders on the trading platform during a market incident.',
  });
  f.add({
    id: 'agent-trade-surveillance',
    kind: 'ai_agent',
    fn: 'trading',
    capability: 'observe',
    team: 'trading',
    system: 'surveillance',
    scopes: L.scopes(BOTH_ENTITIES, TRADING_SERVICES),
    revocation: hook(AGENTS_HOOK),
    purpose: 'AI agent that flags possible market abuse (MiCA Art. 92) for the surveillance analysts; reads only.',
  });
  f.add({
    id: 'svc-pretrade-risk',
    kind: 'service_account',
    fn: 'trading',
    capability: 'observe',
    team: 'trading',
    system: 'risk',
    scopes: L.scopes(BOTH_ENTITIES, TRADING_SERVICES),
    revocation: pg('svc-pretrade-risk'),
    purpose: 'Reads positions and limits for the pre-trade risk checks of both entities.',
  });
}

function settlement(f: IdentityFactory, L: Licences): void {
  for (const entity of BOTH_ENTITIES) {
    const e = short(entity);
    f.add({
      id: `svc-settlement-engine-${e}`,
      kind: 'service_account',
      fn: 'settlement',
      capability: 'execute',
      team: 'settlement',
      system: 'settlement',
      scopes: L.scopes(entity, SETTLEMENT_SERVICES),
      revocation: rabbit(`svc-settlement-engine-${e}`),
      purpose: `Settles executed trades and exchanges of ${entityName(entity)} between client and house accounts.`,
    });
    for (const a of L.of(entity, 'exchange_funds')) {
      const id = `svc-fiat-payout-${e}-${low(a.jurisdiction)}`;
      f.add({
        id,
        kind: 'service_account',
        fn: 'settlement',
        capability: 'execute',
        team: 'settlement',
        system: 'fiat-payouts',
        scopes: [scopeOf(a)],
        revocation: pg(id),
        actions: ['read', 'withdraw_to_client', 'transfer_to_successor'],
        purpose: `Pays out euro proceeds to the verified bank accounts of clients in ${country(a.jurisdiction)}.`,
      });
    }
    for (const a of L.of(entity, 'transfer')) {
      const id = `svc-transfer-router-${e}-${low(a.jurisdiction)}`;
      f.add({
        id,
        kind: 'workload',
        fn: 'settlement',
        capability: 'execute',
        team: 'settlement',
        system: 'transfers',
        scopes: [scopeOf(a)],
        revocation: rabbit(id),
        purpose: `Executes crypto-asset transfers on behalf of clients in ${country(a.jurisdiction)}, with Travel Rule data attached.`,
      });
    }
    f.add({
      id: `wallet-omnibus-sweeper-${e}`,
      kind: 'wallet_integration',
      fn: 'settlement',
      capability: 'execute',
      team: 'settlement',
      system: 'treasury',
      scopes: L.scopes(entity, ['custody']),
      revocation: hook(KEYS_HOOK),
      actions: ['read', 'rebalance_hot_wallet', 'reconcile'],
      purpose: 'Sweeps deposit addresses into the segregated omnibus wallets and reconciles the sweep.',
    });
    f.add({
      id: `svc-sepa-bank-link-${e}`,
      kind: 'service_account',
      fn: 'settlement',
      capability: 'execute',
      team: 'settlement',
      system: 'bank-link',
      scopes: L.scopes(entity, ['exchange_funds']),
      credential: { type: 'certificate' },
      actions: ['read', 'initiate_transfer', 'withdraw_to_client'],
      revocation: manual('Block the EBICS user in the house bank portal (treasury runbook FIN-RB-02).'),
      purpose: 'EBICS connection to the house bank for client money SEPA transfers.',
    });
  }
  f.add({
    id: 'api-travel-rule-rulebridge',
    kind: 'api_key',
    fn: 'settlement',
    capability: 'observe',
    team: 'settlement',
    system: 'travel-rule',
    vendor: VENDOR_RULEBRIDGE,
    scopes: L.scopes(BOTH_ENTITIES, ['custody', 'transfer']),
    revocation: manual('Rotate the RuleBridge VASP key in the RuleBridge console; notify counterparties.'),
    purpose: 'RuleBridge network exchanging originator and beneficiary data (Regulation (EU) 2023/1113).',
  });
}

function reconciliation(f: IdentityFactory, L: Licences): void {
  for (const entity of BOTH_ENTITIES) {
    const e = short(entity);
    f.add({
      id: `svc-recon-custody-${e}`,
      kind: 'service_account',
      fn: 'reconciliation',
      capability: 'execute',
      team: 'finance-ops',
      system: 'reconciliation',
      scopes: L.scopes(entity, ['custody']),
      revocation: pg(`svc-recon-custody-${e}`),
      purpose: 'Reconciles on-chain balances with the register of client positions, daily.',
    });
    f.add({
      id: `svc-recon-trading-${e}`,
      kind: 'service_account',
      fn: 'reconciliation',
      capability: 'execute',
      team: 'finance-ops',
      system: 'reconciliation',
      scopes: L.scopes(entity, TRADING_SERVICES),
      revocation: pg(`svc-recon-trading-${e}`),
      purpose: 'Reconciles trades and exchanges with settlement and venue statements.',
    });
    f.add({
      id: `svc-recon-bank-${e}`,
      kind: 'service_account',
      fn: 'reconciliation',
      capability: 'observe',
      team: 'finance-ops',
      system: 'reconciliation',
      scopes: L.scopes(entity, ['exchange_funds']),
      revocation: pg(`svc-recon-bank-${e}`),
      purpose: 'Reads bank statements (camt.053) to match client money movements.',
    });
    // The nightly batch runs per member state, so each market's books close on their own.
    for (const j of L.jurisdictions(entity)) {
      const id = `wl-recon-batch-${e}-${low(j)}`;
      f.add({
        id,
        kind: 'workload',
        fn: 'reconciliation',
        capability: 'execute',
        team: 'finance-ops',
        system: 'reconciliation',
        scopes: L.scopes(entity, undefined, [j]),
        revocation: rabbit(id),
        purpose: `Nightly reconciliation batch for every service ${entityName(entity)} provides in ${country(j)}.`,
      });
    }
  }
  f.add({
    id: 'agent-recon-assistant',
    kind: 'ai_agent',
    fn: 'reconciliation',
    capability: 'execute',
    team: 'finance-ops',
    system: 'ops-agents',
    scopes: L.scopes(BOTH_ENTITIES, ['custody', 'exchange_funds']),
    revocation: hook(AGENTS_HOOK),
    actions: ['read', 'reconcile'],
    purpose: 'AI agent that explains reconciliation breaks and books the agreed corrections.',
  });
}
