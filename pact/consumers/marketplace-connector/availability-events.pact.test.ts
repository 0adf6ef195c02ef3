import { MatchersV3 } from '@pact-foundation/pact';
import type { EventMap } from '../../../generated/events';
import { consumerPact } from '../../support/consumer-pact';
import { envelope } from '../../support/events';
import { EVENTS_PROVIDER } from '../../support/names';

const { boolean, integer, regex } = MatchersV3;

type AvailabilityChanged = EventMap['inventory.availability-changed'];

// The marketplace connector keeps partner listings in step with ATP: what it lists is the new ATP, and nothing
// once Concord says the position is low on stock, so the marketplace cannot oversell the last units.
const { pact, checkAgainstRecord } = consumerPact('marketplace-connector', EVENTS_PROVIDER);
afterAll(() => checkAgainstRecord());

function listingUpdate(event: AvailabilityChanged): { sku: string; locationId: string; quantity: number } {
  const { sku, locationId, atp, lowStock } = event.data;
  return { sku, locationId, quantity: lowStock ? 0 : atp };
}

describe('marketplace connector ← Concord events', () => {
  it('updates a listing from inventory.availability-changed', () =>
    pact
      .addAsynchronousInteraction()
      .expectsToReceive('an availability change after stock is reserved', (b) =>
        b.withJSONContent({
          ...envelope('inventory.availability-changed', '/concord/availability', regex(/^SKU-\d{4}@[A-Z0-9]+$/, 'SKU-0002@DC1')),
          data: { sku: regex(/^SKU-\d{4}$/, 'SKU-0002'), locationId: regex(/^[A-Z0-9]+$/, 'DC1'), atp: integer(44), previousAtp: integer(45), lowStock: boolean(false) },
        }),
      )
      .executeTest(async (message) => {
        expect(listingUpdate(message.contents.content as AvailabilityChanged)).toEqual({ sku: 'SKU-0002', locationId: 'DC1', quantity: 44 });
      }));
});
