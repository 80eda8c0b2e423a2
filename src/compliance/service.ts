// Continuous control checks: the runner (runner.ts, over the facts of facts.ts) and the findings
// register it keeps (findings.ts). This facade keeps one service for the routes, evidence packs,
// the scheduler and the wiring.
import type { CheckSettings } from '../core/checks.js';
import type { Database } from '../store/db.js';
import type { ExtraFindings } from './facts.js';
import { findingsService } from './findings.js';
import { checkRunService } from './runner.js';

export type { DiscoveryFindings, ExtraFindings, ReviewFindings } from './facts.js';
export { toFinding } from './findings.js';
export type { RunSummary } from './runner.js';

export interface ComplianceDeps {
  db: Database;
  clock: () => Date;
  /** Findings other capabilities contribute to each run (wired in src/server/container.ts). */
  extraFindings: ExtraFindings;
  /** The checks' thresholds (default DEFAULT_CHECK_SETTINGS). */
  settings?: CheckSettings | undefined;
}

export function complianceService(deps: ComplianceDeps): ComplianceService {
  return compose(deps);
}

function compose({ db, clock, extraFindings, settings }: ComplianceDeps) {
  return {
    ...checkRunService({ db, clock, extraFindings, settings }),
    ...findingsService({ db, clock }),
  };
}
export type ComplianceService = ReturnType<typeof compose>;
