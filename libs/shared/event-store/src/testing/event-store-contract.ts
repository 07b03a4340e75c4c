import { randomUUID } from 'node:crypto';
import { EventSerialisationError, WrongExpectedRevisionError } from '../lib/errors';
import { EventStore, EventToAppend, GlobalPosition, RecordedEvent, comparePositions } from '../lib/event-store.port';

/**
 * The behaviour every EventStore adapter must have. Each adapter's spec calls this with a
 * factory that opens a store on the same underlying storage every time it is called, so
 * that "restart" means closing one instance and opening another.
 */
export function eventStoreContract(adapterName: string, openStore: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    // Unique per run, so the suite can run against a long-lived server.
    const run = randomUUID().slice(0, 8);
    const stream = (name: string) => `contract${run}_${name}-${randomUUID()}`;

    beforeEach(async () => {
      store = await openStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('append with an expected revision', () => {
      it("reads an event's recordedAt back as its createdAt (a copy between stores keeps the first time), and now without it", async () => {
        const name = stream('client');
        const recordedAt = new Date('2024-03-04T05:06:07.000Z');
        const before = Date.now();
        await store.appendToStream(name, [anEvent({ recordedAt }), anEvent()], { expectedRevision: 'no_stream' });
        const [copied, fresh] = await store.readStream(name);
        expect(copied.createdAt).toEqual(recordedAt);
        expect(copied.metadata).toEqual(expect.not.objectContaining({ $recordedAt: expect.anything() }));
        expect(fresh.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
      });

      it('creates a stream with no_stream and refuses a second no_stream', async () => {
        const name = stream('client');
        const result = await store.appendToStream(name, [anEvent()], { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(0n);
        await expect(store.appendToStream(name, [anEvent()], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
      });

      it('appends at the exact revision and refuses a stale one, changing nothing', async () => {
        const name = stream('client');
        await store.appendToStream(name, [anEvent(), anEvent()], { expectedRevision: 'no_stream' });
        const result = await store.appendToStream(name, [anEvent()], { expectedRevision: 1n });
        expect(result.nextExpectedRevision).toBe(2n);
        const stale = store.appendToStream(name, [anEvent()], { expectedRevision: 1n });
        await expect(stale).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', actualRevision: 2n });
        expect(await store.readStream(name)).toHaveLength(3);
      });

      it('appends with any, and refuses stream_exists on a missing stream', async () => {
        const name = stream('client');
        await expect(store.appendToStream(name, [anEvent()], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await store.appendToStream(name, [anEvent()], { expectedRevision: 'any' });
        const result = await store.appendToStream(name, [anEvent()], { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1n);
      });

      it('lets exactly one of two concurrent appends at the same revision win', async () => {
        const name = stream('client');
        await store.appendToStream(name, [anEvent()], { expectedRevision: 'no_stream' });
        const attempts = await Promise.allSettled([
          store.appendToStream(name, [anEvent({ type: 'A' })], { expectedRevision: 0n }),
          store.appendToStream(name, [anEvent({ type: 'B' })], { expectedRevision: 0n }),
        ]);
        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        const rejected = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
        expect(rejected).toHaveLength(1);
        expect(rejected[0].reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(name)).toHaveLength(2);
      });

    });

    // What the port promises about retries, which is EventStoreDB's own rule (see appendToStream).
    describe('idempotent retries', () => {
      // Only the revision is compared: for an append of several events EventStoreDB answers a
      // retry with the last event's position, which need not be the position it gave the first time.
      it('stores a retry of the same ids with no_stream once, answering with the same revision', async () => {
        const name = stream('client');
        const events = [anEvent(), anEvent()];
        const first = await store.appendToStream(name, events, { expectedRevision: 'no_stream' });
        const retry = await store.appendToStream(name, events, { expectedRevision: 'no_stream' });
        expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect((await store.readStream(name)).map((e) => e.id)).toEqual(events.map((e) => e.id));
      });

      it('stores a retry of the same ids at the same exact revision once, also after a restart and once others appended', async () => {
        const name = stream('client');
        await store.appendToStream(name, [anEvent()], { expectedRevision: 'no_stream' });
        const events = [anEvent(), anEvent()];
        const first = await store.appendToStream(name, events, { expectedRevision: 0n });
        await store.appendToStream(name, [anEvent()], { expectedRevision: 2n });
        await store.close();
        store = await openStore();
        const retry = await store.appendToStream(name, events, { expectedRevision: 0n });
        expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(await store.readStream(name)).toHaveLength(4);
      });

      it('stores the same ids again when they come at the stream\'s current revision', async () => {
        const name = stream('client');
        const events = [anEvent()];
        await store.appendToStream(name, events, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream(name, events, { expectedRevision: 0n });
        expect(again.nextExpectedRevision).toBe(1n);
        expect((await store.readStream(name)).map((e) => e.id)).toEqual([events[0].id, events[0].id]);
      });

      it('refuses a retry that matches only part of what was stored, as a conflict, appending nothing', async () => {
        const name = stream('client');
        const [a, b] = [anEvent(), anEvent()];
        await store.appendToStream(name, [a, b], { expectedRevision: 'no_stream' });
        const longer = store.appendToStream(name, [a, b, anEvent()], { expectedRevision: 'no_stream' });
        await expect(longer).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', actualRevision: 1n });
        const diverging = store.appendToStream(name, [a, anEvent()], { expectedRevision: 'no_stream' });
        await expect(diverging).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(name)).map((e) => e.id)).toEqual([a.id, b.id]);
      });
    });

    describe('what is not JSON', () => {
      it('refuses data or metadata that is not JSON with a clear error, appending nothing', async () => {
        const name = stream('client');
        const cyclic: Record<string, unknown> = {};
        cyclic['self'] = cyclic;
        const refusals = [
          anEvent({ data: { amount: 10n } }),
          anEvent({ data: cyclic }),
          anEvent({ data: undefined }),
          anEvent({ metadata: { ...anEvent().metadata, actorId: 1n as unknown as string } }),
        ];
        for (const bad of refusals) {
          const append = store.appendToStream(name, [anEvent(), bad], { expectedRevision: 'no_stream' });
          await expect(append).rejects.toBeInstanceOf(EventSerialisationError);
          await expect(append).rejects.toMatchObject({ eventId: bad.id, eventType: bad.type });
        }
        expect(await store.readStream(name)).toEqual([]);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards, from a revision, with a limit', async () => {
        const name = stream('client');
        const events = [1, 2, 3, 4, 5].map((n) => anEvent({ data: { n } }));
        await store.appendToStream(name, events, { expectedRevision: 'no_stream' });

        const forwards = await store.readStream(name);
        expect(forwards.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
        expect(forwards.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(forwards.every((e) => e.streamName === name)).toBe(true);

        const page = await store.readStream(name, { fromRevision: 1n, maxCount: 2 });
        expect(page.map((e) => e.revision)).toEqual([1n, 2n]);

        const backwards = await store.readStream(name, { direction: 'backwards', maxCount: 2 });
        expect(backwards.map((e) => e.revision)).toEqual([4n, 3n]);
        const lastBeforeThree = await store.readStream(name, { direction: 'backwards', fromRevision: 2n, maxCount: 1 });
        expect(lastBeforeThree.map((e) => e.revision)).toEqual([2n]);
      });

      it('reads a missing stream as empty', async () => {
        expect(await store.readStream(stream('missing'))).toEqual([]);
      });

      it('round-trips data and metadata (tenant, correlation, causation, schema version)', async () => {
        const name = stream('client');
        const event = anEvent({
          data: { firstName: 'Zoë', nested: { list: [1, 'two', null] } },
          metadata: {
            tenantId: 'chain-42',
            correlationId: 'corr-1',
            causationId: 'cause-1',
            schemaVersion: 3,
            actorId: 'user-7',
            salonId: 'salon-3',
          },
        });
        await store.appendToStream(name, [event], { expectedRevision: 'no_stream' });
        const [recorded] = await store.readStream(name);
        expect(recorded).toMatchObject({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
        expect(recorded.createdAt).toBeInstanceOf(Date);
      });

      it('reads $all in global order, filtered by stream prefix', async () => {
        const prefix = `contract${run}_all${randomUUID().slice(0, 8)}-`;
        const other = `contract${run}_other${randomUUID().slice(0, 8)}-`;
        const start = await lastPositionOf(store);
        await store.appendToStream(`${prefix}a`, [anEvent({ data: { n: 1 } })], { expectedRevision: 'any' });
        await store.appendToStream(`${other}x`, [anEvent({ data: { n: 99 } })], { expectedRevision: 'any' });
        await store.appendToStream(`${prefix}b`, [anEvent({ data: { n: 2 } })], { expectedRevision: 'any' });
        await store.appendToStream(`${prefix}a`, [anEvent({ data: { n: 3 } })], { expectedRevision: 'any' });

        const all = await store.readAll({ after: start, streamPrefixes: [prefix] });
        expect(all.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
        expectIncreasingPositions(all);

        const both = await store.readAll({ after: start, streamPrefixes: [prefix, other] });
        expect(both.map((e) => (e.data as { n: number }).n)).toEqual([1, 99, 2, 3]);

        const backwards = await store.readAll({ direction: 'backwards', streamPrefixes: [prefix], maxCount: 2 });
        expect(backwards.map((e) => (e.data as { n: number }).n)).toEqual([3, 2]);
      });
    });

    describe('deleting a stream', () => {
      it('removes a stream at the expected revision, after which it reads empty and can start again', async () => {
        const name = stream('reservation');
        const { nextExpectedRevision } = await store.appendToStream(name, [anEvent(), anEvent()], { expectedRevision: 'no_stream' });
        await store.deleteStream(name, { expectedRevision: nextExpectedRevision });
        expect(await store.readStream(name)).toEqual([]);
        const restarted = anEvent({ type: 'Restarted' });
        await store.appendToStream(name, [restarted], { expectedRevision: 'no_stream' });
        expect((await store.readStream(name)).map((event) => event.id)).toEqual([restarted.id]);
      });

      it('refuses to delete a stream that moved on since it was read, removing nothing', async () => {
        const name = stream('reservation');
        await store.appendToStream(name, [anEvent()], { expectedRevision: 'no_stream' });
        await store.appendToStream(name, [anEvent()], { expectedRevision: 0n });
        await expect(store.deleteStream(name, { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(name)).toHaveLength(2);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers every later event once, in order, then live events, and resumes from a checkpoint', async () => {
        const prefix = `contract${run}_sub${randomUUID().slice(0, 8)}-`;
        const start = await lastPositionOf(store);
        for (let i = 0; i < 5; i++) {
          await store.appendToStream(`${prefix}${i % 2}`, [anEvent({ data: { n: i } })], { expectedRevision: 'any' });
        }

        // First run: catch up on 5 stored events, then receive 3 live ones, then "crash".
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({ after: start, streamPrefixes: [prefix] });
        const consumed = (async () => {
          for await (const event of subscription) {
            seen.push(event);
            if (seen.length === 8) break;
          }
        })();
        await waitUntil(() => seen.length >= 5);
        for (let i = 5; i < 8; i++) {
          await store.appendToStream(`${prefix}${i % 2}`, [anEvent({ data: { n: i } })], { expectedRevision: 'any' });
        }
        await consumed;
        expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expectIncreasingPositions(seen);
        const checkpoint = seen[seen.length - 1].position;

        // Restart: a new store instance, events appended while nobody listened, resume after the checkpoint.
        await store.close();
        store = await openStore();
        await store.appendToStream(`${prefix}0`, [anEvent({ data: { n: 8 } })], { expectedRevision: 'any' });
        await store.appendToStream(`${prefix}1`, [anEvent({ data: { n: 9 } })], { expectedRevision: 'any' });
        const resumed: number[] = [];
        const second = store.subscribeToAll({ after: checkpoint, streamPrefixes: [prefix] });
        for await (const event of second) {
          resumed.push((event.data as { n: number }).n);
          if (resumed.length === 2) break;
        }
        await second.unsubscribe();
        expect(resumed).toEqual([8, 9]);
      });
    });
  });
}

export function anEvent(overrides: Partial<EventToAppend> = {}): EventToAppend {
  return {
    id: randomUUID(),
    type: 'ContractEventHappened',
    data: { value: randomUUID() },
    metadata: { tenantId: 'tenant-a', correlationId: randomUUID(), causationId: randomUUID(), schemaVersion: 1 },
    ...overrides,
  };
}

async function lastPositionOf(store: EventStore): Promise<GlobalPosition | undefined> {
  const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
  return last?.position;
}

function expectIncreasingPositions(events: readonly RecordedEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    expect(comparePositions(events[i - 1].position, events[i].position)).toBe(-1);
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for the subscription');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
