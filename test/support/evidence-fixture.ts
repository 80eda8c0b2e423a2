// A realistic evidence pack's data (src/core/evidence.ts) for the renderers' tests: one French CASP,
// two services (custody, exchange_crypto), checks mapped to real catalogue controls, findings of
// every status, readiness rows and a trend. Each call returns a fresh copy to change freely.
import fc from 'fast-check';
import type { CheckResult, Control, EvidenceData, Finding, FindingStatus, Severity } from '../../src/core/evidence.js';
import { withLeiCheckDigits } from '../../src/core/lei.js';

export const LEI_FR = withLeiCheckDigits('969500EXEMPLEACT01');

const CONTROLS: Control[] = [
  {
    id: 'owasp-nhi:NHI1',
    framework: 'owasp-nhi-2025',
    ref: 'NHI1',
    title: 'Improper Offboarding',
    description:
      'Non-human identities must be deactivated and their credentials revoked when the service, workload or integration they served is ' +
      'retired or their owner leaves.',
  },
  {
    id: 'owasp-nhi:NHI7',
    framework: 'owasp-nhi-2025',
    ref: 'NHI7',
    title: 'Long-Lived Secrets',
    description:
      'Credentials without expiry or with very long lifetimes widen the window for misuse; they should be short-lived or rotated on a ' +
      'defined schedule.',
  },
  {
    id: 'nist-csf:GV.RR-02',
    framework: 'nist-csf-2.0',
    ref: 'GV.RR-02',
    title: 'Roles, responsibilities and authorities',
    description:
      'Who is responsible and accountable for cybersecurity risk is defined, communicated, understood and enforced; for identities ' +
      'this means every one has an accountable owner.',
  },
  {
    id: 'nist-csf:PR.AA-05',
    framework: 'nist-csf-2.0',
    ref: 'PR.AA-05',
    title: 'Least privilege and separation of duties',
    description:
      'Access permissions, entitlements and authorisations are defined, managed, enforced and reviewed following least privilege and ' +
      'separation of duties.',
  },
  {
    id: 'mica:art-64-withdrawal',
    framework: 'mica',
    ref: 'Art. 64',
    title: 'Withdrawal readiness',
    description:
      "When an authorisation is withdrawn, wholly or for particular services, those services stop, and the firm can move clients' " +
      'assets to another CASP in time.',
  },
  {
    id: 'dora:rts-2024-1774:art-21',
    framework: 'dora',
    ref: 'RTS 2024/1774 Art. 21',
    title: 'Access control',
    description:
      'Access follows least privilege and need-to-know with separation of duties, shared accounts kept to a minimum, privileged and ' +
      'emergency access granted only on need, rights revoked without undue delay and reviewed periodically.',
  },
  {
    id: 'cra:annex-i:2-d',
    framework: 'cra',
    ref: 'Annex I Part I (2)(d)',
    title: 'Protection from unauthorised access',
    description:
      'The product protects against unauthorised access through authentication, identity or access management, and reports possible ' +
      'unauthorised access.',
  },
];

const SCOPE_CUSTODY = 'ent-fr/custody/FR';
const SCOPE_EXCHANGE = 'ent-fr/exchange_crypto/FR';

