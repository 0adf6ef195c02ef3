import type { components } from '../../generated/types/process/returns.v1';

type Schemas = components['schemas'];

/** The canonical Return (common/schemas.yaml), as returns.v1 serves it and the events carry it. */
export type Return = Schemas['Return'];
export type ReturnLine = Return['lines'][number];
export type ReturnStatus = Return['status'];
export type Refund = NonNullable<Return['refund']>;
export type RefundAllocation = Refund['allocations'][number];
export type Money = Refund['total'];
export type Condition = NonNullable<ReturnLine['condition']>;
export type Disposition = NonNullable<ReturnLine['disposition']>;
export type Reason = ReturnLine['reason'];
export type CreateReturnRequest = Schemas['CreateReturnRequest'];
export type ReceiveReturnRequest = Schemas['ReceiveReturnRequest'];
export type InspectReturnRequest = Schemas['InspectReturnRequest'];
export type CancelReturnRequest = Schemas['CancelReturnRequest'];
export type RejectReturnRequest = Schemas['RejectReturnRequest'];

/** One receipt: units of return lines that arrived at one location. */
export interface Receipt {
  locationId: string;
  lines: Array<{ lineId: string; quantity: number }>;
  receivedAt: string;
}

/** A line's share of the refund, kept so the ERP credit memo can be built line by line. */
export interface RefundLine {
  lineId: string;
  orderLineId: string;
  sku: string;
  quantity: number;
  items: number;
  promotion: number;
  tax: number;
  restockingFee: number;
}

/** What is kept of a return: the canonical return plus the details the contract has no field for. */
export interface StoredReturn {
  return: Return;
  receipts: Receipt[];
  refundLines: RefundLine[];
  /** The replacement order's gross value (price plus tax), when the return is an exchange. */
  exchangeGross?: number;
}
