import type { EventBus, ReplayableBus } from './types';

/** The consumer failed again on a redelivered event, `attempts` times. */
export class RedeliveryFailed extends Error {
  override readonly name = 'RedeliveryFailed';
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export const isReplayableBus = (bus: EventBus): bus is ReplayableBus => typeof (bus as Partial<ReplayableBus>).redeliver === 'function';

/** An error as one line for a dead letter's `reason` (the contract allows 2000 characters). */
export function reasonOf(err: unknown): string {
  const text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  return text.length > 2000 ? `${text.slice(0, 1997)}...` : text;
}
