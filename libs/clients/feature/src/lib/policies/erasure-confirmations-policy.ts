import { ConsentEventsV1, MediaEventsV1, TOPICS } from '@salon/contracts';
import { IncomingMessage, MessagePolicy, MessagingClient } from '@salon/shared/messaging';
import { ErasureConfirmations } from '../get-erasure-certificate/erasure-confirmations';

/**
 * Hears the other contexts confirm their part of an erasure, for the erasure certificate: the
 * media context's ClientPhotosErased (every photo object version removed) and the consent
 * context's ConsentClosed with reason erased (the record closed, the state tombstoned). Each is
 * stored once by its event id, so a redelivered message is harmless. A deletion's (because /
 * reason 'deleted') is not an erasure's and is passed over, as is every other event.
 */
export class ErasureConfirmationsPolicy extends MessagePolicy {
  constructor(
    kafka: MessagingClient,
    private readonly confirmations: ErasureConfirmations,
    prefix = '',
  ) {
    super({ kafka, groupId: 'clients.erasure-confirmations', topics: [TOPICS.photoEvents.name, TOPICS.consentEvents.name], prefix });
  }

  async handle(message: IncomingMessage): Promise<void> {
    const confirmation = confirmationOf(message);
    if (confirmation) await this.confirmations.record(confirmation);
  }
}

function confirmationOf(message: IncomingMessage) {
  const base = { _id: message.eventId, tenantId: message.tenantId, eventType: message.eventType };
  if (message.eventType === 'ClientPhotosErased') {
    const data = message.data as MediaEventsV1['ClientPhotosErased'] | null;
    if (data?.because !== 'erased' || !isText(data.clientId) || !isInstant(data.erasedAt)) return undefined;
    return { ...base, clientId: data.clientId, store: 'media' as const, confirmedAt: data.erasedAt };
  }
  if (message.eventType === 'ConsentClosed') {
    const data = message.data as ConsentEventsV1['ConsentClosed'] | null;
    if (data?.reason !== 'erased' || !isText(data.clientId) || !isInstant(data.closedAt)) return undefined;
    return { ...base, clientId: data.clientId, store: 'consent' as const, confirmedAt: data.closedAt };
  }
  return undefined;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isInstant = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));
