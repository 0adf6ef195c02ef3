import type { ProblemAnswer } from '../mapping/errors';
import { fromVendorError, throttled, unavailable } from '../mapping/errors';
import type { Operation } from '../mapping/errors';
import type { KeyStore } from './key-store';
import type { VendorOutcome } from './vendor-client';

/**
 * Posting exactly once on a vendor without idempotency keys. erp.v1 promises that a document is created once per
 * `externalRef` whatever the retries; the vendor would book every POST. So, per reference:
 *   1. look the reference up at the vendor (BSTKD / XBLNR): found → answer 200 with it, post nothing;
 *   2. not found, but a create was sent less than `settleMs` ago whose outcome is unknown → 503 with Retry-After:
 *      that create may still land, and a second one now would be a duplicate;
 *   3. otherwise write a pending mark (durably), POST, and record the document number;
 *   4. no answer to the POST (timeout, reset) → look up once more; found → it went through; not found → 503, and
 *      the pending mark makes the next attempt wait out `settleMs` before posting again.
 * Concurrent requests for one reference are serialised in process, so two of them never both reach step 3.
 */
export interface PostOnce<T> {
  key: string;
  operation: Operation;
  /** The vendor document for this reference, if there is one. */
  lookup(): Promise<VendorOutcome<T | undefined>>;
  create(): Promise<VendorOutcome<T>>;
  docNumber(doc: T): number;
}

export type PostResult<T> = { created: boolean; doc: T } | { failed: ProblemAnswer };

export interface ExactlyOnce {
  post<T>(p: PostOnce<T>): Promise<PostResult<T>>;
}

/** Any outcome but `ok` as erp.v1's answer; `unknown` (reads only reach here) as 503. */
export function failure(outcome: Exclude<VendorOutcome<unknown>, { kind: 'ok' }>, op: Operation, retryAfterSeconds: number): ProblemAnswer {
  if (outcome.kind === 'rejected') return fromVendorError(outcome.error, op);
  if (outcome.kind === 'unavailable') return outcome.throttled ? throttled(outcome.retryAfterSeconds) : unavailable(outcome.retryAfterSeconds);
  return unavailable(retryAfterSeconds, `The ERP did not confirm the posting (${outcome.detail}); retry with the same externalRef.`);
}

export function createExactlyOnce(store: KeyStore, opts: { settleMs: number; now?: () => number }): ExactlyOnce {
  const now = opts.now ?? Date.now;
  const locks = new Map<string, Promise<unknown>>();
  const settleSeconds = Math.max(1, Math.ceil(opts.settleMs / 1000));

  async function postUnlocked<T>(p: PostOnce<T>): Promise<PostResult<T>> {
    const found = await p.lookup();
    if (found.kind !== 'ok') return { failed: failure(found, 'read', settleSeconds) };
    if (found.body) {
      await store.set(p.key, { doc: p.docNumber(found.body) });
      return { created: false, doc: found.body };
    }
    const pending = store.get(p.key)?.pendingSince;
    const waited = pending ? now() - Date.parse(pending) : Infinity;
    if (waited < opts.settleMs) {
      return { failed: unavailable(Math.max(1, Math.ceil((opts.settleMs - waited) / 1000)), 'An earlier posting of this document is not confirmed yet; retry later.') };
    }
    await store.set(p.key, { pendingSince: new Date(now()).toISOString() });
    const created = await p.create();
    if (created.kind === 'ok') {
      await store.set(p.key, { doc: p.docNumber(created.body) });
      return { created: true, doc: created.body };
    }
    if (created.kind !== 'unknown') {
      // The vendor said it booked nothing: the pending mark would only delay a retry for no reason.
      await store.delete(p.key);
      return { failed: failure(created, p.operation, settleSeconds) };
    }
    const after = await p.lookup();
    if (after.kind === 'ok' && after.body) {
      await store.set(p.key, { doc: p.docNumber(after.body) });
      return { created: true, doc: after.body };
    }
    return { failed: failure(created, p.operation, settleSeconds) };
  }

  return {
    post<T>(p: PostOnce<T>): Promise<PostResult<T>> {
      const previous = locks.get(p.key) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(() => postUnlocked(p));
      locks.set(p.key, run);
      void run.finally(() => {
        if (locks.get(p.key) === run) locks.delete(p.key);
      }).catch(() => undefined);
      return run;
    },
  };
}
