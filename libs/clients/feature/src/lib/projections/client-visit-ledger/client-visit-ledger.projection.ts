import { TOPICS, VisitEventV1 } from '@salon/contracts';
import { IncomingMessage, Projection } from '@salon/shared/messaging';
import { CLIENT_VISIT_LEDGER_COLLECTION, VisitLedgerEntry, toLedgerEntry } from './card-visit-totals';

export const CLIENT_VISIT_LEDGER_PROJECTION = 'client-visit-ledger';

/**
 * The clients context's record of every visit it heard of (`client_visit_ledger`, one entry per
 * visit, nothing personal), from `visits.visit-events.v1`: the visit as its latest revision
 * states it. The statistics on the client card are not computed from here but by the
 * client-profiles projection, from the same messages, so that one projection writes the card.
 */
export function createClientVisitLedgerProjection(): Projection<VisitLedgerEntry> {
  return {
    name: CLIENT_VISIT_LEDGER_PROJECTION,
    topics: [TOPICS.visitEvents.name],
    collections: [CLIENT_VISIT_LEDGER_COLLECTION],
    canHandle: isVisitEvent,
    documentId: (message) => (message.data as VisitEventV1).visitId,
    evolve: (_entry, message) => {
      const event = message.data as VisitEventV1;
      return { _id: event.visitId, ...toLedgerEntry(message.tenantId, event.visit) };
    },
  };
}

function isVisitEvent(message: IncomingMessage): boolean {
  const event = message.data as Partial<VisitEventV1> | null;
  return event !== null && typeof event.visitId === 'string' && typeof event.clientId === 'string' && typeof event.visit === 'object' && event.visit !== null;
}