const DATA: EvidenceData = {
  generated_at: '2026-11-22T10:15:00Z',
  as_of: '2026-11-22T10:00:00Z',
  entity: { id: 'ent-fr', name: 'Exemple Actifs Numériques SAS', lei: LEI_FR, home: 'FR' },
  jurisdiction: 'FR',
  catalogue: { version: '2026.11', controls: CONTROLS },
  checks: [
    {
      check: 'long-lived-secret',
      title: 'Static secrets rotated within 90 days',
      description: 'Every static secret or key pair of an active identity was created or rotated in the last 90 days.',
      severity: 'high',
      controls: ['owasp-nhi:NHI7', 'dora:rts-2024-1774:art-21'],
      evaluated: 9,
      failed: 2,
    },
    {
      check: 'owner-active',
      title: 'Every identity has an active owner',
      description: 'Each identity names an owner who is an active person in the directory.',
      severity: 'medium',
      controls: ['nist-csf:GV.RR-02', 'owasp-nhi:NHI1'],
      evaluated: 9,
      failed: 1,
    },
    {
      check: 'execute-outside-authorisation',
      title: 'Execute capability only where authorised',
      description: 'No identity can execute a crypto-asset service in a member state where the entity is not authorised for it.',
      severity: 'critical',
      controls: ['nist-csf:PR.AA-05', 'dora:rts-2024-1774:art-21'],
      evaluated: 9,
      failed: 1,
    },
    {
      check: 'withdrawal-revocable',
      title: 'Identities of a service can be revoked on withdrawal',
      description: 'Every execute identity of an authorised service has a revocation connector, so a withdrawal can take effect.',
      severity: 'high',
      controls: ['mica:art-64-withdrawal'],
      evaluated: 6,
      failed: 0,
    },
    {
      check: 'strong-authentication',
      title: 'Identities authenticate with current mechanisms',
      description: 'No identity authenticates with a deprecated or shared mechanism.',
      severity: 'low',
      controls: ['cra:annex-i:2-d'],
      evaluated: 9,
      failed: 0,
    },
  ],
  findings: [
    {
      id: 'execute-outside-authorisation:svc-otc-desk',
      check: 'execute-outside-authorisation',
      severity: 'critical',
      status: 'open',
      subject: { type: 'identity', id: 'svc-otc-desk' },
      title: 'svc-otc-desk can execute exchange_crypto in FR, where it is not authorised',
      detail:
        'The identity holds the execute capability for exchange_crypto in FR; the authorisation auth-fr-exchange is restricted. Narrow ' +
        'its scopes or suspend it.',
      owner: 'camille.martin@exemple.fr',
      controls: ['nist-csf:PR.AA-05', 'dora:rts-2024-1774:art-21'],
      scopes: [SCOPE_EXCHANGE],
      first_seen: '2026-11-18T08:00:00Z',
      last_seen: '2026-11-22T10:00:00Z',
      due_at: '2026-11-25T08:00:00Z',
      resolved_at: null,
      exception: null,
      evidence: [1011, 1030],
    },
    {
      id: 'long-lived-secret:svc-hot-wallet-signer',
      check: 'long-lived-secret',
      severity: 'high',
      status: 'acknowledged',
      subject: { type: 'identity', id: 'svc-hot-wallet-signer' },
      title: 'Signing key of svc-hot-wallet-signer is 412 days old',
      detail: 'The key pair was created 2025-10-06 and never rotated; policy requires rotation every 90 days.',
      owner: 'luc.bernard@exemple.fr',
      controls: ['owasp-nhi:NHI7', 'dora:rts-2024-1774:art-21'],
      scopes: [SCOPE_CUSTODY],
      first_seen: '2026-01-04T00:00:00Z',
      last_seen: '2026-11-22T10:00:00Z',
      due_at: '2026-12-01T00:00:00Z',
      resolved_at: null,
      exception: null,
      evidence: [412],
    },
    {
      id: 'long-lived-secret:api-chainalysis',
      check: 'long-lived-secret',
      severity: 'high',
      status: 'accepted_risk',
      subject: { type: 'identity', id: 'api-chainalysis' },
      title: 'Static API key of api-chainalysis is 200 days old',
      detail: 'The vendor does not support key rotation through its API; rotation is manual and quarterly.',
      owner: 'sophie.leroy@exemple.fr',
      controls: ['owasp-nhi:NHI7', 'dora:rts-2024-1774:art-21'],
      scopes: [SCOPE_CUSTODY, SCOPE_EXCHANGE],
      first_seen: '2026-08-01T00:00:00Z',
      last_seen: '2026-11-22T10:00:00Z',
      due_at: '2026-12-31T00:00:00Z',
      resolved_at: null,
      exception: 'exc-chainalysis-rotation',
      evidence: [880, 881],
    },
    {
      id: 'owner-active:svc-reporting',
      check: 'owner-active',
      severity: 'medium',
      status: 'open',
      subject: { type: 'identity', id: 'svc-reporting' },
      title: 'Owner of svc-reporting has left the firm',
      detail: 'paul.durand@exemple.fr is marked departed since 2026-10-31; assign a new owner.',
      owner: null,
      controls: ['nist-csf:GV.RR-02', 'owasp-nhi:NHI1'],
      scopes: [SCOPE_CUSTODY],
      first_seen: '2026-10-31T17:00:00Z',
      last_seen: '2026-11-22T10:00:00Z',
      due_at: '2026-11-30T17:00:00Z',
      resolved_at: null,
      exception: null,
      evidence: [990],
    },
    {
      id: 'strong-authentication:svc-legacy-bridge',
      check: 'strong-authentication',
      severity: 'low',
      status: 'resolved',
      subject: { type: 'identity', id: 'svc-legacy-bridge' },
      title: 'svc-legacy-bridge authenticated with a shared basic-auth password',
      detail: 'Moved to short-lived workload tokens on 2026-11-10.',
      owner: 'luc.bernard@exemple.fr',
      controls: ['cra:annex-i:2-d'],
      scopes: [SCOPE_EXCHANGE],
      first_seen: '2026-09-01T00:00:00Z',
      last_seen: '2026-11-10T12:00:00Z',
      due_at: '2026-10-01T00:00:00Z',
      resolved_at: '2026-11-10T12:00:00Z',
      exception: null,
      evidence: [700, 960],
    },
    {
      id: 'exception-expired-open:exc-old-migration',
      check: 'exception-expired-open',
      severity: 'high',
      status: 'open',
      subject: { type: 'exception', id: 'exc-old-migration' },
      title: 'Exception exc-old-migration for svc-migrator expired and is not closed',
      detail: 'The exception waiving owasp-nhi:NHI1 expired at 2026-11-01T00:00:00Z.',
      owner: 'camille.martin@exemple.fr',
      controls: ['owasp-nhi:NHI1'],
      scopes: [SCOPE_CUSTODY],
      first_seen: '2026-11-01T00:00:00Z',
      last_seen: '2026-11-22T10:00:00Z',
      due_at: '2026-11-15T00:00:00Z',
      resolved_at: null,
      exception: null,
      evidence: [1001],
    },
  ],
  readiness: [
    {
      entity: 'ent-fr',
      jurisdiction: 'FR',
      service: 'custody',
      authorisation: { id: 'auth-fr-custody', status: 'authorised', basis: 'home', reference: 'AMF E2026-001' },
      score: 62,
      identities: 6,
      open_findings: 4,
      blocking: [
        {
          id: 'long-lived-secret:svc-hot-wallet-signer',
          severity: 'high',
          title: 'Signing key of svc-hot-wallet-signer is 412 days old',
          owner: 'luc.bernard@exemple.fr',
        },
        {
          id: 'exception-expired-open:exc-old-migration',
          severity: 'high',
          title: 'Exception exc-old-migration for svc-migrator expired and is not closed',
          owner: 'camille.martin@exemple.fr',
        },
      ],
      owners_to_chase: [
        { owner: 'luc.bernard@exemple.fr', findings: 1 },
        { owner: 'camille.martin@exemple.fr', findings: 1 },
      ],
      deadlines: [
        { what: 'Finding exception-expired-open:exc-old-migration overdue', at: '2026-11-15T00:00:00Z', days_left: -7 },
        { what: 'Exception exc-chainalysis-rotation expires', at: '2026-12-31T00:00:00Z', days_left: 39 },
      ],
    },
    {
      entity: 'ent-fr',
      jurisdiction: 'FR',
      service: 'exchange_crypto',
      authorisation: { id: 'auth-fr-exchange', status: 'restricted', basis: 'home', reference: 'AMF E2026-002' },
      score: 85,
      identities: 4,
      open_findings: 2,
      blocking: [
        {
          id: 'execute-outside-authorisation:svc-otc-desk',
          severity: 'critical',
          title: 'svc-otc-desk can execute exchange_crypto in FR, where it is not authorised',
          owner: 'camille.martin@exemple.fr',
        },
      ],
      owners_to_chase: [{ owner: 'camille.martin@exemple.fr', findings: 1 }],
      deadlines: [{ what: 'Finding execute-outside-authorisation:svc-otc-desk due', at: '2026-11-25T08:00:00Z', days_left: 3 }],
    },
  ],
  trend: [
    { at: '2026-10-18T00:00:00Z', score: 58 },
    { at: '2026-10-25T00:00:00Z', score: 64 },
    { at: '2026-11-01T00:00:00Z', score: 61 },
    { at: '2026-11-08T00:00:00Z', score: 70 },
    { at: '2026-11-15T00:00:00Z', score: 76 },
    { at: '2026-11-22T00:00:00Z', score: 73.5 },
  ],
  inventory: {
    total: 9,
    by_kind: { service_account: 4, api_key: 2, signing_key: 1, workload: 1, ai_agent: 1 },
    by_capability: { execute: 5, observe: 4 },
    by_credential: { short_lived: 5, static_secret: 2, key_pair: 1, certificate: 1 },
    identities: [
      {
        id: 'svc-hot-wallet-signer',
        kind: 'signing_key',
        function: 'custody',
        capability: 'execute',
        owner: 'luc.bernard@exemple.fr',
        status: 'active',
        credential: 'key_pair',
        scopes: [SCOPE_CUSTODY],
        vendor: null,
        break_glass: false,
      },
      {
        id: 'svc-cold-wallet-release',
        kind: 'service_account',
        function: 'custody',
        capability: 'execute',
        owner: 'luc.bernard@exemple.fr',
        status: 'active',
        credential: 'certificate',
        scopes: [SCOPE_CUSTODY],
        vendor: null,
        break_glass: false,
      },
      {
        id: 'svc-custody-breakglass',
        kind: 'service_account',
        function: 'custody',
        capability: 'execute',
        owner: 'camille.martin@exemple.fr',
        status: 'suspended',
        credential: 'short_lived',
        scopes: [SCOPE_CUSTODY],
        vendor: null,
        break_glass: true,
      },
      {
        id: 'svc-otc-desk',
        kind: 'service_account',
        function: 'trading',
        capability: 'execute',
        owner: 'camille.martin@exemple.fr',
        status: 'active',
        credential: 'short_lived',
        scopes: [SCOPE_EXCHANGE],
        vendor: null,
        break_glass: false,
      },
      {
        id: 'svc-matching-engine',
        kind: 'workload',
        function: 'trading',
        capability: 'execute',
        owner: 'camille.martin@exemple.fr',
        status: 'active',
        credential: 'short_lived',
        scopes: [SCOPE_EXCHANGE],
        vendor: null,
        break_glass: false,
      },
      {
        id: 'api-chainalysis',
        kind: 'api_key',
        function: 'aml_screening',
        capability: 'observe',
        owner: 'sophie.leroy@exemple.fr',
        status: 'active',
        credential: 'static_secret',
        scopes: [SCOPE_CUSTODY, SCOPE_EXCHANGE],
        vendor: 'vendor-chainalysis',
        break_glass: false,
      },
      {
        id: 'api-market-data',
        kind: 'api_key',
        function: 'market_data',
        capability: 'observe',
        owner: 'sophie.leroy@exemple.fr',
        status: 'active',
        credential: 'static_secret',
        scopes: [SCOPE_EXCHANGE],
        vendor: 'vendor-kaiko',
        break_glass: false,
      },
      {
        id: 'svc-reporting',
        kind: 'service_account',
        function: 'reporting',
        capability: 'observe',
        owner: 'paul.durand@exemple.fr',
        status: 'active',
        credential: 'short_lived',
        scopes: [SCOPE_CUSTODY],
        vendor: null,
        break_glass: false,
      },
      {
        id: 'agent-reconciliation',
        kind: 'ai_agent',
        function: 'reconciliation',
        capability: 'observe',
        owner: 'sophie.leroy@exemple.fr',
        status: 'active',
        credential: 'short_lived',
        scopes: [SCOPE_CUSTODY],
        vendor: null,
        break_glass: false,
      },
    ],
  },
  authorisations: [
    {
      id: 'auth-fr-custody',
      service: 'custody',
      status: 'authorised',
      basis: 'home',
      reference: 'AMF E2026-001',
      history: [
        {
          seq: 12,
          at: '2026-01-15T09:00:00Z',
          actor: 'compliance@exemple.fr',
          action: 'authorisation.created',
          subject: { type: 'authorisation', id: 'auth-fr-custody' },
          reason: 'Imported from the AMF register',
        },
        {
          seq: 140,
          at: '2026-03-02T14:30:00Z',
          actor: 'compliance@exemple.fr',
          action: 'authorisation.transition',
          subject: { type: 'authorisation', id: 'auth-fr-custody' },
          reason: 'Authorisation granted by AMF decision E2026-001',
        },
      ],
    },
    {
      id: 'auth-fr-exchange',
      service: 'exchange_crypto',
      status: 'restricted',
      basis: 'home',
      reference: 'AMF E2026-002',
      history: [
        {
          seq: 13,
          at: '2026-01-15T09:00:00Z',
          actor: 'compliance@exemple.fr',
          action: 'authorisation.created',
          subject: { type: 'authorisation', id: 'auth-fr-exchange' },
          reason: null,
        },
        {
          seq: 1010,
          at: '2026-11-18T07:45:00Z',
          actor: 'compliance@exemple.fr',
          action: 'authorisation.transition',
          subject: { type: 'authorisation', id: 'auth-fr-exchange' },
          reason: 'AMF restricted OTC execution pending a remediation plan',
        },
      ],
    },
  ],
  approvals: [
    {
      id: 'apr-0042',
      kind: 'exception',
      status: 'approved',
      requester: 'sophie.leroy@exemple.fr',
      approvers: ['camille.martin@exemple.fr', 'ciso@exemple.fr'],
      decided_at: '2026-10-01T11:00:00Z',
      summary: 'Accept manual quarterly rotation of the Chainalysis API key until 2026-12-31',
    },
    {
      id: 'apr-0057',
      kind: 'transition',
      status: 'pending',
      requester: 'compliance@exemple.fr',
      approvers: [],
      decided_at: null,
      summary: 'Suspend svc-otc-desk while exchange_crypto is restricted',
    },
  ],
  exceptions: [
    {
      id: 'exc-chainalysis-rotation',
      identity: 'api-chainalysis',
      control: 'owasp-nhi:NHI7',
      status: 'active',
      expires_at: '2026-12-31T00:00:00Z',
      justification: 'Vendor API offers no rotation endpoint; rotated by hand each quarter under ticket SEC-311.',
    },
    {
      id: 'exc-old-migration',
      identity: 'svc-migrator',
      control: 'owasp-nhi:NHI1',
      status: 'expired',
      expires_at: '2026-11-01T00:00:00Z',
      justification: 'Data migration identity kept for the cut-over weekend.',
    },
  ],
  policies: {
    version: 7,
    digest: 'sha256:4f1c2a9e0b7d5c3e8a6f1b2d4c9e7a5f3b1d8c6e4a2f0b9d7c5e3a1f8b6d4c2e',
    ids: ['custody-execute', 'exchange-execute', 'observe-read-only', 'break-glass'],
  },
  ledger: {
    origin: 'mandate.exemple.fr/ledger',
    size: 1042,
    root: '8h0xXj1ts4YxH9fq3z0nq3qkq4dU0n7cZ0mJ0rM3v9I=',
    checkpoint:
      'mandate.exemple.fr/ledger\n1042\n8h0xXj1ts4YxH9fq3z0nq3qkq4dU0n7cZ0mJ0rM3v9I=\n\n— mandate.exemple.fr/ledger ' +
      'Az3rT1mOqv0C0jzQ8mU1a6oYbX9tW2pK7dL4sR5eN3gH1fJ6cV8yB0uI2wE4qT9rZ5xA7nM3kP1sD6fG8hJ2lQ==\n',
    cited: 9,
  },
};

