// Sign-in with a user's API token. The token is checked against /v1/me before it is kept; the
// field is a password field, cleared at once, so the token is never shown on screen.
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '../components/ui';

export function SignIn({ onSignIn }: { onSignIn: (token: string) => Promise<void> }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const field = e.currentTarget.elements.namedItem('token') as HTMLInputElement;
    const token = field.value.trim();
    field.value = '';
    if (!token) return setError(new Error('Paste your API token'));
    setBusy(true);
    setError(null);
    try {
      await onSignIn(token);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin panel" id="main">
      <h1>Sign in to Mandate</h1>
      <p className="muted">
        Use your API token. On the first start the server prints the admin's token; an admin creates tokens for everyone else (
        <code>mandate tokens create</code>).
      </p>
      <form onSubmit={submit}>
        <label>
          API token
          {/* biome-ignore lint/a11y/noAutofocus: the sign-in page has one field, and focusing it is what a person opening it wants */}
          <input name="token" type="password" autoComplete="off" spellCheck={false} required autoFocus />
        </label>
        <button className="primary" type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <ErrorBox error={error} />
    </main>
  );
}
