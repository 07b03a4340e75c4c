import { Injectable } from '@nestjs/common';
import { ConsentSource } from '@salon/consent/domain';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ConsentLedger, ConsentWriteResult } from '../consent-ledger/consent-ledger';

/** Switches every marketing permission OFF in one command. */
@Injectable()
export class WithdrawAllMarketing {
  constructor(private readonly ledger: ConsentLedger) {}

  execute(context: CommandContext, clientId: string, source: ConsentSource): Promise<ConsentWriteResult> {
    return this.ledger.record(clientId, { type: 'WithdrawAllMarketing', data: { clientId, source }, metadata: commandMetadata(context) });
  }
}
