// The Cyber Resilience Act's Article 14 reports: actively exploited vulnerabilities and severe
// incidents affecting a product, with their reporting clock (src/core/cra-clock.ts), the identities
// that can touch the product (its blast radius) and the revocation of all their tokens in one step.
// Every change is one transaction with its ledger events (subject {type: 'cra_report', id}).
import { randomBytes } from 'node:crypto';
import {
  checkMilestone,
  CRA_CLOCK_SKEW_MS,
  CRA_MILESTONES,
  deadlines,
  dueOf,
  milestoneLabel,
  type CraMilestone,
  type CraReportKind,
  type CraReportStatus,
  type Deadline,
} from '../core/cra-clock.js';
import { MandateError } from '../core/errors.js';
import type { Identity } from '../core/model.js';
import { parseTimestamp } from '../core/time.js';
import { appendEvents, type NewEvent } from '../ledger/log.js';
import { bumpGenerations } from '../state/generations.js';
import { getRecord } from '../state/records.js';
import type { Database, Sql } from '../store/db.js';

export interface MilestoneEntry {
  at: string;
  reference: string;
  /** Who recorded it (user:…). */
  by: string;
  recorded_at: string;
}

/** What cra_reports.doc holds (the columns hold product, kind, status, aware_at and owner). */
interface ReportDoc {
  title: string;
  description?: string;
  opened_by: string;
  milestones: Partial<Record<CraMilestone, MilestoneEntry>>;
  closed?: { at: string; by: string; reason: string };
  revocations?: { at: string; by: string; reason: string; identities: number }[];
}

