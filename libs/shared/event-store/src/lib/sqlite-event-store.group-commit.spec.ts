import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DatabaseSync } from 'node:sqlite';
import { anEvent } from '../testing/event-store-contract';
import { WrongExpectedRevisionError } from './errors';
import { AppendResult, comparePositions } from './event-store.port';
import { SqliteEventStore, SqliteEventStoreOptions } from './sqlite-event-store';

const { DatabaseSync: Database } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
const REPO_ROOT = join(__dirname, '../../../../..');

const directory = mkdtempSync(join(tmpdir(), 'event-store-group-commit-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const newFile = () => join(directory, `${randomUUID()}.db`);
const stores: SqliteEventStore[] = [];
const connections: DatabaseSync[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  connections.splice(0).forEach((connection) => connection.close());
});

function open(options: Partial<SqliteEventStoreOptions> & { path: string }): SqliteEventStore {
  const store = new SqliteEventStore({ pollIntervalMs: 20, ...options });
  stores.push(store);
  return store;
}

/** A second connection to the file, as another process would have: it sees only what was committed. */
function connect(path: string): DatabaseSync {
  const connection = new Database(path, { timeout: 10_000 });
  connections.push(connection);
  return connection;
}

const storedIds = (connection: DatabaseSync, stream: string) =>
  (connection.prepare('SELECT event_id FROM events WHERE stream_name = ? ORDER BY revision').all(stream) as { event_id: string }[]).map(
    (row) => row.event_id,
  );

/**
 * Writes that fail inside the store's own transaction, installed in the file as triggers: an event
 * of type `RefusedByTheDatabase` fails its statement (only its append is rolled back),
 * `EndsTheTransaction` makes SQLite roll back the whole transaction, and `FailsAtCommit` breaks a
 * deferred foreign key, so the statements succeed and the COMMIT itself fails.
 */
function installFailures(path: string): void {
  connect(path).exec(`
    CREATE TABLE missing_parent (id TEXT PRIMARY KEY);
    CREATE TABLE commit_guard (parent TEXT REFERENCES missing_parent (id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TRIGGER refused BEFORE INSERT ON events WHEN NEW.type = 'RefusedByTheDatabase'
      BEGIN SELECT RAISE(ABORT, 'refused by the database'); END;
    CREATE TRIGGER ends_transaction BEFORE INSERT ON events WHEN NEW.type = 'EndsTheTransaction'
      BEGIN SELECT RAISE(ROLLBACK, 'transaction ended by the database'); END;
    CREATE TRIGGER fails_at_commit AFTER INSERT ON events WHEN NEW.type = 'FailsAtCommit'
      BEGIN INSERT INTO commit_guard VALUES ('nobody'); END;
  `);
}

describe('SqliteEventStore group commit', () => {
  it('commits many concurrent appends to different streams, each at its own revision, positions in order of arrival', async () => {
    const path = newFile();
    const store = open({ path });
    // More than one group's worth (256), and streams that already exist as well as new ones.
    const existing = Array.from({ length: 50 }, (_, i) => `existing-${i}`);
    for (const stream of existing) await store.appendToStream(stream, [anEvent(), anEvent()], { expectedRevision: 'no_stream' });
    const fresh = Array.from({ length: 550 }, (_, i) => `fresh-${i}`);

    const results = await Promise.all([
      ...existing.map((stream) => store.appendToStream(stream, [anEvent()], { expectedRevision: 1n })),
      ...fresh.map((stream) => store.appendToStream(stream, [anEvent(), anEvent(), anEvent()], { expectedRevision: 'no_stream' })),
    ]);

    expect(results.slice(0, 50).map((r) => r.nextExpectedRevision)).toEqual(Array(50).fill(2n));
    expect(results.slice(50).map((r) => r.nextExpectedRevision)).toEqual(Array(550).fill(2n));
    for (let i = 1; i < results.length; i++) expect(comparePositions(results[i - 1].position, results[i].position)).toBe(-1);
    const all = await store.readAll({ after: results[49].position });
    expect(all).toHaveLength(550 * 3);
    expect((await store.readStream('fresh-549')).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
  });

  it('lets exactly one of many appends at the same revision of one stream in one group win; the others are refused', async () => {
    const store = open({ path: newFile() });
    await store.appendToStream('contested', [anEvent()], { expectedRevision: 'no_stream' });
    const attempts = Array.from({ length: 20 }, () => anEvent());

    const outcomes = await Promise.allSettled(attempts.map((event) => store.appendToStream('contested', [event], { expectedRevision: 0n })));

    // The first to arrive wins: the group applies its writes in order of arrival.
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: expect.objectContaining({ nextExpectedRevision: 1n }) });
    for (const outcome of outcomes.slice(1)) {
      expect(outcome.status).toBe('rejected');
      const { reason } = outcome as PromiseRejectedResult;
      expect(reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(reason).toMatchObject({ expectedRevision: 0n, actualRevision: 1n });
    }
    expect((await store.readStream('contested')).map((e) => e.id).slice(1)).toEqual([attempts[0].id]);
  });

  it('lets appends to one stream in one group see each other\'s revisions, in order of arrival', async () => {
    const store = open({ path: newFile() });
    const [a, b, c, d] = [anEvent(), anEvent(), anEvent(), anEvent()];
    const [first, second, third, stale] = await Promise.allSettled([
      store.appendToStream('chain', [a], { expectedRevision: 'no_stream' }),
      store.appendToStream('chain', [b], { expectedRevision: 0n }),
      store.appendToStream('chain', [c], { expectedRevision: 'stream_exists' }),
      store.appendToStream('chain', [d], { expectedRevision: 1n }),
    ]);
    expect([first, second, third].map((o) => (o as PromiseFulfilledResult<AppendResult>).value.nextExpectedRevision)).toEqual([0n, 1n, 2n]);
    expect((stale as PromiseRejectedResult).reason).toMatchObject({ name: 'WrongExpectedRevisionError', actualRevision: 2n });
    expect((await store.readStream('chain')).map((e) => e.id)).toEqual([a.id, b.id, c.id]);
  });

  it('rolls back only the append that fails in the middle of a group, committing the others', async () => {
    const path = newFile();
    const store = open({ path });
    installFailures(path);
    await store.appendToStream('moved-on', [anEvent(), anEvent()], { expectedRevision: 'no_stream' });
    const before = anEvent();
    const after = anEvent();

    const [ok1, stale, refused, ok2] = await Promise.allSettled([
      store.appendToStream('before', [before], { expectedRevision: 'no_stream' }),
      store.appendToStream('moved-on', [anEvent()], { expectedRevision: 0n }),
      // Its first event is inserted before the second fails: both must go.
      store.appendToStream('refused', [anEvent(), anEvent({ type: 'RefusedByTheDatabase' })], { expectedRevision: 'no_stream' }),
      store.appendToStream('after', [after], { expectedRevision: 'no_stream' }),
    ]);

    expect(ok1.status).toBe('fulfilled');
    expect(ok2.status).toBe('fulfilled');
    expect((stale as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringContaining('refused by the database') });
    const other = connect(path);
    expect(storedIds(other, 'before')).toEqual([before.id]);
    expect(storedIds(other, 'after')).toEqual([after.id]);
    expect(storedIds(other, 'refused')).toEqual([]);
    expect(storedIds(other, 'moved-on')).toHaveLength(2);
  });

  it('answers a retry that arrives in the same group as EventStoreDB would', async () => {
    const store = open({ path: newFile() });
    const [a, b, c] = [anEvent(), anEvent(), anEvent()];

    const [first, retry, partialRetry, sameIdsAtCurrent] = await Promise.allSettled([
      store.appendToStream('retried', [a, b], { expectedRevision: 'no_stream' }),
      // The same ids, same expected revision: stored once, answered with the same revision.
      store.appendToStream('retried', [a, b], { expectedRevision: 'no_stream' }),
      // Matching only part of what the first stored: a conflict.
      store.appendToStream('retried', [a, c], { expectedRevision: 'no_stream' }),
      // The same ids at the stream's revision by then: stored again.
      store.appendToStream('retried', [a], { expectedRevision: 1n }),
    ]);

    expect((first as PromiseFulfilledResult<AppendResult>).value.nextExpectedRevision).toBe(1n);
    expect((retry as PromiseFulfilledResult<AppendResult>).value.nextExpectedRevision).toBe(1n);
    expect((partialRetry as PromiseRejectedResult).reason).toMatchObject({ name: 'WrongExpectedRevisionError', actualRevision: 1n });
    expect((sameIdsAtCurrent as PromiseFulfilledResult<AppendResult>).value.nextExpectedRevision).toBe(2n);
    expect((await store.readStream('retried')).map((e) => e.id)).toEqual([a.id, b.id, a.id]);
  });

  it('queues stream deletions with the appends, each checked against the writes before it', async () => {
    const store = open({ path: newFile() });
    const { nextExpectedRevision } = await store.appendToStream('reservation', [anEvent()], { expectedRevision: 'no_stream' });
    const restarted = anEvent();
    const [deleted, staleDelete, restart] = await Promise.allSettled([
      store.deleteStream('reservation', { expectedRevision: nextExpectedRevision }),
      store.deleteStream('reservation', { expectedRevision: nextExpectedRevision }),
      store.appendToStream('reservation', [restarted], { expectedRevision: 'no_stream' }),
    ]);
    expect(deleted.status).toBe('fulfilled');
    expect((staleDelete as PromiseRejectedResult).reason).toMatchObject({ name: 'WrongExpectedRevisionError', actualRevision: 'no_stream' });
    expect((restart as PromiseFulfilledResult<AppendResult>).value.nextExpectedRevision).toBe(0n);
    expect((await store.readStream('reservation')).map((e) => e.id)).toEqual([restarted.id]);
  });

  it('rejects every write of the group when its COMMIT fails, none stored, and goes on with the next group', async () => {
    const path = newFile();
    const store = open({ path });
    installFailures(path);
    await store.appendToStream('contested', [anEvent()], { expectedRevision: 'no_stream' });

    const outcomes = await Promise.allSettled([
      store.appendToStream('innocent', [anEvent()], { expectedRevision: 'no_stream' }),
      store.appendToStream('contested', [anEvent()], { expectedRevision: 0n }),
      store.appendToStream('guilty', [anEvent({ type: 'FailsAtCommit' })], { expectedRevision: 'no_stream' }),
      // Refused only because of a write that is never stored: it hears the commit's failure instead.
      store.appendToStream('contested', [anEvent()], { expectedRevision: 0n }),
      store.deleteStream('contested', { expectedRevision: 0n }),
    ]);

    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringMatching(/FOREIGN KEY constraint failed/) });
    }
    const other = connect(path);
    expect(storedIds(other, 'innocent')).toEqual([]);
    expect(storedIds(other, 'guilty')).toEqual([]);
    expect(storedIds(other, 'contested')).toHaveLength(1);
    const next = await store.appendToStream('innocent', [anEvent()], { expectedRevision: 'no_stream' });
    expect(next.nextExpectedRevision).toBe(0n);
  });

  it('rejects the writes before a failure that ends the transaction, and the ones after it, storing none', async () => {
    const path = newFile();
    const store = open({ path });
    installFailures(path);
    const outcomes = await Promise.allSettled([
      store.appendToStream('earlier', [anEvent()], { expectedRevision: 'no_stream' }),
      store.appendToStream('poison', [anEvent({ type: 'EndsTheTransaction' })], { expectedRevision: 'no_stream' }),
      store.appendToStream('later', [anEvent()], { expectedRevision: 'no_stream' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(outcomes.map((o) => String((o as PromiseRejectedResult).reason))).toEqual(
      Array(3).fill(expect.stringContaining('transaction ended by the database')),
    );
    const other = connect(path);
    expect([...storedIds(other, 'earlier'), ...storedIds(other, 'poison'), ...storedIds(other, 'later')]).toEqual([]);
  });

  it('commits a group as soon as maxWritesPerCommit writes wait, so a failure takes only its own group', async () => {
    const path = newFile();
    const store = open({ path, maxWritesPerCommit: 3 });
    installFailures(path);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 7 }, (_, i) =>
        store.appendToStream(`stream-${i}`, [anEvent({ type: i === 4 ? 'EndsTheTransaction' : 'Fine' })], { expectedRevision: 'no_stream' }),
      ),
    );
    // Groups [0, 1, 2], [3, 4, 5], [6]: the second is lost whole.
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
  });

  it('with group commit off, commits each write alone: a failure that ends a transaction takes only its own write', async () => {
    const path = newFile();
    const store = open({ path, groupCommit: false });
    installFailures(path);
    const outcomes = await Promise.allSettled([
      store.appendToStream('earlier', [anEvent()], { expectedRevision: 'no_stream' }),
      store.appendToStream('poison', [anEvent({ type: 'EndsTheTransaction' })], { expectedRevision: 'no_stream' }),
      store.appendToStream('later', [anEvent()], { expectedRevision: 'no_stream' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('refuses a maxWritesPerCommit that is not a positive integer', () => {
    expect(() => new SqliteEventStore({ path: ':memory:', maxWritesPerCommit: 0 })).toThrow(/maxWritesPerCommit must be a positive integer/);
  });

  describe('durability', () => {
    it('has every append stored once it resolved: a new connection reads them while the store is still open', async () => {
      const path = newFile();
      const store = open({ path });
      const events = Array.from({ length: 40 }, () => anEvent());
      await Promise.all(events.map((event, i) => store.appendToStream(`durable-${i}`, [event], { expectedRevision: 'no_stream' })));
      const other = connect(path);
      expect(events.map((_, i) => storedIds(other, `durable-${i}`))).toEqual(events.map((event) => [event.id]));
    });

    it('commits the writes still waiting when closed, and refuses writes after that', async () => {
      const path = newFile();
      const store = new SqliteEventStore({ path });
      const events = Array.from({ length: 10 }, () => anEvent());
      const appends = events.map((event, i) => store.appendToStream(`closing-${i}`, [event], { expectedRevision: 'no_stream' }));
      await store.close();
      expect((await Promise.all(appends)).map((result) => result.nextExpectedRevision)).toEqual(Array(10).fill(0n));
      await expect(store.appendToStream('too-late', [anEvent()], { expectedRevision: 'no_stream' })).rejects.toThrow('The event store is closed');

      const reopened = open({ path });
      expect((await reopened.readAll()).map((event) => event.id)).toEqual(events.map((event) => event.id));
    });

    it('wakes a caught-up subscription of this process once the group is committed', async () => {
      const store = open({ path: newFile(), pollIntervalMs: 3_000 });
      const subscription = store.subscribeToAll();
      const received: string[] = [];
      const consumed = (async () => {
        for await (const event of subscription) {
          received.push(event.id);
          if (received.length === 5) break;
        }
      })();
      // Let it read the empty store and wait: the next read must come from the wake-up, not the poll.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const events = Array.from({ length: 5 }, () => anEvent());
      await Promise.all(events.map((event, i) => store.appendToStream(`woken-${i}`, [event], { expectedRevision: 'no_stream' })));
      const committedAt = Date.now();
      await consumed;
      expect(received).toEqual(events.map((event) => event.id));
      expect(Date.now() - committedAt).toBeLessThan(1_000);
    });
  });

  describe('with another process appending to the same file meanwhile', () => {
    it('keeps every stream gapless and every accepted append stored, and refuses the conflicts between the processes', async () => {
      const path = newFile();
      const store = open({ path });
      const shared = 'shared-counter';
      const stop = 'stop';
      const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../testing/concurrent-appender.ts'), path, shared, stop, 'other'], {
        cwd: REPO_ROOT,
        env: { ...process.env, NODE_OPTIONS: '--disable-warning=ExperimentalWarning' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect((await lines.next()).value).toBe(JSON.stringify({ ready: true }));

      let acceptedHere = 0;
      let conflictsHere = 0;
      const othersShare = async () => (await store.readStream(shared)).filter((event) => (event.data as { by: string }).by === 'other').length;
      const appender = async (index: number) => {
        let ownRevision: bigint | 'no_stream' = 'no_stream';
        for (let round = 0; round < 40 || (await othersShare()) < 20; round++) {
          if (round > 2_000) throw new Error('the other process never got to append');
          const [last] = await store.readStream(shared, { direction: 'backwards', maxCount: 1 });
          try {
            await store.appendToStream(shared, [anEvent({ data: { by: 'this' } })], { expectedRevision: last?.revision ?? 'no_stream' });
            acceptedHere++;
          } catch (error) {
            if (!(error instanceof WrongExpectedRevisionError)) throw error;
            conflictsHere++;
          }
          ownRevision = (await store.appendToStream(`this-own-${index}`, [anEvent()], { expectedRevision: ownRevision })).nextExpectedRevision;
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      await Promise.all(Array.from({ length: 16 }, (_, index) => appender(index)));
      await store.appendToStream(stop, [anEvent()], { expectedRevision: 'no_stream' });
      const report = JSON.parse((await lines.next()).value as string) as { shared: number; error?: string };
      expect(await exited).toBe(0);
      expect(report.error).toBeUndefined();

      const events = await store.readStream(shared);
      expect(events.map((event) => event.revision)).toEqual(events.map((_, i) => BigInt(i)));
      for (let i = 1; i < events.length; i++) expect(comparePositions(events[i - 1].position, events[i].position)).toBe(-1);
      const by = (who: string) => events.filter((event) => (event.data as { by: string }).by === who).length;
      expect(by('this')).toBe(acceptedHere);
      expect(by('other')).toBe(report.shared);
      expect(conflictsHere).toBeGreaterThan(0);
      for (let index = 0; index < 4; index++) {
        const own = await store.readStream(`other-own-${index}`);
        expect(own.map((event) => event.revision)).toEqual(own.map((_, i) => BigInt(i)));
      }
      const ownHere = await store.readStream('this-own-0');
      expect(ownHere.length).toBeGreaterThanOrEqual(40);
      expect(ownHere.map((event) => event.revision)).toEqual(ownHere.map((_, i) => BigInt(i)));
    }, 60_000);
  });
});
