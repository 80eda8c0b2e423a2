// An identity's lawful power, per scope and action: entitled or lent, lawful now or not, and the
// rule or table cell that decided, with the authorisation behind the scope. The product's core
// idea, shown where people look: a narrowed identity looks narrowed. Same view as
// `mandate identities power ID` (GET /v1/identities/{id}/power).
import { Link } from 'wouter';
import type { Answer } from '../lib/api';
import { useApi } from '../lib/hooks';
import { ErrorBox, Loading, Status, When } from './ui';

type Power = Answer<'/v1/identities/{id}/power'>;

/** The one sentence that says what the lifecycle made of the identity. */
export function powerSentence(p: Power): string {
  const lent = p.summary.lent ? ` ${p.summary.lent} more lent by grants.` : '';
  if (p.outcome === 'suspend') return `Suspended by the lifecycle: ${p.why}.${lent}`;
  if (p.outcome === 'narrow') return `Narrowed: ${p.why}.${lent}`;
  return `Full power: every entitled action is lawful (${p.summary.entitled} scope actions).${lent}`;
}

export function PowerBadge({ power }: { power: Power | undefined }) {
  if (!power || power.outcome === 'keep') return null;
  return <span className="badge sev-high">{power.outcome === 'narrow' ? 'narrowed' : 'suspended by the lifecycle'}</span>;
}

export function LawfulPower({ id }: { id: string }) {
  const power = useApi('/v1/identities/{id}/power', { path: { id } });
  return (
    <section className="panel" aria-labelledby="h-power">
      <h2 id="h-power">Lawful power</h2>
      {power.error ? (
        <ErrorBox error={power.error} />
      ) : power.isPending ? (
        <Loading what="Deciding its power" />
      ) : (
        <PowerTable p={power.data} />
      )}
    </section>
  );
}

const lost = (s: Power['scopes'][number]) => s.actions.filter((a) => !a.lawful).length;

function PowerTable({ p }: { p: Power }) {
  return (
    <>
      <p data-testid="power-sentence">{p.outcome === 'keep' ? powerSentence(p) : <strong>{powerSentence(p)}</strong>}</p>
      {p.acts ? null : (
        <p className="sev-high">
          It cannot act now: {p.status !== 'active' ? `it is ${p.status}` : 'it is sealed until a break-glass activation opens'}.
        </p>
      )}
      {p.in_step ? null : <p className="sev-medium">The stored power differs from the power computed now: a change is being applied.</p>}
      <div style={{ maxHeight: 480, overflow: 'auto' }}>
        <table className="power" aria-label="Lawful power">
          <thead>
            <tr>
              <th scope="col">Scope</th>
              <th scope="col">Lawful now</th>
              <th scope="col">Not lawful, and what decided</th>
            </tr>
          </thead>
          <tbody>
            {/* Scopes where power was lost first: that is what people come to see. */}
            {[...p.scopes]
              .sort((a, b) => lost(b) - lost(a) || a.key.localeCompare(b.key))
              .map((s) => (
                <tr key={s.key} data-scope={s.key}>
                  <th scope="row">
                    <div className="nowrap">{s.key}</div>
                    <div className="muted">
                      {/* A product scope's authority is the product (CRA); a MiCA scope's, its authorisation. */}
                      {'product' in s.scope ? (
                        <Link href={`/products/${encodeURIComponent(s.scope.product)}`}>{s.scope.product}</Link>
                      ) : s.authorisation ? (
                        <Link href={`/authorisations/${encodeURIComponent(s.authorisation.id)}`}>{s.authorisation.id}</Link>
                      ) : (
                        'no authorisation'
                      )}{' '}
                      <Status value={s.state} />
                    </div>
                    {s.authorisation?.denied_actions?.length ? (
                      <div className="muted">conditions deny {s.authorisation.denied_actions.join(', ')}</div>
                    ) : null}
                    {s.entitled ? null : <div className="muted">only through a grant</div>}
                  </th>
                  <td>
                    {s.actions.filter((a) => a.lawful).length === 0 ? <span className="muted">nothing</span> : null}
                    {s.actions
                      .filter((a) => a.lawful)
                      .map((a) => (
                        <div key={a.action} title={`${a.by}: ${a.because}`}>
                          <code className="nowrap">{a.action}</code> <span className="muted">{a.class.replace(/_/g, ' ')}</span>
                          {a.lent_by.map((g) => (
                            <div key={g.id} className="muted">
                              {a.entitled ? 'also lent' : 'lent'} by {g.kind.replace(/_/g, ' ')} <code>{g.id}</code> until{' '}
                              <When at={new Date(g.expires_at).toISOString()} />
                            </div>
                          ))}
                        </div>
                      ))}
                  </td>
                  <td>
                    {s.actions
                      .filter((a) => !a.lawful)
                      .map((a) => (
                        <div key={a.action} className="unlawful-action">
                          <span className="badge sev-critical">not lawful</span> <code className="nowrap">{a.action}</code>{' '}
                          <span className="muted">{a.class.replace(/_/g, ' ')}</span>
                          <div>
                            <code>{a.by}</code> <span className="muted">{a.because}</span>
                          </div>
                        </div>
                      ))}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        Lifecycle rules <code>{p.rules.id}</code> version {p.rules.version}
        {p.recorded ? (
          <>
            ; stored by <code>{p.recorded.cause}</code>
          </>
        ) : null}
        .
      </p>
    </>
  );
}
