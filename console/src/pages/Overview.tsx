// The firm's posture at a glance: readiness per entity × member state, open findings by severity
// and framework, what falls due next, identities by function and capability, recent licence changes.
import { useState } from 'react';
import { Link } from 'wouter';
import { ScrollBox } from '../components/Scroll';
import { Empty, ErrorBox, Loading, Severity, Status, When } from '../components/ui';
import { useApi } from '../lib/hooks';
import { productsOf } from '../lib/products';
import { SEVERITIES } from '../lib/types';

interface Summary {
  identities: { total: number; by_function_capability: Record<string, Record<string, number>>; by_status: Record<string, number> };
}

/** The readiness bands: a colour each (with the number always shown), so 56, 85, 97 and 100 differ at a glance. */
const BANDS: { min: number; label: string }[] = [
  { min: 100, label: '100 ready' },
  { min: 95, label: '95–99' },
  { min: 80, label: '80–94' },
  { min: 50, label: '50–79' },
  { min: 0, label: 'below 50' },
];
function band(score: number): number {
  // 4 is 100, 0 below 50; a mean is banded as shown (rounded), so a cell and its band agree.
  const shown = Math.round(score);
  return 4 - BANDS.findIndex((b) => shown >= b.min);
}

function ReadinessScale() {
  return (
    <ul className="scale" aria-label="Readiness scale">
      {[...BANDS].reverse().map((b) => (
        <li key={b.label} className={`band-${band(b.min)}`}>
          {b.label}
        </li>
      ))}
    </ul>
  );
}

