// Every product with digital elements the firm makes (Cyber Resilience Act): its category, its
// conformity and market status, its support period, the conformity assessment and declaration of
// conformity it rests on, where it is made available, and how many identities act for it. Filters
// live in the URL.
import { useQueries } from '@tanstack/react-query';
import { Link } from 'wouter';
import { FilterSelect } from '../components/FilterSelect';
import { ScrollBox } from '../components/Scroll';
import { ErrorBox, Loading, Status, When } from '../components/ui';
import type { QueryFor } from '../lib/api';
import { useApi } from '../lib/hooks';
import { useCursorStack } from '../lib/paging';
import { categoryLabel, day, PRODUCT_STATUSES, procedureLabel, supportEnded } from '../lib/products';
import { useSession } from '../lib/session';
import { useSearchParams } from '../lib/url';

/** How many identities act for each product (its product scopes), one counted read per product on the page. */
function useIdentityCounts(ids: string[]) {
  const { api } = useSession();
  const counts = useQueries({
    queries: ids.map((product) => {
      const query = { product, count: true, limit: 1 } as QueryFor<'/v1/identities'>;
      return {
        queryKey: ['/v1/identities', { query }],
        queryFn: () => api.get('/v1/identities', { query }),
      };
    }),
  });
  return new Map(ids.map((id, n) => [id, counts[n]?.data?.total]));
}

export function Products() {
  const [params, update] = useSearchParams();
  const filters = {
    manufacturer: params.get('manufacturer') ?? undefined,
    status: params.get('status') ?? undefined,
  };
  const pages = useCursorStack(JSON.stringify(filters));
  // The URL's filters as they are: the server refuses a value it does not know (400), shown as the error.
  const query = { ...filters, limit: 200, cursor: pages.cursor } as QueryFor<'/v1/products'>;
  const q = useApi('/v1/products', { query }, { placeholderData: (p) => p });
  const counts = useIdentityCounts(q.data?.items.map((p) => p.id) ?? []);
  const select = (k: keyof typeof filters, label: string, values: readonly string[]) => (
    <FilterSelect label={label} values={values} value={filters[k]} onChange={(v) => update({ [k]: v })} />
  );
  return (
    <>
      <h1>Products</h1>
      <p className="muted">
        Products with digital elements under the Cyber Resilience Act (Regulation (EU) 2024/2847): a product's conformity and market status
        decides what the identities acting for it may do.
      </p>
      <section className="panel row" aria-label="Filters">
        <label>
          Manufacturer
          <input
            defaultValue={filters.manufacturer ?? ''}
            onBlur={(e) => update({ manufacturer: e.target.value.trim() || undefined })}
            size={10}
          />
        </label>
        {select('status', 'Status', PRODUCT_STATUSES)}
      </section>
      <ErrorBox error={q.error} />
      {q.isPending ? (
        <Loading />
      ) : q.data ? (
        <section className="panel">
          <div className="row">
            <span className="spacer" />
            <button type="button" disabled={!pages.hasPrevious} onClick={pages.previous}>
              Previous
            </button>
            <span className="muted">page {pages.page}</span>
            <button type="button" disabled={q.isPlaceholderData || !q.data.next_cursor} onClick={() => pages.next(q.data!.next_cursor!)}>
              Next
            </button>
          </div>
          {q.data.items.length ? (
            <ScrollBox label="Products, scrolls sideways">
              <table aria-label="Products">
                <thead>
                  <tr>
                    <th scope="col">Product</th>
                    <th scope="col">Manufacturer</th>
                    <th scope="col">Category</th>
                    <th scope="col">Status</th>
                    <th scope="col">Support period ends</th>
                    <th scope="col">Conformity assessment</th>
                    <th scope="col">Declaration of conformity</th>
                    <th scope="col">Member states</th>
                    <th scope="col">Identities</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {q.data.items.map((p) => {
                    const n = counts.get(p.id);
                    return (
                      <tr key={p.id} data-testid={`product-${p.id}`}>
                        <td>
                          <Link href={`/products/${encodeURIComponent(p.id)}`} className="nowrap">
                            {p.id}
                          </Link>
                          <div className="muted">{p.name}</div>
                        </td>
                        <td>{p.manufacturer}</td>
                        <td>{categoryLabel(p.category)}</td>
                        <td>
                          <Status value={p.status} />
                        </td>
                        <td>
                          {day(p.support_period_end) ?? <span className="muted">not set</span>}
                          {supportEnded(p) ? <div className="muted">ended</div> : null}
                        </td>
                        <td>
                          {p.conformity_assessment ? (
                            <>
                              {p.conformity_assessment.reference}
                              <div className="muted">{procedureLabel(p.conformity_assessment.procedure)}</div>
                            </>
                          ) : (
                            <span className="muted">none yet</span>
                          )}
                        </td>
                        <td>{p.declaration_of_conformity ?? <span className="muted">none yet</span>}</td>
                        <td>{p.member_states.length ? p.member_states.join(', ') : <span className="muted">none</span>}</td>
                        <td data-testid="identity-count">
                          {n === undefined ? (
                            <span className="muted">…</span>
                          ) : (
                            <Link href={`/products/${encodeURIComponent(p.id)}`} aria-label={`${n} identities act for ${p.id}`}>
                              {n.toLocaleString('en-US')}
                            </Link>
                          )}
                        </td>
                        <td>
                          <When at={p.updated_at} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </ScrollBox>
          ) : (
            <p className="muted">No products match.</p>
          )}
        </section>
      ) : null}
    </>
  );
}
