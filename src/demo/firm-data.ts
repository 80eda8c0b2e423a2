// The demo firm's fixed tables: who the firm is, what it is licensed for where, who works there
// and which vendors it uses. src/demo/firm.ts turns these into a manifest and generates the
// identities. Everything here is fictional; the LEIs are well-formed but registered to no one.
import { withLeiCheckDigits } from '../core/lei.js';
import type { Authorisation, LegalEntity, Person, Vendor } from '../core/model.js';
import type { ActionDefinition, MemberState, MicaService } from '../core/vocabulary.js';

/** The demo's "today": every timestamp in the demo lies before it, so ages and staleness read sensibly. */
export const DEMO_TODAY = '2026-11-22';
export const DEMO_DOMAIN = 'mandate-demo.example';

export const ENTITY_DE = 'ent-de';
export const ENTITY_IE = 'ent-ie';
export type DemoEntity = typeof ENTITY_DE | typeof ENTITY_IE;
export const BOTH_ENTITIES: readonly DemoEntity[] = [ENTITY_DE, ENTITY_IE];

export const ENTITIES: readonly LegalEntity[] = [
  // 5299 and 6354 are real LOU prefixes; the rest of each code is made up.
  { id: ENTITY_DE, name: 'Nordhafen Digital Assets GmbH', lei: withLeiCheckDigits('529900NHDA0GMBH001'), home: 'DE' },
  { id: ENTITY_IE, name: 'Nordhafen Digital Assets Ireland Limited', lei: withLeiCheckDigits('635400NHDA0IRL0002'), home: 'IE' },
];

/** One supervisory decision or notification: the services it covers in one member state. */
interface Grant {
  jurisdiction: MemberState;
  services: readonly MicaService[];
  reference: string;
  effective_from?: string;
}

/**
 * The licence book. The German entity runs the exchange and trading platform; the Irish entity
 * adds advice and portfolio management. Together they cover all ten MiCA services, though
 * neither holds all ten (as is usual for a group that splits its business by entity).
 */
export const LICENCES: Readonly<Record<DemoEntity, { home: Grant; passports: readonly Grant[] }>> = {
  [ENTITY_DE]: {
    home: {
      jurisdiction: 'DE',
      services: [
        'custody',
        'trading_platform',
        'exchange_funds',
        'exchange_crypto',
        'execution',
        'placing',
        'reception_transmission',
        'transfer',
      ],
      reference: 'BaFin 2025/CASP/0142',
      effective_from: '2025-03-17',
    },
    passports: [
      {
        jurisdiction: 'FR',
        services: ['custody', 'exchange_funds', 'exchange_crypto', 'execution', 'reception_transmission', 'transfer'],
        reference: 'BaFin passport notification 2025/PN/0031 (AMF)',
        effective_from: '2025-04-14',
      },
      {
        jurisdiction: 'NL',
        services: ['custody', 'trading_platform', 'exchange_funds', 'exchange_crypto', 'execution', 'reception_transmission', 'transfer'],
        reference: 'BaFin passport notification 2025/PN/0032 (AFM)',
        effective_from: '2025-04-14',
      },
      {
        jurisdiction: 'AT',
        services: ['custody', 'trading_platform', 'exchange_funds', 'exchange_crypto', 'execution', 'transfer'],
        reference: 'BaFin passport notification 2025/PN/0040 (FMA)',
        effective_from: '2025-05-05',
      },
      {
        jurisdiction: 'IT',
        services: ['exchange_funds', 'exchange_crypto'],
        reference: 'BaFin passport notification 2025/PN/0057 (CONSOB)',
        effective_from: '2025-07-01',
      },
      {
        jurisdiction: 'ES',
        services: ['custody', 'exchange_funds', 'exchange_crypto', 'transfer'],
        reference: 'BaFin passport notification 2025/PN/0058 (CNMV)',
        effective_from: '2025-07-01',
      },
      {
        jurisdiction: 'PL',
        services: ['custody', 'exchange_funds', 'transfer'],
        reference: 'BaFin passport notification 2025/PN/0093 (KNF)',
        effective_from: '2025-10-20',
      },
    ],
  },
  [ENTITY_IE]: {
    home: {
      jurisdiction: 'IE',
      services: [
        'custody',
        'exchange_funds',
        'exchange_crypto',
        'execution',
        'reception_transmission',
        'advice',
        'portfolio_management',
        'transfer',
      ],
      reference: 'CBI CASP authorisation C-2025-0087',
      effective_from: '2025-06-30',
    },
    passports: [
      {
        jurisdiction: 'IT',
        services: ['custody', 'exchange_funds', 'exchange_crypto', 'execution', 'advice', 'portfolio_management', 'transfer'],
        reference: 'CBI notification C-2025-118',
        effective_from: '2025-08-04',
      },
      {
        jurisdiction: 'ES',
        services: ['custody', 'exchange_funds', 'exchange_crypto', 'advice', 'transfer'],
        reference: 'CBI notification C-2025-119',
        effective_from: '2025-08-04',
      },
      {
        jurisdiction: 'BE',
        services: ['custody', 'exchange_funds', 'exchange_crypto', 'transfer'],
        reference: 'CBI notification C-2025-131',
        effective_from: '2025-09-15',
      },
      {
        jurisdiction: 'PT',
        services: ['custody', 'exchange_funds', 'exchange_crypto', 'transfer'],
        reference: 'CBI notification C-2025-132',
        effective_from: '2025-09-15',
      },
      {
        jurisdiction: 'LU',
        services: ['exchange_funds', 'portfolio_management'],
        reference: 'CBI notification C-2026-044',
        effective_from: '2026-02-20',
      },
      // Submitted ten days before "today": not yet forwarded, so the passport is still pending.
      { jurisdiction: 'PL', services: ['custody'], reference: 'CBI notification C-2026-207 (submitted 2026-11-12)' },
    ],
  },
};

