// Findings of the continuous control checks, with the controls each maps to, how long findings
// stay open (remediation lag) and readiness over time for one entity and member state. Findings
// come in groups (by check, severity or owner: counted on the server) and each group a page at a
// time, so a register of thousands is a short page. Opening the page never runs the checks: the
// button does, for those allowed to.
import { useState } from 'react';
import { Link } from 'wouter';
import { FilterSelect } from '../components/FilterSelect';
import { LineChart } from '../components/LineChart';
import { ReasonButton } from '../components/Reason';
import { ScrollBox } from '../components/Scroll';
import { Empty, ErrorBox, Loading, Severity, Status, When } from '../components/ui';
import type { Answer, QueryFor } from '../lib/api';
import { useAction, useApi } from '../lib/hooks';
import { useCursorStack } from '../lib/paging';
import { Can, useSession } from '../lib/session';
import { SEVERITIES } from '../lib/types';
import { useSearchParams } from '../lib/url';

const STATUSES = ['open', 'acknowledged', 'resolved', 'accepted_risk'];

function Trend({ entity, jurisdiction }: { entity: string; jurisdiction: string }) {
  // A member state from the page's URL or the readiness list: the server refuses one it does not know (400).
  const q = useApi('/v1/readiness/trend', {
    query: { entity, jurisdiction: jurisdiction as QueryFor<'/v1/readiness/trend'>['jurisdiction'] },
  });
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <Loading />;
  return <LineChart points={q.data.items.map((p) => ({ at: p.at, value: p.score }))} label={`Readiness of ${entity} in ${jurisdiction}`} />;
}

type Filters = Omit<QueryFor<'/v1/findings'>, 'limit' | 'cursor'>;
type By = QueryFor<'/v1/findings/groups'>['by'];
type Group = Answer<'/v1/findings/groups'>['items'][number];
const BY: [By, string][] = [
  ['check', 'check'],
  ['severity', 'severity'],
  ['owner', 'owner'],
];
const PAGE = 25;

