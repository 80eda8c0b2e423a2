// What the compliance routes answer: controls, checks and their runs, findings, readiness and
// leaked-secret reports (src/compliance/service.ts, leaks.ts; the shapes of core/evidence.ts).
// Imports only TypeBox and core schemas, so the console can import the types.
import { Type, type Static } from '@sinclair/typebox';
import { Enum } from '../core/model.js';
import { Nullable } from '../http/responses.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const FINDING_STATUSES = ['open', 'acknowledged', 'resolved', 'accepted_risk'] as const;
const Severity = Enum(SEVERITIES);

export const ControlSchema = Type.Object(
  {
    id: Type.String({ description: 'e.g. owasp-nhi:NHI7, nist-csf:PR.AA-05, mica:art-64' }),
    framework: Enum(['owasp-nhi-2025', 'nist-csf-2.0', 'mica', 'dora', 'cra'] as const),
    ref: Type.String(),
    title: Type.String(),
    description: Type.String(),
  },
  { title: 'Control' },
);
export type ControlView = Static<typeof ControlSchema>;

export const CatalogueSchema = Type.Object({ version: Type.String(), controls: Type.Array(ControlSchema) }, { title: 'ControlCatalogue' });

export const CheckSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    description: Type.String(),
    severity: Severity,
    controls: Type.Array(Type.String()),
    accepted_by: Type.Array(Type.String(), { description: 'exception controls that accept its risk' }),
  },
  { title: 'Check' },
);

export const RunSummarySchema = Type.Object(
  {
    id: Type.String(),
    at: Type.String(),
    trigger: Type.String(),
    checks: Type.Array(
      Type.Object({
        check: Type.String(),
        title: Type.String(),
        description: Type.String(),
        severity: Severity,
        controls: Type.Array(Type.String()),
        evaluated: Type.Integer(),
        failed: Type.Integer(),
      }),
    ),
    counts: Type.Object({
      open: Type.Integer(),
      opened: Type.Integer(),
      resolved: Type.Integer(),
      reopened: Type.Integer(),
      accepted_risk: Type.Integer(),
    }),
    duration_ms: Type.Number(),
  },
  { title: 'CheckRun' },
);

export const FindingSchema = Type.Object(
  {
    id: Type.String({ description: '<check>:<subject id>' }),
    check: Type.String(),
    severity: Severity,
    status: Enum(FINDING_STATUSES),
    subject: Type.Object({ type: Type.String(), id: Type.String() }),
    title: Type.String(),
    detail: Type.String(),
    owner: Nullable(Type.String()),
    controls: Type.Array(Type.String()),
    scopes: Type.Array(Type.String()),
    first_seen: Type.String(),
    last_seen: Type.String(),
    due_at: Type.String(),
    resolved_at: Nullable(Type.String()),
    exception: Nullable(Type.String({ description: 'the exception that accepts the risk' })),
    evidence: Type.Array(Type.Integer(), { description: 'ledger events (sequence numbers) it rests on' }),
    acknowledged_by: Nullable(Type.String()),
    occurrences: Type.Integer(),
  },
  { title: 'Finding' },
);
export type FindingView = Static<typeof FindingSchema>;

export const LagSchema = Type.Record(
  Type.String(),
  Type.Object({
    resolved: Type.Integer(),
    p50_hours: Type.Number(),
    p90_hours: Type.Number(),
    max_hours: Type.Number(),
    overdue_open: Type.Integer(),
  }),
  { title: 'RemediationLag', description: 'by severity' },
);

export const ReadinessItemSchema = Type.Object(
  {
    entity: Type.String(),
    jurisdiction: Type.String(),
    service: Type.String(),
    authorisation: Nullable(Type.Object({ id: Type.String(), status: Type.String(), basis: Type.String(), reference: Type.String() })),
    score: Type.Number({ description: '0–100: 100 with no open finding in the scope' }),
    identities: Type.Integer(),
    open_findings: Type.Integer(),
    blocking: Type.Array(Type.Object({ id: Type.String(), severity: Severity, title: Type.String(), owner: Nullable(Type.String()) })),
    owners_to_chase: Type.Array(Type.Object({ owner: Type.String(), findings: Type.Integer() })),
    deadlines: Type.Array(Type.Object({ what: Type.String(), at: Type.String(), days_left: Type.Integer() })),
  },
  { title: 'Readiness' },
);
export type ReadinessItemView = Static<typeof ReadinessItemSchema>;

export const ReadinessSchema = Type.Object(
  {
    run: Nullable(Type.Object({ id: Type.String(), at: Type.String() })),
    items: Type.Array(ReadinessItemSchema),
  },
  { title: 'ReadinessReport' },
);

export const TrendSchema = Type.Object(
  { items: Type.Array(Type.Object({ at: Type.String(), score: Type.Number() })) },
  { title: 'ReadinessTrend' },
);

export const LeakIngestSchema = Type.Object(
  {
    format: Type.String(),
    received: Type.Integer(),
    opened: Type.Integer(),
    seen_again: Type.Integer(),
    matched: Type.Integer(),
  },
  { title: 'LeakIngest' },
);

export const LeakSchema = Type.Object(
  {
    id: Type.String(),
    fingerprint: Type.String({ description: 'SHA-256 of the secret; the secret is never kept' }),
    identity: Nullable(Type.String()),
    detector: Type.Optional(Type.String()),
    where: Type.Optional(Type.String()),
    verified: Type.Optional(Nullable(Type.Boolean())),
    format: Type.Optional(Type.String()),
    first_seen: Type.String(),
    last_seen: Type.String(),
    resolved_at: Nullable(Type.String()),
  },
  { title: 'LeakedSecret', additionalProperties: true },
);
