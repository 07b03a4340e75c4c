import { PassThrough, Readable } from 'node:stream';
import * as esdb from '@eventstore/db-client';
import { EventSerialisationError, EventStoreUnavailableError, StreamDeletedError, WrongExpectedRevisionError } from './errors';
import { GlobalPosition, RecordedEvent, START } from './event-store.port';
import {
  EventStoreDbEventStore,
  isBeyond,
  isMissingPosition,
  isTransientEsdbError,
  isUserEvent,
  matchesStreamPrefixes,
  readAllStartFor,
  subscriptionStartFor,
  toActualRevision,
  toEsdbExpectedRevision,
  toEventData,
  toPortError,
  toRecordedEvent,
  RECORDED_AT,
} from './eventstoredb-event-store';

// These tests need no server: the pure translations are tested directly, and the adapter's own
// logic (exclusive bounds, filtering, error mapping) against client methods replaced by fakes.

const at = (n: number): GlobalPosition => ({ commit: BigInt(n), prepare: BigInt(n) });
const metadata = { tenantId: 't-1', correlationId: 'c-1', causationId: 'k-1', schemaVersion: 1 };

function esdbEvent(overrides: Partial<esdb.JSONRecordedEvent> & { position?: esdb.Position } = {}): esdb.JSONRecordedEvent {
  return {
    streamId: 'client-1',
    id: '0d4b7c3e-5a1f-4c43-9d8e-2f0a6b1c7e90',
    isJson: true,
    revision: 0n,
    type: 'ClientRegistered',
    created: new Date('2025-01-02T03:04:05.000Z'),
    data: { n: 1 },
    metadata,
    position: at(10),
    ...overrides,
  } as esdb.JSONRecordedEvent;
}

