import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagingClient } from './messaging-port';
import mongoose, { Connection } from 'mongoose';
import { SqliteEventStore } from '@salon/shared/event-store';
import { collectionHash, eventually, mongoUrl, uniqueName } from '@salon/shared/testing';
import { appendInterleaved, counterProjection, toTestMessages } from '../testing/fixtures';
import { ProjectionRunner } from './projection-runner';
import { ReadModelRetirement } from './read-model-retirement';
import { ReadModelVersions } from './read-model-versions';
import { RebuildOptions, rebuildProjection, replayProjection } from './rebuild-projection';

const HOUR_MS = 3_600_000;

describe('superseded read-model versions (rebuild, grace period, drop)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'retire-'));
  const name = uniqueName('retired').replace(/-/g, '_');
  const logical = `${name}_counters`;
  const topic = 'retire-topic';
  let store: SqliteEventStore;
  let mongo: Connection;
  let versions: ReadModelVersions;
  let options: RebuildOptions;

  const collectionNames = async () => ((await mongo.db?.listCollections({}, { nameOnly: true }).toArray()) ?? []).map((c) => c.name);

  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl(uniqueName('retire'))).asPromise();
    versions = new ReadModelVersions(mongo);
    store = new SqliteEventStore({ path: join(directory, 'events.db') });
    await appendInterleaved(store, 'counter-', 20, 3);
    const projection = counterProjection(name, topic);
    // write() needs no broker.
    options = { projection, runner: new ProjectionRunner(projection, {} as MessagingClient, mongo), store, mongo, streamPrefixes: ['counter-'], toMessages: toTestMessages(topic) };
    // The live read model, version 1.
    await replayProjection(options);
  });
  afterAll(async () => {
    await store.close();
    await mongo.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps the replaced version readable during the grace period and drops it once the period is over', async () => {
    const live = await collectionHash(mongo, `${logical}_v1`);
    expect((await rebuildProjection(options)).version).toBe(2);
    // A rebuild under way (or one that failed) above the active version is no superseded version.
    await mongo.collection(`${logical}_v7`).insertOne({ _id: 'half-built' } as never);

    const existing = await versions.existing(logical);
    expect(existing).toMatchObject({ active: `${logical}_v2`, superseded: [`${logical}_v1`] });
    if (!existing.switchedAt) throw new Error('the rebuild recorded no switch time');
    const switchedAt = existing.switchedAt.getTime();
    const graceMs = 10 * 60_000;

    // A reader that resolved version 1 just before the switch still reads all of it.
    expect(await versions.retireSuperseded([logical], graceMs, new Date(switchedAt + graceMs - 1))).toEqual([]);
    expect(await collectionHash(mongo, `${logical}_v1`)).toEqual(live);

    expect(await versions.retireSuperseded([logical], graceMs, new Date(switchedAt + graceMs))).toEqual([`${logical}_v1`]);
    const names = await collectionNames();
    expect(names).not.toContain(`${logical}_v1`);
    expect(names).toEqual(expect.arrayContaining([`${logical}_v2`, `${logical}_v7`]));
    expect(await collectionHash(mongo, `${logical}_v2`)).toEqual(live);
    expect(await versions.existing(logical)).toMatchObject({ superseded: [] });
    await mongo.dropCollection(`${logical}_v7`);
  });

  it('as a worker, drops what the next rebuild replaced once READ_MODEL_RETIRE_AFTER_SECONDS have passed, and never the active version', async () => {
    // A long grace period: nothing goes while it lasts.
    const patient = new ReadModelRetirement({ name: 'patient', mongo, collections: [logical], retireAfterMs: HOUR_MS });
    const rebuilt = await rebuildProjection(options);
    expect(rebuilt.version).toBe(3);
    expect(await patient.sweep()).toEqual([]);
    expect(await collectionNames()).toContain(`${logical}_v2`);

    const retirement = new ReadModelRetirement({ name: 'quick', mongo, collections: [logical], retireAfterMs: 300 });
    await retirement.start();
    try {
      await eventually(async () => ((await collectionNames()).includes(`${logical}_v2`) ? undefined : true), 'version 2 to be dropped', { timeoutMs: 15_000 });
      // The sweep counts what it dropped once its pass is over, a moment after the drop itself.
      await eventually(async () => (retirement.health().retired >= 1 ? true : undefined), 'the sweep to count the drop', { timeoutMs: 15_000 });
      expect(retirement.health()).toMatchObject({ ok: true, retired: 1 });
    } finally {
      await retirement.stop();
    }
    expect(await versions.activeCollection(logical)).toBe(`${logical}_v3`);
    expect((await collectionHash(mongo, `${logical}_v3`)).count).toBe(20);
  });
});
