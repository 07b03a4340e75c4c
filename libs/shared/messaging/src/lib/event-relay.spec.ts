import type { MessageProducer, TopicMessages } from './messaging-port';
import { HEADERS } from '@salon/contracts';
import { EventStore, EventStoreUnavailableError, SqliteEventStore, formatPosition } from '@salon/shared/event-store';
import { eventually } from '@salon/shared/testing';
import { appendInterleaved, toTestMessages } from '../testing/fixtures';
import { CheckpointFencedError, InMemoryCheckpointStore } from './checkpoint-store';
import { CheckpointBeyondStoreError, EventRelay } from './event-relay';

/** A producer whose broker is down until `bringUp()` (failing as a client does once its own retries are spent). */
function producerOfABrokerThatIsDown() {
  const sent: { topicMessages: readonly TopicMessages[] }[] = [];
  let calls = 0;
  let up = false;
  const producer = {
    sendBatch: async (batch: { topicMessages: readonly TopicMessages[] }) => {
      calls += 1;
      if (!up) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:19092');
      sent.push(batch);
      return [];
    },
  } as unknown as MessageProducer;
  return { producer, sent, calls: () => calls, bringUp: () => void (up = true) };
}

describe('EventRelay while the broker is unreachable', () => {
  let store: SqliteEventStore;

  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 10 });
    await appendInterleaved(store, 'counter-', 3, 2);
  });

  afterEach(() => store.close());

  it('sends the same batch again until the broker takes it, then saves the checkpoint', async () => {
    const { producer, sent, calls, bringUp } = producerOfABrokerThatIsDown();
    const checkpoints = new InMemoryCheckpointStore();
    const relay = new EventRelay({
      name: 'relay',
      store,
      streamPrefixes: ['counter-'],
      toMessages: toTestMessages('topic'),
      producer,
      checkpoints,
      retryDelayMs: 5,
    });
    await relay.start();
    await eventually(async () => (calls() >= 3 ? true : undefined), 'a few failed attempts');
    expect(relay.health()).toMatchObject({ ok: false, state: 'retrying', error: expect.stringContaining('ECONNREFUSED') });
    expect(await checkpoints.load('relay')).toBeUndefined();
    const attemptsWhileDown = calls();
    bringUp();

    const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    await eventually(async () => {
      const saved = await checkpoints.load('relay');
      return saved && formatPosition(saved) === formatPosition(last.position) ? true : undefined;
    }, 'the checkpoint after the last event');
    expect(calls()).toBe(attemptsWhileDown + 1);
    expect(sent.flatMap((batch) => batch.topicMessages?.flatMap((topic) => topic.messages) ?? [])).toHaveLength(6);
    expect(relay.health()).toEqual({ ok: true, state: 'publishing', error: undefined, failedAttempts: 0, published: 6 });
    await relay.stop();
  });

  it('stops at once while waiting to retry, leaving the checkpoint where it was', async () => {
    const { producer } = producerOfABrokerThatIsDown();
    const checkpoints = new InMemoryCheckpointStore();
    const relay = new EventRelay({
      name: 'relay',
      store,
      streamPrefixes: ['counter-'],
      toMessages: toTestMessages('topic'),
      producer,
      checkpoints,
      retryDelayMs: 60_000,
    });
    await relay.start();
    await eventually(async () => (relay.health().state === 'retrying' ? true : undefined), 'the first failed attempt');
    const stopping = Date.now();
    await relay.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(await checkpoints.load('relay')).toBeUndefined();
    expect(relay.health().state).toBe('stopped');
  });
});

