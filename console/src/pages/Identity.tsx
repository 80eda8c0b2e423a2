// One identity: who owns it, what it may lawfully do where (LawfulPower), how it proves itself, what it was granted or
// excused from, the accounts discovery saw it hold, the decisions taken about it and its whole
// history from the ledger.
import { Link } from 'wouter';
import { EventTable } from '../components/Events';
import { LawfulPower, PowerBadge } from '../components/LawfulPower';
import { ObservedAccounts } from '../components/ObservedAccounts';
import { ReasonButton } from '../components/Reason';
import { Empty, ErrorBox, KeyValues, Loading, Severity, Status, When } from '../components/ui';
import type { Body } from '../lib/api';
import { useAction, useApi } from '../lib/hooks';
import { Can, useSession } from '../lib/session';
import type { Identity } from '../lib/types';

function StatusActions({ identity }: { identity: Identity }) {
  const { api } = useSession();
  const change = useAction((body: Body<'POST', '/v1/identities/{id}/status'>) =>
    api.send('POST', '/v1/identities/{id}/status', { path: { id: identity.id }, body }),
  );
  const next: [Body<'POST', '/v1/identities/{id}/status'>['status'], string][] =
    identity.status === 'active'
      ? [
          ['suspended', 'Suspend'],
          ['revoked', 'Revoke'],
        ]
      : identity.status === 'suspended'
        ? [
            ['active', 'Reactivate'],
            ['revoked', 'Revoke'],
          ]
        : [];
  return (
    <Can permission="identities:status">
      <div className="row">
        {next.map(([status, label]) => (
          <ReasonButton
            key={status}
            label={label}
            danger={status !== 'active'}
            onConfirm={(reason) => change.mutateAsync({ status, reason })}
          />
        ))}
      </div>
    </Can>
  );
}

