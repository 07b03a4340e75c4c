import { TOPICS, VisitEventV1, VisitSnapshotV1 } from '@salon/contracts';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { EventCodec, stateAfterEvent } from '@salon/shared/event-sourcing';
import { EventStore, RecordedEvent } from '@salon/shared/event-store';
import { OutgoingMessage, headersOf } from '@salon/shared/messaging';
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

export function toVisitEventV1(event: VisitEvent, visit: Visit, bookedAt: string): VisitEventV1 {
  const { data } = event;
  return {
    type: event.type,
    visitId: visit.visitId,
    clientId: visit.clientId,
    occurredAt: data.at,
    ...(data.actorId === undefined ? {} : { actorId: data.actorId }),
    ...(event.type === 'VisitCancelled' ? { cancelledBy: event.data.by, late: event.data.late } : {}),
    ...(event.type === 'VisitPaymentRecorded' ? { paymentAmount: event.data.amount } : {}),
    visit: toVisitSnapshotV1(visit, bookedAt, data.at),
  };
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
    return [
      {
        topic,
        key: visit.clientId,
        value: JSON.stringify(toVisitEventV1(decoded, visit, bookedAt)),
        headers: headersOf(event),
      },
    ];
  };
}
