import { EventStore } from '@salon/shared/event-store';
import { PerChainSequence, SequenceFormat } from '@salon/shared/event-sourcing';

const VISIT_NUMBER_FORMAT: SequenceFormat = {
  eventType: 'VisitNumberAllocated',
  // Not under the `visit-` prefix: the relay, which reads visit streams only, must not see it.
  streamOf: (tenantId) => `chain-visit-numbers-${tenantId}`,
  toData: (visitId, number) => ({ visitId, number }),
  subjectOf: (data) => (data as { visitId: string }).visitId,
};

/** Visit numbers: one sequence per chain (see PerChainSequence); a retried booking gets its number back. */
export class VisitNumbers extends PerChainSequence {
  static readonly streamOf = VISIT_NUMBER_FORMAT.streamOf;

  constructor(store: EventStore) {
    super(store, VISIT_NUMBER_FORMAT);
  }
}
