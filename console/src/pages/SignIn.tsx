// Sign-in. With single sign-on the person goes to the firm's identity provider and comes back with
// a session cookie; a refusal there comes back as ?signin_error (shown here). A person's own API
// token still opens the console for reading: it is checked against /v1/me before it is kept, and
// its field is a password field, cleared at once, so the token is never shown on screen.
import { useEffect, useState, type FormEvent } from 'react';
import { ErrorBox } from '../components/ui';
import { ApiError, signInMethods, signInUrl, type Problem } from '../lib/api';

/** A refusal the server sent the browser back with (the callback's problem, in the query). */
function refusalInUrl(): Problem | null {
  const q = new URLSearchParams(window.location.search);
  const code = q.get('signin_error');
  if (!code) return null;
  return { status: 401, title: 'Sign-in refused', code, detail: q.get('signin_detail') ?? 'the identity provider did not sign you in' };
}

/** The console path to come back to after signing in (without a previous refusal's query). */
function here(): string {
  const url = new URL(window.location.href);
  url.searchParams.delete('signin_error');
  url.searchParams.delete('signin_detail');
  return url.pathname.startsWith('/console') ? `${url.pathname}${url.search}` : '/console/';
}

export function SignIn({ onToken, ended }: { onToken: (token: string) => Promise<void>; ended: Problem | null }) {
  const [error, setError] = useState<unknown>(() => {
    const refused = refusalInUrl();
    if (refused) return new ApiError(refused);
    return ended ? new ApiError({ ...ended, title: 'You were signed out' }) : null;
  });
  const [busy, setBusy] = useState(false);
  const [sso, setSso] = useState<boolean | null>(null);
  useEffect(() => {
    void signInMethods().then((m) => setSso(m.sso));
  }, []);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const field = e.currentTarget.elements.namedItem('token') as HTMLInputElement;
    const token = field.value.trim();
    field.value = '';
    if (!token) return setError(new Error('Paste your API token'));
    setBusy(true);
    setError(null);
    try {
      await onToken(token);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin panel" id="main">
      <h1>Sign in to Mandate</h1>
      {sso ? (
        <>
          <p className="muted">Sign in with your firm’s identity provider. Approving and unsealing ask for a recent sign-in with MFA.</p>
          <p>
            <a className="button primary" href={signInUrl(here())}>
              Sign in with your identity provider
            </a>
          </p>
          <h2>Or with your own API token</h2>
          <p className="muted">An API token opens the console for reading; acts of power need the identity provider.</p>
        </>
      ) : (
        <p className="muted">
          Use your API token. On the first start the server prints the admin's token; an admin creates tokens for everyone else (
          <code>mandate tokens create</code>).
        </p>
      )}
      <form onSubmit={submit}>
        <label>
          API token
          {/* biome-ignore lint/a11y/noAutofocus: the sign-in page has one field, and focusing it is what a person opening it wants */}
          <input name="token" type="password" autoComplete="off" spellCheck={false} required autoFocus={sso === false} />
        </label>
        <button className={sso ? undefined : 'primary'} type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <ErrorBox error={error} />
    </main>
  );
}
