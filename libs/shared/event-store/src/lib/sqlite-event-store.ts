import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { WrongExpectedRevisionError } from './errors';
import { SerialisedEvent, serialiseEvent } from './event-serialisation';
import {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  START,
  SubscribeToAllOptions,
  Subscription,
} from './event-store.port';

// Loaded through getBuiltinModule so that test runners with their own module registry (Jest)
// do not need to know the prefix-only `node:sqlite` builtin.
const { DatabaseSync: Database } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');

const BUSY_TIMEOUT_MS = 10_000;

// Event ids are not unique in a stream: EventStoreDB stores the same ids again when they come at
// the stream's current revision (see appendToStream), and this store behaves the same.
const eventsTable = (name: string) => `
  CREATE TABLE IF NOT EXISTS ${name} (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_name TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    event_id    TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (stream_name, revision)
  );
`;

const SCHEMA = `
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = FULL;
  ${eventsTable('events')}
`;

/**
 * Files written before event ids could repeat have UNIQUE (stream_name, event_id), which SQLite
 * can only drop by copying the table. Done once, in one transaction (whichever process opens the
 * file first), keeping every position and the position counter: positions deleted streams left
 * free must never be given out again, or a checkpoint would point past events it never saw.
 */
function allowRepeatedEventIds(db: DatabaseSync): void {
  const hasUniqueEventIds = () =>
    (db.prepare('PRAGMA index_list(events)').all() as { name: string; unique: number }[]).some(
      (index) =>
        index.unique === 1 &&
        (db.prepare(`PRAGMA index_info("${index.name}")`).all() as { name: string }[]).map((column) => column.name).join(',') ===
          'stream_name,event_id',
    );
  if (!hasUniqueEventIds()) return;
  whileLocked(() => {
    db.exec('BEGIN IMMEDIATE');
    try {
      if (hasUniqueEventIds()) {
        const counter = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as { seq: number } | undefined;
        db.exec(`
          ${eventsTable('events_without_unique_ids')}
          INSERT INTO events_without_unique_ids SELECT position, stream_name, revision, event_id, type, data, metadata, created_at FROM events;
          DROP TABLE events;
          ALTER TABLE events_without_unique_ids RENAME TO events;
        `);
        if (counter) db.prepare("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'events'").run(counter.seq);
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  });
}

/**
 * Runs a start-up statement again while another process holds the lock. SQLite does not call the
 * busy handler for every lock it meets while a file is being created and switched to WAL (the
 * first connection to a new file may see SQLITE_BUSY at once), so the timeout alone is not enough.
 */
function whileLocked(statement: () => void): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      statement();
      return;
    } catch (error) {
      const locked = error instanceof Error && /database is locked|SQLITE_BUSY/i.test(error.message);
      if (!locked || Date.now() > deadline) throw error;
      // The constructor is synchronous; a short blocking pause, only ever at start-up.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.random() * 30);
    }
  }
}

export interface SqliteEventStoreOptions {
  /** Path of the database file, or ':memory:'. */
  readonly path: string;
  /** How often a caught-up subscription looks for events appended by other processes. */
  readonly pollIntervalMs?: number;
  /** Events fetched per read while a subscription catches up. */
  readonly subscriptionBatchSize?: number;
  /**
   * Group commit (default on): appends and stream deletions that arrive in the same turn of the
   * event loop share one transaction, so one fsync, each with its own expected-revision check.
   * Off: one transaction per call, committed before the call returns (for side-by-side benchmarks).
   */
  readonly groupCommit?: boolean;
  /** The most writes one group commit takes; a full group is committed at once. Default 256. */
  readonly maxWritesPerCommit?: number;
}

/** One queued append or deletion: its own work inside the shared transaction, and its caller's promise. */
interface PendingWrite {
  readonly apply: () => unknown;
  readonly resolve: (result: never) => void;
  readonly reject: (error: unknown) => void;
  /** Whether it adds events, so that subscriptions of this process are woken after the commit. */
  readonly appends: boolean;
}

interface EventRow {
  position: number;
  stream_name: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  created_at: string;
}

