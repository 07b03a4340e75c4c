import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@salon/shared/event-store';
import { VisitNumbers } from './visit-numbers';

describe('VisitNumbers (on the embedded event store)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let numbers: VisitNumbers;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'visit-numbers-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    numbers = new VisitNumbers(store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts at 1 and counts up per chain', async () => {
    expect(await numbers.allocate('chain-a', 'v1', 'c')).toBe(1);
    expect(await numbers.allocate('chain-a', 'v2', 'c')).toBe(2);
    expect(await numbers.allocate('chain-b', 'v3', 'c')).toBe(1);
    expect(await numbers.allocate('chain-a', 'v4', 'c')).toBe(3);
  });

  it('gives a retried allocation its number back', async () => {
    const first = await numbers.allocate('chain-a', 'v1', 'c');
    expect(await numbers.allocate('chain-a', 'v1', 'c')).toBe(first);
  });

  it('never hands one number to two concurrent bookings', async () => {
    const allocated = await Promise.all(Array.from({ length: 30 }, (_, i) => numbers.allocate('chain-a', `v${i}`, 'c')));
    expect([...allocated].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});
