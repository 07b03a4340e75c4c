import { Injectable } from '@nestjs/common';
import { ConsentEvent } from '@salon/consent/domain';
import { ConsentLedger } from '../consent-ledger/consent-ledger';

/** One recorded change of the ledger, decoded, with its position in the stream. */
export interface ConsentHistoryEntry {
  readonly revision: bigint;
  readonly event: ConsentEvent;
  readonly recordedAt: Date;
  readonly correlationId: string;
}

/** The whole ledger of a client, oldest first; empty when there is no record in this chain. */
@Injectable()
export class GetConsentHistory {
  constructor(private readonly ledger: ConsentLedger) {}

  async execute(tenantId: string, clientId: string): Promise<ConsentHistoryEntry[]> {
    const recorded = await this.ledger.recorded(tenantId, clientId);
    return Promise.all(
      recorded.map(async (event) => ({
        revision: event.revision,
        event: await this.ledger.codec.decode(event),
        recordedAt: event.createdAt,
        correlationId: event.metadata.correlationId,
      })),
    );
  }
}
