// The configured discovery sources, each with its last run observed against the inventory (each
// count opens the accounts of that state), and Run now for those who may change the inventory.
// A run answers when it ends; a source that cannot be read is a failed run with its cause.
import { Link } from 'wouter';
import { useAction, useApi } from '../lib/hooks';
import { Can, useSession } from '../lib/session';
import type { AccountState, DiscoveryRun, DiscoverySource } from '../lib/types';
import { Empty, ErrorBox, Loading, Status, When } from './ui';

const COUNTS: [AccountState | 'observed', string][] = [
  ['observed', 'Observed'],
  ['matched', 'Matched'],
  ['drift', 'Drift'],
  ['unmanaged', 'Unmanaged'],
  ['missing', 'Missing'],
];

function RunNow({ source }: { source: DiscoverySource }) {
  const { api } = useSession();
  const run = useAction(() => api.send('POST', '/v1/discovery/sources/{id}/runs', { path: { id: source.id } }));
  return (
    <>
      <button
        type="button"
        className="primary"
        style={{ whiteSpace: 'nowrap' }}
        disabled={run.isPending}
        aria-label={`Run now: ${source.id}`}
        onClick={() => run.mutate()}
      >
        {run.isPending ? 'Running…' : 'Run now'}
      </button>
      {run.data ? (
        <div role="status" className="muted">
          run <code>{run.data.id}</code> {run.data.status}
        </div>
      ) : null}
      <ErrorBox error={run.error} />
    </>
  );
}

function schedule(seconds: number | null): string {
  if (!seconds) return 'on demand';
  if (seconds % 3600 === 0) return `every ${seconds / 3600} h`;
  return seconds % 60 === 0 ? `every ${seconds / 60} min` : `every ${seconds} s`;
}

function LastRun({ run }: { run: DiscoveryRun | null }) {
  if (!run) return <span className="muted">never run</span>;
  return (
    <>
      <Status value={run.status} /> <When at={run.finished_at ?? run.started_at} />
      {run.complete || run.status === 'failed' ? null : <div className="muted">incomplete read: nothing is marked missing</div>}
      {run.error ? <div className="sev-critical">{run.error}</div> : null}
    </>
  );
}

export function DiscoverySources() {
  const q = useApi('/v1/discovery/sources');
  if (q.error) return <ErrorBox error={q.error} />;
  if (q.isPending) return <Loading what="Loading sources" />;
  if (!q.data.items.length)
    return (
      <Empty>
        No discovery source is configured yet: add one with <code>mandate discovery sources add</code> (docs/discovery.md).
      </Empty>
    );
  return (
    <section className="panel" aria-labelledby="h-sources">
      <h2 id="h-sources">Sources</h2>
      <table aria-label="Sources">
        <thead>
          <tr>
            <th>Source</th>
            <th>Covers</th>
            <th>Environment</th>
            <th>Runs</th>
            <th>Last run</th>
            {COUNTS.map(([k, label]) => (
              <th key={k}>{label}</th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {q.data.items.map((s) => (
            <tr key={s.id} data-testid={`source-${s.id}`}>
              <td>
                <strong>{s.id}</strong>
                <div className="muted">{s.kind}</div>
              </td>
              <td>{s.covers.join(', ')}</td>
              <td>{s.environment ?? <span className="muted">—</span>}</td>
              <td>{schedule(s.every_s)}</td>
              <td>
                <LastRun run={s.last_run} />
              </td>
              {COUNTS.map(([k]) => {
                const n = s.last_run?.counts?.[k];
                if (n === undefined)
                  return (
                    <td key={k} className="muted">
                      —
                    </td>
                  );
                return (
                  <td key={k}>
                    {k === 'observed' ? (
                      n
                    ) : (
                      <Link href={`/discovery?source=${encodeURIComponent(s.id)}&state=${k}`} aria-label={`${n} ${k} in ${s.id}`}>
                        {n}
                      </Link>
                    )}
                  </td>
                );
              })}
              <td>
                <Can permission="identities:write">
                  <RunNow source={s} />
                </Can>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
