// Small shared pieces: errors, loading states, badges, definition lists.
import type { ReactNode } from 'react';
import { ApiError, signInUrl, type Problem } from '../lib/api';
import { forgetStoredToken } from '../lib/session';

/**
 * An act of power refused for want of a strong, recent sign-in (STEP_UP_REQUIRED): the way through
 * it. The person signs in again at the provider (with MFA) and comes back to this page to retry; one
 * signed in with an API token signs in at the provider instead (the token is dropped from the tab).
 */
function StepUp({ stepUp }: { stepUp: NonNullable<Problem['step_up']> }) {
  const back = `${window.location.pathname}${window.location.search}`;
  const fresh = stepUp.need === 'sign_in';
  return (
    <p>
      <a className="button primary" href={signInUrl(back, !fresh)} onClick={fresh ? forgetStoredToken : undefined}>
        {fresh ? 'Sign in with your identity provider' : 'Sign in again with MFA'}
      </a>{' '}
      <span className="muted">
        then do it again{stepUp.max_age_seconds ? ` within ${Math.round(stepUp.max_age_seconds / 60)} minutes` : ''}.
      </span>
    </p>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const p = error instanceof ApiError ? error.problem : undefined;
  const issues = p?.errors?.length ? p.errors : p?.field ? [{ field: p.field, reason: undefined }] : [];
  return (
    <div className="error" role="alert">
      <strong>{p?.title ?? 'Something went wrong'}</strong>
      {p?.code ? (
        <>
          {' '}
          · <code>{p.code}</code>
        </>
      ) : null}
      <div>{error instanceof Error ? error.message : String(error)}</div>
      {p?.step_up ? <StepUp stepUp={p.step_up} /> : null}
      {issues.length ? (
        <ul>
          {issues.map((i, n) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: one answer's issues as is: never reordered, stateless, may repeat
            <li key={n}>
              {i.field ? <code>{i.field}</code> : null} {i.reason ?? ''}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status">
      {what}…
    </p>
  );
}

export function Severity({ level }: { level: string }) {
  return <span className={`badge sev-${level}`}>{level}</span>;
}

const STATUS_CLASS: Record<string, string> = {
  active: 'st-ok',
  authorised: 'st-ok',
  approved: 'st-ok',
  applied: 'st-ok',
  resolved: 'st-ok',
  granted: 'st-ok',
  suspended: 'sev-critical',
  withdrawn: 'sev-critical',
  revoked: 'sev-critical',
  rejected: 'sev-critical',
  open: 'sev-high',
  restricted: 'sev-high',
  wind_down: 'sev-medium',
  pending: 'sev-medium',
  expired: 'sev-medium',
  decommissioned: 'sev-low',
  // Discovery: an account's state against the inventory, and a run's outcome.
  matched: 'st-ok',
  succeeded: 'st-ok',
  drift: 'sev-high',
  unmanaged: 'sev-medium',
  missing: 'sev-medium',
  failed: 'sev-critical',
  // Products (CRA): conformity and market status.
  on_market: 'st-ok',
  assessed: 'st-ok',
  in_development: 'sev-low',
  support_ended: 'sev-medium',
  recalled: 'sev-critical',
};

export function Status({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return <span className={`badge ${STATUS_CLASS[value] ?? ''}`}>{value.replace(/_/g, ' ')}</span>;
}

export function KeyValues({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="kv">
      {items.map(([k, v]) => (
        <div key={k} style={{ display: 'contents' }}>
          <dt>{k}</dt>
          <dd>{v ?? <span className="muted">—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span className="muted">—</span>;
  const d = new Date(at);
  return (
    <time dateTime={at} title={at}>
      {d.toLocaleString(undefined, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short',
      })}
    </time>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted">{children}</p>;
}
