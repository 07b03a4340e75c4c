import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, Min } from 'class-validator';

export class RecordVisitPaymentRequest {
  @ApiProperty({ example: 40, description: 'Above 0, up to 2 decimals, at most what is still due.' })
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0.01)
  amount!: number;
}
