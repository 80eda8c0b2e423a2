// Findings: what a security or compliance team must act on, derived from state (never stored, so
// one closes by fixing its cause). Each has a stable id, so a finding is the same one from one
// day to the next, and names the rule that raised it.

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface Finding {
  /** `<rule>:<subject id>`: stable while the cause lasts. */
  id: string;
  rule: string;
  severity: Severity;
  subject: { type: string; id: string };
  title: string;
  detail: string;
  /** When the cause began. */
  since: string;
}

/** The rules this capability raises, with what each means (the control checks add their own). */
export const FINDING_RULES: Readonly<Record<string, { severity: Severity; description: string }>> = {
  'exception-expired-open': { severity: 'high', description: 'A policy exception ran out and nobody closed or renewed it: the deviation it documented may still be in place.' },
  'break-glass-unreviewed': { severity: 'high', description: 'A break-glass identity was used and its post-incident review is still open.' },
  'access-review-overdue': { severity: 'medium', description: 'An access review item was not decided by its campaign’s due date.' },
};

export interface ExpiredException { id: string; identity: string; control: string; expires_at: string }
export interface UnreviewedActivation { id: string; identity: string; emergency: boolean; status: string; starts_at: string | null; ends_at: string | null }

export function exceptionFindings(expired: readonly ExpiredException[]): Finding[] {
  return expired.map((e) => ({
    id: `exception-expired-open:${e.id}`, rule: 'exception-expired-open', severity: FINDING_RULES['exception-expired-open']!.severity,
    subject: { type: 'exception', id: e.id }, title: `Exception ${e.id} for ${e.identity} expired and is not closed`,
    detail: `The exception waiving ${e.control} expired at ${e.expires_at}. It no longer applies to decisions; close it (POST /v1/exceptions/${e.id}/close) once the deviation is gone, or register a new one.`,
    since: e.expires_at,
  }));
}

/**
 * A use of a break-glass identity whose review is open. Raised once the window has closed (the
 * use is over and its review is due); an emergency use is raised at once, and as critical.
 */
export function breakGlassFindings(open: readonly UnreviewedActivation[], now: Date): Finding[] {
  return open
    .filter((a) => a.emergency || a.status === 'ended' || (a.ends_at !== null && Date.parse(a.ends_at) <= now.getTime()))
    .map((a) => ({
      id: `break-glass-unreviewed:${a.id}`, rule: 'break-glass-unreviewed', severity: a.emergency ? 'critical' : 'high',
      subject: { type: 'break_glass_activation', id: a.id }, title: `Break-glass use of ${a.identity} (${a.id}) is not reviewed`,
      detail: `${a.emergency ? 'Unsealed on the emergency path' : 'Unsealed with approval'} at ${a.starts_at}; the post-incident review is open (POST /v1/break-glass/activations/${a.id}/review).`,
      since: a.ends_at && !a.emergency ? a.ends_at : (a.starts_at ?? now.toISOString()),
    }));
}

const ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
export function sortFindings(f: Finding[]): Finding[] {
  return f.sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.since.localeCompare(b.since) || a.id.localeCompare(b.id));
}
