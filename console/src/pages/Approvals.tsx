// The signed-in user's inbox: requests they may decide now. The server applies separation of
// duties (never one's own request, nor one about an identity one owns; one vote per person), so
// the inbox lists only those; a refused vote still shows the server's reason.
import { ScrollBox } from '../components/Scroll';
import { useState } from 'react';
import { Link } from 'wouter';
import { Empty, ErrorBox, Loading, Status, When } from '../components/ui';
import { useAction, useApi } from '../lib/hooks';
import { useSession } from '../lib/session';
import type { Approval } from '../lib/types';

/**
 * A request decided on an emergency path (a break-glass unseal, an emergency transition) was
 * approved by nobody: the server says so in `emergency`, with the post-incident review it owes. It
 * reads "emergency, review pending" or "emergency, review done" (and who reviewed), never "approved".
 */
export function EmergencyLabel({ emergency }: { emergency: NonNullable<Approval['emergency']> }) {
  const done = emergency.review === 'done';
  return (
    <span data-testid="emergency-label">
      <span className={`badge ${done ? 'sev-medium' : 'sev-high'}`}>
        {done ? 'emergency, review done' : emergency.review === 'open' ? 'emergency, review pending' : 'emergency, no review on record'}
      </span>
      {done && emergency.reviewed_by ? <span className="muted"> by {emergency.reviewed_by}</span> : null}
      {done && emergency.reviewed_at ? (
        <span className="muted">
          {' '}
          (<When at={emergency.reviewed_at} />)
        </span>
      ) : null}
    </span>
  );
}

/** A request's status as it should read: an emergency's label, or the status. */
export function ApprovalStatus({ a }: { a: Pick<Approval, 'status' | 'emergency'> }) {
  return a.emergency ? <EmergencyLabel emergency={a.emergency} /> : <Status value={a.status} />;
}

function subjectLink(a: Approval) {
  const d = a.detail as { authorisations?: string[]; products?: string[]; identity?: string };
  if (d.authorisations?.length) return <Link href={`/authorisations/${d.authorisations[0]}`}>{d.authorisations.join(', ')}</Link>;
  if (d.products?.length) return <Link href={`/products/${encodeURIComponent(d.products[0]!)}`}>{d.products.join(', ')}</Link>;
  if (d.identity) return <Link href={`/identities/${encodeURIComponent(d.identity)}`}>{d.identity}</Link>;
  return (
    <code>
      {a.subject.type} {a.subject.id}
    </code>
  );
}

function Request({ a }: { a: Approval }) {
  const { api } = useSession();
  const [reason, setReason] = useState('');
  const vote = useAction((decision: 'approve' | 'reject') =>
    api.send('POST', `/v1/approvals/{id}/${decision}`, { path: { id: a.id }, body: reason ? { reason } : {} }),
  );
  const yes = a.votes.filter((v) => v.decision === 'approve').length;
  return (
    <article className="panel" aria-labelledby={`h-${a.id}`} data-testid={`approval-${a.id}`}>
      <div className="row">
        <h2 id={`h-${a.id}`} style={{ margin: 0 }}>
          {a.kind.replace(/_/g, ' ')}: {subjectLink(a)}
        </h2>
        <span className="spacer" />
        <span className="muted">
          expires <When at={a.expires_at} />
        </span>
      </div>
      <p>{a.summary}</p>
      <p className="muted">
        Requested by {a.requester} · rule <code>{a.rule}</code> · {yes} of {a.required} approvals from {a.roles.join(' or ')}
        {a.votes.length ? ` · votes: ${a.votes.map((v) => `${v.voter} ${v.decision}d`).join(', ')}` : ''}
      </p>
      <div className="row">
        <label>
          Reason (optional)
          <input value={reason} onChange={(e) => setReason(e.target.value)} size={40} />
        </label>
        <button type="button" className="primary" disabled={vote.isPending} onClick={() => vote.mutate('approve')}>
          Approve
        </button>
        <button type="button" className="danger" disabled={vote.isPending} onClick={() => vote.mutate('reject')}>
          Reject
        </button>
      </div>
      <ErrorBox error={vote.error} />
    </article>
  );
}

export function Approvals() {
  const inbox = useApi('/v1/approvals', { query: { mine: 'pending', limit: 200 } }, { refetchInterval: 5_000 });
  const recent = useApi('/v1/approvals', { query: { limit: 20 } });
  return (
    <>
      <h1>Approvals</h1>
      <h2>Waiting for you</h2>
      {inbox.error ? (
        <ErrorBox error={inbox.error} />
      ) : inbox.isPending ? (
        <Loading />
      ) : inbox.data.items.length ? (
        inbox.data.items.map((a) => <Request key={a.id} a={a} />)
      ) : (
        <Empty>Nothing waits for your decision.</Empty>
      )}
      <h2>Recent requests</h2>
      {recent.error ? (
        <ErrorBox error={recent.error} />
      ) : recent.data ? (
        <section className="panel">
          <ScrollBox label="Recent requests, scrolls sideways">
            <table aria-label="Recent requests">
              <thead>
                <tr>
                  <th>Created</th>
                  <th>Kind</th>
                  <th>Summary</th>
                  <th>Status</th>
                  <th>Decided</th>
                  <th>Votes</th>
                </tr>
              </thead>
              <tbody>
                {recent.data.items.map((a) => (
                  <tr key={a.id} data-testid={`recent-${a.id}`}>
                    <td>
                      <When at={a.created_at} />
                    </td>
                    <td>{a.kind.replace(/_/g, ' ')}</td>
                    <td>{a.summary}</td>
                    <td>
                      <ApprovalStatus a={a} />
                    </td>
                    <td>
                      <When at={a.decided_at} />
                    </td>
                    <td>
                      {a.emergency ? (
                        <span className="muted">nobody approved it</span>
                      ) : a.votes.length ? (
                        a.votes.map((v) => `${v.voter} ${v.decision}d`).join(', ')
                      ) : (
                        <span className="muted">none yet</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
        </section>
      ) : (
        <Loading />
      )}
    </>
  );
}
