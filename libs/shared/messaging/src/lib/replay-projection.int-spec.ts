import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagingClient } from './messaging-port';
import mongoose, { Connection } from 'mongoose';
import { SqliteEventStore } from '@salon/shared/event-store';
import { collectionHash, mongoUrl, uniqueName } from '@salon/shared/testing';
import { appendInterleaved, counterProjection, toTestMessages } from '../testing/fixtures';
import { ProjectionRunner } from './projection-runner';
import { ReadModelVersions } from './read-model-versions';
import { replayProjection } from './rebuild-projection';

describe('replayProjection (into the active collections, no new version)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'replay-'));
  const name = uniqueName('replayed').replace(/-/g, '_');
  const topic = 'replay-topic';
  let store: SqliteEventStore;
  let mongo: Connection;

  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl(uniqueName('replay'))).asPromise();
    store = new SqliteEventStore({ path: join(directory, 'events.db') });
    await appendInterleaved(store, 'counter-', 50, 4);
  });
  afterAll(async () => {
    await store.close();
    await mongo.dropDatabase();
    await mongo.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('fills the active version with every event once, and a second replay changes nothing', async () => {
    const projection = counterProjection(name, topic);
    // write() needs no broker.
    const options = {
      projection,
      runner: new ProjectionRunner(projection, {} as MessagingClient, mongo),
      store,
      mongo,
      streamPrefixes: ['counter-'],
      toMessages: toTestMessages(topic),
      batchSize: 30,
    };
    expect(await replayProjection(options)).toMatchObject({ events: 200, messages: 200 });
    const active = await new ReadModelVersions(mongo).activeCollection(`${name}_counters`);
    expect(active).toBe(`${name}_counters_v1`);
    const documents = await mongo.collection(active).find().toArray();
    expect(documents).toHaveLength(50);
    expect(documents.every((document) => document.events === 4 && document.revision === 3)).toBe(true);

    const before = await collectionHash(mongo, active);
    await replayProjection(options);
    expect(await collectionHash(mongo, active)).toEqual(before);
  });
});
