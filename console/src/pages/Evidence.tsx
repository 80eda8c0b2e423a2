// Evidence packs: a signed .tar.gz (OSCAL assessment results, HTML report, cited ledger events with
// inclusion proofs, signed manifest) for one entity and member state, built on demand.
import { useState, type FormEvent } from 'react';
import { ErrorBox, Loading, When } from '../components/ui';
import { saveBlob } from '../lib/api';
import { useApi } from '../lib/hooks';
import { Can, useSession } from '../lib/session';

export function Evidence() {
  const { api, can } = useSession();
  const readiness = useApi('/v1/readiness', { query: { brief: true } });
  const exports = useApi('/v1/events', { query: { subject_type: 'evidence_pack', order: 'desc', limit: 20 } });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ filename: string; bytes: number } | null>(null);
  const pairs = [...new Set((readiness.data?.items ?? []).map((r) => `${r.entity}|${r.jurisdiction}`))].sort();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = e.currentTarget.elements;
    const [entity, jurisdiction] = (f.namedItem('scope') as HTMLSelectElement).value.split('|');
    const asOf = (f.namedItem('as_of') as HTMLInputElement).value;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const pack = await api.download('POST', '/v1/evidence-packs', {
        body: { entity: entity!, jurisdiction: jurisdiction!, ...(asOf ? { as_of: new Date(asOf).toISOString() } : {}) },
      });
      saveBlob(pack.blob, pack.filename);
      setDone({ filename: pack.filename, bytes: pack.bytes });
      void exports.refetch();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Evidence</h1>
      <section className="panel" aria-labelledby="h-export">
        <h2 id="h-export">Export an evidence pack</h2>
        <p className="muted">
          OSCAL assessment results, a readable report, every cited ledger event with its inclusion proof, and a manifest signed with the
          ledger key. Check a pack offline with <code>mandate ledger verify &lt;pack&gt;</code>.
        </p>
        <Can permission="compliance:manage">
          {readiness.isPending ? (
            <Loading />
          ) : (
            <form className="row" onSubmit={submit} aria-label="Export an evidence pack">
              <label>
                Entity and member state
                <select name="scope" required>
                  {pairs.map((p) => (
                    <option key={p} value={p}>
                      {p.replace('|', ' · ')}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                As of (optional)
                <input name="as_of" type="datetime-local" />
              </label>
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Building the pack…' : 'Export and download'}
              </button>
            </form>
          )}
        </Can>
        {!can('compliance:manage') ? <p className="muted">Exporting needs the compliance officer's role.</p> : null}
        <ErrorBox error={error ?? readiness.error} />
        {done ? (
          <p className="notice" role="status">
            Downloaded <code>{done.filename}</code> ({(done.bytes / 1024).toFixed(0)} KB).
          </p>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="h-exports">
        <h2 id="h-exports">Packs exported</h2>
        {exports.error ? (
          <ErrorBox error={exports.error} />
        ) : exports.data ? (
          <table aria-label="Packs exported">
            <thead>
              <tr>
                <th>When</th>
                <th>By</th>
                <th>Scope</th>
                <th>As of</th>
                <th>SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {exports.data.items.map((e) => {
                const a = e.after as { as_of?: string; sha256?: string };
                return (
                  <tr key={e.seq}>
                    <td>
                      <When at={e.at} />
                    </td>
                    <td>{e.actor}</td>
                    <td>{e.subject.id}</td>
                    <td>
                      <When at={a.as_of} />
                    </td>
                    <td>
                      <code>{a.sha256?.slice(0, 16)}…</code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : (
          <Loading />
        )}
      </section>
    </>
  );
}
