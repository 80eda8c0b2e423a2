// The console's shell: sign-in gate, navigation and routes. Every page lives in pages/.
import { useEffect, useRef, useState } from 'react';
import { Link, Route, Router, Switch, useLocation, useRoute } from 'wouter';
import { ErrorBoundary } from './components/ErrorBoundary';
import { currentSession, whoIs, type SessionInfo } from './lib/api';
import { SessionProvider, useSessionState, type Session } from './lib/session';
import { currentTheme, setTheme } from './lib/theme';
import { Approvals } from './pages/Approvals';
import { Authorisation } from './pages/Authorisation';
import { Authorisations } from './pages/Authorisations';
import { Discovery } from './pages/Discovery';
import { Evidence } from './pages/Evidence';
import { Findings } from './pages/Findings';
import { IdentityPage } from './pages/Identity';
import { Inventory } from './pages/Inventory';
import { Ledger } from './pages/Ledger';
import { Overview } from './pages/Overview';
import { Product } from './pages/Product';
import { Products } from './pages/Products';
import { SignIn } from './pages/SignIn';

const NAV: [string, string][] = [
  ['/', 'Overview'],
  ['/inventory', 'Inventory'],
  ['/discovery', 'Discovery'],
  ['/authorisations', 'Authorisations'],
  ['/products', 'Products'],
  ['/approvals', 'Approvals'],
  ['/findings', 'Findings'],
  ['/ledger', 'Ledger'],
  ['/evidence', 'Evidence'],
];

function NavLink({ to, label }: { to: string; label: string }) {
  const [exact] = useRoute(to);
  const [nested] = useRoute(to === '/' ? '/__never' : `${to}/*`);
  return (
    <Link href={to} aria-current={exact || nested ? 'page' : undefined}>
      {label}
    </Link>
  );
}

function ThemeToggle() {
  const [theme, set] = useState(currentTheme());
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      onClick={() => {
        setTheme(next);
        set(next);
      }}
      aria-label={`Switch to ${next} theme`}
    >
      {theme === 'dark' ? 'Light' : 'Dark'} theme
    </button>
  );
}

/** How the person signed in: whether it was with MFA, and how long ago (acts of power need it recent). */
function SignInFacts({ sso }: { sso: SessionInfo }) {
  const at = sso.session.auth_time ? Date.parse(sso.session.auth_time) : Number.NaN;
  const minutes = Number.isFinite(at) ? Math.max(0, Math.round((Date.now() - at) / 60_000)) : undefined;
  return (
    <div className="muted" data-testid="signin-facts">
      {sso.step_up.satisfied ? 'MFA sign-in' : 'Signed in without recent MFA'}
      {minutes === undefined ? '' : ` · ${minutes} min ago`}
    </div>
  );
}

function Shell({ session }: { session: Session }) {
  const [location] = useLocation();
  // On a phone the menu folds behind a button (it would push the page down a screen); a page chosen closes it.
  const [menu, setMenu] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes on every change of page
  useEffect(() => setMenu(false), [location]);
  // A new page is announced: its name in the title, focus on the content (screen readers and
  // keyboard users start there, not at the end of the menu).
  const first = useRef(true);
  useEffect(() => {
    const section = NAV.find(([to]) => (to === '/' ? location === '/' : location.startsWith(to)))?.[1] ?? 'Mandate';
    document.title = `${section} · Mandate`;
    if (first.current) first.current = false;
    else document.getElementById('main')?.focus();
  }, [location]);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav className={`side${menu ? ' open' : ''}`} aria-label="Main">
        <div className="brand-row">
          <div className="brand">Mandate</div>
          <button type="button" className="menu-toggle" aria-expanded={menu} aria-controls="nav-items" onClick={() => setMenu(!menu)}>
            Menu
          </button>
        </div>
        <div className="nav-items" id="nav-items">
          {NAV.map(([to, label]) => (
            <NavLink key={to} to={to} label={label} />
          ))}
          <div className="who">
            <div>
              Signed in as <strong data-testid="who">{session.me.user}</strong>
            </div>
            <div>{session.me.roles.join(', ')}</div>
            {session.sso ? <SignInFacts sso={session.sso} /> : <div className="muted">with an API token</div>}
            <div className="row" style={{ marginTop: 8 }}>
              <ThemeToggle />
              <button type="button" onClick={() => void session.signOut()}>
                Sign out
              </button>
            </div>
          </div>
        </div>
      </nav>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location}>
          <Switch>
            <Route path="/" component={Overview} />
            <Route path="/inventory" component={Inventory} />
            <Route path="/discovery" component={Discovery} />
            <Route path="/identities/:id">{(p) => <IdentityPage id={p.id} />}</Route>
            <Route path="/authorisations" component={Authorisations} />
            <Route path="/authorisations/:id">{(p) => <Authorisation id={p.id} />}</Route>
            <Route path="/products" component={Products} />
            <Route path="/products/:id">{(p) => <Product id={p.id} />}</Route>
            <Route path="/approvals" component={Approvals} />
            <Route path="/findings" component={Findings} />
            <Route path="/ledger" component={Ledger} />
            <Route path="/evidence" component={Evidence} />
            <Route>
              <h1>Not found</h1>
              <p>
                <Link href="/">Back to the overview</Link>
              </p>
            </Route>
          </Switch>
        </ErrorBoundary>
      </main>
    </div>
  );
}

export function App() {
  const { session, checking, ended, signInWithToken, refreshMe } = useSessionState();
  const api = session?.api;
  const sso = Boolean(session?.sso);
  useEffect(() => {
    if (!api) return;
    if (sso)
      void currentSession()
        .then((s) => s && refreshMe(s, s))
        .catch(() => undefined);
    else
      void api
        .get('/v1/me')
        .then((me) => refreshMe(me))
        .catch(() => undefined);
  }, [api, sso, refreshMe]);
  if (checking) return null;
  return (
    <Router base="/console">
      {session ? (
        <SessionProvider session={session}>
          <Shell session={session} />
        </SessionProvider>
      ) : (
        <SignIn ended={ended} onToken={async (token) => signInWithToken(token, await whoIs({ kind: 'token', token }))} />
      )}
    </Router>
  );
}
