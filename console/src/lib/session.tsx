// The signed-in person. With single sign-on the session is an httpOnly cookie the console never
// sees (only its CSRF token); the session's facts (how and when the person signed in) come from
// GET /v1/session. Without it, a person's API token lives in this tab's sessionStorage only (gone
// when the tab closes), is sent only as a bearer header to this origin, and is never rendered.
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { client, csrfToken, currentSession, type Client, type Credential, type Me, type Problem, type SessionInfo } from './api';

const KEY = 'mandate.session';

/** Drops an API token kept in this tab, before the person signs in at the provider instead. */
export function forgetStoredToken(): void {
  sessionStorage.removeItem(KEY);
}

interface Stored {
  credential: Credential;
  me: Me;
  /** The single sign-on session's facts; absent for an API token. */
  sso?: SessionInfo;
}

export interface Session {
  me: Me;
  api: Client;
  /** The sign-in session behind the console (absent when signed in with an API token). */
  sso?: SessionInfo;
  can(permission: string): boolean;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

function loadToken(): Stored | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    const stored = raw ? (JSON.parse(raw) as { token?: string; me?: Me }) : null;
    return stored?.token && stored.me ? { credential: { kind: 'token', token: stored.token }, me: stored.me } : null;
  } catch {
    return null;
  }
}

export function useSessionState() {
  const [stored, setStored] = useState<Stored | null>(loadToken);
  // Until the server has said whether this browser holds a session cookie, nothing is shown.
  const [checking, setChecking] = useState(stored === null);
  // Why the person was signed out (a session that ended, expired or was ended by an admin).
  const [ended, setEnded] = useState<Problem | null>(null);
  // Cached answers belong to the person who asked: they are dropped whenever the person changes,
  // so nobody sees what the previous user of the tab saw.
  const queries = useQueryClient();
  const adopt = useCallback(
    (next: Stored) => {
      queries.clear();
      if (next.credential.kind === 'token') sessionStorage.setItem(KEY, JSON.stringify({ token: next.credential.token, me: next.me }));
      setEnded(null);
      setStored(next);
    },
    [queries],
  );
  useEffect(() => {
    if (!checking) return;
    let live = true;
    currentSession()
      .then((s) => {
        if (live && s) adopt({ credential: { kind: 'session' }, me: s, sso: s });
      })
      .catch(() => undefined)
      .finally(() => live && setChecking(false));
    return () => {
      live = false;
    };
  }, [checking, adopt]);

  const signInWithToken = useCallback((token: string, me: Me) => adopt({ credential: { kind: 'token', token }, me }), [adopt]);
  // Roles (and, with single sign-on, the session's facts) can change while a tab is open: the shell
  // reads them again and keeps the answer.
  const refreshMe = useCallback((me: Me, sso?: SessionInfo) => {
    setStored((s) => {
      if (!s) return s;
      const next = {
        ...s,
        me: { user: me.user, roles: me.roles, ...(me.permissions ? { permissions: me.permissions } : {}) },
        ...(sso ? { sso } : {}),
      };
      if (JSON.stringify(next) === JSON.stringify(s)) return s;
      if (s.credential.kind === 'token') sessionStorage.setItem(KEY, JSON.stringify({ token: s.credential.token, me: next.me }));
      return next;
    });
  }, []);
  const forget = useCallback(
    (why: Problem | null) => {
      sessionStorage.removeItem(KEY);
      setStored(null);
      setEnded(why);
      queries.clear();
    },
    [queries],
  );
  const signOut = useCallback(async () => {
    if (stored?.credential.kind === 'session') {
      const csrf = csrfToken() ?? '';
      // The signed-in pages go first, so that nothing polls with the session while it ends (a read
      // refused mid-sign-out); then the session ends at the server (and, where the provider
      // supports it, there too).
      forget(null);
      const res = await fetch('/v1/signout', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'x-csrf-token': csrf, accept: 'application/json' },
      }).catch(() => undefined);
      const body = res?.ok ? ((await res.json().catch(() => ({}))) as { logout_url?: string }) : {};
      if (body.logout_url) window.location.assign(body.logout_url);
      return;
    }
    forget(null);
  }, [stored, forget]);
  const session = useMemo<Session | null>(() => {
    if (!stored) return null;
    const perms = new Set(stored.me.permissions ?? []);
    return {
      me: stored.me,
      api: client(stored.credential, forget),
      ...(stored.sso ? { sso: stored.sso } : {}),
      // The server lists the person's permissions; it stays the judge (a hidden button is refused there too).
      can: (p: string) => perms.has(p),
      signOut,
    };
  }, [stored, forget, signOut]);
  return { session, checking, ended, signInWithToken, refreshMe };
}

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}

/** Renders its children only for a person who holds the permission: no button one cannot use. */
export function Can({ permission, children }: { permission: string; children: ReactNode }) {
  return useSession().can(permission) ? children : null;
}
