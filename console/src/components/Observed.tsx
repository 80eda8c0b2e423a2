// What a discovery source saw of one account, as table cells shared by the Discovery page and an
// identity's page: state and drift, live privilege with the native grants as evidence, credential
// facts (never a value: sources record facts about credentials), sessions and last use.
import type { CredentialFact, DiscoveredAccount, ObservedAccount, SuggestedFinding } from '../lib/types';
import { Severity, Status, When } from './ui';

const words = (s: string) => s.replace(/_/g, ' ');
const day = (at: string | undefined) => at?.slice(0, 10);
const plural = (n: number, one: string) => `${n.toLocaleString()} ${one}${n === 1 ? '' : 's'}`;

export function AccountState({ a }: { a: DiscoveredAccount }) {
  return (
    <>
      <Status value={a.state} />
      {a.drift.map((d) => (
        <div key={d} className="sev-high">
          {words(d)}
        </div>
      ))}
    </>
  );
}

/** The normalised privilege, and the grants it was read from (collapsed unless `open`). */
export function Privilege({ account, open }: { account: ObservedAccount | null; open?: boolean }) {
  if (!account) return <span className="muted">not seen</span>;
  const level = account.privilege === 'execute' ? 'sev-high' : account.privilege === 'observe' ? 'st-ok' : '';
  const more = account.grants_total - account.grants.length;
  return (
    <>
      <span className={`badge ${level}`}>{account.privilege}</span>
      {account.can_login ? null : <div className="muted">cannot log in</div>}
      {account.grants.length ? (
        <details open={open}>
          <summary>{plural(account.grants_total, 'grant')}</summary>
          <ul className="facts">
            {account.grants.map((g, n) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the server's list as is: never reordered, stateless items, may repeat
              <li key={n}>
                <span className="muted">{g.privilege}:</span> {g.grant}
              </li>
            ))}
            {more > 0 ? <li className="muted">and {plural(more, 'more grant')}</li> : null}
          </ul>
        </details>
      ) : (
        <div className="muted">no grants</div>
      )}
    </>
  );
}

function fact(c: CredentialFact): string {
  const parts = [`${c.type}${c.count === undefined ? '' : ` ×${c.count}`}`];
  if (c.lifetime) parts.push(words(c.lifetime));
  if (c.label) parts.push(c.label);
  if (c.active === false) parts.push('inactive');
  if (c.last_rotated) parts.push(`rotated ${day(c.last_rotated)}`);
  else if (c.created) parts.push(`created ${day(c.created)}`);
  if (c.expires) parts.push(`expires ${day(c.expires)}`);
  if (c.last_used) parts.push(`used ${day(c.last_used)}`);
  return parts.join(', ');
}

export function Credentials({ account }: { account: ObservedAccount | null }) {
  if (!account) return <span className="muted">—</span>;
  if (!account.credentials.length) return <span className="muted">none seen</span>;
  return (
    <ul className="facts">
      {account.credentials.map((c, n) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the server's list as is: never reordered, stateless items, may repeat
        <li key={n}>
          {fact(c)}
          {c.fingerprint ? (
            <>
              {' '}
              <code>{c.fingerprint}</code>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Last use, and the sessions seen (newest first; an interactive client is a person at a console). */
export function Sessions({ account, open }: { account: ObservedAccount | null; open?: boolean }) {
  if (!account) return <span className="muted">—</span>;
  return (
    <>
      {account.last_used ? (
        <div>
          last used <When at={account.last_used} />
        </div>
      ) : (
        <div className="muted">no use seen</div>
      )}
      {account.sessions.length ? (
        <details open={open}>
          <summary>{plural(account.sessions_total, 'session')}</summary>
          <ul className="facts">
            {account.sessions.map((s, n) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the server's list as is: never reordered, stateless items, may repeat
              <li key={n}>
                {s.user}
                {s.application ? ` · ${s.application}` : ''}
                {s.client_address ? ` · ${s.client_address}` : ''}
                {s.started ? (
                  <>
                    {' '}
                    · <When at={s.started} />
                  </>
                ) : null}
                {s.interactive ? (
                  <>
                    {' '}
                    <span className="badge sev-high">interactive</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}

export function SuggestedFindings({ findings }: { findings: SuggestedFinding[] }) {
  if (!findings.length) return <span className="muted">none</span>;
  return (
    <ul className="facts">
      {findings.map((f, n) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the server's list as is: never reordered, stateless items, may repeat
        <li key={n} title={f.detail}>
          <Severity level={f.severity} /> {f.title}
        </li>
      ))}
    </ul>
  );
}
