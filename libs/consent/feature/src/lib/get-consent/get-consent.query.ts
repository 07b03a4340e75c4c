import { Injectable } from '@nestjs/common';
import { ConsentState } from '@salon/consent/domain';
import { ConsentLedger } from '../consent-ledger/consent-ledger';

/** The client's consent as it now stands, read from the ledger itself (never behind). */
@Injectable()
export class GetConsent {
  constructor(private readonly ledger: ConsentLedger) {}

  execute(tenantId: string, clientId: string): Promise<{ state: ConsentState; revision: bigint | undefined }> {
    return this.ledger.current(tenantId, clientId);
  }
}
