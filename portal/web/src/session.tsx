import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { onSessionLost, portal, setCsrfToken } from './api';
import type { Session } from './api';

interface SessionState {
  /** undefined while the first GET /portal/v1/session is in flight; null when signed out. */
  session: Session | null | undefined;
  signedIn(session: Session): void;
  signedOut(): void;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const signedIn = useCallback((s: Session) => {
    setCsrfToken(s.csrfToken);
    setSession(s);
  }, []);
  const signedOut = useCallback(() => {
    setCsrfToken(undefined);
    setSession(null);
  }, []);

  useEffect(() => {
    onSessionLost(signedOut);
    let live = true;
    portal
      .GET('/portal/v1/session')
      .then(({ data }) => {
        if (!live) return;
        if (data) signedIn(data);
        else signedOut();
      })
      .catch(() => live && signedOut());
    return () => {
      live = false;
    };
  }, [signedIn, signedOut]);

  const value = useMemo(() => ({ session, signedIn, signedOut }), [session, signedIn, signedOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
