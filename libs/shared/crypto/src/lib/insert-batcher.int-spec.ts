import mongoose, { Connection, mongo } from 'mongoose';
import { mongoUrl, uniqueName } from '@salon/shared/testing';
import { InsertBatcher } from './insert-batcher';

// Against the real MongoDB-compatible server, in a database of its own that is dropped afterwards.
describe('InsertBatcher', () => {
  let connection: Connection;
  const inserts: string[] = [];

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongoUrl(uniqueName('insert_batcher')), { monitorCommands: true }).asPromise();
    connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => {
      if (event.commandName === 'insert') inserts.push(event.commandName);
    });
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('sends inserts asked for together as one round trip and tells each caller whether its document went in', async () => {
    const collection = connection.collection<{ key: string; by: string }>(uniqueName('documents'));
    await collection.createIndex({ key: 1 }, { unique: true });
    await collection.insertOne({ key: 'taken', by: 'earlier' });
    inserts.length = 0;
    const batcher = new InsertBatcher(collection);

    const outcomes = await Promise.all(['a', 'taken', 'b', 'a', 'c'].map((key, index) => batcher.insert({ key, by: `caller-${index}` })));

    expect(outcomes).toEqual([true, false, true, false, true]);
    expect(inserts).toHaveLength(1);
    const stored = await collection.find({}, { projection: { _id: 0 } }).sort({ key: 1 }).toArray();
    expect(stored).toEqual([
      { key: 'a', by: 'caller-0' },
      { key: 'b', by: 'caller-2' },
      { key: 'c', by: 'caller-4' },
      { key: 'taken', by: 'earlier' },
    ]);
  });

  it('leaves the documents of its callers as they gave them', async () => {
    const batcher = new InsertBatcher(connection.collection<{ key: string }>(uniqueName('untouched')));
    const document = { key: 'x' };
    await expect(batcher.insert(document)).resolves.toBe(true);
    expect(document).toEqual({ key: 'x' });
  });

  it('fails the callers whose inserts the server refuses for another reason than a duplicate', async () => {
    // A collection name with "$" is reserved: the server refuses the insert itself (code 10093), not an index.
    const batcher = new InsertBatcher(connection.collection<{ key: string }>('reserved$name'));
    const outcomes = await Promise.allSettled([batcher.insert({ key: 'one' }), batcher.insert({ key: 'two' })]);
    expect(outcomes.map(({ status }) => status)).toEqual(['rejected', 'rejected']);
  });
});
