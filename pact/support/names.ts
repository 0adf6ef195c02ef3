import { join } from 'node:path';

/** The provider of every HTTP pact: Concord's gateway. */
export const HTTP_PROVIDER = 'concord';
/** The provider of every message pact: the events Concord publishes (contracts/asyncapi/events.yaml). */
export const EVENTS_PROVIDER = 'concord-events';

/** One consumer per channel; a pact file is named `<consumer>-<provider>.json`. */
export const CHANNELS = ['web-storefront', 'marketplace-connector', 'store-pos', 'call-centre', '3pl-partner'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The pact files of record, committed: what `concord pact verify` checks Concord against. */
export const pactsDir = (root: string): string => join(root, 'pact', 'pacts');
export const pactFileName = (consumer: string, provider: string): string => `${consumer}-${provider}.json`;

/** The consumer of the system contracts: Concord's process APIs (their workers, feeds and reference-data copy). */
export const PROCESS_CONSUMER = 'concord-process';
/** The providers of its pacts: whatever implements erp.v1, wms.v1 and pos.v1 (the sandbox, or a retailer's adapter). */
export const SYSTEM_PROVIDERS = ['erp', 'wms', 'pos'] as const;
export type SystemProvider = (typeof SYSTEM_PROVIDERS)[number];