interface ReportRow {
  id: string;
  product: string;
  kind: string;
  status: string;
  aware_at: string;
  owner: string;
  doc: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface CraReport {
  id: string;
  product: string;
  kind: CraReportKind;
  status: CraReportStatus;
  title: string;
  description: string | null;
  aware_at: string;
  owner: string;
  opened_by: string;
  milestones: ({ milestone: CraMilestone } & MilestoneEntry)[];
  deadlines: Deadline[];
  /** The deadlines missed so far. */
  missed: string[];
  closed: { at: string; by: string; reason: string } | null;
  revocations: { at: string; by: string; reason: string; identities: number }[];
  version: number;
  created_at: string;
  updated_at: string;
}

export interface OpenInput {
  product: string;
  kind: CraReportKind;
  title: string;
  description?: string;
  aware_at: string;
  owner: string;
}

export interface MilestoneInput {
  milestone: CraMilestone;
  at?: string;
  reference: string;
}

export interface BlastRadiusEntry {
  identity: string;
  kind: string;
  function: string;
  capability: string;
  status: string;
  /** null: every release channel of the product. */
  channel: string | null;
  actions: string[];
  owner: string | null;
  vendor: string | null;
}

export interface BlastRadius {
  report: string;
  product: string;
  identities: BlastRadiusEntry[];
  counts: {
    identities: number;
    by_status: Record<string, number>;
    by_capability: Record<string, number>;
    by_function: Record<string, number>;
  };
}

export interface TokensRevoked {
  report: string;
  product: string;
  revoked_at: string;
  identities: { identity: string; generation: number }[];
  count: number;
}

function toReport(r: ReportRow, now: number): CraReport {
  const doc = JSON.parse(r.doc) as ReportDoc;
  const kind = r.kind as CraReportKind;
  const clock = { kind, aware_at: r.aware_at, milestones: doc.milestones, closed_at: doc.closed?.at ?? null };
  const ds = deadlines(clock, now);
  return {
    id: r.id,
    product: r.product,
    kind,
    status: r.status as CraReportStatus,
    title: doc.title,
    description: doc.description ?? null,
    aware_at: r.aware_at,
    owner: r.owner,
    opened_by: doc.opened_by,
    milestones: CRA_MILESTONES.flatMap((m) => (doc.milestones[m] ? [{ milestone: m, ...doc.milestones[m] }] : [])),
    deadlines: ds,
    missed: ds.filter((d) => d.state === 'missed').map((d) => d.milestone),
    closed: doc.closed ?? null,
    revocations: doc.revocations ?? [],
    version: Number(r.version),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** A time as stored (UTC, so the stores compare it as text), or a refusal naming the field. */
function instant(value: string, field: string, now: number): number {
  const t = parseTimestamp(value);
  if (!Number.isFinite(t)) throw new MandateError('VALIDATION_FAILED', `${field.slice(1)} is not a real time: ${value}`, { field });
  if (t > now + CRA_CLOCK_SKEW_MS) throw new MandateError('VALIDATION_FAILED', `${field.slice(1)} is in the future: ${value}`, { field });
  return t;
}

export interface CraDeps {
  db: Database;
  clock: () => Date;
}

export function craService({ db, clock }: CraDeps) {
  async function row(sql: Sql, id: string, lock = false): Promise<ReportRow> {
    const [r] = await sql.all<ReportRow>(
      `SELECT * FROM cra_reports WHERE id = ?${lock && sql.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (!r) throw new MandateError('NOT_FOUND', `no CRA report with id ${id}`);
    return r;
  }

  async function save(tx: Sql, r: ReportRow, doc: ReportDoc, at: string, status = r.status): Promise<void> {
    const n = await tx.run(
      'UPDATE cra_reports SET status = ?, doc = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?',
      [status, JSON.stringify(doc), at, r.id, r.version],
    );
    if (!n) throw new MandateError('PRECONDITION_FAILED', `CRA report ${r.id} changed meanwhile; try again`);
  }

  /** The identities with a product scope naming the product, one entry per scope (channel). */
  async function radius(sql: Sql, product: string): Promise<BlastRadiusEntry[]> {
    const rows = await sql.all<{ identity_id: string; channel: string; doc: string }>(
      'SELECT p.identity_id, p.channel, i.doc FROM identity_products p JOIN identities i ON i.id = p.identity_id ' +
        'WHERE p.product = ? ORDER BY p.identity_id, p.channel',
      [product],
    );
    return rows.map((r) => {
      const i = JSON.parse(r.doc) as Identity;
      return {
        identity: r.identity_id,
        kind: i.kind,
        function: i.function,
        capability: i.capability,
        status: i.status,
        channel: r.channel === '' ? null : r.channel,
        actions: i.actions,
        owner: i.owner ?? null,
        vendor: i.vendor ?? null,
      };
    });
  }

  return {
    async open(actor: string, input: OpenInput): Promise<CraReport> {
      const now = clock();
      const at = now.toISOString();
      const aware = new Date(instant(input.aware_at, '/aware_at', now.getTime())).toISOString();
      const id = `cra_${randomBytes(8).toString('hex')}`;
      await db.transaction(async (tx) => {
        if (!(await getRecord(tx, 'product', input.product)))
          throw new MandateError('INVALID_RECORD', `no product with id ${input.product}`, { field: '/product' });
        const owner = await getRecord(tx, 'person', input.owner);
        if (!owner)
          throw new MandateError('INVALID_RECORD', `no person ${input.owner}: the owner is one of the firm's people`, { field: '/owner' });
        if (owner.record.status === 'departed')
          throw new MandateError('INVALID_RECORD', `${input.owner} has left the firm: name a current owner`, { field: '/owner' });
        const doc: ReportDoc = {
          title: input.title,
          ...(input.description ? { description: input.description } : {}),
          opened_by: actor,
          milestones: {},
        };
        await tx.run(
          'INSERT INTO cra_reports (id, product, kind, status, aware_at, owner, doc, version, created_at, updated_at) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [id, input.product, input.kind, 'open', aware, input.owner, JSON.stringify(doc), 1, at, at],
        );
        const clockInput = { kind: input.kind, aware_at: aware, milestones: {} };
        await appendEvents(tx, at, [
          {
            actor,
            action: 'cra_report.opened',
            subject: { type: 'cra_report', id },
            after: {
              product: input.product,
              kind: input.kind,
              title: input.title,
              ...(input.description ? { description: input.description } : {}),
              aware_at: aware,
              owner: input.owner,
              early_warning_due: new Date(dueOf(clockInput, 'early_warning')!).toISOString(),
              notification_due: new Date(dueOf(clockInput, 'notification')!).toISOString(),
            },
          },
        ]);
      });
      return toReport(await row(db, id), clock().getTime());
    },

    async get(id: string): Promise<CraReport> {
      return toReport(await row(db, id), clock().getTime());
    },

    async list(q: { product?: string; status?: CraReportStatus; limit?: number }): Promise<CraReport[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.product) {
        where.push('product = ?');
        params.push(q.product);
      }
      if (q.status) {
        where.push('status = ?');
        params.push(q.status);
      }
      const rows = await db.all<ReportRow>(
        `SELECT * FROM cra_reports${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY aware_at DESC, id LIMIT ?`,
        [...params, q.limit ?? 100],
      );
      const now = clock().getTime();
      return rows.map((r) => toReport(r, now));
    },

    async recordMilestone(actor: string, id: string, input: MilestoneInput): Promise<CraReport> {
      const now = clock();
      const at = now.toISOString();
      await db.transaction(async (tx) => {
        const r = await row(tx, id, true);
        const doc = JSON.parse(r.doc) as ReportDoc;
        const when = input.at === undefined ? now.getTime() : parseTimestamp(input.at);
        const clockInput = {
          kind: r.kind as CraReportKind,
          aware_at: r.aware_at,
          milestones: doc.milestones,
          closed_at: doc.closed?.at ?? null,
        };
        const problem = checkMilestone(clockInput, input.milestone, when, now.getTime());
        if (problem)
          throw new MandateError(problem.code, `${milestoneLabel(input.milestone)} of ${id}: ${problem.reason}`, { field: problem.field });
        const entry: MilestoneEntry = { at: new Date(when).toISOString(), reference: input.reference, by: actor, recorded_at: at };
        doc.milestones = { ...doc.milestones, [input.milestone]: entry };
        await save(tx, r, doc, at);
        const deadline = deadlines({ ...clockInput, milestones: doc.milestones }, now.getTime()).find(
          (d) => d.milestone === input.milestone,
        );
        await appendEvents(tx, at, [
          {
            actor,
            action: 'cra_report.milestone_recorded',
            subject: { type: 'cra_report', id },
            after: {
              product: r.product,
              kind: r.kind,
              milestone: input.milestone,
              at: entry.at,
              reference: input.reference,
              ...(deadline ? { due_at: deadline.due_at, state: deadline.state, article: deadline.article } : {}),
            },
          },
        ]);
      });
      return toReport(await row(db, id), clock().getTime());
    },

    async close(actor: string, id: string, reason: string): Promise<CraReport> {
      const now = clock();
      const at = now.toISOString();
      await db.transaction(async (tx) => {
        const r = await row(tx, id, true);
        if (r.status === 'closed') throw new MandateError('INVALID_TRANSITION', `CRA report ${id} is already closed`);
        const doc = JSON.parse(r.doc) as ReportDoc;
        doc.closed = { at, by: actor, reason };
        await save(tx, r, doc, at, 'closed');
        const clockInput = { kind: r.kind as CraReportKind, aware_at: r.aware_at, milestones: doc.milestones, closed_at: at };
        const missed = deadlines(clockInput, now.getTime())
          .filter((d) => d.state === 'missed')
          .map((d) => d.milestone);
        await appendEvents(tx, at, [
          {
            actor,
            action: 'cra_report.closed',
            subject: { type: 'cra_report', id },
            before: { status: 'open' },
            after: { product: r.product, kind: r.kind, status: 'closed', missed },
            reason,
          },
        ]);
      });
      return toReport(await row(db, id), clock().getTime());
    },

    async blastRadius(id: string): Promise<BlastRadius> {
      const r = await row(db, id);
      const identities = await radius(db, r.product);
      const distinct = new Map(identities.map((e) => [e.identity, e]));
      const tally = (pick: (e: BlastRadiusEntry) => string) => {
        const out: Record<string, number> = {};
        for (const e of distinct.values()) out[pick(e)] = (out[pick(e)] ?? 0) + 1;
        return out;
      };
      return {
        report: r.id,
        product: r.product,
        identities,
        counts: {
          identities: distinct.size,
          by_status: tally((e) => e.status),
          by_capability: tally((e) => e.capability),
          by_function: tally((e) => e.function),
        },
      };
    },

    /**
     * Ends every token of every identity that can touch the report's product, in one transaction:
     * each identity's token generation moves on (src/state/generations.ts), so enforcement points
     * refuse its tokens at once (the hub follows `identity.tokens_revoked`, one per identity), and
     * one `cra_report.tokens_revoked` summarises the step on the report.
     */
    async revokeTokens(actor: string, id: string, reason: string): Promise<TokensRevoked> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const r = await row(tx, id, true);
        const ids = [...new Set((await radius(tx, r.product)).map((e) => e.identity))];
        const generations = await bumpGenerations(tx, ids, at);
        const doc = JSON.parse(r.doc) as ReportDoc;
        doc.revocations = [...(doc.revocations ?? []), { at, by: actor, reason, identities: ids.length }];
        await save(tx, r, doc, at);
        const why = `CRA report ${id} (${r.product}): ${reason}`;
        const events: NewEvent[] = ids.map((identity) => ({
          actor,
          action: 'identity.tokens_revoked',
          subject: { type: 'identity', id: identity },
          after: { generation: generations.get(identity)!, cra_report: id, product: r.product },
          reason: why,
        }));
        events.push({
          actor,
          action: 'cra_report.tokens_revoked',
          subject: { type: 'cra_report', id },
          after: { product: r.product, count: ids.length, identities: ids.slice(0, 1000) },
          reason,
        });
        await appendEvents(tx, at, events);
        return {
          report: id,
          product: r.product,
          revoked_at: at,
          identities: ids.map((identity) => ({ identity, generation: generations.get(identity)! })),
          count: ids.length,
        };
      });
    },
  };
}
export type CraService = ReturnType<typeof craService>;
