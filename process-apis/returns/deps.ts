import type { Queryable } from '../../platform/db/database';
import type { AppendEvents } from '../../platform/events/types';
import type { CreateOrderDeps } from '../orders/create-order';
import type { ReferenceData } from '../reference-data/reference-data';
import type { StoredReturn } from './model';

/** What the returns handlers need. */
export interface ReturnDeps {
  db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> } & Queryable;
  ref: ReferenceData;
  appendEvents: AppendEvents;
  now: () => Date;
  /** Order intake, for an exchange's replacement order (and its cancellation). */
  createOrderDeps: CreateOrderDeps;
}

export type Respond = (stored: StoredReturn) => { status: number; body: unknown; headers?: Record<string, string> };

/**
 * Order intake's deps bound to the caller's open transaction, so a replacement order (its reservations, events and
 * sync jobs) commits or rolls back with the return that made it.
 */
export function withinTransaction(deps: CreateOrderDeps, tx: Queryable): CreateOrderDeps {
  return {
    ...deps,
    db: {
      query: <T>(sql: string, params?: readonly unknown[]) => tx.query<T>(sql, params),
      transaction: <T>(fn: (inner: Queryable) => Promise<T>) => fn(tx),
    },
  };
}
