// The ledger explorer: every event, newest first; pick one to check, here in the browser, that it
// is in the log the server signed. The check trusts only the log's verifier key, which the user
// can pin (from the firm's published key, or the first one seen); after a rotation of that key it
// follows the rotations the server offers, each proven by a checkpoint the key before it signed,
// and shows the chain of keys. A key no verified rotation reaches, or a forged rotation, fails.
import { useState } from 'react';
import { EventTable } from '../components/Events';
import { ErrorBox, KeyValues, Loading, When } from '../components/ui';
import type { Answer } from '../lib/api';
import { useApi } from '../lib/hooks';
import { useCursorStack } from '../lib/paging';
import { verifyEventInclusion, type KeyChain, type VerificationResult } from '../lib/ledger-verify';
import { useSession } from '../lib/session';
import type { LedgerEvent } from '../lib/types';
import { useSearchParams } from '../lib/url';

const PIN = 'mandate.ledger.pinned-key';

type Checkpoint = Answer<'/v1/ledger/checkpoint'>;

function Verify({ event }: { event: LedgerEvent }) {
  const { api } = useSession();
  const [pinned, setPinned] = useState(() => localStorage.getItem(PIN) ?? '');
  const [draft, setDraft] = useState(pinned);
  const [result, setResult] = useState<(VerificationResult & { checkpoint: Checkpoint }) | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      // The latest signed checkpoint, or a fresh one if the event came after it.
      let checkpoint = await api.get('/v1/ledger/checkpoint');
      if (checkpoint.size < event.seq) checkpoint = await api.get('/v1/ledger/checkpoint', { query: { fresh: true } });
      const [proof, rotations] = await Promise.all([
        api.get('/v1/ledger/proof/inclusion', { query: { seq: event.seq, size: checkpoint.size } }),
        api.get('/v1/ledger/rotations', { query: { size: checkpoint.size } }),
      ]);
      const verified = await verifyEventInclusion({
        event,
        proof,
        checkpointNote: checkpoint.note,
        verifierKey: checkpoint.verifier_key,
        rotations: rotations.items,
        ...(pinned ? { pinnedKey: pinned } : {}),
      });
      setResult({ ...verified, checkpoint });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const pin = (key: string) => {
    if (key) localStorage.setItem(PIN, key);
    else localStorage.removeItem(PIN);
    setPinned(key);
    setDraft(key);
    setResult(null);
  };
  return (
    <section className="panel" aria-labelledby="h-verify">
      <h2 id="h-verify">Event {event.seq}</h2>
      <KeyValues
        items={[
          ['When', <When key="when" at={event.at} />],
          ['Actor', event.actor],
          ['Action', <code key="action">{event.action}</code>],
          ['Subject', `${event.subject.type} ${event.subject.id}`],
          ['Reason', event.reason ?? undefined],
        ]}
      />
      <details>
        <summary>Event as recorded</summary>
        <pre className="mono" style={{ whiteSpace: 'pre-wrap', maxHeight: 320, overflow: 'auto' }}>
          {JSON.stringify(event, null, 2)}
        </pre>
      </details>
      <div className="row" style={{ marginTop: 10 }}>
        <button type="button" className="primary" onClick={run} disabled={busy}>
          {busy ? 'Verifying…' : 'Verify inclusion in the browser'}
        </button>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            pin(draft.trim());
          }}
          aria-label="Pin the log's verifier key"
        >
          <label>
            Pinned verifier key
            <input
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              size={48}
              placeholder="none: the key the server sends is used"
            />
          </label>
          <button type="submit" disabled={draft.trim() === pinned}>
            Save pinned key
          </button>
        </form>
      </div>
      <ErrorBox error={error} />
      {result ? (
        <div role="status" data-testid="verification">
          <p className={result.ok ? 'ok' : 'fail'}>
            <strong>
              {result.ok ? `Verified: event ${event.seq} is in the signed log of ${result.checkpoint.size} events.` : 'Not verified.'}
            </strong>
          </p>
          {result.ok && !pinned ? (
            <p className="muted">
              Checked against the key the server sent with the checkpoint (and the log's key rotations, as the server sent them). Pin the
              firm's published verifier key to check against a key the server cannot swap.
            </p>
          ) : null}
          <ol className="steps">
            {result.steps.map((s) => (
              <li key={s.check} className={s.ok ? 'ok' : 'fail'}>
                {s.ok ? '✓' : '✗'} {s.label}
                {s.detail ? <span className="muted"> — {s.detail}</span> : null}
              </li>
            ))}
          </ol>
          <KeyValues
            items={[
              ['Checkpoint', `size ${result.checkpoint.size}, signed ${new Date(result.checkpoint.created_at).toLocaleString()}`],
              ['Root', <code key="root">{result.checkpoint.root}</code>],
              ['Verifier key', <code key="verifier-key">{result.checkpoint.verifier_key}</code>],
            ]}
          />
          {result.chain && (result.chain.keys.length > 1 || !result.chain.ok) ? (
            <Chain chain={result.chain} signer={result.signer} pinned={pinned} />
          ) : null}
          {result.ok && !pinned ? (
            <button type="button" onClick={() => pin(result.signer ?? result.checkpoint.verifier_key)}>
              Pin this verifier key
            </button>
          ) : null}
          {result.ok && pinned && result.signer && result.signer !== pinned ? (
            // As mandate ledger key --pin --repin, once the rotations from the pinned key have verified.
            <button type="button" onClick={() => pin(result.signer!)}>
              Pin the key the rotations led to
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** The ledger keys from the one trusted to start with, each handed over to by a verified rotation. */
function Chain({ chain, signer, pinned }: { chain: KeyChain; signer: string | undefined; pinned: string }) {
  return (
    <section aria-label="Chain of ledger keys" data-testid="key-chain">
      <h3>Chain of ledger keys</h3>
      <ol className="steps">
        {chain.keys.map((k, i) => (
          <li key={k.key}>
            <strong>{k.name}</strong> key id <code>{k.keyId}</code>
            <span className="muted">
              {' — '}
              {[
                i === 0 ? (pinned ? 'the key you pinned' : "the log's first key, as the server sent it") : `rotated in at event ${k.since}`,
                k.until !== undefined ? `retired at event ${k.until}` : 'current',
                k.key === signer ? 'signed this checkpoint' : undefined,
              ]
                .filter(Boolean)
                .join(', ')}
            </span>
            <div>
              <code className="mono" style={{ wordBreak: 'break-all' }}>
                {k.key}
              </code>
            </div>
          </li>
        ))}
      </ol>
      {chain.ok ? null : <p className="fail">{chain.rotations.find((r) => !r.ok)?.detail}. Keys after it are not trusted.</p>}
    </section>
  );
}

export function Ledger() {
  const [params, update] = useSearchParams();
  const subject = params.get('subject') ?? undefined;
  const action = params.get('action') ?? undefined;
  const seq = params.get('seq') ? Number(params.get('seq')) : undefined;
  const pages = useCursorStack(JSON.stringify([subject, action]));
  const events = useApi(
    '/v1/events',
    { query: { order: 'desc', limit: 50, subject_id: subject, action, cursor: pages.cursor } },
    { placeholderData: (p) => p },
  );
  const one = useApi('/v1/events/{seq}', { path: { seq: seq ?? 0 } }, { enabled: !!seq });
  const apply = (k: string) => (e: { currentTarget: HTMLInputElement }) => update({ [k]: e.currentTarget.value.trim() || undefined });
  const selected = one.data;
  return (
    <>
      <h1>Ledger</h1>
      <p className="muted">
        Every change, decision and export is an event in a tamper-evident log (RFC 9162 Merkle tree, signed checkpoints).
      </p>
      <section className="panel row" aria-label="Filters">
        <label>
          Subject id
          <input
            defaultValue={subject ?? ''}
            key={subject ?? ''}
            onBlur={apply('subject')}
            onKeyDown={(e) => {
              if (e.key === 'Enter') apply('subject')(e);
            }}
          />
        </label>
        <label>
          Action
          <input
            defaultValue={action ?? ''}
            key={action ?? ''}
            onBlur={apply('action')}
            onKeyDown={(e) => {
              if (e.key === 'Enter') apply('action')(e);
            }}
            placeholder="e.g. authorisation.status_changed"
          />
        </label>
        <label>
          Go to event (seq)
          <input
            type="number"
            min={1}
            defaultValue={seq ?? ''}
            onKeyDown={(e) => {
              if (e.key === 'Enter') update({ seq: e.currentTarget.value || undefined });
            }}
          />
        </label>
      </section>
      {seq ? (
        one.error ? (
          <ErrorBox error={one.error} />
        ) : selected ? (
          <Verify key={selected.seq} event={selected} />
        ) : one.isPending ? (
          <Loading />
        ) : (
          <p className="muted">No event {seq}.</p>
        )
      ) : null}
      <ErrorBox error={events.error} />
      {events.data ? (
        <section className="panel">
          <div className="row">
            <span className="muted">Newest first</span>
            <span className="spacer" />
            <button type="button" disabled={!pages.hasPrevious} onClick={pages.previous}>
              Newer
            </button>
            <button
              type="button"
              disabled={events.isPlaceholderData || !events.data.next_cursor}
              onClick={() => pages.next(events.data!.next_cursor!)}
            >
              Older
            </button>
          </div>
          <EventTable events={events.data.items} label="Events" showSubject />
        </section>
      ) : (
        <Loading />
      )}
    </>
  );
}
