import { EventStore, EventStoreUnavailableError, SqliteEventStore } from '@salon/shared/event-store';
import { eventually } from '@salon/shared/testing';
import { appendInterleaved } from '../testing/fixtures';
import { InMemoryCheckpointStore } from './checkpoint-store';
import { EventStoreFollowUp } from './event-store-follow-up';

describe('EventStoreFollowUp while the event store cannot be read', () => {
  let store: SqliteEventStore;
  let followUp: EventStoreFollowUp | undefined;

  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    await appendInterleaved(store, 'counter-', 2, 2);
  });
  afterEach(async () => {
    await followUp?.stop();
    await store.close();
  });

  it('keeps retrying, reports itself stalled once failing for stallAfterMs, and is ready again when the store answers', async () => {
    let down = true;
    const unreachable: EventStore = {
      appendToStream: (...args) => store.appendToStream(...args),
      deleteStream: (...args) => store.deleteStream(...args),
      readStream: (...args) => store.readStream(...args),
      subscribeToAll: (...args) => store.subscribeToAll(...args),
      close: () => store.close(),
      readAll: async (options) => {
        if (down) throw new EventStoreUnavailableError('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:2113');
        return store.readAll(options);
      },
    };
    const handled: string[] = [];
    followUp = new EventStoreFollowUp({
      name: 'follow-up',
      store: unreachable,
      checkpoints: new InMemoryCheckpointStore(),
      streamPrefixes: ['counter-'],
      handle: async (event) => {
        handled.push(event.id);
        return 'done';
      },
      pollIntervalMs: 5,
      maxBackoffMs: 20,
      stallAfterMs: 60_000,
    });
    await followUp.start();
    await eventually(async () => ((followUp?.health().failedAttempts ?? 0) >= 2 ? true : undefined), 'two failed attempts', { intervalMs: 5 });
    const failing = followUp.health();
    expect(failing).toMatchObject({ ok: true, state: 'running', lastError: expect.stringContaining('unavailable') });
    expect(followUp.health(Date.now() + 60_000)).toMatchObject({ ok: false, state: 'stalled' });

    down = false;
    await eventually(async () => (handled.length === 4 ? true : undefined), 'the four events', { intervalMs: 5 });
    await eventually(async () => (followUp?.health().lastError === undefined ? true : undefined), 'the recovery', { intervalMs: 5 });
    expect(followUp.health(Date.now() + 60_000)).toMatchObject({ ok: true, state: 'running', failedAttempts: 0 });
  });
});
