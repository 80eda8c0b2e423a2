// The check runner: gathers the facts (facts.ts), runs the pure checks of core/checks.ts, and keeps
// findings with a lifecycle: a finding is the same one from run to run (its id is check and
// subject), re-running changes nothing that did not change, a cause that went away resolves its
// finding and one that came back reopens it. Each run records readiness per (entity, member state,
// service), so a trend, or the state on a deadline day, can be shown. One run at a time.
import { createHash, randomBytes } from 'node:crypto';
import {
  CHECKS,
  DEFAULT_CHECK_SETTINGS,
  readinessScore,
  REMEDIATION_DAYS,
  worse,
  type CheckFacts,
  type CheckSettings,
  type Failure,
} from '../core/checks.js';
import type { CheckResult, FindingStatus, Severity } from '../core/evidence.js';
import { scopeKey } from '../core/lifecycle.js';
import { appendEvents } from '../ledger/log.js';
import { insertMany, type Database } from '../store/db.js';
import { gatherFacts, type ExtraFindings, type UsageUpdate } from './facts.js';
import { DAY, groupByScope, type FindingDoc, type FindingRow } from './findings.js';

const OPEN: readonly string[] = ['open', 'acknowledged', 'accepted_risk'];

export interface RunSummary {
  id: string;
  at: string;
  trigger: string;
  checks: CheckResult[];
  counts: { open: number; opened: number; resolved: number; reopened: number; accepted_risk: number };
  duration_ms: number;
}

export interface CheckRunDeps {
  db: Database;
  clock: () => Date;
  /** Findings other capabilities contribute: lapsed access reviews, discovery's suggestions. */
  extraFindings: ExtraFindings;
  settings?: CheckSettings | undefined;
}

