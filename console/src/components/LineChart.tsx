// A readiness trend as an SVG line. Drawn by hand: one polyline and two axes need no charting
// library (the usual ones add 50–100 KB gzipped to a bundle capped at 400 KB).
export interface Point {
  at: string;
  value: number;
}

export function LineChart({ points, label, max = 100, height = 140 }: { points: Point[]; label: string; max?: number; height?: number }) {
  const width = 520;
  const pad = { l: 34, r: 10, t: 10, b: 22 };
  if (points.length === 0) return <p className="muted">No history yet for {label}.</p>;
  const t0 = new Date(points[0]!.at).getTime();
  const t1 = new Date(points[points.length - 1]!.at).getTime();
  const x = (at: string) =>
    pad.l + (t1 === t0 ? (width - pad.l - pad.r) / 2 : ((new Date(at).getTime() - t0) / (t1 - t0)) * (width - pad.l - pad.r));
  const y = (v: number) => pad.t + (1 - v / max) * (height - pad.t - pad.b);
  const path = points.map((p) => `${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const last = points[points.length - 1]!;
  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={`${label}: ${points.length} points, latest ${last.value.toFixed(0)} of ${max}`}
      >
        {[0, 50, 100].map((v) => (
          <g key={v}>
            <line x1={pad.l} x2={width - pad.r} y1={y(v)} y2={y(v)} stroke="var(--border)" />
            <text x={pad.l - 6} y={y(v) + 4} textAnchor="end" fontSize="11" fill="var(--muted)">
              {v}
            </text>
          </g>
        ))}
        <polyline points={path} fill="none" stroke="var(--accent)" strokeWidth="2" />
        {points.map((p) => (
          <circle key={p.at} cx={x(p.at)} cy={y(p.value)} r="2.5" fill="var(--accent)">
            <title>{`${p.at}: ${p.value.toFixed(1)}`}</title>
          </circle>
        ))}
        <text x={pad.l} y={height - 4} fontSize="11" fill="var(--muted)">
          {new Date(t0).toLocaleDateString()}
        </text>
        <text x={width - pad.r} y={height - 4} fontSize="11" textAnchor="end" fill="var(--muted)">
          {new Date(t1).toLocaleString()}
        </text>
      </svg>
      <figcaption className="muted">{label}</figcaption>
    </figure>
  );
}
