// One authorisation: its status and history, a preview of what a change would do (nothing is
// written), and the proposals and votes that carry a change out, all on one page.
import { useQueries } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { EventTable } from '../components/Events';
import { classify, ImpactGraph, movedScopesOf, tally } from '../components/ImpactGraph';
import { ScrollBox } from '../components/Scroll';
import { Empty, ErrorBox, KeyValues, Loading, Status, When } from '../components/ui';
import type { Body } from '../lib/api';
import { useAction, useApi } from '../lib/hooks';
import { Can, useSession } from '../lib/session';
import type { Approval, AuthorisationRecord, Transition } from '../lib/types';
import { AUTHORISATION_STATUSES } from '../lib/vocabulary';
import { EmergencyLabel } from './Approvals';

type Proposal = Body<'POST', '/v1/authorisations/{id}/transitions'>;
type AuthStatus = Proposal['to'];

function toIso(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

function Preview({ auth }: { auth: AuthorisationRecord }) {
  const { api } = useSession();
  const [to, setTo] = useState<AuthStatus>(auth.status === 'withdrawn' ? 'authorised' : 'withdrawn');
  const [denied, setDenied] = useState('');
  const [asked, setAsked] = useState<{ to: AuthStatus; denied: string } | null>(null);
  const askedTo = asked?.to.replace(/_/g, ' ');
  const [proposed, setProposed] = useState<Transition | null>(null);
  const impact = useApi(
    '/v1/authorisations/{id}/impact',
    { path: { id: auth.id }, query: { to: asked?.to ?? to, denied_actions: asked?.denied || undefined } },
    { enabled: asked !== null },
  );
  // The scope (entity/service/member state) of each authorisation the change would move.
  const moved = useQueries({
    queries: (impact.data?.moved ?? []).map((m) => ({
      queryKey: [`/v1/authorisations/${m.id}`],
      queryFn: () => api.get('/v1/authorisations/{id}', { path: { id: m.id } }),
    })),
  });
  const propose = useAction((body: Proposal) => api.send('POST', '/v1/authorisations/{id}/transitions', { path: { id: auth.id }, body }));
  const submitPreview = (e: FormEvent) => {
    e.preventDefault();
    setProposed(null);
    setAsked({ to, denied });
  };
  const submitProposal = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = e.currentTarget.elements;
    const value = (n: string) => (f.namedItem(n) as HTMLInputElement).value.trim();
    const body: Proposal = { to: asked!.to, reason: value('reason'), reference: value('reference') };
    const effective = toIso(value('effective_at'));
    const deadline = toIso(value('deadline'));
    if (effective) body.effective_at = effective;
    if (deadline) body.deadline = deadline;
    if (asked!.denied)
      body.denied_actions = asked!.denied
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    // A refusal is shown under the form (propose.error); nothing else to do here.
    setProposed(await propose.mutateAsync(body).catch(() => null));
  };
  const scopeOf = new Map(
    moved.flatMap((m) => (m.data ? [[m.data.id, `${m.data.entity}/${m.data.service}/${m.data.jurisdiction}`] as const] : [])),
  );
  // The sentence and the graph's legend count the same rows (classify, tally): they always agree.
  const services = impact.data?.moved.map((m) => ({ id: m.id, scope: scopeOf.get(m.id) ?? m.id })) ?? [];
  const t = impact.data ? tally(classify(impact.data, movedScopesOf(services))) : null;
  return (
    <section className="panel" aria-labelledby="h-preview">
      <h2 id="h-preview">Preview a change</h2>
      <form className="row" onSubmit={submitPreview} aria-label="Preview a change">
        <label>
          New status
          <select value={to} onChange={(e) => setTo(e.target.value as AuthStatus)}>
            {AUTHORISATION_STATUSES.filter((s) => s !== auth.status).map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        {to === 'restricted' ? (
          <label>
            Denied actions (comma-separated)
            <input value={denied} onChange={(e) => setDenied(e.target.value)} size={30} />
          </label>
        ) : null}
        <button type="submit" className="primary">
          Preview impact
        </button>
      </form>
      {asked ? (
        impact.error ? (
          <ErrorBox error={impact.error} />
        ) : impact.isPending || moved.some((m) => m.isPending) ? (
          <Loading what="Computing the impact" />
        ) : impact.data && t ? (
          <>
            <p data-testid="impact-counts">
              Moving to <strong>{askedTo}</strong> would suspend <strong>{t.suspend}</strong>, narrow <strong>{t.narrow}</strong>
              {t.returnPath ? (
                <>
                  {' '}
                  (<strong>{t.returnPath}</strong> of them keep a return path)
                </>
              ) : null}
              , restore <strong>{t.restore}</strong> and keep <strong>{t.keep}</strong> identities
              {t.inactive ? (
                <>
                  ; <strong>{t.inactive}</strong> already inactive stay as they are
                </>
              ) : null}
              . Nothing has been written.
            </p>
            <ImpactGraph impact={impact.data} services={services} />
            <Can permission="transitions:propose">
              {proposed ? (
                <p className="notice" role="status">
                  Proposed as <code>{proposed.id}</code>; it now waits for approval (see below).
                </p>
              ) : (
                <form onSubmit={submitProposal} aria-label="Propose this change" style={{ marginTop: 12 }}>
                  <h3>Propose this change</h3>
                  <div className="row">
                    <label>
                      Reason
                      <input name="reason" required size={36} />
                    </label>
                    <label>
                      Supervisor's reference
                      <input name="reference" required size={20} />
                    </label>
                    <label>
                      Effective at (optional)
                      <input name="effective_at" type="datetime-local" />
                    </label>
                    <label>
                      Deadline (optional)
                      <input name="deadline" type="datetime-local" />
                    </label>
                    <button type="submit" className="primary" disabled={propose.isPending}>
                      Propose
                    </button>
                  </div>
                  <ErrorBox error={propose.error} />
                </form>
              )}
            </Can>
          </>
        ) : null
      ) : (
        <p className="muted">Choose a status to see which identities would be suspended, narrowed or kept, before anyone proposes it.</p>
      )}
    </section>
  );
}

function Votes({ approval }: { approval: Approval | undefined }) {
  if (!approval) return null;
  if (approval.emergency) return <EmergencyLabel emergency={approval.emergency} />;
  const yes = approval.votes.filter((v) => v.decision === 'approve').length;
  return (
    <span>
      {yes} of {approval.required} approvals
      {approval.votes.length ? <> ({approval.votes.map((v) => `${v.voter} ${v.decision}d`).join(', ')})</> : null}
    </span>
  );
}

/** The proposals and votes of the transitions that `includes` picks (an authorisation's, a product's). */
export function Transitions({ includes, none }: { includes: (t: Transition) => boolean; none: string }) {
  const { api, me } = useSession();
  const transitions = useApi('/v1/transitions', { query: { limit: 200 } }, { refetchInterval: 5_000 });
  const approvals = useApi('/v1/approvals', { query: { kind: 'transition', limit: 200 } }, { refetchInterval: 5_000 });
  const vote = useAction(({ id, decision }: { id: string; decision: 'approve' | 'reject' }) =>
    api.send('POST', `/v1/approvals/{id}/${decision}`, { path: { id }, body: {} }),
  );
  if (transitions.error) return <ErrorBox error={transitions.error} />;
  if (!transitions.data) return <Loading />;
  const mine = transitions.data.items.filter(includes);
  const approvalOf = (t: Transition) => approvals.data?.items.find((a) => a.subject.id === t.id);
  return (
    <section className="panel" aria-labelledby="h-tr">
      <h2 id="h-tr">Proposals and approvals</h2>
      <ErrorBox error={vote.error} />
      {mine.length ? (
        <ScrollBox label="Proposals, scroll sideways">
          <table aria-label="Transitions">
            <thead>
              <tr>
                <th>Proposed</th>
                <th>By</th>
                <th>To</th>
                <th>Reference</th>
                <th>Status</th>
                <th>Votes</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {mine.map((t) => {
                const a = approvalOf(t);
                const own = t.proposer === me.user;
                const voted = a?.votes.some((v) => v.voter === me.user);
                return (
                  <tr key={t.id} data-testid={`transition-${t.id}`}>
                    <td>
                      <When at={t.created_at} />
                    </td>
                    <td>{t.proposer}</td>
                    <td>
                      <Status value={t.to} />
                    </td>
                    <td>{t.reference}</td>
                    <td>
                      <Status value={t.status} />
                    </td>
                    <td>
                      <Votes approval={a} />
                    </td>
                    <td>
                      {t.status === 'pending' && a?.status === 'pending' ? (
                        <Can permission="transitions:approve">
                          {own ? (
                            <span className="muted">your proposal: another approver decides</span>
                          ) : voted ? (
                            <span className="muted">you voted</span>
                          ) : (
                            <div className="row">
                              <button
                                type="button"
                                className="primary"
                                disabled={vote.isPending}
                                aria-label={`Approve ${t.reference}`}
                                onClick={() => vote.mutate({ id: a.id, decision: 'approve' })}
                              >
                                Approve
                              </button>
                              <button
                                type="button"
                                className="danger"
                                disabled={vote.isPending}
                                aria-label={`Reject ${t.reference}`}
                                onClick={() => vote.mutate({ id: a.id, decision: 'reject' })}
                              >
                                Reject
                              </button>
                            </div>
                          )}
                        </Can>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollBox>
      ) : (
        <Empty>{none}</Empty>
      )}
    </section>
  );
}

export function Authorisation({ id }: { id: string }) {
  const auth = useApi('/v1/authorisations/{id}', { path: { id } }, { refetchInterval: 5_000 });
  const history = useApi(
    '/v1/events',
    { query: { subject_type: 'authorisation', subject_id: id, order: 'desc', limit: 100 } },
    { refetchInterval: 5_000 },
  );
  if (auth.isPending) return <Loading what={`Loading ${id}`} />;
  if (auth.error)
    return (
      <>
        <h1>{id}</h1>
        <ErrorBox error={auth.error} />
      </>
    );
  const a = auth.data;
  return (
    <>
      <p>
        <Link href="/authorisations">← Authorisations</Link>
      </p>
      <h1>
        {a.id} <Status value={a.status} />
      </h1>
      <div className="grid">
        <section className="panel" aria-labelledby="h-auth">
          <h2 id="h-auth">Authorisation</h2>
          <KeyValues
            items={[
              ['Entity', a.entity],
              ['Service', a.service.replace(/_/g, ' ')],
              ['Member state', a.jurisdiction],
              ['Basis', a.basis],
              ['Reference', a.reference],
              ['Effective from', a.effective_from],
              ['Status', <Status key="status" value={a.status} />],
              [
                'Identities in scope',
                <Link key="in-scope" href={`/inventory?entity=${a.entity}&service=${a.service}&jurisdiction=${a.jurisdiction}`}>
                  open in the inventory
                </Link>,
              ],
            ]}
          />
        </section>
        <Transitions includes={(t) => t.authorisations.includes(a.id)} none="No proposals for this authorisation." />
      </div>
      {/* A new status starts a new preview: its choices depend on the status. */}
      <Preview key={a.status} auth={a} />
      <section className="panel" aria-labelledby="h-ahist">
        <h2 id="h-ahist">History</h2>
        {history.error ? (
          <ErrorBox error={history.error} />
        ) : history.data ? (
          <EventTable events={history.data.items} label="Authorisation history" />
        ) : (
          <Loading />
        )}
      </section>
    </>
  );
}