/**
 * The few authorisations that are not simply `authorised`, so the demo shows every kind of
 * licence event the product reacts to. Keyed by authorisation id.
 */
export const LICENCE_EXCEPTIONS: Readonly<
  Record<string, Partial<Pick<Authorisation, 'status' | 'reference' | 'effective_from' | 'deadline'>>>
> = {
  'auth-ie-custody-pl': { status: 'applied' },
  'auth-de-exchange-crypto-nl': {
    status: 'restricted',
    reference: 'BaFin 2025/CASP/0142, condition 7 (AFM: no privacy-enhancing crypto-assets)',
    effective_from: '2026-03-02',
  },
  // An Art. 94 suspension runs for at most 30 working days at a time: hence the deadline.
  'auth-ie-advice-es': {
    status: 'suspended',
    reference: 'CBI direction D-2026-031 (MiCA Art. 94(1)(b))',
    effective_from: '2026-11-06',
    deadline: '2026-12-18',
  },
  // The German entity gave up fiat exchange in Poland; clients are being paid out until the deadline.
  'auth-de-exchange-funds-pl': {
    status: 'wind_down',
    reference: 'BaFin 2026/CASP/0417 (partial withdrawal, MiCA Art. 64)',
    effective_from: '2026-09-30',
    deadline: '2026-12-31',
  },
};

/** The firm's own actions, added to the default vocabulary (docs/domain.md). */
export const CUSTOM_ACTIONS: readonly ActionDefinition[] = [
  {
    id: 'screen_transaction',
    class: 'observe',
    description: 'Screen a transaction or address against sanctions and risk lists; reads only.',
  },
  {
    id: 'rebalance_hot_wallet',
    class: 'return_path',
    description: "Move client assets between the firm's own cold and hot wallets so withdrawals stay funded.",
  },
];

/** `devices` builds the German entity's product line (src/demo/products.ts): the hardware wallet and the wallet apps. */
export const TEAMS = [
  'custody',
  'trading',
  'settlement',
  'finance-ops',
  'support',
  'reporting',
  'platform',
  'security',
  'devices',
] as const;
export type Team = (typeof TEAMS)[number];

