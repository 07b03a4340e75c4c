import {
  CONSENT_EVENT_TYPES_V1,
  CONSENT_STATE_EVENT_TYPE_V1,
  ConsentIntegrationEventV1,
  ConsentStateV1,
  HEADERS,
  TOPICS,
} from '@salon/contracts';
import { ConsentEvent, ConsentState, clientIdOfConsentStream, consentDecider, consentEventCatalog, toConsentState } from '@salon/consent/domain';
import { assertNever } from '@salon/shared/ddd';
import { EventCodec, stateAfterEvent } from '@salon/shared/event-sourcing';
import { EventStore, RecordedEvent } from '@salon/shared/event-store';
import { OutgoingMessage, headersOf, integrationMessage } from '@salon/shared/messaging';

/** The streams the consent relay reads. */
export const CONSENT_STREAM_PREFIXES = ['consent-'] as const;

const PUBLISHED = new Set<string>(CONSENT_EVENT_TYPES_V1);

/**
 * Consent events hold no personal data, so their codec has no key store: the consent service
 * cannot read anyone's personal data, its own or the clients context's.
 */
export function consentEventCodec(): EventCodec<ConsentEvent> {
  return EventCodec.withoutPersonalData(consentEventCatalog);
}

/**
 * The consent context's mapping from its domain events to `consent.consent-events.v1` (one per
 * domain event; a new domain event does not compile until it is mapped here). The contract
 * restates the domain's event types, so each one is published as recorded: each case compiles
 * only while the domain's data is the contract's.
 */
export function toConsentIntegrationEvent(event: ConsentEvent): ConsentIntegrationEventV1 {
  switch (event.type) {
    case 'RegistrationConsentApplied':
      return { type: event.type, data: event.data };
    case 'ConsentGranted':
      return { type: event.type, data: event.data };
    case 'MarketingConsentGranted':
      return { type: event.type, data: event.data };
    case 'ConsentWithdrawn':
      return { type: event.type, data: event.data };
    case 'AllMarketingConsentWithdrawn':
      return { type: event.type, data: event.data };
    case 'SmsCapabilityChanged':
      return { type: event.type, data: event.data };
    case 'SmsConsentSwitchedOff':
      return { type: event.type, data: event.data };
    case 'ConsentClosed':
      return { type: event.type, data: event.data };
    default:
      return assertNever(event);
  }
}

/** The client's whole consent as `consent.consent-state.v1` carries it; null (a tombstone) once closed. */
export function toConsentStateV1(state: ConsentState): ConsentStateV1 | null {
  return toConsentState(state);
}

export interface ConsentTopics {
  readonly events: string;
  readonly state: string;
}

/**
 * The relay's mapping of one stored consent event to two messages: the event itself on
 * `consent.consent-events.v1`, and the client's whole consent after it on the compacted
 * `consent.consent-state.v1` (null value, a tombstone, once the record is closed). The state
 * is the one right after that event (see stateAfterEvent), so the last message per key is
 * always the latest state.
 */
export function consentMessages(
  store: EventStore,
  codec: EventCodec<ConsentEvent>,
  topics: ConsentTopics = { events: TOPICS.consentEvents.name, state: TOPICS.consentState.name },
): (event: RecordedEvent) => Promise<OutgoingMessage[]> {
  const stateAfter = stateAfterEvent(store, consentDecider, codec);

  return async (event) => {
    if (!event.streamName.startsWith(CONSENT_STREAM_PREFIXES[0]) || !PUBLISHED.has(event.type)) return [];
    const clientId = clientIdOfConsentStream(event.streamName);
    const decoded = await codec.decode(event);
    const published = toConsentStateV1(await stateAfter(event, decoded));
    return [
      integrationMessage(topics.events, clientId, toConsentIntegrationEvent(decoded), event),
      {
        topic: topics.state,
        key: clientId,
        value: published === null ? null : JSON.stringify(published),
        headers: { ...headersOf(event, CONSENT_STATE_EVENT_TYPE_V1), [HEADERS.schemaVersion]: '1' },
      },
    ];
  };
}
