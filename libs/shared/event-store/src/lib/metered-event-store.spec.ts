import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'prom-client';
import { anEvent, eventStoreContract } from '../testing/event-store-contract';
import { WrongExpectedRevisionError } from './errors';
import { MeteredEventStore } from './metered-event-store';
import { SqliteEventStore } from './sqlite-event-store';

const directory = mkdtempSync(join(tmpdir(), 'metered-event-store-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// Timing the appends changes nothing of what the store does.
eventStoreContract('embedded SQLite, metered', async () => new MeteredEventStore(new SqliteEventStore({ path: join(directory, 'events.db'), pollIntervalMs: 20 }), 'embedded'));

describe('MeteredEventStore', () => {
  const countOf = async (outcome: string): Promise<number> => {
    const metric = (await register.getSingleMetric('salon_event_store_append_seconds')?.get()) as { values: { metricName?: string; labels: Record<string, unknown>; value: number }[] } | undefined;
    const sample = metric?.values.find((value) => value.metricName === 'salon_event_store_append_seconds_count' && value.labels.outcome === outcome && value.labels.store === 'embedded');
    return sample?.value ?? 0;
  };

  it('times each append by outcome, and names no stream', async () => {
    const store = new MeteredEventStore(new SqliteEventStore({ path: join(directory, 'timed.db') }), 'embedded');
    try {
      const [ok, refused] = [await countOf('ok'), await countOf('wrong-expected-revision')];
      await store.appendToStream('client-3f1c2a9e', [anEvent()], { expectedRevision: 'no_stream' });
      await expect(store.appendToStream('client-3f1c2a9e', [anEvent()], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await countOf('ok')).toBe(ok + 1);
      expect(await countOf('wrong-expected-revision')).toBe(refused + 1);
      expect(await register.metrics()).not.toContain('3f1c2a9e');
    } finally {
      await store.close();
    }
  });
});