function ReadinessGrid() {
  // The checks run in the background after start and after every change: keep the grid current.
  const q = useApi('/v1/readiness', { query: { brief: true } }, { refetchInterval: 15_000 });
  if (q.isPending) return <Loading what="Loading readiness" />;
  if (q.error) return <ErrorBox error={q.error} />;
  const cells = new Map<string, { sum: number; n: number; worst: number }>();
  for (const r of q.data.items) {
    const key = `${r.entity}|${r.jurisdiction}`;
    const c = cells.get(key) ?? { sum: 0, n: 0, worst: 100 };
    c.sum += r.score;
    c.n += 1;
    c.worst = Math.min(c.worst, r.score);
    cells.set(key, c);
  }
  const entities = [...new Set(q.data.items.map((r) => r.entity))].sort();
  const states = [...new Set(q.data.items.map((r) => r.jurisdiction))].sort();
  if (!entities.length) return <Empty>No check run yet: the control checks run a few seconds after the server starts.</Empty>;
  return (
    <>
      <ScrollBox label="Readiness, scrolled sideways">
        <table className="heat" aria-label="Readiness by entity and member state (mean score of its services; 100 is ready)">
          <thead>
            <tr>
              <th scope="col">Entity</th>
              {states.map((s) => (
                <th scope="col" key={s}>
                  {s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {entities.map((e) => (
              <tr key={e}>
                <th scope="row">{e}</th>
                {states.map((s) => {
                  const c = cells.get(`${e}|${s}`);
                  if (!c)
                    return (
                      <td key={s} className="muted">
                        —
                      </td>
                    );
                  const mean = c.sum / c.n;
                  return (
                    <td key={s}>
                      <Link
                        href={`/findings?entity=${encodeURIComponent(e)}&jurisdiction=${s}`}
                        className={`band-${band(mean)}`}
                        title={`${e} in ${s}: mean ${mean.toFixed(1)} over ${c.n} services; worst ${c.worst}`}
                      >
                        {mean.toFixed(0)}
                      </Link>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      <ReadinessScale />
    </>
  );
}

function FindingCounts() {
  // Counted on the server (GET /v1/findings/groups), never by reading every finding.
  const bySeverity = useApi('/v1/findings/groups', { query: { by: 'severity' } }, { refetchInterval: 15_000 });
  const byCheck = useApi('/v1/findings/groups', { query: { by: 'check' } }, { refetchInterval: 15_000 });
  const checks = useApi('/v1/checks');
  const error = bySeverity.error ?? byCheck.error ?? checks.error;
  if (error) return <ErrorBox error={error} />;
  if (!bySeverity.data || !byCheck.data || !checks.data) return <Loading what="Loading findings" />;
  const count = new Map(bySeverity.data.items.map((g) => [g.key, g.count]));
  // A finding maps to its check's controls: a framework counts the findings of the checks that map to it.
  const controls = new Map(checks.data.items.map((c) => [c.id, c.controls]));
  const byFamily = new Map<string, number>();
  for (const g of byCheck.data.items)
    for (const family of new Set((controls.get(g.key ?? '') ?? []).map((c) => c.split(':')[0]!)))
      byFamily.set(family, (byFamily.get(family) ?? 0) + g.count);
  const max = Math.max(1, ...byFamily.values());
  return (
    <>
      {/* biome-ignore lint/a11y/useSemanticElements: a group of links, not of form controls, so not a <fieldset> */}
      <div className="kpis" role="group" aria-label="Open findings by severity">
        {SEVERITIES.map((s) => (
          <Link key={s} href={`/findings?severity=${s}`} className="kpi-card">
            <div className={`kpi sev-${s}`}>{count.get(s) ?? 0}</div>
            <Severity level={s} />
          </Link>
        ))}
      </div>
      <h3>By framework</h3>
      <table aria-label="Open findings by control framework">
        <tbody>
          {[...byFamily.entries()]
            .sort((a, b) => b[1] - a[1])
            .map(([family, n]) => (
              <tr key={family}>
                <th scope="row" style={{ width: 120 }}>
                  {family}
                </th>
                <td style={{ width: 60 }}>{n}</td>
                <td>
                  <div className="bar" style={{ width: `${(n / max) * 100}%` }} />
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}

interface Deadline {
  at: string;
  what: string;
  href: string;
  kind: string;
}

function Deadlines() {
  const transitions = useApi('/v1/transitions', { query: { limit: 100 } });
  // The next open findings to fall due, found by the server (one index walk), not every finding read
  // here: at 100,000 identities that was 64,595 findings, 3.6 MB. Since a day ago, fixed at mount and
  // to the minute, so that loads within a minute ask the same URL.
  const [since] = useState(() => new Date(Math.floor((Date.now() - 86_400_000) / 60_000) * 60_000).toISOString());
  const findings = useApi('/v1/findings/due', { query: { from: since, limit: 8 } });
  const exceptions = useApi('/v1/exceptions', {
    query: {
      status: 'active',
      limit: 500,
    },
  });
  const access = useApi('/v1/access-requests', {
    query: {
      status: 'active',
      limit: 500,
    },
  });
  const error = transitions.error ?? findings.error ?? exceptions.error ?? access.error;
  if (error) return <ErrorBox error={error} />;
  if (!transitions.data || !findings.data || !exceptions.data || !access.data) return <Loading what="Loading deadlines" />;
  const now = Date.now();
  const items: Deadline[] = [];
  for (const t of transitions.data.items) {
    // A product's conformity change (CRA) moves products, not authorisations.
    const products = productsOf(t);
    const moves = products.length && !t.authorisations.length ? products : t.authorisations;
    const href = moves === products ? `/products/${encodeURIComponent(products[0]!)}` : `/authorisations/${t.authorisations[0]}`;
    if (t.status === 'pending' || t.status === 'approved')
      items.push({
        at: t.effective_at,
        kind: moves === products ? 'product status change' : 'licence change',
        what: `${moves.join(', ')} → ${t.to} takes effect`,
        href,
      });
    if (t.deadline && t.status !== 'rejected' && t.status !== 'expired')
      items.push({
        at: t.deadline,
        kind: 'wind-down deadline',
        what: `${moves.join(', ')}: ${t.to} deadline`,
        href,
      });
  }
  for (const f of findings.data.items)
    items.push({
      at: f.due_at,
      kind: `${f.severity} finding due`,
      what: f.title,
      href: `/findings?subject=${encodeURIComponent(f.subject.id)}`,
    });
  for (const e of exceptions.data.items)
    if (e.expires_at)
      items.push({
        at: e.expires_at,
        kind: 'exception expires',
        what: `${e.id} (${e.identity})`,
        href: `/identities/${encodeURIComponent(e.identity)}`,
      });
  for (const a of access.data.items)
    if (a.expires_at)
      items.push({
        at: a.expires_at,
        kind: 'JIT access ends',
        what: `${a.id} (${a.identity})`,
        href: `/identities/${encodeURIComponent(a.identity)}`,
      });
  const upcoming = items
    .filter((d) => new Date(d.at).getTime() >= now - 86_400_000)
    .sort((a, b) => a.at.localeCompare(b.at))
    .slice(0, 8);
  if (!upcoming.length) return <Empty>Nothing falls due.</Empty>;
  return (
    <table aria-label="Upcoming deadlines">
      <thead>
        <tr>
          <th>When</th>
          <th>What</th>
          <th>Item</th>
        </tr>
      </thead>
      <tbody>
        {upcoming.map((d) => (
          <tr key={`${d.at} ${d.kind} ${d.what} ${d.href}`}>
            <td>
              <When at={d.at} />
            </td>
            <td>{d.kind}</td>
            <td>
              <Link href={d.href}>{d.what}</Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function IdentityMix() {
  const q = useApi('/v1/inventory/summary');
  if (q.isPending) return <Loading what="Loading inventory" />;
  if (q.error) return <ErrorBox error={q.error} />;
  // Read as maps: the page lists whatever functions and capabilities the server counts.
  const summary: Summary = q.data;
  const byFunction = summary.identities.by_function_capability;
  const functions = Object.keys(byFunction).filter((f) => Object.values(byFunction[f] ?? {}).some((n) => n > 0));
  const count = (f: string, c: string) => byFunction[f]?.[c] ?? 0;
  return (
    <>
      <p>
        <span className="kpi">{q.data.identities.total.toLocaleString()}</span> identities ·{' '}
        {Object.entries(q.data.identities.by_status)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${n} ${s}`)
          .join(' · ')}
      </p>
      <table aria-label="Identities by function and capability">
        <thead>
          <tr>
            <th>Function</th>
            <th>Observe</th>
            <th>Execute</th>
          </tr>
        </thead>
        <tbody>
          {functions.map((f) => (
            <tr key={f}>
              <th scope="row">
                <Link href={`/inventory?function=${f}`}>{f.replace(/_/g, ' ')}</Link>
              </th>
              <td>
                <Link href={`/inventory?function=${f}&capability=observe`}>{count(f, 'observe')}</Link>
              </td>
              <td>
                <Link href={`/inventory?function=${f}&capability=execute`}>{count(f, 'execute')}</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function RecentChanges() {
  const q = useApi('/v1/transitions', { query: { limit: 8 } });
  if (q.isPending) return <Loading what="Loading changes" />;
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data.items.length) return <Empty>No authorisation changes yet.</Empty>;
  return (
    <table aria-label="Recent authorisation changes">
      <thead>
        <tr>
          <th>Proposed</th>
          <th>Authorisations or products</th>
          <th>To</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {q.data.items.map((t) => (
          <tr key={t.id}>
            <td>
              <When at={t.created_at} />
            </td>
            <td>
              {t.authorisations.map((a) => (
                <div key={a}>
                  <Link href={`/authorisations/${a}`}>{a}</Link>
                </div>
              ))}
              {productsOf(t).map((p) => (
                <div key={`product:${p}`}>
                  <Link href={`/products/${encodeURIComponent(p)}`}>{p}</Link>
                </div>
              ))}
            </td>
            <td>
              <Status value={t.to} />
            </td>
            <td>
              <Status value={t.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Overview() {
  return (
    <>
      <h1>Overview</h1>
      <div className="grid two">
        <section className="panel wide" aria-labelledby="h-ready">
          <h2 id="h-ready">Readiness by entity and member state</h2>
          <ReadinessGrid />
        </section>
        <section className="panel" aria-labelledby="h-find">
          <h2 id="h-find">Open findings</h2>
          <FindingCounts />
        </section>
        <section className="panel" aria-labelledby="h-mix">
          <h2 id="h-mix">Identities by function and capability</h2>
          <IdentityMix />
        </section>
        <section className="panel wide" aria-labelledby="h-due">
          <h2 id="h-due">Upcoming deadlines</h2>
          <Deadlines />
        </section>
        <section className="panel wide" aria-labelledby="h-chg">
          <h2 id="h-chg">Recent authorisation changes</h2>
          <RecentChanges />
        </section>
      </div>
    </>
  );
}
