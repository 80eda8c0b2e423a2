// A table of ledger events, newest first, with what changed.
import { Link } from 'wouter';
import type { LedgerEvent } from '../lib/types';
import { When } from './ui';

type Doc = Record<string, unknown>;
const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScope = (v: unknown): v is { entity: string; service: string; jurisdiction: string } =>
  isDoc(v) && typeof v.entity === 'string' && typeof v.service === 'string' && typeof v.jurisdiction === 'string';
const scopeText = (v: unknown) => (isScope(v) ? `${v.entity}/${v.service}/${v.jurisdiction}` : String(v));
const clip = (s: string, max = 48) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A value in a line of the detail: short, never a blob of JSON. */
function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return clip(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isScope(v)) return scopeText(v);
  if (Array.isArray(v)) {
    if (!v.length) return 'none';
    if (v.every((x) => !isDoc(x) && !Array.isArray(x))) return clip(v.map(String).join(', '));
    return `${v.length} entries`;
  }
  return clip(JSON.stringify(v));
}

/** Power as a set of "scope action" (an identity's lawful power, a grant's actions per scope). */
function powerSet(v: unknown): Set<string> | undefined {
  if (!Array.isArray(v) || !v.every((x) => isDoc(x) && 'scope' in x && Array.isArray(x.actions))) return undefined;
  return new Set((v as { scope: unknown; actions: unknown[] }[]).flatMap((x) => x.actions.map((a) => `${scopeText(x.scope)} ${a}`)));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What an event changed, one line a key: `status: active → suspended`, a list's additions and
 * removals (`actions: +read −trade`), lawful power lost or regained, or a new record's values.
 */
export function changes(e: Pick<LedgerEvent, 'before' | 'after'>): string[] {
  const before = isDoc(e.before) ? e.before : {};
  const after = isDoc(e.after) ? e.after : {};
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
  const out: string[] = [];
  let powerShown = false;
  for (const k of keys) {
    const b = before[k];
    const a = after[k];
    if (same(b, a)) continue;
    const pb = powerSet(b ?? []);
    const pa = powerSet(a ?? []);
    if (pb && pa && (b !== undefined || a !== undefined)) {
      const lost = [...pb].filter((x) => !pa.has(x));
      const gained = [...pa].filter((x) => !pb.has(x));
      if (lost.length || gained.length) {
        powerShown = true;
        out.push(
          [
            lost.length ? `${k} removed: ${clip(lost.join(', '), 80)}` : '',
            gained.length ? `${k} added: ${clip(gained.join(', '), 80)}` : '',
          ]
            .filter(Boolean)
            .join('; '),
        );
      }
      continue;
    }
    if (Array.isArray(b) && Array.isArray(a) && [...a, ...b].every((x) => !isDoc(x) && !Array.isArray(x))) {
      const removed = b.filter((x) => !a.some((y) => same(x, y)));
      const added = a.filter((x) => !b.some((y) => same(x, y)));
      out.push(`${k}: ${[...added.map((x) => `+${show(x)}`), ...removed.map((x) => `−${show(x)}`)].join(' ') || 'reordered'}`);
      continue;
    }
    if (k === 'removed' && Array.isArray(a) && b === undefined) {
      if (!powerShown && a.length)
        out.push(
          `lawful actions removed: ${clip(
            (a as Doc[]).map((r) => `${scopeText(r.scope)} ${String(r.action)}${r.rule ? ` (${String(r.rule)})` : ''}`).join(', '),
            100,
          )}`,
        );
      continue;
    }
    if (k in before && k in after) out.push(`${k}: ${show(b)} → ${show(a)}`);
    else if (k in after) out.push(`${k}: ${show(a)}`);
    else out.push(`${k}: ${show(b)} → —`);
  }
  return out;
}

const SHOWN = 4;

function Detail({ e }: { e: LedgerEvent }) {
  const after = e.after as Record<string, unknown> | null | undefined;
  if (e.action === 'decision.recorded' && isDoc(after)) {
    const d = after as { action?: string; decision?: string; allowed?: boolean; reasons?: string[] };
    const verdict = d.decision ?? (d.allowed === undefined ? '' : d.allowed ? 'allow' : 'deny');
    return <>{`${d.action ?? ''} ${verdict}${d.reasons?.length ? ` (${d.reasons.slice(0, 2).join('; ')})` : ''}`.trim()}</>;
  }
  const lines = changes(e);
  return (
    <div data-testid="event-detail">
      {lines.slice(0, SHOWN).map((l) => (
        <div key={l} className="change">
          {l}
        </div>
      ))}
      {lines.length > SHOWN ? <div className="muted">and {lines.length - SHOWN} more changes</div> : null}
      {e.reason ? <div className="muted">{e.reason}</div> : lines.length ? null : <span className="muted">—</span>}
    </div>
  );
}

export function EventTable({ events, label, showSubject = false }: { events: LedgerEvent[]; label: string; showSubject?: boolean }) {
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th>Seq</th>
          <th>When</th>
          <th>Actor</th>
          <th>Action</th>
          {showSubject ? <th>Subject</th> : null}
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.seq}>
            <td>
              <Link href={`/ledger?seq=${e.seq}`}>{e.seq}</Link>
            </td>
            <td>
              <When at={e.at} />
            </td>
            <td>{e.actor}</td>
            <td>
              <code>{e.action}</code>
            </td>
            {showSubject ? (
              <td>
                {e.subject.type === 'identity' ? (
                  <Link href={`/identities/${encodeURIComponent(e.subject.id)}`}>{e.subject.id}</Link>
                ) : e.subject.type === 'authorisation' ? (
                  <Link href={`/authorisations/${e.subject.id}`}>{e.subject.id}</Link>
                ) : e.subject.type === 'product' ? (
                  <Link href={`/products/${encodeURIComponent(e.subject.id)}`}>{e.subject.id}</Link>
                ) : (
                  `${e.subject.type} ${e.subject.id}`
                )}
              </td>
            ) : null}
            <td>
              <Detail e={e} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
