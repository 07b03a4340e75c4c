import { EventStore, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const MAX_ATTEMPTS = 50;

/**
 * Visit numbers: unique and increasing within a chain, short enough to say aloud. Each number is
 * an event appended to one stream per chain with the revision read, so two bookings at once can
 * never get the same number (the loser appends again on the next revision); the number is the
 * stream revision + 1. Only the last event is read, so allocation costs the same at visit 10 and
 * at visit 10,000,000. No read model is involved, hence no read-model lag race.
 *
 * A booking that fails after its number was allocated leaves a gap: numbers are unique and
 * increasing, not dense.
 */
export class VisitNumbers {
  constructor(private readonly store: EventStore) {}

  /** Not under the `visit-` prefix: the relay, which reads visit streams only, must not see it. */
  static streamOf(tenantId: string): string {
    return `chain-visit-numbers-${tenantId}`;
  }

  async allocate(tenantId: string, visitId: string, correlationId: string): Promise<number> {
    const stream = VisitNumbers.streamOf(tenantId);
    for (let attempt = 1; ; attempt++) {
      const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      const allocation = last?.data as { visitId: string; number: number } | undefined;
      // A retried booking whose number was the last one handed out gets it back.
      if (allocation?.visitId === visitId) return allocation.number;
      const number = last === undefined ? 1 : Number(last.revision) + 2;
      try {
        await this.store.appendToStream(
          stream,
          [
            {
              // Never a deterministic id: the store would take a racing append of the same number
              // for a retry of the first one and let both bookings have it.
              id: randomUUID(),
              type: 'VisitNumberAllocated',
              data: { visitId, number },
              metadata: { tenantId, correlationId, causationId: correlationId, schemaVersion: 1 },
            },
          ],
          { expectedRevision: last === undefined ? 'no_stream' : last.revision },
        );
        return number;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
        // A jittered pause, growing with the attempts, so a burst of bookings spreads out
        // instead of colliding again on the next revision.
        await sleep(Math.random() * Math.min(attempt, 10) * 2);
      }
    }
  }
}
