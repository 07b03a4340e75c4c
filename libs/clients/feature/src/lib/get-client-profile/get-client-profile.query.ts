import { Injectable } from '@nestjs/common';
import { clientNotFound } from '../client-stream/client-stream';
import { ClientProfileQueries, ClientProfileView } from '../projections/client-profiles';

/** The profile view of one client (the read model, eventually consistent); 404 when there is none in this chain. */
@Injectable()
export class GetClientProfile {
  constructor(private readonly profiles: ClientProfileQueries) {}

  async execute(tenantId: string, clientId: string): Promise<ClientProfileView> {
    const view = await this.profiles.getProfile(tenantId, clientId);
    if (!view) throw clientNotFound(clientId);
    return view;
  }
}
