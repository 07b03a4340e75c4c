import { Injectable } from '@nestjs/common';
import { MessageContext, messageMetadata } from '@salon/shared/nest';
import { ConsentLedger, ConsentWriteResult } from '../consent-ledger/consent-ledger';

/** Closes the record of a deleted or erased client (from the clients' ClientDeleted / ClientErased). */
@Injectable()
export class CloseConsentRecord {
  constructor(private readonly ledger: ConsentLedger) {}

  execute(context: MessageContext, clientId: string, reason: 'deleted' | 'erased'): Promise<ConsentWriteResult> {
    return this.ledger.record(clientId, { type: 'CloseConsent', data: { clientId, reason }, metadata: messageMetadata(context) });
  }
}
