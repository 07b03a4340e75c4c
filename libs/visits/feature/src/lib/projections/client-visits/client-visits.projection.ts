import { TOPICS, VisitEventV1, VisitSnapshotV1 } from '@salon/contracts';
import { IncomingMessage, Projection } from '@salon/shared/messaging';
import { CLIENT_VISITS_COLLECTION, ClientVisitDocument } from './client-visit.document';
import { searchKeys } from './search-key';

export const CLIENT_VISITS_PROJECTION = 'client-visits';

/**
 * The visit list (`client_visits`), one document per visit, from `visits.visit-events.v1`.
 * Every message carries the whole visit after its event, so a document is simply the snapshot of
 * the latest revision the runner let through (older and redelivered ones never reach evolve).
 */
export function createClientVisitsProjection(): Projection<ClientVisitDocument> {
  return {
    name: CLIENT_VISITS_PROJECTION,
    topics: [TOPICS.visitEvents.name],
    collections: [CLIENT_VISITS_COLLECTION],
    canHandle: isVisitMessage,
    documentId: visitIdOf,
    // evolve keeps nothing of the stored document: the runner reads only its revision.
    readFields: [],
    evolve: (_document, message) => ({ _id: visitIdOf(message), ...clientVisitFields(message.tenantId, (message as VisitMessage).data.visit) }),
  };
}

export type VisitMessage = IncomingMessage<VisitEventV1> & { readonly data: VisitEventV1 };

/** A message with a visit snapshot (tombstones and anything else are skipped). */
export function isVisitMessage(message: IncomingMessage): message is VisitMessage {
  const data = message.data as Partial<VisitEventV1> | null;
  return typeof data === 'object' && data !== null && typeof data.visit === 'object' && data.visit !== null && typeof data.visit.visitId === 'string';
}

/** The visit a visit message is about (documents of visit projections are keyed by it). */
export function visitIdOf(message: IncomingMessage): string {
  return (message as VisitMessage).data.visit.visitId;
}

/** Every field of the document but `_id` and `revision`. */
export function clientVisitFields(tenantId: string, visit: VisitSnapshotV1) {
  const services = visit.services.map((line) => ({ ...line }));
  const specialists = visit.specialists.map((specialist) => ({ ...specialist }));
  return {
    tenantId,
    clientId: visit.clientId,
    number: visit.number,
    status: visit.status,
    startsAt: dateOf(visit.startsAt),
    endsAt: dateOf(visit.endsAt),
    salonDate: visit.salonDate,
    salonId: visit.salonId,
    services,
    serviceCount: services.length,
    specialists,
    amounts: { price: visit.amounts.price, discount: visit.amounts.discount, total: visit.amounts.total, paid: visit.amounts.paid },
    bookedAt: dateOf(visit.bookedAt),
    updatedAt: dateOf(visit.updatedAt),
    search: {
      specialists: searchKeys([...specialists.map((s) => s.specialistName), ...services.map((s) => s.specialistName)]),
      services: searchKeys(services.map((s) => s.name)),
    },
  };
}

export function dateOf(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`A visit event has an invalid timestamp: ${JSON.stringify(value)}`);
  return date;
}
