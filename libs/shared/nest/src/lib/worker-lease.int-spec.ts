import mongoose, { Connection } from 'mongoose';
import { eventually, mongoUrl, uniqueName } from '@salon/shared/testing';
import { leasedWorker, MongoLease } from './worker-lease';
import type { BackgroundWorker } from './workers';

/** A worker that only counts: is it running, how often was it started. */
function countingWorker(name: string) {
  const state = { running: false, starts: 0 };
  const worker: BackgroundWorker = {
    name,
    start: async () => {
      state.running = true;
      state.starts += 1;
    },
    stop: async () => {
      state.running = false;
    },
    health: () => ({ ok: true, state: 'publishing' }),
  };
  return { worker, state };
}

// Against the real MongoDB-compatible server, in a database of its own that is dropped afterwards.
describe('one instance at a time: the lease of an exclusive worker', () => {
  const database = uniqueName('worker_lease');
  const connections: Connection[] = [];
  const connect = async () => {
    const connection = await mongoose.createConnection(mongoUrl(database), { serverSelectionTimeoutMS: 1_000 }).asPromise();
    connections.push(connection);
    return connection;
  };

  afterAll(async () => {
    await connections[0]?.dropDatabase();
    await Promise.all(connections.map((connection) => connection.close()));
  });

  it('is held by one holder; a renewal names its fencing token, so a holder that lost it after expiry learns so', async () => {
    const connection = await connect();
    const name = uniqueName('relay');
    const [a, b] = [new MongoLease(connection, name, 1_000), new MongoLease(connection, name, 1_000)];
    const now = new Date();
    const held = { token: 1 };
    expect(await a.acquire(now)).toEqual(held);
    expect(await b.acquire(now)).toBeUndefined();
    expect(await a.renew(held, now)).toBe(true);
    // a is paused past its lease (the clock is passed in, nothing sleeps): b takes it, with a new token.
    const later = new Date(now.getTime() + 1_001);
    expect(await b.acquire(later)).toEqual({ token: 2 });
    expect(await a.renew(held, later)).toBe(false);
    expect(await a.acquire(later)).toBeUndefined();
  });

  it('runs the worker in one instance; the standby takes over once the holder dies, within the lease', async () => {
    const name = uniqueName('relay');
    const ttlMs = 600;
    const holderConnection = await connect();
    const first = countingWorker(name);
    const second = countingWorker(name);
    const holder = leasedWorker(first.worker, new MongoLease(holderConnection, name, ttlMs), { attemptEveryMs: 100 });
    const standby = leasedWorker(second.worker, new MongoLease(await connect(), name, ttlMs), { attemptEveryMs: 100 });
    await holder.start();
    await standby.start();
    expect([first.state.running, second.state.running]).toEqual([true, false]);
    expect(await standby.health?.()).toEqual({ ok: true, state: 'standby', lease: 'standby' });
    expect(await holder.health?.()).toMatchObject({ ok: true, state: 'publishing', lease: 'held' });

    // The holder's process loses MongoDB (dies, or is cut off): it cannot renew, so it stops its worker; the standby takes over.
    const diedAt = Date.now();
    await holderConnection.close(true);
    await eventually(async () => (second.state.running ? true : undefined), 'the standby to take over', { timeoutMs: 5_000 });
    expect(first.state.running).toBe(false);
    expect(Date.now() - diedAt).toBeLessThan(ttlMs + 1_000);
    await Promise.all([holder.stop(), standby.stop()]);
  });

  it('takes over from a holder that vanished without a word (kill -9) once its lease expired', async () => {
    const name = uniqueName('relay');
    const ttlMs = 500;
    // The dead holder took the lease and will never renew or release it.
    expect(await new MongoLease(await connect(), name, ttlMs).acquire()).toEqual({ token: 1 });
    const { worker, state } = countingWorker(name);
    const standby = leasedWorker(worker, new MongoLease(await connect(), name, ttlMs), { attemptEveryMs: 100 });
    const startedAt = Date.now();
    await standby.start();
    expect(state.running).toBe(false);
    await eventually(async () => (state.running ? true : undefined), 'the standby to take over', { timeoutMs: 5_000 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(ttlMs - 100);
    await standby.stop();
  });

  it('gives the lease up on a clean stop, so the standby need not wait for it to expire', async () => {
    const name = uniqueName('relay');
    const first = countingWorker(name);
    const second = countingWorker(name);
    // A lease of a minute: only the release can explain a quick takeover.
    const holder = leasedWorker(first.worker, new MongoLease(await connect(), name, 60_000), { attemptEveryMs: 100 });
    const standby = leasedWorker(second.worker, new MongoLease(await connect(), name, 60_000), { attemptEveryMs: 100 });
    await holder.start();
    await standby.start();
    await holder.stop();
    expect(first.state.running).toBe(false);
    await eventually(async () => (second.state.running ? true : undefined), 'the standby to take over', { timeoutMs: 5_000 });
    await standby.stop();
  });
});
