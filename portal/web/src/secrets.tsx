import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import type { ReactNode } from 'react';

/**
 * Client secrets seen in this browser tab (app registration, secret rotation), so the try-it panel can prefill
 * them. Held in React state only: never written to localStorage, sessionStorage or cookies, and gone on reload.
 */
interface SecretsState {
  secretOf(clientId: string): string | undefined;
  remember(clientId: string, clientSecret: string): void;
  forget(clientId: string): void;
  /** On sign-out: the next user of this tab must not find the last one's secrets. */
  forgetAll(): void;
}

const SecretsContext = createContext<SecretsState | undefined>(undefined);

export function SecretsProvider({ children }: { children: ReactNode }) {
  const [secrets, setSecrets] = useState<ReadonlyMap<string, string>>(new Map());
  const remember = useCallback((clientId: string, clientSecret: string) => setSecrets((m) => new Map(m).set(clientId, clientSecret)), []);
  const forget = useCallback(
    (clientId: string) =>
      setSecrets((m) => {
        const next = new Map(m);
        next.delete(clientId);
        return next;
      }),
    [],
  );
  const forgetAll = useCallback(() => setSecrets(new Map()), []);
  const value = useMemo(() => ({ secretOf: (id: string) => secrets.get(id), remember, forget, forgetAll }), [secrets, remember, forget, forgetAll]);
  return <SecretsContext.Provider value={value}>{children}</SecretsContext.Provider>;
}

export function useSecrets(): SecretsState {
  const state = useContext(SecretsContext);
  if (!state) throw new Error('useSecrets outside SecretsProvider');
  return state;
}
