// Discovery: what the firm's systems really hold, against what the inventory declares. The sources
// and their last runs, then every account a run found, drift first (then unmanaged, missing and
// matched), with what was seen of it and what people decided. Filters live in the URL.
import { Link } from 'wouter';
import { AccountDecision } from '../components/AccountDecision';
import { DiscoverySources } from '../components/DiscoverySources';
import { FilterSelect } from '../components/FilterSelect';
import { AccountState, Credentials, Privilege, Sessions, SuggestedFindings } from '../components/Observed';
import { ErrorBox, Loading } from '../components/ui';
import { useAccountsPage } from '../lib/discovery';
import { useApi } from '../lib/hooks';
import { useCursorStack } from '../lib/paging';
import { ACCOUNT_STATES, type DiscoveredAccount } from '../lib/types';
import { useSearchParams } from '../lib/url';

const PAGE = 50;

function AccountRow({ a }: { a: DiscoveredAccount }) {
  return (
    <tr data-testid={`account-${a.key}`}>
      <td>
        <code>{a.native_id}</code>
        <div className="muted">
          {a.source}
          {a.account ? ` · ${a.account.type}` : ' · not found there'}
        </div>
      </td>
      <td>
        <AccountState a={a} />
      </td>
      <td>
        {a.identity ? (
          <Link href={`/identities/${encodeURIComponent(a.identity)}`}>{a.identity}</Link>
        ) : (
          <span className="muted">none</span>
        )}
      </td>
      <td>
        <Privilege account={a.account} />
      </td>
      <td>
        <Credentials account={a.account} />
      </td>
      <td>
        <Sessions account={a.account} />
      </td>
      <td>
        <SuggestedFindings findings={a.findings} />
      </td>
      <td>
        <AccountDecision a={a} />
      </td>
    </tr>
  );
}

export function Discovery() {
  const [params, update] = useSearchParams();
  const source = params.get('source') ?? undefined;
  const state = ACCOUNT_STATES.find((s) => s === params.get('state'));
  const filter = { ...(source ? { source } : {}), ...(state ? { state } : {}) };
  const pages = useCursorStack(JSON.stringify(filter));
  const accounts = useAccountsPage(filter, pages.cursor, PAGE);
  const sources = useApi('/v1/discovery/sources');
  const data = accounts.data;
  return (
    <>
      <h1>Discovery</h1>
      <DiscoverySources />
      <section className="panel row" aria-label="Filters">
        <FilterSelect
          label="Source"
          values={(sources.data?.items ?? []).map((s) => s.id)}
          value={source}
          onChange={(v) => update({ source: v })}
          anyLabel="every source"
        />
        <FilterSelect
          label="State"
          values={ACCOUNT_STATES}
          value={state}
          onChange={(v) => update({ state: v })}
          anyLabel="every state, drift first"
        />
      </section>
      <ErrorBox error={accounts.error} />
      {accounts.isPending ? (
        <Loading what="Loading accounts" />
      ) : data ? (
        <section className="panel" aria-labelledby="h-accounts">
          <div className="row">
            <h2 id="h-accounts" style={{ margin: 0 }}>
              Accounts
            </h2>
            <span className="muted">{state ? `${state.replace(/_/g, ' ')} only` : 'drift first, then unmanaged, missing and matched'}</span>
            <span className="spacer" />
            <button type="button" disabled={!pages.hasPrevious} onClick={pages.previous}>
              Previous
            </button>
            <span className="muted">page {pages.page}</span>
            <button type="button" disabled={!data.next_cursor} onClick={() => pages.next(data.next_cursor!)}>
              Next
            </button>
          </div>
          {data.items.length ? (
            <table aria-label="Accounts" aria-busy={accounts.isFetching}>
              <thead>
                <tr>
                  <th style={{ minWidth: 190 }}>Account</th>
                  <th>State</th>
                  <th>Identity</th>
                  <th>Privilege</th>
                  <th>Credentials</th>
                  <th>Sessions and last use</th>
                  <th>Findings</th>
                  <th>Decision</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((a) => (
                  <AccountRow key={a.key} a={a} />
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No account matches{pages.hasPrevious ? ' on this page' : ''}.</p>
          )}
        </section>
      ) : null}
    </>
  );
}
