// The Cyber Resilience Act's reporting clock (Regulation (EU) 2024/2847, Art. 14), as plain
// functions over a report's awareness time and the milestones recorded for it (no I/O, no clock:
// callers hand in `now`). docs/cra.md explains the model; src/cra/ stores the reports.
//
// - An actively exploited vulnerability (Art. 14(1)): an early warning within 24 hours of the
//   manufacturer becoming aware (Art. 14(2)(a)), a vulnerability notification within 72 hours
//   (Art. 14(2)(b)), and a final report no later than 14 days after a corrective or mitigating
//   measure is available (Art. 14(2)(c)).
// - A severe incident having an impact on the security of the product (Art. 14(3)): an early
//   warning within 24 hours (Art. 14(4)(a)), an incident notification within 72 hours
//   (Art. 14(4)(b)), and a final report within one month after the incident notification was
//   submitted (Art. 14(4)(c)).
// - Art. 14 applies from 11 September 2026 (Art. 71(2)): before then the clock does not run.
//
// Every report goes to the CSIRT designated as coordinator and to ENISA through the single
// reporting platform (Art. 14(1), (3), Art. 16); Mandate tracks the deadlines, who recorded what and
// when, and the references of what was submitted, not the submission itself.

export const CRA_REPORT_KINDS = ['exploited_vulnerability', 'severe_incident'] as const;
export type CraReportKind = (typeof CRA_REPORT_KINDS)[number];

/** What a report's timeline records; corrective_measure is a fact (vulnerabilities only), the others are submissions. */
export const CRA_MILESTONES = ['early_warning', 'notification', 'corrective_measure', 'final_report'] as const;
export type CraMilestone = (typeof CRA_MILESTONES)[number];

/** The milestones that have a deadline. */
export const CRA_DEADLINES = ['early_warning', 'notification', 'final_report'] as const;
export type CraDeadlineKind = (typeof CRA_DEADLINES)[number];

export const CRA_REPORT_STATUSES = ['open', 'closed'] as const;
export type CraReportStatus = (typeof CRA_REPORT_STATUSES)[number];

/**
 * waiting: its due time is not known yet (a final report before the corrective measure or the
 * notification it counts from); pending: due and not yet submitted, time left; met: submitted by
 * its due time; missed: submitted late, or not submitted and overdue; not_required: the clock does
 * not run (awareness before Art. 14 applied, or the report was closed before it fell due).
 */
export const CRA_DEADLINE_STATES = ['waiting', 'pending', 'met', 'missed', 'not_required'] as const;
export type CraDeadlineState = (typeof CRA_DEADLINE_STATES)[number];

/** Art. 71(2): Art. 14 applies from this day. */
export const CRA_ART14_APPLIES_FROM = '2026-09-11T00:00:00.000Z';

/** How far in the future a recorded time may lie (clocks differ a little). */
export const CRA_CLOCK_SKEW_MS = 5 * 60_000;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The article each deadline rests on, per kind of report. */
export const CRA_ARTICLES: Record<CraReportKind, Record<CraDeadlineKind, string>> = {
  exploited_vulnerability: { early_warning: 'Art. 14(2)(a)', notification: 'Art. 14(2)(b)', final_report: 'Art. 14(2)(c)' },
  severe_incident: { early_warning: 'Art. 14(4)(a)', notification: 'Art. 14(4)(b)', final_report: 'Art. 14(4)(c)' },
};

/** What the clock reads of a report: its kind, when the manufacturer became aware, and the milestones' times. */
export interface ClockInput {
  kind: CraReportKind;
  aware_at: string;
  milestones: Partial<Record<CraMilestone, { at: string }>>;
  /** When the report was closed: deadlines not yet missed by then are no longer required. */
  closed_at?: string | null;
}

export interface Deadline {
  milestone: CraDeadlineKind;
  article: string;
  /** null while it is waiting for the milestone its time counts from. */
  due_at: string | null;
  submitted_at: string | null;
  state: CraDeadlineState;
}

/**
 * One calendar month later, at the same time of day (Art. 14(4)(c) "one month"); when the later
 * month has no such day (31 January → February), the end of that month's last day. Never earlier
 * for a later start (monotone), and always at least 28 days.
 */
