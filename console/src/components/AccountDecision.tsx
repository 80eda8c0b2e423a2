// What people decide about an unmanaged account: dismiss it with a reason, or adopt it into the
// inventory, where an identity with power waits for approval like any other create. The buttons
// show only to those who may change the inventory; the server judges again.
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type { Body } from '../lib/api';
import { useAction } from '../lib/hooks';
import { Can, useSession } from '../lib/session';
import { DISMISS_REASONS, type AdoptAnswer, type DiscoveredAccount } from '../lib/types';
import { ENVIRONMENTS, IDENTITY_FUNCTIONS } from '../lib/vocabulary';
import { ErrorBox, When } from './ui';

type Dismissal = Body<'POST', '/v1/discovery/accounts/{key}/dismiss'>;
type Adoption = Body<'POST', '/v1/discovery/accounts/{key}/adopt'>;
const identityHref = (id: string) => `/identities/${encodeURIComponent(id)}`;
const words = (s: string) => s.replace(/_/g, ' ');

function Disposition({ a }: { a: DiscoveredAccount }) {
  const d = a.disposition;
  if (!d) return null;
  const by = (
    <span className="muted">
      {' '}
      by {d.by}, <When at={d.at} />
    </span>
  );
  if (d.kind === 'dismissed')
    return (
      <div>
        Dismissed: {words(d.reason ?? 'other')}
        {d.note ? ` (${d.note})` : ''}
        {by}
      </div>
    );
  if (!d.identity) return <div>Adopted{by}</div>;
  // A held adoption names an identity that exists only once approved: no link to it until then.
  return d.change ? (
    <div>
      Adopted as <code>{d.identity}</code> through change request <code>{d.change}</code> (<Link href="/approvals">approvals</Link>){by}
    </div>
  ) : (
    <div>
      Adopted as <Link href={identityHref(d.identity)}>{d.identity}</Link>
      {by}
    </div>
  );
}

function Adopted({ answer }: { answer: AdoptAnswer }) {
  if (!('change' in answer))
    return (
      <p className="notice" role="status">
        Adopted as <Link href={identityHref(answer.identity.id)}>{answer.identity.id}</Link>.
      </p>
    );
  return (
    <p className="notice" role="status">
      Adopting it as <code>{answer.change.identity.id}</code> adds power ({answer.change.gains.map((g) => g.detail).join('; ')}): change
      request <code>{answer.id}</code> awaits approval. See <Link href="/approvals">Approvals</Link>.
    </p>
  );
}

/** "ent-de/custody/DE, ent-de/custody/FR" → scopes; a string says what is wrong. */
function parseScopes(text: string): Adoption['scopes'] | string {
  const scopes: Adoption['scopes'] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [entity, service, jurisdiction, ...rest] = part.split('/');
    if (!entity || !service || !jurisdiction || rest.length) return `"${part}" is not entity/service/member state`;
    // As typed: the server checks the service and the member state against its vocabulary.
    scopes.push({ entity, service, jurisdiction } as Adoption['scopes'][number]);
  }
  return scopes;
}

