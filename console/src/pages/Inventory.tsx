// The inventory: server-side filtering, search, sorting and keyset pagination, so the table costs
// the same at 100 identities or 100,000. Filters are in the URL.
import type { FormEvent } from 'react';
import { Link } from 'wouter';
import { FilterSelect } from '../components/FilterSelect';
import { ScrollBox } from '../components/Scroll';
import { ErrorBox, Loading, Status, When } from '../components/ui';
import type { QueryFor } from '../lib/api';
import { useApi } from '../lib/hooks';
import { useCursorStack } from '../lib/paging';
import { scopeLabel } from '../lib/products';
import { useSearchParams } from '../lib/url';
import {
  CAPABILITIES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  IDENTITY_STATUSES,
  MEMBER_STATES,
  MICA_SERVICES,
} from '../lib/vocabulary';

const SELECTS: [string, string, readonly string[]][] = [
  ['kind', 'Kind', IDENTITY_KINDS],
  ['function', 'Function', IDENTITY_FUNCTIONS],
  ['capability', 'Capability', CAPABILITIES],
  ['status', 'Status', IDENTITY_STATUSES],
  ['environment', 'Environment', ENVIRONMENTS],
  ['service', 'Service', MICA_SERVICES],
  ['jurisdiction', 'Member state', MEMBER_STATES],
];
const TEXTS: [string, string][] = [
  ['entity', 'Entity'],
  ['owner', 'Owner'],
  ['vendor', 'Vendor'],
];
const FILTERS = [...SELECTS.map(([k]) => k), ...TEXTS.map(([k]) => k), 'q'];
const COLUMNS: [string, string, boolean][] = [
  ['id', 'Identity', true],
  ['kind', 'Kind', true],
  ['function', 'Function', true],
  ['capability', 'Capability', true],
  ['owner', 'Owner', true],
  ['status', 'Status', true],
  ['environment', 'Environment', true],
  ['scopes', 'Scopes', false],
  ['updated_at', 'Updated', true],
];
const PAGE = 50;

export function Inventory() {
  const [params, update] = useSearchParams();
  const filters = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined]));
  const sort = params.get('sort') ?? 'id';
  const order = params.get('order') === 'desc' ? 'desc' : 'asc';
  const pages = useCursorStack(JSON.stringify([filters, sort, order]));
  const cursor = pages.cursor;
  // The URL's filters and sort as they are: the server refuses a value it does not know (400), shown as the error.
  const query = { ...filters, sort, order, limit: PAGE, cursor, count: true } as QueryFor<'/v1/identities'>;
  const q = useApi('/v1/identities', { query }, { placeholderData: (prev) => prev, refetchInterval: 10_000 });
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = (e.currentTarget.elements.namedItem('q') as HTMLInputElement).value.trim();
    update({ q: v || undefined });
  };
  const sortBy = (col: string) => update({ sort: col, order: sort === col && order === 'asc' ? 'desc' : 'asc' });
  const active = FILTERS.filter((k) => filters[k]);
  return (
    <>
      <h1>Inventory</h1>
      <section className="panel" aria-label="Filters">
        {/* biome-ignore lint/a11y/useSemanticElements: role=search on the form itself; the .row layout styles the form */}
        <form className="row" role="search" onSubmit={search}>
          <label className="grow">
            Search id, owner or purpose
            <input name="q" type="search" defaultValue={filters.q ?? ''} key={filters.q ?? ''} placeholder="e.g. custody" />
          </label>
          <button type="submit" className="primary">
            Search
          </button>
        </form>
        <div className="filter-grid">
          {SELECTS.map(([k, label, values]) => (
            <FilterSelect key={k} label={label} values={values} value={filters[k]} onChange={(v) => update({ [k]: v })} />
          ))}
          {TEXTS.map(([k, label]) => (
            <label key={k}>
              {label}
              <input
                defaultValue={filters[k] ?? ''}
                key={filters[k] ?? ''}
                onBlur={(e) => update({ [k]: e.target.value.trim() || undefined })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') update({ [k]: e.currentTarget.value.trim() || undefined });
                }}
              />
            </label>
          ))}
          {active.length ? (
            <button type="button" onClick={() => update(Object.fromEntries(FILTERS.map((k) => [k, undefined])))}>
              Clear filters
            </button>
          ) : null}
        </div>
      </section>
      <ErrorBox error={q.error} />
      {q.isPending ? (
        <Loading what="Loading identities" />
      ) : q.data ? (
        <section className="panel">
          <div className="row pager">
            <span role="status" data-testid="inventory-count">
              {(q.data.total ?? q.data.items.length).toLocaleString()} identities
            </span>
            <span className="spacer" />
            <button type="button" disabled={!pages.hasPrevious} onClick={pages.previous}>
              Previous
            </button>
            <span className="muted">page {pages.page}</span>
            {/* While a new sort or filter loads, the rows shown are the old list's (placeholder): its
                next_cursor belongs to that list, so Next waits for the new one. */}
            <button type="button" disabled={q.isPlaceholderData || !q.data.next_cursor} onClick={() => pages.next(q.data!.next_cursor!)}>
              Next
            </button>
          </div>
          <ScrollBox label="Identities, scrolled sideways">
            <table aria-label="Identities" aria-busy={q.isFetching}>
              <thead>
                <tr>
                  {COLUMNS.map(([col, label, sortable]) => (
                    <th key={col} scope="col" aria-sort={sort === col ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
                      {sortable ? (
                        <button type="button" className="sort" onClick={() => sortBy(col)}>
                          {label}
                          {sort === col ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
                        </button>
                      ) : (
                        label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {q.data.items.map((i) => (
                  <tr key={i.id}>
                    <td className="nowrap">
                      <Link href={`/identities/${encodeURIComponent(i.id)}`} className="ident" title={i.id}>
                        {i.id}
                      </Link>
                      {i.break_glass ? (
                        <>
                          {' '}
                          <span className="badge sev-high">break-glass</span>
                        </>
                      ) : null}
                    </td>
                    <td className="nowrap">{i.kind.replace(/_/g, ' ')}</td>
                    <td className="nowrap">{i.function.replace(/_/g, ' ')}</td>
                    <td>{i.capability}</td>
                    <td>
                      {i.owner ? (
                        <span className="ident" title={i.owner}>
                          {i.owner}
                        </span>
                      ) : (
                        <span className="muted">none</span>
                      )}
                    </td>
                    <td>
                      <Status value={i.status} />
                    </td>
                    <td>{i.environment}</td>
                    <td title={i.scopes.map(scopeLabel).join('\n')}>{i.scopes.length}</td>
                    <td className="nowrap">
                      <When at={i.updated_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
          {!q.data.items.length ? <p className="muted">No identity matches these filters.</p> : null}
        </section>
      ) : null}
    </>
  );
}