export function addCalendarMonth(t: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  const last = new Date(Date.UTC(y, m + 2, 0)).getUTCDate();
  if (day <= last) return Date.UTC(y, m + 1, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return Date.UTC(y, m + 1, last, 23, 59, 59, 999);
}

const ms = (iso: string | undefined | null): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/** A deadline's due time in epoch milliseconds, or undefined while the milestone it counts from is not recorded. */
export function dueOf(r: ClockInput, milestone: CraDeadlineKind): number | undefined {
  const aware = ms(r.aware_at);
  if (aware === undefined) return undefined;
  switch (milestone) {
    case 'early_warning':
      return aware + 24 * HOUR;
    case 'notification':
      return aware + 72 * HOUR;
    case 'final_report': {
      if (r.kind === 'exploited_vulnerability') {
        const measure = ms(r.milestones.corrective_measure?.at);
        return measure === undefined ? undefined : measure + 14 * DAY;
      }
      const notified = ms(r.milestones.notification?.at);
      return notified === undefined ? undefined : addCalendarMonth(notified);
    }
  }
}

/** Whether Art. 14 applied when the manufacturer became aware. */
export function art14Applies(awareAt: string): boolean {
  const t = ms(awareAt);
  return t !== undefined && t >= Date.parse(CRA_ART14_APPLIES_FROM);
}

/** Each deadline of a report and its state at `now` (epoch milliseconds). */
export function deadlines(r: ClockInput, now: number): Deadline[] {
  const applies = art14Applies(r.aware_at);
  const closed = ms(r.closed_at);
  return CRA_DEADLINES.map((milestone) => {
    const due = dueOf(r, milestone);
    const submitted = ms(r.milestones[milestone]?.at);
    let state: CraDeadlineState;
    if (!applies) state = 'not_required';
    else if (submitted !== undefined) state = due !== undefined && submitted > due ? 'missed' : 'met';
    else if (due === undefined) state = closed !== undefined ? 'not_required' : 'waiting';
    else if (now > due && (closed === undefined || closed > due)) state = 'missed';
    else state = closed !== undefined ? 'not_required' : 'pending';
    return {
      milestone,
      article: CRA_ARTICLES[r.kind][milestone],
      due_at: due === undefined ? null : new Date(due).toISOString(),
      submitted_at: submitted === undefined ? null : new Date(submitted).toISOString(),
      state,
    };
  });
}

/** The deadlines missed at `now`. */
export function missedDeadlines(r: ClockInput, now: number): Deadline[] {
  return deadlines(r, now).filter((d) => d.state === 'missed');
}

/** Why a milestone cannot be recorded: the stable code, the field at fault and the reason. */
export interface MilestoneProblem {
  code: 'VALIDATION_FAILED' | 'INVALID_TRANSITION';
  field: '/milestone' | '/at';
  reason: string;
}

const LABEL: Record<CraMilestone, string> = {
  early_warning: 'early warning',
  notification: 'notification',
  corrective_measure: 'corrective or mitigating measure',
  final_report: 'final report',
};
export const milestoneLabel = (m: CraMilestone): string => LABEL[m];

/**
 * Whether `milestone` may be recorded at `at` on a report (open unless `closed_at`), `now` being
 * the present: each milestone once; none before the awareness time or in the future (beyond a
 * small skew); a notification after the early warning; a final report after the notification and,
 * for a vulnerability, after the corrective measure it reports on (Art. 14(2)(c)); corrective
 * measures are recorded for vulnerabilities only.
 */
export function checkMilestone(r: ClockInput, milestone: CraMilestone, at: number, now: number): MilestoneProblem | undefined {
  const refuse = (code: MilestoneProblem['code'], field: MilestoneProblem['field'], reason: string): MilestoneProblem => ({
    code,
    field,
    reason,
  });
  if (r.closed_at) return refuse('INVALID_TRANSITION', '/milestone', 'the report is closed');
  if (r.milestones[milestone]) return refuse('INVALID_TRANSITION', '/milestone', `the ${LABEL[milestone]} is already recorded`);
  if (milestone === 'corrective_measure' && r.kind !== 'exploited_vulnerability')
    return refuse('VALIDATION_FAILED', '/milestone', 'a corrective measure is recorded for an actively exploited vulnerability only');
  if (!Number.isFinite(at)) return refuse('VALIDATION_FAILED', '/at', 'not a real time');
  const aware = ms(r.aware_at) ?? Number.NaN;
  if (at < aware) return refuse('VALIDATION_FAILED', '/at', `before the manufacturer became aware (${r.aware_at})`);
  if (at > now + CRA_CLOCK_SKEW_MS) return refuse('VALIDATION_FAILED', '/at', 'in the future');
  const after = (prior: CraMilestone): MilestoneProblem | undefined => {
    const p = ms(r.milestones[prior]?.at);
    if (p === undefined)
      return refuse('INVALID_TRANSITION', '/milestone', `the ${LABEL[milestone]} comes after the ${LABEL[prior]}: record that first`);
    if (at < p) return refuse('VALIDATION_FAILED', '/at', `before the ${LABEL[prior]} (${new Date(p).toISOString()})`);
    return undefined;
  };
  if (milestone === 'notification') return after('early_warning');
  if (milestone === 'final_report')
    return after('notification') ?? (r.kind === 'exploited_vulnerability' ? after('corrective_measure') : undefined);
  return undefined;
}