/** The realistic pack (a fresh deep copy). */
export function evidenceFixture(): EvidenceData {
  return structuredClone(DATA);
}

/** A pack with nothing in it: no checks, findings, services, identities or history. */
export function emptyEvidence(): EvidenceData {
  return {
    generated_at: '2026-11-22T10:15:00Z',
    as_of: '2026-11-22T10:00:00Z',
    entity: { id: 'ent-empty', name: 'Empty Holdings SA', lei: withLeiCheckDigits('5493000EMPTY000001'), home: 'LU' },
    jurisdiction: 'LU',
    catalogue: { version: '2026.11', controls: [] },
    checks: [],
    findings: [],
    readiness: [],
    trend: [],
    inventory: { total: 0, by_kind: {}, by_capability: {}, by_credential: {}, identities: [] },
    authorisations: [],
    approvals: [],
    exceptions: [],
    policies: { version: 0, digest: '', ids: [] },
    ledger: { origin: 'mandate.local/ledger', size: 0, root: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', checkpoint: '', cited: 0 },
  };
}

// ---- random packs for property tests ------------------------------------------------------------

const REAL_CONTROLS = ['owasp-nhi:NHI7', 'nist-csf:PR.AA-05', 'dora:rts-2024-1774:art-21', 'mica:art-64-withdrawal', 'cra:annex-i:2-d'];
const messy = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '',
    ' ',
    '\n',
    '\t\t',
    '  leading',
    'trailing  ',
    'a\r\nb',
    '\u00a0nbsp\u2003',
    '\u2028sep\u2029',
    'Zürich – Łódź 東京 🚀',
    '<script>alert(1)</script>',
    'é',
  ),
);
const name = fc.oneof(fc.constantFrom('svc-a', 'svc-b', 'api-key-1', 'ent-fr'), messy);
const controlId = fc.oneof(fc.constantFrom(...REAL_CONTROLS), fc.constantFrom('x:1', '9:nine', 'owasp-nhi:NHI99'), messy);
const when = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const maybeWhen = fc.oneof(when, fc.constantFrom('', 'not a date', '2026-11-22'));
const severity = fc.constantFrom<Severity>('low', 'medium', 'high', 'critical');
const count = fc.oneof(fc.nat(10_000), fc.integer({ min: -3, max: 3 }));

