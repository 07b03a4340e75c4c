import { Injectable } from '@nestjs/common';
import { MessageContext, messageMetadata } from '@salon/shared/nest';
import { ConsentLedger, ConsentWriteResult } from '../consent-ledger/consent-ledger';

/** Re-evaluates the SMS permissions when the client's phone changes (from the clients' ClientProfileEdited). */
@Injectable()
export class NotePhoneLineChange {
  constructor(private readonly ledger: ConsentLedger) {}

  execute(context: MessageContext, clientId: string, smsCapable: boolean): Promise<ConsentWriteResult> {
    return this.ledger.record(clientId, { type: 'NotePhoneLineChange', data: { clientId, smsCapable }, metadata: messageMetadata(context) });
  }
}
