import { Injectable } from '@nestjs/common';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientStream, WriteResult } from '../client-stream/client-stream';

export interface ClientDiscounts {
  readonly productDiscountPercent: number;
  readonly serviceDiscountPercent: number;
}

@Injectable()
export class SetClientDiscounts {
  constructor(private readonly clients: ClientStream) {}

  execute(context: CommandContext, clientId: string, discounts: ClientDiscounts, expectedRevision?: bigint): Promise<WriteResult> {
    const { productDiscountPercent, serviceDiscountPercent } = discounts;
    return this.clients.record(
      clientId,
      { type: 'SetClientDiscounts', data: { clientId, productDiscountPercent, serviceDiscountPercent }, metadata: commandMetadata(context) },
      { expectedRevision },
    );
  }
}
