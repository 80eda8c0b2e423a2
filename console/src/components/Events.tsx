// A table of ledger events, newest first, with what changed.
import { Link } from 'wouter';
import type { LedgerEvent } from '../lib/types';
import { When } from './ui';

function summary(e: LedgerEvent): string {
  const after = e.after as Record<string, unknown> | null | undefined;
  if (!after || typeof after !== 'object') return e.reason ?? '';
  if (e.action === 'decision.recorded') {
    const d = after as { action?: string; decision?: string; allowed?: boolean; reasons?: string[]; resource?: unknown };
    const verdict = d.decision ?? (d.allowed === undefined ? '' : d.allowed ? 'allow' : 'deny');
    return `${d.action ?? ''} ${verdict}${d.reasons?.length ? ` (${d.reasons.slice(0, 2).join('; ')})` : ''}`.trim();
  }
  if ('status' in after && e.before && typeof e.before === 'object' && 'status' in (e.before as object))
    return `status ${(e.before as { status: string }).status} → ${String(after.status)}${e.reason ? `: ${e.reason}` : ''}`;
  return e.reason ?? Object.keys(after).slice(0, 6).join(', ');
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
                ) : (
                  `${e.subject.type} ${e.subject.id}`
                )}
              </td>
            ) : null}
            <td>{summary(e)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