/** A labelled choice among a vocabulary; `none` is the empty choice (only a prompt when one is required). */
function Choice({
  label,
  name,
  values,
  none,
  required,
}: {
  label: string;
  name: string;
  values: readonly string[];
  none: string;
  required?: boolean;
}) {
  return (
    <label>
      {label}
      <select name={name} required={required} defaultValue="">
        <option value="" disabled={required}>
          {none}
        </option>
        {values.map((v) => (
          <option key={v} value={v}>
            {words(v)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A form's submit and cancel buttons, and the server's refusal under them. */
function Confirm({
  label,
  danger,
  busy,
  error,
  onCancel,
}: {
  label: string;
  danger?: boolean;
  busy: boolean;
  error: unknown;
  onCancel(): void;
}) {
  return (
    <>
      <div className="row">
        <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
          {busy ? 'Working…' : `Confirm: ${label}`}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ErrorBox error={error} />
    </>
  );
}

function DismissForm({ a, onClose, onDone }: { a: DiscoveredAccount; onClose(): void; onDone(a: DiscoveredAccount): void }) {
  const { api } = useSession();
  const dismiss = useAction((body: Dismissal) => api.send('POST', '/v1/discovery/accounts/{key}/dismiss', { path: { key: a.key }, body }));
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = e.currentTarget.elements;
    const note = (f.namedItem('note') as HTMLInputElement).value.trim();
    // The choice's values are the server's reasons (DISMISS_REASONS); it checks them again.
    const reason = (f.namedItem('reason') as HTMLSelectElement).value as Dismissal['reason'];
    const body = { reason, ...(note ? { note } : {}) };
    // A refusal stays on the form (dismiss.error).
    const done = await dismiss.mutateAsync(body).catch(() => null);
    if (done) onDone(done);
  };
  return (
    <form className="stack" onSubmit={submit} aria-label={`Dismiss ${a.native_id}`}>
      <Choice label="Reason" name="reason" values={DISMISS_REASONS} none="choose…" required />
      <label>
        Note (optional)
        <input name="note" maxLength={2000} size={24} />
      </label>
      <Confirm label="Dismiss" danger busy={dismiss.isPending} error={dismiss.error} onCancel={onClose} />
    </form>
  );
}

function AdoptForm({ a, onClose, onDone }: { a: DiscoveredAccount; onClose(): void; onDone(answer: AdoptAnswer): void }) {
  const { api } = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  const adopt = useAction((body: Adoption) => api.send('POST', '/v1/discovery/accounts/{key}/adopt', { path: { key: a.key }, body }));
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = e.currentTarget.elements;
    const value = (n: string) => (f.namedItem(n) as HTMLInputElement | HTMLSelectElement).value.trim();
    const scopes = parseScopes(value('scopes'));
    setProblem(typeof scopes === 'string' ? scopes : null);
    if (typeof scopes === 'string') return;
    // The choices' values are the server's vocabulary (IDENTITY_FUNCTIONS, ENVIRONMENTS); it checks them again.
    const body: Adoption = {
      owner: value('owner'),
      purpose: value('purpose'),
      function: value('function') as Adoption['function'],
      scopes,
      ...(value('id') ? { id: value('id') } : {}),
      ...(value('environment') ? { environment: value('environment') as Adoption['environment'] } : {}),
    };
    const done = await adopt.mutateAsync(body).catch(() => null);
    if (done) onDone(done);
  };
  return (
    <form className="stack" onSubmit={submit} aria-label={`Adopt ${a.native_id}`}>
      <label>
        Identity id (optional)
        <input name="id" size={24} placeholder={`${a.source}.${a.account?.name ?? ''}`} />
      </label>
      <label>
        Owner
        <input name="owner" type="email" required size={24} />
      </label>
      <label>
        Purpose
        <input name="purpose" required size={24} />
      </label>
      <Choice label="Function" name="function" values={IDENTITY_FUNCTIONS} none="choose…" required />
      <Choice label="Environment" name="environment" values={ENVIRONMENTS} none="as the source says" />
      {/* An active identity acts for at least one scope: the server refuses an adoption without. */}
      <label>
        Scopes (entity/service/member state, comma-separated)
        <input name="scopes" required size={24} placeholder="ent-de/custody/DE" />
      </label>
      <Confirm label="Adopt" busy={adopt.isPending} error={problem ? new Error(problem) : adopt.error} onCancel={onClose} />
    </form>
  );
}

/** The decision taken about an account, or the buttons to take one. */
export function AccountDecision({ a }: { a: DiscoveredAccount }) {
  const [form, setForm] = useState<'dismiss' | 'adopt' | null>(null);
  // The server's answer, shown at once (the list catches up when it is read again).
  const [decided, setDecided] = useState<{ account: DiscoveredAccount; adopted?: AdoptAnswer } | null>(null);
  const close = () => setForm(null);
  if (decided?.adopted) return <Adopted answer={decided.adopted} />;
  const shown = a.disposition ? a : (decided?.account ?? a);
  if (shown.disposition) return <Disposition a={shown} />;
  if (a.state !== 'unmanaged' || !a.account) return null;
  return (
    <Can permission="identities:write">
      {form === 'dismiss' ? (
        <DismissForm a={a} onClose={close} onDone={(account) => setDecided({ account })} />
      ) : form === 'adopt' ? (
        <AdoptForm a={a} onClose={close} onDone={(adopted) => setDecided({ account: adopted.account, adopted })} />
      ) : (
        <div className="row">
          <button type="button" aria-label={`Adopt ${a.native_id}`} onClick={() => setForm('adopt')}>
            Adopt
          </button>
          <button type="button" className="danger" aria-label={`Dismiss ${a.native_id}`} onClick={() => setForm('dismiss')}>
            Dismiss
          </button>
        </div>
      )}
    </Can>
  );
}
