// The signed-in user. The API token lives in this tab's sessionStorage only (gone when the tab
// closes), is sent only as a bearer header to this origin, and is never rendered after sign-in.
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { client, type Client, type Me } from './api';

const KEY = 'mandate.session';

interface Stored {
  token: string;
  me: Me;
}

export interface Session {
  me: Me;
  api: Client;
  can(permission: string): boolean;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

function load(): Stored | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

export function useSessionState() {
  const [stored, setStored] = useState<Stored | null>(load);
  // Cached answers belong to the user who asked: they are dropped whenever the user changes, so
  // nobody sees what the previous user of the tab saw.
  const queries = useQueryClient();
  const signIn = useCallback(
    (token: string, me: Me) => {
      queries.clear();
      sessionStorage.setItem(KEY, JSON.stringify({ token, me }));
      setStored({ token, me });
    },
    [queries],
  );
  // Roles can change while a tab is open: the shell reads /v1/me again and keeps the answer.
  const refreshMe = useCallback((me: Me) => {
    setStored((s) => {
      if (!s || JSON.stringify(s.me) === JSON.stringify(me)) return s;
      sessionStorage.setItem(KEY, JSON.stringify({ token: s.token, me }));
      return { token: s.token, me };
    });
  }, []);
  const signOut = useCallback(() => {
    sessionStorage.removeItem(KEY);
    setStored(null);
    queries.clear();
  }, [queries]);
  const session = useMemo<Session | null>(() => {
    if (!stored) return null;
    const perms = new Set(stored.me.permissions ?? []);
    return {
      me: stored.me,
      api: client(stored.token, signOut),
      // The server lists the user's permissions; it stays the judge (a hidden button is refused there too).
      can: (p: string) => perms.has(p),
      signOut,
    };
  }, [stored, signOut]);
  return { session, signIn, refreshMe };
}

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}

/** Renders its children only for a user who holds the permission: no button one cannot use. */
export function Can({ permission, children }: { permission: string; children: ReactNode }) {
  return useSession().can(permission) ? children : null;
}
