import { Inject, Injectable } from '@nestjs/common';
import { phoneInUse, phonesOfHistory } from '@salon/clients/domain';
import { KEY_STORE, KeyStore } from '@salon/shared/crypto';
import { CommandMetadata } from '@salon/shared/ddd';
import { ClientStream } from '../client-stream/client-stream';
import { PhoneReservations } from '../phone-reservations/phone-reservations';

/**
 * Brings what lives beside the client's stream in line with it: releases every number the
 * client had but no longer uses, and once the client is deleted or erased destroys the data key —
 * after the releases, because the numbers are readable only with the key. Each step may be
 * repeated, so edit, delete and erase run it right after their append and ClientRemovalFollowUp
 * runs it again from the event store for whatever a crash left undone.
 */
@Injectable()
export class SettleClient {
  constructor(
    private readonly clients: ClientStream,
    private readonly phones: PhoneReservations,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
  ) {}

  async execute(metadata: CommandMetadata, clientId: string): Promise<void> {
    const { state, history } = await this.clients.load(metadata.tenantId, clientId);
    if (state.status === 'unregistered') return;
    const inUse = phoneInUse(state);
    for (const phone of phonesOfHistory(history)) {
      if (phone !== inUse) await this.phones.release(metadata, phone, clientId);
    }
    if (state.status === 'deleted' || state.status === 'erased') await this.keys.deleteKey(metadata.tenantId, clientId);
  }
}
