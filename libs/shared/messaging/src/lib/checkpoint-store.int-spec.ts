import mongoose, { Connection } from 'mongoose';
import { formatPosition } from '@salon/shared/event-store';
import { mongoUrl, uniqueName } from '@salon/shared/testing';
import { CheckpointFencedError, MongoCheckpointStore } from './checkpoint-store';

const at = (n: number) => ({ commit: BigInt(n), prepare: BigInt(n) });

/** Checkpoints fenced by the lease's token, on the real MongoDB-wire server. */
describe('MongoCheckpointStore with fencing tokens', () => {
  let mongo: Connection;
  let checkpoints: MongoCheckpointStore;

  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl(uniqueName('checkpoints'))).asPromise();
    checkpoints = new MongoCheckpointStore(mongo);
  });

  afterAll(async () => {
    await mongo?.dropDatabase();
    await mongo?.close();
  });

  it('refuses a save under an older token than the last, and keeps the newer checkpoint', async () => {
    const name = uniqueName('relay');
    await checkpoints.save(name, at(10), 1);
    await checkpoints.save(name, at(20), 2);
    await expect(checkpoints.save(name, at(15), 1)).rejects.toBeInstanceOf(CheckpointFencedError);
    expect(formatPosition((await checkpoints.load(name))!)).toBe(formatPosition(at(20)));
    // The same token again, or a newer one, moves it on.
    await checkpoints.save(name, at(30), 2);
    await checkpoints.save(name, at(40), 3);
    expect(formatPosition((await checkpoints.load(name))!)).toBe(formatPosition(at(40)));
  });

  it('takes a first save under any token, and saves without a token as before', async () => {
    const fenced = uniqueName('relay');
    await checkpoints.save(fenced, at(5), 7);
    expect(formatPosition((await checkpoints.load(fenced))!)).toBe(formatPosition(at(5)));
    const unfenced = uniqueName('rebuild');
    await checkpoints.save(unfenced, at(1));
    await checkpoints.save(unfenced, at(2));
    expect(formatPosition((await checkpoints.load(unfenced))!)).toBe(formatPosition(at(2)));
  });
});