export function IdentityPage({ id }: { id: string }) {
  const identity = useApi('/v1/identities/{id}', { path: { id } });
  const power = useApi('/v1/identities/{id}/power', { path: { id } });
  const credentials = useApi('/v1/identities/{id}/credentials', { path: { id } });
  const grants = useApi('/v1/identities/{id}/grants', { path: { id } });
  const exceptions = useApi('/v1/exceptions', { query: { identity: id, limit: 100 } });
  const decisions = useApi('/v1/events', {
    query: {
      subject_id: id,
      subject_type: 'identity',
      action: 'decision.recorded',
      order: 'desc',
      limit: 20,
    },
  });
  const findings = useApi('/v1/findings', { query: { subject: id } });
  const history = useApi('/v1/events', { query: { subject_id: id, order: 'desc', limit: 200 } });
  if (identity.isPending) return <Loading what={`Loading ${id}`} />;
  if (identity.error)
    return (
      <>
        <h1>{id}</h1>
        <ErrorBox error={identity.error} />
      </>
    );
  const i = identity.data;
  const changes = history.data?.items.filter((e) => e.action !== 'decision.recorded') ?? [];
  return (
    <>
      <p>
        <Link href="/inventory">← Inventory</Link>
      </p>
      <h1>
        {i.id} <Status value={i.status} /> <PowerBadge power={power.data} />{' '}
        {i.break_glass ? <span className="badge sev-high">break-glass (sealed unless unsealed)</span> : null}
      </h1>
      <div className="grid">
        <section className="panel" aria-labelledby="h-what">
          <h2 id="h-what">What it is</h2>
          <KeyValues
            items={[
              [
                'Owner',
                i.owner ? (
                  <Link key="owner" href={`/inventory?owner=${encodeURIComponent(i.owner)}`}>
                    {i.owner}
                  </Link>
                ) : (
                  <span key="owner" className="sev-high">
                    no owner
                  </span>
                ),
              ],
              ['Purpose', i.purpose],
              ['Kind', i.kind.replace(/_/g, ' ')],
              ['Function', i.function.replace(/_/g, ' ')],
              ['Capability', i.capability],
              ['Environment', i.environment],
              ['Vendor', i.vendor],
              ['Actions', (i.actions ?? []).join(', ')],
              [
                'Scopes',
                <a key="scopes" href="#h-power">
                  {i.scopes.length} {i.scopes.length === 1 ? 'scope' : 'scopes'}: lawful power below
                </a>,
              ],
              [
                'Revocation path',
                i.revocation ? (
                  `${i.revocation.connector}${i.revocation.target ? ` → ${i.revocation.target}` : ''}`
                ) : (
                  <span key="revocation" className="sev-high">
                    none
                  </span>
                ),
              ],
              ['Last used', <When key="last-used" at={i.last_used} />],
              ['Version', i.version],
            ]}
          />
          <StatusActions identity={i} />
        </section>
        <section className="panel" aria-labelledby="h-cred">
          <h2 id="h-cred">Credentials</h2>
          <KeyValues
            items={[['Declared', `${i.credential.type}${i.credential.created ? ` since ${i.credential.created.slice(0, 10)}` : ''}`]]}
          />
          {credentials.error ? (
            <ErrorBox error={credentials.error} />
          ) : credentials.data?.items.length ? (
            <table aria-label="Registered credentials">
              <thead>
                <tr>
                  <th>Id</th>
                  <th>Type</th>
                  <th>Status</th>
                  <th>Registered</th>
                </tr>
              </thead>
              <tbody>
                {credentials.data.items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <code>{c.id}</code>
                    </td>
                    <td>{c.type}</td>
                    <td>
                      <Status value={c.revoked_at ? 'revoked' : 'active'} />
                    </td>
                    <td>
                      <When at={c.created_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Empty>No workload credential registered.</Empty>
          )}
        </section>
        <section className="panel" aria-labelledby="h-grants">
          <h2 id="h-grants">Grants and exceptions</h2>
          {grants.error ? (
            <ErrorBox error={grants.error} />
          ) : grants.data?.items.length ? (
            <table aria-label="Grants">
              <thead>
                <tr>
                  <th>Grant</th>
                  <th>Kind</th>
                  <th>Actions</th>
                  <th>Ends</th>
                </tr>
              </thead>
              <tbody>
                {grants.data.items.map((g) => (
                  <tr key={g.id}>
                    <td>
                      <code>{g.id}</code>
                    </td>
                    <td>{g.kind.replace(/_/g, ' ')}</td>
                    <td>{g.actions?.join(', ') ?? (g.control ? `control ${g.control}` : '—')}</td>
                    <td>
                      {/* A grant ends at a time in milliseconds since the epoch. */}
                      <When at={new Date(g.expires_at).toISOString()} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Empty>No just-in-time grants.</Empty>
          )}
          {exceptions.error ? (
            <ErrorBox error={exceptions.error} />
          ) : exceptions.data?.items.length ? (
            <table aria-label="Exceptions">
              <thead>
                <tr>
                  <th>Exception</th>
                  <th>Control</th>
                  <th>Status</th>
                  <th>Expires</th>
                </tr>
              </thead>
              <tbody>
                {exceptions.data.items.map((x) => (
                  <tr key={x.id}>
                    <td>
                      <code>{x.id}</code>
                    </td>
                    <td>{x.control}</td>
                    <td>
                      <Status value={x.status} />
                    </td>
                    <td>
                      <When at={x.expires_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Empty>No documented exceptions.</Empty>
          )}
        </section>
      </div>
      <LawfulPower id={i.id} />
      <ObservedAccounts identity={i.id} />
      <section className="panel" aria-labelledby="h-find">
        <h2 id="h-find">Open findings</h2>
        {findings.error ? (
          <ErrorBox error={findings.error} />
        ) : findings.data?.items.length ? (
          <table aria-label="Open findings">
            <thead>
              <tr>
                <th>Severity</th>
                <th>Finding</th>
                <th>Controls</th>
                <th>Due</th>
              </tr>
            </thead>
            <tbody>
              {findings.data.items.map((f) => (
                <tr key={f.id}>
                  <td>
                    <Severity level={f.severity} />
                  </td>
                  <td>
                    {f.title}
                    <div className="muted">{f.detail}</div>
                  </td>
                  <td>{f.controls.join(', ')}</td>
                  <td>
                    <When at={f.due_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>No open findings.</Empty>
        )}
      </section>
      <section className="panel" aria-labelledby="h-dec">
        <h2 id="h-dec">Recent decisions</h2>
        {decisions.error ? (
          <ErrorBox error={decisions.error} />
        ) : decisions.data?.items.length ? (
          <EventTable events={decisions.data.items} label="Decisions" />
        ) : (
          <Empty>No recorded decisions.</Empty>
        )}
      </section>
      <section className="panel" aria-labelledby="h-hist">
        <h2 id="h-hist">History from the ledger</h2>
        {history.error ? (
          <ErrorBox error={history.error} />
        ) : history.isPending ? (
          <Loading />
        ) : (
          <EventTable events={changes} label="History" />
        )}
      </section>
    </>
  );
}
