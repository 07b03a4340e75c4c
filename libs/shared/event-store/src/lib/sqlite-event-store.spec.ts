import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anEvent, eventStoreContract } from '../testing/event-store-contract';
import { SqliteEventStore } from './sqlite-event-store';

const directory = mkdtempSync(join(tmpdir(), 'event-store-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

eventStoreContract('embedded SQLite', async () => new SqliteEventStore({ path: join(directory, 'events.db'), pollIntervalMs: 20 }));
// The benchmark's baseline (one transaction per write) must keep the same behaviour.
eventStoreContract('embedded SQLite, group commit off', async () =>
  new SqliteEventStore({ path: join(directory, 'events-one-by-one.db'), pollIntervalMs: 20, groupCommit: false }),
);

describe('a file written while event ids were unique per stream', () => {
  it('is opened with repeatable ids, keeping every event, position and the position counter', async () => {
    const path = join(directory, 'before-repeatable-ids.db');
    const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE events (
      position INTEGER PRIMARY KEY AUTOINCREMENT, stream_name TEXT NOT NULL, revision INTEGER NOT NULL,
      event_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, created_at TEXT NOT NULL,
      UNIQUE (stream_name, revision), UNIQUE (stream_name, event_id))`);
    const insert = old.prepare('INSERT INTO events (stream_name, revision, event_id, type, data, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const metadata = JSON.stringify(anEvent().metadata);
    insert.run('kept-1', 0, 'id-a', 'T', '{"n":1}', metadata, new Date().toISOString());
    insert.run('deleted-1', 0, 'id-b', 'T', '{"n":2}', metadata, new Date().toISOString());
    old.exec("DELETE FROM events WHERE stream_name = 'deleted-1'"); // position 2 is used up
    old.close();

    const store = new SqliteEventStore({ path });
    try {
      const [kept] = await store.readStream('kept-1');
      expect(kept).toMatchObject({ id: 'id-a', revision: 0n, position: { commit: 1n, prepare: 1n }, data: { n: 1 } });
      const again = await store.appendToStream('kept-1', [{ ...anEvent(), id: 'id-a' }], { expectedRevision: 0n });
      expect(again).toEqual({ nextExpectedRevision: 1n, position: { commit: 3n, prepare: 3n } });
    } finally {
      await store.close();
    }
  });
});
