// The Cyber Resilience Act's reporting clock as a control check (issue 20; docs/cra.md): every
// deadline of an open Article 14 report that was missed (the early warning after 24 hours, the
// notification after 72 hours, the final report after 14 days from the corrective measure or one
// month from the incident notification) is a finding until the report is closed. The report's
// timeline and the ledger keep the miss after that (src/core/cra-clock.ts computes the deadlines).
import type { CheckDefinition, Failure } from './checks.js';
import { deadlines, milestoneLabel, type ClockInput, type CraReportStatus } from './cra-clock.js';
import { productKey } from './lifecycle.js';

/** An Article 14 report as the check reads it (cra_reports). */
export interface CraReportFact extends ClockInput {
  id: string;
  product: string;
  status: CraReportStatus;
  title: string;
  owner: string;
}

const KIND: Record<ClockInput['kind'], string> = {
  exploited_vulnerability: 'actively exploited vulnerability',
  severe_incident: 'severe incident',
};

export const CRA_REPORT_CHECKS: readonly CheckDefinition[] = [
  {
    id: 'cra-reporting-deadline-missed',
    title: 'CRA Article 14 reporting deadline missed',
    description:
      'Actively exploited vulnerabilities and severe incidents are reported on time: an early warning within 24 hours of ' +
      'awareness, a notification within 72 hours, a final report within 14 days of a corrective measure (vulnerabilities) ' +
      'or one month of the notification (incidents).',
    severity: 'critical',
    controls: ['cra:art-14'],
    run(f) {
      const open = (f.craReports ?? []).filter((r) => r.status === 'open');
      const now = f.now.getTime();
      const failures: Failure[] = [];
      for (const r of open) {
        const missed = deadlines(r, now).filter((d) => d.state === 'missed');
        for (const d of missed)
          failures.push({
            // One finding per deadline (findings are keyed by check and subject id).
            subject: { type: 'cra_deadline', id: `${r.id}:${d.milestone}` },
            title: `${r.product}: the ${milestoneLabel(d.milestone)} of ${r.id} was due ${d.due_at} (${d.article})`,
            detail:
              `${KIND[r.kind]} "${r.title}", aware since ${r.aware_at}: ` +
              (d.submitted_at
                ? `submitted late, at ${d.submitted_at}.`
                : `not yet submitted: submit it, then record it with mandate cra milestone ${r.id} --milestone ${d.milestone}.`),
            owner: r.owner,
            scopes: [productKey(r.product)],
            since: d.due_at!,
          });
      }
      return { evaluated: open.length, failures };
    },
  },
];