const control: fc.Arbitrary<Control> = fc.record({
  id: controlId,
  framework: fc.constantFrom<Control['framework']>('owasp-nhi-2025', 'nist-csf-2.0', 'mica', 'dora', 'cra'),
  ref: messy,
  title: messy,
  description: messy,
});
const check: fc.Arbitrary<CheckResult> = fc.record({
  check: name,
  title: messy,
  description: messy,
  severity,
  controls: fc.array(controlId, { maxLength: 4 }),
  evaluated: count,
  failed: count,
});
const finding: fc.Arbitrary<Finding> = fc.record({
  id: name,
  check: name,
  severity,
  status: fc.constantFrom<FindingStatus>('open', 'acknowledged', 'resolved', 'accepted_risk'),
  subject: fc.record({ type: fc.oneof(fc.constantFrom('identity', 'exception', 'approval'), messy), id: name }),
  title: messy,
  detail: messy,
  owner: fc.option(messy),
  controls: fc.array(controlId, { maxLength: 4 }),
  scopes: fc.array(messy, { maxLength: 3 }),
  first_seen: maybeWhen,
  last_seen: maybeWhen,
  due_at: maybeWhen,
  resolved_at: fc.option(maybeWhen),
  exception: fc.option(messy),
  evidence: fc.array(fc.integer({ min: -5, max: 1_000_000 }), { maxLength: 5 }),
});
const identityRecord = fc.record({
  id: name,
  kind: messy,
  function: messy,
  capability: messy,
  owner: fc.option(messy),
  status: messy,
  credential: messy,
  scopes: fc.array(messy, { maxLength: 3 }),
  vendor: fc.option(messy),
  break_glass: fc.boolean(),
});
/**
 * Random but well-typed packs: messy text (white space, unicode, lone surrogates, markup), odd ids and counts, dates that may not parse.
 */
