// Access reviews that lapsed unanswered, as findings the control checks read (wired in
// src/server/container.ts into the compliance service's extra findings).
import type { Sql } from '../store/db.js';
import type { CampaignDoc, CampaignRow } from './campaigns.js';

/** Overdue review items as findings: undecided past their due date, not since decided in a later campaign, for identities still in use. */
export async function accessReviewFindings(sql: Sql, now: Date): Promise<Finding[]> {
  // Campaigns are few and items many, with no index by identity alone: walk the lapsed campaigns,
  // latest due first, each by its own key, and learn in one grouped pass which identities a later
  // campaign has answered since.
  const lapsed = await sql.all<CampaignRow>(
    "SELECT * FROM review_campaigns WHERE status IN ('open', 'overdue') AND due_at < ? ORDER BY due_at DESC, id",
    [now.toISOString()],
  );
  if (lapsed.length === 0) return [];
  // biome-ignore lint/complexity/useMathMinMax: created_at is an ISO string; Math.min would compare numbers
  const earliest = lapsed.reduce((min, c) => (c.created_at < min ? c.created_at : min), lapsed[0]!.created_at);
  const answered = new Map<string, string>();
  for (const r of await sql.all<{ identity_id: string; latest: string }>(
    `SELECT l.identity_id, MAX(lc.created_at) AS latest FROM review_campaigns lc JOIN review_items l ON l.campaign_id = lc.id
      WHERE lc.created_at > ? AND l.decision IS NOT NULL GROUP BY l.identity_id`,
    [earliest],
  ))
    answered.set(r.identity_id, r.latest);
  const out: Finding[] = [];
  // One finding per identity: the latest review it missed (a recurring series would repeat it).
  const seen = new Set<string>();
  for (const c of lapsed) {
    const name = (JSON.parse(c.doc) as CampaignDoc).name;
    const items = await sql.all<{ identity_id: string; reviewer: string | null }>(
      `SELECT i.identity_id, i.reviewer FROM review_items i JOIN identities d ON d.id = i.identity_id
        WHERE i.campaign_id = ? AND i.decision IS NULL AND d.status IN ('active', 'suspended') ORDER BY i.identity_id`,
      [c.id],
    );
    for (const r of items) {
      if (seen.has(r.identity_id)) continue;
      seen.add(r.identity_id);
      if ((answered.get(r.identity_id) ?? '') > c.created_at) continue;
      out.push({
        id: `access-review-overdue:${c.id}:${r.identity_id}`,
        rule: 'access-review-overdue',
        severity: 'medium',
        subject: { type: 'identity', id: r.identity_id },
        title: `The access review of ${r.identity_id} is overdue`,
        detail:
          `campaign "${name}" (${c.id}) was due ${c.due_at}; ` +
          `${r.reviewer ?? 'a review manager (the owner has departed or there is none)'} has not decided to keep, narrow or revoke ` +
          'it',
        since: c.due_at,
        reviewer: r.reviewer,
      });
    }
  }
  return out.sort((a, b) => (a.subject.id < b.subject.id ? -1 : a.subject.id > b.subject.id ? 1 : 0));
}

/** An overdue review item, as the compliance checks read it. */
export interface Finding {
  id: string;
  rule: string;
  severity: 'medium';
  subject: { type: string; id: string };
  title: string;
  detail: string;
  since: string;
  reviewer: string | null;
}
