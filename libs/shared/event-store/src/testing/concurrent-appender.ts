/**
 * Another process writing to the same event-store file while a test's process appends with group
 * commit (as the services of one machine do). Four appenders take turns on a shared stream the
 * way a command handler does (read the last revision, append at it, read again after a conflict)
 * and each also appends to a stream of its own, until the stop stream exists. It prints one JSON
 * line on stdout: how many appends to the shared stream it had accepted, and any failure.
 */
import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError } from '../lib/errors';
import { SqliteEventStore } from '../lib/sqlite-event-store';

const [path, sharedStream, stopStream, name] = process.argv.slice(2);
const APPENDERS = 4;
const metadata = { tenantId: 't', correlationId: 'c', causationId: 'c', schemaVersion: 1 };

async function main(): Promise<void> {
  const store = new SqliteEventStore({ path });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  let shared = 0;
  const stopped = async () => (await store.readStream(stopStream, { maxCount: 1 })).length > 0;
  const appender = async (index: number) => {
    const own = `${name}-own-${index}`;
    let ownRevision: bigint | 'no_stream' = 'no_stream';
    while (!(await stopped())) {
      const [last] = await store.readStream(sharedStream, { direction: 'backwards', maxCount: 1 });
      try {
        await store.appendToStream(sharedStream, [{ id: randomUUID(), type: 'Taken', data: { by: name }, metadata }], {
          expectedRevision: last?.revision ?? 'no_stream',
        });
        shared++;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
      const result = await store.appendToStream(own, [{ id: randomUUID(), type: 'Own', data: {}, metadata }], { expectedRevision: ownRevision });
      ownRevision = result.nextExpectedRevision;
      // A macrotask between rounds, as between requests, so that the other process gets the lock.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  try {
    await Promise.all(Array.from({ length: APPENDERS }, (_, index) => appender(index)));
    process.stdout.write(`${JSON.stringify({ shared })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ shared, error: String(error) })}\n`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}

void main();
