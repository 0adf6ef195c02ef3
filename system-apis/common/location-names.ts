import type { DemoLocationType } from '../demo-data';
import { demoLocations } from '../demo-data';

const TYPE_NAMES: Record<DemoLocationType, string> = {
  network: 'the network',
  region: 'a region',
  dc: 'a distribution centre',
  store: 'a store',
  dark_store: 'a dark store',
  '3pl': 'a 3PL node',
};

/**
 * "S1 is a store", for the detail of a problem about a location a system does not run: sending a store to WMS or
 * a DC to the POS is the usual mistake. Only wording; each system decides from its own list what it runs.
 */
export function whatLocationIs(id: string): string | undefined {
  const type = demoLocations.find((l) => l.id === id)?.type;
  return type ? `${id} is ${TYPE_NAMES[type]}` : undefined;
}
