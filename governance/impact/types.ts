import type { FindingLocation } from '../types';

/** One way a pact interaction no longer fits the contracts. */
export interface ImpactProblem {
  message: string;
  /** JSON path of the field in the pact's body (request, response or message), e.g. `$.source.orderId`. */
  field?: string;
  /** The contract file and JSON pointer of the operation, message or schema concerned. */
  location?: FindingLocation;
}

export interface InteractionImpact {
  description: string;
  kind: 'http' | 'message';
  /** `GET /v2/orders/{orderId}` as matched, or the raw `GET /v2/orders/ord_1` when no operation matches. */
  request?: string;
  /** `GET /v2/orders/{orderId} (getOrder)`, or `send order.created (OrderCreated)` for a message. */
  operation?: string;
  problems: ImpactProblem[];
}

export interface ConsumerImpact {
  consumer: string;
  provider: string;
  /** Repo-relative POSIX path of the pact file. */
  pactFile: string;
  interactions: InteractionImpact[];
}

export interface ImpactReport {
  consumers: ConsumerImpact[];
  /** Interactions with at least one problem. */
  broken: number;
  /** Interactions checked. */
  checked: number;
}
