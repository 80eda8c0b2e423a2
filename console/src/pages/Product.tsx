// One product under the Cyber Resilience Act: its record, the identities that act for it (its
// release pipelines, signing keys, update services, device management), a preview of what a change
// of its conformity status would do to them (nothing is written), and the proposals and votes that
// carry a change out, as on an authorisation's page: four eyes, the same approvals.
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'wouter';
import { EventTable } from '../components/Events';
import { classify, ImpactGraph, movedScopesOf, tally } from '../components/ImpactGraph';
import { ScrollBox } from '../components/Scroll';
import { Empty, ErrorBox, Loading, Status, When } from '../components/ui';
import type { Body, QueryFor } from '../lib/api';
import { useAction, useApi } from '../lib/hooks';
import {
  categoryLabel,
  channelsOf,
  day,
  PRODUCT_STATUSES,
  type ProductRecord,
  type ProductStatus,
  procedureLabel,
  productScopeKeys,
  productsOf,
  supportEnded,
} from '../lib/products';
import { Can, useSession } from '../lib/session';
import type { Transition } from '../lib/types';
import { Transitions } from './Authorisation';

type Proposal = Body<'POST', '/v1/products/{id}/transitions'>;

function toIso(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

/** The status a preview starts with: the change a firm most often has to weigh from where the product stands. */
function firstChoice(status: ProductStatus): ProductStatus {
  const usual: Partial<Record<ProductStatus, ProductStatus>> = {
    in_development: 'assessed',
    assessed: 'on_market',
    on_market: 'recalled',
    support_ended: 'withdrawn',
  };
  return usual[status] ?? 'on_market';
}

function Preview({ product }: { product: ProductRecord }) {
  const { api } = useSession();
  const [to, setTo] = useState<ProductStatus>(firstChoice(product.status));
  const [asked, setAsked] = useState<ProductStatus | null>(null);
  const [proposed, setProposed] = useState<Transition | null>(null);
  const impact = useApi('/v1/products/{id}/impact', { path: { id: product.id }, query: { to: asked ?? to } }, { enabled: asked !== null });
  const propose = useAction((body: Proposal) => api.send('POST', '/v1/products/{id}/transitions', { path: { id: product.id }, body }));
  const submitPreview = (e: FormEvent) => {
    e.preventDefault();
    setProposed(null);
    setAsked(to);
  };
  const submitProposal = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = e.currentTarget.elements;
    const value = (n: string) => (f.namedItem(n) as HTMLInputElement).value.trim();
    const body: Proposal = { to: asked!, reason: value('reason'), reference: value('reference') };
    const effective = toIso(value('effective_at'));
    if (effective) body.effective_at = effective;
    // A refusal is shown under the form (propose.error); nothing else to do here.
    setProposed((await propose.mutateAsync(body).catch(() => null)) as Transition | null);
  };
  // The graph's middle column: the product as a whole and each of its release channels.
  const services = productScopeKeys(product).map((scope) => ({ id: product.id, scope }));
  const t = impact.data ? tally(classify(impact.data, movedScopesOf(services))) : null;
  return (
    <section className="panel" aria-labelledby="h-preview">
      <h2 id="h-preview">Preview a change of status</h2>
      <form className="row" onSubmit={submitPreview} aria-label="Preview a change of status">
        <label>
          New status
          <select value={to} onChange={(e) => setTo(e.target.value as ProductStatus)}>
            {PRODUCT_STATUSES.filter((s) => s !== product.status).map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          Preview impact
        </button>
      </form>
      {asked ? (
        impact.error ? (
          <ErrorBox error={impact.error} />
        ) : impact.isPending ? (
          <Loading what="Computing the impact" />
        ) : impact.data && t ? (
          <>
            <p data-testid="impact-counts">
              Moving to <strong>{asked.replace(/_/g, ' ')}</strong> would suspend <strong>{t.suspend}</strong>, narrow{' '}
              <strong>{t.narrow}</strong>
              {t.returnPath ? (
                <>
                  {' '}
                  (<strong>{t.returnPath}</strong> of them keep a return path: security updates, advisories, corrective actions)
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
            <ImpactGraph impact={impact.data} services={services} noun="products" />
            <Can permission="transitions:propose">
              {proposed ? (
                <p className="notice" role="status">
                  Proposed as <code>{proposed.id}</code>; it now waits for approval (see the proposals).
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
                      Reference (decision, notice or assessment)
                      <input name="reference" required size={20} />
                    </label>
                    <label>
                      Effective at (optional)
                      <input name="effective_at" type="datetime-local" />
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
        <p className="muted">
          Choose a status to see which identities acting for this product would be suspended, narrowed or kept, before anyone proposes it.
        </p>
      )}
    </section>
  );
}

/** An identity's product scopes for this product, as channels ("every channel" when a scope names none). */
function channelsFor(scopes: readonly object[], product: string): string {
  const mine = scopes.filter((s): s is { product: string; channel?: string } => (s as { product?: string }).product === product);
  if (mine.some((s) => !s.channel)) return 'every channel';
  return mine.map((s) => s.channel).join(', ');
}

const PAGE = 200;

function ProductIdentities({ product }: { product: ProductRecord }) {
  const query = { product: product.id, limit: PAGE, count: true } as QueryFor<'/v1/identities'>;
  const q = useApi('/v1/identities', { query }, { refetchInterval: 10_000 });
  return (
    <section className="panel" aria-labelledby="h-pids">
      <h2 id="h-pids">Identities acting for it</h2>
      {q.error ? (
        <ErrorBox error={q.error} />
      ) : q.isPending ? (
        <Loading />
      ) : q.data.items.length ? (
        <>
          <p className="muted" data-testid="product-identity-count">
            {q.data.total === undefined ? q.data.items.length : q.data.total.toLocaleString('en-US')}{' '}
            {q.data.total === 1 ? 'identity' : 'identities'}
            {q.data.total !== undefined && q.data.total > q.data.items.length ? `; the first ${q.data.items.length} shown` : ''}
          </p>
          <ScrollBox label="Identities acting for the product, scrolls sideways">
            <table aria-label="Identities acting for the product">
              <thead>
                <tr>
                  <th scope="col">Identity</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Function</th>
                  <th scope="col">Channels</th>
                  <th scope="col">Actions</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {q.data.items.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <Link href={`/identities/${encodeURIComponent(i.id)}`}>{i.id}</Link>
                    </td>
                    <td>{i.kind.replace(/_/g, ' ')}</td>
                    <td>{i.function.replace(/_/g, ' ')}</td>
                    <td>{channelsFor(i.scopes, product.id)}</td>
                    <td>{i.actions?.length ? i.actions.join(', ') : <span className="muted">its function's defaults</span>}</td>
                    <td>
                      <Status value={i.status ?? 'active'} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
        </>
      ) : (
        <Empty>No identity has a scope for this product.</Empty>
      )}
    </section>
  );
}

/**
 * The record as a definition list (KeyValues' look), whose names wrap beyond 45% of the panel and
 * whose values wrap anywhere: the CRA's names and references are long, and a phone is narrow.
 */
function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="kv" style={{ gridTemplateColumns: 'fit-content(45%) minmax(0, 1fr)' }}>
      {items.map(([k, v]) => (
        <div key={k} style={{ display: 'contents' }}>
          <dt>{k}</dt>
          <dd style={{ overflowWrap: 'anywhere' }}>{v ?? <span className="muted">—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Product({ id }: { id: string }) {
  const product = useApi('/v1/products/{id}', { path: { id } }, { refetchInterval: 5_000 });
  const history = useApi(
    '/v1/events',
    { query: { subject_type: 'product', subject_id: id, order: 'desc', limit: 100 } },
    { refetchInterval: 5_000 },
  );
  if (product.isPending) return <Loading what={`Loading ${id}`} />;
  if (product.error)
    return (
      <>
        <h1>{id}</h1>
        <ErrorBox error={product.error} />
      </>
    );
  const p = product.data;
  const ca = p.conformity_assessment;
  return (
    <>
      <p>
        <Link href="/products">← Products</Link>
      </p>
      <h1>
        {p.id} <Status value={p.status} />
      </h1>
      <div className="grid">
        <section className="panel" aria-labelledby="h-product">
          <h2 id="h-product">{p.name}</h2>
          <Facts
            items={[
              ['Manufacturer', p.manufacturer],
              ['Category', categoryLabel(p.category)],
              ['Status', <Status key="status" value={p.status} />],
              ['Versions', p.versions.length ? p.versions.join(', ') : null],
              ['Release channels', channelsOf(p).join(', ')],
              ['Placed on the market', day(p.placed_on_market)],
              [
                'Support period ends (Art. 13(8))',
                p.support_period_end ? (
                  <span key="support">
                    {day(p.support_period_end)}
                    {supportEnded(p) ? <span className="muted"> (ended)</span> : null}
                  </span>
                ) : null,
              ],
              [
                'Conformity assessment (Art. 32)',
                ca ? (
                  <span key="ca">
                    {ca.reference} <span className="muted">{procedureLabel(ca.procedure)}</span>
                    {ca.notified_body ? <div className="muted">notified body: {ca.notified_body}</div> : null}
                  </span>
                ) : null,
              ],
              ['EU declaration of conformity (Art. 28)', p.declaration_of_conformity],
              ['Member states', p.member_states.length ? p.member_states.join(', ') : null],
              ['Reference of the last change', p.reference],
              ['Updated', <When key="updated" at={p.updated_at} />],
            ]}
          />
        </section>
        <Transitions includes={(t) => productsOf(t).includes(p.id)} none="No proposals for this product." />
      </div>
      {/* A new status starts a new preview: its choices depend on the status. */}
      <Preview key={p.status} product={p} />
      <ProductIdentities product={p} />
      <section className="panel" aria-labelledby="h-phist">
        <h2 id="h-phist">History</h2>
        {history.error ? (
          <ErrorBox error={history.error} />
        ) : history.data ? (
          <EventTable events={history.data.items} label="Product history" />
        ) : (
          <Loading />
        )}
      </section>
    </>
  );
}
