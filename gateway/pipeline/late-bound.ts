/**
 * A dependency that exists only once start-up has finished. Routes and their hooks are registered before the
 * server listens (so /healthz answers during start-up), while the database-backed services they call are built
 * after; the start-up gate keeps requests out until then, and `get()` fails loudly if that is ever broken.
 */
export interface LateBound<T> {
  get(): T;
  set(value: T): void;
}

export function lateBound<T>(name: string): LateBound<T> {
  let value: T | undefined;
  return {
    get() {
      if (value === undefined) throw new Error(`${name} used before start-up finished`);
      return value;
    },
    set(v) {
      value = v;
    },
  };
}
