// The blast radius of a licence change as a layered graph: the authorisations that move, the
// services they license, and the identities in those services coloured by what happens to them.
// Drawn as plain SVG (three columns of boxes and straight edges need no graph-layout library); the
// table under it carries the same facts for screen readers and for copying into a ticket.
import type { Impact } from '../lib/types';

export type Outcome = 'suspend' | 'narrow' | 'return_path' | 'keep' | 'restore' | 'inactive';
export const OUTCOME_LABEL: Record<Outcome, string> = {
  suspend: 'suspended',
  narrow: 'narrowed',
  return_path: 'return path kept',
  keep: 'kept',
  restore: 'restored',
  inactive: 'already inactive',
};
const OUTCOME_COLOUR: Record<Outcome, string> = {
  suspend: 'var(--suspend)',
  narrow: 'var(--narrow)',
  return_path: 'var(--return)',
  keep: 'var(--keep)',
  restore: 'var(--restore)',
  inactive: 'var(--muted)',
};

export interface ImpactRow {
  identity: string;
  outcome: Outcome;
  scopes: string[];
  detail: string;
}

/** Who ends where: narrowed identities that keep a return-path action in a moved scope are shown as such. */
export function classify(impact: Impact, movedScopes: Set<string>): ImpactRow[] {
  const returnActions = new Set(((impact.return_paths ?? []) as { scope: string; action: string }[]).map((r) => `${r.scope}|${r.action}`));
  const rows: ImpactRow[] = [];
  for (const s of impact.suspended)
    rows.push({ identity: s.identity, outcome: 'suspend', scopes: [...new Set(s.removed.map((r) => r.scope))], detail: s.why });
  for (const n of impact.narrowed) {
    const scopes = [...new Set(n.removed.map((r) => r.scope))];
    const kept = n.to.filter((t) => movedScopes.has(t.scope)).flatMap((t) => t.actions.filter((a) => returnActions.has(`${t.scope}|${a}`)));
    rows.push({
      identity: n.identity,
      outcome: kept.length ? 'return_path' : 'narrow',
      scopes,
      detail:
        `loses ${[...new Set(n.removed.map((r) => r.action))].join(', ')}` +
        `${kept.length ? `; keeps ${[...new Set(kept)].join(', ')}` : ''}`,
    });
  }
  for (const r of impact.restored) rows.push({ identity: r.identity, outcome: 'restore', scopes: [], detail: `back to ${r.status}` });
  // Identities that are not active (suspended, revoked, decommissioned) stay as they are and act
  // nowhere: listed, not drawn.
  for (const u of impact.untouched)
    rows.push({
      identity: u.identity,
      outcome: u.status === 'active' ? 'keep' : 'inactive',
      scopes: [],
      detail: u.status === 'active' ? u.why : `${u.status}: ${u.why}`,
    });
  return rows;
}

/**
 * How many identities end where, counted from the same rows the graph and the table draw: the
 * impact sentence and the legend both read these numbers, so they cannot disagree. `narrow` counts
 * every narrowed identity, `returnPath` those of them that keep a return path in a moved scope;
 * `keep` the active ones left as they are, `inactive` the suspended, revoked or decommissioned ones
 * left as they are.
 */
export interface ImpactTally {
  suspend: number;
  narrow: number;
  returnPath: number;
  restore: number;
  keep: number;
  inactive: number;
}

export function tally(rows: ImpactRow[]): ImpactTally {
  const n = (o: Outcome) => rows.filter((r) => r.outcome === o).length;
  return {
    suspend: n('suspend'),
    narrow: n('narrow') + n('return_path'),
    returnPath: n('return_path'),
    restore: n('restore'),
    keep: n('keep'),
    inactive: n('inactive'),
  };
}

/** The scopes an impact's moved authorisations license, as the graph's middle column. */
export const movedScopesOf = (services: { scope: string }[]) => new Set(services.map((s) => s.scope));

const PER_GROUP = 6;

