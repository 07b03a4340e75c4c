import { TOPICS, VisitEventV1, VisitIntegrationEventV1, VisitSnapshotV1 } from '@salon/contracts';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { assertNever } from '@salon/shared/ddd';
import { EventCodec, stateAfterEvent } from '@salon/shared/event-sourcing';
import { EventStore, RecordedEvent } from '@salon/shared/event-store';
import { OutgoingMessage, integrationMessage } from '@salon/shared/messaging';
import { Visit, VisitEvent, VisitState, visitDecider, visitEventCatalog } from '@salon/visits/domain';

/** The streams the visits relay reads. */
export const VISIT_STREAM_PREFIXES = ['visit-'] as const;

/** Visit events hold no personal data, so the codec never encrypts; the subject is the stream. */
export function visitEventCodec(cipher: PersonalDataCipher): EventCodec<VisitEvent> {
  return new EventCodec(visitEventCatalog, cipher, (stream) => stream);
}

export function toVisitSnapshotV1(visit: Visit, bookedAt: string, updatedAt: string): VisitSnapshotV1 {
  return {
    visitId: visit.visitId,
    clientId: visit.clientId,
    number: visit.number,
    salonId: visit.salonId,
    startsAt: visit.startsAt,
    endsAt: visit.endsAt,
    salonDate: visit.salonDate,
    status: visit.status,
    services: visit.services,
    specialists: visit.specialists,
    amounts: visit.amounts,
    bookedAt,
    updatedAt,
  };
}

/**
 * The visits context's mapping from its domain events to `visits.visit-events.v1` (one per domain
 * event; a new domain event does not compile until it is mapped here): each message carries the
 * whole visit after the event (event-carried state), `visit` being the state the relay folded up
 * to it and `bookedAt` the time of its booking.
 */
export function toVisitIntegrationEvent(event: VisitEvent, visit: Visit, bookedAt: string): VisitIntegrationEventV1 {
  const { at, actorId } = event.data;
  const common = { visitId: visit.visitId, clientId: visit.clientId, occurredAt: at, ...(actorId === undefined ? {} : { actorId }) };
  const after = toVisitSnapshotV1(visit, bookedAt, at);
  switch (event.type) {
    case 'VisitBooked':
      return { type: event.type, data: { type: event.type, ...common, visit: after } };
    case 'VisitConfirmed':
      return { type: event.type, data: { type: event.type, ...common, visit: after } };
    case 'VisitArrived':
      return { type: event.type, data: { type: event.type, ...common, visit: after } };
    case 'VisitCompleted':
      return { type: event.type, data: { type: event.type, ...common, visit: after } };
    case 'VisitCancelled':
      return { type: event.type, data: { type: event.type, ...common, cancelledBy: event.data.by, late: event.data.late, visit: after } };
    case 'VisitNoShowMarked':
      return { type: event.type, data: { type: event.type, ...common, visit: after } };
    case 'VisitRescheduled':
      return { type: event.type, data: { type: event.type, ...common, visit: after } };
    case 'VisitServicesChanged':
      return { type: event.type, data: { type: event.type, ...common, visit: after } };
    case 'VisitPaymentRecorded':
      return { type: event.type, data: { type: event.type, ...common, paymentAmount: event.data.amount, visit: after } };
    default:
      return assertNever(event);
  }
}

/** The message value of a visit event (what toVisitIntegrationEvent gives as `data`), read as the wide VisitEventV1. */
export function toVisitEventV1(event: VisitEvent, visit: Visit, bookedAt: string): VisitEventV1 {
  return toVisitIntegrationEvent(event, visit, bookedAt).data;
}

/**
 * The relay's mapping: every visit event becomes one message on `visits.visit-events.v1`, keyed
 * by the client id (one client's visits stay in order), carrying the whole visit after it.
 */
export function visitMessages(
  store: EventStore,
  codec: EventCodec<VisitEvent>,
  topic: string = TOPICS.visitEvents.name,
): (event: RecordedEvent) => Promise<OutgoingMessage[]> {
  const stateAfter = stateAfterEvent<VisitState & { bookedAt?: string }, VisitEvent>(
    store,
    {
      initialState: visitDecider.initialState,
      // The booking time is not part of the decider's state; the snapshot carries it.
      evolve: (state, event) => ({
        ...visitDecider.evolve(state, event),
        bookedAt: event.type === 'VisitBooked' ? event.data.at : state.bookedAt,
      }),
    },
    codec,
  );
  return async (event) => {
    if (!event.streamName.startsWith(VISIT_STREAM_PREFIXES[0]) || !Object.hasOwn(visitEventCatalog, event.type)) return [];
    const decoded = await codec.decode(event);
    const after = await stateAfter(event, decoded);
    if (after.status === 'none') return [];
    const { bookedAt = decoded.data.at, ...visit } = after;
    return [integrationMessage(topic, visit.clientId, toVisitIntegrationEvent(decoded, visit, bookedAt), event)];
  };
}
