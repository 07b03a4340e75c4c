import { EventStoreDbStandIn, closedPort } from '@salon/shared/testing/eventstoredb-stand-in';
import { EventSerialisationError, EventStoreUnavailableError } from './errors';
import { RecordedEvent } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

// The real @eventstore/db-client, no fakes: first against a port where nothing listens (what a
// service sees while EventStoreDB is down), then against EventStoreDbStandIn, a gRPC server on
// that port which answers the client's subscription and $all reads, stopped and started again
// like a crashing server. See the stand-in for what this proves and what only the Docker
// workflow (.github/workflows/eventstoredb-contract.yml) can. Jest fails a test during which a
// rejection goes unhandled, so every test here also checks that none does (the process of a
// service would end on one).

const metadata = { tenantId: 't-1', correlationId: 'c-1', causationId: 'k-1', schemaVersion: 1 };

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('EventStoreDB adapter with the real client, the server down', () => {
  let port: number;
  let store: EventStoreDbEventStore;
  let standIn: EventStoreDbStandIn;

  beforeEach(async () => {
    port = await closedPort();
    store = EventStoreDbEventStore.connect(`esdb://127.0.0.1:${port}?tls=false`, { resubscribeDelayMs: 20, maxResubscribeDelayMs: 200 });
    standIn = new EventStoreDbStandIn();
  });
  afterEach(async () => {
    await store.close();
    standIn.stop();
  });

  it('refuses an append with EventStoreUnavailableError, the answer the HTTP layer turns into 503', async () => {
    const append = store.appendToStream('client-1', [{ id: '0d4b7c3e-5a1f-4c43-9d8e-2f0a6b1c7e90', type: 'T', data: {}, metadata }], {
      expectedRevision: 'no_stream',
    });
    await expect(append).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(append).rejects.toThrow(/UNAVAILABLE/);
    await expect(store.readStream('client-1')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readAll({ direction: 'backwards', maxCount: 1 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('refuses data that is not JSON at once, without an unhandled rejection or an append that never settles', async () => {
    // With a server to talk to, client 6.2.1 would reach its own JSON.stringify, inside a promise
    // executor: "TypeError: Do not know how to serialize a BigInt", unhandled (seen with this stand-in).
    await standIn.start(port);
    const append = store.appendToStream('client-1', [{ id: '0d4b7c3e-5a1f-4c43-9d8e-2f0a6b1c7e90', type: 'T', data: { n: 1n }, metadata }], {
      expectedRevision: 'no_stream',
    });
    await expect(append).rejects.toBeInstanceOf(EventSerialisationError);
  });

  it('keeps a subscription made while the server is down, and delivers once the port opens', async () => {
    const interruptions: { error: Error; attempt: number }[] = [];
    let resumed = 0;
    const subscription = store.subscribeToAll({
      streamPrefixes: ['client-'],
      onInterrupted: ({ error, attempt }) => interruptions.push({ error, attempt }),
      onResumed: () => (resumed += 1),
    });
    const seen: RecordedEvent[] = [];
    const consumed = (async () => {
      for await (const event of subscription) seen.push(event);
    })();

    await waitUntil(() => interruptions.length >= 3, 'three failed attempts to subscribe');
    expect(interruptions[0].error).toBeInstanceOf(EventStoreUnavailableError);
    expect(interruptions.slice(0, 3).map((interruption) => interruption.attempt)).toEqual([1, 2, 3]);
    expect(seen).toEqual([]);

    const first = standIn.append('client-1', 'ClientRegistered', { n: 1 });
    await standIn.start(port);
    await waitUntil(() => seen.length === 1, 'the event stored before the server came up');
    expect(seen.map((event) => event.id)).toEqual([first.id]);
    expect(resumed).toBe(1);
    const live = standIn.append('client-2', 'ClientRegistered', { n: 2 });
    await waitUntil(() => seen.length === 2, 'a live event');
    expect(seen[1]).toMatchObject({ id: live.id, streamName: 'client-2', data: { n: 2 }, position: { commit: live.position } });

    await subscription.unsubscribe();
    await consumed;
  });

  it('resubscribes after the server died mid-run, from the last event delivered: nothing lost, nothing twice', async () => {
    const before = [1, 2, 3].map((n) => standIn.append(`client-${n}`, 'ClientRegistered', { n }));
    await standIn.start(port);
    const interruptions: Error[] = [];
    const subscription = store.subscribeToAll({ streamPrefixes: ['client-'], onInterrupted: ({ error }) => interruptions.push(error) });
    const seen: string[] = [];
    const consumed = (async () => {
      for await (const event of subscription) seen.push(event.id);
    })();
    await waitUntil(() => seen.length === 3, 'the three stored events');

    standIn.stop();
    await waitUntil(() => interruptions.length >= 1, 'the subscription to notice the server is gone');
    expect(interruptions[0]).toBeInstanceOf(EventStoreUnavailableError);
    const whileDown = [4, 5].map((n) => standIn.append(`client-${n}`, 'ClientRegistered', { n }));
    await standIn.start(port);
    await waitUntil(() => seen.length === 5, 'the events stored while the server was down');
    const live = standIn.append('client-6', 'ClientRegistered', { n: 6 });
    await waitUntil(() => seen.length === 6, 'a live event after the restart');

    expect(seen).toEqual([...before, ...whileDown, live].map((event) => event.id));
    expect(standIn.subscriptionsOpened).toBeGreaterThanOrEqual(2);
    await subscription.unsubscribe();
    await consumed;
  });

  it('takes an end of the subscription call nobody asked for as an interruption, and resubscribes after the last event', async () => {
    const first = standIn.append('client-1', 'ClientRegistered', { n: 1 });
    await standIn.start(port);
    const interruptions: Error[] = [];
    const subscription = store.subscribeToAll({ streamPrefixes: ['client-'], onInterrupted: ({ error }) => interruptions.push(error) });
    const seen: string[] = [];
    const consumed = (async () => {
      for await (const event of subscription) seen.push(event.id);
    })();
    await waitUntil(() => seen.length === 1, 'the stored event');

    standIn.endSubscriptions();
    await waitUntil(() => interruptions.length === 1, 'the end to be noticed');
    expect(interruptions[0]).toMatchObject({ name: 'EventStoreUnavailableError', reason: 'the server ended the subscription' });
    const second = standIn.append('client-2', 'ClientRegistered', { n: 2 });
    await waitUntil(() => seen.length === 2, 'the event after the resubscription');
    expect(seen).toEqual([first.id, second.id]);
    expect(standIn.subscriptionsOpened).toBe(2);
    await subscription.unsubscribe();
    await consumed;
  });

  it('fails a read the server accepted and never answers, once nothing came for readIdleTimeoutMs', async () => {
    await standIn.start(port);
    standIn.hangReads = true;
    const impatient = EventStoreDbEventStore.connect(`esdb://127.0.0.1:${port}?tls=false`, { readIdleTimeoutMs: 200 });
    try {
      await expect(impatient.readAll({ direction: 'backwards', maxCount: 1 })).rejects.toThrow(
        new EventStoreUnavailableError('no answer to a read for 200 ms'),
      );
      await expect(impatient.readStream('client-1')).rejects.toBeInstanceOf(EventStoreUnavailableError);
      standIn.hangReads = false;
      const stored = standIn.append('client-1', 'ClientRegistered', { n: 1 });
      expect((await impatient.readAll()).map((event) => event.id)).toEqual([stored.id]);
    } finally {
      await impatient.close();
    }
  });
});
