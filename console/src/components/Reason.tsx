// A button that asks for a reason before it acts: every change in Mandate carries one into the ledger.
import { useState, type FormEvent } from 'react';
import { ErrorBox } from './ui';

export function ReasonButton({
  label,
  danger,
  onConfirm,
  field = 'Reason',
  placeholder,
}: {
  label: string;
  danger?: boolean;
  field?: string;
  placeholder?: string;
  onConfirm: (reason: string) => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!open)
    return (
      <button type="button" className={danger ? 'danger' : undefined} onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const reason = (e.currentTarget.elements.namedItem('reason') as HTMLInputElement).value.trim();
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason);
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="row" onSubmit={submit} aria-label={label}>
      <label>
        {field}
        {/* biome-ignore lint/a11y/noAutofocus: the form opens when the user picks the action; the reason is what they type next */}
        <input name="reason" required autoFocus placeholder={placeholder} size={32} />
      </label>
      <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
        {busy ? 'Working…' : `Confirm: ${label}`}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
