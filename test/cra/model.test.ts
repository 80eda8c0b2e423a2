// Model-based test of the CRA Article 14 report state machine over the HTTP API on SQLite: random
// sequences of opening reports (some for unknown products), recording milestones (in and out of
// order, early, late, in the future), closing, and time passing, checked after every command
// against a model with its own reading of Art. 14: which requests are accepted, the ledger event
// each accepted one appends (none for a refused one), and every deadline's due time and state.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';
import { productFirm } from './fixtures.js';

const H = 3_600_000;
const D = 24 * H;
const START = Date.parse('2026-11-05T09:00:00Z'); // less 100 h: still November
type Kind = 'exploited_vulnerability' | 'severe_incident';
type Milestone = 'early_warning' | 'notification' | 'corrective_measure' | 'final_report';

interface ModelReport {
  id: string;
  kind: Kind;
  aware: number;
  at: Partial<Record<Milestone, number>>;
  closed: number | null;
}
interface Model {
  now: number;
  reports: ModelReport[];
}
interface Real {
  t: TestApp;
  token: string;
  clock: { now: number };
}

const iso = (t: number) => new Date(t).toISOString();
const events = async (r: Real) => Number((await r.t.db.all<{ n: number }>('SELECT COUNT(*) AS n FROM events'))[0]!.n);
const lastAction = async (r: Real) =>
  (await r.t.db.all<{ action: string }>('SELECT action FROM events ORDER BY seq DESC LIMIT 1'))[0]!.action;

/** The model's own reading of the deadlines (the times stay within November and December 2026: no month is short). */
function expectedDeadlines(m: ModelReport, now: number): [string, string | null, string][] {
  const nextMonth = (t: number) => {
    const d = new Date(t);
    d.setUTCMonth(d.getUTCMonth() + 1);
    return d.getTime();
  };
  const dues: [Milestone, number | undefined][] = [
    ['early_warning', m.aware + 24 * H],
    ['notification', m.aware + 72 * H],
    [
      'final_report',
      m.kind === 'exploited_vulnerability'
        ? m.at.corrective_measure === undefined
          ? undefined
          : m.at.corrective_measure + 14 * D
        : m.at.notification === undefined
          ? undefined
          : nextMonth(m.at.notification),
    ],
  ];
  return dues.map(([ms, due]) => {
    const sub = m.at[ms];
    let state: string;
    if (sub !== undefined) state = due !== undefined && sub > due ? 'missed' : 'met';
    else if (due === undefined) state = m.closed !== null ? 'not_required' : 'waiting';
    else if (now > due && (m.closed === null || m.closed > due)) state = 'missed';
    else state = m.closed !== null ? 'not_required' : 'pending';
    return [ms, due === undefined ? null : iso(due), state];
  });
}

/** Whether the model accepts recording `ms` at `at`. */
function accepts(m: ModelReport, ms: Milestone, at: number, now: number): boolean {
  if (m.closed !== null || m.at[ms] !== undefined) return false;
  if (ms === 'corrective_measure' && m.kind === 'severe_incident') return false;
  if (at < m.aware || at > now + 5 * 60_000) return false;
  const after = (p: Milestone) => m.at[p] !== undefined && at >= m.at[p]!;
  if (ms === 'notification') return after('early_warning');
  if (ms === 'final_report') return after('notification') && (m.kind === 'severe_incident' || after('corrective_measure'));
  return true;
}

async function compare(m: Model, r: Real, report: ModelReport): Promise<void> {
  const res = await r.t.call('GET', `/v1/cra/reports/${report.id}`, r.token);
  assert.equal(res.status, 200);
  assert.equal(res.body.status, report.closed === null ? 'open' : 'closed');
  assert.deepEqual(
    res.body.deadlines.map((d: any) => [d.milestone, d.due_at, d.state]),
    expectedDeadlines(report, m.now),
    `${report.id} at ${iso(m.now)}: ${JSON.stringify(report)}`,
  );
  assert.deepEqual(
    res.body.milestones.map((x: any) => [x.milestone, x.at]),
    (['early_warning', 'notification', 'corrective_measure', 'final_report'] as const)
      .filter((k) => report.at[k] !== undefined)
      .map((k) => [k, iso(report.at[k]!)]),
  );
}

class Open implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly kind: Kind,
    readonly hoursAgo: number,
    readonly unknownProduct: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const before = await events(r);
    const aware = m.now - this.hoursAgo * H;
    const res = await r.t.call('POST', '/v1/cra/reports', r.token, {
      product: this.unknownProduct ? 'no-such-product' : 'hw-wallet',
      kind: this.kind,
      title: 'model',
      aware_at: iso(aware),
      owner: 'alice@firm.example',
    });
    if (this.unknownProduct) {
      assert.equal(res.status, 422);
      assert.equal(res.body.field, '/product');
      assert.equal(await events(r), before);
      return;
    }
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(await events(r), before + 1);
    assert.equal(await lastAction(r), 'cra_report.opened');
    const report: ModelReport = { id: res.body.id, kind: this.kind, aware, at: {}, closed: null };
    m.reports.push(report);
    await compare(m, r, report);
  }
  toString = () => `open(${this.kind}, -${this.hoursAgo}h${this.unknownProduct ? ', unknown product' : ''})`;
}

