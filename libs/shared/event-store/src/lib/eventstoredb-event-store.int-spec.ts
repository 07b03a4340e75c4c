import { eventStoreContract } from '../testing/event-store-contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

// No EventStoreDB server can be installed on the development machines (see ARCHITECTURE.md), so
// the contract runs only where one is given, e.g. EVENTSTORE_URL=esdb://127.0.0.1:2113?tls=false
// against the docker-compose server. Without it, the adapter is still built from a connection
// string, which checks that the client accepts the format without a server.
const eventStoreUrl = process.env['EVENTSTORE_URL'];

if (eventStoreUrl) {
  eventStoreContract('EventStoreDB', async () => EventStoreDbEventStore.connect(eventStoreUrl));
} else {
  describe('EventStoreDB adapter without EVENTSTORE_URL', () => {
    it('is constructed from a connection string without contacting a server', async () => {
      const store = EventStoreDbEventStore.connect('esdb://127.0.0.1:2113?tls=false');
      expect(store).toBeInstanceOf(EventStoreDbEventStore);
      await store.close();
    });
  });
}
