// The CRA Article 14 reporting clock (src/core/cra-clock.ts) as properties over times: deadlines
// follow the articles, are monotone in the times they count from, a deadline is missed exactly
// when it is overdue unsubmitted or was submitted late, and milestone order is enforced.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  addCalendarMonth,
  checkMilestone,
  CRA_ART14_APPLIES_FROM,
  CRA_CLOCK_SKEW_MS,
  deadlines,
  dueOf,
  missedDeadlines,
  type ClockInput,
  type CraReportKind,
} from '../../src/core/cra-clock.js';
import { CRA_REPORT_CHECKS, type CraReportFact } from '../../src/core/cra-checks.js';
import type { CheckFacts } from '../../src/core/checks.js';

const H = 3_600_000;
const D = 24 * H;
const FROM = Date.parse(CRA_ART14_APPLIES_FROM);
const iso = (t: number) => new Date(t).toISOString();
// Awareness from the day Art. 14 applies to 2100; spans up to 90 days.
const instant = fc.integer({ min: FROM, max: Date.parse('2100-01-01T00:00:00Z') });
const span = fc.integer({ min: 0, max: 90 * D });
const kind = fc.constantFrom<CraReportKind>('exploited_vulnerability', 'severe_incident');

/** A report with every milestone after the awareness time, in order. */
const report = fc
  .record({ kind, aware: instant, ew: span, n: span, cm: span, fr: span, has: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }) })
  .map(({ kind, aware, ew, n, cm, fr, has }): ClockInput => {
    const m: ClockInput['milestones'] = {};
    if (has[0]) m.early_warning = { at: iso(aware + ew) };
    if (has[0] && has[1]) m.notification = { at: iso(aware + ew + n) };
    if (kind === 'exploited_vulnerability' && has[2]) m.corrective_measure = { at: iso(aware + cm) };
    const prereq = m.notification && (kind === 'severe_incident' || m.corrective_measure);
    if (prereq && has[3]) m.final_report = { at: iso(Math.max(Date.parse(m.notification!.at), aware + cm) + fr) };
    return { kind, aware_at: iso(aware), milestones: m };
  });

