import { TOPICS, VisitEventV1, VisitSnapshotV1 } from '@salon/contracts';
import { IncomingMessage, Projection, ReadModelWrite, WriteBatch, guardedUpsert } from '@salon/shared/messaging';
import { CLIENT_VISITS_COLLECTION } from './client-visit.document';
import { searchKeys } from './search-key';

export const CLIENT_VISITS_PROJECTION = 'client-visits';

/**
 * The visit list (`client_visits`), one document per visit, from `visits.visit-events.v1`.
 * Every message carries the whole visit after its event, so a document is simply the snapshot of
 * the latest revision: a guardedUpsert on the visit stream revision, so that a redelivered or
 * older message changes nothing. Within a batch only the latest revision of each visit is
 * written (the earlier ones would be overwritten anyway).
 */
export function createClientVisitsProjection(): Projection {
  const apply = (messages: readonly IncomingMessage[]) => {
    const batch = new WriteBatch();
    for (const message of latestPerVisit(messages)) batch.add(CLIENT_VISITS_COLLECTION, clientVisitWrite(message));
    return batch.toWrites();
  };
  return {
    name: CLIENT_VISITS_PROJECTION,
    topics: [TOPICS.visitEvents.name],
    collections: [CLIENT_VISITS_COLLECTION],
    apply,
  };
}

export type VisitMessage = IncomingMessage<VisitEventV1> & { readonly data: VisitEventV1 };

/** A message with a visit snapshot (tombstones and anything else are skipped). */
export function isVisitMessage(message: IncomingMessage): message is VisitMessage {
  const data = message.data as Partial<VisitEventV1> | null;
  return typeof data === 'object' && data !== null && typeof data.visit === 'object' && data.visit !== null && typeof data.visit.visitId === 'string';
}

/** The visit messages of a batch, only the highest revision of each visit, in first-seen order. */
export function latestPerVisit(messages: readonly IncomingMessage[]): VisitMessage[] {
  const latest = new Map<string, VisitMessage>();
  for (const message of messages) {
    if (!isVisitMessage(message)) continue;
    const id = message.data.visit.visitId;
    const seen = latest.get(id);
    if (!seen || message.streamRevision > seen.streamRevision) latest.set(id, message);
  }
  return [...latest.values()];
}

export function clientVisitWrite(message: VisitMessage): ReadModelWrite {
  return guardedUpsert(message.data.visit.visitId, message.streamRevision, { $set: clientVisitFields(message.tenantId, message.data.visit) });
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
