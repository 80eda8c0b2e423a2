// The facts the CRA reporting-clock check reads (core/cra-checks.ts): the Article 14 reports with
// their milestones and when each was closed (cra_reports; src/cra/service.ts writes them).
import type { CraReportFact } from '../core/cra-checks.js';
import type { CraMilestone, CraReportKind, CraReportStatus } from '../core/cra-clock.js';
import type { Sql } from '../store/db.js';

export async function gatherCraReportFacts(sql: Sql): Promise<CraReportFact[]> {
  const rows = await sql.all<{ id: string; product: string; kind: string; status: string; aware_at: string; owner: string; doc: string }>(
    'SELECT id, product, kind, status, aware_at, owner, doc FROM cra_reports ORDER BY id',
  );
  return rows.map((r) => {
    const d = JSON.parse(r.doc) as { title: string; milestones: Partial<Record<CraMilestone, { at: string }>>; closed?: { at: string } };
    return {
      id: r.id,
      product: r.product,
      kind: r.kind as CraReportKind,
      status: r.status as CraReportStatus,
      title: d.title,
      owner: r.owner,
      aware_at: r.aware_at,
      milestones: d.milestones,
      closed_at: d.closed?.at ?? null,
    };
  });
}