describe('CRA Art. 14 clock', () => {
  test('the deadlines of the articles: 24 h, 72 h, 14 days after the measure, a month after the notification', () => {
    const v: ClockInput = {
      kind: 'exploited_vulnerability',
      aware_at: '2026-10-01T08:00:00.000Z',
      milestones: { corrective_measure: { at: '2026-10-05T12:00:00.000Z' } },
    };
    assert.equal(iso(dueOf(v, 'early_warning')!), '2026-10-02T08:00:00.000Z');
    assert.equal(iso(dueOf(v, 'notification')!), '2026-10-04T08:00:00.000Z');
    assert.equal(iso(dueOf(v, 'final_report')!), '2026-10-19T12:00:00.000Z');
    const i: ClockInput = {
      kind: 'severe_incident',
      aware_at: '2027-01-29T08:00:00.000Z',
      milestones: { early_warning: { at: '2027-01-29T20:00:00.000Z' }, notification: { at: '2027-01-31T10:00:00.000Z' } },
    };
    // 31 January + one month: February has no 31st, so the end of its last day.
    assert.equal(iso(dueOf(i, 'final_report')!), '2027-02-28T23:59:59.999Z');
    assert.equal(iso(addCalendarMonth(Date.parse('2027-03-15T10:30:00Z'))), '2027-04-15T10:30:00.000Z');
    // The final report of a vulnerability waits for its corrective measure.
    assert.equal(dueOf({ ...v, milestones: {} }, 'final_report'), undefined);
    assert.deepEqual(
      deadlines({ ...v, milestones: {} }, Date.parse('2026-10-01T09:00:00Z')).map((d) => [d.milestone, d.state, d.article]),
      [
        ['early_warning', 'pending', 'Art. 14(2)(a)'],
        ['notification', 'pending', 'Art. 14(2)(b)'],
        ['final_report', 'waiting', 'Art. 14(2)(c)'],
      ],
    );
  });

  test('one calendar month is monotone and at least 28 days', () => {
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const [x, y] = a <= b ? [a, b] : [b, a];
        assert.ok(addCalendarMonth(x) <= addCalendarMonth(y));
        assert.ok(addCalendarMonth(x) - x >= 28 * D);
        assert.ok(addCalendarMonth(x) - x <= 31 * D + D);
      }),
      { numRuns: 2000 },
    );
  });

  test('deadlines are monotone in the awareness time and in the milestone they count from', () => {
    fc.assert(
      fc.property(report, span, span, (r, shift, later) => {
        const moved: ClockInput = {
          ...r,
          aware_at: iso(Date.parse(r.aware_at) + shift),
          milestones: Object.fromEntries(Object.entries(r.milestones).map(([k, v]) => [k, { at: iso(Date.parse(v.at) + shift + later) }])),
        };
        for (const m of ['early_warning', 'notification', 'final_report'] as const) {
          const a = dueOf(r, m);
          const b = dueOf(moved, m);
          assert.equal(a === undefined, b === undefined);
          if (a !== undefined) assert.ok(a <= b!, `${m}: ${iso(a)} > ${iso(b!)}`);
        }
        // Early warning before notification, both before the final report.
        const ew = dueOf(r, 'early_warning')!;
        const n = dueOf(r, 'notification')!;
        const fr = dueOf(r, 'final_report');
        assert.ok(ew < n);
        if (fr !== undefined) assert.ok(fr > Date.parse(r.aware_at));
      }),
      { numRuns: 1000 },
    );
  });

  test('a deadline is missed iff it is overdue and absent, or it was submitted late', () => {
    fc.assert(
      fc.property(report, fc.integer({ min: 0, max: 200 * D }), (r, after) => {
        const now = Date.parse(r.aware_at) + after;
        const missed = new Set(missedDeadlines(r, now).map((d) => d.milestone));
        for (const d of deadlines(r, now)) {
          const due = dueOf(r, d.milestone);
          const at = r.milestones[d.milestone]?.at;
          const expected = due !== undefined && (at === undefined ? now > due : Date.parse(at) > due);
          assert.equal(d.state === 'missed', expected, `${d.milestone} at ${iso(now)}: ${JSON.stringify(d)}`);
          assert.equal(missed.has(d.milestone), expected);
          if (at !== undefined) assert.ok(d.state === 'met' || d.state === 'missed');
          else if (due === undefined) assert.equal(d.state, 'waiting');
          else if (!expected) assert.equal(d.state, 'pending');
        }
        // Time only makes it worse: what is missed now stays missed later.
        for (const m of missed) assert.ok(missedDeadlines(r, now + D).some((d) => d.milestone === m));
      }),
      { numRuns: 2000 },
    );
  });

  test('a closed report owes nothing that was not yet due when it closed; what was missed stays missed', () => {
    fc.assert(
      fc.property(report, span, span, (r, closedAfter, later) => {
        const closed = Date.parse(r.aware_at) + closedAfter;
        const now = closed + later;
        const open = deadlines(r, closed);
        const shut = deadlines({ ...r, closed_at: iso(closed) }, now);
        for (const [i, d] of shut.entries()) {
          const before = open[i]!;
          if (before.state === 'missed' || before.state === 'met') assert.equal(d.state, before.state);
          else assert.equal(d.state, 'not_required');
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('before Art. 14 applied (11 September 2026) the clock does not run', () => {
    const r: ClockInput = { kind: 'severe_incident', aware_at: '2026-09-10T23:00:00Z', milestones: {} };
    assert.deepEqual(
      deadlines(r, Date.parse('2026-12-01T00:00:00Z')).map((d) => d.state),
      ['not_required', 'not_required', 'not_required'],
    );
  });

  test('milestone order: each once, after awareness, not in the future, notification after early warning, final last', () => {
    const aware = Date.parse('2026-10-01T08:00:00Z');
    const now = aware + 30 * D;
    const v: ClockInput = { kind: 'exploited_vulnerability', aware_at: iso(aware), milestones: {} };
    const problem = (r: ClockInput, m: Parameters<typeof checkMilestone>[1], at: number) => {
      const p = checkMilestone(r, m, at, now);
      return p ? `${p.code} ${p.field}` : 'ok';
    };
    assert.equal(problem(v, 'early_warning', aware - 1), 'VALIDATION_FAILED /at');
    assert.equal(problem(v, 'early_warning', now + CRA_CLOCK_SKEW_MS + 1), 'VALIDATION_FAILED /at');
    assert.equal(problem(v, 'early_warning', now + CRA_CLOCK_SKEW_MS), 'ok');
    assert.equal(problem(v, 'early_warning', Number.NaN), 'VALIDATION_FAILED /at');
    assert.equal(problem(v, 'notification', aware + H), 'INVALID_TRANSITION /milestone');
    assert.equal(problem(v, 'final_report', aware + H), 'INVALID_TRANSITION /milestone');
    assert.equal(problem(v, 'corrective_measure', aware + H), 'ok');
    assert.equal(problem({ ...v, kind: 'severe_incident' }, 'corrective_measure', aware + H), 'VALIDATION_FAILED /milestone');
    const warned = { ...v, milestones: { early_warning: { at: iso(aware + 2 * H) } } };
    assert.equal(problem(warned, 'early_warning', aware + 3 * H), 'INVALID_TRANSITION /milestone');
    assert.equal(problem(warned, 'notification', aware + H), 'VALIDATION_FAILED /at');
    assert.equal(problem(warned, 'notification', aware + 2 * H), 'ok');
    const notified = { ...warned, milestones: { ...warned.milestones, notification: { at: iso(aware + 10 * H) } } };
    // A vulnerability's final report reports on its corrective measure.
    assert.equal(problem(notified, 'final_report', aware + 11 * H), 'INVALID_TRANSITION /milestone');
    assert.equal(problem({ ...notified, kind: 'severe_incident' }, 'final_report', aware + 11 * H), 'ok');
    assert.equal(problem({ ...notified, kind: 'severe_incident' }, 'final_report', aware + 9 * H), 'VALIDATION_FAILED /at');
    const measured = { ...notified, milestones: { ...notified.milestones, corrective_measure: { at: iso(aware + 20 * H) } } };
    assert.equal(problem(measured, 'final_report', aware + 19 * H), 'VALIDATION_FAILED /at');
    assert.equal(problem(measured, 'final_report', aware + 20 * H), 'ok');
    assert.equal(problem({ ...measured, closed_at: iso(aware + 21 * H) }, 'final_report', aware + 20 * H), 'INVALID_TRANSITION /milestone');
  });

  test('any sequence checkMilestone accepts keeps the order invariants', () => {
    const step = fc.record({
      milestone: fc.constantFrom('early_warning', 'notification', 'corrective_measure', 'final_report' as const),
      at: fc.integer({ min: -D, max: 40 * D }),
    });
    fc.assert(
      fc.property(kind, instant, fc.array(step, { maxLength: 12 }), (k, aware, steps) => {
        const r: ClockInput = { kind: k, aware_at: iso(aware), milestones: {} };
        const now = aware + 40 * D;
        for (const s of steps) {
          const at = aware + s.at;
          if (!checkMilestone(r, s.milestone, at, now)) r.milestones[s.milestone] = { at: iso(at) };
        }
        const t = (m: keyof ClockInput['milestones']) => (r.milestones[m] ? Date.parse(r.milestones[m].at) : undefined);
        for (const m of Object.keys(r.milestones) as (keyof ClockInput['milestones'])[]) assert.ok(t(m)! >= aware);
        if (t('notification') !== undefined) assert.ok(t('early_warning') !== undefined && t('early_warning')! <= t('notification')!);
        if (t('final_report') !== undefined) {
          assert.ok(t('notification')! <= t('final_report')!);
          if (k === 'exploited_vulnerability') assert.ok(t('corrective_measure')! <= t('final_report')!);
        }
        if (k === 'severe_incident') assert.equal(t('corrective_measure'), undefined);
      }),
      { numRuns: 1000 },
    );
  });

  test('the check: one finding per missed deadline of an open report, none once closed or before Art. 14 applied', () => {
    const [check] = CRA_REPORT_CHECKS;
    const report = (over: Partial<CraReportFact>): CraReportFact => ({
      id: 'cra_1',
      product: 'hw-wallet',
      status: 'open',
      title: 'Signature bypass',
      owner: 'alice@firm.example',
      kind: 'severe_incident',
      aware_at: '2026-10-01T08:00:00.000Z',
      milestones: { early_warning: { at: '2026-10-01T20:00:00.000Z' } },
      ...over,
    });
    const run = (reports: CraReportFact[], now: string) =>
      check!
        .run({ now: new Date(now), craReports: reports } as unknown as CheckFacts)
        .failures.map((f) => [f.subject.type, f.subject.id, f.since, f.scopes, f.owner]);
    assert.deepEqual(run([report({})], '2026-10-04T07:59:59Z'), []);
    assert.deepEqual(run([report({})], '2026-10-04T08:00:01Z'), [
      ['cra_deadline', 'cra_1:notification', '2026-10-04T08:00:00.000Z', ['product:hw-wallet'], 'alice@firm.example'],
    ]);
    assert.deepEqual(run([report({ status: 'closed', closed_at: '2026-10-05T00:00:00Z' })], '2026-10-06T00:00:00Z'), []);
    assert.deepEqual(run([report({ aware_at: '2026-09-01T00:00:00Z', milestones: {} })], '2026-10-06T00:00:00Z'), []);
    assert.equal(check!.run({ now: new Date(), craReports: [] } as unknown as CheckFacts).evaluated, 0);
  });
});
