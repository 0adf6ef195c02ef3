import { useCallback, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { isShownProblem, toProblem } from '../api';
import type { ShownProblem } from '../api';
import { ProblemBox } from './ProblemBox';

export interface AsyncState<T> {
  data: T | undefined;
  problem: ShownProblem | undefined;
  loading: boolean;
  reload(): void;
}

/** Runs `load` on mount and whenever `deps` change; `reload()` runs it again. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [problem, setProblem] = useState<ShownProblem | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setProblem(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setProblem(isShownProblem(err) ? err : toProblem(err));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, problem, loading, reload };
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" data-testid="loading">
      {what}…
    </p>
  );
}

/** Loading, problem or content. */
export function AsyncView<T>({ state, children, what }: { state: AsyncState<T>; children: (data: T) => ReactNode; what?: string }) {
  if (state.problem) return <ProblemBox problem={state.problem} />;
  if (state.data === undefined) return <Loading {...(what ? { what } : {})} />;
  return <>{children(state.data)}</>;
}

/** Runs one action at a time, keeping its problem for display. */
export function useAction(): {
  busy: boolean;
  problem: ShownProblem | undefined;
  run<T>(action: () => Promise<T>): Promise<T | undefined>;
  clear(): void;
} {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ShownProblem | undefined>(undefined);
  const run = useCallback(async <T,>(action: () => Promise<T>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      return await action();
    } catch (err) {
      setProblem(isShownProblem(err) ? err : toProblem(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, problem, run, clear: () => setProblem(undefined) };
}