export const evidenceArb: fc.Arbitrary<EvidenceData> = fc.record({
  generated_at: when,
  as_of: maybeWhen,
  entity: fc.record({ id: name, name: messy, lei: messy, home: messy }),
  jurisdiction: messy,
  catalogue: fc.record({ version: messy, controls: fc.array(control, { maxLength: 5 }) }),
  checks: fc.array(check, { maxLength: 6 }),
  findings: fc.array(finding, { maxLength: 8 }),
  readiness: fc.array(
    fc.record({
      entity: name,
      jurisdiction: messy,
      service: messy,
      authorisation: fc.option(fc.record({ id: name, status: messy, basis: messy, reference: messy })),
      score: fc.double({ min: 0, max: 100, noNaN: true }),
      identities: count,
      open_findings: count,
      blocking: fc.array(fc.record({ id: name, severity, title: messy, owner: fc.option(messy) }), { maxLength: 3 }),
      owners_to_chase: fc.array(fc.record({ owner: messy, findings: count }), { maxLength: 2 }),
      deadlines: fc.array(fc.record({ what: messy, at: maybeWhen, days_left: fc.integer({ min: -400, max: 400 }) }), { maxLength: 2 }),
    }),
    { maxLength: 3 },
  ),
  trend: fc.array(fc.record({ at: maybeWhen, score: fc.double({ min: 0, max: 100, noNaN: true }) }), { maxLength: 8 }),
  inventory: fc.record({
    total: count,
    by_kind: fc.dictionary(messy, count, { maxKeys: 3 }),
    by_capability: fc.dictionary(messy, count, { maxKeys: 2 }),
    by_credential: fc.dictionary(messy, count, { maxKeys: 3 }),
    identities: fc.array(identityRecord, { maxLength: 5 }),
  }),
  authorisations: fc.array(
    fc.record({
      id: name,
      service: messy,
      status: messy,
      basis: messy,
      reference: messy,
      history: fc.array(
        fc.record({
          seq: fc.nat(),
          at: maybeWhen,
          actor: messy,
          action: messy,
          subject: fc.record({ type: messy, id: name }),
          reason: fc.option(messy),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 2 },
  ),
  approvals: fc.array(
    fc.record({
      id: name,
      kind: messy,
      status: messy,
      requester: messy,
      approvers: fc.array(messy, { maxLength: 2 }),
      decided_at: fc.option(maybeWhen),
      summary: messy,
    }),
    { maxLength: 2 },
  ),
  exceptions: fc.array(
    fc.record({ id: name, identity: name, control: controlId, status: messy, expires_at: maybeWhen, justification: messy }),
    { maxLength: 2 },
  ),
  policies: fc.record({ version: fc.nat(), digest: messy, ids: fc.array(messy, { maxLength: 3 }) }),
  ledger: fc.record({ origin: messy, size: fc.nat(), root: messy, checkpoint: messy, cited: fc.nat() }),
});
