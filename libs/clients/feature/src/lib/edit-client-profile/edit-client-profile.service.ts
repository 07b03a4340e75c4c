import { Inject, Injectable } from '@nestjs/common';
import { ClientProfileForm } from '@salon/clients/domain';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { CLIENTS_SETTINGS, ClientsSettings } from '../clients-settings';
import { ClientStream, WriteResult, clientNotFound } from '../client-stream/client-stream';
import { PhoneReservations, phoneToReserve } from '../phone-reservations/phone-reservations';

export type ProfileEditForm = ClientProfileForm & { allowSharedPhone?: boolean };

/** One explicit save of the whole profile form, made on the revision the user saw. */
@Injectable()
export class EditClientProfile {
  constructor(
    private readonly clients: ClientStream,
    private readonly phones: PhoneReservations,
    @Inject(CLIENTS_SETTINGS) private readonly settings: ClientsSettings,
  ) {}

  async execute(context: CommandContext, clientId: string, form: ProfileEditForm, expectedRevision: bigint): Promise<WriteResult> {
    const { allowSharedPhone = false, ...profile } = form;
    const { state: before } = await this.clients.load(context.principal.tenantId, clientId);
    if (before.status !== 'active') throw clientNotFound(clientId);
    const defaultCountry = this.settings.defaultPhoneCountry;
    const newPhone = phoneToReserve(profile, defaultCountry);
    const phoneChanges = newPhone !== before.profile.phone;
    if (phoneChanges) await this.phones.reserve(commandMetadata(context), newPhone, clientId, allowSharedPhone);
    try {
      const result = await this.clients.record(
        clientId,
        { type: 'EditClientProfile', data: { ...profile, clientId, defaultCountry }, metadata: commandMetadata(context) },
        { expectedRevision },
      );
      // Left undone by a crash, ClientRemovalFollowUp releases the former number.
      if (phoneChanges) await this.phones.release(commandMetadata(context), before.profile.phone, clientId);
      return result;
    } catch (error) {
      if (phoneChanges) await this.phones.release(commandMetadata(context), newPhone, clientId);
      throw error;
    }
  }
}
