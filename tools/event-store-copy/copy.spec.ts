import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EventStore, EventToAppend, RecordedEvent, SqliteEventStore } from '@salon/shared/event-store';
import { compareStores, copyEventStore, TargetDiffersError } from './copy';

const directory = mkdtempSync(join(tmpdir(), 'event-store-copy-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let files = 0;
const file = (name: string) => join(directory, `${name}-${++files}.db`);

const event = (type: string, n: number): EventToAppend => ({
  id: randomUUID(),
  type,
  data: { n, note: 'zażółć', nested: { b: 2, a: [1, { y: true, x: null }] } },
  metadata: { tenantId: 'chain-1', correlationId: randomUUID(), causationId: randomUUID(), schemaVersion: 1, actorId: 'desk-1' },
});

/** Streams written in turns, some appends of several events, one stream deleted (it is not copied). */
async function sourceStore(path = file('source')): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ path });
  const streams = Array.from({ length: 6 }, (_, i) => `client-${i}-${randomUUID()}`);
  const revisions = new Map<string, bigint>();
  for (let turn = 0; turn < 40; turn++) {
    const streamName = streams[turn % streams.length];
    const events = turn % 5 === 0 ? [event('ClientRegistered', turn), event('ClientDiscountsSet', turn)] : [event('ClientProfileEdited', turn)];
    const current = revisions.get(streamName);
    const result = await store.appendToStream(streamName, events, { expectedRevision: current ?? 'no_stream' });
    revisions.set(streamName, result.nextExpectedRevision);
  }
  const reservation = `phone-reservation-${randomUUID()}`;
  await store.appendToStream(reservation, [event('PhoneReserved', 0)], { expectedRevision: 'no_stream' });
  await store.deleteStream(reservation, { expectedRevision: 0n });
  return store;
}

async function allOf(store: EventStore): Promise<RecordedEvent[]> {
  return store.readAll({ maxCount: 10_000 });
}

const essence = (events: readonly RecordedEvent[]) =>
  events.map(({ id, type, data, metadata, streamName, revision, createdAt }) => ({ id, type, data, metadata, streamName, revision, createdAt }));

/** A target that fails once, after `afterAppends` appends: before an append, or after it and before the copy saves its checkpoint. */
function crashingTarget(target: EventStore, afterAppends: number, when: 'before-append' | 'after-append'): EventStore {
  let appends = 0;
  return new Proxy(target, {
    get(store, property, receiver) {
      if (property !== 'appendToStream') return Reflect.get(store, property, receiver);
      return async (...args: Parameters<EventStore['appendToStream']>) => {
        if (++appends > afterAppends && when === 'before-append') throw new Error('crash');
        const result = await store.appendToStream(...args);
        if (appends > afterAppends) throw new Error('crash');
        return result;
      };
    },
  });
}

