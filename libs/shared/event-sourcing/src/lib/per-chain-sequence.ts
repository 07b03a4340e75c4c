import { randomUUID } from 'node:crypto';
import { EventStore } from '@salon/shared/event-store';
import { CONTENDED_STREAM, retryOnConflict } from './conflict-retry';

/** How one allocation is stored: its event type and data, whose shape stays the stored one. */
export interface SequenceFormat {
  readonly eventType: string;
  readonly streamOf: (tenantId: string) => string;
  readonly toData: (subjectId: string, number: number) => Record<string, unknown>;
  readonly subjectOf: (data: unknown) => string;
}

/**
 * Numbers unique and increasing within a chain, short enough to say aloud (visit numbers,
 * "Archived client N"). Each number is an event appended to one stream per chain with the
 * revision read, so two allocations at once never get the same number (the loser decides again
 * on the next revision); the number is the stream revision + 1. Only the last event is read, so
 * an allocation costs the same at the 10th number and at the 10,000,000th, and no read model is
 * involved, hence no read-model lag.
 *
 * A retry whose number was the last one handed out gets it back. A caller that fails after its
 * number was allocated leaves a gap: numbers are unique and increasing, not dense.
 */
export class PerChainSequence {
  constructor(
    private readonly store: EventStore,
    private readonly format: SequenceFormat,
  ) {}

  async allocate(tenantId: string, subjectId: string, correlationId: string): Promise<number> {
    const stream = this.format.streamOf(tenantId);
    return retryOnConflict(async () => {
      const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      if (last && this.format.subjectOf(last.data) === subjectId) return Number(last.revision) + 1;
      const number = last === undefined ? 1 : Number(last.revision) + 2;
      await this.store.appendToStream(
        stream,
        [
          {
            // Never a deterministic id: the store would take a racing append of the same number
            // for a retry of the first one and let both callers have it.
            id: randomUUID(),
            type: this.format.eventType,
            data: this.format.toData(subjectId, number),
            metadata: { tenantId, correlationId, causationId: correlationId, schemaVersion: 1 },
          },
        ],
        { expectedRevision: last === undefined ? 'no_stream' : last.revision },
      );
      return number;
    }, CONTENDED_STREAM);
  }
}
