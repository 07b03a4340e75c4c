import { randomUUID } from 'node:crypto';
import { EventStore, WrongExpectedRevisionError } from '@salon/shared/event-store';

const MAX_ATTEMPTS = 10;

/**
 * "Archived client N", N numbered per chain. Numbers are allocated by appending to one stream
 * per chain with the revision read, so two erasures at once cannot get the same number: the
 * loser retries on the next one. An erasure that is retried gets its first number back.
 */
export class ArchiveNumbers {
  constructor(private readonly store: EventStore) {}

  static streamOf(tenantId: string): string {
    return `archived-client-numbers-${tenantId}`;
  }

  async allocate(tenantId: string, clientId: string, correlationId: string): Promise<number> {
    const stream = ArchiveNumbers.streamOf(tenantId);
    for (let attempt = 1; ; attempt++) {
      const allocations = await this.store.readStream(stream);
      const earlier = allocations.find((event) => (event.data as { clientId: string }).clientId === clientId);
      if (earlier) return (earlier.data as { archivedNumber: number }).archivedNumber;
      const archivedNumber = allocations.length + 1;
      try {
        await this.store.appendToStream(
          stream,
          [
            {
              id: randomUUID(),
              type: 'ArchivedNumberAllocated',
              data: { clientId, archivedNumber },
              metadata: { tenantId, correlationId, causationId: correlationId, schemaVersion: 1 },
            },
          ],
          { expectedRevision: allocations.length === 0 ? 'no_stream' : BigInt(allocations.length - 1) },
        );
        return archivedNumber;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