/** A producer that takes everything, recording the event ids it was given, in order. */
function producerThatWorks() {
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

describe('EventRelay when the event store fails', () => {
  let store: SqliteEventStore;

  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 10 });
    await appendInterleaved(store, 'counter-', 3, 4);
  });

  afterEach(() => store.close());

  const relayOn = (eventStore: EventStore, producer: MessageProducer, checkpoints = new InMemoryCheckpointStore()) =>
    new EventRelay({
      name: 'relay',
      store: eventStore,
      streamPrefixes: ['counter-'],
      toMessages: toTestMessages('topic'),
      producer,
      checkpoints,
      maxBatchSize: 2,
      retryDelayMs: 5,
    });

  it('refuses a checkpoint beyond the last event of the store, naming both positions, and publishes nothing', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    await checkpoints.save('relay', { commit: 99n, prepare: 99n });
    const { producer, eventIds } = producerThatWorks();
    const relay = relayOn(store, producer, checkpoints);
    await relay.start();
    await expect(relay.done).rejects.toBeInstanceOf(CheckpointBeyondStoreError);
    expect(relay.health()).toMatchObject({ ok: false, state: 'crashed', error: expect.stringMatching(/\(99\/99\).*\(12\/12\)/) });
    expect(eventIds).toEqual([]);
    expect(await checkpoints.load('relay')).toEqual({ commit: 99n, prepare: 99n });
    await relay.stop();
  });

  it('accepts a checkpoint at the last event and relays what comes after it', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    await checkpoints.save('relay', last.position);
    const { producer, eventIds } = producerThatWorks();
    const relay = relayOn(store, producer, checkpoints);
    await relay.start();
    await appendInterleaved(store, 'counter-late-', 1, 1);
    const [late] = await store.readStream('counter-late-0');
    await eventually(async () => (eventIds.length === 1 ? true : undefined), 'the event appended after the checkpoint');
    expect(eventIds).toEqual([late.id]);
    await relay.stop();
  });

  it('waits, not ready, while the store cannot be read at start, then relays everything', async () => {
    let down = true;
    let refusals = 0;
    const flaky = storeFailing(store, {
      readAll: () => (down && ++refusals ? new EventStoreUnavailableError('14 UNAVAILABLE: connect ECONNREFUSED') : undefined),
    });
    const checkpoints = new InMemoryCheckpointStore();
    await checkpoints.save('relay', { commit: 2n, prepare: 2n }); // so the start-up check reads the store
    const { producer, eventIds } = producerThatWorks();
    const relay = relayOn(flaky, producer, checkpoints);
    await relay.start();
    await eventually(async () => (refusals >= 3 ? true : undefined), 'three attempts to read the store');
    expect(relay.health()).toMatchObject({ ok: false, state: 'resubscribing', error: expect.stringContaining('unavailable') });
    expect(eventIds).toEqual([]);
    down = false;
    await eventually(async () => (eventIds.length === 10 ? true : undefined), 'the ten events after the checkpoint');
    expect(relay.health()).toMatchObject({ ok: true, state: 'publishing' });
    await relay.stop();
  });

  it('opens the subscription again after it failed, from the last event published: nothing lost, nothing twice', async () => {
    let failuresLeft = 2;
    const failing = storeFailing(store, {
      // Each of the first two subscriptions fails after delivering three events.
      subscriptionAfter: () => (failuresLeft-- > 0 ? 3 : undefined),
    });
    const { producer, eventIds } = producerThatWorks();
    const checkpoints = new InMemoryCheckpointStore();
    const relay = relayOn(failing, producer, checkpoints);
    await relay.start();
    const all = (await store.readAll()).map((event) => event.id);
    await eventually(async () => (eventIds.length >= all.length ? true : undefined), 'every event');
    expect(eventIds).toEqual(all);
    expect((await checkpoints.load('relay'))?.commit).toBe(12n);
    expect(relay.health()).toMatchObject({ ok: true, state: 'publishing' });
    await relay.stop();
  });
});

/** The store, with failures injected where a real store fails: reads refused, a subscription that breaks. */
function storeFailing(
  store: EventStore,
  faults: { readAll?: () => Error | undefined; subscriptionAfter?: () => number | undefined },
): EventStore {
  return {
    appendToStream: (...args) => store.appendToStream(...args),
    deleteStream: (...args) => store.deleteStream(...args),
    readStream: (...args) => store.readStream(...args),
    readAll: async (options) => {
      const fault = faults.readAll?.();
      if (fault) throw fault;
      return store.readAll(options);
    },
    subscribeToAll: (options) => {
      const inner = store.subscribeToAll(options);
      const failAfter = faults.subscriptionAfter?.();
      async function* deliver() {
        let delivered = 0;
        for await (const event of inner) {
          if (failAfter !== undefined && delivered === failAfter) throw new Error('SQLITE_IOERR: disk I/O error');
          yield event;
          delivered++;
        }
      }
      const iterator = deliver();
      return { [Symbol.asyncIterator]: () => iterator, unsubscribe: () => inner.unsubscribe() };
    },
    close: () => store.close(),
  };
}

describe('EventRelay under a lease another instance has taken over', () => {
  it('stops with crashed once its checkpoint is fenced by a newer token, leaving the newer checkpoint', async () => {
    const store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 10 });
    await appendInterleaved(store, 'counter-', 3, 2);
    const [first] = await store.readAll({ maxCount: 1 });
    const checkpoints = new InMemoryCheckpointStore();
    // The instance that took the lease over (token 2) saved first; this one still runs under token 1.
    await checkpoints.save('relay', first.position, 2);
    const { producer, bringUp } = producerOfABrokerThatIsDown();
    bringUp();
    const relay = new EventRelay({ name: 'relay', store, streamPrefixes: ['counter-'], toMessages: toTestMessages('topic'), producer, checkpoints, retryDelayMs: 5 });
    await relay.start({ fencingToken: 1 });
    await expect(relay.done).rejects.toThrow(CheckpointFencedError);
    expect(relay.health()).toMatchObject({ ok: false, state: 'crashed', error: expect.stringContaining('newer lease') });
    expect(formatPosition((await checkpoints.load('relay'))!)).toBe(formatPosition(first.position));
    await relay.stop();
    await store.close();
  });
});