/** A group's findings, a page at a time (the list filtered on the group's key). */
function GroupFindings({
  filters,
  by,
  group,
  label,
  titles,
}: {
  filters: Filters;
  by: By;
  group: Group;
  label: string;
  titles: Map<string, string>;
}) {
  const { api } = useSession();
  const narrowed: Filters = {
    ...filters,
    ...(by === 'check' ? { check: group.key ?? undefined } : {}),
    ...(by === 'severity' ? { severity: (group.key ?? undefined) as Filters['severity'] } : {}),
    ...(by === 'owner' ? (group.key === null ? { unowned: true } : { owner: group.key }) : {}),
  };
  const pages = useCursorStack(JSON.stringify(narrowed));
  const q = useApi(
    '/v1/findings',
    { query: { ...narrowed, limit: PAGE, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
    { placeholderData: (prev) => prev },
  );
  const ack = useAction(({ id, note }: { id: string; note: string }) =>
    api.send('POST', '/v1/findings/{id}/acknowledge', { path: { id }, body: { note } }),
  );
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <Loading what="Loading findings" />;
  const first = (pages.page - 1) * PAGE + 1;
  return (
    <div className="group-body">
      <ErrorBox error={ack.error} />
      <div className="row pager">
        <span className="muted" data-testid="group-range">
          {q.data.items.length ? `${first}–${first + q.data.items.length - 1} of ${group.count}` : `none of ${group.count}`}
        </span>
        <span className="spacer" />
        <button type="button" disabled={!pages.hasPrevious} onClick={pages.previous}>
          Previous
        </button>
        <span className="muted">page {pages.page}</span>
        <button type="button" disabled={q.isPlaceholderData || !q.data.next_cursor} onClick={() => pages.next(q.data.next_cursor!)}>
          Next
        </button>
      </div>
      <ScrollBox label={`Findings: ${label}, scrolled sideways`}>
        <table aria-label={`Findings: ${label}`} aria-busy={q.isFetching} className="findings">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Finding</th>
              <th scope="col">Controls</th>
              <th scope="col">Owner</th>
              <th scope="col">Status</th>
              <th scope="col">Due</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((x) => (
              <tr key={x.id}>
                <td>
                  <Severity level={x.severity} />
                </td>
                <td className="prose">
                  <div>
                    {x.subject.type === 'identity' ? (
                      <Link href={`/identities/${encodeURIComponent(x.subject.id)}`}>{x.title}</Link>
                    ) : (
                      x.title
                    )}
                  </div>
                  <div className="muted">{x.detail}</div>
                </td>
                <td>
                  <ul className="controls">
                    {x.controls.map((c) => (
                      <li key={c}>
                        <abbr title={titles.get(c) ?? c}>{c}</abbr>
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{x.owner ? <Ident value={x.owner} /> : <span className="muted">none</span>}</td>
                <td>
                  <Status value={x.status} />
                  {x.exception ? <div className="muted">exception {x.exception}</div> : null}
                </td>
                <td className="nowrap">
                  <When at={x.due_at} />
                </td>
                <td>
                  {x.status === 'open' ? (
                    <Can permission="compliance:manage">
                      <ReasonButton label="Acknowledge" field="Note" onConfirm={(note) => ack.mutateAsync({ id: x.id, note })} />
                    </Can>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
    </div>
  );
}

/** An id or e-mail on one line, cut with an ellipsis when it does not fit (the whole of it on hover). */
function Ident({ value }: { value: string }) {
  return (
    <span className="ident" title={value}>
      {value}
    </span>
  );
}

function SeverityCounts({ counts }: { counts: Group['by_severity'] }) {
  const shown = [...SEVERITIES].reverse().filter((s) => counts[s] > 0);
  return (
    <span className="sev-counts">
      {shown.map((s) => (
        <span key={s} className={`badge sev-${s}`}>
          {counts[s]} {s}
        </span>
      ))}
    </span>
  );
}

/** Running the checks is an act of its own, asked for: opening a page never runs them. */
function RunChecks() {
  const { api } = useSession();
  const run = useAction(() => api.send('POST', '/v1/checks/run'));
  return (
    <Can permission="compliance:manage">
      <button type="button" onClick={() => run.mutate(undefined)} disabled={run.isPending}>
        {run.isPending ? 'Running the checks…' : 'Run the checks now'}
      </button>
      {run.data ? (
        <span className="muted" role="status">
          Checks ran: {run.data.counts.opened} opened, {run.data.counts.resolved} resolved
        </span>
      ) : null}
      <ErrorBox error={run.error} />
    </Can>
  );
}

export function Findings() {
  const [params, update] = useSearchParams();
  // As the page's URL says: the server refuses a value it does not know (400), shown as the error.
  const f: Filters = {
    severity: (params.get('severity') ?? undefined) as Filters['severity'],
    status: params.get('status') ?? undefined,
    check: params.get('check') ?? undefined,
    owner: params.get('owner') ?? undefined,
    subject: params.get('subject') ?? undefined,
    entity: params.get('entity') ?? undefined,
    jurisdiction: (params.get('jurisdiction') ?? undefined) as Filters['jurisdiction'],
  };
  const by = (BY.some(([b]) => b === params.get('by')) ? params.get('by') : 'check') as By;
  const groups = useApi('/v1/findings/groups', { query: { ...f, by } }, { placeholderData: (prev) => prev });
  const checks = useApi('/v1/checks');
  const controls = useApi('/v1/controls');
  const lag = useApi('/v1/findings-lag');
  const readiness = useApi('/v1/readiness', { query: { brief: true } });
  // Which groups are open: the first one until the reader chooses (per grouping and filters).
  const view = JSON.stringify([f, by]);
  const [opened, setOpened] = useState<{ view: string; keys: Set<string> } | null>(null);
  const first = groups.data?.items[0];
  const open = opened?.view === view ? opened.keys : new Set(first ? [String(first.key)] : []);
  const toggle = (key: string) => {
    const next = new Set(open);
    if (!next.delete(key)) next.add(key);
    setOpened({ view, keys: next });
  };
  const titles = new Map((controls.data?.controls ?? []).map((c) => [c.id, `${c.framework} ${c.ref}: ${c.title}`]));
  const checkTitle = new Map((checks.data?.items ?? []).map((c) => [c.id, c.title]));
  // The groups shown are those of the answer (while a new grouping loads, the last one stays, by its own key).
  const shownBy = groups.data?.by ?? by;
  const label = (g: Group) =>
    shownBy === 'check' ? (checkTitle.get(g.key ?? '') ?? g.key ?? '') : shownBy === 'owner' ? (g.key ?? 'nobody') : (g.key ?? '');
  const pairs = [...new Set((readiness.data?.items ?? []).map((r) => `${r.entity}|${r.jurisdiction}`))].sort();
  const trendPair = f.entity && f.jurisdiction ? `${f.entity}|${f.jurisdiction}` : pairs[0];
  return (
    <>
      <h1>Findings and readiness</h1>
      <div className="grid">
        <section className="panel" aria-labelledby="h-trend">
          <h2 id="h-trend">Readiness trend</h2>
          <label>
            Entity and member state
            <select
              value={trendPair ?? ''}
              onChange={(e) => {
                const [en, j] = e.target.value.split('|');
                update({ entity: en, jurisdiction: j });
              }}
            >
              {pairs.map((p) => (
                <option key={p} value={p}>
                  {p.replace('|', ' · ')}
                </option>
              ))}
            </select>
          </label>
          {trendPair ? <Trend entity={trendPair.split('|')[0]!} jurisdiction={trendPair.split('|')[1]!} /> : null}
        </section>
        <section className="panel" aria-labelledby="h-lag">
          <h2 id="h-lag">Remediation lag</h2>
          {lag.error ? (
            <ErrorBox error={lag.error} />
          ) : lag.data ? (
            <ScrollBox label="Remediation lag, scrolled sideways">
              <table aria-label="Remediation lag by severity">
                <thead>
                  <tr>
                    <th>Severity</th>
                    <th>Resolved</th>
                    <th>p50 h</th>
                    <th>p90 h</th>
                    <th>Max h</th>
                    <th>Overdue open</th>
                  </tr>
                </thead>
                <tbody>
                  {SEVERITIES.map((s) => {
                    const l = lag.data[s];
                    return l ? (
                      <tr key={s}>
                        <td>
                          <Severity level={s} />
                        </td>
                        <td>{l.resolved}</td>
                        <td>{l.p50_hours.toFixed(1)}</td>
                        <td>{l.p90_hours.toFixed(1)}</td>
                        <td>{l.max_hours.toFixed(1)}</td>
                        <td>{l.overdue_open}</td>
                      </tr>
                    ) : null;
                  })}
                </tbody>
              </table>
            </ScrollBox>
          ) : (
            <Loading />
          )}
        </section>
      </div>
      <section className="panel row filters" aria-label="Filters">
        <label>
          Group by
          <select value={by} onChange={(e) => update({ by: e.target.value === 'check' ? undefined : e.target.value })}>
            {BY.map(([b, text]) => (
              <option key={b} value={b}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <FilterSelect label="Severity" values={SEVERITIES} value={f.severity} onChange={(v) => update({ severity: v })} />
        <FilterSelect
          label="Status"
          values={STATUSES}
          value={f.status}
          onChange={(v) => update({ status: v })}
          anyLabel="open and acknowledged"
        />
        <FilterSelect
          label="Check"
          values={(checks.data?.items ?? []).map((c) => c.id).sort()}
          value={f.check}
          onChange={(v) => update({ check: v })}
        />
        <label>
          Owner
          <input defaultValue={f.owner ?? ''} key={f.owner ?? ''} onBlur={(e) => update({ owner: e.target.value.trim() || undefined })} />
        </label>
        <label>
          Subject
          <input
            defaultValue={f.subject ?? ''}
            key={f.subject ?? ''}
            onBlur={(e) => update({ subject: e.target.value.trim() || undefined })}
          />
        </label>
        {f.entity || f.jurisdiction ? (
          <button type="button" onClick={() => update({ entity: undefined, jurisdiction: undefined })}>
            Only {f.entity} {f.jurisdiction} · clear
          </button>
        ) : null}
        <span className="spacer" />
        <RunChecks />
      </section>
      <ErrorBox error={groups.error} />
      {groups.isPending ? (
        <Loading what="Loading findings" />
      ) : groups.data ? (
        <section className="panel" aria-labelledby="h-groups">
          <h2 id="h-groups">
            <span role="status" data-testid="findings-total">
              {groups.data.total.toLocaleString()} findings in {groups.data.items.length}{' '}
              {groups.data.items.length === 1 ? 'group' : 'groups'}
            </span>
          </h2>
          {groups.data.items.length ? (
            <ul className="groups" aria-label={`Findings by ${shownBy}`}>
              {groups.data.items.map((g) => {
                const key = String(g.key);
                const expanded = open.has(key);
                const id = `group-${shownBy}-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
                return (
                  <li key={key} className="group">
                    <button
                      type="button"
                      className="group-head"
                      aria-expanded={expanded}
                      aria-controls={id}
                      data-testid="finding-group"
                      onClick={() => toggle(key)}
                    >
                      <span className="chevron" aria-hidden="true">
                        {expanded ? '▾' : '▸'}
                      </span>
                      <span className="group-name">
                        {shownBy === 'severity' ? <Severity level={key} /> : <span className="ident">{label(g)}</span>}
                        {shownBy === 'check' && g.key ? <span className="muted ident mono">{g.key}</span> : null}
                      </span>
                      <span className="group-count">{g.count.toLocaleString()}</span>
                      {shownBy === 'severity' ? null : <SeverityCounts counts={g.by_severity} />}
                    </button>
                    {expanded ? (
                      <div id={id}>
                        <GroupFindings filters={f} by={shownBy} group={g} label={label(g)} titles={titles} />
                      </div>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          ) : (
            <Empty>No findings match.</Empty>
          )}
        </section>
      ) : null}
    </>
  );
}