class Record_ implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    /** 'next': the report's next milestone in the order of the articles (so timelines grow long). */
    readonly choice: Milestone | 'next',
    /** Hours after the awareness time; null: now (the default). */
    readonly hoursAfterAware: number | null,
  ) {}
  milestone: Milestone = 'early_warning';
  check = (m: Readonly<Model>) => m.reports.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const report = m.reports[this.pick % m.reports.length]!;
    const order: Milestone[] = ['early_warning', 'corrective_measure', 'notification', 'final_report'];
    this.milestone =
      this.choice === 'next'
        ? (order.find((x) => report.at[x] === undefined && !(x === 'corrective_measure' && report.kind === 'severe_incident')) ??
          'final_report')
        : this.choice;
    const at = this.hoursAfterAware === null ? m.now : report.aware + this.hoursAfterAware * H;
    const ok = accepts(report, this.milestone, at, m.now);
    const before = await events(r);
    const res = await r.t.call('POST', `/v1/cra/reports/${report.id}/milestones`, r.token, {
      milestone: this.milestone,
      reference: 'ref',
      ...(this.hoursAfterAware === null ? {} : { at: iso(at) }),
    });
    if (ok) {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      report.at[this.milestone] = at;
      assert.equal(await events(r), before + 1);
      assert.equal(await lastAction(r), 'cra_report.milestone_recorded');
    } else {
      assert.ok([400, 409].includes(res.status), `${res.status}: ${JSON.stringify(res.body)}`);
      assert.ok(['/milestone', '/at'].includes(res.body.field), JSON.stringify(res.body));
      assert.equal(await events(r), before);
    }
    await compare(m, r, report);
  }
  toString = () => `record(#${this.pick}, ${this.choice}, ${this.hoursAfterAware === null ? 'now' : `+${this.hoursAfterAware}h`})`;
}

class Close implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.reports.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const report = m.reports[this.pick % m.reports.length]!;
    const before = await events(r);
    const res = await r.t.call('POST', `/v1/cra/reports/${report.id}/close`, r.token, { reason: 'model' });
    if (report.closed === null) {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      report.closed = m.now;
      assert.equal(await events(r), before + 1);
      assert.equal(await lastAction(r), 'cra_report.closed');
    } else {
      assert.equal(res.status, 409);
      assert.equal(await events(r), before);
    }
    await compare(m, r, report);
  }
  toString = () => `close(#${this.pick})`;
}

class Wait implements fc.AsyncCommand<Model, Real> {
  constructor(readonly hours: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    m.now += this.hours * H;
    r.clock.now = m.now;
    for (const report of m.reports) await compare(m, r, report);
    const listed = await r.t.call('GET', '/v1/cra/reports?product=hw-wallet&status=open&limit=500', r.token);
    const open = new Set(m.reports.filter((x) => x.closed === null).map((x) => x.id));
    assert.deepEqual(new Set(listed.body.items.map((x: any) => x.id).filter((id: string) => m.reports.some((x) => x.id === id))), open);
  }
  toString = () => `wait(${this.hours}h)`;
}

const record = fc
  .record({
    // Mostly the first reports, so their timelines grow long.
    pick: fc.nat({ max: 3 }),
    milestone: fc.oneof(
      { weight: 3, arbitrary: fc.constant<'next'>('next') },
      { weight: 2, arbitrary: fc.constantFrom<Milestone>('early_warning', 'notification', 'corrective_measure', 'final_report') },
    ),
    // Mostly now (the default), else a time from just before the awareness to weeks after it.
    hours: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 120 }) }),
  })
  .map(({ pick, milestone, hours }) => new Record_(pick, milestone, hours));

// Recording milestones is what the state machine is about: it is drawn four times as often.
const commands = [
  fc
    .record({
      kind: fc.constantFrom<Kind>('exploited_vulnerability', 'severe_incident'),
      ago: fc.integer({ min: 0, max: 100 }),
      bad: fc.integer({ min: 0, max: 9 }),
    })
    .map(({ kind, ago, bad }) => new Open(kind, ago, bad < 2)),
  record,
  record,
  record,
  record,
  fc.nat({ max: 3 }).map((n) => new Close(n)),
  fc.integer({ min: 1, max: 24 }).map((h) => new Wait(h)),
];

const [sqlite] = testStores().filter((s) => s.name === 'sqlite');

describe('CRA report state machine against the API (SQLite)', () => {
  const real = {} as Real;
  before(async () => {
    real.clock = { now: START };
    real.t = await testApp(await sqlite!.open(), () => new Date(real.clock.now));
    real.token = real.t.admin;
    const res = await real.t.call('POST', '/v1/import', real.t.admin, productFirm());
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
  after(async () => {
    await real.t.app.close();
    await sqlite!.cleanup();
  });

  test('random command sequences agree with the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'max' }), async (cmds) => {
        // Each sequence starts at the same time, with reports of its own (earlier sequences' stay in
        // the store); waits of at most 24 h keep every time in November and December.
        real.clock.now = START;
        await fc.asyncModelRun(() => ({ model: { now: START, reports: [] }, real }), cmds);
      }),
      { numRuns: 30 },
    );
  });
});
