import { ClientContactFactsV1, ClientIntegrationEventV1, PiiEnvelopeV1, RegistrationMarketingConsentV1, TOPICS } from '@salon/contracts';
import { ClientEvent, ClientProfile, clientEventCatalog, clientIdOfStream } from '@salon/clients/domain';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { assertNever } from '@salon/shared/ddd';
import { EventCodec } from '@salon/shared/event-sourcing';
import { RecordedEvent } from '@salon/shared/event-store';
import { OutgoingMessage, integrationMessage } from '@salon/shared/messaging';

/** The streams the clients relay reads: client streams only (not phone reservations, not counters). */
export const CLIENT_STREAM_PREFIXES = ['client-'] as const;

/** Client events as the store keeps them: personal fields encrypted with the client's data key. */
export function clientEventCodec(cipher: PersonalDataCipher): EventCodec<ClientEvent> {
  return new EventCodec(clientEventCatalog, cipher, clientIdOfStream);
}

/** What the mapper takes beside the domain event: the stored event's encrypted envelope, published as it is. */
export interface SealedPersonalData {
  readonly pii?: PiiEnvelopeV1;
}

/**
 * The clients context's mapping from its domain events to `clients.client-events.v1` (one per
 * domain event; a new domain event does not compile until it is mapped here). Every payload is
 * built field by field from the contract, so nothing the domain adds reaches the topic by itself
 * (e.g. the visit count on ClientErased). Personal fields travel only in the stored envelope; what
 * other contexts need to know of them travels in clear as facts, derived here by the context that
 * owns the data (contactFactsOf).
 */
export function toClientIntegrationEvent(event: ClientEvent, sealed: SealedPersonalData): ClientIntegrationEventV1 {
  switch (event.type) {
    case 'ClientRegistered': {
      const { clientId, initialConsent, marketingConsent, registeredAt } = event.data;
      return {
        type: event.type,
        data: {
          clientId,
          ...contactFactsOf(event.data),
          initialConsent,
          ...(marketingConsent === undefined ? {} : { marketingConsent: marketingConsentOf(marketingConsent) }),
          registeredAt,
          ...envelope(sealed),
        },
      };
    }
    case 'ClientProfileEdited': {
      const { clientId, editedAt } = event.data;
      return { type: event.type, data: { clientId, ...contactFactsOf(event.data), editedAt, ...envelope(sealed) } };
    }
    case 'ClientDiscountsSet': {
      const { clientId, productDiscountPercent, serviceDiscountPercent, setAt } = event.data;
      return { type: event.type, data: { clientId, productDiscountPercent, serviceDiscountPercent, setAt } };
    }
    case 'ClientPhotoSet': {
      const { clientId, setAt } = event.data;
      return { type: event.type, data: { clientId, setAt, ...envelope(sealed) } };
    }
    case 'ClientPhotoRemoved': {
      const { clientId, removedAt } = event.data;
      return { type: event.type, data: { clientId, removedAt } };
    }
    case 'ClientVisitNoted': {
      const { clientId, visitId, notedAt } = event.data;
      return { type: event.type, data: { clientId, visitId, notedAt } };
    }
    case 'ClientDeleted': {
      const { clientId, deletedAt } = event.data;
      return { type: event.type, data: { clientId, deletedAt } };
    }
    case 'ClientErased': {
      const { clientId, archivedNumber, erasedAt } = event.data;
      return { type: event.type, data: { clientId, archivedNumber, erasedAt } };
    }
    case 'ClientLegalHoldPlaced': {
      const { clientId, reason, placedAt } = event.data;
      return { type: event.type, data: { clientId, reason, placedAt, ...envelope(sealed) } };
    }
    case 'ClientLegalHoldLifted': {
      const { clientId, liftedAt } = event.data;
      return { type: event.type, data: { clientId, liftedAt } };
    }
    default:
      return assertNever(event);
  }
}

/**
 * The facts of a profile others act on. A profile decoded after the client's erasure has no
 * personal field left: it then has no e-mail (line types and SMS capability are stored in clear).
 */
export function contactFactsOf(profile: ClientProfile): ClientContactFactsV1 {
  return {
    phoneLineType: profile.phoneLineType,
    smsCapable: profile.smsCapable,
    ...(profile.secondPhoneLineType === undefined ? {} : { secondPhoneLineType: profile.secondPhoneLineType }),
    hasEmail: typeof profile.email === 'string' && profile.email !== '',
  };
}

function envelope(sealed: SealedPersonalData): { pii?: PiiEnvelopeV1 } {
  return sealed.pii === undefined ? {} : { pii: sealed.pii };
}

/**
 * The relay's mapping of one stored client event to its message on `clients.client-events.v1`
 * (`topic` is that name, with the environment's prefix if any): decoded with the client's key
 * (the clients context reads its own personal data to derive the facts), mapped by
 * toClientIntegrationEvent, the stored envelope passed on unopened.
 */
export function clientMessages(
  codec: EventCodec<ClientEvent>,
  topic: string = TOPICS.clientEvents.name,
): (event: RecordedEvent) => Promise<OutgoingMessage[]> {
  return async (recorded) => {
    if (!recorded.streamName.startsWith(CLIENT_STREAM_PREFIXES[0]) || !Object.hasOwn(clientEventCatalog, recorded.type)) return [];
    const event = await codec.decode(recorded);
    const published = toClientIntegrationEvent(event, { pii: (recorded.data as SealedPersonalData).pii });
    return [integrationMessage(topic, clientIdOfStream(recorded.streamName), published, recorded)];
  };
}

/** Written marketing consent as the contract has it, field by field (references and staff ids only). */
function marketingConsentOf(consent: RegistrationMarketingConsentV1): RegistrationMarketingConsentV1 {
  const { source, permissions, documentRef, consentTextVersion, signedAt, collectedBy, salonId } = consent;
  return {
    source,
    permissions: [...permissions],
    ...(documentRef === undefined ? {} : { documentRef }),
    ...(consentTextVersion === undefined ? {} : { consentTextVersion }),
    signedAt,
    collectedBy,
    salonId,
  };
}