describe('EventStoreDB translations', () => {
  it('translates every expected revision', () => {
    expect(toEsdbExpectedRevision('no_stream')).toBe(esdb.NO_STREAM);
    expect(toEsdbExpectedRevision('stream_exists')).toBe(esdb.STREAM_EXISTS);
    expect(toEsdbExpectedRevision('any')).toBe(esdb.ANY);
    expect(toEsdbExpectedRevision(7n)).toBe(7n);
  });

  it('reads the actual revision of a conflict, missing streams included', () => {
    expect(toActualRevision('no_stream')).toBe('no_stream');
    expect(toActualRevision(-1n)).toBe('no_stream');
    expect(toActualRevision(0n)).toBe(0n);
    expect(toActualRevision(42n)).toBe(42n);
  });

  it('starts reads of $all at the right end, or nowhere before the start', () => {
    expect(readAllStartFor('forwards', undefined)).toBe(esdb.START);
    expect(readAllStartFor('forwards', START)).toBe(esdb.START);
    expect(readAllStartFor('forwards', at(5))).toEqual({ commit: 5n, prepare: 5n });
    expect(readAllStartFor('backwards', undefined)).toBe(esdb.END);
    expect(readAllStartFor('backwards', START)).toBeUndefined();
    expect(readAllStartFor('backwards', { commit: 9n, prepare: 8n })).toEqual({ commit: 9n, prepare: 8n });
  });

  it('starts subscriptions at the start or at the checkpoint', () => {
    expect(subscriptionStartFor(undefined)).toBe(esdb.START);
    expect(subscriptionStartFor(START)).toBe(esdb.START);
    expect(subscriptionStartFor(at(3))).toEqual({ commit: 3n, prepare: 3n });
  });

  it('treats `after` as an exclusive bound in both directions', () => {
    expect(isBeyond(at(5), undefined, 'forwards')).toBe(true);
    expect(isBeyond(at(5), at(5), 'forwards')).toBe(false);
    expect(isBeyond(at(6), at(5), 'forwards')).toBe(true);
    expect(isBeyond({ commit: 5n, prepare: 6n }, at(5), 'forwards')).toBe(true);
    expect(isBeyond(at(5), at(5), 'backwards')).toBe(false);
    expect(isBeyond(at(4), at(5), 'backwards')).toBe(true);
    expect(isBeyond(undefined, at(5), 'forwards')).toBe(false);
  });

  it('recognises system streams and system event types', () => {
    expect(isUserEvent({ streamId: 'client-1', type: 'ClientRegistered' })).toBe(true);
    expect(isUserEvent({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(false);
    expect(isUserEvent({ streamId: '$$client-1', type: '$metadata' })).toBe(false);
    expect(isUserEvent({ streamId: 'client-1', type: '$>' })).toBe(false);
  });

  it('matches stream prefixes, and everything when none are given', () => {
    expect(matchesStreamPrefixes('client-1', undefined)).toBe(true);
    expect(matchesStreamPrefixes('client-1', [])).toBe(true);
    expect(matchesStreamPrefixes('client-1', ['visit-', 'client-'])).toBe(true);
    expect(matchesStreamPrefixes('visit-1', ['client-'])).toBe(false);
  });

  it('appends JSON events with our id and metadata', () => {
    const data = toEventData('s', { id: 'id-1', type: 'ClientRegistered', data: { n: 1 }, metadata });
    expect(data).toEqual({ id: 'id-1', contentType: 'application/json', type: 'ClientRegistered', data: { n: 1 }, metadata });
  });

  it('refuses data that is not JSON before the client sees it, naming the event', () => {
    expect(() => toEventData('s', { id: 'id-1', type: 'T', data: { n: 1n }, metadata })).toThrow(EventSerialisationError);
    expect(() => toEventData('s', { id: 'id-1', type: 'T', data: { n: 1n }, metadata })).toThrow(/data of event id-1 \(T\).*BigInt/);
  });

  it('knows the positions the server sends for "no position"', () => {
    expect(isMissingPosition(undefined)).toBe(true);
    expect(isMissingPosition({ commit: 0n, prepare: 0n })).toBe(true); // protobuf defaults
    expect(isMissingPosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n })).toBe(true); // the server's -1
    expect(isMissingPosition({ commit: 1_024n, prepare: 1_024n })).toBe(false);
  });

  it("maps the client's errors to the port's", () => {
    const unavailable = toPortError(new esdb.UnavailableError());
    expect(unavailable).toBeInstanceOf(EventStoreUnavailableError);
    const rawGrpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    expect(toPortError(rawGrpc)).toBeInstanceOf(EventStoreUnavailableError);
    expect(toPortError(new esdb.DeadlineExceededError())).toBeInstanceOf(EventStoreUnavailableError);
    expect(toPortError(new esdb.StreamDeletedError(undefined, 'client-1'))).toEqual(new StreamDeletedError('client-1'));
    const denied = new esdb.AccessDeniedError();
    expect(toPortError(denied)).toBe(denied);
    const leaderElsewhere = { metadata: { getMap: () => ({ 'leader-endpoint-host': 'node-2', 'leader-endpoint-port': '2113' }) } };
    expect(isTransientEsdbError(new esdb.NotLeaderError(leaderElsewhere as never))).toBe(true);
  });

  it('maps a recorded event, with its position and creation time', () => {
    expect(toRecordedEvent(esdbEvent({ revision: 3n, position: { commit: 20n, prepare: 19n } }))).toEqual({
      id: '0d4b7c3e-5a1f-4c43-9d8e-2f0a6b1c7e90',
      type: 'ClientRegistered',
      data: { n: 1 },
      metadata,
      streamName: 'client-1',
      revision: 3n,
      position: { commit: 20n, prepare: 19n },
      createdAt: new Date('2025-01-02T03:04:05.000Z'),
    });
  });

  it("keeps a copied event's first recording time: written into its metadata, read back as createdAt, stripped from the metadata", () => {
    const recordedAt = new Date('2024-03-04T05:06:07.000Z');
    const written = toEventData('client-1', { id: 'id-1', type: 'ClientRegistered', data: { n: 1 }, metadata, recordedAt });
    expect(written.metadata).toEqual({ ...metadata, [RECORDED_AT]: '2024-03-04T05:06:07.000Z' });
    const read = toRecordedEvent(esdbEvent({ metadata: written.metadata }));
    expect(read.createdAt).toEqual(recordedAt);
    expect(read.metadata).toEqual(metadata);
  });

  it('refuses events it cannot represent faithfully', () => {
    expect(() => toRecordedEvent(esdbEvent({ position: undefined }))).toThrow(/22\.6 or later/);
    expect(() => toRecordedEvent(esdbEvent({ metadata: undefined }))).toThrow(/no JSON metadata/);
    const binary = { ...esdbEvent(), isJson: false, data: new Uint8Array([1]) } as unknown as esdb.RecordedEvent;
    expect(() => toRecordedEvent(binary)).toThrow(/not JSON/);
  });
});

describe('EventStoreDbEventStore against a faked client', () => {
  const client = esdb.EventStoreDBClient.prototype;
  let store: EventStoreDbEventStore;

  beforeEach(() => {
    store = EventStoreDbEventStore.connect('esdb://127.0.0.1:1?tls=false');
  });
  afterEach(async () => {
    await store.close();
    jest.restoreAllMocks();
  });

  const fakeRead = <E>(items: readonly E[]) => {
    const read = Object.assign(Readable.from(items), { cancel: jest.fn(async () => undefined) });
    return read as typeof read & esdb.StreamingRead<E>;
  };
  const resolved = (event: esdb.JSONRecordedEvent): esdb.AllStreamResolvedEvent => ({
    event: event as esdb.AllStreamJSONRecordedEvent,
  });

  it('maps a wrong expected version to our error with the actual revision', async () => {
    const conflict = new esdb.WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n });
    jest.spyOn(client, 'appendToStream').mockRejectedValue(conflict);
    const append = store.appendToStream('s', [{ id: 'a', type: 'T', data: {}, metadata }], { expectedRevision: 1n });
    await expect(append).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(append).rejects.toMatchObject({ streamName: 's', expectedRevision: 1n, actualRevision: 2n });
  });

  it('reports a missing stream in a conflict as no_stream', async () => {
    const conflict = new esdb.WrongExpectedVersionError(undefined, {
      streamName: 's',
      expected: 'stream_exists',
      current: 'no_stream',
    });
    jest.spyOn(client, 'appendToStream').mockRejectedValue(conflict);
    const append = store.appendToStream('s', [{ id: 'a', type: 'T', data: {}, metadata }], { expectedRevision: 'stream_exists' });
    await expect(append).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', actualRevision: 'no_stream' });
  });

  it('appends with a deadline of five minutes, which the server caps with its write timeout (clock skew)', async () => {
    const append = jest.spyOn(client, 'appendToStream').mockResolvedValue({ success: true, nextExpectedRevision: 0n, position: at(5) });
    await store.appendToStream('s', [{ id: 'a', type: 'T', data: {}, metadata }], { expectedRevision: 'no_stream' });
    expect(append).toHaveBeenCalledWith('s', expect.any(Array), { expectedRevision: esdb.NO_STREAM, deadline: 300_000 });
  });

  it('reads the actual revision of a conflict the client reported as a result (throwOnAppendFailure=false)', async () => {
    jest.spyOn(client, 'appendToStream').mockResolvedValue({ success: false, nextExpectedRevision: 1n, position: undefined });
    jest.spyOn(client, 'readStream').mockReturnValue(fakeRead([{ event: esdbEvent({ revision: 7n }) }]));
    const append = store.appendToStream('s', [{ id: 'a', type: 'T', data: {}, metadata }], { expectedRevision: 3n });
    await expect(append).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', expectedRevision: 3n, actualRevision: 7n });
  });

  it('reads the position back when the server answers an append without one', async () => {
    jest.spyOn(client, 'appendToStream').mockResolvedValue({ success: true, nextExpectedRevision: 1n, position: undefined });
    const readStream = jest
      .spyOn(client, 'readStream')
      .mockReturnValue(fakeRead([{ event: esdbEvent({ revision: 1n, position: at(77) }) }]));
    const result = await store.appendToStream('s', [{ id: 'a', type: 'T', data: {}, metadata }], { expectedRevision: 'any' });
    expect(result).toEqual({ nextExpectedRevision: 1n, position: at(77) });
    expect(readStream).toHaveBeenCalledWith('s', expect.objectContaining({ fromRevision: 1n, maxCount: 1 }));
  });

  it('reads a missing stream as empty', async () => {
    const failing = new Readable({
      objectMode: true,
      read() {
        this.destroy(new esdb.StreamNotFoundError(undefined, 'missing'));
      },
    });
    jest.spyOn(client, 'readStream').mockReturnValue(Object.assign(failing, { cancel: async () => undefined }));
    expect(await store.readStream('missing')).toEqual([]);
  });

  it('reads $all strictly after the position, skipping system events and other streams, up to maxCount', async () => {
    const readAll = jest.spyOn(client, 'readAll').mockReturnValue(
      fakeRead([
        resolved(esdbEvent({ streamId: 'client-1', position: at(10), data: { n: 0 } })), // exactly `after`
        resolved(esdbEvent({ streamId: '$stats-node', type: '$statsCollected', position: at(11) })),
        resolved(esdbEvent({ streamId: 'visit-1', position: at(12) })),
        resolved(esdbEvent({ streamId: 'client-2', position: at(13), data: { n: 1 } })),
        resolved(esdbEvent({ streamId: 'client-1', position: at(14), data: { n: 2 } })),
        resolved(esdbEvent({ streamId: 'client-3', position: at(15), data: { n: 3 } })),
      ]),
    );
    const events = await store.readAll({ after: at(10), streamPrefixes: ['client-'], maxCount: 2 });
    expect(events.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(readAll).toHaveBeenCalledWith({ direction: esdb.FORWARDS, fromPosition: at(10) });
    expect(readAll.mock.results[0].value.cancel).toHaveBeenCalled();
  });

  it('cancels the read of $all when an event cannot be mapped, instead of leaving it reading', async () => {
    const binary = { ...esdbEvent({ position: at(11) }), isJson: false, data: new Uint8Array([1]) } as unknown as esdb.JSONRecordedEvent;
    const readAll = jest.spyOn(client, 'readAll').mockReturnValue(fakeRead([resolved(binary), resolved(esdbEvent({ position: at(12) }))]));
    await expect(store.readAll()).rejects.toThrow(/not JSON/);
    expect(readAll.mock.results[0].value.cancel).toHaveBeenCalled();
  });

  it('reads $all backwards from the end by default', async () => {
    const readAll = jest
      .spyOn(client, 'readAll')
      .mockReturnValue(fakeRead([resolved(esdbEvent({ streamId: '$x', type: '$y' })), resolved(esdbEvent({ position: at(9) }))]));
    const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    expect(last.position).toEqual(at(9));
    expect(readAll).toHaveBeenCalledWith({ direction: esdb.BACKWARDS, fromPosition: esdb.END });
  });

  describe('subscriptions', () => {
    function fakeSubscription() {
      const source = new PassThrough({ objectMode: true });
      const unsubscribe = jest.fn(async () => undefined);
      const subscription = Object.assign(source, { unsubscribe });
      jest.spyOn(client, 'subscribeToAll').mockReturnValue(subscription as unknown as esdb.AllStreamSubscription);
      return subscription;
    }

    it('delivers events after the checkpoint once, skipping system events, then ends on unsubscribe', async () => {
      const source = fakeSubscription();
      const subscription = store.subscribeToAll({ after: at(10), streamPrefixes: ['client-'] });
      const seen: RecordedEvent[] = [];
      const consumed = (async () => {
        for await (const event of subscription) seen.push(event);
      })();
      source.write(resolved(esdbEvent({ position: at(10) })));
      source.write(resolved(esdbEvent({ streamId: '$$client-1', type: '$metadata', position: at(11) })));
      source.write(resolved(esdbEvent({ position: at(12), data: { n: 1 } })));
      source.write(resolved(esdbEvent({ position: at(12), data: { n: 1 } }))); // a repeat must not be delivered twice
      source.write(resolved(esdbEvent({ position: at(13), data: { n: 2 } })));
      await waitUntil(() => seen.length === 2);
      await subscription.unsubscribe(); // while the consumer waits for live events
      await consumed;
      expect(seen.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(source.unsubscribe).toHaveBeenCalledTimes(1);
      await subscription.unsubscribe(); // a second call is harmless
    });

    it('subscribes with a server-side prefix filter from the checkpoint once it is read', async () => {
      fakeSubscription();
      const subscription = store.subscribeToAll({ after: at(5), streamPrefixes: ['client-'] });
      void subscription[Symbol.asyncIterator]().next();
      await waitUntil(() => jest.mocked(client.subscribeToAll).mock.calls.length > 0);
      expect(client.subscribeToAll).toHaveBeenCalledWith({
        fromPosition: at(5),
        filter: expect.objectContaining({ filterOn: esdb.STREAM_NAME, prefixes: ['client-'] }),
      });
    });

    it('ends the subscriptions still open when the store closes', async () => {
      const source = fakeSubscription();
      const subscription = store.subscribeToAll();
      const consumed = (async () => {
        for await (const _event of subscription) void _event;
      })();
      await store.close();
      await consumed;
      expect(source.unsubscribe).toHaveBeenCalled();
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
