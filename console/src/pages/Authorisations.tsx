// Every authorisation and passport of the firm with its status; filters in the URL.
import { Link } from 'wouter';
import { FilterSelect } from '../components/FilterSelect';
import { ErrorBox, Loading, Status, When } from '../components/ui';
import type { QueryFor } from '../lib/api';
import { useApi } from '../lib/hooks';
import { useCursorStack } from '../lib/paging';
import { useSearchParams } from '../lib/url';
import { AUTHORISATION_STATUSES, MEMBER_STATES, MICA_SERVICES } from '../lib/vocabulary';

export function Authorisations() {
  const [params, update] = useSearchParams();
  const filters = {
    entity: params.get('entity') ?? undefined,
    service: params.get('service') ?? undefined,
    jurisdiction: params.get('jurisdiction') ?? undefined,
    status: params.get('status') ?? undefined,
  };
  const pages = useCursorStack(JSON.stringify(filters));
  // The URL's filters as they are: the server refuses a value it does not know (400), shown as the error.
  const query = { ...filters, limit: 200, cursor: pages.cursor } as QueryFor<'/v1/authorisations'>;
  const q = useApi('/v1/authorisations', { query }, { placeholderData: (p) => p });
  const select = (k: keyof typeof filters, label: string, values: readonly string[]) => (
    <FilterSelect label={label} values={values} value={filters[k]} onChange={(v) => update({ [k]: v })} />
  );
  return (
    <>
      <h1>Authorisations</h1>
      <section className="panel row" aria-label="Filters">
        <label>
          Entity
          <input defaultValue={filters.entity ?? ''} onBlur={(e) => update({ entity: e.target.value.trim() || undefined })} size={10} />
        </label>
        {select('service', 'Service', MICA_SERVICES)}
        {select('jurisdiction', 'Member state', MEMBER_STATES)}
        {select('status', 'Status', AUTHORISATION_STATUSES)}
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
          <table aria-label="Authorisations">
            <thead>
              <tr>
                <th>Authorisation</th>
                <th>Entity</th>
                <th>Service</th>
                <th>Member state</th>
                <th>Basis</th>
                <th>Status</th>
                <th>Reference</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link href={`/authorisations/${encodeURIComponent(a.id)}`}>{a.id}</Link>
                  </td>
                  <td>{a.entity}</td>
                  <td>{a.service.replace(/_/g, ' ')}</td>
                  <td>{a.jurisdiction}</td>
                  <td>{a.basis}</td>
                  <td>
                    <Status value={a.status} />
                  </td>
                  <td>{a.reference}</td>
                  <td>
                    <When at={a.updated_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
