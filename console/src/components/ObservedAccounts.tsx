// An identity's accounts as discovery last saw them in the firm's systems: where it really exists
// and what it really holds there (live privilege, with the native grants as evidence), next to what
// the inventory declares on the same page.
import { Link } from 'wouter';
import { useApi } from '../lib/hooks';
import { AccountState, Credentials, Privilege, Sessions } from './Observed';
import { Empty, ErrorBox, Loading, When } from './ui';

const LIMIT = 100;

export function ObservedAccounts({ identity }: { identity: string }) {
  const q = useApi('/v1/discovery/accounts', { query: { identity, limit: LIMIT } });
  return (
    <section className="panel" aria-labelledby="h-observed">
      <h2 id="h-observed">Observed accounts</h2>
      {q.error ? (
        <ErrorBox error={q.error} />
      ) : q.isPending ? (
        <Loading />
      ) : q.data.items.length ? (
        <table aria-label="Observed accounts">
          <thead>
            <tr>
              <th>Source</th>
              <th>Account</th>
              <th>State</th>
              <th>Privilege</th>
              <th>Credentials</th>
              <th>Sessions and last use</th>
              <th>Last reconciled</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((a) => (
              <tr key={a.key}>
                <td>
                  <Link href={`/discovery?source=${encodeURIComponent(a.source)}`}>{a.source}</Link>
                </td>
                <td>
                  <code>{a.native_id}</code>
                  <div className="muted">{a.account ? a.account.type : 'not found there'}</div>
                </td>
                <td>
                  <AccountState a={a} />
                </td>
                <td>
                  <Privilege account={a.account} open />
                </td>
                <td>
                  <Credentials account={a.account} />
                </td>
                <td>
                  <Sessions account={a.account} open />
                </td>
                <td>
                  <When at={a.last_seen} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Empty>No discovery source has seen an account of this identity (none covers its revocation path, or none has run).</Empty>
      )}
      {q.data?.next_cursor ? <p className="muted">The first {LIMIT} accounts.</p> : null}
    </section>
  );
}
