import { Injectable } from '@nestjs/common';
import { ContactAnswer, ContactChannel, ContactPurpose, mayContact } from '@salon/consent/domain';
import { ConsentLedger } from '../consent-ledger/consent-ledger';

/** May <purpose> be sent by <channel> to the client now: answered from the ledger itself. */
@Injectable()
export class MayContact {
  constructor(private readonly ledger: ConsentLedger) {}

  async execute(tenantId: string, clientId: string, purpose: ContactPurpose, channel: ContactChannel, now = new Date()): Promise<ContactAnswer> {
    const { state } = await this.ledger.current(tenantId, clientId);
    return mayContact(state, purpose, channel, now);
  }
}
