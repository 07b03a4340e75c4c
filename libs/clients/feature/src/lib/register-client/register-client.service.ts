import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InitialConsentChoicesV1, RegistrationMarketingConsentV1 } from '@salon/contracts';
import { ClientDiscountsForm, ClientProfileForm } from '@salon/clients/domain';
import { deterministicUuid } from '@salon/shared/event-sourcing';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { CLIENTS_SETTINGS, ClientsSettings } from '../clients-settings';
import { ClientStream, WriteResult } from '../client-stream/client-stream';
import { PhoneReservations, phoneToReserve } from '../phone-reservations/phone-reservations';

/** `marketingConsent` and `discounts` are an import's (written consent with its evidence; the discount columns); the front-desk form carries neither. */
export type RegistrationForm = ClientProfileForm & {
  allowSharedPhone?: boolean;
  initialConsent?: InitialConsentChoicesV1;
  marketingConsent?: RegistrationMarketingConsentV1;
  discounts?: ClientDiscountsForm;
};

/** Registers a client: reserves the phone number on its own stream first, then appends the client. */
@Injectable()
export class RegisterClient {
  constructor(
    private readonly clients: ClientStream,
    private readonly phones: PhoneReservations,
    @Inject(CLIENTS_SETTINGS) private readonly settings: ClientsSettings,
  ) {}

  async execute(context: CommandContext, form: RegistrationForm): Promise<WriteResult> {
    const clientId = clientIdFor(context);
    const { allowSharedPhone = false, initialConsent, marketingConsent, discounts, ...profile } = form;
    const defaultCountry = this.settings.defaultPhoneCountry;
    const phone = phoneToReserve(profile, defaultCountry);
    const { heldBefore } = await this.phones.reserve(commandMetadata(context), phone, clientId, allowSharedPhone);
    let result: WriteResult;
    try {
      result = await this.clients.record(clientId, {
        type: 'RegisterClient',
        data: {
          ...profile,
          clientId,
          defaultCountry,
          initialConsent,
          ...(marketingConsent === undefined ? {} : { marketingConsent }),
          ...(discounts === undefined ? {} : { discounts }),
        },
        metadata: commandMetadata(context),
      });
    } catch (error) {
      // A crash right here leaves the reservation behind: PhoneReservationSweeper releases it.
      await this.phones.release(commandMetadata(context), phone, clientId);
      throw error;
    }
    // A retry of a registration cut off after its reservation finds the reservation it made then,
    // old enough for the sweeper, which may have released it while the client was being appended
    // (it read the client as not registered): the number is reserved again if so. (The sweeper
    // checks again after a release too: between the two, one of them sees the other.)
    if (heldBefore) await this.phones.reserve(commandMetadata(context), phone, clientId, allowSharedPhone);
    return result;
  }
}

/** A retried registration (same Idempotency-Key) must land on the same client id. */
function clientIdFor(context: CommandContext): string {
  return context.idempotencyKey
    ? deterministicUuid(context.principal.tenantId, 'register-client', context.idempotencyKey)
    : randomUUID();
}
