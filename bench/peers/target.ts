/** What the runner needs of each configuration under test: where to send load, with which credentials. */
import type { ServerProcess } from './proc';

/** The paths every configuration serves (Concord's own orders.v2 contract; the others proxy any path). */
export const GET_PATH = '/v2/orders/ord_01JD3Q8ZC4N6W7Y8V9T0R1S2P3';
export const POST_PATH = '/v2/orders';
/** Issue 9's availability query: ATP of one SKU across the network, through the full chain. */
export const AVAILABILITY_PATH = '/v1/availability?sku=SKU-0001';

/**
 * The catalogue comparison's paths: an erp.v1 operation, served by a catalogue upstream (`systems.erp` in
 * concord.yaml) or by the system role over CONCORD_SYSTEM_URL; the same upstream answers both.
 */
export const ERP_GET_PATH = '/system/erp/v1/items/SKU-0001';
export const ERP_POST_PATH = '/system/erp/v1/sales-orders';

/** The configurations of the gateway overhead comparison, in the order they run. */
export const GATEWAY_KEYS = ['direct', 'nginx', 'express-gateway', 'concord', 'concord-no-idem', 'concord-erp-role', 'concord-erp-catalogue'];

export interface Target {
  /** Short key in latest.json: direct, nginx, express-gateway, concord. */
  key: string;
  /** What runs, for the table. */
  label: string;
  baseUrl: string;
  /** The bearer token to send on the next run ('' for none); fresh when the configuration's tokens expire. */
  token(): Promise<string>;
  /** The measured process (its descendants included), or undefined for none beyond the upstream. */
  proc?: ServerProcess;
  version?: string;
  /** Other paths than GET_PATH and POST_PATH (the ERP comparison), with the POST body template (`%s`: a unique id). */
  paths?: { get: string; post: string; postBody: string };
  /** What is and is not in this configuration's chain, for the results. */
  notes: string[];
  stop(): Promise<void>;
}

/** A configuration that could not run, and why: reported in the results instead of figures. */
export interface SkippedTarget {
  key: string;
  label: string;
  reason: string;
}
