import { Inject, Injectable } from '@nestjs/common';
import { CLIENTS_SETTINGS, ClientsSettings } from '../clients-settings';
import { ClientProfileQueries, ClientProfileView } from '../projections/client-profiles';
import { SearchClientsRequest } from './search-clients.request.dto';

/** The client search of the front desk, over the profile read model; a phone typed without `+` is read in the chain's country. */
@Injectable()
export class SearchClients {
  constructor(
    private readonly profiles: ClientProfileQueries,
    @Inject(CLIENTS_SETTINGS) private readonly settings: ClientsSettings,
  ) {}

  execute(tenantId: string, request: SearchClientsRequest): Promise<{ items: ClientProfileView[]; nextCursor?: string }> {
    const { name, createdFrom, createdTo, ...rest } = request;
    return this.profiles.search(tenantId, {
      ...rest,
      text: name,
      createdFrom: createdFrom ? new Date(createdFrom) : undefined,
      createdTo: createdTo ? new Date(createdTo) : undefined,
      defaultCountry: this.settings.defaultPhoneCountry,
    });
  }
}
