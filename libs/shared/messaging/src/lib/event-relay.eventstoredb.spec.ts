import type { MessageProducer, TopicMessages } from './messaging-port';
import { HEADERS } from '@salon/contracts';
import { EventStoreDbEventStore } from '@salon/shared/event-store';
import { eventually } from '@salon/shared/testing';
import { EventStoreDbStandIn, closedPort } from '@salon/shared/testing/eventstoredb-stand-in';
import { toTestMessages } from '../testing/fixtures';
import { InMemoryCheckpointStore } from './checkpoint-store';
import { EventRelay } from './event-relay';

// The relay on the EventStoreDB adapter with the real client, the server a stand-in on a port
// this test opens and closes (EventStoreDbStandIn: it answers the client's $all reads and
// subscriptions; the server's own behaviour is checked only by the Docker workflow). The
// producer records what it is given: Kafka is not what is tested here.

function recordingProducer() {
  const eventIds: string[] = [];
  const producer = {
    sendBatch: async (batch: { topicMessages: readonly TopicMessages[] }) => {
      for (const topic of batch.topicMessages ?? []) {
        for (const message of topic.messages) eventIds.push(String((message.headers as Record<string, string>)[HEADERS.eventId]));
      }
      return [];
    },
  } as unknown as MessageProducer;
  return { producer, eventIds };
}

describe('EventRelay on EventStoreDB whose server goes away', () => {
  let standIn: EventStoreDbStandIn;
  let store: EventStoreDbEventStore;
  let relay: EventRelay | undefined;
  let port: number;

  beforeEach(async () => {
    standIn = new EventStoreDbStandIn();
    port = await closedPort();
    store = EventStoreDbEventStore.connect(`esdb://127.0.0.1:${port}?tls=false`, { resubscribeDelayMs: 20, maxResubscribeDelayMs: 200 });
  });
  afterEach(async () => {
    await relay?.stop();
    await store.close();
    standIn.stop();
  });

  const relayWith = (producer: MessageProducer, checkpoints: InMemoryCheckpointStore) =>
    new EventRelay({
      name: 'clients-relay',
      store,
      streamPrefixes: ['client-'],
      toMessages: toTestMessages('clients'),
      producer,
      checkpoints,
      maxBatchSize: 2,
      retryDelayMs: 20,
      maxRetryDelayMs: 200,
    });

  it('starts while the server is down, reporting it, and relays once the port opens', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    const { producer, eventIds } = recordingProducer();
    relay = relayWith(producer, checkpoints);
    await relay.start();
    await eventually(async () => (relay?.health().failedAttempts ?? 0) >= 2 || undefined, 'two failed attempts to subscribe', { intervalMs: 10 });
    expect(relay.health()).toMatchObject({ ok: false, state: 'resubscribing', error: expect.stringContaining('UNAVAILABLE') });

    const stored = [1, 2, 3].map((n) => standIn.append(`client-${n}`, 'ClientRegistered', { n }));
    await standIn.start(port);
    await eventually(async () => eventIds.length === 3 || undefined, 'the three events', { intervalMs: 10 });
    expect(eventIds).toEqual(stored.map((event) => event.id));
    expect(relay.health()).toMatchObject({ ok: true, state: 'publishing' });
  });

  it('after the server died mid-run and came back, has published every event once, in order, its checkpoint at the last', async () => {
    const before = [1, 2, 3, 4].map((n) => standIn.append(`client-${n % 2}`, 'ClientEdited', { n }));
    await standIn.start(port);
    const checkpoints = new InMemoryCheckpointStore();
    const { producer, eventIds } = recordingProducer();
    relay = relayWith(producer, checkpoints);
    await relay.start();
    await eventually(async () => eventIds.length === 4 || undefined, 'the events stored before', { intervalMs: 10 });
    expect(await checkpoints.load('clients-relay')).toEqual({ commit: before[3].position, prepare: before[3].position });

    standIn.stop();
    await eventually(async () => relay?.health().state === 'resubscribing' || undefined, 'the relay to report the lost server', { intervalMs: 10 });
    const whileDown = [5, 6, 7].map((n) => standIn.append(`client-${n % 2}`, 'ClientEdited', { n }));
    await standIn.start(port);
    const live = standIn.append('client-8', 'ClientEdited', { n: 8 });
    await eventually(async () => eventIds.length >= 8 || undefined, 'every event', { intervalMs: 10 });

    expect(eventIds).toEqual([...before, ...whileDown, live].map((event) => event.id));
    const checkpoint = await checkpoints.load('clients-relay');
    expect(checkpoint).toEqual({ commit: live.position, prepare: live.position });
    expect(relay.health()).toMatchObject({ ok: true, state: 'publishing', published: 8 });
  });

  it('refuses a checkpoint beyond the last event of the server, naming both positions', async () => {
    const last = standIn.append('client-1', 'ClientRegistered', { n: 1 });
    await standIn.start(port);
    const checkpoints = new InMemoryCheckpointStore();
    await checkpoints.save('clients-relay', { commit: last.position + 1_000_000n, prepare: last.position + 1_000_000n });
    const { producer, eventIds } = recordingProducer();
    relay = relayWith(producer, checkpoints);
    await relay.start();
    await expect(relay.done).rejects.toThrow(`(${last.position + 1_000_000n}/${last.position + 1_000_000n}) is beyond the last event of the event store (${last.position}/${last.position})`);
    expect(relay.health()).toMatchObject({ ok: false, state: 'crashed' });
    expect(eventIds).toEqual([]);
  });
});
