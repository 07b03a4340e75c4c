import { EventStore } from '@salon/shared/event-store';
import { PerChainSequence, SequenceFormat } from '@salon/shared/event-sourcing';

const ARCHIVE_NUMBER_FORMAT: SequenceFormat = {
  eventType: 'ArchivedNumberAllocated',
  streamOf: (tenantId) => `archived-client-numbers-${tenantId}`,
  toData: (clientId, archivedNumber) => ({ clientId, archivedNumber }),
  subjectOf: (data) => (data as { clientId: string }).clientId,
};

/**
 * "Archived client N", N numbered per chain (see PerChainSequence). An erasure that was recorded
 * keeps its number in ClientErased; one that failed before its append may get a new number when
 * retried, which leaves a gap, never a duplicate.
 */
export class ArchiveNumbers extends PerChainSequence {
  static readonly streamOf = ARCHIVE_NUMBER_FORMAT.streamOf;

  constructor(store: EventStore) {
    super(store, ARCHIVE_NUMBER_FORMAT);
  }
}
