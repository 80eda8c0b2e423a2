// Findings of the continuous control checks, with the controls each maps to, how long findings
// stay open (remediation lag) and readiness over time for one entity and member state.
import { Link } from 'wouter';
import { FilterSelect } from '../components/FilterSelect';
import { LineChart } from '../components/LineChart';
import { ReasonButton } from '../components/Reason';
import { Empty, ErrorBox, Loading, Severity, Status, When } from '../components/ui';
import type { QueryFor } from '../lib/api';
import { useAction, useApi } from '../lib/hooks';
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

export function Findings() {
  const { api } = useSession();
  const [params, update] = useSearchParams();
  // As the page's URL says: the server refuses a value it does not know (400), shown as the error.
  const f = {
    severity: (params.get('severity') ?? undefined) as QueryFor<'/v1/findings'>['severity'],
    status: params.get('status') ?? undefined,
    check: params.get('check') ?? undefined,
    owner: params.get('owner') ?? undefined,
    subject: params.get('subject') ?? undefined,
  };
  const entity = params.get('entity') ?? undefined;
  const jurisdiction = params.get('jurisdiction') ?? undefined;
  const findings = useApi('/v1/findings', { query: { ...f, limit: 5000 } });
  const controls = useApi('/v1/controls');
  const lag = useApi('/v1/findings-lag');
  const readiness = useApi('/v1/readiness', { query: { brief: true } });
  const ack = useAction(({ id, note }: { id: string; note: string }) =>
    api.send('POST', '/v1/findings/{id}/acknowledge', { path: { id }, body: { note } }),
  );
  const title = new Map((controls.data?.controls ?? []).map((c) => [c.id, `${c.framework} ${c.ref}: ${c.title}`]));
  // Entity and member state narrow on the finding's scopes (entity/service/member state).
  const items = (findings.data?.items ?? []).filter(
    (x) =>
      (!entity || x.scopes.some((s) => s.startsWith(`${entity}/`))) &&
      (!jurisdiction || x.scopes.some((s) => s.endsWith(`/${jurisdiction}`))),
  );
  const checks = [...new Set((findings.data?.items ?? []).map((x) => x.check))].sort();
  const pairs = [...new Set((readiness.data?.items ?? []).map((r) => `${r.entity}|${r.jurisdiction}`))].sort();
  const trendPair = entity && jurisdiction ? `${entity}|${jurisdiction}` : pairs[0];
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
          ) : (
            <Loading />
          )}
        </section>
      </div>
      <section className="panel row" aria-label="Filters">
        <FilterSelect label="Severity" values={SEVERITIES} value={f.severity} onChange={(v) => update({ severity: v })} />
        <FilterSelect
          label="Status"
          values={STATUSES}
          value={f.status}
          onChange={(v) => update({ status: v })}
          anyLabel="open and acknowledged"
        />
        <FilterSelect label="Check" values={checks} value={f.check} onChange={(v) => update({ check: v })} />
        <label>
          Owner
          <input defaultValue={f.owner ?? ''} onBlur={(e) => update({ owner: e.target.value.trim() || undefined })} />
        </label>
        <label>
          Subject
          <input defaultValue={f.subject ?? ''} onBlur={(e) => update({ subject: e.target.value.trim() || undefined })} />
        </label>
        {entity || jurisdiction ? (
          <button type="button" onClick={() => update({ entity: undefined, jurisdiction: undefined })}>
            Only {entity} {jurisdiction} · clear
          </button>
        ) : null}
      </section>
      <ErrorBox error={findings.error ?? ack.error} />
      {findings.isPending ? (
        <Loading what="Loading findings" />
      ) : (
        <section className="panel">
          <p role="status">
            {items.length} findings
            {(findings.data?.items.length ?? 0) >= 5000 ? ' (the first 5,000, most severe first: narrow the filters to see the rest)' : ''}
          </p>
          {items.length ? (
            <table aria-label="Findings">
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Finding</th>
                  <th>Controls</th>
                  <th>Owner</th>
                  <th>Status</th>
                  <th>Due</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((x) => (
                  <tr key={x.id}>
                    <td>
                      <Severity level={x.severity} />
                    </td>
                    <td>
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
                      {x.controls.map((c) => (
                        <div key={c}>
                          <abbr title={title.get(c) ?? c}>{c}</abbr>
                        </div>
                      ))}
                    </td>
                    <td>{x.owner ?? <span className="muted">none</span>}</td>
                    <td>
                      <Status value={x.status} />
                      {x.exception ? <div className="muted">exception {x.exception}</div> : null}
                    </td>
                    <td>
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
          ) : (
            <Empty>No findings match.</Empty>
          )}
        </section>
      )}
    </>
  );
}
