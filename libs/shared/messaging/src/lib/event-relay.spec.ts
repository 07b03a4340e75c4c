import type { Producer, ProducerBatch } from 'kafkajs';
import { SqliteEventStore, formatPosition } from '@salon/shared/event-store';
import { eventually } from '@salon/shared/testing';
import { appendInterleaved, toTestMessages } from '../testing/fixtures';
import { InMemoryCheckpointStore } from './checkpoint-store';
import { EventRelay } from './event-relay';

/** A producer whose broker is down until `bringUp()` (failing as kafkajs does once its own retries are spent). */
function producerOfABrokerThatIsDown() {
  const sent: ProducerBatch[] = [];
  let calls = 0;
  let up = false;
  const producer = {
    sendBatch: async (batch: ProducerBatch) => {
      calls += 1;
      if (!up) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:19092');
      sent.push(batch);
      return [];
    },
  } as unknown as Producer;
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
