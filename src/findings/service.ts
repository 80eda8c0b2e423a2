// The findings in force: each source reads what it needs and the pure rules in core/findings
// turn it into findings. Issue-specific sources (control checks) plug in as more sources.
import { breakGlassFindings, exceptionFindings, sortFindings, type Finding } from '../core/findings.js';
import type { Database, Sql } from '../store/db.js';

export type FindingSource = (sql: Sql, now: Date) => Promise<Finding[]>;

const expiredExceptions: FindingSource = async (sql) => {
  const rows = await sql.all<{ id: string; identity_id: string; doc: string; expires_at: string }>("SELECT id, identity_id, doc, expires_at FROM policy_exceptions WHERE status = 'expired' ORDER BY expires_at, id");
  return exceptionFindings(rows.map((r) => ({ id: r.id, identity: r.identity_id, control: (JSON.parse(r.doc) as { control: string }).control, expires_at: r.expires_at })));
};

const unreviewedBreakGlass: FindingSource = async (sql, now) => {
  const rows = await sql.all<{ id: string; identity_id: string; emergency: number; status: string; starts_at: string | null; ends_at: string | null }>(
    "SELECT id, identity_id, emergency, status, starts_at, ends_at FROM break_glass_activations WHERE review_status = 'open' ORDER BY created_at, id",
  );
  return breakGlassFindings(rows.map((r) => ({ id: r.id, identity: r.identity_id, emergency: Number(r.emergency) === 1, status: r.status, starts_at: r.starts_at, ends_at: r.ends_at })), now);
};

export function findingsService(db: Database, clock: () => Date, more: readonly FindingSource[] = []) {
  const sources = [expiredExceptions, unreviewedBreakGlass, ...more];
  return {
    async list(q: { rule?: string; severity?: string } = {}): Promise<Finding[]> {
      const now = clock();
      const all = (await Promise.all(sources.map((s) => s(db, now)))).flat();
      return sortFindings(all.filter((f) => (!q.rule || f.rule === q.rule) && (!q.severity || f.severity === q.severity)));
    },
  };
}
export type FindingsService = ReturnType<typeof findingsService>;