/**
 * The embedded event store: one SQLite file, durable (WAL, synchronous=FULL), safe for several
 * processes (BEGIN IMMEDIATE serialises writers). The global position is the row id, so $all
 * order is the commit order.
 *
 * Group commit: with synchronous=FULL every COMMIT waits for an fsync, on the event loop (the
 * driver is synchronous), so one transaction per append caps a process at one append per fsync
 * whatever the load. Writes are therefore queued and committed together on setImmediate (or
 * when `maxWritesPerCommit` are waiting): one BEGIN IMMEDIATE … COMMIT, and inside it a
 * SAVEPOINT per write, so a refused write (wrong expected revision, or any error) rolls back only
 * itself and rejects only its caller. Writes apply in order of arrival, so two appends to one
 * stream in one group see each other's revisions as if they had been committed one after the
 * other, and positions stay in commit order. A caller hears "appended" only after the COMMIT
 * returned; if the COMMIT (or the transaction) fails, every write of the group is rejected.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: DatabaseSync;
  private readonly statements: Record<
    'lastRevision' | 'insert' | 'readForwards' | 'readBackwards' | 'lastPosition' | 'deleteStream',
    StatementSync
  >;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly groupCommit: boolean;
  private readonly maxWritesPerCommit: number;
  /** Writes waiting for the next group commit, in order of arrival. */
  private pending: PendingWrite[] = [];
  private scheduledCommit: NodeJS.Immediate | undefined;
  /** Wakes caught-up subscriptions of this process as soon as this process appends. */
  private readonly appendListeners = new Set<() => void>();
  private closed = false;

  constructor(options: SqliteEventStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    // The busy timeout is set as the connection opens, before any statement: several services
    // open one brand-new file at the same moment (npm start), and switching it to WAL or creating
    // the table must wait for the others instead of failing with "database is locked".
    this.db = new Database(options.path, { timeout: BUSY_TIMEOUT_MS });
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.batchSize = options.subscriptionBatchSize ?? 500;
    this.groupCommit = options.groupCommit ?? true;
    this.maxWritesPerCommit = options.maxWritesPerCommit ?? 256;
    if (!Number.isInteger(this.maxWritesPerCommit) || this.maxWritesPerCommit < 1) {
      throw new Error(`maxWritesPerCommit must be a positive integer, got ${this.maxWritesPerCommit}`);
    }
    whileLocked(() => this.db.exec(SCHEMA));
    allowRepeatedEventIds(this.db);
    this.statements = {
      lastRevision: this.db.prepare('SELECT MAX(revision) AS revision FROM events WHERE stream_name = ?'),
      insert: this.db.prepare(
        `INSERT INTO events (stream_name, revision, event_id, type, data, metadata, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      readForwards: this.db.prepare(
        'SELECT * FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
      ),
      readBackwards: this.db.prepare(
        'SELECT * FROM events WHERE stream_name = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
      ),
      lastPosition: this.db.prepare('SELECT MAX(position) AS position FROM events'),
      deleteStream: this.db.prepare('DELETE FROM events WHERE stream_name = ?'),
    };
  }

  async appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    { expectedRevision }: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error('Nothing to append');
    // Before queueing: data that is not JSON is refused at once and never joins a group.
    const serialised = events.map((event) => serialiseEvent(streamName, event));
    return this.write(true, () => this.append(streamName, events, serialised, expectedRevision));
  }

  async deleteStream(streamName: string, { expectedRevision }: { readonly expectedRevision: bigint }): Promise<void> {
    this.assertOpen();
    return this.write(false, () => {
      assertExpectedRevision(streamName, expectedRevision, this.lastRevision(streamName));
      this.statements.deleteStream.run(streamName);
    });
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const rows =
      options.direction === 'backwards'
        ? this.statements.readBackwards.all(streamName, options.fromRevision ?? BigInt(Number.MAX_SAFE_INTEGER), maxCount)
        : this.statements.readForwards.all(streamName, options.fromRevision ?? 0n, maxCount);
    return (rows as unknown as EventRow[]).map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.readAllNow(options);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    this.assertOpen();
    let stopped = false;
    let wake: (() => void) | undefined;
    const listener = () => wake?.();
    this.appendListeners.add(listener);
    const unsubscribe = async () => {
      stopped = true;
      this.appendListeners.delete(listener);
      wake?.();
    };
    // Woken early, the poll's timer is cleared: a closed store leaves no timer keeping the process up.
    const waitForMore = () =>
      new Promise<void>((resolve) => {
        const poll = setTimeout(resolve, this.pollIntervalMs);
        wake = () => {
          clearTimeout(poll);
          resolve();
        };
      });
    const read = (after: GlobalPosition) =>
      this.readAllNow({ after, maxCount: this.batchSize, streamPrefixes: options.streamPrefixes });
    const isStopped = () => stopped || this.closed;

    async function* deliver(): AsyncGenerator<RecordedEvent> {
      let after = options.after ?? START;
      try {
        while (!isStopped()) {
          const batch = read(after);
          for (const event of batch) {
            if (isStopped()) return;
            yield event;
            after = event.position;
          }
          if (batch.length === 0) await waitForMore();
        }
      } finally {
        await unsubscribe();
      }
    }
    const iterator = deliver();
    return { [Symbol.asyncIterator]: () => iterator, unsubscribe };
  }

  /** The global position of the newest event, for progress reporting. */
  lastPosition(): GlobalPosition {
    const row = this.statements.lastPosition.get() as { position: number | null };
    const position = BigInt(row.position ?? -1);
    return { commit: position, prepare: position };
  }

  /** Commits the writes still waiting (their callers hear the outcome as usual), then closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.commitPending();
    this.appendListeners.forEach((wake) => wake());
    this.db.close();
  }

  /** Queues a write for the next group commit (or, with group commit off, commits it alone now). */
  private write<T>(appends: boolean, apply: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const write: PendingWrite = { apply, resolve: resolve as (result: never) => void, reject, appends };
      if (!this.groupCommit) return this.commitTogether([write]);
      this.pending.push(write);
      if (this.pending.length >= this.maxWritesPerCommit) this.commitPending();
      // setImmediate, not a microtask: requests whose bytes arrived in the same poll of the event
      // loop reach their append first, and join the group.
      else this.scheduledCommit ??= setImmediate(() => this.commitPending());
    });
  }

  private commitPending(): void {
    if (this.scheduledCommit) clearImmediate(this.scheduledCommit);
    this.scheduledCommit = undefined;
    const group = this.pending;
    this.pending = [];
    if (group.length > 0) this.commitTogether(group);
  }

  /**
   * One transaction for the group, a savepoint per write. Outcomes are told only after the COMMIT:
   * a write applied inside a transaction that is then lost was never stored, and a refusal
   * decided against writes that were never stored may be wrong, so a lost transaction rejects the
   * whole group with the reason it was lost.
   */
  private commitTogether(group: readonly PendingWrite[]): void {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const write of group) {
        this.db.exec('SAVEPOINT write');
        let value: unknown;
        try {
          value = write.apply();
        } catch (error) {
          // Some errors (SQLITE_FULL, I/O errors, RAISE(ROLLBACK)) end the whole transaction;
          // then nothing of the group so far is stored and the group cannot go on.
          if (!this.db.isTransaction) throw error;
          this.db.exec('ROLLBACK TO write');
          this.db.exec('RELEASE write');
          outcomes.push({ ok: false, error });
          continue;
        }
        this.db.exec('RELEASE write');
        outcomes.push({ ok: true, value });
      }
      this.db.exec('COMMIT');
    } catch (error) {
      group.forEach((write) => write.reject(error));
      // Runs on setImmediate, where a throw would end the process: a ROLLBACK that fails too
      // leaves the transaction open, and the next group's BEGIN fails and rejects that group.
      try {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
      } catch {
        /* told to the callers above */
      }
      return;
    }
    group.forEach((write, index) => {
      const outcome = outcomes[index];
      if (outcome.ok) write.resolve(outcome.value as never);
      else write.reject(outcome.error);
    });
    if (group.some((write, index) => write.appends && outcomes[index].ok)) this.appendListeners.forEach((wake) => wake());
  }

  /** One append inside the group's transaction, at its own savepoint. */
  private append(
    streamName: string,
    events: readonly EventToAppend[],
    serialised: readonly SerialisedEvent[],
    expectedRevision: ExpectedRevision,
  ): AppendResult {
    const current = this.lastRevision(streamName);
    const retry = this.findRetriedAppend(streamName, events, expectedRevision, current);
    if (retry) return retry;
    assertExpectedRevision(streamName, expectedRevision, current);
    const createdAt = new Date().toISOString();
    let revision = current === 'no_stream' ? -1n : current;
    let position = 0n;
    for (const [index, event] of events.entries()) {
      revision += 1n;
      const result = this.statements.insert.run(
        streamName,
        revision,
        event.id,
        event.type,
        serialised[index].data,
        serialised[index].metadata,
        event.recordedAt?.toISOString() ?? createdAt,
      );
      position = BigInt(result.lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position: { commit: position, prepare: position } };
  }

  private readAllNow(options: ReadAllOptions): RecordedEvent[] {
    const backwards = options.direction === 'backwards';
    const params: (string | number | bigint)[] = [];
    const where: string[] = [];
    if (options.after) {
      where.push(backwards ? 'position < ?' : 'position > ?');
      params.push(options.after.commit);
    }
    if (options.streamPrefixes?.length) {
      where.push(`(${options.streamPrefixes.map(() => "stream_name LIKE ? ESCAPE '\\'").join(' OR ')})`);
      params.push(...options.streamPrefixes.map((prefix) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`));
    }
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY position ${backwards ? 'DESC' : 'ASC'} LIMIT ?`;
    params.push(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    return (this.db.prepare(sql).all(...params) as unknown as EventRow[]).map(toRecordedEvent);
  }

  private lastRevision(streamName: string): bigint | 'no_stream' {
    const row = this.statements.lastRevision.get(streamName) as { revision: number | null };
    return row.revision === null ? 'no_stream' : BigInt(row.revision);
  }

  /**
   * EventStoreDB's rule for a retry, and only it: appended at an exact revision (or no_stream)
   * the stream has since passed, the events right after that revision are looked at. The same ids
   * in the same order there: the retry of an append that went through, answered as it was. The
   * first id differs: an ordinary conflict (undefined; the revision check refuses it). The first
   * ids match but not all: a partial retry, refused as a conflict too (EventStoreDB answers it
   * with a wrong expected version). `any` and `stream_exists` are never recognised as retries
   * (EventStoreDB recognises them only while they are in its cache of recent writes).
   */
  private findRetriedAppend(
    streamName: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
    current: bigint | 'no_stream',
  ): AppendResult | undefined {
    if (expected === 'any' || expected === 'stream_exists') return undefined;
    const expectedLast = expected === 'no_stream' ? -1n : expected;
    const currentLast = current === 'no_stream' ? -1n : current;
    if (expectedLast >= currentLast) return undefined;
    const stored = this.statements.readForwards.all(streamName, expectedLast + 1n, events.length) as unknown as EventRow[];
    const firstDifferent = events.findIndex((event, index) => stored[index]?.event_id !== event.id);
    if (firstDifferent === 0) return undefined;
    if (firstDifferent > 0) throw new WrongExpectedRevisionError(streamName, expected, current);
    const last = stored[stored.length - 1];
    return {
      nextExpectedRevision: BigInt(last.revision),
      position: { commit: BigInt(last.position), prepare: BigInt(last.position) },
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

function assertExpectedRevision(streamName: string, expected: ExpectedRevision, current: bigint | 'no_stream'): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === 'no_stream') ||
    (expected === 'stream_exists' && current !== 'no_stream') ||
    (typeof expected === 'bigint' && current === expected);
  if (!ok) throw new WrongExpectedRevisionError(streamName, expected, current);
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  const position = BigInt(row.position);
  return {
    id: row.event_id,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    streamName: row.stream_name,
    revision: BigInt(row.revision),
    position: { commit: position, prepare: position },
    createdAt: new Date(row.created_at),
  };
}
