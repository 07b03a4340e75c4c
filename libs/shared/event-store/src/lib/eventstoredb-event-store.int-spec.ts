import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { anEvent, eventStoreContract } from '../testing/event-store-contract';
import { EventStoreUnavailableError } from './errors';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

// No EventStoreDB server can run on the development machines (see ARCHITECTURE.md), so these run
// only where one is given: EVENTSTORE_URL=esdb://127.0.0.1:2113?tls=false, plus
// EVENTSTORE_RESTART_COMMAND, a shell command that restarts that server (e.g. `docker restart
// <container>`), for the cases about a restart. The workflow .github/workflows/eventstoredb-contract.yml
// runs them against EventStoreDB 24.10. Without EVENTSTORE_URL, only the construction is checked.
const eventStoreUrl = process.env['EVENTSTORE_URL'];
const restartCommand = process.env['EVENTSTORE_RESTART_COMMAND'];

if (eventStoreUrl) {
  eventStoreContract('EventStoreDB', async () => EventStoreDbEventStore.connect(eventStoreUrl));

  describe('EventStoreDB: what only a real server shows', () => {
    const stream = (name: string) => `esdb-only_${name}-${randomUUID()}`;
    let store: EventStoreDbEventStore;

    beforeEach(() => {
      store = EventStoreDbEventStore.connect(eventStoreUrl, { resubscribeDelayMs: 100, maxResubscribeDelayMs: 1_000 });
    });
    afterEach(async () => {
      jest.restoreAllMocks();
      await store.close();
    });

    it('stores a retry with `any` again once the server restarted (its cache of recent writes is gone)', async () => {
      const name = stream('any-retry');
      const events = [anEvent()];
      await store.appendToStream(name, events, { expectedRevision: 'any' });
      await restartTheServer(store);
      await store.appendToStream(name, events, { expectedRevision: 'any' });
      expect((await store.readStream(name)).map((event) => event.id)).toEqual([events[0].id, events[0].id]);
    });

    it('holds a subscription across a server restart: every event once, in order', async () => {
      const prefix = `esdb-only_sub${randomUUID().slice(0, 8)}-`;
      const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
      const appended: string[] = [];
      const append = async (n: number) => {
        const event = anEvent({ data: { n } });
        await store.appendToStream(`${prefix}${n % 2}`, [event], { expectedRevision: 'any' });
        appended.push(event.id);
      };
      for (let n = 0; n < 3; n++) await append(n);
      const interruptions: Error[] = [];
      const subscription = store.subscribeToAll({
        after: last?.position,
        streamPrefixes: [prefix],
        onInterrupted: ({ error }) => interruptions.push(error),
      });
      const seen: string[] = [];
      const consumed = (async () => {
        for await (const event of subscription) seen.push(event.id);
      })();
      await waitUntil(() => seen.length === 3, 'the events before the restart');
      await restartTheServer(store);
      for (let n = 3; n < 6; n++) await append(n);
      await waitUntil(() => seen.length === 6, 'the events after the restart', 60_000);
      await subscription.unsubscribe();
      await consumed;
      expect(seen).toEqual(appended);
      expect(interruptions.length).toBeGreaterThan(0);
      expect(interruptions[0]).toBeInstanceOf(EventStoreUnavailableError);
    });

    it('appends with the client clock 15 s behind the server (the 10 s deadline of the client could not)', async () => {
      const realNow = Date.now.bind(Date);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 15_000);
      const result = await store.appendToStream(stream('skew'), [anEvent()], { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(0n);
      // The client's own default: the server sees a deadline already past and answers with a timeout.
      const withClientDefault = EventStoreDbEventStore.connect(eventStoreUrl, { appendDeadlineMs: 10_000 });
      try {
        const refused = withClientDefault.appendToStream(stream('skew'), [anEvent()], { expectedRevision: 'no_stream' });
        await expect(refused).rejects.toBeInstanceOf(EventStoreUnavailableError);
      } finally {
        await withClientDefault.close();
      }
    });
  });
} else {
  describe('EventStoreDB adapter without EVENTSTORE_URL', () => {
    it('is constructed from a connection string without contacting a server', async () => {
      const store = EventStoreDbEventStore.connect('esdb://127.0.0.1:2113?tls=false');
      expect(store).toBeInstanceOf(EventStoreDbEventStore);
      await store.close();
    });
  });
}

async function restartTheServer(store: EventStoreDbEventStore): Promise<void> {
  if (!restartCommand) throw new Error('EVENTSTORE_RESTART_COMMAND is needed to restart the server of EVENTSTORE_URL');
  execSync(restartCommand, { stdio: 'inherit', timeout: 120_000 });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await store.readAll({ direction: 'backwards', maxCount: 1 });
      return;
    } catch (error) {
      if (!(error instanceof EventStoreUnavailableError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