describe('copying an event store (npm run event-store:copy)', () => {
  it('copies every stream with its ids, types, data, metadata, order and first recording times, in the order of $all', async () => {
    const source = await sourceStore();
    const target = new SqliteEventStore({ path: file('target') });
    const report = await copyEventStore(source, target, { checkpointPath: `${file('checkpoint')}.json`, pageSize: 7 });
    const sourceEvents = await allOf(source);
    expect(report).toEqual({ copied: sourceEvents.length, skipped: 0, resumed: false });
    expect(essence(await allOf(target))).toEqual(essence(sourceEvents));
    expect(await compareStores(source, target)).toEqual({ streams: 6, sourceEvents: 48, targetEvents: 48, missing: [], different: [], extra: [] });
    await Promise.all([source.close(), target.close()]);
  });

  it.each(['before-append', 'after-append'] as const)('resumes after a crash %s, writing nothing twice', async (when) => {
    const source = await sourceStore();
    const targetPath = file('target');
    const checkpointPath = `${file('checkpoint')}.json`;
    const first = new SqliteEventStore({ path: targetPath });
    await expect(copyEventStore(source, crashingTarget(first, 9, when), { checkpointPath, pageSize: 5 })).rejects.toThrow('crash');
    await first.close();

    const target = new SqliteEventStore({ path: targetPath });
    const report = await copyEventStore(source, target, { checkpointPath, pageSize: 5 });
    expect(report.resumed).toBe(true);
    const sourceEvents = await allOf(source);
    const copied = await allOf(target);
    expect(copied.map((recorded) => recorded.id).sort()).toEqual(sourceEvents.map((recorded) => recorded.id).sort());
    expect(new Set(copied.map((recorded) => recorded.id)).size).toBe(copied.length);
    expect(await compareStores(source, target)).toMatchObject({ missing: [], different: [], extra: [] });
    // The append a crash after-append left behind was found, not written again.
    if (when === 'after-append') expect(report.skipped).toBeGreaterThan(0);
    await Promise.all([source.close(), target.close()]);
  });

  it('refuses a target whose streams hold other events, changing nothing there', async () => {
    const source = await sourceStore();
    const target = new SqliteEventStore({ path: file('target') });
    const [first] = await allOf(source);
    await target.appendToStream(first.streamName, [event('SomethingElse', 0), event('SomethingElse', 1)], { expectedRevision: 'no_stream' });
    await target.appendToStream(first.streamName, [event('SomethingElse', 2)], { expectedRevision: 1n });
    const copy = copyEventStore(source, target, { checkpointPath: `${file('checkpoint')}.json` });
    // The target's stream is at revision 2 already, with events of other ids at 0 and 1.
    await expect(copy).rejects.toBeInstanceOf(TargetDiffersError);
    await Promise.all([source.close(), target.close()]);
  });

  it('names the streams that differ, are missing or are only in the target', async () => {
    const source = await sourceStore();
    const target = new SqliteEventStore({ path: file('target') });
    await copyEventStore(source, target, { checkpointPath: `${file('checkpoint')}.json` });
    const streams = [...new Set((await allOf(source)).map((recorded) => recorded.streamName))];
    const [changed, gone] = streams;
    const [last] = await target.readStream(changed, { direction: 'backwards', maxCount: 1 });
    await target.appendToStream(changed, [event('ClientProfileEdited', 99)], { expectedRevision: last.revision });
    await target.deleteStream(gone, { expectedRevision: (await target.readStream(gone, { direction: 'backwards', maxCount: 1 }))[0].revision });
    await target.appendToStream('visit-only-there', [event('VisitBooked', 0)], { expectedRevision: 'no_stream' });
    expect(await compareStores(source, target)).toMatchObject({ missing: [gone], different: [changed], extra: ['visit-only-there'] });
    await Promise.all([source.close(), target.close()]);
  });

  it('runs as a command: copies, prints the comparison, exits 0; and exits 1 when a stream differs', async () => {
    const from = file('source');
    await (await sourceStore(from)).close();
    const to = file('target');
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['-r', '@swc-node/register', resolve(__dirname, 'run.ts'), '--from', from, '--to', to, ...args], {
        cwd: resolve(__dirname, '../..'),
        env: { ...process.env, NODE_OPTIONS: '--disable-warning=ExperimentalWarning' },
      });
    const { stdout, stderr } = await run();
    expect(stderr).toMatch(/copied 48 events/);
    expect(stdout).toMatch(/\| events \| 48 \| 48 \|/);
    expect(stdout).toMatch(/\| streams that differ \| {2}\| 0 \|/);

    const target = new SqliteEventStore({ path: to });
    const [anyEvent] = await allOf(target);
    const [last] = await target.readStream(anyEvent.streamName, { direction: 'backwards', maxCount: 1 });
    await target.appendToStream(anyEvent.streamName, [event('ClientProfileEdited', 100)], { expectedRevision: last.revision });
    await target.close();
    await expect(run('--verify-only')).rejects.toMatchObject({ code: 1, stdout: expect.stringMatching(/\| streams that differ \| {2}\| 1 \|/) });
  }, 60_000);
});
