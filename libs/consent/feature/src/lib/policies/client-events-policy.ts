import type { Kafka } from 'kafkajs';
import { ClientEventsV1, TOPICS } from '@salon/contracts';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { IncomingMessage, MessagePolicy } from '@salon/shared/messaging';
import { MessageContext } from '@salon/shared/nest';
import { ApplyRegistrationChoices } from '../apply-registration-choices/apply-registration-choices.service';
import { CloseConsentRecord } from '../close-consent-record/close-consent-record.service';
import { NotePhoneLineChange } from '../note-phone-line-change/note-phone-line-change.service';

/** The use cases the policy issues: the same services any other caller would use. */
export interface ClientEventsUseCases {
  readonly applyRegistrationChoices: ApplyRegistrationChoices;
  readonly notePhoneLineChange: NotePhoneLineChange;
  readonly closeConsentRecord: CloseConsentRecord;
}

/**
 * The consent context follows the clients context:
 * - ClientRegistered opens the consent record with the choices of the registration form;
 * - ClientProfileEdited re-evaluates whether the phone can take SMS (a landline switches SMS OFF);
 * - ClientDeleted / ClientErased close the record (every permission reads no, a tombstone is published).
 *
 * Commands carry the message's event id, so a redelivered message records nothing twice. The
 * topic's key is the client id: a client's messages arrive in order. A message that cannot be
 * read, or that a rule refuses (e.g. the phone of a client with no record), goes to the dead
 * letters, to be replayed once fixed; anything transient is retried (see SupervisedConsumer).
 */
export class ClientEventsPolicy extends MessagePolicy {
  constructor(
    kafka: Kafka,
    private readonly useCases: ClientEventsUseCases,
    private readonly cipher: PersonalDataCipher,
    prefix = '',
  ) {
    super({ kafka, groupId: 'consent.client-events-policy', topics: [TOPICS.clientEvents.name], prefix, partitionsConsumedConcurrently: 6 });
  }

  async handle(message: IncomingMessage): Promise<void> {
    if (message.data === null) return;
    const context: MessageContext = {
      tenantId: message.tenantId,
      correlationId: message.correlationId,
      causationId: message.eventId,
      messageId: message.eventId,
    };
    switch (message.eventType) {
      case 'ClientRegistered': {
        const data = message.data as ClientEventsV1['ClientRegistered'];
        await this.useCases.applyRegistrationChoices.execute(context, data.clientId, {
          smsCapable: data.smsCapable,
          hasEmail: await this.hasEmail(message.tenantId, data),
          initialConsent: data.initialConsent,
        });
        return;
      }
      case 'ClientProfileEdited': {
        const data = message.data as ClientEventsV1['ClientProfileEdited'];
        await this.useCases.notePhoneLineChange.execute(context, data.clientId, data.smsCapable);
        return;
      }
      case 'ClientDeleted':
        await this.useCases.closeConsentRecord.execute(context, (message.data as ClientEventsV1['ClientDeleted']).clientId, 'deleted');
        return;
      case 'ClientErased':
        await this.useCases.closeConsentRecord.execute(context, (message.data as ClientEventsV1['ClientErased']).clientId, 'erased');
        return;
      default:
        return;
    }
  }

  /** The e-mail is personal data: whether there is one is read from the encrypted envelope. An erased client has none. */
  private async hasEmail(tenantId: string, data: ClientEventsV1['ClientRegistered']): Promise<boolean> {
    if (!data.pii) return false;
    const clear = await this.cipher.decrypt(tenantId, data as unknown as Record<string, unknown>, { expectedSubjectId: data.clientId });
    return typeof clear['email'] === 'string' && clear['email'].trim() !== '';
  }
}
