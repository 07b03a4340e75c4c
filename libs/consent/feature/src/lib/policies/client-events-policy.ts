import { ClientEventsAsReadV1, TOPICS } from '@salon/contracts';
import { IncomingMessage, MessagePolicy, MessagingClient } from '@salon/shared/messaging';
import { messageContextOf } from '@salon/shared/nest';
import { ApplyRegistrationChoices, RegistrationFacts } from '../apply-registration-choices/apply-registration-choices.service';
import { CloseConsentRecord } from '../close-consent-record/close-consent-record.service';
import { NotePhoneLineChange } from '../note-phone-line-change/note-phone-line-change.service';

/** The use cases the policy issues: the same services any other caller would use. */
export interface ClientEventsUseCases {
  readonly applyRegistrationChoices: ApplyRegistrationChoices;
  readonly notePhoneLineChange: NotePhoneLineChange;
  readonly closeConsentRecord: CloseConsentRecord;
}

/**
 * What a registration opens the consent record with, all read in clear from the message: whether
 * the phone takes SMS, whether there is an e-mail, the boxes of the form. Nothing personal is
 * read (the envelope `pii` stays closed: it is the clients context's); an imported row's written
 * marketing consent (`marketingConsent`, references and staff ids only) too. A message published before
 * `hasEmail` was added to the contract says nothing of the e-mail and reads as none: e-mail
 * reminders then start OFF unless the form ticked them (see CLIENT_FIELDS_ADDED_TO_V1).
 */
export function registrationFactsOf(data: ClientEventsAsReadV1['ClientRegistered']): RegistrationFacts {
  const facts = { smsCapable: data.smsCapable, hasEmail: data.hasEmail ?? false, initialConsent: data.initialConsent };
  return data.marketingConsent === undefined ? facts : { ...facts, marketingConsent: data.marketingConsent };
}

/**
 * The consent context follows the clients context, from the facts its events carry in clear:
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
    kafka: MessagingClient,
    private readonly useCases: ClientEventsUseCases,
    prefix = '',
  ) {
    super({ kafka, groupId: 'consent.client-events-policy', topics: [TOPICS.clientEvents.name], prefix, partitionsConsumedConcurrently: 6 });
  }

  async handle(message: IncomingMessage): Promise<void> {
    if (message.data === null) return;
    const context = messageContextOf(message);
    switch (message.eventType) {
      case 'ClientRegistered': {
        const data = message.data as ClientEventsAsReadV1['ClientRegistered'];
        await this.useCases.applyRegistrationChoices.execute(context, data.clientId, registrationFactsOf(data));
        return;
      }
      case 'ClientProfileEdited': {
        const data = message.data as ClientEventsAsReadV1['ClientProfileEdited'];
        await this.useCases.notePhoneLineChange.execute(context, data.clientId, data.smsCapable);
        return;
      }
      case 'ClientDeleted':
        await this.useCases.closeConsentRecord.execute(context, (message.data as ClientEventsAsReadV1['ClientDeleted']).clientId, 'deleted');
        return;
      case 'ClientErased':
        await this.useCases.closeConsentRecord.execute(context, (message.data as ClientEventsAsReadV1['ClientErased']).clientId, 'erased');
        return;
      default:
        return;
    }
  }
}