/** [e-mail local part, name, team, departed?]. Departed people still own identities: a finding the demo should show. */
const STAFF: readonly [string, string, Team, boolean?][] = [
  ['anna.becker', 'Anna Becker', 'custody'],
  ['jonas.hoffmann', 'Jonas Hoffmann', 'custody'],
  ['siobhan.murphy', 'Siobhan Murphy', 'custody'],
  ['lukas.wagner', 'Lukas Wagner', 'custody', true],
  ['felix.schneider', 'Felix Schneider', 'trading'],
  ['aoife.kelly', 'Aoife Kelly', 'trading'],
  ['marco.rossi', 'Marco Rossi', 'trading'],
  ['tobias.richter', 'Tobias Richter', 'trading', true],
  ['lena.fischer', 'Lena Fischer', 'settlement'],
  ['ciaran.walsh', 'Ciarán Walsh', 'settlement'],
  ['sophie.neumann', 'Sophie Neumann', 'settlement'],
  ['clara.weber', 'Clara Weber', 'finance-ops'],
  ['niamh.byrne', 'Niamh Byrne', 'finance-ops'],
  ['david.klein', 'David Klein', 'finance-ops'],
  ['julia.schulz', 'Julia Schulz', 'support'],
  ['sean.oconnor', "Seán O'Connor", 'support'],
  ['laura.martin', 'Laura Martin', 'support', true],
  ['katharina.braun', 'Katharina Braun', 'reporting'],
  ['eoin.doyle', 'Eoin Doyle', 'reporting'],
  ['maria.garcia', 'María García', 'reporting'],
  ['max.zimmermann', 'Max Zimmermann', 'platform'],
  ['patrick.ryan', 'Patrick Ryan', 'platform'],
  ['hannah.krueger', 'Hannah Krüger', 'platform'],
  ['elena.petrova', 'Elena Petrova', 'platform', true],
  ['nina.hartmann', 'Nina Hartmann', 'security'],
  ['conor.gallagher', 'Conor Gallagher', 'security'],
  ['jana.vogel', 'Jana Vogel', 'devices'],
  ['ruairi.quinn', 'Ruairí Quinn', 'devices'],
];

export const email = (local: string): string => `${local}@${DEMO_DOMAIN}`;

export const PEOPLE: readonly (Person & { team: Team })[] = STAFF.map(([local, name, team, departed]) => ({
  id: email(local),
  name,
  status: departed ? 'departed' : 'active',
  team,
}));

export const VENDOR_KEYSTONE = 'vnd-keystone';
export const VENDOR_VERIFYONE = 'vnd-verifyone';
export const VENDOR_TICKSTREAM = 'vnd-tickstream';
export const VENDOR_NORTHCLOUD = 'vnd-northcloud';
export const VENDOR_CHAINLENS = 'vnd-chainlens';
export const VENDOR_RULEBRIDGE = 'vnd-rulebridge';
export const VENDOR_DESKFLOW = 'vnd-deskflow';
export const VENDOR_SECUREFORGE = 'vnd-secureforge';

export const VENDORS: readonly Vendor[] = [
  { id: VENDOR_KEYSTONE, name: 'Keystone Custody Technology GmbH (MPC wallet platform)' },
  { id: VENDOR_VERIFYONE, name: 'VerifyOne Identity Ltd (KYC and client onboarding)' },
  { id: VENDOR_TICKSTREAM, name: 'Tickstream Market Data B.V.' },
  { id: VENDOR_NORTHCLOUD, name: 'Northcloud Platform SE (cloud hosting)' },
  { id: VENDOR_CHAINLENS, name: 'ChainLens Analytics Ltd (blockchain analytics and screening)' },
  { id: VENDOR_RULEBRIDGE, name: 'RuleBridge Network AG (Travel Rule messaging)' },
  { id: VENDOR_DESKFLOW, name: 'Deskflow Support Cloud Oy (client helpdesk)' },
  { id: VENDOR_SECUREFORGE, name: "SecureForge Silicon B.V. (the hardware wallet's secure element and its key-management service)" },
];