export function ImpactGraph({
  impact,
  services,
  noun = 'authorisations',
}: {
  impact: Impact;
  services: { id: string; scope: string }[];
  /** What moves: authorisations, or products. */
  noun?: string;
}) {
  const rows = classify(impact, movedScopesOf(services));
  const t = tally(rows);
  // The legend: the sentence's categories with the same numbers; the return paths kept are a part of the narrowed.
  const legend: { outcome: Outcome; label: string; count: number; part?: boolean }[] = [
    { outcome: 'suspend', label: OUTCOME_LABEL.suspend, count: t.suspend },
    { outcome: 'narrow', label: OUTCOME_LABEL.narrow, count: t.narrow },
    ...(t.returnPath
      ? [{ outcome: 'return_path' as const, label: `of them ${OUTCOME_LABEL.return_path}`, count: t.returnPath, part: true }]
      : []),
    { outcome: 'restore', label: OUTCOME_LABEL.restore, count: t.restore },
    { outcome: 'keep', label: OUTCOME_LABEL.keep, count: t.keep },
    ...(t.inactive ? [{ outcome: 'inactive' as const, label: OUTCOME_LABEL.inactive, count: t.inactive }] : []),
  ];
  const order: Outcome[] = ['suspend', 'narrow', 'return_path', 'restore', 'keep'];
  const right: { label: string; outcome: Outcome; scopes: string[]; more?: number }[] = [];
  for (const o of order) {
    const group = rows.filter((r) => r.outcome === o);
    for (const r of group.slice(0, PER_GROUP)) right.push({ label: r.identity, outcome: o, scopes: r.scopes });
    if (group.length > PER_GROUP)
      right.push({
        label: `+ ${group.length - PER_GROUP} more ${OUTCOME_LABEL[o]}`,
        outcome: o,
        scopes: [],
        more: group.length - PER_GROUP,
      });
  }
  const rowH = 24;
  const height = Math.max(right.length, services.length, impact.moved.length) * rowH + 20;
  const col = [10, 270, 540];
  const boxW = [240, 230, 270];
  const yOf = (i: number, n: number) => 10 + (i + 0.5) * ((height - 20) / Math.max(n, 1));
  const scopeIndex = new Map(services.map((s, i) => [s.scope, i]));
  const authIndex = new Map(impact.moved.map((m, i) => [m.id, i]));
  return (
    <figure style={{ margin: 0 }}>
      <div className="legend" aria-hidden="true" data-testid="impact-legend">
        {legend.map((l) => (
          <span key={l.outcome} data-outcome={l.outcome}>
            <svg width="12" height="12">
              <title>{OUTCOME_LABEL[l.outcome]}</title>
              <rect width="12" height="12" rx="2" fill={OUTCOME_COLOUR[l.outcome]} />
            </svg>{' '}
            {l.label} <span data-testid="legend-count">{l.count}</span>
          </span>
        ))}
      </div>
      <svg
        viewBox={`0 0 820 ${height}`}
        width="100%"
        role="img"
        data-testid="impact-graph"
        aria-label={
          `Impact: ${impact.moved.length} ${noun} move; ${t.suspend} identities suspended, ` +
          `${t.narrow} narrowed (${t.returnPath} of them keep a return path), ${t.restore} restored, ${t.keep} kept` +
          `${t.inactive ? `, ${t.inactive} already inactive` : ''}`
        }
      >
        {services.map((s, i) => {
          const a = authIndex.get(s.id) ?? 0;
          return (
            <line
              key={`a${s.scope}`}
              x1={col[0]! + boxW[0]!}
              y1={yOf(a, impact.moved.length)}
              x2={col[1]}
              y2={yOf(i, services.length)}
              stroke="var(--border)"
              strokeWidth="2"
            />
          );
        })}
        {right.map((r, i) => {
          const targets = r.scopes.length ? r.scopes.filter((s) => scopeIndex.has(s)) : services.map((s) => s.scope);
          return targets.map((t) => (
            <line
              key={`e${r.outcome}:${r.label}:${t}`}
              x1={col[1]! + boxW[1]!}
              y1={yOf(scopeIndex.get(t) ?? 0, services.length)}
              x2={col[2]}
              y2={yOf(i, right.length)}
              stroke={OUTCOME_COLOUR[r.outcome]}
              strokeOpacity="0.45"
            />
          ));
        })}
        {impact.moved.map((m, i) => (
          <g key={m.id}>
            <rect
              x={col[0]}
              y={yOf(i, impact.moved.length) - 10}
              width={boxW[0]}
              height="20"
              rx="4"
              fill="var(--panel)"
              stroke="var(--accent)"
            />
            <text x={col[0]! + 6} y={yOf(i, impact.moved.length) + 4} fontSize="11" fill="var(--text)">
              {m.id}: {m.from} → {m.to}
            </text>
          </g>
        ))}
        {services.map((s, i) => (
          <g key={s.scope}>
            <rect
              x={col[1]}
              y={yOf(i, services.length) - 10}
              width={boxW[1]}
              height="20"
              rx="4"
              fill="var(--panel)"
              stroke="var(--muted)"
            />
            <text x={col[1]! + 6} y={yOf(i, services.length) + 4} fontSize="11" fill="var(--text)">
              {s.scope}
            </text>
          </g>
        ))}
        {right.map((r, i) => (
          <g key={`n${r.outcome}:${r.label}`}>
            <rect
              x={col[2]}
              y={yOf(i, right.length) - 10}
              width={boxW[2]}
              height="20"
              rx="4"
              fill={OUTCOME_COLOUR[r.outcome]}
              fillOpacity={r.more ? 0.08 : 0.16}
              stroke={OUTCOME_COLOUR[r.outcome]}
            />
            <text x={col[2]! + 6} y={yOf(i, right.length) + 4} fontSize="11" fill="var(--text)">
              {r.label}
            </text>
          </g>
        ))}
      </svg>
      <details>
        <summary>Every identity and what happens to it ({rows.length})</summary>
        <table aria-label="Impact by identity">
          <thead>
            <tr>
              <th>Identity</th>
              <th>Outcome</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.identity}>
                <td>{r.identity}</td>
                <td style={{ color: OUTCOME_COLOUR[r.outcome] }}>{OUTCOME_LABEL[r.outcome]}</td>
                <td>{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
