/**
 * One of several processes that open brand-new event-store files at the same moments (as the
 * services of `npm start` do on a fresh machine). For each round it waits for the round's start
 * time, opens `<dir>/round-<n>.db`, appends one event and closes; it reports failures on stdout
 * as JSON lines and exits non-zero if any round failed.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteEventStore } from '../lib/sqlite-event-store';

const [directory, startAt, rounds, spacingMs, name] = process.argv.slice(2);

async function main(): Promise<void> {
  let failures = 0;
  for (let round = 0; round < Number(rounds); round++) {
    const at = Number(startAt) + round * Number(spacingMs);
    while (Date.now() < at) await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(5, at - Date.now()))));
    try {
      const store = new SqliteEventStore({ path: join(directory, `round-${round}.db`) });
      await store.appendToStream(
        `opener-${name}`,
        [{ id: randomUUID(), type: 'Opened', data: { round }, metadata: { tenantId: 't', correlationId: 'c', causationId: 'c', schemaVersion: 1 } }],
        { expectedRevision: 'no_stream' },
      );
      await store.close();
    } catch (error) {
      failures++;
      process.stdout.write(`${JSON.stringify({ round, error: String(error) })}\n`);
    }
  }
  process.exitCode = failures === 0 ? 0 : 1;
}

void main();