export function checkRunService({ db, clock, extraFindings, settings = DEFAULT_CHECK_SETTINGS }: CheckRunDeps) {
  let running: Promise<RunSummary> | undefined;

  async function runOnce(trigger: string): Promise<RunSummary> {
    const started = Date.now();
    const now = clock();
    const at = now.toISOString();
    const usageUpdate: UsageUpdate = { rows: [], cursor: 0 };
    const facts = await gatherFacts(db, now, settings, usageUpdate, extraFindings);
    const results: CheckResult[] = [];
    const current = new Map<string, { check: (typeof CHECKS)[number]; failure: Failure; severity: Severity }>();
    for (const check of CHECKS) {
      const { evaluated, failures } = check.run(facts);
      results.push({
        check: check.id,
        title: check.title,
        description: check.description,
        severity: check.severity,
        controls: check.controls,
        evaluated,
        failed: failures.length,
      });
      for (const failure of failures)
        current.set(`${check.id}:${failure.subject.id}`, { check, failure, severity: failure.severity ?? check.severity });
    }
    // Exceptions that accept a check's risk, by identity.
    const accepting = new Map<string, { id: string; control: string }[]>();
    for (const e of facts.exceptions)
      if (e.status === 'active')
        (accepting.get(e.identity) ?? accepting.set(e.identity, []).get(e.identity)!).push({ id: e.id, control: e.control });
    const id = `run_${randomBytes(8).toString('hex')}`;
    return db.transaction(async (tx) => {
      const existing = new Map((await tx.all<FindingRow>('SELECT * FROM compliance_findings')).map((r) => [r.id, r]));
      const counts = { open: 0, opened: 0, resolved: 0, reopened: 0, accepted_risk: 0 };
      const opened: string[] = [];
      const resolved: string[] = [];
      const accepted = new Set<string>();
      const rows: (string | number | null)[][] = [];
      for (const [fid, { check, failure, severity }] of current) {
        const prior = existing.get(fid);
        const exception =
          failure.subject.type === 'identity' && check.accepted_by
            ? (accepting.get(failure.subject.id) ?? []).find((e) => check.accepted_by!.includes(e.control))
            : undefined;
        const wasOpen = prior && OPEN.includes(prior.status);
        const firstSeen = wasOpen ? prior.first_seen : failure.since && failure.since < at ? failure.since : at;
        const status: FindingStatus = exception ? 'accepted_risk' : wasOpen && prior.status === 'acknowledged' ? 'acknowledged' : 'open';
        if (!prior) {
          counts.opened++;
          opened.push(fid);
        } else if (!wasOpen) {
          counts.reopened++;
          opened.push(fid);
        }
        if (status === 'accepted_risk') counts.accepted_risk++;
        else counts.open++;
        const doc: FindingDoc = {
          title: failure.title,
          detail: failure.detail,
          owner: failure.owner,
          controls: check.controls,
          scopes: failure.scopes,
        };
        const due = wasOpen ? prior.due_at : new Date(Date.parse(firstSeen) + REMEDIATION_DAYS[severity] * DAY).toISOString();
        const docText = JSON.stringify(doc);
        // Unchanged since the last run: only its last sighting moves (one UPDATE for all, below).
        if (
          wasOpen &&
          prior.status === status &&
          prior.severity === severity &&
          prior.doc === docText &&
          prior.exception_id === (exception?.id ?? null)
        ) {
          if (status === 'accepted_risk') accepted.add(fid);
          continue;
        }
        if (status === 'accepted_risk') accepted.add(fid);
        rows.push([
          fid,
          check.id,
          severity,
          status,
          failure.subject.type,
          failure.subject.id,
          docText,
          firstSeen,
          at,
          due,
          null,
          wasOpen ? prior.acknowledged_by : null,
          wasOpen ? prior.acknowledged_at : null,
          exception?.id ?? null,
          prior ? Number(prior.occurrences) + (wasOpen ? 0 : 1) : 1,
        ]);
      }
      for (const [fid, prior] of existing) {
        if (current.has(fid) || !OPEN.includes(prior.status)) continue;
        counts.resolved++;
        resolved.push(fid);
        rows.push([
          fid,
          prior.check_id,
          prior.severity,
          'resolved',
          prior.subject_type,
          prior.subject_id,
          prior.doc,
          prior.first_seen,
          prior.last_seen,
          prior.due_at,
          at,
          prior.acknowledged_by,
          prior.acknowledged_at,
          prior.exception_id,
          Number(prior.occurrences),
        ]);
      }
      await insertMany(
        tx,
        'compliance_findings',
        [
          'id',
          'check_id',
          'severity',
          'status',
          'subject_type',
          'subject_id',
          'doc',
          'first_seen',
          'last_seen',
          'due_at',
          'resolved_at',
          'acknowledged_by',
          'acknowledged_at',
          'exception_id',
          'occurrences',
        ],
        rows,
        `ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, status = excluded.status, doc = excluded.doc,
          first_seen = excluded.first_seen, last_seen = excluded.last_seen,
           due_at = excluded.due_at, resolved_at = excluded.resolved_at, acknowledged_by = excluded.acknowledged_by,
             acknowledged_at = excluded.acknowledged_at,
           exception_id = excluded.exception_id, occurrences = excluded.occurrences`,
      );
      // Readiness of every authorised scope at this run.
      await tx.run(
        `UPDATE compliance_findings SET last_seen = ? WHERE last_seen < ? AND status IN ('open', 'acknowledged', 'accepted_risk')`,
        [at, at],
      );
      // Decision usage advanced to where this run read the log.
      await insertMany(
        tx,
        'decision_usage',
        ['identity_id', 'kind', 'value', 'last_at'],
        usageUpdate.rows,
        'ON CONFLICT (identity_id, kind, value) DO UPDATE SET last_at = CASE WHEN excluded.last_at > decision_usage.last_at THEN ' +
          'excluded.last_at ELSE decision_usage.last_at END',
      );
      await tx.run(
        `INSERT INTO compliance_cursor (name, seq) VALUES ('decision_usage', ?)
        ON CONFLICT (name) DO UPDATE SET seq = CASE WHEN excluded.seq > compliance_cursor.seq THEN excluded.seq
          ELSE compliance_cursor.seq END`,
        [usageUpdate.cursor],
      );
      const readiness = readinessOf(
        facts,
        [...current.entries()].filter(([fid]) => !accepted.has(fid)).map(([, { failure, severity }]) => ({ severity, failure })),
      );
      await insertMany(
        tx,
        'readiness_history',
        ['run_id', 'at', 'entity', 'jurisdiction', 'service', 'score', 'open_findings', 'blocking'],
        readiness.map((r) => [id, at, r.entity, r.jurisdiction, r.service, r.score, r.open, r.blocking]),
      );
      const summary: RunSummary = { id, at, trigger, checks: results, counts, duration_ms: Date.now() - started };
      await tx.run('INSERT INTO check_runs (id, at, trigger_reason, doc) VALUES (?, ?, ?, ?)', [
        id,
        at,
        trigger,
        JSON.stringify({ checks: results, counts }),
      ]);
      // The run is evidence: what it opened and resolved (ids listed up to 1,000, and a digest of all).
      const digest = (ids: string[]) => `sha256:${createHash('sha256').update(ids.sort().join('\n')).digest('hex')}`;
      await appendEvents(tx, at, [
        {
          actor: 'mandate:checks',
          action: 'checks.ran',
          subject: { type: 'check_run', id },
          after: {
            trigger,
            counts,
            checks: results.map((r) => ({ check: r.check, evaluated: r.evaluated, failed: r.failed })),
            opened: opened.slice(0, 1000),
            resolved: resolved.slice(0, 1000),
            opened_digest: digest(opened),
            resolved_digest: digest(resolved),
          },
        },
      ]);
      summary.duration_ms = Date.now() - started;
      return summary;
    });
  }

  function readinessOf(facts: CheckFacts, open: { severity: Severity; failure: Failure }[]) {
    const inScope = new Map<string, number>();
    for (const { record: i } of facts.identities)
      if (i.status === 'active' || i.status === 'suspended')
        for (const s of i.scopes) inScope.set(scopeKey(s), (inScope.get(scopeKey(s)) ?? 0) + 1);
    const { byScope, everywhere } = groupByScope(open, (o) => o.failure.scopes);
    return facts.authorisations.map((a) => {
      const key = scopeKey(a);
      const worst = new Map<string, Severity>();
      const wide: Severity[] = [];
      let count = 0;
      let blocking = 0;
      for (const { severity, failure } of [...(byScope.get(key) ?? []), ...everywhere]) {
        count++;
        if (severity === 'critical' || severity === 'high') blocking++;
        if (failure.subject.type === 'identity')
          worst.set(failure.subject.id, worst.has(failure.subject.id) ? worse(worst.get(failure.subject.id)!, severity) : severity);
        else wide.push(severity);
      }
      return {
        entity: a.entity,
        jurisdiction: a.jurisdiction,
        service: a.service,
        score: readinessScore(inScope.get(key) ?? 0, [...worst.values()], wide),
        open: count,
        blocking,
      };
    });
  }

  return {
    /** Runs every check now (one run at a time; a call during a run waits for it). */
    async run(trigger = 'manual'): Promise<RunSummary> {
      if (running) return running;
      running = runOnce(trigger).finally(() => (running = undefined));
      return running;
    },
  };
}
export type CheckRunService = ReturnType<typeof checkRunService>;
