import { ApiProperty } from '@nestjs/swagger';
import { IsMoney, MAX_MONEY } from '../http/money';

export class RecordVisitPaymentRequest {
  @ApiProperty({ example: 40, minimum: 0.01, maximum: MAX_MONEY, description: 'Above 0, up to 2 decimals, at most what is still due.' })
  @IsMoney({ min: 0.01 })
  amount!: number;
}
